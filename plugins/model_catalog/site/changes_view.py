"""What the site says of changes, from the cards themselves, by the same diff ``model-catalog diff`` makes (no
hand-written changelog is needed): a card page counts what changed since the version before, by class, and lists
its governance changes; the model's latest version counts each version's changes in its list of versions; the
model's compare page lists every change of every version. A card page stays under 30 KB, however much a version
rewrites. From the cards themselves, by the same diff ``model-catalog diff`` makes:
no hand-written changelog is needed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from model_catalog.cards.model import Card
from model_catalog.cards.schema import CardSchema
from model_catalog.changes.semantic import LEVELS, Change, card_changes
from model_catalog.site.formatting import iso_date

LEVEL_TITLES = {
    "governance": "Governance: status, risk tier, owners, license",
    "material": "What the card claims",
    "editorial": "Wording",
}
FIELD_TITLES = {
    "intended_use.primary_uses": "Primary uses",
    "intended_use.primary_users": "Primary users",
    "intended_use.out_of_scope": "Out-of-scope uses",
    "factors.relevant": "Relevant factors",
    "factors.evaluation": "Evaluation factors",
    "ethical_considerations": "Ethical considerations",
    "caveats_and_recommendations": "Caveats and recommendations",
    "evaluation_data": "Evaluation data",
    "training_data": "Training data",
    "limitations": "Limitations",
    "metrics": "Metrics",
    "risk_tier": "Risk tier",
}
"""Sections as the card page names them; other fields are shown by their name in the card format."""
SHOWN_PER_CLASS = 3
"""Governance changes a card page lists; it counts the others, and the model's compare page lists every change:
each card page stays under 30 KB, however much a version rewrites."""


@dataclass
class ChangeLine:
    field: str
    text: str
    kind: str


@dataclass
class VersionChanges:
    """What changed from ``previous`` to ``version``, every change grouped by class, most important first."""

    version: str
    href: str
    """This version's page."""
    previous: str
    previous_href: str
    updated: str
    compare_href: str | None
    groups: list[tuple[str, str, list[ChangeLine], int]] = field(default_factory=list)
    """(class, its title, the changes listed, how many in all)."""

    def counts(self) -> list[tuple[str, int]]:
        return [(level, total) for level, _, _, total in self.groups]

    def summary(self) -> str:
        """``3 governance, 57 material, 10 editorial since 1.0``."""
        counted = ", ".join(f"{total} {level}" for level, total in self.counts()) or "no change to the content"
        return f"{counted} since {self.previous}"

    @property
    def governance(self) -> list[ChangeLine]:
        """The governance changes (status, risk tier, owners, license): the few a card page lists."""
        return next((lines for level, _, lines, _ in self.groups if level == "governance"), [])


_MEMO: dict[tuple[str, str, str], list[Change]] = {}
"""The changes between two cards, by their fingerprints and the schema's digest: a pair is shown on the newer
card's page, counted on the latest version's and listed on the compare page, so made once per process."""
MEMO_SIZE = 65536


def _changes_between(previous: Card, card: Card, schema: CardSchema) -> list[Change]:
    if not (previous.fingerprint and card.fingerprint):  # a card made in code has none: nothing to key it by
        return card_changes(previous.data, card.data, schema)
    key = (previous.fingerprint, card.fingerprint, schema.digest)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= MEMO_SIZE:  # bounded: a catalog's pairs are read in model order, so old ones are done
            _MEMO.clear()
        found = _MEMO[key] = card_changes(previous.data, card.data, schema)
    return found


def _line(change: Change) -> ChangeLine:
    title = FIELD_TITLES.get(change.field, change.field)
    return ChangeLine(title, change.what, change.kind)


def version_changes(
    previous: Card,
    card: Card,
    schema: CardSchema,
    *,
    href: Callable[[Card], str],
    compare_href: Callable[[Card, Card], str | None],
) -> VersionChanges:
    changes = _changes_between(previous, card, schema)
    view = VersionChanges(
        card.version,
        href(card),
        previous.version,
        href(previous),
        iso_date(card.data.get("updated") or card.data.get("created")),
        compare_href(previous, card),
    )
    for level in reversed(LEVELS):
        of_level = [change for change in changes if change.level == level]
        if of_level:
            view.groups.append((level, LEVEL_TITLES[level], [_line(change) for change in of_level], len(of_level)))
    return view


def change_history(
    versions: list[Card],
    schema: CardSchema,
    *,
    href: Callable[[Card], str],
    compare_href: Callable[[Card, Card], str | None],
) -> list[VersionChanges]:
    """Each version's changes from the one before, newest first (``versions`` newest first, as the catalog has them)."""
    return [
        version_changes(older, newer, schema, href=href, compare_href=compare_href)
        for newer, older in itertools.pairwise(versions)
    ]
