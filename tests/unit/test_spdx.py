"""The SPDX 3.0.1 export: every example card reads back through the SPDX model's own bindings and keeps its content."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from spdx_python_model import v3_0_1 as spdx

from helpers import REPO
from model_catalog import Card, load_card, load_catalog
from model_catalog.formats import EXPORTERS
from model_catalog.formats.spdx import CONTEXT, to_spdx

CATALOG = load_catalog(REPO / "cards")
CARDS = sorted(CATALOG.cards, key=lambda card: card.key)
PUBLISHED = [card for card in CARDS if not card.is_draft]
IDS = [f"{card.id}@{card.version}" for card in PUBLISHED]
MODEL = "urn:model-catalog:credit-risk@2.0"


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Reading back must use the bindings alone, never the JSON-LD context online."""


@pytest.fixture(autouse=True)
def no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def read_back(text: str) -> spdx.SHACLObjectSet:
    """The document as the SPDX model reads it: strict about properties, types and vocabularies.

    Reading checks names, types and enum values; writing it out again checks the required properties; every
    reference must resolve and every object must be of a class of the model (an unknown type reads as an
    extensible object).
    """
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)
    assert objects.missing_ids == set()
    unknown = [obj.get_type() for obj in objects.foreach() if type(obj) is spdx.SHACLExtensibleObject]
    assert unknown == []
    spdx.JSONLDSerializer().write(objects, io.BytesIO())
    return objects


def export(card: Card) -> spdx.SHACLObjectSet:
    return read_back(EXPORTERS["spdx"](card))


def with_data(card: Card, **changes: Any) -> Card:
    """A copy of ``card`` with some fields changed (a value of None removes the field)."""
    data = {key: value for key, value in {**card.data, **changes}.items() if value is not None}
    return Card(card.path, card.source, data)


def model(objects: spdx.SHACLObjectSet, card: Card) -> spdx.ai_AIPackage:
    [found] = [obj for obj in objects.foreach_type(spdx.ai_AIPackage) if obj._id.endswith(f":{card.id}@{card.version}")]
    return found


def relationships(objects: spdx.SHACLObjectSet, source: Any, kind: str) -> list[spdx.Relationship]:
    return [
        rel for rel in objects.foreach_type(spdx.Relationship) if rel.from_ is source and rel.relationshipType == kind
    ]


def rel_type(name: str) -> str:
    return str(getattr(spdx.RelationshipType, name))


def card_text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def test_the_example_catalog_loads() -> None:
    assert CATALOG.ok, CATALOG.errors
    assert len(PUBLISHED) == 14 and len(CARDS) == 15


