"""Make docs/html_report.png: the HTML page of the bundled examples, as headless Chromium shows
it (run from the repository root: ``.venv/bin/python tests/make_screenshot.py``).

The page is annotated with a fixed run time, so that the picture changes only with the page;
where Pillow is installed the PNG is reduced to a palette, to keep it small in the repository.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from chromium import CHROMIUM, SKIP_REASON, Browser

ROOT = Path(__file__).resolve().parent.parent


def main(target: str = "docs/html_report.png") -> None:
    import datetime

    from il1rn_annot.batch import expand_inputs, run_batch
    from il1rn_annot.model import Options
    from il1rn_annot.report.html import HtmlPage

    if CHROMIUM is None:
        sys.exit(SKIP_REASON)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = HtmlPage(
            str(work / "examples.html"),
            started=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.timezone.utc),
        )
        inputs = expand_inputs(["examples"])  # as `il1rn-annot annotate examples` takes them
        run_batch(inputs, Options(), "tsv", str(work / "calls.tsv"), sinks=[page])
        with Browser(work / "profile") as browser:
            visit = browser.open(work / "examples.html", width=1280)
            assert not (visit.console or visit.exceptions), visit
            shot = browser.screenshot(work / "page.png", width=1280)
        out = ROOT / target
        try:
            from PIL import Image
        except ImportError:
            out.write_bytes(shot.read_bytes())
        else:
            image = (
                Image.open(shot)
                .convert("RGB")
                .quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
            )
            image.save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(*sys.argv[1:])
