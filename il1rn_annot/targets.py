"""Capture targets (the kit's BED) for exome and panel data, and read depth over them.

Targeted data has reads only where the kit captured, so the whole-genome controls of ``depth``
are empty. Here each target is placed against what the catalog and the gene model say about the
locus: an IL1RN coding exon, inside the founder deletion's minimal interval (its gene content),
at its uncertain edges (the interval is not breakpoints: the ~175-kb deletion reaches beyond it
on one side or both), near it, or a control elsewhere on the autosomes. No gene coordinates
are taken from anywhere but ``data/``: the BED gives the positions, the catalog the intervals.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from il1rn_annot.depth import check_readable, decode_problem, mean_depth, open_indexed_alignment
from il1rn_annot.errors import InputError
from il1rn_annot.genome import coding_exons, find_chr2
from il1rn_annot.model_depth import CaptureTarget

log = logging.getLogger(__name__)

#: Targets this close to the founder deletion's widest extent are shown and used as its flanks.
LOCUS_FLANK = 1_000_000
#: Control targets read per sample: the nearest to the locus. An exome has ~200,000 targets;
#: reading them all for 96 samples would take an hour, and nearby targets scale the locus best.
MAX_CONTROL_TARGETS = 500

ROLE_EXON = "il1rn_exon"
ROLE_FOUNDER = "founder_interval"
ROLE_EDGE = "founder_edge"
ROLE_FLANK = "flank"
ROLE_CONTROL = "control"
LOCUS_ROLES = (ROLE_EXON, ROLE_FOUNDER, ROLE_EDGE, ROLE_FLANK)


@dataclass(frozen=True)
class KnownDeletion:
    """A catalogued large deletion as depth can test it: the interval every copy of it lacks
    (``minimal``) and the widest it can reach (``widest``), 1-based inclusive on one build."""

    id: str
    minimal: tuple[int, int]
    widest: tuple[int, int]


@dataclass(frozen=True)
class Capture:
    """The targets read per sample: the locus ones (shown) and the controls (scale, noise)."""

    path: str
    build: str
    targets: tuple[CaptureTarget, ...]
    deletions: tuple[KnownDeletion, ...]

    @property
    def locus(self) -> tuple[CaptureTarget, ...]:
        return tuple(t for t in self.targets if t.role in LOCUS_ROLES)


def known_deletions(catalog, build: str) -> tuple[KnownDeletion, ...]:
    """The catalog's large deletions with an interval. An approximate one (the founder deletion:
    a gene-content interval) may reach beyond it by its reported size minus the interval; one
    with breakpoints is its interval, +-1 bp (whether the published positions are the first
    deleted bases or the flanking ones)."""
    out = []
    for entry in catalog.deletions():
        locus = entry.locus(build)
        if locus is None or not entry.counts:
            continue
        start, end = locus.pos, locus.end
        if entry.evidence_level == "approximate":
            slack = max(0, (entry.reported_size or 0) - (end - start + 1))
            out.append(KnownDeletion(entry.id, (start, end), (start - slack, end + slack)))
        else:
            out.append(KnownDeletion(entry.id, (start + 1, end - 1), (start - 1, end + 1)))
    return tuple(out)


def read_bed(path: str) -> list[tuple[str, int, int, str]]:
    """(contig, first, last base 1-based, name) of each BED line; header lines are skipped."""
    check_readable(path, "BED file")
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the BED file: {exc}", path) from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        cells = line.split("\t") if "\t" in line else line.split()
        if len(cells) < 3:
            raise InputError(f"line {n}: a BED line needs contig, start and end", path)
        try:
            start, end = int(cells[1]), int(cells[2])
        except ValueError:
            raise InputError(f"line {n}: start and end must be whole numbers", path) from None
        if start < 0 or end <= start:
            raise InputError(f"line {n}: end {end} is not after start {start}", path)
        name = cells[3] if len(cells) > 3 and cells[3] else f"{cells[0]}:{start + 1}-{end}"
        rows.append((cells[0], start + 1, end, name))
    if not rows:
        raise InputError("no targets in the BED file", path)
    return rows


def load_capture(path: str, build: str, catalog) -> Capture:
    """Read the BED and place each target at the locus; keep the controls nearest to it."""
    rows = read_bed(path)
    deletions = known_deletions(catalog, build)
    chr2 = find_chr2({c for c, *_ in rows})
    founder = next((d for d in deletions if d.minimal[1] - d.minimal[0] > 100_000), None)
    span = founder.widest if founder else (coding_exons(build)[0][1], coding_exons(build)[-1][2])
    exons = coding_exons(build)
    locus, controls = [], []
    for contig, start, end, name in rows:
        if contig == chr2:
            target = _place(contig, start, end, name, exons, deletions, founder, span)
        elif _autosome(contig):
            target = CaptureTarget(contig, start, end, name, ROLE_CONTROL)
        else:
            continue  # sex chromosomes, mitochondria, alternate contigs: other copy numbers
        (controls if target.role == ROLE_CONTROL else locus).append(target)
    if not any(t.role == ROLE_EXON for t in locus):
        log.warning("%s: no target overlaps an IL1RN coding exon (%s)", path, build)
    middle = (span[0] + span[1]) // 2
    controls.sort(key=lambda t: (t.contig != chr2, abs((t.start + t.end) // 2 - middle)))
    kept = controls[:MAX_CONTROL_TARGETS]
    targets = sorted((*locus, *kept), key=lambda t: (t.contig != chr2, t.contig, t.start))
    return Capture(path, build, tuple(targets), deletions)


def _place(contig, start, end, name, exons, deletions, founder, span) -> CaptureTarget:
    deleted_by = tuple(
        (d.id, round(_overlap((start, end), d.minimal) / (end - start + 1), 3))
        for d in deletions
        if _overlap((start, end), d.widest)
    )
    exon = next((n for n, s, e in exons if _overlap((start, end), (s, e))), None)
    if exon is not None:
        role = ROLE_EXON
    elif founder and founder.minimal[0] <= start and end <= founder.minimal[1]:
        role = ROLE_FOUNDER
    elif _overlap((start, end), span):
        role = ROLE_EDGE if founder else ROLE_FLANK
    elif start <= span[1] + LOCUS_FLANK and end >= span[0] - LOCUS_FLANK:
        role = ROLE_FLANK
    else:
        role = ROLE_CONTROL
    return CaptureTarget(contig, start, end, name, role, exon, deleted_by)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]) + 1)


def _autosome(contig: str) -> bool:
    """1-22 with or without 'chr' (chr2 is placed separately).

    >>> [_autosome(c) for c in ("chr7", "13", "chrX", "chr1_KI270706v1_random", "MT")]
    [True, True, False, False, False]
    """
    bare = contig.removeprefix("chr")
    return bare.isdigit() and 1 <= int(bare) <= 22


def measure_targets(
    path: str, capture: Capture, fasta: str | None, min_mapq: int
) -> tuple[str | None, tuple[float, ...]]:
    """(@RG SM, mean depth per target) of one indexed BAM/CRAM, the same read filters as the
    whole-genome stage. Cached per file version: a batch of VCFs with one manifest reads each
    alignment file once per process."""
    check_readable(path, "alignment file")
    stat = os.stat(path)
    return _measure(path, stat.st_mtime_ns, stat.st_size, capture, fasta, min_mapq)


@functools.lru_cache(maxsize=1024)
def _measure(
    path: str, _mtime: int, _size: int, capture: Capture, fasta: str | None, min_mapq: int
) -> tuple[str | None, tuple[float, ...]]:
    with open_indexed_alignment(path, fasta, capture.build) as (af, chr2, sample):
        names = _contig_names(af.references, chr2, {t.contig for t in capture.targets}, path)
        try:
            depths = tuple(
                mean_depth(af, names[t.contig], t.start, t.end, min_mapq) for t in capture.targets
            )
        except OSError as exc:
            raise InputError(decode_problem(af.is_cram, fasta, exc), path) from None
    return sample, depths


def _contig_names(
    references: Sequence[str], chr2: str, wanted: set[str], path: str
) -> dict[str, str]:
    """BED contig -> the alignment file's name for it ('chr7' and '7' are the same)."""
    have = set(references)
    out = {}
    for contig in wanted:
        if find_chr2([contig]) is not None:
            out[contig] = chr2
            continue
        bare = contig.removeprefix("chr")
        name = next((n for n in (contig, bare, f"chr{bare}") if n in have), None)
        if name is None:
            raise InputError(
                f"the targets' contig {contig!r} is not in this file's header: is the BED for "
                "the same reference as the alignments?",
                path,
            )
        out[contig] = name
    return out
