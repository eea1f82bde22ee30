"""Whether an index (.tbi/.csi) still describes its file, checked cheaply before it is trusted.

An index copied back over a rewritten file (or kept from an older version) makes htslib read
the wrong bytes: the window then looks empty, or a record "cannot be parsed". Its modification
time proves nothing. What an index does prove: the virtual offsets where the records begin and
end. So the first record must start where the header ends, and after the last indexed record
the file may hold only empty BGZF blocks (the end-of-file marker). This catches an index of a
file that has since grown, shrunk or been recompressed; it cannot catch a rewrite that keeps
every byte offset (same record lengths in the same blocks), which only reading the file would.
"""

from __future__ import annotations

import logging
import os
import re
import struct
import sys
import zlib
from array import array

from il1rn_annot.bgzf import HEADER, block_size, inflated_block, is_block

log = logging.getLogger(__name__)

_TBI_PSEUDO_BIN = 37450
#: The array type code of an unsigned 32-bit word on this platform.
_WORD = next(code for code in "IL" if array(code).itemsize == 4)
#: Empty blocks walked after the last indexed record before giving up (only the EOF marker is
#: expected there).
_MAX_TRAILING_BLOCKS = 64


def index_of(path: str) -> str | None:
    """The index htslib loads for ``path``: .tbi before .csi, as for a text VCF."""
    return next((path + s for s in (".tbi", ".csi") if os.path.exists(path + s)), None)


def index_mismatch(path: str, index: str, data_start: int) -> str:
    """Why ``index`` does not describe ``path`` (whose records begin at the virtual offset
    ``data_start``), or '' when it does, or when the index cannot be parsed here (htslib
    loaded it, so it is left to htslib)."""
    try:
        offsets = _chunk_offsets(index)
    except (OSError, EOFError, struct.error, zlib.error, ValueError, IndexError) as exc:
        log.debug("%s: index not checked (%s)", index, exc)
        return ""
    if offsets is None:
        return ""
    first, last = offsets
    if first is not None and first != data_start:
        return (
            f"its first record is at another place than the file's (byte {first >> 16} of "
            f"the file, where the records begin at byte {data_start >> 16})"
        )
    return _data_after(path, max(last or 0, data_start))


def stale_index(vf, source: str, label: str) -> str:
    """Why the index htslib loaded for ``vf`` does not describe the file ('' when it does),
    checked from the offset where htslib left the header."""
    index = index_of(source) if vf.index is not None and label != "<stdin>" else None
    if index is None:
        return ""
    why = index_mismatch(source, index, vf.tell())
    return f"the index {index} does not match the file ({why})" if why else ""


def warn_old_index(path: str) -> None:
    """An index older than its file: a hint only (copying resets times), logged."""
    for suffix in (".tbi", ".csi"):
        index = path + suffix
        if os.path.exists(index) and os.path.getmtime(index) < os.path.getmtime(path):
            log.warning(
                "%s: index %s is older than the file; records may be missed (re-index it)",
                path,
                index,
            )


