"""The sample's DIRA genotype call from the zygosity of its records (``zygosity``).

For every counting catalog allele the evidence gives two numbers: the copies it *proves*
(passing calls of the allele) and the copies it *allows* (add missing GT slots, calls that fail
FILTER/thresholds, a hemizygous call whose other copy may be deleted, duplicate records, and any
other allele that overlaps the site and could hide or remove it). The call is made with the
proven dosage and with the allowed dosage. When the two agree the evidence decides the call; when
they differ, the sample is ``indeterminate`` and the review reasons name the deciding evidence.
Nothing uncertain ever silently decides a call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from il1rn_annot.catalog import Catalog
from il1rn_annot.coverage import gvcf_coverage, site_coverage
from il1rn_annot.deletions import _ARRAYS_FROM, pattern_counts, pattern_rows, pattern_text
from il1rn_annot.evidence import (
    _REFERENCE,
    Evidence,
    Seen,
    Site,
    _site_evidence,
    sample_variants,
    seen,
)
from il1rn_annot.model import (
    BIALLELIC,
    BIALLELIC_UNPHASED,
    INDETERMINATE,
    MONOALLELIC,
    NONE,
    NOVEL_LOF,
    AnnotatedAllele,
    SampleCall,
    SampleReport,
    SampleVariant,
    VariantRecord,
)
from il1rn_annot.normalize import is_structural, minimal
from il1rn_annot.zygosity import (
    CIS,
    CIS_NOTE,
    CONFLICT,
    TRANS,
    TRANS_NOTE,
    UNKNOWN,
    Thresholds,
    deleted_bases,
    phase_relation,
    reference_block,
    removes,
    removes_base,
    replaced_bases,
    short,
    sv_record,
)

#: Opens the review reason of a call that a phase conflict leaves open (``classify``).
READINGS_NOTE = "the phase conflict allows"


def _says_absent(e: Evidence, calls: Sequence[Evidence]) -> bool:
    """A passing reference call that contradicts the records calling the allele: a record of the
    same allele, or a gVCF reference block over the position of a record that calls it (a
    correct gVCF never writes one: its blocks stop at variant records, though they may cover
    the bases a deletion removes)."""
    if e.alt_index is not None:
        return True
    if e.record is None or not reference_block(e.record):
        return False
    block = e.record
    return any(c.record is not None and block.pos <= c.record.pos <= block.end for c in calls)


def _kind(e: Evidence) -> str:
    if not e.reference:
        return "carrier"
    if e.record is not None and e.alt_index is None:
        return f"reference block to {e.record.end}"
    return "reference"


def _relation(a: Sequence[Evidence], b: Sequence[Evidence]) -> str:
    """TRANS, CIS, UNKNOWN or CONFLICT for two heterozygous pathogenic alleles, from every
    proven record of each (``a``, ``b``): an allele called in two records (merged call sets)
    is phased by whichever of them says, whatever their order, and records that phase the
    pair both ways contradict each other (CONFLICT: the call must stand in both readings)."""
    said = {_pair_relation(x, y) for x in a for y in b} - {UNKNOWN}
    if not said:
        return UNKNOWN
    return said.pop() if len(said) == 1 else CONFLICT


def _pair_relation(a: Evidence, b: Evidence) -> str:
    """What one record of each allele says of their phase."""
    if a.annotated is None or b.annotated is None or a.call is None or b.call is None:
        return UNKNOWN
    return phase_relation(a.annotated, a.call, b.annotated, b.call)


def _proven_copies(items: list[Evidence]) -> int:
    """Copies proven by passing calls: the most any record shows, or more when phased records
    (or one multi-allelic record) put the allele on different haplotypes."""
    proven = max((e.proven for e in items), default=0)
    groups: dict[object, set[int]] = {}
    for e in items:
        if e.proven and len(e.call.alleles) == 2:
            if e.call.phased:  # a phase set of one file (the VCF or --sv)
                key: object = ("phase_set", e.record.sv_file, e.call.phase_set)
            else:
                key = ("record", e.record.index)
            groups.setdefault(key, set()).update(e.slots)
    return min(2, max([proven, *(len(s) for s in groups.values())]))


def classify(dosage: dict[str, int], carriers: dict[str, list[Evidence]]) -> tuple[str, str]:
    """The dira_genotype for one dosage assignment, and a note on phase.

    ``dosage`` maps catalog id -> pathogenic copies; ``carriers`` the records that prove each
    allele (for phase). A pair whose phase contradicts a deletion, or that its records phase
    both ways, is read both ways: the call stands only if both readings give it, else it is
    indeterminate.
    """
    present = [i for i, n in dosage.items() if n > 0]
    if any(n >= 2 for n in dosage.values()):
        return BIALLELIC, ""
    if not present:
        return NONE, ""
    if len(present) == 1:
        return MONOALLELIC, ""
    relations = []
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            ea, eb = carriers.get(a), carriers.get(b)
            relations.append(_relation(ea, eb) if ea and eb else UNKNOWN)
    trans, cis = (_by_phase([x if r == CONFLICT else r for r in relations]) for x in (TRANS, CIS))
    if trans != cis:
        return INDETERMINATE, f"{READINGS_NOTE} {cis} (in cis) or {trans} (in trans)"
    call = trans
    if call == BIALLELIC:
        return BIALLELIC, TRANS_NOTE
    if call == MONOALLELIC:
        return MONOALLELIC, f"{' and '.join(present)} {CIS_NOTE}"
    return BIALLELIC_UNPHASED, ""


def _by_phase(relations: list[str]) -> str:
    if TRANS in relations:
        return BIALLELIC
    if all(r == CIS for r in relations):
        return MONOALLELIC
    return BIALLELIC_UNPHASED


def _phase_conflicts(carriers: dict[str, list[Evidence]]) -> list[str]:
    """Review reasons for pairs of carried alleles whose phase contradicts a deletion, or that
    the records of one of them phase both ways."""
    out = []
    ids = sorted(carriers)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            pairs = [(x, y, _pair_relation(x, y)) for x in carriers[a] for y in carriers[b]]
            out += [_deletion_conflict(x, y) for x, y, r in pairs if r == CONFLICT]
            if {r for *_, r in pairs} >= {TRANS, CIS}:
                said = ", ".join(
                    f"records {x.where} and {y.where} in {'trans' if r == TRANS else 'cis'}"
                    for x, y, r in pairs
                    if r in (TRANS, CIS)
                )
                out.append(f"records disagree on the phase of {a} and {b}: {said}")
    return list(dict.fromkeys(out))


def _deletion_conflict(a: Evidence, b: Evidence) -> str:
    """The review line for a pair phased on one haplotype although one deletes the other."""
    if a.annotated is not None and b.annotated is not None and removes(b.annotated, a.annotated):
        a, b = b, a  # name the deletion first
    ps = a.call.phase_set if a.call is not None else None
    return (
        f"phase contradicts a deletion: {a.dira_id} (record {a.where}) deletes the "
        f"bases of {b.dira_id} (record {b.where}), yet the GTs phase both on one "
        f"haplotype{'' if ps is None else f' (PS {ps})'}: the phase, the deletion or "
        f"{b.dira_id} is miscalled"
    )


def call_sample(
    sample: str,
    sample_index: int,
    alleles: Sequence[AnnotatedAllele],
    records: Sequence[VariantRecord],
    catalog: Catalog,
    build: str,
    thresholds: Thresholds,
    gvcf: bool = False,
    exon_records: Sequence[VariantRecord] = (),
    sites: Sequence[Site] | None = None,
    items: Sequence[Seen] | None = None,
) -> SampleReport:
    """Call one sample. ``alleles`` may be limited to those the sample does not call reference,
    and ``records`` to those over catalog sites: nothing else can change the call. In a gVCF
    a site with no passing record is a coverage hole (``exon_records`` measure the CDS).
    ``items`` are ``seen`` of the sample's call of each of ``alleles``, when already known."""
    if sites is None:
        sites = catalog_sites(catalog, build)
    if items is None:
        items = [seen(a, a.alt.record.calls[sample_index], thresholds, sites) for a in alleles]
    lost = [i.lost for i in items if i.lost is not None]
    variants = sample_variants(items, lost)
    evidence = _site_evidence(sample_index, items, alleles, records, sites, thresholds, lost)
    if gvcf:
        covered = {e.dira_id for e in evidence}
        evidence.extend(
            Evidence(site.entry.id, None, None, None, 0, 2, "the gVCF has no record there")
            for site in sites
            if site.entry.id not in covered
        )

    by_id: dict[str, list[Evidence]] = {}
    for e in evidence:
        by_id.setdefault(e.dira_id, []).append(e)
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    carriers: dict[str, list[Evidence]] = {}  # the records that prove each allele, for phase
    reasons: list[str] = [_reason_line(e, catalog) for e in evidence if e.always]
    disputed: set[str] = set()
    site_of = {site.entry.id: site for site in sites}
    for dira_id, items in by_id.items():
        low[dira_id] = _proven_copies(items)
        calls = [e for e in items if e.alt_index is not None and e.proven]
        allowed = sum(e.allowed for e in items)
        if calls and all(_structural(e) for e in calls):
            # One deletion called by several SV records (callers, breakpoints): the same event.
            allowed = max(e.allowed for e in items)
        elif len(calls) > 1 and not _one_haplotype_each(calls):
            allowed = max(allowed, 2)  # the same allele in several unphased records
            # ...which may disagree (0/1 in one, 1/1 in another): each proves only its least.
            low[dira_id] = min(low[dira_id], min(e.proven for e in calls))
            reasons.append(f"{dira_id} is called in {len(calls)} records: copies are uncertain")
        high[dira_id] = min(2, max(allowed, low[dira_id]))
        against = [e for e in items if e.reference and _says_absent(e, calls)]
        if low[dira_id] and against:
            low[dira_id] = 0  # one record proves it absent, another present: trust neither
            disputed.add(dira_id)
            said = ", ".join(f"{e.where} {_kind(e)}" for e in items if e in against or (e in calls))
            reasons.append(f"records disagree on {dira_id} ({said})")
        crowded = _crowding(site_of.get(dira_id), low[dira_id], variants)
        if crowded:
            reasons.append(
                f"records disagree on {dira_id}: {low[dira_id]} proven "
                f"cop{'ies' if low[dira_id] > 1 else 'y'} of it and {crowded} at its bases "
                "need more than two haplotypes"
            )
            low[dira_id] = 0  # more alleles than haplotypes at its bases: trust none of them
            disputed.add(dira_id)
        proving = [e for e in items if e.slots and e.proven]
        if proving:
            carriers[dira_id] = proving
    reasons.extend(_phase_conflicts(carriers))
    call_low, note_low = classify(low, carriers)
    call_high, note_high = classify(high, carriers)

    notes = [n for n in dict.fromkeys((note_low, note_high)) if n]
    if call_low == call_high:
        # Every reading of the evidence gives this call: it is the call (disagreeing records
        # stay in the review reasons).
        dira_genotype = call_low
        reasons = [r for r in reasons if "copies are uncertain" not in r]
        if call_low != INDETERMINATE and any(r.startswith("records disagree") for r in reasons):
            reasons.append(f"every reading of the disagreeing records gives {call_low}")
    else:
        dira_genotype = INDETERMINATE
        reasons.extend(_reason_line(e, catalog) for e in evidence if e.reason)
        if INDETERMINATE not in (call_low, call_high):
            reasons.append(f"the evidence allows anything from {call_low} to {call_high}")
    reasons.extend(n for n in notes if n.endswith(CIS_NOTE) or n.startswith(READINGS_NOTE))
    notes = [n for n in notes if not n.startswith(READINGS_NOTE)]
    seen_alleles = {e.dira_id for e in evidence if e.alt_index is not None and e.allowed > 0}
    for entry_id in sorted(i for i, n in high.items() if n > 0 and i in seen_alleles):
        entry = catalog.entry(entry_id)
        if entry is None:
            reasons.append(
                f"the call counts a novel predicted loss-of-function allele ({entry_id})"
            )
        elif entry.low_confidence and dira_genotype != NONE:
            other = (
                f"; alternative reading of {entry.alternative_to}" if entry.alternative_to else ""
            )
            reasons.append(
                f"call rests on {entry_id} ({entry.name}), evidence level {entry.evidence_level}"
                f"{other}"
            )
    for v in variants:
        a = v.annotated
        if a.classification == NOVEL_LOF and not a.counted and v.copies:
            reasons.append(
                f"novel predicted loss-of-function allele {a.key} ({a.location}, {v.zygosity}): "
                "not counted in the call; --count-novel-lof counts it"
            )
    coverage = site_coverage(sites, by_id, disputed)
    if gvcf:
        coverage = gvcf_coverage(coverage, sample_index, exon_records, build, thresholds)
        if coverage.possible_homozygous_deletion:
            dira_genotype = INDETERMINATE
            reasons.append(
                "possible_homozygous_deletion: the gVCF covers the flanks but has no call over "
                "any NM_173842 coding exon"
            )
    return SampleReport(
        sample=sample,
        dira_genotype=dira_genotype,
        needs_review=bool(reasons),
        review_reasons=list(dict.fromkeys(reasons)),
        coverage=coverage,
        variants=variants,
        notes=notes,
    )


