"""Who is speaking: attribution cues, speaker mentions, the speaker registry and cue stance.

Arabic news attributes quotations with a small set of constructions, which this module handles by
rule (no model, so every decision can be read and fixed):

- verb-subject order, the most common: ``وقال كيم للرئيس الروسي ... إن "..."``;
- subject-verb order, mostly in headlines: ``كوريا الجنوبية تعرب عن "..."``;
- a cue after the quote: ``"..."، قال فلان`` / ``"..."، حسبما ذكرت وكالة ...``;
- source prepositions: ``بحسب`` / ``وفقا لـ`` / ``نقلا عن`` / ``على لسان`` + source;
- colon introductions and headline lines: ``فلان: «...»``;
- pronoun or verb-only cues (``وأضاف أن``، ``مضيفا``، ``حيث كتب:``): the speaker is the nearest
  preceding subject of a speech verb, else a registry speaker named nearby, else the last speaker.

The registry (``lexicons/speakers.yaml``) maps speaker mentions to stable ids and types; unknown
speakers keep their surface string and get a type from title words (وزير → government ...).
Cue stance (neutral / endorsing / distancing) comes from ``lexicons/reporting_signals.yaml`` when it
has verb entries, else from the built-in table below.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

import ahocorasick
import numpy as np
import yaml

from .errors import LexiconError
from .resources import lexicons_dir
from .text import BIDI_CONTROLS as _BIDI
from .text import NormalizedText, _tables, normalization_arrays, normalize, normalize_with_offsets

__all__ = [
    "SPEAKER_TYPES",
    "text_codes",
    "Registry",
    "RegistryEntry",
    "Mention",
    "Attribution",
    "Cue",
    "load_registry",
    "speaker_type_from_rules",
    "cue_lexicon",
    "DocumentContext",
]

SPEAKER_TYPES = (
    "state_media", "government", "military", "party", "opposition", "international_org",
    "independent_media", "expert", "citizen", "unknown",
)

#: A word of the original text: letters/digits with their diacritics and tatweel (so لـ is a word).
WORD_RE = re.compile(r"(?:[^\W_]|[\u064B-\u065F\u0670])+")


@lru_cache(maxsize=100_000)
def norm_word(word: str) -> str:
    """Normalised form of one word (cached: news text repeats its words)."""
    return normalize(word)


@lru_cache(maxsize=1)
def _word_char_table() -> np.ndarray:
    """For every code point, whether :data:`WORD_RE` takes it as a word character (built once with
    the regex itself, so the two cannot disagree)."""
    table = np.zeros(0x110000, dtype=bool)
    for m in WORD_RE.finditer("".join(map(chr, range(0x110000)))):
        table[m.start():m.end()] = True
    return table


@lru_cache(maxsize=1)
def _char_map() -> np.ndarray:
    """Per BMP code point, the character :func:`rhetoric.text.normalize` turns it into when it turns
    it into one (deleted and expanded characters are told by ``_tables()[1]``, their lengths)."""
    return np.ascontiguousarray(normalization_arrays()[0][:, 0])


def normalize_document(text: str) -> NormalizedText:
    """:func:`rhetoric.text.normalize_with_offsets` of a whole article with array operations (its
    ``str.translate`` was a tenth of the quote stage's cost); the same result, which it falls back
    on for the rare text with a character that normalises to several (ligatures) or outside the BMP."""
    try:
        padded = np.frombuffer(f" {text} ".encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return normalize_with_offsets(text)
    return _normalize_codes(text, padded)[0]


def _normalize_codes(text: str, padded: np.ndarray) -> tuple[NormalizedText, np.ndarray | None]:
    """:func:`normalize_document` of ``text`` from the code points of ``" " + text + " "``, and the
    code points of the normalised text (None when it fell back on ``normalize_with_offsets``)."""
    try:
        per_char = _tables()[1][padded]
    except IndexError:  # a code point outside the BMP
        return normalize_with_offsets(text), None
    if (per_char > 1).any():
        return normalize_with_offsets(text), None
    kept = per_char == 1  # (the padding spaces are kept)
    ncodes = _char_map()[padded[1:-1][kept[1:-1]]]
    norm = ncodes.tobytes().decode("utf-32-le")
    # offsets of the kept characters, then len(text) from the closing space
    return NormalizedText(text, norm, np.flatnonzero(kept[1:])), ncodes


def indexes_of(seq: list[str], value: str, rng: range) -> list[int]:
    """Indexes ``k`` in ``rng`` with ``seq[k] == value``, in order (list.index scans at C speed)."""
    found, k = [], rng.start
    while True:
        try:
            k = seq.index(value, k, rng.stop)
        except ValueError:
            return found
        found.append(k)
        k += 1


def split_words(text: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and strings of the :data:`WORD_RE` words of ``text``: the runs of word characters,
    found with array operations (a regex match object per word was a third of the quote stage's cost)."""
    try:
        codes = np.frombuffer(f" {text} ".encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: the regex handles it
        matches = list(WORD_RE.finditer(text))
        return [m.start() for m in matches], [m.end() for m in matches], [m.group() for m in matches]
    is_word = _word_char_table()[codes]
    starts, ends = _run_edges(is_word)
    # word characters are never white space, so blanking the rest and splitting gives the words
    words = np.where(is_word, codes, np.uint32(32)).astype(np.uint32).tobytes().decode("utf-32-le").split()
    return starts, ends, words


def _run_edges(padded: np.ndarray) -> tuple[list[int], list[int]]:
    """Starts and ends of the runs of True in ``padded[1:-1]`` (``padded`` has False at both ends):
    every change between neighbours is an edge, starts and ends alternating."""
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2].tolist(), edges[1::2].tolist()


@lru_cache(maxsize=1)
def _word_chars_never_blank() -> bool:
    """No word character normalises to white space (true of the current tables, checked once), so
    an article's normalised words can be cut out of its normalised text at white space."""
    one_to_one = _word_char_table()[:0x10000] & (_tables()[1] == 1)
    return not any(chr(code).isspace() for code in _char_map()[one_to_one].tolist())


def normalized_words(norm: NormalizedText, starts: list[int], ends: list[int]) -> list[str]:
    """:func:`norm_word` of every word ``norm.original[starts[k]:ends[k]]``, sliced out of the
    document's normalised text (normalisation maps characters one by one, so a word's normal form is
    the stretch of normalised characters that come from it)."""
    lo = np.searchsorted(norm.starts, starts).tolist()
    hi = np.searchsorted(norm.starts, ends).tolist()
    ntext = norm.text
    return [ntext[a:b] for a, b in zip(lo, hi)]


def text_codes(text: str) -> np.ndarray | None:
    """Code points of ``" " + text + " "`` (the spaces let runs end inside), None when ``text`` holds
    a lone surrogate."""
    try:
        return np.frombuffer(f" {text} ".encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None


def document_words(text: str, padded: np.ndarray | None = None
                   ) -> tuple[list[int], list[int], list[str], NormalizedText]:
    """Starts and ends of the words of an article (:func:`split_words`), the :func:`norm_word` form
    of each, and the article normalised with offsets (:func:`normalize_document`), by array
    operations over the whole text (normalising word by word was a tenth of the quote stage's cost).
    ``padded`` is :func:`text_codes` of ``text`` when the caller has it."""
    if padded is None:
        padded = text_codes(text)
    if padded is None:  # a lone surrogate
        starts, ends, _ = split_words(text)
        normalized = normalize_with_offsets(text)
        return starts, ends, normalized_words(normalized, starts, ends), normalized
    is_word = _word_char_table()[padded]
    starts, ends = _run_edges(is_word)
    normalized, ncodes = _normalize_codes(text, padded)
    if ncodes is not None and _word_chars_never_blank():
        # the normalised characters that come from word characters, blanked elsewhere and split: the
        # words in order, unless a word normalised to nothing (diacritics alone: then slice)
        in_word = is_word[1:-1][normalized.starts[:-1]]
        norms = np.where(in_word, ncodes, np.uint32(32)).tobytes().decode("utf-32-le").split()
        if len(norms) == len(starts):
            return starts, ends, norms, normalized
    return starts, ends, normalized_words(normalized, starts, ends), normalized


# =========================================================================== registry


@dataclass(frozen=True)
class RegistryEntry:
    id: str
    type: str
    country: str
    name_en: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    """A registry alias found in a text: ``text[start:end]`` names ``speaker_id``."""

    start: int
    end: int
    speaker_id: str


#: Letters that may stand in front of a registry alias as proclitics (و ف ب ل ك and pairs of them).
_PROCLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"})


class Registry:
    """The speaker registry with a whole-word, clitic-aware alias matcher (Aho-Corasick, O(n))."""

    def __init__(self, entries: list[RegistryEntry], source: str = "<memory>"):
        self.entries = {e.id: e for e in entries}
        self.source = source
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, str] = {}
        for entry in entries:
            for alias in entry.aliases:
                norm = " ".join(normalize(alias).split())
                if not norm:
                    continue
                keys.setdefault(norm, entry.id)
                if norm.startswith("ال") and len(norm) > 3:
                    keys.setdefault("ل" + norm[1:], entry.id)  # ل + ال is written لل
        for key, sid in keys.items():
            self._automaton.add_word(key, (len(key), sid))
        self._alias_ids = keys
        if keys:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, speaker_id: str | None) -> RegistryEntry | None:
        return self.entries.get(speaker_id) if speaker_id else None

    def is_alias_form(self, norm: str) -> bool:
        """``norm`` (normalised, single-spaced) is one of the alias forms the matcher looks for."""
        return norm in self._alias_ids

    def find_mentions(self, text: str, normalized: NormalizedText | None = None) -> list[Mention]:
        """All registry mentions in ``text`` (original offsets), longest first, without overlap.
        ``normalized`` is ``text`` already normalised with offsets, when the caller has it."""
        if not self._alias_ids or not text:
            return []
        if normalized is not None:
            norm = normalized
        else:
            norm = normalize_document(text) if len(text) > 200 else normalize_with_offsets(text)
        ntext = norm.text
        found = []
        for end_idx, (length, sid) in self._automaton.iter(ntext):
            start = end_idx - length + 1
            end = end_idx + 1
            if end < len(ntext) and (ntext[end].isalnum()):
                continue
            j = start
            while j > 0 and ntext[j - 1].isalpha() and start - j < 3:
                j -= 1
            if j > 0 and ntext[j - 1].isalnum():
                continue
            if ntext[j:start] not in _PROCLITICS:
                continue
            found.append((start, end, sid))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken = bytearray(len(ntext))  # 1 at the characters of the mentions kept so far
        mentions = []
        for start, end, sid in found:
            if taken.find(1, start, end) >= 0:
                continue  # it overlaps a longer (or earlier) mention
            taken[start:end] = b"\x01" * (end - start)
            o_start, o_end = norm.span(start, end)
            if ntext[start] == "ل" and ntext[start:start + 2] == "لل":
                o_start += 1  # the mention starts at the article's lam, after the preposition
            mentions.append(Mention(o_start, o_end, sid))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def lookup(self, surface: str) -> str | None:
        """Registry id of the longest alias mentioned in ``surface`` (None when none is)."""
        mentions = self.find_mentions(surface)
        if not mentions:
            return None
        return max(mentions, key=lambda m: (m.end - m.start, -m.start)).speaker_id


#: libyaml's safe loader when PyYAML has it (the same documents, ~10x faster to parse than the pure-Python one).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_registry(path: Path) -> list[RegistryEntry]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError:
        raise LexiconError(f"{path}: speaker registry not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise LexiconError(f"{path}{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("speakers"), list):
        raise LexiconError(f"{path}: expected a mapping with a 'speakers:' list")
    entries, seen = [], set()
    for position, item in enumerate(data["speakers"]):
        where = f"{path}: speakers[{position}]"
        if not isinstance(item, dict) or not item.get("id"):
            raise LexiconError(f"{where}: each speaker needs an 'id'")
        sid = str(item["id"])
        if sid in seen:
            raise LexiconError(f"{where}: duplicate speaker id {sid!r}")
        seen.add(sid)
        stype = item.get("type", "unknown")
        if stype not in SPEAKER_TYPES:
            raise LexiconError(f"{where} ({sid}): type {stype!r} is not one of {', '.join(SPEAKER_TYPES)}")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) for a in aliases):
            raise LexiconError(f"{where} ({sid}): 'aliases' must be a list of strings")
        entries.append(RegistryEntry(sid, stype, str(item.get("country", "")), str(item.get("name_en", sid)),
                                     tuple(str(a) for a in aliases)))
    return entries


