"""The CycloneDX 1.6 export: every example card gives a valid ML-BOM that keeps the card's content."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from helpers import REPO
from model_catalog import Card, load_catalog
from model_catalog.cards.values import plain
from model_catalog.formats.cyclonedx import to_cyclonedx

CATALOG = load_catalog(REPO / "cards")
CARDS = sorted(CATALOG.cards, key=lambda card: card.key)
IDS = [f"{card.id}@{card.version}" for card in CARDS]


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Schema validation must use the files cyclonedx-python-lib ships, never the network."""


@pytest.fixture(autouse=True)
def no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def validator() -> JsonStrictValidator:
    # bom-1.6 with the spdx and jsf schemas it references, served from the package's own files.
    return JsonStrictValidator(SchemaVersion.V1_6)


def schema_errors(validator: JsonStrictValidator, bom: dict[str, Any]) -> list[str]:
    errors = validator.validate_str(json.dumps(bom), all_errors=True)
    return [f"{'/'.join(map(str, error.data.absolute_path))}: {error.data.message}" for error in errors or []]


def with_data(card: Card, **changes: Any) -> Card:
    """A copy of ``card`` with some fields changed (a value of None removes the field)."""
    data = {key: value for key, value in {**card.data, **changes}.items() if value is not None}
    return Card(card.path, card.source, data)  # its digest made from the new data


def model(bom: dict[str, Any]) -> dict[str, Any]:
    [found] = [component for component in bom["components"] if component["type"] == "machine-learning-model"]
    return found


