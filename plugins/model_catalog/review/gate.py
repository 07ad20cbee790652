"""Whether a card's approvals count under the policy: the review gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from model_catalog.cards.model import Card
from model_catalog.cards.values import parse_isodate
from model_catalog.config.settings import ApprovalPolicy
from model_catalog.errors import CardError
from model_catalog.review.registry import Approver, Registry, email_key, name_key
from model_catalog.review.signatures import approval_message, verify

EXEMPT_FROM_AGE = frozenset({"deprecated", "retired"})
"""Statuses whose approvals do not expire and that are never due for re-review."""


@dataclass(frozen=True)
class ContentAuthor:
    """Someone who changed a card's content since the trusted base: the author of a commit (or of the working
    tree's changes) after which the card's digest differs."""

    name: str
    email: str
    commit: str
    """The commit's id, or ``working tree``."""


@dataclass
class ApprovalCheck:
    """One entry of a card's ``approvals`` and whether it counts."""

    index: int
    approver: str
    role: str
    date: str
    signed: bool
    verified: bool
    problem: str | None = None

    @property
    def counts(self) -> bool:
        return self.problem is None


@dataclass
class ReviewState:
    """The review of one card version under the policy."""

    required_roles: tuple[str, ...]
    checks: list[ApprovalCheck] = field(default_factory=list)
    missing_roles: list[str] = field(default_factory=list)
    reviewed_on: dt.date | None = None
    review_due: dt.date | None = None
    overdue: bool = False
    checked: bool = True
    """False for drafts, whose approvals are not evaluated."""

    @property
    def complete(self) -> bool:
        return self.checked and not self.missing_roles

    @property
    def label(self) -> str:
        """``draft``, ``approvals missing``, ``review overdue`` or ``approved``: the index facet."""
        if not self.checked:
            return "draft"
        if self.missing_roles:
            return "approvals missing"
        return "review overdue" if self.overdue else "approved"

    @property
    def invalid(self) -> list[ApprovalCheck]:
        return [check for check in self.checks if not check.counts]


def _problem(
    card: Card,
    approval: dict[str, Any],
    digest: str,
    policy: ApprovalPolicy,
    registry: Registry,
    today: dt.date,
    seen: dict[str, tuple[int, str]],
    authors: tuple[ContentAuthor, ...],
) -> tuple[str | None, bool]:
    """Why an approval does not count (None when it counts), and whether its signature verified."""
    name, role = str(approval["approver"]), str(approval["role"])
    date = parse_isodate(approval["date"])
    signature = approval.get("signature")
    approver = registry.get(name)
    verified = False
    if signature and approver is not None:
        message = approval_message(
            card.id,
            card.version,
            str(approval["digest"]),
            name,
            role,
            date.isoformat() if date else str(approval["date"]),
        )
        verified = verify(message, str(signature), list(approver.keys))
    if approval["digest"] != digest:
        return (
            f"stale: the card changed after {name} approved it (approved {approval['digest'][:19]}…, "
            f"now {digest[:19]}…); approve it again"
        ), verified
    if approver is None:
        return f"{name!r} is not in the approvers registry ({registry.source})", verified
    if role not in approver.roles:
        return f"{name} does not hold the role {role!r} (holds: {', '.join(sorted(approver.roles))})", verified
    if not policy.allow_self_approval and is_owner(approver, card):
        return f"{name} owns this card and cannot approve it (self-approval is off in the policy)", verified
    author = None if policy.allow_self_approval else authored_by(approver, authors)
    if author is not None:
        commit = author.commit if author.commit == "working tree" else f"commit {author.commit[:12]}"
        return (
            f"{name} changed this card's content ({commit}, as {author.name} <{author.email}>) and cannot approve "
            "that change (self-approval is off in the policy); another holder of the role must approve it"
        ), verified
    if date is not None and date > today + dt.timedelta(days=1):  # a day of slack for approvers east of UTC
        return f"dated {date}, which is in the future", verified
    if (
        date is not None
        and policy.max_age_days
        and card.status not in EXEMPT_FROM_AGE
        and (today - date).days > policy.max_age_days
    ):
        return (f"dated {date}, older than the maximum age of {policy.max_age_days} days; approve it again"), verified
    created = parse_isodate(card.data.get("created"))
    if date is not None and created is not None and date < created:
        return f"dated {date}, before the card was created ({created}); approve it again", verified
    if signature and not verified:
        return f"the signature does not verify against {name}'s registered keys", verified
    if not signature and policy.require_signatures:
        return "unsigned, but the policy requires signatures; approve it again with --key", verified
    if name in seen and seen[name][1] != role:
        return (
            f"{name} already approved this card as {seen[name][1]} (approvals[{seen[name][0]}]); one person counts once"
        ), verified
    return None, verified


