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


def block(
    start: int, end: int, gq: int = 99, min_dp: int = 30, alt: str = "<NON_REF>", ref: str = ""
) -> str:
    """A reference block; its REF base is a placeholder (not a catalog base), but for a block
    that starts on E77X's base: the G the catalog confirms there (a block whose REF contradicts
    the reference at a site proves nothing)."""
    ref = ref or ("G" if start == E77X else "A")
    return f"{start} {ref} {alt} PASS INFO=END={end} GT:GQ:MIN_DP 0/0:{gq}:{min_dp}"


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
    assert (
        "possible_homozygous_deletion: the gVCF covers the flanks but has no call over any "
        "NM_173842 coding exon"
    ) in s["review_reasons"]  # its words (genotype.call_sample #256-#260 changed them)


def test_variant_only_vcf_is_not_a_gvcf(annotate):
    report = annotate(vcf_text(["S"], [f"{E77X} G T PASS GT 0/1"]))
    assert report["input"]["gvcf"] is False
    coverage = sample(report, "S")["coverage"]
    assert coverage["evidence"] == "variant_calls"
    assert coverage["cds_bases_called"] is None


@pytest.mark.parametrize("gt", ["1/1", "0/1"])
def test_reference_block_over_a_variant_record_disagrees_with_it(annotate, gt):
    # A block over E77X's position says 0/0 there; the record says E77X: like two records.
    rows = [block(113127000, 113133000), f"{E77X} G T,<NON_REF> PASS GT:GQ:DP {gt}:50:30"]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert s["needs_review"]
    assert (
        f"records disagree on DIRA01 (2:{E77X} ({gt}) carrier, "
        "2:113127000 (0/0) reference block to 113133000)"
    ) in s["review_reasons"]
    assert s["coverage"]["proven_reference"] is False
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


def test_every_reading_of_a_contradicting_block_gives_the_call(annotate):
    # Q54X 1/1 decides biallelic whether or not E77X is there.
    rows = [
        block(WINDOW[0], 113129618),
        "113129619 C T,<NON_REF> PASS GT:GQ:DP 1/1:50:30",
        block(113129620, 113133000),
        f"{E77X} G T,<NON_REF> PASS GT:GQ:DP 0/1:50:30",
        block(113133001, WINDOW[1]),
    ]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "biallelic"
    assert any(r.startswith("records disagree on DIRA01") for r in s["review_reasons"])
    assert "every reading of the disagreeing records gives biallelic" in s["review_reasons"]


def test_blocks_that_stop_at_a_variant_record_do_not_disagree(annotate):
    # GATK: blocks end before a variant record and may cover the bases its deletion removes.
    rows = [
        block(WINDOW[0], 113129597),
        "113129598 AC A,<NON_REF> PASS GT:GQ:DP 0/1:50:30",  # DIRA05, c.141del
        block(113129599, WINDOW[1], ref="C"),  # the C that c.141del removes
    ]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == "monoallelic"
    assert not s["needs_review"]
    assert s["coverage"]["proven_reference"] is True


def test_blocks_over_an_sv_callers_deletion_do_not_disagree(annotate):
    # The small-variant caller calls reference where an SV caller finds DIRA11: no contradiction
    # a variant record would make (its reads do not show the deletion as a variant).
    from test_sv import SV_HEADER

    dira11 = "113107433 N <DEL> PASS INFO=SVTYPE=DEL;END=113129650 GT 0/1"
    rows = [block(WINDOW[0], 113107500), dira11, block(113107501, WINDOW[1])]
    s = sample(annotate(vcf_text(["S"], rows, header=[*GVCF_HEADER, *SV_HEADER])), "S")
    assert [v["dira_id"] for v in s["variants"]] == ["DIRA11"]
    assert s["dira_genotype"] == "monoallelic"
    assert not any(r.startswith("records disagree") for r in s["review_reasons"])


