"""Hugging Face model cards turned into draft cards: mapped where the format allows, the rest kept.

``from_huggingface`` reads a Hub model card (YAML front matter and the Markdown
of the Hub's default template) into the fields of a draft card; whatever it
cannot map goes into the description under a heading of its own, never lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from model_catalog.formats.huggingface.draft import Draft, Fact, add_link, put_at
from model_catalog.formats.huggingface.hub import RESULT_COLUMNS, UNSPECIFIED, Data, card_schema, slug_of, unique
from model_catalog.formats.huggingface.markdown import (
    COMMENT,
    MD_LINK,
    Block,
    Item,
    Section,
    bullet,
    code_block,
    flattened_lines,
    heading_title,
    label_and_value,
    loose_key,
    read_blocks,
    read_sections,
    render_blocks,
    table_rows,
    unescape,
    without_filler,
)
from model_catalog.formats.huggingface.settle import in_schema_order, settle_draft, without_empty
from model_catalog.formats.huggingface.values import (
    DATASET_LABELS,
    ENVIRONMENT_LABELS,
    MODEL_LABELS,
    RECONCILED_LABELS,
    number_value,
    url_value,
    whole_number,
)
from model_catalog.formats.importing import ImportedDraft, refuse_other_format

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)

_MITIGATION = re.compile(r"^[*_]*mitigation[*_]*\s*:[*_]*\s*(.*)$", re.IGNORECASE)


def import_huggingface(text: str, name: str) -> list[ImportedDraft]:
    """The draft in a Hub README.md, for ``model-catalog import huggingface``; a file of another format is
    refused, naming the importer that reads it."""
    refuse_other_format(text, name, "huggingface")
    data, notes = from_huggingface(text)
    draft = ImportedDraft(data, name, id_hints=[str(data.pop("id", "")), str(data.get("name", "")), Path(name).stem])
    for note in notes:
        draft.place(note, "kept", "description", "no field of the card holds it")
    return [draft]


def from_huggingface(text: str) -> tuple[Data, list[str]]:
    """A draft card's fields from a Hub README.md, and notes on what could not be mapped.

    Fields come in the schema's order, without ``owners``. Whatever has no
    field is kept, as Markdown, in the description under
    "Imported from the Hugging Face card".
    """
    draft = Draft()
    body = _read_front_matter(text.replace("\r\n", "\n"), draft)
    root = read_sections(COMMENT.sub("", body))
    _read_title(root, draft)
    for section in _top_sections(root):
        _walk(section, (), draft)
    settle_draft(draft)
    data = without_empty(in_schema_order(draft.data, card_schema().fields))
    return data, draft.notes


def _top_sections(root: Section) -> list[Section]:
    """The sections under the title: a leading ``#`` heading names the model, its subsections are the card."""
    if root.children and root.children[0].level == 1:
        return [*root.children[0].children, *root.children[1:]]
    return root.children


