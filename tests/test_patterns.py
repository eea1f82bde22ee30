"""Genotype-pattern evidence across the founder-deletion interval: reported as supporting
evidence for a deletion (review), never a call on its own."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text

INSIDE = [112980000 + k * 10000 for k in range(12)]  # inside 112973203-113134016, no catalog site
FLANKS = [112960000, 113140000]  # within 20 kb outside the interval


def _rows(inside_gts: list[str], flank_gt: str = "0/1") -> list[str]:
    rows = [f"{p} A G PASS GT {gt}" for p, gt in zip(INSIDE, inside_gts, strict=True)]
    rows.insert(0, f"{FLANKS[0]} A G PASS GT {flank_gt}")
    rows.append(f"{FLANKS[1]} A G PASS GT {flank_gt}")
    return rows


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf", "bcf+csi"])
def test_hemizygous_stretch_is_reported_not_called(annotate, encoding):
    report = annotate(vcf_text(["S"], _rows(["1/1"] * 12)), encoding=encoding)
    s = sample(report, "S")
    assert s["dira_genotype"] == "none"
    assert s["needs_review"]
    assert "hemizygous stretch" in s["coverage"]["deletion_pattern"]
    assert s["variants"] == []  # the interval's records outside the window are not listed


def test_heterozygous_calls_break_the_pattern(annotate):
    gts = ["1/1"] * 9 + ["0/1"] * 3
    s = sample(annotate(vcf_text(["S"], _rows(gts))), "S")
    assert s["coverage"]["deletion_pattern"] == ""
    assert not s["needs_review"]


def test_too_few_records_say_nothing(annotate):
    rows = _rows(["1/1"] * 12)[:6]
    s = sample(annotate(vcf_text(["S"], rows)), "S")
    assert s["coverage"]["deletion_pattern"] == ""


def test_cohort_sample_with_no_calls_inside_the_interval(annotate):
    rows = [f"{p} A G PASS GT 0/1 ./." for p in INSIDE]
    rows = [f"{FLANKS[0]} A G PASS GT 0/1 0/1", *rows, f"{FLANKS[1]} A G PASS GT 0/1 0/1"]
    report = annotate(vcf_text(["A", "B"], rows))
    assert sample(report, "A")["coverage"]["deletion_pattern"] == ""
    b = sample(report, "B")
    assert "supports a homozygous deletion" in b["coverage"]["deletion_pattern"]
    assert b["needs_review"]


def test_gvcf_with_no_calls_inside_the_interval(annotate):
    header = ['##ALT=<ID=NON_REF,Description="Any possible alternative allele">']
    rows = [
        f"{FLANKS[0]} A <NON_REF> PASS INFO=END={FLANKS[0] + 5000} GT:GQ 0/0:99",
        f"{FLANKS[1]} A <NON_REF> PASS INFO=END={FLANKS[1] + 5000} GT:GQ 0/0:99",
    ]
    s = sample(annotate(vcf_text(["S"], rows, header=header)), "S")
    assert "supports a homozygous deletion" in s["coverage"]["deletion_pattern"]
    assert s["dira_genotype"] == "indeterminate"  # and the sites are coverage holes
