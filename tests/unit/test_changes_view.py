"""What card pages say of changes (site/changes_view.py, partials/changes.html), rendered from real cards."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from helpers import CARD
from model_catalog.cards.loader import load_card
from model_catalog.cards.model import Card, Catalog
from model_catalog.site.changes_view import SHOWN_PER_CLASS
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


def test_an_older_version_says_what_changed_since_the_one_before(tmp_path: Path) -> None:
    cards = versions(tmp_path, EDITS)
    shown = text(page(cards, cards[1]))
    assert "What changed since version 1.0 Compared with version 1.0 (see both side by side)" in shown
    assert 'Risk tier: "low" → "medium"' in shown
    assert 'Limitations: added "Refunds are not scored"' in shown
    assert "Change history" not in shown
    assert "What changed" not in text(page(cards, cards[0])), "the first version has nothing to compare with"


def test_the_latest_version_has_the_history_newest_in_full_and_a_line_for_each_earlier(tmp_path: Path) -> None:
    cards = versions(tmp_path, EDITS)
    html = page(cards, cards[2])
    shown = text(html)
    assert "Change history" in shown and "Version 2.0, 2025-02-01: 1 editorial" in shown
    assert 'summary: "Flags risky payments." → "Flags risky card payments."' in shown
    assert "Version 1.1, 2025-02-01: 1 governance, 1 material since 1.0 (side by side)" in shown
    assert '<a href="models/fraud/1.1/#changes">Version 1.1</a>' in html
    assert 'added "Refunds are not scored"' not in shown, "an earlier version's changes in full are on its own page"


def test_many_changes_are_counted_beyond_a_few_and_the_comparison_shows_them(tmp_path: Path) -> None:
    limitations = ", ".join(f"Limitation number {n} of many" for n in range(SHOWN_PER_CLASS + 3))
    many = [("[Unseen merchants are scored poorly]", f"[Unseen merchants are scored poorly, {limitations}]")]
    cards = versions(tmp_path, {"1.0": [], "1.1": many})
    shown = text(page(cards, cards[1]))
    assert f"What the card claims ({SHOWN_PER_CLASS + 3})" in shown
    assert shown.count("Limitations: added") == SHOWN_PER_CLASS
    assert "and 3 more: see every difference side by side" in shown