def _read_front_matter(text: str, draft: Draft) -> str:
    """Parse the front matter into ``draft.meta`` and map its unambiguous keys; returns the Markdown body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        meta = None
        draft.notes.append(f"the front matter is not valid YAML ({exc.__class__.__name__}); kept in the description")
    if not isinstance(meta, dict):
        if meta is not None:
            draft.notes.append("the front matter is not a mapping of keys; kept in the description")
        draft.keep("Front matter", code_block(match.group(1) or "", "yaml"))
        return text[match.end() :]
    draft.meta = {str(key): value for key, value in meta.items()}
    _read_tags(draft)
    _read_datasets(draft)
    _read_model_index(draft)
    _read_emissions(draft)
    return text[match.end() :]


def _read_tags(draft: Draft) -> None:
    tags = draft.meta.get("tags")
    tags = [tags] if isinstance(tags, str) else tags
    if not isinstance(tags, list):
        return
    usable = [tag.strip() for tag in tags if isinstance(tag, str) and tag.strip() and len(tag.strip()) <= 60]
    if usable:
        draft.data["tags"] = unique(usable)
    if len(usable) == len(tags):
        draft.used_meta.add("tags")


def _read_datasets(draft: Draft) -> None:
    datasets = draft.meta.get("datasets")
    datasets = [datasets] if isinstance(datasets, str) else datasets
    if isinstance(datasets, list) and all(isinstance(name, str) and name.strip() for name in datasets):
        draft.used_meta.add("datasets")


def _read_model_index(draft: Draft) -> None:
    """Metrics from ``model-index``: one per eval result; the whole index is kept if any part has no field."""
    index = draft.meta.get("model-index")
    if index is None:
        return
    metrics: list[Data] = []
    clean = isinstance(index, list) and bool(index)
    for item in index if isinstance(index, list) else []:
        entry = _mapping(item)
        clean &= set(entry) <= {"name", "results"} and isinstance(entry.get("name"), str)
        if isinstance(entry.get("name"), str):
            draft.index_names.append(entry["name"])
        for result in entry.get("results") or []:
            clean &= _read_result(result if isinstance(result, dict) else {}, metrics, draft)
    if metrics:
        draft.data["metrics"] = metrics
    if clean:
        draft.used_meta.add("model-index")
    else:
        draft.notes.append("parts of `model-index` have no card field; the whole index is kept in the description")


def _mapping(value: Any) -> Data:
    return value if isinstance(value, dict) else {}


def _read_result(result: Data, metrics: list[Data], draft: Draft) -> bool:
    task, dataset, source = (_mapping(result.get(key)) for key in ("task", "dataset", "source"))
    clean = (
        set(result) <= {"task", "dataset", "metrics", "source"}
        and set(task) <= {"type", "name"}
        and set(dataset) <= {"name", "type", "config", "split", "revision", "args"}
        and dataset.get("args") in (None, dataset.get("config"))
        and set(source) <= {"name", "url"}
    )
    if isinstance(task.get("type"), str) and draft.index_task is None:
        draft.index_task = task["type"]
    dataset_name = _result_dataset(dataset, draft)
    if source.get("url") and url_value(str(source["url"])):
        add_link(draft.data, str(source.get("name") or "Evaluation results source"), str(source["url"]))
    elif source:
        clean = False
    for item in result.get("metrics") or []:
        metric = _mapping(item)
        name, value = metric.get("type"), number_value(metric.get("value"))
        if not isinstance(name, str) or not name.strip() or len(name) > 80 or value is None:
            clean = False
            continue
        entry: Data = {"name": name.strip(), "value": value}
        if dataset_name:
            entry["dataset"] = dataset_name
        label = metric.get("name")
        if isinstance(label, str) and label.startswith(f"{name} (") and label.endswith(")"):
            entry["slice"] = label[len(name) + 2 : -1]
        metrics.append(entry)
        clean &= set(metric) <= {"type", "value", "name", "verified", "verifyToken"}
    return clean


def _result_dataset(dataset: Data, draft: Draft) -> str | None:
    """The metric's data set name (config and split appended); also recorded as evaluation data."""
    name = str(dataset.get("name") or dataset.get("type") or "").strip()
    if not name or name == UNSPECIFIED:
        return None
    extras = [str(dataset["config"])] if dataset.get("config") else []
    extras += [f"{dataset['split']} split"] if dataset.get("split") else []
    full = f"{name} ({', '.join(extras)})" if extras else name
    hub_id = str(dataset.get("type") or "")
    facts = ([f"Hub dataset `{hub_id}`"] if hub_id and hub_id != slug_of(name) else []) + (
        [f"revision {dataset['revision']}"] if dataset.get("revision") else []
    )
    if all(entry["name"] != full for entry in draft.index_datasets):
        entry = {"name": full, **({"description": "; ".join(facts) + "."} if facts else {})}
        draft.index_datasets.append(entry)
    return full


