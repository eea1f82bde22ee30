"""Exomes and panels (issue 15): real BAM/CRAM files written by pysam for a batch of SIMULATED
exomes on a SYNTHETIC capture kit (examples/make_exome_example.py: per-target capture
efficiency and GC content, per-sample library size and GC bias, noise), annotated through the
CLI with --targets and the batch as the reference.

The 12-sample batch: S01 homozygous founder deletion, S02 and S03 heterozygous founder
deletions (each with its own breakpoints inside the uncertain edges), S04 a homozygous
DIRA11-like deletion, S05 an E77X carrier with two copies, S06-S12 without a deletion.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pysam
import pytest
from conftest import sample

from il1rn_annot.catalog import load_catalog
from il1rn_annot.genome import coding_exons

ROOT = Path(__file__).parent.parent
_spec = importlib.util.spec_from_file_location(
    "make_exome", ROOT / "examples/make_exome_example.py"
)
sim = importlib.util.module_from_spec(_spec)
sys.modules["make_exome"] = sim  # dataclasses look their module up there
_spec.loader.exec_module(sim)

BATCH = [
    sim.Sample("S01", (sim.founder(2),)),
    sim.Sample("S02", (sim.founder(1),)),
    sim.Sample("S03", (sim.founder(1, 13_000, 2_000),)),
    sim.Sample("S04", (sim.dira11(2),)),
    *(sim.Sample(f"S{k:02d}") for k in range(5, 13)),
]
EXPECTED = {
    "S01": ("biallelic", "DIRA04", [["DIRA04", 2]]),
    "S02": ("monoallelic", "DIRA04", [["DIRA04", 1]]),
    "S03": ("monoallelic", "DIRA04", [["DIRA04", 1]]),
    "S04": ("biallelic", "DIRA11", [["DIRA11", 2]]),
    "S05": ("monoallelic", "no_deletion", []),
    **{f"S{k:02d}": ("none", "no_deletion", []) for k in range(6, 13)},
}
#: Extra samples for single tests: a novel homozygous deletion of IL1RN exons 3-4 only, and a
#: sample captured with another kit's efficiencies (not of this batch).
EXON3 = coding_exons("GRCh38")[2]
EXTRA = [
    sim.Sample("NOVEL", ((EXON3[1] - 500, coding_exons("GRCh38")[3][2] + 500, 2),)),
    sim.Sample("OTHER_KIT", kit_seed=99),
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The kit's BED, one BAM per sample, a VCF of the 12 samples, and a manifest writer."""
    directory = tmp_path_factory.mktemp("exome")
    kit = sim.synthetic_kit()
    kit.write_bed(directory / "targets.bed")
    paths = sim.write_batch(sim.Batch(kit, [*BATCH, *EXTRA], base_depth=60.0), directory)
    names = [s.name for s in BATCH]
    sim.write_vcf(directory / "batch.vcf.gz", names, e77x={"S05": "0/1"})
    sim.write_vcf(directory / "extra.vcf.gz", [s.name for s in EXTRA])

    def manifest(samples, name="bams.tsv"):
        path = directory / name
        path.write_text("".join(f"{s}\t{paths[s]}\n" for s in samples))
        return path

    return directory, kit, paths, manifest


def _annotate(run, vcf, bed, manifest, *args):
    result = run("annotate", vcf, "--targets", bed, "--bam-manifest", manifest, *args)
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_simulation_takes_its_coordinates_from_the_package_data():
    catalog = load_catalog()
    assert coding_exons("GRCh38") == sim.CODING_EXONS
    founder = catalog.get("DIRA04")
    assert (founder.locus("GRCh38").pos, founder.locus("GRCh38").end) == sim.FOUNDER
    assert founder.reported_size == sim.FOUNDER_SIZE
    dira11 = catalog.get("DIRA11").locus("GRCh38")
    assert (dira11.pos, dira11.end) == sim.DIRA11


