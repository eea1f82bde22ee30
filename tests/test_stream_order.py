"""Issue 9 A, H, 7: a file read without an index is read to the end; chromosome 2 under any name
is one chromosome; out-of-order records, odd names and an empty window are report warnings."""

from __future__ import annotations

import pytest
from conftest import ENCODINGS, calls, vcf_text, write_input

SAMPLES = ("homozygote", "carrier", "reference")
E77X = "113131068 G T PASS GT:GQ:DP 1/1:99:30 0/1:99:30 0/0:99:30"
EXPECTED = {"homozygote": "biallelic", "carrier": "monoallelic", "reference": "none"}
#: Past the window: a sorted stream used to stop at this record.
FAR = "150000000 A C PASS GT:GQ:DP 0/1:99:30 0/1:99:30 0/1:99:30"
UNINDEXED = ["vcf", "vcf.gz", "bcf"]


def chr2_row(chrom: str, row: str) -> str:
    p, ref, alt, filt, fmt, *gts = row.split()
    return "\t".join([chrom, p, ".", ref, alt, ".", filt, ".", fmt, *gts]) + "\n"


def read_as_expected(result) -> dict:
    """The report of a run that succeeded with the EXPECTED calls."""
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert calls(report) == EXPECTED
    return report


def warnings_of(report: dict, words: str) -> list[str]:
    return [w for w in report["warnings"] if words in w]


@pytest.mark.parametrize("encoding", [*UNINDEXED, "stdin"])
def test_record_far_out_of_order_does_not_hide_the_window(tmp_path, run, encoding):
    """One record far past IL1RN, first in the file: the stream used to stop there, and every
    sample was `none`."""
    text = vcf_text(SAMPLES, [FAR, E77X])
    if encoding == "stdin":
        result = run("annotate", "-", input=text)
    else:
        result = run("annotate", write_input(tmp_path, "unsorted", text, encoding))
    report = read_as_expected(result)
    [warning] = warnings_of(report, "out of POS order")
    assert "2:113131068" in warning and "2:150000000" in warning
    assert "il1rn-annot: warning: " in result.stderr and "out of POS order" in result.stderr


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
def test_out_of_order_warning_names_the_lines(tmp_path, run, encoding):
    text = vcf_text(SAMPLES, [FAR, E77X])
    report = run("annotate", write_input(tmp_path, "unsorted", text, encoding)).json()
    [warning] = warnings_of(report, "out of POS order")
    first_record = text.splitlines().index(next(x for x in text.splitlines() if "150000000" in x))
    assert f"2:113131068 (line {first_record + 2}) comes after 2:150000000 (line " in warning


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_chromosome_2_named_two_ways_is_one_chromosome(tmp_path, run, encoding):
    """`2` records (one in the window, one past it), then the E77X record as `chr2`: both names
    are read, as one chromosome, and the report says so."""
    near = "113129000 A G PASS GT:GQ:DP 0/0:99:30 0/0:99:30 0/0:99:30"
    text = vcf_text(SAMPLES, [near, FAR]).replace(
        "##contig=<ID=2,", "##contig=<ID=chr2,length=242193529>\n##contig=<ID=2,"
    ) + chr2_row("chr2", E77X)
    result = run("annotate", write_input(tmp_path, "mixed", text, encoding))
    report = read_as_expected(result)
    [naming] = warnings_of(report, "the records name chromosome 2")
    assert "'2'" in naming and "'chr2'" in naming


@pytest.mark.parametrize("spelling", ["CHR2", "Chr2", "chr02"])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "vcf.gz+tbi"])
def test_undeclared_spelling_of_chromosome_2_is_read_with_a_warning(
    tmp_path, run, encoding, spelling
):
    """The header declares `2`; the E77X record says `Chr2`: it used to be skipped (`none`)."""
    near = "113129000 A G PASS GT:GQ:DP 0/0:99:30 0/0:99:30 0/0:99:30"
    text = vcf_text(SAMPLES, [near]) + chr2_row(spelling, E77X)
    result = run("annotate", write_input(tmp_path, "odd", text, encoding))
    report = read_as_expected(result)
    [naming] = warnings_of(report, "the records name chromosome 2")
    assert f"'{spelling}': not 2, chr2 or NC_000002.x" in naming


