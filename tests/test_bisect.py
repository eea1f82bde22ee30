"""Issue 11, part 2: a sorted file without an index, read by bisection (``--assume-sorted``).

Real files: BGZF written by pysam.tabix_compress (many blocks), plain text, plain gzip by Python.
Each report read by bisection must equal the stream's and the index's (except input.access);
whatever the file shows against its order sends it to the stream, with the stream's warnings.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import calls, write_input

from il1rn_annot import bisection

LENGTHS = {"1": 248_956_422, "2": 242_193_529, "3": 198_295_559, "X": 156_040_895}
SAMPLES = ("patient", "parent")
WINDOW = (113_094_315, 113_139_016)  # GRCh38
GENE = (113_099_315, 113_134_016)
#: Catalog alleles on GRCh38 (data/dira_variants.tsv): E77X, Q54X, N52KfsX25, c.141del, R26X.
ALLELES = (
    (113_131_068, "G", "T"),
    (113_129_619, "C", "T"),
    (113_129_613, "AAC", "A"),
    (113_129_598, "AC", "A"),
    (113_127_700, "C", "T"),
)
E77X_HOM = (113_131_068, "G", "T", "", "1/1", "0/1")


def row(chrom: str, pos: int, ref: str, alt: str, info: str = "", *gts: str) -> str:
    gts = gts or ("0/1", "0/0")
    cells = [chrom, str(pos), ".", ref, alt, "50", "PASS", info or ".", "GT:DP"]
    return "\t".join([*cells, *(f"{gt}:{30 + i}" for i, gt in enumerate(gts))]) + "\n"


def genome(
    rng: random.Random,
    order: tuple[str, ...] = ("1", "2", "3", "X"),
    per_contig: int = 3_000,
    chr2_span: tuple[int, int] = (10_000, 240_000_000),
    window_rows: int = 60,
    extra: tuple[tuple, ...] = (E77X_HOM,),
    header_order: tuple[str, ...] | None = None,
) -> str:
    """A sorted one-chromosome-per-stretch VCF: random SNVs (with random depths, so that BGZF
    blocks stay many) on each contig of ``order``; on chr2 only within ``chr2_span``, plus
    ``window_rows`` around IL1RN (outside the gene, whose catalog sites get ``extra``)."""
    head = ["##fileformat=VCFv4.2"]
    head += [f"##contig=<ID={c},length={LENGTHS[c]}>" for c in header_order or order]
    head += [
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
        '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
        '##INFO=<ID=NOTE,Number=1,Type=String,Description="Free text">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"])
        + "\t"
        + "\t".join(SAMPLES),
    ]
    lines = [line + "\n" for line in head]
    for chrom in order:
        low, high = chr2_span if chrom == "2" else (10_000, LENGTHS[chrom] - 10_000)
        rows: dict[int, str] = {}
        for _ in range(per_contig):
            pos = rng.randrange(low, high)
            if not (chrom == "2" and WINDOW[0] <= pos <= WINDOW[1]):
                rows[pos] = _snv(rng, chrom, pos)
        if chrom == "2":
            for _ in range(window_rows):
                pos = rng.choice(
                    (rng.randrange(WINDOW[0], GENE[0]), rng.randrange(GENE[1], WINDOW[1]))
                )
                if low <= pos <= high:
                    rows[pos] = _snv(rng, chrom, pos)
            for pos, ref, alt, info, *gts in extra:
                rows[pos] = row("2", pos, ref, alt, info, *gts)
        lines += [rows[p] for p in sorted(rows)]
    return "".join(lines)


def _snv(rng: random.Random, chrom: str, pos: int) -> str:
    ref, alt = rng.sample("ACGT", 2)
    gts = [rng.choice(("0/1", "1/1", "0/0")) for _ in SAMPLES]
    cells = [chrom, str(pos), ".", ref, alt, str(rng.randrange(10, 99)), "PASS", ".", "GT:DP"]
    return "\t".join([*cells, *(f"{gt}:{rng.randrange(5, 60)}" for gt in gts)]) + "\n"


@pytest.fixture
def small_steps(monkeypatch):
    """Bisect down to single blocks (or bytes) and read in small chunks, so that files of a few
    hundred kB exercise every step a whole genome would."""

    def _set(step: int = 1, chunk: int = 4096) -> None:
        monkeypatch.setattr(bisection, "_SMALLEST_STEP", step)
        monkeypatch.setattr(bisection, "_CHUNK", chunk)

    _set()
    return _set


def report_of(run, path: Path, *args: str) -> tuple[dict, str]:
    result = run("annotate", path, *args)
    assert result.exit_code == 0, result.stderr
    return result.json(), result.stderr


def without_access(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    del report["input"]["access"], report["input"]["path"]
    return report


def three_ways(tmp_path: Path, run, text: str, encoding: str, *args: str):
    """The reports of one file read by bisection, as a stream and through an index."""
    bisected, log = report_of(
        run, write_input(tmp_path, "b", text, encoding), "--assume-sorted", *args
    )
    streamed, _ = report_of(run, write_input(tmp_path, "s", text, encoding), *args)
    indexed, _ = report_of(run, write_input(tmp_path, "i", text, "vcf.gz+tbi"), *args)
    assert streamed["input"]["access"] == "stream" and indexed["input"]["access"] == "index"
    assert without_access(bisected) == without_access(streamed) == without_access(indexed)
    return bisected, log


ENCODINGS = ["vcf.gz", "vcf"]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    ("order", "chr2_span"),
    [
        (("1", "2", "3", "X"), (10_000, 240_000_000)),
        (("1", "2", "3", "X"), (WINDOW[0], 240_000_000)),  # the window starts chr2
        (("1", "2", "3", "X"), (10_000, WINDOW[1])),  # the window ends chr2
        (("2", "3", "X"), (WINDOW[0], 240_000_000)),  # the window starts the file
        (("1", "3", "2"), (10_000, WINDOW[1])),  # the window ends the file
    ],
    ids=["middle", "chr2_start", "chr2_end", "file_start", "file_end"],
)
def test_window_is_found_by_bisection(tmp_path, run, small_steps, encoding, order, chr2_span):
    text = genome(random.Random(7), order=order, chr2_span=chr2_span)
    report, log = three_ways(tmp_path, run, text, encoding)
    assert report["input"]["access"] == "bisection"
    assert calls(report) == {"patient": "biallelic", "parent": "monoallelic"}
    assert log == ""


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_whole_genome_steps_on_a_file_of_many_blocks(tmp_path, run, encoding):
    """The real step sizes (no patching) on a file of over 50 BGZF blocks."""
    text = genome(random.Random(3), per_contig=20_000)
    path = write_input(tmp_path, "big", text, encoding)
    if encoding == "vcf.gz":
        assert path.stat().st_size > 4 * bisection._SMALLEST_STEP
        assert len(text) > 50 * (1 << 16)
    report, _ = report_of(run, path, "--assume-sorted")
    assert report["input"]["access"] == "bisection"
    streamed, _ = report_of(run, path)
    assert without_access(report) == without_access(streamed)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("chunk", [97, 4096])
def test_chunk_and_block_boundaries_inside_the_window(tmp_path, run, small_steps, encoding, chunk):
    """A dense window: a BGZF block (bgzip cuts the text every 65,280 bytes) and many read
    chunks begin inside it."""
    small_steps(chunk=chunk)
    text = genome(random.Random(11), per_contig=1_000, window_rows=1_500)
    starts = [text.index("\n2\t11309"), text.index("\n2\t11314")]  # around the window
    assert starts[0] // 65_280 < starts[1] // 65_280
    report, _ = three_ways(tmp_path, run, text, encoding)
    assert report["input"]["access"] == "bisection"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_long_lines_spanning_blocks(tmp_path, run, small_steps, encoding):
    """Records with 150 kB INFO fields (each spans BGZF blocks), before, in and after the
    window."""
    note = "NOTE=" + "x" * 150_000
    extra = (
        E77X_HOM,
        (WINDOW[0] + 10, "A", "C", note, "0/1", "0/0"),
        (WINDOW[0] - 500_000, "A", "C", note, "0/1", "0/0"),
        (WINDOW[1] + 200, "A", "C", note, "0/1", "0/0"),
    )
    text = genome(random.Random(5), extra=extra)
    report, _ = three_ways(tmp_path, run, text, encoding)
    assert report["input"]["access"] == "bisection"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_crlf_line_ends(tmp_path, run, small_steps, encoding):
    text = genome(random.Random(9)).replace("\n", "\r\n")
    report, _ = three_ways(tmp_path, run, text, encoding)
    assert report["input"]["access"] == "bisection"
    assert calls(report) == {"patient": "biallelic", "parent": "monoallelic"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_records_reaching_the_window_from_far_away(tmp_path, run, small_steps, encoding):
    """A homozygous deletion of IL1RN that starts 1.4 Mb upstream (by SVLEN alone, and by END),
    and a breakend 0.96 Mb past the window whose mate is in it: the stream and the index find
    them, so must the bisection."""
    extra = (
        (111_700_000, "A", "<DEL>", "SVTYPE=DEL;SVLEN=-1440000", "1/1", "0/1"),
        (111_650_000, "C", "<DEL>", "SVTYPE=DEL;END=113140000", "0/1", "0/0"),
        (114_100_000, "G", "G]2:113131000]", "SVTYPE=BND", "0/1", "0/0"),
    )
    text = genome(random.Random(13), extra=extra)
    report, _ = three_ways(tmp_path, run, text, encoding)
    assert report["input"]["access"] == "bisection"
    positions = {r["input_pos"] or r["pos"] for r in report["records"]}
    assert {111_700_000, 111_650_000, 114_100_000} <= positions


# --- the stream, whenever the file does not show what bisection needs --------------------------


def stream_instead(tmp_path, run, text: str, encoding: str = "vcf.gz") -> tuple[dict, str]:
    """The report with --assume-sorted is the stream's, word for word (warnings included)."""
    path = write_input(tmp_path, "x", text, encoding)
    assumed, log = report_of(run, path, "--assume-sorted")
    streamed, _ = report_of(run, path)
    assert assumed["input"]["access"] == "stream"
    assert assumed == streamed
    return assumed, log


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_chr2_after_chr3_is_streamed(tmp_path, run, small_steps, encoding):
    """Sorted within each contig, but the contigs out of the header's order (lexicographic
    output, a concatenation): a bisection by header order would look in the wrong place."""
    text = genome(random.Random(17), order=("1", "3", "2", "X"), header_order=("1", "2", "3", "X"))
    report, log = stream_instead(tmp_path, run, text)
    assert calls(report) == {"patient": "biallelic", "parent": "monoallelic"}
    assert "--assume-sorted: " in log and "; the whole file is read" in log


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("where", ["end", "chr2_before", "chr2_after"])
def test_window_record_out_of_place_is_found(tmp_path, run, small_steps, encoding, where):
    """E77X written out of place (appended at the end of the file; among chr2 records 40 Mb
    before or 0.5 Mb after IL1RN): the file shows it is not sorted, the stream finds the allele
    and warns as it always did."""
    text = genome(random.Random(19), extra=())
    lines = text.splitlines(keepends=True)
    e77x = row("2", *E77X_HOM)
    if where == "end":
        lines.append(e77x)
    else:
        target = 73_000_000 if where == "chr2_before" else 113_640_000
        at = next(
            i for i, x in enumerate(lines) if x.startswith("2\t") and int(x.split("\t")[1]) > target
        )
        lines.insert(at, e77x)
    report, log = stream_instead(tmp_path, run, "".join(lines), encoding)
    assert calls(report) == {"patient": "biallelic", "parent": "monoallelic"}
    assert any("out of POS order" in w for w in report["warnings"])
    assert "--assume-sorted: it is not sorted" in log


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("no_chr2_records", "no record in the IL1RN window where a sorted file would have it"),
        ("empty_window", "no record in the IL1RN window where a sorted file would have it"),
        ("no_contig_lines", "no ##contig line for chromosome 2 in the header"),
        ("two_chr2_names", "chromosome 2 has two names in the header"),
        ("undeclared_contig", "a record names 'chrUn_1', which the header does not declare"),
    ],
)
def test_files_bisection_cannot_trust_are_streamed(
    tmp_path, run, small_steps, encoding, kind, message
):
    """An empty answer is never taken from a bisection (the file may be ordered otherwise than
    its header says); nor is one from a header that cannot order chromosome 2."""
    rng = random.Random(23)
    if kind == "no_chr2_records":
        text = genome(rng, order=("1", "3", "X"), header_order=("1", "2", "3", "X"), extra=())
    elif kind == "empty_window":
        text = genome(rng, window_rows=0, extra=())
    else:
        text = genome(rng)
    if kind == "no_contig_lines":
        text = "".join(x for x in text.splitlines(keepends=True) if not x.startswith("##contig"))
    elif kind == "two_chr2_names":
        text = text.replace(
            "##contig=<ID=3,", "##contig=<ID=chr2,length=242193529>\n##contig=<ID=3,"
        )
    elif kind == "undeclared_contig":
        after = text.index("\n2\t1132")  # among chr2's records, just past the window
        text = text[: after + 1] + row("chrUn_1", 5, "A", "C") + text[after + 1 :]
    args = ("--build", "GRCh38") if kind == "no_contig_lines" else ()
    path = write_input(tmp_path, "x", text, encoding)
    assumed, log = report_of(run, path, "--assume-sorted", *args)
    streamed, _ = report_of(run, path, *args)
    assert assumed == streamed and assumed["input"]["access"] == "stream"
    assert f"--assume-sorted: {message}" in log


