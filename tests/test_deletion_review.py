"""Deletion evidence that a review found mishandled; each case must stay fixed."""

from __future__ import annotations

import pytest
from conftest import sample, shared_files, vcf_text, write_input
from test_depth import Layout, write_alignments
from test_sv import FOUNDER, SV_HEADER

CN_FLOAT = ['##FORMAT=<ID=CNF,Number=1,Type=Float,Description="x">']


def _s(annotate, rows, *args, header=SV_HEADER, encoding="vcf.gz+tbi"):
    return sample(annotate(vcf_text(["S"], rows, header=header), *args, encoding=encoding), "S")


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf", "bcf"])
def test_long_deletion_from_far_upstream(annotate, encoding):
    row = "111900000 N <DEL> PASS INFO=SVTYPE=DEL;END=113500000 GT 1/1"
    s = _s(annotate, [row], encoding=encoding)
    assert s["dira_genotype"] == "indeterminate"
    assert s["variants"][0]["classification"] == "novel_predicted_lof"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("GT:CN 1/1:4", "none"),  # a gain
        ("GT:CN 0/1:3", "none"),
        ("GT:CN .:0", "biallelic"),
        ("GT:CN ./.:1", "monoallelic"),
    ],
)
def test_cnv_allele_follows_copy_number(annotate, fmt, expected):
    row = f"112960000 N <CNV> PASS INFO=SVTYPE=CNV;END=113140000 {fmt}"
    assert _s(annotate, [row])["dira_genotype"] == expected


@pytest.mark.parametrize("fmt", ["GT:CN 0/0:0", "GT:CN 0/1:0", "GT:CN 1/1:2"])
def test_gt_disagreeing_with_copy_number_decides_nothing(annotate, fmt):
    s = _s(annotate, [f"{FOUNDER} {fmt}"])
    assert s["dira_genotype"] == "indeterminate"
    assert "disagrees with CN" in s["variants"][0]["genotype"]


@pytest.mark.parametrize(("cn", "expected"), [("0.9", "monoallelic"), ("1.6", "none")])
def test_fractional_copy_number_is_rounded(annotate, cn, expected):
    header = [*SV_HEADER, '##FORMAT=<ID=CN,Number=1,Type=Float,Description="Copy number">']
    text = vcf_text(["S"], [f"{FOUNDER} GT:CN .:{cn}"], header=header)
    text = text.replace('##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">\n', "")
    assert sample(annotate(text), "S")["dira_genotype"] == expected


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf"])
def test_right_hand_breakend_alone_is_the_founder_deletion(annotate, encoding):
    row = "113140001 N ]2:112960000]N PASS INFO=SVTYPE=BND GT 1/1"
    s = _s(annotate, [row], encoding=encoding)
    assert s["dira_genotype"] == "biallelic"
    assert s["variants"][0]["dira_id"] == "DIRA04"


def test_breakend_pair_counts_once_when_heterozygous(annotate):
    rows = [
        "112960000 N N[2:113140001[ PASS INFO=SVTYPE=BND GT 0/1",
        "113140001 N ]2:112960000]N PASS INFO=SVTYPE=BND GT 0/1",
    ]
    s = _s(annotate, rows)
    assert s["dira_genotype"] == "monoallelic"
    assert [v["dira_id"] for v in s["variants"]].count("DIRA04") == 1


def test_novel_breakend_deletion_hides_the_sites_it_removes(annotate):
    rows = [
        "113130000 N N[2:113132001[ PASS INFO=SVTYPE=BND GT 1/1",
        "113132001 N ]2:113130000]N PASS INFO=SVTYPE=BND GT 1/1",
    ]
    assert _s(annotate, rows)["dira_genotype"] == "indeterminate"


