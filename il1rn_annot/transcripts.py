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
from dataclasses import dataclass, replace
from functools import cache
from itertools import product

from il1rn_annot.catalog import data_dir
from il1rn_annot.genome import GRCH37, GRCH37_OFFSET
from il1rn_annot.model import Allele
from il1rn_annot.normalize import BaseFetcher

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


def _data_rows(name: str) -> list[dict[str, str]]:
    """The rows of a tab-separated table in data/, its '#' comment lines left out."""
    lines = (data_dir() / name).read_text().splitlines()
    return list(csv.DictReader([x for x in lines if x and not x.startswith("#")], delimiter="\t"))


@cache
def load_transcript(build: str) -> Transcript:
    """NM_173842.3 on ``build`` from data/ (exons, CDS) with the P18510 protein sequence."""
    shift = GRCH37_OFFSET if build == GRCH37 else 0
    exons = []
    for row in _data_rows(MODEL_FILE):
        exons.append(
            Exon(
                int(row["exon"]),
                int(row["grch38_start"]) + shift,
                int(row["grch38_end"]) + shift,
                int(row["cds_grch38_start"]) + shift,
                int(row["cds_grch38_end"]) + shift,
            )
        )
    text = (data_dir() / PROTEIN_FILE).read_text().splitlines()
    protein = "".join(line.strip() for line in text if not line.startswith(">"))
    coding = [e for e in exons if e.cds_start is not None]
    return Transcript(
        TRANSCRIPT, build, tuple(exons), coding[0].cds_start, coding[-1].cds_end, protein
    )


@cache
def protein_fixed_bases(build: str) -> dict[int, str]:
    """CDS bases the protein alone proves: those every codon of the residue shares (the G of
    any Glu codon, the T that starts every stop codon), by genomic position."""
    tx = load_transcript(build)
    fixed = {}
    for n, aa in enumerate(tx.protein + "*"):
        codons = [c for c, a in CODON_TABLE.items() if a == aa]
        for i in range(3):
            if len({c[i] for c in codons}) == 1:
                fixed[_genomic_of_coding(tx, n * 3 + i)] = codons[0][i]
    return fixed


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


_UNKNOWN_ALT = "ALT has a base other than A, C, G, T: its protein change is not known"


def _cds_or_utr_index(tx: Transcript, g: int) -> int | None:
    """0-based CDS index, counting on into the 3'UTR of the last exon; None elsewhere."""
    index = _coding_index(tx, g)
    if index is None and tx.cds_end < g <= tx.exons[-1].end:
        return tx.cds_length + g - tx.cds_end - 1
    return index


def _genomic_of_coding(tx: Transcript, index: int) -> int:
    """Genomic position of a 0-based CDS index; past the stop, of the 3'UTR in the last exon."""
    if index >= tx.cds_length:
        return tx.cds_end + index - tx.cds_length + 1
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
    moves, complete = _walk(start, ref, alt, base, 1)
    return (*(moves[-1] if moves else (start, ref, alt)), complete)