def test_twelve_exomes_each_get_the_right_call(run, batch):
    directory, _, _, manifest = batch
    names = [s.name for s in BATCH]
    report = _annotate(run, directory / "batch.vcf.gz", directory / "targets.bed", manifest(names))
    got = {}
    for s in report["samples"]:
        targeted = s["depth"]["targeted"]
        got[s["sample"]] = (
            s["dira_genotype"],
            targeted["consistent_with"],
            targeted["deleted_copies"],
        )
        assert targeted["batch_size"] == 12
        assert targeted["correlation"] >= 0.9, s["sample"]
        assert targeted["control_spread"] <= 0.12, s["sample"]
        assert targeted["status"] == "ok", (s["sample"], targeted["note"])
    assert got == EXPECTED
    # every deletion call asks for confirmation; a sample without one does not
    flagged = {s["sample"] for s in report["samples"] if s["needs_review"]}
    assert flagged == {"S01", "S02", "S03", "S04"}


def test_what_the_calls_rest_on(run, batch):
    directory, _, _, manifest = batch
    report = _annotate(
        run,
        directory / "batch.vcf.gz",
        directory / "targets.bed",
        manifest([s.name for s in BATCH]),
    )
    by_role = {}
    for name in ("S01", "S02", "S04", "S06"):
        targets = sample(report, name)["depth"]["targeted"]["targets"]
        by_role[name] = {t["name"]: t for t in targets}
    hom, het, d11, normal = (by_role[n] for n in ("S01", "S02", "S04", "S06"))
    inside = [n for n, t in hom.items() if t["role"] in ("il1rn_exon", "founder_interval")]
    flanks = [n for n, t in hom.items() if t["role"] == "flank"]
    assert len(inside) >= 10 and len(flanks) >= 10
    assert all(hom[n]["ratio"] == 0 and hom[n]["copies"] == 0 for n in inside)
    assert all(0.35 <= het[n]["ratio"] <= 0.65 for n in inside)
    assert all(0.8 <= hom[n]["ratio"] <= 1.25 for n in flanks)  # flanking targets covered
    assert all(0.8 <= normal[n]["ratio"] <= 1.25 for n in (*inside, *flanks))
    # DIRA11: exon 1 and the targets upstream gone, exon 2 mostly, exons 3-4 and the rest kept
    assert d11["IL1RN_ex1"]["ratio"] == 0 and d11["SYNTH_DIRA11_01"]["ratio"] == 0
    assert 0.15 < d11["IL1RN_ex2"]["ratio"] < 0.45  # c.192-205 and the padding remain
    assert d11["IL1RN_ex3"]["copies"] == 2 and d11["IL1RN_ex4"]["copies"] == 2
    assert d11["SYNTH_FOUNDER_08"]["copies"] == 2
    # the report names the targets and ratios behind the call
    reason = " ".join(sample(report, "S01")["review_reasons"])
    assert "homozygous DIRA04" in reason and "IL1RN_ex3 (0.00)" in reason
    exons = sample(report, "S01")["depth"]["exons"]
    assert [x["copies"] for x in exons] == [0, 0, 0, 0]


def test_a_batch_of_three_says_it_is_too_small(run, batch):
    directory, _, _, manifest = batch
    report = _annotate(
        run,
        directory / "batch.vcf.gz",
        directory / "targets.bed",
        manifest(["S01", "S02", "S06"], "three.tsv"),
    )
    for name in ("S01", "S02", "S06"):
        s = sample(report, name)
        assert s["dira_genotype"] == "indeterminate", name
        assert s["depth"]["status"] == "batch_too_small"
        assert any("too small" in r for r in s["review_reasons"])
    # samples of the VCF without an alignment file keep their VCF-only call
    assert sample(report, "S07")["dira_genotype"] == "none"
    assert sample(report, "S07")["depth"] is None


def test_a_novel_deletion_counts_only_with_count_novel_lof(run, batch):
    directory, _, _, manifest = batch
    reference = [s.name for s in BATCH[4:]]  # eight samples without a deletion
    bams = manifest(["NOVEL", *reference], "novel.tsv")
    bed = directory / "targets.bed"
    plain = _annotate(run, directory / "extra.vcf.gz", bed, bams)
    novel = sample(plain, "NOVEL")
    assert novel["depth"]["targeted"]["consistent_with"] == "novel"
    assert novel["dira_genotype"] == "indeterminate"
    assert novel["needs_review"]
    assert any("novel deletion" in r for r in novel["review_reasons"])
    counted = _annotate(run, directory / "extra.vcf.gz", bed, bams, "--count-novel-lof")
    assert sample(counted, "NOVEL")["dira_genotype"] == "biallelic"


