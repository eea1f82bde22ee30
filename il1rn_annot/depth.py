"""Read depth over the IL1RN coding exons from a BAM/CRAM: evidence for deletions.

A large deletion such as the ~175-kb Puerto Rican founder deletion leaves no record in a
short-variant VCF, so a homozygous patient reads as "none". Aligned reads still show it: the
exons have no reads (homozygous) or half the reads (heterozygous) of the flanking DNA. This
stage measures the mean depth over each NM_173842 coding exon and over two flanking control
regions outside the deletion, and turns the ratio into a copy-number estimate.

Depth counts aligned bases (CIGAR M/=/X) of reads that pass the filters, like ``samtools depth``
without ``-J``: deletions in reads and overlapping mates are not treated specially. The
controls are intergenic/intronic, so exome and panel data have too little depth there and give
``insufficient_depth`` with a note that they need ``--targets`` (``targets``, ``cohort_depth``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from il1rn_annot.errors import BuildError, InputError, UsageError
from il1rn_annot.genome import (
    BUILDS,
    CHR2_ACCESSIONS,
    CHR2_LENGTH,
    CHR2_NAMES,
    chr2_lookalike,
    coding_exons,
    find_chr2,
    to_build,
)
from il1rn_annot.model import DepthEvidence
from il1rn_annot.model_depth import ControlDepth, ExonDepth

if TYPE_CHECKING:
    import pysam

log = logging.getLogger(__name__)

#: Flanking controls, GRCh38, 1-based inclusive: 20 kb each, outside the founder deletion (its
#: minimal interval is 112,973,203-113,134,016 and its breakpoints lie within about 112.958 and
#: 113.148 Mb), ~100 kb clear of both. Their segmental-duplication and common-CNV status was NOT
#: checked against a track (none is available offline); a CNV in one of them shows up as the two
#: controls disagreeing (CONTROL_MAX_FOLD). GRCh37 = GRCh38 + 757,577 holds here too: IL1B starts
#: at 112,829,751 / 113,587,328 and PAX8 spans 113,215,997-113,278,921 / 113,973,574-114,036,498.
CONTROLS_GRCH38 = (
    (112_840_001, 112_860_000),
    (113_240_001, 113_260_000),
)

#: Copy-number bands for exon depth / control depth. Two copies give ~1.0, one ~0.5, none ~0.
#: The bands leave gaps (0.15-0.35, 0.65-0.8, >1.25) so that a ratio between two states, from
#: noise, GC bias, mosaicism or a duplication, is "unclear" rather than rounded to a call. The
#: 0-copy band stops at 0.15 to allow a few mismapped reads in a homozygous deletion.
ZERO_COPY_MAX = 0.15
ONE_COPY_BAND = (0.35, 0.65)
TWO_COPY_BAND = (0.8, 1.25)

#: Mean control depth below which no copy number is given: too shallow to tell 1 copy from 2.
MIN_CONTROL_DEPTH = 10.0

#: If one control is more than this many times deeper than the other, one of them is probably
#: in a CNV itself, and the ratio cannot be trusted.
CONTROL_MAX_FOLD = 1.5

#: Reads that never count: unmapped, secondary, QC-fail, duplicate, supplementary.
SKIP_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800

STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_depth"
STATUS_UNCLEAR = "unclear"

_COPY_WORDS = {
    0: "no copy (homozygous deletion evidence)",
    1: "one copy (heterozygous deletion evidence)",
    2: "two copies (no deletion of the coding exons)",
}


def copies_from_ratio(ratio: float | None) -> int | None:
    """The copy number a depth ratio falls in, or None between the bands.

    >>> [copies_from_ratio(r) for r in (0.02, 0.5, 0.97, 0.75, 1.6, None)]
    [0, 1, 2, None, None, None]
    """
    if ratio is None:
        return None
    if ratio <= ZERO_COPY_MAX:
        return 0
    if ONE_COPY_BAND[0] <= ratio <= ONE_COPY_BAND[1]:
        return 1
    if TWO_COPY_BAND[0] <= ratio <= TWO_COPY_BAND[1]:
        return 2
    return None


def control_regions(build: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the flanking controls in ``build``, 1-based inclusive."""
    return tuple((to_build(s, build), to_build(e, build)) for s, e in CONTROLS_GRCH38)


