"""The README works as written (issue 9, item 11): every command in its ```sh blocks runs from
the repository root as a real subprocess, with the exit code its `# exit N` comment names (0
otherwise); the sample summary is what the tool prints; the exit-code table is complete; every
link resolves.

Commands write only under out/ (git-ignored), which `make demo` creates; the tests check that
nothing else in the checkout changes.
"""

from __future__ import annotations

import gzip
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent  # the environment's il1rn-annot, put first on PATH


def _first_line(path: Path) -> str:
    with gzip.open(path, "rt") as fh:
        return fh.readline()


def _origin(shown: str) -> str:
    """The origin field of `catalog show` output."""
    return dict(line.split("\t", 1) for line in shown.splitlines() if "\t" in line)["origin"]


#: Commands that use what other branches of issue 9 add; they fail here until those are merged.
#: xfail is strict: once a command works, its entry must go.
PENDING = {}
#: Checks beyond the exit code, by a piece of the command.
CHECKS = {
    "-o out/dira.tsv ": lambda: (ROOT / "out/dira.tsv").read_text().startswith("input\tsample\t"),
    "-o out/dira_example.tsv": lambda: (ROOT / "out/dira_example.tsv").read_text().count("\n") > 7,
    "--output-dir out/reports/": lambda: all(
        (ROOT / "out/reports" / f"{name}.json").exists()
        for name in ("dira_example", "dira_sv_example", "dira_gvcf_hole", "dira_gvcf_complete")
    ),
    "-o out/partial.tsv": lambda: "AFFECTED_HOM" in (ROOT / "out/partial.tsv").read_text(),
    "-o out/dira.tsv.gz": lambda: _first_line(ROOT / "out/dira.tsv.gz").startswith(
        "input\tsample\t"
    ),
    "-o out/list.tsv": lambda: (
        len({line.split("\t")[0] for line in (ROOT / "out/list.tsv").read_text().splitlines()[1:]})
        == 4
    ),
    "-o /dev/full": lambda: stat.S_ISCHR(os.stat("/dev/full").st_mode),  # never replaced
    "-o out/stopped.json": lambda: not (ROOT / "out/stopped.json").exists(),
    "-o out/dira_example.dira.vcf.gz": lambda: (ROOT / "out/dira_example.dira.vcf.gz.tbi").exists(),
    "-o out/dira_catalog.bed": lambda: "DIRA01" in (ROOT / "out/dira_catalog.bed").read_text(),
    "--output-dir out/batch": lambda: (
        "FOUNDER_HOM" in (ROOT / "out/batch/il1rn_dira_mqc.tsv").read_text()
    ),
    "-o out/multiqc": lambda: (
        "AFFECTED_HOM"
        in (ROOT / "out/multiqc/multiqc_data/multiqc_il1rn_dira_table.txt").read_text()
    ),
    "--html out/plate.html": lambda: all(
        name in (ROOT / "out/plate.html").read_text()
        for name in ("AFFECTED_HOM", "FOUNDER_HOM", "GVCF_COMPLETE", "NOVEL_MISSENSE_HET")
    ),
    "--format tsv -o out/sheet.tsv": lambda: (
        "SV_FOUNDER_HOM" in (ROOT / "out/sheet.tsv").read_text()
    ),
    "--output-dir out/plate --force": lambda: (ROOT / "out/plate/dira_example.json").exists(),
    "-o out/unindexed.json": lambda: (
        '"access": "bisection"' in (ROOT / "out/unindexed.json").read_text()
    ),
    "--samples-file out/keep.txt": lambda: (
        '"sample": "NO_CALL"' in (ROOT / "out/kept.json").read_text()
        and '"sample": "CARRIER"' not in (ROOT / "out/kept.json").read_text()
    ),
    "--split-samples": lambda: (ROOT / "out/per_sample/dira_example.CARRIER.tsv").exists(),
    "exome/bams.tsv -o out/exome.json": (
        lambda: '"consistent_with": "DIRA04"' in (ROOT / "out/exome.json").read_text()
    ),
    "--cores 2 --directory out/snakemake": lambda: (
        "AFFECTED_HOM" in (ROOT / "out/snakemake/results/cohort.tsv").read_text()
    ),
}
#: Checks of what a command prints, by a piece of the command.
PRINTS = {
    "--format TSV": lambda out: out.splitlines()[0].endswith("\treport_warnings"),
    "--recursive": lambda out: "examples/trio/dira_trio.vcf.gz" in out,
    "--inputs-from -": lambda out: sum(x.startswith("# examples/") for x in out.splitlines()) == 4,
    # catalog 2026.12.01: E77X is the Dutch founder allele, N52KfsX25 the Newfoundland one
    "catalog show E77X": lambda out: _origin(out).startswith("Netherlands"),
    "catalog show N52KfsX25": lambda out: _origin(out).startswith("Newfoundland"),
    "catalog list --grep Dutch": lambda out: (
        [r.split("\t")[0] for r in out.splitlines()[1:]] == ["DIRA01"]
    ),
    "catalog show p.Gln119Ter": lambda out: out.startswith("id\tDIRA12\n"),
    "catalog diff": lambda out: "DIRA11" in out and "yes" in out,
    "bcftools view -H -i": lambda out: len(out.splitlines()) >= 3,
    "bcftools annotate -a": lambda out: "DIRA01" in out and "DIRA02" in out,
    "dira_genotype.first()": lambda out: re.search(r"AFFECTED_HOM\s+biallelic", out),
    "-n --directory out/snakemake": lambda out: "Nothing to be done" in out,
    "--version": lambda out: re.fullmatch(
        r"il1rn-annot \S+\ncatalog \d{4}\.\d\d\.\d\d sha256 [0-9a-f]{64}\n", out
    ),
}


