"""Bad input through the CLI: one error line naming the file and the problem, the right exit code,
no traceback and no partial report."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot.resume import STATE_FILE

PREFIX = "il1rn-annot: error: "

#: A carrier of DIRA01 (E77X) and a homozygote of DIRA02 (Q54X), GRCh38 positions, sorted.
ROWS = (
    "113129619 C T PASS GT:GQ:DP 0/0:99:30 1/1:99:30",
    "113131068 G T PASS GT:GQ:DP 0/1:99:30 0/0:99:30",
)
SAMPLES = ("carrier", "homozygote")
CALLS = {"carrier": "monoallelic", "homozygote": "biallelic"}


def good_text(build: str = "GRCh38", chrom: str = "2") -> str:
    return vcf_text(SAMPLES, ROWS, chrom=chrom, build=build)


def assert_one_error(result, path, *words: str, code: int = 3) -> str:
    """``result`` failed with ``code`` and exactly one 'il1rn-annot: error:' line naming
    ``path`` and each of ``words``; no traceback, no report on stdout."""
    assert result.exit_code == code, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(PREFIX), line
    assert str(path) in line, line
    for word in words:
        assert word in line, line
    assert "Traceback" not in result.stderr
    assert result.result.exception is None or isinstance(result.result.exception, SystemExit)
    assert result.stdout == ""
    return line


def console(*args, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The real program in a child process: htslib's C-level stderr and tracebacks are visible."""
    return subprocess.run(
        [sys.executable, "-m", "il1rn_annot", *map(str, args)],
        capture_output=True,
        text=False,
        input=stdin,
        cwd=cwd,
        timeout=120,
        check=False,
    )


# --- files that cannot be opened -------------------------------------------------------------


def test_missing_file(tmp_path, run):
    path, out = tmp_path / "absent.vcf.gz", tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "no such file")
    assert not out.exists()


def test_directory_as_input(tmp_path, run):
    path, out = tmp_path / "a_dir.vcf", tmp_path / "out.json"
    path.mkdir()
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "directory")
    assert not out.exists()


@pytest.mark.parametrize("name", ["empty.vcf", "empty.vcf.gz", "empty.bcf"])
def test_empty_file(tmp_path, run, name):
    path, out = tmp_path / name, tmp_path / "out.json"
    path.write_bytes(b"")
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "empty")
    assert not out.exists()


NOT_VCF = {
    "prose": b"hello world\nthis is not a variant file\n",
    "fasta": b">chr2\nACGTACGTACGT\n",
    "csv": b"chrom,pos,ref,alt\n2,113131068,G,T\n",
    "binary": bytes(range(256)) * 8,
    "json": b'{"chrom": "2", "pos": 113131068}\n',
    "vcf_without_chrom_line": (
        "\n".join(line for line in good_text().splitlines() if not line.startswith("#CHROM")) + "\n"
    ).encode(),
}


@pytest.mark.parametrize("kind", sorted(NOT_VCF))
@pytest.mark.parametrize("suffix", [".vcf", ".vcf.gz", ".bcf"])
def test_not_a_vcf(tmp_path, run, kind, suffix):
    path, out = tmp_path / f"{kind}{suffix}", tmp_path / "out.json"
    path.write_bytes(NOT_VCF[kind])
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "not a VCF or BCF")
    assert not out.exists()


