"""The output contract for every command (review of 0.5.0, items 11-14): a closed stdout pipe
ends quietly with 0; stdout on a full device is one line and exit 5; a message that cannot be
written never changes the exit code; -o names say format and compression, or are refused;
-o keeps an existing file's owner and warns about its other hard links; a directory's hidden
files are not inputs.

Processes are real (the installed console script): the items are about processes."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import vcf_text, write_input
from test_output import TOOL, one_error
from test_output import tool as run_tool

from il1rn_annot.catalog import CATALOG_FILE, data_dir

HOMOZYGOTE = "113131068 G T PASS GT:GQ:DP 1/1:99:30"


def tool(*args, **kwargs) -> subprocess.CompletedProcess:
    """The real program in a child process, both streams captured unless given."""
    for stream in ("stdout", "stderr"):
        kwargs.setdefault(stream, subprocess.PIPE)
    return run_tool(*args, **kwargs)


def good(directory: Path, name: str = "in", sample: str = "S") -> Path:
    return write_input(directory, name, vcf_text([sample], [HOMOZYGOTE]), "vcf.gz+tbi")


# --- item 11: every command, into a closed pipe, a full device, or with stderr full -------------

COMMANDS = {
    "version": ["--version"],
    "help": ["--help"],
    "annotate-help": ["annotate", "--help"],
    "catalog-help": ["catalog", "--help"],
    "catalog-list": ["catalog", "list"],
    "catalog-show": ["catalog", "show", "E77X"],
    "catalog-diff": ["catalog", "diff", "CATALOG"],
    "annotate-json": ["annotate", "IN"],
    "annotate-tsv": ["annotate", "IN", "--format", "tsv"],
    "annotate-summary": ["annotate", "IN", "--format", "summary"],
}


def _args(tmp_path: Path, name: str) -> list[str]:
    values = {"IN": str(good(tmp_path)), "CATALOG": str(data_dir() / CATALOG_FILE)}
    return [values.get(a, a) for a in COMMANDS[name]]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_closed_stdout_pipe_ends_quietly_for_every_command(tmp_path, name):
    """The pipe's reader is gone before the program starts (as after `| head -c0`): every
    write fails with EPIPE, for certain."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = tool(*_args(tmp_path, name), stdout=write_end)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_stdout_on_a_full_device_is_one_line_and_exit_5_for_every_command(tmp_path, name):
    with open("/dev/full", "wb") as full:
        proc = tool(*_args(tmp_path, name), stdout=full)
    assert proc.returncode == 5, proc.stderr
    one_error(proc.stderr, "<stdout>", "No space left on device")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["annotate", "--no-such-option"], 2),
        (["annotate", "--build", "hg99", "IN"], 2),
        (["no-such-command"], 2),
        ([], 2),
        (["annotate", "MISSING"], 3),
        (["catalog", "show", "NO-SUCH-ALLELE"], 2),
        (["--version"], 5),  # stdout full as well
    ],
)
def test_a_full_stderr_never_changes_the_exit_code(tmp_path, args, code):
    values = {"IN": str(good(tmp_path)), "MISSING": str(tmp_path / "missing.vcf")}
    with open("/dev/full", "wb") as full:
        proc = tool(*[values.get(a, a) for a in args], stdout=full, stderr=full)
    assert proc.returncode == code


