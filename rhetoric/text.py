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
from itertools import accumulate
from pathlib import Path
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

    camel-tools is imported here, when the table is built (:func:`_translate_table`), not with this
    module: its import classifies all 1.1 million code points (~1 s), which a process that never
    normalises, or finds the table in the cache, should not pay."""
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
    table = _translate_table()
    lengths = np.ones(0x10000, dtype=np.int64)
    changing = []
    for cp, out in table.items():
        lengths[cp] = len(out)
        if len(out) != 1:
            changing.append(chr(cp))
    pattern = re.compile("[" + re.escape("".join(sorted(changing))) + "]")
    return table, lengths, pattern


def _translate_table() -> dict[int, str]:
    """The normalisation of every code point that changes: built from camel-tools, and kept in the
    cache folder (:func:`rhetoric.resources.cache_root`) under a key of the camel-tools version and
    this module's source, so a process that finds it there does not import camel-tools (~1 CPU s:
    its import classifies all 1.1 million code points). An unreadable or malformed file is rebuilt."""
    import hashlib
    import json
    import os
    from importlib.metadata import PackageNotFoundError, version

    from .resources import cache_root

    try:
        camel = version("camel-tools")
    except PackageNotFoundError:
        camel = "unknown"
    key = hashlib.sha256(camel.encode() + b"\0" + Path(__file__).read_bytes()).hexdigest()[:16]
    path = cache_root() / f"normalization-{key}.json"
    try:
        table = {int(cp): out for cp, out in json.loads(path.read_text(encoding="utf-8")).items()}
        if table and all(isinstance(out, str) for out in table.values()):
            return table
    except (OSError, ValueError, AttributeError):
        pass
    table = _build_translate_table()
    try:  # written whole, then renamed: a process reading it at the same time sees all or nothing
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(partial, path)
    except OSError:  # a read-only home: build it in every process
        pass
    return table


def _build_translate_table() -> dict[int, str]:
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
    return table


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
    """Normalised word -> occurrences over ``texts``: ``normalize(t.text)`` counted for every ``t`` in
    :func:`tokenize` with ``t.is_word``, in the order the forms first occur (see :func:`word_form_table`)."""
    texts = list(texts)
    try:
        table = word_form_table(texts)
    except UnicodeEncodeError:  # a lone surrogate (possible in a DataFrame built by hand): no UTF-8
        return Counter(normalize(p) for p in _TOKEN_RE.findall("\n".join(texts)) if _has_letter(p))
    return Counter(dict(zip(table.column("term").to_pylist(), table.column("n").to_pylist())))


def word_form_table(texts: Iterable[str]) -> pa.Table:
    """:func:`count_word_forms` as an Arrow table (``term``: string, ``n``: int64), forms in the order
    they first occur. Raises UnicodeEncodeError for text with a lone surrogate (the corpus loader
    replaces them), which Arrow cannot hold.

    Keyness needs these counts for every voice of every article, so no Python object is made per
    token: the forms of all tokens become one Arrow string array (:func:`_word_form_array`), which
    Arrow counts."""
    counted = pc.value_counts(_word_form_array("\n".join(texts)))
    return pa.table({"term": counted.field("values").cast(pa.string()), "n": counted.field("counts").cast(pa.int64())})


def _word_form_array(text: str) -> pa.Array:
    """The normal form of every word token of ``text``, in order, as an Arrow (large) string array
    built from its buffers.

    A token with a letter is a run of :data:`_RUN_RE` (letters are never white space, punctuation or
    symbols), and normalisation works character by character, so: the runs are the stretches between
    separator code points; a run is a word when one of its original characters is a letter; its form
    is its characters through the normalisation table (:func:`_word_form_tables`). Raises
    UnicodeEncodeError for text with a lone surrogate."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if not codes.size:
        return arrow_strings(codes, np.zeros(0, dtype=np.int64))
    separator, letter, form, ligatures = _word_form_tables()
    index = codes
    if codes.max() >= 0x10000:  # characters beyond the BMP: classified one by one
        index, separator, letter, form = _with_astral(codes, separator, letter, form)
    is_separator = separator.take(index)
    run = np.cumsum(is_separator, dtype=np.int64)  # run number of each character (a separator starts the next)
    # whether a run has a letter: runs are consecutive stretches (each but the first starts at its
    # separator, never a letter), so one reduceat over them; an empty first run reads its separator
    run_starts = np.concatenate(([0], np.flatnonzero(is_separator)))
    worded = np.logical_or.reduceat(letter.take(index), run_starts)
    kept = np.flatnonzero(worded.take(run) & ~is_separator)
    kept_run = run.take(kept)
    starts = np.empty(kept.size, dtype=bool)  # the first character of each word
    starts[:1] = True
    np.not_equal(kept_run[1:], kept_run[:-1], out=starts[1:])
    word = np.cumsum(starts) - 1  # word number of each kept character
    n_words = int(word[-1]) + 1 if word.size else 0
    out = form.take(index.take(kept))
    present = out != _DELETED
    out, word = out[present], word[present]  # a word can lose every character (its form is "")
    stand_in = (out & 0xFFFFF800) == 0xD800
    if stand_in.any():
        out, word = _spell_out(out, word, stand_in, ligatures)
    return arrow_strings(out, np.bincount(word, minlength=n_words))


