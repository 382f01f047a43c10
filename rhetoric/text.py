"""Arabic text layer: normalisation for matching (with a map back to ORIGINAL offsets), word tokens,
sentences and clitic analysis.

Everything downstream matches on normalised text but reports offsets into the original text, so a
person can always highlight and check a flag. Normalisation is a per-character table built once from
camel-tools' own normalisers (``arclean`` char map, alef / alef-maksura / taa-marbuta normalisers,
dediacritisation); applying it per character is what makes the offset map exact.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import regex as _uregex

__all__ = [
    "NormalizedText",
    "Token",
    "CliticAnalysis",
    "normalize",
    "normalize_with_offsets",
    "tokenize",
    "count_words",
    "count_word_forms",
    "word_form_table",
    "split_sentences",
    "analyze_clitics",
    "clitic_breakdown",
    "has_arabic",
    "BIDI_CONTROLS",
]

#: Unicode bidi controls and zero-width characters: kept in the original, ignored for matching.
BIDI_CONTROLS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c"

# Code-point ranges whose normalisation we precompute (everything else maps to itself, except ASCII
# upper case, which is lower-cased).
_RANGES = [
    (0x0600, 0x0700),  # Arabic
    (0x0750, 0x0780),  # Arabic Supplement
    (0x08A0, 0x0900),  # Arabic Extended-A
    (0xFB50, 0xFE00),  # Arabic Presentation Forms-A
    (0xFE70, 0xFF00),  # Arabic Presentation Forms-B
]
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_KEEP_PUNCT = "،؛؟"  # Arabic punctuation keeps its form: matching never needs it Latinised.


def _normalize_char(ch: str) -> str:
    """Normalise one character with camel-tools' normalisers (the source of truth for the table).

    camel-tools is imported here, when the table is first built, not with this module: its import
    classifies all 1.1 million code points (~1.7 s), which a process that never normalises (the
    engine's main process, a notebook drawing saved results) should not pay."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar

    if ch in BIDI_CONTROLS or ch == "\x00":
        return ""
    if ch in _ARABIC_INDIC_DIGITS:
        return str(_ARABIC_INDIC_DIGITS.index(ch))
    if ch in _PERSIAN_DIGITS:
        return str(_PERSIAN_DIGITS.index(ch))
    if ch in _KEEP_PUNCT:
        return ch
    out = _arclean()(ch)
    out = dediac_ar(out)
    out = normalize_alef_ar(out)
    out = normalize_alef_maksura_ar(out)
    out = normalize_teh_marbuta_ar(out)
    out = out.replace("\u0640", "")  # tatweel
    if out.isspace() and out != ch:
        out = " "  # unusual Arabic signs that arclean blanks keep one column, never more
    return out


@lru_cache(maxsize=1)
def _arclean():
    from camel_tools.utils.charmap import CharMapper

    return CharMapper.builtin_mapper("arclean")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], np.ndarray, re.Pattern]:
    """(translate table, output length per BMP code point, regex of length-changing characters)."""
    table: dict[int, str] = {}
    for lo, hi in _RANGES:
        for cp in range(lo, hi):
            out = _normalize_char(chr(cp))
            if out != chr(cp):
                table[cp] = out
    for ch in BIDI_CONTROLS + "\x00":
        table[ord(ch)] = ""
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    table[0xA0] = " "  # no-break space
    lengths = np.ones(0x10000, dtype=np.int64)
    changing = []
    for cp, out in table.items():
        lengths[cp] = len(out)
        if len(out) != 1:
            changing.append(chr(cp))
    pattern = re.compile("[" + re.escape("".join(sorted(changing))) + "]")
    return table, lengths, pattern


