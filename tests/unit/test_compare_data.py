"""The compare pages' data: card text as JSON inside a script element, and the pair a card page links to."""

from __future__ import annotations

import json
from pathlib import Path

from model_catalog.cards.model import Card
from model_catalog.site.compare import compare_link, compare_query, script_json
from xss_cards import PAYLOADS


def test_script_json_cannot_end_its_element_and_parses_back() -> None:
    data = {"summary": PAYLOADS, "line": "a\u2028b\u2029c", "amp": "&amp; <!-- -->"}
    text = str(script_json(data))
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert "</script" not in text.lower() and "<!--" not in text
    assert json.loads(text) == data


def version(number: str) -> Card:
    return Card(Path(f"cards/m/{number}.yaml"), f"cards/m/{number}.yaml", {"id": "m", "version": number}, digest="x")


def test_a_card_page_compares_its_version_with_the_one_before() -> None:
    newest, middle, oldest = versions = [version("3.0"), version("2.0+build"), version("1.0")]  # newest first
    assert compare_link(newest, versions) == ("2.0+build", "3.0")
    assert compare_link(middle, versions) == ("1.0", "2.0+build")
    assert compare_link(oldest, versions) == ("1.0", "2.0+build")  # no predecessor: the next one
    assert compare_link(oldest, [oldest]) is None
    assert compare_query("2.0+build", "3.0") == "?a=2.0%2Bbuild&b=3.0"  # "+" would read as a space
