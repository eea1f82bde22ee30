"""The TSV report: one row per sample and variant; a sample with no variant still gets a row."""

from __future__ import annotations

from collections.abc import Iterable

from il1rn_annot.model import Report
from il1rn_annot.report.rows import VARIANT_FIELDS, variant_fields

SAMPLE_FIELDS = (
    "input",
    "sample",
    "dira_genotype",
    "needs_review",
    "review_reasons",
    "coverage_evidence",
    "proven_reference",
)
COLUMNS = (*SAMPLE_FIELDS, *VARIANT_FIELDS)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).replace("\t", " ").replace("\n", " ")


def tsv_rows(reports: Iterable[Report]) -> Iterable[list[str]]:
    for report in reports:
        for sample in report.samples:
            head = [
                report.input.path,
                sample.sample,
                sample.dira_genotype,
                sample.needs_review,
                "; ".join(sample.review_reasons),
                sample.coverage.evidence,
                sample.coverage.proven_reference,
            ]
            variants = [variant_fields(v) for v in sample.variants] or [{}]
            for fields in variants:
                yield [_cell(v) for v in head] + [_cell(fields.get(k)) for k in VARIANT_FIELDS]


def render_tsv(reports: Iterable[Report]) -> str:
    lines = ["\t".join(COLUMNS)]
    lines.extend("\t".join(row) for row in tsv_rows(reports))
    return "\n".join(lines) + "\n"
