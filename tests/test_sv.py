"""Large deletions from SV/CNV callers: the founder deletion DIRA04 in each caller's style, other
deletions (novel loss of coding exons, the non-DIRA nsv532471-like loss, intronic losses), and a
deletion with a small variant on the other allele."""

from __future__ import annotations

import pytest
from conftest import ENCODINGS, pos, sample, vcf_text

SV_HEADER = [
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
    '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate breakend">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##ALT=<ID=CNV,Description="Copy number variant">',
    '##ALT=<ID=CN0,Description="Copy number 0">',
    '##ALT=<ID=DEL:ME:ALU,Description="Deletion of an Alu element">',
]
# A 180-kb deletion around the IL36G-IL1RN gene-content interval (112973203-113134016, GRCh38).
FOUNDER = "112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000;SVLEN=-180000"


def _annotate(annotate, rows, *args, samples=("S",), build="GRCh38", encoding="vcf.gz+tbi"):
    shifted = [_shift(row, build) for row in rows]
    text = vcf_text(list(samples), shifted, build=build, header=SV_HEADER)
    return annotate(text, *args, encoding=encoding)


def _shift(row: str, build: str) -> str:
    """Move END= and breakend mate positions to ``build`` too (vcf_text moves POS only)."""
    if build == "GRCh38":
        return row
    out = []
    for token in row.split(" "):
        if token.startswith("INFO="):
            parts = []
            for item in token[5:].split(";"):
                key, _, value = item.partition("=")
                parts.append(f"{key}={pos(build, int(value))}" if key == "END" else item)
            token = "INFO=" + ";".join(parts)
        out.append(token)
    return " ".join(out)


@pytest.mark.parametrize(
    ("style", "row", "gt", "expected"),
    [
        ("delly", f"{FOUNDER};CIPOS=-50,50;CIEND=-50,50", "GT 1/1", "biallelic"),
        ("delly-het", f"{FOUNDER};CIPOS=-50,50;CIEND=-50,50", "GT 0/1", "monoallelic"),
        ("cnvnator", FOUNDER, "GT 1/1", "biallelic"),
        ("gatk-gcnv", "112960000 N <DEL>,<DUP> PASS INFO=END=113140000", "GT:CN 1:0", "biallelic"),
        (
            "gatk-gcnv-1",
            "112960000 N <DEL>,<DUP> PASS INFO=END=113140000",
            "GT:CN 1:1",
            "monoallelic",
        ),
        (
            "dragen",
            "112960000 N <DEL> PASS INFO=SVTYPE=CNV;END=113140000",
            "GT:CN ./1:1",
            "monoallelic",
        ),
        (
            "canvas",
            "112960000 N <CNV> PASS INFO=SVTYPE=CNV;END=113140000",
            "GT:CN .:0",
            "biallelic",
        ),
        (
            "canvas-gain",
            "112960000 N <CNV> PASS INFO=SVTYPE=CNV;END=113140000",
            "GT:CN .:3",
            "none",
        ),
        (
            "1000g-cn0",
            "112960000 N <CN0> PASS INFO=SVTYPE=DEL;END=113140000",
            "GT 0|1",
            "monoallelic",
        ),
    ],
)
def test_founder_deletion_in_each_caller_style(annotate, style, row, gt, expected):
    report = _annotate(annotate, [f"{row} {gt}"])
    s = sample(report, "S")
    assert s["dira_genotype"] == expected
    if expected != "none":
        (variant,) = s["variants"]
        assert variant["dira_id"] == "DIRA04"
        assert variant["match"] == "overlap"
        assert variant["classification"] == "pathogenic"


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf"])
def test_breakend_pair_describing_the_founder_deletion(annotate, build, encoding):
    # Manta: two breakends, both outside the IL1RN window; the left one names the deletion.
    left, right = pos(build, 112960000), pos(build, 113140001)
    rows = [
        f"112960000 N N[2:{right}[ PASS INFO=SVTYPE=BND;MATEID=bnd_2 GT 1/1",
        f"113140001 N ]2:{left}]N PASS INFO=SVTYPE=BND;MATEID=bnd_1 GT 1/1",
    ]
    report = _annotate(annotate, rows, build=build, encoding=encoding)
    s = sample(report, "S")
    assert s["dira_genotype"] == "biallelic"
    assert [v["dira_id"] for v in s["variants"]].count("DIRA04") == 1


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_founder_deletion_on_grch37(annotate, build):
    report = _annotate(annotate, [f"{FOUNDER} GT 1/1"], build=build)
    assert sample(report, "S")["dira_genotype"] == "biallelic"


