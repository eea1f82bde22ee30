"""Depth evidence from real BAM/CRAM files written with pysam: copy number of the IL1RN exons.

Reads are simulated, not sampled: perfect matches to a SYNTHETIC chr2 (seeded random bases over
the simulated intervals, N elsewhere; no human sequence), tiled at a fixed step so that the depth
inside an interval is exact. Only the two 20-kb controls and the four coding exons (plus one read
length each side) get reads. The headers declare the real chr2 length of the build.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pysam
import pytest
from conftest import FILE_CACHE, shared_files

from il1rn_annot.depth import (
    STATUS_INSUFFICIENT,
    STATUS_OK,
    STATUS_UNCLEAR,
    coding_exons,
    control_regions,
    measure_depth,
)
from il1rn_annot.errors import BuildError, InputError, UsageError
from il1rn_annot.genome import CHR2_LENGTH

READ_LEN = 300  # long reads keep the files small; depth does not care
CHR1 = {"2": "1", "chr2": "chr1", "NC_000002.12": "NC_000001.11"}
DUP, SECONDARY, QCFAIL, SUPPLEMENTARY, UNMAPPED = 0x400, 0x100, 0x200, 0x800, 0x4


class SyntheticChr2:
    """A SYNTHETIC chr2 for one build: seeded random bases over the simulated intervals only."""

    def __init__(self, build: str) -> None:
        rng = random.Random(f"il1rn-depth-{build}")
        regions = [*control_regions(build), *((s, e) for _, s, e in coding_exons(build))]
        # 0-based half-open, one read length of margin each side for reads that overlap the edge
        self.pieces = {
            s - 1 - READ_LEN: "".join(rng.choices("ACGT", k=e - s + 1 + 2 * READ_LEN))
            for s, e in regions
        }

    def bases(self, start: int, length: int) -> str:
        for begin, seq in self.pieces.items():
            if begin <= start and start + length <= begin + len(seq):
                return seq[start - begin : start - begin + length]
        raise AssertionError(f"no synthetic sequence at {start}")

    def write_fasta(self, path: Path, contig: str) -> None:
        """One line of chr2 up to the last simulated base, N elsewhere (no .fai line limits)."""
        end = max(begin + len(seq) for begin, seq in self.pieces.items())
        chrom = bytearray(b"N") * end
        for begin, seq in self.pieces.items():
            chrom[begin : begin + len(seq)] = seq.encode()
        with open(path, "wb") as out:
            out.write(f">{contig} synthetic\n".encode())
            out.write(chrom)
            out.write(b"\n")
        pysam.faidx(str(path))


_CHR2 = {build: SyntheticChr2(build) for build in CHR2_LENGTH}


@dataclass(frozen=True)
class Layout:
    """What to simulate: depth over each control and each coding exon, and odd reads."""

    controls: tuple[int, int] = (30, 30)
    exons: tuple[int, int, int, int] = (30, 30, 30, 30)
    # (exon, flag, mapq) -> reads tiled at 30x over that exon that must not count by default
    filtered: tuple[tuple[int, int, int], ...] = ()
    samples: tuple[str, ...] = ()  # one @RG per entry, with this SM


def tiled(start: int, end: int, depth: int) -> range:
    """0-based read starts giving exactly ``depth`` over 1-based [start, end]."""
    if depth == 0:
        return range(0)
    assert READ_LEN % depth == 0
    return range(start - READ_LEN, end, READ_LEN // depth)


def write_alignments(
    path: Path,
    build: str,
    contig: str,
    layout: Layout,
    fasta: Path | None = None,
) -> Path:
    """Write reads for ``layout`` (unsorted, as an aligner would), then sort and index."""
    header = {
        "HD": {"VN": "1.6", "SO": "unsorted"},
        "SQ": [{"SN": contig, "LN": CHR2_LENGTH[build]}],
    }
    if fasta is None:  # chr2 second, found by name; a CRAM gets only what its FASTA has
        header["SQ"].insert(0, {"SN": CHR1[contig], "LN": 248_956_422})
    if layout.samples:
        header["RG"] = [{"ID": f"rg{i}", "SM": sm} for i, sm in enumerate(layout.samples)]
    chr2 = _CHR2[build]
    spans = [(s, e, d) for (s, e), d in zip(control_regions(build), layout.controls, strict=True)]
    spans += [(s, e, d) for (_, s, e), d in zip(coding_exons(build), layout.exons, strict=True)]
    odd = {n: [(flag, mapq) for x, flag, mapq in layout.filtered if x == n] for n in range(1, 5)}
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:

        def read(start: int, flag: int = 0, mapq: int = 60) -> None:
            a = pysam.AlignedSegment(out.header)
            a.query_name = f"r{start}.{flag}.{mapq}"
            a.flag = flag
            a.reference_id = out.get_tid(contig)
            a.reference_start = start
            a.mapping_quality = mapq
            a.cigarstring = f"{READ_LEN}M"  # kept on unmapped reads too: the flag must decide
            a.query_sequence = chr2.bases(start, READ_LEN)
            if layout.samples:
                a.set_tag("RG", f"rg{start % len(layout.samples)}")
            out.write(a)

        for s, e, depth in reversed(spans):  # reversed: the file must really need sorting
            for start in tiled(s, e, depth):
                read(start)
        for n, s, e in coding_exons(build):
            for flag, mapq in odd[n]:
                for start in tiled(s, e, 30):
                    read(start, flag, mapq)
    # for a CRAM, samtools' --reference would only read: without the output option htslib
    # embeds the reference, and the CRAM would decode without its FASTA
    cram = [] if fasta is None else ["-O", "cram", "--output-fmt-option", f"reference={fasta}"]
    pysam.sort(*cram, "-o", str(path), str(unsorted))
    unsorted.unlink()
    pysam.index(str(path))
    return path


#: name -> (build, contig, layout); one file each, written once for the module.
CASES = {
    "two_copies": ("GRCh38", "2", Layout(samples=("two_copies",))),
    "one_copy": (
        "GRCh38",
        "NC_000002.12",
        Layout(exons=(15, 15, 15, 15), samples=("one_copy", "one_copy")),
    ),
    "zero_copies": ("GRCh38", "chr2", Layout(exons=(0, 0, 0, 0), samples=("zero_copies",))),
    "exon3_deleted": ("GRCh38", "chr2", Layout(exons=(30, 30, 0, 30), samples=("exon3",))),
    "exon3_het": ("GRCh38", "2", Layout(exons=(30, 30, 15, 30))),
    "grch37_one_copy": ("GRCh37", "chr2", Layout(exons=(15, 15, 15, 15))),
    "low_depth": ("GRCh38", "2", Layout(controls=(5, 5), exons=(5, 5, 5, 5))),
    "controls_disagree": ("GRCh38", "2", Layout(controls=(30, 15), exons=(20, 20, 20, 20))),
    "filtered_only": (
        "GRCh38",
        "chr2",
        Layout(
            exons=(0, 0, 0, 0),
            filtered=(
                (1, DUP, 60),
                (1, UNMAPPED, 0),
                (2, 0, 0),  # MAPQ 0
                (3, SECONDARY, 60),
                (3, SUPPLEMENTARY, 60),
                (4, QCFAIL, 60),
                (4, 0, 19),  # one below the default min_mapq (20)
            ),
        ),
    ),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    def make(directory: Path) -> dict[str, Path]:
        return {
            name: write_alignments(directory / f"{name}.bam", build, contig, layout)
            for name, (build, contig, layout) in CASES.items()
        }

    return shared_files(tmp_path_factory, "depth", make)


@pytest.fixture(scope="module")
def cram(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """A one-copy CRAM and its synthetic FASTA, moved after writing so the CRAM's @SQ UR no
    longer finds it: the FASTA must be given. The ~113-MB FASTA is deleted afterwards (kept
    where IL1RN_TEST_FILE_CACHE keeps it for the next session)."""

    def make(directory: Path) -> tuple[Path, Path]:
        written = directory / "written.fa"
        _CHR2["GRCh38"].write_fasta(written, "chr2")
        path = write_alignments(
            directory / "one_copy.cram",
            "GRCh38",
            "chr2",
            Layout(exons=(15, 15, 15, 15), samples=("cram_sample",)),
            fasta=written,
        )
        moved = directory / "reference.fa"
        written.rename(moved)
        Path(f"{written}.fai").rename(f"{moved}.fai")
        return path, moved

    path, moved = shared_files(tmp_path_factory, "cram", make)
    yield path, moved
    if not FILE_CACHE:
        moved.unlink()


def copies(evidence) -> tuple[int | None, ...]:
    return tuple(x.copies for x in evidence.exons)


@pytest.mark.parametrize(
    "name, build, contig, copies_, exon_depth",
    [
        ("two_copies", "GRCh38", "2", 2, 30.0),
        ("one_copy", "GRCh38", "NC_000002.12", 1, 15.0),
        ("zero_copies", "GRCh38", "chr2", 0, 0.0),
        ("grch37_one_copy", "GRCh37", "chr2", 1, 15.0),
    ],
)
def test_whole_gene_copy_number(files, name, build, contig, copies_, exon_depth):
    evidence = measure_depth(str(files[name]), build)
    assert (evidence.status, evidence.copies) == (STATUS_OK, copies_)
    assert (evidence.build, evidence.contig) == (build, contig)
    assert evidence.control_depth == pytest.approx(30.0)
    assert [c.mean_depth for c in evidence.controls] == pytest.approx([30.0, 30.0])
    assert [x.mean_depth for x in evidence.exons] == pytest.approx([exon_depth] * 4)
    assert copies(evidence) == (copies_,) * 4
    assert evidence.ratio == pytest.approx(exon_depth / 30.0)


def test_exons_reported_in_the_files_build(files):
    """GRCh37 coordinates are GRCh38 + 757,577 for exons and controls alike."""
    evidence = measure_depth(str(files["grch37_one_copy"]), "GRCh37")
    assert [(x.exon, x.start, x.end) for x in evidence.exons][2] == (3, 113_888_622, 113_888_734)
    assert (evidence.controls[0].start, evidence.controls[1].end) == (113_597_578, 114_017_577)


@pytest.mark.parametrize(
    "name, expected",
    [("two_copies", "two_copies"), ("one_copy", "one_copy"), ("grch37_one_copy", None)],
)
def test_sample_from_read_group(files, name, expected):
    build = CASES[name][0]
    assert measure_depth(str(files[name]), build).sample == expected


def test_homozygous_partial_deletion_shows_per_exon(files):
    evidence = measure_depth(str(files["exon3_deleted"]), "GRCh38")
    assert copies(evidence) == (2, 2, 0, 2)
    assert (evidence.status, evidence.copies) == (STATUS_UNCLEAR, None)
    assert evidence.ratio == pytest.approx(0.75)
    assert "intragenic" in evidence.note


def test_heterozygous_exon_deletion_is_not_called_two_copies(files):
    """Mean ratio 0.875 is in the 2-copy band, but exon 3 reads one copy: not 'ok, 2 copies'."""
    evidence = measure_depth(str(files["exon3_het"]), "GRCh38")
    assert copies(evidence) == (2, 2, 1, 2)
    assert evidence.ratio == pytest.approx(0.875)
    assert (evidence.status, evidence.copies) == (STATUS_UNCLEAR, None)
    assert "exons disagree" in evidence.note


@pytest.mark.parametrize(
    "min_control_depth, status, copies_",
    [(10.0, STATUS_INSUFFICIENT, None), (4.0, STATUS_OK, 2)],
)
def test_low_depth_is_never_two_copies(files, min_control_depth, status, copies_):
    evidence = measure_depth(str(files["low_depth"]), "GRCh38", min_control_depth=min_control_depth)
    assert evidence.control_depth == pytest.approx(5.0)
    assert (evidence.status, evidence.copies) == (status, copies_)
    assert all(x.copies == copies_ for x in evidence.exons)
    if status == STATUS_INSUFFICIENT:
        assert evidence.ratio is None and all(x.ratio is None for x in evidence.exons)
        assert "too shallow" in evidence.note


def test_controls_that_disagree_give_no_call(files):
    """Exons at 20x against controls at 30x and 15x: ratio 0.89 would read as two copies."""
    evidence = measure_depth(str(files["controls_disagree"]), "GRCh38")
    assert [c.mean_depth for c in evidence.controls] == pytest.approx([30.0, 15.0])
    assert evidence.ratio == pytest.approx(20 / 22.5)
    assert (evidence.status, evidence.copies) == (STATUS_UNCLEAR, None)
    assert "controls disagree" in evidence.note


@pytest.mark.parametrize(
    "min_mapq, exon_depths, copies_",
    [
        # duplicates, unmapped, secondary, supplementary and QC-fail reads never count
        (20, [0.0, 0.0, 0.0, 0.0], 0),
        # MAPQ 0 (exon 2) and MAPQ 19 (exon 4) count once the threshold allows them
        (0, [0.0, 30.0, 0.0, 30.0], None),
    ],
)
def test_filtered_reads_do_not_count(files, min_mapq, exon_depths, copies_):
    evidence = measure_depth(str(files["filtered_only"]), "GRCh38", min_mapq=min_mapq)
    assert [x.mean_depth for x in evidence.exons] == pytest.approx(exon_depths)
    assert evidence.control_depth == pytest.approx(30.0)
    assert evidence.copies == copies_


def test_depth_counts_aligned_bases_inside_the_exon(tmp_path):
    """1-based inclusive exons; deleted, skipped and soft-clipped bases are not depth."""
    (_, s1, e1), (_, s2, e2), (_, s3, _), (_, s4, e4) = coding_exons("GRCh38")
    reads = [
        (s1 - 1, f"{e1 - s1 + 1}M"),  # exactly exon 1: depth 1
        (s2 - 1 - 100, "100M"),  # ends on the base before exon 2
        (e2, "100M"),  # starts on the base after it: exon 2 stays at 0
        (s3 - 1, "50M13D50M"),  # 100 of exon 3's 113 bases
        (s4 - 1, "10S50M"),  # 50 of exon 4's 216 bases
        (s4 - 1 + 50, "10M300N10M"),  # 10 more, then the skip runs past the exon's end
    ]
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "2", "LN": CHR2_LENGTH["GRCh38"]}],
    }
    path = tmp_path / "edges.bam"
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for i, (start, cigar) in enumerate(reads):
            a = pysam.AlignedSegment(out.header)
            a.query_name, a.reference_id, a.reference_start = f"e{i}", 0, start
            a.mapping_quality, a.cigarstring = 60, cigar
            a.query_sequence = _CHR2["GRCh38"].bases(start, a.infer_query_length())
            out.write(a)
    pysam.index(str(path))
    evidence = measure_depth(str(path), "GRCh38")
    assert [x.mean_depth for x in evidence.exons] == pytest.approx(
        [1.0, 0.0, 100 / 113, 60 / (e4 - s4 + 1)]
    )
    assert (evidence.status, evidence.control_depth) == (STATUS_INSUFFICIENT, 0.0)


def test_cram_with_its_reference(cram):
    path, fasta = cram
    evidence = measure_depth(str(path), "GRCh38", fasta=str(fasta))
    assert (evidence.status, evidence.copies, evidence.sample) == (STATUS_OK, 1, "cram_sample")
    assert [x.mean_depth for x in evidence.exons] == pytest.approx([15.0] * 4)


def test_cram_without_its_reference(cram):
    path, _ = cram
    with pytest.raises(InputError, match=r"cannot decode the CRAM: .*reference") as err:
        measure_depth(str(path), "GRCh38")
    assert str(err.value).startswith(f"{path}: ")


def test_cram_with_a_reference_lacking_chr2(cram, tmp_path):
    path, _ = cram
    other = tmp_path / "chr1_only.fa"
    other.write_text(">chr1\nACGT\n")
    with pytest.raises(InputError, match="cannot decode the CRAM with the reference"):
        measure_depth(str(path), "GRCh38", fasta=str(other))


def header_only(path: Path, contig: str, length: int, samples: tuple[str, ...] = ()) -> Path:
    header: dict = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": contig, "LN": length}]}
    if samples:
        header["RG"] = [{"ID": f"rg{i}", "SM": sm} for i, sm in enumerate(samples)]
    with pysam.AlignmentFile(str(path), "wb", header=header):
        pass
    pysam.index(str(path))
    return path


@pytest.mark.parametrize(
    "contig, length, build, message",
    [
        ("2", CHR2_LENGTH["GRCh37"], "GRCh38", "2 length 243199373 is GRCh37's, not GRCh38"),
        ("chr2", CHR2_LENGTH["GRCh38"], "GRCh37", "length 242193529 is GRCh38's, not GRCh37"),
        ("chr2", 1_000_000, "GRCh38", "length 1000000 is no supported build's"),
        ("NC_000002.11", CHR2_LENGTH["GRCh38"], "GRCh38", "NC_000002.11 is GRCh37, not GRCh38"),
    ],
)
def test_build_contradicted_by_header(tmp_path, contig, length, build, message):
    path = header_only(tmp_path / "in.bam", contig, length)
    with pytest.raises(BuildError, match=message) as err:
        measure_depth(str(path), build)
    assert str(err.value).startswith(f"{path}: ")


def test_grch37_reads_against_grch38_build(files):
    with pytest.raises(BuildError, match="GRCh37's, not GRCh38"):
        measure_depth(str(files["grch37_one_copy"]), "GRCh38")


def bad_input(tmp_path: Path, files: dict[str, Path], kind: str) -> Path:
    """Each broken input, made on demand."""
    if kind == "missing":
        return tmp_path / "absent.bam"
    if kind == "directory":
        return tmp_path
    if kind == "not_alignments":
        path = tmp_path / "notes.bam"
        path.write_text("##fileformat=VCFv4.2\n")
        return path
    if kind == "truncated":
        path = tmp_path / "truncated.bam"
        data = files["two_copies"].read_bytes()
        path.write_bytes(data[: len(data) // 2])
        shutil.copy(f"{files['two_copies']}.bai", f"{path}.bai")
        return path
    if kind == "sam":
        path = tmp_path / "reads.sam"
        with (
            pysam.AlignmentFile(str(files["two_copies"])) as bam,
            pysam.AlignmentFile(str(path), "w", template=bam) as sam,
        ):
            for read in bam.fetch("2", 113_127_624, 113_127_625):
                sam.write(read)
        return path
    if kind == "no_index":
        path = tmp_path / "no_index.bam"
        shutil.copy(files["two_copies"], path)
        return path
    if kind == "several_samples":
        return header_only(tmp_path / "s.bam", "chr2", CHR2_LENGTH["GRCh38"], ("A", "B"))
    if kind == "lookalike_chr2":
        return header_only(tmp_path / "c.bam", "Chr2", CHR2_LENGTH["GRCh38"])
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind, message",
    [
        ("missing", "no such alignment file"),
        ("directory", "is a directory"),
        ("not_alignments", "not a BAM or CRAM file"),
        ("truncated", r"truncated file \(no BGZF end-of-file marker\)"),
        ("sam", "a SAM text file"),
        ("no_index", r"no index found for this BAM \(.bai/.csi\)"),
        ("several_samples", r"several samples in @RG SM \(A, B\)"),
        ("lookalike_chr2", "no chromosome 2 .* in the header; found 'Chr2'"),
    ],
)
def test_unusable_input_is_one_line_naming_the_file(tmp_path, files, kind, message):
    path = bad_input(tmp_path, files, kind)
    with pytest.raises(InputError, match=message) as err:
        measure_depth(str(path), "GRCh38")
    assert str(err.value).startswith(f"{path}: ")
    assert "\n" not in str(err.value)


def test_missing_fasta_is_named(files, tmp_path):
    fasta = tmp_path / "nowhere.fa"
    with pytest.raises(InputError, match="no such reference FASTA") as err:
        measure_depth(str(files["two_copies"]), "GRCh38", fasta=str(fasta))
    assert str(err.value).startswith(f"{fasta}: ")


def test_unknown_build_is_a_usage_error(files):
    with pytest.raises(UsageError, match="unknown build 'hg19'"):
        measure_depth(str(files["two_copies"]), "hg19")
