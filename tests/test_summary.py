"""The terminal summary (``--format summary``): review flags and uncertain variants on the
sample's own line, the codes in plain words, and what to do next with an open call (issue 9,
item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.model import Options
from il1rn_annot.pipeline import annotate
from il1rn_annot.report.summary import render_summary

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "dira_example.vcf.gz"


@pytest.fixture(scope="module")
def lines() -> dict[str, list[str]]:
    """Each sample of the bundled example: its row, then the indented lines under it."""
    text = render_summary(annotate(str(EXAMPLE), Options()))
    out: dict[str, list[str]] = {}
    last = ""
    for line in text.splitlines()[3:]:  # after the header, the catalogued alleles, the columns
        if line.startswith(" "):
            out[last].append(line.strip())
        else:
            last = line.split()[0]
            out[last] = [line]
    return out


def columns(row: str) -> list[str]:
    return [cell.strip() for cell in row.split("  ") if cell.strip()]


@pytest.mark.parametrize(
    ("name", "call", "words"),
    [
        ("AFFECTED_HOM", "biallelic", "two pathogenic copies (homozygous or compound het"),
        ("COMPOUND_HET", "biallelic_unphased", "compound heterozygous if in trans (phase unknown)"),
        ("CARRIER", "monoallelic", "carrier (one pathogenic copy); other sites not proven"),
        ("BENIGN_ONLY", "none", "no catalogued pathogenic allele found; sites not proven"),
        ("NO_CALL", "indeterminate, REVIEW", "not assessable"),
        ("NOVEL_FS_HOM", "none, REVIEW", "no catalogued pathogenic allele found; sites not proven"),
        ("NOVEL_MISSENSE_HET", "none", "no catalogued pathogenic allele found; sites not proven"),
    ],
)
def test_call_column_shows_review_and_plain_words(lines, name, call, words):
    cells = columns(lines[name][0])
    assert cells[1] == call
    assert cells[2].startswith(words)


def test_homozygous_novel_frameshift_is_flagged_on_its_own_line(lines):
    row = lines["NOVEL_FS_HOM"][0]
    assert "REVIEW" in row and "c.432del p.(Trp144fs) (exon 4) hom_alt (1/1)" in row
    assert lines["NOVEL_FS_HOM"][1].startswith("review: novel predicted loss-of-function")


def test_uncertain_missense_is_listed(lines):
    assert columns(lines["NOVEL_MISSENSE_HET"][0])[3] == (
        "uncertain: c.432G>T p.(Trp144Cys) (exon 4) het (0/1)"
    )


def test_known_non_dira_allele_of_uncertain_significance_is_listed():
    """CTRL11, a ClinVar loss that spares the coding exons: no location, so its consequence."""
    report = annotate(str(ROOT / "examples" / "dira_sv_example.vcf.gz"), Options())
    row = next(x for x in render_summary(report).splitlines() if x.startswith("UPSTREAM_LOSS"))
    assert "uncertain: CTRL11 (upstream_gene_variant) hom_alt (1/1)" in row


def test_next_step_for_open_calls_only(lines):
    from il1rn_annot.report.summary import NEXT

    assert lines["NO_CALL"][-1] == f"next: {NEXT['indeterminate']}"
    assert "not a negative result" in NEXT["indeterminate"]
    assert lines["COMPOUND_HET"][-1] == f"next: {NEXT['biallelic_unphased']}"
    for name in ("AFFECTED_HOM", "CARRIER", "BENIGN_ONLY", "NOVEL_MISSENSE_HET"):
        assert not any(x.startswith("next:") for x in lines[name])


def test_every_call_has_plain_words():
    from il1rn_annot.model import BIALLELIC, BIALLELIC_UNPHASED, INDETERMINATE, MONOALLELIC, NONE
    from il1rn_annot.report.summary import WORDS

    assert set(WORDS) == {BIALLELIC, BIALLELIC_UNPHASED, MONOALLELIC, NONE, INDETERMINATE}


def test_proven_none_has_no_proof_caveat(run):
    gvcf = ROOT / "examples" / "dira_gvcf_complete.g.vcf.gz"
    row = run("annotate", gvcf, "--format", "summary").stdout.splitlines()[3]
    assert columns(row)[1:] == ["none", "no catalogued pathogenic allele found", "-"]


def test_report_warnings_are_under_the_header(tmp_path):
    path = write_input(tmp_path, "in", vcf_text(["S"], ["113131068 G T PASS GT 0/1"]))
    report = annotate(str(path), Options())
    report.warnings.append("3 records out of order")
    text = render_summary(report).splitlines()
    assert text[1] == "# warning: 3 records out of order"
    assert text[2].startswith("# catalogued alleles in the file: DIRA01 c.229G>T (E77X)")
    assert text[3].split() == ["sample", "call", "in", "plain", "words", "alleles"]
