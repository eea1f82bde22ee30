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


# --- missing DP, GQ or MIN_DP is missing, never a pass ---------------------------------------

DP_LINE = '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">'
GQ_LINE = '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">'
MIN_DP_LINE = '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP">'
NON_REF = '##ALT=<ID=NON_REF,Description="Any other allele">'


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf"])
@pytest.mark.parametrize(
    ("fmt", "declared", "missing"),
    [("GT:GQ 1/1:50", DP_LINE, "DP missing"), ("GT:DP 1/1:30", GQ_LINE, "GQ missing")],
)
def test_quality_field_the_header_declares_but_the_call_leaves_out_is_missing(
    annotate, encoding, fmt, declared, missing
):
    text = vcf_text(["S1"], [f"113131068 G T PASS {fmt}"], header=[declared])
    s = sample(annotate(text, encoding=encoding), "S1")
    assert s["dira_genotype"] == "indeterminate"
    assert any(missing in r for r in s["review_reasons"])


def test_undeclared_quality_fields_are_not_missing(annotate):
    s = sample(annotate(vcf_text(["S1"], ["113131068 G T PASS GT:GQ 1/1:50"])), "S1")
    assert s["dira_genotype"] == "biallelic"


def test_sv_record_without_dp_in_a_header_declaring_it_still_counts(annotate):
    """SV callers measure SVs by read pairs and split reads; DP is a small-variant field."""
    row = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000 GT 1/1"
    text = vcf_text(["S1"], [row], header=[DP_LINE, GQ_LINE, *SV_HEADER])
    assert sample(annotate(text), "S1")["dira_genotype"] == "biallelic"


@pytest.mark.parametrize(
    ("fmt", "header"),
    [("GT:DP:GQ:MIN_DP 0/0:30:50:.", [MIN_DP_LINE]), ("GT:DP:GQ 0/0:30:50", [MIN_DP_LINE])],
    ids=["written-missing", "left-out"],
)
def test_block_whose_declared_min_dp_is_missing_proves_no_reference(annotate, fmt, header):
    row = f"113127000 A <NON_REF> PASS INFO=END=113133000 {fmt}"
    text = vcf_text(["S1"], [row], header=[*header, NON_REF])
    cov = sample(annotate(text), "S1")["coverage"]
    assert not cov["proven_reference"]
    assert "DIRA01" in cov["sites_not_assessed"]
    assert "DIRA01" not in cov["sites_called"]


def test_block_with_min_dp_proves_reference(annotate):
    """The control: the same block with its MIN_DP."""
    row = "113127000 A <NON_REF> PASS INFO=END=113133000 GT:DP:GQ:MIN_DP 0/0:30:50:30"
    text = vcf_text(["S1"], [row], header=[MIN_DP_LINE, NON_REF])
    assert "DIRA01" in sample(annotate(text), "S1")["coverage"]["sites_called"]


@pytest.mark.parametrize(
    ("dp", "gq", "expected"),
    [
        ("9.5", "50", "indeterminate"),
        ("30", "19.5", "indeterminate"),
        ("30", "19.99", "indeterminate"),
        ("10.0", "20.0", "biallelic"),
        ("10.5", "20.5", "biallelic"),
    ],
)
def test_float_dp_and_gq_are_compared_as_they_are(annotate, dp, gq, expected):
    text = vcf_text(["S1"], [f"113131068 G T PASS GT:DP:GQ 1/1:{dp}:{gq}"])
    text = text.replace(
        'Type=Integer,Description="Read depth', 'Type=Float,Description="Read depth'
    )
    text = text.replace(
        'Type=Integer,Description="Genotype quality', 'Type=Float,Description="Genotype quality'
    )
    assert "Type=Float" in text
    report = annotate(text, "--min-dp", "10", "--min-gq", "20")
    assert sample(report, "S1")["dira_genotype"] == expected


# --- an index that no longer describes its file ------------------------------------------------

MANY = [f"{1000 + i} A G PASS GT:DP:GQ 0/1:30:50" for i in range(3000)]
INDEXED = ["vcf.gz+tbi", "vcf.gz+csi", "bcf+csi"]


def _with_stale_index(tmp_path, encoding: str, old_rows, new_rows):
    """``new_rows`` written as ``encoding``, with the index of ``old_rows`` copied over it (newer
    than the data, so its modification time proves nothing)."""
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    old = write_input(old_dir, "in", vcf_text(["S1"], old_rows), encoding)
    new = write_input(new_dir, "in", vcf_text(["S1"], new_rows), encoding)
    suffix = ".csi" if encoding.endswith("csi") else ".tbi"
    (new_dir / (new.name + suffix)).write_bytes((old_dir / (old.name + suffix)).read_bytes())
    return new, f"{new}{suffix}"


