"""The run's own record into the card: its name, version and registration, dates, links, note and other models.

These are what the run's info and the model registry say of it, apart from its metrics, tags, data and models.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from model_catalog.formats.mlflow.draft import RunDraft, escaped
from model_catalog.formats.mlflow.store import LoggedModel, public_uri

_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
"""The card format's version rule (``data/card.schema.yaml``)."""


def _generated_run_name(name: str) -> bool:
    """Whether ``name`` is one MLflow made up for a run with none (``gentle-hawk-123``): no name for a model."""
    match = re.fullmatch(r"([a-z]+)-([a-z]+)-(\d{1,6})", name)
    if not match:
        return False
    try:
        from mlflow.utils.name_utils import _GENERATOR_NOUNS, _GENERATOR_PREDICATES
    except ImportError:  # private to MLflow: without it, every run name is taken as given
        return False
    return match[1] in _GENERATOR_PREDICATES and match[2] in _GENERATOR_NOUNS


def map_name(state: RunDraft, info: Any, tags: dict[str, str], experiment: str, version: Any) -> None:
    run_name = str(info.run_name or tags.get("mlflow.runName") or "")
    generated = bool(run_name) and _generated_run_name(run_name)
    choices: list[tuple[str, str, str]] = []  # (name, source, why)
    if version is not None:
        choices.append((str(version.name), f"registered model {version.name}", "the name the model is registered as"))
    if run_name and not generated:
        choices.append((run_name, "tags: mlflow.runName", "the run's name"))
    if experiment and experiment != "Default":
        choices.append((experiment, "experiment name", "the run's experiment"))
    if run_name and generated:
        choices.append((run_name, "tags: mlflow.runName", "the only name there is, though MLflow made it up"))
    choices.append((f"MLflow run {info.run_id[:8]}", "run id", "the run has no name"))
    name, source, why = next(choice for choice in choices if choice[0].strip() and "\n" not in choice[0])
    state.data["name"] = name[:120]
    state.draft.place(source, "mapped", "name", why)
    state.draft.id_hints = [choice[0] for choice in choices]
    if source != "tags: mlflow.runName" and run_name:
        reason = "a name MLflow made up" if generated else f"the card's name is {why}"
        state.draft.place("tags: mlflow.runName", "kept", "description", reason)


def map_version(state: RunDraft, info: Any, tags: dict[str, str], version: Any) -> None:
    tagged = tags.get("version", "").strip()
    if version is not None:
        state.data["version"] = str(version.version)
        state.draft.place(
            f"registered model {version.name} version {version.version}", "mapped", "version", "the registered version"
        )
        if tagged:
            state.draft.place("tags: version", "kept", "description", "the registered version was used instead")
        _registration(state, version)
    elif tagged and _VERSION.fullmatch(tagged):
        state.data["version"] = tagged
        state.draft.place("tags: version", "mapped", "version", "the run's version tag")
    else:
        state.data["version"] = info.run_id[:8]
        state.draft.place(
            "run id",
            "mapped",
            "version",
            "no registered version nor version tag: the run's short id; give --version for another",
        )
        if tagged:
            state.draft.place("tags: version", "kept", "description", "not a version the card format accepts")
    if tagged:
        state.fact("Version tag", escaped(tagged))


def _registration(state: RunDraft, version: Any) -> None:
    """What the registry says of the version beside its number: its description, aliases and tags."""
    where = f"registered model {version.name} version {version.version}"
    if getattr(version, "description", None):
        state.fact("Registered version's description", escaped(version.description))
        state.draft.place(f"{where}: description", "kept", "description", "the registry's note on the version")
    aliases = list(getattr(version, "aliases", None) or [])
    if aliases:
        state.fact("Aliases", ", ".join(escaped(alias) for alias in aliases))
        state.draft.place(f"{where}: aliases", "kept", "description", "the names the registry gives the version")
    for key, value in sorted((getattr(version, "tags", None) or {}).items()):
        state.fact(f"Registry tag {escaped(key)}", escaped(value))
        state.draft.place(f"{where}: tags: {key}", "kept", "description", "a tag of the registered version")


def _date(milliseconds: Any) -> datetime | None:
    if not isinstance(milliseconds, (int, float)) or milliseconds <= 0:
        return None
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc)