def _walk(
    start: int,
    ref: str,
    alt: str,
    base: Callable[[int], str | None],
    step: int,
    limit: int | None = None,
    unknown_repeats: bool = False,
) -> tuple[list[tuple[int, str, str]], bool]:
    """The placements of a pure indel moved one base at a time (``step`` 1: 3', -1: 5') while
    the base it moves over repeats the change, and whether a known base ended the walk. With
    ``unknown_repeats``, an unknown base is taken to repeat it."""
    if (ref and alt) or not (ref or alt):
        return [], True
    moves: list[tuple[int, str, str]] = []
    seq, at = ref or alt, start
    while limit is None or len(moves) < limit:
        over = base(at + len(ref)) if step == 1 else base(at - 1)
        want = seq[0] if step == 1 else seq[-1]
        if over is None and not unknown_repeats:
            return moves, False
        if over is not None and over != want:
            return moves, True
        seq, at = (seq[1:] + want, at + 1) if step == 1 else (want + seq[:-1], at - 1)
        moves.append((at, seq, "") if ref else (at, "", seq))
    return moves, False


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
    start, ref, alt = _as_written(allele)
    if not ref and not alt:
        return None
    bases = dict(protein_fixed_bases(build))
    bases.update(known or {})
    bases.update((allele.pos + i, b) for i, b in enumerate(allele.ref.upper()) if b in "ACGT")

    def base(g: int) -> str | None:
        if base_at is not None:
            b = base_at(g).upper()
            return b if b in "ACGT" else None
        return bases.get(g)

    # HGVS names the 3'-most form; the consequence is judged where the record puts the change,
    # or where an equivalent form puts it inside the exon (see below).
    input_start, input_ref, input_alt = start, ref, alt
    start, ref, alt, complete = shift_3prime(start, ref, alt, base)
    first, last = _span(input_start, input_ref)
    location = "-".join(_places(tx, input_start, input_ref, input_alt))
    hgvs = f"{tx.name}:c.{_hgvs_c(tx, start, ref, alt, base)}"
    notes: tuple[str, ...] = ()
    if len(ref) == len(alt) and all(
        _coding_index(tx, g) is not None for g in range(first, last + 1)
    ):
        consequence, hgvs_p, notes = _substitution_effect(tx, first, input_ref, input_alt, base)
        if base_at is not None and (hgvs_p == "p.?" or consequence == "stop_lost"):
            found = _sequence_effect(tx, start, ref, alt, base)  # e.g. where the new stop is
            hgvs_p = found[1] if found else hgvs_p
        near_edge = _near_exon_edge(tx, first) or _near_exon_edge(tx, last)
        if near_edge and consequence != "coding_sequence_variant":
            consequence += "&splice_region_variant"
        return Effect(location, consequence, hgvs, hgvs_p, notes)
    *left, left_complete = shift_5prime(input_start, input_ref, input_alt, base)
    placements = [(input_start, input_ref, input_alt), tuple(left), (start, ref, alt)]
    judged = _judge_placements(tx, list(dict.fromkeys(placements)))
    placed, consequence = judged[0]
    first, last = _span(placed[0], placed[1])
    kind = consequence.split("&")[0]
    coding_change = kind in _CODING
    near_edge = any(_near_exon_edge(tx, g) for p, _ in judged for g in _span(p[0], p[1]))
    if coding_change and (near_edge or any("splice" in c for _, c in judged)):
        consequence += "&splice_region_variant"  # it can be placed by a splice site
    hgvs_p = "p.?" if kind in LOSS_OF_FUNCTION or coding_change else ""
    if kind == "start_lost":
        hgvs_p = "p.(Met1?)"
    frameshift = (len(alt) - len(ref)) % 3 != 0
    found: tuple[str, str] | None = None
    open_kinds: tuple[str, ...] = ()
    if base_at is not None and (coding_change or kind == "start_lost"):
        for p in [placed, *placements]:  # any form inside the exons gives the same protein
            found = found or _sequence_effect(tx, *p, base)
    elif base_at is None and coding_change:
        new_kind, name, open_kinds = _local_protein_change(tx, *placed, base)
        found = (new_kind, name) if new_kind else None
        if not new_kind:
            notes = ("p. not determined without --fasta (codons or place in the exon open)",)
            if kind != "frameshift_variant" or "stop" in consequence:
                # An in-frame change may make a stop; one over the stop codon depends on the
                # 3'UTR: without the bases, only that the coding sequence changes is known.
                flag = "&splice_region_variant" if "splice_region" in consequence else ""
                consequence = "coding_sequence_variant" + flag
                notes = ("consequence not determined without --fasta",)
    if found is not None:
        new_kind, hgvs_p = found
        suffix = "&splice_region_variant" if "splice_region" in consequence else ""
        if hgvs_p == "p.(=)" and first > tx.cds_end - (0 if placed[1] else 1):
            consequence, hgvs_p = "3_prime_UTR_variant" + suffix, ""
        elif hgvs_p == "p.(=)":  # an indel that leaves the protein whole: at the stop codon
            consequence = "stop_retained_variant" + suffix
            hgvs_p = f"p.(Ter{len(tx.protein) + 1}=)"
        elif new_kind == "coding_sequence_variant":
            consequence = new_kind + suffix
            notes = (
                "consequence not determined without --fasta: the protein allows "
                + " or ".join(open_kinds)
                if open_kinds
                else "the stop codon changes; whether it is kept needs the bases 3' of it "
                "(give --fasta)",
            )
        else:
            if frameshift and new_kind == "stop_gained":
                new_kind = "frameshift_variant&stop_gained"
            elif frameshift and new_kind == "stop_lost":
                new_kind = "stop_lost&frameshift_variant"  # an extension from the stop codon
            consequence = new_kind + suffix
    if not complete:
        notes += ("HGVS shifted 3' only as far as known bases prove (give --fasta)",)
    reach = _MAX_SHIFT + len(ref or alt)
    near = any(e.cds_start - reach <= first and last <= e.cds_end + reach for e in _coding(tx))
    if near and not (complete and left_complete) and (kind in _SITE_LOSS or not coding_change):
        # Over unknown bases the repeat may go on: see what the change could be there.
        maybe = {
            _indel_consequence(tx, *p, _places(tx, *p)).split("&")[0]
            for p in _possible_placements(input_start, input_ref, input_alt, base)
        }
        if maybe & set(_CODING):
            consequence = f"coding_sequence_variant&{consequence}"
            notes += ("a coding change if unknown bases next to it repeat the changed ones",)
        if kind in _SITE_LOSS and maybe - set(_SITE_LOSS):
            hgvs_p = "p.?"
            notes += (f"{kind} unless unknown bases next to it repeat the changed ones",)
    return Effect(location, consequence, hgvs, hgvs_p, notes)


