"""Issue 11: BGZF inflated on two threads (inflate._parallel) gives the bytes gzip gives, in the
same blocks; and a damaged, cut or foreign file fails exactly where and as the sequential reader
(the one before) fails, since that reader takes over at the first doubt."""

from __future__ import annotations

import gzip
import random
import threading
from pathlib import Path

import pytest
from conftest import write_input
from fuzz_inputs import bgzf_blocks
from test_bisect import genome
from test_stream_fast import _BGZF_EOF, _bounds

from il1rn_annot import inflate, stream


@pytest.fixture(scope="module")
def bgzf(tmp_path_factory) -> Path:
    """A small genome in BGZF, as htslib writes it: many blocks."""
    path = write_input(
        tmp_path_factory.mktemp("bgzf"), "in", genome(random.Random(7), per_contig=4_000), "vcf.gz"
    )
    assert len(bgzf_blocks(path.read_bytes())) > 12
    return path


@pytest.fixture(autouse=True, params=["small runs", "as shipped"])
def runs(request, monkeypatch):
    """Runs of 3 blocks, 2 in flight, and 30,000 compressed bytes read at a time (less than a
    block): many runs and tasks, and blocks cut by reads; or the sizes as shipped."""
    if request.param == "small runs":
        monkeypatch.setattr(inflate, "_RUN", 3)
        monkeypatch.setattr(inflate, "_RUNS_AHEAD", 2)
        monkeypatch.setattr(inflate, "_READ", 30_000)


def outcome(chunks) -> tuple[bytes, str]:
    """The text a reader hands on, and the error it ends with (its class and message): what a
    scan sees, whatever the blocks."""
    got = []
    try:
        for chunk in chunks:
            assert chunk, "no empty block before the end"
            got.append(chunk)
    except inflate.damaged_errors() as exc:
        return b"".join(got), f"{type(exc).__name__}: {exc}"
    return b"".join(got), ""


def sequential(path: Path, size: int) -> tuple[bytes, str]:
    """The reference: the reader of one thread, which read every gzip file before."""
    return outcome(block for block, _ in inflate._read_ahead(str(path), size, True))


@pytest.mark.parametrize("size", [61, 4096, 65_536, 1 << 20])
def test_the_bytes_of_gzip_and_where_its_newlines_are(bgzf, inflater, size, monkeypatch):
    """The text gzip.decompress gives, the sequential reader never called; with each block the
    offsets of its newlines, found by the inflating threads."""
    monkeypatch.setattr(inflate, "NEWLINES_FROM", 0)

    def never(*args):
        raise AssertionError("the parallel inflater gave up on an intact BGZF file")

    monkeypatch.setattr(inflate, "_read_ahead", never)
    pairs = list(inflate.indexed_blocks(str(bgzf), size))
    assert b"".join(block for block, _ in pairs) == gzip.decompress(bgzf.read_bytes())
    for block, newlines in pairs:
        assert newlines.tolist() == [i for i, byte in enumerate(block) if byte == 10]


def test_small_inputs_are_not_indexed(bgzf):
    """numpy is for large inputs: a small one has no newline offsets (the scan counts)."""
    assert bgzf.stat().st_size < inflate.NEWLINES_FROM
    assert all(newlines is None for _, newlines in inflate.indexed_blocks(str(bgzf), 4096))


