"""Cohorts: --samples/--samples-file select samples; --split-samples writes one report per
sample into --output-dir, under names that can never leave it or overwrite each other."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ENCODINGS, vcf_text, write_input

from il1rn_annot.report.split import encoded, file_name

E77X = "113131068 G T PASS GT:DP:GQ"
Q54X = "113129619 C T PASS GT:DP:GQ"
SAMPLES = ("S1", "S2", "S3", "S4")
ROWS = (
    f"{Q54X} 0/1:30:50 0/0:30:50 0/0:5:50 0/0:30:50",
    f"{E77X} 0/1:30:50 1/1:30:50 0/0:30:50 ./.:.:.",
)


def _cohort(tmp_path, samples=SAMPLES, rows=ROWS, encoding="vcf.gz+tbi", name="cohort"):
    return write_input(tmp_path, name, vcf_text(samples, rows), encoding)


def _by_sample(report: dict) -> dict[str, dict]:
    return {s["sample"]: s for s in report["samples"]}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_samples_subset_is_the_full_reports_samples(tmp_path, run, encoding):
    """Each selected sample is reported as in the full report, in the file's order."""
    path = _cohort(tmp_path, encoding=encoding)
    full = run("annotate", path)
    subset = run("annotate", path, "--samples", "S4,S2")
    assert full.exit_code == 0 and subset.exit_code == 0, subset.stderr
    got = subset.json()
    assert [s["sample"] for s in got["samples"]] == ["S2", "S4"]
    assert got["input"]["n_samples"] == 2
    assert got["records"] == full.json()["records"]
    whole = _by_sample(full.json())
    assert got["samples"] == [whole["S2"], whole["S4"]]
    assert [whole[s]["dira_genotype"] for s in SAMPLES] == [
        "biallelic_unphased",
        "biallelic",
        "indeterminate",
        "indeterminate",
    ]


def test_samples_from_stdin(tmp_path, run):
    text = vcf_text(SAMPLES, ROWS)
    result = run("annotate", "-", "--samples", "S3", input=text)
    assert result.exit_code == 0, result.stderr
    assert result.calls() == {"S3": "indeterminate"}


def test_samples_file_keeps_whole_lines(tmp_path, run):
    """One name a line, spaces belong to the name (bcftools -S); empty lines are skipped."""
    path = _cohort(tmp_path, samples=("S1", "S 2", "S3", "S4"))
    listed = tmp_path / "keep.txt"
    listed.write_text("S 2\r\n\nS1\n")
    result = run("annotate", path, "--samples-file", listed)
    assert result.exit_code == 0, result.stderr
    assert list(result.calls()) == ["S1", "S 2"]


