"""Issue 12: an --output-dir holds only the last run's reports of each input. A rerun with
fewer samples (the input re-called, or --samples) left the earlier run's per-sample reports
beside the new ones, valid-looking reports of an input that no longer says so. Reports an
earlier run wrote for the same input and this run did not are removed, and named; one changed
since is not the tool's any more: named and left."""

from __future__ import annotations

import pytest
from conftest import vcf_text, write_input

ROWS = ("113131068 G T PASS GT 0/1 1/1 0/0 0/0",)
SAMPLES = ("S1", "S2", "S3", "S4")


def _reports(out) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def _split(run, path, out, *args):
    result = run("annotate", path, "--output-dir", out, "--split-samples", *args)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("how", ["--samples", "re-called"])
def test_a_rerun_with_fewer_samples_removes_the_reports_it_does_not_write(tmp_path, run, how):
    path = write_input(tmp_path, "cohort", vcf_text(SAMPLES, ROWS))
    out = tmp_path / "out"
    _split(run, path, out)
    assert _reports(out) == [*(f"cohort.{s}.json" for s in SAMPLES), "il1rn_dira_mqc.tsv"]
    if how == "--samples":
        args: tuple[str, ...] = ("--samples", "S1,S2")
    else:  # the same file, re-called without S3 and S4
        path = write_input(
            tmp_path, "cohort", vcf_text(SAMPLES[:2], ["113131068 G T PASS GT 0/1 1/1"])
        )
        args = ()
    result = _split(run, path, out, *args)
    assert _reports(out) == ["cohort.S1.json", "cohort.S2.json", "il1rn_dira_mqc.tsv"]
    assert (
        "removed 2 report(s) an earlier run wrote that this run does not: cohort.S3.json, "
        "cohort.S4.json" in result.stderr
    )
    again = _split(run, path, out, *args)  # resumed: nothing to do, nothing said
    assert "removed" not in again.stderr
    assert _reports(out) == ["cohort.S1.json", "cohort.S2.json", "il1rn_dira_mqc.tsv"]


def test_split_then_whole_keeps_only_the_last_form(tmp_path, run):
    path = write_input(tmp_path, "cohort", vcf_text(SAMPLES, ROWS))
    out = tmp_path / "out"
    _split(run, path, out)
    whole = run("annotate", path, "--output-dir", out)
    assert whole.exit_code == 0, whole.stderr
    assert _reports(out) == ["cohort.json", "il1rn_dira_mqc.tsv"]
    _split(run, path, out)
    assert "cohort.json" not in _reports(out)


def test_a_report_changed_since_is_named_and_left(tmp_path, run):
    path = write_input(tmp_path, "cohort", vcf_text(SAMPLES, ROWS))
    out = tmp_path / "out"
    _split(run, path, out)
    edited = out / "cohort.S4.json"
    edited.write_text(edited.read_text() + "\n")  # someone's own copy now
    result = _split(run, path, out, "--samples", "S1,S2")
    assert edited.exists() and not (out / "cohort.S3.json").exists()
    assert (
        "1 report(s) an earlier run wrote, changed since, are not this run's: cohort.S4.json"
        in (result.stderr)
    )


def test_another_inputs_reports_are_left(tmp_path, run):
    """Only the rerun input's own earlier reports go: b's stay, although b is not in this run."""
    a = write_input(tmp_path, "a", vcf_text(SAMPLES, ROWS))
    b = write_input(tmp_path, "b", vcf_text(SAMPLES, ROWS))
    out = tmp_path / "out"
    result = run("annotate", a, b, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    _split(run, a, out, "--samples", "S1")
    assert _reports(out) == [
        "a.S1.json",
        *(f"b.{s}.json" for s in SAMPLES),
        "il1rn_dira_mqc.tsv",
    ]
