"""The array-based helpers of the quote stage equal the code they replace (speed only)."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rhetoric.speakers import WORD_RE, normalize_document, split_words
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


def test_authored_article_edge_cases():
    text = "قال الوزير: «إن النضال المقدس ﻻ ينتهي» 😀 والإمبريالية... Kim said \"no\"."
    test_split_words_equals_the_word_regex.hypothesis.inner_test(text)
    test_normalize_document_equals_normalize_with_offsets.hypothesis.inner_test(text)
