"""Match normalized alleles against the catalog by comparing haplotypes.

No genomic sequence of IL1RN ships with the tool, so two representations of one indel (left- or
right-shifted, extra padding) are compared as the sequences they produce over the union of their
REF spans. The bases come from the records themselves, from the catalog's confirmed context and,
with ``--fasta``, from the reference. A base nobody knows stays a symbol: two haplotypes match
only when they are provably equal, and a disagreement on a known base means no match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from il1rn_annot.catalog import Catalog, CatalogEntry, Locus
from il1rn_annot.genome import coding_exons, is_chr2, is_chr2_alias
from il1rn_annot.model import NOVEL_LOF, Allele, AltAllele, AnnotatedAllele
from il1rn_annot.normalize import BaseFetcher, is_breakend, minimal

#: Alleles further apart than this are never compared (catalog indels sit in short repeats).
MAX_SHIFT = 200
TRANSCRIPT = "NM_173842.3"

Token = str | tuple[str, int]


def local_reference(
    alleles: Iterable[Allele], known: Mapping[int, str] | None = None
) -> dict[int, str] | None:
    """Merge the reference bases the alleles and ``known`` assert; None if any two disagree."""
    bases = dict(known or {})
    for allele in alleles:
        for i, base in enumerate(allele.ref.upper()):
            if base != "N" and bases.setdefault(allele.pos + i, base) != base:
                return None
    return bases


def _haplotype(allele: Allele, lo: int, hi: int, bases: Mapping[int, str]) -> tuple[Token, ...]:
    start, ref, alt = minimal(allele)
    end = start + len(ref) - 1

    def token(p: int) -> Token:
        return bases.get(p, ("?", p))

    return (
        *(token(p) for p in range(lo, start)),
        *alt,
        *(token(p) for p in range(end + 1, hi + 1)),
    )


def same_haplotype(a: Allele, b: Allele, known: Mapping[int, str] | None = None) -> bool:
    """True when applying ``a`` and ``b`` to the reference provably gives the same sequence.

    >>> ctx = {113129613 + i: base for i, base in enumerate("AACAA")}
    >>> same_haplotype(Allele(113129613, "AAC", "A"), Allele(113129614, "ACA", "A"), ctx)
    True
    >>> same_haplotype(Allele(113129613, "AAC", "A"), Allele(113129614, "AC", "A"), ctx)
    False
    """
    if a.symbolic or b.symbolic:
        return False
    bases = local_reference((a, b), known)
    if bases is None:
        return False
    spans = [minimal(x) for x in (a, b)]
    if any("N" in alt for _, _, alt in spans):
        return False  # an inserted base nobody knows cannot be proven equal
    lo = min(start for start, _, _ in spans)
    hi = max(start + len(ref) - 1 for start, ref, _ in spans)
    return _haplotype(a, lo, hi, bases) == _haplotype(b, lo, hi, bases)


def _literal(a: Allele, locus: Locus) -> bool:
    """The record as written is the catalog row. An N in the catalog REF accepts any base; an N
    in its ALT is the same base as the REF's at that index (a padding base, never a change)."""
    ref, alt = a.ref.upper(), a.alt.upper()
    if a.pos != locus.pos or len(ref) != len(locus.ref) or len(alt) != len(locus.alt):
        return False
    if not all(c in ("N", r) for r, c in zip(ref, locus.ref, strict=True)):
        return False
    for i, c in enumerate(locus.alt):
        expected = ref[i] if c == "N" and i < len(ref) and locus.ref[i] == "N" else c
        if alt[i] != expected:
            return False
    return True


def ref_conflicts(allele: Allele, known: Mapping[int, str]) -> list[str]:
    """Where the record's REF disagrees with reference bases known from elsewhere."""
    return [
        f"{allele.pos + i}: REF {base}, expected {known[allele.pos + i]}"
        for i, base in enumerate(allele.ref.upper())
        if base != "N" and known.get(allele.pos + i, base) != base
    ]


