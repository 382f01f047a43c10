"""The array-based helpers of the quote stage equal the code they replace (speed only)."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rhetoric.speakers import (WORD_RE, DocumentContext, Registry, document_words, norm_word, normalize_document,
                               split_words)
from rhetoric.text import normalize_with_offsets

# Arabic letters, diacritics, tatweel, ligatures, Latin, digits, punctuation, spaces, marks,
# bidi controls, an emoji (outside the BMP) and a lone surrogate.
ALPHABET = st.sampled_from(
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءآأإؤئ") + list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640")
    + ["\ufefb", "\ufdf2", "\U0001f600", "\ud800", "\u200f", "\u200e", "\u00a0", "\n", "\t"]
    + list("abcXYZ0123٠١٢٣ .,:;!?«»\"'“”()-_")
)
TEXTS = st.lists(ALPHABET, max_size=80).map("".join)


@given(TEXTS)
def test_split_words_equals_the_word_regex(text):
    matches = list(WORD_RE.finditer(text))
    assert split_words(text) == ([m.start() for m in matches], [m.end() for m in matches],
                                 [m.group() for m in matches])


@given(TEXTS)
def test_normalize_document_equals_normalize_with_offsets(text):
    fast, reference = normalize_document(text), normalize_with_offsets(text)
    assert fast.text == reference.text
    assert np.array_equal(np.asarray(fast.starts), np.asarray(reference.starts))


@given(TEXTS)
def test_document_words_equal_split_words_and_norm_word(text):
    starts, ends, norms, normalized = document_words(text)
    ref_starts, ref_ends, raws = split_words(text)
    assert (starts, ends) == (ref_starts, ref_ends)
    assert norms == [norm_word(w) for w in raws]
    assert normalized.text == normalize_with_offsets(text).text


@given(TEXTS, st.integers(0, 90), st.integers(0, 90))
def test_words_in_equals_the_word_regex_on_the_stretch(text, lo, hi):
    lo, hi = min(lo, len(text)), min(hi, len(text))
    ctx = DocumentContext(text, Registry([]), [])
    assert ctx.words_in(lo, hi) == [norm_word(w) for w in WORD_RE.findall(text, lo, hi)]


def test_authored_article_edge_cases():
    text = "قال الوزير: «إن النضال المقدس ﻻ ينتهي» 😀 والإمبريالية... Kim said \"no\"."
    test_split_words_equals_the_word_regex.hypothesis.inner_test(text)
    test_normalize_document_equals_normalize_with_offsets.hypothesis.inner_test(text)
    test_document_words_equal_split_words_and_norm_word.hypothesis.inner_test(text)
    for lo, hi in ((0, len(text)), (3, 20), (13, 14), (30, 10)):
        test_words_in_equals_the_word_regex_on_the_stretch.hypothesis.inner_test(text, lo, hi)


@given(TEXTS, st.integers(0, 90), st.integers(0, 90), st.integers(1, 6))
def test_last_words_in_equals_the_tail_of_words_in(text, lo, hi, n):
    lo, hi = min(lo, len(text)), min(hi, len(text))
    ctx = DocumentContext(text, Registry([]), [])
    assert ctx.last_words_in(lo, hi, n) == ctx.words_in(lo, hi)[-n:]


@given(TEXTS, st.integers(0, 90), st.integers(0, 90))
def test_next_word_equals_the_word_regex_search(text, pos, hi):
    pos, hi = min(pos, len(text)), min(hi, len(text))
    ctx = DocumentContext(text, Registry([]), [])
    m = WORD_RE.search(text, pos, hi)
    assert ctx.next_word(pos, hi) == ((m.start(), norm_word(m.group())) if m else None)


@given(TEXTS, st.lists(st.integers(0, 90), max_size=8))
def test_sentence_ends_skip_marked_spans_and_decimal_points(text, cuts):
    """The array search for sentence ends equals the plain definition, with marked spans (disjoint,
    sorted) cut from random offsets."""
    bounds = sorted({min(c, len(text)) for c in cuts})
    spans = [(a, b) for a, b in zip(bounds[0::2], bounds[1::2]) if b > a]
    ctx = DocumentContext(text, Registry([]), spans)

    def inside(p):
        return any(a <= p and p + 1 <= b for a, b in spans)

    def decimal(p):
        return text[p] == "." and 0 < p < len(text) - 1 and text[p - 1].isdigit() and text[p + 1].isdigit()

    assert ctx._terminators == [p for p, ch in enumerate(text) if ch in ".!?؟" and not inside(p) and not decimal(p)]
