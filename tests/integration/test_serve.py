"""`mkdocs serve` as a user runs it: drafts shown, rebuilds on card edits, errors shown instead of stopping."""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import ENV, card, with_approval, write_site
from model_catalog._infra.card_cache import SETTLED_NS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"


def wait_for(condition: Callable[[], bool], seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


@contextlib.contextmanager
def serving(root: Path, port: int | None = None, ready: str = "Fraud") -> Iterator[str]:
    """`mkdocs serve` running in ``root`` until the block ends; yields its URL once the catalog shows ``ready``."""
    port = port or free_port()
    log = (root / "serve.log").open("a")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no thread runs yet
    )
    base = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        try:
            return ready in fetch(base + "models/")
        except OSError:
            return False

    try:
        wait_for(up)
        yield base
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: MkDocs removes its temporary site folder
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    write_site(
        tmp_path,
        {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0", status="draft")},
        plugin_options="cards_dir: cards\ntemplates_dir: overrides",
    )
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    with serving(tmp_path) as base:
        yield tmp_path, base


def test_serve_shows_drafts_rebuilds_and_reports_errors_without_stopping(served: tuple[Path, str]) -> None:
    root, base = served
    draft = fetch(base + "models/fraud/2.0/")
    assert "mc-banner--draft" in draft
    assert '<meta http-equiv="refresh" content="0; url=2.0/">' in fetch(base + "models/fraud/")  # drafts count here

    path = root / "cards" / "fraud" / "1.0.yaml"
    edited = card(approved=False).replace("Flags risky payments.", "Flags risky card payments in real time.")
    path.write_text(with_approval(edited))
    wait_for(lambda: "Flags risky card payments in real time." in fetch(base + "models/fraud/1.0/"))

    override = root / "overrides" / "partials" / "owners.html"
    override.write_text('<h2 id="owners">On call</h2><p>{{ card.owners[0].email }} answers pages.</p>')
    wait_for(lambda: "ada@example.com answers pages." in fetch(base + "models/fraud/1.0/"))

    path.write_text(with_approval(edited.replace("value: 0.81", "value: 81")))
    wait_for(lambda: "Catalog problems" in fetch(base + "models/problems/"))
    problems = fetch(base + "models/problems/")
    assert "cards/fraud/1.0.yaml:20:27" in problems and "must be at most 1 (got 81)" in problems
    assert "mc-banner--danger" in fetch(base + "models/")

    path.write_text(with_approval(edited))
    wait_for(lambda: fetch(base + "models/problems/") == "HTTP 404")
    assert "Flags risky card payments" in fetch(base + "models/fraud/1.0/")


SERVED_FILES = [
    "models/",
    "models/fraud/",
    "models/fraud/1.0/",
    "models/fraud/2.0/",
    "models/fraud/3.0/",
    "models/churn/1.0/",
    "models/catalog.json",
    "models/fraud/2.0/card.json",
    "models/fraud/3.0/card.json",
]
LIVERELOAD = re.compile(r"livereload\(\d+, \d+\);")
"""The live-reload call MkDocs adds to each page: its numbers change with every build."""


def test_serve_rebuilds_give_the_site_a_fresh_server_gives(tmp_path: Path) -> None:
    """A rebuild reuses what the build before made in memory: after edits, every file is what a cold start makes."""
    write_site(
        tmp_path,
        {
            "fraud/1.0.yaml": card(),
            "fraud/2.0.yaml": card(version="2.0"),
            "churn/1.0.yaml": card(id="churn", name="Churn"),
        },
    )
    time.sleep(SETTLED_NS / 1e9 + 0.1)  # old enough that rebuilds know unchanged cards by their file stamps
    port = free_port()

    def snapshot(base: str) -> dict[str, str]:
        return {path: LIVERELOAD.sub("", fetch(base + path)) for path in SERVED_FILES}

    cards = tmp_path / "cards"
    with serving(tmp_path, port) as base:
        before = snapshot(base)
        assert "Churn" in before["models/"] and before["models/fraud/3.0/"] == "HTTP 404"
        edited = card(version="2.0", approved=False).replace("Flags risky payments.", "Flags risky wire transfers.")
        (cards / "fraud" / "2.0.yaml").write_text(with_approval(edited))
        wait_for(lambda: "Flags risky wire transfers." in fetch(base + "models/fraud/2.0/"))
        (cards / "fraud" / "3.0.yaml").write_text(card(version="3.0"))  # the new latest version
        wait_for(lambda: "url=3.0/" in fetch(base + "models/fraud/"))
        (cards / "churn" / "1.0.yaml").unlink()
        wait_for(lambda: "Churn" not in fetch(base + "models/"))
        rebuilt = snapshot(base)
    assert rebuilt != before
    shutil.rmtree(tmp_path / ".model-catalog-cache")
    with serving(tmp_path, port) as base:
        fresh = snapshot(base)
    assert fresh["models/churn/1.0/"] == "HTTP 404" and "Flags risky wire transfers." in fresh["models/fraud/2.0/"]
    for path in SERVED_FILES:
        assert rebuilt[path] == fresh[path], path
