"""The NM_173842.3 gene model: c. positions, locations, consequences and HGVS, with and
without a reference, and novel loss-of-function alleles."""

from __future__ import annotations

import pytest
from conftest import sample, vcf_text
from test_match import fasta  # noqa: F401  (session fixture: the synthetic reference)

from il1rn_annot.catalog import load_catalog
from il1rn_annot.gene_model.consequence import effect
from il1rn_annot.gene_model.coordinates import c_position, load_transcript, region
from il1rn_annot.model import Allele

TX = load_transcript("GRCh38")
CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("g", "c", "where"),
    [
        (113127625, "1", "exon 1"),
        (113127624, "-1", "5'UTR"),
        (113127598, "-27", "5'UTR"),
        (113127597, "-28", "upstream"),
        (113127740, "116", "exon 1"),
        (113127741, "116+1", "intron 1"),
        (113129575, "117-1", "intron 1"),
        (113131159, "318+2", "intron 3"),
        (113132871, "534", "exon 4"),
        (113132872, "*1", "3'UTR"),
        (113134014, "*1143", "3'UTR"),
        (113134015, "*1144", "downstream"),
    ],
)
def test_positions_and_regions(g, c, where):
    assert c_position(TX, g) == c
    assert region(TX, g) == where


def test_grch37_is_the_same_model_shifted():
    tx37 = load_transcript("GRCh37")
    assert c_position(tx37, 113888645) == "229"
    assert tx37.protein == TX.protein and len(TX.protein) == 177 and TX.cds_length == 534


@pytest.mark.parametrize("entry_id", ["DIRA01", "DIRA02", "DIRA03", "DIRA07", "DIRA08"])
def test_catalog_alleles_reproduce_their_names(entry_id):
    entry = CATALOG.get(entry_id)
    locus = entry.locus("GRCh38")
    allele = Allele(locus.pos, locus.ref.replace("N", "C"), locus.alt.replace("N", "C"))
    found = effect(allele, "GRCh38", known=entry.locus("GRCh38").known_bases())
    assert found.hgvs_c == f"NM_173842.3:{entry.hgvs_c}"
    if entry.variant_type == "snv":
        assert found.hgvs_p == entry.hgvs_p
    assert found.location == entry.location


@pytest.mark.parametrize(
    ("entry_id", "consequence"),
    [
        ("DIRA01", "stop_gained"),
        ("DIRA02", "stop_gained"),
        ("DIRA03", "frameshift_variant"),
        ("DIRA06", "inframe_deletion"),
        ("DIRA08", "splice_donor_variant"),
    ],
)
def test_catalog_consequences(annotate, entry_id, consequence):
    locus = CATALOG.get(entry_id).locus("GRCh38")
    ref, alt = locus.ref.replace("N", "G"), locus.alt.replace("N", "G")
    report = annotate(vcf_text(["s"], [f"{locus.pos} {ref} {alt} PASS GT 0/1"]))
    (variant,) = sample(report, "s")["variants"]
    assert variant["consequence"] == consequence
    assert variant["dira_id"] == entry_id


def test_undetermined_codon_is_said_not_guessed():
    # R26X: c.76C>T is a stop only if c.78 is A; the protein leaves c.78 open.
    found = effect(Allele(113127700, "C", "T"), "GRCh38")
    assert found.consequence == "coding_sequence_variant"
    assert found.hgvs_p == "p.?"
    assert "stop_gained" in found.notes[0] and "missense_variant" in found.notes[0]


def test_fasta_fixes_the_codon(fasta):  # noqa: F811
    import pysam

    with pysam.FastaFile(str(fasta)) as ref:
        found = effect(Allele(113127700, "C", "T"), "GRCh38", lambda p: ref.fetch("chr2", p - 1, p))
    # The synthetic reference has CGA at codon 26 (tests/reference.py): C>T makes TGA.
    assert found.consequence == "stop_gained"
    assert found.hgvs_p == "p.(Arg26Ter)"


@pytest.mark.parametrize(
    ("row", "consequence", "hgvs_c"),
    [
        ("113131070 G A", "missense_variant", "c.231G>A"),  # Glu77: GAG -> GAA? see below
        ("113131216 A T", "intron_variant", "c.318+59A>T"),
        ("113132946 C G", "3_prime_UTR_variant", "c.*75C>G"),
        ("113100000 A G", "upstream_gene_variant", None),
    ],
)
def test_other_variants_get_a_consequence(annotate, row, consequence, hgvs_c):
    report = annotate(vcf_text(["s"], [f"{row} PASS GT 0/1"]))
    (variant,) = sample(report, "s")["variants"]
    if row.startswith("113131070"):
        # c.231 is the Glu77 wobble: G>A keeps Glu (GAG -> GAA) whatever the codon: synonymous.
        consequence = "synonymous_variant"
    assert variant["consequence"] == consequence
    if hgvs_c:
        assert variant["hgvs_c"] == f"NM_173842.3:{hgvs_c}"


