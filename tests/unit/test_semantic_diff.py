"""The semantic diff of two cards (changes/semantic.py) and its Markdown report's escaping, on real cards."""

from __future__ import annotations

import copy

from helpers import REPO
from model_catalog.cards.loader import load_card
from model_catalog.changes.report import md
from model_catalog.changes.semantic import card_changes, level_of

CREDIT = load_card(REPO / "cards" / "credit-risk" / "2.0.yaml").data


def changed(edit) -> list:  # type: ignore[no-untyped-def]
    new = copy.deepcopy(CREDIT)
    edit(new)
    return card_changes(CREDIT, new)


def test_an_unchanged_card_has_no_change_and_approvals_are_not_one() -> None:
    assert card_changes(CREDIT, copy.deepcopy(CREDIT)) == []
    assert changed(lambda card: card["approvals"].pop()) == []


def test_a_reworded_item_is_one_editorial_change_and_a_new_one_is_material() -> None:
    def edit(card: dict) -> None:  # type: ignore[type-arg]
        card["limitations"][1] = card["limitations"][1].replace("is wide", "is very wide")
        card["limitations"].append("Not validated for business accounts")

    found = changed(edit)
    assert [(c.level, c.kind, c.field) for c in found] == [
        ("editorial", "reworded", "limitations"),
        ("material", "added", "limitations"),
    ]
    assert level_of(found) == "material"


def test_items_of_a_list_of_mappings_are_matched_by_their_identity() -> None:
    def edit(card: dict) -> None:  # type: ignore[type-arg]
        card["evaluation_data"][0]["size"] = "140,000 applications"
        card["owners"][1]["team"] = "credit-risk"

    found = changed(edit)
    assert [(c.field, c.kind, c.old, c.new) for c in found] == [
        ("owners[1].team", "changed", "risk-analytics", "credit-risk"),
        ("evaluation_data[0].size", "changed", "131,700 applications (3.6% defaults)", "140,000 applications"),
    ]
    assert [c.level for c in found] == ["governance", "material"]


def test_a_metric_is_matched_by_name_data_set_and_slice() -> None:
    def edit(card: dict) -> None:  # type: ignore[type-arg]
        age = next(m for m in card["metrics"] if m.get("slice") == "age 18-24" and m["name"] == "roc_auc")
        age.update(value=0.79, confidence_interval=[0.771, 0.809])
        card["metrics"] = [m for m in card["metrics"] if m.get("slice") != "country FR"]

    (better, dropped) = changed(edit)
    assert better.detail["direction"] == "better" and better.detail["intervals_overlap"] is True
    assert better.detail["regression"] is False
    assert "within the confidence intervals" in better.summary
    assert dropped.kind == "removed" and "slice country FR" in dropped.summary


def test_a_lower_is_better_metric_that_rises_is_worse() -> None:
    def edit(card: dict) -> None:  # type: ignore[type-arg]
        ece = next(m for m in card["metrics"] if m["name"] == "expected_calibration_error")
        ece.update(value=0.02, confidence_interval=[0.017, 0.023])

    (worse,) = changed(edit)
    assert worse.detail["direction"] == "worse" and worse.detail["regression"] is True
    assert worse.detail["threshold"] == "newly missed"


def test_markdown_from_card_text_cannot_format_link_or_mention() -> None:
    hostile = "Hi @octocat, see #12 ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> **bold** | cell"
    text = md(hostile)
    assert "@\u200b" in text and "#\u200b" in text
    for raw in ("![x](", " <img", "**bold**", " | cell"):
        assert raw not in text
    assert "\\<img" in text and "\\*\\*bold" in text
    assert "\\!\\[x\\]\\(https://evil.example/p.png\\)" in text
