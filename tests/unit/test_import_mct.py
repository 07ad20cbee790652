"""Model Card Toolkit files as drafts: the real files of MCT's repository and wheel (JSON of both schema versions,
proto text), the protobuf text reader, and hostile input, which is reported and never fatal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import DATA
from model_catalog.authoring import prepare_model_card
from model_catalog.formats.drafting import LIST_LIMIT, PROSE_LIMIT
from model_catalog.formats.fitting import TEXT_LIMIT, child_path
from model_catalog.formats.importing import ImportedDraft, ImportRefused, assign_ids
from model_catalog.formats.mct.importer import import_mct
from model_catalog.formats.mct.prototext import PROTO_MESSAGES, STRING, ProtoTextError, read_proto_text
from mutations import mutations, replaced

REAL = DATA / "real" / "mct"
REAL_FILES = sorted([*REAL.glob("*.json"), *REAL.glob("*.pbtxt")])
OWNERS = [{"name": "A B", "email": "a@b.c"}]


def source_of(path: Path) -> Any:
    """The file as data: JSON, or proto text through the reader under test (its own tests are below)."""
    text = path.read_text(encoding="utf-8")
    return read_proto_text(text) if path.suffix == ".pbtxt" else json.loads(text)


def imported(path: Path) -> ImportedDraft:
    drafts = import_mct(path.read_text(encoding="utf-8"), path.name)
    assert len(drafts) == 1
    return drafts[0]


def validate(draft: ImportedDraft, tmp_path: Path) -> str:
    """The card file the command would write for the draft (raises when it would not validate)."""
    assert assign_ids([draft]) == []
    return prepare_model_card(draft.data, tmp_path, owners=OWNERS).text


def leaf_paths(value: Any, path: str = "") -> Iterator[str]:
    """Every scalar, empty list and empty mapping of ``value``, by the paths reports use."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict) and item:
            stack.extend((child_path(where, str(key)), part) for key, part in item.items())
        elif isinstance(item, list) and item:
            stack.extend((child_path(where, index), part) for index, part in enumerate(item))
        else:
            yield where


def unreported(source: Any, draft: ImportedDraft) -> list[str]:
    """Leaves of the source that no placement of the report covers (a placement covers what is under it)."""
    places = {placement.source for placement in draft.report}

    def covered(leaf: str) -> bool:
        return any(leaf == place or leaf.startswith((place + ".", place + "[")) for place in places)

    return [leaf for leaf in leaf_paths(source) if not covered(leaf)]


def placement(draft: ImportedDraft, source: str) -> tuple[str, str, str]:
    found = [p for p in draft.report if p.source == source]
    assert len(found) == 1, (source, found)
    return found[0].outcome, found[0].target, found[0].reason


def test_the_real_files_and_their_sources_are_recorded() -> None:
    sources = yaml.safe_load((REAL / "SOURCES.yaml").read_text())
    listed = {entry["file"] for entry in sources["files"]}
    on_disk = {
        str(path.relative_to(REAL)) for path in REAL.rglob("*") if path.is_file() and path.name != "SOURCES.yaml"
    }
    assert listed == on_disk
    assert all(entry["license"] == "Apache-2.0" and entry["repository"] for entry in sources["files"])
    versions = {source_of(path).get("schema_version") for path in REAL.glob("*.json")}
    assert {"0.0.1", "0.0.2"} <= versions and list(REAL.glob("*.pbtxt"))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_every_real_file_imports_as_a_valid_draft_with_every_field_reported(path: Path, tmp_path: Path) -> None:
    draft = imported(path)
    assert draft.data["status"] == "draft" and draft.data["schema_version"] == 1
    assert draft.source == path.name and draft.id_hints[-1] == path.stem
    text = validate(draft, tmp_path)
    assert "iVBORw0KGgo" not in text  # no base64 PNG reaches the card
    assert unreported(source_of(path), draft) == []
    assert {p.outcome for p in draft.report} <= {"mapped", "kept", "dropped"}


