"""Clitic-aware lexicon matching on normalised Arabic text, reported at ORIGINAL offsets.

How it works: every entry form is turned into a few *keys* — its normalised words with the article
taken off the first word (``الإمبريالية`` -> ``امبرياليه``), plus the indefinite, possessive and
taa-marbuta (``قضيت``) forms where they apply. One pyahocorasick automaton holds all keys of all
lexicons. Texts are normalised (:class:`MatchText`) and scanned in batches of about a million
characters, and only the automaton's hits are checked — first in numpy by the letter before and
after each hit, which drops most hits inside longer words, then in Python: the letters in front of
the key must be a valid proclitic sequence (و ف ب ك ل س ال and their combinations, ل + ال written
لل) and the letters after it nothing or a valid enclitic (ه ها هم هما هن ك كم كن نا ني; tanween
alef ا). The word boundaries
come free with those checks, so ``المقدس`` never hits inside ``المقدسة`` and no key hits inside a
longer unrelated word. Per lexicon, overlapping hits are resolved leftmost-longest.

Rules a curator should know (tests/data/lexicon_cases.yaml shows each one):

* a leading ``ال`` (with at least three letters after it) is read as the article; single-word entries
  match definite and indefinite (``الإمبريالية`` matches ``إمبريالية``, ``للإمبريالية``,
  ``إمبرياليتها``); an enclitic only attaches to an indefinite word.
* a multi-word entry whose words all carry the article also matches its indefinite form
  (``النضال المقدس`` -> ``نضال مقدس``, ``نضالا مقدسا``); with ``allow_possessive`` the first word may
  drop the article and take an enclitic (``ونضالنا المقدس``, ``قضيتنا العادلة``). Inner words are
  matched as written.
* plural, dual, feminine and nisba (``-ي``) forms are different words: list them as ``variants``
  (``الإمبرياليين`` does not match ``الإمبريالية``). ``-ي`` (my) is not taken as an enclitic on a
  single word, because ``دكتاتوري`` (dictatorial) is far more common in news than "my dictator".
* ``ه`` after a key is an enclitic only when the original letter is ``ه``, not ``ة``: ``مقدسة`` is
  not ``مقدس`` + ``ه``.
* ``س`` (future) is accepted only before keys that start like an imperfect verb (ا ت ن ي).
"""
from __future__ import annotations

import bisect
import contextlib
import dataclasses
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import ahocorasick
import numpy as np
import pandas as pd

from .errors import LexiconError
from .lexicon import Entry, Lexicon, LexiconIssue, load_lexicons
from .tables import columns
from .text import (
    ENCLITICS,
    CliticAnalysis,
    clitic_breakdown,
    normalize,
    normalize_with_offsets,
    split_sentences,
)

__all__ = ["Match", "Matcher", "MatchText", "entry_keys", "lexicon_key_issues"]

ARTICLE = "ال"
#: Enclitics accepted after a single-word key (no ``ي``: see the module notes).
WORD_ENCLITICS = frozenset(e for e in ENCLITICS if e != "ي")
#: Enclitics a possessive first word of a multi-word entry may carry (ونضالنا المقدس).
POSSESSIVE_ENCLITICS = ENCLITICS
_TANWEEN_ALEF = "ا"
_NO_TANWEEN_AFTER = frozenset("اهيوء")
_IMPERFECT = frozenset("اتني")
_MAX_PREFIX = 4  # وبال
_MAX_SUFFIX = max(map(len, ENCLITICS))
_MIN_ARTICLE_STEM = 3  # الله, الغاء ... keep their ال


# --------------------------------------------------------------------------- normalisation for matching


class MatchText:
    """Text the matcher scans: exactly :func:`rhetoric.text.normalize`, plus every white-space run
    turned into one space (so ``النضال  المقدس`` and a phrase broken by a newline still match).

    It offers what :class:`rhetoric.text.NormalizedText` offers (``original``, ``text``, ``starts``,
    :meth:`span`), but keeps the map back to the original compactly: normalised index ``i`` comes from
    original index ``i + shift``, and ``shift`` only changes where characters were dropped (diacritics,
    tatweel, bidi marks, doubled spaces: a few per thousand) or inserted (ligatures such as ﻻ -> لا).
    :meth:`origin` maps any normalised indices at once; the full ``starts`` array is only built when
    asked for. :meth:`of` normalises with one numpy table look-up over the code points; the tests
    check it against the text layer's ``normalize_with_offsets`` (:meth:`_exact`).
    """

    __slots__ = ("original", "text", "source", "wide", "_at", "_shift", "_codes", "_starts")

    def __init__(self, original: str, text: str, source: np.ndarray, wide: bool, at: np.ndarray, shift: np.ndarray,
                 codes: np.ndarray | None = None):
        self.original, self.text = original, text
        self.source, self.wide = source, wide  # code points of the original; UTF-32 when it has astral characters
        self._at, self._shift = at, shift  # origin(i) = i + shift[number of entries of ``at`` <= i]
        self._codes, self._starts = codes, None

    @classmethod
    def of(cls, text: str) -> "MatchText":
        source, wide = _code_points(text)
        table, expansions = _match_tables(wide)
        out = table.take(source, mode="clip")  # (clip: no bounds checks; every code point is in the table)
        deleted = np.flatnonzero(out == 0)
        grown = np.flatnonzero(out == _GROWN)
        # White-space runs collapse to one space, also across deleted characters (" <bidi mark> "):
        # a space goes when the last character kept before it is a space.
        space = out == 32
        doubled = np.flatnonzero(space[1:] & space[:-1]) + 1
        if deleted.size:
            first = deleted[_run_edges(deleted - np.arange(len(deleted)), last=False)]  # of each run of deleted
            after = deleted[_run_edges(deleted - np.arange(len(deleted)), last=True)] + 1
            inside = (first > 0) & (after < len(out))
            first, after = first[inside], after[inside]
            doubled = np.sort(np.concatenate((doubled, after[space[first - 1] & space[after]])))
        dropped = np.sort(np.concatenate((deleted, doubled)))  # disjoint: deleted characters are no spaces
        if grown.size:  # ligatures: their first letter in place, the rest inserted after them
            outputs = [expansions[cp] for cp in source[grown].tolist()]
            out[grown] = [ord(o[0]) for o in outputs]
            sizes = [len(o) - 1 for o in outputs]
        if dropped.size:
            keep = np.ones(len(out), dtype=bool)
            keep[dropped] = False
            out = out[keep]
        if grown.size:
            at = np.repeat(grown - np.searchsorted(dropped, grown) + 1, sizes)
            out = np.insert(out, at, [ord(ch) for o in outputs for ch in o[1:]])
        at, step = _offset_events(dropped, grown, sizes if grown.size else [])
        s = out.tobytes().decode("utf-32-le" if wide else "utf-16-le")
        return cls(text, s, source, wide, at, np.concatenate(([0], np.cumsum(step))), out)

    def origin(self, positions):
        """Original index of each normalised index in ``positions`` (an int or an int array);
        ``len(text)`` maps to ``len(original)``."""
        return positions + self._shift[np.searchsorted(self._at, positions, side="right")]

    def ends(self, stops: np.ndarray) -> np.ndarray:
        """Original end of normalised spans ending at ``stops`` (> their starts): one past the last
        letter, extended over the diacritics and tatweel written after it, as :meth:`span` does."""
        end = self.origin(stops - 1) + 1
        attached = _char_table(_ATTACHED, self.wide)
        n = len(self.original)
        while True:
            more = np.zeros(len(end), dtype=bool)
            inside = np.flatnonzero(end < n)
            more[inside] = attached[self.source[end[inside]]]
            if not more.any():
                return end
            end = end + more

    @property
    def codes(self) -> np.ndarray:
        """Code points of the normalised text (UTF-32 when ``wide``, as ``source``)."""
        if self._codes is None:
            self._codes = np.frombuffer(self.text.encode("utf-32-le"), np.uint32) if self.wide else np.frombuffer(
                self.text.encode("utf-16-le"), np.uint16)
        return self._codes

    @property
    def starts(self) -> np.ndarray:
        """``starts[i]``: original index of normalised character ``i``; ``starts[len(text)] == len(original)``."""
        if self._starts is None:
            self._starts = self.origin(np.arange(len(self.text) + 1, dtype=np.int64))
        return self._starts

    def span(self, start: int, end: int) -> tuple[int, int]:
        """As :meth:`rhetoric.text.NormalizedText.span` (the tests check they agree)."""
        o_start = int(self.origin(start))
        if end <= start:
            return o_start, o_start
        return o_start, int(self.ends(np.array([end]))[0])

    @classmethod
    def _exact(cls, text: str) -> "MatchText":
        """The same result through the text layer's ``normalize_with_offsets`` (reference, slow)."""
        nt = normalize_with_offsets(text)  # the text layer: exact for any input
        s = nt.text.translate(_SPACE_TABLE)
        starts = nt.starts
        if "  " in s:
            keep = np.ones(len(s) + 1, dtype=bool)
            for m in _SPACE_RUN.finditer(s):
                keep[m.start() + 1 : m.end()] = False
            starts = starts[keep]
            s = _SPACE_RUN.sub(" ", s)
        positions = np.arange(len(s) + 1)
        return cls(text, s, *_code_points(text), positions, np.concatenate(([0], starts - positions)))


