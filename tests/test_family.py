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


def _phased(annotate, ped, q54x: str, e77x: str) -> dict:
    rows = [f"{Q54X}:PS {q54x}", f"{E77X}:PS {e77x}"]
    return annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped)


def test_read_backed_trans_against_inheritance_in_cis_is_unphased(annotate, ped):
    # The reads put Q54X and E77X on different haplotypes; both came from the father.
    report = _phased(
        annotate, ped, "1|0:60:30:5 0/1:60:30:. 0/0:60:30:.", "0|1:60:30:5 0/1:60:30:. 0/0:60:30:."
    )
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert kid["needs_review"]
    (reason,) = [r for r in kid["review_reasons"] if r.startswith("phase conflict")]
    assert "the child's read-backed phase (2:113131068 0|1, 2:113129619 1|0, PS 5)" in reason
    assert "puts DIRA01 and DIRA02 in trans, but inheritance puts them in cis" in reason
    assert "both from the father, the mother has neither" in reason
    assert not any("in trans" in n for n in kid["notes"])
    assert sample(report, "dad")["dira_genotype"] == "biallelic_unphased"  # not proven cis


def test_read_backed_cis_against_inheritance_in_trans_is_unphased(annotate, ped):
    report = _phased(
        annotate, ped, "0|1:60:30:5 0/0:60:30:. 0/1:60:30:.", "0|1:60:30:5 0/1:60:30:. 0/0:60:30:."
    )
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert any(
        r.startswith("phase conflict: the child's read-backed phase")
        and "in cis, but inheritance puts them in trans (DIRA01 from the father, DIRA02 from the "
        "mother)"
        in r
        for r in kid["review_reasons"]
    )
    assert not any("one allele" in r for r in kid["review_reasons"])  # no longer the call


def test_phased_child_of_a_parent_with_both_alleles_in_trans_is_flagged(annotate, ped):
    # The father has Q54X and E77X on different haplotypes: he cannot have given both.
    report = _phased(
        annotate, ped, "1|0:60:30:5 1|0:60:30:7 0/0:60:30:.", "0|1:60:30:5 0|1:60:30:7 0/0:60:30:."
    )
    assert sample(report, "dad")["dira_genotype"] == "biallelic"
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert kid["needs_review"]
    assert any(
        r.startswith("phase conflict") and "Mendelian inconsistency" in r
        for r in kid["review_reasons"]
    )


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf"])
def test_read_backed_phase_and_inheritance_agree_in_trans(annotate, ped, encoding):
    rows = [
        f"{Q54X}:PS 1|0:60:30:5 0/1:60:30:. 0/0:60:30:.",
        f"{E77X}:PS 0|1:60:30:5 0/0:60:30:. 0/1:60:30:.",
    ]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped, encoding=encoding)
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic"
    assert not kid["needs_review"]
    assert (
        "DIRA01 and DIRA02 in trans by inheritance (DIRA01 from the mother, DIRA02 from the "
        "father), as the child's read-backed phase (2:113131068 0|1, 2:113129619 1|0, PS 5) shows"
    ) in kid["notes"]


def test_read_backed_phase_and_inheritance_agree_in_cis(annotate, ped):
    report = _phased(
        annotate, ped, "0|1:60:30:5 0/1:60:30:. 0/0:60:30:.", "0|1:60:30:5 0/1:60:30:. 0/0:60:30:."
    )
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "monoallelic"
    assert any(
        "inherited together from the father: in cis, one allele, as the child's read-backed phase"
        in r
        for r in kid["review_reasons"]
    )
    assert sample(report, "dad")["dira_genotype"] == "monoallelic"


def test_phase_sets_that_differ_leave_inheritance_to_phase(annotate, ped):
    report = _phased(
        annotate, ped, "1|0:60:30:5 0/1:60:30:. 0/0:60:30:.", "0|1:60:30:9 0/0:60:30:. 0/1:60:30:."
    )
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic"
    assert any(n.startswith("DIRA01 and DIRA02 in trans by inheritance") for n in kid["notes"])
    assert not any("read-backed" in n for n in kid["notes"])


def test_trans_by_a_deletion_against_inheritance_is_unphased(annotate, ped):
    # Each of the father's alleles lies on a different haplotype (E77X inside his deletion's
    # span): he cannot have given both, as the mother's reference calls say he did.
    from test_sv import FOUNDER, SV_HEADER

    rows = [
        f"{FOUNDER} GT:GQ:DP 0/1:60:30 0/1:60:30 0/0:60:30",
        f"{E77X} 0/1:60:30 0/1:60:30 0/0:60:30",
    ]
    report = annotate(vcf_text(["kid", "dad", "mum"], rows, header=SV_HEADER), "--ped", ped)
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert any(
        r.startswith("phase conflict: the child's deletion")
        and "inheritance has both from the father, who carries them in trans" in r
        for r in kid["review_reasons"]
    )


