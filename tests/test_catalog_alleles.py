"""Catalog 2026.12 (issue 14): corrected origins, the published alleles added, the Indian
deletion by its breakpoints, the Iranian frameshift kept apart from DIRA03, the intron 2 VNTR
labelled as a common polymorphism, and `catalog diff` against the previous release."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import pos, sample, vcf_text

from il1rn_annot.catalog import CATALOG_FILE, data_dir, load_catalog
from il1rn_annot.errors import CatalogError

CATALOG = load_catalog()
PREVIOUS = Path(__file__).parent / "data" / "dira_variants_2026.11.22.tsv"
SV_HEADER = ['##ALT=<ID=DEL,Description="Deletion">', '##ALT=<ID=DUP,Description="Duplication">']
GOOD = "GT:GQ:DP"


def test_version_is_2026_12():
    assert CATALOG.version == "2026.12.01"


def test_founder_origins_are_the_published_ones():
    assert "Dutch" in CATALOG.get("DIRA01").row["origin"]
    assert "Newfoundland" not in CATALOG.get("DIRA01").row["origin"]
    assert CATALOG.get("DIRA03").row["origin"].startswith("Newfoundland")
    assert "0.2%" in CATALOG.get("DIRA03").row["origin"]
    assert "Dutch" not in CATALOG.get("DIRA03").row["legacy_names"]


@pytest.mark.parametrize(
    ("entry_id", "hgvs_c", "pos38", "ref", "alt", "level"),
    [
        ("DIRA12", "c.355C>T", 113132692, "C", "T", "derived_high"),  # Q119X (Altiok 2012)
        ("DIRA15", "c.133C>T", 113129592, "C", "T", "derived_high"),  # Q45X (Brazil)
        ("DIRA16", "c.62C>G", 113127686, "C", "G", "low"),  # S21X: one unattributed table row
    ],
)
def test_new_alleles_are_rows(entry_id, hgvs_c, pos38, ref, alt, level):
    entry = CATALOG.get(entry_id)
    assert (entry.hgvs_c, entry.evidence_level, entry.classification) == (
        hgvs_c,
        level,
        "likely_pathogenic",
    )
    a, b = entry.locus("GRCh38"), entry.locus("GRCh37")
    assert (a.pos, a.ref, a.alt) == (pos38, ref, alt) and b.pos == pos("GRCh37", pos38)
    assert entry.row["coord_method"] and entry.row["sources"]


@pytest.mark.parametrize(
    ("entry_id", "row", "name"),
    [
        ("DIRA12", "113132692 C T", "Q119X"),
        ("DIRA15", "113129592 C T", "Q45X"),
        ("DIRA16", "113127686 C G", "S21X"),
    ],
)
@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_new_alleles_match_from_a_vcf(annotate, entry_id, row, name, build):
    text = vcf_text(["s"], [f"{row} PASS {GOOD} 1/1:50:30"], chrom="chr2", build=build)
    s = sample(annotate(text), "s")
    (variant,) = s["variants"]
    assert (variant["dira_id"], variant["match"]) == (entry_id, "exact")
    assert name in variant["dira_legacy_names"]
    assert s["dira_genotype"] == "biallelic"
    # S21X rests on one unattributed table row: the call is flagged for review.
    assert s["needs_review"] == (entry_id == "DIRA16")
    if entry_id == "DIRA16":
        assert any("DIRA16" in r and "evidence level low" in r for r in s["review_reasons"])


def test_r26x_is_no_longer_low_confidence(annotate):
    """DIRA10 now rests on Ulusoy 2015 (homozygous p.R26X) and a published c. name."""
    s = sample(annotate(vcf_text(["s"], [f"113127700 C T PASS {GOOD} 1/1:50:30"])), "s")
    assert s["variants"][0]["dira_id"] == "DIRA10"
    assert (s["dira_genotype"], s["needs_review"]) == ("biallelic", False)


def test_iranian_frameshift_is_known_but_never_dira03(annotate):
    """NM_001318914.2:c.54delC may be c.156del (113129614 AC>A), one base from DIRA03's
    c.156_157del: the 1-bp deletion is not DIRA03, nor the unmapped DIRA17."""
    entry = CATALOG.get("DIRA17")
    assert entry.locus("GRCh38") is None and not entry.matchable
    assert "not machine-matchable" in entry.matching
    s = sample(annotate(vcf_text(["s"], [f"113129614 AC A PASS {GOOD} 1/1:50:30"])), "s")
    (variant,) = s["variants"]
    assert variant["dira_id"] is None
    assert variant["classification"] == "novel_predicted_lof"
    assert s["dira_genotype"] != "biallelic" and s["needs_review"]
    dira03 = sample(annotate(vcf_text(["s"], [f"113129613 AAC A PASS {GOOD} 1/1:50:30"])), "s")
    assert dira03["variants"][0]["dira_id"] == "DIRA03"


def _sv(row: str, build: str) -> str:
    p, ref, alt, end, gt = row.split()
    info = f"INFO=SVTYPE={alt.strip('<>')};END={pos(build, int(end))}"
    return vcf_text(["s"], [f"{p} {ref} {alt} PASS {info} GT {gt}"], build=build, header=SV_HEADER)


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize(
    ("first", "last"),
    [
        (113107434, 113129650),  # the published positions as the deleted bases
        (113107435, 113129649),  # ... as the flanking bases (the paper leaves +-1 open)
    ],
)
def test_indian_deletion_by_its_breakpoints(annotate, build, first, last):
    text = _sv(f"{first - 1} N <DEL> {last} 1/1", build)
    s = sample(annotate(text), "s")
    (variant,) = s["variants"]
    assert (variant["dira_id"], variant["match"]) == ("DIRA11", "overlap")
    assert s["dira_genotype"] == "biallelic"


def test_a_different_deletion_of_those_exons_is_not_dira11(annotate):
    s = sample(annotate(_sv("113107000 N <DEL> 113129650 1/1", "GRCh38")), "s")
    (variant,) = s["variants"]
    assert variant["dira_id"] is None
    assert variant["classification"] == "novel_predicted_lof" and s["needs_review"]


VNTR = [
    # (record, GT, the allele it implies relative to a 4-repeat reference)
    ("113130528 N <DEL> 113130700", "0/1", "IL1RN*2"),  # 172 bp = two repeats fewer
    ("113130528 N <DEL> 113130614", "1/1", "IL1RN*4"),  # 86 bp: three repeats
    ("113130528 N <DUP> 113130614", "0/1", "IL1RN*3"),  # one more: five repeats
]


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize(("row", "gt", "name"), VNTR)
def test_vntr_records_are_labelled_not_flagged(annotate, build, row, gt, name):
    p, ref, alt, end = row.split()
    s = sample(annotate(_sv(f"{p} {ref} {alt} {end} {gt}", build)), "s")
    (variant,) = s["variants"]
    assert variant["non_dira_id"] == "CTRL12"
    assert variant["non_dira_name"].startswith(f"{name} (")
    assert "relative to a 4-repeat reference" in variant["non_dira_name"]
    assert variant["classification"] == "not_dira_risk_factor"
    assert variant["dira_id"] is None
    assert (s["dira_genotype"], s["needs_review"], s["review_reasons"]) == ("none", False, [])


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_sequence_resolved_vntr_insertion(annotate, build):
    """A long-read caller writes one extra repeat as an 86-bp insertion with its bases."""
    inserted = "ACGT" * 21 + "AC"
    text = vcf_text(["s"], [f"113130600 A A{inserted} PASS {GOOD} 0/1:50:30"], build=build)
    s = sample(annotate(text), "s")
    (variant,) = s["variants"]
    assert variant["non_dira_id"] == "CTRL12"
    assert variant["non_dira_name"].startswith("IL1RN*3 (5 repeats)")
    assert not s["needs_review"]


@pytest.mark.parametrize(
    "row",
    [
        "113130528 N <DEL> 113130613",  # 85 bp: not whole repeats
        "113129600 N <DEL> 113129772",  # 172 bp but through exon 2: not the intron 2 VNTR
    ],
)
def test_other_deletions_are_not_the_vntr(annotate, row):
    p, ref, alt, end = row.split()
    (variant,) = sample(annotate(_sv(f"{p} {ref} {alt} {end} 0/1", "GRCh38")), "s")["variants"]
    assert variant["non_dira_id"] != "CTRL12"


def test_vntr_row_is_in_the_non_dira_table():
    vntr = CATALOG.vntr()
    assert vntr is not None and vntr.id == "CTRL12" and vntr.rsid == "rs2234663"
    assert vntr.classification == "not_dira_risk_factor"
    assert "inferred" in vntr.row["coord_method"]


def test_a_double_quote_in_a_cell_is_refused(tmp_path):
    import shutil

    from il1rn_annot.catalog import NON_DIRA_FILE

    for name in (CATALOG_FILE, NON_DIRA_FILE):
        shutil.copy(data_dir() / name, tmp_path / name)
    path = tmp_path / CATALOG_FILE
    path.write_text(path.read_text().replace("\tE77X\t", '\t"E77X"\t', 1))
    with pytest.raises(CatalogError, match="double quote"):
        load_catalog(str(tmp_path))


def _diff(run, *args) -> list[list[str]]:
    result = run("catalog", "diff", *args)
    assert result.exit_code == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == ["change", "id", "field", "old", "new", "may_change_calls"]
    return lines[1:]


def test_catalog_diff_against_the_previous_release(run):
    rows = _diff(run, PREVIOUS)
    assert ["version", "", "catalog_version", "2026.11.22", "2026.12.01", ""] in rows
    kinds = {(r[0], r[1]) for r in rows}
    assert {("added", "DIRA15"), ("added", "DIRA16"), ("added", "DIRA17")} <= kinds
    assert ("merged", "DIRA13") in kinds
    merged = next(r for r in rows if r[:2] == ["merged", "DIRA13"])
    assert merged[4] == "DIRA10"
    origin = next(r for r in rows if r[:3] == ["changed", "DIRA01", "origin"])
    assert "Newfoundland" in origin[3] and "Dutch" in origin[4] and origin[5] == ""
    # Changes that can alter a call are marked, so a lab knows which samples to re-review.
    assert ["changed", "DIRA10", "evidence_level", "low", "derived_high", "yes"] in rows
    assert ["changed", "DIRA11", "grch38_pos", "", "113107434", "yes"] in rows
    assert next(r for r in rows if r[:2] == ["added", "DIRA15"])[5] == "yes"
    assert next(r for r in rows if r[:2] == ["added", "DIRA17"])[5] == ""  # no coordinates


def test_catalog_diff_of_identical_tables_is_empty(run):
    assert _diff(run, data_dir() / CATALOG_FILE) == []


def test_catalog_diff_call_fields_are_catalog_columns():
    # A misspelt field would never be marked may_change_calls.
    from il1rn_annot.catalog import CATALOG_COLUMNS
    from il1rn_annot.catalog_diff import CALL_FIELDS

    assert CALL_FIELDS.issubset(CATALOG_COLUMNS)


def test_catalog_diff_between_two_files(run, tmp_path):
    old = tmp_path / "old.tsv"
    old.write_text(
        (data_dir() / CATALOG_FILE)
        .read_text()
        .replace("\t113131068\t113131068\t", "\t113131069\t113131069\t", 1)
    )
    rows = _diff(run, old, data_dir() / CATALOG_FILE)
    assert rows == [
        ["changed", "DIRA01", "grch38_pos", "113131069", "113131068", "yes"],
        ["changed", "DIRA01", "grch38_end", "113131069", "113131068", "yes"],
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "cannot read the catalog"),
        ("hello\n", "not a catalog table"),
        ("id\tx\nA\t1\t2\n", "line 2: 3 cells, expected 2"),
    ],
)
def test_catalog_diff_bad_file_is_an_input_error(run, tmp_path, text, message):
    path = tmp_path / "old.tsv"
    if text is not None:
        path.write_text(text)
    result = run("catalog", "diff", path)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"il1rn-annot: error: {path}: ") and message in result.stderr
    assert result.stdout == ""


def test_vntr_deletion_is_not_contradicted_by_exon_depth(tmp_path, run):
    """Read depth over the coding exons says nothing about an intron 2 repeat: two copies of
    every exon beside a VNTR deletion is no conflict (it was 'indeterminate')."""
    from conftest import write_input
    from test_depth import Layout, write_alignments

    bam = write_alignments(tmp_path / "two.bam", "GRCh38", "2", Layout(samples=("S",)))
    text = vcf_text(
        ["S"],
        ["113130528 N <DEL> PASS INFO=SVTYPE=DEL;END=113130700 GT 0/1"],
        header=SV_HEADER,
    )
    result = run("annotate", write_input(tmp_path, "in", text), "--bam", f"S={bam}")
    assert result.exit_code == 0, result.stderr
    s = sample(result.json(), "S")
    assert s["variants"][0]["non_dira_id"] == "CTRL12"
    assert (s["dira_genotype"], s["needs_review"]) == ("none", False)


def test_catalog_diff_cells_are_safe_for_a_spreadsheet(run, tmp_path):
    """OLD.tsv is the user's file: a cell that a spreadsheet would run as a formula is written
    with a leading ' (as in the reports), and a tab inside a value cannot break the row."""
    bundled = (data_dir() / CATALOG_FILE).read_text().splitlines(keepends=True)
    header = next(i for i, line in enumerate(bundled) if line.startswith("id\t"))
    columns = bundled[header].rstrip("\n").split("\t")
    row = bundled[header + 1].rstrip("\n").split("\t")
    row[columns.index("notes")] = '=HYPERLINK("http://x","y")'
    old = tmp_path / "old.tsv"
    old.write_text(
        "".join(bundled[: header + 1]) + "\t".join(row) + "\n" + "".join(bundled[header + 2 :])
    )
    rows = _diff(run, old)
    notes = next(r for r in rows if r[2] == "notes")
    assert notes[3] == '\'=HYPERLINK("http://x","y")'
    assert all(len(r) == 6 for r in rows)


