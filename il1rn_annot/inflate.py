"""Reading an input to its end fast: a gzip or BGZF file inflated on a second thread, and
standard input copied by the kernel.

Reading a whole-genome VCF to the end costs about as much to inflate as to scan; with
python-isal (ISA-L, several times faster than zlib) when it is installed, and the inflating done
on a thread of its own (ISA-L and zlib let go of the GIL while they work), the scan of one block
overlaps the inflating of the next. Without isal, Python's gzip does the same, slower.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import os
import queue
import shutil
import stat
import threading
import zlib
from collections.abc import Iterator
from typing import BinaryIO

#: Blocks read ahead: with 1-MiB blocks, a few MiB of memory at most.
AHEAD = 4


def damaged_errors() -> tuple[type[BaseException], ...]:
    """What a truncated or damaged compressed file raises, under either inflater."""
    errors: tuple[type[BaseException], ...] = (EOFError, zlib.error, gzip.BadGzipFile)
    try:
        from isal import isal_zlib
    except ImportError:
        return errors
    return (*errors, isal_zlib.error)


def open_gzip(source: str | BinaryIO) -> BinaryIO:
    """A gzip or BGZF file, a path or an open file (BGZF is multi-member gzip), decompressed by
    isal if it is there."""
    try:
        from isal import igzip
    except ImportError:
        return gzip.open(source, "rb")  # type: ignore[return-value]
    return igzip.open(source, "rb")  # type: ignore[return-value]


def copy_all(source: BinaryIO, target: BinaryIO) -> None:
    """Copy ``source`` to its end into ``target`` (a file), in the kernel when both are file
    descriptors (splice from a pipe, copy_file_range from a file): standard input can be a
    whole genome. What ``source`` holds in its buffer already goes first."""
    target.write(source.read(len(source.peek(1)) if hasattr(source, "peek") else 0))
    target.flush()
    try:
        fd_in, fd_out = source.fileno(), target.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation: no descriptor (a BytesIO)
        shutil.copyfileobj(source, target, 1 << 20)
        return
    piped = stat.S_ISFIFO(os.fstat(fd_in).st_mode)
    move = getattr(os, "splice" if piped else "copy_file_range", None)
    try:
        while move is not None and move(fd_in, fd_out, 1 << 24):
            pass
    except OSError as exc:  # a descriptor or file system that cannot: copy through Python
        if exc.errno not in _CANNOT_MOVE:
            raise
    shutil.copyfileobj(source, target, 1 << 20)  # the rest, if the kernel did not copy it


_CANNOT_MOVE = (errno.EINVAL, errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EBADF)


def blocks(path: str, size: int, compressed: bool = True) -> Iterator[bytes]:
    """The bytes of ``path`` (decompressed when ``compressed``) in blocks of ``size`` (the last
    one shorter), read ahead on a second thread. An error of the inflater is raised here, after
    the blocks that came before it, as reading in one thread would."""
    ahead: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()
    fh = open_gzip(path) if compressed else open(path, "rb")  # noqa: SIM115 (closed below)

    def inflate() -> None:
        try:
            while not stop.is_set():
                block = fh.read(size)
                ahead.put(block)
                if not block:
                    return
        except BaseException as exc:  # handed over to the reading thread, raised there
            ahead.put(exc)

    worker = threading.Thread(target=inflate, name="il1rn-inflate", daemon=True)
    worker.start()
    try:
        while True:
            item = ahead.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # a worker waiting to put a block is let go
            with contextlib.suppress(queue.Empty):
                ahead.get_nowait()
            worker.join(0.01)
        fh.close()
