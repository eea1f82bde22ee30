"""Genome builds, chr2 contig names and the IL1RN window; build detection from a VCF header.

Coordinates are GRCh38-first: in chr2:112.9-113.2 Mb GRCh37 = GRCh38 + 757,577 (ClinVar records in
both builds and 41 common SNPs agree; see data/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from il1rn_annot.model import Region

GRCH37 = "GRCh37"
GRCH38 = "GRCh38"
BUILDS = (GRCH38, GRCH37)

#: GRCh37 position = GRCh38 position + this, throughout the IL1RN region.
GRCH37_OFFSET = 757_577

#: chr2 lengths (NCBI assembly reports): the strongest build evidence a header can carry.
CHR2_LENGTH = {GRCH37: 243_199_373, GRCH38: 242_193_529}

#: Assemblies recognised only to be refused: the catalog has no coordinates on them.
UNSUPPORTED_CHR2_LENGTH = {"NCBI36": 242_951_149, "T2T-CHM13": 242_696_752}

#: Names of chr2 that pin the build by themselves (RefSeq and GenBank accessions).
CHR2_ACCESSIONS = {
    "NC_000002.11": GRCH37,
    "CM000664.1": GRCH37,
    "NC_000002.12": GRCH38,
    "CM000664.2": GRCH38,
}
CHR2_NAMES = ("chr2", "2", *CHR2_ACCESSIONS)

#: IL1RN gene span (GENCODE v44, all isoforms) on GRCh38; GRCh37 by the offset.
IL1RN_GRCH38 = (113_099_315, 113_134_016)

#: Coding parts of the NM_173842.3 (MANE Select) exons on GRCh38 (data/README.md: GENCODE v44,
#: spliceai and cispliceai annotations agree; ClinVar's c.160 and c.229 anchor them).
CODING_EXONS_GRCH38 = (
    (1, 113_127_625, 113_127_740),  # c.1-116
    (2, 113_129_576, 113_129_664),  # c.117-205
    (3, 113_131_045, 113_131_157),  # c.206-318
    (4, 113_132_656, 113_132_871),  # c.319-534
)


def coding_exons(build: str) -> tuple[tuple[int, int, int], ...]:
    """(exon number, first, last base) of the NM_173842.3 coding exon parts on ``build``.

    >>> coding_exons("GRCh37")[0]
    (1, 113885202, 113885317)
    """
    return tuple((n, to_build(a, build), to_build(b, build)) for n, a, b in CODING_EXONS_GRCH38)


WINDOW_FLANK = 5_000
#: Records may start this far before the window and still reach into it (long deletions, END);
#: breakends are looked for this far around it.
LOOKBACK = 1_000_000

_HINTS = (
    ("NCBI36", re.compile(r"ncbi36|hg18|\bb36\b", re.IGNORECASE)),
    ("T2T-CHM13", re.compile(r"chm13|\bt2t\b|\bhs1\b", re.IGNORECASE)),
    (GRCH38, re.compile(r"grch38|hg38|hs38|\bb38\b|GCA_000001405\.(1[5-9]|2\d)", re.IGNORECASE)),
    (GRCH37, re.compile(r"grch37|hg19|hs37|\bb37\b|g1k_v37|GCA_000001405\.([1-9]|1[0-4])\b", re.I)),
)


def to_build(pos38: int, build: str) -> int:
    """Map a GRCh38 position in the IL1RN region to ``build``.

    >>> to_build(113131068, "GRCh37")
    113888645
    """
    return pos38 + GRCH37_OFFSET if build == GRCH37 else pos38


def gene_span(build: str) -> tuple[int, int]:
    return to_build(IL1RN_GRCH38[0], build), to_build(IL1RN_GRCH38[1], build)


def il1rn_window(build: str, chrom: str = "2") -> Region:
    """The region fetched from every input: the IL1RN gene span plus 5 kb each side."""
    start, end = gene_span(build)
    return Region(chrom, start - WINDOW_FLANK, end + WINDOW_FLANK)


def find_chr2(contigs: Iterable[str]) -> str | None:
    """The contig name the file uses for chromosome 2, or None.

    >>> find_chr2(["chr1", "chr2", "chrX"])
    'chr2'
    >>> find_chr2(["1", "NC_000002.12"])
    'NC_000002.12'
    """
    names = set(contigs)
    for name in CHR2_NAMES:
        if name in names:
            return name
    return None


_LOOKALIKE = re.compile(r"^(chr|chromosome)?0*2$", re.IGNORECASE)


def is_chr2(name: str) -> bool:
    return name in CHR2_NAMES


def is_chr2_alias(name: str) -> bool:
    """Any name of chromosome 2: the accepted ones and spellings such as ``Chr2`` or ``chr02``
    that a record may use without a ##contig line. Records under any of them are one chromosome.

    >>> [is_chr2_alias(n) for n in ("2", "chr2", "NC_000002.11", "CHR2", "chr02", "chr12", "2a")]
    [True, True, True, True, True, False, False]
    """
    return name in CHR2_NAMES or _LOOKALIKE.match(name) is not None


def chr2_lookalike(names: Iterable[str]) -> str | None:
    """A contig name that means chromosome 2 but is not one the tool accepts (``Chr2``).

    >>> chr2_lookalike(["1", "Chr2"])
    'Chr2'
    >>> chr2_lookalike(["chr2", "chr12"]) is None
    True
    """
    for name in names:
        if not is_chr2(name) and _LOOKALIKE.match(name):
            return name
    return None


def unrecognised_chr2_length(contig_lengths: Mapping[str, int | None]) -> int | None:
    """The chr2 length of a header when it matches no known assembly."""
    chr2 = find_chr2(contig_lengths)
    length = contig_lengths.get(chr2) if chr2 else None
    known = {*CHR2_LENGTH.values(), *UNSUPPORTED_CHR2_LENGTH.values()}
    return length if length and length not in known else None


@dataclass(frozen=True)
class BuildEvidence:
    """What a header says about the build: the strongest claim first."""

    build: str
    source: str  # e.g. "##contig length of chr2", "contig name NC_000002.12", "##reference hint"
    strong: bool


def header_build_evidence(
    contig_lengths: Mapping[str, int | None], meta_lines: Iterable[str]
) -> list[BuildEvidence]:
    """All build claims in a header, strongest first.

    ``contig_lengths`` maps ##contig IDs to their length (None if absent); ``meta_lines`` are the
    ``##reference``/``##assembly``/``##contig`` lines as text.
    """
    found: list[BuildEvidence] = []
    chr2 = find_chr2(contig_lengths)
    if chr2 is not None:
        length = contig_lengths.get(chr2)
        for build, expected in (CHR2_LENGTH | UNSUPPORTED_CHR2_LENGTH).items():
            if length == expected:
                found.append(BuildEvidence(build, f"##contig length of {chr2} ({length})", True))
        if chr2 in CHR2_ACCESSIONS:
            found.append(BuildEvidence(CHR2_ACCESSIONS[chr2], f"contig name {chr2}", True))
    for line in meta_lines:
        key = line[2:].split("=", 1)[0].lower()
        if key not in ("reference", "assembly", "contig"):
            continue
        text = line if key != "contig" else _contig_assembly(line)
        for build, pattern in _HINTS:
            if text and pattern.search(text):
                found.append(BuildEvidence(build, f"the ##{key} line", False))
                break
    return found


def _contig_assembly(line: str) -> str:
    match = re.search(r"assembly=([^,>]+)", line)
    return match.group(1) if match else ""


def build_from_bases(
    observed: Iterable[tuple[int, str]], known: Mapping[str, Mapping[int, str]]
) -> tuple[str | None, str]:
    """Decide the build from REF bases at positions the catalog knows, as a last resort.

    ``observed`` is (position, REF) of chr2 records; ``known`` maps build -> {position: base}.
    A build wins when at least one base agrees and none disagrees, while the other build has no
    agreement.

    >>> build_from_bases([(10, "AC")], {"GRCh38": {10: "A", 11: "C"}, "GRCh37": {}})
    ('GRCh38', 'REF bases of 1 record(s) at catalog sites agree with GRCh38')
    """
    agree = {b: 0 for b in known}
    disagree = {b: 0 for b in known}
    records = {b: 0 for b in known}
    for pos, ref in observed:
        for build, bases in known.items():
            hits = [
                (bases[pos + i], base) for i, base in enumerate(ref.upper()) if pos + i in bases
            ]
            if not hits:
                continue
            records[build] += 1
            if all(k == b for k, b in hits):
                agree[build] += 1
            else:
                disagree[build] += 1
    winners = [b for b in known if agree[b] and not disagree[b]]
    if len(winners) == 1 and not any(agree[b] for b in known if b != winners[0]):
        build = winners[0]
        return build, f"REF bases of {records[build]} record(s) at catalog sites agree with {build}"
    return None, ""


#: What users call the two builds (compared in lower case, without a patch suffix like .p14).
BUILD_ALIASES = {
    **dict.fromkeys(("grch38", "hg38", "b38", "hs38", "hs38dh", "38"), GRCH38),
    **dict.fromkeys(("grch37", "hg19", "b37", "hs37", "hs37d5", "37"), GRCH37),
}


def build_alias(text: str) -> str | None:
    """The build a user's name for it means, or None.

    >>> build_alias("hg38"), build_alias("grch37"), build_alias("GRCh38.p14"), build_alias("hg18")
    ('GRCh38', 'GRCh37', 'GRCh38', None)
    """
    key = re.sub(r"\.p\d+$", "", text.strip().lower())
    return BUILD_ALIASES.get(key)
