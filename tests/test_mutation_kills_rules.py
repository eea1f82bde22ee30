"""Rules of a call in evidence.py, zygosity.py, coverage.py, deletions.py and genotype.classify
that a mutant could change with no other test failing (`make mutate`, docs/mutation-testing.md,
session 20). Each test names the rule it pins."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text, write_input
from test_mutation_kills_depth_family import (
    EXPECTED_PATTERNS,
    PATTERNS,
    annotate_patterns,
    assert_patterns,
)

FORMAT_DP = '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">'
SV_HEADER = (
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##ALT=<ID=INV,Description="Inversion">',
)
#: DIRA06 (c.213_227del, 15 bases) written one step right, as a caller may; it is matched, and
#: its bases read, as the catalog writes it (113131050-113131064: the repeat makes them one).
DIRA06 = "113131050 ATAGATGTGGTACCCA A"
DIRA06_FIRST, DIRA06_LAST = 113131050, 113131064
Q54X = 113129619  # DIRA02, C>T


def _sample(annotate, rows, *args):
    rows = sorted(rows, key=lambda r: int(r.split()[0]))
    return sample(annotate(vcf_text(["S"], rows, header=SV_HEADER), *args), "S")


def _het_deletion(first: int, last: int) -> str:
    """A novel heterozygous deletion of ``first``..``last``, symbolic (no bases written)."""
    return f"{first - 1} N <DEL> PASS INFO=SVTYPE=DEL;END={last} GT 0/1"


# -- a homozygous deletion inside a heterozygous one: the same event twice, or one copy ----------

CALLED_AGAIN = "homozygous call of a deletion that may be the heterozygous deletion"
AT_THE_EDGE = "homozygous call at the edge of, or beside a failing, heterozygous deletion"


@pytest.mark.parametrize(
    ("first", "last", "why", "zygosity"),
    [
        # 29 bases: DIRA06's 15 are more than half of them, ending on its last base or starting
        # on its first: perhaps the same deletion called again (one copy or two).
        (DIRA06_LAST - 28, DIRA06_LAST, CALLED_AGAIN, "hom_alt"),
        (DIRA06_FIRST, DIRA06_FIRST + 28, CALLED_AGAIN, "hom_alt"),
        # 30 bases: 15 are exactly half, not more: another event, so DIRA06's 1/1 is one copy
        # on the other haplotype.
        (DIRA06_LAST - 29, DIRA06_LAST, None, "hemizygous"),
        (DIRA06_FIRST, DIRA06_FIRST + 29, None, "hemizygous"),
        (DIRA06_FIRST - 20, DIRA06_LAST + 20, None, "hemizygous"),
        # 20 bases from DIRA06's fifth base on: it does not contain DIRA06 (it only overlaps
        # it), so it is not DIRA06 again, and it may or may not remove DIRA06's bases.
        (DIRA06_FIRST + 5, DIRA06_FIRST + 24, AT_THE_EDGE, "hom_alt"),
        (DIRA06_LAST - 24, DIRA06_LAST - 5, AT_THE_EDGE, "hom_alt"),
    ],
)
def test_a_homozygous_deletion_is_the_heterozygous_one_again_only_inside_it_and_over_half(
    annotate, first, last, why, zygosity
):
    """DIRA06 called 1/1 beside a heterozygous deletion of other bases. Inside it and more than
    half its length, the 1/1 may be that deletion called again (two callers disagree): one copy
    or two, said so, and its row keeps its GT's word (hom_alt). Inside it and half its length or
    less, the 1/1 is one copy on the other haplotype (hemizygous, no such review line). Over
    its edge, whether the heterozygous deletion removes DIRA06 is open (the edge line). The
    novel deletion itself may hide DIRA06: the call stays open from one copy to two."""
    s = _sample(annotate, [_het_deletion(first, last), f"{DIRA06} PASS GT 1/1"])
    assert s["dira_genotype"] == "indeterminate"
    assert "the evidence allows anything from monoallelic to biallelic" in s["review_reasons"]
    lines = [r for r in s["review_reasons"] if CALLED_AGAIN in r or AT_THE_EDGE in r]
    if why is None:
        assert lines == []
    else:
        assert len(lines) == 1 and why in lines[0], lines
        if why == CALLED_AGAIN:
            assert f"deletion {first}-{last} called again" in lines[0]
    (row,) = [v for v in s["variants"] if v["dira_id"] == "DIRA06"]
    assert (row["genotype"], row["zygosity"]) == ("1/1", zygosity)


# -- alleles on a site's bases: more than two haplotypes hold is a contradiction ------------------

DIRA03 = "113129613 AAC A"  # deletes 113129614-113129615


@pytest.mark.parametrize(
    ("rows", "call", "crowded", "review"),
    [
        # A symbolic duplication or inversion whose padding base is Q54X's: its extent is not
        # written base by base, so it is not counted on Q54X's base (and it starts after it).
        (
            [
                f"{Q54X} C T PASS GT 1/1",
                f"{Q54X} C <DUP> PASS INFO=SVTYPE=DUP;END={Q54X + 80} GT 0/1",
            ],
            "biallelic",
            False,
            False,
        ),
        (
            [
                f"{Q54X} C T PASS GT 1/1",
                f"{Q54X} C <INV> PASS INFO=SVTYPE=INV;END={Q54X + 80} GT 0/1",
            ],
            "biallelic",
            False,
            False,
        ),
        # Q54X 1/1 and C>A 0/1 at its base: three alleles on two haplotypes, also when the
        # sample has another allele before them (an SNV of exon 2 off the site).
        (
            ["113129616 A G PASS GT 0/1", f"{Q54X} C T PASS GT 1/1", f"{Q54X} C A PASS GT 0/1"],
            "indeterminate",
            True,
            True,
        ),
        # An insertion between two bases that DIRA06's (or DIRA03's) 1/1 deletes on both
        # haplotypes: a third haplotype. In frame it is no loss of function of its own, and the
        # call used to be a confident biallelic.
        ([f"{DIRA06} PASS GT 1/1", "113131055 T TAAA PASS GT 0/1"], "indeterminate", True, True),
        ([f"{DIRA03} PASS GT 1/1", "113129614 A AG PASS GT 0/1"], "indeterminate", True, True),
        # An insertion at the deletion's edge (after its last base, before its first) sits
        # beside it, on a haplotype that lacks the deleted bases: no contradiction (the
        # frameshift insertion is reviewed as a novel loss of function, not counted).
        ([f"{DIRA06} PASS GT 1/1", "113131064 C CG PASS GT 0/1"], "biallelic", False, True),
        ([f"{DIRA03} PASS GT 1/1", "113129613 A AG PASS GT 0/1"], "biallelic", False, True),
    ],
)
def test_an_allele_is_on_a_sites_bases_only_where_its_record_writes_them(
    annotate, rows, call, crowded, review
):
    """Passing calls that put more alleles on a catalog site's bases than two haplotypes hold
    contradict each other: indeterminate, with a review line naming them. An allele is on the
    bases its record writes: a symbolic SV is on none of them, an insertion is on a site only
    between two of the site's bases (inside a deletion), not at its edge."""
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == call
    lines = [r for r in s["review_reasons"] if r.endswith("need more than two haplotypes")]
    assert bool(lines) == crowded
    if crowded:
        assert "2 proven copies of it and " in lines[0]
    assert s["needs_review"] is review


