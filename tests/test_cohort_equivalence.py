"""A cohort is called as its samples would be one by one: the cohort path (calls shared across
samples, pattern evidence counted with arrays for all samples at once) against each sample
read alone (``--samples``: the per-sample path), over seeded random cohorts with every kind
of call the rules look at."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
from conftest import vcf_text, write_input

from il1rn_annot import genotype
from il1rn_annot.catalog import load_catalog
from il1rn_annot.deletions import _ARRAYS_FROM
from il1rn_annot.model import Options
from il1rn_annot.pipeline import annotate
from il1rn_annot.report.json import render_json, report_dict, sample_dict
from il1rn_annot.report.rows import record_indexes
from il1rn_annot.report.tsv import tsv_lines

N_SAMPLES = _ARRAYS_FROM + 8  # the cohort takes the array path; one sample does not
FORMAT = "GT:DP:GQ:FT:PS"
#: (position, REF, ALT): catalog alleles, a multi-allelic record, deletions over catalog sites.
WINDOW = (
    (113129598, "AC", "A"),  # DIRA05
    (113129613, "AAC", "A"),  # DIRA03
    (113129619, "C", "T,A"),  # Q54X and another ALT
    (113130500, "G", "A"),
    (113131060, None, "del"),  # a deletion over E77X
    (113131068, "G", "T"),  # E77X
    (113131068, "G", "A"),  # another allele at the site, its own record
    (113133000, "T", "C"),
)
#: Inside the founder-deletion interval (112973203-113134016) and in its flanks.
CONTEXT_INSIDE = [113000000 + k * 9000 for k in range(12)]
CONTEXT_FLANK = [112960000, 112965000, 113150000, 113152000]


def _ref(known: dict[int, str], pos: int, length: int = 1) -> str:
    return "".join(known.get(pos + i, "ACGT"[(pos + i) % 4]) for i in range(length))


def _call(rng: random.Random, n_alts: int, haplotypes: str) -> str:
    """One sample column: any GT shape, DP/GQ at and around the thresholds, FT, PS."""
    alts = [str(a) for a in range(1, n_alts + 1)]
    kind = rng.random()
    if haplotypes == "clean" and kind < 0.93:
        return rng.choice(["0/0:30:60:PASS:.", "0/0:30:60:.:.", "0/1:30:60:PASS:."])
    if haplotypes == "hom" and kind < 0.8:
        gt = f"{alts[0]}/{alts[0]}"
    elif kind < 0.45:
        gt = rng.choice(["0/0", "0|0"])
    else:
        gt = rng.choice(
            [
                "0/1",
                "1/1",
                "./.",
                "./1",
                "1/.",
                "0|1",
                "1|0",
                "1",
                "0",
                ".",
                "1|1",
                f"0/{alts[-1]}",
                f"1/{alts[-1]}",
                f"{alts[-1]}|0",
            ]
        )
    dp = rng.choice(["9", "10", "11", "30", "."])
    gq = rng.choice(["19", "20", "21", "60", "."])
    ft = rng.choice(["PASS", "PASS", "LowGQ", "."])
    ps = rng.choice(["100", "200", "."]) if "|" in gt else "."
    return ":".join((gt, dp, gq, ft, ps))


def _cohort_text(seed: int, names: list[str] | None = None) -> str:
    rng = random.Random(seed)
    known = dict(load_catalog().known_bases("GRCh38"))
    # Some samples look hemizygous across the founder interval: homozygous everywhere there.
    shapes = [rng.choice(["clean", "clean", "mixed", "hom"]) for _ in range(N_SAMPLES)]
    sites: list[tuple[int, str, str]] = []
    for p in CONTEXT_INSIDE + CONTEXT_FLANK:
        sites.append((p, _ref(known, p), "A" if _ref(known, p) != "A" else "G"))
    for p, ref, alt in WINDOW:
        if alt == "del":
            ref = _ref(known, p, 12)
            alt = ref[0]
        sites.append((p, ref or _ref(known, p), alt))
    rows = []
    for p, ref, alt in sorted(sites, key=lambda s: s[0]):
        n_alts = alt.count(",") + 1
        filt = rng.choice(["PASS", "PASS", "PASS", "LowQual"])
        cells = " ".join(_call(rng, n_alts, shape) for shape in shapes)
        rows.append(f"{p} {ref} {alt} {filt} {FORMAT} {cells}")
    names = names or [f"S{i}" for i in range(N_SAMPLES)]
    return vcf_text(names, rows, chrom="chr2")


@pytest.mark.parametrize("seed", range(6))
def test_cohort_calls_equal_one_sample_calls(tmp_path, seed):
    path = str(write_input(tmp_path, "cohort", _cohort_text(seed)))
    cohort = annotate(path, Options())
    assert len(cohort.samples) == N_SAMPLES
    indexes = record_indexes(cohort)
    assert len({s.dira_genotype for s in cohort.samples}) >= 2
    for n, whole in enumerate(cohort.samples):
        alone = annotate(path, Options(samples=(whole.sample,)))
        assert [a.alt.allele for a in alone.records] == [a.alt.allele for a in cohort.records]
        (one,) = alone.samples
        assert sample_dict(one, record_indexes(alone)) == sample_dict(whole, indexes), n
        rows = tsv_lines(cohort).splitlines()
        mine = [r for r in rows if r.split("\t")[1] == whole.sample]
        assert tsv_lines(alone).splitlines() == mine


def test_the_cohorts_exercise_pattern_evidence(tmp_path):
    """The generator makes hemizygous-looking stretches, so the array path is compared where it
    says something."""
    found, calls = [], set()
    for seed in range(6):
        path = str(write_input(tmp_path, f"c{seed}", _cohort_text(seed)))
        samples = annotate(path, Options()).samples
        found += [s.coverage.deletion_pattern for s in samples]
        calls |= {s.dira_genotype for s in samples}
    assert any("hemizygous stretch" in p for p in found)
    assert calls >= {"none", "monoallelic", "biallelic", "indeterminate"}


def test_streamed_json_is_json_dumps_byte_for_byte(tmp_path):
    """The JSON writer writes each allele's lines once per report and a sample at a time: the
    text is still exactly ``json.dumps(indent=2)``, escapes included."""
    names = [f'S{i} "Ünal" \\ é' if i % 2 else f"S{i}" for i in range(N_SAMPLES)]
    path = str(write_input(tmp_path, "cohort", _cohort_text(1, names)))
    report = annotate(path, Options())
    assert any(s.variants for s in report.samples) and any(not s.variants for s in report.samples)
    assert render_json(report) == json.dumps(report_dict(report), indent=2) + "\n"


def _reports_with_grouping(monkeypatch, path: str, group_from: int, **options) -> tuple:
    monkeypatch.setattr(genotype, "GROUP_FROM", group_from)
    made = []
    real = genotype.call_sample

    def counted(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(genotype, "call_sample", counted)
    report = annotate(path, Options(**options))
    return tsv_lines(report), render_json(report), len(made)


def _twins(text: str) -> str:
    """``text`` with a twin of every sample: the same calls, and DP/GQ of 20 or more one higher
    (both still pass the thresholds), so that twins share the evidence but not the rows."""
    out = []
    for line in text.splitlines():
        if line.startswith("##"):
            out.append(line)
            continue
        fields = line.split("\t")
        if line.startswith("#"):
            out.append("\t".join([*fields, *(f"{n}_twin" for n in fields[9:])]))
            continue
        keys = fields[8].split(":")
        twins = []
        for cell in fields[9:]:
            values = cell.split(":")
            for i, key in enumerate(keys[: len(values)]):
                if key in ("DP", "GQ") and values[i].isdigit() and int(values[i]) >= 20:
                    values[i] = str(int(values[i]) + 1)
            twins.append(":".join(values))
        out.append("\t".join([*fields, *twins]))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("odd", [False, True])
def test_samples_with_the_same_evidence_are_called_once(tmp_path, monkeypatch, seed, odd):
    """``genotype._grouped`` calls one sample per distinct evidence and gives the others its
    call, reasons and coverage: the reports are those of calling every sample on its own, over
    cohorts with every call shape the rules read (DP/GQ at the thresholds, FT, PS, MIN_DP, CN,
    <DEL>, ALT equal to REF, multi-allelic; ``odd``: ploidy 3, a gVCF block, GT not first)."""
    from test_cohort_columns import cohort_text

    texts = [_cohort_text(seed), cohort_text(seed, n_samples=30, odd=odd)]
    for n, text in enumerate(texts):
        path = str(write_input(tmp_path, f"cohort{n}", _twins(text)))
        *alone, calls_alone = _reports_with_grouping(monkeypatch, path, 10**9)
        *grouped, calls_grouped = _reports_with_grouping(monkeypatch, path, 2)
        assert grouped == alone
        assert "_twin" in grouped[0]
        assert calls_alone == 2 * (N_SAMPLES, 30)[n]
        # Twins share their evidence; a gVCF (the block of ``odd``) is called sample by sample.
        assert calls_grouped == (calls_alone if odd and n else calls_alone // 2)


def test_writers_give_the_plain_rows_and_json_dumps(tmp_path):
    """The writers' shortcuts (rows joined per sample, an allele's and a call's cells written
    once, the keys after a sample's name written once for samples that share them) give
    ``json.dumps(indent=2)`` and the rows of ``sample_rows``, cell for cell."""
    from il1rn_annot.report.tsv import _KEPT, _line, sample_rows

    names = [f'S{i} "Ünal" =1' if i % 3 else f"S{i}" for i in range(N_SAMPLES)]
    path = str(write_input(tmp_path, "cohort", _twins(_cohort_text(2, names))))
    report = annotate(path, Options())
    bodies = {json.dumps(dataclasses.asdict(s.coverage)) for s in report.samples}
    assert len(bodies) < len(report.samples) // 2  # samples share their coverage
    assert render_json(report) == json.dumps(report_dict(report), indent=2) + "\n"
    assert tsv_lines(report) == "".join(_line(row, _KEPT) for row in sample_rows(report))
