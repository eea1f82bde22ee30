"""The stale-index check reads the span of every contig from real TBI and CSI indexes (written by
htslib through pysam), the same as a plain reading of every chunk would; and an index without
pseudo-bins (old tabix) is read chunk by chunk to the same answer."""

from __future__ import annotations

import gzip
import struct
import zlib

import pysam
import pytest
from conftest import write_input

from il1rn_annot.index_check import _chunk_offsets, index_mismatch

CONTIGS = {"chr1": 248_956_422, "chr2": 242_193_529, "chr3": 198_295_559}
ENCODINGS = {"vcf.gz+tbi": ".tbi", "vcf.gz+csi": ".csi", "bcf+csi": ".csi"}


def _genome(per_contig: int, extra: int = 0) -> str:
    """Records every 7 kb on three contigs (many bins on each); ``extra`` more at chr3's end."""
    lines = [
        "##fileformat=VCFv4.2",
        *(f"##contig=<ID={c},length={n}>" for c, n in CONTIGS.items()),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
    ]
    for chrom in CONTIGS:
        count = per_contig + (extra if chrom == "chr3" else 0)
        lines += [
            f"{chrom}\t{10_000 + i * 7_000}\t.\tA\tG\t50\tPASS\t.\tGT\t0/1" for i in range(count)
        ]
    return "\n".join(lines) + "\n"


def _layout(raw: bytes) -> tuple[bool, int, int, int, int]:
    """An inflated index's kind (CSI or not), the bytes before a bin's n_chunk plus 4, its
    pseudo-bin, its number of contigs and where its first contig's bins begin."""
    csi = raw[:4] == b"CSI\1"
    if csi:
        _, depth, l_aux = struct.unpack_from("<3i", raw, 4)
        (n_ref,) = struct.unpack_from("<i", raw, 16 + l_aux)
        return True, 16, ((1 << ((depth + 1) * 3)) - 1) // 7 + 1, n_ref, 20 + l_aux
    n_ref, *_, l_nm = struct.unpack_from("<8i", raw, 4)
    return False, 8, 37450, n_ref, 36 + l_nm


def _every_chunk(raw: bytes) -> tuple[list[tuple[int, int]], bytes]:
    """(start, end) of every chunk outside the pseudo-bins, read field by field, and the same
    index with its pseudo-bins left out (as old tabix wrote it)."""
    csi, head, pseudo, n_ref, at = _layout(raw)
    chunks: list[tuple[int, int]] = []
    stripped = bytearray(raw[:at])
    for _ in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", raw, at)
        at += 4
        kept = []
        for _ in range(n_bin):
            bin_id = struct.unpack_from("<I", raw, at)[0]
            (n_chunk,) = struct.unpack_from("<i", raw, at + head - 4)
            size = head + 16 * n_chunk
            if bin_id != pseudo:
                kept.append(raw[at : at + size])
                for k in range(n_chunk):
                    chunks.append(struct.unpack_from("<2Q", raw, at + head + 16 * k))
            at += size
        stripped += struct.pack("<i", len(kept)) + b"".join(kept)
        if not csi:
            (n_intv,) = struct.unpack_from("<i", raw, at)
            stripped += raw[at : at + 4 + 8 * n_intv]
            at += 4 + 8 * n_intv
    stripped += raw[at:]
    return chunks, bytes(stripped)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_span_of_every_contig_is_every_chunk_s_span(tmp_path, encoding):
    path = write_input(tmp_path, "genome", _genome(3_000), encoding)
    index = tmp_path / (path.name + ENCODINGS[encoding])
    raw = gzip.decompress(index.read_bytes())
    chunks, stripped = _every_chunk(raw)
    assert len(chunks) > 300  # many bins on every contig
    expected = (min(c[0] for c in chunks), max(c[1] for c in chunks))
    assert _chunk_offsets(str(index)) == expected
    old = tmp_path / "old_tabix.idx"
    old.write_bytes(gzip.compress(stripped))
    assert len(stripped) < len(raw)  # the pseudo-bins are gone
    assert _chunk_offsets(str(old)) == expected


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_index_of_the_file_before_records_were_added_to_its_last_contig_is_stale(
    tmp_path, encoding
):
    """Only the last contig's span changes: the check must reach it."""
    old = write_input(tmp_path, "old", _genome(500), encoding)
    new = write_input(tmp_path, "new", _genome(500, extra=2_000), encoding)
    suffix = ENCODINGS[encoding]
    stale_index = tmp_path / (new.name + ".old" + suffix)
    stale_index.write_bytes((tmp_path / (old.name + suffix)).read_bytes())
    with pysam.VariantFile(str(new)) as vf:
        data_start = vf.tell()
    assert index_mismatch(str(new), str(tmp_path / (new.name + suffix)), data_start) == ""
    why = index_mismatch(str(new), str(stale_index), data_start)
    assert why.startswith(("it points to byte", "the file has records after the last one"))


