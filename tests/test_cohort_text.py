"""A cohort's sample columns parsed from the window's text (``cohort_text``) against two
oracles, over seeded windows whose columns take adversarial shapes (multi-digit alleles, '.',
short and long columns, phased and unphased, haploid, ploidy 3, big numbers, '+1', '007',
'-5', '1e3', empty fields, String fields): where the text parse accepts a line, its arrays
are cyvcf2's (htslib's own parse); and every report, or error, is the one pysam alone gives."""

from __future__ import annotations

import random

import cyvcf2
import numpy as np
import pytest
from conftest import write_input

import il1rn_annot.reader as reader
from il1rn_annot import cohort_reader, cohort_text
from il1rn_annot.errors import Il1rnAnnotError
from il1rn_annot.genome import il1rn_window
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
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">',
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
    '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter">',
    '##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing">',
    '##FORMAT=<ID=HQ,Number=2,Type=Float,Description="Haplotype quality">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
)
FORMATS = (
    "GT:AD:DP:GQ:PL",
    "GT:DP:GQ",
    "GT",
    "GT:GQ:DP:PS:MIN_DP:CN",
    "GT:AD:DP:GQ:FT",  # String fields: FT read, PGT not
    "GT:AD:DP:GQ:PGT:PL",
    "GT:DP:HQ",  # a Float field: declined
    "DP:GT",  # GT not first: declined
)
STRINGS = frozenset({"FT", "PGT"})
PLAIN_GTS = (
    "0/0", "0|0", "0/1", "1|0", "0|1", "1/1", "./.", ".|.", "./1", "1/.", ".|0", "0", "1", ".",
)  # fmt: skip
#: Shapes htslib reads otherwise than the grammar, or that the text parse leaves alone.
ODD_GTS = ("+1/1", "01/1", "0/1/1", "0|1|2", "|0/1", "1/+1", "0//1", "0/", "/1", "1.0/1", "")
ODD_NUMBERS = ("007", "-5", "+5", "1e3", "", "2147483648", "9999999999", "1.5", ".5", "3,,4")
#: How adversarial a window is: clean windows take the text path end to end.
MODES = ("clean", "clean", "multi", "numbers", "odd")


def _number(rng: random.Random, mode: str) -> str:
    if mode == "numbers" and rng.random() < 0.02:
        return rng.choice(ODD_NUMBERS)
    return rng.choice((".", "0", "9", "10", "19", "20", "30", "60", "123456789", "99"))


def _column(rng: random.Random, fmt: str, n_alts: int, mode: str) -> str:
    alleles = [str(a) for a in range(n_alts + 1)] + ["."]
    shape = rng.random()
    if mode == "odd" and shape < 0.01:
        gt = rng.choice(ODD_GTS)
    elif shape < 0.5:
        gt = rng.choice(("0/0", "0|0"))
    elif shape < 0.9:
        gt = rng.choice(PLAIN_GTS)
    else:
        gt = rng.choice(alleles) + rng.choice("/|") + rng.choice(alleles)
    values = {
        "GT": gt,
        "AD": ",".join(_number(rng, mode) for _ in range(n_alts + 1)),
        "DP": _number(rng, mode),
        "GQ": _number(rng, mode),
        "MIN_DP": _number(rng, mode),
        "PS": rng.choice((".", "100", "0", "7")),
        "CN": rng.choice((".", "0", "1", "2")),
        "PL": ",".join(_number(rng, mode) for _ in range(3)),
        "FT": rng.choice(("PASS", ".", "LowGQ", "LowDP;LowGQ", "0|1", "a,b", "007", ".x")),
        "PGT": rng.choice(("0|1", ".", "1|0", "1234567890123", "01")),
        "HQ": rng.choice(("10,20", ".", "3.5,1")),
    }
    cells = [values[k] for k in fmt.split(":")]
    while len(cells) > 1 and rng.random() < 0.1:  # trailing fields left out, as VCF allows
        cells.pop()
    if mode == "odd" and rng.random() < 0.005 and fmt.split(":")[len(cells) - 1] in STRINGS:
        cells[-1] = rng.choice(("a b", "caf\u00e9", ""))  # a space, a byte past ASCII, empty
    if mode == "odd" and rng.random() < 0.005:
        cells.append("5")  # one field more than FORMAT has
    return ":".join(cells)


