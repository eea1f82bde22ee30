"""A lab's own catalog rows (--catalog-overlay): validated like the catalog, stamped in every
format, and every call resting on them says so.

The overlay rows here are test-only and synthetic: LAB-0001 is c.229G>A at DIRA01's site
(whose REF G the catalog confirms), classified by a made-up lab; DIRA02's override to
``uncertain`` is not a real reclassification.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pysam
import pytest
from conftest import sample, vcf_text, write_input

from il1rn_annot.catalog import CATALOG_COLUMNS, load_catalog

CATALOG = load_catalog()

#: A synthetic lab allele at DIRA01's site (2:113131068, REF G confirmed by ClinVar).
LAB_ROW = {
    **CATALOG.get("DIRA01").row,
    "id": "LAB-0001",
    "legacy_names": "family 12 private allele",
    "hgvs_c": "c.229G>A",
    "hgvs_p": "p.(Glu77Lys)",
    "classification": "likely_pathogenic",
    "classification_basis": "lab: segregates in family 12 (synthetic test row)",
    "evidence_level": "derived_high",
    "grch38_alt": "A",
    "grch37_alt": "A",
    "rsid": "",
    "clinvar_id": "",
    "clinvar_significance": "",
    "pmids": "",
    "sources": "lab report 2026-11 (synthetic)",
}
OVERRIDE_ROW = {
    **CATALOG.get("DIRA02").row,
    "classification": "uncertain",
    "classification_basis": "lab: downgraded pending review (synthetic test row)",
}


def overlay(tmp_path: Path, *rows: dict, name: str = "lab.tsv") -> Path:
    path = tmp_path / name
    lines = ["# a lab's overlay (synthetic)", "\t".join(CATALOG_COLUMNS)]
    lines += ["\t".join(row[c] for c in CATALOG_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_lab_allele_counts_and_says_it_rests_on_the_overlay(tmp_path, annotate):
    lab = overlay(tmp_path, LAB_ROW)
    text = vcf_text(["s"], ["113131068 G A PASS GT 1/1"])
    without = annotate(text)
    assert sample(without, "s")["dira_genotype"] == "none"
    report = annotate(text, "--catalog-overlay", lab)
    s = sample(report, "s")
    assert s["dira_genotype"] == "biallelic"
    assert s["needs_review"]
    assert any("LAB-0001" in r and str(lab) in r and "lab's own" in r for r in s["review_reasons"])
    variant = s["variants"][0]
    assert (variant["dira_id"], variant["catalog_source"]) == ("LAB-0001", "overlay")
    assert report["records"][0]["catalog_source"] == "overlay"
    tool = report["tool"]
    assert tool["catalog_overlay"] == str(lab)
    assert tool["catalog_overlay_sha256"] == hashlib.sha256(lab.read_bytes()).hexdigest()
    assert tool["catalog_sha256"] == CATALOG.sha256  # the bundled one, beside it
    assert report["options"]["catalog_overlay"] == str(lab)


def test_bundled_alleles_stay_bundled_beside_an_overlay(tmp_path, annotate):
    lab = overlay(tmp_path, LAB_ROW)
    report = annotate(vcf_text(["s"], ["113131068 G T PASS GT 1/1"]), "--catalog-overlay", lab)
    s = sample(report, "s")
    assert s["dira_genotype"] == "biallelic" and not s["needs_review"]
    assert s["variants"][0]["catalog_source"] == "bundled"


def test_override_changes_the_classification_and_says_so(tmp_path, annotate):
    lab = overlay(tmp_path, OVERRIDE_ROW)
    text = vcf_text(["s"], ["113129619 C T PASS GT 1/1"])
    assert sample(annotate(text), "s")["dira_genotype"] == "biallelic"
    s = sample(annotate(text, "--catalog-overlay", lab), "s")
    assert s["dira_genotype"] == "none"
    assert s["needs_review"]
    assert any("DIRA02" in r and "overrides the bundled row" in r for r in s["review_reasons"])
    assert s["variants"][0]["catalog_source"] == "overlay_override"
    assert s["variants"][0]["classification"] == "uncertain"


@pytest.mark.parametrize(
    "row, message",
    [
        (
            {
                **OVERRIDE_ROW,
                **{
                    f"grch{b}_{f}": str(int(OVERRIDE_ROW[f"grch{b}_pos"]) + 1)
                    for b in ("38", "37")
                    for f in ("pos", "end")
                },
            },
            "grch38_pos",
        ),
        ({**OVERRIDE_ROW, "hgvs_c": "c.161C>T"}, "hgvs_c"),
        (
            {
                **OVERRIDE_ROW,
                "classification_basis": CATALOG.get("DIRA02").row["classification_basis"],
            },
            "needs its own classification_basis",
        ),
        ({**LAB_ROW, "classification": "benign"}, "classification 'benign' not in"),
        ({**LAB_ROW, "grch37_pos": "113888646", "grch37_end": "113888646"}, "757577"),
        ({**LAB_ROW, "id": "DIRA99"}, "reserved"),
        ({**LAB_ROW, "id": "DIRA13"}, "merged into DIRA10"),
        ({**LAB_ROW, "id": "CTRL01"}, "non-DIRA"),
        ({**LAB_ROW, "grch38_alt": "T", "grch37_alt": "T"}, "the same allele as DIRA01"),
        ({**LAB_ROW, "classification_basis": ""}, "classification_basis is empty"),
        ({**LAB_ROW, **{f"grch{b}_ref": "C" for b in ("38", "37")}}, "disagrees with the bundled"),
        ({**LAB_ROW, "coord_method": ""}, "coord_method is empty"),
    ],
)
def test_bad_overlay_rows_fail_naming_the_file_and_line(tmp_path, run, row, message):
    lab = overlay(tmp_path, row)
    source = write_input(tmp_path, "in", vcf_text(["s"], ["113131068 G A PASS GT 1/1"]))
    out = tmp_path / "out.json"
    result = run("annotate", source, "--catalog-overlay", lab, "-o", out)
    assert result.exit_code == 3
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"il1rn-annot: error: {lab}: line 3 (")
    assert message in line
    assert not out.exists()


def test_duplicate_overlay_ids_and_bad_columns_are_refused(tmp_path, run):
    source = write_input(tmp_path, "in", vcf_text(["s"], ["113131068 G A PASS GT 1/1"]))
    twice = overlay(tmp_path, LAB_ROW, LAB_ROW)
    result = run("annotate", source, "--catalog-overlay", twice)
    assert result.exit_code == 3 and "duplicate or empty id 'LAB-0001'" in result.stderr
    columns = tmp_path / "columns.tsv"
    columns.write_text("id\tclassification\nLAB-1\tpathogenic\n")
    result = run("annotate", source, "--catalog-overlay", columns)
    assert result.exit_code == 3 and f"{columns}: columns differ" in result.stderr
    result = run("annotate", source, "--catalog-overlay", tmp_path / "missing.tsv")
    assert result.exit_code == 3 and "cannot read the catalog overlay" in result.stderr


def test_tsv_and_vcf_stamp_the_overlay(tmp_path, run):
    lab = overlay(tmp_path, LAB_ROW, OVERRIDE_ROW)
    sha = hashlib.sha256(lab.read_bytes()).hexdigest()
    source = write_input(tmp_path, "in", vcf_text(["s"], ["113131068 G A PASS GT 0/1"]))
    tsv = tmp_path / "out.tsv"
    assert run("annotate", source, "--catalog-overlay", lab, "-o", tsv).exit_code == 0
    with tsv.open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows[0]["catalog_overlay"] == str(lab) and rows[0]["catalog_overlay_sha256"] == sha
    assert rows[0]["catalog_source"] == "overlay" and rows[0]["dira_id"] == "LAB-0001"
    vcf = tmp_path / "out.vcf"
    assert run("annotate", source, "--catalog-overlay", lab, "-o", vcf).exit_code == 0
    with pysam.VariantFile(str(vcf)) as annotated:
        header = str(annotated.header)
        record = next(iter(annotated))
    assert f'CatalogOverlay="{lab}",CatalogOverlaySHA256={sha}' in header
    assert record.info["DIRA_SOURCE"] == ("overlay",)
    assert record.info["DIRA_ID"] == ("LAB-0001",)
    page = tmp_path / "page.html"
    summary = run(
        "annotate", source, "--catalog-overlay", lab, "--format", "summary", "--html", page
    )
    assert summary.exit_code == 0, summary.stderr
    assert f"# lab catalog overlay: {lab} (sha256 {sha})" in summary.stdout
    assert f"lab overlay {lab}" in page.read_text() and sha in page.read_text()


def test_catalog_list_and_show_give_the_merged_view(tmp_path, run):
    lab = overlay(tmp_path, LAB_ROW, OVERRIDE_ROW)
    listed = run("catalog", "list", "--catalog-overlay", lab)
    assert listed.exit_code == 0, listed.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines()}
    assert rows["id"][-1] == "source"
    assert rows["LAB-0001"][-1] == "overlay" and rows["DIRA02"][-1] == "overlay_override"
    assert rows["DIRA02"][3] == "uncertain" and rows["DIRA01"][-1] == "bundled"
    plain = run("catalog", "list")
    assert "LAB-0001" not in plain.stdout and "source" not in plain.stdout.splitlines()[0]
    shown = run("catalog", "show", "LAB-0001", "--catalog-overlay", lab)
    assert shown.exit_code == 0
    assert "classification\tlikely_pathogenic" in shown.stdout
    assert "source\toverlay" in shown.stdout
    assert run("catalog", "show", "LAB-0001").exit_code == 2


def test_an_overlay_leaves_the_bundled_catalog_alone(tmp_path):
    lab = overlay(tmp_path, OVERRIDE_ROW)
    merged = load_catalog(overlay=str(lab))
    assert merged.get("DIRA02").classification == "uncertain"
    assert load_catalog().get("DIRA02").classification == "pathogenic"
    assert merged.sha256 == CATALOG.sha256 and merged.overlay_path == str(lab)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_multiqc_table_names_the_overlay_also_when_resumed(tmp_path, run, jobs):
    """The MultiQC section says which catalog made its calls, a lab overlay included, whether
    the reports were made now, by workers, or kept from an earlier run of the batch."""
    from il1rn_annot.report.multiqc import FILE_NAME

    lab = overlay(tmp_path, LAB_ROW)
    sha = hashlib.sha256(lab.read_bytes()).hexdigest()
    inputs = [
        write_input(tmp_path, name, vcf_text([name], ["113131068 G A PASS GT 0/1"]))
        for name in ("a", "b")
    ]
    out = tmp_path / "out"
    args = ("annotate", *inputs, "--catalog-overlay", lab, "--output-dir", out, "--jobs", jobs)
    for skipped in (False, True):  # the second run keeps both reports (resume)
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert ("2 skipped" in result.stderr) == skipped
        head = (out / FILE_NAME).read_text().split("\n", 3)
        assert f"catalog {CATALOG.version} + lab overlay {lab} (sha256 {sha})" in head[2]
    without = run("annotate", inputs[0], "--output-dir", tmp_path / "plain")
    assert without.exit_code == 0, without.stderr
    assert "overlay" not in (tmp_path / "plain" / FILE_NAME).read_text().split("\n", 3)[2]
