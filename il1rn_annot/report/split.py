"""``--split-samples``: one report per sample, named from the sample, safely.

A sample name is text from the input: it may hold ``/``, ``..``, NUL, control characters, or
be longer than a file name may be. The file is ``<stem>.<sample><suffix>`` with every byte that
could leave the directory or confuse a shell listing percent-encoded (``/`` as ``%2F``, ``%``
itself as ``%25``), so that the name always stays one plain file name inside ``--output-dir``
and two different samples never get the same name. A name longer than the file system allows
(NAME_MAX, 255 bytes on Linux, less room for the temporary file's name) is cut and ends in
a hash of the sample name. Names that differ
only in case would overwrite each other on a case-insensitive file system (macOS, Windows
shares): ``SplitNames`` refuses them, before anything of that input is written.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import replace

from il1rn_annot.errors import InputError
from il1rn_annot.model import Report, SampleReport

#: Bytes written as they are; everything else (``/``, ``\\``, ``%``, NUL, control characters,
#: spaces, quotes) is percent-encoded. UTF-8 letters beyond ASCII are kept.
_PLAIN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+=,@#~")
#: The longest file name (bytes) most file systems accept, when the directory does not say.
NAME_MAX = 255
#: What the temporary file of a report adds to its name (``.<name>.XXXXXXXX.tmp``).
TEMPORARY_ROOM = 16


def encoded(sample: str) -> str:
    """The sample name as one safe piece of a file name.

    >>> encoded("NA12878"), encoded("../../etc/passwd"), encoded("a b%"), encoded("Ünal")
    ('NA12878', '%2E.%2F..%2Fetc%2Fpasswd', 'a%20b%25', 'Ünal')
    """
    out = []
    for char in sample:
        data = char.encode("utf-8", "surrogateescape")
        if len(data) > 1 and char.isprintable():
            out.append(char)  # a letter of another script: readable, and no path syntax
        elif data[0] in _PLAIN and not (char == "." and not out):
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in data)
    text = "".join(out)
    # A name of dots only would still read as '.' or '..' on its own: encode every dot then.
    return text.replace(".", "%2E") if set(text) <= {"."} else text


def file_name(stem: str, sample: str, suffix: str, name_max: int = NAME_MAX) -> str:
    """``<stem>.<sample><suffix>``, cut to ``name_max`` bytes with a hash of the sample name
    when it is longer (the hash keeps two long names apart).

    >>> file_name("cohort", "S1", ".json")
    'cohort.S1.json'
    >>> len(file_name("cohort", "x" * 300, ".json").encode())
    255
    """
    name = f"{stem}.{encoded(sample)}{suffix}"
    if len(name.encode("utf-8", "surrogateescape")) <= name_max:
        return name
    digest = hashlib.sha256(sample.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    tail = f"~{digest}{suffix}"
    room = name_max - len(tail.encode())
    head = name.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
    return head + tail


def name_max(directory: str) -> int:
    """The directory's longest file name, in bytes."""
    try:
        return min(os.pathconf(directory, "PC_NAME_MAX"), NAME_MAX)
    except (OSError, ValueError):
        return NAME_MAX


class SplitNames:
    """The file names of one batch's per-sample reports: each is new, also when case is
    ignored; a clash is an input error naming both samples."""

    def __init__(self, directory: str, reserved: tuple[str, ...] = ()) -> None:
        self.directory = directory
        self.limit = name_max(directory) - TEMPORARY_ROOM
        self.taken: dict[str, str] = {n.casefold(): f"the batch's own {n}" for n in reserved}

    def reserve(self, names: Iterable[str], owner: str, source: str | None = None) -> None:
        """File names of the directory that are ``owner``'s: a sample's report may not take
        them. With ``source`` (an input about to write them), one already taken is its
        input error."""
        for name in names:
            key = name.casefold()
            other = self.taken.get(key)
            if other is not None and source is not None:
                raise InputError(f"its report {name} would replace {other}", source)
            self.taken[key] = owner

    def names(self, stem: str, samples: list[str], suffix: str, source: str) -> list[str]:
        """The paths of one input's reports, in sample order; checked for every sample
        before any is written."""
        out = []
        mine: dict[str, str] = {}
        for sample in samples:
            name = file_name(stem, sample, suffix, self.limit)
            key = name.casefold()
            other = mine.get(key) or self.taken.get(key)
            if other is not None:
                raise InputError(
                    f"sample {sample!r} would write {name}, as {other} does (file names that "
                    "differ only in case overwrite each other on case-insensitive file "
                    "systems): select samples with --samples, or leave out --split-samples",
                    source,
                )
            mine[key] = f"sample {sample!r} of {source}"
            out.append(os.path.join(self.directory, name))
        self.taken.update(mine)
        return out


def one_sample(report: Report, sample: SampleReport) -> Report:
    """The report of one sample: every record of the window, and this sample's call (made with
    the whole file, so --ped parents in it still phase a child)."""
    info = replace(report.input, samples=(sample.sample,))
    return replace(report, input=info, samples=[sample], vcf_text=None)
