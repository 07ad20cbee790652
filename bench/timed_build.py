"""`mkdocs build` or `mkdocs serve` with the model-catalog plugin's event handlers timed.

Usage: ``python bench/timed_build.py TIMINGS.json [mkdocs build options]``, in the
folder of mkdocs.yml. Runs ``mkdocs build`` exactly as ``python -m mkdocs build``
does, and writes to TIMINGS.json the seconds spent in each ``on_*`` handler of
the plugin (summed over its calls) and their total: the plugin's own work,
as opposed to MkDocs' (reading, rendering the theme, writing, search).

``python bench/timed_build.py --serve TIMINGS.jsonl [mkdocs serve options]``
runs ``mkdocs serve`` instead and appends one such line to TIMINGS.jsonl after
each build (the first, and every rebuild after a change), until interrupted.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent


def instrument(cls: type, seconds: dict[str, float], calls: dict[str, int]) -> None:
    """Wrap every ``on_*`` method ``cls`` defines so that its time adds up in ``seconds``."""
    for name, method in list(vars(cls).items()):
        if not name.startswith("on_") or hasattr(BasePlugin, name):
            continue
        if isinstance(method, CombinedEvent):  # several handlers of one event, each with its own priority
            setattr(cls, name, CombinedEvent(*(_timed(sub, name, seconds, calls) for sub in method.methods)))
        elif inspect.isfunction(method):
            setattr(cls, name, _timed(method, name, seconds, calls))


def _timed(
    method: Callable[..., Any], name: str, seconds: dict[str, float], calls: dict[str, int]
) -> Callable[..., Any]:
    @functools.wraps(method)  # keeps MkDocs' event priority attributes
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
            calls[name] = calls.get(name, 0) + 1

    return wrapper


def _report(seconds: dict[str, float], calls: dict[str, int], ok: bool) -> str:
    return json.dumps({"ok": ok, "total_s": sum(seconds.values()), "handlers_s": seconds, "calls": calls})


def _record_each_build(out: Path, seconds: dict[str, float], calls: dict[str, int]) -> None:
    """Make `mkdocs serve` append the handler times to ``out`` after each of its builds, then start afresh."""
    from mkdocs.commands import serve

    build = serve.build

    def recorded(*args: Any, **kwargs: Any) -> None:
        ok = False
        try:
            build(*args, **kwargs)
            ok = True
        finally:
            with out.open("a", encoding="utf-8") as lines:
                lines.write(_report(seconds, calls, ok) + "\n")
            seconds.clear()
            calls.clear()

    serve.build = recorded  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    command = "build"
    if argv[:1] == ["--serve"]:
        command, argv = "serve", argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    from mkdocs.__main__ import cli

    from model_catalog.plugin import ModelCatalogPlugin

    out = Path(argv[0])
    seconds: dict[str, float] = {}
    calls: dict[str, int] = {}
    instrument(ModelCatalogPlugin, seconds, calls)
    if command == "serve":
        out.write_text("", encoding="utf-8")
        _record_each_build(out, seconds, calls)
    code = 0
    try:
        cli.main(args=[command, *argv[1:]], prog_name="mkdocs")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        if command == "build":
            out.write_text(_report(seconds, calls, code == 0), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
