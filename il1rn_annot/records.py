"""Freeze pysam records into ``VariantRecord``s, and say which of them cannot be trusted.

A record whose content the core would misread is kept, with its doubtful part made unknown, and
a note for the report: an ALT equal to REF (its calls become missing), a REF or ALT with a
character that is not a base (its calls become missing: REF X, ALT Q or an IUPAC code such as
R name no change anyone can check), a deletion whose END was dropped by htslib or never given
(its extent becomes unknown, so it may cover any site). A record that cannot be read at all (too
few columns, a number that is not finite) is an ``InputError``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from il1rn_annot.errors import InputError
from il1rn_annot.genome import is_chr2
from il1rn_annot.model import SampleCall, VariantRecord
from il1rn_annot.vcftext import shown

#: The reference-model ALT of gVCFs (GATK, DRAGEN: <NON_REF>; bcftools/DeepVariant: <*>).
GVCF_ALTS = frozenset({"<NON_REF>", "<*>"})
_GT_SPLIT = re.compile(r"[|/]")
_REF_GTS = frozenset({"0/0", "0|0", "0"})
#: The FORMAT fields ``_sample_call`` reads; two columns equal in these are the same call.
_READ_KEYS = frozenset({"GT", "DP", "MIN_DP", "GQ", "FT", "PS", "CN"})
_MATE = re.compile(r"[\[\]]([^:\[\]]+):(\d+)[\[\]]")
#: REF as VCF defines it (bases, any case); an ALT may also be '*', '.', symbolic or a breakend.
_REF_FORM = re.compile(r"^[ACGTN]+$", re.IGNORECASE)
_ALT_FORM = re.compile(
    r"^(?:[ACGTN]+|\*|\.|<[^<>]+>|\.[ACGTN]+|[ACGTN]+\."
    r"|[ACGTN]+[\[\]][^\[\]]+[\[\]]|[\[\]][^\[\]]+[\[\]][ACGTN]+)$",
    re.IGNORECASE,
)
_IUPAC = frozenset("RYSWKMBDHVU")


@dataclass
class Notes:
    """Problems of single records, kept by record so that only those of the chosen build's
    window reach the report."""

    by_record: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def add(self, record: VariantRecord, message: str) -> None:
        self.by_record.setdefault((record.chrom, record.pos), []).append(message)

    def about(self, records: Sequence[VariantRecord]) -> list[str]:
        keys = dict.fromkeys((r.chrom, r.pos) for r in records)
        return list(dict.fromkeys(m for k in keys for m in self.by_record.get(k, ())))


def is_breakend(alts) -> bool:
    return any("[" in a or "]" in a for a in alts or ())


def unknown_extent(rec) -> bool:
    """A symbolic deletion without a usable END or SVLEN (a pysam or a frozen record): htslib
    drops an END before POS, so the record looks one base long while it may remove anything
    after POS."""
    alts = tuple(rec.alts or ())
    stop = rec.end if isinstance(rec, VariantRecord) else rec.stop
    if stop > rec.pos or not any(a.startswith("<") for a in alts):
        return False
    if isinstance(rec, VariantRecord):
        svtype = rec.svtype
    else:
        svtype = rec.info.get("SVTYPE") if "SVTYPE" in rec.info else None
    return deletion_index(alts, svtype) is not None


def reach(pos: int, stop: int, alts) -> tuple[int, int]:
    """The reference span a record touches; for a breakend, from POS to its mate's position."""
    start, end = pos, stop
    for alt in alts or ():
        match = _MATE.search(alt)
        if match and is_chr2(match.group(1)):
            mate = int(match.group(2))
            start, end = min(start, mate), max(end, mate)
    return start, end


