"""A pytest plugin for the nbval run in test_notebooks.py: it writes what each executed notebook cell showed
to $NBVAL_OUTPUTS_DIR/<notebook>.jsonl, so the tests can check what a reader sees (nbval itself keeps
outputs only in memory, as `item.test_outputs`)."""

import json
import os
from pathlib import Path

import pytest


@pytest.hookimpl(hookwrapper=True)  # a wrapper: makereport is a first-result hook
def pytest_runtest_makereport(item, call):
    yield
    outputs = getattr(item, "test_outputs", None)
    folder = os.environ.get("NBVAL_OUTPUTS_DIR")
    if call.when != "call" or outputs is None or not folder:
        return
    record = {"cell": item.name, "source": getattr(getattr(item, "cell", None), "source", ""),
              "outputs": [dict(output) for output in outputs]}
    with open(Path(folder) / f"{Path(str(item.fspath)).stem}.jsonl", "a") as handle:
        handle.write(json.dumps(record, default=str) + "\n")
