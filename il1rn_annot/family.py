"""Family evidence (``--ped``): inheritance phases two heterozygous alleles that the reads could
not, and a homozygous child of a reference parent hints at a deletion on that parent's allele."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from il1rn_annot.genotype import Thresholds, quality_flags
from il1rn_annot.model import BIALLELIC, BIALLELIC_UNPHASED, MONOALLELIC, SampleReport


@dataclass(frozen=True)
class Trio:
    """One child of a pedigree with the parents the PED file names (None: not given)."""

    family: str
    child: str
    father: str | None
    mother: str | None


def _carried(report: SampleReport) -> set[str]:
    """Alleles a parent is proven to carry: passing calls only."""
    return {
        v.annotated.key
        for v in report.variants
        if v.annotated.pathogenic and v.copies and v.passed and not v.missing
    }


def _lacks(child: SampleReport, parent_index: int, keys: set[str], thresholds: Thresholds) -> bool:
    """The parent is proven not to carry any of ``keys`` (passing 0/0 where the child has them)."""
    return all(_reference_at(child, parent_index, key, thresholds) for key in keys)


def _reference_at(
    report: SampleReport, parent_index: int, key: str, thresholds: Thresholds
) -> bool:
    """The parent has a passing 0/0 call at a record where the child carries ``key``."""
    for v in report.variants:
        if v.annotated.key == key and v.copies:
            record = v.annotated.alt.record
            call = record.calls[parent_index]
            if call.alleles == (0, 0) and not quality_flags(record, call, thresholds):
                return True
    return False


def apply_family(
    reports: Sequence[SampleReport],
    samples: Sequence[str],
    trios: Sequence[Trio],
    thresholds: Thresholds,
) -> list[SampleReport]:
    """Refine the children's calls with their parents' genotypes from the same VCF."""
    by_name = {r.sample: r for r in reports}
    index = {name: i for i, name in enumerate(samples)}
    out = list(reports)
    for trio in trios:
        child = by_name.get(trio.child)
        if child is None:
            continue
        updated, cis_parents = _refine(child, trio, by_name, index, thresholds)
        out[out.index(child)] = updated
        by_name[trio.child] = updated
        for name in cis_parents:
            # The child shows the parent's two alleles travel together: the parent is a carrier.
            parent = by_name[name]
            if parent.dira_genotype == BIALLELIC_UNPHASED:
                reasons = [
                    *parent.review_reasons,
                    f"the child {trio.child} inherited both alleles from this parent: in cis",
                ]
                fixed = replace(
                    parent, dira_genotype=MONOALLELIC, review_reasons=reasons, needs_review=True
                )
                out[out.index(parent)] = fixed
                by_name[name] = fixed
    return out


def _refine(
    child: SampleReport,
    trio: Trio,
    by_name: dict[str, SampleReport],
    index: dict[str, int],
    thresholds: Thresholds,
) -> tuple[SampleReport, list[str]]:
    parents = {
        role: by_name[name]
        for role, name in (("father", trio.father), ("mother", trio.mother))
        if name in by_name
    }
    notes, reasons = list(child.notes), list(child.review_reasons)
    cis_parents: list[str] = []
    call = child.dira_genotype
    het = sorted(
        {v.annotated.key for v in child.variants if v.annotated.pathogenic and v.copies == 1}
    )
    if call == BIALLELIC_UNPHASED and len(het) == 2 and len(parents) == 2:
        a, b = het
        father, mother = _carried(parents["father"]), _carried(parents["mother"])
        lacks = {
            role: _lacks(child, index[parents[role].sample], {a, b} - carried, thresholds)
            for role, carried in (("father", father), ("mother", mother))
        }
        if (a in father and b in mother) != (a in mother and b in father) and all(lacks.values()):
            call = BIALLELIC
            notes.append(f"{a} and {b} in trans by inheritance (one from each parent)")
        for role, other in (("father", "mother"), ("mother", "father")):
            carrier = parents[role]
            if {a, b} <= _carried(carrier) and _lacks(
                child, index[parents[other].sample], {a, b}, thresholds
            ):
                if carrier.dira_genotype == BIALLELIC:
                    reasons.append(
                        f"the {role} carries {a} and {b} in trans yet passed both to the child: "
                        "Mendelian inconsistency (sample swap, de novo allele or a deletion?)"
                    )
                else:
                    call = MONOALLELIC
                    reasons.append(
                        f"{a} and {b} inherited together from the {role}: in cis, one allele"
                    )
                    cis_parents.append(carrier.sample)
    for v in child.variants:
        key = v.annotated.key
        if not (v.annotated.pathogenic and v.copies == 2):
            continue
        for role, parent in parents.items():
            parent_index = index.get(parent.sample)
            if parent_index is not None and _reference_at(child, parent_index, key, thresholds):
                reasons.append(
                    f"homozygous {key} but the {role} ({parent.sample}) calls it reference: "
                    f"possible deletion on the {role}'s allele (or a genotyping error)"
                )
    reasons = list(dict.fromkeys(reasons))
    refined = replace(
        child, dira_genotype=call, notes=notes, review_reasons=reasons, needs_review=bool(reasons)
    )
    return refined, cis_parents
