"""A card as an SPDX 3.0.1 document (JSON-LD), built as plain data.

The model is an ``ai_AIPackage``, the document's root element; each training
and evaluation data set is a ``dataset_DatasetPackage`` the model is
``trainedOn`` or ``testedOn``; the base model is a stub ``ai_AIPackage`` the
model is a ``descendantOf``; the license is a ``simplelicensing_LicenseExpression``
the model has as declared and concluded license (the AI profile wants both,
and the owners who declare it are the licensor); each approval is a ``review``
``Annotation`` made by its approver on its date.

Property names and values are those of the SPDX 3.0.1 model (the
``spdx-python-model`` bindings read every export back in the tests); card
content SPDX has no property for is either written into the free-text
properties meant for it (``ai_informationAboutTraining``,
``ai_informationAboutApplication``) or left out, never squeezed into a
vocabulary it does not belong to. SPDX's ``ai_metricDecisionThreshold`` is the
cut-off a metric was computed at, not the card's ``threshold`` (the value the
model must reach), so thresholds go to the application text.

The document depends only on the card (and ``SOURCE_DATE_EPOCH``), so the
same card always gives the same bytes: every ``spdxId`` is made from the
model's id and version, and ``created`` is the card's ``updated`` date, as the
spec advises for reproducible builds, never the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from model_catalog._version import __version__
from model_catalog.cards.model import Card
from model_catalog.cards.values import parse_isodate, plain
from model_catalog.formats.cyclonedx import source_date

SPEC_VERSION = "3.0.1"
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
NAMESPACE = "urn:model-catalog:"
"""Prefix of every spdxId; an exporter knows the card only, not the site it is published on."""
TOOL_NAME = "model-catalog"
CREATION_INFO = "_:creationinfo"
PROPRIETARY = "LicenseRef-proprietary"
"""The card's ``proprietary``, which is no SPDX license expression, as the custom license reference SPDX allows."""
NO_ASSERTION_LICENSE = "expandedlicensing_NoAssertionLicense"
EPOCH = "1970-01-01T00:00:00Z"
"""``created`` of a card without dates when ``SOURCE_DATE_EPOCH`` is unset: fixed, so still reproducible."""

# Statuses of a version that was released: its last approval is when.
_RELEASED = frozenset({"approved", "deprecated", "retired"})
# SPDX's fourth level, ``serious``, has no card tier.
_RISK = {"low": "low", "medium": "medium", "high": "high"}
_DATASETS = {"training_data": "trainedOn", "evaluation_data": "testedOn"}
# What a metric's key names besides its name, so that measurements of one metric are told apart.
_METRIC_QUALIFIERS = {"dataset": "dataset", "dataset_config": "config", "split": "split", "slice": "slice"}


def to_spdx(card: Card) -> dict[str, Any]:
    """The card as an SPDX 3.0.1 JSON-LD document, ready for ``json.dumps``."""
    data: dict[str, Any] = plain(card.data)
    model = model_iri(card)
    created = creation_time(card.data)
    agent, tool = f"{model}/agent", f"{model}/tool"
    elements = [
        _element("SoftwareAgent", agent, {"name": TOOL_NAME}),
        _element("Tool", tool, {"name": f"{TOOL_NAME} {__version__}"}),
    ]
    people, team = owner_agents(data.get("owners", []), model)
    elements += people + team
    supplier = (team or people)[0]["spdxId"] if team or people else None
    elements.append(ai_package(card, data, [person["spdxId"] for person in people], supplier))
    for field, relationship_type in _DATASETS.items():
        datasets = dataset_packages(data.get(field, []), f"{model}/{field.replace('_', '-')}")
        elements += datasets
        if datasets:
            targets = [dataset["spdxId"] for dataset in datasets]
            elements.append(_relationship(f"{model}/{relationship_type}", model, relationship_type, targets))
    elements += license_elements(data.get("license"), model)
    elements += base_model_elements(data.get("model_details", {}).get("base_model"), model)
    reviews, review_infos = approval_annotations(data.get("approvals", []), model)
    elements += reviews
    document = _element(
        "SpdxDocument",
        f"{model}/document",
        {
            "name": f"{card.name} {card.version}",
            "comment": f"Made by {TOOL_NAME} from the card of {card.id} {card.version} (content digest {card.digest}).",
            "profileConformance": ["core", "software", "simpleLicensing", "ai"],
            "rootElement": [model],
            "element": [element["spdxId"] for element in elements],
        },
    )
    info = _creation_info(CREATION_INFO, created, agent) | {"createdUsing": [tool]}
    return {"@context": CONTEXT, "@graph": [info, *review_infos, *elements, document]}


