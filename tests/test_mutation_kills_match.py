"""Rules of catalog matching and of naming a deletion (match.py) that a mutant could change with
no other test failing (`make mutate`, docs/mutation-testing.md). Each test names the rule it pins.
"""

from __future__ import annotations

import pytest
from conftest import pos, sample, vcf_text
from test_overlay import CATALOG, overlay

from il1rn_annot.match import same_haplotype
from il1rn_annot.model import Allele

SV_HEADER = (
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
    '##ALT=<ID=DEL,Description="Deletion">',
)


def _deletion(start: int, end: int, gt: str, build: str = "GRCh38", info: str = "") -> str:
    """A symbolic deletion of bases ``start``..``end`` (GRCh38; POS is the base before)."""
    return f"{start - 1} N <DEL> PASS INFO=SVTYPE=DEL;END={pos(build, end)}{info} GT {gt}"


def _sample(annotate, rows, *args, build="GRCh38"):
    return sample(annotate(vcf_text(["S"], rows, build=build, header=SV_HEADER), *args), "S")


# -- the founder deletion DIRA04: contains the catalogued interval within CIEND ---------------

#: DIRA04's catalogued gene-content interval (GRCh38); the deletion is reported as ~175 kb.
DIRA04_FIRST, DIRA04_LAST = 112973203, 113134016


@pytest.mark.parametrize(
    ("ciend", "dira04"),
    [
        ((-50, 50), True),  # called 40 bases short of the interval's end, CIEND reaches past it
        ((-50, 30), False),  # CIEND stops 10 bases short: the gene's end may be left
        ((0, 0), False),
    ],
)
def test_founder_deletion_whose_ciend_reaches_the_end_of_the_interval(annotate, ciend, dira04):
    """A homozygous 174-kb deletion called 40 bases short of DIRA04's interval end: its CIEND
    decides whether it may contain the interval (DIRA04, biallelic) or is another deletion of
    the coding exons (a novel loss of function: it removes the catalog sites, indeterminate)."""
    start, end = DIRA04_FIRST - 13_000, DIRA04_LAST - 40
    info = f";SVLEN=-{end - start + 1};CIEND={ciend[0]},{ciend[1]}"
    s = _sample(annotate, [_deletion(start, end, "1/1", info=info)])
    (variant,) = s["variants"]
    if dira04:
        assert variant["dira_id"] == "DIRA04"
        assert s["dira_genotype"] == "biallelic"
    else:
        assert variant["dira_id"] is None
        assert variant["classification"] == "novel_predicted_lof"
        assert s["dira_genotype"] == "indeterminate"


# -- a catalogued deletion carries its catalog row into the report and the review -------------

#: DIRA11: published breakpoints (GRCh38, first and last deleted base).
DIRA11_FIRST, DIRA11_LAST = 113107434, 113129650


def test_a_deletion_named_after_a_lab_overrides_row_says_so(annotate, tmp_path):
    """DIRA11 called homozygous, with a lab overlay that reclassifies DIRA11: the call rests on
    the lab's row, so it needs review, naming the allele; the variant carries the row's names,
    evidence level, location and source (as a small variant's catalog match does)."""
    row = {
        **CATALOG.get("DIRA11").row,
        "classification": "pathogenic",
        "classification_basis": "lab: upgraded (synthetic test row)",
    }
    lab = overlay(tmp_path, row)
    s = _sample(annotate, [_deletion(DIRA11_FIRST, DIRA11_LAST, "1/1")], "--catalog-overlay", lab)
    assert s["dira_genotype"] == "biallelic"
    assert s["needs_review"] is True
    assert s["review_reasons"] == [
        f"DIRA11 (22,216-bp deletion) is classified pathogenic by the lab's catalog overlay "
        f"({lab}), which overrides the bundled row"
    ]
    (variant,) = s["variants"]
    entry = CATALOG.get("DIRA11")
    assert variant["dira_id"] == "DIRA11"
    assert variant["catalog_source"] == "overlay_override"
    assert variant["dira_name"] == entry.name
    assert variant["dira_legacy_names"] == list(entry.legacy_names)
    assert variant["evidence_level"] == entry.evidence_level
    assert variant["location"] == entry.location
    assert variant["match"] == "overlap"