@lru_cache(maxsize=8)
def _load_registry_cached(path: str, mtime: float) -> Registry:
    return Registry(_read_registry(Path(path)), source=path)


def load_registry(path: str | Path | None = None) -> Registry:
    """The speaker registry (default ``lexicons/speakers.yaml``), cached until the file changes."""
    path = Path(path) if path else lexicons_dir() / "speakers.yaml"
    if not path.exists():
        raise LexiconError(f"{path}: speaker registry not found")
    return _load_registry_cached(str(path), path.stat().st_mtime)


# Title words that type an unknown speaker (checked in this order on the normalised mention).
_TYPE_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("state_media", ("وكاله الانباء الرسميه", "التلفزيون الرسمي", "التلفزيون الحكومي", "الاذاعه الرسميه",
                     "وكاله الانباء الحكوميه", "التلفزيون الوطني")),
    ("international_org", ("الامم المتحده", "الاممي", "الدولي للصليب", "منظمه الصحه", "الاتحاد الاوروبي",
                           "مفوضيه", "المفوضيه", "البنك الدولي", "صندوق النقد")),
    ("military", ("الجيش", "العميد", "اللواء", "العقيد", "المقدم", "الفريق", "المشير", "العسكري", "عسكري",
                  "القوات المسلحه", "قائد", "القائد", "رئيس الاركان", "الجنرال", "الرائد", "النقيب")),
    ("party", ("حزب", "الحزب", "جماعه", "الجماعه")),
    ("opposition", ("المعارضه", "معارض", "المعارض", "جبهه الانقاذ", "الثوار", "المتمردين", "المتمردون")),
    ("government", ("وزير", "الوزير", "وزاره", "الوزاره", "الرئيس", "رئيس الوزراء", "الحكومه", "حكومه",
                    "المتحدث باسم", "متحدث باسم", "الناطق باسم", "ناطق باسم", "محافظ", "المحافظ", "السفير",
                    "سفير", "رئاسه", "الرئاسه", "امير", "الامير", "الملك", "مجلس الوزراء", "البرلمان", "النائب",
                    "مجلس الشعب", "مجلس الشوري", "وكيل وزاره", "الشرطه", "مدير امن", "مساعد وزير", "الداخليه",
                    "الخارجيه", "السلطات", "مسؤول", "المسؤول", "مسؤولون", "المسؤولين", "البيت الابيض", "الدوله")),
    ("expert", ("خبير", "الخبير", "استاذ", "الاستاذ", "محلل", "المحلل", "باحث", "الباحث", "الدكتور", "د",
                "اكاديمي", "استشاري", "المستشار")),
    ("independent_media", ("صحيفه", "الصحيفه", "جريده", "الجريده", "قناه", "القناه", "موقع", "الموقع", "مجله",
                           "المجله", "وكاله", "الوكاله", "شبكه", "مراسل", "مراسلنا", "التلفزيون")),
    ("citizen", ("مواطن", "المواطن", "مواطنون", "المواطنين", "شاهد", "شهود", "احد السكان", "سكان", "الاهالي",
                 "اهالي", "متظاهر", "المتظاهرين", "المتظاهرون", "طالب", "طالبه", "سائق", "ام ", "والد", "والده")),
]


#: :data:`_TYPE_RULES` with each key stripped and padded with spaces once (whole-word tests).
_TYPE_KEYS = [(stype, tuple((f" {key.strip()} ", key.strip()) for key in keys)) for stype, keys in _TYPE_RULES]


@lru_cache(maxsize=20_000)
def speaker_type_from_rules(surface: str | None) -> str:
    """Type of an unregistered speaker from its title words (``unknown`` when none applies)."""
    if not surface:
        return "unknown"
    words = " " + " ".join(WORD_RE.findall(normalize(surface))) + " "
    for stype, keys in _TYPE_KEYS:
        for padded, key in keys:
            if padded in words or (" " in key and key in words):
                return stype
    return "unknown"


# =========================================================================== cues


@dataclass(frozen=True)
class CueEntry:
    """One cue form: ``role`` is verb (finite speech verb), participle (مضيفا: refers to the clause
    subject), source (بحسب X: X is the source) or report (نقل: X reports someone)."""

    lemma: str
    role: str
    stance: str


# lemma, stance, role, forms as usually written (hamza spellings are folded by normalisation).
_CUE_TABLE: list[tuple[str, str, str, str]] = [
    ("قال", "neutral", "verb", "قال قالت قالا قالوا يقول تقول يقولان يقولون نقول أقول قلت"),
    ("قال", "neutral", "participle", "قائلا قائلة قائلين قائلتا"),
    ("أضاف", "neutral", "verb", "أضاف أضافت أضافوا يضيف تضيف يضيفون"),
    ("أضاف", "neutral", "participle", "مضيفا مضيفة مضيفين مضيفتا"),
    ("تابع", "neutral", "verb", "تابع تابعت واستطرد استطرد استطردت أردف أردفت"),
    ("تابع", "neutral", "participle", "متابعا مستطردا مستطردة"),
    ("ذكر", "neutral", "verb", "ذكر ذكرت ذكروا"),
    ("ذكر", "neutral", "participle", "ذاكرا ذاكرة"),
    ("أعلن", "neutral", "verb", "أعلن أعلنت أعلنوا يعلن تعلن"),
    ("أعلن", "neutral", "participle", "معلنا معلنة"),
    ("أوضح", "endorsing", "verb", "أوضح أوضحت أوضحوا يوضح توضح"),
    ("أوضح", "endorsing", "participle", "موضحا موضحة"),
    ("أشار", "neutral", "verb", "أشار أشارت أشاروا يشير تشير"),
    ("أشار", "neutral", "participle", "مشيرا مشيرة مشيرين"),
    ("لفت", "neutral", "verb", "لفت لفتت يلفت تلفت نوه نوهت"),
    ("لفت", "neutral", "participle", "لافتا لافتة منوها منوهة"),
    ("كتب", "neutral", "verb", "كتب كتبت يكتب تكتب غرد غردت"),
    ("كتب", "neutral", "participle", "مكتوب مكتوبا مكتوبة"),
    ("قال", "neutral", "participle", "قوله قولها بقوله بقولها قولهم بقولهم"),
    ("سمى", "neutral", "verb", "سمى سمت سماه سمته أسماه أسمته"),
    ("صرح", "neutral", "verb", "صرح صرحت صرحوا يصرح تصرح"),
    ("صرح", "neutral", "participle", "مصرحا مصرحة"),
    ("أفاد", "neutral", "verb", "أفاد أفادت يفيد تفيد أبلغ أبلغت أخبر أخبرت"),
    ("أكد", "endorsing", "verb", "أكد أكدت أكدوا يؤكد تؤكد يؤكدون"),
    ("أكد", "endorsing", "participle", "مؤكدا مؤكدة مؤكدين"),
    ("شدد", "endorsing", "verb", "شدد شددت يشدد تشدد"),
    ("شدد", "endorsing", "participle", "مشددا مشددة"),
    ("كشف", "endorsing", "verb", "كشف كشفت يكشف تكشف"),
    ("كشف", "endorsing", "participle", "كاشفا كاشفة"),
    ("بين", "endorsing", "verb", "بينت يبين"),
    ("بين", "endorsing", "participle", "مبينا مبينة"),
    ("اعترف", "endorsing", "verb", "اعترف اعترفت يعترف تعترف"),
    ("اعترف", "endorsing", "participle", "معترفا معترفة"),
    ("تعهد", "neutral", "verb", "تعهد تعهدت يتعهد تتعهد تعهدوا"),
    ("أعرب", "neutral", "verb", "أعرب أعربت أعربوا يعرب تعرب يعربون"),
    ("أعرب", "neutral", "participle", "معربا معربة"),
    ("اعتبر", "neutral", "verb", "اعتبر اعتبرت اعتبروا يعتبر تعتبر رأى رأت يرى ترى"),
    ("اعتبر", "neutral", "participle", "معتبرا معتبرة"),
    ("وصف", "neutral", "verb", "وصف وصفت وصفوا يصف تصف"),
    ("وصف", "neutral", "participle", "واصفا واصفة بوصفه بوصفها بوصفهم"),
    ("نفى", "neutral", "verb", "نفى نفت نفوا ينفي تنفي"),
    ("نفى", "neutral", "participle", "نافيا نافية"),
    ("حذر", "neutral", "verb", "حذر حذرت حذروا يحذر تحذر"),
    ("حذر", "neutral", "participle", "محذرا محذرة"),
    ("دعا", "neutral", "verb", "دعا دعت دعوا يدعو تدعو تدعوان يدعون طالب طالبت طالبوا يطالب تطالب ناشد ناشدت "
     "حث حثت يحث تحث حض حضت يحض تحض"),
    ("دعا", "neutral", "participle", "داعيا داعية مطالبا مطالبة"),
    ("تساءل", "neutral", "verb", "تساءل تساءلت يتساءل تتساءل"),
    ("تساءل", "neutral", "participle", "متسائلا متسائلة"),
    ("انتقد", "neutral", "verb", "انتقد انتقدت يتنقد اتهم اتهمت يتهم تتهم هدد هددت توعد توعدت"),
    ("انتقد", "neutral", "participle", "منتقدا متهما مهددا"),
    ("أجاب", "neutral", "verb", "أجاب أجابت رد ردت يرد ترد علق علقت يعلق تعلق"),
    ("أجاب", "neutral", "participle", "مجيبا معلقا معلقة"),
    ("هتف", "neutral", "verb", "هتف هتفوا يهتفون رددوا يرددون ردد"),
    ("هتف", "neutral", "participle", "هاتفين مرددين"),
    ("أبدى", "neutral", "verb", "أبدى أبدت يبدي تبدي"),
    ("تمنى", "neutral", "verb", "تمنى تمنت يتمنى تتمنى"),
    ("اختتم", "neutral", "verb", "اختتم اختتمت ختم ختمت"),
    ("زعم", "distancing", "verb", "زعم زعمت زعموا يزعم تزعم يزعمون"),
    ("زعم", "distancing", "participle", "زاعما زاعمة"),
    ("ادعى", "distancing", "verb", "ادعى ادعت ادعوا يدعي تدعي"),
    ("ادعى", "distancing", "participle", "مدعيا مدعية"),
    ("نقل", "neutral", "report", "نقل نقلت نقلوا تنقل ينقل لسان"),
    ("جاء", "neutral", "verb", "جاء"),
    ("بحسب", "neutral", "source", "بحسب حسب حسبما وفقا وفق طبقا نقلا"),
]

#: Words that may precede a cue and belong to it (كما قال، حسبما ذكرت، على حد قوله ...).
_CUE_PARTICLES = frozenset(normalize(w) for w in "كما حسبما بحسب حسب وفق وفقا لما طبقا ما فيما".split())


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, CueEntry]:
    """Normalised cue form -> entry (stances from reporting_signals.yaml when it lists verbs)."""
    stances = _reporting_signal_stances()
    table: dict[str, CueEntry] = {}
    for lemma, stance, role, forms in _CUE_TABLE:
        for form in forms.split():
            key = normalize(form)
            stance_here = stances.get(key, stances.get(normalize(lemma), stance))
            table.setdefault(key, CueEntry(lemma, role, stance_here))
    return table


def _reporting_signal_stances() -> dict[str, str]:
    """``{normalised form: stance}`` from lexicons/reporting_signals.yaml, when that file exists.

    Entries with a ``stance`` field, or in categories verb_neutral / verb_endorsing / verb_distancing,
    override the built-in stance of the same form (the lexicon is the reviewed source)."""
    path = lexicons_dir() / "reporting_signals.yaml"
    if not path.exists():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (yaml.YAMLError, OSError):
        return {}
    entries = data.get("entries", []) if isinstance(data, dict) else []
    out: dict[str, str] = {}
    for item in entries if isinstance(entries, list) else []:
        if not isinstance(item, dict):
            continue
        stance = item.get("stance")
        category = str(item.get("category", ""))
        if not stance and category.startswith("verb_"):
            stance = category[len("verb_"):]
        if stance not in ("neutral", "endorsing", "distancing"):
            continue
        terms = [item.get("term")] + list(item.get("variants", []) or []) + list(item.get("forms", []) or [])
        for term in terms:
            if isinstance(term, str) and term.strip() and " " not in term.strip():
                out.setdefault(normalize(term.strip()), stance)
    return out