def test_novel_frameshift_homozygote(annotate):
    # c.250del-like: a one-base deletion in exon 3 away from every catalog site.
    row = "113131088 AC A PASS GT 1/1"
    s = sample(annotate(vcf_text(["s"], [row])), "s")
    (variant,) = s["variants"]
    assert variant["classification"] == "novel_predicted_lof"
    assert variant["consequence"] == "frameshift_variant"
    assert s["dira_genotype"] == "none" and s["needs_review"]
    counted = sample(annotate(vcf_text(["s"], [row]), "--count-novel-lof"), "s")
    assert counted["dira_genotype"] == "biallelic"


def test_other_isoforms_with_transcripts_all(annotate):
    rows = ["113127660 C T PASS GT 0/1", "113131068 G T PASS GT 0/1"]  # c.36 (5' of c.65); E77X
    report = annotate(vcf_text(["s"], rows), "--transcripts", "all")
    early, e77x = sample(report, "s")["variants"]
    assert e77x["other_transcripts"] == [
        "NM_173841.2:c.238G>T p.(Glu80Ter)",  # ClinVar names, VCV 14675
        "NM_000577.4:c.175G>T p.(Glu59Ter)",
        "NM_173843.2:c.127G>T p.(Glu43Ter)",
    ]
    # 5' of the shared exons, c.36 lies in the intron before the icIL-1Ra isoforms join at c.65
    # (113127689); NM_173843's own 5' part is not known.
    assert early["other_transcripts"] == [
        "NM_173841.2:c.74-29C>T (derived 5' exon structure)",
        "NM_000577.4:c.11-29C>T (derived 5' exon structure)",
    ]
    plain = annotate(vcf_text(["s"], rows))
    assert all(v["other_transcripts"] == [] for v in sample(plain, "s")["variants"])


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_intracellular_isoforms_5prime_coding_parts(annotate, build):
    rows = [  # GRCh38 positions; vcf_text moves them to ``build``
        "113118010 A G PASS GT 0/1",  # 5' of their ATG: UTR, not known
        "113118019 A G PASS GT 0/1",  # the first base of both ATGs
        "113120100 C T PASS GT 0/1",  # inside NM_173841's 63-nt exon 2ic
    ]
    report = annotate(vcf_text(["s"], rows, build=build), "--transcripts", "all")
    utr, atg, exon2ic = sample(report, "s")["variants"]
    assert utr["other_transcripts"] == []
    assert atg["other_transcripts"] == [
        "NM_173841.2:c.1A>G (derived 5' exon structure)",
        "NM_000577.4:c.1A>G (derived 5' exon structure)",
    ]
    assert exon2ic["other_transcripts"] == [
        "NM_173841.2:c.45C>T (derived 5' exon structure)",
        "NM_000577.4:c.10+2072C>T (derived 5' exon structure)",
    ]


def test_isoform_exon_table_adds_up_to_each_cds():
    import csv

    from il1rn_annot.catalog import data_dir
    from il1rn_annot.gene_model.coordinates import load_isoforms

    lines = (data_dir() / "il1rn_isoform_exons.tsv").read_text().splitlines()
    rows = list(csv.DictReader([x for x in lines if not x.startswith("#")], delimiter="\t"))
    tx = load_transcript("GRCh38")
    lengths = {"NM_173841.2": 180, "NM_000577.4": 159}  # residues (il1rn_isoforms.tsv)
    assert {r["transcript"] for r in rows} == set(lengths)  # so the loop below checks both
    for iso in load_isoforms():
        parts = [r for r in rows if r["transcript"] == iso.name]
        own = sum(int(r["grch38_end"]) - int(r["grch38_start"]) + 1 for r in parts)
        for r in parts:
            assert int(r["c_end"]) - int(r["c_start"]) == int(r["grch38_end"]) - int(
                r["grch38_start"]
            )
            assert r["status"] == "derived" and r["source"]
        if parts:
            assert own == iso.first_shared_c - 1 + iso.c_offset  # c. numbering meets the offset
            assert own + tx.cds_length - iso.first_shared_c + 1 == 3 * (lengths[iso.name] + 1)


@pytest.mark.parametrize(
    ("row", "consequence", "hgvs_p", "classification"),
    [
        # c.532 is the T every stop codon starts with; C makes CAA/CAG (Gln) or CGA (Arg): the
        # stop is lost either way, but the new residue is not known.
        ("113132869 T C", "stop_lost", "p.?", "uncertain"),
        # c.431 is the middle G of Trp144 (TGG); A makes TAG, a stop.
        ("113132768 G A", "stop_gained", "p.(Trp144Ter)", "novel_predicted_lof"),
        # an in-frame deletion of c.430-432, Trp144's TGG, which the protein fixes whole
        ("113132766 NTGG N", "inframe_deletion", "p.(Trp144del)", "uncertain"),
    ],
)
def test_protein_changes_without_a_reference(annotate, row, consequence, hgvs_p, classification):
    pos, ref, alt = row.split()
    if "N" in ref:  # the pad base c.429 is the Gly143 wobble, not known: the record says C
        ref, alt = ref.replace("N", "C"), alt.replace("N", "C")
    report = annotate(vcf_text(["s"], [f"{pos} {ref} {alt} PASS GT 0/1"]))
    (variant,) = sample(report, "s")["variants"]
    assert variant["consequence"] == consequence
    assert variant["hgvs_p"] == hgvs_p
    assert variant["classification"] == classification
