"""Per-sample zygosity and the sample's DIRA genotype call.

The call is made twice: once with the least pathogenic dosage the evidence allows (failed or
missing evidence counted as absent) and once with the most (missing allele slots counted as
pathogenic). When the two agree the evidence decides the call; when they differ, the evidence
that is missing or fails FILTER/thresholds is what decides it, and the call is ``indeterminate``
with those reasons. Nothing uncertain ever silently decides a call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from il1rn_annot.catalog import Catalog, CatalogEntry
from il1rn_annot.model import (
    BIALLELIC,
    BIALLELIC_UNPHASED,
    INDETERMINATE,
    MONOALLELIC,
    NONE,
    AnnotatedAllele,
    Coverage,
    SampleCall,
    SampleReport,
    SampleVariant,
    VariantRecord,
)

VARIANT_ONLY_NOTE = (
    "variant-only VCF: a catalog site with no record is not proven reference "
    "(gVCF reference blocks or read depth are needed to prove it)"
)


@dataclass(frozen=True)
class Thresholds:
    min_dp: int = 10
    min_gq: int = 20


@dataclass(frozen=True)
class Observation:
    """What one record says about one counting catalog allele in one sample."""

    dira_id: str
    record: VariantRecord
    call: SampleCall
    alt_index: int | None  # None: the record does not carry this allele (a no-call at its site)
    low: int  # fewest pathogenic copies the evidence allows
    high: int  # most pathogenic copies the evidence allows
    reason: str  # why low != high, or ''

    @property
    def slots(self) -> tuple[int, ...]:
        """Which haplotypes (GT positions) carry the allele."""
        return tuple(i for i, a in enumerate(self.call.alleles) if a == self.alt_index)


def quality_flags(record: VariantRecord, call: SampleCall, thresholds: Thresholds) -> list[str]:
    """Why this sample's evidence at this record is not good enough to decide a call."""
    flags = []
    if not record.passed:
        flags.append(f"FILTER={record.filter_text}")
    if call.sample_filter not in (None, "", ".", "PASS"):
        flags.append(f"FT={call.sample_filter}")
    if call.depth is not None and call.depth < thresholds.min_dp:
        flags.append(f"DP={call.depth}<{thresholds.min_dp}")
    if call.gq is not None and call.gq < thresholds.min_gq:
        flags.append(f"GQ={call.gq}<{thresholds.min_gq}")
    return flags


def zygosity(call: SampleCall, alt_index: int) -> tuple[str, int, int]:
    """(zygosity, copies of the ALT, missing slots) for one sample and one ALT.

    >>> zygosity(SampleCall((0, 1), False), 1)
    ('het', 1, 0)
    >>> zygosity(SampleCall((None, 1), False), 1)
    ('het', 1, 1)
    >>> zygosity(SampleCall((1,), True), 1)
    ('hemizygous', 1, 0)
    >>> zygosity(SampleCall((None, None), False), 1)
    ('no_call', 0, 2)
    """
    copies = sum(1 for a in call.alleles if a == alt_index)
    missing = sum(1 for a in call.alleles if a is None)
    if copies == 0:
        return ("no_call" if missing else "", 0, missing)
    if len(call.alleles) == 1:
        return "hemizygous", copies, missing
    return ("hom_alt" if copies == len(call.alleles) else "het"), copies, missing


def sample_variants(
    sample_index: int, alleles: Sequence[AnnotatedAllele], thresholds: Thresholds
) -> list[SampleVariant]:
    """The alleles this sample carries or could not be called for, in file order."""
    rows = []
    for annotated in alleles:
        call = annotated.alt.record.calls[sample_index]
        zyg, copies, missing = zygosity(call, annotated.alt.alt_index)
        if not zyg:
            continue
        flags = tuple(quality_flags(annotated.alt.record, call, thresholds))
        rows.append(SampleVariant(annotated, call, zyg, copies, missing, flags))
    return rows


