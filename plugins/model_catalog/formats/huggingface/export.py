"""A card as a Hugging Face model card (``README.md``).

A Hub card is YAML front matter, which the Hub indexes (license, task, base
model, evaluation results as ``model-index``), followed by Markdown laid out
like the Hub's default template. :func:`to_huggingface` fills both from a
card; the reverse is :mod:`model_catalog.formats.huggingface.importer`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from model_catalog.cards.model import Card
from model_catalog.cards.values import plain
from model_catalog.formats.huggingface.blocks import demote, may_hold_list, parse_blocks, split_at_heading
from model_catalog.formats.huggingface.frontmatter import grams, kilograms
from model_catalog.formats.huggingface.hub import (
    HUB_TASKS,
    PLACEHOLDER,
    RESULT_COLUMNS,
    Data,
    card_schema,
    hub_license,
    unique,
)
from model_catalog.formats.huggingface.markdown import (
    bullet,
    code_block,
    destination,
    email_text,
    escaped,
    number_text,
    table_cell,
)
from model_catalog.formats.huggingface.results import index_for_export
from model_catalog.formats.huggingface.values import hub_license_to_spdx, number_value

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it: the pure-Python one is most of an export's cost."""


def to_huggingface(card: Card) -> str:
    """The card as a Hub README.md: front matter for the Hub's search and leaderboards, the rest as Markdown."""
    data = plain(card.data)
    front = yaml.dump(_front_matter(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n\n{_body(data)}"


def _front_matter(data: Data) -> Data:
    """The Hub metadata of a card (its data as plain values): its fields, and the Hub's own facts it keeps in
    ``huggingface`` while the fields still say the same."""
    hub = data.get("huggingface", {})
    meta: Data = {}
    if data.get("languages"):
        meta["language"] = list(data["languages"])
    meta.update(_license(data))
    for key in ("library_name",):
        if hub.get(key):
            meta[key] = hub[key]
    base_model = hub.get("base_model") or str(data.get("model_details", {}).get("base_model", "")).partition("@")[0]
    if base_model:
        meta["base_model"] = base_model
    if hub.get("base_model_relation"):
        meta["base_model_relation"] = hub["base_model_relation"]
    if hub.get("pipeline_tag"):
        meta["pipeline_tag"] = hub["pipeline_tag"]
    elif data.get("task") in HUB_TASKS:
        meta["pipeline_tag"] = data["task"]
    if data.get("tags"):
        meta["tags"] = list(data["tags"])
    if hub.get("datasets"):
        meta["datasets"] = list(hub["datasets"])
    emissions = _emissions(data)
    if emissions is not None:
        meta["co2_eq_emissions"] = emissions
    index = index_for_export(data)
    if index:
        meta["model-index"] = index
    return meta


def _license(data: Data) -> Data:
    """``license`` (with ``license_name`` and ``license_link``): the Hub's own id while it names the card's
    license (or the card names none), else the card's license as the Hub writes it."""
    hub = data.get("huggingface", {})
    license = data.get("license")
    own = hub.get("license")
    if own and (
        license is None or (isinstance(own, str) and hub_license_to_spdx(own, hub.get("license_name")) == license)
    ):
        meta: Data = {"license": own, **({"license_name": hub["license_name"]} if hub.get("license_name") else {})}
    else:
        meta = hub_license(license)
    if hub.get("license_link") and (not own or meta.get("license") == own):
        meta["license_link"] = hub["license_link"]
    return meta


def _emissions(data: Data) -> Any:
    """``co2_eq_emissions`` as the Hub card gave it, with what ``environmental_impact`` now says instead."""
    record = data.get("huggingface", {}).get("co2_eq_emissions")
    if record is None:
        return None
    impact = data.get("environmental_impact", {})
    kg = impact.get("co2_eq_kg")
    given = number_value(record.get("emissions") if isinstance(record, dict) else record)
    same = given is not None and kg is not None and kilograms(given) == kg
    if not isinstance(record, dict):
        return record if same or kg is None else grams(kg)
    record = dict(record)
    if kg is not None and not same:
        record["emissions"] = grams(kg)
    for key, field in (("hardware_used", "hardware"), ("geographical_location", "region")):
        if impact.get(field) and str(record.get(key, "")).strip() != impact[field]:
            record[key] = impact[field]
    return record


def _body(data: Data) -> str:
    parts = [
        f"# Model Card for {escaped(data['name'])}",
        escaped(data.get("summary", ""), block=True),
        *_details_part(data),
        *_uses_part(data),
        *_risks_part(data),
        *_training_part(data),
        *_evaluation_part(data),
        *_environment_part(data),
        *_technical_part(data),
        *_citation_part(data),
        *_more_information_part(data),
        "## Model Card Contact",
        _contacts(data) or PLACEHOLDER,
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _details_part(data: Data) -> list[str]:
    details = data.get("model_details", {})
    facts = _facts(
        [
            ("Developed by", _developers(data)),
            ("Model type", details.get("architecture")),
            ("Language(s) (NLP)", ", ".join(data.get("languages", []))),
            ("License", data.get("license")),
            ("Finetuned from model", details.get("base_model")),
            ("Task", data.get("task")),
            ("Catalog id", data.get("id")),
            ("Version", data.get("version")),
            ("Status", data.get("status")),
            ("Risk tier", data.get("risk_tier")),
            ("Created", data.get("created")),
            ("Updated", data.get("updated")),
        ]
    )
    sources = _facts([("Repository", details.get("repository")), ("Paper", details.get("paper"))])
    links = "\n".join(f"- [{escaped(link['title'])}]({destination(link['url'])})" for link in data.get("links", []))
    prose, sections = split_at_heading(demote(data.get("description", "").strip("\n").rstrip()))
    separator = "<!-- Model facts -->" if facts and _ends_in_list(prose) else ""
    return [
        "## Model Details",
        "### Model Description",
        prose or ("" if facts or sections else PLACEHOLDER),
        separator,
        facts,
        sections,
        "### Model Sources",
        "\n".join(part for part in (sources, links) if part) or PLACEHOLDER,
    ]


def _uses_part(data: Data) -> list[str]:
    use = data.get("intended_use", {})
    users = ["**Intended users:**", _bullets(use["primary_users"])] if use.get("primary_users") else []
    return [
        "## Uses",
        "### Direct Use",
        _bullets(use.get("primary_uses", [])) or PLACEHOLDER,
        *users,
        "### Out-of-Scope Use",
        _bullets(use.get("out_of_scope", [])) or PLACEHOLDER,
    ]


def _risks_part(data: Data) -> list[str]:
    considerations = [
        bullet(escaped(entry["risk"]))
        + ("\n" + bullet(f"*Mitigation:* {escaped(entry['mitigation'])}", "  ") if entry.get("mitigation") else "")
        for entry in data.get("ethical_considerations", [])
    ]
    risks = ["### Risks and Mitigations", "\n".join(considerations)] if considerations else []
    return [
        "## Bias, Risks, and Limitations",
        _bullets(data.get("limitations", [])) or PLACEHOLDER,
        *risks,
        "### Recommendations",
        _bullets(data.get("caveats_and_recommendations", [])) or PLACEHOLDER,
    ]


def _training_part(data: Data) -> list[str]:
    return [
        "## Training Details",
        "### Training Data",
        *(_datasets(data.get("training_data", []), level=4) or [PLACEHOLDER]),
    ]


def _evaluation_part(data: Data) -> list[str]:
    factors = data.get("factors", {})
    factor_parts = [
        part
        for label, key in (("Relevant factors", "relevant"), ("Evaluation factors", "evaluation"))
        if factors.get(key)
        for part in (f"**{label}:**", _bullets(factors[key]))
    ]
    metrics = data.get("metrics", [])
    return [
        "## Evaluation",
        "### Testing Data, Factors & Metrics",
        "#### Testing Data",
        *(_datasets(data.get("evaluation_data", []), level=5) or [PLACEHOLDER]),
        "#### Factors",
        *(factor_parts or [PLACEHOLDER]),
        "#### Metrics",
        _bullets(unique(str(metric["name"]) for metric in metrics)) or PLACEHOLDER,
        "### Results",
        _results_table(metrics) if metrics else PLACEHOLDER,
    ]


def _environment_part(data: Data) -> list[str]:
    impact = data.get("environmental_impact", {})
    co2 = impact.get("co2_eq_kg")
    facts = _facts(
        [
            ("Hardware Type", impact.get("hardware")),
            ("Hours used", number_text(impact.get("hours"))),
            ("Compute Region", impact.get("region")),
            ("Carbon Emitted", f"{number_text(co2)} kg CO2eq" if co2 is not None else None),
        ]
    )
    return ["## Environmental Impact", facts or PLACEHOLDER]


def _technical_part(data: Data) -> list[str]:
    details = data.get("model_details", {})
    parameters = details.get("parameters")
    specs = _facts(
        [
            ("Parameters", f"{parameters:,}" if isinstance(parameters, int) else None),
            ("Input format", details.get("input_format")),
            ("Output format", details.get("output_format")),
        ]
    )
    software = _facts([("Framework", details.get("framework"))])
    return [
        "## Technical Specifications",
        "### Model Architecture and Objective",
        specs or PLACEHOLDER,
        "### Compute Infrastructure",
        "#### Software",
        software or PLACEHOLDER,
    ]


def _citation_part(data: Data) -> list[str]:
    """The citation: its BibTeX (from the first line starting with ``@``) in a code block, text before it as text."""
    citation = str(data.get("model_details", {}).get("citation", "")).strip()
    if not citation:
        return ["## Citation", PLACEHOLDER]
    text, bibtex = ("", citation) if citation.startswith("@") else citation.partition("\n\n@")[::2]
    if text and bibtex:
        bibtex = "@" + bibtex
    if not bibtex:
        return ["## Citation", escaped(citation, block=True)]
    return ["## Citation", escaped(text, block=True) if text else "", "**BibTeX:**", code_block(bibtex, "bibtex")]


def _more_information_part(data: Data) -> list[str]:
    """Approvals and an organisation's own fields: not Hub concepts, but part of the card."""
    approvals = [
        f"- {escaped(entry['approver'])} ({escaped(entry['role'])}), {entry['date']}, content digest `{entry['digest']}`"
        + (", SSH-signed" if entry.get("signature") else "")
        for entry in data.get("approvals", [])
    ]
    extra = {key: value for key, value in data.items() if key not in card_schema().fields}
    parts = ["### Approvals", "\n".join(approvals)] if approvals else []
    if extra:
        extra_yaml = yaml.dump(extra, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
        parts += ["### Additional information", code_block(extra_yaml, "yaml")]
    return ["## More Information", *parts] if parts else []


def _datasets(datasets: list[Data], level: int) -> list[str]:
    parts: list[str] = []
    for entry in datasets:
        sensitive = entry.get("sensitive_data")
        parts += [
            f"{'#' * level} {escaped(entry['name'])}",
            escaped(str(entry.get("description", "")).strip(), block=True),
            _facts(
                [
                    ("Size", entry.get("size")),
                    (
                        "Sensitive data",
                        {True: "yes", False: "no"}.get(sensitive, sensitive) if sensitive is not None else None,
                    ),
                    ("Link", destination(entry["link"]) if entry.get("link") else None),
                ]
            ),
        ]
    return parts


def _results_table(metrics: list[Data]) -> str:
    rows = [RESULT_COLUMNS, ("---",) * len(RESULT_COLUMNS)]
    for metric in metrics:
        interval = metric.get("confidence_interval")
        rows.append(
            (
                metric["name"],
                metric.get("dataset", ""),
                metric.get("slice", ""),
                number_text(metric["value"]),
                metric.get("unit", ""),
                f"{number_text(interval[0])} – {number_text(interval[1])}" if interval else "",
                number_text(metric.get("threshold")),
                "yes" if metric.get("higher_is_better", True) else "no",
            )
        )
    return "\n".join("| " + " | ".join(table_cell(value) for value in row) + " |" for row in rows)


def _ends_in_list(markdown: str) -> bool:
    """Whether a list ends the text, which a list of facts written after it would continue."""
    if not may_hold_list(markdown):
        return False
    top = [token for token in parse_blocks(markdown) if token.level == 0 and token.nesting != -1]
    return bool(top) and top[-1].type in ("bullet_list_open", "ordered_list_open")


def _developers(data: Data) -> str:
    owners = data.get("owners", [])
    teams = unique(str(owner["team"]) for owner in owners if owner.get("team"))
    return ", ".join(f"{team} team" for team in teams) or ", ".join(str(owner["name"]) for owner in owners)


def _contacts(data: Data) -> str:
    return "\n".join(
        f"- **{escaped(owner['name'])}**"
        + (f" ({escaped(owner['team'])})" if owner.get("team") else "")
        + f": {email_text(str(owner['email']))}"
        for owner in data.get("owners", [])
    )


def _facts(pairs: list[tuple[str, Any]]) -> str:
    """``- **Label:** value`` lines, the Hub template's way of writing single values."""
    return "\n".join(bullet(f"**{label}:** {escaped(value)}") for label, value in pairs if value not in (None, ""))


def _bullets(items: Iterable[Any]) -> str:
    """Plain-text items as a Markdown list (escaped: a card's plain text is never read as Markdown)."""
    return "\n".join(bullet(escaped(item)) for item in items)
