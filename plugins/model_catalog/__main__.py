"""``python -m model_catalog``: the same as the ``model-catalog`` command."""

from model_catalog.cli import run

run()
