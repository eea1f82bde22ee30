"""Where reports go (issue 9, items 1-4, 9, 10, 12): devices, FIFOs, symlinks and /dev/fd/N are
never replaced; the format and compression follow the -o name; signals leave no temporary file;
write errors are one line with exit 5; combined outputs stream; what users type is understood.

Processes are real (the installed console script) where the item is about processes."""

from __future__ import annotations

import gzip
import json
import os
import resource
import select
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.catalog import load_catalog
from il1rn_annot.report.tsv import COLUMNS

PREFIX = "il1rn-annot: error: "
CARRIER = "113131068 G T PASS GT:GQ:DP 0/1:99:30"
HOMOZYGOTE = "113131068 G T PASS GT:GQ:DP 1/1:99:30"
SCRIPT = Path(sys.executable).parent / "il1rn-annot"
TOOL = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "il1rn_annot"]
CATALOG = load_catalog()


def tool(*args, **kwargs) -> subprocess.CompletedProcess:
    """The real program in a child process."""
    if "stdout" not in kwargs:
        kwargs.setdefault("capture_output", True)
    return subprocess.run([*TOOL, *map(str, args)], text=True, timeout=120, check=False, **kwargs)


def one_error(stderr: str, *words: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def good(tmp_path: Path, name: str = "in", row: str = HOMOZYGOTE, sample: str = "S") -> Path:
    return write_input(tmp_path, name, vcf_text([sample], [row]), "vcf.gz+tbi")


def leftovers(*directories: Path) -> list[str]:
    return [p.name for d in directories for p in d.iterdir() if p.name.endswith(".tmp")]


# --- item 1: -o never replaces what it does not own ------------------------------------------


def _device(tmp_path: Path, minor: int) -> Path:
    """A character device to write into: a private copy of /dev/null (1, 3) or /dev/full (1, 7)
    when we may make one, else the real one when a rename could never replace it (non-root)."""
    node = tmp_path / f"dev{minor}"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        with open(node, "wb"):
            pass
        return node
    except OSError:
        node.unlink(missing_ok=True)
    real = Path("/dev/null" if minor == 3 else "/dev/full")
    if os.access("/dev", os.W_OK):
        pytest.skip("cannot make a private device node, and /dev is writable: not risking it")
    return real


def _same_device(path: Path, minor: int) -> None:
    info = os.lstat(path)
    assert stat.S_ISCHR(info.st_mode), f"{path} was replaced by a regular file"
    assert os.major(info.st_rdev) == 1 and os.minor(info.st_rdev) == minor


def test_output_into_a_null_device_writes_into_it(tmp_path):
    device = _device(tmp_path, 3)
    proc = tool("annotate", good(tmp_path), "-o", device)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and proc.stdout == ""
    _same_device(device, 3)
    assert leftovers(device.parent) == []


def test_output_into_a_full_device_is_an_output_failure(tmp_path):
    device = _device(tmp_path, 7)
    proc = tool("annotate", good(tmp_path), "-o", device)
    assert proc.returncode == 5, proc.stderr
    one_error(proc.stderr, str(device), "No space left on device")
    _same_device(device, 7)
    assert leftovers(device.parent) == []


def test_output_into_a_fifo_feeds_its_reader(tmp_path):
    fifo = tmp_path / "p.fifo"
    os.mkfifo(fifo)
    got = tmp_path / "got.json"
    with got.open("wb") as sink:
        reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
        try:
            proc = tool("annotate", good(tmp_path), "-o", fifo)
            reader.wait(timeout=60)
        finally:
            reader.kill()
            reader.wait()
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert json.loads(got.read_text())["samples"][0]["dira_genotype"] == "biallelic"


def test_output_through_a_symlink_replaces_its_target(tmp_path):
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "real.json"
    target.write_text("old report\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    proc = tool("annotate", good(tmp_path), "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["samples"][0]["dira_genotype"] == "biallelic"
    assert leftovers(tmp_path, target.parent) == []


def test_output_through_a_dangling_symlink_creates_its_target(tmp_path):
    target = tmp_path / "later.tsv"
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    proc = tool("annotate", good(tmp_path), "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert target.read_text().startswith("input\tsample\t")  # .tsv read through the link name


def test_output_into_bash_process_substitution(tmp_path):
    path, out = good(tmp_path), tmp_path / "x.json.gz"
    command = " ".join(map(shlex.quote, [*TOOL, "annotate", str(path), "-o"]))
    script = f"{command} >(gzip > {shlex.quote(str(out))}); status=$?; wait $!; exit $status"
    proc = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    report = json.loads(gzip.decompress(out.read_bytes()))
    assert report["samples"][0]["dira_genotype"] == "biallelic"


@pytest.mark.parametrize("name", ["/dev/fd/1", "/proc/self/fd/1", "link-to-fd1"])
def test_output_into_our_own_stdout(tmp_path, name):
    if name == "link-to-fd1":
        name = tmp_path / "stdout-link"
        name.symlink_to("/proc/self/fd/1")
    proc = tool("annotate", good(tmp_path), "-o", name)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["samples"][0]["dira_genotype"] == "biallelic"
    assert leftovers(tmp_path) == []


def test_output_to_an_existing_file_keeps_its_mode(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old")
    out.chmod(0o640)
    proc = tool("annotate", good(tmp_path), "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert json.loads(out.read_text())["samples"]


# --- item 2: format and compression from the name ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("d.tsv", "tsv"),
        ("d.TSV", "tsv"),
        ("d.tsv.gz", "tsv"),
        ("d.json.gz", "json"),
        ("d.txt", "summary"),
        ("d.txt.gz", "summary"),
        ("report", "json"),
    ],
)
def test_format_and_compression_follow_the_name(tmp_path, run, name, kind):
    out = tmp_path / name
    result = run("annotate", good(tmp_path), "-o", out)
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert (data[:2] == b"\x1f\x8b") == name.endswith(".gz")
    text = gzip.decompress(data).decode() if name.endswith(".gz") else data.decode()
    if kind == "tsv":
        assert text.splitlines()[0].split("\t") == list(COLUMNS)
    elif kind == "json":
        assert json.loads(text)["samples"][0]["dira_genotype"] == "biallelic"
    else:
        assert text.startswith("# ") and "biallelic" in text


def test_gzipped_output_is_reproducible(tmp_path, run):
    path = good(tmp_path)
    first, second = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    assert run("annotate", path, "-o", first).exit_code == 0
    assert run("annotate", path, "-o", second).exit_code == 0
    assert first.read_bytes()[:2] == b"\x1f\x8b"
    assert first.read_bytes() == second.read_bytes()  # no time stamp, no file name inside


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "json", "-o", "d.tsv"], ["--format json", "tsv"]),
        (["--format", "summary", "-o", "d.json.gz"], ["--format summary", "json"]),
        (["-o", "d.csv"], [".csv", "--format"]),
        (["--format", "tsv", "-o", "d.vcf.gz"], ["--format tsv", "vcf"]),
    ],
)
def test_format_contradicting_the_name_is_a_usage_error(tmp_path, run, args, words):
    args = [str(tmp_path / a) if a.startswith("d.") else a for a in args]
    result = run("annotate", good(tmp_path), *args)
    assert result.exit_code == 2, result.stderr
    line = next(x for x in result.stderr.splitlines() if "Error:" in x)
    for word in words:
        assert word in line, line
    assert not list(tmp_path.glob("d.*"))


