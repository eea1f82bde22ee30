"""The names clinicians search for (E77X, N52KfsX25, 'Puerto Rican', VCV ids, rsIDs) find
catalog rows, reports carry each allele's legacy names, and `catalog list` is plain TSV."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from conftest import sample, vcf_text

from il1rn_annot.catalog import CATALOG_COLUMNS, load_catalog
from il1rn_annot.catalog_search import canonical, find, grep

CATALOG = load_catalog()
E77X = "113131068 G T"


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("E77X", ["DIRA01"]),
        ("e77x", ["DIRA01"]),
        ("p.Glu77Ter", ["DIRA01"]),
        ("p.(Glu77*)", ["DIRA01"]),
        ("NP_776214.1:p.E77*", ["DIRA01"]),
        ("c.229G>T", ["DIRA01"]),
        ("NM_173842.3:c.229G>T", ["DIRA01"]),
        ("VCV000014675", ["DIRA01"]),
        ("14675", ["DIRA01"]),
        ("rs121913161", ["DIRA01"]),
        ("Q54X", ["DIRA02"]),
        ("N52KfsX25", ["DIRA03"]),
        ("p.(Asn52LysfsTer25)", ["DIRA03"]),
        ("c.156_157delCA", ["DIRA03"]),
        ("VCV000097905", ["DIRA03"]),
        ("Puerto Rican", ["DIRA04"]),
        ("the Puerto Rican 175-kb deletion", ["DIRA04"]),
        ("c.140delC", ["DIRA05"]),
        ("c.396delC", ["DIRA07", "DIRA07B"]),  # one published name, two readings
        ("R26X", ["DIRA10"]),
        ("DIRA13", ["DIRA10"]),  # merged into DIRA10 in 2026.12.01
        ("Indian deletion", ["DIRA11"]),
        ("Q119X", ["DIRA12"]),
        ("NM_173841.2:c.364C>T", ["DIRA12"]),  # as published, on NM_173841
        ("Q45X", ["DIRA15"]),
        ("S21X", ["DIRA16"]),
        ("NM_001318914.2:c.54delC", ["DIRA17"]),
        ("rs2234663", ["CTRL12"]),
        ("IL1RN*2", ["CTRL12"]),
        ("VCV000059937", ["CTRL11"]),
    ],
)
def test_find_by_any_name(query, ids):
    assert [row.id for row in find(CATALOG, query)] == ids


@pytest.mark.parametrize(
    "query",
    [
        "c.364C>T",  # NM_173841 numbering of Q119X: on NM_173842 nothing is at c.364
        "c.156del",  # the Iranian candidate, one base from DIRA03: never DIRA03
        "E52X",  # mature-protein numbering is not a catalog name
        "Dutch founder",
    ],
)
def test_names_that_must_find_nothing(query):
    assert find(CATALOG, query) == []


def test_canonical_spellings_meet():
    assert canonical("N52KfsX25") == canonical("p.(Asn52LysfsTer25)")
    assert canonical("NM_173841.2:c.364C>T") != canonical("c.364C>T")


def test_grep_starts_coded_names_and_searches_words():
    assert [e.id for e in grep(CATALOG, "E77")] == ["DIRA01"]
    assert [e.id for e in grep(CATALOG, "Dutch")] == ["DIRA01"]
    assert [e.id for e in grep(CATALOG, "Newfoundland")] == ["DIRA03"]
    assert grep(CATALOG, "c.364") == []


def test_catalog_show_e77x_is_the_dutch_allele(run):
    result = run("catalog", "show", "E77X")
    assert result.exit_code == 0, result.stderr
    fields = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert fields["id"] == "DIRA01"
    assert "Dutch" in fields["origin"] and "Newfoundland" not in fields["origin"]
    n52 = dict(
        line.split("\t", 1)
        for line in run("catalog", "show", "N52KfsX25").stdout.split("\n")
        if line
    )
    assert n52["id"] == "DIRA03" and n52["origin"].startswith("Newfoundland")


def test_catalog_show_several_and_merged(run):
    both = run("catalog", "show", "c.396delC")
    assert both.exit_code == 0
    assert both.stdout.count("id\tDIRA07") == 2  # DIRA07 and DIRA07B, a blank line between
    assert "DIRA07, DIRA07B" in both.stderr
    merged = run("catalog", "show", "dira13")
    assert merged.exit_code == 0 and merged.stdout.startswith("id\tDIRA10\n")
    assert "DIRA13 was merged into DIRA10" in merged.stderr


def test_catalog_show_unknown_name_is_a_usage_error(run):
    result = run("catalog", "show", "X99Y")
    assert result.exit_code == 2
    assert "no allele 'X99Y'" in result.stderr and result.stdout == ""


def test_catalog_list_grep(run):
    result = run("catalog", "list", "--grep", "E77X")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[1].startswith("DIRA01\tc.229G>T\tE77X\t")
    wide = run("catalog", "list", "--all-columns", "--grep", "Puerto Rican")
    assert [line.split("\t")[0] for line in wide.stdout.splitlines()] == ["id", "DIRA04"]
    none = run("catalog", "list", "--grep", "no such allele")
    assert none.exit_code == 0 and none.stdout.splitlines()[0].startswith("id\t")
    assert "no catalog row matches" in none.stderr


def _read_table(text: str) -> tuple[list[str], list[dict]]:
    """The table as a data-analysis user reads it: pandas where installed, else csv."""
    try:
        import pandas
    except ImportError:
        reader = csv.DictReader(io.StringIO(text), delimiter="\t")
        return list(reader.fieldnames or []), list(reader)
    frame = pandas.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False)
    return list(frame.columns), frame.to_dict("records")


@pytest.mark.parametrize("wide", [False, True])
def test_catalog_list_is_plain_tsv(wide):
    """stdout starts with the header and every row has every column; the catalog version is in
    --version, and a script's stderr stays empty (a real subprocess, so stdout and stderr are
    the process's own)."""
    args = [sys.executable, "-m", "il1rn_annot", "catalog", "list"] + (
        ["--all-columns"] if wide else []
    )
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    columns, rows = _read_table(done.stdout)
    assert columns[0] == "id" and not done.stdout.startswith("#")
    if wide:
        assert columns == CATALOG_COLUMNS
    assert [r["id"] for r in rows] == [e.id for e in CATALOG.entries]
    assert all(None not in r.values() and len(r) == len(columns) for r in rows)
    assert done.stderr == ""
    version = subprocess.run(
        [sys.executable, "-m", "il1rn_annot", "--version"], capture_output=True, text=True
    )
    assert f"catalog {CATALOG.version} sha256 {CATALOG.sha256}" in version.stdout


