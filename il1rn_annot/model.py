"""Plain data classes that cross module boundaries. No I/O and no logic beyond small properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas

    from il1rn_annot.model_depth import ControlDepth, ExonDepth, TargetDepthEvidence

# dira_genotype values, from least to most severe (design.md).
NONE = "none"
MONOALLELIC = "monoallelic"
BIALLELIC_UNPHASED = "biallelic_unphased"
BIALLELIC = "biallelic"
INDETERMINATE = "indeterminate"

#: Classification of an allele outside the catalog that is predicted to destroy IL1RN.
NOVEL_LOF = "novel_predicted_lof"


@dataclass(frozen=True)
class Region:
    """A 1-based, inclusive interval on one contig."""

    chrom: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.chrom}:{self.start}-{self.end}"


@dataclass(frozen=True)
class SampleCall:
    """One sample's FORMAT values for one record, as the file states them.

    Samples are identified by their column (the record's ``calls`` are in header order), so equal
    values can share one object across a cohort.
    """

    alleles: tuple[int | None, ...]  # allele indices of the record; None = missing ('.')
    phased: bool
    phase_set: int | str | None = None
    depth: int | None = None
    gq: int | None = None
    quality_unknown: tuple[str, ...] = ()  # DP/GQ declared in FORMAT but missing for this call
    sample_filter: str | None = None  # FORMAT/FT
    gt: str = ""  # the GT as written, when it was read from a file
    copy_number: int | None = None  # FORMAT/CN of CNV callers
    absent: bool = False  # the sample is not in the file this record came from (--sv)

    @property
    def gt_text(self) -> str:
        """The GT as VCF text, e.g. ``0/1``, ``1|0``, ``./1`` or haploid ``1``."""
        if self.gt:
            return self.gt
        sep = "|" if self.phased else "/"
        return sep.join("." if a is None else str(a) for a in self.alleles) or "."


class CallColumn(tuple):
    """A cohort record's calls (a tuple, one ``SampleCall`` per sample) that also says which
    samples share each call: ``distinct[codes[i]]`` is sample i's call (``codes``: a numpy
    integer array). The cohort reader knows the groups as it makes the calls; calling samples
    by group (``genotype._by_call``) then need not find them again."""

    distinct: tuple[SampleCall, ...]
    codes: object


@dataclass(frozen=True)
class VariantRecord:
    """One VCF/BCF record of the window, read by ``reader`` and frozen before the core sees it."""

    chrom: str
    pos: int
    ref: str
    alts: tuple[str, ...]
    end: int
    filters: tuple[str, ...]
    record_id: str | None
    calls: tuple[SampleCall, ...]
    index: int  # order in the window, for stable output
    svtype: str | None = None  # INFO/SVTYPE
    cipos: tuple[int, int] = (0, 0)  # INFO/CIPOS: uncertainty of POS
    ciend: tuple[int, int] = (0, 0)  # INFO/CIEND: uncertainty of END
    sv_file: bool = False  # from the --sv file: an SV caller's 0/0 proves no small-variant site
    text: str = ""  # the record's line as the input has it (only for --format vcf: keep_text)

    @property
    def filter_text(self) -> str:
        return ";".join(self.filters) if self.filters else "."

    @property
    def passed(self) -> bool:
        return not self.filters or self.filters == ("PASS",)


@dataclass(frozen=True)
class Allele:
    """A VCF-style allele: 1-based position, REF and one ALT."""

    pos: int
    ref: str
    alt: str

    @property
    def end(self) -> int:
        return self.pos + len(self.ref) - 1

    @property
    def symbolic(self) -> bool:
        """A symbolic SV allele or a breakend, single ones (``N.``, ``.N``) included."""
        alt = self.alt
        single = len(alt) > 1 and (alt.startswith(".") or alt.endswith("."))
        return alt.startswith("<") or "[" in alt or "]" in alt or single

    def __str__(self) -> str:
        return f"{self.pos}:{self.ref}>{self.alt}"


@dataclass(frozen=True)
class AltAllele:
    """One ALT of one record after splitting and normalization."""

    record: VariantRecord
    alt_index: int  # 1-based index into record.alts, as GT numbers it
    allele: Allele  # normalized
    input: Allele  # as written in the file
    notes: tuple[str, ...] = ()
    #: a breakend's mate records' own CIPOS (the uncertainty of the other end of the deletion)
    mate_ci: tuple[int, int] | None = None

    @property
    def changed(self) -> bool:
        return self.allele != self.input


@dataclass(frozen=True)
class ClinvarAssertion:
    """One ClinVar VCF record that is the allele (clinvar.py), as the file states it."""

    variation_id: str  # the VCF's ID column: ClinVar's VariationID
    significance: str  # CLNSIG, e.g. Pathogenic/Likely_pathogenic
    review_status: str  # CLNREVSTAT, e.g. criteria_provided,_single_submitter
    conflicts: str = ""  # CLNSIGCONF, for conflicting classifications
    match: str = ""  # exact | normalized

    @property
    def accession(self) -> str:
        """The VariationID as ClinVar's pages and the catalog write it (VCV000014675)."""
        return f"VCV{int(self.variation_id):09d}" if self.variation_id.isdigit() else ""

    @property
    def pathogenic(self) -> bool:
        """ClinVar calls it pathogenic or likely pathogenic (alone or with another term)."""
        terms = self.significance.lower().replace("|", "/").split("/")
        return any(t.startswith(("pathogenic", "likely_pathogenic")) for t in terms)

    @property
    def conflicting_pathogenic(self) -> bool:
        """Conflicting classifications of which at least one is (likely) pathogenic."""
        return self.significance.lower().startswith("conflicting") and (
            "pathogenic" in self.conflicts.lower()
        )

    @property
    def benign(self) -> bool:
        terms = self.significance.lower().replace("|", "/").split("/")
        return bool(terms) and all(t.startswith(("benign", "likely_benign")) for t in terms)