@pytest.mark.parametrize("card", PUBLISHED, ids=IDS)
def test_every_published_card_reads_back_as_an_spdx_3_0_1_document(card: Card) -> None:
    text = EXPORTERS["spdx"](card)
    assert json.loads(text)["@context"] == CONTEXT
    objects = read_back(text)
    package = model(objects, card)
    assert (package.name, package.software_packageVersion) == (card.name, card.version)
    assert package.summary == card.data["summary"] and package.description == card.data["description"]
    assert package.software_primaryPurpose == spdx.software_SoftwarePurpose.model
    assert package.ai_safetyRiskAssessment == getattr(spdx.ai_SafetyRiskAssessmentType, card.data["risk_tier"])
    assert package.ai_limitation.split("\n") == card.data["limitations"]
    assert [person.name for person in package.originatedBy] == [owner["name"] for owner in card.data["owners"]]
    assert package.suppliedBy is not None

    [document] = objects.foreach_type(spdx.SpdxDocument)
    assert list(document.rootElement) == [package]
    every_element = set(objects.foreach_type(spdx.Element)) - {document}
    assert set(document.element) == every_element
    info = document.creationInfo
    assert info.specVersion == "3.0.1" and info.created.date() == card.data["updated"]
    assert [agent.name for agent in info.createdBy] == ["model-catalog"]

    # Every metric, named with its data set and slice, valued as its number.
    metrics = card.data["metrics"]
    assert len(package.ai_metric) == len(metrics)
    for entry, metric in zip(package.ai_metric, metrics, strict=True):
        assert entry.key.startswith(metric["name"]) and float(entry.value) == metric["value"]
        for part in ("dataset", "slice", "unit"):
            assert metric.get(part, "") in entry.key
    assert len({entry.key for entry in package.ai_metric}) == len(metrics), "each metric is told apart"

    for field, kind in (("training_data", "trainedOn"), ("evaluation_data", "testedOn")):
        [relationship] = relationships(objects, package, rel_type(kind))
        assert all(isinstance(target, spdx.dataset_DatasetPackage) for target in relationship.to)
        assert [target.name for target in relationship.to] == [dataset["name"] for dataset in card.data[field]]

    expected = "LicenseRef-proprietary" if card.data["license"] == "proprietary" else card.data["license"]
    for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
        [relationship] = relationships(objects, package, rel_type(kind))
        [license_] = relationship.to
        assert isinstance(license_, spdx.simplelicensing_LicenseExpression)
        assert license_.simplelicensing_licenseExpression == expected

    reviews = list(objects.foreach_type(spdx.Annotation))
    assert len(reviews) == len(card.data.get("approvals", []))
    assert all(review.subject is package and review.annotationType == spdx.AnnotationType.review for review in reviews)


def test_a_model_is_a_descendant_of_its_base_model() -> None:
    card = CATALOG.get("toxicity-classifier", "2.0")
    assert card is not None and card.data["model_details"]["base_model"] == "text-encoder@1.0"
    objects = export(card)
    [relationship] = relationships(objects, model(objects, card), rel_type("descendantOf"))
    [base] = relationship.to
    assert isinstance(base, spdx.ai_AIPackage)
    assert (base.name, base.software_packageVersion) == ("text-encoder", "1.0")
    assert [identifier.identifier for identifier in base.externalIdentifier] == ["text-encoder@1.0"]
    # The AI profile wants a declared and a concluded license of every AI package: the stub says it does not know.
    for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
        [unknown] = relationships(objects, base, rel_type(kind))
        assert list(unknown.to) == ["https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"]
    unpinned = export(with_data(card, model_details={**card.data["model_details"], "base_model": "text-encoder"}))
    [stub] = [obj for obj in unpinned.foreach_type(spdx.ai_AIPackage) if obj.name == "text-encoder"]
    assert stub.software_packageVersion is None


