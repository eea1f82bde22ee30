"""What changed between two versions of the catalog table: a lab re-reviews the samples whose
call rests on a changed row, so every added, removed, merged and changed row is listed, field by
field, with whether the change can alter a call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from il1rn_annot.catalog import split_names
from il1rn_annot.errors import InputError

#: Fields that decide whether and how a record matches a row, or what the match counts for.
CALL_FIELDS = frozenset(
    "variant_type classification evidence_level alternative_to reported_size_bp "
    "grch38_pos grch38_end grch38_ref grch38_alt grch37_pos grch37_end grch37_ref grch37_alt "
    "ref_context_grch38 ref_context_grch37".split()
)
ABSENT = "(no such column)"


@dataclass(frozen=True)
class Table:
    """A catalog file as text: its version line, columns and rows by id (no validation, so an
    old layout can be read)."""

    version: str
    columns: tuple[str, ...]
    rows: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Change:
    change: str  # version | columns | added | removed | merged | changed
    id: str
    field: str
    old: str
    new: str
    may_change_calls: bool


def read_table(path: str) -> Table:
    """Read any version of ``dira_variants.tsv``; a file that is not one is an InputError."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = getattr(exc, "strerror", None) or "not a UTF-8 text file"
        raise InputError(f"cannot read the catalog: {problem}", path) from None
    version = ""
    lines = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            key, _, value = line.lstrip("#").partition(":")
            if key.strip() == "catalog_version":
                version = value.strip()
        elif line.strip():
            lines.append((n, line.split("\t")))
    if not lines or lines[0][1][0] != "id":
        raise InputError("not a catalog table: no header line starting with 'id'", path)
    columns = tuple(c.strip() for c in lines[0][1])
    rows: dict[str, dict[str, str]] = {}
    for n, cells in lines[1:]:
        if len(cells) != len(columns):
            raise InputError(f"line {n}: {len(cells)} cells, expected {len(columns)}", path)
        row = dict(zip(columns, (c.strip() for c in cells), strict=True))
        if row["id"] in rows:
            raise InputError(f"line {n}: duplicate id {row['id']!r}", path)
        rows[row["id"]] = row
    return Table(version, columns, rows)


def _located(row: dict[str, str]) -> bool:
    return bool(row.get("grch38_pos"))


def diff(old: Table, new: Table) -> list[Change]:
    """Changes from ``old`` to ``new``, in the order of the new table (removed rows last)."""
    out: list[Change] = []
    if old.version != new.version:
        out.append(Change("version", "", "catalog_version", old.version, new.version, False))
    for column in new.columns:
        if column not in old.columns:
            out.append(Change("columns", "", column, "", "added", False))
    for column in old.columns:
        if column not in new.columns:
            out.append(Change("columns", "", column, "removed", "", False))
    merged = {m: i for i, row in new.rows.items() for m in split_names(row.get("merged_ids", ""))}
    columns = list(new.columns) + [c for c in old.columns if c not in new.columns]
    for entry_id, row in new.rows.items():
        before = old.rows.get(entry_id)
        if before is None:
            out.append(Change("added", entry_id, "", "", _summary(row), _located(row)))
            continue
        for column in columns:
            a, b = before.get(column, ABSENT), row.get(column, ABSENT)
            if a != b and {a, b} != {ABSENT, ""}:
                calls = column in CALL_FIELDS and (_located(before) or _located(row))
                out.append(Change("changed", entry_id, column, a, b, calls))
    for entry_id, row in old.rows.items():
        if entry_id in new.rows:
            continue
        if entry_id in merged:
            out.append(
                Change("merged", entry_id, "", _summary(row), merged[entry_id], _located(row))
            )
        else:
            out.append(Change("removed", entry_id, "", _summary(row), "", _located(row)))
    return out


def _summary(row: dict[str, str]) -> str:
    name = row.get("hgvs_c") or row.get("legacy_names") or row.get("legacy_name", "")
    return f"{name} ({row.get('classification', '')})"