def test_format_given_for_a_name_that_says_nothing(tmp_path, run):
    out = tmp_path / "calls.out"
    result = run("annotate", good(tmp_path), "--format", "TSV", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("input\tsample\t")


# --- item 3: signals leave no temporary file, and exit 130/143 -------------------------------


def _wait_for(condition, what: str, proc: subprocess.Popen, limit: float = 90.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if proc.poll() is not None:
            pytest.fail(f"the run ended ({proc.returncode}) before {what}: {proc.stderr.read()}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _temporary_with(directory: Path, *words: str) -> Path | None:
    """The temporary file of a combined report once it holds ``words``: proof of streaming."""
    for path in directory.glob(".*.tmp"):
        try:
            text = path.read_text()
        except FileNotFoundError:
            continue
        if all(w in text for w in words):
            return path
    return None


def _default_sigint() -> None:
    """A background job of a non-interactive shell (a CI runner's) starts with SIGINT ignored,
    and il1rn-annot keeps an inherited ignore, as nohup expects: the tool under test gets the
    default disposition, as it would from a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(*args, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*TOOL, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        text=True,
        preexec_fn=_default_sigint,
    )


def _finish(proc: subprocess.Popen) -> str:
    """Wait for the run (killing it if it hangs) and return its stderr."""
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.stderr.read()


SIGNALS = {"SIGINT": (signal.SIGINT, 130), "SIGTERM": (signal.SIGTERM, 143)}


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_signal_mid_combined_report_removes_the_temporary_file(tmp_path, name):
    """Two inputs are written to the combined TSV's temporary file; the third is stdin, held
    open, so the run is mid-batch for certain when the signal arrives."""
    signum, code = SIGNALS[name]
    a, b = good(tmp_path, "a", sample="A"), good(tmp_path, "b", CARRIER, sample="B")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "all.tsv"
    out.write_text("earlier report\n")
    with _start("annotate", a, b, "-", "-o", out, cwd=tmp_path) as proc:
        _wait_for(lambda: _temporary_with(out_dir, "\tA\t", "\tB\t"), "rows of A and B", proc)
        proc.send_signal(signum)
        proc.stdin.close()  # htslib's read of stdin returns; Python then handles the signal
        stderr = _finish(proc)
    assert proc.returncode == code, stderr
    assert stderr == f"{PREFIX}interrupted by {name}\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["all.tsv"]  # no temporary file
    assert out.read_text() == "earlier report\n"  # never a truncated or partial report


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_signal_mid_directory_run_leaves_whole_reports_only(tmp_path, name):
    """A directory of inputs into --output-dir, signalled as soon as the first report exists
    (at whatever point the run has reached); stdin last keeps the run from ending first."""
    signum, code = SIGNALS[name]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for n in range(30):
        good(inputs, f"s{n:02d}", sample=f"S{n:02d}")
    reports = tmp_path / "reports"
    with _start("annotate", inputs, "-", "--output-dir", reports, cwd=tmp_path) as proc:
        _wait_for(lambda: reports.exists() and any(reports.glob("*.json")), "a report", proc)
        proc.send_signal(signum)
        proc.stdin.close()
        stderr = _finish(proc)
    assert proc.returncode == code, stderr
    assert stderr.endswith(f"{PREFIX}interrupted by {name}\n"), stderr
    names = sorted(p.name for p in reports.iterdir())
    assert names and all(n.endswith(".json") and not n.startswith(".") for n in names), names
    assert "stdin.json" not in names
    for path in reports.iterdir():
        assert json.loads(path.read_text())["samples"][0]["dira_genotype"] == "biallelic"


# --- item 9: combined outputs stream -------------------------------------------------------------


def test_combined_tsv_is_written_as_each_input_finishes(tmp_path):
    a, b = good(tmp_path, "a", sample="A"), good(tmp_path, "b", CARRIER, sample="B")
    out = tmp_path / "all.tsv"
    with _start("annotate", a, b, "-", "-o", out, cwd=tmp_path) as proc:
        temporary = _wait_for(
            lambda: _temporary_with(tmp_path, "\tA\t", "\tB\t"), "rows of A and B", proc
        )
        assert not out.exists()  # renamed into place once, at the end
        proc.stdin.write(vcf_text(["C"], [CARRIER]))
        proc.stdin.close()
        stderr = _finish(proc)
    assert proc.returncode == 0, stderr
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0] == list(COLUMNS)
    assert [(r[1], r[2]) for r in rows[1:]] == [
        ("A", "biallelic"),
        ("B", "monoallelic"),
        ("C", "monoallelic"),
    ]
    assert not temporary.exists() and leftovers(tmp_path) == []


def test_combined_summary_streams_to_stdout(tmp_path):
    a = good(tmp_path, "a", sample="A")
    with _start("annotate", a, "-", "--format", "summary", cwd=tmp_path) as proc:
        ready, _, _ = select.select([proc.stdout], [], [], 90)
        if not ready:
            proc.kill()
            pytest.fail("no summary of the first input while the second was still open")
        first = proc.stdout.readline()  # arrived while the second input is still open
        assert first.startswith("# ") and "a.vcf.gz" in first
        proc.stdin.write(vcf_text(["C"], [CARRIER]))
        proc.stdin.close()
        rest = proc.stdout.read()
        stderr = _finish(proc)
    assert proc.returncode == 0, stderr
    assert "\n\n# <stdin>" in rest and "monoallelic" in rest


# --- item 4: write errors are one line with the right code -----------------------------------


@pytest.mark.parametrize("command", [["annotate", "IN"], ["catalog", "list"]])
def test_stdout_on_a_full_device_is_exit_5(tmp_path, command):
    args = [str(good(tmp_path)) if a == "IN" else a for a in command]
    with open("/dev/full", "wb") as full:
        proc = tool(*args, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 5, proc.stderr
    one_error(proc.stderr, "<stdout>", "No space left on device")


@pytest.mark.parametrize("command", [["annotate", "IN", "--format", "tsv"], ["catalog", "list"]])
def test_closed_stdout_pipe_ends_quietly(tmp_path, command):
    args = [str(good(tmp_path)) if a == "IN" else a for a in command]
    with subprocess.Popen(
        [*TOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        proc.stdout.close()  # the reader is gone before the first write, as after `| head -1`
        stderr = _finish(proc)
    assert (proc.returncode, stderr) == (0, "")


def test_pipefail_pipeline_with_head(tmp_path):
    command = " ".join(map(shlex.quote, [*TOOL, "catalog", "list"]))
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def _unwritable_directory(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        directory = tmp_path / "ro"
        directory.mkdir()
        directory.chmod(0o555)
        return directory
    try:
        fd, name = tempfile.mkstemp(dir="/sys")
    except OSError:
        return Path("/sys")  # root may write anywhere but here (sysfs makes no files)
    os.close(fd)
    os.unlink(name)
    pytest.skip("no directory that root cannot write into")


@pytest.mark.parametrize("option", ["-o", "--output-dir"])
def test_unwritable_directory_is_exit_5(tmp_path, run, option):
    directory = _unwritable_directory(tmp_path)
    target = directory / ("r.json" if option == "-o" else "reports")
    result = run("annotate", good(tmp_path), option, target)
    assert result.exit_code == 5, result.stderr
    one_error(result.stderr, str(target))


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_full_disk_stops_a_batch_at_the_first_report(tmp_path):
    inputs = [good(tmp_path, f"s{n}", sample=f"S{n}") for n in range(3)]
    reports = tmp_path / "reports"
    proc = tool("annotate", *inputs, "--output-dir", reports, preexec_fn=_file_size_limit(600))
    assert proc.returncode == 5, proc.stderr
    one_error(proc.stderr, "s0.json", "File too large")  # once, not once per input
    assert list(reports.iterdir()) == []


def test_full_disk_keeps_the_earlier_combined_report(tmp_path):
    inputs = [good(tmp_path, f"s{n}", sample=f"S{n}") for n in range(3)]
    out = tmp_path / "all.tsv"
    out.write_text("earlier\n")
    proc = tool("annotate", *inputs, "-o", out, preexec_fn=_file_size_limit(600))
    assert proc.returncode == 5, proc.stderr
    one_error(proc.stderr, "all.tsv", "File too large")
    assert out.read_text() == "earlier\n"
    assert leftovers(tmp_path) == []


# --- item 10: what users type --------------------------------------------------------------------


def _tree(tmp_path: Path) -> Path:
    top = tmp_path / "cohort"
    (top / "batch2").mkdir(parents=True)
    (top / "X.VCF.GZ").write_bytes(good(tmp_path, "x", sample="X").read_bytes())
    (top / "notes.txt").write_text("not a VCF")
    good(top, "a", sample="A")  # with its .tbi, which is passed over without a word
    good(top / "batch2", "b", CARRIER, sample="B")
    return top


def _samples(tsv: str) -> list[str]:
    return [line.split("\t")[1] for line in tsv.splitlines()[1:]]


def test_directory_matches_extensions_in_any_case_and_says_what_it_skipped(tmp_path, run):
    top = _tree(tmp_path)
    result = run("annotate", top, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert _samples(result.stdout) == ["X", "A"]
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"il1rn-annot: warning: {top}: skipped 1 file that is not .vcf, .vcf.gz or .bcf: notes.txt",
        f"il1rn-annot: warning: {top}: 1 subdirectory not searched (give --recursive): batch2",
    ]


@pytest.mark.parametrize("flag", ["--recursive", "-r"])
def test_recursive(tmp_path, run, flag):
    top = _tree(tmp_path)
    result = run("annotate", top, flag, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert _samples(result.stdout) == ["X", "A", "B"]


def test_quiet_after_the_subcommand(tmp_path, run):
    top = _tree(tmp_path)
    result = run("annotate", top, "--format", "tsv", "--quiet")
    assert result.exit_code == 0 and result.stderr == ""


def test_debug_after_the_subcommand_shows_the_exception(tmp_path, run):
    missing = tmp_path / "missing.vcf"
    plain = run("annotate", missing)
    debug = run("annotate", missing, "--debug")
    assert plain.exit_code == 3 and isinstance(plain.result.exception, SystemExit | None)
    assert type(debug.result.exception).__name__ == "InputError"  # raised: a traceback


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("hg38", "GRCh38"),
        ("GRCh38", "GRCh38"),
        ("grch38", "GRCh38"),
        ("b38", "GRCh38"),
        ("hg19", "GRCh37"),
        ("b37", "GRCh37"),
        ("GRCH37", "GRCh37"),
    ],
)
def test_build_aliases(tmp_path, run, name, build):
    path = write_input(tmp_path, "in", vcf_text(["S"], [HOMOZYGOTE], build=build))
    result = run("annotate", path, "--build", name)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["input"]["build"] == build
    assert report["samples"][0]["dira_genotype"] == "biallelic"


def test_unknown_build_is_a_usage_error(tmp_path, run):
    result = run("annotate", good(tmp_path), "--build", "hg18")
    assert result.exit_code == 2
    assert "'hg18'" in result.stderr and "GRCh38" in result.stderr


def test_list_of_inputs(tmp_path, run, monkeypatch):
    a = good(tmp_path, "a", sample="A")
    good(tmp_path, "b", CARRIER, sample="B")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# my cohort\n{a}\n\nb.vcf.gz\n")  # relative: from the working directory
    monkeypatch.chdir(tmp_path)
    by_at = run("annotate", f"@{listing}", "--format", "tsv")
    by_option = run("annotate", "--inputs-from", listing, "--format", "tsv")
    by_stdin = run("annotate", "--inputs-from", "-", "--format", "tsv", input=listing.read_text())
    for result in (by_at, by_option, by_stdin):
        assert result.exit_code == 0, result.stderr
        assert _samples(result.stdout) == ["A", "B"]


@pytest.mark.parametrize(("text", "problem"), [(None, "no such file"), ("# none\n", "no input")])
def test_bad_list_of_inputs(tmp_path, run, text, problem):
    listing = tmp_path / "list.txt"
    if text is not None:
        listing.write_text(text)
    result = run("annotate", f"@{listing}")
    assert result.exit_code == 3
    one_error(result.stderr, str(listing), problem)


# --- item 12: versions in --version and in the TSV ---------------------------------------------


def test_version_names_the_catalog(run):
    from il1rn_annot import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"il1rn-annot {__version__}",
        f"catalog {CATALOG.version} sha256 {CATALOG.sha256}",
    ]


def test_tsv_carries_the_json_tool_fields_and_warnings(tmp_path, run):
    from dataclasses import replace

    from il1rn_annot.model import Options
    from il1rn_annot.pipeline import annotate
    from il1rn_annot.report import render
    from il1rn_annot.report.json import report_dict

    report = annotate(str(good(tmp_path)), Options())
    report = replace(report, warnings=["records out of order", "2 records skipped"])
    document = report_dict(report)
    rows = [line.split("\t") for line in render([report], "tsv").splitlines()]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["tool_version"] == document["tool"]["version"]
    assert row["catalog_version"] == document["tool"]["catalog_version"] == CATALOG.version
    assert row["catalog_sha256"] == document["tool"]["catalog_sha256"] == CATALOG.sha256
    assert row["report_warnings"] == "records out of order; 2 records skipped"


def test_tsv_reads_as_a_plain_table(tmp_path, run):
    out = tmp_path / "r.tsv"
    assert run("annotate", good(tmp_path), "-o", out).exit_code == 0
    lines = out.read_text().splitlines()
    assert not any(line.startswith("#") for line in lines)
    assert {len(line.split("\t")) for line in lines} == {len(COLUMNS)}


# --- exit 1: a bug is one line, and counted as a failed input --------------------------------


def test_unexpected_exception_is_an_internal_error():
    from il1rn_annot.batch import BatchResult, guarded
    from il1rn_annot.errors import InternalError
    from il1rn_annot.model import Options

    def broken(source: str, options: Options):
        return {}["missing key"]

    with pytest.raises(InternalError) as caught:
        guarded(broken, "x.vcf", Options())
    assert caught.value.exit_code == 1
    assert str(caught.value).startswith("x.vcf: unexpected KeyError")
    assert "please report" in str(caught.value)
    assert BatchResult(total=1, failed=1, internal=1, last_code=1).exit_code == 1
    assert BatchResult(total=3, failed=3, internal=3).exit_code == 1
    assert BatchResult(total=3, failed=3, internal=1).exit_code == 3
    assert BatchResult(total=3, failed=1, internal=1).exit_code == 4


@pytest.mark.parametrize("list_arg", [["--inputs-from", "-"], ["@-"]])
def test_stdin_cannot_be_both_an_input_and_the_list(run, list_arg):
    result = run("annotate", "-", *list_arg, input="x.vcf\n")
    assert result.exit_code == 2
    assert "stdin ('-') can be given once" in result.stderr


def test_output_naming_a_directory_is_exit_5(tmp_path, run):
    (tmp_path / "r.json").mkdir()
    result = run("annotate", good(tmp_path), "-o", tmp_path / "r.json")
    assert result.exit_code == 5
    one_error(result.stderr, str(tmp_path / "r.json"), "is a directory")
