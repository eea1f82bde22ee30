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