def test_summary_does_not_advise_phasing_again_after_a_phase_conflict(tmp_path, run, ped):
    rows = [
        f"{Q54X}:PS 1|0:60:30:5 0/1:60:30:. 0/0:60:30:.",
        f"{E77X}:PS 0|1:60:30:5 0/1:60:30:. 0/0:60:30:.",
    ]
    path = tmp_path / "trio.vcf"
    path.write_text(vcf_text(["kid", "dad", "mum"], rows))
    summary = run("annotate", path, "--ped", ped, "--format", "summary").stdout
    kid = summary.split("\nkid", 1)[1].split("\ndad", 1)[0]
    assert "next: the child's own phase and inheritance disagree" in kid
    assert "parents with --ped" not in kid


#: The trio tests of an allele written twice: Q54X and E77X in trans in the child's phase set 5,
#: both from the father (0/1), the mother 0/0.
Q54X_PS5 = f"{Q54X}:PS 1|0:60:30:5 0/1:60:30:. 0/0:60:30:."
E77X_PS5 = f"{E77X}:PS 0|1:60:30:5 0/1:60:30:. 0/0:60:30:."


def _trio_kid(annotate, ped, rows: list[str]) -> dict:
    return sample(annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped), "kid")


@pytest.mark.parametrize(
    "phased_first", [True, False], ids=["phased-record-first", "unphased-first"]
)
def test_an_allele_called_twice_is_checked_by_inheritance_whatever_the_order(
    annotate, ped, phased_first
):
    """E77X in two records (merged call sets): phased in trans with Q54X in one, unphased in the
    other; both alleles came from the father. The child's reads say trans (biallelic), and
    inheritance says cis: a phase conflict, whichever record comes first. Inheritance used to
    check only the first record of each allele, so with the unphased one first the child kept a
    confident biallelic."""
    unphased = f"{E77X}:PS 0/1:60:30:. 0/1:60:30:. 0/0:60:30:."
    rows = [Q54X_PS5, *((E77X_PS5, unphased) if phased_first else (unphased, E77X_PS5))]
    kid = _trio_kid(annotate, ped, rows)
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert kid["needs_review"]
    (reason,) = [r for r in kid["review_reasons"] if r.startswith("phase conflict")]
    assert "the child's read-backed phase (2:113131068 0|1, 2:113129619 1|0, PS 5)" in reason
    assert "both from the father, the mother has neither" in reason


@pytest.mark.parametrize("order", ["dad-first", "mum-first"])
def test_parents_whose_records_of_an_allele_disagree_prove_no_phase(annotate, ped, order):
    """E77X in two records: the child phased in trans with Q54X in one and unphased in the
    other; the father is 0/1 in one and 0/0 in the other, the mother the other way round. The
    parents' records contradict each other, so inheritance proves nothing and the child keeps
    the call its reads give, whichever record comes first. Inheritance used to read the parents
    in the first record only: cis against the reads (a phase conflict) one way, trans the other."""
    mum_has = f"{E77X}:PS 0/1:60:30:. 0/0:60:30:. 0/1:60:30:."
    rows = [Q54X_PS5, *((E77X_PS5, mum_has) if order == "dad-first" else (mum_has, E77X_PS5))]
    kid = _trio_kid(annotate, ped, rows)
    assert kid["dira_genotype"] == "biallelic"
    assert not any(r.startswith("phase conflict") for r in kid["review_reasons"])
    assert not any("by inheritance" in n for n in kid["notes"])


def test_a_mother_whose_records_of_an_allele_disagree_does_not_lack_it(annotate, ped):
    """The child's reads put E77X (twice: phased, and unphased) in trans with Q54X; the father
    carries both, and the mother is 0/0 at E77X in one record and 0/1 in the other. She is not
    proven to lack E77X, so inheritance does not prove cis, and the reads' biallelic stands
    (`family._phase` #47 took one of her records' readings: cis, a phase conflict)."""
    rows = [
        Q54X_PS5,
        E77X_PS5,
        f"{E77X}:PS 0/1:60:30:. 0/1:60:30:. 0/1:60:30:.",
    ]
    kid = _trio_kid(annotate, ped, rows)
    assert kid["dira_genotype"] == "biallelic"
    assert not any(r.startswith("phase conflict") for r in kid["review_reasons"])


def test_a_child_whose_records_phase_the_pair_both_ways_is_left_to_its_call(annotate, ped):
    """E77X on both haplotypes of phase set 5 (two records, as a split multi-allelic record
    writes it) beside Q54X: one E77X record is in trans with Q54X, the other in cis. Inheritance
    (both alleles from the father) is not asked to settle it: the child's own call stands,
    biallelic with the records' disagreement for review (`family._reads_say` #13 took the first
    record's trans and then found a phase conflict)."""
    rows = [
        Q54X_PS5,
        E77X_PS5,
        f"{E77X}:PS 1|0:60:30:5 0/1:60:30:. 0/0:60:30:.",
    ]
    kid = _trio_kid(annotate, ped, rows)
    assert kid["dira_genotype"] == "biallelic"
    assert not any(r.startswith("phase conflict") for r in kid["review_reasons"])
    assert any(r.startswith("records disagree on the phase") for r in kid["review_reasons"])
