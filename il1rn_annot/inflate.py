"""Reading an input to its end fast: a BGZF file inflated on two threads, another gzip file on
a second thread, and standard input copied by the kernel.

Reading a whole-genome VCF to the end costs about as much to inflate as to scan; with
python-isal (ISA-L, several times faster than zlib) when it is installed, and the inflating done
on threads of their own (ISA-L and zlib let go of the GIL while they work), the scan of one block
overlaps the inflating of the next. Without isal, zlib does the same, slower.

BGZF (what bgzip and htslib write) is a series of gzip members of at most 64 KiB of text, each
naming its own size: they are inflated by two threads at once and handed on in order, each
checked against its CRC32 and length. At the first thing in the file that is not such a block
(the end of a cut file, a damaged block, a gzip member of another writer), the sequential
reader takes over from the start of the file, skipping what was handed on already, so that a
damaged file fails where and as it always did.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gzip
import os
import queue
import shutil
import stat
import sys
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import Any, BinaryIO

from il1rn_annot.bgzf import HEADER, block_size, inflated_block, is_block

#: Blocks read ahead: with 1-MiB blocks, a few MiB of memory at most.
AHEAD = 4
#: BGZF blocks per task (about 1 MiB of text), tasks in flight, threads, and compressed bytes
#: read at a time: a few MiB of memory.
_RUN = 16
_RUNS_AHEAD = 6
#: Tasks in flight while numpy is being imported (``_import_numpy_soon``): the inflating
#: threads go on meanwhile (about 40 MiB of text held, once).
_RUNS_AHEAD_AT_START = 32
_THREADS = 2
_READ = 1 << 20
#: Text held back before handing it on: more than the sequential reader reads ahead (its
#: buffer, 8 KiB), so that where it takes over it would not have failed before.
_HOLD = 1 << 17
#: From this size of input on (compressed or not), the inflating threads find the newlines of
#: each block of text with numpy (imported only then), so that the scan need not count them.
NEWLINES_FROM = 8 << 20


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
    """The bytes of ``path`` (decompressed when ``compressed``) in blocks of about ``size``,
    read ahead (see ``indexed_blocks``)."""
    return (block for block, _ in indexed_blocks(path, size, compressed))


def indexed_blocks(path: str, size: int, compressed: bool = True) -> Iterator[tuple[bytes, Any]]:
    """The bytes of ``path`` (decompressed when ``compressed``) in blocks, read ahead: BGZF by
    two threads, anything else by one; each with the offsets of its newlines (a numpy array)
    for a large input once numpy is imported, else None. Blocks of ``size`` (the last one
    shorter), but for BGZF inflated in parallel, whose blocks are its runs of BGZF blocks (their
    text, whole).
    An error of the inflater is raised here, after the blocks that came before it, as reading
    in one thread would (and, where it is raised, after blocks of ``size``)."""
    index = os.path.getsize(path) >= NEWLINES_FROM and _has_numpy()
    if index:
        keep_freed_memory()
        _import_numpy_soon()
    if compressed and is_bgzf(path):
        return _bgzf_blocks(path, size, index)
    return _read_ahead(path, size, compressed, index)


@functools.cache
def _has_numpy() -> bool:
    """numpy comes with cyvcf2; without it the scan counts the newlines itself."""
    import importlib.util

    return importlib.util.find_spec("numpy") is not None


@functools.cache
def keep_freed_memory() -> None:
    """Have glibc keep freed blocks of a few MiB for the next ones, not hand them back to the
    kernel: each 1-MiB block of text (and its arrays) otherwise comes on fresh pages. On the
    4.8 M-record genome that was 60,000 page faults and about a quarter of the stream's CPU
    time; the heap may keep up to 64 MiB more. Elsewhere than glibc, nothing is done."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(-1, 64 << 20)  # M_TRIM_THRESHOLD
    mallopt(-3, 16 << 20)  # M_MMAP_THRESHOLD


def is_bgzf(path: str) -> bool:
    """Whether ``path`` starts with a BGZF block."""
    with open(path, "rb") as fh:
        return is_block(fh.read(HEADER))


