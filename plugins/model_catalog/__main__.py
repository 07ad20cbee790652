"""``python -m model_catalog``: the same as the ``model-catalog`` command."""

from .cli import run

run()
