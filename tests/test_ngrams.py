"""rhetoric.ngrams: the fast vectorizers give exactly scikit-learn's matrices and vocabularies.

Property tests draw documents from Arabic letters, diacritics, tatweel, Latin, digits, punctuation
and EVERY Unicode white-space character (plus the occasional NUL, which takes the fallback path),
and compare fit_transform and transform on unseen text for char_wb / char / word analyzers.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from rhetoric.classify import WORD_PATTERN
from rhetoric.ngrams import FastCountVectorizer, FastTfidfVectorizer, _normalize_many, _word_run_ids, _word_runs, to_fast
from rhetoric.text import _tables, normalize

WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
ARABIC = "".join(chr(c) for c in range(0x0621, 0x064B))  # letters
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
CHARS = ARABIC + DIACRITICS + "\u0640" + "abcXYZé" + "0129٠١٩" + ".,!?؟،-_'\"()" + WHITESPACE

words = st.text(alphabet=ARABIC + DIACRITICS + "\u0640abcXYZé0129٠١٩.,!?؟،-_'", min_size=1, max_size=6)
gaps = st.text(alphabet=WHITESPACE, min_size=1, max_size=3)
# Word-like documents (so n-grams repeat and min_df keeps some) and raw character soup.
word_docs = st.lists(st.tuples(words, gaps), max_size=8).map(lambda parts: "".join(w + g for w, g in parts))
soup_docs = st.text(alphabet=CHARS, max_size=30)
docs = st.one_of(word_docs, soup_docs, st.just(""), st.text(alphabet=CHARS + "\x00", max_size=10))
corpora = st.lists(docs, min_size=1, max_size=8)

CONFIGS = [
    dict(analyzer="char_wb", ngram_range=(2, 5)),
    dict(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalize, sublinear_tf=True, min_df=2,
         dtype=np.float32),
    dict(analyzer="char_wb", ngram_range=(1, 1)),
    dict(analyzer="char_wb", ngram_range=(1, 3), lowercase=False),
    dict(analyzer="char_wb", ngram_range=(4, 7)),
    dict(analyzer="char_wb", ngram_range=(6, 6), min_df=2),
    dict(analyzer="char", ngram_range=(1, 3)),
    dict(analyzer="char", ngram_range=(2, 5), preprocessor=normalize),
    dict(analyzer="word", ngram_range=(1, 2), preprocessor=normalize, token_pattern=WORD_PATTERN,
         sublinear_tf=True, dtype=np.float32),
    dict(analyzer="word", ngram_range=(1, 1)),
    dict(analyzer="word", ngram_range=(2, 3), token_pattern=r"\S+"),
    dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"[^\s.]*"),  # empty tokens too
]


def assert_same_matrix(expected, got, layout: bool = True) -> None:
    """Same type, shape, dtypes, sparsity structure and values. ``layout``: also the same order of
    the stored entries (scikit-learn's fit_transform leaves rows unsorted, in an order that depends
    on how the vocabulary was first built, so there only the matrix is compared)."""
    assert type(got) is type(expected)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert got.indices.dtype == expected.indices.dtype and got.indptr.dtype == expected.indptr.dtype
    if layout:
        assert got.has_sorted_indices == expected.has_sorted_indices
    else:
        expected, got = expected.sorted_indices(), got.sorted_indices()
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.data, expected.data, rtol=1e-6, atol=0)


def outcome(fn):
    """(result, None) or (None, (exception type, message)): both implementations must agree on errors."""
    try:
        return fn(), None
    except ValueError as exc:
        return None, (type(exc), str(exc))


def check_pair(reference, fast, train, test) -> None:
    want, want_error = outcome(lambda: reference.fit_transform(train))
    got, got_error = outcome(lambda: fast.fit_transform(train))
    assert got_error == want_error
    if want_error:
        return
    assert_same_matrix(want, got, layout=False)
    assert fast.vocabulary_ == reference.vocabulary_
    if hasattr(reference, "idf_"):
        np.testing.assert_allclose(fast.idf_, reference.idf_)
    for texts in (test, train):
        want, want_error = outcome(lambda: reference.transform(texts))
        got, got_error = outcome(lambda: fast.transform(texts))
        assert got_error == want_error
        if not want_error:
            assert_same_matrix(want, got)


@given(config=st.sampled_from(CONFIGS), train=corpora, test=corpora)
def test_tfidf_matches_scikit_learn(config, train, test):
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), train, test)


@given(config=st.sampled_from([c for c in CONFIGS if "sublinear_tf" not in c]), train=corpora, test=corpora)
def test_count_matches_scikit_learn(config, train, test):
    check_pair(CountVectorizer(**config), FastCountVectorizer(**config), train, test)


# Every character normalize() changes (deleted, replaced, expanded to several), the batch separator,
# astral characters, a lone surrogate, white space.
CHANGED = "".join(sorted(map(chr, _tables()[0])))
RAW = CHANGED + "\uffff\U0001F600\U0001D400\ud800 \n" + ARABIC + "abc"


@given(texts=st.lists(st.text(alphabet=RAW, max_size=40) | st.text(max_size=20), max_size=12))
def test_batched_normalize_matches_normalize(texts):
    assert _normalize_many(texts) == [normalize(t) for t in texts]


def test_batched_normalize_remembers_the_last_texts_only_as_a_copy():
    texts = ["أَكّد الوزيرُ", "ﷲ ١٢"]
    first = _normalize_many(texts)
    first.append("changed by the caller")
    again = _normalize_many(list(texts))
    assert again == [normalize(t) for t in texts] and again is not first
    assert _normalize_many(texts[:1]) == [normalize(texts[0])]


def test_batched_normalize_over_many_batches(monkeypatch):
    import rhetoric.ngrams

    monkeypatch.setattr(rhetoric.ngrams, "_BATCH_CHARS", 7)
    texts = [RAW[i::13] for i in range(13)] + ["", "a\uffffb", ""]
    assert _normalize_many(texts) == [normalize(t) for t in texts]


@given(texts=st.lists(st.text(alphabet=RAW + "_1٣\U0001D401", max_size=30) | st.text(max_size=20), max_size=8))
def test_word_runs_match_the_default_token_pattern(texts):
    import re

    found = [re.findall(WORD_PATTERN, t) for t in texts]
    tokens, rows = _word_runs(texts)
    assert tokens == [token for per_text in found for token in per_text]
    assert rows.tolist() == [i for i, per_text in enumerate(found) for _ in per_text]


@given(texts=st.lists(st.text(alphabet=RAW + "_1٣\U0001D401", max_size=30) | st.text(max_size=20), max_size=8),
       known=st.lists(st.text(alphabet=RAW + "_1٣", min_size=2, max_size=4), max_size=12, unique=True))
def test_word_run_ids_are_the_tokens_looked_up(texts, known):
    """The transform's token ids (Arrow look-up, no string per token) are those of _word_runs' tokens
    in the vocabulary's token list (position + 1; 0 when absent); None only for lone surrogates."""
    import pyarrow as pa

    tokens, rows = _word_runs(texts)
    found = _word_run_ids(texts, pa.array(known, pa.large_string()))
    if found is None:
        assert any(0xD800 <= ord(ch) < 0xE000 for t in texts for ch in t)
        return
    ids = {token: i for i, token in enumerate(known, start=1)}
    assert found[0].tolist() == [ids.get(token, 0) for token in tokens]
    assert found[1].tolist() == rows.tolist()


