"""Hail's share of the work: open the input, keep only the partitions and rows of the IL1RN
window and the founder-deletion context, and collect the sparse evidence the rules need.

Per row, Hail collects the FORMAT text of the samples that are not plain ``0/0`` (every sample
over catalog sites, where a reference call proves coverage): what reaches the driver grows with
carried alleles and catalog-site rows, not with samples × records. The rules never run here.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from il1rn_annot.errors import BuildError, InputError, UsageError
from il1rn_annot.genome import BUILDS, CHR2_NAMES, find_chr2, header_build_evidence, il1rn_window
from il1rn_annot.hail.window import CollectedRow
from il1rn_annot.stream import LOOKBACK

log = logging.getLogger(__name__)

#: FORMAT fields the rules read (records._READ_KEYS, MIN_DP for reference blocks), GT first.
ENTRY_FIELDS = ("DP", "MIN_DP", "GQ", "FT", "PS", "CN")
#: The chr2 name of each build's Hail reference genome.
HAIL_CHR2 = {"GRCh37": "2", "GRCh38": "chr2"}


@dataclass(frozen=True)
class Collected:
    """What the driver holds after the collection."""

    label: str
    build: str
    build_source: str
    contig: str  # chr2 as the input names it
    samples: tuple[str, ...]
    formats: frozenset[str]  # the entry fields the input declares
    rows: tuple[CollectedRow, ...]


def hl_module():
    """Hail, or a usage error saying how to install it (Hail is an optional extra)."""
    try:
        import hail as hl
    except ImportError:
        raise UsageError("Hail is not installed: pip install 'il1rn-annot[hail]'") from None
    return hl


def start(master: str | None = None, tmp_dir: str | None = None, quiet: bool = True) -> None:
    """Start Hail once per process (a running session is reused, as a notebook's is)."""
    hl = hl_module()
    from hail.utils.java import Env

    if Env._hc is not None:
        return
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import tempfile

    tmp = tmp_dir or tempfile.gettempdir()
    with warnings.catch_warnings():  # Hail 0.2 is built for Java 11 and runs on 17: it says so
        warnings.filterwarnings("ignore", "Hail was built and tested with Java", UserWarning)
        _init(hl, master, tmp, quiet)


def _init(hl, master: str | None, tmp: str, quiet: bool) -> None:
    hl.init(
        master=master,
        tmp_dir=tmp,
        local_tmpdir=tmp,
        log=os.path.join(tmp, f"il1rn-annot-hail-{os.getpid()}.log"),
        quiet=quiet,
        app_name="il1rn-annot",
        spark_conf={"spark.ui.showConsoleProgress": "false"},
    )


def open_input(source, build: str | None = None):
    """A MatrixTable (or VDS) and where its build comes from, from a path or a Hail object:
    ``.mt`` is read, ``.vds`` is read as a VariantDataset, a VCF is imported."""
    hl = hl_module()
    if isinstance(source, hl.MatrixTable | hl.vds.VariantDataset):
        kind = "VariantDataset" if isinstance(source, hl.vds.VariantDataset) else "MatrixTable"
        return source, f"<{kind}>", None
    path = str(source).rstrip("/")
    if not os.path.exists(path) and "://" not in path:
        raise InputError("no such file or directory", path)
    if path.endswith(".vds"):
        return hl.vds.read_vds(path), path, None
    if path.endswith(".mt"):
        return hl.read_matrix_table(path), path, None
    if path.endswith((".vcf", ".vcf.gz", ".vcf.bgz")):
        return _import_vcf(path, build)
    raise UsageError(
        "give a MatrixTable (.mt), a VariantDataset (.vds) or a VCF (.vcf, .vcf.gz, .vcf.bgz)",
        path,
    )


def _import_vcf(path: str, build: str | None):
    """``hl.import_vcf`` with the build from the header (or ``build``) and chr2 recoded to the
    Hail reference genome's name; the input's own chr2 name is kept for the report."""
    import pysam

    from il1rn_annot.opening import choose_build

    hl = hl_module()
    try:
        with pysam.VariantFile(path) as vf:
            contigs = {name: c.length for name, c in vf.header.contigs.items()}
            meta = [str(r).strip() for r in vf.header.records]
    except (OSError, ValueError) as exc:
        raise InputError(f"htslib cannot read its header ({exc})", path) from None
    chosen, source = choose_build(path, build, header_build_evidence(contigs, meta))
    if chosen is None:
        raise BuildError("cannot tell the genome build from the header: give --build", path)
    contig = find_chr2(contigs) or HAIL_CHR2[chosen]
    recode = {name: HAIL_CHR2[chosen] for name in CHR2_NAMES if name != HAIL_CHR2[chosen]}
    mt = hl.import_vcf(
        path,
        reference_genome=chosen,
        contig_recoding=recode,
        skip_invalid_loci=True,
        force_bgz=path.endswith(".gz"),
        array_elements_required=False,
    )
    return mt, path, (chosen, source, contig)


def input_build(mt, label: str, build: str | None) -> tuple[str, str]:
    """The build of a MatrixTable's locus, checked against ``build``."""
    if "locus" not in mt.row_key:
        raise InputError("no locus in its row key: not a variant MatrixTable", label)
    genome = mt.locus.dtype.reference_genome.name
    if genome not in BUILDS:
        raise BuildError(
            f"its reference genome is {genome}; il1rn-annot supports GRCh37 and GRCh38", label
        )
    if build is not None and build != genome:
        raise BuildError(f"it is on {genome}, not on {build} (--build)", label)
    return genome, f"the Hail reference genome ({genome})"


def collect(
    mt,
    label: str,
    build: str,
    build_source: str,
    contig: str,
    detail_sites: Sequence[tuple[int, int]],
    context: tuple[int, int] | None,
    vds_rows: bool = False,
) -> Collected:
    """Filter ``mt`` to the window (and context) and collect each row's sparse evidence.
    ``vds_rows``: a VDS's variant data, where a sample without an entry has no call there."""
    hl = hl_module()
    window = il1rn_window(build)
    low = window.start - LOOKBACK
    high = window.end + LOOKBACK
    if context is not None:
        low, high = min(low, context[0]), max(high, context[1])
    interval = hl.locus_interval(
        HAIL_CHR2[build], max(1, low), high, includes_end=True, reference_genome=build
    )
    mt = hl.filter_intervals(mt, [interval])
    if not vds_rows:
        mt = mt.unfilter_entries()  # a filtered entry is no data, never a reference call
    fields = [f for f in ENTRY_FIELDS if f in mt.entry]
    formats = frozenset(["GT", *fields] if "GT" in mt.entry else fields)
    if "GT" not in mt.entry:
        raise InputError("no GT entry field: nothing to call", label)
    end = mt.info.END if "info" in mt.row and "END" in mt.info else hl.missing(hl.tint32)
    length = mt.locus.position + hl.len(mt.alleles[0]) - 1
    mt = mt.annotate_rows(
        _stop=hl.if_else(hl.is_defined(end) & (end >= mt.locus.position), end, length)
    )
    pos = mt.locus.position
    symbolic = hl.any(
        lambda a: a.startswith("<") | a.contains("[") | a.contains("]"), mt.alleles[1:]
    )
    near = (pos <= window.end) & (mt._stop >= window.start)
    near |= symbolic & (pos >= window.start - LOOKBACK) & (pos <= window.end + LOOKBACK)
    if context is not None:
        near |= (pos >= context[0]) & (pos <= context[1])
    mt = mt.filter_rows(near)
    sites = hl.literal([list(s) for s in detail_sites], dtype=hl.tarray(hl.tarray(hl.tint32)))
    detail = hl.any(lambda s: (mt.locus.position <= s[1]) & (mt._stop >= s[0]), sites)
    mt = mt.annotate_rows(_detail=detail).add_col_index("_sample_index")
    gt = mt.GT
    gt_text = hl.or_else(hl.str(gt), "./.")  # a VCF writes a missing diploid GT so
    values = [gt_text, *(_text(hl, mt[f]) for f in fields)]
    full = hl.delimit(hl.array(values), ":")
    hom_ref = hl.is_defined(gt) & gt.is_hom_ref() & (gt.ploidy <= 2) & (gt.ploidy >= 1)
    plain = hl.is_defined(gt) & (gt.ploidy == 2) & ~gt.phased & gt.is_hom_ref()
    column = hl.if_else(mt._detail | ~hom_ref, full, gt_text)
    if vds_rows:
        wanted = hl.is_defined(mt.LA) if "LA" in mt.entry else hl.is_defined(gt)
    else:
        wanted = mt._detail | ~plain
    row = {
        "pos": mt.locus.position,
        "alleles": mt.alleles,
        "stop": mt._stop,
        "calls": hl.agg.filter(wanted, hl.agg.collect(hl.struct(i=mt._sample_index, text=column))),
        "present": hl.struct(**{f: hl.agg.any(hl.is_defined(mt[f])) for f in fields}),
    }
    if "rsid" in mt.row:
        row["rsid"] = mt.rsid
    if "filters" in mt.row:
        row["filters"] = mt.filters
    for key in ("SVTYPE", "CIPOS", "CIEND"):
        if "info" in mt.row and key in mt.info:
            row[key] = mt.info[key]
    rows = mt.annotate_rows(**{"_" + k: v for k, v in row.items()}).rows()
    found = rows.select(*("_" + k for k in row)).collect()
    samples = tuple(str(s) for s in mt.col_key[0].collect())
    return Collected(
        label=label,
        build=build,
        build_source=build_source,
        contig=contig,
        samples=samples,
        formats=formats,
        rows=tuple(_row(r, fields, vds_rows) for r in found),
    )


def _text(hl, value):
    """A FORMAT value as VCF text ('.' when missing; arrays comma-separated)."""
    if isinstance(value.dtype, hl.tarray | hl.tset):
        return hl.or_else(
            hl.delimit(hl.map(lambda v: hl.or_else(hl.str(v), "."), hl.array(value)), ","), "."
        )
    return hl.or_else(hl.str(value), ".")


def _row(r, fields: Sequence[str], vds_rows: bool) -> CollectedRow:
    """One collected Hail row as plain Python."""
    filters = r.get("_filters")
    keys = ("GT", *(f for f in fields if r._present[f]))
    positions = [0, *(1 + fields.index(f) for f in keys[1:])]
    calls = tuple(sorted((c.i, _keep(c.text, positions)) for c in r._calls))
    info = {k: _plain(r.get("_" + k)) for k in ("SVTYPE", "CIPOS", "CIEND")}
    return CollectedRow(
        pos=r._pos,
        ref=r._alleles[0],
        alts=tuple(r._alleles[1:]),
        stop=r._stop,
        filters=() if filters is None else tuple(sorted(filters)) or ("PASS",),
        record_id=r.get("_rsid"),
        info={k: v for k, v in info.items() if v is not None},
        keys=keys,
        calls=calls,
        default=None if vds_rows else "0/0",
    )


def _keep(text: str, positions: Sequence[int]) -> str:
    """The FORMAT text with only the row's present fields (a reduced GT-only text stays)."""
    values = text.split(":")
    if len(values) == 1:
        return text
    return ":".join(values[p] for p in positions)


def _plain(value):
    if isinstance(value, list):
        return tuple(value)
    return value
