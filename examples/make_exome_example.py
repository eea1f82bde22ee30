"""Simulate a batch of exomes on a SYNTHETIC capture kit: the bundled example and the tests.

    python examples/make_exome_example.py examples/exome

writes a small batch (10 samples) into examples/exome/: targets.bed, one BAM per sample with its
index, bams.tsv (the manifest) and exome.vcf.gz (the batch's small-variant calls).

Nothing here is real sequence or a real kit. Reads are BAM records without bases (SEQ '*'),
aligned to GRCh38 chr2 coordinates: the depth stage counts aligned bases and never looks at
them. The target BED is synthetic except where it must follow data/: the four IL1RN coding
exons (data/il1rn_gene_model.tsv, padded 20 bp as kits pad) and the catalog's intervals of the
founder deletion (DIRA04) and DIRA11, which decide where the synthetic targets SYNTH_FOUNDER_*,
SYNTH_DIRA11_*, SYNTH_EDGE_* and SYNTH_FLANK_* go. They are named SYNTH_ because no gene's
targets are placed from real gene coordinates. Depth varies as it does in capture data: each
target has its own capture efficiency and GC content, each sample its own library size and GC
bias, and every sample-target pair some noise.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pysam

CHR2 = "chr2"
CHR2_LENGTH = 242_193_529  # GRCh38
#: From data/: NM_173842 coding exons (GRCh38), DIRA04's minimal interval and reported size,
#: DIRA11's breakpoints. The tests check these against the package.
CODING_EXONS = ((1, 113_127_625, 113_127_740), (2, 113_129_576, 113_129_664),
                (3, 113_131_045, 113_131_157), (4, 113_132_656, 113_132_871))  # fmt: skip
FOUNDER = (112_973_203, 113_134_016)
FOUNDER_SIZE = 175_000
DIRA11 = (113_107_434, 113_129_650)
PAD = 20
TARGET_LEN = 150


@dataclass(frozen=True)
class Kit:
    """A synthetic capture kit: (name, first, last base 1-based, GC fraction) per target."""

    targets: tuple[tuple[str, int, int, float], ...]
    #: Targets on another autosome (a panel's controls): name -> (contig, its GRCh38 length).
    elsewhere: tuple[tuple[str, str, int], ...] = ()

    def contig(self, name: str) -> tuple[str, int]:
        return next(((c, n) for t, c, n in self.elsewhere if t == name), (CHR2, CHR2_LENGTH))

    def write_bed(self, path: Path) -> None:
        lines = [f"{self.contig(n)[0]}\t{s - 1}\t{e}\t{n}\n" for n, s, e, _ in self.targets]
        path.write_text("track name=synthetic_kit description=SYNTHETIC capture targets\n")
        with path.open("a") as fh:
            fh.writelines(lines)


def synthetic_kit(controls: int = 150, flanks: int = 6, inside: int = 8, seed: int = 7) -> Kit:
    """IL1RN's padded coding exons, synthetic targets inside the founder interval (some inside
    DIRA11), at its uncertain edges, in the 1-Mb flanks, and controls along chr2."""
    rng = random.Random(seed)
    slack = FOUNDER_SIZE - (FOUNDER[1] - FOUNDER[0] + 1)
    widest = (FOUNDER[0] - slack, FOUNDER[1] + slack)
    left, right = widest[0] - 900_000, widest[1] + 60_000
    spots = [(f"SYNTH_FOUNDER_{k + 1:02d}", _between(FOUNDER[0], DIRA11[0], k, inside)) for k in range(inside)]  # fmt: skip  # noqa: E501
    spots += [(f"SYNTH_DIRA11_{k + 1:02d}", _between(DIRA11[0], CODING_EXONS[0][1], k, 2)) for k in range(2)]  # fmt: skip  # noqa: E501
    spots += [("SYNTH_EDGE_L", widest[0] + slack // 2), ("SYNTH_EDGE_R", FOUNDER[1] + slack // 2)]
    spots += [(f"SYNTH_FLANK_L{k + 1:02d}", left + k * 140_000) for k in range(flanks)]
    spots += [(f"SYNTH_FLANK_R{k + 1:02d}", right + k * 140_000) for k in range(flanks)]
    spots += [(f"SYNTH_CTRL_{k + 1:03d}", _control(k)) for k in range(controls)]
    targets = [(f"IL1RN_ex{n}", s - PAD, e + PAD) for n, s, e in CODING_EXONS]
    targets += [(name, start, start + TARGET_LEN - 1) for name, start in spots]
    targets.sort(key=lambda t: t[1])
    return Kit(tuple((n, s, e, rng.uniform(0.3, 0.7)) for n, s, e in targets))


def _control(k: int) -> int:
    """Controls every 70 kb from chr2:100 Mb, jumping over the locus (+-1.5 Mb)."""
    pos = 100_000_000 + k * 70_000
    return pos + 3_200_000 if pos > FOUNDER[0] - 1_500_000 else pos


def _between(lo: int, hi: int, k: int, n: int) -> int:
    return lo + (hi - lo) * (k + 1) // (n + 1)


@dataclass(frozen=True)
class Sample:
    """One simulated sample: its deletions as (first, last deleted base, copies lost)."""

    name: str
    deletions: tuple[tuple[int, int, int], ...] = ()
    kit_seed: int | None = None  # another kit's efficiencies: a sample that is not of the batch
    depth: float = 1.0  # library size, relative


@dataclass
class Batch:
    kit: Kit
    samples: list[Sample]
    base_depth: float = 80.0
    read_len: int = 100
    pad: int = 50
    noise: float = 0.05
    seed: int = 11
    paths: dict[str, Path] = field(default_factory=dict)


def founder(lost: int, left: int = 8_000, right: int = 6_000) -> tuple[int, int, int]:
    """A founder deletion reaching ``left``/``right`` bases beyond the minimal interval: the
    real breakpoints are unknown, so each simulated carrier gets its own (within the slack)."""
    return (FOUNDER[0] - left, FOUNDER[1] + right, lost)


def dira11(lost: int) -> tuple[int, int, int]:
    return (DIRA11[0], DIRA11[1], lost)


def depth_table(batch: Batch) -> dict[str, list[float]]:
    """Mean depth per target per sample before deletions: efficiency x GC bias x library size
    x noise. Reproducible from the seed."""
    rng = random.Random(batch.seed)
    efficiency = [math.exp(rng.gauss(0, 0.35)) for _ in batch.kit.targets]
    out = {}
    for sample in batch.samples:
        own = efficiency
        if sample.kit_seed is not None:
            other = random.Random(sample.kit_seed)
            own = [math.exp(other.gauss(0, 0.6)) for _ in batch.kit.targets]
        size = rng.uniform(0.6, 1.5) * sample.depth
        slope = rng.gauss(0, 0.25)
        out[sample.name] = [
            batch.base_depth
            * size
            * e
            * math.exp(slope * (gc - 0.5))
            * math.exp(rng.gauss(0, batch.noise))
            for e, (_, _, _, gc) in zip(own, batch.kit.targets, strict=True)
        ]
    return out


def write_batch(batch: Batch, directory: Path, cram_fasta: Path | None = None) -> dict[str, Path]:
    """One sorted, indexed BAM per sample (CRAM against ``cram_fasta`` if given)."""
    directory.mkdir(parents=True, exist_ok=True)
    table = depth_table(batch)
    for sample in batch.samples:
        suffix = ".cram" if cram_fasta else ".bam"
        path = directory / f"{sample.name}{suffix}"
        write_sample(path, sample, batch, table[sample.name], cram_fasta)
        batch.paths[sample.name] = path
    return batch.paths


def write_sample(
    path: Path, sample: Sample, batch: Batch, depths: list[float], fasta: Path | None = None
) -> None:
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": CHR2, "LN": CHR2_LENGTH}]
        + [{"SN": c, "LN": n} for c, n in dict.fromkeys(x[1:] for x in batch.kit.elsewhere)],
        "RG": [{"ID": sample.name, "SM": sample.name}],
    }
    reads = []
    tids = {sq["SN"]: i for i, sq in enumerate(header["SQ"])}
    for (name, start, end, _), depth in zip(batch.kit.targets, depths, strict=True):
        tid = tids[batch.kit.contig(name)[0]]
        region = (start - batch.pad, end + batch.pad)  # reads reach past the baits
        deleted = sample.deletions if tid == 0 else ()
        for lo, hi, copies in _segments(region, deleted):
            reads += [(tid, *r) for r in _tile(lo, hi, depth * copies / 2, batch.read_len)]
    reads.sort()
    bases = _FastaBases(fasta) if fasta else None
    mode = "wc" if fasta else "wb"
    ref = {"reference_filename": str(fasta)} if fasta else {}
    with pysam.AlignmentFile(str(path), mode, header=header, **ref) as out:
        for n, (tid, begin, length) in enumerate(reads):
            a = pysam.AlignedSegment(out.header)
            a.query_name = f"r{n}" if bases is not None else "r"  # small example files
            a.reference_id = tid
            a.reference_start = begin
            a.mapping_quality = 60
            a.cigarstring = f"{length}M"
            if bases is not None:
                a.query_sequence = bases.get(begin, length)
                a.query_qualities = pysam.qualitystring_to_array("I" * length)
            if bases is not None:
                a.set_tag("RG", sample.name)
            out.write(a)
    pysam.index("-c", str(path))  # CSI: a BAI's linear index over chr2 alone is ~56 kB


def _segments(
    region: tuple[int, int], deletions: tuple[tuple[int, int, int], ...]
) -> list[tuple[int, int, int]]:
    """Split ``region`` (1-based) into pieces with their copy number."""
    cuts = {region[0], region[1] + 1}
    for s, e, _ in deletions:
        for x in (s, e + 1):
            if region[0] < x <= region[1]:
                cuts.add(x)
    edges = sorted(cuts)
    out = []
    for lo, nxt in itertools.pairwise(edges):
        hi = nxt - 1
        lost = sum(k for s, e, k in deletions if s <= lo and hi <= e)
        out.append((lo, hi, max(0, 2 - lost)))
    return out


def _tile(lo: int, hi: int, depth: float, read_len: int) -> list[tuple[int, int]]:
    """(0-based start, aligned length) of reads giving ``depth`` over 1-based [lo, hi], clipped
    at the piece's ends as reads end at a deletion's breakpoint (split reads)."""
    if depth <= 0:
        return []
    step = read_len / depth
    out = []
    x = float(lo - read_len + 1)
    while x <= hi:
        s = round(x)
        a, b = max(s, lo), min(s + read_len - 1, hi)
        if b >= a:
            out.append((a - 1, b - a + 1))
        x += step
    return out


class _FastaBases:
    def __init__(self, path: Path) -> None:
        self.fasta = pysam.FastaFile(str(path))

    def get(self, begin: int, length: int) -> str:
        return self.fasta.fetch(CHR2, begin, begin + length)


def write_synthetic_fasta(path: Path, kit: Kit, read_len: int, seed: int = 5) -> Path:
    """A SYNTHETIC chr2 (seeded random bases around the targets, N elsewhere), bgzipped and
    indexed, for CRAM: not GRCh38, not IL1RN's sequence."""
    rng = random.Random(seed)
    pieces = sorted((s - read_len - 1, e + read_len) for _, s, e, _ in kit.targets)
    plain = path.with_suffix("")
    done = 0
    with plain.open("wb") as fh:
        fh.write(f">{CHR2} SYNTHETIC sequence: not GRCh38\n".encode())
        for lo, hi in pieces:
            lo = max(lo, done)
            _write_n(fh, lo - done)
            fh.write("".join(rng.choices("ACGT", k=hi - lo)).encode())
            done = hi
        _write_n(fh, CHR2_LENGTH - done)
        fh.write(b"\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    pysam.faidx(str(path))
    return path


def _write_n(fh, n: int) -> None:
    chunk = b"N" * (1 << 20)
    while n > 0:
        fh.write(chunk[: min(n, len(chunk))])
        n -= len(chunk)


VCF_HEADER = """\
##fileformat=VCFv4.2
##source=il1rn-annot examples/make_exome_example.py (synthetic genotypes)
##reference=GRCh38
##contig=<ID=chr2,length=242193529,assembly=GRCh38>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
"""


def write_vcf(path: Path, samples: list[str], e77x: dict[str, str] | None = None) -> Path:
    """The batch's small-variant calls at DIRA01 (E77X, chr2:113131068 G>T): the GT given per
    sample in ``e77x``, 0/0 elsewhere; bgzipped and indexed."""
    e77x = e77x or {}
    gts = "\t".join(e77x.get(s, "0/0") + ":60:40" for s in samples)
    text = VCF_HEADER + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
    text += "\t".join(samples) + "\n"
    text += f"chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT:GQ:DP\t{gts}\n"
    plain = path.with_suffix("")
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    plain.unlink()
    return path


#: The bundled example: 10 samples of one synthetic run, three of them with a deletion (the
#: batch median needs deletion carriers to be a minority at every target).
EXAMPLE_SAMPLES = [
    Sample("EX_HOM_FOUNDER", (founder(2),)),
    Sample("EX_HET_FOUNDER_E77X", (founder(1, 3_000, 11_000),)),
    Sample("EX_DIRA11_HOM", (dira11(2),)),
    *(Sample(f"EX_NORMAL_{k}") for k in range(1, 8)),
]


def main(directory: str) -> None:
    out = Path(directory)
    kit = synthetic_kit(controls=20, flanks=3, inside=4)
    batch = Batch(kit, EXAMPLE_SAMPLES, base_depth=45.0, read_len=500, noise=0.04)
    out.mkdir(parents=True, exist_ok=True)
    kit.write_bed(out / "targets.bed")
    paths = write_batch(batch, out)
    (out / "bams.tsv").write_text(
        "sample\tpath\n" + "".join(f"{s}\t{p.name}\n" for s, p in paths.items())
    )
    # E77X on the copy the founder deletion left: hemizygous, so the caller writes 1/1.
    write_vcf(out / "exome.vcf.gz", list(paths), e77x={"EX_HET_FOUNDER_E77X": "1/1"})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent / "exome"))
