"""The ``modelCard`` of a CycloneDX model component read into its draft: model parameters and the data sets they
name (inline, or data components found by ``bom-ref``), performance metrics, and considerations (fairness
assessments and training emissions too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from model_catalog.formats.cyclonedx import PROPERTY_PREFIX, SENSITIVE_WITHOUT_DETAILS
from model_catalog.formats.drafting import (
    EVALUATION_NAME,
    GRAPHICS_REASON,
    LIST_LIMIT,
    NO_FIELD,
    Data,
    DraftBuilder,
    Entry,
    Handler,
    fields_of,
    items_of,
)
from model_catalog.formats.fitting import (
    child_path,
    clean_text,
    field_rules,
    fit,
    kind_of,
    number_of,
    one_line,
    tonnes_to_kg,
)
from model_catalog.formats.metrics_and_risks import add_risk, catalog_metric

_DATA_HEADING = "Data sets"


@dataclass
class ModelCardReader:
    """A component's model card read into its draft (``properties`` reads the component's properties, which hold
    card fields as ``model-catalog:`` ones; ``used`` collects the data components read, ``indexed`` the metrics and
    risks by their index in the model card, for the properties that name them)."""

    b: DraftBuilder
    refs: dict[str, tuple[str, Data]]
    properties: Handler
    used: set[str]
    indexed: dict[str, dict[int, Data]]

    def read(self, path: str, value: Any) -> None:
        handlers: dict[str, Handler] = {
            "bom-ref": lambda p, v: self.b.drop(p, "the model card's id inside the BOM"),
            "modelParameters": self.parameters,
            "quantitativeAnalysis": self.quantitative,
            "considerations": self.considerations,
            "properties": self.properties,
        }
        self.read_fields(path, value, "Model card", handlers)

    def read_fields(self, path: str, value: Any, heading: str, handlers: dict[str, Handler]) -> None:
        for key, child, item in fields_of(self.b, path, value, heading):
            handler = handlers.get(key)
            if handler is None:
                self.b.keep(child, item, heading, "not a field of CycloneDX's model card", key)
            else:
                handler(child, item)

    def parameters(self, path: str, value: Any) -> None:
        heading = "Model parameters"
        if not isinstance(value, dict):
            self.b.keep(path, value, heading, f"expected a mapping, got {kind_of(value)}")
            return
        architecture = value.get("modelArchitecture")
        has_architecture = fit(field_rules("model_details.architecture"), architecture)[0] is not None
        handlers: dict[str, Handler] = {
            "approach": lambda p, v: self.b.keep_text(
                p,
                v.get("type") if isinstance(v, dict) and set(v) == {"type"} else v,
                heading,
                NO_FIELD,
                "Learning approach",
            ),
            "task": lambda p, v: self.b.set(p, ("task",), v, heading),
            "modelArchitecture": lambda p, v: self.b.set(p, ("model_details", "architecture"), v, heading),
            "architectureFamily": lambda p, v: (
                self.b.keep_text(
                    p, v, heading, "the card's architecture holds modelArchitecture", "Architecture family"
                )
                if has_architecture
                else self.b.set(
                    p, ("model_details", "architecture"), v, heading, "the model card gives no modelArchitecture"
                )
            ),
            "datasets": self.datasets,
            "inputs": lambda p, v: self.formats(p, v, "input_format"),
            "outputs": lambda p, v: self.formats(p, v, "output_format"),
        }
        self.read_fields(path, value, heading, handlers)

    def formats(self, path: str, value: Any, key: str) -> None:
        """Inputs or outputs, ``[{format}]``, as one text (``string, image``)."""
        found: list[tuple[str, str]] = []
        for child, item in items_of(self.b, path, value, "Model parameters"):
            if (
                isinstance(item, dict)
                and set(item) == {"format"}
                and isinstance(item["format"], str)
                and one_line(item["format"])
            ):
                found.append((child_path(child, "format"), one_line(item["format"])))
            else:
                self.b.keep_text(child, item, "Model parameters", "an input or output is {format: text}", key)
        if not found:
            return
        fitted, _ = fit(field_rules(f"model_details.{key}"), ", ".join(text for _, text in found))
        details = self.b.data.setdefault("model_details", {})
        if fitted is not None and key not in details and self.b.spend(fitted):
            details[key] = fitted
            for source, _ in found:
                self.b.mapped(source, f"model_details.{key}")
        else:
            for source, text in found:
                self.b.keep(source, text, "Model parameters", f"does not fit `model_details.{key}`", key)

    def datasets(self, path: str, value: Any) -> None:
        for child, item in items_of(self.b, path, value, _DATA_HEADING):
            if isinstance(item, dict) and set(item) == {"ref"}:
                self.dataset_ref(child_path(child, "ref"), item["ref"])
            elif isinstance(item, dict):
                self.dataset(child, item, None)
            else:
                self.b.keep_text(child, item, _DATA_HEADING, f"a data set is a mapping, got {kind_of(item)}")

    def dataset_ref(self, source: str, ref: Any) -> None:
        found = self.refs.get(ref) if isinstance(ref, str) else None
        if found is None or not isinstance(found[1].get("data", []), list):
            self.b.keep_text(source, ref, _DATA_HEADING, "names no data component of this BOM", "Data set")
            return
        path, component = found
        self.used.add(path)
        entries = component.get("data") or [{}]
        for index, data in enumerate(entries[:LIST_LIMIT]):
            data_path = child_path(child_path(path, "data"), index) if component.get("data") else path
            self.dataset(data_path, data if isinstance(data, dict) else {}, (path, component), source, first=index == 0)

    def dataset(
        self, path: str, value: Data, component: tuple[str, Data] | None, ref_source: str = "", first: bool = True
    ) -> None:
        """A data set from its ``componentData`` (inline, or in the data component a ``ref`` names, whose own fields
        and ``model-catalog:`` properties are read too)."""
        entry = self.b.entry("training_data")
        later: list[tuple[str, Any, str, str]] = []
        role: tuple[str, str] | None = None
        for key, child, item in fields_of(self.b, path, value, _DATA_HEADING) if value or not component else ():
            if key in ("name", "description"):
                if not entry.set(key, item, child):
                    later.append((child, item, f"does not fit a data set's {key}: {entry.problem}", key))
            elif key == "contents" and isinstance(item, dict):
                for sub, sub_path, part in fields_of(self.b, child, item, _DATA_HEADING):
                    if sub == "url" and entry.set("link", part, sub_path):
                        continue
                    if sub == "attachment":
                        self.b.drop(sub_path, "data embedded in the BOM; a card names data sets, it does not hold them")
                    else:
                        later.append(
                            (
                                sub_path,
                                part,
                                NO_FIELD if sub != "url" else f"not a link: {entry.problem}",
                                f"Contents {sub}",
                            )
                        )
            elif (
                key == "sensitiveData"
                and isinstance(item, list)
                and item
                and all(isinstance(text, str) for text in item)
            ):
                sensitive: bool | str = (
                    True if item == [SENSITIVE_WITHOUT_DETAILS] else "; ".join(one_line(text) for text in item)
                )
                if entry.set("sensitive_data", sensitive, ""):
                    entry.placed += [(child_path(child, i), "sensitive_data", "") for i in range(len(item))]
                else:
                    later.append(
                        (child, item, f"does not fit a data set's sensitive_data: {entry.problem}", "Sensitive data")
                    )
            elif key == "graphics":
                self.b.drop(child, GRAPHICS_REASON)
            elif key == "type":
                if item == "dataset":
                    self.b.drop(child, "read: it is a data set")
                else:
                    later.append((child, item, "a card lists data sets; this data is of another kind", "Data type"))
            elif key == "bom-ref":
                self.b.drop(child, "the data set's id inside the BOM")
            else:
                later.append((child, item, NO_FIELD, key))
        if component is not None and first:
            role = self.data_component(entry, component, later)
        if "name" not in entry.fields:
            entry.fields["name"] = "Data set"
            self.b.drop(child_path(path, "name"), "the data set has no name: it is called 'Data set', change it")
        if role is None:
            name = entry.fields["name"]
            role = (
                ("evaluation", "from its name")
                if EVALUATION_NAME.search(name)
                else (
                    "training",
                    "the BOM does not say what it is for; move it under evaluation_data if it is evaluation data",
                )
            )
        entry.list_name = f"{role[0]}_data"
        if ref_source:
            entry.placed.append((ref_source, "name", f"as {role[0]} data ({role[1]})"))
        elif entry.placed:
            source, key, note = entry.placed[0]
            entry.placed[0] = (
                source,
                key,
                "; ".join(part for part in (note, f"as {role[0]} data ({role[1]})") if part),
            )
        entry.commit()
        for child, item, reason, label in later:
            self.b.keep_text(child, item, _DATA_HEADING, reason, f"{entry.fields['name']}: {label}")

    def data_component(
        self, entry: Entry, component: tuple[str, Data], later: list[tuple[str, Any, str, str]]
    ) -> tuple[str, str] | None:
        """The fields of a data component around its data: its name, and the ``model-catalog:`` properties
        ``cyclonedx.py`` writes (``used_for``, ``size``, ``sensitive_data``)."""
        path, item = component
        role = None
        for key, child, part in fields_of(self.b, path, item, _DATA_HEADING):
            if key == "data":
                continue
            if key == "name":
                if "name" not in entry.fields and entry.set("name", part, child):
                    continue
                if entry.fields.get("name") == (one_line(part) if isinstance(part, str) else None):
                    self.b.mapped(child, f"{entry.list_name}.name", "the same as its data's name")
                else:
                    later.append((child, part, "the data component's name, besides its data's", "Component name"))
            elif key in ("type", "bom-ref"):
                self.b.drop(child, "read: the data component the model card names")
            elif key == "properties" and isinstance(part, list):
                for sub, prop in items_of(self.b, child, part, _DATA_HEADING):
                    name, text = (prop.get("name"), prop.get("value")) if isinstance(prop, dict) else (None, None)
                    card_key = (
                        name[len(PROPERTY_PREFIX) :]
                        if isinstance(name, str) and name.startswith(PROPERTY_PREFIX)
                        else None
                    )
                    if card_key == "used_for" and text in ("training", "evaluation"):
                        role = (str(text), "as it was exported")
                        entry.placed.append((sub, "name", "says what the data set is used for"))
                    elif not (card_key and entry.set(card_key, text, sub)):
                        later.append((sub, text if isinstance(prop, dict) else prop, NO_FIELD, str(name)))
            else:
                later.append((child, part, NO_FIELD, key))
        return role

    def quantitative(self, path: str, value: Any) -> None:
        handlers: dict[str, Handler] = {
            "performanceMetrics": self.metrics,
            "graphics": lambda p, v: self.b.drop(p, GRAPHICS_REASON),
        }
        self.read_fields(path, value, "Quantitative analysis", handlers)

    def metrics(self, path: str, value: Any) -> None:
        heading = "Quantitative analysis"
        for index, (child, item) in enumerate(items_of(self.b, path, value, heading)):
            if not isinstance(item, dict):
                self.b.keep_text(child, item, heading, f"a performance metric is a mapping, got {kind_of(item)}")
                continue
            parts: dict[str, tuple[str, Any]] = {}
            rest = []
            for key, sub, part in fields_of(self.b, child, item, heading):
                if key in ("type", "value", "slice"):
                    parts[{"type": "name"}.get(key, key)] = (sub, part)
                elif (
                    key == "confidenceInterval" and isinstance(part, dict) and set(part) <= {"lowerBound", "upperBound"}
                ):
                    for bound, card_key in (("lowerBound", "low"), ("upperBound", "high")):
                        if bound in part:
                            parts[card_key] = (child_path(sub, bound), part[bound])
                    if not part:
                        self.b.drop(sub, "empty")
                else:
                    rest.append((sub, part))
            metric = catalog_metric(self.b, child, parts, heading, item)
            if metric is not None:
                self.indexed["metrics"][index] = metric
                for sub, part in rest:
                    self.b.keep_text(sub, part, heading, "not a field of a CycloneDX performance metric")

    def considerations(self, path: str, value: Any) -> None:
        heading = "Considerations"
        targets = {
            "users": ("intended_use", "primary_users"),
            "useCases": ("intended_use", "primary_uses"),
            "technicalLimitations": ("limitations",),
            "performanceTradeoffs": ("caveats_and_recommendations",),
        }
        for key, child, item in fields_of(self.b, path, value, heading):
            if key in targets:
                for sub, text in items_of(self.b, child, item, heading):
                    self.b.add(sub, targets[key], text, heading)
            elif key == "ethicalConsiderations":
                for index, (sub, risk) in enumerate(items_of(self.b, child, item, heading)):
                    added = add_risk(self.b, sub, risk, heading, {"name": "risk", "mitigationStrategy": "mitigation"})
                    if added is not None:
                        self.indexed["ethical_considerations"][index] = added
            elif key == "fairnessAssessments":
                for sub, assessment in items_of(self.b, child, item, heading):
                    self.fairness(sub, assessment, heading)
            elif key == "environmentalConsiderations":
                self.environment(child, item)
            else:
                self.b.keep(child, item, heading, "not a field of CycloneDX's considerations", key)

    def fairness(self, path: str, value: Any, heading: str) -> None:
        """A fairness assessment as an ethical consideration: the harms to the group at risk, and their mitigation
        (the card has no field for the benefits, which are kept)."""
        if not isinstance(value, dict) or not value:
            self.b.keep_text(path, value, heading, f"a fairness assessment is a mapping, got {kind_of(value)}")
            return
        group = one_line(value["groupAtRisk"]) if isinstance(value.get("groupAtRisk"), str) else ""
        harms = clean_text(value["harms"]) if isinstance(value.get("harms"), str) else ""
        risk = (
            f"{harms} (group at risk: {group})" if group and harms else harms or (f"Harms to {group}" if group else "")
        )
        used = {key for key, text in (("groupAtRisk", group), ("harms", harms)) if text}
        entry = self.b.entry("ethical_considerations")
        later: list[tuple[str, Any]] = []
        if risk and entry.set("risk", risk, ""):
            entry.placed += [(child_path(path, key), "risk", "with the group at risk") for key in sorted(used)]
            if "mitigationStrategy" in value:
                used.add("mitigationStrategy")
                if not entry.set("mitigation", value["mitigationStrategy"], child_path(path, "mitigationStrategy")):
                    later.append(("mitigationStrategy", value["mitigationStrategy"]))
            entry.commit()
        later += [(key, part) for key, part in value.items() if key not in used]
        for key, part in later:
            label = "Benefits" + (f" to {group}" if group else "") if key == "benefits" else f"Fairness {key}"
            self.b.keep_text(
                child_path(path, key),
                part,
                heading,
                NO_FIELD if key == "benefits" else "not a usable part of a fairness assessment",
                label,
            )

    def environment(self, path: str, value: Any) -> None:
        """Training emissions (``co2CostEquivalent`` of training and fine-tuning, in tonnes) as the card's kg;
        energy and its providers have no card field and are kept."""
        heading = "Environmental impact"
        emissions: list[tuple[str, float | int]] = []
        for key, child, item in fields_of(self.b, path, value, heading):
            if key == "properties":
                self.properties(child, item)
            elif key == "energyConsumptions":
                for sub, consumption in items_of(self.b, child, item, heading):
                    self.consumption(sub, consumption, emissions)
            else:
                self.b.keep(child, item, heading, "not a field of CycloneDX's environmental considerations", key)
        if emissions:
            total = sum(kg for _, kg in emissions)
            reason = "tonnes CO2eq as kg" + (", the sum of the training activities" if len(emissions) > 1 else "")
            fitted, _ = fit(field_rules("environmental_impact.co2_eq_kg"), total)
            impact = self.b.data.setdefault("environmental_impact", {})
            if fitted is not None and "co2_eq_kg" not in impact:
                impact["co2_eq_kg"] = fitted
                for source, _ in emissions:
                    self.b.mapped(source, "environmental_impact.co2_eq_kg", reason)
            else:
                for source, kg in emissions:
                    self.b.keep(
                        source, kg, heading, "`environmental_impact.co2_eq_kg` holds another value already", "CO2 (kg)"
                    )

    def consumption(self, path: str, value: Any, emissions: list[tuple[str, float | int]]) -> None:
        heading = "Environmental impact"
        co2 = value.get("co2CostEquivalent") if isinstance(value, dict) else None
        number = number_of(co2.get("value"))[0] if isinstance(co2, dict) and co2.get("unit") == "tCO2eq" else None
        if (
            not isinstance(value, dict)
            or value.get("activity") not in ("training", "fine-tuning")
            or number is None
            or number < 0
        ):
            self.b.keep_text(
                path,
                value,
                heading,
                "energy use the card has no field for (it records training emissions)",
                "Energy consumption",
            )
            return
        activity = value["activity"]
        emissions.append((child_path(child_path(path, "co2CostEquivalent"), "value"), tonnes_to_kg(number)))
        self.b.drop(child_path(child_path(path, "co2CostEquivalent"), "unit"), "read: tonnes, written as kg")
        for key, child, item in fields_of(self.b, path, value, heading):
            if key == "activity":
                self.b.mapped(child, "environmental_impact.co2_eq_kg", f"emissions of {activity}")
            elif key == "properties":
                self.properties(child, item)
            elif key != "co2CostEquivalent":
                label = {
                    "activityEnergyCost": "Energy used",
                    "energyProviders": "Energy providers",
                    "co2CostOffset": "CO2 offset",
                }.get(key, key)
                self.b.keep_text(child, item, heading, NO_FIELD, f"{label} ({activity})")
