"""The performance benchmark of model-catalog.

    python bench/run.py [--n 100 1000 10000] [--runs 3] [--out bench/results/latest.json] [--skip-browser]

For each N it generates a plugin site and a hand-written Markdown baseline with
the same content (bench/generate.py), then measures builds, validation, a
one-card edit and the catalog filter in Chromium, prints a table per N and a
summary against the targets, and writes every figure to --out as JSON.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import build_catalog, edit_card_summary, generate, generate_baseline  # noqa: E402

sys.path.insert(0, str(BENCH.parent / "tests"))
from helpers import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402  (the tests' server and browser set-up)

CACHE_DIR = ".model-catalog-cache"
"""The plugin's cache folder, in the folder of mkdocs.yml (it may not exist in this version)."""
WORD = "vision"
"""Typed into the catalog filter: a tag and a team of the generated cards, so each letter narrows the rows."""
PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "mkdocs-model-catalog",
    "PyYAML",
    "Markdown",
    "Jinja2",
    "Cerberus",
    "check-jsonschema",
    "playwright",
)
KB, MB, GB = 1000, 1000**2, 1000**3
ENV_RECORDED = ("PYTHONDONTWRITEBYTECODE", "PYTHONOPTIMIZE", "SOURCE_DATE_EPOCH")
"""Environment variables that change the timings, recorded with the machine information."""

Json = dict[str, Any]

PYTHON = sys.executable
"""The interpreter of the installation measured: MkDocs, the plugin and the command run with it (bench/compare.py
sets it to measure two installations side by side)."""


class BenchError(Exception):
    """A measured command failed; the message holds the end of its output."""


# --------------------------------------------------------------------------- running and measuring commands


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_rss_bytes: int
    """Peak resident set size of the child process (ru_maxrss from wait4)."""
    cpu_s: float = 0.0
    """User and system CPU time of the child and the workers it waited for (from wait4): beside the wall time, it
    tells a slower machine (both grow) from waiting for the disk (only the wall time grows)."""


def child_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def measure(cmd: Sequence[str], cwd: Path, stdout: Path | None = None) -> tuple[Measurement, str]:
    """Run ``cmd`` and return its wall time, its own peak RSS and its stderr; raise BenchError if it fails."""
    with tempfile.TemporaryFile() as err, open(stdout, "wb") if stdout else tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=child_env(), stdout=out, stderr=err)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): do not leave the child running
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        errors = err.read().decode("utf-8", "replace")
    if code != 0:
        tail = "\n".join(errors.strip().splitlines()[-25:])
        raise BenchError(f"`{' '.join(cmd)}` in {cwd} exited with {code}:\n{tail}")
    return Measurement(wall, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime), errors


def clear_cache(site: Path) -> None:
    """Delete the plugin's cache, if this version of the plugin has one."""
    cache = site / CACHE_DIR
    if cache.is_dir() and not cache.is_symlink():
        shutil.rmtree(cache)
    elif cache.exists() or cache.is_symlink():
        cache.unlink()


def build_cmd(quiet: bool = True) -> list[str]:
    return [PYTHON, "-m", "mkdocs", "build", *(["-q"] if quiet else [])]


def tool(name: str) -> Path | None:
    """A console script of the venv running this benchmark, or of the PATH."""
    local = Path(PYTHON).parent / name
    found = local if local.exists() else shutil.which(name)
    return Path(found) if found else None


def catalog_cmd(*args: str) -> list[str]:
    """``model-catalog ARGS`` from the venv running this benchmark."""
    script = tool("model-catalog")
    return [str(script), *args] if script else [PYTHON, "-m", "model_catalog", *args]


def stats(samples: list[Measurement]) -> Json:
    walls = [m.wall_s for m in samples]
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "runs_s": walls,
        "peak_rss_bytes": max(m.peak_rss_bytes for m in samples),
    }


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]


# --------------------------------------------------------------------------- the measurements of one N


@dataclass
class Sites:
    root: Path
    plugin: Path
    baseline: Path
    n: int
    models: int
    edit_target: Path
    """The card file the one-card edit changes: the newest version of the first model."""


