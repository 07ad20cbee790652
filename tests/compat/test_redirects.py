"""mkdocs-redirects: an old address sent to a model's permanent URL, which the catalog generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat.sites import add_plugin, built, example_copy


@pytest.mark.parametrize("redirects_first", [True, False], ids=["redirects-first", "redirects-last"])
def test_old_address_redirects_to_the_models_permanent_url(tmp_path: Path, redirects_first: bool) -> None:
    plugin = {"redirects": {"redirect_maps": {"old-credit.md": "models/credit-risk/index.md"}}}
    site = built(example_copy(tmp_path, lambda config: add_plugin(config, plugin, before_catalog=redirects_first)))
    html = (site / "old-credit" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../models/credit-risk/">' in html
    assert '<a href="../models/credit-risk/">' in html
    assert (site / "models" / "credit-risk" / "index.html").is_file()  # where it lands: the catalog's redirect
