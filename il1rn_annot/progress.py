"""A batch's progress as one line on a terminal's stderr, redrawn with ``\\r``.

Only on a terminal (the CLI decides: none when stderr is a file or a pipe, or with --quiet): a
log or a pipeline's stderr must hold only warnings and errors. A warning or error logged
meanwhile clears the line first, so it is never glued to the bar; the bar is redrawn with the
next input.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TextIO

#: Redraws at most this often (a thousand tiny inputs a second must not flood the terminal).
INTERVAL = 0.1
CLEAR = "\r\x1b[K"


class Progress:
    """``n/total`` with the done, skipped and failed counts and the input last finished."""

    def __init__(self, total: int, stream: TextIO, logger: logging.Logger) -> None:
        self.total = total
        self.stream = stream
        self.logger = logger
        self.shown = False
        self._last = 0.0
        self._filter = _ClearFirst(self)
        for handler in logger.handlers:
            handler.addFilter(self._filter)

    def update(self, done: int, skipped: int, failed: int, name: str, last: bool = False) -> None:
        now = time.monotonic()
        if not last and now - self._last < INTERVAL:
            return
        self._last = now
        n = done + skipped + failed
        counts = f"{done} done" + (f", {skipped} skipped" if skipped else "")
        counts += f", {failed} failed" if failed else ""
        width = len(str(self.total))
        line = f"il1rn-annot: [{_bar(n, self.total)}] {n:>{width}}/{self.total} ({counts}) {name}"
        self._write(CLEAR + line[: self._width() - 1])  # a wrapped line could not be redrawn
        self.shown = True

    def _width(self) -> int:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return 80
        return columns if columns >= 20 else 80  # 0: a terminal that does not say

    def clear(self) -> None:
        if self.shown:
            self._write(CLEAR)
            self.shown = False

    def close(self) -> None:
        self.clear()
        for handler in self.logger.handlers:
            handler.removeFilter(self._filter)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed terminal: the batch goes on; its exit code still tells


class _ClearFirst(logging.Filter):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


def _bar(n: int, total: int, width: int = 20) -> str:
    """
    >>> _bar(5, 10, 10)
    '#####.....'
    """
    filled = width * n // total if total else width
    return "#" * filled + "." * (width - filled)
