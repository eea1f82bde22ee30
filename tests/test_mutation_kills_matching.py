"""Rules of catalog matching (match.py) that a mutant of the full mutmut run of 28 November
changed with no test failing (`make mutate`, docs/mutation-testing.md, "Session 20"). Each test
names the rule it pins.

Records around positions the catalog leaves open use the SYNTHETIC reference of
tests/reference.py (not IL1RN's real sequence); lab overlay rows are synthetic test rows.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from conftest import sample, shared_files, vcf_text
from reference import SLICE_END, SLICE_START, synthetic_sequence, write_fasta
from test_overlay import CATALOG, LAB_ROW, overlay

from il1rn_annot.genome import GRCH37_OFFSET

SV_HEADER = (
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
    '##ALT=<ID=DEL,Description="Deletion">',
)


@pytest.fixture(scope="session")
def fasta(tmp_path_factory):
    return shared_files(tmp_path_factory, "ref", write_fasta)


def _masked_fasta(directory: Path) -> Path:
    """The synthetic reference with 113131067 masked as X (as RepeatMasker -x masks repeats):
    plain FASTA with its .fai."""
    bases = {**synthetic_sequence(), AFTER_CONTEXT: "X"}
    path = directory / "synthetic_chr2_masked.fa"
    with path.open("w") as fh:
        fh.write(">chr2 SYNTHETIC test sequence, not GRCh38, one base masked as X\n")
        full, rest = divmod(SLICE_START - 1, 100)
        fh.write(("N" * 100 + "\n") * full)
        seq = "N" * rest + "".join(bases[p] for p in range(SLICE_START, SLICE_END + 1))
        fh.writelines(seq[i : i + 100] + "\n" for i in range(0, len(seq), 100))
    pysam.faidx(str(path))
    return path


@pytest.fixture(scope="session")
def masked_fasta(tmp_path_factory):
    return shared_files(tmp_path_factory, "ref-masked-x", _masked_fasta)


def _sample(annotate, rows, *args, chrom="2", build="GRCh38"):
    text = vcf_text(["s"], rows, chrom=chrom, build=build, header=SV_HEADER)
    return sample(annotate(text, *args), "s")


# -- a novel small allele is classified by its effect, read on the input's build ---------------

#: Leu50's codon (c.148-150, 113129607-113129609) as the SYNTHETIC reference writes it: TTA.
#: TTA>TAA is a stop; TTA>TTG keeps Leu.
LEU50 = 113129607


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_a_novel_stop_is_read_on_the_inputs_build(annotate, build):
    """A record that writes Leu50's whole codon and turns it into a stop is a novel loss of
    function on either build: reviewed, and counted with --count-novel-lof. Read on GRCh38
    coordinates, a GRCh37 record lies 757 kb from the gene and would change nothing."""
    row = f"{LEU50} TTA TAA PASS GT 1/1"
    s = _sample(annotate, [row], build=build)
    (variant,) = s["variants"]
    assert variant["consequence"] == "stop_gained"
    assert variant["classification"] == "novel_predicted_lof"
    assert variant["location"] == "exon 2"
    assert s["dira_genotype"] == "none"
    assert any("novel predicted loss-of-function" in r for r in s["review_reasons"])
    assert _sample(annotate, [row], "--count-novel-lof", build=build)["dira_genotype"] == (
        "biallelic"
    )


def test_the_reference_fasta_fixes_a_novel_stops_codon(annotate, fasta):
    """c.149T>A written as a one-base SNV: without --fasta the codon's other bases are open
    (a coding change of unknown effect, uncertain); with --fasta the reference gives TTA, so it
    is a stop: a novel loss of function, reviewed."""
    row = f"{LEU50 + 1} T A PASS GT 0/1"
    assert "".join(synthetic_sequence()[p] for p in range(LEU50, LEU50 + 3)) == "TTA"
    without = _sample(annotate, [row], chrom="chr2")
    assert without["variants"][0]["classification"] == "uncertain"
    s = _sample(annotate, [row], "--fasta", fasta, chrom="chr2")
    (variant,) = s["variants"]
    assert variant["consequence"] == "stop_gained"
    assert variant["classification"] == "novel_predicted_lof"
    assert s["needs_review"]


def test_a_novel_change_that_keeps_the_protein_is_not_of_uncertain_significance(annotate):
    """TTA>TTG keeps Leu50: a synonymous variant outside the catalog is listed as not in the
    catalog, not as a variant of uncertain significance (which the summary lists apart)."""
    s = _sample(annotate, [f"{LEU50} TTA TTG PASS GT 0/1"])
    (variant,) = s["variants"]
    assert variant["consequence"] == "synonymous_variant"
    assert variant["classification"] == "not_in_catalog"
    assert s["dira_genotype"] == "none"
    assert not s["needs_review"]


# -- a lab's own catalog row: matched as a bundled row, and the call says it rests on it ------


def test_a_small_allele_matched_to_a_lab_row_says_so(annotate, tmp_path):
    """c.229G>A, the lab's own row at E77X's site, called homozygous: the call counts it
    (biallelic) and needs review naming the lab's overlay; the record carries its source."""
    lab = overlay(tmp_path, LAB_ROW)
    s = _sample(annotate, ["113131068 G A PASS GT 1/1"], "--catalog-overlay", lab)
    assert s["dira_genotype"] == "biallelic"
    assert s["needs_review"]
    assert any("LAB-0001" in r and "lab's own catalog row" in r for r in s["review_reasons"])
    (variant,) = s["variants"]
    assert (variant["dira_id"], variant["catalog_source"]) == ("LAB-0001", "overlay")


