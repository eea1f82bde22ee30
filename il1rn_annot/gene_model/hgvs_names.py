"""HGVS names on NM_173842.3: c. (moved 3' as far as the known bases prove) and predicted p.
(from the codons P18510 allows, or translated from ``--fasta``), and the same names moved onto
the other RefSeq isoforms."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import product

from il1rn_annot.gene_model.coordinates import (
    Isoform,
    Transcript,
    allele_span,
    as_written,
    c_position,
    cds_or_utr_index,
    genomic_of_coding,
    isoform_model,
    load_transcript,
)
from il1rn_annot.model import Allele

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {a + b + c: _AMINO[i] for i, (a, b, c) in enumerate(product(_BASES, repeat=3))}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "E": "Glu", "Q": "Gln",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip


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
                fixed[genomic_of_coding(tx, n * 3 + i)] = codons[0][i]
    return fixed


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


MAX_SHIFT = 20  # bases of unknown sequence a repeat is taken to run on, each way


def possible_placements(
    start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> list[tuple[int, str, str]]:
    """Placements of a pure indel that unknown bases might allow: shifted both ways, taking
    each unknown base to repeat the change, until a known base breaks the repeat."""
    both = (_walk(start, ref, alt, base, step, MAX_SHIFT, True)[0] for step in (1, -1))
    return [p for moves in both for p in moves]


_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def c_description(
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


def local_protein_change(
    tx: Transcript, start: int, ref: str, alt: str, base: Callable[[int], str | None]
) -> tuple[str, str, tuple[str, ...]]:
    """Consequence, p. name and the consequences left open, for a coding indel without a
    reference sequence. The codons the change touches (and, for a frameshift, up to three more)
    are each one of the codons P18510 allows that fit the known bases; a consequence or a name
    is given only when every choice gives the same one. A frameshift is named in the short form
    ``p.(Asn52fs)`` (where its new stop lies needs the sequence)."""
    first, last = allele_span(start, ref)
    indices = [cds_or_utr_index(tx, g) for g in (first, last)]
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
        known = [base(genomic_of_coding(tx, n * 3 + i)) for i in range(3)]
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


def sequence_effect(
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


_POSITION = re.compile(r"^(\*?)(-?\d+)([+-]\d+)?$")
_CHANGE = re.compile(r"^([-*+_\d]+)(.*)$")
_RESIDUE = re.compile(r"([A-Z][a-z]{2})(\d+)")


def on_isoform_5prime(allele: Allele, build: str, isoform: Isoform) -> str | None:
    """The c. name on ``isoform`` of a small allele 5' of the exons it shares with NM_173842.3,
    from its derived 5' coding parts (data/il1rn_isoform_exons.tsv), or None where that
    structure says nothing (its UTR, or no such parts)."""
    tx = isoform_model(isoform.name, build)
    if tx is None or allele.symbolic:
        return None
    main = load_transcript(build)
    if allele.pos >= genomic_of_coding(main, isoform.first_shared_c - 1):
        return None  # the shared part: on_isoform names it
    start, ref, alt = as_written(allele)
    known = {allele.pos + i: b for i, b in enumerate(allele.ref.upper()) if b in "ACGT"}
    start, ref, alt, _ = shift_3prime(start, ref, alt, known.get)
    if allele_span(start, ref)[0] < tx.start or not (ref or alt):
        return None  # in the isoform's 5'UTR or upstream: not known
    name = c_description(tx, start, ref, alt, known.get)
    return f"{isoform.name}:c.{name} (derived 5' exon structure)"


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