def make_sites(root: Path, n: int, seed: int) -> tuple[Sites, float]:
    start = time.perf_counter()
    catalog = build_catalog(n, seed)
    generate(root / "plugin", n, seed, catalog=catalog)
    generate_baseline(root / "baseline", n, seed, catalog=catalog)
    models = catalog.models()
    first = models[min(models)][-1]
    target = root / "plugin" / "cards" / first["id"] / f"{first['version']}.yaml"
    return Sites(root, root / "plugin", root / "baseline", n, len(models), target), time.perf_counter() - start


def warm_up(sites: Sites) -> Json:
    """One untimed build of each site (fills the OS file cache), keeping the warnings they print."""
    clear_cache(sites.plugin)
    _, plugin_err = measure(build_cmd(quiet=False), sites.plugin)
    _, baseline_err = measure(build_cmd(quiet=False), sites.baseline)
    return {"plugin_warnings": warning_lines(plugin_err), "baseline_warnings": warning_lines(baseline_err)}


def bench_builds(sites: Sites, runs: int, log: Callable[[str], None]) -> Json:
    """Plugin cold, baseline and plugin warm builds, alternating, ``runs`` of each."""
    cold: list[Measurement] = []
    warm: list[Measurement] = []
    base: list[Measurement] = []
    for run in range(runs):
        clear_cache(sites.plugin)
        cold.append(measure(build_cmd(), sites.plugin)[0])
        base.append(measure(build_cmd(), sites.baseline)[0])
        warm.append(measure(build_cmd(), sites.plugin)[0])  # the cold build left its cache
        log(
            f"  run {run + 1}/{runs}: plugin cold {cold[-1].wall_s:.2f} s, baseline {base[-1].wall_s:.2f} s, "
            f"plugin warm {warm[-1].wall_s:.2f} s"
        )
    result: Json = {
        "plugin_cold": stats(cold),
        "plugin_warm": stats(warm),
        "baseline": stats(base),
        "cache_present": (sites.plugin / CACHE_DIR).exists(),
    }
    baseline = result["baseline"]["median_s"]
    result["ratio_cold"] = result["plugin_cold"]["median_s"] / baseline
    result["ratio_warm"] = result["plugin_warm"]["median_s"] / baseline
    for name in ("plugin_cold", "plugin_warm", "baseline"):
        result[name]["per_card_s"] = result[name]["median_s"] / sites.n
    return result


def page_sizes(site_dir: Path) -> Json:
    """Size of every card version page, ``models/<id>/<version>/index.html``."""
    sizes = [path.stat().st_size for path in (site_dir / "models").glob("*/*/index.html")]
    if not sizes:
        return {"pages": 0}
    return {
        "pages": len(sizes),
        "avg_bytes": statistics.fmean(sizes),
        "max_bytes": max(sizes),
        "index_bytes": (site_dir / "models" / "index.html").stat().st_size,
    }


def bench_validation(sites: Sites, runs: int, schema: Path) -> Json:
    """`model-catalog validate` cold and warm, and check-jsonschema on the same card files."""
    clear_cache(sites.plugin)
    cold = measure(catalog_cmd("validate"), sites.plugin)[0]
    warm = [measure(catalog_cmd("validate"), sites.plugin)[0] for _ in range(runs)]
    result: Json = {"validate_cold": stats([cold]), "validate_warm": stats(warm)}
    checker = tool("check-jsonschema")
    if checker is None:
        result["check_jsonschema"] = None
        result["check_jsonschema_note"] = "not installed: .venv/bin/pip install check-jsonschema"
        return result
    files = sorted(str(p.relative_to(sites.plugin)) for p in (sites.plugin / "cards").glob("*/*.yaml"))
    cmd = [str(checker), "--schemafile", str(schema), *files]
    result["check_jsonschema"] = stats([measure(cmd, sites.plugin)[0] for _ in range(runs)])
    cjs = result["check_jsonschema"]["median_s"]
    result["ratio_validate_cold_to_cjs"] = cold.wall_s / cjs
    result["ratio_validate_warm_to_cjs"] = result["validate_warm"]["median_s"] / cjs
    return result


def timed_build(site: Path, timings: Path) -> tuple[Measurement, Json]:
    measured, _ = measure([PYTHON, str(BENCH / "timed_build.py"), str(timings), "-q"], site)
    return measured, json.loads(timings.read_text(encoding="utf-8"))