#: A synthetic lab row: bases inserted after a C the catalog knows (2:113129615, c.156, from
#: DIRA03's context AACAA at 113129613; or 2:113127700, DIRA10's REF), written as the catalog
#: writes insertions (padding base first).
LAB_INSERTION = {
    **CATALOG.get("DIRA03").row,
    "id": "LAB-0002",
    "legacy_names": "family 7 private insertion",
    "hgvs_c": "",
    "hgvs_p": "",
    "variant_type": "insertion",
    "classification": "likely_pathogenic",
    "classification_basis": "lab: segregates in family 7 (synthetic test row)",
    "evidence_level": "derived_high",
    "grch38_pos": "113129615",
    "grch38_end": "113129615",
    "grch38_ref": "C",
    "grch38_alt": "CT",
    "grch37_pos": str(113129615 + GRCH37_OFFSET),
    "grch37_end": str(113129615 + GRCH37_OFFSET),
    "grch37_ref": "C",
    "grch37_alt": "CT",
    "ref_context_grch38": "",
    "ref_context_grch37": "",
    "rsid": "",
    "clinvar_id": "",
    "clinvar_significance": "",
    "pmids": "",
    "sources": "lab report 2026-11 (synthetic)",
}


@pytest.mark.parametrize(
    ("where", "alt"),
    [
        (113129615, "CT"),  # a frameshift
        (113129615, "CN"),  # an inserted base the row leaves open (N)
        (113127700, "CTTT"),  # after c.76 (DIRA10's C): without --fasta, in frame or a stop
    ],
)
def test_a_lab_insertion_written_as_its_row_matches_it(annotate, tmp_path, where, alt):
    """A lab row that inserts bases, and a record written exactly as the row: an exact match,
    counted and reviewed as the lab's row. The comparison of the inserted bases reads past the
    REF (no REF base to compare them with), and an inserted N (a base the row leaves open) must
    not break it; a catalog allele whose consequence stays open without --fasta keeps it (only
    a curated nonsense name closes an open codon)."""
    at = {"grch38_pos": str(where), "grch38_end": str(where)}
    at |= {"grch37_pos": str(where + GRCH37_OFFSET), "grch37_end": str(where + GRCH37_OFFSET)}
    row = {**LAB_INSERTION, **at, "grch38_alt": alt, "grch37_alt": alt}
    lab = overlay(tmp_path, row)
    s = _sample(annotate, [f"{where} C {alt} PASS GT 1/1"], "--catalog-overlay", lab)
    (variant,) = s["variants"]
    assert (variant["dira_id"], variant["match"]) == ("LAB-0002", "exact")
    assert s["dira_genotype"] == "biallelic"
    assert any("LAB-0002" in r and "lab's own catalog row" in r for r in s["review_reasons"])
    if alt == "CTTT":
        assert variant["consequence"] == "coding_sequence_variant"