# -- genotype patterns across the founder interval, for a cohort read as arrays --------------------


def test_a_cohort_read_as_arrays_keeps_each_samples_deletion_pattern(annotate):
    """From 100 samples on, a bgzipped and indexed cohort is read as arrays (each record's
    distinct calls once, cohort_reader): the genotype pattern across the founder interval is
    still each sample's own: no call inside while the flanks are called supports a homozygous
    deletion; 12 homozygous calls and no heterozygous one, a hemizygous stretch; ordinary
    samples have none. Each pattern is a review reason."""
    named = {
        k: v for k, v in PATTERNS.items() if not any(gt in ("0", "1") for gt in v)
    }  # diploid GTs only
    report = annotate_patterns(annotate, named, 100)
    assert_patterns(report, {**EXPECTED_PATTERNS, "filler0": "", "filler89": ""})


# -- a cohort's samples called once per distinct evidence ----------------------------------------


def test_samples_with_different_alleles_alike_called_are_called_apart(annotate):
    """Two samples of one file, each with a heterozygous novel deletion of its own, called alike
    (0/1, passing): the evidence is which allele each carries, not only how it is called. A's
    deletion removes exon 3 (E77X and DIRA06 may be hidden: indeterminate); B's lies past the
    gene and changes nothing (none, nothing to review)."""
    rows = [
        "113131000 N <DEL> PASS INFO=SVTYPE=DEL;END=113131100 GT 0/1 0/0",
        "113135000 N <DEL> PASS INFO=SVTYPE=DEL;END=113135100 GT 0/0 0/1",
    ]
    report = annotate(vcf_text(["A", "B"], rows, header=SV_HEADER))
    a, b = sample(report, "A"), sample(report, "B")
    assert (a["dira_genotype"], a["needs_review"]) == ("indeterminate", True)
    assert (b["dira_genotype"], b["needs_review"], b["review_reasons"]) == ("none", False, [])