def _known(locus: Locus, lo: int, hi: int, base_at: BaseFetcher | None) -> dict[int, str]:
    bases = locus.known_bases()
    if base_at is not None:
        for p in range(lo, hi + 1):
            base = base_at(p).upper()
            if base in "ACGT":
                bases.setdefault(p, base)
    return bases


def unknown_ref(allele: Allele, locus: Locus) -> list[int]:
    """Bases the record changes where its REF is N and the catalog allele's REF has a base: the
    record does not say what it changes there, so it proves no match. An N the record leaves
    unchanged (a padding base written N in REF and ALT) proves nothing and hides nothing.

    >>> unknown_ref(Allele(113131068, "N", "T"), Locus("2", 113131068, 113131068, "G", "T"))
    [113131068]
    >>> unknown_ref(Allele(113131067, "NG", "NT"), Locus("2", 113131068, 113131068, "G", "T"))
    []
    >>> unknown_ref(Allele(113131049, "NATG", "N"), Locus("2", 113131049, 113131052, "NATG", "N"))
    []
    """
    return [p for p in _changed_n(allele) if _catalog_base(locus, p) not in ("", "N")]


def _changed_n(allele: Allele) -> list[int]:
    """Positions of N among the REF bases the allele deletes or replaces."""
    start, ref, _ = minimal(allele)
    return [start + i for i, base in enumerate(ref) if base == "N"]


def _catalog_base(locus: Locus, pos: int) -> str:
    """The catalog allele's REF base at ``pos`` ('' outside it)."""
    i = pos - locus.pos
    return locus.ref[i].upper() if 0 <= i < len(locus.ref) else ""


def _ref_has_n(allele: Allele, locus: Locus) -> bool:
    """The allele changes a base its REF gives as N, and the catalog has no N there: nothing
    about that base is proven, so no comparison may treat it as the catalog's."""
    return any(_catalog_base(locus, p) != "N" for p in _changed_n(allele))


def matches_locus(alt: AltAllele, locus: Locus | None, base_at: BaseFetcher | None = None) -> str:
    """``exact``, ``normalized`` or '' for one catalog locus."""
    if locus is None or locus.symbolic or alt.allele.symbolic:
        return ""
    if abs(alt.allele.pos - locus.pos) > MAX_SHIFT:
        return ""
    if _ref_has_n(alt.input, locus) or _ref_has_n(alt.allele, locus):
        return ""  # a REF of N proves no base: the allele cannot be shown to be the catalog's
    lo = min(alt.input.pos, locus.pos) - 1
    hi = max(alt.input.end, locus.end) + 1
    known = _known(locus, lo, hi, base_at)
    if ref_conflicts(alt.input, known):
        return ""  # the record's REF contradicts a base the catalog or the FASTA knows
    written = Allele(locus.pos, locus.ref, locus.alt)
    if _literal(alt.input, locus):
        return "exact"
    if _literal(alt.allele, locus):
        return "normalized"
    for candidate in (alt.input, alt.allele):
        if same_haplotype(candidate, written, known):
            return "normalized"
    return ""


def annotate_allele(
    alt: AltAllele, catalog: Catalog, build: str, base_at: BaseFetcher | None = None
) -> AnnotatedAllele:
    """What the catalog (and the table of known non-DIRA alleles) says of one allele."""
    warnings = list(alt.notes)
    if not alt.allele.symbolic:
        conflicts = ref_conflicts(alt.input, catalog.known_bases(build))
        if conflicts:
            warnings.append(
                "ref_mismatch: the record's REF disagrees with a base the catalog confirms at "
                + "; ".join(conflicts)
            )
        warnings.extend(_unknown_ref_warnings(alt, catalog, build))
    deletion = deletion_of(alt)
    if deletion is not None:
        annotated = annotate_deletion(alt, deletion, catalog, build)
    elif is_breakend(alt.allele.alt):
        annotated = annotate_breakend(alt, build)
    else:
        annotated = _with_effect(
            _catalog_hit(alt, catalog, build, base_at), catalog, build, base_at
        )
        warnings.extend(annotated.warnings)
    vntr = catalog.vntr()
    name = vntr_allele(alt, build) if vntr is not None and not annotated.dira_id else ""
    if vntr is not None and name:
        annotated = replace(
            annotated,
            classification=vntr.classification,
            non_dira_id=vntr.id,
            non_dira_name=name,
            location=annotated.location or "intron 2",
        )
    return replace(annotated, warnings=tuple(dict.fromkeys(warnings)))


