"""Start-up (issue #11 part 4): what `il1rn-annot --help`, `--version` and a one-file `annotate`
import. Timing is measured by `make bench` (benchmarks/bench.py), never here; these tests pin
the imports that made start-up slow, so that they cannot come back unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

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


#: Not imported when one sample's file is read through its index (issue #11: what a one-sample
#: run costs above reading its window): the readers of files without an index, the batch's
#: workers' pool, the rules and data classes of options not given (--ped, --clinvar, --bam,
#: --targets; --sv needs none of its own), gzip (the index check inflates with zlib).
NOT_FOR_ONE_INDEXED_SAMPLE = (
    *NOT_FOR_ONE_JSON,
    "il1rn_annot.bisection",
    "il1rn_annot.stream",
    "il1rn_annot.inflate",
    "il1rn_annot.family",
    "il1rn_annot.clinvar",
    "il1rn_annot.depth",
    "il1rn_annot.model_depth",
    "il1rn_annot.targets",
    "il1rn_annot.cohort_depth",
    "il1rn_annot.cohort_text",
    "il1rn_annot.overlay",
    "il1rn_annot.manifest",
    "il1rn_annot.api",
    "gzip",
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


@pytest.mark.parametrize("encoding", ["vcf.gz+tbi", "vcf.gz+csi", "bcf+csi"])
def test_one_indexed_sample_imports_only_what_its_path_needs(tmp_path, encoding):
    """A one-sample file read through its index: the report is made (E77X, het) and none of
    the modules only other inputs and options need was imported for it."""
    text = vcf_text(["S1"], ["113131068 G T PASS GT:DP:GQ 0/1:30:50"])
    path = write_input(tmp_path, "one", text, encoding)
    report = tmp_path / "one.json"
    modules = imported("annotate", str(path), "-o", str(report))
    written = json.loads(report.read_text())
    assert written["input"]["access"] == "index"
    assert [s["dira_genotype"] for s in written["samples"]] == ["monoallelic"]
    unneeded = modules & set(NOT_FOR_ONE_INDEXED_SAMPLE)
    assert not unneeded, sorted(unneeded)


def test_version_names_the_catalog_load_catalog_reads():
    catalog = load_catalog()
    assert catalog_identity() == (catalog.version, catalog.sha256)
    done = subprocess.run(
        [sys.executable, "-m", "il1rn_annot", "--version"], capture_output=True, text=True
    )
    assert done.stdout.splitlines()[1] == f"catalog {catalog.version} sha256 {catalog.sha256}"
