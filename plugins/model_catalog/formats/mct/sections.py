"""The sections of a Model Card Toolkit card mapped to the card's fields: its model details, parameters and data
sets, quantitative analysis and considerations, each field mapped, kept in the description, or dropped with a
reason. Both of MCT's JSON schema versions (v0.0.1 and v0.0.2) are read, and proto text as v0.0.2."""

from __future__ import annotations

import re
from typing import Any

from model_catalog.cards.values import link_problem
from model_catalog.formats.drafting import (
    EVALUATION_NAME,
    GRAPHICS_REASON,
    LIST_LIMIT,
    OWNERS_REASON,
    DraftBuilder,
    Entry,
    Handler,
    fields_of,
    items_of,
)
from model_catalog.formats.fitting import (
    TEXT_LIMIT,
    child_path,
    clean_text,
    field_rules,
    fit,
    kind_of,
    one_line,
    read_date,
    spdx_license,
)
from model_catalog.formats.metrics_and_risks import add_risk, catalog_metric

_TRAINING_NAME = re.compile(r"(?i)train")


class SectionReader:
    """The sections of an MCT card, each read into the builder."""

    def __init__(self, builder: DraftBuilder) -> None:
        self.b = builder
        self.sections = {
            "schema_version": self.schema_version,
            "model_details": self.model_details,
            "model_parameters": self.model_parameters,
            "quantitative_analysis": self.quantitative_analysis,
            "considerations": self.considerations,
        }

    def schema_version(self, path: str, value: Any) -> None:
        if value in ("0.0.1", "0.0.2"):
            self.b.drop(path, "MCT's schema version: both are read; the card is format 1")
        else:
            self.b.keep(path, value, "Other fields", "not a schema version of MCT (0.0.1 or 0.0.2); read as 0.0.2")

    def model_details(self, path: str, value: Any) -> None:
        heading = "Model details"
        handlers: dict[str, Handler] = {
            "name": self.model_name,
            "overview": lambda p, v: self.b.add_prose(p, v, heading),
            "documentation": lambda p, v: self.b.add_prose(p, v, heading, "Documentation"),
            "owners": self.owners,
            "version": self.version,
            "license": self.licenses,
            "licenses": self.licenses,
            "references": self.references,
            "citation": self.citations,
            "citations": self.citations,
            "path": lambda p, v: self.b.keep_text(
                p, v, heading, "the card has no field for where the model is stored", "Model path"
            ),
        }
        self.read_fields(path, value, heading, handlers)

    def read_fields(self, path: str, value: Any, heading: str, handlers: dict[str, Handler]) -> None:
        for key, child, item in fields_of(self.b, path, value, heading):
            handler = handlers.get(key)
            if handler is None:
                self.b.keep(child, item, heading, "not a field of the Model Card Toolkit schema")
            else:
                handler(child, item)

    def model_name(self, path: str, value: Any) -> None:
        if isinstance(value, str) and len(one_line(value)) > 120:
            self.b.keep(
                path,
                value,
                "Model details",
                "longer than the 120 characters of `name`, which holds its start",
                "Full name",
            )
            value = one_line(value)[:120].rstrip()
        self.b.set(path, ("name",), value, "Model details")

    def owners(self, path: str, value: Any) -> None:
        for child, owner in items_of(self.b, path, value, "Owners"):
            if (
                isinstance(owner, dict)
                and set(owner) <= {"name", "contact"}
                and all(isinstance(v, str) for v in owner.values())
            ):
                text = " ".join(
                    part
                    for part in (owner.get("name", ""), f"({owner['contact']})" if owner.get("contact") else "")
                    if part
                )
                self.b.keep_text(child, text, "Owners", OWNERS_REASON, "Owner")
            else:
                self.b.keep_text(child, owner, "Owners", OWNERS_REASON, "Owner")

    def version(self, path: str, value: Any) -> None:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            self.version_name(path, value)
            return
        handlers: dict[str, Handler] = {
            "name": self.version_name,
            "date": self.version_date,
            "diff": lambda p, v: self.b.keep_text(
                p, v, "Model details", "the card has no field for what changed", "Changes in this version"
            ),
        }
        self.read_fields(path, value, "Model details", handlers)

    def version_name(self, path: str, value: Any) -> None:
        self.b.set(path, ("version",), value, "Model details")

    def version_date(self, path: str, value: Any) -> None:
        if read_date(value):
            self.b.set(path, ("created",), read_date(value), "Model details", "the date of this version")
        else:
            self.b.keep_text(path, value, "Model details", "not a date that reads one way (YYYY-MM-DD)", "Version date")

    def licenses(self, path: str, value: Any) -> None:
        """``license`` (v0.0.1, text) or ``licenses`` (v0.0.2, identifier or custom text each); one becomes the
        card's ``license``, several are kept (whether all apply or one may be chosen is not said)."""
        entries: list[tuple[str, Any]] = []
        if isinstance(value, list):
            for child, item in items_of(self.b, path, value, "Licenses"):
                if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in ("identifier", "custom_text"):
                    key = next(iter(item))
                    entries.append((child_path(child, key), item[key]))
                else:
                    self.b.keep_text(child, item, "Licenses", "a license is an identifier or a custom text", "License")
        else:
            entries.append((path, value))
        if len(entries) > 1:
            for source, text in entries:
                self.b.keep_text(
                    source,
                    text,
                    "Licenses",
                    "one of several licenses: the card holds one SPDX expression; write it (AND or OR) yourself",
                    "License",
                )
            return
        for source, text in entries:
            found, note = spdx_license(text) if isinstance(text, str) else (None, "")
            if found:
                self.b.set(source, ("license",), found, "Licenses", note)
            else:
                self.b.keep_text(
                    source, text, "Licenses", "not an SPDX license identifier: set `license` yourself", "License"
                )

    def references(self, path: str, value: Any) -> None:
        """v0.0.1's links, or v0.0.2's ``{reference: link}``; text that is not a full link is kept."""
        for child, item in items_of(self.b, path, value, "Model details"):
            source, reference = child, item
            if isinstance(item, dict) and set(item) == {"reference"}:
                source, reference = child_path(child, "reference"), item["reference"]
            url = one_line(reference) if isinstance(reference, str) else ""
            if url and link_problem(url) is None and re.match(r"(?i)https?://|mailto:", url):
                self.b.add_link(source, url, url, "Model details")
            else:
                self.b.keep_text(source, reference, "Model details", "a reference that is not a full link", "Reference")

    def citations(self, path: str, value: Any) -> None:
        items = value if isinstance(value, list) else [value]
        if value == []:
            self.b.drop(path, "empty")
        texts: list[tuple[str, str]] = []
        for index, item in enumerate(items[:LIST_LIMIT]):
            child = child_path(path, index) if isinstance(value, list) else path
            if isinstance(item, dict):
                for key, sub, part in fields_of(self.b, child, item, "Model details"):
                    if key == "citation" and isinstance(part, str) and clean_text(part):
                        texts.append((sub, clean_text(part)))
                    elif key == "style":
                        self.b.keep_text(
                            sub, part, "Model details", "the card has no field for a citation's style", "Citation style"
                        )
                    else:
                        self.b.keep_text(sub, part, "Model details", "not a citation's text", "Citation")
            elif isinstance(item, str) and clean_text(item):
                texts.append((child, clean_text(item)))
            else:
                self.b.keep_text(child, item, "Model details", f"a citation is text, got {kind_of(item)}", "Citation")
        if len(items) > LIST_LIMIT:
            self.b.drop(
                f"{path}[{LIST_LIMIT}:]", f"{len(items) - LIST_LIMIT} more citations than the {LIST_LIMIT} read"
            )
        if texts:
            fitted, note = fit(field_rules("model_details.citation"), "\n\n".join(text for _, text in texts))
            if fitted is not None and "citation" not in self.b.data.get("model_details", {}) and self.b.spend(fitted):
                self.b.data.setdefault("model_details", {})["citation"] = fitted
                for source, _ in texts:
                    self.b.mapped(source, "model_details.citation", note)
            else:
                for source, text in texts:
                    self.b.keep(source, text, "Model details", "does not fit `model_details.citation`", "Citation")

    def model_parameters(self, path: str, value: Any) -> None:
        heading = "Model parameters"
        handlers: dict[str, Handler] = {
            "model_architecture": lambda p, v: self.b.set(p, ("model_details", "architecture"), v, heading),
            "data": self.data,
            "input_format": lambda p, v: self.format(p, v, "input_format"),
            "output_format": lambda p, v: self.format(p, v, "output_format"),
            "input_format_map": lambda p, v: self.format_map(p, v, "input_format"),
            "output_format_map": lambda p, v: self.format_map(p, v, "output_format"),
        }
        self.read_fields(path, value, heading, handlers)

    def format(self, path: str, value: Any, key: str) -> None:
        details = self.b.data.setdefault("model_details", {})
        fitted, _ = fit(field_rules(f"model_details.{key}"), value)
        if fitted is not None and key in details:  # the map came first
            details[key] = f"{fitted}\n{details[key]}"
            self.b.mapped(path, f"model_details.{key}", "before the key-value pairs of the map")
        else:
            self.b.set(path, ("model_details", key), value, "Model parameters")

    def format_map(self, path: str, value: Any, key: str) -> None:
        details = self.b.data.setdefault("model_details", {})
        for child, item in items_of(self.b, path, value, "Model parameters"):
            if (
                isinstance(item, dict)
                and set(item) <= {"key", "value"}
                and all(isinstance(v, str) for v in item.values())
            ):
                line = one_line(f"{item.get('key', '')}: {item.get('value', '')}").strip(": ")
                if line and len(line) + len(details.get(key, "")) < TEXT_LIMIT and self.b.spend(line):
                    details[key] = f"{details[key]}\n{line}" if details.get(key) else line
                    self.b.mapped(child, f"model_details.{key}", "as a 'key: value' line")
                    continue
            self.b.keep_text(child, item, "Model parameters", f"not a key and value for `model_details.{key}`", key)

    def data(self, path: str, value: Any) -> None:
        """v0.0.1's ``{train, eval}`` or v0.0.2's list, whose entries do not say what they are for."""
        if isinstance(value, dict):
            roles = {"train": "training", "eval": "evaluation"}
            for key, child, item in fields_of(self.b, path, value, "Data"):
                if key in roles:
                    self.dataset(child, item, roles[key], f"from `{key}`")
                else:
                    self.b.keep(child, item, "Data", "not train or eval, the data sets of MCT v0.0.1")
            return
        for child, item in items_of(self.b, path, value, "Data"):
            name = item.get("name") if isinstance(item, dict) else None
            name = name if isinstance(name, str) else ""
            if EVALUATION_NAME.search(name):
                self.dataset(child, item, "evaluation", "from its name")
            elif _TRAINING_NAME.search(name):
                self.dataset(child, item, "training", "from its name")
            else:
                self.dataset(
                    child,
                    item,
                    "training",
                    "MCT does not say what a data set is for; move it under evaluation_data if it is one",
                )

    def dataset(self, path: str, value: Any, role: str, role_reason: str) -> None:
        if not isinstance(value, dict):
            self.b.keep_text(path, value, "Data", f"a data set is a mapping, got {kind_of(value)}")
            return
        entry = self.b.entry(f"{role}_data")
        later: list[tuple[str, Any, str]] = []
        for key, child, item in fields_of(self.b, path, value, "Data"):
            if key == "graphics":
                self.graphics(child, item)
            elif key in ("name", "link", "description"):
                if not entry.set(key, item, child):
                    later.append((child, item, f"does not fit `{role}_data.{key}`: {entry.problem}"))
            elif key == "sensitive":
                self.sensitive(entry, child, item, later)
            else:
                later.append((child, item, "not a field of an MCT data set"))
        if not entry.placed:
            for child, item, reason in later:
                self.b.keep_text(child, item, "Data", reason)
            return
        if "name" not in entry.fields:
            entry.fields["name"] = f"{role.capitalize()} data"
            self.b.drop(f"{path}.name", f"the data set has no name: it is called {entry.fields['name']!r}, change it")
        for index, (source, key, note) in enumerate(entry.placed):
            if key == "name":
                entry.placed[index] = (
                    source,
                    key,
                    "; ".join(part for part in (note, f"as {role} data ({role_reason})") if part),
                )
        entry.commit()
        for child, item, reason in later:
            self.b.keep_text(child, item, "Data", reason)

    def sensitive(self, entry: Entry, path: str, value: Any, later: list[tuple[str, Any, str]]) -> None:
        """v0.0.1's boolean, or v0.0.2's ``{sensitive_data: [...]}`` (the kinds of sensitive data)."""
        if isinstance(value, dict) and set(value) == {"sensitive_data"} and isinstance(value["sensitive_data"], list):
            kinds = [
                one_line(item)
                for item in value["sensitive_data"][:LIST_LIMIT]
                if isinstance(item, str) and one_line(item)
            ]
            if (
                kinds
                and len(kinds) == len(value["sensitive_data"])
                and entry.set("sensitive_data", "; ".join(kinds), "")
            ):
                entry.placed += [
                    (child_path(child_path(path, "sensitive_data"), i), "sensitive_data", "") for i in range(len(kinds))
                ]
                return
        elif isinstance(value, bool) and entry.set("sensitive_data", value, path):
            return
        later.append((path, value, "not sensitive data the card can hold (true, false or the kinds of data)"))

    def graphics(self, path: str, value: Any) -> None:
        names = []
        if isinstance(value, dict) and isinstance(value.get("collection"), list):
            names = [
                one_line(g["name"])
                for g in value["collection"][:20]
                if isinstance(g, dict) and isinstance(g.get("name"), str)
            ]
        count = (
            len(value.get("collection") or [])
            if isinstance(value, dict) and isinstance(value.get("collection"), list)
            else 0
        )
        listed = f": {', '.join(names)}"[:300] if names else ""
        self.b.drop(
            path,
            f"{count} {'graphic' if count == 1 else 'graphics'}{listed}; {GRAPHICS_REASON}"
            if count
            else f"{GRAPHICS_REASON} (none here)",
        )

    def quantitative_analysis(self, path: str, value: Any) -> None:
        handlers: dict[str, Handler] = {"performance_metrics": self.metrics, "graphics": self.graphics}
        self.read_fields(path, value, "Quantitative analysis", handlers)

    def metrics(self, path: str, value: Any) -> None:
        heading = "Quantitative analysis"
        known = {"type": "name", "value": "value", "slice": "slice", "threshold": "threshold"}
        for child, item in items_of(self.b, path, value, heading):
            if not isinstance(item, dict):
                self.b.keep_text(child, item, heading, f"a performance metric is a mapping, got {kind_of(item)}")
                continue
            parts: dict[str, tuple[str, Any]] = {}
            rest: list[tuple[str, Any]] = []
            for key, sub, part in fields_of(self.b, child, item, heading):
                if key in known:
                    parts[known[key]] = (sub, part)
                elif (
                    key == "confidence_interval"
                    and isinstance(part, dict)
                    and set(part) <= {"lower_bound", "upper_bound"}
                ):
                    for bound, card_key in (("lower_bound", "low"), ("upper_bound", "high")):
                        if bound in part:
                            parts[card_key] = (child_path(sub, bound), part[bound])
                    if not part:
                        self.b.drop(sub, "empty")
                else:
                    rest.append((sub, part))
            if catalog_metric(self.b, child, parts, heading, item) is not None:
                for sub, part in rest:
                    self.b.keep_text(sub, part, heading, "not a field of an MCT performance metric")

    def considerations(self, path: str, value: Any) -> None:
        heading = "Considerations"
        targets = {
            "users": ("intended_use", "primary_users"),
            "use_cases": ("intended_use", "primary_uses"),
            "limitations": ("limitations",),
            "tradeoffs": ("caveats_and_recommendations",),
        }
        for key, child, item in fields_of(self.b, path, value, heading):
            if key in targets:
                for sub, entry in items_of(self.b, child, item, heading):
                    source, text = sub, entry  # v0.0.1: text; v0.0.2: {description: text}
                    if isinstance(entry, dict) and set(entry) == {"description"}:
                        source, text = child_path(sub, "description"), entry["description"]
                    if text == {}:
                        self.b.drop(source, "empty")
                    else:
                        self.b.add(source, targets[key], text, heading)
            elif key == "ethical_considerations":
                for sub, risk in items_of(self.b, child, item, heading):
                    self.risk(sub, risk, heading, {"name": "risk", "mitigation_strategy": "mitigation"})
            else:
                self.b.keep(child, item, heading, "not a field of the Model Card Toolkit schema")

    def risk(self, path: str, value: Any, heading: str, keys: dict[str, str]) -> None:
        add_risk(self.b, path, value, heading, keys)
