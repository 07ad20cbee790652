"""Two installations of model-catalog measured side by side, on the same generated catalog, alternating.

    python bench/compare.py --old /tmp/venv-old/bin/python --new .venv/bin/python --n 1000 --runs 3

``--old`` and ``--new`` are the interpreters of two virtualenvs, each with MkDocs, mkdocs-material and one version
of model-catalog installed (for an older commit: ``git worktree add /tmp/old COMMIT`` and
``python -m venv /tmp/venv-old && /tmp/venv-old/bin/pip install /tmp/old``). Each figure of bench/run.py that
depends only on the plugin is measured for both, one after the other in every run, the order swapped from run to
run, so that the machine's load falls on both alike: the cold and warm builds (wall and CPU time), the plugin's
own work in them, ``validate`` cold and warm, and the plugin's work in `mkdocs serve`'s rebuild after a one-card edit. It prints the
medians and the ratio new/old, and writes them as JSON. Nothing here is a test: it only prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py: its measurements, with run.PYTHON set to each installation in turn)

Figures = dict[str, list[float]]


_COMPILE = (
    "import compileall, model_catalog, os; compileall.compile_dir(os.path.dirname(model_catalog.__file__), quiet=1)"
)
"""Byte-compiles the installation's package, as bench/run.py does its own (see ``run.compile_package``)."""


def measure_once(site: Path, runs: int) -> dict[str, float]:
    """One round of every figure for the installation run.PYTHON names, on ``site``."""
    figures: dict[str, float] = {}
    run.clear_cache(site)
    cold, timings = run.timed_build(site, site.parent / "timings.json")
    figures["build cold (s)"] = cold.wall_s
    figures["build cold, CPU (s)"] = cold.cpu_s
    figures["plugin work, cold build (s)"] = timings["total_s"]
    figures["peak RSS, cold build (MB)"] = cold.peak_rss_bytes / 1e6
    warm, timings = run.timed_build(site, site.parent / "timings.json")
    figures["build warm (s)"] = warm.wall_s
    figures["build warm, CPU (s)"] = warm.cpu_s
    figures["plugin work, warm build (s)"] = timings["total_s"]
    run.clear_cache(site)
    validated = run.measure(run.catalog_cmd("validate"), site)[0]
    figures["validate cold (s)"], figures["validate cold, CPU (s)"] = validated.wall_s, validated.cpu_s
    warm_runs = [run.measure(run.catalog_cmd("validate"), site)[0].wall_s for _ in range(max(5, runs))]
    figures["validate warm (s)"] = statistics.median(warm_runs)
    return figures


def serve_edit(site: Path, target: Path, n: int) -> dict[str, float]:
    """The plugin's work in `mkdocs serve`'s rebuild after a one-card edit, as bench/run.py measures it."""
    sites = run.Sites(site.parent, site, site, n, 0, target)
    run.clear_cache(site)  # the first build is a cold one, as in bench/run.py
    first, rebuilds = run.serve_edit(sites, edits=3)
    return {
        "serve first build, plugin work (s)": first["total_s"],
        "serve one-card edit, plugin work (s)": statistics.median(build["total_s"] for build in rebuilds),
    }


def alternate(
    sites: dict[str, Path], pythons: dict[str, str], runs: int, measure: Callable[[str, Path], dict[str, float]]
) -> dict[str, Figures]:
    """``measure`` of each installation's copy of the site, ``runs`` times, the order swapped every run."""
    found: dict[str, Figures] = {name: {} for name in sites}
    for index in range(runs):
        for name in list(sites) if index % 2 == 0 else list(reversed(sites)):
            run.PYTHON = pythons[name]
            for figure, value in measure(name, sites[name]).items():
                found[name].setdefault(figure, []).append(value)
            print(f"  round {index + 1}/{runs}, {name}: done", flush=True)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the Python of the installation compared against")
    parser.add_argument("--new", required=True, help="the Python of the installation measured")
    parser.add_argument("--n", type=int, default=1000, help="cards in the generated catalog (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of every figure (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "compare.json")
    args = parser.parse_args(argv)
    # Absolute, as the runs start in other folders; not resolved: a virtualenv's python is a link to its base.
    pythons = {"old": os.path.abspath(args.old), "new": os.path.abspath(args.new)}
    with tempfile.TemporaryDirectory(prefix="mc-compare-") as folder:
        root = Path(folder)
        sites, _ = run.make_sites(root / "generated", args.n, args.seed)
        copies = {}
        for name in pythons:
            copies[name] = root / name / "plugin"
            shutil.copytree(sites.plugin, copies[name])
        print(
            f"{args.n} cards; {args.runs} rounds, alternating {pythons['old']} (old) and {pythons['new']} (new)",
            flush=True,
        )
        for name, site in copies.items():  # untimed: fills the OS's file cache for both
            run.PYTHON = pythons[name]
            subprocess.run([run.PYTHON, "-c", _COMPILE], check=True)  # an editable install has no bytecode
            run.clear_cache(site)
            run.measure(run.build_cmd(), site)
        figures = alternate(copies, pythons, args.runs, lambda name, site: measure_once(site, args.runs))
        edit = sites.edit_target.relative_to(sites.plugin)
        serve = alternate(copies, pythons, min(args.runs, 2), lambda name, site: serve_edit(site, site / edit, args.n))
        for name in figures:
            figures[name].update(serve[name])
    report = _report(figures)
    print(report["table"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"old": args.old, "new": args.new, "n": args.n, "runs": args.runs,
                                    "figures": figures, "medians": report["medians"]}, indent=2))  # fmt: skip
    print(f"figures written to {args.out}")
    return 0


def _report(figures: dict[str, Figures]) -> dict[str, Any]:
    medians = {name: {figure: statistics.median(values) for figure, values in found.items()}
               for name, found in figures.items()}  # fmt: skip
    lines = [f"{'figure':42} {'old':>10} {'new':>10} {'new/old':>8}"]
    for figure in medians["old"]:
        old, new = medians["old"][figure], medians["new"][figure]
        lines.append(f"{figure:42} {old:10.3f} {new:10.3f} {new / old if old else float('nan'):8.2f}")
    return {"medians": medians, "table": "\n".join(lines)}


if __name__ == "__main__":
    raise SystemExit(main())