def test_unknown_sample_is_an_input_error_naming_it(tmp_path, run):
    path = _cohort(tmp_path)
    out = tmp_path / "out.json"
    result = run("annotate", path, "--samples", "S1,NA12878", "-o", out)
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        f"il1rn-annot: error: {path}: no sample 'NA12878' in the file "
        "(--samples/--samples-file); it has 4 sample(s), e.g. 'S1'"
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [("S1\nS1\n", "names sample 'S1' more than once"), ("\n\n", "names no sample")],
)
def test_bad_samples_file(tmp_path, run, content, problem):
    path = _cohort(tmp_path)
    listed = tmp_path / "keep.txt"
    listed.write_text(content)
    result = run("annotate", path, "--samples-file", listed)
    assert result.exit_code == 3
    assert result.stderr.strip() == f"il1rn-annot: error: {listed}: {problem}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--samples", "S1", "--samples-file", "x.txt"), "give --samples or --samples-file"),
        (("--samples", ",,"), "--samples needs sample names"),
        (("--samples", "S1", "--format", "vcf"), "--format vcf keeps every sample column"),
        (("--split-samples",), "--split-samples writes into --output-dir"),
        (
            ("--split-samples", "--output-dir", "o", "--per", "record", "--format", "tsv"),
            "no samples",
        ),
    ],
)
def test_sample_option_usage_errors(tmp_path, run, args, message):
    path = _cohort(tmp_path)
    result = run("annotate", path, *args)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_split_samples_writes_one_report_per_sample(tmp_path, run, fmt):
    """Each file holds the sample's part of the cohort report and every record, as if the
    cohort had been run with --samples SAMPLE."""
    path = _cohort(tmp_path)
    out = tmp_path / "out"
    result = run("annotate", path, "--output-dir", out, "--split-samples", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted([*(f"cohort.{s}.{fmt}" for s in SAMPLES), "il1rn_dira_mqc.tsv"])
    assert (out / ".il1rn-annot-batch.jsonl").is_file()  # the batch state: a rerun resumes
    for sample in SAMPLES:
        alone = run("annotate", path, "--samples", sample, "--format", fmt)
        assert (out / f"cohort.{sample}.{fmt}").read_text() == alone.stdout


SAFE_CASES = {
    "../escape": "%2E.%2Fescape",
    "/etc/passwd": "%2Fetc%2Fpasswd",
    "..": "%2E.",
    "a\\b": "a%5Cb",
    "50%": "50%25",
    "tab\x01ctl": "tab%01ctl",
    "nul\x00": "nul%00",
    "Ünal-α": "Ünal-α",
    ".hidden": "%2Ehidden",
}


@pytest.mark.parametrize(("sample", "piece"), SAFE_CASES.items())
def test_sample_names_become_one_plain_file_name(sample, piece):
    assert encoded(sample) == piece
    name = file_name("cohort", sample, ".json")
    assert "/" not in name and "\x00" not in name and name not in (".", "..")
    assert name == f"cohort.{piece}.json"


def test_encoding_keeps_different_names_apart():
    names = ["a/b", "a%2Fb", "a_b", "a b", "a%20b", "..", "%2E%2E"]
    assert len({encoded(n) for n in names}) == len(names)


def test_long_names_are_cut_with_a_hash(tmp_path, run):
    long_a, long_b = "A" * 300 + "1", "A" * 300 + "2"
    path = _cohort(tmp_path, samples=(long_a, long_b, "S3", "S4"))
    out = tmp_path / "out"
    result = run("annotate", path, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    written = [p for p in out.iterdir() if p.name.startswith("cohort.A")]
    assert len(written) == 2
    assert all(len(p.name.encode()) <= 255 - 16 for p in written)  # room for the temporary
    reports = {json.loads(p.read_text())["samples"][0]["sample"] for p in written}
    assert reports == {long_a, long_b}


def test_hostile_sample_names_stay_in_the_output_directory(tmp_path, run):
    hostile = ("../../evil", "/tmp/abs", "..", "a/../../b")
    path = _cohort(tmp_path, samples=hostile)
    out = tmp_path / "deep" / "out"
    result = run("annotate", path, "--output-dir", out, "--split-samples", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["cohort.vcf.gz", "cohort.vcf.gz.tbi", "deep"]
    assert os.listdir(tmp_path / "deep") == ["out"]
    files = [p for p in out.iterdir() if p.name != "il1rn_dira_mqc.tsv" and p.name[0] != "."]
    assert len(files) == 4 and all(p.is_file() for p in files)
    samples = {p.read_text().splitlines()[1].split("\t")[1] for p in files}
    assert samples == set(hostile)


def test_names_equal_after_case_folding_are_refused(tmp_path, run):
    """A and a would overwrite each other on a case-insensitive file system: that input fails
    before any of its reports is written, and the batch goes on."""
    clash = _cohort(tmp_path, samples=("A", "a", "S3", "S4"), name="clash")
    fine = _cohort(tmp_path, name="fine")
    out = tmp_path / "out"
    result = run("annotate", clash, fine, "--output-dir", out, "--split-samples")
    assert result.exit_code == 4
    assert (
        f"il1rn-annot: error: {clash}: sample 'a' would write clash.a.json, as sample 'A' of "
        in result.stderr
    )
    assert sorted(p.name for p in out.glob("clash*")) == []
    assert sorted(p.name for p in out.glob("fine*")) == [f"fine.{s}.json" for s in SAMPLES]


def test_names_equal_after_case_folding_across_inputs(tmp_path, run):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = _cohort(tmp_path / "x", name="cohort")
    second = _cohort(tmp_path / "y", name="COHORT")
    out = tmp_path / "out"
    result = run("annotate", first, second, "--output-dir", out, "--split-samples")
    assert result.exit_code == 4
    assert "would write COHORT.S1.json, as sample 'S1' of" in result.stderr
    assert not list(out.glob("COHORT*"))


def test_a_planted_symlink_is_replaced_not_followed(tmp_path, run):
    path = _cohort(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (out / "cohort.S1.json").symlink_to(victim)
    (out / "cohort.S2.json").symlink_to(tmp_path / "missing.json")
    result = run("annotate", path, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    assert not (tmp_path / "missing.json").exists()
    for sample in ("S1", "S2"):
        written = out / f"cohort.{sample}.json"
        assert written.is_file() and not written.is_symlink()
        assert json.loads(written.read_text())["samples"][0]["sample"] == sample


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_split_batches_run_in_workers_and_resume(tmp_path, run, jobs):
    """--split-samples is a batch like any other: --jobs runs its inputs in workers, and a
    rerun skips an input whose every per-sample report is as it was written; a report of one
    sample deleted or changed makes that input (only) run again."""
    first = _cohort(tmp_path, name="first")
    second = _cohort(tmp_path, name="second")
    out = tmp_path / "out"
    args = ("annotate", first, second, "--output-dir", out, "--split-samples", "--jobs", jobs)
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    expected = {f"{stem}.{s}.json" for stem in ("first", "second") for s in SAMPLES}
    assert expected <= {p.name for p in out.iterdir()}
    alone = run("annotate", second, "--samples", "S2")
    assert (out / "second.S2.json").read_text() == alone.stdout
    before = {name: (out / name).stat().st_mtime_ns for name in expected}
    again = run(*args)
    assert again.exit_code == 0, again.stderr
    assert "2 skipped" in again.stderr
    assert {name: (out / name).stat().st_mtime_ns for name in expected} == before
    (out / "first.S3.json").unlink()
    third = run(*args)
    assert third.exit_code == 0, third.stderr
    assert "1 done, 1 skipped" in third.stderr
    assert (out / "first.S3.json").is_file()
    assert all(
        (out / f"second.{s}.json").stat().st_mtime_ns == before[f"second.{s}.json"] for s in SAMPLES
    )
    table = (out / "il1rn_dira_mqc.tsv").read_text().splitlines()
    rows = [line for line in table if not line.startswith("#")][1:]
    assert len(rows) == 2 * len(SAMPLES)  # the MultiQC table lists skipped inputs too


def test_split_batch_removes_what_a_killed_split_left(tmp_path, run):
    """A killed --split-samples batch leaves the temporary file of the sample report it was
    writing (its name is known only from the input's samples): the next batch removes it, and
    leaves another program's hidden files alone."""
    path = _cohort(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    left = out / ".cohort.S2.json.k1ll3d00.tmp"
    left.write_text('{"half')
    other = out / ".notes.x1y2z3w4.tmp"
    other.write_text("someone else's")
    result = run("annotate", path, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    assert not left.exists() and other.exists()
    assert json.loads((out / "cohort.S2.json").read_text())["samples"][0]["sample"] == "S2"


def test_split_of_a_sites_only_file_writes_its_one_report(tmp_path, run):
    path = write_input(tmp_path, "sites", vcf_text((), ["113131068 G T PASS"]))
    out = tmp_path / "out"
    result = run("annotate", path, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "sites.json").read_text())
    assert report["samples"] == [] and len(report["records"]) == 1


def test_a_parent_left_out_by_samples_is_named_as_such(run):
    """--samples CHILD with --ped: the parents are in the VCF, only not selected; the warning
    says so instead of calling them absent from the VCF."""
    trio = Path(__file__).parent.parent / "examples" / "trio"
    result = run(
        "annotate", trio / "dira_trio.vcf.gz", "--ped", trio / "dira_trio.ped",
        "--samples", "TRIO_CHILD", "--format", "summary",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "left out by --samples" in result.stderr
    assert "not a sample of the VCF" not in result.stderr


def test_a_skipped_inputs_sample_reports_keep_their_names(tmp_path, run):
    """A rerun skips an input whose per-sample reports are as written; their names stay that
    input's, so another input of the batch whose sample would write one of them is refused
    (as in a first run), never allowed to overwrite the skipped input's report."""
    carrier = _cohort(tmp_path, samples=("A.S1",), rows=(f"{E77X} 0/1:30:50",), name="x")
    other = _cohort(tmp_path, samples=("S1",), rows=(f"{E77X} 1/1:30:50",), name="x.A")
    out = tmp_path / "out"
    first = run("annotate", carrier, "--output-dir", out, "--split-samples")
    assert first.exit_code == 0, first.stderr
    written = json.loads((out / "x.A.S1.json").read_text())
    assert written["samples"][0]["sample"] == "A.S1"
    again = run("annotate", other, carrier, "--output-dir", out, "--split-samples")
    assert again.exit_code == 4, again.stderr
    assert "x.A.S1.json" in again.stderr and "1 skipped" in again.stderr
    assert json.loads((out / "x.A.S1.json").read_text()) == written


def test_a_sites_only_inputs_report_is_not_taken_by_a_sample_report(tmp_path, run):
    """Under --split-samples a file without samples writes <stem>.json: a sample report of
    another input named the same (<stem2>.<sample>.json) is refused, not written over it."""
    sites = write_input(tmp_path, "x.S1", vcf_text((), ["113131068 G T PASS"]))
    cohort = _cohort(tmp_path, samples=("S1",), rows=(f"{E77X} 1/1:30:50",), name="x")
    out = tmp_path / "out"
    result = run("annotate", sites, cohort, "--output-dir", out, "--split-samples")
    assert result.exit_code == 4, result.stderr
    assert "x.S1.json" in result.stderr
    assert json.loads((out / "x.S1.json").read_text())["samples"] == []
