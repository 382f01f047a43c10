"""The quote stage's fast paths against their plain definitions: the same results, tested under hypothesis."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.quotes import _LINK_LINE, _MARK_RE, _pair_family, _pair_roles, _paragraphs


def _paragraphs_reference(text: str) -> list[tuple[int, int]]:
    """:func:`rhetoric.quotes._paragraphs` as first written: the link-line regex over the whole text,
    the lines by ``[^\\n]+``."""
    joins: set[int] = set()
    for m in _LINK_LINE.finditer(text):
        if len(m.group(1).split()) > 4:
            continue
        before_lo = text.rfind("\n", 0, m.start()) + 1
        after_hi = text.find("\n", m.end())
        after_hi = len(text) if after_hi < 0 else after_hi
        if len(_MARK_RE.findall(text, before_lo, m.start() + 1)) % 2 and len(_MARK_RE.findall(text, m.end(), after_hi)) % 2:
            joins |= {m.start() + 1, m.end(1)}
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        if out and line.start() - 1 in joins and out[-1][1] == line.start() - 1:
            out[-1] = (out[-1][0], line.end())
        else:
            out.append((line.start(), line.end()))
    return out


# short lines between lines that end and start with marks or spaces: link lines, joined or not
LINES = st.lists(st.sampled_from(["\n", " \n", "\n ", "«", "»", '"', "“", "”", " ", "\u00a0", "قال", "الوزير", "x" * 39,
                                  "كلمة كلمة كلمة كلمة كلمة", "\t", "'"]), max_size=60).map("".join)


@settings(max_examples=400)
@given(LINES)
def test_paragraphs_equal_the_plain_definition(text):
    assert _paragraphs(text) == _paragraphs_reference(text)


def test_paragraphs_join_a_link_line_far_into_the_text():
    """A link line after a long first paragraph (the scan starts near the first possible end)."""
    text = "مقدمة " * 50 + "\nوقال «الحكومة \nالحليب\n «لن» تتراجع»\nآخر"
    assert _paragraphs(text) == _paragraphs_reference(text)
    assert len(_paragraphs(text)) == 3


MARKS = st.lists(st.tuples(st.sampled_from([None, "open", "close"]), st.sampled_from("OCWA")), max_size=12)


@settings(max_examples=300)
@given(st.sampled_from(["guillemet", "curly", "ascii", "double_single", "single"]), MARKS, st.integers(0, 500))
def test_pair_family_is_its_uncached_viterbi_at_any_positions(family, shapes_roles, offset):
    """The cached pairing depends on the marks' shapes and roles only: marks at other offsets, met
    after other sequences, pair as the Viterbi pass computed afresh."""
    marks = [(offset + 3 * i, offset + 3 * i + 1, shape, role) for i, (shape, role) in enumerate(shapes_roles)]
    assert _pair_family(marks, family) == _pair_roles.__wrapped__(family, tuple(shapes_roles))
