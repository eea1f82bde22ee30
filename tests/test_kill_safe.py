"""Kill-safe batches (issue #12 part 3): SIGKILL in the middle of an --output-dir run, Ctrl-C to
the whole process group with --jobs, and a disk that fills up mid-batch. Real processes, real
signals, a real (small) tmpfs.

After any of them: only whole reports under their final names; a rerun finishes the rest and
leaves the finished reports alone (same inode and mtime); temporary files of the killed run are
hidden names (.NAME.XXXXXXXX.tmp) that no report is named like, and the rerun removes them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.resume import STATE_FILE

HOMOZYGOTE = "113131068 G T PASS GT:GQ:DP 1/1:99:30"
SCRIPT = Path(sys.executable).parent / "il1rn-annot"
TOOL = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "il1rn_annot"]
TABLE = "il1rn_dira_mqc.tsv"


def inputs(directory: Path, n: int) -> list[Path]:
    directory.mkdir()
    return [
        write_input(directory, f"s{i:02d}", vcf_text([f"S{i:02d}"], [HOMOZYGOTE])) for i in range(n)
    ]


def finished(directory: Path) -> dict[str, tuple[int, int]]:
    """Visible files (reports, the table) with inode and mtime."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in directory.iterdir()
        if not p.name.startswith(".")
    }


def assert_whole(directory: Path) -> None:
    """Every visible file is a whole report of its input."""
    for name in finished(directory):
        if name == TABLE:
            continue
        report = json.loads((directory / name).read_text())  # a cut file is not JSON
        assert report["samples"][0]["sample"] == name.removesuffix(".json").upper()
        assert report["samples"][0]["dira_genotype"] == "biallelic"


def recorded(directory: Path) -> set[str]:
    """Reports whose line in the state file is whole."""
    names = set()
    state = directory / STATE_FILE
    if state.exists():
        for line in state.read_text().splitlines():
            with contextlib.suppress(ValueError):
                names.add(json.loads(line)["report"])
    return names


def start(args: list, cwd: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [*TOOL, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        text=True,
        **kwargs,
    )


def wait_for(condition, proc: subprocess.Popen, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            pytest.fail(f"the run ended ({proc.returncode}) before {what}: {proc.stderr.read()}")
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def descendants(pid: int) -> set[int]:
    """Processes below ``pid`` (workers, the fork server), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        children = {p for p, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def gone(pids: set[int], limit: float = 20.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        alive = set()
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.add(pid)
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("k", [1, 4])
def test_sigkill_after_k_reports_then_a_rerun_finishes_the_rest(tmp_path, jobs, k):
    """stdin after the first k inputs holds the run there for certain: k reports are written,
    (with --jobs 2, workers are busy with the inputs after it), then SIGKILL."""
    files = inputs(tmp_path / "in", 8)
    out = tmp_path / "out"
    args = ["annotate", *files[:k], "-", *files[k:], "--output-dir", out, "--jobs", jobs]
    proc = start(args, tmp_path)
    wait_for(lambda: len(recorded(out)) >= k, proc, f"{k} reports")
    time.sleep(0.3)
    workers = descendants(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    proc.stdin.close()
    proc.stdout.close()
    proc.stderr.close()
    assert gone(workers), "worker processes outlived the killed batch"
    written = finished(out)
    assert sorted(written) == [f"s{i:02d}.json" for i in range(k)]  # no table, no part report
    assert_whole(out)
    # A temporary file as a kill during a write leaves it; an unrelated hidden file stays.
    (out / f".s{k:02d}.json.abcd_123.tmp").write_text('{"cut sh')
    (out / ".notes.tmp").write_text("mine")
    rerun = subprocess.run(
        [*TOOL, "annotate", *map(str, files), "--output-dir", str(out), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == (
        f"il1rn-annot: 8 inputs: {8 - k} done, {k} skipped (finished earlier; --force redoes "
        "them), 0 failed\n"
    )
    after = finished(out)
    assert sorted(after) == [TABLE] + [f"s{i:02d}.json" for i in range(8)]
    assert {n: after[n] for n in written} == written  # the finished reports were left alone
    assert_whole(out)
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert hidden == [STATE_FILE, ".notes.tmp"]
    assert (out / TABLE).read_text().count("\tbiallelic\t") == 8


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_at_any_moment_leaves_whole_reports(tmp_path, jobs):
    """No stdin to hold it: killed wherever it is once three reports exist (maybe mid-write)."""
    files = inputs(tmp_path / "in", 30)
    out = tmp_path / "out"
    proc = start(["annotate", tmp_path / "in", "--output-dir", out, "--jobs", jobs], tmp_path)
    wait_for(lambda: len(list(out.glob("*.json"))) >= 3 if out.exists() else False, proc, "reports")
    workers = descendants(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()
    assert gone(workers)
    assert_whole(out)
    before = finished(out)
    kept = recorded(out)
    assert kept <= set(before)  # a report is recorded only once it is in place
    rerun = subprocess.run(
        [*TOOL, "annotate", str(tmp_path / "in"), "--output-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    after = finished(out)
    assert len(after) == len(files) + 1
    assert {n: after[n] for n in kept} == {n: before[n] for n in kept}
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert_whole(out)


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_ctrl_c_to_the_process_group_with_jobs(tmp_path, name):
    """A terminal's Ctrl-C reaches the parent and every worker: one line from the parent, no
    worker traceback, exit 130 (143 for SIGTERM to the group, as a batch system sends it)."""
    signum = getattr(signal, name)
    files = inputs(tmp_path / "in", 8)
    out = tmp_path / "out"
    args = ["annotate", *files[:2], "-", *files[2:], "--output-dir", out, "--jobs", "2"]
    proc = start(args, tmp_path, start_new_session=True)
    wait_for(lambda: len(recorded(out)) >= 2, proc, "two reports")
    time.sleep(0.3)
    workers = descendants(proc.pid)
    assert len(workers) >= 2  # the fork server and its workers
    os.killpg(proc.pid, signum)
    proc.stdin.close()
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    stderr = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == 128 + signum, stderr
    assert stderr == f"il1rn-annot: error: interrupted by {name}\n"
    assert gone(workers)
    assert sorted(finished(out)) == ["s00.json", "s01.json"]
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs (tests run as root here); skipped where mounting is not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_disk_that_fills_up_mid_batch(tmp_path, small_disk, jobs):
    files = inputs(tmp_path / "in", 30)  # ~2 KiB each, a page (4 KiB) each on tmpfs
    out = small_disk / "out"
    args = [*TOOL, "annotate", str(tmp_path / "in"), "--output-dir", str(out), "--jobs", str(jobs)]
    full = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert full.returncode == 5, full.stderr
    lines = full.stderr.splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], full.stderr
    assert lines[0].startswith(f"il1rn-annot: error: {out}/")
    before = finished(out)
    assert 0 < len(before) < len(files) and TABLE not in before
    assert_whole(out)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # no partial report
    kept = recorded(out)
    subprocess.run(["mount", "-o", "remount,size=1m", str(small_disk)], check=True)
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    after = finished(out)
    assert len(after) == len(files) + 1
    assert {n: after[n] for n in kept} == {n: before[n] for n in kept}
    assert f"{len(kept)} skipped" in again.stderr
    assert_whole(out)
