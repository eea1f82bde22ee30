"""The Hail path calls as the CLI calls: every bundled example and the seeded random cohorts,
read by Hail in Spark local mode (one session for the whole test run), give the same calls,
review reasons, coverage and HGVS, sample by sample, as ``pipeline.annotate`` on the same file.

Inputs Hail cannot take, and so not compared: standard input and BCF (``hl.import_vcf`` reads
VCF text only), and unindexed plain-gzip files (not bgzip). Hail loses two things of the VCF
text: a partly missing GT (``./1``) is a missing call in Hail, and a missing GT keeps no text
(``.`` is shown ``./.``); so the random cohorts are compared with both written ``./.`` (and a
test shows that the Hail call of a partly missing GT stays as cautious).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import vcf_text, write_input
from test_cohort_equivalence import _cohort_text

from il1rn_annot.errors import BuildError, InputError
from il1rn_annot.model import Options
from il1rn_annot.pipeline import annotate

pytestmark = pytest.mark.hail
hl = pytest.importorskip("hail")
if shutil.which("java") is None:
    pytest.skip("no Java runtime: Hail's Spark cannot start", allow_module_level=True)

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(
    str(p.relative_to(ROOT)) for p in ROOT.glob("examples/**/*.vcf.gz") if p.is_file()
)


@pytest.fixture(scope="session")
def hail_session(tmp_path_factory):
    """One Hail/Spark session for every test (hl.init takes seconds; hl.stop is left to exit)."""
    from il1rn_annot.hail import start

    start("local[2]", str(tmp_path_factory.mktemp("hail")))
    return hl


def _sample(s) -> dict:
    """What a sample's call is made of: call, reasons, coverage, and each allele it carries."""
    variants = sorted(
        (
            v.annotated.alt.record.chrom,
            v.annotated.alt.allele.pos,
            v.annotated.alt.allele.ref,
            v.annotated.alt.allele.alt,
            v.call.gt_text,
            v.zygosity,
            v.copies,
            v.quality_flags,
            v.call.depth,
            v.call.gq,
            v.annotated.alt.record.filter_text,
            v.annotated.dira_id,
            v.annotated.classification,
            v.annotated.consequence,
            v.annotated.hgvs_c,
            v.annotated.hgvs_p,
            v.annotated.location,
        )
        for v in s.variants
    )
    return {
        "sample": s.sample,
        "dira_genotype": s.dira_genotype,
        "needs_review": s.needs_review,
        "review_reasons": s.review_reasons,
        "coverage": s.coverage,
        "notes": s.notes,
        "variants": variants,
    }


def _same_calls(path: str) -> None:
    from il1rn_annot.hail import report

    cli = annotate(path, Options())
    spark = report(path)
    assert spark.input.build == cli.input.build
    assert spark.input.samples == cli.input.samples
    assert [_sample(s) for s in spark.samples] == [_sample(s) for s in cli.samples]
    mine = sorted((str(a.alt.allele), a.hgvs_c, a.hgvs_p, a.dira_id) for a in spark.records)
    assert mine == sorted((str(a.alt.allele), a.hgvs_c, a.hgvs_p, a.dira_id) for a in cli.records)


def test_every_example_is_found():
    assert len(EXAMPLES) >= 8, EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_calls_equal_the_cli(hail_session, example):
    _same_calls(str(ROOT / example))


def _whole_gts(text: str) -> str:
    """Partly missing GTs (``./1``, ``1/.``) written wholly missing: Hail has no such call; and
    a bare ``.`` written ``./.``: Hail keeps no text of a missing call, which it shows so."""
    return re.sub(r"(?<=[\t ])(\.[/|]\d|\d[/|]\.|\.)(?=:)", "./.", text)


@pytest.mark.parametrize("seed", range(3))
def test_random_cohort_calls_equal_the_cli(hail_session, tmp_path, seed):
    text = _whole_gts(_cohort_text(seed))
    path = write_input(tmp_path, f"cohort{seed}", text)
    _same_calls(str(path))


