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
import dataclasses
import itertools
import operator
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
    NormalizedText,
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


class MatchText(NormalizedText):
    """Text the matcher scans: exactly :func:`rhetoric.text.normalize`, plus every white-space run
    turned into one space (so ``النضال  المقدس`` and a phrase broken by a newline still match).

    :meth:`of` is a vectorised equivalent of the text layer's ``normalize_with_offsets`` (the tests
    check they agree): the frequent one-to-one replacements (أ إ آ -> ا, ى -> ي, ة -> ه, newline ->
    space) are ``str.replace`` calls; one numpy table look-up over the UTF-16 code units finds the
    other characters that change (diacritics, tatweel, bidi marks, presentation forms, Latin capitals,
    other spaces), which are replaced or dropped in bulk. Normalisation, not the automaton, would
    otherwise dominate matching time. ``starts`` maps back to the original as in the text layer.
    """

    __slots__ = ()

    @classmethod
    def of(cls, text: str) -> "MatchText":
        common, kinds, one_to_one, expansions = _match_tables()
        s = text
        for a, b in common:
            s = s.replace(a, b)
        codes = np.frombuffer(s.encode("utf-16-le"), dtype=np.uint16)  # one unit per BMP character
        units = len(codes)
        rare = np.flatnonzero(_rare_mask().take(codes))
        src = None  # source unit of every output unit, once some were dropped or inserted
        dropped = grown = None
        changed = False
        if rare.size:
            kind = kinds[codes[rare]]
            codes = codes.copy()
            one = rare[kind == _REPLACE]
            codes[one] = one_to_one[codes[one]]
            grown = rare[kind == _EXPAND]  # ligatures such as ﻻ -> لا: first letter now, the rest below
            tails = [expansions[c][1:] for c in codes[grown].tolist()]
            codes[grown] = [ord(expansions[c][0]) for c in codes[grown].tolist()]
            dropped = rare[kind == _DELETE] if (kind == _DELETE).any() else None
            changed = bool(one.size or grown.size)
        look = codes
        if dropped is not None:
            # A deleted character looks like the one before it, so that " <bidi mark> " is seen as
            # a double space and collapsed in the same pass that drops the deleted characters.
            look = codes.copy()
            before = np.maximum(dropped - 1, 0)
            while not np.array_equal(look[dropped], look[before]):
                look[dropped] = look[before]
        space = look == 32
        drop = np.zeros(len(codes), dtype=bool)
        drop[1:] = space[1:] & space[:-1]
        if dropped is not None:
            drop[dropped] = True
        if dropped is not None or drop.any():
            keep = ~drop
            codes = codes[keep]
            src = np.flatnonzero(keep) if src is None else src[keep]
            changed = True
        if grown is not None and grown.size:
            at = grown if src is None else np.searchsorted(src, grown)
            sizes = [len(t) for t in tails]
            where = np.repeat(at + 1, sizes)
            codes = np.insert(codes, where, [ord(c) for t in tails for c in t])
            src = np.insert(np.arange(units, dtype=np.int64) if src is None else src, where, np.repeat(grown, sizes))
        if changed:
            s = codes.tobytes().decode("utf-16-le")
        n = len(text)
        if src is None:
            if units == n:
                return cls(text, s, np.arange(n + 1, dtype=np.int64))
            src = np.arange(units, dtype=np.int64)
        if units != n:  # surrogate pairs: map code units back to characters, one entry per character
            original = np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)
            src_low = (original >= 0xDC00) & (original < 0xE000)
            unit_to_char = np.arange(units, dtype=np.int64) - np.cumsum(src_low) + src_low
            src = unit_to_char[src[~((codes >= 0xDC00) & (codes < 0xE000))]]
        return cls(text, s, np.append(src, n))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """As :meth:`rhetoric.text.NormalizedText.span` (the tests check they agree), with plain
        ints instead of numpy scalars: it runs once per hit."""
        starts, original = self.starts, self.original
        o_start = starts.item(start)
        if end <= start:
            return o_start, o_start
        o_end = starts.item(end - 1) + 1
        while o_end < len(original) and original[o_end] in _ATTACHED:
            o_end += 1
        return o_start, o_end

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
        return cls(text, s, starts)


