"""The validation cache: same answers as without it, invalidated by any change, never trusted when foreign."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from helpers import REPO, card, mkdocs_build, run_cli, write_site
from model_catalog._infra.cache_folder import open_cache_folder
from model_catalog._infra.card_cache import FILE_NAME, SETTLED_NS, CardCache, file_stamp
from model_catalog.cards.model import Card
from model_catalog.check import check_cards
from model_catalog.config.mkdocs_yml import read_mkdocs_settings


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "cards", tmp_path / "cards")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs").mkdir()
    return tmp_path


def output(site: Path) -> tuple[int, str]:
    done = run_cli("validate", "--format", "json", cwd=site)
    return done.returncode, done.stdout


def cache_file(site: Path) -> Path:
    return site / ".model-catalog-cache" / FILE_NAME


def cache_body(site: Path) -> dict:
    """The cache file's JSON, after the line with its keyed hash."""
    return json.loads(cache_file(site).read_text().partition("\n")[2])


def write_cache_body(site: Path, body: dict, mac: str = "0" * 64) -> None:
    """What someone without the user's key can write: any JSON, and a keyed hash they cannot compute."""
    cache_file(site).write_text(mac + "\n" + json.dumps(body))


def test_cached_answers_equal_fresh_ones(catalog: Path) -> None:
    (catalog / "cards" / "credit-risk" / "2.0.yaml").write_text(
        (catalog / "cards" / "credit-risk" / "2.0.yaml").read_text().replace("risk_tier: high", "risk_tier: extreme")
    )
    cold = output(catalog)
    assert cache_file(catalog).is_file()
    warm = output(catalog)
    assert cold == warm and cold[0] == 1
    settings = read_mkdocs_settings(catalog / "mkdocs.yml")
    checked = check_cards(settings, root=catalog)
    assert len(checked.catalog) == 14  # 15 cards, one invalid: answered from the cache


def test_any_change_of_a_card_is_seen(catalog: Path) -> None:
    assert output(catalog)[0] == 0
    path = catalog / "cards" / "fraud-detector" / "3.2.yaml"
    path.write_text(path.read_text().replace("risk_tier: high", "risk_tier: extreme"))
    code, text = output(catalog)
    assert code == 1 and "risk_tier" in text


def test_a_schema_change_invalidates_the_cache(catalog: Path) -> None:
    assert output(catalog)[0] == 0
    (catalog / "ext.yaml").write_text("fields:\n  caveats_and_recommendations: {required: true}\n")
    config = catalog / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      prefix: models\n", "      prefix: models\n      schema_extension: ext.yaml\n")
    )
    code, text = output(catalog)
    assert code == 1 and "caveats_and_recommendations" in text


def test_policy_and_registry_changes_are_never_cached(catalog: Path) -> None:
    assert output(catalog)[0] == 0
    registry = catalog / "cards" / "APPROVERS.yaml"
    registry.write_text(registry.read_text().replace("roles: [legal]", "roles: [auditor]"))
    code, text = output(catalog)
    assert code == 1 and "does not hold the role 'legal'" in text


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b'{"context": "someone else", "entries": {}}',
        json.dumps({"context": None, "entries": {"x": {"data": 5}}}).encode(),
        b"\x80\x81\x82",
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored(catalog: Path, content: bytes) -> None:
    cache_file(catalog).parent.mkdir()
    cache_file(catalog).write_bytes(content)
    assert output(catalog)[0] == 0
    assert cache_body(catalog)["entries"]  # rewritten with real results


def test_a_forged_entry_cannot_make_an_invalid_card_pass(catalog: Path) -> None:
    path = catalog / "cards" / "fraud-detector" / "3.2.yaml"
    path.write_text(path.read_text().replace("risk_tier: high", "risk_tier: extreme"))
    assert output(catalog)[0] == 1
    stored = cache_body(catalog)
    # Forge: claim every errored content is a valid, empty card.
    for key, entry in stored["entries"].items():
        if "errors" in entry:
            stored["entries"][key] = {"data": "{}", "dates": [], "bogus": True}
    write_cache_body(catalog, stored, cache_file(catalog).read_text().partition("\n")[0])
    code, text = output(catalog)
    assert code == 1 and "risk_tier" in text


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"fraud/1.0.yaml": card()}, plugin_options="cards_dir: cards\ncache_dir: null")
    assert run_cli("validate", cwd=site).returncode == 0
    assert mkdocs_build(site).returncode == 0
    assert not (site / ".model-catalog-cache").exists()
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("cache_dir: null", "cache_dir: ~"))
    assert run_cli("validate", cwd=site).returncode == 0 and not (site / ".model-catalog-cache").exists()
    config.write_text(config.read_text().replace("      cache_dir: ~\n", ""))
    assert run_cli("validate", cwd=site).returncode == 0 and (site / ".model-catalog-cache").is_dir()