def test_a_closed_stdout_descriptor_is_an_output_failure(tmp_path):
    """Started with fd 1 closed (`>&-`), the report has nowhere to go: exit 5, not a bug."""
    proc = subprocess.run(
        [*TOOL, "annotate", str(good(tmp_path))],
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 5, proc.stderr
    one_error(proc.stderr, "<stdout>", "stdout is closed")


# --- item 12: what an -o name says is done, or refused ------------------------------------------


@pytest.mark.parametrize("name", ["r.tsv.bz2", "r.tsv.bgz", "r.json.zst", "r.txt.xz", "r.bz2"])
def test_a_compression_not_written_is_a_usage_error(tmp_path, run, name):
    result = run("annotate", good(tmp_path), "-o", tmp_path / name)
    assert result.exit_code == 2, result.stderr
    line = next(x for x in result.stderr.splitlines() if "Error:" in x)
    assert name in line and "compression" in line and ".gz" in line, line
    assert not list(tmp_path.glob("r.*"))


@pytest.mark.parametrize(
    ("name", "kind", "gzipped"),
    [
        ("x.tsv.gz.tmp", "tsv", True),  # a workflow's temporary name, renamed when done
        ("x.tsv.tmp", "tsv", False),
        ("x.txt.part", "summary", False),
        ("x.json.gz.tmp", "json", True),
        ("NA12878.vcf.gz.tsv", "tsv", False),  # named after its input: the last kind counts
        ("x.tmp", "json", False),  # a name that says nothing: JSON, as on stdout
    ],
)
def test_the_last_known_suffix_names_the_format(tmp_path, run, name, kind, gzipped):
    out = tmp_path / name
    result = run("annotate", good(tmp_path), "-o", out)
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert (data[:2] == b"\x1f\x8b") == gzipped
    text = gzip.decompress(data).decode() if gzipped else data.decode()
    if kind == "tsv":
        assert text.startswith("input\tsample\t")
    elif kind == "json":
        assert json.loads(text)["samples"][0]["dira_genotype"] == "biallelic"
    else:
        assert text.startswith("# ") and "biallelic" in text


@pytest.mark.parametrize(
    ("option", "value"), [("-o", ""), ("-o", "new-dir/"), ("--output-dir", "")]
)
def test_an_empty_or_directory_output_name_is_a_usage_error(
    tmp_path, run, monkeypatch, option, value
):
    monkeypatch.chdir(tmp_path)
    result = run("annotate", good(tmp_path), option, value)
    assert result.exit_code == 2, result.stderr
    line = next(x for x in result.stderr.splitlines() if "Error:" in x)
    assert option.split("/")[0] in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.vcf.gz", "in.vcf.gz.tbi"]


# --- item 13: -o onto an existing file keeps its owner; its other hard links are named ---------


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_replacing_another_users_file_keeps_its_owner_group_and_mode(tmp_path, run):
    out = tmp_path / "r.tsv"
    out.write_text("earlier\n")
    os.chown(out, 4242, 4343)
    out.chmod(0o640)
    result = run("annotate", good(tmp_path), "-o", out)
    assert result.exit_code == 0, result.stderr
    info = out.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (4242, 4343, 0o640)
    assert out.read_text().startswith("input\tsample\t")


def test_a_new_file_is_the_writers_own(tmp_path, run):
    out = tmp_path / "r.tsv"
    assert run("annotate", good(tmp_path), "-o", out).exit_code == 0
    assert (out.stat().st_uid, out.stat().st_gid) == (os.geteuid(), os.getegid())


def test_replacing_a_file_with_other_hard_links_warns_and_leaves_them(tmp_path, run):
    """Atomic replacement, as for any file: the name gets a whole new report, never a
    half-written one; the other links (a snapshot's copy) keep the earlier report, and the
    user is told so."""
    out, snapshot = tmp_path / "r.tsv", tmp_path / "snapshot-r.tsv"
    out.write_text("earlier\n")
    os.link(out, snapshot)
    result = run("annotate", good(tmp_path), "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"il1rn-annot: warning: {out}: written as a new file; its 1 other hard link still shows "
        "the earlier report"
    ]
    assert out.read_text().startswith("input\tsample\t")
    assert snapshot.read_text() == "earlier\n"
    assert out.stat().st_nlink == 1


# --- item 14: a directory's hidden files are not inputs -----------------------------------------


def _apple_double(path: Path) -> None:
    """What macOS leaves beside a file copied to a foreign file system: not a VCF at all."""
    path.write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(60))


def test_hidden_files_in_a_directory_are_skipped_and_named(tmp_path, run):
    top = tmp_path / "cohort"
    top.mkdir()
    good(top, "s", sample="S")
    _apple_double(top / "._s.vcf.gz")
    (top / ".DS_Store").write_bytes(bytes(8))
    result = run("annotate", top, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[1] for line in result.stdout.splitlines()[1:]] == ["S"]
    assert result.stderr.splitlines() == [
        f"il1rn-annot: warning: {top}: skipped 1 hidden file (name starting with '.'; give it "
        "as an INPUT to read it): ._s.vcf.gz"
    ]


def test_hidden_directories_are_not_searched(tmp_path, run):
    """A workflow's .snakemake/ copies would count a sample twice."""
    top = tmp_path / "cohort"
    top.mkdir()
    good(top, "s", sample="S")
    (top / ".snakemake" / "shadow").mkdir(parents=True)
    good(top / ".snakemake" / "shadow", "s", sample="S")
    result = run("annotate", top, "--recursive", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[1] for line in result.stdout.splitlines()[1:]] == ["S"]


def test_a_hidden_file_given_by_name_is_read(tmp_path, run):
    hidden = good(tmp_path, ".s", sample="S")
    result = run("annotate", hidden, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t")[:2] == [str(hidden), "S"]


def test_an_explicit_apple_double_file_is_still_an_input_error(tmp_path, run):
    junk = tmp_path / "._s.vcf.gz"
    _apple_double(junk)
    result = run("annotate", junk)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"il1rn-annot: error: {junk}: ")