def test_a_sample_that_does_not_follow_its_batch_is_indeterminate(run, batch):
    directory, _, _, manifest = batch
    bams = manifest(["OTHER_KIT", *(s.name for s in BATCH[4:])], "other.tsv")
    report = _annotate(run, directory / "extra.vcf.gz", directory / "targets.bed", bams)
    other = sample(report, "OTHER_KIT")
    assert other["depth"]["status"] == "too_noisy"
    assert other["dira_genotype"] == "indeterminate"
    assert "correlation" in other["depth"]["note"]


def test_a_cram_gives_the_same_figures_as_a_bam(run, batch, tmp_path):
    directory, kit, paths, _ = batch
    fasta = sim.write_synthetic_fasta(tmp_path / "synthetic_chr2.fa.gz", kit, 100)
    one = sim.Batch(kit, [*BATCH, *EXTRA], base_depth=60.0)
    table = sim.depth_table(one)
    cram = tmp_path / "S01.cram"
    sim.write_sample(cram, BATCH[0], one, table["S01"], fasta)
    assert pysam.AlignmentFile(str(cram), reference_filename=str(fasta)).is_cram
    lines = [f"S01\t{cram}\n", *(f"{s.name}\t{paths[s.name]}\n" for s in BATCH[1:])]
    (tmp_path / "bams.tsv").write_text("".join(lines))
    args = ("--targets", directory / "targets.bed", "--bam-manifest", tmp_path / "bams.tsv")
    result = run("annotate", directory / "batch.vcf.gz", *args, "--fasta", fasta)
    assert result.exit_code == 0, result.stderr
    s01 = sample(result.json(), "S01")
    assert s01["dira_genotype"] == "biallelic"
    assert s01["depth"]["targeted"]["deleted_copies"] == [["DIRA04", 2]]


def test_catalog_sites_outside_the_capture_are_not_assessed(run, batch, tmp_path):
    directory, *_ = batch
    lines = (directory / "targets.bed").read_text().splitlines(keepends=True)
    bed = tmp_path / "no_exon3.bed"
    bed.write_text("".join(line for line in lines if "IL1RN_ex3" not in line))
    vcf = directory / "batch.vcf.gz"
    without = run("annotate", vcf)
    assert "DIRA01" in sample(without.json(), "S06")["coverage"]["sites_called"]
    report = run("annotate", vcf, "--targets", bed).json()  # no BAMs: the capture alone
    coverage = sample(report, "S06")["coverage"]
    assert "DIRA01" in coverage["sites_outside_capture"]
    assert "DIRA01" in coverage["sites_not_assessed"]
    assert "DIRA01" not in coverage["sites_called"]
    assert not coverage["proven_reference"]
    assert "outside the capture targets" in coverage["note"]
    # a sample that carries the allele keeps it
    assert "DIRA01" not in sample(report, "S05")["coverage"]["sites_outside_capture"]
    assert sample(report, "S05")["dira_genotype"] == "monoallelic"


def test_catalog_sites_in_shallow_targets_are_not_assessed(run, batch):
    directory, _, _, manifest = batch
    report = _annotate(
        run,
        directory / "batch.vcf.gz",
        directory / "targets.bed",
        manifest([s.name for s in BATCH]),
        "--min-dp",
        "500",
    )
    coverage = sample(report, "S06")["coverage"]
    assert "DIRA01" in coverage["sites_below_depth"]
    assert "DIRA01" not in coverage["sites_called"]
    assert "below 500x" in coverage["note"]


def test_an_exome_without_targets_is_told_to_give_them(run, batch):
    directory, _, paths, _ = batch
    result = run("annotate", directory / "batch.vcf.gz", "--bam", f"S06={paths['S06']}")
    assert result.exit_code == 0, result.stderr
    s06 = sample(result.json(), "S06")
    assert s06["depth"]["status"] == "insufficient_depth"
    assert "--targets" in s06["depth"]["note"]
    assert s06["dira_genotype"] == "indeterminate"


def test_alignment_files_of_samples_not_in_the_vcf_serve_as_reference(run, batch):
    directory, _, _, manifest = batch
    bams = manifest([s.name for s in BATCH] + ["NOVEL"], "thirteen.tsv")
    report = _annotate(run, directory / "batch.vcf.gz", directory / "targets.bed", bams)
    assert sample(report, "S06")["depth"]["targeted"]["batch_size"] == 13
    assert [s["sample"] for s in report["samples"]] == [s.name for s in BATCH]


