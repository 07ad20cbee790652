"""What a card page says of changes: what changed since the version before, and (on the model's page, its latest
version's) the history of every version: the newest change in full, the others as a line each, since each
version's own page has its changes in full (a model of many versions keeps a page of bounded size). From the cards themselves, by the same diff ``model-catalog diff`` makes:
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
SHOWN_PER_CLASS = 8
"""Changes of one class listed on a card page; the others are counted, and the compare page shows them all: a
version that rewrites its whole card keeps a page of bounded size."""


@dataclass
class ChangeLine:
    field: str
    text: str
    kind: str


@dataclass
class VersionChanges:
    """What changed from ``previous`` to ``version``, grouped by class, most important first."""

    version: str
    href: str
    """This version's page, whose "What changed" section has every change in full."""
    previous: str
    previous_href: str
    updated: str
    compare_href: str | None
    groups: list[tuple[str, str, list[ChangeLine], int]] = field(default_factory=list)
    """(class, its title, the changes listed, how many in all)."""

    def counts(self) -> list[tuple[str, int]]:
        return [(level, total) for level, _, _, total in self.groups]


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
    changes = card_changes(previous.data, card.data, schema)
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
            shown = [_line(change) for change in of_level[:SHOWN_PER_CLASS]]
            view.groups.append((level, LEVEL_TITLES[level], shown, len(of_level)))
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
