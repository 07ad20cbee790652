"""Hugging Face model cards turned into draft cards: mapped where the format allows, the rest kept.

``from_huggingface`` reads a Hub model card (YAML front matter and the Markdown
of the Hub's default template) into the fields of a draft card; whatever it
cannot map goes into the description under a heading of its own, never lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from model_catalog.formats.huggingface.export import (
    _FENCE,
    _ITEM,
    IMPORTED_HEADING,
    RESULT_COLUMNS,
    TEMPLATE_BOILERPLATE,
    UNSPECIFIED,
    Data,
    _bullet,
    _code,
    _schema,
    _slug,
    _unfenced,
    _unique,
)

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LABEL_LINE = re.compile(r"^\*\*([^*]+?)(?::\*\*|\*\*:)$")
_LABELLED = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*(?P<rest>.*)$")
_MITIGATION = re.compile(r"^[*_]*mitigation[*_]*\s*:[*_]*\s*(.*)$", re.IGNORECASE)
_MD_LINK = re.compile(r"^\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<url>\S+?)\)$")
_URL = re.compile(r"(?i)https?://[^\s/?#]+\S*|mailto:\S+")
_SPDX_TOKEN = re.compile(r"[A-Za-z0-9.+:-]+")
_ID = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
_CATALOG_REF = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(@[A-Za-z0-9][A-Za-z0-9._+-]{0,63})?")
_COUNT = re.compile(
    r"~?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|b|thousand|million|billion)?(?:\s*parameters)?\.?", re.IGNORECASE
)
_HOURS = re.compile(r"~?\s*(\d+(?:\.\d+)?)\s*(h|hrs?|hours?|d|days?|min|minutes?)?\.?", re.IGNORECASE)
_MASS = re.compile(r"~?\s*(\d[\d,]*(?:\.\d+)?)\s*(g|grams?|kg|kilograms?|t|tonnes?|tons?)\b.*", re.IGNORECASE)


@dataclass
class _Section:
    level: int
    title: str
    lines: list[str] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)


@dataclass
class _Item:
    text: str
    raw: list[str]
    children: list[str] = field(default_factory=list)


@dataclass
class _Block:
    kind: str
    """``paragraph``, ``list``, ``label``, ``code`` or ``table``."""
    raw: list[str]
    text: str = ""
    items: list[_Item] = field(default_factory=list)

    def markdown(self) -> str:
        if self.kind == "list":
            return "\n".join(line for item in self.items for line in item.raw)
        return "\n".join(self.raw).strip("\n")


def _sections(markdown: str) -> _Section:
    """The heading tree of a Markdown text; ``#`` lines inside code blocks are not headings."""
    root = _Section(0, "")
    stack = [root]
    lines = markdown.split("\n")
    outside_code = _unfenced(lines)
    for index, line in enumerate(lines):
        if index in outside_code and (heading := _HEADING.match(line)):
            section = _Section(len(heading.group(1)), heading.group(2).strip())
            while stack[-1].level >= section.level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
            continue
        stack[-1].lines.append(line)
    return root


def _blocks(lines: list[str]) -> list[_Block]:
    """Paragraphs, lists, bold labels, code and tables: enough Markdown to find the template's fields."""
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif _FENCE.match(line):
            index = _read_code(lines, index, blocks)
        elif _ITEM.match(line):
            index = _read_list(lines, index, blocks)
        elif line.lstrip().startswith("|"):
            end = index
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            blocks.append(_Block("table", lines[index:end]))
            index = end
        elif label := _LABEL_LINE.match(line.strip()):
            blocks.append(_Block("label", [line], text=label.group(1).strip()))
            index += 1
        else:
            end = index + 1
            while end < len(lines) and lines[end].strip() and not _starts_block(lines[end]):
                end += 1
            blocks.append(
                _Block("paragraph", lines[index:end], text=" ".join(line.strip() for line in lines[index:end]))
            )
            index = end
    return blocks


def _starts_block(line: str) -> bool:
    return bool(
        _FENCE.match(line) or _ITEM.match(line) or line.lstrip().startswith("|") or _LABEL_LINE.match(line.strip())
    )


def _read_code(lines: list[str], start: int, blocks: list[_Block]) -> int:
    fence = _FENCE.match(lines[start]).group(1)  # type: ignore[union-attr]
    end = start + 1
    while end < len(lines):
        closing = _FENCE.match(lines[end])
        if closing and closing.group(1).startswith(fence) and not closing.group(2).strip():
            break
        end += 1
    blocks.append(_Block("code", lines[start : end + 1], text="\n".join(lines[start + 1 : end])))
    return end + 1