def measure_depth(
    path: str,
    build: str,
    fasta: str | None = None,
    min_mapq: int = 20,
    min_control_depth: float = MIN_CONTROL_DEPTH,
) -> DepthEvidence:
    """Measure exon and control depth in one indexed BAM/CRAM and estimate the copy number.

    ``build`` is the caller's (a BAM header rarely names it); the chr2 length in the header must
    agree. ``fasta`` is the reference a CRAM was compressed against.
    """

    if build not in BUILDS:
        raise UsageError(f"unknown build {build!r}; use {' or '.join(BUILDS)}")
    check_readable(path, "alignment file")
    if fasta is not None:
        check_readable(fasta, "reference FASTA")
    with open_indexed_alignment(path, fasta, build) as (af, contig, sample):
        try:
            controls = tuple(
                ControlDepth(s, e, mean_depth(af, contig, s, e, min_mapq))
                for s, e in control_regions(build)
            )
            exon_depths = [
                (n, s, e, mean_depth(af, contig, s, e, min_mapq)) for n, s, e in coding_exons(build)
            ]
        except OSError as exc:
            raise InputError(decode_problem(af.is_cram, fasta, exc), path) from None
    log.debug("%s: controls %s, exons %s", path, controls, exon_depths)
    return _evidence(path, sample, build, contig, controls, exon_depths, min_control_depth)


@contextmanager
def open_indexed_alignment(
    path: str, fasta: str | None, build: str
) -> Iterator[tuple[pysam.AlignmentFile, str, str | None]]:
    """An indexed BAM/CRAM, opened with the checks every depth stage makes (BAM or CRAM, not
    SAM; chr2 of the build's length; an index): (the file, its chr2 name, its @RG SM)."""
    import pysam

    try:
        af = pysam.AlignmentFile(path, "r", reference_filename=fasta)
    except (OSError, ValueError) as exc:
        raise InputError(_open_problem(exc), path) from None
    with af:
        if not (af.is_bam or af.is_cram):
            raise InputError("a SAM text file: convert it to BAM or CRAM and index it", path)
        contig = _chr2_contig(af, path, build)
        sample = _sample_name(af, path)
        if not af.has_index():
            kind = "CRAM (.crai)" if af.is_cram else "BAM (.bai/.csi)"
            raise InputError(f"no index found for this {kind}; index it with samtools index", path)
        yield af, contig, sample


def _evidence(
    path: str,
    sample: str | None,
    build: str,
    contig: str,
    controls: tuple[ControlDepth, ...],
    exon_depths: list[tuple[int, int, int, float]],
    min_control_depth: float,
) -> DepthEvidence:
    """Turn depths into ratios and copy numbers: the rules, apart from the I/O."""
    control = sum(c.mean_depth for c in controls) / len(controls)
    shallow = control < min_control_depth
    exons = tuple(
        ExonDepth(n, s, e, depth, None, None)
        if shallow
        else ExonDepth(n, s, e, depth, depth / control, copies_from_ratio(depth / control))
        for n, s, e, depth in exon_depths
    )
    ratio, copies, status, note = _judge(control, controls, exons, min_control_depth)
    return DepthEvidence(
        path, sample, build, contig, control, controls, exons, ratio, copies, status, note
    )


