"""Data classes of read-depth evidence from alignment files (``--bam``, ``--targets``): the exons,
controls and capture targets ``DepthEvidence`` (in ``model``) is made of. Imported only where
alignment files are read (depth, targets, cohort_depth), or through ``model``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaptureTarget:
    """One interval of the capture kit's BED, 1-based inclusive in the BED's build, with what
    it covers at the IL1RN locus (``role``) and, for IL1RN, which coding exon."""

    contig: str  # as the BED names it
    start: int
    end: int
    name: str
    role: str  # il1rn_exon | founder_interval | founder_edge | flank | control
    exon: int | None = None  # NM_173842 coding exon the target overlaps
    #: Fraction of the target's bases inside each catalogued large deletion (id -> 0..1).
    deleted_by: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class TargetDepth:
    """One capture target at the locus in one sample, against the batch reference."""

    name: str
    start: int
    end: int
    role: str
    exon: int | None
    mean_depth: float
    expected_depth: float | None  # the batch reference scaled to this sample; None: no reference
    ratio: float | None  # mean_depth / expected_depth; None when not assessed
    copies: int | None  # 0, 1, 2 by the same bands as whole-genome depth; None between them


@dataclass(frozen=True)
class TargetDepthEvidence:
    """What a batch of targeted samples (exome, panel) says about one sample's IL1RN locus."""

    targets_file: str
    batch_size: int  # alignment files measured in the batch, this sample included
    reference: str  # how the reference was made, in words
    reference_samples: tuple[str, ...]
    control_targets: int  # targets outside the founder deletion used to scale and to judge noise
    correlation: float | None  # of this sample's control-target depths with its reference
    control_spread: float | None  # robust SD of the control-target ratios (about 0 is ideal)
    targets: tuple[TargetDepth, ...]  # the targets at the locus, in order
    low_targets: tuple[str, ...]  # the run of targets at one copy or none
    consistent_with: str  # DIRA04 | DIRA11 | DIRA04+DIRA11 | novel | no_deletion | ""
    deleted_copies: tuple[tuple[str, int], ...]  # (catalog id, copies lost) of the fitted allele
    status: str  # ok | batch_too_small | too_noisy | unclear | no_targets
    note: str


@dataclass(frozen=True)
class ExonDepth:
    """One coding exon: coordinates in the file's build, 1-based inclusive."""

    exon: int
    start: int
    end: int
    mean_depth: float
    ratio: float | None  # mean_depth / control depth; None when the controls are too shallow
    copies: int | None  # 0, 1, 2, or None (unclear or too shallow)


@dataclass(frozen=True)
class ControlDepth:
    """One flanking control region, 1-based inclusive in the file's build."""

    start: int
    end: int
    mean_depth: float
