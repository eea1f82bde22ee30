"""User-facing failures. Each carries the exit code the CLI returns and a one-line message."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug in il1rn-annot: an unexpected exception
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_PARTIAL = 4  # some inputs of a batch failed; the others' reports were written
EXIT_OUTPUT = 5  # the report cannot be written: disk full, read-only, /dev/full
EXIT_SIGINT = 130  # 128 + SIGINT, as shells report it
EXIT_SIGTERM = 143  # 128 + SIGTERM: what Snakemake, Nextflow and SLURM send


class Il1rnAnnotError(Exception):
    """Base class: a failure the user can act on, shown as one line, never a traceback."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class UsageError(Il1rnAnnotError):
    """Options that contradict each other or name nothing usable."""

    exit_code = EXIT_USAGE


class InputError(Il1rnAnnotError):
    """A file that cannot be read: missing, not VCF/BCF, truncated, malformed."""


class BuildError(Il1rnAnnotError):
    """The genome build cannot be found, or --build contradicts the file."""


class OutputError(Il1rnAnnotError):
    """The report cannot be written where the user asked: a batch stops at the first one."""

    exit_code = EXIT_OUTPUT


class InternalError(Il1rnAnnotError):
    """An unexpected exception: a bug in il1rn-annot, not in the input."""

    exit_code = EXIT_INTERNAL


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: unwinds like KeyboardInterrupt so temporary files are removed,
    then the CLI exits 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"interrupted by signal {signum}")


class CatalogError(Il1rnAnnotError):
    """The curated tables in data/ fail validation: a bug in the release, not in the input."""
