"""A card as a Hugging Face model card (``README.md``), and what the Hub format shares with the importer.

A Hub card is YAML front matter, which the Hub indexes (license, task, base
model, evaluation results as ``model-index``), followed by Markdown laid out
like the Hub's default template. :func:`to_huggingface` fills both from a
card; the reverse is :mod:`model_catalog.formats.huggingface_import`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import yaml

from model_catalog.cards.model import Card
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.values import plain

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it: the pure-Python one is most of an export's cost."""

Data = dict[str, Any]

HUB_TASKS = frozenset(
    {
        "text-classification",
        "token-classification",
        "table-question-answering",
        "question-answering",
        "zero-shot-classification",
        "translation",
        "summarization",
        "feature-extraction",
        "text-generation",
        "text2text-generation",
        "fill-mask",
        "sentence-similarity",
        "text-to-speech",
        "text-to-audio",
        "automatic-speech-recognition",
        "audio-to-audio",
        "audio-classification",
        "audio-text-to-text",
        "voice-activity-detection",
        "depth-estimation",
        "image-classification",
        "object-detection",
        "image-segmentation",
        "text-to-image",
        "image-to-text",
        "image-to-image",
        "image-to-video",
        "unconditional-image-generation",
        "video-classification",
        "reinforcement-learning",
        "robotics",
        "tabular-classification",
        "tabular-regression",
        "tabular-to-text",
        "table-to-text",
        "multiple-choice",
        "text-ranking",
        "text-retrieval",
        "time-series-forecasting",
        "text-to-video",
        "image-text-to-text",
        "visual-question-answering",
        "document-question-answering",
        "zero-shot-image-classification",
        "graph-ml",
        "mask-generation",
        "zero-shot-object-detection",
        "text-to-3d",
        "image-to-3d",
        "image-feature-extraction",
        "video-text-to-text",
        "keypoint-detection",
        "visual-document-retrieval",
        "any-to-any",
        "other",
    }
)
"""Pipeline tags the Hub knows (huggingface.js ``PIPELINE_DATA``)."""

HUB_LICENSES = frozenset(
    {
        "apache-2.0",
        "mit",
        "openrail",
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "afl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "c-uda",
        "cc",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cdla-sharing-1.0",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "wtfpl",
        "ecl-2.0",
        "epl-1.0",
        "epl-2.0",
        "etalab-2.0",
        "eupl-1.1",
        "eupl-1.2",
        "agpl-3.0",
        "gfdl",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "isc",
        "lppl-1.3c",
        "ms-pl",
        "mpl-2.0",
        "odc-by",
        "odbl",
        "osl-3.0",
        "postgresql",
        "ofl-1.1",
        "ncsa",
        "unlicense",
        "zlib",
        "pddl",
    }
)
"""License ids the Hub accepts in ``license:`` that are also SPDX identifiers; others become ``other``."""

LANGUAGE_TAGS = {
    "english": "en",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "dutch": "nl",
    "polish": "pl",
    "portuguese": "pt",
    "swedish": "sv",
    "danish": "da",
    "finnish": "fi",
    "czech": "cs",
    "japanese": "ja",
    "chinese": "zh",
    "korean": "ko",
    "arabic": "ar",
    "multilingual": "multilingual",
}
"""Tags that name a language outright; cards have no language field, so these are the only honest source."""

PLACEHOLDER = "[More Information Needed]"
UNSPECIFIED = "unspecified"
IMPORTED_HEADING = "### Imported from the Hugging Face card"
RESULT_COLUMNS = ("Metric", "Dataset", "Slice", "Value", "Unit", "Confidence interval", "Threshold", "Higher is better")
TEMPLATE_BOILERPLATE = (
    "users (both direct and downstream) should be made aware of the risks, biases and limitations",
    "carbon emissions can be estimated using the [machine learning impact calculator]",
    "use the code below to get started with the model",
)
"""Sentences the Hub's template writes whatever the model; they carry no information."""

_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ITEM = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")


