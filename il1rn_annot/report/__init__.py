"""Report writers: one module per format, each turning a ``Report`` into text.

``report.output.ReportStream`` is the only place that writes reports (atomically for files,
straight into devices and pipes, gzipped for ``.gz`` names).
"""

from __future__ import annotations

from il1rn_annot.model import Report
from il1rn_annot.report.output import FORMATS, render_chunk

__all__ = ["FORMATS", "render"]


def render(reports: list[Report], fmt: str, per: str = "sample") -> str:
    """The reports of one run as ``fmt``: TSV and summary combine several; JSON and VCF take
    one."""
    if fmt in ("json", "vcf") and len(reports) != 1:
        raise ValueError(f"a {fmt.upper()} report holds one input")
    return "".join(render_chunk(r, fmt, first=not n, per=per) for n, r in enumerate(reports))
