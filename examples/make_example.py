"""Write the bundled examples: one sample per clinical case, synthetic genotypes, catalog alleles.

    python examples/make_example.py examples

rewrites, each bgzipped with a .tbi index:
    dira_example.vcf.gz       small variants: homozygote, compound heterozygote, carrier,
                              a benign intronic SNP only, a no-call at a catalog site, a
                              homozygous novel frameshift, a heterozygous novel missense change
    dira_sv_example.vcf.gz    SV/CNV calls: homozygous founder deletion, heterozygous founder
                              deletion with E77X on the other allele, an upstream loss that spares
                              the coding exons, a novel deletion of exon 3
    dira_gvcf_hole.g.vcf.gz   a gVCF whose reference blocks leave c.229 uncovered
    dira_gvcf_complete.g.vcf.gz  a gVCF that proves every catalog site reference
"""

from __future__ import annotations

import sys
from pathlib import Path

import pysam

FORMATS = """\
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
"""
HEADER = f"""\
##fileformat=VCFv4.2
##source=il1rn-annot examples/make_example.py (synthetic genotypes for the demo)
##reference=GRCh38
##contig=<ID=chr2,length=242193529,assembly=GRCh38>
{FORMATS}"""
SV_HEADER = """\
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">
##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">
##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Length of the SV">
##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">
##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">
##ALT=<ID=DEL,Description="Deletion">
"""
GVCF_HEADER = """\
##GVCFBlock0-20=minGQ=0(inclusive),maxGQ=20(exclusive)
##ALT=<ID=NON_REF,Description="Represents any possible alternative allele at this location">
##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">
##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the block">
"""

SAMPLES = ("AFFECTED_HOM", "COMPOUND_HET", "CARRIER", "BENIGN_ONLY", "NO_CALL", "NOVEL_FS_HOM", "NOVEL_MISSENSE_HET")  # fmt: skip
# POS REF ALT ID, then GT:GQ:DP per sample in SAMPLES order. The two novel alleles are made up
# for the demo (not published): a 1-bp deletion and a substitution in the Trp144 codon, whose
# bases (TGG, c.430-432) the protein P18510 fixes.
RECORDS = (
    ("113110686", "C", "T", "CTRL05_rs315928", ("0/0:60:35", "0/1:55:31", "0/0:60:33", "0/1:58:30", "0/0:61:36", "0/0:60:30", "0/0:60:30")),
    ("113129613", "AAC", "A", "DIRA03_c.156_157del", ("0/0:60:35", "0/1:52:29", "0/0:60:33", "0/0:60:34", "0/0:60:30", "0/0:60:30", "0/0:60:30")),
    ("113129619", "C", "T", "DIRA02_c.160C>T", ("0/0:60:35", "0/0:60:30", "0/1:50:28", "0/0:60:34", "0/0:60:30", "0/0:60:30", "0/0:60:30")),
    ("113131068", "G", "T", "DIRA01_c.229G>T", ("1/1:66:40", "0/1:57:33", "0/0:60:33", "0/0:60:34", "./.:.:.", "0/0:60:30", "0/0:60:30")),
    ("113131216", "A", "T", "CTRL08_rs454078", ("0/0:60:35", "0/0:60:30", "0/0:60:33", "0/1:49:27", "0/0:60:30", "0/0:60:30", "0/0:60:30")),
    ("113132767", "TG", "T", "novel_c.432del", ("0/0:60:35", "0/0:60:30", "0/0:60:33", "0/0:60:34", "0/0:60:30", "1/1:62:38", "0/0:60:30")),
    ("113132769", "G", "T", "novel_c.432G>T", ("0/0:60:35", "0/0:60:30", "0/0:60:33", "0/0:60:34", "0/0:60:30", "0/0:60:30", "0/1:55:31")),
)  # fmt: skip

SV_SAMPLES = ("FOUNDER_HOM", "FOUNDER_HET_E77X", "UPSTREAM_LOSS", "NOVEL_EXON3_DEL")
# POS REF ALT ID INFO, then GT:GQ:DP per sample. The founder deletion is written as Delly would,
# with breakpoint uncertainty; the upstream loss is ClinVar nsv532471 (CTRL11), not DIRA.
SV_RECORDS = (
    ("112924871", "N", "<DEL>", "nsv532471_like", "SVTYPE=DEL;END=113105404;SVLEN=-180533", ("0/0:60:30", "0/0:60:30", "1/1:60:30", "0/0:60:30")),
    ("112960000", "N", "<DEL>", "founder_175kb", "SVTYPE=DEL;END=113140000;SVLEN=-180000;CIPOS=-50,50;CIEND=-50,50", ("1/1:60:30", "0/1:60:30", "0/0:60:30", "0/0:60:30")),
    ("113130000", "N", "<DEL>", "exon3_2kb", "SVTYPE=DEL;END=113132000;SVLEN=-2000", ("0/0:60:30", "0/0:60:30", "0/0:60:30", "1/1:60:30")),
    ("113131068", "G", "T", "DIRA01_c.229G>T", ".", ("0/0:60:30", "1/1:60:30", "0/0:60:30", "0/0:60:30")),
)  # fmt: skip

WINDOW = (113094315, 113139016)


def _vcf(header: str, samples: tuple[str, ...], lines: list[list[str]]) -> str:
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]
    return header + "\t".join(columns) + "\n" + "".join("\t".join(x) + "\n" for x in lines)


def example_text() -> str:
    lines = [["chr2", p, i, r, a, "50", "PASS", ".", "GT:GQ:DP", *c] for p, r, a, i, c in RECORDS]
    return _vcf(HEADER, SAMPLES, lines)


def sv_text() -> str:
    lines = [
        ["chr2", p, i, r, a, "50", "PASS", info, "GT:GQ:DP", *c]
        for p, r, a, i, info, c in SV_RECORDS
    ]
    return _vcf(HEADER + SV_HEADER, SV_SAMPLES, lines)


def gvcf_text(sample: str, blocks: list[tuple[int, int]]) -> str:
    """Reference blocks (REF 'N': the synthetic demo does not state real bases)."""
    lines = [
        [
            "chr2",
            str(a),
            ".",
            "N",
            "<NON_REF>",
            ".",
            "PASS",
            f"END={b}",
            "GT:GQ:MIN_DP",
            "0/0:99:30",
        ]
        for a, b in blocks
    ]
    return _vcf(HEADER + GVCF_HEADER, (sample,), lines)


def all_examples() -> dict[str, str]:
    start, end = WINDOW
    return {
        "dira_example.vcf": example_text(),
        "dira_sv_example.vcf": sv_text(),
        "dira_gvcf_hole.g.vcf": gvcf_text("GVCF_HOLE_C229", [(start, 113131060), (113131080, end)]),
        "dira_gvcf_complete.g.vcf": gvcf_text("GVCF_COMPLETE", [(start, end)]),
    }


def main(directory: str) -> None:
    out = Path(directory)
    for name, text in all_examples().items():
        plain = out / name
        plain.write_text(text)
        gz = out / f"{name}.gz"
        pysam.tabix_compress(str(plain), str(gz), force=True)
        pysam.tabix_index(str(gz), preset="vcf", force=True)
        plain.unlink()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent))