def test_plain_gzip_is_refused_as_before(tmp_path, run, small_steps):
    path = tmp_path / "plain.vcf.gz"
    path.write_bytes(gzip.compress(genome(random.Random(29)).encode()))
    assumed = run("annotate", path, "--assume-sorted")
    assert assumed.exit_code == 3
    assert "compressed with plain gzip, not bgzip" in assumed.stderr
    assert assumed.stderr == run("annotate", path).stderr


def test_stdin_and_bcf_are_read_to_the_end(tmp_path, run, small_steps):
    text = genome(random.Random(31))
    result = run("annotate", "-", "--assume-sorted", input=text)
    assert result.exit_code == 0, result.stderr
    assert result.json()["input"]["access"] == "stream"
    assert "--assume-sorted: standard input is read to the end" in result.stderr
    bcf, log = report_of(run, write_input(tmp_path, "b", text, "bcf"), "--assume-sorted")
    assert bcf["input"]["access"] == "stream"
    assert "--assume-sorted: a BCF without an index is read to the end" in log
    assert calls(bcf) == calls(result.json()) == {"patient": "biallelic", "parent": "monoallelic"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_malformed_record_in_the_window_is_the_streams_error(tmp_path, run, small_steps, encoding):
    """The stream words it, with the line number the bisection cannot know."""
    text = genome(random.Random(37), extra=((113_131_068, "G", "T", "", "+1/1", "0/1"),))
    path = write_input(tmp_path, "x", text, encoding)
    assumed = run("annotate", path, "--assume-sorted")
    streamed = run("annotate", path)
    assert assumed.exit_code == streamed.exit_code == 3
    assert assumed.stderr == streamed.stderr
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "+1/1" in x)
    assert f"(line {line})" in assumed.stderr


