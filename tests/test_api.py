"""The notebook API (issue 10, part 8): ``from il1rn_annot import annotate`` gives the report
the CLI writes, and its DataFrames are the CLI's TSV, cell for cell, with documented dtypes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import vcf_text, write_input

from il1rn_annot import annotate
from il1rn_annot.api import options_for, read_tsv, records_dataframe, to_dataframe
from il1rn_annot.errors import BuildError, InputError, UsageError
from il1rn_annot.model import Options
from il1rn_annot.report.tsv import COLUMNS, RECORD_COLUMNS

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
PREFIX = "il1rn-annot: error: "

#: (input, CLI options, the same as keywords)
CASES = [
    ("dira_example.vcf.gz", [], {}),
    (
        "dira_example.vcf.gz",
        ["--count-novel-lof", "--min-dp", "35"],
        dict(count_novel_lof=True, min_dp=35),
    ),
    (
        "dira_example.vcf.gz",
        ["--transcripts", "all", "--build", "hg38"],
        dict(transcripts="all", build="hg38"),
    ),
    ("dira_sv_example.vcf.gz", [], {}),
    ("dira_gvcf_hole.g.vcf.gz", ["--min-gq", "0"], dict(min_gq=0)),
]


def _plain(path: Path) -> pd.DataFrame:
    """The CLI's TSV as pandas reads any TSV, typed as docs/api.md says (not by our reader)."""
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[""])
    types = {c: "string" for c in frame.columns}
    types.update({c: "Int64" for c in ("pos", "input_pos", "depth", "gq", "record") if c in frame})
    frame = frame.astype(types)
    for column in ("needs_review", "proven_reference"):
        if column in frame:
            assert set(frame[column]) <= {"true", "false"}
            frame[column] = (frame[column] == "true").astype(bool)
    return frame


@pytest.mark.parametrize(("name", "args", "keywords"), CASES)
def test_dataframe_is_the_cli_tsv(tmp_path, run, name, args, keywords):
    source = f"examples/{name}"
    tsv = tmp_path / "calls.tsv"
    result = run("annotate", EXAMPLES / name, *args, "-o", tsv)
    assert result.exit_code == 0, result.stderr
    frame = annotate(EXAMPLES / name, **keywords).to_dataframe()
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == len(tsv.read_text().splitlines()) - 1
    pd.testing.assert_frame_equal(frame, _plain(tsv))
    pd.testing.assert_frame_equal(frame, read_tsv(tsv))
    assert source.split("/")[1] in frame["input"].iloc[0]


@pytest.mark.parametrize(("name", "args", "keywords"), CASES)
def test_records_dataframe_is_the_cli_tsv_per_record(tmp_path, run, name, args, keywords):
    tsv = tmp_path / "records.tsv"
    result = run("annotate", EXAMPLES / name, *args, "--per", "record", "-o", tsv)
    assert result.exit_code == 0, result.stderr
    frame = annotate(EXAMPLES / name, **keywords).records_dataframe()
    assert list(frame.columns) == list(RECORD_COLUMNS)
    assert len(frame) == len(tsv.read_text().splitlines()) - 1  # a gVCF hole has none
    pd.testing.assert_frame_equal(frame, _plain(tsv))
    pd.testing.assert_frame_equal(frame, read_tsv(tsv))


def test_sites_only_file_has_records_and_no_sample_rows(tmp_path):
    vcf = write_input(tmp_path, "sites", vcf_text([], ["113131068 G T PASS"]))
    report = annotate(vcf)
    assert to_dataframe(report).empty and list(to_dataframe(report).columns) == list(COLUMNS)
    records = records_dataframe(report)
    assert records["dira_id"].tolist() == ["DIRA01"]
    assert records["pos"].tolist() == [113131068]


def test_several_reports_stack_as_a_combined_tsv(tmp_path, run):
    names = ["dira_example.vcf.gz", "dira_sv_example.vcf.gz"]
    tsv = tmp_path / "both.tsv.gz"
    assert run("annotate", *(EXAMPLES / n for n in names), "-o", tsv).exit_code == 0
    frame = to_dataframe([annotate(EXAMPLES / n) for n in names])
    pd.testing.assert_frame_equal(frame, read_tsv(tsv))


def test_dtypes_are_as_documented():
    frame = annotate(EXAMPLES / "dira_example.vcf.gz").to_dataframe()
    for column in ("pos", "input_pos", "depth", "gq"):
        assert frame[column].dtype == "Int64", column
    for column in ("needs_review", "proven_reference"):
        assert frame[column].dtype == bool, column
    for column in ("sample", "dira_genotype", "genotype", "phase_set", "review_reasons"):
        assert frame[column].dtype == "string", column
    no_call = frame[frame["sample"] == "NO_CALL"].iloc[0]
    assert no_call["depth"] is pd.NA and no_call["needs_review"]
    assert frame["pos"].notna().all()
    records = annotate(EXAMPLES / "dira_example.vcf.gz").records_dataframe()
    assert records["record"].dtype == "Int64" and records["id"].dtype == "string"


def test_report_is_the_one_the_cli_writes(run):
    result = run("annotate", EXAMPLES / "dira_example.vcf.gz")
    assert result.exit_code == 0, result.stderr
    report = annotate(str(EXAMPLES / "dira_example.vcf.gz"))
    assert report.to_json() == result.stdout
    assert report.to_dict() == json.loads(result.stdout)


def test_missing_file_raises_the_cli_error(tmp_path, run):
    missing = tmp_path / "missing.vcf.gz"
    result = run("annotate", missing)
    assert result.exit_code == 3
    with pytest.raises(InputError) as raised:
        annotate(missing)
    assert f"{PREFIX}{raised.value}" == result.stderr.strip()
    assert raised.value.exit_code == 3


