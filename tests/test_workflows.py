"""The workflow wrappers of workflows/ (issue #10, parts 4 and 5), run for real.

Snakemake: the real `snakemake` of this environment runs workflows/snakemake/Snakefile on VCFs
written here, with this environment's il1rn-annot first on PATH. Nextflow cannot run here (its
launcher downloads its runtime from a host these machines cannot reach), so the module's
`script:` block is read from main.nf, given the values Nextflow would give it, and run with bash
against the real CLI.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import vcf_text, write_input

from il1rn_annot import __version__

ROOT = Path(__file__).parent.parent
SNAKEMAKE_DIR = ROOT / "workflows" / "snakemake"
SNAKEFILE = SNAKEMAKE_DIR / "Snakefile"
NEXTFLOW_DIR = ROOT / "workflows" / "nextflow"
MODULE = NEXTFLOW_DIR / "modules" / "il1rn_annot"
BIN = Path(sys.executable).parent

needs_snakemake = pytest.mark.skipif(
    sys.version_info < (3, 11) or not (BIN / "snakemake").exists(),
    reason="Snakemake 9 needs Python 3.11+ (the test extra installs it there only)",
)

#: Three patients, one VCF each, with catalog alleles: E77X (DIRA01) homozygous, Q54X (DIRA02)
#: heterozygous, and a reference call at E77X.
PATIENTS = {
    "P1_HOM": ("113131068 G T PASS GT:DP:GQ 1/1:35:99", "biallelic"),
    "P2_CARRIER": ("113129619 C T PASS GT:DP:GQ 0/1:40:99", "monoallelic"),
    "P3_NONE": ("113131068 G T PASS GT:DP:GQ 0/0:38:99", "none"),
}


def environment() -> dict[str, str]:
    """This environment's il1rn-annot and snakemake first on PATH (conftest has put the schema
    hook on PYTHONPATH, so the reports the jobs write are validated too)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("VIRTUAL_ENV", None)
    return env


def snakemake(workdir: Path, *args: str, config: dict[str, str] | None = None):
    settings = [f"{key}={value}" for key, value in (config or {}).items()]
    return subprocess.run(
        [
            str(BIN / "snakemake"),
            "-s",
            str(SNAKEFILE),
            "--directory",
            str(workdir),
            *args,
            *(["--config", *settings] if settings else []),
        ],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows))
    return path


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory):
    """One real Snakemake run over three single-sample VCFs (the sheet's paths relative to it)."""
    data = tmp_path_factory.mktemp("vcfs")
    rows = [["sample", "vcf"]]
    for name, (row, _) in PATIENTS.items():
        write_input(data, name, vcf_text([name], [row]))
        rows.append([name, f"{name}.vcf.gz"])
    sheet = write_sheet(data / "samples.tsv", rows)
    workdir = tmp_path_factory.mktemp("run")
    result = snakemake(workdir, "--cores", "2", config={"samples": str(sheet)})
    return workdir, sheet, result


@needs_snakemake
def test_snakemake_annotates_every_row(cohort_run):
    workdir, _, result = cohort_run
    assert result.returncode == 0, result.stderr

    for name, (_, expected) in PATIENTS.items():
        report = json.loads((workdir / "results" / f"{name}.json").read_text())
        assert [(s["sample"], s["dira_genotype"]) for s in report["samples"]] == [(name, expected)]
        assert report["tool"]["version"] == __version__
        tsv = read_tsv(workdir / "results" / f"{name}.tsv")
        assert {row["dira_genotype"] for row in tsv} == {expected}
        assert (workdir / "logs" / "annotate" / f"{name}.log").is_file()
    assert (workdir / "logs" / "cohort.log").is_file()


