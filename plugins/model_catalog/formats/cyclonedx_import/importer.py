"""CycloneDX ML-BOMs (JSON) as draft cards: one draft for each ``machine-learning-model`` component with a
``modelCard``, wherever it is in the BOM.

Each model is read by ``component.py`` (its model card by ``model_card.py``). Fields of the BOM that describe no
model (its metadata, other components, dependencies) are reported, in the first draft's report, as dropped, so
that the report accounts for the whole file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from model_catalog.formats.cyclonedx_import.component import ComponentReader
from model_catalog.formats.drafting import LIST_LIMIT, Data, DraftBuilder
from model_catalog.formats.fitting import child_path, kind_of, one_line
from model_catalog.formats.importing import ImportedDraft, ImportRefused, refuse_other_format, sniff_format

ORIGIN = "CycloneDX BOM"
MODEL = "machine-learning-model"


def import_cyclonedx(text: str, name: str) -> list[ImportedDraft]:
    """The drafts in a CycloneDX BOM, for ``model-catalog import cyclonedx``: refused, naming the importer to use,
    when it is a file of another format, with the line and column when it is not valid JSON, and with the models
    it lists when none has a model card."""
    bom = read_bom(text, name)
    found = list(_components(bom))
    models = [
        (path, item) for path, item in found if item.get("type") == MODEL and isinstance(item.get("modelCard"), dict)
    ]
    if models and models[0][0] == "metadata.component" and any(_same(models[0][1], item) for _, item in models[1:]):
        models = models[1:]  # the BOM's subject, listed among its components too
    if not models:
        bare = [f"{path} ({_named(item)})" for path, item in found if item.get("type") == MODEL]
        detail = f": {', '.join(bare[:10])} {'has' if len(bare) == 1 else 'have'} no modelCard" if bare else ""
        raise ImportRefused(f"{name}: no machine-learning-model component with a modelCard in this BOM{detail}")
    refs = {item["bom-ref"]: (path, item) for path, item in found if isinstance(item.get("bom-ref"), str)}
    drafts, used = [], {path for path, _ in models}
    for path, item in models:
        source = name if len(models) == 1 else f"{name}#{path}"
        reader = ComponentReader(DraftBuilder(source, ORIGIN), path, refs)
        drafts.append(reader.read(item, name))
        used |= reader.used
    _report_rest(drafts[0], bom, used)
    return drafts


def read_bom(text: str, name: str) -> Data:
    """The BOM's JSON; :class:`ImportRefused` when it is not a CycloneDX BOM in JSON."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        raise ImportRefused(
            f"{name}: not read: only CycloneDX BOMs in JSON are read (this looks like XML); "
            "convert it with `cyclonedx convert --output-format json`"
        )
    if not stripped.startswith(("{", "[")):
        if sniff_format(text) == "mct" or stripped.startswith("---") or re.match(r"#{1,6} ", stripped):
            refuse_other_format(text, name, "cyclonedx")
        raise ImportRefused(
            f"{name}: not a CycloneDX BOM in JSON (BOMs in XML or protobuf can be converted with "
            "`cyclonedx convert --output-format json`)"
        )
    try:
        bom = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ImportRefused(f"{name}: not read: its JSON is nested too deeply") from None
    if not isinstance(bom, dict):
        raise ImportRefused(f"{name}: not a CycloneDX BOM: its JSON is {kind_of(bom)}, not an object")
    found = sniff_format(stripped)
    if found != "cyclonedx":
        if found:
            refuse_other_format(stripped, name, "cyclonedx")
        raise ImportRefused(f'{name}: not a CycloneDX BOM file: it has no "bomFormat": "CycloneDX"')
    return bom


def _same(one: Data, other: Data) -> bool:
    """Whether two components are the same model: the same bom-ref, or the same name and version."""
    if isinstance(one.get("bom-ref"), str) and one.get("bom-ref") == other.get("bom-ref"):
        return True
    return (one.get("name"), one.get("version")) == (other.get("name"), other.get("version"))


def _named(component: Data) -> str:
    name = component.get("name")
    return repr(one_line(name)[:60]) if isinstance(name, str) else "no name"


def _components(bom: Data) -> Iterator[tuple[str, Data]]:
    """Every component of the BOM with its path, nested ones too, and ``metadata.component``; no deeper than
    JSON could be read, and without recursion."""
    metadata = bom.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("component"), dict):
        yield "metadata.component", metadata["component"]
    top = bom.get("components")
    stack: list[tuple[str, Iterator[tuple[int, Any]]]] = [
        ("components", enumerate(top if isinstance(top, list) else []))
    ]
    while stack:  # in the order of the document
        path, items = stack[-1]
        step = next(items, None)
        if step is None:
            stack.pop()
            continue
        index, item = step
        if isinstance(item, dict):
            item_path = child_path(path, index)
            yield item_path, item
            if isinstance(item.get("components"), list):
                stack.append((child_path(item_path, "components"), enumerate(item["components"])))


def _report_rest(draft: ImportedDraft, bom: Data, imported: set[str]) -> None:
    """What of the BOM describes no model, as dropped placements of the first draft (the whole file is reported)."""
    for key, value in list(bom.items())[:LIST_LIMIT]:
        path = child_path("", str(key))
        if key == "components":
            _report_components(draft, path, value, imported)
        elif key == "metadata" and isinstance(value, dict) and "metadata.component" in imported:
            for sub in value:
                if sub != "component":
                    draft.place(child_path(path, str(sub)), "dropped", "", "about the BOM, not the model")
        elif key == "metadata":
            draft.place(path, "dropped", "", "who made the BOM and when; the model is read from its component")
        elif key == "dependencies":
            draft.place(path, "dropped", "", "relations between the BOM's components; the card has no field for them")
        else:
            draft.place(path, "dropped", "", "about the BOM document, not the model")


def _report_components(draft: ImportedDraft, path: str, value: Any, imported: set[str]) -> None:
    """Components that are neither imported models nor data sets they name, as dropped; without recursion."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        list_path, items = stack.pop()
        if not isinstance(items, list):
            draft.place(list_path, "dropped", "", f"not a list of components ({kind_of(items)})")
            continue
        for index, item in enumerate(items):
            item_path = child_path(list_path, index)
            nested = child_path(item_path, "components")
            if item_path in imported:
                if isinstance(item, dict) and "components" in item:
                    stack.append((nested, item["components"]))
                continue
            is_model = isinstance(item, dict) and item.get("type") == MODEL
            reason = (
                "a machine-learning-model without a modelCard: nothing to import"
                if is_model
                else "not a model, nor a data set a model names"
            )
            if not isinstance(item, dict) or not any(done.startswith(nested + "[") for done in imported):
                draft.place(item_path, "dropped", "", reason)
                continue
            for key in item:
                if key == "components":
                    stack.append((nested, item["components"]))
                else:
                    draft.place(child_path(item_path, str(key)), "dropped", "", reason)