def _code_points(text: str) -> tuple[np.ndarray, bool]:
    """(code points of ``text``, whether it needs UTF-32): UTF-16 units are code points unless an
    astral character (two units) occurs."""
    encoded = text.encode("utf-16-le")
    if len(encoded) == 2 * len(text):
        return np.frombuffer(encoded, np.uint16), False
    return np.frombuffer(text.encode("utf-32-le"), np.uint32), True


def _offset_events(dropped: np.ndarray, grown: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Where the shift between normalised and original indices changes (sorted normalised indices)
    and by how much: +1 at the character after each dropped one, -1 at each inserted character.

    ``dropped``: original indices of dropped characters; ``grown``: original indices of characters
    that became ``1 + sizes[i]`` characters."""
    if not grown.size:
        return dropped - np.arange(len(dropped)), np.ones(len(dropped), dtype=np.int64)
    sizes_ = np.array(sizes, dtype=np.int64)
    inserted_before = np.concatenate(([0], np.cumsum(sizes_)))

    def position(x):  # normalised index of the output of original index x
        return x - np.searchsorted(dropped, x) + inserted_before[np.searchsorted(grown, x)]

    within = np.arange(int(sizes_.sum())) - np.repeat(inserted_before[:-1], sizes_)
    inserted = np.repeat(position(grown), sizes_) + within + 1
    at = np.concatenate((position(dropped), inserted))
    step = np.concatenate((np.ones(len(dropped), dtype=np.int64), -np.ones(len(inserted), dtype=np.int64)))
    order = np.argsort(at, kind="stable")
    return at[order], step[order]


_SPACE_RUN = re.compile(" {2,}")
#: Diacritics and tatweel that a highlight extends over (the same set as rhetoric.text's span).
_ATTACHED = "".join(chr(cp) for cp in [*range(0x064B, 0x0660), 0x0670, 0x0640])
_SPACE_TABLE = {cp: " " for cp in range(0x10000) if chr(cp).isspace() and cp != 0x20}
#: What the normalisation table gives a character that becomes several (a ligature). U+FFFF itself
#: (a non-character) takes the same way and comes out unchanged.
_GROWN = 0xFFFF


@lru_cache(maxsize=2)
def _match_tables(wide: bool) -> tuple[np.ndarray, dict[int, str]]:
    """(one-to-one table over code points, expansions) for :meth:`MatchText.of`.

    Derived from :func:`rhetoric.text.normalize` itself (the source of truth), plus white space -> " ".
    The table gives each code point its one replacement, 0 when it is deleted (NUL is deleted too)
    and ``_GROWN`` when it becomes several characters (``expansions``). ``wide``: a table over all
    of Unicode (UTF-32 code points) instead of the BMP; normalize changes no astral character.
    """
    if wide:
        narrow, expansions = _match_tables(False)
        table = np.arange(0x110000, dtype=np.uint32)
        table[: len(narrow)] = narrow
        return table, expansions
    table = np.arange(0x10000, dtype=np.uint16)
    expansions: dict[int, str] = {_GROWN: chr(_GROWN)}
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        out = " " if ch.isspace() else normalize(ch)
        if out == ch:
            continue
        if len(out) == 1:
            assert ord(out) not in (0, _GROWN)  # they mark deleted and expanding characters
            table[cp] = ord(out)
        elif not out:
            table[cp] = 0
        else:
            table[cp], expansions[cp] = _GROWN, out
    # MatchText.of collapses spaces before it inserts the rest of an expansion: it must not touch spaces.
    assert all(not out[0].isspace() and not out[-1].isspace() and "  " not in out for out in expansions.values())
    return table, expansions


@lru_cache(maxsize=None)
def _char_table(chars: str, wide: bool) -> np.ndarray:
    """True for the code points of ``chars`` (a table over the BMP, or all of Unicode when ``wide``)."""
    table = np.zeros(0x110000 if wide else 0x10000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def match_normalize(text: str) -> str:
    """The string the matcher scans for ``text`` (for tests, benchmarks and the validator)."""
    return MatchText.of(text).text


# --------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class KeyForm:
    """What one automaton key means for one entry, and which clitics may surround it.

    ``article``: 1 the proclitics must contain ال, 0 must not, -1 either. ``suffix``: 0 nothing may
    follow, 1 an enclitic (or tanween alef) may follow an indefinite word, 2 an enclitic must follow
    (the ت form of a taa-marbuta word). ``stem``: the first word's stem as the breakdown shows it.
    """

    item: int
    article: int
    suffix: int
    stem: str
    enclitic: str = ""
    verb: bool = False
    lam_initial: bool = False
    tanween: bool = False
    phrase: bool = False  # a context/exclude phrase (``item`` is the phrase index), not an entry


def entry_keys(term: str, allow_possessive: bool = False, item: int = 0) -> list[tuple[str, KeyForm]]:
    """The automaton keys of one written form, with their :class:`KeyForm` (empty when it can never match)."""
    words = normalize(term).split()
    if not words or not any(ch.isalnum() for ch in "".join(words)):
        return []
    w1, rest = words[0], words[1:]
    # taa marbuta (written ة) becomes ت before an enclitic: قضية -> قضيتنا; a root ه (الله) does not
    letters = [ch for ch in term.split()[0] if ch.isalpha()]
    taa_marbuta = bool(letters) and letters[-1] == "ة"
    definite = w1.startswith(ARTICLE) and len(w1) - 2 >= _MIN_ARTICLE_STEM
    stem1 = w1[2:] if definite else w1
    if len(stem1) < 2 and not rest:
        return []
    common = dict(verb=stem1[0] in _IMPERFECT, lam_initial=stem1[0] == "ل")
    keys: list[tuple[str, KeyForm]] = []
    if not rest:
        keys.append((stem1, KeyForm(item, -1, 1, stem1, tanween=stem1[-1] not in _NO_TANWEEN_AFTER, **common)))
        if taa_marbuta and len(stem1) >= 3:
            keys.append((stem1[:-1] + "ت", KeyForm(item, 0, 2, stem1, **common)))
        return keys
    tail = " ".join(rest)
    if not definite:
        return [(f"{stem1} {tail}", KeyForm(item, -1, 0, stem1, **common))]
    keys.append((f"{stem1} {tail}", KeyForm(item, 1, 0, stem1, **common)))
    if all(w.startswith(ARTICLE) and len(w) - 2 >= 2 for w in rest):
        bare = [stem1] + [w[2:] for w in rest]
        keys.append((" ".join(bare), KeyForm(item, 0, 0, stem1, **common)))
        if not any(w[-1] in _NO_TANWEEN_AFTER for w in bare):
            keys.append((" ".join(w + _TANWEEN_ALEF for w in bare), KeyForm(item, 0, 0, stem1 + _TANWEEN_ALEF, **common)))
    if allow_possessive:
        base = stem1[:-1] + "ت" if taa_marbuta else stem1
        for enc in POSSESSIVE_ENCLITICS:
            keys.append((f"{base}{enc} {tail}", KeyForm(item, 0, 0, stem1, enclitic=enc, **common)))
    return keys


def _prefix_readings() -> dict[str, tuple[str, ...]]:
    """Every valid proclitic sequence as written (normalised) -> its proclitics."""
    out: dict[str, tuple[str, ...]] = {}
    for conj in ("", "و", "ف"):
        for mid in ("", "ب", "ك", "ل", "س"):
            for art in ("", ARTICLE):
                if mid == "س" and art:
                    continue
                procs = tuple(p for p in (conj, mid, art) if p)
                written = conj + ("لل" if mid == "ل" and art else mid + art)
                out[written] = procs
    return out


_PREFIXES = _prefix_readings()


@lru_cache(maxsize=None)
def _accepted_prefixes(form: KeyForm) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Proclitic sequences (as written) that may stand before ``form`` -> (the proclitics they are,
    whether they include the article)."""
    out = {}
    for written, procs in _PREFIXES.items():
        has_article = ARTICLE in procs
        if form.article == 1 and not has_article:
            if form.lam_initial and procs and procs[-1] == "ل":  # لليبرالية: ل + ال + ليبرالية
                out[written] = (procs + (ARTICLE,), True)
            continue
        if (form.article == 0 and has_article) or ("س" in procs and not form.verb):
            continue
        out[written] = (procs, has_article)
    return out


@lru_cache(maxsize=None)
def _accepted_suffixes(form: KeyForm) -> frozenset[str]:
    """What may follow ``form`` in the same word (when the proclitics carry no article)."""
    if form.suffix == 0:
        return frozenset()
    return WORD_ENCLITICS | ({_TANWEEN_ALEF} if form.tanween and form.suffix == 1 else set())


# --------------------------------------------------------------------------- clitic tables

#: Letters of proclitic sequences and of enclitics. Clitics around a key are read as base-8 numbers
#: of these letters' ids (1..7; 0 = any other letter), so one table look-up checks a whole sequence.
_PROCLITIC_LETTERS = "".join(sorted(set("".join(_PREFIXES))))
_ENCLITIC_LETTERS = "".join(sorted(set("".join(ENCLITICS)) | {_TANWEEN_ALEF}))
assert len(_PROCLITIC_LETTERS) < 8 and len(_ENCLITIC_LETTERS) < 8
_NO_PREFIX = 8**_MAX_PREFIX  # the code of letters that are no proclitic sequence
_NO_SUFFIX = 8**_MAX_SUFFIX
_HEH, _TAA_MARBUTA = ord("ه"), ord("ة")


def _clitic_code(letters: str, alphabet: str) -> int:
    """``letters`` (read outwards from the key) as a base-8 number of their ids in ``alphabet``."""
    return sum((alphabet.index(ch) + 1) * 8**j for j, ch in enumerate(letters))


@lru_cache(maxsize=2)
def _letter_tables(wide: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code point (BMP, or all of Unicode when ``wide``): is it a word character (str.isalnum),
    its id among the proclitic letters, its id among the enclitic letters."""
    size = 0x110000 if wide else 0x10000
    word = np.fromiter((chr(cp).isalnum() for cp in range(size)), dtype=bool, count=size)
    ids = []
    for alphabet in (_PROCLITIC_LETTERS, _ENCLITIC_LETTERS):
        table = np.zeros(size, dtype=np.int64)
        table[[ord(ch) for ch in alphabet]] = np.arange(1, len(alphabet) + 1)
        ids.append(table)
    return word, ids[0], ids[1]


def _read_clitics(codes: np.ndarray, starts: np.ndarray, step: int, word: np.ndarray, ids: np.ndarray,
                  longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Read the letters from each of ``starts`` outwards (``step`` -1: backwards, +1: forwards): how
    many word characters follow each other there (at most ``longest + 1``), and their clitic code
    (``8**longest`` when they are no clitics: too many, or a letter that is in no clitic)."""
    n = len(codes)
    run = np.zeros(len(starts), dtype=np.int64)
    code = np.zeros(len(starts), dtype=np.int64)
    alive = np.ones(len(starts), dtype=bool)
    bad = np.zeros(len(starts), dtype=bool)
    for j in range(longest + 1):
        at = starts + step * j
        letter = codes.take(at, mode="clip")  # out of range: masked below
        alive &= word.take(letter) & (at >= 0) & (at < n)
        run += alive
        if j < longest:
            digit = ids.take(letter)
            bad |= alive & (digit == 0)
            code += digit * alive * 8**j
    return run, np.where(bad | (run > longest), 8**longest, code)


def _pairs(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(i, j)`` with ``lo[i] <= j < hi[i]``, by ``i`` then ``j``."""
    counts = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(lo)), counts)
    return i, np.arange(len(i)) + np.repeat(lo - (np.cumsum(counts) - counts), counts)


def _run_edges(values: np.ndarray, last: bool) -> np.ndarray:
    """True at the last (or first) element of each run of equal ``values``."""
    edge = np.ones(len(values), dtype=bool)
    if last:
        edge[:-1] = values[1:] != values[:-1]
    else:
        edge[1:] = values[1:] != values[:-1]
    return edge


def _member(codes: np.ndarray, sorted_codes: np.ndarray) -> np.ndarray:
    """Whether each of ``codes`` is in ``sorted_codes``."""
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=bool)
    return sorted_codes[np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)] == codes


class _Hits(NamedTuple):
    """Accepted (automaton hit, key form) rows of a batch, as arrays in automaton order: the whole
    written word(s) ``[ws, we)``, the key's start, the form, the proclitics read (an index into
    ``_KeyTable.readings``), and the enclitic (or tanween alef) after the key: its length and its
    clitic code."""

    ws: np.ndarray
    we: np.ndarray
    ks: np.ndarray
    form: np.ndarray
    reading: np.ndarray
    suffix_len: np.ndarray
    suffix: np.ndarray

    def take(self, rows: np.ndarray) -> "_Hits":
        return _Hits(*(a[rows] for a in self))


class _KeyTable:
    """All keys of a matcher in one pyahocorasick automaton (its value for a key is the key's
    index), and the key forms and clitic rules as arrays, so that all automaton hits of a batch are
    checked at once in numpy instead of one by one in Python.

    Clitic rules are tables: the letters before a key (at most ``_MAX_PREFIX``) and after it (at
    most ``_MAX_SUFFIX``) are read as codes (:func:`_read_clitics`); each form has a proclitic class
    and an enclitic class that say which codes it accepts (from :func:`_accepted_prefixes` and
    :func:`_accepted_suffixes`, the readable statement of the rules).
    """

    def __init__(self, keys: dict[str, tuple[KeyForm, ...]]):
        self.automaton = ahocorasick.Automaton()
        self.forms: list[KeyForm] = []  # the forms of key k are forms[first_form[k] : first_form[k] + n_forms[k]]
        first_form, single = [], []
        for index, (key, forms) in enumerate(keys.items()):
            self.automaton.add_word(key, index)
            first_form.append(len(self.forms))
            self.forms += forms
            single += [" " not in key] * len(forms)
        if len(self.automaton):
            self.automaton.make_automaton()
        self.key_len = np.array([len(k) for k in keys], dtype=np.int64)
        self.first_form = np.array(first_form, dtype=np.int64)
        self.n_forms = np.array([len(forms) for forms in keys.values()], dtype=np.int64)
        #: keys that only context/exclude phrases use: their hits are only checked where a hit needs them
        self.phrase_only = np.array([all(f.phrase for f in forms) for forms in keys.values()], dtype=bool)
        # per form
        self.f_item = np.array([f.item for f in self.forms], dtype=np.int64)
        self.f_phrase = np.array([f.phrase for f in self.forms], dtype=bool)
        self.f_single = np.array(single, dtype=bool)  # its key is one word
        self.f_first_len = np.array([len(f.stem) + len(f.enclitic) for f in self.forms], dtype=np.int64)
        self.f_needs_suffix = np.array([f.suffix == 2 for f in self.forms], dtype=bool)
        # clitic classes: [class, code] tables, and each form's class
        self.readings: list[tuple[str, ...]] = []  # proclitic sequences read, as in the breakdown
        prefix_classes: dict[tuple, int] = {}
        suffix_classes: dict[frozenset[str], int] = {}
        prefix_ok, definite, reading, suffix_ok, f_prefix, f_suffix = [], [], [], [], [], []
        for form in self.forms:
            accepted = _accepted_prefixes(form)
            signature = tuple(sorted(accepted.items()))
            if signature not in prefix_classes:
                prefix_classes[signature] = len(prefix_classes)
                ok, art, read = (np.zeros(_NO_PREFIX + 1, dtype=t) for t in (bool, bool, np.int64))
                for written, (procs, has_article) in accepted.items():
                    if procs not in self.readings:
                        self.readings.append(procs)
                    code = _clitic_code(written[::-1], _PROCLITIC_LETTERS)
                    ok[code], art[code], read[code] = True, has_article, self.readings.index(procs)
                prefix_ok.append(ok), definite.append(art), reading.append(read)
            suffixes = _accepted_suffixes(form)
            if suffixes not in suffix_classes:
                suffix_classes[suffixes] = len(suffix_classes)
                ok = np.zeros(_NO_SUFFIX + 1, dtype=bool)
                ok[[_clitic_code(e, _ENCLITIC_LETTERS) for e in suffixes]] = True
                suffix_ok.append(ok)
            f_prefix.append(prefix_classes[signature])
            f_suffix.append(suffix_classes[suffixes])
        self.prefix_ok = np.array(prefix_ok).reshape(-1, _NO_PREFIX + 1)
        self.definite = np.array(definite).reshape(-1, _NO_PREFIX + 1)
        self.reading = np.array(reading, dtype=np.int64).reshape(-1, _NO_PREFIX + 1)
        self.suffix_ok = np.array(suffix_ok).reshape(-1, _NO_SUFFIX + 1)
        self.f_prefix, self.f_suffix = np.array(f_prefix, dtype=np.int64), np.array(f_suffix, dtype=np.int64)

    def scan(self, mt: MatchText) -> tuple[np.ndarray, np.ndarray]:
        """Every automaton hit in ``mt.text``: (index of the key's last character, key index)."""
        flat = np.fromiter(itertools.chain.from_iterable(self.automaton.iter(mt.text)), dtype=np.int64)
        return flat[0::2], flat[1::2]

    def verify(self, mt: MatchText, ends: np.ndarray, keys: np.ndarray) -> _Hits:
        """The (hit, form) rows of automaton hits whose letters around the key are clitics the form
        accepts: the word boundaries come with that, so no key hits inside a longer word."""
        codes = mt.codes
        word, proclitic_ids, enclitic_ids = _letter_tables(mt.wide)
        ks = ends - self.key_len[keys] + 1
        ke = ends + 1
        prefix_run, prefix = _read_clitics(codes, ks - 1, -1, word, proclitic_ids, _MAX_PREFIX)
        suffix_run, suffix = _read_clitics(codes, ke, 1, word, enclitic_ids, _MAX_SUFFIX)
        first = self.first_form[keys]
        row, form = _pairs(first, first + self.n_forms[keys])  # one row per (hit, form of its key)
        fp, pc, sc = self.f_prefix[form], prefix[row], suffix[row]
        suffixed = suffix_run[row] > 0
        # an enclitic only after an indefinite word, and only one the form accepts
        with_suffix = ~self.definite[fp, pc] & self.suffix_ok[self.f_suffix[form], sc]
        ok = self.prefix_ok[fp, pc] & np.where(suffixed, with_suffix, ~self.f_needs_suffix[form])
        # ه after a key is the pronoun only where the original has ه, not ة: مقدسة is not مقدس + ه
        heh = np.flatnonzero(ok & suffixed)
        heh = heh[codes.take(ke[row[heh]]) == _HEH]
        if heh.size:
            ok[heh[mt.source.take(mt.origin(ke[row[heh]])) == _TAA_MARBUTA]] = False
        keep = np.flatnonzero(ok)
        row, fp, pc = row[keep], fp[keep], pc[keep]
        suffix_len = np.minimum(suffix_run[row], _MAX_SUFFIX)
        return _Hits(ks[row] - np.minimum(prefix_run[row], _MAX_PREFIX), ke[row] + suffix_len, ks[row], form[keep],
                     self.reading[fp, pc], suffix_len, sc[keep])


# --------------------------------------------------------------------------- matches


class _Rows(NamedTuple):
    """The matches of a batch as columns: ``start``/``end`` index their own text, ``at``/``to`` the
    joined texts (``original``); ``doc`` is the index of their text (a sorted array)."""

    original: str
    doc: np.ndarray
    start: list[int]
    end: list[int]
    at: list[int]
    to: list[int]
    item: list[int]
    clitics: list[str]


class Match(NamedTuple):
    """One lexicon hit. ``start``/``end`` index the ORIGINAL text; ``surface == text[start:end]`` is the
    whole written word(s), clitics included; ``clitics`` breaks the first word down (و+ب+ال+إمبريالية).
    ``stance`` is the reporting signal's stance (None for other lexicons)."""

    start: int
    end: int
    surface: str
    entry_id: str
    term: str
    category: str
    weight: float
    lexicon: str
    lexicon_version: str
    clitics: str
    stance: str | None = None


@dataclass(frozen=True)
class _Item:
    """An entry as the matcher sees it: its lexicon, its order there, and its context / exclude
    phrases (indices of the matcher's phrase list)."""

    entry: Entry
    lexicon: int
    order: int
    context: frozenset[int] = frozenset()
    exclude: frozenset[int] = frozenset()


#: Joins the texts of a batch: not a letter, not white space, kept by normalisation, in no key.
_SEPARATOR = "\x01"
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on


class _Batch:
    """Several texts normalised and scanned as one string (the per-call overhead is paid once).
    Lines and sentences, which only context checks need, are found on demand."""

    # _sentences: line start -> sentence starts; _joint, _scans: the joint scan and its hits (see scan)
    __slots__ = ("mt", "bounds", "norm_bounds", "_sentences", "_joint", "_scans")

    def __init__(self, texts: Sequence[str], joint: "_JointScan | None" = None):
        self._joint, self._scans = joint, None  # the automaton hits of the joint scan's tables, once scanned
        self.mt = MatchText.of(_SEPARATOR.join(texts))
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        self.bounds = np.concatenate(([0], np.cumsum(lengths)))  # original start of each text (+ end)
        # normalised start of each text (+ end): normalisation never drops a separator
        separators = np.flatnonzero(self.mt.codes == ord(_SEPARATOR))
        self.norm_bounds = np.concatenate(([0], separators + 1, [len(self.mt.text) + 1]))
        self._sentences: dict[int, list[int]] = {}

    def scan(self, table: "_KeyTable") -> tuple[np.ndarray, np.ndarray]:
        """``table.scan`` of this batch's text; when the batch has a joint scan covering ``table``,
        one pass of the text finds the hits of all its tables."""
        if self._joint is None or table not in self._joint.tables:
            return table.scan(self.mt)
        if self._scans is None:
            self._scans = self._joint.scan(self.mt)
        return self._scans[self._joint.tables.index(table)]

    def plainly_same_sentence(self, x: int, y: int) -> bool | None:
        """Whether original offsets ``x`` and ``y`` lie in the same sentence, where that shows without
        splitting sentences: every sentence border follows a terminator or a line break, so with
        none between them the answer is yes, and with a line break between them it is no (None:
        :meth:`same_sentence` must split their line)."""
        text = self.mt.original
        lo, hi = min(x, y), max(x, y)
        if _BREAK.search(text, lo, hi) is None:
            return True
        return False if _LINE_BREAK.search(text, lo, hi) is not None else None

    def same_sentence(self, x: int, y: int, doc: int) -> bool:
        """Whether original offsets ``x`` and ``y`` (starts of words in one line of text ``doc``) lie
        in the same sentence of :func:`rhetoric.text.split_sentences`. Only their line is split
        (sentences never cross a line break, so this gives the same sentences as splitting the
        text), once per line."""
        text = self.mt.original
        lo, hi = min(x, y), max(x, y)
        d_lo, d_hi = int(self.bounds[doc]), int(self.bounds[doc + 1]) - 1
        start = max(text.rfind(ch, d_lo, lo) for ch in _LINE_BREAKS) + 1 or d_lo
        cuts = self._sentences.get(start)
        if cuts is None:
            end = min((i for i in (text.find(ch, hi, d_hi) for ch in _LINE_BREAKS) if i >= 0), default=d_hi)
            cuts = self._sentences[start] = [start + a for a, _ in split_sentences(text[start:end])]
        return bisect.bisect_right(cuts, x) == bisect.bisect_right(cuts, y)


class _JointScan:
    """The keys of several key tables in one automaton, so that a text is scanned once for all of
    them (the automaton's cost is mostly per character: the naming pairs' 300 keys cost two thirds
    of a scan for the framing lexicons' 2,500). A key of several tables maps to all its owners."""

    def __init__(self, tables: tuple["_KeyTable", ...]):
        self.tables = tables
        owners: dict[str, list[tuple[int, int]]] = {}
        for t, table in enumerate(tables):
            for key, index in table.automaton.items():
                owners.setdefault(key, []).append((t, index))
        self.automaton = ahocorasick.Automaton()
        for group, key in enumerate(owners):
            self.automaton.add_word(key, group)
        if len(self.automaton):
            self.automaton.make_automaton()
        pairs = list(itertools.chain.from_iterable(owners.values()))
        self.count = np.array([len(v) for v in owners.values()], dtype=np.int64)  # owners of each key
        self.first = np.cumsum(self.count) - self.count  # its first owner's row in the arrays below
        self.table = np.array([t for t, _ in pairs], dtype=np.int64)
        self.key = np.array([k for _, k in pairs], dtype=np.int64)

    def scan(self, mt: MatchText) -> list[tuple[np.ndarray, np.ndarray]]:
        """``table.scan(mt)`` of each table, in the same order: hits come by end position, and keys
        ending at the same place come longest first in every automaton."""
        flat = np.fromiter(itertools.chain.from_iterable(self.automaton.iter(mt.text)), dtype=np.int64)
        ends, groups = flat[0::2], flat[1::2]
        count = self.count[groups]
        row = np.repeat(self.first[groups], count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        ends, table, key = np.repeat(ends, count), self.table[row], self.key[row]
        return [(ends[table == t], key[table == t]) for t in range(len(self.tables))]


@lru_cache(maxsize=4)
def _joint_scan(tables: tuple["_KeyTable", ...]) -> _JointScan:
    return _JointScan(tables)


#: The batches built in a :func:`sharing_batches` block (texts, batch) and its joint scan; None outside one.
_SHARED_BATCHES: list[tuple[list[str], _Batch]] | None = None
_SHARED_SCAN: _JointScan | None = None


@contextlib.contextmanager
def sharing_batches(*matchers: "Matcher"):
    """Within the block, a matcher reuses the normalised batch another matcher built of the same
    texts, and the given ``matchers`` find their automaton hits in one scan of it. The engines match
    each chunk twice (framing lexicons, then naming pairs); the batches live until the block ends."""
    global _SHARED_BATCHES, _SHARED_SCAN
    outer = _SHARED_BATCHES, _SHARED_SCAN
    _SHARED_BATCHES = []
    _SHARED_SCAN = _joint_scan(tuple(m._table for m in matchers)) if len(matchers) > 1 else None
    try:
        yield
    finally:
        _SHARED_BATCHES, _SHARED_SCAN = outer


def _shared_batch(texts: list[str]) -> _Batch:
    if _SHARED_BATCHES is None:
        return _Batch(texts)
    for known, batch in _SHARED_BATCHES:
        if known == texts:  # the same string objects: compared by identity first, so this is cheap
            return batch
    batch = _Batch(texts, _SHARED_SCAN)
    _SHARED_BATCHES.append((texts, batch))
    return batch


_BREAK = re.compile("[.!?\u061f\u2026" + _LINE_BREAKS + "]")  # every sentence border follows one
_LINE_BREAK = re.compile("[" + _LINE_BREAKS + "]")


class _Phrases:
    """Context/exclude phrase hits of a batch, sorted: normalised starts and ends, original starts,
    phrase indices."""

    __slots__ = ("starts", "ends", "origins", "phrase")

    def __init__(self, mt: MatchText, ws: np.ndarray, we: np.ndarray, phrase: np.ndarray):
        order = np.lexsort((phrase, we, ws))
        self.starts, self.ends, self.phrase = ws[order], we[order], phrase[order]
        self.origins = mt.origin(self.starts)


class Matcher:
    """Match one or more lexicons against texts.

    >>> m = Matcher(load_lexicons())            # doctest: +SKIP
    >>> m.match("تعهد بدعمه الكامل للنضال المقدس")  # doctest: +SKIP
    [Match(start=18, end=31, surface='للنضال المقدس', entry_id='smf.sacral.holy_struggle', ...)]

    ``lexicons``: :class:`~rhetoric.lexicon.Lexicon` objects, lexicon files or folders (default: the
    project's framing lexicons). Each lexicon is matched
    as its own dictionary: overlaps are resolved leftmost-longest within a lexicon, never across.
    """

    def __init__(self, lexicons: Iterable[Lexicon | str | Path] | Lexicon | str | Path | None = None):
        if lexicons is None:
            lexicons = load_lexicons()
        elif isinstance(lexicons, (Lexicon, str, Path)):
            lexicons = [lexicons]
        self.lexicons: list[Lexicon] = []
        for lx in lexicons:  # Lexicon objects, or lexicon files / folders
            self.lexicons += [lx] if isinstance(lx, Lexicon) else load_lexicons([lx])
        if not self.lexicons:
            raise LexiconError("the matcher needs at least one lexicon")
        self._items: list[_Item] = []
        aux_index: dict[str, int] = {}  # context/exclude phrase -> index
        keys: dict[str, list[KeyForm]] = {}
        for li, lexicon in enumerate(self.lexicons):
            for order, entry in enumerate(lexicon.entries):
                ctx = frozenset(aux_index.setdefault(normalize(p), len(aux_index)) for p in entry.requires_context)
                exc = frozenset(aux_index.setdefault(normalize(p), len(aux_index)) for p in entry.exclude)
                item = len(self._items)
                self._items.append(_Item(entry, li, order, ctx, exc))
                for form in entry.forms:
                    for key, kf in entry_keys(form, entry.allow_possessive, item):
                        if kf not in keys.setdefault(key, []):
                            keys[key].append(kf)
        # Context/exclude phrases share the automaton (one scan finds both).
        for phrase, idx in aux_index.items():
            for key, kf in entry_keys(phrase, False, idx):
                kf = dataclasses.replace(kf, phrase=True)
                if kf not in keys.setdefault(key, []):
                    keys[key].append(kf)
        self.keys = {k: tuple(v) for k, v in keys.items()}
        self._table = _KeyTable(self.keys)
        self.automaton = self._table.automaton
        self._lexicon_of = np.array([it.lexicon for it in self._items], dtype=np.int64)
        # (item, phrase) pairs of every requires_context / exclude, as sorted codes item * n + phrase
        self._n_phrases = max(len(aux_index), 1)
        n = self._n_phrases
        self._context = np.array(sorted(i * n + p for i, it in enumerate(self._items) for p in it.context), np.int64)
        self._exclude = np.array(sorted(i * n + p for i, it in enumerate(self._items) for p in it.exclude), np.int64)
        self._has_context = np.array([bool(it.context) for it in self._items], dtype=bool)
        self._has_exclude = np.array([bool(it.exclude) for it in self._items], dtype=bool)
        # what every Match of an item carries
        self._fields = [(it.entry.id, it.entry.term, it.entry.category, it.entry.weight, self.lexicons[it.lexicon].name,
                         self.lexicons[it.lexicon].version_hash) for it in self._items]
        self._stances = [it.entry.stance for it in self._items]
        self._clitic_cache: dict[tuple[str, int], str] = {}
        self._reach = max(map(len, aux_index), default=0) + _MAX_PREFIX + _MAX_SUFFIX  # longest phrase hit

    def __repr__(self) -> str:
        names = ", ".join(f"{lx.name}@{lx.version_hash}" for lx in self.lexicons)
        return f"Matcher([{names}], {len(self._items)} entries, {len(self.keys)} keys)"

    @property
    def entries(self) -> list[tuple[Lexicon, Entry]]:
        return [(self.lexicons[it.lexicon], it.entry) for it in self._items]

    # ------------------------------------------------------------------ scanning

    def _resolve(self, batch: _Batch) -> tuple[_Hits, np.ndarray]:
        """The entry hits that become matches (in lexicon order), and the index of the text each lies in.

        Hits whose context/exclude phrases do not allow them are dropped; then, per lexicon, hits are
        taken leftmost-longest (then in entry order). Most hits overlap no other hit of their lexicon
        and are taken at once; only the others are resolved one by one.
        """
        mt, table = batch.mt, self._table
        ends, keys = batch.scan(table)
        lazy = table.phrase_only[keys]
        found = table.verify(mt, ends[~lazy], keys[~lazy])
        phrase = table.f_phrase[found.form]
        phrase_rows, found = found.take(np.flatnonzero(phrase)), found.take(np.flatnonzero(~phrase))
        ends, keys = ends[lazy], keys[lazy]
        wanted = self._phrases_wanted(batch, found, ends - table.key_len[keys] + 1)
        more = table.verify(mt, ends[wanted], keys[wanted])
        phrases = _Phrases(mt, np.concatenate((phrase_rows.ws, more.ws)), np.concatenate((phrase_rows.we, more.we)),
                           table.f_item[np.concatenate((phrase_rows.form, more.form))])
        found = found.take(np.flatnonzero(self._allowed(batch, found, phrases)))
        ws, we, item = found.ws, found.we, self._table.f_item[found.form]
        lexicon = self._lexicon_of[item]
        order = np.lexsort((item, ws - we, ws, lexicon))  # stable: equal hits keep the automaton's order
        ws, we, lexicon = ws[order], we[order], lexicon[order]
        # overlaps with an earlier hit of the same lexicon (the running furthest end, lexicon by lexicon)
        scale = len(mt.text) + 2
        furthest = np.maximum.accumulate(lexicon * scale + we)
        loose = np.zeros(len(ws), dtype=bool)
        loose[1:] = furthest[:-1] - lexicon[1:] * scale > ws[1:]
        loose[:-1] |= (lexicon[1:] == lexicon[:-1]) & (ws[1:] < we[:-1])  # ... or with the next one
        take = ~loose
        until: dict[int, int] = {}
        for i, a, b, lx in zip(*(v.tolist() for v in (np.flatnonzero(loose), ws[loose], we[loose], lexicon[loose]))):
            if a >= until.get(lx, -1):
                until[lx] = b
                take[i] = True
        found = found.take(order[take])
        return found, np.searchsorted(batch.norm_bounds, found.ws, side="right") - 1

    def _phrases_wanted(self, batch: _Batch, found: _Hits, ks: np.ndarray) -> np.ndarray:
        """Which phrase-only automaton hits (key starts ``ks``) a context/exclude check of the entry
        hits ``found`` could use: those in a text with a ``requires_context`` hit, and those near an
        ``exclude`` hit (an exclude phrase word starting in ``[ws - reach, we)`` has its key within
        ``[ws - reach, we + _MAX_PREFIX)``)."""
        item = self._table.f_item[found.form]
        context_docs = np.zeros(len(batch.norm_bounds), dtype=bool)
        context_docs[np.searchsorted(batch.norm_bounds, found.ws[self._has_context[item]], side="right") - 1] = True
        wanted = context_docs[np.searchsorted(batch.norm_bounds, ks, side="right") - 1]
        rows = self._has_exclude[item]
        lo, hi = np.sort(found.ws[rows] - self._reach), np.sort(found.we[rows] + _MAX_PREFIX)
        return wanted | (np.searchsorted(lo, ks, side="right") > np.searchsorted(hi, ks, side="right"))

    def _allowed(self, batch: _Batch, found: _Hits, phrases: _Phrases) -> np.ndarray:
        """Whether each entry hit's context/exclude phrases allow it. ``exclude``: no exclude phrase
        hit overlaps the hit; ``requires_context``: a context phrase hit lies in the hit's sentence
        (checked with the nearest ones before and after it in its text)."""
        item = self._table.f_item[found.form]
        ok = np.ones(len(item), dtype=bool)
        rows = np.flatnonzero(self._has_exclude[item])
        if rows.size:
            ws, we = found.ws[rows], found.we[rows]
            c, j = _pairs(np.searchsorted(phrases.starts, ws - self._reach), np.searchsorted(phrases.starts, we))
            excluding = _member(item[rows[c]] * self._n_phrases + phrases.phrase[j], self._exclude)
            hit = excluding & (phrases.ends[j] > ws[c])
            ok[rows[c[hit]]] = False
        rows = np.flatnonzero(self._has_context[item] & ok)
        if not rows.size:
            return ok
        ok[rows] = False
        x = batch.mt.origin(found.ws[rows])
        doc = np.searchsorted(batch.norm_bounds, found.ws[rows], side="right") - 1
        bounds = batch.bounds
        c, j = _pairs(np.searchsorted(phrases.origins, bounds[doc]), np.searchsorted(phrases.origins, bounds[doc + 1]))
        present = _member(item[rows[c]] * self._n_phrases + phrases.phrase[j], self._context)
        c, y = c[present], phrases.origins[j[present]]
        # Sentences are intervals: only the nearest context phrase on each side can share the hit's.
        before, after = np.flatnonzero(y < x[c]), np.flatnonzero(y >= x[c])
        nearest = np.concatenate((before[_run_edges(c[before], last=True)], after[_run_edges(c[after], last=False)]))
        c = c[nearest]
        undecided = []
        for k, xk, yk, d in zip(*(v.tolist() for v in (rows[c], x[c], y[nearest], doc[c]))):
            if not ok[k]:  # first what shows without splitting sentences
                same = batch.plainly_same_sentence(xk, yk)
                if same is None:
                    undecided.append((k, xk, yk, d))
                ok[k] = bool(same)
        for k, xk, yk, d in undecided:
            if not ok[k] and batch.same_sentence(xk, yk, d):
                ok[k] = True
        return ok

    def match(self, text: str) -> list[Match]:
        """All hits in ``text``, ordered by start (then end)."""
        return self.match_many([text])[0] if text else []

    def match_many(self, texts: Sequence[str]) -> list[list[Match]]:
        """:meth:`match` for several texts at once (faster: they are normalised and scanned together)."""
        texts = list(texts)
        rows = self._rows(texts)
        if rows is None:
            return [[] for _ in texts]
        original, fields, stances, new = rows.original, self._fields, self._stances, tuple.__new__
        flat = [new(Match, (a, b, original[at:to], *fields[it], cl, stances[it]))
                for a, b, at, to, it, cl in zip(rows.start, rows.end, rows.at, rows.to, rows.item, rows.clitics)]
        cuts = np.searchsorted(rows.doc, np.arange(len(texts) + 1)).tolist()
        return [flat[lo:hi] for lo, hi in zip(cuts, cuts[1:])]

    def _ordered(self, texts: list[str]) -> "tuple[_Batch, _Hits, np.ndarray] | None":
        """The batch of ``texts``, the hits that become matches ordered by text, start, end, and the
        text of each (None when there are none)."""
        if not texts or not self.keys:
            return None
        if any(_SEPARATOR in t for t in texts):
            texts = [t.replace(_SEPARATOR, " ") for t in texts]  # same length, so offsets hold
        batch = _shared_batch(texts)
        if not batch.mt.text:
            return None
        found, doc = self._resolve(batch)
        if not len(doc):
            return None
        order = np.lexsort((found.we, found.ws))  # by start (so by text), then end; equal spans in lexicon order
        return batch, found.take(order), doc[order]

    def _rows(self, texts: list[str]) -> "_Rows | None":
        """The matches in ``texts`` as columns (None when there are none), ordered by text, start, end."""
        ordered = self._ordered(texts)
        if ordered is None:
            return None
        batch, found, doc = ordered
        mt, table = batch.mt, self._table
        start, end = mt.origin(found.ws), mt.ends(found.we)
        # end of the first word (the clitic breakdown shows it): the key's first word and its clitics
        first_end = mt.ends(np.where(table.f_single[found.form], found.we, found.ks + table.f_first_len[found.form]))
        offset = batch.bounds[doc]
        at = start.tolist()
        return _Rows(mt.original, doc, (start - offset).tolist(), (end - offset).tolist(), at, end.tolist(),
                     table.f_item[found.form].tolist(), self._clitics(mt, found, at, first_end.tolist()))

    def _clitics(self, mt: MatchText, found: _Hits, start: list[int], first_end: list[int]) -> list[str]:
        """The clitic breakdown of each hit's first word (``و+ب+ال+إمبريالية``), cached by its surface
        and reading (proclitics, form, enclitic)."""
        original, cache, table = mt.original, self._clitic_cache, self._table
        reading = (found.reading * len(table.forms) + found.form) * (_NO_SUFFIX + 1) + found.suffix
        get = cache.get
        out = [get((original[a:e], r)) for a, e, r in zip(start, first_end, reading.tolist())]
        if None not in out:
            return out
        if len(cache) > 100_000:
            cache.clear()
        for i in [i for i, v in enumerate(out) if v is None]:
            form = table.forms[found.form[i]]
            stem, enclitic = form.stem, form.enclitic
            sl, we = int(found.suffix_len[i]), int(found.we[i])
            if sl:  # a single word: what follows the key is the enclitic, or the tanween alef
                tail = mt.text[we - sl : we]
                if tail == _TANWEEN_ALEF:
                    stem += tail
                else:
                    enclitic = tail
            surface = original[start[i] : first_end[i]]
            analysis = CliticAnalysis(table.readings[found.reading[i]], stem, enclitic)
            out[i] = cache[surface, int(reading[i])] = clitic_breakdown(surface, analysis)
        return out

    def iter_document_matches(self, documents: pd.DataFrame, fields: Sequence[str] = ("title", "text"),
                              progress: bool | None = None, batch_chars: int = 1_000_000):
        """Yield ``(row_position, field, matches)`` for every non-empty field, in document order.

        Documents are matched in batches of about ``batch_chars`` characters. ``progress``: a tqdm bar
        over documents (default: only when stderr is a terminal).
        """
        for pending in _document_batches(documents, fields, progress, batch_chars):
            for (p, field, _), found in zip(pending, self.match_many([t for _, _, t in pending])):
                yield p, field, found

    def match_documents(self, documents: pd.DataFrame, fields: Sequence[str] = ("title", "text"),
                        progress: bool | None = None) -> pd.DataFrame:
        """A ``matches`` table (see :mod:`rhetoric.tables`) for a documents table.

        ``field`` says which string (``title`` or ``text``) the offsets index. ``span_id`` and ``voice``
        are left NA: the analysis stage fills them by joining with the spans. ``stance`` (reporting
        lexicons; None otherwise) is an extra column. Built column by column, without Match objects.
        """
        doc_ids = documents["doc_id"].tolist() if "doc_id" in documents.columns else None
        names = ["doc_id", "field", "start", "end", "surface", "item", "clitics"]
        cols: dict[str, list] = {name: [] for name in names}
        for pending in _document_batches(documents, fields, progress, 1_000_000):
            rows = self._rows([t for _, _, t in pending])
            if rows is None:
                continue
            texts = [pending[d] for d in rows.doc.tolist()]
            original = rows.original
            cols["doc_id"] += [doc_ids[p] for p, _, _ in texts]
            cols["field"] += [field for _, field, _ in texts]
            cols["start"] += rows.start
            cols["end"] += rows.end
            cols["surface"] += [original[a:b] for a, b in zip(rows.at, rows.to)]
            cols["item"] += rows.item
            cols["clitics"] += rows.clitics
        item = cols.pop("item")
        n = len(item)
        per_item = {name: [f[i] for f in self._fields] for i, name in enumerate(
            ("entry_id", "term", "category", "weight", "lexicon", "lexicon_version"))}
        per_item["stance"] = self._stances
        data = {**cols, "span_id": [None] * n, "voice": [None] * n,
                **{name: [values[it] for it in item] for name, values in per_item.items()}}
        frame = pd.DataFrame({c: data[c] for c in columns("matches") + ["stance"]}, dtype=None if n else object)
        frame = frame.astype({"start": "int64", "end": "int64", "weight": "float64", "span_id": "Int64"})
        return frame


    def document_categories(self, documents: pd.DataFrame, fields: Sequence[str] = ("title", "text")) -> pd.DataFrame:
        """The ``doc_id`` and ``category`` columns of :meth:`match_documents`, row for row, without
        building the others (offsets, surfaces, clitic breakdowns): all the streaming engine keeps
        of the naming-pair hits."""
        doc_ids = documents["doc_id"].tolist()
        ids, items = [], []
        for pending in _document_batches(documents, fields, False, 1_000_000):
            ordered = self._ordered([t for _, _, t in pending])
            if ordered is not None:
                _, found, doc = ordered
                ids += [doc_ids[pending[d][0]] for d in doc.tolist()]
                items += self._table.f_item[found.form].tolist()
        categories = [self._fields[item][2] for item in items]
        return pd.DataFrame({"doc_id": ids, "category": categories}, dtype=None if ids else object)


def _document_batches(documents: pd.DataFrame, fields: Sequence[str], progress: bool | None, batch_chars: int):
    """Yield lists of ``(row_position, field, text)`` of about ``batch_chars`` characters, for every
    non-empty field, in document order (with a tqdm bar over documents when ``progress``)."""
    from tqdm.auto import tqdm

    missing = [c for c in ("doc_id", "text") if c not in documents.columns]
    if missing:
        raise LexiconError(f"the documents table has no {', '.join(map(repr, missing))} column")
    use_fields = [f for f in fields if f in documents.columns]
    columns_ = [documents[f].tolist() for f in use_fields]
    bar = tqdm(total=len(documents), desc="matching", unit="doc", disable=_no_progress(progress))
    pending: list[tuple[int, str, str]] = []
    size = 0
    for pos in range(len(documents)):
        for field, values in zip(use_fields, columns_):
            text = values[pos]
            if isinstance(text, str) and text:
                pending.append((pos, field, text))
                size += len(text)
        if size >= batch_chars or pos == len(documents) - 1:
            yield pending
            bar.update(pos + 1 - bar.n)
            pending, size = [], 0
    bar.close()


def _no_progress(progress: bool | None) -> bool:
    import sys

    return not sys.stderr.isatty() if progress is None else not progress


# --------------------------------------------------------------------------- validation of keys


def lexicon_key_issues(lexicon: Lexicon) -> list[LexiconIssue]:
    """Matcher-level problems of a lexicon: terms that can never match, duplicate terms after
    normalisation, entries shadowed by another entry's identical key, no-op options."""
    issues: list[LexiconIssue] = []
    path = str(lexicon.path or lexicon.name)
    form_owner: dict[str, Entry] = {}
    key_owner: dict[str, Entry] = {}
    for entry in lexicon.entries:
        own_keys: set[str] = set()
        for form in entry.forms:
            norm = " ".join(normalize(form).split())
            keys = entry_keys(form, entry.allow_possessive)
            if not keys:
                letters = sum(ch.isalnum() for ch in norm)
                why = "is empty after normalisation" if not norm else (
                    "has no letters" if not letters else "is a single letter")
                issues.append(LexiconIssue("error", path, entry.line, f"{entry.id}: form {form!r} {why}: it can never match"))
                continue
            prior = form_owner.setdefault(norm, entry)
            if prior is not entry:
                issues.append(LexiconIssue("error", path, entry.line,
                                           f"{entry.id}: form {form!r} duplicates {prior.id} (line {prior.line}) "
                                           "after normalisation"))
            own_keys.update(k for k, _ in keys)
        shadowed_by = {key_owner[k].id for k in own_keys if k in key_owner and key_owner[k] is not entry}
        if own_keys and all(k in key_owner and key_owner[k] is not entry for k in own_keys):
            issues.append(LexiconIssue("warning", path, entry.line,
                                       f"{entry.id}: shadowed — every form is also matched by {', '.join(sorted(shadowed_by))}, "
                                       "which comes first and always wins; merge them"))
        for k in own_keys:
            key_owner.setdefault(k, entry)
        words = normalize(entry.term).split()
        if entry.allow_possessive and (len(words) < 2 or not words[0].startswith(ARTICLE)):
            issues.append(LexiconIssue("warning", path, entry.line,
                                       f"{entry.id}: allow_possessive only applies to multi-word terms whose first word "
                                       "has the article (النضال المقدس); it has no effect here"))
        for phrase in (*entry.requires_context, *entry.exclude):
            if not entry_keys(phrase):
                issues.append(LexiconIssue("error", path, entry.line,
                                           f"{entry.id}: context/exclude phrase {phrase!r} can never match"))
    return issues
