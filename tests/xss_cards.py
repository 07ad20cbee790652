"""The XSS corpus (tests/data/xss-payloads.txt) in cards: one card per payload (the XSS browser test), or the versions
of one model (the compare pages' tests: the page of a model's versions holds every version's text in a script
element, and the page of models fetches it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers import DATA, card, write_site

PAYLOADS = [line for line in (DATA / "xss-payloads.txt").read_text().splitlines() if line]
MODEL = "xss"


def version_of(index: int) -> str:
    return f"{index + 1}.0"


def hostile_card(card_id: str, version: str, payload: str) -> dict[str, Any]:
    """A draft whose every free-text field holds ``payload`` (cut to the field's length limit)."""
    short = payload[:60]
    return {
        "id": card_id,
        "name": payload[:120],
        "version": version,
        "status": "draft",
        "summary": payload,
        "description": f"Before. {payload} After.\n\n- {payload}\n\n**{payload}**",
        "owners": [{"name": payload, "email": "ada@example.com", "team": short}],
        "task": payload[:80],
        "tags": [short, "xss"],
        "license": "MIT",
        "risk_tier": "low",
        "model_details": {
            "architecture": payload,
            "framework": payload,
            "input_format": payload,
            "output_format": payload,
            "citation": payload,
        },
        "intended_use": {"primary_uses": [payload], "primary_users": [payload], "out_of_scope": [payload]},
        "factors": {"relevant": [payload], "evaluation": [payload]},
        "metrics": [
            {
                "name": payload[:80],
                "value": 0.5,
                "slice": payload,
                "dataset": payload,
                "confidence_interval": [0.4, 0.6],
                "threshold": 0.45,
                "unit": "fraction",
            },
            {"name": payload[:80], "value": 0.7, "slice": "other", "dataset": payload},
        ],
        "training_data": [{"name": payload, "description": payload, "size": payload, "sensitive_data": payload}],
        "evaluation_data": [{"name": payload, "description": payload, "link": "https://example.com/data"}],
        "ethical_considerations": [{"risk": payload, "mitigation": payload}],
        "limitations": [payload],
        "caveats_and_recommendations": [payload],
        "environmental_impact": {"hardware": payload, "region": payload, "hours": 1},
        "links": [{"title": payload, "url": "https://example.com/?q=%3Cscript%3E"}],
    }


def hostile_version(index: int, payload: str) -> dict[str, Any]:
    """Version ``index`` of the model ``xss``, holding ``payload``."""
    return hostile_card(MODEL, version_of(index), payload)


def write_hostile_site(root: Path) -> Path:
    """A site whose model ``xss`` has a version per payload, beside a second model (the page of models needs two),
    drafts shown; returns ``root``."""
    cards = {"other/1.0.yaml": card(id="other", name="Other")} | {
        f"{MODEL}/{version_of(i)}.yaml": yaml.safe_dump(hostile_version(i, p), allow_unicode=True, sort_keys=False)
        for i, p in enumerate(PAYLOADS)
    }
    return write_site(root, cards, plugin_options="cards_dir: cards\nshow_drafts: true")
