"""The card schema as data: an organisation's extension merged over the built-in one, rule by rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model_catalog.cards.schema import CardSchema
from model_catalog.errors import SchemaError


def extended(tmp_path: Path, text: str) -> CardSchema:
    path = tmp_path / "extension.yaml"
    path.write_text(text)
    return CardSchema.load(path)


def test_an_extension_tightens_removes_and_adds_rules_and_fields(tmp_path: Path) -> None:
    builtin = CardSchema.load()
    schema = extended(
        tmp_path,
        "fields:\n"
        "  summary: {maxlength: 120}\n"  # tightened
        "  tags: {schema: {maxlength: null}}\n"  # a rule of the list's items removed
        "  environmental_impact: null\n"  # a field removed
        "  cost_centre: {type: string, regex: 'CC-[0-9]{4}', meta: {description: Who pays.}}\n"  # a field added
        "  owners: {schema: {schema: {phone: {type: string}}}}\n",  # a field added inside a list of mappings
    )
    assert builtin.fields["summary"]["maxlength"] == 300 and schema.fields["summary"]["maxlength"] == 120
    assert schema.fields["summary"]["single_line"] is True  # the rest of the rule set kept
    assert "maxlength" in builtin.fields["tags"]["schema"] and "maxlength" not in schema.fields["tags"]["schema"]
    assert "environmental_impact" not in schema.fields and "cost_centre" in schema.fields
    assert schema.field_names(("owners", 0)) == ["email", "name", "phone", "team"]
    assert schema.rules_at(("owners", 0, "phone")) == {"type": "string"}
    assert schema.digest != builtin.digest and schema.sources[-1] == str(tmp_path / "extension.yaml")


def test_documented_rules_apply_once_a_card_leaves_draft() -> None:
    schema = CardSchema.load()
    assert not schema.rules_for(documented=False)["limitations"].get("required")
    assert schema.rules_for(documented=True)["limitations"]["required"] is True
    assert schema.is_documented("in_review") and not schema.is_documented("draft")
    docs = {field.path: field for field in schema.iter_fields()}
    assert docs["limitations"].required == "documented" and docs["id"].required == "always"
    assert docs["owners[].email"].required == "always" and docs["metrics[].slice"].required == "no"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fields: [a, b]\n", "a schema extension is a mapping with a `fields:` mapping"),
        ("fields:\n  cost_centre: {type: strng}\n", "invalid card schema"),
        ("fields: {a: [\n", "cannot read the schema extension"),
    ],
)
def test_an_unusable_extension_is_refused_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(str(tmp_path / "extension.yaml"))) as raised:
        extended(tmp_path, text)
    assert message in str(raised.value)