def test_a_cohorts_samples_keep_their_notes(annotate):
    """In a file of several samples (called once per distinct evidence), a sample's notes are
    its own call's: Q54X and E77X phased in trans in one set say so."""
    rows = [
        f"{Q54X} C T PASS GT:PS 1|0:5 0/0:.",
        "113131068 G T PASS GT:PS 0|1:5 0/0:.",
    ]
    report = annotate(vcf_text(["A", "B"], rows))
    a, b = sample(report, "A"), sample(report, "B")
    assert a["dira_genotype"] == "biallelic"
    assert a["notes"] == [
        "pathogenic alleles in trans (phased, or one inside the other's deletion)"
    ]
    assert (b["dira_genotype"], b["notes"]) == ("none", [])


# -- a phase conflict in a trio leaves the child's other notes -----------------------------------


def test_a_phase_conflict_keeps_the_childs_other_notes(tmp_path, run):
    """The child's reads put Q54X and E77X in cis, inheritance in trans: the phase is unknown
    (biallelic_unphased), and the phase notes go; the child's other notes stay (here: the --sv
    file has no column for the child)."""
    ped = tmp_path / "trio.ped"
    ped.write_text("fam1 kid dad mum 1 2\nfam1 dad 0 0 1 1\nfam1 mum 0 0 2 1\n")
    fmt = "GT:GQ:DP:PS"
    rows = [
        f"{Q54X} C T PASS {fmt} 0|1:60:30:5 0/0:60:30:. 0/1:60:30:.",
        f"113131068 G T PASS {fmt} 0|1:60:30:5 0/1:60:30:. 0/0:60:30:.",
    ]
    main = write_input(tmp_path, "main", vcf_text(["kid", "dad", "mum"], rows))
    sv = write_input(tmp_path, "sv", vcf_text(["dad", "mum"], [], header=SV_HEADER))
    result = run("annotate", main, "--sv", sv, "--ped", ped)
    assert result.exit_code == 0, result.stderr
    kid = sample(result.json(), "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert any(r.startswith("phase conflict") for r in kid["review_reasons"])
    assert kid["notes"] == [f"no SV calls for this sample in {sv}"]


# -- a homozygous call inside the child's heterozygous deletion, in a trio -----------------------


@pytest.mark.parametrize(
    ("dad", "mum", "call", "phase"),
    [
        # The father gives DIRA04, the mother E77X: inheritance agrees with the deletion.
        (("0/1", "0/0"), ("0/0", "0/1"), "biallelic", "in trans by inheritance"),
        # The father carries both, the mother neither: inheritance says both came from the
        # father, the deletion says E77X lies on the other haplotype: the phase is unknown.
        (("0/1", "0/1"), ("0/0", "0/0"), "biallelic_unphased", "phase conflict"),
    ],
)
def test_a_childs_homozygous_call_inside_its_deletion_is_one_allele_for_inheritance(
    tmp_path, annotate, dad, mum, call, phase
):
    """The child's E77X 1/1 inside its heterozygous DIRA04 is one copy (its row hemizygous): with
    DIRA04, one pair of heterozygous alleles, which inheritance checks like any other pair."""
    ped = tmp_path / "trio.ped"
    ped.write_text("fam1 kid dad mum 1 2\nfam1 dad 0 0 1 1\nfam1 mum 0 0 2 1\n")
    cells = [f"{gt}:60:30" for gt in ("0/1", dad[0], mum[0])]
    founder = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000 GT:GQ:DP " + " ".join(cells)
    cells = [f"{gt}:60:30" for gt in ("1/1", dad[1], mum[1])]
    e77x = "113131068 G T PASS GT:GQ:DP " + " ".join(cells)
    report = annotate(
        vcf_text(["kid", "dad", "mum"], [founder, e77x], header=SV_HEADER), "--ped", ped
    )
    kid = sample(report, "kid")
    assert kid["dira_genotype"] == call
    said = [*kid["notes"], *kid["review_reasons"]]
    assert any(phase in line and "DIRA01 and DIRA04" in line for line in said), said


# -- a haploid no-call of a catalog allele -------------------------------------------------------


def test_a_haploid_no_call_of_e77x_allows_two_copies(annotate):
    """E77X's record with a second ALT equal to REF, the sample called 2 (haploid): that ALT
    is no variant, so the call is a haploid no-call. On chr2 a haploid GT may hide a deletion of
    the other copy, so the evidence allows anything up to biallelic, not only one copy."""
    s = _sample(annotate, ["113131068 G T,G PASS GT 2"])
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        "DIRA01 site, record 2:113131068 (2 (ALT equals REF)): no-call",
        "the evidence allows anything from none to biallelic",
    ]


