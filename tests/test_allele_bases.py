"""Issue 12: alleles that are not bases. VCF allows REF of A, C, G, T, N (any case) and ALT of
those, '*', '.', symbolic alleles and breakends; htslib reads any text. A REF X or an ALT Q (or
an IUPAC code such as R, which some references carry) names no change anyone can check: the
calls carrying it are read as missing, no HGVS name is built from it, and a sample carrying it
is never `none` or `monoallelic` with nothing to review. Lower-case bases are bases."""

from __future__ import annotations

import pytest
from conftest import calls, sample, vcf_text

NON_REF = '##ALT=<ID=NON_REF,Description="Any other allele">'


def _record(report: dict, pos: int, alt: str) -> dict:
    return next(r for r in report["records"] if r["pos"] == pos and r["alt"] == alt)


@pytest.mark.parametrize("encoding", ["vcf", "vcf.gz+tbi", "bcf"])
def test_an_alt_that_is_not_bases_is_named_nowhere_and_its_carrier_is_reviewed(annotate, encoding):
    """c.231 (Glu77's wobble base) G>Q: the name c.231G>Q was printed, and the carrier was
    `none` with nothing to review."""
    text = vcf_text(["CARRIER", "REF"], ["113131070 G Q PASS GT 0/1 0/0"])
    report = annotate(text, encoding=encoding)
    record = _record(report, 113131070, "Q")
    assert (record["hgvs_c"], record["hgvs_p"]) == (None, None)
    assert record["consequence"] == "sequence_variant"
    assert record["location"] == "exon 3"
    carrier = sample(report, "CARRIER")
    assert carrier["dira_genotype"] == "none"
    assert carrier["needs_review"] is True
    [reason] = carrier["review_reasons"]
    assert reason.startswith("record 2:113131070 (0/1): ALT Q: 'Q' is not a base")
    assert carrier["variants"][0]["genotype"] == "0/1 (ALT Q: not a base)"
    assert sample(report, "REF")["needs_review"] is False
    [warning] = report["warnings"]
    assert warning.startswith("2:113131070: ALT Q: 'Q' is not a base (A, C, G, T or N)")


def test_a_carrier_of_a_catalog_allele_and_an_unnamed_one_is_not_left_a_carrier(annotate):
    """E77X and, on another record of the coding sequence, an ALT that is not bases: the second
    allele may be pathogenic, so `monoallelic` comes with a reason naming it."""
    rows = ["113129607 T TQ PASS GT 0/1", "113131068 G T PASS GT 0/1"]
    s = sample(annotate(vcf_text(["S"], rows)), "S")
    assert s["dira_genotype"] == "monoallelic"
    assert s["needs_review"] is True
    assert any("113129607 (0/1): ALT TQ: 'Q' is not a base" in r for r in s["review_reasons"])


@pytest.mark.parametrize("gt", ["1/2", "2/2", "0/2"])
def test_a_multiallelic_record_keeps_its_base_alt(annotate, gt):
    """G>A,Q: the A is named as before; a call carrying the Q is read as missing and reviewed."""
    report = annotate(vcf_text(["S"], [f"113131070 G A,Q PASS GT {gt}"]))
    assert _record(report, 113131070, "A")["hgvs_c"] == "NM_173842.3:c.231G>A"
    assert _record(report, 113131070, "Q")["hgvs_c"] is None
    s = sample(report, "S")
    assert s["needs_review"] is True
    assert any(f"({gt}): ALT Q: 'Q' is not a base" in r for r in s["review_reasons"])


def test_a_call_without_the_unnamed_alt_is_read_as_before(annotate):
    """G>A,Q called 0/1: the A; nothing is set aside."""
    report = annotate(vcf_text(["S"], ["113131070 G A,Q PASS GT 0/1"]))
    s = sample(report, "S")
    assert (s["dira_genotype"], s["needs_review"]) == ("none", False)
    assert s["variants"][0]["genotype"] == "0/1"


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("X", "REF X: 'X' is not a base (A, C, G, T or N)"),
        ("R", "REF R: 'R' is not a base (A, C, G, T or N): an IUPAC ambiguity code"),
        ("x", "REF x: 'x' is not a base"),
    ],
)
def test_a_ref_that_is_not_bases_proves_nothing(annotate, ref, words):
    """REF X at a coding base off the catalog sites: the record says neither what changed nor
    whether anything did. Its carrier is reviewed (it was `none` with nothing to review, and
    named c.231X>T); a reference call on it is missing, which off the sites changes no call."""
    text = vcf_text(["CARRIER", "REF"], [f"113131070 {ref} T PASS GT 0/1 0/0"])
    report = annotate(text)
    assert _record(report, 113131070, "T")["hgvs_c"] is None
    carrier = sample(report, "CARRIER")
    assert carrier["dira_genotype"] == "none"
    assert carrier["needs_review"] is True
    assert any(words in r for r in carrier["review_reasons"])
    assert sample(report, "REF")["variants"][0]["genotype"] == f"0/0 (REF {ref}: not a base)"
    assert sample(report, "REF")["needs_review"] is False
    assert any(w.startswith(f"2:113131070: {words}") for w in report["warnings"])


