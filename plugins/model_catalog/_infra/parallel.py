"""One function mapped over many items by forked worker processes, when there are enough to pay off.

Checking 10,000 cards or rendering their pages is CPU work the GIL keeps on one
core. Forked workers inherit what the function needs (the schema, the whole
site) without pickling it: only the items and the results cross between
processes. A machine without ``fork``, one worker, or few items: the function
runs here, in order. Measured in docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 200
"""Fewer items than this are not worth starting processes for (about 0.1 s each)."""

_job: tuple[Callable[[Any, Any], Any], Any] | None = None
"""The function and what it shares, while workers run: the one thing they inherit by forking."""


def _run_chunk(items: Sequence[Any]) -> list[Any]:
    assert _job is not None
    function, shared = _job
    return [function(shared, item) for item in items]


def fork_map(
    function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item], workers: int
) -> list[Result]:
    """``[function(shared, item) for item in items]``, by ``workers`` forked processes when worth it.

    ``shared`` is inherited by the workers, not pickled; items and results are pickled (keep them small). Items
    are dealt out in turn (``items[i::workers]``), so a run of slow items is spread over every worker.
    """
    if workers < 2 or len(items) < MIN_ITEMS:
        return [function(shared, item) for item in items]
    import multiprocessing  # here: a run that has little to do (a warm one: nothing) starts faster without it
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return [function(shared, item) for item in items]
    global _job  # noqa: PLW0603 - the workers inherit it by forking: the point of forking
    _job = (function, shared)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_run_chunk, [items[index::workers] for index in range(workers)]))
    finally:
        _job = None
    results: list[Any] = [None] * len(items)
    for index, part in enumerate(parts):
        results[index::workers] = part
    return results
