"""The batch as the reference: copy number from targeted data (exomes, panels), as ExomeDepth,
CNVkit and DECoN do it.

Capture efficiency differs from target to target far more than one copy does, so a target's
depth means nothing alone. Samples of one run on one kit share that pattern: each sample's
target depths are divided by its mean over the control targets (its library size), and compared
with the median of the other samples most correlated with it. A target at one copy then reads
~0.5 and at no copy ~0, whatever the kit's efficiency there.

The run of targets at the locus is then tested against what each catalogued deletion predicts
(every target's expected ratio is 1 minus the fraction of it deleted times the copies lost / 2):
the founder deletion (DIRA04) removes every target of its minimal interval, IL1RN's exons
included; DIRA11 removes IL1RN exon 1 and most of exon 2 but not exons 3-4. A run of low
targets that neither explains is a novel deletion. Pure functions: no I/O here.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import replace

from il1rn_annot.depth import STATUS_OK, STATUS_UNCLEAR, copies_from_ratio
from il1rn_annot.model import DepthEvidence
from il1rn_annot.model_depth import CaptureTarget, ExonDepth, TargetDepth, TargetDepthEvidence
from il1rn_annot.targets import (
    LOCUS_ROLES,
    ROLE_CONTROL,
    ROLE_EDGE,
    ROLE_EXON,
    ROLE_FLANK,
    Capture,
    KnownDeletion,
)

#: The sample and at least five others of the same run and kit: with fewer, the median of the
#: others is moved by one deletion carrier or one odd library (ExomeDepth advises ~5-10).
MIN_BATCH_SIZE = 6
#: The reference is the median of at most this many other samples, the most correlated first.
MAX_REFERENCE_SAMPLES = 10
#: Quality gates, per sample: below this correlation with its reference, or above this spread
#: of the control-target ratios, one copy (0.5) is not safely told from two (1.0).
MIN_CORRELATION = 0.90
MAX_CONTROL_SPREAD = 0.12
#: Fewer assessable control targets than this give no trustworthy scale or spread.
MIN_CONTROL_TARGETS = 5
#: A target whose reference predicts fewer reads than this in the sample is not assessed.
MIN_EXPECTED_DEPTH = 15.0
#: A deletion fits when every assessed target is within 3 control spreads of its prediction,
#: but never less than the first figure (shallow targets) nor more than the second (one copy
#: lost is 0.5: a wider tolerance would let a single-exon deletion pass as two copies).
FIT_TOLERANCE = (0.2, 0.3)
#: A catalogued deletion is named only when this many assessed targets lie inside it ...
MIN_TARGETS_INSIDE = 2
#: ... and assessed targets outside its widest extent are at two copies on both sides.
#: A target at or below this ratio is "low" (one copy or none); a sample outside
#: (LOW_RATIO, HIGH_RATIO) of the batch median at a target is left out of the others' reference.
LOW_RATIO = 0.65
HIGH_RATIO = 1.35

STATUS_SMALL_BATCH = "batch_too_small"
STATUS_NOISY = "too_noisy"
STATUS_NO_TARGETS = "no_targets"


def batch_evidence(
    capture: Capture,
    batch: Mapping[str, tuple[str, Sequence[float]]],
) -> dict[str, DepthEvidence]:
    """Depth evidence for every sample of a batch: ``batch`` maps a sample to (alignment path,
    mean depth per capture target). Every sample is the others' reference."""
    targets = capture.targets
    controls = [i for i, t in enumerate(targets) if t.role in (ROLE_CONTROL, ROLE_FLANK)]
    scale = {name: _scale(depths, targets, controls) for name, (_, depths) in batch.items()}
    norm = {
        name: [d / scale[name] if scale[name] else 0.0 for d in depths]
        for name, (_, depths) in batch.items()
    }
    odd = _odd_targets(norm, [n for n in batch if scale[n] > 0])
    out = {}
    for name, (path, depths) in batch.items():
        others = [o for o in batch if o != name and scale[o] > 0]
        out[name] = _sample_evidence(
            capture, name, path, depths, scale[name], norm, others, controls, len(batch), odd
        )
    return out


