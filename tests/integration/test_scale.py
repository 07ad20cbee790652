"""A catalog of 2,000 generated cards: it builds, stays out of the navigation, keeps pages small.

Timings are the benchmark's business (bench/run.py); nothing here is timed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from helpers import REPO, mkdocs_build
from model_catalog._infra.card_cache import CardReader
from model_catalog.cards.loader import DEFAULT_MAX_BYTES, assemble_catalog, load_catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import validation_for

sys.path.insert(0, str(REPO / "bench"))
from generate import generate

PAGE_LIMIT = 30_000
"""Bytes a card page may have: the issue's limit, which the benchmark also reports (see docs/performance.md)."""


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scale")
    generate(root, 2000)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def card_pages(site: Path) -> list[Path]:
    """The page of each card version (``models/<id>/<version>/``), not a model's compare page."""
    return [page for page in (site / "models").glob("*/*/index.html") if page.parent.name != "compare"]


def test_two_thousand_cards_build_with_every_version_published(big_site: Path) -> None:
    cards = [p for p in (big_site / "cards").rglob("*.yaml") if p.name != "APPROVERS.yaml"]
    assert len(cards) == 2000
    assert len(card_pages(big_site / "site")) == 2000


def test_no_card_page_is_in_the_navigation(big_site: Path) -> None:
    for page in [big_site / "site" / "index.html", next((big_site / "site" / "models").glob("*/*/index.html"))]:
        nav = page.read_text().split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'href="([^"]+)"', nav)
        assert not [link for link in links if re.search(r"models/[^/]+/", link)], links


def test_card_pages_stay_small(big_site: Path) -> None:
    sizes = [p.stat().st_size for p in card_pages(big_site / "site")]
    assert max(sizes) < PAGE_LIMIT and sum(sizes) / len(sizes) < 30_000


def test_parallel_loading_gives_the_same_answers(big_site: Path) -> None:
    broken = big_site / "cards" / "zz-broken" / "1.0.yaml"
    broken.parent.mkdir()
    broken.write_text("id: zz-broken\nname: [\n")
    serial = load_catalog(big_site / "cards", root=big_site)
    validation = validation_for(CardSchema.load())
    parallel = assemble_catalog(
        [big_site / "cards"], CardReader(validation, DEFAULT_MAX_BYTES, workers=2), root=big_site
    )
    assert [c.data for c in serial.cards] == [c.data for c in parallel.cards]
    assert [c.fingerprint for c in serial.cards] == [c.fingerprint for c in parallel.cards]
    assert [c.digest for c in serial.cards] == [c.digest for c in parallel.cards]
    assert serial.errors == parallel.errors and len(serial.errors) == 1
    card = parallel.cards[0]
    assert card.located is None  # not sent back by the workers; read again on demand:
    assert card.where(("metrics", 2, "value")) == serial.cards[0].where(("metrics", 2, "value"))