def _read_list(lines: list[str], start: int, blocks: list[_Block]) -> int:
    """One list: top-level items with their continuation lines and one level of nested items."""
    base = len(_ITEM.match(lines[start]).group(1))  # type: ignore[union-attr]
    items: list[_Item] = []
    index = end = start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        match = _ITEM.match(line)
        indent = len(line) - len(line.lstrip())
        after_blank = not lines[index - 1].strip()
        if match and indent <= base + 1:
            text = (match.group(2) or "").strip()
            if items and after_blank and bool(_labelled(text)) != bool(_labelled(items[-1].text)):
                break
            items.append(_Item(text, [line]))
        elif match:
            items[-1].children.append((match.group(2) or "").strip())
            items[-1].raw.append(line)
        elif indent > base or (not after_blank and not _starts_block(line)):
            if items[-1].children and indent > base + 2:
                items[-1].children[-1] += " " + line.strip()
            else:
                items[-1].text += " " + line.strip()
            items[-1].raw.append(line)
        else:
            break
        index = end = index + 1
    blocks.append(_Block("list", lines[start:end], items=items))
    return end


def _key(text: str) -> str:
    """A heading or label compared loosely: case, ``[optional]`` and emphasis do not matter."""
    text = re.sub(r"\[optional\]", "", text, flags=re.IGNORECASE).replace("*", "").replace("_", " ").replace("`", "")
    return " ".join(text.lower().split()).rstrip(":").strip()


def _title(text: str) -> str:
    return _unescape(" ".join(re.sub(r"\[optional\]", "", text, flags=re.IGNORECASE).split()))


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(text: str) -> str:
    """Markdown's backslash escapes undone, for text read into a plain (not Markdown) field."""
    return _ESCAPED.sub(r"\1", text)


def _is_filler(text: str) -> bool:
    """Empty, ``[More Information Needed]`` or a template sentence that says nothing about the model."""
    plain_text = " ".join(text.strip().strip("*_ ").split()).lower()
    return (
        not plain_text
        or plain_text.strip("[]") == "more information needed"
        or plain_text.startswith(TEMPLATE_BOILERPLATE)
    )


def _labelled(text: str) -> tuple[str, str] | None:
    """``**Label:** value`` as (label, value), or None."""
    match = _LABELLED.match(text.strip())
    if not match:
        return None
    label, rest = match.group("label").strip(), match.group("rest").strip()
    if label.endswith(":"):
        return label[:-1].strip(), _unescape(rest)
    if rest.startswith(":"):
        return label, _unescape(rest[1:].strip())
    return None


def _clean(blocks: list[_Block]) -> list[_Block]:
    """The blocks without template placeholders, and without labels left with nothing under them."""
    kept: list[_Block] = []
    for block in blocks:
        if block.kind == "list":
            block.items = [
                item
                for item in block.items
                if not _is_filler(item.text) and not ((pair := _labelled(item.text)) and _is_filler(pair[1]))
            ]
            if block.items:
                kept.append(block)
        elif block.kind == "label" or not _is_filler(block.text if block.kind != "table" else block.markdown()):
            kept.append(block)
    return [
        block
        for index, block in enumerate(kept)
        if block.kind != "label" or (index + 1 < len(kept) and kept[index + 1].kind != "label")
    ]


def _render(blocks: list[_Block]) -> str:
    return "\n\n".join(block.markdown() for block in blocks).strip()


def _link_parts(value: str) -> tuple[str, str]:
    """(text, target) of ``[text](url)`` or ``<url>``; a bare value is both."""
    value = value.strip()
    if match := _MD_LINK.match(value):
        return match.group("text").strip(), match.group("url")
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1], value[1:-1]
    return value, value


# --- import: values -------------------------------------------------------------------------------


def _text(value: str) -> str | None:
    return value.strip() or None


def _url(value: str) -> str | None:
    target = _link_parts(value)[1]
    return target if _URL.fullmatch(target) else None


def _count(value: str) -> int | None:
    """``24,800``, ``110M`` or ``1.3 billion parameters`` as a whole number."""
    match = _COUNT.fullmatch(value.strip())
    if not match:
        return None
    scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
    number = float(match.group(1).replace(",", "")) * scale.get((match.group(2) or "").lower(), 1)
    return int(round(number)) if number.is_integer() or match.group(2) else None