def test_malformed_file_raises_the_cli_error(tmp_path, run):
    bad = tmp_path / "bad.vcf"
    bad.write_text("##fileformat=VCFv4.2\nnot a header\n")
    result = run("annotate", bad)
    with pytest.raises(InputError) as raised:
        annotate(bad)
    assert f"{PREFIX}{raised.value}" == result.stderr.strip()


def test_build_contradicting_the_file_raises(tmp_path):
    with pytest.raises(BuildError, match="GRCh37"):
        annotate(EXAMPLES / "dira_example.vcf.gz", build="hg19")


@pytest.mark.parametrize(
    ("keywords", "words"),
    [
        (dict(build="hg18"), "build 'hg18'"),
        (dict(transcripts="refseq"), "transcripts 'refseq'"),
        (dict(min_dp=-1), "min_dp -1"),
        (dict(min_gq="20"), "min_gq '20'"),
    ],
)
def test_options_that_cannot_work_are_usage_errors(keywords, words):
    with pytest.raises(UsageError, match=words) as raised:
        annotate(EXAMPLES / "dira_example.vcf.gz", **keywords)
    assert raised.value.exit_code == 2


def test_defaults_are_the_cli_defaults():
    assert options_for() == Options()
    assert options_for(build="b37").build == "GRCh37"


def test_bams_as_a_mapping_a_list_and_pairs(tmp_path):
    a, b = tmp_path / "a.bam", tmp_path / "b.bam"
    assert options_for(bams={"S1": a}).bams == (("S1", str(a)),)
    assert options_for(bams=[a, ("S2", b)]).bams == ((None, str(a)), ("S2", str(b)))
    assert options_for(bams=str(a)).bams == ((None, str(a)),)


def test_without_pandas_the_error_says_what_to_install(monkeypatch):
    report = annotate(EXAMPLES / "dira_example.vcf.gz")
    monkeypatch.setitem(sys.modules, "pandas", None)  # what `import pandas` meets when absent
    with pytest.raises(ImportError, match=r"pip install 'il1rn-annot\[notebook\]'"):
        report.to_dataframe()


def test_importing_the_package_loads_neither_the_pipeline_nor_pandas():
    """`import il1rn_annot` (what --version needs) stays light; annotate comes on first use."""
    code = (
        "import sys, il1rn_annot\n"
        "assert 'il1rn_annot.pipeline' not in sys.modules, 'pipeline'\n"
        "from il1rn_annot import annotate\n"
        "assert annotate.__module__ == 'il1rn_annot.api'\n"
        "assert 'pandas' not in sys.modules, 'pandas'\n"
        "import il1rn_annot.cli\n"
        "assert 'pandas' not in sys.modules, 'pandas by the CLI'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        import il1rn_annot

        il1rn_annot.nothing  # noqa: B018


def test_the_api_takes_the_cli_options_added_since(tmp_path):
    """--samples, --targets and --assume-sorted have keywords too (the notebook face may not lag
    behind the CLI)."""
    report = annotate(EXAMPLES / "dira_example.vcf.gz", samples=["CARRIER", "AFFECTED_HOM"])
    assert [s.sample for s in report.samples] == ["AFFECTED_HOM", "CARRIER"]  # the file's order
    with pytest.raises(UsageError):
        annotate(EXAMPLES / "dira_example.vcf.gz", samples=["CARRIER", "CARRIER"])
    unindexed = tmp_path / "unindexed.vcf.gz"
    unindexed.write_bytes((EXAMPLES / "dira_example.vcf.gz").read_bytes())
    assert annotate(unindexed, assume_sorted=True).input.access == "bisection"
    assert annotate(unindexed).input.access == "stream"
    exome = EXAMPLES / "exome"
    report = annotate(
        exome / "exome.vcf.gz",
        targets=exome / "targets.bed",
        bam_manifest=exome / "bams.tsv",
        samples=["EX_HOM_FOUNDER"],
    )
    (sample,) = report.samples
    assert sample.dira_genotype == "biallelic"
    assert sample.depth.targeted.consistent_with == "DIRA04"


@pytest.mark.parametrize("enabled", [True, False])
def test_annotate_leaves_the_garbage_collector_as_it_was(tmp_path, monkeypatch, enabled):
    """The cyclic collector is held off while an input is annotated (``pipeline``: a cohort's
    millions of objects) and left as the caller had it, whether annotate returns or raises."""
    import gc

    import il1rn_annot.pipeline as pipeline

    during = []
    window = pipeline.annotate_window

    def watched(*args, **kwargs):
        during.append(gc.isenabled())
        return window(*args, **kwargs)

    monkeypatch.setattr(pipeline, "annotate_window", watched)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        annotate(EXAMPLES / "dira_example.vcf.gz")
        assert during == [False]
        assert gc.isenabled() is enabled
        with pytest.raises(InputError):
            annotate(tmp_path / "missing.vcf.gz")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_batch_writes_each_report_with_the_collector_held_off(tmp_path, run, monkeypatch):
    """``annotate`` (the CLI's batch) holds the cyclic collector off until each input's report
    is written, so that it never looks at a cohort's objects while they live, and turns it back
    on after each input (``pipeline.collector_paused``)."""
    import gc

    import il1rn_annot.batch as batch

    during = []
    finish = batch._finish_one

    def watched(*args, **kwargs):
        finish(*args, **kwargs)
        during.append(gc.isenabled())

    monkeypatch.setattr(batch, "_finish_one", watched)
    assert gc.isenabled()
    example = EXAMPLES / "dira_example.vcf.gz"
    result = run("annotate", example, example, "--format", "tsv", "-o", tmp_path / "out.tsv")
    assert result.exit_code == 0, result.stderr
    assert during == [False, False]
    assert gc.isenabled()
