"""Fuzzing: real VCF text, BGZF blocks and BCF headers, mutated; every run must end as documented.

For every mutated input: no traceback, exit 0 with a complete report or exit 3 with one error
line and no report file, and no `biallelic`/`monoallelic` call resting on a record the report
calls into doubt (tests/fuzz_inputs.py says how). The CLI runs in-process for volume and through
its real entry point, as a subprocess, for a sample. Profiles: "ci" (the default, about a minute,
derandomized so CI is repeatable) and "long" (`make fuzz`: HYPOTHESIS_PROFILE=long).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pysam
import pytest
from click.testing import CliRunner
from conftest import vcf_text, write_input
from fuzz_inputs import (
    BCF_HEADER_EDITS,
    GARBAGE_ALLELES,
    GARBAGE_GTS,
    GARBAGE_NUMBERS,
    HEADER_EDITS,
    SEEDS,
    apply,
    assert_calls_rest_on_sound_records,
    bcf_parts,
    bcf_with_header,
    bgzf_blocks,
    check,
    grafted,
    relocated,
    seed_texts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from il1rn_annot.cli import cli

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "database": None,
}
settings.register_profile("ci", max_examples=300, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=2000, derandomize=False, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TEXTS = seed_texts()
ROOT = Path(__file__).parent.parent
EXAMPLE = TEXTS["dira_example.vcf.gz"]
#: Every text seed, the real-world ones also moved onto catalog sites and grafted onto the
#: examples' records.
CORPUS = {
    **TEXTS,
    **{f"relocated:{k}": relocated(v) for k, v in TEXTS.items() if not k.startswith("dira_")},
    **{f"grafted:{k}": grafted(v, EXAMPLE) for k, v in TEXTS.items() if not k.startswith("dira_")},
}
ENCODINGS = ("vcf", "vcf.gz", "vcf.gz+tbi", "bcf")
FORMATS = ("json", "json", "json", "tsv", "vcf")


def annotate(path: Path, out: Path, fmt: str = "json", *extra: str):
    """The CLI in-process (Click's runner runs the real command); the invariants checked."""
    result = CliRunner().invoke(
        cli, ["annotate", str(path), "-o", str(out), "--format", fmt, *extra]
    )
    outcome = check(result.exit_code, result.stderr, out, result.exception, fmt)
    return outcome


def written(directory: Path, text: str, encoding: str) -> Path:
    """``text`` as an input file; an encoding htslib cannot make of it falls back to VCF."""
    raw = text.encode("utf-8", "surrogateescape")
    plain = directory / "in.vcf"
    plain.write_bytes(raw)
    if encoding == "vcf":
        return plain
    try:
        return write_input(directory, "in", raw.decode("utf-8", "surrogateescape"), encoding)
    except (OSError, ValueError, TypeError, UnicodeError):  # pysam could not write it
        for leftover in directory.glob("in.*"):
            leftover.unlink()
        plain.write_bytes(raw)
        return plain


def run_text(text: str, encoding: str, fmt: str = "json"):
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp, "in"), Path(tmp, "out")
        inputs.mkdir()
        outputs.mkdir()
        path = written(inputs, text, encoding)
        return annotate(path, outputs / f"report.{fmt}", fmt)


# -- strategies ----------------------------------------------------------------------------

_index = st.integers(min_value=0, max_value=10_000)
_texty = st.one_of(
    st.sampled_from(GARBAGE_ALLELES + GARBAGE_GTS + GARBAGE_NUMBERS),
    st.text(max_size=12),
)
_record_edit = st.one_of(
    st.tuples(
        st.just("record"), _index, st.sampled_from(("ref", "alt")), st.sampled_from(GARBAGE_ALLELES)
    ),
    st.tuples(st.just("record"), _index, st.just("gt"), st.sampled_from(GARBAGE_GTS)),
    st.tuples(st.just("record"), _index, st.just("format_value"), st.sampled_from(GARBAGE_NUMBERS)),
    st.tuples(
        st.just("record"),
        _index,
        st.sampled_from(("pos", "chrom", "info", "filter", "drop_column", "add_column", "spaces")),
        _texty,
    ),
)
MUTATION = st.one_of(
    _record_edit,
    st.tuples(st.just("header"), st.sampled_from(HEADER_EDITS)),
    st.tuples(st.just("swap"), _index, _index),
    st.tuples(st.just("duplicate"), _index),
    st.tuples(st.just("delete_line"), _index),
    st.tuples(st.just("truncate"), st.integers(min_value=0, max_value=1 << 20)),
    st.tuples(st.just("crlf")),
    st.tuples(
        st.just("insert"), _index, st.sampled_from(("\x00", "\r", "\t", "\n", "\udcff", "#"))
    ),
    st.tuples(st.just("huge_info"), _index, st.sampled_from((70_000, 1 << 20))),
)


# -- text --------------------------------------------------------------------------------------


