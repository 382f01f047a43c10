"""Notebooks are committed clean: no outputs, no execution counts, the kernel CI runs them with.

Outputs of a notebook run on a research corpus would hold corpus text (tables, KWIC lines, error
analysis), and those corpora may never enter git (see notebooks/README.md). Stripping outputs before
every commit is the rule; this test reads each notebook's JSON and fails on anything left behind.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ("01_quickstart", "02_outlet_comparison", "03_classifier", "04_lexicon_authoring")


def notebook_problems(notebook: dict) -> list[str]:
    """Everything that makes a notebook (parsed .ipynb JSON) not clean, one message per problem."""
    problems = []
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec name is {kernel!r}, CI runs notebooks with 'python3'")
    if "widgets" in notebook.get("metadata", {}):
        problems.append("metadata holds widget state (saved output)")
    for index, cell in enumerate(notebook.get("cells", [])):
        where = f"cell {index} ({cell.get('cell_type')})"
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                problems.append(f"{where} has {len(cell['outputs'])} output(s)")
            if cell.get("execution_count") is not None:
                problems.append(f"{where} has execution_count {cell['execution_count']}")
        if cell.get("attachments"):
            problems.append(f"{where} has attachments")
    return problems


def _paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_four_notebooks_exist():
    assert [p.stem for p in _paths()] == list(EXPECTED)


@pytest.mark.parametrize("path", _paths(), ids=lambda p: p.name)
def test_notebook_is_committed_clean(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook.get("cells"), f"{path.name} has no cells"
    problems = notebook_problems(notebook)
    assert not problems, f"{path.name} is not clean (clear all outputs before committing): " + "; ".join(problems)


def test_checker_flags_outputs_and_counts():
    dirty = {
        "metadata": {"kernelspec": {"name": "python3"}},
        "cells": [
            {"cell_type": "markdown", "source": "# title"},
            {"cell_type": "code", "source": "1 + 1", "execution_count": 3,
             "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}}]},
        ],
    }
    problems = notebook_problems(dirty)
    assert any("output" in p for p in problems) and any("execution_count 3" in p for p in problems)
    clean = {"metadata": {"kernelspec": {"name": "python3"}},
             "cells": [{"cell_type": "code", "source": "1", "execution_count": None, "outputs": []}]}
    assert notebook_problems(clean) == []
    assert notebook_problems({"metadata": {"kernelspec": {"name": "other"}}, "cells": []})