# -- a deletion's effect on NM_173842 is read on the input's build ---------------------------


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_a_deletion_inside_a_coding_exon_is_read_on_the_inputs_build(annotate, build):
    """A 61-base symbolic deletion inside coding exon 4 (no catalog site in it) is a frameshift
    on either build: a novel loss of function, reviewed, and counted with --count-novel-lof. On
    GRCh38 coordinates a GRCh37 record lies 757 kb away from the gene and would spare it."""
    row = _deletion(113132740, 113132800, "1/1", build)
    s = _sample(annotate, [row], build=build)
    (variant,) = s["variants"]
    assert variant["consequence"] == "frameshift_variant"
    assert variant["classification"] == "novel_predicted_lof"
    assert variant["location"] == "deletes NM_173842 coding exon 4"
    assert s["dira_genotype"] == "none"
    assert any("novel predicted loss-of-function" in r for r in s["review_reasons"])
    counted = _sample(annotate, [row], "--count-novel-lof", build=build)
    assert counted["dira_genotype"] == "biallelic"


# -- the first and the last coding base belong to the coding exons ----------------------------

#: c.1 (the A of the start codon) and c.534 (the last base of the stop codon), GRCh38.
CDS_FIRST, CDS_LAST = 113127625, 113132871


@pytest.mark.parametrize(
    ("start", "end", "consequence", "classification", "location"),
    [
        # ends on c.1: the start codon is lost
        (113127500, CDS_FIRST, "start_lost&coding_sequence_variant", "novel_predicted_lof",
         "deletes NM_173842 coding exon 1"),
        (113127500, CDS_FIRST - 1, "5_prime_UTR_variant", "not_in_catalog",
         "spares the NM_173842 coding exons"),
        # starts on c.534: the stop codon is lost
        (CDS_LAST, 113133000, "coding_sequence_variant&stop_lost", "uncertain",
         "deletes NM_173842 coding exon 4"),
        (CDS_LAST + 1, 113133000, "3_prime_UTR_variant", "not_in_catalog",
         "spares the NM_173842 coding exons"),
    ],
)  # fmt: skip
def test_a_deletion_that_reaches_one_coding_base_removes_coding_sequence(
    annotate, start, end, consequence, classification, location
):
    """A deletion from the 5' UTR that ends on the start codon's first base, or one into the 3'
    UTR that starts on the stop codon's last base, removes coding sequence: never "spares the
    coding exons". One base less, it is an untranslated-region deletion."""
    s = _sample(annotate, [_deletion(start, end, "0/1")])
    (variant,) = s["variants"]
    assert (variant["consequence"], variant["classification"], variant["location"]) == (
        consequence,
        classification,
        location,
    )
    lof = classification == "novel_predicted_lof"
    assert any("novel predicted loss-of-function" in r for r in s["review_reasons"]) == lof


@pytest.mark.parametrize(
    ("start", "end", "consequence", "location"),
    [
        # the whole of intron 1: both splice sites, no coding base
        (113127741, 113129575, "splice_donor_variant&splice_acceptor_variant",
         "deletes NM_173842 splice donor and splice acceptor site"),
        # coding exons 2 and 3 with their splice sites
        (113129000, 113131500,
         "exon_loss_variant&splice_acceptor_variant&splice_donor_variant"
         "&splice_acceptor_variant&splice_donor_variant",
         "deletes NM_173842 coding exon 2, exon 3"),
    ],
)  # fmt: skip
def test_a_deletion_of_coding_exons_or_splice_sites_names_what_it_removes(
    annotate, start, end, consequence, location
):
    """A novel loss of function says what of NM_173842 it removes: every coding exon, or, when
    it removes no coding base, every splice site."""
    s = _sample(annotate, [_deletion(start, end, "0/1")])
    (variant,) = s["variants"]
    assert (variant["consequence"], variant["location"]) == (consequence, location)
    assert variant["classification"] == "novel_predicted_lof"


def test_a_deletion_named_after_a_known_copy_number_loss_carries_its_label(annotate):
    """nsv532471 (CTRL11), which spares the coding exons: named, with its label, not DIRA."""
    s = _sample(annotate, [_deletion(112924872, 113105404, "1/1")])
    (variant,) = s["variants"]
    assert (variant["non_dira_id"], variant["non_dira_name"], variant["classification"]) == (
        "CTRL11",
        "ClinVar copy-number loss sparing the sIL-1Ra coding exons",
        "uncertain",
    )
    assert s["dira_genotype"] == "none"


# -- a breakend in IL1RN says where it lies ----------------------------------------------------

BND_HEADER = (*SV_HEADER, "##contig=<ID=5,length=181538259>")


@pytest.mark.parametrize(
    ("row", "location"),
    [
        ("113131100 A A[5:1000[", "exon 3"),  # in exon 3, joined to chromosome 5
        ("113100000 A A]2:113131100]", "mate in exon 3"),  # upstream, its mate in exon 3
    ],
)
def test_a_breakend_in_il1rn_says_where_it_lies(annotate, row, location):
    """A rearrangement is located by its own end in NM_173842, else by its mate's."""
    s = _sample(annotate, [f"{row} PASS INFO=SVTYPE=BND GT 0/1"])
    (variant,) = s["variants"]
    assert (variant["location"], variant["consequence"]) == (location, "feature_truncation")
    assert s["dira_genotype"] == "indeterminate"