# -- copies proven by phased records of one allele ------------------------------------------------

FOUNDER = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000"  # DIRA04, two callers' records
FOUNDER_INNER = "112960100 N <DEL> PASS INFO=SVTYPE=DEL;END=113139900"


@pytest.mark.parametrize(("sets", "call"), [((5, 5), "biallelic"), ((5, 9), "monoallelic")])
def test_phased_records_prove_two_copies_only_within_one_phase_set(annotate, sets, call):
    """DIRA04 in two SV records phased 0|1 and 1|0: in one phase set they lie on both
    haplotypes (biallelic); in two sets their phases are unrelated, and two records of one
    deletion prove one copy, as unphased ones do (monoallelic)."""
    rows = [f"{FOUNDER} GT:PS 0|1:{sets[0]}", f"{FOUNDER_INNER} GT:PS 1|0:{sets[1]}"]
    s = _sample(annotate, rows)
    assert (s["dira_genotype"], s["needs_review"]) == (call, False)


def test_an_insertion_inside_a_homozygous_deletion_is_a_contradiction_in_a_cohort_too(annotate):
    """The same as a cohort's sample (samples called once per distinct evidence): DIRA06 1/1 and
    an in-frame insertion inside it are three haplotypes; a sample with DIRA06 1/1 alone is
    biallelic."""
    rows = [f"{DIRA06} PASS GT 1/1 1/1", "113131055 T TAAA PASS GT 0/1 0/0"]
    report = annotate(vcf_text(["A", "B"], rows))
    assert sample(report, "A")["dira_genotype"] == "indeterminate"
    assert sample(report, "B")["dira_genotype"] == "biallelic"


# -- the catalog's sites, kept per catalog and build -------------------------------------------


