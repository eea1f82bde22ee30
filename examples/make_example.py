"""Write the bundled examples: one sample per clinical case, synthetic genotypes, catalog alleles.

    python examples/make_example.py examples

rewrites, each VCF bgzipped with a .tbi index:
    dira_example.vcf.gz       small variants: homozygote, compound heterozygote, carrier,
                              a benign intronic SNP only, a no-call at a catalog site, a
                              homozygous novel frameshift, a heterozygous novel missense change
    dira_sv_example.vcf.gz    SV/CNV calls: homozygous founder deletion, heterozygous founder
                              deletion with E77X on the other allele, an upstream loss that spares
                              the coding exons, a novel deletion of exon 3
    dira_gvcf_hole.g.vcf.gz   a gVCF whose reference blocks leave c.229 uncovered
    dira_gvcf_complete.g.vcf.gz  a gVCF that proves every catalog site reference
and, one subdirectory per option (so that `annotate examples/` leaves them out):
    trio/                     --ped: a trio VCF and its PED file
    sv/                       --sv: a small-variant VCF and the SV caller's VCF of the same samples
    depth/                    --bam, --bam-manifest, --fasta: a VCF, one CRAM per sample, a
                              manifest, and a SYNTHETIC chr2 FASTA (not IL1RN's sequence)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pysam

from il1rn_annot.depth import CONTROLS_GRCH38

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

# --ped: the child has E77X from the father and c.156_157del from the mother.
TRIO_SAMPLES = ("TRIO_CHILD", "TRIO_FATHER", "TRIO_MOTHER")
TRIO_RECORDS = (
    ("113129613", "AAC", "A", "DIRA03_c.156_157del", ("0/1:52:29", "0/0:60:33", "0/1:55:31")),
    ("113131068", "G", "T", "DIRA01_c.229G>T", ("0/1:57:33", "0/1:58:30", "0/0:60:34")),
)  # fmt: skip
PED = """\
#family\tindividual\tfather\tmother\tsex\tphenotype (a synthetic trio: examples/trio/dira_trio.vcf.gz)
FAM1\tTRIO_CHILD\tTRIO_FATHER\tTRIO_MOTHER\t1\t2
FAM1\tTRIO_FATHER\t0\t0\t1\t1
FAM1\tTRIO_MOTHER\t0\t0\t2\t1
"""

# --sv: what a small-variant caller sees of two founder-deletion carriers (a no-call where both
# copies are gone; E77X looking homozygous on the one copy left), and the SV caller's VCF.
SV_PAIR_SAMPLES = ("SV_FOUNDER_HOM", "SV_FOUNDER_HET_E77X")
SV_PAIR_SMALL = (("113131068", "G", "T", "DIRA01_c.229G>T", ("./.:.:.", "1/1:60:22")),)
SV_PAIR_CALLS = (
    ("112960000", "N", "<DEL>", "founder_175kb", "SVTYPE=DEL;END=113140000;SVLEN=-180000;CIPOS=-50,50;CIEND=-50,50", ("1/1:60:30", "0/1:60:30")),
)  # fmt: skip

# --bam/--fasta: two samples of one VCF, one CRAM each; in DEPTH_NO_COPY both copies of the
# coding exons are gone, which the VCF alone cannot show (it has no record at a catalog site).
DEPTH_SAMPLES = ("DEPTH_TWO_COPIES", "DEPTH_NO_COPY")
DEPTH_COPIES = {"DEPTH_TWO_COPIES": 2, "DEPTH_NO_COPY": 0}
DEPTH_RECORDS = (
    ("113110686", "C", "T", "CTRL05_rs315928", ("0/1:58:30", "./.:.:.")),
)  # fmt: skip
MANIFEST = "sample\tpath\n" + "".join(f"{s}\t{s}.cram\n" for s in DEPTH_SAMPLES)

WINDOW = (113094315, 113139016)
CHR2_GRCH38 = 242193529
# Where the CRAMs have reads (GRCh38, 1-based inclusive): the depth stage's two 20-kb flanking
# controls and the four NM_173842 coding exons.
CONTROLS = CONTROLS_GRCH38
READ_LEN = 150
DEPTH = 30  # per two copies


def _vcf(header: str, samples: tuple[str, ...], lines: list[list[str]]) -> str:
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]
    return header + "\t".join(columns) + "\n" + "".join("\t".join(x) + "\n" for x in lines)


def _small(samples: tuple[str, ...], records) -> str:
    lines = [["chr2", p, i, r, a, "50", "PASS", ".", "GT:GQ:DP", *c] for p, r, a, i, c in records]
    return _vcf(HEADER, samples, lines)


def example_text() -> str:
    return _small(SAMPLES, RECORDS)


def sv_text(samples: tuple[str, ...] = SV_SAMPLES, records=SV_RECORDS) -> str:
    lines = [
        ["chr2", p, i, r, a, "50", "PASS", info, "GT:GQ:DP", *c] for p, r, a, i, info, c in records
    ]
    return _vcf(HEADER + SV_HEADER, samples, lines)


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
    """Every text example by its path under examples/; a .vcf is written bgzipped + .tbi."""
    start, end = WINDOW
    return {
        "dira_example.vcf": example_text(),
        "dira_sv_example.vcf": sv_text(),
        "dira_gvcf_hole.g.vcf": gvcf_text("GVCF_HOLE_C229", [(start, 113131060), (113131080, end)]),
        "dira_gvcf_complete.g.vcf": gvcf_text("GVCF_COMPLETE", [(start, end)]),
        "trio/dira_trio.vcf": _small(TRIO_SAMPLES, TRIO_RECORDS),
        "trio/dira_trio.ped": PED,
        "sv/dira_small_variants.vcf": _small(SV_PAIR_SAMPLES, SV_PAIR_SMALL),
        "sv/dira_sv_calls.vcf": sv_text(SV_PAIR_SAMPLES, SV_PAIR_CALLS),
        "depth/dira_depth.vcf": _small(DEPTH_SAMPLES, DEPTH_RECORDS),
        "depth/bams.tsv": MANIFEST,
    }


def synthetic_chr2() -> dict[int, str]:
    """A SYNTHETIC chr2, not IL1RN's sequence (no package ships it): seeded random bases over
    the window and the depth controls, with every base the catalogs and the example records
    state written at its GRCh38 position. Position -> base; N elsewhere."""
    from il1rn_annot.catalog import load_catalog

    rng = random.Random(20261127)
    bases: dict[int, str] = {}
    for a, b in (CONTROLS[0], WINDOW, CONTROLS[1]):
        for p in range(a - READ_LEN, b + READ_LEN + 1):
            bases[p] = rng.choice("ACGT")
    for entry in load_catalog().matchable():
        bases.update(entry.locus("GRCh38").known_bases())  # low-confidence rows too
    every = (*RECORDS, *TRIO_RECORDS, *SV_PAIR_SMALL, *DEPTH_RECORDS)
    for p, ref, _, _, _ in every:
        bases.update((int(p) + i, b) for i, b in enumerate(ref))
    return bases


FASTA_NAME = "depth/synthetic_chr2.fa.gz"
FASTA_HEADER = ">chr2 SYNTHETIC sequence for the il1rn-annot examples: not GRCh38, not IL1RN\n"


def write_fasta(path: Path, bases: dict[int, str]) -> None:
    """chr2 at its GRCh38 length (so htslib sees the length the CRAM headers state), N except
    ``bases``, on one line (N runs compress best so), bgzipped with .fai and .gzi."""
    plain = path.with_suffix("")
    with plain.open("wb") as fh:
        fh.write(FASTA_HEADER.encode())
        done = 0
        for p in sorted(bases):
            _write_n(fh, p - 1 - done)
            fh.write(bases[p].encode())
            done = p
        _write_n(fh, CHR2_GRCH38 - done)
        fh.write(b"\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    pysam.faidx(str(path))


def _write_n(fh, n: int) -> None:
    chunk = b"N" * (1 << 20)
    while n > 0:
        fh.write(chunk[: min(n, len(chunk))])
        n -= len(chunk)


def cram_reads(copies: int) -> list[tuple[int, str]]:
    """(0-based start, name) of perfect 150-bp reads tiled over the controls (two copies) and
    over the coding exons at ``copies``: depth is exact inside each interval."""
    from il1rn_annot.genome import coding_exons

    spans = [(a, b, DEPTH) for a, b in CONTROLS]
    spans += [(a, b, DEPTH * copies // 2) for _, a, b in coding_exons("GRCh38")]
    starts = sorted({s for a, b, d in spans if d for s in range(a - READ_LEN, b, READ_LEN // d)})
    return [(s, f"read{n}") for n, s in enumerate(starts)]


def write_cram(path: Path, sample: str, copies: int, fasta: Path, bases: dict[int, str]) -> None:
    """One sample's CRAM against the synthetic FASTA. htslib writes the FASTA's absolute path
    into @SQ UR; the header is rewritten with the path from the repository root."""
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "chr2", "LN": CHR2_GRCH38}],
        "RG": [{"ID": sample, "SM": sample}],
    }
    with pysam.AlignmentFile(str(path), "wc", header=header, reference_filename=str(fasta)) as out:
        for start, name in cram_reads(copies):
            a = pysam.AlignedSegment(out.header)
            a.query_name = name
            a.reference_id = 0
            a.reference_start = start
            a.mapping_quality = 60
            a.cigarstring = f"{READ_LEN}M"
            a.query_sequence = "".join(bases[p] for p in range(start + 1, start + 1 + READ_LEN))
            a.query_qualities = pysam.qualitystring_to_array("I" * READ_LEN)
            a.set_tag("RG", sample)
            out.write(a)
        written = out.header.to_dict()
    written["SQ"][0]["UR"] = f"examples/{FASTA_NAME}"
    sam = path.with_suffix(".header.sam")
    sam.write_text(str(pysam.AlignmentHeader.from_dict(written)))
    pysam.samtools.reheader("-P", "-i", str(sam), str(path))
    sam.unlink()
    pysam.index(str(path))


def main(directory: str) -> None:
    out = Path(directory)
    for name, text in all_examples().items():
        plain = out / name
        plain.parent.mkdir(parents=True, exist_ok=True)
        plain.write_text(text)
        if name.endswith(".vcf"):
            gz = out / f"{name}.gz"
            pysam.tabix_compress(str(plain), str(gz), force=True)
            pysam.tabix_index(str(gz), preset="vcf", force=True)
            plain.unlink()
    bases = synthetic_chr2()
    fasta = out / FASTA_NAME
    write_fasta(fasta, bases)
    for sample, copies in DEPTH_COPIES.items():
        write_cram(out / "depth" / f"{sample}.cram", sample, copies, fasta, bases)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent))
