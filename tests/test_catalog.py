"""The curated tables load, hold what the evidence says, and fail loudly when a row is wrong."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from il1rn_annot.catalog import (
    CATALOG_FILE,
    NON_DIRA_FILE,
    data_dir,
    load_catalog,
)
from il1rn_annot.errors import CatalogError
from il1rn_annot.genome import GRCH37_OFFSET

CATALOG = load_catalog()


def test_catalog_version_and_checksum():
    assert CATALOG.version.count(".") == 2 and CATALOG.version.startswith("20")
    raw = (data_dir() / CATALOG_FILE).read_bytes()
    assert CATALOG.sha256 == hashlib.sha256(raw).hexdigest()


def test_every_row_is_there_with_sources():
    ids = [e.id for e in CATALOG.entries]
    assert ids[0] == "DIRA01" and "DIRA07B" in ids and len(ids) == 17
    assert "DIRA13" not in ids and CATALOG.get("DIRA10").merged_ids == ("DIRA13",)
    for entry in CATALOG.entries:
        assert entry.pmids or entry.clinvar_id or entry.row["sources"], entry.id
        assert entry.row["coord_method"], entry.id


@pytest.mark.parametrize(
    ("entry_id", "pos38", "ref", "alt"),
    [
        ("DIRA01", 113131068, "G", "T"),  # ClinVar, both builds
        ("DIRA02", 113129619, "C", "T"),
        ("DIRA03", 113129613, "AAC", "A"),
        ("DIRA05", 113129598, "AC", "A"),
        ("DIRA08", 113131159, "T", "G"),
        ("DIRA10", 113127700, "C", "T"),
    ],
)
def test_confirmed_coordinates(entry_id, pos38, ref, alt):
    entry = CATALOG.get(entry_id)
    a, b = entry.locus("GRCh38"), entry.locus("GRCh37")
    assert (a.pos, a.ref, a.alt) == (pos38, ref, alt)
    assert b.pos == pos38 + GRCH37_OFFSET


def test_open_bases_are_n_never_guessed():
    # The DIRA06 pad (c.210) and DIRA07's c.393 are not known: they stay N.
    assert CATALOG.get("DIRA06").locus("GRCh38").ref.startswith("N")
    assert CATALOG.get("DIRA07").locus("GRCh38").ref == "NC"
    for entry in CATALOG.entries:
        locus = entry.locus("GRCh38")
        if locus is not None and "N" in locus.ref and not locus.symbolic:
            assert entry.row["unverified"], entry.id


def test_unknown_rows_stay_listed_but_not_matchable():
    unknown = [e.id for e in CATALOG.entries if e.locus("GRCh38") is None]
    assert unknown == ["DIRA09", "DIRA14", "DIRA17"]
    assert all(not CATALOG.get(i).matchable for i in unknown)
    assert not CATALOG.get("DIRA04").matchable  # large deletion: needs SV evidence


def test_competing_readings_are_low_confidence_and_mutual():
    a, b = CATALOG.get("DIRA07"), CATALOG.get("DIRA07B")
    assert (a.alternative_to, b.alternative_to) == ("DIRA07B", "DIRA07")
    assert a.low_confidence and b.low_confidence


def test_non_dira_table_has_the_controls():
    ids = [e.id for e in CATALOG.non_dira]
    assert ids[:2] == ["CTRL01", "CTRL02"] and "CTRL13" in ids
    assert {e.classification for e in CATALOG.non_dira} <= {
        "known_benign",
        "uncertain",
        "not_dira_risk_factor",
    }


def test_catalog_list_command(run):
    result = run("catalog", "list")
    assert result.exit_code == 0
    assert "catalog_version" not in result.stdout  # the table is plain TSV
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id\tname\tlegacy_names\t")
    by_id = {line.split("\t")[0]: line for line in lines[1:]}
    assert "known, not machine-matchable" in by_id["DIRA09"]
    assert "allele match" in by_id["DIRA01"]
    assert "2:113131068 G>T" in by_id["DIRA01"]


def test_catalog_show_command(run):
    result = run("catalog", "show", "dira03")
    assert result.exit_code == 0
    assert "hgvs_c\tc.156_157del" in result.stdout
    assert run("catalog", "show", "DIRA99").exit_code == 2


def _corrupt(tmp_path: Path, old: str, new: str, table: str = CATALOG_FILE) -> str:
    for name in (CATALOG_FILE, NON_DIRA_FILE):
        shutil.copy(data_dir() / name, tmp_path / name)
    text = (tmp_path / table).read_text()
    assert old in text
    (tmp_path / table).write_text(text.replace(old, new, 1))
    return str(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("# catalog_version:", "# version:", "catalog_version"),
        ("DIRA02\t", "DIRA01\t", "duplicate"),
        ("\t113888645\t113888645\t", "\t113888646\t113888646\t", "757577"),
        ("\tpathogenic\tClinVar VCV000014676", "\tbenign\tClinVar VCV000014676", "classification"),
        ("113129613:AACAA", "113129613:AGCAA", "context disagree"),
        ("\tDIRA07B\t\t2\t113132730", "\tDIRA99\t\t2\t113132730", "alternative_to"),
        ("id\tlegacy_names", "identifier\tlegacy_names", "columns"),
        ("\t113131068\t113131068\tG\tT", "\t113131068\t113131069\tG\tT", "end"),
    ],
)
def test_validation_failures(tmp_path, old, new, message):
    directory = _corrupt(tmp_path, old, new)
    with pytest.raises(CatalogError, match=message):
        load_catalog(directory)


def test_open_ref_base_needs_a_reason(tmp_path):
    text = (data_dir() / CATALOG_FILE).read_text()
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("id\t")).split("\t")
    row = next(line for line in lines if line.startswith("DIRA06\t"))
    unverified = row.split("\t")[header.index("unverified")]
    directory = _corrupt(tmp_path, "\t" + unverified + "\t", "\t\t")
    with pytest.raises(CatalogError, match="unverified"):
        load_catalog(directory)


def test_non_dira_table_is_validated(tmp_path):
    directory = _corrupt(tmp_path, "\tknown_benign\t", "\tpathogenic\t", NON_DIRA_FILE)
    with pytest.raises(CatalogError, match="classification"):
        load_catalog(directory)


def test_readme_catalog_section_is_this_catalog():
    # README "The catalog": twelve rows matched by allele, two deletions (DIRA04 by overlap,
    # DIRA11 by breakpoints), DIRA07/DIRA07B and DIRA16 the low-confidence located rows.
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    bullet = readme.split("**Matched by allele** (twelve rows)", 1)[1].split("- **", 1)[0]
    assert len(CATALOG.matchable()) == 12
    for e in CATALOG.matchable():
        assert any(name in bullet for name in (e.id, e.hgvs_c, *e.legacy_names)), e.id
    assert [(e.id, e.exact_breakpoints) for e in CATALOG.deletions()] == [
        ("DIRA04", False),
        ("DIRA11", True),
    ]
    located_low = [e.id for e in CATALOG.entries if e.low_confidence and e.locus("GRCh38")]
    assert located_low == ["DIRA07", "DIRA07B", "DIRA16"]