CUTS = {
    "last_byte": lambda data: data[:-1],
    "eof_block": lambda data: data[:-28],  # exactly the 28-byte BGZF EOF block
    "half": lambda data: data[: len(data) // 2],
    "three_quarters": lambda data: data[: len(data) * 3 // 4],
    "first_block_only": lambda data: data[:200],
}


@pytest.mark.parametrize("cut", sorted(CUTS))
@pytest.mark.parametrize("encoding", ["vcf.gz", "vcf.gz+tbi", "bcf", "bcf+csi"])
def test_truncated_bgzip(tmp_path, run, cut, encoding):
    # Enough records after the window that a cut in the middle lands outside IL1RN too.
    filler = [f"{150_000_000 + 10 * i} A C PASS GT:GQ:DP 0/1:99:30 0/0:99:30" for i in range(3000)]
    good = write_input(tmp_path, "good", vcf_text(SAMPLES, [*ROWS, *filler]), encoding)
    path = tmp_path / good.name.replace("good", "cut")
    path.write_bytes(CUTS[cut](good.read_bytes()))
    indexes = [i for i in (".tbi", ".csi") if Path(f"{good}{i}").exists()]
    assert len(indexes) == ("+" in encoding)  # the indexed cases are read through the index
    for index in indexes:
        shutil.copy(f"{good}{index}", f"{path}{index}")
    out = tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "truncated")
    assert not out.exists()


def test_plain_gzip_instead_of_bgzip_is_a_clean_error_or_read(tmp_path):
    """A VCF compressed with gzip (not bgzip) is a common mistake: it must be read, or refused
    in one line; never a traceback."""
    path, out = tmp_path / "gzip.vcf.gz", tmp_path / "out.json"
    path.write_bytes(gzip.compress(good_text().encode()))
    proc = console("annotate", path, "-o", out, cwd=tmp_path)
    stderr = proc.stderr.decode()
    assert "Traceback" not in stderr
    assert proc.returncode in (0, 3), stderr
    if proc.returncode == 0:
        report = json.loads(out.read_text())
        assert {s["sample"]: s["dira_genotype"] for s in report["samples"]} == CALLS
    else:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(PREFIX) and str(path) in lines[0], stderr
        assert not out.exists()


# --- --require-index ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["bcf", "vcf.gz"])
def test_require_index_without_index(tmp_path, run, encoding):
    path, out = write_input(tmp_path, "in", good_text(), encoding), tmp_path / "out.json"
    result = run("annotate", path, "--require-index", "-o", out)
    assert_one_error(result, path, "no index", "--require-index")
    assert not out.exists()


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf.gz+csi", "bcf+csi"])
def test_require_index_with_index_succeeds(tmp_path, run, encoding):
    """The control for the case above: an indexed file passes --require-index."""
    path = write_input(tmp_path, "in", good_text(), encoding)
    result = run("annotate", path, "--require-index")
    assert result.exit_code == 0, result.stderr
    assert result.calls() == CALLS


# --- no chromosome 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding",
    [
        "vcf",
        "vcf.gz",
        "bcf",
        "vcf.gz+tbi",
        "vcf.gz+csi",
        "bcf+csi",
    ],
)
@pytest.mark.parametrize("build_option", [(), ("--build", "GRCh38")], ids=["detect", "build"])
def test_header_without_chromosome_2(tmp_path, run, encoding, build_option):
    text = vcf_text(SAMPLES, ROWS, chrom="chr1")  # a chr1 contig line and records only
    path, out = write_input(tmp_path, "in", text, encoding), tmp_path / "out.json"
    result = run("annotate", path, *build_option, "-o", out)
    assert_one_error(result, path, "no chromosome 2")
    assert not out.exists()


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi"])
def test_header_without_chromosome_2_no_records(tmp_path, run, encoding):
    path = write_input(tmp_path, "in", vcf_text(SAMPLES, [], chrom="1"), encoding)
    out = tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "no chromosome 2")
    assert not out.exists()


# --- the build cannot be found, or is contradicted --------------------------------------------

NO_BUILD = {
    # no ##contig line, no hint, a record away from every catalog site
    "record_off_catalog": ["113000000 A C PASS GT:GQ:DP 0/1:99:30 0/0:99:30"],
    # a record at DIRA01 (GRCh38) whose REF base is neither build's base there
    "wrong_ref_at_catalog_site": ["113131068 A T PASS GT:GQ:DP 0/1:99:30 0/0:99:30"],
    "no_records": [],
}


@pytest.mark.parametrize("case", sorted(NO_BUILD))
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi"])
def test_build_cannot_be_found(tmp_path, run, case, encoding):
    text = vcf_text(SAMPLES, NO_BUILD[case], build=None)
    path, out = write_input(tmp_path, "in", text, encoding), tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, "genome build", "--build")
    assert not out.exists()