@dataclass(frozen=True)
class NormalizedText:
    """A normalised copy of ``original`` and the map from its indices back to the original.

    ``starts[i]`` is the original index of normalised character ``i``; ``starts[len(text)]`` is
    ``len(original)``. Use :meth:`span` to turn a normalised ``[start, end)`` into original offsets.
    """

    original: str
    text: str
    starts: np.ndarray

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised span ``[start, end)`` (``end > start``)."""
        o_start = int(self.starts[start])
        if end <= start:
            return o_start, o_start
        o_end = int(self.starts[end - 1]) + 1
        # Diacritics and tatweel right after the span belong to its last letter: a highlight covers
        # the whole written word. (Bidi marks and other deleted characters are left outside.)
        while o_end < len(self.original) and self.original[o_end] in _ATTACHED:
            o_end += 1
        return o_start, o_end


@lru_cache(maxsize=1)
def normalization_arrays() -> tuple[np.ndarray, np.ndarray]:
    """:func:`normalize`'s table as arrays over the BMP, for normalising many characters at once
    with numpy (rhetoric.ngrams, rhetoric.speakers): (the code points each code point becomes, padded
    with zeros to the longest output; the output length, 0 = deleted). Characters outside the BMP
    are never changed."""
    table, lengths, _ = _tables()
    chars = np.zeros((0x10000, max(int(lengths.max()), 1)), dtype=np.uint32)
    chars[:, 0] = np.arange(0x10000)
    for cp, out in table.items():
        chars[cp] = 0
        chars[cp, :len(out)] = [ord(ch) for ch in out]
    return chars, lengths.astype(np.uint8)

_ATTACHED = frozenset(chr(cp) for cp in list(range(0x064B, 0x0660)) + [0x0670, 0x0640])


def normalize(text: str) -> str:
    """Normalise for matching: diacritics and tatweel removed, alef/hamza forms -> ا, ى -> ي,
    ة -> ه, Persian/Urdu letters -> Arabic, Arabic-Indic digits -> ASCII, bidi controls removed,
    Latin lower-cased. Idempotent. Never use the result for display or offsets."""
    table, _, _ = _tables()
    return text.translate(table)


def normalize_with_offsets(text: str) -> NormalizedText:
    """Normalise ``text`` and keep the map back to original offsets (vectorised, O(n))."""
    table, lengths, changing = _tables()
    norm = text.translate(table)
    n = len(text)
    if changing.search(text) is None:
        return NormalizedText(text, norm, np.arange(n + 1, dtype=np.int64))
    # surrogatepass: a lone surrogate (possible in JSON input) is one unchanged character
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    per_char = np.where(codes < 0x10000, lengths[np.minimum(codes, 0xFFFF)], 1)
    starts = np.repeat(np.arange(n, dtype=np.int64), per_char)
    starts = np.append(starts, n)
    return NormalizedText(text, norm, starts)


def has_arabic(text: str) -> bool:
    """True when ``text`` contains at least one Arabic letter."""
    return _ARABIC_LETTER.search(text) is not None


_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """A token of the original text: ``text == original[start:end]``."""

    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return any(ch.isalpha() for ch in self.text)


#: camel-tools' ``simple_word_tokenize`` boundaries as one compiled regex: a punctuation or symbol
#: character alone, or a run of anything else that is not white space. camel-tools walks words
#: character by character in Python (~0.3 MB/s); this gives the same tokens (a test compares them on
#: real and generated text) at C speed. Only multi-codepoint emoji sequences differ (split here).
_TOKEN_RE = _uregex.compile(r"[\p{P}\p{S}]|[^\s\p{P}\p{S}]+")


def tokenize(text: str) -> list[Token]:
    """Word and punctuation tokens with original offsets (camel-tools' simple_word_tokenize boundaries).

    Bidi/zero-width controls at the edges of a token are left out of it (a token of nothing else is
    dropped); inside a word they stay, as in the original.
    """
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        piece, pos = m.group(), m.start()
        if piece[0] in BIDI_CONTROLS or piece[-1] in BIDI_CONTROLS:
            word = piece.strip(BIDI_CONTROLS)
            if not word:
                continue
            pos += len(piece) - len(piece.lstrip(BIDI_CONTROLS))
            piece = word
        tokens.append(Token(piece, pos, pos + len(piece)))
    return tokens


def count_words(text: str) -> int:
    """Number of word tokens (tokens with a letter or digit) — :func:`tokenize` without the objects.

    Only the runs of :data:`_TOKEN_RE`'s second branch can hold a letter or digit (its one-character
    branch is punctuation and symbols, never alphanumeric), so those runs are found and tested in C."""
    return sum(map(bool, map(_HAS_ALNUM.search, _RUN_RE.findall(text))))


def count_word_forms(texts: Iterable[str]) -> Counter:
    """Normalised word -> occurrences over ``texts``: counting ``normalize(t.text)`` for every
    ``t`` in :func:`tokenize` with ``t.is_word``, without Token objects.

    Texts are cut at white space and the distinct white-space-free chunks counted by Arrow, in C
    (its white space is Python's, tested on every code point). Each distinct chunk is tokenised once
    and remembered (:data:`_CHUNK_FORMS`): a word like ``الرياض،`` recurs across the groups and chunks
    of a corpus, so the regex and normalisation run on few new chunks. Tokens never cross white
    space, so the tokens of the chunks are those of the text; a token with a letter is a run of
    :data:`_RUN_RE` (letters are never punctuation or symbols); bidi controls at a token's edges
    change neither the word test (they are not letters) nor its normal form (normalisation deletes
    them). The chunks' counts are summed per form with numpy on the forms' numbers.

    The keys are in a fixed order, whatever the process saw before: forms in the order their first
    one-word chunk appears in the text, then the forms first met in a chunk of several words (such
    chunks taken in sorted order). Text that holds white space of Python's only
    (:data:`_SPLIT_ONLY_BY_PYTHON`) is counted token by token with the regex instead."""
    terms, counts = _word_form_counts(list(texts))
    return Counter(dict(zip(terms, counts.tolist())))


def word_form_table(texts: Iterable[str]) -> pa.Table:
    """:func:`count_word_forms` as an Arrow table (``term``: string, ``n``: int64), in the same order."""
    terms, counts = _word_form_counts(list(texts))
    return pa.table({"term": pa.array(terms, pa.string()), "n": pa.array(counts, pa.int64())})


def _word_form_counts(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The forms and their counts of :func:`count_word_forms`."""
    distinct = _distinct_chunks(texts)
    if distinct is None:
        counts = Counter(normalize(p) for text in texts for p in _TOKEN_RE.findall(text) if _has_letter(p))
        return list(counts), np.array(list(counts.values()), dtype=np.int64)
    chunks, chunk_counts = distinct
    ids = np.fromiter(map(_CHUNK_FORMS.get, chunks, repeat(_NEW)), dtype=np.int64, count=len(chunks))
    new = np.flatnonzero(ids == _NEW)
    if len(new):
        new_chunks = [chunks[i] for i in new.tolist()]
        if _remember_chunks(new_chunks, chunks):  # the memory started over: every number changed
            new, new_chunks = np.arange(len(chunks)), chunks
        ids[new] = list(map(_CHUNK_FORMS.__getitem__, new_chunks))
    one = np.flatnonzero(ids >= 0)
    totals = np.zeros(len(_FORMS), dtype=np.int64)
    np.add.at(totals, ids[one], chunk_counts[one])
    first_seen = np.full(len(_FORMS), len(chunks))
    np.minimum.at(first_seen, ids[one], one)
    present = np.flatnonzero(totals)
    order = present[np.argsort(first_seen[present], kind="stable")].tolist()
    several: dict[tuple[str, ...], int] = {}
    for i in np.flatnonzero(ids < 0).tolist():
        forms = _CHUNK_SEVERAL[chunks[i]]
        several[forms] = several.get(forms, 0) + int(chunk_counts[i])
    for forms in sorted(several):
        for k in map(_FORM_IDS.__getitem__, forms):
            if not totals[k]:
                order.append(k)
            totals[k] += several[forms]
    return list(map(_FORMS.__getitem__, order)), totals[order]


def _distinct_chunks(texts: list[str]) -> tuple[list[str], np.ndarray] | None:
    """The distinct white-space-free chunks of ``texts`` in first-seen order, and their counts (by
    Arrow; by Python for text with a lone surrogate, which has no UTF-8). None when the text holds
    white space of Python's only (:data:`_SPLIT_ONLY_BY_PYTHON`): its chunks are not cut at all tokens."""
    try:
        array = pa.array(texts, pa.string())
    except UnicodeEncodeError:
        text = "\n".join(texts)
        if _SPLIT_ONLY_BY_PYTHON.search(text):
            return None
        counts = Counter(text.split())
        return list(counts), np.array(list(counts.values()), dtype=np.int64)
    if pc.any(pc.match_substring_regex(array, _SPLIT_ONLY_BY_PYTHON.pattern)).as_py():
        return None
    distinct = pc.value_counts(pc.list_flatten(pc.utf8_split_whitespace(array)))
    return distinct.field("values").to_pylist(), distinct.field("counts").to_numpy()


def _remember_chunks(new: list[str], chunks: list[str]) -> bool:
    """Put ``new``, the ``chunks`` of a call not yet in :data:`_CHUNK_FORMS`, there; when that would
    take it past :data:`_MAX_CHUNK_FORMS` entries, start over with all ``chunks`` (bounded memory)
    and say so (True)."""
    start_over = len(_CHUNK_FORMS) + len(new) > _MAX_CHUNK_FORMS
    if start_over:
        for memory in (_CHUNK_FORMS, _CHUNK_SEVERAL, _FORMS, _FORM_IDS):
            memory.clear()
        new = chunks
    letters = [chunk for chunk in new if chunk.isalpha()]  # one word token each: normalise them in one call
    _CHUNK_FORMS.update(zip(letters, map(_form_id, normalize("\n".join(letters)).split("\n"))))
    for chunk in new:
        if chunk in _CHUNK_FORMS:
            continue
        forms = tuple(normalize(p) for p in _RUN_RE.findall(chunk) if _has_letter(p))
        ids = list(map(_form_id, forms))
        if len(ids) == 1:
            _CHUNK_FORMS[chunk] = ids[0]
        else:
            _CHUNK_FORMS[chunk] = -1
            _CHUNK_SEVERAL[chunk] = forms
    return start_over


def _form_id(form: str) -> int:
    """The number of ``form`` in :data:`_FORMS` (added when new)."""
    k = _FORM_IDS.get(form)
    if k is None:
        k = _FORM_IDS[form] = len(_FORMS)
        _FORMS.append(form)
    return k


def _has_letter(piece: str) -> bool:
    return piece.isalpha() or any(map(str.isalpha, piece))


#: White-space-free chunk of text -> the number (in :data:`_FORMS`) of the normal form of its one
#: word token, or -1 when it has none or several (their forms are in :data:`_CHUNK_SEVERAL`); see
#: :func:`word_form_table`. Emptied, with the other memories, before a call would take it past
#: :data:`_MAX_CHUNK_FORMS` entries.
_CHUNK_FORMS: dict[str, int] = {}
_CHUNK_SEVERAL: dict[str, tuple[str, ...]] = {}
#: The word forms met so far, numbered (and the number of each).
_FORMS: list[str] = []
_FORM_IDS: dict[str, int] = {}
_MAX_CHUNK_FORMS = 200_000
#: What a look-up in :data:`_CHUNK_FORMS` gives for a chunk not in it.
_NEW = -2
#: The information separators are white space to ``str.split`` but not to ``\s`` of the token regex.
_SPLIT_ONLY_BY_PYTHON = re.compile("[\x1c-\x1f]")


_HAS_ALNUM = re.compile(r"[^\W_]")
#: The multi-character branch of :data:`_TOKEN_RE` alone (runs of anything but white space,
#: punctuation and symbols): the same runs, since punctuation and symbols end a run either way.
_RUN_RE = _uregex.compile(r"[^\s\p{P}\p{S}]+")


@lru_cache(maxsize=1)
def word_run_classes() -> np.ndarray:
    """Per BMP code point: 0 outside the token runs of :func:`count_words` (white space,
    punctuation, symbols), 1 inside a run, 2 inside a run and a letter or digit (a run with one is a
    word). Built with count_words' own regexes, so array code using it cannot disagree with it."""
    chars = "".join(map(chr, range(0x10000)))
    classes = np.zeros(0x10000, dtype=np.int8)
    for m in _RUN_RE.finditer(chars):
        classes[m.start():m.end()] = 1
    classes[[m.start() for m in _HAS_ALNUM.finditer(chars)]] += 1
    return classes


# --------------------------------------------------------------------------- sentences

#: Abbreviations that end with a dot but do not end a sentence (Arabic titles and units).
ABBREVIATIONS = frozenset(
    {
        "د", "أ", "م", "ق", "ص", "ج", "ش", "ه", "هـ", "ت", "س", "ك", "ن",
        "أ.د", "ا.د", "د.م", "ق.م", "م.م", "ص.ب", "إلخ", "الخ", "Dr", "Mr", "Mrs", "Prof", "St", "vs", "etc",
    }
)
_CLOSERS = "\"'”»’)]}"
_OPEN_TO_CLOSE = {"«": "»", "“": "”", "„": "”"}
_MAX_SHORT_QUOTE = 250
#: The characters that end a line for ``str.splitlines`` (all of them white space).
_LINE_BREAKS = "\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"
#: A run of terminators that can end a sentence: closing marks may follow, then white space within
#: the line and more text on it (a terminator at the end of its line is covered by the line break).
#: It starts with a character class, which ``re`` scans for in C (an alternation of terminators it
#: tries at every position, three times slower); which dot of a run may be an abbreviation's is
#: decided afterwards (:func:`_is_lone_dot`).
_SENTENCE_END = re.compile(f"([.!?؟…]+)[{re.escape(_CLOSERS)}]*[^\\S{_LINE_BREAKS}]+(?=\\S)")
_QUOTE_CHARS = re.compile("[" + re.escape("".join(_OPEN_TO_CLOSE) + "".join(set(_OPEN_TO_CLOSE.values())) + '"') + "]")


def _quote_regions(line: str, offset: int) -> list[tuple[int, int]]:
    """Short quotation regions of a line (absolute offsets), used to suppress splits inside them."""
    regions = []
    stack_pos = None
    stack_close = None
    ascii_open = None
    for m in _QUOTE_CHARS.finditer(line):  # only these characters change the state: skip the rest in C
        i, ch = m.start(), m.group()
        if stack_pos is None and ch in _OPEN_TO_CLOSE:
            stack_pos, stack_close = i, _OPEN_TO_CLOSE[ch]
        elif stack_pos is not None and ch == stack_close:
            regions.append((offset + stack_pos, offset + i))
            stack_pos = None
        elif ch == '"':
            if ascii_open is None:
                ascii_open = i
            else:
                regions.append((offset + ascii_open, offset + i))
                ascii_open = None
    short = sorted((a, b) for a, b in regions if b - a <= _MAX_SHORT_QUOTE)
    merged: list[tuple[int, int]] = []  # disjoint, sorted: one bisect finds the region around a dot
    for a, b in short:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _is_abbreviation(text: str, dot: int, line_start: int) -> bool:
    """True when the '.' at ``dot`` closes an abbreviation, an initial, a list number or a decimal."""
    j = dot
    while j > line_start and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].strip(".")
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    # A bare list number at the start of a line ("1. ...").
    k = dot
    while k > line_start and text[k - 1].isdigit():
        k -= 1
    return k < dot and not text[line_start:k].strip()


