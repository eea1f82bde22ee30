"""Speed and memory of `il1rn-annot` processes against their anchors: every target of issue #11
in one table, one run.

Run with `make bench` (the full run; it rewrites the block between the markers of
benchmarks/results.md) or `BENCH_QUICK=1 make bench` (fewer runs, the cohort at 2,500 samples
only, no exome batch; printed, results.md untouched). `python benchmarks/bench.py GROUP...` runs
some groups only (wgs, cohort, batch, startup, other), printed only.

Each case is a fresh process, as a pipeline starts the tool, with its bytecode cached as an
installed package has it (PYTHONPYCACHEPREFIX in the run's temporary directory). Wall seconds
(min and median of several runs), CPU seconds (user + system, median: the steadier figure on a
shared machine) and peak RSS come from `/usr/bin/time -v`, which starts each case from its own
small process; without it, from a small launcher (python -S) that spawns the case and reads its
wait4 rusage. (The bench process's own wait4 would report at least its own size for a small
child: Linux counts the pages the child had at fork.) The corpus is generated once,
deterministically, into a cache directory ($IL1RN_BENCH_CACHE, else ~/.cache/il1rn-annot-bench;
never committed):

    wgs-indexed      one sample, 4.8 M records over chr1-22, X, Y (GRCh38 lengths), .vcf.gz+.tbi
    wgs-bcf          the same as BCF + .csi (written by bcftools)
    wgs-bisect-bgzf  the .vcf.gz without its index, --assume-sorted: found by bisection
    wgs-bisect-plain the same as plain .vcf, --assume-sorted
    wgs-stream       the .vcf.gz without index and without the flag: read to the end
    wgs-stdin        the plain .vcf through `-`
    cohort-2500 / cohort-100000
                     cohort_data.py's GATK-like windows (GT:AD:DP:GQ:PL): 2,500 samples x 1,500
                     records and 100,000 x 150 (the largest 100k-sample window this 2-core,
                     shared machine generates and reads in minutes), TSV and JSON reports
    cohort-indexed   2,000 samples x 400 records (GT:GQ:DP), TSV report
    cohort-wide      200 samples x 20,000 records over chr2:112.1-114.1 Mb (the window, the
                     founder-deletion context and the breakend look-around all have records)
    exome-96         --targets with 96 simulated exome BAMs (--bam-manifest; 4 with a deletion)
    plate-jobs1/2    1,000 small single-sample VCFs (.vcf.gz + .tbi), one --output-dir batch
    plate-resume     the same rerun: every report finished, all skipped
    --help/--version CPU time, median of 15, against `python -c 'import click'`

Anchors on the same files: `bcftools view -r` (whole genome: .vcf.gz and BCF; cohorts), `bcftools
query -f '[%GT]'`, a bare cyvcf2 `gt_types` loop (when cyvcf2 is installed), `bgzip -dc | wc -l`
(`gzip -dc` when bgzip is not installed: both decompress on one thread). Nothing is asserted:
speed is measured here, never in tests.
"""

from __future__ import annotations

import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pysam

TOOL = [sys.executable, "-m", "il1rn_annot"]
#: As users start it (no runpy): for the start-up ratios.
SCRIPT = Path(sys.executable).parent / "il1rn-annot"
#: BENCH_QUICK=1: fewer runs, the 2,500-sample cohort only, no exome batch, results.md untouched.
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
GROUPS = ("wgs", "cohort", "batch", "startup", "other")
PLATE = 1000
HEADER = (
    "##fileformat=VCFv4.2\n"
    "##contig=<ID=chr1,length=248956422>\n##contig=<ID=chr2,length=242193529>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
)
#: What `bcftools view -r` reads of the whole genome: the window il1rn-annot reads around IL1RN.
WGS_WINDOW = "chr2:113094315-113139016"
#: The GRCh38 IL1RN window as il1rn-annot reads it (genome.il1rn_window), for the cohorts.
WINDOW = "chr2:113122000-113140000"
MB = 1e6 / 2**20  # MiB in a MB: the limits are in MB


#: GRCh38 primary chromosomes and their lengths (the whole genome's ##contig lines, in order).
GRCH38 = {
    **dict(zip((f"chr{i}" for i in range(1, 23)), (
        248_956_422, 242_193_529, 198_295_559, 190_214_555, 181_538_259, 170_805_979,
        159_345_973, 145_138_636, 138_394_717, 133_797_422, 135_086_622, 133_275_309,
        114_364_328, 107_043_718, 101_991_189, 90_338_345, 83_257_441, 80_373_285,
        58_617_616, 64_444_167, 46_709_983, 50_818_468,
    ), strict=True)),
    "chrX": 156_040_895,
    "chrY": 57_227_415,
}  # fmt: skip
WGS_RECORDS = 4_800_000
#: Bump when _wgs changes, so that a cached corpus is made again.
WGS_VERSION = 1


