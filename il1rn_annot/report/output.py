"""Where a report goes, and how it gets there without harming what is already there.

A new or regular file is written to a temporary file beside it and renamed into place once the
run has succeeded (symlinks are followed: the file they point to is replaced, not the link). The
replaced file's mode, owner and group are kept where we may set them (root may); its other hard
links keep the earlier report, with a warning: a report is never seen half-written, and
hard-link snapshots (rsnapshot, ``cp -al``) keep their copy, as they expect.
Anything else the user names is written straight into: character devices (/dev/null,
/dev/full), FIFOs, sockets' peers and /dev/fd/N (bash's ``>(...)``), which a rename would
replace with a regular file. The name says the format and gzip (``calls.tsv.gz``, also
``calls.tsv.gz.tmp``). Reports are streamed: each one is written as it arrives, so a batch never
holds them all.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from il1rn_annot.errors import InternalError, OutputError, UsageError
from il1rn_annot.model import Report
from il1rn_annot.report.formats import FORMATS, STDOUT

if TYPE_CHECKING:
    import gzip

log = logging.getLogger(__name__)
__all__ = ["FORMATS", "STDOUT", "ReportStream", "format_for", "render_chunk", "write_page"]

#: What each format is called on disk by ``--output-dir`` (an annotated VCF is bgzipped).
SUFFIXES = {"json": ".json", "tsv": ".tsv", "summary": ".txt", "vcf": ".vcf.gz"}
FORMAT_OF_SUFFIX = {".json": "json", ".tsv": "tsv", ".txt": "summary", ".vcf": "vcf", ".bcf": "vcf"}

#: Names that say "a file of another kind": writing a report under them would mislead.
FOREIGN_SUFFIXES = (".csv", ".html", ".xlsx", ".xml", ".yaml", ".yml", ".bed")

#: Compressions a name can ask for that are not written (only .gz is): refused, never ignored.
#: .bgz too, but for a VCF: BGZF readers (tabix, Hail) expect blocks that gzip does not write,
#: and a VCF named .vcf.gz or .vcf.bgz is written in BGZF (see ``vcf_encoding``).
OTHER_COMPRESSIONS = (".bgz", ".bz2", ".xz", ".lzma", ".zst", ".zstd", ".lz4", ".z", ".zip", ".7z")

_FD_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_STD_PATHS = {"/dev/stdout": 1, "/dev/stderr": 2}


def format_for(path: str | None, requested: str | None) -> str:
    """The report format: ``--format`` if given, else the name's, else JSON.

    A name's format is the last of its suffixes that names a kind of file, so that temporary
    names such as ``calls.tsv.gz.tmp`` keep their format; a ``--format`` that contradicts it is
    a usage error, and so is a kind of another file (``.vcf``) without ``--format``, and any
    compression other than ``.gz`` after it.

    >>> format_for("calls.tsv.gz", None), format_for("calls.TXT", None), format_for(None, None)
    ('tsv', 'summary', 'json')
    >>> format_for("calls.tsv.gz.tmp", None), format_for("NA12878.vcf.gz.json", None)
    ('tsv', 'json')
    >>> format_for("/dev/fd/63", "tsv")
    'tsv'
    """
    kind, after = _name_says(path)
    bgzf = {".vcf": (".gz", ".bgz"), ".bcf": ()}.get(kind, (".gz",))
    refused = [s for s in after if s in (*OTHER_COMPRESSIONS, ".gz") and s not in bgzf]
    if refused:
        raise UsageError(
            f"cannot write {refused[0]} compression: name the report .json, .tsv or .txt "
            "(summary), optionally followed by .gz (gzip), or .vcf, .vcf.gz or .bcf",
            path,
        )
    named = FORMAT_OF_SUFFIX.get(kind)
    if requested is not None:
        if named is not None and named != requested:
            raise UsageError(
                f"--format {requested} contradicts the name, which says {named}: "
                f"name it {SUFFIXES[requested]} or leave --format out",
                path,
            )
        return requested
    if named is not None:
        return named
    if kind in FOREIGN_SUFFIXES:
        raise UsageError(
            f"cannot write a {kind} file: name the report .json, .tsv or .txt (summary), "
            "optionally .gz, or .vcf, .vcf.gz or .bcf, or give --format",
            path,
        )
    return "json"


def _name_says(path: str | None) -> tuple[str, tuple[str, ...]]:
    """The last suffix of the file name that names a kind of file ('' if none), and the
    suffixes after it (all of them if none); lower case.

    >>> _name_says("out/calls.TSV.gz.tmp"), _name_says("a.vcf.gz.tsv"), _name_says("report")
    (('.tsv', ('.gz', '.tmp')), ('.tsv', ()), ('', ()))
    """
    if not path or path == "-":
        return "", ()
    name = Path(path).name.lower()
    suffixes = ["." + part for part in name.lstrip(".").split(".")[1:]]
    for n in range(len(suffixes) - 1, -1, -1):
        if suffixes[n] in FORMAT_OF_SUFFIX or suffixes[n] in FOREIGN_SUFFIXES:
            return suffixes[n], tuple(suffixes[n + 1 :])
    return "", tuple(suffixes)


def gzipped(path: str | None) -> bool:
    """Whether a name asks for gzip: ``.gz`` after its format (``calls.tsv.gz.tmp`` too)."""
    return ".gz" in _name_says(path)[1]


def vcf_encoding(path: str | None) -> str:
    """How a VCF is written under ``path``: ``bgzf`` (.vcf.gz, .vcf.bgz; indexed with .tbi),
    ``bcf`` (indexed with .csi), else ``text``.

    >>> vcf_encoding("a.vcf.gz"), vcf_encoding("a.BCF"), vcf_encoding("a.vcf"), vcf_encoding(None)
    ('bgzf', 'bcf', 'text', 'text')
    """
    kind, after = _name_says(path)
    if kind == ".bcf":
        return "bcf"
    if kind == ".vcf" and {".gz", ".bgz"} & set(after):
        return "bgzf"
    return "text"


class ReportStream:
    """Write reports one after another to ``path`` (None or ``-``: stdout) as ``fmt``.

    Used as a context manager: on a clean exit the output is committed (the temporary file
    renamed into place) when at least one report was written, else discarded; on any exception,
    including SIGINT/SIGTERM, the temporary file is removed and an earlier report stays as it
    was.
    """

    def __init__(
        self, path: str | None, fmt: str, per: str = "sample", follow_symlinks: bool = True
    ) -> None:
        self.path = None if path in (None, "-") else path
        #: False for names made from input text (--split-samples): a symlink, FIFO or device
        #: found under the name is replaced by the report, never written through.
        self.follow_symlinks = follow_symlinks
        self.label = self.path or STDOUT
        self.fmt = fmt
        self.per = per
        self.count = 0
        self._tmp: str | None = None  # the temporary file while atomic output is open
        self._target: str | None = None  # what the temporary file becomes
        self._mode = 0o644
        self._owner: tuple[int, int] | None = None  # of the file being replaced
        self._links = 1  # its hard links, this name included
        self._raw: IO[bytes] | None = None
        self._gzip: gzip.GzipFile | None = None
        self._text: IO[str] | None = None
        #: An annotated VCF named .vcf.gz or .bcf is written as text first, then encoded and
        #: indexed into these temporary files, renamed with it (see ``_encode``).
        self._encoding = vcf_encoding(self.path) if fmt == "vcf" else "text"
        self._encoded: list[str] = []

    def __enter__(self) -> ReportStream:
        try:
            self._open()
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None and self.count:
            try:
                self._commit()
            except BaseException:
                self._discard()
                raise
        else:
            self._discard()

    def add_text(self, text: str) -> None:
        """Write text that is not a report (the HTML page, the MultiQC table, a catalog export),
        with the same atomic handling."""
        self.count += 1
        self._write(text)

    def add(self, report: Report) -> None:
        """Write one report now (the TSV header goes before the first)."""
        if self.fmt in ("json", "vcf") and self.count:
            raise ValueError(f"a {self.fmt.upper()} report holds one input")
        chunks = render_chunks(report, self.fmt, first=not self.count, per=self.per)
        self.count += 1
        for text in chunks:
            self._write(text)

    # --- opening ------------------------------------------------------------------------------

    def _open(self) -> None:
        path = self.path
        fd = None if path is None else _descriptor(path)
        if self._encoding != "text" and (fd is not None or not _regular(path)):
            raise OutputError(
                "a .vcf.gz or .bcf VCF is written with its index beside it, so it must be a "
                "regular file; write plain VCF (.vcf or stdout) to a pipe or device",
                path,
            )
        if path is None or fd == 1:
            self.path, self.label = None, STDOUT  # write where print() writes, keeping its order
            if sys.stdout is None:  # started with fd 1 closed (`>&-`)
                raise OutputError("cannot write the report: stdout is closed", STDOUT)
            self._text = sys.stdout
            return
        if fd is not None:
            self._raw = self._guard(lambda: os.fdopen(os.dup(fd), "wb"))
        else:
            info = self._stat(path)
            if info is not None and not self.follow_symlinks and not stat.S_ISDIR(info.st_mode):
                info = info if stat.S_ISREG(info.st_mode) else None  # replaced, not followed
            if info is not None and stat.S_ISDIR(info.st_mode):
                raise OutputError("is a directory; give a file name for the report", path)
            if info is not None and not stat.S_ISREG(info.st_mode):
                # A device, a FIFO: what the user named is the output itself, never replaced.
                self._raw = self._guard(lambda: open(path, "wb"))  # noqa: SIM115
            else:
                self._open_temporary(path, info)
        assert self._raw is not None
        sink: IO[bytes] = self._raw
        if gzipped(path) and self.fmt != "vcf":
            import gzip

            self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=sink, mtime=0)
            sink = self._gzip  # type: ignore[assignment]
        self._text = io.TextIOWrapper(sink, encoding="utf-8", newline="")  # type: ignore[arg-type]

    def _stat(self, path: str) -> os.stat_result | None:
        try:
            return os.stat(path) if self.follow_symlinks else os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None  # a new file, a symlink to one yet to be written, or a missing directory
        except OSError as exc:
            raise OutputError(f"cannot write the report here: {exc.strerror}", path) from None

    def _open_temporary(self, path: str, info: os.stat_result | None) -> None:
        target = os.path.realpath(path)  # through symlinks: the link stays, its file is replaced
        if not self.follow_symlinks:  # the directory may be a link; the name itself is not
            target = os.path.join(os.path.realpath(os.path.dirname(path) or "."), Path(path).name)
        parent = os.path.dirname(target)
        if not os.path.isdir(parent):
            raise OutputError("the output directory does not exist", path)
        if info is not None:
            if not os.access(target, os.W_OK):
                raise OutputError("cannot write the report: permission denied", path)
            self._mode = stat.S_IMODE(info.st_mode)
            self._owner, self._links = (info.st_uid, info.st_gid), info.st_nlink
        else:
            self._mode = 0o666 & ~_umask()  # mkstemp makes 0600; a report is an ordinary file
        name = os.path.basename(target)
        with _signals_deferred():  # a signal now would find the file made but not yet known
            fd, tmp = self._guard(
                lambda: tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=parent)
            )
            self._tmp, self._target = tmp, target
            self._raw = os.fdopen(fd, "wb")

    def _guard(self, action):
        try:
            return action()
        except OSError as exc:
            raise OutputError(f"cannot write the report here: {exc.strerror}", self.path) from None

    # --- writing and closing ------------------------------------------------------------------

    def _write(self, text: str) -> None:
        assert self._text is not None
        try:
            self._text.write(text)
            self._text.flush()  # each report leaves memory as it is written
        except BrokenPipeError:
            raise  # the reader went away (| head): the CLI ends quietly
        except OSError as exc:
            raise OutputError(f"cannot write the report: {exc.strerror}", self.label) from None

    def _commit(self) -> None:
        try:
            self._close_layers()
            if self._tmp is not None:
                assert self._target is not None
                index = self._encode() if self._encoding != "text" else None
                _keep_owner(self._tmp, self._owner)  # before chmod: chown clears set-id bits
                os.chmod(self._tmp, self._mode)
                with _signals_deferred():  # a VCF and its index are renamed together
                    os.replace(self._tmp, self._target)
                    self._tmp = None
                    if index is not None:
                        self._place_index(index)
                if self._links > 1:
                    others = self._links - 1
                    log.warning(
                        "%s: written as a new file; its %d other hard link%s still show%s the "
                        "earlier report",
                        self.label,
                        others,
                        "" if others == 1 else "s",
                        "s" if others == 1 else "",
                    )
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write the report: {exc.strerror}", self.label) from None

    def _close_layers(self) -> None:
        if self._text is sys.stdout:
            sys.stdout.flush()
            return
        if self._text is not None:
            self._text.flush()
            self._text.detach()  # leaves the gzip layer open, to close it below
            self._text = None
        if self._gzip is not None:
            self._gzip.close()  # writes the gzip trailer; the raw file stays open
            self._gzip = None
        if self._raw is not None:
            raw, self._raw = self._raw, None
            raw.close()

    def _encode(self) -> str:
        """Encode the VCF text written so far (BGZF or BCF) and index it; the encoded file
        becomes the temporary file. Returns the temporary index."""
        import pysam

        assert self._tmp is not None
        text, encoded = self._tmp, self._tmp + (".gz" if self._encoding == "bgzf" else ".bcf")
        index = encoded + (".tbi" if self._encoding == "bgzf" else ".csi")
        self._encoded = [encoded, index]  # removed by _discard if anything below fails
        try:
            if self._encoding == "bgzf":
                pysam.tabix_compress(text, encoded, force=True)
                pysam.tabix_index(encoded, preset="vcf", force=True)
            else:
                with pysam.VariantFile(text) as src:
                    # A first pass completes the header: htslib declares tags the input uses
                    # without declaring them, and BCF cannot hold an undeclared tag.
                    for _ in src:
                        pass
                    src.reset()
                    with pysam.VariantFile(encoded, "wb", header=src.header) as out:
                        for record in src:
                            out.write(record)
                pysam.tabix_index(encoded, preset="bcf", force=True, csi=True)
        except ValueError as exc:  # htslib refusing its own output: a bug, not the disk
            raise InternalError(f"cannot encode the VCF: {exc}", self.label) from None
        self._tmp = encoded
        self._encoded = [text, index]
        Path(text).unlink()
        return index

    def _place_index(self, index: str) -> None:
        """The index beside the VCF just renamed into place; an index of the other kind left
        from an earlier file of that name would describe other data, and is removed."""
        assert self._target is not None
        kind = Path(index).suffix
        os.chmod(index, self._mode)
        os.replace(index, self._target + kind)
        self._encoded = []
        other = self._target + (".csi" if kind == ".tbi" else ".tbi")
        if os.path.lexists(other):
            Path(other).unlink()

    def _discard(self) -> None:
        """Drop what was written: the temporary file goes, devices and pipes are closed."""
        self._text = None if self._text is sys.stdout else self._text
        for layer in (self._text, self._gzip, self._raw):
            if layer is not None:
                with contextlib.suppress(Exception):
                    layer.close()
        self._text = self._gzip = self._raw = None
        if self._tmp is not None:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None
        for extra in self._encoded:
            Path(extra).unlink(missing_ok=True)
        self._encoded = []


def write_page(path: str, text: str) -> None:
    """A whole page (the HTML report) written as a report is: to a temporary file renamed into
    place, or straight into a device or pipe; nothing is left behind when it fails."""
    with ReportStream(path, "page") as stream:
        stream.add_text(text)


def render_chunk(report: Report, fmt: str, first: bool, per: str = "sample") -> str:
    """One report's part of a stream: TSV rows (after the header if ``first``; a row per sample
    and variant, or per record with ``per="record"``), a summary block (after a blank line
    unless ``first``), or the whole JSON document."""
    return "".join(render_chunks(report, fmt, first, per))


def render_chunks(report: Report, fmt: str, first: bool, per: str = "sample") -> Iterator[str]:
    """``render_chunk`` in pieces (JSON and TSV: a sample at a time), written as they come, so
    that a cohort's report is never held whole as text."""
    if fmt == "json":
        from il1rn_annot.report import json as json_writer

        yield from json_writer.json_chunks(report)
    elif fmt == "tsv" and per == "record":
        from il1rn_annot.report.tsv import record_header, record_lines

        yield (record_header() if first else "") + record_lines(report)
    elif fmt == "tsv":
        from il1rn_annot.report.tsv import tsv_chunks, tsv_header

        if first:
            yield tsv_header()
        yield from tsv_chunks(report)
    elif fmt == "summary":
        from il1rn_annot.report.summary import render_summary

        yield ("" if first else "\n") + render_summary(report)
    elif fmt == "vcf":
        from il1rn_annot.report.vcf import render_vcf

        yield render_vcf(report)
    else:
        raise ValueError(f"unknown format {fmt}")