#: Set once numpy is imported (or its import failed), by ``_import_numpy_soon``'s thread or
#: before it.
_NUMPY_READY = threading.Event()
_NUMPY_STARTED = threading.Lock()


def _import_numpy_soon() -> None:
    """Import numpy on a thread of its own, unless it is imported already: its import (50-80 ms
    of CPU, most of it holding the GIL) then overlaps the inflating of the first blocks instead
    of coming before it (the blocks inflated meanwhile have their newlines found after it)."""
    if _NUMPY_READY.is_set() or not _NUMPY_STARTED.acquire(blocking=False):
        return  # ready, or being imported
    if "numpy" in sys.modules:  # imported before (one that another thread is importing is
        # waited for by ``import numpy`` in newlines_of)
        _NUMPY_READY.set()
        return

    def load() -> None:
        try:
            import numpy  # noqa: F401
        finally:  # a failed import is raised where the newlines are found (newlines_of)
            _NUMPY_READY.set()

    threading.Thread(target=load, name="il1rn-import-numpy", daemon=True).start()


def _newlines(text: bytes, index: bool, wait: bool = True) -> Any:
    """The offsets of the newlines of ``text`` when ``index``, else None; once numpy is
    imported (waited for without the GIL), or None at once if it is not yet and not ``wait``."""
    if not (index and text):
        return None
    if not _NUMPY_READY.is_set():
        if not wait:
            return None
        _import_numpy_soon()
        _NUMPY_READY.wait()
    return newlines_of(text)


def newlines_of(text: bytes) -> Any:
    """Where the newlines of ``text`` are: numpy offsets (numpy lets go of the GIL meanwhile)."""
    import numpy as np

    return np.flatnonzero(np.frombuffer(text, np.uint8) == 10)


class _Unsure(Exception):
    """Something that is not a whole, intact BGZF block: the sequential reader decides."""


def _bgzf_blocks(path: str, size: int, index: bool) -> Iterator[tuple[bytes, Any]]:
    """BGZF inflated in parallel (``_parallel``) as far as it is whole and intact; from the
    first doubt on, the sequential reader, which starts over and skips the blocks of ``size``
    handed on already (the same bytes: every block before the doubt was checked)."""
    done = 0
    parallel = _parallel(path, size, index)
    try:
        for block in parallel:
            yield block
            done += len(block[0])
        return
    except _Unsure:
        pass
    finally:
        parallel.close()
    skip = done // size  # whole blocks of ``size``: see _parallel
    for block in _read_ahead(path, size, True, index):
        if skip:
            skip -= 1
            continue
        yield block


def _inflaters() -> tuple[Callable, Callable, Callable | None]:
    """Raw inflate and CRC32, from isal when it is installed (both let go of the GIL); and
    isal's gzip inflater of a series of members, each checked against its CRC32 and length, in
    one call that lets go of the GIL once (else None)."""
    try:
        from isal import igzip, isal_zlib
    except ImportError:
        return zlib.decompress, zlib.crc32, None
    return isal_zlib.decompress, isal_zlib.crc32, igzip.decompress