def test_sorted_stream_has_no_warning(tmp_path, run):
    """The control: a sorted file with one chr2 name reads without a warning."""
    text = vcf_text(SAMPLES, [E77X, FAR])
    result = run("annotate", write_input(tmp_path, "sorted", text, "vcf.gz"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.json()["warnings"] == []
    assert calls(result.json()) == EXPECTED


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "rows", [[], [FAR], ["113000000 A C PASS GT:GQ:DP 0/1:99:30 0/1:99:30 0/1:99:30"]],
    ids=["header_only", "far_away", "just_before"],
)  # fmt: skip
def test_empty_window_is_a_warning_in_every_format(tmp_path, run, encoding, rows):
    path = write_input(tmp_path, "empty", vcf_text(SAMPLES, rows), encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert calls(report) == dict.fromkeys(SAMPLES, "none")
    [warning] = report["warnings"]
    assert warning.startswith("no record in the IL1RN window 2:113094315-113139016 (GRCh38)")
    assert result.stderr.count("no record in the IL1RN window") == 1
    summary = run("annotate", path, "--format", "summary")
    assert "# warning: no record in the IL1RN window" in summary.stdout


def test_window_with_records_has_no_empty_window_warning(tmp_path, run):
    result = run("annotate", write_input(tmp_path, "in", vcf_text(SAMPLES, [E77X]), "vcf"))
    assert result.json()["warnings"] == []


# --- the block scan: what it skips at C speed must not hide anything ---------------------------


def _big(rows_before: list[str], hidden: str, rows_after: list[str]) -> str:
    """A sorted chr2 part, then over 2 MB of chr3 lines (several scan blocks) with ``hidden``
    (a raw record line) in their middle, then ``rows_after``."""
    head = vcf_text(SAMPLES, rows_before).replace(
        "##contig=<ID=2,", "##contig=<ID=3,length=198295559>\n##contig=<ID=2,"
    )
    chr3 = [
        f"3\t{1000 + 10 * i}\t.\tA\tC\t.\tPASS\t.\tGT:GQ:DP\t0/1:99:30\t0/1:99:30\t0/1:99:30\n"
        for i in range(40_000)
    ]
    return head + "".join(chr3[:25_000]) + hidden + "".join(chr3[25_000:]) + "".join(rows_after)


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
@pytest.mark.parametrize("chrom", ["2", "Chr2"])
def test_record_hidden_among_other_chromosomes_is_found(tmp_path, run, encoding, chrom):
    text = _big([FAR], chr2_row(chrom, E77X), [])
    assert len(text) > 2 << 20
    result = run("annotate", write_input(tmp_path, "hidden", text, encoding))
    report = read_as_expected(result)
    line = text.splitlines().index(chr2_row(chrom, E77X).rstrip("\n")) + 1
    [order] = warnings_of(report, "out of POS order")
    assert f"{chrom}:113131068 (line {line}) comes after 2:150000000 (line " in order


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
def test_line_without_tabs_among_other_chromosomes_is_an_error(tmp_path, run, encoding):
    text = _big([E77X], "3 5000 . A C . PASS . GT 0/1 0/1 0/1\n", [])
    path = write_input(tmp_path, "spaces", text, encoding)
    result = run("annotate", path)
    assert result.exit_code == 3, result.stderr
    line = text.splitlines().index("3 5000 . A C . PASS . GT 0/1 0/1 0/1") + 1
    assert result.stderr == (
        f"il1rn-annot: error: {path}: line {line}: not a VCF record (no tab-separated columns)\n"
    )


def test_last_line_without_newline_is_read(tmp_path, run):
    text = vcf_text(SAMPLES, [FAR, E77X]).rstrip("\n")
    result = run("annotate", write_input(tmp_path, "noeol", text, "vcf"))
    assert result.exit_code == 0, result.stderr
    assert calls(result.json()) == EXPECTED


def test_plain_gzip_on_stdin_is_read(run):
    """stdin is spooled; plain gzip (not BGZF) is decompressed on the way."""
    import gzip

    data = gzip.compress(vcf_text(SAMPLES, [FAR, E77X]).encode())
    result = run("annotate", "-", input=data)
    assert result.exit_code == 0, result.stderr
    assert calls(result.json()) == EXPECTED


def test_sv_call_set_without_a_window_record_gives_no_warning(tmp_path, caplog):
    """No SV in IL1RN is the usual state of an SV call set: the --sv file reads quietly."""
    from il1rn_annot.reader import read_window

    path = write_input(tmp_path, "sv", vcf_text(SAMPLES, [FAR]), "vcf.gz+tbi")
    assert read_window(str(path), build="GRCh38", empty_window_warning=False).warnings == ()
    assert caplog.records == []
    [warning] = read_window(str(path), build="GRCh38").warnings
    assert warning.startswith("no record in the IL1RN window")