#: A record whose REF is N over a catalog allele's bases: it proves neither that allele nor its
#: absence (``genotype`` leaves the site open and asks for review).
REF_UNKNOWN = "ref_unknown"


def _unknown_ref_warnings(alt: AltAllele, catalog: Catalog, build: str) -> list[str]:
    out = []
    for entry in catalog.matchable():
        locus = entry.locus(build)
        if locus is None or locus.symbolic:
            continue
        where = unknown_ref(alt.input, locus)
        if where:
            bases = ", ".join(f"{locus.ref[p - locus.pos].upper()} at {p}" for p in where)
            out.append(
                f"{REF_UNKNOWN}: REF N at catalog site {entry.id} ({entry.name}), where the "
                f"reference has {bases}: the record proves neither that allele nor its absence"
            )
    return out


def unknown_ref_records(alleles: Iterable[AnnotatedAllele]) -> list[str]:
    """One line per record whose REF is N at a catalog site, for the report's warnings: even a
    sample called reference there, or a file without samples, must show it."""
    lines = (
        f"{a.alt.record.chrom}:{a.alt.record.pos}: {w}"
        for a in alleles
        for w in a.warnings
        if w.startswith(REF_UNKNOWN)
    )
    return list(dict.fromkeys(lines))


#: The consequence given to a breakend inside NM_173842 that no deletion explains.
REARRANGEMENT = "feature_truncation"
_MATE = re.compile(r"[\[\]]([^:\[\]]+):(\d+)[\[\]]")


def annotate_breakend(alt: AltAllele, build: str) -> AnnotatedAllele:
    """A breakend that is not one end of a deletion (``deletion_of``): a translocation, an
    inversion or duplication junction, or a single breakend. If either end lies in NM_173842's
    span (exons, introns, UTRs), the gene may be broken on that haplotype: nothing proves
    otherwise, so it is a rearrangement for review, never a harmless allele."""
    from il1rn_annot.gene_model.coordinates import load_transcript, region

    tx = load_transcript(build)
    record = alt.record
    mate = _MATE.search(alt.allele.alt)
    here = region(tx, record.pos) if tx.start <= record.pos <= tx.end else ""
    if mate is None:
        joined = "a single breakend (its other side is unknown)"
        there = ""
    else:
        chrom, mate_pos = mate.group(1), int(mate.group(2))
        same = is_chr2_alias(chrom)
        there = region(tx, mate_pos) if same and tx.start <= mate_pos <= tx.end else ""
        joined = f"joined to {chrom}:{mate_pos}" + (
            " on the same chromosome, not as a deletion" if same else " (another chromosome)"
        )
    if not here and not there:
        return AnnotatedAllele(alt=alt)
    where = f"IL1RN {here}" if here else f"{record.chrom}:{record.pos} (its mate in IL1RN {there})"
    return AnnotatedAllele(
        alt=alt,
        classification="uncertain",
        location=here or f"mate in {there}",
        consequence=REARRANGEMENT,
        rearrangement=f"a breakend in {where} {joined}: a structural rearrangement that may "
        "disrupt IL1RN",
    )


