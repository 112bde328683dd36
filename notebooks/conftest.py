"""nbval settings for the notebooks: the reproducible environment of
run_notebooks.py for every kernel, and a skip (with its reason) for the
notebooks that need the full MNIST set where it cannot be had."""
import json
import os

import pytest
from run_notebooks import full_mnist_missing, reproducible_env

os.environ.update(reproducible_env())  # kernels started by nbval inherit it

def needs_full_mnist(path):
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get("backprop", {}).get("needs_full_mnist", False)


def pytest_collection_modifyitems(config, items):
    checked = {}
    for item in items:
        path = item.path
        if path.suffix != ".ipynb":
            continue
        if path not in checked:
            checked[path] = needs_full_mnist(path) and full_mnist_missing()
        if checked[path]:
            item.add_marker(pytest.mark.skip(reason=f"{path.name} {checked[path]}"))