def bench_edit(sites: Sites) -> Json:
    """The plugin's own work after one card's summary is changed (and re-approved), against a cold build's.

    First as `mkdocs serve` does it, the target's case: a cold first build,
    then three edits, each followed by its rebuild in the same process (the
    median one counts). Then as separate `mkdocs build` runs: cold, warm, and
    the build after the edit, which only has the cache on disk. The card is
    put back afterwards, so that later steps see the generated cards.
    """
    clear_cache(sites.plugin)
    cold, cold_plugin = timed_build(sites.plugin, sites.root / "timings-cold.json")
    clear_cache(sites.plugin)
    first, rebuilds = serve_edit(sites)
    rebuild = sorted(rebuilds, key=lambda build: build["total_s"])[len(rebuilds) // 2]  # the median
    before, before_plugin = timed_build(sites.plugin, sites.root / "timings-before.json")
    original = sites.edit_target.read_bytes()
    edit_card_summary(sites.edit_target)
    try:
        after, after_plugin = timed_build(sites.plugin, sites.root / "timings-after.json")
    finally:
        sites.edit_target.write_bytes(original)
    return {
        "card": str(sites.edit_target.relative_to(sites.plugin)),
        "cold_build_s": cold.wall_s,
        "cold_build_plugin_s": cold_plugin["total_s"],
        "serve_first_build_plugin_s": first["total_s"],
        "serve_rebuild_plugin_s": rebuild["total_s"],
        "serve_rebuild_plugin_handlers_s": rebuild["handlers_s"],
        "serve_rebuilds_plugin_s": [build["total_s"] for build in rebuilds],
        "serve_rebuild_to_cold_plugin_ratio": rebuild["total_s"] / cold_plugin["total_s"],
        "serve_rebuild_to_first_plugin_ratio": rebuild["total_s"] / first["total_s"],
        "warm_build_s": before.wall_s,
        "warm_build_plugin_s": before_plugin["total_s"],
        "edit_build_s": after.wall_s,
        "edit_build_plugin_s": after_plugin["total_s"],
        "edit_build_to_cold_plugin_ratio": after_plugin["total_s"] / cold_plugin["total_s"],
        "edit_build_plugin_handlers_s": after_plugin["handlers_s"],
        "edit_build_peak_rss_bytes": after.peak_rss_bytes,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_edit(sites: Sites, edits: int = 3, timeout_s: float = 3600) -> tuple[Json, list[Json]]:
    """`mkdocs serve`'s first build, then its rebuild after each of ``edits`` edits: the plugin's timings of each."""
    timings = sites.root / "timings-serve.jsonl"
    port = free_port()
    cmd = [PYTHON, str(BENCH / "timed_build.py"), "--serve", str(timings), "--dev-addr", f"127.0.0.1:{port}"]
    original = sites.edit_target.read_bytes()
    timings.unlink(missing_ok=True)  # a file left by an earlier run would be read as this one
    with open(sites.root / "serve.log", "wb") as log:
        # Ctrl-C stops the server even when this script runs in the background, where SIGINT is ignored.
        server = subprocess.Popen(
            cmd,
            cwd=sites.plugin,
            env=child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - before any thread starts
        )
        try:
            first = _next_build(timings, 1, server, timeout_s)
            _wait_until_serving(port, server, timeout_s)  # it watches the files once it serves
            rebuilds = []
            for edit in range(1, edits + 1):
                edit_card_summary(sites.edit_target, f" Edit {edit} by the benchmark.")
                rebuilds.append(_rebuild_after_edit(sites.edit_target, timings, edit + 1, server, timeout_s))
        finally:
            sites.edit_target.write_bytes(original)
            server.send_signal(signal.SIGINT)  # as Ctrl-C: MkDocs removes its temporary site
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    if not all(build["ok"] for build in [first, *rebuilds]):
        raise BenchError(f"`mkdocs serve` failed a build; see {sites.root / 'serve.log'}")
    return first, rebuilds


def _serve_failed(server: subprocess.Popen[bytes], timings: Path) -> BenchError:
    log = (timings.parent / "serve.log").read_text(encoding="utf-8", errors="replace")
    tail = "\n".join(log.strip().splitlines()[-25:])
    return BenchError(f"`mkdocs serve` exited with {server.returncode}:\n{tail}")


def _next_build(timings: Path, count: int, server: subprocess.Popen[bytes], timeout_s: float) -> Json:
    """The timings of the ``count``-th build of the server, once it has finished."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        lines = timings.read_text(encoding="utf-8").splitlines() if timings.exists() else []
        if len(lines) >= count:
            return json.loads(lines[count - 1])
        if server.poll() is not None:
            raise _serve_failed(server, timings)
        time.sleep(0.1)
    raise BenchError(f"`mkdocs serve` did not finish build {count} in {timeout_s:.0f} s")


def _rebuild_after_edit(
    card: Path, timings: Path, count: int, server: subprocess.Popen[bytes], timeout_s: float
) -> Json:
    """The rebuild after an edit of ``card``, written again if the server has not noticed it.

    MkDocs serves before its file watcher has reached every folder of a large
    catalog: an edit made meanwhile goes unseen.
    """
    for _ in range(10):
        try:
            return _next_build(timings, count, server, timeout_s=30)
        except BenchError:
            if server.poll() is not None or _builds_started(timings.parent / "serve.log") >= count:
                return _next_build(timings, count, server, timeout_s)  # it is building: wait for it
            card.write_bytes(card.read_bytes())  # the same text, a new modification event
    raise BenchError(f"`mkdocs serve` did not rebuild after {card} changed")


def _builds_started(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count("Building documentation")


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if server.poll() is not None:
            raise BenchError(f"`mkdocs serve` exited with {server.returncode} before serving")
        time.sleep(0.1)
    raise BenchError(f"`mkdocs serve` did not serve on port {port} in {timeout_s:.0f} s")


# --------------------------------------------------------------------------- the browser


TIME_URL_JS = """() => {
  // Time spent in history.replaceState (the filter writes its state to the URL), without changing what it does.
  if (window.__mcUrlMs !== undefined) return;
  const original = history.replaceState.bind(history);
  window.__mcUrlMs = 0;
  history.replaceState = function (...args) {
    const t0 = performance.now();
    try { return original(...args); } finally { window.__mcUrlMs += performance.now() - t0; }
  };
}"""
KEYSTROKE_JS = """(ch) => {
  const el = document.querySelector('#mc-q');
  el.value += ch;
  const url0 = window.__mcUrlMs;
  const t0 = performance.now();
  el.dispatchEvent(new Event('input', {bubbles: true}));
  const handler = performance.now() - t0;
  void document.body.offsetHeight;  // force the style and layout work the handler caused
  const layout = performance.now() - t0;
  return {handler, layout, url: window.__mcUrlMs - url0,
          matching: parseInt(document.querySelector('[data-mc-result-count]').textContent, 10),  // "12 of 3319 models"
          shown: document.querySelectorAll('tr[data-mc-row]:not([hidden])').length};
}"""
CLEAR_JS = """() => {
  const el = document.querySelector('#mc-q');
  el.value = '';
  el.dispatchEvent(new Event('input', {bubbles: true}));
  void document.body.offsetHeight;
  return parseInt(document.querySelector('[data-mc-result-count]').textContent, 10);  // "3319 models, showing ..."
}"""
SEARCH_READY_JS = """() => {
  // Material's search worker has indexed the site: the search box's status no longer says so (English site).
  const meta = document.querySelector('.md-search-result__meta');
  return meta !== null && !meta.textContent.includes('Initializing search');
}"""
SEARCH_READY_TIMEOUT_S = 300
"""Material indexes the 10,000-card site's 38 MB search index in a worker in about 15 s here."""


def bench_browser(site_dir: Path, runs: int) -> Json:
    """Time per keystroke of typing WORD into the catalog filter in Chromium: ``runs`` times on the settled page,
    and once before, while Material's search worker still indexes the site on the other core."""
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError:
        raise BenchError("playwright is not installed in this venv; install it or use --skip-browser") from None
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} is missing; install Debian's chromium or use --skip-browser")
    try:
        return _type_in_filter(site_dir, runs)
    except PlaywrightError as exc:
        raise BenchError(f"Chromium: {exc}") from None


def _type_in_filter(site_dir: Path, runs: int) -> Json:
    from playwright.sync_api import Page, Route, sync_playwright

    def type_word(page: Page, rounds: int) -> list[Json]:
        samples: list[Json] = []
        for _ in range(rounds):
            page.evaluate(CLEAR_JS)
            samples += [page.evaluate(KEYSTROKE_JS, letter) for letter in WORD]
        return samples

    with serving(site_dir) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def local_only(route: Route) -> None:
                (route.continue_ if route.request.url.startswith(base_url) else route.abort)()

            page.route("**/*", local_only)
            start = time.perf_counter()
            page.goto(base_url + "models/", wait_until="load")
            page.wait_for_selector("#mc-q", state="visible")
            load_s = time.perf_counter() - start
            page.wait_for_load_state("networkidle")  # the search index is downloaded; Material now indexes it
            page.evaluate(TIME_URL_JS)
            indexing = type_word(page, 1)
            page.wait_for_function(SEARCH_READY_JS, timeout=SEARCH_READY_TIMEOUT_S * 1000)
            search_ready_s = time.perf_counter() - start
            samples = type_word(page, runs)
            rows = page.evaluate(CLEAR_JS)
            version = browser.version
        finally:
            browser.close()
    return {
        "word": WORD,
        "keystrokes": len(samples),
        "rows": rows,
        "rows_matching": samples[-1]["matching"],
        "rows_shown": samples[-1]["shown"],
        **_keystroke_figures(samples),
        "while_search_indexes": _keystroke_figures(indexing),
        "samples_ms": [s["handler"] for s in samples],
        "page_load_s": load_s,
        "search_ready_s": search_ready_s,
        "chromium": version,
    }


def _keystroke_figures(samples: list[Json]) -> Json:
    """Median and max per keystroke: the input handler alone, and with the style and layout it causes."""
    handler = [s["handler"] for s in samples]
    layout = [s["layout"] for s in samples]
    return {
        "keystroke_median_ms": statistics.median(handler),
        "keystroke_max_ms": max(handler),
        "keystroke_with_layout_median_ms": statistics.median(layout),
        "keystroke_with_layout_max_ms": max(layout),
        "keystroke_url_update_median_ms": statistics.median(s["url"] for s in samples),
    }


# --------------------------------------------------------------------------- one N, end to end


def bench_n(n: int, args: argparse.Namespace, log: Callable[[str], None]) -> Json:
    work = Path(tempfile.mkdtemp(prefix=f"mc-bench-{n}-"))
    result: Json = {"n": n, "workdir": str(work) if args.keep else None, "load_average_start": os.getloadavg()[0]}
    try:
        sites, generate_s = make_sites(work, n, args.seed)
        result.update(models=sites.models, generate_s=generate_s)
        log(
            f"N = {n:,}: generated {n:,} cards of {sites.models:,} models and the baseline in {generate_s:.1f} s ({work})"
        )
        schema = work / "card.schema.json"
        measure(catalog_cmd("schema"), sites.plugin, stdout=schema)
        result["warm_up"] = warm_up(sites)
        result["builds"] = bench_builds(sites, args.runs, log)
        result["pages"] = {"plugin": page_sizes(sites.plugin / "site"), "baseline": page_sizes(sites.baseline / "site")}
        # The edit comes first, while the cache of the last warm build is there; validation then starts cold.
        steps: list[tuple[str, str, Callable[[], Json]]] = [
            ("edit", "one-card edit", lambda: bench_edit(sites)),
            (
                "browser",
                "browser: typing into the catalog filter",
                lambda: bench_browser(sites.plugin / "site", args.runs),
            ),
            ("validation", "validate and check-jsonschema", lambda: bench_validation(sites, args.runs, schema)),
        ]
        for key, label, step in steps:
            if key == "browser" and args.skip_browser:
                continue
            log(f"  {label}")
            try:
                result[key] = step()
            except BenchError as exc:
                result[key] = {"error": str(exc)}
                log(f"  {label} FAILED: {exc}")
    except BenchError as exc:
        result["error"] = str(exc)
        log(f"  FAILED: {exc}")
    finally:
        result["load_average_end"] = os.getloadavg()[0]
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return result


# --------------------------------------------------------------------------- reporting


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_bytes(size: float | None) -> str:
    if size is None:
        return "-"
    for unit, scale in (("GB", GB), ("MB", MB), ("KB", KB)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:.0f} B"


def get(data: Json, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data or data[key] is None:
            return None
        data = data[key]
    return data


def table_for(result: Json) -> str:
    """The readable table of one N."""
    n = result["n"]
    lines = [
        f"\n== N = {n:,} cards ({result.get('models', 0):,} models); 1-minute load average "
        f"{result['load_average_start']:.1f} at the start, {result['load_average_end']:.1f} at the end "
        f"on {os.cpu_count()} CPUs"
    ]
    if "error" in result:
        lines.append(f"   FAILED: {result['error']}")
    builds = result.get("builds")
    if builds:
        lines.append(f"   {'build':<22}{'median':>10}{'min':>10}{'max':>10}{'per card':>11}{'peak RSS':>11}")
        for key, label in (("plugin_cold", "plugin, cold"), ("plugin_warm", "plugin, warm"), ("baseline", "baseline")):
            s = builds[key]
            lines.append(
                f"   {label:<22}{fmt_s(s['median_s']):>10}{fmt_s(s['min_s']):>10}{fmt_s(s['max_s']):>10}"
                f"{s['per_card_s'] * 1000:>8.2f} ms{fmt_bytes(s['peak_rss_bytes']):>11}"
            )
        lines.append(
            f"   ratio plugin/baseline: cold {builds['ratio_cold']:.2f}, warm {builds['ratio_warm']:.2f}"
            f"   (plugin cache {'present' if builds['cache_present'] else 'absent'} after builds)"
        )
    warnings = get(result, "warm_up")
    if warnings and (warnings["plugin_warnings"] or warnings["baseline_warnings"]):
        lines.append(
            f"   build warnings: plugin {len(warnings['plugin_warnings'])}, "
            f"baseline {len(warnings['baseline_warnings'])} (see the JSON)"
        )
    pages = result.get("pages")
    if pages and pages["plugin"].get("pages"):
        p, b = pages["plugin"], pages["baseline"]
        lines.append(
            f"   card page: avg {fmt_bytes(p['avg_bytes'])}, max {fmt_bytes(p['max_bytes'])} over {p['pages']:,} "
            f"pages (baseline avg {fmt_bytes(b.get('avg_bytes'))}, max {fmt_bytes(b.get('max_bytes'))})"
        )
    for key in ("edit", "browser", "validation"):
        if get(result, key, "error"):
            lines.append(f"   {key}: FAILED: {result[key]['error']}")
    validation = result.get("validation")
    if validation and "error" not in validation:
        line = (
            f"   validate: cold {fmt_s(get(validation, 'validate_cold', 'median_s'))}, "
            f"warm {fmt_s(get(validation, 'validate_warm', 'median_s'))}"
        )
        if validation.get("check_jsonschema"):
            line += (
                f"; check-jsonschema {fmt_s(validation['check_jsonschema']['median_s'])}; validate/check-jsonschema "
                f"cold {validation['ratio_validate_cold_to_cjs']:.2f}, warm {validation['ratio_validate_warm_to_cjs']:.2f}"
            )
        else:
            line += f"; check-jsonschema {validation.get('check_jsonschema_note')}"
        lines.append(line)
    edit = result.get("edit")
    if edit and "error" not in edit:
        lines.append(
            f"   one-card edit under `mkdocs serve`: plugin's own work in the rebuild "
            f"{fmt_s(edit['serve_rebuild_plugin_s'])}, {edit['serve_rebuild_to_cold_plugin_ratio']:.3f}x a cold "
            f"`mkdocs build`'s ({fmt_s(edit['cold_build_plugin_s'])}; the build took {fmt_s(edit['cold_build_s'])}) "
            f"and {edit['serve_rebuild_to_first_plugin_ratio']:.3f}x serve's own first build's "
            f"({fmt_s(edit['serve_first_build_plugin_s'])}, one process)"
        )
        lines.append(
            f"   one-card edit, separate builds: warm build {fmt_s(edit['warm_build_s'])} (plugin's own work "
            f"{fmt_s(edit['warm_build_plugin_s'])}), then the build after the edit {fmt_s(edit['edit_build_s'])} "
            f"(plugin's own work {fmt_s(edit['edit_build_plugin_s'])}, "
            f"{edit['edit_build_to_cold_plugin_ratio']:.2f}x the cold one)"
        )
    browser = result.get("browser")
    if browser and "error" not in browser:
        lines.append(
            f"   index page {fmt_bytes(get(result, 'pages', 'plugin', 'index_bytes'))}, {browser['rows']:,} rows, "
            f"loaded in {fmt_s(browser['page_load_s'])}, search ready after {fmt_s(browser['search_ready_s'])}; "
            f'keystroke ({browser["keystrokes"]} typing "{browser["word"]}"): '
            f"{keystroke_text(browser)}"
        )
        lines.append(f"   while search still indexes: {keystroke_text(browser['while_search_indexes'])}")
    return "\n".join(lines)


def keystroke_text(figures: Json) -> str:
    return (
        f"median {figures['keystroke_median_ms']:.2f} ms, max {figures['keystroke_max_ms']:.2f} ms (of which URL "
        f"update: median {figures['keystroke_url_update_median_ms']:.2f} ms); with layout: median "
        f"{figures['keystroke_with_layout_median_ms']:.2f} ms, max {figures['keystroke_with_layout_max_ms']:.2f} ms"
    )


def by_n(results: list[Json], n: int) -> Json | None:
    return next((r for r in results if r["n"] == n and "error" not in r), None)


def targets(results: list[Json]) -> list[Json]:
    """Each target with the measured value and PASS, FAIL or N/A (when the N it needs was not run)."""
    ok = [r for r in results if "error" not in r]
    k1, k10 = by_n(results, 1000), by_n(results, 10000)

    def ratio(a: Json | None, b: Json | None) -> float | None:
        if not a or not b:
            return None
        return float(get(a, "builds", "plugin_cold", "median_s")) / float(get(b, "builds", "plugin_cold", "median_s"))

    def worst(*paths: tuple[str, ...]) -> float | None:
        values = [v for r in ok for path in paths if (v := get(r, *path)) is not None]
        return max(values) if values else None

    # (target, measured value, comparison, limit, unit, what it needs)
    found = [
        ("1k build, plugin cold / baseline", get(k1, "builds", "ratio_cold") if k1 else None, "<=", 1.0, "x", "N=1000"),
        ("1k build, plugin warm / baseline", get(k1, "builds", "ratio_warm") if k1 else None, "<=", 0.7, "x", "N=1000"),
        ("10k plugin cold build time / 1k", ratio(k10, k1), "<=", 10.5, "x", "N=1000 and N=10000"),
        ("card page size (max over all N)", worst(("pages", "plugin", "max_bytes")), "<", 30 * KB, "B", "any N"),
        (
            "plugin build peak RSS (max over all N)",
            worst(("builds", "plugin_cold", "peak_rss_bytes"), ("builds", "plugin_warm", "peak_rss_bytes")),
            "<",
            1.5 * GB,
            "B",
            "any N",
        ),
        (
            "validate 1k, cold",
            get(k1, "validation", "validate_cold", "median_s") if k1 else None,
            "<",
            3.0,
            "s",
            "N=1000",
        ),
        (
            "validate 1k, warm",
            get(k1, "validation", "validate_warm", "median_s") if k1 else None,
            "<",
            0.3,
            "s",
            "N=1000",
        ),
        (
            "1k one-card edit in serve: plugin work / cold",
            get(k1, "edit", "serve_rebuild_to_cold_plugin_ratio") if k1 else None,
            "<",
            0.1,
            "x",
            "N=1000",
        ),
        (
            "keystroke in the filter, settled page, with layout (max over N)",
            worst(("browser", "keystroke_with_layout_max_ms")),
            "<",
            50.0,
            "ms",
            "the browser step",
        ),
    ]
    out = []
    for name, value, comparison, limit, unit, needs in found:
        met = value is not None and (value < limit if comparison == "<" else value <= limit)
        out.append(
            {
                "target": name,
                "value": value,
                "comparison": comparison,
                "limit": limit,
                "unit": unit,
                "verdict": "N/A" if value is None else "PASS" if met else "FAIL",
                "needs": needs,
            }
        )
    return out


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return {"x": f"{value:.2f}x", "B": fmt_bytes(value), "s": fmt_s(value), "ms": f"{value:.2f} ms"}[unit]


def summary(results: list[Json], checks: list[Json]) -> str:
    lines = ["\n== Summary"]
    for check in checks:
        limit = fmt_value(check["limit"], check["unit"])
        note = f"  (needs {check['needs']})" if check["verdict"] == "N/A" else ""
        lines.append(
            f"   {check['verdict']:<5} {check['target']:<42} {fmt_value(check['value'], check['unit']):>10}"
            f"  target {check['comparison']} {limit}{note}"
        )
    ok = sorted((r for r in results if "error" not in r and r.get("builds")), key=lambda r: r["n"])
    if len(ok) > 1:
        steps = ", ".join(
            f"{a['n']:,}->{b['n']:,}: cold x{b['builds']['plugin_cold']['median_s'] / a['builds']['plugin_cold']['median_s']:.1f}"
            f", warm x{b['builds']['plugin_warm']['median_s'] / a['builds']['plugin_warm']['median_s']:.1f}"
            f", baseline x{b['builds']['baseline']['median_s'] / a['builds']['baseline']['median_s']:.1f}"
            for a, b in itertools.pairwise(ok)
        )
        lines.append(f"   scaling of build times: {steps}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine information


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine_info() -> Json:
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or None,
    )
    mem_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal:")), None
    )
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    status = _git("status", "--porcelain")
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_total_bytes": mem_kb * 1024 if mem_kb else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "load_average": list(os.getloadavg()),
        "env": {name: os.environ[name] for name in ENV_RECORDED if name in os.environ},
    }


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The performance benchmark of model-catalog (see bench/README.md).")
    parser.add_argument(
        "--n", type=int, nargs="+", default=[100, 1000, 10000], help="numbers of cards (default: 100 1000 10000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each measurement (default: 3)")
    parser.add_argument(
        "--out", type=Path, default=BENCH / "results" / "latest.json", help="JSON file for every figure"
    )
    parser.add_argument("--skip-browser", action="store_true", help="do not measure the filter in Chromium")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated cards (default: 0)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (their folder is printed)")
    args = parser.parse_args(argv)
    if args.runs < 1 or any(n < 1 for n in args.n):
        parser.error("--runs and --n must be at least 1")
    return args


