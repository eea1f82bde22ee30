"""The HTML page a technician hands on (``--html FILE``): one self-contained page per batch.

A batch sink (``batch.BatchSink``): each report is boiled down, as it arrives, to the few words a
row of the page needs, so a plate of 96 or a cohort of thousands never keeps whole reports; the
page is written on ``close``, atomically, and only when the batch ran to its end. The wording of
the calls is the summary's (``summary.plain_words``), so the page and the terminal never differ.
The markup is package data (``templates/``), filled by ``markup.fill``, which escapes every
value: sample names, IDs and error lines from an input can only appear as text. No script, no
network: a Content-Security-Policy in the page forbids both.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from il1rn_annot.errors import OutputError, UsageError
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
    SampleVariant,
    ToolInfo,
)
from il1rn_annot.report.markup import Markup, fill, join, template_text
from il1rn_annot.report.summary import WORDS, allele_name, next_step, plain_words

PAGE = "report.html"
PARTS = "parts.html"
CALL_ORDER = (BIALLELIC, BIALLELIC_UNPHASED, MONOALLELIC, INDETERMINATE, NONE)

ZYGOSITY_WORDS = {
    "het": "heterozygous",
    "hom_alt": "homozygous",
    "hemizygous": "hemizygous (one copy present)",
    "no_call": "no call",
}

#: Symbolic ALTs in words (the figure's labels; others are named by their ALT).
SV_WORDS = {
    "DEL": "deletion",
    "DUP": "duplication",
    "INV": "inversion",
    "CN0": "deletion",
    "CN1": "deletion",
    "INS": "insertion",
    "CNV": "copy-number change",
}

#: Alleles by what they mean for the call, in the order a row lists them.
KINDS = ("pathogenic", "novel_lof", "uncertain", "other")


@dataclass(frozen=True)
class PageAllele:
    """One allele of one sample, as the page shows it (table and figure)."""

    name: str  # DIRA01 c.229G>T (E77X), or the HGVS c. name of an allele outside the catalog
    short: str  # the figure's label: E77X, c.432del
    hgvs: str  # NM_173842.3:c.229G>T p.(Glu77Ter)
    location: str
    kind: str  # one of KINDS
    meaning: str  # the classification in words
    zygosity: str
    genotype: str
    quality_flags: tuple[str, ...]
    start: int  # on the input's build, for the figure
    end: int


@dataclass(frozen=True)
class ExonRatio:
    exon: int
    start: int
    end: int
    ratio: float | None
    copies: int | None


@dataclass(frozen=True)
class PageDepth:
    """A sample's BAM/CRAM depth evidence: what the figure draws and the row says."""

    words: str
    exons: tuple[ExonRatio, ...]


@dataclass(frozen=True)
class PageSample:
    sample: str
    call: str
    words: str
    needs_review: bool
    review: tuple[str, ...]
    notes: tuple[str, ...]
    next: str
    alleles: tuple[PageAllele, ...]
    coverage: tuple[str, ...]  # a headline, then details
    coverage_note: str
    depth: PageDepth | None


@dataclass
class PageInput:
    source: str
    build: str = ""
    build_source: str = ""
    access: str = ""
    warnings: tuple[str, ...] = ()
    catalogued: tuple[str, ...] = ()  # catalog alleles among the records (shown for sites-only)
    n_records: int = 0
    samples: list[PageSample] = field(default_factory=list)
    error: str = ""  # the one-line reason an input gave no report


#: Names of the files a batch reads or other reports: a page under such a name would replace
#: one of them, or mislead whoever opens it.
OTHER_KINDS = (".vcf", ".vcf.gz", ".bcf", ".tbi", ".csi", ".json", ".tsv", ".txt", ".csv")


def check_target(path: str, output: str | None, inputs: Sequence[str] = ()) -> None:
    """``--html`` needs a file of its own: not stdout, not the report's file nor an input, not a
    directory, and in a directory that exists."""
    if path in ("", "-"):
        raise UsageError("--html needs a file name (the page cannot go to stdout)")
    if os.path.isdir(path) or path.endswith(os.sep):
        raise UsageError("--html names a directory; give a file name such as plate.html", path)
    kind = next((k for k in OTHER_KINDS if path.lower().endswith(k)), None)
    if kind is not None:
        raise UsageError(f"--html writes an HTML page: name it .html, not {kind}", path)
    if output not in (None, "-") and _same_file(output, path):
        raise UsageError("--html and -o name the same file", path)
    if any(_same_file(source, path) for source in inputs):
        raise UsageError("--html names one of the inputs", path)
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        # Found before any input is read: the reports are not written for a page that cannot be.
        raise OutputError("the output directory of the HTML page does not exist", path)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.abspath(a) == os.path.abspath(b)