def _reason_line(e: Evidence, catalog: Catalog) -> str:
    """A review line for evidence that leaves a call open: the catalog site, or the allele that
    is not in the catalog (a rearrangement), and the record."""
    where = "" if e.record is None else f", record {e.where}"
    what = f"{e.dira_id} site" if catalog.entry(e.dira_id) is not None else e.dira_id
    return f"{what}{where}: {e.reason}"


def _crowding(site: Site | None, copies: int, variants: Sequence[SampleVariant]) -> str:
    """The other alleles that passing calls put on a catalog site's bases, when with the
    allele's proven copies they need more than two haplotypes: the GTs contradict each other
    (a 1/1 beside another record's 0/1 at the same base), so none of them decides the call."""
    if site is None or not copies:
        return ""
    others: dict[str, SampleVariant] = {}  # each allele once, at its most copies
    for v in variants:
        if not v.copies or not v.passed or v.annotated.key == site.entry.id:
            continue
        bases = replaced_bases(v.annotated)  # (p, p - 1) for an insertion: see there
        if bases is None or bases[0] > site.end or site.start > bases[1]:
            continue
        if v.annotated.key not in others or v.copies > others[v.annotated.key].copies:
            others[v.annotated.key] = v
    if copies + sum(v.copies for v in others.values()) <= 2:
        return ""
    return ", ".join(f"{short(v.annotated.alt.allele)} ({v.call.gt_text})" for v in others.values())


