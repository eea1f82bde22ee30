"""VCF text that htslib accepts too kindly or reports too vaguely: GT grammar, header problems.

htslib reads ``+1/1`` and ``00001/1`` as ``1/1`` and gives only "could not read a VCF header"
for a duplicate sample name or bytes that are not UTF-8; these helpers look at the text itself
so that the user is told what is wrong, and where. Input text in messages goes through
``shown`` (CR, tab and other control characters escaped), so every error stays one line.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib

#: GT in the VCF grammar: alleles ('.', 0, or an integer without leading zeros) joined by / or |,
#: with the optional leading phase mark of VCF 4.4.
_GT_TEXT = r"[|/]?(?:\.|0|[1-9][0-9]*)(?:[|/](?:\.|0|[1-9][0-9]*))*"
_GT = re.compile(_GT_TEXT)
#: A sample column whose first field (GT, where FORMAT starts with it, as VCF requires) is not
#: a GT: a line without one needs no look column by column. One scan at C speed, nothing made
#: per column (a cohort's line has thousands).
_BAD_FIRST_FIELD = re.compile(r"\t(?!" + _GT_TEXT + r"(?:[:\t]|[\r\n]*\Z))")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The most header a diagnosis reads (a header is rarely more than a few MB).
_HEADER_LIMIT = 64 << 20


def shown(text: object, limit: int = 80) -> str:
    r"""``text`` for a one-line message: control characters escaped, long text cut.

    >>> shown("a\tb\r")
    'a\\tb\\r'
    """
    out = _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(text))
    return out if len(out) <= limit else out[: limit - 3] + "..."


def is_gt(text: str) -> bool:
    """Whether ``text`` is a GT value of the VCF grammar.

    >>> [is_gt(t) for t in ("0/1", "1|0", ".", "./.", "1", "10/2", "|0/1")]
    [True, True, True, True, True, True, True]
    >>> [is_gt(t) for t in ("+1/1", "1/+1", "01/1", "1//1", "0/x", "", " 1/1")]
    [False, False, False, False, False, False, False]
    """
    return _GT.fullmatch(text) is not None


def bad_gt(line: str) -> str:
    """A message naming the first GT of a record line that breaks the grammar; '' if none."""
    at = -1
    for _ in range(9):  # the tab before the first sample column
        at = line.find("\t", at + 1)
        if at < 0:
            return ""  # no sample column
    keys = line[line.rfind("\t", 0, at) + 1 : at]
    if (keys == "GT" or keys.startswith("GT:")) and _first_fields_are_gts(line, at):
        return ""
    cells = line.rstrip("\r\n").split("\t")
    keys = cells[8].split(":")
    if "GT" not in keys:
        return ""
    at = keys.index("GT")
    checked: set[str] = set()
    for column, value in enumerate(cells[9:], 1):
        if value in checked:
            continue
        checked.add(value)
        values = value.split(":")
        if at < len(values) and not is_gt(values[at]):
            return (
                f"malformed GT {shown(values[at])!r} in sample column {column} "
                f"at {shown(cells[0])}:{shown(cells[1])}"
            )
    return ""


#: From this many characters of sample columns on, a line's GTs are looked at as an array first
#: (numpy costs start-up; a cohort line of 2,500 columns is about 75,000 characters).
_ARRAY_FROM = 16_384


def _first_fields_are_gts(line: str, at: int) -> bool:
    """Whether the first field of every sample column after ``at`` (the tab before the first) is
    a GT, as ``_BAD_FIRST_FIELD`` finds none. A long ASCII line is looked at as bytes first: a
    column that starts with one-character alleles (``0/1:``, ``.|.``, ``1:``) is a GT at sight;
    only the others go through the expression, one by one (the one scan costs 0.25 ms on a
    2,500-column line; the look at sight a tenth of it)."""
    if len(line) - at < _ARRAY_FROM or not line.isascii():
        return not _BAD_FIRST_FIELD.search(line, at)
    import numpy as np

    # Past the end of the line, NULs: no GT at sight there.
    text = np.frombuffer(line.encode("ascii") + b"\0\0\0\0", dtype=np.uint8)
    tabs = np.flatnonzero(text[at : len(line)] == 9) + at
    allele, mark, stop = _at_sight()
    first, second, third, fourth = (text[tabs + k] for k in (1, 2, 3, 4))
    diploid = allele[first] & mark[second] & allele[third] & stop[fourth]
    haploid = allele[first] & stop[second]
    doubtful = tabs[~(diploid | haploid)].tolist()
    return not any(_BAD_FIRST_FIELD.match(line, tab) for tab in doubtful)


@functools.cache
def _at_sight():
    """Byte classes of a GT read at sight: a one-character allele ('.', a digit), a phase mark,
    and what ends a GT inside a line (made on first use: numpy is imported late)."""
    import numpy as np

    tables = []
    for chars in (".0123456789", "/|", ":\t"):
        table = np.zeros(256, dtype=bool)
        table[[ord(c) for c in chars]] = True
        tables.append(table)
    return tuple(tables)


def header_lines(path: str) -> list[bytes]:
    """The header lines of a VCF, bgzipped VCF or BCF file, as bytes; [] if unreadable."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if magic == b"\x1f\x8b":
            import gzip

            with gzip.open(path, "rb") as gz:
                head = gz.read(5)
                if head.startswith(b"BCF"):
                    (size,) = struct.unpack("<I", gz.read(4))
                    return gz.read(min(size, _HEADER_LIMIT)).rstrip(b"\0").splitlines()
                return _text_header(head, gz)
        with open(path, "rb") as fh:
            return _text_header(b"", fh)
    except (OSError, EOFError, struct.error, zlib.error):
        return []


def _text_header(head: bytes, fh) -> list[bytes]:
    lines, size = [], 0
    first = head + fh.readline()
    for line in [first, *iter(fh.readline, b"")]:
        if not line.startswith(b"#") or size > _HEADER_LIMIT:
            break
        lines.append(line.rstrip(b"\r\n"))
        size += len(line)
        if line.startswith(b"#CHROM"):
            break
    return lines


def header_problem(lines: list[bytes]) -> str:
    """What is wrong with a header htslib refused (or pysam could not decode); '' if unknown."""
    for n, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = line[max(0, exc.start - 10) : exc.end + 10]
            return f"header line {n} has bytes that are not UTF-8 ({shown(bad)[2:-1]})"
        if text.startswith("#CHROM"):
            return _sample_problem(text.split("\t")[9:], n)
    return ""


def _sample_problem(names: list[str], line: int) -> str:
    first: dict[str, int] = {}
    for column, name in enumerate(names, 10):
        if name in first:
            return (
                f"duplicate sample name {shown(name)!r} in the #CHROM line (line {line}, "
                f"columns {first[name]} and {column}): sample names must be unique"
            )
        first[name] = column
    return ""
