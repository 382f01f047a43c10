"""Voices: split every article into quoted voices and the outlet's own narration (the ``spans`` table).

Each document's ``text`` is cut into spans that cover it exactly, in order, without overlap: a quote
span for the content of each quotation (from :func:`rhetoric.quotes.extract_quotes`, with its speaker
fields) and narration spans for everything else — including the quote marks themselves, which are the
outlet's typography, not the speaker's words. A non-empty ``title`` is one narration span of its own
(``field='title'``). Columns are those of ``spans`` in :mod:`rhetoric.tables`.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .errors import RhetoricError
from .quotes import Quote, extract_quotes
from .speakers import Registry, load_registry
from .tables import check_table, columns
from .text import count_words, word_run_classes

__all__ = ["segment_documents", "segment_text", "quotes_table", "QUOTE_COLUMNS"]

#: Columns of :func:`quotes_table` (one row per quote).
QUOTE_COLUMNS = ["doc_id", "quote_id", "start", "end", "text", "speaker", "speaker_start", "speaker_end",
                 "speaker_id", "speaker_type", "cue", "stance", "how"]


def _token_counts(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """``[count_words(text[a:b]) for a, b in spans]``: the word runs are found once with array
    operations and every stretch is counted with one search over their starts (count_words over
    every span was a tenth of the stage's cost). Short texts, texts with a character outside the BMP
    or a lone surrogate, and stretches whose edge cuts a run are counted directly."""
    if len(text) < 200 or not spans:
        return [count_words(text[a:b]) for a, b in spans]
    try:
        padded = np.frombuffer(f" {text} ".encode("utf-32-le"), dtype=np.uint32)  # runs end inside
        classes = word_run_classes()[padded]
    except (UnicodeEncodeError, IndexError):  # a lone surrogate, a code point outside the BMP
        return [count_words(text[a:b]) for a, b in spans]
    in_run = classes > 0
    edges = np.flatnonzero(in_run[1:] != in_run[:-1])  # text offsets where runs start and end, alternating
    run_starts = edges[0::2]
    bounds = np.array(spans, dtype=np.int64).reshape(-1)  # a0, b0, a1, b1, ...
    if run_starts.size:
        # (between runs there are no letters or digits, so each run's stretch up to the next run decides)
        is_word = np.logical_or.reduceat(classes[1:-1] == 2, run_starts)
        found = np.searchsorted(run_starts[is_word], bounds)
        counts = (found[1::2] - found[0::2]).tolist()
    else:
        counts = [0] * len(spans)
    # an edge cuts a run when text[p - 1] and text[p] are both in runs (in_run[p], in_run[p + 1])
    cut = in_run[bounds] & in_run[bounds + 1]
    for k in np.flatnonzero(cut[0::2] | cut[1::2]).tolist():
        a, b = spans[k]
        counts[k] = count_words(text[a:b])
    return counts


def _pieces(doc_id: str, text: str, quotes: list[Quote]) -> list[tuple[str, int, int, int, Quote | None]]:
    """(voice, start, end, n_tokens, quote) of the spans of one string: quotes as given, narration
    in the gaps (coverage is exact)."""
    pieces: list[tuple[str, int, int, Quote | None]] = []
    cursor = 0
    for quote in sorted(quotes, key=lambda q: q.start):
        if quote.start < cursor or quote.end > len(text) or quote.end <= quote.start:
            raise RhetoricError(f"document {doc_id!r}: quote [{quote.start}, {quote.end}) overlaps or "
                                "leaves the text; quotes must be disjoint spans inside the text")
        if quote.start > cursor:
            pieces.append(("narration", cursor, quote.start, None))
        pieces.append(("quote", quote.start, quote.end, quote))
        cursor = quote.end
    if cursor < len(text):
        pieces.append(("narration", cursor, len(text), None))
    counts = _token_counts(text, [(start, end) for _, start, end, _ in pieces])
    return [(voice, start, end, n, quote) for (voice, start, end, quote), n in zip(pieces, counts)]


def _row(doc_id, field, span_id, voice, start, end, n_tokens, quote: Quote | None = None) -> tuple:
    """One row of the spans table, in the order of its columns."""
    if quote is None:
        return doc_id, field, span_id, voice, start, end, n_tokens, None, None, None, None, None, None, None
    return (doc_id, field, span_id, voice, start, end, n_tokens, quote.speaker, quote.speaker_start,
            quote.speaker_end, quote.speaker_id, quote.speaker_type, quote.cue, quote.stance)


def segment_text(doc_id: str, text: str, quotes: list[Quote], field: str = "text") -> list[dict]:
    """Span rows for one string: quotes as given, narration in the gaps (coverage is exact)."""
    names = columns("spans")
    return [dict(zip(names, _row(doc_id, field, span_id, *piece)))
            for span_id, piece in enumerate(_pieces(doc_id, text, quotes))]


def _iter_docs(documents: pd.DataFrame) -> Iterable[tuple[str, str, str]]:
    if not isinstance(documents, pd.DataFrame):
        raise RhetoricError("segment_documents expects a documents DataFrame (see rhetoric.tables)")
    for column in ("doc_id", "text"):
        if column not in documents.columns:
            raise RhetoricError(f"documents table has no {column!r} column; load it with rhetoric.corpus.load_corpus")
    titles = documents["title"] if "title" in documents.columns else [""] * len(documents)
    for doc_id, title, text in zip(documents["doc_id"], titles, documents["text"]):
        title = title if isinstance(title, str) else ""
        text = text if isinstance(text, str) else ""
        yield str(doc_id), title, text


def segment_documents(documents: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """The ``spans`` table of a documents table: quote and narration spans of every ``text`` (and one
    narration span for every non-empty ``title``)."""
    registry = registry if registry is not None else load_registry()
    rows: list[tuple] = []
    for doc_id, title, text in _iter_docs(documents):
        if title:
            rows.extend(_row(doc_id, "title", span_id, *piece)
                        for span_id, piece in enumerate(_pieces(doc_id, title, [])))
        quotes, _ = extract_quotes(text, registry)
        rows.extend(_row(doc_id, "text", span_id, *piece)
                    for span_id, piece in enumerate(_pieces(doc_id, text, quotes)))
    frame = pd.DataFrame.from_records(rows, columns=columns("spans"))
    for column in ("span_id", "start", "end", "n_tokens"):
        frame[column] = frame[column].astype("int64")
    for column in ("speaker_start", "speaker_end"):
        frame[column] = frame[column].astype("Int64")
    return check_table(frame, "spans")


def quotes_table(documents: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """One row per quote of every document (columns :data:`QUOTE_COLUMNS`), in text order."""
    registry = registry if registry is not None else load_registry()
    rows = []
    for doc_id, _title, text in _iter_docs(documents):
        quotes, _ = extract_quotes(text, registry)
        for quote_id, q in enumerate(quotes):
            rows.append({"doc_id": doc_id, "quote_id": quote_id, **q.to_dict(), "how": q.how})
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    for column in ("quote_id", "start", "end"):
        frame[column] = frame[column].astype("int64")
    for column in ("speaker_start", "speaker_end"):
        frame[column] = frame[column].astype("Int64")
    return frame
