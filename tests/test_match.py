"""Normalization and allele matching: every representation of a catalog allele matches, with
and without a reference FASTA; nothing else does."""

from __future__ import annotations

import pytest
from conftest import ENCODINGS, pos, sample, shared_files, vcf_text
from reference import write_fasta

from il1rn_annot.catalog import load_catalog
from il1rn_annot.match import same_haplotype
from il1rn_annot.model import Allele

CATALOG = load_catalog()
GOOD = "GT:GQ:DP"
#: A concrete base for each open (N) catalog base, so a record can be written.
FILL = {"DIRA06": "G", "DIRA07": "C"}


@pytest.fixture(scope="session")
def fasta(tmp_path_factory):
    return shared_files(tmp_path_factory, "ref", write_fasta)


def record_of(entry_id: str) -> tuple[int, str, str]:
    locus = CATALOG.get(entry_id).locus("GRCh38")
    fill = FILL.get(entry_id, "")
    return locus.pos, locus.ref.replace("N", fill), locus.alt.replace("N", fill)


MATCHABLE = [e.id for e in CATALOG.matchable()]


def test_every_coordinate_row_but_the_deletion_is_matchable():
    assert MATCHABLE == [
        "DIRA01", "DIRA02", "DIRA03", "DIRA05", "DIRA06", "DIRA07", "DIRA07B", "DIRA08", "DIRA10",
        "DIRA12", "DIRA15", "DIRA16",
    ]  # fmt: skip


@pytest.mark.parametrize("entry_id", MATCHABLE)
@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize("chrom", ["2", "chr2"])
@pytest.mark.parametrize(("gt", "expected"), [("1/1", "biallelic"), ("0/1", "monoallelic")])
def test_each_catalog_allele(annotate, entry_id, build, chrom, gt, expected):
    p, ref, alt = record_of(entry_id)
    text = vcf_text(["s"], [f"{p} {ref} {alt} PASS {GOOD} {gt}:50:30"], chrom=chrom, build=build)
    report = annotate(text)
    s = sample(report, "s")
    assert s["dira_genotype"] == expected
    (variant,) = s["variants"]
    assert variant["dira_id"] == entry_id
    assert variant["match"] == "exact"
    assert variant["pos"] == pos(build, p) and variant["chrom"] == chrom
    assert variant["zygosity"] == ("hom_alt" if gt == "1/1" else "het")
    assert report["input"]["build"] == build
    low = CATALOG.get(entry_id).low_confidence
    assert s["needs_review"] == low
    if low:
        assert any(entry_id in r for r in s["review_reasons"])


# The same deletion written as callers write it: right-shifted, extra padding, 3' HGVS form.
SHIFTED = [
    ("DIRA03", "113129614 ACA A"),  # c.156_157del, the HGVS 3' form
    ("DIRA03", "113129612 NAAC NA"),  # extra padding base to the left (N filled below)
    ("DIRA03", "113129613 AACA AA"),  # extra trailing base
    ("DIRA05", "113129599 CC C"),  # right-shifted in the CC run (c.141 = C)
    ("DIRA06", "113131051 TAGATGTGGTACCCAT T"),  # c.213_227del, 3'-most
    ("DIRA06", "113131050 ATAGATGTGGTACCCA A"),  # one step right
    ("DIRA06", "113131048 AGATAGATGTGGTACCC AG"),  # two padding bases
    ("DIRA07", "113132729 GC G"),  # the left-normalized form if c.393 = C
    ("DIRA07", "113132732 CC C"),  # 3'-most: deletes c.396
]


def _with_pad(row: str, fasta_base: str = "T") -> str:
    return row.replace("NAAC NA", f"{fasta_base}AAC {fasta_base}A")


