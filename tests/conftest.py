"""Shared fixtures. Real-corpus tests take ``data_dir`` / ``require_dataset`` and skip cleanly when the
data directory ($RHETORIC_DATA) or the dataset is absent; they must never copy corpus text into files."""
from __future__ import annotations

from pathlib import Path

import pytest

from rhetoric import datasets


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
