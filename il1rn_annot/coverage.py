"""What a sample's records prove about the catalog sites and the coding bases: which sites
are decided, which are left open (a variant-only VCF proves no site it has no record for), and
in a gVCF how many coding bases passing records cover."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from il1rn_annot.genome import coding_exons
from il1rn_annot.model import Coverage, VariantRecord
from il1rn_annot.zygosity import Thresholds, sample_flags, sv_record, unmeasured_block

if TYPE_CHECKING:
    from il1rn_annot.evidence import Evidence, Site

VARIANT_ONLY_NOTE = (
    "variant-only VCF: a catalog site with no passing call is not proven reference (a gVCF "
    "proves sites; SV/CNV calls or read depth show deletions)"
)
NO_DELETION_NOTE = (
    "the catalog sites are called reference, but a variant-only VCF does not exclude a large "
    "deletion (SV/CNV calls, a gVCF or read depth can)"
)


def site_coverage(
    sites: Sequence[Site], by_id: dict[str, list[Evidence]], disputed: set[str]
) -> Coverage:
    """Which sites the evidence decides: records that disagree there decide nothing."""
    called, open_sites = [], []
    for site in sites:
        items = by_id.get(site.entry.id, [])
        decided = any(e.reference or (e.proven and e.proven == e.allowed) for e in items)
        uncertain = site.entry.id in disputed or any(e.allowed > e.proven for e in items)
        (called if decided and not uncertain else open_sites).append(site.entry.id)
    return Coverage(
        evidence="variant_calls",
        proven_reference=not open_sites,
        sites_total=len(sites),
        sites_called=called,
        sites_not_assessed=open_sites,
        note=VARIANT_ONLY_NOTE if open_sites else NO_DELETION_NOTE,
    )


def gvcf_coverage(
    coverage: Coverage,
    sample_index: int,
    records: Sequence[VariantRecord],
    build: str,
    thresholds: Thresholds,
) -> Coverage:
    """Coding bases of NM_173842 that passing gVCF records (reference blocks or variant calls)
    cover, and whether the coding exons are empty while the window around them is called."""
    exons = coding_exons(build)
    called: set[int] = set()
    flanks = False
    for record in records:
        call = record.calls[sample_index]
        if not call.alleles or None in call.alleles or sample_flags(call, thresholds):
            continue
        if sv_record(record):
            continue  # an SV record calls no bases
        if unmeasured_block(record, call):
            continue
        hit = False
        for _, start, end in exons:
            lo, hi = max(start, record.pos), min(end, record.end)
            if lo <= hi:
                called.update(range(lo, hi + 1))
                hit = True
        flanks = flanks or not hit
    total = sum(end - start + 1 for _, start, end in exons)
    return replace(
        coverage,
        evidence="gvcf",
        cds_bases_called=len(called),
        cds_bases_total=total,
        possible_homozygous_deletion=flanks and not called,
        note=""
        if coverage.proven_reference
        else coverage.note.replace(
            VARIANT_ONLY_NOTE, "gVCF: the sites listed have no passing record (coverage hole)"
        ),
    )


def capture_coverage(
    coverage: Coverage,
    sites: Sequence[Site],
    targets: Sequence[tuple[int, int, float | None]],
    min_depth: float,
    carried: set[str],
) -> Coverage:
    """Targeted data: a catalog site no capture target covers, or covered by a target whose
    mean depth in this sample (``None`` when no BAM was given) is below ``min_depth``, is not
    assessed, whatever reference call the VCF has there; a site the sample carries stays."""
    outside, shallow = [], []
    for site in sites:
        if site.entry.id in carried:
            continue
        hit = [d for s, e, d in targets if s <= site.start and site.end <= e]
        if not hit:
            outside.append(site.entry.id)
        elif all(d is not None and d < min_depth for d in hit):
            shallow.append(site.entry.id)
    if not outside and not shallow:
        return coverage
    lost = set(outside) | set(shallow)
    words = []
    if outside:
        words.append(f"{', '.join(outside)} outside the capture targets")
    if shallow:
        words.append(f"{', '.join(shallow)} in targets below {min_depth:g}x")
    note = f"targeted data: {'; '.join(words)}: not assessed, never reference"
    return replace(
        coverage,
        proven_reference=False,
        sites_called=[s for s in coverage.sites_called if s not in lost],
        sites_not_assessed=list(dict.fromkeys([*coverage.sites_not_assessed, *outside, *shallow])),
        sites_outside_capture=outside,
        sites_below_depth=shallow,
        note="; ".join(x for x in (coverage.note, note) if x),
    )
