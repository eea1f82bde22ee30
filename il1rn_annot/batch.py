"""Many inputs: which files an INPUT names, and one ``pipeline.annotate`` per file, each report
handed to a streaming writer as soon as it exists.

A failed input is one error line and the batch goes on; an output that cannot be written stops
the batch (every later report would fail the same way). Nothing here holds more than one report.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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

log = logging.getLogger(__name__)

STDIN = "-"
#: What a directory is searched for (compared in lower case: X.VCF.GZ is a VCF too).
INPUT_SUFFIXES = (".g.vcf.gz", ".gvcf.gz", ".vcf.gz", ".vcf.bgz", ".vcf", ".bcf")
#: Files that sit beside VCFs and are passed over without a word.
COMPANION_SUFFIXES = (".tbi", ".csi", ".gzi", ".fai", ".md5", ".crai", ".bai")


@dataclass
class BatchResult:
    total: int = 0
    failed: int = 0
    internal: int = 0  # failures that were bugs in il1rn-annot
    last_code: int = EXIT_OK

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


def check_names(inputs: list[str], output_dir: str, fmt: str, reserved: Sequence[str] = ()) -> None:
    """Two inputs must never write the same report file, nor one the batch's own ``reserved``
    files (the MultiQC table)."""
    names = [stem(source) for source in inputs]
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


def check_outputs(inputs: list[str], output: str | None, output_dir: str | None, fmt: str) -> None:
    """No report may replace an input (an annotated VCF written beside its input would)."""
    targets = [output] if output not in (None, "-") else []
    if output_dir is not None:
        targets = [os.path.join(output_dir, stem(s) + SUFFIXES[fmt]) for s in inputs]
    given = {os.path.realpath(s) for s in inputs if s != STDIN}
    for target in targets:
        if target is not None and os.path.realpath(target) in given:
            raise UsageError(f"the report would replace its input {target}: write it elsewhere")


# --- running them ------------------------------------------------------------------------------


class BatchSink(Protocol):
    """An output that sees every input's outcome besides the reports themselves (the MultiQC
    table, the HTML page). It keeps only what it needs of each report (a row a sample), so a
    batch still never holds its reports."""

    def add(self, source: str, report: Report) -> None:
        """One input's report, as soon as it exists."""

    def failed(self, source: str, message: str) -> None:
        """An input that gave no report, and the one-line reason."""

    def close(self) -> None:
        """Write the output (atomically); called only when the batch ran to its end."""


def run_batch(
    inputs: list[str],
    options: Options,
    fmt: str,
    output: str | None = None,
    output_dir: str | None = None,
    debug: bool = False,
    per: str = "sample",
    sinks: Sequence[BatchSink] = (),
) -> BatchResult:
    """Annotate every input; one report file each in ``output_dir``, else one combined output
    (``output`` or stdout) written as each input finishes; every outcome also goes to ``sinks``,
    which are written once the batch has run to its end. Errors of an input are logged and
    counted; an ``OutputError`` ends the batch; under ``debug`` any error ends it."""
    from il1rn_annot.pipeline import annotate

    result = BatchResult(total=len(inputs))
    if output_dir is not None:
        for source in inputs:
            report = _one(annotate, source, options, result, debug, sinks)
            if report is not None:
                target = os.path.join(output_dir, stem(source) + SUFFIXES[fmt])
                with ReportStream(target, fmt, per) as stream:
                    stream.add(report)
    else:
        with ReportStream(output, fmt, per) as stream:
            for source in inputs:
                report = _one(annotate, source, options, result, debug, sinks)
                if report is not None:
                    stream.add(report)
    for sink in sinks:
        sink.close()
    return result


def _one(
    annotate: Callable[[str, Options], Report],
    source: str,
    options: Options,
    result: BatchResult,
    debug: bool,
    sinks: Sequence[BatchSink] = (),
) -> Report | None:
    """One input's report, or None after logging why there is none."""
    try:
        report = guarded(annotate, source, options, debug)
    except OutputError:
        raise
    except Il1rnAnnotError as error:
        if debug:
            raise
        result.failed += 1
        result.internal += isinstance(error, InternalError)
        result.last_code = error.exit_code
        log.error("%s", error)
        for sink in sinks:
            sink.failed(source, str(error))
        return None
    for sink in sinks:
        sink.add(source, report)
    return report


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
