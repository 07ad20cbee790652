"""A card as a CycloneDX 1.6 ML-BOM (JSON), built as plain data.

The model is a ``machine-learning-model`` component with a ``modelCard``; each
training and evaluation data set is a ``data`` component that
``modelCard.modelParameters.datasets`` references by ``bom-ref``.

Card content CycloneDX has no field for is kept as ``model-catalog:<path>``
properties next to the structured data of the same section: the model
component's for catalog fields (status, risk tier, owners' teams, approvals,
fields an organisation's schema extension adds), the model card's for model
details, intended use, factors and metric details, ``environmentalConsiderations``'
for the environmental impact, each data component's for its data set. A
``<path>`` is the card's field path (``metrics[2].threshold``): list items of
mappings are indexed from 0, as in the JSON arrays of the BOM, and list items
of text repeat the name (properties may share names).

The document depends only on the card, so the same card always gives the same
BOM: the serial number is derived from the card's content digest and the
timestamp comes from ``SOURCE_DATE_EPOCH``, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from typing import Any

from model_catalog._version import __version__
from model_catalog.cards.model import Card
from model_catalog.cards.values import plain

SPEC_VERSION = "1.6"
PROPERTY_PREFIX = "model-catalog:"
TOOL_NAME = "model-catalog"
# Fixed namespace of the uuid5 serial numbers; changing it changes every serial number.
SERIAL_NAMESPACE = uuid.UUID("4f3f0c22-b8b9-4c67-92ab-887372b6b029")
SENSITIVE_WITHOUT_DETAILS = "Personal or otherwise sensitive data (the card does not say which)."

_SINGLE_LICENSE = re.compile(r"[A-Za-z0-9.+-]+")
_EPOCH = re.compile(r"\d+")

# Card fields that have a CycloneDX field of their own (the rest become properties).
_COMPONENT_FIELDS = frozenset({"name", "version", "summary", "license", "tags", "owners"})
_MODEL_CARD_FIELDS = frozenset(
    {
        "model_details",
        "intended_use",
        "factors",
        "metrics",
        "ethical_considerations",
        "limitations",
        "caveats_and_recommendations",
        "environmental_impact",
    }
)
_DATASET_FIELDS = {"training_data": "training", "evaluation_data": "evaluation"}
# base_model is mapped to the pedigree and also kept as written (``id@version``) as a property.
_DETAILS_MAPPED = frozenset({"architecture", "input_format", "output_format", "paper", "repository"})


def to_cyclonedx(card: Card) -> dict[str, Any]:
    """The card as a CycloneDX 1.6 BOM, ready for ``json.dumps``."""
    data: dict[str, Any] = plain(card.data)
    datasets = dataset_components(data, model_ref(card))
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": serial_number(card),
        "version": 1,
        "metadata": bom_metadata(card),
        "components": [model_component(card, data, [component["bom-ref"] for component in datasets]), *datasets],
    }


def model_ref(card: Card) -> str:
    """The model's ``bom-ref``: its catalog id and version, unique in the BOM."""
    return f"{card.id}@{card.version}"


def serial_number(card: Card) -> str:
    """A serial number that is the same for the same card content, so exports are reproducible."""
    return f"urn:uuid:{uuid.uuid5(SERIAL_NAMESPACE, card.digest)}"