def test_without_the_flag_nothing_is_bisected(tmp_path, run, small_steps):
    """The default stays the 0.5.0 guarantee: every line of an unindexed file is read."""
    path = write_input(tmp_path, "x", genome(random.Random(41)), "vcf.gz")
    report, log = report_of(run, path)
    assert report["input"]["access"] == "stream" and log == ""


# --- the same report, whichever way it was read: random files, windows and alleles ------------


@pytest.mark.parametrize("seed", range(12))
def test_bisection_stream_and_index_agree(tmp_path, run, small_steps, seed):
    """Random contigs, chr2 spans, window density, catalog alleles and genotypes; random step
    and chunk sizes; each file as BGZF and as plain text."""
    rng = random.Random(seed)
    small_steps(step=rng.choice((1, 5_000, 1 << 17)), chunk=rng.choice((64, 1_000, 1 << 16)))
    order = rng.choice((("1", "2", "3", "X"), ("2", "3"), ("1", "2"), ("1", "X", "2")))
    low = rng.choice((10_000, 100_000_000, WINDOW[0], WINDOW[0] + 20_000))
    high = rng.choice((240_000_000, 114_000_000, WINDOW[1], WINDOW[1] - 5_000))
    extra = []
    for pos, ref, alt in rng.sample(ALLELES, rng.randrange(0, 3)):
        if low <= pos <= high:
            gts = [rng.choice(("0/1", "1/1", "0/0", "./.")) for _ in SAMPLES]
            extra.append((pos, ref, alt, "", *gts))
    if rng.random() < 0.3:
        extra.append((111_700_000, "A", "<DEL>", "SVTYPE=DEL;SVLEN=-1440000", "0/1", "0/0"))
    text = genome(
        rng,
        order=order,
        per_contig=rng.choice((200, 2_000, 5_000)),
        chr2_span=(low, high),
        window_rows=rng.choice((0, 5, 100)),
        extra=tuple(extra),
    )
    for encoding in ENCODINGS:
        (tmp_path / encoding).mkdir()
        path = write_input(tmp_path / encoding, "b", text, encoding)
        bisected, _ = report_of(run, path, "--assume-sorted", "--format", "json")
        streamed, _ = report_of(run, path)
        assert without_access(bisected) == without_access(streamed)
    indexed, _ = report_of(run, write_input(tmp_path, "i", text, "vcf.gz+tbi"))
    assert without_access(indexed) == without_access(streamed)


