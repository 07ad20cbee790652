"""The run's logged model into ``model_details``: its signature and flavor from the MLmodel file, the rest kept.

The model is MLflow 3's logged model, or for a run of MLflow 2 the last one its ``mlflow.log-model.history`` tag names.
"""

from __future__ import annotations

import json
from typing import Any

from model_catalog.formats.mlflow.draft import RunDraft, escaped
from model_catalog.formats.mlflow.schema import json_value, schema_text
from model_catalog.formats.mlflow.store import LoggedModel

_FRAMEWORKS = {
    "sklearn": "scikit-learn",
    "pytorch": "PyTorch",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "xgboost": "XGBoost",
    "lightgbm": "LightGBM",
    "catboost": "CatBoost",
    "transformers": "Transformers",
    "onnx": "ONNX",
    "spark": "Spark MLlib",
    "statsmodels": "statsmodels",
    "prophet": "Prophet",
    "sentence_transformers": "Sentence Transformers",
}
"""MLflow's flavor names as people write the frameworks; any other flavor is written as MLflow names it."""


def map_models(state: RunDraft, models: list[LoggedModel], model: LoggedModel | None, tags: dict[str, str]) -> None:
    """The logged model's signature and framework into ``model_details``; other models and details kept."""
    mlmodel: dict[str, Any] = {}
    source = ""
    if model is not None:
        mlmodel, source = model.mlmodel, f"outputs: model {model.model_id}"
        if model.problem:
            state.draft.place(source, "kept", "description", model.problem)
    history_tag = "tags: mlflow.log-model.history"
    if tags.get("mlflow.log-model.history"):
        history = json_value(tags["mlflow.log-model.history"])
        logged = [entry for entry in history if isinstance(entry, dict)] if isinstance(history, list) else []
        if model is not None or not logged:
            why = "the run's logged models were read instead" if model is not None else "no model in it"
            state.draft.place(history_tag, "dropped", reason=f"MLflow 2's record of logged models; {why}")
        else:
            mlmodel, source = logged[-1], history_tag
            state.draft.place(history_tag, "kept", "description", "MLflow 2's record of logged models: the last one")
    if mlmodel:
        _signature(state, mlmodel.get("signature"), source)
        _flavors(state, mlmodel.get("flavors"), source)
        _mlmodel_rest(state, mlmodel, source)
    lines = []
    for other in models:
        chosen = other is model
        lines.append(
            f"- `{other.model_id}`"
            + (f" {escaped(other.name)}" if other.name else "")
            + f", step {other.step}"
            + (f", type {escaped(other.model_type)}" if other.model_type else "")
            + "".join(f", tag {escaped(key)}: {escaped(value)}" for key, value in sorted(other.tags.items()))
            + (" (the model this card describes)" if chosen and len(models) > 1 else "")
            + (f": {escaped(other.problem)}" if other.problem else "")
        )
        if not chosen:
            state.draft.place(f"outputs: model {other.model_id}", "kept", "description", "another model of the run")
        else:
            state.draft.place(f"outputs: model {other.model_id}", "kept", "description", "the model's id")
    if lines:
        state.section("Logged models", "\n".join(lines))


_MLMODEL_IDS = frozenset({"artifact_path", "run_id", "model_id", "model_uuid", "prompts"})


def _mlmodel_rest(state: RunDraft, mlmodel: dict[str, Any], source: str) -> None:
    """The rest of the MLmodel file: its metadata kept, the MLflow version named, its bookkeeping dropped."""
    for key, value in sorted(mlmodel.items()):
        if key in ("signature", "flavors") or value in (None, "", {}, []):
            continue
        if key == "metadata":
            state.fact("Model metadata", escaped(json.dumps(value, ensure_ascii=False, default=str)))
            state.draft.place(f"{source}: metadata", "kept", "description", "what the model was logged with")
        elif key == "mlflow_version":
            state.fact("Logged with", f"MLflow {escaped(value)}")
            state.draft.place(f"{source}: {key}", "kept", "description", "the MLflow that logged the model")
        elif key in _MLMODEL_IDS:
            state.draft.place(f"{source}: {key}", "dropped", reason="the run's and the model's ids, known already")
        else:
            state.draft.place(f"{source}: {key}", "dropped", reason="MLflow's bookkeeping of the model's files")


def _signature(state: RunDraft, signature: Any, source: str) -> None:
    if not isinstance(signature, dict):
        if source:
            state.draft.place(f"{source}: signature", "dropped", reason="the model was logged without a signature")
        return
    details = state.data.setdefault("model_details", {})
    for part, target in (("inputs", "input_format"), ("outputs", "output_format")):
        text = schema_text(json_value(signature.get(part)))
        if text:
            details[target] = text
            state.draft.place(
                f"{source}: signature {part}", "mapped", f"model_details.{target}", "the model's signature"
            )
    params = json_value(signature.get("params"))
    if isinstance(params, list) and params:
        rows = [
            f"| {escaped(param.get('name', ''))} | {escaped(param.get('type', ''))} | {escaped(param.get('default', ''))} |"
            for param in params
            if isinstance(param, dict)
        ]
        state.section("Inference parameters", "| Parameter | Type | Default |\n| --- | --- | --- |\n" + "\n".join(rows))
        state.draft.place(f"{source}: signature params", "kept", "description", "no field of the card holds them")
    if not details:
        del state.data["model_details"]


def _flavors(state: RunDraft, flavors: Any, source: str) -> None:
    if not isinstance(flavors, dict) or not flavors:
        return
    names = [name for name in flavors if name != "python_function"]
    described = []
    for name, given in flavors.items():
        settings = given if isinstance(given, dict) else {}
        version = settings.get(f"{name}_version") or next(
            (value for key, value in settings.items() if key.endswith("_version") and key != "python_version"), None
        )
        python = settings.get("python_version")
        described.append(
            escaped(name)
            + (f" {escaped(version)}" if version else "")
            + (f" (Python {escaped(python)})" if python else "")
        )
        if name == (names[0] if names else None):
            framework = _FRAMEWORKS.get(str(name), str(name)) + (f" {version}" if version else "")
            state.data.setdefault("model_details", {}).setdefault("framework", framework)
            state.draft.place(f"{source}: flavors.{name}", "mapped", "model_details.framework", "the model's flavor")
    state.fact("MLflow flavors", ", ".join(described))
    state.draft.place(f"{source}: flavors", "kept", "description", "how MLflow loads the model")
