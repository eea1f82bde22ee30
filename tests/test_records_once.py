"""Records, once (schema 2.0, design.md "Contracts"): what an allele is is written once, in
``records``; a sample's variant holds the sample's own evidence and the record's index. So a
cohort's JSON grows with records plus the alleles samples carry, not with samples x records.

The cohorts here are synthetic: SNVs at positions inside the GRCh38 IL1RN window whose REF is the
catalog's known base where it has one, else a made-up base (no --fasta is given, so nothing
checks it against the genome)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from conftest import joined, sample, vcf_text, write_input

from il1rn_annot.catalog import load_catalog
from il1rn_annot.model import Options
from il1rn_annot.pipeline import annotate as run_pipeline
from il1rn_annot.report.json import json_chunks, render_json

KNOWN = dict(load_catalog().known_bases("GRCh38"))
E77X = "113131068 G T"  # DIRA01, GRCh38


def _site(k: int) -> str:
    """The k-th synthetic SNV, 37 bp apart from 113,125,001 (inside the window, clear of E77X)."""
    pos = 113_125_001 + 37 * k
    ref = KNOWN.get(pos, "ACGT"[pos % 4])
    return f"{pos} {ref} {'G' if ref != 'G' else 'A'}"


def _rows(n_records: int, cells: str) -> list[str]:
    return [f"{_site(k)} PASS GT:DP:GQ {cells}" for k in range(n_records)]


def _cohort(n_samples: int, n_records: int, cell: str) -> str:
    names = [f"S{i:04d}" for i in range(n_samples)]  # one width: every entry the same size
    return vcf_text(names, _rows(n_records, " ".join([cell] * n_samples)))


def _report_text(tmp_path, run, text: str, name: str) -> str:
    path = write_input(tmp_path, name, text, "vcf.gz+tbi")
    out = tmp_path / f"{name}.json"
    result = run("annotate", path, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out.read_text()


def _parts(text: str) -> tuple[str, str]:
    """The report's ``records`` text and its ``samples`` text."""
    records = text[text.index('\n  "records": [') : text.index('\n  "clinvar": ')]
    samples = text[text.index('\n  "samples": [') :]
    return records, samples


@pytest.mark.parametrize("genotype", ["0/0", "0/1"])
def test_cohort_json_grows_with_records_plus_carried_alleles(tmp_path, run, genotype):
    """200 and 400 samples over 10 and over 40 records, all 0/0 (the issue's case) or all
    carrying every record's ALT: the records part is the same whatever the number of samples,
    and a sample adds its entry plus a few lines per allele it carries, never the record's
    annotation (in schema 1.x each carried allele repeated its record: about 1 kB)."""
    size: dict[tuple[int, int], tuple[str, str]] = {}
    for n_samples in (200, 400):
        for n_records in (10, 40):
            cohort = _cohort(n_samples, n_records, f"{genotype}:30:60")
            text = _report_text(tmp_path, run, cohort, f"c{n_samples}x{n_records}")
            report = json.loads(text)
            assert len(report["records"]) == n_records
            carried = {len(s["variants"]) for s in report["samples"]}
            assert carried == {0 if genotype == "0/0" else n_records}
            size[n_samples, n_records] = _parts(text)
    for n_records in (10, 40):
        assert size[200, n_records][0] == size[400, n_records][0]  # records: written once
    per_sample = {n: (len(size[400, n][1]) - len(size[200, n][1])) / 200 for n in (10, 40)}
    per_record = (len(size[400, 40][0]) - len(size[400, 10][0])) / 30
    per_carried = (per_sample[40] - per_sample[10]) / 30
    assert per_record > 700  # a record, with its annotation
    if genotype == "0/0":
        assert per_carried == 0
    else:
        assert 150 < per_carried < 300  # the sample's own eight fields: a third of a record