def _is_lone_dot(run: str) -> bool:
    """Whether a run of terminators ends with a terminator that is a lone ``"."`` (then tested as the
    dot of an abbreviation). Terminators are ``..`` and longer runs of dots, ``…``, and runs of
    ``. ! ? ؟``, each taken as long as it goes from left to right, so only a run that is one dot, or
    ends with ``….``, ends with a lone dot."""
    return run == "." or run.endswith("….")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Rule-based sentence spans ``[(start, end), ...]`` that cover ``text`` exactly, in order.

    Boundaries: every newline, and ``. ! ? ؟ …`` (with any closing quote marks or brackets after
    them) followed by white space or the end of the line. Not boundaries: abbreviations (د. أ.د.),
    initials, list numbers, decimals and dates (no white space follows), and terminators inside a
    short quotation. Trailing white space belongs to the sentence before it.

    One regex scan (:data:`_SENTENCE_END`) finds, in C, the only terminators that can cut — those
    followed by white space and then more text on the same line — so Python checks just those
    (abbreviation, short quotation; a line's quotations are found once, when it has one).
    """
    if not text:
        return []
    lines = text.splitlines(keepends=True)
    line_ends = list(accumulate(map(len, lines)))
    cuts = line_ends[:-1]  # every line break
    quotations: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}  # line -> region starts, regions
    for m in _SENTENCE_END.finditer(text):
        dot = m.end(1) - 1
        line = bisect_right(line_ends, dot)
        line_start = line_ends[line - 1] if line else 0
        if _is_lone_dot(m.group(1)) and _is_abbreviation(text, dot, line_start):
            continue
        if line not in quotations:
            regions = _quote_regions(lines[line], line_start)
            quotations[line] = ([a for a, _ in regions], regions)
        region_starts, regions = quotations[line]
        k = bisect_left(region_starts, dot) - 1  # the region starting last before the dot
        if k >= 0 and dot < regions[k][1]:
            continue
        cuts.append(m.end())
    cuts.sort()  # all distinct: a line break ends its line, a sentence cut lies inside one
    return list(zip([0, *cuts], [*cuts, len(text)]))


# --------------------------------------------------------------------------- clitics

#: Proclitic sequences on NORMALISED words, longest first: conjunction (و ف), then a preposition
#: (ب ك ل) or the future marker (س), then the article (ال; ل + ال is written لل).
_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")
#: Enclitic pronouns on normalised words (ة is normalised to ه, so "ه" also ends many nouns).
ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها", "ني", "ه", "ك", "ي")
_MIN_STEM = 2


@dataclass(frozen=True)
class CliticAnalysis:
    """One way to read a normalised word: ``proclitics + stem + enclitic``."""

    proclitics: tuple[str, ...]
    stem: str
    enclitic: str = ""

    @property
    def definite(self) -> bool:
        return "ال" in self.proclitics

    def render(self) -> str:
        """``و+ب+ال+امبرياليه`` style breakdown."""
        parts = list(self.proclitics) + [self.stem] + ([self.enclitic] if self.enclitic else [])
        return "+".join(parts)


def _proclitic_splits(word: str) -> list[tuple[tuple[str, ...], str]]:
    out = [((), word)]
    conj_options = [((), word)] + [((c,), word[1:]) for c in _CONJ if word.startswith(c)]
    for conj, rest in conj_options:
        if conj:
            out.append((conj, rest))
        if rest.startswith("لل"):  # ل + ال
            out.append((conj + ("ل", "ال"), rest[2:]))
        for p in _PREP:
            if rest.startswith(p):
                out.append((conj + (p,), rest[1:]))
                if p != "ل" and rest[1:].startswith("ال"):  # ل + ال is always written لل (above)
                    out.append((conj + (p, "ال"), rest[3:]))
        if rest.startswith("س"):
            out.append((conj + ("س",), rest[1:]))
        if rest.startswith("ال"):
            out.append((conj + ("ال",), rest[2:]))
    return out


@lru_cache(maxsize=200_000)
def analyze_clitics(word: str) -> tuple[CliticAnalysis, ...]:
    """All readings of a NORMALISED word as proclitics + stem + enclitic, the bare word first.

    Purely orthographic (no dictionary): the matcher keeps only readings whose stem is a lexicon
    entry, which is what makes this safe. A stem that ends in ت before an enclitic is also offered
    with ه (taa marbuta, normalised): قضيتنا -> قضيه + نا. Stems shorter than two letters are not
    offered. Definite stems take no enclitic.
    """
    seen: dict[tuple, CliticAnalysis] = {}
    for procs, rest in _proclitic_splits(word):
        if len(rest) < _MIN_STEM:
            continue
        key = (procs, rest, "")
        seen.setdefault(key, CliticAnalysis(procs, rest, ""))
        if "ال" in procs:
            continue
        for enc in ENCLITICS:
            if rest.endswith(enc) and len(rest) - len(enc) >= _MIN_STEM:
                stem = rest[: -len(enc)]
                for candidate in (stem, stem[:-1] + "ه" if stem.endswith("ت") else None):
                    if candidate:
                        key = (procs, candidate, enc)
                        seen.setdefault(key, CliticAnalysis(procs, candidate, enc))
    return tuple(seen.values())


def clitic_breakdown(surface: str, analysis: CliticAnalysis) -> str:
    """Render ``analysis`` with the ORIGINAL spelling of ``surface``: ``و+ب+ال+إمبريالية``."""
    norm = normalize_with_offsets(surface)
    parts = list(analysis.proclitics) + [analysis.stem] + ([analysis.enclitic] if analysis.enclitic else [])
    out, pos, cut = [], 0, 0
    for i, part in enumerate(parts):
        length = len(part)
        if part == "ال" and i > 0 and parts[i - 1] == "ل" and norm.text[pos : pos + 1] == "ل" and (
            norm.text[pos - 1 : pos + 1] == "لل"
        ):
            length = 1  # ل + ال written لل: the article shows as its lam only
        end = min(pos + length, len(norm.text))
        if end <= pos:
            out.append(part)
            continue
        _, o_end = norm.span(pos, end)
        o_end = o_end if i < len(parts) - 1 else len(surface)
        out.append(surface[cut:o_end])  # contiguous slices: stray marks and bidi controls are kept
        cut, pos = o_end, end
    return "+".join(out)
