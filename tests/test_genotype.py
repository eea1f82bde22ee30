"""The sample's DIRA genotype on the edge cases: phase, half-missing and haploid GTs, failed
filters and thresholds, no-calls, low-confidence catalog rows."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text

E77X = "113131068 G T"  # DIRA01
Q54X = "113129619 C T"  # DIRA02
FMT = "GT:GQ:DP"


def _call(annotate, rows, *args, name="s"):
    report = annotate(vcf_text([name], rows), *args)
    return sample(report, name)


@pytest.mark.parametrize(
    ("q54x", "e77x", "expected"),
    [
        ("0/1", "0/1", "biallelic_unphased"),
        ("0|1", "1|0", "biallelic"),  # trans, no PS: one phase set (VCF spec)
        ("1|0", "1|0", "monoallelic"),  # cis
        ("0|1", "0|1", "monoallelic"),  # cis
        ("0|1", "0/1", "biallelic_unphased"),  # one of them unphased
    ],
)
def test_compound_heterozygotes(annotate, q54x, e77x, expected):
    s = _call(annotate, [f"{Q54X} PASS GT {q54x}", f"{E77X} PASS GT {e77x}"])
    assert s["dira_genotype"] == expected
    if expected == "monoallelic":
        assert s["needs_review"]
        assert any("cis" in r for r in s["review_reasons"])
    else:
        assert not s["needs_review"]


@pytest.mark.parametrize(
    ("ps_q54x", "ps_e77x", "expected"),
    [
        (100, 100, "biallelic"),  # same phase set, opposite haplotypes
        (100, 200, "biallelic_unphased"),  # different phase sets: phase between them unknown
    ],
)
def test_phase_sets(annotate, ps_q54x, ps_e77x, expected):
    rows = [f"{Q54X} PASS GT:PS 0|1:{ps_q54x}", f"{E77X} PASS GT:PS 1|0:{ps_e77x}"]
    s = _call(annotate, rows)
    assert s["dira_genotype"] == expected
    assert {v["phase_set"] for v in s["variants"]} == {ps_q54x, ps_e77x}


def test_cis_in_one_phase_set_is_one_allele(annotate):
    rows = [f"{Q54X} PASS GT:PS 1|0:100", f"{E77X} PASS GT:PS 1|0:100"]
    s = _call(annotate, rows)
    assert s["dira_genotype"] == "monoallelic"
    assert any("DIRA02 and DIRA01 phased in cis" in r for r in s["review_reasons"])


def test_half_missing_gt_is_indeterminate(annotate):
    s = _call(annotate, [f"{E77X} PASS GT ./1"])
    assert s["dira_genotype"] == "indeterminate"
    (variant,) = s["variants"]
    assert variant["zygosity"] == "het" and variant["genotype"] == "./1"
    assert any("half-missing" in r for r in s["review_reasons"])


def test_half_missing_does_not_matter_when_already_biallelic(annotate):
    s = _call(annotate, [f"{Q54X} PASS GT 1/1", f"{E77X} PASS GT ./1"])
    assert s["dira_genotype"] == "biallelic"


def test_haploid_call_on_chr2_is_hemizygous_and_indeterminate(annotate):
    s = _call(annotate, [f"{E77X} PASS GT 1"])
    (variant,) = s["variants"]
    assert variant["zygosity"] == "hemizygous" and variant["genotype"] == "1"
    assert s["dira_genotype"] == "indeterminate"
    assert any("hemizygous" in r for r in s["review_reasons"])


@pytest.mark.parametrize("gt", ["./.", "."])
def test_no_call_at_a_catalog_site_is_indeterminate(annotate, gt):
    s = _call(annotate, [f"{E77X} PASS GT {gt}"])
    assert s["dira_genotype"] == "indeterminate"
    assert s["variants"][0]["zygosity"] == "no_call"
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


def test_no_call_on_another_allele_at_a_catalog_site_is_indeterminate(annotate):
    # The record's ALT is not E77X, but a no-call there leaves the E77X site unassessed.
    s = _call(annotate, ["113131068 G C PASS GT ./."])
    assert s["dira_genotype"] == "indeterminate"
    assert any("DIRA01" in r and "no-call" in r for r in s["review_reasons"])


def test_no_call_away_from_catalog_sites_does_not_matter(annotate):
    s = _call(annotate, ["113131100 A G PASS GT ./."])
    assert s["dira_genotype"] == "none"
    assert not s["needs_review"]


@pytest.mark.parametrize(
    ("row", "args", "expected", "flag"),
    [
        (f"{E77X} LowQual {FMT} 1/1:60:30", [], "indeterminate", "FILTER=LowQual"),
        (f"{E77X} PASS {FMT} 1/1:5:30", [], "indeterminate", "GQ=5<20"),
        (f"{E77X} PASS {FMT} 0/1:60:4", [], "indeterminate", "DP=4<10"),
        (f"{E77X} PASS GT:FT 0/1:LowGQ", [], "indeterminate", "FT=LowGQ"),
        (f"{E77X} PASS {FMT} 1/1:5:30", ["--min-gq", "5"], "biallelic", None),
        (f"{E77X} PASS {FMT} 0/1:60:4", ["--min-dp", "0"], "monoallelic", None),
    ],
)
def test_failed_evidence_never_silently_decides(annotate, row, args, expected, flag):
    s = _call(annotate, [row], *args)
    assert s["dira_genotype"] == expected
    (variant,) = s["variants"]
    if flag:
        assert flag in variant["quality_flags"]
        assert any(flag in r for r in s["review_reasons"])
    else:
        assert variant["quality_flags"] == []


def test_failed_evidence_that_does_not_decide_is_reported_only(annotate):
    rows = [f"{Q54X} LowQual {FMT} 0/1:60:30", f"{E77X} PASS {FMT} 1/1:60:30"]
    s = _call(annotate, rows)
    assert s["dira_genotype"] == "biallelic"
    failed = [v for v in s["variants"] if v["dira_id"] == "DIRA02"]
    assert failed[0]["quality_flags"] == ["FILTER=LowQual"]


def test_low_gq_second_allele_makes_a_carrier_indeterminate(annotate):
    rows = [f"{Q54X} PASS {FMT} 0/1:10:30", f"{E77X} PASS {FMT} 0/1:60:30"]
    assert _call(annotate, rows)["dira_genotype"] == "indeterminate"


def test_low_quality_reference_call_at_a_catalog_site(annotate):
    # 0/0 with DP 2 does not prove the E77X site reference.
    s = _call(annotate, [f"{E77X} PASS {FMT} 0/0:3:2"])
    assert s["dira_genotype"] == "indeterminate"
    assert s["variants"] == []


def test_site_filter_does_not_discard_a_good_reference_call(annotate):
    s = _call(annotate, [f"{E77X} LowQual {FMT} 0/0:60:30"])
    assert s["dira_genotype"] == "none"
    assert "DIRA01" in s["coverage"]["sites_called"]


def test_variant_only_vcf_without_catalog_records_is_none_not_proven(annotate):
    s = _call(annotate, ["113131216 A T PASS GT 0/1"])
    assert s["dira_genotype"] == "none"
    coverage = s["coverage"]
    assert coverage["evidence"] == "variant_calls"
    assert coverage["proven_reference"] is False
    assert "DIRA01" in coverage["sites_not_assessed"]
    assert coverage["sites_total"] == len(coverage["sites_called"]) + len(
        coverage["sites_not_assessed"]
    )
    assert "not proven reference" in coverage["note"]


@pytest.mark.parametrize(
    ("row", "entry_id"),
    [("113132729 GC G", "DIRA07"), ("113132723 AC A", "DIRA07B"), ("113127686 C G", "DIRA16")],
)
def test_low_confidence_rows_need_review(annotate, row, entry_id):
    s = _call(annotate, [f"{row} PASS GT 1/1"])
    assert s["dira_genotype"] == "biallelic"
    assert s["needs_review"]
    assert any(entry_id in r and "evidence level low" in r for r in s["review_reasons"])
    assert s["variants"][0]["evidence_level"] == "low"


def test_multi_sample_cohort_calls_each_sample(annotate):
    samples = ["hom", "het", "ref", "nocall"]
    text = vcf_text(samples, [f"{E77X} PASS GT 1/1 0/1 0/0 ./."])
    report = annotate(text)
    assert {s["sample"]: s["dira_genotype"] for s in report["samples"]} == {
        "hom": "biallelic",
        "het": "monoallelic",
        "ref": "none",
        "nocall": "indeterminate",
    }


@pytest.mark.parametrize(
    ("e77x", "expected"),
    [
        ("0|1", "monoallelic"),  # in cis with the called copy: one allele whatever the truth
        ("1|0", "indeterminate"),  # in trans: biallelic if the 0|1 record is right, else not
    ],
)
def test_disagreeing_records_decide_only_when_every_reading_agrees(annotate, e77x, expected):
    # DIRA05 (c.141del) written twice by a merged cohort: 0/0 in one form, 0|1 in the other.
    rows = ["113129598 AC A PASS GT 0/0", "113129598 ACC AC PASS GT 0|1", f"{E77X} PASS GT {e77x}"]
    s = _call(annotate, rows)
    assert s["dira_genotype"] == expected
    assert s["needs_review"]
    assert any(r.startswith("records disagree on DIRA05") for r in s["review_reasons"])
    assert not any("from monoallelic to monoallelic" in r for r in s["review_reasons"])


def test_records_of_one_allele_that_disagree_on_copies_prove_the_least(annotate):
    s = _call(annotate, [f"{Q54X} PASS GT 0/1", "113129619 CA TA PASS GT 1/1"])
    assert s["dira_genotype"] == "indeterminate"  # not biallelic on the 1/1 alone
    assert any("from monoallelic to biallelic" in r for r in s["review_reasons"])