def _is_adverbial(word: str) -> bool:
    """An indefinite accusative after a verb (ساخرا، مبتسما، مضيفا): not a subject."""
    if not word.endswith("ا") or word.startswith("ال"):
        return False
    return (len(word) == 5 and word[1] == "ا") or (word[0] == "م" and 5 <= len(word) <= 7)  # فاعلا / مفعلا


_OBJECT_PRONOUNS = ("هما", "هم", "ها", "ه")
#: A cue form right after one of these is a verbal noun, not an attribution (عدم ذكر، دون أن يذكر).
_NOT_A_CUE_BEFORE = frozenset(normalize(w) for w in "عدم دون بدون رفض رفضت يرفض ترفض".split())
#: Cues whose object follows the verb (وصفت الإطلاق بأنه "..."): the last word before بأنه is no subject.
_OBJECT_VERBS = frozenset({"وصف", "اعتبر"})
#: Nouns of statements (في تقرير، في بيان): a phrase they start is where, not who.
_STATEMENT_NOUNS = tuple(normalize(w) for w in (
    "تقرير بيان تصريح مؤتمر كلمة حديث مقابلة اتصال رسالة تغريد منشور مداخلة لقاء خطاب ندوة حوار "
    "صفحت حساب موقع").split())
#: Prepositions with a pronoun that may stand between a verb and its subject (رد عليه الوزير).
_PRONOUN_PPS = frozenset(normalize(w) for w in "عليه عليها عليهم له لها لهم عنه عنها منه منها إليه إليها".split())


@lru_cache(maxsize=1)
def _cue_forms() -> frozenset[str]:
    """Every word :func:`lookup_cue` may find a cue in (a superset: length rules are left out), so a
    document's words can be screened with one set look-up each."""
    lex = cue_lexicon()
    stems = set(lex) | {k[:-1] for k in lex if k.endswith("وا")}
    forms = {p + stem + q for stem in stems for p in ("", "و", "ف") for q in ("",) + _OBJECT_PRONOUNS}
    return frozenset(forms | {"ورد", "فرد"})  # (ورد عليه: cue_at reads و + رد)


@lru_cache(maxsize=50_000)
def lookup_cue(word_norm: str, raw: str | None = None) -> CueEntry | None:
    """The cue entry of one normalised word, with or without a leading و / ف and an object pronoun
    (وصفتها -> وصفت، وصفوه -> وصفوا). ``raw`` (the word as written) rules out a final ة read as
    the pronoun ه (إضافة is a noun, not أضاف + ه)."""
    lex = cue_lexicon()
    for word in (word_norm, word_norm[1:] if len(word_norm) > 3 and word_norm[0] in "وف" else None):
        if not word:
            continue
        entry = lex.get(word)
        if entry is not None:
            return entry
        for pron in _OBJECT_PRONOUNS:
            if word.endswith(pron) and len(word) - len(pron) >= 3:
                if pron == "ه" and raw is not None and not raw.endswith("ه"):
                    continue
                stem = word[: -len(pron)]
                entry = lex.get(stem) or (lex.get(stem + "ا") if stem.endswith("و") else None)
                if entry is not None and entry.role == "verb":
                    return entry
    return None


# =========================================================================== attribution


@dataclass(frozen=True)
class Cue:
    """An attribution cue found in the text: ``text[start:end]`` is the cue as written."""

    start: int
    end: int
    surface: str
    lemma: str
    role: str
    stance: str
    word_index: int


@dataclass
class Attribution:
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_id: str | None = None
    speaker_type: str | None = None
    cue: str | None = None
    stance: str | None = None
    #: "m" / "f" when the speaker was the subject of a verb that shows its gender (قال / قالت).
    gender: str | None = None


#: Words that end a speaker noun phrase (normalised).
_NP_STOP = frozenset(
    normalize(w)
    for w in (
        "أن إن ان انه أنه إنه انها أنها بأن بان بانه بأنه لأن أنّ إنّ أنهم انهم إنهم "
        "في فى من إلى الى على علي عن خلال أمام عبر مع حول بعد قبل منذ عقب أثناء اثناء لدى لدي حيث "
        "الذي التي الذين اللذين اللتين يوم اليوم أمس امس صباح مساء ليلة ظهر عصر فجر الاثنين الثلاثاء الأربعاء "
        "الخميس الجمعة السبت الأحد قوله قولها بقوله تصريح تصريحات اليوم أيضا ايضا كذلك بدوره العديد عدد عددا "
        "بعض جميع هتافات شعارات لافتات نفسه نفسها عليها عليه عليهم فيها فيه فيهم منها منه منهم عنه عنها عنهم "
        "لها له لهم بها به بهم إليه إليها أنهما إنهما بأنهما أننا إننا بأننا أنني إنني أنك إنك أنكم إنكم "
        "بدورها قد لقد ل لـ ب و ف كما وكما ما بما ردا تعليقا إنه لكن ولكن غير رغم بينما فيما أو ثم هذا هذه "
        "ذلك تلك هو هي هم وهو وهي وهم بل إذ اذ إذا اذا عندما حين لما ليس لا لم لن إلا الا سوف مشيرا مؤكدا مضيفا "
    ).split()
)
#: Leading words to skip before a subject that precedes its verb (و قد كما ...).
_PRE_SKIP = frozenset(normalize(w) for w in (
    "و ف ثم كما فيما بينما حيث قد وقد فقد لقد لكن ولكن بل إذ أما وأما كان كانت وكان وكانت فكان فكانت "
    "لكنه لكنها ولكنه ولكنها إلا أنه أنه وهو وهي هو هي".split()))
#: Independent subject pronouns before a verb (وهو يقول، وهي تخاطب): the subject is the pronoun.
_SUBJECT_PRONOUNS = frozenset(normalize(w) for w in "هو هي هم هما وهو وهي وهم وهما".split())
#: Relative pronouns: a clause ``والتي قالت`` takes its subject from the noun before it.
_RELATIVES = frozenset(normalize(w) for w in "الذي التي الذين اللذين اللتين اللاتي والذي والتي والذين".split())
#: Generic heads (nouns and titles) and generic adjectives: a speaker phrase that is a generic head
#: followed only by adjectives (المتحدث الرسمي، مصدر أمني، المنظمة الحقوقية) describes the speaker
#: without naming it, so the mention that names it is looked up (annotation rule of the gold data).
_PERSON_HEADS = frozenset(normalize(w) for w in (
    "متحدث ناطق ناطقة مصدر مصادر مسؤول مسؤولة مسؤولون مسؤولين وزير وزيرة رئيس رئيسة مدير مديرة نائب خبير "
    "محامي سفير دكتور دكتورة لواء عميد مستشار شيخ أمير ممثل مندوب عضو أمين قائد وكيل مساعد مشارك مشاركون "
    "مشاركين متظاهرون متظاهرين أهالي شهود باحثون باحثين حقوقيون معارض قاضي قاض نقيب ضابط مراسل طبيب سكان "
    "مواطن مواطنون مدرب لاعب لاعبة مهندس أستاذ كاتب محلل عميد نائبة صحفي إعلامي ناشط ناشطة قيادي محافظ "
    "زعيم زعيمة عمدة مفتي".split()))
_ORG_HEADS = frozenset(normalize(w) for w in (
    "وزارة منظمة حركة جماعة حزب جمعية هيئة شركة وكالة صحيفة بيان تقرير محكمة نيابة لجنة مجلس جيش منسقية "
    "دار مركز مؤسسة اتحاد ائتلاف جبهة تحالف رئاسة حكومة معارضة إدارة مذكرة جامعة كلية معهد نقابة رابطة "
    "مكتب بلاغ أمانة سفارة بعثة مديرية محافظة بلدية سلطة سلطات شرطة قوات مستشفى بنك صندوق برلمان".split()))
_GENERIC_HEADS = _PERSON_HEADS | _ORG_HEADS
#: Units inside an organisation (قسم الإعلام في البحرية): the phrase goes on to name the organisation.
_UNIT_HEADS = frozenset(normalize(w) for w in "قسم إدارة مكتب لجنة فرع دائرة مديرية".split())
#: Documents that "say" on behalf of their issuer (بيان صادر عن فلان), and the participle of issuing.
_STATEMENT_HEADS = frozenset(normalize(w) for w in "بيان بلاغ تقرير مذكرة رسالة تصريح برقية".split())
_ISSUED = frozenset(normalize(w) for w in "صادر الصادر صادرة الصادرة".split())
_GENERIC_ADJ = frozenset(normalize(w) for w in (
    "رسمي رسمية إعلامي إعلامية حقوقية حقوقي أمني أمنى أمنية مطلع مطلعة رفيع مستوى عسكري عسكرية دولية دولي "
    "عام عامة جديد أول سابق سابقة آخر أخرى كبير مسؤول حكومي حكومية مقرب مقربة نفسه نفسها إداري قضائي "
    "قضائية محلي محلية دبلوماسي دبلوماسية طبي طبية سياسي سياسية".split()))
#: Words that start a prepositional phrase: a clause that starts with one has no subject before its verb.
_PREPOSITIONS = frozenset(normalize(w) for w in (
    "في فى من على علي عن إلى الى خلال بعد قبل مع عبر أمام حول منذ عقب وفي ومن وعلى وعن وخلال وبعد ومع وعبر "
    "وفى وأمام بدوره وبدوره بدورها وبدورها بالمقابل وبالمقابل كذلك وكذلك أيضا وأيضا هذا وهذا ذلك ولذلك لذلك "
    "إلا والا وإلا ولم لم ولا لا ما وما إنه انه إن ان أن".split()))
#: Nationality and regional adjectives (masculine singular): ``المسؤول البريطاني`` describes someone
#: without naming them, while another nisba after a title is usually a family name (الرئيس الوردي).
_NATIONALITIES = frozenset(normalize(w) for w in (
    "مصري سعودي أمريكي أميركي روسي بريطاني فرنسي ألماني إيراني تركي سوري عراقي لبناني أردني فلسطيني "
    "إسرائيلي قطري إماراتي كويتي بحريني عماني يمني ليبي تونسي جزائري مغربي سوداني صيني ياباني كوري هندي "
    "باكستاني أفغاني إيطالي إسباني أوروبي غربي عربي خليجي أممي أفريقي آسيوي أوكراني كندي أسترالي "
    "برازيلي نيجيري إثيوبي صومالي موريتاني يوناني هولندي بلجيكي سويسري سويدي نرويجي بولندي نمساوي "
    "أرمني إندونيسي ماليزي أجنبي محلي إقليمي حكومي شمالي جنوبي").split())
#: Broken plurals of people: a description headed by one names a group, not an earlier speaker.
_GROUP_NOUNS = frozenset(normalize(w) for w in "مصادر شهود أهالي سكان ناس جماهير طلاب عمال نشطاء".split())
#: Feminine circumstantials of manner that follow a speech verb (وأضافت ضاحكة).
_FEM_ADVERBIALS = frozenset(normalize(w) for w in (
    "ضاحكة مبتسمة مازحة ساخرة غاضبة باكية متأثرة مستنكرة متعجبة مستغربة متحسرة منفعلة محتجة متهكمة "
    "متألمة متفائلة مبتهجة").split())
#: Free relatives before a verb (بما سمته، مما وصفه): the verb's subject is its own pronoun.
_FREE_RELATIVES = frozenset(normalize(w) for w in "ما بما مما عما لما".split())
#: Things words are written on (كتب على اللافتة): the writing is passive, the bearers speak.
_SIGN_NOUNS = frozenset(normalize(w) for w in "لافتة لافتات لوحة لوحات يافطة يافطات جدار جدران ورقة أوراق".split())
#: Kinship nouns (stems before a possessive pronoun, normalised: زوجت for زوجته).
_KIN_NOUNS = frozenset(normalize(w) for w in (
    "زوج زوجت ابن ابنت نجل نجلت والد والدت شقيق شقيقت أخ أخت أخو أب أبو أم جد جدت عم عمت خال خالت").split())
