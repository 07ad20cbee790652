"""The generated JSON Schema: valid draft 2020-12, and of one mind with our validator on structure."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from helpers import REPO, run_cli
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation
from model_catalog.cards.values import plain
from model_catalog.cards.yamlsource import YamlError, parse_yaml
from model_catalog.formats.json_schema import card_json_schema

SCHEMA = CardSchema.load()
VALIDATION = Validation(SCHEMA)
JSON_VALIDATOR = jsonschema.Draft202012Validator(
    card_json_schema(SCHEMA), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
EXAMPLES = sorted(p for p in (REPO / "cards").rglob("*.yaml") if p.name != "APPROVERS.yaml")

Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(key: str) -> Mutation:
    return lambda data: data.pop(key, None)


MUTATIONS: dict[str, Mutation] = {
    "unchanged": lambda data: None,
    "missing id": _drop("id"),
    "missing owners": _drop("owners"),
    "missing summary": _drop("summary"),
    "missing limitations": _drop("limitations"),
    "missing out_of_scope": lambda data: data.get("intended_use", {}).pop("out_of_scope", None),
    "draft without docs": lambda data: (
        [data.pop(k, None) for k in ("summary", "limitations", "metrics")] and data.__setitem__("status", "draft")
    ),
    "version as number": _set(("version",), 1.1),
    "bad id": _set(("id",), "Bad_Id"),
    "bad status": _set(("status",), "aproved"),
    "bad risk": _set(("risk_tier",), "extreme"),
    "unknown key": _set(("limitaions",), ["x"]),
    "nested unknown key": _set(("model_details", "layers"), 50),
    "tags as string": _set(("tags",), "vision"),
    "empty name": _set(("name",), ""),
    "null summary": _set(("summary",), None),
    "null name": _set(("name",), None),
    "metric without value": lambda data: data["metrics"][0].pop("value"),
    "metric value as text": _set(("metrics", 0, "value"), "high"),
    "interval of three": _set(("metrics", 0, "confidence_interval"), [0.1, 0.2, 0.3]),
    "empty metrics": _set(("metrics",), []),
    "owner without email": lambda data: data["owners"][0].pop("email"),
    "bad email": _set(("owners", 0, "email"), "nobody"),
    "javascript link": _set(("links",), [{"title": "x", "url": "javascript:alert(1)"}]),
    "relative link": _set(("links",), [{"title": "x", "url": "../docs/page.md"}]),
    "unknown license": _set(("license",), "MIT2"),
    "proprietary license": _set(("license",), "proprietary"),
    "negative parameters": _set(("model_details", "parameters"), -5),
    "multi-line summary": _set(("summary",), "one\ntwo"),
    "in review": _set(("status",), "in_review"),
    "bad digest": _set(("approvals",), [{"approver": "A", "role": "r", "date": "2025-01-01", "digest": "md5:x"}]),
}


def corpus() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in EXAMPLES:
        original = yaml.safe_load(path.read_text())
        for name, mutate in MUTATIONS.items():
            data = copy.deepcopy(original)
            try:
                mutate(data)
            except (KeyError, IndexError):
                continue
            yield f"{path.parent.name}/{path.stem}: {name}", data


def our_verdict(data: dict[str, Any]) -> bool:
    try:
        located = parse_yaml(yaml.safe_dump(data, sort_keys=False))
    except YamlError as exc:  # pragma: no cover - the corpus is well-formed YAML
        pytest.fail(str(exc))
    _, errors = VALIDATION.check(located, "card.yaml", semantics=False)
    return not errors


def test_the_generated_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(card_json_schema(SCHEMA))


def test_json_schema_and_validator_agree_on_every_structural_verdict() -> None:
    cases = list(corpus())
    assert len(cases) > 300
    disagreements = []
    verdicts = {True: 0, False: 0}
    for name, data in cases:
        ours = our_verdict(data)
        theirs = JSON_VALIDATOR.is_valid(plain(data))
        verdicts[ours] += 1
        if ours != theirs:
            disagreements.append(f"{name}: ours {ours}, JSON Schema {theirs}")
    assert disagreements == []
    assert verdicts[True] > 50 and verdicts[False] > 200


def test_schema_command_prints_the_schema_with_the_sites_extension(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - model-catalog:\n      schema_extension: ext.yaml\n"
    )
    (tmp_path / "ext.yaml").write_text("fields:\n  cost_center: {type: string, regex: 'CC-[0-9]{4}'}\n")
    done = run_cli("schema", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["properties"]["cost_center"]["pattern"] == "^(?:CC-[0-9]{4})$(?![\\s\\S])"
    assert "limitations" in schema["then"]["required"]
