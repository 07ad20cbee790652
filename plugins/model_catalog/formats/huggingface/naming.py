"""The model's name and where its id can come from: the card's own repository id first, then its names, then the
file's name, so that thirty cards imported together do not all become ``imported-model``."""

from __future__ import annotations

import re
from pathlib import PurePath

from model_catalog.formats.huggingface.draft import Draft
from model_catalog.formats.huggingface.hub import slug_of, unique
from model_catalog.formats.huggingface.limits import cut_line

_HUB_LINK = re.compile(
    r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/)([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)"
)

_QUOTED_ID = re.compile(r"[\"']([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)[\"']")

_NO_NAMES = frozenset({"model id", "{{ model_id }}", "model_id", "no_model_name_available", "model", "readme"})

_GENERIC_FILES = frozenset({"readme", "modelcard", "model_card", "index"})


def settle_name(draft: Draft, body: str, file_name: str) -> list[str]:
    """Set ``name`` (cut at a safe place if longer than 120 characters); return the id hints, best first."""
    model_name = draft.meta.get("model_name")
    model_name = model_name.strip() if isinstance(model_name, str) and "\n" not in model_name else ""
    names = [name for name in unique([draft.title, model_name, *draft.index_names]) if _usable(name)]
    from_file = _file_name(file_name)
    repo = _repo_id(draft, body, [*names, from_file])
    name = names[0] if names else repo or from_file or "Imported model"
    if not names:
        draft.place("(the card's names)", "dropped", "", f"the card names no model; `name` is {name!r}, change it")
    if len(name) > 120:
        short = cut_line(name, 120)
        draft.keep("Model name", "the model's name", name, f"longer than 120 characters: `name` is cut to {short!r}")
        name = short
    draft.data["name"] = name
    return [hint for hint in unique([repo, model_name, *draft.index_names, draft.title, from_file]) if hint]


def _usable(name: str) -> bool:
    return bool(name.strip()) and name.strip().lower() not in _NO_NAMES


def _file_name(file_name: str) -> str:
    """The file's stem, or its folder's name for a ``README.md``."""
    path = PurePath(file_name)
    stem = path.stem
    if stem.lower() in _GENERIC_FILES and path.parent.name not in ("", ".", ".."):
        return path.parent.name
    return stem if stem.lower() not in _GENERIC_FILES else ""


def _repo_id(draft: Draft, body: str, names: list[str]) -> str:
    """The card's own ``org/name``: its model_name or title if it is one, else a Hub link or a quoted id in its
    body whose name is the model's (a link to another model is no id of this one)."""
    candidates = [*draft.repo_ids, *(name for name in names if re.fullmatch(r"[\w.-]+/[\w.-]+", name))]
    if candidates:
        return candidates[0]
    wanted = {slug_of(name.rsplit("/", 1)[-1]) for name in names} - {""}
    for pattern in (_HUB_LINK, _QUOTED_ID):
        for match in pattern.finditer(body):
            found = match.group(1).rstrip(".")
            if slug_of(found.rsplit("/", 1)[-1]) in wanted:
                return found
    return ""
