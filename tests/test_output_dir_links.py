"""Issue #12 part 4: a name in --output-dir belongs to the batch. A symlink planted there (by
another user of a shared directory, or left by an earlier tool) is replaced, never followed out
of the directory: the per-input reports, the annotated VCF, the MultiQC table and the batch's
state file. `-o`, which the user names, still writes through a symlink (tests/test_output.py).
"""

from __future__ import annotations

import json

import pytest
from conftest import vcf_text, write_input

E77X_HOM = "113131068 G T PASS GT:DP:GQ 1/1:30:50"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("json", "plate.json"), ("tsv", "plate.tsv"), ("vcf", "plate.vcf.gz")],
)
def test_a_planted_report_link_is_replaced(tmp_path, run, fmt, name):
    source = write_input(tmp_path, "plate", vcf_text(("S1",), [E77X_HOM]))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    (out / name).symlink_to(victim)
    result = run("annotate", source, "--format", fmt, "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    written = out / name
    assert written.is_file() and not written.is_symlink()
    if fmt == "json":
        assert json.loads(written.read_text())["samples"][0]["dira_genotype"] == "biallelic"


def test_a_planted_multiqc_table_link_is_replaced(tmp_path, run):
    source = write_input(tmp_path, "plate", vcf_text(("S1",), [E77X_HOM]))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    (out / "il1rn_dira_mqc.tsv").symlink_to(victim)
    result = run("annotate", source, "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    table = out / "il1rn_dira_mqc.tsv"
    assert table.is_file() and not table.is_symlink() and "S1" in table.read_text()


def test_a_planted_state_link_is_not_appended_through(tmp_path, run):
    source = write_input(tmp_path, "plate", vcf_text(("S1",), [E77X_HOM]))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    (out / ".il1rn-annot-batch.jsonl").symlink_to(victim)
    result = run("annotate", source, "--output-dir", out)
    assert victim.read_text() == "keep me\n"
    # The state file's name is taken by a link: one error line (exit 5, an output failure)
    # instead of appending through it; the report itself is whole.
    assert result.exit_code == 5, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert ".il1rn-annot-batch.jsonl" in result.stderr
    assert json.loads((out / "plate.json").read_text())["samples"][0]["sample"] == "S1"
