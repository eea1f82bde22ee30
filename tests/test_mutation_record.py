"""docs/mutation-survivors.tsv, the record of every surviving mutant of the rule modules and why
it survives, stays well-formed: each row names a mutant of a mutated module, once, with a known
verdict and a reason, and each `killed` row names a test that exists."""

import csv
import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "mutation-survivors.tsv"
VERDICTS = {"killed", "equivalent", "wording", "report-only", "unreachable", "open"}
NAME = re.compile(r"il1rn_annot\.(\w+)\.x[_ǁ]\S*__mutmut_\d+")


def _rows() -> list[dict[str, str]]:
    with RECORD.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_each_row_names_a_mutant_of_a_rule_module_once_with_a_verdict_and_a_reason():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    modules = {Path(p).stem for p in config["only_mutate"]}
    rows = _rows()
    assert rows
    names = [r["mutant"] for r in rows]
    assert len(names) == len(set(names))
    for row in rows:
        match = NAME.fullmatch(row["mutant"])
        assert match and match.group(1) in modules, row["mutant"]
        assert row["verdict"] in VERDICTS, row
        assert row["why"].strip(), row


def test_a_killed_row_names_a_test_that_exists():
    tests = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")}
    for row in _rows():
        if row["verdict"] != "killed":
            continue
        named = re.findall(r"(test_\w+\.py)(?:::(\w+))?", row["why"])
        assert named, row
        for path, function in named:
            assert path in tests, row
            if function:
                assert f"def {function}(" in tests[path], row