def test_unknown_entries_are_dropped_when_saved(tmp_path: Path) -> None:
    folder = open_cache_folder(tmp_path, tmp_path)
    cache = CardCache(folder, "ctx")
    first, second = Card(tmp_path / "a.yaml", "a.yaml", {"id": "x"}), Card(tmp_path / "b.yaml", "b.yaml", {"id": "y"})
    cache.put("a", first, [], [])
    cache.put("b", second, [], [])
    cache.seen = {"a"}
    cache.save()
    again = CardCache(folder, "ctx")
    assert set(again.entries) == {"a"} and again.get("a") == ({"id": "x"}, [], first.digest)


@pytest.mark.parametrize("remember", [True, False])
def test_a_rebuild_saves_the_same_cache_a_fresh_run_saves(catalog: Path, remember: bool) -> None:
    """A check that starts from an earlier one in the process (`mkdocs serve`) writes only new entries anew
    (or, when the earlier one did not remember their encodings, all of them)."""
    settings = read_mkdocs_settings(catalog / "mkdocs.yml")
    first = check_cards(settings, root=catalog, remember=remember)
    path = catalog / "cards" / "fraud-detector" / "3.2.yaml"
    path.write_text(path.read_text().replace("risk_tier: high", "risk_tier: medium"))
    again = check_cards(settings, root=catalog, reuse=first.cache, remember=remember)
    reused = cache_file(catalog).read_bytes()
    cache_file(catalog).unlink()
    fresh = check_cards(settings, root=catalog)
    assert json.loads(reused.partition(b"\n")[2]) == cache_body(catalog)
    assert [error.message for error in again.errors] == [error.message for error in fresh.errors]
    assert len(json.loads(reused.partition(b"\n")[2])["entries"]) == len(again.catalog) == 15


def test_a_settled_file_is_known_by_its_stamp_until_it_is_written(catalog: Path) -> None:
    """Under `mkdocs serve` a card file not written since it was read is not read again; any write is seen,
    even one that keeps the file's size and modification time."""
    settings = read_mkdocs_settings(catalog / "mkdocs.yml")
    path = catalog / "cards" / "fraud-detector" / "3.2.yaml"
    source = "cards/fraud-detector/3.2.yaml"
    fresh = check_cards(settings, root=catalog, remember=True)
    assert fresh.cache is not None and fresh.cache.known_key(path, source, file_stamp(path)) is None  # just written
    time.sleep(SETTLED_NS / 1e9 + 0.1)
    first = check_cards(settings, root=catalog, reuse=fresh.cache, remember=True)
    assert first.cache is not None
    key = first.cache.known_key(path, source, file_stamp(path))
    assert key == next(card.fingerprint for card in first.catalog if card.source == source)
    assert first.cache.known_key(path, "elsewhere/3.2.yaml", file_stamp(path)) is None
    before = path.stat()
    path.write_text(path.read_text().replace("risk_tier: high", "risk_tier: ZZZZ"))  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and first.cache.known_key(path, source, file_stamp(path)) is None
    again = check_cards(settings, root=catalog, reuse=first.cache, remember=True)
    assert any(error.file == source and error.path == "risk_tier" for error in again.errors)


def site_files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != "sitemap.xml.gz"
    }