def _read_emissions(draft: Draft) -> None:
    """``co2_eq_emissions``: the Hub's structured emissions, in grams."""
    emissions = draft.meta.get("co2_eq_emissions")
    if isinstance(emissions, dict):
        rest = dict(emissions)
        grams = number_value(rest.pop("emissions", None))
        mapped = [
            ("co2_eq_kg", whole_number(grams / 1000) if grams is not None else None),
            ("hardware", rest.pop("hardware_used", None)),
            ("region", rest.pop("geographical_location", None)),
        ]
        for key, value in mapped:
            if value is not None:
                draft.data.setdefault("environmental_impact", {})[key] = value
        draft.meta["co2_eq_emissions"] = rest
        if not rest:
            draft.used_meta.add("co2_eq_emissions")
    elif (grams := number_value(emissions)) is not None:
        draft.data.setdefault("environmental_impact", {})["co2_eq_kg"] = whole_number(grams / 1000)
        draft.used_meta.add("co2_eq_emissions")


def _read_title(root: Section, draft: Draft) -> None:
    """The model name from the top heading, and the summary from the text under it."""
    lines = list(root.lines)
    if root.children and root.children[0].level == 1:
        top = root.children[0]
        name = re.sub(r"^model card for\s+", "", heading_title(top.title), flags=re.IGNORECASE).strip()
        if name.lower() not in ("model id", "{{ model_id }}"):
            draft.title = name
        lines += top.lines
    blocks = without_filler(read_blocks(lines))
    summary = unescape(blocks[0].text) if len(blocks) == 1 and blocks[0].kind == "paragraph" else ""
    if summary and len(summary) <= 300:
        draft.data["summary"] = summary
    elif blocks:
        draft.prose.append(render_blocks(blocks))


def _walk(section: Section, path: tuple[str, ...], draft: Draft) -> None:
    path = (*path, heading_title(section.title))
    where = " › ".join(path)
    draft.kept.setdefault(where, [])
    key = loose_key(section.title)
    handler = _SECTION_HANDLERS.get(key, _unmapped)
    leftover = handler(section, where, draft)
    draft.keep(where, render_blocks(leftover))
    if key not in ("training data", "testing data", "model description"):
        for child in section.children:
            _walk(child, path, draft)


def _unmapped(section: Section, where: str, draft: Draft) -> list[Block]:
    return _take_model_facts(without_filler(read_blocks(section.lines)), where, draft)


def _take_model_facts(blocks: list[Block], where: str, draft: Draft) -> list[Block]:
    """Move ``- **Label:** value`` facts the card has a field for out of ``blocks`` into ``draft.facts``."""
    for block in blocks:
        if block.kind != "list":
            continue
        remaining = []
        for item in block.items:
            pair = label_and_value(item.text)
            key = loose_key(pair[0]) if pair else ""
            if pair and (key in MODEL_LABELS or key in RECONCILED_LABELS):
                draft.facts.append(Fact(key, pair[0], pair[1], where))
            else:
                remaining.append(item)
        block.items = remaining
    return [block for block in blocks if block.kind != "list" or block.items]


def _model_description(section: Section, where: str, draft: Draft) -> list[Block]:
    """Prose (subsections included) is the description; facts go to their fields."""
    blocks = _take_model_facts(without_filler(read_blocks(flattened_lines(section))), where, draft)
    facts = [block for block in blocks if block.kind == "list" and all(label_and_value(i.text) for i in block.items)]
    prose = [block for block in blocks if block not in facts]
    if prose:
        draft.prose.append(render_blocks(prose))
    return facts


def _model_sources(section: Section, where: str, draft: Draft) -> list[Block]:
    blocks = _take_model_facts(without_filler(read_blocks(section.lines)), where, draft)
    for block in blocks:
        if block.kind == "list":
            block.items = [item for item in block.items if not _take_link(item.text, draft)]
    return [block for block in blocks if block.kind != "list" or block.items]


