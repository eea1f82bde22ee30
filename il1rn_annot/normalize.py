"""Split multi-allelic records into one ALT each, trim shared bases, and left-align with a FASTA.

Without a reference sequence an indel can only be trimmed, not moved: equivalence of shifted
representations is decided later, in ``match``, by comparing haplotypes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from il1rn_annot.model import Allele, AltAllele, VariantRecord

#: The ALT a caller writes for a haplotype whose bases a deletion on another record removes.
SPANNING_DELETION = "*"
#: ALTs that are not variants of their own record: the gVCF reference-model allele and the
#: spanning deletion (which says that another record's deletion covers this one; ``zygosity``
#: counts the haplotypes it names).
NOT_A_VARIANT = frozenset({"<NON_REF>", "<*>", SPANNING_DELETION, "."})

_SINGLE_BREAKEND = re.compile(r"^(\.[ACGTN]+|[ACGTN]+\.)$", re.IGNORECASE)


def is_breakend(alt: str) -> bool:
    """A breakend ALT: joined to a mate (``N[2:5[``, ``]5:10]N``) or single (``N.``, ``.N``).

    >>> [is_breakend(a) for a in ("A[5:1000[", "]2:7]A", "A.", ".A", "<DEL>", "*", "AT")]
    [True, True, True, True, False, False, False]
    """
    return "[" in alt or "]" in alt or bool(_SINGLE_BREAKEND.match(alt))


def is_structural(alt: str) -> bool:
    """A symbolic SV/CNV allele or a breakend, not a gVCF placeholder.

    >>> [is_structural(a) for a in ("<DEL>", "N[2:5[", "N.", "<NON_REF>", "*", "T")]
    [True, True, True, False, False, False]
    """
    if alt.upper() in NOT_A_VARIANT:
        return False
    return alt.startswith("<") or is_breakend(alt)


#: A function that returns the reference base at a 1-based position (from --fasta).
BaseFetcher = Callable[[int], str]


def trim(allele: Allele) -> Allele:
    """Remove bases REF and ALT share, keeping one padding base for indels (VCF convention).

    >>> trim(Allele(100, "GAAC", "GA"))
    Allele(pos=101, ref='AAC', alt='A')
    >>> trim(Allele(100, "CAT", "CGT"))
    Allele(pos=101, ref='A', alt='G')
    """
    if allele.symbolic:
        return allele
    pos, ref, alt = allele.pos, allele.ref.upper(), allele.alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return Allele(pos, ref, alt)


def minimal(allele: Allele) -> tuple[int, str, str]:
    """SPDI-like form with no padding: (first REF position, deleted bases, inserted bases).

    Either sequence may be empty; an empty REF means an insertion before ``pos``.

    >>> minimal(Allele(113129613, "AAC", "A"))
    (113129614, 'AC', '')
    """
    pos, ref, alt = allele.pos, allele.ref.upper(), allele.alt.upper()
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def left_align(allele: Allele, base_at: BaseFetcher) -> Allele:
    """Shift an indel as far left as the reference allows (the vt/bcftools norm algorithm).

    >>> genome = "GCACACAT"  # position 1 is 'G'
    >>> left_align(Allele(5, "ACA", "A"), lambda p: genome[p - 1])
    Allele(pos=1, ref='GCA', alt='G')
    """
    if allele.symbolic or len(allele.ref) == len(allele.alt):
        return trim(allele)
    pos, ref, alt = allele.pos, allele.ref.upper(), allele.alt.upper()
    while True:
        if ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        elif not ref or not alt:
            if pos <= 1:
                break
            base = base_at(pos - 1).upper()
            if base not in "ACGT":
                break
            ref, alt, pos = base + ref, base + alt, pos - 1
        else:
            break
    return trim(Allele(pos, ref, alt))


def split_record(record: VariantRecord, base_at: BaseFetcher | None = None) -> list[AltAllele]:
    """One ``AltAllele`` per real ALT of the record, normalized; gVCF placeholders dropped."""
    alleles = []
    for index, alt in enumerate(record.alts, 1):
        if alt.upper() in NOT_A_VARIANT or alt.upper() == record.ref.upper():
            continue
        written = Allele(record.pos, record.ref, alt)
        notes: tuple[str, ...] = ()
        normalized = trim(written)
        if base_at is not None and not written.symbolic:
            mismatch = _ref_mismatch(written, base_at)
            if mismatch:
                notes = (mismatch,)
            else:
                normalized = left_align(written, base_at)
        alleles.append(AltAllele(record, index, normalized, written, notes))
    return alleles


def split_records(
    records: Iterable[VariantRecord], base_at: BaseFetcher | None = None
) -> list[AltAllele]:
    return [allele for record in records for allele in split_record(record, base_at)]


def _ref_mismatch(allele: Allele, base_at: BaseFetcher) -> str:
    """Describe where the record's REF disagrees with the FASTA, or return ''."""
    for i, base in enumerate(allele.ref.upper()):
        expected = base_at(allele.pos + i).upper()
        if base != "N" and expected in "ACGT" and base != expected:
            return f"ref_mismatch: REF {base} at {allele.pos + i}, FASTA has {expected}"
    return ""
