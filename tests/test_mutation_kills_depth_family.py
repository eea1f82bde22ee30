"""Rules of a call in deletions.py, family.py, coverage.py and zygosity.py that a mutant could
change with no other test failing (`make mutate`, docs/mutation-testing.md). Each test names the
rule it pins."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text, write_input

from il1rn_annot.catalog import load_catalog
from il1rn_annot.coverage import capture_coverage
from il1rn_annot.deletions import apply_depth, apply_target_depth
from il1rn_annot.genotype import catalog_sites
from il1rn_annot.model import (
    Allele,
    AltAllele,
    AnnotatedAllele,
    Coverage,
    DepthEvidence,
    ExonDepth,
    SampleCall,
    SampleReport,
    SampleVariant,
    TargetDepthEvidence,
    VariantRecord,
)
from il1rn_annot.zygosity import zygosity

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
        (_deletion(Q54X + 30, Q54X + 130, ";CIPOS=-50,50"), "0/0", False),
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


# -- targeted data: a deletion read from the depth of the capture targets ----------------------

#: The bases every copy of each catalogued deletion lacks (GRCh38), as pipeline passes them.
INTERVALS = {"DIRA04": (112973203, 113134016), "DIRA11": (113107434, 113129650)}


def _variant(
    dira_id: str,
    pos: int,
    ref: str,
    alt: str,
    gt: tuple[int, ...],
    *,
    classification: str = "pathogenic",
    flags: tuple[str, ...] = (),
) -> SampleVariant:
    """One sample's call of one allele, as the genotype stage reports it."""
    call = SampleCall(gt, False, depth=30, gq=60)
    sv = alt == "<DEL>"
    end = INTERVALS[dira_id][1] if sv else pos + len(ref) - 1
    record = VariantRecord(
        "2", pos, ref, (alt,), end, (), None, (call,), 0, svtype="DEL" if sv else None
    )
    allele = Allele(pos, ref, alt)
    annotated = AnnotatedAllele(
        AltAllele(record, 1, allele, allele), dira_id=dira_id, classification=classification
    )
    zyg, copies, missing = zygosity(call, 1)
    return SampleVariant(annotated, call, zyg, copies, missing, flags)


def _report(*variants: SampleVariant, call: str = "none") -> SampleReport:
    reasons = ["from the VCF"] if call != "none" else []
    coverage = Coverage("variant_calls", True, 12)
    return SampleReport("S", call, bool(reasons), reasons, coverage, list(variants))


def _depth(
    lost: tuple[tuple[str, int], ...], copies: int | None = None, consistent_with: str = ""
) -> DepthEvidence:
    """Read depth of the capture targets (status ok) that fits the catalogued deletions
    ``lost`` (id, copies lost), or none of them (``consistent_with``: novel, no_deletion)."""
    which = consistent_with or "+".join(d for d, _ in lost)
    targeted = TargetDepthEvidence(
        "kit.bed",
        12,
        "the batch's median",
        (),
        40,
        0.99,
        0.05,
        (),
        (),
        which,
        lost,
        "ok",
        f"fits {which}",
    )
    return DepthEvidence(
        "S.bam",
        "S",
        "GRCh38",
        "2",
        30.0,
        (),
        (),
        None,
        copies,
        "ok" if copies is not None else "unclear",
        f"fits {which}",
        targeted,
    )


def _dira04_in_vcf(gt: tuple[int, ...], flags: tuple[str, ...] = ()) -> SampleVariant:
    return _variant("DIRA04", INTERVALS["DIRA04"][0] - 1, "N", "<DEL>", gt, flags=flags)


E77X_HOM = ("DIRA01", 113131068, "G", "T", (1, 1))  # inside DIRA04's interval