class HtmlPage:
    """The batch sink that writes the page (see the module docstring)."""

    def __init__(self, path: str, started: datetime.datetime | None = None) -> None:
        self.path = path
        self.started = started or datetime.datetime.now(datetime.timezone.utc)
        self.inputs: list[PageInput] = []
        self.tool: ToolInfo | None = None
        self.options: dict[str, object] = {}

    def add(self, source: str, report: Report) -> None:
        self.tool = self.tool or report.tool
        self.options = self.options or dict(report.options)
        info = report.input
        self.inputs.append(
            PageInput(
                source=info.path or source,
                build=info.build,
                build_source=info.build_source,
                access=info.access,
                warnings=tuple(report.warnings),
                catalogued=tuple(
                    dict.fromkeys(
                        f"{allele_name(a)} ({a.classification.replace('_', ' ')})"
                        for a in report.records
                        if a.dira_id
                    )
                ),
                n_records=len(report.records),
                samples=[page_sample(s) for s in report.samples],
            )
        )

    def failed(self, source: str, message: str) -> None:
        self.inputs.append(PageInput(source=source, error=message))

    def close(self) -> None:
        from il1rn_annot.report.output import write_page

        write_page(self.path, self.render())

    def render(self) -> str:
        tool = self.tool or _tool_without_report()
        return render_page(self.inputs, tool, self.options, self.started)


def _tool_without_report() -> ToolInfo:
    """The header's versions when every input failed (no report carried them)."""
    from il1rn_annot import __version__
    from il1rn_annot.catalog import load_catalog

    catalog = load_catalog()
    return ToolInfo("il1rn-annot", __version__, catalog.version, catalog.sha256)


# --- one sample, boiled down -------------------------------------------------------------------


def page_sample(sample: SampleReport) -> PageSample:
    cov = sample.coverage
    return PageSample(
        sample=sample.sample,
        call=sample.dira_genotype,
        words=plain_words(sample),
        needs_review=sample.needs_review,
        review=tuple(sample.review_reasons),
        notes=tuple(sample.notes),
        next=next_step(sample),
        alleles=tuple(sorted((page_allele(v) for v in sample.variants), key=_allele_order)),
        coverage=coverage_words(sample),
        coverage_note=cov.note,
        depth=page_depth(sample.depth),
    )


def _allele_order(allele: PageAllele) -> int:
    return KINDS.index(allele.kind)


def page_allele(variant: SampleVariant) -> PageAllele:
    a = variant.annotated
    allele = a.alt.allele
    c_name = a.hgvs_c.partition(":")[2]
    if a.dira_id:
        name = allele_name(a)
        short = (a.dira_legacy_names or (a.dira_name,))[0]
    elif allele.symbolic:
        what = allele.alt.strip("<>").split(":")[0]
        kind = SV_WORDS.get(what, f"structural variant ({allele.alt})")
        record = a.alt.record
        span = f"{allele.pos}-{record.end}" if record.end > allele.pos else f"{allele.pos}"
        extent = "" if record.end > allele.pos else " (its extent is not given)"
        name = a.non_dira_name or f"{kind} at {record.chrom}:{span}{extent}"
        short = a.non_dira_id or kind
    else:
        name = c_name or a.non_dira_name or f"{a.alt.record.chrom}:{allele}"
        short = c_name or a.non_dira_id or f"{allele.ref}>{allele.alt}"[:14]
    end = a.alt.record.end if allele.symbolic else allele.end
    return PageAllele(
        name=name,
        short=short,
        hgvs=" ".join(x for x in (a.hgvs_c, a.hgvs_p) if x),
        location=a.location or a.consequence,
        kind=allele_kind(a),
        meaning=meaning(a),
        zygosity=variant.zygosity,
        genotype=variant.call.gt_text,
        quality_flags=tuple(variant.quality_flags),
        start=allele.pos,
        end=max(end, allele.pos),
    )


def allele_kind(a: AnnotatedAllele) -> str:
    if a.pathogenic and a.dira_id:
        return "pathogenic"
    if a.classification == NOVEL_LOF:
        return "novel_lof"
    if a.classification == "uncertain":
        return "uncertain"
    return "other"


