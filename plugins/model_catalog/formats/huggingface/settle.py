"""The last step of an import: facts reconciled with the front matter, results matched with tables, and what
no field took kept under its own heading in the description."""

from __future__ import annotations

from typing import Any

import yaml

from model_catalog.formats.huggingface.draft import Draft, Fact, add_link, fact_of, put_at
from model_catalog.formats.huggingface.hub import IMPORTED_HEADING, RESULT_COLUMNS, Data, card_schema, slug_of, unique
from model_catalog.formats.huggingface.markdown import code_block, link_parts, table_rows
from model_catalog.formats.huggingface.values import (
    MODEL_LABELS,
    catalog_ref,
    hub_license_to_spdx,
    model_id,
    number_value,
    spdx_value,
    url_value,
)


def settle_draft(draft: Draft) -> None:
    _settle_name(draft)
    _settle_license(draft)
    _settle_task(draft)
    _settle_base_model(draft)
    for fact in draft.facts:
        _apply_fact(fact, draft)
    _settle_datasets(draft)
    _settle_results(draft)
    _settle_percentages(draft)
    _settle_description(draft)
    draft.data["status"] = "draft"
    draft.data.setdefault("version", "0.1.0")


def _settle_name(draft: Draft) -> None:
    model_name = draft.meta.get("model_name") if isinstance(draft.meta.get("model_name"), str) else None
    names = [name.strip() for name in (draft.title, *draft.index_names, model_name or "") if name and name.strip()]
    name = names[0] if names else "Imported model"
    if not names:
        draft.notes.append("the card names no model; `name` is a placeholder, change it")
    if len(name) > 120:
        draft.notes.append("the model name is longer than 120 characters; `name` is shortened, the full name is kept")
        draft.keep("Model name", name)
        name = name[:120].rstrip()
    draft.data["name"] = name
    if model_name and model_name.strip() in (name, draft.title):
        draft.used_meta.add("model_name")
    for other in unique(names[1:]):
        if other != name and other != model_name:
            draft.keep("Other names", f"- {other}")
    catalog_id = fact_of(draft, "catalog id")
    if not (catalog_id and model_id(catalog_id.value)):
        slug = slug_of(name.rsplit("/", 1)[-1]) or "imported-model"
        draft.data["id"] = slug


def _settle_license(draft: Draft) -> None:
    meta = draft.meta
    from_meta = hub_license_to_spdx(meta.get("license"), meta.get("license_name"))
    fact = fact_of(draft, "license")
    from_body = spdx_value(link_parts(fact.value)[0]) if fact else None
    license = from_meta or from_body
    if license:
        draft.data["license"] = license
    if from_meta or (meta.get("license") == "other" and from_body):
        draft.used_meta.update({"license", "license_name"})
    elif meta.get("license"):
        draft.notes.append(
            f"license {meta['license']!r}"
            + (f" ({meta['license_name']!r})" if meta.get("license_name") else "")
            + " is not an SPDX identifier; it is kept in the description, set `license` yourself"
        )
    link = meta.get("license_link")
    if isinstance(link, str) and url_value(link):
        add_link(draft.data, "License", link)
        draft.used_meta.add("license_link")
    if fact:
        draft.facts.remove(fact)
        if from_body is None or from_body != license:
            draft.keep_fact(fact)


def _settle_task(draft: Draft) -> None:
    tag = draft.meta.get("pipeline_tag")
    tag = tag.strip() if isinstance(tag, str) and 0 < len(tag.strip()) <= 80 else None
    fact = fact_of(draft, "task")
    body = fact.value.strip() if fact and 0 < len(fact.value.strip()) <= 80 else None
    task = tag or body or (draft.index_task if draft.index_task != "other" else None)
    if task:
        draft.data["task"] = task
    if tag:
        draft.used_meta.add("pipeline_tag")
    if fact:
        draft.facts.remove(fact)
        if body is None or body != task:
            draft.keep_fact(fact)


def _settle_base_model(draft: Draft) -> None:
    """Lineage only to ids our catalog can hold; a Hub id such as ``org/model`` stays in the description."""
    front = draft.meta.get("base_model")
    fact = fact_of(draft, "finetuned from model")
    from_body = catalog_ref(fact.value) if fact else None
    base = from_body or catalog_ref(front)
    if base:
        put_at(draft.data, ("model_details", "base_model"), base)
        draft.notes.append(
            f"model_details.base_model is {base!r}: it must be the id of a card in this catalog; "
            "change or remove it if it names a Hugging Face model"
        )
    if base and isinstance(front, str) and front.split("@")[0] == base.split("@")[0]:
        draft.used_meta.add("base_model")
    elif front:
        draft.notes.append(f"base model {front!r} is not a catalog id; it is kept in the description")
    if fact:
        draft.facts.remove(fact)
        if from_body is None or from_body != base:
            draft.keep_fact(fact)


def _apply_fact(fact: Fact, draft: Draft) -> None:
    if fact.key == "demo":
        url = url_value(fact.value)
        if url:
            add_link(draft.data, "Demo", url)
            return
    elif fact.key in MODEL_LABELS:
        path, parse = MODEL_LABELS[fact.key]
        value = parse(fact.value)
        if value is not None and put_at(draft.data, path, value):
            return
        if value is None:
            draft.notes.append(f"{fact.label} {fact.value!r} does not fit `{'.'.join(path)}`; kept in the description")
    draft.keep_fact(fact)


