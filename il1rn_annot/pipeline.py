"""The stages in order: read the window, normalize, match, call genotypes. Nothing else.

``annotate`` is the one entry point: the CLI, batch runs and workflow wrappers all call it.
What only an option needs (--clinvar, --ped, --bam, --targets) is imported under that option:
start-up is most of a one-sample run (tests/test_startup.py).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from il1rn_annot import __version__
from il1rn_annot.catalog import Catalog, load_catalog
from il1rn_annot.deletions import PATTERN_FLANK, apply_depth, apply_target_depth
from il1rn_annot.errors import BuildError, UsageError
from il1rn_annot.genome import BUILDS
from il1rn_annot.genotype import Thresholds, call_samples, catalog_sites
from il1rn_annot.match import MAX_SHIFT, annotate_alleles, unknown_ref_records
from il1rn_annot.model import (
    NOVEL_LOF,
    AnnotatedAllele,
    ClinvarSource,
    InputInfo,
    Options,
    Report,
    SampleCall,
    SampleReport,
    ToolInfo,
    VariantRecord,
    VcfText,
)
from il1rn_annot.normalize import split_records
from il1rn_annot.reader import WindowData, read_window
from il1rn_annot.reference import open_reference
from il1rn_annot.review import (
    with_possible_loss_reasons,
    with_source_reasons,
    with_unreadable_reasons,
)
from il1rn_annot.side_inputs import pedigree_warnings, read_pedigree

SCHEMA_VERSION = "2.0"

log = logging.getLogger(__name__)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while one input is annotated (and, in a
    batch, until its report is written), then back as it was. A cohort's window makes millions
    of small objects that live until the report is written, and the collector looked at them
    again and again as they were made and written: about 0.5 s of the 2,500 x 1,500 bench
    cohort's 5 s (CPU), 0.06 s now. Reference counting frees the rest as before, and peak memory
    is the same (measured at 2,500 and 100,000 samples); what is left when the collector is
    back is collected on its next run."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def annotate(source: str, options: Options) -> Report:
    """Annotate one VCF/BCF (or ``-`` for stdin) and call every sample."""
    with collector_paused():
        return _annotate(source, options)


def _annotate(source: str, options: Options) -> Report:
    catalog = load_catalog(overlay=options.catalog_overlay)
    founder = founder_intervals(catalog)
    data = read_window(
        source,
        build=options.build,
        require_index=options.require_index,
        assume_sorted=options.assume_sorted,
        known_bases={b: catalog.known_bases(b) for b in BUILDS},
        detail_sites=[
            (site.start - MAX_SHIFT, site.end + MAX_SHIFT)
            for b in BUILDS
            for site in catalog_sites(catalog, b)
        ],
        context={
            b: (interval[0] - PATTERN_FLANK, interval[1] + PATTERN_FLANK)
            for b, interval in founder.items()
        },
        keep_text=options.keep_text,
        samples=options.samples,
    )
    return annotate_window(data, options, catalog)


def annotate_window(data: WindowData, options: Options, catalog: Catalog | None = None) -> Report:
    """The stages after reading: normalize, match, call. ``data`` comes from ``read_window``, or
    from another reader of the same records (``il1rn_annot.hail``), so both share every rule."""
    if catalog is None:
        catalog = load_catalog(overlay=options.catalog_overlay)
    founder = founder_intervals(catalog)
    records = data.records
    warnings = list(data.warnings)
    without_sv: list[str] = []
    if options.sv:
        extra, sv_warnings, without_sv = _sv_records(
            options.sv, data.samples, data.build, options, records
        )
        warnings.extend(f"{options.sv} (--sv): {w}" for w in sv_warnings)
        records = tuple(replace(r, index=i) for i, r in enumerate((*records, *extra)))
    with open_reference(options.fasta, data.build) as base_at:
        alts = split_records(records, base_at)
        annotated = annotate_alleles(alts, catalog, data.build, base_at)
        clinvar = None
        if options.clinvar:
            from il1rn_annot.clinvar import read_clinvar, with_clinvar

            clinvar = read_clinvar(options.clinvar, data.build, data.window)
            annotated = [with_clinvar(a, clinvar, base_at) for a in annotated]
    for line in unknown_ref_records(annotated):
        log.warning("%s: %s", data.path, line)
        warnings.append(line)
    if options.transcripts == "all":
        annotated = [_on_isoforms(a, data.build) for a in annotated]
    if options.count_novel_lof:
        annotated = [replace(a, counted=a.classification == NOVEL_LOF) for a in annotated]
    thresholds = Thresholds(min_dp=options.min_dp, min_gq=options.min_gq)
    samples = call_samples(
        data.samples,
        annotated,
        records,
        catalog,
        data.build,
        thresholds,
        data.gvcf,
        data.context,
        founder.get(data.build),
    )
    if without_sv:
        note = f"no SV calls for this sample in {options.sv}"
        samples = [
            replace(s, notes=[*s.notes, note]) if s.sample in without_sv else s for s in samples
        ]
    if options.ped:
        from il1rn_annot.family import apply_family

        trios = read_pedigree(options.ped)
        if not {t.child for t in trios} & set(data.samples):
            log.warning("%s: no child of the PED file is a sample of %s", options.ped, data.path)
        for warning in pedigree_warnings(trios, data.samples, options.samples is not None):
            log.warning("%s: %s", options.ped, warning)
            warnings.append(f"{options.ped} (--ped): {warning}")
        samples = apply_family(samples, data.samples, trios, thresholds)
    if options.targets:
        samples = _with_targets(samples, data.build, options, catalog)
    elif options.bams:
        samples = _with_depth(samples, data.samples, data.build, options)
    if catalog.overlay_path or clinvar is not None:
        samples = [with_source_reasons(s, catalog.overlay_path) for s in samples]
    samples = with_unreadable_reasons(samples, data.samples, records)
    samples = with_possible_loss_reasons(samples)
    return Report(
        schema_version=SCHEMA_VERSION,
        tool=ToolInfo(
            "il1rn-annot",
            __version__,
            catalog.version,
            catalog.sha256,
            catalog.overlay_path or None,
            catalog.overlay_sha256 or None,
        ),
        input=InputInfo(
            path=data.path,
            build=data.build,
            build_source=data.build_source,
            contig=data.contig,
            window=data.window,
            access=data.access,
            samples=data.samples,
            gvcf=data.gvcf,
        ),
        samples=samples,
        options={
            "min_dp": options.min_dp,
            "min_gq": options.min_gq,
            "fasta": options.fasta,
            "count_novel_lof": options.count_novel_lof,
            "ped": options.ped,
            "bams": [path for _, path in options.bams],
            "min_mapq": options.min_mapq,
            "targets": options.targets,
            "sv": options.sv,
            "transcripts": options.transcripts,
            "catalog_overlay": options.catalog_overlay,
            "clinvar": options.clinvar,
        },
        warnings=warnings,
        records=list(annotated),
        vcf_text=(
            VcfText(data.header, data.records, options.command) if options.keep_text else None
        ),
        clinvar=None if clinvar is None else ClinvarSource(*clinvar.stamp),
    )


def _with_depth(
    samples: list[SampleReport], names: tuple[str, ...], build: str, options: Options
) -> list[SampleReport]:
    """Measure each BAM/CRAM and apply it to its sample (named, from @RG SM, or the only one)."""
    from il1rn_annot.depth import measure_depth

    by_name = {s.sample: i for i, s in enumerate(samples)}
    for sample, path in options.bams:
        evidence = measure_depth(path, build, options.fasta, min_mapq=options.min_mapq)
        name = sample or evidence.sample or (names[0] if len(names) == 1 else None)
        if name is None:
            raise UsageError("cannot tell which sample it belongs to: give --bam SAMPLE=PATH", path)
        if name not in by_name:
            raise UsageError(f"sample {name!r} is not in the VCF", path)
        if sample and evidence.sample and sample != evidence.sample:
            log.warning(
                "%s: given for sample %s but its @RG SM is %s: check for a sample swap",
                path,
                sample,
                evidence.sample,
            )
        i = by_name[name]
        samples[i] = apply_depth(samples[i], evidence, options.count_novel_lof)
    return samples


def _with_targets(
    samples: list[SampleReport], build: str, options: Options, catalog
) -> list[SampleReport]:
    """Exome/panel data: every BAM/CRAM given is one sample of the batch and the others'
    reference (a BAM whose sample is not in this VCF is reference only); every sample of the VCF
    gets the capture's coverage of the catalog sites, and its batch depth evidence if it has one."""
    from il1rn_annot.cohort_depth import batch_evidence
    from il1rn_annot.coverage import capture_coverage
    from il1rn_annot.targets import LOCUS_ROLES, load_capture, measure_targets

    capture = load_capture(options.targets, build, catalog)
    names = tuple(s.sample for s in samples)
    batch: dict[str, tuple[str, tuple[float, ...]]] = {}
    for sample, path in options.bams:
        found, depths = measure_targets(path, capture, options.fasta, options.min_mapq)
        name = sample or found or (names[0] if len(names) == 1 and not batch else None)
        if name is None:
            raise UsageError("cannot tell which sample it belongs to: give SAMPLE=PATH", path)
        if name in batch:
            raise UsageError(f"sample {name!r} is given twice (also {batch[name][0]})", path)
        if sample and found and sample != found:
            log.warning("%s: given for sample %s but its @RG SM is %s", path, sample, found)
        batch[name] = (path, depths)
    unknown = [n for n in batch if n not in names]
    without = [n for n in names if n not in batch]
    if unknown and without:  # reference-only files beside VCF samples without one: a typo?
        log.warning(
            "%s: no alignment file for %s; %s only serve as the batch reference (names differ?)",
            options.targets,
            ", ".join(without[:3]),
            ", ".join(unknown[:3]),
        )
    evidence = batch_evidence(capture, batch) if batch else {}
    deletions = {d.id: d.minimal for d in capture.deletions}
    sites = [s for s in catalog_sites(catalog, build) if not s.entry.locus(build).symbolic]
    for i, report in enumerate(samples):
        if report.sample in evidence:
            depth = replace(evidence[report.sample], sample=report.sample)
            report = apply_target_depth(report, depth, options.count_novel_lof, deletions)
        depths = batch.get(report.sample, (None, None))[1]
        spans = [
            (t.start, t.end, None if depths is None else depths[j])
            for j, t in enumerate(capture.targets)
            if t.role in LOCUS_ROLES
        ]
        carried = {v.annotated.dira_id for v in report.variants if v.copies}
        coverage = capture_coverage(report.coverage, sites, spans, options.min_dp, carried)
        samples[i] = replace(report, coverage=coverage)
    return samples


