"""The site fields of window lines already read, parsed by htslib from their first columns.

``cohort_text`` reads each line of a cohort window once, through tabix, for its sample columns.
pysam reading the same window again for CHROM to INFO inflated it a second time and scanned
every byte of every line (2,500 columns) for eight short fields. Here the first eight columns
of the lines already read are handed to htslib as a VCF without samples, under the file's own
header, in an anonymous in-memory file (a private temporary file where the system has none):
every site field (typed INFO, END, FILTER, QUAL, ID, alleles, the errors of a bad line) is
htslib's own parse of the same text, as before. Nothing of the sample columns is written.

htslib types an INFO key the header lacks by the first record that uses it, so its type
would depend on which lines were read together: a window with one is read as before
(``Misaligned``), by readers that see the whole window under one header. (A FILTER or contig
the header lacks is only a name: htslib adds it, as any reader of the file does.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

from il1rn_annot.cohort_reader import Misaligned

#: The columns of a record line that are its site fields: CHROM POS ID REF ALT QUAL FILTER INFO.
SITE_COLUMNS = 8


def header_without_samples(lines: Sequence[str]) -> bytes | None:
    """The file's header (its lines, as tabix gives them) with the #CHROM line cut after INFO;
    None when the last line is not the #CHROM line.

    >>> header_without_samples(["##fileformat=VCFv4.2", "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL"
    ...                         "\\tFILTER\\tINFO\\tFORMAT\\tS1"])
    b'##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n'
    """
    if not lines or not lines[-1].startswith("#CHROM"):
        return None
    columns = lines[-1].split("\t")[:SITE_COLUMNS]
    return "".join(f"{line}\n" for line in (*lines[:-1], "\t".join(columns))).encode("utf-8")


class SiteReader:
    """htslib's records of lines' site columns, under one header (``header_without_samples``)."""

    def __init__(self, header: bytes) -> None:
        self._header = header

    def records(self, sites: bytes, n_lines: int) -> list:
        """The pysam records of ``sites`` (``n_lines`` lines of site columns, each ending in a
        newline), in their order; htslib's errors as it raises them on any other read."""
        import pysam

        with _anonymous_file(self._header + sites) as fd:
            vf = pysam.VariantFile(fd)
            try:
                header = vf.header
                before = len(header.info)
                found = list(vf)
                if len(header.info) != before:  # htslib defined a key the header lacks
                    raise Misaligned("a record has an INFO key the header does not define")
            finally:
                vf.close()
        if len(found) != n_lines:
            raise Misaligned(f"htslib read {len(found)} records of {n_lines} lines")
        return found


@contextmanager
def _anonymous_file(data: bytes) -> Iterator[int]:
    """An open descriptor of a file holding ``data``, positioned at its start: memfd_create's
    (in memory, with no name anywhere), else an unnamed temporary file. Closed, and so gone,
    on leaving, error or not."""
    fd = -1
    create = getattr(os, "memfd_create", None)
    if create is not None:
        with suppress(OSError):
            fd = create("il1rn-annot-sites", getattr(os, "MFD_CLOEXEC", 0))
    if fd < 0:
        import tempfile

        with tempfile.TemporaryFile() as handle:  # unlinked at once (O_TMPFILE on Linux)
            fd = os.dup(handle.fileno())
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)
