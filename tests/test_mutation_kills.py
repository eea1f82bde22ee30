"""Rules of a call that a mutant of the rule modules could change with no other test failing
(`make mutate`, docs/mutation-testing.md). Each test names the rule it pins."""

from __future__ import annotations

import pytest
from conftest import pos, sample, shared_files, vcf_text
from reference import synthetic_sequence, write_fasta

from il1rn_annot.catalog import load_catalog
from il1rn_annot.deletions import apply_target_depth
from il1rn_annot.model import (
    Allele,
    AltAllele,
    AnnotatedAllele,
    Coverage,
    DepthEvidence,
    SampleCall,
    SampleReport,
    SampleVariant,
    TargetDepthEvidence,
    VariantRecord,
)


@pytest.fixture(scope="session")
def fasta(tmp_path_factory):
    return shared_files(tmp_path_factory, "ref", write_fasta)


def _sample(annotate, rows, *args, chrom="2"):
    return sample(annotate(vcf_text(["s"], rows, chrom=chrom), *args), "s")


# -- --fasta: the reference's bases take part in matching the catalog -------------------------

#: DIRA06 (c.213_227del): the catalog gives its padding base as N (113131049); the SYNTHETIC
#: reference of tests/reference.py has G there.
DIRA06_DELETED = "ATAGATGTGGTACCC"


def test_fasta_base_that_contradicts_the_records_ref_stops_a_catalog_match(annotate, fasta):
    """A record of DIRA06 whose padding base is C where the reference (--fasta) has G: the
    record is not on this reference, so it names no catalog allele and cannot decide the call.
    Without --fasta nothing contradicts the C (the catalog leaves that base open): DIRA06."""
    row = f"113131049 C{DIRA06_DELETED} C PASS GT 1/1"
    assert synthetic_sequence()[113131049] == "G"
    without = _sample(annotate, [row], chrom="chr2")
    assert without["dira_genotype"] == "biallelic"
    assert [v["dira_id"] for v in without["variants"]] == ["DIRA06"]
    s = _sample(annotate, [row], "--fasta", fasta, chrom="chr2")
    (variant,) = s["variants"]
    assert variant["dira_id"] is None
    assert any(w.startswith("ref_mismatch") for w in variant["warnings"])
    assert s["dira_genotype"] == "indeterminate"
    assert "DIRA06" in s["coverage"]["sites_not_assessed"]


def test_fasta_base_that_agrees_still_matches(annotate, fasta):
    """The same record with the reference's own padding base (G) is DIRA06, with --fasta."""
    s = _sample(annotate, [f"113131049 G{DIRA06_DELETED} G PASS GT 1/1"], "--fasta", fasta,
                chrom="chr2")  # fmt: skip
    assert s["dira_genotype"] == "biallelic"
    assert [v["dira_id"] for v in s["variants"]] == ["DIRA06"]


# -- a record's own REF bases decide the consequence of its change ----------------------------

#: Leu50's codon (c.148-150, 113129607-113129609) as the SYNTHETIC reference writes it: TTA.
#: c.149T>A makes TAA, a stop; the catalog and the protein leave c.148 and c.150 open.
LEU50 = "113129607 TTA TAA"


@pytest.mark.parametrize(("args", "expected"), [([], "none"), (["--count-novel-lof"], "biallelic")])
def test_padded_ref_bases_make_a_novel_stop_known(annotate, args, expected):
    """A record that writes the whole codon (REF TTA, ALT TAA) proves the stop: a novel
    loss-of-function allele (reviewed; counted with --count-novel-lof). Its trimmed SNV alone
    (T>A) leaves the codon open: a coding change of unknown effect."""
    assert "".join(synthetic_sequence()[p] for p in range(113129607, 113129610)) == "TTA"
    s = _sample(annotate, [f"{LEU50} PASS GT 1/1"], *args)
    (variant,) = s["variants"]
    assert variant["classification"] == "novel_predicted_lof"
    assert variant["consequence"].startswith("stop_gained")
    assert s["dira_genotype"] == expected
    assert s["needs_review"]
    trimmed = _sample(annotate, ["113129608 T A PASS GT 1/1"], *args)
    assert trimmed["variants"][0]["classification"] == "uncertain"
    assert trimmed["dira_genotype"] == "none"