def _odd_targets(norm: Mapping[str, list[float]], names: list[str]) -> dict[str, set[int]]:
    """Per sample, the targets where it is itself far from the batch median (a deletion or a
    duplication there): left out of the other samples' reference at those targets, so that a
    few carriers of the founder deletion do not pull the median of a small batch down."""
    out: dict[str, set[int]] = {n: set() for n in norm}
    if len(names) < 3:
        return out
    for j in range(len(norm[names[0]])):
        values = [norm[n][j] for n in names]
        for name in names:
            middle = statistics.median(v for n, v in zip(names, values, strict=True) if n != name)
            if middle > 0 and not LOW_RATIO < norm[name][j] / middle < HIGH_RATIO:
                out[name].add(j)
    return out


def _scale(depths: Sequence[float], targets: Sequence[CaptureTarget], controls: list[int]) -> float:
    """Mean depth over the control targets' bases: the sample's library size on this kit."""
    bases = sum(targets[i].end - targets[i].start + 1 for i in controls)
    if not bases:
        return 0.0
    return sum(depths[i] * (targets[i].end - targets[i].start + 1) for i in controls) / bases


def _sample_evidence(
    capture: Capture,
    name: str,
    path: str,
    depths: Sequence[float],
    scale: float,
    norm: Mapping[str, list[float]],
    others: list[str],
    controls: list[int],
    batch_size: int,
    odd: Mapping[str, set[int]],
) -> DepthEvidence:
    targets = capture.targets
    locus = [i for i, t in enumerate(targets) if t.role in LOCUS_ROLES]

    def result(status, note, rows=(), ref="", chosen=(), corr=None, spread=None, **fit):
        evidence = TargetDepthEvidence(
            targets_file=capture.path,
            batch_size=batch_size,
            reference=ref,
            reference_samples=tuple(chosen),
            control_targets=len(controls),
            correlation=None if corr is None else round(corr, 4),
            control_spread=None if spread is None else round(spread, 4),
            targets=tuple(rows) or tuple(_row(targets[i], depths[i], None, None) for i in locus),
            low_targets=fit.get("low", ()),
            consistent_with=fit.get("consistent_with", ""),
            deleted_copies=fit.get("deleted", ()),
            status=status,
            note=note,
        )
        return _as_depth(path, capture, scale, evidence)

    if not any(targets[i].role == ROLE_EXON for i in locus):
        return result(
            STATUS_NO_TARGETS,
            f"no capture target of {capture.path} covers an IL1RN coding exon: this kit "
            "cannot show a deletion of them (or the BED is for another build)",
        )
    if len(controls) < MIN_CONTROL_TARGETS or scale <= 0:
        return result(
            STATUS_NO_TARGETS,
            f"{len(controls)} control targets outside the founder deletion"
            + ("" if scale > 0 else " and no reads on them")
            + f": at least {MIN_CONTROL_TARGETS} covered ones are needed to scale the sample",
        )
    if batch_size < MIN_BATCH_SIZE or len(others) < MIN_BATCH_SIZE - 1:
        return result(
            STATUS_SMALL_BATCH,
            f"a batch of {batch_size} alignment files is too small for a batch reference: "
            f"give at least {MIN_BATCH_SIZE} samples of the same run and capture kit "
            "(--bam-manifest)",
        )
    own = norm[name]
    ranked = sorted(
        others,
        key=lambda o: -(_pearson([own[i] for i in controls], [norm[o][i] for i in controls]) or -2),
    )
    chosen = ranked[:MAX_REFERENCE_SAMPLES]
    ref = [_reference(norm, chosen, odd, i) for i in range(len(targets))]
    words = (
        f"median of the {len(chosen)} most correlated of {len(others)} other samples, each "
        "left out where it is far from the batch itself"
    )
    expected = [None if r is None else r * scale for r in ref]
    ratio = [
        depths[i] / e if e is not None and e >= MIN_EXPECTED_DEPTH else None
        for i, e in enumerate(expected)
    ]
    rows = [_row(targets[i], depths[i], expected[i], ratio[i]) for i in locus]
    assessed = [i for i in controls if ratio[i] is not None]
    corr = _pearson([own[i] for i in assessed], [ref[i] or 0.0 for i in assessed])
    spread = _robust_sd([ratio[i] for i in assessed if ratio[i] is not None])
    quality = dict(rows=rows, ref=words, chosen=chosen, corr=corr, spread=spread)
    if len(assessed) < MIN_CONTROL_TARGETS or corr is None or spread is None:
        return result(
            STATUS_NOISY,
            f"{len(assessed)} control targets have enough depth: too few to judge this sample",
            **quality,
        )
    if corr < MIN_CORRELATION or spread > MAX_CONTROL_SPREAD:
        return result(
            STATUS_NOISY,
            f"the sample does not follow its batch reference (correlation {corr:.3f}, needs "
            f">= {MIN_CORRELATION}; control-target spread {spread:.3f}, needs <= "
            f"{MAX_CONTROL_SPREAD}): another kit, a failed library or a noisy run",
            **quality,
        )
    status, note, fit = _fit(capture, targets, locus, ratio, spread)
    return result(status, note, **quality, **fit)


