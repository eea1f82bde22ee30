"""Issue 11: the stream of an unindexed file, made fast (runs of one CHROM counted in place,
inflating on a second thread, isal when installed, standard input copied by the kernel), finds
exactly what reading it line by line finds, with the same errors."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_input
from test_bisect import genome

from il1rn_annot import inflate, stream
from il1rn_annot.genome import il1rn_window

SCRIPT = Path(sys.executable).parent / "il1rn-annot"
TOOL = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "il1rn_annot"]


def _bounds() -> tuple[int, int, int]:
    window = il1rn_window("GRCh38")
    return window.start - stream.LOOKBACK, window.end, window.start


def shuffled_genome(seed: int) -> str:
    """The synthetic genome of test_bisect, with some records moved: chr2 lines among chr1's
    and chr3's, and a chr2 line written ``chr2`` (the same chromosome, another name)."""
    rng = random.Random(seed)
    lines = genome(rng, per_contig=1_500).splitlines(keepends=True)
    body = [i for i, line in enumerate(lines) if not line.startswith("#")]
    chr2 = [i for i in body if lines[i].startswith("2\t")]
    for i in rng.sample(chr2, 40):
        lines.insert(rng.choice(body), lines.pop(i))
    i = rng.choice([i for i, line in enumerate(lines) if line.startswith("2\t")])
    lines[i] = "chr" + lines[i]
    return "".join(lines)


def line_by_line(path: Path) -> tuple[list[int], stream.Order, bytes]:
    """The reference: every record line through ``_State.line``, none counted in bulk."""
    out = (path.parent / "reference.vcf").open("wb")
    scan = stream.Scan(out.name, [], stream.Order())
    state = stream._State("x", _bounds(), out, scan)
    with out, path.open("rb") as fh:
        for line in fh:
            state.n += 1
            if line.startswith(b"#") and not scan.order.names and not scan.order.other:
                out.write(line)
            else:
                state.line(line)
    return scan.lines, scan.order, Path(out.name).read_bytes()


def scanned(path: Path) -> tuple[list[int], stream.Order, bytes]:
    with stream.scan_text(str(path), "x", *_bounds()) as scan:
        return scan.lines, scan.order, Path(scan.path).read_bytes()


@pytest.mark.parametrize("block", [61, 4096, 65_536, 1 << 20])
@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
@pytest.mark.parametrize("numpy", [False, True], ids=["counted", "numpy"])
def test_blocks_find_what_lines_find(tmp_path, monkeypatch, block, shuffled, encoding, numpy):
    """Any block size (61 bytes cuts every line and the header), sorted or not, plain or BGZF,
    the runs of one CHROM counted or their newlines found with numpy by the inflating threads:
    the same candidate lines, line numbers, order verdict and contigs as line by
    line."""
    if numpy:
        monkeypatch.setattr(inflate, "NEWLINES_FROM", 0)
    text = shuffled_genome(5) if shuffled else genome(random.Random(5), per_contig=1_500)
    plain = tmp_path / "plain.vcf"
    plain.write_text(text)
    expected = line_by_line(plain)
    assert expected[0], "the genome has records near IL1RN"
    assert (expected[1].count > 0) == shuffled
    monkeypatch.setattr(stream, "_BLOCK", block)
    lines, order, window = scanned(write_input(tmp_path, "in", text, encoding))
    assert lines == expected[0]
    assert window == expected[2]
    assert order == expected[1]


def _outcome(scan) -> tuple | str:
    """What a scan found, or the error it stopped at."""
    try:
        return scan()
    except stream.InputError as error:
        return str(error)