def _sv_records(
    path: str,
    samples: tuple[str, ...],
    build: str,
    options: Options,
    main: Sequence[VariantRecord],
) -> tuple[list[VariantRecord], tuple[str, ...], list[str]]:
    """The records of a second file (--sv), with their calls put in the main VCF's sample order,
    the file's warnings, and the samples it does not have (each gets a note).
    Every record can change the counts: symbolic SVs, breakends, and the sequence-resolved
    deletions Manta and DRAGEN write under ~1 kb with the full REF. Only a record the main VCF
    already has, with the same GTs, is left out (it would count twice). A sample the SV file
    does not have gets no evidence there, as when no SV file is given."""
    try:
        sv = read_window(
            path, build=build, require_index=options.require_index, empty_window_warning=False
        )
    except BuildError as error:
        raise BuildError(f"the SV file is not on {build}, the build of the VCF ({error})") from None
    where = {name: i for i, name in enumerate(sv.samples)}
    missing = [n for n in samples if n not in where]
    if missing and set(samples) & set(where):
        log.warning("%s: no SV calls for %s", path, ", ".join(missing[:5]))
    if samples and not set(samples) & set(where):
        raise UsageError(
            f"none of the VCF's samples ({', '.join(samples[:3])}…) is in the SV file", path
        )
    absent = SampleCall((), False, gt="(not in the SV file)", absent=True)
    # The main VCF's GTs, only at the sites the SV file also has (a cohort's GTs are large).
    sv_sites = {_site(record) for record in sv.records}
    known: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
    for record in main:
        site = _site(record)
        if site in sv_sites:
            known.setdefault(site, []).append(_gts(record))
    out = []
    for record in sv.records:
        calls = tuple(record.calls[where[n]] if n in where else absent for n in samples)
        moved = replace(record, calls=calls, index=0, sv_file=True)
        gts = _gts(moved)
        if any(_same_gts(gts, other) for other in known.get(_site(moved), ())):
            continue
        out.append(moved)
    return out, sv.warnings, missing


