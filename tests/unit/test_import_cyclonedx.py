"""CycloneDX ML-BOMs as drafts: real public BOMs, our own exports of every example card read back, BOMs with several
and nested models, files of other formats, and hostile input, which is reported and never fatal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import DATA, REPO
from model_catalog import Card, load_catalog
from model_catalog.authoring import prepare_model_card
from model_catalog.cards.values import plain
from model_catalog.formats.cyclonedx import to_cyclonedx
from model_catalog.formats.cyclonedx_import.importer import import_cyclonedx
from model_catalog.formats.fitting import child_path
from model_catalog.formats.importing import ImportedDraft, ImportRefused, assign_ids
from mutations import mutations, replaced

REAL = DATA / "real" / "cyclonedx"
SOURCES = yaml.safe_load((REAL / "SOURCES.yaml").read_text())["files"]
VALID = [REAL / entry["file"] for entry in SOURCES if entry.get("valid_json", True)]
BROKEN = [REAL / entry["file"] for entry in SOURCES if not entry.get("valid_json", True)]
EXAMPLES = load_catalog(REPO / "cards").cards
OWNERS = [{"name": "A B", "email": "a@b.c"}]
NOT_IMPORTED = {"id", "owners", "approvals", "status", "schema_version", "description"}
"""Card fields an import does not carry over (owners come from --owner; a draft has no approvals), or compares
otherwise (the description gains what was kept)."""


def leaf_paths(value: Any) -> Iterator[str]:
    """Every scalar, empty list and empty mapping of ``value``, by the paths reports use."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict) and item:
            stack.extend((child_path(where, str(key)), part) for key, part in item.items())
        elif isinstance(item, list) and item:
            stack.extend((child_path(where, index), part) for index, part in enumerate(item))
        else:
            yield where


def unreported(source: Any, drafts: list[ImportedDraft]) -> list[str]:
    """Leaves of the BOM that no placement of any draft's report covers."""
    places = {placement.source for draft in drafts for placement in draft.report}

    def covered(leaf: str) -> bool:
        return any(leaf == place or leaf.startswith((place + ".", place + "[")) for place in places)

    return [leaf for leaf in leaf_paths(source) if not covered(leaf)]


def placement(draft: ImportedDraft, source: str) -> tuple[str, str, str]:
    found = [p for p in draft.report if p.source == source]
    assert len(found) == 1, (source, found)
    return found[0].outcome, found[0].target, found[0].reason


def imported(bom: Any, name: str = "bom.json") -> list[ImportedDraft]:
    return import_cyclonedx(bom if isinstance(bom, str) else json.dumps(bom), name)


def validate(drafts: list[ImportedDraft], tmp_path: Path) -> list[str]:
    assert assign_ids(drafts) == []
    return [prepare_model_card(draft.data, tmp_path, owners=OWNERS).text for draft in drafts]


def test_the_real_files_and_their_sources_are_recorded() -> None:
    listed = {entry["file"] for entry in SOURCES}
    assert listed == {path.name for path in REAL.iterdir() if path.name != "SOURCES.yaml"}
    assert all(entry["license"] in ("Apache-2.0", "CC0-1.0") and entry["commit"] for entry in SOURCES)
    assert len(VALID) >= 3


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_every_real_bom_imports_as_valid_drafts_with_the_whole_file_reported(path: Path, tmp_path: Path) -> None:
    drafts = imported(path.read_text(encoding="utf-8"), path.name)
    assert drafts and all(draft.data["status"] == "draft" for draft in drafts)
    texts = validate(drafts, tmp_path)
    assert not any("/9j/4AAQ" in text for text in texts)  # the base64 JPEG of the spec's example stays out
    assert unreported(json.loads(path.read_text(encoding="utf-8")), drafts) == []


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.name)
def test_a_real_bom_that_is_not_valid_json_is_refused_at_its_line_and_column(path: Path) -> None:
    with pytest.raises(ImportRefused, match=rf"^{path.name}:9:5: not valid JSON: Expecting property name"):
        imported(path.read_text(encoding="utf-8"), path.name)


