"""--ped: a trio in one VCF phases the child's two alleles by inheritance and hints at deletions."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text

Q54X = "113129619 C T PASS GT:GQ:DP"
E77X = "113131068 G T PASS GT:GQ:DP"
PED = "fam1 kid dad mum 1 2\nfam1 dad 0 0 1 1\nfam1 mum 0 0 2 1\n"


@pytest.fixture
def ped(tmp_path):
    path = tmp_path / "trio.ped"
    path.write_text("# family file\n" + PED)
    return path


def _kid(annotate, ped, q54x: str, e77x: str) -> dict:
    rows = [f"{Q54X} {q54x}", f"{E77X} {e77x}"]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped)
    assert report["options"]["ped"] == str(ped)
    return sample(report, "kid")


def test_one_allele_from_each_parent_is_in_trans(annotate, ped):
    kid = _kid(annotate, ped, "0/1:60:30 0/1:60:30 0/0:60:30", "0/1:60:30 0/0:60:30 0/1:60:30")
    assert kid["dira_genotype"] == "biallelic"
    assert any("in trans by inheritance" in n for n in kid["notes"])


def test_both_alleles_from_one_parent_are_in_cis(annotate, ped):
    rows = [f"{Q54X} 0/1:60:30 0/1:60:30 0/0:60:30", f"{E77X} 0/1:60:30 0/1:60:30 0/0:60:30"]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped)
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "monoallelic"
    assert kid["needs_review"]
    assert any("inherited together from the father" in r for r in kid["review_reasons"])
    dad = sample(report, "dad")  # the child shows his two alleles are on one chromosome
    assert dad["dira_genotype"] == "monoallelic"
    assert any("in cis" in r for r in dad["review_reasons"])


def test_without_ped_the_same_child_is_unphased(annotate):
    rows = [f"{Q54X} 0/1:60:30 0/1:60:30 0/0:60:30", f"{E77X} 0/1:60:30 0/0:60:30 0/1:60:30"]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows))
    assert sample(report, "kid")["dira_genotype"] == "biallelic_unphased"


def test_homozygous_child_of_a_reference_parent_hints_at_a_deletion(annotate, ped):
    kid = _kid(annotate, ped, "0/0:60:30 0/0:60:30 0/0:60:30", "1/1:60:30 0/1:60:30 0/0:60:30")
    assert kid["dira_genotype"] == "biallelic"
    assert any("possible deletion on the mother's allele" in r for r in kid["review_reasons"])


def test_ped_with_missing_columns_is_an_input_error(tmp_path, run):
    vcf = tmp_path / "in.vcf"
    vcf.write_text(vcf_text(["kid"], [f"{E77X} 0/1:60:30"]))
    bad = tmp_path / "bad.ped"
    bad.write_text("fam1 kid\n")
    result = run("annotate", vcf, "--ped", bad)
    assert result.exit_code == 3
    assert "bad.ped: line 1" in result.stderr


@pytest.mark.parametrize(
    ("mum", "why"),
    [("./.", "missing"), ("0/0:3:2", "failing GQ/DP")],
)
def test_cis_needs_the_other_parent_proven_reference(annotate, ped, mum, why):
    mum_q54x = mum if ":" in mum else f"{mum}:.:."
    kid = _kid(
        annotate,
        ped,
        f"0/1:60:30 0/1:60:30 {mum_q54x}",
        f"0/1:60:30 0/1:60:30 {mum_q54x}",
    )
    assert kid["dira_genotype"] == "biallelic_unphased", why


def test_trans_needs_passing_parental_calls(annotate, ped):
    kid = _kid(annotate, ped, "0/1:60:30 0/1:60:30 0/0:60:30", "0/1:60:30 0/0:60:30 0/1:3:2")
    assert kid["dira_genotype"] == "biallelic_unphased"


def test_parent_with_both_alleles_in_trans_is_a_mendelian_inconsistency(annotate, ped):
    rows = [
        f"{Q54X}:PS 0/1:60:30:. 1|0:60:30:7 0/0:60:30:.",
        f"{E77X}:PS 0/1:60:30:. 0|1:60:30:7 0/0:60:30:.",
    ]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped)
    assert sample(report, "dad")["dira_genotype"] == "biallelic"
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert any("Mendelian inconsistency" in r for r in kid["review_reasons"])


def test_a_parent_with_both_alleles_proves_no_trans(annotate, ped):
    # The father gives E77X; the mother has both and may have given them together (in cis).
    kid = _kid(annotate, ped, "0/1:60:30 0/0:60:30 0/1:60:30", "0/1:60:30 0/1:60:30 0/1:60:30")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert not any("in trans by inheritance" in n for n in kid["notes"])
    assert any("the mother carries both" in n for n in kid["notes"])


@pytest.mark.parametrize("dad_q54x", ["./.:.:.", "0/1:60:30"])
def test_trans_needs_each_parent_proven_to_lack_the_other_allele(annotate, ped, dad_q54x):
    kid = _kid(annotate, ped, f"0/1:60:30 {dad_q54x} 0/1:60:30", "0/1:60:30 0/1:60:30 0/0:60:30")
    assert kid["dira_genotype"] == "biallelic_unphased"


def test_trans_by_inheritance_names_each_parent(annotate, ped):
    kid = _kid(annotate, ped, "0/1:60:30 0/0:60:30 0/1:60:30", "0/1:60:30 0/1:60:30 0/0:60:30")
    assert kid["dira_genotype"] == "biallelic"
    note = (
        "DIRA01 and DIRA02 in trans by inheritance (DIRA01 from the father, DIRA02 from the mother)"
    )
    assert note in kid["notes"]
    assert not kid["needs_review"]


def test_alleles_neither_parent_carries_are_flagged_and_never_upgraded(annotate, ped):
    rows = [f"{Q54X} 0/1:60:30 0/0:60:30 0/0:60:30", f"{E77X} 0/1:60:30 0/0:60:30 0/0:60:30"]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped)
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert kid["needs_review"]
    for allele in ("DIRA01 (E77X, c.229G>T)", "DIRA02 (Q54X, c.160C>T)"):
        assert any(
            r.startswith(f"Mendelian inconsistency at {allele}")
            and "kid carries it but neither parent does" in r
            for r in kid["review_reasons"]
        )
    assert any("inheritance not used" in r for r in kid["review_reasons"])
    for parent in ("dad", "mum"):
        assert any("in the trio of kid" in r for r in sample(report, parent)["review_reasons"])


@pytest.mark.parametrize(
    ("e77x", "why"),
    [
        ("0/0:60:30 1/1:60:30 0/0:60:30", "kid lacks the copy a homozygous parent must pass on"),
        ("0/1:60:30 1/1:60:30 1/1:60:30", "kid lacks the copy a homozygous parent must pass on"),
        ("1/1:60:30 0/1:60:30 0/0:60:30", "possible deletion on the mother's allele"),
    ],
)
def test_mendelian_inconsistency_in_either_direction(annotate, ped, e77x, why):
    kid = _kid(annotate, ped, "0/0:60:30 0/0:60:30 0/0:60:30", e77x)
    calls = {"0/0": "none", "0/1": "monoallelic", "1/1": "biallelic"}
    assert kid["dira_genotype"] == calls[e77x[:3]]  # the reads decide; the family only flags
    assert any(r.startswith("Mendelian inconsistency at DIRA01") and why in r
               for r in kid["review_reasons"])  # fmt: skip


def test_inconsistency_at_any_allele_stops_phasing_by_inheritance(annotate, ped):
    # Trans would be proven, but the child is homozygous for an allele neither parent carries:
    # a swapped sample or a wrong PED, so inheritance proves nothing.
    rows = [
        f"{Q54X} 0/1:60:30 0/1:60:30 0/0:60:30",
        f"{E77X} 0/1:60:30 0/0:60:30 0/1:60:30",
        "113131216 A T PASS GT:GQ:DP 1/1:60:30 0/0:60:30 0/0:60:30",
    ]
    kid = sample(annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped), "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert any("Mendelian inconsistency at 2:113131216 A>T" in r for r in kid["review_reasons"])
    assert any("inheritance not used" in r for r in kid["review_reasons"])


def test_consistent_trio_has_no_mendelian_reason(annotate, ped):
    rows = [f"{E77X} 0/1:60:30 0/1:60:30 0/0:60:30", "113131216 A T PASS GT 1/1 0/1 0/1"]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped)
    for name in ("kid", "dad", "mum"):
        assert not any("Mendelian" in r for r in sample(report, name)["review_reasons"])


def test_hemizygous_parent_passing_on_the_deletion_is_consistent(annotate, ped):
    # The father's E77X 1/1 sits inside his heterozygous deletion: one copy. The child got the
    # deletion, not E77X; nothing to flag.
    from test_sv import SV_HEADER

    deletion = "113130000 N <DEL> PASS INFO=SVTYPE=DEL;END=113132000 GT:GQ:DP"
    rows = [
        f"{deletion} 0/1:60:30 0/1:60:30 0/0:60:30",
        f"{E77X} 0/0:60:30 1/1:60:30 0/0:60:30",
    ]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows, header=SV_HEADER), "--ped", ped)
    assert not any("Mendelian" in r for r in sample(report, "kid")["review_reasons"])
