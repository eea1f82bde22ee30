"""What the fuzz suite (tests/test_fuzz.py) found: one minimal case each, failing before its fix.

Each test names the function its fix touched.
"""

from __future__ import annotations

import pysam
import pytest
from conftest import vcf_text, write_input

E77X = "113131068"


def test_annotated_vcf_of_a_record_with_an_empty_ref_beside_another_at_its_position(tmp_path, run):
    """record_text.with_text: htslib reads an empty REF as '.', so the record's line is found
    by position; two records at that position made the line unclaimed, and --format vcf ended
    in an internal error (exit 1). The line whose ID and ALT agree is the record's."""
    text = vcf_text(["s1"], [f"{E77X} G T PASS GT 0/0", f"{E77X} G C PASS GT 0/0"])
    text = text.replace(f"\t{E77X}\t.\tG\tT\t", f"\t{E77X}\t.\t\tT\t")
    path = write_input(tmp_path, "in", text, "vcf")
    out = tmp_path / "out.vcf"
    result = run("annotate", path, "--format", "vcf", "-o", out)
    assert result.exit_code in (0, 3), result.stderr
    if result.exit_code == 0:
        body = [line for line in out.read_text().splitlines() if not line.startswith("#")]
        assert [line.split("\t")[3] for line in body] == ["", "G"]
    else:
        assert not out.exists()


@pytest.mark.parametrize("stray", ["\r", "\x0b", "\x1c", "\u2028"])
def test_annotated_vcf_of_a_header_line_with_a_stray_line_break(tmp_path, run, stray):
    """report/vcf.render_vcf: a header line with a CR (or another character Python splits
    lines at) inside, which htslib accepts, was split by the annotated VCF into a line that is
    no header line: htslib could not read the output. Lines now end at newlines only."""
    text = vcf_text(["s1"], [f"{E77X} G T PASS GT 0/1"], header=[f"##source=a{stray}b"])
    path = write_input(tmp_path, "in", text, "vcf")
    out = tmp_path / "out.vcf"
    result = run("annotate", path, "--format", "vcf", "-o", out)
    assert result.exit_code == 0, result.stderr
    with pysam.VariantFile(str(out)) as vf:
        assert [r.pos for r in vf] == [int(E77X)]


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
@pytest.mark.parametrize("cut", ["2\t11311", "2\t113116130\t.\tA", "chr5\t100\t.\tA\tG\t."])
def test_last_line_cut_short_is_an_input_error(tmp_path, run, encoding, cut):
    """stream._State.line: a file cut inside its last record line (a copy cut short at a
    block boundary, then given an end-of-file marker) was read as complete: the cut line
    became a record, or was passed over. A last line without its newline and with fewer than
    the 8 columns of a record is a truncated file."""
    text = vcf_text(["s1"], [f"{E77X} G T PASS GT 0/1"]) + cut
    path = write_input(tmp_path, "in", text, encoding)
    out = tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    assert result.exit_code == 3, result.stderr
    assert "cut short" in result.stderr and "truncated" in result.stderr
    assert not out.exists()
