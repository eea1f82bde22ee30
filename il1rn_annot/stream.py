"""Reading an input without an index: every line, to the end.

A stream may not stop at the first record past IL1RN: an unsorted file, or one that names
chromosome 2 two ways (``2`` and ``chr2``), can hold the deciding record further on. So every line
is read, but only CHROM and POS of a text VCF are looked at in Python; the few lines that can
reach the window go to htslib (through a small temporary VCF with the same header). A BCF, whose
records are binary, is read through htslib to the end. Out-of-order records become a warning.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import sys
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from il1rn_annot.bgzf import is_block
from il1rn_annot.errors import InputError
from il1rn_annot.genome import LOOKBACK, is_chr2_alias
from il1rn_annot.inflate import copy_all, damaged_errors, indexed_blocks, open_gzip
from il1rn_annot.vcftext import bad_gt, shown

_END = re.compile(rb"(?:^|;)END=(\d+)")
#: SVLEN gives a symbolic allele's extent when END does not (htslib then takes the longest).
_SVLEN = re.compile(rb"(?:^|;)SVLEN=([^;\t]*)")
#: A line that may start with a name of chr2 (is_chr2_alias decides); its literal prefix keeps
#: the search at C speed.
_MAYBE_CHR2 = re.compile(
    rb"\n(?:(?:chr|chromosome)?0*2|NC_000002\.1[12]|CM000664\.[12])\t", re.IGNORECASE
)
_NO_TAB = re.compile(rb"\n[^\t\n]+\n")
_BLOCK = 1 << 20
#: POS cells of the lines of one chr2 name, the first one and those after a newline (see
#: _State._sorted_far).
_POS_OF: dict[bytes, tuple[re.Pattern[bytes], re.Pattern[bytes]]] = {}


@dataclass
class Order:
    """Whether chromosome 2's records (under all its names) come in POS order."""

    names: dict[str, None] = field(default_factory=dict)  # chr2 names met, in order
    other: set[str] = field(default_factory=set)  # some other contigs, for messages
    previous: tuple[str, int, int] = ("", 0, 0)  # name, POS and line of the last in order
    unsorted: str = ""  # the first place where POS goes back
    count: int = 0  # records out of order

    def see_other(self, name: str) -> None:
        """A contig that is not chr2, kept (up to 50) for messages."""
        if len(self.other) < 50:
            self.other.add(name)

    def see(self, name: str, pos: int, line: int = 0) -> None:
        if name not in self.names:
            self.names[name] = None
        if pos >= self.previous[1]:
            self.previous = (name, pos, line)
            return
        self.count += 1
        if not self.unsorted:
            self.unsorted = f"{_where(name, pos, line)} comes after {_where(*self.previous)}"

    def warnings(self) -> list[str]:
        out = []
        if self.count:
            out.append(
                f"{self.count} record(s) of chromosome 2 are out of POS order (first: "
                f"{self.unsorted}): the whole file was read, so none was missed; sort it "
                "(bcftools sort) and index it"
            )
        return out


def _where(name: str, pos: int, line: int) -> str:
    return f"{shown(name)}:{pos}" + (f" (line {line})" if line else "")


@dataclass
class Scan:
    """What a text scan found: a small VCF (the header and the record lines that may reach the
    window) for htslib to parse, those lines' numbers in the input, and chr2's order."""

    path: str
    lines: list[int]
    order: Order


