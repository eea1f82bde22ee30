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

    # The consequence is judged where the caller put the allele; HGVS names the 3'-most form.
    input_start, input_ref, input_alt = start, ref, alt
    start, ref, alt, complete = shift_3prime(start, ref, alt, base)
    end = input_start + len(input_ref) - 1 if input_ref else input_start - 1
    first, last = (input_start, end) if input_ref else (input_start - 1, input_start)
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
    if len(ref) == len(alt) and all(
        _coding_index(tx, g) is not None for g in range(first, last + 1)
    ):
        consequence, hgvs_p, notes = _substitution_effect(tx, first, input_ref, input_alt, base)
        near_edge = _near_exon_edge(tx, first) or _near_exon_edge(tx, last)
        if near_edge and consequence != "coding_sequence_variant":
            consequence += "&splice_region_variant"
        return Effect(location, consequence, hgvs, hgvs_p, notes)
    if input_ref:
        consequence = _deletion_consequence(tx, first, last, input_ref, input_alt, places)
    else:
        consequence = _insertion_consequence(tx, input_start, input_alt, places)
    coding_change = consequence.split("&")[0] in ("frameshift_variant", "inframe_deletion",
                                                  "inframe_insertion")  # fmt: skip
    if coding_change and (_near_exon_edge(tx, first) or _near_exon_edge(tx, last)):
        consequence += "&splice_region_variant"  # an exonic indel in the last/first 3 bases
    hgvs_p = (
        "p.?" if consequence.split("&")[0] in LOSS_OF_FUNCTION or "inframe" in consequence else ""
    )
    if base_at is not None and coding_change and "stop_lost" not in consequence:
        kind, hgvs_p = _protein_change(tx, start, ref, alt, base, consequence.split("&")[0])
        consequence = kind + consequence[len(consequence.split("&")[0]) :]
    if not complete:
        notes = ("HGVS shifted 3' only as far as known bases prove (give --fasta)",)
    return Effect(location, consequence, hgvs, hgvs_p, notes)


_NONCODING = {
    "5'UTR": "5_prime_UTR_variant",
    "3'UTR": "3_prime_UTR_variant",
    "upstream": "upstream_gene_variant",
    "downstream": "downstream_gene_variant",
}


def _codon_span(tx: Transcript, first: int, last: int) -> tuple[bool, bool]:
    """Whether the bases first..last touch the start codon (c.1-3) or the stop codon."""
    indices = [_coding_index(tx, g) for g in range(first, last + 1)]
    coding = [k for k in indices if k is not None]
    return any(k < 3 for k in coding), any(k >= tx.cds_length - 3 for k in coding)


def _deletion_consequence(
    tx: Transcript, first: int, last: int, ref: str, alt: str, places: list[str]
) -> str:
    """A deletion or a delins that changes the length (bases first..last removed)."""
    if first <= tx.start and last >= tx.end:
        return "transcript_ablation"
    splice = [
        _intron_class(tx, g) for g in range(first, last + 1) if region(tx, g).startswith("intron")
    ]
    for kind in ("splice_donor_variant", "splice_acceptor_variant"):
        if kind in splice:
            return kind
    start_codon, stop_codon = _codon_span(tx, first, last)
    if start_codon:
        return "start_lost"
    if any(_coding_index(tx, g) is not None for g in range(first, last + 1)):
        diff = len(alt) - len(ref)
        kind = (
            "frameshift_variant"
            if diff % 3
            else "inframe_deletion"
            if diff < 0
            else ("inframe_insertion" if diff > 0 else "protein_altering_variant")
        )
        if stop_codon:
            return "frameshift_variant&stop_lost" if diff % 3 else "stop_lost"
        return kind
    if "splice_region_variant" in splice or any(_near_exon_edge(tx, g) for g in (first, last)):
        return "splice_region_variant"
    return next((_NONCODING[p] for p in places if p in _NONCODING), "intron_variant")