def data_components(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {component["bom-ref"]: component for component in bom["components"] if component["type"] == "data"}


def properties(holder: dict[str, Any]) -> list[tuple[str, str]]:
    return [(prop["name"], prop["value"]) for prop in holder.get("properties", [])]


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def test_the_example_catalog_loads() -> None:
    assert CATALOG.ok, CATALOG.errors
    assert len(CARDS) == 15


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_every_card_is_a_valid_cyclonedx_1_6_bom(card: Card, validator: JsonStrictValidator) -> None:
    bom = to_cyclonedx(card)
    assert schema_errors(validator, bom) == []
    assert (bom["bomFormat"], bom["specVersion"], bom["version"]) == ("CycloneDX", "1.6", 1)
    refs = [component["bom-ref"] for component in bom["components"]]
    assert len(refs) == len(set(refs)), "bom-refs must be unique"
    subject = bom["metadata"]["component"]
    assert (subject["type"], subject["name"], subject["version"]) == ("machine-learning-model", card.name, card.version)
    assert "bom-ref" not in subject
    component = model(bom)
    assert (component["name"], component["version"], component["bom-ref"]) == (
        card.name,
        card.version,
        f"{card.id}@{card.version}",
    )
    assert component.get("description") == card.data.get("summary")
    assert component.get("tags", []) == card.data.get("tags", [])
    assert component["authors"] == [{"name": owner["name"], "email": owner["email"]} for owner in card.data["owners"]]


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_metrics_round_trip(card: Card) -> None:
    metrics = model(to_cyclonedx(card))["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    assert len(metrics) == len(card.data["metrics"])
    for exported, metric in zip(metrics, card.data["metrics"], strict=True):
        assert exported["type"] == metric["name"]
        assert isinstance(exported["value"], str) and float(exported["value"]) == metric["value"]
        assert exported.get("slice") == metric.get("slice")
        interval = exported.get("confidenceInterval")
        if "confidence_interval" in metric:
            bounds = (float(interval["lowerBound"]), float(interval["upperBound"]))
            assert bounds == tuple(metric["confidence_interval"])
        else:
            assert interval is None


def test_metric_details_without_a_cyclonedx_field_are_properties() -> None:
    card = CATALOG.get("toxicity-classifier", "2.0")
    assert card is not None
    found = properties(model(to_cyclonedx(card))["modelCard"])
    assert ("model-catalog:metrics[9].dataset", "Production shadow traffic, 2025-05") in found
    assert ("model-catalog:metrics[9].unit", "ms") in found
    assert ("model-catalog:metrics[9].threshold", "80") in found
    assert ("model-catalog:metrics[9].higher_is_better", "false") in found


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_licenses(card: Card) -> None:
    expected = {
        None: None,
        "proprietary": [{"license": {"name": "proprietary"}}],
        "Apache-2.0": [{"license": {"id": "Apache-2.0"}}],
        "MIT": [{"license": {"id": "MIT"}}],
    }[card.data.get("license")]
    assert model(to_cyclonedx(card)).get("licenses") == expected


@pytest.mark.parametrize(
    ("license", "expected"),
    [
        ("MIT OR Apache-2.0", [{"expression": "MIT OR Apache-2.0"}]),
        ("Apache-2.0 WITH LLVM-exception", [{"expression": "Apache-2.0 WITH LLVM-exception"}]),
        ("(MIT AND BSD-3-Clause) OR GPL-2.0-only", [{"expression": "(MIT AND BSD-3-Clause) OR GPL-2.0-only"}]),
        ("LicenseRef-acme-weights", [{"expression": "LicenseRef-acme-weights"}]),
        ("CC-BY-4.0", [{"license": {"id": "CC-BY-4.0"}}]),
    ],
)
def test_spdx_expressions(license: str, expected: list[dict[str, Any]], validator: JsonStrictValidator) -> None:
    card = with_data(CARDS[0], license=license)
    bom = to_cyclonedx(card)
    assert model(bom)["licenses"] == expected
    assert schema_errors(validator, bom) == []


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_datasets_are_data_components_referenced_by_the_model_card(card: Card) -> None:
    bom = to_cyclonedx(card)
    found = data_components(bom)
    card_sets = [("training", item) for item in card.data.get("training_data", [])]
    card_sets += [("evaluation", item) for item in card.data.get("evaluation_data", [])]
    refs = [item["ref"] for item in model(bom)["modelCard"].get("modelParameters", {}).get("datasets", [])]
    assert refs == list(found), "every data component is referenced, in card order"
    assert len(found) == len(card_sets)
    for (use, dataset), component in zip(card_sets, found.values(), strict=True):
        [entry] = component["data"]
        assert (component["name"], entry["type"], entry["name"]) == (dataset["name"], "dataset", dataset["name"])
        assert entry.get("description") == dataset.get("description")
        assert entry.get("contents", {}).get("url") == dataset.get("link")
        assert ("model-catalog:used_for", use) in properties(component)
        if "size" in dataset:
            assert ("model-catalog:size", dataset["size"]) in properties(component)
        sensitive = dataset.get("sensitive_data")
        if isinstance(sensitive, str):
            assert entry["sensitiveData"] == [sensitive]
        elif sensitive is True:
            assert entry["sensitiveData"]
            assert ("model-catalog:sensitive_data", "true") in properties(component)
        else:
            assert "sensitiveData" not in entry
            if sensitive is False:
                assert ("model-catalog:sensitive_data", "false") in properties(component)


def test_sensitive_data_without_details(validator: JsonStrictValidator) -> None:
    card = CATALOG.get("toxicity-classifier", "2.0")
    assert card is not None
    changed = [dict(card.data["training_data"][0], sensitive_data=True)]
    bom = to_cyclonedx(with_data(card, training_data=changed))
    [entry] = data_components(bom)["toxicity-classifier@2.0/training_data/0"]["data"]
    assert entry["sensitiveData"] and all(isinstance(item, str) for item in entry["sensitiveData"])
    assert schema_errors(validator, bom) == []


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_limitations_uses_and_ethical_considerations(card: Card) -> None:
    considerations = model(to_cyclonedx(card))["modelCard"].get("considerations", {})
    intended = card.data.get("intended_use", {})
    assert considerations.get("technicalLimitations", []) == card.data.get("limitations", [])
    assert considerations.get("useCases", []) == intended.get("primary_uses", [])
    assert considerations.get("users", []) == intended.get("primary_users", [])
    expected = []
    for item in card.data.get("ethical_considerations", []):
        expected.append(
            {"name": item["risk"], **({"mitigationStrategy": item["mitigation"]} if "mitigation" in item else {})}
        )
    assert considerations.get("ethicalConsiderations", []) == expected


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_environmental_impact_is_kept(card: Card) -> None:
    considerations = model(to_cyclonedx(card))["modelCard"].get("considerations", {})
    impact = card.data.get("environmental_impact")
    kept = properties(considerations.get("environmentalConsiderations", {}))
    assert kept == sorted(
        (f"model-catalog:environmental_impact.{key}", as_text(value)) for key, value in (impact or {}).items()
    )


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_no_card_value_is_lost(card: Card) -> None:
    """Every value the card holds appears somewhere in the BOM, as CycloneDX writes it (a string)."""
    exported = set(strings(to_cyclonedx(card)))
    missing = [value for value in leaves(plain(card.data)) if as_text(value) not in exported]
    assert missing == []


def test_catalog_fields_and_extension_fields_become_properties(validator: JsonStrictValidator) -> None:
    card = CATALOG.get("churn-predictor", "1.1")
    assert card is not None
    owners = [dict(card.data["owners"][0], slack="#churn"), *card.data["owners"][1:]]
    bom = to_cyclonedx(with_data(card, owners=owners, cost_centre="CC-1234"))
    found = properties(model(bom))
    for expected in [
        ("model-catalog:id", "churn-predictor"),
        ("model-catalog:status", "approved"),
        ("model-catalog:risk_tier", "medium"),
        ("model-catalog:created", "2025-12-01"),
        ("model-catalog:owners[0].team", "personalization"),
        ("model-catalog:owners[0].slack", "#churn"),
        ("model-catalog:approvals[1].role", "responsible-ai"),
        ("model-catalog:cost_centre", "CC-1234"),
        ("model-catalog:content_digest", with_data(card, owners=owners, cost_centre="CC-1234").digest),
    ]:
        assert expected in found
    assert schema_errors(validator, bom) == []


def test_base_model_is_the_ancestor() -> None:
    card = CATALOG.get("toxicity-classifier", "2.0")
    assert card is not None
    component = model(to_cyclonedx(card))
    [ancestor] = component["pedigree"]["ancestors"]
    assert (ancestor["type"], ancestor["name"], ancestor["version"]) == (
        "machine-learning-model",
        "text-encoder",
        "1.0",
    )
    assert ("model-catalog:model_details.base_model", "text-encoder@1.0") in properties(component["modelCard"])


def test_serial_number_is_stable_and_differs_between_cards() -> None:
    first, second = CARDS[0], CARDS[1]
    serial = to_cyclonedx(first)["serialNumber"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", serial)
    assert to_cyclonedx(first)["serialNumber"] == serial
    assert to_cyclonedx(second)["serialNumber"] != serial
    serials = {to_cyclonedx(card)["serialNumber"] for card in CARDS}
    assert len(serials) == len(CARDS)


def test_output_is_deterministic() -> None:
    for card in CARDS:
        assert json.dumps(to_cyclonedx(card)) == json.dumps(to_cyclonedx(card))


def test_no_timestamp_without_source_date_epoch() -> None:
    assert "timestamp" not in to_cyclonedx(CARDS[0])["metadata"]


def test_timestamp_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch, validator: JsonStrictValidator) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    bom = to_cyclonedx(CARDS[0])
    # The installed jsonschema does not check `date-time` formats, so check the text here.
    assert bom["metadata"]["timestamp"] == "2023-11-14T22:13:20Z"
    assert dt.datetime.fromisoformat(bom["metadata"]["timestamp"].replace("Z", "+00:00")).timestamp() == 1700000000
    assert schema_errors(validator, bom) == []


def test_malformed_source_date_epoch_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        to_cyclonedx(CARDS[0])


def test_the_export_does_not_need_cyclonedx_python_lib_or_mkdocs() -> None:
    source = (REPO / "plugins/model_catalog/formats/cyclonedx.py").read_text()
    assert not re.search(r"^\s*(from|import)\s+(cyclonedx|mkdocs)\b", source, re.MULTILINE)
