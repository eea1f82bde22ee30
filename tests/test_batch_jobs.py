"""Batches that use the machine (issue #11 part 3): --jobs in worker processes with outputs in
input order, resume of a finished --output-dir (and --force), a progress line on a terminal
only (a real pty), and a summary line."""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.resume import STATE_FILE

HOMOZYGOTE = "113131068 G T PASS GT:GQ:DP 1/1:99:30"
CARRIER = "113131068 G T PASS GT:GQ:DP 0/1:99:30"
REFERENCE = "113131068 G T PASS GT:GQ:DP 0/0:99:30"
SCRIPT = Path(sys.executable).parent / "il1rn-annot"
TOOL = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "il1rn_annot"]
TABLE = "il1rn_dira_mqc.tsv"
ROOT = Path(__file__).parent.parent


def plate(directory: Path, n: int = 9, bad: tuple[int, ...] = (4,)) -> list[Path]:
    """n single-sample inputs (all three calls, one GRCh37), some malformed."""
    directory.mkdir(exist_ok=True)
    rows = (HOMOZYGOTE, CARRIER, REFERENCE)
    paths = []
    for i in range(n):
        if i in bad:
            text = vcf_text([f"S{i}"], ["113131068 G T PASS GT 0/x"])
            paths.append(write_input(directory, f"s{i:02d}", text, "vcf"))
        else:
            build = "GRCh37" if i == 5 else "GRCh38"
            text = vcf_text([f"S{i}"], [rows[i % 3]], build=build)
            paths.append(write_input(directory, f"s{i:02d}", text))
    return paths


def reports(directory: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each report's inode, mtime and bytes (hidden files left out)."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(directory.iterdir())
        if not p.name.startswith(".")
    }


# --- --jobs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["tsv", "summary"])
def test_jobs_give_the_serial_combined_output_in_input_order(tmp_path, run, fmt):
    inputs = plate(tmp_path / "in", 9)
    serial = run("annotate", *inputs, "--format", fmt)
    parallel = run("annotate", *inputs, "--format", fmt, "--jobs", "3")
    assert serial.exit_code == parallel.exit_code == 4
    assert parallel.stdout == serial.stdout and serial.stdout
    assert parallel.stderr == serial.stderr  # the one error line, the GRCh37 note if any
    assert "malformed GT" in parallel.stderr


def test_jobs_give_the_serial_reports_and_table(tmp_path, run):
    inputs = plate(tmp_path / "in", 9)
    one, two = tmp_path / "one", tmp_path / "two"
    assert run("annotate", *inputs, "--output-dir", one).exit_code == 4
    assert run("annotate", *inputs, "--output-dir", two, "-j", "2").exit_code == 4
    assert list(reports(one)) == [TABLE] + [f"s{i:02d}.json" for i in range(9) if i != 4]
    assert {n: r[2] for n, r in reports(one).items()} == {n: r[2] for n, r in reports(two).items()}


def test_stdin_among_inputs_is_read_by_the_parent(tmp_path, run):
    inputs = plate(tmp_path / "in", 4, bad=())
    text = vcf_text(["FROM_STDIN"], [CARRIER])
    args = ["annotate", inputs[0], inputs[1], "-", inputs[2], inputs[3], "--format", "tsv"]
    serial, parallel = run(*args, input=text), run(*args, "--jobs", "2", input=text)
    assert parallel.exit_code == 0, parallel.stderr
    assert parallel.stdout == serial.stdout
    assert [line.split("\t")[1] for line in parallel.stdout.splitlines()[1:]] == [
        "S0",
        "S1",
        "FROM_STDIN",
        "S2",
        "S3",
    ]