def _parallel(path: str, size: int, index: bool) -> Iterator[tuple[bytes, Any]]:
    """The text of a BGZF file, inflated by a few threads in runs of ``_RUN`` blocks, in
    order, with the offsets of its newlines when ``index``. Raises _Unsure at the first doubt:
    by then what was handed on is a whole number of blocks of ``size``, and the text ``_HOLD``
    bytes past it was checked too, so that the sequential reader, taking over, would have failed
    nowhere before."""
    from concurrent.futures import ThreadPoolExecutor

    inflaters = _inflaters()
    pool = ThreadPoolExecutor(min(_THREADS, _cores()), thread_name_prefix="il1rn-inflate")
    ahead: deque = deque()
    checked: deque[tuple[bytes, Any]] = deque()  # runs checked, not handed on yet
    have = done = 0  # bytes of text in ``checked``, and handed on
    try:
        with open(path, "rb") as fh:
            runs = _runs(fh)
            while True:
                starting = index and not _NUMPY_READY.is_set()
                while len(ahead) < (_RUNS_AHEAD_AT_START if starting else _RUNS_AHEAD):
                    run = next(runs, None)
                    if run is None:
                        break
                    ahead.append(pool.submit(_inflate_run, *run, inflaters, index))
                if not ahead:
                    break
                text, newlines, whole = ahead.popleft().result()
                if whole and newlines is None:  # inflated while numpy was being imported
                    newlines = _newlines(text, index)
                if text:
                    checked.append((text, newlines))
                    have += len(text)
                while checked and _up(done + len(checked[0][0]), size) + _HOLD <= done + have:
                    block = checked.popleft()
                    have -= len(block[0])
                    done += len(block[0])
                    yield block
                if not whole:
                    if done % size:  # up to a whole number of blocks of ``size``
                        rest = b"".join(t for t, _ in checked)
                        yield rest[: size - done % size], None
                    raise _Unsure
        yield from checked
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _cores() -> int:
    """The cores this process may run on (a container's or a job's share, where it is set)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _up(n: int, size: int) -> int:
    """``n`` rounded up to a multiple of ``size``."""
    return -(-n // size) * size


def _runs(fh: BinaryIO) -> Iterator[tuple[bytes, list[int]]]:
    """The compressed bytes read so far and where in them each of a run of whole blocks starts
    (and the last one ends). At anything else (not BGZF, a block cut by the end of the file),
    a run that says so: ``(b"", [])``."""
    data, at = b"", 0
    while True:
        more = fh.read(_READ)
        data = data[at:] + more
        at, starts, odd = 0, [], False
        while len(data) - at >= HEADER:
            end = at + block_size(data, at)
            if not is_block(data, at) or end - at < 26:
                odd = True
                break
            if end > len(data):
                break  # the rest of the block is in the next read
            starts.append(at)
            at = end
            if len(starts) == _RUN:
                yield data, [*starts, at]
                starts = []
        if starts:
            yield data, [*starts, at]
        if odd or (not more and at < len(data)):
            yield b"", []
        if odd or not more:
            return


def _inflate_run(
    data: bytes, bounds: list[int], inflaters: tuple, index: bool
) -> tuple[bytes, Any, bool]:
    """The text of the blocks of ``data`` from ``bounds[0]`` on, up to the first that does not
    inflate to its stated size and CRC32; the offsets of its newlines (when ``index``); and
    whether all blocks did. The run is inflated in one call where it can be (isal's gzip
    members: the GIL is taken back once a run, not twice a block, so the thread reading the
    text does not hold it up); at the first doubt, block by block."""
    inflate, crc32, members = inflaters
    view, texts, whole = memoryview(data), [], bool(bounds)
    if members is not None and whole:
        try:  # gzip members, one after another, each checked as below (their text the same)
            text = members(view[bounds[0] : bounds[-1]])
        except Exception:  # block by block, below, finds where and says it
            pass
        else:
            return text, _newlines(text, index, wait=False), True
    for start, end in pairwise(bounds):
        text = inflated_block(view, start, end, inflate, crc32)
        if text is None:  # whatever is wrong, the sequential reader will say it
            whole = False
            break
        texts.append(text)
    text = texts[0] if len(texts) == 1 else b"".join(texts)
    return text, _newlines(text, index and whole, wait=False), whole


def _read_ahead(
    path: str, size: int, compressed: bool, index: bool = False
) -> Iterator[tuple[bytes, Any]]:
    """The bytes of ``path`` in blocks of ``size``, read (and inflated) on a second thread,
    with their newlines when ``index``."""
    ahead: queue.Queue[tuple[bytes, Any] | BaseException] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()
    fh = open_gzip(path) if compressed else open(path, "rb")  # noqa: SIM115 (closed below)

    def inflate() -> None:
        try:
            while not stop.is_set():
                block = fh.read(size)
                ahead.put((block, _newlines(block, index)))
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
            if not item[0]:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # a worker waiting to put a block is let go
            with contextlib.suppress(queue.Empty):
                ahead.get_nowait()
            worker.join(0.01)
        fh.close()
