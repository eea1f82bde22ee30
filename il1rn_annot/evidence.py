"""What one sample's records say about each counting catalog allele: ``Evidence`` of copies
proven and allowed, from the calls of the allele, of other alleles over its site, and of records
whose ALT is something else (``genotype`` turns the evidence into the call).

A cohort shares call objects between samples, so what one call of one allele says (``Seen``) is
worked out once and handed to every sample with that call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from il1rn_annot.catalog import CatalogEntry
from il1rn_annot.model import (
    AnnotatedAllele,
    SampleCall,
    SampleVariant,
    VariantRecord,
)
from il1rn_annot.zygosity import (
    LostHaplotype,
    Thresholds,
    affected_span,
    could_hide,
    deleted_bases,
    lost_haplotype,
    one_copy,
    quality_flags,
    ref_n_over,
    ref_unknown,
    removes_base,
    replaced_bases,
    sample_flags,
    short,
    spanning_slots,
    sv_record,
    unmeasured_block,
    zygosity,
)

#: GTs that say "reference" and nothing else; a sample with one of these needs no attention.
_REFERENCE = frozenset({(0, 0)})


@dataclass(frozen=True)
class Site:
    """A counting catalog allele and the bases it changes on the input's build."""

    entry: CatalogEntry
    start: int
    end: int
    ref: str = ""  # the catalog's reference bases from ``start`` on (N: a base it leaves open)

    def overlaps(self, span: tuple[int, int]) -> bool:
        return span[0] <= self.end and span[1] >= self.start


@dataclass(frozen=True)
class Evidence:
    """What one record says about one counting catalog allele in one sample."""

    dira_id: str
    record: VariantRecord | None  # None: a gVCF with no record over the site
    call: SampleCall | None
    alt_index: int | None  # the matching ALT; None when the record is about the site only
    proven: int  # pathogenic copies this record proves
    allowed: int  # pathogenic copies this record allows (proven included)
    reason: str = ""  # why allowed > proven
    reference: bool = False  # a passing call that proves the allele absent
    annotated: AnnotatedAllele | None = None  # the allele, for carrier evidence
    always: bool = False  # a review reason whatever the call (unseen deletion, rearrangement)

    @property
    def slots(self) -> tuple[int, ...]:
        """Which haplotypes (GT positions) carry the allele."""
        if self.alt_index is None or self.call is None:
            return ()
        return tuple(i for i, a in enumerate(self.call.alleles) if a == self.alt_index)

    @property
    def where(self) -> str:
        if self.record is None or self.call is None:
            return "no record"
        return f"{self.record.chrom}:{self.record.pos} ({self.call.gt_text})"


@dataclass(frozen=True)
class Seen:
    """What one call of one allele gives, whichever sample has it: worked out once per distinct
    call of a cohort's record (calls are shared objects), then handed to each sample."""

    annotated: AnnotatedAllele
    call: SampleCall
    #: the report's variant row, shared by the samples with this call (never changed in place);
    #: None when the call neither carries the allele nor misses it
    variant: SampleVariant | None
    lost: LostHaplotype | None  # the haplotype a heterozygous deletion removes
    other: tuple[Evidence, ...]  # what a call of a non-counting allele says of the sites


def seen(
    annotated: AnnotatedAllele,
    call: SampleCall,
    thresholds: Thresholds,
    sites: Sequence[Site],
    deletes: bool | None = None,
) -> Seen:
    """``Seen`` for one call of one allele (``deletes``: whether the allele is a deletion with
    known bases, ``deleted_bases``, when the caller knows it already)."""
    zyg, copies, missing = found = zygosity(call, annotated.alt.alt_index)
    if not zyg:  # neither carried nor missing: nothing to see (``zygosity``)
        return Seen(annotated, call, None, None, ())
    if deletes is None:
        deletes = deleted_bases(annotated.alt) is not None
    lost = None
    if zyg == "het" and deletes and not annotated.mate:
        lost = lost_haplotype(annotated, call, thresholds)
    other: tuple[Evidence, ...] = ()
    if (copies or missing) and not annotated.pathogenic and not call.absent:
        other = tuple(_other_allele(annotated, call, sites, found))
    view = _variant_view(annotated, call, thresholds, found)
    variant = None if view is None else SampleVariant(annotated, call, *view)
    return Seen(annotated, call, variant, lost, other)


