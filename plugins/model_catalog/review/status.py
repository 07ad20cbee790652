"""The review state of each card version as one row: what `model-catalog status` prints, as text or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from model_catalog.cards.model import Card, version_key
from model_catalog.review.gate import ReviewState


@dataclass(frozen=True)
class InvalidApproval:
    """An entry of a card's ``approvals`` that does not count, and why."""

    index: int
    approver: str
    role: str
    problem: str | None


@dataclass(frozen=True)
class StatusRow:
    """One card version: its review state, what its risk tier needs and what it still lacks."""

    file: str
    id: str
    version: str
    status: str
    risk_tier: str | None
    review: str
    """``draft``, ``approvals missing``, ``review overdue`` or ``approved``."""
    required_roles: list[str] = field(default_factory=list)
    approved_roles: list[str] = field(default_factory=list)
    missing_roles: list[str] = field(default_factory=list)
    invalid_approvals: list[InvalidApproval] = field(default_factory=list)
    review_due: str | None = None

    def text(self) -> str:
        """The row as one line: ``fraud 1.0 | in_review | risk medium | review: approvals missing | ...``."""
        parts = [f"{self.id} {self.version}", self.status, f"risk {self.risk_tier or '-'}", f"review: {self.review}"]
        if self.required_roles:
            parts.append(
                f"approved {len(self.approved_roles)}/{len(self.required_roles)}"
                f" ({', '.join(self.approved_roles) or 'none'})"
            )
        if self.missing_roles:
            parts.append("missing " + ", ".join(self.missing_roles))
        parts += [f"invalid approvals[{bad.index}] by {bad.approver}: {bad.problem}" for bad in self.invalid_approvals]
        if self.review_due:
            parts.append(f"review due {self.review_due}")
        return " | ".join(parts)


def status_rows(cards: list[Card], reviews: dict[tuple[str, str], ReviewState]) -> list[StatusRow]:
    """A row per card version, by model id and version."""
    rows = []
    for card in sorted(cards, key=lambda c: (c.id, version_key(c.version))):
        state = reviews[card.key]
        counted = sorted({check.role for check in state.checks if check.counts and check.role in state.required_roles})
        risk = card.data.get("risk_tier")
        rows.append(
            StatusRow(
                file=card.source,
                id=card.id,
                version=card.version,
                status=card.status,
                risk_tier=str(risk) if risk is not None else None,
                review=state.label,
                required_roles=list(state.required_roles),
                approved_roles=counted,
                missing_roles=state.missing_roles if state.checked else [],
                invalid_approvals=[InvalidApproval(c.index, c.approver, c.role, c.problem) for c in state.invalid],
                review_due=state.review_due.isoformat() if state.review_due else None,
            )
        )
    return rows