def meaning(a: AnnotatedAllele) -> str:
    """The classification in words, and whether it counts towards the call."""
    if a.dira_id:
        counts = "counts towards the call" if a.pathogenic else "does not count"
        return f"{a.classification.replace('_', ' ')} (catalog; {counts})"
    if a.classification == NOVEL_LOF:
        counted = "counted (--count-novel-lof)" if a.counted else "not counted in the call"
        return f"predicted loss of function, not in the catalog: {counted}"
    if a.classification == "uncertain":
        return "uncertain significance: listed, never counted"
    if a.non_dira_id:
        return f"{a.classification.replace('_', ' ')} ({a.non_dira_id})"
    return a.classification.replace("_", " ")


def coverage_words(sample: SampleReport) -> tuple[str, ...]:
    """What the input proves about the catalog sites: a headline, then the details."""
    cov = sample.coverage
    kind = {"gvcf": "gVCF", "variant_calls": "variant-only VCF"}.get(cov.evidence, cov.evidence)
    proven = "all sites proven" if cov.proven_reference else "sites not all proven"
    lines = [f"{kind}: {len(cov.sites_called)} of {cov.sites_total} catalog sites called; {proven}"]
    if cov.cds_bases_total:
        lines.append(f"{cov.cds_bases_called} of {cov.cds_bases_total} coding bases called")
    if cov.sites_not_assessed:
        n = len(cov.sites_not_assessed)
        lines.append(f"not assessed ({n}): " + ", ".join(cov.sites_not_assessed))
    if cov.deletion_pattern:
        lines.append(cov.deletion_pattern)
    return tuple(lines)


def page_depth(evidence: object | None) -> PageDepth | None:
    """The depth evidence (``depth.DepthEvidence``) as the page shows it."""
    if evidence is None:
        return None
    exons = tuple(
        ExonRatio(e.exon, e.start, e.end, e.ratio, e.copies) for e in getattr(evidence, "exons", ())
    )
    words = f"read depth ({evidence.status.replace('_', ' ')}): {evidence.note}"
    return PageDepth(words=words, exons=exons)


# --- the page ----------------------------------------------------------------------------------


def render_page(
    inputs: list[PageInput],
    tool: ToolInfo,
    options: dict[str, object],
    started: datetime.datetime,
) -> str:
    from il1rn_annot.report.html_figure import figures

    samples = [s for i in inputs for s in i.samples]
    failed = [i for i in inputs if i.error]
    builds = sorted({i.build for i in inputs if i.build}) or ["none read"]
    page = fill(
        PAGE,
        "page",
        css=Markup(template_text("report.css")),
        title=f"{len(samples)} samples, {len(inputs)} inputs",
        tool_version=tool.version,
        catalog_version=tool.catalog_version
        + (f" + lab overlay {tool.catalog_overlay}" if tool.catalog_overlay else ""),
        catalog_sha256=tool.catalog_sha256
        + (f", overlay sha256 {tool.catalog_overlay_sha256}" if tool.catalog_overlay else ""),
        run_time=started.astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        builds=", ".join(builds),
        n_inputs=_count(len(inputs), "input file"),
        settings=settings_words(options),
        overview=overview(samples, inputs),
        failures=failures(failed),
        rows=join(input_rows(i) for i in inputs if not i.error),
        figure=figures(inputs),
        limits=limits(samples, options),
    )
    return page


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def settings_words(options: dict[str, object]) -> str:
    """The options that shape a call, for whoever checks the run."""
    novel = "yes" if options.get("count_novel_lof") else "no"
    parts = [
        f"minimum depth {options.get('min_dp', '-')}",
        f"minimum genotype quality {options.get('min_gq', '-')}",
        f"novel loss-of-function alleles counted: {novel}",
        f"pedigree: {options.get('ped') or 'none'}",
        f"SV calls: {options.get('sv') or 'none'}",
        f"BAM/CRAM: {len(options.get('bams') or ())}",  # type: ignore[arg-type]
        f"reference FASTA: {options.get('fasta') or 'none'}",
    ]
    return "; ".join(parts)