def _regular(path: str | None) -> bool:
    """Whether ``path`` is a regular file or a new one (not stdout, a device or a FIFO)."""
    if path is None:
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # a new file (or one that _open_temporary reports on)


def _descriptor(path: str) -> int | None:
    """The file descriptor a path names (/dev/stdout, /dev/fd/N, /proc/self/fd/N), if any.

    >>> _descriptor("/dev/fd/63"), _descriptor("/dev/stdout"), _descriptor("out.json")
    (63, 1, None)
    """
    text = os.path.normpath(os.path.abspath(path))
    if text in _STD_PATHS:
        return _STD_PATHS[text]
    match = _FD_PATH.match(text)
    return int(match.group(1)) if match else None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM for a few statements; they are delivered right after."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def _keep_owner(path: str, owner: tuple[int, int] | None) -> None:
    """Give a new file the owner and group of the file it replaces, where we may: root may;
    others may keep a group they belong to. Where we may not, the file is ours, as after mv."""
    if owner is None:
        return
    uid, gid = owner
    for want in ((uid, gid), (-1, gid)):
        try:
            os.chown(path, *want, follow_symlinks=False)
            return
        except OSError as exc:  # EPERM: not ours to give; some file systems refuse any chown
            log.debug("%s: cannot chown to %s: %s", path, want, exc.strerror)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