def sh_commands(text: str) -> list[str]:
    """Every non-comment line of every ```sh block."""
    out = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
        out.extend(s for line in block.splitlines() if (s := line.strip()) and s[0] != "#")
    return out


COMMANDS = sh_commands(README)
BUILTINS = {"source", "cd", "export"}


def expected_exit(command: str) -> int:
    found = re.search(r"#\s*exit (\d+)", command)
    return int(found.group(1)) if found else 0


def marks(command: str) -> list:
    return [
        pytest.mark.xfail(reason=why, strict=True)
        for piece, why in PENDING.items()
        if piece in command
    ]


def snapshot() -> set[str]:
    """The files of the checkout outside out/, .venv/ and caches: no command may touch them."""
    skip = {"out", ".venv", ".git", ".pytest_cache", ".ruff_cache", "__pycache__"}
    found = set()
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if not skip & set(parts) and not parts[0].endswith(".egg-info"):
            found.add(str(path.relative_to(ROOT)))
    return found


@pytest.fixture(scope="module")
def environment() -> dict[str, str]:
    if not (BIN / "il1rn-annot").exists():
        pytest.skip(f"il1rn-annot is not installed next to {sys.executable}")
    (ROOT / "out").mkdir(exist_ok=True)  # as `make demo` leaves it
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("VIRTUAL_ENV", None)
    return env


def test_readme_has_commands_for_every_option():
    text = " ".join(COMMANDS)
    for option in re.findall(r"^\| `(--[a-z-]+)", README, re.M):
        assert option in text, f"no README command uses {option}"
    assert len(COMMANDS) > 20


