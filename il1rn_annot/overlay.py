"""A lab's own catalog rows (``--catalog-overlay lab.tsv``), merged over the bundled catalog.

The overlay has the catalog's own columns (data/README.md) and goes through the same loader, so
a bad row fails with the same message, naming the overlay file and its line. A row is either

* a **new allele** (a family's private variant): an id of the lab's own, never one of the bundled
  catalog's ids, merged ids or non-DIRA ids, and never a ``DIRA…`` id (reserved for the bundled
  catalog, so that a later release cannot collide with it); not a second row for a bundled allele
  (same coordinates): override that row instead; or
* an **override** of a bundled row: the bundled id, changing only what a lab may judge for itself
  (``OVERRIDABLE``: classification, its basis, evidence level and sources). Coordinates, names
  and every other column must equal the bundled row's: an allele cannot be moved silently.

Every report stamps the overlay's path and SHA-256 beside the bundled catalog's, and every
variant that matched an overlay row says so (``catalog_source``); a sample carrying one gets a
review reason (``review.overlay_reasons``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from il1rn_annot.catalog import (
    CATALOG_COLUMNS,
    Catalog,
    CatalogEntry,
    check_ids,
    entry_from_row,
    read_rows,
    row_error,
)
from il1rn_annot.errors import CatalogError, InputError
from il1rn_annot.genome import BUILDS, GRCH38

#: The columns an override may change: the lab's judgement of the allele, not the allele.
OVERRIDABLE = (
    "classification classification_basis evidence_level pmids sources origin zygosity_reported "
    "clinvar_id clinvar_significance notes"
).split()
OVERLAY = "overlay"
OVERRIDE = "overlay_override"
_RESERVED = re.compile(r"^DIRA\d", re.IGNORECASE)


class OverlayError(InputError):
    """The overlay file is unreadable or breaks a rule (exit 3, like any bad input)."""


def with_overlay(catalog: Catalog, path: str) -> Catalog:
    """The catalog with the overlay's rows: overrides in place, new alleles after the bundled
    ones (so that a bundled allele always matches first)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise OverlayError(f"cannot read the catalog overlay: {exc.strerror}", path) from None
    key = (catalog.path, catalog.sha256, path, hashlib.sha256(raw).hexdigest())
    if key not in _MERGED:  # every input of a batch asks for it
        _MERGED[key] = _merged(catalog, path, raw)
    return _MERGED[key]


_MERGED: dict[tuple[str, str, str, str], Catalog] = {}


def _merged(catalog: Catalog, path: str, raw: bytes) -> Catalog:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OverlayError("the catalog overlay is not UTF-8 text", path) from None
    where = Path(path)
    rows = read_rows(where, text, CATALOG_COLUMNS)
    if not rows:
        raise CatalogError("the catalog overlay has no rows", path)
    bundled = {e.id: e for e in catalog.entries}
    merged_away = {m: e.id for e in catalog.entries for m in e.merged_ids}
    non_dira = {e.id for e in catalog.non_dira}
    check_ids(where, [row["id"] for _, row in rows])
    overrides: dict[str, CatalogEntry] = {}
    added: list[CatalogEntry] = []
    for n, row in rows:
        entry = entry_from_row(where, n, row)
        if not row["classification_basis"]:
            raise row_error(where, n, row, "classification_basis is empty: say why the lab says so")
        if entry.id in merged_away:
            problem = f"{entry.id} was merged into {merged_away[entry.id]}: override that id"
            raise row_error(where, n, row, problem)
        if entry.id in non_dira:
            raise row_error(where, n, row, f"{entry.id} is a known non-DIRA allele's id")
        if entry.id in bundled:
            _check_override(where, n, row, bundled[entry.id])
            overrides[entry.id] = replace(entry, source=OVERRIDE)
            continue
        if _RESERVED.match(entry.id):
            problem = (
                f"{entry.id} is not in the bundled catalog, and DIRA ids are reserved for it: "
                "give the lab's allele an id of its own (e.g. LAB-0001)"
            )
            raise row_error(where, n, row, problem)
        if entry.merged_ids or entry.alternative_to:
            raise row_error(
                where, n, row, "merged_ids and alternative_to are for the bundled catalog"
            )
        for build in BUILDS:
            locus = entry.locus(build)
            known = catalog.known_bases(build)
            for at, base in sorted(locus.known_bases().items()) if locus is not None else ():
                if known.get(at, base) != base:
                    problem = f"{build} base {base} at {at} disagrees with the bundled catalog's "
                    raise row_error(where, n, row, problem + known[at])
        same = _same_allele(entry, catalog.entries)
        if same is not None:
            raise row_error(where, n, row, f"the same allele as {same}: override {same} instead")
        added.append(replace(entry, source=OVERLAY))
    entries = tuple(overrides.get(e.id, e) for e in catalog.entries) + tuple(added)
    return replace(
        catalog,
        entries=entries,
        overlay_path=path,
        overlay_sha256=hashlib.sha256(raw).hexdigest(),
    )


def _check_override(path: Path, n: int, row: dict[str, str], bundled: CatalogEntry) -> None:
    """An override changes the lab's judgement only; the allele itself stays the bundled one."""
    if (
        row["classification"] != bundled.row["classification"]
        and row["classification_basis"] == bundled.row["classification_basis"]
    ):
        raise row_error(path, n, row, "a changed classification needs its own classification_basis")
    for column in CATALOG_COLUMNS:
        if column in OVERRIDABLE or row[column] == bundled.row[column]:
            continue
        raise row_error(
            path,
            n,
            row,
            f"an override may change only {', '.join(OVERRIDABLE)}; its {column} "
            f"{row[column]!r} differs from the bundled {bundled.row[column]!r} (a different "
            "allele needs a new row with an id of its own)",
        )


def _same_allele(entry: CatalogEntry, entries: tuple[CatalogEntry, ...]) -> str | None:
    """The bundled row with the same GRCh38 record, if any."""
    locus = entry.locus(GRCH38)
    if locus is None:
        return None
    for other in entries:
        theirs = other.locus(GRCH38)
        if theirs is not None and (theirs.pos, theirs.end, theirs.ref, theirs.alt) == (
            locus.pos,
            locus.end,
            locus.ref,
            locus.alt,
        ):
            return other.id
    return None