@pytest.mark.parametrize(
    "row",
    [
        "113127000 N <DEL> PASS INFO=SVTYPE=DEL",  # no END, no SVLEN
        "113135000 N <DEL> PASS INFO=SVTYPE=DEL;END=113100000",  # END before POS
    ],
)
def test_deletion_of_unknown_extent_is_never_none(annotate, row):
    assert _s(annotate, [f"{row} GT 1/1"])["dira_genotype"] == "indeterminate"


def test_gvcf_block_without_gq_or_depth_proves_nothing(annotate):
    header = ['##ALT=<ID=NON_REF,Description="Any possible alternative allele">']
    row = "113094315 A <NON_REF> PASS INFO=END=113139016 GT 0/0"
    s = _s(annotate, [row], header=header)
    assert s["dira_genotype"] == "indeterminate"
    assert s["coverage"]["proven_reference"] is False
    assert s["coverage"]["cds_bases_called"] == 0


def test_joint_called_vcf_with_a_non_ref_header_is_not_a_gvcf(annotate):
    header = ['##ALT=<ID=NON_REF,Description="Any possible alternative allele">']
    report = annotate(vcf_text(["S"], ["113131068 G T PASS GT 0/1"], header=header))
    assert report["input"]["gvcf"] is False
    assert sample(report, "S")["dira_genotype"] == "monoallelic"


def test_gvcf_coverage_does_not_count_sv_records(annotate):
    header = [*SV_HEADER, '##ALT=<ID=NON_REF,Description="Any possible alternative allele">']
    rows = [f"{FOUNDER} GT 1/1", "113094315 A <NON_REF> PASS INFO=END=113100000 GT:GQ 0/0:99"]
    s = _s(annotate, rows, header=header)
    assert s["dira_genotype"] == "biallelic"
    assert s["coverage"]["cds_bases_called"] == 0


@pytest.fixture(scope="module")
def partial_bams(tmp_path_factory):
    def make(directory):
        return {
            "exon4_one_copy": write_alignments(
                directory / "e4.bam", "GRCh38", "2", Layout(exons=(30, 30, 30, 15), samples=("S",))
            ),
            "two": write_alignments(directory / "two.bam", "GRCh38", "2", Layout(samples=("S",))),
        }

    return shared_files(tmp_path_factory, "partial", make)


