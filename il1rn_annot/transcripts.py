"""The IL1RN gene model (NM_173842.3): genomic <-> c. coordinates, location, consequence, HGVS.

No genomic sequence of IL1RN ships with the tool. A coding SNV's consequence is still exact when
the protein (UniProt P18510) and the record's REF base leave only one possible outcome: every
codon for Glu77 turns into a stop when its first base becomes T, so c.229G>T is stop_gained with
or without a reference. When the possible reference codons disagree (a wobble position), the
consequence is given as undetermined and named, unless ``--fasta`` supplies the codon.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import product

from il1rn_annot.catalog import data_dir
from il1rn_annot.genome import GRCH37, GRCH37_OFFSET
from il1rn_annot.model import Allele
from il1rn_annot.normalize import BaseFetcher, minimal

TRANSCRIPT = "NM_173842.3"
MODEL_FILE = "il1rn_gene_model.tsv"
PROTEIN_FILE = "P18510.fasta"

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {a + b + c: _AMINO[i] for i, (a, b, c) in enumerate(product(_BASES, repeat=3))}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "E": "Glu", "Q": "Gln",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip

#: Consequences that destroy the secreted protein: a novel allele with one of these is
#: ``novel_predicted_lof``.
LOSS_OF_FUNCTION = frozenset(
    {
        "stop_gained",
        "frameshift_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
        "start_lost",
    }
)


@dataclass(frozen=True)
class Exon:
    number: int
    start: int
    end: int
    cds_start: int | None  # coding part; None for a non-coding exon
    cds_end: int | None


@dataclass(frozen=True)
class Transcript:
    name: str
    build: str
    exons: tuple[Exon, ...]
    cds_start: int  # genomic position of c.1
    cds_end: int  # genomic position of the last base of the stop codon
    protein: str

    @property
    def start(self) -> int:
        return self.exons[0].start

    @property
    def end(self) -> int:
        return self.exons[-1].end

    @property
    def cds_length(self) -> int:
        return sum((e.cds_end - e.cds_start + 1) for e in self.exons if e.cds_start)


@dataclass(frozen=True)
class Effect:
    """What one allele does to NM_173842.3."""

    location: str
    consequence: str
    hgvs_c: str
    hgvs_p: str
    notes: tuple[str, ...] = ()


@cache
def load_transcript(build: str) -> Transcript:
    """NM_173842.3 on ``build`` from data/ (exons, CDS) with the P18510 protein sequence."""
    base = data_dir()
    rows = [
        line
        for line in (base / MODEL_FILE).read_text().splitlines()
        if line and not line.startswith("#")
    ]
    shift = GRCH37_OFFSET if build == GRCH37 else 0
    exons = []
    for row in csv.DictReader(rows, delimiter="\t"):
        exons.append(
            Exon(
                int(row["exon"]),
                int(row["grch38_start"]) + shift,
                int(row["grch38_end"]) + shift,
                int(row["cds_grch38_start"]) + shift,
                int(row["cds_grch38_end"]) + shift,
            )
        )
    text = (base / PROTEIN_FILE).read_text().splitlines()
    protein = "".join(line.strip() for line in text if not line.startswith(">"))
    coding = [e for e in exons if e.cds_start is not None]
    return Transcript(
        TRANSCRIPT, build, tuple(exons), coding[0].cds_start, coding[-1].cds_end, protein
    )


def _cdna(tx: Transcript, g: int) -> int | None:
    """1-based position in the spliced transcript, or None outside the exons."""
    offset = 0
    for exon in tx.exons:
        if exon.start <= g <= exon.end:
            return offset + g - exon.start + 1
        offset += exon.end - exon.start + 1
    return None


def _label(tx: Transcript, cdna: int) -> str:
    """c. number of a transcript position: -N in the 5'UTR, *N in the 3'UTR."""
    c = cdna - _cdna(tx, tx.cds_start) + 1
    if c < 1:
        return str(c - 1)
    if c > tx.cds_length:
        return f"*{c - tx.cds_length}"
    return str(c)


def c_position(tx: Transcript, g: int) -> str:
    """HGVS c. position of a genomic position (without the ``c.``).

    >>> tx = load_transcript("GRCh38")
    >>> [c_position(tx, g) for g in (113131068, 113131159, 113127598, 113132946, 113131000)]
    ['229', '318+2', '-27', '*75', '206-45']
    """
    cdna = _cdna(tx, g)
    if cdna is not None:
        return _label(tx, cdna)
    if g < tx.start:
        return _label(tx, 1 - (tx.start - g))
    if g > tx.end:
        return _label(tx, _cdna(tx, tx.end) + g - tx.end)
    for before, after in zip(tx.exons, tx.exons[1:], strict=False):
        if before.end < g < after.start:
            up, down = g - before.end, after.start - g
            if up <= down:
                return f"{_label(tx, _cdna(tx, before.end))}+{up}"
            return f"{_label(tx, _cdna(tx, after.start))}-{down}"
    raise ValueError(g)


def region(tx: Transcript, g: int) -> str:
    """``exon N``, ``intron N``, ``5'UTR``, ``3'UTR``, ``upstream`` or ``downstream``."""
    if g < tx.start:
        return "upstream"
    if g > tx.end:
        return "downstream"
    for exon in tx.exons:
        if exon.start <= g <= exon.end:
            if g < tx.cds_start:
                return "5'UTR"
            if g > tx.cds_end:
                return "3'UTR"
            return f"exon {exon.number}"
    for before, after in zip(tx.exons, tx.exons[1:], strict=False):
        if before.end < g < after.start:
            return f"intron {before.number}"
    raise ValueError(g)


def _intron_class(tx: Transcript, g: int) -> str:
    for before, after in zip(tx.exons, tx.exons[1:], strict=False):
        if before.end < g < after.start:
            up, down = g - before.end, after.start - g
            if up <= 2:
                return "splice_donor_variant"
            if down <= 2:
                return "splice_acceptor_variant"
            if up <= 8 or down <= 8:
                return "splice_region_variant"
            return "intron_variant"
    return "intron_variant"


def _near_exon_edge(tx: Transcript, g: int) -> bool:
    """Within the last or first three bases of an internal exon boundary."""
    for before, after in zip(tx.exons, tx.exons[1:], strict=False):
        if before.end - 2 <= g <= before.end or after.start <= g <= after.start + 2:
            return True
    return False


def _coding_index(tx: Transcript, g: int) -> int | None:
    """0-based position in the CDS, or None outside it."""
    index = 0
    for exon in tx.exons:
        if exon.cds_start is None:
            continue
        if exon.cds_start <= g <= exon.cds_end:
            return index + g - exon.cds_start
        index += exon.cds_end - exon.cds_start + 1
    return None


def _genomic_of_coding(tx: Transcript, index: int) -> int:
    for exon in tx.exons:
        if exon.cds_start is None:
            continue
        length = exon.cds_end - exon.cds_start + 1
        if index < length:
            return exon.cds_start + index
        index -= length
    raise ValueError(index)


def _snv_effect(
    tx: Transcript, g: int, ref: str, alt: str, base_at: BaseFetcher | None
) -> tuple[str, str, tuple[str, ...]]:
    """(consequence, hgvs_p, notes) of a coding SNV, from the protein and the REF base, or from
    the FASTA's codon when one is given."""
    index = _coding_index(tx, g)
    assert index is not None
    number, phase = index // 3 + 1, index % 3
    ref_aa = tx.protein[number - 1] if number <= len(tx.protein) else "*"
    if base_at is not None:
        codon = "".join(base_at(_genomic_of_coding(tx, (number - 1) * 3 + i)) for i in range(3))
        candidates = [codon] if CODON_TABLE.get(codon) == ref_aa else []
    else:
        candidates = []
    if not candidates:
        candidates = [c for c, aa in CODON_TABLE.items() if aa == ref_aa and c[phase] == ref]
    if not candidates:
        return (
            "coding_sequence_variant",
            "p.?",
            (
                f"ref_mismatch: REF {ref} cannot be base {phase + 1} of a codon for "
                f"{THREE_LETTER[ref_aa]}{number} (P18510)",
            ),
        )
    outcomes = {CODON_TABLE[c[:phase] + alt + c[phase + 1 :]] for c in candidates}
    if len(outcomes) > 1:
        names = sorted(_consequence(ref_aa, aa, number) for aa in outcomes)
        return (
            "coding_sequence_variant",
            "p.?",
            (
                "codon not fixed without --fasta: the protein allows "
                + " or ".join(dict.fromkeys(names)),
            ),
        )
    alt_aa = outcomes.pop()
    where = f"{THREE_LETTER[ref_aa]}{number}"
    consequence = _consequence(ref_aa, alt_aa, number)
    if consequence == "synonymous_variant" or consequence == "stop_retained_variant":
        return consequence, f"p.({where}=)", ()
    if consequence == "start_lost":
        return consequence, "p.(Met1?)", ()
    if consequence == "stop_lost":
        return consequence, f"p.({where}{THREE_LETTER[alt_aa]}extTer?)", ()
    return consequence, f"p.({where}{THREE_LETTER[alt_aa]})", ()