@pytest.mark.parametrize("case", sorted(NO_BUILD))
def test_build_cannot_be_found_is_solved_by_build_option(tmp_path, run, case):
    """The control: the same files are fine once --build is given."""
    path = write_input(tmp_path, "in", vcf_text(SAMPLES, NO_BUILD[case], build=None), "vcf")
    result = run("annotate", path, "--build", "GRCh38")
    assert result.exit_code == 0, result.stderr
    assert result.json()["input"]["build_source"] == "--build"


@pytest.mark.parametrize(("header_build", "option"), [("GRCh38", "GRCh37"), ("GRCh37", "GRCh38")])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf+csi"])
def test_build_option_contradicts_contig_length(tmp_path, run, header_build, option, encoding):
    path = write_input(tmp_path, "in", good_text(header_build), encoding)
    out = tmp_path / "out.json"
    result = run("annotate", path, "--build", option, "-o", out)
    line = assert_one_error(result, path, "contradicts", f"--build {option}")
    assert header_build in line
    assert not out.exists()


def test_build_option_contradicts_reference_hint(tmp_path, run):
    text = vcf_text(
        SAMPLES, ROWS, build=None, header=["##reference=file:///ref/hs37d5.fa"]
    )  # GRCh38 positions, but the ##reference names GRCh37
    path, out = write_input(tmp_path, "in", text, "vcf"), tmp_path / "out.json"
    result = run("annotate", path, "--build", "GRCh38", "-o", out)
    assert_one_error(result, path, "contradicts", "GRCh37")
    assert not out.exists()


@pytest.mark.parametrize(
    ("build", "accession"), [("GRCh38", "NC_000002.11"), ("GRCh37", "NC_000002.12")]
)
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi"])
def test_header_contradicts_itself(tmp_path, run, build, accession, encoding):
    """The chr2 length says one build, the accession naming chr2 says the other."""
    path = write_input(tmp_path, "in", good_text(build, chrom=accession), encoding)
    out = tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    line = assert_one_error(result, path, "contradicts itself", accession, "--build")
    assert "GRCh37" in line and "GRCh38" in line
    assert not out.exists()


# --- malformed records -------------------------------------------------------------------------


@pytest.mark.parametrize("gt", ["0/x", "x", "0|", "1/2/x", "-1/0", "0/1/"])
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "vcf.gz+tbi"])
def test_malformed_gt(tmp_path, run, gt, encoding):
    rows = [
        "113129619 C T PASS GT:GQ:DP 0/0:99:30 1/1:99:30",
        f"113131068 G T PASS GT:GQ:DP 0/0:99:30 {gt}:99:30",
    ]
    path = write_input(tmp_path, "in", vcf_text(SAMPLES, rows), encoding)
    out = tmp_path / "out.json"
    result = run("annotate", path, "-o", out)
    assert_one_error(result, path, f"malformed GT '{gt}'", "sample column 2", "2:113131068")
    assert not out.exists()


# --- usage errors (exit 2) ---------------------------------------------------------------------


def _usage_no_input(tmp_path: Path, good: Path, out: Path) -> list:
    return ["annotate", "-o", out]


def _usage_unknown_format(tmp_path: Path, good: Path, out: Path) -> list:
    return ["annotate", good, "--format", "xml", "-o", out]


def _usage_two_inputs(tmp_path: Path, good: Path, out: Path) -> list:
    return ["annotate", good, good, "-o", out]


def _usage_output_and_dir(tmp_path: Path, good: Path, out: Path) -> list:
    return ["annotate", good, "-o", out, "--output-dir", tmp_path / "reports"]


USAGE = {
    "no_input": (_usage_no_input, "Missing argument"),
    "unknown_format": (_usage_unknown_format, "'xml'"),
    "two_inputs_without_output_dir": (_usage_two_inputs, "--output-dir"),
    "output_and_output_dir": (_usage_output_and_dir, "not both"),
}