# -- the intron 2 VNTR: whole repeats, clear of the exons' splice margins ------------------------

#: NM_173842 intron 2 (GRCh38) and the bases kept clear of each exon (match.VNTR_EXON_MARGIN).
EXON2_LAST, EXON3_FIRST, MARGIN = 113129664, 113131045, 20
REPEAT = "ACGT" * 21 + "AC"  # 86 inserted bases: one repeat more


@pytest.mark.parametrize(
    ("row", "name"),
    [
        # two repeats fewer, the first deleted base 21 (named) or 20 (not) bases past exon 2
        (f"{EXON2_LAST + MARGIN} N <DEL> PASS INFO=SVTYPE=DEL;END={EXON2_LAST + MARGIN + 172}",
         "IL1RN*2"),
        (f"{EXON2_LAST + MARGIN - 1} N <DEL> PASS INFO=SVTYPE=DEL;END={EXON2_LAST + MARGIN + 171}",
         None),
        # one repeat more, duplicated from 21 (named) or 20 (not) bases past exon 2
        (f"{EXON2_LAST + MARGIN} N <DUP> PASS INFO=SVTYPE=DUP;END={EXON2_LAST + MARGIN + 86}",
         "IL1RN*3"),
        (f"{EXON2_LAST + MARGIN - 1} N <DUP> PASS INFO=SVTYPE=DUP;END={EXON2_LAST + MARGIN + 85}",
         None),
        # one repeat inserted 21 (named) or 20 (not) bases before exon 3
        (f"{EXON3_FIRST - MARGIN - 2} A A{REPEAT} PASS", "IL1RN*3"),
        (f"{EXON3_FIRST - MARGIN - 1} A A{REPEAT} PASS", None),
        # one repeat deleted, its bases written out: three repeats
        (f"113130600 A{REPEAT} A PASS", "IL1RN*4"),
        # three or four repeats deleted: one repeat left (no IL1RN* name), or none
        ("113130528 N <DEL> PASS INFO=SVTYPE=DEL;END=113130786",
         "a VNTR allele with no IL1RN* name"),
        ("113130528 N <DEL> PASS INFO=SVTYPE=DEL;END=113130872", None),
        # a base change in intron 2 changes no repeat
        ("113130600 A G PASS", None),
    ],
)  # fmt: skip
def test_a_vntr_allele_is_named_only_clear_of_the_exons(annotate, row, name):
    """A change of whole 86-bp repeats in intron 2 is named as a VNTR allele (by the repeats
    left of a 4-repeat reference) only when it stays more than 20 bases from both exons:
    nearer, it may touch a splice site, and is not. No repeat left, or no length changed: no
    VNTR allele."""
    header = (*SV_HEADER, '##ALT=<ID=DUP,Description="Duplication">')
    s = sample(annotate(vcf_text(["S"], [f"{row} GT 0/1"], header=header)), "S")
    (variant,) = s["variants"]
    if name is None:
        assert variant["non_dira_id"] is None
    else:
        assert variant["non_dira_id"] == "CTRL12"
        assert variant["non_dira_name"].startswith(f"{name} (")
        assert variant["non_dira_name"].endswith(
            " repeats) relative to a 4-repeat reference (VNTR placement inferred)"
        )
        assert variant["classification"] == "not_dira_risk_factor"
    assert s["dira_genotype"] == "none"


# -- two alleles are the same haplotype only when provably so --------------------------------


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        (Allele(100, "A", "<DEL>"), Allele(100, "A", "<DEL>"), "symbolic: no sequence to compare"),
        (Allele(100, "AC", "A"), Allele(100, "GC", "G"), "their REFs disagree on base 100"),
        (Allele(100, "NN", "N"), Allele(101, "NT", "T"), "unknown bases at 100 and at 101"),
        (Allele(100, "A", "AN"), Allele(100, "A", "AN"), "an inserted base nobody knows"),
    ],
)
def test_same_haplotype_only_when_proven(a, b, why):
    """Two alleles match only when applying both to the reference provably gives one sequence:
    a base nobody knows is a symbol of its own position, equal to nothing but itself."""
    assert not same_haplotype(a, b), why


def test_same_haplotype_of_one_deletion_written_two_ways():
    """The deletion of one C from AAC-AA, written at either A: one haplotype."""
    known = {113129613 + i: base for i, base in enumerate("AACAA")}
    assert same_haplotype(Allele(113129613, "AAC", "A"), Allele(113129614, "ACA", "A"), known)
