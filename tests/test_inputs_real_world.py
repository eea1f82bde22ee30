"""Headers and records as other tools write them: odd but legal headers, mismatched contig names,
unsupported assemblies, unsorted files, Float GQ, string PS, unwritable outputs."""

from __future__ import annotations

import os
import stat

import pytest
from conftest import sample, vcf_text, write_input

E77X_HOM = "113131068 G T PASS GT 1/1"


def _error_line(result, level: str = "error") -> str:
    stderr = result if isinstance(result, str) else result.stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"il1rn-annot: {level}: ")
    return lines[0]


def test_contig_line_with_idx_key(tmp_path, run):
    # htslib's modhdr.vcf.gz carries IDX= in ##contig; pysam's contig view fails on it.
    text = vcf_text(["S"], [E77X_HOM]).replace(
        "##contig=<ID=2,length=242193529>", "##contig=<ID=2,length=242193529,IDX=0>"
    )
    result = run("annotate", write_input(tmp_path, "idx", text, "vcf.gz+tbi"))
    assert result.exit_code == 0, result.stderr
    assert result.calls() == {"S": "biallelic"}


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf+csi"])
def test_records_named_differently_from_the_header(tmp_path, run, encoding):
    # Header says 2 (and chr2), records say NC_000002.12: every alias is read.
    text = vcf_text(["S"], [E77X_HOM], chrom="NC_000002.12").replace(
        "##contig=<ID=NC_000002.12,length=242193529>",
        "##contig=<ID=2,length=242193529>\n##contig=<ID=NC_000002.12,length=242193529>",
    )
    result = run("annotate", write_input(tmp_path, "mixed", text, encoding))
    assert result.exit_code == 0, result.stderr
    assert result.calls() == {"S": "biallelic"}


@pytest.mark.parametrize("header", [True, False])
def test_lookalike_chr2_name_is_an_error(tmp_path, run, header):
    text = vcf_text(["S"], [E77X_HOM], chrom="Chr2", build="GRCh38" if header else None)
    path = write_input(tmp_path, "Chr2", text, "vcf")
    result = run("annotate", path, "--build", "GRCh38")
    assert result.exit_code == 3
    assert "'Chr2'" in _error_line(result) and "rename" in result.stderr


def test_file_without_chr2_records_or_contigs_is_an_error(tmp_path, run):
    path = write_input(tmp_path, "chr1", vcf_text(["S"], [E77X_HOM], chrom="1", build=None))
    result = run("annotate", path, "--build", "GRCh38")
    assert result.exit_code == 3
    assert "no chromosome 2" in _error_line(result) and "found 1" in result.stderr


def test_build_option_contradicted_by_ref_bases(tmp_path, run):
    # No header evidence; the E77X record's REF G sits where GRCh38 has G.
    path = write_input(tmp_path, "nob", vcf_text(["S"], [E77X_HOM], build=None), "vcf")
    assert run("annotate", path, "--build", "GRCh38").calls() == {"S": "biallelic"}
    result = run("annotate", path, "--build", "GRCh37")
    assert result.exit_code == 3
    assert "agree with GRCh38" in _error_line(result)


@pytest.mark.parametrize(
    ("line", "assembly"),
    [
        ("##reference=file:///some/path/1000GenomesPilot-NCBI36.fasta", "NCBI36"),
        ("##contig=<ID=2,length=242696752>", "T2T-CHM13"),
    ],
)
def test_unsupported_assemblies_are_refused(tmp_path, run, line, assembly):
    path = write_input(tmp_path, "old", vcf_text(["S"], [E77X_HOM], build=None, header=[line]))
    result = run("annotate", path)
    assert result.exit_code == 3
    assert assembly in _error_line(result) and "supports GRCh37 and GRCh38" in result.stderr


def test_unknown_chr2_length_is_named_in_the_build_error(tmp_path, run):
    text = vcf_text(["S"], ["113000000 A G PASS GT 0/1"], build=None, header=[
        "##contig=<ID=2,length=248956422>"])  # fmt: skip
    result = run("annotate", write_input(tmp_path, "odd", text))
    assert result.exit_code == 3
    assert "248956422 matches neither" in _error_line(result)


def test_unsorted_file_is_read_whole_with_a_warning(tmp_path, run):
    """Out of order is no longer refused (issue 9 A): every record is read, and the report says
    the file is unsorted."""
    text = vcf_text(["S"], ["113131100 A G PASS GT 0/1", E77X_HOM])
    result = run("annotate", write_input(tmp_path, "unsorted", text, "vcf"))
    assert result.exit_code == 0, result.stderr
    assert result.calls() == {"S": "biallelic"}
    [warning] = result.json()["warnings"]
    assert "out of POS order" in warning and "2:113131068 (line" in warning
    assert "out of POS order" in _error_line(result.stderr, "warning")


@pytest.mark.parametrize("row", ["113131068 G T PASS GT 0/3", "113131068 G . PASS GT 1/1"])
def test_gt_naming_a_missing_allele_is_malformed(tmp_path, run, row):
    result = run("annotate", write_input(tmp_path, "oob", vcf_text(["S"], [row]), "vcf"))
    assert result.exit_code == 3
    assert "GT" in _error_line(result)


def test_float_gq_and_string_ps_are_read(annotate):
    header = [
        '##FORMAT=<ID=GQF,Number=1,Type=Float,Description="x">',
    ]
    text = vcf_text(["S"], [
        "113129619 C T PASS GT:PS:GQ 0|1:blockA:45",
        "113131068 G T PASS GT:PS:GQ 1|0:blockA:50",
    ], header=header)  # fmt: skip
    text = text.replace(
        "##FORMAT=<ID=PS,Number=1,Type=Integer", "##FORMAT=<ID=PS,Number=1,Type=String"
    ).replace("##FORMAT=<ID=GQ,Number=1,Type=Integer", "##FORMAT=<ID=GQ,Number=1,Type=Float")
    text = text.replace("0|1:blockA:45", "0|1:blockA:45.5")
    s = sample(annotate(text), "S")
    assert s["dira_genotype"] == "biallelic"  # trans within phase set 'blockA'
    assert {v["phase_set"] for v in s["variants"]} == {"blockA"}
    assert {v["gq"] for v in s["variants"]} == {45, 50}  # 45.5 rounds down (see records)


def test_reports_are_world_readable(tmp_path, run):
    path = write_input(tmp_path, "in", vcf_text(["S"], [E77X_HOM]))
    out = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        assert run("annotate", path, "-o", out).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize("option", ["-o", "--output-dir"])
def test_unwritable_output_is_one_line(tmp_path, run, option):
    path = write_input(tmp_path, "in", vcf_text(["S"], [E77X_HOM]))
    (tmp_path / "plain").write_text("x")  # a file where a directory is needed
    result = run("annotate", path, option, tmp_path / "plain" / "report")
    assert result.exit_code == 5  # an output failure (was 2, the usage code)
    line = _error_line(result)
    assert "plain" in line and ("does not exist" in line or "cannot create" in line)
    assert (tmp_path / "plain").read_text() == "x"