@needs_snakemake
def test_snakemake_cohort_table_has_one_header_and_every_sample(cohort_run):
    workdir, _, _ = cohort_run
    text = (workdir / "results" / "cohort.tsv").read_text()
    assert text.count("input\tsample\t") == 1 and text.startswith("input\tsample\t")
    rows = read_tsv(workdir / "results" / "cohort.tsv")
    assert {row["sample"]: row["dira_genotype"] for row in rows} == {
        name: expected for name, (_, expected) in PATIENTS.items()
    }
    hom = next(row for row in rows if row["sample"] == "P1_HOM")
    assert (hom["dira_id"], hom["zygosity"], hom["genotype"]) == ("DIRA01", "hom_alt", "1/1")
    assert hom["input"].endswith("P1_HOM.vcf.gz")  # the sheet's path, from the sheet's directory


@needs_snakemake
def test_snakemake_rerun_has_nothing_to_do(cohort_run):
    workdir, sheet, _ = cohort_run
    again = snakemake(workdir, "-n", config={"samples": str(sheet)})
    assert again.returncode == 0, again.stderr
    assert "Nothing to be done" in again.stdout + again.stderr


@needs_snakemake
def test_snakemake_lint_passes(tmp_path):
    sheet = write_sheet(tmp_path / "samples.tsv", [["sample", "vcf"], ["X", "x.vcf"]])
    (tmp_path / "x.vcf").write_text(vcf_text(["X"], []))
    result = snakemake(tmp_path, "--lint", config={"samples": str(sheet)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition" in result.stderr


@needs_snakemake
@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([["name", "vcf"], ["X", "x.vcf"]], "line 1: no column sample"),
        ([["sample", "vcf"], ["X", "missing.vcf"]], "line 2: vcf of sample X: no such file: "),
    ],
)
def test_snakemake_refuses_a_wrong_sheet_before_any_job(tmp_path, rows, problem):
    (tmp_path / "x.vcf").write_text(vcf_text(["X"], []))
    sheet = write_sheet(tmp_path / "samples.tsv", rows)
    result = snakemake(tmp_path / "run", "--cores", "1", config={"samples": str(sheet)})
    assert result.returncode == 1
    assert f"sample sheet {sheet}: {problem}" in result.stderr
    assert not (tmp_path / "run" / "results").exists()


@needs_snakemake
def test_snakemake_failed_samples_fail_their_jobs_and_the_cohort(tmp_path):
    """il1rn-annot's exit 3 fails the job, and so does a row whose sample is not in its VCF;
    with --keep-going the other samples finish, and there is no cohort table without them."""
    write_input(tmp_path, "good", vcf_text(["GOOD"], [PATIENTS["P1_HOM"][0]]))
    write_input(tmp_path, "other", vcf_text(["SOMEONE_ELSE"], [PATIENTS["P1_HOM"][0]]))
    (tmp_path / "broken.vcf").write_text(
        vcf_text(["BROKEN"], ["113131068 G T PASS GT:DP:GQ +1/1:35:99"])
    )
    sheet = write_sheet(
        tmp_path / "samples.tsv",
        [
            ["sample", "vcf"],
            ["GOOD", "good.vcf.gz"],
            ["WRONG_NAME", "other.vcf.gz"],
            ["BROKEN", "broken.vcf"],
        ],
    )
    run = tmp_path / "run"
    result = snakemake(run, "--cores", "2", "--keep-going", config={"samples": str(sheet)})
    assert result.returncode == 1
    assert (run / "results" / "GOOD.json").is_file()
    assert not (run / "results" / "cohort.tsv").exists()
    for name in ("WRONG_NAME", "BROKEN"):
        assert not (run / "results" / f"{name}.json").exists()  # Snakemake removed them
    broken = (run / "logs" / "annotate" / "BROKEN.log").read_text()
    assert broken.startswith("il1rn-annot: error: ") and "+1/1" in broken
    wrong = (run / "logs" / "annotate" / "WRONG_NAME.log").read_text()
    assert f"sample WRONG_NAME is not in {tmp_path / 'other.vcf.gz'}" in wrong


