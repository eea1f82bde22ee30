"""Command line: options in, ``pipeline.annotate`` called, report written, exit code out.

Every failure the user can act on arrives here as an ``Il1rnAnnotError`` and leaves as one line
on stderr with its exit code (0 ok, 2 usage, 3 input, 4 partial batch); ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from il1rn_annot import __version__
from il1rn_annot.errors import (
    EXIT_INPUT,
    EXIT_PARTIAL,
    Il1rnAnnotError,
    InputError,
    OutputError,
    UsageError,
)
from il1rn_annot.genome import BUILDS
from il1rn_annot.model import Options
from il1rn_annot.report import FORMATS

log = logging.getLogger("il1rn_annot")

SUFFIXES = (".g.vcf.gz", ".gvcf.gz", ".vcf.gz", ".vcf.bgz", ".vcf", ".bcf")
EXTENSIONS = {"json": ".json", "tsv": ".tsv", "summary": ".txt"}


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"il1rn-annot: {record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(quiet: bool, debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING)


def _fail(ctx: click.Context, error: Il1rnAnnotError) -> None:
    if ctx.obj.get("debug"):
        raise error
    click.echo(f"il1rn-annot: error: {error}", err=True)
    ctx.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="il1rn-annot")
@click.option("--quiet", is_flag=True, help="Show errors only, no warnings.")
@click.option("--debug", is_flag=True, help="Show debug messages and tracebacks.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, debug: bool) -> None:
    """Find the IL1RN variants that cause DIRA in VCF/BCF files."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    _setup_logging(quiet, debug)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--build",
    type=click.Choice(BUILDS),
    help="Genome build of the input. Default: detected from the header (chr2 length, "
    "accession, ##reference), else from REF bases at catalog sites.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report here (atomically). Default: stdout.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, writable=True),
    help="Write one report per INPUT into this directory. Without it, several INPUTs are "
    "combined into one TSV or summary; JSON needs it.",
)
@click.option(
    "--fasta",
    type=click.Path(dir_okay=False),
    help="Reference FASTA of the input's build (.fai; bgzipped needs .gzi too): left-aligns "
    "indels, fixes codons and HGVS shifts exactly; the reference of CRAM files.",
)
@click.option(
    "--transcripts",
    type=click.Choice(["mane", "all"]),
    default="mane",
    show_default=True,
    help="'all' adds each variant's names on NM_173841, NM_000577 and NM_173843 where they "
    "share NM_173842.3's exons, and on the first two 5' of that by their derived coding exons.",
)
@click.option(
    "--min-dp",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Sample depth (FORMAT/DP) below which evidence cannot decide a call.",
)
@click.option(
    "--min-gq",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Genotype quality (FORMAT/GQ) below which evidence cannot decide a call.",
)
@click.option(
    "--count-novel-lof",
    is_flag=True,
    help="Count alleles outside the catalog that are predicted to destroy IL1RN (stop, "
    "frameshift, canonical splice site, start loss, deletion of coding exons) towards the call; "
    "by default they only set needs_review.",
)
@click.option(
    "--ped",
    type=click.Path(dir_okay=False),
    help="PED file: parents in the same VCF phase a child's two alleles by inheritance.",
)
@click.option(
    "--sv",
    type=click.Path(dir_okay=False),
    help="A second VCF/BCF with SV/CNV calls (Manta, Delly, GATK gCNV, ...) for the same "
    "samples, matched by sample name.",
)
@click.option(
    "--bam",
    "bams",
    multiple=True,
    metavar="[SAMPLE=]PATH",
    help="BAM/CRAM of a sample (repeatable): depth over the coding exons as deletion evidence "
    "(whole genomes: the controls are intergenic, so exomes are too shallow). The sample is "
    "SAMPLE=, else the @RG SM tag, else the VCF's only sample; CRAM uses --fasta.",
)
@click.option(
    "--bam-manifest",
    type=click.Path(dir_okay=False),
    help="A TSV of 'sample<TAB>path' lines (a header line 'sample path' is allowed): one "
    "BAM/CRAM per sample, as --bam SAMPLE=PATH.",
)
@click.option(
    "--min-mapq",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Reads below this mapping quality do not count towards depth.",
)
@click.option(
    "--require-index",
    is_flag=True,
    help="Fail instead of streaming when a file has no .tbi/.csi index.",
)
@click.pass_context
def annotate(
    ctx: click.Context,
    inputs: tuple[str, ...],
    build: str | None,
    fmt: str,
    output: str | None,
    output_dir: str | None,
    fasta: str | None,
    transcripts: str,
    min_dp: int,
    min_gq: int,
    count_novel_lof: bool,
    ped: str | None,
    sv: str | None,
    bams: tuple[str, ...],
    bam_manifest: str | None,
    min_mapq: int,
    require_index: bool,
) -> None:
    """Annotate INPUT (VCF, VCF.gz, BCF, a directory of them, or '-' for stdin) and call
    DIRA genotypes per sample.

    \b
    dira_genotype per sample:
      biallelic           two pathogenic alleles: homozygous, or in trans
      biallelic_unphased  two different heterozygous pathogenic alleles, phase unknown
      monoallelic         one heterozygous pathogenic allele (a carrier), or two in cis
      none                no pathogenic allele found in what the input shows; a
                          variant-only VCF never excludes a deletion (see coverage)
      indeterminate       the evidence cannot decide: no-calls, failed filters, haploid
                          GT, coverage holes, deletions over sites, disagreeing records
    """
    from il1rn_annot.pipeline import annotate as run
    from il1rn_annot.reader import read_bam_manifest
    from il1rn_annot.report import render, write_output

    specs = tuple(_bam_spec(b) for b in bams)
    if bam_manifest:
        try:
            specs += read_bam_manifest(bam_manifest)
        except Il1rnAnnotError as error:
            _fail(ctx, error)

    options = Options(
        build=build,
        fasta=fasta,
        min_dp=min_dp,
        min_gq=min_gq,
        require_index=require_index,
        count_novel_lof=count_novel_lof,
        ped=ped,
        sv=sv,
        bams=specs,
        transcripts=transcripts,
        min_mapq=min_mapq,
    )
    if list(inputs).count("-") > 1:
        raise click.UsageError("stdin ('-') can be given once")
    try:
        inputs = _expand(inputs)
    except Il1rnAnnotError as error:
        _fail(ctx, error)
    if output and output_dir:
        raise click.UsageError("give --output or --output-dir, not both")
    if len(inputs) > 1 and not output_dir and fmt == "json":
        raise click.UsageError(
            "several INPUTs with --format json need --output-dir (one report each); "
            "--format tsv and summary put them in one output"
        )
    if output and not Path(output).resolve().parent.is_dir():
        _fail(ctx, UsageError("the output directory does not exist", output))
    debug = ctx.obj.get("debug")
    if output_dir:
        _check_names(inputs, output_dir, fmt)
        try:
            Path(output_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(ctx, OutputError(f"cannot create the directory: {exc.strerror}", output_dir))
    reports, failed = [], 0
    for source in inputs:
        try:
            report = _guarded(run, source, options, debug)
            if output_dir:
                target = Path(output_dir) / (_stem(source) + EXTENSIONS[fmt])
                write_output(render([report], fmt), str(target))
            else:
                reports.append(report)
        except Il1rnAnnotError as error:
            if debug:
                raise
            if len(inputs) == 1:
                _fail(ctx, error)
            failed += 1
            click.echo(f"il1rn-annot: error: {error}", err=True)
    if reports:
        try:
            write_output(render(reports, fmt), output)
        except Il1rnAnnotError as error:
            _fail(ctx, error)
    if failed:
        ctx.exit(EXIT_PARTIAL if failed < len(inputs) else EXIT_INPUT)


def _expand(inputs: tuple[str, ...] | list[str]) -> list[str]:
    """A directory stands for the VCF/BCF files in it, in name order."""
    out: list[str] = []
    for source in inputs:
        path = Path(source)
        if source != "-" and path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if p.name.endswith(SUFFIXES))
            if not found:
                raise InputError("is a directory with no .vcf, .vcf.gz or .bcf file in it", source)
            out.extend(found)
        else:
            out.append(source)
    return out


