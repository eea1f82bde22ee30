"""A user's local ClinVar VCF (``--clinvar clinvar.vcf.gz``), as NCBI publishes it.

NCBI's ``vcf_GRCh38/clinvar.vcf.gz`` and ``vcf_GRCh37/clinvar.vcf.gz`` (README_VCF.txt): VCF 4.1,
``##reference=GRCh38``, contigs ``2`` (no ``chr``), the ID column is the VariationID, and INFO
carries ``CLNSIG``, ``CLNREVSTAT``, ``CLNSIGCONF``, ``ALLELEID``, ``CLNHGVS`` and ``GENEINFO``.
Only the IL1RN window is read: through the ``.tbi`` when there is one, else by streaming the file.

Each allele of the window is compared with the ClinVar records near it by the catalog's own
matcher (``match.matches_locus``: literal, then normalized haplotype), never by a second one.
ClinVar never changes a call; a (likely) pathogenic allele the catalog does not know, and
ClinVar disagreeing with the catalog, are review reasons (``review.py``). Nothing leaves the
machine: the file is read locally.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
from dataclasses import dataclass, replace
from functools import cache, cached_property

from il1rn_annot.catalog import Locus
from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.genome import BUILDS, build_alias, is_chr2_alias
from il1rn_annot.match import MAX_SHIFT, matches_locus
from il1rn_annot.model import AnnotatedAllele, ClinvarAssertion, Region
from il1rn_annot.normalize import BaseFetcher

log = logging.getLogger(__name__)

_BASES = re.compile(r"^[ACGTN]+$")


@dataclass(frozen=True)
class ClinvarRecord:
    locus: Locus
    assertion: ClinvarAssertion


@dataclass(frozen=True)
class ClinvarWindow:
    """The ClinVar records of the IL1RN window, and what the report says of the file."""

    path: str
    build: str
    file_date: str  # ##fileDate: the ClinVar release
    access: str  # index | stream
    records: tuple[ClinvarRecord, ...]  # sorted by position

    @property
    def stamp(self) -> tuple[str, str, str, int]:
        """What a report says of the file (model.ClinvarSource)."""
        return self.path, self.file_date, self.access, len(self.records)

    @cached_property
    def _starts(self) -> list[int]:
        return [r.locus.pos for r in self.records]

    def near(self, pos: int) -> list[ClinvarRecord]:
        """The records that can be the allele at ``pos`` (the matcher's reach)."""
        starts = self._starts
        lo = bisect.bisect_left(starts, pos - MAX_SHIFT)
        hi = bisect.bisect_right(starts, pos + MAX_SHIFT)
        return list(self.records[lo:hi])


def read_clinvar(path: str, build: str, window: Region) -> ClinvarWindow:
    """The ClinVar records over ``window`` (positions on ``build``); a file of another build is
    an error, as is one that does not say its build. Read once per file version: every input
    of a batch asks, and an unindexed release takes a while to stream."""
    try:
        stat = os.stat(path)
    except OSError:
        raise InputError("no such ClinVar file", path) from None
    return _read(path, stat.st_mtime_ns, stat.st_size, build, window)


@cache
def _read(path: str, mtime: int, size: int, build: str, window: Region) -> ClinvarWindow:
    import pysam

    if not os.path.isfile(path):
        raise InputError("not a ClinVar VCF file", path)
    try:
        vcf = pysam.VariantFile(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the ClinVar VCF: {exc}", path) from None
    with vcf:
        header = {r.key: r.value for r in vcf.header.records if r.value is not None}
        if header.get("source", "") != "ClinVar" and "CLNSIG" not in vcf.header.info:
            raise InputError("not a ClinVar VCF (no ##source=ClinVar, no INFO/CLNSIG)", path)
        stated = build_alias(header.get("reference", "")) or ""
        if stated not in BUILDS:
            raise BuildError(
                f"the ClinVar VCF does not name its build (##reference={header.get('reference')})",
                path,
            )
        if stated != build:
            problem = f"the ClinVar VCF is {stated} but the input is {build}"
            raise BuildError(f"{problem}: use NCBI's vcf_{build} file", path)
        records, access = _window_records(vcf, path, window)
    out = []
    for rec in records:
        ref = (rec.ref or "").upper()
        for alt in rec.alts or ():
            alt = alt.upper()
            if not _BASES.match(ref) or not _BASES.match(alt) or ref == alt:
                continue  # no ALT (.) or a symbolic one: nothing to compare bases with
            locus = Locus("2", rec.pos, rec.pos + len(ref) - 1, ref, alt)
            out.append(ClinvarRecord(locus, _assertion(rec)))
    out.sort(key=lambda r: (r.locus.pos, r.locus.ref, r.locus.alt))
    log.debug("%s: %d ClinVar alleles in the window (%s)", path, len(out), access)
    return ClinvarWindow(path, build, header.get("fileDate", ""), access, tuple(out))


def _window_records(vcf, path: str, window: Region) -> tuple[list, str]:
    index = vcf.index if hasattr(vcf, "index") else None
    try:
        has_index = index is not None or _index_file(path) is not None
    except OSError:
        has_index = False
    if has_index:
        contigs = list(vcf.index) if vcf.index is not None else []
        name = next((c for c in contigs if is_chr2_alias(c)), None)
        if name is None:
            return [], "index"
        try:
            return list(vcf.fetch(name, window.start - 1, window.end)), "index"
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the ClinVar VCF: {exc}", path) from None
    try:
        found = [
            rec
            for rec in vcf
            if is_chr2_alias(rec.chrom) and window.start <= rec.pos and rec.pos <= window.end
        ]
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the ClinVar VCF: {exc}", path) from None
    return found, "stream"


def _index_file(path: str) -> str | None:
    for suffix in (".tbi", ".csi"):
        if os.path.isfile(path + suffix):
            return path + suffix
    return None


def _text(value: object) -> str:
    """An INFO value as ClinVar wrote it: Number=. lists joined back with the file's commas."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


def _assertion(rec) -> ClinvarAssertion:
    info = rec.info
    return ClinvarAssertion(
        variation_id=rec.id or "",
        significance=_text(info.get("CLNSIG")),
        review_status=_text(info.get("CLNREVSTAT")),
        conflicts=_text(info.get("CLNSIGCONF")),
    )


def with_clinvar(
    annotated: AnnotatedAllele, clinvar: ClinvarWindow, base_at: BaseFetcher | None = None
) -> AnnotatedAllele:
    """The allele with the ClinVar record it is (exact before normalized), if any."""
    alt = annotated.alt
    if alt.allele.symbolic:
        return annotated
    best: tuple[str, ClinvarRecord] | None = None
    for record in clinvar.near(alt.allele.pos):
        kind = matches_locus(alt, record.locus, base_at)
        if kind == "exact":
            best = (kind, record)
            break
        if kind and best is None:
            best = (kind, record)
    if best is None:
        return annotated
    kind, record = best
    return replace(annotated, clinvar=replace(record.assertion, match=kind))