def _site(record: VariantRecord) -> tuple[object, ...]:
    return (record.pos, record.ref.upper(), tuple(a.upper() for a in record.alts))


def _gts(record: VariantRecord) -> tuple[object, ...]:
    return tuple(None if c.absent else (c.alleles, c.phased) for c in record.calls)


def _same_gts(sv: tuple[object, ...], main: tuple[object, ...]) -> bool:
    """Every sample the SV record has calls what the main VCF's record calls: a duplicate."""
    return all(a is None or a == b for a, b in zip(sv, main, strict=True))


def founder_intervals(catalog) -> dict[str, tuple[int, int]]:
    """The catalogued large deletion's interval on each build (for genotype-pattern evidence)."""
    out = {}
    for entry in catalog.deletions()[:1]:
        for build in BUILDS:
            locus = entry.locus(build)
            if locus is not None:
                out[build] = (locus.pos, locus.end)
    return out


def _on_isoforms(annotated: AnnotatedAllele, build: str) -> AnnotatedAllele:
    """Add the allele's names on the other RefSeq isoforms: by offset where they share
    NM_173842's exons, by their derived coding structure 5' of that."""
    from il1rn_annot.gene_model.coordinates import load_isoforms
    from il1rn_annot.gene_model.hgvs_names import on_isoform, on_isoform_5prime

    if not annotated.hgvs_c:
        return annotated
    names = (
        on_isoform(annotated.hgvs_c, annotated.hgvs_p, iso)
        or on_isoform_5prime(annotated.alt.allele, build, iso)
        for iso in load_isoforms()
    )
    return replace(annotated, other_transcripts=tuple(n for n in names if n))