def _check_names(inputs: list[str], output_dir: str, fmt: str) -> None:
    names = [_stem(source) for source in inputs]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise click.UsageError(
            f"several inputs would write {output_dir}/{clash[0]}{EXTENSIONS[fmt]}: "
            "give inputs with different names"
        )


def _guarded(run, source: str, options: Options, debug: bool = False):
    """Run one input; an unexpected failure becomes one error line for that input (a batch goes
    on with the others), or a traceback under --debug."""
    try:
        return run(source, options)
    except Il1rnAnnotError:
        raise
    except Exception as exc:
        if debug:
            raise
        raise InputError(
            f"unexpected {type(exc).__name__} while reading it ({exc}); "
            "please report this with the output of --debug",
            "<stdin>" if source == "-" else source,
        ) from exc


def _bam_spec(text: str) -> tuple[str | None, str]:
    """``SAMPLE=PATH`` or ``PATH`` (a path may itself contain '=' when it exists as written)."""
    sample, sep, path = text.partition("=")
    if not sep or Path(text).exists():
        return None, text
    return sample, path


def _stem(source: str) -> str:
    name = "stdin" if source == "-" else Path(source).name
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@cli.group()
def catalog() -> None:
    """The curated catalog of DIRA alleles."""


@catalog.command("list")
@click.option("--all-columns", is_flag=True, help="Print every column of the catalog (TSV).")
@click.option(
    "--grep",
    "pattern",
    metavar="TEXT",
    help="Only the rows with a name that starts with TEXT (an id, legacy name such as E77X, "
    "HGVS c./p. with or without NM_173842.3:, ClinVar id, rsID), or whose names or origin "
    "contain TEXT (words such as 'Puerto Rican', 'Dutch').",
)
@click.pass_context
def catalog_list(ctx: click.Context, all_columns: bool, pattern: str | None) -> None:
    """List every catalogued allele and whether this version can match it (TSV on stdout; the
    catalog version and SHA-256 go to stderr, so the table reads as plain TSV)."""
    from il1rn_annot.catalog import CATALOG_COLUMNS, load_catalog
    from il1rn_annot.catalog_search import grep

    try:
        cat = load_catalog()
    except Il1rnAnnotError as error:
        _fail(ctx, error)
        return
    click.echo(f"# catalog_version {cat.version} sha256 {cat.sha256}", err=True)
    entries = list(cat.entries) if pattern is None else grep(cat, pattern)
    if not entries:
        click.echo(f"il1rn-annot: no catalog row matches {pattern!r}", err=True)
    if all_columns:
        click.echo("\t".join(CATALOG_COLUMNS))
        for entry in entries:
            click.echo("\t".join(entry.row[c] for c in CATALOG_COLUMNS))
        return
    header = (
        "id",
        "name",
        "legacy_names",
        "classification",
        "evidence_level",
        "GRCh38",
        "matching",
    )
    click.echo("\t".join(header))
    for e in entries:
        locus = e.locus("GRCh38")
        where = ""
        if locus is not None:
            where = (
                f"2:{locus.pos}-{locus.end} {locus.alt}"
                if locus.symbolic
                else f"2:{locus.pos} {locus.ref}>{locus.alt}"
            )
        names = "; ".join(e.legacy_names)
        row = (e.id, e.name, names or "-", e.classification, e.evidence_level, where or "-")
        click.echo("\t".join((*row, e.matching)))


