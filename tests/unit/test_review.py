"""The review gate, in process: each reason an approval does not count, what a risk tier still needs, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from model_catalog.cards.model import Card
from model_catalog.config.settings import ApprovalPolicy
from model_catalog.review.gate import review_card, review_errors
from model_catalog.review.registry import Approver, Registry, email_key, load_registry, name_key

TODAY = dt.date(2025, 6, 1)
REGISTRY = Registry(
    "APPROVERS.yaml",
    {
        "Rita Reviewer": Approver("Rita Reviewer", "rita@example.com", frozenset({"ml-lead"})),
        "Mo Ethics": Approver("Mo Ethics", "mo@example.com", frozenset({"ml-lead", "responsible-ai"})),
        "Ada Lovelace": Approver("Ada Lovelace", "ada@example.com", frozenset({"ml-lead"})),
    },
)


def a_card(
    approvals: list[tuple[str, str, str]], *, risk: str = "medium", status: str = "in_review", **fields: Any
) -> Card:
    data = {
        "id": "fraud",
        "name": "Fraud",
        "version": "1.0",
        "status": status,
        "risk_tier": risk,
        "created": dt.date(2025, 1, 10),
        "owners": [{"name": "Ada Lovelace", "email": "ada@example.com"}],
        **fields,
    }
    card = Card(Path("/cards/fraud/1.0.yaml"), "cards/fraud/1.0.yaml", data)
    card.data["approvals"] = [
        {"approver": who, "role": role, "date": dt.date.fromisoformat(date), "digest": card.digest}
        for who, role, date in approvals
    ]
    return card


def problems(card: Card, policy: ApprovalPolicy | None = None) -> list[str | None]:
    return [check.problem for check in review_card(card, policy or ApprovalPolicy(), REGISTRY, TODAY).checks]


def test_the_roles_of_the_risk_tier_approve_it() -> None:
    state = review_card(
        a_card([("Rita Reviewer", "ml-lead", "2025-03-01"), ("Mo Ethics", "responsible-ai", "2025-03-02")]),
        ApprovalPolicy(),
        REGISTRY,
        TODAY,
    )
    assert state.complete and state.label == "approved" and state.reviewed_on == dt.date(2025, 3, 1)
    assert state.review_due == dt.date(2026, 3, 1) and not state.overdue


@pytest.mark.parametrize(
    ("approval", "problem"),
    [
        (("Zed Unknown", "ml-lead", "2025-03-01"), "'Zed Unknown' is not in the approvers registry (APPROVERS.yaml)"),
        (("Rita Reviewer", "legal", "2025-03-01"), "Rita Reviewer does not hold the role 'legal' (holds: ml-lead)"),
        (("Ada Lovelace", "ml-lead", "2025-03-01"), "Ada Lovelace owns this card and cannot approve it"),
        (("Rita Reviewer", "ml-lead", "2025-06-03"), "dated 2025-06-03, which is in the future"),
        (("Rita Reviewer", "ml-lead", "2025-01-09"), "dated 2025-01-09, before the card was created (2025-01-10)"),
    ],
)
def test_each_reason_an_approval_does_not_count(approval: tuple[str, str, str], problem: str) -> None:
    assert problem in (problems(a_card([approval]))[0] or "")


def test_a_changed_card_makes_its_approvals_stale() -> None:
    card = a_card([("Rita Reviewer", "ml-lead", "2025-03-01")])
    changed = Card(card.path, card.source, {**card.data, "summary": "Now also scores businesses."})
    assert problems(changed)[0].startswith("stale: the card changed after Rita Reviewer approved it")
    approved = Card(card.path, card.source, {**card.data, "status": "approved"})  # the status is not content
    assert problems(approved) == [None]


def test_the_policy_decides_age_signatures_and_self_approval() -> None:
    card = a_card([("Rita Reviewer", "ml-lead", "2025-03-01"), ("Ada Lovelace", "ml-lead", "2025-03-01")])
    assert problems(card, ApprovalPolicy(max_age_days=30))[0] == (
        "dated 2025-03-01, older than the maximum age of 30 days; approve it again"
    )
    assert problems(card, ApprovalPolicy(require_signatures=True))[0] == (
        "unsigned, but the policy requires signatures; approve it again with --key"
    )
    assert problems(card, ApprovalPolicy(allow_self_approval=True)) == [None, None]
    retired = a_card([("Rita Reviewer", "ml-lead", "2024-01-01")], status="retired", created=dt.date(2023, 1, 1))
    assert problems(retired, ApprovalPolicy(max_age_days=30)) == [None]  # retired cards' approvals do not expire


def test_one_person_counts_once_and_approving_again_renews() -> None:
    card = a_card([("Mo Ethics", "ml-lead", "2025-02-01"), ("Mo Ethics", "responsible-ai", "2025-02-01")])
    state = review_card(card, ApprovalPolicy(), REGISTRY, TODAY)
    assert state.missing_roles == ["responsible-ai"]
    assert (
        state.checks[1].problem
        == "Mo Ethics already approved this card as ml-lead (approvals[0]); one person counts once"
    )
    renewed = a_card(
        [("Rita Reviewer", "ml-lead", "2024-06-01"), ("Rita Reviewer", "ml-lead", "2025-05-01")], risk="low"
    )
    assert review_card(renewed, ApprovalPolicy(), REGISTRY, TODAY).reviewed_on == dt.date(2025, 5, 1)


def test_the_gate_turns_the_review_into_errors_warnings_and_notices() -> None:
    missing = a_card([("Rita Reviewer", "ml-lead", "2025-03-01")])
    state = review_card(missing, ApprovalPolicy(), REGISTRY, TODAY)
    [error] = review_errors(missing, state, ApprovalPolicy())
    assert (error.severity, error.path) == ("error", "approvals")
    assert error.message.startswith(
        "missing valid approvals for medium risk: responsible-ai; run `model-catalog approve"
    )
    assert [e.severity for e in review_errors(missing, state, ApprovalPolicy(incomplete="warn"))] == ["warning"]
    approved = a_card([("Rita Reviewer", "ml-lead", "2025-03-01")], status="approved")
    state = review_card(approved, ApprovalPolicy(), REGISTRY, TODAY)
    assert [e.severity for e in review_errors(approved, state, ApprovalPolicy(incomplete="warn"))] == ["error"]
    old = a_card([("Rita Reviewer", "ml-lead", "2024-01-20")], risk="low", created=dt.date(2024, 1, 2))
    state = review_card(old, ApprovalPolicy(), REGISTRY, TODAY)
    assert state.overdue and [e.severity for e in review_errors(old, state, ApprovalPolicy())] == ["notice"]
    assert [e.severity for e in review_errors(old, state, ApprovalPolicy(fail_on_overdue=True))] == ["error"]
    draft = a_card([], status="draft")
    assert review_card(draft, ApprovalPolicy(), REGISTRY, TODAY).label == "draft"


@pytest.mark.parametrize(
    ("variant", "key", "same"),
    [
        ("Priya.Raman+cards@ACME.example", email_key, "priya.raman@acme.example"),
        ("  Priya\u200b  RAMAN ", name_key, "priya raman"),
        ("Rïta Reviewer", name_key, "rita reviewer"),
        ("Ｐｒｉｙａ", name_key, "priya"),
    ],
)
def test_identities_fold_what_does_not_identify_a_person(variant: str, key: Any, same: str) -> None:
    assert key(variant) == same
    assert email_key("priya.raman@acme.example") != email_key("priyaraman@acme.example")  # dots are kept


def test_the_registry_is_one_entry_per_person(tmp_path: Path) -> None:
    path = tmp_path / "APPROVERS.yaml"
    path.write_text(
        "approvers:\n"
        "  - {name: Rita Reviewer, email: rita@example.com, roles: [ml-lead]}\n"
        "  - {name: Rita R., email: Rita+legal@example.com, roles: [legal]}\n"
        "  - {name: 'rita  reviewer', email: r2@example.com, roles: [legal]}\n"
    )
    registry = load_registry(path, "APPROVERS.yaml")
    assert [(e.line, e.path) for e in registry.errors] == [(3, "approvers[1].email"), (4, "approvers[2].name")]
    assert all("is also listed for approvers[0] (Rita Reviewer)" in e.message for e in registry.errors)