def _structural(e: Evidence) -> bool:
    return e.record is not None and all(is_structural(a) for a in e.record.alts)


def _one_haplotype_each(calls: list[Evidence]) -> bool:
    """Several records of one allele that are phased in one set onto distinct haplotypes, or are
    the ALTs of one record, count once per haplotype and need no caution."""
    if len({e.record.index for e in calls}) == 1:
        return True
    keys = {(e.record.sv_file, e.call.phased, e.call.phase_set) for e in calls}
    slots = [s for e in calls for s in e.slots]
    return len(keys) == 1 and calls[0].call.phased and len(slots) == len(set(slots))


def catalog_sites(catalog: Catalog, build: str) -> tuple[Site, ...]:
    """The counting catalog alleles with the reference bases each one changes on ``build``;
    computed once per catalog and build (a batch of small files asked three times per file)."""
    key = (id(catalog), build)
    known = _SITES.get(key)
    if known is not None and known[0] is catalog:
        return known[1]
    sites = []
    for entry in catalog.matchable():
        locus = entry.locus(build)
        if entry.counts and locus is not None:
            start, ref, _ = minimal(locus.allele)
            sites.append(Site(entry, start, start + max(len(ref), 1) - 1, ref))
    _SITES[key] = (catalog, tuple(sites))  # the catalog is kept: its id is never reused
    return _SITES[key][1]


