"""`model-catalog import mlflow` and `model_info_from_mlflow_run`: real runs, logged by MLflow into a local SQLite
store by a training script in a git checkout, imported as draft cards that validate.

The runs are logged with mlflow-skinny alone (no numpy): data sets through `MlflowClient.log_inputs` with
`mlflow.entities.Dataset` (what `mlflow.log_input` records), and the model as MLflow 3 logs one (a logged model,
the run's output, its MLmodel file written by `mlflow.models.Model` with a signature in MLflow's JSON form), since
`ModelSignature` and `Model.log` need numpy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import run, run_cli

pytest.importorskip("mlflow", reason="the mlflow extra: pip install 'mkdocs-model-catalog[mlflow]'")

QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "GIT_CONFIG_GLOBAL": "/dev/null"}
OWNER = ("--owner", "Ada Lovelace <ada@example.com>")

TRAIN = """
import json, os, sys
from pathlib import Path

import mlflow
import yaml
from mlflow.entities import Dataset, DatasetInput, InputTag, LoggedModelOutput
from mlflow.models import Model

root = Path(sys.argv[1])
mlflow.set_tracking_uri(f"sqlite:///{root}/mlflow.db")
experiment = mlflow.create_experiment("fraud-detection", artifact_location=(root / "artifacts").as_uri())
client = mlflow.MlflowClient()


def dataset(name, context, source_type, source, **extra):
    return DatasetInput(
        Dataset(name=name, digest=name[:6] + "d1", source_type=source_type, source=json.dumps(source), **extra),
        tags=[InputTag("mlflow.data.context", context)] if context else [],
    )


with mlflow.start_run(
    experiment_id=experiment,
    run_name="fraud-gbm",
    tags={"team": "risk", "version": "2.1", "pii": "true", "notes": "x" * 70},
    description="Gradient boosting on card **transactions**.",
) as run:
    run_id = run.info.run_id
    mlflow.log_params({"learning_rate": 0.1, "max_depth": 6, "features": "amount|country"})
    for step, loss in enumerate([0.52, 0.41, 0.33]):
        mlflow.log_metric("loss", loss, step=step)
    mlflow.log_metric("accuracy", 0.91)
    mlflow.log_metric("f1", 87.5)
    mlflow.log_metric("grad_norm", float("nan"))
    client.log_inputs(run_id, datasets=[
        dataset("transactions-2024", "training", "http", {"url": "https://data.example.com/train.csv"},
                schema=json.dumps({"mlflow_colspec": [{"type": "double", "name": "amount"},
                                                      {"type": "string", "name": "country"}]}),
                profile=json.dumps({"num_rows": 50000})),
        dataset("holdout-2024", "evaluation", "s3", {"uri": "s3://acme-data/holdout.parquet"}),
        dataset("october-2024", "validation", "http", {"url": "https://data.example.com/october.csv"}),
        dataset("scratch", None, "local", {"uri": "/tmp/scratch.csv"}),
    ])
    logged = client.create_logged_model(experiment, name="model", source_run_id=run_id)
    client.log_outputs(run_id, [LoggedModelOutput(logged.model_id, step=2)])
    client.log_metric(run_id, "auc", 0.95, dataset_name="holdout-2024", dataset_digest="holdoud1", model_id=logged.model_id)
    model = Model(artifact_path=logged.artifact_location, run_id=run_id, model_id=logged.model_id)
    model.add_flavor("python_function", loader_module="fraud", python_version="3.11.7")
    model.add_flavor("sklearn", sklearn_version="1.5.0")
    mlmodel = model.to_dict()
    mlmodel["signature"] = {
        "inputs": json.dumps([{"type": "double", "name": "amount", "required": True},
                              {"type": "string", "name": "country", "required": False}]),
        "outputs": json.dumps([{"type": "double", "name": "score", "required": True}]),
        "params": json.dumps([{"name": "threshold", "type": "double", "default": 0.5, "shape": None}]),
    }
    folder = root / "model"
    folder.mkdir()
    (folder / "MLmodel").write_text(yaml.safe_dump(mlmodel))
    client.log_model_artifacts(logged.model_id, str(folder))
    client.finalize_logged_model(logged.model_id, "READY")

client.create_registered_model("fraud-detector")
client.create_model_version(
    "fraud-detector", source=logged.model_uri, run_id=run_id, model_id=logged.model_id,
    description="Candidate for Q1", tags={"approved_by": "risk-board"},
)
client.set_registered_model_alias("fraud-detector", "champion", "1")
client.set_logged_model_tags(logged.model_id, {"stage": "candidate"})

with mlflow.start_run(experiment_id=experiment) as bare:  # MLflow names it; nothing else logged
    mlflow.log_metric("accuracy", 0.8)