_MAX_SHIFT = 20  # bases of unknown sequence a repeat is taken to run on, each way


def _judge_placements(
    tx: Transcript, placements: list[tuple[int, str, str]]
) -> list[tuple[tuple[int, str, str], str]]:
    """Each placement of an indel with its consequence, the one to judge the change by first.

    An indel in a repeat can be placed in several ways that give the same sequence; the
    record's comes first here. One wholly in the 3'UTR proves the coding sequence intact.
    Otherwise one in the coding exon is where the change lands: a splice site is found by its
    motif, which stays intact in that reading. Failing both, one that spares the start codon or
    a splice dinucleotide shows that site is still there. (5' of c.1, a new ATG could matter,
    so the 5'UTR gets no such rule.)"""
    judged = [(p, _indel_consequence(tx, *p, _places(tx, *p))) for p in placements]
    kinds = [c.split("&")[0] for _, c in judged]
    for wanted in (
        lambda k, c: c == "3_prime_UTR_variant",
        lambda k, c: k in _CODING,
        lambda k, c: kinds[0] in _SITE_LOSS and k not in _SITE_LOSS,
    ):
        chosen = [j for j, k in zip(judged, kinds, strict=True) if wanted(k, j[1])]
        if chosen:
            return [chosen[0]] + [j for j in judged if j is not chosen[0]]
    return judged


