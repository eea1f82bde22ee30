"""The TSV report: one row per sample and variant; a sample with no variant still gets a row.
With ``--per record``, one row per record (ALT allele) of the window instead, samples or not.

Every row also names the tool and catalog versions and the report's warnings, as the JSON's
``tool`` and ``warnings`` do, so that a row read on its own (or a combined TSV of many inputs)
still says what produced it and what was wrong with its input. No comment lines: the file is a
plain table for ``pandas.read_csv(path, sep="\t")``.
"""

from __future__ import annotations

from collections.abc import Iterable

from il1rn_annot.model import Report
from il1rn_annot.report.rows import RECORD_FIELDS, VARIANT_FIELDS, record_fields, variant_fields

SAMPLE_FIELDS = (
    "input",
    "sample",
    "dira_genotype",
    "needs_review",
    "review_reasons",
    "coverage_evidence",
    "proven_reference",
)
#: Per report; last, so that the columns before them keep their places.
REPORT_FIELDS = ("tool_version", "catalog_version", "catalog_sha256", "report_warnings")
COLUMNS = (*SAMPLE_FIELDS, *VARIANT_FIELDS, *REPORT_FIELDS)
#: ``--per record``: the input, the record's fields (``index`` as ``record``), the report's.
RECORD_COLUMNS = ("input", "record", *RECORD_FIELDS[1:], *REPORT_FIELDS)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).replace("\t", " ").replace("\n", " ")


def _line(values: Iterable[object]) -> str:
    return "\t".join(_cell(v) for v in values) + "\n"


def tsv_header() -> str:
    return "\t".join(COLUMNS) + "\n"


def tsv_lines(report: Report) -> str:
    """One report's rows (one per sample and variant), for streaming a combined TSV."""
    tail = _report_tail(report)
    lines = []
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
        for fields in [variant_fields(v) for v in sample.variants] or [{}]:
            lines.append(_line([*head, *(fields.get(k) for k in VARIANT_FIELDS), *tail]))
    return "".join(lines)


def _report_tail(report: Report) -> list[str]:
    return [
        report.tool.version,
        report.tool.catalog_version,
        report.tool.catalog_sha256,
        "; ".join(report.warnings),
    ]


def record_header() -> str:
    return "\t".join(RECORD_COLUMNS) + "\n"


def record_lines(report: Report) -> str:
    """One row per record of the window: a file without samples is annotated too."""
    tail = _report_tail(report)
    lines = []
    for n, annotated in enumerate(report.records):
        fields = record_fields(annotated, n)
        lines.append(_line([report.input.path, *(fields[k] for k in RECORD_FIELDS), *tail]))
    return "".join(lines)