_SPACE_RUN = re.compile(" {2,}")
#: Diacritics and tatweel that a highlight extends over (the same set as rhetoric.text's span).
_ATTACHED = frozenset(chr(cp) for cp in [*range(0x064B, 0x0660), 0x0670, 0x0640])
_SPACE_TABLE = {cp: " " for cp in range(0x10000) if chr(cp).isspace() and cp != 0x20}
#: Frequent one-to-one replacements done with str.replace (kept only if the text layer agrees).
_COMMON_CANDIDATES = {"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "\n": " "}
_REPLACE, _DELETE, _EXPAND = 1, 2, 3


@lru_cache(maxsize=1)
def _match_tables() -> tuple[tuple[tuple[str, str], ...], np.ndarray, np.ndarray, dict[int, str]]:
    """(common replacements, kind per BMP code point after them, one-to-one table, expansions).

    Derived from :func:`rhetoric.text.normalize` itself (the source of truth), plus white space -> " ".
    Kinds: 0 unchanged, 1 replaced by one character, 2 deleted, 3 replaced by several (``expansions``).
    """
    kinds = np.zeros(0x10000, dtype=np.uint8)
    one_to_one = np.arange(0x10000, dtype=np.uint16)
    expansions: dict[int, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        out = " " if ch.isspace() else normalize(ch)
        if out == ch:
            continue
        if len(out) == 1:
            kinds[cp], one_to_one[cp] = _REPLACE, ord(out)
        elif not out:
            kinds[cp] = _DELETE
        else:
            kinds[cp], expansions[cp] = _EXPAND, out
    common = tuple((a, b) for a, b in _COMMON_CANDIDATES.items() if kinds[ord(a)] == _REPLACE and one_to_one[ord(a)] == ord(b))
    for a, _ in common:
        kinds[ord(a)] = 0
    # MatchText.of inserts the tail of an expansion after collapsing spaces: it must not touch spaces.
    assert all(not out[0].isspace() and not out[-1].isspace() and "  " not in out for out in expansions.values())
    return common, kinds, one_to_one, expansions


@lru_cache(maxsize=1)
def _rare_mask() -> np.ndarray:
    """True for the BMP code points that still change after the common replacements."""
    return _match_tables()[1] != 0


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
_PREFIX_LAST = frozenset(p[-1] for p in _PREFIXES if p)
_SUFFIX_FIRST = frozenset(e[0] for e in ENCLITICS) | {"ا"}


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


# --------------------------------------------------------------------------- matches


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
    """An entry as the matcher sees it (``aux`` items are context/exclude phrases)."""

    entry: Entry | None
    lexicon: int
    order: int
    context: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()


#: Joins the texts of a batch: not a letter, not white space, kept by normalisation, in no key.
_SEPARATOR = "\x01"
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on


class _Batch:
    """Several texts normalised and scanned as one string (the per-call overhead is paid once).
    Sentences, which only context checks need, are split lazily, one line at a time."""

    __slots__ = ("mt", "bounds", "norm_bounds", "_sentences")

    def __init__(self, texts: Sequence[str]):
        joined = _SEPARATOR.join(texts)
        self.mt = MatchText.of(joined)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        self.bounds = np.concatenate(([0], np.cumsum(lengths)))  # original start of each text (+ end)
        self.norm_bounds = np.searchsorted(self.mt.starts, self.bounds)  # normalised start of each text (+ end)
        self._sentences: dict[int, list[tuple[int, int]]] = {}

    def line_of(self, x: int, doc: int) -> tuple[int, int]:
        """Original [start, end) of the line (as str.splitlines cuts) holding offset ``x`` of text ``doc``."""
        text = self.mt.original
        d_lo, d_hi = int(self.bounds[doc]), int(self.bounds[doc + 1]) - 1
        start, end = text.rfind("\n", d_lo, x) + 1 or d_lo, text.find("\n", x, d_hi)
        start, end = max(start, d_lo), (d_hi if end < 0 else end)
        for m in _OTHER_LINE_BREAK.finditer(text, start, end):  # rare: \r, \u2028 ...
            if m.start() < x:
                start = m.end()
            else:
                end = m.start()
                break
        return start, end

    def same_sentence(self, x: int, y: int, doc: int) -> bool:
        """Whether original offsets ``x`` and ``y`` (starts of words in text ``doc``) lie in the same
        sentence of :func:`rhetoric.text.split_sentences`.

        Every sentence border follows a terminator or a line break, so with none between them the
        answer is yes. Otherwise only the line holding ``x`` is split (sentences never cross a line
        break, so this gives the same sentences as splitting the document), once per line.
        """
        text = self.mt.original
        lo, hi = min(x, y), max(x, y)
        if _BREAK.search(text, lo, hi) is None:
            return True
        start, end = self.line_of(x, doc)
        if not start <= y < end:
            return False
        if start not in self._sentences:
            self._sentences[start] = [(start + a, start + b) for a, b in split_sentences(text[start:end])]
        return any(a <= x < b and a <= y < b for a, b in self._sentences[start])


_FIRST = operator.itemgetter(0)
_BREAK = re.compile("[.!?\u061f\u2026" + _LINE_BREAKS + "]")  # every sentence border follows one
_OTHER_LINE_BREAK = re.compile("[" + _LINE_BREAKS.replace("\n", "") + "]")


class _Phrases:
    """Context/exclude phrase hits of a batch. Hits of keys that only phrases use are checked on
    demand, one text at a time: most texts never need them."""

    __slots__ = ("matcher", "mt", "bounds", "eager", "lazy_ends", "lazy_keys", "_docs")

    def __init__(self, matcher: "Matcher", mt: MatchText, bounds: list[int], eager: list, lazy_ends: np.ndarray,
                 lazy_keys: np.ndarray):
        self.matcher, self.mt, self.bounds = matcher, mt, bounds  # bounds: normalised start of each text
        self.eager = sorted(eager)
        self.lazy_ends, self.lazy_keys = lazy_ends, lazy_keys  # in increasing end order
        self._docs: dict[int, tuple[list[int], list[tuple[int, int, int]]]] = {}

    def between(self, doc: int, lo: int, hi: int) -> list[tuple[int, int, int]]:
        """Phrase hits ``(ws, we, phrase)`` of text ``doc`` starting in the normalised window [lo, hi)."""
        if doc not in self._docs:
            d_lo, d_hi = self.bounds[doc], self.bounds[doc + 1]
            starts = [h[0] for h in self.eager]
            hits = self.eager[bisect.bisect_left(starts, d_lo) : bisect.bisect_left(starts, d_hi)]
            a, b = np.searchsorted(self.lazy_ends, [d_lo, d_hi]).tolist()
            if b > a:
                self.matcher._verify(self.mt, self.lazy_ends[a:b], self.lazy_keys[a:b], [], hits)
                hits.sort()
            self._docs[doc] = ([h[0] for h in hits], hits)
        starts, hits = self._docs[doc]
        return hits[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]


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
                ctx = tuple(aux_index.setdefault(normalize(p), len(aux_index)) for p in entry.requires_context)
                exc = tuple(aux_index.setdefault(normalize(p), len(aux_index)) for p in entry.exclude)
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
        ranks = [(it.lexicon << 80) + it.order for it in self._items]  # lexicon first, entry order last
        self.automaton, self._key_len_list, self._key_rules = _build_automaton(
            self.keys, lambda f: None if f.phrase else ranks[f.item])
        self._key_len = np.array(self._key_len_list, dtype=np.int64)
        self._phrase_only = np.array([all(f.phrase for f in forms) for forms in self.keys.values()], dtype=bool)
        self._reach = max(map(len, aux_index), default=0) + _MAX_PREFIX + _MAX_SUFFIX  # longest phrase hit

    def __repr__(self) -> str:
        names = ", ".join(f"{lx.name}@{lx.version_hash}" for lx in self.lexicons)
        return f"Matcher([{names}], {len(self._items)} entries, {len(self.keys)} keys)"

    @property
    def entries(self) -> list[tuple[Lexicon, Entry]]:
        return [(self.lexicons[it.lexicon], it.entry) for it in self._items]

    # ------------------------------------------------------------------ scanning

    def _candidates(self, mt: MatchText, bounds: list[int]) -> tuple[list[tuple], "_Phrases"]:
        """Valid entry hits in normalised coordinates ``(rank, ws, we, key_start, form, proclitics,
        suffix_len)`` — ``rank`` is an int that sorts them for leftmost-longest resolution — and the
        context/exclude phrase hits (:class:`_Phrases`, checked only where a conditioned hit asks).

        Most automaton hits lie inside longer words: the letters around them, checked in numpy for
        all hits at once, reject those before any Python-level work.
        """
        s = mt.text
        n = len(s)
        if not self.keys or not s:
            return [], _Phrases(self, mt, bounds, [], np.zeros(0, np.int64), np.zeros(0, np.int64))
        flat = np.fromiter(itertools.chain.from_iterable(self.automaton.iter(s)), dtype=np.int64)
        ends, keys = flat[0::2], flat[1::2]
        codes = np.frombuffer(s.encode("utf-16-le"), dtype=np.uint16)
        if len(codes) == n and len(ends):  # (astral characters: every hit goes to the check below)
            ks = ends - self._key_len[keys] + 1
            before = codes[np.maximum(ks - 1, 0)]
            after = codes[np.minimum(ends + 1, n - 1)]
            word, first, last = _letter_tables()
            keep = ((ks == 0) | ~word[before] | last[before]) & ((ends + 1 >= n) | ~word[after] | first[after])
            ends, keys = ends[keep], keys[keep]
        lazy = self._phrase_only[keys]  # keys of context/exclude phrases only: checked on demand
        out: list[tuple] = []
        eager: list[tuple[int, int, int]] = []
        self._verify(mt, ends[~lazy], keys[~lazy], out, eager)
        return out, _Phrases(self, mt, bounds, eager, ends[lazy], keys[lazy])

    def _verify(self, mt: MatchText, ends: np.ndarray, keys: np.ndarray, out: list, phrases: list) -> None:
        """Check the clitics around automaton hits ``(ends, keys)``: entry hits go to ``out``,
        phrase hits ``(ws, we, phrase)`` to ``phrases``."""
        s, original, starts = mt.text, mt.original, mt.starts
        n = len(s)
        key_len, key_rules = self._key_len_list, self._key_rules
        for end_idx, k in zip(ends.tolist(), keys.tolist()):
            klen, rules = key_len[k], key_rules[k]
            ks = end_idx - klen + 1
            ke = end_idx + 1
            if ks and s[ks - 1].isalnum():
                if s[ks - 1] not in _PREFIX_LAST:
                    continue
                ws = ks - 1
                while ws and s[ws - 1].isalnum():
                    ws -= 1
                    if ks - ws > _MAX_PREFIX:
                        break
                prefix = s[ws:ks]
            else:
                ws, prefix = ks, ""
            if ke < n and s[ke].isalnum():
                if s[ke] not in _SUFFIX_FIRST:
                    continue
                we = ke + 1
                while we < n and s[we].isalnum():
                    we += 1
                    if we - ke > _MAX_SUFFIX:
                        break
                suffix = s[ke:we]
            else:
                we, suffix = ke, ""
            for form, prefixes, suffixes, needs_suffix, rank in rules:
                found = prefixes.get(prefix)
                if found is None:
                    continue
                reading, definite = found
                if suffix:
                    if definite or suffix not in suffixes:
                        continue
                    if suffix[0] == "ه" and original[starts.item(ke)] == "ة":
                        continue  # taa marbuta, not the pronoun: مقدسة is not مقدس + ه
                elif needs_suffix:
                    continue
                if rank is None:
                    phrases.append((ws, we, form.item))
                else:  # lexicon, then start, then longest first, then entry order
                    out.append((rank + ((ws << 12 | (4095 - min(we - ws, 4095))) << 20), ws, we, ks, form, reading,
                                len(suffix)))

    def _conditions_hold(self, item: _Item, doc: int, ws: int, we: int, batch: _Batch, phrases: "_Phrases") -> bool:
        """``exclude``: no exclude phrase overlaps the hit; ``requires_context``: a context phrase occurs
        in the hit's sentence (which lies within its line)."""
        if item.exclude:
            if any(b > ws and p in item.exclude for a, b, p in phrases.between(doc, ws - self._reach, we)):
                return False
        if not item.context:
            return True
        starts = batch.mt.starts
        x = starts.item(ws)
        l_lo, l_hi = batch.line_of(x, doc)
        n_lo, n_hi = np.searchsorted(starts, [l_lo, l_hi]).tolist()
        present = [a for a, _, p in phrases.between(doc, n_lo, n_hi) if p in item.context]
        # Sentences are intervals: only the nearest context phrase on each side can share the hit's.
        i = bisect.bisect_left(present, ws)
        return any(batch.same_sentence(x, starts.item(a), doc) for a in present[max(0, i - 1) : i + 1])

    def match(self, text: str) -> list[Match]:
        """All hits in ``text``, ordered by start (then end)."""
        return self.match_many([text])[0] if text else []

    def match_many(self, texts: Sequence[str]) -> list[list[Match]]:
        """:meth:`match` for several texts at once (faster: they are normalised and scanned together)."""
        texts = list(texts)
        if not texts:
            return []
        if any(_SEPARATOR in t for t in texts):
            texts = [t.replace(_SEPARATOR, " ") for t in texts]  # same length, so offsets hold
        batch = _Batch(texts)
        results: list[list[Match]] = [[] for _ in texts]
        norm_bounds = batch.norm_bounds.tolist()
        found, phrases = self._candidates(batch.mt, norm_bounds)
        if not found:
            return results
        items = self._items
        found.sort(key=_FIRST)  # leftmost-longest per lexicon, in one pass over the batch: hits never cross the
        # separator between texts, so they never overlap across texts either
        taken_until: dict[int, int] = {}
        for _, ws, we, ks, form, procs, suffix_len in found:
            item = items[form.item]
            if ws < taken_until.get(item.lexicon, -1):
                continue
            doc = bisect.bisect_right(norm_bounds, ws) - 1
            if (item.context or item.exclude) and not self._conditions_hold(item, doc, ws, we, batch, phrases):
                continue
            taken_until[item.lexicon] = we
            offset = int(batch.bounds[doc])
            results[doc].append(self._make_match(batch.mt, item, ws, we, ks, form, procs, suffix_len, offset))
        for matches in results:
            matches.sort(key=lambda m: (m.start, m.end))
        return results

    def _make_match(self, mt: MatchText, item: _Item, ws: int, we: int, ks: int, form: KeyForm,
                    procs: tuple[str, ...], suffix_len: int, offset: int) -> Match:
        start, end = mt.span(ws, we)
        entry, lexicon = item.entry, self.lexicons[item.lexicon]
        stem, enclitic = form.stem, form.enclitic
        first_end = ks + len(stem) + len(enclitic)
        if " " not in mt.text[ks:we]:  # single word: what follows the key is the enclitic (or tanween)
            first_end = we
            tail = mt.text[we - suffix_len : we] if suffix_len else ""
            if tail == _TANWEEN_ALEF:
                stem += tail
            elif tail:
                enclitic = tail
        f_end = end if first_end == we else mt.span(ws, first_end)[1]
        clitics = _breakdown(mt.original[start:f_end], procs, stem, enclitic)
        return Match(start - offset, end - offset, mt.original[start:end], entry.id, entry.term, entry.category,
                     entry.weight, lexicon.name, lexicon.version_hash, clitics, entry.stance)

    def iter_document_matches(self, documents: pd.DataFrame, fields: Sequence[str] = ("title", "text"),
                              progress: bool | None = None, batch_chars: int = 1_000_000):
        """Yield ``(row_position, field, matches)`` for every non-empty field, in document order.

        Documents are matched in batches of about ``batch_chars`` characters. ``progress``: a tqdm bar
        over documents (default: only when stderr is a terminal).
        """
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
                for (p, field, _), found in zip(pending, self.match_many([t for _, _, t in pending])):
                    yield p, field, found
                bar.update(pos + 1 - bar.n)
                pending, size = [], 0
        bar.close()

    def match_documents(self, documents: pd.DataFrame, fields: Sequence[str] = ("title", "text"),
                        progress: bool | None = None) -> pd.DataFrame:
        """A ``matches`` table (see :mod:`rhetoric.tables`) for a documents table.

        ``field`` says which string (``title`` or ``text``) the offsets index. ``span_id`` and ``voice``
        are left NA: the analysis stage fills them by joining with the spans. ``stance`` (reporting
        lexicons; None otherwise) is an extra column.
        """
        doc_ids = documents["doc_id"].tolist() if "doc_id" in documents.columns else None
        rows = []
        for pos, field, found in self.iter_document_matches(documents, fields, progress):
            for m in found:
                rows.append((doc_ids[pos], field, None, None, m.start, m.end, m.surface, m.entry_id, m.term,
                             m.lexicon, m.lexicon_version, m.category, m.weight, m.clitics, m.stance))
        frame = pd.DataFrame(rows, columns=columns("matches") + ["stance"])
        frame = frame.astype({"start": "int64", "end": "int64", "weight": "float64", "span_id": "Int64"})
        return frame


def _no_progress(progress: bool | None) -> bool:
    import sys

    return not sys.stderr.isatty() if progress is None else not progress


@lru_cache(maxsize=100_000)
def _breakdown(surface: str, procs: tuple[str, ...], stem: str, enclitic: str) -> str:
    return clitic_breakdown(surface, CliticAnalysis(procs, stem, enclitic))


def _build_automaton(keys: dict[str, tuple[KeyForm, ...]], rank) -> tuple:
    """One automaton over all keys -> (automaton, key lengths, rules per key); the automaton's value
    for a key is the key's index. The rules of a key hold, per form, the proclitic sequences it
    accepts (written -> reading), the suffixes it accepts, whether it needs one, and ``rank(form)``:
    the sort rank of the form's hits (lexicon and entry order), None for context/exclude phrases."""
    automaton = ahocorasick.Automaton()
    lengths, all_rules = [], []
    for index, (key, forms) in enumerate(keys.items()):
        automaton.add_word(key, index)
        lengths.append(len(key))
        all_rules.append(tuple((f, _accepted_prefixes(f), _accepted_suffixes(f), f.suffix == 2, rank(f)) for f in forms))
    if len(automaton):
        automaton.make_automaton()
    return automaton, lengths, all_rules


@lru_cache(maxsize=1)
def _letter_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per BMP code point: is it a word character (str.isalnum), can it start an enclitic (or be the
    tanween alef), can it end a proclitic sequence."""
    word = np.array([chr(cp).isalnum() for cp in range(0x10000)], dtype=bool)
    first, last = np.zeros(0x10000, dtype=bool), np.zeros(0x10000, dtype=bool)
    first[[ord(c) for c in _SUFFIX_FIRST]] = True
    last[[ord(c) for c in _PREFIX_LAST]] = True
    return word, first, last


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
