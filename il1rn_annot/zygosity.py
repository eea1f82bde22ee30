"""One sample's call at one record, read on its own: zygosity, the flags that keep it from
deciding, the bases an allele changes, and the haplotype a heterozygous deletion removes. The
genotype call (``genotype``) and family evidence (``family``) both count copies from these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from il1rn_annot.match import REF_UNKNOWN, deletion_of, is_deletion_allele
from il1rn_annot.model import Allele, AltAllele, AnnotatedAllele, SampleCall, VariantRecord
from il1rn_annot.normalize import SPANNING_DELETION, is_structural, minimal


@dataclass(frozen=True)
class Thresholds:
    """--min-dp and --min-gq: a call below either never decides a genotype."""

    min_dp: int = 10
    min_gq: int = 20


def quality_flags(record: VariantRecord, call: SampleCall, thresholds: Thresholds) -> list[str]:
    """Why this sample's evidence at this record is not good enough to decide a call."""
    flags = [] if record.passed else [f"FILTER={record.filter_text}"]
    return flags + sample_flags(call, thresholds)


def sample_flags(call: SampleCall, thresholds: Thresholds) -> list[str]:
    """Sample-level failures only: a site FILTER does not make a good reference call unusable."""
    flags = []
    if call.sample_filter not in (None, "", ".", "PASS"):
        flags.append(f"FT={call.sample_filter}")
    if call.depth is not None and call.depth < thresholds.min_dp:
        flags.append(f"DP={call.depth}<{thresholds.min_dp}")
    if call.gq is not None and call.gq < thresholds.min_gq:
        flags.append(f"GQ={call.gq}<{thresholds.min_gq}")
    flags.extend(f"{key} missing" for key in call.quality_unknown)
    return flags


def zygosity(call: SampleCall, alt_index: int) -> tuple[str, int, int]:
    """(zygosity, copies of the ALT, missing slots) for one sample and one ALT.

    >>> zygosity(SampleCall((0, 1), False), 1)
    ('het', 1, 0)
    >>> zygosity(SampleCall((None, 1), False), 1)
    ('het', 1, 1)
    >>> zygosity(SampleCall((1,), True), 1)
    ('hemizygous', 1, 0)
    >>> zygosity(SampleCall((None, None), False), 1)
    ('no_call', 0, 2)
    >>> zygosity(SampleCall((), False), 1)  # no GT at all
    ('no_call', 0, 2)
    """
    if call.absent:
        return "", 0, 0  # the record's file does not have this sample: no evidence either way
    if not call.alleles:
        return "no_call", 0, 2
    copies = sum(1 for a in call.alleles if a == alt_index)
    missing = sum(1 for a in call.alleles if a is None)
    if copies == 0:
        return ("no_call" if missing else "", 0, missing)
    if len(call.alleles) == 1:
        return "hemizygous", copies, missing
    return ("hom_alt" if copies == len(call.alleles) else "het"), copies, missing


def affected_span(alt: AltAllele) -> tuple[int, int]:
    """The reference bases an allele changes (for an insertion: the two bases around it). A
    deletion whose extent the record does not give may reach anywhere: the whole chromosome."""
    deletion = deletion_of(alt)
    if deletion is not None:
        return deletion.start, deletion.end
    if is_deletion_allele(alt.allele.alt):
        return 1, 2**31
    if alt.allele.symbolic:
        return alt.record.pos + 1, max(alt.record.end, alt.record.pos + 1)
    start, ref, _ = minimal(alt.allele)
    return (start, start + len(ref) - 1) if ref else (start - 1, start)


def replaced_bases(annotated: AnnotatedAllele) -> tuple[int, int] | None:
    """The reference bases an allele written with its bases (an SNV, an MNV, a deletion with
    its full REF) replaces or deletes on its haplotype: no other allele sits on them there. An
    insertion sits between two bases, p-1 and p: the empty span (p, p-1), which lies on a
    site's bases only where both are the site's (between two bases a deletion removes). None
    for symbolic alleles and breakends, whose extent is uncertain and which two callers often
    write twice."""
    allele = annotated.alt.allele
    if allele.symbolic or deletion_of(annotated.alt) is not None:
        return None
    start, ref, _ = minimal(allele)
    return start, start + len(ref) - 1


def could_hide(annotated: AnnotatedAllele) -> bool:
    """An allele that is not a catalog match but may contain or remove one where it overlaps:
    anything but a plain SNV, or a record whose REF contradicts known bases."""
    if annotated.mate:
        return False  # its deletion is judged on the first breakend
    allele = annotated.alt.allele
    snv = not allele.symbolic and len(allele.ref) == len(allele.alt) == 1
    return not snv or bool(annotated.warnings)


def short(allele: Allele) -> str:
    """An allele for a message: long sequences (SV callers write whole deletions) shortened.

    >>> short(Allele(100, "A" * 200, "A"))
    '100 AAAAA…(200 bp)>A'
    """

    def seq(bases: str) -> str:
        return bases if len(bases) <= 12 else f"{bases[:5]}…({len(bases)} bp)"

    return f"{allele.pos} {seq(allele.ref)}>{seq(allele.alt)}"


