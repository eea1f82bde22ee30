"""The MultiQC table: ``il1rn_dira_mqc.tsv``, written beside the reports of a batch run with
``--output-dir``, so that ``multiqc <dir>`` shows a section with one row per sample.

It is MultiQC custom content (a ``*_mqc.tsv`` whose ``#`` lines are YAML: ``id``,
``section_name``, ``description``, ``plot_type: 'table'``, ``pconfig``, ``headers``). MultiQC
keys rows by sample name and keeps only the last row of a name, so a name that more than one
input carries is shown as ``<input stem> | <sample>`` on each of its rows (MultiQC's own
``prepend_dirs`` separator); unique names stay as they are, to line up with other tools' rows
for the same sample. An input that gave no report still gets a row, named by its stem, with
``dira_genotype`` ``failed`` and the error as its review reason: a plate of 96 must show 96
rows. A file without samples (sites only) has no row. Cells from the input are neutralized for
spreadsheets as in the TSV report (``report.tsv``); a sample name starting with ``#`` too, which
MultiQC would read as a comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from il1rn_annot.batch import stem
from il1rn_annot.model import Coverage, Report, ToolInfo
from il1rn_annot.report.output import ReportStream
from il1rn_annot.report.summary import _alleles_column
from il1rn_annot.report.tsv import FORMULA_STARTS, neutralized, one_line

FILE_NAME = "il1rn_dira_mqc.tsv"
#: What a failed input shows in the dira_genotype column: not a genotype, a missing result.
FAILED = "failed"

HEADER = """\
# id: 'il1rn_dira'
# section_name: 'DIRA genotypes (IL1RN)'
# description: '{made_by}: the DIRA genotype of each sample, \
the catalogued alleles it carries, how much of the catalog its input proves, and whether a \
person must review the call before it is used. <code>failed</code>: the input gave no report.'
# plot_type: 'table'
# pconfig:
#     id: 'il1rn_dira_table'
#     title: 'il1rn-annot: DIRA genotypes'
#     col1_header: 'Sample'
# headers:
#     dira_genotype:
#         title: 'DIRA genotype'
#         description: 'biallelic, biallelic_unphased, monoallelic, none, indeterminate'
#     needs_review:
#         title: 'Review'
#         description: 'yes: a person must look at the review reasons before the call is used'
#     alleles:
#         title: 'Alleles'
#         description: 'Catalogued DIRA alleles (id, HGVS, legacy names), zygosity and GT'
#     coverage:
#         title: 'Coverage'
#         description: 'Catalog sites the input calls, and whether it proves the rest reference'
#     review_reasons:
#         title: 'Review reasons'
#     input:
#         title: 'Input'
"""
COLUMNS = ("sample", "dira_genotype", "needs_review", "alleles", "coverage", "review_reasons")


@dataclass(frozen=True)
class Row:
    """One sample's line: a few short strings, so that a batch never holds its reports."""

    input: str
    sample: str
    dira_genotype: str
    needs_review: bool
    alleles: str
    coverage: str
    review_reasons: str


@dataclass(frozen=True)
class TableKept:
    """An input's rows, and the tool and catalog (a lab overlay included) that made them."""

    rows: list[Row]
    tool: ToolInfo | None = None


def coverage_text(coverage: Coverage) -> str:
    """How much of the catalog the input shows, in a few words.

    >>> coverage_text(Coverage("gvcf", True, 12, sites_called=["DIRA01"] * 12))
    '12/12 catalog sites called; reference proven (gvcf)'
    """
    proven = "reference proven" if coverage.proven_reference else "reference not proven"
    called = f"{len(coverage.sites_called)}/{coverage.sites_total} catalog sites called"
    return f"{called}; {proven} ({coverage.evidence})"


class MultiqcTable:
    """A ``BatchSink`` (``batch.run_batch``): a row per sample of each report or per failed
    input, written to ``path`` atomically when the batch ends."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rows: list[Row] = []
        self.tool: ToolInfo | None = None

    #: What a resumed batch keeps of each report (resume.py): this table's rows and the tool.
    #: (A state file from before the tool was kept lacks this key: its reports are redone.)
    key = "multiqc_table"
    kept_type = TableKept

    def add(self, source: str, report: Report) -> None:
        self.add_kept(source, self.keep(source, report))

    def keep(self, source: str, report: Report) -> TableKept:
        """The rows of a report, and nothing else of it."""
        rows = [
            Row(
                input=source,
                sample=s.sample,
                dira_genotype=s.dira_genotype,
                needs_review=s.needs_review,
                alleles=_alleles_column(s),
                coverage=coverage_text(s.coverage),
                review_reasons="; ".join(s.review_reasons),
            )
            for s in report.samples
        ]
        return TableKept(rows, report.tool)

    def add_kept(self, source: str, kept: TableKept) -> None:
        """An input's rows, made now or kept by a resumed batch."""
        self.tool = self.tool or kept.tool
        self.rows.extend(kept.rows)

    def failed(self, source: str, message: str, name: str | None = None) -> None:
        """A row named ``name`` (a sheet's sample), else by the input's file name."""
        self.rows.append(Row(source, name or stem(source), FAILED, True, "-", "-", message))

    def close(self) -> None:
        with ReportStream(self.path, "tsv", follow_symlinks=False) as out:
            out.add_text(render_table(self.rows, self.tool))


def render_table(rows: list[Row], tool: ToolInfo | None = None) -> str:
    """The ``_mqc.tsv`` text: YAML header lines, the column names, a line per row."""
    names = [r.sample for r in rows]
    clashes = {n for n in names if names.count(n) > 1}
    made_by = _made_by(tool)
    lines = [HEADER.format(made_by=made_by)]
    lines.append("\t".join((*COLUMNS, "input")) + "\n")
    for r in rows:
        name = f"{stem(r.input)} | {r.sample}" if r.sample in clashes else r.sample
        cells = (
            neutralized(name, (*FORMULA_STARTS, "#")),
            r.dira_genotype,
            "yes" if r.needs_review else "no",
            r.alleles,
            r.coverage,
            neutralized(r.review_reasons),
            neutralized(r.input),
        )
        lines.append("\t".join(one_line(c) for c in cells) + "\n")
    return "".join(lines)


def _made_by(tool: ToolInfo | None) -> str:
    """The versions in the section's description, a lab's catalog overlay named as in the
    other reports (when every input failed, the bundled catalog this version loads)."""
    if tool is None:
        from il1rn_annot import __version__
        from il1rn_annot.catalog_version import catalog_identity

        identity = catalog_identity()
        return f"il1rn-annot {__version__}" + (f", catalog {identity[0]}" if identity else "")
    text = f"il1rn-annot {tool.version}, catalog {tool.catalog_version}"
    if tool.catalog_overlay:
        # Single quotes end the YAML string of the description: the path's are doubled.
        overlay = one_line(tool.catalog_overlay).replace("'", "''")
        text += f" + lab overlay {overlay} (sha256 {tool.catalog_overlay_sha256})"
    return text
