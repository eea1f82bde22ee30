"""Reading a sorted file without an index: find chromosome 2 by bisection, read only around it.

Used only when the user says the input is sorted (``--assume-sorted``): nothing in a VCF proves
that it is, and a record of the window placed elsewhere in an unsorted file would be missed, so
without that word the file is read to the end (``stream``). Even then the file must show its order
wherever it is looked at, else it is read to the end after all:

- it is a bgzipped (BGZF) or plain text VCF whose header declares the contigs with exactly one
  name of chromosome 2: that order (bcftools sort's) is the one the file must follow;
- the bisection's probes (seek, find the next BGZF block or line, read CHROM/POS of the first
  whole line), the first record and the last 64 kB of the file, and the first and last line of
  every piece read come in that order, on declared contigs;
- the file is read from before chromosome 2's first record to past the window's last (and
  LOOKBACK further, for breakends): each line of chromosome 2 in the window is parsed as the
  stream parses it, in order; before and after, lines that could reach the window (END, SVLEN,
  breakends, or a POS in the window) are found at C speed and parsed the same way;
- at least one record lies in an IL1RN window: an empty answer is never trusted from a
  bisection (a file sorted in another contig order could send it to the wrong place).
Any problem in what was read (a malformed line, bad GT) also sends the file to the stream, which
reports it with its line number.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from il1rn_annot.bgzf import MAGIC, block_size, is_block
from il1rn_annot.errors import InputError
from il1rn_annot.genome import is_chr2_alias
from il1rn_annot.stream import LOOKBACK, Order, Scan, _State
from il1rn_annot.vcftext import shown

log = logging.getLogger(__name__)

#: A BGZF block holds at most 64 KiB, so a block starts in any 64 KiB of the file.
_MAX_BLOCK = 1 << 16
#: The bisection stops when the part left is this small; reading it costs less than a probe.
_SMALLEST_STEP = 2 * _MAX_BLOCK
#: Text decompressed per step of the forward read: small, since only the steps that overlap the
#: window are read line by line.
_CHUNK = 1 << 16
#: The longest line a probe reads before giving up (a record of 16 MiB is not a sorted WGS).
_LONGEST_LINE = 16 << 20

Key = tuple[int, int]  # (rank of the contig in the header, POS)


class _CannotBisect(Exception):
    """Why this file is read to the end instead."""


@dataclass(frozen=True)
class Bounds:
    """What the stream looks for (see ``stream.scan_text``), and the IL1RN windows of both
    builds, one of which must hold a record."""

    first: int
    last: int
    reach_from: int
    windows: tuple[tuple[int, int], ...]


@contextmanager
def bisect_text(
    path: str, label: str, contigs: Sequence[str], bounds: Bounds
) -> Iterator[Scan | None]:
    """A ``stream.Scan`` of ``path`` (the small VCF of the lines that may reach the window, and
    chromosome 2's order) read by bisection, or None when the file must be read to the end (the
    reason is logged)."""
    with tempfile.NamedTemporaryFile(prefix="il1rn-window-", suffix=".vcf") as out:
        try:
            scan = _bisect(path, label, list(contigs), bounds, out)
        except _CannotBisect as why:
            log.warning("%s: --assume-sorted: %s; the whole file is read", label, why)
            yield None
            return
        except (InputError, OSError, EOFError, zlib.error, struct.error) as error:
            # A malformed line or damaged data: the stream reports it, with its line number.
            log.debug("%s: bisection stopped (%s); the whole file is read", label, error)
            yield None
            return
        out.flush()
        yield scan


def _bisect(path: str, label: str, contigs: list[str], bounds: Bounds, out: BinaryIO) -> Scan:
    chr2 = [c for c in contigs if is_chr2_alias(c)]
    if len(chr2) != 1:
        why = "no ##contig line for chromosome 2" if not chr2 else "chromosome 2 has two names"
        raise _CannotBisect(f"{why} in the header, so its place in the file is unknown")
    file = _File(path, {c.encode(): i for i, c in enumerate(contigs)})
    rank = file.ranks[chr2[0].encode()]
    out.write(file.header)
    start, probes = _find(file, (rank, 0))
    scan = Scan(out.name, [], Order())
    reader = _Reader(file, label, chr2[0].encode(), rank, bounds, out, scan)
    reader.read_from(start)
    if reader.stopped:
        probes.extend(file.tail())
    _in_order(sorted(probes))
    reader.agrees_with(probes, start)
    if scan.order.count:
        raise _CannotBisect(f"it is not sorted ({scan.order.unsorted})")
    if not reader.in_window:
        raise _CannotBisect("no record in the IL1RN window where a sorted file would have it")
    scan.lines.clear()  # line numbers are unknown here: messages name CHROM:POS instead
    return scan


def _in_order(probes: list[tuple[int, Key]]) -> None:
    """Keys seen at increasing offsets must not decrease."""
    for (_, before), (offset, after) in itertools.pairwise(probes):
        if after < before:
            raise _CannotBisect(f"it is not sorted (near byte {offset} of the file)")


class _File:
    """A text VCF (BGZF or plain) that can be read from a byte offset."""

    def __init__(self, path: str, ranks: dict[bytes, int]) -> None:
        self.path, self.ranks = path, ranks
        self.size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(18)
        if head[:2] == b"\x1f\x8b" and not is_block(head):
            raise _CannotBisect("compressed with plain gzip, not bgzip")
        self.bgzf = head[:2] == b"\x1f\x8b"
        with self.open_at(0) as fh:
            lines = []
            while True:
                line = fh.readline()
                if not line.startswith(b"#"):
                    break
                lines.append(line)
            self.header = b"".join(lines)
            self.first = self.key(line) if line else None
        self.data = self._data_start(len(self.header))

    @contextmanager
    def open_at(self, offset: int) -> Iterator[BinaryIO]:
        """The text from ``offset``, a block start of a BGZF file or a byte of a plain one."""
        with open(self.path, "rb") as raw:
            raw.seek(offset)
            if not self.bgzf:
                yield raw
                return
            with gzip.GzipFile(fileobj=raw, mode="rb") as text:
                yield text  # type: ignore[misc]

    def block_at(self, offset: int) -> int | None:
        """The first block start at or after ``offset`` (any byte, for a plain file); None at
        the end of the file."""
        if offset >= self.size:
            return None
        if not self.bgzf:
            return offset
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(_MAX_BLOCK + 18)
        at = data.find(MAGIC)
        while at >= 0:
            head = data[at : at + 18]
            if len(head) < 18:
                break
            if is_block(head) and self._next_is_block(offset + at, head):
                return offset + at
            at = data.find(MAGIC, at + 1)
        if len(data) < _MAX_BLOCK:
            return None
        raise _CannotBisect(f"no BGZF block starts after byte {offset}")

    def _next_is_block(self, at: int, head: bytes) -> bool:
        """A candidate header is real when the block it announces is followed by another block
        or by the end of the file (compressed bytes can look like a header by chance)."""
        end = at + block_size(head)
        if end == self.size:
            return True
        with open(self.path, "rb") as fh:
            fh.seek(end)
            return is_block(fh.read(18))

    def _data_start(self, header_size: int) -> int:
        """The byte where the records begin (plain), or the start of the block that holds it
        (BGZF): probes before it would land in the header."""
        if not self.bgzf:
            return header_size
        offset, text = 0, 0
        with open(self.path, "rb") as fh:
            while True:
                fh.seek(offset)
                head = fh.read(18)
                if not is_block(head):
                    raise _CannotBisect(f"no BGZF block at byte {offset}")
                size = block_size(head)
                fh.seek(offset + size - 4)
                (length,) = struct.unpack("<I", fh.read(4))
                if text + length > header_size:
                    return offset
                text += length
                offset += size

    def probe(self, offset: int) -> tuple[int, Key] | None:
        """The offset of the next block start at or after ``offset`` and the key of the first
        whole line after it; None when no line starts there before the end of the file."""
        block = self.block_at(offset)
        if block is None:
            return None
        with self.open_at(block) as fh:
            if block > self.data:
                _line(fh)  # the part of a line that began before ``block``
            line = _line(fh)
        return (block, self.key(line)) if line else None

    def tail(self) -> list[tuple[int, Key]]:
        """The key of the file's last line (no probe may be past it), once the lines of the last
        64 kB of text are checked to be in order."""
        block = self.block_at(max(self.data, self.size - 2 * _MAX_BLOCK))
        if block is None:
            return []
        with self.open_at(block) as fh:
            data = fh.read()
        cut = len(data) > _MAX_BLOCK or block > self.data  # the first line is cut
        lines = data[-_MAX_BLOCK:].split(b"\n")[1 if cut else 0 :]
        keys = [self.key(line) for line in lines if line.strip() and not line.startswith(b"#")]
        _in_order([(block, k) for k in keys])
        return [(self.size, keys[-1])] if keys else []

    def key(self, line: bytes) -> Key:
        """(contig rank, POS) of a record line; a line the stream would refuse, or a contig the
        header does not declare, ends the bisection."""
        cells = line.split(b"\t", 2)
        rank = self.ranks.get(cells[0])
        if rank is None:
            what = cells[0].decode("utf-8", "replace")[:40]
            raise _CannotBisect(f"a record names {what!r}, which the header does not declare")
        if len(cells) < 3 or not cells[1].isdigit():
            raise _CannotBisect(f"a record without a POS ({_shown(line)})")
        return rank, int(cells[1])


def _line(fh: BinaryIO) -> bytes:
    line = fh.readline(_LONGEST_LINE)
    if line and not line.endswith(b"\n") and len(line) == _LONGEST_LINE:
        raise _CannotBisect(f"a line longer than {_LONGEST_LINE >> 20} MiB")
    return line


def _find(file: _File, target: Key) -> tuple[int, list[tuple[int, Key]]]:
    """The last probe offset whose key is before ``target`` (the data start if none), and the
    probes made."""
    probes: list[tuple[int, Key]] = []
    if file.first is not None:
        probes.append((file.data, file.first))
    lo, hi = file.data, file.size
    while hi - lo > _SMALLEST_STEP:
        mid = (lo + hi) // 2
        found = file.probe(mid)
        if found is None or found[0] >= hi:
            hi = mid
            continue
        probes.append(found)
        if found[1] < target:
            lo = found[0]
        else:
            hi = mid  # the last block before ``target`` starts before ``mid``
    return lo, probes


@dataclass
class _Reader:
    """The forward read from before chromosome 2 to past the window, chunk by chunk."""

    file: _File
    label: str
    name: bytes  # chromosome 2 as the header names it
    rank: int
    bounds: Bounds
    out: BinaryIO
    scan: Scan
    previous: Key = (-1, 0)
    first: Key | None = None  # the first key read
    in_window: bool = False
    stopped: bool = False  # reading stopped before the end of the file
    end: int = 0  # the compressed offset reached (at or past the last line read)

    def __post_init__(self) -> None:
        b = self.bounds
        self.state = _State(self.label, (b.first, b.last, b.reach_from), self.out, self.scan)
        self.window = ((self.rank, b.first), (self.rank, b.last))
        self.beyond = (self.rank, b.last + LOOKBACK)
        near = _numbers_between(b.first, b.last)
        self.near = re.compile(rb"\n" + re.escape(self.name) + rb"\t" + near + rb"\t")
        self.end_reaching = re.compile(rb"END=" + _at_least(b.reach_from))

    def _reaching(self, chunk: bytes) -> list[int]:
        """Where lines may reach the window from outside it: an END at or past ``reach_from``,
        any SVLEN, a breakend bracket, or chromosome 2 with a POS near the window (which a
        sorted file holds only there). A superset: each line is judged by the stream's own
        test. Each kind is looked for on its own, at C speed (one alternation is ~50x slower)."""
        found = [m.start() + 1 for m in self.near.finditer(chunk)]  # after its "\n"
        if b"END=" in chunk:
            found.extend(m.start() for m in self.end_reaching.finditer(chunk))
        for mark in (b"SVLEN=", b"[", b"]"):
            at = chunk.find(mark)
            while at >= 0:
                found.append(at)
                at = chunk.find(mark, chunk.find(b"\n", at) + 1 or len(chunk))
        return sorted(found)

    def read_from(self, start: int) -> None:
        at_data = start <= self.file.data
        with open(self.file.path, "rb") as raw:
            raw.seek(0 if at_data else start)
            fh: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if self.file.bgzf else raw  # type: ignore[assignment]
            if at_data:
                fh.read(len(self.file.header))
            else:
                _line(fh)
            rest = b""
            while True:
                try:
                    block = fh.read(_CHUNK)
                except (EOFError, OSError, zlib.error) as exc:
                    raise _CannotBisect(f"damaged compressed data ({exc})") from None
                data = rest + block
                cut = len(data) if not block else data.rfind(b"\n") + 1
                chunk, rest = data[:cut], data[cut:]
                self.end = raw.tell()
                if chunk.strip() and self._chunk(chunk):
                    self.stopped = True
                    return
                if not block:
                    return

    def agrees_with(self, probes: list[tuple[int, Key]], start: int) -> None:
        """The probes before the read are not past its first key; those after it are not
        before its first key, nor (past where it stopped) before its last."""
        if self.first is None:
            return
        for offset, key in probes:
            early = offset < start and key > self.first
            late = offset > start and key < self.first
            after = offset > self.end and key < self.previous
            if early or late or after:
                raise _CannotBisect(f"it is not sorted (near byte {offset} of the file)")

    def _chunk(self, chunk: bytes) -> bool:
        """Read one chunk of whole lines; True when it lies wholly past what may reach the
        window (reading stops)."""
        lines = chunk.lstrip(b"\r\n")
        first = self.file.key(lines.split(b"\n", 1)[0])
        if self.first is None:
            self.first = first
        if first > self.beyond:
            if first < self.previous:
                raise _CannotBisect(f"it is not sorted (near {_shown(lines)})")
            return True
        if first <= self.window[1] and self._last(chunk) >= self.window[0]:
            for line in chunk.splitlines(keepends=True):
                self._line(line)
            return False
        last = self._last(chunk)
        if not self.previous <= first <= last:
            raise _CannotBisect(f"it is not sorted (near {_shown(lines)})")
        self.previous = last
        done = -1
        for at in self._reaching(chunk):
            begin = chunk.rfind(b"\n", 0, at) + 1
            if begin <= done:
                continue  # a line with two matches
            end = chunk.find(b"\n", at)
            done = len(chunk) if end < 0 else end
            line = chunk[begin : done + 1]
            key = self.file.key(line)
            if not first <= key <= last:
                raise _CannotBisect(f"it is not sorted (near {_shown(line)})")
            if key[0] == self.rank:
                self.state.line(line)
        return False

    def _last(self, chunk: bytes) -> Key:
        body = chunk.rstrip(b"\r\n")
        return self.file.key(body[body.rfind(b"\n") + 1 :])

    def _line(self, line: bytes) -> None:
        if not line.strip():
            return
        key = self.file.key(line)
        if key < self.previous:
            raise _CannotBisect(f"it is not sorted (near {_shown(line)})")
        self.previous = key
        if key[0] != self.rank:
            return
        if any(a <= key[1] <= b for a, b in self.bounds.windows):
            self.in_window = True
        self.state.line(line)


def _shown(line: bytes) -> str:
    """CHROM:POS of a line, for a message."""
    return shown(":".join(line.decode("utf-8", "replace").split("\t", 2)[:2]))


def _at_least(n: int) -> bytes:
    """A regular expression for the decimal numbers >= ``n`` (no sign, no leading zeros).

    >>> import re
    >>> pattern = re.compile(_at_least(113094315) + rb"$")
    >>> [bool(pattern.match(str(v).encode())) for v in (113094314, 113094315, 113094400, 2 * 10**8)]
    [False, True, True, True]
    >>> bool(pattern.match(b"99999999")), bool(pattern.match(b"1000000000"))
    (False, True)
    """
    digits = str(n)
    options = [digits.encode()]
    for i, d in enumerate(digits):
        if d != "9":
            rest = len(digits) - i - 1
            options.append(f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{rest}}}".encode())
    options.append(f"[1-9][0-9]{{{len(digits)},}}".encode())
    return b"0*(?:" + b"|".join(options) + b")"


def _numbers_between(first: int, last: int) -> bytes:
    """A regular expression for decimal numbers that covers ``first``..``last`` (and may take a
    little more): their common length and leading digits.

    >>> import re
    >>> pattern = re.compile(_numbers_between(112094315, 114896593) + rb"$")
    >>> [bool(pattern.match(str(v).encode())) for v in (112094315, 113131068, 114896593)]
    [True, True, True]
    >>> bool(pattern.match(b"150000000")), bool(pattern.match(b"11313106"))
    (False, False)
    """
    low, high = str(max(first, 1)), str(last)
    if len(low) != len(high):
        return rb"[0-9]+"
    width = len(high)
    for keep in range(width, 0, -1):
        a, b = int(low[:keep]), int(high[:keep])
        if b - a <= 20:
            shared = next((str(a)[:i] for i in range(keep, 0, -1) if str(b)[:i] == str(a)[:i]), "")
            prefixes = b"|".join(str(p)[len(shared) :].encode() for p in range(a, b + 1))
            tail = b"[0-9]{" + str(width - keep).encode() + b"}"
            return shared.encode() + b"(?:" + prefixes + b")" + tail
    return rb"[0-9]+"