@dataclass(frozen=True)
class AnnotatedAllele:
    """An ALT allele with what the catalog says of it."""

    alt: AltAllele
    dira_id: str = ""
    dira_name: str = ""
    dira_legacy_names: tuple[str, ...] = ()  # the catalog allele's names as published (E77X)
    classification: str = "not_in_catalog"
    evidence_level: str = ""
    match: str = ""  # exact | normalized | ""
    catalog_source: str = ""  # bundled | overlay | overlay_override ("" when no catalog allele)
    non_dira_id: str = ""  # a known non-DIRA allele (data/non_dira_variants.tsv)
    non_dira_name: str = ""  # what the record is as that allele, e.g. "IL1RN*2 (2 repeats) ..."
    alternative_to: str = ""
    hgvs_c: str = ""  # curated names of catalog alleles, on NM_173842.3
    hgvs_p: str = ""
    location: str = ""
    consequence: str = ""  # Sequence Ontology term(s) on NM_173842.3
    warnings: tuple[str, ...] = ()  # REF mismatches and other problems of the record itself
    counted: bool = False  # a novel loss-of-function allele counted by --count-novel-lof
    mate: bool = False  # the second breakend of a deletion already described by its first
    other_transcripts: tuple[str, ...] = ()  # names on the other isoforms (--transcripts all)
    #: A breakend inside IL1RN that no deletion explains: where it is and what it joins. The
    #: rearrangement may disrupt the gene, so it can never be ignored or proven harmless.
    rearrangement: str = ""
    clinvar: ClinvarAssertion | None = None  # what the user's --clinvar file says of the allele

    @property
    def pathogenic(self) -> bool:
        """Whether the allele counts towards the sample's dira_genotype."""
        catalogued = self.classification in ("pathogenic", "likely_pathogenic")
        return (bool(self.dira_id) and catalogued) or self.counted

    @property
    def key(self) -> str:
        """The catalog id, or a name for a novel allele: what the call counts copies of."""
        if self.dira_id:
            return self.dira_id
        a = self.alt.allele
        return f"novel {self.alt.record.chrom}:{a.pos} {a.ref}>{a.alt}"


@dataclass
class SampleVariant:
    """One allele as one sample carries it: the report's variant row."""

    annotated: AnnotatedAllele
    call: SampleCall
    zygosity: str  # het | hom_alt | hemizygous | no_call
    copies: int  # called copies of this ALT
    missing: int  # missing allele slots in the GT
    quality_flags: tuple[str, ...] = ()  # why the evidence fails FILTER/thresholds

    @property
    def passed(self) -> bool:
        return not self.quality_flags


@dataclass
class Coverage:
    """What the input proves about the catalog sites for one sample."""

    evidence: str  # variant_calls | gvcf
    proven_reference: bool
    sites_total: int
    sites_called: list[str] = field(default_factory=list)
    sites_not_assessed: list[str] = field(default_factory=list)
    note: str = ""
    cds_bases_called: int | None = None  # NM_173842 coding bases confidently called (gVCF)
    cds_bases_total: int | None = None
    possible_homozygous_deletion: bool = False
    deletion_pattern: str = ""  # genotype-pattern evidence across the founder interval
    #: Targeted data (--targets): catalog sites no capture target covers, and sites in a target
    #: whose read depth in this sample is below --min-dp. Not assessed, never reference.
    sites_outside_capture: list[str] = field(default_factory=list)
    sites_below_depth: list[str] = field(default_factory=list)


@dataclass
class SampleReport:
    sample: str
    dira_genotype: str
    needs_review: bool
    review_reasons: list[str]
    coverage: Coverage
    variants: list[SampleVariant]
    notes: list[str] = field(default_factory=list)
    depth: DepthEvidence | None = None  # read depth from the sample's BAM/CRAM


@dataclass(frozen=True)
class InputInfo:
    path: str
    build: str
    build_source: str
    contig: str | None
    window: Region
    access: str  # index | bisection | stream | hail (il1rn_annot.hail)
    samples: tuple[str, ...]
    gvcf: bool = False


