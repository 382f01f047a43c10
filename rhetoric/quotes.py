"""Quotations: find every marked span of an article, tell quotes from other marked text, and
attribute each quote to its speaker.

Three steps, each small enough to read and fix:

1. **Marks and pairing** (:func:`find_marked_spans`). Outlets use “ ” (also reversed ” “), « » (also
   » «), ASCII ", doubled '' and single ' (and ‘ ’). Within each paragraph and mark family we pair
   marks with a two-state Viterbi pass (outside / inside a quote): every mark has a cost to act as an
   opener, a closer, or to be skipped as stray, from its context (space or a proclitic before and a
   letter after looks like an opener ...) and, for directional marks, its shape. This is linear in the
   number of marks, handles ASCII marks (which carry no direction), quotes left unclosed at a paragraph
   end (they run to the end of the paragraph) and stray closing marks (they close a quote that
   continues the previous one: ``"..." . ...”``). Nested spans inside a quote stay part of it.
2. **Classification** (:func:`classify_marked`): quote, or other marked text — ``name`` (outlets,
   parties, platforms, a speaker in a headline), ``title`` (programmes, books, operations, slogans),
   ``term`` (mentioned words) or ``scare`` (scare quotes). A short fragment is a quote when an
   attribution cue governs it (أكد أن الوضع "مؤلم"); long spans are quotes unless a title word names them.
3. **Attribution** (:mod:`rhetoric.speakers`): cue, speaker mention and registry id, speaker type, stance.
   A quote with no cue of its own shares the speaker of the quote it continues.

Offsets are Python string indices into the ORIGINAL text; quote spans exclude the marks.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

import numpy as np

from .speakers import (
    _NAME_MARKS,
    _NP_STOP,
    _PREPOSITIONS,
    _SPACE,
    _TITLE_WORDS,
    WORD_RE,
    Attribution,
    Cue,
    DocumentContext,
    Registry,
    _bare,
    indexes_of,
    load_registry,
    lookup_cue,
    norm_word,
    speaker_type_from_rules,
    text_codes,
)
from .text import BIDI_CONTROLS, normalize

__all__ = [
    "Quote",
    "Marked",
    "MarkedSpan",
    "OTHER_KINDS",
    "extract_quotes",
    "find_marked_spans",
    "classify_marked",
]

#: Kinds of marked text that is not a quotation (``other``: numbers set in marks, inner spans of a quote).
OTHER_KINDS = ("name", "title", "platform", "term", "scare", "other")


@dataclass
class Quote:
    """A quotation: ``text[start:end]`` is its content without the marks.

    ``mark_start``/``mark_end`` bound the content with its marks (a quote left unclosed, or closed by
    a stray mark, has only one mark). ``how`` is ``paired`` / ``unclosed`` / ``continuation``."""

    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_id: str | None = None
    speaker_type: str | None = None
    cue: str | None = None
    stance: str | None = None
    mark_start: int = 0
    mark_end: int = 0
    how: str = "paired"

    def to_dict(self) -> dict:
        """The fields of the ``rhetoric quotes`` output contract."""
        d = asdict(self)
        return {k: d[k] for k in ("start", "end", "text", "speaker", "speaker_start", "speaker_end",
                                  "speaker_id", "speaker_type", "cue", "stance")}


@dataclass
class Marked:
    """Marked text that is not a quotation (``kind`` in :data:`OTHER_KINDS`)."""

    start: int
    end: int
    text: str
    kind: str
    mark_start: int = 0
    mark_end: int = 0

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind}


@dataclass
class MarkedSpan:
    """A paired (or unclosed / continued) marked span before classification."""

    start: int
    end: int
    mark_start: int
    mark_end: int
    family: str
    how: str = "paired"
    nested_in: int | None = field(default=None, repr=False)


# =========================================================================== marks

#: mark character -> (family, shape); shape 'open' / 'close' for directional marks, None for ASCII.
_MARKS: dict[str, tuple[str, str | None]] = {
    "«": ("guillemet", "open"), "»": ("guillemet", "close"),
    "“": ("curly", "open"), "„": ("curly", "open"), "‟": ("curly", "open"),
    "”": ("curly", "close"), "″": ("curly", "close"),
    '"': ("ascii", None),
    "''": ("double_single", None),
    "'": ("single", None), "‘": ("single", "open"), "’": ("single", "close"),
}
# (one character class first, then '' before ': a pattern that starts with a class is scanned for fast)
_MARK_RE = re.compile("[" + re.escape("".join(k for k in _MARKS if len(k) == 1 and k != "'")) + "]|''?")

#: Per family: cost to skip a mark as stray, cost to leave a quote open at the paragraph end, and
#: whether a stray closing mark closes a continued quote. Single ' doubles as an apostrophe, so it
#: is cheap to skip and never left open.
_FAMILY = {
    "guillemet": (2.0, 1.0, True),
    "curly": (2.0, 1.0, True),
    "ascii": (2.0, 1.2, True),
    "double_single": (2.0, 1.2, True),
    "single": (1.0, 9.0, False),
}
# Cost of a mark acting as opener / closer by its context role (O opener-like, C closer-like,
# W closer-like but followed by a space, which Al-Ahram's print-converted openers also are, A unclear).
_AS_OPEN = {"O": 0.0, "A": 0.3, "W": 1.0, "C": 3.0}
_AS_CLOSE = {"C": 0.0, "W": 0.0, "A": 0.3, "O": 3.0}
_SHAPE_PENALTY = 1.0  # a directional mark used against its shape (reversed “ ” / » «)
_NEST_COST = 0.5  # an opener-like mark inside a quote opens a nested span of the same family

_OPEN_PUNCT = set("([{:،,؛;-–—/…") | set(_MARKS) | {"\u00a0"}
_CLOSE_PUNCT = set(".,،:;؛!?؟)]}…-–—") | set(_MARKS)
_PROCLITIC_FRAGMENTS = frozenset(
    {"و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "بال", "فال", "كال", "ول", "وب", "فب", "فل", "وك", "لـ", "ولـ",
     "بـ", "وبـ", "كـ", "الـ", "للـ", "بالـ", "والـ"}
)
#: Their last characters: a mark after any other letter has no proclitic before it (a cheap first test).
_PROCLITIC_LAST = frozenset(fragment[-1] for fragment in _PROCLITIC_FRAGMENTS)


def _role(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """Context role of the mark ``text[start:end]`` inside the paragraph ``[lo, hi)``."""
    p = start - 1
    while p >= lo and text[p] in BIDI_CONTROLS:
        p -= 1
    n = end
    while n < hi and text[n] in BIDI_CONTROLS:
        n += 1
    prev = text[p] if p >= lo else None
    nxt = text[n] if n < hi else None
    left_open = prev is None or prev.isspace() or prev in _OPEN_PUNCT
    if not left_open and prev in _PROCLITIC_LAST and (prev.isalpha() or prev == "\u0640"):
        q = p
        while q >= lo and (text[q].isalpha() or text[q] == "\u0640") and p - q < 5:
            q -= 1
        frag = text[q + 1:p + 1]
        if (q < lo or not text[q].isalnum()) and frag in _PROCLITIC_FRAGMENTS:
            left_open = True
    right_word = nxt is not None and nxt.isalnum()
    left_word = prev is not None and (prev.isalnum() or prev in ".!?؟…%)")
    if left_open and right_word:
        return "O"
    if left_word and (nxt is None or nxt in _CLOSE_PUNCT):
        return "C"
    if left_word and nxt is not None and nxt.isspace():
        return "W"
    return "A"


def _pair_family(marks: list[tuple[int, int, str | None, str]], family: str):
    """Viterbi pairing of one family's marks in one paragraph.

    ``marks`` are (start, end, shape, role). States: 0 outside, 1 inside a quote, 2 inside a quote
    nested in a quote of the same family (``"... "title" ..."``). Returns (pairs, nested_pairs,
    unclosed_open_index or None, skipped), from the marks' shapes and roles alone (:func:`_pair_roles`)."""
    return _pair_roles(family, tuple((shape, role) for _start, _end, shape, role in marks))


