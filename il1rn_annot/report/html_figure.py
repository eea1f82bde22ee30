"""The page's figure: NM_173842.3's exons (from the gene model in data/, via ``gene_model``)
with each sample's alleles marked on a lane of its own, and its per-exon read-depth ratios when
BAM/CRAM evidence was given. Inline SVG; the shapes are package data (``templates/figure.svg``),
this module only lays them out.

Coding exons are drawn to scale; UTRs at a quarter and introns at a tenth of that scale, so
that four exons of 89-216 coding bases stay readable beside introns of 1.4-1.8 kb. Alleles
outside the transcript sit in a margin at either end, named, with an arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from il1rn_annot.gene_model.coordinates import Transcript, load_transcript
from il1rn_annot.report.markup import Markup, fill, join

if TYPE_CHECKING:
    from il1rn_annot.report.html import PageAllele, PageDepth, PageInput, PageSample

SVG = "figure.svg"
WIDTH = 980
NAME_WIDTH = 170  # the sample names' column
MARGIN = 56  # each end: alleles outside the transcript
PLOT_LEFT = NAME_WIDTH + MARGIN
PLOT_RIGHT = WIDTH - MARGIN
GENE_HEIGHT = 70  # the gene track at the top
LANE = 46  # a lane with allele marks
DEPTH_LANE = 48  # more for the depth ratios
DEPTH_HEIGHT = 36  # the depth bars' full height (ratio RATIO_TOP)
RATIO_TOP = 1.5  # the depth bars' scale: ratio 1.5 fills them
MAX_LANES = 400  # a cohort's figure stops here; the table lists every sample

#: Bases per unit of width: coding bases 1, UTR 1/4, intron 1/10.
SCALE = {"cds": 1.0, "utr": 0.25, "intron": 0.1}
MARK_SHAPE = {"pathogenic": "triangle", "novel_lof": "diamond", "uncertain": "circle"}


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    kind: str  # cds | utr | intron
    exon: int  # its exon (0 for an intron)
    x0: float
    x1: float


def segments(tx: Transcript) -> tuple[Segment, ...]:
    """The transcript cut into coding, UTR and intron pieces, each with its x range."""
    pieces: list[tuple[int, int, str, int]] = []
    for n, exon in enumerate(tx.exons):
        if n:
            pieces.append((tx.exons[n - 1].end + 1, exon.start - 1, "intron", 0))
        cds_start = max(exon.start, tx.cds_start)
        cds_end = min(exon.end, tx.cds_end)
        if cds_start > cds_end:  # a non-coding exon
            pieces.append((exon.start, exon.end, "utr", exon.number))
            continue
        if exon.start < cds_start:
            pieces.append((exon.start, cds_start - 1, "utr", exon.number))
        pieces.append((cds_start, cds_end, "cds", exon.number))
        if cds_end < exon.end:
            pieces.append((cds_end + 1, exon.end, "utr", exon.number))
    units = [(b - a + 1) * SCALE[k] for a, b, k, _ in pieces]
    per_unit = (PLOT_RIGHT - PLOT_LEFT) / sum(units)
    out, x = [], float(PLOT_LEFT)
    for (a, b, kind, exon), u in zip(pieces, units, strict=True):
        out.append(Segment(a, b, kind, exon, x, x + u * per_unit))
        x += u * per_unit
    return tuple(out)


def x_of(segs: tuple[Segment, ...], pos: float) -> float:
    """Where a genomic position lies on the figure (clamped to the ends of the transcript)."""
    if pos <= segs[0].start:
        return segs[0].x0
    for s in segs:
        if s.start <= pos <= s.end + 1:
            return s.x0 + (s.x1 - s.x0) * (pos - s.start) / (s.end - s.start + 1)
    return segs[-1].x1


def figures(inputs: list[PageInput]) -> Markup:
    """One figure per build read (the exons are NM_173842.3's on that build)."""
    lanes: dict[str, list[tuple[str, PageSample]]] = {}
    for page_input in inputs:
        if page_input.error:
            continue
        for sample in page_input.samples:
            if sample.alleles or sample.depth:
                lanes.setdefault(page_input.build, []).append((page_input.source, sample))
    if not lanes:
        return fill(SVG, "no_figure")
    return join(figure(build, rows) for build, rows in sorted(lanes.items()))


def figure(build: str, rows: list[tuple[str, PageSample]]) -> Markup:
    tx = load_transcript(build)
    segs = segments(tx)
    shown = rows[:MAX_LANES]
    drawn, y = [], GENE_HEIGHT
    for source, sample in shown:
        lane_markup, height = lane(segs, sample, source, y)
        drawn.append(lane_markup)
        y += height
    left_out = len(rows) - len(shown)
    more = f"; the first {MAX_LANES} of {len(rows)} samples with alleles are drawn" * bool(left_out)
    return fill(
        SVG,
        "figure",
        width=WIDTH,
        height=y + 8,
        build=build,
        transcript=tx.name,
        n=len(shown),
        more=more,
        gene=gene_track(segs, tx),
        lanes=join(drawn),
    )


def gene_track(segs: tuple[Segment, ...], tx: Transcript) -> Markup:
    parts = [
        fill(SVG, "intron_line", x0=_f(segs[0].x0), x1=_f(segs[-1].x1), y=44),
        fill(SVG, "end_label", x=_f(segs[0].x0 - 6), y=48, anchor="end", text="5′"),
        fill(SVG, "end_label", x=_f(segs[-1].x1 + 6), y=48, anchor="start", text="3′"),
    ]
    for s in segs:
        if s.kind == "intron":
            continue
        height = 20 if s.kind == "cds" else 10
        parts.append(
            fill(
                SVG,
                "exon",
                kind=s.kind,
                x=_f(s.x0),
                y=_f(44 - height / 2),
                w=_f(max(s.x1 - s.x0, 1.0)),
                h=height,
                title=f"exon {s.exon} {s.kind.upper()}: {tx.build} {s.start}-{s.end}",
            )
        )
    for exon in tx.exons:
        x = (x_of(segs, exon.start) + x_of(segs, exon.end + 1)) / 2
        parts.append(fill(SVG, "exon_label", x=_f(x), y=24, text=f"exon {exon.number}"))
    return join(parts)


def lane(segs: tuple[Segment, ...], sample: PageSample, source: str, y: int) -> tuple[Markup, int]:
    """One sample's lane: its name, the transcript faintly, its alleles, its depth ratios."""
    height = LANE + (DEPTH_LANE if sample.depth and sample.depth.exons else 0)
    mid = y + 20
    parts = [
        fill(
            SVG,
            "lane_line",
            x0=_f(segs[0].x0),
            x1=_f(segs[-1].x1),
            y=mid,
            y_top=y + 1,
            width=WIDTH,
            height=height - 2,
        ),
        fill(
            SVG,
            "lane_name",
            x=NAME_WIDTH - 8,
            y=mid + 4,
            text=_short(sample.sample, 24),
            title=f"{sample.sample} ({source}): {sample.words}",
        ),
    ]
    for s in segs:
        if s.kind == "cds":
            parts.append(fill(SVG, "lane_exon", x=_f(s.x0), y=mid - 5, w=_f(s.x1 - s.x0), h=10))
    taken: list[tuple[float, float, int]] = []  # label extents per row, to stagger labels
    for allele in sample.alleles:
        parts.append(mark(segs, allele, mid, taken))
    if sample.depth and sample.depth.exons:
        parts.append(depth_bars(segs, sample.depth, y + LANE))
    return join(parts), height


def mark(segs: tuple[Segment, ...], allele: PageAllele, mid: int, taken: list) -> Markup:
    """An allele: a shape by kind (so colour is never the only signal), a span for a deletion,
    and a label saying what it is and how many copies."""
    start, end = allele.start, allele.end
    inside_left, inside_right = segs[0].start, segs[-1].end
    zyg = {"hom_alt": " ×2", "no_call": " ?", "hemizygous": " (hemi)"}.get(allele.zygosity, "")
    label = f"{allele.short}{zyg}"
    title = f"{allele.name}: {allele.meaning}; {allele.zygosity} {allele.genotype}"
    parts = []
    if end - start >= 50:  # a deletion or SV: drawn as the span it covers
        x0, x1 = x_of(segs, start), x_of(segs, end + 1)
        parts.append(
            fill(
                SVG,
                "span",
                kind=allele.kind,
                x=_f(x0),
                y=mid - 3,
                w=_f(max(x1 - x0, 2)),
                title=title,
            )
        )
        if start < inside_left:
            parts.append(fill(SVG, "arrow_left", x=_f(x0 - 2), y=mid, kind=allele.kind))
        if end > inside_right:
            parts.append(fill(SVG, "arrow_right", x=_f(x1 + 2), y=mid, kind=allele.kind))
        x = (max(x0, PLOT_LEFT) + min(x1, PLOT_RIGHT)) / 2
    elif start < inside_left or start > inside_right:  # outside the transcript: in the margin
        before = start < inside_left
        x = PLOT_LEFT - MARGIN / 2 if before else PLOT_RIGHT + MARGIN / 2
        label = ("← " if before else "") + label + ("" if before else " →")
        parts.append(fill(SVG, "outside", kind=allele.kind, x=_f(x), y=mid, title=title))
    else:
        x = x_of(segs, start)
        shape = MARK_SHAPE.get(allele.kind, "tick")
        parts.append(fill(SVG, shape, kind=allele.kind, x=_f(x), y=mid, title=title))
    parts.append(label_at(x, mid, label, allele.kind, taken))
    return join(parts)


def label_at(x: float, mid: int, text: str, kind: str, taken: list) -> Markup:
    """A label below its mark, or above it where it would overlap another label."""
    width = 6.4 * len(text)
    x0 = min(max(x - width / 2, NAME_WIDTH + 2), WIDTH - width - 2)
    row = int(any(r == 0 and x0 < b + 4 and a < x0 + width + 4 for a, b, r in taken))
    taken.append((x0, x0 + width, row))
    return fill(
        SVG, "mark_label", x=_f(x0), y=mid + 19 if row == 0 else mid - 9, kind=kind, text=text
    )


def depth_bars(segs: tuple[Segment, ...], depth: PageDepth, top: int) -> Markup:
    """Per coding exon: a bar as high as the exon's depth ratio to the flanking controls, with
    the ratio written on it and the copies it means; dashed lines mark one and two copies."""
    bottom = top + DEPTH_HEIGHT + 4
    scale = DEPTH_HEIGHT / RATIO_TOP
    parts = [
        fill(
            SVG,
            "depth_axis",
            x0=_f(PLOT_LEFT),
            x1=_f(PLOT_RIGHT),
            y=bottom,
            y1=_f(bottom - scale * 1.0),
            y05=_f(bottom - scale * 0.5),
            label_x=NAME_WIDTH - 8,
        ),
    ]
    for e in depth.exons:
        x0, x1 = x_of(segs, e.start), x_of(segs, e.end + 1)
        ratio = e.ratio
        h = 0.0 if ratio is None else min(ratio, RATIO_TOP) * scale
        copies = {0: "0 copies", 1: "1 copy", 2: "2 copies"}.get(e.copies, "unclear")
        text = "no ratio" if ratio is None else f"{ratio:.2f}"
        parts.append(
            fill(
                SVG,
                "depth_bar",
                copies=str(e.copies) if e.copies is not None else "unclear",
                x=_f(x0),
                w=_f(max(x1 - x0, 2)),
                y=_f(bottom - h),
                h=_f(max(h, 0.8)),
                tx=_f((x0 + x1) / 2),
                ty=_f(bottom - max(h, 0) - 3 if h < 14 else bottom - 4),
                text=text,
                title=f"exon {e.exon}: depth ratio {text}, {copies}",
            )
        )
    return join(parts)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