def _with_long_deletions(per_contig: int) -> str:
    """Records every kilobase with lines of ~300 characters, and a 200-kb deletion (INFO/END)
    every 250 records: the deletions lie in a bin of a higher level, with more than a BGZF
    block of other records between them, so that bin has several chunks."""
    lines = [
        "##fileformat=VCFv4.2",
        *(f"##contig=<ID={c},length={n}>" for c, n in CONTIGS.items()),
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=PAD,Number=1,Type=String,Description="Padding">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
    ]
    pad = "PAD=" + "ACGT" * 64
    for chrom in CONTIGS:
        for i in range(per_contig):
            pos = 10_000 + i * 1_000
            if i % 250 == 0:
                lines.append(f"{chrom}\t{pos}\t.\tA\t<DEL>\t50\tPASS\tEND={pos + 200_000}\tGT\t0/1")
            else:
                lines.append(f"{chrom}\t{pos}\t.\tA\tG\t50\tPASS\t{pad}\tGT\t0/1")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_bins_with_several_chunks_are_stepped_over_as_read_field_by_field(tmp_path, encoding):
    """The check steps over runs of one-chunk bins at C speed; a bin with several chunks (and
    the pseudo-bin) is read word by word: both must land where a field-by-field reading does."""
    path = write_input(tmp_path, "deletions", _with_long_deletions(1_500), encoding)
    index = tmp_path / (path.name + ENCODINGS[encoding])
    raw = gzip.decompress(index.read_bytes())
    chunks, stripped = _every_chunk(raw)
    several = _bins_with_several_chunks(raw)
    assert several >= len(CONTIGS)  # one on each contig at least
    expected = (min(c[0] for c in chunks), max(c[1] for c in chunks))
    assert _chunk_offsets(str(index)) == expected
    old = tmp_path / "old_tabix.idx"
    old.write_bytes(gzip.compress(stripped))
    assert _chunk_offsets(str(old)) == expected


def _bins_with_several_chunks(raw: bytes) -> int:
    """How many bins (the pseudo-bins left out) have more than one chunk."""
    csi, head, pseudo, n_ref, at = _layout(raw)
    several = 0
    for _ in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", raw, at)
        at += 4
        for _ in range(n_bin):
            bin_id = struct.unpack_from("<I", raw, at)[0]
            (n_chunk,) = struct.unpack_from("<i", raw, at + head - 4)
            several += bin_id != pseudo and n_chunk > 1
            at += head + 16 * n_chunk
        if not csi:
            (n_intv,) = struct.unpack_from("<i", raw, at)
            at += 4 + 8 * n_intv
    return several


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_index_whose_checksum_fails_is_left_to_htslib(tmp_path, encoding):
    """A BGZF block of the index whose CRC32 does not match its text: not read here (as gzip
    refused it before), so the check says nothing."""
    path = write_input(tmp_path, "genome", _genome(500), encoding)
    index = tmp_path / (path.name + ENCODINGS[encoding])
    data = bytearray(index.read_bytes())
    size = struct.unpack_from("<H", data, 16)[0] + 1
    data[size - 8] ^= 0xFF  # the first block's CRC32
    index.write_bytes(bytes(data))
    with pytest.raises((zlib.error, OSError)):  # gzip.BadGzipFile is an OSError
        _chunk_offsets(str(index))
    with pysam.VariantFile(str(path), index_filename=None) as vf:
        data_start = vf.tell()
    assert index_mismatch(str(path), str(index), data_start) == ""