def _hours(value: str) -> float | None:
    match = _HOURS.fullmatch(value.strip())
    if not match:
        return None
    unit = (match.group(2) or "h").lower()
    factor = 24.0 if unit.startswith("d") else 1 / 60 if unit.startswith("min") else 1.0
    return _whole(float(match.group(1)) * factor)


def _co2_kg(value: str) -> float | None:
    """Emissions with an explicit mass unit; a bare number is ambiguous (the template asks for grams)."""
    match = _MASS.fullmatch(value.strip())
    if not match:
        return None
    unit = match.group(2).lower()
    factor = 0.001 if unit.startswith("g") else 1000.0 if unit.startswith("t") else 1.0
    return _whole(float(match.group(1).replace(",", "")) * factor)


def _whole(number: float) -> float | int:
    return int(number) if number.is_integer() else number


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        for kind in (int, float):
            try:
                return kind(value.strip())
            except ValueError:
                pass
    return None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _model_id(value: str) -> str | None:
    return value.strip() if _ID.fullmatch(value.strip()) else None


def _version(value: str) -> str | None:
    return value.strip() if _VERSION.fullmatch(value.strip()) else None


def _risk_tier(value: str) -> str | None:
    return value.strip().lower() if value.strip().lower() in ("low", "medium", "high") else None


def _catalog_ref(value: Any) -> str | None:
    """A base model reference our catalog can hold: ``id`` or ``id@version``."""
    if not isinstance(value, str):
        return None
    text = _link_parts(value)[0].strip()
    return text if _CATALOG_REF.fullmatch(text) else None


def _sensitive(value: str) -> bool | str:
    return {"yes": True, "true": True, "no": False, "false": False, "none": False}.get(
        value.strip().lower(), value.strip()
    )


@lru_cache(maxsize=1)
def _licenses_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in _schema().licenses}


def _spdx(text: Any) -> str | None:
    """An SPDX identifier or expression with each id in its canonical case, or None if any id is unknown."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = " ".join(text.split())
    if text.lower() == "proprietary":
        return "proprietary"
    known = _licenses_by_lower()
    unknown: list[str] = []

    def canonical(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.upper() in ("AND", "OR", "WITH"):
            return token.upper()
        if token.startswith("LicenseRef-"):
            return token
        if token.lower() not in known:
            unknown.append(token)
        return known.get(token.lower(), token)

    result = _SPDX_TOKEN.sub(canonical, text)
    return None if unknown or re.search(r"[^A-Za-z0-9.+:\-() ]", result) else result


def _hub_license_to_spdx(license: Any, license_name: Any) -> str | None:
    if license == "other":
        return "proprietary" if str(license_name).lower() == "proprietary" else _spdx(license_name)
    return _spdx(license)


# --- import: mapping ------------------------------------------------------------------------------

_MODEL_LABELS: dict[str, tuple[tuple[str, ...], Callable[[str], Any]]] = {
    "model type": (("model_details", "architecture"), _text),
    "architecture": (("model_details", "architecture"), _text),
    "framework": (("model_details", "framework"), _text),
    "parameters": (("model_details", "parameters"), _count),
    "input format": (("model_details", "input_format"), _text),
    "output format": (("model_details", "output_format"), _text),
    "repository": (("model_details", "repository"), _url),
    "paper": (("model_details", "paper"), _url),
    "catalog id": (("id",), _model_id),
    "version": (("version",), _version),
    "risk tier": (("risk_tier",), _risk_tier),
    "created": (("created",), _date),
    "updated": (("updated",), _date),
}
"""``- **Label:** value`` facts of the Model Details and Technical Specifications sections."""

_RECONCILED_LABELS = ("license", "finetuned from model", "task", "demo")
"""Facts also given by the front matter, settled once both are read."""

_ENVIRONMENT_LABELS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "hardware type": ("hardware", _text),
    "hours used": ("hours", _hours),
    "compute region": ("region", _text),
    "carbon emitted": ("co2_eq_kg", _co2_kg),
}

_DATASET_LABELS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "size": ("size", _text),
    "sensitive data": ("sensitive_data", _sensitive),
    "link": ("link", _url),
}


@dataclass
class _Fact:
    key: str
    label: str
    value: str
    where: str


@dataclass
class _Draft:
    """What an import has found so far, and what it keeps for the description."""

    data: Data = field(default_factory=dict)
    meta: Data = field(default_factory=dict)
    used_meta: set[str] = field(default_factory=set)
    title: str = ""
    prose: list[str] = field(default_factory=list)
    facts: list[_Fact] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    training: list[Data] = field(default_factory=list)
    evaluation: list[Data] = field(default_factory=list)
    index_datasets: list[Data] = field(default_factory=list)
    index_names: list[str] = field(default_factory=list)
    index_task: str | None = None
    data_text: dict[str, tuple[str, str]] = field(default_factory=dict)
    """``training``/``evaluation`` -> (where, Markdown) of data sections written as prose."""
    results_tables: list[tuple[str, _Block]] = field(default_factory=list)

    def keep(self, where: str, markdown: str) -> None:
        if markdown.strip():
            self.kept.setdefault(where, []).append(markdown.strip())

    def keep_fact(self, fact: _Fact) -> None:
        """Keep a fact without a field, in the list of facts kept from the same section if there is one."""
        line = f"- **{_title(fact.label)}:** {fact.value}"
        texts = self.kept.setdefault(fact.where, [])
        if texts and texts[-1].splitlines()[-1].startswith("- **"):
            texts[-1] += "\n" + line
        else:
            texts.append(line)


def from_huggingface(text: str) -> tuple[Data, list[str]]:
    """A draft card's fields from a Hub README.md, and notes on what could not be mapped.

    Fields come in the schema's order, without ``owners``. Whatever has no
    field is kept, as Markdown, in the description under
    "Imported from the Hugging Face card".
    """
    draft = _Draft()
    body = _read_front_matter(text.replace("\r\n", "\n"), draft)
    root = _sections(_COMMENT.sub("", body))
    _read_title(root, draft)
    for section in _top_sections(root):
        _walk(section, (), draft)
    _settle(draft)
    data = _without_empty(_in_schema_order(draft.data, _schema().fields))
    return data, draft.notes


def _top_sections(root: _Section) -> list[_Section]:
    """The sections under the title: a leading ``#`` heading names the model, its subsections are the card."""
    if root.children and root.children[0].level == 1:
        return [*root.children[0].children, *root.children[1:]]
    return root.children


