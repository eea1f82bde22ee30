"""The notebook face (docs/api.md): ``annotate()`` returns the same ``Report`` the CLI writes,
and the reports become pandas DataFrames with the TSV report's columns.

Nothing here formats a cell: the rows are ``report.tsv``'s, so the DataFrames and the TSV cannot
drift apart. Two differences, on purpose: the DataFrames keep the raw values of the input (a
sample named ``=1+1`` is ``=1+1``), where the TSV neutralizes them for spreadsheets (``'=1+1``)
and writes tabs and newlines inside a value as ``\\t`` and ``\\n``; and they carry dtypes
(``DTYPES``). pandas is imported only when a DataFrame is asked for.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Union

from il1rn_annot.errors import UsageError
from il1rn_annot.model import Options, Report
from il1rn_annot.report.tsv import COLUMNS, RECORD_COLUMNS, record_rows, sample_rows

if TYPE_CHECKING:
    import pandas as pd

PathLike = Union[str, "os.PathLike[str]"]

#: Whole numbers, as pandas' nullable Int64 (a value the input leaves out is <NA>).
INTEGER_COLUMNS = ("pos", "input_pos", "depth", "gq", "record")
#: Yes/no columns, never missing.
BOOLEAN_COLUMNS = ("needs_review", "proven_reference")
#: The dtype of every column of both DataFrames; the others are text (pandas' ``string``: a
#: missing or empty value is <NA>, as ``read_tsv`` reads the TSV's empty cells). Lists (review
#: reasons, quality flags, warnings) are one text each, joined as in the TSV.
DTYPES = {
    c: "Int64" if c in INTEGER_COLUMNS else "bool" if c in BOOLEAN_COLUMNS else "string"
    for c in dict.fromkeys((*COLUMNS, *RECORD_COLUMNS))
}


def annotate(source: PathLike, **options) -> Report:
    """Annotate one VCF/BCF file as ``il1rn-annot annotate`` does, with its defaults; the
    keywords are its options, as ``options_for`` takes them (``build``, ``fasta``, ``min_dp``,
    ``min_gq``, ``count_novel_lof``, ``ped``, ``sv``, ``bams``, ``bam_manifest``, ``targets``,
    ``transcripts``, ``min_mapq``, ``require_index``, ``assume_sorted``, ``samples``,
    ``catalog_overlay``, ``clinvar``). ``bams`` maps sample names to BAM/CRAM paths, or lists
    paths (the sample from the @RG SM tag) and (sample, path) pairs.

    Errors are the CLI's, raised instead of printed: ``InputError`` (an unreadable or malformed
    file), ``BuildError``, ``UsageError`` (options that cannot work), all ``Il1rnAnnotError``
    with the CLI's one-line message as ``str(error)``.
    """
    from il1rn_annot.pipeline import annotate as run

    return run(os.fspath(source), options_for(**options))


def options_for(
    *,
    build: str | None = None,
    fasta: PathLike | None = None,
    min_dp: int = Options.min_dp,
    min_gq: int = Options.min_gq,
    count_novel_lof: bool = False,
    ped: PathLike | None = None,
    sv: PathLike | None = None,
    bams: Mapping[str, PathLike] | Sequence[PathLike | tuple[str | None, PathLike]] = (),
    bam_manifest: PathLike | None = None,
    transcripts: str = Options.transcripts,
    min_mapq: int = Options.min_mapq,
    require_index: bool = False,
    catalog_overlay: PathLike | None = None,
    clinvar: PathLike | None = None,
    targets: PathLike | None = None,
    samples: Sequence[str] | None = None,
    assume_sorted: bool = False,
) -> Options:
    """``Options`` from keywords, checked as the CLI checks its options."""
    from il1rn_annot.genome import build_alias
    from il1rn_annot.side_inputs import read_bam_manifest

    if build is not None:
        known = build_alias(str(build))
        if known is None:
            raise UsageError(f"build {build!r}: give GRCh38 (also hg38, b38) or GRCh37 (also hg19)")
        build = known
    if transcripts not in ("mane", "all"):
        raise UsageError(f"transcripts {transcripts!r}: give 'mane' or 'all'")
    for name, value in (("min_dp", min_dp), ("min_gq", min_gq), ("min_mapq", min_mapq)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UsageError(f"{name} {value!r}: give a whole number, 0 or more")
    specs = _bam_specs(bams)
    if bam_manifest is not None:
        specs += read_bam_manifest(os.fspath(bam_manifest))
    return Options(
        build=build,
        fasta=_path(fasta),
        min_dp=min_dp,
        min_gq=min_gq,
        require_index=require_index,
        count_novel_lof=count_novel_lof,
        ped=_path(ped),
        sv=_path(sv),
        bams=specs,
        transcripts=transcripts,
        min_mapq=min_mapq,
        catalog_overlay=_path(catalog_overlay),
        clinvar=_path(clinvar),
        targets=_path(targets),
        samples=None if samples is None else _sample_names(samples),
        assume_sorted=assume_sorted,
    )


def _sample_names(samples: Sequence[str]) -> tuple[str, ...]:
    """The CLI's rule for --samples: names, none repeated, at least one."""
    names = (samples,) if isinstance(samples, str) else tuple(samples)
    if not names or len(set(names)) < len(names):
        raise UsageError(f"samples {samples!r}: give one or more different sample names")
    return names