def convert_all(
    iterator,
    label: str,
    problem: Callable[[str, Exception], str],
    detail: Callable[[int, int], bool],
    notes: Notes,
    lines: Sequence[int] = (),
) -> Iterator[VariantRecord]:
    """Freeze the records of ``iterator``; ``lines`` are their line numbers, when known, for
    messages. ``problem`` words an htslib failure after the record ``where``."""
    where = ""
    for n in itertools.count():
        line = f" (line {lines[n]})" if n < len(lines) else ""
        try:
            rec = next(iterator)
        except StopIteration:
            return
        except (OSError, ValueError) as exc:  # UnicodeDecodeError included
            raise InputError(problem(where, exc) + line, label) from None
        try:
            record = convert(rec, detail(rec.pos, rec.stop), notes)
        except (TypeError, ValueError) as exc:
            place = f"{shown(rec.chrom)}:{rec.pos}{line}"
            raise InputError(f"malformed record at {place}: {shown(exc, 200)}", label) from None
        where = f"{record.chrom}:{record.pos}"
        yield record


def _integer(key: str, text: str) -> int | None:
    """The first value of a numeric FORMAT field as an integer; None when missing ('.'). A
    Float-typed copy number is rounded; a Float DP or GQ is rounded down: against the integer
    thresholds (--min-dp, --min-gq) its floor passes exactly when the real value does (GQ 19.5
    fails 20; rounding would pass it).

    >>> _integer("GQ", "19.5"), _integer("DP", "9.99"), _integer("DP", "."), _integer("GQ", "20")
    (19, 9, None, 20)
    """
    first = text.split(",", 1)[0]
    if first in ("", "."):
        return None
    try:
        return int(first)
    except ValueError:
        pass
    try:
        number = float(first)  # a Float-typed DP/GQ/CN
    except ValueError:
        return None  # 'NA' and other text: treated as missing
    if not math.isfinite(number):
        raise ValueError(f"FORMAT/{key} is {shown(first)!r}, not a finite number")
    return round(number) if key == "CN" else math.floor(number)


def _phase_set(text: str) -> int | str | None:
    first = text.split(",", 1)[0]
    if first in ("", "."):
        return None
    return int(first) if first.isdigit() else first


def _sample_call(
    column: str, keys: list[str], n_alts: int, block: bool, declared: frozenset[str] = frozenset()
) -> SampleCall:
    """Parse one sample column of htslib's own VCF text of a record (already validated).

    Depth is FORMAT/DP; MIN_DP describes a reference block (the least depth over its bases), so
    where it is declared it is the depth of a block, and a missing MIN_DP is missing, never a
    pass (the block's DP, a mean, proves no minimum). ``declared`` are the quality fields the
    header declares for this record: a call carrying an ALT without them is missing them too,
    as if they were written '.'.
    """
    values = dict(zip(keys, column.split(":"), strict=False))
    gt = values.get("GT", "")
    if gt == ".":
        alleles: tuple[int | None, ...] = (None, None)  # a bare '.': ploidy unknown, assume 2
    elif gt:
        alleles = tuple(None if a == "." else int(a) for a in _GT_SPLIT.split(gt.lstrip("|/")))
        if any(a is not None and a < 0 for a in alleles):
            # htslib's text of a GT it holds as missing where GT is not FORMAT's first key
            # (a dropped trailing GT after DP, say) is a negative number such as -65: the input
            # (already checked) had no GT there, so the call is a no-call, as BCF reads it.
            alleles = (None, None)
            gt = "."
    else:
        alleles = ()
    if any(a is not None and a > n_alts for a in alleles):
        raise ValueError(f"GT {gt!r} names an allele the record does not have")
    depth_key = "MIN_DP" if block and ("MIN_DP" in keys or "MIN_DP" in declared) else "DP"
    depth = _integer(depth_key, values.get(depth_key, "."))
    gq = _integer("GQ", values.get("GQ", "."))
    # A declared DP/GQ left empty ('.', a dropped trailing field, or a field the header declares
    # but the record leaves out of a call with an ALT) is missing, never passing.
    expected = set(keys)
    if depth_key == "MIN_DP" or any(a for a in alleles if a is not None):
        expected |= declared
    unknown = tuple(
        key for key, value in ((depth_key, depth), ("GQ", gq)) if value is None and key in expected
    )
    return SampleCall(
        alleles=alleles,
        phased="|" in gt and len(alleles) > 1,
        phase_set=_phase_set(values.get("PS", ".")),
        depth=depth,
        gq=gq,
        quality_unknown=unknown if any(a is not None for a in alleles) else (),
        sample_filter=sample_filter(values.get("FT")),
        gt=gt,
        copy_number=_integer("CN", values.get("CN", ".")),
    )