@pytest.mark.parametrize(
    ("build", "chrom"), [("GRCh37", "2"), ("GRCh37", "chr2"), ("GRCh38", "2"), ("GRCh38", "chr2")]
)
def test_both_builds_and_both_chr2_names(hail_session, tmp_path, build, chrom):
    """chr2 is recoded to the Hail reference genome's name; the report keeps the file's."""
    from il1rn_annot.hail import report

    rows = [
        "113129619 C T PASS GT:DP:GQ 0/0:30:60 0/1:30:60 0/0:8:60",
        "113131068 G T PASS GT:DP:GQ 0/1:30:60 0/0:30:60 1/1:25:50",
    ]
    text = vcf_text(["E77X_HET", "Q54X_HET", "E77X_HOM"], rows, chrom=chrom, build=build)
    path = str(write_input(tmp_path, "cohort", text))
    spark = report(path)
    assert spark.input.build == build
    assert {v.annotated.alt.record.chrom for s in spark.samples for v in s.variants} == {chrom}
    calls = [s.dira_genotype for s in spark.samples]
    assert calls == ["monoallelic", "monoallelic", "biallelic"]
    _same_calls(path)


def test_a_partly_missing_gt_is_never_called_more_confidently(hail_session, tmp_path):
    """``./1`` at E77X: the CLI counts the one proven copy (a carrier at least); Hail reads a
    missing call, which leaves the site open: indeterminate, never none."""
    from il1rn_annot.hail import report

    rows = ["113131068 G T PASS GT:DP:GQ ./1:30:60 0/0:30:60"]
    path = str(write_input(tmp_path, "partial", vcf_text(["HALF", "REF"], rows, chrom="chr2")))
    spark = {s.sample: s for s in report(path).samples}
    cli = {s.sample: s for s in annotate(path, Options()).samples}
    assert cli["HALF"].dira_genotype != "none"
    assert spark["HALF"].dira_genotype == "indeterminate"
    assert spark["HALF"].needs_review
    assert _sample(spark["REF"]) == _sample(cli["REF"])


def test_a_matrix_table_gives_the_cli_calls(hail_session, tmp_path):
    from il1rn_annot.hail import report

    path = str(ROOT / "examples/dira_example.vcf.gz")
    mt = hl.import_vcf(path, reference_genome="GRCh38", force_bgz=True)
    mt.write(str(tmp_path / "example.mt"))
    spark = report(str(tmp_path / "example.mt"))
    cli = annotate(path, Options())
    assert spark.input.access == "hail"
    assert [_sample(s) for s in spark.samples] == [_sample(s) for s in cli.samples]


def test_dira_calls_table_and_row_annotations(hail_session):
    from il1rn_annot.hail import annotate_rows, dira_calls

    path = str(ROOT / "examples/dira_example.vcf.gz")
    mt = hl.import_vcf(path, reference_genome="GRCh38", force_bgz=True)
    calls = {r.s: r for r in dira_calls(mt).collect()}
    cli = {s.sample: s for s in annotate(path, Options()).samples}
    assert set(calls) == set(cli)
    for name, s in cli.items():
        assert calls[name].dira_genotype == s.dira_genotype
        assert calls[name].review_reasons == s.review_reasons
        hgvs = sorted(v.hgvs_c for v in calls[name].variants)
        assert hgvs == sorted(v.annotated.hgvs_c for v in s.variants)
    rows = annotate_rows(mt).rows()
    e77x = rows.filter(rows.locus.position == 113131068).collect()
    assert [a.dira_id for a in e77x[0].il1rn] == ["DIRA01"]
    assert e77x[0].il1rn[0].hgvs_p == "p.(Glu77Ter)"
    outside = rows.filter(hl.is_missing(rows.il1rn)).count()
    assert outside == 0 or rows.count() > outside


