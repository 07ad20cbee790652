"""`model-catalog diff` and `validate --trust-base` on real git repositories made here, commit by commit.

The base (``main``) has two approved cards and a registry; the pull request's branch, committed by people with
their own git identities, drops a metric beyond its interval, adds an out-of-scope use, raises a risk tier,
renames a card file, and tries to approve itself through the registry and through commit authorship.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import ADA, GOLDEN, commit_all, git, run_cli, with_approval, write_site

REGISTRY = """\
approvers:
  - {name: Rita Reviewer, email: rita@example.com, roles: [ml-lead]}
  - {name: Omar Oversight, email: omar@example.com, roles: [responsible-ai]}
  - {name: Lena Legal, email: lena@example.com, roles: [legal]}
"""
POLICY = """\
cards_dir: cards
approvals:
  required_roles: {low: [ml-lead], medium: [ml-lead, responsible-ai], high: [ml-lead, responsible-ai, legal]}
  review_interval_days: null
"""
FRAUD = """\
id: fraud
name: Fraud
version: "1.0"
status: approved
summary: Flags risky payments.
description: Scores each payment with gradient boosting over 40 features.
owners:
  - {name: Ada Lovelace, email: ada@example.com, team: risk}
license: Apache-2.0
task: tabular-classification
risk_tier: low
created: 2025-01-10
intended_use:
  primary_uses: [Hold payments for review]
  out_of_scope: [Declining payments without review]
metrics:
  - {name: recall, value: 0.81, slice: card, confidence_interval: [0.78, 0.84], threshold: 0.8}
  - {name: recall, value: 0.74, slice: wallet, confidence_interval: [0.70, 0.78], threshold: 0.7}
