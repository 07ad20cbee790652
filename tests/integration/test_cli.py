"""The `model-catalog` command as a subprocess: exit codes, output formats, new cards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import GOLDEN, REPO, run_cli, write_site

BROKEN = """\
id: credit-risk
name: Credit risk
version: "2.0"
status: draft
owners:
  - {name: Grace Hopper, email: grace@example.com, team: risk}
metrics:
  - name: roc_auc
    value: 0.81
  - name: accuracy
    value: 92
"""


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    return write_site(
        tmp_path,
        {
            "credit-risk/2.0.yaml": BROKEN,
            "ok/1.0.yaml": BROKEN.replace("credit-risk", "ok").replace("value: 92", "value: 0.92"),
        },
    )


def test_example_catalog_is_valid() -> None:
    done = run_cli("validate", cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(": notice: approvals: review overdue" in line for line in done.stdout.splitlines())
    assert "15 card(s) valid" in done.stderr


def test_text_format_names_file_line_column_field_and_fix(broken_site: Path) -> None:
    done = run_cli("validate", cwd=broken_site)
    assert done.returncode == 1
    assert done.stdout == (
        "cards/credit-risk/2.0.yaml:11:12: metrics[1].value: must be at most 1 (got 92); write accuracy as a fraction\n"
    )
    assert "1 error in 1 file(s)" in done.stderr


def test_github_format_prints_workflow_commands(broken_site: Path) -> None:
    done = run_cli("validate", "--format", "github", cwd=broken_site)
    assert done.returncode == 1
    assert done.stdout.strip() == (
        "::error file=cards/credit-risk/2.0.yaml,line=11,col=12,title=metrics[1].value::"
        "must be at most 1 (got 92); write accuracy as a fraction"
    )


def test_json_format_is_a_list_of_located_errors(broken_site: Path) -> None:
    done = run_cli("validate", "--format", "json", cwd=broken_site)
    assert done.returncode == 1
    assert json.loads(done.stdout) == [
        {
            "file": "cards/credit-risk/2.0.yaml",
            "line": 11,
            "column": 12,
            "path": "metrics[1].value",
            "message": "must be at most 1 (got 92); write accuracy as a fraction",
            "severity": "error",
        }
    ]


def test_json_format_of_a_clean_catalog_has_no_errors() -> None:
    done = run_cli("validate", "--format", "json", cwd=REPO)
    assert done.returncode == 0
    assert [error for error in json.loads(done.stdout) if error["severity"] != "notice"] == []


def test_all_errors_of_all_cards_in_one_run(tmp_path: Path) -> None:
    golden = GOLDEN / "errors"
    shutil.copytree(golden, tmp_path / "cards", ignore=shutil.ignore_patterns("*.txt"))
    done = run_cli("validate", "cards", cwd=tmp_path)
    assert done.returncode == 1
    files = {line.split(":")[0] for line in done.stdout.splitlines()}
    inputs = {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "cards").rglob("*.yaml")}
    assert inputs == files  # every broken file reports its own errors
    assert "Traceback" not in done.stderr


def test_explicit_paths_override_mkdocs_yml(broken_site: Path) -> None:
    done = run_cli("validate", "cards/ok", cwd=broken_site)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate", "--format", "xml"], "invalid choice"),
        (["validate", "missing-folder"], "model-catalog: missing-folder: no such file or folder"),
        (["status", "/nonexistent"], "model-catalog: /nonexistent: no such file or folder"),
        (["validate", ""], "an empty path was given"),
        (["--config", "nope.yml", "validate"], "nope.yml: no such file"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "option, message",
    [
        ("cards_dirr: cards", "plugins.model-catalog.cards_dirr: unknown option; did you mean 'cards_dir'?"),
        ("index_page_size: -5", "plugins.model-catalog.index_page_size: must be 0 or more (got -5)"),
        ("index_page_size: many", "plugins.model-catalog.index_page_size: must be int (got 'many')"),
    ],
)
def test_bad_plugin_option_is_a_usage_error(tmp_path: Path, option: str, message: str) -> None:
    write_site(tmp_path, plugin_options=option)
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr


def test_new_writes_a_draft_that_validates_and_refuses_to_overwrite(tmp_path: Path) -> None:
    write_site(tmp_path)
    done = run_cli(
        "new",
        "fraud-detector",
        "--owner",
        "Ada Lovelace <ada@example.com>",
        "--team",
        "risk",
        "--version",
        "1.0",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    card = tmp_path / "cards" / "fraud-detector" / "1.0.yaml"
    assert done.stdout.strip() == "cards/fraud-detector/1.0.yaml"
    text = card.read_text()
    for section in (
        "summary:",
        "description:",
        "intended_use:",
        "  out_of_scope:",
        "metrics:",
        "limitations:",
        "ethical_considerations:",
        "training_data:",
        "evaluation_data:",
        "environmental_impact:",
    ):
        assert f"\n{section}" in text, section
    assert run_cli("validate", cwd=tmp_path).returncode == 0
    again = run_cli(
        "new", "fraud-detector", "--owner", "Ada Lovelace <ada@example.com>", "--version", "1.0", cwd=tmp_path
    )
    assert (
        again.returncode == 2
        and "cards/fraud-detector/1.0.yaml already holds fraud-detector version 1.0" in again.stderr
    )
    assert card.read_text() == text


def test_new_card_sent_to_review_lists_every_missing_section(tmp_path: Path) -> None:
    write_site(tmp_path)
    run_cli("new", "churn", "--owner", "Ada Lovelace <ada@example.com>", "--team", "growth", cwd=tmp_path)
    card = tmp_path / "cards" / "churn" / "0.1.0.yaml"
    card.write_text(card.read_text().replace("status: draft", "status: in_review"))
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 1
    missing = {line.split(": ")[1] for line in done.stdout.splitlines()}
    assert missing == {
        "summary",
        "description",
        "license",
        "task",
        "risk_tier",
        "intended_use.primary_uses",
        "intended_use.out_of_scope",
        "metrics",
        "evaluation_data",
        "training_data",
        "ethical_considerations",
        "limitations",
    }


def test_new_rejects_a_bad_id(tmp_path: Path) -> None:
    done = run_cli("new", "../escape", "--owner", "A B <a@b.io>", cwd=tmp_path)
    assert done.returncode == 2 and "is not a valid id" in done.stderr
    assert not any(tmp_path.parent.glob("escape*"))


def test_python_dash_m_and_console_script_agree() -> None:
    script = Path(__import__("sys").executable).parent / "model-catalog"
    from helpers import run

    assert run([str(script), "validate"], REPO).returncode == 0


def test_validating_one_file_checks_lineage_against_the_whole_catalog() -> None:
    done = run_cli("validate", "cards/object-detector/1.0.yaml", cwd=REPO)
    assert done.returncode == 0, done.stdout
    assert "1 card(s) valid" in done.stderr


def test_version_is_the_installed_distributions(tmp_path: Path) -> None:
    from importlib import metadata

    import model_catalog

    done = run_cli("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"model-catalog {model_catalog.__version__}"
    assert metadata.version("mkdocs-model-catalog") == model_catalog.__version__


def both_read(site: Path, env: dict[str, str] | None = None) -> tuple[str, str]:
    """What `validate` and `mkdocs build` say of the same site: the cards they saw, or the error."""
    from helpers import mkdocs_build

    validated = run_cli("validate", cwd=site, env=env)
    built = mkdocs_build(site, env=env)
    assert "Traceback" not in validated.stderr + built.stderr
    return validated.stdout + validated.stderr, built.stdout + built.stderr


def test_mkdocs_tags_in_the_options_are_read_as_mkdocs_reads_them(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {"ok/1.0.yaml": BROKEN.replace("credit-risk", "ok").replace("value: 92", "value: 0.92")},
        plugin_options="cards_dir: !ENV [CATALOG_CARDS, nowhere]\nprefix: !ENV UNSET_VARIABLE_X",
    )
    shutil.move(site / "cards", site / "elsewhere")
    validated, built = both_read(site, env={"CATALOG_CARDS": "elsewhere"})
    assert "1 card(s) valid" in validated and (site / "site" / "models" / "index.html").is_file()
    validated, built = both_read(site)  # the default of !ENV: a folder that does not exist, for both
    assert "nowhere: no such file or folder" in validated and "nowhere" in built


def test_relative_paths_and_inherit_as_mkdocs_resolves_them(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {"ok/1.0.yaml": BROKEN.replace("credit-risk", "ok").replace("value: 92", "value: 0.92")},
        plugin_options="cards_dir: !relative $config_dir/cards",
    )
    (site / "base.yml").write_text((site / "mkdocs.yml").read_text())
    (site / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Child\n")
    validated, built = both_read(site)
    assert "1 card(s) valid" in validated and (site / "site" / "models" / "index.html").is_file(), built
    base = (site / "base.yml").read_text()
    (site / "base.yml").write_text(base.replace("!relative $config_dir/cards", "!relative cards"))
    done = run_cli("validate", cwd=site)
    assert (
        done.returncode == 2
        and "plugins.model-catalog.cards_dir: `!relative cards` is refused by MkDocs too" in done.stderr
    )
    assert mkdocs_build_fails(site)
    # Bare, it names the current page's folder: while MkDocs reads its configuration, docs_dir.
    (site / "base.yml").write_text(base.replace("!relative $config_dir/cards", "!relative"))
    shutil.move(site / "cards" / "ok", site / "docs" / "ok")
    validated, built = both_read(site)
    assert "1 card(s) valid" in validated and (site / "site" / "models" / "index.html").is_file(), built


def mkdocs_build_fails(site: Path) -> bool:
    from helpers import mkdocs_build

    done = mkdocs_build(site)
    return done.returncode != 0 and "Traceback" not in done.stderr


def test_python_tags_are_never_run_and_refused_in_the_options(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {"ok/1.0.yaml": BROKEN.replace("credit-risk", "ok").replace("value: 92", "value: 0.92")},
        extra_config="markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    )
    assert run_cli("validate", cwd=site).returncode == 0  # outside the options: ignored, as before
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("cards_dir: cards", "cards_dir: !!python/name:os.getcwd"))
    done = run_cli("validate", cwd=site)
    assert done.returncode == 2
    assert (
        "plugins.model-catalog.cards_dir: the tag tag:yaml.org,2002:python/name:os.getcwd is not supported in "
        "these options; write the value itself"
    ) in done.stderr
    assert mkdocs_build_fails(site)