@pytest.mark.parametrize(
    ("variants", "lost", "expected", "disagree"),
    [
        # The VCF's DIRA04 and read depth agree (one copy lost): a carrier.
        ([_dira04_in_vcf((0, 1))], (("DIRA04", 1),), "monoallelic", ""),
        # They disagree on the copies: the call or the depth is wrong.
        ([_dira04_in_vcf((0, 1))], (("DIRA04", 2),), "indeterminate", "homozygous DIRA04"),
        ([_dira04_in_vcf((1, 1))], (("DIRA04", 1),), "indeterminate", "heterozygous DIRA04"),
        # A failing VCF call of DIRA04 is no call to disagree with: depth decides.
        ([_dira04_in_vcf((0, 1), ("FILTER=LowQual",))], (("DIRA04", 2),), "biallelic", ""),
        # Depth fits DIRA04 and DIRA11 in trans; the VCF calls only DIRA04, as depth does.
        ([_dira04_in_vcf((0, 1))], (("DIRA04", 1), ("DIRA11", 1)), "biallelic", ""),
        # ... or calls DIRA04 homozygous: depth names both deletions it sees.
        (
            [_dira04_in_vcf((1, 1))],
            (("DIRA04", 1), ("DIRA11", 1)),
            "indeterminate",
            "heterozygous DIRA04, heterozygous DIRA11",
        ),
    ],
)
def test_read_depth_of_the_targets_and_the_vcfs_deletion_call_must_agree(
    variants, lost, expected, disagree
):
    """A catalogued deletion fitted from the capture targets' depth counts its copies, and must
    agree with a passing call of the same deletion in the VCF: where the copies differ, the
    call is indeterminate, with a review line that says so and what depth shows."""
    report = apply_target_depth(_report(*variants), _depth(lost), False, INTERVALS)
    assert report.dira_genotype == expected
    assert report.needs_review
    line = f"read depth ({disagree}) disagrees with the deletion copies called in the VCF"
    assert (line in report.review_reasons) == bool(disagree)
    assert any("disagrees" in r for r in report.review_reasons) == bool(disagree)


@pytest.mark.parametrize(
    ("variants", "lost", "expected"),
    [
        # A benign allele beside the deletion adds no copy: a carrier.
        (
            [_variant("", 113129700, "A", "G", (0, 1), classification="not_in_catalog")],
            (("DIRA04", 1),),
            "monoallelic",
        ),
        # A homozygous pathogenic allele inside a homozygous deletion cannot be: no copy left.
        ([_variant(*E77X_HOM)], (("DIRA04", 2),), "indeterminate"),
        # Nothing in the VCF, both copies lost: biallelic, and the coverage says so.
        ([], (("DIRA04", 2),), "biallelic"),
    ],
)
def test_read_depth_of_the_targets_counts_the_deletion_with_the_vcfs_alleles(
    variants, lost, expected
):
    """The fitted deletion's copies plus the VCF's passing pathogenic alleles outside it make
    the call; an allele called where the deletion leaves no copy makes it indeterminate; a
    homozygous loss marks a possible homozygous deletion in the coverage."""
    report = apply_target_depth(_report(*variants), _depth(lost), False, INTERVALS)
    assert report.dira_genotype == expected
    homozygous = sum(k for _, k in lost) >= 2
    assert report.coverage.possible_homozygous_deletion == homozygous


def test_a_novel_deletion_from_target_depth_is_always_reviewed():
    """A run of low targets that fits no catalogued deletion, outside the coding exons (which
    read two copies): the call stays none, but a person must look."""
    report = apply_target_depth(_report(), _depth((), 2, "novel"), False, INTERVALS)
    assert report.dira_genotype == "none"
    assert report.needs_review
    assert any("capture targets" in r for r in report.review_reasons)


# -- whole-genome read depth (--bam): a copy number, never an allele ---------------------------


@pytest.mark.parametrize(("copies", "expected"), [(0, "indeterminate"), (1, "none")])
def test_read_depth_that_shows_a_lost_copy_is_reviewed(copies, expected):
    """Read depth over the coding exons that shows one copy or none, in a sample with nothing
    else to review: a review reason, so needs_review."""
    depth = DepthEvidence("S.bam", "S", "GRCh38", "2", 30.0, (), (), 0.5 * copies, copies, "ok", "")
    report = apply_depth(_report(), depth, False)
    assert report.dira_genotype == expected
    assert report.needs_review
    assert report.review_reasons


# -- targeted data: which catalog sites the capture covers (coverage.capture_coverage) ---------

SITES = catalog_sites(load_catalog(), "GRCh38")  # all sequence-resolved: none symbolic


def _exact_targets(
    depth: float | None = None, skip: str = ""
) -> list[tuple[int, int, float | None]]:
    """One capture target per catalog site, from its first changed base to its last."""
    return [(s.start, s.end, depth) for s in SITES if s.entry.id != skip]


def _proven() -> Coverage:
    ids = [s.entry.id for s in SITES]
    return Coverage("gvcf", True, len(ids), sites_called=ids)


