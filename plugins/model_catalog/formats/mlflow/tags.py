"""A run's parameters and tags into the card: user tags as its tags, git remotes as links, the rest kept as tables.

The card has no field for hyperparameters, and most of MLflow's system tags are bookkeeping: they are kept or
dropped here, each with the reason in the import report.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from model_catalog.formats.mlflow.draft import RunDraft, escaped
from model_catalog.formats.mlflow.store import public_uri

_FACT_TAGS = {
    "mlflow.user": "User",
    "mlflow.source.name": "Source",
    "mlflow.source.type": "Source type",
    "mlflow.source.git.branch": "Git branch",
    "mlflow.source.git.commit": "Git commit",
    "mlflow.parentRunId": "Parent run",
    "mlflow.project.entryPoint": "Project entry point",
    "mlflow.autologging": "Autologging",
}
"""System tags a reader of the card may want, kept as facts under these labels; other ``mlflow.*`` tags are kept in
a table of their own."""


def map_params(state: RunDraft, params: dict[str, str]) -> None:
    """Parameters as a table in the description: the card has no field for hyperparameters."""
    if not params:
        return
    rows = [f"| {escaped(key)} | {escaped(value)} |" for key, value in sorted(params.items())]
    state.section("Parameters", "| Parameter | Value |\n| --- | --- |\n" + "\n".join(rows))
    for key in sorted(params):
        state.draft.place(f"params: {key}", "kept", "description", "the card has no field for hyperparameters")


def map_tags(state: RunDraft, tags: dict[str, str]) -> None:
    """User tags as the card's tags (``key: value``, or ``key`` for a flag); too long ones in a table."""
    card_tags: list[str] = []
    rows = []
    for key, value in sorted(tags.items()):
        if key.startswith("mlflow.") or key == "version":
            continue
        if key == "estimator_name" and value.strip() and "\n" not in value:  # sklearn's autologging
            state.data.setdefault("model_details", {})["architecture"] = value.strip()
            state.draft.place(f"tags: {key}", "mapped", "model_details.architecture", "autologging's estimator")
            continue
        text = key.strip() if value.strip().lower() in ("", "true") else f"{key.strip()}: {value.strip()}"
        if text and len(text) <= 60 and "\n" not in text:
            if text not in card_tags:
                card_tags.append(text)
            state.draft.place(f"tags: {key}", "mapped", f"tags[{card_tags.index(text)}]", "a tag of the run")
        else:
            rows.append(f"| {escaped(key)} | {escaped(value)} |")
            state.draft.place(f"tags: {key}", "kept", "description", "longer than a card's tag (60 characters)")
    if card_tags:
        state.data["tags"] = card_tags
    if rows:
        state.section("Tags", "| Tag | Value |\n| --- | --- |\n" + "\n".join(rows))


def repository_link(url: str) -> str | None:
    """A git remote as a web address: https as it is, ``git@host:org/repo.git`` and ``ssh://git@host/org/repo`` as
    ``https://host/org/repo``; None for a remote that is no web page (a folder, ``file://``)."""
    url = url.strip()
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!//)(.+?)(?:\.git)?/?", url)
    if scp:
        return f"https://{scp[1]}/{scp[2].lstrip('/')}"
    parts = urlsplit(url)
    if parts.scheme in ("ssh", "git") and parts.hostname and parts.path.strip("/"):
        return f"https://{parts.hostname}/{parts.path.strip('/').removesuffix('.git')}"
    if parts.scheme in ("http", "https"):
        return public_uri(url).removesuffix("/").removesuffix(".git")
    return None


def map_system_tags(state: RunDraft, tags: dict[str, str]) -> None:
    """MLflow's own tags: the repository and commit mapped, facts a reader may want kept, its bookkeeping dropped."""
    repository_tag = next((key for key in ("mlflow.source.git.repoURL", "mlflow.gitRepoURL") if tags.get(key)), None)
    repository = repository_link(tags[repository_tag]) if repository_tag else None
    if repository_tag and repository:
        state.data.setdefault("model_details", {})["repository"] = repository
        state.draft.place(f"tags: {repository_tag}", "mapped", "model_details.repository", "the training code")
    commit = tags.get("mlflow.source.git.commit", "").strip()
    commit_linked = bool(repository and re.fullmatch(r"[0-9a-f]{7,64}", commit))
    if repository and commit_linked:
        path = "src" if "bitbucket" in repository else "tree"
        links = state.data.setdefault("links", [])
        links.append({"title": f"Training code at commit {commit[:12]}", "url": f"{repository}/{path}/{commit}"})
        state.draft.place("tags: mlflow.source.git.commit", "mapped", f"links[{len(links) - 1}]", "the code that ran")
    rows = []
    for key, value in sorted(tags.items()):
        if not key.startswith("mlflow.") or key in ("mlflow.runName", "mlflow.note.content"):
            continue
        if key == repository_tag and repository:
            continue
        if key == "mlflow.log-model.history":  # placed with the models
            continue
        if key == "mlflow.user" and value == state.run_user:
            state.draft.place(f"tags: {key}", "kept", "description", "the run's user")
            continue
        if key in _FACT_TAGS:
            label = _FACT_TAGS[key]
            is_commit = key == "mlflow.source.git.commit"
            state.fact(label, f"`{value}`" if is_commit and commit_linked else escaped(value))
            if not (is_commit and commit_linked):  # else placed in the links, and named here too
                state.draft.place(f"tags: {key}", "kept", "description", label)
        else:
            rows.append(f"| {escaped(key)} | {escaped(value)} |")
            state.draft.place(f"tags: {key}", "kept", "description", "one of MLflow's system tags")
    if repository_tag and not repository:
        state.draft.place(f"tags: {repository_tag}", "kept", "description", "not a web address to link to")
    if rows:
        state.section("MLflow system tags", "| Tag | Value |\n| --- | --- |\n" + "\n".join(rows))
