"""`annotate --manifest`: the Snakemake workflow's sample sheet, read by il1rn_annot.manifest with
the rules of workflows/snakemake/rules/common.smk (issue #11 part 3).

The two readers cannot share code (Snakemake may run where il1rn-annot is not installed), so
every sheet below is given to both: they must accept the same sheets with the same rows, and
refuse the same sheets at the same line for the same reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.errors import InputError
from il1rn_annot.manifest import read_manifest

ROOT = Path(__file__).parent.parent
COMMON = ROOT / "workflows" / "snakemake" / "rules" / "common.smk"
SHEET = ROOT / "workflows" / "snakemake" / "samples.tsv"
FASTA = ROOT / "examples" / "depth" / "synthetic_chr2.fa.gz"
HOMOZYGOTE = "113131068 G T PASS GT:GQ:DP 1/1:99:30"
CARRIER = "113131068 G T PASS GT:GQ:DP 0/1:99:30"


def snakemake_reader(fasta: str | None = None):
    """common.smk's read_sample_sheet, as the Snakefile runs it (its module globals)."""
    namespace: dict = {"config": {"fasta": fasta} if fasta else {}}
    exec(compile(COMMON.read_text(), str(COMMON), "exec"), namespace)
    return namespace["read_sample_sheet"]


def _files(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for name in ("a.vcf.gz", "b.vcf.gz", "a.sv.vcf.gz", "a.bam", "a.cram", "fam.ped"):
        (tmp_path / "data" / name).write_text("x")


GOOD = {
    "plain": "sample\tvcf\nA\tdata/a.vcf.gz\nB\tdata/b.vcf.gz\n",
    "bom_crlf_comments": "\ufeffsample\tvcf\tsv\r\n# a comment\r\n\r\nA\tdata/a.vcf.gz\t"
    "data/a.sv.vcf.gz\r\nB\tdata/b.vcf.gz\t\r\n",
    "all_columns_any_order": "bam\tped\tvcf\tSample\tsv\ndata/a.bam\tdata/fam.ped\t"
    "data/a.vcf.gz\tA.1_x-2\t\n",
    "shared_vcf": "sample\tvcf\nA\tdata/a.vcf.gz\nB\tdata/a.vcf.gz\n",
}
BAD = {
    "no_vcf_column": "sample\tpath\nA\tdata/a.vcf.gz\n",
    "unknown_column": "sample\tvcf\tbams\nA\tdata/a.vcf.gz\tdata/a.bam\n",
    "column_twice": "sample\tvcf\tvcf\nA\tdata/a.vcf.gz\tdata/b.vcf.gz\n",
    "cells": "sample\tvcf\nA\tdata/a.vcf.gz\textra\n",
    "name_space": "sample\tvcf\nA B\tdata/a.vcf.gz\n",
    "name_dash": "sample\tvcf\n-A\tdata/a.vcf.gz\n",
    "name_slash": "sample\tvcf\n../A\tdata/a.vcf.gz\n",
    "twice": "sample\tvcf\nA\tdata/a.vcf.gz\nA\tdata/b.vcf.gz\n",
    "no_vcf": "sample\tvcf\nA\t\n",
    "missing_file": "sample\tvcf\nA\tdata/nothere.vcf.gz\n",
    "missing_bam": "sample\tvcf\tbam\nA\tdata/a.vcf.gz\tdata/nothere.bam\n",
    "cram_without_fasta": "sample\tvcf\tbam\nA\tdata/a.vcf.gz\tdata/a.cram\n",
    "empty": "# only a comment\n\n",
    "header_only": "sample\tvcf\n",
}


def _problem(message: str, sheet: Path) -> str:
    """The words after the sheet's name, up to a hint that names each tool's own option."""
    problem = message.split(f"{sheet}: ", 1)[1]
    for hint in (": give its reference", " (set it with", " (a sample sheet)"):
        problem = problem.split(hint)[0]
    return problem


@pytest.mark.parametrize("case", sorted(GOOD))
def test_both_readers_accept_the_same_rows(tmp_path, case):
    _files(tmp_path)
    sheet = tmp_path / "samples.tsv"
    sheet.write_bytes(GOOD[case].encode())
    rows = read_manifest(str(sheet))
    theirs = snakemake_reader()(str(sheet))
    ours = {
        r.sample: {c: getattr(r, c) for c in ("vcf", "sv", "bam", "ped") if getattr(r, c)}
        for r in rows
    }
    assert ours == theirs
    assert list(ours) == list(theirs)  # the sheet's order
    assert all(Path(p).is_absolute() for r in rows for p in (r.vcf,))


@pytest.mark.parametrize("case", sorted(BAD))
def test_both_readers_refuse_the_same_sheets_alike(tmp_path, case):
    from snakemake.exceptions import WorkflowError

    _files(tmp_path)
    sheet = tmp_path / "samples.tsv"
    sheet.write_bytes(BAD[case].encode())
    with pytest.raises(InputError) as ours:
        read_manifest(str(sheet))
    with pytest.raises(WorkflowError) as theirs:
        snakemake_reader()(str(sheet))
    assert _problem(str(ours.value), sheet) == _problem(str(theirs.value), sheet)


def test_not_utf8_and_missing_sheets_are_refused_by_both(tmp_path):
    from snakemake.exceptions import WorkflowError

    sheet = tmp_path / "samples.tsv"
    sheet.write_bytes(b"sample\tvcf\n\xff\tx\n")
    for path in (sheet, tmp_path / "none.tsv"):
        with pytest.raises(InputError):
            read_manifest(str(path))
        with pytest.raises(WorkflowError):
            snakemake_reader()(str(path))


def test_a_cram_is_accepted_with_a_reference(tmp_path):
    _files(tmp_path)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(BAD["cram_without_fasta"])
    assert read_manifest(str(sheet), fasta="ref.fa")[0].bam == str(tmp_path / "data" / "a.cram")
    assert snakemake_reader("ref.fa")(str(sheet))["A"]["bam"] == str(tmp_path / "data" / "a.cram")


# --- the CLI -------------------------------------------------------------------------------------


def test_the_workflow_sheet_gives_each_row_its_own_side_files(tmp_path, run):
    """The Snakemake example sheet (a trio with its PED, SV calls, a CRAM): each row's report
    equals a run of that row's VCF with that row's --sv/--bam/--ped, as the workflow runs it."""
    out = tmp_path / "out"
    result = run("annotate", "--manifest", SHEET, "--fasta", FASTA, "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    rows = read_manifest(str(SHEET), str(FASTA))
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted([f"{r.sample}.json" for r in rows] + ["il1rn_dira_mqc.tsv"])
    for row in rows:
        args = ["annotate", row.vcf, "--fasta", FASTA]
        args += ["--sv", row.sv] if row.sv else []
        args += ["--bam", f"{row.sample}={row.bam}"] if row.bam else []
        args += ["--ped", row.ped] if row.ped else []
        alone = run(*args)
        assert alone.exit_code == 0, alone.stderr
        assert json.loads((out / f"{row.sample}.json").read_text()) == alone.json()
    table = (out / "il1rn_dira_mqc.tsv").read_text().splitlines()
    body = [line.split("\t") for line in table if not line.startswith("#")][1:]
    # each row's own sample once, in the sheet's order (not every sample of a shared VCF)
    assert [cells[0] for cells in body] == [r.sample for r in rows]
    calls = {cells[0]: cells[1] for cells in body}
    assert calls["AFFECTED_HOM"] == "biallelic" and calls["CARRIER"] == "monoallelic"


def test_combined_tsv_shows_each_rows_sample(tmp_path, run):
    shared = write_input(tmp_path, "family", vcf_text(["KID", "MUM"], [f"{HOMOZYGOTE} 0/1:99:30"]))
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text(f"sample\tvcf\nMUM\t{shared.name}\nKID\t{shared.name}\n")
    result = run("annotate", "--manifest", sheet, "--format", "tsv", "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [(r[1], r[2]) for r in rows] == [("MUM", "monoallelic"), ("KID", "biallelic")]


def test_a_row_whose_sample_is_not_in_its_vcf_fails_that_row(tmp_path, run):
    vcf = write_input(tmp_path, "one", vcf_text(["S1"], [CARRIER]))
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text(f"sample\tvcf\nS1\t{vcf.name}\nS2\t{vcf.name}\n")
    out = tmp_path / "out"
    result = run("annotate", "--manifest", sheet, "--output-dir", out)
    assert result.exit_code == 4, result.stderr
    assert (
        result.stderr
        == f"il1rn-annot: error: {vcf}: has no sample S2 (named by the sample sheet)\n"
    )
    assert (out / "S1.json").exists() and not (out / "S2.json").exists()
    table = (out / "il1rn_dira_mqc.tsv").read_text()
    assert "\nS2\tfailed\tyes\t" in table


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["x.vcf.gz"], "give INPUTs or --manifest, not both"),
        (["--sv", "sv.vcf.gz"], "give --sv and --ped files in the sheet's sv and ped columns"),
    ],
)
def test_manifest_usage_errors(tmp_path, run, args, words):
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text("sample\tvcf\n")
    result = run("annotate", "--manifest", sheet, *args)
    assert result.exit_code == 2
    assert words in result.stderr


