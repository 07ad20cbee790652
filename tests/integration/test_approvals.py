"""Review and approval: every way an approval can fail to count, signatures, the CLI and the build gate."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import helpers
from helpers import card, write_site

TODAY = {"SOURCE_DATE_EPOCH": "1748736000"}
"""2025-06-01: the date every command of these tests runs on."""


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return helpers.run_cli(*args, cwd=cwd, env=env or TODAY)


def mkdocs_build(site: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return helpers.mkdocs_build(site, *extra, env=env or TODAY)


POLICY = """\
cards_dir: cards
approvals:
  required_roles: {low: [ml-lead], medium: [ml-lead, responsible-ai], high: [ml-lead, responsible-ai, legal]}
  max_age_days: 400
  review_interval_days: 180
"""


def keypair(folder: Path, name: str) -> tuple[Path, str]:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@example.com", "-f", str(key)], check=True
    )
    return key, (folder / f"{name}.pub").read_text().strip()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    keys.mkdir()
    _, rita = keypair(keys, "rita")
    _, mo = keypair(keys, "mo")
    registry = (
        "approvers:\n"
        f"  - {{name: Rita Reviewer, email: rita@example.com, roles: [ml-lead], keys: ['{rita}']}}\n"
        f"  - {{name: Mo Ethics, email: mo@example.com, roles: [responsible-ai, ml-lead], keys: ['{mo}']}}\n"
        "  - {name: Ada Lovelace, email: ada@example.com, roles: [ml-lead]}\n"
    )
    text = "# Owned by the risk team.\n" + card(approved=False).replace("risk_tier: low", "risk_tier: medium")
    return write_site(tmp_path, {"fraud/1.0.yaml": text}, plugin_options=POLICY, registry=registry)


CARD = "cards/fraud/1.0.yaml"


def approve(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("approve", CARD, *args, cwd=site)


def status(site: Path) -> dict:
    done = run_cli("status", "--format", "json", cwd=site)
    return json.loads(done.stdout)[0]


def set_policy(site: Path, extra: str) -> None:
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "".join(f"        {line}\n" for line in extra.splitlines()))


def test_build_fails_until_the_approvals_are_complete(site: Path) -> None:
    done = mkdocs_build(site)
    assert done.returncode != 0
    assert f"{CARD}:14:1: approvals: missing valid approvals for medium risk: ml-lead, responsible-ai" in done.stderr
    assert approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01").returncode == 0
    done = mkdocs_build(site)
    assert done.returncode != 0 and "missing valid approvals for medium risk: responsible-ai;" in done.stderr
    assert approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-03-02").returncode == 0
    assert mkdocs_build(site).returncode == 0
    html = (site / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert "Review: <strong>approved</strong>" in html and "Mo Ethics" in html


def test_validate_names_each_card_missing_role_and_invalid_approval(site: Path) -> None:
    approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01")
    (site / "cards" / "fraud" / "1.0.yaml").write_text(
        (site / "cards" / "fraud" / "1.0.yaml").read_text().replace("Flags risky payments.", "Flags payments.")
    )
    done = run_cli("validate", cwd=site)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(
        line.startswith(f"{CARD}:")
        and "approvals[0]: does not count: stale: the card changed after Rita Reviewer approved it" in line
        for line in lines
    ), lines
    assert any("missing valid approvals for medium risk: ml-lead, responsible-ai" in line for line in lines)


def test_approve_leaves_every_other_byte_unchanged(site: Path) -> None:
    path = site / "cards" / "fraud" / "1.0.yaml"
    original = path.read_text().replace(
        "task: tabular-classification", "task: 'tabular-classification'   # quoted on purpose"
    )
    original = original.replace("tags: [fraud, payments]", "tags:   [fraud,  payments]  # odd spacing kept")
    path.write_text(original)
    assert approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01").returncode == 0
    first = path.read_text()
    assert first.startswith(original)
    assert first[len(original) :].startswith("approvals:\n  - approver: Rita Reviewer\n")
    assert approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-03-01").returncode == 0
    second = path.read_text()
    assert second.startswith(first) and second[len(first) :].startswith("  - approver: Mo Ethics\n")


def test_approve_keeps_crlf_line_endings_and_byte_order_mark(site: Path) -> None:
    path = site / "cards" / "fraud" / "1.0.yaml"
    original = "\ufeff" + path.read_text().replace("\n", "\r\n")
    path.write_bytes(original.encode())
    assert approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01").returncode == 0
    data = path.read_bytes().decode()
    assert data.startswith(original) and "\n" not in data.replace("\r\n", "")
    assert status(site)["approved_roles"] == ["ml-lead"]


def test_signed_approvals_verify_and_can_be_required(site: Path) -> None:
    set_policy(site, "require_signatures: true")
    keys = site / "keys"
    assert (
        approve(
            site,
            "--approver",
            "Rita Reviewer",
            "--role",
            "ml-lead",
            "--date",
            "2025-03-01",
            "--key",
            str(keys / "rita"),
        ).returncode
        == 0
    )
    done = approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-03-01")
    assert done.returncode == 2
    assert "unsigned, but the policy requires signatures" in done.stderr
    assert (
        approve(
            site,
            "--approver",
            "Mo Ethics",
            "--role",
            "responsible-ai",
            "--date",
            "2025-03-01",
            "--key",
            str(keys / "mo"),
        ).returncode
        == 0
    )
    assert status(site)["review"] == "approved"
    assert mkdocs_build(site).returncode == 0
    assert "✓ verified" in (site / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()


def test_a_signature_made_with_another_key_is_refused(site: Path) -> None:
    keys = site / "keys"
    done = approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--key", str(keys / "mo"))
    assert done.returncode == 2
    assert "the signature does not verify against Rita Reviewer's registered keys" in done.stderr
    # Forged by hand: Mo signs Rita's approval message with his own key.
    assert (
        approve(
            site, "--approver", "Mo Ethics", "--role", "ml-lead", "--date", "2025-03-01", "--key", str(keys / "mo")
        ).returncode
        == 0
    )
    path = site / "cards" / "fraud" / "1.0.yaml"
    path.write_text(path.read_text().replace("approver: Mo Ethics", "approver: Rita Reviewer"))
    row = status(site)
    assert (
        row["invalid_approvals"][0]["problem"]
        == "the signature does not verify against Rita Reviewer's registered keys"
    )
    assert run_cli("validate", cwd=site).returncode == 1


def test_changing_a_signed_approval_breaks_its_signature(site: Path) -> None:
    keys = site / "keys"
    approve(
        site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01", "--key", str(keys / "rita")
    )
    path = site / "cards" / "fraud" / "1.0.yaml"
    path.write_text(path.read_text().replace("date: 2025-03-01", "date: 2025-03-05"))
    assert "does not verify" in status(site)["invalid_approvals"][0]["problem"]


def test_reformatting_and_comments_keep_the_digest_but_content_changes_do_not(site: Path) -> None:
    approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01")
    approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-03-01")
    path = site / "cards" / "fraud" / "1.0.yaml"
    text = path.read_text()
    reformatted = text.replace("tags: [fraud, payments]", 'tags:\n  - fraud   # reformatted\n  - "payments"')
    reformatted = reformatted.replace("status: in_review", "status: approved")
    path.write_text("# reviewed in PR 42\n" + reformatted)
    assert status(site)["review"] == "approved"
    path.write_text(reformatted.replace("value: 0.81", "value: 0.82"))
    assert status(site)["missing_roles"] == ["ml-lead", "responsible-ai"]


@pytest.mark.parametrize(
    "approver, role, date, problem",
    [
        (
            "Zed Unknown",
            "ml-lead",
            "2025-03-01",
            "'Zed Unknown' is not in the approvers registry (cards/APPROVERS.yaml)",
        ),
        ("Rita Reviewer", "legal", "2025-03-01", "Rita Reviewer does not hold the role 'legal' (holds: ml-lead)"),
        (
            "Ada Lovelace",
            "ml-lead",
            "2025-03-01",
            "Ada Lovelace owns this card and cannot approve it (self-approval is off in the policy)",
        ),
        ("Rita Reviewer", "ml-lead", "2025-06-03", "dated 2025-06-03, which is in the future"),
        (
            "Rita Reviewer",
            "ml-lead",
            "2020-01-01",
            "dated 2020-01-01, older than the maximum age of 400 days; approve it again",
        ),
    ],
)
def test_each_rejection_is_refused_by_approve_and_by_the_gate(
    site: Path, approver: str, role: str, date: str, problem: str
) -> None:
    done = approve(site, "--approver", approver, "--role", role, "--date", date)
    assert done.returncode == 2 and f"not approved: {problem}" in done.stderr
    path = site / "cards" / "fraud" / "1.0.yaml"
    digest = run_cli("status", "--format", "json", cwd=site)  # the card is unchanged by a refused approval
    assert json.loads(digest.stdout)[0]["invalid_approvals"] == []
    from model_catalog import load_card

    content = load_card(path).digest
    path.write_text(
        path.read_text() + f"approvals:\n  - {{approver: {approver}, role: {role}, date: {date}, "
        f"digest: '{content}'}}\n"
    )
    assert status(site)["invalid_approvals"][0]["problem"] == problem
    validated = run_cli("validate", cwd=site)
    assert validated.returncode == 1 and problem in validated.stdout


def test_self_approval_when_the_policy_allows_it(site: Path) -> None:
    set_policy(site, "allow_self_approval: true")
    assert approve(site, "--approver", "Ada Lovelace", "--role", "ml-lead", "--date", "2025-03-01").returncode == 0


def test_one_person_counts_once(site: Path) -> None:
    assert approve(site, "--approver", "Mo Ethics", "--role", "ml-lead", "--date", "2025-03-01").returncode == 0
    done = approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-03-01")
    assert done.returncode == 2
    assert "Mo Ethics already approved this card as ml-lead (approvals[0]); one person counts once" in done.stderr
    assert status(site)["missing_roles"] == ["responsible-ai"]


def test_approving_again_renews_the_review(site: Path) -> None:
    approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-01-10")
    approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-01-12")
    assert status(site)["review_due"] == "2025-07-09"
    assert approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-05-20").returncode == 0
    assert approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-05-21").returncode == 0
    row = status(site)
    assert row["review_due"] == "2025-11-16" and row["invalid_approvals"] == []


def test_a_role_the_risk_tier_does_not_need_is_refused(site: Path) -> None:
    done = approve(site, "--approver", "Mo Ethics", "--role", "legal", "--date", "2025-03-01")
    assert done.returncode == 2 and "does not hold the role 'legal'" in done.stderr
    path = site / "cards" / "fraud" / "1.0.yaml"
    path.write_text(path.read_text().replace("risk_tier: medium", "risk_tier: low"))
    done = approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-03-01")
    assert done.returncode == 2
    assert "low risk does not need the role 'responsible-ai' (needs: ml-lead)" in done.stderr


def test_incomplete_can_warn_but_approved_status_always_fails(site: Path) -> None:
    set_policy(site, "incomplete: warn")
    assert mkdocs_build(site).returncode == 0
    assert (
        "Not fully approved: missing valid approvals from ml-lead, responsible-ai"
        in (site / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    )
    assert mkdocs_build(site, "--strict").returncode != 0
    path = site / "cards" / "fraud" / "1.0.yaml"
    path.write_text(path.read_text().replace("status: in_review", "status: approved"))
    done = mkdocs_build(site)
    assert done.returncode != 0 and "missing valid approvals for medium risk" in done.stderr


def test_review_overdue_is_flagged_and_can_fail_the_build(site: Path) -> None:
    approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-01-10")
    approve(site, "--approver", "Mo Ethics", "--role", "responsible-ai", "--date", "2025-01-12")
    later = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01: 356 days after the review, past 180 days
    set_policy(site, "max_age_days: null")
    done = run_cli("status", cwd=site, env=later)
    assert "review: review overdue" in done.stdout and "review due 2025-07-09" in done.stdout
    build = mkdocs_build(site, "--strict", env=later)
    assert build.returncode == 0, build.stderr
    assert "review overdue" in (site / "site" / "models" / "index.html").read_text()
    assert (
        "Review overdue: this card was due for re-review on 2025-07-09"
        in (site / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    )
    set_policy(site, "fail_on_overdue: true")
    build = mkdocs_build(site, env=later)
    assert build.returncode != 0 and "review overdue: reviewed 2025-01-10, due 2025-07-09" in build.stderr


def test_drafts_need_no_approval_and_cannot_be_approved(site: Path) -> None:
    path = site / "cards" / "fraud" / "1.0.yaml"
    path.write_text(path.read_text().replace("status: in_review", "status: draft"))
    assert run_cli("validate", cwd=site).returncode == 0
    done = approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead")
    assert done.returncode == 2 and "drafts are not reviewed" in done.stderr


def test_a_broken_registry_is_reported_with_its_lines(site: Path) -> None:
    (site / "cards" / "APPROVERS.yaml").write_text(
        "approvers:\n  - name: Rita Reviewer\n    roles: [ml-lead]\n    keys: ['ssh-ed25519 AAAAnotakey']\n"
    )
    done = run_cli("validate", cwd=site)
    assert done.returncode == 1
    assert "cards/APPROVERS.yaml:4:12: approvers[0].keys[0]: not a usable SSH public key; paste the line" in done.stdout
    (site / "cards" / "APPROVERS.yaml").unlink()
    done = run_cli("validate", cwd=site)
    assert "cards/APPROVERS.yaml: the approvers registry does not exist" in done.stdout


def test_status_prints_one_line_per_card_version(site: Path) -> None:
    approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01")
    done = run_cli("status", cwd=site)
    assert done.returncode == 1
    assert done.stdout.strip() == (
        "fraud 1.0 | in_review | risk medium | review: approvals missing | "
        "approved 1/2 (ml-lead) | missing responsible-ai"
    )


def test_bad_policy_is_a_usage_error(site: Path) -> None:
    set_policy(site, "max_age_days: soon")
    done = run_cli("validate", cwd=site)
    assert done.returncode == 2
    assert "plugins.model-catalog.approvals.max_age_days: must be a whole number of days" in done.stderr


@pytest.mark.parametrize(
    "owner",
    [
        "{name: Priya R., email: rita+cards@example.com, team: risk}",  # plus-addressing, another form of the name
        "{name: Someone Else, email: RITA@Example.COM, team: risk}",  # case
        '{name: "RITA  re\\u200bviewer", email: other@example.org, team: risk}',  # the name, an invisible character
        "{name: Rïta Reviewer, email: r@example.org, team: risk}",  # an accent
    ],
)
def test_self_approval_is_recognised_through_variants_of_the_owner(site: Path, owner: str) -> None:
    path = site / "cards" / "fraud" / "1.0.yaml"
    path.write_text(path.read_text().replace("owners:\n", f"owners:\n  - {owner}\n", 1))
    done = approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-03-01")
    assert done.returncode == 2
    assert "Rita Reviewer owns this card and cannot approve it (self-approval is off in the policy)" in done.stderr


@pytest.mark.parametrize(
    ("second", "what"),
    [
        ("{{name: Rita Two, email: rita2@example.com, roles: [legal], keys: ['{key}']}}", "keys[0]: this SSH key"),
        ("{{name: Rita Two, email: RITA+legal@example.com, roles: [legal]}}", "email: the e-mail address"),
        ("{{name: 'rita  REVIEWER', email: r2@example.com, roles: [legal]}}", "name: the name"),
    ],
)
def test_one_person_under_two_registry_entries_is_a_registry_error(site: Path, second: str, what: str) -> None:
    registry = site / "cards" / "APPROVERS.yaml"
    rita_key = (site / "keys" / "rita.pub").read_text().strip()
    registry.write_text(registry.read_text() + "  - " + second.format(key=rita_key) + "\n")
    done = run_cli("validate", cwd=site)
    assert done.returncode == 1
    assert "cards/APPROVERS.yaml:5:" in done.stdout and f"approvers[3].{what}" in done.stdout
    assert "is also listed for approvers[0] (Rita Reviewer); one person is one entry" in done.stdout


def test_an_approval_dated_before_the_card_was_created_does_not_count(site: Path) -> None:
    path = site / "cards" / "fraud" / "1.0.yaml"
    assert "created: 2025-01-10" in path.read_text()
    done = approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-01-09")
    assert done.returncode == 2
    assert "not approved: dated 2025-01-09, before the card was created (2025-01-10); approve it again" in done.stderr
    assert approve(site, "--approver", "Rita Reviewer", "--role", "ml-lead", "--date", "2025-01-10").returncode == 0


def test_a_warning_in_strict_mode_fails_before_the_old_site_is_touched(site: Path) -> None:
    set_policy(site, "incomplete: warn")
    assert mkdocs_build(site).returncode == 0
    (site / "site" / "sentinel").write_text("old")
    done = mkdocs_build(site, "--strict")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "model-catalog: 1 warning(s), which fail the build in strict mode:" in done.stderr
    assert "missing valid approvals for medium risk: ml-lead, responsible-ai" in done.stderr
    assert (site / "site" / "sentinel").read_text() == "old"