@lru_cache(maxsize=4096)
def _pair_roles(family: str, shapes_roles: tuple[tuple[str | None, str], ...]):
    """:func:`_pair_family` of marks with these (shape, role): cached, since most paragraphs hold the
    same few sequences (an opener and a closer), and tuples, since the result is shared."""
    skip, end_open, _ = _FAMILY[family]
    inf = float("inf")
    cost = [0.0, inf, inf]
    back: list[tuple[tuple[int, str], ...]] = []  # per mark, per state: (previous state, action)
    for shape, role in shapes_roles:
        as_open = _AS_OPEN[role] + (_SHAPE_PENALTY if shape == "close" else 0.0)
        as_close = _AS_CLOSE[role] + (_SHAPE_PENALTY if shape == "open" else 0.0)
        nest = as_open + _NEST_COST if role == "O" else inf
        c0, c1, c2 = cost
        # each state's cheapest way in; on a tie the option listed first wins
        to0, from0 = c0 + skip, (0, "skip")
        if c1 + as_close < to0:
            to0, from0 = c1 + as_close, (1, "close")
        to1, from1 = c0 + as_open, (0, "open")
        if c1 + skip < to1:
            to1, from1 = c1 + skip, (1, "skip")
        if c2 + as_close < to1:
            to1, from1 = c2 + as_close, (2, "unnest")
        to2, from2 = c1 + nest, (1, "nest")
        if c2 + skip < to2:
            to2, from2 = c2 + skip, (2, "skip")
        cost = [to0, to1, to2]
        back.append((from0, from1, from2))
    finals = [cost[0], cost[1] + end_open, cost[2] + end_open + skip]
    state = min(range(3), key=lambda k: finals[k])
    actions = [""] * len(shapes_roles)
    for i in range(len(shapes_roles) - 1, -1, -1):
        prev_state, action = back[i][state]
        actions[i] = action
        state = prev_state
    pairs, nested, skipped = [], [], []
    open_i = inner_i = None
    for i, action in enumerate(actions):
        if action == "open":
            open_i = i
        elif action == "close":
            pairs.append((open_i, i))
            open_i = None
        elif action == "nest":
            inner_i = i
        elif action == "unnest":
            nested.append((inner_i, i))
            inner_i = None
        else:
            skipped.append(i)
    if inner_i is not None:
        skipped.append(inner_i)
    return tuple(pairs), tuple(nested), open_i, tuple(skipped)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without surrounding white space and bidi controls."""
    while start < end and (text[start].isspace() or text[start] in BIDI_CONTROLS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in BIDI_CONTROLS):
        end -= 1
    return start, end


def _continuation_start(text: str, lo: int, end: int) -> int:
    """Where a quote closed by a stray mark at ``end`` begins: after the last colon, else after an
    ``أن/إن`` that follows a speech verb, else at ``lo`` (the previous mark or the paragraph start);
    leading punctuation and space are skipped."""
    region = text[lo:end]
    colon = max(region.rfind(":"), region.rfind("："))
    if colon >= 0:
        lo = lo + colon + 1
    else:
        saw_cue = False
        for m in WORD_RE.finditer(region):
            w = norm_word(m.group())
            if lookup_cue(w) is not None:
                saw_cue = True
            elif saw_cue and w in ("ان", "بان", "انه", "انها"):
                lo_candidate = lo + m.end()
                lo = lo_candidate
                break
    while lo < end and not (text[lo].isalnum()) and text[lo] not in _MARKS:
        lo += 1
    return lo


#: A line broken around a hyperlinked word (CNN Arabic: "... عن  \nالحليب\n  أنه ..."): the line before
#: ends in white space or a mark, the link line is short, and the line after starts with white space or a mark.
_LINK_LINE = re.compile(r"[ \t\u00a0" + re.escape("".join(k for k in _MARKS if len(k) == 1)) + r"]\n([^\n]{1,40})\n(?=[ \t\u00a0"
                        + re.escape("".join(k for k in _MARKS if len(k) == 1)) + r"])")
#: What every :data:`_LINK_LINE` holds at its end, found fast (a literal first): most texts have none.
_LINK_LINE_END = re.compile(r"\n[ \t\u00a0" + re.escape("".join(k for k in _MARKS if len(k) == 1)) + "]")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty lines of ``text`` as (start, end), with a line broken around a hyperlinked word joined
    to its neighbours (:data:`_LINK_LINE`) when both neighbours hold an odd number of marks, so that a
    quote opened before the link and closed after it pairs up."""
    joins: set[int] = set()
    first_end = _LINK_LINE_END.search(text)
    # (a match ends at a _LINK_LINE_END and spans at most 43 characters: none starts earlier)
    for m in _LINK_LINE.finditer(text, max(0, first_end.start() - 42)) if first_end else ():
        if len(m.group(1).split()) > 4:
            continue
        before_lo = text.rfind("\n", 0, m.start()) + 1
        after_hi = text.find("\n", m.end())
        after_hi = len(text) if after_hi < 0 else after_hi
        if len(_MARK_RE.findall(text, before_lo, m.start() + 1)) % 2 and len(_MARK_RE.findall(text, m.end(), after_hi)) % 2:
            joins |= {m.start() + 1, m.end(1)}
    out: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):  # (the non-empty lines are what [^\n]+ finds, split is faster)
        end = start + len(line)
        if line:
            if out and start - 1 in joins and out[-1][1] == start - 1:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
        start = end + 1
    return out


