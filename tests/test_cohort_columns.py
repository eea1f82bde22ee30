"""A cohort's sample columns read as arrays (``cohort_reader``, cyvcf2) give the calls, the
reports and the errors that parsing their text gives: the same files read both ways (the
fixtures' encodings, the bundled examples, the fuzz seeds and generated cohorts with every odd
call the rules read), compared record by record and byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import ENCODINGS, write_input
from fuzz_inputs import EXAMPLES, ROOT, SEEDS, join, relocated, seed_texts, split

import il1rn_annot.reader as reader
from il1rn_annot import cohort_reader
from il1rn_annot.errors import Il1rnAnnotError
from il1rn_annot.model import Options
from il1rn_annot.pipeline import annotate
from il1rn_annot.report.json import render_json
from il1rn_annot.report.tsv import tsv_lines

HEADER = (
    "##fileformat=VCFv4.2",
    "##contig=<ID=2,length=242193529>",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter">',
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
)
#: (POS, REF, ALT, FORMAT): catalog sites (E77X, c.160C>T, c.156_157del), a multi-allelic
#: record, records away from the sites, an ALT equal to REF, a deletion over E77X.
ROWS = (
    (113129613, "AAC", "A", "GT:AD:DP:GQ:FT:PS"),
    (113129619, "C", "T,A", "GT:DP:GQ:FT:PS:MIN_DP"),
    (113130500, "G", "A", "GT:AD:DP:GQ:PL"),
    (113130600, "T", "C,G", "GT:DP:GQ"),
    (113130700, "A", "A", "GT:DP:GQ"),
    (113131000, "N", "<DEL>", "GT:CN"),
    (113131068, "G", "T", "GT:DP:GQ:FT:PS:CN"),
    (113134000, "A", "G", "GT"),
)
#: Records the arrays leave to the text (the whole window is then read by pysam alone): a
#: gVCF-like block, a FORMAT whose GT is not first.
ODD_ROWS = (
    (113131100, "C", "<NON_REF>", "GT:MIN_DP:DP:GQ"),
    (113133000, "T", "C", "DP:GT"),
)
GTS = (
    "0/0", "0|0", "0", "1", ".", "./.", ".|.", "./0", "0/.", ".|1", "1|.", "0/1", "1|0", "0|1",
    "1/1", "1|1", "2/1", "0/2", "1/2",
)  # fmt: skip
ODD_GTS = ("0/0/1", "0|1|1")  # ploidy 3: the record's columns are read as text
NUMBERS = (".", "0", "9", "10", "19", "20", "30", "60")


def _cell(rng: random.Random, fmt: str, n_alts: int, odd: bool) -> str:
    gts = [
        g for g in GTS if all(a in ".0" or int(a) <= n_alts for a in g.replace("|", "/").split("/"))
    ]
    gt = rng.choice(ODD_GTS) if odd and rng.random() < 0.2 else rng.choice(gts)
    if rng.random() < 0.6:
        gt = rng.choice(("0/0", "0|0"))
    values = {
        "GT": gt,
        "AD": ",".join(str(rng.randrange(30)) for _ in range(n_alts + 1)),
        "DP": rng.choice(NUMBERS),
        "GQ": rng.choice(NUMBERS),
        "MIN_DP": rng.choice(NUMBERS),
        "FT": rng.choice(("PASS", ".", "LowGQ", "LowDP;LowGQ")),
        "PS": rng.choice((".", "100", "0", "7")),
        "CN": rng.choice((".", "0", "1", "2", "3")),
        "PL": "0,30,300",
    }
    cells = [values[k] for k in fmt.split(":")]
    while len(cells) > 1 and rng.random() < 0.15:  # trailing fields left out, as VCF allows
        cells.pop()
    return ":".join(cells)


def cohort_text(seed: int, n_samples: int = 40, odd: bool = False, dp_type: str = "Integer") -> str:
    """A cohort window whose calls take every shape the rules read (seeded); ``odd`` adds
    records and GTs the arrays leave to the text (ploidy 3, ``ODD_ROWS``)."""
    rng = random.Random(seed)
    header = [h.replace("Type=Integer", f"Type={dp_type}") if "ID=DP," in h else h for h in HEADER]
    names = [f"S{i:03d}" for i in range(n_samples)]
    lines = [*header, "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                                 "FORMAT", *names])]  # fmt: skip
    rows = sorted([*ROWS, *ODD_ROWS]) if odd else ROWS
    for n, (pos, ref, alt, fmt) in enumerate(rows):
        n_alts = alt.count(",") + 1
        info = (
            "SVTYPE=DEL;END=113131200"
            if alt == "<DEL>"
            else "END=113131120"
            if "NON" in alt
            else "."
        )
        cells = [_cell(rng, fmt, n_alts, odd and n % 3 == 1) for _ in names]
        filt = "LowQual" if n == 3 else "PASS"
        lines.append("\t".join(["2", str(pos), ".", ref, alt, "50", filt, info, fmt, *cells]))
    return "\n".join(lines) + "\n"


def _both_ways(monkeypatch, run):
    """``run()`` with the columns read as text, then as arrays; the arrays path must serve at
    least one record when ``used`` is asked for."""
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 10**9)
    as_text = _outcome(run)
    served = []
    real = cohort_reader.sample_calls

    def counted(*args, **kwargs):
        calls = real(*args, **kwargs)
        served.append(calls is not None)
        return calls

    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    monkeypatch.setattr(cohort_reader, "sample_calls", counted)
    as_arrays = _outcome(run)
    return as_text, as_arrays, sum(served)


def _outcome(run):
    try:
        return run()
    except Il1rnAnnotError as error:
        return ("error", type(error).__name__, str(error))


def _reports(path: Path, **options):
    def run():
        report = annotate(str(path), Options(**options))
        return tsv_lines(report), render_json(report)

    return run


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf+csi"])
def test_generated_cohort_same_records_and_reports(tmp_path, monkeypatch, seed, encoding):
    path = write_input(tmp_path, "cohort", cohort_text(seed), encoding)
    text_records, array_records, served = _both_ways(
        monkeypatch, lambda: reader.read_window(str(path), detail_sites=[(113129600, 113129630)])
    )
    assert served == len(ROWS)  # every record took the arrays
    assert text_records == array_records  # every call of every record, field by field
    text, arrays, _ = _both_ways(monkeypatch, _reports(path))
    assert text == arrays  # TSV and JSON, byte for byte


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf+csi"])
def test_records_the_arrays_leave_to_the_text(tmp_path, monkeypatch, seed, encoding):
    """Ploidy 3, a gVCF block, GT not first: the window is read as text, as before."""
    path = write_input(tmp_path, "cohort", cohort_text(seed, odd=True), encoding)
    text, arrays, _ = _both_ways(monkeypatch, _reports(path))
    assert text == arrays


def test_generated_cohort_with_subset_of_samples(tmp_path, monkeypatch):
    path = write_input(tmp_path, "cohort", cohort_text(11), "vcf.gz+tbi")
    wanted = ("S003", "S017", "S018", "S039")
    text, arrays, served = _both_ways(monkeypatch, _reports(path, samples=wanted))
    assert served
    assert text == arrays
    assert "S004" not in text[0] and "S017" in text[0]


def test_float_depth_is_read_as_text(tmp_path, monkeypatch):
    """A Float DP is rounded down from its text: the arrays path leaves such records alone."""
    path = write_input(tmp_path, "cohort", cohort_text(3, dp_type="Float"), "vcf.gz+tbi")
    text, arrays, _ = _both_ways(monkeypatch, _reports(path))
    assert text == arrays


def test_allele_the_record_does_not_have_is_the_same_error(tmp_path, monkeypatch):
    text = cohort_text(5).replace("\t0/1", "\t0/3", 1)
    path = write_input(tmp_path, "cohort", text, "vcf.gz+tbi")
    as_text, as_arrays, _ = _both_ways(monkeypatch, _reports(path))
    assert as_text[0] == "error" and "names an allele the record does not have" in as_text[2]
    assert as_arrays == as_text


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_same_both_ways(monkeypatch, name):
    text, arrays, _ = _both_ways(monkeypatch, _reports(ROOT / name))
    assert text == arrays


@pytest.mark.parametrize("name", sorted(seed_texts()))
@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf+csi"])
def test_fuzz_seeds_same_both_ways(tmp_path, monkeypatch, name, encoding):
    """The seeds moved onto catalog sites (their GT grammar, ploidy and FORMAT quirks reach
    the calls): the same reports, or the same error."""
    head, body = split(relocated(seed_texts()[name]))
    text = join(head, sorted(body, key=lambda line: int(line.split("\t")[1])))  # indexable
    try:
        path = write_input(tmp_path, "seed", text, encoding)
    except (OSError, ValueError):
        pytest.skip("htslib cannot write this seed as " + encoding)
    as_text, as_arrays, _ = _both_ways(monkeypatch, _reports(path, build="GRCh38"))
    assert as_text == as_arrays


def test_bcf_seed_same_both_ways(monkeypatch):
    path = SEEDS / "htslib_tabix_vcf_file.bcf"
    as_text, as_arrays, _ = _both_ways(monkeypatch, _reports(path, build="GRCh38"))
    assert as_text == as_arrays


def _samples_of(tsv: str) -> list[str]:
    """The TSV's rows without the input path (which names each encoding's file)."""
    return [line.split("\t", 1)[1] for line in tsv.splitlines()]


@pytest.mark.parametrize("encoding", [*ENCODINGS, "stdin"])
def test_every_input_form_gives_the_cohort_calls(tmp_path, monkeypatch, encoding):
    """Indexed files take the arrays; plain, unindexed and standard input stay on the stream:
    every form gives the same rows."""
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    text = cohort_text(8)
    expected = _samples_of(
        tsv_lines(annotate(str(write_input(tmp_path, "ref", text, "vcf.gz+tbi")), Options()))
    )
    if encoding == "stdin":
        import io
        import sys

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
        source = "-"
    else:
        source = str(write_input(tmp_path, "cohort", text, encoding))
    rows = _samples_of(tsv_lines(annotate(source, Options())))
    assert [r.split("\t")[:-1] for r in rows] == [r.split("\t")[:-1] for r in expected]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("encoding", ["bcf+csi", "vcf.gz+tbi"])
def test_damaged_cohort_same_outcome(tmp_path, monkeypatch, seed, encoding):
    """Bytes changed or the file cut short: the same report or the same one-line error both
    ways (a damaged BCF once failed to close under the arrays path, hiding its error)."""
    source = write_input(tmp_path, "cohort", cohort_text(2), encoding)
    index = Path(str(source) + (".csi" if encoding.startswith("bcf") else ".tbi"))
    rng = random.Random(seed)
    data = bytearray(source.read_bytes())
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if seed % 3 == 0:
        data = data[: rng.randrange(len(data))]
    damaged = tmp_path / f"damaged{source.suffix}"
    damaged.write_bytes(bytes(data))
    Path(str(damaged) + index.suffix).write_bytes(index.read_bytes())
    as_text, as_arrays, _ = _both_ways(monkeypatch, _reports(damaged, build="GRCh38"))
    assert as_text == as_arrays


def test_writers_shared_texts_bounded(tmp_path, monkeypatch):
    """The writers keep the text of rows shared by samples up to ``SHARED_TEXTS`` rows, then
    start again: the same bytes however small the bound."""
    from il1rn_annot.report import rows

    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    path = write_input(tmp_path, "cohort", cohort_text(4, n_samples=120), "vcf.gz+tbi")
    report = annotate(str(path), Options())
    whole = tsv_lines(report), render_json(report)
    monkeypatch.setattr(rows, "SHARED_TEXTS", 3)
    assert (tsv_lines(report), render_json(report)) == whole


@pytest.mark.parametrize("seed", range(4))
def test_distinct_rows_are_numpys(seed):
    """Rows told apart by one number per row (spans, codes and renumbering when the numbers
    would overflow) are the rows ``numpy.unique`` finds, whatever their values."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(seed)
    columns = [
        rng.integers(-2, 3, 500),  # alleles
        rng.choice([cohort_reader._NONE, 5, 30], 500),  # a missing number beside small ones
        rng.integers(-(2**31) + 8, 2**31 - 1, 500) // rng.choice([1, 2**28], 500),  # wide
        *(rng.choice([0, 2**40, -(2**40)], 500) for _ in range(6)),  # forces renumbering
        np.full(500, 7),
    ]
    matrix = np.stack(columns, axis=1).astype(np.int64)
    matrix = np.concatenate([matrix, matrix[::3]])  # repeated rows
    rows, which = cohort_reader._distinct_rows(matrix)
    expected = np.unique(matrix, axis=0)
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, expected.tolist()))
    assert (rows[which] == matrix).all()