def test_v0_0_1_cats_and_dogs() -> None:
    draft = imported(REAL / "cats_vs_dogs_v0_0_1.json")
    data = draft.data
    assert data["name"] == "Fine-tuned MobileNetV2 Model for Cat vs. Dogs"
    assert data["version"] == "v1.0" and str(data["created"]) == "2020-08-28"  # MM/DD/YYYY, unambiguous
    assert data["license"] == "Apache-2.0"
    assert data["description"].startswith("This model distinguishes cat and dog images.")
    assert [(m["name"], m.get("slice"), m["value"], m["threshold"]) for m in data["metrics"]] == [
        ("accuracy", None, 0.9781249761581421, 0.5),
        ("accuracy", "cat", 0.9932885766029358, 0.5),
        ("accuracy", "Dog", 0.9649122953414917, 0.5),
    ]
    assert data["metrics"][2]["confidence_interval"] == [0.95491229534, 0.97491229534]
    assert data["intended_use"] == {
        "primary_uses": ["This model classifies images of cats and dogs."],
        "primary_users": ["Fans of dogs and cats."],
    }
    assert data["caveats_and_recommendations"] == ["Recall vs Precision."]
    assert data["ethical_considerations"][0]["mitigation"] == "Avoid application on non-dog and non-cat images."
    assert [link["url"] for link in data["links"]] == [
        "https://www.kaggle.com/c/dogs-vs-cats",
        "https://arxiv.org/abs/1801.04381",
    ]
    outcome, _, reason = placement(draft, "model_parameters.data.eval.graphics")
    assert outcome == "dropped" and "Validation Set Size" in reason and "base64" in reason
    outcome, target, reason = placement(draft, "model_details.owners[0]")
    assert (outcome, target) == ("kept", "description") and "--owner" in reason
    assert "Model Cards Team (model-cards@google.com)" in data["description"]


def test_v0_0_2_shapes_and_the_mixed_shapes_of_real_files() -> None:
    draft = imported(REAL / "considerations.json")  # v0.0.2 with v0.0.1's `citation`, as MCT's own test data has it
    data = draft.data
    assert data["license"] == "Apache-2.0"
    assert placement(draft, "model_details.licenses[0].identifier") == (
        "mapped",
        "license",
        "read as the SPDX identifier Apache-2.0",
    )
    assert data["model_details"] == {
        "architecture": "knn",
        "input_format": "32-char-len-text",
        "output_format": "64-char-len-text",
        "citation": "https://doi.org/foo/bar",
    }
    assert [(d["name"], d["link"]) for d in data["training_data"]] == [("train_split", "path/to/train")]
    assert [(d["name"], d["link"]) for d in data["evaluation_data"]] == [("eval_split", "path/to/eval")]
    assert "evaluation data (from its name)" in placement(draft, "model_parameters.data[1].name")[2]
    assert [risk["risk"] for risk in data["ethical_considerations"]] == ["Bugs", "Broken edge cases"]
    assert "- **Changes in this version:** Updated dataset." in data["description"]
    full = imported(REAL / "full.json").data
    assert full["training_data"] == [{"name": "data name", "description": "description", "sensitive_data": "age"}]
    assert full["model_details"]["output_format"] == "type: 64-char-len-text"
    assert "#### Documentation\n\ndocumentation" in full["description"]


def test_v0_0_1_sensitive_data_users_and_numbers() -> None:
    data = imported(REAL / "model_card_v0_0_1.json").data
    assert data["training_data"][0] == {"name": "train_split", "link": "path/to/train", "sensitive_data": True}
    assert data["evaluation_data"][0] == {"name": "eval_split", "link": "path/to/eval"}
    assert data["metrics"] == [{"name": "log_loss", "value": 0.2}]
    assert data["intended_use"]["primary_users"] == ["foo", "bar"]
    assert data["license"] == "Apache-2.0"  # "Apache 2.0", read loosely and said so