AUTHORED = [
    "قال المتحدث إن الحكومة ستواصل العمل من أجل السلام",
    "أكد الوزير أن الحكومة ستواصل دعم المواطنين",
    "The minister said that the government will continue",
    "السلام عليكم  ورحمة\tالله\u00a0وبركاته",
    "",
    "و",
    "ـــ  ١٢٣ 456",
]


@pytest.mark.parametrize("extra", [
    dict(max_features=15), dict(binary=True), dict(max_df=0.5), dict(min_df=0.3),
    dict(vocabulary=["ال", " ا", "ه ", "the", "لسلا", "xyz", "too long to match"]),
    dict(strip_accents="unicode"), dict(use_idf=False, norm=None),
])
@pytest.mark.parametrize("analyzer", ["char_wb", "char", "word"])
def test_other_parameters(extra, analyzer):
    config = dict(analyzer=analyzer, ngram_range=(1, 4), **extra)
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), AUTHORED, AUTHORED[::-1])


@pytest.mark.parametrize("config", [
    dict(analyzer=lambda doc: doc.split()),  # callable analyzer
    dict(analyzer="word", stop_words=["the", "that"]),
    dict(analyzer="word", tokenizer=str.split, token_pattern=None),
    dict(analyzer="word", token_pattern=r"[a-z ]+", ngram_range=(1, 2)),  # tokens with spaces
    dict(analyzer="char_wb", ngram_range=(2, 4)),  # with a NUL in the text below
])
def test_fallbacks_give_the_same_result(config):
    texts = AUTHORED + ["nul\x00 inside a word"]
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), texts, texts[::-1])