@given(
    seed=st.sampled_from(sorted(CORPUS)),
    mutations=st.lists(MUTATION, min_size=1, max_size=3),
    encoding=st.sampled_from(ENCODINGS),
    fmt=st.sampled_from(FORMATS),
)
def test_mutated_text_ends_as_documented(seed, mutations, encoding, fmt):
    text = CORPUS[seed]
    for mutation in mutations:
        text = apply(text, mutation)
    run_text(text, encoding, fmt)


@pytest.mark.parametrize("seed", sorted(CORPUS))
def test_every_seed_ends_as_documented(seed):
    """The seeds themselves, unmutated: the relocated ones reach the call logic."""
    run_text(CORPUS[seed], "vcf.gz")


# -- BGZF --------------------------------------------------------------------------------------


def _cuts(name: str) -> list[int]:
    data = (ROOT / name).read_bytes()
    blocks = bgzf_blocks(data)
    mids = [(a + b) // 2 for a, b in itertools.pairwise(blocks)]
    return sorted({*blocks[:-1], *mids, len(data) - 28, len(data) - 1} - {0})


TRUNCATIONS = [
    (name, cut)
    for name in ("examples/dira_example.vcf.gz", "examples/dira_sv_example.vcf.gz")
    for cut in _cuts(name)
]


@pytest.mark.parametrize(("name", "cut"), TRUNCATIONS)
@pytest.mark.parametrize("index", [True, False], ids=["with-index", "no-index"])
def test_bgzf_truncated_at_every_block_and_mid_block(tmp_path, name, cut, index):
    """A file cut at a block boundary loses whole records (htslib sees no EOF block); cut in a
    block, it ends in a broken block. Either way: exit 3, or a report that says what it read."""
    source = ROOT / name
    path = tmp_path / "in" / "cut.vcf.gz"
    path.parent.mkdir()
    path.write_bytes(source.read_bytes()[:cut])
    if index:
        Path(f"{path}.tbi").write_bytes(Path(f"{source}.tbi").read_bytes())
    (tmp_path / "out").mkdir()
    outcome = annotate(path, tmp_path / "out" / "report.json")
    if outcome.exit_code == 0:
        assert outcome.report["samples"], outcome.stderr


#: BGZF's end-of-file marker: an empty block (SAM/BAM specification, 4.1.2).
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@pytest.fixture(scope="module")
def multi_block(tmp_path_factory) -> Path:
    """A cohort-sized window over many BGZF blocks, E77X near its end, indexed."""
    noise = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(3100)]
    rows = [f"{113100000 + 10 * i} A G PASS INFO=X={noise[i]} {FMT_ROW}" for i in range(3100)]
    rows.append("113131068 G T PASS GT:GQ:DP 0/1:60:30 0/0:60:30")  # after 113130990
    directory = tmp_path_factory.mktemp("multi_block")
    header = ['##INFO=<ID=X,Number=1,Type=String,Description="Noise, so that blocks are many">']
    text = vcf_text(["s1", "s2"], rows, header=header)
    return write_input(directory, "big", text, "vcf.gz+tbi")


FMT_ROW = "GT:GQ:DP 0/0:60:30 0/1:60:30"


@pytest.mark.parametrize("block", range(1, 7))
@pytest.mark.parametrize("how", ["at_block", "mid_block", "at_block_with_eof"])
def test_multi_block_file_truncated(tmp_path, multi_block, block, how):
    """Cut at the start of a block, inside it, or at a block with a fresh EOF marker after it
    (a file that looks complete but lost its end): the index now points past the data."""
    data = multi_block.read_bytes()
    blocks = bgzf_blocks(data)
    assert len(blocks) > 7, "the fixture must span many blocks"
    cut = blocks[block] if how != "mid_block" else (blocks[block] + blocks[block + 1]) // 2
    path = tmp_path / "in" / "cut.vcf.gz"
    path.parent.mkdir()
    path.write_bytes(data[:cut] + (BGZF_EOF if how == "at_block_with_eof" else b""))
    Path(f"{path}.tbi").write_bytes(Path(f"{multi_block}.tbi").read_bytes())
    (tmp_path / "out").mkdir()
    outcome = annotate(path, tmp_path / "out" / "report.json")
    kept = gzip.decompress(data[: blocks[block]])
    if outcome.exit_code == 0 and b"\t113131068\t" not in kept:  # E77X's record is lost
        assert all(s["dira_genotype"] != "monoallelic" for s in outcome.report["samples"])


@given(
    name=st.sampled_from(("examples/dira_example.vcf.gz", "examples/dira_sv_example.vcf.gz")),
    edits=st.lists(st.tuples(_index, st.integers(0, 255)), min_size=1, max_size=4),
    index=st.booleans(),
)
def test_bgzf_byte_edits_end_as_documented(name, edits, index):
    """Bytes of the compressed stream changed: headers, CRCs, sizes and deflate data."""
    data = bytearray((ROOT / name).read_bytes())
    for at, value in edits:
        data[at % len(data)] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.vcf.gz")
        path.write_bytes(bytes(data))
        if index:
            Path(f"{path}.tbi").write_bytes(Path(f"{ROOT / name}.tbi").read_bytes())
        out = Path(tmp, "out")
        out.mkdir()
        annotate(path, out / "report.json")