# -- gVCF: which coding bases passing records cover ------------------------------------------

GVCF_HEADER = (
    '##ALT=<ID=NON_REF,Description="Any possible alternative allele">',
    '##ALT=<ID=DEL,Description="Deletion">',
)
WINDOW = (113094315, 113139016)  # GRCh38
CDS_BASES = 534


def _block(start: int, end: int, build: str = "GRCh38", fmt: str = "GT:GQ:DP 0/0:99:30"):
    """A reference block; its REF base is a placeholder (not a catalog base)."""
    return f"{start} A <NON_REF> PASS INFO=END={pos(build, end)} {fmt}"


def _gvcf_sample(annotate, rows, build="GRCh38"):
    return sample(annotate(vcf_text(["S"], rows, build=build, header=GVCF_HEADER)), "S")


def test_gvcf_on_grch37_covers_the_grch37_coding_exons(annotate):
    """The coding bases are counted on the input's build: a GRCh37 gVCF with one block over the
    window covers every coding base and proves the sites reference."""
    s = _gvcf_sample(annotate, [_block(*WINDOW, build="GRCh37")], build="GRCh37")
    assert s["coverage"]["cds_bases_called"] == CDS_BASES
    assert s["coverage"]["possible_homozygous_deletion"] is False
    assert s["dira_genotype"] == "none"


@pytest.mark.parametrize(
    "first",
    [
        "113094315 N <DEL> PASS INFO=SVTYPE=DEL;END=113094900 GT 0/0",  # an SV record
        _block(WINDOW[0], 113094900, fmt="GT 0/0"),  # a block that states no GQ or depth
    ],
)
def test_a_record_that_calls_no_bases_leaves_the_next_ones_counted(annotate, first):
    """An SV record or an unmeasured reference block calls no coding base, but the blocks after
    it still do: every coding base called, no sign of a homozygous deletion."""
    s = _gvcf_sample(annotate, [first, _block(113094901, WINDOW[1])])
    assert s["coverage"]["cds_bases_called"] == CDS_BASES
    assert s["coverage"]["possible_homozygous_deletion"] is False
    assert s["dira_genotype"] == "none"


# -- REF N: what a record that does not know its reference bases can prove --------------------


@pytest.mark.parametrize(
    "row",
    [
        "113131049 N T",  # DIRA06's padding base, which the catalog leaves open (N) too
        "113131065 N T",  # the base after DIRA06's REF
        "113131069 N T",  # the base after E77X's
    ],
)
def test_ref_n_beside_a_catalog_allele_hides_nothing(annotate, row):
    """REF N where the catalog has no base of its own (its N, or past its REF) leaves the
    catalog sites as they are: no ref_unknown warning, no review, call none."""
    report = annotate(vcf_text(["s"], [f"{row} PASS GT 0/1"]))
    s = sample(report, "s")
    assert s["dira_genotype"] == "none"
    assert not s["needs_review"]
    (variant,) = s["variants"]
    assert not any(w.startswith("ref_unknown") for w in variant["warnings"])
    assert not any("ref_unknown" in w for w in report["warnings"])


# -- one allele in several records, or in several ALTs of one record --------------------------


def test_the_same_allele_in_two_alts_of_one_record_is_two_copies(annotate):
    """E77X written twice in one record's ALTs, GT 1/2: the two ALTs of one GT are the two
    haplotypes, so E77X is on both (biallelic), with nothing to review."""
    s = _sample(annotate, ["113131068 G T,T PASS GT 1/2"])
    assert s["dira_genotype"] == "biallelic"
    assert not s["needs_review"]


# -- ALT *: a deletion written on another record of the file ---------------------------------

STAR = ('##ALT=<ID=*,Description="Allele spanned by a deletion on another record">',)