def source_date() -> str | None:
    """``SOURCE_DATE_EPOCH`` as an RFC 3339 UTC time; None when unset, so builds stay reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not _EPOCH.fullmatch(value):
        raise ValueError(f"SOURCE_DATE_EPOCH must be a number of seconds since 1970, not {value!r}")
    moment = dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def bom_metadata(card: Card) -> dict[str, Any]:
    """Who made the BOM and what it describes; the model itself is listed in ``components``.

    ``metadata.component`` names the model without a ``bom-ref``: a bom-ref must be
    unique in the BOM, and the model component in ``components`` carries it.
    """
    meta: dict[str, Any] = {}
    _put(meta, "timestamp", source_date())
    meta["tools"] = {"components": [tool_component()]}
    meta["component"] = {"type": "machine-learning-model", "name": card.name, "version": card.version}
    return meta


def tool_component() -> dict[str, str]:
    """model-catalog, with its version, as the tool that wrote the BOM."""
    return {"type": "application", "name": TOOL_NAME, "version": __version__}


def model_component(card: Card, data: dict[str, Any], dataset_refs: list[str]) -> dict[str, Any]:
    details = data.get("model_details", {})
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": model_ref(card),
        "name": card.name,
        "version": card.version,
    }
    _put(component, "description", data.get("summary"))
    _put(component, "authors", [author(owner) for owner in data.get("owners", [])])
    _put(component, "licenses", licenses(data.get("license")))
    _put(component, "externalReferences", external_references(data))
    _put(component, "pedigree", pedigree(details.get("base_model")))
    _put(component, "tags", list(data.get("tags", [])))
    component["modelCard"] = model_card(data, dataset_refs)
    _put(component, "properties", catalog_properties(card, data))
    return component


def author(owner: dict[str, Any]) -> dict[str, str]:
    contact = {"name": str(owner["name"])}
    _put(contact, "email", owner.get("email"))
    return contact


def licenses(spdx: str | None) -> list[dict[str, Any]]:
    """A card license as a CycloneDX license choice: SPDX id, SPDX expression, or named."""
    if not spdx:
        return []
    if spdx == "proprietary":
        return [{"license": {"name": "proprietary"}}]
    if _SINGLE_LICENSE.fullmatch(spdx) and not spdx.startswith("LicenseRef-"):
        return [{"license": {"id": spdx}}]
    return [{"expression": spdx}]


def external_references(data: dict[str, Any]) -> list[dict[str, str]]:
    details = data.get("model_details", {})
    references = []
    if details.get("repository"):
        references.append({"type": "vcs", "url": details["repository"], "comment": "Training code"})
    if details.get("paper"):
        references.append({"type": "documentation", "url": details["paper"], "comment": "Paper"})
    for link in data.get("links", []):
        references.append({"type": "website", "url": link["url"], "comment": link["title"]})
    return references


def pedigree(base_model: str | None) -> dict[str, Any]:
    """The catalog model this one was derived from, as its ancestor (``id`` or ``id@version``)."""
    if not base_model:
        return {}
    model_id, _, version = base_model.partition("@")
    ancestor: dict[str, Any] = {"type": "machine-learning-model", "name": model_id}
    _put(ancestor, "version", version)
    return {"ancestors": [ancestor]}


def model_card(data: dict[str, Any], dataset_refs: list[str]) -> dict[str, Any]:
    card: dict[str, Any] = {}
    _put(card, "modelParameters", model_parameters(data, dataset_refs))
    metrics = [performance_metric(metric) for metric in data.get("metrics", [])]
    _put(card, "quantitativeAnalysis", {"performanceMetrics": metrics} if metrics else {})
    _put(card, "considerations", considerations(data))
    _put(card, "properties", model_card_properties(data))
    return card


def model_parameters(data: dict[str, Any], dataset_refs: list[str]) -> dict[str, Any]:
    details = data.get("model_details", {})
    parameters: dict[str, Any] = {}
    _put(parameters, "task", data.get("task"))
    _put(parameters, "modelArchitecture", details.get("architecture"))
    _put(parameters, "datasets", [{"ref": ref} for ref in dataset_refs])
    _put(parameters, "inputs", [{"format": details["input_format"]}] if details.get("input_format") else [])
    _put(parameters, "outputs", [{"format": details["output_format"]}] if details.get("output_format") else [])
    return parameters


def performance_metric(metric: dict[str, Any]) -> dict[str, Any]:
    """One card metric; CycloneDX wants numbers as strings. Data set, unit and threshold are properties."""
    entry: dict[str, Any] = {"type": str(metric["name"]), "value": _text(metric["value"])}
    _put(entry, "slice", metric.get("slice"))
    interval = metric.get("confidence_interval")
    if interval:
        entry["confidenceInterval"] = {"lowerBound": _text(interval[0]), "upperBound": _text(interval[1])}
    return entry


def considerations(data: dict[str, Any]) -> dict[str, Any]:
    intended = data.get("intended_use", {})
    found: dict[str, Any] = {}
    _put(found, "users", list(intended.get("primary_users", [])))
    _put(found, "useCases", list(intended.get("primary_uses", [])))
    _put(found, "technicalLimitations", list(data.get("limitations", [])))
    _put(found, "ethicalConsiderations", [ethical_risk(item) for item in data.get("ethical_considerations", [])])
    _put(found, "environmentalConsiderations", environmental_considerations(data.get("environmental_impact")))
    return found


def ethical_risk(item: dict[str, Any]) -> dict[str, str]:
    risk = {"name": str(item["risk"])}
    _put(risk, "mitigationStrategy", item.get("mitigation"))
    return risk


def environmental_considerations(impact: dict[str, Any] | None) -> dict[str, Any]:
    """Training compute and emissions, as properties.

    CycloneDX's ``energyConsumptions`` requires the energy used in kWh (and its
    providers) before it can hold CO2; cards record hours, hardware and kg CO2eq
    but no energy, so nothing would be valid there without inventing numbers.
    """
    if not impact:
        return {}
    return {"properties": _flatten("environmental_impact", impact)}


def model_card_properties(data: dict[str, Any]) -> list[dict[str, str]]:
    """Model card content without a CycloneDX field: framework, out-of-scope uses, factors, metric details."""
    found = _flatten("model_details", _without(data.get("model_details", {}), _DETAILS_MAPPED))
    found += _flatten("intended_use", _without(data.get("intended_use", {}), {"primary_uses", "primary_users"}))
    found += _flatten("factors", data.get("factors"))
    for index, metric in enumerate(data.get("metrics", [])):
        found += _flatten(f"metrics[{index}]", _without(metric, {"name", "value", "slice", "confidence_interval"}))
    for index, item in enumerate(data.get("ethical_considerations", [])):
        found += _flatten(f"ethical_considerations[{index}]", _without(item, {"risk", "mitigation"}))
    found += _flatten("caveats_and_recommendations", data.get("caveats_and_recommendations"))
    return found


def catalog_properties(card: Card, data: dict[str, Any]) -> list[dict[str, str]]:
    """Catalog fields (id, status, risk tier, dates, teams, approvals, extension fields) and the digest."""
    found: list[dict[str, str]] = []
    for index, owner in enumerate(data.get("owners", [])):
        found += _flatten(f"owners[{index}]", _without(owner, {"name", "email"}))
    mapped = _COMPONENT_FIELDS | _MODEL_CARD_FIELDS | set(_DATASET_FIELDS) | {"links"}
    rest = _without(data, mapped)
    for key in sorted(rest):
        found += _flatten(key, rest[key])
    found.append(_property("content_digest", card.digest))
    return found


def dataset_components(data: dict[str, Any], model: str) -> list[dict[str, Any]]:
    """A ``data`` component for every training, then every evaluation data set."""
    components = []
    for field, use in _DATASET_FIELDS.items():
        for index, dataset in enumerate(data.get(field, [])):
            components.append(dataset_component(dataset, f"{model}/{field}/{index}", use))
    return components


def dataset_component(dataset: dict[str, Any], ref: str, use: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": "dataset", "name": str(dataset["name"])}
    _put(entry, "description", dataset.get("description"))
    _put(entry, "contents", {"url": dataset["link"]} if dataset.get("link") else {})
    _put(entry, "sensitiveData", sensitive_data(dataset.get("sensitive_data")))
    properties = [_property("used_for", use)]
    if isinstance(dataset.get("sensitive_data"), bool):
        properties.append(_property("sensitive_data", dataset["sensitive_data"]))
    rest = _without(dataset, {"name", "description", "link", "sensitive_data"})
    for key in sorted(rest):
        properties += _flatten(key, rest[key])
    return {"type": "data", "bom-ref": ref, "name": str(dataset["name"]), "data": [entry], "properties": properties}


def sensitive_data(value: bool | str | None) -> list[str]:
    """The card's answer as CycloneDX's list of descriptions: empty when it says there is none."""
    if value is True:
        return [SENSITIVE_WITHOUT_DETAILS]
    if isinstance(value, str) and value:
        return [value]
    return []


def _flatten(path: str, value: Any) -> list[dict[str, str]]:
    """Properties for a value no CycloneDX field holds, one per scalar, named by its card path."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [prop for key in sorted(value) for prop in _flatten(f"{path}.{key}", value[key])]
    if isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            found += _flatten(f"{path}[{index}]" if isinstance(item, (dict, list)) else path, item)
        return found
    return [_property(path, value)]


def _property(path: str, value: Any) -> dict[str, str]:
    return {"name": PROPERTY_PREFIX + path, "value": _text(value)}


def _text(value: Any) -> str:
    """A scalar as CycloneDX's string: JSON spelling for booleans, shortest exact text for floats."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _without(mapping: dict[str, Any], keys: set[str] | frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in keys and value is not None}


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` only when there is something to say: CycloneDX leaves unknowns out."""
    if value is not None and value != "" and value != [] and value != {}:
        target[key] = value
