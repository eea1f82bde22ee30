"""The JSON report: the design.md contract, one object per input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace

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
        "samples": [sample_dict(s, indexes) for s in report.samples],
    }


def render_json(report: Report) -> str:
    return "".join(json_chunks(report))


def json_chunks(report: Report) -> Iterator[str]:
    """The JSON report in pieces: everything but the samples, then one sample at a time, so
    that a cohort's report is never held whole (as text or as dicts). Joined, the pieces are
    ``json.dumps(report_dict(report), indent=2)`` and a newline, byte for byte."""
    head = report_dict(replace(report, samples=[]))
    head.pop("samples")
    text = json.dumps(head, indent=2)
    if not report.samples:
        yield text[:-2] + ',\n  "samples": []\n}\n'
        return
    yield text[:-2] + ',\n  "samples": ['
    indexes = record_indexes(report)
    for n, sample in enumerate(report.samples):
        one = json.dumps(sample_dict(sample, indexes), indent=2)
        yield ("\n    " if not n else ",\n    ") + one.replace("\n", "\n    ")
    yield "\n  ]\n}\n"


def schema_text() -> str:
    """The report's JSON Schema as shipped with the package (``il1rn-annot schema``)."""
    from importlib.resources import files

    return files("il1rn_annot.report").joinpath("report.schema.json").read_text(encoding="utf-8")
