"""Small side inputs of a run: PED files (trios) and BAM/CRAM manifests."""

from __future__ import annotations

from pathlib import Path

from il1rn_annot.errors import InputError
from il1rn_annot.family import Trio


def read_pedigree(path: str) -> list[Trio]:
    """Children with their parents from a PED file (family, individual, father, mother, sex,
    phenotype; whitespace-separated; '0' for an unknown parent; '#' comments)."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read the PED file: {exc.strerror}", path) from None
    trios = []
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) < 4:
            raise InputError(f"line {n}: a PED line needs family, individual, father, mother", path)
        father, mother = (None if f in ("0", ".") else f for f in fields[2:4])
        if father or mother:
            trios.append(Trio(fields[0], fields[1], father, mother))
    return trios


def read_bam_manifest(path: str) -> tuple[tuple[str | None, str], ...]:
    """(sample, alignment path) pairs from a two-column TSV; relative paths are taken from the
    manifest's directory, as a pipeline writes them."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the BAM manifest: {exc.strerror}", path) from None
    base = Path(path).parent
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t") if "\t" in line else line.split()
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(f"line {n}: expected 'sample<TAB>path'", path)
        if n == 1 and cells[0].lower() == "sample" and cells[1].lower() in ("path", "bam", "cram"):
            continue
        bam = Path(cells[1])
        out.append((cells[0], str(bam if bam.is_absolute() else base / bam)))
    return tuple(out)
