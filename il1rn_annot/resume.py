"""Resuming a batch: which reports of an ``--output-dir`` are finished, so that a rerun skips them.

A report is finished when its line in the directory's state file, ``.il1rn-annot-batch.jsonl``,
says so. The line is appended only after the report has been renamed into place, and names what
the report was made from: the input, its side files and their indexes (path, size, mtime), the
settings that change a report (options, format, tool and catalog versions, schema), and the
report file itself with its index if it has one (size, mtime, inode). A rerun skips an input
only if all of that still holds, so a changed input, option or version, and a report that was
replaced, truncated or deleted, are redone. A line cut short by SIGKILL is not JSON and is
ignored (that input is redone).

The line also keeps what the batch's tables (MultiQC, HTML) need of the report, so that a
resumed batch's tables list every input, skipped ones too, without reading its reports again.

The directory is locked (``flock``) while a batch runs: two batches writing one directory at
once would each clean up the other's temporary files. Temporary files that a killed batch left
(``.NAME.XXXXXXXX.tmp``, hidden and never named like a report) are removed by the next batch in
that directory, before it writes anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import types
import typing
from collections.abc import Iterable
from typing import IO, Any

from il1rn_annot.errors import OutputError
from il1rn_annot.model import Options, Report, ToolInfo

STATE_FILE = ".il1rn-annot-batch.jsonl"
#: What ``ReportStream`` leaves when killed: mkstemp's ``.NAME.XXXXXXXX.tmp``, and the encoded
#: VCF's temporary files beside it.
_TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp(?:\.gz|\.gz\.tbi|\.bcf|\.bcf\.csi)?")


def settings_key(options: Options, fmt: str, per: str, tool: ToolInfo, schema: str) -> str:
    """A digest of everything besides the files that changes a report (the command line
    itself does not: an annotated VCF names it, but a rerun with --jobs is the same batch)."""
    settings = dataclasses.asdict(options)
    for side in ("command", "sv", "ped", "bams", "fasta"):  # files: fingerprinted by content
        settings.pop(side)
    settings.update(fmt=fmt, per=per, tool=dataclasses.asdict(tool), schema=schema)
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(source: str, options: Options, settings: str) -> dict[str, Any] | None:
    """What a report was made from; None when it cannot be known (stdin, an unreadable file):
    such an input is never skipped."""
    files = [("input", source)]
    files += [(role, path) for role, path in (("sv", options.sv), ("ped", options.ped)) if path]
    files += [(f"bam {sample or ''}", path) for sample, path in options.bams]  # SAMPLE= too
    if options.fasta:
        files.append(("fasta", options.fasta))
    stats = []
    for role, path in files:
        if path == "-":
            return None
        for name in (path, *_indexes(path)):
            try:
                info = os.stat(name)
            except OSError:
                if name != path:
                    continue  # no index of that kind
                return None
            stats.append([role, os.path.realpath(name), info.st_size, info.st_mtime_ns])
    return {"settings": settings, "files": stats}


def _indexes(path: str) -> tuple[str, ...]:
    """Index files beside an input: a new index can change how the window is read."""
    return tuple(path + s for s in (".tbi", ".csi", ".crai", ".bai", ".fai", ".gzi"))


def _input_of(entry: dict[str, Any]) -> str | None:
    """The input (real path) an entry's report was made from."""
    try:
        return next(f[1] for f in entry["made_from"]["files"] if f[0] == "input")
    except (KeyError, TypeError, IndexError, StopIteration):
        return None


def _file_id(path: str) -> list[int] | None:
    """A report's size, mtime and inode, and its index's (an annotated .vcf.gz or .bcf)."""
    ids = []
    for name in (path, path + ".tbi", path + ".csi"):
        try:
            info = os.stat(name)
        except OSError:
            if name == path:
                return None
            continue
        ids += [info.st_size, info.st_mtime_ns, info.st_ino]
    return ids


