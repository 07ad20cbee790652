"""The YAML reader: every value located, hostile constructs refused, recoverable ones reported and read past."""

from __future__ import annotations

import pytest

from model_catalog.cards.yamlsource import MAX_DEPTH, YamlError, decode_card_bytes, parse_yaml

CARD = """\
id: ocr
version: 1.10
owners:
  - name: Ada
    email: ada@example.com
metrics: [{name: recall, value: 0.8}]
"""


def test_keys_and_values_are_located_to_the_line_and_column() -> None:
    located = parse_yaml(CARD)
    assert located.locate(("id",), key=True) == (1, 1)
    assert located.locate(("id",)) == (1, 5)
    assert located.locate(("owners", 0, "email")) == (5, 12)
    assert located.locate(("metrics", 0, "value")) == (6, 33)
    # A path that is not in the document points at its nearest ancestor that is.
    assert located.locate(("owners", 0, "team")) == located.locate(("owners", 0))


def test_the_text_of_values_yaml_did_not_read_as_strings_is_kept() -> None:
    located = parse_yaml(CARD)
    assert located.data["version"] == 1.1 and located.source_text[("version",)] == "1.10"


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first defined on line 1)", (3, 1)),
        ("name: !custom OCR\n", "the tag !custom is not allowed", (1, 7)),
        ("a: &x {b: 1}\nc:\n  <<: *x\n", "merge keys (<<) are not supported", (3, 3)),
        ("? [a, b]\n: 1\n", "keys must be plain names", (1, 3)),
    ],
)
def test_what_can_be_read_past_is_raised_or_collected(text: str, message: str, where: tuple[int, int]) -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text)
    assert message in raised.value.message and (raised.value.line, raised.value.column) == where
    located = parse_yaml(text, recover=True)
    assert [(p.line, p.column) for p in located.problems] == [where] and message in located.problems[0].message


def test_recovering_keeps_the_first_of_two_keys_and_the_plain_value_of_a_tag() -> None:
    located = parse_yaml("a: first\nb: !custom kept\na: second\nc: after\n", recover=True)
    assert located.data == {"a": "first", "b": "kept", "c": "after"}
    assert located.reported == {("b",)}  # the tag's value: other complaints about it would repeat this one


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(5)
            ),
            "expands to more than 100,000 values",
        ),
        ("a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n", "nested too deeply"),
        ("a: [1,\n", "YAML syntax error"),
    ],
)
def test_what_cannot_be_read_past_is_raised_even_when_recovering(text: str, message: str) -> None:
    with pytest.raises(YamlError, match=message):
        parse_yaml(text, recover=True)


def test_an_empty_document_is_refused() -> None:
    with pytest.raises(YamlError, match="the file is empty"):
        parse_yaml("# nothing but a comment\n")


def test_bytes_are_decoded_as_utf8_text_with_unix_line_ends() -> None:
    assert decode_card_bytes("\ufeffid: ocr\r\nname: OCR\r\n".encode(), 100) == "id: ocr\nname: OCR\n"
    with pytest.raises(YamlError, match="over the limit of 10"):
        decode_card_bytes(b"id: ocr\nname: OCR\n", 10)
    with pytest.raises(YamlError, match="binary"):
        decode_card_bytes(b"id: \x00", 100)
    with pytest.raises(YamlError) as raised:
        decode_card_bytes(b"id: ocr\nname: \xff\n", 100)
    assert (raised.value.line, raised.value.column) == (2, 7) and "0xff" in raised.value.message
