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
from dataclasses import dataclass, field, replace
from pathlib import Path

from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.family import Trio
from il1rn_annot.genome import (
    BUILDS,
    CHR2_NAMES,
    build_from_bases,
    chr2_lookalike,
    find_chr2,
    header_build_evidence,
    il1rn_window,
    is_chr2,
    unrecognised_chr2_length,
)
from il1rn_annot.model import Region, SampleCall, VariantRecord

log = logging.getLogger(__name__)

STDIN = "-"
#: The reference-model ALT of gVCFs (GATK, DRAGEN: <NON_REF>; bcftools/DeepVariant: <*>).
GVCF_ALTS = frozenset({"<NON_REF>", "<*>"})
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
    gvcf: bool = False  # reference blocks (<NON_REF>/<*>): absence of a record means a hole
    context: tuple[VariantRecord, ...] = ()  # genotypes only, over ``context`` regions
    warnings: tuple[str, ...] = ()  # problems of the input the report must show


def read_window(
    source: str,
    build: str | None = None,
    require_index: bool = False,
    known_bases: Mapping[str, Mapping[int, str]] | None = None,
    detail_sites: Sequence[tuple[int, int]] = (),
    context: Mapping[str, tuple[int, int]] | None = None,
) -> WindowData:
    """Read the IL1RN window of ``source`` (a path or ``-``).

    ``known_bases`` maps build -> {position: base}: the catalog's confirmed bases, used to tell
    the build from REF bases when the header says nothing. ``detail_sites`` are intervals (any
    build) where reference calls keep their DP/GQ/FT; elsewhere a reference call is only its GT,
    which keeps a cohort's window small and fast. An empty sequence keeps every detail.
    ``context`` maps build -> a wider region (the founder deletion's) whose genotypes are kept
    apart, as pattern evidence; they are not reported as variants.
    """
    import pysam

    pysam.set_verbosity(0)  # htslib's [E::idx_find_and_load] etc. must not reach the user
    label = "<stdin>" if source == STDIN else source
    if source != STDIN:
        _check_file(source)
    with _spooled_stdin(source) as readable:
        detail = _detail_predicate(detail_sites)
        regions = {b: Region("2", *r) for b, r in (context or {}).items()}
        return _read(readable, label, build, require_index, known_bases, detail, regions)


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
        header_contigs = _header_contigs(vf, label)
        meta = [str(r).strip() for r in vf.header.records]
        samples = tuple(vf.header.samples)
        index_contigs = list(vf.index.keys()) if vf.index is not None else []
        contig = find_chr2(header_contigs) or find_chr2(index_contigs)
        if contig is None and (header_contigs or index_contigs):
            where = "header" if header_contigs else "index"
            _no_chr2(label, [*header_contigs, *index_contigs], where)
        evidence = header_build_evidence(header_contigs, meta)
        chosen, build_source = _choose_build(label, build, evidence)
        if label != "<stdin>":
            _warn_stale_index(source)
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
        if vf.index is not None:
            access = "index"
            names = [c for c in CHR2_NAMES if c in index_contigs] or ([contig] if contig else [])
            sv_header = any(
                line.startswith(("##INFO=<ID=SVTYPE", "##INFO=<ID=MATEID")) for line in meta
            )
            records = {
                b: _fetch(
                    vf, label, names, il1rn_window(b), detail, sv_header and chosen in (None, b)
                )
                for b in BUILDS
            }
            wide = {
                b: _around(vf, label, names, region, il1rn_window(b), records[b])
                for b, region in context.items()
                if chosen in (None, b)
            }
        else:
            access = "stream"
            records, wide, seen = _stream(vf, label, list(BUILDS), detail, context)
            if not seen.chr2 and not header_contigs and seen.other:
                _no_chr2(label, sorted(seen.other), "records")
    observed = [(r.pos, r.ref) for b in BUILDS for r in records[b]]
    by_bases, bases_source = build_from_bases(observed, known_bases or {})
    if chosen is None:
        if by_bases is None:
            raise BuildError(_no_build_message(header_contigs, observed, known_bases), label)
        chosen, build_source = by_bases, bases_source
    elif by_bases is not None and by_bases != chosen:
        raise BuildError(
            f"{bases_source}, not with {chosen} ({build_source}): wrong build or wrong file",
            label,
        )
    found = records[chosen]
    # A joint-called VCF may keep ##ALT=<ID=NON_REF>; only blocks (or GATK's ##GVCFBlock) count.
    nearby = (*found, *wide.get(chosen, ()))
    gvcf = any(r.alts and r.alts[-1] in GVCF_ALTS for r in nearby) or any(
        line.startswith("##GVCFBlock") for line in meta
    )
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
        records=tuple(replace(r, index=i) for i, r in enumerate(found)),
        gvcf=gvcf,
        context=tuple(wide.get(chosen, ())),
    )


