"""What a change does to a catalog: per card version, what changed, and what it now needs from reviewers.

Two checked catalogs (the base's and the head's, each read, validated and reviewed as ``validate`` does) are
paired file by file: a card at the same path is the same card (its id or version may have changed: a rename);
a card that moved keeps its id and version; the rest are added or removed. An added version is compared with
the model's newest earlier version, so that a new version shows what it changes, not everything it says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from model_catalog.cards.model import Card, version_key
from model_catalog.cards.schema import CardSchema
from model_catalog.changes.semantic import LEVELS, Change, card_changes, level_of, short
from model_catalog.config.settings import ApprovalPolicy
from model_catalog.review.gate import ReviewState, is_owner, review_card
from model_catalog.review.registry import Registry

STATES = ("added", "removed", "renamed", "modified", "invalid")


@dataclass(frozen=True)
class RoleNeed:
    """A role a card version needs approved, and who in the registry may approve it."""

    role: str
    approvers: tuple[str, ...]


@dataclass
class CardDiff:
    """One card version in the change."""

    state: str
    """``added``, ``removed``, ``renamed`` (moved, or its id or version changed), ``modified`` or ``invalid``
    (the head's file does not validate: ``validate`` says why)."""
    id: str
    version: str
    name: str
    old_source: str | None
    new_source: str | None
    compared_with: str | None = None
    """For an added version: the earlier version it is compared with."""
    changes: list[Change] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)
    """Approvals (approver, role) that counted before and are stale now: the content they approved changed."""
    needs: list[RoleNeed] = field(default_factory=list)
    """Roles still to approve the head's card, with who may."""
    new: Card | None = field(default=None, repr=False)

    @property
    def level(self) -> str:
        """The class of the whole entry: its most important change; a removal, a rename of its id or version
        and an entry that needs approvals are governance."""
        if self.state == "removed" or self.needs or self.stale:
            return "governance"
        return level_of(self.changes) or "editorial"

    @property
    def title(self) -> str:
        """``fraud 1.0``; the file, for one that does not validate."""
        return f"{self.id} {self.version}" if self.id else self.name

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "level": self.level,
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "old_source": self.old_source,
            "new_source": self.new_source,
            "compared_with": self.compared_with,
            "changes": [change.as_json() for change in self.changes],
            "stale_approvals": [{"approver": approver, "role": role} for approver, role in self.stale],
            "needs_approval": [{"role": need.role, "approvers": list(need.approvers)} for need in self.needs],
        }


@dataclass
class Side:
    """One end of the change: its cards (checked), their reviews, and the registry and policy they were judged by."""

    label: str
    cards: list[Card]
    reviews: dict[tuple[str, str], ReviewState]
    invalid: set[str] = field(default_factory=set)
    """Card files that do not validate on this side."""


@dataclass
class CatalogDiff:
    base: str
    head: str
    cards: list[CardDiff] = field(default_factory=list)
    governance: list[Change] = field(default_factory=list)
    """Changes to what judges the cards: the registry, the policy, the schema extension, the templates."""

    @property
    def changed(self) -> bool:
        return bool(self.cards or self.governance)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(reversed(LEVELS), 0)
        for entry in self.cards:
            found[entry.level] += 1
        return found

    def as_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "head": self.head,
            "counts": self.counts(),
            "governance": [change.as_json() for change in self.governance],
            "cards": [entry.as_json() for entry in self.cards],
        }


def _needs(card: Card, state: ReviewState | None, registry: Registry, policy: ApprovalPolicy) -> list[RoleNeed]:
    if state is None or not state.checked:
        return []
    found = []
    for role in state.missing_roles:
        approvers = [
            approver.name
            for approver in registry.approvers.values()
            if role in approver.roles and (policy.allow_self_approval or not is_owner(approver, card))
        ]
        found.append(RoleNeed(role, tuple(sorted(approvers))))
    return found


def _stale(
    old: Card, new: Card, old_review: ReviewState | None, new_review: ReviewState | None
) -> list[tuple[str, str]]:
    if old.digest == new.digest or old_review is None or new_review is None:
        return []
    counted = {(check.approver, check.role) for check in old_review.checks if check.counts}
    still = {(check.approver, check.role) for check in new_review.checks if check.counts}
    return sorted(counted - still)


def _tier_change(old: Card, new: Card, policy: ApprovalPolicy) -> Change | None:
    before, after = old.data.get("risk_tier"), new.data.get("risk_tier")
    if before == after:
        return None
    roles = policy.roles_for(after)
    added = [role for role in roles if role not in policy.roles_for(before)]
    needs = f"; {after} risk needs {', '.join(roles) or 'no role'}" + (f" (new: {', '.join(added)})" if added else "")
    return Change(
        "governance",
        "changed",
        "risk_tier",
        f"risk_tier: {short(before)} → {short(after)}{needs}",
        ("risk_tier",),
        before,
        after,
        {"roles": list(roles), "new_roles": added},
    )


def _with_tier(changes: list[Change], old: Card, new: Card, policy: ApprovalPolicy) -> list[Change]:
    """``changes`` with the risk tier's change first and saying which roles the new tier needs."""
    tier = _tier_change(old, new, policy)
    return changes if tier is None else [tier, *(c for c in changes if c.field != "risk_tier")]