@dataclass(frozen=True)
class ToolInfo:
    name: str
    version: str
    catalog_version: str
    catalog_sha256: str
    catalog_overlay: str | None = None  # a lab's --catalog-overlay: path and sha256
    catalog_overlay_sha256: str | None = None


@dataclass(frozen=True)
class ClinvarSource:
    """The --clinvar file a report's ClinVar fields come from."""

    path: str
    file_date: str  # ##fileDate: which ClinVar release
    access: str  # index | bisection | stream | hail (il1rn_annot.hail)
    alleles_in_window: int


@dataclass(frozen=True)
class VcfText:
    """What an annotated VCF is made of: the input's header and the window's records, as the
    input has them (kept only for --format vcf, since a writer must not read the input again)."""

    header: str  # the header lines, #CHROM line included
    records: tuple[VariantRecord, ...]  # the window's records of the main input, with ``text``
    command: str = ""  # the command line, for the header


@dataclass
class Report:
    schema_version: str
    tool: ToolInfo
    input: InputInfo
    samples: list[SampleReport]
    options: dict[str, object] = field(default_factory=dict)
    #: Problems of the input as a whole (out-of-order records, an empty window, records skipped):
    #: shown in every format, since a quiet `none` must never hide them.
    warnings: list[str] = field(default_factory=list)
    #: Every ALT allele of the window once, annotated, whether or not the file has samples.
    records: list[AnnotatedAllele] = field(default_factory=list)
    #: The input's text, for the annotated VCF (None unless ``Options.keep_text``).
    vcf_text: VcfText | None = None
    #: The --clinvar file, when one was given (each record's ``clinvar`` holds what it says).
    clinvar: ClinvarSource | None = None

    # The notebook face (il1rn_annot.api, docs/api.md): imported on use, pandas with it.

    def to_dataframe(self) -> pandas.DataFrame:
        """One row per sample and variant, the TSV's columns, as a pandas DataFrame."""
        from il1rn_annot.api import to_dataframe

        return to_dataframe(self)

    def records_dataframe(self) -> pandas.DataFrame:
        """One row per record (ALT allele) of the window, as ``--per record``."""
        from il1rn_annot.api import records_dataframe

        return records_dataframe(self)

    def to_dict(self) -> dict:
        """The JSON report as Python values."""
        from il1rn_annot.report.json import report_dict

        return report_dict(self)

    def to_json(self) -> str:
        """The JSON report, as ``--format json`` writes it."""
        from il1rn_annot.report.json import render_json

        return render_json(self)


@dataclass(frozen=True)
class Options:
    """Everything a run needs besides the input path; built by the CLI, read by the pipeline."""

    build: str | None = None
    fasta: str | None = None
    min_dp: int = 10
    min_gq: int = 20
    require_index: bool = False
    assume_sorted: bool = False  # an unindexed text VCF may be read by bisection
    count_novel_lof: bool = False
    ped: str | None = None
    bams: tuple[tuple[str | None, str], ...] = ()  # (sample or None, BAM/CRAM path)
    transcripts: str = "mane"  # mane | all
    sv: str | None = None  # a second VCF with the SV/CNV calls of the same samples
    min_mapq: int = 20
    keep_text: bool = False  # keep the header and record lines, for the annotated VCF
    command: str = ""  # the command line, named in an annotated VCF's header
    catalog_overlay: str | None = None  # a lab's own catalog rows (overlay.py)
    clinvar: str | None = None  # a local ClinVar VCF (clinvar.py)
    targets: str | None = None  # the capture kit's BED: exome/panel depth against the batch
    samples: tuple[str, ...] | None = None  # only these samples (--samples), else all


@dataclass(frozen=True)
class DepthEvidence:
    """What one alignment file says about the IL1RN copy number."""

    path: str
    sample: str | None  # @RG SM; None when the header has none
    build: str
    contig: str  # chr2 as the file names it
    control_depth: float  # mean over both controls
    controls: tuple[ControlDepth, ...]
    exons: tuple[ExonDepth, ...]
    ratio: float | None  # mean of the exon ratios
    copies: int | None  # 0, 1, 2; None unless status is "ok"
    status: str  # ok | insufficient_depth | unclear; targeted data: also batch_too_small,
    # too_noisy, no_targets
    note: str
    targeted: TargetDepthEvidence | None = None  # exome/panel: the batch-reference evidence


#: Read-depth evidence of alignment files (--bam, --targets) besides ``DepthEvidence`` (which the
#: deletion rules import): in ``model_depth``, so that a run without alignment files does not
#: make these data classes (Python compiles each one's methods: about half a millisecond each
#: at start-up). Importable from here as before.
_DEPTH = frozenset(
    {"CaptureTarget", "TargetDepth", "TargetDepthEvidence", "ExonDepth", "ControlDepth"}
)


def __getattr__(name: str):
    if name in _DEPTH:
        from il1rn_annot import model_depth

        return getattr(model_depth, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
