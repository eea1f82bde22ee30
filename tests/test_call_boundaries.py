"""Boundaries of the call logic, each written to kill a mutant that flipped a call and that no
test caught (`make mutate`, docs/mutation-testing.md): thresholds at exactly --min-dp/--min-gq,
the founder deletion's size tolerance, half-missing, haploid and triploid GTs of other alleles
at catalog sites, deletions whose GT agrees or disagrees with their CN."""

from __future__ import annotations

import re

import pytest
from conftest import sample, vcf_text

E77X = "113131068 G T"  # DIRA01, exon 3
FMT = "GT:GQ:DP"
SV_HEADER = (
    '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="SV length">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
    '##ALT=<ID=DEL,Description="Deletion">',
)
#: DIRA04, the founder deletion: the catalogued gene-content interval (GRCh38) and its size.
DIRA04_START, DIRA04_END, DIRA04_SIZE = 112973203, 113134016, 175000


def _sample(annotate, rows, *args, header=()):
    return sample(annotate(vcf_text(["s"], rows, header=header), *args), "s")


# -- --min-dp and --min-gq: the value itself passes, one less fails ---------------------------


@pytest.mark.parametrize(
    ("depth", "gq", "args", "expected"),
    [
        (10, 20, [], "monoallelic"),  # the defaults, exactly
        (9, 20, [], "indeterminate"),
        (10, 19, [], "indeterminate"),
        (15, 30, ["--min-dp", "15", "--min-gq", "30"], "monoallelic"),
        (14, 30, ["--min-dp", "15", "--min-gq", "30"], "indeterminate"),
        (15, 29, ["--min-dp", "15", "--min-gq", "30"], "indeterminate"),
    ],
)
def test_carrier_at_exactly_the_thresholds(annotate, depth, gq, args, expected):
    s = _sample(annotate, [f"{E77X} PASS {FMT} 0/1:{gq}:{depth}"], *args)
    assert s["dira_genotype"] == expected
    (variant,) = s["variants"]
    assert (variant["quality_flags"] == []) == (expected == "monoallelic")
    failing = [r for r in s["review_reasons"] if re.match(r"DIRA01 site, .*\): fails [DG]", r)]
    assert bool(failing) == (expected == "indeterminate")


@pytest.mark.parametrize(
    ("depth", "gq", "expected"),
    [(10, 20, "none"), (9, 20, "indeterminate"), (10, 19, "indeterminate")],
)
def test_reference_call_at_exactly_the_thresholds(annotate, depth, gq, expected):
    """A reference call proves the site only when it passes: at the threshold it does."""
    s = _sample(annotate, [f"{E77X} PASS {FMT} 0/0:{gq}:{depth}"])
    assert s["dira_genotype"] == expected
    assert ("DIRA01" in s["coverage"]["sites_not_assessed"]) == (expected == "indeterminate")


@pytest.mark.parametrize(
    ("depth", "gq", "expected"),
    [(10, 20, "none"), (9, 20, "indeterminate"), (10, 19, "indeterminate")],
)
def test_reference_call_of_another_allele_at_the_thresholds(annotate, depth, gq, expected):
    """A record of another ALT over the E77X site, called 0/0: it proves the site reference
    only when it passes the thresholds."""
    s = _sample(annotate, [f"113131068 G C PASS {FMT} 0/0:{gq}:{depth}"])
    assert s["dira_genotype"] == expected


# -- other alleles at a catalog site: half-missing, haploid, triploid ------------------------


@pytest.mark.parametrize("gt", ["./0", "0/.", "./1", ".|0", "0", "1", "0/0/0", "0/1/0", "./."])
def test_odd_gt_of_another_allele_at_a_catalog_site_leaves_it_open(annotate, gt):
    """E77X's site on a record of another ALT (G>C): a GT that leaves a copy unknown (half
    missing, haploid, ploidy 3) cannot prove E77X absent."""
    s = _sample(annotate, [f"113131068 G C PASS {FMT} {gt}:60:30"])
    assert s["dira_genotype"] == "indeterminate"
    assert s["needs_review"]
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    assert any(r.startswith("DIRA01 site, record 2:113131068") for r in s["review_reasons"])


@pytest.mark.parametrize("gt", ["./0", "0/.", "0", "0/0/0"])
def test_odd_gt_of_another_allele_beside_a_homozygous_call(annotate, gt):
    """A sample already homozygous for E77X: another allele's odd GT at the site cannot add a
    copy, nor take the call away: biallelic stays, with review when the copies disagree."""
    rows = [f"{E77X} PASS {FMT} 1/1:60:30", f"113131068 G C PASS {FMT} {gt}:60:30"]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] in ("biallelic", "indeterminate")