def test_the_specifications_example_model() -> None:
    (draft,) = imported((REAL / "valid-machine-learning-1.6.json").read_text())
    data = draft.data
    assert (data["name"], data["version"], data["task"]) == ("stable-diffusion", "1.4", "task goes here")
    assert draft.id_hints[0] == "CompVis/stable-diffusion"
    assert data["summary"].startswith("Stable Diffusion is a latent text-to-image diffusion model")
    assert data["model_details"] == {
        "architecture": "The architecture of the model.",
        "input_format": "string",
        "output_format": "byte[]",
    }
    assert data["training_data"] == [{"name": "Training Data", "link": "https://example.com/path/to/dataset"}]
    assert data["limitations"][1] == "Limited performance on non-photographic styles"
    assert data["caveats_and_recommendations"][1] == "Higher resolution output requires more computational resources"
    assert data["intended_use"]["primary_uses"][1] == "Text-to-image generation for creative applications"
    assert data["ethical_considerations"] == [
        {"risk": "The name of the risk", "mitigation": "Strategy used to address this risk"},
        {
            "risk": "Expected harms to the identified groups (group at risk: The groups or individuals at risk of "
            "being systematically disadvantaged by the model)",
            "mitigation": "With respect to the benefits and harms outlined, please describe any mitigation "
            "strategy implemented.",
        },
    ]
    assert "metrics" not in data  # its value is "The value of the performance metric"
    metric = placement(draft, "components[0].modelCard.quantitativeAnalysis.performanceMetrics[0]")
    assert metric[0] == "kept" and "must be a number" in metric[2]
    assert placement(draft, "components[0].modelCard.quantitativeAnalysis.graphics")[0] == "dropped"
    assert "- **modelcard:custom-property:** custom-value" in data["description"]
    assert "- **Architecture family:** the architecture family goes here" in data["description"]


def test_environmental_considerations_become_training_emissions() -> None:
    (draft,) = imported((REAL / "valid-machine-learning-considerations-env-1.6.json").read_text())
    assert draft.data["environmental_impact"] == {"co2_eq_kg": 31220}  # 31.22 tCO2eq
    assert draft.data["links"] == [{"title": "Distribution", "url": "https://huggingface.co/meta-llama/Llama-2-7b"}]
    assert draft.data["version"] == "0.1.0" and placement(draft, "(version)")[0] == "dropped"
    energy = "components[0].modelCard.considerations.environmentalConsiderations.energyConsumptions[0]"
    assert placement(draft, f"{energy}.activityEnergyCost")[0] == "kept"
    assert placement(draft, f"{energy}.co2CostEquivalent.value")[1] == "environmental_impact.co2_eq_kg"


def test_bom_examples_and_a_generators_output() -> None:
    (gpt,) = imported((REAL / "mlbom-foundation-models.json").read_text())
    assert gpt.data["model_details"] == {
        "architecture": "GPT-4",
        "input_format": "string, image",
        "output_format": "string, image",
    }
    assert "- **Supplier:** OpenAI Inc" in gpt.data["description"]
    (aibom,) = imported((REAL / "owasp-aibom-generator-expected.json").read_text())
    assert aibom.data["license"] == "Apache-2.0"  # "apache-2.0" in the BOM
    assert aibom.data["task"] == "text-generation" and aibom.data["model_details"]["architecture"] == "LlamaForCausalLM"
    assert placement(aibom, "components[0].authors[0]")[0:2] == ("kept", "description")
    assert placement(aibom, "dependencies") == (
        "dropped",
        "",
        "relations between the BOM's components; the card has no field for them",
    )
    assert aibom.id_hints[:2] == ["test-org/test-model", "test-model"]


# ---------------------------------------------------------------------------------------------------------------
# Our own exports, read back


