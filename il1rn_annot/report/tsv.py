"""The TSV report: one row per sample and variant; a sample with no variant still gets a row.
With ``--per record``, one row per record (ALT allele) of the window instead, samples or not.

Every row also names the tool and catalog versions and the report's warnings, as the JSON's
``tool`` and ``warnings`` do, so that a row read on its own (or a combined TSV of many inputs)
still says what produced it and what was wrong with its input. No comment lines: the file is a
plain table for ``pandas.read_csv(path, sep="\t")``.

Spreadsheet safety (OWASP "CSV Injection"): a text cell whose value comes from the input (a
sample name, a record's ID or FILTER, a contig name, a path, free text that may start with
one) and starts with ``=``, ``+``, ``-``, ``@``, tab or CR gets a ``'`` before it, so that a
spreadsheet shows it as text instead of running it as a formula. The columns whose every value
il1rn-annot chooses itself (``TOOL_COLUMNS``) and the numbers are written as they are. Tabs,
newlines and CRs inside any cell are written as the visible escapes ``\\t``, ``\\n``, ``\\r``,
so no value can break a row. The JSON report and the notebook DataFrames keep the raw values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from il1rn_annot.model import Report, SampleVariant
from il1rn_annot.report.rows import (
    RECORD_FIELDS,
    VARIANT_FIELDS,
    SharedTexts,
    allele_fields,
    call_fields,
    record_fields,
    variant_fields,
)

TAB = "\t"

SAMPLE_FIELDS = (
    "input",
    "sample",
    "dira_genotype",
    "needs_review",
    "review_reasons",
    "coverage_evidence",
    "proven_reference",
)
#: Per report; last, so that the columns before them keep their places.
REPORT_FIELDS = (
    "tool_version",
    "catalog_version",
    "catalog_sha256",
    "catalog_overlay",
    "catalog_overlay_sha256",
    "clinvar_file",
    "report_warnings",
)
COLUMNS = (*SAMPLE_FIELDS, *VARIANT_FIELDS, *REPORT_FIELDS)
#: ``--per record``: the input, the record's fields (``index`` as ``record``), the report's.
RECORD_COLUMNS = ("input", "record", *RECORD_FIELDS[1:], *REPORT_FIELDS)

#: Columns whose every value il1rn-annot chooses itself (fixed words, catalog names, HGVS it
#: writes, versions) and never starts with text from the input: written as they are. Every
#: other text column is treated as input and neutralized (a new column is safe by default).
TOOL_COLUMNS = frozenset(
    (
        "dira_genotype needs_review coverage_evidence proven_reference zygosity consequence "
        "hgvs_c hgvs_p location dira_id dira_name dira_legacy_names classification "
        "evidence_level match non_dira_id non_dira_name other_transcripts tool_version "
        "catalog_version catalog_sha256 catalog_source catalog_overlay_sha256"
    ).split()
)

#: What makes a spreadsheet read a cell as a formula (OWASP CSV Injection), and NUL (ASVS).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def neutralized(text: str, starts: Sequence[str] = FORMULA_STARTS) -> str:
    """Input text made safe to open in a spreadsheet: a ``'`` before a formula start.

    >>> neutralized('=HYPERLINK("http://x","y")'), neutralized("-2"), neutralized("NA12878")
    ('\\'=HYPERLINK("http://x","y")', "'-2", 'NA12878')
    """
    return "'" + text if text.startswith(tuple(starts)) else text


def one_line(text: str) -> str:
    r"""Tabs, newlines and CRs as visible escapes, so that a value stays in its cell.

    >>> one_line("a\tb\r\nc")
    'a\\tb\\r\\nc'
    """
    return text.translate(_ESCAPES)


def joined(value: object, sep: str = ";") -> object:
    """A list as one text value (``sep`` between items); anything else as it is: the TSV cells
    and the notebook DataFrames (``il1rn_annot.api``) share this."""
    if isinstance(value, list | tuple):
        return sep.join(str(v) for v in value)
    return value


#: Per column of ``COLUMNS`` and of ``RECORD_COLUMNS``: whether its text is kept as it is.
_KEPT = tuple(c in TOOL_COLUMNS for c in COLUMNS)
_KEPT_RECORD = tuple(c in TOOL_COLUMNS for c in RECORD_COLUMNS)
_STARTS = frozenset(FORMULA_STARTS)


def _joined_all(values: Iterable[object]) -> list[object]:
    """``joined`` over a row's values, inline: it runs for every cell of a cohort."""
    return [";".join(map(str, v)) if isinstance(v, (list, tuple)) else v for v in values]


def _line(values: Iterable[object], kept_columns: Sequence[bool]) -> str:
    """One row: every cell through the same rules; a per-cell loop kept lean, since a cohort's
    TSV has millions of cells."""
    cells = []
    for value, kept in zip(values, kept_columns, strict=True):
        if value is None:
            cells.append("")
        elif value is True or value is False:
            cells.append("true" if value else "false")
        elif isinstance(value, int):
            cells.append(str(value))
        else:
            text = value if isinstance(value, str) else str(joined(value))
            if not kept and text[:1] in _STARTS:
                text = "'" + text
            if "\t" in text or "\n" in text or "\r" in text:
                text = text.translate(_ESCAPES)
            cells.append(text)
    return "\t".join(cells) + "\n"


def tsv_header() -> str:
    return "\t".join(COLUMNS) + "\n"


def sample_rows(report: Report) -> Iterator[list[object]]:
    """One report's rows as plain values in ``COLUMNS`` order (None where a value is absent;
    lists joined as the TSV writes them), one per sample and variant."""
    tail = _report_tail(report)
    for sample in report.samples:
        head = [
            report.input.path,
            sample.sample,
            sample.dira_genotype,
            sample.needs_review,
            joined(sample.review_reasons, "; "),
            sample.coverage.evidence,
            sample.coverage.proven_reference,
        ]
        for fields in [variant_fields(v) for v in sample.variants] or [{}]:
            yield [*head, *_joined_all(map(fields.get, VARIANT_FIELDS)), *tail]


def tsv_lines(report: Report) -> str:
    """One report's rows (one per sample and variant), for streaming a combined TSV."""
    return "".join(tsv_chunks(report))


#: A variant row's cells that are the sample's own (its call), in ``VARIANT_FIELDS``; the other
#: cells say what the allele is, the same in every sample that carries it.
_OWN = frozenset(("genotype", "zygosity", "phase_set", "depth", "gq", "quality_flags"))


def tsv_chunks(report: Report) -> Iterator[str]:
    """``tsv_lines`` a sample at a time. A cohort's rows repeat each allele's cells in every
    sample that carries it: they are formatted once per allele (``_line`` all the same, so
    the text is what ``sample_rows`` gives, cell for cell)."""
    tail = _line(_report_tail(report), _KEPT[-len(REPORT_FIELDS) :])
    n_head = len(SAMPLE_FIELDS)
    kept_variant = _KEPT[n_head : n_head + len(VARIANT_FIELDS)]
    # Runs of VARIANT_FIELDS that are the sample's own or the allele's, in order.
    runs: list[tuple[bool, list[str], tuple[bool, ...]]] = []
    for name, kept in zip(VARIANT_FIELDS, kept_variant, strict=True):
        own = name in _OWN
        if not runs or runs[-1][0] != own:
            runs.append((own, [], ()))
        runs[-1][1].append(name)
        runs[-1] = (own, runs[-1][1], (*runs[-1][2], kept))
    texts = SharedTexts()
    empty = _line([None] * len(VARIANT_FIELDS), kept_variant)[:-1]
    for sample in report.samples:
        head = _line(
            [
                report.input.path,
                sample.sample,
                sample.dira_genotype,
                sample.needs_review,
                joined(sample.review_reasons, "; "),
                sample.coverage.evidence,
                sample.coverage.proven_reference,
            ],
            _KEPT[:n_head],
        )[:-1]
        if not sample.variants:
            yield head + TAB + empty + TAB + tail
            continue
        texts.bounded()  # memory stays bounded
        # A cohort's samples with one call of an allele share its row object: its cells are
        # formatted once (never empty: they hold tabs).
        known = texts.rows.get
        cells = [known(id(v)) or _variant_cells(v, runs, texts) for v in sample.variants]
        # The sample's rows, head + TAB + text + TAB + tail each, in one join.
        start, end = head + TAB, TAB + tail
        yield start + (end + start).join(cells) + end


def _variant_cells(
    variant: SampleVariant,
    runs: list[tuple[bool, list[str], tuple[bool, ...]]],
    texts: SharedTexts,
) -> str:
    """A variant's cells of ``VARIANT_FIELDS`` (kept in ``texts.rows``): the allele's formatted
    once per allele, the sample's own once per call, zygosity and flags (cohort calls are
    shared objects). The allele's runs of cells are kept with the tabs around them, so that a
    row is the allele's pieces and the call's in turn (``runs`` alternate)."""
    pieces = texts.alleles.get(id(variant.annotated))
    if pieces is None:
        fields = allele_fields(variant.annotated)
        pieces = texts.alleles[id(variant.annotated)] = _allele_pieces(fields, runs)
    mine = (id(variant.call), variant.zygosity, tuple(variant.quality_flags))
    own_cells = texts.calls.get(mine)
    if own_cells is None:
        own_fields = call_fields(variant)
        own_cells = texts.calls[mine] = [
            _line(_joined_all(map(own_fields.get, names)), kept)[:-1]
            for own, names, kept in runs
            if own
        ]
    if len(own_cells) == 2:  # VARIANT_FIELDS as they are: allele, own, allele, own, allele
        text = "".join((pieces[0], own_cells[0], pieces[1], own_cells[1], pieces[2]))
    else:
        out = [pieces[0]]
        for own, piece in zip(own_cells, pieces[1:], strict=True):
            out += (own, piece)
        text = "".join(out)
    texts.rows[id(variant)] = text
    return text


def _allele_pieces(fields: dict, runs: list[tuple[bool, list[str], tuple[bool, ...]]]) -> list[str]:
    """The allele's cells between the call's runs, with the tabs that join them to those runs:
    one piece before the first run of the call's cells, one between each two, one after."""
    pieces = [""]
    for n, (own, names, kept) in enumerate(runs):
        if own:
            pieces[-1] += TAB if n else ""
            pieces.append(TAB if n < len(runs) - 1 else "")
        else:
            pieces[-1] += _line(_joined_all(map(fields.get, names)), kept)[:-1]
    return pieces


def _report_tail(report: Report) -> list[object]:
    return [
        report.tool.version,
        report.tool.catalog_version,
        report.tool.catalog_sha256,
        report.tool.catalog_overlay,
        report.tool.catalog_overlay_sha256,
        report.clinvar.path if report.clinvar else None,
        joined(report.warnings, "; "),
    ]


def record_header() -> str:
    return "\t".join(RECORD_COLUMNS) + "\n"


def record_rows(report: Report) -> Iterator[list[object]]:
    """One row of plain values per record of the window, in ``RECORD_COLUMNS`` order."""
    tail = _report_tail(report)
    for n, annotated in enumerate(report.records):
        fields = record_fields(annotated, n)
        yield [report.input.path, *_joined_all(map(fields.get, RECORD_FIELDS)), *tail]


def record_lines(report: Report) -> str:
    """One row per record of the window: a file without samples is annotated too."""
    return "".join(_line(row, _KEPT_RECORD) for row in record_rows(report))
