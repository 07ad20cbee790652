"""The plugin under ProperDocs, the maintained fork of MkDocs 1.x, in a virtualenv of its own.

ProperDocs reads plugins from the `mkdocs.plugins` entry-point group as well as
its own `properdocs.plugins`, and its `properdocs` command aliases every
`mkdocs.*` import to `properdocs.*`, so this plugin and mkdocs-material run on
it unchanged. The real `mkdocs` package is still installed (mkdocs-material and
this project require it) but is not imported by a `properdocs build`.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLE_MODELS, REPO, run

INSTALL_TIMEOUT = 900


def _copy_example_site(root: Path, config_name: str = "mkdocs.yml") -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / config_name)
    shutil.copytree(REPO / "cards", root / "cards")
    shutil.copytree(REPO / "docs", root / "docs")
    return root


@pytest.fixture(scope="module")
def properdocs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `properdocs` command of a fresh virtualenv holding ProperDocs and this project (and so mkdocs-material)."""
    venv = tmp_path_factory.mktemp("properdocs") / "venv"
    python = venv / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    pip_options = ["install", "-q", "--disable-pip-version-check", "properdocs", str(REPO)]
    if importlib.util.find_spec("pip") is not None:
        # Installing with this interpreter's pip into a venv made without one skips ensurepip: about twice as fast.
        made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], REPO)
        assert made.returncode == 0, made.stderr
        done = run([sys.executable, "-m", "pip", "--python", str(python), *pip_options], REPO, timeout=INSTALL_TIMEOUT)
    else:
        made = run([sys.executable, "-m", "venv", str(venv)], REPO, timeout=300)
        assert made.returncode == 0, made.stderr
        done = run([str(python), "-m", "pip", *pip_options], REPO, timeout=INSTALL_TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    command = python.parent / ("properdocs.exe" if sys.platform == "win32" else "properdocs")
    assert command.is_file(), "the properdocs package installed no `properdocs` command"
    return command


@pytest.fixture(scope="module")
def properdocs_site(properdocs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example catalog built by `properdocs build`, with its mkdocs.yml passed explicitly."""
    root = _copy_example_site(tmp_path_factory.mktemp("properdocs-site") / "catalog")
    done = run([str(properdocs), "build", "--strict", "-f", "mkdocs.yml"], root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return root / "site"


def test_properdocs_builds_the_example_catalog_with_material(properdocs_site: Path) -> None:
    index = (properdocs_site / "models" / "index.html").read_text()
    assert re.search(r'<meta name="generator" content="[^"]*ProperDocs [^"]*mkdocs-material-', index), (
        "not built by ProperDocs with the Material theme"
    )
    assert len(re.findall(r"<tr data-mc-row", index)) == len(EXAMPLE_MODELS)
    for model_id in EXAMPLE_MODELS:
        assert re.search(rf'href="{model_id}/[^/"]+/"', index), model_id
        assert 'http-equiv="refresh"' in (properdocs_site / "models" / model_id / "index.html").read_text()
    assert "support-ticket-router" not in index  # a draft: left out of a build


def test_properdocs_card_page_has_its_chart_and_failures(properdocs_site: Path) -> None:
    page = properdocs_site / "models" / "credit-risk" / "2.0" / "index.html"
    html = page.read_text()
    assert '<svg class="mc-chart__svg"' in html
    assert 'id="where-it-fails"' in html and "Where it fails" in html
    for published in ("card.json", "huggingface-README.txt", "cyclonedx.json"):
        assert (page.parent / published).is_file(), published
    assert (properdocs_site / "models" / "catalog.json").is_file()
    assert (properdocs_site / "models" / "card.schema.json").is_file()


def test_a_broken_card_fails_the_properdocs_build_with_its_position(properdocs: Path, tmp_path: Path) -> None:
    # Named properdocs.yml here: the name ProperDocs looks for first, found without -f.
    root = _copy_example_site(tmp_path / "catalog", config_name="properdocs.yml")
    card = root / "cards" / "credit-risk" / "2.0.yaml"
    lines = card.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if re.match(r"\s*(- )?value: 0\.\d+\s*$", line))
    column = lines[number].index("value: ") + len("value: ") + 1
    lines[number] = lines[number].replace("value: 0.", "value: 7", 1)
    card.write_text("".join(lines))

    done = run([str(properdocs), "build"], root)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert f"cards/credit-risk/2.0.yaml:{number + 1}:{column}: metrics[0].value: must be at most 1" in output
    assert "Traceback" not in output
    assert not (root / "site" / "models").exists()