def test_worker_warnings_come_through_the_parent_and_quiet_holds(tmp_path, run):
    empty = write_input(tmp_path, "empty", vcf_text(["E"], []))
    full = write_input(tmp_path, "full", vcf_text(["F"], [CARRIER]))
    loud = run("annotate", empty, full, "--format", "tsv", "--jobs", "2")
    assert loud.exit_code == 0
    assert re.fullmatch(
        r"il1rn-annot: warning: \S*empty.vcf.gz: no record in the IL1RN .*\n", loud.stderr
    )
    quiet = run("annotate", empty, full, "--format", "tsv", "--jobs", "2", "--quiet")
    assert quiet.stderr == "" and quiet.stdout == loud.stdout


def test_jobs_must_be_positive(run, tmp_path):
    result = run("annotate", "x.vcf", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr


# --- resume ------------------------------------------------------------------------------------


def test_a_rerun_skips_finished_reports_and_keeps_the_table_whole(tmp_path, run):
    inputs = plate(tmp_path / "in", 6, bad=())
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    args = ["annotate", *inputs, "--html", tmp_path / "page.html"]
    assert run(*args, "--output-dir", out).exit_code == 0
    first = reports(out)
    again = run(*args, "--output-dir", out, "--jobs", "2")
    assert again.exit_code == 0, again.stderr
    assert again.stderr == (
        "il1rn-annot: 6 inputs: 0 done, 6 skipped (finished earlier; --force redoes them), "
        "0 failed\n"
    )
    after = reports(out)
    for name in first:
        if name != TABLE:
            assert after[name][:2] == first[name][:2], name  # not rewritten: same inode, mtime
    # the table and the page list every input, as a fresh run's do
    assert run(*args[:-2], "--html", tmp_path / "fresh.html", "--output-dir", fresh).exit_code == 0
    assert after[TABLE][2] == reports(fresh)[TABLE][2]
    assert _page(tmp_path / "page.html") == _page(tmp_path / "fresh.html")
    assert _page(tmp_path / "page.html").count("S0") >= 1


def _page(path: Path) -> str:
    """The page without its date and time."""
    return re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?( ?UTC)?", "", path.read_text())


@pytest.mark.parametrize("change", ["input", "index", "option", "report_deleted", "report_edited"])
def test_what_changed_is_redone(tmp_path, run, change):
    inputs = plate(tmp_path / "in", 3, bad=())
    out = tmp_path / "out"
    assert run("annotate", *inputs, "--output-dir", out).exit_code == 0
    before = reports(out)
    extra = []
    if change == "input":  # same name, new content: the carrier is now homozygous
        write_input(tmp_path / "in", "s01", vcf_text(["S1"], [HOMOZYGOTE]))
    elif change == "index":
        os.utime(str(inputs[1]) + ".tbi", ns=(1, 1))
    elif change == "option":
        extra = ["--min-dp", "40"]
    elif change == "report_deleted":
        (out / "s01.json").unlink()
    else:
        (out / "s01.json").write_text("{}")
    result = run("annotate", *inputs, "--output-dir", out, *extra)
    assert result.exit_code == 0, result.stderr
    after = reports(out)
    redone = {n for n in before if n != TABLE and after[n][:2] != before[n][:2]}
    assert redone == ({"s00.json", "s01.json", "s02.json"} if change == "option" else {"s01.json"})
    report = json.loads((out / "s01.json").read_text())
    expected = "biallelic" if change == "input" else "monoallelic"
    if change == "option":
        expected = "indeterminate"  # depth 30 < 40
    assert report["samples"][0]["dira_genotype"] == expected
    table = (out / TABLE).read_text()
    assert f"\nS1\t{expected}\t" in table


def test_a_bam_given_to_another_sample_is_redone(tmp_path, run):
    """Same files, another binding: --bam A=x.bam then --bam B=x.bam must not be skipped."""
    vcf = write_input(tmp_path, "duo", vcf_text(["A", "B"], [f"{CARRIER} 0/1:99:30"]))
    bam = ROOT / "examples" / "depth" / "DEPTH_NO_COPY.cram"
    fasta = ROOT / "examples" / "depth" / "synthetic_chr2.fa.gz"
    out = tmp_path / "out"
    common = ["annotate", vcf, "--fasta", fasta, "--output-dir", out]
    first = run(*common, "--bam", f"A={bam}")
    assert first.exit_code == 0, first.stderr
    second = run(*common, "--bam", f"B={bam}")
    assert second.exit_code == 0, second.stderr
    assert "skipped" not in second.stderr
    report = json.loads((out / "duo.json").read_text())
    depth = {s["sample"]: s.get("depth") for s in report["samples"]}
    assert depth["B"] and not depth["A"]


def test_an_annotated_vcf_without_its_index_is_redone(tmp_path, run):
    inputs = plate(tmp_path / "in", 2, bad=())
    out = tmp_path / "out"
    args = ["annotate", *inputs, "--format", "vcf", "--output-dir", out]
    assert run(*args).exit_code == 0
    (out / "s01.vcf.gz.tbi").unlink()
    result = run(*args)
    assert result.exit_code == 0
    assert "1 done, 1 skipped" in result.stderr
    assert (out / "s01.vcf.gz.tbi").exists()


def test_force_redoes_everything(tmp_path, run):
    inputs = plate(tmp_path / "in", 2, bad=())
    out = tmp_path / "out"
    assert run("annotate", *inputs, "--output-dir", out).exit_code == 0
    before = reports(out)
    result = run("annotate", *inputs, "--output-dir", out, "--force")
    assert result.exit_code == 0 and result.stderr == ""
    after = reports(out)
    assert all(after[n][:2] != before[n][:2] for n in before)


def test_failed_inputs_are_retried(tmp_path, run):
    inputs = plate(tmp_path / "in", 3, bad=(1,))
    out = tmp_path / "out"
    assert run("annotate", *inputs, "--output-dir", out).exit_code == 4
    write_input(tmp_path / "in", "s01", vcf_text(["S1"], [CARRIER]), "vcf")
    result = run("annotate", *inputs, "--output-dir", out)
    assert result.exit_code == 0
    assert "1 done, 2 skipped" in result.stderr
    assert "\nS1\tmonoallelic\t" in (out / TABLE).read_text()


def test_a_torn_state_line_redoes_only_that_report(tmp_path, run):
    inputs = plate(tmp_path / "in", 3, bad=())
    out = tmp_path / "out"
    assert run("annotate", *inputs, "--output-dir", out).exit_code == 0
    state = out / STATE_FILE
    lines = state.read_text().splitlines(keepends=True)
    state.write_text("".join(lines[:2]) + lines[2][: len(lines[2]) // 2])  # as SIGKILL leaves it
    before = reports(out)
    assert run("annotate", *inputs, "--output-dir", out).exit_code == 0
    after = reports(out)
    assert {n for n in before if n != TABLE and after[n][:2] != before[n][:2]} == {"s02.json"}


def test_one_batch_per_directory_at_a_time(tmp_path, run):

    inputs = plate(tmp_path / "in", 1, bad=())
    out = tmp_path / "out"
    out.mkdir()
    held = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run("annotate", *inputs, "--output-dir", out)
    finally:
        os.close(held)
    assert result.exit_code == 5
    assert result.stderr == (
        f"il1rn-annot: error: {out}: another il1rn-annot batch is writing this directory; wait "
        "for it to end, or give another --output-dir\n"
    )


# --- progress on a terminal ----------------------------------------------------------------------


def _on_pty(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run with stderr on a real pseudo-terminal; stdout is a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # 160 columns
    proc = subprocess.Popen([*TOOL, *args], stdout=subprocess.PIPE, stderr=slave, cwd=cwd)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last writer has gone
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.stdout.close()
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, out, seen.decode()


def test_progress_on_a_terminal_then_the_summary(tmp_path):
    inputs = plate(tmp_path / "in", 5, bad=(2,))
    code, out, err = _on_pty(["annotate", *map(str, inputs), "--format", "tsv"], tmp_path)
    assert code == 4
    assert "\r\x1b[Kil1rn-annot: [" in err  # the line, redrawn in place
    assert re.search(r"\] 5/5 \(4 done, 1 failed\) s04", err), err
    lines = [line for line in err.replace("\r\x1b[K", "\n").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("il1rn-annot: error:")]
    assert len(errors) == 1 and "malformed GT" in errors[0]  # never glued to the bar
    assert err.rstrip("\r\n").endswith("il1rn-annot: 5 inputs: 4 done, 1 failed")
    assert out.count("\n") == 5  # the header and four samples: stdout untouched


def test_no_progress_with_quiet_or_off_a_terminal(tmp_path):
    inputs = [str(p) for p in plate(tmp_path / "in", 3, bad=())]
    code, _, err = _on_pty(["annotate", *inputs, "--format", "tsv", "--quiet"], tmp_path)
    assert code == 0 and err == ""
    piped = subprocess.run([*TOOL, "annotate", *inputs, "--format", "tsv"], capture_output=True)
    assert piped.returncode == 0 and piped.stderr == b""


@pytest.mark.parametrize("fmt", ["json", "vcf"])
def test_jobs_write_the_serial_files_for_every_format(tmp_path, run, fmt):
    """Annotated VCFs carry the input's text through the workers; both encode alike."""
    inputs = plate(tmp_path / "in", 4, bad=())
    one, two = tmp_path / "one", tmp_path / "two"
    for out, jobs in ((one, "1"), (two, "2")):
        result = run("annotate", *inputs, "--format", fmt, "--output-dir", out, "--jobs", jobs)
        assert result.exit_code == 0, result.stderr
    assert sorted(reports(one)) == sorted(reports(two))
    assert len(reports(two)) == (9 if fmt == "vcf" else 5)  # .vcf.gz + .tbi each, the table
    for name in reports(one):
        if not name.endswith(".tbi"):
            assert _text(one / name) == _text(two / name), name


def _text(path: Path) -> str:
    """A report's text; an annotated VCF's without the command line its header names."""
    if path.name.endswith(".gz"):
        text = gzip.decompress(path.read_bytes()).decode()
        return "".join(line for line in text.splitlines(True) if "--output-dir" not in line)
    return path.read_text()


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def test_a_worker_that_dies_ends_the_batch_with_one_line(tmp_path):
    """The OOM killer's SIGKILL to the workers: exit 1, one line naming the first input without
    a report; what was written stays (also what workers finished meanwhile); a rerun resumes."""
    from test_kill_safe import descendants, recorded, wait_for

    files = plate(tmp_path / "in", 6, bad=())
    out = tmp_path / "out"
    args = [*TOOL, "annotate", str(files[0]), "-", *map(str, files[1:]), "--output-dir", str(out)]
    proc = subprocess.Popen(
        [*args, "--jobs", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: len(recorded(out)) >= 1, proc, "the first report")
    time.sleep(0.5)
    children = descendants(proc.pid)
    workers = {p for p in children if _parent(p) in children}  # the fork server's children
    assert len(workers) == 2
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):  # one that ended meanwhile
            os.kill(pid, 9)
    _, stderr = proc.communicate(vcf_text(["FROM_STDIN"], [CARRIER]), timeout=120)
    assert proc.returncode == 1, stderr
    found = re.fullmatch(
        r"il1rn-annot: error: \S+s0(\d)\.vcf\.gz: a worker process died \(killed, or out of "
        r"memory\?\) before this input's report was made; the reports written so far are kept: "
        r"rerun to resume\n",
        stderr,
    )
    assert found, stderr
    first_lost = int(found.group(1))
    assert 1 <= first_lost <= 5
    written = ["stdin.json", *(f"s{i:02d}.json" for i in range(first_lost))]
    assert sorted(reports(out)) == sorted(written)
    rerun = subprocess.run([*args[:3], *args[4:]], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{6 - first_lost} done, {first_lost} skipped" in rerun.stderr
