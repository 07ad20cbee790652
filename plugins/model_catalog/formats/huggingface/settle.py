"""The last step of an import: facts reconciled with the front matter, results matched with tables, and what no
field took kept under its own heading in the description.

A value the body gives and the front matter does not (a License fact without ``license:``) is kept rather than
mapped: an export writes those fields into the front matter, and a Hub card must come back with the front matter
it had.
"""

from __future__ import annotations

import re

from model_catalog.cards.values import link_problem
from model_catalog.formats.huggingface.blocks import demote, join
from model_catalog.formats.huggingface.draft import Draft, Fact, add_link, fact_of, put_at
from model_catalog.formats.huggingface.hub import (
    HUB_TASKS,
    IMPORTED_HEADING,
    RESULT_COLUMNS,
    Data,
    card_schema,
    hub_license,
    unique,
)
from model_catalog.formats.huggingface.limits import TEXT_LIMIT, cut_markdown, cut_texts
from model_catalog.formats.huggingface.markdown import MD_LINK, link_parts, plain_text, unescape
from model_catalog.formats.huggingface.values import (
    MODEL_LABELS,
    catalog_ref,
    hub_license_to_spdx,
    number_value,
    spdx_value,
    url_value,
)


def settle_draft(draft: Draft) -> None:
    _settle_license(draft)
    _settle_task(draft)
    _settle_base_model(draft)
    for fact in list(draft.facts):
        _apply_fact(fact, draft)
    _settle_datasets(draft)
    _settle_results(draft)
    _settle_percentages(draft)
    _settle_description(draft)
    draft.data["status"] = "draft"
    draft.data.setdefault("version", "0.1.0")
    cuts: list[tuple[str, int]] = []
    draft.data = cut_texts(draft.data, "", cuts)
    for path, length in cuts:
        draft.place(path, "dropped", "", f"{length:,} characters, over the limit of one value: cut to {TEXT_LIMIT:,}")


def _take(draft: Draft, key: str) -> Fact | None:
    fact = fact_of(draft, key)
    if fact is not None:
        draft.facts.remove(fact)
    return fact


def _restates(fact: Fact, draft: Draft, what: str) -> None:
    draft.place(f"{fact.source}: {fact.label}", "mapped", what, "it says what the front matter says")


def _settle_license(draft: Draft) -> None:
    meta = draft.meta
    given, name, link = (meta.get(key) for key in ("license", "license_name", "license_link"))
    if isinstance(given, list):
        draft.hub["license"] = given
        draft.place("front matter: license", "mapped", "huggingface.license", "several licenses: set `license`")
        given = None
    given = given.strip() if isinstance(given, str) and "\n" not in given else None
    name = name.strip() if isinstance(name, str) and "\n" not in name else None
    license = hub_license_to_spdx(given, name) if given else None
    fact = _take(draft, "license")
    source = {"license": given, **({"license_name": name} if name else {})}
    from_body = spdx_value(link_parts(fact.value)[0]) if fact else None
    if given and license is None and from_body and hub_license(from_body) == source:
        license = from_body  # `other` and a license_name an export made of an SPDX expression the body gives
    if license:
        draft.data["license"] = license
    if given:
        exported = hub_license(license)
        if exported != source:
            draft.hub.update(source)
        targets = ", ".join(
            target for target, used in (("license", license), ("huggingface.license", exported != source)) if used
        )
        draft.place("front matter: license", "mapped", targets)
        if name:
            draft.place(
                "front matter: license_name", "mapped", "huggingface.license_name" if exported != source else "license"
            )
    elif name:
        draft.kept.setdefault("Front matter", []).append(f"license_name: {name}")
        draft.place("front matter: license_name", "kept", "description", "there is no `license:` it names")
    if isinstance(link, str) and link_problem(link) is None and (given or name):
        draft.hub["license_link"] = link
        draft.place("front matter: license_link", "mapped", "huggingface.license_link")
    elif isinstance(link, str) and url_value(link):
        add_link(draft.data, "License", link)
        draft.place("front matter: license_link", "mapped", "links")
    if fact is None:
        return
    text = link_parts(fact.value)[0].strip()
    if given and (text.lower() == given.lower() or (license and from_body == license)):
        _restates(fact, draft, "license")
    elif not given and license is None and draft.data.get("huggingface", {}).get("license") is None:
        draft.keep_fact(fact, "the front matter gives no license: set `license` yourself")
    else:
        draft.keep_fact(fact, "not the license id of the front matter")


