"""Spreadsheet safety (issue 10, part 10): TSV cells that come from the input and start with
=, +, -, @, tab or CR get a ' in front (OWASP, CSV Injection), so a spreadsheet shows them as
text; tabs and newlines inside a value cannot break a row; the tool's own cells are untouched;
the JSON and the notebook DataFrames keep the raw values (they are not spreadsheets)."""

from __future__ import annotations

import csv
import io
import json

import pysam
import pytest
from conftest import vcf_text, write_input

from il1rn_annot import annotate
from il1rn_annot.report.tsv import COLUMNS, RECORD_COLUMNS, TOOL_COLUMNS, neutralized, one_line

HYPERLINK = '=HYPERLINK("http://x","y")'
SAMPLES = [HYPERLINK, "+1", "-2", "@SUM(A1)", "NA12878 blood"]
SHOWN = ["'" + HYPERLINK, "'+1", "'-2", "'@SUM(A1)", "NA12878 blood"]
E77X = "113131068 G T PASS GT:GQ:DP " + " ".join(["0/1:99:30"] * len(SAMPLES))
UPSTREAM = "113110686 C T PASS GT:GQ:DP " + " ".join(["0/1:99:30"] * len(SAMPLES))


def _with_id(text: str, record_id: str) -> str:
    """The VCF text with ``record_id`` as the ID of the E77X record."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        fields = line.split("\t")
        if not line.startswith("#") and fields[1] == "113131068":
            fields[2] = record_id
            lines[n] = "\t".join(fields)
    return "\n".join(lines) + "\n"


@pytest.fixture
def hostile(tmp_path):
    """A VCF whose sample names and record ID are formulas."""
    text = _with_id(vcf_text(SAMPLES, [UPSTREAM, E77X]), "=1+1")
    return write_input(tmp_path, "hostile", text)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_sample_names_from_the_input_are_neutralized(hostile, run):
    result = run("annotate", hostile, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    rows = _rows(result.stdout)
    assert all(len(row) == len(COLUMNS) for row in rows)
    samples = [row[COLUMNS.index("sample")] for row in rows[1:]]
    assert list(dict.fromkeys(samples)) == SHOWN
    calls = {row[1]: row[2] for row in rows[1:]}
    assert calls["'" + HYPERLINK] == "monoallelic"


def test_record_id_is_neutralized_and_tool_cells_are_kept(hostile, run):
    result = run("annotate", hostile, "--format", "tsv", "--per", "record")
    assert result.exit_code == 0, result.stderr
    rows = [dict(zip(RECORD_COLUMNS, row, strict=True)) for row in _rows(result.stdout)[1:]]
    by_pos = {row["pos"]: row for row in rows}
    assert by_pos["113131068"]["id"] == "'=1+1"
    # HGVS that the tool writes and that holds a '-' stays as written: c.-16939C>T
    assert by_pos["113110686"]["hgvs_c"] == "NM_173842.3:c.-16939C>T"
    assert by_pos["113131068"]["hgvs_p"] == "p.(Glu77Ter)"
    assert not any(row[c].startswith("'") for row in rows for c in TOOL_COLUMNS if c in row)


def test_json_keeps_the_raw_names(hostile, run):
    result = run("annotate", hostile)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["sample"] for s in report["samples"]] == SAMPLES
    assert {r["id"] for r in report["records"]} == {"=1+1", None}


def test_dataframe_keeps_raw_values_and_the_tsv_does_not(hostile, run, tmp_path):
    """The documented difference (docs/api.md): analysts get the input's values, spreadsheets
    get neutralized cells; everything else is the same."""
    import pandas as pd

    from il1rn_annot.api import read_tsv

    tsv = tmp_path / "calls.tsv"
    assert run("annotate", hostile, "-o", tsv).exit_code == 0
    frame = annotate(hostile).to_dataframe()
    read = read_tsv(tsv)
    assert list(dict.fromkeys(frame["sample"])) == SAMPLES
    assert list(dict.fromkeys(read["sample"])) == SHOWN
    pd.testing.assert_frame_equal(
        frame.drop(columns="sample"), read.drop(columns="sample"), check_dtype=True
    )


def test_a_path_that_starts_like_a_formula_is_neutralized(tmp_path, run, monkeypatch):
    (tmp_path / "=cmd").mkdir()
    write_input(tmp_path / "=cmd", "in", vcf_text(["S"], ["113131068 G T PASS GT 0/1"]))
    monkeypatch.chdir(tmp_path)
    result = run("annotate", "=cmd/in.vcf.gz", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert _rows(result.stdout)[1][:3] == ["'=cmd/in.vcf.gz", "S", "monoallelic"]


def _bcf_with_id(tmp_path, record_id: str):
    """A BCF whose record ID holds characters a VCF line cannot: BCF stores it as it is."""
    plain = write_input(tmp_path, "in", vcf_text(["S"], ["113131068 G T PASS GT 0/1"]), "vcf")
    bcf = tmp_path / "tabs.bcf"
    with (
        pysam.VariantFile(str(plain)) as src,
        pysam.VariantFile(str(bcf), "wb", header=src.header) as out,
    ):
        for record in src:
            record.id = record_id
            out.write(record)
    return bcf


@pytest.mark.parametrize(("record_id", "cell"), [("-a\nc", "'-a\\nc"), ("x\ry", "x\\ry")])
def test_newlines_in_an_id_cannot_break_a_row(tmp_path, run, record_id, cell):
    bcf = _bcf_with_id(tmp_path, record_id)
    result = run("annotate", bcf, "--format", "tsv", "--per", "record")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.split("\n")
    assert len(lines) == 3 and lines[2] == ""  # header, one row, the final newline
    row = dict(zip(RECORD_COLUMNS, lines[1].split("\t"), strict=True))
    assert row["id"] == cell
    assert row["dira_id"] == "DIRA01"


def test_a_tab_in_a_bcf_id_is_a_malformed_record(tmp_path, run):
    """The reader refuses it (a tab cannot be in a VCF field), so it never reaches a cell."""
    bcf = _bcf_with_id(tmp_path, "a\tb")
    result = run("annotate", bcf, "--format", "tsv", "--per", "record")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.startswith("il1rn-annot: error: ") and "malformed" in result.stderr


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\\t=1"),
        ("\r=1", "'\\r=1"),
        ("a=1", "a=1"),
        ("'=1", "'=1"),
        ("", ""),
    ],
)
def test_the_rule(raw, cell):
    assert one_line(neutralized(raw)) == cell
