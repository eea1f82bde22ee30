"""Rules of a call in deletions.py, family.py, coverage.py and zygosity.py that a mutant could
change with no other test failing (`make mutate`, docs/mutation-testing.md). Each test names the
rule it pins."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text

# -- a homozygous-looking call beside a heterozygous deletion, as a trio sees it ---------------

TRIO_PED = "fam1 kid dad mum 1 2\nfam1 dad 0 0 1 1\nfam1 mum 0 0 2 1\n"
TRIO_FMT = "GT:GQ:DP"
SV_HEADER = (
    '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="SV length">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
    '##ALT=<ID=DEL,Description="Deletion">',
)
Q54X = 113129619  # DIRA02, one base
DIRA03 = 113129613  # AAC>A: deletes 113129614-113129615


def _trio_row(pos: int, ref: str, alt: str, gts: tuple[str, str, str], info: str = "") -> str:
    cells = " ".join(f"{gt}:60:30" for gt in gts)
    return f"{pos} {ref} {alt} PASS {info}{' ' if info else ''}{TRIO_FMT} {cells}"


def _deletion(first: int, last: int, ci: str = "") -> str:
    """A novel heterozygous deletion of ``first``..``last`` in the child, from the mother."""
    info = f"INFO=SVTYPE=DEL;END={last};SVLEN=-{last - first + 1}{ci}"
    return _trio_row(first - 1, "N", "<DEL>", ("0/1", "0/0", "0/1"), info)


def _kid_mendelian(annotate, tmp_path, rows: list[str]) -> list[str]:
    ped = tmp_path / "trio.ped"
    ped.write_text(TRIO_PED)
    rows = sorted(rows, key=lambda r: int(r.split()[0]))
    report = annotate(vcf_text(["kid", "dad", "mum"], rows, header=SV_HEADER), "--ped", ped)
    return [r for r in sample(report, "kid")["review_reasons"] if "Mendelian" in r]


@pytest.mark.parametrize(
    ("deletion", "dad", "inconsistent"),
    [
        # The deletion surely removes Q54X's base (its first or last): the 1/1 is one copy,
        # which the father gives (no inconsistency) or neither parent does (inconsistency).
        (_deletion(Q54X, Q54X + 80), "0/0", True),
        (_deletion(Q54X, Q54X + 80), "0/1", False),
        (_deletion(Q54X - 80, Q54X), "0/0", True),
        (_deletion(Q54X - 80, Q54X), "0/1", False),
        # Ends one base before Q54X (no CIEND): the 1/1 is two copies, and the mother calls
        # Q54X reference: an inconsistency.
        (_deletion(Q54X - 80, Q54X - 1), "0/1", True),
        # Starts 30 bases after Q54X, but CIPOS -50 may put its start before it; or a CIPOS
        # that only moves the start further in (1,5) leaves the called start reaching Q54X:
        # one copy or two, no trio evidence either way.
        (_deletion(Q54X + 30, Q54X + 130, ";CIPOS=-50,50"), "0/1", False),
        (_deletion(Q54X, Q54X + 80, ";CIPOS=1,5"), "0/1", False),
    ],
)
def test_a_homozygous_call_on_a_heterozygous_deletions_edge_is_one_copy(
    annotate, tmp_path, deletion, dad, inconsistent
):
    """The child's Q54X 1/1 with a heterozygous deletion from the mother: where the deletion
    surely removes Q54X's base (first and last deleted bases included), the call is one copy,
    and the trio is consistent when the father gives it. Where the deletion, moved by its
    CIPOS, may reach Q54X without surely removing it, the call proves no copy count (no
    Mendelian check). Just past its end it is two copies."""
    rows = [deletion, _trio_row(Q54X, "C", "T", ("1/1", dad, "0/0"))]
    assert bool(_kid_mendelian(annotate, tmp_path, rows)) == inconsistent


@pytest.mark.parametrize(
    ("deletion", "dad"),
    [
        (_deletion(DIRA03 + 2, DIRA03 + 80), "0/0"),  # starts on DIRA03's second base
        (_deletion(DIRA03 - 80, DIRA03 + 1), "0/1"),  # ends on its first
    ],
)
def test_a_deletion_that_removes_part_of_an_allele_proves_no_copy_count(
    annotate, tmp_path, deletion, dad
):
    """The child's DIRA03 (a 2-base deletion) called 1/1, and a heterozygous deletion that
    removes one of its two bases: one copy or two, so the trio checks nothing at DIRA03,
    whether neither parent or the father calls it."""
    rows = [deletion, _trio_row(DIRA03, "AAC", "A", ("1/1", dad, "0/0"))]
    assert _kid_mendelian(annotate, tmp_path, rows) == []