@pytest.mark.parametrize("analyzer", ["char_wb", "char", "word"])
def test_small_batches_give_the_same_result(analyzer, monkeypatch):
    """Long inputs are processed in batches of documents; force many tiny ones."""
    import rhetoric.ngrams

    monkeypatch.setattr(rhetoric.ngrams, "_BATCH_CHARS", 12)
    config = dict(analyzer=analyzer, ngram_range=(1, 3), min_df=2)
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), AUTHORED * 2, AUTHORED[::-1])


@pytest.mark.parametrize("entries", [1, 40, 2000])
@pytest.mark.parametrize("analyzer", ["char_wb", "char", "word"])
def test_hash_and_direct_lookups_agree(analyzer, entries, monkeypatch):
    """Short n-grams are looked up in a direct-address array, longer ones by hashing: any split
    between the two gives the same matrices."""
    import rhetoric.ngrams

    monkeypatch.setattr(rhetoric.ngrams, "_DIRECT_ENTRIES", entries)
    config = dict(analyzer=analyzer, ngram_range=(1, 4))
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), AUTHORED * 2, AUTHORED[::-1])
    config = dict(analyzer=analyzer, ngram_range=(2, 5), preprocessor=normalize, min_df=2)
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), AUTHORED * 2, AUTHORED[::-1])


def test_huge_alphabet_falls_back():
    """300 distinct characters and 8-grams: base ** 8 overflows int64, so scikit-learn's code runs."""
    texts = ["".join(chr(0x4E00 + (7 * i + j) % 300) for j in range(12)) + " كلمة" for i in range(60)]
    config = dict(analyzer="char_wb", ngram_range=(2, 8))
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), texts, texts[::-1] + ["x"])


@pytest.mark.parametrize("analyzer", ["char_wb", "word"])
def test_given_vocabulary_with_unusual_terms(analyzer):
    """Terms with NUL (scikit-learn's path) and a plain given vocabulary (the fast path)."""
    for vocabulary in (["ab", "a\x00", "the"], {"the": 1, "ab": 0, "minister said": 2}):
        config = dict(analyzer=analyzer, ngram_range=(1, 2), vocabulary=vocabulary)
        check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), AUTHORED, AUTHORED[::-1])


@pytest.mark.parametrize("analyzer", ["char_wb", "char", "word"])
def test_no_documents(analyzer):
    config = dict(analyzer=analyzer, ngram_range=(1, 3))
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), [], [])
    check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), AUTHORED, [])


def test_refit_and_parameter_changes_rebuild_the_lookup_tables():
    fast = FastTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(AUTHORED[:3])
    fast.transform(AUTHORED)
    fast.fit(AUTHORED[3:])
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(AUTHORED[3:])
    assert_same_matrix(reference.transform(AUTHORED), fast.transform(AUTHORED))


def test_to_fast_keeps_the_fitted_state():
    config = dict(analyzer="char_wb", ngram_range=(2, 4), min_df=2)
    for reference in (TfidfVectorizer(**config).fit(AUTHORED), CountVectorizer(**config).fit(AUTHORED)):
        fast = to_fast(reference)
        assert isinstance(fast, reference.__class__) and type(fast).__name__.startswith("Fast")
        assert fast.get_params() == reference.get_params() and fast.vocabulary_ is reference.vocabulary_
        assert_same_matrix(reference.transform(AUTHORED[::-1]), fast.transform(AUTHORED[::-1]))
        assert to_fast(fast) is fast
    assert not any(name.startswith("_fast") for name in vars(reference))  # the original is untouched