def test_the_credit_risk_card_in_detail() -> None:
    card = CATALOG.get("credit-risk", "2.0")
    assert card is not None
    objects = export(card)
    package = model(objects, card)
    assert package._id == MODEL
    assert package.suppliedBy.name == "risk-analytics" and isinstance(package.suppliedBy, spdx.Organization)
    emails = [identifier.identifier for person in package.originatedBy for identifier in person.externalIdentifier]
    assert emails == ["sofia.almeida@acme.example", "yusuf.demir@acme.example"]
    assert package.releaseTime.isoformat() == "2026-07-20T00:00:00+00:00"  # the last approval
    assert list(package.ai_typeOfModel) == [card.data["model_details"]["architecture"], "tabular-classification"]
    assert list(package.ai_domain) == card.data["tags"]
    sliced = package.ai_metric[1]
    assert (sliced.key, sliced.value) == (
        "roc_auc (dataset: Pay Later out-of-time test 2024-H2; slice: age 18-24)",
        "0.781",
    )
    assert package.ai_useSensitivePersonalInformation == spdx.PresenceType.yes
    assert package.ai_energyConsumption is None, "the card gives CO2 and hours, not the kWh SPDX needs"
    assert package.ai_metricDecisionThreshold == [], "a card's threshold is a fitness bar, not a decision cut-off"
    training = package.ai_informationAboutTraining.split("\n")
    assert "Estimated emissions: 0.3 kg CO2-equivalent" in training and "Training time: 2.5 hours" in training
    application = package.ai_informationAboutApplication
    assert "- Producing reason codes for adverse-action notices" in application
    assert "- expected_calibration_error (dataset: Pay Later out-of-time test 2024-H2) at most 0.015" in application
    assert "- Fully automated declines without the right to human review" in application
    refs = [(ref.externalRefType.rsplit("/", 1)[1], list(ref.locator)) for ref in package.externalRef]
    assert refs[:2] == [
        ("vcs", ["https://git.acme.example/risk/credit-risk"]),
        ("documentation", [card.data["model_details"]["paper"]]),
    ]
    assert len(refs) == 2 + len(card.data["links"])
    [training_set] = relationships(objects, package, rel_type("trainedOn"))[0].to
    assert training_set.software_downloadLocation == card.data["training_data"][0]["link"]
    assert list(training_set.dataset_datasetType) == [spdx.dataset_DatasetType.noAssertion]
    assert training_set.dataset_hasSensitivePersonalInformation == spdx.PresenceType.yes
    assert "Size: 655,000 applications" in training_set.comment
    reviews = sorted(objects.foreach_type(spdx.Annotation), key=lambda review: int(review._id.rsplit("/", 1)[1]))
    assert [review.creationInfo.createdBy[0].name for review in reviews] == [
        "Priya Raman",
        "Jonas Berg",
        "Sarah Okafor",
    ]
    assert all(card.data["approvals"][0]["digest"] in review.statement for review in reviews)
    assert reviews[0].creationInfo.created.date().isoformat() == "2026-07-20"


def test_the_same_card_gives_the_same_bytes_wherever_it_is(tmp_path: Path) -> None:
    card = CATALOG.get("credit-risk", "2.0")
    assert card is not None
    copy = tmp_path / "elsewhere" / "2.0.yaml"
    copy.parent.mkdir()
    shutil.copy(card.path, copy)
    texts = {EXPORTERS["spdx"](card), EXPORTERS["spdx"](card), EXPORTERS["spdx"](load_card(copy))}
    assert len(texts) == 1
    ids = [node.get("spdxId") or node["@id"] for node in json.loads(texts.pop())["@graph"]]
    assert len(ids) == len(set(ids)) and all(spdx_id.startswith((MODEL, "_:")) for spdx_id in ids)


def test_created_is_the_updated_date_then_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    card = CATALOG.get("credit-risk", "2.0")
    assert card is not None

    def created(card: Card) -> str:
        info: dict[str, str] = json.loads(EXPORTERS["spdx"](card))["@graph"][0]
        assert info["@id"] == "_:creationinfo"
        return info["created"]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert created(card) == "2025-07-14T00:00:00Z", "the date of the card's last change wins"
    undated = with_data(card, updated=None)
    assert created(undated) == "2026-01-01T00:00:00Z"
    assert EXPORTERS["spdx"](undated) == EXPORTERS["spdx"](undated)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert created(undated) == "2025-02-03T00:00:00Z"  # created, never the clock
    assert created(with_data(undated, created=None)) == "1970-01-01T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        to_spdx(card)  # malformed is reported even when the card's date is used


def test_a_draft_without_license_or_data_sets_still_reads_back() -> None:
    [draft] = [card for card in CARDS if card.is_draft]
    bare = with_data(draft, license=None, risk_tier=None, training_data=None, evaluation_data=None)
    objects = export(bare)
    package = model(objects, bare)
    assert package.releaseTime is None, "a draft is not released"
    assert package.ai_safetyRiskAssessment is None and package.ai_useSensitivePersonalInformation is None
    assert relationships(objects, package, rel_type("trainedOn")) == []
    assert list(objects.foreach_type(spdx.simplelicensing_LicenseExpression)) == []
    [declared] = relationships(objects, package, rel_type("hasDeclaredLicense"))
    assert list(declared.to) == ["https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"]


