"""Inputs where a careless caller says `none` or a false `biallelic`: deletions and complex
alleles over catalog sites, duplicate and conflicting records, odd ploidy, missing GT fields,
changed padding bases. Each one found by review; each must stay fixed."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text

FOUNDER_DEL = "112973203 N <DEL> PASS INFO=SVTYPE=DEL;END=113134016"


def _call(annotate, rows, *args, samples=("S",)):
    report = annotate(vcf_text(list(samples), rows), *args)
    return [sample(report, name) for name in samples]


@pytest.mark.parametrize(
    "rows",
    [
        [f"{FOUNDER_DEL} GT 1/1"],  # homozygous deletion of the whole gene
        [f"{FOUNDER_DEL} GT 0/1", "113131068 G T PASS GT 0/1"],  # deletion + E77X: hemizygous
        ["113131060 AGTACCCATGGAGAAGAAA A PASS GT 1/1"],  # small deletion over E77X and DIRA06
        ["113131067 AG TT PASS GT 1/1"],  # MNV that contains c.229G>T
        ["113129613 AACAAGC AAAGT PASS GT 1/1"],  # complex allele over DIRA03 and Q54X
    ],
    ids=["sv-hom", "sv-het-plus-e77x", "small-del", "mnv", "complex"],
)
def test_alleles_that_remove_or_hide_a_catalog_site_are_never_none(annotate, rows):
    (s,) = _call(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert s["needs_review"]
    assert s["coverage"]["proven_reference"] is False
    assert any("another allele" in r for r in s["review_reasons"])


def test_snv_on_a_padding_base_does_not_assess_the_deletion_site(annotate):
    (s,) = _call(annotate, ["113129613 A G PASS GT 0/0"])
    assert "DIRA03" in s["coverage"]["sites_not_assessed"]


def test_duplicate_records_phased_on_both_haplotypes_are_homozygous(annotate):
    rows = ["113131068 G T PASS GT 1|0", "113131068 GA TA PASS GT 0|1"]
    (s,) = _call(annotate, rows)
    assert s["dira_genotype"] == "biallelic"


def test_duplicate_unphased_records_leave_the_dosage_open(annotate):
    rows = ["113131068 G T PASS GT 0/1", "113131068 GA TA PASS GT 0/1"]
    (s,) = _call(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert any("2 records" in r for r in s["review_reasons"])


def test_conflicting_records_are_indeterminate(annotate):
    rows = ["113131068 G T PASS GT:GQ:DP 0/0:60:30", "113131068 GA TA PASS GT:GQ:DP 1/1:60:30"]
    (s,) = _call(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert any("disagree" in r for r in s["review_reasons"])


def test_multiallelic_record_with_e77x_and_a_delins_over_it(annotate):
    (s,) = _call(annotate, ["113131068 GA TA,T PASS GT 1/2"])
    # ALT 1 (GA>TA) is E77X; ALT 2 (GA>T) changes c.229 and deletes c.230: another allele on the
    # other haplotype that removes the site, so the second copy is open.
    hits = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
    assert len(hits) == 1 and hits[0]["zygosity"] == "het"
    assert s["dira_genotype"] == "indeterminate"


def test_sample_without_gt_is_a_no_call(annotate):
    (s,) = _call(annotate, ["113131068 G T PASS DP:GQ 30:50"])
    assert s["dira_genotype"] == "indeterminate"
    assert s["variants"][0]["zygosity"] == "no_call"


def test_low_quality_reference_call_at_a_shifted_catalog_record(annotate):
    a, b = _call(annotate, ["113132732 CC C PASS GT:GQ:DP 0/1:50:30 0/0:3:5"], samples=("A", "B"))
    assert a["dira_genotype"] == "monoallelic" and "DIRA07" in a["coverage"]["sites_called"]
    assert b["dira_genotype"] == "indeterminate"


@pytest.mark.parametrize(
    "row",
    [
        "113131049 GATAGATGTGGTACCC T",  # the DIRA06 deletion that also changes its pad base
        "113132730 TC A",  # likewise for DIRA07
        "113129613 AACTT ATT",  # REF contradicts DIRA03's confirmed context (AACAA)
    ],
)
def test_changed_pad_or_contradicting_ref_is_not_a_catalog_match(annotate, row):
    (s,) = _call(annotate, [f"{row} PASS GT 1/1"])
    assert all(v["dira_id"] is None for v in s["variants"])
    assert s["dira_genotype"] == "indeterminate"  # another allele over the site


def test_ref_contradicting_a_confirmed_base_is_flagged(annotate):
    (s,) = _call(annotate, ["113131068 A T PASS GT 0/1"])
    (variant,) = s["variants"]
    assert variant["dira_id"] is None
    assert variant["warnings"] and "ref_mismatch" in variant["warnings"][0]
    assert s["dira_genotype"] == "indeterminate"


def test_haploid_reference_call_leaves_room_for_a_deletion(annotate):
    (s,) = _call(annotate, ["113129619 C T PASS GT 0", "113131068 G T PASS GT 0/1"])
    assert s["dira_genotype"] == "indeterminate"
    assert any("haploid" in r for r in s["review_reasons"])


@pytest.mark.parametrize("gt", ["0/1/1", "0/0/1"])
def test_triploid_calls_are_indeterminate(annotate, gt):
    (s,) = _call(annotate, [f"113131068 G T PASS GT {gt}"])
    assert s["dira_genotype"] == "indeterminate"
    assert any("ploidy 3" in r for r in s["review_reasons"])


def test_bare_dot_gt_allows_two_copies(annotate):
    (s,) = _call(annotate, ["113131068 G T PASS GT ."])
    assert any("none to biallelic" in r for r in s["review_reasons"])


def test_normalized_allele_far_from_record_pos_still_matches(annotate):
    # A multi-allelic record whose REF starts 208 bp before E77X: ALT 1 only changes c.229.
    ref = "A" * 208 + "G"
    report = annotate(vcf_text(["S"], [f"113130860 {ref} {ref[:-1]}T,A PASS GT 1/1"]))
    (variant,) = [v for v in sample(report, "S")["variants"] if v["alt"] == "T"]
    assert variant["dira_id"] == "DIRA01" and variant["pos"] == 113131068


@pytest.mark.parametrize("row", ["113127625 A N", "113131068 G N", "113132868 G GNNN"])
def test_alt_with_unknown_bases_in_the_cds(annotate, row):
    # VCF allows N in ALT; its protein change is not known, and the run must not stop.
    report = annotate(vcf_text(["s"], [f"{row} PASS GT 0/1"]))
    (variant,) = sample(report, "s")["variants"]
    assert variant["consequence"].startswith("coding_sequence_variant")
    assert variant["hgvs_p"] == "p.?"