@pytest.mark.parametrize("case", sorted(USAGE))
def test_usage_errors(tmp_path, run, case):
    good = write_input(tmp_path, "good", good_text(), "vcf.gz+tbi")
    out = tmp_path / "out.json"
    make_args, problem = USAGE[case]
    result = run(*make_args(tmp_path, good, out))
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert isinstance(result.result.exception, SystemExit)
    error_lines = [line for line in result.stderr.splitlines() if "Error:" in line]
    assert len(error_lines) == 1, result.stderr
    assert problem in error_lines[0]
    assert result.stdout == ""
    assert not out.exists()
    assert not (tmp_path / "reports").exists()


# --- output that cannot be written -------------------------------------------------------------


def test_output_in_missing_directory(tmp_path):
    path = write_input(tmp_path, "in", good_text(), "vcf.gz+tbi")
    out = tmp_path / "no_such_dir" / "out.json"
    proc = console("annotate", path, "-o", out, cwd=tmp_path)
    stderr = proc.stderr.decode()
    assert "Traceback" not in stderr
    assert proc.returncode == 5, stderr  # an output failure (was 2, the usage code)
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), stderr
    assert str(out.parent) in lines[0]
    assert not out.parent.exists()


# --- the real console: htslib's own stderr never reaches the user ------------------------------


def _console_case(tmp_path: Path, case: str) -> tuple[Path, tuple[str, ...], str]:
    if case == "not_vcf":
        path = tmp_path / "junk.vcf.gz"
        path.write_bytes(NOT_VCF["prose"])
        return path, (), "not a VCF or BCF"
    if case == "truncated":
        good = write_input(tmp_path, "good", good_text(), "vcf.gz")
        path = tmp_path / "cut.vcf.gz"
        path.write_bytes(good.read_bytes()[:-28])
        return path, (), "truncated"
    if case == "malformed_gt":
        rows = ["113131068 G T PASS GT 0/x 0/0"]
        return write_input(tmp_path, "in", vcf_text(SAMPLES, rows), "vcf.gz"), (), "'0/x'"
    if case == "require_index":
        path = write_input(tmp_path, "in", good_text(), "bcf")
        return path, ("--require-index",), "--require-index"
    path = write_input(tmp_path, "in", vcf_text(SAMPLES, ROWS, chrom="1"), "vcf.gz")
    return path, (), "no chromosome 2"


@pytest.mark.parametrize(
    "case", ["not_vcf", "truncated", "malformed_gt", "require_index", "no_chr2"]
)
def test_console_prints_one_line_and_no_htslib_noise(tmp_path, case):
    path, extra, problem = _console_case(tmp_path, case)
    out = tmp_path / "out.json"
    proc = console("annotate", path, *extra, "-o", out, cwd=tmp_path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 3, stderr
    assert "[E::" not in stderr and "[W::" not in stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"{PREFIX}{path}: ")
    assert problem in lines[0]
    assert proc.stdout == b""
    assert not out.exists()


def test_console_stdin_garbage(tmp_path):
    proc = console("annotate", "-", cwd=tmp_path, stdin=b"this is not a VCF\n")
    stderr = proc.stderr.decode()
    assert proc.returncode == 3, stderr
    assert (
        stderr == f"{PREFIX}<stdin>: not a VCF or BCF file (htslib could not read a VCF header)\n"
    )


# --- batches with --output-dir -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "tsv", "summary"])
def test_batch_one_good_one_bad(tmp_path, run, fmt):
    good = write_input(tmp_path, "good", good_text(), "vcf.gz+tbi")
    bad = write_input(tmp_path, "bad", vcf_text(SAMPLES, ["113131068 G T PASS GT 0/x 0/0"]), "vcf")
    reports = tmp_path / "reports"
    result = run("annotate", good, bad, "--output-dir", reports, "--format", fmt)
    assert result.exit_code == 4, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{PREFIX}{bad}: malformed GT '0/x'")
    assert "Traceback" not in result.stderr
    extension = {"json": ".json", "tsv": ".tsv", "summary": ".txt"}[fmt]
    # the MultiQC table has both: the good input's samples and the bad input's failure
    # (and the state that lets a rerun skip finished reports: resume.py)
    assert sorted(p.name for p in reports.iterdir()) == [
        STATE_FILE,
        f"good{extension}",
        "il1rn_dira_mqc.tsv",
    ]
    written = (reports / f"good{extension}").read_text()
    if fmt == "json":
        report = json.loads(written)
        assert {s["sample"]: s["dira_genotype"] for s in report["samples"]} == CALLS
    else:
        assert "carrier" in written and "homozygote" in written


