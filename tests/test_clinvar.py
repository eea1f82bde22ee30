"""--clinvar FILE: a local ClinVar VCF adds ClinVar id, significance and review status to every
allele of the window, matched by the catalog's own matcher; a (likely) pathogenic allele the
catalog does not list is listed in the report and asks for review. Never over the network.

``clinvar_GRCh3*_slice.vcf`` hold real facts (VCV 14675, 14676); ``clinvar_synthetic_GRCh38.vcf``
holds made-up records, named so (tests/data/README.md).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pysam
import pytest
from conftest import sample, vcf_text, write_input

DATA = Path(__file__).parent / "data"
SLICE = DATA / "clinvar_GRCh38_slice.vcf"
SLICE37 = DATA / "clinvar_GRCh37_slice.vcf"
SYNTHETIC = DATA / "clinvar_synthetic_GRCh38.vcf"


def clinvar_copy(tmp_path: Path, source: Path, how: str) -> Path:
    """The file as NCBI ships it (bgzipped + .tbi), bgzipped without an index, or plain."""
    if how == "plain":
        return Path(shutil.copy(source, tmp_path / source.name))
    gz = tmp_path / (source.name + ".gz")
    pysam.tabix_compress(str(source), str(gz), force=True)
    if how == "tbi":
        pysam.tabix_index(str(gz), preset="vcf", force=True)
    return gz


@pytest.mark.parametrize("how, access", [("tbi", "index"), ("bgzf", "stream"), ("plain", "stream")])
def test_real_records_annotate_records_and_variants(tmp_path, annotate, how, access):
    clinvar = clinvar_copy(tmp_path, SLICE, how)
    rows = ["113129619 C T PASS GT 0/1", "113131068 G T PASS GT 0/1", "113131100 A G PASS GT 0/1"]
    report = annotate(vcf_text(["s"], rows), "--clinvar", clinvar)
    assert report["clinvar"] == {
        "path": str(clinvar),
        "file_date": "2021-01-23",
        "access": access,
        "alleles_in_window": 2,
        "pathogenic_not_in_catalog": [],
    }
    by_pos = {r["pos"]: r for r in report["records"]}
    assert (by_pos[113131068]["clinvar_id"], by_pos[113131068]["dira_id"]) == (
        "VCV000014675",
        "DIRA01",
    )
    assert by_pos[113131068]["clinvar_significance"] == "Pathogenic"
    assert by_pos[113131068]["clinvar_review_status"] == "criteria_provided,_single_submitter"
    assert by_pos[113129619]["clinvar_id"] == "VCV000014676"
    assert by_pos[113129619]["clinvar_review_status"] == "no_assertion_criteria_provided"
    assert by_pos[113131100]["clinvar_id"] is None  # not in the file: nothing invented
    s = sample(report, "s")
    assert s["dira_genotype"] == "biallelic_unphased"
    assert not any("ClinVar" in r for r in s["review_reasons"])  # ClinVar agrees
    variants = {v["pos"]: v for v in s["variants"]}
    assert variants[113131068]["clinvar_id"] == "VCV000014675"
    assert report["options"]["clinvar"] == str(clinvar)


def test_grch37_file_for_a_grch37_input(tmp_path, annotate):
    text = vcf_text(["s"], ["113131068 G T PASS GT 1/1"], build="GRCh37")
    report = annotate(text, "--clinvar", clinvar_copy(tmp_path, SLICE37, "tbi"))
    assert report["input"]["build"] == "GRCh37"
    assert report["records"][0]["clinvar_id"] == "VCV000014675"


@pytest.mark.parametrize(
    "source, build, message",
    [
        (SLICE37, "GRCh38", "the ClinVar VCF is GRCh37 but the input is GRCh38"),
        (SLICE, "GRCh37", "the ClinVar VCF is GRCh38 but the input is GRCh37"),
    ],
)
def test_build_mismatch_is_an_error(tmp_path, run, source, build, message):
    clinvar = clinvar_copy(tmp_path, source, "tbi")
    path = write_input(tmp_path, "in", vcf_text(["s"], ["113131068 G T PASS GT 1/1"], build=build))
    out = tmp_path / "out.json"
    result = run("annotate", path, "--clinvar", clinvar, "-o", out)
    assert result.exit_code == 3
    assert result.stderr.strip() == f"il1rn-annot: error: {clinvar}: {message}: use " + (
        f"NCBI's vcf_{build} file"
    )
    assert not out.exists()


def test_a_file_that_is_not_clinvar_or_names_no_build_is_refused(tmp_path, run):
    path = write_input(tmp_path, "in", vcf_text(["s"], ["113131068 G T PASS GT 1/1"]))
    result = run("annotate", path, "--clinvar", path)
    assert result.exit_code == 3 and "not a ClinVar VCF" in result.stderr
    nameless = tmp_path / "nameless.vcf"
    nameless.write_text(SLICE.read_text().replace("##reference=GRCh38\n", ""))
    result = run("annotate", path, "--clinvar", nameless)
    assert result.exit_code == 3 and "does not name its build" in result.stderr
    result = run("annotate", path, "--clinvar", tmp_path / "none.vcf.gz")
    assert result.exit_code == 3 and "no such ClinVar file" in result.stderr


def test_pathogenic_allele_outside_the_catalog_asks_for_review(tmp_path, annotate):
    clinvar = clinvar_copy(tmp_path, SYNTHETIC, "tbi")
    rows = ["113129619 C G PASS GT 0/1"]
    text = vcf_text(["carrier", "ref"], [rows[0] + " 0/0"])
    plain = annotate(text)
    assert not sample(plain, "carrier")["needs_review"]
    report = annotate(text, "--clinvar", clinvar)
    assert report["clinvar"]["pathogenic_not_in_catalog"] == [0]
    record = report["records"][0]
    assert record["dira_id"] is None
    assert record["clinvar_significance"] == "Pathogenic/Likely_pathogenic"
    carrier = sample(report, "carrier")
    assert carrier["dira_genotype"] == "none"  # ClinVar never counts: it asks for review
    assert carrier["needs_review"]
    assert any(
        "ClinVar VCV900000001 says Pathogenic/Likely_pathogenic" in r
        and "not list" in r
        and "het" in r
        for r in carrier["review_reasons"]
    )
    assert not sample(report, "ref")["needs_review"]


def test_conflicting_and_disagreeing_clinvar_ask_for_review(tmp_path, annotate):
    clinvar = clinvar_copy(tmp_path, SYNTHETIC, "tbi")
    text = vcf_text(["a", "b"], ["113131068 G C,T PASS GT 1/1 2/2"])
    report = annotate(text, "--clinvar", clinvar)
    a, b = sample(report, "a"), sample(report, "b")
    assert any(
        "Conflicting_classifications" in r and "Pathogenic(1)" in r for r in a["review_reasons"]
    )
    assert report["clinvar"]["pathogenic_not_in_catalog"] == [0]
    assert b["dira_genotype"] == "biallelic"  # the catalog's call stands ...
    assert any("ClinVar disagrees with the catalog on DIRA01" in r for r in b["review_reasons"])
    assert b["needs_review"]  # ... and a person looks


def test_clinvar_is_matched_after_normalization(tmp_path, annotate):
    """ClinVar writes DIRA03 left-aligned (113129613 AAC>A); the input shifted one base right."""
    clinvar = clinvar_copy(tmp_path, SYNTHETIC, "tbi")
    report = annotate(vcf_text(["s"], ["113129614 ACA A PASS GT 0/1"]), "--clinvar", clinvar)
    record = report["records"][0]
    assert record["dira_id"] == "DIRA03"
    assert record["clinvar_id"] == "VCV900000004"


def test_tsv_and_vcf_carry_clinvar(tmp_path, run):
    clinvar = clinvar_copy(tmp_path, SLICE, "tbi")
    path = write_input(tmp_path, "in", vcf_text(["s"], ["113131068 G T PASS GT 0/1"]))
    tsv = tmp_path / "out.tsv"
    assert run("annotate", path, "--clinvar", clinvar, "-o", tsv).exit_code == 0
    with tsv.open() as handle:
        row = next(csv.DictReader(handle, delimiter="\t"))
    assert row["clinvar_id"] == "VCV000014675" and row["clinvar_significance"] == "Pathogenic"
    assert row["clinvar_review_status"] == "criteria_provided,_single_submitter"
    assert row["clinvar_file"] == str(clinvar)
    vcf = tmp_path / "out.vcf"
    assert run("annotate", path, "--clinvar", clinvar, "-o", vcf).exit_code == 0
    with pysam.VariantFile(str(vcf)) as annotated:
        header = str(annotated.header)
        record = next(iter(annotated))
    assert f'ClinVar="{clinvar}",ClinVarFileDate="2021-01-23"' in header
    assert record.info["IL1RN_CLNID"] == ("VCV000014675",)
    assert record.info["IL1RN_CLNREVSTAT"] == ("criteria_provided%2C_single_submitter",)


def test_notebook_api_takes_clinvar_and_an_overlay(tmp_path):
    from il1rn_annot.api import annotate

    path = write_input(tmp_path, "in", vcf_text(["s"], ["113129619 C G PASS GT 0/1"]))
    report = annotate(path, clinvar=clinvar_copy(tmp_path, SYNTHETIC, "tbi"))
    assert report.records[0].clinvar.accession == "VCV900000001"
    assert report.samples[0].needs_review
    frame = report.to_dataframe()
    assert frame.loc[0, "clinvar_significance"] == "Pathogenic/Likely_pathogenic"
