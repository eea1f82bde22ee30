"""A cohort window's site fields read from the lines tabix already read (``cohort_sites``): every
site field is the one pysam gives reading the file itself, and a bad site field is the same
one-line error, through the CLI, as when pysam reads the window alone."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pysam
import pytest
from conftest import write_input

from il1rn_annot import cohort_reader, cohort_sites, cohort_text
from il1rn_annot.cohort_reader import Misaligned

SAMPLES = tuple(f"S{i:03d}" for i in range(120))  # past COLUMNS_FROM: the text path's size
HEADER = (
    "##fileformat=VCFv4.2",
    "##contig=<ID=2,length=242193529>",
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">',
    '##INFO=<ID=AD,Number=R,Type=Integer,Description="Allele depths">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
    '##INFO=<ID=MQ,Number=1,Type=Float,Description="Mapping quality">',
    '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP">',
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequences">',
    '##INFO=<ID=ANN,Number=1,Type=String,Description="One string">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate">',
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FILTER=<ID=q10,Description="Quality below 10">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
)
#: Site columns (ID REF ALT QUAL FILTER INFO) of every kind the window's records take.
SITES = (
    (".", "G", "T", "50", "PASS", "DP=10;AC=3;AF=0.125;DB"),
    ("rs1;rs2", "C", "A,T", "12.34", "LowQual;q10", "AC=1,2;AD=5,3,2;AF=0.1,0.2;MQ=60.5"),
    (".", "A", "AT,ATT,<*>", ".", ".", "."),
    ("del1", "T", "<DEL>", "99", "PASS", "SVTYPE=DEL;SVLEN=-800;END=113131900;IMPRECISE"),
    ("del2", "T", "<DEL>", "99", "PASS", "SVTYPE=DEL;END=113131990;CIPOS=-10,10;CIEND=-50,50"),
    ("dup1", "T", "<DUP>", "30", "PASS", "SVTYPE=DUP;END=113131500"),
    ("ins1", "G", "<INS>", "30", "PASS", "SVTYPE=INS;SVLEN=300"),
    ("bnd1", "A", "A[2:113140000[", "40", "PASS", "SVTYPE=BND;MATEID=bnd2"),
    (".", "ACGT", "A,*", "7", "q10", "CSQ=a|b,c|d;ANN=x%3By"),
    (".", "c", "t", "0", "PASS", "DP=.;AF=."),
    (".", "G", ".", ".", "PASS", "END=113131700"),  # a reference block of sorts, with END
    (".", "T", "G", "1e3", "Unknown", "DP=7"),  # a FILTER the header lacks: htslib adds it
    (".", "T", "<DEL>", "10", "PASS", "SVTYPE=DEL;END=5"),  # an END before POS
    (".", "A", "G", "20", "PASS", "DP=12;MQ=nan"),
)


def _cells(rng: random.Random) -> list[str]:
    return [rng.choice(("0/0:30:60", "0/1:25:50", "1/1:20:40", "./.:.:.")) for _ in SAMPLES]


def _window(lines_per_site: int = 3, header: tuple[str, ...] = HEADER) -> str:
    rng = random.Random(7)
    chrom_line = "\t".join(
        ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES]
    )
    rows = []
    pos = 113131000
    for _ in range(lines_per_site):
        for site in SITES:
            pos += 7
            rows.append("\t".join(["2", str(pos), *site, "GT:DP:GQ", *_cells(rng)]))
    return "\n".join([*header, chrom_line, *rows]) + "\n"


def _fields(rec) -> tuple:
    """Every site field of a pysam record, as the reader may read it."""
    return (
        rec.chrom,
        rec.pos,
        rec.stop,
        rec.rlen,
        rec.id,
        rec.ref,
        rec.alts,
        rec.qual if rec.qual == rec.qual else "nan",
        tuple(rec.filter.keys()),
        tuple((key, repr(value)) for key, value in rec.info.items()),
    )


def _text_file(path: Path) -> cohort_text.TextCohortFile:
    index = str(path) + (".tbi" if os.path.exists(str(path) + ".tbi") else ".csi")
    with pysam.VariantFile(str(path)) as vf:
        opened = cohort_text.open_text_cohort(str(path), index, SAMPLES, vf.header, "test")
    assert opened is not None
    return opened


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf.gz+csi"])
@pytest.mark.parametrize("small_chunks", [False, True])
def test_every_site_field_is_pysams(tmp_path, monkeypatch, encoding, small_chunks):
    """Typed INFO (Integer, Float, Flag, String; Number 1, A, R, 2 and '.'), END and stop,
    symbolic ALTs and breakends, multi-allelics, FILTERs (one the header lacks), missing QUAL,
    IDs: the site fields from the lines' first columns are those pysam reads from the file,
    record for record, in order; also when the lines are handed over a few at a time."""
    if small_chunks:
        monkeypatch.setattr(cohort_text, "SITE_LINES", 4)
        monkeypatch.setattr(cohort_text, "BATCH_LINES", 3)
    path = write_input(tmp_path, "cohort", _window(), encoding)
    region = ("2", 113131000, 113132000)
    with pysam.VariantFile(str(path)) as vf:
        expected = [_fields(rec) for rec in vf.fetch(*region)]
    read = _text_file(path)
    try:
        found = list(read.fetch(*region))
    finally:
        read.close()
    assert [_fields(rec) for rec in found] == expected
    assert len(expected) == 3 * len(SITES)
    assert all(rec.n_samples == len(SAMPLES) for rec in found)  # the columns came along


def test_a_region_without_records_and_a_contig_the_index_lacks(tmp_path):
    path = write_input(tmp_path, "cohort", _window(1))
    read = _text_file(path)
    try:
        assert list(read.fetch("2", 1, 1000)) == []
        with pytest.raises(ValueError, match="invalid contig"):  # as pysam's fetch
            read.fetch("chr7", 1, 1000)
    finally:
        read.close()


def test_an_info_key_the_header_lacks_is_left_to_one_header(tmp_path):
    """htslib types an undefined INFO key by the first record using it: lines handed over in
    several goes could type it otherwise than one reader of the file, so the text path stops."""
    text = _window(1).replace("DP=10;AC=3", "NEWKEY=abc;DP=10;AC=3", 1)
    path = write_input(tmp_path, "cohort", text)
    read = _text_file(path)
    try:
        with pytest.raises(Misaligned, match="INFO key the header does not define"):
            list(read.fetch("2", 113131000, 113132000))
    finally:
        read.close()


def _same_as_pysam_alone(run, monkeypatch, path: Path, tmp_path: Path):
    """The CLI's exit code, stderr and report with the text path, and with pysam alone; the
    report file is absent after an error (no partial output)."""
    outcomes = []
    for columns_from in (cohort_reader.COLUMNS_FROM, 10**9):
        monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", columns_from)
        out = tmp_path / f"report-{columns_from}.tsv"
        result = run("annotate", path, "--format", "tsv", "-o", out)
        report = out.read_text() if out.exists() else None
        assert (report is None) == (result.exit_code != 0)
        outcomes.append((result.exit_code, result.stderr, report))
    assert outcomes[0] == outcomes[1]
    return outcomes[0]


def _site_reads(monkeypatch) -> list[str]:
    """Each go of ``SiteReader.records`` from here on: 'ok', or the error it raised."""
    seen: list[str] = []
    real = cohort_sites.SiteReader.records

    def spy(self, sites, n_lines):
        try:
            found = real(self, sites, n_lines)
        except Exception as error:
            seen.append(type(error).__name__)
            raise
        seen.append("ok")
        return found

    monkeypatch.setattr(cohort_sites.SiteReader, "records", spy)
    return seen


def _small_window() -> str:
    """A window of 120 samples, 20 records."""
    rng = random.Random(3)
    header = (*HEADER[:3], *HEADER[-3:-1])
    chrom_line = "\t".join(
        ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES]
    )
    rows = [
        "\t".join(["2", str(pos), ".", "G", "T", "50", "PASS", "DP=9", "GT:DP",
                   *[rng.choice(("0/0:30", "0/1:25", "./.:.")) for _ in SAMPLES]])
        for pos in range(113131000, 113131200, 10)
    ]  # fmt: skip
    return "\n".join([*header, chrom_line, *rows]) + "\n"


def test_a_non_numeric_pos_is_the_same_error_through_the_cli(tmp_path, monkeypatch, run):
    """POS '113131100x' (tabix indexes it, reading the number before the 'x'; htslib rejects
    the record): the same one-line error, exit code 3, no report."""
    text = _small_window().replace("\t113131100\t", "\t113131100x\t", 1)
    path = write_input(tmp_path, "cohort", text)
    reads = _site_reads(monkeypatch)
    code, stderr, _ = _same_as_pysam_alone(run, monkeypatch, path, tmp_path)
    assert code == 3
    assert stderr == (
        f"il1rn-annot: error: {path}: cannot parse the record after 2:113131090 (htslib "
        f"rejected it: check its columns) (read through the index {path}.tbi: if the file "
        "changed after it was indexed, re-index it)\n"
    )
    assert "OSError" in reads  # htslib rejected the line handed over, as it rejects the file's


@pytest.mark.parametrize(
    ("good", "bad", "said"),
    [
        ("DP=9", "DP=x", ""),  # an Integer that is not one: htslib reads it as missing
        ("DP=9", "D P9", ""),  # a key the header lacks (with a space): one header decides
        ("DP=9", "DP9;", ""),
        ("\tG\tT\t", "\tX\tT\t", "REF X: 'X' is not a base"),
        ("\tG\tT\t", "\t.\tT\t", "REF .: '.' is not a base"),
    ],
)
def test_a_bad_info_or_ref_is_read_as_before_through_the_cli(
    tmp_path, monkeypatch, run, good, bad, said
):
    """A malformed INFO or a REF that is not bases, in a cohort window the text path reads:
    exit code, stderr and report as when pysam reads the window alone."""
    text = _small_window()
    line = next(row for row in text.splitlines() if row.startswith("2\t113131100\t"))
    path = write_input(tmp_path, "cohort", text.replace(line, line.replace(good, bad, 1)))
    reads = _site_reads(monkeypatch)
    code, stderr, report = _same_as_pysam_alone(run, monkeypatch, path, tmp_path)
    assert code == 0 and report
    assert said in stderr
    assert reads  # the text path read the site fields


def test_no_file_left_without_memfd_error_or_not(tmp_path, monkeypatch, run):
    """Where the system has no memfd_create, a temporary file holds the site columns: the
    report is the same, and no file is left in the temporary directory, after an error too;
    no descriptor stays open."""
    text = _small_window()
    fine = write_input(tmp_path, "fine", text)
    broken = write_input(tmp_path, "broken", text.replace("\t113131100\t", "\t113131100x\t"))
    reads = _site_reads(monkeypatch)
    before = _open_descriptors()
    with_memfd = [run("annotate", path, "--format", "tsv") for path in (fine, broken)]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.delattr(os, "memfd_create", raising=False)
    without = [run("annotate", path, "--format", "tsv") for path in (fine, broken)]
    assert [(r.exit_code, r.stdout, r.stderr) for r in without] == [
        (r.exit_code, r.stdout, r.stderr) for r in with_memfd
    ]
    assert without[0].exit_code == 0 and without[1].exit_code == 3
    assert "ok" in reads and "OSError" in reads
    assert list(scratch.iterdir()) == []
    assert _open_descriptors() == before


def _open_descriptors() -> set[str] | None:
    fds = Path("/proc/self/fd")
    return set(os.listdir(fds)) if fds.is_dir() else None