def _damaged(data: bytes, how: str, at: int) -> bytes:
    """``data`` (BGZF) damaged at block ``at`` (an index into its blocks)."""
    starts = bgzf_blocks(data)
    start, end = starts[at], starts[at + 1]
    raw = bytearray(data)
    if how == "cut at a block":
        return data[:start]
    if how == "cut at a block, end-of-file marker added":
        return data[:start] + _BGZF_EOF
    if how == "cut inside a block":
        return data[: (start + end) // 2]
    if how == "cut inside a block, end-of-file marker added":
        return data[: (start + end) // 2] + _BGZF_EOF
    if how == "deflate data overwritten":
        raw[start + 40 : start + 240] = bytes(200)
    elif how == "a deflate byte flipped":
        raw[(start + end) // 2] ^= 0x10
    elif how == "CRC flipped":
        raw[end - 8] ^= 0x01
    elif how == "length flipped":
        raw[end - 4] ^= 0x01
    elif how == "magic overwritten":
        raw[start] = 0
    elif how == "BSIZE changed":
        raw[start + 16] ^= 0x04
    elif how == "not BGZF from here (a plain gzip member)":
        text = gzip.decompress(data[start:])
        return data[:start] + gzip.compress(text)
    elif how == "zeros after the end":
        return data + bytes(40)
    elif how == "garbage after the end":
        return data + b"not gzip at all"
    return bytes(raw)


DAMAGE = [
    "cut at a block",
    "cut at a block, end-of-file marker added",
    "cut inside a block",
    "cut inside a block, end-of-file marker added",
    "deflate data overwritten",
    "a deflate byte flipped",
    "CRC flipped",
    "length flipped",
    "magic overwritten",
    "BSIZE changed",
    "not BGZF from here (a plain gzip member)",
    "zeros after the end",
    "garbage after the end",
]


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("where", [1, 0.5, -2])
@pytest.mark.parametrize("size", [4096, 1 << 20])
def test_damage_ends_as_the_sequential_reader_ends(tmp_path, bgzf, inflater, how, where, size):
    """The same blocks of text, then the same error (class and message), or the same whole
    text where the sequential reader reads it all (zeros after the end, a gzip member that is
    not BGZF): block by block, at the start, middle and end of the file."""
    data = bgzf.read_bytes()
    count = len(bgzf_blocks(data)) - 1
    at = int(where * count) if isinstance(where, float) else where % count
    path = tmp_path / "damaged.vcf.gz"
    path.write_bytes(_damaged(data, how, at))
    expected = sequential(path, size)
    assert outcome(inflate.blocks(str(path), size)) == expected
    if "inside" in how or how.endswith("flipped") or "overwritten" in how:
        assert expected[1], "the damage is one the sequential reader sees"


@pytest.mark.parametrize("block", [4096, 1 << 20])
@pytest.mark.parametrize("how", DAMAGE)
def test_the_scan_of_a_damaged_file_fails_as_before(
    tmp_path, bgzf, monkeypatch, inflater, how, block
):
    """Through the scan (the line the error names, or what the scan found): as with the
    sequential reader."""
    data = bgzf.read_bytes()
    path = tmp_path / "damaged.vcf.gz"
    path.write_bytes(_damaged(data, how, len(bgzf_blocks(data)) // 3))
    monkeypatch.setattr(stream, "_BLOCK", block)

    def scanned() -> tuple:
        try:
            with stream.scan_text(str(path), "x", *_bounds()) as scan:
                return scan.lines, scan.order, Path(scan.path).read_bytes()
        except stream.InputError as error:
            return (str(error),)

    now = scanned()
    monkeypatch.setattr(stream, "indexed_blocks", lambda p, s, c: inflate._read_ahead(p, s, c))
    assert now == scanned()


@pytest.mark.parametrize(
    "content",
    [b"", _BGZF_EOF, gzip.compress(b"##fileformat=VCFv4.2\n"), b"\x1f\x8b\x08\x04"],
    ids=["empty", "only the end-of-file marker", "plain gzip", "a BGZF header cut short"],
)
def test_small_and_foreign_files(tmp_path, inflater, content):
    path = tmp_path / "x.vcf.gz"
    path.write_bytes(content)
    assert outcome(inflate.blocks(str(path), 1024)) == sequential(path, 1024)


def test_a_scan_stopped_early_lets_every_inflating_thread_go(bgzf, monkeypatch):
    """Blocks taken, then the reader dropped (as a scan error drops it): no thread is left."""
    chunks = inflate.blocks(str(bgzf), 1024)
    assert next(chunks)
    assert [t for t in threading.enumerate() if t.name.startswith("il1rn-inflate")]
    chunks.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("il1rn-inflate")]


def test_without_numpy_the_scan_counts(tmp_path, monkeypatch):
    """numpy missing (it comes with cyvcf2): blocks without newline offsets, the same text."""
    monkeypatch.setattr(inflate, "NEWLINES_FROM", 0)
    monkeypatch.setattr(inflate, "_has_numpy", lambda: False)
    path = write_input(tmp_path, "in", genome(random.Random(3), per_contig=500), "vcf.gz")
    pairs = list(inflate.indexed_blocks(str(path), 4096))
    assert all(newlines is None for _, newlines in pairs)
    assert b"".join(block for block, _ in pairs) == gzip.decompress(path.read_bytes())


def test_one_core_one_inflating_thread(bgzf, monkeypatch):
    """A process given one core (a container, a job's share) inflates on one thread."""
    monkeypatch.setattr(inflate, "_cores", lambda: 1)
    chunks = inflate.blocks(str(bgzf), 1024)
    first = next(chunks)
    assert len([t for t in threading.enumerate() if t.name.startswith("il1rn-inflate")]) == 1
    assert first + b"".join(chunks) == gzip.decompress(bgzf.read_bytes())


_FRESH_SCAN = """
import json, sys
from il1rn_annot import inflate, stream
assert "numpy" not in sys.modules  # imported by the scan, on a thread of its own
inflate.NEWLINES_FROM, inflate._RUN = 0, 2
blocks = list(inflate.indexed_blocks(sys.argv[1], 4096))
with stream.scan_text(sys.argv[1], "x", *map(int, sys.argv[2:5])) as scan:
    window = open(scan.path, "rb").read().decode()
print(json.dumps({
    "blocks": [[len(b), None if nl is None else nl.tolist()] for b, nl in blocks],
    "scan": [scan.lines, scan.order.count, list(scan.order.names), window],
}))
"""


def test_a_fresh_process_finds_newlines_while_numpy_is_imported(bgzf):
    """In a process that has not imported numpy, the inflating threads start before its import
    is done (on a thread of its own): every block still comes with its newlines, and the scan
    finds what line by line finds."""
    import json
    import subprocess
    import sys

    from test_stream_fast import line_by_line

    done = subprocess.run(
        [sys.executable, "-c", _FRESH_SCAN, str(bgzf), *map(str, _bounds())],
        capture_output=True,
        check=True,
    )
    got = json.loads(done.stdout)
    text = gzip.decompress(bgzf.read_bytes())
    assert sum(size for size, _ in got["blocks"]) == len(text)
    at = 0
    for size, newlines in got["blocks"]:
        assert newlines == [i for i, byte in enumerate(text[at : at + size]) if byte == 10]
        at += size
    plain = bgzf.parent / "fresh.vcf"
    plain.write_bytes(text)
    lines, order, window = line_by_line(plain)
    assert lines and got["scan"] == [lines, order.count, list(order.names), window.decode()]
