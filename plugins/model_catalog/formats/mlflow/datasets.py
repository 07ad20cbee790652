"""A run's data set inputs into the card's training and evaluation data, by their ``mlflow.data.context`` tag.

Name, link and size are mapped; source, digest, schema and profile are kept in the data set's description.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from model_catalog.formats.importing import Outcome
from model_catalog.formats.mlflow.draft import RunDraft, escaped
from model_catalog.formats.mlflow.schema import json_value, schema_text
from model_catalog.formats.mlflow.store import public_uri

_TRAINING = frozenset({"training", "train"})
_EVALUATION = frozenset({"evaluation", "eval", "validation", "valid", "test", "testing"})


def map_datasets(state: RunDraft, run: Any) -> None:
    """Data set inputs as training or evaluation data, by their ``mlflow.data.context`` tag."""
    inputs = getattr(getattr(run, "inputs", None), "dataset_inputs", None) or []
    unplaced: list[str] = []
    for dataset_input in inputs:
        dataset = dataset_input.dataset
        input_tags = {tag.key: tag.value for tag in dataset_input.tags or []}
        context = str(input_tags.pop("mlflow.data.context", "") or "").strip()
        where = f"inputs: dataset {dataset.name}" + (f" ({context})" if context else "")
        field_name = (
            "training_data"
            if context.lower() in _TRAINING
            else "evaluation_data"
            if context.lower() in _EVALUATION
            else None
        )
        entry, notes = _dataset_entry(dataset, input_tags)
        if field_name is None:
            line = f"- **{escaped(dataset.name)}**" + (f" ({escaped(context)})" if context else "")
            unplaced.append(line + "".join(f"; {escaped(note)}" for note in notes))
            why = f"its context {context!r} is neither" if context else "no mlflow.data.context tag says whether it is"
            state.draft.place(where, "kept", "description", f"{why} training nor evaluation data")
            continue
        entries = state.data.setdefault(field_name, [])
        same = next((index for index, other in enumerate(entries) if other == entry), None)
        if same is None:
            entries.append(entry)
            same = len(entries) - 1
        target = f"{field_name}[{same}]"
        state.draft.place(where, "mapped", f"{target}.name", f"its context is {context}")
        for part, outcome, sub, why in _dataset_parts(dataset, entry):
            state.draft.place(f"{where}: {part}", outcome, f"{target}.{sub}", why)
    if unplaced:
        state.section("Data sets", "\n".join(unplaced))


def _dataset_entry(dataset: Any, input_tags: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """A card data set from an MLflow one: name, link and size mapped, the rest in its description."""
    entry: dict[str, Any] = {"name": str(dataset.name).strip() or "dataset"}
    notes: list[str] = []
    source = json_value(dataset.source)
    link = _source_link(source, str(dataset.source_type or ""))
    if link:
        entry["link"] = link
    elif dataset.source:
        notes.append(f"source {_source_text(source, str(dataset.source))} ({dataset.source_type or 'unknown'})")
    if dataset.digest:
        notes.append(f"digest {dataset.digest}")
    columns = schema_text(json_value(dataset.schema))
    if columns:
        notes.append(columns)
    profile = json_value(dataset.profile)
    if isinstance(profile, dict):
        rows = profile.get("num_rows")
        if isinstance(rows, int) and not isinstance(rows, bool):
            entry["size"] = f"{rows:,} rows"
        extra = {key: value for key, value in profile.items() if key != "num_rows"}
        if extra:
            notes.append("profile " + json.dumps(extra, ensure_ascii=False))
    elif profile is not None:
        notes.append(f"profile {profile}")
    notes.extend(f"tag {key}: {value}" for key, value in sorted(input_tags.items()))
    if notes:
        entry["description"] = "Logged to MLflow: " + "; ".join(notes) + "."
    return entry, notes


def _dataset_parts(dataset: Any, entry: dict[str, Any]) -> Iterable[tuple[str, Outcome, str, str]]:
    """Where each part of an MLflow data set went in the card's entry: (part, outcome, sub-field, why)."""
    if dataset.source:
        if "link" in entry:
            yield "source", "mapped", "link", "a web address"
        else:
            yield "source", "kept", "description", "not a web address to link to"
    if dataset.digest:
        yield "digest", "kept", "description", "MLflow's fingerprint of the data"
    if dataset.schema:
        yield "schema", "kept", "description", "its columns, in words"
    if dataset.profile:
        if "size" in entry:
            yield "profile", "mapped", "size", "its number of rows"
        else:
            yield "profile", "kept", "description", "no number of rows in it"


def _source_text(source: Any, text: str) -> str:
    """A data set's source for people: its one location (``s3://...``) rather than the JSON MLflow stores."""
    if isinstance(source, dict):
        places = [value for key, value in source.items() if key in ("url", "uri", "path") and isinstance(value, str)]
        if len(places) == 1 and len(source) == 1:
            return places[0]
        return json.dumps(source, ensure_ascii=False)
    return text


def _source_link(source: Any, source_type: str) -> str | None:
    """A web address for a data set's source: its URL, or the Hub page of a Hugging Face data set."""
    if not isinstance(source, dict):
        return None
    for key in ("url", "uri"):
        value = source.get(key)
        if isinstance(value, str) and urlsplit(value).scheme in ("http", "https") and "\n" not in value:
            return public_uri(value)
    path = source.get("path")
    if source_type == "hugging_face" and isinstance(path, str) and re.fullmatch(r"[\w.-]+(/[\w.-]+)?", path):
        return f"https://huggingface.co/datasets/{path}"
    return None
