"""Hugging Face model cards: export read back by huggingface_hub, import of Hub-written cards, round trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from huggingface_hub import ModelCard
from markdown_it import MarkdownIt

from helpers import DATA, REPO
from hub_round_trip import changed_fields, differences, round_trip
from model_catalog import Card, load_card, load_catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation
from model_catalog.cards.yamlsource import parse_yaml
from model_catalog.errors import CardError
from model_catalog.formats.huggingface.export import to_huggingface
from model_catalog.formats.huggingface.hub import IMPORTED_HEADING
from model_catalog.formats.huggingface.importer import from_huggingface, import_huggingface
from model_catalog.formats.huggingface.limits import TEXT_LIMIT, cut_line
from model_catalog.formats.importing import ImportedDraft, ImportRefused, assign_ids

CARDS = REPO / "cards"
FIXTURES = DATA / "huggingface"
OWNERS = [{"name": "A B", "email": "a@b.io"}]
EXAMPLES = load_catalog(CARDS).cards


def example_id(card: Card) -> str:
    return f"{card.id}@{card.version}"


def draft_errors(data: dict[str, Any]) -> list[CardError]:
    """Errors of the imported fields as a draft card, with the owners the CLI adds."""
    located = parse_yaml(
        yaml.safe_dump({"id": "imported", **data, "owners": OWNERS}, sort_keys=False, allow_unicode=True)
    )
    return Validation(CardSchema.load()).check(located, "imported.yaml")[1]


def in_schema_order(data: dict[str, Any]) -> bool:
    fields = list(CardSchema.load().fields)
    return list(data) == [name for name in fields if name in data]


def hub_license(license: str | None) -> tuple[str | None, str | None]:
    if license is None:
        return None, None
    if license == "proprietary":
        return "other", "proprietary"
    return license.lower(), None


def strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every (path, text) in a card's data: what the export must not drop."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in strings(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in strings(item, f"{path}[{index}]")]
    if isinstance(value, dt.date):
        return [(path, value.isoformat())]
    return [(path, value)] if isinstance(value, str) else []


def metric_key(metric: dict[str, Any]) -> str:
    comparable = {key: value for key, value in metric.items() if (key, value) != ("higher_is_better", True)}
    return json.dumps(comparable, sort_keys=True)


# --- export --------------------------------------------------------------------------------------


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_export_is_read_by_huggingface_hub(card: Card) -> None:
    hub = ModelCard(to_huggingface(card))
    data = card.data
    base_model = data.get("model_details", {}).get("base_model")
    assert (hub.data.license, hub.data.license_name) == hub_license(data.get("license"))
    assert hub.data.tags == data.get("tags")
    assert hub.data.pipeline_tag == data["task"]
    assert hub.data.base_model == (base_model.split("@")[0] if base_model else None)
    assert hub.data.model_name == card.name
    assert hub.data.language == data.get("languages")
    assert hub.data.datasets is None  # the Hub's are Hub ids: a card keeps those in `huggingface.datasets`


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_export_has_one_eval_result_per_metric(card: Card) -> None:
    results = ModelCard(to_huggingface(card)).data.eval_results
    metrics = card.data["metrics"]
    assert len(results) == len(metrics)
    assert Counter((result.metric_type, result.metric_value, result.dataset_name) for result in results) == Counter(
        (metric["name"], metric["value"], metric.get("dataset", "unspecified")) for metric in metrics
    )
    assert Counter(result.metric_name for result in results) == Counter(
        f"{m['name']} ({m['slice']})" if m.get("slice") else None for m in metrics
    )
    assert {result.task_type for result in results} == {card.data["task"]}


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_export_body_keeps_every_text_of_the_card(card: Card) -> None:
    text = to_huggingface(card)
    body = ModelCard(text).text
    for limitation in card.data.get("limitations", []):
        assert limitation in body
    for use in card.data.get("intended_use", {}).get("out_of_scope", []):
        assert use in body
    missing = [
        path for path, value in strings(card.data) if not path.endswith(".signature") and value.strip() not in text
    ]
    assert missing == []


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_export_is_deterministic(card: Card) -> None:
    assert to_huggingface(card) == to_huggingface(card) == to_huggingface(load_card(card.path))


def test_export_follows_the_hub_template() -> None:
    card = next(card for card in EXAMPLES if card.key == ("churn-predictor", "1.1"))
    body = ModelCard(to_huggingface(card)).text
    headings = [line for line in body.splitlines() if line.startswith("#")]
    for heading in (
        "# Model Card for Acme Plus Churn Predictor",
        "## Model Details",
        "### Model Description",
        "## Uses",
        "### Direct Use",
        "### Out-of-Scope Use",
        "## Bias, Risks, and Limitations",
        "### Recommendations",
        "## Training Details",
        "### Training Data",
        "## Evaluation",
        "### Testing Data, Factors & Metrics",
        "### Results",
        "## Environmental Impact",
        "## Technical Specifications",
        "## Citation",
        "## Model Card Contact",
    ):
        assert heading in headings
    assert "- **Hardware Type:** 1x CPU node (32 vCPU)" in body
    assert "- **Carbon Emitted:** 0.2 kg CO2eq" in body
    assert (
        "| roc_auc | Plus members out-of-time test 2025-11 | monthly plan | 0.861 |  | 0.856 – 0.866 |  | yes |" in body
    )
    assert "  - *Mitigation:* Members who objected to marketing profiling are excluded" in body
    assert "- **Kenji Watanabe** (personalization): <kenji.watanabe@acme.example>" in body


def test_export_of_a_license_the_hub_does_not_list(tmp_path: Path) -> None:
    path = tmp_path / "dual" / "1.0.yaml"
    path.parent.mkdir()
    path.write_text(
        "id: dual\nname: Dual\nversion: '1.0'\nstatus: draft\nlicense: MIT OR Apache-2.0\n"
        "owners: [{name: A B, email: a@b.io}]\n"
    )
    text = to_huggingface(load_card(path))
    hub = ModelCard(text)
    assert (hub.data.license, hub.data.license_name) == ("other", "mit-or-apache-2.0")
    assert hub.data.eval_results is None
    [draft] = import_huggingface(text, "README.md")
    assert draft.data["license"] == "MIT OR Apache-2.0" and "huggingface" not in draft.data


AWKWARD = """\
id: awkward
name: Awkward Card
version: "1.0"
status: draft
description: |
  Intro.

  ## Design

  ```python
  # a comment, not a heading
  ```

  - point one
  - point two
