"""`make bench-hail`: the Hail path (Spark local mode) against the CLI on the same cohort file.

The cohort is ``cohort_data.py``'s (cached; GATK-like FORMAT, a few carriers of catalog
alleles). Three runs, each a child process measured by ``bench.measure``: the CLI on the
indexed .vcf.gz, ``il1rn-annot hail`` on the same .vcf.gz (hl.import_vcf), and on a
MatrixTable written from it beforehand (how a biobank keeps its data). Each writes the TSV; the
calls must be the same (the input column aside). The table replaces the "Hail" section of
``benchmarks/results.md``.

    python benchmarks/bench_hail.py [SAMPLES] [RECORDS] [MASTER]   # default 20000 150 local[2]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import _machine, between, measure
from cohort_data import cohort

BIN = Path(sys.executable).parent
TOOL = [str(BIN / "il1rn-annot"), "--quiet"]
START, END = "<!-- make bench-hail: from here -->", "<!-- make bench-hail: to here -->"


def _matrix_table(vcf: Path, out: Path, master: str) -> None:
    """The cohort as a MatrixTable (not timed: a biobank has it already)."""
    code = (
        "import sys, hail as hl\n"
        "hl.init(master=sys.argv[3], quiet=True, tmp_dir=sys.argv[4],"
        " log=sys.argv[4] + '/hail.log')\n"
        "hl.import_vcf(sys.argv[1], reference_genome='GRCh38', force_bgz=True)"
        ".write(sys.argv[2], overwrite=True)\n"
    )
    env = {**os.environ, "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")}
    subprocess.run(
        [sys.executable, "-c", code, str(vcf), str(out), master, str(out.parent)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _calls(tsv: Path) -> list[list[str]]:
    return [line.split("\t")[1:] for line in tsv.read_text().splitlines()]


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    records = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    master = sys.argv[3] if len(sys.argv) > 3 else "local[2]"
    made = time.perf_counter()
    vcf = cohort(samples, records)
    print(f"cohort {samples} samples x {records} records: {vcf} "
          f"({time.perf_counter() - made:.0f} s to make or find)")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="il1rn-bench-hail-"))
    mt = work / "cohort.mt"
    _matrix_table(vcf, mt, master)
    hail = [*TOOL, "hail", "--master", master, "--tmp-dir", str(work)]
    cases = [
        ("CLI annotate (.vcf.gz + .tbi)", [*TOOL, "annotate", str(vcf), "-o", str(work / "a.tsv")]),
        ("hail, VCF (import_vcf)", [*hail, str(vcf), "-o", str(work / "vcf.tsv")]),
        ("hail, MatrixTable", [*hail, str(mt), "-o", str(work / "mt.tsv")]),
    ]  # fmt: skip
    rows = []
    for name, args in cases:
        wall, cpu, rss = measure(args, dict(os.environ))
        rows.append(f"| {name} | {wall:.1f} | {cpu:.1f} | {rss:.0f} |")
        print(rows[-1], flush=True)
    cli = _calls(work / "a.tsv")
    same = cli == _calls(work / "vcf.tsv") == _calls(work / "mt.tsv")
    print(f"same calls, sample by sample: {'yes' if same else 'NO'}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    table = "\n".join(
        [
            START,
            "## Hail",
            "",
            f"{when}, `make bench-hail`, one run of each, Spark master {master}.",
            f"Machine: {_machine()}.",
            f"Cohort: {samples:,} samples x {records} records (`cohort_data.py`), "
            f"{vcf.stat().st_size / 2**20:.0f} MiB bgzipped. Same calls from all three: "
            f"{'yes' if same else 'NO'}.",
            "",
            "| run | wall s | CPU s | peak RSS MiB |",
            "|---|---|---|---|",
            *rows,
            "",
            "CPU and RSS are those `bench.measure` sees: the Python process and the children "
            "it waited for. The Spark JVM (a child Hail starts) is included in RSS as the largest "
            "child when it was waited for; its CPU may not be.",
            END,
        ]
    )
    results = Path(__file__).parent / "results.md"
    results.write_text(between(results.read_text(), START, END, table))
    subprocess.run(["rm", "-rf", str(work)], check=False)
    if not same:
        raise SystemExit("the Hail calls differ from the CLI's")


if __name__ == "__main__":
    main()
