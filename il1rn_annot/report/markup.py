"""A tiny HTML renderer over package-data templates: the markup lives in ``templates/``, the
Python only fills it, and every value is escaped unless it is markup this module made.

A template file holds named blocks, each starting with a line ``<!--@ name -->``; a block is a
``string.Template`` (``$name`` placeholders). Escaping by default means text from an input (a
sample named ``<script>``, an error line quoting a file) can only ever appear as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import cache
from string import Template

_BLOCK = re.compile(r"^<!--@ (\w+) -->\n", re.MULTILINE)


class Markup(str):
    """Text that is already HTML (made by ``fill``): inserted as it is."""


def escape(value: object) -> Markup:
    """``value`` as HTML text; markup stays as it is.

    >>> escape('<img src=x onerror="a()">'), escape(Markup("<b>ok</b>"))
    ('&lt;img src=x onerror=&quot;a()&quot;&gt;', '<b>ok</b>')
    """
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def template_text(name: str) -> str:
    """A file of ``templates/`` as shipped with the package (read through importlib.resources,
    so an installed wheel finds it as the source checkout does)."""
    from importlib.resources import files

    return files("il1rn_annot.report").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def blocks(name: str) -> dict[str, Template]:
    """The named blocks of a template file (text before the first block is a comment)."""
    parts = _BLOCK.split(template_text(name))
    return {parts[n]: Template(parts[n + 1]) for n in range(1, len(parts), 2)}


def fill(name: str, block: str, /, **values: object) -> Markup:
    """One block of a template file with its placeholders filled, each value escaped."""
    return Markup(blocks(name)[block].substitute({k: escape(v) for k, v in values.items()}))


def join(items: Iterable[object], sep: str = "") -> Markup:
    """Several pieces of markup (or text, escaped) as one."""
    return Markup(escape(sep).join(escape(item) for item in items))