@needs_snakemake
def test_snakemake_example_sheet_uses_every_column(tmp_path):
    """The sample sheet beside the Snakefile (the README's command): --ped, --sv and --bam with
    a CRAM reach il1rn-annot, each changing the call the way the examples document."""
    sheet = SNAKEMAKE_DIR / "samples.tsv"
    fasta = ROOT / "examples" / "depth" / "synthetic_chr2.fa.gz"
    result = snakemake(tmp_path, "--cores", "2", config={"samples": sheet, "fasta": fasta})
    assert result.returncode == 0, result.stderr
    rows = read_tsv(tmp_path / "results" / "cohort.tsv")
    assert {row["sample"]: row["dira_genotype"] for row in rows} == {
        "AFFECTED_HOM": "biallelic",
        "CARRIER": "monoallelic",
        "TRIO_CHILD": "biallelic",  # biallelic_unphased without --ped
        "SV_FOUNDER_HOM": "biallelic",  # indeterminate without --sv
        "DEPTH_NO_COPY": "indeterminate",  # none without its CRAM
    }
    assert {row["sample"] for row in read_tsv(tmp_path / "results" / "CARRIER.tsv")} > {"CARRIER"}


def cohort(tmp_path: Path, *pairs: tuple[str, Path]):
    """scripts/cohort.awk run as the cohort rule runs it (with this machine's awk)."""
    arguments = [part for name, tsv in pairs for part in (f"sample={name}", str(tsv))]
    return subprocess.run(
        ["awk", "-f", str(SNAKEMAKE_DIR / "scripts" / "cohort.awk"), *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def two_reports(tmp_path, run) -> tuple[Path, Path]:
    """TSVs of il1rn-annot: a two-sample VCF and a one-sample VCF."""
    both = write_input(tmp_path, "both", vcf_text(["A", "B"], ["113131068 G T PASS GT 1/1 0/1"]))
    alone = write_input(tmp_path, "alone", vcf_text(["C"], ["113129619 C T PASS GT 0/1"]))
    for path in (both, alone):
        result = run("annotate", path, "--format", "tsv", "-o", tmp_path / f"{path.name}.tsv")
        assert result.exit_code == 0, result.stderr
    return tmp_path / "both.vcf.gz.tsv", tmp_path / "alone.vcf.gz.tsv"


def test_cohort_keeps_each_row_s_own_sample_under_one_header(tmp_path, two_reports):
    both, alone = two_reports
    result = cohort(tmp_path, ("B", both), ("C", alone))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == both.read_text().splitlines()[0]
    assert [line.split("\t")[1:3] for line in lines[1:]] == [
        ["B", "monoallelic"],
        ["C", "monoallelic"],
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda text: text.replace("\tneeds_review\t", "\tneeds_review_x\t", 1),
            "its columns differ",
        ),
        (
            lambda text: text.replace(f"\t{__version__}\t", "\t0.4.0\t"),
            "was made by il1rn-annot 0.4.0",
        ),
        (lambda text: text.replace("\tC\t", "\tD\t"), "no row for sample C"),
        (lambda text: text.replace("sample", "name", 1), "not an il1rn-annot TSV"),
    ],
)
def test_cohort_refuses_tables_that_do_not_belong_together(tmp_path, two_reports, change, problem):
    both, alone = two_reports
    alone.write_text(change(alone.read_text()))
    result = cohort(tmp_path, ("A", both), ("C", alone))
    assert result.returncode == 1
    assert result.stderr.startswith(f"il1rn-annot cohort: error: {alone}")
    assert problem in result.stderr


# The sample sheet's checks, in-process: rules/common.smk is plain Python over `config`.


def sheet_reader(config: dict[str, str]):
    pytest.importorskip("snakemake.exceptions", reason="Snakemake 9 needs Python 3.11+")
    namespace: dict = {"config": config}
    exec(
        compile((SNAKEMAKE_DIR / "rules" / "common.smk").read_text(), "common.smk", "exec"),
        namespace,
    )
    return namespace["read_sample_sheet"]