def example_id(card: Card) -> str:
    return f"{card.id}@{card.version}"


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_an_exported_card_is_imported_back_whole(card: Card) -> None:
    bom = to_cyclonedx(card)
    (draft,) = imported(bom)
    original, back = plain(card.data), plain(draft.data)
    assert {key: value for key, value in back.items() if key not in NOT_IMPORTED} == {
        key: value for key, value in original.items() if key not in NOT_IMPORTED
    }
    assert back["description"].startswith(original["description"].strip())
    assert draft.id_hints[0] == card.id
    assert unreported(bom, [draft]) == []
    not_mapped = {p.source for p in draft.report if p.outcome != "mapped"}
    properties = {
        prop["name"]: f"components[0].properties[{i}]" for i, prop in enumerate(bom["components"][0]["properties"])
    }
    assert properties["model-catalog:status"] in not_mapped and properties["model-catalog:content_digest"] in not_mapped


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_an_exported_card_imported_back_validates(card: Card, tmp_path: Path) -> None:
    validate(imported(to_cyclonedx(card)), tmp_path)


# ---------------------------------------------------------------------------------------------------------------
# BOMs of several models, nested, and without a model card


def model(name: str, **card: Any) -> dict[str, Any]:
    return {"type": "machine-learning-model", "bom-ref": f"ref-{name}", "name": name, "version": "1", "modelCard": card}


def test_every_model_with_a_card_is_a_draft_wherever_it_is_in_the_bom(tmp_path: Path) -> None:
    data = {
        "type": "data",
        "bom-ref": "eval-set",
        "name": "Held-out set",
        "data": [{"type": "dataset", "name": "Held-out set", "description": "1,000 rows"}],
    }
    card = {"modelParameters": {"datasets": [{"ref": "eval-set"}, {"ref": "nowhere"}]}}
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"timestamp": "2025-01-01T00:00:00Z", "component": model("top", **card)},
        "components": [
            {
                "type": "library",
                "name": "toolkit",
                "components": [{"type": "library", "name": "inner", "components": [model("nested", **card)]}],
            },
            {"type": "machine-learning-model", "name": "bare"},
            data,
            {"type": "data", "name": "unused"},
        ],
    }
    drafts = imported(bom)
    assert [draft.source for draft in drafts] == [
        "bom.json#metadata.component",
        "bom.json#components[0].components[0].components[0]",
    ]
    for draft in drafts:
        assert draft.data["evaluation_data"] == [{"name": "Held-out set", "description": "1,000 rows"}]
        assert placement(draft, f"{draft.source.split('#')[1]}.modelCard.modelParameters.datasets[1].ref")[0] == "kept"
    first = drafts[0]
    assert placement(first, "components[1]") == (
        "dropped",
        "",
        "a machine-learning-model without a modelCard: nothing to import",
    )
    assert placement(first, "components[3]")[2] == "not a model, nor a data set a model names"
    assert placement(first, "components[0].name")[0] == "dropped"  # the library, not the model inside it
    assert placement(first, "metadata.timestamp")[0] == "dropped"
    assert unreported(bom, drafts) == []
    validate(drafts, tmp_path)


def test_a_bom_without_a_model_card_is_refused_naming_its_models() -> None:
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [{"type": "machine-learning-model", "name": "gpt"}],
    }
    with pytest.raises(
        ImportRefused,
        match=r"^bom\.json: no machine-learning-model component with a modelCard in this BOM: components\[0\] \('gpt'\) has no modelCard$",
    ):
        imported(bom)
    with pytest.raises(ImportRefused, match=r"in this BOM$"):
        imported({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "x"}]})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"model_details": {"name": "x"}, "considerations": {}}', r"`model-catalog import mct x`"),
        ('model_details {\n  name: "x"\n}\n', r"`model-catalog import mct x`"),
        ("---\nlicense: mit\n---\n# Model\n", r"`model-catalog import huggingface x`"),
        ('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>', r"only CycloneDX BOMs in JSON"),
        ('spec_version: "1.6"\n', r"not a CycloneDX BOM in JSON"),
        (
            '{\n  "bomFormat": "CycloneDX",\n  "components": [\n    {"type": "x",}\n  ]\n}',
            r"^x:4:18: not valid JSON: Expecting property name",
        ),
        ("[]", r"^x: not a CycloneDX BOM: its JSON is a list, not an object"),
        ('{"bomFormat": "SPDX"}', r"^x: not a CycloneDX BOM file"),
        ('{"components": ' + "[" * 100_000, r"^x: not read: its JSON is nested too deeply"),
    ],
)
def test_what_is_not_a_cyclonedx_json_bom_is_refused_naming_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        import_cyclonedx(text, "x")