@pytest.mark.parametrize(
    ("deletion", "star"),
    [
        ("113129598 AC A", "113129599 C *"),  # DIRA05: one base deleted, the * on it
        ("113131049 NATAGATGTGGTACCC N", "113131050 A *"),  # DIRA06: the first of 15 bases
        ("113131049 NATAGATGTGGTACCC N", "113131064 C *"),  # DIRA06: the last
    ],
)
def test_star_explained_by_a_sequence_resolved_deletion_in_the_file(annotate, deletion, star):
    """A heterozygous catalog deletion written with its bases, and a * allele on a base it
    deletes: the * is that deletion's haplotype, so it adds no copy and nothing unseen. A
    monoallelic carrier, with no review."""
    s = sample(annotate(vcf_text(["s"], [f"{deletion} PASS GT 0/1", f"{star} PASS GT 0/1"],
                                 header=STAR)), "s")  # fmt: skip
    assert s["dira_genotype"] == "monoallelic"
    assert not any("(ALT *)" in r for r in s["review_reasons"])


# -- breakends: NM_173842.3's span, first and last base included, on either build -------------

BND_HEADER = (
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
    "##contig=<ID=5,length=181538259>",
)
Q54X = "113129619 C T PASS GT 0/1"  # DIRA02
#: NM_173842.3's first (5'UTR) and last (3'UTR) base, GRCh38.
TX_START, TX_END = 113127598, 113134014


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize(
    ("row", "where"),
    [
        (f"{TX_START} N N[5:1000[", "IL1RN 5'UTR"),
        (f"{TX_END} N N[5:1000[", "IL1RN 3'UTR"),
        ("113131100 N N[5:1000[", "IL1RN exon 3"),
        ("113100000 N N]2:{mate}]", "its mate in IL1RN 5'UTR"),  # the mate on the first base
        ("113138000 N N]2:{mate}]", "its mate in IL1RN 3'UTR"),  # ...and on the last
    ],
)
def test_breakend_on_the_edge_of_il1rn_may_break_it(annotate, build, row, where):
    """A breakend on NM_173842.3's first or last base, or its mate there, is a rearrangement
    that may break the gene on that haplotype: beside a heterozygous Q54X, never monoallelic."""
    mate = pos(build, TX_START if "5'" in where else TX_END)
    rows = sorted([Q54X, f"{row.format(mate=mate)} PASS INFO=SVTYPE=BND GT 0/1"])
    s = sample(annotate(vcf_text(["s"], rows, build=build, header=BND_HEADER)), "s")
    assert s["dira_genotype"] == "indeterminate"
    assert any(where in r and "rearrangement" in r for r in s["review_reasons"])


def test_breakend_joined_to_another_chromosome_at_il1rn_like_numbers_spares_il1rn(annotate):
    """A breakend outside IL1RN joined to chr5 at a position whose number lies in IL1RN's span
    on chr2: its mate is not in IL1RN, so nothing is rearranged there (Q54X stays monoallelic)."""
    rows = [Q54X, "113138000 N N[5:113130000[ PASS INFO=SVTYPE=BND GT 0/1"]
    s = sample(annotate(vcf_text(["s"], rows, header=BND_HEADER)), "s")
    assert s["dira_genotype"] == "monoallelic"
    assert not any("rearrangement" in r for r in s["review_reasons"])


# -- a deletion named after a known non-DIRA copy-number loss: 50% reciprocal overlap ---------

SV_HEADER = (
    '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="SV length">',
    '##ALT=<ID=DEL,Description="Deletion">',
)
#: CTRL11 (data/non_dira_variants.tsv): a ClinVar copy-number loss that ends before NM_173842's
#: exon 1, GRCh38 112924872-113105404 (180,533 bases). A deletion ending with it and half as long
#: (90,267 bases, rounded up) overlaps it by 50% both ways.
CTRL11_END, CTRL11_HALF = 113105404, 90267


@pytest.mark.parametrize(
    ("size", "named"),
    [
        (CTRL11_HALF, True),
        (CTRL11_HALF - 1, False),
        (2 * 180_533, True),  # CTRL11 and as much again: half of it is CTRL11
        (2 * 180_533 + 1, False),
    ],
)
def test_deletion_is_named_after_a_known_cnv_from_half_its_length(annotate, size, named):
    """Reciprocal overlap of at least KNOWN_CNV_OVERLAP (0.5) names the deletion after the known
    loss; one base less does not. The name matters to the call: read depth that shows two copies
    of the coding exons contradicts a deletion, but not a known loss that spares them."""
    start = CTRL11_END - size + 1
    info = f"INFO=SVTYPE=DEL;END={CTRL11_END};SVLEN=-{size}"
    s = sample(annotate(vcf_text(["s"], [f"{start - 1} N <DEL> PASS {info} GT 0/1"],
                                 header=SV_HEADER)), "s")  # fmt: skip
    (variant,) = s["variants"]
    assert (variant["non_dira_id"] == "CTRL11") == named
    assert s["dira_genotype"] == "none"


