"""The HTML page a technician hands on (issue 10, part 7): ``--html FILE`` writes one
self-contained page per batch. Opened in real headless Chromium (tests/chromium.py, over the
DevTools protocol): it shows every sample of every input and every failed input, renders
without a console message or exception, asks for nothing but itself, and shows input text
(sample names, file names) as text. Without the browser: the wording is the summary's, the sink
keeps rows rather than reports, an interrupted batch writes no page, the wheel ships the
templates, and a cohort's page stays bounded."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from chromium import CHROMIUM, SKIP_REASON, Browser, png_size
from conftest import vcf_text, write_input

from il1rn_annot import __version__
from il1rn_annot.catalog import load_catalog
from il1rn_annot.model import Options
from il1rn_annot.report import html as html_report
from il1rn_annot.report.html_figure import MAX_LANES
from il1rn_annot.report.markup import fill
from il1rn_annot.report.summary import plain_words

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PREFIX = "il1rn-annot: error: "
SCRIPT = Path(sys.executable).parent / "il1rn-annot"
TOOL = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "il1rn_annot"]
E77X_HOM = "113131068 G T PASS GT:GQ:DP 1/1:99:30 0/1:99:30 0/0:99:30 ./.:.:."
#: Sample names that would be markup if the page did not escape them.
XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>')
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)


def plate(tmp_path: Path) -> dict[str, Path]:
    """A batch of three inputs and a missing one: four samples (two named like markup), a
    sites-only file, and a file name with markup in it that does not exist."""
    samples = [XSS[0], XSS[1], "CARRIER_0", "NO_CALL_0"]
    rows = [E77X_HOM.replace("1/1:99:30 0/1", "0/1:99:30 1/1")]
    return {
        "cohort": write_input(tmp_path, "cohort", vcf_text(samples, rows)),
        "sites": write_input(tmp_path, "sites", vcf_text([], ["113131068 G T PASS"])),
        "single": write_input(tmp_path, "single", vcf_text(["HOM_1"], [E77X_HOM.split(" 0/1")[0]])),
        "missing": tmp_path / "missing<i>x</i>.vcf.gz",
    }


def page_of(run, tmp_path: Path, *args: str, code: int = 0) -> str:
    page = tmp_path / "plate.html"
    result = run("annotate", *args, "--format", "tsv", "-o", tmp_path / "calls.tsv", "--html", page)
    assert result.exit_code == code, result.stderr
    return page.read_text(encoding="utf-8")


# --- in the browser ----------------------------------------------------------------------------


@needs_chromium
def test_every_sample_and_failure_renders_in_chromium_as_text(tmp_path, run):
    inputs = plate(tmp_path)
    page_of(run, tmp_path, *map(str, inputs.values()), code=4)  # one input failed
    with Browser(tmp_path / "profile") as browser:
        visit = browser.open(tmp_path / "plate.html")
        samples = browser.evaluate(
            "[...document.querySelectorAll('th.sample')].map(e => e.textContent)"
        )
        active = browser.evaluate(
            "document.querySelectorAll('script, img, iframe, object, embed, i, a').length"
        )
        failures = browser.evaluate("document.querySelector('section.failures').innerText")
        sites_row = browser.evaluate("document.querySelector('td.no-samples').innerText")
        shot = browser.screenshot(tmp_path / "page.png")
    assert visit.exceptions == [] and visit.console == [], (visit.exceptions, visit.console)
    assert visit.requests == [(tmp_path / "plate.html").resolve().as_uri()]
    assert samples == [XSS[0], XSS[1], "CARRIER_0", "NO_CALL_0", "HOM_1"]  # as text, in order
    assert active == 0  # nothing the names or the file name could have injected
    assert "missing<i>x</i>.vcf.gz" in failures and "no such file" in failures.lower()
    assert "no samples" in sites_row and "DIRA01" in sites_row
    width, height = png_size(shot)
    assert width == 1280 and height > 900  # the whole page, not only the window


@needs_chromium
def test_the_browser_checks_can_fail(tmp_path, run):
    """The same checks on pages that break them: an exception, a console error, a request to
    the network; and our page's own policy refusing a script slipped into it."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.invalid/a.css">'
        '</head><body><script>console.error("boom"); missing();</script></body></html>'
    )
    page = tmp_path / "plate.html"
    text = page_of(run, tmp_path, str(EXAMPLES / "dira_example.vcf.gz"))
    page.write_text(text.replace("</main>", "<script>document.title = 'ran'</script></main>"))
    with Browser(tmp_path / "profile") as browser:
        broken = browser.open(bad)
    with Browser(tmp_path / "profile2") as browser:
        refused = browser.open(page)
        title = browser.evaluate("document.title")
    assert broken.exceptions and any("boom" in c for c in broken.console)
    assert "https://cdn.invalid/a.css" in broken.requests
    assert any("Content Security Policy" in c for c in refused.console)
    assert title.startswith("IL1RN / DIRA genotype report")  # the script never ran


