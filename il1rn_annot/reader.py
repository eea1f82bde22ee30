"""Open a VCF/BCF (or stdin), find its build and chr2 name, and read the records of the window.

This is the only module of the core that reads variant files (with ``stream`` for files without
an index). Records leave it as frozen ``VariantRecord`` objects, so the stages after it never see
pysam. Problems of the input as a whole (records out of order, odd chr2 names, an empty window,
records whose content cannot be trusted) become ``WindowData.warnings``; records it cannot read
at all become one-line ``InputError``s naming the file and the line or record.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from il1rn_annot.cohort_reader import read_cohort
from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.genome import (
    BUILDS,
    CHR2_NAMES,
    LOOKBACK,
    build_from_bases,
    find_chr2,
    header_build_evidence,
    il1rn_window,
    is_chr2,
    is_chr2_alias,
)
from il1rn_annot.index_check import index_of, stale_index, warn_old_index
from il1rn_annot.model import Region, VariantRecord
from il1rn_annot.opening import (
    check_file,
    check_gt_text,
    choose_build,
    closing,
    header_contig_lengths,
    naming_warning,
    no_build_message,
    no_chr2,
    open_problem,
    record_problem,
)
from il1rn_annot.record_text import header_text, indexed_lines, noted, record_lines, with_text
from il1rn_annot.records import (
    GVCF_ALTS,
    Notes,
    convert_all,
    is_breakend,
    reach,
    unknown_extent,
)
from il1rn_annot.vcftext import header_lines, header_problem, shown

if TYPE_CHECKING:
    from il1rn_annot.stream import Order

__all__ = ["STDIN", "WindowData", "read_window"]

log = logging.getLogger(__name__)

STDIN = "-"
#: The warning of an input without a record in the window (region-filtered, exome without IL1RN).
EMPTY_WINDOW = "no record in the IL1RN window"


@dataclass(frozen=True)
class WindowData:
    """What the pipeline needs from an input: the window's records and how they were found."""

    path: str
    build: str
    build_source: str
    contig: str | None
    window: Region
    access: str
    samples: tuple[str, ...]
    records: tuple[VariantRecord, ...]
    gvcf: bool = False  # reference blocks (<NON_REF>/<*>): absence of a record means a hole
    context: tuple[VariantRecord, ...] = ()  # genotypes only, over ``context`` regions
    warnings: tuple[str, ...] = ()  # problems of the input the report must show
    header: str = ""  # the header as the file has it (only with ``keep_text``)


def read_window(
    source: str,
    build: str | None = None,
    require_index: bool = False,
    known_bases: Mapping[str, Mapping[int, str]] | None = None,
    detail_sites: Sequence[tuple[int, int]] = (),
    context: Mapping[str, tuple[int, int]] | None = None,
    empty_window_warning: bool = True,
    keep_text: bool = False,
    samples: Sequence[str] | None = None,
    assume_sorted: bool = False,
) -> WindowData:
    """Read the IL1RN window of ``source`` (a path or ``-``).

    ``known_bases`` maps build -> {position: base}: the catalog's confirmed bases, used to tell
    the build from REF bases when the header says nothing. ``detail_sites`` are intervals (any
    build) where reference calls keep their DP/GQ/FT; elsewhere a reference call is only its GT,
    which keeps a cohort's window small and fast. An empty sequence keeps every detail.
    ``context`` maps build -> a wider region (the founder deletion's) whose genotypes are kept
    apart, as pattern evidence; they are not reported as variants. ``WindowData.warnings`` are
    logged here once; an SV call set (``--sv``) gives ``empty_window_warning=False``, since no
    SV in IL1RN is its usual state. ``keep_text`` keeps the header and each record's line as
    the input has them (``WindowData.header``, ``VariantRecord.text``), for the annotated VCF.
    ``samples`` keeps only these samples (``--samples``), in the file's order: htslib then
    decodes no other sample's columns.
    ``assume_sorted`` lets a text file without an index be read by bisection (``bisection``),
    not to the end.
    """
    import pysam

    pysam.set_verbosity(0)  # htslib's [E::idx_find_and_load] etc. must not reach the user
    label = "<stdin>" if source == STDIN else source
    detail = _detail_predicate(detail_sites)
    regions = {b: Region("2", *r) for b, r in (context or {}).items()}
    if source != STDIN:
        check_file(source)
    if source == STDIN:  # stream (like bisection) is imported only for files read without an index
        from il1rn_annot.stream import spooled_stdin
    # Standard input is spooled, so that htslib and the text scan can both read it, to the end.
    opened = spooled_stdin() if source == STDIN else nullcontext(source)
    with opened as readable:
        data = _read(
            readable,
            label,
            build,
            require_index,
            known_bases,
            detail,
            regions,
            keep_text,
            samples,
            assume_sorted,
        )
    if not empty_window_warning:
        data = replace(data, warnings=tuple(w for w in data.warnings if EMPTY_WINDOW not in w))
    for warning in data.warnings:
        log.warning("%s: %s", label, warning)
    return data


