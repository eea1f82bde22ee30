"""The JSON report: the design.md contract, one object per input."""

from __future__ import annotations

import json
from dataclasses import asdict

from il1rn_annot.model import Report, SampleReport
from il1rn_annot.report.rows import record_fields, record_indexes, record_key, variant_fields


def sample_dict(sample: SampleReport, records: dict[tuple[int, int], int]) -> dict:
    """One sample; each variant names its entry in ``records`` (None if it has none)."""
    return {
        "sample": sample.sample,
        "dira_genotype": sample.dira_genotype,
        "needs_review": sample.needs_review,
        "review_reasons": sample.review_reasons,
        "notes": sample.notes,
        "coverage": asdict(sample.coverage),
        "depth": asdict(sample.depth) if sample.depth is not None else None,
        "variants": [
            {"record": records.get(record_key(v.annotated)), **variant_fields(v)}
            for v in sample.variants
        ],
    }


def report_dict(report: Report) -> dict:
    info = report.input
    indexes = record_indexes(report)
    return {
        "schema_version": report.schema_version,
        "tool": asdict(report.tool),
        "input": {
            "path": info.path,
            "build": info.build,
            "build_source": info.build_source,
            "contig": info.contig,
            "window": asdict(info.window),
            "access": info.access,
            "gvcf": info.gvcf,
            "n_samples": len(info.samples),
        },
        "options": report.options,
        "warnings": report.warnings,
        "records": [record_fields(a, n) for n, a in enumerate(report.records)],
        "clinvar": _clinvar(report),
        "samples": [sample_dict(s, indexes) for s in report.samples],
    }


def _clinvar(report: Report) -> dict | None:
    """The --clinvar file, and the records ClinVar calls (likely) pathogenic, or conflicting
    with a pathogenic claim, that the catalog does not list (by their index in ``records``)."""
    if report.clinvar is None:
        return None
    flagged = [
        n
        for n, a in enumerate(report.records)
        if a.clinvar is not None
        and not a.dira_id
        and (a.clinvar.pathogenic or a.clinvar.conflicting_pathogenic)
    ]
    return {**asdict(report.clinvar), "pathogenic_not_in_catalog": flagged}


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"


def schema_text() -> str:
    """The report's JSON Schema as shipped with the package (``il1rn-annot schema``)."""
    from importlib.resources import files

    return files("il1rn_annot.report").joinpath("report.schema.json").read_text(encoding="utf-8")