def _judge(
    control: float,
    controls: tuple[ControlDepth, ...],
    exons: tuple[ExonDepth, ...],
    min_control_depth: float,
) -> tuple[float | None, int | None, str, str]:
    """(ratio, copies, status, note). A copy number is given only when nothing contradicts it."""
    if control < min_control_depth:
        exon_depth = sum(x.mean_depth for x in exons) / len(exons)
        if exon_depth >= min_control_depth:
            note = (
                f"targeted data (exome or panel): the coding exons have {exon_depth:.1f}x but "
                f"the intergenic controls {control:.1f}x, so whole-genome depth cannot be used; "
                "give the capture kit's BED (--targets) and the run's other samples "
                "(--bam-manifest) to compare each sample with its batch"
            )
        else:
            note = (
                f"flanking control depth {control:.1f}x is below {min_control_depth:g}x: too "
                "shallow to tell the copy number"
            )
        return None, None, STATUS_INSUFFICIENT, note
    ratio = sum(x.ratio or 0.0 for x in exons) / len(exons)
    copies = copies_from_ratio(ratio)
    depths = sorted(c.mean_depth for c in controls)
    if depths[0] * CONTROL_MAX_FOLD < depths[-1]:
        note = (
            "the flanking controls disagree ("
            + " vs ".join(f"{c.mean_depth:.1f}x" for c in controls)
            + "): a CNV in one of them would bias the ratio"
        )
        return ratio, None, STATUS_UNCLEAR, note
    per_exon = {x.copies for x in exons if x.copies is not None}
    if copies is not None and per_exon - {copies}:
        note = (
            f"exon depth ratio {ratio:.2f} reads as {copies} copies overall, but the exons "
            f"disagree ({_exon_copies(exons)}): possible partial (intragenic) deletion"
        )
        return ratio, None, STATUS_UNCLEAR, note
    if copies is None:
        note = (
            f"exon depth ratio {ratio:.2f} is between the copy-number bands ({_exon_copies(exons)})"
        )
        if 0 in per_exon or 1 in per_exon:
            note += ": possible partial (intragenic) deletion"
        return ratio, None, STATUS_UNCLEAR, note
    note = (
        f"coding exons at {ratio:.2f}x the flanking depth ({control:.1f}x): {_COPY_WORDS[copies]}"
    )
    return ratio, copies, STATUS_OK, note


def _exon_copies(exons: tuple[ExonDepth, ...]) -> str:
    return ", ".join(
        f"exon {x.exon}: {'?' if x.copies is None else x.copies} ({x.ratio:.2f})" for x in exons
    )


def mean_depth(af, contig: str, start: int, end: int, min_mapq: int) -> float:
    """Mean depth over 1-based inclusive [start, end]: aligned bases of passing reads / length."""
    begin = start - 1  # 0-based half-open from here on
    covered = 0
    for read in af.fetch(contig, begin, end):
        if read.flag & SKIP_FLAGS or read.mapping_quality < min_mapq:
            continue
        for block_start, block_end in read.get_blocks():
            overlap = min(block_end, end) - max(block_start, begin)
            if overlap > 0:
                covered += overlap
    return covered / (end - begin)


def _chr2_contig(af, path: str, build: str) -> str:
    """chr2 as the file names it, after checking that its length agrees with ``build``."""
    contig = find_chr2(af.references)
    if contig is None:
        lookalike = chr2_lookalike(af.references)
        found = f"; found {lookalike!r}" if lookalike else ""
        raise InputError(f"no chromosome 2 ({', '.join(CHR2_NAMES)}) in the header{found}", path)
    if CHR2_ACCESSIONS.get(contig, build) != build:
        raise BuildError(f"contig {contig} is {CHR2_ACCESSIONS[contig]}, not {build}", path)
    length = af.get_reference_length(contig)
    if length and length != CHR2_LENGTH[build]:
        other = next((b for b, n in CHR2_LENGTH.items() if n == length), None)
        says = f"{other}'s" if other else "no supported build's"
        raise BuildError(
            f"{contig} length {length} is {says}, not {build} ({CHR2_LENGTH[build]})", path
        )
    return contig


def _sample_name(af, path: str) -> str | None:
    """The one @RG SM of the file: depth is per file, so several samples cannot be told apart."""
    names = sorted({rg["SM"] for rg in af.header.to_dict().get("RG", []) if rg.get("SM")})
    if len(names) > 1:
        raise InputError(
            f"several samples in @RG SM ({', '.join(names)}); depth needs one sample per file",
            path,
        )
    return names[0] if names else None


def check_readable(path: str, what: str) -> None:
    if not os.path.exists(path):
        raise InputError(f"no such {what}", path)
    if os.path.isdir(path):
        raise InputError(f"is a directory, not a {what}", path)
    if not os.access(path, os.R_OK):
        raise InputError(f"permission denied ({what})", path)


def _open_problem(exc: Exception) -> str:
    text = _first_line(exc)
    if "EOF marker" in text or "truncated" in text:
        return "truncated file (no BGZF end-of-file marker)"
    return f"not a BAM or CRAM file ({text})"


def decode_problem(is_cram: bool, fasta: str | None, exc: OSError) -> str:
    if not is_cram:
        return f"cannot read alignments: truncated or corrupt file ({_first_line(exc)})"
    if fasta is None:
        return "cannot decode the CRAM: its reference sequence was not found; give its FASTA"
    return f"cannot decode the CRAM with the reference {fasta} (chr2 missing or unreadable)"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
