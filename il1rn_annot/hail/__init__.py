"""DIRA calls inside Hail: a MatrixTable, a VariantDataset or a VCF/pVCF on a Spark cluster.

Hail reads, filters to the IL1RN window and collects the sparse evidence (``collect``); the
records are rebuilt as the reader builds them (``window``) and ``pipeline.annotate_window``
runs the CLI's own stages on them. Hail is imported only in this package (``pip install
'il1rn-annot[hail]'``).

>>> import il1rn_annot.hail as dira  # doctest: +SKIP
>>> calls = dira.dira_calls("cohort.mt")  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import fields

from il1rn_annot.errors import InputError, UsageError
from il1rn_annot.hail.collect import Collected, collect, hl_module, input_build, open_input, start
from il1rn_annot.model import Options, Report

__all__ = ["annotate_rows", "dira_calls", "report", "start"]

#: Options that need files beside the variants, which a Spark job does not read.
_REFUSED = ("bams", "targets", "sv", "samples", "keep_text", "require_index", "assume_sorted")


def report(source, build: str | None = None, **options) -> Report:
    """The ``Report`` the CLI would write for ``source`` (a path or a Hail MatrixTable/VDS),
    with every sample called by the CLI's rules. ``options`` are ``model.Options`` fields
    (``min_dp``, ``min_gq``, ``count_novel_lof``, ``transcripts``, ``fasta``, ...)."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.deletions import PATTERN_FLANK
    from il1rn_annot.genotype import catalog_sites
    from il1rn_annot.hail.window import window_data
    from il1rn_annot.match import MAX_SHIFT
    from il1rn_annot.pipeline import annotate_window, founder_intervals

    chosen = _options(build, options)
    start()
    catalog = load_catalog(overlay=chosen.catalog_overlay)
    hl = hl_module()
    mt, label, imported = open_input(source, build)
    if imported is not None:
        genome, build_source, contig = imported
    else:
        first = mt.variant_data if isinstance(mt, hl.vds.VariantDataset) else mt
        genome, build_source = input_build(first, label, build)
        contig = {"GRCh37": "2", "GRCh38": "chr2"}[genome]
    founder = founder_intervals(catalog).get(genome)
    context = None if founder is None else (founder[0] - PATTERN_FLANK, founder[1] + PATTERN_FLANK)
    sites = [(s.start - MAX_SHIFT, s.end + MAX_SHIFT) for s in catalog_sites(catalog, genome)]
    if isinstance(mt, hl.vds.VariantDataset):
        from il1rn_annot.hail.vds import collect_vds

        found: Collected = collect_vds(
            mt, label, genome, build_source, contig, sites, context, catalog.known_bases(genome)
        )
    else:
        found = collect(mt, label, genome, build_source, contig, sites, context)
    data = window_data(
        found.rows,
        found.samples,
        found.formats,
        genome,
        build_source,
        contig,
        label,
        context,
        {b: dict(catalog.known_bases(b)) for b in ("GRCh37", "GRCh38")},
    )
    if not data.records:
        raise InputError(
            f"no row in the IL1RN window {data.window} ({genome}): not a MatrixTable that covers "
            "IL1RN (filtered to other regions, or an exome without it)",
            label,
        )
    return annotate_window(data, chosen, catalog)


def dira_calls(source, build: str | None = None, **options):
    """A Hail Table keyed by sample: ``dira_genotype``, ``needs_review``, ``review_reasons``,
    and ``variants`` (each allele the sample carries, with its catalog match and HGVS)."""
    from il1rn_annot.hail.tables import calls_table

    return calls_table(report(source, build, **options))


def annotate_rows(source, build: str | None = None, **options):
    """``source`` (a MatrixTable) with a row field ``il1rn``, one entry per ALT of each window
    row: ``dira_id``, ``classification``, ``consequence``, ``hgvs_c``, ``hgvs_p``, ``location``.
    Rows outside the window have it missing."""
    from il1rn_annot.hail.tables import rows_table

    hl = hl_module()
    mt, _, _ = open_input(source, build)
    if isinstance(mt, hl.vds.VariantDataset):
        raise UsageError("annotate_rows takes a MatrixTable (a VDS: use its variant_data)")
    table = rows_table(report(mt, build, **options), mt.locus.dtype.reference_genome.name)
    return mt.annotate_rows(il1rn=table[mt.row_key].alts)


def _options(build: str | None, given: dict) -> Options:
    known = {f.name for f in fields(Options)}
    unknown = sorted(set(given) - known)
    if unknown:
        raise UsageError(f"unknown option(s) {', '.join(unknown)}")
    refused = [k for k in _REFUSED if given.get(k)]
    if refused:
        raise UsageError(f"{', '.join(refused)}: not available on Hail (use the CLI)")
    return Options(build=build, **given)