@pytest.mark.parametrize("encoding", INDEXED)
@pytest.mark.parametrize(
    ("old_rows", "new_rows"),
    [
        (["113129619 C T PASS GT:DP:GQ 0/0:30:50"], [*MANY, E77X.format("1/1")]),  # grown
        ([*MANY, "113129619 C T PASS GT:DP:GQ 0/0:30:50"], [E77X.format("1/1")]),  # shrunk
    ],
    ids=["file-grew", "file-shrank"],
)
def test_stale_index_is_not_trusted_and_the_file_is_read_whole(
    tmp_path, run, encoding, old_rows, new_rows
):
    path, index = _with_stale_index(tmp_path, encoding, old_rows, new_rows)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert sample(report, "S1")["dira_genotype"] == "biallelic"
    assert report["input"]["access"] == "stream"
    stale = [w for w in report["warnings"] if index in w]
    assert stale and "does not match the file" in stale[0] and "re-index" in stale[0]
    assert index in result.stderr


@pytest.mark.parametrize("encoding", INDEXED)
def test_stale_index_with_require_index_is_an_input_error_naming_it(tmp_path, run, encoding):
    path, index = _with_stale_index(
        tmp_path, encoding, ["113129619 C T PASS GT:DP:GQ 0/0:30:50"], [*MANY, E77X.format("1/1")]
    )
    out = tmp_path / "out.json"
    result = run("annotate", path, "--require-index", "-o", out)
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and index in errors[0] and "re-index" in errors[0]
    assert not out.exists()


@pytest.mark.parametrize("encoding", INDEXED)
@pytest.mark.parametrize("rows", [[*MANY, E77X.format("1/1")], [E77X.format("1/1")], []])
def test_fresh_index_is_used_without_a_warning(tmp_path, run, encoding, rows):
    path = write_input(tmp_path, "in", vcf_text(["S1"], rows), encoding)
    report = run("annotate", path).json()
    assert report["input"]["access"] == "index"
    assert not any("does not match the file" in w for w in report["warnings"])
    if rows:
        assert sample(report, "S1")["dira_genotype"] == "biallelic"


# --- POS outside the VCF grammar ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "stdin"])
@pytest.mark.parametrize("text_pos", ["0113131068", "00113131068"])
def test_pos_with_a_leading_zero_is_an_input_error_naming_the_line(
    tmp_path, run, encoding, text_pos
):
    rows = [Q54X_HET, E77X.format("1/1")]
    text = vcf_text(["S1"], rows).replace("\t113131068\t", f"\t{text_pos}\t")
    out = tmp_path / "out.json"
    if encoding == "stdin":
        result, label = run("annotate", "-", "-o", out, input=text), "<stdin>"
    else:
        label = str(write_input(tmp_path, "in", text, encoding))
        result = run("annotate", label, "-o", out)
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    line_no = text.splitlines().index(next(x for x in text.splitlines() if text_pos in x)) + 1
    assert len(errors) == 1
    assert label in errors[0] and f"line {line_no}" in errors[0] and "leading zero" in errors[0]
    assert not out.exists()


@pytest.mark.parametrize("text_pos", ["+113131068", "113131068.0", "1_13131068"])
def test_pos_that_is_not_digits_is_an_input_error(tmp_path, run, text_pos):
    text = vcf_text(["S1"], [E77X.format("1/1")]).replace("\t113131068\t", f"\t{text_pos}\t")
    result = run("annotate", write_input(tmp_path, "in", text, "vcf"))
    assert result.exit_code == 3
    assert "POS" in result.stderr and "line" in result.stderr


# --- PED files that contradict themselves, parents missing from the VCF ------------------------

TRIO_ROWS = [
    "113129619 C T PASS GT:DP:GQ 0/1:30:50 0/1:30:50 0/0:30:50",
    "113131068 G T PASS GT:DP:GQ 0/1:30:50 0/0:30:50 0/1:30:50",
]


@pytest.mark.parametrize(
    ("ped", "line", "why"),
    [
        ("F kid dad mum 1 2\nF kid mum dad 1 2\n", 2, "listed again with other parents"),
        ("F kid dad mum 1 2\nF kid dad 0 1 2\n", 2, "listed again with other parents"),
        ("F dad 0 0 1 1\nF dad dad mum 1 2\n", 2, "its own parent"),
        ("F kid kid mum 1 2\n", 1, "its own parent"),
        ("# trio\nF kid dad dad 1 2\n", 2, "both father and mother"),
    ],
)
def test_contradictory_ped_is_an_input_error_naming_file_and_line(tmp_path, run, ped, line, why):
    vcf = write_input(tmp_path, "trio", vcf_text(["kid", "dad", "mum"], TRIO_ROWS), "vcf")
    path = tmp_path / "bad.ped"
    path.write_text(ped)
    out = tmp_path / "out.json"
    result = run("annotate", vcf, "--ped", path, "-o", out)
    assert result.exit_code == 3
    errors = [x for x in result.stderr.splitlines() if "error" in x]
    assert len(errors) == 1
    assert f"bad.ped: line {line}" in errors[0] and why in errors[0]
    assert not out.exists()