def test_the_reader_hands_over_which_samples_share_each_call(tmp_path, monkeypatch):
    """A record read as arrays says which samples share each call (``CallColumn``); the
    groups are the calls themselves, and a worker process can send them back (pickle)."""
    import pickle

    from il1rn_annot.model import CallColumn

    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    path = write_input(tmp_path, "cohort", cohort_text(6), "vcf.gz+tbi")
    data = reader.read_window(str(path), detail_sites=[(113129600, 113129630)])
    columns = [r.calls for r in data.records if isinstance(r.calls, CallColumn)]
    assert columns
    for calls in columns:
        assert [calls.distinct[k] for k in calls.codes.tolist()] == list(calls)
        assert all(calls.distinct[k] is c for k, c in zip(calls.codes.tolist(), calls, strict=True))
        again = pickle.loads(pickle.dumps(calls))
        assert again == calls and (again.codes == calls.codes).all()


@pytest.mark.parametrize("twins", [False, True])
def test_breakend_look_around_reads_the_columns_of_the_records_it_keeps(
    tmp_path, monkeypatch, twins
):
    """A header that declares SV fields has the window's breakends looked for a megabase each
    side: cyvcf2 reads the sample columns of the records that reach the window only (a breakend
    whose mate is in it), never those of the records around it, and the reports are the
    text's; with ``twins`` (two such records alike), the window is read by pysam alone."""
    text = cohort_text(2, n_samples=30)
    header, rows = text.split("\n#CHROM", 1)
    head, *body = ("#CHROM" + rows).rstrip("\n").split("\n")
    n = len(head.split("\t")) - 9
    far = [
        (112_500_000, "A", "G", "."),  # around the window: no breakend
        (112_600_000, "N", "N[2:113131070[", "SVTYPE=BND"),  # its mate is in the window
        (113_600_000, "C", "T", "."),
        (113_700_000, "N", "]2:114500000]N", "SVTYPE=BND"),  # its mate is not
    ]
    lines = [
        "\t".join(["2", str(pos), ".", ref, alt, "50", "PASS", info, "GT", *(["0/1"] * n)])
        for pos, ref, alt, info in far
    ]
    ordered = sorted(lines[:2] + lines[1:2] * twins) + body + lines[2:]
    path = write_input(tmp_path, "cohort", "\n".join([header, head, *ordered]) + "\n")
    read: list[int] = []
    real = cohort_reader.open_cohort

    def counting(*args, **kwargs):
        cohort = real(*args, **kwargs)
        if cohort is not None:
            vcf = cohort._vcf

            def query(region):
                for variant in vcf(region):
                    read.append(variant.POS)
                    yield variant

            monkeypatch.setattr(cohort, "_vcf", query)
        return cohort

    monkeypatch.setattr(cohort_reader, "open_cohort", counting)
    # cyvcf2's look-around (the text path's is in test_cohort_text.py).
    monkeypatch.setattr(cohort_reader, "TEXT_COLUMNS", False)
    text_reports, array_reports, served = _both_ways(monkeypatch, _reports(path))
    assert text_reports == array_reports
    assert "112600000" in text_reports[0]  # the reaching breakend is a record of the report
    if twins:
        return
    assert served >= len(ROWS) + 1  # the window's records and the breakend reaching it
    assert 112_600_000 in read
    assert not {112_500_000, 113_600_000, 113_700_000} & set(read)