class BatchState:
    """The finished reports of one output directory (module docstring)."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, STATE_FILE)
        self.entries: dict[str, dict[str, Any]] = {}
        self._handle: IO[str] | None = None
        self._lock: int | None = None

    def open(self, names: Iterable[str], prefixes: tuple[str, ...] = ()) -> None:
        """Lock the directory, read the state file, and remove the temporary files that a
        killed batch left for any of ``names`` (report and table file names in the directory)
        or for a name starting with one of ``prefixes`` (per-sample reports, ``<stem>.``).
        The state file itself is made with the first finished report."""
        import fcntl

        try:
            self._lock = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise OutputError(
                f"cannot open the directory: {exc.strerror}", self.directory
            ) from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.close()
            raise OutputError(
                "another il1rn-annot batch is writing this directory; wait for it to end, or "
                "give another --output-dir",
                self.directory,
            ) from None
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                        self.entries[entry["report"]] = entry
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill: that report is redone
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"cannot read the batch state: {exc.strerror}", self.path) from None
        self._clean(names, prefixes)

    def _clean(self, names: Iterable[str], prefixes: tuple[str, ...] = ()) -> None:
        wanted = set(names)
        try:
            present = os.listdir(self.directory)
        except OSError:
            return
        for name in present:
            match = _TEMPORARY.fullmatch(name)
            if match is None or not (
                match.group(1) in wanted or match.group(1).startswith(prefixes or ("\0",))
            ):
                continue
            try:
                os.unlink(os.path.join(self.directory, name))
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutputError(
                    f"cannot remove a temporary file left by an earlier batch: {exc.strerror}",
                    os.path.join(self.directory, name),
                ) from None

    def finished(
        self, report: str, made_from: dict[str, Any] | None, sinks: Iterable[str]
    ) -> dict[str, Any] | None:
        """The entry of a report that needs no redoing, else None."""
        entry = self.entries.get(report)
        if made_from is None or entry is None or entry.get("made_from") != made_from:
            return None
        files = entry.get("files")
        if files is not None:  # --split-samples: every sample's report as it was written
            if not isinstance(files, dict) or not files:
                return None
            for name, ident in files.items():
                if _file_id(os.path.join(self.directory, name)) != ident:
                    return None
        elif _file_id(os.path.join(self.directory, report)) != entry.get("file"):
            return None
        kept = entry.get("kept") or {}
        return entry if all(key in kept for key in sinks) else None

    def remove_earlier(
        self, names: Iterable[str], source: str, written: Iterable[str]
    ) -> tuple[list[str], list[str]]:
        """Reports that earlier runs of ``source`` wrote (the entries ``names``: its one report,
        or its per-sample reports) and that this run has not ``written``: a sample no longer in
        the input or the selection, or the other form (split or not). Left there, they would
        look like this run's. Those unchanged since they were written are removed; returns
        them, and those changed since (left as they are, not the tool's any more)."""
        mine = set(written)
        removed: list[str] = []
        changed: list[str] = []
        for name in names:
            entry = self.entries.get(name)
            if entry is None or _input_of(entry) != os.path.realpath(source):
                continue
            files = entry.get("files")
            listed = files if isinstance(files, dict) else {name: entry.get("file")}
            for file, ident in listed.items():
                path = os.path.join(self.directory, file)
                if file in mine or os.sep in file or not os.path.lexists(path):
                    continue
                if _file_id(path) != ident or os.path.islink(path):
                    changed.append(file)
                    continue
                try:
                    os.unlink(path)
                except OSError as exc:
                    raise OutputError(
                        f"cannot remove a report of an earlier run: {exc.strerror}", path
                    ) from None
                removed.append(file)
        return removed, changed

    def record(
        self,
        report: str,
        made_from: dict[str, Any] | None,
        kept: dict[str, Any],
        files: list[str] | None = None,
    ) -> None:
        """A report just renamed into place is finished; ``files``: the per-sample reports
        an input was split into, all renamed into place (``report`` then only names them)."""
        if made_from is None or self._lock is None:
            return
        entry: dict[str, Any] = {"report": report, "made_from": made_from, "kept": kept}
        if files is None:
            entry["file"] = _file_id(os.path.join(self.directory, report))
        else:
            entry["files"] = {f: _file_id(os.path.join(self.directory, f)) for f in files}
        try:
            if self._handle is None:
                # O_NOFOLLOW: a symlink planted under the state file's name is not followed
                # out of the directory (ELOOP: one error line, as any other output failure).
                flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                self._handle = open(  # noqa: SIM115
                    os.open(self.path, flags, 0o666), "a", encoding="utf-8"
                )
            self._handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            self._handle.flush()
        except OSError as exc:
            raise OutputError(f"cannot write the batch state: {exc.strerror}", self.path) from None

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # the lock goes with it (and with the process, if killed)
            self._lock = None
        if self._handle is not None:
            handle, self._handle = self._handle, None
            try:
                handle.close()
            except OSError as exc:
                raise OutputError(
                    f"cannot write the batch state: {exc.strerror}", self.path
                ) from None


# --- what the tables keep, as JSON ---------------------------------------------------------------


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples and lists as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def from_plain(kind: Any, value: Any) -> Any:
    """The inverse of ``to_plain`` for a value of type ``kind`` (dataclasses with type hints,
    ``tuple[X, ...]``, ``list[X]``, ``X | None``, plain values)."""
    if value is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: from_plain(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value
            }
        )
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return from_plain(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        return tuple(from_plain(args[0], v) for v in value)
    if origin is list:
        return [from_plain(args[0], v) for v in value]
    return value


def kept_for(sinks: Iterable[Any], source: str, report: Report) -> dict[str, Any]:
    """What each table keeps of a report, as JSON values, by the table's key."""
    return {sink.key: to_plain(sink.keep(source, report)) for sink in sinks}
