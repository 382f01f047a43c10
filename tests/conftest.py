"""Shared fixtures. Real-corpus tests take ``data_dir`` / ``require_dataset`` and skip cleanly when the
data directory ($RHETORIC_DATA) or the dataset is absent; they must never copy corpus text into files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from rhetoric import datasets

# Property tests explore the same examples on every run (CI must not pass or fail by chance);
# HYPOTHESIS_PROFILE=explore searches afresh when you hunt for new counter-examples locally.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The data directory holding the research corpora; skips the test when it does not exist."""
    path = datasets.data_dir()
    if not path.is_dir():
        pytest.skip(f"no data directory at {path} (set RHETORIC_DATA to the corpora folder)")
    return path


@pytest.fixture(scope="session")
def require_dataset(data_dir):
    """``require_dataset(name)`` skips the test when dataset ``name`` is not in the data directory."""

    def need(name: str) -> Path:
        path = datasets.dataset_path(name)
        if not path.is_dir():
            pytest.skip(f"dataset {name!r} not found at {path}")
        return path

    return need


@pytest.fixture
def write_jsonl(tmp_path):
    """``write_jsonl(records, name="corpus.jsonl") -> Path``: a JSONL file of authored records."""
    import json

    def write(records, name: str = "corpus.jsonl") -> Path:
        path = tmp_path / name
        with open(path, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return path

    return write
