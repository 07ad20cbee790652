"""What the tests share: the repository, the CLI and MkDocs as subprocesses, small sites in temp dirs, a card,
a local HTTP server and Debian's Chromium. Imported by the tests and by bench/ (``from helpers import ...``)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
EXAMPLE_MODELS = (
    "image-classifier", "text-encoder", "toxicity-classifier", "credit-risk", "speech-recognizer", "llm-assistant",
    "product-recommender", "demand-forecaster", "object-detector", "fraud-detector", "document-ocr", "churn-predictor",
)  # fmt: skip
"""The models the example catalog publishes (its draft, support-ticket-router, is left out of a build)."""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}


def run(
    args: list[str], cwd: Path, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env={**ENV, **(env or {})}, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `model-catalog` command, run as users run it (after ``prefix``, such as ``setpriv ...``)."""
    return run([*(prefix or []), sys.executable, "-m", "model_catalog", *args], cwd, env=env)


def mkdocs_build(site_root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build` of the site in `site_root`."""
    return run([sys.executable, "-m", "mkdocs", "build", *extra], site_root, env=env)


REGISTRY = """\
approvers:
  - name: Rita Reviewer
    email: rita@example.com
    roles: [ml-lead]
"""


def with_approval(text: str, approver: str = "Rita Reviewer", role: str = "ml-lead", date: str = "2025-02-02") -> str:
    """`text` (a card) with an unsigned approval of its current content appended."""
    from model_catalog.cards.digest import content_digest
    from model_catalog.cards.values import without_empty

    digest = content_digest(without_empty(yaml.safe_load(text)))
    return text + f"approvals:\n  - {{approver: {approver}, role: {role}, date: {date}, digest: '{digest}'}}\n"


def write_site(
    root: Path,
    cards: dict[str, str] | None = None,
    plugin_options: str = "",
    extra_config: str = "",
    copy_example_cards: bool = False,
    registry: str | None = REGISTRY,
) -> Path:
    """A small MkDocs site in `root` whose cards are `cards` ({relative path: YAML text})."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    if registry is not None and cards:
        (root / "cards").mkdir(exist_ok=True)
        (root / "cards" / "APPROVERS.yaml").write_text(registry)
    (root / "docs" / "index.md").write_text("# Home\n\nWelcome.\n")
    if copy_example_cards:
        shutil.copytree(REPO / "cards", root / "cards")
    for name, text in (cards or {}).items():
        path = root / "cards" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    options = textwrap.indent(textwrap.dedent(plugin_options).strip(), "      ")
    (root / "mkdocs.yml").write_text(
        "site_name: Test catalog\n"
        "repo_url: https://git.example.com/ml/catalog\n"
        "edit_uri: edit/main/docs/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - model-catalog:\n"
        f"{options or '      cards_dir: cards'}\n"
        f"{textwrap.dedent(extra_config)}"
    )
    return root


CARD = """\
id: {id}
name: {name}
version: "{version}"
status: {status}
summary: Flags risky payments.
description: |
  Scores each payment. **Gradient boosting** over 40 features.
owners:
  - {{name: Ada Lovelace, email: ada@example.com, team: risk}}
license: Apache-2.0
task: tabular-classification
tags: [fraud, payments]
risk_tier: low
created: 2025-01-10
updated: 2025-02-01
intended_use:
  primary_uses: [Hold payments for review]
  out_of_scope: [Declining payments without review]
metrics:
  - {{name: recall, value: 0.81, slice: card, confidence_interval: [0.78, 0.84], threshold: 0.8}}
  - {{name: recall, value: 0.74, slice: wallet, confidence_interval: [0.70, 0.78], threshold: 0.8}}
training_data: [{{name: Payments 2024}}]
evaluation_data: [{{name: Payments 2025-Q1}}]
ethical_considerations: [{{risk: Blocks legitimate customers, mitigation: Human review of every hold}}]
limitations: [Unseen merchants are scored poorly]
"""


def card(
    id: str = "fraud", name: str = "Fraud", version: str = "1.0", status: str = "in_review", approved: bool = True
) -> str:
    """A complete low-risk card; approved by the test registry's ml-lead unless a draft or asked not to be."""
    text = CARD.format(id=id, name=name, version=version, status=status)
    return with_approval(text) if approved and status != "draft" else text


GIT_DATE = "2025-03-01T12:00:00+00:00"
ADA = ("Ada Lovelace", "ada@example.com")


def git(repo: Path, *args: str, who: tuple[str, str] = ADA) -> str:
    """The real git in ``repo``, as ``who`` (author and committer), at a fixed date and without the machine's
    configuration: the same commits, and ids, on every run."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
        "GIT_AUTHOR_DATE": GIT_DATE,
        "GIT_COMMITTER_DATE": GIT_DATE,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


def commit_all(repo: Path, message: str, who: tuple[str, str] = ADA) -> None:
    git(repo, "add", "-A", who=who)
    git(repo, "commit", "-q", "-m", message, who=who)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
"""Debian's Chromium, headless, as root, on a machine with no network but the local one."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore connections the browser drops (it closes them when the page is done); report the rest."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """``directory`` served over HTTP on 127.0.0.1, on a free port; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