def test_build_mismatch_is_refused(hail_session):
    from il1rn_annot.hail import report

    mt = hl.import_vcf(str(ROOT / "examples/dira_example.vcf.gz"), reference_genome="GRCh38",
                       force_bgz=True)  # fmt: skip
    with pytest.raises(BuildError, match=r"it is on GRCh38, not on GRCh37 \(--build\)"):
        report(mt, build="GRCh37")
    with pytest.raises(BuildError, match="--build GRCh37 contradicts the header"):
        report(str(ROOT / "examples/dira_example.vcf.gz"), build="GRCh37")


def test_a_matrix_table_without_il1rn_is_refused(hail_session):
    from il1rn_annot.hail import report

    mt = hl.balding_nichols_model(2, 4, 20, reference_genome="GRCh38")
    mt = mt.key_rows_by(locus=hl.locus("chr1", mt.locus.position + 1000, "GRCh38"),
                        alleles=mt.alleles)  # fmt: skip
    with pytest.raises(InputError, match=r"no row in the IL1RN window chr2:\d+-\d+ \(GRCh38\)"):
        report(mt)


def test_cli_writes_the_annotate_reports(hail_session, tmp_path, run):
    from click.testing import CliRunner

    from il1rn_annot.cli import cli

    path = str(ROOT / "examples/dira_example.vcf.gz")
    out = tmp_path / "calls.json"
    result = CliRunner().invoke(cli, ["hail", path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    spark = json.loads(out.read_text())
    assert spark["input"]["access"] == "hail"
    cli_json = json.loads(run("annotate", path).stdout)
    assert [s["dira_genotype"] for s in spark["samples"]] == [
        s["dira_genotype"] for s in cli_json["samples"]
    ]
    tsv = tmp_path / "calls.tsv"
    assert CliRunner().invoke(cli, ["hail", path, "-o", str(tsv)]).exit_code == 0
    cli_tsv = run("annotate", path, "--format", "tsv").stdout.splitlines()
    assert [r.split("\t")[1:] for r in tsv.read_text().splitlines()] == [
        r.split("\t")[1:] for r in cli_tsv
    ]
    table = tmp_path / "calls.ht"
    assert CliRunner().invoke(cli, ["hail", path, "-o", str(table)]).exit_code == 0
    assert hl.read_table(str(table)).count() == len(cli_json["samples"])


def test_cli_errors_are_one_line(hail_session, tmp_path):
    from click.testing import CliRunner

    from il1rn_annot.cli import cli

    path = str(ROOT / "examples/dira_example.vcf.gz")
    result = CliRunner().invoke(cli, ["hail", path, "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and "name it .tsv, .json or .ht" in result.output
    result = CliRunner().invoke(
        cli, ["hail", path, "--build", "GRCh37", "-o", str(tmp_path / "x.json")]
    )
    assert result.exit_code == 3
    assert result.output.strip().startswith("il1rn-annot: error:")
    assert "contradicts the header" in result.output
    assert not (tmp_path / "x.json").exists()
    missing = CliRunner().invoke(cli, ["hail", str(tmp_path / "no.mt"), "-o", "/tmp/x.json"])
    assert missing.exit_code == 3 and "no such file or directory" in missing.output


#: A gVCF of a carrier of E77X (c.229G>T, chr2:113131068 on GRCh38): reference blocks over the
#: window (REF N: synthetic, no base is claimed), the variant record with its <NON_REF>.
CARRIER_GVCF = [
    "113094315 N <NON_REF> PASS INFO=END=113131067 GT:GQ:MIN_DP 0/0:99:30",
    "113131068 G T,<NON_REF> PASS GT:GQ:DP 0/1:60:31",
    "113131069 N <NON_REF> PASS INFO=END=113139016 GT:GQ:MIN_DP 0/0:99:30",
]
GVCF_HEADER = [
    '##ALT=<ID=NON_REF,Description="Any other allele">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP in the block">',
]


def _combined(tmp_path, paths: list[str]) -> str:
    """A VDS made by Hail's own combiner from single-sample gVCFs."""
    out = str(tmp_path / "cohort.vds")
    window = hl.eval(hl.parse_locus_interval("chr2:112000000-114500000", reference_genome="GRCh38"))
    hl.vds.new_combiner(
        output_path=out,
        temp_path=str(tmp_path / "combiner"),
        gvcf_paths=paths,
        reference_genome="GRCh38",
        intervals=[window],
    ).run()
    return out


def test_vds_reference_blocks_prove_coverage_as_gvcf_blocks_do(hail_session, tmp_path):
    """Each sample of a VDS is called as its own gVCF is by the CLI: blocks prove the sites,
    the hole over E77X leaves DIRA01 not assessed, the carrier's variant is found."""
    from il1rn_annot.hail import report

    text = vcf_text(["GVCF_CARRIER"], CARRIER_GVCF, chrom="chr2", header=GVCF_HEADER)
    carrier = write_input(tmp_path, "carrier.g", text)
    paths = [
        str(ROOT / "examples/dira_gvcf_complete.g.vcf.gz"),
        str(ROOT / "examples/dira_gvcf_hole.g.vcf.gz"),
        str(carrier),
    ]
    spark = {s.sample: s for s in report(_combined(tmp_path, paths)).samples}
    assert set(spark) == {"GVCF_COMPLETE", "GVCF_HOLE_C229", "GVCF_CARRIER"}
    for path in paths:
        (alone,) = annotate(path, Options()).samples
        # The combiner keeps no FILTER column: the VDS's records show '.', the gVCF's PASS.
        mine, cli = _sample(spark[alone.sample]), _sample(alone)
        assert [v[10] for v in mine["variants"]] == ["."] * len(cli["variants"])
        mine["variants"] = [v[:10] + v[11:] for v in mine["variants"]]
        cli["variants"] = [v[:10] + v[11:] for v in cli["variants"]]
        assert mine == cli, (mine["variants"], cli["variants"])
    assert spark["GVCF_COMPLETE"].coverage.proven_reference
    assert spark["GVCF_HOLE_C229"].coverage.sites_not_assessed == ["DIRA01"]
    assert spark["GVCF_HOLE_C229"].dira_genotype == "indeterminate"
    assert spark["GVCF_CARRIER"].dira_genotype == "monoallelic"


def test_only_the_evidence_the_rules_need_reaches_the_driver(hail_session, tmp_path):
    """Away from catalog sites a row brings only its samples that are not plain 0/0; over a
    catalog site (within 200 bp) every sample's call, which proves coverage there."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.genotype import catalog_sites
    from il1rn_annot.hail.collect import collect, open_input

    text = _whole_gts(_cohort_text(0))
    path = str(write_input(tmp_path, "cohort", text))
    sites = [(s.start - 200, s.end + 200) for s in catalog_sites(load_catalog(), "GRCh38")]
    mt, label, (build, source, contig) = open_input(path)
    found = collect(mt, label, build, source, contig, sites, (112_953_203, 113_154_016))
    gts = {
        int(line.split("\t")[1]): [c.split(":")[0] for c in line.split("\t")[9:]]
        for line in text.splitlines()
        if not line.startswith("#")
    }
    assert {r.pos for r in found.rows} == set(gts)
    sparse = 0
    for row in found.rows:
        near_site = any(row.pos <= b and row.stop >= a for a, b in sites)
        expected = [i for i, gt in enumerate(gts[row.pos]) if near_site or gt != "0/0"]
        assert [i for i, _ in row.calls] == expected, row.pos
        sparse += not near_site
    assert sparse >= 10
    assert sum(len(r.calls) for r in found.rows) < len(found.rows) * len(found.samples)
