"""A VariantDataset read as the gVCFs it was combined from: each sample's reference blocks
become gVCF block records (``<NON_REF>`` with END, GQ and MIN_DP), so that they prove the
catalog sites and coding bases as a gVCF's blocks do, and a hole is a hole.

A block record holds one sample's block; the other samples are absent there (no evidence
either way), as in the single-sample gVCFs the VDS was combined from. The same holds for the
variant data: a sample without an entry at a row has no call there, its blocks speak for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from il1rn_annot.genome import il1rn_window
from il1rn_annot.hail.collect import HAIL_CHR2, Collected, collect, hl_module
from il1rn_annot.hail.window import CollectedRow
from il1rn_annot.stream import LOOKBACK


def collect_vds(
    vds,
    label: str,
    build: str,
    build_source: str,
    contig: str,
    detail_sites: Sequence[tuple[int, int]],
    context: tuple[int, int] | None,
    known_bases: Mapping[int, str],
) -> Collected:
    """The variant rows (with LGT/LA made GT) and the reference blocks of the window."""
    hl = hl_module()
    window = il1rn_window(build)
    low, high = window.start - LOOKBACK, window.end + LOOKBACK
    if context is not None:
        low, high = min(low, context[0]), max(high, context[1])
    interval = hl.locus_interval(HAIL_CHR2[build], max(1, low), high, includes_end=True,
                                 reference_genome=build)  # fmt: skip
    vds = hl.vds.filter_intervals(vds, [interval], split_reference_blocks=False)
    variants = vds.variant_data
    if "GT" not in variants.entry:
        variants = variants.annotate_entries(GT=hl.vds.lgt_to_gt(variants.LGT, variants.LA))
    found = collect(variants, label, build, build_source, contig, detail_sites, context, True)
    blocks, formats = _blocks(hl, vds.reference_data, window.start, high, known_bases)
    return Collected(
        label=label,
        build=build,
        build_source=build_source,
        contig=contig,
        samples=found.samples,
        formats=found.formats | formats,
        rows=found.rows + blocks,
    )


def _blocks(hl, ref, first: int, last: int, known_bases: Mapping[int, str]):
    """One block record per distinct (start, END) of any sample, with that sample's call."""
    depth = "MIN_DP" if "MIN_DP" in ref.entry else "DP"
    fields = [f for f in ("GQ", depth) if f in ref.entry]
    ref = ref.add_col_index("_sample_index")
    gt = ref.LGT if "LGT" in ref.entry else ref.GT
    values = [hl.or_else(hl.str(gt), "./."), *(hl.or_else(hl.str(ref[f]), ".") for f in fields)]
    ref = ref.annotate_entries(_text=hl.delimit(hl.array(values), ":"))
    ref = ref.filter_entries(
        (ref.locus.position <= last) & hl.is_defined(ref.END) & (first <= ref.END)
    )
    entries = ref.entries()
    entries = entries.select(
        pos=entries.locus.position, stop=entries.END, i=entries._sample_index, text=entries._text
    )
    grouped: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for e in entries.collect():
        grouped.setdefault((e.pos, e.stop), []).append((e.i, e.text))
    rows = tuple(
        CollectedRow(
            pos=pos,
            ref=known_bases.get(pos, "N"),  # the catalog's confirmed base, never a guess
            alts=("<NON_REF>",),
            stop=stop,
            filters=(),
            record_id=None,
            info={},
            keys=("GT", *fields),
            calls=tuple(sorted(calls)),
            default=None,
        )
        for (pos, stop), calls in sorted(grouped.items())
    )
    return rows, frozenset(["GT", *fields])
