"""A short human-readable table per sample, for the terminal (``--format summary``)."""

from __future__ import annotations

from il1rn_annot.model import (
    BIALLELIC,
    BIALLELIC_UNPHASED,
    INDETERMINATE,
    MONOALLELIC,
    NONE,
    NOVEL_LOF,
    AnnotatedAllele,
    Report,
    SampleReport,
)


def allele_name(a: AnnotatedAllele) -> str:
    """A catalog allele by id and name, with its other legacy names: DIRA01 E77X (...)."""
    names = [n for n in a.dira_legacy_names if n != a.dira_name]
    known = f" ({', '.join(names)})" if names else ""
    return f"{a.dira_id} {a.dira_name}{known}"


def _alleles(sample: SampleReport) -> str:
    parts = []
    for v in sample.variants:
        a = v.annotated
        if a.dira_id:
            parts.append(f"{allele_name(a)} {v.zygosity} ({v.call.gt_text})")
        elif a.classification == NOVEL_LOF:
            name = " ".join(x for x in (a.hgvs_c.partition(":")[2], a.hgvs_p) if x)
            what = f"{name} ({a.location})" if name else a.location
            parts.append(f"novel loss of function: {what} {v.zygosity} ({v.call.gt_text})")
    return "; ".join(parts) or "-"


#: The five dira_genotype codes in plain words (design.md), printed beside the code.
WORDS = {
    BIALLELIC: "two pathogenic copies (homozygous or compound heterozygous)",
    BIALLELIC_UNPHASED: "compound heterozygous if in trans (phase unknown)",
    MONOALLELIC: "carrier (one pathogenic copy)",
    NONE: "no catalogued pathogenic allele found",
    INDETERMINATE: "not assessable",
}

#: What to do next, for the calls that are not an answer yet.
NEXT = {
    INDETERMINATE: "not a negative result; resolve the review lines first (re-call or "
    "sequence the sites they name, test copy number where they name a deletion)",
    BIALLELIC_UNPHASED: "phase the two alleles (parents with --ped, or read-backed phasing): "
    "in trans is biallelic, in cis a carrier",
}


#: When the phase sources were used and disagree, phasing again with them is no advice.
PHASE_CONFLICT_NEXT = (
    "the child's own phase and inheritance disagree: check for a sample swap or a wrong PED "
    "first, then phase the alleles from long reads or by testing the parents independently"
)


def next_step(sample: SampleReport) -> str:
    if sample.dira_genotype == BIALLELIC_UNPHASED and any(
        r.startswith("phase conflict") for r in sample.review_reasons
    ):
        return PHASE_CONFLICT_NEXT
    return NEXT.get(sample.dira_genotype, "")


def _call(sample: SampleReport) -> str:
    """The code, with REVIEW where a person must look before the call is used."""
    return f"{sample.dira_genotype}, REVIEW" if sample.needs_review else sample.dira_genotype


def plain_words(sample: SampleReport) -> str:
    """Plain words, and whether the input proves the catalog sites reference."""
    words = WORDS.get(sample.dira_genotype, sample.dira_genotype)
    if not sample.coverage.proven_reference:
        if sample.dira_genotype == NONE:
            words += "; sites not proven reference"
        elif sample.dira_genotype == MONOALLELIC:
            words += "; other sites not proven reference"
    return words


def _uncertain(sample: SampleReport) -> str:
    """Variants of uncertain significance outside the catalog rows: listed, never counted."""
    parts = []
    for v in sample.variants:
        a = v.annotated
        if a.classification != "uncertain" or a.dira_id:
            continue
        names = (a.non_dira_id, a.hgvs_c.partition(":")[2], a.hgvs_p)
        name = " ".join(x for x in names if x)
        place = a.location or a.consequence
        what = f"{name} ({place})" if name and place else name or place
        parts.append(f"uncertain: {what} {v.zygosity} ({v.call.gt_text})")
    return "; ".join(parts)


def _alleles_column(sample: SampleReport) -> str:
    listed = [x for x in (_alleles(sample), _uncertain(sample)) if x and x != "-"]
    return "; ".join(listed) or "-"


def _where(annotated: AnnotatedAllele) -> str:
    a = annotated.alt.allele
    return f"{annotated.alt.record.chrom}:{a.pos} {a.ref}>{a.alt}"


def _catalogued(report: Report) -> str:
    """The catalog alleles among the file's records, whoever carries them."""
    parts = []
    for a in report.records:
        if a.dira_id:
            parts.append(f"{allele_name(a)} {a.classification} at {_where(a)}")
    return "; ".join(dict.fromkeys(parts)) or "none"


def _record_lines(report: Report) -> list[str]:
    """A file without samples: what each of its records is."""
    lines = []
    for n, a in enumerate(report.records):
        name = " ".join(x for x in (a.hgvs_c, a.hgvs_p) if x)
        what = ", ".join(
            x
            for x in (
                f"{a.dira_id} {a.dira_name}" if a.dira_id else "",
                a.classification,
                a.non_dira_id,
                a.consequence,
                a.location,
                name,
            )
            if x
        )
        lines.append(f"record {n}: {_where(a)} (FILTER {a.alt.record.filter_text}): {what}")
    return lines or ["(no records in the window)"]


def render_summary(report: Report) -> str:
    info = report.input
    lines = [
        f"# {info.path}: {info.build} ({info.build_source}), window {info.window}, "
        f"read by {info.access}; catalog {report.tool.catalog_version}",
    ]
    if report.tool.catalog_overlay:
        lines.append(
            f"# lab catalog overlay: {report.tool.catalog_overlay} "
            f"(sha256 {report.tool.catalog_overlay_sha256})"
        )
    if report.clinvar is not None:
        lines.append(f"# ClinVar: {report.clinvar.path} ({report.clinvar.file_date})")
    lines.extend(f"# warning: {w}" for w in report.warnings)
    lines.append(f"# catalogued alleles in the file: {_catalogued(report)}")
    rows = [("sample", "call", "in plain words", "alleles")]
    rows.extend((s.sample, _call(s), plain_words(s), _alleles_column(s)) for s in report.samples)
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    for n, row in enumerate(rows):
        cells = [cell.ljust(w) for cell, w in zip(row[:3], width, strict=True)] + [row[3]]
        lines.append("  ".join(cells))
        if not n:
            continue
        sample = report.samples[n - 1]
        if sample.needs_review:
            lines.extend(f"{'':{width[0]}}  review: {r}" for r in sample.review_reasons)
        lines.extend(f"{'':{width[0]}}  note: {x}" for x in sample.notes)
        step = next_step(sample)
        if step:
            lines.append(f"{'':{width[0]}}  next: {step}")
    if not report.samples:
        lines.append("(the file has no samples)")
        lines.extend(_record_lines(report))
    return "\n".join(lines) + "\n"