@pytest.mark.parametrize(
    ("entry_id", "row"), [("DIRA10", "113127700 C T"), ("DIRA16", "113127686 C G")]
)
def test_curated_nonsense_allele_says_stop_gained_without_fasta(annotate, entry_id, row):
    """Exon 1 nonsense alleles whose codons' other bases are unknown without --fasta: the
    consequence follows the catalog's curated p.(…Ter), never a generic coding change."""
    report = annotate(vcf_text(["s"], [f"{row} PASS {GOOD} 0/1:50:30"]))
    (record,) = [r for r in report["records"] if r["dira_id"] == entry_id]
    assert record["consequence"] == "stop_gained"
    assert record["hgvs_p"].endswith("Ter)")
    assert record["warnings"] == [
        f"stop_gained from the catalog's {record['hgvs_p']}: without --fasta the codon's "
        "other bases are not read"
    ]
    assert sample(report, "s")["dira_genotype"] == "monoallelic"


def test_a_novel_snv_with_an_unknown_codon_stays_a_coding_change(annotate):
    """Outside the catalog nothing curated names the protein change: without --fasta the
    codon is unread, and the allele stays open. (S21X's site, another ALT: TCN becomes TAN,
    a stop or Tyr; the REF C is the catalog's.)"""
    report = annotate(vcf_text(["s"], [f"113127686 C A PASS {GOOD} 0/1:50:30"]))
    (record,) = report["records"]
    assert record["dira_id"] is None
    assert record["consequence"] == "coding_sequence_variant"
    assert any(w.startswith("codon not fixed") for w in record["warnings"])
