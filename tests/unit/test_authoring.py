"""The Python API for training pipelines: create_model_card, load_card, load_catalog, validate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import model_catalog
from model_catalog import (
    CardExistsError,
    CatalogError,
    create_model_card,
    load_card,
    validate,
)

OWNERS = [{"name": "Ada Lovelace", "email": "ada@example.com", "team": "vision"}]
GETTING_STARTED = {
    "name": "ImageClassifier",
    "version": "1.0",
    "metrics": {"accuracy": 0.92},
    "limitations": "May misclassify rare images",
}


def test_create_model_card_from_the_getting_started_shape(tmp_path: Path) -> None:
    card = create_model_card(GETTING_STARTED, tmp_path / "cards", owners=OWNERS)
    assert card.path == (tmp_path / "cards" / "image-classifier" / "1.0.yaml").absolute()
    assert (card.id, card.version, card.status) == ("image-classifier", "1.0", "draft")
    assert card.data["metrics"] == [{"name": "accuracy", "value": 0.92}]
    assert card.data["limitations"] == ["May misclassify rare images"]
    text = card.path.read_text()
    for section in (
        "summary:",
        "description:",
        "intended_use:",
        "  out_of_scope:",
        "ethical_considerations:",
        "training_data:",
        "evaluation_data:",
        "environmental_impact:",
        "links:",
    ):
        assert f"\n{section}" in text, section
    assert "# One line that says what the model does" in text
    assert load_card(card.path).data == card.data
    assert validate(tmp_path / "cards") == []


def test_create_model_card_takes_the_list_form_and_other_fields(tmp_path: Path) -> None:
    info = {
        "name": "Fraud Scorer v2",
        "id": "fraud-scorer",
        "version": 3,
        "task": "tabular-classification",
        "metrics": [{"name": "roc_auc", "value": 0.91, "slice": "card", "confidence_interval": [0.9, 0.92]}],
        "limitations": ["Unseen merchants", "Holiday peaks"],
        "description": "Scores payments.\n\nTrained on **2024** data.",
    }
    card = create_model_card(info, tmp_path, owners=OWNERS)
    assert card.path.name == "3.yaml" and card.id == "fraud-scorer"
    assert card.data["metrics"][0]["confidence_interval"] == [0.9, 0.92]
    assert card.data["description"] == "Scores payments.\n\nTrained on **2024** data."


def test_long_single_line_values_at_any_depth_are_written_whole(tmp_path: Path) -> None:
    long = " ".join(["tabular features: amount (double), country (string), merchant category (string)"] * 3)
    info = {"name": "Fraud", "model_details": {"input_format": long, "output_format": long[:150]}, "summary": long}
    card = create_model_card(info, tmp_path, owners=OWNERS)  # read back and validated: it parses
    assert card.data["model_details"]["input_format"] == long and card.data["summary"] == long
    assert long in card.path.read_text()  # one line, not wrapped


def test_create_model_card_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    first = create_model_card(GETTING_STARTED, tmp_path, owners=OWNERS)
    first.path.write_text(first.path.read_text().replace("summary:", "summary: Hand-written summary."))
    with pytest.raises(CardExistsError, match=re.escape("already holds image-classifier version 1.0")):
        create_model_card(GETTING_STARTED, tmp_path, owners=OWNERS)
    assert "Hand-written summary." in first.path.read_text()
    again = create_model_card(
        {**GETTING_STARTED, "metrics": {"accuracy": 0.93}}, tmp_path, owners=OWNERS, overwrite=True
    )
    assert again.data["metrics"][0]["value"] == 0.93


def test_create_model_card_finds_the_same_version_under_another_file_name(tmp_path: Path) -> None:
    first = create_model_card(GETTING_STARTED, tmp_path, owners=OWNERS)
    first.path.rename(first.path.with_name("initial.yaml"))
    with pytest.raises(CardExistsError, match=re.escape("initial.yaml")):
        create_model_card(GETTING_STARTED, tmp_path, owners=OWNERS)


@pytest.mark.parametrize(
    "info, message",
    [
        ({"name": "X", "limitatons": "typo"}, "unknown key 'limitatons'; did you mean 'limitations'?"),
        ({"version": "1.0"}, "needs a 'name'"),
    ],
)
def test_create_model_card_explains_bad_input(tmp_path: Path, info: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_model_card(info, tmp_path, owners=OWNERS)
    assert list(tmp_path.iterdir()) == []


def test_create_model_card_reports_invalid_values_without_writing(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        create_model_card({"name": "Scorer", "metrics": {"accuracy": 92}}, tmp_path, owners=OWNERS)
    assert caught.value.errors[0].path == "metrics[0].value"
    assert "write accuracy as a fraction" in caught.value.errors[0].message
    assert list(tmp_path.rglob("*.yaml")) == []


def test_validate_returns_located_error_objects(tmp_path: Path) -> None:
    card = create_model_card(GETTING_STARTED, tmp_path / "cards", owners=OWNERS)
    card.path.write_text(card.path.read_text().replace("status: draft", "status: in_review"))
    errors = validate(tmp_path / "cards")
    summary = next(error for error in errors if error.path == "summary")
    expected_line = (
        card.path.read_text()
        .splitlines()
        .index(next(line for line in card.path.read_text().splitlines() if line.startswith("summary:")))
        + 1
    )
    assert (summary.line, summary.column) == (expected_line, 1)
    assert summary.file.endswith("image-classifier/1.0.yaml") and "status 'in_review'" in summary.message


def test_public_surface() -> None:
    assert set(model_catalog.__all__) >= {
        "Card",
        "CardError",
        "create_model_card",
        "load_card",
        "load_catalog",
        "validate",
    }