def test_reference_block_against_a_record_of_the_sv_file(tmp_path, run):
    # Like a 0/0 record in the main VCF against the SV file's call: the callers disagree.
    from conftest import write_input

    gvcf = write_input(tmp_path, "g", vcf_text(["S"], [block(*WINDOW)], header=GVCF_HEADER))
    sv = write_input(tmp_path, "sv", vcf_text(["S"], [f"{E77X} G T PASS GT:GQ:DP 1/1:50:30"]))
    result = run("annotate", gvcf, "--sv", sv)
    assert result.exit_code == 0, result.stderr
    s = sample(result.json(), "S")
    assert s["dira_genotype"] == "indeterminate"
    assert any(r.startswith("records disagree on DIRA01") for r in s["review_reasons"])


# -- a record over a catalog site whose carried ALT leaves the site's bases alone -----------------


@pytest.mark.parametrize(
    ("gt", "call"), [("0/0", "none"), ("0/1", "monoallelic"), ("1/1", "biallelic")]
)
def test_q54x_written_with_dira03s_bases_proves_dira03_reference(annotate, gt, call):
    """Q54X written with the bases before it (REF from DIRA03's first base, 113129613-619: the
    confirmed context AACAA, an N where no source gives the base, Q54X's C), between reference
    blocks. Its ALT keeps DIRA03's bases, so every haplotype of the call has them: DIRA03 is
    proven reference and Q54X decides the call. The record used to prove nothing about DIRA03
    unless called 0/0: a coverage hole ("the gVCF has no record there"), indeterminate."""
    rows = [
        block(WINDOW[0], 113129612),
        f"113129613 AACAANC AACAANT,<NON_REF> PASS GT:GQ:DP {gt}:50:30",
        block(113129620, WINDOW[1]),
    ]
    s = sample(_report(annotate, rows), "S")
    assert s["dira_genotype"] == call
    assert s["coverage"]["sites_not_assessed"] == []
    assert {"DIRA02", "DIRA03"} <= set(s["coverage"]["sites_called"])
    assert not any("no record there" in r for r in s["review_reasons"])


@pytest.mark.parametrize(("gt", "open_site"), [("0/2", False), ("0/1", True), ("1/2", True)])
def test_an_alt_beside_a_site_proves_it_and_one_over_it_does_not(annotate, gt, open_site):
    """A record whose REF spans DIRA03 for a deletion ALT (AACAA>A, not in the catalog) also
    has an SNV ALT at its first base (A>G, 113129613). A sample carrying only the SNV has
    DIRA03's bases on both haplotypes: proven reference. One carrying the deletion may lack
    the catalog allele's bases: DIRA03 stays open (indeterminate)."""
    rows = [
        block(WINDOW[0], 113129612),
        f"113129613 AACAA A,GACAA,<NON_REF> PASS GT:GQ:DP {gt}:50:30",
        block(113129618, WINDOW[1]),
    ]
    s = sample(_report(annotate, rows), "S")
    assert ("DIRA03" in s["coverage"]["sites_not_assessed"]) is open_site
    assert s["dira_genotype"] == ("indeterminate" if open_site else "none")
    assert not any("no record there" in r for r in s["review_reasons"])


@pytest.mark.parametrize(
    "alt",
    ["AGCAANC", "AAGAANC", "AAGTANC"],
    ids=["snv-at-the-first-base", "snv-at-the-last-base", "mnv-from-the-last-base-on"],
)
def test_an_alt_on_a_sites_first_or_last_base_leaves_it_open(annotate, alt):
    """The same record with an ALT that changes DIRA03's first base (A>G at 113129614), its last
    (C>G at 113129615) or its last and the base after it (CA>GT): the carried haplotype may
    hide the catalog allele, so DIRA03 stays open (indeterminate). Q54X, beyond the ALT's bases,
    is proven reference. Pins the bounds of ``evidence._elsewhere`` (its mutants #20 and #21 read
    an SNV on the site's edge as leaving the site alone)."""
    rows = [
        block(WINDOW[0], 113129612),
        f"113129613 AACAANC {alt},<NON_REF> PASS GT:GQ:DP 0/1:50:30",
        block(113129620, WINDOW[1]),
    ]
    s = sample(_report(annotate, rows), "S")
    assert s["coverage"]["sites_not_assessed"] == ["DIRA03"]
    assert "DIRA02" in s["coverage"]["sites_called"]
    assert s["dira_genotype"] == "indeterminate"