def sample_filter(ft: str | None) -> str | None:
    """A sample's FT as its call keeps it, None when missing. htslib marks a missing BCF string
    with the byte 0x07, and pysam pads an FT it was never given with it (``'\\x07\\x07'``...):
    read as a filter, that would fail a good call and put control bytes in the reports."""
    if ft is None or ft.strip("\x07") in ("", "."):
        return None
    return ft


def _declared(header, alts: tuple[str, ...], block: bool, bases: int) -> frozenset[str]:
    """The header's FORMAT quality fields that a record's calls must carry: DP and GQ for a
    sequence-resolved record (small-variant callers always write them, so one left out is
    missing), MIN_DP for a reference block. SV callers measure SVs otherwise (read pairs, split
    reads) and leave DP out of a merged file's SV records, so symbolic records need none."""
    formats = header.formats
    if block:  # a <NON_REF>/<*> block of several ``bases`` (at one base, DP is the minimum);
        # a record without ALT ('.') is no caller's block
        return frozenset(k for k in ("MIN_DP",) if alts and bases > 1 and k in formats)
    if any(a.startswith(("<", ".")) or a.endswith(".") or "[" in a or "]" in a for a in alts):
        return frozenset()
    return frozenset(k for k in ("DP", "GQ") if k in formats)


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


def deletion_index(alts: Sequence[str], svtype: str | None) -> int | None:
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


def _without(call: SampleCall, bad: set[int], why: str) -> SampleCall:
    """The call made missing when it carries an ALT that cannot be read as a variant."""
    if not any(a in bad for a in call.alleles):
        return call
    return replace(call, alleles=(None,) * len(call.alleles), gt=f"{call.gt_text} ({why})")


def not_bases(allele: str, is_ref: bool) -> str:
    """What is wrong with a REF (bases, any case) or an ALT (bases, '*', '.', symbolic, breakend)
    that VCF does not allow, naming the first character that is not a base; '' when allowed.

    >>> not_bases("X", True), not_bases("acgtN", True), not_bases("GQ", False)
    ("'X' is not a base (A, C, G, T or N)", '', "'Q' is not a base (A, C, G, T or N)")
    >>> not_bases("R", True)
    "'R' is not a base (A, C, G, T or N): an IUPAC ambiguity code, which VCF does not allow"
    >>> [not_bases(a, False) for a in ("<DEL>", "*", "A[2:5[", ".A", "]2:7]A")]
    ['', '', '', '', '']
    """
    if (_REF_FORM if is_ref else _ALT_FORM).match(allele):
        return ""
    odd = next((c for c in allele if c.upper() not in "ACGTN"), "")
    if not odd or (not is_ref and odd in "<>[].*:0123456789"):
        return "not a form VCF allows for an allele"
    why = f"{shown(odd)!r} is not a base (A, C, G, T or N)"
    if odd.upper() in _IUPAC:
        why += ": an IUPAC ambiguity code, which VCF does not allow"
    return why


def unreadable_alleles(ref: str, alts: Sequence[str]) -> dict[int, tuple[str, str]]:
    """The alleles of a record (0 = REF, then each ALT as GT numbers it) that are not bases, each
    with its name ('REF X', 'ALT Q') and what is wrong. A REF that is not bases leaves every
    allele of the record unknown: what changed, and whether anything did."""
    why = not_bases(ref, True)
    if why:
        return dict.fromkeys(range(len(alts) + 1), (f"REF {shown(ref, 20)}", why))
    out = {}
    for i, alt in enumerate(alts, 1):
        why = not_bases(alt, False)
        if why:
            out[i] = (f"ALT {shown(alt, 20)}", why)
    return out