def test_warm_builds_and_a_damaged_page_cache_write_the_same_site(catalog: Path) -> None:
    """Pages and exports come from the text cache when unchanged; a damaged or missing entry is made again."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(time.time()))}  # one timestamp in every export
    assert mkdocs_build(catalog, env=env).returncode == 0
    cold = site_files(catalog / "site")
    assert any(name.endswith("/cyclonedx.json") for name in cold) and "models/catalog.json" in cold
    assert mkdocs_build(catalog, env=env).returncode == 0
    assert site_files(catalog / "site") == cold
    texts = sorted((catalog / ".model-catalog-cache" / "text").glob("*/*"))
    assert len(texts) > 3 * 15
    for index, path in enumerate(texts):
        if index % 3 == 0:
            path.write_text("0" * 64 + "\n<p>forged</p>")
        elif index % 3 == 1:
            path.write_bytes(path.read_bytes()[:-10])
        else:
            path.unlink()
    assert mkdocs_build(catalog, env=env).returncode == 0
    assert site_files(catalog / "site") == cold
    shutil.rmtree(catalog / ".model-catalog-cache" / "text")
    (catalog / ".model-catalog-cache" / "text").write_text("a file where the folder should be: nothing can be stored")
    assert mkdocs_build(catalog, env=env).returncode == 0
    assert site_files(catalog / "site") == cold
    config = catalog / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      prefix: models\n", "      prefix: models\n      cache_dir: null\n")
    )
    assert mkdocs_build(catalog, env=env).returncode == 0
    assert site_files(catalog / "site") == cold


def test_a_card_json_cannot_hold_exactly_is_checked_every_time(catalog: Path) -> None:
    """A time of day (allowed by an extension) would come back from JSON as text: such a card is not cached."""
    (catalog / "ext.yaml").write_text("fields:\n  trained_at: {type: datetime}\n")
    config = catalog / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      prefix: models\n", "      prefix: models\n      schema_extension: ext.yaml\n")
    )
    card = catalog / "cards" / "credit-risk" / "2.0.yaml"
    card.write_text(card.read_text() + "trained_at: 2025-01-02 03:04:05\n")
    for _ in range(2):
        done = run_cli("validate", "--format", "json", str(card), cwd=catalog)
        assert done.returncode == 1 and json.loads(done.stdout)[0]["path"].startswith("approvals")  # content changed
    stored = cache_body(catalog)["entries"]
    assert stored and not any("trained_at" in entry.get("data", {}) for entry in stored.values())
    assert not any(
        entry.get("data", {}).get("id") == "credit-risk" and entry["data"]["version"] == "2.0"
        for entry in stored.values()
    )


# Attacks through the cache folder: a pull request can commit files there (issue: security round 2).


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "A",
            "GIT_AUTHOR_EMAIL": "a@example.com",
            "GIT_COMMITTER_NAME": "A",
            "GIT_COMMITTER_EMAIL": "a@example.com",
        },
    )
    return done.stdout


def forge_stale_digest(catalog: Path) -> str:
    """Edit a high-risk card and make the cache claim its new content has the old, approved digest."""
    assert output(catalog)[0] == 0
    path = catalog / "cards" / "credit-risk" / "2.0.yaml"
    old_digest = next(
        entry["digest"]
        for entry in cache_body(catalog)["entries"].values()
        if entry.get("data", {}).get("id") == "credit-risk" and entry["data"]["version"] == "2.0"
    )
    path.write_text(path.read_text().replace("summary: ", "summary: Now also scores small businesses. ", 1))
    code, honest = output(catalog)  # what the check says of the edit: three stale approvals
    assert code == 1 and honest.count("stale: the card changed") == 3
    body = cache_body(catalog)
    for entry in body["entries"].values():
        if entry.get("data", {}).get("summary", "").startswith("Now also"):
            entry["digest"] = old_digest
    write_cache_body(catalog, body)
    return honest


def test_a_forged_digest_in_the_cache_does_not_make_stale_approvals_count(catalog: Path) -> None:
    honest = forge_stale_digest(catalog)
    assert output(catalog) == (1, honest)
    done = mkdocs_build(catalog, "--strict")
    assert done.returncode == 1 and "stale: the card changed" in done.stdout + done.stderr


def test_a_cache_committed_to_git_is_refused(catalog: Path, tmp_path: Path) -> None:
    forge_stale_digest(catalog)
    git("init", "-q", cwd=catalog)
    (catalog / "docs" / "index.md").write_text("# Models\n")
    (catalog / ".gitignore").write_text(".model-catalog-cache/\n")
    git("add", ".", cwd=catalog)
    git("add", "-f", ".model-catalog-cache", cwd=catalog)
    git("commit", "-q", "-m", "cards", cwd=catalog)
    clone = tmp_path / "clone"
    git("clone", "-q", str(catalog), str(clone), cwd=tmp_path)
    done = run_cli("validate", cwd=clone)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ".model-catalog-cache is tracked by git (1 file(s), e.g. .model-catalog-cache/cards.json)" in done.stderr
    assert "git rm -r --cached .model-catalog-cache" in done.stderr
    built = mkdocs_build(clone, "--strict")
    assert built.returncode == 1 and "is tracked by git" in built.stdout + built.stderr
    assert not (clone / "site").exists()


def test_forged_cards_pages_and_exports_publish_nothing_a_fresh_build_would_not(catalog: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(time.time()))}
    assert mkdocs_build(catalog, env=env).returncode == 0
    cold = site_files(catalog / "site")
    body = cache_body(catalog)
    for entry in body["entries"].values():  # data swapped: text that is in no YAML file
        if "data" in entry:
            entry["data"]["description"] = "INJECTED <script>window.__forged = 1</script>"
    write_cache_body(catalog, body)
    for path in (catalog / ".model-catalog-cache" / "text").glob("*/*"):
        forged = "<p>INJECTED</p><script>window.__forged = 1</script>"
        if "." in path.name:  # an export or catalog.json, published as it is
            path.write_text(forged)
        else:  # a page, with the checksum line the cache once used recomputed
            path.write_text(hashlib.sha256(forged.encode()).hexdigest() + "\n" + forged)
    assert mkdocs_build(catalog, env=env).returncode == 0
    assert site_files(catalog / "site") == cold
    assert not any(b"INJECTED" in content for content in cold.values())


def test_the_cache_key_is_never_read_from_inside_the_repository(catalog: Path) -> None:
    done = run_cli("validate", cwd=catalog, env={"XDG_CACHE_HOME": str(catalog / ".xdg")})
    assert done.returncode == 2
    assert f"the cache key {catalog}/.xdg/model-catalog/cache-key is inside the project's repository" in done.stderr
    assert not (catalog / ".xdg").exists()
    outside = run_cli("validate", cwd=catalog, env={"MODEL_CATALOG_CACHE_KEY": "from a CI secret"})
    assert outside.returncode == 0


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Files a link in the cache could lead to: they must survive every build."""
    folder = tmp_path / "home"
    (folder / ".ssh").mkdir(parents=True)
    (folder / ".ssh" / "id_ed25519").write_text("PRIVATE")
    (folder / "ab").mkdir()
    (folder / "ab" / ("a" * 64)).write_text("NOT A CACHE FILE")
    return folder


