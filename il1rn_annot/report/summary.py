"""A short human-readable table per sample, for the terminal (``--format summary``)."""

from __future__ import annotations

from il1rn_annot.model import NOVEL_LOF, Report, SampleReport


def _alleles(sample: SampleReport) -> str:
    parts = []
    for v in sample.variants:
        a = v.annotated
        if a.dira_id:
            names = [n for n in a.dira_legacy_names if n != a.dira_name]
            known = f" ({', '.join(names)})" if names else ""
            parts.append(f"{a.dira_id} {a.dira_name}{known} {v.zygosity} ({v.call.gt_text})")
        elif a.classification == NOVEL_LOF:
            name = " ".join(x for x in (a.hgvs_c.partition(":")[2], a.hgvs_p) if x)
            what = f"{name} ({a.location})" if name else a.location
            parts.append(f"novel loss of function: {what} {v.zygosity} ({v.call.gt_text})")
    return "; ".join(parts) or "-"


def _call(sample: SampleReport) -> str:
    """'none' says whether the input proves the catalog sites reference."""
    if sample.coverage.proven_reference:
        return sample.dira_genotype
    if sample.dira_genotype == "none":
        return "none (sites not proven reference)"
    if sample.dira_genotype == "monoallelic":
        return "monoallelic (other sites not proven reference)"
    return sample.dira_genotype


def render_summary(report: Report) -> str:
    info = report.input
    lines = [
        f"# {info.path}: {info.build} ({info.build_source}), window {info.window}, "
        f"read by {info.access}; catalog {report.tool.catalog_version}",
    ]
    lines.extend(f"# warning: {w}" for w in report.warnings)
    rows = [("sample", "dira_genotype", "catalog alleles")]
    rows.extend((s.sample, _call(s), _alleles(s)) for s in report.samples)
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    for n, row in enumerate(rows):
        lines.append(f"{row[0].ljust(width[0])}  {row[1].ljust(width[1])}  {row[2]}")
        if n and report.samples[n - 1].needs_review:
            for reason in report.samples[n - 1].review_reasons:
                lines.append(f"{'':{width[0]}}  review: {reason}")
    if not report.samples:
        lines.append("(the file has no samples)")
    return "\n".join(lines) + "\n"
