"""Property tests: whatever bytes a card file holds, loading ends in a card or in located errors, quickly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import REPO
from model_catalog.cards.loader import check_catalog, parse_card
from model_catalog.cards.model import Card
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation
from model_catalog.errors import CardError

VALIDATION = Validation(CardSchema.load())
EXAMPLES = [p.read_bytes() for p in sorted((REPO / "cards").rglob("*.yaml")) if p.name != "APPROVERS.yaml"]
FIELDS = list(CardSchema.load().fields)


def fuzz(examples: int) -> settings:
    """Bounded time per case; derandomized so CI runs are repeatable."""
    return settings(
        max_examples=examples,
        deadline=dt.timedelta(seconds=2),
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


def check(raw: bytes) -> None:
    """The property: a Card, or a non-empty list of located errors; never an exception."""
    card, errors = parse_card(raw, VALIDATION, path=Path("cards/fuzz.yaml"), source="cards/fuzz.yaml")
    assert (card is None) == bool(errors)
    for error in errors:
        assert isinstance(error, CardError) and error.file == "cards/fuzz.yaml"
        assert error.line >= 0 and error.column >= 0 and error.message
        assert "Traceback" not in error.message
    if card is not None:
        assert isinstance(card, Card) and card.digest.startswith("sha256:")
        for error in check_catalog([card, card]):
            assert error.message


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.dates(),
    st.sampled_from(["draft", "approved", "1.10", "../x", "javascript:alert(1)", "MIT"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), inner, max_size=8),
    ),
    max_leaves=40,
)


@fuzz(1200)
@given(st.dictionaries(st.sampled_from(FIELDS), documents, max_size=len(FIELDS)))
def test_documents_shaped_like_cards(data: dict) -> None:
    check(yaml.safe_dump(data, allow_unicode=True).encode())


@fuzz(800)
@given(documents)
def test_arbitrary_yaml_documents(data: object) -> None:
    check(yaml.safe_dump(data, allow_unicode=True).encode())


@fuzz(1000)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_arbitrary_bytes(raw: bytes) -> None:
    check(raw)


@fuzz(1500)
@given(st.sampled_from(EXAMPLES), st.data())
def test_mutated_example_cards(original: bytes, data: st.DataObject) -> None:
    raw = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate line"]))
        if action == "delete":
            del raw[at : at + data.draw(st.integers(1, 40))]
        elif action == "insert":
            raw[at:at] = data.draw(
                st.sampled_from(
                    [
                        b"\t",
                        b": ",
                        b"- ",
                        b"\n",
                        b"  ",
                        b"[",
                        b"{",
                        b"&a ",
                        b"*a",
                        b"!!python/object ",
                        b"'",
                        b'"',
                        b"\xff",
                        b"1.10",
                        b"null",
                    ]
                )
            )
        elif action == "replace" and at < len(raw):
            raw[at] = data.draw(st.integers(0, 255))
        else:
            line_start = raw.rfind(b"\n", 0, at) + 1
            line_end = raw.find(b"\n", at)
            line = raw[line_start : line_end + 1 if line_end != -1 else len(raw)]
            raw[line_start:line_start] = line
    check(bytes(raw))
