"""What ClinVar (via ``online``) knows of IL1RN that the bundled catalog does not: new records,
reclassified ones, and catalog alleles that ClinVar now has. Pure functions over esummary
records (E-utilities JSON) and the catalog; the network is ``online``'s.

A ClinVar record is the catalog's allele when the catalog names its VariationID, else when its
NM_173842 c. name is the row's, else when its GRCh38 SNV (canonical SPDI) is the row's record.
The overlay written for review (``overlay_text``) is conservative: a new record becomes an
``uncertain`` row with evidence ``unknown`` (it can never count towards a call until a person
edits it), with coordinates only where the SPDI gives a single-base change inside the window;
a reclassified one becomes an override that changes only ``clinvar_significance`` and ``notes``
(the lab decides the classification).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from il1rn_annot.catalog import CATALOG_COLUMNS, Catalog, CatalogEntry
from il1rn_annot.genome import GRCH37_OFFSET, GRCH38, il1rn_window

NEW = "new"
RECLASSIFIED = "reclassified"
NOW_IN_CLINVAR = "now_in_clinvar"

_VCV = re.compile(r"VCV0*(\d+)", re.IGNORECASE)
_C_NAME = re.compile(r"NM_173842\.\d+\(IL1RN\):(c\.[^\s]+)")
_SPDI = re.compile(r"^NC_000002\.12:(\d+):([ACGT]*):([ACGT]*)$")
#: Characters a catalog cell may not hold (data/README.md).
_UNSAFE = str.maketrans({"\t": " ", "\n": " ", "\r": " ", '"': "'"})


@dataclass(frozen=True)
class ClinvarRecord:
    """The fields of one esummary record that the comparison needs."""

    uid: str
    accession: str
    title: str
    significance: str
    review_status: str
    last_evaluated: str
    c_name: str  # on NM_173842, '' if the title names another transcript
    spdi: str  # canonical SPDI on GRCh38 ('' if none)

    @property
    def snv38(self) -> tuple[int, str, str] | None:
        """(pos, ref, alt) on GRCh38 when the SPDI is a single-base change."""
        match = _SPDI.match(self.spdi)
        if match is None or len(match.group(2)) != 1 or len(match.group(3)) != 1:
            return None
        return int(match.group(1)) + 1, match.group(2), match.group(3)

    @property
    def may_matter(self) -> bool:
        """Pathogenic, likely pathogenic, conflicting or uncertain: what a lab must look at."""
        text = self.significance.lower()
        return "pathogenic" in text or "conflicting" in text or "uncertain" in text


@dataclass(frozen=True)
class Update:
    status: str  # new | reclassified | now_in_clinvar
    record: ClinvarRecord
    catalog_id: str = ""
    catalog_significance: str = ""
    matched_by: str = ""  # variation_id | hgvs | position


def parse_record(raw: dict) -> ClinvarRecord:
    """One esummary record; the classification is ``germline_classification`` since 2024,
    ``clinical_significance`` before."""
    classification = raw.get("germline_classification") or raw.get("clinical_significance") or {}
    variation = (raw.get("variation_set") or [{}])[0] or {}
    title = str(raw.get("title", ""))
    name = _C_NAME.search(title)
    uid = str(raw.get("uid", ""))
    return ClinvarRecord(
        uid=uid,
        accession=str(raw.get("accession") or (f"VCV{int(uid):09d}" if uid.isdigit() else "")),
        title=title,
        significance=str(classification.get("description", "")),
        review_status=str(classification.get("review_status", "")),
        last_evaluated=str(classification.get("last_evaluated", "")),
        c_name=name.group(1) if name else "",  # a name on another transcript is not compared
        spdi=str(variation.get("canonical_spdi", "")),
    )


def _ids(cell: str) -> set[str]:
    return {m.group(1) for m in _VCV.finditer(cell)}


_SAID = re.compile(r"([^;()]+?)\s*\(([^()]*)\)")


def _significance(cell: str, uid: str = "") -> str:
    """The catalog's ClinVar significance for record ``uid`` without its snapshot note: the one
    whose note names that VCV where a cell holds several, else the first.

    >>> _significance("Pathogenic (no assertion criteria; 2021 snapshot)")
    'pathogenic'
    >>> _significance("Pathogenic (VCV000014677, OMIM); not provided (VCV000097905, 2016)", "97905")
    'not provided'
    """
    said = [(m.group(1).strip(), m.group(2)) for m in _SAID.finditer(cell)]
    for text, note in said:
        if uid and uid in _ids(note):
            return text.lower()
    return (said[0][0] if said else cell.split(" (")[0]).strip().lower()


def compare(catalog: Catalog, records: Iterable[dict]) -> list[Update]:
    """What is new or changed in ClinVar against the catalog (DIRA rows and non-DIRA rows)."""
    rows: list[tuple[str, dict[str, str], CatalogEntry | None]] = [
        (e.id, e.row, e) for e in catalog.entries
    ] + [(e.id, e.row, None) for e in catalog.non_dira]
    out = []
    for raw in records:
        record = parse_record(raw)
        hit = _find(record, rows)
        if hit is None:
            out.append(Update(NEW, record))
            continue
        (row_id, row, _), how = hit
        known = row.get("clinvar_significance", "")
        if not _ids(row.get("clinvar_id", "")):
            out.append(Update(NOW_IN_CLINVAR, record, row_id, known, how))
        elif _significance(known, record.uid) != record.significance.strip().lower():
            out.append(Update(RECLASSIFIED, record, row_id, known, how))
    return out


def _find(record: ClinvarRecord, rows):
    for row in rows:
        if record.uid in _ids(row[1].get("clinvar_id", "")):
            return row, "variation_id"
    for row in rows:
        if record.c_name and record.c_name == row[1].get("hgvs_c"):
            return row, "hgvs"
    snv = record.snv38
    for row in rows:
        entry = row[2]
        locus = entry.locus(GRCH38) if entry is not None else None
        if snv and locus is not None and (locus.pos, locus.ref, locus.alt) == snv:
            return row, "position"
    return None


def overlay_text(updates: Iterable[Update], catalog: Catalog, today: str) -> str:
    """The differences as a catalog overlay (overlay.py) for a person to review: new records
    that may matter as unclassified rows, reclassified catalog rows as overrides."""
    lines = [
        f"# il1rn-annot catalog check-updates {today}: ClinVar records for review, NOT curated.",
        "# New rows are 'uncertain'/'unknown' until a person classifies them; overrides change",
        "# only clinvar_significance and notes. Review every row before --catalog-overlay.",
        "\t".join(CATALOG_COLUMNS),
    ]
    for update in updates:
        row = _overlay_row(update, catalog, today)
        if row is not None:
            lines.append("\t".join(row[c].translate(_UNSAFE) for c in CATALOG_COLUMNS))
    return "\n".join(lines) + "\n"


def _said(record: ClinvarRecord, today: str) -> str:
    review = f"; {record.review_status}" if record.review_status else ""
    return f"{record.significance}{review}; E-utilities {today}"


def _overlay_row(update: Update, catalog: Catalog, today: str) -> dict[str, str] | None:
    record = update.record
    if update.status != NEW:
        entry = catalog.entry(update.catalog_id)
        if entry is None:
            return None  # a non-DIRA row: the overlay holds DIRA alleles only (printed instead)
        note = (
            f"check-updates {today}: ClinVar {record.accession} now says {record.significance}"
            f" (catalog: {update.catalog_significance or 'none'}): review the classification"
        )
        return {
            **entry.row,
            "clinvar_id": entry.row["clinvar_id"] or record.accession,
            "clinvar_significance": _said(record, today),
            "notes": f"{entry.row['notes']} {note}".strip(),
        }
    if not record.may_matter:
        return None
    row = dict.fromkeys(CATALOG_COLUMNS, "")
    transcript = re.match(r"(NM_173842\.\d+)\(", record.title)
    row.update(
        id=f"CLINVAR-{record.uid}",
        legacy_names=record.title,
        transcript=transcript.group(1) if transcript else "",
        hgvs_c=record.c_name,
        variant_type="unknown",
        classification="uncertain",
        classification_basis=(
            f"needs curation: ClinVar {record.accession} says {_said(record, today)}; "
            "written by il1rn-annot catalog check-updates, not reviewed"
        ),
        evidence_level="unknown",
        grch38_chrom="2",
        grch37_chrom="2",
        clinvar_id=record.accession,
        clinvar_significance=_said(record, today),
        sources=f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{record.uid}/",
        coord_method="none: not curated",
        unverified="every field: written by check-updates from ClinVar's summary, not curated",
    )
    snv = record.snv38
    window = il1rn_window(GRCH38)
    if snv is not None and window.start <= snv[0] <= window.end:
        pos, ref, alt = snv
        for prefix, at in (("grch38", pos), ("grch37", pos + GRCH37_OFFSET)):
            row.update({f"{prefix}_pos": str(at), f"{prefix}_end": str(at)})
            row.update({f"{prefix}_ref": ref, f"{prefix}_alt": alt})
        row["variant_type"] = "snv"
        row["coord_method"] = (
            f"ClinVar canonical SPDI {record.spdi} (GRCh38); GRCh37 by the catalog's offset"
        )
    return row