def test_a_target_from_a_sites_first_to_its_last_base_covers_it():
    """A target whose ends are the site's own first and last changed base covers it: every
    site stays proven (DIRA06 spans 15 bases, the rest one or two)."""
    coverage = capture_coverage(_proven(), SITES, _exact_targets(), 10, set())
    assert coverage.proven_reference
    assert coverage.sites_outside_capture == []
    assert coverage.sites_not_assessed == []


@pytest.mark.parametrize("carried", [set(), {"DIRA01"}])
def test_a_site_outside_the_capture_is_not_assessed(carried):
    """DIRA06 has no target: it is not assessed and the sites are not proven reference, also
    when the sample carries another allele (DIRA01, the first site) that needs no target."""
    coverage = capture_coverage(_proven(), SITES, _exact_targets(skip="DIRA06"), 10, carried)
    assert coverage.proven_reference is False
    assert coverage.sites_outside_capture == ["DIRA06"]
    assert "DIRA06" not in coverage.sites_called


@pytest.mark.parametrize(("depth", "shallow"), [(10.0, False), (9.9, True)])
def test_a_target_at_exactly_min_dp_covers_its_site(depth, shallow):
    """A target whose mean depth in the sample is exactly --min-dp (10) is deep enough; below
    it, every site it covers is not assessed."""
    coverage = capture_coverage(_proven(), SITES, _exact_targets(depth), 10, set())
    assert coverage.proven_reference is not shallow
    assert len(coverage.sites_below_depth) == (len(SITES) if shallow else 0)


# -- genotype patterns across the founder-deletion interval, counted for a cohort -------------

INSIDE = [112980000 + k * 10000 for k in range(12)]  # inside DIRA04's interval, no catalog site
FLANKS = [112960000, 113140000]  # within 20 kb outside it
#: Each sample's GTs: the first flank, the 12 records inside, the last flank.
PATTERNS = {
    "homozygous_deletion": ["0/1", *["./."] * 12, "0/1"],
    "last_flank_missing": ["0/1", *["./."] * 12, "./."],
    "hemizygous_stretch": ["0/1", *["1/1"] * 12, "0/1"],
    "called_then_missing": ["0/1", "0/1", *["./."] * 11, "0/1"],
    "ordinary": ["0/1"] * 14,
    "nothing_called": ["./."] * 14,
    "phased_het_among_homozygous": ["0/1", *["1/1"] * 11, "1|0", "0/1"],
    "haploid_stretch": ["0/1", *["1"] * 12, "0/1"],
    "het_then_homozygous": ["0/1", "0/1", *["1/1"] * 11, "0/1"],
    "haploid_reference": ["0/1", *["0"] * 12, "0/1"],
}

#: What each diploid pattern's sample says (its deletion_pattern, a review reason when not "").
EXPECTED_PATTERNS = {
    "homozygous_deletion": "(12 no-call records inside): supports a homozygous deletion",
    "last_flank_missing": "(12 no-call records inside): supports a homozygous deletion",
    "hemizygous_stretch": "12 homozygous and no heterozygous call across the 161 kb",
    "called_then_missing": "",
    "ordinary": "",
    "nothing_called": "",
    "phased_het_among_homozygous": "",
    "het_then_homozygous": "",
}


def annotate_patterns(annotate, patterns: dict[str, list[str]], n_samples: int) -> dict:
    """The report of a cohort of ``n_samples``: one sample per pattern, the rest ordinary
    (``filler0``...), with a record at each flank and inside the founder interval."""
    names = [*patterns, *(f"filler{i}" for i in range(n_samples - len(patterns)))]
    gts = [patterns.get(name, PATTERNS["ordinary"]) for name in names]
    positions = [FLANKS[0], *INSIDE, FLANKS[1]]
    rows = [
        f"{p} A G PASS GT {' '.join(sample_gts[k] for sample_gts in gts)}"
        for k, p in enumerate(positions)
    ]
    return annotate(vcf_text(names, rows))


def assert_patterns(report: dict, expected: dict[str, str]) -> None:
    """Each named sample's deletion pattern holds its text (or is empty), and is its only
    review reason."""
    for name, text in expected.items():
        s = sample(report, name)
        pattern = s["coverage"]["deletion_pattern"]
        assert text in pattern if text else pattern == "", name
        assert s["needs_review"] == bool(text), name
        reasons = [r for r in s["review_reasons"] if r.startswith("deletion pattern: ")]
        assert reasons == ([f"deletion pattern: {pattern}"] if text else []), name