def test_batch_all_bad(tmp_path, run):
    missing = tmp_path / "missing.vcf.gz"
    junk = tmp_path / "junk.vcf"
    junk.write_bytes(NOT_VCF["prose"])
    nochr2 = write_input(tmp_path, "nochr2", vcf_text(SAMPLES, [], chrom="1"), "vcf")
    reports = tmp_path / "reports"
    result = run("annotate", missing, junk, nochr2, "--output-dir", reports)
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith(f"{PREFIX}{missing}: no such file")
    assert lines[1].startswith(f"{PREFIX}{junk}: not a VCF or BCF")
    assert lines[2].startswith(f"{PREFIX}{nochr2}: no chromosome 2")
    assert "Traceback" not in result.stderr
    # no report; the MultiQC table names each input as failed, so none is missing from it
    assert [p.name for p in reports.iterdir()] == ["il1rn_dira_mqc.tsv"]
    rows = (reports / "il1rn_dira_mqc.tsv").read_text().splitlines()[-3:]
    assert [row.split("\t")[:2] for row in rows] == [
        ["missing", "failed"],
        ["junk", "failed"],
        ["nochr2", "failed"],
    ]


def test_batch_inputs_with_the_same_stem_do_not_overwrite_each_other(tmp_path, run):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_input(tmp_path / "a", "s", good_text(), "vcf")
    second = write_input(tmp_path / "b", "s", vcf_text(["other"], []), "vcf.gz+tbi")
    reports = tmp_path / "reports"
    result = run("annotate", first, second, "--output-dir", reports)
    written = sorted(reports.iterdir()) if reports.exists() else []
    samples = {
        s["sample"]
        for p in written
        if p.suffix == ".json"
        for s in json.loads(p.read_text())["samples"]
    }
    # Either both reports survive, or the run refuses the clash: never a silent loss.
    assert result.exit_code != 0 or samples == {"carrier", "homozygote", "other"}, (
        result.stderr,
        [p.name for p in written],
    )


# --- atomic writes: a failed run leaves an earlier report untouched ---------------------------


def _break_missing(tmp_path: Path) -> Path:
    return tmp_path / "gone.vcf.gz"


def _break_malformed(tmp_path: Path) -> Path:
    return write_input(tmp_path, "bad", vcf_text(SAMPLES, ["113131068 G T PASS GT 0/x 0/0"]))


def _break_truncated(tmp_path: Path) -> Path:
    good = write_input(tmp_path, "whole", good_text(), "vcf.gz")
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def _break_contradiction(tmp_path: Path) -> Path:
    return write_input(tmp_path, "contra", good_text("GRCh38", chrom="NC_000002.11"), "vcf")


BREAKERS = {
    "missing": _break_missing,
    "malformed_gt": _break_malformed,
    "truncated": _break_truncated,
    "build_contradiction": _break_contradiction,
}


