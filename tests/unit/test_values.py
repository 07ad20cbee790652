"""The card format's own value rules, and the conversions of card values."""

from __future__ import annotations

import datetime as dt

import pytest

from model_catalog.cards.values import (
    describe_value,
    line_break_problem,
    link_problem,
    parse_isodate,
    plain,
    unknown_licenses,
    without_empty,
)


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/a?b=c#d",
        "http://example.com",
        "mailto:ada@example.com",
        "docs/model.md",
        "../x.html",
        "#section",
        " https://example.com/ ",
    ],
)
def test_links_that_pass(link: str) -> None:
    assert link_problem(link) is None


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("javascript:alert(1)", "links must use http, https or mailto"),
        ("JaVaScRiPt:alert(1)", "links must use http, https or mailto"),
        ("\x01javascript:alert(1)", "must not contain control characters (got U+0001"),
        ("java\tscript:alert(1)", "must not contain control characters (got U+0009"),
        ("https://example.com/\n", "must not contain control characters"),
        ("data:text/html,hi", "links must use http, https or mailto"),
        ("//evil.example/x", "links must use http, https or mailto"),
        ("\\\\evil.example/x", "links must use http, https or mailto"),
        ("/\\evil.example/x", "links must use http, https or mailto"),
        ("https://", "is not a valid link"),
        ("my page.md", "encode spaces as %20"),
    ],
)
def test_links_that_do_not_pass_say_why(link: str, problem: str) -> None:
    assert problem in (link_problem(link) or "")


@pytest.mark.parametrize("text", ["one\ntwo", "one\r", "a\u2028b", "a\x85b", "a\x0bb"])
def test_single_line_text_refuses_every_line_break(text: str) -> None:
    assert line_break_problem(text) is not None
    assert line_break_problem("one line, with \t a tab") is None


def test_licenses_are_spdx_identifiers_expressions_references_or_proprietary() -> None:
    known = frozenset({"MIT", "Apache-2.0", "LLVM-exception"})
    assert unknown_licenses("MIT OR Apache-2.0", known) == []
    assert unknown_licenses("(Apache-2.0 WITH LLVM-exception)", known) == []
    assert unknown_licenses("LicenseRef-acme-internal", known) == []
    assert unknown_licenses("proprietary", known) == []
    assert unknown_licenses("MIT AND Apache 2.0", known) == ["Apache 2.0"]


def test_dates_are_calendar_dates_not_times() -> None:
    assert parse_isodate(dt.date(2025, 2, 28)) == dt.date(2025, 2, 28)
    assert parse_isodate("2025-02-28") == dt.date(2025, 2, 28)
    assert parse_isodate("2025-02-30") is None and parse_isodate("2025-2-28") is None
    assert parse_isodate(dt.datetime(2025, 2, 28, 12)) is None and parse_isodate(20250228) is None


def test_keys_left_empty_are_not_filled_in_and_dates_become_text_for_json() -> None:
    data = {"a": None, "b": [{"c": None, "d": 1}], "e": {"f": dt.date(2025, 1, 2)}}
    assert without_empty(data) == {"b": [{"d": 1}], "e": {"f": dt.date(2025, 1, 2)}}
    assert plain(without_empty(data)) == {"b": [{"d": 1}], "e": {"f": "2025-01-02"}}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("abc", "'abc'"),
        ("x" * 70, "'" + "x" * 57 + "...'"),
        (True, "true"),
        (None, "nothing"),
        (92, "92"),
        (0.5, "0.5"),
        ([1], "a list"),
        ({"a": 1}, "a mapping"),
    ],
)
def test_values_read_in_messages_as_users_wrote_them(value: object, text: str) -> None:
    assert describe_value(value) == text