@pytest.mark.parametrize("n_samples", [len(PATTERNS), 32])
def test_a_cohorts_deletion_patterns_are_each_samples_own(annotate, n_samples):
    """The genotype pattern across the founder interval is each sample's own, counted the same
    for a few samples as for a cohort of 32 and more (counted with arrays): no call inside while
    a flank is called supports a homozygous deletion (with the number of no-calls); 12
    homozygous calls and no heterozygous one, a hemizygous stretch; one call inside, or every
    call, says nothing, as does a file with no call at all, or a phased heterozygous call
    (1|0) or one before them (0/1). A haploid ALT call is homozygous, a haploid reference call
    is not. Each pattern is a review reason."""
    report = annotate_patterns(annotate, PATTERNS, n_samples)
    assert_patterns(
        report,
        {
            **EXPECTED_PATTERNS,
            "haploid_stretch": "12 homozygous and no heterozygous call",
            "haploid_reference": "",
        },
    )


# -- a homozygous-looking call inside a heterozygous deletion: the copy's haplotype ----------


def _deletion_around_q54x(fmt_gt: str) -> str:
    """A novel deletion of 161 bases around Q54X (not counted without --count-novel-lof)."""
    first, last = Q54X - 80, Q54X + 80
    return f"{first - 1} N <DEL> PASS INFO=SVTYPE=DEL;END={last};SVLEN=-161 {fmt_gt}"


@pytest.mark.parametrize(
    ("deletion", "q54x", "e77x", "cis"),
    [
        # All three phased in one set: Q54X is on the haplotype the deletion spares, with E77X.
        ("GT:PS 1|0:100", "GT:PS 1|1:100", "GT:PS 0|1:100", True),
        # The deletion is unphased: which haplotype keeps Q54X is unknown.
        ("GT:PS 0/1:.", "GT:PS 1|1:100", "GT:PS 0|1:100", False),
        # Q54X and E77X phased without PS (one set), the deletion unphased: unknown as well.
        ("GT 0/1", "GT 1|1", "GT 0|1", False),
    ],
)
def test_the_one_copy_inside_a_heterozygous_deletion_is_phased_only_by_the_deletions_phase(
    annotate, deletion, q54x, e77x, cis
):
    """Q54X called 1/1 inside a heterozygous deletion is one copy, on the haplotype the deletion
    spares: known only when the deletion and Q54X are phased in one set. Then E77X, phased on
    that haplotype, is in cis with it; otherwise the pair's phase is unknown, never trans.
    The deletion may hide Q54X, so the call is indeterminate, with the range of calls the
    evidence allows."""
    rows = [
        _deletion_around_q54x(deletion),
        f"{Q54X} C T PASS {q54x}",
        f"113131068 G T PASS {e77x}",
    ]
    s = sample(annotate(vcf_text(["s"], rows, header=SV_HEADER)), "s")
    assert s["dira_genotype"] == "indeterminate"
    low = "monoallelic" if cis else "biallelic_unphased"
    assert f"the evidence allows anything from {low} to biallelic" in s["review_reasons"]


# -- an allele inside a heterozygous deletion is on the other haplotype (zygosity.removes) -----


def _novel_deletion(first: int, last: int) -> str:
    info = f"INFO=SVTYPE=DEL;END={last};SVLEN=-{last - first + 1}"
    return f"{first - 1} N <DEL> PASS {info} GT 0/1"


