"""Command line: options in, ``batch.run_batch`` called, reports written, exit code out.

Every failure leaves as one line on stderr with its exit code; ``--debug`` shows the traceback
instead. Exit codes: 0 success (whatever was found), 1 a bug in il1rn-annot, 2 usage, 3 input,
4 partial batch, 5 output (cannot write the report), 130 SIGINT, 143 SIGTERM; a closed stdout
pipe (``| head``) ends quietly with 0, as ``cat`` does.
"""

from __future__ import annotations

import os
import sys

import click

from il1rn_annot.cli_base import (
    BuildType,
    CommandGroup,
    debug_on,
    log,
    print_version,
    say,
    setup_logging,
)
from il1rn_annot.errors import OutputError, UsageError
from il1rn_annot.report.formats import FORMATS

# Start-up: `il1rn-annot --help` and `--version` import click and little else (the model, the
# genome, logging and the writers are imported where a command needs them; tests/test_startup.py).

EXIT_CODES = """\b
Exit codes: 0 success (whatever was found), 1 a bug in il1rn-annot (please report it),
2 usage error, 3 input error, 4 some inputs of a batch failed (the others' reports were
written), 5 the report cannot be written, 130 SIGINT, 143 SIGTERM."""


@click.group(
    cls=CommandGroup, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=print_version,
    help="Show the version of il1rn-annot and of its catalog (with its sha256), and exit.",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find the IL1RN variants that cause DIRA in VCF/BCF files."""
    ctx.ensure_object(dict)
    setup_logging(ctx)


@cli.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@click.option(
    "--build",
    type=BuildType(),
    help="Genome build of the input (GRCh38, GRCh37 or an alias: hg38, b38, hg19, b37; any "
    "case). Default: detected from the header (chr2 length, accession, ##reference), else from "
    "REF bases at catalog sites.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    help="Report format. Default: from the name given to -o (its last .json, .tsv, .txt "
    "(summary), .vcf or .bcf, so calls.tsv.gz.tmp is TSV), else json. A --format that "
    "contradicts the name is an error. vcf: the input's header and window records, unchanged "
    "but for INFO tags (DIRA_ID, DIRA_CLASS, DIRA_MATCH, IL1RN_CSQ, IL1RN_HGVSC, IL1RN_HGVSP, "
    "IL1RN_NONDIRA); .vcf.gz (BGZF + .tbi) and .bcf (+ .csi) are indexed.",
)
@click.option(
    "--per",
    type=click.Choice(["sample", "record"]),
    default="sample",
    show_default=True,
    help="TSV rows: one per sample and variant, or one per record (ALT allele) of the window "
    "with its catalog match, consequence and HGVS, whether or not the file has samples. "
    "Only with --format tsv.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the report here: a new or regular file is replaced atomically (through a "
    "symlink, its target is; its owner and group are kept); a device, FIFO or /dev/fd/N is "
    "written into; .gz after the format's suffix gzips (other compressions are refused). "
    "Default: stdout.",
)
@click.option(
    "--html",
    "html_page",
    metavar="FILE",
    help="Also write one self-contained HTML page for the whole batch (results in plain words, "
    "alleles, coverage, review reasons, failed inputs, a figure of the exons, what the test "
    "cannot see): no script, no network; written when the batch has run to its end.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    help="Write one report per INPUT into this directory, and il1rn_dira_mqc.tsv, a table "
    "of every sample's call for MultiQC. Without it, several INPUTs are combined into one TSV "
    "or summary, written as each input finishes; JSON needs it.",
)
@click.option(
    "--manifest",
    metavar="SHEET",
    help="A sample sheet (TSV: sample, vcf, and optionally sv, bam, ped; the Snakemake "
    "workflow's) instead of INPUTs: each row's VCF with its own --sv, --bam SAMPLE=PATH and "
    "--ped; paths relative to the sheet. Reports are named by sample, and the combined output "
    "and tables show each row's own sample.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Annotate this many inputs at once, in worker processes; outputs keep the input order.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Redo every input. Without it, a rerun into the same --output-dir skips the inputs "
    "whose report is finished and still matches the input, its side files, the options and the "
    "versions (a killed or failed batch resumes where it stopped).",
)
@click.option(
    "--split-samples",
    is_flag=True,
    help="With --output-dir: one report per sample, <input>.<sample>.json (or .tsv, .txt), "
    "each with every record of the window. Characters of a sample name that could leave the "
    "directory (/, .., NUL, control characters, %) are percent-encoded, a name too long for "
    "the file system is cut and ends in a hash, and names that differ only in case are refused.",
)
@click.option(
    "--samples",
    "sample_names",
    metavar="A,B,...",
    help="Only these samples (comma-separated), reported in the file's order; a name the file "
    "does not have is an error. The other samples' columns are not decoded.",
)
@click.option(
    "--samples-file",
    type=click.Path(dir_okay=False),
    help="Only the samples listed in this file, one name a line (as bcftools -S).",
)
@click.option(
    "-r",
    "--recursive",
    is_flag=True,
    help="Search directories given as INPUT in their subdirectories too. Hidden names "
    "(starting with '.') are skipped in a directory and below it.",
)
@click.option(
    "--inputs-from",
    metavar="FILE",
    help="A text file with one INPUT a line (blank lines and # comments skipped; relative "
    "paths from the working directory; '-' reads the list from stdin). INPUT may also be "
    "@FILE.",
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
    "(whole genomes: the controls are intergenic; exomes and panels need --targets). The "
    "sample is SAMPLE=, else the @RG SM tag, else the VCF's only sample; CRAM uses --fasta.",
)
@click.option(
    "--bam-manifest",
    type=click.Path(dir_okay=False),
    help="A TSV of 'sample<TAB>path' lines (a header line 'sample path' is allowed): one "
    "BAM/CRAM per sample, as --bam SAMPLE=PATH.",
)
@click.option(
    "--targets",
    type=click.Path(dir_okay=False),
    help="Exome/panel: the capture kit's target BED. Depth per target of every --bam/"
    "--bam-manifest file is compared with the batch's other samples (at least 6 of one run "
    "and kit); catalog sites outside the targets are not assessed.",
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
@click.option(
    "--catalog-overlay",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="A lab's own catalog rows (the catalog's columns): new alleles with ids of the lab's "
    "own, or overrides of a bundled row's classification and evidence (never its "
    "coordinates). Reports stamp its path and SHA-256; calls resting on it need review.",
)
@click.option(
    "--clinvar",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="A local ClinVar VCF as NCBI publishes it (clinvar.vcf.gz of the input's build; its "
    ".tbi is used when present): adds ClinVar id, significance and review status to every "
    "variant; a (likely) pathogenic one the catalog does not list needs review. Read "
    "locally: nothing goes over the network.",
)
@click.option(
    "--assume-sorted",
    is_flag=True,
    help="The inputs are sorted (in their header's ##contig order): a .vcf.gz or .vcf without "
    "an index is read around IL1RN by bisection, not to the end. Where the file shows "
    "otherwise it is read to the end; records out of place elsewhere can be missed.",
)
@click.pass_context
def annotate(
    ctx: click.Context,
    inputs: tuple[str, ...],
    build: str | None,
    fmt: str | None,
    per: str,
    output: str | None,
    html_page: str | None,
    output_dir: str | None,
    manifest: str | None,
    jobs: int,
    force: bool,
    split_samples: bool,
    sample_names: str | None,
    samples_file: str | None,
    recursive: bool,
    inputs_from: str | None,
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
    targets: str | None,
    require_index: bool,
    catalog_overlay: str | None,
    clinvar: str | None,
    assume_sorted: bool,
) -> None:
    """Annotate INPUT (VCF, VCF.gz, BCF, a directory of them, @FILE listing them, or '-' for
    stdin) and call DIRA genotypes per sample.

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
    from il1rn_annot.batch import (
        BatchSink,
        check_names,
        check_outputs,
        expand_inputs,
        make_tasks,
        run_batch,
        sheet_tasks,
    )
    from il1rn_annot.model import Options
    from il1rn_annot.report.output import format_for
    from il1rn_annot.side_inputs import read_bam_manifest, sample_list

    if manifest is not None and (inputs or inputs_from is not None):
        raise click.UsageError("give INPUTs or --manifest, not both")
    if manifest is not None and (sv or ped):
        raise click.UsageError(
            "with --manifest, give --sv and --ped files in the sheet's sv "
            "and ped columns (one per row)"
        )
    if not inputs and inputs_from is None and manifest is None:
        raise click.UsageError("Missing argument 'INPUT...'.")
    if output is not None and output_dir is not None:
        raise click.UsageError("give --output or --output-dir, not both")
    if output == "" or (output or "").endswith(os.sep):
        raise click.UsageError(
            f"-o/--output needs a file name ('-' for stdout), not {output!r}; "
            "--output-dir writes one report per input into a directory"
        )
    if output_dir == "":
        raise click.UsageError("--output-dir needs a directory name, not ''")
    try:
        fmt = format_for(output, fmt.lower() if fmt else None)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if per == "record" and fmt != "tsv":
        raise click.UsageError(f"--per record is for --format tsv, not {fmt}")
    _check_sample_options(fmt, output_dir, split_samples, sample_names, samples_file)
    if split_samples and per == "record":
        raise click.UsageError("--per record has no samples to split: leave out --split-samples")
    stdin_uses = list(inputs).count("-") + list(inputs).count("@-") + (inputs_from == "-")
    if stdin_uses > 1:
        raise click.UsageError("stdin ('-') can be given once")
    specs = tuple(_bam_spec(b) for b in bams)
    if bam_manifest:
        specs += read_bam_manifest(bam_manifest)
    options = Options(
        build=build,
        fasta=fasta,
        min_dp=min_dp,
        min_gq=min_gq,
        require_index=require_index,
        assume_sorted=assume_sorted,
        count_novel_lof=count_novel_lof,
        ped=ped,
        sv=sv,
        bams=specs,
        transcripts=transcripts,
        min_mapq=min_mapq,
        keep_text=fmt == "vcf",
        command=_command_line(ctx) if fmt == "vcf" else "",
        catalog_overlay=catalog_overlay,
        clinvar=clinvar,
        targets=targets,
        samples=sample_list(sample_names, samples_file),
    )
    if catalog_overlay:
        from il1rn_annot.catalog import load_catalog

        load_catalog(overlay=catalog_overlay)  # a bad overlay stops the run before any input
    if manifest is not None:
        from il1rn_annot.manifest import read_manifest

        tasks = sheet_tasks(read_manifest(manifest, fasta), options)
    else:
        tasks = make_tasks(expand_inputs(inputs, recursive, inputs_from), options)
    sources = [t.source for t in tasks]
    if len(tasks) > 1 and not output_dir and fmt in ("json", "vcf"):
        raise click.UsageError(
            f"several INPUTs with --format {fmt} need --output-dir (one report each); "
            "--format tsv and summary put them in one output"
        )
    sinks: list[BatchSink] = []
    reserved: tuple[str, ...] = ()
    if output_dir:
        from il1rn_annot.report.multiqc import FILE_NAME, MultiqcTable

        sinks.append(MultiqcTable(os.path.join(output_dir, FILE_NAME)))
        reserved = (FILE_NAME,)
    try:
        check_outputs(tasks, output, output_dir, fmt)
        if output_dir:
            check_names(tasks, output_dir, fmt, reserved=reserved)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if output_dir:
        try:
            os.makedirs(output_dir, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the directory: {exc.strerror}", output_dir) from None
    if html_page is not None:
        from il1rn_annot.report.html import HtmlPage, check_target

        try:
            check_target(html_page, output, sources)
        except UsageError as error:
            raise click.UsageError(str(error)) from None
        sinks.append(HtmlPage(html_page))
    progress = None
    logger = log()
    shown_level = logger.getEffectiveLevel() <= 30  # logging.WARNING: not --quiet
    if len(tasks) > 1 and sys.stderr.isatty() and shown_level:
        from il1rn_annot.progress import Progress

        progress = Progress(len(tasks), sys.stderr, logger)
    result = run_batch(
        tasks,
        options,
        fmt,
        output,
        output_dir,
        debug=debug_on(ctx),
        per=per,
        sinks=sinks,
        jobs=jobs,
        resume=not force,
        progress=progress,
        split=split_samples,
    )
    # On a terminal; elsewhere only when a rerun skipped inputs (stderr is for problems).
    shown = progress is not None or result.skipped
    if len(tasks) > 1 and shown and shown_level:
        say(f"il1rn-annot: {result.summary()}")
    if result.exit_code:
        ctx.exit(result.exit_code)


def _check_sample_options(
    fmt: str, output_dir: str | None, split: bool, names: str | None, path: str | None
) -> None:
    if names is not None and path is not None:
        raise click.UsageError("give --samples or --samples-file, not both")
    if names is not None and not any(names.split(",")):
        raise click.UsageError(f"--samples needs sample names, not {names!r}")
    if fmt == "vcf" and (names is not None or path is not None or split):
        raise click.UsageError(
            "--format vcf keeps every sample column of the input: select samples with "
            "'bcftools view -s' first"
        )
    if split and output_dir is None:
        raise click.UsageError("--split-samples writes into --output-dir: give it")


def _command_line(ctx: click.Context) -> str:
    """The command as the user gave it (named in an annotated VCF's header, as bcftools does)."""
    args = getattr(ctx.find_root().command, "raw_args", sys.argv[1:])
    import shlex

    return shlex.join(["il1rn-annot", *args])


def _bam_spec(text: str) -> tuple[str | None, str]:
    """``SAMPLE=PATH`` or ``PATH`` (a path may itself contain '=' when it exists as written)."""
    sample, sep, path = text.partition("=")
    if not sep or os.path.exists(text):
        return None, text
    return sample, path


@cli.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the JSON report; its $id names the
    schema_version that reports carry."""
    from il1rn_annot.report.json import schema_text

    click.echo(schema_text(), nl=False)


# The catalog and hail commands live in their own modules; importing them registers them on `cli`.
from il1rn_annot import cli_catalog, cli_hail  # noqa: E402, F401


def main() -> None:
    cli(prog_name="il1rn-annot")
