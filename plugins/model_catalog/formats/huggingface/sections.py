"""The sections of a Hub card's body into the draft: each section of the template (and the common variants of its
headings) into its card field, facts under labels set aside for ``settle.py``, the rest kept as written."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

import yaml

from model_catalog.formats.huggingface.blocks import Block, Item, Section, join, split_at_heading
from model_catalog.formats.huggingface.draft import Draft, Fact, add_link, put_at
from model_catalog.formats.huggingface.hub import RESULT_COLUMNS, Data
from model_catalog.formats.huggingface.markdown import (
    MD_LINK,
    heading_title,
    is_filler,
    label_and_value,
    loose_key,
    plain_text,
    unescape,
)
from model_catalog.formats.huggingface.values import DATASET_LABELS, ENVIRONMENT_LABELS, FACT_LABELS, url_value

Handler = Callable[[Section, str, Draft], list[Block]]
"""Reads what it can of a section into the draft; returns the blocks left, to be kept as written."""

_COMMENT = re.compile(r"\s*(<!--.*?-->\s*)+", re.DOTALL)

_MITIGATION = re.compile(r"^[*_]*mitigations?[*_]*\s*:[*_]*\s*(.*)$", re.IGNORECASE | re.DOTALL)

_OWNER = re.compile(r"^\*\*(?P<name>[^*]+)\*\*(?: \((?P<team>[^()]+)\))?: <?(?P<email>[^<>\s]+@[^<>\s]+?)>?$")


def section_key(title: str) -> str:
    """A heading compared loosely: ``2.1 Limitations [optional]:`` is ``limitations``."""
    return re.sub(r"^(\d+(\.\d+)*\.?|[ivx]+\.)\s+", "", loose_key(heading_title(title)))


def label_key(label: str) -> str:
    """A fact's label compared loosely: ``Language(s) (NLP)`` is ``language``, ``Carbon Emitted (Power ...)`` is
    ``carbon emitted``."""
    return " ".join(re.sub(r"\([^()]*\)", " ", loose_key(heading_title(label))).split())


def useful(blocks: list[Block], source: str, draft: Draft) -> list[Block]:
    """The blocks without the template's placeholders and comments (reported as dropped, once per section)."""
    kept: list[Block] = []
    dropped = 0
    for block in blocks:
        if (block.kind == "html" and not _COMMENT.sub("", block.text).strip()) or (
            block.kind == "paragraph" and is_filler(_COMMENT.sub("", block.text))
        ):
            dropped += 1
        elif block.kind == "list":
            items = [item for item in block.items if not _filler_item(item)]
            dropped += len(block.items) - len(items)
            if items:
                kept.append(block if len(items) == len(block.items) else block.with_items(items))
        else:
            kept.append(block)
    if dropped:
        draft.place(source, "dropped", "", "the template's placeholders ([More Information Needed]) and comments")
    return kept


def _filler_item(item: Item) -> bool:
    if item.children:
        return False
    pair = label_and_value(item.text)
    return is_filler(pair[1] if pair else item.text)


def take_facts(blocks: list[Block], where: str, source: str, draft: Draft, *, last_only: bool = False) -> list[Block]:
    """Move the ``- **Label:** value`` items the card has a field for out of the lists into ``draft.facts``.

    With ``last_only``, only from the last list of labels (a Model Description's facts follow its prose, which may
    hold lists of its own)."""
    lists = [index for index, block in enumerate(blocks) if block.kind == "list" and _all_labels(block)]
    chosen = lists[-1:] if last_only else [index for index, block in enumerate(blocks) if block.kind == "list"]
    result: list[Block] = []
    for index, block in enumerate(blocks):
        if index not in chosen:
            result.append(block)
            continue
        remaining = []
        for item in block.items:
            pair = label_and_value(item.text)
            key = label_key(pair[0]) if pair else ""
            if pair and key in FACT_LABELS:
                draft.facts.append(Fact(key, pair[0], pair[1], where, source, item))
            elif pair and last_only:
                draft.keep_fact(Fact(key, pair[0], pair[1], where, source, item))
            else:
                remaining.append(item)
        if remaining:
            result.append(block if len(remaining) == len(block.items) else block.with_items(remaining))
    return result


def _all_labels(block: Block) -> bool:
    return all(label_and_value(item.text) for item in block.items)


def _facts(section: Section, where: str, draft: Draft) -> list[Block]:
    return take_facts(useful(section.blocks, section.heading, draft), where, section.heading, draft)