def _read_front_matter(text: str, draft: _Draft) -> str:
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
        draft.keep("Front matter", _code(match.group(1) or "", "yaml"))
        return text[match.end() :]
    draft.meta = {str(key): value for key, value in meta.items()}
    _read_tags(draft)
    _read_datasets(draft)
    _read_model_index(draft)
    _read_emissions(draft)
    return text[match.end() :]


def _read_tags(draft: _Draft) -> None:
    tags = draft.meta.get("tags")
    tags = [tags] if isinstance(tags, str) else tags
    if not isinstance(tags, list):
        return
    usable = [tag.strip() for tag in tags if isinstance(tag, str) and tag.strip() and len(tag.strip()) <= 60]
    if usable:
        draft.data["tags"] = _unique(usable)
    if len(usable) == len(tags):
        draft.used_meta.add("tags")


def _read_datasets(draft: _Draft) -> None:
    datasets = draft.meta.get("datasets")
    datasets = [datasets] if isinstance(datasets, str) else datasets
    if isinstance(datasets, list) and all(isinstance(name, str) and name.strip() for name in datasets):
        draft.used_meta.add("datasets")


def _read_model_index(draft: _Draft) -> None:
    """Metrics from ``model-index``: one per eval result; the whole index is kept if any part has no field."""
    index = draft.meta.get("model-index")
    if index is None:
        return
    metrics: list[Data] = []
    clean = isinstance(index, list) and bool(index)
    for entry in index if isinstance(index, list) else []:
        entry = entry if isinstance(entry, dict) else {}
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


def _read_result(result: Data, metrics: list[Data], draft: _Draft) -> bool:
    task = result.get("task") if isinstance(result.get("task"), dict) else {}
    dataset = result.get("dataset") if isinstance(result.get("dataset"), dict) else {}
    source = result.get("source") if isinstance(result.get("source"), dict) else {}
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
    if source.get("url") and _url(str(source["url"])):
        _add_link(draft.data, str(source.get("name") or "Evaluation results source"), str(source["url"]))
    elif source:
        clean = False
    for metric in result.get("metrics") or []:
        metric = metric if isinstance(metric, dict) else {}
        name, value = metric.get("type"), _number(metric.get("value"))
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


