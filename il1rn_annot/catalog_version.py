"""The bundled catalog's version and SHA-256, read without loading it: ``il1rn-annot --version``
must start as fast as ``--help`` (tests/test_startup.py), and ``catalog`` imports the gene model,
the genome and every data class. Both values equal ``load_catalog()``'s (tested); a file without
a version line is left to ``load_catalog``, whose error names the problem."""

from __future__ import annotations

import os
import re

CATALOG_FILE = "dira_variants.tsv"
VERSION_LINE = re.compile(r"^#\s*catalog_version:\s*(\d{4}\.\d{2}\.\d{2})\s*$")


def catalog_path() -> str:
    """``data/`` inside an installed wheel, else the source checkout's (as ``catalog.data_dir``)."""
    here = os.path.dirname(__file__)
    packaged = os.path.join(here, "data", CATALOG_FILE)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(
        os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "data", CATALOG_FILE
    )


def sha256_hex(raw: bytes) -> str:
    """The SHA-256 of ``raw`` from Python's builtin module: hashlib would load OpenSSL first, a
    few ms of every start-up (``--version``, a one-sample run)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:  # Python 3.12+: _sha2
        from hashlib import sha256

    return sha256(raw).hexdigest()


def catalog_identity() -> tuple[str, str] | None:
    """(version, sha256) of the bundled catalog, or None if it cannot be read or has no version
    line."""
    try:
        with open(catalog_path(), "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        match = VERSION_LINE.match(line)
        if match:
            return match.group(1), sha256_hex(raw)
    return None