# -- --ped: inheritance phases the child's two heterozygous pathogenic alleles ----------------

TRIO_PED = "fam1 kid dad mum 1 2\nfam1 dad 0 0 1 1\nfam1 mum 0 0 2 1\n"
TRIO_FMT = "GT:GQ:DP"


def _trio_kid(annotate, tmp_path, rows, header=()):
    ped = tmp_path / "trio.ped"
    ped.write_text(TRIO_PED)
    return sample(annotate(vcf_text(["kid", "dad", "mum"], rows, header=header), "--ped", ped),
                  "kid")  # fmt: skip


def test_an_allele_that_does_not_count_leaves_inheritance_phasing_alone(annotate, tmp_path):
    """Q54X from the father, E77X from the mother: in trans by inheritance (biallelic), also
    when the child carries a third allele that does not count (an SNV 21 bases before E77X,
    from the father; its REF is the base the catalog's DIRA06 context gives)."""
    rows = [
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 0/1:60:30 0/0:60:30",  # Q54X
        f"113131047 A G PASS {TRIO_FMT} 0/1:60:30 0/1:60:30 0/0:60:30",
        f"113131068 G T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30",  # E77X
    ]
    kid = _trio_kid(annotate, tmp_path, rows)
    assert kid["dira_genotype"] == "biallelic"
    assert any("in trans by inheritance" in n for n in kid["notes"])
    assert any(v["dira_id"] is None and v["zygosity"] == "het" for v in kid["variants"])


def test_inheritance_agrees_with_a_deletion_that_phases_the_pair(annotate, tmp_path):
    """The child: the founder deletion (DIRA04, from the father) and DIRA05 inside it (from the
    mother). The deletion already puts them in trans, and inheritance agrees: biallelic, with
    a note naming both sources."""
    start, end = 112966110, 113141109  # 175 kb around DIRA04's interval
    info = f"INFO=SVTYPE=DEL;END={end};SVLEN=-{end - start + 1}"
    rows = [
        f"{start - 1} N <DEL> PASS {info} {TRIO_FMT} 0/1:60:30 0/1:60:30 0/0:60:30",  # DIRA04
        f"113129598 AC A PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30",  # DIRA05
    ]
    kid = _trio_kid(annotate, tmp_path, rows, header=SV_HEADER)
    assert kid["dira_genotype"] == "biallelic"
    assert any("in trans by inheritance" in n and "the child's deletion" in n
               for n in kid["notes"])  # fmt: skip


BND_PAIR = (  # one deletion of 113131001-113131100 (E77X inside), as Manta writes it
    "113131000 N N[2:113131101[ PASS INFO=SVTYPE=BND GT 0/1",
    "113131101 N ]2:113131000]N PASS INFO=SVTYPE=BND GT 0/1",
)


@pytest.mark.parametrize(("star_gt", "unseen"), [("0/1", False), ("1/1", True)])
def test_star_explained_by_a_breakend_deletion_once(annotate, star_gt, unseen):
    """A heterozygous deletion written as two breakends explains one * haplotype at E77X: the
    first breakend describes it, its mate adds nothing. A second * haplotype stays unseen."""
    rows = sorted([*BND_PAIR, f"113131068 G * PASS GT {star_gt}"])
    s = sample(annotate(vcf_text(["s"], rows, header=(*STAR, *BND_HEADER))), "s")
    assert any("(ALT *)" in r for r in s["review_reasons"]) == unseen


def test_star_not_explained_by_a_duplication(annotate):
    """A duplication over E77X removes no base: it does not explain a * there."""
    rows = [
        "113131000 N <DUP> PASS INFO=SVTYPE=DUP;END=113131100 GT 0/1",
        "113131068 G * PASS GT 0/1",
    ]
    header = (*STAR, *BND_HEADER, '##ALT=<ID=DUP,Description="Duplication">')
    s = sample(annotate(vcf_text(["s"], rows, header=header)), "s")
    assert any("(ALT *)" in r for r in s["review_reasons"])
    assert s["dira_genotype"] == "indeterminate"


