"""56 known XSS payloads in every text field of a card: built, opened in Chromium, nothing runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser

from helpers import mkdocs_build, serving, write_site
from xss_cards import PAYLOADS, hostile_card

pytestmark = pytest.mark.browser

TRAP = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("xss")
    cards = {
        f"xss-{i:02d}/1.0.yaml": yaml.safe_dump(
            hostile_card(f"xss-{i:02d}", "1.0", p), allow_unicode=True, sort_keys=False
        )
        for i, p in enumerate(PAYLOADS)
    }
    write_site(root, cards, plugin_options="cards_dir: cards\nshow_drafts: true")
    config = root / "mkdocs.yml"  # with Material's tags plugin too: card tags reach its templates
    config.write_text(config.read_text().replace("  - search\n", "  - search\n  - tags\n"))
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr[-3000:]
    with serving(root / "site") as url:
        yield root, url


def test_no_payload_runs_on_any_page(hostile_site: tuple[Path, str], browser: Browser) -> None:
    _, url = hostile_site
    context = browser.new_context()
    context.add_init_script(TRAP)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = (
        ["models/"]
        + [f"models/xss-{i:02d}/" for i in range(len(PAYLOADS))]
        + [f"models/xss-{i:02d}/1.0/" for i in range(len(PAYLOADS))]
    )
    for path in pages:
        page.goto(url + path)
        page.mouse.move(300, 300)
        hits = page.evaluate("window.__xss")
        assert hits == [] and dialogs == [], f"{path}: {hits or dialogs}"
    context.close()


def test_payloads_are_shown_as_text(hostile_site: tuple[Path, str], browser: Browser) -> None:
    _, url = hostile_site
    page = browser.new_page()

    def words(text: str) -> str:  # browsers collapse runs of white space in what they show
        return " ".join(text.split())

    for index, payload in enumerate(PAYLOADS):
        page.goto(f"{url}models/xss-{index:02d}/1.0/")
        assert words(page.locator("h1").first.inner_text()).startswith(words(payload[:120])), payload
        assert words(payload) in words(page.locator(".mc-failures").inner_text()), payload
    page.close()


class ActiveContent(HTMLParser):
    """Collects every element or attribute in a page that could run code or restyle it."""

    FORBIDDEN_TAGS = frozenset({"script", "iframe", "object", "embed", "meta", "base", "style", "link", "frame"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            target = (value or "").strip().lower()
            if (
                name.startswith("on")
                or name == "style"
                or (
                    name in ("href", "src", "xlink:href", "action", "data", "formaction")
                    and target.startswith(("javascript:", "data:", "vbscript:"))
                )
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


OWN_CSS = re.compile(r'<link rel="stylesheet" href="(?:\.\./)*assets/model-catalog/catalog\.css">')
OWN_JS = re.compile(r'<script src="(?:\.\./)*assets/model-catalog/(?:catalog|compare)\.js"></script>')


def test_the_html_has_no_active_content_from_cards(hostile_site: tuple[Path, str]) -> None:
    root, _ = hostile_site
    redirect = ["<meta>", "<meta>", "<link>", "<script>", "<meta>"]  # the template's own: charset, robots, ...
    for html_file in (root / "site" / "models").rglob("index.html"):
        parser = ActiveContent()
        html = html_file.read_text()
        is_redirect = html_file.parent.parent.name == "models" and html_file.parent.name.startswith("xss-")
        content = html if is_redirect else html.split("<article", 1)[1].split("</article>", 1)[0]
        if not is_redirect:  # the catalog's own style sheet and script, and nothing else, in the catalog's pages
            content, links = OWN_CSS.subn("", content)
            content, scripts = OWN_JS.subn("", content)
            assert (links, scripts) == (1, int(html_file.parent.name in ("models", "compare"))), html_file
        parser.feed(content)
        parser.close()
        assert parser.found == (redirect if is_redirect else []), f"{html_file}: {parser.found}"
