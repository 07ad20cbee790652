"""`mkdocs serve` as a user runs it: drafts shown, rebuilds on card edits, errors shown instead of stopping."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest
from conftest import ENV, with_approval, write_site
from test_build import card


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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    write_site(tmp_path, {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0", status="draft")},
               plugin_options="cards_dir: cards\ntemplates_dir: overrides")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=tmp_path, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        try:
            return "Fraud" in fetch(base + "models/")
        except OSError:
            return False

    try:
        wait_for(up)
        yield tmp_path, base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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