def _identity_changes(old: Card, new: Card) -> list[Change]:
    found = []
    for name in ("id", "version"):
        if old.data[name] != new.data[name]:
            found.append(
                Change(
                    "governance",
                    "changed",
                    name,
                    f"{name}: {short(old.data[name])} → {short(new.data[name])} (its pages move to new URLs)",
                    (name,),
                    old.data[name],
                    new.data[name],
                )
            )
    if old.source != new.source:
        found.append(
            Change("editorial", "changed", "file", f"file: {old.source} → {new.source}", (), old.source, new.source)
        )
    return found


def diff_catalogs(
    base: Side,
    head: Side,
    *,
    policy: ApprovalPolicy,
    registry: Registry,
    schema: CardSchema,
    today: dt.date,
) -> CatalogDiff:
    """Every card version the change adds, removes, renames or modifies, with its changes and what it needs.

    ``policy`` and ``registry`` are the ones the change is judged by (the base's, when it is trusted).
    """
    diff = CatalogDiff(base.label, head.label)
    old_by_path = {card.source: card for card in base.cards}
    base_paths = set(old_by_path)
    new_by_path = {card.source: card for card in head.cards}
    pairs: list[tuple[Card | None, Card | None]] = []
    for path, card in new_by_path.items():
        if path in old_by_path:
            pairs.append((old_by_path.pop(path), card))
    unpaired_new = [card for path, card in new_by_path.items() if path not in base_paths]
    old_by_key = {card.key: card for card in old_by_path.values()}
    for card in unpaired_new:
        moved = old_by_key.pop(card.key, None)
        if moved is not None:
            del old_by_path[moved.source]
        pairs.append((moved, card))
    pairs.extend((card, None) for card in old_by_path.values())

    def review_of(card: Card) -> ReviewState:
        return review_card(card, policy, registry, today)

    head_versions: dict[str, list[Card]] = {}
    for card in head.cards:
        head_versions.setdefault(card.id, []).append(card)
    for old, new in pairs:
        if new is None:
            assert old is not None
            state = "invalid" if old.source in head.invalid else "removed"
            summary = (
                f"{old.source} does not validate any more; `model-catalog validate` says why"
                if state == "invalid"
                else f"removed: {old.name} {old.version} leaves the catalog, and its pages their URLs"
            )
            level = "governance"
            entry = CardDiff(state, old.id, old.version, old.name, old.source, None)
            entry.changes.append(Change(level, state, "file", summary, (), old.source, None))
            diff.cards.append(entry)
            continue
        new_review = review_of(new)
        if old is None:
            earlier = sorted(
                (c for c in head_versions.get(new.id, []) if version_key(c.version) < version_key(new.version)),
                key=lambda c: version_key(c.version),
            )
            previous = earlier[-1] if earlier else None
            entry = CardDiff("added", new.id, new.version, new.name, None, new.source, new=new)
            if previous is not None:
                entry.compared_with = previous.version
                entry.changes = _with_tier(card_changes(previous.data, new.data, schema), previous, new, policy)
            else:
                entry.changes.append(
                    Change(
                        "material",
                        "added",
                        "file",
                        f"new model: {len(new.data.get('metrics', []))} metric(s), risk tier "
                        f"{new.data.get('risk_tier', 'not set')}",
                        (),
                        None,
                        new.source,
                    )
                )
            entry.needs = _needs(new, new_review, registry, policy)
            diff.cards.append(entry)
            continue
        changes = _with_tier(
            [*_identity_changes(old, new), *card_changes(old.data, new.data, schema)], old, new, policy
        )
        old_review = base.reviews.get(old.key) or review_card(old, policy, registry, today)
        stale = _stale(old, new, old_review, new_review)
        if not changes and not stale and old.data.get("approvals") == new.data.get("approvals"):
            continue
        renamed = old.source != new.source or old.key != new.key
        entry = CardDiff(
            "renamed" if renamed else "modified",
            new.id,
            new.version,
            new.name,
            old.source,
            new.source,
            changes=changes,
            stale=stale,
            new=new,
        )
        entry.needs = _needs(new, new_review, registry, policy) if (changes or stale) else []
        _approval_changes(entry, old, new)
        if entry.changes or entry.stale or entry.needs:
            diff.cards.append(entry)
    for source in sorted(head.invalid - base.invalid - {entry.new_source for entry in diff.cards if entry.new_source}):
        if source not in {entry.old_source for entry in diff.cards}:
            entry = CardDiff("invalid", "", "", source, None, source)
            entry.changes.append(
                Change(
                    "governance",
                    "invalid",
                    "file",
                    f"{source} does not validate; `model-catalog validate` says why",
                    (),
                )
            )
            diff.cards.append(entry)
    diff.cards.sort(key=lambda entry: (-LEVELS.index(entry.level), entry.id, version_key(entry.version)))
    return diff


def _approval_changes(entry: CardDiff, old: Card, new: Card) -> None:
    """Approvals added or removed by the change: governance, since they decide what is published."""

    def approvals(card: Card) -> list[dict[str, str]]:
        return [
            {"approver": a["approver"], "role": a["role"], "date": str(a["date"])}
            for a in card.data.get("approvals", [])
        ]

    before, after = approvals(old), approvals(new)
    for kind, items, others in (("added", after, before), ("removed", before, after)):
        for item in items:
            if item in others:
                continue
            approver, role, date = item["approver"], item["role"], item["date"]
            summary = (
                f"{approver} approved as {role} on {date}"
                if kind == "added"
                else f"removed {approver}'s approval as {role} ({date})"
            )
            old_value, new_value = (None, item) if kind == "added" else (item, None)
            entry.changes.append(
                Change("governance", kind, "approvals", f"approvals: {summary}", ("approvals",), old_value, new_value)
            )