@pytest.mark.parametrize(
    ("gt", "expected"),
    [("0/1/1", "indeterminate"), ("1/1/1", "indeterminate"), ("0/0/1", "indeterminate")],
)
def test_triploid_gt_of_a_catalog_allele(annotate, gt, expected):
    s = _sample(annotate, [f"{E77X} PASS {FMT} {gt}:60:30"])
    assert s["dira_genotype"] == expected
    assert any("ploidy 3" in r for r in s["review_reasons"])


# -- deletions: the founder's size tolerance; GT against CN ----------------------------------


def _deletion(start: int, end: int, gt: str, cn: str = "") -> str:
    fmt, value = ("GT:CN", f"{gt}:{cn}") if cn else ("GT", gt)
    info = f"INFO=SVTYPE=DEL;END={end};SVLEN=-{end - start}"
    return f"{start - 1} N <DEL> PASS {info} {fmt} {value}"


def _around(size: int) -> tuple[int, int]:
    """A deletion of ``size`` bases containing DIRA04's interval, centred on it."""
    spare = size - (DIRA04_END - DIRA04_START + 1)
    start = DIRA04_START - spare // 2
    return start, start + size - 1


@pytest.mark.parametrize(
    ("size", "founder"),
    [
        (DIRA04_SIZE, True),
        (round(DIRA04_SIZE * 1.15), True),  # the tolerance, exactly
        (round(DIRA04_SIZE * 1.15) + 2, False),
        (250_000, False),  # contains the interval, but far too large for the founder allele
    ],
)
def test_homozygous_deletion_is_the_founder_only_at_its_size(annotate, size, founder):
    start, end = _around(size)
    s = _sample(annotate, [_deletion(start, end, "1/1")], header=SV_HEADER)
    ids = {v["dira_id"] for v in s["variants"]}
    if founder:
        assert s["dira_genotype"] == "biallelic"
        assert "DIRA04" in ids
    else:
        assert "DIRA04" not in ids
        assert s["dira_genotype"] != "biallelic" or s["needs_review"]
        assert s["needs_review"]


def test_deletion_of_exactly_the_catalogued_interval_is_the_founder(annotate):
    """The interval itself (160,814 bases, 8% under 175 kb: within the tolerance; no deletion
    that contains the interval can be smaller by more than the tolerance)."""
    size = DIRA04_END - DIRA04_START + 1
    assert abs(size - DIRA04_SIZE) <= DIRA04_SIZE * 0.15
    s = _sample(annotate, [_deletion(DIRA04_START, DIRA04_END, "1/1")], header=SV_HEADER)
    assert s["dira_genotype"] == "biallelic"


@pytest.mark.parametrize(
    ("gt", "cn", "expected"),
    [
        ("1/1", "0", "biallelic"),  # GT and CN agree: two copies lost
        ("0/1", "1", "monoallelic"),  # agree: one copy lost
        ("1/1", "1", "indeterminate"),  # disagree: the call is made missing
        ("0/1", "0", "indeterminate"),
        ("0/0", "2", "none"),
        (".", "0", "biallelic"),  # no GT: CN decides
        (".", "1", "monoallelic"),
    ],
)
def test_founder_deletion_gt_against_cn(annotate, gt, cn, expected):
    start, end = _around(DIRA04_SIZE)
    s = _sample(annotate, [_deletion(start, end, gt, cn)], header=SV_HEADER)
    assert s["dira_genotype"] == expected


# -- breakpoints within CIPOS/CIEND; the bases a deletion surely removes -------------------

CI_HEADER = (
    *SV_HEADER,
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
)
#: DIRA11: a deletion with published breakpoints (GRCh38, first and last deleted base).
DIRA11_START, DIRA11_END = 113107434, 113129650


def _ci_deletion(start: int, end: int, gt: str, cipos=(0, 0), ciend=(0, 0)) -> str:
    info = (
        f"INFO=SVTYPE=DEL;END={end};SVLEN=-{end - start + 1};"
        f"CIPOS={cipos[0]},{cipos[1]};CIEND={ciend[0]},{ciend[1]}"
    )
    return f"{start - 1} N <DEL> PASS {info} GT {gt}"


