"""The parts of the MLflow importer that need no MLflow: schemas in words, addresses fit for a card, stores that do
not exist, Markdown of the run's values. (Real runs are imported in tests/integration/test_import_mlflow.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from model_catalog.formats.importing import ImportedDraft
from model_catalog.formats.mlflow.draft import RunDraft, escaped
from model_catalog.formats.mlflow.models import map_models
from model_catalog.formats.mlflow.run_info import map_links
from model_catalog.formats.mlflow.schema import schema_text
from model_catalog.formats.mlflow.store import RunUnreadable, check_local_store, public_uri
from model_catalog.formats.mlflow.tags import repository_link


def test_signatures_and_dataset_schemas_in_words() -> None:
    columns = [{"type": "double", "name": "amount", "required": True}, {"type": "string", "required": False}]
    assert schema_text(columns) == "2 columns: amount (double), string, optional"
    tensor = [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}, "name": "image"}]
    assert schema_text(tensor) == "1 tensor: image (tensor float32, shape -1×28×28)"
    nested = [
        {"type": "array", "items": {"type": "string"}, "name": "words"},
        {"type": "object", "properties": {"a": {"type": "long"}}, "name": "extra"},
        {"type": "map", "values": {"type": "double"}, "name": "weights"},
    ]
    assert schema_text(nested) == (
        "3 columns: words (array of string), extra (object of a: long), weights (map to double)"
    )
    assert schema_text({"mlflow_colspec": columns[:1]}) == "1 column: amount (double)"
    features = {"features": json.dumps(tensor), "targets": None}
    assert schema_text({"mlflow_tensorspec": features}) == "features: 1 tensor: image (tensor float32, shape -1×28×28)"
    assert schema_text(None) == schema_text([]) == schema_text({"other": 1}) == ""


def test_addresses_lose_their_credentials_and_remotes_become_web_pages() -> None:
    assert public_uri("https://ada:s3cret@mlflow.example.com/") == "https://mlflow.example.com/"
    assert public_uri("postgresql://ml:pw@db:5432/mlflow") == "postgresql://db:5432/mlflow"
    assert public_uri("sqlite:///mlflow.db") == "sqlite:///mlflow.db"
    assert repository_link("git@github.com:acme/fraud.git") == "https://github.com/acme/fraud"
    assert repository_link("ssh://git@gitlab.com/acme/fraud.git") == "https://gitlab.com/acme/fraud"
    assert repository_link("https://token@github.com/acme/fraud.git") == "https://github.com/acme/fraud"
    assert repository_link("ssh://git@git.example.com:2222/acme/fraud.git") == "https://git.example.com/acme/fraud"
    assert repository_link("/srv/git/fraud") is None
    assert repository_link("file:///srv/git/fraud") is None


def test_a_local_store_that_does_not_exist_is_refused_before_mlflow_creates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlflow.db").write_bytes(b"")
    (tmp_path / "mlruns").mkdir()
    for fine in ("sqlite:///mlflow.db", f"sqlite:///{tmp_path}/mlflow.db", "mlruns", (tmp_path / "mlruns").as_uri()):
        check_local_store(fine)
    check_local_store("http://127.0.0.1:5000")  # a server: MLflow says whether it answers
    for missing, message in [
        ("sqlite:///other.db", "no such database file (other.db)"),
        ("sqlite://", "an in-memory store holds no runs"),
        ("elsewhere", "elsewhere: no such folder"),
        ("file:///nowhere/mlruns", "no such folder"),
    ]:
        with pytest.raises(RunUnreadable, match=message.replace("(", r"\(").replace(")", r"\)")):
            check_local_store(missing)
    assert not (tmp_path / "other.db").exists()


def test_values_of_the_run_are_text_in_markdown() -> None:
    assert escaped("roc_auc") == "roc_auc"
    assert escaped("<script>|*x*") == r"\<script\>\|\*x\*"
    assert escaped("two\nlines") == "two<br>lines"  # a table row or list item stays one line


def test_a_run_on_a_tracking_server_links_to_its_page() -> None:
    state = RunDraft(ImportedDraft({}, "run"), "https://user:pw@mlflow.example.com/")
    info = SimpleNamespace(run_name="fraud-gbm", run_id="abc123", experiment_id="7")
    version = SimpleNamespace(name="fraud-detector", version=3)
    map_links(state, info, version, None)
    assert state.data["links"] == [
        {"title": "MLflow run fraud-gbm", "url": "https://mlflow.example.com/#/experiments/7/runs/abc123"},
        {
            "title": "Registered model fraud-detector version 3",
            "url": "https://mlflow.example.com/#/models/fraud-detector/versions/3",
        },
    ]
    assert [placement.target for placement in state.draft.report] == ["links[0]"]


def test_a_run_of_mlflow_2_gives_its_signature_from_the_model_history_tag() -> None:
    state = RunDraft(ImportedDraft({}, "run"), "sqlite:///mlflow.db")
    history = [
        {
            "artifact_path": "model",
            "flavors": {"python_function": {"python_version": "3.10.4"}, "xgboost": {"xgb_version": "2.0.3"}},
            "signature": {"inputs": json.dumps([{"type": "long", "name": "age"}]), "outputs": None},
            "utc_time_created": "2024-03-01 10:00:00.000000",
        }
    ]
    map_models(state, [], None, {"mlflow.log-model.history": json.dumps(history)})
    assert state.data["model_details"] == {"input_format": "1 column: age (long)", "framework": "XGBoost 2.0.3"}
    outcomes = {placement.source: placement.outcome for placement in state.draft.report}
    assert outcomes["tags: mlflow.log-model.history"] == "kept"
    assert outcomes["tags: mlflow.log-model.history: signature inputs"] == "mapped"
    assert outcomes["tags: mlflow.log-model.history: utc_time_created"] == "dropped"
