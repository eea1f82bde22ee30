"""Review reasons from sources beside the bundled catalog: a lab's overlay and a ClinVar file.

Applied to each sample after its call, since neither changes what the call counts: an overlay
row is matched like any catalog row (and counts if the lab classified it so), and ClinVar never
counts. They only make sure that a person looks, and knows why.
"""

from __future__ import annotations

from dataclasses import replace

from il1rn_annot.model import SampleReport, SampleVariant


def with_source_reasons(sample: SampleReport, overlay: str | None) -> SampleReport:
    """The sample with a review reason for each carried allele that rests on the lab's overlay
    or that ClinVar (but not the catalog) calls pathogenic, or that ClinVar disputes."""
    reasons = [r for v in sample.variants if v.copies for r in _reasons(v, overlay)]
    if not reasons:
        return sample
    merged = list(dict.fromkeys([*sample.review_reasons, *reasons]))
    return replace(sample, needs_review=True, review_reasons=merged)


def _reasons(variant: SampleVariant, overlay: str | None) -> list[str]:
    a = variant.annotated
    out = []
    if a.catalog_source == "overlay":
        out.append(
            f"{a.dira_id} ({a.dira_name}, {a.classification}) is the lab's own catalog row "
            f"({overlay}), not the bundled catalog's"
        )
    elif a.catalog_source == "overlay_override":
        out.append(
            f"{a.dira_id} ({a.dira_name}) is classified {a.classification} by the lab's catalog "
            f"overlay ({overlay}), which overrides the bundled row"
        )
    clinvar = a.clinvar
    if clinvar is None:
        return out
    said = f"ClinVar {clinvar.accession or clinvar.variation_id} says {clinvar.significance}"
    said += f" ({clinvar.review_status})" if clinvar.review_status else ""
    where = f"{a.alt.record.chrom}:{a.alt.allele}"
    if not a.dira_id and clinvar.pathogenic:
        out.append(f"{said} for {where} ({variant.zygosity}), which the DIRA catalog does not list")
    elif not a.dira_id and clinvar.conflicting_pathogenic:
        out.append(
            f"{said} for {where} ({variant.zygosity}; {clinvar.conflicts}), which the DIRA "
            "catalog does not list"
        )
    elif a.dira_id and a.pathogenic and (clinvar.benign or clinvar.conflicting_pathogenic):
        out.append(f"ClinVar disagrees with the catalog on {a.dira_id}: {said}")
    return out