@pytest.mark.parametrize(
    "cell",
    [
        "0",  # refused by _pos: POS 0 is read line by line, with its line number
        "0{pos}",  # a leading zero, its number in order: an error all the same
        "{pos}a",
        "+{pos}",
        "{pos} ",  # a space, not the tab, after the digits
        "",
        "999999999999999",  # 15 digits: numpy reads it (then out of order)
        "1000000000000000",  # 16: the regular expression reads it
        "123456789012345678901234",  # past int64
        "{before}",  # the line before's POS, twice in a row: still in order
    ],
)
@pytest.mark.parametrize("where", ["far", "near"])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
def test_odd_pos_cells_as_line_by_line(tmp_path, monkeypatch, cell, where, encoding):
    """A POS cell of chromosome 2 that is not plain digits, or is long, far from IL1RN (in a
    run counted with numpy, its POS read a column of digits at a time) or near it: the same
    lines, order and contigs as line by line, or the same error. Blocks of 8 KiB (plain) or
    of two BGZF blocks, so that the runs of chromosome 2 are in blocks with their newlines
    found by numpy (the first block, with the header, has none)."""
    monkeypatch.setattr(inflate, "NEWLINES_FROM", 0)
    monkeypatch.setattr(stream, "_BLOCK", 8192)
    monkeypatch.setattr(inflate, "_RUN", 2)
    read = stream._positions_at
    numpy_read: list = []
    monkeypatch.setattr(stream, "_positions_at", lambda *a: numpy_read.append(1) or read(*a))
    lines = genome(random.Random(21), per_contig=3_000).splitlines(keepends=True)
    chr2 = [i for i, line in enumerate(lines) if line.startswith("2\t")]
    window = il1rn_window("GRCh38")
    near = [i for i in chr2 if window.start <= int(lines[i].split("\t")[1]) <= window.end]
    at = near[len(near) // 2] if where == "near" else chr2[len(chr2) // 4]
    columns = lines[at].split("\t")
    columns[1] = cell.format(pos=columns[1], before=lines[at - 1].split("\t")[1])
    lines[at] = "\t".join(columns)
    text = "".join(lines)
    plain = tmp_path / "plain.vcf"
    plain.write_text(text)
    expected = _outcome(lambda: line_by_line(plain))
    got = _outcome(lambda: scanned(write_input(tmp_path, "in", text, encoding)))
    assert got == expected
    assert numpy_read
    if cell in ("0", "{before}"):
        assert isinstance(expected, tuple) and expected[0]  # read to the end, no error
    else:
        assert isinstance(expected, str) or expected[1].count  # an error, or out of order
    if cell == "0{pos}":
        assert "leading zero" in expected


_ACCESSIONS = {"1": "NC_000001.11", "2": "NC_000002.12", "3": "NC_000003.12", "X": "NC_000023.11"}


@pytest.mark.parametrize("block", [4096, 65_536])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
def test_long_contig_names_as_line_by_line(tmp_path, monkeypatch, block, encoding):
    """Contigs named by RefSeq accession (longer than a 64-bit word with their tab: the runs
    of one CHROM are checked a byte at a time), chromosome 2's lines among the others: the
    same as line by line."""
    monkeypatch.setattr(inflate, "NEWLINES_FROM", 0)
    monkeypatch.setattr(stream, "_BLOCK", block)
    monkeypatch.setattr(inflate, "_RUN", 2)
    lines = shuffled_genome(7).splitlines(keepends=True)
    for i, line in enumerate(lines):
        chrom, tab, rest = line.partition("\t")
        if chrom in _ACCESSIONS and tab:
            lines[i] = _ACCESSIONS[chrom] + tab + rest
    text = "".join(lines)
    plain = tmp_path / "plain.vcf"
    plain.write_text(text)
    expected = line_by_line(plain)
    assert expected[0] and expected[1].count
    assert set(expected[1].names) == {"NC_000002.12", "chr2"}
    assert scanned(write_input(tmp_path, "in", text, encoding)) == expected


def test_either_inflater_finds_the_same(tmp_path, inflater):
    text = shuffled_genome(9)
    plain = tmp_path / "plain.vcf"
    plain.write_text(text)
    assert scanned(write_input(tmp_path, "in", text, "vcf.gz")) == line_by_line(plain)


@pytest.mark.parametrize("damage", ["cut", "overwritten"])
def test_damaged_file_is_one_line_error_under_either_inflater(tmp_path, run, inflater, damage):
    """A BGZF file cut inside a block (then given an end-of-file marker, so that only the
    inflater can tell), or with compressed bytes overwritten: exit 3, one line naming the file,
    not a traceback (the inflating thread's error is raised by the scan)."""
    path = write_input(tmp_path, "x", genome(random.Random(43), per_contig=3_000), "vcf.gz")
    data = bytearray(path.read_bytes())
    if damage == "cut":
        data = data[: len(data) // 2] + _BGZF_EOF
    else:
        blocks = [i for i in range(len(data)) if data[i : i + 4] == b"\x1f\x8b\x08\x04"]
        middle = blocks[len(blocks) // 2]
        data[middle + 100 : middle + 300] = bytes(200)
    path.write_bytes(bytes(data))
    result = run("annotate", path)
    assert result.exit_code == 3
    assert "truncated or damaged compressed file after line " in result.stderr
    assert str(path) in result.stderr and "Traceback" not in result.stderr


def test_scan_stopped_early_lets_the_inflating_thread_go(tmp_path, monkeypatch):
    """An error in the scan (a header line among the records) while blocks are read ahead: the
    error is raised, and the inflating thread ends instead of waiting forever."""
    import threading

    text = genome(random.Random(3), per_contig=3_000)
    text = text.replace("\n2\t", "\n#2\t", 1)
    monkeypatch.setattr(stream, "_BLOCK", 1024)
    path = write_input(tmp_path, "in", text, "vcf.gz")
    with pytest.raises(stream.InputError, match="a header line among the records"):
        scanned(path)
    assert not [t for t in threading.enumerate() if t.name.startswith("il1rn-inflate")]


_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def _report(validator, args: list[str], **kwargs) -> dict:
    """The JSON report of a real process, checked against the schema, without what names the
    input and how it was read."""
    done = subprocess.run([*TOOL, "annotate", *args], capture_output=True, check=False, **kwargs)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    validator.validate(report)
    report["input"].pop("path")
    report["input"].pop("access", None)
    report["input"].pop("build_source", None)
    return report


@pytest.mark.parametrize("how", ["pipe", "file", "gzip pipe"])
def test_standard_input_of_a_real_process(tmp_path, report_validator, how):
    """Standard input as a shell gives it (a pipe, a redirected file, gzip through a pipe),
    copied by the kernel (splice, copy_file_range) or inflated on the way: the report of the
    file itself."""
    text = shuffled_genome(11)
    plain = write_input(tmp_path, "in", text, "vcf")
    expected = _report(report_validator, [str(plain), "--build", "GRCh38"])
    if how == "file":
        with plain.open("rb") as fh:
            got = _report(report_validator, ["-", "--build", "GRCh38"], stdin=fh)
    else:
        data = gzip.compress(text.encode()) if how == "gzip pipe" else text.encode()
        got = _report(report_validator, ["-", "--build", "GRCh38"], input=data)
    assert got == expected
    assert got["samples"] and got["warnings"]  # the shuffled chr2 lines: out of POS order


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "bcf"])
def test_standard_input_from_a_file_is_read_where_it_is(tmp_path, report_validator, encoding):
    """``- < file`` (read in place, through /proc/self/fd, not copied), the same bytes through
    a pipe (copied first), and the file by its name: one report (a BCF's contigs are its
    header's: not shuffled)."""
    text = genome(random.Random(13), per_contig=1_500) if encoding == "bcf" else shuffled_genome(13)
    path = write_input(tmp_path, "in", text, encoding)
    expected = _report(report_validator, [str(path), "--build", "GRCh38"])
    with path.open("rb") as fh:
        in_place = _report(report_validator, ["-", "--build", "GRCh38"], stdin=fh)
    piped = _report(report_validator, ["-", "--build", "GRCh38"], input=path.read_bytes())
    assert in_place == piped == expected
    assert expected["samples"]


def test_standard_input_from_the_middle_of_a_file(tmp_path, report_validator):
    """A file the caller has read part of: the rest, as a pipe would give it, not the file
    from its start."""
    text = shuffled_genome(17)
    plain = write_input(tmp_path, "in", text, "vcf")
    expected = _report(report_validator, [str(plain), "--build", "GRCh38"])
    both = tmp_path / "both.vcf"
    junk = b"not a VCF at all\n" * 100
    both.write_bytes(junk + plain.read_bytes())
    with both.open("rb", buffering=0) as fh:
        assert fh.read(len(junk)) == junk
        assert _report(report_validator, ["-", "--build", "GRCh38"], stdin=fh) == expected


@pytest.mark.parametrize("damage", ["cut", "overwritten", "empty"])
def test_a_damaged_standard_input_fails_the_same_from_a_file_or_a_pipe(tmp_path, damage):
    path = write_input(tmp_path, "x", genome(random.Random(43), per_contig=3_000), "vcf.gz")
    data = path.read_bytes()
    if damage == "cut":
        data = data[: len(data) // 2] + _BGZF_EOF
    elif damage == "overwritten":
        data = data[:5000] + bytes(300) + data[5300:]
    else:
        data = b""
    path.write_bytes(data)
    args = [*TOOL, "annotate", "-", "--build", "GRCh38"]
    with path.open("rb") as fh:
        in_place = subprocess.run(args, stdin=fh, capture_output=True, check=False)
    piped = subprocess.run(args, input=data, capture_output=True, check=False)
    assert in_place.returncode == piped.returncode == 3
    assert in_place.stderr == piped.stderr
    assert in_place.stderr.count(b"\n") == 1 and b"<stdin>" in in_place.stderr
