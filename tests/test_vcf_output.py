"""The annotated VCF (--format vcf): read back with real bcftools and pysam.

The records must come out as the input wrote them but for INFO, so each test compares the
other columns with the input's own lines.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest
from conftest import ENCODINGS, vcf_text, write_input
from test_output import SIGNALS, _finish, _start, _wait_for, good

from il1rn_annot.model import Options, VariantRecord
from il1rn_annot.pipeline import annotate
from il1rn_annot.record_text import with_text
from il1rn_annot.report.json import render_json
from il1rn_annot.report.vcf import TAGS

BCFTOOLS = shutil.which("bcftools")
needs_bcftools = pytest.mark.skipif(
    BCFTOOLS is None, reason="bcftools is not installed (.ci/system-tools installs it)"
)

SITES = vcf_text([], ["113129613 AAC A PASS", "113129619 C T PASS", "113131068 G T PASS"])

#: A record as callers write it: QUAL and INFO Floats with trailing zeros, which htslib would
#: rewrite (50.00 -> 50), an INFO flag, a FORMAT Float; and a multi-allelic record whose second
#: ALT is E77X.
HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr2,length=242193529>
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=VAF,Number=A,Type=Float,Description="Allele fraction">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO	FORMAT	S1
"""
LINES = [
    "chr2\t113110686\trs315928\tC\tT\t50.00\tPASS\tDP=31;AF=0.500;DB\tGT:GQ:DP:VAF\t0/1:55:31:0.480",
    "chr2\t113129619\t.\tC\tT\t99.50\tPASS\tDP=28\tGT:GQ:DP:VAF\t0/1:50:28:0.500",
    "chr2\t113131068\tmulti\tG\tC,T\t70.10\tPASS\tDP=40;AF=0.250,0.250\tGT:GQ:DP:VAF\t1/2:66:40:0.40,0.45",
]
CALLER = HEADER + "\n".join(LINES) + "\n"


