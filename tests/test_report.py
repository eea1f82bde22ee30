"""The report contracts (design.md): JSON fields, TSV rows, the summary, atomic output, and the
bundled example against its golden report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import joined, sample, vcf_text

from il1rn_annot import __version__
from il1rn_annot.catalog import load_catalog
from il1rn_annot.report.rows import RECORD_FIELDS
from il1rn_annot.report.tsv import COLUMNS

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "dira_example.vcf.gz"
EXPECTED = Path(__file__).parent / "expected"
CATALOG = load_catalog()


def test_json_top_level_contract(annotate):
    report = annotate(vcf_text(["s"], ["113131068 G T PASS GT 0/1"]))
    assert list(report) == [
        "schema_version",
        "tool",
        "input",
        "options",
        "warnings",
        "records",
        "clinvar",
        "samples",
    ]
    assert report["tool"] == {
        "name": "il1rn-annot",
        "version": __version__,
        "catalog_version": CATALOG.version,
        "catalog_sha256": CATALOG.sha256,
        "catalog_overlay": None,
        "catalog_overlay_sha256": None,
    }
    assert report["clinvar"] is None
    info = report["input"]
    assert info["build"] == "GRCh38" and info["contig"] == "2"
    assert info["build_source"].startswith("##contig length")
    assert info["window"] == {"chrom": "2", "start": 113094315, "end": 113139016}
    assert info["access"] == "index"
    s = next(entry for entry in report["samples"] if entry["sample"] == "s")
    assert set(s) == {
        "sample",
        "dira_genotype",
        "needs_review",
        "review_reasons",
        "notes",
        "coverage",
        "depth",
        "variants",
    }
    # Records, once: the sample's entry holds its own evidence and names its record.
    assert list(s["variants"][0]) == [
        "record",
        "dira_id",
        "genotype",
        "zygosity",
        "phase_set",
        "depth",
        "gq",
        "quality_flags",
    ]
    assert list(report["records"][0]) == RECORD_FIELDS


def test_every_variant_in_the_window_is_listed(annotate):
    rows = ["113100000 A G PASS GT 0/1", "113131068 G T PASS GT 0/1", "113138000 C T PASS GT 1/1"]
    report = annotate(vcf_text(["s"], rows))
    variants = sample(report, "s")["variants"]
    assert [v["pos"] for v in variants] == [113100000, 113131068, 113138000]
    assert [v["classification"] for v in variants] == [
        "not_in_catalog",
        "pathogenic",
        "not_in_catalog",
    ]


def test_tsv_one_row_per_sample_and_variant(tmp_path, run):
    text = vcf_text(["a", "b"], ["113129619 C T PASS GT 0/1 0/0", "113131068 G T PASS GT 0/1 0/0"])
    path = tmp_path / "in.vcf"
    path.write_text(text)
    out = tmp_path / "out.tsv"
    result = run("annotate", path, "--format", "tsv", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    lines = out.read_text().splitlines()
    assert lines[0].split("\t") == list(COLUMNS)
    rows = [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]
    assert [(r["sample"], r["dira_id"], r["dira_genotype"]) for r in rows] == [
        ("a", "DIRA02", "biallelic_unphased"),
        ("a", "DIRA01", "biallelic_unphased"),
        ("b", "", "none"),  # a sample with no variant still gets its row
    ]


def test_output_file_is_replaced_atomically(tmp_path, run):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["s"], ["113131068 G T PASS GT 1/1"]))
    out = tmp_path / "report.json"
    out.write_text("old")
    assert run("annotate", path, "-o", out).exit_code == 0
    assert json.loads(out.read_text())["samples"][0]["dira_genotype"] == "biallelic"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.vcf", "report.json"]


def _stable(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    report["input"]["path"] = "dira_example.vcf.gz"
    report["tool"]["version"] = "VERSION"
    assert report["tool"]["catalog_sha256"] == CATALOG.sha256
    report["tool"]["catalog_sha256"] = "SHA256"  # checked above; changes with every catalog edit
    return report


def test_bundled_example_matches_golden_report(run):
    result = run("annotate", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    golden = json.loads((EXPECTED / "dira_example.json").read_text())
    assert _stable(result.json()) == golden


def test_example_script_reproduces_the_committed_examples(tmp_path):
    import gzip
    import importlib.util

    import pysam

    spec = importlib.util.spec_from_file_location("make_example", ROOT / "examples/make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.all_examples().items():
        path = ROOT / "examples" / name
        if name.endswith(".vcf"):
            committed = gzip.decompress(path.with_name(f"{path.name}.gz").read_bytes()).decode()
        else:
            committed = path.read_text()
        assert committed == text, name
    module.main(str(tmp_path))
    assert (tmp_path / "dira_sv_example.vcf.gz.tbi").exists()
    # the binary examples: same sequence and the same reads (bgzip bytes vary with zlib)
    fasta = module.FASTA_NAME
    assert (tmp_path / f"{fasta}.fai").read_text() == (
        ROOT / "examples" / f"{fasta}.fai"
    ).read_text()
    bases = module.synthetic_chr2()
    span = ("chr2", min(bases) - 1000, max(bases) + 1000)
    sequences = []
    for directory in (tmp_path, ROOT / "examples"):
        with pysam.FastaFile(str(directory / fasta)) as fa:
            sequences.append(fa.fetch(*span))
        reads = {}
        for name in module.DEPTH_COPIES:
            cram = directory / "depth" / f"{name}.cram"
            with pysam.AlignmentFile(str(cram), reference_filename=str(directory / fasta)) as af:
                assert af.header.to_dict()["SQ"][0]["UR"] == f"examples/{fasta}"
                reads[name] = [r.to_string() for r in af.fetch("chr2")]
        sequences.append(reads)
    assert sequences[0] == sequences[2] and sequences[1] == sequences[3]
    assert set(sequences[0]) == set("ACGTN")
    assert reads["DEPTH_TWO_COPIES"] and reads["DEPTH_NO_COPY"]


def test_example_directory_shows_one_sample_of_each_case(run):
    result = run("annotate", ROOT / "examples", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    calls = {}
    for line in result.stdout.splitlines()[1:]:
        cells = line.split("\t")
        calls[cells[1]] = cells[2]
    assert calls == {
        "AFFECTED_HOM": "biallelic",
        "COMPOUND_HET": "biallelic_unphased",
        "CARRIER": "monoallelic",
        "BENIGN_ONLY": "none",
        "NO_CALL": "indeterminate",
        "NOVEL_FS_HOM": "none",
        "NOVEL_MISSENSE_HET": "none",
        "GVCF_COMPLETE": "none",
        "GVCF_HOLE_C229": "indeterminate",
        "FOUNDER_HOM": "biallelic",
        "FOUNDER_HET_E77X": "biallelic",
        "UPSTREAM_LOSS": "none",
        "NOVEL_EXON3_DEL": "indeterminate",
    }


def test_summary_format(run):
    result = run("annotate", EXAMPLE, "--format", "summary")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# ") and "GRCh38" in lines[0] and "index" in lines[0]
    assert any(line.startswith("AFFECTED_HOM") and "biallelic" in line for line in lines)
    assert any("review:" in line and "no-call" in line for line in lines)
    novel = next(line for line in lines if line.startswith("NOVEL_FS_HOM"))
    assert "novel loss of function: c.432del p.(Trp144fs) (exon 4) hom_alt (1/1)" in novel


@pytest.mark.parametrize("command", [[], ["annotate"], ["catalog"], ["catalog", "list"]])
def test_every_command_has_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    schema_path = ROOT / "il1rn_annot" / "report" / "report.schema.json"
    schema = json.loads(schema_path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_reports_validate_against_the_schema(annotate, run, validator):
    rows = [
        "113129614 ACA A PASS GT:PS 0|1:7",
        "113131068 G C,T LowQual GT:GQ:DP ./1:5:3",
        "113131216 A T PASS GT 1",
    ]
    cohort = vcf_text(["x", "y"], [f"{row} 0/0" for row in rows])
    reports = [run("annotate", EXAMPLE).json(), annotate(cohort)]
    for report in reports:
        validator.validate(report)


def test_schema_rejects_a_broken_report(run, validator):
    import jsonschema

    report = run("annotate", EXAMPLE).json()
    report["samples"][0]["dira_genotype"] = "affected"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)


def test_directory_input_with_combined_tsv_and_summary(tmp_path, run):
    directory = tmp_path / "batch"
    directory.mkdir()
    (directory / "a.vcf").write_text(vcf_text(["A"], ["113131068 G T PASS GT 1/1"]))
    (directory / "b.vcf").write_text(vcf_text(["B"], ["113131068 G T PASS GT 0/1"]))
    (directory / "notes.txt").write_text("not a VCF")
    tsv = run("annotate", directory, "--format", "tsv")
    assert tsv.exit_code == 0, tsv.stderr
    rows = [line.split("\t") for line in tsv.stdout.splitlines()[1:]]
    assert [(r[1], r[2]) for r in rows] == [("A", "biallelic"), ("B", "monoallelic")]
    summary = run("annotate", directory, "--format", "summary")
    headers = [line for line in summary.stdout.splitlines() if " read by " in line]
    assert len(headers) == 2 and "a.vcf" in headers[0] and "b.vcf" in headers[1]
    assert run("annotate", directory).exit_code == 2  # JSON holds one input: needs --output-dir


def test_combined_output_keeps_good_inputs_when_one_fails(tmp_path, run):
    good = tmp_path / "good.vcf"
    good.write_text(vcf_text(["A"], ["113131068 G T PASS GT 1/1"]))
    out = tmp_path / "all.tsv"
    result = run("annotate", good, tmp_path / "missing.vcf", "--format", "tsv", "-o", out)
    assert result.exit_code == 4
    assert "missing.vcf: no such file" in result.stderr
    assert "biallelic" in out.read_text()


def test_example_novel_frameshift_homozygote_needs_review_and_counts_on_request(run):
    plain = json.loads(run("annotate", EXAMPLE).stdout)
    counted = json.loads(run("annotate", EXAMPLE, "--count-novel-lof").stdout)
    novel = sample(plain, "NOVEL_FS_HOM")
    (variant,) = novel["variants"]
    assert (novel["dira_genotype"], novel["needs_review"]) == ("none", True)
    assert variant["classification"] == "novel_predicted_lof"
    assert (variant["location"], variant["consequence"]) == ("exon 4", "frameshift_variant")
    assert (variant["hgvs_c"], variant["hgvs_p"]) == ("NM_173842.3:c.432del", "p.(Trp144fs)")
    assert sample(counted, "NOVEL_FS_HOM")["dira_genotype"] == "biallelic"
    missense = sample(plain, "NOVEL_MISSENSE_HET")
    assert (missense["dira_genotype"], missense["needs_review"]) == ("none", False)
    assert missense["variants"][0]["classification"] == "uncertain"
    assert missense["variants"][0]["hgvs_p"] == "p.(Trp144Cys)"
    assert sample(counted, "NOVEL_MISSENSE_HET")["dira_genotype"] == "none"


def test_every_example_variant_has_location_consequence_and_hgvs(run):
    report = json.loads(run("annotate", EXAMPLE).stdout)
    variants = [variant for entry in report["samples"] for variant in joined(report, entry)]
    assert variants  # the loop below must check something
    for variant in variants:
        assert variant["location"] and variant["consequence"], variant
        assert variant["hgvs_c"].startswith("NM_173842.3:c."), variant
        coding = variant["location"].startswith("exon")
        assert (variant["hgvs_p"] or "").startswith("p.") == coding, variant
