"""Many inputs: which files an INPUT names, and one ``pipeline.annotate`` per file, each report
handed to a streaming writer as soon as it exists.

A failed input is one error line and the batch goes on; an output that cannot be written stops
the batch (every later report would fail the same way). Nothing here holds more than one report.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from il1rn_annot.batch_jobs import Task
from il1rn_annot.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_PARTIAL,
    Il1rnAnnotError,
    InputError,
    InternalError,
    OutputError,
    UsageError,
)
from il1rn_annot.model import Options, Report
from il1rn_annot.report.output import SUFFIXES, ReportStream

if TYPE_CHECKING:
    from il1rn_annot.manifest import SheetRow
    from il1rn_annot.progress import Progress

log = logging.getLogger(__name__)

STDIN = "-"
#: What a directory is searched for (compared in lower case: X.VCF.GZ is a VCF too).
INPUT_SUFFIXES = (".g.vcf.gz", ".gvcf.gz", ".vcf.gz", ".vcf.bgz", ".vcf", ".bcf")
#: Files that sit beside VCFs and are passed over without a word.
COMPANION_SUFFIXES = (".tbi", ".csi", ".gzi", ".fai", ".md5", ".crai", ".bai")


@dataclass
class BatchResult:
    total: int = 0
    done: int = 0
    skipped: int = 0  # finished by an earlier run (resume)
    failed: int = 0
    internal: int = 0  # failures that were bugs in il1rn-annot
    last_code: int = EXIT_OK

    def summary(self) -> str:
        """The line a batch ends with: '12 inputs: 9 done, 2 skipped (...), 1 failed'."""
        parts = [f"{self.done} done"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped (finished earlier; --force redoes them)")
        parts.append(f"{self.failed} failed")
        return f"{_count(self.total, 'input', 'inputs')}: " + ", ".join(parts)

    @property
    def exit_code(self) -> int:
        """0 all written; one input: its error's code; 4 some failed; all failed: 3 (1 if every
        failure was a bug)."""
        if not self.failed:
            return EXIT_OK
        if self.total == 1:
            return self.last_code
        if self.failed < self.total:
            return EXIT_PARTIAL
        return EXIT_INTERNAL if self.internal == self.failed else EXIT_INPUT


# --- what the INPUTs name ----------------------------------------------------------------------


def expand_inputs(
    inputs: Iterable[str], recursive: bool = False, inputs_from: str | None = None
) -> list[str]:
    """The files to annotate, in order: each INPUT as given; a directory stands for its VCF/BCF
    files (in name order; with ``recursive``, its subdirectories' too; names starting with '.'
    are passed over); ``@FILE`` and ``inputs_from`` name a text file with one INPUT a line
    (relative paths are taken from the working directory, as bcftools -l and tar -T do; blank
    lines and ``#`` comments are skipped; ``-`` reads the list from stdin)."""
    given = list(inputs)
    if inputs_from is not None:
        given.append("@" + inputs_from)
    out: list[str] = []
    for source in given:
        if source.startswith("@") and len(source) > 1:
            for listed in read_input_list(source[1:]):
                out.extend(_expand_one(listed, recursive))
        else:
            out.extend(_expand_one(source, recursive))
    return out


def read_input_list(path: str) -> list[str]:
    """The INPUTs a list file names, one a line."""
    label = "<stdin>" if path == STDIN else path
    try:
        text = sys.stdin.read() if path == STDIN else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file (a list of inputs)", label) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a list of inputs", label) from None
    except UnicodeDecodeError:
        raise InputError("not a text file with one input a line", label) from None
    except OSError as exc:
        raise InputError(f"cannot read the list of inputs: {exc.strerror}", label) from None
    names = [line.strip() for line in text.splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    if not names:
        raise InputError("lists no input (one path a line; # starts a comment)", label)
    if STDIN in names:
        raise InputError("'-' (stdin) cannot be listed in a file; give it as an INPUT", label)
    return names


def _expand_one(source: str, recursive: bool) -> list[str]:
    if source == STDIN or not os.path.isdir(source):
        return [source]
    found: list[str] = []
    skipped: list[str] = []
    hidden: list[str] = []
    subdirs: list[str] = []
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .snakemake/, .git/
        if not recursive:
            subdirs.extend(dirs)
            dirs.clear()
        for name in sorted(files):
            where = os.path.join(root, name)
            if name.startswith("."):
                # macOS's AppleDouble ._s.vcf.gz, editors' and tools' temporaries: not inputs;
                # named when they look like one. An INPUT that names one is still read.
                if is_vcf_name(name):
                    hidden.append(os.path.relpath(where, source))
            elif is_vcf_name(name):
                found.append(where)
            elif not name.lower().endswith(COMPANION_SUFFIXES):
                skipped.append(os.path.relpath(where, source))
    if hidden:
        log.warning(
            "%s: skipped %s (name starting with '.'; give it as an INPUT to read it): %s",
            source,
            _count(len(hidden), "hidden file", "hidden files"),
            _some(hidden),
        )
    if skipped:
        log.warning(
            "%s: skipped %s not .vcf, .vcf.gz or .bcf: %s",
            source,
            _count(len(skipped), "file that is", "files that are"),
            _some(skipped),
        )
    if subdirs:
        log.warning(
            "%s: %s not searched (give --recursive): %s",
            source,
            _count(len(subdirs), "subdirectory", "subdirectories"),
            _some(subdirs),
        )
    if not found:
        where = "in it or below" if recursive else "in it"
        raise InputError(f"is a directory with no .vcf, .vcf.gz or .bcf file {where}", source)
    return found


def is_vcf_name(name: str) -> bool:
    """Whether a directory's file is an input (any case).

    >>> is_vcf_name("X.VCF.GZ"), is_vcf_name("x.g.vcf.gz"), is_vcf_name("x.vcf.gz.tbi")
    (True, True, False)
    """
    return name.lower().endswith(INPUT_SUFFIXES)


def _count(n: int, one: str, many: str) -> str:
    """``n`` and the words that go with it: '1 file', '3 files'."""
    return f"{n} {one if n == 1 else many}"


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def stem(source: str) -> str:
    """The report name of an input: its file name without the VCF/BCF suffix.

    >>> stem("dir/X.VCF.GZ"), stem("-"), stem("a.g.vcf.gz")
    ('X', 'stdin', 'a')
    """
    name = "stdin" if source == STDIN else Path(source).name
    lower = name.lower()
    for suffix in INPUT_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def check_names(
    tasks: Sequence[str | Task], output_dir: str, fmt: str, reserved: Sequence[str] = ()
) -> None:
    """Two inputs must never write the same report file, nor one the batch's own ``reserved``
    files (the MultiQC table)."""
    names = [_name(t) for t in tasks]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise UsageError(
            f"several inputs would write {os.path.join(output_dir, clash[0])}{SUFFIXES[fmt]}: "
            "give inputs with different names"
        )
    taken = sorted({n + SUFFIXES[fmt] for n in names} & set(reserved))
    if taken:
        raise UsageError(
            f"an input would write {os.path.join(output_dir, taken[0])}, which the batch "
            "writes itself: rename that input"
        )


def check_outputs(
    tasks: Sequence[str | Task], output: str | None, output_dir: str | None, fmt: str
) -> None:
    """No report may replace an input (an annotated VCF written beside its input would)."""
    targets = [output] if output not in (None, "-") else []
    if output_dir is not None:
        targets = [os.path.join(output_dir, _name(t) + SUFFIXES[fmt]) for t in tasks]
    sources = [t.source if isinstance(t, Task) else t for t in tasks]
    given = {os.path.realpath(s) for s in sources if s != STDIN}
    for target in targets:
        if target is not None and os.path.realpath(target) in given:
            raise UsageError(f"the report would replace its input {target}: write it elsewhere")


def _name(task: str | Task) -> str:
    return task.name if isinstance(task, Task) else stem(task)


# --- running them ------------------------------------------------------------------------------


class BatchSink(Protocol):
    """An output that sees every input's outcome besides the reports themselves (the MultiQC
    table, the HTML page). It keeps only what it needs of each report (a row a sample), so a
    batch still never holds its reports; what it keeps of a report, JSON-able through
    ``resume.to_plain``, is also kept in a resumable batch's state, for the inputs that a rerun
    skips."""

    key: str  # names what it keeps in the state file
    kept_type: Any  # the type of what it keeps, to read it back

    def keep(self, source: str, report: Report) -> Any:
        """What this output needs of one input's report."""

    def add_kept(self, source: str, kept: Any) -> None:
        """One input's part, made now or kept by an earlier run of a resumed batch."""

    def failed(self, source: str, message: str, name: str | None = None) -> None:
        """An input that gave no report, the one-line reason, and its name in the batch."""

    def close(self) -> None:
        """Write the output (atomically); called only when the batch ran to its end."""


def make_tasks(inputs: Sequence[str], options: Options) -> list[Task]:
    """Each input with the batch's options, named by its file name."""
    return [Task(source, stem(source), options) for source in inputs]


def sheet_tasks(rows: Sequence[SheetRow], options: Options) -> list[Task]:
    """Each row of a sample sheet with its own side files (as the Snakemake workflow passes
    them: --sv, --ped, --bam SAMPLE=PATH, after the batch's own --bam), named by its sample."""
    return [
        Task(
            row.vcf,
            row.sample,
            replace(
                options,
                sv=row.sv,
                ped=row.ped,
                bams=options.bams + (((row.sample, row.bam),) if row.bam else ()),
            ),
            sample=row.sample,
        )
        for row in rows
    ]


def run_batch(
    inputs: Sequence[str | Task],
    options: Options,
    fmt: str,
    output: str | None = None,
    output_dir: str | None = None,
    debug: bool = False,
    per: str = "sample",
    sinks: Sequence[BatchSink] = (),
    jobs: int = 1,
    resume: bool = True,
    progress: Progress | None = None,
    split: bool = False,
) -> BatchResult:
    """Annotate every input (a path, with ``options``, or a ``Task`` with its own); one report
    file each in ``output_dir``, else one combined output (``output`` or stdout) written as each
    input finishes, in input order; every outcome also goes to ``sinks``, which are written
    once the batch has run to its end. With ``output_dir``, reports finished by an earlier run
    are skipped (``resume``; see resume.py); ``split`` writes one report per sample instead
    (``report.split``). Errors of an input are logged and counted; an
    ``OutputError`` ends the batch; under ``debug`` any error ends it."""
    tasks = [t if isinstance(t, Task) else Task(t, stem(t), options) for t in inputs]
    result = BatchResult(total=len(tasks))
    suffix = SUFFIXES[fmt]
    from il1rn_annot.pipeline import collector_paused

    state = None
    splitter = None
    if output_dir is not None:
        from il1rn_annot.resume import BatchState

        state = BatchState(output_dir)
        names = [t.name + suffix for t in tasks]
        prefixes = ()
        if split:
            from il1rn_annot.report.multiqc import FILE_NAME
            from il1rn_annot.report.split import SplitNames

            splitter = SplitNames(output_dir, reserved=(FILE_NAME,))
            prefixes = tuple(t.name + "." for t in tasks)
        state.open([*names, *(os.path.basename(getattr(s, "path", "")) for s in sinks)], prefixes)
    try:
        with contextlib.ExitStack() as stack:
            combined = None
            if output_dir is None:
                combined = stack.enter_context(ReportStream(output, fmt, per))
            plan = _plan(tasks, fmt, per, state, sinks, resume, splitter is not None)
            if splitter is not None:  # a skipped input's reports keep their names
                for task, entry, _ in plan:
                    if entry is not None:
                        splitter.reserve(entry["files"], f"the kept report of {task.source}")
            todo = [t for t, entry, _ in plan if entry is None]
            written = _Written(
                result, sinks, fmt, per, debug, combined, output_dir, state, splitter
            )
            if jobs > 1 and len(todo) > 1:
                from il1rn_annot.batch_jobs import in_workers

                level = logging.getLogger("il1rn_annot").getEffectiveLevel()
                outcomes = stack.enter_context(
                    contextlib.closing(
                        in_workers(todo, jobs, debug, lambda t: _in_process(t, debug), level)
                    )
                )
            else:
                outcomes = (_in_process(t, debug) for t in todo)
            for task, entry, made_from in plan:
                if entry is not None:
                    _resume_one(task, entry, sinks)
                    result.skipped += 1
                else:
                    # Until the report is written and let go: the collector then looks only
                    # at what is left (pipeline.collector_paused).
                    with collector_paused():
                        _finish_one(written, task, next(outcomes), made_from)
                if progress is not None:
                    progress.update(
                        result.done,
                        result.skipped,
                        result.failed,
                        task.name,
                        last=task is tasks[-1],
                    )
        for sink in sinks:
            sink.close()
    finally:
        if progress is not None:
            progress.close()
        if state is not None:
            state.close()
    return result


def _plan(tasks, fmt, per, state, sinks, resume, split=False):
    """Each task, with its finished entry if a rerun may skip it, and its fingerprint."""
    if state is None:
        return [(t, None, None) for t in tasks]
    from il1rn_annot import __version__
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.model import ToolInfo
    from il1rn_annot.pipeline import SCHEMA_VERSION
    from il1rn_annot.resume import fingerprint, settings_key

    catalog = load_catalog()
    tool = ToolInfo("il1rn-annot", __version__, catalog.version, catalog.sha256)
    keys: dict[int, str] = {}
    plan = []
    for task in tasks:
        key = keys.get(id(task.options))
        if key is None:
            key = keys[id(task.options)] = settings_key(
                task.options, fmt, per, tool, SCHEMA_VERSION
            )
        made_from = fingerprint(task.source, task.options, key)
        if task.sample is not None and made_from is not None:
            made_from["sample"] = task.sample
        entry = None
        if resume:
            name = _entry_name(task, fmt, split)
            entry = state.finished(name, made_from, [s.key for s in sinks])
        plan.append((task, entry, made_from))
    return plan


def _in_process(task: Task, debug: bool):
    """``batch_jobs.run_in_worker`` without a worker; under ``debug`` errors are raised."""
    from il1rn_annot.batch_jobs import Outcome, annotate_task

    try:
        return Outcome(report=annotate_task(task, debug))
    except OutputError:
        raise
    except Il1rnAnnotError as error:
        if debug:
            raise
        return Outcome(
            error=str(error), exit_code=error.exit_code, internal=isinstance(error, InternalError)
        )


def _entry_name(task: Task, fmt: str, split: bool) -> str:
    """The batch state's name for an input's report, or for all its per-sample reports (a
    ``*`` is never part of a report's name: split.encoded percent-encodes it)."""
    return task.name + (".*" if split else "") + SUFFIXES[fmt]


def _failed(
    result: BatchResult,
    sinks: Sequence[BatchSink],
    task: Task,
    message: str,
    exit_code: int,
    internal: bool,
) -> None:
    """Count and log an input that gives no report, and tell the sinks."""
    result.failed += 1
    result.internal += internal
    result.last_code = exit_code
    log.error("%s", message)
    for sink in sinks:
        sink.failed(task.source, message, task.sample)


def _resume_one(task: Task, entry: dict, sinks: Sequence[BatchSink]) -> None:
    from il1rn_annot.resume import from_plain

    for sink in sinks:
        sink.add_kept(task.source, from_plain(sink.kept_type, entry["kept"][sink.key]))


@dataclass
class _Written:
    """Where a batch's reports go, and its tally: the same for every input of one run."""

    result: BatchResult
    sinks: Sequence[BatchSink]
    fmt: str
    per: str
    debug: bool
    combined: ReportStream | None  # one output for all inputs, else one file each in output_dir
    output_dir: str | None
    state: Any  # resume.BatchState, with output_dir
    splitter: Any = None  # report.split.SplitNames, under --split-samples


def _finish_one(written: _Written, task, outcome, made_from) -> None:
    """Write one input's report (or count its failure) and hand it to the sinks; with a
    ``splitter`` (--split-samples), one report per sample, their names checked first."""
    sinks, state, splitter = written.sinks, written.state, written.splitter
    for name, level, message in outcome.logs:  # a worker's warnings, in input order
        logging.getLogger(name).log(level, "%s", message)
    report = outcome.report
    if report is None:
        if written.debug:
            log.error("%s", outcome.traceback or outcome.error)
            raise InternalError(outcome.error)
        _failed(written.result, sinks, task, outcome.error, outcome.exit_code, outcome.internal)
        return
    targets: list[tuple[str, Report]] = []
    if written.combined is None:
        try:
            targets = _targets(task, report, written.fmt, written.output_dir, splitter)
        except InputError as error:
            if written.debug:
                raise
            _failed(written.result, sinks, task, str(error), error.exit_code, False)
            return
    shown = report
    if task.sample is not None:  # a sheet row: its tables show the row's sample only
        shown = replace(report, samples=[s for s in report.samples if s.sample == task.sample])
    kept = {}
    for sink in sinks:
        item = sink.keep(task.source, shown)
        sink.add_kept(task.source, item)
        kept[sink.key] = item
    if written.combined is not None:
        written.combined.add(shown)
    else:
        for path, part in targets:
            # A name in the output directory is ours: a symlink planted there is replaced,
            # never followed out of it (-o, which the user names, still writes through one).
            with ReportStream(path, written.fmt, written.per, follow_symlinks=False) as stream:
                stream.add(part)
        if state is not None:
            from il1rn_annot.resume import to_plain

            files = [os.path.basename(path) for path, _ in targets]
            name = _entry_name(task, written.fmt, splitter is not None)
            _remove_earlier(state, task, written.fmt, files)
            kept_plain = {k: to_plain(v) for k, v in kept.items()}
            state.record(name, made_from, kept_plain, files if splitter is not None else None)
    written.result.done += 1


def _remove_earlier(state, task: Task, fmt: str, files: list[str]) -> None:
    """Reports an earlier run wrote for this input that this run did not (a sample since left
    out of the input or of --samples, or --split-samples given then and not now): removed, so
    that every report in the directory is this run's; one changed since is named and left."""
    forms = [_entry_name(task, fmt, split) for split in (False, True)]
    removed, changed = state.remove_earlier(forms, task.source, files)
    if removed:
        log.warning(
            "%s: removed %d report(s) an earlier run wrote that this run does not: %s",
            task.source,
            len(removed),
            ", ".join(removed),
        )
    if changed:
        log.warning(
            "%s: %d report(s) an earlier run wrote, changed since, are not this run's: %s",
            task.source,
            len(changed),
            ", ".join(changed),
        )


def _targets(task, report, fmt, output_dir, splitter) -> list[tuple[str, Report]]:
    """Where an input's report goes in ``output_dir``: one file, or one per sample (a file
    without samples keeps its one report). Raises InputError when sample names clash."""
    suffix = SUFFIXES[fmt]
    if splitter is None or not report.samples:
        name = task.name + suffix
        if splitter is not None:  # under --split-samples, a sample's report may be named so
            splitter.reserve([name], f"the report of {task.source}", task.source)
        return [(os.path.join(output_dir, name), report)]
    from il1rn_annot.report.split import one_sample

    # A sheet row was run with its sample's side files: it writes that sample's report only.
    own = [s for s in report.samples if task.sample is None or s.sample == task.sample]
    paths = splitter.names(task.name, [s.sample for s in own], suffix, task.source)
    return [(p, one_sample(report, s)) for p, s in zip(paths, own, strict=True)]


def guarded(annotate: Callable[[str, Options], Report], source: str, options: Options, debug=False):
    """Run one input; an unexpected exception is a bug: one error line for that input (a batch
    goes on with the others) with exit code 1, or the traceback under --debug."""
    try:
        return annotate(source, options)
    except Il1rnAnnotError:
        raise
    except Exception as exc:
        if debug:
            raise
        raise InternalError(
            f"unexpected {type(exc).__name__} while annotating it ({exc}); this is a bug in "
            "il1rn-annot: please report this with the output of --debug",
            "<stdin>" if source == STDIN else source,
        ) from exc
