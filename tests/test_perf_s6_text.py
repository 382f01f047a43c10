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