limitations: [Unseen merchants are scored poorly]
training_data: [{name: Payments 2024}]
evaluation_data: [{name: Payments 2025-Q1}]
ethical_considerations: [{risk: Blocks legitimate customers, mitigation: Human review of every hold}]
"""
SCORING = FRAUD.replace("id: fraud", "id: scoring").replace("name: Fraud", "name: Scoring")


def commit(repo: Path, message: str, who: tuple[str, str] = ADA) -> None:
    commit_all(repo, message, who)


def approve(path: Path, approver: str, role: str) -> None:
    """Replace the card's approvals by one of its current content (as `model-catalog approve` writes it, unsigned)."""
    text = path.read_text()
    if "approvals:" in text:
        text = text[: text.index("approvals:")]
    path.write_text(with_approval(text, approver=approver, role=role, date="2025-03-01"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A site on ``main``, with two approved cards; the branch ``change`` is checked out, equal to main."""
    root = write_site(
        tmp_path / "repo",
        {"fraud/1.0.yaml": with_approval(FRAUD, date="2025-03-01"), "scoring/1.0.yaml": with_approval(SCORING)},
        plugin_options=POLICY,
        registry=REGISTRY,
    )
    (root / ".gitignore").write_text(".model-catalog-cache/\nsite/\n")
    git(root, "init", "-q", "-b", "main")
    commit(root, "The catalog")
    git(root, "checkout", "-q", "-b", "change")
    return root


MALLORY = ("Mallory Maker", "mallory@example.com")


def make_change(repo: Path) -> None:
    """The pull request: a metric drop, an out-of-scope use, a raised risk tier, a rename, a registry edit."""
    fraud = repo / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "value: 0.81, slice: card, confidence_interval: [0.78, 0.84]", "value: 0.7, slice: card, "
         "confidence_interval: [0.67, 0.73]")  # fmt: skip
    edit(fraud, "out_of_scope: [Declining payments without review]",
         "out_of_scope: [Declining payments without review, Payments above 10000 EUR]")  # fmt: skip
    edit(fraud, "risk_tier: low", "risk_tier: medium")
    commit(repo, "Fraud: new evaluation", who=MALLORY)
    git(repo, "mv", "cards/scoring/1.0.yaml", "cards/scoring/v1.0.yaml")
    commit(repo, "Scoring: rename the file", who=MALLORY)


def normalised(text: str) -> str:
    return re.sub(r"\b[0-9a-f]{12}\b", "<commit>", text)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_each_format_matches_its_golden_file(repo: Path, fmt: str, update_golden: bool) -> None:
    make_change(repo)
    done = run_cli("diff", "--base", "main", "--format", fmt, cwd=repo)
    assert done.returncode == 0, done.stderr
    expected = GOLDEN / "diff" / f"pull-request.{fmt}"
    if update_golden:
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(normalised(done.stdout), encoding="utf-8")
    assert normalised(done.stdout) == expected.read_text(encoding="utf-8")


def test_the_diff_says_what_changed_and_whom_it_needs(repo: Path) -> None:
    make_change(repo)
    done = run_cli("diff", "--base", "main", "--format", "json", cwd=repo)
    report = json.loads(done.stdout)
    fraud = next(entry for entry in report["cards"] if entry["id"] == "fraud")
    assert fraud["state"] == "modified" and fraud["level"] == "governance"
    metric = next(change for change in fraud["changes"] if change["kind"] == "metric")
    assert metric["detail"]["regression"] is True and metric["detail"]["intervals_overlap"] is False
    assert metric["detail"]["threshold"] == "newly missed"
    assert metric["detail"]["difference"] == pytest.approx(-0.11)
    added = [c for c in fraud["changes"] if c["field"] == "intended_use.out_of_scope" and c["kind"] == "added"]
    assert [c["new"] for c in added] == ["Payments above 10000 EUR"]
    tier = next(change for change in fraud["changes"] if change["field"] == "risk_tier")
    assert tier["level"] == "governance" and tier["detail"]["new_roles"] == ["responsible-ai"]
    assert fraud["stale_approvals"] == [{"approver": "Rita Reviewer", "role": "ml-lead"}]
    assert fraud["needs_approval"] == [
        {"role": "ml-lead", "approvers": ["Rita Reviewer"]},
        {"role": "responsible-ai", "approvers": ["Omar Oversight"]},
    ]
    scoring = next(entry for entry in report["cards"] if entry["id"] == "scoring")
    assert scoring["state"] == "renamed" and scoring["level"] == "editorial"
    assert (scoring["old_source"], scoring["new_source"]) == ("cards/scoring/1.0.yaml", "cards/scoring/v1.0.yaml")
    assert scoring["needs_approval"] == []  # a move changes no digest


def test_a_new_version_is_compared_with_the_one_before(repo: Path) -> None:
    text = (repo / "cards" / "fraud" / "1.0.yaml").read_text()
    text = text[: text.index("approvals:")].replace('version: "1.0"', 'version: "1.1"').replace("0.74", "0.76")
    (repo / "cards" / "fraud" / "1.1.yaml").write_text(text.replace("status: approved", "status: in_review"))
    done = run_cli("diff", "--base", "main", cwd=repo)  # the working tree, not committed
    assert done.returncode == 0, done.stderr
    assert "fraud 1.1: added, compared with 1.0 (cards/fraud/1.1.yaml)" in done.stdout
    assert "metrics: recall, slice wallet: 0.74 → 0.76; +0.02, better; within the confidence intervals" in done.stdout
    assert "needs approval: ml-lead (Rita Reviewer)" in done.stdout


def test_only_the_paths_given_and_between_two_commits(repo: Path) -> None:
    make_change(repo)
    done = run_cli("diff", "--base", "main", "--head", "HEAD~1", "cards/scoring", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "no card changed" in done.stdout  # the rename is in the last commit, and fraud is not under the path
    done = run_cli("diff", "--base", "main", "--head", "HEAD", "cards/scoring", cwd=repo)
    assert "scoring 1.0: renamed" in done.stdout and "fraud" not in done.stdout


def test_two_card_files(repo: Path) -> None:
    new = repo / "fraud-next.yaml"
    new.write_text(FRAUD.replace('version: "1.0"', 'version: "2.0"').replace("risk_tier: low", "risk_tier: high"))
    done = run_cli("diff", "--files", "cards/fraud/1.0.yaml", str(new), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "fraud 2.0: added, compared with 1.0" in done.stdout
    assert 'risk_tier: "low" → "high"; high risk needs ml-lead, responsible-ai, legal (new: responsible-ai, legal)' in (
        done.stdout
    )


def test_usage_errors_are_clear(repo: Path, tmp_path: Path) -> None:
    done = run_cli("diff", "--base", "no-such-branch", cwd=repo)
    assert done.returncode == 2
    assert "unknown revision 'no-such-branch'" in done.stderr and "Traceback" not in done.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    done = run_cli("diff", cwd=outside)
    assert done.returncode == 2 and "is not in a git repository" in done.stderr
    done = run_cli("diff", cwd=repo)  # no remote: the local main
    assert done.returncode == 0 and done.stdout.startswith("main (merge-base "), done.stderr
    git(repo, "branch", "-q", "-m", "main", "trunk")
    done = run_cli("diff", cwd=repo)  # nothing to guess from
    assert done.returncode == 2 and "give it with --base REV" in done.stderr
    done = run_cli("validate", "--trust-base", "nope", cwd=repo)
    assert done.returncode == 2 and "trusted base nope: unknown revision 'nope'" in done.stderr


def test_the_default_base_is_the_merge_base_with_the_remote(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "main", str(repo), str(clone))
    git(clone, "checkout", "-q", "-b", "pr")
    edit(clone / "cards" / "fraud" / "1.0.yaml", "Unseen merchants", "New merchants")
    commit(clone, "Reword", who=MALLORY)
    done = run_cli("diff", cwd=clone)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("origin/HEAD (merge-base ")
    assert "limitations: reworded" in done.stdout


def test_approving_yourself_through_the_registry_fails_against_the_base(repo: Path) -> None:
    """Mallory changes a card, adds herself to APPROVERS.yaml as ml-lead and approves it: the branch's own rules
    let it pass, the base's do not."""
    fraud = repo / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "Unseen merchants are scored poorly", "Unseen merchants are scored poorly; so are refunds")
    registry = repo / "cards" / "APPROVERS.yaml"
    registry.write_text(REGISTRY + "  - {name: Mallory Maker, email: mallory@example.com, roles: [ml-lead]}\n")
    approve(fraud, "Mallory Maker", "ml-lead")
    commit(repo, "Fraud: refunds, approved", who=MALLORY)
    assert run_cli("validate", cwd=repo).returncode == 0  # judged by the branch's own registry
    done = run_cli("validate", "--trust-base", "main", cwd=repo)
    assert done.returncode == 1
    assert "'Mallory Maker' is not in the approvers registry" in done.stdout
    assert "cards/fraud/1.0.yaml:" in done.stdout
    done = run_cli("validate", cwd=repo, env={"MODEL_CATALOG_TRUST_BASE": "main"})
    assert done.returncode == 1, "the environment variable does what the option does"
    diff = run_cli("diff", "--base", "main", cwd=repo).stdout
    assert "added approver Mallory Maker (ml-lead)" in diff
    assert "the rules cards are judged by changed" in diff


def test_an_approver_who_changed_the_card_cannot_approve_it(repo: Path) -> None:
    """Rita, in the base's registry, edits the card's content and approves it herself: refused, naming the commit;
    when Omar edits and Rita approves in a commit of her own, her approval counts."""
    fraud = repo / "cards" / "fraud" / "1.0.yaml"
    rita = ("Rita Reviewer", "Rita.Reviewer+git@EXAMPLE.com")
    edit(fraud, "Hold payments for review", "Hold payments for manual review")
    commit(repo, "Fraud: wording", who=rita)
    approve(fraud, "Rita Reviewer", "ml-lead")
    commit(repo, "Fraud: approved", who=rita)
    done = run_cli("validate", "--trust-base", "main", cwd=repo)
    assert done.returncode == 1
    sha = git(repo, "rev-parse", "HEAD~1").strip()
    assert f"Rita Reviewer changed this card's content (commit {sha[:12]}" in done.stdout
    assert run_cli("validate", cwd=repo).returncode == 0, "without history the change cannot be told"

    git(repo, "reset", "-q", "--hard", "main")
    edit(fraud, "Hold payments for review", "Hold payments for manual review")
    commit(repo, "Fraud: wording", who=("Omar Oversight", "omar@example.com"))
    approve(fraud, "Rita Reviewer", "ml-lead")
    commit(repo, "Fraud: approved", who=rita)  # approving changes no digest: Rita is not an author of the change
    done = run_cli("validate", "--trust-base", "main", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr

    edit(fraud, "Hold payments for manual review", "Hold payments for a manual review")  # not committed
    git(repo, "config", "user.name", "Rita Reviewer")
    git(repo, "config", "user.email", "rita@example.com")
    approve(fraud, "Rita Reviewer", "ml-lead")
    done = run_cli("validate", "--trust-base", "main", cwd=repo)
    assert done.returncode == 1 and "(working tree, as Rita Reviewer <rita@example.com>)" in done.stdout


def test_self_approval_allowed_by_the_base_policy(repo: Path) -> None:
    config = repo / "mkdocs.yml"
    edit(config, "  review_interval_days: null", "  review_interval_days: null\n        allow_self_approval: true")
    commit(repo, "Allow self-approval")
    git(repo, "branch", "-q", "-f", "main")
    fraud = repo / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "Hold payments for review", "Hold payments for manual review")
    approve(fraud, "Rita Reviewer", "ml-lead")
    commit(repo, "Fraud: reworded and approved", who=("Rita Reviewer", "rita@example.com"))
    assert run_cli("validate", "--trust-base", "main", cwd=repo).returncode == 0


def test_a_policy_weakened_by_the_change_is_not_used(repo: Path) -> None:
    """The branch drops the roles a medium-risk card needs; judged by main's policy, the card still needs them."""
    fraud = repo / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "risk_tier: low", "risk_tier: medium")
    approve(fraud, "Rita Reviewer", "ml-lead")
    edit(repo / "mkdocs.yml", "medium: [ml-lead, responsible-ai]", "medium: [ml-lead]")
    commit(repo, "Medium risk", who=MALLORY)
    assert run_cli("validate", cwd=repo).returncode == 0
    done = run_cli("validate", "--trust-base", "main", cwd=repo)
    assert done.returncode == 1 and "missing valid approvals for medium risk: responsible-ai" in done.stdout
    diff = run_cli("diff", "--base", "main", cwd=repo).stdout
    assert "plugins.model-catalog.approvals.required_roles" in diff


