"""A fast yes-or-not-sure check of a document against a Cerberus schema.

Cerberus takes about 3 ms per card, mostly building a child validator for each
nested mapping; almost every card is valid. This module compiles the same
rule sets into plain functions that answer True only when every rule visibly
holds. Anything they are not sure of (a null, an empty value, a type they do
not know, a rule they do not implement) answers False, and Cerberus then runs
and explains, so the verdict and the messages are always Cerberus'.

A schema using a rule not listed in :data:`SUPPORTED_RULES` (an organisation's
extension may) gets no compiled check at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from model_catalog.cards.values import LINE_BREAKS, link_problem, unknown_licenses

Check = Callable[[Any], bool]
Rules = dict[str, Any]

SUPPORTED_RULES = frozenset(
    {
        "type",
        "schema",
        "meta",
        "required",
        "empty",
        "allowed",
        "regex",
        "min",
        "max",
        "minlength",
        "maxlength",
        "link",
        "spdx_license",
        "single_line",
    }
)

_TYPES: dict[str, tuple[type, ...]] = {
    # Exact types, at least as strict as Cerberus' definitions (which also admit bool as an integer, etc.).
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "float": (int, float),
    "boolean": (bool,),
    "list": (list,),
    "dict": (dict,),
    "isodate": (dt.date,),
}
_SIZED = (str, list, dict)
_PLAIN = frozenset({str, int, float, bool, list, dict, dt.date})
"""Types of the values the YAML reader produces that this check knows; any other is "not sure"."""


class Unsupported(Exception):
    """The schema uses something this module does not compile."""


def compile_check(fields: dict[str, Rules], licenses: frozenset[str] = frozenset()) -> Check | None:
    """A function telling whether a document surely satisfies ``fields``; None when the schema cannot be compiled."""
    try:
        return _mapping(fields, licenses)
    except (Unsupported, re.error, TypeError, AttributeError):  # Cerberus reports what is wrong with the schema
        return None


def _mapping(fields: dict[str, Rules], licenses: frozenset[str]) -> Check:
    if not isinstance(fields, dict):
        raise Unsupported("a mapping schema that is not a mapping")
    checks = {name: _rules(rules, licenses) for name, rules in fields.items()}
    required = tuple(name for name, rules in fields.items() if rules.get("required"))

    def check(document: Any) -> bool:
        for key, value in document.items():
            check_value = checks.get(key)
            if check_value is None or not check_value(value):
                return False
        return all(name in document for name in required)

    return check


def _rules(rules: Rules, licenses: frozenset[str]) -> Check:
    """One field's rule set as a list of tests, all of which must pass."""
    if not isinstance(rules, dict) or not set(rules) <= SUPPORTED_RULES:
        raise Unsupported(f"rules {sorted(set(rules) - SUPPORTED_RULES) if isinstance(rules, dict) else rules}")
    tests: list[Check] = []
    kind = rules.get("type")
    names = kind if isinstance(kind, list) else [kind] if kind is not None else []
    if any(name not in _TYPES for name in names):
        raise Unsupported(f"type {kind}")
    if names:
        allowed_types = frozenset(t for name in names for t in _TYPES[name])
        tests.append(lambda value: type(value) in allowed_types)
    if "allowed" in rules:
        options = rules["allowed"]
        tests.append(
            lambda value: (
                all(item in options for item in value)
                if isinstance(value, list)
                else not isinstance(value, dict) and value in options
            )
        )
    if "regex" in rules:
        pattern = str(rules["regex"])
        matcher = re.compile(pattern).fullmatch  # as card_validator.CardValidator matches it
        tests.append(lambda value: not isinstance(value, str) or matcher(value) is not None)
    for rule, compare in (
        ("min", lambda value, bound: not value < bound),
        ("max", lambda value, bound: not value > bound),
    ):
        if rule in rules:
            tests.append(_comparison(compare, rules[rule]))
    if "minlength" in rules:
        shortest = rules["minlength"]
        tests.append(lambda value: not isinstance(value, _SIZED) or len(value) >= shortest)
    if "maxlength" in rules:
        longest = rules["maxlength"]
        tests.append(lambda value: not isinstance(value, _SIZED) or len(value) <= longest)
    if rules.get("link"):
        tests.append(lambda value: not isinstance(value, str) or link_problem(value) is None)
    if rules.get("spdx_license"):
        tests.append(lambda value: not isinstance(value, str) or not unknown_licenses(value, licenses))
    if rules.get("single_line"):
        breaks = frozenset(LINE_BREAKS)
        tests.append(lambda value: not isinstance(value, str) or breaks.isdisjoint(value))
    if "schema" in rules:
        tests.append(_inner(rules["schema"], kind, licenses))

    def check(value: Any) -> bool:
        if type(value) not in _PLAIN or (isinstance(value, _SIZED) and not value):
            return False  # nulls, empty values (Cerberus' `empty` rule) and unusual types: not sure
        return all(test(value) for test in tests)

    return check


def _comparison(compare: Callable[[Any, Any], bool], bound: Any) -> Check:
    def test(value: Any) -> bool:
        try:
            return compare(value, bound)
        except TypeError:
            return False

    return test


def _inner(schema: Any, kind: Any, licenses: frozenset[str]) -> Check:
    """The ``schema`` rule: fields of a mapping, or the rule set of every item of a list."""
    if kind == "dict":
        return _mapping(schema, licenses)
    if kind == "list":
        item = _rules(schema, licenses)
        return lambda value: all(item(entry) for entry in value)
    raise Unsupported("`schema` without a single `type: dict` or `type: list`")