@pytest.mark.parametrize(
    ("rows", "in_trans"),
    [
        # Q54X on the deletion's first or last base: inside it.
        ([_novel_deletion(Q54X, Q54X + 80), f"{Q54X} C T PASS GT 0/1"], True),
        ([_novel_deletion(Q54X - 80, Q54X), f"{Q54X} C T PASS GT 0/1"], True),
        # A 100-base deletion inside a 200-base one: at most half its length, two events.
        ([_novel_deletion(Q54X - 100, Q54X + 99), _novel_deletion(Q54X - 50, Q54X + 49)], True),
        # Inside a 199-base one: more than half of it, maybe one event written twice.
        ([_novel_deletion(Q54X - 100, Q54X + 98), _novel_deletion(Q54X - 50, Q54X + 49)], False),
    ],
)
def test_an_allele_inside_a_heterozygous_deletion_is_in_trans_with_it(annotate, rows, in_trans):
    """Two heterozygous counting alleles (novel deletions counted with --count-novel-lof), one
    within the bases the other surely deletes, first and last base included: in trans (the
    allele cannot sit on the haplotype that lacks its bases), biallelic. A deletion that covers
    more than half of the other may be the same event called twice: phase unknown."""
    rows = sorted(rows, key=lambda r: int(r.split()[0]))
    s = sample(annotate(vcf_text(["s"], rows, header=SV_HEADER), "--count-novel-lof"), "s")
    assert s["dira_genotype"] == ("biallelic" if in_trans else "biallelic_unphased")


# -- which reference calls prove a catalog site (zygosity: reference blocks, REF N) ------------


@pytest.mark.parametrize(
    ("row", "site"),
    [
        ("113131050 A G PASS GT 0/0", "DIRA06"),  # one base of DIRA06's 15, called 0/0
        ("113131068 GN G PASS GT 0/0", "DIRA01"),  # REF N only past E77X's base
    ],
)
def test_a_reference_call_over_a_site_proves_it_without_gq_or_depth(annotate, row, site):
    """A passing 0/0 of a variant record (not a gVCF reference block) over a catalog site proves
    the site reference, with or without FORMAT/GQ and DP, and a REF N past the site's bases
    does not stop it: the site is called, the sample none, nothing to review."""
    s = sample(annotate(vcf_text(["s"], [row])), "s")
    assert s["dira_genotype"] == "none"
    assert not s["needs_review"]
    assert s["coverage"]["sites_called"] == [site]


def test_a_gvcf_block_of_star_alleles_without_gq_or_depth_proves_nothing(annotate):
    """A reference block written with <*> (bcftools, DRAGEN) is a reference block like
    <NON_REF>: without GQ or depth it proves no site and calls no coding base."""
    header = ('##ALT=<ID=*,Description="Any other allele">',)
    row = "113094315 A <*> PASS INFO=END=113139016 GT 0/0"
    s = sample(annotate(vcf_text(["s"], [row], header=header)), "s")
    assert s["dira_genotype"] == "indeterminate"
    assert s["coverage"]["sites_called"] == []
    assert s["coverage"]["cds_bases_called"] == 0


@pytest.mark.parametrize(
    ("deletion_gts", "breakends_before", "inconsistent"),
    [
        # The child lacks the mother's deletion (0/0) or has no call of it: its Q54X 1/1 is two
        # copies, and the mother calls Q54X reference.
        (("0/0", "0/0", "0/1"), False, True),
        (("./.", "0/0", "0/1"), False, True),
        # The child's own deletion makes it one copy, also after a deletion written as a
        # breakend pair elsewhere in the window (its second breakend describes nothing new).
        (("0/1", "0/0", "0/1"), True, False),
    ],
)
def test_only_the_childs_own_heterozygous_deletion_makes_a_homozygous_call_one_copy(
    annotate, tmp_path, deletion_gts, breakends_before, inconsistent
):
    """The child's Q54X 1/1, the father 0/1, the mother 0/0, and a deletion around Q54X that
    the mother carries: a trio is consistent only if the child carries the deletion too."""
    info = f"INFO=SVTYPE=DEL;END={Q54X + 80};SVLEN=-161"
    rows = [
        _trio_row(Q54X - 81, "N", "<DEL>", deletion_gts, info),
        _trio_row(Q54X, "C", "T", ("1/1", "0/1", "0/0")),
    ]
    if breakends_before:  # a 100-base deletion from the father, outside IL1RN
        gts = ("0/1", "0/1", "0/0")
        rows += [
            _trio_row(113100000, "N", "N[2:113100101[", gts, "INFO=SVTYPE=BND"),
            _trio_row(113100101, "N", "]2:113100000]N", gts, "INFO=SVTYPE=BND"),
        ]
    assert bool(_kid_mendelian(annotate, tmp_path, rows)) == inconsistent


#: DIRA04's interval, GRCh38: the bases the founder deletion removes.
DIRA04_FIRST, DIRA04_LAST = 112973203, 113134016