@pytest.mark.parametrize(("entry_id", "row"), SHIFTED)
@pytest.mark.parametrize("use_fasta", [False, True])
def test_shifted_representations_match(annotate, fasta, entry_id, row, use_fasta):
    base_at_112 = "" if not use_fasta else None
    args = ["--fasta", str(fasta)] if use_fasta else []
    if use_fasta:
        import pysam

        base_at_112 = pysam.FastaFile(str(fasta)).fetch("chr2", 113129611, 113129612)
    text = vcf_text(["s"], [f"{_with_pad(row, base_at_112 or 'T')} PASS GT 1/1"], chrom="chr2")
    report = annotate(text, *args)
    (variant,) = sample(report, "s")["variants"]
    assert variant["dira_id"] == entry_id
    assert variant["match"] == "normalized"
    assert sample(report, "s")["dira_genotype"] == "biallelic"
    if use_fasta:
        # Fully left-aligned: the input form is kept beside it.
        locus = CATALOG.get(entry_id).locus("GRCh38")
        assert variant["pos"] <= locus.pos + 1
        assert variant["input_pos"] is not None or variant["pos"] == int(row.split()[0])


@pytest.mark.parametrize(
    ("row", "left"),
    [
        ("113129614 ACA A", (113129613, "AAC", "A")),
        ("113131051 TAGATGTGGTACCCAT T", (113131049, "GATAGATGTGGTACCC", "G")),
    ],
)
def test_fasta_left_aligns_and_keeps_input(annotate, fasta, row, left):
    report = annotate(vcf_text(["s"], [f"{row} PASS GT 0/1"], chrom="chr2"), "--fasta", fasta)
    (variant,) = sample(report, "s")["variants"]
    assert (variant["pos"], variant["ref"], variant["alt"]) == left
    p, ref, alt = row.split()
    assert (variant["input_pos"], variant["input_ref"], variant["input_alt"]) == (int(p), ref, alt)


@pytest.mark.parametrize(
    ("row", "expected", "classification", "consequence"),
    [
        # deletes one A next to DIRA03: another allele, a frameshift outside the catalog
        ("113129613 AA A", "none", "novel_predicted_lof", "frameshift_variant"),
        # other ALT at the E77X site: Glu77Gln, proves E77X absent there
        ("113131068 G C", "none", "uncertain", "missense_variant"),
        # Indels over a catalog site are other alleles too, but they may hide or remove the
        # catalog allele on that haplotype: never 'none'.
        ("113129614 AC A", "indeterminate", "novel_predicted_lof", "frameshift_variant"),
        (
            "113131067 C CT",
            "indeterminate",
            "novel_predicted_lof",
            "frameshift_variant&stop_gained",
        ),  # T+GA: TGA at Glu77
        (
            "113131049 GATAGATGTGGTACC G",
            "indeterminate",
            "novel_predicted_lof",
            "frameshift_variant",
        ),
        ("113132723 AC ACC", "indeterminate", "novel_predicted_lof", "frameshift_variant"),
    ],
)
def test_near_misses_do_not_match(annotate, row, expected, classification, consequence):
    report = annotate(vcf_text(["s"], [f"{row} PASS GT 1/1"]))
    (variant,) = sample(report, "s")["variants"]
    assert variant["dira_id"] is None
    assert variant["classification"] == classification
    assert variant["consequence"] == consequence
    s = sample(report, "s")
    assert s["dira_genotype"] == expected
    if expected == "indeterminate":
        assert any("another allele" in r for r in s["review_reasons"])
    if classification == "novel_predicted_lof":
        assert any("novel predicted loss-of-function" in r for r in s["review_reasons"])


def test_record_ref_disagreeing_with_the_catalog_does_not_match(annotate):
    # A right-shifted DIRA03 whose REF contradicts the confirmed context (C at c.157, not A).
    report = annotate(vcf_text(["s"], ["113129614 ACC A PASS GT 1/1"]))
    assert sample(report, "s")["variants"][0]["dira_id"] is None


