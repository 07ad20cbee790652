"""What the compatibility tests share: a copy of the example site with one plugin added, a real build of it, and
the few things read back from the built catalog pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from helpers import REPO, run

Config = dict[str, Any]
EDIT_URL = "https://git.acme.example/ml/model-catalog/edit/main/cards/credit-risk/2.0.yaml"
"""Where "Edit this card" of credit-risk 2.0 must point: the card's YAML in the example's repository."""
TECHDOCS_BIN = REPO / ".venv-techdocs" / "bin"
"""The virtualenv of mkdocs-techdocs-core, which pins its own mkdocs-material; ./dev test makes it."""


def example_copy(root: Path, edit: Callable[[Config], object] | None = None) -> Path:
    """The example site (mkdocs.yml, docs/, cards/) copied into `root`, its mkdocs.yml changed in place by `edit`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "cards", root / "cards")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    if edit:
        edit(config)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return root


def plugin_names(config: Config) -> list[str]:
    return [entry if isinstance(entry, str) else next(iter(entry)) for entry in config["plugins"]]


def add_plugin(config: Config, entry: str | Config, before_catalog: bool = True) -> None:
    """`entry` put into the plugin list just before or just after model-catalog."""
    at = plugin_names(config).index("model-catalog")
    config["plugins"].insert(at if before_catalog else at + 1, entry)


def catalog_options(config: Config) -> Config:
    """The model-catalog plugin's options in `config`, to change in place."""
    options: Config = config["plugins"][plugin_names(config).index("model-catalog")]["model-catalog"]
    return options


def build(root: Path, venv_bin: Path | None = None, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build` of the site in `root`, with the MkDocs of `venv_bin` (default: the test's own)."""
    command = [str(venv_bin / "mkdocs")] if venv_bin else [sys.executable, "-m", "mkdocs"]
    args = [*command, "build", *(["--strict"] if strict else [])]
    return run(args, root, env={"DISABLE_MKDOCS_2_WARNING": "true"})  # the banner mkdocs-redirects' dependency prints


def built(root: Path, **kwargs: Any) -> Path:
    """`root` built by `build`, which must pass; returns the site dir."""
    done = build(root, **kwargs)
    assert done.returncode == 0, "\n".join(r for r in log_records(done.stderr) if not r.startswith("INFO"))[-4000:]
    return root / "site"


class _Links(HTMLParser):
    """Each link's href and text; an HTML parser, since a minifier drops the quotes around attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._open: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._open = dict(attrs).get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((self._href, " ".join("".join(self._open).split())))
            self._open = None


def edit_link(page: str) -> str:
    """The href of a card page's "Edit this card" link (there must be exactly one)."""
    parser = _Links()
    parser.feed(page)
    hrefs = [href for href, text in parser.links if text == "Edit this card"]
    assert len(hrefs) == 1, f"expected one 'Edit this card' link, found {hrefs}"
    return hrefs[0]


def page_lang(page: str) -> str:
    found = re.search(r'<html\b[^>]*\blang="?([\w-]+)', page)
    assert found, page[:300]
    return found[1]


def log_records(stderr: str) -> list[str]:
    """MkDocs' log in `stderr` as records: a line that starts with a level (or "Error:") and the lines under it."""
    records: list[str] = []
    for line in stderr.splitlines():
        if re.match(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL|Error|Aborted)\b", line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return records
