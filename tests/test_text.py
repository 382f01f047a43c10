"""The Arabic text layer: property tests on Arabic-heavy generated text (offsets always index the
original), unit tests for the sentence splitter and clitic analysis, and bidi control handling."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric.text import (
    BIDI_CONTROLS,
    analyze_clitics,
    clitic_breakdown,
    count_word_forms,
    count_words,
    has_arabic,
    normalize,
    normalize_with_offsets,
    split_sentences,
    tokenize,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
HAMZA_FORMS = "ءآأؤإئٱ"
OTHER_LETTERS = "ىة" + "پچژگک"  # alef maksura, taa marbuta, Persian letters
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
TATWEEL = "\u0640"
PUNCT = [".", "!", "?", "؟", "…", "«", "»", "“", "”", '"', "'", "،", "؛", ":", "(", ")", "...", ". ", "؟ "]
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩"
LIGATURES = "ﻻﷲ"  # presentation forms that normalise to more than one character

letter = st.sampled_from(LETTERS + HAMZA_FORMS + OTHER_LETTERS)
word = st.lists(
    st.one_of(letter, letter, letter, st.sampled_from(DIACRITICS + TATWEEL + LIGATURES)), min_size=1, max_size=9
).map("".join)
chunk = st.one_of(
    word, word, word, word,
    st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\t"]),
    st.sampled_from(PUNCT),
    st.text(alphabet=DIGITS, min_size=1, max_size=4),
    st.sampled_from(list(BIDI_CONTROLS)),
    st.sampled_from(["د.", "أ.د.", "3.5", "2023.9.13", "Dr.", "ABC"]),
)
arabic_text = st.lists(chunk, max_size=60).map("".join)


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(st.lists(st.one_of(arabic_text, st.text(max_size=30)), max_size=5))
def test_word_counts_are_those_of_the_tokens(texts):
    """count_word_forms / count_words (C-level regex scans) count exactly what tokenize's tokens say."""
    expected: dict = {}
    for text in texts:
        for token in tokenize(text):
            if token.is_word:
                key = normalize(token.text)
                expected[key] = expected.get(key, 0) + 1
        assert count_words(text) == sum(1 for t in tokenize(text) if any(c.isalnum() for c in t.text))
    assert dict(count_word_forms(texts)) == expected


def test_word_form_tables_hold_for_every_code_point():
    """word_form_table classifies code points by table: a separator is white space, punctuation or a
    symbol to the token regex, a letter is str.isalpha, and a form is normalize's. Checked on every
    code point, since Python and the regex module have their own Unicode data; letters beyond the
    BMP (classified one by one) must be inside token runs too."""
    import regex

    from rhetoric import text as text_module

    separator, letter, form, (letters, sizes) = text_module._word_form_tables()
    bmp = "".join(map(chr, range(0x10000)))
    assert separator.tolist() == [bool(regex.fullmatch(r"[\s\p{P}\p{S}]", ch)) for ch in bmp]
    assert letter.tolist() == [ch.isalpha() for ch in bmp]
    assert not (separator & letter).any()
    for cp, ch in enumerate(bmp):
        out = normalize(ch)
        if len(out) > 1:
            number = int(form[cp]) - 0xD800
            assert "".join(map(chr, letters[number, :sizes[number]])) == out
        else:
            assert form[cp] == (ord(out) if out else text_module._DELETED)
    assert text_module._RUN_RE.fullmatch("".join(ch for ch in map(chr, range(0x10000, 0x110000)) if ch.isalpha()))
    assert normalize("".join(map(chr, range(0x10000, 0x110000)))) == "".join(map(chr, range(0x10000, 0x110000)))


def test_normalisation_table_is_cached_and_rebuilt_when_damaged(tmp_path):
    """The first process builds the table from camel-tools and saves it; the next one reads it
    without importing camel-tools and normalises the same; a damaged file is rebuilt."""
    import os
    import subprocess
    import sys

    code = ("import sys; from rhetoric.text import normalize, _build_translate_table, _tables; "
            "print(normalize('الإمبرياليّة ﻻ'), 'camel_tools' in sys.modules, _tables()[0] == _build_translate_table())")
    env = {**os.environ, "RHETORIC_CACHE": str(tmp_path)}

    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              check=True).stdout.split()

    assert run() == ["الامبرياليه", "لا", "True", "True"]  # built (camel-tools imported), saved
    [saved] = tmp_path.glob("normalization-*.json")
    assert run() == ["الامبرياليه", "لا", "False", "True"]  # read back: camel-tools not imported
    saved.write_text("{not json", encoding="utf-8")
    assert run()[:2] == ["الامبرياليه", "لا"]
    assert saved.read_text(encoding="utf-8").startswith("{\"")  # rebuilt and saved again


