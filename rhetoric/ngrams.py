"""Fast, exact drop-ins for scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer`
and :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.

scikit-learn builds n-grams one Python string at a time and counts them with one dict lookup each;
for the classifier's character 2-5 grams that was most of the CPU time of ``rhetoric analyze``. The
classes here give the SAME matrices (same vocabulary, same columns, same values, same dtypes) but
compute them with numpy, a batch of documents (~2^18 characters, so memory stays bounded) at a time:

* characters become small integers (a compact alphabet; 0 means "cannot be in the vocabulary": an
  unknown character or the separator between documents), so every n-gram of length ``n`` is ONE
  int64 ``sum(digit_k * base**(n-1-k))`` with digits >= 1 (lengths are unambiguous);
* all windows of a batch are encoded at once and looked up (transform) in an array indexed by code
  (short n-grams, while it stays small) or a C hash table of the vocabulary's codes (a
  ``pandas.Index``), or ranked with ``pandas.factorize`` (fit), then counted per (document, column)
  with one sort of integer keys;
* ``char_wb`` (transform): the documents are joined with a space around each and every white-space
  character made a space; its windows without an inner space are the n-grams of the padded words
  (n >= 2), which are never built one by one;
* the project's normaliser (``preprocessor=rhetoric.text.normalize``) runs on a whole batch at once
  through array indexing (same table, same strings);
* word n-grams: tokens become integer ids through one dict, and word n-grams are int64 codes over
  those ids. scikit-learn's default token pattern (runs of two or more ``\\w`` characters) is found
  with one character-class lookup over the batch; any other pattern runs per document.

When fitting, digits follow code-point order (token ids follow token order) and codes are
left-aligned (``code * base**(max_n - n)``), so the numeric order of the codes is the sorted order of
the terms: the vocabulary comes out sorted and scikit-learn's final sort has nothing to do.

Exactness rests on reproducing scikit-learn's analyzers: ``char_wb`` pads each ``str.split()`` word
with one space on both sides and takes the n-grams of the padded word (a padded word shorter than
``n`` once, then no longer ones); ``char`` collapses runs of two or more white-space characters into
one space; ``word`` joins ``n`` consecutive tokens with one space. ``tests/test_ngrams.py`` checks the
matrices against scikit-learn's on random Unicode text and on real news text.

Only :meth:`_count_vocab` (the analyse-and-count step that ``fit``, ``fit_transform`` and ``transform``
all use) and the vocabulary pruning / sorting helpers are replaced; everything else (parameter
validation, ``min_df`` / ``max_df`` / ``max_features``, tf-idf weighting) is scikit-learn's own code.

Fallbacks (scikit-learn's code runs, with the same result, only slower): a callable ``analyzer``; a
custom ``tokenizer`` or ``stop_words`` (word analyzer); a batch with a NUL character (``"\\x00"``) in a
preprocessed document (char analyzers, except the ``char_wb`` transform with ``min_n >= 2``) or a token
containing a space (word analyzer, non-default token pattern); an alphabet so large that
``base ** max_n`` would overflow int64.

:func:`to_fast` turns a scikit-learn vectorizer (e.g. inside a model saved before these classes
existed) into the fast class without refitting.

The fitted state is scikit-learn's (``vocabulary_`` dict, ``idf_`` array); it is saved with the
vocabulary packed into one string and two arrays (a 40,000-entry dict is 40,000 skops nodes), and
the lookup tables are rebuilt lazily after loading and never saved, so a skops file holds nothing
but plain data.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import chain, compress, islice, repeat
from operator import lt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer, _document_frequency
from sklearn.utils._sparse import _align_api_if_sparse

from .text import arrow_strings, normalization_arrays
from .text import normalize

__all__ = ["FastCountVectorizer", "FastTfidfVectorizer", "to_fast"]

_SEPARATOR = "\x00"  # between documents in a batch; a batch whose text contains it falls back
_INT64_LIMIT = 2**63
_BATCH_CHARS = 1 << 18  # characters per batch: the temporary arrays take ~150 bytes per character


class _Fallback(Exception):
    """This input needs scikit-learn's own code path (see the module doc)."""


# --------------------------------------------------------------------------- helpers


def _fits_int64(base: int, max_n: int) -> bool:
    return base ** max_n < _INT64_LIMIT


