"""Report writers: one module per format, each turning a ``Report`` into text.

``write_output`` is the only place that writes report files: to a temporary file in the target
directory, renamed into place, so a failed run never leaves a partial report.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from il1rn_annot.errors import OutputError
from il1rn_annot.model import Report

FORMATS = ("json", "tsv", "summary")


def render(reports: list[Report], fmt: str) -> str:
    """The reports of one run as ``fmt``: TSV and summary combine several; JSON takes one."""
    if fmt == "json":
        from il1rn_annot.report.json import render_json

        if len(reports) != 1:
            raise ValueError("a JSON report holds one input")
        return render_json(reports[0])
    if fmt == "tsv":
        from il1rn_annot.report.tsv import render_tsv

        return render_tsv(reports)
    if fmt == "summary":
        from il1rn_annot.report.summary import render_summary

        return "\n".join(render_summary(r) for r in reports)
    raise ValueError(f"unknown format {fmt}")


def write_output(text: str, path: str | None) -> None:
    """Write ``text`` to ``path`` atomically, or to stdout when ``path`` is None or ``-``."""
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise OutputError("is a directory; give a file name for the report", path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write the report here: {exc.strerror}", path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write the report: {exc.strerror}", path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