def test_a_kit_without_il1rn_targets_decides_nothing(run, batch, tmp_path):
    directory, _, _, manifest = batch
    lines = (directory / "targets.bed").read_text().splitlines(keepends=True)
    bed = tmp_path / "no_il1rn.bed"
    bed.write_text("".join(line for line in lines if "IL1RN_ex" not in line))
    report = _annotate(run, directory / "batch.vcf.gz", bed, manifest([s.name for s in BATCH]))
    s01 = sample(report, "S01")
    assert s01["depth"]["status"] == "no_targets"
    assert s01["dira_genotype"] == "indeterminate"
    assert "cannot show a deletion" in s01["depth"]["note"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("chr2\t100\n", "line 1: a BED line needs contig, start and end"),
        ("chr2\tten\t200\n", "line 1: start and end must be whole numbers"),
        ("track name=x\nchr2\t300\t200\n", "line 2: end 200 is not after start 300"),
        ("# nothing\n", "no targets in the BED file"),
    ],
)
def test_a_bad_bed_is_one_line_and_exit_3(run, batch, tmp_path, text, problem):
    directory, _, _, manifest = batch
    bed = tmp_path / "bad.bed"
    bed.write_text(text)
    out = tmp_path / "report.json"
    result = run(
        "annotate",
        directory / "batch.vcf.gz",
        "--targets",
        bed,
        "--bam-manifest",
        manifest(["S01"], "one.tsv"),
        "-o",
        out,
    )
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [f"il1rn-annot: error: {bed}: {problem}"]
    assert not out.exists()


def test_a_sample_given_twice_is_a_usage_error(run, batch, tmp_path):
    directory, _, paths, _ = batch
    manifest = tmp_path / "twice.tsv"
    manifest.write_text(f"S01\t{paths['S01']}\nS01\t{paths['S02']}\n")
    result = run(
        "annotate",
        directory / "batch.vcf.gz",
        "--targets",
        directory / "targets.bed",
        "--bam-manifest",
        manifest,
    )
    assert result.exit_code == 2
    assert "given twice" in result.stderr


def test_the_bundled_example_batch(run):
    """The README's command on examples/exome: the calls its generator promises."""
    exome = ROOT / "examples" / "exome"
    result = run(
        "annotate",
        exome / "exome.vcf.gz",
        "--targets",
        exome / "targets.bed",
        "--bam-manifest",
        exome / "bams.tsv",
    )
    assert result.exit_code == 0, result.stderr
    assert result.calls() == {
        "EX_HOM_FOUNDER": "biallelic",
        "EX_HET_FOUNDER_E77X": "biallelic",
        "EX_DIRA11_HOM": "biallelic",
        **{f"EX_NORMAL_{k}": "none" for k in range(1, 8)},
    }
    assert sum(p.stat().st_size for p in exome.glob("*.bam*")) < 200_000


def test_the_example_generator_reproduces_the_committed_batch(tmp_path):
    sim.main(str(tmp_path))
    exome = ROOT / "examples" / "exome"
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in exome.iterdir() if p.name != "README.md")
    assert (tmp_path / "targets.bed").read_text() == (exome / "targets.bed").read_text()
    assert (tmp_path / "bams.tsv").read_text() == (exome / "bams.tsv").read_text()
    for bam in exome.glob("*.bam"):
        new = [str(r) for r in pysam.AlignmentFile(str(tmp_path / bam.name))]
        assert new == [str(r) for r in pysam.AlignmentFile(str(bam))], bam.name


def test_a_snv_call_must_agree_with_the_copies_depth_leaves(run, batch, tmp_path):
    """E77X lies inside the founder deletion: on one remaining copy it is called 1/1
    (hemizygous, so biallelic); called 0/1 there, or called at all where no copy is left, the
    call or the depth is wrong."""
    directory, _, _, manifest = batch
    names = [s.name for s in BATCH]
    vcf = sim.write_vcf(
        tmp_path / "e77x.vcf.gz", names, e77x={"S01": "0/1", "S02": "0/1", "S03": "1/1"}
    )
    report = _annotate(run, vcf, directory / "targets.bed", manifest(names))
    got = {n: sample(report, n)["dira_genotype"] for n in ("S01", "S02", "S03")}
    assert got == {"S01": "indeterminate", "S02": "indeterminate", "S03": "biallelic"}
    assert any("too few copies" in r for r in sample(report, "S02")["review_reasons"])