@pytest.mark.parametrize(
    ("text", "config", "problem"),
    [
        ("", {}, "empty (it needs a header: sample, vcf)"),
        ("sample\tvcf\nZo\xeb\tx.vcf\n".encode("latin-1"), {}, "not UTF-8 text"),
        ("sample\n", {}, "line 1: no column vcf"),
        ("sample\tvcf\tbam_path\nX\tx.vcf\ty.bam\n", {}, "line 1: unknown column 'bam_path'"),
        ("sample\tvcf\tvcf\nX\tx.vcf\tx.vcf\n", {}, "line 1: a column appears twice"),
        ("sample\tvcf\nX\tx.vcf\nX\tx.vcf\n", {}, "line 3: sample X appears twice"),
        ("sample\tvcf\nX\n", {}, "line 2: 1 cells, the header has 2"),
        ("sample\tvcf\nX\t\n", {}, "line 2: sample X has no vcf"),
        ("sample\tvcf\nX/../Y\tx.vcf\n", {}, "line 2: sample 'X/../Y': use letters"),
        ("sample\tvcf\n", {}, "no samples under the header"),
        ("sample\tvcf\tbam\nX\tx.vcf\tx.cram\n", {}, "line 2: bam of sample X is a CRAM"),
    ],
)
def test_sample_sheet_problems_are_named(tmp_path, text, config, problem):
    for name in ("x.vcf", "x.cram"):
        (tmp_path / name).write_text("")
    sheet = tmp_path / "samples.tsv"
    sheet.write_bytes(text) if isinstance(text, bytes) else sheet.write_text(text)
    read = sheet_reader(config)
    with pytest.raises(Exception, match=re.escape(problem)) as error:
        read(str(tmp_path / "samples.tsv"))
    assert str(error.value).startswith(f"sample sheet {tmp_path / 'samples.tsv'}: ")


def test_sample_sheet_paths_are_from_its_directory(tmp_path):
    (tmp_path / "data").mkdir()
    for name in ("a.vcf.gz", "a.sv.vcf", "a.cram", "family.ped"):
        (tmp_path / "data" / name).write_text("")
    (tmp_path / "samples.tsv").write_text(  # as a spreadsheet saves it: a BOM, CRLF
        "\ufeff# a comment\r\nSample\tVCF\tsv\tbam\tped\r\n\r\n"
        "A\tdata/a.vcf.gz\tdata/a.sv.vcf\tdata/a.cram\tdata/family.ped\r\n"
        "B\tdata/a.vcf.gz\t\t\t\r\n"
    )
    samples = sheet_reader({"fasta": "ref.fa"})(str(tmp_path / "samples.tsv"))
    data = tmp_path / "data"
    assert samples == {
        "A": {
            "vcf": str(data / "a.vcf.gz"),
            "sv": str(data / "a.sv.vcf"),
            "bam": str(data / "a.cram"),
            "ped": str(data / "family.ped"),
        },
        "B": {"vcf": str(data / "a.vcf.gz")},
    }


def test_sample_sheet_paths_in_remote_storage_are_kept_as_written(tmp_path):
    """With a default storage provider (Kubernetes) the files are not on this machine."""
    (tmp_path / "samples.tsv").write_text("sample\tvcf\tsv\nA\tcohort/a.vcf.gz\t\n")
    read = sheet_reader({})
    assert read(str(tmp_path / "samples.tsv"), local_files=False) == {
        "A": {"vcf": "cohort/a.vcf.gz"}
    }
    with pytest.raises(Exception, match="vcf of sample A: no such file"):
        read(str(tmp_path / "samples.tsv"))


def test_packaging_of_the_workflows_names_this_version():
    """The conda environments and container tags install the il1rn-annot they were written for."""
    snakemake_env = (SNAKEMAKE_DIR / "envs" / "il1rn-annot.yaml").read_text()
    assert f"il1rn-annot=={__version__}" in snakemake_env
    tag = f"quay.io/biocontainers/il1rn-annot:{__version__}"
    assert f'container: "docker://{tag}"' in (SNAKEMAKE_DIR / "config.yaml").read_text()
    assert f'"docker://{tag}"' in SNAKEFILE.read_text()


# Nextflow: the module's script run as Nextflow would run it (the launcher cannot be installed
# here: `pip install nextflow` gives a launcher that downloads its runtime from nextflow.io).