#: Complementizers: what follows them is the reported content, not the attribution.
_COMPLEMENTIZER_WORDS = frozenset(normalize(w) for w in "أن إن أنه إنه أنها إنها بأن بأنه بأنها".split())
#: Quantifiers that head a partitive subject (عدد من المشجعين، بعض السكان، أحد المسؤولين).
_PARTITIVES = frozenset(normalize(w) for w in "عدد بعض أحد إحدى عشرات مئات آلاف مجموعة".split())
#: Negation particles that may stand before a sentence's first verb (ولم تشر ...).
_NEGATIONS = frozenset(normalize(w) for w in "لم ولم فلم لن ولن لا ولا ما وما".split())
#: Titles written before a name (الرئيس فلان، اللواء فلان، الوزيرة الدكتورة فلانة): a definite title
#: may be followed by an indefinite name inside one noun phrase.
_TITLE_WORDS = frozenset(normalize(w) for w in (
    "رئيس رئيسة وزير وزيرة ملك أمير أميرة شيخ دكتور دكتورة مهندس مهندسة أستاذ أستاذة سيد سيدة حاج "
    "لواء عميد عقيد مقدم رائد نقيب فريق مشير جنرال مستشار مستشارة سفير سفيرة نائب نائبة محافظ قاضي "
    "مفتي إمام داعية ناشط ناشطة فنان فنانة لاعب لاعبة مدرب كاتب كاتبة شاعر صحفي إعلامي إعلامية").split())
#: Nouns that start with و of their own (وزير، وكالة): :func:`_bare` keeps their و.
_KNOWN_NOUNS = frozenset(w for w in _GENERIC_HEADS | _TITLE_WORDS if w.startswith("و"))
#: Pronoun phrases that point back to the last speaker (من جانبه ...): no subject in them.
_PRONOUN_HEADS = frozenset(normalize(w) for w in "جانبه جانبها جهته جهتها ناحيته ناحيتها بدوره بدورها".split())
_MEDIA_NOUNS = frozenset(normalize(w) for w in (
    "وكالة صحيفة جريدة قناة موقع شبكة برنامج مجلة تلفزيون إذاعة الصحفيين للصحفيين مراسل إعلام".split()))
_TERMINATORS = ".!?؟"
#: A terminator or a line break: a cue after a quote must come before one.
_BREAK_RE = re.compile(f"[{re.escape(_TERMINATORS)}\n]")
_COMMA_RE = re.compile("[،,]")
_SPACE = " \u200f\u200e\xa0\t\n\r"
#: How far back (characters) a description or pronoun looks for the mention that names its speaker.
_LOOKBACK = 4000


def _is_generic_phrase(words: list[str]) -> bool:
    """A generic head followed only by generic adjectives or other generic nouns (بيان الوزارة).
    A person head may also carry a nationality (المسؤول البريطاني: still unnamed); an organisation
    with a nationality is named (الرئاسة الكورية الجنوبية)."""
    head = _bare(words[0])
    if head not in _GENERIC_HEADS:
        return False
    for w in words[1:]:
        core = _bare(w)
        if core in _GENERIC_ADJ or core in _GENERIC_HEADS:
            continue
        if head in _PERSON_HEADS and _is_nationality(core) and w.startswith("ال") == words[0].startswith("ال"):
            continue  # a nationality agreeing with a person head: المسؤول البريطاني (but الرئيس الوردي names)
        return False
    return True


def _is_nationality(core: str) -> bool:
    """``core`` (without article) is a nationality or regional adjective in any gender or number."""
    for suffix, base in (("يين", "ي"), ("يون", "ي"), ("يه", "ي"), ("ي", "ي")):
        if core.endswith(suffix) and core[: -len(suffix)] + base in _NATIONALITIES:
            return True
    return False


def _is_title(word: str) -> bool:
    """A title or singular person noun, which a name may follow inside one noun phrase (الخبير فلان);
    a plural group noun is followed by its verb's object instead (ورفع المتظاهرون لافتات)."""
    core = _bare(word)
    return core in _TITLE_WORDS or (core in _PERSON_HEADS and not core.endswith(("ون", "ين")) and
                                    core not in _GROUP_NOUNS)


def _is_kin(word: str) -> bool:
    """A kinship noun with a possessive pronoun (زوجها، نجله، شقيقته): it names a person."""
    for pron in ("هما", "هم", "ها", "ه"):
        if word.endswith(pron) and word[: -len(pron)] in _KIN_NOUNS:
            return True
    return False