# -- BCF ---------------------------------------------------------------------------------------


def _example_bcf(directory: Path, text: str = EXAMPLE) -> Path:
    return write_input(directory, "in", text, "bcf")


@pytest.mark.parametrize("edit", BCF_HEADER_EDITS, ids=lambda e: e[0][:30].decode())
@pytest.mark.parametrize("seed", ["example", "htslib"])
def test_bcf_with_a_wrong_header_dictionary(tmp_path, edit, seed):
    """The BCF header text edited, its records kept: their dictionary indices now point at
    other keys or at none (a BCF without IDX= numbers its dictionary by line order)."""
    source = _example_bcf(tmp_path) if seed == "example" else SEEDS / "htslib_tabix_vcf_file.bcf"
    magic, header, records = bcf_parts(source)
    old, new = edit
    path = bcf_with_header(magic, header.replace(old, new, 1), records, tmp_path / "edited.bcf")
    (tmp_path / "out").mkdir()
    annotate(path, tmp_path / "out" / "report.json")


@given(
    seed=st.sampled_from(("example", "relocated")),
    part=st.sampled_from(("header", "records")),
    edits=st.lists(st.tuples(_index, st.integers(0, 255)), min_size=1, max_size=4),
)
def test_bcf_byte_edits_end_as_documented(seed, part, edits):
    """Bytes of the uncompressed BCF changed (header text or binary records), recompressed as
    valid BGZF so that htslib's BCF parser, not zlib, meets them."""
    with tempfile.TemporaryDirectory() as tmp:
        text = EXAMPLE if seed == "example" else CORPUS["relocated:htslib_vcf44_1.vcf"]
        inputs = Path(tmp, "in")
        inputs.mkdir()
        try:
            source = _example_bcf(inputs, text)
        except (OSError, ValueError):
            return  # htslib would not write this seed as BCF
        magic, header, records = bcf_parts(source)
        target = bytearray(header if part == "header" else records)
        for at, value in edits:
            if target:
                target[at % len(target)] = value
        if part == "header":
            header = bytes(target).rstrip(b"\0")
        else:
            records = bytes(target)
        path = bcf_with_header(magic, header, records, inputs / "edited.bcf")
        out = Path(tmp, "out")
        out.mkdir()
        annotate(path, out / "report.json")


# -- the real entry point ------------------------------------------------------------------

ENTRY_SAMPLE = {
    "nul_in_record": ("insert", 1400, "\x00"),
    "crlf": ("crlf",),
    "triploid_gt": ("record", 3, "gt", "1/1/1"),
    "half_missing_gt": ("record", 3, "gt", "./1"),
    "unsorted": ("swap", 0, 6),
    "duplicate_sample": ("header", "duplicate_sample"),
    "truncated_mid_record": ("truncate", 1500),
    "huge_info": ("huge_info", 3, 1 << 20),
    "wrong_column_count": ("record", 3, "drop_column", "xxxxxxxxx"),
    "vcf45": ("header", "fileformat_4.5"),
}


@pytest.mark.parametrize("mutation", ENTRY_SAMPLE.values(), ids=ENTRY_SAMPLE.keys())
def test_real_entry_point_on_a_sample_of_mutations(tmp_path, mutation):
    """The installed console script as a subprocess: its own exit code and stderr, where an
    uncaught exception would print a traceback."""
    path = written(tmp_path, apply(EXAMPLE, mutation), "vcf.gz")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.json"
    script = Path(sys.executable).with_name("il1rn-annot")
    done = subprocess.run(
        [str(script), "annotate", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    check(done.returncode, done.stderr, out)


def test_relocated_seeds_reach_catalog_sites():
    """The relocated real-world records are read as catalog alleles (else they test nothing)."""
    outcome = run_text(CORPUS["relocated:htslib_formatmissing.vcf"], "vcf.gz")
    assert outcome.exit_code == 0, outcome.stderr
    assert any(r["dira_id"] for r in outcome.report["records"])


def test_entry_point_script_exists():
    assert Path(sys.executable).with_name("il1rn-annot").exists()


def test_bcf_seed_is_real_bcf():
    with pysam.VariantFile(str(SEEDS / "htslib_tabix_vcf_file.bcf")) as vf:
        assert vf.is_bcf


def test_the_call_check_fails_on_a_call_resting_on_a_doubtful_record():
    """The invariant can fail: a carrier call on a record that the report warns about."""
    outcome = run_text(EXAMPLE, "vcf.gz")
    report = outcome.report
    e77x = next(r for r in report["records"] if r["dira_id"] == "DIRA01")
    assert_calls_rest_on_sound_records(report)
    report["warnings"].append(f"{e77x['chrom']}:{e77x['pos']}: something is wrong with it")
    with pytest.raises(AssertionError, match="resting on doubtful records"):
        assert_calls_rest_on_sound_records(report)
    report["warnings"][-1] = (
        f"1 record(s) of chromosome 2 are out of POS order (first: {e77x['chrom']}:{e77x['pos']})"
    )
    assert_calls_rest_on_sound_records(report)
