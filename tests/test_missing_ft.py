"""A per-sample FT that is missing in a BCF. htslib marks a missing string with the byte 0x07,
and pysam pads an FT it was never given with it; both readers must take it as no filter, not as
a filter named by control bytes that fails a good call (zygosity.sample_flags, mutant #3)."""

from __future__ import annotations

import pysam
import pytest
from conftest import CHR2_LENGTH, FORMAT_LINES, calls, sample

from il1rn_annot.records import sample_filter

E77X = (113131068, "G", "T")


def _pysam_bcf(path, n_samples: int) -> None:
    """A BCF written through pysam's API: the first sample carries E77X with FT=PASS, every
    other is a good reference call whose FT is never set."""
    header = pysam.VariantHeader()
    header.add_line("##fileformat=VCFv4.2")
    header.add_line(f"##contig=<ID=2,length={CHR2_LENGTH['GRCh38']}>")
    for line in FORMAT_LINES:
        header.add_line(line)
    names = [f"S{i:03d}" for i in range(n_samples)]
    for name in names:
        header.add_sample(name)
    with pysam.VariantFile(str(path), "wb", header=header) as out:
        record = out.new_record(contig="2", start=E77X[0] - 1, alleles=E77X[1:])
        for i, name in enumerate(names):
            record.samples[name]["GT"] = (0, 1) if i == 0 else (0, 0)
            record.samples[name]["DP"] = 40
            record.samples[name]["GQ"] = 99
            if i == 0:
                record.samples[name]["FT"] = "PASS"
        out.write(record)
    pysam.tabix_index(str(path), preset="bcf", force=True, csi=True)


@pytest.mark.parametrize("n_samples", [2, 120], ids=["one-by-one", "cohort-arrays"])
def test_an_unset_ft_in_a_pysam_bcf_is_no_filter(tmp_path, run, n_samples):
    path = tmp_path / "unset_ft.bcf"
    _pysam_bcf(path, n_samples)
    with pysam.VariantFile(str(path)) as check:  # the file does hold the padded marker
        assert next(iter(check)).samples["S001"]["FT"].startswith("\x07")
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert calls(report)["S000"] == "monoallelic"
    assert calls(report)["S001"] == "none"
    good = sample(report, "S001")
    assert not good["needs_review"]
    assert "\x07" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("ft", "kept"),
    [(None, None), ("", None), (".", None), ("\x07", None), ("\x07\x07\x07\x07", None),
     ("PASS", "PASS"), ("LowGQ", "LowGQ"), ("LowDP;LowGQ", "LowDP;LowGQ")],
)  # fmt: skip
def test_sample_filter_keeps_only_a_named_filter(ft, kept):
    assert sample_filter(ft) == kept
