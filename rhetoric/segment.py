"""Voices: split every article into quoted voices and the outlet's own narration (the ``spans`` table).

Each document's ``text`` is cut into spans that cover it exactly, in order, without overlap: a quote
span for the content of each quotation (from :func:`rhetoric.quotes.extract_quotes`, with its speaker
fields) and narration spans for everything else — including the quote marks themselves, which are the
outlet's typography, not the speaker's words. A non-empty ``title`` is one narration span of its own
(``field='title'``). Columns are those of ``spans`` in :mod:`rhetoric.tables`.
"""
from __future__ import annotations

import bisect
from itertools import accumulate
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


#: Text joined into one array pass of :func:`_token_counts_many` before it is counted (bounds the
#: pass's memory: about 15 bytes per character).
_BATCH_CHARS = 1 << 20


def _token_counts_many(texts: list[str], stretches: list[list[tuple[int, int]]]) -> list[list[int]]:
    """``[[count_words(text[a:b]) for a, b in spans] for text, spans in zip(texts, stretches)]`` in one
    array pass over the texts joined by spaces (a space is in no run, so no run crosses two texts): the
    word runs are found once and every stretch is counted with one search over their starts (numpy's
    overhead per call, paid once per article, was most of the cost). Texts with a code point outside
    the BMP or a lone surrogate, and stretches whose edge cuts a run, are counted directly."""
    counts: list[list[int]] = []
    lo = 0
    while lo < len(texts):  # batches of about _BATCH_CHARS characters
        hi, size = lo + 1, len(texts[lo])
        while hi < len(texts) and size + len(texts[hi]) < _BATCH_CHARS:
            size += len(texts[hi]) + 1
            hi += 1
        counts.extend(_count_batch(texts[lo:hi], stretches[lo:hi]))
        lo = hi
    return counts


def _count_batch(texts: list[str], stretches: list[list[tuple[int, int]]]) -> list[list[int]]:
    """:func:`_token_counts_many` of a few texts at once."""
    bases = np.cumsum([0] + [len(t) + 1 for t in texts])  # where each text starts in the joined string
    padded = np.frombuffer(f" {' '.join(texts)} ".encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # a lone surrogate or a code point outside the BMP: that text is counted directly, blanked here
    odd = padded >= 0xD800
    odd &= (padded < 0xE000) | (padded >= 0x10000)
    direct: list[int] = []
    if odd.any():
        direct = sorted(set((np.searchsorted(bases, np.flatnonzero(odd) - 1, side="right") - 1).tolist()))
        padded = np.where(odd, np.uint32(32), padded)
    classes = word_run_classes()[padded]
    in_run = classes > 0
    edges = np.flatnonzero(in_run[1:] != in_run[:-1])  # joined offsets where runs start and end, alternating
    run_starts = edges[0::2]
    # (between runs there are no letters or digits, so each run's stretch up to the next run decides)
    word_starts = run_starts[np.maximum.reduceat(classes[1:-1], run_starts) == 2] if run_starts.size else run_starts
    bounds = np.array([base + p for base, spans in zip(bases.tolist(), stretches) for span in spans for p in span],
                      dtype=np.int64)  # a0, b0, a1, b1, ... in joined offsets
    found = np.searchsorted(word_starts, bounds)
    flat = (found[1::2] - found[0::2]).tolist()
    firsts = list(accumulate(map(len, stretches), initial=0))  # each text's first stretch in ``flat``
    # an edge cuts a run when the characters before and after it are both in runs
    cut = in_run[bounds] & in_run[bounds + 1]
    for k in np.flatnonzero(cut[0::2] | cut[1::2]).tolist():
        i = bisect.bisect_right(firsts, k) - 1
        a, b = stretches[i][k - firsts[i]]
        flat[k] = count_words(texts[i][a:b])
    for i in direct:
        flat[firsts[i]:firsts[i + 1]] = [count_words(texts[i][a:b]) for a, b in stretches[i]]
    return [flat[firsts[i]:firsts[i + 1]] for i in range(len(texts))]


def _cover(doc_id: str, text: str, quotes: list[Quote]) -> list[tuple[str, int, int, Quote | None]]:
    """(voice, start, end, quote) of the spans of one string: quotes as given, narration in the gaps
    (coverage is exact)."""
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
    return pieces


def _row(doc_id, field, span_id, voice, start, end, n_tokens, quote: Quote | None = None) -> tuple:
    """One row of the spans table, in the order of its columns."""
    if quote is None:
        return doc_id, field, span_id, voice, start, end, n_tokens, None, None, None, None, None, None, None
    return (doc_id, field, span_id, voice, start, end, n_tokens, quote.speaker, quote.speaker_start,
            quote.speaker_end, quote.speaker_id, quote.speaker_type, quote.cue, quote.stance)


def _pieces(doc_id: str, text: str, quotes: list[Quote]) -> list[tuple[str, int, int, int, Quote | None]]:
    """(voice, start, end, n_tokens, quote) of the spans of one string (:func:`_cover`)."""
    pieces = _cover(doc_id, text, quotes)
    counts = _token_counts_many([text], [[(start, end) for _, start, end, _ in pieces]])[0]
    return [(voice, start, end, n, quote) for (voice, start, end, quote), n in zip(pieces, counts)]


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
    narration span for every non-empty ``title``). The token counts of all spans are taken in one
    pass at the end (:func:`_token_counts_many`)."""
    registry = registry if registry is not None else load_registry()
    keys: list[tuple[str, str]] = []  # (doc_id, field) of every covered string
    strings: list[str] = []
    covers: list[list[tuple[str, int, int, Quote | None]]] = []
    for doc_id, title, text in _iter_docs(documents):
        if title:
            keys.append((doc_id, "title"))
            strings.append(title)
            covers.append(_cover(doc_id, title, []))
        quotes, _ = extract_quotes(text, registry)
        keys.append((doc_id, "text"))
        strings.append(text)
        covers.append(_cover(doc_id, text, quotes))
    counts = _token_counts_many(strings, [[(start, end) for _, start, end, _ in cover] for cover in covers])
    rows = [_row(doc_id, field, span_id, voice, start, end, n, quote)
            for (doc_id, field), cover, ns in zip(keys, covers, counts)
            for span_id, ((voice, start, end, quote), n) in enumerate(zip(cover, ns))]
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
