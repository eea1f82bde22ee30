"""What the fuzz suite (tests/test_fuzz.py) found: one minimal case each, failing before its fix.

Each test names the function its fix touched.
"""

from __future__ import annotations

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