def test_the_bed_may_name_chr2_otherwise_than_the_alignments(run, batch, tmp_path):
    directory, _, _, manifest = batch
    bed = tmp_path / "plain_names.bed"
    bed.write_text((directory / "targets.bed").read_text().replace("chr2\t", "2\t"))
    names = [s.name for s in BATCH]
    report = _annotate(run, directory / "batch.vcf.gz", bed, manifest(names))
    assert {s["sample"]: s["dira_genotype"] for s in report["samples"]} == {
        name: call for name, (call, _, _) in EXPECTED.items()
    }


def test_a_bed_contig_the_alignments_lack_is_one_line_and_exit_3(run, batch, tmp_path):
    """A control target on chr7, which these BAMs have no @SQ line for: the BED and the
    alignments are not of the same reference, and nothing is written."""
    directory, _, paths, manifest = batch
    bed = tmp_path / "with_chr7.bed"
    bed.write_text((directory / "targets.bed").read_text() + "chr7\t1000\t1150\tSYNTH_CHR7\n")
    out = tmp_path / "report.json"
    args = ("--targets", bed, "--bam-manifest", manifest(["S01"], "s01.tsv"), "-o", out)
    result = run("annotate", directory / "batch.vcf.gz", *args)
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        f"il1rn-annot: error: {paths['S01']}: the targets' contig 'chr7' is not in this file's "
        "header: is the BED for the same reference as the alignments?"
    ]
    assert not out.exists()


def test_a_panel_scales_by_targets_on_other_chromosomes_and_names_no_unbounded_deletion(
    run, tmp_path
):
    """An autoinflammatory panel: IL1RN's exons, two targets inside the founder interval (as a
    panel's IL36RN would be) and controls on another chromosome only. The founder deletion's
    targets read 0 in a homozygote, but nothing flanks them: its extent is unknown, so it is no
    DIRA04 call, only a deletion of the exons (indeterminate; counted with --count-novel-lof).
    The other chromosome's length in the headers is synthetic (the tool checks chr2's only)."""
    locus = sim.synthetic_kit(controls=0, flanks=0, inside=2)
    kept = tuple(t for t in locus.targets if not t[0].startswith(("SYNTH_EDGE", "SYNTH_DIRA11")))
    chr7 = tuple((f"SYNTH_CHR7_{k:02d}", 5_000_000 + k * 90_000, 5_000_149 + k * 90_000, 0.5)
                 for k in range(25))  # fmt: skip
    kit = sim.Kit(kept + chr7, tuple((t[0], "chr7", 150_000_000) for t in chr7))
    kit.write_bed(tmp_path / "panel.bed")
    samples = [sim.Sample("P_HOM", (sim.founder(2),)), *(sim.Sample(f"P{k}") for k in range(7))]
    paths = sim.write_batch(sim.Batch(kit, samples, base_depth=80.0), tmp_path)
    (tmp_path / "bams.tsv").write_text("".join(f"{s}\t{p}\n" for s, p in paths.items()))
    vcf = sim.write_vcf(tmp_path / "panel.vcf.gz", list(paths))
    args = (vcf, tmp_path / "panel.bed", tmp_path / "bams.tsv")
    report = _annotate(run, *args)
    hom = sample(report, "P_HOM")
    assert hom["depth"]["targeted"]["control_targets"] == 25
    assert hom["depth"]["targeted"]["consistent_with"] == "novel"
    assert "no assessed target flanks it" in hom["depth"]["targeted"]["note"]
    assert [x["copies"] for x in hom["depth"]["exons"]] == [0, 0, 0, 0]
    assert hom["dira_genotype"] == "indeterminate"
    assert {s["sample"]: s["dira_genotype"] for s in report["samples"][1:]} == {
        f"P{k}": "none" for k in range(7)
    }
    counted = _annotate(run, *args, "--count-novel-lof")
    assert sample(counted, "P_HOM")["dira_genotype"] == "biallelic"
