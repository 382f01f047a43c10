"""rhetoric: propaganda and framing analysis of Arabic news.

The public API is small; each name is documented in its module:

- :func:`load_corpus` (:mod:`rhetoric.corpus`) -> documents table and row accounting
- :mod:`rhetoric.text` -> normalisation with original offsets, tokens, sentences, clitics
- :mod:`rhetoric.datasets` -> named loaders for the research corpora in ``$RHETORIC_DATA``
"""
from __future__ import annotations

__version__ = "0.1.0"

from .corpus import LoadReport, load_corpus  # noqa: E402
from .errors import RhetoricError  # noqa: E402

__all__ = ["__version__", "load_corpus", "LoadReport", "RhetoricError"]