def victim_intact(folder: Path) -> bool:
    return {path.relative_to(folder).as_posix(): path.read_text() for path in folder.rglob("*") if path.is_file()} == {
        ".ssh/id_ed25519": "PRIVATE",
        f"ab/{'a' * 64}": "NOT A CACHE FILE",
    }


@pytest.mark.parametrize("link", [".model-catalog-cache", ".model-catalog-cache/text", ".model-catalog-cache/text/ab"])
def test_a_link_in_the_cache_folder_is_refused_and_never_followed(catalog: Path, victim: Path, link: str) -> None:
    (catalog / link).parent.mkdir(parents=True, exist_ok=True)
    (catalog / link).symlink_to(victim)
    for done in (mkdocs_build(catalog), run_cli("validate", cwd=catalog) if link == ".model-catalog-cache" else None):
        if done is None:
            continue
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert "is a symbolic link; model-catalog never follows links" in done.stdout + done.stderr
    assert victim_intact(victim)


def test_links_to_files_inside_the_cache_are_neither_read_nor_deleted(catalog: Path, victim: Path) -> None:
    assert mkdocs_build(catalog).returncode == 0
    folder = catalog / ".model-catalog-cache" / "text" / "ab"
    folder.mkdir(exist_ok=True)
    for name in ("b" * 64, f"{'c' * 64}.{'d' * 64}"):
        (folder / name).symlink_to(victim / "ab" / ("a" * 64))
    (catalog / ".model-catalog-cache" / FILE_NAME).unlink()
    (catalog / ".model-catalog-cache" / FILE_NAME).symlink_to("/dev/zero")
    assert mkdocs_build(catalog).returncode == 0
    assert run_cli("validate", cwd=catalog).returncode == 0
    assert victim_intact(victim)
