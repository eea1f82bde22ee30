"""The rows Hail collected, turned into the ``WindowData`` the reader gives the pipeline.

No Hail here: Hail hands over plain Python rows (``CollectedRow``), each with the FORMAT text
of only the samples that are not plainly homozygous-reference (all of them over catalog sites),
and this module builds the same ``VariantRecord``s the reader builds from a VCF, with the
reference calls shared, so that every rule after it is the CLI's own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from il1rn_annot.genome import build_from_bases, il1rn_window
from il1rn_annot.model import Region, SampleCall, VariantRecord
from il1rn_annot.reader import EMPTY_WINDOW, WindowData
from il1rn_annot.records import GVCF_ALTS, Notes, freeze, is_breakend, reach, unknown_extent
from il1rn_annot.stream import LOOKBACK

#: The column of a sample whose entry was not collected: a plain homozygous-reference call.
PLAIN_REFERENCE = "0/0"
#: A sample without an entry at a VDS variant row: its reference blocks speak for it.
ABSENT = SampleCall((), False, gt="(no entry in the VDS variant data)", absent=True)


@dataclass(frozen=True)
class CollectedRow:
    """One row of the window as Hail collected it."""

    pos: int
    ref: str
    alts: tuple[str, ...]
    stop: int  # the last reference base, from INFO/END where given (as htslib reads it)
    filters: tuple[str, ...]  # () for '.', ('PASS',) for PASS, as pysam gives them
    record_id: str | None
    info: dict[str, object]  # SVTYPE, CIPOS, CIEND where the row has them
    keys: tuple[str, ...]  # the FORMAT fields the columns hold, in their order
    calls: tuple[tuple[int, str], ...]  # (sample column, FORMAT text) of the collected entries
    default: str | None = PLAIN_REFERENCE  # the text of the others; None: absent (VDS)


def reaches_window(row: CollectedRow, window: Region) -> bool:
    """The reader's choice of window records: those overlapping it (END counted), and breakends
    or deletions of unknown extent within LOOKBACK that reach it."""
    if row.pos <= window.end and row.stop >= window.start:
        return True
    if not (is_breakend(row.alts) or _unknown_extent(row)):
        return False
    start, end = reach(row.pos, row.stop, row.alts)
    if start <= window.end and end >= window.start:
        return True
    return window.start - LOOKBACK <= row.pos <= window.end and _unknown_extent(row)


def _unknown_extent(row: CollectedRow) -> bool:
    probe = VariantRecord("2", row.pos, row.ref, row.alts, row.stop, (), None, (), 0,
                          svtype=row.info.get("SVTYPE"))  # type: ignore[arg-type]  # fmt: skip
    return unknown_extent(probe)


def window_data(
    rows: Sequence[CollectedRow],
    samples: Sequence[str],
    formats: Collection[str],
    build: str,
    build_source: str,
    contig: str,
    label: str,
    context: tuple[int, int] | None,
    known_bases: dict[str, dict[int, str]],
) -> WindowData:
    """The window's records and the founder-deletion context records, as ``read_window``
    would give them for a VCF holding the same rows."""
    window = il1rn_window(build, contig)
    notes = Notes()
    n = len(samples)
    inside: list[VariantRecord] = []
    around: list[VariantRecord] = []
    for row in rows:
        in_window = reaches_window(row, window)
        in_context = context is not None and (
            context[0] <= row.pos <= context[1] or (in_window and row.pos >= window.start)
        )
        if not (in_window or in_context):
            continue
        record = freeze(
            contig,
            row.pos,
            row.ref,
            row.alts,
            row.stop,
            row.filters,
            row.record_id,
            _columns(row, n),
            row.keys,
            formats,
            row.info,
            notes,
        )
        if row.default is None:
            given = {i for i, _ in row.calls}
            record = replace(
                record,
                calls=tuple(c if i in given else ABSENT for i, c in enumerate(record.calls)),
            )
        if in_window:
            inside.append(record)
        if in_context:
            around.append(record)
    inside.sort(key=lambda r: (r.pos, r.end))
    around.sort(key=lambda r: (r.pos, r.end))
    by_bases, bases_source = build_from_bases([(r.pos, r.ref) for r in inside], known_bases)
    if by_bases is not None and by_bases != build:
        from il1rn_annot.errors import BuildError

        raise BuildError(f"{bases_source}, not with {build} ({build_source})", label)
    nearby = (*inside, *around)
    gvcf = any(r.alts and r.alts[-1] in GVCF_ALTS for r in nearby)
    warnings = notes.about(nearby)
    if not inside:
        warnings.append(f"{EMPTY_WINDOW} {window} ({build})")
    return WindowData(
        path=label,
        build=build,
        build_source=build_source,
        contig=contig,
        window=window,
        access="hail",
        samples=tuple(samples),
        records=tuple(replace(r, index=i) for i, r in enumerate(inside)),
        gvcf=gvcf,
        context=tuple(around),
        warnings=tuple(warnings),
    )


def _columns(row: CollectedRow, n: int) -> list[str]:
    """Every sample's FORMAT text: the collected ones, and the row's default for the rest (the
    text a VCF holds for them, so that the calls parse alike)."""
    columns = [row.default or "."] * n
    for i, text in row.calls:
        columns[i] = text
    return columns