def test_a_carried_allele_adds_the_sample_s_evidence_only(tmp_path, run):
    """A carrier's variant entry costs the same few lines whatever the record says of the allele:
    E77X (a catalog allele with HGVS, names, legacy names) adds to a sample's variants what a bare
    SNV adds."""
    names = ["S1", "S2", "S3", "S4"]
    growth = {}
    for site in (_site(0), E77X):
        sizes = []
        for cells in ("0/0:30:60 " * 4, "0/1:30:60 " * 2 + "0/0:30:60 " * 2):
            text = vcf_text(names, [f"{site} PASS GT:DP:GQ {cells.strip()}"])
            report = _report_text(tmp_path, run, text, f"r{len(growth)}{len(sizes)}")
            sizes.append(
                sum(map(len, re.findall(r'"variants": (\[\]|\[\n.*?\n      \])', report, re.S)))
            )
        growth[site] = sizes[1] - sizes[0]
        (variant,) = json.loads(report)["samples"][0]["variants"]
        assert (variant["record"], variant["genotype"], variant["zygosity"]) == (0, "0/1", "het")
    # Two carriers, one variant entry each; E77X's entries only name DIRA01 instead of null.
    assert growth[E77X] == growth[_site(0)] + 2 * (len('"DIRA01"') - len("null"))


def test_json_is_streamed_a_sample_at_a_time(tmp_path):
    """The writer yields the head (records included), then one piece per sample: never the
    cohort's report as one text; and a hom-ref sample's piece does not grow with the records."""
    pieces = {}
    for n_records in (5, 30):
        path = write_input(
            tmp_path, f"s{n_records}", _cohort(50, n_records, "0/0:30:60"), "vcf.gz+tbi"
        )
        report = run_pipeline(str(path), Options())
        chunks = list(json_chunks(report))
        assert len(chunks) == 1 + 50 + 1  # head, one per sample, the closing brackets
        assert "".join(chunks) == render_json(report)
        pieces[n_records] = [len(c) for c in chunks[1:-1]]
    assert pieces[5] == pieces[30]


def test_every_sample_variant_names_its_record_and_allele(annotate):
    """A multi-allelic record is one entry of ``records`` per ALT: a 1/2 sample has two
    variants, each naming its own ALT's entry; the sample's own fields are its call's."""
    text = vcf_text(
        ["A", "B"],
        [f"{E77X.rsplit(' ', 1)[0]} T,C PASS GT:DP:GQ:PS 1/2:31:50:. 0|1:12:25:7"],
    )
    report = annotate(text)
    assert [(r["index"], r["alt"], r["dira_id"]) for r in report["records"]] == [
        (0, "T", "DIRA01"),
        (1, "C", None),
    ]
    a = sample(report, "A")["variants"]
    assert [(v["record"], v["alt"], v["genotype"], v["zygosity"], v["depth"]) for v in a] == [
        (0, "T", "1/2", "het", 31),
        (1, "C", "1/2", "het", 31),
    ]
    (b,) = joined(report, report["samples"][1])
    assert (b["record"], b["dira_id"], b["phase_set"], b["gq"]) == (0, "DIRA01", 7, 25)


def test_a_sample_allele_missing_from_records_is_a_bug_not_a_null(tmp_path):
    """A report whose sample carries an allele ``records`` lacks cannot be written records-once:
    the writer refuses (an internal error, exit 1 from the CLI) instead of losing the allele."""
    path = write_input(tmp_path, "in", vcf_text(["s"], [f"{E77X} PASS GT 1/1"]), "vcf.gz+tbi")
    report = run_pipeline(str(path), Options())
    assert render_json(report)
    with pytest.raises(ValueError, match="not among the report's records"):
        render_json(replace(report, records=[]))


def test_split_sample_reports_hold_every_record_of_the_window(tmp_path, run):
    """--split-samples: each sample's report has the window's records (as a one-sample file
    would) and its variants name them; joined, they are the cohort report's for that sample."""
    rows = [f"{E77X} PASS GT:DP:GQ 0/1:30:60 0/0:30:60", *_rows(3, "0/0:30:60 1/1:30:60")]
    path = write_input(tmp_path, "cohort", vcf_text(["A", "B"], sorted(rows)), "vcf.gz+tbi")
    whole = run("annotate", path)
    assert whole.exit_code == 0, whole.stderr
    cohort = whole.json()
    out = tmp_path / "split"
    result = run("annotate", path, "--output-dir", out, "--split-samples")
    assert result.exit_code == 0, result.stderr
    for name, carried in (("A", 1), ("B", 3)):
        one = json.loads((out / f"cohort.{name}.json").read_text())
        assert one["records"] == cohort["records"]
        assert len(one["samples"][0]["variants"]) == carried
        assert sample(one, name)["variants"] == sample(cohort, name)["variants"]
