"""What is made of one MLflow run while it is mapped: the draft, and the facts and sections kept for its description.

Every mapping module writes into :class:`RunDraft`; :func:`describe` puts what was kept under one heading last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from model_catalog.formats.importing import ImportedDraft

IMPORTED_HEADING = "### Imported from the MLflow run"


_MARKUP = re.compile(r"[\\`*\[\]<>#|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
"""What Markdown could read as markup inside a line (an underscore between letters or digits never is)."""


@dataclass
class RunDraft:
    """What is being made of one run: the card's fields, the facts and sections kept for its description."""

    draft: ImportedDraft
    tracking_uri: str
    run_user: str = ""
    facts: list[str] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        return self.draft.data

    def fact(self, label: str, markdown: str) -> None:
        self.facts.append(f"- **{label}:** {markdown}")

    def section(self, heading: str, markdown: str) -> None:
        if markdown.strip():
            self.sections.append((heading, markdown.strip()))


def escaped(value: Any) -> str:
    """Text as Markdown that renders as that text, on one line: the run's values are its user's, and may hold
    markup or line breaks that would end a table row or a list item."""
    text = _MARKUP.sub(lambda match: "\\" + match[0], str(value).strip())
    return "<br>".join(line.strip() for line in text.splitlines()) if "\n" in text or "\r" in text else text


def describe(state: RunDraft) -> None:
    """The description: the run's own, then everything kept, under a heading of its own."""
    parts = [IMPORTED_HEADING, "\n".join(state.facts)]
    parts.extend(f"#### {heading}\n\n{markdown}" for heading, markdown in state.sections)
    kept = "\n\n".join(part for part in parts if part)
    note = state.data.get("description")
    state.data["description"] = f"{note}\n\n{kept}" if note else kept
