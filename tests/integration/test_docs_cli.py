"""Every command shown in docs/cli.md, run as shown, prints what the page says it prints.

A ``console`` block of the page is a shell session: lines starting with ``$ `` are run in a copy of the example
catalog (on 2026-11-24, the date the page's examples are written for), the other lines are their output, standard
output and standard error as a terminal shows them. An HTML comment just before a block names the situation it
shows, one of :data:`SCENARIOS` (``<!-- example: broken-card -->``); without one, the block is run on the example
catalog as it is.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO

DOC = REPO / "docs" / "cli.md"
PAGES = (DOC, REPO / "docs" / "pull-requests.md")
"""The pages whose console blocks are run; the first one has every command."""
TODAY = int(dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc).timestamp())
_BLOCK = re.compile(r"(?:<!-- example: (?P<scenario>[a-z-]+) -->\n\n?)?```console\n(?P<body>.*?)```", re.DOTALL)


_COMMIT = re.compile(r"(?<=\()[0-9a-f]{12}(?=\))|(?<=merge-base )[0-9a-f]{12}\b")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def broken_card(root: Path) -> None:
    """The image classifier with a license misspelt and its accuracy written as a percentage."""
    card = root / "cards" / "image-classifier" / "1.0.yaml"
    _edit(card, "license: Apache-2.0", "license: Apache 2.0")
    _edit(card, "value: 0.92\n", "value: 92\n")


def new_version(root: Path) -> None:
    """Version 1.1 of the image classifier: 1.0 copied and edited, its approval still that of 1.0."""
    old = root / "cards" / "image-classifier" / "1.0.yaml"
    text = old.read_text().replace('version: "1.0"', 'version: "1.1"', 1)
    new = old.with_name("1.1.yaml")
    new.write_text(text.replace("1,000 catalog categories", "1,200 catalog categories", 1))


def new_version_and_a_key(root: Path) -> None:
    """:func:`new_version`, and Owen Fitzgerald's key in ~/.ssh/id_ed25519 (a new one, in the registry)."""
    new_version(root)
    ssh = root / "home" / ".ssh"
    ssh.mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "owen@acme.example", "-f",
                    str(ssh / "id_ed25519")], check=True)  # fmt: skip
    registry = root / "cards" / "APPROVERS.yaml"
    lines = registry.read_text().splitlines(keepends=True)
    owen = next(i for i, line in enumerate(lines) if "name: Owen Fitzgerald" in line)
    key = next(i for i in range(owen, len(lines)) if "ssh-ed25519" in lines[i])
    lines[key] = f"      - {(ssh / 'id_ed25519.pub').read_text().strip()}\n"
    registry.write_text("".join(lines))


def hub_readme(root: Path) -> None:
    """README.md: the Hub card of docs/integrations.md's "Import a Hugging Face card"."""
    page = (REPO / "docs" / "integrations.md").read_text()
    section = page.split("## Import a Hugging Face card", 1)[1]
    readme = section.split("```markdown\n", 1)[1].split("\n```\n", 1)[0]
    (root / "README.md").write_text(readme + "\n")


def in_a_subfolder(root: Path) -> None:
    """The site moved into catalog/, the command run from above it."""
    (root / "catalog").mkdir()
    for name in ("mkdocs.yml", "cards", "docs"):
        shutil.move(root / name, root / "catalog" / name)


def not_a_catalog(root: Path) -> None:
    """A mkdocs.yml without the plugin, beside one with a misspelt option."""
    _edit(root / "mkdocs.yml", "  - model-catalog:\n", "  - model-catalogue:\n")
    shutil.copy(REPO / "mkdocs.yml", root / "misspelt.yml")
    _edit(root / "misspelt.yml", "      cards_dir: cards\n", "      card_dir: cards\n")