def map_dates(state: RunDraft, info: Any) -> None:
    start, end = _date(info.start_time), _date(info.end_time)
    if start is not None:
        state.data["created"] = start.date()
        state.draft.place("info: start_time", "mapped", "created", "the day the run started (UTC)")
    if end is not None or start is not None:
        state.data["updated"] = (end or start or datetime.now(timezone.utc)).date()
        source = "info: end_time" if end is not None else "info: start_time"
        state.draft.place(
            source, "mapped", "updated", "the day the run ended (UTC)" if end else "the run has not ended"
        )
    times = " to ".join(f"{moment:%Y-%m-%d %H:%M:%S} UTC" for moment in (start, end) if moment is not None)
    if times:
        state.fact("Ran", times)


def map_run_facts(state: RunDraft, info: Any, experiment: str) -> None:
    state.fact("Run", f"{escaped(info.run_name or '')} `{info.run_id}`".strip())
    state.draft.place("info: run_id", "kept", "description", "the run's id, to find it again")
    state.fact("Experiment", f"{escaped(experiment)} (id {escaped(info.experiment_id)})".strip())
    state.draft.place("info: experiment_id", "kept", "description", "the experiment's name and id")
    status = str(info.status or "")
    state.fact("Status", escaped(status) + ("" if status == "FINISHED" else ": the run did not finish"))
    state.draft.place("info: status", "kept", "description", "no field of the card holds it")
    if info.lifecycle_stage and info.lifecycle_stage != "active":
        state.fact("Lifecycle", f"{escaped(info.lifecycle_stage)} in MLflow")
        state.draft.place("info: lifecycle_stage", "kept", "description", f"the run is {info.lifecycle_stage}")
    if info.artifact_uri:
        state.fact("Artifacts", f"`{public_uri(str(info.artifact_uri))}`")
        state.draft.place("info: artifact_uri", "kept", "description", "the run's artifacts are not read, only named")
    if info.user_id:
        state.run_user = str(info.user_id)
        state.draft.place("info: user_id", "kept", "description", "who ran it; the owners come from --owner or git")
        state.fact("User", escaped(info.user_id))


def _web_base(uri: str) -> str | None:
    """The address of the MLflow UI for an http(s) tracking URI; None for a local or database store."""
    if urlsplit(uri).scheme not in ("http", "https"):
        return None
    return public_uri(uri).rstrip("/")


def map_links(state: RunDraft, info: Any, version: Any, model: LoggedModel | None) -> None:
    base = _web_base(state.tracking_uri)
    if base is None:
        kind = "a local store" if urlsplit(state.tracking_uri).scheme in ("", "file", "sqlite") else "not a web address"
        state.fact("Tracking store", f"`{public_uri(state.tracking_uri)}` ({kind}: no page of the run to link to)")
        state.draft.place(
            "tracking URI",
            "kept",
            "description",
            f"{kind}, so the card has no link to the run; serve it with `mlflow server` for one",
        )
        return
    links = state.data.setdefault("links", [])
    links.append(
        {
            "title": f"MLflow run {info.run_name or info.run_id}",
            "url": f"{base}/#/experiments/{info.experiment_id}/runs/{info.run_id}",
        }
    )
    state.draft.place("tracking URI", "mapped", f"links[{len(links) - 1}]", "the run's page in the MLflow UI")
    if version is not None:
        links.append(
            {
                "title": f"Registered model {version.name} version {version.version}",
                "url": f"{base}/#/models/{version.name}/versions/{version.version}",
            }
        )
    elif model is not None:
        links.append(
            {
                "title": f"Logged model {model.name or model.model_id}",
                "url": f"{base}/#/experiments/{info.experiment_id}/models/{model.model_id}",
            }
        )


def map_note(state: RunDraft, tags: dict[str, str]) -> None:
    note = tags.get("mlflow.note.content", "").strip()
    if note:
        state.data["description"] = note
        state.draft.place("tags: mlflow.note.content", "mapped", "description", "the run's description")


def map_other_versions(state: RunDraft, versions: list[Any], chosen: Any) -> None:
    def key(version: Any) -> tuple[str, str]:
        return str(version.name), str(version.version)

    others = [version for version in versions if chosen is None or key(version) != key(chosen)]
    for version in others:
        state.draft.place(
            f"registered model {version.name} version {version.version}",
            "kept",
            "description",
            "another registration of the run's models; import it with --name and --version",
        )
    if others:
        state.fact(
            "Also registered as",
            ", ".join(f"{escaped(version.name)} version {escaped(version.version)}" for version in others),
        )


def map_model_inputs(state: RunDraft, run: Any) -> None:
    inputs = getattr(getattr(run, "inputs", None), "model_inputs", None) or []
    for model_input in inputs:
        state.draft.place(f"inputs: model {model_input.model_id}", "kept", "description", "a model the run used")
    if inputs:
        state.fact("Models used", ", ".join(f"`{model_input.model_id}`" for model_input in inputs))