def _observations(
    sample_index: int,
    alleles: Sequence[AnnotatedAllele],
    records: Sequence[VariantRecord],
    sites: Sequence[tuple[CatalogEntry, int, int]],
    thresholds: Thresholds,
) -> list[Observation]:
    obs: list[Observation] = []
    carried: set[tuple[int, str]] = set()
    for annotated in alleles:
        if not annotated.pathogenic:
            continue
        record = annotated.alt.record
        call = record.calls[sample_index]
        _, copies, missing = zygosity(call, annotated.alt.alt_index)
        carried.add((record.index, annotated.dira_id))
        if copies == 0 and missing == 0 and not _sample_flags(call, thresholds):
            continue
        flags = quality_flags(record, call, thresholds)
        ploidy = len(call.alleles)
        if copies and ploidy == 1:
            obs.append(
                Observation(
                    annotated.dira_id, record, call, annotated.alt.alt_index, 1, 2,
                    "hemizygous (haploid GT on chr2): the other allele may be deleted",
                )
            )  # fmt: skip
        elif copies and flags:
            obs.append(
                Observation(
                    annotated.dira_id, record, call, annotated.alt.alt_index, 0,
                    copies + missing, "fails " + ", ".join(flags),
                )
            )  # fmt: skip
        elif copies == 0:
            high = missing if missing else ploidy
            why = (
                "no-call"
                if missing
                else "reference call fails " + ", ".join(_sample_flags(call, thresholds))
            )
            obs.append(
                Observation(annotated.dira_id, record, call, annotated.alt.alt_index, 0, high, why)
            )
        else:
            reason = "half-missing GT" if missing else ""
            obs.append(
                Observation(
                    annotated.dira_id, record, call, annotated.alt.alt_index, copies,
                    copies + missing, reason,
                )
            )  # fmt: skip
    # Records at a catalog site whose ALT is another allele: a no-call there leaves the site open.
    for record in records:
        call = record.calls[sample_index]
        missing = sum(1 for a in call.alleles if a is None)
        failing = (
            not missing and all(a == 0 for a in call.alleles) and _sample_flags(call, thresholds)
        )
        if not missing and not failing:
            continue
        for entry, start, end in sites:
            if (record.index, entry.id) in carried or record.pos > end or record.end < start:
                continue
            why = (
                "no-call at the site"
                if missing
                else "reference call fails " + ", ".join(_sample_flags(call, thresholds))
            )
            high = missing or len(call.alleles)
            obs.append(Observation(entry.id, record, call, None, 0, high, why))
    return obs


def _sample_flags(call: SampleCall, thresholds: Thresholds) -> list[str]:
    """Sample-level failures only: a site FILTER does not make a hom-ref call unusable."""
    flags = []
    if call.sample_filter not in (None, "", ".", "PASS"):
        flags.append(f"FT={call.sample_filter}")
    if call.depth is not None and call.depth < thresholds.min_dp:
        flags.append(f"DP={call.depth}<{thresholds.min_dp}")
    if call.gq is not None and call.gq < thresholds.min_gq:
        flags.append(f"GQ={call.gq}<{thresholds.min_gq}")
    return flags


def _relation(a: Observation, b: Observation) -> str:
    """'trans', 'cis' or 'unknown' for two heterozygous pathogenic observations."""
    if not a.slots or not b.slots:
        return "unknown"
    if a.record.index == b.record.index:
        return "trans" if set(a.slots) != set(b.slots) else "cis"  # 1/2 is trans by construction
    # Phased without PS counts as one phase set (VCF spec); different PS: phase unknown.
    diploid = len(a.call.alleles) == len(b.call.alleles) == 2
    if a.call.phased and b.call.phased and diploid and a.call.phase_set == b.call.phase_set:
        return "cis" if a.slots == b.slots else "trans"
    return "unknown"


def classify(dosage: dict[str, int], carriers: dict[str, Observation]) -> tuple[str, str]:
    """The dira_genotype for one dosage assignment, and a note on phase.

    ``dosage`` maps catalog id -> pathogenic copies; ``carriers`` the observation that shows each
    allele (for phase).
    """
    present = [i for i, n in dosage.items() if n > 0]
    if any(n >= 2 for n in dosage.values()):
        return BIALLELIC, ""
    if not present:
        return NONE, ""
    if len(present) == 1:
        return MONOALLELIC, ""
    relations = []
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            oa, ob = carriers.get(a), carriers.get(b)
            relations.append(_relation(oa, ob) if oa and ob else "unknown")
    if "trans" in relations:
        return BIALLELIC, "pathogenic alleles phased in trans"
    if all(r == "cis" for r in relations):
        return MONOALLELIC, f"{' and '.join(present)} phased in cis (same haplotype): one allele"
    return BIALLELIC_UNPHASED, ""


