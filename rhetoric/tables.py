"""The tables passed between stages, with their documented columns.

Every stage takes and returns pandas DataFrames with these columns (extra columns are allowed and
kept), so a researcher can stop at any stage, filter, and go on. Offsets (``start``, ``end``) always
index the ORIGINAL string named by ``field`` (the document's ``text`` or ``title``), never a
normalised copy. :func:`check_table` is the one place that enforces the contract.
"""
from __future__ import annotations

import pandas as pd

from .errors import RhetoricError

#: table name -> {column: description}. Order is the canonical column order.
TABLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "str, unique document id (given as `id`/`doc_id`, or a stable hash of the text)",
        "outlet": "str, the publishing outlet ('unknown' when the corpus has none)",
        "date": "datetime64, publication (or crawl) date; NaT when unknown",
        "title": "str, headline ('' when none); narration by definition",
        "text": "str, the article body exactly as loaded (the original all offsets index)",
    },
    "spans": {
        "doc_id": "str",
        "field": "'text' or 'title': which original string the offsets index",
        "span_id": "int, 0.. in text order within (doc_id, field)",
        "voice": "'quote' or 'narration'; spans of one field cover it exactly, without overlap",
        "start": "int, original offset (inclusive)",
        "end": "int, original offset (exclusive)",
        "n_tokens": "int, word tokens in the span",
        "speaker": "str or None, speaker surface string (quotes only)",
        "speaker_start": "Int64 or NA, offset of the speaker mention in `text`",
        "speaker_end": "Int64 or NA",
        "speaker_id": "str or None, registry id (lexicons/speakers.yaml) when the speaker is known",
        "speaker_type": "str or None, state_media / government / military / party / opposition / "
        "international_org / independent_media / expert / citizen / unknown",
        "cue": "str or None, the attribution cue as written (قال، حسبما ذكرت، ...)",
        "stance": "str or None, neutral / endorsing / distancing stance of the cue",
    },
    "matches": {
        "doc_id": "str",
        "field": "'text' or 'title'",
        "span_id": "int, the span the hit starts in",
        "voice": "'quote' or 'narration' (copied from the span, for convenience)",
        "start": "int, original offset of the hit",
        "end": "int",
        "surface": "str, original[start:end]",
        "entry_id": "str, stable lexicon entry id",
        "term": "str, the entry's term as written in the lexicon",
        "lexicon": "str, lexicon name",
        "lexicon_version": "str, short hash of the lexicon file content",
        "category": "str",
        "weight": "float",
        "clitics": "str, clitic breakdown of the first word, e.g. و+ب+ال+إمبريالية",
    },
    "predictions": {
        "doc_id": "str",
        "field": "'text' or 'title'",
        "unit_id": "int, 0.. within (doc_id, field); a unit is a sentence cut at span borders",
        "span_id": "int",
        "voice": "'quote' or 'narration'",
        "start": "int",
        "end": "int",
        "prob": "float, classifier probability of framing/propaganda",
        "label": "bool, prob >= the model's threshold",
        "top_features": "str, JSON list of [feature, weight] that pushed this unit's score most",
    },
}


def columns(table: str) -> list[str]:
    """The canonical columns of ``table``."""
    return list(TABLES[table])


def check_table(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Raise a clear error when ``df`` lacks a column of ``table``; return ``df`` unchanged."""
    if table not in TABLES:
        raise RhetoricError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    missing = [c for c in TABLES[table] if c not in df.columns]
    if missing:
        raise RhetoricError(
            f"{table} table is missing column(s) {', '.join(missing)}; it has {', '.join(map(str, df.columns))}"
        )
    return df


def empty(table: str) -> pd.DataFrame:
    """An empty DataFrame with the columns of ``table``."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in TABLES[table]})
