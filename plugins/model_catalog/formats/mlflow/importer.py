"""MLflow runs turned into draft cards: what a training run recorded, mapped to the card's fields or kept as text.

A run knows much of a card already: the model's name and version (once it is registered), its metrics, the data
it was trained and evaluated on, the signature of the model it logged, where its code came from, and when it ran.
:func:`import_mlflow_run` reads one run through MLflow's client and reports where each piece went
(:class:`~model_catalog.formats.importing.ImportedDraft`); what has no field (parameters, most system tags,
digests, sources) is kept in the description under "Imported from the MLflow run", never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from model_catalog.formats.importing import ImportedDraft
from model_catalog.formats.mlflow.datasets import map_datasets
from model_catalog.formats.mlflow.draft import RunDraft, describe
from model_catalog.formats.mlflow.metrics import map_metrics
from model_catalog.formats.mlflow.models import map_models
from model_catalog.formats.mlflow.run_info import (
    map_dates,
    map_links,
    map_model_inputs,
    map_name,
    map_note,
    map_other_versions,
    map_run_facts,
    map_version,
)
from model_catalog.formats.mlflow.store import (
    MlflowMissing,
    RunUnreadable,
    experiment_name,
    full_version,
    get_run,
    logged_models,
    mlflow_client,
    pick_model,
    pick_version,
    registered_versions,
)
from model_catalog.formats.mlflow.tags import map_params, map_system_tags, map_tags


def read_mlflow_runs(run_ids: Sequence[str], tracking_uri: str) -> tuple[list[ImportedDraft], list[str]]:
    """The drafts of ``run_ids`` and the problems of those that cannot be read, for ``model-catalog import mlflow``;
    raises :class:`MlflowMissing`, and :class:`RunUnreadable` when the store itself cannot be opened."""
    client, uri = mlflow_client(tracking_uri)
    drafts, problems = [], []
    for run_id in run_ids:
        try:
            drafts.append(_import_run(client, run_id, uri))
        except MlflowMissing:
            raise
        except RunUnreadable as exc:
            problems.append(str(exc))
    return drafts, problems


def import_mlflow_run(run_id: str, tracking_uri: str | None = None) -> ImportedDraft:
    """The draft card of one MLflow run, with the report of where each piece of the run went.

    Raises :class:`MlflowMissing` when MLflow is not installed and :class:`RunUnreadable` when the run cannot be
    read (both :class:`ImportRefused`; also an ``ImportError`` and a ``ValueError``)."""
    client, uri = mlflow_client(tracking_uri)
    return _import_run(client, run_id, uri)


def model_info_from_mlflow_run(run_id: str, tracking_uri: str | None = None) -> dict[str, Any]:
    """The card fields of an MLflow run, for :func:`~model_catalog.create_model_card`.

    ``tracking_uri`` defaults to MLflow's own (``mlflow.set_tracking_uri``, ``MLFLOW_TRACKING_URI``), so a
    training script that has just logged the run needs only its id. Add or change fields before writing the card::

        info = model_info_from_mlflow_run(run.info.run_id)
        info["limitations"] = "Trained on 2024 transactions only"
        create_model_card(info, "cards", owners=[...])

    What has no field of its own is in the description; what is left out (a metric's earlier steps, MLflow's
    bookkeeping tags) is listed by ``model-catalog import mlflow RUN_ID --format json``. Raises ``ImportError``
    when MLflow is not installed and ``ValueError`` when the run cannot be read, each saying what to do.
    """
    return dict(import_mlflow_run(run_id, tracking_uri).data)


# Mapping one run ---------------------------------------------------------------------------------------------------


def _import_run(client: Any, run_id: str, uri: str) -> ImportedDraft:
    run = get_run(client, run_id, uri)
    info, tags = run.info, dict(run.data.tags)
    state = RunDraft(ImportedDraft({"status": "draft"}, run_id), uri)
    experiment = experiment_name(client, info.experiment_id)
    models = logged_models(client, run)
    versions = registered_versions(client, info.run_id)
    version = full_version(client, pick_version(versions, models))
    model = pick_model(models, version)

    map_run_facts(state, info, experiment)
    map_dates(state, info)
    map_links(state, info, version, model)
    map_name(state, info, tags, experiment, version)
    map_version(state, info, tags, version)
    map_note(state, tags)
    map_metrics(state, client, run, models)
    map_params(state, dict(run.data.params))
    map_tags(state, tags)
    map_system_tags(state, tags)
    map_datasets(state, run)
    map_models(state, models, model, tags)
    map_other_versions(state, versions, version)
    map_model_inputs(state, run)
    describe(state)
    return state.draft