def arrow_strings(codes: np.ndarray, lengths: np.ndarray) -> pa.LargeStringArray:
    """The strings made of consecutive stretches of ``codes`` (code points, no surrogate), ``lengths[i]``
    code points each, as one Arrow array built from its buffers: no Python string per item."""
    byte_ends = np.zeros(codes.size + 1, dtype=np.int64)  # UTF-8 bytes before each code point (+ the total)
    np.cumsum(1 + (codes >= 0x80).astype(np.uint8) + (codes >= 0x800) + (codes >= 0x10000), out=byte_ends[1:])
    offsets = byte_ends[np.concatenate(([0], np.cumsum(lengths)))]
    data = codes.astype(np.uint32).tobytes().decode("utf-32-le").encode("utf-8")
    return pa.LargeStringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(data))


def _spell_out(out: np.ndarray, word: np.ndarray, stand_in: np.ndarray, ligatures: tuple[np.ndarray, np.ndarray]):
    """``out`` with each ligature's stand-in replaced by its letters (and ``word`` repeated to match)."""
    letters, sizes_of = ligatures
    at = np.flatnonzero(stand_in)  # a few positions: the letters after the first are inserted there
    number = out[at] - 0xD800  # which ligature
    grown = sizes_of[number]
    rest = grown - 1
    within = 1 + np.arange(rest.sum()) - np.repeat(np.cumsum(rest) - rest, rest)
    out = out.copy()
    out[at] = letters[number, 0]
    spelled = np.insert(out, np.repeat(at + 1, rest), letters[np.repeat(number, rest), within])
    return spelled, np.insert(word, np.repeat(at + 1, rest), np.repeat(word[at], rest))


#: What :func:`_word_form_tables`' form table gives for a character normalisation deletes.
_DELETED = 0xFFFFFFFF


def _has_letter(piece: str) -> bool:
    return piece.isalpha() or any(map(str.isalpha, piece))


@lru_cache(maxsize=1)
def _word_form_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Per BMP code point: a separator (white space, punctuation or symbol: outside :data:`_RUN_RE`'s
    runs), a letter (``str.isalpha``), and the code point of its normal form (:data:`_DELETED` when
    normalisation drops it). A ligature normalisation spells out as several letters (ﻻ -> لا) gets a
    surrogate as a stand-in form, 0xD800 + its number (no text that reaches the table holds one): the
    fourth item gives each number's letters (code points, one row each) and how many there are."""
    separator = word_run_classes() == 0
    letter = np.array([ch.isalpha() for ch in map(chr, range(0x10000))], dtype=bool)
    form = np.arange(0x10000, dtype=np.uint32)
    spelled = []
    for cp, out in sorted(_tables()[0].items()):
        if len(out) > 1:
            form[cp] = 0xD800 + len(spelled)
            spelled.append([ord(ch) for ch in out])
        else:
            form[cp] = ord(out) if out else _DELETED
    letters = np.zeros((len(spelled), max(map(len, spelled))), dtype=np.uint32)
    for number, codes in enumerate(spelled):
        letters[number, :len(codes)] = codes
    return separator, letter, form, (letters, np.array([len(c) for c in spelled], dtype=np.int64))


def _with_astral(codes: np.ndarray, separator: np.ndarray, letter: np.ndarray, form: np.ndarray):
    """The tables extended by the code points beyond the BMP in ``codes`` (normalisation keeps them),
    and ``codes`` re-indexed into them."""
    astral = codes >= 0x10000
    present, where = np.unique(codes[astral], return_inverse=True)
    chars = [chr(cp) for cp in present.tolist()]
    index = codes.astype(np.int64)
    index[astral] = 0x10000 + where
    return (index,
            np.concatenate((separator, [not _RUN_RE.fullmatch(ch) for ch in chars])),
            np.concatenate((letter, [ch.isalpha() for ch in chars])),
            np.concatenate((form, present.astype(np.uint32))))


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
