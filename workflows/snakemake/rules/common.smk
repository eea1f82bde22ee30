# The sample sheet, read and checked before any job starts: a wrong sheet fails at once with
# one line naming the sheet, the line and the problem, not halfway through a cohort.

import os
import re
import shlex

from snakemake.exceptions import WorkflowError

#: Columns of the sample sheet; every other column is refused (a misspelt "bam" column must not
#: silently drop the deletion evidence it names).
REQUIRED_COLUMNS = ("sample", "vcf")
OPTIONAL_COLUMNS = ("sv", "bam", "ped")
#: A sample name becomes a file name (results/{sample}.json): letters, digits, . _ - only.
SAMPLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def sheet_error(sheet, line, problem):
    return WorkflowError(f"sample sheet {sheet}: line {line}: {problem}")


def read_sample_sheet(sheet, local_files=True):
    """{sample: {column: path}} from a TSV sample sheet. Relative paths in the sheet are from
    the sheet's directory (as il1rn-annot's --bam-manifest reads them), so the sheet can move
    with its files; '#' lines and blank lines are skipped. With local_files=False (a default
    storage provider, as on Kubernetes) the paths are storage queries: kept as written, and
    Snakemake itself reports the missing ones."""
    if not os.path.isfile(sheet):
        raise WorkflowError(f"sample sheet {sheet}: no such file (set it with --config samples=PATH)")
    base = os.path.dirname(sheet)
    try:  # utf-8-sig: a spreadsheet's byte-order mark is not part of the first column's name
        with open(sheet, newline="", encoding="utf-8-sig") as handle:
            lines = [
                (number, line.rstrip("\r\n"))
                for number, line in enumerate(handle, start=1)
                if line.strip() and not line.startswith("#")
            ]
    except UnicodeDecodeError as error:
        raise WorkflowError(f"sample sheet {sheet}: not UTF-8 text ({error.reason})") from None
    if not lines:
        raise WorkflowError(f"sample sheet {sheet}: empty (it needs a header: sample, vcf)")
    header_line, header_text = lines[0]
    header = [cell.strip().lower() for cell in header_text.split("\t")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise sheet_error(
            sheet, header_line, f"no column {', '.join(missing)} (tab-separated header: "
            f"sample, vcf, and optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown or len(set(header)) != len(header):
        problem = f"unknown column {unknown[0]!r}" if unknown else "a column appears twice"
        raise sheet_error(
            sheet, header_line, f"{problem} (columns: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)})"
        )
    samples = {}
    for number, text in lines[1:]:
        cells = [cell.strip() for cell in text.split("\t")]
        if len(cells) != len(header):
            raise sheet_error(sheet, number, f"{len(cells)} cells, the header has {len(header)}")
        row = dict(zip(header, cells))
        name = row.pop("sample")
        if not SAMPLE_NAME.fullmatch(name):
            raise sheet_error(
                sheet, number, f"sample {name!r}: use letters, digits, '.', '_' and '-' only "
                "(it names the output files), starting with a letter or digit"
            )
        if name in samples:
            raise sheet_error(sheet, number, f"sample {name} appears twice")
        if not row["vcf"]:
            raise sheet_error(sheet, number, f"sample {name} has no vcf")
        files = {}
        for column, value in row.items():
            if not value:
                continue
            if not local_files:
                files[column] = value
                continue
            path = os.path.normpath(os.path.join(base, value))
            if not os.path.isfile(path):
                raise sheet_error(sheet, number, f"{column} of sample {name}: no such file: {path}")
            files[column] = path
        if "bam" in files and files["bam"].lower().endswith(".cram") and not config.get("fasta"):
            raise sheet_error(
                sheet, number, f"bam of sample {name} is a CRAM: give its reference with "
                "--config fasta=PATH"
            )
        samples[name] = files
    if not samples:
        raise WorkflowError(f"sample sheet {sheet}: no samples under the header")
    return samples


def sample_files(wildcards):
    """The row's input files (vcf, and sv, bam, ped where given), so a changed input reruns."""
    files = dict(SAMPLES[wildcards.sample])
    if config.get("fasta"):
        files["fasta"] = config["fasta"]
    return files


def annotate_options(wildcards, input):
    """il1rn-annot options for the row: --sv, --bam SAMPLE=PATH, --ped, --fasta, then the
    config's annotate_args. --bam names the sample, so a BAM is never given to another sample."""
    options = []
    if "sv" in input.keys():
        options += ["--sv", input.sv]
    if "bam" in input.keys():
        options += ["--bam", f"{wildcards.sample}={input.bam}"]
    if "ped" in input.keys():
        options += ["--ped", input.ped]
    if "fasta" in input.keys():
        options += ["--fasta", input.fasta]
    extra = shlex.split(str(config.get("annotate_args") or ""))
    return shlex.join(options + extra)


def cohort_arguments(wildcards, input):
    """awk arguments: each sample's TSV, preceded by sample=NAME, so that the cohort table keeps
    only the rows of the sample the sheet names (a multi-sample VCF's other samples are not
    repeated once per row that names it)."""
    return shlex.join(
        [part for name, tsv in zip(SAMPLES, input.tsv) for part in (f"sample={name}", tsv)]
    )
