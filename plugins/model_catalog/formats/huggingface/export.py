"""A card as a Hugging Face model card (``README.md``).

A Hub card is YAML front matter, which the Hub indexes (license, task, base
model, evaluation results as ``model-index``), followed by Markdown laid out
like the Hub's default template. :func:`to_huggingface` fills both from a
card; the reverse is :mod:`model_catalog.formats.huggingface.importer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from model_catalog.cards.model import Card
from model_catalog.cards.values import plain
from model_catalog.formats.huggingface.hub import (
    HUB_LICENSES,
    HUB_TASKS,
    LANGUAGE_TAGS,
    PLACEHOLDER,
    RESULT_COLUMNS,
    UNSPECIFIED,
    Data,
    card_schema,
    slug_of,
    unique,
)
from model_catalog.formats.huggingface.markdown import (
    bullet,
    code_block,
    demote,
    destination,
    email_text,
    ends_in_list,
    escaped,
    number_text,
    table_cell,
)

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it: the pure-Python one is most of an export's cost."""


def to_huggingface(card: Card) -> str:
    """The card as a Hub README.md: front matter for the Hub's search and leaderboards, the rest as Markdown."""
    data = plain(card.data)
    front = yaml.dump(_front_matter(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n\n{_body(data)}"


def _front_matter(data: Data) -> Data:
    """The Hub metadata of a card (its data as plain values)."""
    meta: Data = {}
    languages = _languages(data)
    if languages:
        meta["language"] = languages
    meta.update(_hub_license(data.get("license")))
    base_model = data.get("model_details", {}).get("base_model")
    if base_model:
        meta["base_model"] = str(base_model).partition("@")[0]
    if data.get("task") in HUB_TASKS:
        meta["pipeline_tag"] = data["task"]
    if data.get("tags"):
        meta["tags"] = list(data["tags"])
    datasets = unique(entry["name"] for entry in [*data.get("training_data", []), *data.get("evaluation_data", [])])
    if datasets:
        meta["datasets"] = datasets
    if data.get("metrics"):
        meta["model-index"] = [{"name": data["name"], "results": _hub_results(data)}]
    return meta


def _languages(data: Data) -> list[str]:
    return unique(LANGUAGE_TAGS[tag.lower()] for tag in data.get("tags", []) if tag.lower() in LANGUAGE_TAGS)


def _hub_license(license: str | None) -> Data:
    """``apache-2.0`` where the Hub knows the SPDX id; ``other`` with a ``license_name`` otherwise."""
    if not license:
        return {}
    if license.lower() in HUB_LICENSES:
        return {"license": license.lower()}
    return {"license": "other", "license_name": re.sub(r"[^a-z0-9.]+", "-", license.lower()).strip("-")}


def _hub_results(data: Data) -> list[Data]:
    """``model-index`` results, one per data set, so each card metric is one Hub eval result."""
    groups: dict[str, list[Data]] = {}
    for metric in data.get("metrics", []):
        entry = {"type": metric["name"], "value": metric["value"]}
        if metric.get("slice"):
            entry["name"] = f"{metric['name']} ({metric['slice']})"
        groups.setdefault(metric.get("dataset") or UNSPECIFIED, []).append(entry)
    task = data.get("task") or "other"
    return [
        {"task": {"type": task}, "dataset": {"name": name, "type": slug_of(name) or UNSPECIFIED}, "metrics": metrics}
        for name, metrics in groups.items()
    ]


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
            ("Language(s) (NLP)", ", ".join(_languages(data))),
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
    description = demote(data.get("description", ""))
    separator = "<!-- Model facts -->" if facts and ends_in_list(description) else ""
    return [
        "## Model Details",
        "### Model Description",
        description or PLACEHOLDER,
        separator,
        facts,
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
    citation = str(data.get("model_details", {}).get("citation", "")).strip()
    if not citation:
        return ["## Citation", PLACEHOLDER]
    if citation.startswith("@"):
        return ["## Citation", "**BibTeX:**", code_block(citation, "bibtex")]
    return ["## Citation", escaped(citation, block=True)]


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