def window_text(seed: int, n_samples: int = 150, n_records: int = 12) -> tuple[str, str]:
    """A seeded cohort window over the catalog's region, and how adversarial it is."""
    rng = random.Random(seed)
    mode = MODES[seed % len(MODES)]
    names = [f"S{i:03d}" for i in range(n_samples)]
    lines = [*HEADER, "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                                 "FORMAT", *names])]  # fmt: skip
    plain = (
        "GT:AD:DP:GQ:PL",
        "GT:DP:GQ",
        "GT",
        "GT:GQ:DP:PS:MIN_DP:CN",
        "GT:AD:DP:GQ:FT",
        "GT:AD:DP:GQ:PGT:PL",
    )
    positions = sorted([*rng.sample(range(113129590, 113131100), n_records), 113131068])
    for pos in positions:
        if pos == 113131068:
            ref, alt = "G", "T"  # E77X, so that some calls are DIRA alleles
        else:
            ref = "ACGT"[pos % 4]
            n_alts = 12 if mode == "multi" and rng.random() < 0.3 else rng.choice((1, 1, 2))
            alt = ",".join((ref + "ACGT"[k % 4] * (1 + k // 4))[1:] or "A" for k in range(n_alts))
            alt = ",".join(dict.fromkeys(a if a != ref else "T" for a in alt.split(",")))
        n_alts = alt.count(",") + 1
        fmt = rng.choice(plain if mode != "odd" else FORMATS)
        cells = [_column(rng, fmt, n_alts, mode) for _ in names]
        filt = rng.choice(("PASS", "PASS", "LowQual"))
        lines.append("\t".join(["2", str(pos), ".", ref, alt, "50", filt, ".", fmt, *cells]))
    return "\n".join(lines) + "\n", mode


def _columns(line: str) -> tuple[list[str], bytes]:
    parts = line.encode().split(b"\t", 9)
    return parts[8].decode().split(":"), parts[9]


@pytest.mark.parametrize("seed", range(25))
def test_arrays_from_the_text_are_cyvcf2s(tmp_path, seed):
    """Every line the text parse accepts reads in cyvcf2 without a word, to the same arrays;
    the lines it declines are the odd ones."""
    text, mode = window_text(seed)
    header = [line for line in text.splitlines() if line.startswith("#")]
    records = [line for line in text.splitlines() if not line.startswith("#")]
    n_file = len(header[-1].split("\t")) - 9
    accepted = []
    for line in records:
        keys, columns = _columns(line)
        typed = all(k in {"AD", "DP", "GQ", "PL", "PS", "MIN_DP", "CN", *STRINGS} for k in keys[1:])
        parsed = None
        if keys[0] == "GT" and typed:
            parsed = cohort_text.parse_columns([columns], keys, n_file, None, keys, STRINGS)
        if parsed is not None:
            accepted.append((line, parsed[0]))
    if mode in ("clean", "multi"):
        assert len(accepted) == len(records)  # every plain line takes the text path
    if mode == "odd":
        assert len(accepted) < len(records)
    if not accepted:
        return
    path = tmp_path / "accepted.vcf"
    path.write_text("\n".join(header + [line for line, _ in accepted]) + "\n")
    read = list(cyvcf2.VCF(str(path), gts012=False))
    assert len(read) == len(accepted)
    for variant, (line, parsed) in zip(read, accepted, strict=True):
        assert variant.genotype.ploidy == parsed.genotype.ploidy, line[:60]
        assert np.array_equal(variant.genotype.array(), parsed.genotype.array()), line[:60]
        for key in parsed.FORMAT[1:]:
            if key in STRINGS:
                assert variant.format(key).tolist() == parsed.format(key).tolist(), key
            else:
                assert np.array_equal(variant.format(key)[:, :1], parsed.format(key)), key
    # Parsed together, the lines give what each gives alone.
    same_format = [(line, p) for line, p in accepted if p.FORMAT == accepted[0][1].FORMAT]
    together = cohort_text.parse_columns(
        [_columns(line)[1] for line, _ in same_format],
        same_format[0][1].FORMAT,
        n_file,
        None,
        same_format[0][1].FORMAT,
        STRINGS,
    )
    assert together is not None
    for one, (_, alone) in zip(together, same_format, strict=True):
        assert np.array_equal(one.genotype.array(), alone.genotype.array())


@pytest.mark.parametrize(
    "columns",
    [
        "0/1:7\t+1/1:7",  # '+1', which htslib reads as 1
        "01/1:7\t0/1:7",  # a leading zero
        "0/1:007\t0/1:7",
        "0/1:-5\t0/1:7",
        "0/1:1e3\t0/1:7",
        "0/1:\t0/1:7",  # an empty field
        "0/1::\t0/1:7",
        "0/1/1:7\t0/1:7",  # ploidy 3
        "|0/1:7\t0/1:7",  # VCF 4.4's leading phase mark
        "0/1:7:8:9\t0/1:7",  # more fields than FORMAT
        "0/1:2147483648\t0/1:7",  # past int32
        "0/1:7\t0/1:7\t0/1",  # a column more than the header's samples
        "0/1:7",  # a column fewer
        "0/1:7\r\t0/1:7",
        "0,1:7\t0/1:7",  # a list in GT
        "0/1,2:7\t0/1:7",
    ],
)
def test_the_text_parse_declines_what_it_is_not_sure_of(columns):
    assert cohort_text.parse_columns([columns.encode()], ["GT", "DP"], 2, None, ["DP"]) is None


def test_the_text_parse_reads_big_alleles_and_short_columns():
    (parsed,) = cohort_text.parse_columns(
        [b"123456789|10:5\t.:.\t3\t./.:42"], ["GT", "DP"], 4, None, ["DP"]
    )
    assert parsed.genotype.ploidy == 2
    assert parsed.genotype.array().tolist() == [
        [123456789, 10, 1],
        [-1, -2, 1],  # a haploid call: cyvcf2's phase column says 1
        [3, -2, 1],
        [-1, -1, 0],
    ]
    assert parsed.format("DP").reshape(-1).tolist() == [5, -(2**31), -(2**31), 42]


def _outcome(path, **options):
    try:
        report = annotate(str(path), Options(**options))
        return tsv_lines(report), render_json(report)
    except Il1rnAnnotError as error:
        return ("error", type(error).__name__, str(error))


def _text_parses_counted(monkeypatch) -> list[bool]:
    """From here on, every window of 1 sample or more is parsed from its text where it can be;
    the list returned says, parse by parse, whether the text served it."""
    served: list[bool] = []
    real = cohort_text.parse_columns

    def counted(*args, **kwargs):
        parsed = real(*args, **kwargs)
        served.append(parsed is not None)
        return parsed

    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    monkeypatch.setattr(cohort_text, "parse_columns", counted)
    return served


@pytest.mark.parametrize("seed", range(15))
def test_reports_from_the_text_are_pysams(tmp_path, monkeypatch, seed):
    """The whole report (or error) with the columns parsed from the text is the one pysam
    alone gives; clean windows take the text path for every record."""
    text, mode = window_text(seed, n_samples=40)
    path = write_input(tmp_path, "cohort", text, "vcf.gz+tbi")
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 10**9)
    alone = _outcome(path)
    served = _text_parses_counted(monkeypatch)
    if mode in ("clean", "multi"):
        monkeypatch.setattr(cohort_reader, "open_cohort", _no_fallback)
    assert _outcome(path) == alone
    if mode in ("clean", "multi") and alone[0] != "error":
        assert served and all(served)
    # With the samples subset, too (the text parse keeps the columns asked for).
    wanted = ("S003", "S017", "S018", "S039")
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 10**9)
    alone = _outcome(path, samples=wanted)
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    assert _outcome(path, samples=wanted) == alone


def test_a_bad_gt_is_the_same_error_and_found_as_before(tmp_path, monkeypatch):
    """'+1/1' in a window the text path reads: the GT check's error, word for word."""
    text, _ = window_text(0, n_samples=40)
    text = text.replace("\t0/1:", "\t+1/1:", 1)
    path = write_input(tmp_path, "cohort", text, "vcf.gz+tbi")
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 10**9)
    alone = _outcome(path)
    assert alone[0] == "error" and "malformed GT '+1/1'" in alone[2]
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    assert _outcome(path) == alone


def test_the_gt_check_skips_only_what_the_text_path_read(tmp_path, monkeypatch):
    """The regions whose every line the text path read and parsed are not read again by the
    GT check (here both builds' windows); without the text path, it reads them all."""
    text, _ = window_text(1, n_samples=40)
    path = write_input(tmp_path, "cohort", text, "vcf.gz+tbi")
    skipped = []
    every: set = set()
    real = reader.check_gt_text

    def spy(source, index, label, names, regions, checked=None):
        every.update(regions)
        skipped.append({r for n in names for r in regions if checked and checked(n, r)})
        return real(source, index, label, names, regions, checked)

    monkeypatch.setattr(reader, "check_gt_text", spy)
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    with_text = _outcome(path)
    assert {il1rn_window("GRCh38"), il1rn_window("GRCh37")} <= skipped[-1]
    # The other build's founder-deletion context is read by the check only (the header says
    # GRCh38, so the text path does not read it).
    assert len(skipped[-1]) < len(every)
    monkeypatch.setattr(cohort_reader, "TEXT_COLUMNS", False)
    assert _outcome(path) == with_text
    assert skipped[-1] == set()


@pytest.mark.parametrize("encoding", ["vcf.gz+csi", "bcf+csi"])
def test_other_indexes_and_bcf(tmp_path, monkeypatch, encoding):
    """A .csi-indexed .vcf.gz takes the text path too; a BCF has no text and takes the arrays
    (cyvcf2): both give pysam's report."""
    text, _ = window_text(0, n_samples=40)
    path = write_input(tmp_path, "cohort", text, encoding)
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 10**9)
    alone = _outcome(path)
    served = _text_parses_counted(monkeypatch)
    assert _outcome(path) == alone
    assert alone[0] != "error"
    assert all(served) and bool(served) == encoding.startswith("vcf.gz")


