"""Deletion evidence beyond SV records: read depth over the coding exons (``--bam``) and
genotype patterns across the founder-deletion interval. Both can support or contradict a call;
neither names an allele, so they change a call only where it is contradicted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from il1rn_annot.match import deletion_of
from il1rn_annot.model import (
    BIALLELIC,
    BIALLELIC_UNPHASED,
    INDETERMINATE,
    MONOALLELIC,
    NONE,
    DepthEvidence,
    SampleCall,
    SampleReport,
    VariantRecord,
)
from il1rn_annot.normalize import is_structural


def apply_depth(report: SampleReport, depth: DepthEvidence, count_novel_lof: bool) -> SampleReport:
    """Read depth over the coding exons as deletion evidence. It can prove a copy number, never
    an allele, so it changes a call only where it contradicts "none" or a single allele."""
    call, reasons, notes = report.dira_genotype, list(report.review_reasons), list(report.notes)
    coverage = report.coverage
    ratio = "n/a" if depth.ratio is None else f"{depth.ratio:.2f}"
    empty = [e.exon for e in depth.exons if e.copies == 0]
    single = [e.exon for e in depth.exons if e.copies == 1]
    if depth.copies is None and (empty or single):
        ratio = ", ".join(
            f"exon {e.exon} {e.ratio:.2f}" for e in depth.exons if e.ratio is not None
        )
    # A known non-DIRA loss (the intron 2 VNTR, a CNV sparing the coding exons) leaves the
    # coding exons' depth alone: it is no deletion for exon depth to confirm or contradict.
    deletions = [
        v
        for v in report.variants
        if v.copies and deletion_of(v.annotated.alt) is not None and not v.annotated.non_dira_id
    ]
    if depth.copies == 0 or empty:
        which = "any coding exon" if depth.copies == 0 else f"coding exon(s) {empty}"
        reasons.append(
            f"possible_homozygous_deletion: read depth shows no copy of {which} (ratio {ratio})"
        )
        coverage = replace(coverage, possible_homozygous_deletion=True)
        if call != BIALLELIC:
            call = BIALLELIC if count_novel_lof else INDETERMINATE
    elif depth.copies == 1 or single:
        which = "the coding exons" if depth.copies == 1 else f"coding exon(s) {single}"
        reasons.append(
            f"read depth shows one copy of {which}: a heterozygous deletion (ratio {ratio})"
        )
        if call == NONE and count_novel_lof:
            call = MONOALLELIC
        elif call in (MONOALLELIC, BIALLELIC_UNPHASED) and not deletions:
            call = INDETERMINATE  # a pathogenic allele beside a deletion may be the only copy
    elif depth.copies is None:
        reasons.append(
            f"read depth cannot tell the IL1RN copy number ({depth.status}: {depth.note})"
        )
        if call == NONE:
            call = INDETERMINATE
    else:
        notes.append(f"read depth shows two copies of every coding exon (ratio {ratio})")
        if deletions:
            reasons.append(
                "read depth shows two copies of every coding exon, which contradicts the "
                "deletion called in the VCF"
            )
            call = INDETERMINATE
    reasons = list(dict.fromkeys(reasons))
    return replace(
        report,
        dira_genotype=call,
        needs_review=bool(reasons),
        review_reasons=reasons,
        notes=notes,
        coverage=coverage,
        depth=depth,
    )


def apply_target_depth(
    report: SampleReport,
    depth: DepthEvidence,
    count_novel_lof: bool,
    intervals: dict[str, tuple[int, int]],
) -> SampleReport:
    """Targeted-data depth (``--targets``, the batch as reference). A run of low targets that
    matches a catalogued deletion's extent counts that allele, as a matched SV record does, and
    always asks for confirmation by another method; anything else (a novel run, a batch too
    small or too noisy, two copies) goes through the whole-genome rules of ``apply_depth``.
    ``intervals`` holds the bases every copy of each catalogued deletion lacks."""
    evidence = depth.targeted
    lost = dict(evidence.deleted_copies) if evidence and evidence.status == "ok" else {}
    if not lost:
        report = apply_depth(report, depth, count_novel_lof)
        if evidence and evidence.consistent_with == "novel":
            reasons = [*report.review_reasons, f"read depth of the capture targets: {depth.note}"]
            report = replace(report, needs_review=True, review_reasons=reasons)
        return report
    call, reasons, notes = report.dira_genotype, list(report.review_reasons), list(report.notes)
    coverage = report.coverage
    which = ", ".join(f"{'homozygous' if k == 2 else 'heterozygous'} {d}" for d, k in lost.items())
    in_vcf = {
        v.annotated.dira_id: v.copies
        for v in report.variants
        if v.copies and v.passed and v.annotated.dira_id in lost
    }
    others = [
        v
        for v in report.variants
        if v.copies and v.passed and v.annotated.pathogenic and v.annotated.dira_id not in lost
    ]
    total = sum(lost.values())
    reasons.append(
        f"deletion from read depth of the capture targets, {evidence.note}: confirm by "
        "another method (breakpoint PCR, MLPA or qPCR) before reporting"
    )
    impossible = [
        v.annotated.key
        for v in others
        if (gone := sum(k for d, k in lost.items() if d in intervals and _inside(v, intervals[d])))
        and (gone >= 2 or v.zygosity == "het")
    ]
    if in_vcf and any(in_vcf.get(d, k) != k for d, k in lost.items()):
        reasons.append(f"read depth ({which}) disagrees with the deletion copies called in the VCF")
        call = INDETERMINATE
    elif impossible:
        reasons.append(
            f"{', '.join(impossible)} is called where read depth shows too few copies for that "
            "call (heterozygous on one copy, or any call on none): the call or the depth is wrong"
        )
        call = INDETERMINATE
    elif total >= 2 or any(v.copies >= 2 for v in others):
        call = BIALLELIC  # an allele homozygous in the VCF inside a one-copy region is hemizygous
    elif others:
        call = BIALLELIC_UNPHASED  # a heterozygous allele outside the deletion: phase unknown
    else:
        call = MONOALLELIC
    if total >= 2:
        coverage = replace(coverage, possible_homozygous_deletion=True)
    reasons = list(dict.fromkeys(reasons))
    return replace(
        report,
        dira_genotype=call,
        needs_review=True,
        review_reasons=reasons,
        notes=notes,
        coverage=coverage,
        depth=depth,
    )


def _inside(variant, interval: tuple[int, int]) -> bool:
    allele = variant.annotated.alt.allele
    return interval[0] <= allele.pos and allele.pos + max(len(allele.ref), 1) - 1 <= interval[1]


#: Pattern evidence needs this many informative records across the founder interval.
MIN_PATTERN_RECORDS = 10
#: Flanks on each side of the founder interval where calls are expected when it is intact.
PATTERN_FLANK = 20_000


def pattern_rows(
    context: Sequence[VariantRecord], interval: tuple[int, int]
) -> list[tuple[tuple[SampleCall, ...], bool]]:
    """The small-variant records around the founder interval, with whether each lies inside it:
    computed once for every sample of a cohort."""
    start, end = interval
    return [
        (record.calls, record.pos <= end and record.end >= start)
        for record in context
        if not (record.alts and all(is_structural(a) for a in record.alts))
    ]


@dataclass(frozen=True)
class PatternCounts:
    """One sample's calls across the founder interval (inside) and its flanks."""

    het: int = 0
    hom: int = 0
    called_inside: int = 0
    missing_inside: int = 0
    called_flank: int = 0