def _reference(
    norm: Mapping[str, list[float]], chosen: list[str], odd: Mapping[str, set[int]], i: int
) -> float | None:
    """The median of the chosen samples at one target, without those odd there; None when
    fewer than the minimum batch remain (the target is then not assessed)."""
    values = [norm[o][i] for o in chosen if i not in odd[o]]
    return statistics.median(values) if len(values) >= MIN_BATCH_SIZE - 1 else None


def _row(target: CaptureTarget, depth: float, expected: float | None, ratio: float | None):
    return TargetDepth(
        name=target.name,
        start=target.start,
        end=target.end,
        role=target.role,
        exon=target.exon,
        mean_depth=round(depth, 2),
        expected_depth=None if expected is None else round(expected, 2),
        ratio=None if ratio is None else round(ratio, 3),
        copies=copies_from_ratio(ratio),
    )


def _fit(
    capture: Capture,
    targets: Sequence[CaptureTarget],
    locus: list[int],
    ratio: list[float | None],
    spread: float,
) -> tuple[str, str, dict]:
    """Which catalogued deletion (or none, or both in trans) the locus ratios fit."""
    tested = [i for i in locus if ratio[i] is not None and targets[i].role != ROLE_EDGE]
    low = tuple(
        f"{targets[i].name} ({ratio[i]:.2f})"
        for i in locus
        if ratio[i] is not None and ratio[i] <= LOW_RATIO
    )
    tolerance = min(max(FIT_TOLERANCE[0], 3 * spread), FIT_TOLERANCE[1])
    ids = [d.id for d in capture.deletions]
    fits = []
    for lost in itertools.product(range(3), repeat=len(ids)):
        if sum(lost) > 2:
            continue
        worst, sse = 0.0, 0.0
        for i in tested:
            fraction = dict(targets[i].deleted_by)
            expect = 1 - sum(fraction.get(d, 0.0) * k / 2 for d, k in zip(ids, lost, strict=True))
            worst = max(worst, abs(ratio[i] - expect))
            sse += (ratio[i] - expect) ** 2
        if worst <= tolerance:
            fits.append((sse, lost))
    fits.sort()
    base = {"low": low}
    shown = ", ".join(low)
    if not fits:
        if low:
            return (
                STATUS_OK,
                f"targets at one copy or none ({shown}) fit neither "
                + " nor ".join(ids)
                + ": a novel deletion (or a noisy target)",
                {**base, "consistent_with": "novel"},
            )
        return STATUS_UNCLEAR, "the locus ratios fit no copy-number state", base
    if len(fits) > 1:
        words = " or ".join(_lost_words(ids, lost) for _, lost in fits[:2])
        return STATUS_UNCLEAR, f"the ratios fit {words} alike: too noisy to tell", base
    lost = fits[0][1]
    if not any(lost):
        return (
            STATUS_OK,
            f"every assessed target at the locus is at two copies ({len(tested)} targets)",
            {**base, "consistent_with": "no_deletion"},
        )
    named = [(d, k) for d, k in zip(capture.deletions, lost, strict=True) if k]
    for deletion, _ in named:
        problem = _support_problem(deletion, targets, tested)
        if problem:
            return (
                STATUS_OK,
                f"targets at one copy or none ({shown}) are consistent with {deletion.id}, but "
                f"{problem}: reported as a novel deletion",
                {**base, "consistent_with": "novel"},
            )
    which = "+".join(d.id for d, _ in named)
    return (
        STATUS_OK,
        f"{_lost_words(ids, lost)}: the run of low targets ({shown}) matches what "
        f"{which} removes, and the targets outside it are at two copies",
        {**base, "consistent_with": which, "deleted": tuple((d.id, k) for d, k in named)},
    )


