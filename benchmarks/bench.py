"""Speed and memory of one `il1rn-annot annotate` process, on generated inputs.

Run with `make bench`. Each case is a fresh process (as a pipeline calls the tool), timed with
the wall clock and measured for peak RSS (os.wait4). The whole genome is generated once,
deterministically, into a cache directory ($IL1RN_BENCH_CACHE, else ~/.cache/il1rn-annot-bench;
never committed); the cohorts into a temporary directory:
    startup          `il1rn-annot --version`: import and CLI start-up
    wgs-indexed      one sample, 4.8 M records over chr1-22, X, Y (GRCh38 lengths), .vcf.gz+.tbi
    wgs-bisect-bgzf  the same .vcf.gz without its index, --assume-sorted: found by bisection
    wgs-bisect-plain the same as plain .vcf, --assume-sorted
    wgs-stream       the .vcf.gz without index and without the flag: read to the end (CHROM/POS
                     only outside chr2, for sortedness and chr2 under any name)
    wgs-stdin        the plain .vcf through `-`
    anchors          `bcftools view -r` of the window (indexed file); `gzip -dc | wc -l` of the
                     .vcf.gz (bgzip is not installed here; both decompress one thread)
    cohort-indexed   2,000 samples x 400 records in the window (95% 0/0, 4% 0/1, 1% ./.;
                     GQ 5-99, DP 4-60), .vcf.gz + .tbi, TSV report
    cohort-wide      200 samples x 20,000 records over chr2:112.1-114.1 Mb (the window, the
                     founder-deletion context and the breakend look-around all have records)
    exome-96         --targets with 96 simulated exome BAMs (--bam-manifest; 4 with a deletion):
                     a synthetic kit of 828 targets (IL1RN, the founder-deletion locus and 800
                     controls on chr2), reads on every target, 50x, 150-bp reads; the tool reads
                     the locus and the 500 nearest controls only, through each BAM's index
    plate-jobs1      1,000 small single-sample VCFs (.vcf.gz + .tbi), one --output-dir batch
    plate-jobs2      the same with --jobs 2 (issue #11 target: >= 300 files/s on 2 cores)
    plate-resume     the same rerun: every report finished, all skipped
Then start-up against `python -c 'import click'` (target: --help and --version <= 1.3x). Min
and median of several runs, the ratios of issue 11's targets, and the machine are printed and
written into benchmarks/results.md (between its markers); nothing is asserted (speed is
measured here, never in tests).

Cohort windows (``cohort_main``; `python benchmarks/bench.py cohort` runs only these): the
generated GATK-like cohorts of ``cohort_data.py`` (cached), 2,500 samples x 1,500 records and
100,000 samples x 150 records (the largest 100k-sample window this 2-core, shared machine
generates and reads in minutes), as TSV and JSON reports, against three anchors on the same
file: `bcftools view -r` of the window, `bcftools query -f '[%GT]'`, and a bare cyvcf2 loop
over ``gt_types`` (when cyvcf2 is installed). Each line: wall and CPU seconds (user + system:
the fairer figure on a loaded machine), peak RSS, and CPU microseconds per sample.
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
from pathlib import Path

import pysam

TOOL = [sys.executable, "-m", "il1rn_annot"]
#: As users start it (no runpy): for the start-up ratios.
SCRIPT = Path(sys.executable).parent / "il1rn-annot"
PLATE = 1000
HEADER = (
    "##fileformat=VCFv4.2\n"
    "##contig=<ID=chr1,length=248956422>\n##contig=<ID=chr2,length=242193529>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
)


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


def _plate_cases(work: Path) -> None:
    plate = work / "plate"
    _plate(plate, PLATE)
    print(f"\nplate: {PLATE} single-sample .vcf.gz + .tbi")
    print(f"{'case':16} {'wall s':>20} {'files/s':>14}")
    for name, jobs, fresh in (
        ("plate-jobs1", 1, True),
        ("plate-jobs2", 2, True),
        ("plate-resume", 2, False),
    ):
        out = work / f"reports-{jobs}"
        if fresh:
            shutil.rmtree(out, ignore_errors=True)
        args = [*TOOL, "annotate", str(plate), "--output-dir", str(out), "--jobs", str(jobs)]
        wall, _ = _measure([*args, "--quiet"])
        print(f"{name:16} {wall:20.2f} {PLATE / wall:14.0f}")


def _startup_cases(work: Path) -> None:
    """CPU time (user + sys; steadier than the wall clock on a shared machine), median of 15,
    with bytecode cached as an installed package has it (PYTHONDONTWRITEBYTECODE would make
    every run compile il1rn_annot from source, while click's .pyc came with its wheel)."""
    tool = [str(SCRIPT)] if SCRIPT.exists() else TOOL
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cases = {
        "import click": [sys.executable, "-c", "import click"],
        "--help": [*tool, "--help"],
        "--version": [*tool, "--version"],
    }
    for args in cases.values():  # warm: the bytecode cache and the page cache
        subprocess.run(args, stdout=subprocess.DEVNULL, env=env, check=True)
    spent: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(15):
        for name, args in cases.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(args, stdout=subprocess.DEVNULL, env=env, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            spent[name].append(cpu)
    median = {name: sorted(times)[len(times) // 2] for name, times in spent.items()}
    print(f"\n{'start-up':16} {'CPU ms (median)':>20} {'x import click':>14}")
    for name, seconds in median.items():
        print(f"{name:16} {seconds * 1000:20.0f} {seconds / median['import click']:14.2f}")


def _measure_cpu(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child, by
    /usr/bin/time -v when it is there, else by getrusage."""
    if os.path.exists("/usr/bin/time"):
        start = time.perf_counter()
        out = subprocess.run(
            ["/usr/bin/time", "-v", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wall = time.perf_counter() - start
        text = out.stderr.decode(errors="replace")
        if out.returncode:
            raise RuntimeError(f"{args[:4]} failed: {text[-500:]}")

        def value(label: str) -> float:
            found = re.search(re.escape(label) + r": ([0-9.]+)", text)
            return float(found.group(1)) if found else float("nan")

        cpu = value("User time (seconds)") + value("System time (seconds)")
        return wall, cpu, value("Maximum resident set size (kbytes)") / 1024
    wall, rss = _measure(args)
    return wall, float("nan"), rss


def _measure(args: list[str], stdin: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process (its own rusage, from wait4)."""
    with open(stdin or os.devnull, "rb") as source:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdin=source, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"benchmark case failed (exit {child.returncode}): {' '.join(args)}")
    return wall, usage.ru_maxrss / 1024


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


def main() -> None:
    cache = Path(os.environ.get("IL1RN_BENCH_CACHE", Path.home() / ".cache" / "il1rn-annot-bench"))
    work = Path(tempfile.mkdtemp(prefix="il1rn-bench-"))
    try:
        made = time.perf_counter()
        wgs = _wgs(cache)
        print(f"whole genome in {wgs} ({time.perf_counter() - made:.0f} s to make or find)")
        indexed, bgzf, plain = (
            wgs / "indexed" / "genome.vcf.gz",
            wgs / "genome.vcf.gz",
            wgs / "genome.vcf",
        )
        cohort = _bgzip(_cohort_file(work), index=True)
        wide_plain = work / "cohort_wide.vcf"
        _cohort(wide_plain, 200, 20_000, start=112_100_000)  # chr2:112.1-114.1 Mb, 1 per 100 bp
        wide = _bgzip(wide_plain, index=True)
        exome = _exome_batch(work / "exome")
        window = "chr2:113094315-113139016"
        sorted_ = "--assume-sorted"
        cases = [
            ("startup", [*TOOL, "--version"], None, 5),
            ("wgs-indexed", [*TOOL, "annotate", str(indexed)], None, 5),
            ("wgs-bisect-bgzf", [*TOOL, "annotate", sorted_, str(bgzf)], None, 5),
            ("wgs-bisect-plain", [*TOOL, "annotate", sorted_, str(plain)], None, 5),
            ("wgs-stream", [*TOOL, "annotate", str(bgzf)], None, 3),
            ("wgs-stdin", [*TOOL, "annotate", "-", "--build", "GRCh38"], plain, 3),
            ("bcftools view -r", ["bcftools", "view", "-r", window, str(indexed)], None, 5),
            ("gzip -dc | wc -l", ["bash", "-c", f"gzip -dc '{bgzf}' | wc -l"], None, 3),
            ("cohort-indexed", [*TOOL, "annotate", str(cohort), "--format", "tsv"], None, 3),
            ("cohort-wide", [*TOOL, "annotate", str(wide), "--format", "tsv"], None, 3),
            ("exome-96", [*TOOL, "annotate", *exome, "--format", "tsv"], None, 3),
        ]
        size = plain.stat().st_size / 2**20
        lines = [
            f"Machine: {_machine()}.",
            f"Whole genome: {WGS_RECORDS / 1e6:.1f} M records, {size:.0f} MiB as text, "
            f"{bgzf.stat().st_size / 2**20:.0f} MiB bgzipped.",
            "",
            "| case | runs | min s | median s | peak RSS MiB |",
            "|---|---|---|---|---|",
        ]
        print("\n".join(lines))
        median: dict[str, float] = {}
        for name, args, stdin, n in cases:
            runs = [_measure(args, stdin) for _ in range(n)]
            walls = [r[0] for r in runs]
            median[name] = statistics.median(walls)
            rss = max(r[1] for r in runs)
            cell = name.replace("|", "\\|")  # a Markdown table cell
            lines.append(f"| {cell} | {n} | {min(walls):.3f} | {median[name]:.3f} | {rss:.0f} |")
            print(lines[-1])
        lines += ["", "| target (issue 11), ratio of medians | ratio |", "|---|---|"]
        for label, a, b in (
            ("indexed .vcf.gz <= 2 x bcftools view -r", "wgs-indexed", "bcftools view -r"),
            ("unindexed BGZF <= 1.5 x indexed", "wgs-bisect-bgzf", "wgs-indexed"),
            ("unindexed plain <= 1.5 x indexed", "wgs-bisect-plain", "wgs-indexed"),
            ("unsorted (stream) <= 1.5 x gzip -dc | wc -l", "wgs-stream", "gzip -dc | wc -l"),
            ("stdin <= 1.5 x gzip -dc | wc -l", "wgs-stdin", "gzip -dc | wc -l"),
        ):
            lines.append(f"| {label.replace('|', chr(92) + '|')} | {median[a] / median[b]:.2f} |")
            print(lines[-1])
        results = Path(__file__).with_name("results.md")
        _write_table(results, "\n".join(lines))
        print(f"written to {results}")
        _plate_cases(work)
        _startup_cases(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: The part of results.md that each run replaces (the rest is written by hand).
TABLE_START, TABLE_END = "<!-- make bench: from here -->", "<!-- make bench: to here -->"


def _write_table(results: Path, table: str) -> None:
    """Put this run's table between the markers of ``results.md`` (at its end if none)."""
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    title = f"## The latest `make bench` table\n\n{when}, one run."
    part = f"{TABLE_START}\n{title}\n\n{table}\n{TABLE_END}"
    if TABLE_START in text and TABLE_END in text:
        head, rest = text.split(TABLE_START, 1)
        text = head + part + rest.split(TABLE_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + part + "\n"
    results.write_text(text)


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


# --- cohort windows (issue #11) ----------------------------------------------------------------

#: (samples, records) of the cohort windows.
COHORTS = ((2_500, 1_500), (100_000, 150))
#: The GRCh38 IL1RN window as il1rn-annot reads it (genome.il1rn_window).
WINDOW = "chr2:113122000-113140000"

_CYVCF2_LOOP = """
import sys, numpy
from cyvcf2 import VCF
counts = None
for v in VCF(sys.argv[1])(sys.argv[2]):
    gt = v.gt_types
    counts = (gt != 0) if counts is None else counts + (gt != 0)
print(int(counts.sum()) if counts is not None else 0)
"""


def cohort_cases(path: Path, out: Path) -> list[tuple[str, list[str]]]:
    tool = [*TOOL, "annotate", str(path)]
    cases = [
        ("il1rn-annot tsv", [*tool, "--format", "tsv", "-o", str(out / "c.tsv")]),
        ("il1rn-annot json", [*tool, "--format", "json", "-o", str(out / "c.json")]),
        ("bcftools view -r", ["bcftools", "view", "-r", WINDOW, "-o", "/dev/null", str(path)]),
        ("bcftools query GT", ["bcftools", "query", "-r", WINDOW, "-f", "[%GT]\\n", str(path)]),
    ]
    try:
        import cyvcf2  # noqa: F401
    except ImportError:
        print("cyvcf2 is not installed: no cyvcf2 anchor (pip install cyvcf2)")
    else:
        cases.append(
            ("cyvcf2 gt_types loop", [sys.executable, "-c", _CYVCF2_LOOP, str(path), WINDOW])
        )
    return cases


def cohort_main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from cohort_data import cohort

    work = Path(tempfile.mkdtemp(prefix="il1rn-bench-cohort-"))
    try:
        print(f"{'cohort case':34} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8} {'CPU us/sample':>14}")
        for n_samples, n_records in COHORTS:
            path = cohort(n_samples, n_records)
            for name, args in cohort_cases(path, work):
                wall, cpu, rss = _measure_cpu(args)
                label = f"{n_samples}x{n_records} {name}"
                per = cpu / n_samples * 1e6
                print(f"{label:34} {wall:8.2f} {cpu:8.2f} {rss:8.0f} {per:14.0f}")
            size = {p.suffix: p.stat().st_size for p in work.glob("c.*")}
            tsv, json = (size[k] / 2**20 for k in (".tsv", ".json"))
            print(f"  reports: TSV {tsv:.0f} MiB, JSON {json:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.argv[1:] == ["cohort"]:
        cohort_main()
    else:
        main()
        cohort_main()