_SITES: dict[tuple[int, str], tuple[Catalog, tuple[Site, ...]]] = {}


def _by_call(calls: Sequence[SampleCall]) -> tuple[list[tuple[SampleCall, int, int]], Sequence]:
    """The distinct call objects of a record (a cohort's equal calls share one), each with the
    bounds of the samples that have it in the returned order of samples (a numpy array for a
    cohort, listed only when asked: most samples are reference)."""
    codes = getattr(calls, "codes", None)  # a CallColumn: the reader knows the groups
    if codes is not None:
        import numpy as np

        order = np.argsort(codes, kind="stable")
        ends = np.cumsum(np.bincount(codes, minlength=len(calls.distinct))).tolist()
        groups = zip(calls.distinct, [0, *ends[:-1]], ends, strict=True)
        return [g for g in groups if g[2] > g[1]], order
    if len(calls) >= _ARRAYS_FROM:  # numpy, imported only for a cohort
        import numpy as np

        ids = np.fromiter(map(id, calls), dtype=np.int64, count=len(calls))
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        order = np.argsort(inverse.reshape(-1), kind="stable")
        ends = np.cumsum(np.bincount(inverse.reshape(-1))).tolist()
        starts = [0, *ends[:-1]]
        return [
            (calls[f], a, b) for f, a, b in zip(first.tolist(), starts, ends, strict=True)
        ], order
    out: dict[int, tuple[SampleCall, list[int]]] = {}
    for i, call in enumerate(calls):
        out.setdefault(id(call), (call, []))[1].append(i)
    flat: list[int] = []
    groups = []
    for call, where in out.values():
        groups.append((call, len(flat), len(flat) + len(where)))
        flat.extend(where)
    return groups, flat


