"""What the Hugging Face Hub's card format fixes: its task and licence ids, the metrics for which less is better,
the default template's text, and the names both directions share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from model_catalog.cards.schema import CardSchema

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

LOWER_IS_BETTER = frozenset(
    {
        "wer",
        "cer",
        "ter",
        "loss",
        "eval_loss",
        "validation_loss",
        "test_loss",
        "perplexity",
        "ppl",
        "mae",
        "mse",
        "rmse",
        "mape",
        "smape",
        "log_loss",
        "logloss",
        "brier_score",
        "error_rate",
        "error",
        "fid",
        "kid",
        "lpips",
        "eer",
        "der",
        "false_positive_rate",
        "false_negative_rate",
        "latency",
        "latency_p50",
        "latency_p95",
        "latency_p99",
        "bits_per_byte",
        "bpb",
        "bpc",
        "hamming_loss",
    }
)
"""Metrics (the Hub's metric types) for which a smaller value is better: an import sets ``higher_is_better: false``."""

PLACEHOLDER = "[More Information Needed]"

UNSPECIFIED = "unspecified"

IMPORTED_HEADING = "#### Imported from the Hugging Face card"
"""Above what an import keeps in the description; at level 4, where an export's Model Description puts it."""

RESULT_COLUMNS = ("Metric", "Dataset", "Slice", "Value", "Unit", "Confidence interval", "Threshold", "Higher is better")

TEMPLATE_BOILERPLATE = (
    "users (both direct and downstream) should be made aware of the risks, biases and limitations",
    "carbon emissions can be estimated using the [machine learning impact calculator]",
    "use the code below to get started with the model",
)
"""Sentences the Hub's template writes whatever the model; they carry no information."""


def hub_license(license: str | None) -> Data:
    """A card's license as the Hub writes it: ``apache-2.0`` where the Hub knows the SPDX id, ``other`` with a
    ``license_name`` otherwise."""
    if not license:
        return {}
    if license.lower() in HUB_LICENSES:
        return {"license": license.lower()}
    return {"license": "other", "license_name": re.sub(r"[^a-z0-9.]+", "-", license.lower()).strip("-")}


def unique(values: Iterable[str]) -> list[str]:
    """``values`` without repeats, in their order."""
    return list(dict.fromkeys(values))


def slug_of(text: str, limit: int = 63) -> str:
    """``text`` as a lowercase slug of ASCII letters, digits and hyphens (a Hub dataset type, a card id)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


@lru_cache(maxsize=1)
def card_schema() -> CardSchema:
    """The built-in card schema: what an import fills in, and what an export knows as the card's own fields."""
    return CardSchema.load()
