"""Issue 9 E, F, G, H, I: records the reader used to misread (MIN_DP for DP, GT text htslib
forgives, ALT equal to REF, a deletion whose END htslib drops) and inputs that ended in an
internal error (non-UTF-8 bytes, a damaged BCF, short records, non-finite numbers)."""

from __future__ import annotations

import gzip
import struct

import pysam
import pytest
from conftest import calls, sample, vcf_text, write_input

PREFIX = "il1rn-annot: error: "
MIN_DP = '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP in the block">'


def one_error(result, path, *words: str) -> str:
    """Exit 3, one error line naming ``path`` and ``words``, nothing on stdout."""
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{PREFIX}{path}: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert "unexpected" not in lines[0] and "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


# --- F: a variant call is judged by its DP; MIN_DP is for reference blocks ---------------------


@pytest.mark.parametrize("min_dp", [".", "", "40"])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf"])
def test_min_dp_does_not_mask_a_low_dp(annotate, encoding, min_dp):
    row = f"113131068 G T PASS GT:DP:MIN_DP 1/1:3:{min_dp}"
    report = annotate(vcf_text(["S"], [row], header=[MIN_DP]), encoding=encoding)
    s = sample(report, "S")
    assert s["dira_genotype"] == "indeterminate"
    assert any("DP=3<10" in r for r in s["review_reasons"])
    assert s["variants"][0]["depth"] == 3


def test_without_min_dp_the_same_call_is_indeterminate(annotate):
    """The control the tester compared with: DP=3 alone."""
    report = annotate(vcf_text(["S"], ["113131068 G T PASS GT:DP 1/1:3"]))
    assert calls(report) == {"S": "indeterminate"}


@pytest.mark.parametrize(
    ("min_dp", "dp", "passes"),
    [("3", "40", False), (".", "3", False), ("40", "3", True), (".", "40", False)],
)
def test_reference_block_depth_is_min_dp_else_dp(annotate, min_dp, dp, passes):
    """In a gVCF block MIN_DP is the depth; a declared MIN_DP left missing is missing, whatever
    the block's DP (a mean proves no minimum)."""
    header = [MIN_DP, '##ALT=<ID=NON_REF,Description="Any other allele">']
    row = f"113131000 G <NON_REF> PASS INFO=END=113131200 GT:DP:MIN_DP:GQ 0/0:{dp}:{min_dp}:50"
    report = annotate(vcf_text(["S"], [row], header=header))
    cov = sample(report, "S")["coverage"]
    assert ("DIRA01" in cov["sites_called"]) is passes
    assert ("DIRA01" in cov["sites_not_assessed"]) is not passes


# --- G: GT text outside the VCF grammar --------------------------------------------------------


@pytest.mark.parametrize("gt", ["+1/1", "1/+1", "00000000000000000001/1", "01/1"])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "vcf.gz+tbi", "vcf.gz+csi", "stdin"])
def test_gt_htslib_forgives_is_an_input_error(tmp_path, run, encoding, gt):
    """htslib reads these as 1/1: a reference sample would become `biallelic`."""
    text = vcf_text(["R", "S"], [f"113131068 G T PASS GT 0/0 {gt}"])
    if encoding == "stdin":
        result, path = run("annotate", "-", input=text), "<stdin>"
    else:
        path = write_input(tmp_path, "gt", text, encoding)
        result = run("annotate", path, "-o", tmp_path / "out.json")
    one_error(result, path, f"malformed GT '{gt}'", "sample column 2", "2:113131068")
    assert not (tmp_path / "out.json").exists()


# --- H: records whose content cannot be trusted ------------------------------------------------


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf"])
def test_alt_equal_to_ref_at_a_catalog_site_is_unassessed(annotate, encoding):
    text = vcf_text(["S", "R"], ["113131068 G G PASS GT:GQ:DP 1/1:99:30 0/0:99:30"])
    report = annotate(text, encoding=encoding)
    s = sample(report, "S")
    assert s["dira_genotype"] == "indeterminate"
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    assert sample(report, "R")["dira_genotype"] == "none"
    [warning] = report["warnings"]
    assert warning.startswith("2:113131068: ALT equals REF (G)")


FOUNDER_END_BEFORE_POS = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=112950000 GT 1/1 0/0"


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "vcf.gz+tbi", "bcf+csi"])
@pytest.mark.parametrize("info", ["SVTYPE=DEL;END=112950000", "SVTYPE=DEL"], ids=["end", "none"])
def test_deletion_without_a_usable_end_is_not_dropped(annotate, encoding, info):
    """htslib drops an END before POS: the founder deletion (POS 134 kb before the window)
    looked one base long and was dropped, and the homozygote became `none`."""
    row = f"112960000 N <DEL> PASS INFO={info} GT 1/1 0/0"
    report = annotate(vcf_text(["HOM", "REF"], [row]), encoding=encoding)
    assert sample(report, "HOM")["dira_genotype"] == "indeterminate"
    assert sample(report, "HOM")["needs_review"] is True
    assert sample(report, "REF")["dira_genotype"] == "none"
    [warning] = [w for w in report["warnings"] if "extent" in w]
    assert warning.startswith("2:112960000: <DEL> has no usable END")