@catalog.command("show")
@click.argument("allele")
@click.pass_context
def catalog_show(ctx: click.Context, allele: str) -> None:
    """Show every field of a catalogued allele or known non-DIRA allele, found by its id
    (DIRA01, CTRL12), a legacy name (E77X, N52KfsX25, 'Puerto Rican'), HGVS c./p. (c.229G>T,
    p.Glu77Ter, with or without NM_173842.3:), a ClinVar id (VCV000014675 or 14675) or an
    rsID. Several rows that share the name are all shown."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.catalog_search import find

    try:
        cat = load_catalog()
    except Il1rnAnnotError as error:
        _fail(ctx, error)
        return
    rows = find(cat, allele)
    if not rows:
        raise click.BadParameter(
            f"no allele {allele!r} in the catalog: give an id (DIRA…, CTRL…), a legacy name, "
            "HGVS c./p., ClinVar id or rsID ('catalog list --grep' searches)"
        )
    merged = cat.merged_into(allele.strip().upper())
    if merged is not None:
        click.echo(f"il1rn-annot: {allele.strip().upper()} was merged into {merged.id}", err=True)
    if len(rows) > 1:
        ids = ", ".join(r.id for r in rows)
        click.echo(f"il1rn-annot: {len(rows)} alleles answer to {allele!r}: {ids}", err=True)
    for n, row in enumerate(rows):
        if n:
            click.echo("")
        for key, value in row.row.items():
            click.echo(f"{key}\t{value}")


@catalog.command("diff")
@click.argument("old", metavar="OLD.tsv")
@click.argument("new", metavar="[NEW.tsv]", required=False)
@click.pass_context
def catalog_diff(ctx: click.Context, old: str, new: str | None) -> None:
    """Show what changed from an older catalog file OLD.tsv to the bundled catalog (or NEW.tsv):
    added, removed, merged and changed rows, field by field (TSV). may_change_calls is 'yes'
    where a change can alter a call: re-review the samples whose call rests on that row."""
    from il1rn_annot.catalog import CATALOG_FILE, data_dir
    from il1rn_annot.catalog_diff import diff, read_table

    try:
        before = read_table(old)
        after = read_table(new or str(data_dir() / CATALOG_FILE))
    except Il1rnAnnotError as error:
        _fail(ctx, error)
        return
    click.echo("\t".join(("change", "id", "field", "old", "new", "may_change_calls")))
    for c in diff(before, after):
        yes = "yes" if c.may_change_calls else ""
        click.echo("\t".join((c.change, c.id, c.field, c.old, c.new, yes)))


def main() -> None:
    cli(prog_name="il1rn-annot")
