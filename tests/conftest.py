"""Fixtures that write real VCF/BCF files with pysam/htslib: plain, bgzipped + .tbi/.csi, BCF."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import jsonschema  # imported here, not in a fixture: `make mutate` forks sessions from this
import pysam
import pytest
from click.testing import CliRunner

from il1rn_annot.cli import cli
from il1rn_annot.genome import CHR2_LENGTH, GRCH37_OFFSET

os.environ["REF_PATH"] = ":"  # htslib must never fetch a CRAM reference over the network
#: il1rn-annot subprocesses validate their JSON reports too (schema_hook/sitecustomize.py).
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(Path(__file__).parent / "schema_hook"), os.environ.get("PYTHONPATH")) if p
)
pysam.set_verbosity(0)

FORMAT_LINES = (
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
    '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
)

#: Every way a test input can be encoded; each must give the same report.
ENCODINGS = ("vcf", "vcf.gz+tbi", "vcf.gz+csi", "bcf+csi", "vcf.gz", "bcf")


def pos(build: str, pos38: int) -> int:
    return pos38 + GRCH37_OFFSET if build == "GRCh37" else pos38


def vcf_text(
    samples: Sequence[str],
    rows: Sequence[str],
    chrom: str = "2",
    build: str | None = "GRCh38",
    header: Sequence[str] = (),
) -> str:
    """A VCF as text. ``rows`` are 'POS REF ALT FILTER FORMAT sample...' with spaces; POS is
    GRCh38 and is moved to ``build``. ``build=None`` leaves out the ##contig line. FORMAT/DP
    and GQ are declared only when a row uses them (or ``header`` declares them): a declared DP
    or GQ that a call with an ALT leaves out is missing, as a caller's would be."""
    lines = ["##fileformat=VCFv4.2"]
    if build is not None:
        lines.append(f"##contig=<ID={chrom},length={CHR2_LENGTH[build]}>")
    used = {
        key
        for row in rows
        for cell in [c for c in row.split()[4:6] if not c.startswith("INFO=")][:1]
        for key in cell.split(":")
    }
    lines.extend(
        line
        for line in FORMAT_LINES
        if not line.startswith(("##FORMAT=<ID=DP,", "##FORMAT=<ID=GQ,")) or line[13:15] in used
    )
    lines.extend(header)
    lines.append(
        "\t".join(
            [
                "#CHROM",
                "POS",
                "ID",
                "REF",
                "ALT",
                "QUAL",
                "FILTER",
                "INFO",
                *(["FORMAT", *samples] if samples else []),
            ]
        )
    )
    for row in rows:
        p, ref, alt, filt, *rest = row.split()
        fields = [chrom, str(pos(build or "GRCh38", int(p))), ".", ref, alt, ".", filt, "."]
        if rest and rest[0].startswith("INFO="):
            fields[7] = rest.pop(0)[5:]
        lines.append("\t".join(fields + rest))
    return "\n".join(lines) + "\n"


def write_input(directory: Path, name: str, text: str, encoding: str = "vcf.gz+tbi") -> Path:
    """Write ``text`` as ``encoding``: plain VCF, bgzipped VCF with or without an index, BCF."""
    plain = directory / f"{name}.vcf"
    plain.write_text(text)
    if encoding == "vcf":
        return plain
    if encoding.startswith("vcf.gz"):
        gz = directory / f"{name}.vcf.gz"
        pysam.tabix_compress(str(plain), str(gz), force=True)
        if encoding == "vcf.gz+tbi":
            pysam.tabix_index(str(gz), preset="vcf", force=True)
        elif encoding == "vcf.gz+csi":
            pysam.tabix_index(str(gz), preset="vcf", force=True, csi=True)
        plain.unlink()
        return gz
    bcf = directory / f"{name}.bcf"
    with (
        pysam.VariantFile(str(plain)) as src,
        pysam.VariantFile(str(bcf), "wb", header=src.header) as out,
    ):
        for record in src:
            out.write(record)
    if encoding == "bcf+csi":
        pysam.tabix_index(str(bcf), preset="bcf", force=True, csi=True)
    plain.unlink()
    return bcf


SCHEMA_PATH = Path(__file__).parent.parent / "il1rn_annot" / "report" / "report.schema.json"


@pytest.fixture(scope="session")
def report_validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(autouse=True)
def _catalog_sites_worked_out_afresh():
    """Each test works out the catalog's sites itself (``genotype.catalog_sites`` keeps them per
    catalog and build for a process): `make mutate` forks each mutant's tests from a process
    that ran them all, and an inherited entry hid a mutated ``catalog_sites`` from them."""
    from il1rn_annot import genotype

    genotype._SITES.clear()


@pytest.fixture(autouse=True)
def _every_json_report_matches_the_schema(monkeypatch, report_validator):
    """Every JSON report made in-process (CLI runs, batch files, render calls) passes through
    ``json_chunks`` (``render_json`` joins them): each is validated there, whole, before its
    first piece is written, so a field added without the schema fails."""
    from il1rn_annot.report import json as json_writer

    chunks = json_writer.json_chunks

    def checked(report):
        parts = list(chunks(report))
        report_validator.validate(json.loads("".join(parts)))
        return iter(parts)

    monkeypatch.setattr(json_writer, "json_chunks", checked)


