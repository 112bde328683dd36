"""nbval settings for the notebooks: the reproducible environment of
run_notebooks.py for every kernel, and a skip (with its reason) for the
notebooks and cells that need the full MNIST set where it cannot be had."""
import json
import os

import pytest
from run_notebooks import full_mnist_missing, reproducible_env

os.environ.update(reproducible_env())  # kernels started by nbval inherit it

def needs_full_mnist(path):
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get("backprop", {}).get("needs_full_mnist", False)


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason, every cell of a notebook whose metadata says
    backprop.needs_full_mnist, and every cell tagged needs-full-mnist, when the full
    MNIST set cannot be had. The other cells of such a notebook still run and are checked."""
    whole_notebook = {}
    for item in items:
        path = item.path
        if path.suffix != ".ipynb":
            continue
        if path not in whole_notebook:
            whole_notebook[path] = needs_full_mnist(path)
        tags = getattr(item, "cell", {}).get("metadata", {}).get("tags", [])
        if (whole_notebook[path] or "needs-full-mnist" in tags) and full_mnist_missing():
            item.add_marker(pytest.mark.skip(reason=f"{path.name} {full_mnist_missing()}"))

# The Japanese edition shares the English edition's code and outputs (tests/test_ja_edition.py
# proves it), so nbval runs on the English notebooks only.
collect_ignore = ["ja"]
