"""The fast paths of the per-article pass give exactly what a plain reference implementation gives
(issue #8). The references are the earlier, straightforward versions of the same functions."""
from __future__ import annotations

import re
from bisect import bisect_left

from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.text import _CLOSERS, _is_abbreviation, _quote_regions, split_sentences


_TERMINATOR = re.compile(r"(?:\.{2,}|…|[.!?؟]+)")


def _reference_split_sentences(text: str) -> list[tuple[int, int]]:
    """split_sentences as first written: line by line, every terminator checked in Python."""
    if not text:
        return []
    cuts: list[int] = []
    line_start = 0
    for line in text.splitlines(keepends=True):
        line_end = line_start + len(line)
        regions = _quote_regions(line, line_start)
        region_starts = [a for a, _ in regions]
        for m in _TERMINATOR.finditer(line):
            end = line_start + m.end()
            while end < line_end and text[end] in _CLOSERS:
                end += 1
            if end < line_end and not text[end].isspace():
                continue
            dot = line_start + m.start()
            if m.group() == "." and _is_abbreviation(text, dot, line_start):
                continue
            k = bisect_left(region_starts, dot) - 1
            if k >= 0 and dot < regions[k][1]:
                continue
            while end < line_end and text[end].isspace():
                end += 1
            if end < line_end:
                cuts.append(end)
        if line_end < len(text):
            cuts.append(line_end)
        line_start = line_end
    spans = []
    start = 0
    for cut in sorted(set(cuts)):
        if cut > start:
            spans.append((start, cut))
            start = cut
    spans.append((start, len(text)))
    return spans


#: Characters that matter to the splitter (terminators, closers, quotes, every kind of white space
#: and line break, letters of abbreviations, digits), drawn often so that they meet each other.
_SENTENCE_CHARS = st.sampled_from(list(".!?؟…" + _CLOSERS + "«“„\"" + " \t\u00a0\u3000\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029"
                                       + "دأمقهـabDr19" + "الوزير"))
_SENTENCE_WORDS = st.sampled_from(["د.", "أ.د.", "Dr.", "1.", "3.5", "...", "…", "؟!", ".»", ".)", "«قال.", "».",
                                   "\r\n", "  ", "الخطة", "إلخ."])


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(_SENTENCE_CHARS, _SENTENCE_WORDS), max_size=40).map("".join))
def test_split_sentences_equals_the_line_by_line_reference(text):
    assert split_sentences(text) == _reference_split_sentences(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_split_sentences_equals_the_reference_on_any_text(text):
    assert split_sentences(text) == _reference_split_sentences(text)


def test_split_sentences_equals_the_reference_on_authored_news():
    text = ("قال الوزير د. أحمد: «انتهى الأمر. لن نتراجع» ثم غادر..! وأضاف أن النمو بلغ 3.5 في المئة؟ نعم…\n"
            "1. البند الأول.\r\n2. البند الثاني!؟ \"اقتباس. قصير\" (وصل الوفد.) ثم غادر.  \n\nفقرة أخيرة")
    assert split_sentences(text) == _reference_split_sentences(text)
    assert len(split_sentences(text)) > 5


# --------------------------------------------------------------------------- word forms for keyness

from collections import Counter  # noqa: E402

from rhetoric.text import _TOKEN_RE, _has_letter, count_word_forms, normalize, word_form_table  # noqa: E402


def _reference_count_word_forms(texts) -> Counter:
    """count_word_forms by its definition: the normal form of every word token, counted in order."""
    return Counter(normalize(p) for p in _TOKEN_RE.findall("\n".join(texts)) if _has_letter(p))


_WORD_PIECES = st.sampled_from(["الوزير", "قال", "الوزير،", "«قال»-نعم", "و5-أيام،", "3.5؟", "د.أحمد", "ـ", "ـ-ـ",
                                "(الوزير-الأول)", "Dr.", "WHO", "who", "إلخ", "ال\u200fحوار", "\u200f", "؟!", "12",
                                "قال:قال", "x\x1fy", "\ud800", "ﻻ", "ﷲ", "ﻻﷲ", "\u0609", "😀قال", "𝐀𝐁", "a\x00b"])
_WORD_SPACE = st.sampled_from([" ", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\x85", "  "])
_WORD_TEXTS = st.lists(st.lists(st.one_of(_WORD_PIECES, _WORD_SPACE, st.text(max_size=4)), max_size=25).map("".join),
                       max_size=6)


@settings(max_examples=1500, deadline=None)
@given(_WORD_TEXTS)
def test_word_counts_equal_the_reference_with_the_same_key_order(texts):
    assert list(count_word_forms(texts).items()) == list(_reference_count_word_forms(texts).items())


def test_word_form_table_is_the_counter_as_arrow_columns():
    texts = ["قال الوزير، إن «الحوار» مستمر.", "الوزير قال: 12 بنداً؛ والحوار-مستمر ـ"]
    table = word_form_table(iter(texts))
    assert str(table.schema.field("term").type) == "string" and str(table.schema.field("n").type) == "int64"
    assert list(zip(table.column("term").to_pylist(), table.column("n").to_pylist())) == \
        list(_reference_count_word_forms(texts).items())
    assert word_form_table([]).num_rows == 0