def _gzipped(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


@contextmanager
def scan_text(path: str, label: str, first: int, last: int, reach_from: int) -> Iterator[Scan]:
    """Read every line; copy the chr2 records from ``first`` to ``last`` (and breakends up to
    LOOKBACK further, whose mate may lie in the window), and earlier ones whose END reaches
    ``reach_from``, to a temporary VCF with the header. Memory stays small, even for a cohort."""
    with tempfile.NamedTemporaryFile(prefix="il1rn-window-", suffix=".vcf") as out:
        scan = Scan(out.name, [], Order())
        _scan(path, label, (first, last, reach_from), out, scan)
        out.flush()
        yield scan


def _scan(path: str, label: str, bounds: tuple[int, int, int], out: BinaryIO, scan: Scan) -> None:
    """The header is copied; then the records are read in blocks of whole lines. A block of one
    contig other than chr2 is only counted (C speed); the others are looked at more closely (see
    ``_State.chunk``)."""
    state = _State(label, bounds, out, scan)
    rest, header = b"", True
    try:
        for block, newlines in indexed_blocks(path, _BLOCK, _gzipped(path)):
            if newlines is not None:
                state.index(block, newlines)
            if rest and not header:  # the line cut by the last block's end, on its own
                cut = block.find(b"\n") + 1
                if not cut:
                    rest += block
                    continue
                state.chunk(rest + block[:cut])
                rest, start = b"", cut
            else:
                block, rest, start = rest + block, b"", 0
            if header:
                block, header = _header(block, state, last=False)
                if header:  # the header may go on in the next block
                    rest = block
                    continue
            cut = block.rfind(b"\n") + 1
            if cut > start:
                state.chunk(block, start, cut)
            rest = block[max(cut, start) :]
        if header:
            rest, _ = _header(rest, state, last=True)
        if rest:
            state.chunk(rest)
    except damaged_errors() as exc:
        problem = f"truncated or damaged compressed file after line {state.n} ({shown(exc)})"
        raise InputError(problem, label) from None


def _header(data: bytes, state: _State, last: bool) -> tuple[bytes, bool]:
    """Copy the header lines at the start of ``data``; return what follows them, and whether the
    header may go on in the next block (never when this is the ``last``)."""
    at = 0
    while data.startswith(b"#", at):
        end = data.find(b"\n", at) + 1
        if not end:
            if not last:
                return data[at:], True  # a header line cut by the block's end
            end = len(data)
        state.out.write(data[at:end])
        state.n += 1
        at = end
    return data[at:], at == len(data) and not last


@dataclass
class _State:
    """A scan under way: where it is (line ``n``), and the chr2 verdict of each CHROM met."""

    label: str
    bounds: tuple[int, int, int]
    out: BinaryIO
    scan: Scan
    n: int = 0  # lines read so far
    chr2: dict[bytes, bool] = field(default_factory=dict)
    newlines: tuple = ()  # a block, and numpy, the block as an array and where its newlines are

    def index(self, block: bytes, newlines) -> None:
        """Where the newlines of ``block`` are (numpy offsets, see ``inflate.indexed_blocks``):
        its runs of one CHROM are then checked and counted without a pass over their bytes."""
        import numpy as np  # imported already: the newlines come from numpy

        self.newlines = (block, np, np.frombuffer(block, np.uint8), newlines)

    def chunk(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        """The whole lines of ``data[start:end]``, looked at in place (a slice would copy them),
        one run of lines of the same CHROM after another."""
        end = len(data) if end is None else end
        while start < end:
            start = self._run(data, start, end)

    def _run(self, data: bytes, start: int, end: int) -> int:
        """The lines from ``start`` that share its CHROM, up to the last line of that CHROM
        before ``end`` if no other CHROM comes between (C-speed counts, no regex); else all
        lines to ``end``, one by one where chr2 may be among them. Returns where it stopped."""
        newline = data.find(b"\n", start, end)
        head = data[start : newline if newline >= 0 else end]
        first = head[: head.find(b"\t")] if b"\t" in head else b""
        if first and not first.startswith(b"#") and data.endswith(b"\n", start, end):
            mark = b"\n" + first + b"\t"
            last = data.rfind(mark, start, end)  # the newline before its last line
            split = data.find(b"\n", last + 1 if last >= 0 else newline, end) + 1
            lines, heads = self._one_chrom(data, start, split, mark)
            if lines:
                if not self._is2(first):
                    self.scan.order.see_other(first.decode("utf-8", "replace"))
                    self.n += lines
                elif not self._sorted_far(data, start, split, first, lines, heads):
                    self._lines(data[start:split])
                return split
        chunk = data[start:end]
        odd = not first or not chunk.endswith(b"\n") or _NO_TAB.search(chunk)
        if odd or self._is2(first) or _MAYBE_CHR2.search(chunk):
            self._lines(chunk)
        else:
            self.scan.order.see_other(first.decode("utf-8", "replace"))
            self.n += chunk.count(b"\n")
        return end

    def _one_chrom(self, data: bytes, start: int, split: int, mark: bytes) -> tuple[int, Any]:
        """How many lines ``data[start:split]`` holds (whole lines, the first of the CHROM of
        ``mark``), if every line after the first starts with ``mark``, else 0; and where its
        lines start (numpy offsets) when ``data`` is indexed, else None."""
        index = self._newlines(data)
        if index is not None:
            np, array, newlines = index
            first, stop = newlines.searchsorted(start), newlines.searchsorted(split)
            heads = newlines[first : stop - 1] + 1  # where the lines after the first start
            if not len(heads) or heads[-1] + len(mark) - 1 <= len(array):
                if not _all_start_with(np, data, array, heads, mark[1:]):
                    return 0, None
                return int(stop - first), np.concatenate(([start], heads))
        lines = data.count(b"\n", start, split)
        return (lines if data.count(mark, start, split) == lines - 1 else 0), None

    def _newlines(self, data: bytes) -> tuple | None:
        """numpy, ``data`` as an array and the offsets of its newlines, if ``data`` is the block
        last indexed."""
        return self.newlines[1:] if self.newlines and self.newlines[0] is data else None

    def _lines(self, chunk: bytes) -> None:
        for line in chunk.splitlines(keepends=True):
            self.n += 1
            self.line(line)

    def _sorted_far(
        self, data: bytes, start: int, end: int, name: bytes, lines: int, heads: Any = None
    ) -> bool:
        """A chunk of chromosome 2 alone (``lines`` lines of ``data[start:end]``, each starting
        with ``name``, at ``heads`` when they are known) in POS order, counted at C speed (its
        POS cells and their order only) but for the lines near the window, which are read one
        by one; False leaves it all to be read line by line."""
        positions = None if heads is None else _positions_at(data, heads + len(name) + 1)
        if positions is None:
            positions = _positions_of(data, start, end, name, lines)
            if positions is None or positions != sorted(positions):
                return False  # a POS that _pos refuses (with its line number), or out of order
        elif positions is _REFUSED or not _ascending(positions):
            return False
        if positions[0] < self.scan.order.previous[1]:
            return False
        first, last, _ = self.bounds
        if positions[0] < first and (
            data.find(b"END=", start, end) >= 0 or data.find(b"SVLEN=", start, end) >= 0
        ):
            return False  # a long deletion or block may reach the window from here
        # From the first line at ``first`` to the last one a breakend may reach it from.
        near = bisect_left(positions, first), bisect_right(positions, last + LOOKBACK)
        if heads is None:
            begin, stop = (_line_at(data, start, end, name, positions, k) for k in near)
        else:
            begin, stop = (int(heads[k]) if k < lines else end for k in near)
        self._counted(name, near[0], positions[near[0] - 1])
        self._lines(data[begin:stop])
        self._counted(name, lines - near[1], positions[-1])
        return True

    def _counted(self, name: bytes, lines: int, last: int) -> None:
        """``lines`` lines of ``name`` in POS order up to ``last``, past or before the window:
        counted, order noted."""
        if lines:
            shown_name = name.decode("utf-8", "replace")
            self.scan.order.names.setdefault(shown_name, None)
            self.n += lines
            self.scan.order.previous = (shown_name, int(last), self.n)

    def _is2(self, chrom: bytes) -> bool:
        is2 = self.chr2.get(chrom)
        if is2 is None:
            is2 = self.chr2[chrom] = is_chr2_alias(chrom.decode("utf-8", "replace"))
        return is2

    def line(self, line: bytes) -> None:
        n, label, order = self.n, self.label, self.scan.order
        if line.startswith(b"#"):
            raise InputError(f"line {n}: a header line among the records", label)
        if not line.endswith((b"\n", b"\r")) and 0 < line.count(b"\t") < 7:
            # Only the file's last line lacks its newline: a record cut short, as a copy cut
            # at a block boundary (and given an end-of-file marker) ends.
            columns = line.count(b"\t") + 1
            raise InputError(
                f"line {n}: the last record is cut short ({columns} columns, a record has at "
                "least 8): the file is truncated",
                label,
            )
        tab = line.find(b"\t")
        if tab < 0:
            if line.strip():
                raise InputError(f"line {n}: not a VCF record (no tab-separated columns)", label)
            return
        chrom = line[:tab]
        if not self._is2(chrom):
            order.see_other(chrom.decode("utf-8", "replace"))
            return
        end = line.find(b"\t", tab + 1)
        pos = _pos(line[tab + 1 : end], n, label)
        order.see(chrom.decode("utf-8", "replace"), pos, n)
        if _candidate(line, pos, *self.bounds):
            self.out.write(_checked(line, n, label))
            self.scan.lines.append(n)


def _all_start_with(np: Any, data: bytes, array: Any, heads: Any, prefix: bytes) -> bool:
    """Whether ``prefix`` is at each of the offsets ``heads`` of ``data`` (``array``): its
    bytes read as one 64-bit word per line where they fit in one, else one byte at a time."""
    if len(heads) and len(prefix) <= 8 and heads[-1] + 8 <= len(data):
        words = np.ndarray((len(data) - 7,), "<u8", data, 0, (1,))  # a word at every byte
        kept = np.uint64((1 << 8 * len(prefix)) - 1)
        return bool(((words[heads] & kept) == np.uint64(int.from_bytes(prefix, "little"))).all())
    return all(np.all(array[heads + k] == byte) for k, byte in enumerate(prefix))


def _positions_of(data: bytes, start: int, end: int, name: bytes, lines: int) -> list | None:
    """The POS of each of the ``lines`` lines of ``name`` in ``data[start:end]``, found by a
    regular expression; None if one is not digits without a leading zero, followed by a tab."""
    patterns = _POS_OF.get(name) or _POS_OF.setdefault(
        name,
        tuple(re.compile(b + re.escape(name) + rb"\t([1-9][0-9]*)\t") for b in (b"", b"\n")),
    )
    head = patterns[0].match(data, start, end)  # the first line; the others follow a newline
    cells = [head[1], *patterns[1].findall(data, start, end)] if head else []
    return list(map(int, cells)) if len(cells) == lines else None


def _line_at(data: bytes, start: int, end: int, name: bytes, positions: list, k: int) -> int:
    """Where line ``k`` of a sorted run starts: the first line with its POS."""
    if k in (0, len(positions)):
        return start if k == 0 else end
    return data.find(b"\n%b\t%d\t" % (name, positions[k]), start, end) + 1


#: POS cells read by numpy: up to 15 digits (int64 holds 18); a longer one goes to the regex.
_WIDTH = 16
#: What _positions_at returns for a POS cell it cannot take: the lines are then read one by one
#: (``_pos`` says which, and takes POS 0).
_REFUSED: Any = object()


def _positions_at(data: bytes, at: Any) -> Any:
    """The POS cells starting at offsets ``at`` of ``data`` (numpy), as numbers (numpy int64),
    read a column of digits at a time, without a Python object per line; _REFUSED if one is not
    ``[1-9][0-9]*`` followed by a tab (the regex of ``_positions_of``); None if one is longer
    than numpy reads here."""
    import numpy as np  # imported already: ``at`` is numpy's

    array = np.frombuffer(data, np.uint8)
    value = np.zeros(len(at), np.int64)
    going = np.ones(len(at), bool)  # the cells whose digits go on
    for column in range(_WIDTH):
        cells = array[np.minimum(at + column, len(array) - 1)]
        digits = cells - np.uint8(48)  # a byte that is not a digit wraps past 9
        is_digit = digits < 10
        if column == 0 and not (is_digit.all() and digits.all()):
            return _REFUSED  # empty, or a leading zero
        if not (cells[going & ~is_digit] == 9).all():
            return _REFUSED
        going &= is_digit
        if not going.any():
            return value
        value = np.where(going, value * 10 + digits, value)
    return None


def _ascending(positions: Any) -> bool:
    """Whether numpy ``positions`` never go down (``sorted`` would leave them as they are)."""
    return bool((positions[1:] >= positions[:-1]).all())


def _pos(cell: bytes, n: int, label: str) -> int:
    """POS as VCF writes it: digits, without a leading zero (tabix would read ``0113131068`` as
    another position than htslib's parser, so an indexed copy of the file would disagree)."""
    if cell.isdigit() and (cell == b"0" or not cell.startswith(b"0")):
        return int(cell)
    text = shown(cell.decode("utf-8", "replace"))
    if cell.isdigit():
        raise InputError(
            f"line {n}: POS {text!r} has a leading zero, which tabix reads as another position: "
            "write POS without it",
            label,
        )
    raise InputError(f"line {n}: POS {text!r} is not a number", label)


def _candidate(line: bytes, pos: int, first: int, last: int, reach_from: int) -> bool:
    if first <= pos <= last:
        return True
    if pos > last:  # a breakend whose mate may be in the window
        if pos > last + LOOKBACK or (b"[" not in line and b"]" not in line):
            return False
        alt = line.split(b"\t", 5)[4:5]
        return bool(alt) and (b"[" in alt[0] or b"]" in alt[0])
    if b"END=" not in line and b"SVLEN=" not in line:  # before ``first``: only a long
        return False  # deletion or block can reach
    cells = line.split(b"\t", 8)
    info = cells[7] if len(cells) > 7 else b""
    match = _END.search(info)
    if match is not None and int(match.group(1)) >= reach_from:
        return True
    return _svlen_reaches(info, pos, reach_from)


def _svlen_reaches(info: bytes, pos: int, reach_from: int) -> bool:
    """Whether an SVLEN of INFO may carry the record from ``pos`` to ``reach_from``: a loose
    test (any value, either sign), since htslib's own extent of the record (its ``stop``, the
    one an index holds) decides afterwards; a value that is not a number is passed on to it.

    >>> _svlen_reaches(b"SVTYPE=DEL;SVLEN=-1240000", 111_900_000, 113_094_315)
    True
    >>> _svlen_reaches(b"SVLEN=-5;END=111900005", 111_900_000, 113_094_315)
    False
    """
    match = _SVLEN.search(info)
    if match is None:
        return False
    for value in match.group(1).split(b","):
        try:
            if pos + abs(float(value)) >= reach_from:
                return True
        except ValueError:
            if value not in (b"", b"."):
                return True
    return False


def _checked(line: bytes, n: int, label: str) -> bytes:
    """The line, once its text is UTF-8 and its GTs follow the VCF grammar."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"line {n}: bytes that are not UTF-8 in a record", label) from None
    problem = bad_gt(text)
    if problem:
        raise InputError(f"{problem} (line {n})", label)
    return line if line.endswith(b"\n") else line + b"\n"


@contextmanager
def spooled_stdin() -> Iterator[str]:
    """Standard input copied to a temporary file, which htslib and the scan can both read
    (and read to the end); plain gzip is decompressed on the way, since htslib needs BGZF.
    Standard input that is a file from its start (``il1rn-annot annotate - < x.vcf``) is not
    copied: it is read where it is, through /proc/self/fd (Linux)."""
    source = sys.stdin.buffer
    if not hasattr(source, "peek"):
        source = io.BufferedReader(source)  # a test runner's BytesIO
    at = _whole_file(source)
    head = source.peek(18)[:18]
    plain_gzip = head[:2] == b"\x1f\x8b" and not is_block(head)
    if at is not None and not plain_gzip:
        yield at
        return
    with tempfile.NamedTemporaryFile(prefix="il1rn-stdin-", suffix=".vcf") as spool:
        if plain_gzip:
            try:
                with open_gzip(source) as plain:
                    shutil.copyfileobj(plain, spool, _BLOCK)
            except damaged_errors() as exc:
                raise InputError(f"truncated or damaged gzip data ({exc})", "<stdin>") from None
        else:
            copy_all(source, spool)
        spool.flush()
        yield spool.name


def _whole_file(source: BinaryIO) -> str | None:
    """A path that reads ``source`` from its start, if ``source`` is a regular file not read
    from yet (the shell's ``< file``) that this process may open; None for a pipe, a terminal,
    or without /proc."""
    try:
        fd = source.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode) or source.tell() != 0:
            return None
    except (OSError, ValueError):  # io.UnsupportedOperation: no descriptor (a BytesIO)
        return None
    path = f"/proc/self/fd/{fd}"
    try:  # opened again by name: where a file is not this user's to open, it is copied
        with open(path, "rb"):
            return path
    except OSError:
        return None