def call_sample(
    sample: str,
    sample_index: int,
    alleles: Sequence[AnnotatedAllele],
    records: Sequence[VariantRecord],
    catalog: Catalog,
    build: str,
    thresholds: Thresholds,
) -> SampleReport:
    """Call one sample. ``alleles`` may be limited to those the sample does not call reference,
    and ``records`` to those over catalog sites: nothing else can change the call."""
    sites = catalog_sites(catalog, build)
    variants = sample_variants(sample_index, alleles, thresholds)
    obs = _observations(sample_index, alleles, records, sites, thresholds)

    low: dict[str, int] = {}
    high: dict[str, int] = {}
    carriers: dict[str, Observation] = {}
    for o in obs:
        low[o.dira_id] = max(low.get(o.dira_id, 0), o.low)
        high[o.dira_id] = max(high.get(o.dira_id, 0), o.high)
        best = carriers.get(o.dira_id)
        if o.slots and (best is None or (best.reason and not o.reason)):
            carriers[o.dira_id] = o
    call_low, note_low = classify(low, carriers)
    call_high, note_high = classify(high, carriers)

    reasons: list[str] = []
    notes = [n for n in dict.fromkeys((note_low, note_high)) if n]
    if call_low == call_high:
        dira_genotype = call_low
    else:
        dira_genotype = INDETERMINATE
        for o in obs:
            if o.reason:
                where = f"{o.record.chrom}:{o.record.pos}"
                reasons.append(f"{o.dira_id} at {where} ({o.call.gt_text}): {o.reason}")
        reasons.append(f"the evidence allows anything from {call_low} to {call_high}")
    reasons.extend(n for n in notes if "cis" in n)
    for entry_id in sorted(i for i, n in high.items() if n > 0):
        entry = catalog.get(entry_id)
        if entry.low_confidence and dira_genotype != NONE:
            other = (
                f"; alternative reading of {entry.alternative_to}" if entry.alternative_to else ""
            )
            reasons.append(
                f"call rests on {entry_id} ({entry.name}), evidence level {entry.evidence_level}"
                f"{other}"
            )
    coverage = _coverage(sample_index, records, sites, thresholds)
    return SampleReport(
        sample=sample,
        dira_genotype=dira_genotype,
        needs_review=bool(reasons),
        review_reasons=list(dict.fromkeys(reasons)),
        coverage=coverage,
        variants=variants,
        notes=notes,
    )


def _coverage(
    sample_index: int,
    records: Sequence[VariantRecord],
    sites: Sequence[tuple[CatalogEntry, int, int]],
    thresholds: Thresholds,
) -> Coverage:
    called, open_sites = [], []
    for entry, start, end in sites:
        ok = False
        for record in records:
            if record.pos > end or record.end < start:
                continue
            call = record.calls[sample_index]
            if call.alleles and None not in call.alleles and not _sample_flags(call, thresholds):
                ok = True
        (called if ok else open_sites).append(entry.id)
    return Coverage(
        evidence="variant_calls",
        proven_reference=not open_sites,
        sites_total=len(sites),
        sites_called=called,
        sites_not_assessed=open_sites,
        note=VARIANT_ONLY_NOTE if open_sites else "",
    )


def catalog_sites(catalog: Catalog, build: str) -> list[tuple[CatalogEntry, int, int]]:
    """The counting catalog alleles as (entry, first, last REF position) on ``build``."""
    sites = []
    for entry in catalog.matchable():
        locus = entry.locus(build)
        if entry.counts and locus is not None:
            sites.append((entry, locus.pos, locus.end))
    return sites


def call_samples(
    samples: Iterable[str],
    alleles: Sequence[AnnotatedAllele],
    records: Sequence[VariantRecord],
    catalog: Catalog,
    build: str,
    thresholds: Thresholds,
) -> list[SampleReport]:
    """Call every sample. A cohort's window holds mostly reference calls: each sample only looks
    at the alleles it carries or misses, and at the records over catalog sites."""
    names = list(samples)
    sites = catalog_sites(catalog, build)
    site_records = [
        r for r in records if any(r.pos <= end and r.end >= start for _, start, end in sites)
    ]
    relevant: list[list[AnnotatedAllele]] = [[] for _ in names]
    for annotated in alleles:
        for i, call in enumerate(annotated.alt.record.calls):
            if annotated.pathogenic or call.alleles not in _REFERENCE:
                relevant[i].append(annotated)
    return [
        call_sample(name, i, relevant[i], site_records, catalog, build, thresholds)
        for i, name in enumerate(names)
    ]


_REFERENCE = frozenset({(0, 0), (0,), ()})