def _no_detail(start: int, end: int) -> bool:
    return False


def _detail_predicate(sites: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    if not sites:
        return lambda start, end: True
    return lambda start, end: any(start <= last and end >= first for first, last in sites)


def _read(
    source: str,
    label: str,
    build: str | None,
    require_index: bool,
    known_bases: Mapping[str, Mapping[int, str]] | None,
    detail: Callable[[int, int], bool],
    context: Mapping[str, Region],
    keep_text: bool = False,
    wanted: Sequence[str] | None = None,
    assume_sorted: bool = False,
) -> WindowData:
    import pysam

    try:
        vf = pysam.VariantFile(source)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError included
        raise InputError(open_problem(source, exc), label) from None
    except NotImplementedError:
        raise InputError(
            "compressed with plain gzip, not bgzip: recompress it with 'bgzip' "
            "(or pipe it: zcat FILE | il1rn-annot annotate -)",
            label,
        ) from None
    notes = Notes()
    warnings: list[str] = []
    texts: list[str] | None = [] if keep_text else None  # record lines, for with_text
    header = ""
    with closing(vf, label):
        stale = stale_index(vf, source, label)
        if stale and require_index:
            raise InputError(f"{stale}: re-index it (--require-index was given)", label)
        if stale:
            warnings.append(f"{stale}: it was not used, the whole file was read; re-index it")
        indexed = vf.index is not None and not stale
        try:
            header_contigs = header_contig_lengths(vf, label)
            meta = [str(r).strip() for r in vf.header.records]
            samples = _subset(vf, wanted, label)
            index_contigs = list(vf.index.keys()) if indexed else []
        except UnicodeDecodeError:
            problem = header_problem(header_lines(source))
            raise InputError(problem or "bytes that are not UTF-8 in the header", label) from None
        contig = find_chr2(header_contigs) or find_chr2(index_contigs)
        if contig is None and (header_contigs or index_contigs):
            where = "header" if header_contigs else "index"
            no_chr2(label, [*header_contigs, *index_contigs], where)
        evidence = header_build_evidence(header_contigs, meta)
        chosen, build_source = choose_build(label, build, evidence)
        if label != "<stdin>" and not stale:
            warn_old_index(source)
        if vf.index is None:
            if require_index:
                why = (
                    "stdin cannot be read through an index"
                    if label == "<stdin>"
                    else "no index (.tbi/.csi) found"
                )
                raise InputError(f"{why} and --require-index was given", label)
            if label != "<stdin>" and vf.is_bcf and os.path.exists(source + ".tbi"):
                raise InputError("BCF files need a .csi index; found only a .tbi", label)
        # Both builds' windows are read (they are small): REF bases at catalog sites then check
        # the build the header or --build claims, and decide it when nothing else does.
        if indexed:
            access = "index"
            # Every name of chr2 the index knows, the accepted ones first: one chromosome.
            names = [c for c in CHR2_NAMES if c in index_contigs] + [
                c for c in index_contigs if is_chr2_alias(c) and c not in CHR2_NAMES
            ]
            sv_header = any(
                line.startswith(("##INFO=<ID=SVTYPE", "##INFO=<ID=MATEID")) for line in meta
            )
            index = index_of(source)
            check = None
            if not vf.is_bcf:
                regions = [il1rn_window(b) for b in BUILDS] + list(context.values())

                def check(checked=None) -> None:
                    check_gt_text(source, index, label, names, regions, checked)

            problem = record_problem(vf, label, index)

            def fetched(reader, notes: Notes):
                svs = {b: sv_header and chosen in (None, b) for b in BUILDS}
                records = {
                    b: _fetch(reader, label, names, il1rn_window(b), detail, notes, problem, svs[b])
                    for b in BUILDS
                }
                wide = {
                    b: _around(reader, label, names, r, il1rn_window(b), records[b], notes, problem)
                    for b, r in context.items()
                    if chosen in (None, b)
                }
                return records, wide, notes

            # A cohort's sample columns are read as arrays, where they can be.
            records, wide, notes = read_cohort(source, index, samples, vf, label, fetched, check)
            chr2_names = list(dict.fromkeys(r.chrom for b in BUILDS for r in records[b]))
            if texts is not None:
                texts = indexed_lines(vf, source, index, (r for b in BUILDS for r in records[b]))
        else:
            contigs = list(header_contigs) if assume_sorted else None
            records, wide, order, access = _stream(
                vf, source, label, list(BUILDS), detail, context, notes, texts, wanted, contigs
            )
            chr2_names = list(order.names)
            strict = any(is_chr2(n) for n in chr2_names)
            if not strict and not header_contigs and (order.other or chr2_names):
                no_chr2(label, [*chr2_names, *sorted(order.other)], "records")
            warnings.extend(order.warnings())
        if keep_text:
            header = header_text(source, vf)
    observed = [(r.pos, r.ref) for b in BUILDS for r in records[b]]
    by_bases, bases_source = build_from_bases(observed, known_bases or {})
    if chosen is None:
        if by_bases is None:
            raise BuildError(no_build_message(header_contigs, observed, known_bases), label)
        chosen, build_source = by_bases, bases_source
    elif by_bases is not None and by_bases != chosen:
        raise BuildError(
            f"{bases_source}, not with {chosen} ({build_source}): wrong build or wrong file",
            label,
        )
    found = records[chosen]
    if texts is not None:
        found = with_text(found, texts)
    # A joint-called VCF may keep ##ALT=<ID=NON_REF>; only blocks (or GATK's ##GVCFBlock) count.
    nearby = (*found, *wide.get(chosen, ()))
    gvcf = any(r.alts and r.alts[-1] in GVCF_ALTS for r in nearby) or any(
        line.startswith("##GVCFBlock") for line in meta
    )
    chrom = contig or (found[0].chrom if found else None)
    window = il1rn_window(chosen, chrom or "2")
    naming = naming_warning(chr2_names)
    if naming:
        warnings.insert(0, naming)
    warnings.extend(notes.about(nearby))
    if not found:
        warnings.append(
            f"{EMPTY_WINDOW} {window} ({chosen}): the file may be filtered to "
            "other regions, or an exome or panel without IL1RN; no sample's call rests on "
            "evidence from this file"
        )
    return WindowData(
        path=label,
        build=chosen,
        build_source=build_source,
        contig=chrom,
        window=window,
        access=access,
        samples=samples,
        records=tuple(replace(r, index=i) for i, r in enumerate(found)),
        gvcf=gvcf,
        context=tuple(wide.get(chosen, ())),
        warnings=tuple(warnings),
        header=header,
    )


def _subset(vf, wanted: Sequence[str] | None, label: str) -> tuple[str, ...]:
    """The samples read: all, or the ``wanted`` ones (in the file's order); a name the file does
    not have is an error naming it, since a silently missing sample would look called."""
    samples = tuple(vf.header.samples)
    if wanted is None:
        return samples
    have = set(samples)
    unknown = [name for name in wanted if name not in have]
    if unknown:
        listed = ", ".join(repr(shown(n)) for n in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        raise InputError(
            f"no sample {listed}{more} in the file (--samples/--samples-file); it has "
            f"{len(samples)} sample(s)" + (f", e.g. {shown(samples[0])!r}" if samples else ""),
            label,
        )
    if len(wanted) < len(samples):
        vf.subset_samples(list(wanted))
    return tuple(vf.header.samples)


def _reaches(rec, window: Region) -> bool:
    """A record (pysam or frozen) that touches ``window``, or may: a deletion of unknown extent
    starting before it."""
    stop = rec.end if isinstance(rec, VariantRecord) else rec.stop
    if _overlaps(reach(rec.pos, stop, rec.alts), window):
        return True
    return window.start - LOOKBACK <= rec.pos <= window.end and unknown_extent(rec)


def _fetch(
    vf,
    label: str,
    names: Sequence[str],
    window: Region,
    detail,
    notes: Notes,
    problem: Callable[[str, Exception], str],
    breakends: bool = True,
) -> list[VariantRecord]:
    """The window through the index. htslib returns symbolic SVs that overlap it (their END
    counts); breakend records, one base long, and deletions without a usable END are looked for
    up to LOOKBACK around it."""
    out: list[VariantRecord] = []

    def reaching(rec) -> bool:  # reads the site fields only (cohort_reader's fetch_kept)
        return (is_breakend(rec.alts) or unknown_extent(rec)) and _reaches(rec, window)

    # A cohort's reader reads the sample columns of the records kept only.
    kept = getattr(vf, "fetch_kept", None)
    for name in names:
        try:
            iterator = vf.fetch(name, window.start - 1, window.end)
            around = (name, max(0, window.start - 1 - LOOKBACK), window.end + LOOKBACK)
            if not breakends:
                wide = ()
            elif kept is not None:
                wide = kept(*around, reaching)
            else:
                wide = (r for r in vf.fetch(*around) if reaching(r))
        except ValueError:
            continue  # contig absent from the index: no records there
        out.extend(convert_all(iterator, label, problem, detail, notes))
        if not breakends:
            continue
        out.extend(
            r
            for r in convert_all(iter(wide), label, problem, detail, notes)
            if not _inside(r, window)
        )
    return sorted(out, key=lambda r: (r.pos, r.end))


def _around(
    vf,
    label: str,
    names: Sequence[str],
    region: Region,
    window: Region,
    inside: list,
    notes: Notes,
    problem: Callable[[str, Exception], str],
) -> list[VariantRecord]:
    """The records of ``region``: those of the window are already read, the rest are fetched
    with their genotypes only."""
    before = Region(region.chrom, region.start, window.start - 1)
    after = Region(region.chrom, window.end + 1, region.end)
    out = [r for r in inside if r.pos >= window.start]
    for part in (before, after):
        if part.start <= part.end:
            fetched = _fetch(vf, label, names, part, _no_detail, notes, problem, breakends=False)
            out.extend(r for r in fetched if r.pos >= part.start)
    return sorted(out, key=lambda r: (r.pos, r.end))


def _looked_at(record: VariantRecord, window: Region) -> bool:
    """A breakend outside the window counts only within LOOKBACK of it, as through the index
    (``_fetch``): the stream reads further (both builds' windows, the deletion context), and
    the same file must give the same records however it is read."""
    if not is_breakend(record.alts) or _inside(record, window):
        return True
    return window.start - LOOKBACK <= record.pos <= window.end + LOOKBACK


def _overlaps(span: tuple[int, int], window: Region) -> bool:
    return span[0] <= window.end and span[1] >= window.start


def _inside(record: VariantRecord, window: Region) -> bool:
    return record.pos <= window.end and record.end >= window.start


def _stream(
    vf,
    source: str,
    label: str,
    builds: list[str],
    detail,
    context: Mapping[str, Region],
    notes: Notes,
    texts: list[str] | None = None,
    wanted: Sequence[str] | None = None,
    contigs: Sequence[str] | None = None,
) -> tuple[dict[str, list[VariantRecord]], dict[str, list[VariantRecord]], Order, str]:
    """Every record, to the end of the file (see ``stream``), the windows' records kept, and
    their lines added to ``texts`` when it is given; or, when ``contigs`` (the header's, in
    order) are given, only around the window, found by bisection (see ``bisection``) when the
    file allows it. Returns the access too."""
    import pysam

    from il1rn_annot.bisection import Bounds, bisect_text
    from il1rn_annot.stream import Order, scan_text

    windows = {b: il1rn_window(b) for b in builds}
    regions = [*windows.values(), *context.values()]
    first = min(w.start for w in windows.values()) - LOOKBACK
    last = max(w.end for w in regions)
    reach_from = min(w.start for w in regions)
    kept: dict[str, list[VariantRecord]] = {b: [] for b in builds}
    wide: dict[str, list[VariantRecord]] = {b: [] for b in context}
    problem = record_problem(vf, label)

    def keep(raw, lines: Sequence[int] = ()) -> None:
        near = (r for r in raw if any(_reaches(r, w) for w in regions))
        if texts is not None and vf.is_bcf:
            near = (noted(r, texts) for r in near)
        for record in convert_all(near, label, problem, detail, notes, lines):
            for build, window in windows.items():
                if _reaches(record, window) and _looked_at(record, window):
                    kept[build].append(record)
            for build, region in context.items():
                if _overlaps((record.pos, record.end), region):
                    wide[build].append(record)

    def keep_scan(scan) -> None:
        try:
            window_file = pysam.VariantFile(scan.path)
        except (OSError, ValueError) as exc:
            raise InputError(open_problem(source, exc), label) from None
        with closing(window_file, label):
            _subset(window_file, wanted, label)
            keep(iter(window_file), scan.lines)
        if texts is not None:
            texts.extend(record_lines(scan.path))

    access = "stream"
    if vf.is_bcf or (contigs is not None and label == "<stdin>"):
        if contigs is not None:
            what = "standard input" if label == "<stdin>" else "a BCF without an index"
            log.warning("%s: --assume-sorted: %s is read to the end", label, what)
        contigs = None
    if vf.is_bcf:
        order = Order()
        keep(_all_records(vf, order, first, last, reach_from))
    else:
        if contigs is not None:
            spans = tuple((w.start, w.end) for w in windows.values())
            bounds = Bounds(first, last, reach_from, spans)
            with bisect_text(source, label, contigs, bounds) as found:
                try:
                    if found is not None:
                        keep_scan(found)
                        order, access = found.order, "bisection"
                except InputError as error:  # the stream reports it, with its line number
                    log.debug("%s: bisection stopped (%s)", label, error)
                    for records in (*kept.values(), *wide.values()):
                        records.clear()
        if access == "stream":
            with scan_text(source, label, first, last, reach_from) as scan:
                order = scan.order
                keep_scan(scan)
    for records in (*kept.values(), *wide.values()):
        records.sort(key=lambda r: (r.pos, r.end))
    return kept, wide, order, access


def _all_records(vf, order: Order, first: int, last: int, reach_from: int) -> Iterator:
    """Raw pysam records on chr2 from ``first`` to ``last``, and earlier ones whose END reaches
    ``reach_from`` (a long deletion starting far upstream); the rest only for their order."""
    names: dict[int, str | None] = {}  # contig id -> its name if chr2 (rid is cheaper than chrom)
    for rec in vf:
        rid = rec.rid
        if rid not in names:
            names[rid] = rec.chrom if is_chr2_alias(rec.chrom) else None
            if names[rid] is None:
                order.see_other(rec.chrom)
        name = names[rid]
        if name is None:
            continue
        order.see(name, rec.pos)
        if rec.pos < first and rec.stop < reach_from:
            continue
        if rec.pos <= last or (rec.pos <= last + LOOKBACK and is_breakend(rec.alts)):
            yield rec