def _variant_view(
    annotated: AnnotatedAllele,
    call: SampleCall,
    thresholds: Thresholds,
    found: tuple[str, int, int],
) -> tuple[str, int, int, tuple[str, ...]] | None:
    zyg, copies, missing = found  # zygosity(call, annotated.alt.alt_index)
    if not zyg:
        return None
    if zyg == "het" and copies + spanning_slots(annotated.alt.record, call) == len(call.alleles):
        zyg = "hemizygous"  # every other haplotype lacks the site: a deletion (`*`) there
    return zyg, copies, missing, tuple(quality_flags(annotated.alt.record, call, thresholds))


def sample_variants(items: Sequence[Seen], lost: Sequence[LostHaplotype]) -> list[SampleVariant]:
    """The alleles this sample carries or could not be called for, in file order (``lost``: the
    sample's heterozygous deletions, ``lost_haplotypes``)."""
    rows = [i.variant for i in items if i.variant is not None]
    # A homozygous-looking call inside a heterozygous deletion is one copy: hemizygous. Not
    # when it may be that deletion called again (one copy or two): the row keeps its GT's word.
    for n, v in enumerate(rows if lost else ()):
        if v.zygosity != "hom_alt":
            continue
        start, end = affected_span(v.annotated.alt)
        inside = [d for d in lost if d.start <= start and end <= d.end]
        if inside and not any(_maybe_one_event(v.annotated, d) for d in inside):
            rows[n] = replace(v, zygosity="hemizygous", copies=1)  # this sample's own row
    return rows


def _carrier_evidence(
    annotated: AnnotatedAllele,
    call: SampleCall,
    thresholds: Thresholds,
    lost: Sequence[LostHaplotype] = (),
) -> Evidence:
    """Evidence from a record whose ALT is the catalog allele. Copies are counted by haplotype:
    a homozygous-looking call inside a heterozygous deletion is one copy (the deletion is the
    other haplotype, and counts by its own classification), unless it is itself a deletion that
    may be the same event (two callers: one says 0/1, the other 1/1)."""
    record, index = annotated.alt.record, annotated.alt.alt_index
    dira_id = annotated.key
    _, copies, missing = zygosity(call, index)
    ploidy = len(call.alleles) or 2
    span = affected_span(annotated.alt)
    around = [d for d in lost if d.touches(span)]
    if ploidy == 2 and copies == 2 and around:
        twice = next((d for d in around if _maybe_one_event(annotated, d)), None)
        sure = None if twice else next((d for d in around if d.holds(span)), None)
        one = _carrier_evidence(annotated, one_copy(call, index, sure or around[0]), thresholds)
        if sure is not None:
            return one
        why = (
            f"homozygous call at the edge of, or beside a failing, heterozygous deletion "
            f"({around[0].start}-{around[0].end}): one copy or two"
            if twice is None
            else f"homozygous call of a deletion that may be the heterozygous deletion "
            f"{twice.start}-{twice.end} called again (two callers or files disagree): one copy "
            "or two"
        )
        return replace(one, allowed=2, reason=f"{one.reason}; {why}" if one.reason else why)
    if ploidy > 2:
        return Evidence(dira_id, record, call, index, 0, min(2, copies + missing),
                        f"GT of ploidy {ploidy} on chr2")  # fmt: skip
    if copies == 0 and missing == 0:
        flags = sample_flags(call, thresholds)
        if flags:
            return Evidence(dira_id, record, call, index, 0, ploidy,
                            "reference call fails " + ", ".join(flags))  # fmt: skip
        if ploidy == 1:
            why = "haploid reference call on chr2: the other copy may be deleted"
            return Evidence(dira_id, record, call, index, 0, 1, why)
        # An SV record's reference call only says that this call set lacks this deletion:
        # another SV record (other breakpoints, another caller) may still carry it. A `*`
        # allele is no reference either: a deletion removes the site there (_spanned).
        proves = not sv_record(record) and not spanning_slots(record, call)
        return Evidence(dira_id, record, call, index, 0, 0, reference=proves)
    if copies == 0:
        return Evidence(dira_id, record, call, index, 0, 2 if ploidy == 1 else missing, "no-call")
    flags = quality_flags(record, call, thresholds)
    extra = 1 if ploidy == 1 else 0
    if flags:
        return Evidence(dira_id, record, call, index, 0, copies + missing + extra,
                        "fails " + ", ".join(flags))  # fmt: skip
    if ploidy == 1:
        reason = "hemizygous (haploid GT on chr2): the other allele may be deleted"
    else:
        reason = "half-missing GT" if missing else ""
    return Evidence(
        dira_id, record, call, index, copies, copies + missing + extra, reason, annotated=annotated
    )