def test_word_forms_of_ligatures_empty_words_and_astral_characters():
    """The paths of word_form_table that ordinary Arabic text rarely takes, by their expected counts."""
    assert count_word_forms(["ﻻ إله إﻻ ﷲ", "ﷲﻻ"]) == {"لا": 1, "اله": 1, "الا": 1, "الله": 1, "اللهلا": 1}
    assert count_word_forms(["ـ قال ـ"]) == {"": 2, "قال": 1}  # a tatweel is a letter; its form is empty
    assert count_word_forms(["😀قال😀 𝐀𝐁"]) == {"قال": 1, "𝐀𝐁": 1}  # emoji are symbols: they cut words
    assert count_word_forms(["\ud800 قال"]) == {"قال": 1}  # a lone surrogate: counted token by token
    assert count_word_forms(["x\x1fy ب", "", "  ", "12 3.5"]) == {"x\x1fy": 1, "ب": 1}
    assert count_word_forms([]) == {}


@PROPERTY
@given(arabic_text)
def test_token_offsets_slice_the_original(text):
    tokens = tokenize(text)
    previous_end = 0
    for token in tokens:
        assert token.text == text[token.start:token.end]
        assert token.start >= previous_end and token.end > token.start
        assert not token.text.isspace()
        assert token.text[0] not in BIDI_CONTROLS and token.text[-1] not in BIDI_CONTROLS
        previous_end = token.end
    # Nothing but white space and bidi controls lies between tokens.
    covered = set()
    for token in tokens:
        covered.update(range(token.start, token.end))
    assert all(text[i].isspace() or text[i] in BIDI_CONTROLS for i in range(len(text)) if i not in covered)


@PROPERTY
@given(arabic_text)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once
    assert not any(ch in BIDI_CONTROLS for ch in once)
    assert not any(ch in DIACRITICS + TATWEEL for ch in once)


@PROPERTY
@given(arabic_text)
def test_normalize_with_offsets_maps_every_char_back(text):
    norm = normalize_with_offsets(text)
    assert norm.text == normalize(text)
    assert norm.original == text
    assert len(norm.starts) == len(norm.text) + 1 and norm.starts[-1] == len(text)
    assert all(norm.starts[i] <= norm.starts[i + 1] for i in range(len(norm.text)))
    # The normalised characters that come from original character j are exactly normalize(text[j]).
    produced: dict[int, str] = {}
    for i, ch in enumerate(norm.text):
        produced[int(norm.starts[i])] = produced.get(int(norm.starts[i]), "") + ch
    for j, original in enumerate(text):
        assert produced.get(j, "") == normalize(original)


@PROPERTY
@given(arabic_text, st.data())
def test_span_maps_normalised_ranges_to_original_ranges(text, data):
    norm = normalize_with_offsets(text)
    if not norm.text:
        return
    # Boundaries between whole original characters (not inside a ligature's expansion).
    bounds = [0] + [i for i in range(1, len(norm.text)) if norm.starts[i] != norm.starts[i - 1]] + [len(norm.text)]
    start = data.draw(st.sampled_from(bounds[:-1]))
    end = data.draw(st.sampled_from([b for b in bounds if b > start]))
    o_start, o_end = norm.span(start, end)
    assert 0 <= o_start < o_end <= len(text)
    assert normalize(text[o_start:o_end]) == norm.text[start:end]


@PROPERTY
@given(arabic_text)
def test_sentence_spans_cover_the_text_in_order(text):
    spans = split_sentences(text)
    if not text:
        assert spans == []
        return
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (a, b), (c, d) in zip(spans, spans[1:]):
        assert b == c
    assert all(b > a for a, b in spans)
    # Every newline ends a sentence.
    ends = {b for _, b in spans}
    assert all(i + 1 in ends for i, ch in enumerate(text) if ch == "\n")


