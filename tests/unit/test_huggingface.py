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
from model_catalog import Card, load_card, load_catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation
from model_catalog.cards.yamlsource import parse_yaml
from model_catalog.errors import CardError
from model_catalog.formats.huggingface.export import to_huggingface
from model_catalog.formats.huggingface.hub import IMPORTED_HEADING
from model_catalog.formats.huggingface.importer import from_huggingface

CARDS = REPO / "cards"
FIXTURES = DATA / "huggingface"
OWNERS = [{"name": "A B", "email": "a@b.io"}]
EXAMPLES = load_catalog(CARDS).cards


def example_id(card: Card) -> str:
    return f"{card.id}@{card.version}"


def draft_errors(data: dict[str, Any]) -> list[CardError]:
    """Errors of the imported fields as a draft card, with the owners the CLI adds."""
    located = parse_yaml(yaml.safe_dump({**data, "owners": OWNERS}, sort_keys=False, allow_unicode=True))
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
    names = [entry["name"] for entry in [*data.get("training_data", []), *data.get("evaluation_data", [])]]
    assert hub.data.datasets == (list(dict.fromkeys(names)) or None)


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
    data, _ = from_huggingface(text)
    assert data["license"] == "MIT OR Apache-2.0"


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
    data, _ = from_huggingface(text)
    for key in ("license", "task", "metrics", "evaluation_data", "links", "model_details"):
        assert data[key] == card.data[key], key
    assert data["description"].startswith(
        "Intro.\n\n#### Design\n\n```python\n# a comment, not a heading\n```"
        "\n\n- point one\n- point two\n\n" + IMPORTED_HEADING
    )
    assert draft_errors(data) == []


# --- import --------------------------------------------------------------------------------------


def test_import_of_a_default_template_card() -> None:
    data, notes = from_huggingface((FIXTURES / "bert-sentiment.md").read_text(encoding="utf-8"))
    assert in_schema_order(data)
    assert {key: data[key] for key in ("id", "name", "version", "status", "license", "task", "tags")} == {
        "id": "bert-base-uncased-sst-2-sentiment",
        "name": "BERT Base Uncased SST-2 Sentiment",
        "version": "0.1.0",
        "status": "draft",
        "license": "Apache-2.0",
        "task": "text-classification",
        "tags": ["sentiment-analysis", "bert", "text-classification"],
    }
    assert data["summary"] == (
        "A BERT base model fine-tuned on SST-2 to classify English sentences as positive or negative."
    )
    details = data["model_details"]
    assert details["architecture"] == "BERT transformer encoder with a sequence-classification head"
    assert details["repository"] == "https://github.com/acme-nlp/bert-sst2"
    assert details["paper"] == "https://arxiv.org/abs/1810.04805"
    assert details["citation"].startswith("@article{devlin2018bert,\n  title={BERT:")
    assert details["citation"].endswith("year={2018}\n}")
    assert "base_model" not in details
    assert data["intended_use"] == {
        "primary_uses": ["Classifying the sentiment of short English texts such as product or movie reviews."],
        "out_of_scope": [
            "Texts in languages other than English",
            "Detecting sarcasm, irony or mixed sentiment",
            "Decisions about people, such as screening job applicants by the tone of their writing",
        ],
    }
    assert data["limitations"] == [
        "The model inherits the biases of BERT's pre-training corpus (BooksCorpus and English Wikipedia) "
        "and of the movie reviews in SST-2.",
        "Accuracy drops on long documents, because inputs are truncated to 128 tokens.",
    ]
    assert "caveats_and_recommendations" not in data
    assert data["training_data"] == [
        {
            "name": "stanfordnlp/sst2",
            "description": "The [SST-2](https://huggingface.co/datasets/stanfordnlp/sst2) training split: "
            "67,349 sentences from movie reviews labelled positive or negative.",
        }
    ]
    assert "metrics" not in data and "evaluation_data" not in data
    assert data["environmental_impact"] == {
        "hardware": "1x NVIDIA V100 16GB",
        "hours": 1.5,
        "region": "europe-west4",
        "co2_eq_kg": 0.12,
    }

    description = data["description"]
    assert description.startswith("This model is `bert-base-uncased` with a sequence-classification head")
    assert IMPORTED_HEADING in description
    for unmapped in (
        "#### Uses › Downstream Use",
        "fine-tuned further on reviews from a specific domain",
        "- **Developed by:** Jane Doe, Acme NLP",
        "- **Finetuned from model:** google-bert/bert-base-uncased",
        "#### How to Get Started with the Model",
        'pipeline("text-classification"',
        "#### Training Details › Training Procedure › Preprocessing",
        "WordPiece tokenizer",
        "- **Training regime:** fp16 mixed precision",
        "The SST-2 validation split (872 sentences).",
        "Accuracy, because the two classes are nearly balanced.",
        "Accuracy 0.924",
        "- **Cloud Provider:** Google Cloud",
        "12-layer transformer encoder",
        "Transformers 4.40, PyTorch 2.2",
        "#### Model Card Authors\n\nJane Doe",
        "jane.doe@acme.example",
        "library_name: transformers",
        "base_model: google-bert/bert-base-uncased",
        "language:\n- en",
    ):
        assert unmapped in description
    for template_filler in (
        "More Information Needed",
        "should be made aware of the risks",
        "Carbon emissions can be estimated",
        "<!--",
        "Use the code below",
        "[optional]",
    ):
        assert template_filler not in description
    assert any("google-bert/bert-base-uncased" in note and "not a catalog id" in note for note in notes)
    assert any("`library_name`" in note for note in notes)
    assert any("How to Get Started with the Model" in note for note in notes)
    assert draft_errors(data) == []