def _wgs(cache: Path) -> Path:
    """A one-sample whole genome as a caller writes it (sorted, ##contig lines, INFO and FORMAT
    of a few fields), made once into ``cache``: genome.vcf, genome.vcf.gz (no index) and
    indexed/genome.vcf.gz + .tbi. One E77X heterozygote on chr2."""
    where = cache / f"wgs-{WGS_RECORDS}-v{WGS_VERSION}"
    if (where / "complete").exists():
        return where
    shutil.rmtree(where, ignore_errors=True)
    (where / "indexed").mkdir(parents=True)
    rng = random.Random(4)
    total = sum(GRCH38.values())
    plain = where / "genome.vcf"
    with plain.open("w") as fh:
        fh.write("##fileformat=VCFv4.2\n")
        fh.writelines(f"##contig=<ID={c},length={n}>\n" for c, n in GRCH38.items())
        fh.write(
            '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
            '##INFO=<ID=MQ,Number=1,Type=Float,Description="Mapping quality">\n'
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
            '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
            '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
            '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
        )
        for chrom, length in GRCH38.items():
            count = WGS_RECORDS * length // total
            step = (length - 20_000) // count
            lines = []
            carrier = chrom == "chr2"
            for i in range(count):
                pos = 10_000 + i * step + rng.randrange(step)
                if carrier and pos > 113_131_068:  # one E77X heterozygote, in sorted order
                    lines.append(_wgs_line(rng, chrom, 113_131_068, "G", "T"))
                    carrier = False
                lines.append(_wgs_line(rng, chrom, pos, *rng.sample("ACGT", 2)))
            fh.writelines(lines)
    pysam.tabix_compress(str(plain), str(where / "genome.vcf.gz"), force=True)
    shutil.copy(where / "genome.vcf.gz", where / "indexed" / "genome.vcf.gz")
    pysam.tabix_index(str(where / "indexed" / "genome.vcf.gz"), preset="vcf", force=True)
    (where / "complete").touch()
    return where


