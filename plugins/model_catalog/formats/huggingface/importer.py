"""Hugging Face model cards turned into draft cards: mapped where the format allows, the rest kept, as written.

:func:`import_huggingface` reads a Hub ``README.md`` (YAML front matter and the Markdown of the Hub's template,
or of any other layout) into one :class:`ImportedDraft`: the front matter into card fields and the card's
``huggingface`` mapping, the body's sections into their fields, and what no field holds into the description under
the heading of its section. The draft's report names every key and section and where it went.
"""

from __future__ import annotations

import re

from model_catalog.formats.huggingface.blocks import Block, Section, join, read_sections
from model_catalog.formats.huggingface.draft import Draft
from model_catalog.formats.huggingface.frontmatter import read_front_matter
from model_catalog.formats.huggingface.hub import Data, card_schema
from model_catalog.formats.huggingface.markdown import heading_title, plain_text
from model_catalog.formats.huggingface.naming import settle_name
from model_catalog.formats.huggingface.sections import HANDLERS, handler_for, section_key, take_facts, useful
from model_catalog.formats.huggingface.settle import settle_draft, without_empty
from model_catalog.formats.importing import ImportedDraft, id_slug, in_schema_order, refuse_other_format

_NO_TITLES = frozenset(HANDLERS) | {"table of contents", "contents", "overview", "introduction", "limitations"}
"""Headings a card may open with at level 1 that name a section, not the model."""

_TITLE_PREFIX = re.compile(r"^model card (?:for|of)\s+|\s+model card$", re.IGNORECASE)


def import_huggingface(text: str, name: str) -> list[ImportedDraft]:
    """The draft in a Hub README.md, for ``model-catalog import huggingface``; a file of another format is
    refused, naming the importer that reads it."""
    refuse_other_format(text, name, "huggingface")
    draft, hints = read_card(text, name)
    return [ImportedDraft(draft.data, name, id_hints=hints, report=draft.report)]


def from_huggingface(text: str) -> tuple[Data, list[str]]:
    """A draft card's fields from a Hub README.md (with an ``id`` from its best hint), and a note on each part of
    it that went into no field: the Python API's form of :func:`import_huggingface`."""
    draft, hints = read_card(text, "README.md")
    slug = next((slug for slug in map(id_slug, hints) if slug), "imported-model")
    notes = [
        f"{placement.source}: {placement.outcome}" + (f" ({placement.reason})" if placement.reason else "")
        for placement in draft.report
        if placement.outcome != "mapped"
    ]
    return {"id": slug, **draft.data}, notes


def read_card(text: str, name: str) -> tuple[Draft, list[str]]:
    """The draft of a Hub card, and where its id can come from, best first."""
    draft = Draft()
    body = read_front_matter(text.replace("\r\n", "\n").lstrip("\ufeff"), draft)
    root = read_sections(body)
    sections = _read_title(root, draft)
    for section in sections:
        _walk(section, (), draft)
    hints = settle_name(draft, body, name)
    settle_draft(draft)
    draft.data = without_empty(in_schema_order(draft.data, card_schema().fields))
    return draft, hints


def _read_title(root: Section, draft: Draft) -> list[Section]:
    """The model's name from the top heading, the summary from the text under it; returns the sections below."""
    blocks = useful(root.blocks, root.heading, draft)
    sections = root.children
    if sections and sections[0].level == 1 and section_key(sections[0].title) not in _NO_TITLES:
        top = sections[0]
        title = _TITLE_PREFIX.sub("", heading_title(top.title)).strip()
        if title.lower() not in ("model id", "{{ model_id }}", "model_id"):
            draft.title = title
            draft.place(top.heading, "mapped", "name")
        blocks += useful(top.blocks, top.heading, draft)
        sections = [*top.children, *sections[1:]]
    _read_intro(blocks, draft)
    return sections


def _read_intro(blocks: list[Block], draft: Draft) -> None:
    if len(blocks) == 1 and blocks[0].kind == "paragraph":
        summary = " ".join(plain_text(blocks[0].markdown).split())
        if summary and len(summary) <= 300:
            draft.data["summary"] = summary
            draft.place("the text under the title", "mapped", "summary")
            return
    if blocks:
        draft.prose.append(join([block.markdown for block in blocks]))
        draft.place("the text under the title", "mapped", "description")


def _walk(section: Section, path: tuple[str, ...], draft: Draft) -> None:
    path = (*path, heading_title(section.title))
    where = " › ".join(path)
    draft.kept.setdefault(where, [])  # what is kept of the card comes in the card's order
    handler = handler_for(section.title)
    if handler is None:
        leftover = take_facts(useful(section.blocks, section.heading, draft), where, section.heading, draft)
    else:
        leftover = handler(section, where, draft)
    if leftover:
        draft.keep(where, section.heading, join([block.markdown for block in leftover]))
    elif handler is None and not section.blocks and not section.children:
        draft.place(section.heading, "dropped", "", "a heading with nothing under it")
    for child in section.children:
        _walk(child, path, draft)