def _consequence(ref_aa: str, alt_aa: str, number: int) -> str:
    if number == 1 and alt_aa != "M":
        return "start_lost"
    if ref_aa == "*":
        return "stop_retained_variant" if alt_aa == "*" else "stop_lost"
    if alt_aa == "*":
        return "stop_gained"
    return "synonymous_variant" if alt_aa == ref_aa else "missense_variant"


def shift_3prime(
    start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[int, str, str, bool]:
    """Move a pure deletion or insertion right (3' on the + strand) as far as the known bases
    prove, as HGVS asks. Returns the shifted allele and whether the shift is complete (it
    stopped on a known base that differs, not on an unknown one).

    >>> known = dict(zip(range(10, 15), "AACAA"))
    >>> shift_3prime(11, "AC", "", known.get)
    (12, 'CA', '', True)
    """
    if (ref and alt) or not (ref or alt):
        return start, ref, alt, True
    seq = ref or alt
    while True:
        nxt = base(start + len(ref))
        if nxt is None:
            return start, ref, alt, False
        if nxt != seq[0]:
            return start, ref, alt, True
        seq = seq[1:] + nxt
        start += 1
        ref, alt = (seq, "") if ref else ("", seq)


def effect(
    allele: Allele,
    build: str,
    base_at: BaseFetcher | None = None,
    known: Mapping[int, str] | None = None,
) -> Effect | None:
    """Location, consequence and HGVS of a small allele on NM_173842.3 (None for SVs).
    ``known`` are reference bases from elsewhere (the catalog's confirmed context)."""
    if allele.symbolic:
        return None
    tx = load_transcript(build)
    start, ref, alt = minimal(allele)
    if not ref and not alt:
        return None
    bases = dict(known or {})
    bases.update((allele.pos + i, b) for i, b in enumerate(allele.ref.upper()) if b in "ACGT")

    def base(g: int) -> str | None:
        if base_at is not None:
            b = base_at(g).upper()
            return b if b in "ACGT" else None
        return bases.get(g)

    start, ref, alt, complete = shift_3prime(start, ref, alt, base)
    end = start + len(ref) - 1 if ref else start - 1
    first, last = (start, end) if ref else (start - 1, start)
    places = list(dict.fromkeys(region(tx, g) for g in (first, last)))
    location = "-".join(places)
    hgvs = f"{tx.name}:c.{_hgvs_c(tx, start, ref, alt)}"
    if not ref and alt:
        before = [base(start - len(alt) + i) for i in range(len(alt))]
        if "".join(b or "?" for b in before) == alt:  # an insertion of the preceding bases
            first_dup, last_dup = start - len(alt), start - 1
            span = c_position(tx, first_dup)
            if last_dup != first_dup:
                span += f"_{c_position(tx, last_dup)}"
            hgvs = f"{tx.name}:c.{span}dup"
    notes: tuple[str, ...] = ()
    if len(ref) == 1 and len(alt) == 1 and region(tx, start).startswith("exon"):
        consequence, hgvs_p, notes = _snv_effect(tx, start, ref, alt, base_at)
        if _near_exon_edge(tx, start) and consequence != "coding_sequence_variant":
            consequence += "&splice_region_variant"
        return Effect(location, consequence, hgvs, hgvs_p, notes)
    consequence = _indel_consequence(tx, first, last, ref, alt, places)
    hgvs_p = "p.?" if consequence in LOSS_OF_FUNCTION or "inframe" in consequence else ""
    if base_at is not None and consequence in ("frameshift_variant", "inframe_deletion",
                                               "inframe_insertion"):  # fmt: skip
        consequence, hgvs_p = _protein_change(tx, start, ref, alt, base, consequence)
    if not complete:
        notes = ("HGVS shifted 3' only as far as known bases prove (give --fasta)",)
    return Effect(location, consequence, hgvs, hgvs_p, notes)


def _indel_consequence(
    tx: Transcript, first: int, last: int, ref: str, alt: str, places: list[str]
) -> str:
    splice = [
        _intron_class(tx, g) for g in range(first, last + 1) if region(tx, g).startswith("intron")
    ]
    for kind in ("splice_donor_variant", "splice_acceptor_variant"):
        if kind in splice:
            return kind
    coding = [g for g in range(first, last + 1) if _coding_index(tx, g) is not None]
    if coding:
        if first <= tx.cds_start <= last:
            return "start_lost"
        diff = len(alt) - len(ref)
        if diff % 3:
            return "frameshift_variant"
        if diff < 0:
            return "inframe_deletion"
        if diff > 0:
            return "inframe_insertion"
        return "protein_altering_variant"
    if "splice_region_variant" in splice:
        return "splice_region_variant"
    kinds = {
        "5'UTR": "5_prime_UTR_variant",
        "3'UTR": "3_prime_UTR_variant",
        "upstream": "upstream_gene_variant",
        "downstream": "downstream_gene_variant",
    }
    for place in places:
        if place in kinds:
            return kinds[place]
    return "intron_variant"


def _hgvs_c(tx: Transcript, start: int, ref: str, alt: str) -> str:
    """c. description of a trimmed allele (start, deleted bases, inserted bases)."""
    if len(ref) == 1 and len(alt) == 1:
        return f"{c_position(tx, start)}{ref}>{alt}"
    end = start + len(ref) - 1
    span = (
        c_position(tx, start) if len(ref) == 1 else f"{c_position(tx, start)}_{c_position(tx, end)}"
    )
    if ref and not alt:
        return f"{span}del"
    if not ref:
        left, right = c_position(tx, start - 1), c_position(tx, start)
        return f"{left}_{right}ins{alt}"  # effect() names duplications
    return f"{span}delins{alt}"


def _translate(seq: str) -> str:
    """Translate until the first stop (included as '*'); an incomplete codon ends it."""
    out = []
    for i in range(0, len(seq) - 2, 3):
        aa = CODON_TABLE.get(seq[i : i + 3], "X")
        out.append(aa)
        if aa == "*":
            break
    return "".join(out)


def _protein_change(
    tx: Transcript,
    start: int,
    ref: str,
    alt: str,
    base: Callable[[int], str | None],
    consequence: str,
) -> tuple[str, str]:
    """HGVS p. of a coding indel from the reference sequence (``--fasta``): frameshifts with
    the new stop counted from the first changed residue, in-frame deletions 3'-shifted on the
    protein, and stops that an in-frame change creates."""
    exonic = [g for e in tx.exons for g in range(max(e.start, tx.cds_start), e.end + 1)]
    if any(base(g) is None for g in exonic):
        return consequence, "p.?"
    end = start + len(ref) - 1
    if ref and not all(g in set(exonic) for g in range(start, end + 1)):
        return consequence, "p.?"
    reference = "".join(base(g) for g in exonic)
    mutated = []
    for g in exonic:
        if ref and start <= g <= end:
            continue
        if not ref and g == start:
            mutated.append(alt)
        mutated.append(base(g))
    old, new = _translate(reference), _translate("".join(mutated))
    i = next((k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    if i is None:
        return consequence, "p.(=)" if len(old) == len(new) else "p.?"
    where = f"{THREE_LETTER[old[i]]}{i + 1}"
    if new[i] == "*":
        stop = "frameshift_variant&stop_gained" if consequence == "frameshift_variant" else None
        return stop or "stop_gained", f"p.({where}Ter)"
    if consequence == "frameshift_variant":
        stop = new.find("*", i)
        length = str(stop - i + 1) if stop >= 0 else "?"
        return consequence, f"p.({where}{THREE_LETTER.get(new[i], 'Xaa')}fsTer{length})"
    k = len(old) - len(new)
    if k > 0 and new == old[:i] + old[i + k :]:
        while i + k < len(old) and old[i] == old[i + k]:
            i += 1  # the 3' rule on the protein
        first, last = f"{THREE_LETTER[old[i]]}{i + 1}", f"{THREE_LETTER[old[i + k - 1]]}{i + k}"
        return consequence, f"p.({first}del)" if k == 1 else f"p.({first}_{last}del)"
    return consequence, "p.?"


ISOFORM_FILE = "il1rn_isoforms.tsv"
_POSITION = re.compile(r"^(\*?)(-?\d+)([+-]\d+)?$")
_CHANGE = re.compile(r"^([-*+_\d]+)(.*)$")
_RESIDUE = re.compile(r"([A-Z][a-z]{2})(\d+)")


@dataclass(frozen=True)
class Isoform:
    """Another RefSeq isoform, numbered from NM_173842.3 where it shares its exons."""

    name: str
    first_shared_c: int
    c_offset: int
    aa_offset: int


@cache
def load_isoforms() -> tuple[Isoform, ...]:
    text = (data_dir() / ISOFORM_FILE).read_text().splitlines()
    rows = csv.DictReader(
        [line for line in text if line and not line.startswith("#")], delimiter="\t"
    )
    return tuple(
        Isoform(r["transcript"], int(r["first_shared_c"]), int(r["c_offset"]), int(r["aa_offset"]))
        for r in rows
    )


def on_isoform(hgvs_c: str, hgvs_p: str, isoform: Isoform) -> str | None:
    """The NM_173842.3 names moved onto ``isoform`` by its offset, or None where the variant
    lies outside the exons they share (5' of ``first_shared_c``; its own 5' end is not known).

    >>> iso = Isoform("NM_173841.2", 65, 9, 3)
    >>> on_isoform("NM_173842.3:c.229G>T", "p.(Glu77Ter)", iso)
    'NM_173841.2:c.238G>T p.(Glu80Ter)'
    >>> on_isoform("NM_173842.3:c.318+2T>G", "p.?", iso)
    'NM_173841.2:c.327+2T>G p.?'
    >>> on_isoform("NM_173842.3:c.155_156del", "", iso)
    'NM_173841.2:c.164_165del'
    >>> on_isoform("NM_173842.3:c.-12C>T", "", iso) is None
    True
    """
    match = _CHANGE.match(hgvs_c.partition(":c.")[2])
    if match is None:
        return None
    positions, rest = match.groups()
    moved = []
    for token in positions.split("_"):
        part = _POSITION.match(token)
        if part is None:
            return None
        star, number, offset = part.group(1), int(part.group(2)), part.group(3) or ""
        if not star:
            if number < isoform.first_shared_c:
                return None
            number += isoform.c_offset
        moved.append(f"{star}{number}{offset}")
    protein = _RESIDUE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + isoform.aa_offset}", hgvs_p)
    return f"{isoform.name}:c.{'_'.join(moved)}{rest}" + (f" {protein}" if protein else "")