def _settle_task(draft: Draft) -> None:
    fact = _take(draft, "task")
    if fact is None:
        return
    body = fact.value.strip()
    if body and body == draft.data.get("task"):
        _restates(fact, draft, "task")
    elif 0 < len(body) <= 80 and "task" not in draft.data and body not in HUB_TASKS:
        draft.data["task"] = body
        draft.place(f"{fact.source}: {fact.label}", "mapped", "task")
    else:
        draft.keep_fact(fact, "the front matter's pipeline_tag says otherwise, or gives none")


def _settle_base_model(draft: Draft) -> None:
    """A catalog id as lineage only from a card an export wrote (it has a Catalog id); a Hub id stays a Hub id."""
    fact = _take(draft, "finetuned from model")
    front = draft.data.get("huggingface", {}).get("base_model")
    if fact is None:
        return
    text, target = link_parts(fact.value)
    ours = fact_of(draft, "catalog id") is not None
    if ours and catalog_ref(text) and isinstance(front, str) and front == text.split("@")[0]:
        draft.data.setdefault("model_details", {})["base_model"] = text
        del draft.hub["base_model"]
        draft.place(f"{fact.source}: {fact.label}", "mapped", "model_details.base_model")
    elif front and _names_base(text, target, [front] if isinstance(front, str) else front):
        _restates(fact, draft, "huggingface.base_model")
    else:
        draft.keep_fact(fact, "not the front matter's base_model (a catalog model goes in model_details.base_model)")


def _names_base(text: str, target: str, front: list[str]) -> bool:
    return text in front or target in front or target.removeprefix("https://huggingface.co/") in front


def _apply_fact(fact: Fact, draft: Draft) -> None:
    draft.facts.remove(fact)
    if fact.key == "demo" and (url := url_value(fact.value)):
        add_link(draft.data, "Demo", url)
        draft.place(f"{fact.source}: {fact.label}", "mapped", "links")
        return
    if fact.key == "developed by" and draft.contact_owners is not None and fact.value == draft.contact_owners:
        draft.place(f"{fact.source}: {fact.label}", "dropped", "", "it names the owners, which an import is given")
        return
    if fact.key == "status":
        draft.place(f"{fact.source}: {fact.label}", "dropped", "", "an imported card is a draft")
        return
    if fact.key == "language" and fact.value == ", ".join(draft.data.get("languages", [])):
        _restates(fact, draft, "languages")
        return
    if fact.key == "resources for more information" and _resource_links(fact, draft):
        return
    if fact.key in MODEL_LABELS:
        path, parse = MODEL_LABELS[fact.key]
        value = parse(fact.value)
        if value is not None and put_at(draft.data, path, value):
            draft.place(f"{fact.source}: {fact.label}", "mapped", ".".join(path))
            return
        reason = f"{fact.value!r} does not fit `{'.'.join(path)}`" if value is None else "another value is there"
        draft.keep_fact(fact, reason)
        return
    draft.keep_fact(fact)


def _resource_links(fact: Fact, draft: Draft) -> bool:
    """The links of a ``Resources for more information:`` fact (nested items, or links separated by commas), into
    ``links``; False if it says more than links."""
    if fact.item.children and not fact.value:
        texts = [child.text.strip() for child in fact.item.children]
    else:
        texts = [part.strip() for part in re.split(r",\s*|\s+and\s+", fact.value.strip().rstrip("."))]
    matches = [MD_LINK.match(text) for text in texts]
    if (fact.item.children and fact.value) or not matches:
        return False
    links = [(match.group("text"), match.group("url")) for match in matches if match and url_value(match.group("url"))]
    if len(links) != len(texts):
        return False
    for text, url in links:
        add_link(draft.data, unescape(text), url)
    draft.place(f"{fact.source}: {fact.label}", "mapped", "links")
    return True