# -- REF bases: the reference's and the record's N ---------------------------------------------

#: DIRA06 (c.213_227del): the bases it deletes; the catalog's context ends at 113131066, the
#: base after it (113131067) is known only from --fasta (the SYNTHETIC reference).
DIRA06_DELETED = "ATAGATGTGGTACCC"
AFTER_CONTEXT = 113131067


def test_a_fasta_base_at_a_records_last_ref_base_stops_a_catalog_match(annotate, fasta):
    """DIRA06 written with three bases after it, the last one (113131067, past the catalog's
    context) not the reference's: the record is not on this reference, so it names no catalog
    allele (indeterminate). With the reference's own base it is DIRA06 (biallelic)."""
    base = synthetic_sequence()[AFTER_CONTEXT]
    wrong = next(b for b in "ACGT" if b != base)

    def row(last: str) -> str:
        return f"113131049 G{DIRA06_DELETED}AT{last} GAT{last} PASS GT 1/1"

    s = _sample(annotate, [row(base)], "--fasta", fasta, chrom="chr2")
    assert [v["dira_id"] for v in s["variants"]] == ["DIRA06"]
    assert s["dira_genotype"] == "biallelic"
    s = _sample(annotate, [row(wrong)], "--fasta", fasta, chrom="chr2")
    assert [v["dira_id"] for v in s["variants"]] == [None]
    assert s["dira_genotype"] == "indeterminate"


#: CTRL08 (c.318+59A>T, intron 3), a known benign SNV of the non-DIRA table.
CTRL08 = 113131216


def test_a_fasta_base_that_contradicts_the_record_stops_a_non_dira_match(annotate, fasta):
    """CTRL08 written with the base before it: with the reference's own base it is CTRL08
    (known benign); with another base the record is not on this reference (--fasta), so it is
    no known allele, only a variant not in the catalog."""
    base = synthetic_sequence()[CTRL08 - 1]
    wrong = next(b for b in "ACGT" if b != base)

    def variant(before: str) -> dict:
        row = f"{CTRL08 - 1} {before}A {before}T PASS GT 0/1"
        (found,) = _sample(annotate, [row], "--fasta", fasta, chrom="chr2")["variants"]
        return found

    right, off = variant(base), variant(wrong)
    assert (right["non_dira_id"], right["classification"]) == ("CTRL08", "known_benign")
    assert (off["non_dira_id"], off["classification"]) == (None, "not_in_catalog")


def test_a_fasta_base_masked_as_x_proves_nothing(annotate, masked_fasta):
    """A FASTA that masks 113131067 as X: like N, an unknown base, so it contradicts no REF:
    DIRA06 written with a base of its own there is still DIRA06 (biallelic)."""
    wrong = next(b for b in "ACGT" if b != synthetic_sequence()[AFTER_CONTEXT])
    row = f"113131049 G{DIRA06_DELETED}AT{wrong} GAT{wrong} PASS GT 1/1"
    s = _sample(annotate, [row], "--fasta", masked_fasta, chrom="chr2")
    assert [v["dira_id"] for v in s["variants"]] == ["DIRA06"]
    assert s["dira_genotype"] == "biallelic"


def test_a_ref_n_second_in_a_record_over_a_catalog_site_proves_nothing(annotate):
    """An MNV whose REF is NN over 113131067-113131068: its second base is E77X's (G in the
    catalog). The record does not say what it changes there, so E77X is open: indeterminate,
    with the ref_unknown review line naming the record."""
    s = _sample(annotate, ["113131067 NN AA PASS GT 0/1"])
    assert s["dira_genotype"] == "indeterminate"
    assert any(
        r.startswith("DIRA01 site") and "has REF N over the catalog allele's bases" in r
        for r in s["review_reasons"]
    )
    (variant,) = s["variants"]
    assert any(w.startswith("ref_unknown") for w in variant["warnings"])


