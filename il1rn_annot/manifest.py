"""The sample sheet of ``annotate --manifest``: one row per sample, with its VCF and optionally its
SV calls, BAM/CRAM and PED file.

It is the sheet of the Snakemake workflow (workflows/snakemake/rules/common.smk) and is read by
the same rules, so one sheet serves both (tests/test_manifest.py checks that both readers accept
and refuse the same sheets with the same words): tab-separated with a header naming ``sample``
and ``vcf`` and optionally ``sv``, ``bam``, ``ped`` (any other column is refused: a misspelt
``bam`` must not drop the deletion evidence it names); ``#`` lines and blank lines skipped; a
spreadsheet's byte-order mark and CRLF line ends accepted; relative paths from the sheet's
directory, so a sheet moves with its files; a sample names its report files, so letters,
digits, '.', '_' and '-' only, and once. The common.smk cannot import this module: Snakemake
itself may run where il1rn-annot is not installed (only its jobs' environment has it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from il1rn_annot.errors import InputError

REQUIRED_COLUMNS = ("sample", "vcf")
OPTIONAL_COLUMNS = ("sv", "bam", "ped")
#: A sample name becomes a file name ({sample}.json): letters, digits, . _ - only.
SAMPLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class SheetRow:
    """One sample of the sheet; paths as found from the sheet's directory."""

    sample: str
    vcf: str
    sv: str | None = None
    bam: str | None = None
    ped: str | None = None
    line: int = 0


def read_manifest(sheet: str, fasta: str | None = None) -> list[SheetRow]:
    """The rows of a sample sheet, in order; any problem is an ``InputError`` naming the sheet,
    the line and the problem, raised before any input is read."""
    if not os.path.isfile(sheet):
        raise InputError("no such file (a sample sheet)", sheet)
    base = os.path.dirname(sheet)
    try:  # utf-8-sig: a spreadsheet's byte-order mark is not part of the first column's name
        with open(sheet, newline="", encoding="utf-8-sig") as handle:
            lines = [
                (number, line.rstrip("\r\n"))
                for number, line in enumerate(handle, start=1)
                if line.strip() and not line.startswith("#")
            ]
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error.reason})", sheet) from None
    except OSError as exc:
        raise InputError(f"cannot read the sample sheet: {exc.strerror}", sheet) from None
    if not lines:
        raise InputError("empty (it needs a header: sample, vcf)", sheet)
    header_line, header_text = lines[0]
    header = [cell.strip().lower() for cell in header_text.split("\t")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise _error(
            sheet,
            header_line,
            f"no column {', '.join(missing)} (tab-separated header: sample, vcf, and optionally "
            f"{', '.join(OPTIONAL_COLUMNS)})",
        )
    columns = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    unknown = [c for c in header if c not in columns]
    if unknown or len(set(header)) != len(header):
        problem = f"unknown column {unknown[0]!r}" if unknown else "a column appears twice"
        raise _error(sheet, header_line, f"{problem} (columns: {', '.join(columns)})")
    rows: list[SheetRow] = []
    seen: set[str] = set()
    for number, text in lines[1:]:
        cells = [cell.strip() for cell in text.split("\t")]
        if len(cells) != len(header):
            raise _error(sheet, number, f"{len(cells)} cells, the header has {len(header)}")
        row = dict(zip(header, cells, strict=True))
        name = row.pop("sample")
        if not SAMPLE_NAME.fullmatch(name):
            raise _error(
                sheet,
                number,
                f"sample {name!r}: use letters, digits, '.', '_' and '-' only (it names the "
                "output files), starting with a letter or digit",
            )
        if name in seen:
            raise _error(sheet, number, f"sample {name} appears twice")
        if not row["vcf"]:
            raise _error(sheet, number, f"sample {name} has no vcf")
        files: dict[str, str] = {}
        for column, value in row.items():
            if not value:
                continue
            path = os.path.normpath(os.path.join(base, value))
            if not os.path.isfile(path):
                raise _error(sheet, number, f"{column} of sample {name}: no such file: {path}")
            files[column] = path
        if files.get("bam", "").lower().endswith(".cram") and not fasta:
            raise _error(
                sheet, number, f"bam of sample {name} is a CRAM: give its reference with --fasta"
            )
        seen.add(name)
        rows.append(SheetRow(name, line=number, **files))
    if not rows:
        raise InputError("no samples under the header", sheet)
    return rows


def _error(sheet: str, line: int, problem: str) -> InputError:
    return InputError(f"line {line}: {problem}", sheet)