def test_a_catalogs_sites_are_each_builds_own_in_one_process():
    """A notebook or a batch may read a GRCh37 file and then a GRCh38 one: the sites kept for
    the first build are never handed out for the second, nor one catalog's for another (a lab's
    overlay is a catalog of its own). Each site starts at its allele's first changed base on
    its build."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.genotype import catalog_sites

    catalog, other = load_catalog(), load_catalog()
    first = {s.entry.id: s.start for s in catalog_sites(catalog, "GRCh37")}
    second = {s.entry.id: s.start for s in catalog_sites(catalog, "GRCh38")}
    assert first.keys() == second.keys()
    assert all(first[k] != second[k] for k in first)  # 757 kb apart
    assert {s.entry.id: s.start for s in catalog_sites(catalog, "GRCh37")} == first
    mine = catalog_sites(other, "GRCh38")
    assert {s.entry.id: s.start for s in mine} == second
    assert all(s.entry is other.get(s.entry.id) for s in mine)


# -- coverage: the note of a variant-only VCF whose records call every catalog site ------------


def test_every_site_called_reference_in_a_vcf_says_only_deletions_stay_open(annotate):
    """A VCF (not a gVCF) with a passing 0/0 record over each counting catalog site, its REF the
    catalog's bases there, proves every site: the coverage note then says that only a large
    deletion is not excluded, not that a site with no passing call is unproven
    (coverage.site_coverage #38 wrote the open-site note whatever the sites)."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.coverage import NO_DELETION_NOTE
    from il1rn_annot.genotype import catalog_sites

    sites = catalog_sites(load_catalog(), "GRCh38")
    rows = [
        f"{site.start} {site.ref} {'T' if site.ref[0] != 'T' else 'C'} PASS GT:DP:GQ 0/0:40:99"
        for site in sites
    ]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "none"
    coverage = s["coverage"]
    assert coverage["evidence"] == "variant_calls"
    assert coverage["sites_not_assessed"] == []
    assert coverage["proven_reference"] is True
    assert coverage["note"] == NO_DELETION_NOTE


# -- classify: a call by dosage alone has no note -----------------------------------------------


@pytest.mark.parametrize(("gt", "call"), [("0/1", "monoallelic"), ("1/1", "biallelic")])
def test_a_call_by_dosage_alone_has_no_note(annotate, gt, call):
    """One allele at one or two copies: the call needs no phase, so it carries no note
    (genotype.classify #7 and #12 gave such calls a note of their own)."""
    s = _sample(annotate, [f"{Q54X} C T PASS GT:DP:GQ {gt}:40:99"])
    assert s["dira_genotype"] == call
    assert s["notes"] == []
    assert not s["needs_review"]


# -- the review reason of a phase that contradicts a deletion: the deletion named first --------

FOUNDER_WIDE = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000"


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (  # no PS: the file's phased calls are one phase set, and no PS is named
            [f"{FOUNDER_WIDE} GT 0|1", "113131068 G T PASS GT 0|1"],
            "phase contradicts a deletion: DIRA04 (record 2:112960000 (0|1)) deletes the bases "
            "of DIRA01 (record 2:113131068 (0|1)), yet the GTs phase both on one haplotype: the "
            "phase, the deletion or DIRA01 is miscalled",
        ),
        (  # DIRA10 sorts after DIRA04: the deletion is first without a swap
            ["113127700 C T PASS GT:PS 0|1:7", f"{FOUNDER_WIDE} GT:PS 0|1:7"],
            "phase contradicts a deletion: DIRA04 (record 2:112960000 (0|1)) deletes the bases "
            "of DIRA10 (record 2:113127700 (0|1)), yet the GTs phase both on one haplotype "
            "(PS 7): the phase, the deletion or DIRA10 is miscalled",
        ),
    ],
    ids=["DIRA01-no-PS", "DIRA10-PS-7"],
)
def test_a_phase_conflict_names_the_deletion_first(annotate, rows, reason):
    """The reason says which record deletes which allele's bases, whichever id sorts first, and
    names the phase set only where the file gives one (genotype._phase_conflicts #14, #16, #17:
    the allele named as the deletion; #28, #30: '(PS None)' or other text for no PS)."""
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert [r for r in s["review_reasons"] if r.startswith("phase contradicts")] == [reason]


# -- three alleles at Q54X's base, one of them Q54X: one proven copy, trusted by no reading -----


def test_one_copy_crowded_by_two_other_alleles_decides_nothing(annotate):
    """Q54X 0/1 beside C>A 0/1 and C>G 0/1 at its base: three alleles on two haplotypes. The
    records disagree, so the one proven copy is trusted by no reading (none to monoallelic:
    indeterminate), the site is not assessed, and the reason says 'copy'
    (genotype.call_sample #153 kept the copy: a confident monoallelic; #154 left the site
    called; #143-#149 the reason's 'copy')."""
    rows = [f"{Q54X} C T PASS GT 0/1", f"{Q54X} C A PASS GT 0/1", f"{Q54X} C G PASS GT 0/1"]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert s["review_reasons"] == [
        f"records disagree on DIRA02: 1 proven copy of it and {Q54X} C>A (0/1), {Q54X} C>G "
        "(0/1) at its bases need more than two haplotypes",
        "the evidence allows anything from none to monoallelic",
    ]
    assert "DIRA02" in s["coverage"]["sites_not_assessed"]
    assert "DIRA02" not in s["coverage"]["sites_called"]


# -- an allele called in two records: every record that proves it speaks for its phase ----------

