"""What every il1rn-annot command shares: the error boundary that turns every failure into one
line on stderr and an exit code, --quiet/--debug in any position, SIGINT/SIGTERM handling,
``--version``, and the build option type. The commands themselves are in cli.py and
cli_catalog.py."""

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
)
from il1rn_annot.report.formats import STDOUT

if TYPE_CHECKING:
    import logging

#: errno values of a failed write: reported as an output failure (exit 5), not as a bug.
OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EBADF}


def log() -> logging.Logger:
    import logging

    return logging.getLogger("il1rn_annot")


def setup_logging(ctx: click.Context) -> None:
    """Level from --quiet/--debug, wherever they were given (before or after the subcommand)."""
    import logging

    class OneLine(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return f"il1rn-annot: {record.levelname.lower()}: {record.getMessage()}"

    logger = log()
    flags = ctx.find_root().ensure_object(dict)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLine())
    logger.handlers[:] = [handler]
    logger.propagate = False
    level = logging.WARNING
    if flags.get("debug"):
        level = logging.DEBUG
    elif flags.get("quiet"):
        level = logging.ERROR
    logger.setLevel(level)


def _log_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        ctx.find_root().ensure_object(dict)[param.name] = True
        setup_logging(ctx)


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


class CommandGroup(click.Group):
    """Adds --quiet/--debug to its commands and subgroups, and is the one error boundary: every
    exception leaves as one line and an exit code (module docstring)."""

    command_class = _Command
    group_class = type  # subgroups are CommandGroup too

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
        if debug_on(ctx):
            raise
        if isinstance(error, OutputError) and error.path == STDOUT:
            _silence(sys.stdout)
        say(f"il1rn-annot: error: {error}")
        raise click.exceptions.Exit(error.exit_code) from None
    except BrokenPipeError:
        _silence(sys.stdout)  # the reader has all it wanted (| head): not an error
        raise click.exceptions.Exit(0) from None
    except OSError as exc:
        if exc.filename is not None or exc.errno not in OUTPUT_ERRNOS or debug_on(ctx):
            _internal(ctx, exc)
        _silence(sys.stdout)
        say(f"il1rn-annot: error: {STDOUT}: cannot write: {exc.strerror}")
        raise click.exceptions.Exit(EXIT_OUTPUT) from None
    except Exception as exc:
        _internal(ctx, exc)


def _internal(ctx: click.Context, exc: Exception):
    """A bug: one line asking for a report (exit 1), or the traceback under --debug."""
    if debug_on(ctx):
        raise exc
    say(
        f"il1rn-annot: error: unexpected {type(exc).__name__} ({exc}); this is a bug in "
        "il1rn-annot: please report it with the output of --debug"
    )
    raise click.exceptions.Exit(EXIT_INTERNAL) from None


def debug_on(ctx: click.Context) -> bool:
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


def print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
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