# What one call says for the pattern: codes of ``_pattern_code``.
_COMPLETE_REF, _MISSING, _HET, _HOM = 1, 2, 3, 4


def _pattern_code(alleles: tuple[int | None, ...]) -> int:
    """A call as the pattern sees it: missing (or no GT), reference, heterozygous (any two
    different alleles) or homozygous for an ALT."""
    if not alleles or None in alleles:
        return _MISSING
    if alleles == (0, 0):
        return _COMPLETE_REF
    first = alleles[0]
    if any(a != first for a in alleles):
        return _HET
    return _HOM if first != 0 else _COMPLETE_REF


def pattern_counts(
    rows: Sequence[tuple[tuple[SampleCall, ...], bool]], n_samples: int
) -> list[PatternCounts]:
    """Every sample's ``PatternCounts`` in one pass over the rows: each distinct call of a
    record is read once, and a cohort's samples are counted with array operations."""
    if n_samples >= _ARRAYS_FROM:
        return _counts_by_arrays(rows, n_samples)
    out = []
    for i in range(n_samples):
        count = [0, 0, 0, 0, 0]  # het, hom, called_inside, missing_inside, called_flank
        for calls, inside in rows:
            code = _pattern_code(calls[i].alleles)
            if not inside:
                count[4] += code != _MISSING
            elif code == _MISSING:
                count[3] += 1
            else:
                count[2] += 1
                count[0] += code == _HET
                count[1] += code == _HOM
        out.append(PatternCounts(*count))
    return out


