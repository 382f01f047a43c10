"""rhetoric: propaganda and framing analysis of Arabic news.

The public API is small; each name is documented in its module:

- :func:`load_corpus` (:mod:`rhetoric.corpus`) -> documents table and row accounting
- :func:`load_dataset` (:mod:`rhetoric.datasets`) -> the research corpora in ``$RHETORIC_DATA``
- :func:`analyze` -> :class:`Analysis` (:mod:`rhetoric.analysis`): voices, flags, per-outlet scores
- :func:`analyze_stream` (:mod:`rhetoric.engines.local`) -> the same on corpora larger than memory
- :func:`write_outputs` (:mod:`rhetoric.report`) -> tables, CSVs, plots and the HTML report
- :func:`extract_quotes` (:mod:`rhetoric.quotes`), :func:`load_lexicons` / :class:`Matcher`
  (:mod:`rhetoric.lexicon`, :mod:`rhetoric.match`), :class:`FramingClassifier` (:mod:`rhetoric.classify`)
- :mod:`rhetoric.text` (normalisation with original offsets), :mod:`rhetoric.plots`, :mod:`rhetoric.stats`

Names other than ``load_corpus`` are imported on first use, so ``import rhetoric`` stays quick.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .corpus import LoadReport, load_corpus  # noqa: E402
from .errors import RhetoricError  # noqa: E402

_LAZY = {
    "load_dataset": "datasets",
    "analyze": "analysis",
    "Analysis": "analysis",
    "analyze_stream": "engines.local",
    "write_outputs": "report",
    "extract_quotes": "quotes",
    "load_lexicons": "lexicon",
    "Matcher": "match",
    "FramingClassifier": "classify",
    "load_default_model": "classify",
}

__all__ = ["__version__", "load_corpus", "LoadReport", "RhetoricError", *_LAZY]


def __getattr__(name: str):
    """Import the module of a public name on first use (PEP 562)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rhetoric' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