# --- E: duplicate sample names -----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "vcf.gz+tbi", "stdin"])
def test_duplicate_sample_name_is_named(tmp_path, run, encoding):
    text = vcf_text(["A", "B", "A"], ["113131068 G T PASS GT 0/0 0/1 1/1"])
    if encoding == "stdin":
        result, path = run("annotate", "-", input=text), "<stdin>"
    else:
        path = write_input(tmp_path, "dup", text, encoding)
        result = run("annotate", path)
    line = one_error(result, path, "duplicate sample name 'A'", "columns 10 and 12")
    assert "not a VCF" not in line


# --- I: inputs that ended in an internal error -------------------------------------------------


def _latin1_header(tmp_path, encoding):
    text = vcf_text(["S"], ["113131068 G T PASS GT 1/1"], header=["##source=caf\xe9"])
    plain = tmp_path / "latin1.vcf"
    plain.write_bytes(text.encode("latin-1"))
    if encoding == "vcf.gz":
        gz = tmp_path / "latin1.vcf.gz"
        pysam.tabix_compress(str(plain), str(gz), force=True)
        return gz
    return plain


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
def test_non_utf8_header_line_is_named(tmp_path, run, encoding):
    path = _latin1_header(tmp_path, encoding)
    lines = path.read_bytes() if encoding == "vcf" else gzip.decompress(path.read_bytes())
    number = lines.split(b"\n").index(b"##source=caf\xe9") + 1
    one_error(run("annotate", path), path, f"header line {number}", "not UTF-8")


def test_non_utf8_sample_name_is_named(tmp_path, run):
    text = vcf_text(["Jos\xe9"], ["113131068 G T PASS GT 1/1"])
    path = tmp_path / "name.vcf"
    path.write_bytes(text.encode("latin-1"))
    number = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("#CHROM")))
    one_error(run("annotate", path), path, f"header line {number + 1}", "not UTF-8")


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi"])
def test_non_utf8_in_a_window_record(tmp_path, run, encoding):
    text = vcf_text(["S"], ["113131068 G T PASS GT 1/1"]).replace("\t.\tG\tT", "\tid\xe9\tG\tT")
    plain = tmp_path / "rec.vcf"
    plain.write_bytes(text.encode("latin-1"))
    path = plain
    if encoding != "vcf":
        path = tmp_path / "rec.vcf.gz"
        pysam.tabix_compress(str(plain), str(path), force=True)
        pysam.tabix_index(str(path), preset="vcf", force=True)
    one_error(run("annotate", path), path, "not UTF-8")


def test_damaged_bcf_reports_the_parse_error_not_the_close(tmp_path, run):
    """htslib also fails to close a BCF whose record block is damaged; that second error used to
    replace the first, as an internal error."""
    rows = ["113129619 C T PASS GT:GQ:DP 0/0:99:30", "113131068 G T PASS GT:GQ:DP 0/1:99:30"]
    good = write_input(tmp_path, "good", vcf_text(["S"], rows), "bcf")
    data = bytearray(good.read_bytes())
    second_block = struct.unpack("<H", data[16:18])[0] + 1  # BSIZE of the header's block
    data[second_block + 18] ^= 0xFF  # the first byte of the records' deflate data
    path = tmp_path / "damaged.bcf"
    path.write_bytes(bytes(data))
    one_error(run("annotate", path), path, "BCF")


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi"])
def test_record_with_fewer_columns_than_the_header(tmp_path, run, encoding):
    text = vcf_text(["S", "T"], ["113129619 C T PASS GT 0/0 0/1", "113131068 G T PASS"])
    path = write_input(tmp_path, "short", text, encoding)
    one_error(run("annotate", path), path, "2:113131068", "8 columns", "need 11")


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999"])
def test_non_finite_number_in_a_format_field(tmp_path, run, value):
    text = vcf_text(["S"], [f"113131068 G T PASS GT:GQ 1/1:{value}"]).replace(
        "ID=GQ,Number=1,Type=Integer", "ID=GQ,Number=1,Type=Float"
    )
    path = write_input(tmp_path, "inf", text, "vcf")
    one_error(run("annotate", path), path, "2:113131068", "FORMAT/GQ", "not a finite number")


def test_control_characters_from_the_input_are_escaped(tmp_path, run):
    text = vcf_text(["S"], [], chrom="c\rh\tr1")
    path = tmp_path / "ctl.vcf"
    path.write_text(text.replace("c\rh\tr1\t", "c\rh\tr1\t"))
    line = one_error(run("annotate", path), path)
    assert "\\t" in line or "\\r" in line


@pytest.mark.parametrize("column", ["1/1:.:60", "1/1:.:.", "1/1"])
def test_declared_but_missing_depth_is_never_a_pass(annotate, column):
    """DP declared in FORMAT but '.' (or dropped as a trailing field) is unknown depth: the
    homozygous call is not trusted as if it had passed --min-dp."""
    report = annotate(vcf_text(["S"], [f"113131068 G T PASS GT:DP:GQ {column}"]))
    s = sample(report, "S")
    assert s["dira_genotype"] == "indeterminate"
    assert any("DP missing" in r for r in s["review_reasons"])


def test_a_file_without_dp_is_judged_on_its_gt(annotate):
    """A GT-only file declares no depth: nothing is missing, and the call stands."""
    report = annotate(vcf_text(["S"], ["113131068 G T PASS GT 1/1"]))
    assert calls(report) == {"S": "biallelic"}