@pytest.mark.parametrize(
    ("shift_start", "shift_end", "cipos", "ciend", "named"),
    [
        (0, 0, (0, 0), (0, 0), True),
        (40, 0, (-50, 50), (0, 0), True),  # the start 40 bases off, within CIPOS
        (-40, 0, (-50, 50), (0, 0), True),
        (0, 40, (0, 0), (-50, 50), True),  # the end 40 bases off, within CIEND
        (0, -40, (0, 0), (-50, 50), True),
        (40, 0, (0, 0), (0, 0), False),  # 40 bases off with no interval: another deletion
        (0, -40, (0, 0), (0, 0), False),
    ],
)
def test_deletion_named_by_its_breakpoints_within_the_callers_intervals(
    annotate, shift_start, shift_end, cipos, ciend, named
):
    row = _ci_deletion(DIRA11_START + shift_start, DIRA11_END + shift_end, "1/1", cipos, ciend)
    s = _sample(annotate, [row], header=CI_HEADER)
    ids = {v["dira_id"] for v in s["variants"]}
    assert ("DIRA11" in ids) == named


@pytest.mark.parametrize(
    ("ciend", "expected"),
    [((0, 0), "biallelic"), ((-50, 50), "indeterminate")],
)
def test_homozygous_call_near_the_uncertain_end_of_a_heterozygous_deletion(
    annotate, ciend, expected
):
    """DIRA02 (1/1) 31 bases inside DIRA11's end (het). Surely deleted (no CIEND), DIRA02 sits
    on the other haplotype: biallelic. With CIEND -50,50 the deletion may end before it: one
    copy or two, so the call stays open (only the bases surely deleted count as deleted)."""
    rows = [_ci_deletion(DIRA11_START, DIRA11_END, "0/1", ciend=ciend), "113129619 C T PASS GT 1/1"]
    s = _sample(annotate, rows, header=CI_HEADER)
    assert s["dira_genotype"] == expected
    assert any("edge of" in r for r in s["review_reasons"]) == (expected == "indeterminate")


BND_HEADER = (*CI_HEADER, '##INFO=<ID=MATEID,Number=1,Type=String,Description="Mate">')


def _breakend_pair(start: int, end: int, gt: str, left_ci, right_ci, left_ciend=None):
    """A deletion of ``start``..``end`` as a pair of breakends (Manta, Delly), each with its own
    CIPOS (and, as Delly writes it, the left one's CIEND for its mate)."""
    extra = f";CIEND={left_ciend[0]},{left_ciend[1]}" if left_ciend else ""
    left = (
        f"{start - 1} N N[2:{end + 1}[ PASS INFO=SVTYPE=BND;MATEID=b2;"
        f"CIPOS={left_ci[0]},{left_ci[1]}{extra} GT {gt}"
    )
    right = (
        f"{end + 1} N ]2:{start - 1}]N PASS INFO=SVTYPE=BND;MATEID=b1;"
        f"CIPOS={right_ci[0]},{right_ci[1]} GT {gt}"
    )
    return [left, right]


@pytest.mark.parametrize(
    ("left_ci", "right_ci", "left_ciend", "expected"),
    [
        ((0, 0), (0, 0), None, "biallelic"),
        ((0, 0), (-50, 50), None, "indeterminate"),  # the mate's own CIPOS: its end is open
        ((0, 0), (0, 0), (-50, 50), "indeterminate"),  # Delly: the mate's CI as CIEND
        ((-50, 50), (0, 0), None, "biallelic"),  # only the far start is uncertain
    ],
)
def test_breakend_pair_the_deletions_end_is_as_uncertain_as_its_mate_says(
    annotate, left_ci, right_ci, left_ciend, expected
):
    """DIRA02 (1/1) 31 bases inside the end of a heterozygous DIRA11 written as two breakends.
    The first breakend describes the deletion, but its end is the mate's position: an imprecise
    mate (CIPOS -50,50) leaves open whether DIRA02 is deleted from one haplotype, so the call
    stays open. The first breakend's own CIPOS alone made those bases surely deleted, and the
    call biallelic."""
    rows = [
        *_breakend_pair(DIRA11_START, DIRA11_END, "0/1", left_ci, right_ci, left_ciend),
        "113129619 C T PASS GT 1/1",
    ]
    rows.sort(key=lambda row: int(row.split()[0]))
    s = _sample(annotate, rows, header=BND_HEADER)
    assert s["dira_genotype"] == expected
    assert sum(v.get("dira_id") == "DIRA11" for v in s["variants"]) == 1


def test_homozygous_call_just_past_a_deletions_called_end_within_its_ciend(annotate):
    """DIRA02 (1/1) 20 bases past a heterozygous deletion's called end, with CIEND -50,50: the
    deletion may reach it, so DIRA02 may sit on one haplotype only (one copy or two). The
    called ends alone said the deletion was beside it, and gave biallelic (found by the fuzz
    and mutation review)."""
    end = 113129619 - 20
    rows = [_ci_deletion(DIRA11_START, end, "0/1", ciend=(-50, 50)), "113129619 C T PASS GT 1/1"]
    s = _sample(annotate, rows, header=CI_HEADER)
    assert s["dira_genotype"] == "indeterminate"
    assert any("one copy or two" in r for r in s["review_reasons"])
    rows = [_ci_deletion(DIRA11_START, end, "0/1"), "113129619 C T PASS GT 1/1"]
    assert _sample(annotate, rows, header=CI_HEADER)["dira_genotype"] == "biallelic"


