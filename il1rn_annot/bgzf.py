"""BGZF blocks (SAM/BAM specification, 4.1): the one place that knows their header and checks a
block's text against its trailer. The stream, the bisection and the stale-index check all walk
blocks themselves, each for its own reason; what a block is, they take from here."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

#: A gzip header of FLG.FEXTRA ...
MAGIC = b"\x1f\x8b\x08\x04"
#: ... whose one extra subfield (at byte 10) is BC, of two bytes: the block's size less one.
_BC = b"\x06\x00BC\x02\x00"
#: The header's length, the block size included.
HEADER = 18


def is_block(data: bytes, at: int = 0) -> bool:
    """Whether a whole BGZF block header starts at ``at``."""
    return len(data) >= at + HEADER and data.startswith(MAGIC, at) and data.startswith(_BC, at + 10)


def block_size(data: bytes, at: int = 0) -> int:
    """The size of the block whose header starts at ``at`` (``is_block``), header included."""
    return data[at + 16] + (data[at + 17] << 8) + 1


def inflated_block(
    data,
    start: int,
    end: int,
    inflate: Callable = zlib.decompress,
    crc32: Callable = zlib.crc32,
) -> bytes | None:
    """The text of the block at ``data[start:end]``, or None when it does not inflate to the
    length and CRC32 its trailer states (``inflate`` and ``crc32`` as zlib's: isal's may
    serve)."""
    crc, length = struct.unpack_from("<2I", data, end - 8)
    try:
        text = inflate(data[start + HEADER : end - 8], -15, length + 1)
    except Exception:  # zlib.error, isal's error: the caller says what is wrong, and where
        return None
    return text if len(text) == length and crc32(text) == crc else None