def model_iri(card: Card) -> str:
    """The model's spdxId, ``urn:model-catalog:<id>@<version>``; the other elements' are made from it."""
    return f"{NAMESPACE}{card.id}@{card.version}"


def creation_time(data: dict[str, Any]) -> str:
    """The card's ``updated`` date, else ``SOURCE_DATE_EPOCH``, else its ``created`` date, else 1970.

    ``SOURCE_DATE_EPOCH`` is read even when unused, so that a malformed value is reported for every card.
    """
    build = source_date()
    updated, written = parse_isodate(data.get("updated")), parse_isodate(data.get("created"))
    if updated:
        return _midnight(updated)
    return build or (_midnight(written) if written else EPOCH)


def owner_agents(owners: list[dict[str, Any]], model: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The owners as Persons (e-mail as identifier), and their team as an Organization when they share one.

    The team supplies the model; owners of several teams have no one supplier, and the first owner stands for them.
    """
    people = [
        _element(
            "Person",
            f"{model}/owner/{index}",
            {"name": str(owner["name"]), "externalIdentifier": [_identifier("email", str(owner["email"]))]},
        )
        for index, owner in enumerate(owners)
    ]
    teams = {str(owner["team"]) for owner in owners if owner.get("team")}
    return people, [_element("Organization", f"{model}/team", {"name": team}) for team in teams if len(teams) == 1]


def ai_package(card: Card, data: dict[str, Any], originators: list[str], supplier: str | None) -> dict[str, Any]:
    """The model: its architecture and task are its type of model, its tags the nearest the card has to domains."""
    details = data.get("model_details", {})
    return _element(
        "ai_AIPackage",
        model_iri(card),
        {
            "name": card.name,
            "software_packageVersion": card.version,
            "summary": data.get("summary"),
            "description": data.get("description"),
            "externalIdentifier": [catalog_identifier(card.id, card.version)],
            "externalRef": external_refs(data),
            "originatedBy": originators,
            "suppliedBy": supplier,
            "releaseTime": release_time(data),
            "software_primaryPurpose": "model",
            "software_attributionText": [details["citation"]] if details.get("citation") else [],
            "ai_typeOfModel": [value for value in (details.get("architecture"), data.get("task")) if value],
            "ai_domain": list(data.get("tags", [])),
            "ai_limitation": "\n".join(data.get("limitations", [])),
            "ai_informationAboutTraining": training_information(data),
            "ai_informationAboutApplication": application_information(data),
            "ai_metric": [_entry(metric_key(metric), _number(metric["value"])) for metric in data.get("metrics", [])],
            "ai_safetyRiskAssessment": _RISK.get(data.get("risk_tier", "")),
            "ai_useSensitivePersonalInformation": sensitive_use(data),
        },
    )


def catalog_identifier(model_id: str, version: str | None) -> dict[str, Any]:
    """The catalog's ``id@version``: what names the model outside SPDX, and ties a base model to its own card."""
    identifier = f"{model_id}@{version}" if version else model_id
    return _identifier("other", identifier, "model-catalog id@version")


def external_refs(data: dict[str, Any]) -> list[dict[str, Any]]:
    details = data.get("model_details", {})
    refs = []
    if details.get("repository"):
        refs.append(_ref("vcs", details["repository"], "Training code"))
    if details.get("paper"):
        refs.append(_ref("documentation", details["paper"], "Paper"))
    refs += [_ref("other", link["url"], link["title"]) for link in data.get("links", [])]
    return refs


def release_time(data: dict[str, Any]) -> str | None:
    """The date of the last approval of a released version (approved, deprecated, retired); None for the others."""
    if data.get("status") not in _RELEASED:
        return None
    dates = [day for approval in data.get("approvals", []) if (day := parse_isodate(approval.get("date")))]
    return _midnight(max(dates)) if dates else None


def metric_key(metric: dict[str, Any]) -> str:
    """``name [unit] (dataset: ...; split: ...; slice: ...)``: the metric's name with what tells equal names apart."""
    key = str(metric["name"]) + (f" [{metric['unit']}]" if metric.get("unit") else "")
    qualifiers = [f"{label}: {metric[part]}" for part, label in _METRIC_QUALIFIERS.items() if metric.get(part)]
    return key + (f" ({'; '.join(qualifiers)})" if qualifiers else "")


def training_information(data: dict[str, Any]) -> str:
    """Framework, size and the compute of the training, as text (SPDX's energy needs kWh, which cards do not give)."""
    details, impact = data.get("model_details", {}), data.get("environmental_impact") or {}
    hours, co2 = impact.get("hours"), impact.get("co2_eq_kg")
    lines = [
        _line("Framework", details.get("framework")),
        _line("Trainable parameters", details.get("parameters")),
        _line("Hardware", impact.get("hardware")),
        _line("Training time", f"{_number(hours)} hours" if hours is not None else None),
        _line("Region", impact.get("region")),
        _line("Estimated emissions", f"{_number(co2)} kg CO2-equivalent" if co2 is not None else None),
    ]
    return "\n".join(line for line in lines if line)


def application_information(data: dict[str, Any]) -> str:
    """Intended use, inputs and outputs, the thresholds for fitness and the caveats, as text."""
    intended, details = data.get("intended_use", {}), data.get("model_details", {})
    thresholds = [
        f"{metric_key(metric)} at {'least' if metric.get('higher_is_better', True) else 'most'} "
        + _number(metric["threshold"])
        for metric in data.get("metrics", [])
        if metric.get("threshold") is not None
    ]
    parts = [
        _section("Primary uses", intended.get("primary_uses")),
        _section("Primary users", intended.get("primary_users")),
        _section("Out of scope", intended.get("out_of_scope")),
        _line("Input", details.get("input_format")),
        _line("Output", details.get("output_format")),
        _section("Fit for use when", thresholds),
        _section("Caveats and recommendations", data.get("caveats_and_recommendations")),
    ]
    return "\n".join(part for part in parts if part)


def presence(sensitive: bool | str | None) -> str | None:
    """A data set's ``sensitive_data`` as SPDX's PresenceType: a sentence says which data, so it is a yes."""
    if sensitive is None or sensitive == "":
        return None
    return "no" if sensitive is False else "yes"


def sensitive_use(data: dict[str, Any]) -> str | None:
    """Yes when any data set holds sensitive data, no when every one says it does not, else unsaid."""
    answers = [presence(dataset.get("sensitive_data")) for field in _DATASETS for dataset in data.get(field, [])]
    if "yes" in answers:
        return "yes"
    return "no" if answers and all(answer == "no" for answer in answers) else None


def dataset_packages(datasets: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """A DatasetPackage for each data set; the card does not say the data's type, which SPDX requires: noAssertion."""
    packages = []
    for index, dataset in enumerate(datasets):
        link, sensitive = dataset.get("link"), dataset.get("sensitive_data")
        web = isinstance(link, str) and link.startswith(("https://", "http://"))
        notes = [
            _line("Size", dataset.get("size")),
            _line("Sensitive data", sensitive if isinstance(sensitive, str) else None),
        ]
        packages.append(
            _element(
                "dataset_DatasetPackage",
                f"{prefix}/{index}",
                {
                    "name": str(dataset["name"]),
                    "description": dataset.get("description"),
                    "comment": "\n".join(note for note in notes if note),
                    "software_primaryPurpose": "data",
                    "software_downloadLocation": link if web else None,
                    "externalRef": [_ref("other", link, "Where to find it")] if link and not web else [],
                    "dataset_datasetType": ["noAssertion"],
                    "dataset_hasSensitivePersonalInformation": presence(sensitive),
                },
            )
        )
    return packages


def license_elements(license_id: str | None, subject: str) -> list[dict[str, Any]]:
    """The license ``subject`` is declared and concluded to have: the AI profile wants both for every AI package.

    The owners who declare it are the licensor, so the document concludes what they declare; a card without a
    license gives SPDX's NoAssertionLicense.
    """
    elements, target = [], NO_ASSERTION_LICENSE
    if license_id:
        target = f"{subject}/license"
        expression = PROPRIETARY if license_id == "proprietary" else license_id
        elements.append(
            _element("simplelicensing_LicenseExpression", target, {"simplelicensing_licenseExpression": expression})
        )
    kinds = ("hasDeclaredLicense", "hasConcludedLicense")
    return elements + [_relationship(f"{subject}/{kind}", subject, kind, [target]) for kind in kinds]


def base_model_elements(base_model: str | None, model: str) -> list[dict[str, Any]]:
    """The model it was derived from, as a stub AIPackage named by its catalog id; its own card says the rest."""
    if not base_model:
        return []
    model_id, _, version = base_model.partition("@")
    base = f"{model}/base-model"
    stub = _element(
        "ai_AIPackage",
        base,
        {
            "name": model_id,
            "software_packageVersion": version or None,
            "software_primaryPurpose": "model",
            "externalIdentifier": [catalog_identifier(model_id, version or None)],
        },
    )
    derived = _relationship(f"{model}/descendantOf", model, "descendantOf", [base])
    return [stub, derived, *license_elements(None, base)]


def approval_annotations(
    approvals: list[dict[str, Any]], model: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each approval as a review Annotation created by its approver on its date, and those creation infos.

    What the card says, as CycloneDX's export says it: the gate, not the export, judges an approval.
    """
    elements, infos = [], []
    for index, approval in enumerate(approvals):
        person, info = f"{model}/approver/{index}", f"_:approval{index}"
        day = parse_isodate(approval.get("date"))
        infos.append(_creation_info(info, _midnight(day) if day else EPOCH, person))
        elements.append(_element("Person", person, {"name": str(approval["approver"])}))
        statement = f"Approved in the role {approval['role']} (content digest {approval['digest']})."
        elements.append(
            {
                "type": "Annotation",
                "spdxId": f"{model}/approval/{index}",
                "creationInfo": info,
                "annotationType": "review",
                "subject": model,
                "statement": statement,
            }
        )
    return elements, infos


def _creation_info(node: str, created: str, creator: str) -> dict[str, Any]:
    return {
        "type": "CreationInfo",
        "@id": node,
        "specVersion": SPEC_VERSION,
        "created": created,
        "createdBy": [creator],
    }


def _element(kind: str, spdx_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    """An element of the document's creation, with the properties that say something (SPDX leaves out unknowns)."""
    element: dict[str, Any] = {"type": kind, "spdxId": spdx_id, "creationInfo": CREATION_INFO}
    element.update((key, value) for key, value in properties.items() if value not in (None, "", []))
    return element


def _relationship(spdx_id: str, source: str, kind: str, targets: list[str]) -> dict[str, Any]:
    return _element("Relationship", spdx_id, {"from": source, "relationshipType": kind, "to": targets})


def _identifier(kind: str, identifier: str, comment: str | None = None) -> dict[str, Any]:
    found = {"type": "ExternalIdentifier", "externalIdentifierType": kind, "identifier": identifier}
    return found | ({"comment": comment} if comment else {})


def _ref(kind: str, locator: str, comment: str) -> dict[str, Any]:
    return {"type": "ExternalRef", "externalRefType": kind, "locator": [locator], "comment": comment}


def _entry(key: str, value: str) -> dict[str, str]:
    return {"type": "DictionaryEntry", "key": key, "value": value}


def _midnight(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _number(value: Any) -> str:
    """A number as text: integers as written, floats in their shortest exact form."""
    return repr(value) if isinstance(value, float) else str(value)


def _line(label: str, value: Any) -> str:
    return f"{label}: {value}" if value is not None and value != "" else ""


def _section(label: str, items: list[str] | None) -> str:
    return f"{label}:\n" + "\n".join(f"- {item}" for item in items) if items else ""
