"""--bam through the CLI: read depth changes the call only where it contradicts 'none' or a
single allele, and a BAM too shallow to tell is never 'none'."""

from __future__ import annotations

import pytest
from conftest import sample, shared_files, vcf_text, write_input
from test_depth import Layout, write_alignments

E77X = "113131068 G T PASS GT"


@pytest.fixture(scope="module")
def bams(tmp_path_factory):
    layouts = {
        "two": Layout(samples=("S",)),
        "one": Layout(exons=(15, 15, 15, 15), samples=("S",)),
        "zero": Layout(exons=(0, 0, 0, 0), samples=("S",)),
        "shallow": Layout(controls=(5, 5), exons=(5, 5, 5, 5)),
    }
    return shared_files(
        tmp_path_factory,
        "bams",
        lambda directory: {
            name: write_alignments(directory / f"{name}.bam", "GRCh38", "2", layout)
            for name, layout in layouts.items()
        },
    )


@pytest.mark.parametrize(
    ("bam", "gt", "flag", "expected"),
    [
        ("two", "0/0", [], "none"),
        ("two", "0/1", [], "monoallelic"),
        ("zero", "0/0", [], "indeterminate"),  # no copy of the exons: possible hom deletion
        ("zero", "0/0", ["--count-novel-lof"], "biallelic"),
        ("one", "0/0", [], "none"),  # a heterozygous deletion is reported, not counted
        ("one", "0/0", ["--count-novel-lof"], "monoallelic"),
        ("one", "0/1", [], "indeterminate"),  # E77X beside a deletion may be the only copy
        ("one", "1/1", [], "biallelic"),
        ("shallow", "0/0", [], "indeterminate"),  # too little depth: never none
        ("shallow", "1/1", [], "biallelic"),
    ],
)
def test_depth_evidence_and_the_call(tmp_path, run, bams, bam, gt, flag, expected):
    vcf = write_input(tmp_path, "in", vcf_text(["S"], [f"{E77X} {gt}"]))
    result = run("annotate", vcf, "--bam", f"S={bams[bam]}", *flag)
    assert result.exit_code == 0, result.stderr
    s = sample(result.json(), "S")
    assert s["dira_genotype"] == expected
    assert s["depth"]["path"] == str(bams[bam])
    if bam == "zero":
        assert s["coverage"]["possible_homozygous_deletion"] is True
    if bam == "two":
        assert s["depth"]["copies"] == 2 and any("two copies" in n for n in s["notes"])


def test_sample_taken_from_the_read_group(tmp_path, run, bams):
    vcf = write_input(tmp_path, "in", vcf_text(["X", "S"], [f"{E77X} 0/0 0/0"]))
    report = run("annotate", vcf, "--bam", bams["zero"]).json()
    assert sample(report, "S")["dira_genotype"] == "indeterminate"
    assert sample(report, "X")["depth"] is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("NOBODY={bam}", "'NOBODY' is not in the VCF"),
        ("{shallow}", "cannot tell which sample"),  # no @RG SM and two samples
    ],
)
def test_bam_that_matches_no_sample(tmp_path, run, bams, spec, message):
    vcf = write_input(tmp_path, "in", vcf_text(["X", "S"], [f"{E77X} 0/0 0/0"]))
    result = run("annotate", vcf, "--bam", spec.format(bam=bams["two"], shallow=bams["shallow"]))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_bam_manifest(tmp_path, run, bams):
    vcf = write_input(tmp_path, "in", vcf_text(["S", "T"], [f"{E77X} 0/0 0/0"]))
    manifest = tmp_path / "bams.tsv"
    manifest.write_text(f"sample\tpath\nS\t{bams['zero']}\n")
    report = run("annotate", vcf, "--bam-manifest", manifest).json()
    assert sample(report, "S")["dira_genotype"] == "indeterminate"
    assert sample(report, "T")["depth"] is None
    manifest.write_text("S\n")
    bad = run("annotate", vcf, "--bam-manifest", manifest)
    assert bad.exit_code == 3 and "line 1" in bad.stderr


def test_bam_given_for_another_sample_warns(tmp_path, run, bams):
    vcf = write_input(tmp_path, "in", vcf_text(["S", "T"], [f"{E77X} 0/0 0/0"]))
    result = run("annotate", vcf, "--bam", f"T={bams['two']}")  # its @RG SM is S
    assert result.exit_code == 0
    assert "sample swap" in result.stderr