full = client.get_run(run_id)
print(json.dumps({
    "registered": run_id,
    "bare": bare.info.run_id,
    "bare_name": bare.info.run_name,
    "tags": sorted(full.data.tags),
    "params": sorted(full.data.params),
    "metrics": sorted(full.data.metrics),
}))
"""


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env={**QUIET, "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two runs logged by a training script in a git checkout: one with everything and a registered model, one
    with nothing but a metric and the name MLflow made up for it."""
    root = tmp_path_factory.mktemp("mlflow")
    (root / "train.py").write_text(TRAIN)
    _git(root, "init", "-q")
    _git(root, "remote", "add", "origin", "git@github.com:acme/fraud.git")
    _git(root, "add", "train.py")
    _git(root, "-c", "user.name=CI", "-c", "user.email=ci@example.com", "commit", "-q", "-m", "train")
    done = run([sys.executable, "train.py", str(root)], root, env=QUIET)
    assert done.returncode == 0, done.stderr
    logged: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {**logged, "root": root, "uri": f"sqlite:///{root}/mlflow.db"}


def _catalog(tmp_path: Path) -> Path:
    (tmp_path / "cards").mkdir()
    return tmp_path


def test_a_run_becomes_a_draft_card_that_validates(store: dict[str, Any], tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    done = run_cli(
        "import", "mlflow", store["registered"], "--tracking-uri", store["uri"], *OWNER, cwd=catalog, env=QUIET
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "cards/fraud-detector/1.yaml"
    assert "kept as text" in done.stderr and "dropped: metrics: loss (history)" in done.stderr
    card = yaml.safe_load((catalog / "cards/fraud-detector/1.yaml").read_text())
    today = datetime.now(timezone.utc).date()
    assert (card["id"], card["name"], card["version"], card["status"]) == (
        "fraud-detector",
        "fraud-detector",
        "1",
        "draft",
    )
    assert card["created"] == card["updated"] == today
    assert card["tags"] == ["pii", "team: risk"]
    assert {metric["name"]: metric for metric in card["metrics"]} == {
        "accuracy": {"name": "accuracy", "value": 0.91},
        "auc": {"name": "auc", "value": 0.95, "dataset": "holdout-2024"},
        "f1": {"name": "f1", "value": 87.5, "unit": "%"},
        "loss": {"name": "loss", "value": 0.33},
    }
    assert card["training_data"] == [
        {
            "name": "transactions-2024",
            "link": "https://data.example.com/train.csv",
            "size": "50,000 rows",
            "description": "Logged to MLflow: digest transad1; 2 columns: amount (double), country (string).",
        }
    ]
    assert [entry["name"] for entry in card["evaluation_data"]] == ["holdout-2024", "october-2024"]
    assert (
        card["evaluation_data"][0]["description"]
        == "Logged to MLflow: source s3://acme-data/holdout.parquet (s3); digest holdoud1."
    )
    assert card["evaluation_data"][1]["link"] == "https://data.example.com/october.csv"
    details = card["model_details"]
    assert details["input_format"] == "2 columns: amount (double), country (string, optional)"
    assert details["output_format"] == "1 column: score (double)"
    assert details["framework"] == "scikit-learn 1.5.0"
    assert details["repository"] == "https://github.com/acme/fraud"
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=store["root"], capture_output=True, text=True, check=True
    ).stdout
    assert card["links"] == [
        {
            "title": f"Training code at commit {commit.strip()[:12]}",
            "url": f"https://github.com/acme/fraud/tree/{commit.strip()}",
        }
    ]
    description = card["description"]
    assert description.startswith("Gradient boosting on card **transactions**.\n\n### Imported from the MLflow run")
    assert f"`{store['registered']}`" in description
    assert "**Run:** fraud-gbm" in description and "**Version tag:** 2.1" in description
    assert "no page of the run to link to" in description
    assert "| features | amount\\|country |" in description and "| learning\\_rate | 0.1 |" not in description
    assert "| learning_rate | 0.1 |" in description and "| max_depth | 6 |" in description
    assert "| notes | " + "x" * 70 + " |" in description  # too long for a tag
    assert "| grad_norm |  | nan | not a finite number |" in description
    unplaced = "- **scratch**; source /tmp/scratch.csv (local); digest scratcd1"  # no context: neither training
    assert unplaced in description  # nor evaluation data
    assert "| threshold | double | 0.5 |" in description
    assert "**Registered version's description:** Candidate for Q1" in description
    assert "**Aliases:** champion" in description and "**Registry tag approved_by:** risk-board" in description
    assert "step 2, tag stage: candidate" in description and "**Logged with:** MLflow 3." in description
    assert run_cli("validate", cwd=catalog).returncode == 0


def test_every_piece_of_the_run_is_in_the_report(store: dict[str, Any], tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    done = run_cli(
        "import", "mlflow", store["registered"], "--format", "json", *OWNER, "--out", "cards",
        cwd=catalog, env={**QUIET, "MLFLOW_TRACKING_URI": store["uri"]},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    report = {entry["source"]: entry for entry in result["report"]}
    assert result["card"] == "cards/fraud-detector/1.yaml"
    for tag in store["tags"]:
        assert f"tags: {tag}" in report, tag
    for param in store["params"]:
        assert report[f"params: {param}"]["outcome"] == "kept"
    for metric in store["metrics"]:
        assert any(source.startswith(f"metrics: {metric}") for source in report), metric
    history = report["metrics: loss (history)"]
    assert history["outcome"] == "dropped" and "3 values over steps 0 to 2" in history["reason"]
    assert report["registered model fraud-detector"]["target"] == "name"
    assert report["registered model fraud-detector version 1"]["target"] == "version"
    assert report["tags: version"]["outcome"] == "kept"
    assert report["tags: mlflow.source.git.commit"]["outcome"] == "mapped"
    assert report["inputs: dataset transactions-2024 (training): profile"]["target"] == "training_data[0].size"
    assert report["inputs: dataset scratch"]["outcome"] == "kept"
    assert report["tracking URI"]["outcome"] == "kept"
    model = next(entry["source"] for entry in result["report"] if entry["source"].startswith("outputs: model m-"))
    assert report[f"{model.split(':')[0]}: {model.split(':')[1].strip()}: utc_time_created"]["outcome"] == "dropped"
    assert {entry["outcome"] for entry in result["report"]} == {"mapped", "kept", "dropped"}


# MLflow's SQL store uses what SQLAlchemy 2.1 deprecates; the tests turn warnings into errors, in-process too.
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")
def test_the_python_api_gives_fields_for_create_model_card(
    store: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from model_catalog import create_model_card, model_info_from_mlflow_run

    monkeypatch.setenv("MLFLOW_TRACKING_URI", store["uri"])  # what a training script has already set
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    info = model_info_from_mlflow_run(store["bare"])
    assert info["name"] == "fraud-detection"  # MLflow made up the run's name: the experiment's is the model's
    assert info["version"] == store["bare"][:8]
    assert info["metrics"] == [{"name": "accuracy", "value": 0.8}]
    assert f"**Run:** {store['bare_name']}" in info["description"]
    info["limitations"] = "Trained on 2024 transactions only"
    card = create_model_card(info, tmp_path / "cards", owners=[{"name": "Ada Lovelace", "email": "ada@example.com"}])
    assert (card.id, card.version, card.status) == ("fraud-detection", store["bare"][:8], "draft")
    assert card.data["limitations"] == ["Trained on 2024 transactions only"]
    registered = model_info_from_mlflow_run(store["registered"], store["uri"])
    assert (registered["name"], registered["version"]) == ("fraud-detector", "1")


def test_runs_that_cannot_be_read_are_refused_whole(store: dict[str, Any], tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    unknown = "0" * 32
    done = run_cli(
        "import", "mlflow", store["registered"], unknown, "not an id", "--tracking-uri", store["uri"], *OWNER,
        cwd=catalog, env=QUIET,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"{unknown}: no such run in {store['uri']}; check the run id and the store" in done.stderr
    assert "'not an id' is not an MLflow run id" in done.stderr
    assert "Traceback" not in done.stderr and not list((catalog / "cards").iterdir())


@pytest.mark.parametrize(
    ("uri", "env", "message"),
    [
        ("sqlite:///missing/mlflow.db", {}, "no such database file (missing/mlflow.db)"),
        (None, {"MLFLOW_TRACKING_URI": ""}, "no tracking store: pass --tracking-uri URI"),
        ("http://127.0.0.1:9", {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}, "the server does not answer"),
    ],
)
def test_a_store_that_cannot_be_read_is_a_clear_error(
    tmp_path: Path, uri: str | None, env: dict[str, str], message: str
) -> None:
    catalog = _catalog(tmp_path)
    where = ["--tracking-uri", uri] if uri else []
    done = run_cli("import", "mlflow", "a" * 32, *where, *OWNER, cwd=catalog, env={**QUIET, **env})
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (catalog / "missing").exists()  # MLflow would have made an empty store there


def test_without_mlflow_the_error_says_which_extra_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker" / "mlflow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'mlflow'\", name='mlflow')\n")
    catalog = _catalog(tmp_path)
    done = run_cli(
        "import", "mlflow", "a" * 32, "--tracking-uri", "http://127.0.0.1:9", *OWNER,
        cwd=catalog, env={**QUIET, "PYTHONPATH": str(blocker.parent)},
    )  # fmt: skip
    assert done.returncode == 2
    assert "MLflow is not installed; install the extra: pip install 'mkdocs-model-catalog[mlflow]'" in done.stderr


def test_tracking_uri_is_only_for_runs(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# A model\n")
    done = run_cli("import", "huggingface", str(readme), "--tracking-uri", "sqlite:///x.db", *OWNER, cwd=tmp_path)
    assert done.returncode == 2 and "--tracking-uri is for `model-catalog import mlflow`" in done.stderr


def test_the_command_and_the_package_do_not_import_mlflow() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import model_catalog, model_catalog.cli, model_catalog.formats.mlflow.importer
        model_catalog.model_info_from_mlflow_run
        print(sorted(name for name in sys.modules if name.split(".")[0] == "mlflow"))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
