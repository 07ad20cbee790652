"""Reaching an MLflow tracking store: MLflow's lazy import and its errors, the run, its logged and registered models.

MLflow is an optional dependency (``pip install 'mkdocs-model-catalog[mlflow]'``): it is imported only inside the
functions that read a run, so the command line and ``import model_catalog`` never pay for it (about a second).
Everything MLflow can raise is turned into :class:`MlflowMissing` or :class:`RunUnreadable` here, saying what to do,
and every URI that may reach a card goes through :func:`public_uri` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from urllib.request import url2pathname

import yaml

from model_catalog.formats.importing import ImportRefused

INSTALL_HINT = "pip install 'mkdocs-model-catalog[mlflow]'"


_RUN_ID = re.compile(r"[A-Za-z0-9][\w-]{0,255}")
"""What MLflow accepts as a run id; checked first so that it can be quoted in a search filter."""


class MlflowMissing(ImportRefused, ImportError):
    """MLflow (or the database driver its local store needs) is not installed."""


class RunUnreadable(ImportRefused, ValueError):
    """The run cannot be read: no tracking store, a store that does not exist or answer, an unknown run id."""


def _mlflow() -> Any:
    """The ``mlflow`` module, or :class:`MlflowMissing` saying how to install it."""
    try:
        import mlflow
    except ImportError as exc:
        missing = f" ({exc.name} is missing)" if exc.name and exc.name != "mlflow" else ""
        raise MlflowMissing(f"MLflow is not installed{missing}; install the extra: {INSTALL_HINT}") from None
    return mlflow


def public_uri(uri: str) -> str:
    """``uri`` without the user name and password it may carry (``https://user:token@host``), fit for a card."""
    parts = urlsplit(uri)
    if not parts.netloc or "@" not in parts.netloc:
        return uri
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_local_store(tracking_uri: str) -> None:
    """Refuse a local store that does not exist: MLflow would create an empty one there, and then find no run."""
    scheme = urlsplit(tracking_uri).scheme
    if scheme == "sqlite":
        rest = tracking_uri[len("sqlite:") :].split("?", 1)[0]
        if rest in ("", "//", "///", "///:memory:"):
            raise RunUnreadable(f"{tracking_uri}: an in-memory store holds no runs; give the database file")
        path = Path(rest[3:] if rest.startswith("///") else rest.lstrip("/"))
        if not path.is_file():
            raise RunUnreadable(
                f"{tracking_uri}: no such database file ({path}); give the store the runs were logged to, "
                "such as sqlite:///mlflow.db"
            )
    elif scheme in ("", "file") and len(scheme) != 1:  # a folder (not a Windows drive letter)
        path = Path(url2pathname(urlsplit(tracking_uri).path) if scheme else tracking_uri)
        if not path.is_dir():
            raise RunUnreadable(f"{tracking_uri}: no such folder; give the store the runs were logged to")


def mlflow_client(tracking_uri: str | None = None) -> tuple[Any, str]:
    """MLflow's client of ``tracking_uri`` (default: MLflow's own, from ``mlflow.set_tracking_uri`` or
    ``MLFLOW_TRACKING_URI``) and the URI it uses."""
    mlflow = _mlflow()
    uri = tracking_uri or str(mlflow.get_tracking_uri())
    try:
        check_local_store(uri)
    except RunUnreadable as exc:
        if tracking_uri:
            raise
        raise RunUnreadable(f"{exc} (MLflow's default store: pass tracking_uri or set MLFLOW_TRACKING_URI)") from None
    try:
        return mlflow.MlflowClient(uri), uri
    except ImportError as exc:
        raise MlflowMissing(f"{uri}: MLflow needs {exc.name or 'a module'} for this store; {INSTALL_HINT}") from None
    except Exception as exc:  # noqa: BLE001 - MLflow's stores raise errors of their own libraries
        raise RunUnreadable(f"{public_uri(uri)}: cannot open the tracking store: {error_message(exc)}") from None


def error_message(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if "Max retries exceeded" in text or "Connection refused" in text or "NewConnectionError" in text:
        return "the server does not answer; check the URI and that the server runs"
    if "MLFLOW_ALLOW_FILE_STORE" in text:
        return "MLflow reads a file store only with MLFLOW_ALLOW_FILE_STORE=true set; set it and try again"
    return first[:300]


def get_run(client: Any, run_id: str, uri: str) -> Any:
    if not _RUN_ID.fullmatch(run_id):
        raise RunUnreadable(f"{run_id!r} is not an MLflow run id; give the id the run's page shows (32 hex digits)")
    try:
        return client.get_run(run_id)
    except ImportError as exc:
        raise MlflowMissing(f"{uri}: MLflow needs {exc.name or 'a module'} for this store; {INSTALL_HINT}") from None
    except Exception as exc:  # noqa: BLE001 - MLflow's stores raise errors of their own libraries
        if getattr(exc, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
            raise RunUnreadable(f"{run_id}: no such run in {public_uri(uri)}; check the run id and the store") from None
        raise RunUnreadable(f"{run_id}: cannot read the run from {public_uri(uri)}: {error_message(exc)}") from None


def experiment_name(client: Any, experiment_id: str) -> str:
    try:
        return str(client.get_experiment(experiment_id).name)
    except Exception:  # noqa: BLE001 - the run is readable; its experiment's name is a nicety
        return ""


@dataclass
class LoggedModel:
    """A model the run logged: its id, name, step, artifact location and MLmodel file (empty when unreadable)."""

    model_id: str
    name: str
    step: int
    artifact_location: str
    mlmodel: dict[str, Any]
    problem: str = ""
    model_type: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    """The model's own tags, MLflow's (``mlflow.*``) left out."""
    metrics: list[Any] = field(default_factory=list)
    """The model's metrics: the run's, with the data set each was measured on (the run's own history lacks it)."""


def logged_models(client: Any, run: Any) -> list[LoggedModel]:
    """The models the run logged (MLflow 3's logged models), each with its MLmodel file when it can be read."""
    outputs = getattr(getattr(run, "outputs", None), "model_outputs", None) or []
    models = []
    for output in outputs:
        try:
            logged = client.get_logged_model(output.model_id)
        except Exception as exc:  # noqa: BLE001 - a model that cannot be read is reported, not fatal
            models.append(LoggedModel(str(output.model_id), "", int(output.step or 0), "", {}, error_message(exc)))
            continue
        mlmodel, problem = _read_mlmodel(str(logged.artifact_location or ""))
        models.append(
            LoggedModel(
                str(logged.model_id),
                str(logged.name or ""),
                int(output.step or 0),
                str(logged.artifact_location or ""),
                mlmodel,
                problem,
                logged.model_type,
                {str(k): str(v) for k, v in (logged.tags or {}).items() if not str(k).startswith("mlflow.")},
                list(getattr(logged, "metrics", None) or []),
            )
        )
    return models


def _read_mlmodel(location: str) -> tuple[dict[str, Any], str]:
    """A model's MLmodel file, read from disk for a local store and through MLflow's artifact stores otherwise."""
    if not location:
        return {}, "the model has no artifact location"
    try:
        if location.startswith("file:"):
            text = Path(url2pathname(urlsplit(location).path), "MLmodel").read_text(encoding="utf-8")
        else:
            from mlflow.artifacts import load_text

            text = str(load_text(location.rstrip("/") + "/MLmodel"))
        value = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - OSError, YAML or MLflow's artifact store errors: all reported
        return {}, f"its MLmodel file cannot be read ({error_message(exc)})"
    return (value, "") if isinstance(value, dict) else ({}, "its MLmodel file is not a mapping")


def registered_versions(client: Any, run_id: str) -> list[Any]:
    try:
        found = client.search_model_versions(f"run_id = '{run_id}'")
    except Exception:  # noqa: BLE001 - a store without a registry has no versions
        return []
    return sorted(found, key=lambda version: (str(version.name), _number(version.version)))


def _number(text: Any) -> int:
    return int(text) if str(text).isdigit() else 0


def pick_version(versions: list[Any], models: list[LoggedModel]) -> Any:
    """The registered version the card is for: of the run's last logged model if registered, else the latest."""
    if not versions:
        return None
    for model in reversed(models):
        for version in reversed(versions):
            if model.model_id in (getattr(version, "model_id", None), str(version.source).removeprefix("models:/")):
                return version
    return versions[-1]


def full_version(client: Any, version: Any) -> Any:
    """The version as the registry gives it by name: a search leaves out its aliases."""
    if version is None:
        return None
    try:
        return client.get_model_version(version.name, str(version.version))
    except Exception:  # noqa: BLE001 - the version found by the search is enough without its aliases
        return version


def pick_model(models: list[LoggedModel], version: Any) -> LoggedModel | None:
    """The logged model the card describes: the registered one, else the last logged."""
    if version is not None:
        for model in models:
            if model.model_id in (getattr(version, "model_id", None), str(version.source).removeprefix("models:/")):
                return model
    return max(models, key=lambda model: model.step) if models else None
