"""Reading every encoding and contig naming, stdin, build detection, indexes and streaming."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENCODINGS, calls, joined, pos, vcf_text, write_input

BUILDS = ("GRCh38", "GRCh37")
SAMPLES = ("carrier", "homozygote", "reference")
#: GRCh38 rows, sorted: a record outside the window (2:100000000, every sample hom-alt), then
#: DIRA02 Q54X (homozygote 1/1), then DIRA01 E77X (carrier 0/1).
ROWS = (
    "100000000 A C PASS GT:GQ:DP 1/1:99:30 1/1:99:30 1/1:99:30",
    "113129619 C T PASS GT:GQ:DP 0/0:99:30 1/1:99:30 0/0:99:30",
    "113131068 G T PASS GT:GQ:DP 0/1:99:30 0/0:99:30 0/0:99:30",
)
EXPECTED = {"carrier": "monoallelic", "homozygote": "biallelic", "reference": "none"}
DIRA_IDS = {"carrier": ["DIRA01"], "homozygote": ["DIRA02"], "reference": []}

ACCESSION = {"GRCh38": "NC_000002.12", "GRCh37": "NC_000002.11"}
CHR1 = {"2": "1", "chr2": "chr1", "NC_000002.12": "NC_000001.11", "NC_000002.11": "NC_000001.10"}
CHR1_LENGTH = {"GRCh38": 248_956_422, "GRCh37": 249_250_621}
INDEXED = {"vcf.gz+tbi", "vcf.gz+csi", "bcf+csi"}


def chr2_name(naming: str, build: str) -> str:
    return ACCESSION[build] if naming == "accession" else naming


def with_chr1(text: str, chrom2: str, build: str, chr1_rows: list[str]) -> str:
    """Add a chr1 ##contig line before chr2's and ``chr1_rows`` (POS REF ALT GT...) as records
    before the chr2 records, so the file stays sorted for tabix and BCF indexes."""
    chr1 = CHR1[chrom2]
    lines = text.splitlines()
    contig = next(i for i, line in enumerate(lines) if line.startswith("##contig="))
    lines.insert(contig, f"##contig=<ID={chr1},length={CHR1_LENGTH[build]}>")
    body = next(i for i, line in enumerate(lines) if line.startswith("#CHROM")) + 1
    records = []
    for row in chr1_rows:
        p, ref, alt, *genotypes = row.split()
        records.append(
            "\t".join([chr1, p, ".", ref, alt, ".", "PASS", ".", "GT:GQ:DP", *genotypes])
        )
    lines[body:body] = records
    return "\n".join(lines) + "\n"


def scenario(naming: str = "2", build: str = "GRCh38") -> str:
    chrom = chr2_name(naming, build)
    text = vcf_text(SAMPLES, ROWS, chrom=chrom, build=build)
    # On chr1 at DIRA01's number, every sample hom-alt: reading it would change every call.
    dira01 = pos(build, 113131068)
    return with_chr1(text, chrom, build, [f"{dira01} G T 1/1:99:30 1/1:99:30 1/1:99:30"])


def assert_scenario(report: dict, build: str, chrom: str) -> None:
    assert calls(report) == EXPECTED
    for sample in report["samples"]:
        ids = [v["dira_id"] for v in sample["variants"] if v["dira_id"]]
        assert ids == DIRA_IDS[sample["sample"]], sample["sample"]
        for variant in joined(report, sample):
            assert variant["chrom"] == chrom
            assert variant["pos"] != pos(build, 100_000_000)
            assert report["input"]["window"]["start"] <= variant["pos"]
            assert variant["pos"] <= report["input"]["window"]["end"]
    assert report["input"]["build"] == build
    assert report["input"]["n_samples"] == len(SAMPLES)


def console(*args, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The real program in a child process, so htslib's C-level stderr is captured too."""
    return subprocess.run(
        [sys.executable, "-m", "il1rn_annot", *map(str, args)],
        capture_output=True,
        input=stdin,
        cwd=cwd,
        timeout=120,
        check=False,
    )