@needs_chromium
def test_depth_ratios_are_drawn_per_exon(tmp_path, run):
    depth = EXAMPLES / "depth"
    page_of(
        run,
        tmp_path,
        str(depth / "dira_depth.vcf.gz"),
        "--bam-manifest",
        str(depth / "bams.tsv"),
        "--fasta",
        str(depth / "synthetic_chr2.fa.gz"),
    )
    with Browser(tmp_path / "profile") as browser:
        visit = browser.open(tmp_path / "plate.html")
        bars = browser.evaluate(
            "[...document.querySelectorAll('g.depth')].map(g => [g.getAttribute('class'), "
            "g.querySelector('text').textContent, g.querySelector('rect').getBBox().height])"
        )
        lanes = browser.evaluate(
            "[...document.querySelectorAll('text.lane-name')].map(e => e.textContent)"
        )
    assert visit.console == [] and visit.exceptions == []
    assert lanes == ["DEPTH_TWO_COPIES", "DEPTH_NO_COPY"]
    # four coding exons each: two copies (ratio 1.00, a tall bar), then none (0.00, flat)
    assert [b[:2] for b in bars] == [["depth copies-2", "1.00"]] * 4 + [
        ["depth copies-0", "0.00"]
    ] * 4
    assert all(b[2] > 20 for b in bars[:4]) and all(b[2] < 1 for b in bars[4:])


# --- the page's text ---------------------------------------------------------------------------


def test_page_asks_for_nothing_outside_itself(tmp_path, run):
    page = page_of(run, tmp_path, str(EXAMPLES / "dira_example.vcf.gz"))
    assert not re.search(r"\b(src|href|action|srcset|xlink:href)\s*=", page, re.IGNORECASE)
    assert "url(" not in page and "@import" not in page and "<script" not in page
    assert not re.search(r"https?://", page)
    assert "default-src 'none'" in page  # the browser refuses any load or script besides


def test_the_words_are_the_summarys(tmp_path):
    """One source for the plain words: each sample's row says what the summary says."""
    from il1rn_annot.pipeline import annotate

    report = annotate(str(EXAMPLES / "dira_example.vcf.gz"), Options())
    sink = html_report.HtmlPage(str(tmp_path / "p.html"))
    sink.add("x", report)
    page = sink.render()
    rows = re.findall(
        r'<tr class="call-(\w+)">\n<th scope="row" class="sample">([^<]*)</th>\n'
        r'<td class="result"><span class="words">([^<]*)</span>',
        page,
    )
    assert len(rows) == len(report.samples) == 7
    for sample, (call, name, words) in zip(report.samples, rows, strict=True):
        assert (call, html.unescape(name)) == (sample.dira_genotype, sample.sample)
        assert html.unescape(words) == plain_words(sample)
    no_call = page[page.index(">NO_CALL<") :]
    assert "NEEDS REVIEW" in no_call[:600] and "no-call" in no_call[:2000]


def test_the_sink_keeps_rows_not_reports(tmp_path):
    """A plate or a cohort: the sink holds small rows, never a Report or its parts."""
    from il1rn_annot.pipeline import annotate

    sink = html_report.HtmlPage(str(tmp_path / "p.html"))
    for name in ("dira_example.vcf.gz", "dira_sv_example.vcf.gz"):
        sink.add(name, annotate(str(EXAMPLES / name), Options()))
    allowed = (str, int, float, bool, type(None))
    seen = []

    def walk(value) -> None:
        if dataclasses.is_dataclass(value):
            assert type(value).__module__ == "il1rn_annot.report.html", type(value)
            seen.append(type(value).__name__)
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        else:
            assert isinstance(value, allowed), type(value)

    for page_input in sink.inputs:
        walk(page_input)
    assert {"PageInput", "PageSample", "PageAllele"} <= set(seen)


def test_values_are_escaped_by_the_renderer():
    row = fill("parts.html", "item", text='<b onclick="x()">&</b>')
    assert row == "<li>&lt;b onclick=&quot;x()&quot;&gt;&amp;&lt;/b&gt;</li>\n"


# --- the batch around it -----------------------------------------------------------------------


def test_all_inputs_failed_still_lists_them(tmp_path, run):
    page = page_of(run, tmp_path, str(tmp_path / "a.vcf.gz"), str(tmp_path / "b.vcf"), code=3)
    assert page.count('<li><span class="path">') == 2
    assert f"il1rn-annot {__version__}" in page and load_catalog().sha256 in page
    assert "Inputs that could not be read: 2." in page