def test_a_breakend_reaching_the_window_from_afar(tmp_path, monkeypatch):
    """A breakend 600 kb before the window whose mate is in it (kept from the look-around,
    ``fetch_kept``): its line is found at its position and parsed like the window's."""
    text, _ = window_text(2, n_samples=40)
    head, body = text.split("\n#CHROM", 1)
    head += (
        '\n##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">'
        '\n##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate">'
    )
    header_line, records = body.split("\n", 1)
    cells = "\t".join("0/1:30:60" if i % 3 else "0/0:30:60" for i in range(40))
    far = f"2\t112500000\tbnd_1\tN\tN[2:113131000[\t50\tPASS\tSVTYPE=BND\tGT:DP:GQ\t{cells}"
    path = write_input(tmp_path, "cohort", f"{head}\n#CHROM{header_line}\n{far}\n{records}")
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 10**9)
    alone = _outcome(path)
    assert alone[0] != "error" and "112500000" in alone[0]
    found = []
    real = cohort_text.TextCohortFile._columns_of

    def spy(self, name, rec):
        found.append(rec.pos)
        return real(self, name, rec)

    monkeypatch.setattr(cohort_text.TextCohortFile, "_columns_of", spy)
    monkeypatch.setattr(cohort_reader, "COLUMNS_FROM", 1)
    monkeypatch.setattr(cohort_reader, "open_cohort", _no_fallback)
    assert _outcome(path) == alone
    assert 112500000 in found