#: The IL1RN intron 2 VNTR (data/non_dira_variants.tsv, the vntr row): an 86-bp repeat unit, the
#: reference taken to hold 4 repeats (its 344-bp span; an inference), alleles named by repeats.
VNTR_UNIT = 86
VNTR_REFERENCE_REPEATS = 4
VNTR_ALLELES = {4: "IL1RN*1", 2: "IL1RN*2", 5: "IL1RN*3", 3: "IL1RN*4", 6: "IL1RN*5"}
#: Bases of intron 2 kept clear of each exon: a change there may touch a splice site.
VNTR_EXON_MARGIN = 20


def vntr_allele(alt: AltAllele, build: str) -> str:
    """The VNTR allele a record implies, or '': an insertion or deletion of a whole number of
    86-bp repeats inside NM_173842 intron 2. No source read gives the repeat's exact place, so it
    is recognised by this length rule rather than by position.

    >>> from il1rn_annot.model import VariantRecord
    >>> record = VariantRecord("2", 113130528, "N", ("<DEL>",), 113130700, (), None, (), 0)
    >>> vntr_allele(AltAllele(record, 1, Allele(113130528, "N", "<DEL>"),
    ...     Allele(113130528, "N", "<DEL>")), "GRCh38")
    'IL1RN*2 (2 repeats) relative to a 4-repeat reference (VNTR placement inferred)'
    """
    record = alt.record
    allele = alt.allele
    upper = allele.alt.upper()
    if upper.startswith("<DEL"):
        first, last, change = record.pos + 1, record.end, -(record.end - record.pos)
    elif upper.startswith("<DUP"):
        first, last, change = record.pos + 1, record.end, record.end - record.pos
    elif allele.symbolic:
        return ""  # <INS> without a length, breakends, copy numbers
    else:
        start, ref, inserted = minimal(allele)
        first, last, change = start, start + max(len(ref), 1) - 1, len(inserted) - len(ref)
    if change == 0 or change % VNTR_UNIT:
        return ""
    exons = {n: (a, b) for n, a, b in coding_exons(build)}
    if not (exons[2][1] + VNTR_EXON_MARGIN < first and last < exons[3][0] - VNTR_EXON_MARGIN):
        return ""
    repeats = VNTR_REFERENCE_REPEATS + change // VNTR_UNIT
    if repeats < 1:
        return ""
    name = VNTR_ALLELES.get(repeats, "a VNTR allele with no IL1RN* name")
    return (
        f"{name} ({repeats} repeats) relative to a {VNTR_REFERENCE_REPEATS}-repeat reference "
        "(VNTR placement inferred)"
    )


#: Consequences of a change outside the catalog that alter the protein without destroying it.
_UNCERTAIN = ("missense", "inframe", "coding_sequence", "stop_lost", "protein_altering")

#: A curated nonsense name, e.g. p.(Arg26Ter) or p.Arg26*: the codon's other bases are not
#: known without --fasta, but the catalog's sources give the protein change.
_CURATED_NONSENSE = re.compile(r"p\.\(?[A-Z][a-z]{2}\d+(?:Ter|\*)\)?")