def test_breakpoint_uncertainty_lets_a_deletion_contain_the_interval(annotate):
    # Starts 100 bp inside IL36G, but CIPOS allows it to start before.
    row = "112973300 N <DEL> PASS INFO=SVTYPE=DEL;END=113148000;CIPOS=-200,200"
    s = sample(_annotate(annotate, [f"{row} GT 1/1"]), "S")
    assert s["variants"][0]["dira_id"] == "DIRA04"
    tight = "112973300 N <DEL> PASS INFO=SVTYPE=DEL;END=113148000;CIPOS=-20,20"
    s = sample(_annotate(annotate, [f"{tight} GT 1/1"]), "S")
    assert s["variants"][0]["dira_id"] is None
    assert s["variants"][0]["classification"] == "novel_predicted_lof"


@pytest.mark.parametrize(
    ("row", "classification", "non_dira_id"),
    [
        # nsv532471 (CTRL11): IL36G..IL1F10 and the 5' part of IL1RN, not its coding exons.
        ("112924871 N <DEL> PASS INFO=SVTYPE=DEL;END=113105404", "uncertain", "CTRL11"),
        # an Alu deletion in intron 2
        ("113130100 N <DEL:ME:ALU> PASS INFO=SVTYPE=DEL;END=113130400", "not_in_catalog", None),
    ],
)
def test_deletions_that_spare_the_coding_exons_are_not_lof(
    annotate, row, classification, non_dira_id
):
    s = sample(_annotate(annotate, [f"{row} GT 1/1"]), "S")
    assert s["dira_genotype"] == "none"
    (variant,) = s["variants"]
    assert variant["classification"] == classification
    assert variant["non_dira_id"] == non_dira_id
    assert variant["dira_id"] is None


@pytest.mark.parametrize(
    "row",
    [
        "113130000 N <DEL> PASS INFO=SVTYPE=DEL;END=113132000",  # ~2-kb loss of exon 3
        "112500000 N <DEL> PASS INFO=SVTYPE=DEL;END=113500000",  # 1 Mb: too big for the founder
    ],
)
def test_novel_deletion_of_coding_exons(annotate, row):
    s = sample(_annotate(annotate, [f"{row} GT 1/1"]), "S")
    (variant,) = s["variants"]
    assert variant["classification"] == "novel_predicted_lof"
    assert variant["dira_id"] is None
    assert s["dira_genotype"] == "indeterminate"  # it removes catalog sites: never 'none'
    assert any("novel predicted loss-of-function" in r for r in s["review_reasons"])
    counted = sample(_annotate(annotate, [f"{row} GT 1/1"], "--count-novel-lof"), "S")
    assert counted["dira_genotype"] == "biallelic"


@pytest.mark.parametrize(
    ("e77x", "expected", "zygosity"),
    [
        ("1/1", "biallelic", "hemizygous"),  # the only E77X copy, opposite the deletion
        # E77X cannot sit on the haplotype the deletion removes: in trans, whatever GT says
        ("0/1", "biallelic", "het"),
    ],
)
def test_heterozygous_deletion_with_e77x_on_the_other_allele(annotate, e77x, expected, zygosity):
    rows = [f"{FOUNDER} GT 0/1", f"113131068 G T PASS GT {e77x}"]
    s = sample(_annotate(annotate, rows), "S")
    assert s["dira_genotype"] == expected
    (e77x_row,) = [v for v in s["variants"] if v["dira_id"] == "DIRA01"]
    assert e77x_row["zygosity"] == zygosity