def test_params_and_clone():
    config = dict(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalize, sublinear_tf=True, min_df=2,
                  dtype=np.float32)
    fast = FastTfidfVectorizer(**config)
    assert fast.get_params() == TfidfVectorizer(**config).get_params()
    copy = clone(fast)
    assert type(copy) is FastTfidfVectorizer and copy.get_params() == fast.get_params()
    assert FastCountVectorizer(min_df=3).get_params() == CountVectorizer(min_df=3).get_params()


def test_skops_round_trip_keeps_plain_state_only():
    import skops.io as sio

    config = dict(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalize, sublinear_tf=True, min_df=2,
                  dtype=np.float32)
    fast = FastTfidfVectorizer(**config).fit(AUTHORED)
    expected = fast.transform(AUTHORED[::-1])  # builds the lookup tables, which must not be saved
    data = sio.dumps(fast)
    untrusted = sio.get_untrusted_types(data=data)
    reference_untrusted = sio.get_untrusted_types(data=sio.dumps(TfidfVectorizer(**config).fit(AUTHORED)))
    assert sorted(set(untrusted) - set(reference_untrusted)) == ["rhetoric.ngrams.FastTfidfVectorizer"]
    loaded = sio.loads(data, trusted=untrusted)
    assert type(loaded) is FastTfidfVectorizer
    assert not any(name.startswith("_fast") for name in vars(loaded))
    assert list(loaded.vocabulary_.items()) == list(fast.vocabulary_.items())  # same terms, columns and order
    assert_same_matrix(expected, loaded.transform(AUTHORED[::-1]))


def test_saved_vocabulary_is_packed_and_old_files_still_load():
    """The vocabulary is saved as one string + two arrays (not a dict node per term); a state with
    the plain dict (files saved before) loads to the same vectorizer; saving leaves the object whole."""
    import pickle

    fast = FastTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), preprocessor=normalize).fit(AUTHORED)
    expected = fast.transform(AUTHORED)
    state = fast.__getstate__()
    assert "vocabulary_" not in state and set(state["packed_vocabulary_"]) == {"terms", "lengths", "columns"}
    assert "vocabulary_" in vars(fast) and "_fast_tables" in vars(fast)  # the live object keeps its state
    old_style = {key: value for key, value in state.items() if key != "packed_vocabulary_"}
    old_style["vocabulary_"] = dict(fast.vocabulary_)
    for restored_state in (state, old_style):
        restored = FastTfidfVectorizer.__new__(FastTfidfVectorizer)
        restored.__setstate__(restored_state)
        assert list(restored.vocabulary_.items()) == list(fast.vocabulary_.items())
        assert_same_matrix(expected, restored.transform(AUTHORED))
    assert_same_matrix(expected, pickle.loads(pickle.dumps(fast)).transform(AUTHORED))


def test_real_news_text(require_dataset):
    """300 SaudiNewsNet articles with the classifier's two configurations: fit on 200, transform
    the 100 unseen ones (and the training ones)."""
    from rhetoric.datasets import load_dataset

    require_dataset("saudinewsnet")
    texts = load_dataset("saudinewsnet", limit=300)["text"].tolist()
    char = dict(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalize, sublinear_tf=True, min_df=2,
                dtype=np.float32)
    word = dict(analyzer="word", ngram_range=(1, 2), preprocessor=normalize, token_pattern=WORD_PATTERN,
                sublinear_tf=True, dtype=np.float32)
    for config in (char, word):
        check_pair(TfidfVectorizer(**config), FastTfidfVectorizer(**config), texts[:200], texts[200:])
    counts = {k: v for k, v in char.items() if k not in ("sublinear_tf", "min_df", "dtype")}
    check_pair(CountVectorizer(**counts, dtype=np.float32), FastCountVectorizer(**counts, dtype=np.float32),
               texts[:200], texts[200:])