def _result_dataset(dataset: Data, draft: _Draft) -> str | None:
    """The metric's data set name (config and split appended); also recorded as evaluation data."""
    name = str(dataset.get("name") or dataset.get("type") or "").strip()
    if not name or name == UNSPECIFIED:
        return None
    extras = [str(dataset["config"])] if dataset.get("config") else []
    extras += [f"{dataset['split']} split"] if dataset.get("split") else []
    full = f"{name} ({', '.join(extras)})" if extras else name
    hub_id = str(dataset.get("type") or "")
    facts = ([f"Hub dataset `{hub_id}`"] if hub_id and hub_id != _slug(name) else []) + (
        [f"revision {dataset['revision']}"] if dataset.get("revision") else []
    )
    if all(entry["name"] != full for entry in draft.index_datasets):
        entry = {"name": full, **({"description": "; ".join(facts) + "."} if facts else {})}
        draft.index_datasets.append(entry)
    return full


def _read_emissions(draft: _Draft) -> None:
    """``co2_eq_emissions``: the Hub's structured emissions, in grams."""
    emissions = draft.meta.get("co2_eq_emissions")
    if isinstance(emissions, dict):
        rest = dict(emissions)
        grams = _number(rest.pop("emissions", None))
        mapped = [
            ("co2_eq_kg", _whole(grams / 1000) if grams is not None else None),
            ("hardware", rest.pop("hardware_used", None)),
            ("region", rest.pop("geographical_location", None)),
        ]
        for key, value in mapped:
            if value is not None:
                draft.data.setdefault("environmental_impact", {})[key] = value
        draft.meta["co2_eq_emissions"] = rest
        if not rest:
            draft.used_meta.add("co2_eq_emissions")
    elif (grams := _number(emissions)) is not None:
        draft.data.setdefault("environmental_impact", {})["co2_eq_kg"] = _whole(grams / 1000)
        draft.used_meta.add("co2_eq_emissions")


def _read_title(root: _Section, draft: _Draft) -> None:
    """The model name from the top heading, and the summary from the text under it."""
    lines = list(root.lines)
    if root.children and root.children[0].level == 1:
        top = root.children[0]
        name = re.sub(r"^model card for\s+", "", _title(top.title), flags=re.IGNORECASE).strip()
        if name.lower() not in ("model id", "{{ model_id }}"):
            draft.title = name
        lines += top.lines
    blocks = _clean(_blocks(lines))
    summary = _unescape(blocks[0].text) if len(blocks) == 1 and blocks[0].kind == "paragraph" else ""
    if summary and len(summary) <= 300:
        draft.data["summary"] = summary
    elif blocks:
        draft.prose.append(_render(blocks))


def _walk(section: _Section, path: tuple[str, ...], draft: _Draft) -> None:
    path = (*path, _title(section.title))
    where = " › ".join(path)
    draft.kept.setdefault(where, [])
    key = _key(section.title)
    handler = _SECTION_HANDLERS.get(key, _unmapped)
    leftover = handler(section, where, draft)
    draft.keep(where, _render(leftover))
    if key not in ("training data", "testing data", "model description"):
        for child in section.children:
            _walk(child, path, draft)


