"""Command line: options in, ``batch.run_batch`` called, reports written, exit code out.

Every failure leaves as one line on stderr with its exit code; ``--debug`` shows the traceback
instead. Exit codes: 0 success (whatever was found), 1 a bug in il1rn-annot, 2 usage, 3 input,
4 partial batch, 5 output (cannot write the report), 130 SIGINT, 143 SIGTERM; a closed stdout
pipe (``| head``) ends quietly with 0, as ``cat`` does.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from il1rn_annot import __version__
from il1rn_annot.errors import (
    EXIT_INTERNAL,
    EXIT_OUTPUT,
    Il1rnAnnotError,
    Interrupted,
    OutputError,
    UsageError,
)
from il1rn_annot.report.formats import FORMATS, STDOUT

if TYPE_CHECKING:
    import logging

# Start-up: `il1rn-annot --help` and `--version` import click and little else (the model, the
# genome, logging and the writers are imported where a command needs them; tests/test_startup.py).

#: errno values of a failed write: reported as an output failure (exit 5), not as a bug.
OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EBADF}


def _log() -> logging.Logger:
    import logging

    return logging.getLogger("il1rn_annot")


def _setup_logging(ctx: click.Context) -> None:
    """Level from --quiet/--debug, wherever they were given (before or after the subcommand)."""
    import logging

    class OneLine(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return f"il1rn-annot: {record.levelname.lower()}: {record.getMessage()}"

    log = _log()
    flags = ctx.find_root().ensure_object(dict)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLine())
    log.handlers[:] = [handler]
    log.propagate = False
    level = logging.WARNING
    if flags.get("debug"):
        level = logging.DEBUG
    elif flags.get("quiet"):
        level = logging.ERROR
    log.setLevel(level)


def _log_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        ctx.find_root().ensure_object(dict)[param.name] = True
        _setup_logging(ctx)


def _log_options() -> list[click.Option]:
    """--quiet and --debug, added to every command and group so they work in any position."""
    common = {"is_flag": True, "expose_value": False, "is_eager": True, "callback": _log_flag}
    return [
        click.Option(["--quiet"], help="Show errors only, no warnings.", **common),
        click.Option(["--debug"], help="Show debug messages and tracebacks.", **common),
    ]


class _Command(click.Command):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_log_options())


class _Group(click.Group):
    """Adds --quiet/--debug to its commands and subgroups, and is the one error boundary: every
    exception leaves as one line and an exit code (module docstring)."""

    command_class = _Command
    group_class = type  # subgroups are _Group too

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_log_options())

    def main(  # type: ignore[override]
        self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra
    ):
        """Click's standalone mode, done here so that no write can change the exit code: Click
        itself exits 1 on a closed stdout pipe, and shows a traceback when a usage message
        cannot be written."""
        self.raw_args = list(args) if args is not None else sys.argv[1:]  # for VCF headers
        with _signals_raise():
            if not standalone_mode:
                return super().main(args, prog_name, complete_var, False, **extra)
            code = self._standalone(args, prog_name, complete_var, **extra)
        sys.exit(code)

    def _standalone(self, args, prog_name, complete_var, **extra) -> int:
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except Interrupted as stop:
            say(f"il1rn-annot: error: interrupted by {signal.Signals(stop.signum).name}")
            return stop.exit_code
        except click.ClickException as error:
            try:
                error.show()
            except OSError:
                _silence(sys.stderr)  # a full or closed stderr: the exit code still tells
            return error.exit_code
        except click.Abort:
            say("Aborted!")
            return 1
        return result if isinstance(result, int) else 0

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with _boundary(ctx):  # --help and --version write to stdout while options are parsed
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        with _boundary(ctx):
            return super().invoke(ctx)


@contextlib.contextmanager
def _boundary(ctx: click.Context) -> Iterator[None]:
    """Every exception of a command or of its option parsing becomes one line and an exit
    code (module docstring); Click's own exceptions and signals pass through to ``main``."""
    try:
        yield
    except (click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except Il1rnAnnotError as error:
        if _debug(ctx):
            raise
        if isinstance(error, OutputError) and error.path == STDOUT:
            _silence(sys.stdout)
        say(f"il1rn-annot: error: {error}")
        raise click.exceptions.Exit(error.exit_code) from None
    except BrokenPipeError:
        _silence(sys.stdout)  # the reader has all it wanted (| head): not an error
        raise click.exceptions.Exit(0) from None
    except OSError as exc:
        if exc.filename is not None or exc.errno not in OUTPUT_ERRNOS or _debug(ctx):
            _internal(ctx, exc)
        _silence(sys.stdout)
        say(f"il1rn-annot: error: {STDOUT}: cannot write: {exc.strerror}")
        raise click.exceptions.Exit(EXIT_OUTPUT) from None
    except Exception as exc:
        _internal(ctx, exc)


def _internal(ctx: click.Context, exc: Exception):
    """A bug: one line asking for a report (exit 1), or the traceback under --debug."""
    if _debug(ctx):
        raise exc
    say(
        f"il1rn-annot: error: unexpected {type(exc).__name__} ({exc}); this is a bug in "
        "il1rn-annot: please report it with the output of --debug"
    )
    raise click.exceptions.Exit(EXIT_INTERNAL) from None


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("debug"))


