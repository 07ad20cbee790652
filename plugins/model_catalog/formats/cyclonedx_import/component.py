"""A model component of a CycloneDX BOM read into a draft: its name, version, description, licenses, links, people
and pedigree, and its properties.

Properties named ``model-catalog:<card field path>``, which ``cyclonedx.py`` writes for the card fields CycloneDX
has no place for, are read back into those fields, so that a card exported and imported again keeps its content
(but for its owners, status and approvals, which an import never takes). The ``modelCard`` is read by
``model_card.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model_catalog.formats.cyclonedx import PROPERTY_PREFIX
from model_catalog.formats.cyclonedx_import.model_card import ModelCardReader
from model_catalog.formats.drafting import NO_FIELD, OWNERS_REASON, Data, DraftBuilder, Handler, fields_of, items_of
from model_catalog.formats.fitting import child_path, clean_text, field_rules, fit, one_line, spdx_license
from model_catalog.formats.importing import ImportedDraft

_CATALOG_PATH = re.compile(r"(?P<field>[a-z_][a-z0-9_]*)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[a-z_][a-z0-9_]*))?")
_LINK_TITLES = {
    "vcs": "Source code",
    "website": "Website",
    "documentation": "Documentation",
    "model-card": "Model card",
}


@dataclass
class ComponentReader:
    """One model component read into a draft: the component's fields, its model card, the data sets it names."""

    b: DraftBuilder
    path: str
    refs: dict[str, tuple[str, Data]]
    used: set[str] = field(default_factory=set)
    hints: list[str] = field(default_factory=list)
    indexed: dict[str, dict[int, Data]] = field(default_factory=lambda: {"metrics": {}, "ethical_considerations": {}})
    card: ModelCardReader = field(init=False)

    def __post_init__(self) -> None:
        self.card = ModelCardReader(self.b, self.refs, self.properties, self.used, self.indexed)

    def read(self, component: Data, file_name: str) -> ImportedDraft:
        handlers: dict[str, Handler] = {
            "type": lambda p, v: self.b.drop(p, "read: it is a machine-learning-model"),
            "bom-ref": lambda p, v: self.b.drop(p, "the component's id inside the BOM; data sets it names are read"),
            "name": self.name,
            "version": lambda p, v: self.b.set(p, ("version",), v, "Component"),
            "group": lambda p, v: self.b.keep_text(
                p, v, "Component", "the card has no group field; used for the id", "Group"
            ),
            "description": self.description,
            "licenses": self.licenses,
            "externalReferences": self.references,
            "authors": self.people,
            "author": self.people,
            "supplier": self.people,
            "manufacturer": self.people,
            "publisher": self.people,
            "tags": lambda p, v: [
                self.b.add(c, ("tags",), tag, "Component") for c, tag in items_of(self.b, p, v, "Component")
            ],
            "properties": self.properties,
            "pedigree": self.pedigree,
            "modelCard": self.card.read,
            "components": lambda p, v: None,  # reported with the rest of the BOM: models among them are drafts
        }
        for key, path, value in fields_of(self.b, self.path, component, "Component"):
            handler = handlers.get(key)
            if handler is None:
                self.b.keep(path, value, "Component", NO_FIELD, key)
            else:
                handler(path, value)
        group, model_name = component.get("group"), component.get("name")
        if isinstance(group, str) and isinstance(model_name, str):
            self.hints.append(f"{group}/{model_name}")
        return self.b.finish([*self.hints, str(self.b.data.get("name", "")), Path(file_name).stem])

    # --- the component

    def name(self, path: str, value: Any) -> None:
        if isinstance(value, str) and len(one_line(value)) > 120:
            self.b.keep(
                path, value, "Component", "longer than the 120 characters of `name`, which holds its start", "Full name"
            )
            value = one_line(value)[:120].rstrip()
        self.b.set(path, ("name",), value, "Component")

    def description(self, path: str, value: Any) -> None:
        """One line becomes the summary (as ``cyclonedx.py`` writes it); longer text the description."""
        fitted, _ = fit(field_rules("summary"), value)
        if fitted is not None and isinstance(value, str) and "\n" not in clean_text(value):
            self.b.set(path, ("summary",), value, "Component")
        else:
            self.b.add_prose(path, value, "Component")

    def people(self, path: str, value: Any) -> None:
        key = path.rsplit(".", 1)[-1]
        label = {"authors": "Author", "author": "Author", "publisher": "Publisher"}.get(key, key.capitalize())
        if isinstance(value, list):
            for child, person in items_of(self.b, path, value, "People"):
                self.b.keep_text(child, _person(person), "People", OWNERS_REASON, label)
        else:
            self.b.keep_text(
                path, _person(value), "People", OWNERS_REASON if key.startswith("author") else NO_FIELD, label
            )

    def licenses(self, path: str, value: Any) -> None:
        """One license (an SPDX id or expression, or a name) becomes the card's; several are kept, since a card has
        one expression and whether all apply or one may be chosen is not said."""
        entries = list(items_of(self.b, path, value, "Licenses"))
        if len(entries) > 1:
            for child, item in entries:
                self.b.keep(
                    child,
                    item,
                    "Licenses",
                    "one of several licenses: the card holds one SPDX expression; write it yourself",
                    "License",
                )
            return
        for child, item in entries:
            if isinstance(item, dict) and isinstance(item.get("license"), dict):
                self.license(child_path(child, "license"), item["license"])
                rest = {key: part for key, part in item.items() if key != "license"}
            elif isinstance(item, dict) and "expression" in item:
                found, note = spdx_license(item["expression"]) if isinstance(item["expression"], str) else (None, "")
                source = child_path(child, "expression")
                if found:
                    self.b.set(source, ("license",), found, "Licenses", note)
                else:
                    self.b.keep_text(
                        source,
                        item["expression"],
                        "Licenses",
                        "not an SPDX expression the card knows; set `license` yourself",
                        "License",
                    )
                rest = {key: part for key, part in item.items() if key != "expression"}
            else:
                self.b.keep_text(child, item, "Licenses", "a license is {license: ...} or {expression: ...}", "License")
                continue
            for key, part in rest.items():
                self.b.keep_text(child_path(child, key), part, "Licenses", NO_FIELD, f"License {key}")

    def license(self, path: str, value: Data) -> None:
        mapped = False
        for key, child, part in fields_of(self.b, path, value, "Licenses"):
            if key in ("id", "name") and not mapped:
                found, note = spdx_license(part) if isinstance(part, str) else (None, "")
                if found:
                    mapped = self.b.set(child, ("license",), found, "Licenses", note)
                    continue
                self.b.keep_text(
                    child, part, "Licenses", "not an SPDX license the card knows; set `license` yourself", "License"
                )
            elif key == "name":
                self.b.drop(child, "the license's name; its SPDX id says which it is")
            elif key == "url":
                self.b.add_link(child, "License", part, "Licenses")
            elif key == "bom-ref":
                self.b.drop(child, "the license's id inside the BOM")
            elif key == "text" and isinstance(part, dict) and part.get("encoding") == "base64":
                self.b.drop(child, "the license text, in base64; the SPDX id or the name says which license it is")
            elif key == "properties":
                self.properties(child, part)
            else:
                self.b.keep_text(child, part, "Licenses", NO_FIELD, f"License {key}")

    def references(self, path: str, value: Any) -> None:
        """Links: the first ``vcs`` is the training code, a ``documentation`` link called Paper the paper (as
        ``cyclonedx.py`` writes them); the rest are links titled by their comment or their type."""
        details = self.b.data.setdefault("model_details", {})
        for child, ref in items_of(self.b, path, value, "Links"):
            url = ref.get("url") if isinstance(ref, dict) else None
            problem = fit(field_rules("links.url"), url)[1] if isinstance(url, str) else "it has no url"
            if not isinstance(ref, dict) or fit(field_rules("links.url"), url)[0] is None:
                self.b.keep_text(child, ref, "Links", f"not a link the card accepts: {problem}", "Link")
                continue
            kind, comment = ref.get("type"), ref.get("comment")
            url_source, comment_source = child_path(child, "url"), child_path(child, "comment")
            target = None
            if kind == "vcs" and "repository" not in details:
                target = "repository"
            elif kind == "documentation" and comment == "Paper" and "paper" not in details:
                target = "paper"
            if target and fit(field_rules(f"model_details.{target}"), url)[0] is not None:
                self.b.set(url_source, ("model_details", target), url, "Links")
                where: str | None = f"model_details.{target}"
                if "comment" in ref:
                    self.b.mapped(comment_source, f"model_details.{target}", "says what the link is")
            else:
                named = isinstance(comment, str) and one_line(comment)
                title = comment if named else _LINK_TITLES.get(str(kind), str(kind).replace("-", " ").capitalize())
                index = self.b.add_link(url_source, title, url, "Links", comment_source if "comment" in ref else "")
                where = None if index is None else f"links[{index}].title"
            for key, part in ref.items():
                source = child_path(child, key)
                if key == "type":
                    if where is None:
                        self.b.drop(source, "the link it is the kind of was left out")
                    else:
                        self.b.mapped(source, where, "the kind of link (a link's title when it has no comment)")
                elif key not in ("url", "comment"):
                    self.b.keep_text(source, part, "Links", NO_FIELD, f"Link {key}")

    def pedigree(self, path: str, value: Any) -> None:
        """The first ancestor that is a model named like a catalog id is the base model (``cyclonedx.py`` writes
        ``base_model`` so)."""
        for key, child, part in fields_of(self.b, path, value, "Pedigree"):
            ancestor = part[0] if key == "ancestors" and isinstance(part, list) and part else None
            if isinstance(ancestor, dict) and isinstance(ancestor.get("name"), str):
                base = ancestor["name"] + (
                    f"@{ancestor['version']}" if isinstance(ancestor.get("version"), str) else ""
                )
                if fit(field_rules("model_details.base_model"), base)[0] is not None:
                    first = child_path(child, 0)
                    self.b.set(
                        child_path(first, "name"),
                        ("model_details", "base_model"),
                        base,
                        "Pedigree",
                        "it must be the id of a card in this catalog: change it if not",
                    )
                    for sub, item in ancestor.items():
                        if sub == "version":
                            self.b.mapped(child_path(first, sub), "model_details.base_model", "after @")
                        elif sub == "type":
                            self.b.drop(child_path(first, sub), "read: the kind of ancestor")
                        elif sub != "name":
                            self.b.keep_text(child_path(first, sub), item, "Pedigree", NO_FIELD, f"Base model {sub}")
                    for index, other in enumerate(part[1:], start=1):
                        self.b.keep_text(
                            child_path(child, index), other, "Pedigree", "the card has one base model", "Ancestor"
                        )
                    continue
            self.b.keep_text(child, part, "Pedigree", NO_FIELD, f"Pedigree {key}")

    # --- properties

    def properties(self, path: str, value: Any) -> None:
        for child, prop in items_of(self.b, path, value, "Properties"):
            name, text = (prop.get("name"), prop.get("value")) if isinstance(prop, dict) else (None, None)
            if not isinstance(name, str) or set(prop) - {"name", "value"}:
                self.b.keep_text(child, prop, "Properties", "a property is a name and a value")
            elif name.startswith(PROPERTY_PREFIX):
                self.catalog_property(child, name[len(PROPERTY_PREFIX) :], text)
            else:
                self.b.keep_text(
                    child, text if text is not None else "", "Properties", NO_FIELD, one_line(name)[:100] or "Property"
                )

    def catalog_property(self, source: str, path: str, value: Any) -> None:
        """A card field ``cyclonedx.py`` wrote as a property, back into that field."""
        match = _CATALOG_PATH.fullmatch(path)
        heading = "Catalog fields"
        if match is None or not isinstance(value, str):
            self.b.keep_text(source, value, heading, "not a card field path with text", path)
            return
        name, index, sub = match.group("field"), match.group("index"), match.group("sub")
        plain = index is None and sub is None
        if name == "id" and plain:
            self.hints.insert(0, value)
            self.b.mapped(source, "id", "the id it had, when no other card of the version has it")
        elif name == "status":
            self.b.drop(source, f"it was {value!r}: an imported card is a draft until it is reviewed")
        elif name == "approvals":
            self.b.drop(source, "approvals are of the content exported; the draft needs approvals of its own")
        elif name == "content_digest":
            self.b.drop(source, "the digest is computed again from the draft's content")
        elif name == "owners":
            self.b.keep_text(source, value, "People", OWNERS_REASON, f"Owner's {sub or 'detail'}")
        elif name == "schema_version" and plain and value == "1":
            self.b.mapped(source, "schema_version")
        elif name == "description" and plain:
            self.b.add_prose(source, value, heading)
        elif index is not None:
            self.indexed_property(source, name, int(index), sub, value)
        else:
            parent = field_rules(name)
            rules = field_rules(name if sub is None else f"{name}.{sub}")
            target = (name,) if sub is None else (name, sub)
            if sub is not None and (parent is None or parent.get("type") != "dict"):
                rules = None  # `metrics.name`: a field of list items needs the item's index
            if rules is not None and rules.get("type") == "list" and rules.get("schema", {}).get("type") != "dict":
                self.b.add(source, target, value, heading)
            elif rules is not None and rules.get("type") not in ("list", "dict"):
                self.b.set(source, target, value, heading)
            else:
                self.b.keep_text(
                    source, value, heading, "not a field of the built-in card schema (an extension's?)", path
                )

    def indexed_property(self, source: str, name: str, index: int, sub: str | None, value: str) -> None:
        entry = self.indexed.get(name, {}).get(index)
        if entry is None or sub is None:
            self.b.keep_text(
                source, value, "Catalog fields", f"about {name}[{index}], which was not imported", f"{name}[{index}]"
            )
            return
        fitted, note = fit(field_rules(f"{name}.{sub}"), value)
        position = next(i for i, item in enumerate(self.b.data[name]) if item is entry)
        if fitted is None or (sub in entry and entry[sub] != fitted):
            why = note if fitted is None else f"it holds {entry[sub]!r} already"
            self.b.keep_text(
                source, value, "Catalog fields", f"does not fit `{name}.{sub}`: {why}", f"{name}[{index}].{sub}"
            )
            return
        if sub not in entry and not self.b.spend(fitted):
            self.b.drop(source, "the draft is at its size limit")
            return
        entry[sub] = fitted
        self.b.mapped(source, f"{name}[{position}].{sub}", note)


def _person(value: Any) -> Any:
    """A contact or organisation as one line (``Ada Lovelace <ada@example.com>``) when it is only that."""
    if isinstance(value, str):
        return value
    if (
        isinstance(value, dict)
        and all(isinstance(part, str) for part in value.values())
        and set(value) <= {"name", "email", "phone"}
    ):
        name = value.get("name", "")
        extra = [value[key] for key in ("email", "phone") if value.get(key)]
        return f"{name} <{', '.join(extra)}>" if extra else name
    return value