def in_the_message(value: Any, message: str = "ModelCard") -> Any:
    """JSON of a card without what the ModelCard message has no field for (``schema_version``, a metric's
    ``threshold``): what protobuf keeps when it reads the JSON."""
    if isinstance(value, list):
        return [in_the_message(item, message) for item in value]
    fields = PROTO_MESSAGES[message]
    return {
        key: item if fields[key][0] == STRING else in_the_message(item, fields[key][0])
        for key, item in value.items()
        if key in fields
    }


@pytest.mark.parametrize("stem", ["full", "cats_vs_dogs_v0_0_2"])
def test_json_and_proto_text_of_the_same_card_give_the_same_draft(stem: str) -> None:
    """``cats_vs_dogs_v0_0_2.pbtxt`` was written by protobuf's own text_format from the JSON (SOURCES.yaml)."""
    from_json = import_mct(json.dumps(in_the_message(source_of(REAL / f"{stem}.json"))), "card.json")[0].data
    from_proto = imported(REAL / f"{stem}.pbtxt").data
    assert from_proto == from_json


def test_the_reader_reads_what_protobufs_text_format_writes() -> None:
    written = read_proto_text((REAL / "cats_vs_dogs_v0_0_2.pbtxt").read_text())
    assert written == in_the_message(json.loads((REAL / "cats_vs_dogs_v0_0_2.json").read_text()))


# ---------------------------------------------------------------------------------------------------------------
# The protobuf text reader


def test_every_spelling_of_the_text_format() -> None:
    text = r"""
    # proto-message: ModelCard
    model_details <
      name: "a" 'b' "c"  # adjacent strings are one
      owners [{name: "x"}, <name: "y">];
      overview: "tab\tnewline\noctal \303\251 hex \x41 u \u00e9 U \U0001F600 pair \ud83d\ude00 quote \" \\"
      licenses { identifier: "MIT" },
    >
    model_parameters: { data { sensitive { sensitive_data: ["age", "sex"] } } }
    """
    card = read_proto_text(text)
    details = card["model_details"]
    assert details["name"] == "abc"
    assert details["owners"] == [{"name": "x"}, {"name": "y"}]
    assert details["overview"] == 'tab\tnewline\noctal é hex A u é U 😀 pair 😀 quote " \\'
    assert details["licenses"] == [{"identifier": "MIT"}]
    assert card["model_parameters"] == {"data": [{"sensitive": {"sensitive_data": ["age", "sex"]}}]}


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("model_detail {\n}", "1:1", "ModelCard has no field 'model_detail' (its fields: model_details,"),
        (
            "model_details {\n  name: 0.9\n}",
            "2:9",
            "ModelDetails.name is a string in double quotes, got '0.9' (write \"0.9\")",
        ),
        ('model_details { name: "a" name: "b" }', "1:27", "ModelDetails.name is given twice (first at 1:17)"),
        (
            'model_details { licenses { identifier: "MIT" custom_text: "x" } }',
            "1:46",
            "License has identifier or custom_text",
        ),
        ("model_details {\n  owners {\n", "2:10", "'{' of this Owner is not closed before the end"),
        ('model_details { name: "open\n" }', "1:23", "a string that is not closed on its line"),
        (r'model_details { name: "\q" }', "1:24", r"unknown escape \q"),
        (r'model_details { name: "\377" }', "1:23", "not valid UTF-8"),
        (r'model_details { name: "\ud800" }', "1:24", "hex digits of a code point"),
        ("[ext.field] { }", "1:1", "extensions and Any fields"),
        ('model_details { name: ["a"] }', "1:23", "ModelDetails.name is not a repeated field"),
        ('model_details { owners: "x" }', "1:25", "ModelDetails.owners is a message: expected '{'"),
        ('model_details { name "x" }', "1:22", "expected ':' after name"),
        ("model_details { } }", "1:19", "expected a field of ModelCard, got '}'"),
        ("model_details { owners [{}, ] }", "1:29", "ModelDetails.owners is a message: expected '{', got ']'"),
        ("model_details { @ }", "1:17", "unexpected character '@'"),
    ],
)
def test_the_reader_is_strict_and_says_where(text: str, where: str, message: str) -> None:
    with pytest.raises(ProtoTextError) as raised:
        read_proto_text(text)
    assert f"{raised.value.line}:{raised.value.column}" == where
    assert message in raised.value.message