def _wgs_line(rng: random.Random, chrom: str, pos: int, ref: str, alt: str) -> str:
    depth = rng.randrange(15, 60)
    alt_reads = rng.randrange(depth // 3, depth)
    gt = "1/1" if alt_reads > depth * 0.9 else "0/1"
    gq = rng.randrange(20, 99)
    info = f"DP={depth};MQ=60.0"
    call = f"{gt}:{depth - alt_reads},{alt_reads}:{depth}:{gq}"
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t{gq}.5\tPASS\t{info}\tGT:AD:DP:GQ\t{call}\n"


def _cohort(path: Path, n_samples: int, n_records: int, start: int = 113_095_000) -> None:
    rng = random.Random(2)
    samples = "\t".join(f"S{i}" for i in range(n_samples))
    with path.open("w") as fh:
        fh.write(HEADER + f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{samples}\n")
        for i in range(n_records):
            pos = start + i * 100
            ref, alt = rng.sample("ACGT", 2)
            if pos == 113_131_000:  # the E77X site, so that the cohort has carriers
                pos, ref, alt = 113_131_068, "G", "T"
            gts = "\t".join(_cohort_call(rng) for _ in range(n_samples))
            fh.write(f"chr2\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:GQ:DP\t{gts}\n")


def _cohort_call(rng: random.Random) -> str:
    """Mostly reference calls with varying quality, some carriers, some no-calls."""
    roll = rng.random()
    gt = "0/1" if roll < 0.04 else "./." if roll < 0.05 else "1/1" if roll < 0.052 else "0/0"
    return f"{gt}:{rng.randint(5, 99)}:{rng.randint(4, 60)}"


def _bgzip(plain: Path, index: bool) -> Path:
    gz = plain.with_suffix(".vcf.gz")
    pysam.tabix_compress(str(plain), str(gz), force=True)
    if index:
        pysam.tabix_index(str(gz), preset="vcf", force=True)
    return gz


def _plate(directory: Path, n: int) -> None:
    """n single-sample files: every tenth a carrier of E77X, each with a benign SNV in IL1RN."""
    directory.mkdir()
    for i in range(n):
        plain = directory / f"p{i:04d}.vcf"
        rows = ["chr2\t113120000\t.\tC\tT\t50\tPASS\t.\tGT:GQ:DP\t0/1:60:30\n"]
        if i % 10 == 0:
            rows.append("chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT:GQ:DP\t0/1:60:30\n")
        header = HEADER + f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP{i}\n"
        plain.write_text(header + "".join(rows))
        _bgzip(plain, index=True)
        plain.unlink()


def _wgs_bcf(where: Path) -> Path:
    """The whole genome as BCF + .csi, written once by bcftools from the .vcf.gz."""
    bcf = where / "indexed" / "genome.bcf"
    done = where / "bcf-complete"
    if not done.exists():
        subprocess.run(
            [
                "bcftools",
                "view",
                "--no-version",
                "-Ob",
                "-o",
                str(bcf),
                str(where / "genome.vcf.gz"),
            ],
            check=True,
        )
        subprocess.run(["bcftools", "index", "-f", "-c", str(bcf)], check=True)
        done.touch()
    return bcf


# --- measuring ---------------------------------------------------------------------------------

TIME = "/usr/bin/time"
#: Without /usr/bin/time: a small process spawns the case and prints its wait4 rusage.
_LAUNCHER = """
import os, sys
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, use = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.stderr.write(f"\\nlauncher: {code} {use.ru_utime} {use.ru_stime} {use.ru_maxrss}\\n")
sys.exit(code)
"""


def how_measured() -> str:
    if os.path.exists(TIME):
        return "peak RSS and CPU from /usr/bin/time -v (each case started from its own process)"
    return (
        "peak RSS and CPU from a small launcher (python -S) that spawns each case: RSS below "
        "about 10 MiB is the launcher's"
    )


@dataclass
class Runs:
    """The runs of one case."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # MiB

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak(self) -> float:
        return max(self.rss)


def measure(args: list[str], env: dict[str, str], stdin: Path | None = None) -> tuple[float, ...]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one run of ``args``."""
    if os.path.exists(TIME):
        wrapped = [TIME, "-v", *args]
    else:
        wrapped = [sys.executable, "-S", "-c", _LAUNCHER, *args]
    with open(stdin or os.devnull, "rb") as source:
        start = time.perf_counter()
        child = subprocess.Popen(
            wrapped, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        text = child.stderr.read().decode(errors="replace")
        _, status, use = os.wait4(child.pid, 0)  # CPU to the microsecond (time -v rounds it)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode:
        tail = text[-800:]
        raise SystemExit(f"benchmark case failed (exit {child.returncode}): {args}\n{tail}")
    if wrapped[0] == TIME:

        def value(label: str) -> float:
            found = re.search(re.escape(label) + r": ([0-9.]+)", text)
            return float(found.group(1)) if found else float("nan")

        cpu = use.ru_utime + use.ru_stime  # the case's, with time's own (about 1 ms)
        return wall, cpu, value("Maximum resident set size (kbytes)") / 1024
    _, user, system, maxrss = text.rsplit("launcher: ", 1)[1].split()
    return wall, float(user) + float(system), int(maxrss) / 1024


@dataclass
class Case:
    name: str
    args: list[str]
    runs: int
    stdin: Path | None = None
    warm: bool = True  # one uncounted run first (bytecode and page cache)
    before: Callable[[], None] | None = None  # before each run, not timed


def run_cases(cases: list[Case], env: dict[str, str], results: dict[str, Runs]) -> list[str]:
    """Run every case, print its row and return the rows (Markdown)."""
    rows = []
    for case in cases:
        if case.warm:
            measure(case.args, env, case.stdin)
        runs = Runs()
        for _ in range(case.runs):
            if case.before:
                case.before()
            wall, cpu, rss = measure(case.args, env, case.stdin)
            runs.walls.append(wall)
            runs.cpus.append(cpu)
            runs.rss.append(rss)
        results[case.name] = runs
        cell = case.name.replace("|", "\\|")  # a Markdown table cell
        rows.append(
            f"| {cell} | {case.runs} | {min(runs.walls):.3f} | {runs.wall:.3f} | {runs.cpu:.3f} "
            f"| {runs.peak:.0f} |"
        )
        print(rows[-1], flush=True)
    return rows


def bytecode_env(work: Path) -> dict[str, str]:
    """The environment of every case: bytecode cached, as an installed package has it
    (PYTHONDONTWRITEBYTECODE would make every run compile il1rn_annot from source, while
    click's and pysam's .pyc came with their wheels)."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"), PYTHONWARNINGS="ignore")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# --- the cases ---------------------------------------------------------------------------------


def _n(full: int, quick: int) -> int:
    return quick if QUICK else full


def _tool() -> list[str]:
    """The console script, as users start it (no runpy), else ``python -m``."""
    return [str(SCRIPT)] if SCRIPT.exists() else TOOL


def decompress_anchor() -> tuple[str, str]:
    """(name, command) of the decompression anchor: bgzip when installed, else gzip."""
    tool = "bgzip" if shutil.which("bgzip") else "gzip"
    return f"{tool} -dc | wc -l", tool


#: The least a Python tool on pysam does for the window: import pysam and click, open the file
#: (htslib loads the index) and print the window's records, as `bcftools view -r` does.
FETCH = [
    sys.executable,
    "-c",
    "import sys, click, pysam\n"
    "with pysam.VariantFile(sys.argv[1]) as vf:\n"
    f"    chrom, span = {WGS_WINDOW!r}.split(':')\n"
    "    start, end = map(int, span.split('-'))\n"
    "    sys.stdout.write(''.join(str(r) for r in vf.fetch(chrom, start - 1, end)))",
]

#: The least a Python tool reading a BGZF genome to its end does (what no stream of ours goes
#: below): import what il1rn-annot imports for it (pysam, click, isal, numpy), inflate every BGZF
#: block (isal, raw deflate) on N threads and count the newlines (numpy, on those threads).
STREAM_FLOOR = [
    sys.executable,
    "-c",
    "import sys, struct, click, pysam, numpy\n"
    "from concurrent.futures import ThreadPoolExecutor\n"
    "from isal import isal_zlib\n"
    "data, at, starts = open(sys.argv[1], 'rb').read(), 0, []\n"
    "while at < len(data):\n"
    "    starts.append(at)\n"
    "    at += struct.unpack_from('<H', data, at + 16)[0] + 1\n"
    "starts.append(len(data))\n"
    "def count(k):\n"
    "    n = 0\n"
    "    for a, b in zip(starts[k : k + 16], starts[k + 1 : k + 17]):\n"
    "        text = isal_zlib.decompress(data[a + 18 : b - 8], -15, 65537)\n"
    "        n += numpy.count_nonzero(numpy.frombuffer(text, numpy.uint8) == 10)\n"
    "    return n\n"
    "with ThreadPoolExecutor(int(sys.argv[2])) as pool:\n"
    "    print(sum(pool.map(count, range(0, len(starts) - 1, 16))))",
]


def wgs_cases(cache: Path) -> tuple[list[Case], list[str]]:
    made = time.perf_counter()
    wgs = _wgs(cache)
    bcf = _wgs_bcf(wgs)
    print(f"whole genome in {wgs} ({time.perf_counter() - made:.0f} s to make or find)")
    indexed, bgzf, plain = (
        wgs / "indexed" / "genome.vcf.gz",
        wgs / "genome.vcf.gz",
        wgs / "genome.vcf",
    )
    tool, sorted_ = [*_tool(), "annotate"], "--assume-sorted"
    dc_name, dc = decompress_anchor()
    view = ["bcftools", "view", "-r", WGS_WINDOW]
    cases = [
        Case(
            "python: import pysam, click", [sys.executable, "-c", "import pysam, click"], _n(5, 3)
        ),
        Case("python: pysam fetch (.vcf.gz)", [*FETCH, str(indexed)], _n(5, 3)),
        Case("python: pysam fetch (BCF)", [*FETCH, str(bcf)], _n(5, 3)),
        Case("bcftools view -r (.vcf.gz)", [*view, str(indexed)], _n(5, 3)),
        Case("wgs-indexed", [*tool, str(indexed)], _n(5, 3)),
        Case("bcftools view -r (BCF)", [*view, str(bcf)], _n(5, 3)),
        Case("wgs-bcf", [*tool, str(bcf)], _n(5, 3)),
        Case("wgs-bisect-bgzf", [*tool, sorted_, str(bgzf)], _n(5, 3)),
        Case("wgs-bisect-plain", [*tool, sorted_, str(plain)], _n(5, 3)),
        Case(dc_name, ["bash", "-c", f"{dc} -dc '{bgzf}' | wc -l"], _n(3, 1)),
        *(  # the anchor of earlier runs, for comparison (zlib: slower than bgzip's libdeflate)
            [Case("gzip -dc | wc -l", ["bash", "-c", f"gzip -dc '{bgzf}' | wc -l"], 3)]
            if dc != "gzip" and not QUICK
            else []
        ),
        *(
            Case(f"python: BGZF inflate + newline count, {n} thread(s)", [*floor, n], _n(3, 1))
            for floor in [[*STREAM_FLOOR, str(bgzf)]]
            for n in ("1", "2")
        ),
        Case("wgs-stream", [*tool, str(bgzf)], _n(3, 1)),
        Case("wgs-stdin", [*tool, "-", "--build", "GRCh38"], _n(3, 1), stdin=plain),
    ]
    size = plain.stat().st_size / 2**20
    notes = [
        f"Whole genome: {WGS_RECORDS / 1e6:.1f} M records, {size:.0f} MiB as text, "
        f"{bgzf.stat().st_size / 2**20:.0f} MiB bgzipped; `bcftools view -r {WGS_WINDOW}`.",
        WGS_INDEXED_NOTE,
    ]
    return cases, notes


#: Where the one-sample indexed run goes (measured by hand; see results.md's notes).
WGS_INDEXED_NOTE = (
    "Where wgs-indexed goes, in instructions (valgrind callgrind, steady however loaded the "
    "machine; 2026-11-28 12:00, .vcf.gz+tbi): `bcftools view -r` 0.50 G; the bare pysam fetch "
    "0.85 G (starting Python with click and pysam 0.23 G; htslib loads the 6-MB .tbi twice in "
    "VariantFile.open, once for the header's contig names, 0.27 G each, and frees both at the "
    "end); il1rn-annot 1.97 G (2.20 G before the start-up work of 2026-11-28): importing "
    "il1rn_annot about 0.30 G (half of it Python compiling the methods of some 40 data classes), "
    "the stale-index check 0.22 G (0.46 G: the index inflated block by block and runs of "
    "one-chunk bins stepped over by a regular expression), the GT check of the window's text "
    "lines 0.31 G (htslib loading the same index a third time for pysam.TabixFile, and freeing "
    "it; not for BCF), and reading the window's and the founder-deletion context's records, "
    "annotating them and writing the report about 0.28 G. BCF+csi: 1.34 G (1.56 G), the bare "
    "fetch 0.53 G, `bcftools view -r` 0.24 G."
)


_CYVCF2_LOOP = """
import sys, numpy
from cyvcf2 import VCF
counts = None
for v in VCF(sys.argv[1])(sys.argv[2]):
    gt = v.gt_types
    counts = (gt != 0) if counts is None else counts + (gt != 0)
print(int(counts.sum()) if counts is not None else 0)
"""

#: The least a Python tool on cyvcf2 does with a cohort window: import what il1rn-annot imports
#: for one (pysam, click, numpy, cyvcf2), and read the FORMAT fields it reads (GT with phase,
#: DP, GQ) as arrays. No calling, no report.
_CYVCF2_FLOOR = """
import sys, click, pysam, numpy
from cyvcf2 import VCF
n = 0
for v in VCF(sys.argv[1], gts012=False)(sys.argv[2]):
    gt = v.genotype.array()
    n += len(gt) + len(v.format("DP")) + len(v.format("GQ"))
print(n)
"""

#: What no Python writer of a cohort's TSV rows goes below: the arrays above, and one line per
#: non-reference genotype (sample, site, GT, DP, GQ), written sample by sample as il1rn-annot
#: writes its rows. No calling, no annotation.
_CYVCF2_ROWS = """
import sys, click, pysam, numpy as np
from cyvcf2 import VCF
vcf = VCF(sys.argv[1], gts012=False)
per = [[] for _ in vcf.samples]
for v in vcf(sys.argv[2]):
    gt = v.genotype.array()
    dp = v.format("DP")[:, 0].tolist()
    gq = v.format("GQ")[:, 0].tolist()
    site = f"\\t{v.CHROM}\\t{v.POS}\\t{v.REF}\\t{','.join(v.ALT)}\\t"
    first, second = gt[:, 0], gt[:, 1]
    for i in np.flatnonzero((first != 0) | (second != 0)).tolist():
        per[i].append(f"{site}{first[i]}/{second[i]}\\t{dp[i]}\\t{gq[i]}\\n")
with open(sys.argv[3], "w") as out:
    for name, rows in zip(vcf.samples, per):
        out.write("".join(name + r for r in rows))
"""
#: The rows floor's case name, after the cohort's.
ROWS_FLOOR = "python: cyvcf2 arrays, one TSV line per non-reference genotype"

#: Where the 2,500-sample cohort's time goes, measured by hand (cProfile, and in-process CPU
#: timings of each part; 2026-11-28, a loaded 2-core machine, so the parts are approximate).
COHORT_TIME = (
    "Where the 2,500 x 1,500 cohort's TSV run goes (CPU s, in-process timings and cProfile, "
    "2026-11-28, a loaded machine): start-up and imports (pysam, click, numpy; cyvcf2 only when "
    "the text path leaves a window) ~0.3; the window's text read once through tabix (inflating "
    "and UTF-8 decoding ~0.24) and its sample columns checked and parsed with numpy into GT/DP/GQ"
    " arrays (cohort_text.parse_columns, ~0.55-0.7; the lines it parsed need no GT grammar check "
    "of their own); the site fields parsed by htslib from the same lines' first eight columns "
    "(cohort_sites: a VCF without samples in an anonymous in-memory file) ~0.01, where pysam "
    "reading the window a second time cost 0.22 until 2026-11-28 12:00; the calls made from "
    "the arrays (cohort_reader.sample_calls, one object per distinct row; the rows of a batch of "
    "lines parsed together found together) ~0.4-0.5; matching (match.annotate_alleles) ~0.2; "
    "calling the samples by group (genotype.call_samples) ~0.75; the review reasons of possible "
    "loss-of-function alleles ~0.1 (0.3-0.45 while each sample looked at each of its alleles); "
    "the TSV writer ~0.4 and writing 93 MiB; the garbage collector ~0.06. Reading the window "
    "(reader.read_window, in-process, the better of three on the loaded machine) went 3.28 -> "
    "2.31 s when the text path replaced cyvcf2's parse of every column (0.9 s and its arrays "
    "0.25) and the GT check's own read of the text (0.35). Instructions (valgrind callgrind, "
    "steady however loaded the machine) over a 337-record slice of the window "
    "(chr2:113128000-113132000, 2,500 samples): `bcftools view -r` 2.58 G, the rows floor (cyvcf2"
    " arrays and one line per non-reference genotype) 4.34 G, il1rn-annot TSV 7.44 G (9.62 G with"
    " cyvcf2 and the GT check's own read; 11.14 G before the GT check at sight and the collector "
    "held off). Counted again for `python -m il1rn_annot` (2026-11-28 08:50): over the slice TSV "
    "7.90 -> 7.39 G and JSON 8.06 -> 7.54 G, over the whole window TSV 27.95 -> 25.37 G and JSON "
    "28.31 -> 25.73 G (`bcftools view -r` 11.43 G, with a higher IPC), when the calls were made a"
    " batch of lines at a time, the loss-of-function review looked at each allele once and the "
    "writers joined each row once. Of the 25.37 G, htslib reading the window twice (pysam's site "
    "fields and tabix's lines, each inflating it with zlib and scanning every byte of every line "
    "in tbx_parse1) was 7.0 G. Reading it once (2026-11-28 12:00, bytecode cached as here): over "
    "the whole window TSV 24.76 -> 21.34 G and JSON 25.12 -> 21.64 G (htslib's reading 7.02 -> "
    "3.51 G), over the slice TSV 6.78 -> 6.15 G; reader.read_window 1.97-2.03 -> 1.69-1.70 s CPU "
    "in-process; wall on a quiet machine TSV 4.75 -> 4.46 x and JSON 4.65 -> 4.29 x `bcftools "
    "view -r` (0.72 s)."
)

#: (samples, records) of the cohort windows; the quick run has the first only.
COHORTS = ((2_500, 1_500), (100_000, 150))


def has_cyvcf2() -> bool:
    try:
        import cyvcf2  # noqa: F401
    except ImportError:
        return False
    return True


def cohort_cases(work: Path) -> tuple[list[Case], list[str]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from cohort_data import cohort

    cases: list[Case] = []
    notes = []
    for n_samples, n_records in COHORTS[:1] if QUICK else COHORTS:
        path = cohort(n_samples, n_records)
        small = n_samples <= 2_500
        anchor, runs = _n(5, 3) if small else 1, _n(3, 1) if small else 1
        name = f"cohort-{n_samples}"
        tool = [*_tool(), "annotate", str(path)]
        cases += [
            Case(
                f"{name} bcftools view -r",
                ["bcftools", "view", "-r", WINDOW, "-o", "/dev/null", str(path)],
                anchor,
            ),
            Case(
                f"{name} bcftools query GT",
                ["bcftools", "query", "-r", WINDOW, "-f", "[%GT]\\n", str(path)],
                anchor,
            ),
        ]
        if has_cyvcf2():
            loop = [sys.executable, "-c", _CYVCF2_LOOP, str(path), WINDOW]
            cases.append(Case(f"{name} cyvcf2 gt_types loop", loop, anchor))
            floor = [sys.executable, "-c", _CYVCF2_FLOOR, str(path), WINDOW]
            cases.append(Case(f"{name} python: cyvcf2 GT, DP, GQ arrays", floor, anchor))
            rows = work / f"floor-{name}.tsv"
            floor = [sys.executable, "-c", _CYVCF2_ROWS, str(path), WINDOW, str(rows)]
            cases.append(Case(f"{name} {ROWS_FLOOR}", floor, anchor))
        for fmt in ("tsv", "json"):
            out = work / f"{name}.{fmt}"
            cases.append(
                Case(f"{name} {fmt}", [*tool, "--format", fmt, "-o", str(out)], runs, warm=False)
            )
        notes.append(
            f"Cohort {n_samples:,} samples x {n_records:,} records: `{path.name}` "
            f"({path.stat().st_size / 2**20:.0f} MiB), window {WINDOW}."
        )
    if not has_cyvcf2():
        notes.append("cyvcf2 is not installed: no cyvcf2 anchor (pip install cyvcf2).")
    notes.append(COHORT_TIME)
    return cases, notes


def batch_cases(work: Path) -> tuple[list[Case], list[str]]:
    plate = work / "plate"
    _plate(plate, PLATE)
    cases = []
    for name, jobs, fresh in (
        ("plate-jobs1", 1, True),
        ("plate-jobs2", 2, True),
        ("plate-resume", 2, False),
    ):
        out = work / f"reports-{jobs}"
        args = [*_tool(), "annotate", str(plate), "--output-dir", str(out), "--jobs", str(jobs)]
        # A fresh batch writes every report: its directory is emptied before each run.
        empty = (lambda out=out: shutil.rmtree(out, ignore_errors=True)) if fresh else None
        cases.append(Case(name, [*args, "--quiet"], _n(3, 1), warm=not fresh, before=empty))
    return cases, [
        f"Batch: {PLATE:,} single-sample .vcf.gz + .tbi, one `--output-dir` batch; with --jobs 2 "
        "the CPU column leaves out the workers (a fork server starts them, and the tool's process "
        "does not wait for it)."
    ]


def startup_cases() -> tuple[list[Case], list[str]]:
    runs = _n(15, 5)
    cases = [
        Case("python -c 'import click'", [sys.executable, "-c", "import click"], runs),
        Case("--help", [*_tool(), "--help"], runs),
        Case("--version", [*_tool(), "--version"], runs),
    ]
    return cases, []


def other_cases(work: Path) -> tuple[list[Case], list[str]]:
    """Cases beside issue #11's targets: a GT:GQ:DP cohort, a wide window, an exome batch."""
    cohort = _bgzip(_cohort_file(work), index=True)
    wide_plain = work / "cohort_wide.vcf"
    _cohort(wide_plain, 200, 20_000, start=112_100_000)  # chr2:112.1-114.1 Mb, 1 per 100 bp
    wide = _bgzip(wide_plain, index=True)
    tool = [*_tool(), "annotate"]
    cases = [
        Case("cohort-indexed", [*tool, str(cohort), "--format", "tsv"], 3),
        Case("cohort-wide", [*tool, str(wide), "--format", "tsv"], 3),
    ]
    if not QUICK:
        exome = _exome_batch(work / "exome")
        cases.append(Case("exome-96", [*tool, *exome, "--format", "tsv"], 3, warm=False))
    return cases, []


# --- the targets of issue #11 ------------------------------------------------------------------


def _met(ok: bool | None) -> str:
    return "not run" if ok is None else "met" if ok else "**not met**"


def targets(results: dict[str, Runs]) -> list[tuple[str, str, str]]:
    """(target, measured, met) for every target of issue #11 that this run measured: ratios of
    wall-clock medians, as the issue defines them (the CPU ratio beside them is the steadier
    figure on a shared machine); start-up by CPU time."""
    rows: list[tuple[str, str, str]] = []

    def ratio(label: str, case: str, anchor: str, limit: float, cpu: bool = False) -> None:
        if case not in results or anchor not in results:
            return
        a, b = results[case], results[anchor]
        wall, by_cpu = a.wall / b.wall, a.cpu / b.cpu
        shown = f"{by_cpu:.2f}x (CPU)" if cpu else f"{wall:.2f}x (CPU {by_cpu:.2f}x)"
        rows.append((label, shown, _met((by_cpu if cpu else wall) <= limit)))

    def memory(label: str, case: str, limit_mb: float, strict: bool = False) -> None:
        if case in results:
            peak = results[case].peak
            ok = peak < limit_mb * MB if strict else peak <= limit_mb * MB
            rows.append((label, f"{peak:.0f} MiB", _met(ok)))

    dc, _ = decompress_anchor()
    ratio(
        "one-sample WGS .vcf.gz+tbi <= 2 x `bcftools view -r`",
        "wgs-indexed",
        "bcftools view -r (.vcf.gz)",
        2,
    )
    ratio(
        "one-sample WGS BCF+csi <= 2 x `bcftools view -r`", "wgs-bcf", "bcftools view -r (BCF)", 2
    )
    for kind in (".vcf.gz", "BCF"):  # what no code of ours can go below
        floor, anchor = f"python: pysam fetch ({kind})", f"bcftools view -r ({kind})"
        if floor in results and anchor in results:
            a, b = results[floor], results[anchor]
            shown = f"{a.wall / b.wall:.2f}x (CPU {a.cpu / b.cpu:.2f}x)"
            rows.append((f"(the floor) {floor} vs `bcftools view -r`", shown, "-"))
    ratio(
        "unindexed BGZF (--assume-sorted) <= 1.5 x indexed", "wgs-bisect-bgzf", "wgs-indexed", 1.5
    )
    ratio(
        "unindexed plain (--assume-sorted) <= 1.5 x indexed", "wgs-bisect-plain", "wgs-indexed", 1.5
    )
    ratio(f"unsorted (stream) <= 1.5 x `{dc}`", "wgs-stream", dc, 1.5)
    for n in ("1", "2"):  # what no stream of ours goes below
        floor = f"python: BGZF inflate + newline count, {n} thread(s)"
        if floor in results and dc in results:
            a, b = results[floor], results[dc]
            shown = f"{a.wall / b.wall:.2f}x (CPU {a.cpu / b.cpu:.2f}x)"
            rows.append((f"(the floor) {floor} vs `{dc}`", shown, "-"))
    memory("unsorted (stream): peak RSS < 300 MB", "wgs-stream", 300, strict=True)
    ratio(f"stdin <= 1.5 x `{dc}`", "wgs-stdin", dc, 1.5)
    memory("stdin: peak RSS < 300 MB", "wgs-stdin", 300, strict=True)
    for fmt in ("tsv", "json"):
        case = f"cohort-2500 {fmt}"
        ratio(
            f"2,500-sample cohort, {fmt.upper()} <= 4 x `bcftools view -r`",
            case,
            "cohort-2500 bcftools view -r",
            4,
        )
        if case in results and "cohort-2500 cyvcf2 gt_types loop" not in results:
            rows.append(
                (
                    f"2,500-sample cohort, {fmt.upper()} <= 1.5 x cyvcf2 loop",
                    "cyvcf2 not installed",
                    _met(None),
                )
            )
        ratio(
            f"2,500-sample cohort, {fmt.upper()} <= 1.5 x cyvcf2 loop",
            case,
            "cohort-2500 cyvcf2 gt_types loop",
            1.5,
        )
        memory(f"2,500-sample cohort, {fmt.upper()}: peak RSS <= 300 MB", case, 300)
    # What no code of ours goes below: reading the arrays; and writing the rows from them.
    floors = ("cohort-2500 python: cyvcf2 GT, DP, GQ arrays", f"cohort-2500 {ROWS_FLOOR}")
    for floor in floors:
        for anchor in ("cohort-2500 bcftools view -r", "cohort-2500 cyvcf2 gt_types loop"):
            if floor in results and anchor in results:
                a, b = results[floor], results[anchor]
                shown = f"{a.wall / b.wall:.2f}x (CPU {a.cpu / b.cpu:.2f}x)"
                rows.append((f"(the floor) {floor[12:]} vs {anchor[12:]}", shown, "-"))
    for fmt in ("tsv", "json"):
        big, small = f"cohort-100000 {fmt}", f"cohort-2500 {fmt}"
        memory(f"100,000-sample cohort, {fmt.upper()}: peak RSS <= 2 GB", big, 2000)
        if big in results and small in results:
            (n_big, r_big), (n_small, r_small) = COHORTS[1], COHORTS[0]
            per_big = results[big].cpu / (n_big * r_big) * 1e6
            per_small = results[small].cpu / (n_small * r_small) * 1e6
            per_sample = results[big].cpu / n_big * 1e3, results[small].cpu / n_small * 1e3
            rows.append(
                (
                    f"100,000-sample cohort, {fmt.upper()}: CPU per sample no worse than at 2,500 "
                    f"(per genotype: the windows have {r_big} and {r_small:,} records)",
                    f"{per_big:.2f} vs {per_small:.2f} us per genotype; "
                    f"{per_sample[0]:.2f} vs {per_sample[1]:.2f} ms per sample",
                    _met(per_big <= per_small),
                )
            )
    if "plate-jobs2" in results:
        rate = PLATE / results["plate-jobs2"].wall
        rows.append(
            (
                "1,000 small VCFs, `--jobs 2` >= 300 files/s",
                f"{rate:.0f} files/s",
                _met(rate >= 300),
            )
        )
    for flag in ("--help", "--version"):
        ratio(
            f"`{flag}` <= 1.3 x `python -c 'import click'` (CPU)",
            flag,
            "python -c 'import click'",
            1.3,
            cpu=True,
        )
    return rows


def _machine() -> str:
    cpu = next(
        (x.split(":", 1)[1].strip() for x in Path("/proc/cpuinfo").read_text().splitlines()
         if x.startswith("model name")),
        platform.processor() or "unknown CPU",
    )  # fmt: skip
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, pysam {pysam.__version__}"
    )


HEAD = (
    "| case | runs | min s | median s | CPU s (median) | peak RSS MiB |\n|---|---|---|---|---|---|"
)


def main(groups: list[str]) -> None:
    cache = Path(os.environ.get("IL1RN_BENCH_CACHE", Path.home() / ".cache" / "il1rn-annot-bench"))
    work = Path(tempfile.mkdtemp(prefix="il1rn-bench-"))
    every = groups == list(GROUPS)
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    env = bytecode_env(work)
    results: dict[str, Runs] = {}
    rows: list[str] = []
    notes: list[str] = []
    try:
        head = HEAD
        print(("quick run (BENCH_QUICK): " if QUICK else "") + how_measured())
        print(head)
        for group in groups:
            if group == "wgs":
                cases, more = wgs_cases(cache)
            elif group == "cohort":
                cases, more = cohort_cases(work)
            elif group == "batch":
                cases, more = batch_cases(work)
            elif group == "startup":
                cases, more = startup_cases()
            else:
                cases, more = other_cases(work)
            notes += more
            rows += run_cases(cases, env, results)
        sizes = [
            f"{p.stem} {p.suffix[1:].upper()} {p.stat().st_size / 2**20:.0f} MiB"
            for p in sorted(work.glob("cohort-*.*"))
        ]
        if sizes:
            notes.append("Reports: " + ", ".join(sizes) + ".")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    goals = targets(results)
    table = ["| target (issue #11) | measured | |", "|---|---|---|"]
    table += [f"| {_cell(t)} | {_cell(m)} | {ok} |" for t, m, ok in goals]
    print("\n" + "\n".join(table))
    load = (
        f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end "
        f"({os.cpu_count()} cores)"
    )
    print(f"\n{load}")
    how = how_measured()
    block = [
        f"- Machine: {_machine()}; {load}.",
        f"- {how[0].upper()}{how[1:]}; wall-clock ratios of medians, as issue #11 defines its "
        "targets, with the CPU ratio beside them.",
        *(f"- {note}" for note in notes),
        "",
        head,
        *rows,
        "",
        *table,
    ]
    if every and not QUICK:
        results_md = Path(__file__).with_name("results.md")
        _write_table(results_md, "\n".join(block), started)
        print(f"written to {results_md}")
    else:
        print("(a partial or quick run: benchmarks/results.md is left as it was)")


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|")


#: The part of results.md that each run replaces (the rest is written by hand).
TABLE_START, TABLE_END = "<!-- make bench: from here -->", "<!-- make bench: to here -->"


def _write_table(results: Path, table: str, when: str) -> None:
    """Put this run's table between the markers of ``results.md`` (at its end if none)."""
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    title = f"## The latest `make bench` table\n\n{when}, one run."
    part = f"{TABLE_START}\n{title}\n\n{table}\n{TABLE_END}"
    results.write_text(between(text, TABLE_START, TABLE_END, part))


def between(text: str, start: str, end: str, part: str) -> str:
    """``text`` with what lies from marker ``start`` to ``end`` replaced by ``part`` (which
    carries the markers), or ``part`` added at its end when the markers are not there."""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        return head + part + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + part + "\n"


#: Control targets of the benchmark kit: more than the 500 the tool reads, so that the cap acts.
EXOME_CONTROLS = 800


def _exome_batch(directory: Path) -> list[str]:
    """A 96-sample exome batch from examples/make_exome_example.py: the annotate arguments.
    Every sample is simulated on its own (copies of one file would be each other's most
    correlated reference)."""
    import importlib.util

    script = Path(__file__).parent.parent / "examples" / "make_exome_example.py"
    spec = importlib.util.spec_from_file_location("make_exome", script)
    sim = importlib.util.module_from_spec(spec)
    sys.modules["make_exome"] = sim
    spec.loader.exec_module(sim)
    kit = sim.synthetic_kit(controls=EXOME_CONTROLS)
    kit.write_bed(directory.with_suffix(".bed"))
    samples = [
        sim.Sample("HOM", (sim.founder(2),)),
        sim.Sample("HET1", (sim.founder(1),)),
        sim.Sample("HET2", (sim.founder(1, 2_000, 12_000),)),
        sim.Sample("DIRA11", (sim.dira11(2),)),
    ]
    samples += [sim.Sample(f"N{k:02d}") for k in range(96 - len(samples))]
    paths = sim.write_batch(sim.Batch(kit, samples, base_depth=50.0, read_len=150), directory)
    manifest = directory / "bams.tsv"
    manifest.write_text("".join(f"{name}\t{path}\n" for name, path in paths.items()))
    vcf = sim.write_vcf(directory / "exome.vcf.gz", list(paths))
    bed = str(directory.with_suffix(".bed"))
    return [str(vcf), "--targets", bed, "--bam-manifest", str(manifest)]


def _cohort_file(work: Path) -> Path:
    path = work / "cohort.vcf"
    _cohort(path, 2_000, 400)
    return path


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    asked = sys.argv[1:] or list(GROUPS)
    unknown = [g for g in asked if g not in GROUPS]
    if unknown:
        raise SystemExit(f"unknown group {unknown[0]!r}: choose from {', '.join(GROUPS)}")
    main([g for g in GROUPS if g in asked])