def _settle_datasets(draft: Draft) -> None:
    """Training and evaluation data from the data sections, ``model-index`` and ``datasets``.

    ``model-index`` data sets only stand in for evaluation data the card does not describe."""
    evaluation = draft.evaluation or draft.index_datasets
    known = {entry["name"].lower() for entry in [*evaluation, *draft.index_datasets]}
    listed = [{"name": name} for name in draft.data.get("huggingface", {}).get("datasets", [])]
    listed = [entry for entry in listed if entry["name"].lower() not in known]
    names = {entry["name"].lower() for entry in draft.training}
    training = [*draft.training, *(entry for entry in listed if entry["name"].lower() not in names)]
    for kind, found in (("training", training), ("evaluation", evaluation)):
        if kind not in draft.data_text:
            continue
        where, heading, text = draft.data_text[kind]
        if len(found) == 1 and not found[0].get("description"):
            found[0]["description"] = plain_text(text)
            draft.place(heading, "mapped", f"{kind}_data[0].description")
        elif not found:
            found.append({"name": f"{kind.title()} data", "description": plain_text(text)})
            draft.place(
                heading, "mapped", f"{kind}_data[0]", "the section names no data set: the entry is named after it"
            )
        else:
            draft.keep(where, heading, text, f"it is about {len(found)} data sets at once")
    if training:
        draft.data["training_data"] = training
    if evaluation:
        draft.data["evaluation_data"] = evaluation


def _settle_results(draft: Draft) -> None:
    """Unit, interval, threshold and direction of each metric from the results table an export writes."""
    metrics = draft.data.get("metrics", [])
    for where, heading, block in draft.results_tables:
        matches = _match_rows([[unescape(cell.strip()) for cell in row] for row in block.rows[1:]], metrics)
        if matches is None:
            draft.keep(where, heading, block.markdown, "the results table does not match `model-index`")
            continue
        for metric, details in matches:
            metric.update(details)
        draft.place(heading, "mapped", "metrics", "units, intervals, thresholds and directions of the results")


def _settle_percentages(draft: Draft) -> None:
    """Hub cards often give fractions such as WER or accuracy in percent; above 1, a fraction can only be that.
    (A "fraction" outside 0 to 100 is some other score: its unit says so, or the card would not validate.)"""
    fractions = card_schema().fraction_metrics
    for metric in draft.data.get("metrics", []):
        keys = {_metric_key(metric["name"]), _metric_key(metric.get("type", ""))}
        if not keys & fractions or "unit" in metric or 0 <= metric["value"] <= 1:
            continue
        metric["unit"] = "%" if 1 < metric["value"] <= 100 else "score"


def _metric_key(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


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
    """The Hub card's own description, then everything without a field under one heading, each part under the
    heading path of its section; cut between blocks if longer than a value may be."""
    parts = [demote(join(draft.prose))] if draft.prose else []
    kept = []
    for where in unique([*draft.kept, *draft.kept_facts]):
        texts = list(draft.kept.get(where, []))
        if draft.kept_facts.get(where):
            texts.append("\n".join(draft.kept_facts[where]))
        if texts:
            kept.append(f"##### {where}\n\n" + demote(join(texts), 6))
    if kept:
        parts += [IMPORTED_HEADING, *kept]
    description = join(parts)
    if len(description) > TEXT_LIMIT:
        cut = cut_markdown(description)
        draft.place(
            "description", "dropped", "", f"{len(description) - len(cut):,} characters past the limit of a value"
        )
        description = cut
    if description:
        draft.data["description"] = description


def without_empty(data: Data) -> Data:
    return {key: value for key, value in data.items() if value not in ({}, [], None, "")}
