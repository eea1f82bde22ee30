"""The per-variant fields shared by the JSON and TSV reports (design.md contract)."""

from __future__ import annotations

from il1rn_annot.model import AnnotatedAllele, Report, SampleVariant

VARIANT_FIELDS = (
    "chrom pos ref alt input_pos input_ref input_alt genotype zygosity phase_set filter "
    "depth gq quality_flags consequence hgvs_c hgvs_p location dira_id dira_name "
    "dira_legacy_names classification evidence_level match non_dira_id non_dira_name warnings "
    "other_transcripts catalog_source clinvar_id clinvar_significance clinvar_review_status"
).split()


def variant_fields(variant: SampleVariant) -> dict:
    """One sample's view of one allele, as plain values (None where a value is absent)."""
    own = call_fields(variant)
    allele = _allele_fields(variant.annotated)
    return {k: own[k] if k in own else allele[k] for k in VARIANT_FIELDS}


def call_fields(variant: SampleVariant) -> dict:
    """The fields of a variant row that are the sample's own: its call of the allele."""
    call = variant.call
    return {
        "genotype": call.gt_text,
        "zygosity": variant.zygosity,
        "phase_set": call.phase_set if call.phased else None,
        "depth": call.depth,
        "gq": call.gq,
        "quality_flags": list(variant.quality_flags),
    }


def allele_fields(annotated: AnnotatedAllele) -> dict:
    """The fields of a variant row that say what the allele is (the same in every sample)."""
    return _allele_fields(annotated)


#: What a record (one ALT allele of the window) is, once per report (``records``, ``--per record``).
RECORD_FIELDS = (
    "index chrom pos ref alt input_pos input_ref input_alt id filter consequence hgvs_c hgvs_p "
    "location dira_id dira_name dira_legacy_names classification evidence_level match "
    "non_dira_id non_dira_name warnings other_transcripts catalog_source clinvar_id "
    "clinvar_significance clinvar_review_status"
).split()


def record_key(annotated: AnnotatedAllele) -> tuple[int, int]:
    """What identifies a record's ALT in a report: the record's window index and ALT number."""
    return annotated.alt.record.index, annotated.alt.alt_index


def record_indexes(report: Report) -> dict[tuple[int, int], int]:
    """Each record's ``index`` in ``records``, by ``record_key``, for samples to refer to it."""
    return {record_key(a): n for n, a in enumerate(report.records)}


def record_fields(annotated: AnnotatedAllele, index: int) -> dict:
    """One record as plain values: what the file says of it and what the catalog says of it."""
    allele = _allele_fields(annotated)
    allele["index"] = index
    return {k: allele[k] for k in RECORD_FIELDS}


def _allele_fields(annotated: AnnotatedAllele) -> dict:
    """What the file and the catalog say of one ALT allele: shared by records and variants."""
    alt = annotated.alt
    record = alt.record
    changed = alt.changed
    clinvar = annotated.clinvar
    return {
        "chrom": record.chrom,
        "pos": alt.allele.pos,
        "ref": alt.allele.ref,
        "alt": alt.allele.alt,
        "input_pos": alt.input.pos if changed else None,
        "input_ref": alt.input.ref if changed else None,
        "input_alt": alt.input.alt if changed else None,
        "id": record.record_id or None,
        "filter": record.filter_text,
        "consequence": annotated.consequence or None,
        "hgvs_c": annotated.hgvs_c or None,
        "hgvs_p": annotated.hgvs_p or None,
        "location": annotated.location or None,
        "dira_id": annotated.dira_id or None,
        "dira_name": annotated.dira_name or None,
        "dira_legacy_names": list(annotated.dira_legacy_names),
        "classification": annotated.classification,
        "evidence_level": annotated.evidence_level or None,
        "match": annotated.match or None,
        "non_dira_id": annotated.non_dira_id or None,
        "non_dira_name": annotated.non_dira_name or None,
        "warnings": list(annotated.warnings),
        "other_transcripts": list(annotated.other_transcripts),
        "catalog_source": annotated.catalog_source or None,
        "clinvar_id": (clinvar.accession or clinvar.variation_id) if clinvar else None,
        "clinvar_significance": clinvar.significance or None if clinvar else None,
        "clinvar_review_status": clinvar.review_status or None if clinvar else None,
    }


#: The most texts of one kind a writer keeps for the samples sharing them (a biobank window can
#: have millions of distinct calls): beyond it, that kind starts again.
SHARED_TEXTS = 50_000


class SharedTexts:
    """Text a report's samples share, kept while the report is written, for the TSV and JSON
    writers alike: each variant row's, by row object (a cohort's samples with one call of an
    allele share it); each allele's part of a row, by allele object; each call's part, by call
    object, zygosity and flags; a sample's text after its name, by its values. ``bounded``
    keeps each kind under ``SHARED_TEXTS`` (the texts are the same either way)."""

    __slots__ = ("alleles", "bodies", "calls", "rows")

    def __init__(self) -> None:
        self.rows: dict[int, str] = {}
        self.alleles: dict[int, object] = {}
        self.calls: dict[tuple[object, ...], object] = {}
        self.bodies: dict[tuple[object, ...], str] = {}

    def bounded(self) -> None:
        for kept in (self.rows, self.alleles, self.calls, self.bodies):
            if len(kept) >= SHARED_TEXTS:
                kept.clear()
