"""Fast, exact drop-ins for scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer`
and :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.

scikit-learn builds n-grams one Python string at a time and counts them with one dict lookup each;
for the classifier's character 2-5 grams that was most of the CPU time of ``rhetoric analyze``. The
classes here give the SAME matrices (same vocabulary, same indices, same values, same dtype, canonical
CSR) but compute them with numpy:

* characters become small integers (a compact alphabet; 0 means "cannot be in the vocabulary": an
  unknown character or the separator between documents), so every n-gram of length ``n`` is ONE
  int64 ``sum(digit_k * base**(n-1-k))`` with digits >= 1 (lengths are unambiguous);
* all windows of a batch of documents are encoded at once, looked up in the sorted codes of the
  vocabulary with :func:`numpy.searchsorted` (transform) or collected with :func:`numpy.unique`
  (fit), and counted per (document, column) in one sort;
* word n-grams: the regex tokeniser still runs per document (it is C already); tokens become integer
  ids with a hash table in C (pandas), and word n-grams are int64 codes over those ids.

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
preprocessed document (char analyzers) or a token containing a space (word analyzer); an alphabet so
large that ``base ** max_n`` would overflow int64.

The fitted state is scikit-learn's (``vocabulary_`` dict, ``idf_`` array); the lookup tables are
rebuilt lazily after loading and never saved, so a skops file holds nothing but plain data.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.utils._sparse import _align_api_if_sparse

__all__ = ["FastCountVectorizer", "FastTfidfVectorizer"]

_SEPARATOR = "\x00"  # between documents in a batch; a batch whose text contains it falls back
_INT64_LIMIT = 2**63
_BATCH_CHARS = 1 << 21  # characters per batch: bounds the temporary arrays (~10 int64 per character)


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
    limit = _BATCH_CHARS
    start, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= limit:
            yield start, i + 1
            start, size = i + 1, 0
    if start < len(texts) or not texts:
        yield start, len(texts)


def _row_of_position(lengths: np.ndarray, total: int) -> np.ndarray:
    """Document index of every position of ``separator.join(texts)`` (separators belong to the
    document before them)."""
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths + 1)[:total]


def _csr(rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n_rows: int, n_cols: int, dtype):
    """Canonical CSR exactly as scikit-learn's ``_count_vocab`` builds it (``rows``/``cols`` sorted
    by row then column, no duplicates)."""
    index_dtype = np.int64 if len(cols) > np.iinfo(np.int32).max else np.int32
    indptr = np.zeros(n_rows + 1, dtype=index_dtype)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    X = sp.csr_array((counts.astype(np.intc, copy=False), cols.astype(index_dtype), indptr),
                     shape=(n_rows, n_cols), dtype=dtype)
    X.sort_indices()  # already sorted: this only records it, as scikit-learn's matrix does
    return _align_api_if_sparse(X)


def _unique_pairs(rows: np.ndarray, codes: np.ndarray):
    """Unique (row, code) pairs sorted by row then code, and how often each occurs."""
    order = np.lexsort((codes, rows))
    rows, codes = rows[order], codes[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (codes[1:] != codes[:-1])
    starts = np.flatnonzero(new)
    return rows[starts], codes[starts], np.diff(np.append(starts, len(rows)))


def _count_pairs(rows: np.ndarray, cols: np.ndarray, n_cols: int):
    """Unique (row, col) pairs sorted by row then column, and how often each occurs."""
    keys, counts = np.unique(rows * np.int64(max(n_cols, 1)) + cols, return_counts=True)
    return keys // max(n_cols, 1), keys % max(n_cols, 1), counts


# --------------------------------------------------------------------------- character n-grams


def _char_windows(cp: np.ndarray, digits: np.ndarray, base: int, ngram_range, word_bounded: bool):
    """Yield ``(positions, codes)`` of every n-gram scikit-learn's char / char_wb analyzer emits.

    ``cp`` are the code points of the batch (documents joined by the separator; for ``char_wb``
    already rewritten as padded words, see :func:`_char_wb_text`); ``digits[i]`` is the alphabet
    digit of ``cp[i]`` (0: cannot be part of an emitted / wanted n-gram). ``positions`` are window
    starts, ``codes`` the int64 codes.
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
                yield pos, code[pos]
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
            yield pos, code[pos]
        elif n >= 3:
            # A padded word shorter than min_n is emitted once, whole: " w " with spaces at both ends.
            whole = keep & space[:total - n + 1] & space[n - 1:]
            pos = np.flatnonzero(whole)
            yield pos, code[pos]


def _char_wb_text(doc: str) -> str:
    """The document as scikit-learn's char_wb sees it: each word padded with one space on both
    sides, padded words side by side (so two spaces between words)."""
    words = doc.split()
    return " " + "  ".join(words) + " " if words else ""


