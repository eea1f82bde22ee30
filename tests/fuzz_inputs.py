"""Seeds, mutations and the invariants of the fuzz suite (tests/test_fuzz.py).

Seeds are real files: the examples, VCF text written as the tests' fixtures write it, and a few
htslib/bcftools/hts-specs test files (tests/data/fuzz_seeds/, origin and licence in its README).
Mutations edit VCF text (lines, columns, alleles, GT, header), BGZF blocks (truncation, bytes)
and the BCF header text with its dictionary. Whatever the input, a run must end as the CLI
documents: exit 0 with a complete report, or exit 3 with one error line and no report file.
"""

from __future__ import annotations

import gzip
import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import pysam

ROOT = Path(__file__).parent.parent
SEEDS = Path(__file__).parent / "data" / "fuzz_seeds"
#: The calls that say a sample carries pathogenic alleles: each must rest on sound records.
POSITIVE = ("biallelic", "biallelic_unphased", "monoallelic")
#: Exit codes a single-input run may end with: success, or an input the tool refuses.
ALLOWED_EXITS = (0, 3)

# -- seeds -------------------------------------------------------------------------------------

EXAMPLES = (
    "examples/dira_example.vcf.gz",
    "examples/dira_sv_example.vcf.gz",
    "examples/dira_gvcf_hole.g.vcf.gz",
    "examples/dira_gvcf_complete.g.vcf.gz",
    "examples/trio/dira_trio.vcf.gz",
    "examples/sv/dira_small_variants.vcf.gz",
)


def example_text(name: str) -> str:
    with gzip.open(ROOT / name, "rt") as fh:
        return fh.read()


def seed_texts() -> dict[str, str]:
    """Every text seed by name: the examples, then the real-world files of fuzz_seeds/."""
    texts = {Path(n).name: example_text(n) for n in EXAMPLES}
    for path in sorted(SEEDS.glob("*.vcf")):
        texts[path.name] = path.read_text(encoding="utf-8", errors="surrogateescape")
    return texts


def grafted(header_of: str, records_of: str) -> str:
    """The header of one file over the records of another: a real-world header (VCF 4.4/4.5
    meta lines, other contigs, other samples) in front of records inside the IL1RN window."""
    head = [line for line in header_of.splitlines() if line.startswith("##")]
    head = [line for line in head if not line.startswith("##fileformat")]
    lines = records_of.splitlines()
    return "\n".join([lines[0], *head, *lines[1:]]) + "\n"


#: Catalog sites of GRCh38 (POS, REF, ALT): E77X (DIRA01), c.160C>T (DIRA02), c.156_157del (DIRA03).
CATALOG_SITES = ((113131068, "G", "T"), (113129619, "C", "T"), (113129613, "AAC", "A"))
OTHER_ALTS = ("C", "A", "<*>", "<DEL>")


def relocated(text: str) -> str:
    """A real-world file's records moved onto catalog sites of the IL1RN window (chromosome 2,
    GRCh38): their GT grammar, ploidy, phasing and FORMAT quirks then reach the call logic.
    Extra ALTs become other alleles at the same site."""
    head, body = split(text)
    head = [line for line in head if not line.startswith(("##contig", "##reference"))]
    head.insert(1, "##contig=<ID=2,length=242193529>")
    out = []
    for n, line in enumerate(body):
        cells = line.split("\t")
        if len(cells) < 5:
            continue
        pos, ref, alt = CATALOG_SITES[n % len(CATALOG_SITES)]
        extra = OTHER_ALTS[: max(0, len(cells[4].split(",")) - 1)]
        cells[:5] = ["2", str(pos), cells[2], ref, ",".join([alt, *extra])]
        if len(cells) > 7 and "END=" in cells[7]:
            cells[7] = re.sub(r"END=\d+", f"END={pos + len(ref) - 1}", cells[7])
        out.append("\t".join(cells))
    return join(head, out)


# -- text mutations ----------------------------------------------------------------------------