E77X_AT = "113131068 G T PASS GT:PS:DP:GQ"
Q54X_AT = f"{Q54X} C T PASS GT:PS:DP:GQ"
TRANS_NOTE = "pathogenic alleles in trans (phased, or one inside the other's deletion)"


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reversed"])
@pytest.mark.parametrize(
    ("q54x", "e77x"),
    [
        (["1|0:5:30:50"], ["0|1:5:30:50", "0/1:.:30:50"]),  # phased in trans, and unphased
        (["1|0:5:30:50"], ["0|1:5:30:50", "0|1:9:30:50"]),  # in trans, and in another set
        (["0|1:5:30:50"], ["1|.:5:30:50", "0/1:.:30:50"]),  # half-missing in trans, unphased
    ],
    ids=["then-unphased", "then-other-phase-set", "half-missing-then-unphased"],
)
def test_an_allele_called_twice_is_phased_by_whichever_record_says(annotate, q54x, e77x, reverse):
    """E77X in two records (merged call sets), one of them phased in trans with Q54X: the
    copies are uncertain (one or two), and both readings are biallelic, in either order of
    the records. One record used to speak for the allele's phase, chosen by order (the first
    without a review reason), so the same records gave biallelic one way round and
    indeterminate the other (genotype.call_sample #155-#162)."""
    e77x = e77x[::-1] if reverse else e77x
    rows = [*(f"{Q54X_AT} {gt}" for gt in q54x), *(f"{E77X_AT} {gt}" for gt in e77x)]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "biallelic"
    assert s["notes"] == [TRANS_NOTE]


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reversed"])
def test_records_that_phase_two_alleles_both_ways_decide_nothing(annotate, reverse):
    """Q54X and E77X each in two records: in phase set 5 in trans, in phase set 7 in cis. The
    records contradict each other, and each allele may be one copy or two: cis gives
    monoallelic, trans biallelic, so the call is indeterminate, with both phasings named. It
    was a confident biallelic when the phase set 5 records came first."""
    rows = [f"{Q54X_AT} 1|0:5:30:50", f"{Q54X_AT} 0|1:7:30:50"]
    rows += [f"{E77X_AT} 0|1:5:30:50", f"{E77X_AT} 0|1:7:30:50"]
    if reverse:
        rows = [rows[1], rows[0], rows[3], rows[2]]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    (disagree,) = [r for r in s["review_reasons"] if r.startswith("records disagree on the phase")]
    assert disagree.startswith("records disagree on the phase of DIRA01 and DIRA02: ")
    assert f"2:113131068 (0|1) and 2:{Q54X} (1|0) in trans" in disagree
    assert f"2:113131068 (0|1) and 2:{Q54X} (0|1) in cis" in disagree
    assert (
        "the phase conflict allows monoallelic (in cis) or biallelic (in trans)"
        in (s["review_reasons"])
    )


# -- a low-evidence catalog allele is named as what the call rests on only if it was seen -------

DIRA16 = 113127686  # c.62C>G, evidence level low


@pytest.mark.parametrize(
    "rows",
    [
        [f"{DIRA16} C A PASS GT ./."],
        [f"{DIRA16} C G PASS GT:DP:GQ 0/0:30:50", f"{DIRA16} C A PASS GT ./."],
    ],
    ids=["no-call-of-another-allele", "and-dira16-called-reference"],
)
def test_a_no_call_at_a_low_evidence_site_is_not_what_the_call_rests_on(annotate, rows):
    """A no-call of another allele at DIRA16's base leaves DIRA16 open (none to biallelic), but
    the call does not rest on DIRA16: no record carries it, so the review names the no-call,
    not 'call rests on DIRA16 (..., evidence level low)' (genotype.call_sample #207, #209 and
    #212 named it for any evidence at its site)."""
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "indeterminate"
    assert "the evidence allows anything from none to biallelic" in s["review_reasons"]
    assert not [r for r in s["review_reasons"] if r.startswith("call rests on")]


def test_a_call_resting_on_a_low_evidence_allele_says_so_in_one_line(annotate):
    """DIRA16 0/1 (evidence level low, no alternative reading): monoallelic, reviewed with one
    line naming the allele and its evidence level, and no alternative reading (it has none;
    genotype.call_sample #224 and #225 wrote '; alternative reading of None' or other text)."""
    s = _sample(annotate, [f"{DIRA16} C G PASS GT:DP:GQ 0/1:30:50"])
    assert s["dira_genotype"] == "monoallelic"
    assert s["review_reasons"] == ["call rests on DIRA16 (c.62C>G), evidence level low"]


def test_a_novel_loss_of_function_allele_not_counted_says_how_to_count_it(annotate):
    """A novel deletion of coding exon 3 (0/1): not counted without --count-novel-lof, and the
    review says so in words a user can act on (genotype.call_sample #233 and #234 changed
    them)."""
    deletion = "113130000 N <DEL> PASS INFO=SVTYPE=DEL;END=113132000 GT 0/1"
    s = _sample(annotate, [deletion])
    assert s["review_reasons"][-1] == (
        "novel predicted loss-of-function allele novel 2:113130000 N><DEL> (deletes NM_173842 "
        "coding exon 3, het): not counted in the call; --count-novel-lof counts it"
    )