@pytest.mark.parametrize(("n", "fires"), [(10, True), (9, False)])
@pytest.mark.parametrize("gt", ["./.", "1/1"])
def test_deletion_patterns_need_ten_records_inside_the_interval_first_and_last_base_included(
    annotate, n, fires, gt
):
    """MIN_PATTERN_RECORDS (10) no-calls, or homozygous calls, inside the founder interval make
    a pattern; 9 do not. Records on the interval's first and last base are inside it."""
    inside = [DIRA04_FIRST, *(112980000 + k * 10000 for k in range(n - 2)), DIRA04_LAST]
    rows = [
        f"{DIRA04_FIRST - 1000} A G PASS GT 0/1",
        *(f"{p} A G PASS GT {gt}" for p in inside),
        f"{DIRA04_LAST + 1000} A G PASS GT 0/1",
    ]
    s = sample(annotate(vcf_text(["s"], rows)), "s")
    pattern = s["coverage"]["deletion_pattern"]
    if fires:
        words = f"({n} no-call records inside)" if gt == "./." else f"{n} homozygous and no"
        assert words in pattern
    else:
        assert pattern == ""


# -- the bases another allele may change: symbolic gains and insertions beside a site ---------

E77X = 113131068  # DIRA01, one base
GAIN_HEADER = (
    '##ALT=<ID=DUP,Description="Duplication">',
    '##ALT=<ID=INS,Description="Insertion">',
)


@pytest.mark.parametrize(
    ("row", "opens_the_site"),
    [
        # A duplication starts at POS + 1: from E77X's base, or from the next one.
        (f"{E77X - 1} N <DUP> PASS INFO=SVTYPE=DUP;END={E77X + 40} GT 0/1", True),
        (f"{E77X} N <DUP> PASS INFO=SVTYPE=DUP;END={E77X + 40} GT 0/1", False),
        # A symbolic insertion (no END) changes the base after POS: E77X's, or the one before.
        (f"{E77X - 1} N <INS> PASS INFO=SVTYPE=INS GT 0/1", True),
        (f"{E77X - 2} N <INS> PASS INFO=SVTYPE=INS GT 0/1", False),
        # An insertion written with its bases changes the two bases around it.
        (f"{E77X} G GA PASS GT 0/1", True),  # between E77X and the next base
        (f"{E77X - 1} N NA PASS GT 0/1", True),  # between the base before and E77X
        (f"{E77X - 2} N NA PASS GT 0/1", False),
        (f"{E77X + 1} N NA PASS GT 0/1", False),
    ],
)
def test_a_gain_or_insertion_on_a_sites_base_leaves_it_open(annotate, row, opens_the_site):
    """An allele not in the catalog that changes E77X's base (a duplication or an insertion on
    it or beside it) may hide or remove E77X: the site is open, the call indeterminate. One
    base further away it changes nothing there."""
    s = sample(annotate(vcf_text(["s"], [row], header=GAIN_HEADER)), "s")
    opened = any(r.startswith("DIRA01 site") for r in s["review_reasons"])
    assert opened == opens_the_site
    assert (s["dira_genotype"] == "indeterminate") == opens_the_site


@pytest.mark.parametrize(
    ("deletion", "inconsistent", "call"),
    [
        # ANC>A deletes the two bases up to Q54X's, its last deleted base: one copy.
        (_trio_row(Q54X - 2, "ANC", "A", ("0/1", "0/0", "0/1")), False, "indeterminate"),
        # NAN>N deletes the two bases before Q54X: the 1/1 is two copies.
        (_trio_row(Q54X - 3, "NAN", "N", ("0/1", "0/0", "0/1")), True, "biallelic"),
    ],
)
def test_a_deletion_written_with_its_bases_removes_up_to_its_last_ref_base(
    annotate, tmp_path, deletion, inconsistent, call
):
    """A sequence-resolved deletion (the full REF, as Manta and DRAGEN write short ones)
    removes the bases after its padding base, up to its REF's last: the child's Q54X 1/1 on
    that last base is one copy (the father's); one base past it, two copies (biallelic, and
    the mother calls Q54X reference: a Mendelian inconsistency)."""
    ped = tmp_path / "trio.ped"
    ped.write_text(TRIO_PED)
    rows = [deletion, _trio_row(Q54X, "C", "T", ("1/1", "0/1", "0/0"))]
    kid = sample(annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped), "kid")
    assert any("Mendelian" in r for r in kid["review_reasons"]) == inconsistent
    assert kid["dira_genotype"] == call


