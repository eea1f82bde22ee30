"""NM_173842.3 and the other IL1RN isoforms from data/, and where a genomic position falls on
them: c. numbering, exon, intron or UTR, the coding sequence. The only module of the gene model
that reads files (the tables in data/, as ``catalog`` does)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import cache

from il1rn_annot.catalog import data_dir
from il1rn_annot.genome import GRCH37, GRCH37_OFFSET
from il1rn_annot.model import Allele

TRANSCRIPT = "NM_173842.3"
MODEL_FILE = "il1rn_gene_model.tsv"
PROTEIN_FILE = "P18510.fasta"


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


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of a tab-separated table in data/, its '#' comment lines left out."""
    lines = (data_dir() / name).read_text().splitlines()
    return list(csv.DictReader([x for x in lines if x and not x.startswith("#")], delimiter="\t"))


@cache
def load_transcript(build: str) -> Transcript:
    """NM_173842.3 on ``build`` from data/ (exons, CDS) with the P18510 protein sequence."""
    shift = GRCH37_OFFSET if build == GRCH37 else 0
    exons = []
    for row in data_rows(MODEL_FILE):
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


def coding_index(tx: Transcript, g: int) -> int | None:
    """0-based position in the CDS, or None outside it."""
    index = 0
    for exon in tx.exons:
        if exon.cds_start is None:
            continue
        if exon.cds_start <= g <= exon.cds_end:
            return index + g - exon.cds_start
        index += exon.cds_end - exon.cds_start + 1
    return None


def cds_or_utr_index(tx: Transcript, g: int) -> int | None:
    """0-based CDS index, counting on into the 3'UTR of the last exon; None elsewhere."""
    index = coding_index(tx, g)
    if index is None and tx.cds_end < g <= tx.exons[-1].end:
        return tx.cds_length + g - tx.cds_end - 1
    return index


def genomic_of_coding(tx: Transcript, index: int) -> int:
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


def coding_exons(tx: Transcript) -> list[Exon]:
    """The exons with a coding part."""
    return [e for e in tx.exons if e.cds_start is not None]


def allele_span(start: int, ref: str) -> tuple[int, int]:
    """The first and last base an allele touches (the two flanking bases of an insertion)."""
    return (start, start + len(ref) - 1) if ref else (start - 1, start)


def allele_regions(tx: Transcript, start: int, ref: str, alt: str) -> list[str]:
    """The regions (see ``region``) of the bases an allele touches, 5' first."""
    return list(dict.fromkeys(region(tx, g) for g in allele_span(start, ref)))


def as_written(allele: Allele) -> tuple[int, str, str]:
    """The change where the record puts it: the shared leading (pad) bases are dropped first,
    so ``T>TGCT`` inserts GCT after the T, as VCF means it (``minimal`` would insert TGC before)."""
    pos, ref, alt = allele.pos, allele.ref.upper(), allele.alt.upper()
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return pos, ref, alt


ISOFORM_FILE = "il1rn_isoforms.tsv"
ISOFORM_EXON_FILE = "il1rn_isoform_exons.tsv"


@dataclass(frozen=True)
class Isoform:
    """Another RefSeq isoform, numbered from NM_173842.3 where it shares its exons."""

    name: str
    first_shared_c: int
    c_offset: int
    aa_offset: int


@cache
def load_isoforms() -> tuple[Isoform, ...]:
    """The other RefSeq isoforms, with their offsets from NM_173842.3 (data/)."""
    return tuple(
        Isoform(r["transcript"], int(r["first_shared_c"]), int(r["c_offset"]), int(r["aa_offset"]))
        for r in data_rows(ISOFORM_FILE)
    )


@cache
def isoform_model(name: str, build: str) -> Transcript | None:
    """An isoform's known coding structure: its derived 5' coding parts, then NM_173842.3 from
    the join. Its 5' end is set at its ATG (the UTR is not known)."""
    iso = next((i for i in load_isoforms() if i.name == name), None)
    rows = [r for r in data_rows(ISOFORM_EXON_FILE) if r["transcript"] == name]
    if iso is None or not rows:
        return None
    shift = GRCH37_OFFSET if build == GRCH37 else 0
    main = load_transcript(build)
    join = genomic_of_coding(main, iso.first_shared_c - 1)
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