def overview(samples: list[PageSample], inputs: list[PageInput]) -> Markup:
    counts = Counter(s.call for s in samples)
    items = [
        fill(PARTS, "count", call=code, n=counts[code], words=WORDS.get(code, code))
        for code in CALL_ORDER
        if counts[code]
    ]
    review = sum(s.needs_review for s in samples)
    failed = sum(bool(i.error) for i in inputs)
    return fill(
        PARTS,
        "overview",
        n_samples=_count(len(samples), "sample"),
        n_inputs=_count(len(inputs), "input file"),
        n_review=review,
        n_failed=failed,
        failed_class="bad" if failed else "ok",
        review_class="warn" if review else "ok",
        counts=join(items),
    )


def failures(failed: list[PageInput]) -> Markup:
    if not failed:
        return Markup("")
    items = join(fill(PARTS, "failure", source=i.source, error=i.error) for i in failed)
    return fill(PARTS, "failures", n=_count(len(failed), "input"), items=items)


def input_rows(page_input: PageInput) -> Markup:
    """The rows of one input: a heading row, then one row per sample."""
    where = (
        f"{page_input.build} ({page_input.build_source}); read by {page_input.access}; "
        f"{_count(len(page_input.samples), 'sample')}, {_count(page_input.n_records, 'record')} "
        "in the IL1RN window"
    )
    warnings = join(fill(PARTS, "input_warning", text=w) for w in page_input.warnings)
    rows = [fill(PARTS, "input_head", source=page_input.source, where=where, warnings=warnings)]
    if not page_input.samples:
        found = "; ".join(page_input.catalogued) or "none"
        rows.append(fill(PARTS, "no_samples", catalogued=found))
    rows.extend(sample_row(s) for s in page_input.samples)
    return fill(PARTS, "input_body", rows=join(rows))


def sample_row(s: PageSample) -> Markup:
    review = join(fill(PARTS, "item", text=r) for r in s.review)
    notes = join(fill(PARTS, "item", text=n) for n in s.notes)
    next_line = fill(PARTS, "next", text=s.next) if s.next else Markup("")
    depth = fill(PARTS, "depth_line", text=s.depth.words) if s.depth else Markup("")
    return fill(
        PARTS,
        "sample_row",
        sample=s.sample,
        call=s.call,
        words=s.words,
        review_badge=fill(PARTS, "review_badge") if s.needs_review else Markup(""),
        alleles=alleles_cell(s.alleles),
        coverage=fill(PARTS, "coverage_head", text=s.coverage[0]),
        coverage_details=join(fill(PARTS, "coverage_line", text=x) for x in s.coverage[1:]),
        depth=depth,
        review=fill(PARTS, "list", items=review) if s.review else Markup(""),
        notes=fill(PARTS, "list", items=notes) if s.notes else Markup(""),
        next=next_line,
        none_class="" if (s.review or s.notes or s.next) else "empty",
    )


def alleles_cell(alleles: tuple[PageAllele, ...]) -> Markup:
    if not alleles:
        return fill(PARTS, "no_allele")
    shown = [a for a in alleles if a.kind != "other"]
    others = [a for a in alleles if a.kind == "other"]
    parts = [allele_item(a) for a in shown]
    if others:
        names = "; ".join(f"{a.name} ({a.meaning}, {_zygosity(a)})" for a in others)
        parts.append(fill(PARTS, "other_alleles", text=names))
    return join(parts)


def _zygosity(a: PageAllele) -> str:
    return f"{ZYGOSITY_WORDS.get(a.zygosity, a.zygosity)} {a.genotype}"


def allele_item(a: PageAllele) -> Markup:
    flags = "failed: " + ", ".join(a.quality_flags) if a.quality_flags else ""
    return fill(
        PARTS,
        "allele",
        kind=a.kind,
        name=a.name,
        hgvs=a.hgvs,
        location=a.location or "",
        meaning=a.meaning,
        zygosity=_zygosity(a),
        flags=fill(PARTS, "flags", text=flags) if flags else Markup(""),
    )


def limits(samples: list[PageSample], options: dict[str, object]) -> Markup:
    """What this run cannot see: the fixed limits of the method, and the coverage notes the
    reports gave, each with how many samples it concerns."""
    notes = Counter(s.coverage_note for s in samples if s.coverage_note)
    from_reports = join(
        fill(PARTS, "limit_note", text=note, n=_count(n, "sample")) for note, n in notes.items()
    )
    novel = "counted (--count-novel-lof)" if options.get("count_novel_lof") else "not counted"
    return fill(PARTS, "limits", from_reports=from_reports, novel=novel)