@pytest.mark.parametrize(
    ("deletion", "e77x", "expected"),
    [
        ("0|1", "0|1", "indeterminate"),  # phased on the haplotype that lacks E77X's base
        ("0|1", "1|0", "biallelic"),  # phased on the other haplotype: in trans
        ("0|1:100", "0|1:200", "biallelic"),  # different phase sets: the deletion decides
    ],
)
def test_e77x_phased_onto_the_haplotype_its_deletion_removes(annotate, deletion, e77x, expected):
    ps = ":100" if ":" not in deletion else ""
    rows = [f"{FOUNDER} GT:PS {deletion}{ps}", f"113131068 G T PASS GT:PS {e77x}{ps}"]
    s = sample(_annotate(annotate, rows), "S")
    assert s["dira_genotype"] == expected
    conflict = [r for r in s["review_reasons"] if r.startswith("phase contradicts a deletion")]
    if expected == "indeterminate":
        assert s["needs_review"]
        (reason,) = conflict
        assert "DIRA04 (record 2:112960000 (0|1))" in reason
        assert "DIRA01 (record 2:113131068 (0|1))" in reason and "(PS 100)" in reason
        assert "monoallelic (in cis) or biallelic (in trans)" in " ".join(s["review_reasons"])
        assert not any("in trans" in n for n in s["notes"])
    else:
        assert not conflict and not s["needs_review"]


def test_phase_conflict_does_not_matter_when_every_reading_is_biallelic(annotate):
    rows = [
        f"{FOUNDER} GT:PS 0|1:100",
        "113129619 C T PASS GT:PS 1|0:100",  # Q54X opposite the deletion: in trans
        "113131068 G T PASS GT:PS 0|1:100",  # E77X on the deleted haplotype: a conflict
    ]
    s = sample(_annotate(annotate, rows), "S")
    assert s["dira_genotype"] == "biallelic"
    assert any(r.startswith("phase contradicts a deletion") for r in s["review_reasons"])


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_multi_sample_sv_vcf(annotate, encoding):
    report = _annotate(
        annotate, [f"{FOUNDER} GT 1/1 0/1 0/0 ./."], samples=("hom", "het", "ref", "nocall"),
        encoding=encoding,
    )  # fmt: skip
    calls = {s["sample"]: s["dira_genotype"] for s in report["samples"]}
    assert calls == {
        "hom": "biallelic",
        "het": "monoallelic",
        "ref": "none",
        "nocall": "indeterminate",  # the SV caller could not genotype it: never none
    }


def _write(tmp_path, name, samples, rows, header=SV_HEADER):
    from conftest import write_input

    return write_input(tmp_path, name, vcf_text(samples, rows, header=header), "vcf.gz+tbi")


@pytest.mark.parametrize(
    ("e77x", "expected"),
    [("1/1", "biallelic"), ("0/1", "biallelic"), ("0/0", "monoallelic")],
)
def test_sv_calls_in_a_second_file(tmp_path, run, e77x, expected):
    small = _write(tmp_path, "small", ["A", "B"], [f"113131068 G T PASS GT {e77x} 0/0"])
    sv = _write(tmp_path, "sv", ["B", "A", "C"], [f"{FOUNDER} GT 0/0 0/1 1/1"])
    result = run("annotate", small, "--sv", sv)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert sample(report, "A")["dira_genotype"] == expected
    assert sample(report, "B")["dira_genotype"] == "none"
    assert report["options"]["sv"] == str(sv)


def test_sample_missing_from_the_sv_file_has_no_sv_evidence(tmp_path, run):
    small = _write(tmp_path, "small", ["A", "B"], ["113131068 G T PASS GT 0/1 0/1"])
    sv = _write(tmp_path, "sv", ["A"], [f"{FOUNDER} GT 0/1"])
    report = run("annotate", small, "--sv", sv).json()
    assert sample(report, "A")["dira_genotype"] == "biallelic"
    assert sample(report, "B")["dira_genotype"] == "monoallelic"


