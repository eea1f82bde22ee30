"""What an allele does to NM_173842.3: its Sequence Ontology consequence, with its location and
HGVS names (``effect``), and the terms for a large deletion.

No genomic sequence of IL1RN ships with the tool. A coding SNV's consequence is still exact when
the protein (UniProt P18510) and the record's REF base leave only one possible outcome: every
codon for Glu77 turns into a stop when its first base becomes T, so c.229G>T is stop_gained with
or without a reference. When the possible reference codons disagree (a wobble position), the
consequence is given as undetermined and named, unless ``--fasta`` supplies the codon.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from il1rn_annot.gene_model.coordinates import (
    Transcript,
    allele_regions,
    allele_span,
    as_written,
    coding_exons,
    coding_index,
    genomic_of_coding,
    load_transcript,
    region,
)
from il1rn_annot.gene_model.hgvs_names import (
    CODON_TABLE,
    MAX_SHIFT,
    THREE_LETTER,
    c_description,
    local_protein_change,
    possible_placements,
    protein_change,
    protein_fixed_bases,
    sequence_effect,
    shift_3prime,
    shift_5prime,
)
from il1rn_annot.model import Allele
from il1rn_annot.normalize import BaseFetcher

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


#: The consequence of an allele whose REF or ALT is not bases (Sequence Ontology's most general
#: term: a change, of unknown kind).
UNKNOWN_CHANGE = "sequence_variant"

#: The note of a change whose consequence depends on codon bases that are not known.
CODON_OPEN = "codon not fixed without --fasta: the protein allows "


@dataclass(frozen=True)
class Effect:
    """What one allele does to NM_173842.3."""

    location: str
    consequence: str
    hgvs_c: str
    hgvs_p: str
    notes: tuple[str, ...] = ()


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
    start, ref, alt = as_written(allele)
    if not ref and not alt:
        return None
    odd = sorted(set(allele.ref.upper() + allele.alt.upper()) - set("ACGTN"))
    if odd:  # REF X, ALT Q: no change anyone can name, so no name and no consequence
        location = "-".join(allele_regions(tx, start, ref, alt))
        note = f"{', '.join(odd)} is not a base: no HGVS name, and the consequence is not known"
        return Effect(location, UNKNOWN_CHANGE, "", "", (note,))
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
    first, last = allele_span(input_start, input_ref)
    location = "-".join(allele_regions(tx, input_start, input_ref, input_alt))
    hgvs = f"{tx.name}:c.{c_description(tx, start, ref, alt, base)}"
    notes: tuple[str, ...] = ()
    if len(ref) == len(alt) and all(
        coding_index(tx, g) is not None for g in range(first, last + 1)
    ):
        consequence, hgvs_p, notes = _substitution_effect(tx, first, input_ref, input_alt, base)
        if base_at is not None and (hgvs_p == "p.?" or consequence == "stop_lost"):
            found = sequence_effect(tx, start, ref, alt, base)  # e.g. where the new stop is
            hgvs_p = found[1] if found else hgvs_p
        near_edge = _near_exon_edge(tx, first) or _near_exon_edge(tx, last)
        if near_edge and consequence != "coding_sequence_variant":
            consequence += "&splice_region_variant"
        return Effect(location, consequence, hgvs, hgvs_p, notes)
    *left, left_complete = shift_5prime(input_start, input_ref, input_alt, base)
    placements = [(input_start, input_ref, input_alt), tuple(left), (start, ref, alt)]
    judged = _judge_placements(tx, list(dict.fromkeys(placements)))
    placed, consequence = judged[0]
    first, last = allele_span(placed[0], placed[1])
    kind = consequence.split("&")[0]
    coding_change = kind in _CODING
    near_edge = any(_near_exon_edge(tx, g) for p, _ in judged for g in allele_span(p[0], p[1]))
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
            found = found or sequence_effect(tx, *p, base)
    elif base_at is None and coding_change:
        new_kind, name, open_kinds = local_protein_change(tx, *placed, base)
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
    reach = MAX_SHIFT + len(ref or alt)
    near = any(e.cds_start - reach <= first and last <= e.cds_end + reach for e in coding_exons(tx))
    if near and not (complete and left_complete) and (kind in _SITE_LOSS or not coding_change):
        # Over unknown bases the repeat may go on: see what the change could be there.
        maybe = {
            _indel_consequence(tx, *p, allele_regions(tx, *p)).split("&")[0]
            for p in possible_placements(input_start, input_ref, input_alt, base)
        }
        if maybe & set(_CODING):
            consequence = f"coding_sequence_variant&{consequence}"
            notes += ("a coding change if unknown bases next to it repeat the changed ones",)
        if kind in _SITE_LOSS and maybe - set(_SITE_LOSS):
            hgvs_p = "p.?"
            notes += (f"{kind} unless unknown bases next to it repeat the changed ones",)
    return Effect(location, consequence, hgvs, hgvs_p, notes)


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
    judged = [(p, _indel_consequence(tx, *p, allele_regions(tx, *p))) for p in placements]
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


#: The note of a coding ALT with N (a base not known), or more of them than are read one by one.
UNKNOWN_ALT = "ALT has N, a base not known"
_SITE_LOSS = ("start_lost", "splice_donor_variant", "splice_acceptor_variant")
_CODING = ("frameshift_variant", "inframe_insertion", "inframe_deletion", "stop_gained",
           "stop_lost", "protein_altering_variant")  # fmt: skip
_NONCODING = {
    "5'UTR": "5_prime_UTR_variant",
    "3'UTR": "3_prime_UTR_variant",
    "upstream": "upstream_gene_variant",
    "downstream": "downstream_gene_variant",
}


def _indel_consequence(tx: Transcript, start: int, ref: str, alt: str, places: list[str]) -> str:
    if ref:
        first, last = allele_span(start, ref)
        return _deletion_consequence(tx, first, last, ref, alt, places)
    return _insertion_consequence(tx, start, alt, places)


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
    if any(coding_index(tx, g) is not None for g in range(first, last + 1)):
        diff = len(alt) - len(ref)
        kind = (
            "frameshift_variant"
            if diff % 3
            else "inframe_deletion"
            if diff < 0
            else ("inframe_insertion" if diff > 0 else "protein_altering_variant")
        )
        if stop_codon:
            coding = [coding_index(tx, g) for g in range(first, last + 1)]
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
    a, b = coding_index(tx, left), coding_index(tx, right)
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


def _codon_span(tx: Transcript, first: int, last: int) -> tuple[bool, bool]:
    """Whether the bases first..last touch the start codon (c.1-3) or the stop codon."""
    indices = [coding_index(tx, g) for g in range(first, last + 1)]
    coding = [k for k in indices if k is not None]
    return any(k < 3 for k in coding), any(k >= tx.cds_length - 3 for k in coding)


def large_deletion_consequence(start: int, end: int, build: str) -> str:
    """Sequence Ontology terms for a deletion of bases ``start``..``end`` (an SV record): what
    it removes of NM_173842.3, loss-of-function terms first."""
    tx = load_transcript(build)
    if start <= tx.start and end >= tx.end:
        return "transcript_ablation"
    coding = coding_exons(tx)
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


def _substitution_effect(
    tx: Transcript, first: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str, tuple[str, ...]]:
    """A coding substitution of one or more bases: the codons it touches, each either read from
    the reference (``--fasta``) or constrained by the protein and the record's REF bases."""
    if set(alt) - set("ACGT"):
        return _open_bases_effect(tx, first, ref, alt, base)
    indices = [coding_index(tx, first + i) for i in range(len(ref))]
    changed = {k: alt[i] for i, k in enumerate(indices) if ref[i] != alt[i]}
    numbers = sorted({k // 3 for k in changed})
    outcomes: set[tuple[str, ...]] = {()}
    ref_aas = []
    for n in numbers:
        ref_aa = tx.protein[n] if n < len(tx.protein) else "*"
        ref_aas.append(ref_aa)
        codons = []
        full = [base(genomic_of_coding(tx, n * 3 + i)) for i in range(3)]
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
            (CODON_OPEN + " or ".join(sorted(kinds)),),
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


#: Up to this many N in a coding ALT are read as every base they may be (4**3 readings).
MAX_OPEN_BASES = 3


def _open_bases_effect(
    tx: Transcript, first: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str, tuple[str, ...]]:
    """A coding substitution whose ALT has N: each base it may be (the REF's own included) is
    read as a substitution, and what they allow together is the effect, so that a possible
    stop is said (c.149T>N in Leu50's TTA may be TAA)."""
    where = [i for i, b in enumerate(alt) if b == "N"]
    if len(where) > MAX_OPEN_BASES or set(alt) - set("ACGTN"):
        return "coding_sequence_variant", "p.?", (UNKNOWN_ALT,)
    kinds = set()
    for bases in itertools.product("ACGT", repeat=len(where)):
        chosen = list(alt)
        for i, b in zip(where, bases, strict=True):
            chosen[i] = b
        reading = "".join(chosen)
        if reading == ref:
            kinds.add("synonymous_variant")  # the N may be the REF's own base: no change
            continue
        consequence, _, notes = _substitution_effect(tx, first, ref, reading, base)
        if notes and notes[0].startswith("ref_mismatch"):
            return consequence, "p.?", notes
        opened = notes[0].partition(CODON_OPEN)[2] if notes else ""
        kinds.update(opened.split(" or ") if opened else [consequence])
    named = " or ".join(sorted(kinds))
    return "coding_sequence_variant", "p.?", (f"{UNKNOWN_ALT}: the protein allows {named}",)


def _consequence(ref_aa: str, alt_aa: str, number: int) -> str:
    if number == 1 and alt_aa != "M":
        return "start_lost"
    if ref_aa == "*":
        return "stop_retained_variant" if alt_aa == "*" else "stop_lost"
    if alt_aa == "*":
        return "stop_gained"
    return "synonymous_variant" if alt_aa == ref_aa else "missense_variant"


def _consequences(numbers: list[int], ref_aas: list[str], alt_aas: tuple[str, ...]) -> str:
    """The most severe consequence over the changed codons."""
    kinds = [_consequence(r, a, n + 1) for n, r, a in zip(numbers, ref_aas, alt_aas, strict=True)]
    for kind in ("start_lost", "stop_gained", "stop_lost", "missense_variant"):
        if kind in kinds:
            return kind
    return kinds[0] if kinds else "synonymous_variant"
