"""Clitic-aware lexicon matching on normalised Arabic text, reported at ORIGINAL offsets.

How it works (and why it is fast): every entry form is turned into a few *keys* — its normalised
words with the article taken off the first word (``الإمبريالية`` -> ``امبرياليه``), plus the
indefinite, possessive and taa-marbuta (``قضيت``) forms where they apply. One pyahocorasick automaton
holds all keys of all lexicons. A document is normalised once (:class:`MatchText`), scanned once,
and only the automaton's hits are checked: the letters in front of the key must be a valid
proclitic sequence (و ف ب ك ل س ال and their combinations, ل + ال written لل) and the letters after
it nothing or a valid enclitic (ه ها هم هما هن ك كم كن نا ني; tanween alef ا). The word boundaries
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

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import ahocorasick
import numpy as np
import pandas as pd

from .errors import LexiconError
from .lexicon import Entry, Lexicon, LexiconIssue, load_lexicons
from .tables import columns
from .text import ENCLITICS, CliticAnalysis, NormalizedText, clitic_breakdown, normalize, split_sentences

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

    Built by :meth:`of` with a fast path: the frequent one-to-one replacements (أ إ آ -> ا, ى -> ي,
    ة -> ه, newline -> space) are ``str.replace`` calls, and the rare characters (diacritics,
    tatweel, bidi marks, presentation forms, other spaces) are found with one regex and rebuilt
    sparsely; the offset array is only computed from changes. ``starts`` maps back to the original
    just like :class:`~rhetoric.text.NormalizedText`.
    """

    __slots__ = ()

    @classmethod
    def of(cls, text: str) -> "MatchText":
        common, rare_re, table = _match_tables()
        s = text
        for a, b in common:
            s = s.replace(a, b)
        n = len(text)
        pieces: list[str] = []
        changed: list[tuple[int, str]] = []
        last = 0
        for m in rare_re.finditer(s):
            a, b = m.span()
            pieces.append(s[last:a])
            out = m.group().translate(table)
            pieces.append(out)
            if len(out) != b - a:
                changed.append((a, m.group()))
            last = b
        if last:
            pieces.append(s[last:])
            s = "".join(pieces)
        if changed:
            lengths = np.ones(n, dtype=np.int64)
            for a, run in changed:
                lengths[a : a + len(run)] = [len(table.get(ord(c), c)) for c in run]
            starts = np.append(np.repeat(np.arange(n, dtype=np.int64), lengths), n)
        else:
            starts = None
        if "  " in s:
            keep = np.ones(len(s) + 1, dtype=bool)
            for m in _SPACE_RUN.finditer(s):
                keep[m.start() + 1 : m.end()] = False
            if starts is None:
                starts = np.arange(n + 1, dtype=np.int64)
            starts = starts[keep]
            s = _SPACE_RUN.sub(" ", s)
        if starts is None:
            starts = np.arange(n + 1, dtype=np.int64)
        return cls(text, s, starts)


