"""The catalog for other tools (``catalog export``): VCF, BED or TSV of its alleles on one build.

So that ``bcftools view -R catalog.bed`` and ``bcftools annotate -a catalog.vcf.gz`` work with the
same catalog the calls rest on. Only the catalog's own coordinates are written: a row without
coordinates on the build is left out and named, never placed. A large deletion is a symbolic
``<DEL>`` record after its VCF convention: POS is the base before the deleted interval (its base
is not in the catalog, so REF is ``N``), END the last deleted base. ``N`` in REF or ALT is a base
the evidence leaves open (DIRA06, DIRA07): such records carry the flag ``DIRA_OPEN_BASES``, since
a tool that compares bases (``bcftools annotate``) will not match them; the BED selects them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from il1rn_annot.catalog import Catalog, CatalogEntry, Locus
from il1rn_annot.errors import UsageError
from il1rn_annot.genome import CHR2_LENGTH, GRCH38
from il1rn_annot.report.vcf import encode

log = logging.getLogger(__name__)

EXPORT_FORMATS = ("vcf", "bed", "tsv")

#: The suffixes that name each export format (``.gz``/``.bgz`` may follow; see ReportStream).
_KINDS = {".vcf": "vcf", ".bcf": "vcf", ".bed": "bed", ".tsv": "tsv"}

TSV_COLUMNS = (
    "id name legacy_names classification evidence_level variant_type hgvs_c hgvs_p "
    "alternative_to build chrom pos end ref alt"
).split()

_INFO = (
    ("SVTYPE", "1", "String", "Type of structural variant"),
    ("END", "1", "Integer", "Last deleted base of a symbolic deletion"),
    ("SVLEN", "1", "Integer", "Length of a symbolic deletion (negative: bases lost)"),
    ("DIRA_ID", "1", "String", "DIRA catalog id (il1rn-annot catalog show ID)"),
    ("DIRA_NAME", "1", "String", "Name of the allele: HGVS c. on NM_173842.3, else as published"),
    ("DIRA_CLASS", "1", "String", "Classification: pathogenic, likely_pathogenic or uncertain"),
    ("DIRA_EVIDENCE", "1", "String", "Evidence level of the coordinates (catalog README)"),
    ("DIRA_LEGACY", ".", "String", "Names as published (E77X, N52KfsX25, ...)"),
    ("DIRA_ALTERNATIVE_TO", "1", "String", "The catalog id of the other place this allele may be"),
    ("DIRA_OPEN_BASES", "0", "Flag", "REF/ALT hold N: bases the evidence leaves open"),
)


@dataclass(frozen=True)
class Placed:
    """A catalog allele with its coordinates on the build exported."""

    entry: CatalogEntry
    locus: Locus

    @property
    def first(self) -> int:
        """The record's POS: a symbolic deletion's is the base before the interval."""
        return self.locus.pos - 1 if self.locus.symbolic else self.locus.pos


def export_format(path: str | None, requested: str | None) -> str:
    """The format: ``--format``, else the name's; a contradiction or neither is a usage error.

    >>> export_format("dira.vcf.gz", None), export_format(None, "bed"), export_format("x", "tsv")
    ('vcf', 'bed', 'tsv')
    >>> export_format("dira.bcf.gz", None)
    Traceback (most recent call last):
    ...
    il1rn_annot.errors.UsageError: dira.bcf.gz: cannot write .gz after .bcf
    """
    suffixes = [s.lower() for s in Path(path).suffixes] if path and path != "-" else []
    at = next((n for n in range(len(suffixes) - 1, -1, -1) if suffixes[n] in _KINDS), None)
    named = _KINDS[suffixes[at]] if at is not None else None
    if at is not None:
        allowed = {".vcf": {".gz", ".bgz"}, ".bcf": set()}.get(suffixes[at], {".gz"})
        odd = [s for s in suffixes[at + 1 :] if s not in allowed]
        if odd:
            raise UsageError(f"cannot write {odd[0]} after {suffixes[at]}", path)
    if requested is not None and named is not None and named != requested:
        raise UsageError(f"--format {requested} contradicts the name, which says {named}", path)
    fmt = requested or named
    if fmt is None:
        raise UsageError("give --format vcf, bed or tsv (or a name ending in one of them)", path)
    return fmt


def placed(catalog: Catalog, build: str) -> list[Placed]:
    """The alleles with coordinates on ``build``, by position; the others are named on stderr."""
    out, missing = [], []
    for entry in catalog.entries:
        locus = entry.locus(build)
        if locus is None:
            missing.append(entry.id)
        else:
            out.append(Placed(entry, locus))
    if missing:
        log.warning(
            "left out %s: the catalog gives no %s coordinates (catalog show ID says what is "
            "unknown)",
            ", ".join(missing),
            build,
        )
    return sorted(out, key=lambda p: (p.first, p.locus.end, p.entry.id))


def render_export(catalog: Catalog, fmt: str, build: str, chrom: str | None = None) -> str:
    """The catalog as ``fmt`` on ``build``; chromosome 2 is named ``chrom`` (default: chr2 on
    GRCh38, 2 on GRCh37, as UCSC/GATK and 1000 Genomes/Ensembl name them)."""
    name = chrom or ("chr2" if build == GRCH38 else "2")
    rows = placed(catalog, build)
    if fmt == "vcf":
        return _vcf(catalog, build, name, rows)
    if fmt == "bed":
        lines = [f"{name}\t{p.locus.pos - 1}\t{p.locus.end}\t{p.entry.id}\n" for p in rows]
        return _comment(catalog, build) + "".join(lines)
    if fmt == "tsv":
        lines = ["\t".join(_tsv_row(p, build, name)) + "\n" for p in rows]
        return "\t".join(TSV_COLUMNS) + "\n" + "".join(lines)
    raise ValueError(f"unknown export format {fmt}")


def _comment(catalog: Catalog, build: str) -> str:
    return f"# il1rn-annot catalog {catalog.version} sha256 {catalog.sha256} {build}\n"


def _tsv_row(p: Placed, build: str, chrom: str) -> list[str]:
    e, locus = p.entry, p.locus
    return [
        e.id,
        e.name,
        "; ".join(e.legacy_names),
        e.classification,
        e.evidence_level,
        e.variant_type,
        e.hgvs_c,
        e.hgvs_p,
        e.alternative_to,
        build,
        chrom,
        str(locus.pos),
        str(locus.end),
        locus.ref,
        locus.alt,
    ]


def _vcf(catalog: Catalog, build: str, chrom: str, rows: list[Placed]) -> str:
    from il1rn_annot import __version__

    header = [
        "##fileformat=VCFv4.2",
        f"##reference={build}",
        f"##contig=<ID={chrom},length={CHR2_LENGTH[build]},assembly={build}>",
        '##ALT=<ID=DEL,Description="Deletion">',
        *(
            f'##INFO=<ID={tag},Number={number},Type={kind},Description="{text}">'
            for tag, number, kind, text in _INFO
        ),
        f"##il1rn-annot_catalog=<Version={catalog.version},SHA256={catalog.sha256},"
        f"Build={build},Tool={__version__}>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    return "\n".join(header) + "\n" + "".join(_vcf_line(p, chrom) for p in rows)


def _vcf_line(p: Placed, chrom: str) -> str:
    e, locus = p.entry, p.locus
    info = []
    if locus.symbolic:
        size = locus.end - locus.pos + 1
        info += ["SVTYPE=DEL", f"END={locus.end}", f"SVLEN=-{size}"]
    info += [
        f"DIRA_ID={e.id}",
        f"DIRA_NAME={encode(e.name)}",
        f"DIRA_CLASS={e.classification}",
        f"DIRA_EVIDENCE={e.evidence_level}",
    ]
    if e.legacy_names:
        info.append("DIRA_LEGACY=" + ",".join(encode(n) for n in e.legacy_names))
    if e.alternative_to:
        info.append(f"DIRA_ALTERNATIVE_TO={e.alternative_to}")
    if not locus.symbolic and "N" in locus.ref + locus.alt:
        info.append("DIRA_OPEN_BASES")
    cells = [chrom, str(p.first), e.id, locus.ref, locus.alt, ".", ".", ";".join(info)]
    return "\t".join(cells) + "\n"