def _no_fallback(*args):
    raise AssertionError("the text path fell back to cyvcf2")


def _calls_or_error(variant, n_alts: int, declared: frozenset[str]):
    types = {"DP": "Integer", "MIN_DP": "Integer", "GQ": "Integer", "PS": "Integer",
             "CN": "Integer", "FT": "String"}  # fmt: skip
    try:
        column = cohort_reader.sample_calls(variant, types, {}, n_alts, False, declared, False)
    except ValueError as error:
        return str(error)
    if column is None:
        return None
    # Each sample's call, and which samples share one object (as the writers rely on).
    first = {}
    return [(repr(call), first.setdefault(id(call), i)) for i, call in enumerate(column)]


@pytest.mark.parametrize("seed", range(20))
def test_a_batchs_calls_are_each_records_alone(seed):
    """The calls ``cohort_reader.BatchRows`` finds for lines parsed together are those of each
    line's own arrays, call for call and shared alike; a GT naming an allele the record does
    not have is the same error."""
    text, mode = window_text(seed, n_samples=120, n_records=20)
    records = [line for line in text.splitlines() if not line.startswith("#")]
    n_file = len(text.splitlines()[len(HEADER)].split("\t")) - 9
    by_format: dict[str, list[bytes]] = {}
    for line in records:
        keys, columns = _columns(line)
        by_format.setdefault(":".join(keys), []).append(columns)
    compared = 0
    for fmt, lines in by_format.items():
        keys = fmt.split(":")
        together = cohort_text.parse_columns(
            lines, keys, n_file, None, cohort_text._WANTED, STRINGS
        )
        if together is None:
            continue
        for n, columns in enumerate(lines):
            alone = cohort_text.parse_columns([columns], keys, n_file, None, cohort_text._WANTED,
                                              STRINGS)  # fmt: skip
            assert together[n].batch is not None and alone is not None
            alone[0].batch = None  # the record's own arrays, as cyvcf2 gives them
            for n_alts, declared in (
                (1, frozenset()),
                (2, frozenset({"DP", "GQ"})),
                (12, frozenset({"DP"})),
            ):
                expected = _calls_or_error(alone[0], n_alts, declared)
                assert _calls_or_error(together[n], n_alts, declared) == expected
                compared += expected is not None and not isinstance(expected, str)
    assert compared or mode == "odd"  # an odd window may have no plain line