def test_a_failing_third_allele_stops_phasing_by_inheritance(annotate, tmp_path):
    """Q54X from the father and E77X from the mother would be in trans, but the child also has a
    failing call (DP 5) of DIRA05: the call does not rest on one pair of alleles, so
    inheritance phases nothing (biallelic_unphased, as without the PED)."""
    rows = [
        f"113129598 AC A PASS {TRIO_FMT} 0/1:60:5 0/0:60:30 0/0:60:30",  # DIRA05, failing
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 0/1:60:30 0/0:60:30",  # Q54X
        f"113131068 G T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30",  # E77X
    ]
    kid = _trio_kid(annotate, tmp_path, rows)
    assert kid["dira_genotype"] == "biallelic_unphased"
    assert not any("by inheritance" in n for n in kid["notes"])


# -- a deletion with published breakpoints: one base of slack (BREAKPOINT_SLACK) --------------

CI_HEADER = (
    '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="SV length">',
    '##ALT=<ID=DEL,Description="Deletion">',
)
#: DIRA11's published first and last deleted base, GRCh38.
DIRA11_START, DIRA11_END = 113107434, 113129650


@pytest.mark.parametrize(
    ("shift_start", "shift_end", "named"),
    [
        (-1, 0, True),  # one base early: the publication may name the flanking base
        (1, 0, True),
        (0, -1, True),
        (0, 1, True),
        (-2, 0, False),
        (2, 0, False),
        (0, -2, False),
        (0, 2, False),
    ],
)
def test_dira11_breakpoints_within_one_base(annotate, shift_start, shift_end, named):
    """A called deletion is DIRA11 when both ends lie within one base of the published ones
    (no CIPOS/CIEND): homozygous, biallelic; two bases off, it is another deletion."""
    start, end = DIRA11_START + shift_start, DIRA11_END + shift_end
    info = f"INFO=SVTYPE=DEL;END={end};SVLEN=-{end - start + 1}"
    s = sample(annotate(vcf_text(["s"], [f"{start - 1} N <DEL> PASS {info} GT 1/1"],
                                 header=CI_HEADER)), "s")  # fmt: skip
    assert ([v["dira_id"] for v in s["variants"]] == ["DIRA11"]) == named
    assert (s["dira_genotype"] == "biallelic") == named


def test_a_pedigree_child_missing_from_the_vcf_does_not_stop_the_next_trio(annotate, tmp_path):
    """The PED's first child has no column in the VCF; the next trio is still phased: Q54X from
    the father, E77X from the mother, in trans (biallelic)."""
    ped = tmp_path / "two.ped"
    ped.write_text("fam0 elsewhere dad0 mum0 1 2\n" + TRIO_PED)
    rows = [
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 0/1:60:30 0/0:60:30",  # Q54X
        f"113131068 G T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30",  # E77X
    ]
    kid = sample(annotate(vcf_text(["kid", "dad", "mum"], rows), "--ped", ped), "kid")
    assert kid["dira_genotype"] == "biallelic"


def test_a_parent_missing_from_the_vcf_phases_nothing(annotate, tmp_path):
    """The father of the PED has no column in the VCF: one parent cannot phase the child's
    pair, which stays biallelic_unphased."""
    ped = tmp_path / "trio.ped"
    ped.write_text(TRIO_PED)
    rows = [
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30",  # Q54X
        f"113131068 G T PASS {TRIO_FMT} 0/1:60:30 0/1:60:30",  # E77X
    ]
    kid = sample(annotate(vcf_text(["kid", "mum"], rows), "--ped", ped), "kid")
    assert kid["dira_genotype"] == "biallelic_unphased"