class Run:
    """The CLI run in-process through CliRunner, with stdout and stderr kept apart."""

    def __init__(self, result):
        self.result = result
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr

    def json(self) -> dict:
        return json.loads(self.stdout)

    def calls(self) -> dict[str, str]:
        return {s["sample"]: s["dira_genotype"] for s in self.json()["samples"]}


@pytest.fixture
def run():
    def _run(*args: str, input: str | bytes | None = None) -> Run:
        return Run(CliRunner().invoke(cli, [str(a) for a in args], input=input))

    return _run


@pytest.fixture
def annotate(tmp_path, run):
    """Write a VCF (as ``encoding``) and annotate it; returns the parsed JSON report."""

    def _annotate(text: str, *args: str, encoding: str = "vcf.gz+tbi", name: str = "in") -> dict:
        path = write_input(tmp_path, name, text, encoding)
        result = run("annotate", path, *args)
        assert result.exit_code == 0, result.stderr
        return result.json()

    return _annotate


def calls(report: dict) -> dict[str, str]:
    return {s["sample"]: s["dira_genotype"] for s in report["samples"]}


def sample(report: dict, name: str) -> dict:
    """The sample's entry, its variants joined with their records (``joined``)."""
    entry = next(s for s in report["samples"] if s["sample"] == name)
    return {**entry, "variants": joined(report, entry)}


def joined(report: dict, entry: dict) -> list[dict]:
    """A sample entry's variants, each with the fields of the record it refers to: the JSON
    writes what an allele is once, in ``records`` (schema 2.0), and a sample's variant holds its
    own evidence and the record's index. Checks the reference on the way."""
    records = report["records"]
    out = []
    for variant in entry["variants"]:
        record = records[variant["record"]]
        assert record["index"] == variant["record"]
        assert record["dira_id"] == variant["dira_id"]
        out.append({**record, **variant})
    return out


# -- `make mutate`: each mutant's tests are a new pytest session ------------------------------

T = TypeVar("T")
#: A directory where session- and module-scoped fixtures keep the files they write identically
#: every time (a 113-Mb synthetic FASTA, BAMs), so that the next session reuses them. Unset (the
#: default, and in `make test`), every session writes its own under tmp_path_factory.
FILE_CACHE = os.environ.get("IL1RN_TEST_FILE_CACHE")
#: The modules that write those files: a change to any of them makes new files.
_FILE_MAKERS = (
    "conftest.py",
    "reference.py",
    "test_depth.py",
    "test_depth_calls.py",
    "test_deletion_review.py",
    "test_match.py",
)


def shared_files(tmp_path_factory, name: str, make: Callable[[Path], T]) -> T:
    """``make(directory)``'s files and return value, made once per IL1RN_TEST_FILE_CACHE (under
    a lock: mutmut runs two sessions at once) or, without it, once per call."""
    if not FILE_CACHE:
        return make(tmp_path_factory.mktemp(name))
    digest = hashlib.sha256()
    for helper in _FILE_MAKERS:
        digest.update((Path(__file__).parent / helper).read_bytes())
    directory = Path(FILE_CACHE) / f"{name}-{digest.hexdigest()[:12]}"
    value = directory / "value.pickle"
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{directory}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not value.exists():
            directory.mkdir(exist_ok=True)
            made = make(directory)
            value.write_bytes(pickle.dumps(made))
        return pickle.loads(value.read_bytes())


#: Under mutmut, a mutant's tests stop at the first failure (-x), so the likeliest quick kills
#: run first: the direct tests of the call rules, then the rest by the time each took in
#: mutmut's clean run (mutmut-stats.json); without FILE_CACHE, tests whose fixtures write
#: alignments or a reference run last.
_FIRST = (
    "test_call_boundaries.py",
    "test_mutation_kills.py",
    "test_mutation_kills_depth_family.py",
    "test_mutation_kills_match.py",
    "test_mutation_kills_evidence.py",
    "test_mutation_kills_rules.py",
    "test_mutation_kills_matching.py",
    "test_genotype.py",
)
_SLOW_FIXTURES = {"fasta", "files", "cram", "bams", "partial_bams"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    try:
        took = json.loads(Path("mutmut-stats.json").read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        took = {}

    def rank(item: pytest.Item) -> tuple[bool, bool, float]:
        slow = not FILE_CACHE and bool(_SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))
        return (slow, item.path.name not in _FIRST, took.get(item.nodeid, 1.0))

    items.sort(key=rank)


@pytest.fixture(params=["isal", "zlib"])
def inflater(request, monkeypatch):
    """Both inflaters: isal (a dependency), and zlib (Python's gzip) when isal is missing."""
    if request.param == "zlib":
        monkeypatch.setitem(sys.modules, "isal", None)  # `from isal import ...` fails
    else:
        pytest.importorskip("isal")
    return request.param
