"""Inputs read the same way whatever their encoding, and checked before they are trusted: a
deletion reaching IL1RN from far upstream by SVLEN, a stale index, missing quality fields, POS
grammar, PED sanity and samples absent from the --sv file."""

from __future__ import annotations

import pytest
from conftest import ENCODINGS, sample, vcf_text, write_input

SV_HEADER = [
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##ALT=<ID=DEL:ME:ALU,Description="Deletion of an Alu element">',
]
Q54X_HET = "113129619 C T PASS GT:DP:GQ 0/1:30:50"
E77X = "113131068 G T PASS GT:DP:GQ {}:30:50"


# --- a deletion from more than 1 Mb upstream whose extent only SVLEN gives -------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "info",
    [
        "SVTYPE=DEL;SVLEN=-1240000",
        "SVTYPE=DEL;SVLEN=1240000",  # VCF 4.4 writes it positive
        "SVLEN=-1240000",
        "SVTYPE=DEL;END=111900100;SVLEN=-1240000",  # the longer of END and SVLEN
        "SVTYPE=DEL;END=111899000;SVLEN=-1240000",  # an END before POS is dropped
    ],
)
def test_deletion_reaching_il1rn_by_svlen_is_read_in_every_encoding(tmp_path, run, encoding, info):
    text = vcf_text(["S1"], [f"111900000 A <DEL> PASS INFO={info} GT 1/1"], header=SV_HEADER)
    report = run("annotate", write_input(tmp_path, "in", text, encoding)).json()
    s = sample(report, "S1")
    assert s["dira_genotype"] == "indeterminate"
    assert s["needs_review"]
    assert [v["pos"] for v in s["variants"]] == [111900000]
    assert not any("no record in the IL1RN window" in w for w in report["warnings"])


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "alt_info", [("<DEL>", "SVLEN=-5"), ("<DEL>,<DUP>", "SVLEN=-5,6"), ("T", "SVLEN=-1240000")]
)
def test_short_svlen_or_sequence_allele_far_upstream_does_not_reach(
    tmp_path, run, encoding, alt_info
):
    alt, info = alt_info
    text = vcf_text(["S1"], [f"111900000 A {alt} PASS INFO={info} GT 1/1"], header=SV_HEADER)
    report = run("annotate", write_input(tmp_path, "in", text, encoding)).json()
    assert sample(report, "S1")["variants"] == []
    assert any("no record in the IL1RN window" in w for w in report["warnings"])


def test_streamed_svlen_deletion_on_stdin_is_read(run):
    text = vcf_text(["S1"], ["111900000 A <DEL> PASS INFO=SVTYPE=DEL;SVLEN=-1240000 GT 1/1"],
                    header=SV_HEADER)  # fmt: skip
    s = sample(run("annotate", "-", input=text).json(), "S1")
    assert s["dira_genotype"] == "indeterminate"


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "bcf+csi"])
def test_svlen_deletion_in_the_sv_file_is_not_left_out(tmp_path, run, encoding):
    small = write_input(tmp_path, "small", vcf_text(["S1"], [Q54X_HET]), "vcf")
    sv_text = vcf_text(
        ["S1"], ["111900000 A <DEL> PASS INFO=SVTYPE=DEL;SVLEN=-1240000 GT 0/1"], header=SV_HEADER
    )
    sv = write_input(tmp_path, "sv", sv_text, encoding)
    s = sample(run("annotate", small, "--sv", sv).json(), "S1")
    assert s["dira_genotype"] != "monoallelic"
    assert s["needs_review"]
    assert 111900000 in [v["pos"] for v in s["variants"]]
