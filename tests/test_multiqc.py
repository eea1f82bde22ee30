"""The MultiQC table (issue 10, part 6): every batch with --output-dir writes il1rn_dira_mqc.tsv,
and real MultiQC (the test extra installs it) shows its section with a row per sample.

MultiQC runs offline: --no-version-check and MULTIQC_NO_VERSION_CHECK, with HOME and the working
directory in the test's temp dir so no user config is read.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.report.multiqc import FAILED, FILE_NAME, Row, render_table

MULTIQC = Path(sys.executable).parent / "multiqc"
CARRIER = "113131068 G T PASS GT:GQ:DP 0/1:99:30"
HOMOZYGOTE = "113131068 G T PASS GT:GQ:DP 1/1:99:30"


def e77x(*genotypes: str) -> str:
    """The E77X record with one well-supported call per sample."""
    return "113131068 G T PASS GT:GQ:DP " + " ".join(f"{gt}:99:30" for gt in genotypes)


#: Input name -> (samples, the one record's row).
PLATE = {
    "plate_a": (["P1", "P2", "SHARED"], e77x("1/1", "0/1", "0/0")),
    "plate_b": (["P3", "SHARED"], e77x("0/1", "1/1")),
    "odd_names": (["#hash", "=1+1"], e77x("0/0", "0/1")),
}
EXPECTED = {
    "P1": "biallelic",
    "P2": "monoallelic",
    "plate_a | SHARED": "none",
    "P3": "monoallelic",
    "plate_b | SHARED": "biallelic",
    "'#hash": "none",
    "'=1+1": "monoallelic",
    "broken": FAILED,
}


def _table(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A batch of three VCFs (one sample name in two of them, two names a spreadsheet or
    MultiQC would misread) and a broken input, annotated by the real program."""
    where = tmp_path_factory.mktemp("batch")
    inputs = []
    for name, (samples, row) in PLATE.items():
        inputs.append(write_input(where, name, vcf_text(samples, [row])))
    broken = where / "broken.vcf"
    broken.write_text("this is not a VCF\n")
    out = where / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "il1rn_annot", "annotate", *inputs, broken, "--output-dir", out],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 4, done.stderr  # one input failed, the others were written
    return out