# -- a breakend's far end: its uncertainty when the mate record is not in the file ------------

#: DIRA11: published breakpoints (GRCh38, first and last deleted base), matched within one base
#: widened by CIPOS/CIEND.
DIRA11_FIRST, DIRA11_LAST = 113107434, 113129650


def _breakends(last: int, info: str = "", mate: str | None = None) -> list[str]:
    """A deletion of DIRA11_FIRST..``last`` as its left breakend (``info`` added to its INFO),
    and its right breakend with CIPOS ``mate`` (None: the mate record is not in the file)."""
    rows = [f"{DIRA11_FIRST - 1} N N[2:{last + 1}[ PASS INFO=SVTYPE=BND{info} GT 1/1"]
    if mate is not None:
        rows.append(
            f"{last + 1} N ]2:{DIRA11_FIRST - 1}]N PASS INFO=SVTYPE=BND;CIPOS={mate} GT 1/1"
        )
    return rows


def _assert_dira11_or_novel(s: dict, variant: dict, dira11: bool) -> None:
    """DIRA11 homozygous (biallelic), or a novel deletion of exon 1 (indeterminate)."""
    if dira11:
        assert variant["dira_id"] == "DIRA11"
        assert s["dira_genotype"] == "biallelic"
    else:
        assert variant["dira_id"] is None
        assert s["dira_genotype"] == "indeterminate"


@pytest.mark.parametrize(
    ("last", "info", "mate", "dira11"),
    [
        (DIRA11_LAST - 1, "", None, True),  # precise: within the one base of slack
        (DIRA11_LAST - 2, "", None, False),  # precise, two bases short: nothing reaches it
        (DIRA11_LAST + 5, ";CIPOS=-5,0", None, True),  # the far end takes CIPOS both ways
        (DIRA11_LAST + 5, ";CIPOS=0,5", None, True),
        (DIRA11_LAST + 7, ";CIPOS=-5,0", None, False),
        # The mate's own CIPOS and this record's CIEND, always with the called end itself:
        (DIRA11_LAST + 1, ";CIEND=3,10", "2,10", True),  # 2..10 bases out, or 0
        (DIRA11_LAST - 1, ";CIEND=-10,-3", "-10,-2", True),  # 2..10 bases in, or 0
    ],
)
def test_a_breakends_far_end_is_as_uncertain_as_its_mate_says(annotate, last, info, mate, dira11):
    """A homozygous deletion written as breakends. The far end's uncertainty is the mate
    record's CIPOS, or, without the mate in the file, this record's CIPOS taken both ways (Manta
    mirrors it between mates), widened by a CIEND; it always includes the called end, and a
    precise breakend's is none. DIRA11 (biallelic) when the far end may lie within a base of the
    published one; else a novel deletion of exon 1 (indeterminate)."""
    s = _sample(annotate, _breakends(last, info, mate))
    variant = next(v for v in s["variants"] if v["location"] != "mate breakend of a deletion")
    _assert_dira11_or_novel(s, variant, dira11)


#: DIRA07 (c.396del, low confidence): the catalog writes its padding base 113132730 as N and
#: deletes the C after it, in the run 113132731-113132733 (context GGNCCCA from 113132728);
#: the SYNTHETIC reference has C at 113132730, which makes the run CCCC.
DIRA07_PAD = 113132730