# -- a cohort whose only record is a deletion call: every carrier's call sees it -----------------


@pytest.mark.parametrize(
    ("deletion", "call"),
    [
        ("112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000", "biallelic"),  # DIRA04
        ("113130000 N <DEL> PASS INFO=SVTYPE=DEL;END=113132000", "indeterminate"),  # novel
    ],
    ids=["founder", "novel-exon-3"],
)
def test_every_sample_sharing_a_homozygous_deletion_call_is_called_on_it(annotate, deletion, call):
    """Three samples, the window's one record a deletion: two call it 1/1 with passing depths
    that differ (30, 40), one 0/0. No record lies on a catalog site, so only the allele's own
    class (catalog, or novel loss of function) makes its call decide the samples' calls; the
    second call is another object that reads the same (genotype.call_samples #35 and #36
    dropped the allele from the second sample's call: none)."""
    rows = [f"{deletion} GT:DP 1/1:30 1/1:40 0/0:30"]
    text = vcf_text(["A", "B", "C"], rows, header=[*SV_HEADER, FORMAT_DP])
    report = annotate(text)
    assert [sample(report, n)["dira_genotype"] for n in "ABC"] == [call, call, "none"]


def test_every_sample_with_a_heterozygous_deletion_reads_its_homozygous_call_as_one_copy(annotate):
    """Two samples with the founder deletion heterozygous (passing depths 30 and 40: two calls
    that read alike) and E77X 1/1 inside it: in each, the 1/1 is one copy on the other
    haplotype (hemizygous), and the sample is biallelic by the deletion and E77X
    (genotype.call_samples #96 handed the second sample the first one's row without its lost
    haplotype: E77X homozygous, two copies, in a sample that has one)."""
    rows = [
        f"{FOUNDER_WIDE} GT:DP 0/1:30 0/1:40",
        "113131068 G T PASS GT:DP 1/1:30 1/1:30",
    ]
    report = annotate(vcf_text(["A", "B"], rows, header=[*SV_HEADER, FORMAT_DP]))
    for name in "AB":
        s = sample(report, name)
        assert s["dira_genotype"] == "biallelic", name
        (e77x,) = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
        assert e77x["zygosity"] == "hemizygous", name


def test_one_phase_set_that_phases_a_pair_both_ways_is_named_whole(annotate):
    """Q54X once and E77X twice, all in phase set 5 (as a split multi-allelic record writes an
    allele on each haplotype): E77X is on both haplotypes, so biallelic, but one E77X record is
    in trans with Q54X and the other in cis. With no pair of records in different phase sets
    (nothing unknown), the disagreement is still named for review, each pair of records once
    (`_phase_conflicts` #19 named it only beside an unknown pair; #22 joined the pairs with
    other words)."""
    rows = [f"{Q54X_AT} 1|0:5:30:50", f"{E77X_AT} 0|1:5:30:50", f"{E77X_AT} 1|0:5:30:50"]
    s = _sample(annotate, rows)
    assert (s["dira_genotype"], s["needs_review"]) == ("biallelic", True)
    assert (
        "records disagree on the phase of DIRA01 and DIRA02: "
        f"records 2:113131068 (0|1) and 2:{Q54X} (1|0) in trans, "
        f"records 2:113131068 (1|0) and 2:{Q54X} (1|0) in cis"
    ) in s["review_reasons"]


def test_a_failing_record_of_an_allele_says_nothing_of_its_phase(annotate):
    """E77X in trans with Q54X in phase set 5, and written again in that set in cis by a record
    that fails GQ: the failing record proves nothing, its phase included, so the call is the
    passing records' biallelic. (`call_sample` #156, which lets a record with GT slots but no
    proven copy speak for the phase, survives: such records carry no allele to phase with.)"""
    rows = [f"{Q54X_AT} 0|1:5:30:50", f"{E77X_AT} 1|0:5:30:50", f"{E77X_AT} 0|1:5:30:5"]
    s = _sample(annotate, rows)
    assert s["dira_genotype"] == "biallelic"
    assert not any(r.startswith("records disagree on the phase") for r in s["review_reasons"])
