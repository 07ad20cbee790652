"""Building large data without Python's cyclic garbage collector running again and again."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects that form no cycles are made at once.

    Each collection of the oldest generation walks every object alive, and one
    starts whenever that generation has grown by a quarter: while thousands of
    cards are decoded, that is over and over, with nothing to collect. Reference
    counting still frees everything as usual; the collector resumes (if it was
    running) when the block ends, error or not.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