@pytest.mark.parametrize("breaker", sorted(BREAKERS))
@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_failed_run_leaves_earlier_report_untouched(tmp_path, run, breaker, fmt):
    good = write_input(tmp_path, "good", good_text(), "vcf.gz+tbi")
    out = tmp_path / "reports" / f"out.{fmt}"
    out.parent.mkdir()
    first = run("annotate", good, "--format", fmt, "-o", out)
    assert first.exit_code == 0, first.stderr
    before = out.read_bytes()
    mtime = out.stat().st_mtime_ns
    assert b"carrier" in before

    bad = BREAKERS[breaker](tmp_path)
    result = run("annotate", bad, "--format", fmt, "-o", out)
    assert_one_error(result, bad)
    assert out.read_bytes() == before
    assert out.stat().st_mtime_ns == mtime
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_successful_run_replaces_earlier_report(tmp_path, run):
    """The control for the test above: a good run does rewrite the file."""
    out = tmp_path / "out.json"
    out.write_text("stale report\n")
    good = write_input(tmp_path, "good", good_text(), "vcf.gz+tbi")
    result = run("annotate", good, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    report = json.loads(out.read_text())
    assert {s["sample"]: s["dira_genotype"] for s in report["samples"]} == CALLS
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _bad_gt_column_by_column(line: str) -> str:
    """``vcftext.bad_gt`` as it read a line before its one-scan shortcut: every column."""
    from il1rn_annot.vcftext import is_gt, shown

    cells = line.rstrip("\r\n").split("\t")
    if len(cells) < 10:
        return ""
    keys = cells[8].split(":")
    if "GT" not in keys:
        return ""
    at = keys.index("GT")
    for column, value in enumerate(cells[9:], 1):
        values = value.split(":")
        if at < len(values) and not is_gt(values[at]):
            return (
                f"malformed GT {shown(values[at])!r} in sample column {column} "
                f"at {shown(cells[0])}:{shown(cells[1])}"
            )
    return ""


@pytest.mark.parametrize("seed", range(20))
def test_gt_grammar_shortcut_finds_what_every_column_finds(seed):
    """The one-scan check of a cohort line's GTs (``vcftext.bad_gt``) names the same first bad
    GT as a look at every column, for GTs good and bad, first or not, with CR/LF endings."""
    import random

    from il1rn_annot.vcftext import bad_gt

    rng = random.Random(seed)
    gts = ["0/1", "1|0", ".", "./.", "1", "10/2", "|0/1", "0/0", "+1/1", "01/1", "1//1", "0/x",
           "", " 1/1", "1/1\r", "0/1 ", "2", "0|0|1", "\n"]  # fmt: skip
    for _ in range(200):
        formats = rng.choice(["GT", "GT:DP", "DP:GT", "GT:AD:DP", "DP", "GTX:DP"])
        keys = formats.split(":")
        columns = []
        for _ in range(rng.randint(0, 6)):
            values = [rng.choice(gts[:8] * 6 + gts) if k == "GT" else "30" for k in keys]
            while len(values) > 1 and rng.random() < 0.2:
                values.pop()
            columns.append(":".join(values))
        line = "\t".join(["chr2", "100", ".", "A", "C", "50", "PASS", ".", formats, *columns])
        line += rng.choice(["", "\n", "\r\n"])
        assert bad_gt(line) == _bad_gt_column_by_column(line), repr(line)


@pytest.mark.parametrize("seed", range(10))
def test_gt_grammar_at_sight_finds_what_every_column_finds(seed):
    """A cohort-wide line (thousands of columns) is looked at as bytes first (``vcftext``'s GTs
    at sight): it names the same first bad GT as a look at every column, wherever the GT is
    (first column, last, before the line's end), with multi-digit, haploid and non-ASCII text."""
    import random

    from il1rn_annot.vcftext import _ARRAY_FROM, bad_gt

    rng = random.Random(seed)
    gts = ["0/1", "1|0", ".", "./.", "1", "10/2", "|0/1", "0/0", "+1/1", "01/1", "1//1", "0/x",
           "", " 1/1", "0/1 ", "2", "0|0|1", "é/1", "1/é", "0/\0", "9|.", "0/1/", "1/"]  # fmt: skip
    for _ in range(30):
        formats = rng.choice(["GT", "GT:DP", "GT:AD:DP"])
        n_keys = len(formats.split(":"))
        columns = [":".join(["0/0", "30", "12"][:n_keys]) for _ in range(6_000)]
        for _ in range(rng.randint(0, 3)):  # a few other GTs anywhere, the last column too
            at = rng.choice([0, len(columns) - 1, rng.randrange(len(columns))])
            values = [rng.choice(gts), "30", "12"][: rng.randint(1, n_keys)]
            columns[at] = ":".join(values)
        line = "\t".join(["chr2", "100", ".", "A", "C", "50", "PASS", ".", formats, *columns])
        line += rng.choice(["", "\n", "\r\n"])
        assert len(line) > _ARRAY_FROM
        assert bad_gt(line) == _bad_gt_column_by_column(line), repr(line[-200:])
