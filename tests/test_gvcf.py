"""gVCF reference blocks: what they prove about the catalog sites and the coding bases, the
coverage hole that makes a sample indeterminate, and the empty exons of a homozygous deletion."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text

GVCF_HEADER = [
    '##ALT=<ID=NON_REF,Description="Any possible alternative allele">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP in the block">',
]
WINDOW = (113094315, 113139016)
E77X = 113131068


def block(start: int, end: int, gq: int = 99, min_dp: int = 30, alt: str = "<NON_REF>") -> str:
    """A reference block; its REF base is a placeholder (not a catalog base)."""
    return f"{start} A {alt} PASS INFO=END={end} GT:GQ:MIN_DP 0/0:{gq}:{min_dp}"


def _report(annotate, rows, encoding="vcf.gz+tbi"):
    return annotate(vcf_text(["S"], rows, header=GVCF_HEADER), encoding=encoding)


@pytest.mark.parametrize("alt", ["<NON_REF>", "<*>"])
@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf"])
def test_blocks_over_everything_prove_reference(annotate, alt, encoding):
    report = _report(annotate, [block(*WINDOW, alt=alt)], encoding)
    assert report["input"]["gvcf"] is True
    s = sample(report, "S")
    assert s["dira_genotype"] == "none"
    coverage = s["coverage"]
    assert coverage["evidence"] == "gvcf"
    assert coverage["proven_reference"] is True
    assert coverage["sites_not_assessed"] == []
    assert (coverage["cds_bases_called"], coverage["cds_bases_total"]) == (534, 534)
    assert s["variants"] == []


def test_coverage_hole_over_c229_is_indeterminate(annotate):
    rows = [block(WINDOW[0], E77X - 8), block(E77X + 12, WINDOW[1])]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    assert s["coverage"]["cds_bases_called"] == 534 - 19
    assert any("DIRA01" in r and "no record" in r for r in s["review_reasons"])


def test_low_quality_block_over_a_site_is_indeterminate(annotate):
    rows = [block(WINDOW[0], E77X - 1), block(E77X, E77X, gq=5), block(E77X + 1, WINDOW[1])]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert s["coverage"]["cds_bases_called"] == 533
    assert any("GQ=5<20" in r for r in s["review_reasons"])


def test_variant_inside_a_gvcf(annotate):
    rows = [
        block(WINDOW[0], E77X - 1),
        f"{E77X} G T,<NON_REF> PASS GT:GQ:DP 0/1:50:30",
        block(E77X + 1, WINDOW[1]),
    ]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "monoallelic"
    assert [v["alt"] for v in s["variants"]] == ["T"]
    assert s["coverage"]["proven_reference"] is True
    assert s["coverage"]["cds_bases_called"] == 534


def test_empty_coding_exons_between_called_flanks(annotate):
    rows = [block(WINDOW[0], 113127600), block(113133000, WINDOW[1])]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert s["coverage"]["possible_homozygous_deletion"] is True
    assert s["coverage"]["cds_bases_called"] == 0
    assert any(r.startswith("possible_homozygous_deletion") for r in s["review_reasons"])


def test_variant_only_vcf_is_not_a_gvcf(annotate):
    report = annotate(vcf_text(["S"], [f"{E77X} G T PASS GT 0/1"]))
    assert report["input"]["gvcf"] is False
    coverage = sample(report, "S")["coverage"]
    assert coverage["evidence"] == "variant_calls"
    assert coverage["cds_bases_called"] is None