_UNSEEN = object()
#: From this many samples on, samples whose evidence is the same are called once (``_grouped``).
GROUP_FROM = 2


def _decisive(item: Seen) -> bool:
    """Whether a call of an allele can change the sample's call or review reasons, rather than
    only add a row to its variants: a catalog allele, a heterozygous deletion, another allele
    over a site or a rearrangement, a novel loss of function (``call_sample`` reads nothing else
    of the items but, for ``*`` alleles, the alleles removing a site's base, and for
    ``_crowding``, the alleles of records over a site: the caller counts both as decisive)."""
    a = item.annotated
    return (
        a.pathogenic or item.lost is not None or bool(item.other) or a.classification == NOVEL_LOF
    )


def _call_view(call: SampleCall, thresholds: Thresholds) -> tuple[object, ...]:
    """What ``call_sample`` can read of a call: everything but a DP or GQ that passes its
    threshold, whose value it never shows (it reads depth and GQ only through ``sample_flags``,
    which names a failing value, and ``unmeasured_block``, which asks whether they are missing).
    Calls with the same view give the same call, reasons and coverage."""
    depth, gq = call.depth, call.gq
    return (
        call.alleles,
        call.phased,
        call.phase_set,
        call.gt,
        call.absent,
        call.sample_filter,
        call.quality_unknown,
        call.copy_number,
        depth if depth is None or depth < thresholds.min_dp else True,
        gq if gq is None or gq < thresholds.min_gq else True,
    )


def _grouped(
    names: Sequence[str],
    items: Sequence[list[Seen]],
    decisive: Sequence[list[Seen]],
    site_records: Sequence[VariantRecord],
    catalog: Catalog,
    build: str,
    thresholds: Thresholds,
    sites: Sequence[Site],
) -> list[SampleReport]:
    """``call_sample`` for each sample, made once per distinct evidence: samples with the same
    decisive alleles and the same views of their calls of them and at the site records
    (``_call_view``) get the same call, reasons and coverage; each keeps its own name and
    variant rows. A cohort's samples mostly carry benign variation only, so a few hundred calls
    serve thousands of samples."""
    made: dict[tuple[object, ...], SampleReport] = {}
    views: dict[int, tuple[object, ...]] = {}

    def view(call: SampleCall) -> tuple[object, ...]:
        known = views.get(id(call))
        if known is None:
            known = views[id(call)] = _call_view(call, thresholds)
        return known

    reports = []
    for i, name in enumerate(names):
        key = (
            *((id(s.annotated), view(s.call)) for s in decisive[i]),
            None,
            *(view(r.calls[i]) for r in site_records),
        )
        shared = made.get(key)
        if shared is None:
            chosen = decisive[i]
            shared = made[key] = call_sample(
                name, i, [s.annotated for s in chosen], site_records, catalog, build,
                thresholds, False, (), sites, chosen,
            )  # fmt: skip
        lost = [s.lost for s in decisive[i] if s.lost is not None]
        reports.append(
            SampleReport(
                sample=name,
                dira_genotype=shared.dira_genotype,
                needs_review=shared.needs_review,
                review_reasons=list(shared.review_reasons),
                coverage=replace(shared.coverage),
                variants=sample_variants(items[i], lost),
                notes=list(shared.notes),
            )
        )
    return reports