def say(line: str) -> None:
    """A line on stderr. A full or closed stderr loses it quietly: the exit code still tells,
    and a failed message must never become a traceback or exit 1."""
    try:
        click.echo(line, err=True)
    except OSError:
        _silence(sys.stderr)


def _silence(stream) -> None:
    """Point the stream's descriptor at /dev/null, so that flushing it at exit cannot fail a
    second time."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real descriptor (a test runner's buffer)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Interrupted``, which unwinds like KeyboardInterrupt: open
    temporary files are removed before the exit with 130/143. A signal ignored by the parent
    (nohup, a background job) stays ignored. Only the main thread can set handlers."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum, frame):
        for s in previous:  # a second signal must not cut the clean-up short
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    for s, before in previous.items():
        if before != signal.SIG_IGN:
            signal.signal(s, handler)
    try:
        yield
    finally:
        for s, before in previous.items():
            signal.signal(s, before if before is not None else signal.SIG_DFL)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """The tool's version, then the catalog's: both are in every report (tool in JSON)."""
    if not value or ctx.resilient_parsing:
        return
    from il1rn_annot.catalog_version import catalog_identity

    click.echo(f"il1rn-annot {__version__}")
    identity = catalog_identity()
    if identity is None:  # load_catalog says what is wrong
        from il1rn_annot.catalog import load_catalog

        try:
            cat = load_catalog()
        except Il1rnAnnotError as error:
            say(f"il1rn-annot: error: {error}")
            ctx.exit(error.exit_code)
        identity = cat.version, cat.sha256
    click.echo(f"catalog {identity[0]} sha256 {identity[1]}")
    ctx.exit()


class BuildType(click.ParamType):
    """GRCh38 or GRCh37 under any of their usual names (hg38, b37, grch38, ...)."""

    name = "build"

    def get_metavar(self, param, ctx=None) -> str:  # type: ignore[override]
        from il1rn_annot.genome import BUILDS

        return "[" + "|".join(BUILDS) + "]"

    def convert(self, value, param, ctx) -> str:
        from il1rn_annot.genome import build_alias

        build = build_alias(str(value))
        if build is None:
            self.fail(
                f"{value!r}: give GRCh38 (also hg38, b38) or GRCh37 (also hg19, b37)", param, ctx
            )
        return build


EXIT_CODES = """\b
Exit codes: 0 success (whatever was found), 1 a bug in il1rn-annot (please report it),
2 usage error, 3 input error, 4 some inputs of a batch failed (the others' reports were
written), 5 the report cannot be written, 130 SIGINT, 143 SIGTERM."""


@click.group(
    cls=_Group, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version of il1rn-annot and of its catalog (with its sha256), and exit.",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find the IL1RN variants that cause DIRA in VCF/BCF files."""
    ctx.ensure_object(dict)
    _setup_logging(ctx)


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
    log = _log()
    shown_level = log.getEffectiveLevel() <= 30  # logging.WARNING: not --quiet
    if len(tasks) > 1 and sys.stderr.isatty() and shown_level:
        from il1rn_annot.progress import Progress

        progress = Progress(len(tasks), sys.stderr, log)
    result = run_batch(
        tasks,
        options,
        fmt,
        output,
        output_dir,
        debug=_debug(ctx),
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