PROCLITIC_PREFIXES = ["", "", "و", "ف", "ب", "ك", "ل", "س", "ال", "وال", "بال", "وبال", "فبال", "لل", "ولل", "فس", "كال"]
ENCLITIC_SUFFIXES = ["", "", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ي", "ني"]
normalised_word = st.builds(
    lambda p, core, s: p + core + s,
    st.sampled_from(PROCLITIC_PREFIXES),
    st.text(alphabet=LETTERS + "ت", min_size=1, max_size=7),
    st.sampled_from(ENCLITIC_SUFFIXES),
)


def _reassemble(reading, word: str) -> bool:
    """proclitics + stem + enclitic == word, allowing ل+ال written لل and a stem's ه written ت."""
    prefix = ""
    for i, proc in enumerate(reading.proclitics):
        prefix += "ل" if proc == "ال" and i > 0 and reading.proclitics[i - 1] == "ل" else proc
    candidates = {prefix + reading.stem + reading.enclitic}
    if reading.enclitic and reading.stem.endswith("ه"):
        candidates.add(prefix + reading.stem[:-1] + "ت" + reading.enclitic)
    return word in candidates


@PROPERTY
@given(normalised_word)
def test_clitic_readings_reassemble_to_the_word(word):
    readings = analyze_clitics(word)
    if len(word) < 2:
        assert readings == ()  # stems shorter than two letters are never offered
        return
    assert readings[0].proclitics == () and readings[0].stem == word and readings[0].enclitic == ""
    assert len(set(readings)) == len(readings)
    for reading in readings:
        assert _reassemble(reading, word), reading.render()
        assert len(reading.stem) >= 2
        assert not (reading.definite and reading.enclitic)  # definite stems take no enclitic


@PROPERTY
@given(st.sampled_from(PROCLITIC_PREFIXES), st.lists(st.one_of(letter, st.sampled_from(DIACRITICS)), min_size=2,
                                                     max_size=8).map("".join))
def test_clitic_breakdown_keeps_the_original_spelling(prefix, core):
    surface = prefix + core
    for reading in analyze_clitics(normalize(surface)):
        assert clitic_breakdown(surface, reading).replace("+", "") == surface


# --------------------------------------------------------------------------- sentence splitter


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_do_not_end_sentences():
    text = "استقبل د. أحمد الوفد صباحا. ثم تحدث أ.د. سامي عن الخطة."
    assert _sentences(text) == ["استقبل د. أحمد الوفد صباحا. ", "ثم تحدث أ.د. سامي عن الخطة."]


def test_decimals_and_dates_do_not_end_sentences():
    text = "بلغ النمو 3.5 في المئة في 2023.9.13 وفق التقرير. وارتفع التضخم."
    assert _sentences(text) == ["بلغ النمو 3.5 في المئة في 2023.9.13 وفق التقرير. ", "وارتفع التضخم."]


def test_list_numbers_do_not_end_sentences():
    assert _sentences("1. البند الأول مهم.\n2. البند الثاني.") == ["1. البند الأول مهم.\n", "2. البند الثاني."]


def test_question_exclamation_and_ellipsis_end_sentences():
    assert _sentences("هل انتهى الأمر؟ نعم! وبعد… لا شيء") == ["هل انتهى الأمر؟ ", "نعم! ", "وبعد… ", "لا شيء"]


def test_closing_quote_or_bracket_after_terminator_stays_with_the_sentence():
    # The quotation opened on an earlier line, so the closing mark belongs to the sentence it ends.
    text = "وتابع:\nإن العمل مستمر.» وانتهى اللقاء. (وصل الوفد.) ثم غادر."
    assert _sentences(text) == ["وتابع:\n", "إن العمل مستمر.» ", "وانتهى اللقاء. ", "(وصل الوفد.) ", "ثم غادر."]


def test_no_split_inside_a_short_quotation():
    for text in ["قال الوزير: «انتهى الأمر. لن نتراجع» ثم غادر القاعة.",
                 'قال الوزير: "انتهى الأمر. لن نتراجع" ثم غادر القاعة.',
                 "قال الوزير: “انتهى الأمر! لن نتراجع” ثم غادر القاعة."]:
        assert _sentences(text) == [text]


def test_long_quotation_is_split():
    inner = "انتهى الأمر. " + "وسنواصل العمل في كل المدن " * 12
    text = f"قال الوزير: «{inner}» ثم غادر."
    assert len(_sentences(text)) > 1


def test_every_newline_is_a_boundary_and_white_space_stays_attached():
    text = "السطر الأول\nالسطر الثاني بلا نقطة\n\nفقرة جديدة.  "
    assert _sentences(text) == ["السطر الأول\n", "السطر الثاني بلا نقطة\n", "\n", "فقرة جديدة.  "]


def test_empty_and_whitespace_text():
    assert split_sentences("") == []
    assert split_sentences("   ") == [(0, 3)]


def test_many_quotations_split():
    # Regression input: checking every terminator against every quotation was quadratic (198 s for
    # 5 MB); throughput is measured in bench/, not by a timed unit test.
    text = "قال المتحدث: «سنواصل العمل». وأضاف أن الخطة جاهزة. " * 20000
    spans = split_sentences(text)
    assert len(spans) == 40000


# --------------------------------------------------------------------------- clitics


def _reading(word: str, rendered: str):
    matches = [r for r in analyze_clitics(normalize(word)) if r.render() == rendered]
    assert matches, [r.render() for r in analyze_clitics(normalize(word))]
    return matches[0]


def test_clitics_conjunction_preposition_article():
    reading = _reading("وبالإمبريالية", "و+ب+ال+امبرياليه")
    assert reading.definite and reading.stem == normalize("إمبريالية")
    assert clitic_breakdown("وبالإمبريالية", reading) == "و+ب+ال+إمبريالية"


def test_clitics_lam_plus_article_written_double_lam():
    reading = _reading("للإمبريالية", "ل+ال+امبرياليه")
    assert reading.stem == normalize("إمبريالية") and reading.definite
    breakdown = clitic_breakdown("للإمبريالية", reading)
    assert breakdown.replace("+", "") == "للإمبريالية" and breakdown.endswith("إمبريالية")


def test_clitics_enclitic_and_taa_marbuta():
    assert _reading("قضيتنا", "قضيه+نا").enclitic == "نا"
    assert _reading("وكتابهم", "و+كتاب+هم").proclitics == ("و",)
    assert not any(r.definite and r.enclitic for r in analyze_clitics(normalize("والكتابهم")))


def test_clitics_keep_diacritised_surface():
    surface = "وَبِالإِمبِريالِيَّةِ"
    reading = _reading(surface, "و+ب+ال+امبرياليه")
    assert clitic_breakdown(surface, reading).replace("+", "") == surface


# --------------------------------------------------------------------------- normalisation and bidi


def test_normalisation_table():
    assert normalize("أإآٱ") == "اااا"
    assert normalize("على") == "علي"
    assert normalize("مدرسة") == "مدرسه"
    assert normalize("الْعَرَبِيَّةُ") == "العربيه"
    assert normalize("جـــمـيـل") == "جميل"
    assert normalize("٢٠٢٣ ۱۲") == "2023 12"
    assert normalize("ABC") == "abc"
    assert normalize("؟،؛") == "؟،؛"


def test_bidi_controls_kept_in_original_ignored_for_matching():
    text = "قالت \u200fالإمبريالية\u200f اليوم و\u200eال\u200fحرب"
    norm = normalize_with_offsets(text)
    assert not any(ch in BIDI_CONTROLS for ch in norm.text)
    target = normalize("الإمبريالية")
    i = norm.text.find(target)
    start, end = norm.span(i, i + len(target))
    assert text[start:end] == "الإمبريالية"  # the marks around it stay outside the highlight
    j = norm.text.find("الحرب")
    start, end = norm.span(j, j + len("الحرب"))
    assert text[start:end] == "ال\u200fحرب"  # a mark inside the word is part of the original span
    assert [t.text for t in tokenize(text)] == ["قالت", "الإمبريالية", "اليوم", "و\u200eال\u200fحرب"]


def test_span_includes_trailing_diacritics():
    text = "الحربُ قائمةٌ"
    norm = normalize_with_offsets(text)
    start, end = norm.span(0, 5)
    assert text[start:end] == "الحربُ"


def test_has_arabic():
    assert has_arabic("hello عالم")
    assert not has_arabic("hello world 123 ...")
    assert not has_arabic("\u200f\u200e")


@pytest.mark.parametrize("text", ["", " ", "\n", "\u200f", "...", "«»"])
def test_degenerate_inputs(text):
    assert tokenize(text) == [] or all(t.text == text[t.start:t.end] for t in tokenize(text))
    assert normalize_with_offsets(text).text == normalize(text)
    spans = split_sentences(text)
    assert (spans == []) == (text == "")


def test_word_form_order_does_not_depend_on_the_hash_seed():
    """Chunks of several words are spread over their forms in a fixed order, so the counts come out
    in the same key order in every process (string hashes, hence set order, change with the seed)."""
    import subprocess
    import sys

    code = ("from rhetoric.text import count_word_forms; "
            "print(list(count_word_forms(['قال: (الوزير-الأول) و5-أيام، 3.5؟ الوزير «قال»-نعم د.أحمد'])))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2, 3)}
    assert len(runs) == 1
