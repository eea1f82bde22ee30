"""Report writers: one module per format, each turning a ``Report`` into text.

``write_output`` is the only place that writes report files: to a temporary file in the target
directory, renamed into place, so a failed run never leaves a partial report.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from il1rn_annot.model import Report

FORMATS = ("json", "tsv", "summary")


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        from il1rn_annot.report.json import render_json

        return render_json(report)
    if fmt == "tsv":
        from il1rn_annot.report.tsv import render_tsv

        return render_tsv([report])
    if fmt == "summary":
        from il1rn_annot.report.summary import render_summary

        return render_summary(report)
    raise ValueError(f"unknown format {fmt}")


def write_output(text: str, path: str | None) -> None:
    """Write ``text`` to ``path`` atomically, or to stdout when ``path`` is None or ``-``."""
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