def _exon(n: int, ratio: float | None) -> ExonDepth:
    copies = None if ratio is None else {0.0: 0, 0.5: 1, 1.0: 2}[ratio]
    return ExonDepth(n, 113127600 + 1000 * n, 113127700 + 1000 * n, 30.0, ratio, copies)


@pytest.mark.parametrize(
    ("copies", "ratios", "reason"),
    [
        (None, (0.0, 0.5, None, 1.0), "possible_homozygous_deletion: read depth shows no copy of "
         "coding exon(s) [1] (ratio exon 1 0.00, exon 2 0.50, exon 4 1.00)"),
        (None, (1.0, 0.5, None, 1.0), "read depth shows one copy of coding exon(s) [2]: a "
         "heterozygous deletion (ratio exon 1 1.00, exon 2 0.50, exon 4 1.00)"),
        (1, (0.5, 0.5, 0.5, 0.5), "read depth shows one copy of the coding exons: a "
         "heterozygous deletion (ratio 0.50)"),
        (0, (0.0, 0.0, 0.0, 0.0), "possible_homozygous_deletion: read depth shows no copy of "
         "any coding exon (ratio 0.00)"),
    ],
)  # fmt: skip
def test_read_depth_review_lines_give_the_exons_and_their_ratios(copies, ratios, reason):
    """The review line of a depth finding names the exons and the ratios behind it: per exon
    where the exons disagree (an exon whose ratio is unknown is left out of the figures), the
    mean ratio where they agree."""
    exons = tuple(_exon(n, r) for n, r in enumerate(ratios, 1))
    known = [r for r in ratios if r is not None]
    mean = sum(known) / len(known) if copies is not None else None
    depth = DepthEvidence("S.bam", "S", "GRCh38", "2", 30.0, (), exons, mean, copies,
                          "ok" if copies is not None else "unclear", "")  # fmt: skip
    report = apply_depth(_report(), depth, False)
    assert report.review_reasons == [reason]


# -- one sample's call at a catalog site, read on its own (zygosity.zygosity, sample_flags) ----


@pytest.mark.parametrize("ft", ["PASS", "."])
def test_a_sample_filter_of_pass_or_missing_passes(annotate, ft):
    """FORMAT/FT PASS (as GATK writes it) or missing is a passing call: Q54X 0/1 is a carrier,
    with nothing to review."""
    s = sample(annotate(vcf_text(["s"], [f"{Q54X} C T PASS GT:FT 0/1:{ft}"])), "s")
    assert s["dira_genotype"] == "monoallelic"
    assert not s["needs_review"]


@pytest.mark.parametrize(
    ("fmt_gt", "low"),
    [
        ("GQ 50", "none"),  # no GT at all: no copy proven
        ("GT .", "none"),
        ("GT 0/.", "none"),  # one haplotype reference, the other unknown: at most one copy
        ("GT ./1", "monoallelic"),  # one copy proven, the other unknown
    ],
)
def test_a_missing_gt_slot_allows_one_copy_and_proves_none(annotate, fmt_gt, low):
    """At E77X, each missing GT slot may hide one copy and proves none: the review line gives
    the range of calls the evidence allows (indeterminate)."""
    high = "monoallelic" if fmt_gt == "GT 0/." else "biallelic"
    s = sample(annotate(vcf_text(["s"], [f"113131068 G T PASS {fmt_gt}"])), "s")
    assert s["dira_genotype"] == "indeterminate"
    assert f"the evidence allows anything from {low} to {high}" in s["review_reasons"]


def test_a_star_allele_is_not_explained_by_an_sv_file_without_the_sample(tmp_path, run):
    """A * at E77X in two samples; the --sv file has a deletion over E77X for A but has no
    column for B: B's * stays unexplained (a deletion the files do not show may remove E77X),
    so B is indeterminate, never none."""
    star = ('##ALT=<ID=*,Description="Allele spanned by a deletion on another record">',)
    main = write_input(tmp_path, "main", vcf_text(["A", "B"], ["113131068 G * PASS GT 0/1 0/1"],
                                                  header=star))  # fmt: skip
    deletion = "113131000 N <DEL> PASS INFO=SVTYPE=DEL;END=113131100 GT 0/1"
    sv = write_input(tmp_path, "sv", vcf_text(["A"], [deletion], header=SV_HEADER))
    result = run("annotate", main, "--sv", sv)
    assert result.exit_code == 0, result.stderr
    b = sample(result.json(), "B")
    assert b["dira_genotype"] == "indeterminate"
    assert any("a deletion spans the site on 1 haplotype(s)" in r for r in b["review_reasons"])