#: From this many samples on, ``pattern_counts`` counts with numpy (imported only then).
_ARRAYS_FROM = 32


def _counts_by_arrays(
    rows: Sequence[tuple[tuple[SampleCall, ...], bool]], n_samples: int
) -> list[PatternCounts]:
    import numpy as np

    het = np.zeros(n_samples, dtype=np.int64)
    hom, called_inside, missing_inside, called_flank = (np.zeros_like(het) for _ in range(4))
    by_alleles: dict[tuple[int | None, ...], int] = {}
    for calls, inside in rows:
        which = getattr(calls, "codes", None)  # a CallColumn: its distinct calls are known
        if which is not None:
            of = [by_alleles.get(c.alleles) for c in calls.distinct]
            for n, code in enumerate(of):
                if code is None:
                    alleles = calls.distinct[n].alleles
                    of[n] = by_alleles[alleles] = _pattern_code(alleles)
            codes = np.array(of, np.int8)[which]
        else:
            distinct = dict(zip(map(id, calls), calls, strict=True))
            code_of = {key: _pattern_code(c.alleles) for key, c in distinct.items()}
            codes = np.fromiter(map(code_of.__getitem__, map(id, calls)), np.int8, len(calls))
        missing = codes == _MISSING
        if not inside:
            called_flank += ~missing
            continue
        missing_inside += missing
        called_inside += ~missing
        het += codes == _HET
        hom += codes == _HOM
    columns = (het, hom, called_inside, missing_inside, called_flank)
    return [PatternCounts(*map(int, values)) for values in zip(*columns, strict=True)]


def pattern_text(counts: PatternCounts, interval: tuple[int, int], gvcf: bool) -> str:
    """Supporting evidence for a deletion from the genotypes across the founder interval, never a
    call on its own: no heterozygous call among many non-reference calls (a hemizygous stretch,
    as a heterozygous deletion leaves, or plain homozygosity by descent), or no call at all
    inside while the flanks are called (a homozygous deletion)."""
    size = f"{(interval[1] - interval[0] + 1) / 1000:.0f} kb"
    inside, missing = counts.called_inside, counts.missing_inside
    if counts.called_flank and not inside and (gvcf or missing >= MIN_PATTERN_RECORDS):
        return (
            f"no call across the {size} founder-deletion interval while its flanks are called "
            f"({missing} no-call records inside): supports a homozygous deletion"
        )
    if not gvcf and counts.het == 0 and counts.hom >= MIN_PATTERN_RECORDS:
        return (
            f"{counts.hom} homozygous and no heterozygous call across the {size} founder-deletion "
            "interval: a hemizygous stretch (a heterozygous deletion, or homozygosity by descent)"
        )
    return ""