@lru_cache(maxsize=1)
def _mark_table() -> np.ndarray:
    """For every code point, whether it is a one-character mark of :data:`_MARKS`."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(k) for k in _MARKS if len(k) == 1]] = True
    return table


def _find_marks(text: str, padded: np.ndarray | None) -> list[tuple[int, int, str]]:
    """(start, end, mark) of the marks :data:`_MARK_RE` finds in ``text``, from its code points
    ``padded`` (:func:`rhetoric.speakers.text_codes`) when there are any: one array look-up instead
    of a regex scan. Left to right, two single quotes make one mark ``''``."""
    if padded is None:  # a lone surrogate
        return [(*m.span(), m.group()) for m in _MARK_RE.finditer(text)]
    found = []
    taken = -1  # the second quote of the last ''
    for p in np.flatnonzero(_mark_table()[padded[1:-1]]).tolist():
        if p == taken:
            continue
        mark = text[p]
        if mark == "'" and text[p + 1:p + 2] == "'":
            found.append((p, p + 2, "''"))
            taken = p + 1
        else:
            found.append((p, p + 1, mark))
    return found


def find_marked_spans(text: str, padded: np.ndarray | None = None) -> list[MarkedSpan]:
    """Every marked span of ``text`` in order, without crossing; nested spans carry ``nested_in``.
    ``padded`` is :func:`rhetoric.speakers.text_codes` of ``text`` when the caller has it."""
    found = _find_marks(text, text_codes(text) if padded is None else padded)  # (marks hold no newline)
    if not found:
        return []
    found_starts = [s for s, _e, _mark in found]
    paragraphs = _paragraphs(text)
    paragraph_starts = [lo for lo, _hi in paragraphs]
    candidates: list[tuple[int, MarkedSpan]] = []  # (priority, span)
    stop = 0
    while stop < len(found):  # the paragraphs with marks, in order (every mark is inside one)
        first = stop
        lo, hi = paragraphs[bisect.bisect_right(paragraph_starts, found_starts[first]) - 1]
        stop = bisect.bisect_left(found_starts, hi, first)
        by_family: dict[str, list[tuple[int, int, str | None, str]]] = {}
        all_marks: list[tuple[int, int]] = []
        for s, e, mark in found[first:stop]:
            family, shape = _MARKS[mark]
            if family == "single" and shape is None:
                before = text[s - 1] if s > lo else " "
                after = text[e] if e < hi else " "
                if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
                    continue  # an apostrophe inside a Latin word (don't, Qur'an)
            by_family.setdefault(family, []).append((s, e, shape, _role(text, s, e, lo, hi)))
            all_marks.append((s, e))
        mark_ends = sorted(all_marks)
        for family, marks in by_family.items():
            pairs, nested, open_i, skipped = _pair_family(marks, family)
            for a, b in pairs + nested:
                s, e = _trim(text, marks[a][1], marks[b][0])
                if e > s:
                    candidates.append((0, MarkedSpan(s, e, marks[a][0], marks[b][1], family)))
            if open_i is None and family == "single" and skipped and skipped[-1] == len(marks) - 1:
                ms = marks[-1][0]
                if text[lo:ms].rstrip(" \u00a0" + BIDI_CONTROLS).endswith(":") and marks[-1][3] == "O":
                    open_i = len(marks) - 1  # فلان: 'كلام ... left open at the paragraph end
            if open_i is not None:
                s, e = _trim(text, marks[open_i][1], hi)
                if e > s:
                    candidates.append((1, MarkedSpan(s, e, marks[open_i][0], e, family, "unclosed")))
            if _FAMILY[family][2]:
                for i in skipped:
                    ms, me, _shape, role = marks[i]
                    if role not in ("C", "W") or marks[i][2] == "open":
                        continue
                    prev_ends = [e for s, e in mark_ends if e <= ms]
                    if prev_ends:
                        start = _continuation_start(text, max(prev_ends), ms)
                    elif ":" in text[lo:ms] or "：" in text[lo:ms]:
                        start = _continuation_start(text, lo, ms)  # فلان: كلام ...” (the opener is missing)
                    else:
                        continue  # no quote or colon before it in the paragraph: a stray mark
                    s, e = _trim(text, start, ms)
                    first_word = WORD_RE.search(text, s, e)
                    if first_word and lookup_cue(norm_word(first_word.group())) is not None:
                        continue  # "..."؛ حسب رأيها ...": narration about the quote, the mark is stray
                    if e > s and first_word:
                        candidates.append((2, MarkedSpan(s, e, s, me, family, "continuation")))
    candidates.sort(key=lambda c: (c[0], c[1].mark_start))
    kept: list[MarkedSpan] = []
    for _prio, span in candidates:
        crossing = False
        for other in kept:
            a0, a1, b0, b1 = span.mark_start, span.mark_end, other.mark_start, other.mark_end
            if a0 < b1 and b0 < a1:
                inside = b0 <= a0 and a1 <= b1 or a0 <= b0 and b1 <= a1
                if not inside:
                    crossing = True
                    break
        if not crossing:
            kept.append(span)
    kept.sort(key=lambda s: (s.mark_start, -s.mark_end))
    outer: list[int] = []
    for index, span in enumerate(kept):
        while outer and kept[outer[-1]].mark_end <= span.mark_start:
            outer.pop()
        if outer:
            span.nested_in = outer[0]
        else:
            outer.append(index)
    return kept


# =========================================================================== classification


def _norm_set(words: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in words.split())


_TITLE_NOUNS = _norm_set(
    "برنامج برنامجه برنامجها كتاب كتابه كتابها فيلم فيلمه مسلسل عملية مسرحية رواية روايته بعنوان عنوان عنوانه "
    "تحت شعار شعارات حملة مبادرة مشروع مؤتمر ندوة مهرجان أغنية اغنية قصيدة ديوان مقال مقاله مقالة تقرير دراسة "
    "وثيقة جمعة مليونية هاشتاق هاشتاج وسم صفحة صفحته معرض جائزة مسابقة بطولة ورشة خطة استراتيجية اتفاقية ميثاق "
    "ألبوم البوم كليب عرض دورة"
)
_NAME_NOUNS = _norm_set(
    "موقع صحيفة صحيفتا صحف جريدة مجلة قناة فضائية وكالة شبكة حزب حركة جماعة ائتلاف جبهة تحالف منظمة جمعية شركة "
    "شركات مجموعة فريق نادي تنظيم تيار اتحاد مركز مؤسسة مستشفى مدرسة فندق قرية مدينة ملعب سهم بنك مصرف هيئة "
    "كتيبة ميليشيا ميليشيات مطعم سفينة طائرة الرحلة قرى وادي منطقة حي شارع ميدان مطرب المطرب الفنان الفنانة "
    "اللاعب النجم تطبيق حساب حسابه حسابها أنباء للأنباء هاتف نجله نجلها ابنه ابنته زوجته المتهم خدمة دائرة "
    "قسم محافظة مسجد كنيسة جامعة كلية سجن مطار ميناء جسر قصر نادي منتخب مجلس صندوق لجنة"
)
_TERM_NOUNS = _norm_set("مصطلح كلمة كلمات عبارة لفظ مفهوم تسمية يسمى تسمى المسمى المسماة يعرف تعرف المعروف "
                        "المعروفة يطلق لقب الملقب الملقبة اسم باسم يدعى تدعى مسمى وصف بوصف")
_PLATFORMS = _norm_set("فيس_بوك فيسبوك فيس تويتر يوتيوب يوتيوب انستجرام إنستغرام انستغرام واتساب واتس_اب "
                       "جوجل غوغل تيك_توك سناب_شات سناب تلغرام تليجرام لينكد_إن ويكيليكس ويكيبيديا")
_PLATFORMS = frozenset(w.replace("_", " ") for w in _PLATFORMS)

#: Words between a cue and a fragment that make the fragment reported speech (أكد أن الوضع "مؤلم").
_COMPLEMENTIZERS = _norm_set("أن إن أنه إنه أنها إنها بأن بأنه بأنها أنهم إنهم بأنهم لأن")
#: Cues whose object is the speaker's words (وصفه بـ"..."، أعرب عن "..."، تعهد بـ"...").
_OBJECT_CUES = frozenset({"وصف", "اعتبر", "أعرب", "تعهد", "سمى", "دعا", "نفى", "حذر", "هتف"})

#: First words of a hedge set in marks (not speech): «على حد قولهم»، «حسب زعمهم».
_HEDGE_STARTS = _norm_set("على حسب بحسب وفق وفقا")
#: Verbs of direct speech: what they introduce is the speaker's words, however short.
_DIRECT_CUES = frozenset({"قال", "أضاف", "تابع", "كتب"})

#: What may stand between two quotes of one list (هتافات "..." و"..."، "..."): they share a speaker.
_COORDINATED = re.compile(r"[ \t\u00a0\u200e\u200f،,]*و?[ \t\u00a0\u200e\u200f]*")
#: A separator that joins the items of one list: a comma or و (two bare adjacent marks may be a new span).
_LISTED = re.compile(r"[ \t\u00a0\u200e\u200f]*(?:[،,][ \t\u00a0\u200e\u200f]*و?|و)[ \t\u00a0\u200e\u200f]*")
#: What ends a sentence between two marked spans (they are then in different sentences).
_SENTENCE_BREAK = re.compile(r"[.!?؟\n]")
#: Nouns for chanted or written slogans: what follows them in marks is a quote even with no speech verb.
_CHANT_NOUNS = _norm_set("هتاف هتافات الهتاف الهتافات لافتة لافتات اللافتات يافطة يافطات شعارات الشعارات")
_CHANT_STEM_RE = re.compile("هتاف|لافت|يافط|شعارات")  # a cheap test before the noun look-up
#: A quote without any cue must be at least this many words long.
MIN_UNCUED_QUOTE_WORDS = 6
#: A cue governs a quote fragment when at most this many words separate them.
MAX_CUE_DISTANCE = 30


def _words(text: str, start: int, end: int) -> list[str]:
    return list(map(norm_word, WORD_RE.findall(text, start, end)))


@lru_cache(maxsize=50_000)
def _strip_al(word: str) -> str:
    for prefix in ("وال", "بال", "فال", "كال", "لل", "ال", "وب", "ول", "و", "ب", "ل", "ك"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    return word


@lru_cache(maxsize=100_000)
def _in_nouns(word: str, nouns: frozenset[str]) -> bool:
    if word in nouns or _strip_al(word) in nouns:
        return True
    return ("ال" + _strip_al(word)) in nouns


@dataclass(slots=True)
class _Features:
    """What the classifier and the attribution look at around one marked span."""

    words: list[str]  # the normalised words of the marked text
    n_words: int
    has_letters: bool
    latin_only: bool
    prev_words: list[str]
    attached: str
    cue_before: Cue | None
    cue_after: Cue | None
    colon_before: bool
    next_text: str
    next_word: str
    prev_is_cue: bool
    window_lo: int
    window_hi: int
    fragment_link: bool = False
    complementized: bool = False
    chant: bool = False
    colon_after: bool = False
    is_alias: bool = False
    governed: bool = False
    repeated: bool = False
    continues_quote: bool = False
    sentence_has_quote: bool = False


#: A word character that is not a Latin letter or an ASCII digit (:data:`WORD_RE` takes letters,
#: digits and Arabic diacritics).
_NON_LATIN_WORD_CHAR = re.compile(r"[^\W_A-Za-z0-9]|[\u064B-\u065F\u0670]")
#: A detached ل written with tatweel before a mark (``لـ «المدينة»``): it attaches like لـ«المدينة».
_DETACHED_LAM = re.compile(r"(?:^|\s)لـ$")
#: The rest of a sentence after a marked span that ends in a colon (a name inside an attribution clause).
_COLON_AFTER = re.compile(r"[^.!?؟\n:：]*+[:：][\s\u200e\u200f]*")  # (possessive: no backtracking can match)


def _features(ctx: DocumentContext, span: MarkedSpan, lo: int, hi: int,
              content_words: list[str] | None = None) -> _Features:
    """Features of ``span`` with a cue window ``[lo, hi)``; ``content_words`` are its words when the
    caller has them (:meth:`DocumentContext.words_in`)."""
    text = ctx.text
    if content_words is None:
        content_words = ctx.words_in(span.start, span.end)
    latin_only = bool(content_words) and _NON_LATIN_WORD_CHAR.search(text, span.start, span.end) is None
    # attached letters right before the opening mark (لـ«الوطن»)
    k = span.mark_start
    while k > lo and (text[k - 1].isalpha() or text[k - 1] == "\u0640"):
        k -= 1
    attached = norm_word(text[k:span.mark_start]).replace("\u0640", "") if k < span.mark_start else ""
    if k == span.mark_start and k > lo and text[k - 1] == " ":
        # "لـ «المدينة»": a detached ل with tatweel still attaches
        j = k - 1
        while j > lo and text[j - 1] == " ":
            j -= 1
        if text.endswith("لـ", max(lo, j - 4), j) and _DETACHED_LAM.search(text[max(lo, j - 4):j]):
            attached = "ل"
    para_lo = ctx.paragraph_bounds(span.mark_start)[0]
    prev_words = ctx.last_words_in(max(para_lo, span.mark_start - 80), k, 5)
    clause_lo = ctx.clause_start(max(lo, span.mark_start - 600), span.mark_start)
    cue_before = ctx.cue_before(clause_lo, span.mark_start)
    if cue_before is not None:
        distance = len(ctx.word_range(cue_before.end, span.mark_start))
        if distance > MAX_CUE_DISTANCE:
            cue_before = None
    cue_after = ctx.cue_after(span.mark_end, hi) if span.how != "unclosed" else None
    before = text[clause_lo:span.mark_start].rstrip(" \u00a0" + BIDI_CONTROLS)
    colon_before = before.endswith((":", "："))
    rest = text[span.mark_end:hi]
    next_text = rest.lstrip(" \u00a0" + BIDI_CONTROLS)
    nm = ctx.next_word(span.mark_end, hi)
    next_word = nm[1] if nm and not text[span.mark_end:nm[0]].strip() else ""
    prev_is_cue = False
    if prev_words and not text[k:span.mark_start] and not text[max(lo, k - 3):k].strip(" ").endswith((",", "،", ":")):
        entry = lookup_cue(prev_words[-1])
        prev_is_cue = (entry is not None and entry.role == "verb" and entry.lemma not in _OBJECT_CUES
                       and entry.lemma != "جاء"  # جاء "...": "came", a cue only as جاء في
                       and prev_words[-2:-1] not in (["ما"], ["بما"]))
    fragment_link = attached in ("ب", "وب")
    complementized = False
    if cue_before is not None:
        between = [ctx.norms[i] for i in ctx.word_range(cue_before.end, span.mark_start)]
        complementized = any(w in _COMPLEMENTIZERS for w in between)
        fragment_link = fragment_link or complementized
        fragment_link = fragment_link or cue_before.lemma in _OBJECT_CUES or cue_before.lemma in _DIRECT_CUES
        fragment_link = fragment_link or (cue_before.role == "source" and len(between) <= 8)
        fragment_link = fragment_link or (len(between) <= 1 and prev_words[-2:-1] in (["ما"], ["بما"]))
    return _Features(
        words=content_words,
        n_words=len(content_words),
        has_letters=any(map(str.isalpha, text[span.start:span.end])),
        latin_only=latin_only,
        prev_words=prev_words,
        attached=attached,
        cue_before=cue_before,
        cue_after=cue_after,
        colon_before=colon_before,
        next_text=next_text,
        next_word=next_word,
        prev_is_cue=prev_is_cue,
        window_lo=clause_lo,
        window_hi=hi,
        fragment_link=fragment_link,
        complementized=complementized,
        chant=_CHANT_STEM_RE.search(" ".join(prev_words[-3:])) is not None and
        any(_in_nouns(w, _CHANT_NOUNS) for w in prev_words[-3:]),
        colon_after=hi < len(text) and text[hi] in _MARKS and _COLON_AFTER.fullmatch(rest) is not None and
        not any(lookup_cue(w) for w in _words(text, span.mark_end, hi)),
        is_alias=_is_alias(ctx, span),
        governed=cue_before is not None and fragment_link,
    )


def _is_alias(ctx: DocumentContext, span: MarkedSpan) -> bool:
    """The marked text is exactly a registry alias (a name, not words someone said)."""
    return span.end - span.start <= 60 and _whole_alias(ctx.registry, ctx.text[span.start:span.end])


@lru_cache(maxsize=20_000)
def _whole_alias(registry: Registry, content: str) -> bool:
    """``content`` is exactly one alias of ``registry`` (cached: outlets mark the same names again and again).
    Its normal form must then be an alias form itself, which one set look-up rules out for most texts."""
    if not registry.is_alias_form(normalize(content)):
        return False
    mentions = registry.find_mentions(content)
    return len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(content)


_COMMA = re.compile(r"[،,]")


def _is_name_list(content: str) -> bool:
    """Marks around a list of names (صور لـ«فلان، وفلان، وفلان، وآخرين»، وهم: «...»): at least three
    comma-separated items, at least two later ones joined with و, all but the last of at most three words."""
    if content.count("،") + content.count(",") < 2:
        return False
    items: list[list[str]] = []  # the words of each non-empty item
    for part in _COMMA.split(content):
        words = WORD_RE.findall(part)
        if words:
            if items and len(items[-1]) > 3:
                return False  # an item before the last is longer than a name (a long quote: stop early)
            items.append(words)
    if len(items) < 3:
        return False
    return sum(norm_word(item[0]).startswith("و") for item in items[1:]) >= 2


def classify_marked(f: _Features, content: str) -> str:
    """``quote`` or another kind (:data:`OTHER_KINDS`) for a marked span with features ``f``.

    Order matters: the noun before the mark (برنامج، حزب، مصطلح ...) decides first; then the
    position of a marked name (the subject of a speech verb, a headline speaker before a colon);
    then cues. Short spans (three words or fewer) need a cue that governs them as reported speech."""
    prev = f.prev_words[-1] if f.prev_words else ""
    n = f.n_words
    if not f.has_letters:
        return "other"
    words = f.words
    if n <= 3 and " ".join(_strip_al(w) if w.startswith("ال") else w for w in words) in _PLATFORMS:
        return "platform"  # "فيسبوك"، "الواتس آب"
    if _is_name_list(content):
        return "name"
    if f.colon_before:
        prev = ""  # after a colon the noun before does not name the marked text (المعرض: "...")
    if prev and _in_nouns(prev, _TITLE_NOUNS) and (n <= 15 or _strip_al(prev) in ("عنوان", "بعنوان", "عنوانه")):
        return "title"
    if len(f.prev_words) >= 2 and " ".join(f.prev_words[-2:]) in ("تحت عنوان", "تحت شعار") and n <= 40:
        return "title"
    if prev and _in_nouns(prev, _NAME_NOUNS) and n <= 6:
        return "name"
    first = words[:1]
    if first and not f.colon_before:
        if n <= 6 and not (f.governed and n >= 3) and _in_nouns(first[0], _TITLE_NOUNS) and first[0] != "عرض":
            return "title"  # «جمعة الغضب»، «عملية الفجر»
        if f.is_alias or (n <= 4 and _in_nouns(first[0], _NAME_NOUNS)):
            return "name"  # «حركة شباب 6 أبريل»، «جماعة الإخوان المسلمين»
        if n <= 4 and first[0] in _HEDGE_STARTS:
            return "other"  # «على حد قولهم»: a hedge set in marks
    if n <= 3 and prev and any(_in_nouns(w, _NAME_NOUNS) for w in f.prev_words[-3:]) and not f.governed:
        return "name"  # وكالة الأنباء السورية الرسمية «سانا»
    if n == 1 and prev and not f.complementized and not f.attached and \
            any(_in_nouns(w, _NAME_NOUNS) for w in f.prev_words):
        return "name"  # وفقا لنشرة مؤسسة النقد العربي السعودي «ساما»: a short name after the long one
    if n <= 3 and f.colon_after and not f.complementized:
        return "name"  # وقال فلان، المشارك في «الرقصة»، على صفحته: «...»: inside the attribution clause
    if f.chant:
        return "quote"  # وعلت الهتافات "..."
    if f.attached in ("ل", "لل") and n <= 4:
        return "name"
    if n <= 3 and prev and not f.colon_before and _bare(prev) in _TITLE_WORDS and f.next_text.startswith(("،", ",")):
        return "name"  # قال العقيد "فلان الفلاني"، الضابط بـ...: a marked name after its title
    if prev and any(_in_nouns(w, _TERM_NOUNS) for w in f.prev_words[-2:]) and n <= 5:
        return "term"
    if n <= 4 and f.next_text.startswith((":", "：")) and len(f.next_text) > 2:
        return "name"  # «فلان»: headline text
    if n <= 3 and f.next_word and not f.complementized:  # (أوضح أنه ... بعد "تأمل طويل" لافتا: a fragment)
        entry = lookup_cue(f.next_word)
        if entry is not None and (entry.role == "participle" or (
                entry.role == "verb" and f.next_word.lstrip("وف")[:1] in ("ي", "ت"))):
            return "name"  # «فلان» ينفي ... / «فلان» معلقا: the marked name is the subject
    if n <= 3 and f.prev_is_cue:
        return "name"  # وقال «موسى»: / وأوضحت «الغذاء والدواء» أن ...: the verb's subject
    if f.latin_only and n <= 4:
        return "name"
    if f.continues_quote:
        return "quote"
    if n <= 3:
        if f.repeated:
            return "name"
        if f.cue_after is not None and f.cue_after.role != "source":
            return "quote"
        if f.cue_before is not None and (f.fragment_link or f.colon_before):
            return "quote"
        if f.sentence_has_quote:
            return "quote"
        return "scare"
    if f.cue_before is not None or f.cue_after is not None or f.colon_before or f.sentence_has_quote:
        return "quote"
    if n >= MIN_UNCUED_QUOTE_WORDS:
        return "quote"
    return "term"


# =========================================================================== extraction


def _colon_speaker(ctx: DocumentContext, lo: int, pos: int) -> Attribution:
    """Speaker of a colon introduction ``فلان: «...»``: the words between the last punctuation and
    the colon, when they look like a name (no preposition or time word first); else from context."""
    colon = max(ctx.text.rfind(":", lo, pos), ctx.text.rfind("：", lo, pos))
    if colon >= 0:  # the name stands on the colon's own line, after any earlier colon (منها: فلان: "...")
        lo = max(lo, *(ctx.text.rfind(c, lo, colon) + 1 for c in "\n:："))
    rng = ctx.word_range(lo, colon) if colon >= 0 else range(0)
    words = list(rng)
    while len(words) > 1 and any(c in ctx.gap(words[0]) for c in "،,.؛;"):
        words = words[1:]
    words = words[-6:]
    ok = bool(words) and not any(ctx.norms[k] in _NP_STOP for k in words) and \
        ctx.norms[words[0]] not in _PREPOSITIONS and not any(ctx.gap(k).strip(_SPACE + _NAME_MARKS) for k in words[:-1])
    if not ok:
        att = ctx.resolve(pos, lo)
        att.cue, att.stance = ":", "neutral"
        return att
    start, end = ctx.word_starts[words[0]], ctx.word_ends[words[-1]]
    surface = ctx.text[start:end]
    ms = ctx.mentions_in(start, end)
    sid = max(ms, key=lambda m: m.end - m.start).speaker_id if ms else None
    entry = ctx.registry.get(sid)
    return Attribution(surface, start, end, sid, entry.type if entry else speaker_type_from_rules(surface),
                       ":", "neutral")


def extract_quotes(text: str, registry: Registry | None = None) -> tuple[list[Quote], list[Marked]]:
    """Quotes (with speakers) and other marked spans of one article ``text``.

    Never raises on odd input: unbalanced marks, marks at the text edges and very many marks all
    give valid offsets into ``text``."""
    if not isinstance(text, str) or not text:
        return [], []
    registry = registry if registry is not None else load_registry()
    padded = text_codes(text)
    spans = find_marked_spans(text, padded)
    if not spans:
        return [], []
    top = [s for s in spans if s.nested_in is None]
    ctx = DocumentContext(text, registry, [(s.mark_start, s.mark_end) for s in top], padded)
    # --- classify the top-level spans (nested spans stay inside their quote)
    # (a cue window ends at the previous quote, not at a marked name: بحسب موقع "X"، أنه "...")
    kinds: list[str] = []
    feats: list[_Features] = []
    words = {id(s): ctx.words_in(s.start, s.end) for s in spans}  # the words of each span
    keys = {k: " ".join(w) for k, w in words.items()}
    contents = Counter(keys.values())
    last_quote: int | None = None
    for index, span in enumerate(top):
        para_lo, para_hi = ctx.paragraph_bounds(span.mark_start)
        last_end = top[last_quote].mark_end if last_quote is not None else 0
        lo = max(ctx.window_start(para_lo), last_end)
        hi = min(para_hi, top[index + 1].mark_start if index + 1 < len(top) else len(text))
        f = _features(ctx, span, lo, hi, words[id(span)])
        f.repeated = contents[keys[id(span)]] >= 2
        if last_quote is not None and last_end >= para_lo:
            f.continues_quote = span.how == "continuation"
            lf = feats[last_quote]
            f.sentence_has_quote = _SENTENCE_BREAK.search(text, last_end, span.mark_start) is None and (
                lf.cue_before is not None or lf.cue_after is not None or lf.colon_before or lf.sentence_has_quote)
        feats.append(f)
        kind = classify_marked(f, text[span.start:span.end])
        if kind not in ("quote", "platform", "title") and last_quote == index - 1 and last_end >= para_lo and \
                _LISTED.fullmatch(text, last_end, span.mark_start):
            kind = "quote"  # لافتات منها "..."،"...": the next item of a list of quotes is a quote too
        kinds.append(kind)
        if kinds[-1] == "quote":
            last_quote = index
    quote_idx = [i for i, k in enumerate(kinds) if k == "quote"]
    ctx.set_quotes([(top[i].mark_start, top[i].mark_end) for i in quote_idx])
    # --- attribute, in text order (so pronoun cues can fall back on the last speaker)
    atts: dict[int, Attribution | None] = {}
    prev: int | None = None
    for i in quote_idx:
        span, f = top[i], feats[i]
        att = None
        if prev is not None and atts[prev] is not None and (atts[prev].speaker or feats[prev].chant) and \
                _COORDINATED.fullmatch(text, top[prev].mark_end, span.mark_start):
            att = replace(atts[prev])  # هتافات "..." و"...": a list of quotes shares its speaker
        elif f.cue_before is not None:
            att = ctx.attribute(f.cue_before, f.window_lo, span.mark_start)
            if f.cue_after is not None and (f.cue_after.role == "source" or " " in f.cue_after.surface) and \
                    ctx.subject_of(f.cue_before, f.window_lo, span.mark_start) is None and \
                    ctx.can_speak(ctx.subject_of(f.cue_after, f.window_lo, f.window_hi)):
                att = ctx.attribute(f.cue_after, f.window_lo, f.window_hi)  # اعتبر «...»، حسبما ذكرت الوكالة
        elif f.chant and f.cue_after is None and not f.colon_before:
            att = ctx.bearer(span.mark_start)  # ورفع الطلاب لافتات "..." / وعلت الهتافات "..." (nobody named)
        elif f.colon_before and f.cue_after is None:
            att = _colon_speaker(ctx, f.window_lo, span.mark_start)
        elif f.cue_after is not None:
            # the subject may be a marked name after the cue (، حسبما ذكر «فلان»): read up to the paragraph
            # end, past the next mark (quotes stay out of subjects)
            att = ctx.attribute(f.cue_after, f.window_lo, ctx.paragraph_bounds(span.mark_start)[1])
        atts[i] = att
        prev = i
        if att is not None and att.speaker:
            ctx.last = att
    # --- quotes without a cue share the speaker of the quote they continue
    last_spoken = None
    for pos, i in enumerate(quote_idx):
        if atts[i] is None:
            inherit = _neighbour_attribution(ctx, top, quote_idx, pos, atts)
            if inherit is None:
                ctx.last = last_spoken  # the last speaker before this quote, not the article's last
                inherit = ctx.resolve(top[i].mark_start, feats[i].window_lo)
                inherit.cue = inherit.stance = None
            atts[i] = inherit
        if atts[i].speaker:
            last_spoken = atts[i]
    for i in quote_idx:
        if atts[i] is not None:
            atts[i] = _nearest_naming(ctx, atts[i], top[i].mark_start)
    quotes: list[Quote] = []
    others: list[Marked] = []
    for span in spans:
        if span.nested_in is None:
            continue
        outer = spans[span.nested_in]
        kind = classify_marked(_features(ctx, span, outer.start, outer.end), text[span.start:span.end])
        others.append(Marked(span.start, span.end, text[span.start:span.end], "other" if kind == "quote" else kind,
                             span.mark_start, span.mark_end))
    for i, span in enumerate(top):
        content = text[span.start:span.end]
        if kinds[i] != "quote":
            others.append(Marked(span.start, span.end, content, kinds[i], span.mark_start, span.mark_end))
            continue
        att = atts[i] or Attribution()
        quotes.append(Quote(span.start, span.end, content, att.speaker, att.speaker_start, att.speaker_end,
                            att.speaker_id, att.speaker_type if att.speaker else None, att.cue, att.stance,
                            span.mark_start, span.mark_end, span.how))
    others.sort(key=lambda m: (m.start, -m.end))
    return quotes, others


def _nearest_naming(ctx: DocumentContext, att: Attribution, pos: int) -> Attribution:
    """The same speaker's last naming mention before the quote at ``pos``: a later mention of the same
    registry id, the same words, or the surname alone (the gold rule: the nearest mention that names them)."""
    if att.speaker_start is None or att.speaker_end is None or att.speaker_end >= pos:
        return att
    lo = ctx.sentence_end(att.speaker_end)  # a title set off in the same sentence is not a later mention
    if lo >= pos:
        return att
    rng = ctx.word_range(lo, pos)
    best: tuple[int, int] | None = None
    if att.speaker_id:
        for m in ctx.mentions_in(lo, pos):
            if m.speaker_id == att.speaker_id:
                best = (m.start, m.end)
    own = ctx.words_overlapping(att.speaker_start, att.speaker_end)
    target = [ctx.norms[k] for k in own]
    # (the last word of a longer phrase is a surname only when it looks like one: a nisba (الوردي) or a
    # word without the article; جامعة X سحب درجة الدكتوراه ends in a common noun)
    looks_like_surname = len(target) <= 4 or not target[-1].startswith("ال") or target[-1].endswith("ي")
    surname = target[-1] if len(target) >= 2 and looks_like_surname and len(target[-1]) >= 3 and not ctx.is_descriptive(
        ctx.word_starts[own[-1]], ctx.word_ends[own[-1]]) and target[-1] not in _NP_STOP else None
    # (only words equal to the phrase's first word or to the surname can start a naming)
    starts = set(indexes_of(ctx.norms, target[0], rng)) if target else set()
    if surname:
        starts.update(indexes_of(ctx.norms, surname, rng))
    for k in sorted(starts):
        if ctx.inside_quote(ctx.word_starts[k], ctx.word_ends[k]):
            continue
        if target and ctx.norms[k:k + len(target)] == target and k + len(target) <= rng.stop:
            cand = (ctx.word_starts[k], ctx.word_ends[k + len(target) - 1])
        elif surname and ctx.norms[k] == surname:
            cand = (ctx.word_starts[k], ctx.word_ends[k])
        else:
            continue
        if best is None or cand[0] > best[0]:
            best = cand
    if best is None:
        return att
    start, end = best
    return Attribution(ctx.text[start:end], start, end, att.speaker_id, att.speaker_type, att.cue, att.stance)


def _neighbour_attribution(ctx: DocumentContext, top: list[MarkedSpan], quote_idx: list[int], pos: int,
                           atts: dict[int, Attribution | None]) -> Attribution | None:
    """Attribution of the adjacent quote this one continues (same paragraph, or the quote that was
    left open at the end of the previous paragraph): a quote split in two shares speaker and cue."""
    i = quote_idx[pos]
    span = top[i]
    candidates = []
    if pos + 1 < len(quote_idx):
        nxt = top[quote_idx[pos + 1]]
        gap = ctx.text[span.mark_end:nxt.mark_start]
        if "\n" not in gap and not WORD_RE.search(gap):
            candidates.append(quote_idx[pos + 1])
    if pos > 0:
        prv = top[quote_idx[pos - 1]]
        gap = ctx.text[prv.mark_end:span.mark_start]
        if gap.count("\n") <= 1 and (not WORD_RE.search(gap) or (prv.how == "unclosed" and "\n" in gap)):
            candidates.append(quote_idx[pos - 1])
    for j in candidates:
        att = atts.get(j)
        if att is not None and att.speaker:
            return Attribution(att.speaker, att.speaker_start, att.speaker_end, att.speaker_id,
                               att.speaker_type, att.cue, att.stance)
    return None