def test_catalog_list_names_its_version_on_a_terminal():
    """A person at a terminal sees which catalog the table comes from, on stderr."""
    import os
    import pty

    main, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "il1rn_annot", "catalog", "list"],
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
            check=True,
        )
        os.close(secondary)
        seen = os.read(main, 4096).decode()
    finally:
        os.close(main)
    assert f"# catalog_version {CATALOG.version} sha256 {CATALOG.sha256}" in seen
    assert done.stdout.startswith("id\t")


@pytest.mark.parametrize("fmt", ["json", "tsv", "summary"])
def test_reports_carry_legacy_names(tmp_path, run, fmt):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["s"], ["113129613 AAC A PASS GT 0/0", f"{E77X} PASS GT 1/1"]))
    result = run("annotate", path, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        (variant,) = sample(result.json(), "s")["variants"]
        assert (variant["dira_id"], variant["dira_legacy_names"]) == ("DIRA01", ["E77X"])
    elif fmt == "tsv":
        rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
        assert rows[0]["dira_id"] == "DIRA01" and rows[0]["dira_legacy_names"] == "E77X"
    else:
        assert "DIRA01 c.229G>T (E77X) hom_alt (1/1)" in result.stdout


def test_deletion_names_carry_legacy_names(annotate):
    row = "113107433 N <DEL> PASS INFO=SVTYPE=DEL;END=113129650"
    (variant,) = sample(annotate(vcf_text(["s"], [f"{row} GT 0/1"])), "s")["variants"]
    assert variant["dira_id"] == "DIRA11"
    assert variant["dira_name"] == "22,216-bp deletion"
    assert "Indian 22-kb deletion" in variant["dira_legacy_names"]
