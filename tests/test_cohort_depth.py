"""The batch reference and the deletion fit as pure functions, on literal depths: the bundled
example kit's BED (synthetic targets placed from data/), with every sample's depth given
target by target, so each rule is seen on numbers a reader can check."""

from __future__ import annotations

from pathlib import Path

import pytest

from il1rn_annot.catalog import load_catalog
from il1rn_annot.cohort_depth import batch_evidence
from il1rn_annot.targets import load_capture, read_bed

BED = Path(__file__).parent.parent / "examples" / "exome" / "targets.bed"
CAPTURE = load_capture(str(BED), "GRCh38", load_catalog())
NAMES = [t.name for t in CAPTURE.targets]
#: Each target's capture efficiency: the same in every sample of the batch.
EFFICIENCY = [40 + 7 * (i % 5) for i in range(len(NAMES))]


def depths(ratios: dict[str, float] | None = None, size: float = 1.0) -> list[float]:
    """A sample's depth per target: efficiency x library size x the given copy ratio."""
    ratios = ratios or {}
    return [e * size * ratios.get(n, 1.0) for e, n in zip(EFFICIENCY, NAMES, strict=True)]


def inside(*prefixes: str) -> list[str]:
    return [n for n in NAMES if n.startswith(prefixes)]


FOUNDER = inside("SYNTH_FOUNDER", "SYNTH_DIRA11", "IL1RN_ex")
DIRA11 = [*inside("SYNTH_DIRA11"), "IL1RN_ex1"]


def evidence(test: dict[str, float], others: int = 7, **kw):
    batch = {"TEST": ("test.bam", depths(test, **kw))}
    batch |= {f"N{k}": (f"n{k}.bam", depths(size=0.7 + 0.1 * k)) for k in range(others)}
    return batch_evidence(CAPTURE, batch)["TEST"]


def test_the_kit_targets_are_placed_by_the_catalog():
    roles = {t.name: t.role for t in CAPTURE.targets}
    assert roles["IL1RN_ex3"] == "il1rn_exon"
    assert roles["SYNTH_FOUNDER_01"] == "founder_interval"
    assert roles["SYNTH_EDGE_L"] == roles["SYNTH_EDGE_R"] == "founder_edge"
    assert roles["SYNTH_FLANK_R01"] == "flank"
    assert roles["SYNTH_CTRL_001"] == "control"
    ex2 = next(t for t in CAPTURE.targets if t.name == "IL1RN_ex2")
    # DIRA11 (113107434-113129650; the bases surely lost: 113107435-113129649) takes
    # 113129556-113129649 (94 bp) of the target 113129556-113129684 (129 bp)
    assert dict(ex2.deleted_by) == {"DIRA04": 1.0, "DIRA11": round(94 / 129, 3)}
    assert len(read_bed(str(BED))) == len(CAPTURE.targets)


def test_library_size_does_not_matter():
    deep = evidence({}, size=2.5)
    assert deep.targeted.consistent_with == "no_deletion"
    assert deep.copies == 2
    assert deep.targeted.correlation == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("ratios", "fit", "lost"),
    [
        ({n: 0.0 for n in FOUNDER}, "DIRA04", (("DIRA04", 2),)),
        ({n: 0.5 for n in FOUNDER}, "DIRA04", (("DIRA04", 1),)),
        ({**{n: 0.5 for n in DIRA11}, "IL1RN_ex2": 1 - 0.729 / 2}, "DIRA11", (("DIRA11", 1),)),
        (
            {**{n: 0.5 for n in FOUNDER}, **{n: 0.0 for n in DIRA11}, "IL1RN_ex2": 0.5 - 0.729 / 2},
            "DIRA04+DIRA11",
            (("DIRA04", 1), ("DIRA11", 1)),
        ),
        ({"IL1RN_ex3": 0.0, "IL1RN_ex4": 0.0}, "novel", ()),
    ],
    ids=["hom-founder", "het-founder", "het-dira11", "founder-in-trans-with-dira11", "novel"],
)
def test_the_run_of_low_targets_is_fitted(ratios, fit, lost):
    result = evidence(ratios).targeted
    assert result.status == "ok"
    assert (result.consistent_with, result.deleted_copies) == (fit, lost)


def test_a_deletion_without_flanking_targets_is_not_named():
    """The founder's gene content lost, but the kit has nothing beyond it on the right: its
    extent is unknown, so it is reported as novel."""
    kit = [t for t in CAPTURE.targets if not t.name.startswith(("SYNTH_FLANK_R", "SYNTH_EDGE_R"))]
    capture = type(CAPTURE)(CAPTURE.path, CAPTURE.build, tuple(kit), CAPTURE.deletions)
    keep = [i for i, t in enumerate(CAPTURE.targets) if t in kit]
    batch = {
        name: (name, [d[i] for i in keep])
        for name, d in [
            ("TEST", depths({n: 0.0 for n in FOUNDER})),
            *((f"N{k}", depths(size=1 + k / 10)) for k in range(7)),
        ]
    }
    result = batch_evidence(capture, batch)["TEST"].targeted
    assert result.consistent_with == "novel"
    assert "no assessed target flanks it on the right" in result.note


def test_ratios_between_two_states_are_unclear():
    noisy = evidence({n: 0.75 for n in FOUNDER})
    assert (noisy.status, noisy.copies) == ("unclear", None)
    assert noisy.targeted.consistent_with == ""
    assert noisy.targeted.note == "the locus ratios fit no copy-number state"


def test_carriers_in_the_batch_do_not_move_the_reference():
    """Three of eight other samples carry the founder deletion: the median of the others alone
    would put a two-copy sample at ~1.2-2.0 over the locus; left out there, it stays at 1."""
    batch = {"TEST": ("t.bam", depths())}
    batch |= {f"HOM{k}": ("h.bam", depths({n: 0.0 for n in FOUNDER})) for k in range(2)}
    batch |= {"HET": ("h.bam", depths({n: 0.5 for n in FOUNDER}))}
    batch |= {f"N{k}": ("n.bam", depths(size=0.8 + k / 10)) for k in range(5)}
    result = batch_evidence(CAPTURE, batch)
    assert result["TEST"].targeted.consistent_with == "no_deletion"
    assert {r.ratio for r in result["TEST"].targeted.targets if r.ratio is not None} == {1.0}
    assert result["HOM0"].targeted.deleted_copies == (("DIRA04", 2),)
    assert result["HET"].targeted.deleted_copies == (("DIRA04", 1),)


def test_too_few_samples_or_a_sample_off_its_batch():
    small = evidence({}, others=2)
    assert (small.status, small.copies) == ("batch_too_small", None)
    assert "at least 6" in small.note
    scrambled = {n: (0.5 + (i * 37 % 11) / 10) for i, n in enumerate(NAMES)}
    off = evidence(scrambled)
    assert off.status == "too_noisy"
    assert off.targeted.correlation < 0.9
