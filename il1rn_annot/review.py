"""Review reasons from beside the call: a lab's overlay, ClinVar, alleles not written in bases.

Applied to each sample after its call, since none changes what the call counts: an overlay row
is matched like any catalog row (and counts if the lab classified it so), ClinVar never counts,
and a call carrying an allele that is not bases is read as missing. They only make sure that a
person looks, and knows why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from il1rn_annot.model import (
    NOVEL_LOF,
    AnnotatedAllele,
    SampleReport,
    SampleVariant,
    VariantRecord,
)
from il1rn_annot.records import carried_unreadable, unreadable_alleles


def _reviewed(sample: SampleReport, reasons: list[str]) -> SampleReport:
    """The sample needing review for ``reasons`` too (each reason once, the earlier first)."""
    if not reasons:
        return sample
    merged = list(dict.fromkeys([*sample.review_reasons, *reasons]))
    return replace(sample, needs_review=True, review_reasons=merged)


def with_possible_loss_reasons(samples: list[SampleReport]) -> list[SampleReport]:
    """Each sample with a review reason for each carried allele outside the catalog whose effect
    the gene model leaves open between outcomes that include a loss of function (a stop the
    codon allows without --fasta, an ALT base N in the coding sequence). A novel stop is
    reviewed; one the tool cannot rule out must be too, or a homozygous possible stop would be
    `none` with nothing to review. A cohort's samples share allele objects: each allele's note
    is looked up once for the report (once per carrier cost 0.3 s of the 2,500-sample bench)."""
    notes: dict[int, str] = {}  # by allele object, alive through the samples that carry it
    out = []
    for sample in samples:
        reasons = []
        for variant in sample.variants:
            if not variant.copies:
                continue
            note = notes.get(id(variant.annotated))
            if note is None:
                note = notes[id(variant.annotated)] = _possible_loss_note(variant.annotated)
            if note:
                reasons.append(_possible_loss(variant, note))
        out.append(_reviewed(sample, reasons))
    return out


def _possible_loss_note(a: AnnotatedAllele) -> str:
    """The allele's warning that leaves a loss of function open, '' when none does."""
    from il1rn_annot.gene_model.consequence import LOSS_OF_FUNCTION, UNKNOWN_ALT

    if a.dira_id or a.classification == NOVEL_LOF:
        return ""  # a catalog allele is judged by its row; a novel stop has its own reason
    for note in a.warnings:
        allowed = note.partition("the protein allows ")[2].split(" or ")
        if note == UNKNOWN_ALT or any(k.split("&")[0] in LOSS_OF_FUNCTION for k in allowed):
            return note
    return ""


def _possible_loss(variant: SampleVariant, note: str) -> str:
    a = variant.annotated
    return (
        f"possible loss-of-function allele {a.key} ({a.location}, {variant.zygosity}): "
        f"{note}; not counted in the call"
        + ("; --fasta reads the codon" if "without --fasta" in note else "")
    )


def with_unreadable_reasons(
    samples: list[SampleReport], names: Sequence[str], records: Sequence[VariantRecord]
) -> list[SampleReport]:
    """Each sample whose GT carries an allele written with a character that is not a base (ALT
    Q, REF X) needs review, with the record and the character named. Its call was read as
    missing, and a missing call off the catalog sites leaves the sample `none` or `monoallelic`
    with nothing to say: yet the allele may be anything, a second pathogenic one included.
    ``names`` are the samples in the order of the records' calls."""
    flagged = [(r, u) for r in records if (u := unreadable_alleles(r.ref, r.alts))]
    if not flagged:
        return samples
    column = {name: i for i, name in enumerate(names)}
    out = []
    for report in samples:
        i = column.get(report.sample)
        reasons = []
        for record, unreadable in flagged:
            call = record.calls[i] if i is not None and i < len(record.calls) else None
            why = carried_unreadable(call, unreadable) if call is not None else ""
            if why:
                reasons.append(
                    f"record {record.chrom}:{record.pos} ({call.gt.partition(' (')[0]}): {why}; "
                    "the sample carries an allele the file does not name, read as a no-call: "
                    "it may be anything, a pathogenic allele included"
                )
        out.append(_reviewed(report, reasons))
    return out


def with_source_reasons(sample: SampleReport, overlay: str | None) -> SampleReport:
    """The sample with a review reason for each carried allele that rests on the lab's overlay
    or that ClinVar (but not the catalog) calls pathogenic, or that ClinVar disputes."""
    return _reviewed(sample, [r for v in sample.variants if v.copies for r in _reasons(v, overlay)])


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
