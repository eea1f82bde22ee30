"""The input's own text of the window: its header and each record's line, for the annotated VCF.

Only ``reader`` calls this, and only under ``--format vcf``: an annotated VCF must show the
records as the input has them (htslib's re-rendering changes QUAL ``50.00`` to ``50`` and
Float values), and the writer may not read the input (stdin cannot be read twice). A BCF has
no text: htslib's VCF text of its records is the text. Records are found again by their first
five columns (CHROM, POS, ID, REF, ALT), in file order where several share them.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from il1rn_annot.model import VariantRecord
from il1rn_annot.vcftext import header_lines

#: Records further apart than this are fetched through the index separately (breakends).
_GAP = 10_000

Key = tuple[str, str, str, str, str]


def header_text(source: str, vf) -> str:
    """The header as the file has it (a BCF: as htslib writes it), #CHROM line included."""
    if vf.is_bcf:
        return str(vf.header)
    lines = header_lines(source)
    if not lines or not lines[-1].startswith(b"#CHROM"):
        return str(vf.header)  # a header past the diagnosis limit: htslib's copy
    return "".join(line.decode("utf-8") + "\n" for line in lines)


def line_key(line: str) -> Key:
    """CHROM, POS, ID, REF and ALT of a record line.

    >>> line_key("2\\t113131068\\trs1\\tG\\tT,C\\t50.00\\tPASS\\t.")
    ('2', '113131068', 'rs1', 'G', 'T,C')
    """
    cells = line.split("\t", 5)
    return tuple(([*cells, "", "", "", "", ""])[:5])  # type: ignore[return-value]


def record_key(record: VariantRecord) -> Key:
    return (
        record.chrom,
        str(record.pos),
        record.record_id or ".",
        record.ref,
        ",".join(record.alts) or ".",
    )


def indexed_lines(vf, source: str, index: str | None, records: Iterable[VariantRecord]) -> list:
    """The lines of ``records`` read again through the index: the text lines of a bgzipped
    VCF, htslib's text of a BCF's records."""
    import pysam

    spans = _spans(records)
    out: list[str] = []
    # Only lines that start in a span: a long record reaching two spans is read once.
    if vf.is_bcf:
        for chrom, start, end in spans:
            out.extend(str(r) for r in vf.fetch(chrom, start - 1, end) if start <= r.pos <= end)
        return out
    with pysam.TabixFile(source, index=index, encoding="utf-8") as tbx:
        for chrom, start, end in spans:
            lines = tbx.fetch(chrom, start - 1, end)
            out.extend(line for line in lines if start <= int(line_key(line)[1]) <= end)
    return out


def noted(rec, texts: list[str]):
    """``rec``, once its text (htslib's, a BCF having no other) is added to ``texts``."""
    texts.append(str(rec))
    return rec


def record_lines(path: str) -> Iterator[str]:
    """The record lines of a small text VCF (a scan's copy of the input's lines)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                yield line


def _spans(records: Iterable[VariantRecord]) -> list[tuple[str, int, int]]:
    """Each contig's record positions, merged into intervals where they lie close together."""
    by_chrom: dict[str, list[int]] = defaultdict(list)
    for record in records:
        by_chrom[record.chrom].append(record.pos)
    spans = []
    for chrom, positions in by_chrom.items():
        positions.sort()
        start = end = positions[0]
        for pos in positions[1:]:
            if pos - end > _GAP:
                spans.append((chrom, start, end))
                start = pos
            end = pos
        spans.append((chrom, start, end))
    return spans


def with_text(records: Sequence[VariantRecord], lines: Iterable[str]) -> list[VariantRecord]:
    """``records`` with their lines, found by CHROM, POS, ID, REF and ALT, else (htslib read a
    column otherwise than it is written, such as a missing REF) by the only unclaimed line of
    that CHROM and POS, or the first of them whose ID and ALT agree; a record whose line was
    not found keeps an empty text (the VCF writer refuses it rather than invent one)."""
    texts = [line.rstrip("\r\n") for line in lines]
    by_key: dict[Key, deque[int]] = defaultdict(deque)
    by_pos: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, line in enumerate(texts):
        key = line_key(line)
        by_key[key].append(n)
        by_pos[key[:2]].append(n)
    used: set[int] = set()
    out = []
    for record in records:
        key = record_key(record)
        queue = by_key.get(key)
        while queue and queue[0] in used:
            queue.popleft()
        if queue:
            n: int | None = queue.popleft()
        else:
            free = [i for i in by_pos.get(key[:2], ()) if i not in used]
            # Several at that position: the first (file order) whose ID and ALT agree.
            agree = [i for i in free if line_key(texts[i])[2::2] == key[2::2]]
            n = free[0] if len(free) == 1 else agree[0] if agree else None
        if n is None:
            out.append(record)
            continue
        used.add(n)
        out.append(replace(record, text=texts[n]))
    return out