def test_sv_file_without_any_of_the_samples_is_refused(tmp_path, run):
    small = _write(tmp_path, "small", ["A"], ["113131068 G T PASS GT 0/1"])
    sv = _write(tmp_path, "sv", ["Z"], [f"{FOUNDER} GT 0/1"])
    result = run("annotate", small, "--sv", sv)
    assert result.exit_code == 2
    assert "none of the VCF's samples" in result.stderr


def test_reference_call_of_an_sv_record_does_not_prove_small_sites(annotate):
    s = sample(_annotate(annotate, [f"{FOUNDER} GT 0/0"]), "S")
    assert s["dira_genotype"] == "none"
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


def test_merged_sv_vcf_with_two_records_of_the_founder_deletion(annotate):
    other = "112961000 N <DEL> PASS INFO=SVTYPE=DEL;END=113141000"
    report = _annotate(
        annotate, [f"{FOUNDER} GT 1/1 0/0", f"{other} GT 0/0 1/1"], samples=("A", "B")
    )
    assert {s["sample"]: s["dira_genotype"] for s in report["samples"]} == {
        "A": "biallelic",
        "B": "biallelic",
    }


def test_same_deletion_in_the_vcf_and_the_sv_file_counts_once(tmp_path, run):
    small = _write(tmp_path, "small", ["A"], [f"{FOUNDER} GT 0/1"])
    sv = _write(tmp_path, "sv", ["A"], [f"{FOUNDER} GT 0/1"])
    report = run("annotate", small, "--sv", sv).json()
    assert sample(report, "A")["dira_genotype"] == "monoallelic"


@pytest.mark.parametrize(
    ("start", "end", "consequence"),
    [
        (112960000, 113140000, "transcript_ablation"),  # the founder deletion's extent
        # coding exon 3 with both its splice sites
        (113130000, 113131500, "exon_loss_variant&splice_acceptor_variant&splice_donor_variant"),
        (113127741, 113128440, "splice_donor_variant"),  # intron 1's donor, no coding base
        (113132771, 113134014, "coding_sequence_variant&stop_lost"),  # the end of exon 4
        (113122000, 113127627, "start_lost&coding_sequence_variant"),  # through c.3
        (112924872, 113105404, "upstream_gene_variant"),  # CTRL11, nsv532471
        (113129700, 113130900, "intron_variant"),
        (113133000, 113133500, "3_prime_UTR_variant"),
        (113134500, 113138000, "downstream_gene_variant"),
    ],
)
def test_large_deletions_get_a_consequence(annotate, start, end, consequence):
    row = f"{start - 1} N <DEL> PASS INFO=SVTYPE=DEL;END={end} GT 0/1"
    (variant,) = sample(annotate(vcf_text(["S"], [row], header=SV_HEADER)), "S")["variants"]
    assert variant["consequence"] == consequence


def test_deletion_of_a_splice_site_alone_is_loss_of_function(annotate):
    row = "113127740 N <DEL> PASS INFO=SVTYPE=DEL;END=113128440 GT 1/1"
    (variant,) = sample(annotate(vcf_text(["S"], [row], header=SV_HEADER)), "S")["variants"]
    assert variant["classification"] == "novel_predicted_lof"
    assert variant["location"] == "deletes NM_173842 splice donor site"


@pytest.mark.parametrize(
    ("start", "end", "consequence", "classification"),
    [
        (113131100, 113131120, "inframe_deletion", "uncertain"),  # 21 bp inside exon 3
        (113131100, 113131121, "frameshift_variant", "novel_predicted_lof"),
        (113132869, 113132871, "coding_sequence_variant&stop_lost", "uncertain"),  # the stop
    ],
)
def test_deletions_inside_a_coding_exon_follow_their_length(
    annotate, start, end, consequence, classification
):
    row = f"{start - 1} N <DEL> PASS INFO=SVTYPE=DEL;END={end} GT 0/1"
    (variant,) = sample(annotate(vcf_text(["S"], [row], header=SV_HEADER)), "S")["variants"]
    assert (variant["consequence"], variant["classification"]) == (consequence, classification)


