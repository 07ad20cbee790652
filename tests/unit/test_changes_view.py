"""What card pages say of changes (site/changes_view.py, partials/changes.html), rendered from real cards."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from helpers import CARD
from model_catalog.cards.loader import load_card
from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.site.changes_view import change_history
from model_catalog.site.templates import TemplateRenderer
from model_catalog.site.views import card_view


def versions(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> list[Card]:
    """Versions of one model, oldest first: each the one before with its edits (old text, new text)."""
    text = CARD.format(id="fraud", name="Fraud", version="{version}", status="in_review")
    cards = []
    for version, changes in edits.items():
        for old, new in changes:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / f"{version}.yaml"
        path.write_text(text.replace("{version}", version))
        cards.append(load_card(path))
    return cards


def page(cards: list[Card], current: Card) -> str:
    view = card_view(
        current,
        Catalog(cards=cards),
        page_url=lambda card: f"models/{card.id}/{card.version}/",
        export_urls=lambda card: {"json": "card.json", "huggingface": "README.txt", "cyclonedx": "bom.json"},
        href=lambda target: target,
        include_drafts=True,
        edit_url=None,
        compare_href=lambda old, new: f"models/{new.id}/compare/?a={old.version}&b={new.version}",
    )
    return TemplateRenderer().render("card.html", view=view, card=view.data)


def text(html: str) -> str:
    """What a reader sees: tags out, entities read, no space left inside brackets or before punctuation."""
    shown = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([).,:])", r"\1", shown))


EDITS = {
    "1.0": [],
    "1.1": [("risk_tier: low", "risk_tier: medium"), ("[Unseen merchants are scored poorly]",
            "[Unseen merchants are scored poorly, Refunds are not scored]")],
    "2.0": [("Flags risky payments.", "Flags risky card payments.")],
}  # fmt: skip


def test_a_version_counts_what_changed_and_lists_its_governance_changes(tmp_path: Path) -> None:
    cards = versions(tmp_path, EDITS)
    shown = text(page(cards, cards[1]))
    assert "Changed from version 1.0: 1 governance, 1 material (every change)." in shown
    assert 'Risk tier: "low" → "medium"' in shown
    assert "Refunds are not scored" not in shown.split("Versions", 1)[1], "material changes are counted, not listed"
    assert "Changed from" not in text(page(cards, cards[0])), "the first version has nothing to compare with"
    html = page(cards, cards[1])
    assert '(<a href="models/fraud/compare/?a=1.0&amp;b=1.1">every change</a>)' in html


def test_the_latest_version_counts_each_versions_changes_in_its_list(tmp_path: Path) -> None:
    cards = versions(tmp_path, EDITS)
    shown = text(page(cards, cards[2]))
    assert "Changed from version 1.1: 1 editorial (every change)." in shown
    assert "1.1 In review, updated 2025-02-01: 1 governance, 1 material since 1.0" in shown
    assert "2.0 In review latest, updated 2025-02-01 1.1" in shown, "the page's own version is counted above"
    older = text(page(cards, cards[1]))
    assert "2.0 In review latest, updated 2025-02-01 1.1 In review" in older, "counted on the latest page only"


def test_the_compare_page_lists_every_change_of_every_version(tmp_path: Path) -> None:
    limitations = ", ".join(f"Limitation number {n} of many" for n in range(12))
    many = [("Refunds are not scored]", f"Refunds are not scored, {limitations}]")]
    cards = versions(tmp_path, {**EDITS, "2.1": many})
    newest_first = list(reversed(cards))
    changes = change_history(
        newest_first, CardSchema.load(), href=lambda card: f"../{card.version}/", compare_href=lambda old, new: None
    )
    shown = text(TemplateRenderer().render("partials/version-changes.html", changes=changes))
    assert shown.count('Limitations: added "Limitation number') == 12
    assert "Version 2.1, 2025-02-01: 12 material since 2.0" in shown
    assert "Version 1.1, 2025-02-01: 1 governance, 1 material since 1.0" in shown
    assert 'Limitations: added "Refunds are not scored"' in shown
    assert [entry.version for entry in changes] == ["2.1", "2.0", "1.1"]


def test_the_latest_version_sums_up_the_metric_history_and_links_to_its_charts(tmp_path: Path) -> None:
    dropped = [("value: 0.81, slice: card, confidence_interval: [0.78, 0.84]", "value: 0.7, slice: card, "
                "confidence_interval: [0.67, 0.73]")]  # fmt: skip
    cards = versions(tmp_path, {"1.0": [], "1.1": dropped})
    html = page(cards, cards[1])
    assert "Metric history across versions: 2 measurements, ▼ 1 with a regression (recall, slice card" in text(html)
    assert '<a href="models/fraud/compare/?a=1.0&amp;b=1.1#metric-history">charts on the compare page</a>' in html
    assert "mc-chart--history" not in html, "the charts are on the compare page"
    assert "Metric history" not in page(cards, cards[0])