def _take_link(text: str, draft: Draft) -> bool:
    match = MD_LINK.match(text.strip())
    if not match or not url_value(match.group("url")):
        return False
    add_link(draft.data, match.group("text").replace("\\[", "[").replace("\\]", "]"), match.group("url"))
    return True


def _list_section(path: tuple[str, ...], users: bool = False) -> Callable[[Section, str, Draft], list[Block]]:
    """A handler for a section whose bullets (or, without bullets, paragraphs) are one list field."""

    def handler(section: Section, where: str, draft: Draft) -> list[Block]:
        blocks = without_filler(read_blocks(section.lines))
        lists, leftover = _labelled_lists(blocks)
        if users and "intended users" in lists:
            put_at(draft.data, ("intended_use", "primary_users"), lists.pop("intended users"))
        items = lists.pop(None, [])
        leftover += [block for label in lists if label for block in _label_and_list(label, lists)]
        if not items:
            items = [block.text for block in leftover if block.kind == "paragraph"]
            leftover = [block for block in leftover if block.kind != "paragraph"]
        if items:
            put_at(draft.data, path, items)
        return leftover

    return handler


def _label_and_list(label: str, lists: dict[str | None, list[str]]) -> list[Block]:
    lines = [f"**{label}:**", "", *(bullet(item) for item in lists[label])]
    return [Block("paragraph", lines)]


def _labelled_lists(blocks: list[Block]) -> tuple[dict[str | None, list[str]], list[Block]]:
    """Bullet items grouped by the ``**Label:**`` line just above their list (None: no label)."""
    lists: dict[str | None, list[str]] = {}
    leftover: list[Block] = []
    label: str | None = None
    for index, block in enumerate(blocks):
        if block.kind == "label" and index + 1 < len(blocks) and blocks[index + 1].kind == "list":
            label = block.text
            continue
        if block.kind == "list":
            key = loose_key(label) if label else None
            lists.setdefault(key, []).extend(_item_text(item) for item in block.items)
        else:
            leftover.append(block)
        label = None
    return lists, leftover


def _item_text(item: Item) -> str:
    return unescape(" ".join([item.text, *item.children]).strip())


def _ethical(section: Section, where: str, draft: Draft) -> list[Block]:
    leftover = []
    for block in without_filler(read_blocks(section.lines)):
        if block.kind != "list":
            leftover.append(block)
            continue
        for item in block.items:
            entry: Data = {"risk": item.text}
            extra = []
            for child in item.children:
                match = _MITIGATION.match(child)
                if match and "mitigation" not in entry:
                    entry["mitigation"] = match.group(1).strip()
                else:
                    extra.append(child)
            if extra:
                entry["risk"] = " ".join([item.text, *extra])
            draft.data.setdefault("ethical_considerations", []).append(entry)
    return leftover


def _data_section(kind: str) -> Callable[[Section, str, Draft], list[Block]]:
    """A handler for Training Data / Testing Data: each subheading is one data set."""

    def handler(section: Section, where: str, draft: Draft) -> list[Block]:
        found = draft.training if kind == "training" else draft.evaluation
        for child in section.children:
            found.append(_dataset(child, f"{where} › {heading_title(child.title)}", draft))
        prose = without_filler(read_blocks(section.lines))
        if prose:
            draft.data_text[kind] = (where, render_blocks(prose))
        return []

    return handler


def _dataset(section: Section, where: str, draft: Draft) -> Data:
    entry: Data = {"name": heading_title(section.title)}
    blocks = without_filler(read_blocks(section.lines))
    for block in blocks:
        if block.kind == "list":
            block.items = [item for item in block.items if not _take_labelled(item.text, DATASET_LABELS, entry)]
    rest = [block for block in blocks if block.kind != "list" or block.items]
    for child in section.children:
        child_blocks = without_filler(read_blocks(child.lines))
        rest += [Block("paragraph", [f"**{heading_title(child.title)}**"]), *child_blocks] if child_blocks else []
    if rest:
        entry["description"] = render_blocks(rest)
    return entry