def test_a_regression_is_a_notice_from_validate(repo: Path) -> None:
    text = (repo / "cards" / "fraud" / "1.0.yaml").read_text()
    newer = text[: text.index("approvals:")].replace('version: "1.0"', 'version: "1.1"').replace(
        "value: 0.81, slice: card, confidence_interval: [0.78, 0.84]", "value: 0.7, slice: card, "
        "confidence_interval: [0.67, 0.73]"
    ).replace("status: approved", "status: draft")  # fmt: skip
    (repo / "cards" / "fraud" / "1.1.yaml").write_text(newer)
    done = run_cli("validate", cwd=repo)
    assert done.returncode == 0, done.stdout
    assert re.search(
        r"cards/fraud/1\.1\.yaml:\d+:\d+: notice: metrics\[0\]: recall, slice card: 0\.7 is worse than 0\.81 in "
        r"version 1\.0, beyond the confidence intervals",
        done.stdout,
    ), done.stdout


def test_the_build_of_a_pull_request_judges_by_the_base(repo: Path) -> None:
    """`mkdocs build` with MODEL_CATALOG_TRUST_BASE: the branch's registry edit does not let its approval count, and
    the pages are rendered with the base's templates, not the branch's."""
    from helpers import mkdocs_build

    edit(repo / "mkdocs.yml", "cards_dir: cards\n", "cards_dir: cards\n      templates_dir: overrides\n")
    (repo / "overrides").mkdir()
    card_template = repo / "overrides" / "card.html"
    card_template.write_text('{% extends "builtin/card.html" %}{% block summary %}<p>Base wording</p>{% endblock %}')
    commit(repo, "Templates")
    git(repo, "branch", "-q", "-f", "main")
    card_template.write_text('{% extends "builtin/card.html" %}{% block summary %}<p>Branch wording</p>{% endblock %}')
    commit(repo, "Our own wording", who=MALLORY)
    done = mkdocs_build(repo, "--strict", env={"MODEL_CATALOG_TRUST_BASE": "main"})
    assert done.returncode == 0, done.stderr
    page = (repo / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert "Base wording" in page and "Branch wording" not in page
    assert "overrides/card.html: template changed" in run_cli("diff", "--base", "main", cwd=repo).stdout

    fraud = repo / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "Unseen merchants are scored poorly", "Unseen merchants are scored poorly; so are refunds")
    (repo / "cards" / "APPROVERS.yaml").write_text(
        REGISTRY + "  - {name: Mallory Maker, email: mallory@example.com, roles: [ml-lead]}\n"
    )
    approve(fraud, "Mallory Maker", "ml-lead")
    commit(repo, "Approved by me", who=MALLORY)
    assert mkdocs_build(repo, "--strict").returncode == 0
    done = mkdocs_build(repo, "--strict", env={"MODEL_CATALOG_TRUST_BASE": "main"})
    assert done.returncode == 1
    assert "'Mallory Maker' is not in the approvers registry" in done.stderr
    done = mkdocs_build(repo, env={"MODEL_CATALOG_TRUST_BASE": "no-such-rev"})
    assert done.returncode == 1 and "trusted base no-such-rev: unknown revision" in done.stderr
    assert "Traceback" not in done.stderr