def test_damaged_block_near_the_window_is_the_streams_error(tmp_path, run, small_steps):
    """A BGZF block of chr2 with its compressed bytes overwritten: the stream's one-line error
    (exit 3), not a traceback and not a quiet answer."""
    text = genome(random.Random(43), per_contig=6_000)
    path = write_input(tmp_path, "x", text, "vcf.gz")
    data = bytearray(path.read_bytes())
    blocks = [i for i in range(len(data)) if data[i : i + 4] == b"\x1f\x8b\x08\x04"]
    middle = blocks[len(blocks) * 3 // 10]  # chr2 (of 1, 2, 3, X) at ~50 Mb, before IL1RN
    data[middle + 100 : middle + 300] = bytes(200)
    path.write_bytes(bytes(data))
    assumed = run("annotate", path, "--assume-sorted")
    streamed = run("annotate", path)
    assert assumed.exit_code == streamed.exit_code == 3
    assert "truncated or damaged compressed file" in streamed.stderr
    assert assumed.stderr == streamed.stderr


# --- the stream: chromosome 2 far from the window is checked at C speed ------------------------


@pytest.fixture
def small_blocks(monkeypatch):
    """Scan blocks of 16 kB (~300 lines), so that chromosome 2 fills dozens of them."""
    from il1rn_annot import stream

    monkeypatch.setattr(stream, "_BLOCK", 1 << 14)


def big_chr2(seed: int) -> list[str]:
    """Lines of a VCF whose chromosome 2 fills many scan blocks before and after IL1RN."""
    text = genome(random.Random(seed), order=("1", "2", "3"), per_contig=20_000)
    return text.splitlines(keepends=True)


def chr2_line_at(lines: list[str], pos: int) -> int:
    """The index of the first chr2 line at or past ``pos``."""
    return next(
        i for i, x in enumerate(lines) if x.startswith("2\t") and int(x.split("\t")[1]) >= pos
    )


@pytest.mark.parametrize("where", [80_000_000, 200_000_000])
def test_stream_finds_disorder_deep_in_chromosome_2(tmp_path, run, small_blocks, where):
    """One record out of POS order among thousands of sorted chr2 lines far from IL1RN: the
    warning names both lines, as the line-by-line reading did."""
    lines = big_chr2(47)
    at = chr2_line_at(lines, where)
    moved = lines.pop(at)
    lines.insert(at + 500, moved)  # 500 lines late
    report, _ = report_of(run, write_input(tmp_path, "x", "".join(lines), "vcf.gz"))
    before = lines[at + 499].split("\t")[1]
    [warning] = [w for w in report["warnings"] if "out of POS order" in w]
    assert warning.startswith(
        f"1 record(s) of chromosome 2 are out of POS order (first: 2:{moved.split(chr(9))[1]} "
        f"(line {at + 501}) comes after 2:{before} (line {at + 500}))"
    )


def test_stream_finds_a_window_record_deep_in_chromosome_2(tmp_path, run, small_blocks):
    lines = big_chr2(53)
    [e77x] = [i for i, x in enumerate(lines) if x.startswith("2\t113131068\t")]
    record = lines.pop(e77x)
    lines.insert(chr2_line_at(lines, 180_000_000), record)
    report, _ = report_of(run, write_input(tmp_path, "x", "".join(lines), "vcf.gz"))
    assert calls(report) == {"patient": "biallelic", "parent": "monoallelic"}
    assert any("out of POS order" in w for w in report["warnings"])


def test_stream_refuses_a_leading_zero_deep_in_chromosome_2(tmp_path, run, small_blocks):
    lines = big_chr2(59)
    at = chr2_line_at(lines, 30_000_000)
    cells = lines[at].split("\t")
    lines[at] = "\t".join([cells[0], "0" + cells[1], *cells[2:]])
    path = write_input(tmp_path, "x", "".join(lines), "vcf")
    result = run("annotate", path)
    assert result.exit_code == 3
    assert result.stderr == (
        f"il1rn-annot: error: {path}: line {at + 1}: POS '0{cells[1]}' has a leading zero, "
        "which tabix reads as another position: write POS without it\n"
    )


def test_stream_finds_a_long_deletion_deep_in_chromosome_2(tmp_path, run, small_blocks):
    """A deletion from 100 Mb whose SVLEN reaches IL1RN, among sorted lines far upstream."""
    lines = big_chr2(61)
    at = chr2_line_at(lines, 100_000_000)
    lines.insert(at, row("2", 99_999_999, "A", "<DEL>", "SVTYPE=DEL;SVLEN=-13200000", "0/1", "0/0"))
    text = "".join(lines)
    streamed, _ = report_of(run, write_input(tmp_path, "s", text, "vcf.gz"))
    indexed, _ = report_of(run, write_input(tmp_path, "i", text, "vcf.gz+tbi"))
    assert 99_999_999 in {r["input_pos"] or r["pos"] for r in streamed["records"]}
    assert without_access(streamed) == without_access(indexed)


@pytest.mark.skipif(
    shutil.which("bcftools") is None, reason="bcftools is not installed (.ci/system-tools does it)"
)
def test_file_sorted_by_bcftools_is_bisected(tmp_path, run, small_steps):
    """The remedy the warning names: a file with its contigs out of the header's order, put in
    order by real `bcftools sort` (htslib's BGZF writer, blocks ending at line ends), is bisected
    and read as the stream reads it."""
    text = genome(random.Random(67), order=("1", "3", "2", "X"), header_order=("1", "2", "3", "X"))
    plain = tmp_path / "in.vcf"
    plain.write_text(text)
    out = tmp_path / "sorted.vcf.gz"
    command = ["bcftools", "sort", "-T", str(tmp_path / "sort"), "-Oz", "-o", str(out), str(plain)]
    subprocess.run(command, check=True, capture_output=True)
    bisected, log = report_of(run, out, "--assume-sorted")
    streamed, _ = report_of(run, out)
    assert bisected["input"]["access"] == "bisection" and log == ""
    assert without_access(bisected) == without_access(streamed)
    assert calls(bisected) == {"patient": "biallelic", "parent": "monoallelic"}


def gvcf(rng: random.Random) -> str:
    """A gVCF: reference blocks (END= on every line) tile chromosomes 1-3, with E77X and a
    block from 20 kb upstream that reaches into the window."""
    head = genome(rng, order=("1", "2", "3"), per_contig=0, window_rows=0, extra=())
    head = head.replace("#CHROM", '##ALT=<ID=NON_REF,Description="Any other allele">\n#CHROM')
    lines = [head]
    for chrom in ("1", "2", "3"):
        pos = 10_000
        while pos < 120_000_000:
            near = chrom == "2" and WINDOW[0] - 30_000 <= pos <= WINDOW[1]
            length = rng.randrange(200, 800) if near else rng.randrange(20_000, 90_000)
            if chrom == "2" and pos <= 113_131_068 < pos + length:
                if pos < 113_131_068:
                    lines.append(_block(pos, 113_131_067))
                lines.append(row("2", *E77X_HOM))
                pos = 113_131_069
                continue
            end = pos + length - 1
            lines.append(_block(pos, end, chrom))
            pos = end + 1
    return "".join(lines)


def _block(pos: int, end: int, chrom: str = "2") -> str:
    return row(chrom, pos, "A", "<NON_REF>", f"END={end}", "0/0", "0/0")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_gvcf_is_bisected_as_streamed(tmp_path, run, small_steps, encoding):
    """Every line has an END: the C-speed search for lines reaching the window must not miss
    the block that does, nor slow to a crawl on the others."""
    report, _ = three_ways(tmp_path, run, gvcf(random.Random(71)), encoding)
    assert report["input"]["access"] == "bisection" and report["input"]["gvcf"]
    assert calls(report) == {"patient": "biallelic", "parent": "monoallelic"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_annotated_vcf_is_the_same_by_bisection(tmp_path, run, small_steps, encoding):
    """--format vcf keeps each record's line as the input has it: read by bisection, the
    records written are the stream's, byte for byte."""
    path = write_input(tmp_path, "x", genome(random.Random(73)), encoding)
    bisected = run("annotate", path, "--assume-sorted", "--format", "vcf")
    streamed = run("annotate", path, "--format", "vcf")
    assert bisected.exit_code == streamed.exit_code == 0, bisected.stderr

    def records(out: str) -> list[str]:
        return [x for x in out.splitlines() if not x.startswith("#")]

    assert records(bisected.stdout) == records(streamed.stdout)
    assert any("\t113131068\t" in x and "DIRA_ID=DIRA01" in x for x in records(bisected.stdout))