def is_owner(approver: Approver, card: Card) -> bool:
    """Whether the approver is among the card's owners: by e-mail address (:func:`~model_catalog.registry.email_key`)
    or by name (:func:`~model_catalog.registry.name_key`).

    The owners are written by the card's author, so this catches an author who lists themselves under a variant of
    their address or name; it cannot catch an owner left out of ``owners`` or a different address altogether.
    """
    names = {name_key(approver.name)}
    for owner in card.data.get("owners", []):
        if approver.email and email_key(owner.get("email", "")) == approver.email:
            return True
        if name_key(owner.get("name", "")) in names:
            return True
    return False


def authored_by(approver: Approver, authors: tuple[ContentAuthor, ...]) -> ContentAuthor | None:
    """The first of ``authors`` who is ``approver``: by e-mail address, or by name (folded as the registry folds
    them). git identities are whatever the committer configured, so this catches an author approving their own
    change under their registry identity, not one committing under a name and address that are not theirs."""
    name = name_key(approver.name)
    for author in authors:
        if (approver.email and email_key(author.email) == approver.email) or name_key(author.name) == name:
            return author
    return None


def review_card(
    card: Card,
    policy: ApprovalPolicy,
    registry: Registry,
    today: dt.date,
    authors: tuple[ContentAuthor, ...] = (),
) -> ReviewState:
    """Evaluate every approval of ``card`` and what its risk tier still needs; ``authors`` changed its content
    since the trusted base (with git history at hand) and cannot approve it."""
    required = policy.roles_for(card.data.get("risk_tier"))
    state = ReviewState(required)
    if card.is_draft:
        state.checked = False
        return state
    digest = card.digest
    seen: dict[str, tuple[int, str]] = {}
    counted: dict[str, dt.date] = {}
    for index, approval in enumerate(card.data.get("approvals", [])):
        problem, verified = _problem(card, approval, digest, policy, registry, today, seen, authors)
        date = parse_isodate(approval["date"])
        check = ApprovalCheck(
            index,
            str(approval["approver"]),
            str(approval["role"]),
            date.isoformat() if date else str(approval["date"]),
            bool(approval.get("signature")),
            verified,
            problem,
        )
        state.checks.append(check)
        if check.counts:
            seen.setdefault(check.approver, (index, check.role))
            # Approving again (a re-review) renews the role: its latest approval counts.
            if check.role in required and date is not None and date >= counted.get(check.role, date):
                counted[check.role] = date
    state.missing_roles = [role for role in required if role not in counted]
    if counted and not state.missing_roles:
        state.reviewed_on = min(counted.values())
        if policy.review_interval_days and card.status not in EXEMPT_FROM_AGE:
            state.review_due = state.reviewed_on + dt.timedelta(days=policy.review_interval_days)
            state.overdue = today > state.review_due
    return state


def review_errors(card: Card, state: ReviewState, policy: ApprovalPolicy) -> list[CardError]:
    """The gate: errors (or warnings, where the policy says so) for one card's review state."""
    if not state.checked:
        return []
    blocking = not state.complete
    severity = "error" if card.status == "approved" or policy.incomplete == "error" else "warning"
    found = []
    renewed = {(check.approver, check.role) for check in state.checks if check.counts}
    for check in state.invalid:
        if not blocking and (check.approver, check.role) in renewed:
            continue  # an old approval its author has since renewed: history, not a problem
        line, column = card.where(("approvals", check.index))
        found.append(
            CardError(
                card.source,
                line,
                column,
                f"approvals[{check.index}]",
                f"does not count: {check.problem}",
                severity if blocking else "warning",
            )
        )
    if state.missing_roles:
        line, column = (
            card.where(("approvals",), key=True) if "approvals" in card.data else card.where(("risk_tier",), key=True)
        )
        roles = ", ".join(state.missing_roles)
        tier = card.data.get("risk_tier")
        found.append(
            CardError(
                card.source,
                line,
                column,
                "approvals",
                f"missing valid approvals for {tier} risk: {roles}; "
                f"run `model-catalog approve {card.source} --approver NAME --role ROLE`",
                severity,
            )
        )
    if state.overdue:
        found.append(
            CardError(
                card.source,
                *card.where(("approvals",), key=True),
                "approvals",
                f"review overdue: reviewed {state.reviewed_on}, due {state.review_due}",
                "error" if policy.fail_on_overdue else "notice",
            )
        )
    return found