def test_a_bad_proto_text_file_is_refused_with_its_name_line_and_column() -> None:
    with pytest.raises(ImportRefused, match=r"^card\.pbtxt:3:5: not a ModelCard in protobuf text format: "):
        import_mct('model_details {\n  name: "x"\n    overvue: "y"\n}\n', "card.pbtxt")


# ---------------------------------------------------------------------------------------------------------------
# Files of other formats, and broken files


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}', r"`model-catalog import cyclonedx x`"),
        ("---\nlicense: mit\n---\n# My model\n\nIt does things.\n", r"`model-catalog import huggingface x`"),
        ("# My model\n\nIt does things.\n", r"`model-catalog import huggingface x`"),
        ('{\n  "model_details": {\n    "name": "x",\n  }\n}', r"^x:4:3: not valid JSON: Expecting property name"),
        ("[1, 2]", r"^x: not a Model Card Toolkit file: its JSON is a list, not an object"),
        ('{"name": "x"}', r"^x: not a Model Card Toolkit file"),
        ("# only a comment\n", r"^x: empty: no field of a Model Card Toolkit card"),
        ("[" * 100_000, r"^x: not read: its JSON is nested too deeply"),
    ],
)
def test_what_is_not_an_mct_file_is_refused_naming_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        import_mct(text, "x")


# ---------------------------------------------------------------------------------------------------------------
# Hostile input: wrong types, deep nesting, huge text


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["full", "model_card_v0_0_1"])
def test_a_value_of_any_shape_anywhere_is_reported_never_fatal(stem: str, tmp_path: Path) -> None:
    card = json.loads((REAL / f"{stem}.json").read_text())
    cases = list(mutations(card))
    assert len(cases) > 300
    for index, (path, replacement) in enumerate(cases):
        source = replaced(card, path, replacement)
        draft = import_mct(json.dumps(source), "hostile.json")[0]
        assert unreported(source, draft) == [], (path, replacement)
        if index % 3 == 0:  # a checked card file takes ~10 ms; every third case is still every kind at every depth
            validate(draft, tmp_path)


def test_deep_nesting_is_kept_cut_and_never_walked_past_its_limit(tmp_path: Path) -> None:
    deep: Any = "bottom"
    for _ in range(900):  # as deep as Python's JSON reader goes
        deep = [deep]
    card = {"model_details": {"name": "Deep", "extra": deep}, "considerations": {"users": deep}}
    draft = import_mct(json.dumps(card), "deep.json")[0]
    assert "nested deeper than 12 levels, left out" in draft.data["description"]
    assert placement(draft, "model_details.extra")[0] == "kept"
    assert placement(draft, "considerations.users[0]")[0] == "kept"
    validate(draft, tmp_path)