def carried_unreadable(call: SampleCall, unreadable: Mapping[int, tuple[str, str]]) -> str:
    """What is wrong with the first non-reference allele a call carries, as the file wrote it,
    that is not bases ('' when none is). The frozen call is missing by then; its GT text keeps
    what was written, before the reason it was set aside."""
    written = call.gt.partition(" (")[0] if call.gt else call.gt_text
    carried = {int(a) for a in _GT_SPLIT.split(written.lstrip("|/")) if a.isdigit() and a != "0"}
    found = [unreadable[i] for i in sorted(carried) if i in unreadable]
    return f"{found[0][0]}: {found[0][1]}" if found else ""


def _text_calls(
    text: str, n_samples: int, n_alts: int, block: bool, declared: frozenset[str], detail: bool
) -> tuple[SampleCall, ...]:
    """The calls of htslib's VCF text of a record; identical sample columns share one
    ``SampleCall``, and without ``detail`` a reference call is only its GT."""
    fields = text.rstrip("\n").split("\t")
    if len(fields) != 9 + n_samples:
        why = ""
        if len(fields) > 9 + n_samples:  # only a BCF can hold one: VCF text splits at every tab
            why = " (a tab inside a value, such as the ID or an INFO or FORMAT string)"
        raise ValueError(
            f"{len(fields)} columns, where the header's {n_samples} sample(s) need "
            f"{9 + n_samples}{why}"
        )
    keys = fields[8].split(":")
    # Columns that differ only in fields the calls never read (AD, PL) share one call.
    read = [i for i, key in enumerate(keys) if key in _READ_KEYS]
    seen: dict[str, SampleCall] = {}
    by_values: dict[tuple[str | None, ...], SampleCall] = {}
    out = []
    for column in fields[9:]:
        if not detail:
            gt = column.split(":", 1)[0]
            if gt in _REF_GTS:
                column = gt
        call = seen.get(column)
        if call is None:
            values = column.split(":")
            kept = tuple(values[i] if i < len(values) else None for i in read)
            call = by_values.get(kept)
            if call is None:
                call = by_values[kept] = _sample_call(column, keys, n_alts, block, declared)
            seen[column] = call
        out.append(call)
    return tuple(out)


def convert(rec, detail: bool = True, notes: Notes | None = None) -> VariantRecord:
    """Freeze one pysam record. FORMAT values are read from htslib's VCF text of the record, and
    identical sample columns share one ``SampleCall``; without ``detail`` a reference call is
    only its GT."""
    alts = tuple(rec.alts or ())
    ref = rec.ref or "N"
    block = not alts or all(a in GVCF_ALTS for a in alts)
    calls: tuple[SampleCall, ...] = ()
    # A cohort record (cohort_reader) brings its columns as arrays and says how many there are.
    n_samples = getattr(rec, "n_samples", None)
    if n_samples is None:
        n_samples = len(rec.header.samples)
    if n_samples:
        declared = _declared(rec.header, alts, block, rec.stop - rec.pos + 1)
        columnar = getattr(rec, "columnar_calls", None)
        arrays = columnar(len(alts), block, declared, detail) if columnar else None
        calls = (
            arrays
            if arrays is not None
            else _text_calls(str(rec), n_samples, len(alts), block, declared, detail)
        )
    info = rec.info
    return _assembled(
        rec.chrom,
        rec.pos,
        ref,
        alts,
        rec.stop,
        tuple(rec.filter.keys()),
        rec.id,
        calls,
        lambda key: info.get(key) if key in info else None,
        notes,
        notes is not None and unknown_extent(rec),
    )