@lru_cache(maxsize=100_000)
def _bare(word: str) -> str:
    """A normalised word without conjunction, preposition and article (والمنظمة -> منظمه). A bare
    و is only taken for a conjunction when the word is not itself a known noun (وزير، وكالة)."""
    for prefix in ("وال", "بال", "فال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    if word.startswith("و") and len(word) >= 4 and word not in _KNOWN_NOUNS:
        return word[1:]
    return word
#: Quote marks that may stand inside a speaker noun phrase around a marked name (موقع "KCNA Watch").
_NAME_MARKS = "\"'«»“”„″‘’"


class DocumentContext:
    """Per-document indexes the attribution rules share: words, paragraphs, registry mentions,
    quote spans (mentions inside quotes never name a speaker), and the speakers seen so far."""

    def __init__(self, text: str, registry: Registry, marked_spans: list[tuple[int, int]],
                 padded: np.ndarray | None = None):
        """``padded`` is :func:`text_codes` of ``text`` when the caller has it."""
        self.text = text
        self.registry = registry
        if padded is None:
            padded = text_codes(text)
        self.word_starts, self.word_ends, self.norms, self._normalized = document_words(text, padded)
        self.marked_spans = sorted(marked_spans)
        self._marked_starts = [s for s, _ in self.marked_spans]
        # sentence ends outside marks (not a decimal point): clause_start / sentence_end bisect them
        self._terminators = self._sentence_ends()
        self._cues: dict[int, Cue | None] = {}  # cue_at by word index (the rules ask for a word many times)
        self._window_starts: dict[int, int] = {}  # window_start by paragraph start
        # words that may be cues (a superset: cue_at rules out some), so scans for cues skip the rest
        self._cue_words = list(compress(range(len(self.norms)), map(_cue_forms().__contains__, self.norms)))
        self._all_mentions: list[Mention] | None = None  # registry mentions, when a rule first asks
        self.paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.last: Attribution | None = None
        self.set_quotes(marked_spans)

    def set_quotes(self, quote_spans: list[tuple[int, int]]) -> None:
        """Declare which marked spans are quotes: registry mentions inside them name no speaker."""
        self.quote_spans = sorted(quote_spans)
        self._quote_starts = [s for s, _ in self.quote_spans]
        self._mentions: list[Mention] | None = None

    @property
    def mentions(self) -> list[Mention]:
        """Registry mentions outside quotes, in order (found on first use: the many articles whose
        marked spans are all names or titles never need them)."""
        if self._mentions is None:
            if self._all_mentions is None:
                self._all_mentions = self.registry.find_mentions(self.text, self._normalized)
            self._mentions = [m for m in self._all_mentions if not self.inside_quote(m.start, m.end)]
            self._mention_starts = [m.start for m in self._mentions]
        return self._mentions

    # ----------------------------------------------------------------- small helpers
    def inside_quote(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, start) - 1
        return i >= 0 and self.quote_spans[i][0] <= start and end <= self.quote_spans[i][1]

    def paragraph_bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.paragraph_starts, pos) - 1
        start = self.paragraph_starts[max(i, 0)]
        end = self.paragraph_starts[i + 1] - 1 if i + 1 < len(self.paragraph_starts) else len(self.text)
        return start, end

    def word_range(self, lo: int, hi: int) -> range:
        """Indexes of the words that lie entirely in ``[lo, hi)``."""
        i = bisect.bisect_left(self.word_starts, lo)
        return range(i, max(i, bisect.bisect_right(self.word_ends, hi)))

    def words_overlapping(self, start: int, end: int) -> range:
        """Indexes of the words that overlap ``[start, end)`` (a span may start inside a word)."""
        i = max(bisect.bisect_right(self.word_starts, start) - 1, 0)
        if i < len(self.word_starts) and self.word_ends[i] <= start:
            i += 1
        j = bisect.bisect_left(self.word_starts, end)
        return range(i, max(i, j))

    def words_in(self, lo: int, hi: int) -> list[str]:
        """Normalised words of ``text[lo:hi]`` as :data:`WORD_RE` finds them there (a word cut by an
        edge gives its part inside), taken from the document's words instead of a new regex scan."""
        i = bisect.bisect_right(self.word_ends, lo)
        j = bisect.bisect_left(self.word_starts, hi)
        if hi <= lo or i >= j:
            return []
        out = self.norms[i:j]
        if self.word_starts[i] < lo or self.word_ends[i] > hi:
            out[0] = norm_word(self.text[max(lo, self.word_starts[i]):min(hi, self.word_ends[i])])
        if j - 1 > i and self.word_ends[j - 1] > hi:
            out[-1] = norm_word(self.text[self.word_starts[j - 1]:hi])
        return out

    def last_words_in(self, lo: int, hi: int, n: int) -> list[str]:
        """``words_in(lo, hi)[-n:]``, without normalising a word cut by ``lo`` that is not among them."""
        j = bisect.bisect_left(self.word_starts, hi)
        if j - bisect.bisect_right(self.word_ends, lo) > n:
            lo = self.word_starts[j - n]  # (the n-th word from the end lies entirely in the stretch)
        return self.words_in(lo, hi)[-n:]

    def next_word(self, pos: int, hi: int) -> tuple[int, str] | None:
        """(start, normalised form) of ``WORD_RE.search(text, pos, hi)``, taken from the document's
        words (a word cut by ``pos`` or ``hi`` gives its part inside), or None when there is none."""
        k = bisect.bisect_right(self.word_ends, pos)  # the first word that ends after pos
        if k == len(self.word_ends):
            return None
        start = max(self.word_starts[k], pos)
        if start >= hi:
            return None
        if start == self.word_starts[k] and self.word_ends[k] <= hi:
            return start, self.norms[k]
        return start, norm_word(self.text[start:min(self.word_ends[k], hi)])

    def comma_after(self, i: int) -> bool:
        """The gap after word ``i`` (:meth:`gap`) holds a comma (، or ,)."""
        end = self.word_starts[i + 1] if i + 1 < len(self.word_starts) else len(self.text)
        return _COMMA_RE.search(self.text, self.word_ends[i], end) is not None

    def gap(self, i: int) -> str:
        """The text between word ``i`` and word ``i + 1`` (punctuation, space, marks)."""
        end = self.word_ends[i]
        nxt = self.word_starts[i + 1] if i + 1 < len(self.word_starts) else len(self.text)
        return self.text[end:nxt]

    def clause_start(self, lo: int, pos: int) -> int:
        """Start of the sentence that contains ``pos`` (not before ``lo``): after the last
        terminator outside quotes."""
        if pos <= lo:
            return pos
        t = bisect.bisect_left(self._terminators, pos) - 1
        return self._terminators[t] + 1 if t >= 0 and self._terminators[t] >= lo else lo

    def window_start(self, para_lo: int) -> int:
        """Start of the text a cue may come from: the paragraph, extended over up to three short
        previous lines that do not end a sentence (some outlets break lines inside a sentence, around
        linked names: ``وقال ¶ فلان، ¶ رئيس ...: "..."``). Remembered per paragraph: every mark asks."""
        start = self._window_starts.get(para_lo)
        if start is None:
            start = self._window_starts[para_lo] = self._find_window_start(para_lo)
        return start

    def _find_window_start(self, para_lo: int) -> int:
        start = para_lo
        for _ in range(3):
            if start == 0:
                break
            prev_lo, _ = self.paragraph_bounds(start - 1)
            line = self.text[prev_lo:start - 1].strip(" \u00a0\t" + _BIDI)
            continued = self.text[start:start + 8].lstrip(" \u00a0\t" + _BIDI)[:1] in ("،", ",")
            if not line or len(line) > 80 or ":" in line or (line[-1] in ".!?؟\"»”'″" and not continued):
                break  # (a line with a colon is a headline or an introduction, not a broken sentence)
            start = prev_lo
        return start

    def sentence_end(self, pos: int) -> int:
        """End of the sentence that contains ``pos``: after the next terminator outside marks, or at
        the end of the paragraph."""
        _, para_end = self.paragraph_bounds(pos)
        t = bisect.bisect_left(self._terminators, pos)
        return self._terminators[t] + 1 if t < len(self._terminators) and self._terminators[t] < para_end else para_end

    def _sentence_ends(self) -> list[int]:
        """Offsets of the terminators outside marked spans that are not decimal points (``3.5``)."""
        text, spans, starts = self.text, self.marked_spans, self._marked_starts
        last = len(text) - 1
        found = []  # (str.find per terminator: a regex scan for the character class was 2x slower)
        for terminator in _TERMINATORS:
            p = text.find(terminator)
            while p >= 0:
                found.append(p)
                p = text.find(terminator, p + 1)
        found.sort()
        out = []
        for p in found:
            i = bisect.bisect_right(starts, p) - 1  # the last marked span that starts at or before p
            if i >= 0 and p + 1 <= spans[i][1]:
                continue  # inside marks
            if text[p] == "." and 0 < p < last and text[p - 1].isdigit() and text[p + 1].isdigit():
                continue  # a decimal point
            out.append(p)
        return out

    # ----------------------------------------------------------------- cues
    def cue_at(self, i: int) -> Cue | None:
        """The cue that word ``i`` is, with its particle (حسبما ذكرت، كما قال) when one precedes."""
        try:
            return self._cues[i]
        except KeyError:
            cue = self._cues[i] = self._find_cue(i)
            return cue

    def _find_cue(self, i: int) -> Cue | None:
        if self.norms[i] not in _cue_forms():
            return None  # (the forms include ورد / فرد)
        entry = lookup_cue(self.norms[i], self.text[self.word_starts[i]:self.word_ends[i]])
        if entry is None and self.norms[i] in ("ورد", "فرد") and i + 1 < len(self.word_starts) and \
                self.norms[i + 1] in _PRONOUN_PPS:
            entry = lookup_cue(self.norms[i][1:])  # ورد عليه فلان: "and he replied" (ورد alone is "was stated")
        if entry is None:
            return None
        if entry.lemma == "جاء" and (i + 1 >= len(self.word_starts) or self.norms[i + 1] not in ("في", "فى")):
            return None  # جاء في البيان is a cue; جاء على خلفية is not
        if i > 0 and self.norms[i - 1] in _NOT_A_CUE_BEFORE:
            return None  # عدم ذكر اسمه: a verbal noun, not an attribution
        if entry.lemma == "ادعى" and self.text[self.word_starts[i]:self.word_ends[i]].endswith("ى") and (
                self.norms[i].startswith("و") or (i > 0 and not self.norms[i - 1].startswith("ال"))):
            return None  # أحد المتظاهرين ويدعى فلان / شاب يدعى فلان: "is called", not "claims"
        if entry.role == "source" and self.norms[i] in ("حسب", "بحسب", "حسبما") and i + 1 < len(self.word_starts):
            nxt = lookup_cue(self.norms[i + 1])
            if nxt is not None and nxt.role in ("verb", "report") and not self.gap(i).strip():
                return None  # حسبما ذكرت: the verb after it carries the cue
        start = self.word_starts[i]
        if self.norms[i][:1] in ("و", "ف") and lookup_cue(self.norms[i][1:]) is not None:
            start += 1  # the cue as written, without its conjunction (وأعلنت -> أعلنت)
        if entry.role in ("verb", "report") and i > 0 and self.norms[i - 1] in _CUE_PARTICLES:
            if not self.gap(i - 1).strip():
                start = self.word_starts[i - 1]
                if i > 1 and self.norms[i - 2] == "ب" + self.norms[i - 1] and not self.gap(i - 2).strip():
                    start = self.word_starts[i - 2]
        if entry.role == "source" and self.norms[i] in ("وفقا", "وفق", "طبقا", "نقلا") and i + 1 < len(self.word_starts):
            nxt = self.norms[i + 1]
            if nxt not in ("ل", "لما", "عن") and not nxt.startswith("ل") and nxt != "عن":
                if not (self.norms[i] == "نقلا" and nxt == "عن"):
                    return None  # وفقا needs لـ / نقلا needs عن to be a source cue
        end = self.word_ends[i]
        return Cue(start, end, self.text[start:end], entry.lemma, entry.role, entry.stance, i)

    def words_with_bare(self, bare: str, rng: range) -> list[int]:
        """Indexes of the words in ``rng`` whose :func:`_bare` form is ``bare``, in order (a C-speed
        scan: the rules look for an earlier mention of a head noun up to 4,000 characters back)."""
        # such a word is ``bare`` itself or ``bare`` behind one of the prefixes _bare takes off
        found: set[int] = set()
        for prefix in ("", "وال", "بال", "فال", "لل", "ال", "و"):
            found.update(indexes_of(self.norms, prefix + bare, rng))
        return sorted(k for k in found if _bare(self.norms[k]) == bare)

    def cue_words(self, lo: int, hi: int) -> list[int]:
        """Indexes of the words in ``[lo, hi)`` that may be cues (:meth:`cue_at` decides), in order."""
        rng = self.word_range(lo, hi)
        return self._cue_words[bisect.bisect_left(self._cue_words, rng.start):
                               bisect.bisect_left(self._cue_words, rng.stop)]

    def cue_before(self, lo: int, pos: int) -> Cue | None:
        """The attribution cue of a quote opening at ``pos``: the nearest speech verb of the clause
        before it (a source preposition only when no verb is there)."""
        fallback = None
        for i in reversed(self.cue_words(lo, pos)):
            cue = self.cue_at(i)
            if cue is None:
                continue
            if cue.role == "source":
                fallback = fallback or cue
                continue
            return cue
        return fallback

    def cue_after(self, pos: int, hi: int) -> Cue | None:
        """A cue right after a quote closing at ``pos`` (``"..."، قال فلان`` / ``"..."، حسبما ذكرت X``)."""
        rng = self.word_range(pos, hi)
        if not rng:
            return None
        first = rng[0]
        if _BREAK_RE.search(self.text, pos, self.word_starts[first]):
            return None
        for i in rng[:4]:
            if i > first and _BREAK_RE.search(self.text, self.word_ends[i - 1], self.word_starts[i]):
                return None  # (the gap between words i - 1 and i)
            cue = self.cue_at(i)
            if cue is not None:
                return cue
            if self.norms[i] not in _CUE_PARTICLES and self.norms[i] not in ("على", "علي", "حد", "و", "ف"):
                return None
        return None

    # ----------------------------------------------------------------- speaker noun phrases
    def _np_after(self, i: int, hi: int) -> tuple[int, int] | None:
        """Word range [a, b) of the noun phrase right after word ``i`` (the subject of a VS clause)."""
        if i + 1 >= len(self.word_starts) or self.word_ends[i + 1] > hi:
            return None
        if self.gap(i).strip(_SPACE + _NAME_MARKS):
            return None  # punctuation right after the cue: no subject there
        j = i + 1
        if j + 1 < len(self.word_starts) and self.norms[j] in _PRONOUN_PPS and not self.gap(j).strip(_SPACE):
            j += 1  # رد عليه الوزير
        first = j
        b = j
        while j < len(self.word_starts) and self.word_ends[j] <= hi and j - first < 9:
            w = self.norms[j]
            if w in ("في", "فى") and j > first and j + 1 < len(self.word_starts) and not self.norms[j + 1].startswith(
                    _STATEMENT_NOUNS) and self.norms[j + 1] not in _NP_STOP and (
                    (_bare(self.norms[first]) in _PERSON_HEADS and all(
                        _bare(self.norms[k]) in _GENERIC_HEADS or _bare(self.norms[k]) in _GENERIC_ADJ
                        for k in range(first, j))) or
                    (_bare(self.norms[first]) in _UNIT_HEADS and self.norms[j + 1].startswith("ال"))):
                j += 1  # مسؤول في الدفاع المدني / قسم الإعلام في البحرية: a description naming its organisation
                continue
            if self.inside_quote(self.word_starts[j], self.word_ends[j]):
                break
            partitive = (j == first and w in _PARTITIVES) or (
                w == "من" and j == first + 1 and self.norms[first] in _PARTITIVES)  # بعض السكان، عدد من المشجعين
            if w in _NP_STOP and not partitive and not self._name_ali(j, i + 1):
                break
            if self._starts_pp(j) or lookup_cue(w) is not None:
                break
            raw = self.text[self.word_starts[j]:self.word_ends[j]]
            if j == first and (_is_adverbial(w) or self._feminine_adverbial(j)) and not self.mentions_in(
                    self.word_starts[j], self.word_starts[j] + 40):
                break  # قال ساخرا / قالت ضاحكة: an adverbial, no subject
            if j == first and len(w) >= 4 and raw.endswith(("ه", "ها", "هم")) and not w.endswith("الله") \
                    and not _is_kin(w):
                break  # نفى تلقيه أي اتصال: a verbal noun with a pronoun, the object (but زوجها names someone)
            b = j + 1
            if self.gap(j).strip(_SPACE + "-–" + _NAME_MARKS):
                break
            j += 1
        return (first, b) if b > first else None

    def _feminine_adverbial(self, j: int) -> bool:
        """Word ``j`` is a feminine circumstantial (وأضافت ضاحكة: "...") rather than a subject. Unlike
        the masculine ساخرا it carries no visible accusative, and many names share its pattern
        (زاهدة، نادية), so only a closed list counts."""
        return self.norms[j] in _FEM_ADVERBIALS

    def _name_ali(self, j: int, np_start: int) -> bool:
        """``علي`` spelled with ya inside a name (المتحدث علي الشمري), not the preposition على."""
        if self.text[self.word_starts[j]:self.word_ends[j]] != "علي" or j == np_start:
            return False
        nxt = self.norms[j + 1] if j + 1 < len(self.word_starts) else ""
        return nxt not in ("ان", "انه", "انها", "انهم", "ضروره", "هامش") and not self.gap(j).strip(_SPACE)

    def _starts_pp(self, j: int) -> bool:
        """Word ``j`` starts a prepositional phrase after a name (للرئيس، لـ، لوكالة، بدعمه)."""
        w = self.norms[j]
        if w.startswith("لل") or w == "ل":
            return True
        if w.startswith("ل") and w[1:] in _MEDIA_NOUNS:
            return True
        raw = self.text[self.word_starts[j]:self.word_ends[j]]
        if w.startswith("ب") and len(w) >= 4 and raw.endswith(("ه", "ها", "هم", "هما")) and not w.startswith("باسم"):
            return True  # ب + noun + pronoun (بدعمه); ة-final words (بمديرية) are not pronouns
        return False

    def subject_before(self, i: int, lo: int) -> tuple[int, int] | None:
        """Offsets of the subject written before verb ``i`` (None when there is none)."""
        np = self._np_before(i, lo)
        return self._surface(*np) if np else None

    def _np_before(self, i: int, lo: int) -> tuple[int, int] | None:
        """Word range of a subject written before its verb (``كوريا الجنوبية تعرب``)."""
        start = self.clause_start(lo, self.word_starts[i])
        if i > 0 and self.norms[i - 1] in _RELATIVES and self.word_starts[i - 1] >= start:
            return self._antecedent(i - 1, start)  # فلان الذي أوضح
        a = i
        while a > 0 and self.word_starts[a - 1] >= start:
            if self.gap(a - 1).strip(_SPACE + _NAME_MARKS):
                break  # a comma / colon / mark separates it from the verb
            a -= 1
        while a < i and self.norms[a] in _PRE_SKIP:
            a += 1
        for k in range(a, i):
            if self.norms[k] in _COMPLEMENTIZER_WORDS or self.norms[k] == "لان":
                a = k + 1  # غير أن الوكالة ذكرت: the subject follows the complementizer
        b = i
        while b > a and self.norms[b - 1] in ("قد", "لقد", "فقد", "وقد"):
            b -= 1
        if a >= b or b - a > 6:
            return None
        if self.norms[a] in _RELATIVES:
            return self._antecedent(a, start)
        if self.norms[b - 1] in _FREE_RELATIVES:
            return None  # وأشادت بما سمته: the subject is the verb's pronoun
        i = b
        first = self.norms[a]
        if first in _PREPOSITIONS or (first[:1] in "وف" and first[1:] in _PREPOSITIONS) or any(
                self.norms[k] in _PRONOUN_HEADS or (k > a and self.norms[k] in _NP_STOP) for k in range(a, i)):
            return None  # (بالشماريخ في دمياط يحذر: a prepositional phrase is no subject)
        if any(lookup_cue(self.norms[k]) is not None for k in range(a, i)):
            return None
        return a, i

    def _antecedent(self, rel: int, lo: int) -> tuple[int, int] | None:
        """Word range of the noun a relative pronoun refers to (up to four words before it). A relative
        set off by a comma (``فلانة، وزيرة الخارجية السابقة، والتي قالت``) refers past the comma-set
        epithets and adverbs to the name before them (or to the nearest phrase when none names)."""
        a = rel
        while a > 0 and rel - a < 4 and self.word_starts[a - 1] >= lo:
            if self.gap(a - 1).strip(_SPACE + _NAME_MARKS) or self.norms[a - 1] in _NP_STOP:
                break
            a -= 1
        if a < rel:
            return a, rel
        end, nearest = rel, None
        for _ in range(4):
            if end == 0 or self.gap(end - 1).strip(_SPACE) not in ("،", ","):
                break
            a = end - 1
            if self.word_starts[a] < lo or self.norms[a] in _NP_STOP:
                break
            while a > 0 and end - a < 5 and self.word_starts[a - 1] >= lo and not (
                    self.gap(a - 1).strip(_SPACE + _NAME_MARKS) or self.norms[a - 1] in _NP_STOP):
                a -= 1
            nearest = nearest or (a, end)
            if not self._generic_head(a) and not _is_title(self.norms[a]) and self._speaker_like(a, end) \
                    and not self.is_descriptive(*self._surface(a, end)):
                return a, end
            end = a
        return nearest

    def _surface(self, a: int, b: int) -> tuple[int, int]:
        """Offsets of words [a, b), without a leading conjunction و that is not part of a name."""
        start, end = self.word_starts[a], self.word_ends[b - 1]
        first = self.norms[a]
        if len(first) > 3 and first[0] == "و" and first[1:3] == "ال":
            start += 1
        return start, end

    def _speaker(self, start: int, end: int, cue: Cue) -> Attribution:
        text = self.text[start:end]
        sid = None
        best = None
        for m in self.mentions_in(start, end):
            if best is None or (m.end - m.start) > (best.end - best.start):
                best = m
        if best is not None:
            sid = best.speaker_id
        entry = self.registry.get(sid)
        stype = entry.type if entry else speaker_type_from_rules(text)
        return Attribution(text, start, end, sid, stype, cue.surface, cue.stance, self.cue_gender(cue))

    def cue_gender(self, cue: Cue) -> str | None:
        """Gender a speech verb shows for its subject: "f" for قالت / تقول / أضافت, "m" for قال /
        يقول / أضاف, None for plurals, participles, nouns and sources (they do not show it)."""
        if cue.role != "verb" or not cue.surface:
            return None
        w = self.norms[cue.word_index]
        if w[:1] in ("و", "ف") and lookup_cue(w[1:]) is not None:
            w = w[1:]
        if w.endswith(("وا", "ون", "ان")):
            return None
        if (w.endswith("ت") and lookup_cue(w[:-1]) is not None) or (
                w.startswith("ت") and lookup_cue("ي" + w[1:]) is not None):
            return "f"
        if lookup_cue(w + "ت") is not None or (w.startswith("ي") and lookup_cue("ت" + w[1:]) is not None):
            return "m"
        return None

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        mentions = self.mentions
        i = bisect.bisect_left(self._mention_starts, start)
        out = []
        while i < len(mentions) and mentions[i].start < end:
            if mentions[i].end <= end:
                out.append(mentions[i])
            i += 1
        return out

    def subject_of(self, cue: Cue, lo: int, hi: int) -> tuple[int, int] | None:
        """Offsets of the explicit subject of ``cue`` (None for a pronoun / participle cue); for a
        relayed statement (``حسبما ذكرت الوكالة نقلا عن بيان لوزارة الدفاع``) the original source."""
        span = self._subject_of(cue, lo, hi)
        if span is None or cue.role == "report":
            return span
        span = self._issuer(span, hi)
        k = bisect.bisect_left(self.word_starts, span[1])
        if k + 2 < len(self.word_starts) and self.norms[k] == "نقلا" and self.norms[k + 1] == "عن" and \
                not self.gap(k - 1).strip(_SPACE + "،,") and self.word_ends[k + 2] <= hi:
            np = self._np_after(k + 1, hi)
            if np:
                return self._surface(*np)
        return span

    def _issuer(self, span: tuple[int, int], hi: int) -> tuple[int, int]:
        """For a statement as subject, who issued it: ``أكد بيان صادر عن مكتب فلان`` -> ``مكتب فلان``
        (the gold names the issuer, not the document). Other subjects come back unchanged."""
        words = self.words_overlapping(*span)
        if not words or _bare(self.norms[words[0]]) not in _STATEMENT_HEADS:
            return span
        k = words[-1] + 1
        if k < len(self.word_starts) and self.norms[k] in ("عن", "من") and (
                self.norms[k - 1] in _ISSUED or k - words[0] == 1):
            np = self._np_after(k, hi)
            if np is not None and self._speaker_like(*np):
                return self._surface(*np)
        if k + 1 < len(self.word_starts) and self.norms[k] in _RELATIVES and self._looks_like_verb(k + 1) and \
                self.text[self.word_starts[k + 1]:self.word_ends[k + 1]].endswith(("ه", "ها")):
            np = self._np_after(k + 1, hi)  # البرقية التي بعثها فلان: the relative clause's subject sent it
            if np is not None and self._speaker_like(*np):
                return self._surface(*np)
        return span

    def _embedded_subject(self, lo: int, pos: int) -> tuple[int, int] | None:
        """The subject of the reported clause before ``pos`` in its sentence (``ذكرت الوكالة أن الرئيس
        فلان زار ...، ونقلت عنه قوله``): who ``عنه`` refers to."""
        start = self.clause_start(lo, pos)
        for k in reversed(self.word_range(start, pos)):
            if self.norms[k] in _COMPLEMENTIZER_WORDS:
                np = self._np_after(k, pos)
                return self._surface(*np) if np and self._speaker_like(*np) else None
        return None

    def _subject_of(self, cue: Cue, lo: int, hi: int) -> tuple[int, int] | None:
        i = cue.word_index
        if cue.role == "participle":
            return None
        if cue.role == "report":
            # نقلت وكالة X عن المتحدث Y (قوله): the quoted speaker is after عن; عنه -> context.
            for k in self.word_range(self.word_ends[i], hi):
                if self.norms[k] in ("عنه", "عنها", "عنهم"):
                    return self._embedded_subject(lo, cue.start)
                if self.norms[k] == "عن":
                    np = self._np_after(k, hi)
                    return self._surface(*np) if np else None
            np = self._np_after(i, hi)
            return self._surface(*np) if np else None
        if cue.role == "source":
            k = i
            if self.norms[k] in ("وفقا", "وفق", "طبقا", "نقلا") and k + 1 < len(self.word_starts):
                if self.norms[k + 1] in ("ل", "عن", "لما"):
                    k += 1
                elif self.norms[k + 1].startswith("ل"):
                    # وفقا لوكالة X: the source starts inside the word, after its ل
                    a, b = k + 1, k + 2
                    np = self._np_after(k + 1, hi)
                    if np:
                        b = np[1]
                    start, end = self.word_starts[a] + 1, self.word_ends[b - 1]
                    return start, end
            if k + 1 < len(self.word_starts) and self.norms[k + 1] in ("ما", "لما"):
                k += 1
                nxt = self.cue_at(k + 1) if k + 1 < len(self.word_starts) else None
                if nxt is not None and nxt.role in ("verb", "report"):
                    return self.subject_of(nxt, lo, hi)
                return None  # بحسب ما ورد: no named source
            np = self._np_after(k, hi)
            return self._surface(*np) if np else None
        if i > 0 and self.norms[i - 1] in _SUBJECT_PRONOUNS:
            return None  # وهي تخاطب فلانا: the pronoun is the subject, the noun after it the object
        if i > 0 and self.norms[i - 1] in _RELATIVES:
            if self._relative_is_object(i - 1, i):
                np = self._np_after(i, hi)  # الذين أشار بيان الوزارة إلى أنهم: the subject follows the verb
                if np:
                    return self._surface(*np)
            return self.subject_before(i, lo)  # التي أعلنت: the relative clause's subject is its noun
        if cue.lemma == "كتب" and i + 1 < len(self.word_starts) and self.norms[i + 1] in ("عليها", "عليه"):
            return None  # لافتة كتب عليها: passive, the bearers speak
        if cue.lemma in _OBJECT_VERBS:
            pre = self._np_before(i, lo)
            if pre and (self._generic_head(pre[0]) or self.mentions_in(*self._surface(*pre))):
                return self._surface(*pre)  # وكانت الوكالة قد وصفت التغطية بأنها "..."
        if cue.lemma == "جاء":
            # وجاء في البيان: "..." -> the statement speaks
            if i + 1 < len(self.word_starts) and self.norms[i + 1] in ("في", "فى"):
                np = self._np_after(i + 1, hi)
                return self._surface(*np) if np else None
            return None
        np = self._np_after(i, hi)
        if np and cue.lemma in _OBJECT_VERBS and np[1] < len(self.word_starts):
            nxt = self.norms[np[1]] if self.word_ends[np[1]] <= hi else ""
            gap = self.gap(np[1] - 1).strip(_SPACE)
            if nxt.startswith(("بان", "ب")) or (gap and not gap.strip(_NAME_MARKS)):
                np = (np[0], np[1] - 1) if np[1] - 1 > np[0] else None  # وصفت الإطلاق بأنه: an object
        if np:
            return self._surface(*np)
        np = self._topic_before(i, lo) or self._np_before(i, lo)
        if np:
            return self._surface(*np)
        return None

    def _relative_is_object(self, rel: int, i: int) -> bool:
        """The relative pronoun before verb ``i`` is not its subject: the verb carries an object
        pronoun that refers back to it (الذي وصفه الوزير) or does not agree with it in gender or number
        (الذين أشار بيان ...، التي قال الوزير إنها)."""
        w = self.norms[i]
        core = w[1:] if w[:1] in "وف" and lookup_cue(w[1:]) is not None else w
        if cue_lexicon().get(core) is None:
            return True  # the cue was found only after taking off an object pronoun
        raw = self.text[self.word_starts[i]:self.word_ends[i]]
        plural = raw.endswith(("وا", "ون"))
        feminine = raw.endswith("ت") or (core[:1] == "ت" and not plural)
        r = self.norms[rel].lstrip("و")
        if r == "الذين":
            return not plural
        if r == "التي":
            return not feminine and not plural
        if r == "الذي":
            return feminine or plural
        return False

    def _topic_before(self, i: int, lo: int) -> tuple[int, int] | None:
        """The topic of ``أما فلان، ...، فقال``: a verb written with ف takes its subject from the noun
        phrase after an earlier أما in the sentence."""
        if not self.norms[i].startswith("ف") or lookup_cue(self.norms[i][1:]) is None:
            return None
        start = self.clause_start(lo, self.word_starts[i])
        for k in reversed(self.word_range(start, self.word_starts[i])):
            if self.norms[k] in ("اما", "واما"):
                return self._np_after(k, self.word_starts[i])
        return None

    def is_descriptive(self, start: int, end: int) -> bool:
        """True when ``text[start:end]`` describes a speaker without naming it: a generic head
        followed only by adjectives (المتحدث الرسمي، مصدر أمني), or two such phrases joined by
        ``باسم`` (المتحدث باسم الحركة)."""
        if self.mentions_in(start, end):
            return False
        rng = list(self.words_overlapping(start, end))
        if not rng:
            return False
        parts, current = [], []
        for k in rng:
            if self.norms[k] == "باسم":
                parts.append(current)
                current = []
            else:
                current.append(self.norms[k])
        parts.append(current)
        return all(part and _is_generic_phrase(part) for part in parts)

    def _with_apposition(self, span: tuple[int, int], hi: int) -> tuple[int, int]:
        """``span``, or the name set off after it when it starts with a title (ممثل الشباب، فلان،)."""
        words = self.words_overlapping(*span)
        if words and self._generic_head(words[0]):
            return self._apposition(words[-1] + 1, hi) or span
        return span

    def _has_name(self, a: int, b: int) -> bool:
        """Words [a, b) hold a name after a definite title: an indefinite word right after a definite
        one can be neither its adjective nor its genitive (الوزيرة الدكتورة فلانة، الرئيس محمد ...).
        Words that start like a conjunction or preposition (وأسماء، بمنطقة، لكرة) do not count."""
        return any(self.norms[k - 1].startswith("ال") and not self.norms[k].startswith("ال")
                   and self.norms[k][:1] not in "وفبلك" and self.norms[k] not in _NP_STOP for k in range(a + 1, b))

    def _generic_head(self, a: int) -> bool:
        return _bare(self.norms[a]) in _GENERIC_HEADS or self.norms[a] in _GENERIC_HEADS

    def _apposition(self, b: int, hi: int) -> tuple[int, int] | None:
        """A name set off by commas after a title or description (``المتحدث باسم الحركة، أبو وليد،``
        / ``وكيل الوزارة، الأمير فلان،``): it must end at a comma, a colon, a quote mark or a cue."""
        if b >= len(self.word_starts) or b < 1 or not self.comma_after(b - 1):
            return None
        if self.gap(b - 1).strip(_SPACE + "،," + _NAME_MARKS):
            return None
        if self.norms[b].startswith("ال"):
            if _bare(self.norms[b]) not in _TITLE_WORDS | _PERSON_HEADS or not self._has_name(
                    b, min(b + 2, len(self.word_starts))):
                return None  # فلان، المستشار الإعلامي للوزير،: a title (but وكيل الوزارة، الأمير فلان، names)
        elif self._generic_head(b):
            return None  # فلان، رئيس الحزب،: a title in construct form describes
        j, e = b, b
        closed = False
        while j < len(self.word_starts) and j - b < 5:
            w = self.norms[j]
            if self.inside_quote(self.word_starts[j], self.word_ends[j]) or lookup_cue(w) is not None:
                closed = e > b  # a cue ends the name even past ``hi`` (فلان قوله، with hi at the cue)
                break
            if self.word_ends[j] > hi:
                break
            if w in _NP_STOP or self._starts_pp(j):
                # a time word between the name and its cue (أبو وليد السبت قوله) still ends the name
                closed = e > b and j + 1 < len(self.word_starts) and not self.gap(j).strip(_SPACE) and \
                    lookup_cue(self.norms[j + 1]) is not None
                break
            e = j + 1
            gap = self.gap(j)
            if gap.strip(_SPACE + _NAME_MARKS):
                closed = any(c in gap for c in "،,:\"«»“”")
                break
            j += 1
        if e == b or not closed:
            return None
        span = self._surface(b, e)
        return None if self.is_descriptive(*span) else span

    def _in_marked_title(self, k: int) -> bool:
        """Word ``k`` lies inside marked text longer than a name (a headline or title in marks)."""
        i = bisect.bisect_right(self._marked_starts, self.word_starts[k]) - 1
        if i < 0 or not self.marked_spans[i][0] <= self.word_starts[k] < self.marked_spans[i][1]:
            return False
        return len(self.word_range(*self.marked_spans[i])) > 4

    def _named_by_head(self, head: str, lo: int, pos: int) -> tuple[int, int] | None:
        """The last mention before ``pos`` that names what a description's head noun refers to:
        for ``المنظمة`` the phrase ``منظمة هيومن رايتس ووتش`` (the head followed by a name), for
        ``الوزيرة`` the phrase ``الوزيرة الدكتورة فلانة``, for ``المتحدث`` the name set off after an earlier ``المتحدث باسم ...، فلان``."""
        for k in reversed(self.words_with_bare(head, self.word_range(lo, pos))):
            if _bare(self.norms[k]) != head or self.inside_quote(self.word_starts[k], self.word_ends[k]) or \
                    self._in_marked_title(k):
                continue
            np = self._np_after(k - 1, pos) if k > 0 else None
            if np is None or np[0] != k:
                continue
            appo = self._apposition(np[1], pos)
            if appo is not None:
                return appo
            span = self._surface(*np)
            if head in _PERSON_HEADS and not self.norms[k].lstrip("وف").startswith("ال") and not (
                    self._has_name(*np) or self.mentions_in(*span)):
                continue  # مسؤول في الإدارة المحلية: an unnamed person, not a name for a later المسؤول العسكري
            if not self.is_descriptive(*span) and (
                    not self.norms[k].lstrip("وف").startswith("ال") or self._has_name(*np) or self._names_head(k, span)):
                return span  # منظمة هيومن رايتس ووتش / الوزيرة الدكتورة فلانة
        return None

    def _names_head(self, k: int, span: tuple[int, int]) -> bool:
        """A registry mention in ``span`` names the definite head word ``k`` itself: it covers the head or
        starts right after it (الرئيس محمد مرسي). A definite noun takes no genitive, so a mention after
        its adjectives is another noun phrase (وحثت المنظمة الحقوقية الأمم المتحدة: the object)."""
        nxt = self.word_starts[k + 1] if k + 1 < len(self.word_starts) else self.word_ends[k]
        return any(m.start <= nxt for m in self.mentions_in(*span))

    def attribute(self, cue: Cue, lo: int, hi: int) -> Attribution:
        """Speaker of ``cue``: its explicit subject when that names the speaker; for a description
        (المتحدث) the name set off after it or the last mention that names it, else the speaker before
        the sentence, else the description itself; with no subject, from context (:meth:`resolve`)."""
        span = self.subject_of(cue, lo, hi)
        sentence_start = self._sentence_start(cue.start)
        if span is None and self._passive_writing(cue) and self._first_verb(sentence_start, cue.end) == cue.word_index:
            att = Attribution()  # وكتب على إحدى اللافتات «...»: written, by nobody named
        elif span is None:
            att = self.resolve(cue.start, lo, prefer_subjects=cue.role == "participle", gender=self.cue_gender(cue))
        else:
            named = self._naming_span(span, cue, hi)
            if named is not None:
                return self._speaker(named[0], named[1], cue)
            mentions = self.mentions_in(sentence_start, span[0])
            if mentions:  # وفي بيان لوزارة الخارجية، قال المتحدث
                m = mentions[-1]
                return self._speaker(m.start, m.end, cue)
            att = self._speaker_before(cue.start, sentence_start, self._speaker(span[0], span[1], cue))
        att.cue, att.stance = cue.surface, cue.stance
        return att

    def _passive_writing(self, cue: Cue) -> bool:
        """``كتب عليها`` / ``كتب على اللافتة`` / ``مكتوبا عليها``: words written on something, not a
        person who wrote (``كتب على حسابه`` is active: the object of على is his own)."""
        if cue.lemma != "كتب":
            return False
        i = cue.word_index
        nxt = self.norms[i + 1] if i + 1 < len(self.word_starts) else ""
        if cue.role == "participle" or nxt in ("عليها", "عليه", "عليهم"):
            return True
        after = self.norms[i + 2] if i + 2 < len(self.word_starts) else ""
        return nxt in ("على", "علي") and (_bare(after) in _SIGN_NOUNS or after in ("احدي", "احد"))

    def bearer(self, pos: int) -> Attribution:
        """Speaker of chants or banner slogans that no speech verb introduces (ورفع الطلاب لافتات منها
        "..."): the subject of the sentence's first verb when it can speak, else nobody (وعلت الهتافات)."""
        span = self._clause_subject(self._sentence_start(pos), pos)
        if span is None:
            return Attribution()
        verb = Cue(span[0], span[0], "", "", "verb", "neutral", 0)
        named = self._naming_span(span, verb, pos) or span
        return self._speaker(named[0], named[1], verb)

    def _sentence_start(self, pos: int) -> int:
        return self.clause_start(self.window_start(self.paragraph_bounds(pos)[0]), pos)

    def resolve(self, pos: int, lo: int, prefer_subjects: bool = False, gender: str | None = None) -> Attribution:
        """Speaker of a pronoun / verb-only cue at ``pos``: the nearest naming subject of a speech verb
        or source, the subject of the sentence's first verb, or a registry speaker, in the same
        sentence; else the speaker before the sentence (:meth:`_speaker_before`)."""
        sentence_start = self._sentence_start(pos)
        best, described = self._nearest_candidate(sentence_start, pos, prefer_subjects, allow_mentions=True)
        if best is not None:
            return best
        att = self._speaker_before(pos, sentence_start, described, gender)
        att.gender = att.gender or gender
        return att

    def _speaker_before(self, pos: int, sentence_start: int, described: Attribution | None = None,
                        gender: str | None = None) -> Attribution:
        """The more recent of the nearest naming subject of a speech verb before ``sentence_start`` and
        the last speaker; else ``described`` (an unnamed subject of the sentence); else the nearest
        registry speaker before. A pronoun cue whose verb shows a gender (وأضافت) skips speakers known to
        be of the other gender (the subject of an earlier قال)."""
        before, _ = self._nearest_candidate(max(0, pos - _LOOKBACK), sentence_start, True, allow_mentions=False,
                                            gender=gender)
        last = self.last if self.last is not None and self.last.speaker and (self.last.speaker_start or 0) < pos else None
        if last is not None and gender and last.gender and last.gender != gender:
            last = None
        if last is not None and (before is None or (last.speaker_start or 0) > (before.speaker_start or 0)):
            return Attribution(last.speaker, last.speaker_start, last.speaker_end, last.speaker_id,
                               last.speaker_type, gender=last.gender)
        if before is not None:
            return before
        if described is not None:
            return described
        mentions = self.mentions_in(max(0, pos - _LOOKBACK), sentence_start)
        if mentions:
            m = mentions[-1]
            entry = self.registry.get(m.speaker_id)
            return Attribution(self.text[m.start:m.end], m.start, m.end, m.speaker_id,
                               entry.type if entry else "unknown")
        return Attribution()

    def _nearest_candidate(self, lo: int, hi: int, prefer_subjects: bool, allow_mentions: bool,
                           gender: str | None = None) -> tuple[Attribution | None, Attribution | None]:
        """(speaker named in ``[lo, hi)``, unnamed description that is the subject there). With
        ``allow_mentions`` (the cue's own sentence), source phrases (بحسب فلان) and the subject of the
        sentence's first verb count too, and registry mentions before a speech verb without a
        subject (mentions after it are its objects). A speech verb whose subject is an unnamed
        description (وقال المصدر) ends the search: nothing earlier in the sentence is the speaker."""
        subject = described = None
        anchor = hi
        for i in reversed(self.cue_words(lo, hi)):
            if self.inside_quote(self.word_starts[i], self.word_ends[i]):
                continue
            cue = self.cue_at(i)
            if cue is None or cue.role == "participle":
                continue
            if cue.role == "source" and (not allow_mentions or any(
                    self.norms[k] in _COMPLEMENTIZER_WORDS for k in self.word_range(lo, cue.start))):
                continue  # أوضح أن ... حسب فتوى المفتي: a source inside the reported words
            span = self.subject_of(cue, self.clause_start(lo, cue.start), hi)
            if span is None and cue.role == "verb":
                anchor = cue.start  # وتساءل ... مخاطبا أعضاء جماعة X بقوله: X is spoken to
            if span is None or self.inside_quote(*span):
                continue
            named = self._naming_span(span, cue, hi)
            if named is None:
                if allow_mentions:
                    described = self._speaker(span[0], span[1], cue)
                    described.cue = described.stance = None
                    anchor = cue.start
                    break
                continue
            subject = self._speaker(named[0], named[1], cue)
            subject.cue = subject.stance = None
            if gender and subject.gender and subject.gender != gender:
                subject = None  # وأضافت after قال فلان: not him
                continue
            break
        if subject is None and described is None and allow_mentions:
            span = self._clause_subject(lo, anchor)
            if span is not None:
                verb = Cue(span[0], span[0], "", "", "verb", "neutral", 0)
                named = self._naming_span(span, verb, hi)
                if named is not None:
                    subject = self._speaker(named[0], named[1], verb)
                    subject.cue = subject.stance = None
                else:
                    described = self._speaker(span[0], span[1], verb)
                    described.cue = described.stance = None
        mention = None
        if allow_mentions:
            found = [m for m in self.mentions_in(lo, anchor) if not self._adjective_mention(m)]
            if found:
                m = found[-1]
                entry = self.registry.get(m.speaker_id)
                mention = Attribution(self.text[m.start:m.end], m.start, m.end, m.speaker_id,
                                      entry.type if entry else "unknown")
        if subject and mention:
            if prefer_subjects or mention.speaker_start < subject.speaker_start:
                return subject, described
            k = bisect.bisect_left(self.word_starts, mention.speaker_start)
            after_that = k > 0 and self.norms[k - 1] in ("ان", "انه", "بان", "لان")
            return (mention if after_that else subject), described
        return subject or mention, described

    def _naming_span(self, span: tuple[int, int], cue: Cue, hi: int) -> tuple[int, int] | None:
        """``span`` (a subject) or the mention that names it: the name set off after a title, or for a
        description (قالت الوزيرة) the last earlier mention that names it; None when nothing does."""
        span = self._with_apposition(span, hi)
        if not self.is_descriptive(*span):
            words = self.words_overlapping(*span)
            if words and (self._generic_head(words[0]) or _bare(self.norms[words[0]]) in _TITLE_WORDS):
                named = self._name_after_pp(words[-1] + 1, hi)  # أمين منطقة X رئيس اللجنة للانتخابات فلان
                if named is not None:
                    return named
            return self._apposed_name(span, cue) or span
        first = self.words_overlapping(*span)
        if not first:
            return None
        named = self._apposition(first[-1] + 1, hi) or self._name_after_pp(first[-1] + 1, hi) or \
            self._named_by_head(_bare(self.norms[first[0]]), max(0, cue.start - _LOOKBACK), span[0])
        if named is None and self._new_referent(first[0]):
            return span  # مصدر أمني، شهود عيان، المتظاهرون: no earlier mention names them
        return named

    def _name_after_pp(self, b: int, hi: int) -> tuple[int, int] | None:
        """The name that ends a long title after its prepositional complement, with no comma
        (``عضو المكتب السياسي للحركة فلان الفلاني،`` / ``رئيس اللجنة للانتخابات بالمنطقة فلان بن فلان أنه``):
        after words of the form لل.../بال... (and definite adjectives after them), two or more words
        that start indefinite and end at punctuation, a complementizer, a cue or a quote mark."""
        j = b
        if j >= len(self.word_starts) or not self.norms[j].startswith(("لل", "بال")) or self.gap(j - 1).strip(_SPACE):
            return None
        while j < len(self.word_starts) and j - b < 5 and self.word_ends[j] <= hi and not self.gap(j - 1).strip(_SPACE) \
                and (self.norms[j].startswith(("لل", "بال")) or (j > b and self.norms[j].startswith("ال"))):
            j += 1
        start = j
        if start >= len(self.word_starts) or self.gap(start - 1).strip(_SPACE) or self.word_ends[start] > hi:
            return None
        w = self.norms[start]
        if w.startswith("ال") or w[:1] in "وفبل" or w in _NP_STOP or lookup_cue(w) is not None or \
                _bare(w) in _GENERIC_HEADS or _bare(w) in _TITLE_WORDS:
            return None
        e = start
        while e < len(self.word_starts) and e - start < 5 and self.word_ends[e] <= hi:
            w = self.norms[e]
            if (w in _NP_STOP and not self._name_ali(e, start)) or lookup_cue(w) is not None or \
                    self.inside_quote(self.word_starts[e], self.word_ends[e]):
                break
            e += 1
            if self.gap(e - 1).strip(_SPACE):
                break
        if e - start < 2:
            return None
        nxt = self.norms[e] if e < len(self.word_starts) else ""
        ended = self.gap(e - 1).strip(_SPACE) or nxt in _COMPLEMENTIZER_WORDS or lookup_cue(nxt) is not None
        if not ended:
            return None
        span = self._surface(start, e)
        return None if self.is_descriptive(*span) else span

    def _apposed_name(self, span: tuple[int, int], cue: Cue) -> tuple[int, int] | None:
        """The name an epithet was set off after earlier in the text: for ``وأضاف محامي الجماعة`` after
        ``فلان، محامي الجماعة،`` the speaker is ``فلان`` (the gold names the person, and the epithet
        only names the organisation). Only for a phrase headed by a person noun (محامي، رئيس، المتحدث)."""
        rng = self.words_overlapping(*span)
        if not rng or _bare(self.norms[rng[0]]) not in _PERSON_HEADS:
            return None
        target = [_bare(self.norms[k]) for k in rng]
        n = len(target)
        for k in reversed(self.words_with_bare(target[0], self.word_range(max(0, cue.start - _LOOKBACK), span[0]))):
            if k < 1 or k + n > len(self.word_starts) or _bare(self.norms[k]) != target[0] or \
                    [_bare(w) for w in self.norms[k:k + n]] != target:
                continue
            if not self.comma_after(k - 1) or self.inside_quote(self.word_starts[k], self.word_ends[k]):
                continue
            a = k
            while a > 0 and k - a < 4 and not (a < k and self.gap(a - 1).strip(_SPACE)):
                w = self.norms[a - 1]
                if w in _NP_STOP or w in _PRE_SKIP or lookup_cue(w) is not None or \
                        self.inside_quote(self.word_starts[a - 1], self.word_ends[a - 1]):
                    break
                a -= 1
            if a < k and self._speaker_like(a, k):
                name = self._surface(a, k)
                if not self.is_descriptive(*name):
                    return name
        return None

    def _new_referent(self, a: int) -> bool:
        """A description headed by word ``a`` introduces its own referent instead of pointing back
        to a named one: an indefinite head (مصدر مسؤول) or a plural group (المتظاهرون، الأهالي)."""
        w = self.norms[a]
        core = _bare(w)
        return not w.lstrip("وف").startswith(("ال", "لل")) or core.endswith(("ون", "ين")) or core in _GROUP_NOUNS

    def _adjective_mention(self, m: Mention) -> bool:
        """A registry alias used as an adjective: a definite alias right after a definite noun
        (الفتاة السعودية), not a name."""
        k = bisect.bisect_left(self.word_starts, m.start)
        return (0 < k < len(self.word_starts) and self.norms[k].startswith("ال") and self.norms[k - 1].startswith("ال")
                and not self.gap(k - 1).strip(_SPACE))

    def _first_verb(self, lo: int, hi: int) -> int | None:
        """Index of the word that may be the first verb of the sentence ``[lo, hi)`` (after a leading
        prepositional phrase set off by a comma and after particles), or None."""
        rng = self.word_range(lo, hi)
        a = rng.start
        if a < rng.stop and (self.norms[a] in _PREPOSITIONS or self.norms[a] in ("من", "ومن")):
            for k in range(a, min(a + 6, rng.stop - 1)):  # من جانبه، / وفي العاصمة، هاجم فلان ...
                if self.comma_after(k):
                    a = k + 1
                    break
        while a < rng.stop and (self.norms[a] in _PRE_SKIP or self.norms[a] in _NEGATIONS):
            a += 1
        return a if a < rng.stop and self._looks_like_verb(a) else None

    def _clause_subject(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Subject of the first verb of the sentence ``[lo, hi)`` (``وجدد فلان انتقاده ...، متهما``),
        which a participle or a pronoun cue later in the sentence refers to, when it can be a speaker.
        The first word counts as a verb when nothing marks it as a noun or a particle; the subject ends
        where an indefinite word follows a definite one that is not a title (``ورفع المتظاهرون لافتات``:
        the object). A clause coordinated after a comma (``...، وقد نعاهم فلان في برقية أكد فيها``) is
        nearer than the sentence's first verb and is tried first; so is one after ``، حيث`` / ``، إذ``
        (``تأتي الاشتباكات ...، حيث نددت الحركة بما وصفته``)."""
        starts = [self.word_starts[k + 1] for k in self.word_range(lo, hi)
                  if k + 1 < len(self.word_starts)
                  and (self.norms[k + 1].startswith("و") or self.norms[k + 1] in ("حيث", "اذ"))
                  and self.comma_after(k) and not self.inside_quote(self.word_starts[k], self.word_ends[k])]
        # ``...، الذي قدمه الإعلام بوصفه``: a relative clause whose verb carries an object pronoun has its
        # own subject after the verb
        starts += [self.word_starts[k + 2] for k in self.word_range(lo, hi)
                   if k + 2 < len(self.word_starts) and self.norms[k + 1] in _RELATIVES
                   and self.comma_after(k) and self._looks_like_verb(k + 2)
                   and self.text[self.word_starts[k + 2]:self.word_ends[k + 2]].endswith(("ه", "ها", "هم"))
                   and self.word_ends[k + 2] <= hi and not self.inside_quote(self.word_starts[k], self.word_ends[k])]
        starts.sort()
        for start in reversed([lo] + starts):
            span = self._verb_subject(start, hi)
            if span is not None:
                return span
        return None

    def _verb_subject(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The speaker-like subject of the first verb of the clause ``[lo, hi)`` (see :meth:`_clause_subject`)."""
        a = self._first_verb(lo, hi)
        if a is None:
            return None
        np = self._np_after(a, hi)
        if np is None or self.norms[np[0]].startswith(("بال", "لل", "كال")):
            return None  # وأشاد بالجهود: a prepositional phrase, no subject
        first, b = np
        for k in range(first + 1, b):
            prev = self.norms[k - 1]
            raw = self.text[self.word_starts[k]:self.word_ends[k]]
            w = self.norms[k]
            compound = k >= 2 and self.norms[k - 2] in ("عبد", "ابو", "عبيد")  # عبد الرحمن يوسف
            if prev.startswith("ال") and not compound and (
                    raw.endswith(("ه", "ها", "هم")) or not w.startswith("ال") and not _is_title(prev) and
                                          not self.mentions_in(self.word_starts[k - 1], self.word_ends[k])):
                b = k  # ورفع المتظاهرون لافتات / ويقدم الكاتب مقترحه: the object starts here
                break
            if not w.startswith("ال") and len(w) >= 4 and (raw.endswith(("ا", "اً", "ًا")) or (
                    w[0] in "بل" and raw.endswith(("ة", "ات")))):
                b = k  # وضع الرئيس فلان إكليلا / بقادة: an indefinite object or a prepositional phrase
                break
        span = self._surface(first, b)
        return span if self._speaker_like(first, b) else None

    def can_speak(self, span: tuple[int, int] | None) -> bool:
        """``text[span]`` can name a speaker (see :meth:`_speaker_like`); False for None."""
        if span is None:
            return False
        words = self.words_overlapping(*span)
        return bool(words) and self._speaker_like(words.start, words.stop)

    def _speaker_like(self, a: int, b: int) -> bool:
        """Words [a, b) can name someone who speaks: a registry name, a person or organisation head, a
        title, a media noun, a human plural (المتظاهرون), or a name of two or more words."""
        if self.mentions_in(self.word_starts[a], self.word_ends[b - 1]):
            return True
        head = _bare(self.norms[a])
        if head in _GENERIC_HEADS or head in _TITLE_WORDS or head in _MEDIA_NOUNS or head in _PARTITIVES:
            return True
        if self.norms[a].startswith("ال"):
            return head.endswith(("ون", "يين")) or head in _GROUP_NOUNS  # المتظاهرون، الطلاب
        raws = [self.text[self.word_starts[k]:self.word_ends[k]] for k in range(a, b)]
        return b - a >= 2 and not raws[0].endswith("ة") and not any(r.endswith(("ه", "ها", "هم")) for r in raws)

    def _looks_like_verb(self, a: int) -> bool:
        """Word ``a`` may be a finite verb: not a particle, preposition, pronoun, title or other noun
        that shows itself (article, ta marbuta, digits, a مـ noun such as موقع), and no registry name
        starts with it."""
        w = self.norms[a]
        raw = self.text[self.word_starts[a]:self.word_ends[a]]
        core = w[1:] if len(w) >= 4 and w[0] in "وف" else w
        if core.startswith("ال") or raw.endswith("ة") or any(ch.isdigit() for ch in w) or not 3 <= len(core) <= 7:
            return False
        if core.startswith("م") and len(core) >= 4 and not core.endswith(("ت", "وا")):
            return False
        if any(x in _NP_STOP or x in _PREPOSITIONS or x in _PRONOUN_HEADS for x in (w, core)) or \
                _bare(core) in _GENERIC_HEADS:
            return False
        mentions = self.mentions
        m = bisect.bisect_left(self._mention_starts, self.word_starts[a])
        return not (m < len(mentions) and mentions[m].start < self.word_ends[a])