#: What Nextflow gives the script: the staged file names, meta.id, task.process, task.ext.*.
TASK = {
    "meta.id": "P1",
    "task.process": "IL1RN_ANNOT",
    "task.ext.args": "",
    "task.ext.prefix": None,
}
#: The `def` lines the module's blocks may have, and how the test evaluates them.
DEFS = {
    "def args = task.ext.args ?: ''": ("args", lambda task: task["task.ext.args"] or ""),
    'def prefix = task.ext.prefix ?: "${meta.id}"': (
        "prefix",
        lambda task: task["task.ext.prefix"] or task["meta.id"],
    ),
}
GSTRING = re.compile(r"\\(.)|\$\{\s*([^}]*?)\s*\}|\$([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]\w*)*)")


def nf_block(text: str, label: str) -> str:
    """The lines of a process block section (`script:`, `stub:`, `input:`...) up to the next."""
    lines = text.splitlines()
    start = lines.index(f"    {label}:") + 1
    end = next(
        (i for i in range(start, len(lines)) if re.fullmatch(r"    [a-z]+:|}", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start:end])


def groovy_script(block: str, values: dict[str, str]) -> str:
    """The shell script of a `script:`/`stub:` block: its defs evaluated, then its triple-quoted
    GString interpolated and unescaped as Groovy does, and its indent stripped as Nextflow
    does. An expression the test does not know fails the test."""
    head, body, tail = block.split('"""')
    assert not tail.strip(), tail
    values = dict(values)
    for line in filter(None, (s.strip() for s in head.splitlines())):
        assert line in DEFS, f"the test does not know this line of the module: {line}"
        name, evaluate = DEFS[line]
        values[name] = evaluate(values)

    def interpolate(match: re.Match) -> str:
        escaped, expression, name = match.groups()
        if escaped is not None:
            return escaped
        key = expression or name
        assert key in values, f"the test does not know ${{{key}}}"
        return str(values[key])

    return textwrap.dedent(GSTRING.sub(interpolate, body)).strip("\n") + "\n"


def run_task(workdir: Path, block: str, vcf: Path, index: Path | None, **task) -> Path:
    """Stage the inputs as Nextflow does (symlinks under their own names in a task directory)
    and run the block's script with bash, this environment's il1rn-annot first on PATH."""
    workdir.mkdir(parents=True)
    for path in filter(None, (vcf, index)):
        (workdir / path.name).symlink_to(path.resolve())
    values = {**TASK, **task, "vcf": vcf.name, "index": index.name if index else ""}
    script = groovy_script(block, values)
    (workdir / ".command.sh").write_text(script)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", ".command.sh"],
        cwd=workdir,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return workdir


def version_lines() -> tuple[str, str]:
    shown = subprocess.run(
        [str(BIN / "il1rn-annot"), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()
    return shown[1], shown[3]  # il1rn-annot X / catalog V sha256 S


@pytest.mark.parametrize("indexed", [True, False], ids=["with-index", "no-index"])
def test_nextflow_module_script_runs_the_cli(tmp_path, indexed):
    yaml = pytest.importorskip("yaml")
    vcf = write_input(tmp_path, "in", vcf_text(["P1_HOM"], [PATIENTS["P1_HOM"][0]]))
    index = Path(f"{vcf}.tbi") if indexed else None
    block = nf_block((MODULE / "main.nf").read_text(), "script")
    task = run_task(tmp_path / "work", block, vcf, index, **{"task.ext.args": "--min-dp 25"})
    report = json.loads((task / "P1.json").read_text())
    assert [(s["sample"], s["dira_genotype"]) for s in report["samples"]] == [
        ("P1_HOM", "biallelic")
    ]
    assert report["options"]["min_dp"] == 25  # task.ext.args reached the CLI
    assert report["input"]["access"] == ("index" if indexed else "stream")
    rows = read_tsv(task / "P1.tsv")
    assert [(r["sample"], r["dira_id"], r["zygosity"]) for r in rows] == [
        ("P1_HOM", "DIRA01", "hom_alt")
    ]
    tool, catalog = version_lines()
    assert tool == __version__
    assert yaml.safe_load((task / "versions.yml").read_text()) == {
        "IL1RN_ANNOT": {"il1rn-annot": tool, "il1rn-annot-catalog": catalog}
    }


def test_nextflow_module_stub_makes_every_output(tmp_path):
    yaml = pytest.importorskip("yaml")
    vcf = write_input(tmp_path, "in", vcf_text(["P1_HOM"], [PATIENTS["P1_HOM"][0]]))
    block = nf_block((MODULE / "main.nf").read_text(), "stub")
    task = run_task(tmp_path / "work", block, vcf, None, **{"task.ext.prefix": "renamed"})
    assert sorted(p.name for p in task.iterdir() if not p.name.startswith(".")) == [
        "in.vcf.gz",
        "renamed.json",
        "renamed.tsv",
        "versions.yml",
    ]
    assert yaml.safe_load((task / "versions.yml").read_text())["IL1RN_ANNOT"]["il1rn-annot"] == (
        __version__
    )


def nf_channels(text: str, label: str) -> dict[str, list[str]]:
    """`input:`/`output:` declarations of main.nf as {emit name (or 'input'): [element names]}."""
    out = {}
    for line in filter(None, (s.strip() for s in nf_block(text, label).splitlines())):
        if line.startswith("//"):
            continue
        emit = re.search(r"emit:\s*(\w+)", line)
        names = re.findall(r"(?:val|path)\(\s*\"?([^\")]+)\"?\s*\)|^path\s+\"([^\"]+)\"", line)
        out[emit.group(1) if emit else "input"] = [a or b for a, b in names]
    return out


def test_nextflow_meta_yml_matches_the_module():
    yaml = pytest.importorskip("yaml")
    text = (MODULE / "main.nf").read_text()
    meta = yaml.safe_load((MODULE / "meta.yml").read_text())
    assert meta["name"] == "il1rn_annot" and "process IL1RN_ANNOT {" in text
    assert 'tag "$meta.id"' in text and "label 'process_single'" in text
    declared_inputs = [name for element in meta["input"][0] for name in element]
    assert (
        nf_channels(text, "input")
        == {"input": declared_inputs}
        == {"input": ["meta", "vcf", "index"]}
    )

    def names(channel) -> list[str]:
        elements = channel[0] if isinstance(channel[0], list) else channel
        return [name for element in elements for name in element]

    assert nf_channels(text, "output") == {
        emit: names(channel) for emit, channel in meta["output"].items()
    }
    assert set(meta["output"]) == {"json", "tsv", "versions"}


def test_nextflow_pipeline_reads_its_sample_sheet_and_includes_the_module():
    text = (NEXTFLOW_DIR / "main.nf").read_text()
    include = re.search(r"include \{ IL1RN_ANNOT \} from '([^']+)'", text).group(1)
    assert (NEXTFLOW_DIR / f"{include}.nf").resolve() == (MODULE / "main.nf").resolve()
    columns = re.search(r"rows\[0\]\.keySet\(\) - \[([^]]*)\]", text).group(1)
    with (NEXTFLOW_DIR / "samplesheet.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [c.strip(" '") for c in columns.split(",")]
    assert set(re.findall(r"row\.(\w+)", text)) == set(rows[0])
    for row in rows:  # relative to the launch directory: the repository root in the README
        assert (ROOT / row["vcf"]).is_file() and (
            not row["index"] or (ROOT / row["index"]).is_file()
        )
    config = (NEXTFLOW_DIR / "nextflow.config").read_text()
    assert "withLabel: 'process_single'" in config and "withName: 'IL1RN_ANNOT'" in config


def test_nextflow_packaging_names_this_version():
    environment_yml = (MODULE / "environment.yml").read_text()
    assert f"bioconda::il1rn-annot={__version__}\n" in environment_yml
    text = (MODULE / "main.nf").read_text()
    assert text.count(f"/il1rn-annot:{__version__}'") == 2  # the Singularity and Docker images
