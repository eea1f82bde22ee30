"""Family evidence (``--ped``): inheritance phases two heterozygous alleles that the reads could
not, and alleles that do not follow Mendel's rules point at a sample swap, a wrong PED, a de novo
allele or a deletion. Inheritance is used only where it proves phase, in a trio with no Mendelian
inconsistency; an inconsistency is a review reason. Where the child's own GTs phase the pair
(read-backed phase, a deletion), inheritance checks them, and a contradiction leaves the phase
unknown: never a confident call that one of the two sources denies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from il1rn_annot.model import (
    BIALLELIC,
    BIALLELIC_UNPHASED,
    MONOALLELIC,
    AnnotatedAllele,
    SampleReport,
    SampleVariant,
)
from il1rn_annot.zygosity import (
    CIS,
    CIS_NOTE,
    TRANS,
    TRANS_NOTE,
    UNKNOWN,
    Thresholds,
    affected_span,
    lost_haplotypes,
    phase_relation,
    quality_flags,
    removes,
    short,
    zygosity,
)

#: Inconsistencies at alleles that do not count are listed up to this many per child.
MAX_LISTED = 3


@dataclass(frozen=True)
class Trio:
    """One child of a pedigree with the parents the PED file names (None: not given)."""

    family: str
    child: str
    father: str | None
    mother: str | None


#: The child's call from its own GTs, by the phase they give its two alleles.
_BY_PHASE = {TRANS: BIALLELIC, CIS: MONOALLELIC, UNKNOWN: BIALLELIC_UNPHASED}


@dataclass(frozen=True)
class _Member:
    role: str  # child | father | mother
    report: SampleReport
    index: int  # column in the VCF


def apply_family(
    reports: Sequence[SampleReport],
    samples: Sequence[str],
    trios: Sequence[Trio],
    thresholds: Thresholds,
) -> list[SampleReport]:
    """Refine the children's calls with their parents' genotypes from the same VCF, and flag
    Mendelian inconsistencies in the child (and, at counting alleles, in the parents)."""
    out = {r.sample: r for r in reports}
    index = {name: i for i, name in enumerate(samples)}
    for trio in trios:
        if trio.child not in out or trio.child not in index:
            continue
        members = [_Member("child", out[trio.child], index[trio.child])]
        for role, name in (("father", trio.father), ("mother", trio.mother)):
            if name and name in out and name in index:
                members.append(_Member(role, out[name], index[name]))
        conflicts = _conflicts(members, thresholds)
        child = members[0].report
        reasons = [text for text, _ in conflicts]
        counting = [text for text, counts in conflicts if counts]
        others = [text for text, counts in conflicts if not counts]
        if len(others) > MAX_LISTED:
            reasons = [
                *counting,
                *others[:MAX_LISTED],
                f"{len(others) - MAX_LISTED} more Mendelian inconsistencies in the window",
            ]
        if conflicts:
            updated = _with(child, reasons=reasons)
            if child.dira_genotype == BIALLELIC_UNPHASED:
                updated = _with(
                    updated,
                    reasons=["inheritance not used to phase: the trio has Mendelian "
                             "inconsistencies"],
                )  # fmt: skip
            out[trio.child] = updated
            for parent in members[1:]:
                if counting:
                    out[parent.report.sample] = _with(
                        out[parent.report.sample],
                        reasons=[f"in the trio of {trio.child}: {text}" for text in counting],
                    )
            continue
        parents = {m.role: m for m in members[1:]}
        updated, cis_parent = _phase(child, parents, thresholds)
        out[trio.child] = updated
        if cis_parent is not None:
            # The child shows the parent's two alleles travel together: the parent is a carrier.
            parent = out[cis_parent]
            if parent.dira_genotype == BIALLELIC_UNPHASED:
                out[cis_parent] = _with(
                    parent,
                    call=MONOALLELIC,
                    reasons=[f"the child {trio.child} inherited both alleles from this parent: "
                             "in cis"],
                )  # fmt: skip
    return [out[r.sample] for r in reports]


def _with(
    report: SampleReport,
    call: str | None = None,
    reasons: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> SampleReport:
    merged = list(dict.fromkeys([*report.review_reasons, *reasons]))
    return replace(
        report,
        dira_genotype=call or report.dira_genotype,
        review_reasons=merged,
        needs_review=bool(merged),
        notes=list(dict.fromkeys([*report.notes, *notes])),
    )


def _copies(member: _Member, annotated: AnnotatedAllele, thresholds: Thresholds) -> int | None:
    """Copies of the allele a passing, complete diploid call proves, counted by haplotype (a
    homozygous call inside a passing heterozygous deletion is one copy); None when the call
    proves nothing (missing, failing, haploid, beside a doubtful deletion, or the sample is not
    in the record's file)."""
    record = annotated.alt.record
    call = record.calls[member.index]
    if call.absent or len(call.alleles) != 2 or None in call.alleles:
        return None
    if quality_flags(record, call, thresholds):
        return None
    _, copies, _ = zygosity(call, annotated.alt.alt_index)
    if copies == 2:
        span = affected_span(annotated.alt)
        alleles = [v.annotated for v in member.report.variants]
        around = [d for d in lost_haplotypes(member.index, alleles, thresholds) if d.touches(span)]
        if around:
            return 1 if any(d.holds(span) for d in around) else None
    return copies


def _label(annotated: AnnotatedAllele) -> str:
    if annotated.dira_id:
        names = [*annotated.dira_legacy_names[:1], annotated.dira_name]
        name = ", ".join(dict.fromkeys(n for n in names if n))
        return f"{annotated.dira_id} ({name})" if name else annotated.dira_id
    return f"{annotated.alt.record.chrom}:{short(annotated.alt.allele)}"


def _conflicts(members: Sequence[_Member], thresholds: Thresholds) -> list[tuple[str, bool]]:
    """Alleles whose passing calls in the trio break Mendel's rules, in either direction: the
    child has more copies than the parents can give (an allele neither parent carries, or a
    homozygous child of a reference parent) or fewer than they must give (a parent homozygous
    for an allele the child lacks). Each as (review reason, whether the allele counts)."""
    child, parents = members[0], members[1:]
    alleles: dict[tuple[int, int], AnnotatedAllele] = {}
    for member in members:
        for v in member.report.variants:
            a = v.annotated
            if not a.mate:
                alleles.setdefault((a.alt.record.index, a.alt.alt_index), a)
    out = []
    for annotated in alleles.values():
        kid = _copies(child, annotated, thresholds)
        if kid is None:
            continue
        given = {p.role: _copies(p, annotated, thresholds) for p in parents}
        at_least = sum(1 for n in given.values() if n == 2)
        at_most = (2 - len(parents)) + sum(1 for n in given.values() if n != 0)
        if at_least <= kid <= at_most:
            continue
        label = _label(annotated)
        gts = ", ".join(
            f"{m.role} {m.report.sample} {annotated.alt.record.calls[m.index].gt_text}"
            for m in members
        )
        name = child.report.sample
        if kid > at_most and kid == 2 and at_most == 1:
            role = next(r for r, n in given.items() if n == 0)
            why = (
                f"{name} is homozygous but the {role} calls it reference: possible deletion on "
                f"the {role}'s allele (or a sample swap or a genotyping error)"
            )
        elif kid > at_most:
            why = f"{name} carries it but neither parent does (a de novo allele, a sample swap "
            why += "or a wrong PED)"
        else:
            why = f"{name} lacks the copy a homozygous parent must pass on (a sample swap, a "
            why += "wrong PED or a deletion)"
        out.append((f"Mendelian inconsistency at {label}: {gts}; {why}", annotated.pathogenic))
    return out


def _phase(
    child: SampleReport, parents: dict[str, _Member], thresholds: Thresholds
) -> tuple[SampleReport, str | None]:
    """Phase the child's two heterozygous alleles by inheritance where the parents prove it:
    trans when each comes from a different parent who lacks the other (passing reference calls
    there), cis when one parent has both and the other lacks both. Anything else proves nothing:
    a parent carrying both alleles may have passed them on together. Where the child's own
    GTs phase the pair (read-backed phase, a ``1/2`` record, a deletion), inheritance checks
    them: agreement is noted, a contradiction leaves the phase unknown (biallelic_unphased)."""
    if child.dira_genotype not in (BIALLELIC_UNPHASED, BIALLELIC, MONOALLELIC):
        return child, None
    if len(parents) != 2:
        return child, None
    het: dict[str, list[SampleVariant]] = {}
    for v in child.variants:
        if v.annotated.pathogenic and v.copies == 1 and v.passed and not v.missing:
            het.setdefault(v.annotated.key, []).append(v)
        elif v.annotated.pathogenic and (v.copies or v.missing):
            return child, None  # the call does not rest on one pair of heterozygous alleles
    if len(het) != 2:
        return child, None
    (a, records_a), (b, records_b) = sorted(het.items())
    said = _reads_say(records_a, records_b)
    if said is None:
        return child, None  # the child's records phase the pair both ways: the call says so
    by_reads, va, vb = said
    first, second = va.annotated, vb.annotated
    if _BY_PHASE.get(by_reads) != child.dira_genotype:
        return child, None  # a conflict of the GTs themselves: the genotype call handles it
    reads = _read_phase(va, vb)

    # Each parent's copies of each allele, once (the branches below ask for them repeatedly):
    # what the parent's calls in every record of the child's allele agree on, else unknown.
    proven = {}
    for role, member in parents.items():
        for x, records in ((first, records_a), (second, records_b)):
            copies = {_copies(member, v.annotated, thresholds) for v in records}
            proven[role, x.key] = copies.pop() if len(copies) == 1 else None

    def has(role: str, allele: AnnotatedAllele) -> int | None:
        return proven[role, allele.key]

    for p, q in (("father", "mother"), ("mother", "father")):
        if has(p, first) and has(p, second) == 0 and has(q, second) and has(q, first) == 0:
            how = f"{a} from the {p}, {b} from the {q}"
            if by_reads == CIS:
                return _unphased(child, a, b, reads, f"puts them in trans ({how})"), None
            note = f"{a} and {b} in trans by inheritance ({how})"
            if by_reads == TRANS:
                note += f", as {reads} shows"
            return _with(child, call=BIALLELIC, notes=[note]), None
    for p, q in (("father", "mother"), ("mother", "father")):
        if has(p, first) and has(p, second) and has(q, first) == 0 and has(q, second) == 0:
            carrier = parents[p].report
            if carrier.dira_genotype == BIALLELIC:
                why = (
                    f"the {p} carries {a} and {b} in trans yet passed both to the child: "
                    "Mendelian inconsistency (sample swap, de novo allele or a deletion?)"
                )
                if by_reads != UNKNOWN:
                    why = (
                        f"has both from the {p}, who carries them in trans (a Mendelian "
                        "inconsistency)"
                    )
                    return _unphased(child, a, b, reads, why), None
                return _with(child, reasons=[why]), None
            how = f"both from the {p}, the {q} has neither"
            if by_reads == TRANS:
                return _unphased(child, a, b, reads, f"puts them in cis ({how})"), None
            why = f"{a} and {b} inherited together from the {p}: in cis, one allele"
            if by_reads == CIS:
                why += f", as {reads} shows"
            return _with(child, call=MONOALLELIC, reasons=[why]), carrier.sample
    carriers = [r for r in parents if has(r, first) and has(r, second)]
    if carriers and by_reads == UNKNOWN:
        note = (
            f"the {' and the '.join(carriers)} carr{'y' if len(carriers) > 1 else 'ies'} both "
            f"{a} and {b}: inheritance does not prove their phase in the child"
        )
        return _with(child, notes=[note]), None
    return child, None


def _reads_say(
    records_a: Sequence[SampleVariant], records_b: Sequence[SampleVariant]
) -> tuple[str, SampleVariant, SampleVariant] | None:
    """What the child's GTs say of the pair's phase, from every record of each allele (merged
    call sets write an allele twice), with a pair of records that says it; None where records
    phase the pair both ways. Any record that phases the pair speaks, whatever the order."""
    pairs = [(phase_relation(x.annotated, x.call, y.annotated, y.call), x, y)
             for x in records_a for y in records_b]  # fmt: skip
    known = list(dict.fromkeys(relation for relation, _, _ in pairs if relation != UNKNOWN))
    if len(known) > 1:
        return None
    by_reads = known[0] if known else UNKNOWN
    return next(p for p in pairs if p[0] == by_reads)


def _read_phase(va: SampleVariant, vb: SampleVariant) -> str:
    """Where the child's GTs phase the pair, for a review line."""
    record_a, record_b = va.annotated.alt.record, vb.annotated.alt.record
    if record_a.index == record_b.index:
        return f"the child's record {record_a.chrom}:{record_a.pos} ({va.call.gt_text})"
    if removes(va.annotated, vb.annotated) or removes(vb.annotated, va.annotated):
        return "the child's deletion (one allele lies inside the other's)"
    ps = "" if va.call.phase_set is None else f", PS {va.call.phase_set}"
    return (
        f"the child's read-backed phase ({record_a.chrom}:{record_a.pos} {va.call.gt_text}, "
        f"{record_b.chrom}:{record_b.pos} {vb.call.gt_text}{ps})"
    )


def _unphased(child: SampleReport, a: str, b: str, reads: str, inherited: str) -> SampleReport:
    """The child's GTs and inheritance phase the pair differently: the phase is unknown."""
    by_reads = "in trans" if child.dira_genotype == BIALLELIC else "in cis"
    why = (
        f"phase conflict: {reads} puts {a} and {b} {by_reads}, but inheritance {inherited}: "
        "a phasing error, a sample swap, a wrong PED, a de novo allele or a deletion; phase "
        "unknown"
    )
    cis = f"{b} and {a} {CIS_NOTE}", f"{a} and {b} {CIS_NOTE}"
    return replace(
        _with(child, call=BIALLELIC_UNPHASED, reasons=[why]),
        review_reasons=[r for r in [*child.review_reasons, why] if r not in cis],
        notes=[n for n in child.notes if n != TRANS_NOTE and n not in cis],
    )