def _resolved_deletion(start: int, end: int, gt: str) -> str:
    """A Manta/DRAGEN-style precise deletion: full REF sequence (from the synthetic reference of
    tests/reference.py), one padding base as ALT, SVTYPE=DEL and a CIGAR."""
    from reference import synthetic_sequence

    bases = synthetic_sequence()
    ref = "".join(bases[p] for p in range(start, end + 1))
    length = end - start
    info = f"SVTYPE=DEL;END={end};SVLEN=-{length};CIGAR=1M{length}D"
    return f"{start} {ref} {ref[0]} PASS INFO={info} GT {gt}"


CIGAR_HEADER = [*SV_HEADER, '##INFO=<ID=CIGAR,Number=A,Type=String,Description="CIGAR">']
# 199 bp deleted over coding exon 3 (113131045-113131157), E77X's site included.
EXON3_DELETION = (113131000, 113131199)


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "bcf"])
def test_sequence_resolved_deletion_in_the_sv_file_counts(tmp_path, run, encoding):
    from conftest import write_input

    small = _write(tmp_path, "small", ["S"], ["113129619 C T PASS GT 0/1"])  # Q54X het
    row = _resolved_deletion(*EXON3_DELETION, "0/1")
    sv = write_input(tmp_path, "sv", vcf_text(["S"], [row], header=CIGAR_HEADER), encoding)
    s = sample(run("annotate", small, "--sv", sv).json(), "S")
    assert s["dira_genotype"] == "indeterminate"  # never a plain monoallelic
    assert s["needs_review"]
    deletion = next(v for v in s["variants"] if v["pos"] == EXON3_DELETION[0])
    assert deletion["classification"] == "novel_predicted_lof"
    assert deletion["zygosity"] == "het"
    assert any("DIRA01 site" in r for r in s["review_reasons"])
    counted = sample(run("annotate", small, "--sv", sv, "--count-novel-lof").json(), "S")
    assert counted["dira_genotype"] == "biallelic_unphased"


def test_reference_call_of_a_sequence_resolved_sv_proves_no_small_site(tmp_path, run):
    small = _write(tmp_path, "small", ["S"], ["113129619 C T PASS GT 0/1"])
    sv = _write(tmp_path, "sv", ["S"], [_resolved_deletion(*EXON3_DELETION, "0/0")], CIGAR_HEADER)
    s = sample(run("annotate", small, "--sv", sv).json(), "S")
    assert s["dira_genotype"] == "monoallelic"
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]


@pytest.mark.parametrize(
    ("sv_gt", "expected", "reviewed"),
    [
        ("0/1", "monoallelic", False),  # the main VCF's record again: counted once
        ("1/1", "indeterminate", True),  # the same site called otherwise: evidence, kept
    ],
)
def test_small_records_of_the_sv_file_count_unless_exact_duplicates(
    tmp_path, run, sv_gt, expected, reviewed
):
    small = _write(tmp_path, "small", ["S"], ["113129619 C T PASS GT 0/1"])
    sv = _write(tmp_path, "sv", ["S"], [f"113129619 C T PASS GT {sv_gt}"])
    s = sample(run("annotate", small, "--sv", sv).json(), "S")
    assert s["dira_genotype"] == expected
    assert s["needs_review"] is reviewed


