"""Start-up (issue #11 part 4): what `il1rn-annot --help`, `--version` and a one-file `annotate`
import. Timing is measured by `make bench` (benchmarks/bench.py), never here; these tests pin
the imports that made start-up slow, so that they cannot come back unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from il1rn_annot.catalog import load_catalog
from il1rn_annot.catalog_version import catalog_identity

EXAMPLE = Path(__file__).parent.parent / "examples" / "dira_example.vcf.gz"

#: Imported by none of --help and --version: the writers, the model, the genome, logging, the
#: catalog (and what they import: gzip, tempfile, dataclasses), htslib, pandas.
NOT_AT_START = (
    "il1rn_annot.model",
    "il1rn_annot.genome",
    "il1rn_annot.catalog",
    "il1rn_annot.report.output",
    "il1rn_annot.batch",
    "logging",
    "gzip",
    "tempfile",
    "dataclasses",
    "pysam",
    "pandas",
    "numpy",
    "cyvcf2",
    "requests",
    "hail",
    "isal",
)
#: Imported only when asked for (--html, --output-dir, --format vcf, --jobs, --manifest, a
#: terminal), or never by the CLI (pandas, numpy: the notebook API's).
NOT_FOR_ONE_JSON = (
    "il1rn_annot.report.html",
    "il1rn_annot.report.multiqc",
    "il1rn_annot.report.vcf",
    "il1rn_annot.resume",
    "il1rn_annot.manifest",
    "il1rn_annot.progress",
    "multiprocessing",
    "concurrent.futures",
    "pandas",
    "numpy",
    "cyvcf2",  # 100 samples and more
    "requests",  # catalog check-updates only
    "hail",
    "isal",  # an input read to its end
)


def imported(*args: str) -> set[str]:
    """The modules in sys.modules after the CLI ran with ``args`` in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "from il1rn_annot.cli import main\n"
        f"sys.argv = ['il1rn-annot', *{list(args)!r}]\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    return set(json.loads(done.stderr.rsplit("MODULES ", 1)[1]))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["annotate", "--help"]])
def test_help_and_version_import_little(args):
    modules = imported(*args)
    heavy = NOT_AT_START if args[0] != "annotate" else ("pysam", "pandas", "numpy", "gzip")
    assert not modules & set(heavy), sorted(modules & set(heavy))


def test_one_file_to_json_imports_no_batch_machinery():
    modules = imported("annotate", str(EXAMPLE))
    assert "pysam" in modules  # it did run
    assert not modules & set(NOT_FOR_ONE_JSON), sorted(modules & set(NOT_FOR_ONE_JSON))


def test_version_names_the_catalog_load_catalog_reads():
    catalog = load_catalog()
    assert catalog_identity() == (catalog.version, catalog.sha256)
    done = subprocess.run(
        [sys.executable, "-m", "il1rn_annot", "--version"], capture_output=True, text=True
    )
    assert done.stdout.splitlines()[1] == f"catalog {catalog.version} sha256 {catalog.sha256}"