_SPACE_RUN = re.compile(" {2,}")
#: Frequent one-to-one replacements done with str.replace (checked against the text layer's table).
_COMMON_CANDIDATES = {"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "\n": " "}


@lru_cache(maxsize=1)
def _match_tables() -> tuple[tuple[tuple[str, str], ...], re.Pattern, dict[int, str]]:
    """(common replacements, regex of the other changing characters, their translate table).

    Derived from :func:`rhetoric.text.normalize` itself (the source of truth), plus white space -> " ".
    """
    table: dict[int, str] = {}
    for cp in range(0x10000):
        ch = chr(cp)
        out = normalize(ch)
        if out.isspace() or (not out and ch.isspace()):
            out = " "
        if ch.isspace() and ch != " ":
            out = " "
        if out != ch:
            table[cp] = out
    common = tuple((a, b) for a, b in _COMMON_CANDIDATES.items() if table.get(ord(a)) == b)
    rare = "".join(chr(cp) for cp in sorted(table) if chr(cp) not in dict(common) and not 0xD800 <= cp < 0xE000)
    rare_re = re.compile("[" + re.escape(rare) + "]+")
    return common, rare_re, table


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


def entry_keys(term: str, allow_possessive: bool = False, item: int = 0) -> list[tuple[str, KeyForm]]:
    """The automaton keys of one written form, with their :class:`KeyForm` (empty when it can never match)."""
    words = normalize(term).split()
    if not words or not any(ch.isalnum() for ch in "".join(words)):
        return []
    w1, rest = words[0], words[1:]
    definite = w1.startswith(ARTICLE) and len(w1) - 2 >= _MIN_ARTICLE_STEM
    stem1 = w1[2:] if definite else w1
    if len(stem1) < 2 and not rest:
        return []
    common = dict(verb=stem1[0] in _IMPERFECT, lam_initial=stem1[0] == "ل")
    keys: list[tuple[str, KeyForm]] = []
    if not rest:
        keys.append((stem1, KeyForm(item, -1, 1, stem1, tanween=stem1[-1] not in _NO_TANWEEN_AFTER, **common)))
        if stem1.endswith("ه") and len(stem1) >= 3:
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
        base = stem1[:-1] + "ت" if stem1.endswith("ه") else stem1
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


def _prefix_ok(procs: tuple[str, ...], form: KeyForm) -> tuple[bool, tuple[str, ...]]:
    """Whether ``procs`` may stand before ``form``; returns the reading to show (ل may be ل + ال)."""
    has_article = ARTICLE in procs
    if form.article == 1 and not has_article:
        if form.lam_initial and procs and procs[-1] == "ل":  # لليبرالية: ل + ال + ليبرالية
            return True, procs + (ARTICLE,)
        return False, procs
    if form.article == 0 and has_article:
        return False, procs
    if "س" in procs and not form.verb:
        return False, procs
    return True, procs


# --------------------------------------------------------------------------- matches


@dataclass(frozen=True)
class Match:
    """One lexicon hit. ``start``/``end`` index the ORIGINAL text; ``surface == text[start:end]`` is the
    whole written word(s), clitics included; ``clitics`` breaks the first word down (و+ب+ال+إمبريالية)."""

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


class _Doc:
    """Per-document work, computed at most once: normalised text, sentences, context/exclude hits."""

    __slots__ = ("mt", "_sentences", "_aux")

    def __init__(self, text: str):
        self.mt = MatchText.of(text)
        self._sentences = None
        self._aux = None

    def sentence_of(self, norm_pos: int) -> tuple[int, int]:
        """Normalised [start, end) of the sentence holding normalised position ``norm_pos``."""
        if self._sentences is None:
            starts = self.mt.starts
            spans = split_sentences(self.mt.original)
            self._sentences = [(int(np.searchsorted(starts, a)), int(np.searchsorted(starts, b))) for a, b in spans]
        for a, b in self._sentences:
            if a <= norm_pos < b:
                return a, b
        return 0, len(self.mt.text)


class Matcher:
    """Match one or more lexicons against texts.

    >>> m = Matcher(load_lexicons())            # doctest: +SKIP
    >>> m.match("تعهد بدعمه الكامل للنضال المقدس")  # doctest: +SKIP
    [Match(start=18, end=31, surface='للنضال المقدس', entry_id='smf.sacral.holy_struggle', ...)]

    ``lexicons`` may be :class:`~rhetoric.lexicon.Lexicon` objects or paths. Each lexicon is matched
    as its own dictionary: overlaps are resolved leftmost-longest within a lexicon, never across.
    """

    def __init__(self, lexicons: Iterable[Lexicon | str] | Lexicon | None = None):
        if lexicons is None:
            lexicons = load_lexicons()
        elif isinstance(lexicons, Lexicon):
            lexicons = [lexicons]
        self.lexicons: list[Lexicon] = [
            lx if isinstance(lx, Lexicon) else Lexicon.from_path(lx) for lx in lexicons
        ]
        if not self.lexicons:
            raise LexiconError("the matcher needs at least one lexicon")
        self._items: list[_Item] = []
        self._aux_phrases: list[str] = []
        aux_index: dict[str, int] = {}
        keys: dict[str, list[KeyForm]] = {}
        for li, lexicon in enumerate(self.lexicons):
            for order, entry in enumerate(lexicon.entries):
                ctx = tuple(aux_index.setdefault(normalize(p), len(aux_index)) for p in entry.requires_context)
                exc = tuple(aux_index.setdefault(normalize(p), len(aux_index)) for p in entry.exclude)
                item = len(self._items)
                self._items.append(_Item(entry, li, order, ctx, exc))
                seen = set()
                for form in entry.forms:
                    for key, kf in entry_keys(form, entry.allow_possessive, item):
                        if (key, kf) not in seen:
                            seen.add((key, kf))
                            keys.setdefault(key, []).append(kf)
        self.keys = {k: tuple(v) for k, v in keys.items()}
        self.automaton = _build_automaton(self.keys)
        self._aux_phrases = sorted(aux_index, key=aux_index.get)
        aux_keys: dict[str, list[KeyForm]] = {}
        for phrase, idx in aux_index.items():
            for key, kf in entry_keys(phrase, False, idx):
                aux_keys.setdefault(key, []).append(kf)
        self._aux_automaton = _build_automaton({k: tuple(v) for k, v in aux_keys.items()}) if aux_keys else None

    def __repr__(self) -> str:
        names = ", ".join(f"{lx.name}@{lx.version_hash}" for lx in self.lexicons)
        return f"Matcher([{names}], {len(self._items)} entries, {len(self.keys)} keys)"

    @property
    def entries(self) -> list[tuple[Lexicon, Entry]]:
        return [(self.lexicons[it.lexicon], it.entry) for it in self._items]

    # ------------------------------------------------------------------ scanning

    def _candidates(self, automaton, mt: MatchText) -> list[tuple[int, int, int, KeyForm, tuple[str, ...], int]]:
        """Valid hits ``(ws, we, key_start, form, proclitics, suffix_len)`` in normalised coordinates."""
        s = mt.text
        n = len(s)
        out = []
        for end_idx, (klen, forms) in automaton.iter(s):
            ks = end_idx - klen + 1
            ke = end_idx + 1
            ws = ks
            while ws > 0 and s[ws - 1].isalnum():
                ws -= 1
                if ks - ws > _MAX_PREFIX:
                    break
            procs = _PREFIXES.get(s[ws:ks])
            if procs is None:
                continue
            we = ke
            while we < n and s[we].isalnum():
                we += 1
                if we - ke > _MAX_SUFFIX:
                    break
            suffix = s[ke:we]
            for form in forms:
                ok, reading = _prefix_ok(procs, form)
                if not ok:
                    continue
                if suffix:
                    if form.suffix == 0 or ARTICLE in reading:
                        continue
                    if suffix == _TANWEEN_ALEF:
                        if not form.tanween or form.suffix == 2:
                            continue
                    elif suffix not in WORD_ENCLITICS:
                        continue
                    elif suffix[0] == "ه" and mt.original[mt.starts[ke]] == "ة":
                        continue  # taa marbuta, not the pronoun: مقدسة is not مقدس + ه
                elif form.suffix == 2:
                    continue
                out.append((ws, we, ks, form, reading, len(suffix)))
        return out

    def _aux_hits(self, doc: _Doc) -> list[tuple[int, int, int]]:
        if doc._aux is None:
            doc._aux = [(ws, we, form.item) for ws, we, _, form, _, _ in self._candidates(self._aux_automaton, doc.mt)]
        return doc._aux

    def _conditions_hold(self, item: _Item, ws: int, we: int, doc: _Doc) -> bool:
        if item.exclude:
            wanted = set(item.exclude)
            if any(p in wanted and a < we and ws < b for a, b, p in self._aux_hits(doc)):
                return False
        if item.context:
            lo, hi = doc.sentence_of(ws)
            wanted = set(item.context)
            if not any(p in wanted and lo <= a and b <= hi for a, b, p in self._aux_hits(doc)):
                return False
        return True

    def match(self, text: str) -> list[Match]:
        """All hits in ``text``, ordered by start (then lexicon order)."""
        if not text:
            return []
        doc = _Doc(text)
        cands = self._candidates(self.automaton, doc.mt)
        if not cands:
            return []
        items = self._items
        ranked = sorted(
            ((items[c[3].item].lexicon, c[0], -(c[1] - c[0]), items[c[3].item].order, c) for c in cands),
            key=lambda r: r[:4],
        )
        matches: list[Match] = []
        taken_until: dict[int, int] = {}
        for lex, ws, _, _, (_, we, ks, form, procs, suffix_len) in ranked:
            if ws < taken_until.get(lex, -1):
                continue
            item = items[form.item]
            if (item.context or item.exclude) and not self._conditions_hold(item, ws, we, doc):
                continue
            taken_until[lex] = we
            matches.append(self._make_match(doc.mt, item, ws, we, ks, form, procs, suffix_len))
        matches.sort(key=lambda m: (m.start, m.end))
        return matches

    def _make_match(self, mt: MatchText, item: _Item, ws: int, we: int, ks: int, form: KeyForm,
                    procs: tuple[str, ...], suffix_len: int) -> Match:
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
        f_start, f_end = mt.span(ws, first_end)
        clitics = _breakdown(mt.original[f_start:f_end], CliticAnalysis(procs, stem, enclitic))
        return Match(start, end, mt.original[start:end], entry.id, entry.term, entry.category, entry.weight,
                     lexicon.name, lexicon.version_hash, clitics, entry.stance)

    def match_documents(self, documents: pd.DataFrame, fields: Sequence[str] = ("title", "text"),
                        progress: bool | None = None) -> pd.DataFrame:
        """A ``matches`` table (see :mod:`rhetoric.tables`) for a documents table.

        ``span_id`` and ``voice`` are left NA: the analysis stage fills them by joining with the spans.
        ``stance`` (reporting lexicons) is an extra column. ``progress``: a tqdm bar (default: on a TTY).
        """
        from tqdm.auto import tqdm

        for column in ("doc_id", *fields):
            if column not in documents.columns and not (column == "title"):
                raise LexiconError(f"documents table has no {column!r} column")
        rows = []
        use_fields = [f for f in fields if f in documents.columns]
        records = documents[["doc_id", *use_fields]].itertuples(index=False, name=None)
        for record in tqdm(records, total=len(documents), desc="matching", unit="doc", disable=_no_progress(progress)):
            doc_id = record[0]
            for field, text in zip(use_fields, record[1:]):
                if not isinstance(text, str) or not text:
                    continue
                for m in self.match(text):
                    rows.append((doc_id, field, None, None, m.start, m.end, m.surface, m.entry_id, m.term,
                                 m.lexicon, m.lexicon_version, m.category, m.weight, m.clitics, m.stance))
        frame = pd.DataFrame(rows, columns=columns("matches") + ["stance"])
        for column in ("start", "end"):
            frame[column] = frame[column].astype("int64")
        frame["weight"] = frame["weight"].astype("float64")
        frame["span_id"] = frame["span_id"].astype("Int64")
        return frame


def _no_progress(progress: bool | None) -> bool:
    import sys

    return not sys.stderr.isatty() if progress is None else not progress


@lru_cache(maxsize=100_000)
def _breakdown(surface: str, analysis: CliticAnalysis) -> str:
    return clitic_breakdown(surface, analysis)


def _build_automaton(keys: dict[str, tuple[KeyForm, ...]]):
    automaton = ahocorasick.Automaton()
    for key, forms in keys.items():
        automaton.add_word(key, (len(key), forms))
    if len(automaton):
        automaton.make_automaton()
    return automaton


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
