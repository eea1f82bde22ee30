"""Rules of what a sample's records say about a catalog allele (evidence.py) and of the call made
from it (genotype.py) that a mutant could change with no other test failing (`make mutate`,
docs/mutation-testing.md). Each test names the rule it pins."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text
from test_overlay import CATALOG, overlay

#: E77X (DIRA01, G>T, GRCh38); G>A at its base is another allele, not in the catalog.
E77X_SITE = 113131068
OTHER_ALLELE = f"{E77X_SITE} G A"


def _sample(annotate, rows, *args, header=()):
    return sample(annotate(vcf_text(["S"], rows, header=header), *args), "S")


def _range(s) -> list[str]:
    return [r for r in s["review_reasons"] if r.startswith("the evidence allows anything")]


# -- a record of another allele at a catalog site proves no copy of the catalog allele ----------


@pytest.mark.parametrize(
    ("fmt", "why", "most"),
    [
        ("GT ./.", "no-call at the site", "biallelic"),
        ("GT 0/0/0", "GT of ploidy 3 on chr2", "biallelic"),
        ("GT:FT 0/0:LowQual", "reference call fails FT=LowQual", "biallelic"),
        ("GT:FT:GQ 0/0:LowQual:5", "reference call fails FT=LowQual, GQ=5<20", "biallelic"),
        ("GT ./0", "half-missing GT at the site", "monoallelic"),
        ("GT 0/.", "half-missing GT at the site", "monoallelic"),
        ("GT 0", "haploid GT on chr2 at the site: the other copy may be deleted", "monoallelic"),
    ],
)
def test_another_alleles_record_that_cannot_prove_the_site_proves_no_copy(annotate, fmt, why, most):
    """A record of G>A at E77X's base whose call leaves E77X open (no-call, ploidy 3, a failing
    reference call, a half-missing or haploid GT) proves no copy of E77X: the review range
    starts at none. It allows two copies where both haplotypes are unknown, one where only one
    is (the other GT slot is a passing reference call, or the only slot of a haploid GT)."""
    s = _sample(annotate, [f"{OTHER_ALLELE} PASS {fmt}"])
    assert s["dira_genotype"] == "indeterminate"
    assert (
        f"DIRA01 site, record 2:{E77X_SITE} ({fmt.split()[1].split(':')[0]}): {why}"
        in s["review_reasons"]
    )
    assert _range(s) == [f"the evidence allows anything from none to {most}"]
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


def test_another_alleles_passing_reference_call_proves_the_site_reference(annotate):
    """The same record called 0/0 and passing: E77X is absent, nothing to review."""
    s = _sample(annotate, [f"{OTHER_ALLELE} PASS GT 0/0"])
    assert s["dira_genotype"] == "none"
    assert s["needs_review"] is False
    assert "DIRA01" in s["coverage"]["sites_called"]


@pytest.mark.parametrize("ref", ["A", "X"])
def test_a_reference_call_whose_ref_is_not_the_reference_proves_nothing(annotate, ref):
    """A passing 0/0 record at E77X's base whose REF is not the G the catalog confirms there
    (another base, or no base at all) is misplaced or damaged: it leaves E77X open (it used to
    prove the site reference: `none`, nothing to review). Lower case is the same base. A REF
    that is no base (X) is read as a no-call before the site sees it (test_allele_bases.py)."""
    s = _sample(annotate, [f"{E77X_SITE} {ref} T PASS GT 0/0"])
    assert s["dira_genotype"] == "indeterminate"
    expected = (
        f"DIRA01 site, record 2:{E77X_SITE} (0/0): the record's REF has {ref} at {E77X_SITE} "
        "where the reference has G: a misplaced or damaged record proves nothing about the site"
        if ref != "X"
        else f"DIRA01 site, record 2:{E77X_SITE} (0/0 (REF X: not a base)): no-call at the site"
    )
    assert expected in s["review_reasons"]
    assert _range(s) == ["the evidence allows anything from none to biallelic"]
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    lower = _sample(annotate, [f"{E77X_SITE} g a PASS GT 0/0"])
    assert (lower["dira_genotype"], lower["needs_review"]) == ("none", False)


@pytest.mark.parametrize("ref", ["N", "n", "TN"])
def test_a_reference_call_with_an_unknown_base_at_the_site_proves_nothing(annotate, ref):
    """A passing 0/0 record whose REF has N at E77X's G was called against a reference that
    does not know the base: it leaves E77X open. It used to prove nothing and leave the site
    open, which in a VCF (not a gVCF) is read as reference: `none`, nothing to review. Found
    through mutants 29 and 30 of `_ref_against_site`, which the N check before it made dead."""
    pos = E77X_SITE - len(ref) + 1
    s = _sample(annotate, [f"{pos} {ref} . PASS GT 0/0"])
    assert s["dira_genotype"] == "indeterminate"
    assert (
        f"DIRA01 site, record 2:{pos} (0/0): the record's REF has N (an unknown base) over the "
        "site: its reference call proves nothing about the site"
    ) in s["review_reasons"]
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    # It proves no copy either (`_other_record` #105 made it prove one: from monoallelic on).
    assert _range(s) == ["the evidence allows anything from none to biallelic"]


def test_a_reference_block_that_states_no_quality_proves_no_copy(annotate):
    """A gVCF reference block over E77X (its REF G is DIRA06's context base) with neither GQ nor
    DP proves nothing there: the site is open, and the review line says why. A site the gVCF
    has no record over is open too, and its line names no record."""
    header = ('##ALT=<ID=NON_REF,Description="Any possible alternative allele">',)
    block = f"{E77X_SITE - 10} G <NON_REF> PASS INFO=END={E77X_SITE + 10} GT 0/0"
    s = _sample(annotate, [block], header=header)
    assert s["dira_genotype"] == "indeterminate"
    assert (
        f"DIRA01 site, record 2:{E77X_SITE - 10} (0/0): reference call fails a reference block "
        "without GQ or depth"
    ) in s["review_reasons"]
    assert "DIRA02 site: the gVCF has no record there" in s["review_reasons"]
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


# -- an allele outside the catalog that may hide a site, or break the gene, is named -------------

BND_HEADER = ("##contig=<ID=5,length=181538259>",)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            f"{E77X_SITE - 1} AG A PASS GT 0/1",
            f"DIRA01 site, record 2:{E77X_SITE - 1} (0/1): another allele ({E77X_SITE - 1} "
            "AG>A, not in the catalog) changes the site: it may hide or remove the catalog allele",
        ),
        (
            f"{E77X_SITE - 1} AG A PASS GT ./.",
            f"DIRA01 site, record 2:{E77X_SITE - 1} (./.): another allele ({E77X_SITE - 1} "
            "AG>A, not in the catalog) that would change the site is not called (no-call): it may "
            "hide or remove the catalog allele",
        ),
        (
            "113131100 A A[5:1000[ PASS GT 0/1",
            "novel 2:113131100 A>A[5:1000[, record 2:113131100 (0/1): a breakend in IL1RN exon 3 "
            "joined to 5:1000 (another chromosome): a structural rearrangement that may disrupt "
            "IL1RN",
        ),
    ],
)
def test_an_allele_that_may_hide_a_site_or_break_the_gene_is_named_with_its_record(
    annotate, row, reason
):
    """A deletion of E77X's base that is not in the catalog, or a breakend in exon 3 joined to
    another chromosome: the call stays open, and the review line names the catalog site (or the
    rearranged allele) and the record, so that a person can find it."""
    s = _sample(annotate, [row], header=BND_HEADER)
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"][0] == reason
    most = "biallelic" if "./." in row else "monoallelic"
    assert _range(s) == [f"the evidence allows anything from none to {most}"]


# -- records that disagree on an allele are named, each with what it says ------------------------


def test_two_records_that_disagree_on_e77x_are_named_with_what_each_says(annotate):
    """E77X in two records of one sample, called 0/1 in one and 0/0 in the other: one record
    proves it present, the other absent, so neither decides (none to monoallelic), and the
    review line says which record says what."""
    rows = [f"{E77X_SITE} G T PASS GT 0/1", f"{E77X_SITE} G T PASS GT 0/0"]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        f"records disagree on DIRA01 (2:{E77X_SITE} (0/1) carrier, 2:{E77X_SITE} (0/0) reference)",
        "the evidence allows anything from none to monoallelic",
    ]


@pytest.mark.parametrize(("gt", "most"), [("0/1", "monoallelic"), ("1/.", "biallelic")])
def test_a_breakend_in_il1rn_allows_a_break_on_every_haplotype_it_may_be_on(annotate, gt, most):
    """A breakend in exon 3 called on one haplotype with the other missing (1/.) may break the
    gene on both: the call is open up to biallelic, never none."""
    s = _sample(annotate, [f"113131100 A A[5:1000[ PASS GT {gt}"], header=BND_HEADER)
    assert s["dira_genotype"] == "indeterminate"
    assert _range(s) == [f"the evidence allows anything from none to {most}"]


# -- E77X's own record: what each kind of call proves and allows --------------------------------


@pytest.mark.parametrize(
    ("filt", "fmt", "why", "least", "most"),
    [
        ("PASS", "GT 0/1/0", "GT of ploidy 3 on chr2", "none", "monoallelic"),
        ("PASS", "GT 1/1/1", "GT of ploidy 3 on chr2", "none", "biallelic"),
        ("PASS", "GT ./1/.", "GT of ploidy 3 on chr2", "none", "biallelic"),
        ("PASS", "GT:FT 0/0:LowQual", "reference call fails FT=LowQual", "none", "biallelic"),
        ("PASS", "GT:FT:DP:GQ 0/0:LowQual:9:19",
         "reference call fails FT=LowQual, DP=9<10, GQ=19<20", "none", "biallelic"),
        ("PASS", "GT 0", "haploid reference call on chr2: the other copy may be deleted", "none",
         "monoallelic"),
        ("PASS", "GT 1", "hemizygous (haploid GT on chr2): the other allele may be deleted",
         "monoallelic", "biallelic"),
        ("PASS", "GT ./.", "no-call", "none", "biallelic"),
        ("PASS", "GT .", "no-call", "none", "biallelic"),
        ("PASS", "GT ./1", "half-missing GT", "monoallelic", "biallelic"),
        ("PASS", "GT ./0", "no-call", "none", "monoallelic"),
        ("PASS", "GT:FT 0/1:LowQual", "fails FT=LowQual", "none", "monoallelic"),
        ("LowQual", "GT 0/1", "fails FILTER=LowQual", "none", "monoallelic"),
        ("PASS", "GT:FT 1:LowQual", "fails FT=LowQual", "none", "biallelic"),
        ("PASS", "GT:FT ./1:LowQual", "fails FT=LowQual", "none", "biallelic"),
        ("PASS", "GT:GQ 1/1:19", "fails GQ=19<20", "none", "biallelic"),
    ],
)  # fmt: skip
def test_what_a_call_of_e77x_proves_and_allows(annotate, filt, fmt, why, least, most):
    """E77X's own record, called so that it does not decide the call: ploidy 3, a failing
    reference or carrier call, a haploid GT, a no-call or a half-missing GT. The review line
    says why, and the range gives the copies proven (least) and allowed (most): a failing call
    proves nothing, and a haploid GT on chr2 allows the other copy to be deleted."""
    s = _sample(annotate, [f"{E77X_SITE} G T {filt} {fmt}"])
    gt = fmt.split()[1].split(":")[0]
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        f"DIRA01 site, record 2:{E77X_SITE} ({gt}): {why}",
        f"the evidence allows anything from {least} to {most}",
    ]
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


@pytest.mark.parametrize(("filt", "gt", "call"), [("PASS", "0/1", "monoallelic"),
                                                   ("PASS", "1/1", "biallelic"),
                                                   ("PASS", "0/0", "none"),
                                                   ("LowQual", "0/0", "none")])  # fmt: skip
def test_a_passing_call_of_e77x_decides(annotate, filt, gt, call):
    """A passing call decides, with nothing to review; a site FILTER does not make a sample's
    good reference call unusable."""
    s = _sample(annotate, [f"{E77X_SITE} G T {filt} GT {gt}"])
    assert (s["dira_genotype"], s["review_reasons"]) == (call, [])
    assert "DIRA01" in s["coverage"]["sites_called"]


def test_a_record_of_e77x_without_gt_is_a_no_call_of_two_copies(annotate):
    """E77X's record whose FORMAT has no GT (only DP): a diploid no-call, not a GT of another
    ploidy. Nothing is proven, two copies allowed."""
    s = _sample(annotate, [f"{E77X_SITE} G T PASS DP 30"])
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        f"DIRA01 site, record 2:{E77X_SITE} (.): no-call",
        "the evidence allows anything from none to biallelic",
    ]


# -- a multi-allelic site split into records (bcftools norm -m-) --------------------------------


@pytest.mark.parametrize("other", ["0/0", "1/0"])
def test_a_split_sibling_record_does_not_contradict_e77x(annotate, other):
    """A 0/2 (or 1/2) call at E77X's base split into one record per ALT: G>A called 0/0 (or 1/0)
    beside G>T called 0/1. The G>A record's reference slots are the T record's business, so it
    contradicts nothing: one copy of E77X, monoallelic, nothing to review."""
    rows = [f"{OTHER_ALLELE} PASS GT {other}", f"{E77X_SITE} G T PASS GT 0/1"]
    s = _sample(annotate, rows)
    assert (s["dira_genotype"], s["review_reasons"]) == ("monoallelic", [])


# -- a homozygous-looking call inside a heterozygous deletion is one copy -----------------------

NOVEL_EXON3_DELETION = "113130999 N <DEL> PASS INFO=SVTYPE=DEL;END=113131100 GT 0/1"


@pytest.mark.parametrize(
    ("args", "call"), [((), "indeterminate"), (("--count-novel-lof",), "biallelic")]
)
def test_e77x_homozygous_inside_a_novel_heterozygous_deletion_is_one_copy(annotate, args, call):
    """E77X called 1/1 inside a heterozygous 102-bp deletion of exon 3 (not in the catalog):
    the deletion surely removes E77X's base from one haplotype, so E77X is one copy, on the
    other (hemizygous), and needs no 'one copy or two' review. The deletion may hide catalog
    alleles itself, so the call is open, unless --count-novel-lof counts it."""
    header = ('##ALT=<ID=DEL,Description="Deletion">',)
    s = _sample(annotate, [NOVEL_EXON3_DELETION, f"{E77X_SITE} G T PASS GT 1/1"], *args,
                header=header)  # fmt: skip
    assert s["dira_genotype"] == call
    assert not [r for r in s["review_reasons"] if "one copy or two" in r]
    e77x = next(v for v in s["variants"] if v["dira_id"] == "DIRA01")
    assert e77x["zygosity"] == "hemizygous"
    if not args:
        assert _range(s) == ["the evidence allows anything from monoallelic to biallelic"]


# -- gVCF: a reference block over a record that calls the allele contradicts it -----------------

GVCF_HEADER = ('##ALT=<ID=NON_REF,Description="Any possible alternative allele">',)
WINDOW_FIRST, WINDOW_LAST = 113094315, 113139016  # the GRCh38 window around IL1RN
GOOD = "GT:GQ:DP 0/0:99:30"


def _block(first: int, last: int) -> str:
    ref = "G" if first == E77X_SITE else "A"  # the base the catalog confirms at E77X, else any
    return f"{first} {ref} <NON_REF> PASS INFO=END={last} {GOOD}"


@pytest.mark.parametrize(
    ("before", "after", "block"),
    [
        (E77X_SITE - 1, E77X_SITE + 1, None),  # the blocks stop at the record
        (E77X_SITE, E77X_SITE + 1, f"2:{WINDOW_FIRST} (0/0) reference block to {E77X_SITE}"),
        (E77X_SITE - 1, E77X_SITE, f"2:{E77X_SITE} (0/0) reference block to {WINDOW_LAST}"),
    ],
)
def test_a_gvcf_block_that_reaches_a_carrier_record_contradicts_it(annotate, before, after, block):
    """A gVCF whose reference blocks cover the window around E77X called 0/1: a block ending
    on, or starting at, the record's position says the sample is reference where the record
    says it carries E77X. A correct gVCF never writes that: neither is trusted."""
    rows = [
        _block(WINDOW_FIRST, before),
        f"{E77X_SITE} G T,<NON_REF> PASS GT:GQ:DP 0/1:99:30",
        _block(after, WINDOW_LAST),
    ]
    s = _sample(annotate, sorted(rows, key=lambda r: int(r.split()[0])), header=GVCF_HEADER)
    if block is None:
        assert (s["dira_genotype"], s["review_reasons"]) == ("monoallelic", [])
    else:
        assert s["dira_genotype"] == "indeterminate"
        assert s["review_reasons"] == [
            f"records disagree on DIRA01 (2:{E77X_SITE} (0/1) carrier, {block})",
            "the evidence allows anything from none to monoallelic",
        ]


# -- one deletion called by several SV records ----------------------------------------------------

SV_HEADER = ('##ALT=<ID=DEL,Description="Deletion">',)
#: Two callers' records of DIRA04 (the founder deletion): 180 kb, and 200 bases less.
FOUNDER = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000"
FOUNDER_INNER = "112960100 N <DEL> PASS INFO=SVTYPE=DEL;END=113139900"


@pytest.mark.parametrize(
    ("rows", "call"),
    [
        ([f"{FOUNDER} GT 0/1", f"{FOUNDER_INNER} GT 0/1"], "monoallelic"),  # they agree
        ([f"{FOUNDER} GT 1/1", f"{FOUNDER_INNER} GT 1/1"], "biallelic"),
        # they disagree: heterozygous in one, homozygous in the other, nested either way
        ([f"{FOUNDER} GT 0/1", f"{FOUNDER} GT 1/1"], "indeterminate"),
        ([f"{FOUNDER} GT 0/1", f"{FOUNDER_INNER} GT 1/1"], "indeterminate"),
        ([f"{FOUNDER} GT 1/1", f"{FOUNDER_INNER} GT 0/1"], "indeterminate"),
    ],
)
def test_the_founder_deletion_in_two_sv_records_counts_once(annotate, rows, call):
    """DIRA04 called by two SV callers (two records of one event): the copies are what both
    say, not one per record; where one says 0/1 and the other 1/1, the sample may be a carrier
    or homozygous: indeterminate. (A 1/1 inside the 0/1 used to read as one copy on the other
    haplotype, as for a small variant inside a deletion: monoallelic, with no review.)"""
    s = _sample(annotate, rows, header=SV_HEADER)
    assert s["dira_genotype"] == call
    assert s["needs_review"] == (call == "indeterminate")
    if call == "indeterminate":
        assert _range(s) == ["the evidence allows anything from monoallelic to biallelic"]
    # Each record's row says what its GT says: the 1/1 is not turned into one copy on the
    # other haplotype (hemizygous), which the call leaves open.
    zygosities = [(v["genotype"], v["zygosity"]) for v in s["variants"]]
    assert len(zygosities) == 2
    for gt, zygosity in zygosities:
        assert zygosity == {"0/1": "het", "1/1": "hom_alt"}[gt]


@pytest.mark.parametrize(
    ("fmt", "why", "least"),
    [
        ("GT 1/1", "", "biallelic_unphased"),
        ("GT:GQ 1/1:5", "fails GQ=5<20; ", "monoallelic"),
    ],
)
def test_a_homozygous_call_at_a_deletions_uncertain_end_says_why_in_full(annotate, fmt, why, least):
    """Q54X (DIRA02) called 1/1 31 bases inside the end of a heterozygous DIRA11 whose CIEND
    (-50,50) leaves open whether it removes Q54X's base: one copy or two. A failing call says
    both why it fails and why its copies are open."""
    header = (
        '##ALT=<ID=DEL,Description="Deletion">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
    )
    rows = [
        "113107433 N <DEL> PASS INFO=SVTYPE=DEL;END=113129650;CIEND=-50,50 GT 0/1",
        f"113129619 C T PASS {fmt}",
    ]
    s = _sample(annotate, rows, header=header)
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        f"DIRA02 site, record 2:113129619 (1/1): {why}homozygous call at the edge of, or beside "
        "a failing, heterozygous deletion (113107434-113129650): one copy or two",
        f"the evidence allows anything from {least} to biallelic",
    ]


@pytest.mark.parametrize(
    ("fmt", "why", "most"),
    [
        ("GT 0/1/0", "GT of ploidy 3 on chr2", "monoallelic"),
        ("GT:FT 0/0:LowQual", "reference call fails FT=LowQual", "biallelic"),
        ("GT 0", "haploid reference call on chr2: the other copy may be deleted", "monoallelic"),
        ("GT ./.", "no-call", "biallelic"),
        ("GT:FT 0/1:LowQual", "fails FT=LowQual", "monoallelic"),
    ],
)
def test_an_open_call_of_a_low_confidence_allele_names_it(annotate, fmt, why, most):
    """DIRA07 (evidence level low, read two ways with DIRA07B) in a record whose call leaves it
    open: the review says that the call may rest on it."""
    s = _sample(annotate, [f"113132730 CC C PASS {fmt}"])
    gt = fmt.split()[1].split(":")[0]
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        f"DIRA07 site, record 2:113132730 ({gt}): {why}",
        f"the evidence allows anything from none to {most}",
        "call rests on DIRA07 (c.396del), evidence level low; alternative reading of DIRA07B",
    ]


# -- one record over two catalog sites, one of them its own allele's ----------------------------


def test_a_reference_call_over_two_sites_proves_both_in_a_gvcf(annotate):
    """A gVCF record from DIRA03's first base to Q54X's (2:113129613-113129619), its ALT Q54X
    written with the bases before it, called 0/0 between reference blocks: the one record
    proves both sites reference, Q54X's as its own allele and DIRA03's as a site it spans
    (evidence._site_evidence #32 stopped at the first site its own allele counted for, and
    left DIRA03 a coverage hole: indeterminate). The REF is DIRA03's confirmed context AACAA,
    an N where no source gives the base (113129618), and Q54X's C."""
    from test_gvcf import GVCF_HEADER, WINDOW, block

    rows = [
        block(WINDOW[0], 113129612),
        "113129613 AACAANC AACAANT,<NON_REF> PASS GT:GQ:DP 0/0:50:30",
        block(113129620, WINDOW[1]),
    ]
    s = _sample(annotate, rows, header=GVCF_HEADER)
    assert s["dira_genotype"] == "none"
    assert not s["needs_review"]
    assert {"DIRA02", "DIRA03"} <= set(s["coverage"]["sites_called"])
    assert s["coverage"]["sites_not_assessed"] == []


# -- the catalog's own unknown bases: an insertion's empty span, an N a lab leaves open --------

#: DIRA06's confirmed context (GRCh38 113131047-066: AANATAGATGTGGTACCCAT; 049 is not known).
DIRA06_ROW = CATALOG.get("DIRA06").row


def _lab_row(lab_id: str, pos: int, ref: str, alt: str, hgvs_c: str) -> dict:
    """A synthetic lab allele over DIRA06's context (its GRCh37 position by the same offset)."""
    return {
        **DIRA06_ROW,
        "id": lab_id,
        "legacy_names": "synthetic test row",
        "hgvs_c": hgvs_c,
        "hgvs_p": "",
        "variant_type": "insertion" if len(alt) > len(ref) else "deletion",
        "classification": "likely_pathogenic",
        "classification_basis": "lab: synthetic test row",
        "grch38_pos": str(pos),
        "grch38_end": str(pos + len(ref) - 1),
        "grch38_ref": ref,
        "grch38_alt": alt,
        "grch37_pos": str(pos + 757577),
        "grch37_end": str(pos + 757577 + len(ref) - 1),
        "grch37_ref": ref,
        "grch37_alt": alt,
        "clinvar_significance": "",
        "pmids": "",
        "sources": "lab report (synthetic)",
    }


@pytest.mark.parametrize(
    ("row", "record"),
    [
        (_lab_row("LAB-INS", 113131055, "T", "TA", "c.219_220insA"), "113131055 TG . PASS GT 0/0"),
        (_lab_row("LAB-N", 113131047, "AAN", "A", "c.208_209del"), "113131048 AA . PASS GT 0/0"),
    ],
    ids=["insertion-between-two-bases", "deletion-over-an-unknown-base"],
)
def test_a_lab_site_with_no_known_base_is_proven_by_a_reference_call(
    tmp_path, annotate, row, record
):
    """A lab's insertion (after 113131055's T) has no reference base of its own, and a lab's
    deletion over 113131048-049 leaves 049 open (N): a passing 0/0 record over either, whose
    REF has bases there (this test's, not a claim about IL1RN), proves the lab allele absent.
    `_ref_against_site` #29-#31 read the empty or unknown base as one the record contradicts
    (`indeterminate`, "a misplaced or damaged record")."""
    lab = overlay(tmp_path, row)
    s = _sample(annotate, [record], "--catalog-overlay", str(lab))
    assert row["id"] in s["coverage"]["sites_called"]
    assert not any("misplaced" in r for r in s["review_reasons"])
    assert s["dira_genotype"] == "none"