@pytest.mark.parametrize(
    ("html_arg", "words", "code"),
    [
        ("-", "--html needs a file name", 2),
        ("calls", "--html and -o name the same file", 2),
        (".", "names a directory", 2),
        ("no/such/dir/p.html", "output directory of the HTML page does not exist", 5),
        ("calls.tsv", "name it .html, not .tsv", 2),
        ("in.vcf.gz", "name it .html, not .vcf.gz", 2),
        ("in_copy", "--html names one of the inputs", 2),
    ],
)
def test_a_page_that_cannot_be_written_is_refused_before_any_work(tmp_path, html_arg, words, code):
    """Before any input is read, so that no report is written without its page."""
    (tmp_path / "in.vcf.gz").write_bytes((EXAMPLES / "dira_example.vcf.gz").read_bytes())
    (tmp_path / "in_copy").symlink_to("in.vcf.gz")  # the input under another name
    before = (tmp_path / "in.vcf.gz").read_bytes()
    result = subprocess.run(
        [
            *TOOL,
            "annotate",
            "in.vcf.gz",
            "--format",
            "tsv",
            "-o",
            "calls",
            "--html",
            html_arg,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == code, result.stderr
    last = result.stderr.strip().splitlines()[-1]  # usage errors come after click's usage line
    assert words in last and last.startswith(("Error: ", PREFIX)), result.stderr
    assert code == 2 or len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "calls").exists()  # no report without its page
    assert (tmp_path / "in.vcf.gz").read_bytes() == before


def test_an_interrupted_batch_writes_no_page(tmp_path):
    """Two inputs annotated (their rows in the TSV's temporary file), the third is stdin held
    open: SIGTERM then leaves the earlier page as it was and no temporary file."""
    a = write_input(tmp_path, "a", vcf_text(["A"], [E77X_HOM.split(" 0/1")[0]]))
    b = write_input(tmp_path, "b", vcf_text(["B"], ["113131068 G T PASS GT:GQ:DP 0/1:99:30"]))
    out = tmp_path / "out"
    out.mkdir()
    page = out / "plate.html"
    page.write_text("earlier page\n")
    args = ["annotate", str(a), str(b), "-", "-o", str(out / "all.tsv"), "--html", str(page)]
    with subprocess.Popen(
        [*TOOL, *args], stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    ) as proc:
        _wait_for_rows(out, proc)
        proc.send_signal(signal.SIGTERM)
        proc.stdin.close()
        proc.wait(timeout=60)
        stderr = proc.stderr.read()
    assert proc.returncode == 143, stderr
    assert sorted(p.name for p in out.iterdir()) == ["plate.html"]
    assert page.read_text() == "earlier page\n"


def _wait_for_rows(directory: Path, proc: subprocess.Popen) -> None:
    import time

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        for tmp in directory.glob(".*.tmp"):
            try:
                text = tmp.read_text()
            except FileNotFoundError:
                continue
            if "\tA\t" in text and "\tB\t" in text:
                return
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    pytest.fail("the rows of A and B never reached the TSV")


def test_a_cohort_page_is_bounded(tmp_path, run):
    """500 carriers: every one in the table, the figure stops at MAX_LANES and says so."""
    n = 500
    names = [f"S{i:04d}" for i in range(n)]
    row = "113131068 G T PASS GT:GQ:DP " + " ".join(["0/1:99:30"] * n)
    cohort = write_input(tmp_path, "cohort", vcf_text(names, [row]))
    page = page_of(run, tmp_path, str(cohort))
    assert page.count('<th scope="row" class="sample">') == n
    assert page.count('class="lane-name"') == MAX_LANES
    assert f"the first {MAX_LANES} of {n} samples with alleles are drawn" in page
    assert len(page) < 3_000_000


def test_the_wheel_ships_the_templates(tmp_path):
    """Built with hatchling and installed apart from the source tree, the package finds its
    templates through importlib.resources and writes the page."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("report.html", "parts.html", "figure.svg", "report.css"):
        assert f"il1rn_annot/report/templates/{name}" in names
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import il1rn_annot; print(il1rn_annot.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(site))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "il1rn_annot",
            "annotate",
            str(EXAMPLES / "dira_example.vcf.gz"),
            "-o",
            "c.tsv",
            "--html",
            "p.html",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert (tmp_path / "p.html").read_text().count('class="sample"') == 7


def test_help_does_not_load_the_page_writer():
    code = "import sys, il1rn_annot.cli; print('il1rn_annot.report.html' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