def call_samples(
    samples: Iterable[str],
    alleles: Sequence[AnnotatedAllele],
    records: Sequence[VariantRecord],
    catalog: Catalog,
    build: str,
    thresholds: Thresholds,
    gvcf: bool = False,
    context: Sequence[VariantRecord] = (),
    interval: tuple[int, int] | None = None,
) -> list[SampleReport]:
    """Call every sample. A cohort's window holds mostly reference calls: each sample only looks
    at the alleles it does not call reference, and at the records over catalog sites."""
    names = list(samples)
    sites = catalog_sites(catalog, build)
    # An SV record's reference call says nothing about the small-variant sites it spans.
    site_records = [
        r for r in records if any(s.overlaps((r.pos, r.end)) for s in sites) and not sv_record(r)
    ]
    at_sites = {id(r) for r in site_records}
    items: list[list[Seen]] = [[] for _ in names]
    # What can change a sample's call (``_decisive``), apart from its calls at site_records.
    decisive: list[list[Seen]] = [[] for _ in names]
    record, groups, order = None, [], []
    # What call_sample can read of each call (``_call_view``), by call object: a cohort's equal
    # calls share one object, across records too.
    views: dict[int, tuple[object, ...]] = {}
    for annotated in alleles:
        deletes = None
        if annotated.alt.record is not record:  # the ALTs of a record come one after another
            record = annotated.alt.record
            groups, order = _by_call(record.calls)
        # Whether any call of this allele decides a sample's call (``_decisive``): every allele
        # of a record over a catalog site does (``_crowding`` reads them all).
        removes_site = id(annotated.alt.record) in at_sites or any(
            removes_base(annotated, r.pos) for r in site_records
        )
        always = annotated.pathogenic or annotated.classification == NOVEL_LOF
        rows: dict[tuple[object, ...], tuple[str, int, int, tuple[str, ...]] | None] = {}
        for call, start, end in groups:
            # A cohort's window holds mostly reference calls: they change no call but that of a
            # catalog allele's site.
            if call.alleles in _REFERENCE and not annotated.pathogenic:
                continue
            # Calls that differ only in passing DP/GQ values see the allele alike: where all
            # they give is a variant row, the row is made from the first one's (``seen``).
            view = views.get(id(call))
            if view is None:
                view = views[id(call)] = _call_view(call, thresholds)
            row = rows.get(view, _UNSEEN)
            if row is not _UNSEEN:
                variant = None if row is None else SampleVariant(annotated, call, *row)
                item = Seen(annotated, call, variant, None, ())
                decides = removes_site or always  # (``_decisive`` of an item without lost, other)
            else:
                if deletes is None:
                    deletes = deleted_bases(annotated.alt) is not None
                item = seen(annotated, call, thresholds, sites, deletes)
                if item.lost is None and not item.other:
                    v = item.variant
                    rows[view] = (
                        None if v is None else (v.zygosity, v.copies, v.missing, v.quality_flags)
                    )
                decides = removes_site or _decisive(item)
            where = order[start:end]
            sharing = where if isinstance(where, list) else where.tolist()
            for i in sharing:
                items[i].append(item)
            if decides:
                for i in sharing:
                    decisive[i].append(item)
    if gvcf or len(names) < GROUP_FROM:
        # A gVCF's coverage reads every record of the sample (``gvcf_coverage``).
        reports = [
            call_sample(name, i, [s.annotated for s in items[i]], site_records, catalog, build,
                        thresholds, gvcf, records, sites, items[i])
            for i, name in enumerate(names)
        ]  # fmt: skip
    else:
        reports = _grouped(names, items, decisive, site_records, catalog, build, thresholds, sites)
    if interval is None or not context:
        return reports
    counts = pattern_counts(pattern_rows(context, interval), len(reports))
    for i, report in enumerate(reports):
        pattern = pattern_text(counts[i], interval, gvcf)
        if pattern:
            reasons = list(dict.fromkeys([*report.review_reasons, f"deletion pattern: {pattern}"]))
            coverage = replace(report.coverage, deletion_pattern=pattern)
            reports[i] = replace(
                report, review_reasons=reasons, needs_review=True, coverage=coverage
            )
    return reports