def test_ped_listing_a_child_twice_the_same_way_is_accepted(tmp_path, run):
    vcf = write_input(tmp_path, "trio", vcf_text(["kid", "dad", "mum"], TRIO_ROWS), "vcf")
    path = tmp_path / "trio.ped"
    path.write_text("F kid dad mum 1 2\nF kid dad mum 1 2\n")
    result = run("annotate", vcf, "--ped", path)
    assert result.exit_code == 0, result.stderr
    assert sample(result.json(), "kid")["dira_genotype"] == "biallelic"  # trans by inheritance


@pytest.mark.parametrize(
    ("ped", "named"),
    [("F kid dad ma 1 2\n", ["'ma'"]), ("F kid pa ma 1 2\n", ["'pa'", "'ma'"])],
)
def test_parent_missing_from_the_vcf_is_a_warning_and_no_phase(tmp_path, run, ped, named):
    vcf = write_input(tmp_path, "trio", vcf_text(["kid", "dad", "mum"], TRIO_ROWS), "vcf")
    path = tmp_path / "trio.ped"
    path.write_text(ped)
    result = run("annotate", vcf, "--ped", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    found = [w for w in report["warnings"] if w.startswith(f"{path} (--ped): ")]
    assert len(found) == 1 and all(n in found[0] for n in named) and "'kid'" in found[0]
    assert all(n in result.stderr for n in named)
    assert sample(report, "kid")["dira_genotype"] == "biallelic_unphased"


# --- a sample absent from the --sv file --------------------------------------------------------


def test_sample_absent_from_the_sv_file_gets_a_note(tmp_path, run):
    small = write_input(
        tmp_path, "small", vcf_text(["A", "B"], ["113131068 G T PASS GT 0/1 0/1"]), "vcf"
    )
    row = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000 GT 0/1"
    sv = write_input(tmp_path, "sv", vcf_text(["A"], [row], header=SV_HEADER), "vcf")
    report = run("annotate", small, "--sv", sv).json()
    assert sample(report, "B")["notes"] == [f"no SV calls for this sample in {sv}"]
    assert not any("no SV calls" in n for n in sample(report, "A")["notes"])


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf.gz+csi"])
def test_record_htslib_rejects_through_an_index_names_the_index(tmp_path, run, encoding):
    """A fresh index passes the check, so the record itself may be at fault, or the file may
    have changed in place: the one-line error names both."""
    text = vcf_text(["S1"], [Q54X_HET]) + "2\t113131068\t.\tG\tT\n"  # five columns
    path = write_input(tmp_path, "in", text, encoding)
    result = run("annotate", path)
    assert result.exit_code == 3
    errors = [x for x in result.stderr.splitlines() if "error" in x]
    index = f"{path}.{encoding[-3:]}"
    assert len(errors) == 1 and "after 2:113129619" in errors[0] and index in errors[0]


def test_one_base_reference_record_is_judged_on_its_dp_under_a_min_dp_header(annotate):
    """At one base DP is the minimum: a header's MIN_DP binds blocks of several bases only."""
    text = vcf_text(
        ["S1"], ["113131068 G <NON_REF> PASS GT:DP:GQ 0/0:30:50"], header=[MIN_DP_LINE, NON_REF]
    )
    assert "DIRA01" in sample(annotate(text), "S1")["coverage"]["sites_called"]


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "vcf.gz", "bcf+csi", "bcf"])
def test_a_dropped_gt_after_other_keys_is_a_no_call_in_every_encoding(tmp_path, run, encoding):
    """FORMAT DP:GQ:GT with the GT left off a column: htslib's text of that call is a negative
    number (-65), which was read as a haploid reference call ("none to monoallelic") from text
    files and as a no-call from BCF. Every encoding now says no-call, none to biallelic."""
    header = [
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    ]
    text = vcf_text(["A", "B"], ["113131068 G T PASS DP:GQ:GT 30:50:0/1 30:50"], header=header)
    path = write_input(tmp_path, "dropped", text, encoding)
    result = run("annotate", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    b = sample(result.json(), "B")
    assert b["dira_genotype"] == "indeterminate"
    assert any("no-call" in r for r in b["review_reasons"])
    assert "the evidence allows anything from none to biallelic" in b["review_reasons"]
    assert sample(result.json(), "A")["dira_genotype"] == "monoallelic"


def test_a_tab_inside_a_bcf_id_is_named(tmp_path, run):
    """A BCF can hold a tab inside its ID, which VCF text cannot: the error says what made the
    extra column, not only that there is one."""
    import pysam

    header = pysam.VariantHeader()
    header.add_line("##contig=<ID=chr2,length=242193529>")
    header.add_line('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    header.add_sample("S")
    path = tmp_path / "tab_id.bcf"
    with pysam.VariantFile(str(path), "wb", header=header) as out:
        record = out.new_record(
            contig="chr2", start=113131067, stop=113131068, alleles=("G", "T"), id="rs1\tx"
        )
        record.samples["S"]["GT"] = (0, 1)
        out.write(record)
    result = run("annotate", path, "--format", "tsv")
    assert result.exit_code == 3
    assert "a tab inside a value, such as the ID" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