def _maybe_one_event(annotated: AnnotatedAllele, lost: LostHaplotype) -> bool:
    """A deletion inside a heterozygous deletion and more than half its length: perhaps one
    event written twice (as ``zygosity.removes`` reads it), not a copy on the other haplotype."""
    bases = deleted_bases(annotated.alt)
    if bases is None or not (lost.start <= bases[0] and bases[1] <= lost.end):
        return False
    return (bases[1] - bases[0] + 1) * 2 > lost.end - lost.start + 1


def _site_evidence(
    sample_index: int,
    items: Sequence[Seen],
    alleles: Sequence[AnnotatedAllele],
    records: Sequence[VariantRecord],
    sites: Sequence[Site],
    thresholds: Thresholds,
    lost: Sequence[LostHaplotype],
) -> list[Evidence]:
    """Everything one sample's records say about the counting catalog alleles."""
    found: list[Evidence] = []
    counted: set[tuple[int, str]] = set()
    for item in items:
        annotated, call = item.annotated, item.call
        if call.absent:
            continue
        if annotated.pathogenic:
            found.append(_carrier_evidence(annotated, call, thresholds, lost))
            counted.add((annotated.alt.record.index, annotated.key))
        else:
            found.extend(item.other)
    # Records over a catalog site whose ALT is some other allele: they can still leave the site
    # open (no-call, failing reference call, odd ploidy) or prove it reference.
    by_alt = {(a.alt.record.index, a.alt.alt_index): a for a in alleles}
    for record in records:
        call = record.calls[sample_index]
        for site in sites:
            if not site.overlaps((record.pos, record.end)):
                continue
            found.extend(_spanned(site, record, call, sample_index, alleles))
            if (record.index, site.entry.id) in counted:
                continue
            elsewhere = _elsewhere(site, record, by_alt)
            found.extend(_other_record(site, record, call, thresholds, elsewhere))
    return found


def _elsewhere(
    site: Site, record: VariantRecord, by_alt: dict[tuple[int, int], AnnotatedAllele]
) -> frozenset[int]:
    """The ALTs of ``record`` (GT numbers) that change none of the site's bases, though the
    record spans them: a haplotype that carries one has the site's reference bases, as a
    reference call's has (Q54X written with the bases of DIRA03 before it; an SNV in a record
    whose REF spans the site for another ALT, a deletion). An ALT not known as bases (symbolic,
    ``*``, not among ``by_alt``) may change them."""
    out = set()
    for k in range(1, len(record.alts) + 1):
        annotated = by_alt.get((record.index, k))
        bases = None if annotated is None else replaced_bases(annotated)
        if bases is not None and (bases[0] > site.end or site.start > bases[1]):
            out.add(k)
    return frozenset(out)


def _other_allele(
    annotated: AnnotatedAllele,
    call: SampleCall,
    sites: Sequence[Site],
    zygous: tuple[str, int, int],
) -> list[Evidence]:
    """What a call of an allele that is not a counting catalog allele says of the sites: a
    rearrangement, or another allele that may hide or remove a catalog allele (``zygous``:
    ``zygosity`` of the call)."""
    record = annotated.alt.record
    found: list[Evidence] = []
    _, copies, missing = zygous
    if copies and annotated.rearrangement and not annotated.mate:
        # A rearrangement may break the gene on its haplotypes: a possible loss of
        # function that nothing proves, whichever catalog sites it leaves intact.
        found.append(Evidence(annotated.key, record, call, None, 0, copies + missing,
                              annotated.rearrangement, always=True))  # fmt: skip
    # A no-call of an allele that would change a site (a CNV without CN, a deletion the
    # caller could not genotype) leaves the site open as much as a call of it.
    if not (copies or missing) or not could_hide(annotated):
        return found
    span = affected_span(annotated.alt)
    unknown = ref_unknown(annotated)
    why = (
        f"the record ({short(annotated.alt.input)}) has REF N over the catalog allele's "
        "bases: it proves neither the allele nor its absence"
        if unknown
        else f"another allele ({short(annotated.alt.allele)}, not in the catalog) changes "
        "the site: it may hide or remove the catalog allele"
        if copies
        else f"another allele ({short(annotated.alt.allele)}, not in the catalog) that "
        "would change the site is not called (no-call): it may hide or remove the catalog "
        "allele"
    )
    for site in sites:
        if site.overlaps(span) and site.entry.id != annotated.dira_id:
            found.append(
                Evidence(site.entry.id, record, call, None, 0, copies + missing, why,
                         always=unknown)
            )  # fmt: skip
    return found