def test_values_the_examples_do_not_show() -> None:
    card = CATALOG.get("credit-risk", "2.0")
    assert card is not None
    owners = [{**card.data["owners"][0], "team": "risk"}, {**card.data["owners"][1], "team": "credit"}]
    metric = {"name": "latency_p95", "value": 12, "unit": "ms", "threshold": 20, "higher_is_better": False}
    splits = [
        {"name": "wer", "value": value, "dataset": "Calls", "split": split}
        for split, value in (("dev", 0.1), ("test", 0.2))
    ]
    datasets = [
        {"name": "Local sample", "link": "data/sample.csv", "sensitive_data": False},
        {"name": "Unsaid"},
    ]
    changed = with_data(
        card,
        owners=owners,
        license="MIT OR Apache-2.0",
        metrics=[metric, *splits],
        training_data=datasets,
        evaluation_data=[{"name": "Holdout", "sensitive_data": False}],
        environmental_impact=None,
    )
    objects = export(changed)
    package = model(objects, changed)
    assert isinstance(package.suppliedBy, spdx.Person) and package.suppliedBy.name == owners[0]["name"]
    assert list(objects.foreach_type(spdx.Organization)) == [], "owners of two teams have no one team to supply"
    assert [(entry.key, entry.value) for entry in package.ai_metric] == [
        ("latency_p95 [ms]", "12"),
        ("wer (dataset: Calls; split: dev)", "0.1"),
        ("wer (dataset: Calls; split: test)", "0.2"),
    ]
    assert "- latency_p95 [ms] at most 20" in package.ai_informationAboutApplication
    assert "Estimated emissions" not in package.ai_informationAboutTraining
    assert package.ai_useSensitivePersonalInformation is None, "one data set does not say"
    local, unsaid = relationships(objects, package, rel_type("trainedOn"))[0].to
    assert local.software_downloadLocation is None, "a relative link is no download location"
    assert [list(ref.locator) for ref in local.externalRef] == [["data/sample.csv"]]
    assert local.dataset_hasSensitivePersonalInformation == spdx.PresenceType.no
    assert unsaid.dataset_hasSensitivePersonalInformation is None
    [license_] = objects.foreach_type(spdx.simplelicensing_LicenseExpression)
    assert license_.simplelicensing_licenseExpression == "MIT OR Apache-2.0"
    every_no = with_data(changed, training_data=[datasets[0]])
    assert model(export(every_no), every_no).ai_useSensitivePersonalInformation == spdx.PresenceType.no


@pytest.mark.parametrize("card", PUBLISHED, ids=IDS)
def test_card_values_reach_the_document_as_written(card: Card) -> None:
    """No number is rounded or reformatted on the way: what the card says is what the document says."""
    package = model(export(card), card)
    assert [entry.value for entry in package.ai_metric] == [card_text(m["value"]) for m in card.data["metrics"]]


def test_reading_back_is_strict_enough_to_catch_a_wrong_export() -> None:
    """What the tests above rely on: a misspelt property, a value outside a vocabulary, a dangling reference fail."""
    card = CATALOG.get("credit-risk", "2.0")
    assert card is not None
    good = to_spdx(card)

    def broken(change: Any) -> str:
        document = json.loads(json.dumps(good))
        [package] = [node for node in document["@graph"] if node.get("spdxId") == MODEL]
        change(package)
        return json.dumps(document)

    with pytest.raises(KeyError, match="ai_riskTier"):
        read_back(broken(lambda package: package.update(ai_riskTier="high")))
    with pytest.raises(ValueError, match="not a valid value"):
        read_back(broken(lambda package: package.update(ai_safetyRiskAssessment="extreme")))
    with pytest.raises(AssertionError):
        read_back(broken(lambda package: package.update(suppliedBy=f"{MODEL}/nobody")))
