"""Model Card Toolkit files as draft cards: JSON (schema v0.0.1 or v0.0.2) or the ModelCard message as protobuf text.

The Model Card Toolkit (MCT, ``tensorflow/model-card-toolkit``) writes a card as JSON or, through protobuf's
``text_format``, as the text of its ``ModelCard`` message (read by ``prototext.py``). :func:`import_mct` reads
either into one draft, whose sections ``sections.py`` maps. Both JSON schema versions are read whatever
``schema_version`` says (files in the wild mix them: v0.0.2 files with v0.0.1's ``citation``), and a value of the
wrong type is reported, never fatal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from model_catalog.formats.drafting import Data, DraftBuilder, fields_of
from model_catalog.formats.fitting import kind_of
from model_catalog.formats.importing import ImportedDraft, ImportRefused, refuse_other_format, sniff_format
from model_catalog.formats.mct.prototext import ProtoTextError, read_proto_text
from model_catalog.formats.mct.sections import SectionReader

ORIGIN = "Model Card Toolkit file"

TOP_FIELDS = ("schema_version", "model_details", "model_parameters", "quantitative_analysis", "considerations")

_PROTO_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*[:{<\[]")


def import_mct(text: str, name: str) -> list[ImportedDraft]:
    """The draft in a Model Card Toolkit file (JSON or proto text), for ``model-catalog import mct``; a file of
    another format is refused, naming the importer that reads it, and bad JSON or proto text with its line and
    column."""
    return [from_mct(read_mct(text, name), name)]


def read_mct(text: str, name: str) -> Data:
    """The card in an MCT file as data (proto text as its v0.0.2 JSON would be); :class:`ImportRefused` when it
    is not one, with the line and column of what is wrong."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            value = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise ImportRefused(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise ImportRefused(f"{name}: not read: its JSON is nested too deeply") from None
        if not isinstance(value, dict):
            raise ImportRefused(f"{name}: not a Model Card Toolkit file: its JSON is {kind_of(value)}, not an object")
        if not set(value) & set(TOP_FIELDS[1:]):
            if sniff_format(stripped) not in (None, "mct"):
                refuse_other_format(stripped, name, "mct")
            raise ImportRefused(f"{name}: not a Model Card Toolkit file: it has none of {', '.join(TOP_FIELDS[1:])}")
        return value
    if stripped.startswith("---") or not _looks_like_proto_text(stripped):
        refuse_other_format(text, name, "mct")
    try:
        card = read_proto_text(text)
    except ProtoTextError as exc:
        raise ImportRefused(
            f"{name}:{exc.line}:{exc.column}: not a ModelCard in protobuf text format: {exc.message}"
        ) from None
    if not card:
        raise ImportRefused(f"{name}: empty: no field of a Model Card Toolkit card")
    return card


def _looks_like_proto_text(text: str) -> bool:
    """Whether the first line that is not a comment starts like a field of protobuf text (``name {``, ``name:``)."""
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            return bool(_PROTO_FIELD.match(line))
    return True  # only comments: read as an empty message, refused as empty


def from_mct(card: Data, name: str) -> ImportedDraft:
    """A draft card from MCT data: every field mapped, kept in the description, or dropped with a reason."""
    builder = DraftBuilder(name, ORIGIN)
    reader = SectionReader(builder)
    for key, path, value in fields_of(builder, "", card, "Other fields"):
        section = reader.sections.get(key)
        if section is not None:
            section(path, value)
        else:
            builder.keep(path, value, "Other fields", "not a field of the Model Card Toolkit schema")
    return builder.finish([str(builder.data.get("name", "")), Path(name).stem])