def _model_description(section: Section, where: str, draft: Draft) -> list[Block]:
    """Its prose is the description, subsections included as written; its list of facts go to their fields."""
    blocks = take_facts(useful(section.blocks, section.heading, draft), where, section.heading, draft, last_only=True)
    rest = split_at_heading(section.body)[1]
    prose = join([block.markdown for block in blocks] + [rest])
    if prose:
        draft.prose.append(prose)
        draft.place(section.heading, "mapped", "description")
    section.children = []
    return []


def _model_sources(section: Section, where: str, draft: Draft) -> list[Block]:
    blocks = _facts(section, where, draft)
    return [_links_taken(block, section.heading, draft) for block in blocks if block.kind != "list" or block.items]


def _links_taken(block: Block, source: str, draft: Draft) -> Block:
    """A list without its items that are one link (each into ``links``)."""
    if block.kind != "list":
        return block
    remaining = []
    for item in block.items:
        match = MD_LINK.match(item.text.strip())
        if match and not item.children and url_value(match.group("url")):
            add_link(draft.data, unescape(match.group("text")), match.group("url"))
            draft.place(f"{source}: {item.text.strip()}", "mapped", "links")
        else:
            remaining.append(item)
    return block.with_items(remaining)


def list_items(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """The items of a section as plain text: its list items, or (without lists) its paragraphs; and what is left."""
    lists = [block for block in blocks if block.kind == "list"]
    if lists:
        items = [plain_text(item.content) for block in lists for item in block.items]
        return [item for item in items if item], [block for block in blocks if block.kind != "list"]
    paragraphs = [plain_text(block.markdown) for block in blocks if block.kind == "paragraph"]
    return [item for item in paragraphs if item], [block for block in blocks if block.kind != "paragraph"]


def _list_field(path: tuple[str, ...], users: bool = False) -> Handler:
    """A handler for a section whose items (bullets, else paragraphs) are one list field."""

    def handler(section: Section, where: str, draft: Draft) -> list[Block]:
        blocks = useful(section.blocks, section.heading, draft)
        leftover: list[Block] = []
        if users:
            blocks, found = _labelled_list(blocks, ("intended users", "primary users", "users"))
            if found:
                draft.data.setdefault("intended_use", {}).setdefault("primary_users", []).extend(found)
                draft.place(f"{section.heading}: Intended users", "mapped", "intended_use.primary_users")
        items, leftover = list_items(blocks)
        if items:
            *parents, last = path
            target = draft.data
            for name in parents:
                target = target.setdefault(name, {})
            target.setdefault(last, []).extend(items)
            draft.place(section.heading, "mapped", ".".join(path))
        return leftover

    return handler


def _labelled_list(blocks: list[Block], labels: tuple[str, ...]) -> tuple[list[Block], list[str]]:
    """The items of the list under a ``**Label:**`` paragraph with one of ``labels``, and the blocks without both."""
    for index, block in enumerate(blocks[:-1]):
        pair = label_and_value(block.text) if block.kind == "paragraph" else None
        if pair and not pair[1] and label_key(pair[0]) in labels and blocks[index + 1].kind == "list":
            items = [plain_text(item.content) for item in blocks[index + 1].items]
            return blocks[:index] + blocks[index + 2 :], [item for item in items if item]
    return blocks, []


def _uses(section: Section, where: str, draft: Draft) -> list[Block]:
    """A Uses section: its own text is what the model is for; its subsections are read on their own."""
    return _list_field(("intended_use", "primary_uses"), users=True)(section, where, draft)


def _ethical(section: Section, where: str, draft: Draft) -> list[Block]:
    blocks = useful(section.blocks, section.heading, draft)
    entries: list[Data] = []
    leftover: list[Block] = []
    lists = [block for block in blocks if block.kind == "list"]
    for block in blocks:
        if block.kind == "list":
            entries += [_risk(item) for item in block.items]
        elif block.kind == "paragraph" and not lists:
            entries.append({"risk": plain_text(block.markdown)})
        else:
            leftover.append(block)
    entries = [entry for entry in entries if entry["risk"]]
    if entries:
        draft.data.setdefault("ethical_considerations", []).extend(entries)
        draft.place(section.heading, "mapped", "ethical_considerations")
    return leftover


def _risk(item: Item) -> Data:
    """A risk from a list item; a nested ``*Mitigation:* ...`` item is what mitigates it."""
    mitigation = next((child for child in item.children if _MITIGATION.match(child.content.strip())), None)
    if mitigation is None:
        return {"risk": plain_text(item.content)}
    risk = plain_text(item.content.replace(mitigation.markdown.strip(), "").strip())
    match = _MITIGATION.match(mitigation.content.strip())
    entry: Data = {"risk": risk}
    if match and plain_text(match.group(1)):
        entry["mitigation"] = plain_text(match.group(1))
    return entry


TEMPLATE_SECTIONS = frozenset(
    {
        "preprocessing",
        "training procedure",
        "training hyperparameters",
        "speeds, sizes, times",
        "training results",
        "framework versions",
        "factors",
        "metrics",
        "results",
        "summary",
    }
)
"""Headings of the template that are no data set even when they sit under a Training or Testing Data heading."""


def _data_section(kind: str) -> Handler:
    """A handler for Training Data / Testing Data: each subheading that is no template heading is one data set."""

    def handler(section: Section, where: str, draft: Draft) -> list[Block]:
        found = draft.training if kind == "training" else draft.evaluation
        others = []
        for child in section.children:
            if section_key(child.title) in TEMPLATE_SECTIONS:
                others.append(child)
                continue
            found.append(_dataset(child, draft))
            draft.place(child.heading, "mapped", f"{kind}_data")
        section.children = others
        blocks = useful(section.blocks, section.heading, draft)
        prose = [block for block in blocks if block.kind in ("paragraph", "list", "quote")]
        if prose:
            draft.data_text[kind] = (where, section.heading, join([block.markdown for block in prose]))
        return [block for block in blocks if block not in prose]

    return handler


def _dataset(section: Section, draft: Draft) -> Data:
    entry: Data = {"name": heading_title(section.title)}
    blocks = useful(section.blocks, section.heading, draft)
    rest = []
    for block in blocks:
        if block.kind == "list":
            remaining = [item for item in block.items if not _take_labelled(item.text, DATASET_LABELS, entry)]
            if remaining:
                rest.append(block.with_items(remaining))
        else:
            rest.append(block)
    text = join([block.markdown for block in rest] + [split_at_heading(section.body)[1]])
    if text:
        entry["description"] = plain_text(text)
    return entry


def _take_labelled(text: str, labels: dict[str, tuple[str, Callable[[str], object]]], target: Data) -> bool:
    pair = label_and_value(text)
    if not pair or label_key(pair[0]) not in labels:
        return False
    name, parse = labels[label_key(pair[0])]
    value = parse(pair[1])
    return value is not None and put_at(target, (name,), value)


def _factors(section: Section, where: str, draft: Draft) -> list[Block]:
    blocks = useful(section.blocks, section.heading, draft)
    factors = draft.data.setdefault("factors", {})
    for label, key in (("relevant factors", "relevant"), ("evaluation factors", "evaluation")):
        blocks, found = _labelled_list(blocks, (label,))
        if found:
            factors.setdefault(key, []).extend(found)
    lists = [block for block in blocks if block.kind == "list"]
    if lists:
        factors.setdefault("evaluation", []).extend(i for b in lists for i in list_items([b])[0])
        blocks = [block for block in blocks if block.kind != "list"]
    if factors:
        draft.place(section.heading, "mapped", "factors")
    return blocks


def _metric_names(section: Section, where: str, draft: Draft) -> list[Block]:
    """Dropped when it only lists the metrics of the results (as an export writes it)."""
    blocks = useful(section.blocks, section.heading, draft)
    names = {str(metric["name"]) for metric in draft.data.get("metrics", [])}
    if len(blocks) == 1 and blocks[0].kind == "list" and set(list_items(blocks)[0]) == names:
        draft.place(section.heading, "dropped", "", "it names the metrics of `metrics`, no more")
        return []
    return blocks


def _results(section: Section, where: str, draft: Draft) -> list[Block]:
    leftover = []
    for block in useful(section.blocks, section.heading, draft):
        if block.kind == "table" and block.rows and tuple(map(loose_key, block.rows[0])) == _COLUMNS:
            draft.results_tables.append((where, section.heading, block))
        else:
            leftover.append(block)
    return leftover


_COLUMNS = tuple(loose_key(column) for column in RESULT_COLUMNS)


def _environment(section: Section, where: str, draft: Draft) -> list[Block]:
    blocks = useful(section.blocks, section.heading, draft)
    impact = draft.data.setdefault("environmental_impact", {})
    result = []
    for block in blocks:
        if block.kind != "list":
            result.append(block)
            continue
        remaining = []
        for item in block.items:
            if _take_labelled(item.text, ENVIRONMENT_LABELS, impact):
                draft.place(f"{section.heading}: {_label(item)}", "mapped", "environmental_impact")
            else:
                remaining.append(item)
        if remaining:
            result.append(block.with_items(remaining))
    return take_facts(result, where, section.heading, draft)


def _label(item: Item) -> str:
    pair = label_and_value(item.text)
    return pair[0] if pair else item.text


def _citation(section: Section, where: str, draft: Draft) -> list[Block]:
    """The citation: BibTeX from its code block, other text as written; the template's labels dropped."""
    parts = []
    for block in useful(section.blocks, section.heading, draft):
        pair = label_and_value(block.text) if block.kind == "paragraph" else None
        if pair and not pair[1] and label_key(pair[0]) in ("bibtex", "apa"):
            continue
        parts.append(textwrap.dedent(block.text).strip("\n") if block.kind == "code" else plain_text(block.markdown))
    text = "\n\n".join(part for part in parts if part)
    if text and put_at(draft.data, ("model_details", "citation"), text):
        draft.place(section.heading, "mapped", "model_details.citation")
        return []
    return [Block("paragraph", text)] if text else []


def _contact(section: Section, where: str, draft: Draft) -> list[Block]:
    """A list of owners as an export writes it restates the card's owners, which an import is given."""
    blocks = useful(section.blocks, section.heading, draft)
    owners = [_OWNER.match(item.text.strip()) for block in blocks if block.kind == "list" for item in block.items]
    if blocks and all(block.kind == "list" for block in blocks) and owners and all(owners):
        teams = list(dict.fromkeys(match["team"] for match in owners if match and match["team"]))
        names = [match["name"] for match in owners if match]
        draft.contact_owners = ", ".join(f"{team} team" for team in teams) or ", ".join(names)
        draft.place(section.heading, "dropped", "", "it lists the card's owners; an import is given its owners")
        return []
    return blocks


def _approvals(section: Section, where: str, draft: Draft) -> list[Block]:
    if useful(section.blocks, section.heading, draft):
        draft.place(section.heading, "dropped", "", "approvals are of the exported card's content, not of a draft")
    return []


def _additional(section: Section, where: str, draft: Draft) -> list[Block]:
    """An export's fields of an organisation's own (not of the format), as YAML: back into the card."""
    blocks = useful(section.blocks, section.heading, draft)
    if len(blocks) == 1 and blocks[0].kind == "code" and blocks[0].info == "yaml":
        try:
            fields = yaml.safe_load(blocks[0].text)
        except yaml.YAMLError:
            fields = None
        if isinstance(fields, dict) and all(isinstance(key, str) and key not in draft.data for key in fields):
            draft.data.update(fields)
            draft.place(section.heading, "mapped", ", ".join(fields))
            return []
    return blocks


HANDLERS: dict[str, Handler] = {
    "approvals": _approvals,
    "additional information": _additional,
    "model details": _facts,
    "model description": _model_description,
    "model sources": _model_sources,
    "uses": _uses,
    "intended use": _uses,
    "intended uses": _uses,
    "direct use": _list_field(("intended_use", "primary_uses"), users=True),
    "downstream use": _list_field(("intended_use", "primary_uses")),
    "out-of-scope use": _list_field(("intended_use", "out_of_scope")),
    "out-of-scope uses": _list_field(("intended_use", "out_of_scope")),
    "out of scope use": _list_field(("intended_use", "out_of_scope")),
    "misuse and out-of-scope use": _list_field(("intended_use", "out_of_scope")),
    "misuse, malicious use, and out-of-scope use": _list_field(("intended_use", "out_of_scope")),
    "risks and mitigations": _ethical,
    "ethical considerations": _ethical,
    "recommendations": _list_field(("caveats_and_recommendations",)),
    "training data": _data_section("training"),
    "training dataset": _data_section("training"),
    "testing data": _data_section("evaluation"),
    "evaluation data": _data_section("evaluation"),
    "factors": _factors,
    "metrics": _metric_names,
    "results": _results,
    "environmental impact": _environment,
    "technical specifications": _facts,
    "model architecture and objective": _facts,
    "compute infrastructure": _facts,
    "hardware": _facts,
    "software": _facts,
    "citation": _citation,
    "citation information": _citation,
    "bibtex entry and citation info": _citation,
    "model card contact": _contact,
}
"""Sections of the Hub template (and of an export) that have card fields; others are kept as they are."""

_LIMITATION_WORDS = ("limitation", "bias", "risk")


def handler_for(title: str) -> Handler | None:
    key = section_key(title)
    if key in HANDLERS:
        return HANDLERS[key]
    if any(word in key for word in _LIMITATION_WORDS) and not any(
        word in key for word in ("mitigation", "recommendation", "intended", "use")
    ):
        return _list_field(("limitations",))
    return None