@pytest.mark.parametrize("n", [3, 4])
def test_many_inconsistencies_at_alleles_that_do_not_count_are_summed_up(annotate, tmp_path, n):
    """Alleles that do not count, in the child only (REF bases from the catalog's DIRA06
    context): up to three are listed for review, a fourth is summed up as "1 more"."""
    snvs = ["113131047 A G", "113131048 A G", "113131065 A G", "113131066 T C"][:n]
    rows = [f"{snv} PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/0:60:30" for snv in snvs]
    kid = _trio_kid(annotate, tmp_path, rows)
    assert kid["dira_genotype"] == "none"
    listed = [r for r in kid["review_reasons"] if r.startswith("Mendelian inconsistency")]
    assert len(listed) == 3
    more = [r for r in kid["review_reasons"] if "more Mendelian inconsistencies" in r]
    assert more == (["1 more Mendelian inconsistencies in the window"] if n == 4 else [])


def test_an_inconsistent_trio_does_not_stop_the_next_one(annotate, tmp_path):
    """Two children of one couple: the first (PED order) has an allele neither parent has, a
    Mendelian inconsistency that keeps its trio from phasing; the second is still phased
    (Q54X from the father, E77X from the mother: biallelic)."""
    ped = tmp_path / "sibs.ped"
    ped.write_text("fam1 sib dad mum 2 2\n" + TRIO_PED)
    rows = [  # kid, dad, mum, sib
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 0/1:60:30 0/0:60:30 0/0:60:30",  # Q54X
        f"113131047 A G PASS {TRIO_FMT} 0/0:60:30 0/0:60:30 0/0:60:30 0/1:60:30",  # sib only
        f"113131068 G T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30 0/0:60:30",  # E77X
    ]
    report = annotate(vcf_text(["kid", "dad", "mum", "sib"], rows), "--ped", ped)
    assert any(
        r.startswith("Mendelian inconsistency") for r in sample(report, "sib")["review_reasons"]
    )
    assert sample(report, "kid")["dira_genotype"] == "biallelic"


def test_a_parents_haploid_call_proves_nothing_for_phasing(annotate, tmp_path):
    """The father's Q54X call is haploid (GT 1): it proves no copy count, so inheritance cannot
    put the child's Q54X and E77X in trans: biallelic_unphased."""
    rows = [
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 1:60:30 0/0:60:30",  # Q54X
        f"113131068 G T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30",  # E77X
    ]
    kid = _trio_kid(annotate, tmp_path, rows)
    assert kid["dira_genotype"] == "biallelic_unphased"


@pytest.mark.parametrize("mother_q54x", ["0/1", "0/0"])
def test_a_homozygous_call_at_a_deletions_uncertain_end_is_no_trio_evidence(
    annotate, tmp_path, mother_q54x
):
    """The child: DIRA11 (heterozygous, from the mother, CIEND -50,50) and Q54X called 1/1 31
    bases inside its called end: one copy or two, so the 1/1 proves no copy count and breaks no
    Mendelian rule, whether the mother or neither parent calls Q54X (the call stays
    indeterminate)."""
    info = f"INFO=SVTYPE=DEL;END={DIRA11_END};SVLEN=-{DIRA11_END - DIRA11_START + 1};CIEND=-50,50"
    rows = [
        f"{DIRA11_START - 1} N <DEL> PASS {info} {TRIO_FMT} 0/1:60:30 0/0:60:30 0/1:60:30",
        f"113129619 C T PASS {TRIO_FMT} 1/1:60:30 0/0:60:30 {mother_q54x}:60:30",  # Q54X
    ]
    header = (*CI_HEADER, '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">')
    kid = _trio_kid(annotate, tmp_path, rows, header=header)
    assert kid["dira_genotype"] == "indeterminate"
    assert not any("Mendelian" in r for r in kid["review_reasons"])


def test_a_single_breakend_outside_il1rn_spares_it(annotate):
    """A single breakend (its other side unknown) outside NM_173842.3's span rearranges nothing
    there: Q54X stays monoallelic, with nothing to review."""
    rows = [Q54X, "113138000 N N. PASS INFO=SVTYPE=BND GT 0/1"]
    s = sample(annotate(vcf_text(["s"], rows, header=BND_HEADER)), "s")
    assert s["dira_genotype"] == "monoallelic"
    assert not any("rearrangement" in r for r in s["review_reasons"])


# -- targeted data: an allele where read depth shows a deletion (deletions.apply_target_depth) --