@pytest.mark.parametrize(
    "command",
    [pytest.param(c, marks=marks(c), id=c.split("#")[0].strip()[:90]) for c in COMMANDS],
)
def test_readme_command_runs(command, environment):
    if command.startswith("make test"):
        pytest.skip("`make test` is this test suite")
    if command.startswith("make ") or ".venv/" in command:
        venv = ROOT / ".venv"
        fresh = subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT, capture_output=True)
        if not (venv / "bin" / "il1rn-annot").exists() or fresh.returncode:
            pytest.skip("needs the checkout's .venv, installed and up to date (make demo)")
    for program in {shlex.split(part)[0] for part in command.split("#")[0].split("|")}:
        if program not in BUILTINS and shutil.which(program, path=environment["PATH"]) is None:
            pytest.skip(f"{program} is not installed")
    if "/dev/full" in command and not (
        os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    ):
        pytest.skip("no /dev/full device here")
    before = snapshot()
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        # A CI runner's background job starts with SIGINT ignored, and il1rn-annot keeps an
        # inherited ignore (as nohup expects): give the commands a terminal's disposition.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert result.returncode == expected_exit(command), result.stderr
    if result.returncode in (3, 4):
        errors = result.stderr.splitlines()
        assert errors and all(line.startswith("il1rn-annot: error: ") for line in errors)
    if result.returncode == 0:
        assert "Traceback" not in result.stderr
    for piece, check in CHECKS.items():
        if piece in command:
            assert check(), command
    for piece, check in PRINTS.items():
        if piece in command.split("#")[0]:
            assert check(result.stdout), command
    assert snapshot() == before, "a README command wrote outside out/"


def test_sample_summary_is_what_the_tool_prints(run, monkeypatch):
    """Each sample row of the README's sample (call and plain words) against a real run."""
    monkeypatch.chdir(ROOT)
    section = README[README.index("## What a report looks like") :]
    command = re.search(r"```sh\n(.*?)\n```", section).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1).splitlines()
    args = shlex.split(command)[1:]
    assert args[0] == "annotate"
    actual = run(*args).stdout.splitlines()

    def rows(lines: list[str]) -> dict[str, list[str]]:
        return {
            line.split()[0]: re.split(r"\s{2,}", line)[1:3]
            for line in lines[1:]
            if line and not line[0].isspace() and not line.startswith("#")
        }

    assert rows(shown) == rows(actual)
    assert len(rows(shown)) >= 5 and len(shown) <= 16


def test_exit_code_table_is_complete():
    section = README[README.index("### Exit codes") :]
    codes = re.findall(r"^\| `(\d+)` \|", section, re.M)
    assert codes == ["0", "1", "2", "3", "4", "5", "130", "143"]
    assert "head -1" in section.split("\n| `1`")[0]  # a closed pipe is a success


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("docs/*.md"))]
)
def test_links_resolve(page):
    path = ROOT / page
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", path.read_text()):
        if "://" not in target:
            assert (path.parent / target).exists(), f"{page}: {target}"


def test_docs_pages_are_linked_from_the_readme():
    """Every page is reachable: linked from the README, or from a page the README links."""
    pages = sorted(ROOT.glob("docs/*.md"))
    assert pages
    linked = {p.name for p in pages if f"(docs/{p.name})" in README}
    assert linked
    from_pages = {
        p.name for p in pages for q in linked if f"]({p.name})" in (ROOT / "docs" / q).read_text()
    }
    for page in pages:
        assert page.name in linked | from_pages, page.name


def test_docs_count_of_protein_fixed_bases_is_the_tool_s():
    from il1rn_annot.gene_model.coordinates import load_transcript
    from il1rn_annot.gene_model.hgvs_names import protein_fixed_bases

    fixed, total = len(protein_fixed_bases("GRCh38")), load_transcript("GRCh38").cds_length
    text = " ".join((ROOT / "docs" / "variants-outside-the-catalog.md").read_text().split())
    assert f"P18510 fixes {fixed} of the {total} CDS bases" in text


def test_citation_file_names_this_version():
    """CITATION.cff (validated with cffconvert 2.0 when written): the keys CFF 1.2.0 requires,
    and the version of the package, so that a release cannot forget it. No YAML parser is a
    dependency, so the top-level keys are read as lines."""
    from il1rn_annot import __version__

    text = (ROOT / "CITATION.cff").read_text()
    keys = dict(re.findall(r"^([a-z-]+):[ ]?(.*)$", text, re.M))
    assert {"cff-version", "message", "title", "authors", "version", "license"} <= set(keys)
    assert keys["cff-version"] == "1.2.0"
    assert keys["version"] == __version__
    assert re.search(r"^authors:\n  - name: \S", text, re.M)