@pytest.mark.parametrize("gt", ["0/1", "1/1", "0/0"])
def test_a_ref_that_is_not_bases_at_a_catalog_site_leaves_it_open(annotate, gt):
    """The lead's record: 113131068 X T at E77X. Every call on it is a no-call at the site."""
    report = annotate(vcf_text(["S"], [f"113131068 X T PASS GT {gt}"]))
    s = sample(report, "S")
    assert s["dira_genotype"] == "indeterminate"
    assert "DIRA01" in s["coverage"]["sites_not_assessed"]
    assert any("REF X: not a base" in r for r in s["review_reasons"])
    assert _record(report, 113131068, "T")["hgvs_c"] is None


@pytest.mark.parametrize(("ref", "assessed"), [("G", True), ("X", False), ("R", False)])
def test_a_reference_block_whose_ref_is_not_a_base_proves_no_site(annotate, ref, assessed):
    """A gVCF block from 113131000 over E77X's base: with REF X it is a damaged record, and its
    0/0 proved the site reference (`none`)."""
    row = f"113131000 {ref} <NON_REF> PASS INFO=END=113131200 GT:DP:GQ 0/0:30:50"
    report = annotate(vcf_text(["S"], [row], header=[NON_REF]))
    coverage = sample(report, "S")["coverage"]
    assert ("DIRA01" in coverage["sites_called"]) is assessed
    assert ("DIRA01" in coverage["sites_not_assessed"]) is not assessed


@pytest.mark.parametrize("alt", ["*", "<DEL>", "A[2:113131500[", "A."])
def test_alleles_that_are_not_bases_but_are_vcf_are_read_as_before(annotate, alt):
    """A spanning deletion, a symbolic allele, breakends: no warning of bases."""
    header = [NON_REF, '##ALT=<ID=DEL,Description="Deletion">']
    report = annotate(vcf_text(["S"], [f"113131070 A {alt} PASS GT 0/0"], header=header))
    assert not any("is not a base" in w for w in report["warnings"])
    assert sample(report, "S")["needs_review"] is False


UPPER_AND_LOWER = [
    ("113131068 G T PASS GT 1/1", "113131068 g t PASS GT 1/1"),  # E77X
    ("113131068 G T PASS GT 0/1", "113131068 g T PASS GT 0/1"),
    ("113131067 AG AT PASS GT 1/1", "113131067 aG at PASS GT 1/1"),  # E77X padded
    ("113131064 CATAGATGTGGTACCC C PASS GT 1/1", "113131064 catagatgtggtaccc c PASS GT 1/1"),
    ("113131068 G G PASS GT 0/1", "113131068 g G PASS GT 0/1"),  # ALT equals REF
    ("113131068 G A PASS GT 0/0", "113131068 g a PASS GT 0/0"),
    ("113131070 G A PASS GT 0/1", "113131070 g a PASS GT 0/1"),
]


@pytest.mark.parametrize(("upper", "lower"), UPPER_AND_LOWER)
def test_lower_case_bases_are_bases(annotate, upper, lower):
    """VCF allows lower-case bases: the same call, reasons, coverage and names as upper case."""
    a, b = (annotate(vcf_text(["S"], [row])) for row in (upper, lower))
    assert a["samples"][0]["dira_genotype"] == b["samples"][0]["dira_genotype"]

    def without_text(entry: dict) -> dict:  # the GT text names the REF as written
        return {k: v for k, v in entry.items() if k not in ("review_reasons", "variants")}

    assert without_text(a["samples"][0]) == without_text(b["samples"][0])
    assert len(a["samples"][0]["review_reasons"]) == len(b["samples"][0]["review_reasons"])
    keys = ("pos", "ref", "alt", "consequence", "hgvs_c", "hgvs_p", "dira_id", "match")
    assert [[r[k] for k in keys] for r in a["records"]] == [
        [r[k] for k in keys] for r in b["records"]
    ]
    assert not any("is not a base" in w for w in b["warnings"])
    assert calls(a) == calls(b)


# -- a catalog row (a lab's overlay) whose ALT leaves a changed base open ----------------------