license: MIT OR Apache-2.0
task: my-custom-task
owners: [{name: A B, email: a@b.io}]
model_details:
  citation: Doe, J. (2024). Awkward models. Journal of Oddness, 1(2), 3-4.
metrics:
  - {name: accuracy, value: 91.5, unit: "%", dataset: "A | B set", slice: "age 65+"}
  - {name: latency, value: 12, higher_is_better: false}
evaluation_data:
  - {name: "A | B set", sensitive_data: true}
links:
  - {title: "Docs [v2]", url: "https://example.com/docs"}
"""


def test_round_trip_of_awkward_text(tmp_path: Path) -> None:
    path = tmp_path / "awkward" / "1.0.yaml"
    path.parent.mkdir()
    path.write_text(AWKWARD)
    card = load_card(path)
    text = to_huggingface(card)
    hub = ModelCard(text)
    assert hub.data.pipeline_tag is None
    assert [(r.metric_type, r.dataset_name, r.task_type) for r in hub.data.eval_results] == [
        ("accuracy", "A | B set", "my-custom-task"),
        ("latency", "unspecified", "my-custom-task"),
    ]
    [draft] = import_huggingface(text, "README.md")
    data = draft.data
    for key in ("license", "task", "metrics", "evaluation_data", "links", "model_details"):
        assert data[key] == card.data[key], key
    assert data["description"] == (
        "Intro.\n\n#### Design\n\n```python\n# a comment, not a heading\n```\n\n- point one\n- point two"
    )
    assert draft_errors(data) == []


# --- import --------------------------------------------------------------------------------------

FIXTURE_FILES = sorted(FIXTURES.glob("*.md"))


def imported(name: str) -> ImportedDraft:
    path = FIXTURES / name
    [draft] = import_huggingface(path.read_text(encoding="utf-8"), str(path))
    return draft


def placed(draft: ImportedDraft, source: str) -> list[tuple[str, str]]:
    return [(p.outcome, p.target) for p in draft.report if p.source == source]


def test_import_of_a_default_template_card() -> None:
    draft = imported("bert-sentiment.md")
    data = draft.data
    assert in_schema_order(data)
    assert draft.id_hints[0] == "BERT Base Uncased SST-2 Sentiment"
    assert {key: data[key] for key in ("name", "version", "status", "license", "task", "tags", "languages")} == {
        "name": "BERT Base Uncased SST-2 Sentiment",
        "version": "0.1.0",
        "status": "draft",
        "license": "Apache-2.0",
        "task": "text-classification",
        "tags": ["sentiment-analysis", "bert", "text-classification"],
        "languages": ["en"],
    }
    assert data["huggingface"] == {
        "library_name": "transformers",
        "base_model": "google-bert/bert-base-uncased",
        "datasets": ["stanfordnlp/sst2"],
    }
    assert data["summary"] == (
        "A BERT base model fine-tuned on SST-2 to classify English sentences as positive or negative."
    )
    details = data["model_details"]
    assert details["architecture"] == "BERT transformer encoder with a sequence-classification head"
    assert details["repository"] == "https://github.com/acme-nlp/bert-sst2"
    assert details["citation"].startswith("@article{devlin2018bert,\n  title={BERT:")
    assert "base_model" not in details  # a Hub id, not a card of the catalog
    assert data["intended_use"]["out_of_scope"][0] == "Texts in languages other than English"
    assert data["intended_use"]["primary_uses"][-1].startswith("The model can be fine-tuned further")  # Downstream
    assert data["limitations"] == [
        "The model inherits the biases of BERT's pre-training corpus (BooksCorpus and English Wikipedia) "
        "and of the movie reviews in SST-2.",
        "Accuracy drops on long documents, because inputs are truncated to 128 tokens.",
    ]
    assert data["training_data"] == [
        {
            "name": "stanfordnlp/sst2",
            "description": "The [SST-2](https://huggingface.co/datasets/stanfordnlp/sst2) training split: "
            "67,349 sentences from movie reviews labelled positive or negative.",
        }
    ]
    assert data["evaluation_data"] == [
        {"name": "Evaluation data", "description": "The SST-2 validation split (872 sentences)."}
    ]
    assert data["environmental_impact"] == {
        "hardware": "1x NVIDIA V100 16GB",
        "hours": 1.5,
        "region": "europe-west4",
        "co2_eq_kg": 0.12,
    }
    description = data["description"]
    assert description.startswith("This model is `bert-base-uncased` with a sequence-classification head")
    for kept in (
        IMPORTED_HEADING,
        "##### How to Get Started with the Model",
        'pipeline("text-classification"',
        "##### Training Details › Training Procedure › Preprocessing",
        "- **Training regime:** fp16 mixed precision",
        "- **Cloud Provider:** Google Cloud",
        "##### Model Details › Model Description\n\n- **Developed by:** Jane Doe, Acme NLP",
        "jane.doe@acme.example",
    ):
        assert kept in description
    for template_filler in ("More Information Needed", "should be made aware of the risks", "Use the code below"):
        assert template_filler not in description
    assert ("kept", "description") in placed(draft, "## How to Get Started with the Model")
    assert ("dropped", "") in placed(draft, "### Recommendations")  # its placeholder
    assert placed(draft, "## Bias, Risks, and Limitations")[-1] == ("mapped", "limitations")
    assert draft_errors(data) == []


def test_import_of_a_card_with_model_index_results() -> None:
    data = imported("whisper-small-nl.md").data
    assert (data["name"], data["license"], data["task"], data["languages"]) == (
        "whisper-small-nl",
        "CC-BY-NC-4.0",
        "automatic-speech-recognition",
        ["nl"],
    )
    common = {"dataset": "Common Voice 16.1", "dataset_config": "nl", "split": "test"}
    fleurs = {"dataset": "FLEURS", "dataset_config": "nl_nl", "split": "test"}
    lower = {"higher_is_better": False, "unit": "%"}
    assert data["metrics"] == [
        {"name": "wer", "value": 9.87, **common, **lower},
        {"name": "wer", "value": 14.2, **fleurs, **lower},
        {"name": "cer", "value": 5.1, **fleurs, **lower},
    ]
    assert data["huggingface"]["model_index"][0]["results"][0]["dataset"]["type"] == (
        "mozilla-foundation/common_voice_16_1"
    )
    assert data["evaluation_data"] == [
        {"name": "Common Voice 16.1", "description": "Hub dataset `mozilla-foundation/common_voice_16_1`."},
        {"name": "FLEURS", "description": "Hub dataset `google/fleurs`."},
    ]
    assert data["environmental_impact"] == {
        "hardware": "1x NVIDIA A100 80GB",
        "hours": 7,
        "region": "Amsterdam, Netherlands",
        "co2_eq_kg": 2.45,
    }
    assert data["huggingface"]["co2_eq_emissions"]["source"] == "CodeCarbon"
    assert data["factors"] == {"evaluation": ["Speaker age group", "Regional accent"]}
    assert len(data["limitations"]) == 3 and len(data["caveats_and_recommendations"]) == 2
    assert data["links"] == [{"title": "Demo", "url": "https://huggingface.co/spaces/voorbeeldstad/whisper-nl-demo"}]
    assert "| 0.0298        | 4.47  | 3000 |" in data["description"]
    assert "verified: false" not in data["description"]  # the index is in `huggingface`, not the description
    assert draft_errors(data) == []


def test_nested_lists_under_a_bold_label_and_code_spans_are_kept_as_written() -> None:
    draft = imported("opus-mt-en-es.md")
    data = draft.data
    description = data["description"]
    assert "- **Language(s):**\n  - Source Language: English\n  - Target Language: Spanish" in description
    assert data["links"] == [
        {"title": "GitHub Repo", "url": "https://github.com/Helsinki-NLP/Tatoeba-Challenge"},
        {
            "title": "OPUS readme",
            "url": "https://github.com/Helsinki-NLP/Tatoeba-Challenge/tree/master/models/eng-spa/README.md",
        },
    ]
    # a one-line ```span``` is no fence: the lines after it stay text and code, and make no heading
    assert "first: ```pip install sentencepiece```, then:\n\n```python\nfrom transformers import" in description
    assert [line for line in description.splitlines() if line.startswith("#")] == [
        IMPORTED_HEADING,
        "##### Table of Contents",
        "##### Model Details",
        "##### Training › Training Data › Preprocessing",
        "##### Evaluation › Results",
        "##### Evaluation › Benchmarks",
        "##### How to Get Started With the Model",
    ]
    assert "training_data" not in data  # ##### Preprocessing under Training Data is no data set
    assert "* pre-processing: normalization + SentencePiece (spm32k,spm32k)" in description
    assert data["limitations"][1].startswith("Significant research has explored bias")
    assert data["intended_use"] == {
        "primary_uses": ["This model can be used for translation and text-to-text generation."]
    }
    assert data["model_details"]["citation"].startswith("@InProceedings{TiedemannThottingal:EAMT2020,")
    assert "| Tatoeba-test.eng.spa 	| 55.1 	| 0.721 |" in description
    assert draft_errors(data) == []


def test_limitations_uses_and_emissions_of_the_body() -> None:
    draft = imported("stable-diffusion-v1-4.md")
    data = draft.data
    assert data["name"] == "Stable Diffusion v1-4"
    assert data["limitations"][:2] == [
        "The model does not achieve perfect photorealism",
        "The model cannot render legible text",
    ]
    assert data["limitations"][-1].startswith("While the capabilities of image generation models are impressive")
    assert len(data["intended_use"]["primary_uses"]) == 3 and len(data["intended_use"]["out_of_scope"]) == 3
    assert data["environmental_impact"] == {
        "hardware": "A100 PCIe 40GB",
        "hours": 150000,
        "region": "US-east",
        "co2_eq_kg": 11250,
    }
    assert "license" not in data and data["huggingface"] == {"license": "creativeml-openrail-m"}
    assert "widget:\n- text: A high tech solarpunk utopia" in data["description"]
    assert ("kept", "description") in placed(draft, "front matter: widget")
    assert draft_errors(data) == []


def test_metric_values_written_as_text_and_labels_that_tell_metrics_apart() -> None:
    ppo = imported("ppo-lunarlander-v2.md").data
    assert ppo["metrics"] == [{"name": "mean_reward", "value": 264.62, "std": 15.44, "dataset": "LunarLander-v2"}]
    spacy = imported("en-core-web-sm.md").data
    assert [(m["name"], m.get("type")) for m in spacy["metrics"]][:4] == [
        ("NER Precision", "precision"),
        ("NER Recall", "recall"),
        ("NER F Score", "f_score"),
        ("TAG (XPOS) Accuracy", "accuracy"),
    ]
    assert spacy["name"] == "en_core_web_sm"
    for data in (ppo, spacy):
        assert draft_errors(data) == []


def test_hub_only_front_matter_is_kept_for_the_export() -> None:
    data = imported("whisper-small-hi-lora.md").data
    assert data["huggingface"]["license"] == "other"
    assert data["huggingface"]["license_name"] == "whisper-community"
    assert data["huggingface"]["base_model"] == ["openai/whisper-small"]
    assert data["huggingface"]["base_model_relation"] == "adapter"
    assert data["huggingface"]["library_name"] == "peft"
    assert data["environmental_impact"] == {"co2_eq_kg": 15}
    assert [(m["name"], m.get("type"), m.get("higher_is_better")) for m in data["metrics"]] == [
        ("Test WER", "wer", False),
        ("Test CER", "cer", False),
    ]
    assert draft_errors(data) == []


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_key_and_section_of_the_card_is_in_the_report(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    [draft] = import_huggingface(text, str(path))
    sources = {placement.source.split(": ")[0] for placement in draft.report} | {
        placement.source for placement in draft.report
    }
    meta = ModelCard(text, ignore_metadata_errors=True).data.to_dict()
    for key in meta:
        assert f"front matter: {key}" in sources or key == "model-index", key
    for i, entry in enumerate(meta.get("model-index", [])):
        for j, result in enumerate(entry["results"]):
            for k, _ in enumerate(result["metrics"]):
                assert f"model-index[{i}].results[{j}].metrics[{k}]" in sources
    body = ModelCard(text, ignore_metadata_errors=True).text
    headings = [token for token in MarkdownIt("commonmark").parse(body) if token.type == "heading_open"]
    assert len({p.source for p in draft.report if p.source.startswith("#")}) >= len(headings) - 1


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_round_trip_of_a_hub_card(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    trip = round_trip(text, str(path), tmp_path)
    assert differences(text, trip.exported) == {}
    assert changed_fields(trip) == []


def test_ids_of_cards_imported_together_do_not_collide() -> None:
    drafts = [imported(path.name) for path in FIXTURE_FILES]
    drafts.append(import_huggingface("---\nmodel_name: acme/tiny-bert\n---\nA model.\n", "x/README.md")[0])
    drafts.append(import_huggingface("Detects cats in photos.\n", "cats/README.md")[0])
    assert assign_ids(drafts) == []
    ids = [draft.data["id"] for draft in drafts]
    assert len(set(ids)) == len(ids)
    assert ids[-2:] == ["acme-tiny-bert", "cats"]  # the part before the / stays; a README is named by its folder
    assert "imported-model" not in ids


def test_a_long_name_is_cut_between_words_outside_links() -> None:
    title = "A " + "very " * 20 + "long model [with a link](https://example.com/a/b/c) " + "x" * 30
    [draft] = import_huggingface(f"# {title}\n", "README.md")
    full = "A " + "very " * 20 + "long model with a link " + "x" * 30
    assert draft.data["name"] == "A " + "very " * 20 + "long model with a"  # the title's text, cut between words
    assert full in draft.data["description"]
    assert cut_line("see [the docs](https://example.com/" + "a" * 200 + ") now", 60) == "see"
    assert cut_line("run `pip install " + "x" * 100 + "` first", 40) == "run"


def test_a_description_over_the_limit_is_cut_between_blocks_and_reported() -> None:
    body = "\n\n".join(f"## Part {i}\n\n" + ("word " * 400).strip() for i in range(80))
    [draft] = import_huggingface("# Big\n\n" + body, "README.md")
    description = draft.data["description"]
    assert len(description) <= TEXT_LIMIT and description.endswith("word")
    assert any(p.outcome == "dropped" and p.source == "description" for p in draft.report)
    assert draft_errors(draft.data) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}', "CycloneDX BOM"),
        ('{"model_details": {"name": "x"}, "considerations": {}}', "Model Card Toolkit"),
        ('model_details {\n  name: "x"\n}\n', "Model Card Toolkit"),
    ],
)
def test_files_of_other_formats_are_refused(text: str, found: str) -> None:
    with pytest.raises(ImportRefused, match=found):
        import_huggingface(text, "card")


@pytest.mark.parametrize(
    "text",
    [
        "---\nlicense: [mit\n---\n# Model Card for Broken\n",
        "---\n- a\n- b\n---\n# Listed\n",
        "---\nmodel-index: 3\nlanguage: {a: 1}\ntags: [1, 2]\nco2_eq_emissions: {emissions: n/a}\n---\n",
        "---\nmodel-index:\n- name: m\n  results:\n  - metrics: [{type: acc, value: [1]}, 7]\n  - 5\n---\n",
        "---\nbase_model: [1]\nlicense: 7\nlicense_link: not a url\n---\n# \n\n## \n\n- **License:**\n",
        "# T\n\n## Bias\n\n<!-- only a comment -->\n\n## Citation\n\n```\n```\n",
        "\ufeff---\r\nlicense: mit\r\n---\r\n# Windows\r\n\r\nText.\r\n",
        "",
    ],
)
def test_import_survives_odd_cards(text: str) -> None:
    [draft] = import_huggingface(text, "odd/README.md")
    assert draft.data["status"] == "draft" and draft.id_hints
    assert draft_errors({**draft.data, "id": "odd"}) == []


def test_broken_front_matter_is_kept_and_reported() -> None:
    [draft] = import_huggingface("---\nlicense: [mit\n---\n# Model Card for Broken\n", "README.md")
    assert draft.data["name"] == "Broken"
    assert "license: [mit" in draft.data["description"]
    assert any("not valid YAML" in p.reason for p in draft.report)


def test_from_huggingface_is_the_python_api_of_the_import() -> None:
    data, notes = from_huggingface((FIXTURES / "whisper-small-nl.md").read_text(encoding="utf-8"))
    assert data["id"] == "whisper-small-nl" and data["status"] == "draft"
    assert any(note.startswith("## Model Card Contact: kept") for note in notes)


def test_the_modules_need_neither_huggingface_hub_nor_mkdocs() -> None:
    probe = (
        "import sys, model_catalog.formats.huggingface.export, model_catalog.formats.huggingface.importer; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'huggingface_hub', 'mkdocs'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- round trip of the catalog's cards ------------------------------------------------------------


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_round_trip_keeps_the_card(card: Card) -> None:
    original = card.data
    [draft] = import_huggingface(to_huggingface(card), "README.md")
    data = draft.data
    assert in_schema_order(data)
    assert data["status"] == "draft"
    for key in (
        "id",
        "name",
        "version",
        "summary",
        "license",
        "task",
        "tags",
        "risk_tier",
        "created",
        "updated",
        "model_details",
        "intended_use",
        "factors",
        "training_data",
        "ethical_considerations",
        "limitations",
        "caveats_and_recommendations",
        "environmental_impact",
        "links",
    ):
        assert data.get(key) == original.get(key), key
    assert data["description"] == original["description"].strip()
    assert sorted(map(metric_key, data["metrics"])) == sorted(map(metric_key, original["metrics"]))
    if original.get("evaluation_data"):
        assert data["evaluation_data"] == original["evaluation_data"]
    else:
        assert {entry["name"] for entry in data["evaluation_data"]} == {m["dataset"] for m in original["metrics"]}
    assert draft_errors(data) == []


HOSTILE_TEXT = "<script>alert(1)</script> *loud* [link](javascript:alert(2)) & co | # not a heading"


def test_plain_text_reaches_the_readme_as_text_not_markdown() -> None:
    card = dataclasses.replace(
        EXAMPLES[0],
        data={
            **EXAMPLES[0].data,
            "name": HOSTILE_TEXT,
            "summary": "- not a list " + HOSTILE_TEXT,
            "limitations": [HOSTILE_TEXT, "two\n---\n# lines"],
            "owners": [{"name": HOSTILE_TEXT, "email": "ada@example.com", "team": "risk"}],
        },
    )
    readme = to_huggingface(card)
    loaded = ModelCard(readme)
    assert loaded.data.to_dict()["model-index"][0]["name"] == HOSTILE_TEXT  # the front matter is intact
    html = MarkdownIt("commonmark").enable("table").render(loaded.text)  # as the Hub renders a README
    assert "<script>" not in html and "<em>loud</em>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<h1>") == 1 and "<hr" not in html  # no heading or rule came from a value
    [again] = import_huggingface(readme, "README.md")
    assert again.data["name"] == HOSTILE_TEXT and HOSTILE_TEXT in again.data["limitations"]


@pytest.mark.parametrize("field", ["name", "summary", "owners[0].name", "metrics[0].name", "links[0].title"])
def test_single_line_fields_refuse_line_breaks(field: str) -> None:
    data = {
        "id": "x",
        "name": "X",
        "version": "1",
        "status": "draft",
        "summary": "s",
        "owners": [{"name": "A B", "email": "a@b.io"}],
        "metrics": [{"name": "m", "value": 1}],
        "links": [{"title": "t", "url": "https://example.com"}],
    }
    target: Any = data
    *parents, last = field.replace("[0]", ".0").split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = "one\n---\n<script>"
    located = parse_yaml(yaml.safe_dump(data, sort_keys=False))
    errors = Validation(CardSchema.load()).check(located, "x.yaml")[1]
    assert [(error.path, error.message.split(";")[0]) for error in errors] == [
        (field, "must be a single line (it holds a line break)")
    ]
