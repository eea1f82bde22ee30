"""``catalog export``: the catalog as VCF, BED and TSV, used by real bcftools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import pos, vcf_text, write_input

from il1rn_annot.catalog import load_catalog

BCFTOOLS = shutil.which("bcftools")
needs_bcftools = pytest.mark.skipif(
    BCFTOOLS is None, reason="bcftools is not installed (.ci/system-tools installs it)"
)

#: Rows of the bundled catalog without coordinates: never placed anywhere.
UNPLACED = ["DIRA09", "DIRA14", "DIRA17"]

#: E77X, Q54X and N52KfsX25, a variant outside the catalog inside IL1RN, one past its end.
ROWS = [
    "113129613 AAC A PASS",
    "113129619 C T PASS",
    "113130000 G A PASS",
    "113131068 G T PASS",
    "113140000 C G PASS",
]


def bcftools(*args: str | Path) -> str:
    proc = subprocess.run(
        [BCFTOOLS, *map(str, args)], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def export(run, tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = run("catalog", "export", *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


@needs_bcftools
@pytest.mark.parametrize(("build", "chrom"), [("GRCh38", "chr2"), ("GRCh37", "2")])
def test_bcftools_annotate_gives_the_catalog_ids(tmp_path, run, build, chrom):
    catalog = export(run, tmp_path, "dira.vcf.gz", "--build", build)
    assert (tmp_path / "dira.vcf.gz.tbi").is_file()
    sample = write_input(
        tmp_path, "in", vcf_text(["S1"], [r + " GT 0/1" for r in ROWS], chrom, build)
    )
    out = bcftools("annotate", "-a", catalog, "-c", "INFO/DIRA_ID", sample)
    ids = bcftools_query(tmp_path, out, "%POS %INFO/DIRA_ID\n")
    assert ids == [
        f"{pos(build, 113129613)} DIRA03",
        f"{pos(build, 113129619)} DIRA02",
        f"{pos(build, 113130000)} .",
        f"{pos(build, 113131068)} DIRA01",
        f"{pos(build, 113140000)} .",
    ]


def bcftools_query(tmp_path: Path, vcf: str, fmt: str) -> list[str]:
    path = tmp_path / "annotated.vcf"
    path.write_text(vcf)
    return bcftools("query", "-f", fmt, path).splitlines()


@needs_bcftools
def test_bcftools_view_regions_from_the_bed_selects_the_catalog_records(tmp_path, run):
    bed = export(run, tmp_path, "dira.bed", "--build", "GRCh38")
    sample = write_input(tmp_path, "in", vcf_text([], ROWS, "chr2"))
    kept = bcftools("view", "-H", "-R", bed, sample)
    # DIRA04 (the ~175-kb deletion) spans the whole gene: only the record past it is left out
    assert [line.split("\t")[1] for line in kept.splitlines()] == [
        "113129613",
        "113129619",
        "113130000",
        "113131068",
    ]


def test_bed_is_zero_based_half_open_named_by_id(tmp_path, run):
    bed = export(run, tmp_path, "dira.bed", "--build", "GRCh38")
    lines = [line.split("\t") for line in bed.read_text().splitlines() if not line.startswith("#")]
    by_id = {cells[3]: cells[:3] for cells in lines}
    assert by_id["DIRA01"] == ["chr2", "113131067", "113131068"]  # the SNV at 113131068
    assert by_id["DIRA03"] == ["chr2", "113129612", "113129615"]  # REF AAC at 113129613
    assert by_id["DIRA11"] == ["chr2", "113107433", "113129650"]  # the deleted interval
    starts = [int(cells[1]) for cells in lines]
    assert starts == sorted(starts)


@needs_bcftools
@pytest.mark.parametrize("name", ["dira.vcf.gz", "dira.bcf", "dira.vcf"])
def test_bcftools_reads_the_vcf_export(tmp_path, run, name):
    out = export(run, tmp_path, name, "--build", "GRCh38")
    records = bcftools("view", "-H", out).splitlines()
    placed = [e.id for e in load_catalog().entries if e.id not in UNPLACED]
    assert sorted(line.split("\t")[2] for line in records) == sorted(placed)
    deletion = next(line.split("\t") for line in records if line.split("\t")[2] == "DIRA11")
    assert deletion[1] == "113107433" and deletion[3:5] == ["N", "<DEL>"]
    assert "END=113129650" in deletion[7] and "SVLEN=-22217" in deletion[7]


def test_rows_without_coordinates_are_left_out_and_named(tmp_path, run):
    result = run("catalog", "export", "--build", "GRCh38", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(warning) == 1 and all(i in warning[0] for i in UNPLACED)
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]
    assert not set(ids) & set(UNPLACED)
    assert len(ids) == len(load_catalog().entries) - len(UNPLACED)


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_tsv_has_the_builds_coordinates(run, build):
    result = run("catalog", "export", "--build", build, "--format", "tsv")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    table = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    e77x = next(r for r in table if r["id"] == "DIRA01")
    assert (e77x["build"], e77x["pos"], e77x["ref"], e77x["alt"]) == (
        build,
        str(pos(build, 113131068)),
        "G",
        "T",
    )
    assert e77x["chrom"] == ("chr2" if build == "GRCh38" else "2")


def test_chrom_option_names_chromosome_2(run):
    result = run("catalog", "export", "--build", "GRCh38", "--format", "vcf", "--chrom", "2")
    assert result.exit_code == 0, result.stderr
    records = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert {line.split("\t")[0] for line in records} == {"2"}
    assert "##contig=<ID=2,length=242193529,assembly=GRCh38>" in result.stdout


def test_the_export_annotated_by_il1rn_annot_names_each_record_itself(tmp_path, run):
    """The export and the matcher agree: each exported allele is matched to its own row."""
    catalog = export(run, tmp_path, "dira.vcf.gz", "--build", "GRCh38")
    result = run("annotate", catalog, "--format", "tsv", "--per", "record")
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    table = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert table and all(r["dira_id"] == r["id"] for r in table)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--build", "GRCh38", "--format", "bed", "-o", "x.vcf"], ["--format bed", "vcf"]),
        (["--build", "GRCh38"], ["--format"]),
        (["--format", "vcf"], ["--build"]),
        (["--build", "GRCh38", "-o", "x.tsv.bz2"], [".bz2"]),
        (["--build", "GRCh38", "-o", "x.bcf.gz"], [".gz", ".bcf"]),
    ],
)
def test_usage_errors(tmp_path, run, args, words):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = run("catalog", "export", *args)
    assert result.exit_code == 2
    line = next(x for x in result.stderr.splitlines() if "Error" in x)
    assert all(w in line for w in words), line
    assert not list(tmp_path.iterdir())