def test_a_row_that_leaves_a_changed_base_open_is_refused(tmp_path, run, annotate):
    """A lab row G>N at c.231 (any base): the N was compared as a letter, so a sample 1/1 for
    G>T, which the row means, was `none` with nothing to review. The row is refused, naming
    it; an insertion of an open base (C>CN) and the bundled padding N (DIRA06) load as before."""
    from test_mutation_kills_matching import LAB_INSERTION
    from test_overlay import overlay

    from il1rn_annot.genome import GRCH37_OFFSET

    at = {"grch38_pos": "113131070", "grch38_end": "113131070", "variant_type": "snv"}
    at |= {
        "grch37_pos": str(113131070 + GRCH37_OFFSET),
        "grch37_end": str(113131070 + GRCH37_OFFSET),
    }
    row = {**LAB_INSERTION, **at, "grch38_ref": "G", "grch37_ref": "G"}
    lab = overlay(tmp_path, {**row, "grch38_alt": "N", "grch37_alt": "N"})
    text = vcf_text(["S"], ["113131070 G T PASS GT 1/1"])
    (tmp_path / "in.vcf").write_text(text)
    result = run("annotate", tmp_path / "in.vcf", "--catalog-overlay", lab)
    assert result.exit_code == 3, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"il1rn-annot: error: {lab}: line 3 (LAB-0002): GRCh38 ALT N leaves")
    assert "replaces G at 113131070" in line
    assert result.stdout == ""
    given = overlay(tmp_path, {**row, "grch38_alt": "T", "grch37_alt": "T"}, name="given.tsv")
    assert calls(annotate(text, "--catalog-overlay", given)) == {"S": "biallelic"}


# -- an allele outside the catalog whose effect may be a loss of function ------------------------

#: Leu50's codon c.148-150 (113129607-113129609), open without --fasta: TTA, TTG or CTN.
#: c.149T>A makes a stop of TTA or TTG (TAA, TAG), a missense of CTN (CAN).
LEU50_MIDDLE = 113129608


@pytest.mark.parametrize("alt", ["A", "N"])
def test_a_possible_stop_outside_the_catalog_is_reviewed(annotate, alt):
    """A homozygous c.149T>A (the codon open without --fasta: a stop or a missense) or T>N was
    `none` with nothing to review, while a novel stop is reviewed. Not counted either way."""
    s = sample(annotate(vcf_text(["S"], [f"{LEU50_MIDDLE} T {alt} PASS GT 1/1"])), "S")
    assert (s["dira_genotype"], s["needs_review"]) == ("none", True)
    [reason] = s["review_reasons"]
    assert reason.startswith(f"possible loss-of-function allele novel 2:{LEU50_MIDDLE} T>{alt}")
    assert "stop_gained" in reason


def test_samples_sharing_a_possible_stop_each_get_their_own_reason(annotate):
    """The allele's note is looked at once per report (``review.with_possible_loss_reasons``);
    each carrier's reason still names its own zygosity, and a sample with the reference call
    gets none."""
    row = f"{LEU50_MIDDLE} T A PASS GT 1/1 0/1 0/0 1/1"
    report = annotate(vcf_text(["HOM", "HET", "REF", "HOM2"], [row]))
    for name, zygosity in (("HOM", "hom_alt"), ("HET", "het"), ("HOM2", "hom_alt")):
        [reason] = sample(report, name)["review_reasons"]
        assert reason.startswith(f"possible loss-of-function allele novel 2:{LEU50_MIDDLE} T>A")
        assert f", {zygosity}): " in reason
    assert sample(report, "REF")["review_reasons"] == []


def test_an_n_that_cannot_make_a_stop_is_listed_only(annotate):
    """Glu77's wobble base (GAN): an N there is Glu or Asp, never a stop."""
    report = annotate(vcf_text(["S"], ["113131070 G N PASS GT 1/1"]))
    record = _record(report, 113131070, "N")
    assert record["hgvs_c"] == "NM_173842.3:c.231G>N"
    assert record["warnings"] == [
        "ALT has N, a base not known: the protein allows missense_variant or synonymous_variant"
    ]
    s = sample(report, "S")
    assert (s["dira_genotype"], s["needs_review"]) == ("none", False)


def test_a_sound_record_beside_an_unnamed_one_at_its_position_still_decides(annotate):
    """Found by the fuzz suite (a relocated htslib file, one REF made X): E77X called 1/1 on its
    own record, and at the same position a record with REF X called 0/0. The X record's calls
    are missing; the sound record decides (`biallelic`), and the report's warning names the X
    record by its REF, so that the fuzz check doubts that record only."""
    from fuzz_inputs import assert_calls_rest_on_sound_records, malformed_records

    rows = ["113131068 G T PASS GT 1/1", "113131068 X T PASS GT 0/0"]
    report = annotate(vcf_text(["S"], rows))
    assert calls(report) == {"S": "biallelic"}
    sound = _record(report, 113131068, "T")
    assert sound["ref"] == "G" and sound["dira_id"] == "DIRA01"
    doubted = malformed_records(report)
    assert [report["records"][i]["ref"] for i in doubted] == ["X"]
    assert_calls_rest_on_sound_records(report)