# --- the same scenario in every encoding, naming and build -----------------------------------


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("naming", ["2", "chr2", "accession"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_scenario_every_encoding_naming_and_build(tmp_path, run, encoding, naming, build):
    chrom = chr2_name(naming, build)
    path = write_input(tmp_path, "in", scenario(naming, build), encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = result.json()
    assert_scenario(report, build, chrom)
    assert report["input"]["access"] == ("index" if encoding in INDEXED else "stream")
    assert report["input"]["contig"] == chrom
    assert report["input"]["window"]["chrom"] == chrom
    assert report["input"]["path"] == str(path)


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_build_option_agreeing_with_header(tmp_path, run, encoding, build):
    path = write_input(tmp_path, "in", scenario("chr2", build), encoding)
    result = run("annotate", path, "--build", build)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert_scenario(report, build, "chr2")
    assert report["input"]["build_source"] == "--build (agrees with ##contig length of chr2 (" + (
        "242193529))" if build == "GRCh38" else "243199373))"
    )


# --- stdin -------------------------------------------------------------------------------------


@pytest.mark.skipif(os.isatty(0), reason="htslib would read the terminal on fd 0 and block")
def test_stdin_in_process(run):
    result = run("annotate", "-", "--build", "GRCh38", input=scenario())
    assert result.exit_code == 0, result.stderr
    assert_scenario(result.json(), "GRCh38", "2")


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "bcf"])
@pytest.mark.parametrize("build_option", [("--build", "GRCh38"), ()], ids=["build", "detect"])
def test_stdin_console(tmp_path, encoding, build_option):
    """A pipe into the real program: plain text, bgzipped text and BCF all give the same calls."""
    data = write_input(tmp_path, "in", scenario(), encoding).read_bytes()
    proc = console("annotate", "-", *build_option, cwd=tmp_path, stdin=data)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    report = json.loads(proc.stdout)
    assert_scenario(report, "GRCh38", "2")
    assert report["input"]["path"] == "<stdin>"
    assert report["input"]["access"] == "stream"
    assert report["input"]["contig"] == "2"
    length = "##contig length of 2 (242193529)"
    expected_source = f"--build (agrees with {length})" if build_option else length
    assert report["input"]["build_source"] == expected_source


# --- build detection ---------------------------------------------------------------------------


def _by_length(build: str) -> str:
    return vcf_text(SAMPLES, ROWS[1:], build=build)


def _by_accession(accession: str, build: str) -> str:
    # No length on the ##contig line: only the name can tell the build.
    rows = [f"{pos(build, int(r.split()[0]))} {r.split(maxsplit=1)[1]}" for r in ROWS[1:]]
    return vcf_text(
        SAMPLES, rows, chrom=accession, build=None, header=[f"##contig=<ID={accession}>"]
    )


def _by_reference_hint(build: str) -> str:
    rows = [f"{pos(build, int(r.split()[0]))} {r.split(maxsplit=1)[1]}" for r in ROWS[1:]]
    return vcf_text(SAMPLES, rows, build=None, header=["##reference=file:///ref/hs37d5.fa"])


def _by_ref_bases(build: str) -> str:
    # No ##contig line at all; one record at DIRA01 with the reference base G.
    row = f"{pos(build, 113131068)} G T PASS GT:GQ:DP 0/1:99:30 0/0:99:30 0/0:99:30"
    return vcf_text(SAMPLES, [row], build=None)


DETECTION = {
    "length_GRCh38": (lambda: _by_length("GRCh38"), "GRCh38", "##contig length of 2 (242193529)"),
    "length_GRCh37": (lambda: _by_length("GRCh37"), "GRCh37", "##contig length of 2 (243199373)"),
    "accession_NC_000002.11": (
        lambda: _by_accession("NC_000002.11", "GRCh37"),
        "GRCh37",
        "contig name NC_000002.11",
    ),
    "accession_CM000664.2": (
        lambda: _by_accession("CM000664.2", "GRCh38"),
        "GRCh38",
        "contig name CM000664.2",
    ),
    "reference_hs37d5": (
        lambda: _by_reference_hint("GRCh37"),
        "GRCh37",
        "the ##reference line",
    ),
    "ref_bases_GRCh38": (
        lambda: _by_ref_bases("GRCh38"),
        "GRCh38",
        "REF bases of 1 record(s) at catalog sites agree with GRCh38",
    ),
    "ref_bases_GRCh37": (
        lambda: _by_ref_bases("GRCh37"),
        "GRCh37",
        "REF bases of 1 record(s) at catalog sites agree with GRCh37",
    ),
}


@pytest.mark.parametrize("case", list(DETECTION))
@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "vcf.gz+tbi"])
def test_build_detection(tmp_path, run, case, encoding):
    make, build, source = DETECTION[case]
    path = write_input(tmp_path, "in", make(), encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = result.json()
    assert report["input"]["build"] == build
    assert report["input"]["build_source"] == source
    assert report["input"]["access"] == ("index" if encoding in INDEXED else "stream")
    expected = (
        {"carrier": "monoallelic", "homozygote": "none", "reference": "none"}
        if case.startswith("ref_bases")
        else EXPECTED
    )
    assert calls(report) == expected


@pytest.mark.parametrize(
    ("accession", "build"),
    [
        ("NC_000002.11", "GRCh37"),
        ("CM000664.1", "GRCh37"),
        ("NC_000002.12", "GRCh38"),
        ("CM000664.2", "GRCh38"),
    ],
)
def test_accession_agreeing_with_length(annotate, accession, build):
    """Length and accession both name the build and agree: the length is reported as source."""
    report = annotate(vcf_text(SAMPLES, ROWS[1:], chrom=accession, build=build))
    assert report["input"]["build"] == build
    assert report["input"]["build_source"].startswith(f"##contig length of {accession}")
    assert report["input"]["contig"] == accession
    assert calls(report) == EXPECTED


@pytest.mark.parametrize("build", BUILDS)
def test_weak_hint_yields_to_contig_length(run, tmp_path, build):
    """A ##reference hint naming the other build loses to the chr2 length, with a warning."""
    other = "GRCh37" if build == "GRCh38" else "GRCh38"
    hint = {"GRCh37": "##reference=file:///ref/hs37d5.fa", "GRCh38": "##reference=hg38.fa"}[other]
    text = vcf_text(SAMPLES, ROWS[1:], build=build, header=[hint])
    path = write_input(tmp_path, "in", text, "vcf")
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    assert result.json()["input"]["build"] == build
    assert calls(result.json()) == EXPECTED
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("il1rn-annot: warning: ")
    assert "##reference line" in lines[0]


# --- files with nothing to call ----------------------------------------------------------------


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_header_only(tmp_path, run, encoding, build):
    path = write_input(tmp_path, "in", vcf_text(SAMPLES, [], build=build), encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["input"]["build"] == build
    assert report["input"]["contig"] == "2"
    assert calls(report) == dict.fromkeys(SAMPLES, "none")
    for sample in report["samples"]:
        assert sample["coverage"]["proven_reference"] is False
        assert sample["coverage"]["sites_called"] == []
        assert sample["variants"] == []


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_no_samples(tmp_path, run, encoding):
    rows = ["113129619 C T PASS", "113131068 G T PASS"]
    path = write_input(tmp_path, "in", vcf_text([], rows), encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["samples"] == []
    assert report["input"]["n_samples"] == 0
    assert report["input"]["build"] == "GRCh38"


# --- indexes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stale", [True, False], ids=["stale", "fresh"])
@pytest.mark.parametrize(
    ("encoding", "suffix"), [("vcf.gz+tbi", ".tbi"), ("vcf.gz+csi", ".csi"), ("bcf+csi", ".csi")]
)
def test_stale_index_warns(tmp_path, run, encoding, suffix, stale):
    path = write_input(tmp_path, "in", scenario(), encoding)
    index = Path(f"{path}{suffix}")
    assert index.exists()
    data_mtime = path.stat().st_mtime
    index_mtime = data_mtime - 3600 if stale else data_mtime + 3600
    os.utime(index, (index_mtime, index_mtime))
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    assert_scenario(result.json(), "GRCh38", "2")
    assert result.json()["input"]["access"] == "index"
    if stale:
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"il1rn-annot: warning: {path}: ")
        assert "older" in lines[0]
        assert str(index) in lines[0]
    else:
        assert result.stderr == ""


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz", "bcf", "vcf.gz+tbi", "bcf+csi"])
def test_console_is_silent_about_missing_index(tmp_path, encoding):
    """htslib's '[E::idx_find_and_load] Could not retrieve index file' must not reach the user:
    it is C-level stderr, so only a child process can see it."""
    path = write_input(tmp_path, "in", scenario(), encoding)
    proc = console("annotate", path, cwd=tmp_path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr
    assert "[E::" not in stderr
    assert "[W::" not in stderr
    assert stderr == ""
    report = json.loads(proc.stdout)
    assert_scenario(report, "GRCh38", "2")
    assert report["input"]["access"] == ("index" if encoding in INDEXED else "stream")


# --- streaming a large file --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz"])
def test_stream_past_many_chr1_records(tmp_path, run, encoding):
    chr1_rows = [f"{1000 + 10 * i} A C 1/1:99:30 1/1:99:30 1/1:99:30" for i in range(20_000)]
    # The last chr1 record sits at DIRA01's number: only its contig tells it apart.
    chr1_rows.append("113131068 G T 1/1:99:30 1/1:99:30 1/1:99:30")
    text = with_chr1(vcf_text(SAMPLES, ROWS), "2", "GRCh38", chr1_rows)
    assert text.count("\n") > 20_000
    path = write_input(tmp_path, "big", text, encoding)
    result = run("annotate", path)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["input"]["access"] == "stream"
    assert_scenario(report, "GRCh38", "2")
