"""Where the project's own files are: lexicons, demo data, the default model, fonts.

In a source checkout (``pip install -e .``) they are the top-level folders; in a wheel they are
bundled under ``rhetoric/_bundled``.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent
_BUNDLED = PACKAGE_DIR / "_bundled"


def project_path(*parts: str) -> Path:
    """Path of a project file such as ``project_path("lexicons")`` or ``("data", "demo")``."""
    for root in (_CHECKOUT, _BUNDLED):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return _CHECKOUT.joinpath(*parts)


def lexicons_dir() -> Path:
    return project_path("lexicons")


def demo_corpus_path() -> Path:
    return project_path("data", "demo", "corpus.jsonl")


def fonts_dir() -> Path:
    return PACKAGE_DIR / "fonts"


def cache_root() -> Path:
    """Where rhetoric keeps what it can rebuild (embedding vectors, the normalisation table):
    ``$RHETORIC_CACHE``, by default ``~/.cache/rhetoric``."""
    return Path(os.environ.get("RHETORIC_CACHE") or Path.home() / ".cache" / "rhetoric")