def _report_with(allele_pos: int, ref: str) -> SampleReport:
    """One sample carrying, heterozygous and passing, a lab's own pathogenic allele (an
    overlay row, LAB1) at ``allele_pos``; its REF is given as N (the test needs no base)."""
    call = SampleCall((0, 1), False, depth=30, gq=60)
    record = VariantRecord("2", allele_pos, ref, ("T",), allele_pos + len(ref) - 1, (), None,
                           (call,), 0)  # fmt: skip
    allele = Allele(allele_pos, ref, "T")
    annotated = AnnotatedAllele(AltAllele(record, 1, allele, allele), dira_id="LAB1",
                                classification="pathogenic", catalog_source="overlay")  # fmt: skip
    return SampleReport("S", "monoallelic", True, [], Coverage("variant_calls", False, 0),
                        [SampleVariant(annotated, call, "het", 1, 0)])  # fmt: skip


#: The bases every copy of DIRA04 lacks: its catalogued gene-content interval, GRCh38.
_DIRA04 = (
    load_catalog().get("DIRA04").locus("GRCh38").pos,
    load_catalog().get("DIRA04").locus("GRCh38").end,
)


def _founder_deletion_from_depth() -> DepthEvidence:
    """Read depth of capture targets that fits one copy of DIRA04 lost."""
    targeted = TargetDepthEvidence(
        "kit.bed", 12, "the batch's median", (), 40, 0.99, 0.05, (), (), "DIRA04",
        (("DIRA04", 1),), "ok", "one copy of DIRA04",
    )  # fmt: skip
    return DepthEvidence(
        "S.bam", "S", "GRCh38", "2", 30.0, (), (), None, None, "ok", "", targeted
    )  # fmt: skip


@pytest.mark.parametrize(
    ("where", "ref", "inside"),
    [
        ("first", "N", True),  # on the first base that every copy of DIRA04 lacks
        ("last", "N", True),  # on the last
        ("last-1", "NN", True),  # two bases ending on the last
        ("first-1", "N", False),  # one base before
        ("last+1", "N", False),  # one base after
        ("last", "NN", False),  # two bases, one of them past the last
    ],
)
def test_a_heterozygous_allele_inside_a_deletion_from_depth_is_impossible(where, ref, inside):
    """Depth shows one copy of DIRA04 lost. A heterozygous pathogenic allele on the bases that
    deletion removes would need two copies there: call and depth disagree (indeterminate).
    Just outside, it sits beside the deletion: biallelic_unphased."""
    first, last = _DIRA04
    pos = {"first": first, "last": last, "last-1": last - 1, "first-1": first - 1,
           "last+1": last + 1}[where]  # fmt: skip
    report = apply_target_depth(_report_with(pos, ref), _founder_deletion_from_depth(), False,
                                {"DIRA04": _DIRA04})  # fmt: skip
    assert report.dira_genotype == ("indeterminate" if inside else "biallelic_unphased")
    assert any("too few copies" in r for r in report.review_reasons) == inside


def test_an_allele_the_child_s_call_cannot_count_does_not_end_the_mendelian_check(
    annotate, tmp_path
):
    """The child's first allele (DIRA05) fails DP: it proves no copies, so it is not checked;
    Q54X after it, in neither parent, still is: a Mendelian inconsistency for review."""
    rows = [
        f"113129598 AC A PASS {TRIO_FMT} 0/1:60:5 0/0:60:30 0/0:60:30",  # DIRA05, failing
        f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 0/0:60:30 0/0:60:30",  # Q54X, de novo
    ]
    kid = _trio_kid(annotate, tmp_path, rows)
    assert any(r.startswith("Mendelian inconsistency at DIRA02") for r in kid["review_reasons"])


def test_one_homozygous_parent_must_pass_on_one_copy(annotate, tmp_path):
    """The father is homozygous for Q54X, the mother reference: the child must have exactly one
    copy, and has (0/1): no Mendelian inconsistency, monoallelic."""
    rows = [f"113129619 C T PASS {TRIO_FMT} 0/1:60:30 1/1:60:30 0/0:60:30"]
    kid = _trio_kid(annotate, tmp_path, rows)
    assert kid["dira_genotype"] == "monoallelic"
    assert not any("Mendelian" in r for r in kid["review_reasons"])
