"""Make the screenshots of docs/pull-requests.md (``./dev screenshots``): what the pages show, not drawn by hand.

- ``docs/img/job-summary.png``: the Markdown ``model-catalog diff`` writes to ``$GITHUB_STEP_SUMMARY`` for the
  pull request of the docs' examples (``test_docs_cli``'s ``pull-request`` scenario), rendered as Markdown by
  markdown-it-py (CommonMark with tables and HTML, as GitHub's job summaries are) in Chromium.
- ``docs/img/compare.png``: the example site's compare page for the credit risk model, built by ``mkdocs build``.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parent / "integration")]

from test_docs_cli import SCENARIOS, TODAY  # noqa: E402

from helpers import CHROMIUM, CHROMIUM_ARGS, REPO, mkdocs_build, serving  # noqa: E402

IMAGES = REPO / "docs" / "img"
SUMMARY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Job summary</title><style>
body {{ font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328;
       margin: 0; background: #f6f8fa; }}
main {{ margin: 24px; padding: 8px 24px 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px;
       max-width: 980px; }}
header {{ font-weight: 600; padding: 12px 0; border-bottom: 1px solid #d1d9e0; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #d1d9e0; padding: 6px 13px; }}
tr:nth-child(2n) {{ background: #f6f8fa; }} h2 {{ border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }}
details {{ margin: 8px 0; }} summary {{ cursor: pointer; }}
</style></head><body><main><header>review summary</header>{body}</main></body></html>"""


def _example(tmp: Path) -> Path:
    root = tmp / "site"
    root.mkdir()
    for name in ("cards", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    SCENARIOS["pull-request"](root)
    return root


def _shoot(url: str, out: Path, width: int, selector: str | None = None, *, full: bool = True) -> None:
    """A screenshot of ``url``: of ``selector``'s element, of the whole page, or (``full`` false) of its first
    screen."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if selector:
            page.locator(selector).first.screenshot(path=str(out))
        else:
            page.screenshot(path=str(out), full_page=full)
        browser.close()
    print(f"wrote {out.relative_to(REPO)}")


def job_summary(tmp: Path) -> None:
    root = _example(tmp)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(TODAY), "HOME": str(root / "home"), "XDG_CACHE_HOME": str(tmp)}
    done = subprocess.run(
        [sys.executable, "-m", "model_catalog", "diff", "--format", "markdown"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(done.stdout)
    page = tmp / "summary.html"
    page.write_text(SUMMARY_PAGE.format(body=body), encoding="utf-8")
    _shoot(page.as_uri(), IMAGES / "job-summary.png", 1040)


def compare_page(tmp: Path) -> None:
    site = tmp / "built"
    done = mkdocs_build(REPO, "--site-dir", str(site))
    if done.returncode:
        raise SystemExit(html.unescape(done.stderr))
    with serving(site) as base:
        _shoot(f"{base}/models/credit-risk/compare/?a=1.0&b=2.0", IMAGES / "compare.png", 1200, full=False)


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, make in (("summary", job_summary), ("compare", compare_page)):
            (Path(folder) / name).mkdir()
            make(Path(folder) / name)


if __name__ == "__main__":
    main()