def _insertion_consequence(tx: Transcript, start: int, alt: str, places: list[str]) -> str:
    """An insertion between ``start - 1`` and ``start``. Only an insertion between the two bases
    of a splice dinucleotide breaks it; next to one, it is a splice-region change."""
    left, right = start - 1, start
    for before, after in zip(tx.exons, tx.exons[1:], strict=False):
        if (left, right) == (before.end + 1, before.end + 2):
            return "splice_donor_variant"
        if (left, right) == (after.start - 2, after.start - 1):
            return "splice_acceptor_variant"
    a, b = _coding_index(tx, left), _coding_index(tx, right)
    if a is not None and b is not None and b == a + 1:
        if b < 3:
            return "start_lost"
        if a >= tx.cds_length - 3:
            return "stop_lost" if len(alt) % 3 == 0 else "frameshift_variant&stop_lost"
        return "frameshift_variant" if len(alt) % 3 else "inframe_insertion"
    if any(_near_exon_edge(tx, g) for g in (left, right)) or any(
        region(tx, g).startswith("intron") and _intron_class(tx, g) != "intron_variant"
        for g in (left, right)
    ):
        return "splice_region_variant"
    places = [region(tx, left), region(tx, right)]
    if places[0] != places[1] and "exon" in " ".join(places) and "intron" in " ".join(places):
        return "splice_region_variant"
    return next((_NONCODING[p] for p in places if p in _NONCODING), "intron_variant")


def _substitution_effect(
    tx: Transcript, first: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str, tuple[str, ...]]:
    """A coding substitution of one or more bases: the codons it touches, each either read from
    the reference (``--fasta``) or constrained by the protein and the record's REF bases."""
    indices = [_coding_index(tx, first + i) for i in range(len(ref))]
    changed = {k: alt[i] for i, k in enumerate(indices) if ref[i] != alt[i]}
    numbers = sorted({k // 3 for k in changed})
    outcomes: set[tuple[str, ...]] = {()}
    ref_aas = []
    for n in numbers:
        ref_aa = tx.protein[n] if n < len(tx.protein) else "*"
        ref_aas.append(ref_aa)
        codons = []
        full = [base(_genomic_of_coding(tx, n * 3 + i)) for i in range(3)]
        if all(full) and CODON_TABLE.get("".join(full)) == ref_aa:
            candidates = ["".join(full)]
        else:
            known = {
                k: ref[indices.index(k)]
                for k in indices
                if k is not None and n * 3 <= k < n * 3 + 3
            }
            candidates = [
                c for c, aa in CODON_TABLE.items()
                if aa == ref_aa and all(c[k - n * 3] == b for k, b in known.items())
            ]  # fmt: skip
        if not candidates:
            return (
                "coding_sequence_variant",
                "p.?",
                (
                    "ref_mismatch: the REF bases cannot code "
                    f"{THREE_LETTER[ref_aa]}{n + 1} (P18510)",
                ),
            )
        for codon in candidates:
            new = "".join(changed.get(n * 3 + i, codon[i]) for i in range(3))
            codons.append(CODON_TABLE[new])
        outcomes = {(*o, aa) for o in outcomes for aa in set(codons)}
    kinds = {_consequences(numbers, ref_aas, o) for o in outcomes}
    if len(kinds) > 1:
        return (
            "coding_sequence_variant",
            "p.?",
            ("codon not fixed without --fasta: the protein allows " + " or ".join(sorted(kinds)),),
        )
    kind = kinds.pop()
    if len(outcomes) > 1 or len(numbers) != 1:
        return kind, "p.?" if kind != "synonymous_variant" else "p.(=)", ()
    (alt_aa,) = outcomes.pop()
    where = f"{THREE_LETTER[ref_aas[0]]}{numbers[0] + 1}"
    names = {
        "synonymous_variant": f"p.({where}=)",
        "stop_retained_variant": f"p.({where}=)",
        "start_lost": "p.(Met1?)",
        "stop_lost": f"p.({where}{THREE_LETTER[alt_aa]}extTer?)",
    }
    return kind, names.get(kind, f"p.({where}{THREE_LETTER[alt_aa]})"), ()


def _consequences(numbers: list[int], ref_aas: list[str], alt_aas: tuple[str, ...]) -> str:
    """The most severe consequence over the changed codons."""
    kinds = [_consequence(r, a, n + 1) for n, r, a in zip(numbers, ref_aas, alt_aas, strict=True)]
    for kind in ("start_lost", "stop_gained", "stop_lost", "missense_variant"):
        if kind in kinds:
            return kind
    return kinds[0] if kinds else "synonymous_variant"


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
    split = re.match(r"^(.*?)(fs|ext)(.*)$", hgvs_p)
    head, sep, tail = split.groups() if split else (hgvs_p, "", "")
    head = _RESIDUE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + isoform.aa_offset}", head)
    protein = head + sep + tail  # the Ter count after fs/ext is relative: not shifted
    return f"{isoform.name}:c.{'_'.join(moved)}{rest}" + (f" {protein}" if protein else "")