# --- export ---------------------------------------------------------------------------------------


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
    datasets = _unique(entry["name"] for entry in [*data.get("training_data", []), *data.get("evaluation_data", [])])
    if datasets:
        meta["datasets"] = datasets
    if data.get("metrics"):
        meta["model-index"] = [{"name": data["name"], "results": _hub_results(data)}]
    return meta


def _languages(data: Data) -> list[str]:
    return _unique(LANGUAGE_TAGS[tag.lower()] for tag in data.get("tags", []) if tag.lower() in LANGUAGE_TAGS)


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
        {"task": {"type": task}, "dataset": {"name": name, "type": _slug(name) or UNSPECIFIED}, "metrics": metrics}
        for name, metrics in groups.items()
    ]


def _body(data: Data) -> str:
    parts = [
        f"# Model Card for {_text(data['name'])}",
        _text(data.get("summary", ""), block=True),
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
    links = "\n".join(f"- [{_text(link['title'])}]({_destination(link['url'])})" for link in data.get("links", []))
    description = _demote(data.get("description", ""))
    separator = "<!-- Model facts -->" if facts and _ends_in_list(description) else ""
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
        _bullet(_text(entry["risk"]))
        + ("\n" + _bullet(f"*Mitigation:* {_text(entry['mitigation'])}", "  ") if entry.get("mitigation") else "")
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
        _bullets(_unique(str(metric["name"]) for metric in metrics)) or PLACEHOLDER,
        "### Results",
        _results_table(metrics) if metrics else PLACEHOLDER,
    ]