def test_a_bad_sheet_is_one_line_exit_3_and_nothing_written(tmp_path, run):
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text("sample\tvcf\nA\tnothere.vcf.gz\n")
    out = tmp_path / "out"
    result = run("annotate", "--manifest", sheet, "--output-dir", out)
    assert result.exit_code == 3
    assert result.stderr == (
        f"il1rn-annot: error: {sheet}: line 2: vcf of sample A: no such file: "
        f"{tmp_path / 'nothere.vcf.gz'}\n"
    )
    assert not out.exists()


def test_split_of_a_sheet_row_writes_the_rows_sample_only(tmp_path, run):
    """A sheet row is run with its own side files (its BAM, SV file, PED): split, it writes
    its own sample's report, not one for every sample of a shared VCF (S1.S2.json would be
    S2 called without S2's side files, beside S2.S2.json made with them)."""
    vcf = write_input(tmp_path, "joint", vcf_text(["S1", "S2"], [f"{CARRIER} 1/1:99:30"]))
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text(f"sample\tvcf\nS1\t{vcf.name}\nS2\t{vcf.name}\n")
    out = tmp_path / "out"
    result = run("annotate", "--manifest", sheet, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["S1.S1.json", "S2.S2.json", "il1rn_dira_mqc.tsv"]
    for sample, call in (("S1", "monoallelic"), ("S2", "biallelic")):
        report = json.loads((out / f"{sample}.{sample}.json").read_text())
        assert [(s["sample"], s["dira_genotype"]) for s in report["samples"]] == [(sample, call)]