def test_one_copy_of_one_exon_beside_a_heterozygous_allele(tmp_path, run, partial_bams):
    vcf = write_input(tmp_path, "in", vcf_text(["S"], ["113131068 G T PASS GT 0/1"]))
    s = sample(run("annotate", vcf, "--bam", partial_bams["exon4_one_copy"]).json(), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert any("one copy of coding exon(s) [4]" in r for r in s["review_reasons"])


def test_two_copies_contradict_a_homozygous_deletion(tmp_path, run, partial_bams):
    vcf = write_input(tmp_path, "in", vcf_text(["S"], [f"{FOUNDER} GT 1/1"], header=SV_HEADER))
    s = sample(run("annotate", vcf, "--bam", partial_bams["two"]).json(), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert any("contradicts the deletion" in r for r in s["review_reasons"])


def test_tsv_says_whether_none_is_proven(run, tmp_path):
    vcf = write_input(tmp_path, "in", vcf_text(["S"], ["113131216 A T PASS GT 0/1"]))
    lines = run("annotate", vcf, "--format", "tsv").stdout.splitlines()
    header, row = lines[0].split("\t"), lines[1].split("\t")
    assert row[header.index("dira_genotype")] == "none"
    assert row[header.index("proven_reference")] == "false"
    assert row[header.index("coverage_evidence")] == "variant_calls"
    summary = run("annotate", vcf, "--format", "summary").stdout
    assert "none  " in summary and "found; sites not proven reference" in summary


E77X_HOM = "113131068 G T PASS GT 1/1"
EXON3_LOSS = "113130000 N <DEL> PASS INFO=SVTYPE=DEL;END=113132000"  # novel, E77X's site inside


@pytest.mark.parametrize(
    ("deletion", "args", "expected"),
    [
        # one E77X and one novel deletion (not counted): a carrier at least, maybe affected
        (f"{EXON3_LOSS} GT 0/1", [], "indeterminate"),
        (f"{EXON3_LOSS} GT 0/1", ["--count-novel-lof"], "biallelic"),
        # 21 bp in-frame around E77X: the deletion's class (uncertain) decides, not E77X twice
        ("113131059 N <DEL> PASS INFO=SVTYPE=DEL;END=113131079 GT 0/1", [], "indeterminate"),
        # a failing deletion call: one copy of E77X or two
        (f"{EXON3_LOSS.replace('PASS', 'LowQual')} GT 0/1", [], "indeterminate"),
        # the founder deletion on the other haplotype: its own class makes it biallelic
        (f"{FOUNDER} GT 0/1", [], "biallelic"),
    ],
)
def test_hemizygous_call_is_one_copy(annotate, deletion, args, expected):
    s = _s(annotate, [deletion, E77X_HOM], *args)
    assert s["dira_genotype"] == expected
    (e77x,) = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
    assert e77x["zygosity"] == "hemizygous"
    if expected == "indeterminate":
        assert any("from monoallelic to biallelic" in r for r in s["review_reasons"])


def test_hemizygous_inside_a_phased_deletion_is_on_the_other_haplotype(annotate):
    rows = [f"{EXON3_LOSS} GT:PS 0|1:5", "113131068 G T PASS GT:PS 1|1:5"]
    s = _s(annotate, rows, "--count-novel-lof")
    assert s["dira_genotype"] == "biallelic"
    assert any("in trans" in n for n in s["notes"])


def test_hemizygous_inside_a_sequence_resolved_deletion(annotate):
    from test_sv import CIGAR_HEADER, _resolved_deletion

    rows = [_resolved_deletion(113131000, 113131199, "0/1"), E77X_HOM]
    s = _s(annotate, rows, header=CIGAR_HEADER)
    (e77x,) = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
    assert e77x["zygosity"] == "hemizygous"
    assert s["dira_genotype"] == "indeterminate"  # one E77X + a novel deletion, not two E77X


def test_two_largely_overlapping_deletions_are_not_proven_in_trans(annotate):
    # Maybe one event written by two callers: the inner one need not sit on the other haplotype.
    rows = [f"{EXON3_LOSS} GT 0/1", "113130100 N <DEL> PASS INFO=SVTYPE=DEL;END=113131900 GT 0/1"]
    s = _s(annotate, rows, "--count-novel-lof")
    assert s["dira_genotype"] == "biallelic_unphased"


def test_failing_hom_call_beside_a_failing_deletion_allows_two_copies(annotate):
    rows = [f"{FOUNDER.replace('PASS', 'LowQual')} GT 0/1", "113131068 G T PASS GT:GQ 1/1:5"]
    s = _s(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert "the evidence allows anything from none to biallelic" in s["review_reasons"]


@pytest.mark.parametrize("gt", ["1/1", "0/1"])
@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf"])
def test_cnv_without_copy_number_over_il1rn_decides_nothing(annotate, gt, encoding):
    """A <CNV> (a loss or a gain) with no CN is a no-call of a record that may delete every
    catalog site: never a plain `none`."""
    row = f"113100000 N <CNV> PASS INFO=SVTYPE=CNV;END=113135000 GT {gt}"
    s = _s(annotate, [row], encoding=encoding)
    assert s["dira_genotype"] == "indeterminate"
    assert any("is not called (no-call)" in r for r in s["review_reasons"])
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


def test_no_call_of_a_deletion_over_a_catalog_site_leaves_it_open(annotate):
    """A deletion the SV caller could not genotype may remove E77X's base; a carrier of Q54X
    beside it is not a plain carrier."""
    rows = [
        "113129619 C T PASS GT 0/1",
        "113131060 N <DEL> PASS INFO=SVTYPE=DEL;END=113131070 GT ./.",
    ]
    s = _s(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert any(r.startswith("DIRA01 site") for r in s["review_reasons"])