def _possible_placements(
    start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> list[tuple[int, str, str]]:
    """Placements of a pure indel that unknown bases might allow: shifted both ways, taking
    each unknown base to repeat the change, until a known base breaks the repeat."""
    both = (_walk(start, ref, alt, base, step, _MAX_SHIFT, True)[0] for step in (1, -1))
    return [p for moves in both for p in moves]


def _coding(tx: Transcript) -> list[Exon]:
    return [e for e in tx.exons if e.cds_start is not None]


def _places(tx: Transcript, start: int, ref: str, alt: str) -> list[str]:
    return list(dict.fromkeys(region(tx, g) for g in _span(start, ref)))


def shift_5prime(
    start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[int, str, str, bool]:
    """Move a pure deletion or insertion left as far as the known bases prove: the 5'-most
    placement of the same change, and whether it stopped on a known base (see shift_3prime).

    >>> known = dict(zip(range(10, 15), "AACAA"))
    >>> shift_5prime(14, "A", "", known.get)
    (13, 'A', '', True)
    """
    moves, complete = _walk(start, ref, alt, base, -1)
    return (*(moves[-1] if moves else (start, ref, alt)), complete)


_COMPLEMENT = str.maketrans("ACGT", "TGCA")
_SITE_LOSS = ("start_lost", "splice_donor_variant", "splice_acceptor_variant")
_CODING = ("frameshift_variant", "inframe_insertion", "inframe_deletion", "stop_gained",
           "stop_lost", "protein_altering_variant")  # fmt: skip


def _as_written(allele: Allele) -> tuple[int, str, str]:
    """The change where the record puts it: the shared leading (pad) bases are dropped first,
    so ``T>TGCT`` inserts GCT after the T, as VCF means it (``minimal`` would insert TGC before)."""
    pos, ref, alt = allele.pos, allele.ref.upper(), allele.alt.upper()
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return pos, ref, alt


def _span(start: int, ref: str) -> tuple[int, int]:
    """The first and last base an allele touches (the two flanking bases of an insertion)."""
    return (start, start + len(ref) - 1) if ref else (start - 1, start)


def _indel_consequence(tx: Transcript, start: int, ref: str, alt: str, places: list[str]) -> str:
    if ref:
        first, last = _span(start, ref)
        return _deletion_consequence(tx, first, last, ref, alt, places)
    return _insertion_consequence(tx, start, alt, places)


def large_deletion_consequence(start: int, end: int, build: str) -> str:
    """Sequence Ontology terms for a deletion of bases ``start``..``end`` (an SV record): what
    it removes of NM_173842.3, loss-of-function terms first."""
    tx = load_transcript(build)
    if start <= tx.start and end >= tx.end:
        return "transcript_ablation"
    coding = _coding(tx)
    terms = []
    if start <= tx.cds_start + 2 and end >= tx.cds_start:
        terms.append("start_lost")
    if any(start <= e.cds_start and end >= e.cds_end for e in coding):
        terms.append("exon_loss_variant")
    for before, after in zip(tx.exons, tx.exons[1:], strict=False):
        if start <= before.end + 2 and end >= before.end + 1:
            terms.append("splice_donor_variant")
        if start <= after.start - 1 and end >= after.start - 2:
            terms.append("splice_acceptor_variant")
    if "exon_loss_variant" not in terms and any(
        e.cds_start <= end and start <= e.cds_end for e in coding
    ):
        terms.append("coding_sequence_variant")  # part of the coding sequence goes
    if start <= tx.cds_end and end >= tx.cds_end - 2:
        terms.append("stop_lost")
    if terms == ["coding_sequence_variant"]:  # inside one exon's coding part: its length tells
        return "frameshift_variant" if (end - start + 1) % 3 else "inframe_deletion"
    if terms:
        return "&".join(terms)
    if end < tx.start:
        return "upstream_gene_variant"
    if start > tx.end:
        return "downstream_gene_variant"
    for exon in tx.exons:
        if exon.start <= end and start <= exon.end:  # only the untranslated part of an exon
            return "5_prime_UTR_variant" if start < tx.cds_start else "3_prime_UTR_variant"
    return "intron_variant"


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
            coding = [_coding_index(tx, g) for g in range(first, last + 1)]
            within = all(k is None or k >= tx.cds_length - 3 for k in coding)
            if not diff % 3:
                return "stop_lost"
            # From the stop codon on, a frameshift extends the protein; from before, it is one.
            return "stop_lost&frameshift_variant" if within else "frameshift_variant&stop_lost"
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
            return "stop_lost" if len(alt) % 3 == 0 else "stop_lost&frameshift_variant"
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
    if set(alt) - set("ACGT"):
        return "coding_sequence_variant", "p.?", (_UNKNOWN_ALT,)
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
    if kind == "synonymous_variant":
        return kind, f"p.({THREE_LETTER[ref_aas[0]]}{numbers[0] + 1}=)", ()
    if len(outcomes) > 1:
        return kind, "p.?", ()
    if len(numbers) > 1:  # several codons, each fixed: name the change on the protein
        old = tx.protein + "*"
        changed_aas = dict(zip(numbers, outcomes.pop(), strict=True))
        new = "".join(changed_aas.get(n, aa) for n, aa in enumerate(old))
        return kind, protein_change(old, new[: new.find("*") + 1] or new, False), ()
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


def _hgvs_c(
    tx: Transcript, start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> str:
    """c. description of a trimmed, 3'-shifted allele (start, deleted bases, inserted bases);
    an insertion of the bases just before it is a ``dup`` where ``base`` knows them."""
    if len(ref) == 1 and len(alt) == 1:
        return f"{c_position(tx, start)}{ref}>{alt}"
    end = start + len(ref) - 1
    span = (
        c_position(tx, start) if len(ref) == 1 else f"{c_position(tx, start)}_{c_position(tx, end)}"
    )
    if ref and not alt:
        return f"{span}del"
    if not ref:
        copied = start - len(alt)
        if "".join(base(copied + i) or "?" for i in range(len(alt))) == alt:
            last = f"_{c_position(tx, start - 1)}" if len(alt) > 1 else ""
            return f"{c_position(tx, copied)}{last}dup"
        return f"{c_position(tx, start - 1)}_{c_position(tx, start)}ins{alt}"
    if len(ref) == len(alt) and alt == ref[::-1].translate(_COMPLEMENT):
        return f"{span}inv"  # HGVS: replaced by its own reverse complement
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


def _altered_transcript(
    tx: Transcript, start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str] | None:
    """The reference and the altered transcript from c.1 to its 3' end, or None when a base is
    unknown or the change does not lie wholly inside exon sequence (a change at an exon edge
    could be read as intronic, so its protein is not predicted)."""
    exonic = [g for e in tx.exons for g in range(max(e.start, tx.cds_start), e.end + 1)]
    index = {g: k for k, g in enumerate(exonic)}
    if ref:
        cut, resume = index.get(start), index.get(start + len(ref) - 1)
        if cut is None or resume is None or resume - cut != len(ref) - 1:
            return None
        resume += 1
    else:
        left, cut = index.get(start - 1), index.get(start)
        if left is None or cut is None or cut != left + 1:
            return None
        resume = cut
    bases = [base(g) for g in exonic]  # read only once the change is known to be exonic
    if any(b is None for b in bases):
        return None
    reference = "".join(bases)  # type: ignore[arg-type]
    return reference, reference[:cut] + alt + reference[resume:]


def _aa(seq: str) -> str:
    return "".join(THREE_LETTER.get(a, "Xaa") for a in seq)


def protein_change(old: str, new: str, frameshift: bool, shift: int = 0) -> str:
    """HGVS p. (three-letter, predicted) from the reference protein ``old`` (ending in ``*``) and
    the translation ``new`` of the altered transcript (ending in ``*``, or not when it runs off
    what is known). ``shift`` is the in-frame length change in codons. Keeping the longest
    common prefix puts deletions and insertions at their 3'-most place (the HGVS 3' rule).

    >>> protein_change("MEAKL*", "MEKL*", False, -1)
    'p.(Ala3del)'
    >>> protein_change("MEAKL*", "MEAAKL*", False, 1)
    'p.(Ala3dup)'
    >>> protein_change("MEAKL*", "MEGTP*", True)
    'p.(Ala3GlyfsTer4)'
    >>> protein_change("MEAKL*", "MEAKLQRS*", False)
    'p.(Ter6GlnextTer3)'
    >>> protein_change("MEAKL*", "MEAWKL*", False, 1)
    'p.(Ala3_Lys4insTrp)'
    >>> protein_change("MEAKL*", "MEAK*", False, -1)  # the last residue goes, the stop stays
    'p.(Leu5del)'
    >>> protein_change("MEAKL*", "MEA*", False, -3)  # Lys4 to the stop go; the UTR has a stop
    'p.(Lys4_Leu5del)'
    >>> protein_change("MEAKL*", "MEAKLW*", False, 1)  # inserted before the stop, which stays
    'p.(Leu5_Ter6insTrp)'
    """
    return compare_proteins(old, new, frameshift, shift)[1]


def compare_proteins(old: str, new: str, frameshift: bool, shift: int = 0) -> tuple[str, str]:
    """The Sequence Ontology consequence and the HGVS p. name of turning ``old`` into ``new``
    (see protein_change). The name is ``p.?`` where it would need residues past what ``new``
    covers."""
    if old == new:
        return "synonymous_variant", "p.(=)"
    i = next((k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    if i is None:
        return "coding_sequence_variant", "p.?"  # ``new`` ran off before any change
    if i == 0:
        return "start_lost", "p.(Met1?)"
    where = f"{THREE_LETTER[old[i]]}{i + 1}"
    if frameshift:
        if old[i] == "*":  # the new frame starts at the stop: an extension
            length = str(len(new) - 1 - i) if new.endswith("*") else "?"
            return "stop_lost", f"p.({where}{_aa(new[i])}extTer{length})"
        if new[i] == "*":
            return "stop_gained", f"p.({where}Ter)"
        stop = new.find("*", i)
        length = str(stop - i + 1) if stop >= 0 else "?"
        return "frameshift_variant", f"p.({where}{_aa(new[i])}fsTer{length})"
    inserted = new[i : i + shift] if shift > 0 else ""
    deleted = old[i : i - shift] if shift < 0 else ""
    rest_old = old[i + len(deleted) :]
    rest_new = new[i + len(inserted) :]
    differ = [k for k in range(min(len(rest_old), len(rest_new))) if rest_old[k] != rest_new[k]]
    if differ:
        inserted += rest_new[: differ[-1] + 1]
        deleted += rest_old[: differ[-1] + 1]
    if not deleted and not inserted:
        return "coding_sequence_variant", "p.?"
    if inserted.startswith("*"):
        return "stop_gained", f"p.({where}Ter)"
    last = f"{THREE_LETTER[old[i + len(deleted) - 1]]}{i + len(deleted)}" if deleted else ""
    span = where if len(deleted) <= 1 else f"{where}_{last}"
    if "*" in deleted and not inserted.endswith("*"):
        # The stop codon is gone: the protein runs on into the 3'UTR to the next stop.
        stop = new.find("*", i)
        length = str(stop - i) if stop >= 0 else "?"
        if old[i] == "*":  # the stop itself is the first change: an extension
            return "stop_lost", f"p.({where}{_aa(new[i])}extTer{length})"
        if stop == i:  # a new stop right there: the protein just loses its last residues
            end = f"_{THREE_LETTER[old[-2]]}{len(old) - 1}" if i < len(old) - 2 else ""
            return "inframe_deletion", f"p.({where}{end}del)"
        if stop < 0:
            return "stop_lost", "p.?"  # the new tail is not known to its end
        longer = "stop_lost" if stop > len(old) - 1 else "protein_altering_variant"
        return longer, f"p.({span}delins{_aa(new[i : stop + 1])})"
    if "*" in inserted:
        kind = "stop_gained"
    elif shift:
        kind = "inframe_insertion" if shift > 0 else "inframe_deletion"
    else:
        kind = "missense_variant" if len(deleted) == 1 else "protein_altering_variant"
    if len(deleted) == 1 and len(inserted) == 1:
        return kind, f"p.({where}{_aa(inserted)})"
    if deleted and inserted:
        return kind, f"p.({span}delins{_aa(inserted)})"
    if deleted:
        return kind, f"p.({span}del)"
    k = len(inserted)
    if old[i - k : i] == inserted:  # the inserted residues repeat the ones before: a dup
        first = f"{THREE_LETTER[old[i - k]]}{i - k + 1}"
        name = f"p.({first}dup)" if k == 1 else f"p.({first}_{THREE_LETTER[old[i - 1]]}{i}dup)"
        return kind, name
    return kind, f"p.({THREE_LETTER[old[i - 1]]}{i}_{where}ins{_aa(inserted)})"


_MAX_CODON_CHOICES = 4096


def _local_protein_change(
    tx: Transcript, start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str, tuple[str, ...]]:
    """Consequence, p. name and the consequences left open, for a coding indel without a
    reference sequence. The codons the change touches (and, for a frameshift, up to three more)
    are each one of the codons P18510 allows that fit the known bases; a consequence or a name
    is given only when every choice gives the same one. A frameshift is named in the short form
    ``p.(Asn52fs)`` (where its new stop lies needs the sequence)."""
    first, last = _span(start, ref)
    indices = [_cds_or_utr_index(tx, g) for g in (first, last)]
    if None in indices or indices[1] - indices[0] != last - first or set(alt) - set("ACGT"):
        return "", "p.?", ()  # not inside one coding exon (and its 3'UTR), or ALT not known
    if ref:
        cut, resume = indices[0], indices[1] + 1  # CDS bases [cut, resume) are replaced
    else:
        cut = resume = indices[1]  # inserted before CDS base ``indices[1]``
    diff = len(alt) - len(ref)
    old = tx.protein + "*"
    w0 = cut // 3
    # Up to one codon of the 3'UTR may be read (any bases that fit what is known).
    w1 = min(-(-resume // 3) + (3 if diff % 3 else 0), len(old) + 1)
    if w0 == 0 or resume > w1 * 3:
        return "", "p.?", ()  # the start codon, or the 3'UTR beyond one codon, is in play
    choices = []
    for n in range(w0, w1):
        known = [base(_genomic_of_coding(tx, n * 3 + i)) for i in range(3)]
        fits = [
            c for c, aa in CODON_TABLE.items()
            if (n == len(old) or aa == old[n])
            and all(k in (None, b) for k, b in zip(known, c, strict=True))
        ]  # fmt: skip
        if not fits:
            return "", "p.?", ()  # the known bases cannot code P18510 here
        choices.append(fits)
    total = 1
    for fits in choices:
        total *= len(fits)
    if total > _MAX_CODON_CHOICES:
        return "", "p.?", ()
    outcomes = set()
    for combo in product(*choices):
        local = "".join(combo)
        changed = local[: cut - w0 * 3] + alt + local[resume - w0 * 3 :]
        amino = "".join(CODON_TABLE[changed[i : i + 3]] for i in range(0, len(changed) - 2, 3))
        stop = amino.find("*")
        if stop >= 0:
            new = old[:w0] + amino[: stop + 1]
        elif diff % 3 or w1 >= len(old):
            new = old[:w0] + amino  # what follows is not known
        else:
            new = old[:w0] + amino + old[w1:]
        kind, name = compare_proteins(old, new, bool(diff % 3), 0 if diff % 3 else diff // 3)
        if kind == "frameshift_variant":
            name = name.split("fsTer")[0][:-3] + "fs)"  # the new stop is not known
        elif kind == "coding_sequence_variant" and w1 < len(old):
            return "", "p.?", ()  # no change within the codons looked at
        elif kind == "synonymous_variant":
            kind = "stop_retained_variant"  # an indel that leaves the protein: at the stop
        outcomes.add((kind, name))
    if diff % 3 and {kind for kind, _ in outcomes} == {"frameshift_variant", "stop_gained"}:
        outcomes = {("frameshift_variant", name) for _, name in outcomes}  # a stop or not at once
    kinds = sorted({kind for kind, _ in outcomes})
    if len(kinds) > 1:
        return "coding_sequence_variant", "p.?", tuple(kinds)
    names = {name for _, name in outcomes}
    return kinds[0], names.pop() if len(names) == 1 else "p.?", ()


def _sequence_effect(
    tx: Transcript, start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str] | None:
    """Consequence and p. of a change read from the reference sequence (``--fasta``), or None
    when the sequence or the change's place in the exons leaves it open."""
    altered = _altered_transcript(tx, start, ref, alt, base)
    if altered is None or set(alt) - set("ACGT"):
        return None
    reference, mutated = altered
    old, new = _translate(reference), _translate(mutated)
    if not old.endswith("*") or len(old) != len(tx.protein) + 1:
        return None  # the FASTA does not code P18510 here: nothing to name against
    diff = len(alt) - len(ref)
    return compare_proteins(old, new, bool(diff % 3), diff // 3 if diff % 3 == 0 else 0)


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
    return tuple(
        Isoform(r["transcript"], int(r["first_shared_c"]), int(r["c_offset"]), int(r["aa_offset"]))
        for r in _data_rows(ISOFORM_FILE)
    )


ISOFORM_EXON_FILE = "il1rn_isoform_exons.tsv"


@cache
def _isoform_model(name: str, build: str) -> Transcript | None:
    """An isoform's known coding structure: its derived 5' coding parts, then NM_173842.3 from
    the join. Its 5' end is set at its ATG (the UTR is not known)."""
    iso = next((i for i in load_isoforms() if i.name == name), None)
    rows = [r for r in _data_rows(ISOFORM_EXON_FILE) if r["transcript"] == name]
    if iso is None or not rows:
        return None
    shift = GRCH37_OFFSET if build == GRCH37 else 0
    main = load_transcript(build)
    join = _genomic_of_coding(main, iso.first_shared_c - 1)
    exons = [
        Exon(0, int(r["grch38_start"]) + shift, int(r["grch38_end"]) + shift, 0, 0) for r in rows
    ]
    for e in main.exons:
        if e.end >= join:
            exons.append(Exon(0, max(e.start, join), e.end, 0, 0))
    exons = [
        replace(e, number=k, cds_start=e.start, cds_end=min(e.end, main.cds_end))
        for k, e in enumerate(exons, 1)
    ]
    return Transcript(name, build, tuple(exons), exons[0].start, main.cds_end, "")


def on_isoform_5prime(allele: Allele, build: str, isoform: Isoform) -> str | None:
    """The c. name on ``isoform`` of a small allele 5' of the exons it shares with NM_173842.3,
    from its derived 5' coding parts (data/il1rn_isoform_exons.tsv), or None where that
    structure says nothing (its UTR, or no such parts)."""
    tx = _isoform_model(isoform.name, build)
    if tx is None or allele.symbolic:
        return None
    main = load_transcript(build)
    if allele.pos >= _genomic_of_coding(main, isoform.first_shared_c - 1):
        return None  # the shared part: on_isoform names it
    start, ref, alt = _as_written(allele)
    known = {allele.pos + i: b for i, b in enumerate(allele.ref.upper()) if b in "ACGT"}
    start, ref, alt, _ = shift_3prime(start, ref, alt, known.get)
    if _span(start, ref)[0] < tx.start or not (ref or alt):
        return None  # in the isoform's 5'UTR or upstream: not known
    return f"{isoform.name}:c.{_hgvs_c(tx, start, ref, alt, known.get)} (derived 5' exon structure)"


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