def _settle_datasets(draft: Draft) -> None:
    """Training and evaluation data from the data sections, ``model-index`` and ``datasets``.

    ``model-index`` data sets only stand in for evaluation data the card does not describe:
    their names often carry a split or setting ("test (per-language thresholds)").
    """
    evaluation = draft.evaluation or draft.index_datasets
    known = {entry["name"].lower() for entry in [*evaluation, *draft.index_datasets]}
    names = draft.meta.get("datasets") if "datasets" in draft.used_meta else []
    listed = [
        {"name": name.strip()}
        for name in ([names] if isinstance(names, str) else names or [])
        if name.strip().lower() not in known
    ]
    training = _merge_datasets(draft.training, listed)
    for kind, found in (("training", training), ("evaluation", evaluation)):
        if kind not in draft.data_text:
            continue
        where, text = draft.data_text[kind]
        if len(found) == 1 and not found[0].get("description"):
            found[0]["description"] = text
        else:
            draft.keep(where, text)
    if training:
        draft.data["training_data"] = training
    if evaluation:
        draft.data["evaluation_data"] = evaluation


def _merge_datasets(first: list[Data], more: list[Data]) -> list[Data]:
    names = {entry["name"].lower() for entry in first}
    return [*first, *(entry for entry in more if entry["name"].lower() not in names)]


def _settle_results(draft: Draft) -> None:
    """Unit, interval, threshold and direction of each metric from the results table export writes."""
    metrics = draft.data.get("metrics", [])
    for where, block in draft.results_tables:
        matches = _match_rows(table_rows(block)[2:], metrics)
        if matches is None:
            draft.keep(where, block.markdown())
            draft.notes.append("the results table does not match `model-index`; it is kept in the description")
            continue
        for metric, details in matches:
            metric.update(details)


def _settle_percentages(draft: Draft) -> None:
    """Hub cards often give fractions such as WER or accuracy in percent; above 1, a fraction can only be that."""
    for metric in draft.data.get("metrics", []):
        key = metric["name"].strip().lower().replace(" ", "_").replace("-", "_")
        if key in card_schema().fraction_metrics and "unit" not in metric and 1 < metric["value"] <= 100:
            metric["unit"] = "%"
            draft.notes.append(f"{metric['name']} {metric['value']} is read as a percentage (unit: '%')")


def _match_rows(rows: list[list[str]], metrics: list[Data]) -> list[tuple[Data, Data]] | None:
    free = list(metrics)
    matches = []
    for row in rows:
        if len(row) != len(RESULT_COLUMNS):
            return None
        name, dataset, slice_, value, unit, interval, threshold, higher = row
        metric = next(
            (
                m
                for m in free
                if m["name"] == name
                and m.get("dataset", "") == dataset
                and m.get("slice", "") == slice_
                and m["value"] == number_value(value)
            ),
            None,
        )
        details = _row_details(unit, interval, threshold, higher)
        if metric is None or details is None:
            return None
        free.remove(metric)
        matches.append((metric, details))
    return matches


def _row_details(unit: str, interval: str, threshold: str, higher: str) -> Data | None:
    details: Data = {}
    if interval:
        bounds = [number_value(part) for part in interval.split("–")]
        if len(bounds) != 2 or None in bounds:
            return None
        details["confidence_interval"] = bounds
    if threshold:
        if number_value(threshold) is None:
            return None
        details["threshold"] = number_value(threshold)
    if unit:
        details["unit"] = unit
    if higher.lower() == "no":
        details["higher_is_better"] = False
    elif higher.lower() not in ("yes", ""):
        return None
    return details


def _settle_description(draft: Draft) -> None:
    """The Hub card's own description, then everything without a field under one heading."""
    leftover_meta = {key: value for key, value in draft.meta.items() if key not in draft.used_meta}
    if leftover_meta:
        draft.keep(
            "Front matter", code_block(yaml.safe_dump(leftover_meta, sort_keys=False, allow_unicode=True), "yaml")
        )
        draft.notes.append(
            "front matter without a card field kept in the description: "
            + ", ".join(f"`{key}`" for key in leftover_meta)
        )
    kept = [(where, "\n\n".join(texts)) for where, texts in draft.kept.items() if texts]
    for where, _ in kept:
        if where != "Front matter":
            draft.notes.append(f"“{where}”: text without a card field kept in the description")
    parts = [part for part in draft.prose if part]
    if kept:
        parts.append(IMPORTED_HEADING)
        parts += [f"#### {where}\n\n{text}" for where, text in kept]
    if parts:
        draft.data["description"] = "\n\n".join(parts)


def in_schema_order(data: Data, fields: dict[str, Any]) -> Data:
    ordered: Data = {}
    for name, rules in fields.items():
        if name not in data:
            continue
        value, inner = data[name], rules.get("schema")
        if rules.get("type") == "dict" and isinstance(inner, dict) and isinstance(value, dict):
            value = in_schema_order(value, inner)
        elif rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict":
            value = [in_schema_order(item, inner.get("schema", {})) for item in value]
        ordered[name] = value
    return ordered


def without_empty(data: Data) -> Data:
    return {key: value for key, value in data.items() if value not in ({}, [], None, "")}
