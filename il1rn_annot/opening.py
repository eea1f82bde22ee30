"""Opening an input and saying what is wrong with it: the file itself (missing, empty,
unreadable, truncated), the header's genome build and chr2 name, the GT grammar htslib accepts
too kindly, and htslib's failures on a record, worded for the user. ``reader`` calls these;
each failure is one ``InputError``/``BuildError`` naming the file."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.genome import BUILDS, chr2_lookalike, is_chr2, unrecognised_chr2_length
from il1rn_annot.model import Region
from il1rn_annot.vcftext import bad_gt, header_lines, header_problem, shown

log = logging.getLogger(__name__)


def naming_warning(names: Sequence[str]) -> str:
    """Records that name chromosome 2 more than one way, or in a spelling no header should use
    (``Chr2``, ``chr02``): all are read as chromosome 2, and the report says so."""
    odd = [n for n in names if not is_chr2(n)]
    if len(names) < 2 and not odd:
        return ""
    listed = ", ".join(repr(shown(n)) for n in names)
    unusual = (
        f" ({', '.join(repr(shown(n)) for n in odd)}: not 2, chr2 or NC_000002.x)" if odd else ""
    )
    return f"the records name chromosome 2 {listed}{unusual}: all were read as chromosome 2"


@contextmanager
def closing(vf, label: str) -> Iterator[None]:
    """Close ``vf``; when an error is already on its way out, one raised by closing is dropped
    (htslib fails to close some damaged BCFs, and would hide the real error)."""
    try:
        yield
    except BaseException:
        with suppress(Exception):
            vf.close()
        raise
    try:
        vf.close()
    except (OSError, ValueError) as exc:
        raise InputError(f"damaged file: htslib failed to close it ({shown(exc)})", label) from None


def header_contig_lengths(vf, label: str) -> dict[str, int | None]:
    """##contig IDs and lengths. pysam's contig view fails on some legal headers (an IDX key),
    so the header lines are parsed as a fallback."""
    try:
        return {name: contig.length for name, contig in vf.header.contigs.items()}
    except (AssertionError, KeyError, TypeError, ValueError):
        contigs: dict[str, int | None] = {}
        for record in vf.header.records:
            if record.key == "contig" and "ID" in record:
                length = str(record.get("length") or "")
                contigs[record["ID"]] = int(length) if length.isdigit() else None
        log.debug("%s: read ##contig lines directly", label)
        return contigs


def no_chr2(label: str, names: Sequence[str], where: str) -> None:
    lookalike = chr2_lookalike(names)
    if lookalike:
        raise InputError(
            f"chromosome 2 is named {shown(lookalike)!r}; rename it to chr2 or 2 "
            "(bcftools annotate --rename-chrs)",
            label,
        )
    found = ", ".join(shown(n) for n in list(names)[:5]) + (", ..." if len(names) > 5 else "")
    raise InputError(
        f"no chromosome 2 (2, chr2, NC_000002.x) in the {where} (found {found}), so it cannot "
        "cover IL1RN",
        label,
    )


def no_build_message(
    header_contigs: Mapping[str, int | None],
    observed: Sequence[tuple[int, str]],
    known_bases: Mapping[str, Mapping[int, str]] | None,
) -> str:
    odd = unrecognised_chr2_length(header_contigs)
    if odd:
        length = f"the chr2 length {odd} matches neither GRCh37 nor GRCh38"
    else:
        length = "no ##contig length for chr2"
    at_sites = [p for p, _ in observed if any(p in k for k in (known_bases or {}).values())]
    sites = (
        "REF bases at catalog sites do not single out one build"
        if at_sites
        else "no record at a catalog site"
    )
    return (
        f"cannot tell the genome build: {length}, no ##reference/assembly hint and {sites}; "
        "give --build"
    )


def check_file(path: str) -> None:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path)
    if p.is_dir():
        raise InputError("is a directory, not a VCF/BCF file", path)
    if not os.access(p, os.R_OK):
        raise InputError("permission denied", path)
    if p.stat().st_size == 0:
        raise InputError("empty file, not a VCF/BCF", path)


def open_problem(path: str, exc: Exception) -> str:
    text = str(exc)
    if "EOF marker" in text or "truncated" in text:
        return "truncated bgzip file (no BGZF end-of-file marker)"
    return header_problem(header_lines(path)) or (
        "not a VCF or BCF file (htslib could not read a VCF header)"
    )


def choose_build(label: str, requested: str | None, evidence) -> tuple[str | None, str]:
    """Pick the build from --build and the header, or fail on a contradiction."""
    for claim in evidence:
        if claim.build not in BUILDS:
            raise BuildError(
                f"{claim.source} says {claim.build}; il1rn-annot supports GRCh37 and GRCh38 "
                "(lift the file over first)",
                label,
            )
    strong = [e for e in evidence if e.strong]
    decisive = strong or evidence
    builds = {e.build for e in decisive}
    if requested:
        against = [e for e in evidence if e.build != requested]
        if against:
            raise BuildError(
                f"--build {requested} contradicts the header ({against[0].source} says "
                f"{against[0].build})",
                label,
            )
        agreeing = f" (agrees with {evidence[0].source})" if evidence else ""
        return requested, "--build" + agreeing
    if len(builds) > 1:
        raise BuildError(
            "the header contradicts itself on the genome build ("
            + "; ".join(f"{e.source}: {e.build}" for e in decisive)
            + "); give --build",
            label,
        )
    if builds:
        for weak in evidence:
            if not weak.strong and weak.build not in builds:
                log.warning(
                    "%s: ignoring the assembly named in %s; the chr2 length says %s",
                    label,
                    weak.source,
                    decisive[0].build,
                )
        return decisive[0].build, decisive[0].source
    return None, ""


def check_gt_text(
    path: str,
    index: str | None,
    label: str,
    names: Sequence[str],
    regions: Sequence[Region],
    checked: Callable[[str, Region], bool] | None = None,
) -> None:
    """GTs of the text lines over ``regions``, read through ``index``, against the VCF grammar
    (htslib reads ``+1/1`` as ``1/1``), with their bytes UTF-8. A region ``checked`` says was
    read and found in the grammar already (``cohort_text``) is not read again."""
    import pysam

    try:
        tbx = pysam.TabixFile(path, index=index, encoding="utf-8")
    except (OSError, ValueError):
        return  # htslib reads the records next, and says what is wrong with them
    merged: list[Region] = []
    for region in sorted(regions, key=lambda r: r.start):
        if merged and region.start <= merged[-1].end + 1:
            merged[-1] = Region(region.chrom, merged[-1].start, max(merged[-1].end, region.end))
        else:
            merged.append(region)
    with closing(tbx, label):
        for name in names:
            for region in merged:
                if checked is not None and checked(name, region):
                    continue
                try:
                    rows = tbx.fetch(name, region.start - 1, region.end)
                    for line in rows:
                        problem = bad_gt(line)
                        if problem:
                            raise InputError(problem, label)
                except UnicodeDecodeError:
                    raise InputError(
                        f"bytes that are not UTF-8 in a record of {shown(name)}:{region}", label
                    ) from None
                except ValueError:
                    continue  # a name the index has but the region does not


def record_problem(vf, label: str, index: str | None = None) -> Callable[[str, Exception], str]:
    """How an htslib failure on a record is worded, once the last good record is known; read
    through ``index``, the index may be the culprit, and the message says so."""
    through = (
        f" (read through the index {index}: if the file changed after it was indexed, re-index it)"
        if index
        else ""
    )

    def word(where: str, exc: Exception) -> str:
        return _worded(where, exc) + through

    def _worded(where: str, exc: Exception) -> str:
        if "EOF marker" in str(exc):
            return "truncated bgzip file (no BGZF end-of-file marker)"
        if isinstance(exc, UnicodeDecodeError):
            return f"bytes that are not UTF-8 in the record after {where or 'the header'}"
        place = f"the record after {where}" if where else "a record"
        if vf.is_bcf:
            return f"damaged BCF: htslib cannot decode {place}"
        return f"cannot parse {place} (htslib rejected it: check its columns)"

    return word