@dataclass(frozen=True)
class LostHaplotype:
    """A heterozygous deletion in one sample: the bases one haplotype lacks."""

    start: int  # as called
    end: int
    sure: tuple[int, int]  # bases deleted whatever the breakpoint uncertainty (CIPOS/CIEND)
    call: SampleCall
    alt_index: int
    passed: bool  # a complete, passing call
    #: bases the deletion may remove, its breakpoint uncertainty (CIPOS/CIEND) included
    reach: tuple[int, int] | None = None

    def holds(self, span: tuple[int, int]) -> bool:
        """The deletion surely removes all of ``span`` from its haplotype."""
        return self.passed and self.sure[0] <= span[0] and span[1] <= self.sure[1]

    def touches(self, span: tuple[int, int]) -> bool:
        """The deletion may remove part of ``span``: a site just past its called end is still
        within reach when CIEND (or CIPOS) says the end may lie further out."""
        first, last = self.reach or (self.start, self.end)
        return first <= span[1] and span[0] <= last


def deleted_bases(alt: AltAllele) -> tuple[int, int, tuple[int, int]] | None:
    """(first, last, surely deleted span) of a deletion allele: symbolic, a breakend pair, or a
    sequence-resolved deletion (full REF, as Manta and DRAGEN write them). None otherwise."""
    deletion = deletion_of(alt)
    if deletion is not None:
        sure = (deletion.start + deletion.cipos[1], deletion.end + deletion.ciend[0])
        return deletion.start, deletion.end, sure
    if alt.allele.symbolic:
        return None
    start, ref, inserted = minimal(alt.allele)
    if not ref or inserted:
        return None
    end = start + len(ref) - 1
    return start, end, (start, end)


def _reach(alt: AltAllele, start: int, end: int) -> tuple[int, int]:
    """The widest extent a deletion may have: its called ends moved out by CIPOS/CIEND."""
    deletion = deletion_of(alt)
    if deletion is None:
        return start, end
    return start + min(0, deletion.cipos[0]), end + max(0, deletion.ciend[1])


def lost_haplotypes(
    sample_index: int, alleles: Iterable[AnnotatedAllele], thresholds: Thresholds
) -> list[LostHaplotype]:
    """The heterozygous deletions the sample carries, whatever their classification: a catalog
    allele inside one has at most the other haplotype to sit on."""
    out = []
    for annotated in alleles:
        if annotated.mate:
            continue
        lost = lost_haplotype(annotated, annotated.alt.record.calls[sample_index], thresholds)
        if lost is not None:
            out.append(lost)
    return out


def lost_haplotype(
    annotated: AnnotatedAllele, call: SampleCall, thresholds: Thresholds
) -> LostHaplotype | None:
    """The haplotype one call of a deletion removes, when it is heterozygous (diploid)."""
    zyg, _, missing = zygosity(call, annotated.alt.alt_index)
    extent = deleted_bases(annotated.alt) if zyg == "het" else None
    if extent is None or len(call.alleles) != 2:
        return None
    passed = not missing and not quality_flags(annotated.alt.record, call, thresholds)
    reach = _reach(annotated.alt, extent[0], extent[1])
    return LostHaplotype(*extent, call, annotated.alt.alt_index, passed, reach)


def one_copy(call: SampleCall, index: int, lost: LostHaplotype) -> SampleCall:
    """A homozygous-looking call inside a heterozygous deletion, as the one copy it is: on the
    haplotype the deletion spares when both are phased in one set, else unphased."""
    same_set = call.phased and lost.call.phased and call.phase_set == lost.call.phase_set
    if same_set:
        alleles = tuple(0 if a == lost.alt_index else index for a in lost.call.alleles)
        return replace(call, alleles=alleles)
    return replace(call, alleles=(index, 0), phased=False)


def sv_record(record: VariantRecord) -> bool:
    """A record of an SV/CNV caller: symbolic or breakend ALTs, or any record of the --sv file
    (sequence-resolved deletions too). Its reference call only says the caller found no such
    event: it proves no small-variant site."""
    return record.sv_file or (bool(record.alts) and all(is_structural(a) for a in record.alts))


#: Relations of two heterozygous alleles in one sample (``phase_relation``).
TRANS, CIS, UNKNOWN, CONFLICT = "trans", "cis", "unknown", "conflict"
#: The genotype's notes on phase (``family`` replaces them where inheritance disagrees).
TRANS_NOTE = "pathogenic alleles in trans (phased, or one inside the other's deletion)"
CIS_NOTE = "phased in cis (same haplotype): one allele"


def slots(call: SampleCall, alt_index: int) -> tuple[int, ...]:
    """Which haplotypes (GT positions) carry the allele."""
    return tuple(i for i, a in enumerate(call.alleles) if a == alt_index)


