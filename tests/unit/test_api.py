"""The package's public face: the names of ``__all__``, each importable, none shadowing a module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import model_catalog


def test_every_public_name_resolves_and_none_is_a_module_name() -> None:
    assert set(model_catalog.__all__) == {*model_catalog._WHERE, "__version__"}
    modules = {info.name for info in pkgutil.iter_modules(model_catalog.__path__)}
    assert not set(model_catalog.__all__) & modules
    for name in model_catalog.__all__:
        assert getattr(model_catalog, name) is not None, name
    assert set(model_catalog.__all__) <= set(dir(model_catalog))


def test_importing_the_package_imports_nothing_it_does_not_use() -> None:
    probe = "import sys, model_catalog; print(sorted(m for m in sys.modules if m.startswith(('model_catalog', 'mkdocs', 'cerberus', 'jinja2'))))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "['model_catalog', 'model_catalog._version']"
