"""Reading an input without an index: every line, to the end.

A stream may not stop at the first record past IL1RN: an unsorted file, or one that names
chromosome 2 two ways (``2`` and ``chr2``), can hold the deciding record further on. So every line
is read, but only CHROM and POS of a text VCF are looked at in Python; the few lines that can
reach the window go to htslib (through a small temporary VCF with the same header). A BCF, whose
records are binary, is read through htslib to the end. Out-of-order records become a warning.
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from il1rn_annot.errors import InputError
from il1rn_annot.genome import is_chr2_alias
from il1rn_annot.vcftext import bad_gt, shown

#: Records may start this far before the window and still reach into it (long deletions, END).
LOOKBACK = 1_000_000
_END = re.compile(rb"(?:^|;)END=(\d+)")


@dataclass
class Order:
    """Whether chromosome 2's records (under all its names) come in POS order."""

    names: dict[str, None] = field(default_factory=dict)  # chr2 names met, in order
    other: set[str] = field(default_factory=set)  # some other contigs, for messages
    previous: int = 0
    previous_at: str = ""
    unsorted: str = ""  # the first place where POS goes back
    count: int = 0  # records out of order

    def see(self, name: str, pos: int, where: str) -> None:
        self.names.setdefault(name)
        if pos < self.previous:
            self.count += 1
            if not self.unsorted:
                self.unsorted = f"{where} comes after {self.previous_at}"
        else:
            self.previous, self.previous_at = pos, where

    def warnings(self) -> list[str]:
        out = []
        if self.count:
            out.append(
                f"{self.count} record(s) of chromosome 2 are out of POS order (first: "
                f"{self.unsorted}): the whole file was read, so none was missed; sort it "
                "(bcftools sort) and index it"
            )
        return out


@dataclass
class Scan:
    """What a text scan found: the header, and the record lines that may reach the window."""

    header: list[bytes]
    lines: list[tuple[int, bytes]]  # (line number, raw line)
    order: Order


def open_text(path: str) -> BinaryIO:
    """A text VCF, plain or compressed (BGZF is multi-member gzip), as binary lines."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def scan_text(path: str, label: str, first: int, last: int, reach_from: int) -> Scan:
    """Read every line; keep the chr2 records from ``first`` to ``last`` (and breakends up to
    LOOKBACK further, whose mate may lie in the window), and earlier ones whose END reaches
    ``reach_from``."""
    header: list[bytes] = []
    lines: list[tuple[int, bytes]] = []
    order = Order()
    chr2: dict[bytes, bool] = {}
    n = 0
    try:
        with open_text(path) as fh:
            for n, line in enumerate(fh, 1):
                if line.startswith(b"#"):
                    if not lines and not order.names and not order.other:
                        header.append(line)
                        continue
                    raise InputError(f"line {n}: a header line among the records", label)
                tab = line.find(b"\t")
                if tab < 0:
                    if line.strip():
                        raise InputError(
                            f"line {n}: not a VCF record (no tab-separated columns)", label
                        )
                    continue
                chrom = line[:tab]
                is2 = chr2.get(chrom)
                if is2 is None:
                    is2 = chr2[chrom] = is_chr2_alias(chrom.decode("utf-8", "replace"))
                if not is2:
                    if len(order.other) < 50:
                        order.other.add(chrom.decode("utf-8", "replace"))
                    continue
                end = line.find(b"\t", tab + 1)
                try:
                    pos = int(line[tab + 1 : end])
                except ValueError:
                    text = line[tab + 1 : end].decode("utf-8", "replace")
                    problem = f"line {n}: POS {shown(text)!r} is not a number"
                    raise InputError(problem, label) from None
                name = chrom.decode("utf-8", "replace")
                order.see(name, pos, f"{shown(name)}:{pos} (line {n})")
                if _candidate(line, pos, first, last, reach_from):
                    lines.append((n, _checked(line, n, label)))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        problem = f"truncated or damaged compressed file after line {n} ({shown(exc)})"
        raise InputError(problem, label) from None
    return Scan(header, lines, order)


def _candidate(line: bytes, pos: int, first: int, last: int, reach_from: int) -> bool:
    if first <= pos <= last:
        return True
    cells = line.split(b"\t", 8)
    if len(cells) < 8:
        return False
    if pos > last:
        alt = cells[4]
        return pos <= last + LOOKBACK and (b"[" in alt or b"]" in alt)
    match = _END.search(cells[7]) if b"END=" in cells[7] else None
    return match is not None and int(match.group(1)) >= reach_from


def _checked(line: bytes, n: int, label: str) -> bytes:
    """The line, once its text is UTF-8 and its GTs follow the VCF grammar."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"line {n}: bytes that are not UTF-8 in a record", label) from None
    problem = bad_gt(text)
    if problem:
        raise InputError(f"{problem} (line {n})", label)
    return line


@contextmanager
def candidate_file(scan: Scan) -> Iterator[str]:
    """The scan's header and candidate lines as a small VCF, for htslib to parse."""
    with tempfile.NamedTemporaryFile(prefix="il1rn-window-", suffix=".vcf") as out:
        out.writelines(scan.header)
        for _, line in scan.lines:
            out.write(line if line.endswith(b"\n") else line + b"\n")
        out.flush()
        yield out.name


@contextmanager
def spooled_stdin() -> Iterator[str]:
    """Standard input copied to a temporary file, which htslib and the scan can both read
    (and read to the end); plain gzip is decompressed on the way, since htslib needs BGZF."""
    source = sys.stdin.buffer
    if not hasattr(source, "peek"):
        source = io.BufferedReader(source)  # a test runner's BytesIO
    head = source.peek(18)[:18]
    with tempfile.NamedTemporaryFile(prefix="il1rn-stdin-", suffix=".vcf") as spool:
        if head[:2] == b"\x1f\x8b" and head[12:14] != b"BC":
            try:
                with gzip.GzipFile(fileobj=source) as plain:
                    shutil.copyfileobj(plain, spool)
            except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise InputError(f"truncated or damaged gzip data ({exc})", "<stdin>") from None
        else:
            shutil.copyfileobj(source, spool)
        spool.flush()
        yield spool.name