def _chunk_offsets(index: str) -> tuple[int | None, int | None] | None:
    """(lowest chunk start, highest chunk end) over every contig of a TBI or CSI index; None
    for another format. htslib's pseudo-bin gives each contig's span at once; an index without
    one (old tabix) is read chunk by chunk. The bins are walked as an array of 32-bit words
    (every field after the header is a whole number of them): a whole genome's index has some
    200,000 bins, and one struct call per bin cost most of the check. Runs of bins with one
    chunk (most of them) are stepped over by a regular expression, at C speed; Python looks
    at the others only."""
    raw = _inflated(index)
    magic, at = raw[:4], 4
    if magic == b"TBI\1":
        n_ref, *_, l_nm = struct.unpack_from("<8i", raw, at)
        at += 32 + l_nm
        pseudo, head = _TBI_PSEUDO_BIN, 2  # words of a bin's head: bin, n_chunk
    elif magic == b"CSI\1":
        _, depth, l_aux = struct.unpack_from("<3i", raw, at)
        at += 12 + l_aux
        (n_ref,) = struct.unpack_from("<i", raw, at)
        at += 4
        pseudo, head = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1, 4  # bin, loffset (2), n_chunk
    else:
        return None
    body = raw[at : at + (len(raw) - at) // 4 * 4]
    words = array(_WORD)
    words.frombytes(body)
    if sys.byteorder == "big":
        words.byteswap()
    one_chunk = _one_chunk_bins(pseudo, head).match
    first, last = 1 << 64, -1
    i = 0
    for _ in range(n_ref):
        n_bin = words[i]
        i += 1
        bins, span = i, -1  # span: where the pseudo-bin keeps (first offset, last offset)
        left = n_bin
        while left:
            # A run of one-chunk bins that are not the pseudo-bin; what follows the contig's
            # bins may look like more of them, so the run is cut at the bins it has.
            run = min(left, (one_chunk(body, 4 * i).end() // 4 - i) // (head + 4))
            i += run * (head + 4)
            left -= run
            if not left:
                break
            if words[i] == pseudo:
                span = i + head
            i += head + 4 * words[i + head - 1]
            left -= 1
        if span >= 0 and n_bin > 1:
            first = min(first, words[span] | words[span + 1] << 32)
            last = max(last, words[span + 2] | words[span + 3] << 32)
        elif span < 0:  # an index without pseudo-bins (old tabix): every chunk counts
            for _ in range(n_bin):
                chunks = bins + head
                bins = chunks + 4 * words[bins + head - 1]
                for c in range(chunks, bins, 4):
                    first = min(first, words[c] | words[c + 1] << 32)
                    last = max(last, words[c + 2] | words[c + 3] << 32)
        if head == 2:  # TBI: the linear index follows, n_intv offsets of two words
            i += 1 + 2 * words[i]
    return (first, last) if last >= 0 else (None, None)


def _one_chunk_bins(pseudo: int, head: int) -> re.Pattern[bytes]:
    """Matches a run of bins with one chunk each (little-endian words: the bin, for CSI its
    linear offset, n_chunk = 1, the chunk's two offsets), the pseudo-bin excluded."""
    not_pseudo = b"(?!" + re.escape(struct.pack("<I", pseudo)) + b")"
    one = b"." * (4 * head - 4) + re.escape(struct.pack("<I", 1)) + b".{16}"
    return re.compile(b"(?s)(?:" + not_pseudo + one + b")*")


def _inflated(path: str) -> bytes:
    """A BGZF file's bytes, inflated block by block with zlib, each block checked against its
    CRC32 and length as gzip checks a member: gzip's reader took about twice as long for a
    whole genome's index. A file that is not BGZF throughout (plain gzip) is read by gzip."""
    with open(path, "rb") as fh:
        data = fh.read()
    out = []
    at = 0
    while at < len(data):
        if not is_block(data, at):
            import gzip

            return gzip.decompress(data)
        end = at + block_size(data, at)
        text = inflated_block(data, at, end)
        if text is None:
            raise zlib.error(f"BGZF block at byte {at}: its CRC32 or length does not match")
        out.append(text)
        at = end
    return b"".join(out)


def _data_after(path: str, end: int) -> str:
    """What is wrong if the file holds records after the virtual offset ``end``: the block
    there must exist and end at it, and the blocks after it must be empty."""
    size = os.path.getsize(path)
    offset, within = end >> 16, end & 0xFFFF
    with open(path, "rb") as fh:
        for n in range(_MAX_TRAILING_BLOCKS):
            if offset == size:
                return ""
            fh.seek(offset)
            head = fh.read(HEADER)
            if not is_block(head):
                return f"it points to byte {offset}, where no compressed block of the file begins"
            length_of_block = block_size(head)
            fh.seek(offset + length_of_block - 4)
            (length,) = struct.unpack("<I", fh.read(4))
            if n == 0 and within > length:
                return f"it points past the end of the compressed block at byte {offset}"
            if (within if n == 0 else 0) < length:
                return f"the file has records after the last one it lists (byte {offset})"
            offset += length_of_block
    return f"the file has more data after the last record it lists (byte {offset})"