def bcftools(*args: str | Path) -> str:
    proc = subprocess.run(
        [BCFTOOLS, *map(str, args)], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def body(path: Path) -> list[str]:
    """The record lines of a VCF (plain or bgzipped)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        return [line.rstrip("\n") for line in fh if not line.startswith("#")]


def header(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        return [line.rstrip("\n") for line in fh if line.startswith("#")]


def info(line: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in line.split("\t")[7].split(";") if "=" in item)


def annotated(tmp_path, run, text: str, name: str = "out.vcf.gz", encoding: str = "vcf.gz+tbi"):
    source = write_input(tmp_path, "in", text, encoding)
    out = tmp_path / name
    result = run("annotate", source, "--format", "vcf", "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


@needs_bcftools
def test_sites_only_vcf_gets_the_catalog_ids(tmp_path, run):
    out = annotated(tmp_path, run, SITES)
    found = bcftools("query", "-i", 'INFO/DIRA_ID!="."', "-f", "%POS %INFO/DIRA_ID\n", out)
    assert found.splitlines() == ["113129613 DIRA03", "113129619 DIRA02", "113131068 DIRA01"]
    assert len(bcftools("view", "-H", "-i", 'INFO/DIRA_ID!="."', out).splitlines()) == 3


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "vcf.gz"])
def test_records_are_the_inputs_lines_but_for_info(tmp_path, run, encoding):
    """Indexed, bisected or streamed: every column but INFO as the input wrote it, and INFO
    keeps its items, in order, before the added tags."""
    out = annotated(tmp_path, run, CALLER, encoding=encoding)
    lines = body(out)
    assert len(lines) == len(LINES)
    for written, given in zip(lines, LINES, strict=True):
        w, g = written.split("\t"), given.split("\t")
        assert w[:7] + w[8:] == g[:7] + g[8:]
        assert w[7].startswith(g[7] + ";DIRA_ID=")
        assert list(info(written))[-len(TAGS) :] == list(TAGS)


def test_input_header_is_kept_and_tags_are_declared_once(tmp_path, run):
    out = annotated(tmp_path, run, CALLER, name="out.vcf")
    lines = header(out)
    given = HEADER.splitlines()
    assert [
        line
        for line in lines
        if not line.startswith(("##INFO=<ID=DIRA", "##INFO=<ID=IL1RN", "##il1rn"))
    ] == given
    for tag in TAGS:
        declared = [line for line in lines if line.startswith(f"##INFO=<ID={tag},")]
        assert declared == [f'##INFO=<ID={tag},Number=A,Type=String,Description="{TAGS[tag]}">']
    tool = [line for line in lines if line.startswith("##il1rn-annot=")]
    assert len(tool) == 1
    assert "CatalogVersion=" in tool[0] and "CatalogSHA256=" in tool[0]
    assert "Build=GRCh38" in tool[0] and 'Command="il1rn-annot annotate ' in tool[0]


def test_multiallelic_record_gets_one_value_per_alt(tmp_path, run):
    out = annotated(tmp_path, run, CALLER)
    multi = next(line for line in body(out) if "\tmulti\t" in line)
    tags = info(multi)
    assert tags["DIRA_ID"] == ".,DIRA01"
    assert tags["DIRA_CLASS"] == "uncertain,pathogenic"  # c.229G>C: a novel missense
    assert tags["DIRA_MATCH"] == ".,exact"
    assert tags["IL1RN_HGVSP"].split(",")[1] == "p.(Glu77Ter)"
    with pysam.VariantFile(str(out)) as vf:
        record = next(r for r in vf if r.id == "multi")
        assert tuple(v or "." for v in record.info["DIRA_ID"]) == (".", "DIRA01")
        assert record.info["IL1RN_CSQ"][1] == "stop_gained"


@needs_bcftools
def test_bcftools_norm_splits_the_per_alt_values(tmp_path, run):
    out = annotated(tmp_path, run, CALLER)
    split = bcftools("norm", "-m-", str(out))
    at = [
        (line.split("\t")[4], info(line)["DIRA_ID"])
        for line in split.splitlines()
        if line.startswith("chr2\t113131068\t")
    ]
    assert at == [("C", "."), ("T", "DIRA01")]


@needs_bcftools
def test_bcftools_merge_accepts_two_annotated_outputs(tmp_path, run):
    a = annotated(tmp_path, run, CALLER, name="a.vcf.gz")
    other = CALLER.replace("\tS1\n", "\tS2\n")
    source = write_input(tmp_path, "in2", other)
    b = tmp_path / "b.vcf.gz"
    assert run("annotate", source, "-o", b).exit_code == 0
    merged = bcftools("merge", a, b)
    records = [line for line in merged.splitlines() if not line.startswith("#")]
    assert len(records) == len(LINES)
    assert merged.count("##INFO=<ID=DIRA_ID,") == 1
    assert merged.splitlines()[len(merged.splitlines()) - len(LINES) - 1].endswith("\tS1\tS2")
    assert info(records[1])["DIRA_ID"] == "DIRA02"


@needs_bcftools
@pytest.mark.parametrize(
    ("name", "index"), [("out.vcf.gz", ".tbi"), ("out.bcf", ".csi"), ("out.vcf.bgz", ".tbi")]
)
def test_compressed_outputs_are_indexed(tmp_path, run, name, index):
    out = annotated(tmp_path, run, CALLER, name=name)
    assert (tmp_path / (name + index)).is_file()
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    region = bcftools("view", "-H", "-r", "chr2:113129619", out)
    assert [line.split("\t")[1] for line in region.splitlines()] == ["113129619"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".", "out"))) == [
        name,
        name + index,
    ]


def test_bgzf_output_is_bgzf_not_plain_gzip(tmp_path, run):
    out = annotated(tmp_path, run, CALLER)
    data = out.read_bytes()
    assert data[12:14] == b"BC"  # the BGZF extra field
    assert data.endswith(bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000"))


def test_bcf_output_reads_back_with_pysam(tmp_path, run):
    out = annotated(tmp_path, run, CALLER, name="out.bcf")
    with pysam.VariantFile(str(out)) as vf:
        # pysam gives a missing String value as None from text, as '.' from BCF
        ids = {r.pos: tuple(v or "." for v in r.info["DIRA_ID"]) for r in vf}
        assert vf.header.info["DIRA_ID"].number == "A"
    assert ids == {113110686: (".",), 113129619: ("DIRA02",), 113131068: (".", "DIRA01")}


def test_stdin_to_stdout_is_plain_vcf_text(tmp_path, run):
    result = run("annotate", "-", "--format", "vcf", input=CALLER)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "##fileformat=VCFv4.2"
    records = [line for line in lines if not line.startswith("#")]
    assert [r.split("\t")[8:] for r in records] == [g.split("\t")[8:] for g in LINES]
    assert info(records[1])["DIRA_ID"] == "DIRA02"


def test_input_tags_of_these_names_are_replaced(tmp_path, run):
    """A file annotated before (by an older catalog, say) is annotated afresh: one declaration
    of each tag, and the new values."""
    first = annotated(tmp_path, run, CALLER, name="first.vcf")
    stale = first.read_text().replace("DIRA_ID=DIRA02", "DIRA_ID=DIRA99")
    source = tmp_path / "stale.vcf"
    source.write_text(stale)
    again = tmp_path / "again.vcf"
    assert run("annotate", source, "-o", again).exit_code == 0
    text = again.read_text()
    assert text.count("##INFO=<ID=DIRA_ID,") == 1
    assert text.count("##il1rn-annot=") == 1
    assert "DIRA99" not in text
    assert body(again) == body(first)


def test_several_inputs_need_output_dir(tmp_path, run):
    a = write_input(tmp_path, "a", SITES)
    b = write_input(tmp_path, "b", SITES)
    result = run("annotate", a, b, "--format", "vcf")
    assert result.exit_code == 2
    assert "--output-dir" in result.stderr
    out = tmp_path / "out"
    result = run("annotate", a, b, "--format", "vcf", "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "a.vcf.gz",
        "a.vcf.gz.tbi",
        "b.vcf.gz",
        "b.vcf.gz.tbi",
        "il1rn_dira_mqc.tsv",  # every --output-dir batch writes the MultiQC table
    ]


def test_an_output_that_would_replace_its_input_is_refused(tmp_path, run):
    source = write_input(tmp_path, "in", SITES)
    before = source.read_bytes()
    result = run("annotate", source, "--format", "vcf", "--output-dir", tmp_path)
    assert result.exit_code == 2
    assert "would replace its input" in result.stderr
    result = run("annotate", source, "-o", source)
    assert result.exit_code == 2
    assert source.read_bytes() == before


def test_a_failed_input_leaves_no_vcf_nor_index(tmp_path, run):
    """An earlier output stays as it was; no temporary file is left beside it."""
    out = annotated(tmp_path, run, SITES)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("out")}
    bad = tmp_path / "bad.vcf"
    bad.write_text(SITES.replace("113131068", "11313x068"))
    result = run("annotate", bad, "-o", out)
    assert result.exit_code == 3, result.stderr
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("out")}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    fresh = tmp_path / "fresh.vcf.gz"
    assert run("annotate", bad, "-o", fresh).exit_code == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("fresh", "."))]


def test_compressed_vcf_to_a_pipe_is_refused(tmp_path, run):
    fifo = tmp_path / "p.vcf.gz"
    os.mkfifo(fifo)
    result = run("annotate", write_input(tmp_path, "in", SITES), "-o", fifo)
    assert result.exit_code == 5
    assert "regular file" in result.stderr


@pytest.mark.parametrize("name", ["out.bcf.gz", "out.vcf.xz"])
def test_other_compressions_of_a_vcf_are_refused(tmp_path, run, name):
    result = run("annotate", write_input(tmp_path, "in", SITES), "-o", tmp_path / name)
    assert result.exit_code == 2
    assert "compression" in result.stderr


def test_report_warnings_become_header_lines(tmp_path, run):
    unsorted = vcf_text([], ["113131068 G T PASS", "113129619 C T PASS"])
    out = annotated(tmp_path, run, unsorted, name="out.vcf", encoding="vcf")
    warnings = [line for line in header(out) if line.startswith("##il1rn-annot_warning=")]
    assert len(warnings) == 1 and "out of POS order" in warnings[0]
    assert [line.split("\t")[1] for line in body(out)] == ["113129619", "113131068"]


def test_gvcf_blocks_pass_through_with_empty_values(tmp_path, run):
    text = vcf_text(
        ["S1"],
        [
            "113129500 A <NON_REF> . INFO=END=113129618 GT:DP 0/0:30",
            "113129619 C T,<NON_REF> PASS GT:GQ:DP 0/1:50:30",
        ],
        header=['##ALT=<ID=NON_REF,Description="Any other allele">'],
    )
    out = annotated(tmp_path, run, text, name="out.vcf")
    lines = body(out)
    assert info(lines[0])["DIRA_ID"] == "."
    assert info(lines[0])["END"] == "113129618"
    assert info(lines[1])["DIRA_ID"] == "DIRA02,."


def test_sv_file_records_are_not_written(tmp_path, run):
    sv = vcf_text(
        ["S1"],
        ["113107433 N <DEL> PASS INFO=SVTYPE=DEL;END=113129650 GT 0/1"],
    )
    sv_path = write_input(tmp_path, "sv", sv)
    main = write_input(tmp_path, "main", vcf_text(["S1"], ["113129619 C T PASS GT 0/1"]))
    out = tmp_path / "out.vcf"
    result = run("annotate", main, "--sv", sv_path, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[1] for line in body(out)] == ["113129619"]


def test_json_is_the_same_when_the_text_is_kept(tmp_path):
    source = str(write_input(tmp_path, "in", CALLER))
    plain = annotate(source, Options())
    kept = annotate(source, Options(keep_text=True))
    assert plain.vcf_text is None and kept.vcf_text is not None
    assert render_json(plain) == render_json(kept)
    assert all(r.alt.record.text == "" for r in plain.records)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_of_the_input_gives_the_same_records(tmp_path, run, encoding):
    """A BCF has no text of its own: its records are written as htslib writes them."""
    out = annotated(tmp_path, run, CALLER, name="out.vcf", encoding=encoding)
    lines = body(out)
    assert [line.split("\t")[:5] for line in lines] == [g.split("\t")[:5] for g in LINES]
    assert [info(line)["DIRA_ID"] for line in lines] == [".", "DIRA02", ".,DIRA01"]
    samples = [line.split("\t")[9] for line in lines]
    if encoding.startswith("bcf"):  # htslib writes Floats without trailing zeros
        assert samples[:2] == ["0/1:55:31:0.48", "0/1:50:28:0.5"]
    else:
        assert samples == [g.split("\t")[9] for g in LINES]


def _record(pos: int, ref: str, alts: tuple[str, ...], index: int = 0) -> VariantRecord:
    return VariantRecord("2", pos, ref, alts, pos, (), None, (), index)


def test_identical_lines_each_find_their_record():
    line = "2\t100\t.\tA\tT\t50.00\t.\t."
    records = [_record(100, "A", ("T",), 0), _record(100, "A", ("T",), 1)]
    assert [r.text for r in with_text(records, [line + "\n", line + "\n"])] == [line, line]


def test_a_record_read_otherwise_finds_the_only_line_at_its_position():
    """htslib reads a missing REF ('.') as no REF, which the reader calls N."""
    lines = ["2\t100\t.\t.\tT\t.\t.\t.", "2\t200\t.\tA\tT\t.\t.\t."]
    records = [_record(100, "N", ("T",)), _record(200, "A", ("T",)), _record(300, "A", ("T",))]
    assert [r.text for r in with_text(records, lines)] == [lines[0], lines[1], ""]


@pytest.mark.parametrize("name", ["out.bcf", "out.vcf.gz"])
def test_undeclared_tags_and_no_contig_line_still_encode(tmp_path, run, name):
    """htslib reads tags a header does not declare (as String); BCF must declare them."""
    text = (
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
        "2\t113131068\t.\tG\tT\t50.00\t.\tXX=1;YY\tGT:ZZ\t0/1:3\n"
    )
    source = tmp_path / "in.vcf"
    source.write_text(text)
    out = tmp_path / name
    result = run("annotate", source, "--build", "GRCh38", "-o", out)
    assert result.exit_code == 0, result.stderr
    with pysam.VariantFile(str(out)) as vf:
        (record,) = list(vf.fetch("2", 113131067, 113131068))
        assert record.info["DIRA_ID"] == ("DIRA01",)
        assert record.info["XX"] == "1" and record.samples["S1"]["ZZ"] == "3"


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_signal_mid_directory_run_leaves_whole_indexed_vcfs_only(tmp_path, name):
    """Signalled as soon as the first VCF exists: every VCF in the directory has its index,
    reads to its end, and no temporary file (data or index) is left."""
    signum, code = SIGNALS[name]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for n in range(30):
        good(inputs, f"s{n:02d}", sample=f"S{n:02d}")
    out = tmp_path / "vcfs"
    args = ("annotate", inputs, "-", "--format", "vcf", "--output-dir", out)
    with _start(*args, cwd=tmp_path) as proc:
        _wait_for(lambda: out.exists() and any(out.glob("*.vcf.gz")), "a VCF", proc)
        proc.send_signal(signum)
        proc.stdin.close()
        stderr = _finish(proc)
    assert proc.returncode == code, stderr
    names = sorted(p.name for p in out.iterdir())
    vcfs = [n for n in names if n.endswith(".vcf.gz")]
    assert vcfs and names == sorted([*vcfs, *(n + ".tbi" for n in vcfs)]), names
    for vcf in vcfs:
        with pysam.VariantFile(str(out / vcf)) as vf:
            (record,) = list(vf.fetch("2", 113131067, 113131068))
            assert record.info["DIRA_ID"] == ("DIRA01",)