def test_sv_file_warnings_reach_the_report_and_its_empty_window_does_not(tmp_path, run):
    """An SV file's own problems (here a <DEL> with END before POS) are report warnings naming
    the file; an SV file with nothing in IL1RN is its usual state, not a warning."""
    small = _write(tmp_path, "small", ["S"], ["113131068 G T PASS GT 0/1"])
    broken = _write(
        tmp_path, "broken", ["S"], ["112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=112950000 GT 0/1"]
    )
    report = run("annotate", small, "--sv", broken).json()
    assert any(w.startswith(f"{broken} (--sv): ") and "END" in w for w in report["warnings"])
    assert sample(report, "S")["dira_genotype"] == "indeterminate"  # extent unknown
    empty = _write(
        tmp_path, "empty", ["S"], ["50000000 N <DEL> PASS INFO=SVTYPE=DEL;END=50001000 GT 0/1"]
    )
    quiet = run("annotate", small, "--sv", empty).json()
    assert quiet["warnings"] == []
    assert sample(quiet, "S")["dira_genotype"] == "monoallelic"


@pytest.mark.parametrize(
    ("sv_row", "expected"),
    [
        # Two files' phase sets are unrelated, whatever their numbers: phase unknown.
        ("113131068 G T PASS GT:PS 1|0:5", "biallelic_unphased"),
        # ...and the deletion's own phase says nothing of Q54X's: trans by the deletion alone.
        ("112960000 N <DEL> PASS INFO=SVTYPE=DEL;END=113140000 GT:PS 0|1:5", "biallelic"),
    ],
)
def test_phase_sets_of_the_vcf_and_the_sv_file_are_not_compared(tmp_path, run, sv_row, expected):
    small = _write(tmp_path, "small", ["S"], ["113129619 C T PASS GT:PS 0|1:5"])
    sv = _write(tmp_path, "sv", ["S"], [sv_row])
    s = sample(run("annotate", small, "--sv", sv).json(), "S")
    assert s["dira_genotype"] == expected
    assert not any(r.startswith("phase contradicts") for r in s["review_reasons"])


def test_one_allele_phased_in_both_files_is_not_two_copies(tmp_path, run):
    small = _write(tmp_path, "small", ["S"], ["113131068 G T PASS GT:PS 0|1:5"])
    sv = _write(tmp_path, "sv", ["S"], ["113131068 G T PASS GT:PS 1|0:5"])
    s = sample(run("annotate", small, "--sv", sv).json(), "S")
    assert s["dira_genotype"] == "indeterminate"  # one copy, or two: not proven biallelic
    assert "DIRA01 is called in 2 records: copies are uncertain" in s["review_reasons"]


def _lookback_edges() -> list[tuple[int, bool]]:
    from il1rn_annot.genome import il1rn_window
    from il1rn_annot.stream import LOOKBACK

    window = il1rn_window("GRCh38")
    return [
        (window.start - LOOKBACK - 1, False),
        (window.start - LOOKBACK, True),
        (window.end + LOOKBACK, True),
        (window.end + LOOKBACK + 1, False),
    ]


@pytest.mark.parametrize(("bnd_pos", "seen"), _lookback_edges())
@pytest.mark.parametrize(
    ("encoding", "args"),
    [
        ("vcf.gz+tbi", ()),
        ("bcf+csi", ()),
        ("vcf", ()),
        ("vcf.gz", ()),
        ("bcf", ()),
        ("vcf.gz", ("--assume-sorted",)),
    ],
)
def test_a_lone_breakend_is_looked_for_as_far_however_the_file_is_read(
    annotate, bnd_pos, seen, encoding, args
):
    """A single breakend whose mate lies in IL1RN intron 2 counts up to LOOKBACK from the
    window, through an index, a stream or a bisection alike: the stream reads further (both
    builds' windows, the founder-deletion context) but keeps no more."""
    rows = [f"{bnd_pos} N N]2:113130000] PASS INFO=SVTYPE=BND GT 0/1"]
    report = _annotate(annotate, rows, *args, encoding=encoding)
    s = sample(report, "S")
    assert len(report["records"]) == (1 if seen else 0)
    assert s["dira_genotype"] == ("indeterminate" if seen else "none")
    assert any("rearrangement" in r for r in s["review_reasons"]) == seen
