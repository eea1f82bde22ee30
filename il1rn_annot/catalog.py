"""The curated DIRA allele catalog and the table of known non-DIRA alleles (``data/``).

Loading validates the tables, because a wrong row is a wrong diagnosis: every check failure is a
``CatalogError`` naming the file, the row and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType

from il1rn_annot.catalog_version import sha256_hex
from il1rn_annot.errors import CatalogError
from il1rn_annot.genome import BUILDS, GRCH37, GRCH37_OFFSET, GRCH38
from il1rn_annot.model import Allele

CATALOG_FILE = "dira_variants.tsv"
NON_DIRA_FILE = "non_dira_variants.tsv"

CLASSIFICATIONS = ("pathogenic", "likely_pathogenic", "uncertain")
COUNTING = ("pathogenic", "likely_pathogenic")
EVIDENCE_LEVELS = ("confirmed", "derived_high", "derived_medium", "approximate", "low", "unknown")
#: Evidence levels whose matches are reported with needs_review when a call rests on them.
LOW_CONFIDENCE = ("low", "unknown")
VARIANT_TYPES = ("snv", "deletion", "insertion", "delins", "large_deletion", "unknown")
NON_DIRA_CLASSES = ("known_benign", "uncertain", "not_dira_risk_factor")

CATALOG_COLUMNS = (
    "id legacy_names transcript hgvs_c hgvs_p variant_type location classification "
    "classification_basis evidence_level alternative_to merged_ids "
    "grch38_chrom grch38_pos grch38_end grch38_ref grch38_alt "
    "grch37_chrom grch37_pos grch37_end grch37_ref grch37_alt "
    "ref_context_grch38 ref_context_grch37 reported_size_bp rsid clinvar_id clinvar_significance "
    "pmids sources "
    "origin zygosity_reported coord_method unverified notes"
).split()
NON_DIRA_COLUMNS = (
    "id label rsid legacy_names transcript hgvs_c variant_type location classification "
    "grch38_chrom grch38_pos grch38_end grch38_ref grch38_alt "
    "grch37_chrom grch37_pos grch37_end grch37_ref grch37_alt "
    "clinvar_id clinvar_significance sources coord_method evidence_level notes"
).split()

#: Symbolic ALTs a row may use: an interval, not bases. <VNTR> marks a repeat's span (non-DIRA).
SYMBOLIC = ("<DEL>", "<VNTR>")

_BASES = re.compile(r"^[ACGTN]+$")
_VERSION = re.compile(r"^#\s*catalog_version:\s*(\d{4}\.\d{2}\.\d{2})\s*$")


@dataclass(frozen=True)
class Locus:
    """Where an allele lies on one build: a VCF-style record, or an interval for large deletions.

    ``N`` in ``ref``/``alt``/``context`` is a base the evidence leaves open: it is never compared
    literally.
    """

    chrom: str
    pos: int
    end: int
    ref: str
    alt: str
    context_start: int | None = None
    context: str = ""

    @property
    def symbolic(self) -> bool:
        return self.alt.startswith("<")

    @property
    def allele(self) -> Allele:
        return Allele(self.pos, self.ref, self.alt)

    def known_bases(self) -> dict[int, str]:
        """Reference bases this row fixes (REF and context), N excluded."""
        bases: dict[int, str] = {}
        if not self.symbolic:
            bases.update((self.pos + i, b) for i, b in enumerate(self.ref) if b != "N")
        if self.context_start is not None:
            bases.update(
                (self.context_start + i, b) for i, b in enumerate(self.context) if b != "N"
            )
        return bases


_NO_LOCUS = Locus("2", 0, 0, "N", "N")


def split_names(cell: str) -> tuple[str, ...]:
    """A ``;``-separated cell as its non-empty parts.

    >>> split_names("N52KfsX25; c.156_157delCA;")
    ('N52KfsX25', 'c.156_157delCA')
    """
    return tuple(part.strip() for part in cell.split(";") if part.strip())


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    legacy_names: tuple[str, ...]
    hgvs_c: str
    hgvs_p: str
    variant_type: str
    location: str
    classification: str
    evidence_level: str
    alternative_to: str
    loci: dict[str, Locus | None]
    clinvar_id: str
    pmids: tuple[str, ...]
    row: dict[str, str]  # every column, for reports and `catalog show`
    merged_ids: tuple[str, ...] = ()  # ids of rows merged into this one (never reused)
    #: Where the row comes from: the bundled table, or a lab's --catalog-overlay (overlay.py).
    source: str = "bundled"  # bundled | overlay (a lab's own allele) | overlay_override

    @property
    def name(self) -> str:
        """The name a clinician recognises: HGVS c. when known, else the first legacy name."""
        if self.hgvs_c:
            return self.hgvs_c
        if not self.legacy_names:
            return self.id
        first = self.legacy_names[0]
        if self.row.get("transcript") == "not stated" and first.startswith(("c.", "p.")):
            return f"{first} (transcript not stated)"  # not an NM_173842 name (DIRA14)
        return first

    @property
    def exact_breakpoints(self) -> bool:
        """A large deletion with published breakpoints (matched by them), not a gene-content
        interval (matched by containment and size)."""
        return self.evidence_level != "approximate"

    @property
    def counts(self) -> bool:
        """Whether a match counts towards the sample's dira_genotype."""
        return self.classification in COUNTING

    @property
    def low_confidence(self) -> bool:
        return self.evidence_level in LOW_CONFIDENCE or bool(self.alternative_to)

    def locus(self, build: str) -> Locus | None:
        return self.loci.get(build)

    @property
    def reported_size(self) -> int | None:
        size = self.row.get("reported_size_bp", "")
        return int(size) if size else None

    @property
    def matching(self) -> str:
        """How this version of the tool can recognise the allele in a VCF."""
        locus = self.loci.get(GRCH38)
        if locus is None:
            return "known, not machine-matchable (coordinates unknown)"
        if locus.symbolic and self.exact_breakpoints:
            return "deletion breakpoints +-1 bp (SV/CNV records: <DEL>, <CN0>, CN, BND pairs)"
        if locus.symbolic:
            return "deletion overlap (SV/CNV records: <DEL>, <CN0>, CN, BND pairs)"
        return "allele match (haplotype-aware)"

    @property
    def matchable(self) -> bool:
        locus = self.loci.get(GRCH38)
        return locus is not None and not locus.symbolic