def _environment_part(data: Data) -> list[str]:
    impact = data.get("environmental_impact", {})
    co2 = impact.get("co2_eq_kg")
    facts = _facts(
        [
            ("Hardware Type", impact.get("hardware")),
            ("Hours used", _number_text(impact.get("hours"))),
            ("Compute Region", impact.get("region")),
            ("Carbon Emitted", f"{_number_text(co2)} kg CO2eq" if co2 is not None else None),
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
        return ["## Citation", "**BibTeX:**", _code(citation, "bibtex")]
    return ["## Citation", _text(citation, block=True)]


def _more_information_part(data: Data) -> list[str]:
    """Approvals and an organisation's own fields: not Hub concepts, but part of the card."""
    approvals = [
        f"- {_text(entry['approver'])} ({_text(entry['role'])}), {entry['date']}, content digest `{entry['digest']}`"
        + (", SSH-signed" if entry.get("signature") else "")
        for entry in data.get("approvals", [])
    ]
    extra = {key: value for key, value in data.items() if key not in _schema().fields}
    parts = ["### Approvals", "\n".join(approvals)] if approvals else []
    if extra:
        extra_yaml = yaml.dump(extra, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
        parts += ["### Additional information", _code(extra_yaml, "yaml")]
    return ["## More Information", *parts] if parts else []


def _datasets(datasets: list[Data], level: int) -> list[str]:
    parts: list[str] = []
    for entry in datasets:
        sensitive = entry.get("sensitive_data")
        parts += [
            f"{'#' * level} {_text(entry['name'])}",
            _text(str(entry.get("description", "")).strip(), block=True),
            _facts(
                [
                    ("Size", entry.get("size")),
                    (
                        "Sensitive data",
                        {True: "yes", False: "no"}.get(sensitive, sensitive) if sensitive is not None else None,
                    ),
                    ("Link", _destination(entry["link"]) if entry.get("link") else None),
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
                _number_text(metric["value"]),
                metric.get("unit", ""),
                f"{_number_text(interval[0])} – {_number_text(interval[1])}" if interval else "",
                _number_text(metric.get("threshold")),
                "yes" if metric.get("higher_is_better", True) else "no",
            )
        )
    return "\n".join("| " + " | ".join(_cell(value) for value in row) + " |" for row in rows)


def _developers(data: Data) -> str:
    owners = data.get("owners", [])
    teams = _unique(str(owner["team"]) for owner in owners if owner.get("team"))
    return ", ".join(f"{team} team" for team in teams) or ", ".join(str(owner["name"]) for owner in owners)


def _contacts(data: Data) -> str:
    return "\n".join(
        f"- **{_text(owner['name'])}**"
        + (f" ({_text(owner['team'])})" if owner.get("team") else "")
        + f": {_email(str(owner['email']))}"
        for owner in data.get("owners", [])
    )


def _facts(pairs: list[tuple[str, Any]]) -> str:
    """``- **Label:** value`` lines, the Hub template's way of writing single values."""
    return "\n".join(_bullet(f"**{label}:** {_text(value)}") for label, value in pairs if value not in (None, ""))


def _bullets(items: Iterable[Any]) -> str:
    """Plain-text items as a Markdown list (escaped: a card's plain text is never read as Markdown)."""
    return "\n".join(_bullet(_text(item)) for item in items)


def _bullet(text: str, indent: str = "") -> str:
    lines = text.strip().splitlines() or [""]
    rest = [f"{indent}  {line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"{indent}- {lines[0]}", *rest])


def _code(text: str, language: str) -> str:
    """A fenced block whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def _demote(markdown: str) -> str:
    """The description with its headings moved below ``### Model Description`` so they stay inside it."""
    lines = markdown.strip().splitlines()
    prose = _unfenced(lines)
    levels = [len(match.group(2)) for index in prose if (match := _ATX.match(lines[index]))]
    shift = max(0, 4 - min(levels, default=4))

    def deeper(match: re.Match[str]) -> str:
        return match.group(1) + "#" * min(6, len(match.group(2)) + shift)

    return "\n".join(_ATX.sub(deeper, line) if shift and index in prose else line for index, line in enumerate(lines))


def _unfenced(lines: list[str]) -> set[int]:
    """Indexes of the lines outside fenced code blocks."""
    found, fence = set(), ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1).startswith(fence) and not opened.group(2).strip():
                fence = ""
        elif opened:
            fence = opened.group(1)
        else:
            found.add(index)
    return found


def _ends_in_list(markdown: str) -> bool:
    lines = [line for line in markdown.splitlines() if line.strip()]
    return bool(lines) and bool(_ITEM.match(lines[-1]) or lines[-1].startswith((" ", "\t")))


def _cell(value: Any) -> str:
    return _text(str(value).replace("\n", " "))


_INLINE_MARKUP = re.compile(r"[\\`*\[\]<>#|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
"""What CommonMark could read as markup inside a line: emphasis, code, links, HTML, entities, table cells.
(An underscore between letters or digits never is: ``roc_auc`` stays as it is.)"""
_LIST_OR_RULE = re.compile(r"^[-+=]")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def _text(value: Any, *, block: bool = False) -> str:
    """Plain text as Markdown that renders to exactly that text: markup characters backslash-escaped, and each
    line that would start a list, a rule or a setext heading escaped at its start (the first line too when the
    text starts a line of its own, ``block``). A card's plain fields hold text: a name such as
    ``A\n---\n<script>`` must not become a heading or HTML in the README."""
    lines = []
    for index, line in enumerate(str(value).splitlines() or [""]):
        line = _INLINE_MARKUP.sub(lambda match: "\\" + match[0], line.strip())
        if index or block:
            line = _ORDERED.sub(lambda m: f"{m[1]}\\{m[2]}", _LIST_OR_RULE.sub(lambda m: "\\" + m[0], line))
        lines.append(line)
    return "\n".join(lines)


def _destination(url: str) -> str:
    """A link's URL as a Markdown link destination: the characters that would end it escaped."""
    return re.sub(r"([()<>\\])", r"\\\1", url)


_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _email(address: str) -> str:
    """An owner's address as an autolink when it is a plain one, else as escaped text."""
    return f"<{address}>" if _PLAIN_EMAIL.fullmatch(address) else _text(address)


def _number_text(value: Any) -> str:
    """Exact text of a number (``repr`` of floats round-trips), so the body loses no digits."""
    if value is None or isinstance(value, bool):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _slug(text: str, limit: int = 63) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


@lru_cache(maxsize=1)
def _schema() -> CardSchema:
    return CardSchema.load()


# --- import: reading Markdown ---------------------------------------------------------------------
