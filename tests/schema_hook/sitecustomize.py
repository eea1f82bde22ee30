"""Put on PYTHONPATH by conftest: the il1rn-annot subprocesses the tests start validate every JSON
report they write against report.schema.json, as the in-process runs do (conftest). Nothing is
imported until il1rn-annot itself imports its JSON writer, so start-up and lazy imports stay as
they are."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SCHEMA = Path(__file__).parent.parent.parent / "il1rn_annot" / "report" / "report.schema.json"
WRITER = "il1rn_annot.report.json"


def _patch(module) -> None:
    chunks = module.json_chunks

    def checked(report):
        import jsonschema

        parts = list(chunks(report))
        schema = json.loads(SCHEMA.read_text())
        jsonschema.Draft202012Validator(schema).validate(json.loads("".join(parts)))
        return iter(parts)

    module.json_chunks = checked


class _Finder:
    """Finds the JSON writer the ordinary way, and patches it once it has been executed."""

    def find_spec(self, name, path=None, target=None):
        if name != WRITER:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Finder())