def _unmapped(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    return _take_model_facts(_clean(_blocks(section.lines)), where, draft)


def _take_model_facts(blocks: list[_Block], where: str, draft: _Draft) -> list[_Block]:
    """Move ``- **Label:** value`` facts the card has a field for out of ``blocks`` into ``draft.facts``."""
    for block in blocks:
        if block.kind != "list":
            continue
        remaining = []
        for item in block.items:
            pair = _labelled(item.text)
            key = _key(pair[0]) if pair else ""
            if pair and (key in _MODEL_LABELS or key in _RECONCILED_LABELS):
                draft.facts.append(_Fact(key, pair[0], pair[1], where))
            else:
                remaining.append(item)
        block.items = remaining
    return [block for block in blocks if block.kind != "list" or block.items]


def _model_description(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    """Prose (subsections included) is the description; facts go to their fields."""
    blocks = _take_model_facts(_clean(_blocks(_flatten(section))), where, draft)
    facts = [block for block in blocks if block.kind == "list" and all(_labelled(i.text) for i in block.items)]
    prose = [block for block in blocks if block not in facts]
    if prose:
        draft.prose.append(_render(prose))
    return facts


def _flatten(section: _Section) -> list[str]:
    """A section's lines with its subsections' headings and lines, as one text."""
    lines = list(section.lines)
    for child in section.children:
        lines += ["", f"{'#' * child.level} {child.title}", "", *_flatten(child)]
    return lines


def _model_sources(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    blocks = _take_model_facts(_clean(_blocks(section.lines)), where, draft)
    for block in blocks:
        if block.kind == "list":
            block.items = [item for item in block.items if not _take_link(item.text, draft)]
    return [block for block in blocks if block.kind != "list" or block.items]


def _take_link(text: str, draft: _Draft) -> bool:
    match = _MD_LINK.match(text.strip())
    if not match or not _url(match.group("url")):
        return False
    _add_link(draft.data, match.group("text").replace("\\[", "[").replace("\\]", "]"), match.group("url"))
    return True


def _add_link(data: Data, title: str, url: str) -> None:
    links = data.setdefault("links", [])
    if all(link["url"] != url for link in links):
        links.append({"title": title.strip() or url, "url": url})


def _list_section(path: tuple[str, ...], users: bool = False) -> Callable[[_Section, str, _Draft], list[_Block]]:
    """A handler for a section whose bullets (or, without bullets, paragraphs) are one list field."""

    def handler(section: _Section, where: str, draft: _Draft) -> list[_Block]:
        blocks = _clean(_blocks(section.lines))
        lists, leftover = _labelled_lists(blocks)
        if users and "intended users" in lists:
            _put(draft.data, ("intended_use", "primary_users"), lists.pop("intended users"))
        items = lists.pop(None, [])
        leftover += [block for label, _ in lists.items() for block in _label_and_list(label, lists)]
        if not items:
            items = [block.text for block in leftover if block.kind == "paragraph"]
            leftover = [block for block in leftover if block.kind != "paragraph"]
        if items:
            _put(draft.data, path, items)
        return leftover

    return handler


def _label_and_list(label: str, lists: dict[str | None, list[str]]) -> list[_Block]:
    lines = [f"**{label}:**", "", *(_bullet(item) for item in lists[label])]
    return [_Block("paragraph", lines)]


def _labelled_lists(blocks: list[_Block]) -> tuple[dict[str | None, list[str]], list[_Block]]:
    """Bullet items grouped by the ``**Label:**`` line just above their list (None: no label)."""
    lists: dict[str | None, list[str]] = {}
    leftover: list[_Block] = []
    label: str | None = None
    for index, block in enumerate(blocks):
        if block.kind == "label" and index + 1 < len(blocks) and blocks[index + 1].kind == "list":
            label = block.text
            continue
        if block.kind == "list":
            key = _key(label) if label else None
            lists.setdefault(key, []).extend(_item_text(item) for item in block.items)
        else:
            leftover.append(block)
        label = None
    return lists, leftover


def _item_text(item: _Item) -> str:
    return _unescape(" ".join([item.text, *item.children]).strip())


def _ethical(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    leftover = []
    for block in _clean(_blocks(section.lines)):
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


def _data_section(kind: str) -> Callable[[_Section, str, _Draft], list[_Block]]:
    """A handler for Training Data / Testing Data: each subheading is one data set."""

    def handler(section: _Section, where: str, draft: _Draft) -> list[_Block]:
        found = draft.training if kind == "training" else draft.evaluation
        for child in section.children:
            found.append(_dataset(child, f"{where} › {_title(child.title)}", draft))
        prose = _clean(_blocks(section.lines))
        if prose:
            draft.data_text[kind] = (where, _render(prose))
        return []

    return handler


def _dataset(section: _Section, where: str, draft: _Draft) -> Data:
    entry: Data = {"name": _title(section.title)}
    blocks = _clean(_blocks(section.lines))
    for block in blocks:
        if block.kind == "list":
            block.items = [item for item in block.items if not _take_labelled(item.text, _DATASET_LABELS, entry)]
    rest = [block for block in blocks if block.kind != "list" or block.items]
    for child in section.children:
        child_blocks = _clean(_blocks(child.lines))
        rest += [_Block("paragraph", [f"**{_title(child.title)}**"]), *child_blocks] if child_blocks else []
    if rest:
        entry["description"] = _render(rest)
    return entry


def _take_labelled(text: str, labels: dict[str, tuple[str, Callable[[str], Any]]], target: Data) -> bool:
    pair = _labelled(text)
    if not pair or _key(pair[0]) not in labels:
        return False
    name, parse = labels[_key(pair[0])]
    value = parse(pair[1])
    return value is not None and _put(target, (name,), value)


def _factors(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    lists, leftover = _labelled_lists(_clean(_blocks(section.lines)))
    for label, key in (("relevant factors", "relevant"), ("evaluation factors", "evaluation"), (None, "evaluation")):
        if label in lists:
            draft.data.setdefault("factors", {}).setdefault(key, []).extend(lists.pop(label))
    return leftover + [block for label in lists for block in _label_and_list(str(label), lists)]


def _metric_names(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    """Dropped when it only lists the metrics of the results (as export writes it)."""
    blocks = _clean(_blocks(section.lines))
    names = {str(metric["name"]) for metric in draft.data.get("metrics", [])}
    if len(blocks) == 1 and blocks[0].kind == "list" and {item.text for item in blocks[0].items} == names:
        return []
    return blocks


def _results(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    leftover = []
    for block in _clean(_blocks(section.lines)):
        rows = _table_rows(block) if block.kind == "table" else []
        if rows and tuple(_key(cell) for cell in rows[0]) == tuple(_key(c) for c in RESULT_COLUMNS):
            draft.results_tables.append((where, block))
        else:
            leftover.append(block)
    return leftover


def _environment(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    blocks = _clean(_blocks(section.lines))
    impact = draft.data.setdefault("environmental_impact", {})
    for block in blocks:
        if block.kind == "list":
            block.items = [item for item in block.items if not _take_labelled(item.text, _ENVIRONMENT_LABELS, impact)]
    return [block for block in blocks if block.kind != "list" or block.items]


def _citation(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    """The citation text: BibTeX from its code block, other text as written; the template's labels dropped."""
    blocks = [
        block
        for block in _clean(_blocks(section.lines))
        if block.kind != "label" or _key(block.text) not in ("bibtex", "apa")
    ]
    parts = [block.text if block.kind == "code" else block.markdown() for block in blocks]
    if parts:
        _put(draft.data, ("model_details", "citation"), "\n\n".join(parts))
    return []


def _container(section: _Section, where: str, draft: _Draft) -> list[_Block]:
    return _take_model_facts(_clean(_blocks(section.lines)), where, draft)


_SECTION_HANDLERS: dict[str, Callable[[_Section, str, _Draft], list[_Block]]] = {
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


# --- import: settling what front matter and body both say -----------------------------------------


def _settle(draft: _Draft) -> None:
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


def _fact(draft: _Draft, key: str) -> _Fact | None:
    return next((fact for fact in draft.facts if fact.key == key), None)


def _settle_name(draft: _Draft) -> None:
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
    for other in _unique(names[1:]):
        if other != name and other != model_name:
            draft.keep("Other names", f"- {other}")
    catalog_id = _fact(draft, "catalog id")
    if not (catalog_id and _model_id(catalog_id.value)):
        slug = _slug(name.rsplit("/", 1)[-1]) or "imported-model"
        draft.data["id"] = slug


def _settle_license(draft: _Draft) -> None:
    meta = draft.meta
    from_meta = _hub_license_to_spdx(meta.get("license"), meta.get("license_name"))
    fact = _fact(draft, "license")
    from_body = _spdx(_link_parts(fact.value)[0]) if fact else None
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
    if isinstance(link, str) and _url(link):
        _add_link(draft.data, "License", link)
        draft.used_meta.add("license_link")
    if fact:
        draft.facts.remove(fact)
        if from_body is None or from_body != license:
            draft.keep_fact(fact)


def _settle_task(draft: _Draft) -> None:
    tag = draft.meta.get("pipeline_tag")
    tag = tag.strip() if isinstance(tag, str) and 0 < len(tag.strip()) <= 80 else None
    fact = _fact(draft, "task")
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


def _settle_base_model(draft: _Draft) -> None:
    """Lineage only to ids our catalog can hold; a Hub id such as ``org/model`` stays in the description."""
    front = draft.meta.get("base_model")
    fact = _fact(draft, "finetuned from model")
    from_body = _catalog_ref(fact.value) if fact else None
    base = from_body or _catalog_ref(front)
    if base:
        _put(draft.data, ("model_details", "base_model"), base)
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


def _apply_fact(fact: _Fact, draft: _Draft) -> None:
    if fact.key == "demo":
        url = _url(fact.value)
        if url:
            _add_link(draft.data, "Demo", url)
            return
    elif fact.key in _MODEL_LABELS:
        path, parse = _MODEL_LABELS[fact.key]
        value = parse(fact.value)
        if value is not None and _put(draft.data, path, value):
            return
        if value is None:
            draft.notes.append(f"{fact.label} {fact.value!r} does not fit `{'.'.join(path)}`; kept in the description")
    draft.keep_fact(fact)


def _settle_datasets(draft: _Draft) -> None:
    """Training and evaluation data from the data sections, ``model-index`` and ``datasets``.

    ``model-index`` data sets only stand in for evaluation data the card does not describe:
    their names often carry a split or setting ("test (per-language thresholds)").
    """
    evaluation = draft.evaluation or draft.index_datasets
    known = {entry["name"].lower() for entry in [*evaluation, *draft.index_datasets]}
    names = draft.meta.get("datasets") if "datasets" in draft.used_meta else []
    listed = [
        {"name": name.strip()}
        for name in ([names] if isinstance(names, str) else names)
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


def _settle_results(draft: _Draft) -> None:
    """Unit, interval, threshold and direction of each metric from the results table export writes."""
    metrics = draft.data.get("metrics", [])
    for where, block in draft.results_tables:
        matches = _match_rows(_table_rows(block)[2:], metrics)
        if matches is None:
            draft.keep(where, block.markdown())
            draft.notes.append("the results table does not match `model-index`; it is kept in the description")
            continue
        for metric, details in matches:
            metric.update(details)


def _settle_percentages(draft: _Draft) -> None:
    """Hub cards often give fractions such as WER or accuracy in percent; above 1, a fraction can only be that."""
    for metric in draft.data.get("metrics", []):
        key = metric["name"].strip().lower().replace(" ", "_").replace("-", "_")
        if key in _schema().fraction_metrics and "unit" not in metric and 1 < metric["value"] <= 100:
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
                and m["value"] == _number(value)
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
        bounds = [_number(part) for part in interval.split("–")]
        if len(bounds) != 2 or None in bounds:
            return None
        details["confidence_interval"] = bounds
    if threshold:
        if _number(threshold) is None:
            return None
        details["threshold"] = _number(threshold)
    if unit:
        details["unit"] = unit
    if higher.lower() == "no":
        details["higher_is_better"] = False
    elif higher.lower() not in ("yes", ""):
        return None
    return details


def _table_rows(block: _Block) -> list[list[str]]:
    rows = []
    for line in block.raw:
        text = line.strip()
        text = text.removeprefix("|")
        text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
        rows.append([_unescape(cell.strip()) for cell in re.split(r"(?<!\\)\|", text)])
    return rows


def _settle_description(draft: _Draft) -> None:
    """The Hub card's own description, then everything without a field under one heading."""
    leftover_meta = {key: value for key, value in draft.meta.items() if key not in draft.used_meta}
    if leftover_meta:
        draft.keep("Front matter", _code(yaml.safe_dump(leftover_meta, sort_keys=False, allow_unicode=True), "yaml"))
        draft.notes.append(
            "front matter without a card field kept in the description: "
            + ", ".join(f"`{key}`" for key in leftover_meta)
        )
    kept = [(where, "\n\n".join(texts)) for where, texts in draft.kept.items() if texts]
    for where, _ in kept:
        if where not in ("Front matter",):
            draft.notes.append(f"“{where}”: text without a card field kept in the description")
    parts = [part for part in draft.prose if part]
    if kept:
        parts.append(IMPORTED_HEADING)
        parts += [f"#### {where}\n\n{text}" for where, text in kept]
    if parts:
        draft.data["description"] = "\n\n".join(parts)


def _put(data: Data, path: tuple[str, ...], value: Any) -> bool:
    """Set ``value`` at ``path`` unless another value is there; True when the card now holds it."""
    *parents, last = path
    for name in parents:
        data = data.setdefault(name, {})
    if last in data:
        return bool(data[last] == value)
    data[last] = value
    return True


def _in_schema_order(data: Data, fields: dict[str, Any]) -> Data:
    ordered: Data = {}
    for name, rules in fields.items():
        if name not in data:
            continue
        value, inner = data[name], rules.get("schema")
        if rules.get("type") == "dict" and isinstance(inner, dict) and isinstance(value, dict):
            value = _in_schema_order(value, inner)
        elif rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict":
            value = [_in_schema_order(item, inner.get("schema", {})) for item in value]
        ordered[name] = value
    return ordered


def _without_empty(data: Data) -> Data:
    return {key: value for key, value in data.items() if value not in ({}, [], None, "")}