# The GitHub Action (action.yml), its steps run here as the runner runs them: bash, the step's environment with
# its expressions evaluated, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_PATH files.

_EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def run_action(checkout: Path, inputs: dict[str, str], base_ref: str, tmp: Path) -> tuple[list[int], str, str]:
    """Each step's exit code (stopping at the first failure, as the runner does), the job summary and the log."""
    import subprocess
    import sys

    import yaml

    from helpers import ENV, REPO

    action = yaml.safe_load((REPO / "action.yml").read_text())
    values = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update({f"inputs.{name}": value for name, value in inputs.items()})
    values["github.base_ref"] = base_ref
    summary, output = tmp / "summary.md", tmp / "output"
    summary.write_text("")
    bin_folder = str(Path(sys.executable).parent)
    codes, log = [], ""

    def evaluate(text: str) -> str:
        return _EXPRESSION.sub(lambda match: values.get(match[1], ""), str(text))

    for step in action["runs"]["steps"]:
        condition = step.get("if")
        if condition:
            left, _, right = condition.partition("==")
            if values.get(left.strip(), "") != right.strip().strip("'"):
                continue
        output.write_text("")
        env = {**ENV, "PATH": bin_folder + ":" + ENV["PATH"], "GITHUB_ACTION_PATH": str(REPO)}
        env.update({"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp)})
        env.update({"GITHUB_PATH": str(tmp / "path"), "GIT_CONFIG_GLOBAL": "/dev/null"})
        env.update({name: evaluate(value) for name, value in step.get("env", {}).items()})
        folder = checkout / evaluate(step.get("working-directory", "."))
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        log += done.stdout + done.stderr
        codes.append(done.returncode)
        for line in output.read_text().splitlines():
            name, _, value = line.partition("=")
            values[f"steps.{step.get('id')}.outputs.{name}"] = value
        if done.returncode:
            break
    return codes, summary.read_text(), log


@pytest.fixture
def pull_request(repo: Path, tmp_path: Path) -> Path:
    """A clone of ``repo`` (the remote, ``origin``) checked out on a branch of its own, as actions/checkout leaves a
    pull request with fetch-depth 0."""
    clone = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--branch", "main", str(repo), str(clone))
    git(clone, "checkout", "-q", "-b", "pull-request")
    return clone


def test_the_action_passes_a_good_change_and_summarises_it(pull_request: Path, tmp_path: Path) -> None:
    fraud = pull_request / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "Hold payments for review", "Hold payments for manual review")
    commit(pull_request, "Wording", who=("Omar Oversight", "omar@example.com"))
    approve(fraud, "Rita Reviewer", "ml-lead")
    commit(pull_request, "Approved", who=("Rita Reviewer", "rita@example.com"))
    codes, summary, log = run_action(pull_request, {"install": "false"}, "main", tmp_path)
    assert codes == [0, 0, 0], log
    assert summary.startswith("## Model catalog: what this change does")
    assert "| **editorial** | fraud 1.0 | modified |" in summary
    assert "::notice file=cards/fraud/1.0.yaml,line=" in log


def test_the_action_fails_a_change_that_approves_itself(pull_request: Path, tmp_path: Path) -> None:
    fraud = pull_request / "cards" / "fraud" / "1.0.yaml"
    edit(fraud, "Unseen merchants are scored poorly", "Unseen merchants are scored poorly; so are refunds")
    registry = pull_request / "cards" / "APPROVERS.yaml"
    registry.write_text(REGISTRY + "  - {name: Mallory Maker, email: mallory@example.com, roles: [ml-lead]}\n")
    approve(fraud, "Mallory Maker", "ml-lead")
    commit(pull_request, "Approved by me", who=MALLORY)
    git(pull_request, "fetch", "-q", "origin")  # as the runner has it: the base branch is there
    codes, summary, log = run_action(pull_request, {"install": "false"}, "main", tmp_path)
    assert codes == [0, 0, 1], log
    assert "added approver Mallory Maker \\(ml-lead\\)" in summary
    assert re.search(r"::error file=cards/fraud/1\.0\.yaml,line=\d+,col=\d+,title=approvals\[0\]::does not count: "
                     r"'Mallory Maker' is not in the approvers registry \(cards/APPROVERS\.yaml at origin/main ", log), log  # fmt: skip


def test_the_action_without_a_base(pull_request: Path, tmp_path: Path) -> None:
    git(pull_request, "remote", "remove", "origin")
    codes, _, log = run_action(pull_request, {"install": "false"}, "", tmp_path)
    assert codes == [2] and "::error::model-catalog: no base revision" in log