def _spanned(
    site: Site,
    record: VariantRecord,
    call: SampleCall,
    sample_index: int,
    alleles: Sequence[AnnotatedAllele],
) -> list[Evidence]:
    """A ``*`` allele says a deletion on another record removes the site on that haplotype.
    Where the file has that record, the deletion is judged as itself; where it does not (a file
    restricted to the catalog positions, a deletion dropped by a filter), the unseen deletion
    may be pathogenic: the site stays open on those haplotypes."""
    if call.absent:
        return []
    stars = spanning_slots(record, call)
    if not stars:
        return []
    shown = sum(
        zygosity(a.alt.record.calls[sample_index], a.alt.alt_index)[1]
        for a in alleles
        if a.alt.record.index != record.index and removes_base(a, record.pos)
    )
    unseen = stars - shown
    if unseen <= 0:
        return []
    why = (
        f"a deletion spans the site on {unseen} haplotype(s) (ALT *) but its record is not "
        "in the file: it may remove the site or be pathogenic itself"
    )
    return [Evidence(site.entry.id, record, call, None, 0, unseen, why, always=True)]


def _ref_against_site(record: VariantRecord, site: Site) -> str:
    """Where the record's REF contradicts the catalog's reference bases at the site, in words;
    "" where it agrees or the catalog leaves the base open (a REF N is met before this)."""
    ref = record.ref.upper()
    for p in range(max(site.start, record.pos), min(site.end, record.pos + len(ref) - 1) + 1):
        mine, known = ref[p - record.pos], site.ref[p - site.start : p - site.start + 1].upper()
        if known not in ("", "N") and mine != known:
            return (
                f"the record's REF has {mine} at {p} where the reference has {known}: a "
                "misplaced or damaged record proves nothing about the site"
            )
    return ""


def _other_record(
    site: Site,
    record: VariantRecord,
    call: SampleCall,
    thresholds: Thresholds,
    elsewhere: frozenset[int],
) -> list[Evidence]:
    """What a record over a catalog site that is not its allele's says of the site: a passing
    call whose every allele keeps the site's reference bases (REF, or an ALT ``elsewhere``)
    proves it reference; a no-call, odd ploidy or failing call leaves it open."""
    dira_id = site.entry.id
    if call.absent:
        return []
    ploidy = len(call.alleles)
    missing = sum(1 for a in call.alleles if a is None)
    if not call.alleles or missing == ploidy:
        return [Evidence(dira_id, record, call, None, 0, 2, "no-call at the site")]
    if ploidy > 2:
        return [Evidence(dira_id, record, call, None, 0, 2, f"GT of ploidy {ploidy} on chr2")]
    if missing:
        return [Evidence(dira_id, record, call, None, 0, missing, "half-missing GT at the site")]
    if ploidy == 1:
        return [
            Evidence(dira_id, record, call, None, 0, 1,
                     "haploid GT on chr2 at the site: the other copy may be deleted")
        ]  # fmt: skip
    if all(a == 0 or a in elsewhere for a in call.alleles):
        if ref_n_over(record, site.start, site.end):
            # Called against a reference that does not know the base (match.REF_UNKNOWN warns
            # of the record): it proves nothing, and a VCF's silence would prove reference.
            return [
                Evidence(dira_id, record, call, None, 0, 2,
                         "the record's REF has N (an unknown base) over the site: its "
                         "reference call proves nothing about the site")
            ]  # fmt: skip
        flags = sample_flags(call, thresholds)
        if unmeasured_block(record, call):
            flags.append("a reference block without GQ or depth")
        if flags:
            return [
                Evidence(dira_id, record, call, None, 0, 2,
                         "reference call fails " + ", ".join(flags))
            ]  # fmt: skip
        wrong = _ref_against_site(record, site)
        if wrong:
            # A record whose REF is not the reference there is misplaced or damaged (match's
            # ref_mismatch warns of it): its reference call proves nothing about the site.
            return [Evidence(dira_id, record, call, None, 0, 2, wrong)]
        return [Evidence(dira_id, record, call, None, 0, 0, reference=True)]
    return []  # another ALT called: handled with the alleles (could_hide) or irrelevant
