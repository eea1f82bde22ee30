"""Small side inputs of a run: PED files (trios), BAM/CRAM manifests, sample lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from il1rn_annot.errors import InputError

if TYPE_CHECKING:  # family (the trio rules) is imported only when a PED file is read
    from il1rn_annot.family import Trio


def read_pedigree(path: str) -> list[Trio]:
    """Children with their parents from a PED file (family, individual, father, mother, sex,
    phenotype; whitespace-separated; '0' for an unknown parent; '#' comments). A pedigree that
    contradicts itself (a child listed twice with other parents, a child its own parent, one
    person as both parents) is an input error: inheritance read from it could phase wrongly."""
    from il1rn_annot.family import Trio

    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read the PED file: {exc.strerror}", path) from None
    trios = []
    seen: dict[str, tuple[int, str | None, str | None]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) < 4:
            raise InputError(f"line {n}: a PED line needs family, individual, father, mother", path)
        child = fields[1]
        father, mother = (None if f in ("0", ".") else f for f in fields[2:4])
        if child in (father, mother):
            raise InputError(f"line {n}: {child!r} is listed as its own parent", path)
        if father and father == mother:
            raise InputError(f"line {n}: {father!r} is listed as both father and mother", path)
        if child in seen:
            first, *parents = seen[child]
            if parents != [father, mother]:
                raise InputError(
                    f"line {n}: {child!r} is listed again with other parents (line {first}: "
                    f"{_parents(*parents)}; line {n}: {_parents(father, mother)})",
                    path,
                )
            continue
        seen[child] = (n, father, mother)
        if father or mother:
            trios.append(Trio(fields[0], child, father, mother))
    return trios


def _parents(father: str | None, mother: str | None) -> str:
    return f"father {father or 0}, mother {mother or 0}"


def pedigree_warnings(
    trios: Sequence[Trio], samples: Sequence[str], selected: bool = False
) -> list[str]:
    """A parent the PED file names but the VCF does not have (or, with ``selected``, that
    ``--samples`` left out): that child's alleles cannot be phased by inheritance (a single
    parent proves no phase), and the user should know why."""
    present = set(samples)
    out = []
    for trio in trios:
        if trio.child not in present:
            continue
        missing = [
            f"{role} {name!r}"
            for role, name in (("father", trio.father), ("mother", trio.mother))
            if name and name not in present
        ]
        if missing:
            where = (
                "among the samples read (not in the VCF, or left out by --samples: select the "
                "parents too)"
                if selected
                else "a sample of the VCF"
            )
            out.append(
                f"the {' and the '.join(missing)} of {trio.child!r} "
                f"{'are' if len(missing) > 1 else 'is'} not {where}: inheritance is "
                f"not used to phase {trio.child!r}"
            )
    return out


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


def sample_list(names: str | None, path: str | None) -> tuple[str, ...] | None:
    """The samples ``--samples A,B`` or ``--samples-file FILE`` (one name a line, as bcftools
    -S reads it: the whole line is the name, spaces included; empty lines skipped) select, or
    None for all. Duplicates and an empty list are errors: either hides a typing mistake."""
    if names is None and path is None:
        return None
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError("not a text file with one sample name a line", path) from None
        except OSError as exc:
            raise InputError(f"cannot read the list of samples: {exc.strerror}", path) from None
        given = [line.rstrip("\r") for line in text.split("\n")]
        label = path
    else:
        assert names is not None
        given = names.split(",")
        label = "--samples"
    wanted = [n for n in given if n]
    if not wanted:
        raise InputError("names no sample", label)
    twice = sorted(n for n, count in Counter(wanted).items() if count > 1)
    if twice:
        raise InputError(f"names sample {twice[0]!r} more than once", label)
    return tuple(wanted)