def _take_labelled(text: str, labels: dict[str, tuple[str, Callable[[str], Any]]], target: Data) -> bool:
    pair = label_and_value(text)
    if not pair or loose_key(pair[0]) not in labels:
        return False
    name, parse = labels[loose_key(pair[0])]
    value = parse(pair[1])
    return value is not None and put_at(target, (name,), value)


def _factors(section: Section, where: str, draft: Draft) -> list[Block]:
    lists, leftover = _labelled_lists(without_filler(read_blocks(section.lines)))
    for label, key in (("relevant factors", "relevant"), ("evaluation factors", "evaluation"), (None, "evaluation")):
        if label in lists:
            draft.data.setdefault("factors", {}).setdefault(key, []).extend(lists.pop(label))
    return leftover + [block for label in lists for block in _label_and_list(str(label), lists)]


def _metric_names(section: Section, where: str, draft: Draft) -> list[Block]:
    """Dropped when it only lists the metrics of the results (as export writes it)."""
    blocks = without_filler(read_blocks(section.lines))
    names = {str(metric["name"]) for metric in draft.data.get("metrics", [])}
    if len(blocks) == 1 and blocks[0].kind == "list" and {item.text for item in blocks[0].items} == names:
        return []
    return blocks


def _results(section: Section, where: str, draft: Draft) -> list[Block]:
    leftover = []
    for block in without_filler(read_blocks(section.lines)):
        rows = table_rows(block) if block.kind == "table" else []
        if rows and tuple(loose_key(cell) for cell in rows[0]) == tuple(loose_key(c) for c in RESULT_COLUMNS):
            draft.results_tables.append((where, block))
        else:
            leftover.append(block)
    return leftover


def _environment(section: Section, where: str, draft: Draft) -> list[Block]:
    blocks = without_filler(read_blocks(section.lines))
    impact = draft.data.setdefault("environmental_impact", {})
    for block in blocks:
        if block.kind == "list":
            block.items = [item for item in block.items if not _take_labelled(item.text, ENVIRONMENT_LABELS, impact)]
    return [block for block in blocks if block.kind != "list" or block.items]


def _citation(section: Section, where: str, draft: Draft) -> list[Block]:
    """The citation text: BibTeX from its code block, other text as written; the template's labels dropped."""
    blocks = [
        block
        for block in without_filler(read_blocks(section.lines))
        if block.kind != "label" or loose_key(block.text) not in ("bibtex", "apa")
    ]
    parts = [block.text if block.kind == "code" else block.markdown() for block in blocks]
    if parts:
        put_at(draft.data, ("model_details", "citation"), "\n\n".join(parts))
    return []


def _container(section: Section, where: str, draft: Draft) -> list[Block]:
    return _take_model_facts(without_filler(read_blocks(section.lines)), where, draft)


_SECTION_HANDLERS: dict[str, Callable[[Section, str, Draft], list[Block]]] = {
    "model details": _container,
    "model description": _model_description,
    "model sources": _model_sources,
    "uses": _container,
    "direct use": _list_section(("intended_use", "primary_uses"), users=True),
    "out-of-scope use": _list_section(("intended_use", "out_of_scope")),
    "bias, risks, and limitations": _list_section(("limitations",)),
    "risks and mitigations": _ethical,
    "recommendations": _list_section(("caveats_and_recommendations",)),
    "training details": _container,
    "training data": _data_section("training"),
    "evaluation": _container,
    "testing data, factors & metrics": _container,
    "testing data": _data_section("evaluation"),
    "factors": _factors,
    "metrics": _metric_names,
    "results": _results,
    "environmental impact": _environment,
    "technical specifications": _container,
    "model architecture and objective": _container,
    "compute infrastructure": _container,
    "software": _container,
    "citation": _citation,
}
"""Sections of the Hub template (and of our export) that have card fields; others are kept as they are."""