def freeze(
    chrom: str,
    pos: int,
    ref: str,
    alts: tuple[str, ...],
    stop: int,
    filters: tuple[str, ...],
    record_id: str | None,
    columns: Sequence[str],
    keys: Sequence[str],
    formats: Collection[str],
    info: dict[str, object],
    notes: Notes | None = None,
) -> VariantRecord:
    """A record from another reader (Hail), frozen as ``convert`` freezes a pysam record:
    ``columns`` are the samples' FORMAT text in ``keys`` order, identical columns share one
    call, and copy number, ALT equal to REF and a missing END are read the same way.
    ``formats`` are the FORMAT fields the source declares (a MatrixTable's entry fields)."""
    block = not alts or all(a in GVCF_ALTS for a in alts)
    declared = _declared(SimpleNamespace(formats=formats), alts, block, stop - pos + 1)
    parsed: dict[str, SampleCall] = {}
    calls = []
    for column in columns:
        call = parsed.get(column)
        if call is None:
            call = parsed[column] = _sample_call(column, list(keys), len(alts), block, declared)
        calls.append(call)
    return _assembled(
        chrom,
        pos,
        ref or "N",
        alts,
        stop,
        filters,
        record_id,
        tuple(calls),
        info.get,
        notes,
        notes is not None
        and unknown_extent(SimpleNamespace(pos=pos, stop=stop, alts=alts, info=info)),
    )


def _assembled(
    chrom: str,
    pos: int,
    ref: str,
    alts: tuple[str, ...],
    stop: int,
    filters: tuple[str, ...],
    record_id: str | None,
    calls: tuple[SampleCall, ...],
    info: Callable[[str], object],
    notes: Notes | None,
    extent_unknown: bool,
) -> VariantRecord:
    """The frozen record, from whichever reader: copy number read into the GT of a deletion,
    calls carrying an ALT equal to REF made missing, and the notes both say."""
    svtype = cipos = ciend = None
    if any(a.startswith("<") or "[" in a or "]" in a for a in alts):
        svtype = info("SVTYPE")
        cipos = _pair(info("CIPOS")) if info("CIPOS") is not None else None
        ciend = _pair(info("CIEND")) if info("CIEND") is not None else None
        deletion = deletion_index(alts, svtype)  # type: ignore[arg-type]
        if deletion is not None:
            ambiguous = alts[deletion - 1].upper() == "<CNV>"
            calls = tuple(_genotype_from_copy_number(c, deletion, ambiguous) for c in calls)
    record = VariantRecord(
        chrom=chrom,
        pos=pos,
        ref=ref,
        alts=alts,
        end=stop,
        filters=filters,
        record_id=record_id,
        calls=calls,
        index=0,
        svtype=svtype,  # type: ignore[arg-type]
        cipos=cipos or (0, 0),
        ciend=ciend or (0, 0),
    )
    unreadable = unreadable_alleles(ref, alts)
    for name, _ in dict.fromkeys(unreadable.values()):
        bad = {i for i, (n, _) in unreadable.items() if n == name}
        why = f"{name}: not a base"
        record = replace(record, calls=tuple(_without(c, bad, why) for c in record.calls))
    same = {i for i, a in enumerate(alts, 1) if a.upper() == ref.upper()} - set(unreadable)
    if same:
        why = "ALT equals REF"
        record = replace(record, calls=tuple(_without(c, same, why) for c in record.calls))
    if notes is not None:
        where = f"{shown(record.chrom)}:{record.pos}"
        for name, why in dict.fromkeys(unreadable.values()):
            notes.add(
                record,
                f"{where}: {name}: {why}; "
                + (
                    "the record names no change anyone can check: every call on it is read as "
                    "missing, and it has no HGVS name"
                    if name.startswith("REF")
                    else "it names no change anyone can check: the calls carrying it are read "
                    "as missing, and it has no HGVS name"
                ),
            )
        if same:
            notes.add(
                record,
                f"{where}: ALT equals REF ({shown(ref)}), which is no variant: the calls "
                "carrying it are read as missing",
            )
        if extent_unknown:
            notes.add(
                record,
                f"{where}: {shown(alts[0])} has no usable END (missing, or before POS) and no "
                "SVLEN: its extent is unknown, so it may cover any catalog site",
            )
    return record
