"""The compiled fast check never passes a document that Cerberus rejects, and passes the cards we ship."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import REPO
from model_catalog.cards.fastcheck import compile_check
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation, validation_for
from model_catalog.cards.values import without_empty
from model_catalog.cards.yamlsource import decode_card_bytes, parse_yaml
from model_catalog.errors import SchemaError
from model_catalog.review.registry import load_registry

SCHEMA = CardSchema.load()
VALIDATION = Validation(SCHEMA)
CARDS = [
    without_empty(parse_yaml(decode_card_bytes(p.read_bytes(), 1 << 20)).data)
    for p in sorted((REPO / "cards").rglob("*.yaml"))
    if p.name != "APPROVERS.yaml"
]


def fast(data: dict[str, Any]) -> bool:
    check = VALIDATION._fast_checks[SCHEMA.is_documented(data.get("status"))]
    assert check is not None
    return check(data)


def cerberus_accepts(data: dict[str, Any]) -> bool:
    return VALIDATION.validator(SCHEMA.is_documented(data.get("status"))).validate(data, normalize=False)


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value``, the root excluded."""
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found.append(prefix + (key,))
        found.extend(paths(item, prefix + (key,)))
    return found


def draw_path(card: dict[str, Any], data: st.DataObject) -> tuple[Any, ...]:
    """A path into ``card``, each field of the format equally likely (however many metrics the card has)."""
    by_field: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for path in paths(card):
        by_field.setdefault(tuple("[]" if isinstance(part, int) else part for part in path), []).append(path)
    return data.draw(st.sampled_from(by_field[data.draw(st.sampled_from(sorted(by_field, key=repr)))]))


def test_every_example_card_takes_the_fast_path() -> None:
    """Otherwise the fast check would only ever say "not sure", and Cerberus would do all the work."""
    assert len(CARDS) >= 10
    for data in CARDS:
        assert fast(data) and cerberus_accepts(data), data["id"]


def test_builtin_schemas_are_valid_cerberus() -> None:
    """The built-in schema's validators are built lazily; this is where a broken edit of it would show."""
    VALIDATION.prepare()
    validation_for(CardSchema.builtin("approvers.schema.yaml")).prepare()


def test_the_example_registry_takes_the_fast_path() -> None:
    schema = CardSchema.builtin("approvers.schema.yaml")
    check = compile_check(schema.fields)
    assert check is not None
    registry = yaml.safe_load((REPO / "cards" / "APPROVERS.yaml").read_text())
    assert check(without_empty(registry))
    assert not load_registry(REPO / "cards" / "APPROVERS.yaml", "cards/APPROVERS.yaml", 1 << 20).errors


replacements = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.integers(),
    st.floats(allow_nan=True),
    st.dates(),
    st.datetimes(),
    st.just(""),
    st.just([]),
    st.just({}),
    st.text(max_size=12),
    st.sampled_from(
        [
            "draft",
            "approved",
            "deprecated",
            "MIT",
            "Apache-2.0 OR MIT",
            "GPL-9.0",
            "proprietary",
            "https://example.com",
            "javascript:alert(1)",
            "a b",
            "ada@example.com",
            "ada@",
            "1.2.3",
            "credit-risk",
            "Credit Risk",
            "low",
            "extreme",
            "fraction",
            "%",
            "team-a",
            "abc\n",
            " ",
        ]
    ),
    st.lists(st.sampled_from(["x", 1, None, "", "MIT"]), max_size=3),
    st.dictionaries(
        st.sampled_from(["name", "email", "role", "value", "unknown"]),
        st.sampled_from(["x", 1, None, "ada@example.com"]),
        max_size=3,
    ),
    # Values of other fields: the right type, often the wrong pattern, option, link or licence.
    st.sampled_from(sorted({repr(leaf): leaf for card in CARDS for leaf in leaves(card)}.values(), key=repr)),
)


def variants(value: Any) -> st.SearchStrategy[Any]:
    """Near misses of a value: one character off, other case, padded, a number nudged."""
    if isinstance(value, str) and value:
        return st.sampled_from(
            [
                value[:-1],
                value + "x",
                value.upper(),
                value.lower(),
                " " + value,
                value + "\n",
                value.replace("-", "_"),
                value.replace(".", ""),
                "x" + value,
            ]
        )
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return st.sampled_from([value - 1, -value, value * 1000, str(value), float(value), int(value), True])
    return replacements


@pytest.mark.slow
@settings(
    max_examples=2500, deadline=dt.timedelta(seconds=2), derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.sampled_from(CARDS), st.data())
def test_fast_check_never_passes_what_cerberus_rejects(original: dict[str, Any], data: st.DataObject) -> None:
    card = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        if not paths(card):
            break
        path = draw_path(card, data)
        parent = card
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["near miss", "near miss", "replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "notes", "name", "value", "Name"]))] = data.draw(replacements)
        elif action == "near miss":
            parent[path[-1]] = data.draw(variants(parent[path[-1]]))
        else:
            parent[path[-1]] = data.draw(replacements)
    if fast(card):
        assert cerberus_accepts(card), card


@pytest.mark.parametrize(
    "extension, compiled",
    [
        ("fields:\n  cost_centre: {type: string, required: true, regex: 'CC-[0-9]{4}'}\n", True),
        ("fields:\n  cost_centre: {type: string, nullable: true}\n", False),
        ("fields:\n  cost_centre: {anyof: [{type: string}, {type: integer}]}\n", False),
    ],
)
def test_extensions_with_rules_it_does_not_know_go_to_cerberus(tmp_path: Path, extension: str, compiled: bool) -> None:
    path = tmp_path / "extension.yaml"
    path.write_text(extension)
    schema = CardSchema.load(path)
    validation = validation_for(schema)
    assert (validation._fast_checks[True] is not None) is compiled
    card = dict(CARDS[0], cost_centre="CC-1234")
    located = parse_yaml(yaml.safe_dump(card))
    assert validation.check(located, "card.yaml")[1] == []
    located = parse_yaml(yaml.safe_dump(dict(CARDS[0], cost_centre=["x"])))
    assert [error.path for error in validation.check(located, "card.yaml")[1]] == ["cost_centre"]


def test_an_invalid_extension_fails_when_the_schema_loads(tmp_path: Path) -> None:
    path = tmp_path / "extension.yaml"
    path.write_text("fields:\n  cost_centre: {type: strng}\n")
    with pytest.raises(SchemaError, match=re.escape(str(path))):
        CardSchema.load(path)