GVCF_HEADER = (
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP in the block">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
)


def _block(start: int, end: int, gt: str) -> str:
    return f"{start} N <NON_REF> PASS INFO=END={end} GT:GQ:MIN_DP {gt}:99:30"


def test_gvcf_block_without_a_genotype_covers_no_coding_base(annotate):
    """A reference block whose GT is a no-call covers nothing: the coding bases under it are
    not called, and the catalog site under it stays open."""
    rows = [
        _block(113094315, 113131100, "0/0"),
        _block(113131101, 113132000, "./."),
        _block(113132001, 113139016, "0/0"),
    ]
    s = _sample(annotate, rows, header=GVCF_HEADER)
    assert s["dira_genotype"] == "indeterminate"
    coverage = s["coverage"]
    assert coverage["evidence"] == "gvcf"
    assert 0 < coverage["cds_bases_called"] < coverage["cds_bases_total"]
    complete = _sample(annotate, [_block(113094315, 113139016, "0/0")], header=GVCF_HEADER)
    assert complete["dira_genotype"] == "none"
    assert complete["coverage"]["cds_bases_called"] == complete["coverage"]["cds_bases_total"]


@pytest.mark.parametrize("other", ["113131068 G C PASS GT 0/1", None])
def test_star_allele_at_a_catalog_site_leaves_it_open(annotate, other):
    """ALT * at E77X: a deletion not in the file removes the site on one haplotype; an SNV at
    the same position removes no base, so it does not explain the *."""
    rows = [r for r in (other, "113131068 G * PASS GT 0/1") if r]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert any("(ALT *)" in r for r in s["review_reasons"])


def test_trio_mendelian_check_counts_a_homozygous_call_inside_a_deletion_as_one_copy(
    annotate, tmp_path
):
    """The child: DIRA11 (het deletion, from the father) and DIRA02 called 1/1 inside it (one
    copy). Neither parent has DIRA02: a Mendelian inconsistency, which needs review; counting
    the 1/1 as 'proves nothing' would hide it."""
    ped = tmp_path / "trio.ped"
    ped.write_text("fam1 kid dad mum 1 2\nfam1 dad 0 0 1 1\nfam1 mum 0 0 2 1\n")
    info = f"INFO=SVTYPE=DEL;END={DIRA11_END};SVLEN=-{DIRA11_END - DIRA11_START + 1}"
    rows = [
        f"{DIRA11_START - 1} N <DEL> PASS {info} {FMT} 0/1:60:30 0/1:60:30 0/0:60:30",
        f"113129619 C T PASS {FMT} 1/1:60:30 0/0:60:30 0/0:60:30",
    ]
    text = vcf_text(["kid", "dad", "mum"], rows, header=CI_HEADER)
    kid = sample(annotate(text, "--ped", ped), "kid")
    assert kid["needs_review"]
    assert any(r.startswith("Mendelian inconsistency at DIRA02") for r in kid["review_reasons"])


def test_one_allele_called_twice_alike_decides_without_review(annotate):
    """E77X 1/1 in two records (two callers merged): every reading gives biallelic, so the
    'copies are uncertain' note is dropped and nothing is left to review."""
    s = _sample(annotate, [f"{E77X} PASS {FMT} 1/1:60:30", f"{E77X} PASS {FMT} 1/1:60:30"])
    assert s["dira_genotype"] == "biallelic"
    assert not any("copies are uncertain" in r for r in s["review_reasons"])
    assert not s["needs_review"]


@pytest.mark.parametrize("end", [113131068, 113131067])
def test_homozygous_call_at_the_last_base_of_a_heterozygous_deletion(annotate, end):
    """A het deletion whose last base is E77X's holds it: the 1/1 call there is one copy
    (hemizygous); a base short, it does not."""
    info = f"INFO=SVTYPE=DEL;END={end};SVLEN=-{end - 113120000 + 1}"
    rows = [f"113119999 N <DEL> PASS {info} GT 0/1", f"{E77X} PASS GT 1/1"]
    s = _sample(annotate, rows, header=SV_HEADER)
    (e77x,) = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
    assert e77x["zygosity"] == ("hemizygous" if end == 113131068 else "hom_alt")