@dataclass(frozen=True)
class NonDiraEntry:
    id: str
    label: str
    rsid: str
    hgvs_c: str
    classification: str
    loci: dict[str, Locus | None]
    row: dict[str, str]
    legacy_names: tuple[str, ...] = ()
    variant_type: str = ""


@dataclass(frozen=True)
class Catalog:
    version: str
    sha256: str
    path: str
    entries: tuple[CatalogEntry, ...]
    non_dira: tuple[NonDiraEntry, ...]
    overlay_path: str = ""  # a lab's --catalog-overlay merged into the entries (overlay.py)
    overlay_sha256: str = ""

    def matchable(self) -> list[CatalogEntry]:
        return [e for e in self.entries if e.matchable]

    def deletions(self) -> list[CatalogEntry]:
        """Large deletions with an interval: matched by overlap with SV/CNV records."""
        return [e for e in self.entries if (e.locus(GRCH38) or _NO_LOCUS).symbolic]

    def get(self, entry_id: str) -> CatalogEntry:
        entry = self.entry(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        return entry

    def entry(self, entry_id: str) -> CatalogEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def vntr(self) -> NonDiraEntry | None:
        """The known non-DIRA repeat (the intron 2 86-bp VNTR), if the table has one."""
        return next((e for e in self.non_dira if e.variant_type == "vntr"), None)

    def merged_into(self, entry_id: str) -> CatalogEntry | None:
        """The row that now holds a merged (retired) id."""
        return next((e for e in self.entries if entry_id in e.merged_ids), None)

    def known_bases(self, build: str) -> Mapping[int, str]:
        """Every reference base the catalog fixes on ``build`` (low-confidence rows left out):
        build detection by sequence, REF checks and HGVS shifting ask for it per allele, so it is
        computed once per catalog."""
        return self._known_bases[build]

    @cached_property
    def _known_bases(self) -> dict[str, Mapping[int, str]]:
        out = {}
        for build in BUILDS:
            bases: dict[int, str] = {}
            for entry in self.matchable():
                locus = entry.locus(build)
                if locus is not None and not entry.low_confidence:
                    bases.update(locus.known_bases())
            out[build] = MappingProxyType(bases)
        return out


def data_dir() -> Path:
    """``data/`` inside an installed wheel, else the source checkout's ``data/``."""
    packaged = Path(__file__).parent / "data"
    if (packaged / CATALOG_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def load_catalog(directory: str | None = None, overlay: str | None = None) -> Catalog:
    """Load and validate both tables, and a lab's overlay (``--catalog-overlay``) over them."""
    if overlay is None:
        return _load_bundled(directory)
    from il1rn_annot.overlay import with_overlay

    return with_overlay(_load_bundled(directory), overlay)


@cache
def _load_bundled(directory: str | None = None) -> Catalog:
    """The bundled tables; cached, since every stage asks for them."""
    base = Path(directory) if directory else data_dir()
    path = base / CATALOG_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read the catalog: {exc.strerror}", str(path)) from None
    text = raw.decode("utf-8")
    version = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _VERSION.match(line)
        if match:
            version = match.group(1)
    if not version:
        raise CatalogError("no '# catalog_version: YYYY.MM.DD' line", str(path))
    rows = read_rows(path, text, CATALOG_COLUMNS)
    entries = tuple(entry_from_row(path, n, row) for n, row in rows)
    check_ids(path, [e.id for e in entries] + [m for e in entries for m in e.merged_ids])
    ids = {e.id for e in entries}
    for entry in entries:
        other = entry.alternative_to
        if other and (other not in ids or _by_id(entries, other).alternative_to != entry.id):
            raise CatalogError(f"{entry.id}: alternative_to {other} is not mutual", str(path))

    non_path = base / NON_DIRA_FILE
    try:
        non_text = non_path.read_text("utf-8")
    except OSError as exc:
        raise CatalogError(f"cannot read the table: {exc.strerror}", str(non_path)) from None
    non_dira = tuple(
        _non_dira(non_path, n, row) for n, row in read_rows(non_path, non_text, NON_DIRA_COLUMNS)
    )
    check_ids(non_path, [e.id for e in non_dira] + [e.id for e in entries])
    return Catalog(version, sha256_hex(raw), str(path), entries, non_dira)


def _by_id(entries: tuple[CatalogEntry, ...], entry_id: str) -> CatalogEntry:
    return next(e for e in entries if e.id == entry_id)


def read_rows(path: Path, text: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a catalog-shaped TSV; the header must have ``columns``. The
    bundled catalog and a lab's overlay (overlay.py) are read by the same checks."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if not line.startswith("#")]
    if not lines:
        raise CatalogError("no header line", str(path))
    header = lines[0][1].split("\t")
    if header != columns:
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        raise CatalogError(
            f"columns differ from the expected ones (missing: {missing}, unexpected: {extra})",
            str(path),
        )
    rows = []
    for n, line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise CatalogError(f"line {n}: {len(cells)} cells, expected {len(columns)}", str(path))
        if '"' in line:
            # Readers of TSV (pandas, spreadsheets) treat a double quote as quoting.
            raise CatalogError(f"line {n}: a cell contains a double quote", str(path))
        rows.append((n, dict(zip(columns, (c.strip() for c in cells), strict=True))))
    return rows


def check_ids(path: Path, ids: list[str]) -> None:
    """Every row has an id, and no id is given twice."""
    seen: set[str] = set()
    for entry_id in ids:
        if not entry_id or entry_id in seen:
            raise CatalogError(f"duplicate or empty id {entry_id!r}", str(path))
        seen.add(entry_id)


def row_error(path: Path, n: int, row: dict[str, str], problem: str) -> CatalogError:
    """The one-line error of a bad row: its file, line number and id."""
    return CatalogError(f"line {n} ({row.get('id', '?')}): {problem}", str(path))


def _loci(path: Path, n: int, row: dict[str, str], contexts: bool) -> dict[str, Locus | None]:
    loci: dict[str, Locus | None] = {}
    for build in BUILDS:
        prefix = "grch38" if build == GRCH38 else "grch37"
        cells = [row[f"{prefix}_{f}"] for f in ("pos", "end", "ref", "alt")]
        if row[f"{prefix}_chrom"] != "2":
            raise row_error(path, n, row, f"{prefix}_chrom must be 2")
        if not any(cells):
            loci[build] = None
            continue
        if not all(cells):
            raise row_error(path, n, row, f"{build} coordinates are partly empty")
        try:
            pos, end = int(cells[0]), int(cells[1])
        except ValueError:
            raise row_error(path, n, row, f"{build} pos/end are not integers") from None
        ref, alt = cells[2], cells[3]
        if alt.startswith("<"):
            if alt not in SYMBOLIC or ref != "N" or end <= pos:
                problem = f"a symbolic row needs ALT in {SYMBOLIC}, REF N and end > pos"
                raise row_error(path, n, row, problem)
            if (alt == "<VNTR>") != (row["variant_type"] == "vntr"):
                raise row_error(path, n, row, "only vntr rows use <VNTR>, and they must")
        else:
            if not _BASES.match(ref) or not _BASES.match(alt) or ref == alt:
                raise row_error(path, n, row, f"bad alleles {ref}>{alt}")
            if end != pos + len(ref) - 1:
                raise row_error(path, n, row, f"{build} end {end} != pos + len(REF) - 1")
            if len(ref) != len(alt) and ref[0] != alt[0]:
                raise row_error(path, n, row, "an indel must start with its padding base")
            if "N" in ref and not row["unverified"]:
                raise row_error(path, n, row, "REF has open bases (N) but 'unverified' is empty")
            changed = [i for i, b in enumerate(alt[: len(ref)]) if b == "N" and ref[i] != "N"]
            if changed:
                # An N in ALT is a padding base (the REF's own, written N in both); a changed
                # base left open would be compared as the letter N, and a record's G>T would
                # prove the row absent where the lab meant any base.
                at, base = pos + changed[0], ref[changed[0]]
                raise row_error(
                    path,
                    n,
                    row,
                    f"{build} ALT {alt} leaves open (N) the base that replaces {base} at {at}: "
                    "a changed base must be given (one row per base)",
                )
        context_start, context = None, ""
        if contexts and row[f"ref_context_{prefix}"]:
            start_text, _, context = row[f"ref_context_{prefix}"].partition(":")
            if not start_text.isdigit() or not _BASES.match(context):
                raise row_error(path, n, row, f"ref_context_{prefix} must be POS:BASES")
            context_start = int(start_text)
            for i, base in enumerate(ref if not alt.startswith("<") else ""):
                j = pos + i - context_start
                if 0 <= j < len(context) and "N" not in (base, context[j]) and base != context[j]:
                    raise row_error(path, n, row, f"{build} REF and context disagree at {pos + i}")
        loci[build] = Locus("2", pos, end, ref, alt, context_start, context)
    a, b = loci[GRCH38], loci[GRCH37]
    if (a is None) != (b is None):
        raise row_error(path, n, row, "coordinates given for one build only")
    if a is not None and b is not None:
        shifted = (a.pos + GRCH37_OFFSET, a.end + GRCH37_OFFSET, a.ref, a.alt, a.context)
        if (b.pos, b.end, b.ref, b.alt, b.context) != shifted or (
            a.context_start is not None and b.context_start != a.context_start + GRCH37_OFFSET
        ):
            raise row_error(
                path, n, row, f"GRCh37 is not GRCh38 + {GRCH37_OFFSET} with equal alleles"
            )
    return loci


def entry_from_row(path: Path, n: int, row: dict[str, str]) -> CatalogEntry:
    """A validated entry from one row (controlled vocabularies, coordinates, REF bases)."""
    for column, allowed in (
        ("classification", CLASSIFICATIONS),
        ("evidence_level", EVIDENCE_LEVELS),
        ("variant_type", VARIANT_TYPES),
    ):
        if row[column] not in allowed:
            raise row_error(path, n, row, f"{column} {row[column]!r} not in {allowed}")
    if not (row["pmids"] or row["clinvar_id"] or row["sources"]):
        raise row_error(path, n, row, "no source (pmids, clinvar_id or sources)")
    if not row["coord_method"]:
        raise row_error(
            path, n, row, "coord_method is empty: say how the coordinates were obtained"
        )
    if row["reported_size_bp"] and not row["reported_size_bp"].isdigit():
        raise row_error(path, n, row, "reported_size_bp must be a whole number of bases")
    pmids = tuple(p for p in row["pmids"].split(";") if p)
    if any(not p.isdigit() for p in pmids):
        raise row_error(path, n, row, f"pmids must be digits separated by ';': {row['pmids']!r}")
    loci = _loci(path, n, row, contexts=True)
    locus = loci[GRCH38]
    if locus is not None and (locus.alt == "<DEL>") != (row["variant_type"] == "large_deletion"):
        raise row_error(path, n, row, "only large_deletion rows use <DEL>, and they must")
    if locus is None and not row["unverified"]:
        raise row_error(path, n, row, "no coordinates: 'unverified' must say what is unknown")
    legacy_names = split_names(row["legacy_names"])
    merged_ids = split_names(row["merged_ids"])
    return CatalogEntry(
        id=row["id"],
        legacy_names=legacy_names,
        merged_ids=merged_ids,
        hgvs_c=row["hgvs_c"],
        hgvs_p=row["hgvs_p"],
        variant_type=row["variant_type"],
        location=row["location"],
        classification=row["classification"],
        evidence_level=row["evidence_level"],
        alternative_to=row["alternative_to"],
        loci=loci,
        clinvar_id=row["clinvar_id"],
        pmids=pmids,
        row=row,
    )


def _non_dira(path: Path, n: int, row: dict[str, str]) -> NonDiraEntry:
    if row["classification"] not in NON_DIRA_CLASSES:
        raise row_error(path, n, row, f"classification {row['classification']!r} not allowed")
    if not row["sources"] or not row["coord_method"]:
        raise row_error(path, n, row, "sources and coord_method must not be empty")
    row = {**row, "unverified": row["notes"]}
    return NonDiraEntry(
        id=row["id"],
        label=row["label"],
        rsid=row["rsid"],
        hgvs_c=row["hgvs_c"],
        classification=row["classification"],
        loci=_loci(path, n, row, contexts=False),
        row={k: v for k, v in row.items() if k in NON_DIRA_COLUMNS},
        legacy_names=split_names(row["legacy_names"]),
        variant_type=row["variant_type"],
    )
