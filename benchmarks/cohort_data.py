"""A generated joint-called cohort over the IL1RN window, for `make bench` and profiling.

Deterministic (seeded) and cached: the file is written once per (samples, records) under
``$IL1RN_BENCH_CACHE`` (default ``~/.cache/il1rn-annot-bench``) and never committed. Like a GATK
joint call set: FORMAT GT:AD:DP:GQ:PL; mostly 0/0 with varying DP/GQ (some under the
thresholds), common SNVs with 0/1 and 1/1, ``./.`` no-calls, a few carriers of catalog alleles
(E77X, Q54X, the Newfoundland 2-bp deletion), a multi-allelic record and an indel. Catalog
positions carry the catalog's REF; every other REF is the catalog's known base where it has
one, so the build is GRCh38 by the header and the bases agree.

    python benchmarks/cohort_data.py 2500 1500   # prints the path of the .vcf.gz (+ .tbi)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HEADER = (
    "##fileformat=VCFv4.2\n"
    "##contig=<ID=chr2,length=242193529>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">\n'
)
WINDOW = (113_122_000, 113_140_000)  # inside the GRCh38 IL1RN window (gene +- 5 kb)
#: Catalog alleles (GRCh38) the cohort carries: position, REF, ALT.
CATALOG = ((113_129_613, "AAC", "A"), (113_129_619, "C", "T"), (113_131_068, "G", "T"))


def cache_dir() -> Path:
    return Path(os.environ.get("IL1RN_BENCH_CACHE", Path.home() / ".cache/il1rn-annot-bench"))


def cohort(n_samples: int, n_records: int) -> Path:
    """The cached cohort file (bgzipped, with .tbi), written when missing."""
    path = cache_dir() / f"cohort_{n_samples}x{n_records}.vcf.gz"
    if not (path.exists() and Path(str(path) + ".tbi").exists()):
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, n_samples, n_records)
    return path


def _pools(rng: np.random.Generator, n_alts: int) -> dict[str, list[str]]:
    """A few hundred cells per genotype class to draw from (cheap, and still varied)."""
    out: dict[str, list[str]] = {"ref": [], "het": [], "hom": [], "nocall": [], "het2": []}
    n_pl = (n_alts + 1) * (n_alts + 2) // 2  # Number=G
    for _ in range(400):
        dp = int(rng.integers(4, 61))
        gq = int(rng.integers(5, 100)) if dp < 12 else int(rng.integers(20, 100))
        zeros = ",0" * n_alts
        high = ",".join(str(int(x)) for x in sorted(rng.integers(gq, 2000, n_pl - 1)))
        a = dp // 2
        out["ref"].append(f"0/0:{dp}{zeros}:{dp}:{gq}:0,{high}")
        out["het"].append(f"0/1:{dp - a},{a}{',0' * (n_alts - 1)}:{dp}:{gq}:{high},0")
        out["hom"].append(f"1/1:0,{dp}{',0' * (n_alts - 1)}:{dp}:{gq}:{high},0")
        out["nocall"].append("./.:0" + zeros + ":0:.:" + ",".join(["0"] * n_pl))
        if n_alts > 1:
            out["het2"].append(f"1/2:0,{dp - a},{a}:{dp}:{gq}:{high},0")
    return out


def _known_bases() -> dict[int, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from il1rn_annot.catalog import load_catalog

    return dict(load_catalog().known_bases("GRCh38"))


def _write(path: Path, n_samples: int, n_records: int) -> None:
    rng = np.random.default_rng(11)
    known = _known_bases()
    catalog = {pos: (ref, alt) for pos, ref, alt in CATALOG}
    step = (WINDOW[1] - WINDOW[0]) // n_records
    positions = sorted(
        {WINDOW[0] + i * step for i in range(n_records - len(CATALOG))} | set(catalog)
    )
    names = "\t".join(f"S{i:06d}" for i in range(n_samples))
    plain = path.with_suffix("")  # .vcf
    pools = {n: {k: np.array(v, dtype=object) for k, v in _pools(rng, n).items()} for n in (1, 2)}
    with plain.open("w") as fh:
        fh.write(HEADER + f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{names}\n")
        for i, pos in enumerate(positions):
            if pos in catalog:
                ref, alt = catalog[pos]
                freqs = (0.004, 0.0004, 0.01)  # het, hom, no-call: rare alleles
            else:
                ref = known.get(pos) or "ACGT"[int(rng.integers(4))]
                alt = "ACGT".replace(ref, "")[int(rng.integers(3))]
                common = i % 10 == 0  # one record in ten is a common SNV
                freqs = (0.3, 0.08, 0.02) if common else (0.01, 0.0005, 0.02)
                if i % 250 == 7:  # an indel now and then, a multi-allelic record
                    alt = ref + "T"
                if i % 500 == 13:
                    alt = alt + "," + "ACGT".replace(ref, "").replace(alt, "")[0]
            n_alts = alt.count(",") + 1
            pool = pools[n_alts]
            roll = rng.random(n_samples)
            cls = np.full(n_samples, "ref", dtype=object)
            het, hom, nocall = freqs
            cls[roll < het + hom + nocall] = "nocall"
            cls[roll < het + hom] = "hom"
            cls[roll < het] = "het" if n_alts == 1 else "het2"
            picks = rng.integers(0, 400, n_samples)
            cells = np.empty(n_samples, dtype=object)
            for name in ("ref", "het", "hom", "nocall", "het2"):
                where = cls == name
                if where.any():
                    cells[where] = pool[name][picks[where]]
            fh.write(f"chr2\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD:DP:GQ:PL\t")
            fh.write("\t".join(cells.tolist()))
            fh.write("\n")
    subprocess.run(
        ["bcftools", "view", "--threads", "2", "-Oz", "-o", str(path), str(plain)], check=True
    )
    subprocess.run(["bcftools", "index", "-t", str(path)], check=True)
    plain.unlink()


if __name__ == "__main__":
    print(cohort(int(sys.argv[1]), int(sys.argv[2])))