def _code_points(text: str) -> np.ndarray:
    """UTF-32 code points of ``text`` (lone surrogates kept, as Python strings may hold them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _batches(texts: list[str]):
    """Consecutive ``(start, stop)`` ranges of ``texts`` with about ``_BATCH_CHARS`` characters each."""
    if not texts:
        yield 0, 0
        return
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    start, done = 0, 0  # characters before ``start``
    while start < len(texts):
        stop = min(int(np.searchsorted(ends, done + _BATCH_CHARS)) + 1, len(texts))
        yield start, stop
        start, done = stop, int(ends[stop - 1])


def _row_of_position(lengths: np.ndarray, total: int) -> np.ndarray:
    """Document index of every position of ``separator.join(texts)`` (separators belong to the
    document before them)."""
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths + 1)[:total]


def _compact(rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n_rows: int, n_cols: int):
    """One batch's counts, small: (entries per row, column int32 when it fits, count as C int)."""
    col_dtype = np.int32 if n_cols <= np.iinfo(np.int32).max else np.int64
    return (np.bincount(rows, minlength=n_rows), cols.astype(col_dtype), counts.astype(np.intc))


def _csr(parts: list, n_cols: int, dtype):
    """The count matrix exactly as scikit-learn's ``_count_vocab`` builds it, from per-batch
    :func:`_compact` parts (rows in order; columns ascending within each row, no duplicates)."""
    per_row = np.concatenate([p[0] for p in parts])
    index_dtype = np.int64 if per_row.sum() > np.iinfo(np.int32).max else np.int32
    indptr = np.zeros(len(per_row) + 1, dtype=index_dtype)
    np.cumsum(per_row, out=indptr[1:])
    indices = np.concatenate([p[1] for p in parts]).astype(index_dtype, copy=False)
    X = sp.csr_array((np.concatenate([p[2] for p in parts]), indices, indptr),
                     shape=(len(per_row), n_cols), dtype=dtype)
    X.sort_indices()  # already sorted: this only records it, as scikit-learn's matrix does
    return _align_api_if_sparse(X)


def _count_pairs(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int):
    """Unique (row, col) pairs sorted by row then column, and how often each occurs. A pair is one
    integer key, the row above the column's bits (shifts and masks, not division, take it apart)."""
    shift = max(n_cols - 1, 0).bit_length()
    keys = (rows << shift) | cols
    if n_rows << shift <= 2**32:
        keys = keys.astype(np.uint32)  # sorts about twice as fast
    keys.sort()
    new = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    keys = keys[starts]
    return keys >> shift, keys & ((1 << shift) - 1), np.diff(np.append(starts, len(new)))


def _vocabulary_counts(windows, row: np.ndarray, table, n_rows: int, n_cols: int):
    """Compact per-row counts of the n-gram windows ``(n, positions, codes)`` found in the
    vocabulary ``table``; ``row`` gives the text of each position."""
    rows, cols = [_EMPTY], [_EMPTY]
    for n, pos, codes in windows:
        hit, found = _lookup(table, n, codes)
        rows.append(row[pos[hit]])
        cols.append(found)
    return _compact(*_count_pairs(np.concatenate(rows), np.concatenate(cols), n_rows, n_cols), n_rows, n_cols)


