"""Write the bundled example: a small multi-sample GRCh38 VCF with one sample per clinical case.

The genotypes are invented for the demo; the alleles are catalog rows (data/). Run:
    python examples/make_example.py examples
to rewrite examples/dira_example.vcf, its bgzipped copy and the .tbi index.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pysam

SAMPLES = ("AFFECTED_HOM", "COMPOUND_HET", "CARRIER", "BENIGN_ONLY", "NO_CALL")

# POS REF ALT ID, then GT:GQ:DP per sample in SAMPLES order.
RECORDS = (
    ("113110686", "C", "T", "CTRL05_rs315928", ("0/0:60:35", "0/1:55:31", "0/0:60:33", "0/1:58:30", "0/0:61:36")),
    ("113129613", "AAC", "A", "DIRA03_c.156_157del", ("0/0:60:35", "0/1:52:29", "0/0:60:33", "0/0:60:34", "0/0:60:30")),
    ("113129619", "C", "T", "DIRA02_c.160C>T", ("0/0:60:35", "0/0:60:30", "0/1:50:28", "0/0:60:34", "0/0:60:30")),
    ("113131068", "G", "T", "DIRA01_c.229G>T", ("1/1:66:40", "0/1:57:33", "0/0:60:33", "0/0:60:34", "./.:.:.")),
    ("113131216", "A", "T", "CTRL08_rs454078", ("0/0:60:35", "0/0:60:30", "0/0:60:33", "0/1:49:27", "0/0:60:30")),
)  # fmt: skip

HEADER = """\
##fileformat=VCFv4.2
##source=il1rn-annot examples/make_example.py (synthetic genotypes for the demo)
##reference=GRCh38
##contig=<ID=chr2,length=242193529,assembly=GRCh38>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
"""


def example_text() -> str:
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES]
    lines = [HEADER + "\t".join(columns)]
    for pos, ref, alt, name, calls in RECORDS:
        lines.append(
            "\t".join(["chr2", pos, name, ref, alt, "50", "PASS", ".", "GT:GQ:DP", *calls])
        )
    return "\n".join(lines) + "\n"


def main(directory: str) -> None:
    out = Path(directory)
    vcf = out / "dira_example.vcf"
    vcf.write_text(example_text())
    gz = out / "dira_example.vcf.gz"
    pysam.tabix_compress(str(vcf), str(gz), force=True)
    pysam.tabix_index(str(gz), preset="vcf", force=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent))