def split(text: str) -> tuple[list[str], list[str]]:
    """(header lines, record lines) of a VCF text."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    head = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    return head, body


def join(head: list[str], body: list[str]) -> str:
    return "\n".join(head + body) + "\n"


GARBAGE_ALLELES = (
    "X", "*", "acgt", "N", ".", "R", "<DEL>", "<INS>", "<*>", "<NON_REF>", "A,A", "ACGTX",
    "G]2:113131068]", "", " ", "AC GT", "T" * 5000, "<CN0>", "<DUP>", "A\x00", "É",
)  # fmt: skip
GARBAGE_GTS = (
    "0/1/1", "1/1/1", "./0", "0/.", "./1", "1", "0", ".", "1|", "/", "|1/1", "2/2", "0/2",
    "1/-1", "+1/1", "01/1", "1//1", "x/y", "./.", ".|1", "1|1|1", "0/1/2/3", "9999999999/1",
    "", "1/1:", "1/1:abc:def", "1 / 1",
)  # fmt: skip
GARBAGE_NUMBERS = (
    ".", "", "-1", "0", "9", "10", "19", "20", "1e308", "inf", "nan", "NA", "2147483648",
    "99999999999999999999", "1.5", "-0", "x", "10,20", "3" * 3000,
)  # fmt: skip
HEADER_EDITS = (
    "drop_fileformat", "fileformat_4.4", "fileformat_4.5", "fileformat_junk", "drop_contigs",
    "contig_length_tiny", "contig_length_junk", "drop_format_gt", "format_gt_integer",
    "format_dp_string", "drop_chrom_line", "duplicate_sample", "chrom_line_spaces",
    "extra_sample", "drop_sample", "info_type_flag", "meta_garbage", "reference_grch37",
    "no_samples", "header_nul", "header_latin1",
)  # fmt: skip


def edit_header(head: list[str], body: list[str], how: str) -> tuple[list[str], list[str]]:
    """One header edit, named for the bad header it makes."""
    h = list(head)
    chrom = next((i for i, line in enumerate(h) if line.startswith("#CHROM")), None)
    cols = h[chrom].split("\t") if chrom is not None else []
    if how == "drop_fileformat":
        h = [line for line in h if not line.startswith("##fileformat")]
    elif how.startswith("fileformat_"):
        version = {"4.4": "VCFv4.4", "4.5": "VCFv4.5", "junk": "VCFv9.Z"}[how.split("_")[1]]
        h = [f"##fileformat={version}" if x.startswith("##fileformat") else x for x in h]
    elif how == "drop_contigs":
        h = [line for line in h if not line.startswith("##contig")]
    elif how == "contig_length_tiny":
        h = [re.sub(r"length=\d+", "length=1000", line) for line in h]
    elif how == "contig_length_junk":
        h = [re.sub(r"length=\d+", "length=abc", line) for line in h]
    elif how == "drop_format_gt":
        h = [line for line in h if not line.startswith("##FORMAT=<ID=GT,")]
    elif how == "format_gt_integer":
        h = _retyped(h, "##FORMAT=<ID=GT,", "Type=String", "Type=Integer")
    elif how == "format_dp_string":
        h = _retyped(h, "##FORMAT=<ID=DP,", "Type=Integer", "Type=String")
    elif how == "drop_chrom_line" and chrom is not None:
        del h[chrom]
    elif how == "duplicate_sample" and len(cols) > 10:
        cols[-1] = cols[9]
        h[chrom] = "\t".join(cols)
    elif how == "chrom_line_spaces" and chrom is not None:
        h[chrom] = h[chrom].replace("\t", " ")
    elif how == "extra_sample" and len(cols) > 9:
        h[chrom] = "\t".join([*cols, "EXTRA"])
    elif how == "drop_sample" and len(cols) > 10:
        h[chrom] = "\t".join(cols[:-1])
    elif how == "info_type_flag":
        h = _retyped(h, "##INFO=<ID=END,", "Type=Integer", "Type=Flag")
    elif how == "meta_garbage":
        h.insert(1, "##INFO=<ID=BROKEN,Number=1,Type=Strange")
    elif how == "reference_grch37":
        h.insert(1, "##reference=GRCh37")
    elif how == "no_samples" and len(cols) > 8:
        h[chrom] = "\t".join(cols[:8])
        body = ["\t".join(line.split("\t")[:8]) for line in body]
    elif how == "header_nul":
        h.insert(1, "##comment=a\x00b")
    elif how == "header_latin1":
        h.insert(1, "##comment=caf\udce9")  # a byte 0xE9 alone: Latin-1, not UTF-8
    return h, body


def _retyped(head: list[str], prefix: str, old: str, new: str) -> list[str]:
    return [line.replace(old, new) if line.startswith(prefix) else line for line in head]


def edit_record(line: str, how: str, value: str) -> str:
    """One edit of one record line: a field replaced, columns dropped or added."""
    cells = line.split("\t")
    if how == "ref" and len(cells) > 3:
        cells[3] = value
    elif how == "alt" and len(cells) > 4:
        cells[4] = value
    elif how == "pos" and len(cells) > 1:
        cells[1] = value
    elif how == "chrom":
        cells[0] = value
    elif how == "info" and len(cells) > 7:
        cells[7] = value
    elif how == "filter" and len(cells) > 6:
        cells[6] = value
    elif how == "gt" and len(cells) > 9:
        column = 9 + (len(value) % (len(cells) - 9))
        rest = cells[column].split(":", 1)
        cells[column] = ":".join([value, *rest[1:]])
    elif how == "format_value" and len(cells) > 9:
        keys = cells[8].split(":")
        column = 9 + (len(value) % (len(cells) - 9))
        values = cells[column].split(":")
        at = len(value) % len(keys)
        values += ["."] * (len(keys) - len(values))
        values[at] = value
        cells[column] = ":".join(values)
    elif how == "drop_column" and len(cells) > 1:
        del cells[len(value) % len(cells)]
    elif how == "add_column":
        cells.append(value or ".")
    elif how == "spaces":
        return line.replace("\t", " ")
    return "\t".join(cells)


def apply(text: str, op: tuple) -> str:
    """Apply one mutation ``op`` (a tuple drawn by tests/test_fuzz.py) to VCF text."""
    kind = op[0]
    head, body = split(text)
    if kind == "header":
        return join(*edit_header(head, body, op[1]))
    if kind == "record" and body:
        n = op[1] % len(body)
        body[n] = edit_record(body[n], op[2], op[3])
        return join(head, body)
    if kind == "swap" and len(body) > 1:
        i, j = op[1] % len(body), op[2] % len(body)
        body[i], body[j] = body[j], body[i]
        return join(head, body)
    if kind == "duplicate" and body:
        n = op[1] % len(body)
        body.insert(n, body[n])
        return join(head, body)
    if kind == "delete_line":
        lines = head + body
        del lines[op[1] % len(lines)]
        return "\n".join(lines) + "\n"
    if kind == "truncate":
        return text[: op[1] % (len(text) + 1)]
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "insert":
        at = op[1] % (len(text) + 1)
        return text[:at] + op[2] + text[at:]
    if kind == "huge_info" and body:
        n = op[1] % len(body)
        cells = body[n].split("\t")
        if len(cells) > 7:
            cells[7] = "HUGE=" + "A" * op[2]
            body[n] = "\t".join(cells)
        return join(head, body)
    return text


# -- BGZF and BCF bytes ------------------------------------------------------------------------


def bgzf_blocks(data: bytes) -> list[int]:
    """The offsets at which the BGZF blocks of ``data`` start (and its length last)."""
    offsets, at = [], 0
    while at + 18 <= len(data) and data[at : at + 4] == b"\x1f\x8b\x08\x04":
        offsets.append(at)
        (bsize,) = struct.unpack("<H", data[at + 16 : at + 18])
        at += bsize + 1
    offsets.append(len(data))
    return offsets


def bgzip(raw: bytes, path: Path) -> Path:
    """``raw`` written as BGZF, as htslib writes it (pysam's BGZFile)."""
    with pysam.BGZFile(str(path), "wb") as out:
        out.write(raw)
    return path


def bcf_parts(path: Path) -> tuple[bytes, bytes, bytes]:
    """A BCF's magic, header text and records, uncompressed."""
    raw = gzip.decompress(path.read_bytes())
    (size,) = struct.unpack("<I", raw[5:9])
    return raw[:5], raw[9 : 9 + size], raw[9 + size :]


def bcf_with_header(magic: bytes, header: bytes, records: bytes, path: Path) -> Path:
    """A BCF whose header text is ``header`` (its records unchanged): the dictionary that the
    records' indices point into is whatever the edited header now defines."""
    if not header.endswith(b"\0"):
        header += b"\0"
    return bgzip(magic + struct.pack("<I", len(header)) + header + records, path)


BCF_HEADER_EDITS = (
    # Two FORMAT lines swapped: GT's index now names another key.
    (b'##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n', b""),
    (b"ID=GQ,", b"ID=GT,"),
    (b"ID=DP,", b"ID=GQ,"),
    (b"Type=Integer", b"Type=Float"),
    (b"Type=Integer", b"Type=String"),
    (b"Type=String", b"Type=Integer"),
    (b"##contig=<ID=chr2,", b"##contig=<ID=chr3,"),
    (b"##contig=<ID=chr2,", b"##contig=<ID=chr1,length=1>\n##contig=<ID=chr2,"),
    (b"##FORMAT=<ID=GT,", b'##FORMAT=<ID=XX,Number=1,Type=Integer,Description="x">\n'
                          b"##FORMAT=<ID=GT,"),
    (b"##FILTER=<ID=PASS,", b"##FILTER=<ID=PASS,IDX=7,"),
    (b"ID=GT,", b"ID=GT,IDX=40,"),
    (b"\t", b" "),
    (b"#CHROM", b"#CHROX"),
    (b"##fileformat=VCFv4.2", b"##fileformat=VCFv4.5"),
)  # fmt: skip


# -- the invariants ----------------------------------------------------------------------------


@dataclass
class Outcome:
    exit_code: int
    stderr: str
    report: dict | None


def check(
    exit_code: int,
    stderr: str,
    out: Path,
    exception: BaseException | None = None,
    fmt: str = "json",
) -> Outcome:
    """The invariants every run must keep, whatever its input. ``out`` is the -o path."""
    assert exception is None or isinstance(exception, SystemExit), (
        f"an exception escaped: {exception!r}\n{stderr}"
    )
    assert "Traceback" not in stderr, stderr
    assert exit_code in ALLOWED_EXITS, f"exit {exit_code}: {stderr}"
    leftovers = [p.name for p in out.parent.iterdir() if p != out]
    assert not leftovers, f"temporary files left beside the report: {leftovers}"
    errors = [line for line in stderr.splitlines() if line.startswith("il1rn-annot: error")]
    if exit_code != 0:
        assert not out.exists(), f"exit {exit_code}, yet a report was written: {stderr}"
        assert len(errors) == 1, f"not one error line: {stderr!r}"
        assert errors[0] == stderr.strip().splitlines()[-1], stderr
        return Outcome(exit_code, stderr, None)
    assert not errors, stderr
    if fmt == "tsv":
        lines = out.read_text().splitlines()
        assert lines and "sample" in lines[0].split("\t"), lines[:1]
        return Outcome(exit_code, stderr, None)
    if fmt == "vcf":
        with pysam.VariantFile(str(out)) as vf:  # complete: htslib reads it to the end
            for _ in vf:
                pass
        return Outcome(exit_code, stderr, None)
    report = json.loads(out.read_text())  # complete and parseable (the schema hook validated it)
    assert_calls_rest_on_sound_records(report)
    return Outcome(exit_code, stderr, report)


#: Report warnings that name a record without doubting it: records out of POS order are all
#: read (the whole file is), each as sound as in a sorted file.
NOT_DOUBT = ("out of POS order",)


#: A report warning that names a record by position and by one of its alleles (``2:113131068:
#: REF X: ...``, ``ALT Q``): it doubts the records at that position written with that allele.
_NAMES_ALLELE = re.compile(r"^(\S+:\d+): (REF|ALT) (\S+): ")


def malformed_records(report: dict) -> set[int]:
    """The records the report calls into doubt: those with a warning of their own, and those
    a warning of the whole report names by position (``chrom:pos``, as in the input), and by
    allele where it names one (other records at that position are not doubted by it)."""
    doubts = [w for w in report["warnings"] if not any(n in w for n in NOT_DOUBT)]
    named = set()
    for record in report["records"]:
        where = f"{record['chrom']}:{record['input_pos'] or record['pos']}"
        pattern = re.compile(re.escape(where) + r"(?!\d)")
        if record["warnings"] or any(
            pattern.search(w) and _names_this_allele(w, record) for w in doubts
        ):
            named.add(record["index"])
    return named


def _names_this_allele(warning: str, record: dict) -> bool:
    match = _NAMES_ALLELE.match(warning)
    if match is None:
        return True  # named by position only
    field = match.group(2).lower()
    written = record[f"input_{field}"] or record[field]
    return written.upper() == match.group(3).upper()


def assert_calls_rest_on_sound_records(report: dict) -> None:
    """No sample is called a carrier or affected on a record the report calls into doubt."""
    doubtful = malformed_records(report)
    for s in report["samples"]:
        if s["dira_genotype"] not in POSITIVE:
            continue
        variants = [{**report["records"][v["record"]], **v} for v in s["variants"]]  # joined
        pathogenic = [
            v
            for v in variants
            if v["classification"] in ("pathogenic", "likely_pathogenic")
            and v["zygosity"] in ("het", "hom_alt", "hemizygous")
        ]
        assert pathogenic, f"{s['sample']} is {s['dira_genotype']} with no pathogenic allele"
        doubted = [v for v in pathogenic if v["record"] in doubtful or v["warnings"]]
        assert not doubted, (
            f"{s['sample']} is {s['dira_genotype']} resting on doubtful records: "
            f"{[(v['chrom'], v['pos'], v['warnings']) for v in doubted]}; "
            f"report warnings: {report['warnings']}"
        )
