"""The optional reference FASTA (``--fasta``): one base at a time on chr2, for left-alignment.

No genomic sequence of IL1RN ships with the tool; everything works without this, and a FASTA
only makes normalization complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.genome import CHR2_LENGTH, CHR2_NAMES, find_chr2
from il1rn_annot.normalize import BaseFetcher

#: Bases read per FASTA request; IL1RN edits are local, so one block serves many lookups.
_BLOCK = 4096


@contextmanager
def open_reference(path: str | None, build: str) -> Iterator[BaseFetcher | None]:
    """Yield a 1-based base lookup on chr2 of ``path``, or None without a FASTA."""
    if path is None:
        yield None
        return
    import pysam

    try:
        fasta = pysam.FastaFile(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot open the FASTA: {exc}", path) from None
    with fasta:
        contig = find_chr2(fasta.references)
        if contig is None:
            raise InputError(
                f"no chromosome 2 sequence ({', '.join(CHR2_NAMES)}) in the FASTA", path
            )
        length = fasta.get_reference_length(contig)
        for other, other_length in CHR2_LENGTH.items():
            if other != build and length == other_length:
                raise BuildError(
                    f"the FASTA is {other} (chr2 length) but the input is {build}", path
                )

        @lru_cache(maxsize=64)
        def block(index: int) -> str:
            start = index * _BLOCK
            return fasta.fetch(contig, start, min(start + _BLOCK, length)).upper()

        def base_at(pos: int) -> str:
            if pos < 1 or pos > length:
                return "N"
            index, offset = divmod(pos - 1, _BLOCK)
            return block(index)[offset]

        yield base_at
