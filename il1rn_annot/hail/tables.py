"""A ``Report`` as Hail Tables: the calls keyed by sample, the annotations keyed by row.

Both are built from the report's model objects, so a Table says what the JSON and TSV say.
"""

from __future__ import annotations

from il1rn_annot.hail.collect import HAIL_CHR2, hl_module
from il1rn_annot.model import AnnotatedAllele, Report

_ALLELE = {
    "dira_id": "str",
    "dira_name": "str",
    "classification": "str",
    "match": "str",
    "consequence": "str",
    "hgvs_c": "str",
    "hgvs_p": "str",
    "location": "str",
}
_VARIANT = {
    "chrom": "str",
    "pos": "int32",
    "ref": "str",
    "alt": "str",
    "genotype": "str",
    "zygosity": "str",
    "filter": "str",
    "depth": "int32",
    "gq": "int32",
    **_ALLELE,
}


def _allele(a: AnnotatedAllele) -> dict:
    return {key: getattr(a, key) or "" for key in _ALLELE}


def calls_table(report: Report):
    """One row per sample: the JSON sample entry's call and its alleles."""
    hl = hl_module()
    variant = hl.tstruct(**{k: hl.dtype(v) for k, v in _VARIANT.items()})
    schema = hl.tstruct(
        s=hl.tstr,
        dira_genotype=hl.tstr,
        needs_review=hl.tbool,
        review_reasons=hl.tarray(hl.tstr),
        coverage_proven_reference=hl.tbool,
        sites_not_assessed=hl.tarray(hl.tstr),
        variants=hl.tarray(variant),
    )
    rows = []
    for s in report.samples:
        variants = []
        for v in s.variants:
            a = v.annotated
            variants.append(
                {
                    "chrom": a.alt.record.chrom,
                    "pos": a.alt.allele.pos,
                    "ref": a.alt.allele.ref,
                    "alt": a.alt.allele.alt,
                    "genotype": v.call.gt_text,
                    "zygosity": v.zygosity,
                    "filter": a.alt.record.filter_text,
                    "depth": v.call.depth,
                    "gq": v.call.gq,
                    **_allele(a),
                }
            )
        rows.append(
            {
                "s": s.sample,
                "dira_genotype": s.dira_genotype,
                "needs_review": s.needs_review,
                "review_reasons": list(s.review_reasons),
                "coverage_proven_reference": s.coverage.proven_reference,
                "sites_not_assessed": list(s.coverage.sites_not_assessed),
                "variants": variants,
            }
        )
    return hl.Table.parallelize(rows, schema, key="s", n_partitions=1)


def rows_table(report: Report, genome: str):
    """One row per window record, keyed like the MatrixTable (locus, alleles): per ALT, the
    catalog match, consequence and HGVS (missing for an ALT the records leave out)."""
    hl = hl_module()
    allele = hl.tstruct(**{k: hl.dtype(v) for k, v in _ALLELE.items()})
    by_record: dict[tuple[int, str, tuple[str, ...]], list] = {}
    for a in report.records:
        record = a.alt.record
        key = (record.pos, record.ref, record.alts)
        slots = by_record.setdefault(key, [None] * len(record.alts))
        slots[a.alt.alt_index - 1] = _allele(a)
    rows = [
        {
            "locus": hl.Locus(HAIL_CHR2[genome], pos, reference_genome=genome),
            "alleles": [ref, *alts],
            "alts": slots,
        }
        for (pos, ref, alts), slots in by_record.items()
    ]
    schema = hl.tstruct(locus=hl.tlocus(genome), alleles=hl.tarray(hl.tstr), alts=hl.tarray(allele))
    return hl.Table.parallelize(rows, schema, key=["locus", "alleles"], n_partitions=1)