@pytest.fixture(scope="module")
def multiqc(batch, tmp_path_factory) -> Path:
    """Real MultiQC over the reports directory; its output directory."""
    if not MULTIQC.exists():
        pytest.skip(f"MultiQC is not installed in {MULTIQC.parent} (pip install -e '.[test]')")
    home = tmp_path_factory.mktemp("home")
    out = home / "multiqc"
    env = {**os.environ, "HOME": str(home), "MULTIQC_NO_VERSION_CHECK": "1"}
    done = subprocess.run(
        [MULTIQC, batch, "-o", out, "--no-ansi", "--no-version-check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=home,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_batch_writes_the_table_beside_the_reports(batch):
    rows = _table(batch / FILE_NAME)
    assert {r["sample"]: r["dira_genotype"] for r in rows} == EXPECTED
    assert list(rows[0]) == [
        "sample",
        "dira_genotype",
        "needs_review",
        "alleles",
        "coverage",
        "review_reasons",
        "input",
    ]


def test_table_agrees_with_the_json_reports(batch):
    """Each row says what the input's JSON report says: one source, two views."""
    rows = {r["sample"]: r for r in _table(batch / FILE_NAME)}
    for name in PLATE:
        report = json.loads((batch / f"{name}.json").read_text())
        for s in report["samples"]:
            shown = s["sample"] if s["sample"] != "SHARED" else f"{name} | SHARED"
            if shown[0] in "#=":
                shown = "'" + shown
            row = rows[shown]
            assert row["dira_genotype"] == s["dira_genotype"]
            assert row["needs_review"] == ("yes" if s["needs_review"] else "no")
            assert row["input"].endswith(f"{name}.vcf.gz")
    assert "DIRA01 c.229G>T (E77X) hom_alt (1/1)" in rows["P1"]["alleles"]
    assert rows["P1"]["coverage"].endswith("reference not proven (variant_calls)")


def test_failed_input_has_a_row_with_its_error(batch):
    row = next(r for r in _table(batch / FILE_NAME) if r["sample"] == "broken")
    assert row["dira_genotype"] == FAILED and row["needs_review"] == "yes"
    assert "broken.vcf" in row["review_reasons"]


def test_multiqc_shows_the_section_and_every_sample(multiqc):
    data = multiqc / "multiqc_data"
    table = data / "multiqc_il1rn_dira_table.txt"
    assert table.exists(), sorted(p.name for p in data.iterdir())
    rows = list(
        csv.DictReader(table.read_text().splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    assert {r["Sample"]: r["dira_genotype"] for r in rows} == EXPECTED
    saved = json.loads((data / "multiqc_data.json").read_text())
    section = saved["report_saved_raw_data"]["multiqc_il1rn_dira_table"]
    assert section["P1"]["dira_genotype"] == "biallelic"
    assert section["broken"]["dira_genotype"] == FAILED
    assert saved["report_plot_data"]["il1rn_dira_table"]["pconfig"]["title"] == (
        "il1rn-annot: DIRA genotypes"
    )
    html = (multiqc / "multiqc_report.html").read_text()
    assert 'id="il1rn_dira"' in html and "DIRA genotypes (IL1RN)" in html


def test_multiqc_did_not_look_for_a_new_version(multiqc):
    log = (multiqc / "multiqc_data" / "multiqc.log").read_text()
    assert "no_version_check" in log
    assert "api.multiqc.info" not in log


def test_no_table_without_output_dir(tmp_path, run):
    vcf = write_input(tmp_path, "one", vcf_text(["S"], [CARRIER]))
    result = run("annotate", vcf, "--format", "tsv", "-o", tmp_path / "calls.tsv")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "mqc" in p.name) == []


def test_table_is_replaced_on_a_rerun(tmp_path, run):
    vcf = write_input(tmp_path, "one", vcf_text(["S"], [CARRIER]))
    out = tmp_path / "out"
    for row, call in ((CARRIER, "monoallelic"), (HOMOZYGOTE, "biallelic")):
        vcf = write_input(tmp_path, "one", vcf_text(["S"], [row]))
        assert run("annotate", vcf, "--output-dir", out).exit_code == 0
        assert [r["dira_genotype"] for r in _table(out / FILE_NAME)] == [call]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_an_input_named_like_the_table_is_refused(tmp_path, run):
    vcf = write_input(tmp_path, "il1rn_dira_mqc", vcf_text(["S"], [CARRIER]))
    result = run("annotate", vcf, "--format", "tsv", "--output-dir", tmp_path / "out")
    assert result.exit_code == 2
    assert FILE_NAME in result.stderr and "rename that input" in result.stderr
    assert not (tmp_path / "out" / FILE_NAME).exists()


def _row(source: str, sample: str) -> Row:
    return Row(source, sample, "none", False, "-", "-", "")


def test_names_that_clash_are_prefixed_with_their_input():
    text = render_table([_row("a/x.vcf.gz", "S"), _row("b/y.bcf", "S"), _row("z.vcf", "T")])
    names = [line.split("\t")[0] for line in text.splitlines() if not line.startswith("#")]
    assert names == ["sample", "x | S", "y | S", "T"]


@pytest.mark.parametrize(
    ("sample", "shown"),
    [("=SUM(A1)", "'=SUM(A1)"), ("#1", "'#1"), ("-2", "'-2"), ("a\tb", "a\\tb"), ("NA1", "NA1")],
)
def test_names_are_safe_for_spreadsheets_and_multiqc(sample, shown):
    text = render_table([_row("in.vcf", sample)])
    data = [line for line in text.splitlines() if not line.startswith("#")]
    assert data[1].split("\t")[0] == shown
    assert len(data[1].split("\t")) == len(data[0].split("\t"))


def test_sites_only_input_has_no_row_but_the_table_is_written(tmp_path, run):
    """A file without samples is not a sample: the table is its header alone, so a pipeline
    that declares it as an output still finds it."""
    vcf = write_input(tmp_path, "sites", vcf_text([], ["113131068 G T PASS"]))
    result = run("annotate", vcf, "--output-dir", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert _table(tmp_path / "out" / FILE_NAME) == []
    text = (tmp_path / "out" / FILE_NAME).read_text()
    assert "# plot_type: 'table'" in text and text.endswith("\tinput\n")
