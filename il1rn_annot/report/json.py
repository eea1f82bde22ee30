"""The JSON report: the design.md contract, one object per input."""

from __future__ import annotations

import json
from dataclasses import asdict

from il1rn_annot.model import Report, SampleReport
from il1rn_annot.report.rows import variant_fields


def sample_dict(sample: SampleReport) -> dict:
    return {
        "sample": sample.sample,
        "dira_genotype": sample.dira_genotype,
        "needs_review": sample.needs_review,
        "review_reasons": sample.review_reasons,
        "notes": sample.notes,
        "coverage": asdict(sample.coverage),
        "depth": asdict(sample.depth) if sample.depth is not None else None,
        "variants": [variant_fields(v) for v in sample.variants],
    }


def report_dict(report: Report) -> dict:
    info = report.input
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
        "samples": [sample_dict(s) for s in report.samples],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"
