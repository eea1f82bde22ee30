"""Alleles that look like evidence but prove nothing about a catalog site: a ``*`` allele whose
deletion is not in the file, a breakend that rearranges IL1RN, a REF of N at a catalog site.
Each must leave the call open (indeterminate, or needs_review), never read as reference."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text, write_input
from test_sv import SV_HEADER

from il1rn_annot.catalog import load_catalog
from il1rn_annot.match import matches_locus
from il1rn_annot.model import Allele, AltAllele, VariantRecord

STAR = ['##ALT=<ID=*,Description="Allele spanned by a deletion on another record">']
BND = [*SV_HEADER, "##contig=<ID=5,length=181538259>"]
# Q54X (DIRA02) and E77X (DIRA01), GRCh38.
Q54X = "113129619 C T PASS"
E77X_SITE = 113131068


def _s(annotate, rows, *args, header=(), encoding="vcf.gz+tbi"):
    rows = sorted(rows, key=lambda row: int(row.split()[0]))  # an index needs sorted records
    text = vcf_text(["S"], rows, header=header)
    return sample(annotate(text, *args, encoding=encoding), "S")


def _unseen(s) -> list[str]:
    return [r for r in s["review_reasons"] if "its record is not in the file" in r]


# --- 2: a `*` allele is a deletion over the site on that haplotype, not a reference call ---


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf"])
def test_homozygous_star_at_a_catalog_site_is_never_none(annotate, encoding):
    s = _s(annotate, [f"{E77X_SITE} G T,* PASS GT:DP:GQ 2/2:30:50"], header=STAR, encoding=encoding)
    assert s["dira_genotype"] == "indeterminate"
    assert s["needs_review"] is True
    (reason,) = _unseen(s)
    assert reason.startswith(
        "DIRA01 site, record 2:113131068 (2/2): a deletion spans the site on 2"
    )
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    assert "DIRA01" not in s["coverage"]["sites_called"]


@pytest.mark.parametrize(
    ("gt", "haplotypes"),
    [("1/2", 1), ("2/1", 1), ("0/2", 1), ("1|2", 1)],
)
def test_star_beside_a_call_leaves_the_other_haplotype_open(annotate, gt, haplotypes):
    s = _s(annotate, [f"{E77X_SITE} G T,* PASS GT:DP:GQ {gt}:30:50"], header=STAR)
    assert s["dira_genotype"] == "indeterminate"  # 1/2: E77X beside an unseen deletion
    (reason,) = _unseen(s)
    assert f"on {haplotypes} haplotype(s)" in reason
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


@pytest.mark.parametrize(("gt", "zygosity"), [("1/2", "hemizygous"), ("1/0", "het")])
def test_allele_beside_a_star_is_the_only_copy(annotate, gt, zygosity):
    s = _s(annotate, [f"{E77X_SITE} G T,* PASS GT:DP:GQ {gt}:30:50"], header=STAR)
    (variant,) = s["variants"]
    assert (variant["dira_id"], variant["zygosity"]) == ("DIRA01", zygosity)


def test_star_beside_another_allele_at_the_site(annotate):
    # G>C is not a catalog allele; the * haplotype lacks the site altogether.
    s = _s(annotate, [f"{E77X_SITE} G C,* PASS GT:DP:GQ 1/2:30:50"], header=STAR)
    assert s["dira_genotype"] == "indeterminate"
    assert _unseen(s)


def test_star_asks_for_review_even_when_the_call_is_decided(annotate):
    rows = [f"{Q54X} GT:DP:GQ 1/1:30:50", f"{E77X_SITE} G T,* PASS GT:DP:GQ 0/2:30:50"]
    s = _s(annotate, rows, header=STAR)
    assert s["dira_genotype"] == "biallelic"  # Q54X homozygous: every reading agrees
    assert s["needs_review"] is True
    assert _unseen(s)


# The deletion written on its own record (here over 113131001-113131100, exon 3): the * allele
# adds nothing, the deletion is judged as itself.
DELETION = "113131000 N <DEL> PASS INFO=SVTYPE=DEL;END=113131100"


def test_star_with_its_deletion_in_the_file(annotate):
    rows = [f"{DELETION} GT 0/1", f"{E77X_SITE} G T,* PASS GT:DP:GQ 1/2:30:50"]
    s = _s(annotate, rows, header=[*STAR, *SV_HEADER])
    assert not _unseen(s)
    assert s["dira_genotype"] == "indeterminate"  # the novel deletion is not counted
    counted = _s(annotate, rows, "--count-novel-lof", header=[*STAR, *SV_HEADER])
    assert counted["dira_genotype"] == "biallelic"  # E77X on the haplotype the deletion spares
    assert not _unseen(counted)


def test_star_with_its_deletion_in_the_sv_file(tmp_path, run):
    small = vcf_text(["S"], [f"{E77X_SITE} G T,* PASS GT:DP:GQ 1/2:30:50"], header=STAR)
    sv = vcf_text(["S"], [f"{DELETION} GT 0/1"], header=SV_HEADER)
    paths = [write_input(tmp_path, name, text) for name, text in (("small", small), ("sv", sv))]
    alone = run("annotate", paths[0])
    assert _unseen(sample(alone.json(), "S"))
    result = run("annotate", paths[0], "--sv", paths[1], "--count-novel-lof")
    assert result.exit_code == 0, result.stderr
    s = sample(result.json(), "S")
    assert not _unseen(s)
    assert s["dira_genotype"] == "biallelic"


def test_star_with_a_deletion_of_one_haplotype_leaves_the_other_open(annotate):
    rows = [f"{DELETION} GT 0/1", f"{E77X_SITE} G T,* PASS GT:DP:GQ 2/2:30:50"]
    s = _s(annotate, rows, header=[*STAR, *SV_HEADER])
    (reason,) = _unseen(s)
    assert "on 1 haplotype(s)" in reason
    assert s["dira_genotype"] == "indeterminate"


# --- 4: a breakend inside IL1RN that no deletion explains is a rearrangement ---

TRANSLOCATION = [
    "113131100 A A[5:1000[ PASS INFO=SVTYPE=BND;MATEID=b2 GT 0/1",  # exon 3
]


def _rearranged(s) -> list[str]:
    return [r for r in s["review_reasons"] if "structural rearrangement" in r]


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("113131100 A A[5:1000[", "IL1RN exon 3 joined to 5:1000 (another chromosome)"),
        ("113130500 A ]5:1000]A", "IL1RN intron 2 joined to 5:1000 (another chromosome)"),
        ("113131100 A A]2:150000000]", "joined to 2:150000000 on the same chromosome"),
        ("113131100 A [2:90000000[A", "joined to 2:90000000 on the same chromosome"),
        ("113131100 A A.", "IL1RN exon 3 a single breakend"),
        ("113131100 A .A", "IL1RN exon 3 a single breakend"),
        ("113100000 A A]2:113131100]", "its mate in IL1RN exon 3"),
    ],
)
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf"])
def test_breakend_in_il1rn_with_a_het_allele_is_not_monoallelic(annotate, row, where, encoding):
    rows = [f"{Q54X} GT 0/1", f"{row} PASS INFO=SVTYPE=BND GT 0/1"]
    s = _s(annotate, rows, header=BND, encoding=encoding)
    assert s["dira_genotype"] == "indeterminate"
    (reason,) = _rearranged(s)
    assert where in reason
    bnd = next(v for v in s["variants"] if v["dira_id"] is None)
    assert bnd["classification"] == "uncertain"
    assert bnd["consequence"] == "feature_truncation"


def test_breakend_alone_needs_review(annotate):
    s = _s(annotate, [f"{TRANSLOCATION[0]}"], header=BND)
    assert s["dira_genotype"] == "indeterminate"
    assert _rearranged(s)


def test_breakend_beside_a_homozygous_allele_still_asks_for_review(annotate):
    s = _s(annotate, [f"{Q54X} GT 1/1", TRANSLOCATION[0]], header=BND)
    assert s["dira_genotype"] == "biallelic"
    assert _rearranged(s)


def test_single_breakend_is_not_read_as_an_insertion(annotate):
    s = _s(annotate, ["113131100 A A. PASS INFO=SVTYPE=BND GT 0/1"], header=BND)
    (variant,) = s["variants"]
    assert variant["classification"] == "uncertain"  # not a frameshift inserting "."
    assert variant["hgvs_c"] is None


def test_breakend_outside_il1rn_changes_nothing(annotate):
    rows = [f"{Q54X} GT 0/1", "113100000 A A[5:1000[ PASS INFO=SVTYPE=BND GT 0/1"]
    s = _s(annotate, rows, header=BND)
    assert s["dira_genotype"] == "monoallelic"
    assert not _rearranged(s)


def test_breakend_in_the_sv_file(tmp_path, run):
    small = write_input(tmp_path, "small", vcf_text(["S"], [f"{Q54X} GT 0/1"]))
    sv = write_input(tmp_path, "sv", vcf_text(["S"], TRANSLOCATION, header=BND))
    result = run("annotate", small, "--sv", sv)
    assert result.exit_code == 0, result.stderr
    s = sample(result.json(), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert _rearranged(s)


def test_translocation_mate_pair_from_the_review(annotate):
    # The reviewer's bnd.vcf: the chr5 mate is outside the window and never read.
    rows = [f"{Q54X} GT:DP:GQ 0/1:30:50", TRANSLOCATION[0]]
    text = vcf_text(["S"], rows, header=BND)
    text += "5\t1000\tb2\tA\t]2:113131100]A\t.\tPASS\tSVTYPE=BND;MATEID=b1\tGT\t0/1\n"
    s = sample(annotate(text, encoding="vcf"), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert _rearranged(s)


# --- 10a: a REF of N proves no catalog allele ---


@pytest.mark.parametrize(
    ("gt", "encoding"), [("1/1", "vcf"), ("1/1", "bcf"), ("0/1", "vcf.gz+tbi")]
)
def test_ref_n_at_a_catalog_site_is_no_match(annotate, gt, encoding):
    s = _s(annotate, [f"{E77X_SITE} N T PASS GT:DP:GQ {gt}:30:50"], encoding=encoding)
    assert s["dira_genotype"] == "indeterminate"
    (variant,) = s["variants"]
    assert variant["dira_id"] is None
    assert variant["match"] is None
    assert any(
        w.startswith("ref_unknown: REF N at catalog site DIRA01") for w in variant["warnings"]
    )
    assert any("REF N over the catalog allele's bases" in r for r in s["review_reasons"])
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


def test_ref_n_is_a_report_warning_and_proves_no_reference(annotate):
    text = vcf_text(["A", "B"], [f"{E77X_SITE} N T PASS GT:DP:GQ 0/0:30:50 0/1:30:50"])
    report = annotate(text)
    (warning,) = report["warnings"]
    assert warning.startswith("2:113131068: ref_unknown: REF N at catalog site DIRA01")
    assert "reference has G at 113131068" in warning
    a = sample(report, "A")
    assert "DIRA01" not in a["coverage"]["sites_called"]  # a 0/0 of REF N proves no base
    assert "DIRA01" in a["coverage"]["sites_not_assessed"]
    assert a["dira_genotype"] == "indeterminate"  # it was `none`, nothing to review
    assert sample(report, "B")["dira_genotype"] == "indeterminate"


def test_ref_n_is_a_warning_in_a_file_without_samples(annotate):
    report = annotate(vcf_text([], [f"{E77X_SITE} N T PASS"]))
    assert [w.split(": ")[1] for w in report["warnings"]] == ["ref_unknown"]


def test_an_unchanged_n_beside_the_site_does_not_hide_the_allele(annotate):
    report = annotate(vcf_text(["S"], ["113131067 NG NT PASS GT:DP:GQ 1/1:30:50"]))
    s = sample(report, "S")
    assert s["dira_genotype"] == "biallelic"
    assert s["variants"][0]["dira_id"] == "DIRA01"
    assert report["warnings"] == []


def test_ref_n_asks_for_review_even_when_the_call_is_decided(annotate):
    rows = [f"{Q54X} GT:DP:GQ 1/1:30:50", f"{E77X_SITE} N T PASS GT:DP:GQ 0/1:30:50"]
    s = _s(annotate, rows)
    assert s["dira_genotype"] == "biallelic"
    assert any("REF N over the catalog allele's bases" in r for r in s["review_reasons"])


def _alt(pos: int, ref: str, alt: str) -> AltAllele:
    record = VariantRecord("2", pos, ref, (alt,), pos + len(ref) - 1, (), None, (), 0)
    return AltAllele(record, 1, Allele(pos, ref, alt), Allele(pos, ref, alt))


@pytest.mark.parametrize(
    ("dira_id", "pos", "ref", "alt", "expected"),
    [
        ("DIRA01", 113131068, "N", "T", ""),
        ("DIRA01", 113131068, "G", "T", "exact"),
        ("DIRA03", 113129613, "ANC", "A", ""),  # the deleted bases are not known
        ("DIRA06", 113131049, "NATAGATGTGGTACCC", "N", "exact"),  # N where the catalog has N
        ("DIRA01", 113131067, "NG", "NT", "normalized"),  # the N is not changed: G>T is proven
        ("DIRA03", 113129613, "NAC", "N", "normalized"),  # an N padding base
    ],
)
def test_matches_locus_needs_known_ref_bases(dira_id, pos, ref, alt, expected):
    locus = load_catalog().entry(dira_id).locus("GRCh38")
    assert matches_locus(_alt(pos, ref, alt), locus) == expected