def _ranks(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct codes in ascending order, rank of each code among them): ``np.unique(...,
    return_inverse=True)`` through a hash table, several times faster on millions of codes."""
    inverse, distinct = pd.factorize(codes)
    order = np.argsort(distinct)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return distinct[order], rank[inverse]


def _local_counts(rows: np.ndarray, codes: np.ndarray, n_rows: int):
    """One batch's (row, code) pairs counted: (entries per row, rank of the code among the batch's
    distinct codes, count, those distinct codes ascending); ranks ascend within each row."""
    distinct, rank = _ranks(codes)
    rows, local, counts = _count_pairs(rows, rank, n_rows, len(distinct))
    return np.bincount(rows, minlength=n_rows), local, counts, distinct


#: Largest direct-address table of n-gram codes (int32 entries: 32 MB)
_DIRECT_ENTRIES = 1 << 23


def _vocabulary_lookup(codes: np.ndarray, columns: np.ndarray, base: int, max_n: int):
    """The vocabulary's right-aligned n-gram codes (an n-gram's code is below ``base ** n``) made
    searchable: (largest ``n`` looked up directly, array of the column at each code below ``base ** n``
    (-1: none), ``pandas.Index`` (a C hash table) of the longer n-grams' codes, their columns).
    Indexing an array is several times faster than hashing; it is used while it stays small."""
    direct_n = 0
    while direct_n < max_n and base ** (direct_n + 1) <= _DIRECT_ENTRIES:
        direct_n += 1
    short = codes < base ** direct_n
    direct = np.full(base ** direct_n, -1, dtype=np.int32 if len(columns) < 2**31 else np.int64)
    direct[codes[short]] = columns[short]
    return direct_n, direct, pd.Index(codes[~short]), columns[~short]


def _lookup(table, n: int, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which codes of n-grams are in the vocabulary, their columns)."""
    direct_n, direct, index, columns = table
    if n <= direct_n:
        at = direct[codes]
        hit = at >= 0
        return hit, at[hit]
    at = index.get_indexer(codes)
    hit = at >= 0
    return hit, columns[at[hit]]


# --------------------------------------------------------------------------- the project's normaliser


#: Between documents when a batch is normalised as one string: normalize() keeps it, and it is
#: neither white space nor a word character.
_NORMALIZE_SEPARATOR = "\uffff"


def _normalize_code_points(cp: np.ndarray) -> np.ndarray:
    """The code points of ``normalize(text)`` from those of ``text``."""
    chars, lengths = normalization_arrays()
    bmp = np.minimum(cp, 0xFFFF)  # U+FFFF stays itself, once: the place holder of astral characters
    size = lengths[bmp]
    if size.max(initial=0) <= 1:  # deletions and one-to-one replacements only (nearly always)
        result = chars[:, 0][bmp]
        astral = cp > 0xFFFF
        result[astral] = cp[astral]
        return result if size.all() else result[size.astype(bool)]
    source = np.repeat(np.arange(len(cp)), size)  # input position of each output character
    nth = np.arange(len(source)) - np.repeat(np.cumsum(size, dtype=np.int64) - size, size)  # its place there
    result = chars[bmp[source], nth]
    astral = cp[source] > 0xFFFF
    result[astral] = cp[source[astral]]
    return result


#: The last (texts, normalised texts) of :func:`_normalize_many` when they were small: the
#: classifier's char and word vectorisers normalise the same texts one after the other.
_LAST_NORMALIZED: tuple[list[str], list[str]] = ([], [])
_REMEMBER_CHARS = 1 << 22


def _normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, several times faster: ``str.translate`` with a dict costs a
    lookup per character; here each batch is one string translated by array indexing (same table,
    so the same strings)."""
    global _LAST_NORMALIZED
    last_texts, last_out = _LAST_NORMALIZED
    if texts == last_texts:  # equal texts (compared by identity first, then content)
        return list(last_out)
    out: list[str] = []
    for start, stop in _batches(texts) if texts else ():
        batch = texts[start:stop]
        joined = _NORMALIZE_SEPARATOR.join(batch)
        if joined.count(_NORMALIZE_SEPARATOR) != len(batch) - 1:
            out.extend(map(normalize, batch))  # a text holds the separator itself
            continue
        result = _normalize_code_points(_code_points(joined))
        out.extend(result.tobytes().decode("utf-32-le", "surrogatepass").split(_NORMALIZE_SEPARATOR))
    if sum(map(len, out)) <= _REMEMBER_CHARS:
        _LAST_NORMALIZED = (list(texts), out)
        return list(out)
    return out


# --------------------------------------------------------------------------- character n-grams


def _char_windows(cp: np.ndarray, digits: np.ndarray, base: int, ngram_range, word_bounded: bool):
    """Yield ``(n, positions, codes)`` of every n-gram scikit-learn's char / char_wb analyzer emits.

    ``cp`` are the code points of the batch (documents joined by the separator; for ``char_wb``
    already rewritten as padded words, see :func:`_char_wb_text`); ``digits[i]`` is the alphabet
    digit of ``cp[i]`` (0: cannot be part of an emitted / wanted n-gram). ``positions`` are window
    starts, ``codes`` the int64 codes ``sum(digit_k * base**(n-1-k))`` of windows of length ``n``.
    """
    min_n, max_n = ngram_range
    total = len(cp)
    d = digits.astype(np.int64)
    ok = d != 0
    code, valid = d, ok
    space = cp == 0x20 if word_bounded else None
    no_inner_space = None
    for n in range(1, max_n + 1):
        if n > 1:
            if total - n + 1 <= 0:
                return
            code = code[:-1] * base + d[n - 1:]
            valid = valid[:-1] & ok[n - 1:]
        if not word_bounded:
            if n >= min_n:
                pos = np.flatnonzero(valid)
                yield n, pos, code[pos]
            continue
        # char_wb: a window is an n-gram of a padded word when it has no space inside (its first
        # and last characters may be the padding) and is not made of padding only.
        if n == 1:
            keep = valid
        elif n == 2:
            keep = valid & ~(space[:-1] & space[1:])
            no_inner_space = np.ones(total - 1, dtype=bool)
        else:
            no_inner_space = no_inner_space[:-1] & ~space[n - 2:total - 1]
            keep = valid & no_inner_space
        if n >= min_n:
            pos = np.flatnonzero(keep)
            yield n, pos, code[pos]
        elif n >= 3:
            # A padded word shorter than min_n is emitted once, whole: " w " with spaces at both ends.
            pos = np.flatnonzero(keep & space[:total - n + 1] & space[n - 1:])
            yield n, pos, code[pos]


def _char_wb_text(doc: str) -> str:
    """The document as scikit-learn's char_wb sees it: each word padded with one space on both
    sides, padded words side by side (so two spaces between words)."""
    words = doc.split()
    return " " + "  ".join(words) + " " if words else ""


@lru_cache(maxsize=1)
def _is_space() -> np.ndarray:
    """``str.isspace()`` of every BMP code point (no character beyond the BMP is white space)."""
    return np.array([chr(cp).isspace() for cp in range(0x10000)])


def _char_wb_layout(docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(code points, document of each position) of the documents, each with a space before and after
    it, every white-space character made a space. Its windows without an inner space (see
    :func:`_char_windows`) are exactly the n-grams (n >= 2) of the padded words :func:`_char_wb_text`
    writes out: a run of white space or the gap between two documents only ever contributes its
    first and last space, as a word's padding. (Single spaces, n = 1, would be counted differently.)"""
    cp = _code_points(" " + "  ".join(docs) + " " if docs else "")
    cp = np.where(_is_space()[np.minimum(cp, 0xFFFF)], np.uint32(0x20), cp)
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    return cp, np.repeat(np.arange(len(docs), dtype=np.int64), lengths + 2)


def _decode_left_aligned(codes: np.ndarray, symbols: np.ndarray, base: int, max_n: int) -> list[str]:
    """Strings of LEFT-aligned codes ``sum(digit_k * base**(max_n-1-k))`` (shorter n-grams end in
    zero digits, which become trailing NULs that numpy drops); ``symbols[d]`` = code point of digit d."""
    chars = np.zeros((len(codes), max_n), dtype=np.uint32)
    rest = codes.copy()
    for j in range(max_n - 1, -1, -1):
        rest, digit = np.divmod(rest, base)
        chars[:, j] = symbols[digit]
    return chars.view(f"<U{max_n}").ravel().tolist()


def _str_terms(vocabulary: dict) -> list[str]:
    """The vocabulary's terms; falls back unless they are all strings without NUL."""
    terms = list(vocabulary)
    if set(map(type, terms)) - {str} or _SEPARATOR in "".join(terms):
        raise _Fallback
    return terms


# --------------------------------------------------------------------------- the mixin


class _FastCountMixin:
    """Replaces ``_count_vocab`` (and the vocabulary pruning / sorting) of a scikit-learn text
    vectorizer with the numpy implementation described in the module doc."""

    # ------------------------------------------------------------------ what is supported

    def _fast_path(self) -> bool:
        if self.analyzer in ("char", "char_wb"):
            return True
        return self.analyzer == "word" and self.tokenizer is None and self.stop_words is None

    def _preprocessed(self, raw_documents) -> list[str]:
        if self.preprocessor is normalize and self.input == "content" and set(map(type, raw_documents)) <= {str}:
            return _normalize_many(raw_documents)  # decode() would return each text unchanged
        decode, preprocess = self.decode, self.build_preprocessor()
        return [preprocess(decode(doc)) for doc in raw_documents]

    # ------------------------------------------------------------------ scikit-learn hooks

    def _count_vocab(self, raw_documents, fixed_vocab):
        """scikit-learn's analyse-and-count step: (vocabulary, raw count matrix). When fitting, the
        vocabulary comes out already in sorted-term order (so sorting it later is cheap)."""
        if not self._fast_path():
            return super()._count_vocab(raw_documents, fixed_vocab)
        raw_documents = list(raw_documents)  # iterated again if we fall back
        try:
            docs = self._preprocessed(raw_documents)
            if self.analyzer == "word":
                if fixed_vocab:
                    return self.vocabulary_, self._word_transform(docs)
                return self._word_fit(docs)
            if fixed_vocab:
                return self.vocabulary_, self._char_transform(docs)
            return self._char_fit(docs)
        except _Fallback:
            return super()._count_vocab(raw_documents, fixed_vocab)

    def _sort_features(self, X, vocabulary):
        """scikit-learn's ``_sort_features`` (columns renumbered in sorted-term order, ``vocabulary``
        updated in place) without a Python loop per term; free when the terms are already sorted."""
        terms = list(vocabulary)
        old = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
        if all(map(lt, terms, islice(terms, 1, None))):
            order = np.arange(len(terms))
        else:
            order = np.array(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.int64)
            terms = [terms[i] for i in order]
        vocabulary.update(zip(terms, range(len(terms))))
        map_index = np.empty(len(terms), dtype=X.indices.dtype)
        map_index[old[order]] = np.arange(len(terms))
        X.indices = map_index.take(X.indices, mode="clip")
        return X

    def _limit_features(self, X, vocabulary, high=None, low=None, limit=None):
        """scikit-learn's ``_limit_features`` (drop terms outside [low, high] documents, keep the
        ``limit`` most frequent) with the vocabulary rebuilt in C instead of term by term."""
        if high is None and low is None and limit is None:
            return super()._limit_features(X, vocabulary, high, low, limit)
        dfs = _document_frequency(X)
        mask = np.ones(len(dfs), dtype=bool)
        if high is not None:
            mask &= dfs <= high
        if low is not None:
            mask &= dfs >= low
        if limit is not None and mask.sum() > limit:
            tfs = np.asarray(X.sum(axis=0)).ravel()
            mask_inds = (-tfs[mask]).argsort()[:limit]
            new_mask = np.zeros(len(dfs), dtype=bool)
            new_mask[np.where(mask)[0][mask_inds]] = True
            mask = new_mask
        new_indices = np.cumsum(mask) - 1  # maps old indices to new
        terms = list(vocabulary)
        old = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
        kept = mask[old]
        vocabulary.clear()
        vocabulary.update(zip(compress(terms, kept), new_indices[old[kept]]))
        kept_indices = np.where(mask)[0]
        if len(kept_indices) == 0:
            raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
        return X[:, kept_indices]

    def __getstate__(self):
        state = dict(super().__getstate__())  # for a class outside sklearn, that is the live __dict__
        state.pop("_fast_tables", None)  # derived lookup tables: rebuilt on demand, never saved
        vocabulary = state.get("vocabulary_")
        if isinstance(vocabulary, dict) and vocabulary and set(map(type, vocabulary)) <= {str}:
            # Saved as one string and two arrays: a skops file makes a node of every dict entry, and
            # auditing and building 40,000 of them took ~1 s of every model load.
            terms = list(state.pop("vocabulary_"))
            state["packed_vocabulary_"] = {
                "terms": "".join(terms),
                "lengths": np.fromiter(map(len, terms), dtype=np.int64, count=len(terms)),
                "columns": np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms)),
            }
        return state

    def __setstate__(self, state):
        packed = state.get("packed_vocabulary_")
        if packed is not None:  # the vocabulary dict again, in its order (a model saved before has the dict)
            ends = np.cumsum(packed["lengths"]).tolist()
            terms = map(packed["terms"].__getitem__, map(slice, [0, *ends[:-1]], ends))
            state = {key: value for key, value in state.items() if key != "packed_vocabulary_"}
            state["vocabulary_"] = dict(zip(terms, packed["columns"].tolist()))
        super().__setstate__(state)

    # ------------------------------------------------------------------ transform: lookup tables

    def _tables(self):
        """Lookup tables of the current ``vocabulary_`` (cached; rebuilt when it or the analyzer
        settings change)."""
        key = (self.analyzer, tuple(self.ngram_range), len(self.vocabulary_))
        cached = getattr(self, "_fast_tables", None)
        if cached is None or cached[0] is not self.vocabulary_ or cached[1] != key:
            try:
                tables = self._word_tables() if self.analyzer == "word" else self._char_tables()
            except _Fallback:
                tables = None  # remembered: later calls fall back at once
            cached = self._fast_tables = (self.vocabulary_, key, tables)
        if cached[2] is None:
            raise _Fallback
        return cached[2]

    def _char_tables(self):
        """(digit of each code point, base, vocabulary lookup); right-aligned codes."""
        max_n = self.ngram_range[1]
        terms = _str_terms(self.vocabulary_)
        columns = np.fromiter(self.vocabulary_.values(), dtype=np.int64, count=len(terms))
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        usable = (lengths > 0) & (lengths <= max_n)  # longer terms (a given vocabulary) never match
        if not usable.all():
            terms = list(compress(terms, usable))
            columns, lengths = columns[usable], lengths[usable]
        chars = np.array(terms, dtype=f"<U{max_n}").view(np.uint32).reshape(len(terms), max_n)
        alphabet = np.unique(chars[chars != 0])
        base = len(alphabet) + 1
        if not _fits_int64(base, max_n):
            raise _Fallback
        digit_of = np.zeros(int(alphabet[-1]) + 2 if len(alphabet) else 1, dtype=np.int64)
        digit_of[alphabet] = np.arange(1, base)
        digits = digit_of[chars]
        codes = np.zeros(len(terms), dtype=np.int64)
        for j in range(max_n):
            codes = np.where(j < lengths, codes * base + digits[:, j], codes)
        return digit_of, base, _vocabulary_lookup(codes, columns, base, max_n)

    def _word_tables(self):
        """(token -> id dict, base, vocabulary lookup, the tokens in id order as an Arrow array);
        right-aligned codes."""
        min_n, max_n = self.ngram_range
        terms = _str_terms(self.vocabulary_)
        columns = np.fromiter(self.vocabulary_.values(), dtype=np.int64, count=len(terms))
        joined = _SEPARATOR.join(terms)
        pieces = joined.replace(_SEPARATOR, " ").split(" ") if terms else []
        cp = _code_points(joined)
        term_of = np.cumsum(cp == 0)  # term index of each position
        sizes = np.bincount(term_of[cp == 0x20], minlength=len(terms)) + 1  # tokens per term
        token_id = {token: i for i, token in enumerate(dict.fromkeys(pieces), start=1)}
        base = len(token_id) + 1
        if not _fits_int64(base, max_n):
            raise _Fallback
        ids = np.fromiter(map(token_id.__getitem__, pieces), dtype=np.int64, count=len(pieces))
        starts = np.cumsum(sizes) - sizes
        usable = (sizes >= min_n) & (sizes <= max_n)
        codes = np.zeros(len(terms), dtype=np.int64)
        for j in range(max_n):
            has = j < sizes
            codes[has] = codes[has] * base + ids[starts[has] + j]
        return (token_id, base, _vocabulary_lookup(codes[usable], columns[usable], base, max_n),
                pa.array(list(token_id), pa.large_string()))

    # ------------------------------------------------------------------ char analyzers

    def _char_texts(self, docs: list[str]) -> list[str]:
        if self.analyzer == "char_wb":
            return [_char_wb_text(doc) for doc in docs]
        sub = self._white_spaces.sub
        return [sub(" ", doc) for doc in docs]

    def _joined(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Code points of the batch joined by the separator, and the document of each position."""
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
            raise _Fallback
        cp = _code_points(joined)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        return cp, _row_of_position(lengths, len(cp))

    def _char_transform(self, docs: list[str]):
        tables = self._tables()
        n_cols = len(self.vocabulary_)
        if self.analyzer == "char_wb" and self.ngram_range[0] >= 2:
            texts, layout = docs, _char_wb_layout  # the padded words are never built one by one
        else:
            texts, layout = self._char_texts(docs), self._joined
        parts = [self._char_transform_batch(*layout(texts[start:stop]), stop - start, tables, n_cols)
                 for start, stop in _batches(texts)]
        return _csr(parts, n_cols, self.dtype)

    def _char_transform_batch(self, cp: np.ndarray, row: np.ndarray, n_rows: int, tables, n_cols: int):
        digit_of, base, table = tables
        digits = digit_of[np.minimum(cp, len(digit_of) - 1)]
        windows = _char_windows(cp, digits, base, self.ngram_range, self.analyzer == "char_wb")
        return _vocabulary_counts(windows, row, table, n_rows, n_cols)

    def _char_fit(self, docs: list[str]):
        """Vocabulary in sorted order: digits follow code-point order and codes are LEFT-aligned
        (``code * base**(max_n - n)``), so numeric order of codes is the order of the strings."""
        texts = self._char_texts(docs)
        max_n = self.ngram_range[1]
        ranges = list(_batches(texts))
        present = np.zeros(0x110000, dtype=bool)
        for start, stop in ranges:  # first pass: the alphabet (code points are recomputed below)
            present[self._joined(texts[start:stop])[0]] = True
        present[0] = False  # the separator
        alphabet = np.flatnonzero(present).astype(np.uint32)
        base = len(alphabet) + 1
        if not _fits_int64(base, max_n):
            raise _Fallback
        digit_of = np.zeros(int(alphabet[-1]) + 1 if len(alphabet) else 1, dtype=np.int64)
        digit_of[alphabet] = np.arange(1, base)
        parts = [self._char_fit_batch(texts[start:stop], digit_of, base) for start, stop in ranges]
        return self._fitted_counts(parts, lambda codes: _decode_left_aligned(
            codes, np.concatenate([[0], alphabet]).astype(np.uint32), base, max_n))

    def _char_fit_batch(self, texts: list[str], digit_of: np.ndarray, base: int):
        max_n = self.ngram_range[1]
        cp, row = self._joined(texts)
        rows, codes = [_EMPTY], [_EMPTY]
        for n, pos, window_codes in _char_windows(cp, digit_of[cp], base, self.ngram_range,
                                                  self.analyzer == "char_wb"):
            rows.append(row[pos])
            codes.append(window_codes * base ** (max_n - n))
        return _local_counts(np.concatenate(rows), np.concatenate(codes), len(texts))

    def _fitted_counts(self, parts: list, decode):
        """(vocabulary, count matrix) from per-batch :func:`_local_counts` parts."""
        distincts = [part[3] for part in parts]
        vocab_codes = distincts[0] if len(parts) == 1 else np.unique(np.concatenate(distincts))
        if len(vocab_codes) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        n_cols = len(vocab_codes)
        # Local columns ascend with codes within each row, and so do global ones.
        parts = [_compact(np.repeat(np.arange(len(per_row)), per_row),
                          np.searchsorted(vocab_codes, distinct)[local], counts, len(per_row), n_cols)
                 for per_row, local, counts, distinct in parts]
        vocabulary = dict(zip(decode(vocab_codes), range(n_cols)))
        return vocabulary, _csr(parts, n_cols, self.dtype)

    # ------------------------------------------------------------------ word analyzer

    def _tokens(self, docs: list[str]) -> tuple[list[str], np.ndarray]:
        """All tokens of all documents in order, and the document of each."""
        if self.token_pattern == _WORD_RUNS:
            return _word_runs(docs)
        tokenize = self.build_tokenizer()
        per_doc = [tokenize(doc) for doc in docs]
        flat = list(chain.from_iterable(per_doc))
        if " " in "".join(flat):
            raise _Fallback  # a token with a space would make joined n-grams ambiguous
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        return flat, np.repeat(np.arange(len(docs), dtype=np.int64), lengths)

    def _word_windows(self, ids: np.ndarray, row: np.ndarray, base: int):
        """Yield ``(n, positions, codes)`` of the word n-grams (ids >= 1; 0 = unknown token)."""
        min_n, max_n = self.ngram_range
        code, valid = ids, ids != 0
        for n in range(1, max_n + 1):
            if n > 1:
                if len(ids) - n + 1 <= 0:
                    return
                code = code[:-1] * base + ids[n - 1:]
                valid = valid[:-1] & (ids[n - 1:] != 0)
            if n >= min_n:
                pos = np.flatnonzero(valid & (row[:len(row) - n + 1] == row[n - 1:]))
                yield n, pos, code[pos]

    def _word_transform(self, docs: list[str]):
        tables = self._tables()
        n_cols = len(self.vocabulary_)
        parts = [self._word_transform_batch(docs[start:stop], tables, n_cols) for start, stop in _batches(docs)]
        return _csr(parts, n_cols, self.dtype)

    def _word_transform_batch(self, docs: list[str], tables, n_cols: int):
        token_id, base, table, token_set = tables
        found = _word_run_ids(docs, token_set) if self.token_pattern == _WORD_RUNS else None
        if found is None:
            flat, row = self._tokens(docs)
            ids = np.fromiter(map(token_id.get, flat, repeat(0)), dtype=np.int64, count=len(flat))
        else:
            ids, row = found
        return _vocabulary_counts(self._word_windows(ids, row, base), row, table, len(docs), n_cols)

    def _word_fit(self, docs: list[str]):
        """Token ids follow the sorted order of the tokens and codes are LEFT-aligned, so numeric
        order of codes is the order of the token tuples (nearly always that of the joined strings;
        :meth:`_sort_features` sorts properly if not)."""
        max_n = self.ngram_range[1]
        flat, row = self._tokens(docs)
        tokens = sorted(dict.fromkeys(flat))
        token_id = dict(zip(tokens, range(1, len(tokens) + 1)))
        base = len(tokens) + 1
        if not _fits_int64(base, max_n):
            raise _Fallback
        ids = np.fromiter(map(token_id.__getitem__, flat), dtype=np.int64, count=len(flat))
        rows, codes = [_EMPTY], [_EMPTY]
        for n, pos, window_codes in self._word_windows(ids, row, base):
            rows.append(row[pos])
            codes.append(window_codes * base ** (max_n - n))
        part = _local_counts(np.concatenate(rows), np.concatenate(codes), len(docs))
        tokens = np.array([""] + tokens, dtype=object)
        return self._fitted_counts([part], lambda codes: _join_tokens(codes, tokens, base, max_n))


#: scikit-learn's default token pattern: the runs of two or more word characters
_WORD_RUNS = r"(?u)\b\w\w+\b"


@lru_cache(maxsize=1)
def _is_word_char() -> np.ndarray:
    """Whether ``re``'s ``\\w`` matches each BMP code point (``str.isalnum()`` or ``_``)."""
    return np.array([ch.isalnum() or ch == "_" for ch in map(chr, range(0x10000))])


def _word_run_layout(docs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The code points of ``docs`` joined by spaces (a space is no word character: no run crosses two
    documents), which of them are in a token (a run of two or more word characters), and each
    token's length and document: one character-class lookup over the batch instead of a regex scan."""
    cp = _code_points(" ".join(docs))
    word = _is_word_char()[np.minimum(cp, 0xFFFF)]
    beyond = np.flatnonzero(cp > 0xFFFF)
    if len(beyond):
        word[beyond] = [ch.isalnum() or ch == "_" for ch in map(chr, cp[beyond].tolist())]
    edges = np.flatnonzero(np.diff(word.astype(np.int8), prepend=0, append=0))
    starts, ends = edges[0::2], edges[1::2]  # runs of word characters: [start, end)
    single = ends - starts == 1
    word[starts[single]] = False
    starts, ends = starts[~single], ends[~single]
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    doc_starts = np.cumsum(lengths + 1) - (lengths + 1)
    return cp, word, ends - starts, np.searchsorted(doc_starts, starts, side="right") - 1


def _word_runs(docs: list[str]) -> tuple[list[str], np.ndarray]:
    """What ``re.findall(_WORD_RUNS, doc)`` gives for each document (all tokens in order, and the
    document of each)."""
    cp, word, _, row = _word_run_layout(docs)
    # the tokens, as str.split() cuts them out of the text with everything else blanked (much
    # faster than slicing them out one by one)
    return np.where(word, cp, np.uint32(0x20)).tobytes().decode("utf-32-le", "surrogatepass").split(), row


def _word_run_ids(docs: list[str], token_set: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The tokens of :func:`_word_runs` as ids (position in ``token_set`` + 1; 0 = not in it) and the
    document of each, without a Python string per token: the tokens' characters become one Arrow
    string array (:func:`rhetoric.text.arrow_strings`), which Arrow looks up in ``token_set``. None for
    text with a lone surrogate (no UTF-8)."""
    cp, word, lengths, row = _word_run_layout(docs)
    if ((cp & 0xFFFFF800) == 0xD800).any():
        return None
    ids = pc.index_in(arrow_strings(cp[word], lengths), value_set=token_set).fill_null(-1)
    return ids.to_numpy(zero_copy_only=False).astype(np.int64) + 1, row


def _join_tokens(codes: np.ndarray, tokens: np.ndarray, base: int, max_n: int) -> list[str]:
    """Word n-gram strings of LEFT-aligned codes (``tokens[id]``; id 0 = no token)."""
    digits = np.zeros((len(codes), max_n), dtype=np.int64)
    rest = codes.copy()
    for j in range(max_n - 1, -1, -1):
        rest, digits[:, j] = np.divmod(rest, base)
    terms = tokens[digits[:, 0]]
    for j in range(1, max_n):
        more = digits[:, j] != 0
        terms[more] = terms[more] + " " + tokens[digits[more, j]]
    return terms.tolist()


_EMPTY = np.zeros(0, dtype=np.int64)


class FastCountVectorizer(_FastCountMixin, CountVectorizer):
    """:class:`~sklearn.feature_extraction.text.CountVectorizer` with numpy n-gram counting
    (identical output; see :mod:`rhetoric.ngrams`)."""


class FastTfidfVectorizer(_FastCountMixin, TfidfVectorizer):
    """:class:`~sklearn.feature_extraction.text.TfidfVectorizer` with numpy n-gram counting
    (identical output; see :mod:`rhetoric.ngrams`)."""


def to_fast(vectorizer):
    """The fast class for a (fitted or not) scikit-learn ``TfidfVectorizer`` / ``CountVectorizer``:
    same parameters and the SAME fitted state (shared, not refitted), so a model saved with
    scikit-learn's classes gives identical results, faster. Anything else is returned unchanged."""
    if isinstance(vectorizer, _FastCountMixin):
        return vectorizer
    if type(vectorizer) is TfidfVectorizer:
        cls = FastTfidfVectorizer
    elif type(vectorizer) is CountVectorizer:
        cls = FastCountVectorizer
    else:
        return vectorizer
    fast = cls.__new__(cls)
    fast.__dict__.update(vectorizer.__dict__)
    return fast