def _header_contigs(vf, label: str) -> dict[str, int | None]:
    """##contig IDs and lengths. pysam's contig view fails on some legal headers (an IDX key),
    so the header lines are parsed as a fallback."""
    try:
        return {name: contig.length for name, contig in vf.header.contigs.items()}
    except (AssertionError, KeyError, ValueError):
        contigs: dict[str, int | None] = {}
        for record in vf.header.records:
            if record.key == "contig" and "ID" in record:
                length = record.get("length")
                contigs[record["ID"]] = int(length) if length and length.isdigit() else None
        log.debug("%s: read ##contig lines directly", label)
        return contigs


def _no_chr2(label: str, names: Sequence[str], where: str) -> None:
    lookalike = chr2_lookalike(names)
    if lookalike:
        raise InputError(
            f"chromosome 2 is named {lookalike!r}; rename it to chr2 or 2 "
            "(bcftools annotate --rename-chrs)",
            label,
        )
    shown = ", ".join(list(names)[:5]) + (", ..." if len(names) > 5 else "")
    raise InputError(
        f"no chromosome 2 (2, chr2, NC_000002.x) in the {where} (found {shown}), so it cannot "
        "cover IL1RN",
        label,
    )


def _no_build_message(
    header_contigs: Mapping[str, int | None],
    observed: Sequence[tuple[int, str]],
    known_bases: Mapping[str, Mapping[int, str]] | None,
) -> str:
    odd = unrecognised_chr2_length(header_contigs)
    if odd:
        length = f"the chr2 length {odd} matches neither GRCh37 nor GRCh38"
    else:
        length = "no ##contig length for chr2"
    at_sites = [p for p, _ in observed if any(p in k for k in (known_bases or {}).values())]
    sites = (
        "REF bases at catalog sites do not single out one build"
        if at_sites
        else "no record at a catalog site"
    )
    return (
        f"cannot tell the genome build: {length}, no ##reference/assembly hint and {sites}; "
        "give --build"
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
    for claim in evidence:
        if claim.build not in BUILDS:
            raise BuildError(
                f"{claim.source} says {claim.build}; il1rn-annot supports GRCh37 and GRCh38 "
                "(lift the file over first)",
                label,
            )
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
        agreeing = f" (agrees with {evidence[0].source})" if evidence else ""
        return requested, "--build" + agreeing
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
                log.warning(
                    "%s: ignoring the assembly named in %s; the chr2 length says %s",
                    label,
                    weak.source,
                    decisive[0].build,
                )
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


def _fetch(
    vf, label: str, names: Sequence[str], window: Region, detail, breakends: bool = True
) -> list[VariantRecord]:
    """The window through the index. htslib returns symbolic SVs that overlap it (their END
    counts); breakend records, one base long, are looked for up to LOOKBACK around it."""
    out: list[VariantRecord] = []
    for name in names:
        try:
            iterator = vf.fetch(name, window.start - 1, window.end)
            wide = vf.fetch(name, max(0, window.start - 1 - LOOKBACK), window.end + LOOKBACK)
        except ValueError:
            continue  # contig absent from the index: no records there
        out.extend(_convert_all(iterator, label, vf, detail))
        if not breakends:
            continue
        breakends = (
            r
            for r in wide
            if _is_breakend(r.alts) and _overlaps(_reach(r.pos, r.stop, r.alts), window)
        )
        out.extend(r for r in _convert_all(breakends, label, vf, detail) if not _inside(r, window))
    return sorted(out, key=lambda r: (r.pos, r.end))


def _around(
    vf, label: str, names: Sequence[str], region: Region, window: Region, inside: list
) -> list[VariantRecord]:
    """The records of ``region``: those of the window are already read, the rest are fetched
    with their genotypes only."""
    before = Region(region.chrom, region.start, window.start - 1)
    after = Region(region.chrom, window.end + 1, region.end)
    out = [r for r in inside if r.pos >= window.start]
    for part in (before, after):
        if part.start <= part.end:
            fetched = _fetch(vf, label, names, part, _no_detail, breakends=False)
            out.extend(r for r in fetched if r.pos >= part.start)
    return sorted(out, key=lambda r: (r.pos, r.end))


_MATE = re.compile(r"[\[\]]([^:\[\]]+):(\d+)[\[\]]")


def _is_breakend(alts) -> bool:
    return any("[" in a or "]" in a for a in alts or ())


def _reach(pos: int, stop: int, alts) -> tuple[int, int]:
    """The reference span a record touches; for a breakend, from POS to its mate's position."""
    start, end = pos, stop
    for alt in alts or ():
        match = _MATE.search(alt)
        if match and is_chr2(match.group(1)):
            mate = int(match.group(2))
            start, end = min(start, mate), max(end, mate)
    return start, end


def _overlaps(span: tuple[int, int], window: Region) -> bool:
    return span[0] <= window.end and span[1] >= window.start


def _inside(record: VariantRecord, window: Region) -> bool:
    return record.pos <= window.end and record.end >= window.start


@dataclass
class _Seen:
    """What a stream met besides the window: for messages about files without chr2."""

    chr2: bool = False
    other: set[str] = field(default_factory=set)


def _stream(
    vf, label: str, builds: list[str], detail, context: Mapping[str, Region]
) -> tuple[dict[str, list[VariantRecord]], dict[str, list[VariantRecord]], _Seen]:
    windows = {b: il1rn_window(b) for b in builds}
    regions = [*windows.values(), *context.values()]
    first = min(w.start for w in windows.values()) - LOOKBACK
    last = max(w.end for w in regions)
    kept: dict[str, list[VariantRecord]] = {b: [] for b in builds}
    wide: dict[str, list[VariantRecord]] = {b: [] for b in context}
    seen = _Seen()
    reach_from = min(w.start for w in regions)
    raw = _records_until(vf, label, first, last, seen, reach_from)
    near = (r for r in raw if any(_overlaps(_reach(r.pos, r.stop, r.alts), w) for w in regions))
    for record in _convert_all(near, label, vf, detail):
        span = _reach(record.pos, record.end, record.alts)
        for build, window in windows.items():
            if _overlaps(span, window):
                kept[build].append(record)
        for build, region in context.items():
            if _overlaps((record.pos, record.end), region):
                wide[build].append(record)
    return kept, wide, seen


def _records_until(
    vf, label: str, first: int, last: int, seen: _Seen, reach_from: int = 0
) -> Iterator:
    """Raw pysam records on chr2 from ``first`` to ``last``, and earlier ones whose END reaches
    ``reach_from`` (a long deletion starting far upstream). It stops at ``last``, since a VCF is
    sorted by POS; an unsorted file met before that point is refused, not half-read."""
    previous = 0
    for rec in vf:
        if not is_chr2(rec.chrom):
            if len(seen.other) < 50:
                seen.other.add(rec.chrom)
            continue
        seen.chr2 = True
        if rec.pos < previous:
            raise InputError(
                f"records are not sorted ({rec.chrom}:{rec.pos} after {rec.chrom}:{previous}): "
                "sort it (bcftools sort), then index it",
                label,
            )
        previous = rec.pos
        if rec.pos < first and rec.stop < reach_from:
            continue
        if rec.pos > last:
            return
        yield rec


def _convert_all(iterator, label: str, vf, detail) -> Iterator[VariantRecord]:
    where = ""
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
    place = f"the record after {where}" if where else "a record"
    return detail or f"cannot parse {place} (htslib rejected it: check its columns)"


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


def _integer(text: str) -> int | None:
    """The first value of a numeric FORMAT field as an integer; None when missing ('.')."""
    first = text.split(",", 1)[0]
    if first in ("", "."):
        return None
    try:
        return int(first)
    except ValueError:
        try:
            return round(float(first))  # a Float-typed DP/GQ/CN
        except ValueError:
            return None  # 'NA' and other text: treated as missing


def _phase_set(text: str) -> int | str | None:
    first = text.split(",", 1)[0]
    if first in ("", "."):
        return None
    return int(first) if first.isdigit() else first


def _sample_call(column: str, keys: list[str], n_alts: int) -> SampleCall:
    """Parse one sample column of htslib's own VCF text of a record (already validated)."""
    values = dict(zip(keys, column.split(":"), strict=False))
    gt = values.get("GT", "")
    if gt == ".":
        alleles: tuple[int | None, ...] = (None, None)  # a bare '.': ploidy unknown, assume 2
    elif gt:
        alleles = tuple(None if a == "." else int(a) for a in _GT_SPLIT.split(gt.lstrip("|/")))
    else:
        alleles = ()
    if any(a is not None and a > n_alts for a in alleles):
        raise ValueError(f"GT {gt!r} names an allele the record does not have")
    ft = values.get("FT")
    return SampleCall(
        alleles=alleles,
        phased="|" in gt and len(alleles) > 1,
        phase_set=_phase_set(values.get("PS", ".")),
        depth=_integer(values.get("MIN_DP", values.get("DP", "."))),  # gVCF blocks: MIN_DP
        gq=_integer(values.get("GQ", ".")),
        sample_filter=None if ft in (None, ".") else ft,
        gt=gt,
        copy_number=_integer(values.get("CN", ".")),
    )


def _genotype_from_copy_number(
    call: SampleCall, deletion_index: int, ambiguous: bool
) -> SampleCall:
    """CNV callers often give no diploid GT (none, '.', or a haploid GT as GATK gCNV writes):
    then FORMAT/CN says how many copies are left: 0 is a homozygous deletion, 1 a heterozygous
    one, 2 or more none. A diploid GT is kept when CN agrees with it; when they disagree the call
    is made missing, so it cannot decide anything. For ``<CNV>`` (a loss or a gain) CN decides.
    """
    cn = call.copy_number
    diploid = len(call.alleles) == 2 and None not in call.alleles
    if cn is None:
        if ambiguous and diploid and any(call.alleles):
            return replace(call, alleles=(None, None), gt=f"{call.gt} (<CNV> without CN)")
        return call
    lost = 2 if cn <= 0 else 1 if cn == 1 else 0
    alleles = ((deletion_index,) * lost + (0,) * (2 - lost))[::-1]
    if diploid and not ambiguous:
        called = sum(1 for a in call.alleles if a == deletion_index)
        if called == lost:
            return call
        return replace(call, alleles=(None, None), gt=f"{call.gt} (disagrees with CN={cn})")
    return replace(call, alleles=alleles, phased=False, gt=f"{call.gt or '.'} (CN={cn})")


def _deletion_index(alts: Sequence[str], svtype: str | None) -> int | None:
    """The 1-based ALT that is a copy-number loss, for records of SV/CNV callers."""
    for i, alt in enumerate(alts, 1):
        upper = alt.upper()
        if upper.startswith(("<DEL", "<CN0", "<CN1")) or (upper == "<CNV>" and svtype != "DUP"):
            return i
    return None


def _pair(value, default: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0], value[1]
    return default


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
                call = seen[column] = _sample_call(column, keys, len(rec.alts or ()))
            out.append(call)
        calls = tuple(out)
    alts = tuple(rec.alts or ())
    svtype = cipos = ciend = None
    if any(a.startswith("<") or "[" in a or "]" in a for a in alts):
        info = rec.info
        svtype = info.get("SVTYPE") if "SVTYPE" in info else None
        cipos = _pair(info.get("CIPOS")) if "CIPOS" in info else None
        ciend = _pair(info.get("CIEND")) if "CIEND" in info else None
        deletion = _deletion_index(alts, svtype)
        if deletion is not None:
            ambiguous = alts[deletion - 1].upper() == "<CNV>"
            calls = tuple(_genotype_from_copy_number(c, deletion, ambiguous) for c in calls)
    return VariantRecord(
        chrom=rec.chrom,
        pos=rec.pos,
        ref=rec.ref or "N",
        alts=alts,
        end=rec.stop,
        filters=tuple(rec.filter.keys()),
        record_id=rec.id,
        calls=calls,
        index=0,
        svtype=svtype,
        cipos=cipos or (0, 0),
        ciend=ciend or (0, 0),
    )


def read_pedigree(path: str) -> list[Trio]:
    """Children with their parents from a PED file (family, individual, father, mother, sex,
    phenotype; whitespace-separated; '0' for an unknown parent; '#' comments)."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read the PED file: {exc.strerror}", path) from None
    trios = []
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) < 4:
            raise InputError(f"line {n}: a PED line needs family, individual, father, mother", path)
        father, mother = (None if f in ("0", ".") else f for f in fields[2:4])
        if father or mother:
            trios.append(Trio(fields[0], fields[1], father, mother))
    return trios


def read_bam_manifest(path: str) -> tuple[tuple[str | None, str], ...]:
    """(sample, alignment path) pairs from a two-column TSV; relative paths are taken from the
    manifest's directory, as a pipeline writes them."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the BAM manifest: {exc.strerror}", path) from None
    base = Path(path).parent
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t") if "\t" in line else line.split()
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(f"line {n}: expected 'sample<TAB>path'", path)
        if n == 1 and cells[0].lower() == "sample" and cells[1].lower() in ("path", "bam", "cram"):
            continue
        bam = Path(cells[1])
        out.append((cells[0], str(bam if bam.is_absolute() else base / bam)))
    return tuple(out)
