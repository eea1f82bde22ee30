"""Find catalog rows by the names people use: ids, legacy names (E77X, N52KfsX25, "Puerto Rican
175-kb deletion"), HGVS c. and p. (with or without the NM_173842 prefix, one- or three-letter
amino acids, ``*``/``X``/``Ter`` for a stop), ClinVar ids (VCV000014675 or 14675) and rsIDs.

Names are compared in one canonical form, so a clinician's spelling finds the row; a name on
another transcript keeps its transcript, so NM_173841 numbering never lands on an NM_173842 row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from il1rn_annot.catalog import Catalog, CatalogEntry, NonDiraEntry
from il1rn_annot.gene_model.coordinates import TRANSCRIPT
from il1rn_annot.gene_model.hgvs_names import THREE_LETTER

Row = CatalogEntry | NonDiraEntry

_AMINO = {three.lower(): one for one, three in THREE_LETTER.items()}
_THREE = re.compile("(" + "|".join(_AMINO) + ")", re.IGNORECASE)
#: A protein change as written in papers: Glu77Ter, E77X, N52KfsX25, p.(Asn52LysfsTer25) ...
_PROTEIN = re.compile(r"^(?:(?:" + "|".join(_AMINO) + r")|[ACDEFGHIKLMNPQRSTVWY])\d", re.IGNORECASE)
_PREFIX = re.compile(r"^(N[MPRCG]_\d+)(?:\.\d+)?(?:\([^)]*\))?:", re.IGNORECASE)
_CLINVAR = re.compile(r"^(?:VCV)?0*(\d+)(?:\.\d+)?$", re.IGNORECASE)
_VCV = re.compile(r"VCV0*(\d+)", re.IGNORECASE)
#: The transcript the catalog's own c./p. names are on: its prefix is optional in a query.
MANE = TRANSCRIPT.partition(".")[0]
MANE_PROTEIN = "NP_776214"


def canonical(text: str) -> str:
    """One spelling per name, for comparison.

    >>> canonical("p.(Glu77Ter)") == canonical("E77X") == canonical("NP_776214.1:p.Glu77*")
    True
    >>> canonical("N52KfsX25") == canonical("p.(Asn52LysfsTer25)")
    True
    >>> canonical("NM_173842.3:c.156_157delCA") == canonical("c.156_157del")
    True
    >>> canonical("VCV000014675"), canonical("14675")
    ('vcv:14675', 'vcv:14675')
    >>> canonical("NM_173841.2:c.364C>T")
    'nm_173841:c.364c>t'
    """
    text = " ".join(text.split())
    prefix = ""
    match = _PREFIX.match(text)
    if match:
        transcript = match.group(1).upper()
        text = text[match.end() :]
        if transcript not in (MANE, MANE_PROTEIN):
            prefix = transcript.lower() + ":"
    clinvar = _CLINVAR.match(text)
    if clinvar and not prefix:
        return f"vcv:{int(clinvar.group(1))}"
    lowered = text.lower()
    if lowered.startswith(("c.", "g.", "n.", "r.")):
        lowered = re.sub(r"(del|dup|ins)[acgtn]*$", r"\1", lowered.replace(" ", ""))
        lowered = re.sub(r"del[acgtn]+ins", "delins", lowered)
        return prefix + lowered
    protein = text[2:] if lowered.startswith("p.") else text
    protein = protein.strip("()[] ")
    if _PROTEIN.match(protein) or lowered.startswith("p."):
        one = _THREE.sub(lambda m: _AMINO[m.group(1).lower()], protein)
        one = re.sub(r"(?<=[0-9A-Za-z])[Xx](?=\d|$)", "*", one)  # X as a stop: E77X, fsX25
        return prefix + "p." + one.upper().replace(" ", "")
    return prefix + lowered


def _clinvar_keys(cell: str) -> list[str]:
    return [f"vcv:{int(m.group(1))}" for m in _VCV.finditer(cell)]


def keys(row: Row) -> set[str]:
    """Every canonical name a row answers to."""
    names: list[str] = [row.id, *row.legacy_names, row.hgvs_c, row.row.get("rsid", "")]
    if isinstance(row, CatalogEntry):
        names += [*row.merged_ids, row.hgvs_p]
    found = {canonical(n) for n in names if n}
    found.update(_clinvar_keys(row.row.get("clinvar_id", "")))
    return found


def _rows(catalog: Catalog) -> Iterable[Row]:
    yield from catalog.entries
    yield from catalog.non_dira


#: Words a clinician may add around a name: "the Puerto Rican 175-kb deletion allele".
_FILLER = {"the", "a", "an", "allele", "mutation", "variant", "founder"}


def _coded(name: str) -> bool:
    """An id-like name (HGVS, protein change, ClinVar id, rsID): compared whole, never as a
    fragment, so c.364C>T never finds NM_173841.2:c.364C>T."""
    return bool(re.match(r"^([a-z_0-9]+:)?(c\.|p\.|g\.|vcv:|rs\d)", name, re.IGNORECASE))


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[\s,;()]+", text.lower()) if w and w not in _FILLER}


def find(catalog: Catalog, query: str) -> list[Row]:
    """Rows whose id or a name equals ``query``; failing that, for words rather than a coded
    name, rows with a legacy name that holds every word (``Puerto Rican`` finds the 175-kb
    deletion)."""
    wanted = canonical(query)
    if not wanted:
        return []
    exact = [row for row in _rows(catalog) if wanted in keys(row)]
    if exact or _coded(wanted):
        return exact
    words = _words(query)
    return [
        row
        for row in _rows(catalog)
        if words and any(words <= _words(name) for name in row.legacy_names)
    ]


def grep(catalog: Catalog, pattern: str) -> list[CatalogEntry]:
    """DIRA rows with a name that starts with ``pattern`` (a coded name: c.156, E77, VCV…) or,
    for words, a name, id or origin that contains it (case-insensitive)."""
    wanted = canonical(pattern)
    if _coded(wanted):
        return [e for e in catalog.entries if any(k.startswith(wanted) for k in keys(e))]
    plain = " ".join(pattern.split()).lower()
    return [
        e for e in catalog.entries if any(plain in t.lower() for t in (*keys(e), e.row["origin"]))
    ]