def _curated_consequence(
    annotated: AnnotatedAllele, consequence: str, notes: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """A catalog SNV whose codon the gene model cannot read (only the changed base is known,
    without --fasta) takes stop_gained from its curated HGVS p. when the model allows a stop
    there: an R26X row no longer says coding_sequence_variant beside p.(Arg26Ter)."""
    from il1rn_annot.gene_model.consequence import CODON_OPEN

    terms = consequence.split("&")
    open_note = next((n for n in notes if n.startswith(CODON_OPEN)), None)
    if (
        not annotated.dira_id
        or terms[0] != "coding_sequence_variant"
        or open_note is None
        or "stop_gained" not in open_note[len(CODON_OPEN) :].split(" or ")
        or not _CURATED_NONSENSE.fullmatch(annotated.hgvs_p or "")
    ):
        return consequence, notes
    said = (
        f"stop_gained from the catalog's {annotated.hgvs_p}: without --fasta the codon's "
        "other bases are not read"
    )
    return "&".join(["stop_gained", *terms[1:]]), (*(n for n in notes if n != open_note), said)


def _with_effect(
    annotated: AnnotatedAllele, catalog: Catalog, build: str, base_at: BaseFetcher | None
) -> AnnotatedAllele:
    """Location, consequence and HGVS from the gene model. Catalog alleles keep their curated
    names; an allele outside the catalog is classified by its consequence."""
    from il1rn_annot.gene_model.consequence import LOSS_OF_FUNCTION, effect

    written = annotated.alt.input  # its REF bases are known even where trimming dropped them
    known = dict(catalog.known_bases(build))
    known.update((written.pos + i, b) for i, b in enumerate(written.ref.upper()) if b in "ACGT")
    found = effect(annotated.alt.allele, build, base_at, known)
    if found is None:
        return annotated
    classification = annotated.classification
    consequence, notes = _curated_consequence(annotated, found.consequence, found.notes)
    if not annotated.dira_id and not annotated.non_dira_id:
        if found.consequence.split("&")[0] in LOSS_OF_FUNCTION:
            classification = NOVEL_LOF
        elif any(k in found.consequence for k in _UNCERTAIN):
            classification = "uncertain"
    return replace(
        annotated,
        classification=classification,
        consequence=consequence,
        location=annotated.location or found.location,
        hgvs_c=annotated.hgvs_c or found.hgvs_c,
        hgvs_p=annotated.hgvs_p or found.hgvs_p,
        warnings=notes,
    )


def _catalog_hit(
    alt: AltAllele, catalog: Catalog, build: str, base_at: BaseFetcher | None
) -> AnnotatedAllele:
    for entry in catalog.matchable():
        kind = matches_locus(alt, entry.locus(build), base_at)
        if kind:
            return AnnotatedAllele(
                alt=alt,
                dira_id=entry.id,
                dira_name=entry.name,
                dira_legacy_names=entry.legacy_names,
                classification=entry.classification,
                evidence_level=entry.evidence_level,
                match=kind,
                catalog_source=entry.source,
                alternative_to=entry.alternative_to,
                hgvs_c=f"{TRANSCRIPT}:{entry.hgvs_c}" if entry.hgvs_c else "",
                hgvs_p=entry.hgvs_p,
                location=entry.location,
            )
    for other in catalog.non_dira:
        kind = matches_locus(alt, other.loci.get(build), base_at)
        if kind:
            return AnnotatedAllele(
                alt=alt,
                classification=other.classification,
                non_dira_id=other.id,
                non_dira_name=other.label,
                hgvs_c=f"{TRANSCRIPT}:{other.hgvs_c}" if other.hgvs_c else "",
            )
    return AnnotatedAllele(alt=alt)


#: DIRA04 is "~175 kb" in the publications and its breakpoints are not known: a called deletion
#: that contains the catalogued gene-content interval and is within this fraction of the reported
#: size is read as the founder allele. Anything else that removes coding exons is novel.
FOUNDER_SIZE_TOLERANCE = 0.15
#: Reciprocal overlap for naming a called deletion after a known non-DIRA copy-number loss.
KNOWN_CNV_OVERLAP = 0.5

_BND_JOIN_RIGHT = re.compile(r"^[ACGTN]+\[([^:\[\]]+):(\d+)\[$", re.IGNORECASE)
_BND_JOIN_LEFT = re.compile(r"^\]([^:\[\]]+):(\d+)\][ACGTN]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Deletion:
    """A copy-number loss as an SV/CNV caller described it: deleted bases and uncertainty."""

    start: int
    end: int
    cipos: tuple[int, int] = (0, 0)
    ciend: tuple[int, int] = (0, 0)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def is_deletion_allele(alt: str) -> bool:
    """A symbolic copy-number loss (``<CNV>`` counts: its CN has already set the GT)."""
    return alt.upper().startswith(("<DEL", "<CN0", "<CN1")) or alt.upper() == "<CNV>"


def deletion_of(alt: AltAllele) -> Deletion | None:
    """The deletion an SV/CNV allele describes: symbolic ``<DEL>``/``<DEL:ME…>``/``<CN0>``/
    ``<CN1>``/``<CNV>`` (POS is the base before the loss, END its last base), or a breakend
    joining two positions of chr2 the way a deletion does: ``N[chr2:END[`` on the left record,
    ``]chr2:POS]N`` on the right one (Manta, Delly). None when the extent is not given."""
    record = alt.record
    if is_deletion_allele(alt.allele.alt):
        if record.end <= record.pos:
            return None
        return Deletion(record.pos + 1, record.end, record.cipos, record.ciend)
    left = _BND_JOIN_RIGHT.match(alt.allele.alt)
    if left and is_chr2(left.group(1)) and int(left.group(2)) > record.pos + 1:
        return Deletion(record.pos + 1, int(left.group(2)) - 1, record.cipos, _mate_end_ci(alt))
    right = _BND_JOIN_LEFT.match(alt.allele.alt)
    if right and is_chr2(right.group(1)) and int(right.group(2)) < record.pos - 1:
        return Deletion(int(right.group(2)) + 1, record.pos - 1, _mate_end_ci(alt), record.cipos)
    return None


def _mate_end_ci(alt: AltAllele) -> tuple[int, int]:
    """The uncertainty of the end a breakend names by its mate's position: the mate record's own
    CIPOS when the mate is in the window, else this record's CIPOS both ways (Manta mirrors the
    homology between mates: 0,5 here is -5,0 there), widened by a CIEND (Delly writes the
    mate's there). This record's CIPOS alone would narrow an imprecise mate's end, and so
    overstate which bases are surely deleted."""
    if alt.mate_ci is not None:
        guess = alt.mate_ci
    else:
        width = max(abs(alt.record.cipos[0]), abs(alt.record.cipos[1]))
        guess = (-width, width)
    cis = (guess, alt.record.ciend)
    return min(0, *(ci[0] for ci in cis)), max(0, *(ci[1] for ci in cis))


def _founder(deletion: Deletion, locus: Locus, size: int | None) -> bool:
    """Contains the catalogued interval (within the caller's CIPOS/CIEND) and has the size the
    publications report (within FOUNDER_SIZE_TOLERANCE)."""
    contains = (
        deletion.start + deletion.cipos[0] <= locus.pos
        and deletion.end + deletion.ciend[1] >= locus.end
    )
    sized = size is None or abs(deletion.length - size) <= size * FOUNDER_SIZE_TOLERANCE
    return contains and sized


#: Published breakpoints leave open whether they name the first/last deleted or the flanking base.
BREAKPOINT_SLACK = 1


def _same_breakpoints(deletion: Deletion, locus: Locus) -> bool:
    """Both ends within BREAKPOINT_SLACK of the published ones, widened by CIPOS/CIEND."""
    lo_start = deletion.start + deletion.cipos[0] - BREAKPOINT_SLACK
    hi_start = deletion.start + deletion.cipos[1] + BREAKPOINT_SLACK
    lo_end = deletion.end + deletion.ciend[0] - BREAKPOINT_SLACK
    hi_end = deletion.end + deletion.ciend[1] + BREAKPOINT_SLACK
    return lo_start <= locus.pos <= hi_start and lo_end <= locus.end <= hi_end


def _is_catalogued(deletion: Deletion, entry: CatalogEntry, locus: Locus) -> bool:
    if entry.exact_breakpoints:
        return _same_breakpoints(deletion, locus)
    return _founder(deletion, locus, entry.reported_size)


def _reciprocal(deletion: Deletion, locus: Locus) -> float:
    shared = min(deletion.end, locus.end) - max(deletion.start, locus.pos) + 1
    if shared <= 0:
        return 0.0
    return min(shared / deletion.length, shared / (locus.end - locus.pos + 1))


def annotate_deletion(
    alt: AltAllele, deletion: Deletion, catalog: Catalog, build: str
) -> AnnotatedAllele:
    """A large deletion: the founder allele, a novel loss of coding exons, a known non-DIRA
    copy-number loss, or a deletion that spares the coding exons."""
    from il1rn_annot.gene_model.consequence import LOSS_OF_FUNCTION, large_deletion_consequence

    consequence = large_deletion_consequence(deletion.start, deletion.end, build)
    for entry in catalog.deletions():
        locus = entry.locus(build)
        if locus is not None and _is_catalogued(deletion, entry, locus):
            return AnnotatedAllele(
                alt=alt,
                dira_id=entry.id,
                dira_name=entry.name,
                dira_legacy_names=entry.legacy_names,
                classification=entry.classification,
                evidence_level=entry.evidence_level,
                match="overlap",
                catalog_source=entry.source,
                location=entry.location,
                consequence=consequence,
            )
    removed = [
        f"exon {n}"
        for n, start, end in coding_exons(build)
        if deletion.start <= end and deletion.end >= start
    ]
    sites = [t.split("_variant")[0].replace("_", " ") for t in consequence.split("&")]
    sites = [t for t in sites if t.startswith("splice")]
    if removed or sites:
        lof = consequence.split("&")[0] in {
            *LOSS_OF_FUNCTION,
            "exon_loss_variant",
            "transcript_ablation",
        }
        return AnnotatedAllele(
            alt=alt,
            classification=NOVEL_LOF if lof else "uncertain",
            location="deletes NM_173842 "
            + (f"coding {', '.join(removed)}" if removed else " and ".join(sites) + " site"),
            consequence=consequence,
        )
    for other in catalog.non_dira:
        locus = other.loci.get(build)
        if (
            locus is not None
            and locus.alt == "<DEL>"
            and _reciprocal(deletion, locus) >= KNOWN_CNV_OVERLAP
        ):
            return AnnotatedAllele(
                alt=alt,
                classification=other.classification,
                non_dira_id=other.id,
                non_dira_name=other.label,
                consequence=consequence,
            )
    return AnnotatedAllele(
        alt=alt, location="spares the NM_173842 coding exons", consequence=consequence
    )


def annotate_alleles(
    alts: Iterable[AltAllele], catalog: Catalog, build: str, base_at: BaseFetcher | None = None
) -> list[AnnotatedAllele]:
    """Every allele; of the breakend records of one deletion, only the first describes it, told
    its mates' CIPOS (their positions are the deletion's other end); each mate is listed as a
    plain breakend, so the deletion is not counted twice."""
    alts = list(alts)
    keys = [_breakend_deletion(alt) for alt in alts]
    ends: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            ends.setdefault(key, []).append(i)
    out = []
    for i, (alt, key) in enumerate(zip(alts, keys, strict=True)):
        pair = ends[key] if key is not None else [i]
        if pair[0] != i:
            out.append(AnnotatedAllele(alt=alt, location="mate breakend of a deletion", mate=True))
            continue
        if len(pair) > 1:
            mates = [alts[j].record.cipos for j in pair[1:]]
            alt = replace(alt, mate_ci=(min(c[0] for c in mates), max(c[1] for c in mates)))
        out.append(annotate_allele(alt, catalog, build, base_at))
    return out


def _breakend_deletion(alt: AltAllele) -> tuple[int, int] | None:
    """The (first, last) deleted base a breakend of a deletion names; None for other alleles."""
    if is_deletion_allele(alt.allele.alt):
        return None
    deletion = deletion_of(alt)
    return None if deletion is None else (deletion.start, deletion.end)