def _support_problem(
    deletion: KnownDeletion, targets: Sequence[CaptureTarget], tested: list[int]
) -> str:
    """Why a fit does not name the catalogued deletion: too few targets inside it, or no
    assessed target outside its widest extent on one side (the extent is then unknown)."""
    inside = [i for i in tested if dict(targets[i].deleted_by).get(deletion.id, 0.0) >= 0.5]
    if len(inside) < MIN_TARGETS_INSIDE:
        return f"only {len(inside)} assessed target(s) lie inside it"
    left = any(targets[i].end < deletion.widest[0] for i in tested)
    right = any(targets[i].start > deletion.widest[1] for i in tested)
    if not (left and right):
        side = "left" if not left else "right"
        return f"no assessed target flanks it on the {side}, so its extent is unknown"
    return ""


def _lost_words(ids: list[str], lost: tuple[int, ...]) -> str:
    parts = [
        f"{'homozygous' if k == 2 else 'heterozygous'} {d}"
        for d, k in zip(ids, lost, strict=True)
        if k
    ]
    return " and ".join(parts) or "no deletion"


def _as_depth(
    path: str, capture: Capture, scale: float, evidence: TargetDepthEvidence
) -> DepthEvidence:
    """The whole-genome shape (per-exon ratios and copies) with the targeted evidence inside, so
    the same verdict rules apply."""
    exons = []
    for n in sorted({t.exon for t in evidence.targets if t.exon is not None}):
        rows = [t for t in evidence.targets if t.exon == n]
        ratios = [t.ratio for t in rows if t.ratio is not None]
        depth = sum(t.mean_depth for t in rows) / len(rows)
        ratio = sum(ratios) / len(ratios) if len(ratios) == len(rows) and ratios else None
        ok = evidence.status == STATUS_OK
        exons.append(
            ExonDepth(
                n,
                min(t.start for t in rows),
                max(t.end for t in rows),
                round(depth, 2),
                None if ratio is None else round(ratio, 3),
                copies_from_ratio(ratio) if ok else None,
            )
        )
    if evidence.consistent_with == "no_deletion":
        # Every target fits two copies within this sample's own noise: a ratio in a gap
        # between the fixed bands (0.78 at a shallow target) is that noise, not a third state.
        exons = [replace(x, copies=2 if x.ratio is not None else None) for x in exons]
    ratios = [x.ratio for x in exons if x.ratio is not None]
    ratio = sum(ratios) / len(ratios) if ratios and len(ratios) == len(exons) else None
    copies = None
    if evidence.status == STATUS_OK:
        per_exon = {x.copies for x in exons}
        copies = per_exon.pop() if len(per_exon) == 1 and None not in per_exon else None
    status = evidence.status
    if status == STATUS_OK and copies is None:
        status = STATUS_UNCLEAR  # the exons disagree: a partial deletion, named or novel
    return DepthEvidence(
        path=path,
        sample=None,
        build=capture.build,
        contig=next((t.contig for t in capture.locus), ""),
        control_depth=round(scale, 2),
        controls=(),
        exons=tuple(exons),
        ratio=None if ratio is None else round(ratio, 3),
        copies=copies,
        status=status,
        note=evidence.note,
        targeted=evidence,
    )


def _pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r, or None for fewer than 3 points or no variation.

    >>> round(_pearson([1, 2, 3, 4], [2, 4, 6, 9]), 3)
    0.994
    """
    if len(x) < 3:
        return None
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / (sxx * syy) ** 0.5


def _robust_sd(values: Sequence[float]) -> float | None:
    """1.4826 x the median absolute deviation: the SD of the bulk, not moved by one odd target.

    >>> _robust_sd([1.0, 1.0, 1.0, 5.0])
    0.0
    """
    if len(values) < 3:
        return None
    mid = statistics.median(values)
    return 1.4826 * statistics.median(abs(v - mid) for v in values)