def test_import_of_a_card_with_model_index_results() -> None:
    data, notes = from_huggingface((FIXTURES / "whisper-small-nl.md").read_text(encoding="utf-8"))
    assert in_schema_order(data)
    assert (data["id"], data["name"], data["license"], data["task"]) == (
        "whisper-small-nl",
        "whisper-small-nl",
        "CC-BY-NC-4.0",
        "automatic-speech-recognition",
    )
    assert data["metrics"] == [
        {"name": "wer", "value": 9.87, "dataset": "Common Voice 16.1 (nl, test split)", "unit": "%"},
        {"name": "wer", "value": 14.2, "dataset": "FLEURS (nl_nl, test split)", "unit": "%"},
        {"name": "cer", "value": 5.1, "dataset": "FLEURS (nl_nl, test split)", "unit": "%"},
    ]
    assert data["evaluation_data"] == [
        {
            "name": "Common Voice 16.1 (nl, test split)",
            "description": "Hub dataset `mozilla-foundation/common_voice_16_1`.",
        },
        {"name": "FLEURS (nl_nl, test split)", "description": "Hub dataset `google/fleurs`."},
    ]
    assert data["training_data"] == [{"name": "mozilla-foundation/common_voice_16_1"}]
    assert data["environmental_impact"] == {
        "hardware": "1x NVIDIA A100 80GB",
        "hours": 7,
        "region": "Amsterdam, Netherlands",
        "co2_eq_kg": 2.45,
    }
    assert data["factors"] == {"evaluation": ["Speaker age group", "Regional accent"]}
    assert data["caveats_and_recommendations"] == [
        "Always have an editor review transcripts before they are published.",
        "Cut silences longer than 30 seconds before transcription.",
    ]
    assert len(data["limitations"]) == 3
    assert data["intended_use"]["out_of_scope"][0] == "Live captioning without human correction"
    assert data["links"] == [{"title": "Demo", "url": "https://huggingface.co/spaces/voorbeeldstad/whisper-nl-demo"}]
    assert data["model_details"]["citation"].startswith("@misc{radford2022whisper,")

    description = data["description"]
    for unmapped in (
        "- learning_rate: 1e-05",
        "| 0.0298        | 4.47  | 3000 |",
        "- Transformers 4.38.2",
        "The Dutch test splits of Common Voice 16.1 and FLEURS.",
        "WER 9.87 on Common Voice 16.1",
        "source: CodeCarbon",
        "training_type: fine-tuning",
        "base_model: openai/whisper-small",
        "metrics:\n- wer",
        "data@voorbeeldstad.example",
    ):
        assert unmapped in description
    assert "model-index:" not in description
    assert not any("model-index" in note for note in notes)
    assert any("`co2_eq_emissions`" in note for note in notes)
    assert "wer 9.87 is read as a percentage (unit: '%')" in notes
    assert draft_errors(data) == []


def test_import_keeps_a_license_that_is_not_spdx_and_says_so() -> None:
    data, notes = from_huggingface("---\nlicense: llama3\ntags: [chat]\n---\n\n# Model Card for Tiny Chat\n")
    assert "license" not in data
    assert any("'llama3'" in note and "not an SPDX identifier" in note for note in notes)
    assert "license: llama3" in data["description"]
    assert (data["id"], data["name"], data["tags"]) == ("tiny-chat", "Tiny Chat", ["chat"])
    assert draft_errors(data) == []


def test_import_keeps_a_model_index_it_cannot_map_whole() -> None:
    text = (
        "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n"
        "    dataset: {name: d, type: d}\n    metrics:\n    - {type: accuracy, value: 0.9}\n"
        "    - {type: rouge, value: n/a}\n---\n"
    )
    data, notes = from_huggingface(text)
    assert data["metrics"] == [{"name": "accuracy", "value": 0.9, "dataset": "d"}]
    assert "value: n/a" in data["description"]
    assert any("model-index" in note for note in notes)
    assert draft_errors(data) == []


def test_import_of_plain_markdown_without_front_matter() -> None:
    data, notes = from_huggingface("Detects cats in photos.\n")
    assert data == {
        "id": "imported-model",
        "name": "Imported model",
        "version": "0.1.0",
        "status": "draft",
        "summary": "Detects cats in photos.",
    }
    assert any("names no model" in note for note in notes)
    assert draft_errors(data) == []


def test_import_survives_broken_front_matter() -> None:
    data, notes = from_huggingface("---\nlicense: [mit\n---\n# Model Card for Broken\n")
    assert data["name"] == "Broken"
    assert "license: [mit" in data["description"]
    assert any("not valid YAML" in note for note in notes)
    assert draft_errors(data) == []


def test_the_modules_need_neither_huggingface_hub_nor_mkdocs() -> None:
    probe = (
        "import sys, model_catalog.formats.huggingface.export, model_catalog.formats.huggingface.importer; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'huggingface_hub', 'mkdocs'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- round trip ----------------------------------------------------------------------------------


@pytest.mark.parametrize("card", EXAMPLES, ids=example_id)
def test_round_trip_keeps_the_card(card: Card) -> None:
    original = card.data
    data, _ = from_huggingface(to_huggingface(card))
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
    assert sorted(map(metric_key, data["metrics"])) == sorted(map(metric_key, original["metrics"]))
    if original.get("evaluation_data"):
        assert data["evaluation_data"] == original["evaluation_data"]
    else:
        assert {entry["name"] for entry in data["evaluation_data"]} == {m["dataset"] for m in original["metrics"]}
    assert data["description"].startswith(original["description"].strip())
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
    again, _ = from_huggingface(readme)
    assert again["name"] == HOSTILE_TEXT and HOSTILE_TEXT in again["limitations"]


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
