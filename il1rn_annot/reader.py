"""Open a VCF/BCF (or stdin), find its build and chr2 name, and read the records of the window.

This is the only module of the core that touches variant files. Records leave it as frozen
``VariantRecord`` objects, so the stages after it never see pysam. Without an index the file is
streamed once, record by record, and only records inside the candidate windows are kept: memory
stays constant whatever the file's size.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.genome import (
    BUILDS,
    CHR2_NAMES,
    build_from_bases,
    find_chr2,
    header_build_evidence,
    il1rn_window,
    is_chr2,
)
from il1rn_annot.model import Region, SampleCall, VariantRecord

log = logging.getLogger(__name__)

STDIN = "-"
_GT = re.compile(r"^(\.|\d+)([|/](\.|\d+))*$")
_GT_SPLIT = re.compile(r"[|/]")
_REF_GTS = frozenset({"0/0", "0|0", "0"})
#: Records may start this far before the window and still reach into it (long deletions, END).
LOOKBACK = 1_000_000


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


def read_window(
    source: str,
    build: str | None = None,
    require_index: bool = False,
    known_bases: Mapping[str, Mapping[int, str]] | None = None,
    detail_sites: Sequence[tuple[int, int]] = (),
) -> WindowData:
    """Read the IL1RN window of ``source`` (a path or ``-``).

    ``known_bases`` maps build -> {position: base}: the catalog's confirmed bases, used to tell
    the build from REF bases when the header says nothing. ``detail_sites`` are intervals (any
    build) where reference calls keep their DP/GQ/FT; elsewhere a reference call is only its GT,
    which keeps a cohort's window small and fast. An empty sequence keeps every detail.
    """
    import pysam

    pysam.set_verbosity(0)  # htslib's [E::idx_find_and_load] etc. must not reach the user
    label = "<stdin>" if source == STDIN else source
    if source != STDIN:
        _check_file(source)
    with _spooled_stdin(source) as readable:
        detail = _detail_predicate(detail_sites)
        return _read(readable, label, build, require_index, known_bases, detail)


@contextmanager
def _spooled_stdin(source: str) -> Iterator[str]:
    """``-`` stays fd 0 for htslib when it is; a Python-level stdin (a wrapper, a test runner)
    is copied to a temporary file first, since htslib reads only the descriptor."""
    if source != STDIN or _stdin_is_fd0():
        yield source
        return
    with tempfile.NamedTemporaryFile(prefix="il1rn-stdin-", suffix=".vcf") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.flush()
        yield spool.name


def _stdin_is_fd0() -> bool:
    try:
        return sys.stdin.fileno() == 0
    except (AttributeError, OSError, ValueError):
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
) -> WindowData:
    import pysam

    try:
        vf = pysam.VariantFile(source)
    except (OSError, ValueError) as exc:
        raise InputError(_open_problem(source, exc), label) from None
    except NotImplementedError:
        raise InputError(
            "compressed with plain gzip, not bgzip: recompress it with 'bgzip' "
            "(or pipe it: zcat FILE | il1rn-annot annotate -)",
            label,
        ) from None
    with vf:
        header_contigs = {name: contig.length for name, contig in vf.header.contigs.items()}
        meta = [str(r).strip() for r in vf.header.records]
        samples = tuple(vf.header.samples)
        index_contigs = list(vf.index.keys()) if vf.index is not None else []
        contig = find_chr2(header_contigs) or find_chr2(index_contigs)
        if contig is None and (header_contigs or index_contigs):
            where = "header" if header_contigs else "index"
            raise InputError(
                f"no chromosome 2 contig (2, chr2, NC_000002.x) in the {where}, so it cannot "
                "cover IL1RN",
                label,
            )
        evidence = header_build_evidence(header_contigs, meta)
        chosen, build_source = _choose_build(label, build, evidence)
        if label != "<stdin>":
            _warn_stale_index(source)
        if vf.index is None:
            if require_index:
                raise InputError("no index (.tbi/.csi) found and --require-index was given", label)
            if label != "<stdin>" and vf.is_bcf and os.path.exists(source + ".tbi"):
                raise InputError("BCF files need a .csi index; found only a .tbi", label)
        candidates = [chosen] if chosen else list(BUILDS)
        if vf.index is not None:
            access = "index"
            records = {b: _fetch(vf, label, contig, il1rn_window(b), detail) for b in candidates}
        else:
            access = "stream"
            records = _stream(vf, label, candidates, detail)
    if chosen is None:
        observed = [(r.pos, r.ref) for b in candidates for r in records[b]]
        chosen, build_source = build_from_bases(observed, known_bases or {})
        if chosen is None:
            raise BuildError(
                "cannot tell the genome build: no ##contig length for chr2, no "
                "##reference/assembly hint and no record at a catalog site; give --build",
                label,
            )
    found = records[chosen]
    chrom = contig or (found[0].chrom if found else None)
    window = il1rn_window(chosen, chrom or "2")
    return WindowData(
        path=label,
        build=chosen,
        build_source=build_source,
        contig=chrom,
        window=window,
        access=access,
        samples=samples,
        records=tuple(
            VariantRecord(r.chrom, r.pos, r.ref, r.alts, r.end, r.filters, r.record_id, r.calls, i)
            for i, r in enumerate(found)
        ),
    )


def _check_file(path: str) -> None:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path)
    if p.is_dir():
        raise InputError("is a directory, not a VCF/BCF file", path)
    if not os.access(p, os.R_OK):
        raise InputError("permission denied", path)
    if p.stat().st_size == 0:
        raise InputError("empty file, not a VCF/BCF", path)


def _open_problem(path: str, exc: Exception) -> str:
    text = str(exc)
    if "EOF marker" in text or "truncated" in text:
        return "truncated bgzip file (no BGZF end-of-file marker)"
    return "not a VCF or BCF file (htslib could not read a VCF header)"


def _choose_build(label: str, requested: str | None, evidence) -> tuple[str | None, str]:
    """Pick the build from --build and the header, or fail on a contradiction."""
    strong = [e for e in evidence if e.strong]
    decisive = strong or evidence
    builds = {e.build for e in decisive}
    if requested:
        against = [e for e in evidence if e.build != requested]
        if against:
            raise BuildError(
                f"--build {requested} contradicts the header ({against[0].source} says "
                f"{against[0].build})",
                label,
            )
        return requested, "--build"
    if len(builds) > 1:
        raise BuildError(
            "the header contradicts itself on the genome build ("
            + "; ".join(f"{e.source}: {e.build}" for e in decisive)
            + "); give --build",
            label,
        )
    if builds:
        for weak in evidence:
            if not weak.strong and weak.build not in builds:
                log.warning("%s: ignoring %s, the contig length says otherwise", label, weak.source)
        return decisive[0].build, decisive[0].source
    return None, ""


def _warn_stale_index(path: str) -> None:
    for suffix in (".tbi", ".csi"):
        index = path + suffix
        if os.path.exists(index) and os.path.getmtime(index) < os.path.getmtime(path):
            log.warning(
                "%s: index %s is older than the file; records may be missed (re-index it)",
                path,
                index,
            )


def _fetch(vf, label: str, contig: str | None, window: Region, detail) -> list[VariantRecord]:
    names = [contig] if contig else [c for c in CHR2_NAMES if c in vf.index]
    out: list[VariantRecord] = []
    for name in names:
        try:
            iterator = vf.fetch(name, window.start - 1, window.end)
        except ValueError:
            continue  # contig absent from the index: no records there
        out.extend(_convert_all(iterator, label, vf, detail))
    return out


def _stream(vf, label: str, builds: list[str], detail) -> dict[str, list[VariantRecord]]:
    windows = {b: il1rn_window(b) for b in builds}
    first = min(w.start for w in windows.values()) - LOOKBACK
    last = max(w.end for w in windows.values())
    kept: dict[str, list[VariantRecord]] = {b: [] for b in builds}
    for record in _convert_all(_records_until(vf, first, last), label, vf, detail):
        for build, window in windows.items():
            if record.pos <= window.end and record.end >= window.start:
                kept[build].append(record)
    return kept


def _records_until(vf, first: int, last: int) -> Iterator:
    """Raw pysam records on chr2 from ``first`` to ``last``; stops at ``last`` since VCFs are
    sorted by POS."""
    for rec in vf:
        if not is_chr2(rec.chrom) or rec.pos < first:
            continue
        if rec.pos > last:
            return
        yield rec


def _convert_all(iterator, label: str, vf, detail) -> Iterator[VariantRecord]:
    where = "the first record"
    while True:
        try:
            rec = next(iterator)
        except StopIteration:
            return
        except (OSError, ValueError) as exc:
            raise InputError(_record_problem(vf, label, where, exc), label) from None
        try:
            record = _convert(rec, detail(rec.pos, rec.stop))
        except (TypeError, ValueError) as exc:
            raise InputError(f"malformed record at {rec.chrom}:{rec.pos}: {exc}", label) from None
        where = f"{record.chrom}:{record.pos}"
        yield record


def _record_problem(vf, label: str, where: str, exc: Exception) -> str:
    if "EOF marker" in str(exc):
        return "truncated bgzip file (no BGZF end-of-file marker)"
    detail = _find_bad_gt(label) if label != "<stdin>" and not vf.is_bcf else ""
    return detail or f"malformed or truncated data after {where} (htslib could not parse it)"


def _find_bad_gt(path: str) -> str:
    """Name the first malformed GT in a text VCF, for an error message htslib does not give."""
    opener = gzip.open if path.endswith((".gz", ".bgz")) else open
    try:
        with opener(path, "rt", errors="replace") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                cells = line.rstrip("\n").split("\t")
                if len(cells) < 10:
                    continue
                keys = cells[8].split(":")
                if "GT" not in keys:
                    continue
                gt_at = keys.index("GT")
                for column, value in enumerate(cells[9:]):
                    values = value.split(":")
                    if gt_at < len(values) and not _GT.match(values[gt_at]):
                        return (
                            f"malformed GT {values[gt_at]!r} in sample column {column + 1} "
                            f"at {cells[0]}:{cells[1]}"
                        )
    except (OSError, EOFError, gzip.BadGzipFile):
        return ""
    return ""


def _number(text: str) -> int | None:
    """The first value of an integer FORMAT field, None when missing ('.')."""
    first = text.split(",", 1)[0]
    return None if first in ("", ".") else int(first)


def _sample_call(column: str, keys: list[str]) -> SampleCall:
    """Parse one sample column of htslib's own VCF text of a record (already validated)."""
    values = dict(zip(keys, column.split(":"), strict=False))
    gt = values.get("GT", "")
    alleles = (
        tuple(None if a == "." else int(a) for a in _GT_SPLIT.split(gt.lstrip("|/"))) if gt else ()
    )
    ft = values.get("FT")
    return SampleCall(
        alleles=alleles,
        phased="|" in gt and len(alleles) > 1,
        phase_set=_number(values.get("PS", ".")),
        depth=_number(values.get("DP", ".")),
        gq=_number(values.get("GQ", ".")),
        sample_filter=None if ft in (None, ".") else ft,
    )


def _convert(rec, detail: bool = True) -> VariantRecord:
    """Freeze one pysam record. FORMAT values are read from htslib's VCF text of the record, and
    identical sample columns share one ``SampleCall``; without ``detail`` a reference call is
    only its GT."""
    calls: tuple[SampleCall, ...] = ()
    if rec.header.samples:
        fields = str(rec).rstrip("\n").split("\t")
        keys = fields[8].split(":") if len(fields) > 8 else []
        seen: dict[str, SampleCall] = {}
        columns = fields[9:]
        out = []
        for column in columns:
            if not detail:
                gt = column.split(":", 1)[0]
                if gt in _REF_GTS:
                    column = gt
            call = seen.get(column)
            if call is None:
                call = seen[column] = _sample_call(column, keys)
            out.append(call)
        calls = tuple(out)
    return VariantRecord(
        chrom=rec.chrom,
        pos=rec.pos,
        ref=rec.ref or "N",
        alts=tuple(rec.alts or ()),
        end=rec.stop,
        filters=tuple(rec.filter.keys()),
        record_id=rec.id,
        calls=calls,
        index=0,
    )