def _path(path: PathLike | None) -> str | None:
    return None if path is None else os.fspath(path)


def _bam_specs(bams) -> tuple[tuple[str | None, str], ...]:
    if isinstance(bams, Mapping):
        return tuple((str(sample), os.fspath(path)) for sample, path in bams.items())
    if isinstance(bams, str | os.PathLike):
        bams = [bams]
    specs: list[tuple[str | None, str]] = []
    for bam in bams:
        if isinstance(bam, tuple):
            sample, path = bam
            specs.append((sample, os.fspath(path)))
        else:
            specs.append((None, os.fspath(bam)))
    return tuple(specs)


# --- DataFrames --------------------------------------------------------------------------------


def to_dataframe(reports: Report | Iterable[Report]) -> pd.DataFrame:
    """One row per sample and variant (a sample with no variant still has one), the columns of
    ``--format tsv``, typed as ``DTYPES``; several reports are stacked, as a combined TSV."""
    return _frame([row for r in _each(reports) for row in sample_rows(r)], COLUMNS)


def records_dataframe(reports: Report | Iterable[Report]) -> pd.DataFrame:
    """One row per record (ALT allele) of the window, the columns of ``--per record``."""
    return _frame([row for r in _each(reports) for row in record_rows(r)], RECORD_COLUMNS)


def read_tsv(path: PathLike) -> pd.DataFrame:
    """A TSV report that ``il1rn-annot`` wrote (per sample or per record, one input or many,
    gzipped or not), read with ``DTYPES``. Its cells are the TSV's: neutralized for
    spreadsheets, not raw."""
    pd = _pandas()
    columns = pd.read_csv(path, sep="\t", nrows=0, quoting=csv.QUOTE_NONE).columns
    return pd.read_csv(
        path,
        sep="\t",
        dtype={c: DTYPES.get(c, "string") for c in columns if c not in BOOLEAN_COLUMNS},
        converters={c: _boolean for c in columns if c in BOOLEAN_COLUMNS},
        keep_default_na=False,  # a sample named NA is a sample named NA
        na_values=[""],
        quoting=csv.QUOTE_NONE,  # a '"' in a cell is a character, as the writer meant it
    )


def _boolean(cell: str) -> bool:
    if cell not in ("true", "false"):
        raise ValueError(f"not true or false: {cell!r}")
    return cell == "true"


def _each(reports: Report | Iterable[Report]) -> Iterable[Report]:
    return [reports] if isinstance(reports, Report) else reports


def _frame(rows: list[list[object]], columns: Sequence[str]) -> pd.DataFrame:
    pd = _pandas()
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    frame = frame.astype({c: DTYPES[c] for c in columns})
    text = [c for c in columns if DTYPES[c] == "string"]
    frame[text] = frame[text].replace("", pd.NA)
    return frame


def _pandas():
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "il1rn-annot's DataFrames need pandas: pip install 'il1rn-annot[notebook]'"
        ) from exc
    return pandas