# -- more alleles than haplotypes at a catalog site's bases (genotype._crowding) ---------------


@pytest.mark.parametrize(
    ("rows", "expected", "crowded"),
    [
        # Q54X 1/1 and, in another record, C>A 0/1 at the same base: three alleles on two
        # haplotypes. The GTs contradict each other: never a confident biallelic call.
        ([f"{Q54X} C T PASS GT 1/1", f"{Q54X} C A PASS GT 0/1"], "indeterminate", True),
        # ...or an MNV over Q54X's base.
        ([f"{Q54X - 1} NC TA PASS GT 0/1", f"{Q54X} C T PASS GT 1/1"], "indeterminate", True),
        # Q54X inside a homozygous deletion written with its bases (ANC>A, 1/1).
        ([f"{Q54X - 2} ANC A PASS GT 1/1", f"{Q54X} C T PASS GT 0/1"], "indeterminate", True),
        # Two alleles on two haplotypes agree: the two ALTs of one record (1/2), the same
        # split into two records, an insertion beside a homozygous Q54X (between two bases).
        ([f"{Q54X} C T,A PASS GT 1/2"], "monoallelic", False),
        ([f"{Q54X} C T PASS GT 0/1", f"{Q54X} C A PASS GT 0/1"], "monoallelic", False),
        ([f"{Q54X} C T PASS GT 1/1", f"{Q54X} C CA PASS GT 0/1"], "biallelic", False),
        # An MNV that starts on Q54X's base crowds it; one that ends on the base before does
        # not; nor does a failing call, nor Q54X itself written twice.
        ([f"{Q54X} CN TA PASS GT 0/1", f"{Q54X} C T PASS GT 1/1"], "indeterminate", True),
        ([f"{Q54X - 2} NN TA PASS GT 0/1", f"{Q54X} C T PASS GT 1/1"], "biallelic", False),
        ([f"{Q54X} C T PASS GT 1/1", f"{Q54X} C A LowQual GT 0/1"], "biallelic", False),
        ([f"{Q54X} C T PASS GT 1/1", f"{Q54X} C T PASS GT 1/1"], "biallelic", False),
        # A heterozygous deletion over Q54X's base written twice (two callers), and Q54X 0/1:
        # one deletion, two haplotypes (indeterminate: the deletion may hide Q54X).
        (
            [
                f"{Q54X - 2} ANC A PASS GT 0/1",
                f"{Q54X - 2} ANC A PASS GT 0/1",
                f"{Q54X} C T PASS GT 0/1",
            ],
            "indeterminate",
            False,
        ),
    ],
)
def test_more_alleles_than_haplotypes_at_a_site_decide_nothing(annotate, rows, expected, crowded):
    """Passing calls that put more alleles on a catalog site's bases than two haplotypes hold
    contradict each other (merged call sets, a genotyping error): the records disagree, and the
    call is indeterminate, with a review line that names the alleles. Two alleles on two
    haplotypes are no contradiction."""
    s = sample(annotate(vcf_text(["s"], rows, header=SV_HEADER)), "s")
    assert s["dira_genotype"] == expected
    lines = [r for r in s["review_reasons"] if r.endswith("need more than two haplotypes")]
    assert bool(lines) == crowded


def test_an_sv_callers_reference_call_proves_no_catalog_site(tmp_path, run):
    """The --sv file calls DIRA03 (a 2-base deletion, written with its bases) 0/0: an SV
    caller's reference call only says it found no such event, so DIRA03 is not assessed, never
    called reference."""
    main = write_input(tmp_path, "main", vcf_text(["s"], [f"{Q54X} C T PASS GT 0/1"]))
    sv = write_input(tmp_path, "sv", vcf_text(["s"], [f"{DIRA03} AAC A PASS GT 0/0"]))
    result = run("annotate", main, "--sv", sv)
    assert result.exit_code == 0, result.stderr
    coverage = sample(result.json(), "s")["coverage"]
    assert "DIRA03" in coverage["sites_not_assessed"]
    assert "DIRA03" not in coverage["sites_called"]
