"""User-facing failures. Each carries the exit code the CLI returns and a one-line message."""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_PARTIAL = 4


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
    """The report cannot be written where the user asked."""

    exit_code = EXIT_USAGE


class CatalogError(Il1rnAnnotError):
    """The curated tables in data/ fail validation: a bug in the release, not in the input."""