def test_huge_text_is_cut_and_the_draft_stays_under_the_card_size_limit(tmp_path: Path) -> None:
    words = "lorem ipsum " * 20_000  # 240,000 characters, 239,999 without the last space
    card = {
        "model_details": {"name": "N" * 150_000, "overview": words, "version": {"name": "v" * 100_000}},
        "quantitative_analysis": {"performance_metrics": [{"type": "accuracy", "value": "0.5"}] * (LIST_LIMIT + 5)},
        "considerations": {"limitations": [{"description": f"{index} {words}"} for index in range(12)]},
    }
    draft = import_mct(json.dumps(card), "huge.json")[0]
    data = draft.data
    assert data["name"] == "N" * 120
    name = {p.outcome: p.reason for p in draft.report if p.source == "model_details.name"}
    assert set(name) == {"mapped", "kept"} and "cut to its first 10,000 characters" in name["kept"]
    assert "cut to the first 60,000 of its 239,999 characters" in placement(draft, "model_details.overview")[2]
    assert data["description"].startswith(words.strip()[:PROSE_LIMIT]) and len(data["description"]) <= TEXT_LIMIT
    assert data["version"] == "0.1.0" and placement(draft, "model_details.version.name")[0] == "kept"
    assert len(data["metrics"]) == LIST_LIMIT
    assert (
        "5 items after the first 1000 are left out" in placement(draft, "quantitative_analysis.performance_metrics")[2]
    )
    assert all(len(text) <= TEXT_LIMIT for text in data["limitations"])
    assert "cut to the first 100,000" in placement(draft, "considerations.limitations[0].description")[2]
    full = [p for p in draft.report if "size limit" in p.reason]
    assert full and all(p.source.startswith("considerations.limitations[") for p in full)
    text = validate(draft, tmp_path)
    assert 400_000 < len(text.encode()) < 1_000_000  # the card size limit


def test_control_characters_surrogates_and_line_breaks_are_made_safe(tmp_path: Path) -> None:
    card = {
        "model_details": {
            "name": "Line\u2028break\nname\x00",
            "overview": "nul\x00 bell\x07 lone \ud800 surrogate\r\nwindows\rmac\x85nel\ufeff",
            "version": {"name": "1.0\n"},
        },
        "considerations": {"limitations": ["tab\there", "\x00\x01"]},
    }
    draft = import_mct(json.dumps(card), "control.json")[0]
    assert draft.data["name"] == "Line break name"
    assert draft.data["description"] == "nul bell lone \ufffd surrogate\nwindows\nmac\nnel"
    assert draft.data["limitations"] == ["tab\there"]
    assert placement(draft, "considerations.limitations[1]") == ("dropped", "", "empty")
    text = validate(draft, tmp_path)
    assert not re.search("[\x00-\x08\ud800-\udfff]", text)


@pytest.mark.parametrize(
    ("metric", "expected", "outcome"),
    [
        ({"type": "accuracy", "value": "95"}, {"name": "accuracy", "value": 95, "unit": "%"}, "mapped"),
        ({"type": "accuracy", "value": "95%"}, {"name": "accuracy", "value": 95, "unit": "%"}, "mapped"),
        ({"type": "accuracy", "value": "250"}, None, "kept"),
        ({"type": "loss", "value": "high"}, None, "kept"),
        ({"type": "loss", "value": "nan"}, None, "kept"),
        ({"type": "loss", "value": "1e400"}, None, "kept"),
        ({"type": "loss", "value": "1_000"}, None, "kept"),
        ({"value": "0.5"}, None, "kept"),
        ({"type": "x" * 81, "value": "0.5"}, None, "kept"),
        (
            {"type": "f1", "value": "0.7", "confidence_interval": {"lower_bound": "0.8", "upper_bound": "0.9"}},
            {"name": "f1", "value": 0.7},
            "mapped",
        ),
    ],
)
def test_a_metric_reaches_the_card_only_as_the_card_can_hold_it(
    metric: dict[str, Any], expected: dict[str, Any] | None, outcome: str, tmp_path: Path
) -> None:
    card = {"model_details": {"name": "M"}, "quantitative_analysis": {"performance_metrics": [metric]}}
    draft = import_mct(json.dumps(card), "metric.json")[0]
    assert draft.data.get("metrics", [None])[0] == expected
    outcomes = {p.outcome for p in draft.report if p.source.startswith("quantitative_analysis.performance_metrics[0]")}
    assert outcome in outcomes
    validate(draft, tmp_path)