def _git(root: Path, *args: str, who: tuple[str, str] = ("Ada Lovelace", "ada@acme.example")) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2026-11-20T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-20T09:00:00+00:00",
           "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
           "GIT_COMMITTER_EMAIL": who[1]}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def pull_request(root: Path) -> None:
    """The example catalog in a git repository whose origin's main is the example as it is, on a branch where
    Mallory Maker raises the churn predictor's risk tier, drops a credit risk metric beyond its interval, adds an
    out-of-scope use, renames a card file, and adds herself to the registry to approve the churn predictor."""
    (root / ".gitignore").write_text(".model-catalog-cache/\nsite/\nhome/\ndocs/\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "The catalog")
    _git(root, "clone", "-q", "--bare", ".", "home/origin.git")
    _git(root, "remote", "add", "origin", "home/origin.git")
    _git(root, "fetch", "-q", "origin")
    _git(root, "remote", "set-head", "origin", "main")
    _git(root, "checkout", "-q", "-b", "churn-and-credit")
    mallory = ("Mallory Maker", "mallory.maker@acme.example")
    _edit(root / "cards" / "churn-predictor" / "1.1.yaml", "risk_tier: medium", "risk_tier: high")
    credit = root / "cards" / "credit-risk" / "2.0.yaml"
    _edit(credit, "    value: 0.812\n", "    value: 0.741\n")
    _edit(credit, "confidence_interval: [0.794, 0.830]", "confidence_interval: [0.722, 0.760]")
    _edit(credit, "    - Fully automated declines without the right to human review\n",
          "    - Fully automated declines without the right to human review\n    - Applicants under 18\n")  # fmt: skip
    _git(root, "mv", "cards/text-encoder/1.0.yaml", "cards/text-encoder/v1.0.yaml")
    _edit(root / "cards" / "image-classifier" / "1.0.yaml", "limitations:\n", "limitations:\n  - Not tested on PNG\n")
    _git(root, "commit", "-q", "-a", "-m", "Churn is high risk; credit risk re-evaluated", who=mallory)
    ssh = root / "home" / ".ssh"
    ssh.mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mallory@acme.example", "-f",
                    str(ssh / "id_ed25519")], check=True)  # fmt: skip
    registry = root / "cards" / "APPROVERS.yaml"
    key = (ssh / "id_ed25519.pub").read_text().strip()
    registry.write_text(
        registry.read_text()
        + f"  - name: Mallory Maker\n    email: mallory.maker@acme.example\n    roles: [ml-lead]\n    keys:\n      - {key}\n"
    )
    _git(root, "commit", "-q", "-a", "-m", "Add me to the registry", who=mallory)


SCENARIOS: dict[str, Callable[[Path], None]] = {
    "example": lambda root: None,
    "broken-card": broken_card,
    "new-version": new_version,
    "new-version-and-a-key": new_version_and_a_key,
    "hub-readme": hub_readme,
    "in-a-subfolder": in_a_subfolder,
    "not-a-catalog": not_a_catalog,
    "pull-request": pull_request,
}


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    scenario: str
    commands: list[str]
    output: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def examples() -> list[Example]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in _BLOCK.finditer(text):
            lines = match["body"].splitlines()
            commands = [line[2:] for line in lines if line.startswith("$ ")]
            output = "\n".join(line for line in lines if not line.startswith("$ "))
            line = text[: match.start("body")].count("\n")
            found.append(Example(page.name, line, match["scenario"] or "example", commands, output))
    return found


def test_every_console_block_of_the_page_is_checked() -> None:
    blocks = sum(page.read_text().count("```console") for page in PAGES)
    assert len(examples()) == blocks > 10
    assert {example.scenario for example in examples()} <= set(SCENARIOS)


@pytest.mark.parametrize("example", examples(), ids=str)
def test_the_command_prints_what_the_page_shows(example: Example, tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    for name in ("cards", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    SCENARIOS[example.scenario](root)
    home = root / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(TODAY), "PYTHONUNBUFFERED": "1", "COLUMNS": "80",
           "HOME": str(home), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "XDG_CACHE_HOME": str(tmp_path / "xdg")}  # fmt: skip
    printed = []
    for command in example.commands:
        done = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True,
                              timeout=120, check=False)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        printed.append(done.stdout + done.stderr)
    assert _commits("".join(printed).rstrip("\n")) == _commits(example.output.rstrip("\n"))


def _commits(text: str) -> str:
    """``text`` with the commit ids a diff names written ``<commit>``: they change with every edit of the cards."""
    return _COMMIT.sub("<commit>", text)