def _decode_char_codes(codes: np.ndarray, alphabet: np.ndarray, base: int, max_n: int) -> list[str]:
    """Strings of int64 n-gram codes (inverse of the encoding; ``alphabet[d]`` = code point of digit d)."""
    powers = np.array([base ** k for k in range(max_n)], dtype=np.int64)
    length = np.ones(len(codes), dtype=np.int64)
    for k in range(1, max_n):
        length += codes >= powers[k]
    chars = np.zeros((len(codes), max_n), dtype=np.uint32)
    for j in range(max_n):
        exponent = length - 1 - j
        has = exponent >= 0
        chars[has, j] = alphabet[(codes[has] // powers[exponent[has]]) % base]
    return chars.view(f"<U{max_n}").ravel().tolist()


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
        decode, preprocess = self.decode, self.build_preprocessor()
        return [preprocess(decode(doc)) for doc in raw_documents]

    # ------------------------------------------------------------------ scikit-learn hook

    def _count_vocab(self, raw_documents, fixed_vocab):
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

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_fast_tables", None)  # derived lookup tables: rebuilt on demand, never saved
        return state

    # ------------------------------------------------------------------ transform: lookup tables

    def _tables(self):
        """Lookup tables of the current ``vocabulary_`` (cached; rebuilt when it or the analyzer
        settings change)."""
        key = (self.analyzer, tuple(self.ngram_range), len(self.vocabulary_))
        cached = getattr(self, "_fast_tables", None)
        if cached is not None and cached[0] is self.vocabulary_ and cached[1] == key:
            return cached[2]
        if self.analyzer == "word":
            tables = self._word_tables()
        else:
            tables = self._char_tables()
        self._fast_tables = (self.vocabulary_, key, tables)
        return tables

    def _char_tables(self):
        """(digit of each code point, base, sorted vocabulary codes, their columns)."""
        max_n = self.ngram_range[1]
        terms, columns = [], []
        for term, column in self.vocabulary_.items():
            # Longer terms (possible in a given vocabulary) and terms with NUL can never be emitted.
            if isinstance(term, str) and 0 < len(term) <= max_n and _SEPARATOR not in term:
                terms.append(term)
                columns.append(column)
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
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
        order = np.argsort(codes, kind="stable")
        return digit_of, base, codes[order], np.asarray(columns, dtype=np.int64)[order]

    def _word_tables(self):
        """(token index, base, sorted vocabulary codes, their columns)."""
        min_n, max_n = self.ngram_range
        pieces, columns, sizes = [], [], []
        for term, column in self.vocabulary_.items():
            if isinstance(term, str):
                parts = term.split(" ")
                if min_n <= len(parts) <= max_n:
                    pieces.append(parts)
                    columns.append(column)
                    sizes.append(len(parts))
        flat = [p for parts in pieces for p in parts]
        index = pd.Index(pd.unique(np.array(flat, dtype=object))) if flat else pd.Index([], dtype=object)
        base = len(index) + 1
        if not _fits_int64(base, max_n):
            raise _Fallback
        ids = index.get_indexer(np.array(flat, dtype=object)).astype(np.int64) + 1 if flat else np.zeros(0, np.int64)
        sizes = np.asarray(sizes, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        codes = np.zeros(len(sizes), dtype=np.int64)
        for j in range(max_n):
            has = j < sizes
            codes[has] = codes[has] * base + ids[starts[has] + j]
        order = np.argsort(codes, kind="stable")
        return index, base, codes[order], np.asarray(columns, dtype=np.int64)[order]

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
        digit_of, base, vocab_codes, vocab_columns = self._tables()
        texts = self._char_texts(docs)
        n_cols = len(self.vocabulary_)
        all_rows, all_cols, all_counts = [], [], []
        for start, stop in _batches(texts):
            cp, row = self._joined(texts[start:stop])
            digits = digit_of[np.minimum(cp, len(digit_of) - 1)]
            rows, cols = [], []
            for pos, codes in _char_windows(cp, digits, base, self.ngram_range, self.analyzer == "char_wb"):
                at = np.searchsorted(vocab_codes, codes)
                at[at == len(vocab_codes)] = 0
                hit = vocab_codes[at] == codes if len(vocab_codes) else np.zeros(len(codes), bool)
                rows.append(row[pos[hit]])
                cols.append(vocab_columns[at[hit]])
            r, c, k = _count_pairs(np.concatenate(rows or [np.zeros(0, np.int64)]),
                                   np.concatenate(cols or [np.zeros(0, np.int64)]), n_cols)
            all_rows.append(r + start)
            all_cols.append(c)
            all_counts.append(k)
        return _csr(np.concatenate(all_rows), np.concatenate(all_cols), np.concatenate(all_counts),
                    len(docs), n_cols, self.dtype)

    def _char_fit(self, docs: list[str]):
        texts = self._char_texts(docs)
        max_n = self.ngram_range[1]
        batches = [(start, stop, self._joined(texts[start:stop])) for start, stop in _batches(texts)]
        present = np.zeros(0, dtype=np.int64)
        for _, _, (cp, _) in batches:
            present = np.union1d(present, np.unique(cp))
        alphabet = present[present != 0]
        base = len(alphabet) + 1
        if not _fits_int64(base, max_n):
            raise _Fallback
        digit_of = np.zeros(int(alphabet[-1]) + 1 if len(alphabet) else 1, dtype=np.int64)
        digit_of[alphabet] = np.arange(1, base)
        all_rows, all_codes, all_counts = [], [], []
        for start, stop, (cp, row) in batches:
            rows, codes = [], []
            for pos, window_codes in _char_windows(cp, digit_of[cp], base, self.ngram_range,
                                                   self.analyzer == "char_wb"):
                rows.append(row[pos])
                codes.append(window_codes)
            r, c, k = _unique_pairs(np.concatenate(rows or [np.zeros(0, np.int64)]),
                                    np.concatenate(codes or [np.zeros(0, np.int64)]))
            all_rows.append(r + start)
            all_codes.append(c)
            all_counts.append(k)
        codes = np.concatenate(all_codes)
        vocab_codes, cols = np.unique(codes, return_inverse=True)
        if len(vocab_codes) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        symbols = np.zeros(base, dtype=np.uint32)
        symbols[1:] = alphabet
        terms = _decode_char_codes(vocab_codes, symbols, base, max_n)
        vocabulary = dict(zip(terms, range(len(terms))))
        return vocabulary, _csr(np.concatenate(all_rows), cols, np.concatenate(all_counts), len(docs),
                                len(vocabulary), self.dtype)

    # ------------------------------------------------------------------ word analyzer

    def _tokens(self, docs: list[str]) -> tuple[list[str], np.ndarray]:
        """All tokens of all documents in order, and the document of each."""
        tokenize = self.build_tokenizer()
        per_doc = [tokenize(doc) for doc in docs]
        flat = [t for tokens in per_doc for t in tokens]
        if " " in "".join(flat):
            raise _Fallback  # a token with a space would make joined n-grams ambiguous
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        return flat, np.repeat(np.arange(len(docs), dtype=np.int64), lengths)

    def _word_windows(self, ids: np.ndarray, row: np.ndarray, base: int):
        """Yield ``(positions, codes)`` of the word n-grams (ids >= 1; 0 = unknown token)."""
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
                yield pos, code[pos]

    def _word_transform(self, docs: list[str]):
        index, base, vocab_codes, vocab_columns = self._tables()
        flat, row = self._tokens(docs)
        ids = index.get_indexer(np.array(flat, dtype=object)).astype(np.int64) + 1 if flat else np.zeros(0, np.int64)
        rows, cols = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for pos, codes in self._word_windows(ids, row, base):
            at = np.searchsorted(vocab_codes, codes)
            at[at == len(vocab_codes)] = 0
            hit = vocab_codes[at] == codes if len(vocab_codes) else np.zeros(len(codes), bool)
            rows.append(row[pos[hit]])
            cols.append(vocab_columns[at[hit]])
        n_cols = len(self.vocabulary_)
        r, c, k = _count_pairs(np.concatenate(rows), np.concatenate(cols), n_cols)
        return _csr(r, c, k, len(docs), n_cols, self.dtype)

    def _word_fit(self, docs: list[str]):
        flat, row = self._tokens(docs)
        if flat:
            ids, uniques = pd.factorize(np.array(flat, dtype=object))
        else:
            ids, uniques = np.zeros(0, np.int64), np.array([], dtype=object)
        ids = ids.astype(np.int64) + 1
        base = len(uniques) + 1
        if not _fits_int64(base, self.ngram_range[1]):
            raise _Fallback
        rows, codes = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for pos, window_codes in self._word_windows(ids, row, base):
            rows.append(row[pos])
            codes.append(window_codes)
        rows, codes, counts = _unique_pairs(np.concatenate(rows), np.concatenate(codes))
        vocab_codes, cols = np.unique(codes, return_inverse=True)
        if len(vocab_codes) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        terms = self._decode_word_codes(vocab_codes, uniques, base)
        vocabulary = dict(zip(terms, range(len(terms))))
        return vocabulary, _csr(rows, cols, counts, len(docs), len(vocabulary), self.dtype)

    def _decode_word_codes(self, codes: np.ndarray, uniques: np.ndarray, base: int) -> list[str]:
        words = uniques.tolist()
        out = []
        for code in codes.tolist():
            parts = []
            while code:
                code, digit = divmod(code, base)
                parts.append(words[digit - 1])
            out.append(" ".join(reversed(parts)))
        return out


class FastCountVectorizer(_FastCountMixin, CountVectorizer):
    """:class:`~sklearn.feature_extraction.text.CountVectorizer` with numpy n-gram counting
    (identical output; see :mod:`rhetoric.ngrams`)."""


class FastTfidfVectorizer(_FastCountMixin, TfidfVectorizer):
    """:class:`~sklearn.feature_extraction.text.TfidfVectorizer` with numpy n-gram counting
    (identical output; see :mod:`rhetoric.ngrams`)."""