def gt_phase(a: AnnotatedAllele, call_a: SampleCall, b: AnnotatedAllele, call_b: SampleCall) -> str:
    """What the GTs alone say of two alleles: the ALTs of one record (``1/2`` is trans by
    construction), or phased in one set (phased without PS counts as one set, VCF spec). The
    phase sets of two files (the VCF and --sv) are unrelated, whatever their numbers."""
    sa, sb = slots(call_a, a.alt.alt_index), slots(call_b, b.alt.alt_index)
    if not sa or not sb:
        return UNKNOWN
    if a.alt.record.index == b.alt.record.index:
        return TRANS if set(sa) != set(sb) else CIS
    if a.alt.record.sv_file != b.alt.record.sv_file:
        return UNKNOWN
    diploid = len(call_a.alleles) == len(call_b.alleles) == 2
    if call_a.phased and call_b.phased and diploid and call_a.phase_set == call_b.phase_set:
        return CIS if sa == sb else TRANS
    return UNKNOWN


def phase_relation(
    a: AnnotatedAllele, call_a: SampleCall, b: AnnotatedAllele, call_b: SampleCall
) -> str:
    """TRANS, CIS or UNKNOWN for two heterozygous alleles of one sample; CONFLICT when the GTs
    put on one haplotype an allele and a deletion that removes its bases (an allele cannot sit
    on a haplotype that lacks them: the phase, the deletion or the allele's call is wrong)."""
    by_gt = gt_phase(a, call_a, b, call_b)
    if removes(a, b) or removes(b, a):
        return CONFLICT if by_gt == CIS else TRANS
    return by_gt


def removes(a: AnnotatedAllele, b: AnnotatedAllele) -> bool:
    """``a`` is a deletion (symbolic, breakends or sequence-resolved) that surely removes the
    bases of ``b``'s allele. Two deletions that largely overlap may be one event written twice
    (by two callers or files): that proves nothing about phase."""
    if b is a:
        return False
    deletion = deleted_bases(a.alt)
    if deletion is None:
        return False
    lo, hi = deletion[2]
    start, end = affected_span(b.alt)
    if not (lo <= start and end <= hi):
        return False
    other = deleted_bases(b.alt)
    return other is None or (other[1] - other[0] + 1) * 2 <= deletion[1] - deletion[0] + 1


def unmeasured_block(record: VariantRecord, call: SampleCall) -> bool:
    """A gVCF reference block that states neither GQ nor depth proves nothing."""
    return reference_block(record) and call.gq is None and call.depth is None


def reference_block(record: VariantRecord) -> bool:
    """A gVCF reference block: its only ALTs are <NON_REF> or <*>."""
    return bool(record.alts) and all(a in ("<NON_REF>", "<*>") for a in record.alts)


def spanning_slots(record: VariantRecord, call: SampleCall) -> int:
    """GT slots naming a ``*`` ALT: haplotypes whose bases here a deletion written on another
    record removes. They are not reference, and not this record's ALT either.

    >>> r = VariantRecord("2", 10, "G", ("T", "*"), 10, (), None, (), 0)
    >>> [spanning_slots(r, SampleCall(gt, False)) for gt in ((2, 2), (1, 2), (0, 1), (None, 2))]
    [2, 1, 0, 1]
    """
    star = {i for i, alt in enumerate(record.alts, 1) if alt == SPANNING_DELETION}
    return sum(1 for a in call.alleles if a in star) if star else 0


def removes_base(annotated: AnnotatedAllele, pos: int) -> bool:
    """The allele deletes (or replaces) the reference base at ``pos``: the record a ``*`` allele
    at ``pos`` refers to. A deletion of unknown extent may reach it too."""
    if annotated.mate:
        return False
    allele = annotated.alt.allele
    if allele.symbolic:  # a breakend or a gain removes no bases
        removing = deletion_of(annotated.alt) is not None or is_deletion_allele(allele.alt)
    else:  # an insertion or an SNV neither
        removing = bool(minimal(allele)[1]) and len(allele.ref) + len(allele.alt) > 2
    start, end = affected_span(annotated.alt)
    return removing and start <= pos <= end


def ref_unknown(annotated: AnnotatedAllele) -> bool:
    """The record's REF is N over a catalog allele's bases (``match.REF_UNKNOWN``)."""
    return any(w.startswith(REF_UNKNOWN) for w in annotated.warnings)


def ref_n_over(record: VariantRecord, start: int, end: int) -> bool:
    """The record's REF is N somewhere in ``start``..``end``: a call of it proves no base there.

    >>> ref_n_over(VariantRecord("2", 10, "GN", ("T",), 11, (), None, (), 0), 11, 11)
    True
    """
    ref = record.ref.upper()
    return any(ref[p - record.pos] == "N" for p in range(max(start, record.pos), end + 1)
               if p - record.pos < len(ref))  # fmt: skip
