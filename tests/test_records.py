"""Records, not only samples (issue 10, part 1): every report annotates each record of the window
once, whether or not the file has samples; and the JSON Schema command (part 3)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import SCHEMA_PATH, vcf_text, write_input

from il1rn_annot.report.tsv import RECORD_COLUMNS

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "dira_example.vcf.gz"

#: E77X, Q54X and N52KfsX25 as a site list (ClinVar, gnomAD, a panel) writes them: no samples.
SITES = ["113129613 AAC A PASS", "113129619 C T PASS", "113131068 G T PASS"]
SITES_ONLY = vcf_text([], SITES)
EXPECTED_SITES = [
    ("DIRA03", 113129613, "AAC", "A", "N52KfsX25", "p.(Asn52LysfsTer25)"),
    ("DIRA02", 113129619, "C", "T", "Q54X", "p.(Gln54Ter)"),
    ("DIRA01", 113131068, "G", "T", "E77X", "p.(Glu77Ter)"),
]


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf"])
def test_sites_only_vcf_annotates_its_records_in_json(tmp_path, run, encoding):
    path = write_input(tmp_path, "sites", SITES_ONLY, encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["samples"] == []
    got = [
        (r["dira_id"], r["pos"], r["ref"], r["alt"], r["dira_legacy_names"][0], r["hgvs_p"])
        for r in report["records"]
    ]
    assert got == EXPECTED_SITES
    assert [r["index"] for r in report["records"]] == [0, 1, 2]
    assert {r["classification"] for r in report["records"]} == {"pathogenic"}
    assert {r["match"] for r in report["records"]} == {"exact"}
    assert [r["consequence"] for r in report["records"]] == [
        "frameshift_variant",
        "stop_gained",
        "stop_gained",
    ]
    assert all(
        r["filter"] == "PASS" and r["location"].startswith("exon") for r in report["records"]
    )


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf"])
def test_sites_only_vcf_per_record_tsv(tmp_path, run, encoding):
    path = write_input(tmp_path, "sites", SITES_ONLY, encoding)
    result = run("annotate", path, "--format", "tsv", "--per", "record")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert list(rows[0]) == list(RECORD_COLUMNS)
    assert [(r["record"], r["dira_id"], r["pos"], r["hgvs_p"]) for r in rows] == [
        (str(n), e[0], str(e[1]), e[5]) for n, e in enumerate(EXPECTED_SITES)
    ]


def test_sites_only_vcf_per_sample_tsv_has_only_a_header(tmp_path, run):
    """The default TSV stays one row per sample: no samples, no rows, and no error."""
    path = write_input(tmp_path, "sites", SITES_ONLY)
    result = run("annotate", path, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("input\tsample\t")


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf"])
def test_sites_only_vcf_summary_lists_the_records(tmp_path, run, encoding):
    path = write_input(tmp_path, "sites", SITES_ONLY, encoding)
    result = run("annotate", path, "--format", "summary")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    line = next(x for x in text.splitlines() if x.startswith("# catalogued alleles in the file:"))
    for dira_id, p, ref, alt, legacy, _ in EXPECTED_SITES:
        assert f"{dira_id} " in line and legacy in line and f"2:{p} {ref}>{alt}" in line
    assert "(the file has no samples)" in text
    records = [x for x in text.splitlines() if x.startswith("record ")]
    assert len(records) == 3
    assert "DIRA01" in records[2] and "p.(Glu77Ter)" in records[2]


def test_summary_names_no_catalogued_allele_when_there_is_none(annotate, run, tmp_path):
    path = write_input(tmp_path, "in", vcf_text(["s"], ["113131216 A T PASS GT 0/1"]))
    result = run("annotate", path, "--format", "summary")
    assert result.exit_code == 0, result.stderr
    assert "# catalogued alleles in the file: none" in result.stdout.splitlines()


def test_sample_variants_refer_to_their_record(annotate):
    text = vcf_text(
        ["a", "b"],
        ["113129619 C T PASS GT 0/1 0/0", "113131068 G C,T PASS GT 0/2 1/2"],
    )
    report = annotate(text)
    records = report["records"]
    assert [(r["pos"], r["alt"]) for r in records] == [
        (113129619, "T"),
        (113131068, "C"),
        (113131068, "T"),
    ]
    a, b = report["samples"]
    # Records, once: a sample's variant names its record and holds only its own evidence.
    assert [(v["record"], v["dira_id"], v["genotype"]) for v in a["variants"]] == [
        (0, "DIRA02", "0/1"),
        (2, "DIRA01", "0/2"),
    ]
    assert [(v["record"], v["genotype"], v["zygosity"]) for v in b["variants"]] == [
        (1, "1/2", "het"),
        (2, "1/2", "het"),
    ]
    for v in (*a["variants"], *b["variants"]):
        assert not {"pos", "ref", "alt", "hgvs_c", "classification"} & set(v)


def test_records_keep_input_coordinates_where_normalization_changed_them(annotate):
    """E77X written with a shared padding base (as in test_match): trimmed, input kept."""
    report = annotate(vcf_text([], ["113131067 AG AT PASS"]))
    (record,) = report["records"]
    assert record["dira_id"] == "DIRA01" and record["match"] == "normalized"
    assert (record["pos"], record["ref"], record["alt"]) == (113131068, "G", "T")
    assert (record["input_pos"], record["input_ref"], record["input_alt"]) == (
        113131067,
        "AG",
        "AT",
    )


def test_per_record_needs_tsv(tmp_path, run):
    path = write_input(tmp_path, "sites", SITES_ONLY)
    for fmt in ("json", "summary"):
        result = run("annotate", path, "--format", fmt, "--per", "record")
        assert result.exit_code == 2
        assert "--per record is for --format tsv" in result.stderr
        assert result.stdout == ""


def test_bundled_example_records_per_record_tsv(run):
    report = run("annotate", EXAMPLE).json()
    result = run("annotate", EXAMPLE, "--format", "tsv", "--per", "record")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert len(rows) == len(report["records"]) == 7
    assert [r["dira_id"] for r in rows if r["dira_id"]] == ["DIRA03", "DIRA02", "DIRA01"]
    carried = {v["record"] for s in report["samples"] for v in s["variants"]}
    assert carried == set(range(7))


# --- part 3: the schema command --------------------------------------------------------------


def test_schema_command_prints_the_schema_file(run):
    result = run("schema")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SCHEMA_PATH.read_text()


def test_schema_id_names_the_schema_version_reports_carry(run):
    schema = json.loads(run("schema").stdout)
    version = run("annotate", EXAMPLE).json()["schema_version"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/report-{version}.schema.json")
    assert schema["properties"]["schema_version"] == {"const": version}


def test_schema_is_strict_everywhere():
    """Every object in the schema forbids fields it does not name, so none slips in untested."""

    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object" or "object" in (node.get("type") or []):
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(json.loads(SCHEMA_PATH.read_text())))
    assert len(found) > 8
    for node in found:
        assert node.get("additionalProperties") is False, node.get("required")


def test_a_field_outside_the_schema_fails_validation(run, report_validator):
    import jsonschema

    report = run("annotate", EXAMPLE).json()
    report["records"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        report_validator.validate(report)


def test_in_process_reports_are_validated(run, monkeypatch):
    """The conftest hook: a field the schema does not name fails the run that writes it."""
    from il1rn_annot.report import json as json_writer

    report_dict = json_writer.report_dict
    monkeypatch.setattr(json_writer, "report_dict", lambda r: {**report_dict(r), "extra": 1})
    result = run("annotate", EXAMPLE)
    assert result.exit_code == 1 and "'extra' was unexpected" in result.stderr


def test_subprocess_reports_are_validated():
    """The same check in il1rn-annot subprocesses (tests/schema_hook/sitecustomize.py)."""
    import subprocess
    import sys

    code = (
        "import sys; from il1rn_annot.report import json as j; f = j.report_dict; "
        "j.report_dict = lambda r: {**f(r), 'extra': 1}; from il1rn_annot.cli import main; "
        f"sys.argv = ['il1rn-annot', 'annotate', {str(EXAMPLE)!r}]; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 1 and "'extra' was unexpected" in proc.stderr
    assert proc.stdout == ""
