"""A SYNTHETIC chr2 reference for --fasta tests. It is not IL1RN's real sequence.

No package ships IL1RN's genomic sequence, so this FASTA is made up: N up to 113,120,000, then
random bases (seeded) to 113,140,000, with every reference base the catalog knows (its REF and
context columns) written at its GRCh38 position. The bases the catalog leaves open (N) are set
to fixed choices below so that tests can build records around them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pysam

from il1rn_annot.catalog import load_catalog

SLICE_START = 113_120_000  # 1-based first real base
SLICE_END = 113_140_000
#: Choices for bases the evidence leaves open: synthetic, stated here so tests can rely on them.
OPEN_BASES = {
    113129600: "C",  # DIRA05 c.141 (Thr47 wobble): C makes the CC run of the c.141del name
    113131049: "G",  # DIRA06 c.210 pad
    113132730: "C",  # DIRA07 c.393: C gives the CCCC run of reading A
    113132725: "A",  # DIRA07B c.388
    113127701: "G",  # c.77 (Arg26 CGN, fixed by the protein once c.76 is C)
    113127702: "A",  # c.78: A makes c.76C>T a stop (R26X); the real base is unverified
}


def synthetic_sequence() -> dict[int, str]:
    rng = random.Random(20261122)
    bases = {p: rng.choice("ACGT") for p in range(SLICE_START, SLICE_END + 1)}
    for p, base in load_catalog().known_bases("GRCh38").items():
        bases[p] = base
    for entry in load_catalog().matchable():
        for p, base in entry.locus("GRCh38").known_bases().items():
            bases[p] = base  # low-confidence rows too (DIRA07, DIRA10)
    bases.update(OPEN_BASES)
    return bases


def write_fasta(directory: Path, contig: str = "chr2") -> Path:
    """Write the synthetic reference as bgzipped FASTA + .fai/.gzi; returns its path."""
    bases = synthetic_sequence()
    plain = directory / "synthetic_chr2.fa"
    with plain.open("w") as fh:
        fh.write(f">{contig} SYNTHETIC test sequence, not GRCh38\n")
        line = "N" * 100 + "\n"
        full, rest = divmod(SLICE_START - 1, 100)
        fh.write(line * full)
        seq = "N" * rest + "".join(bases[p] for p in range(SLICE_START, SLICE_END + 1))
        for i in range(0, len(seq), 100):
            fh.write(seq[i : i + 100] + "\n")
    gz = directory / "synthetic_chr2.fa.gz"
    pysam.tabix_compress(str(plain), str(gz), force=True)
    plain.unlink()
    pysam.faidx(str(gz))
    return gz
