"""Match normalized alleles against the catalog by comparing haplotypes.

No genomic sequence of IL1RN ships with the tool, so two representations of one indel (left- or
right-shifted, extra padding) are compared as the sequences they produce over the union of their
REF spans. The bases come from the records themselves, from the catalog's confirmed context and,
with ``--fasta``, from the reference. A base nobody knows stays a symbol: two haplotypes match
only when they are provably equal, and a disagreement on a known base means no match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from il1rn_annot.catalog import Catalog, Locus
from il1rn_annot.model import Allele, AltAllele, AnnotatedAllele
from il1rn_annot.normalize import BaseFetcher, minimal

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


def matches_locus(alt: AltAllele, locus: Locus | None, base_at: BaseFetcher | None = None) -> str:
    """``exact``, ``normalized`` or '' for one catalog locus."""
    if locus is None or locus.symbolic or alt.allele.symbolic:
        return ""
    if abs(alt.allele.pos - locus.pos) > MAX_SHIFT:
        return ""
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
    annotated = _catalog_hit(alt, catalog, build, base_at)
    return replace(annotated, warnings=tuple(warnings)) if warnings else annotated


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
                classification=entry.classification,
                evidence_level=entry.evidence_level,
                match=kind,
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
                hgvs_c=f"{TRANSCRIPT}:{other.hgvs_c}" if other.hgvs_c else "",
            )
    return AnnotatedAllele(alt=alt)


def annotate_alleles(
    alts: Iterable[AltAllele], catalog: Catalog, build: str, base_at: BaseFetcher | None = None
) -> list[AnnotatedAllele]:
    return [annotate_allele(alt, catalog, build, base_at) for alt in alts]
