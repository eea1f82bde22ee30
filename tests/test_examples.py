"""The bundled examples of the options (issue 9, item 11): each does what the README says, with
the files `examples/make_example.py` writes (a trio and its PED, a small-variant VCF with its SV
caller's VCF, CRAMs against a SYNTHETIC chr2 FASTA)."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
TRIO = EXAMPLES / "trio"
SV = EXAMPLES / "sv"
DEPTH = EXAMPLES / "depth"
FASTA = DEPTH / "synthetic_chr2.fa.gz"


def calls(result) -> dict[str, str]:
    assert result.exit_code == 0, result.stderr
    return {s["sample"]: s["dira_genotype"] for s in result.json()["samples"]}


def test_trio_is_phased_by_the_ped_file(run):
    vcf = TRIO / "dira_trio.vcf.gz"
    alone = calls(run("annotate", vcf))
    assert alone == {
        "TRIO_CHILD": "biallelic_unphased",
        "TRIO_FATHER": "monoallelic",
        "TRIO_MOTHER": "monoallelic",
    }
    with_ped = run("annotate", vcf, "--ped", TRIO / "dira_trio.ped")
    assert calls(with_ped)["TRIO_CHILD"] == "biallelic"
    child = with_ped.json()["samples"][0]
    note = (
        "DIRA01 and DIRA03 in trans by inheritance (DIRA01 from the father, DIRA03 from the mother)"
    )
    assert child["notes"] == [note]
    assert not with_ped.stderr


def test_summary_shows_the_trio_note(run):
    summary = run(
        "annotate",
        TRIO / "dira_trio.vcf.gz",
        "--ped",
        TRIO / "dira_trio.ped",
        "--format",
        "summary",
    ).stdout
    assert (
        "note: DIRA01 and DIRA03 in trans by inheritance (DIRA01 from the father, DIRA03 from"
        " the mother)" in summary
    )


def test_sv_file_shows_the_deletions_the_small_variant_vcf_cannot(run):
    vcf = SV / "dira_small_variants.vcf.gz"
    assert calls(run("annotate", vcf)) == {
        "SV_FOUNDER_HOM": "indeterminate",  # a no-call at E77X: both copies are gone
        "SV_FOUNDER_HET_E77X": "biallelic",  # E77X looks homozygous on the one copy left
    }
    result = run("annotate", vcf, "--sv", SV / "dira_sv_calls.vcf.gz")
    assert calls(result) == {"SV_FOUNDER_HOM": "biallelic", "SV_FOUNDER_HET_E77X": "biallelic"}
    het = result.json()["samples"][1]["variants"]
    assert {(v["dira_id"], v["zygosity"]) for v in het} == {
        ("DIRA01", "hemizygous"),
        ("DIRA04", "het"),
    }
    assert not result.stderr


@pytest.mark.parametrize(
    "bam_args",
    [
        ["--bam-manifest", DEPTH / "bams.tsv"],
        [
            "--bam",
            f"DEPTH_NO_COPY={DEPTH / 'DEPTH_NO_COPY.cram'}",
            "--bam",
            DEPTH / "DEPTH_TWO_COPIES.cram",  # the sample from @RG SM
        ],
    ],
)
def test_cram_depth_finds_the_homozygous_deletion(run, bam_args):
    vcf = DEPTH / "dira_depth.vcf.gz"
    assert calls(run("annotate", vcf)) == {"DEPTH_TWO_COPIES": "none", "DEPTH_NO_COPY": "none"}
    result = run("annotate", vcf, *bam_args, "--fasta", FASTA)
    assert calls(result) == {"DEPTH_TWO_COPIES": "none", "DEPTH_NO_COPY": "indeterminate"}
    two, none = result.json()["samples"]
    assert (two["depth"]["copies"], none["depth"]["copies"]) == (2, 0)
    assert none["coverage"]["possible_homozygous_deletion"]
    assert not result.stderr  # no htslib complaint about the FASTA's chr2 length
    counted = run("annotate", vcf, *bam_args, "--fasta", FASTA, "--count-novel-lof")
    assert calls(counted)["DEPTH_NO_COPY"] == "biallelic"


def test_cram_needs_its_fasta(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # away from the repository root, where @SQ UR finds the FASTA
    result = run("annotate", DEPTH / "dira_depth.vcf.gz", "--bam-manifest", DEPTH / "bams.tsv")
    assert result.exit_code == 3
    assert "cannot decode the CRAM: its reference sequence was not found" in result.stderr


def test_synthetic_fasta_says_so_and_agrees_with_the_example_records():
    import pysam

    with pysam.FastaFile(str(FASTA)) as fa:
        assert list(fa.references) == ["chr2"]
        assert fa.get_reference_length("chr2") == 242_193_529  # GRCh38 chr2, as the CRAMs say
        assert fa.fetch("chr2", 113131067, 113131068) == "G"  # E77X REF (c.229G)
    header = FASTA.with_suffix("").name
    assert "synthetic" in header
    with pysam.BGZFile(str(FASTA), "rb") as fh:
        assert b"SYNTHETIC" in fh.read(100).split(b"\n")[0]