def test_a_deleted_n_that_the_fasta_and_the_catalog_leave_to_each_other(annotate, fasta):
    """A record that deletes 113132730 writing its REF base as N, where the catalog also has N:
    with --fasta the reference's C there makes it the same CCCC>CCC as DIRA07 (a match, and
    the call rests on DIRA07 for review); without --fasta nothing proves that base a C."""
    assert synthetic_sequence()[DIRA07_PAD] == "C"
    row = f"{DIRA07_PAD - 1} GN G PASS GT 1/1"
    s = _sample(annotate, [row], "--fasta", fasta, chrom="chr2")
    (variant,) = s["variants"]
    assert (variant["dira_id"], variant["match"]) == ("DIRA07", "normalized")
    assert any(r.startswith("call rests on DIRA07") for r in s["review_reasons"])
    without = _sample(annotate, [row], chrom="chr2")
    assert [v["dira_id"] for v in without["variants"]] == [None]


# -- which symbolic ALTs are copy-number losses ------------------------------------------------


@pytest.mark.parametrize(
    ("alt", "gt", "call"), [("<CN1>", "0/1", "monoallelic"), ("<CN0>", "1/1", "biallelic")]
)
def test_a_copy_number_of_one_or_none_over_the_founder_interval_is_dira04(annotate, alt, gt, call):
    """A CNV caller's <CN1> (one copy left) or <CN0> (none) over a 180-kb interval that contains
    DIRA04's gene-content interval: a deletion, named DIRA04; one copy lost is a carrier."""
    header = (f'##ALT=<ID={alt[1:-1]},Description="Copy number {alt[3]}">',)
    row = f"112960000 N {alt} PASS INFO=SVTYPE=CNV;END=113140000 GT {gt}"
    s = sample(annotate(vcf_text(["s"], [row], header=header)), "s")
    (variant,) = s["variants"]
    assert variant["dira_id"] == "DIRA04"
    assert s["dira_genotype"] == call


# -- a breakend pair is a deletion only when it leaves bases out --------------------------------


@pytest.mark.parametrize(
    ("row", "classification", "consequence", "call"),
    [
        # joined to the next base: no base left out
        ("113132740 N N[2:113132741[", "uncertain", "feature_truncation", "indeterminate"),
        ("113132741 N ]2:113132740]N", "uncertain", "feature_truncation", "indeterminate"),
        # one base (113132741) left out
        ("113132740 N N[2:113132742[", "novel_predicted_lof", "frameshift_variant", "none"),
        ("113132742 N ]2:113132740]N", "novel_predicted_lof", "frameshift_variant", "none"),
    ],
)
def test_a_breakend_joined_to_the_next_base_deletes_nothing(
    annotate, row, classification, consequence, call
):
    """A breakend in coding exon 4 joined to the next base (or, written from the right, to the
    base before) leaves no base out: not a deletion
    but a junction (a rearrangement that may disrupt IL1RN, reviewed). Joined one base further,
    it is the deletion of that base: a frameshift, a novel loss of function (reviewed, counted
    only with --count-novel-lof)."""
    s = _sample(annotate, [f"{row} PASS INFO=SVTYPE=BND GT 0/1"])
    (variant,) = s["variants"]
    assert (variant["classification"], variant["consequence"]) == (classification, consequence)
    assert s["dira_genotype"] == call
    assert s["needs_review"]


@pytest.mark.parametrize(
    ("last", "info", "dira11"),
    [(DIRA11_LAST, "", True), (DIRA11_LAST + 3, ";CIPOS=-5,0", True), (DIRA11_LAST + 3, "", False)],
)
def test_a_lone_right_breakend_describes_its_deletion(annotate, last, info, dira11):
    """The right breakend of a deletion of DIRA11_FIRST..``last`` alone in the file (its mate
    outside it): it describes the deletion, its CIPOS the uncertainty of the end it sits on and,
    both ways, of the far one. DIRA11 (biallelic) when the ends may lie within a base of the
    published ones; else a novel deletion of exon 1 (indeterminate)."""
    row = f"{last + 1} N ]2:{DIRA11_FIRST - 1}]N PASS INFO=SVTYPE=BND{info} GT 1/1"
    s = _sample(annotate, [row])
    (variant,) = s["variants"]
    _assert_dira11_or_novel(s, variant, dira11)


# -- an overlay allele shaped like the intron 2 VNTR keeps its own classification ---------------