CONTROLS = [e for e in CATALOG.non_dira if e.loci["GRCh38"] and not e.loci["GRCh38"].symbolic]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_controls_never_match(annotate, control, build):
    locus = control.loci["GRCh38"]
    text = vcf_text(["s"], [f"{locus.pos} {locus.ref} {locus.alt} PASS GT 1/1"], build=build)
    report = annotate(text)
    s = sample(report, "s")
    assert s["dira_genotype"] == "none"
    variants = s["variants"]
    window = report["input"]["window"]
    if not window["start"] <= pos(build, locus.pos) <= window["end"]:
        assert variants == []  # outside the IL1RN window: not read at all
        return
    (variant,) = variants
    assert variant["dira_id"] is None
    assert variant["non_dira_id"] == control.id
    assert variant["classification"] == control.classification


@pytest.mark.parametrize(
    ("gt", "expected", "zygosity"),
    [
        ("1/2", "monoallelic", "het"),  # ALT 2 is E77X, ALT 1 is not pathogenic
        ("2/2", "biallelic", "hom_alt"),
        ("0/2", "monoallelic", "het"),
        ("1/1", "none", None),
    ],
)
def test_multiallelic_record_pathogenic_allele_second(annotate, gt, expected, zygosity):
    report = annotate(vcf_text(["s"], [f"113131068 G C,T PASS GT {gt}"]))
    s = sample(report, "s")
    assert s["dira_genotype"] == expected
    hits = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
    assert [v["zygosity"] for v in hits] == ([zygosity] if zygosity else [])
    assert all(v["alt"] == "T" and v["genotype"] == gt for v in hits)


def test_multiallelic_one_two_with_both_pathogenic_is_biallelic(annotate):
    # One record spanning DIRA05 (c.140 C deleted) and DIRA03 (c.155_156 AC deleted):
    # a 1/2 genotype puts one on each haplotype, so it is biallelic, phased by construction.
    ref = "ACGT" + "TCCAGAATCTG" + "AAC"  # 113129598-113129615; bases between are the record's
    alt1 = "A" + ref[2:]
    alt2 = ref[:-2]
    report = annotate(vcf_text(["s"], [f"113129598 {ref} {alt1},{alt2} PASS GT 1/2"]))
    s = sample(report, "s")
    assert {v["dira_id"] for v in s["variants"]} == {"DIRA05", "DIRA03"}
    assert all(v["zygosity"] == "het" for v in s["variants"])
    assert s["dira_genotype"] == "biallelic"


def test_trimmed_padding_reports_input(annotate):
    report = annotate(vcf_text(["s"], ["113131067 AG AT PASS GT 0/1"]))
    (variant,) = sample(report, "s")["variants"]
    assert (variant["pos"], variant["ref"], variant["alt"]) == (113131068, "G", "T")
    assert (variant["input_pos"], variant["input_ref"], variant["input_alt"]) == (
        113131067,
        "AG",
        "AT",
    )
    assert variant["dira_id"] == "DIRA01" and variant["match"] == "normalized"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_gvcf_placeholder_alleles_are_not_variants(annotate, encoding):
    rows = ["113131068 G T,<NON_REF> PASS GT 0/1", "113131069 A <NON_REF> PASS GT 0/0"]
    report = annotate(vcf_text(["s"], rows), encoding=encoding)
    variants = sample(report, "s")["variants"]
    assert [v["alt"] for v in variants] == ["T"]


def test_same_haplotype_needs_known_bases():
    # Without the base between them, two deletions one base apart cannot be proven equal.
    assert not same_haplotype(Allele(100, "AC", "A"), Allele(103, "CC", "C"))
    assert same_haplotype(Allele(100, "AC", "A"), Allele(103, "CC", "C"), {102: "C"})
    assert not same_haplotype(Allele(100, "AC", "A"), Allele(103, "CC", "C"), {102: "G"})


def test_fasta_ref_mismatch_is_reported_not_hidden(annotate, fasta):
    # The synthetic reference has A at c.154 (113129613); a record claiming G there disagrees.
    report = annotate(
        vcf_text(["s"], ["113129613 GAC G PASS GT 0/1"], chrom="chr2"), "--fasta", fasta
    )
    (variant,) = sample(report, "s")["variants"]
    assert variant["warnings"] and variant["warnings"][0].startswith("ref_mismatch")
    assert variant["dira_id"] is None
