"""A short human-readable table per sample, for the terminal (``--format summary``)."""

from __future__ import annotations

from il1rn_annot.model import Report


def _alleles(sample) -> str:
    parts = []
    for v in sample.variants:
        a = v.annotated
        if a.dira_id or (v.zygosity == "no_call" and a.pathogenic):
            parts.append(f"{a.dira_id} {a.dira_name} {v.zygosity} ({v.call.gt_text})")
    return "; ".join(parts) or "-"


def render_summary(report: Report) -> str:
    info = report.input
    lines = [
        f"# {info.path}: {info.build} ({info.build_source}), window {info.window}, "
        f"read by {info.access}; catalog {report.tool.catalog_version}",
    ]
    rows = [("sample", "dira_genotype", "review", "catalog alleles")]
    for s in report.samples:
        review = "; ".join(s.review_reasons) if s.needs_review else "-"
        rows.append((s.sample, s.dira_genotype, review, _alleles(s)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
        )
    if not report.samples:
        lines.append("(the file has no samples)")
    return "\n".join(lines) + "\n"
