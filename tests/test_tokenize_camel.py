"""rhetoric.text.tokenize reproduces camel-tools' simple_word_tokenize boundaries (at regex speed)."""
from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.text import BIDI_CONTROLS, count_words, tokenize

ALPHABET = list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآىةـًٌٍَُِّْ") + list(" \n\t.,!?؟،؛:«»“”\"'()-…٠١٢3456") + list("abcXYZ%$@#")


def _camel(text):
    pieces = [p.strip(BIDI_CONTROLS) for p in simple_word_tokenize(text)]
    return [p for p in pieces if p]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=200))
def test_same_tokens_as_camel_tools(text):
    assert [t.text for t in tokenize(text)] == _camel(text)


def test_seed_like_sentence_and_word_count():
    text = "وقال كيم للرئيس الروسي: “لقد دعمنا دائمًا جميع قرارات الرئيس بوتين” (2023.9.13)."
    assert [t.text for t in tokenize(text)] == _camel(text)
    assert count_words(text) == sum(1 for t in tokenize(text) if any(c.isalnum() for c in t.text))
