"""Write the Hail path's calls: TSV/JSON by the report writers (atomic), a Table by Hail (into
a temporary directory beside the target, renamed into place)."""

from __future__ import annotations

import os
import shutil

from il1rn_annot.errors import OutputError


def write_calls(
    source: str,
    output: str,
    kind: str,
    master: str | None,
    tmp_dir: str | None,
    build: str | None,
    **options,
) -> None:
    """Call ``source`` and write ``output`` as ``kind`` (tsv, json or ht)."""
    from il1rn_annot.hail import report, start

    start(master, tmp_dir)
    result = report(source, build, **options)
    if kind == "ht":
        _write_table(result, output)
        return
    from il1rn_annot.report.output import ReportStream

    with ReportStream(output, kind) as stream:
        stream.add(result)


def _write_table(result, output: str) -> None:
    from il1rn_annot.hail.tables import calls_table

    target = output.rstrip("/")
    if "://" in target:  # a bucket: Hail writes it in place (no rename there)
        calls_table(result).write(target, overwrite=True)
        return
    partial = f"{target}.partial-{os.getpid()}"
    try:
        calls_table(result).write(partial, overwrite=True)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(partial, target)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise OutputError(f"cannot write the Hail Table ({exc.strerror or exc})", output) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