def write_report(out: Path, machine: Json, args: argparse.Namespace, results: list[Json], checks: list[Json]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine,
        "settings": {
            "n": args.n,
            "runs": args.runs,
            "seed": args.seed,
            "skip_browser": args.skip_browser,
            "word": WORD,
        },
        "results": results,
        "targets": checks,
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(f"bench/run.py: stopped by signal {signal.Signals(signum).name}")


def compile_package() -> None:
    """Byte-compile model_catalog, as `pip install` does for an installed package.

    An editable install has no bytecode, and with PYTHONDONTWRITEBYTECODE set
    every command would compile the package again (about 30 ms of each `validate`).
    """
    import compileall

    import model_catalog

    compileall.compile_dir(str(Path(model_catalog.__file__).parent), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # clean up the generated sites when stopped

    def log(message: str) -> None:
        print(message, flush=True)

    machine = machine_info()
    log(
        f"model-catalog benchmark: {machine['cpu_count']} x {machine['cpu_model']}, "
        f"{fmt_bytes(machine['memory_total_bytes'])} RAM, Python {machine['python']}, "
        f"mkdocs {machine['packages']['mkdocs']}, commit {(machine['git_commit'] or '?')[:10]}"
        f"{' (dirty)' if machine['git_dirty'] else ''}; {args.runs} run(s) per figure"
    )
    compile_package()
    results = []
    for n in args.n:
        started = time.perf_counter()
        result = bench_n(n, args, log)
        result["total_s"] = time.perf_counter() - started
        results.append(result)
        log(table_for(result))
        write_report(args.out, machine, args, results, targets(results))  # what is measured survives an interruption
    checks = targets(results)
    log(summary(results, checks))
    write_report(args.out, machine, args, results, checks)
    log(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