#: 86 inserted bases (one VNTR repeat's length), synthetic: an insertion claims no genomic base.
_REPEAT = "ACGT" * 21 + "AC"
_INTRON_2 = 113130000  # GRCh38, inside intron 2 (exon 2 ends at 113129664, exon 3 starts 113131045)


def test_an_overlay_allele_shaped_like_the_vntr_keeps_its_own_classification(tmp_path, annotate):
    """A lab's overlay row that inserts one 86-bp repeat's length in intron 2 (synthetic) has the
    shape of a VNTR allele; matched, it is the lab's likely-pathogenic allele, not the VNTR's
    benign one: homozygous, the sample is biallelic. The VNTR name is given only to alleles the
    catalog does not match."""
    row = {
        **LAB_ROW,
        "id": "LAB-0002",
        "hgvs_c": "c.",
        "hgvs_p": "p.?",
        "variant_type": "insertion",
        "location": "intron 2",
        "grch38_pos": str(_INTRON_2),
        "grch38_end": str(_INTRON_2),
        "grch38_ref": "N",
        "grch38_alt": "N" + _REPEAT,
        "grch37_pos": str(_INTRON_2 + GRCH37_OFFSET),
        "grch37_end": str(_INTRON_2 + GRCH37_OFFSET),
        "grch37_ref": "N",
        "grch37_alt": "N" + _REPEAT,
        "ref_context_grch38": "",
        "ref_context_grch37": "",
        "unverified": "synthetic test row: the padding base is not known (N)",
    }
    lab = overlay(tmp_path, row)
    text = vcf_text(["s"], [f"{_INTRON_2} A A{_REPEAT} PASS GT 1/1"])
    plain = sample(annotate(text), "s")
    assert plain["dira_genotype"] == "none"  # the bundled catalog: a VNTR allele
    assert "IL1RN*" in (plain["variants"][0]["non_dira_name"] or "")
    s = sample(annotate(text, "--catalog-overlay", lab), "s")
    (variant,) = s["variants"]
    assert variant["dira_id"] == "LAB-0002"
    assert s["dira_genotype"] == "biallelic"


def test_alleles_after_a_deletions_mate_breakend_are_annotated(annotate):
    """A novel deletion upstream of IL1RN written as two breakends (both 0/1), then E77X 1/1:
    the mate is listed as a plain breakend, and E77X, after it in the file, is annotated and
    counted (match.annotate_alleles #38 stopped at the first mate: E77X was never matched).
    The mate's row says what it is (#30-#36 changed or dropped its location)."""
    from test_call_boundaries import BND_HEADER, _breakend_pair

    rows = [
        *_breakend_pair(113120000, 113121000, "0/1", (0, 0), (0, 0)),
        "113131068 G T PASS GT 1/1",
    ]
    report = annotate(vcf_text(["S"], rows, header=BND_HEADER))
    s = sample(report, "S")
    assert s["dira_genotype"] == "biallelic"
    assert [v["dira_id"] for v in s["variants"] if v["dira_id"]] == ["DIRA01"]
    (mate,) = [v for v in s["variants"] if v["pos"] == 113121001]
    assert mate["location"] == "mate breakend of a deletion"


def test_a_row_the_lab_downgrades_is_no_catalog_site(annotate, tmp_path):
    """The lab's overlay downgrades Q54X (DIRA02) to uncertain: it no longer counts, so its base
    is no catalog site. A no-call of another allele there leaves nothing that counts open: the
    sample is none, and DIRA02 is neither called nor not assessed
    (genotype.catalog_sites #13 gave every matchable row a site, counting or not)."""
    from test_overlay import OVERRIDE_ROW

    lab = overlay(tmp_path, OVERRIDE_ROW)
    report = annotate(vcf_text(["s"], ["113129619 C A PASS GT ./."]), "--catalog-overlay", lab)
    s = sample(report, "s")
    assert s["dira_genotype"] == "none"
    assert "DIRA02" not in s["coverage"]["sites_not_assessed"] + s["coverage"]["sites_called"]