# ---------------------------------------------------------------------------------------------------------------
# Hostile input


@pytest.mark.slow
def test_a_value_of_any_shape_anywhere_is_reported_never_fatal(tmp_path: Path) -> None:
    bom = json.loads((REAL / "valid-machine-learning-1.6.json").read_text())
    graphic = bom["components"][0]["modelCard"]["quantitativeAnalysis"]["graphics"]["collection"][0]["image"]
    graphic["content"] = graphic["content"][:40]
    environment = json.loads((REAL / "valid-machine-learning-considerations-env-1.6.json").read_text())
    bom["components"][0]["modelCard"]["considerations"]["environmentalConsiderations"] = environment["components"][0][
        "modelCard"
    ]["considerations"]["environmentalConsiderations"]
    bom["components"][0]["licenses"] = [
        {"license": {"id": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}}
    ]
    bom["components"][0]["properties"] = [{"name": "model-catalog:metrics[0].unit", "value": "%"}]
    cases = list(mutations(bom))
    assert len(cases) > 500
    for index, (path, replacement) in enumerate(cases):
        source = replaced(bom, path, replacement)
        try:
            drafts = imported(source)
        except ImportRefused as refused:  # a BOM whose only model is broken away is refused, and says why
            assert path[:1] in (("components",), ("bomFormat",), ("specVersion",)), (path, replacement, refused)
            continue
        assert unreported(source, drafts) == [], (path, replacement)
        if index % 3 == 0:  # a checked card file takes ~10 ms; every third case is still every kind at every depth
            validate(drafts, tmp_path)


def test_catalog_properties_that_do_not_fit_are_kept(tmp_path: Path) -> None:
    properties = {
        "model-catalog:risk_tier": "extreme",
        "model-catalog:model_details.parameters": "many",
        "model-catalog:metrics[7].dataset": "no such metric",
        "model-catalog:no_such_field": "x",
        "model-catalog:model_details": "a section",
        "model-catalog:a.b.c": "too deep",
        "model-catalog:created": "2025-13-45",
        "model-catalog:tags": "x" * 61,
        "model-catalog:metrics.name": "no index",
        "model-catalog:training_data.name": "no index",
        "model-catalog:updated": "2025-01-01",
    }
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [{**model("m"), "properties": [{"name": k, "value": v} for k, v in properties.items()]}],
    }
    (draft,) = imported(bom)
    outcomes = [placement(draft, f"components[0].properties[{i}]")[0] for i in range(len(properties))]
    assert outcomes == ["kept"] * 10 + ["mapped"]
    assert str(draft.data["updated"]) == "2025-01-01"
    validate([draft], tmp_path)


def test_deeply_nested_components_and_huge_text(tmp_path: Path) -> None:
    inner: dict[str, Any] = model("deep", considerations={"technicalLimitations": ["word " * 30_000]})
    inner["description"] = "d" * 200_000
    inner["name"] = "n" * 500
    for level in range(300):
        inner = {"type": "library", "name": f"level {level}", "components": [inner]}
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [inner]}
    (draft,) = imported(bom)
    assert draft.source == "bom.json" and draft.data["name"] == "n" * 120
    assert (
        len(draft.data["description"]) < 100_000
        and draft.data["limitations"][0] == ("word " * 30_000).strip()[:100_000]
    )
    assert unreported(bom, [draft]) == []
    validate([draft], tmp_path)
