"""Quote extraction: mark styles, pairing, quote vs other marked text, and bad input.

All Arabic examples here are written for these tests (no corpus text)."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.quotes import _MARK_RE, _MARKS, OTHER_KINDS, _find_marks, extract_quotes, find_marked_spans
from rhetoric.resources import demo_corpus_path
from rhetoric.speakers import text_codes


def quotes_of(text):
    quotes, _ = extract_quotes(text)
    return [q.text for q in quotes]


def kinds_of(text):
    _, others = extract_quotes(text)
    return {o.text: o.kind for o in others}


def check_offsets(text, quotes, others):
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.text
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)
            assert text[q.speaker_start:q.speaker_end] == q.speaker
    for o in others:
        assert 0 <= o.start < o.end <= len(text)
        assert text[o.start:o.end] == o.text
        assert o.kind in OTHER_KINDS
    for a, b in zip(quotes, quotes[1:]):
        assert a.end <= b.start


# ----------------------------------------------------------------------------- mark styles

@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال الوزير: “سنبني مدارس جديدة في كل قرية هذا العام”.", "سنبني مدارس جديدة في كل قرية هذا العام"),
        ("وقال الوزير: ”سنبني مدارس جديدة في كل قرية هذا العام“.", "سنبني مدارس جديدة في كل قرية هذا العام"),
        ("وقال الوزير: «سنبني مدارس جديدة في كل قرية هذا العام».", "سنبني مدارس جديدة في كل قرية هذا العام"),
        ("وقال الوزير: »سنبني مدارس جديدة في كل قرية هذا العام«.", "سنبني مدارس جديدة في كل قرية هذا العام"),
        ('وقال الوزير: "سنبني مدارس جديدة في كل قرية هذا العام".', "سنبني مدارس جديدة في كل قرية هذا العام"),
        ("وقال الوزير: ''سنبني مدارس جديدة في كل قرية هذا العام''.", "سنبني مدارس جديدة في كل قرية هذا العام"),
    ],
)
def test_every_mark_style_gives_the_content_without_marks(text, expected):
    quotes, _ = extract_quotes(text)
    assert [q.text for q in quotes] == [expected]
    q = quotes[0]
    assert text[q.start - 1] not in " " and text[q.end] not in " "  # marks excluded, nothing else


def test_ascii_marks_pair_in_order():
    text = 'قال المدير إن "الخطة جاهزة للتنفيذ الآن" وأضاف أن "التمويل متوفر بالكامل هذا الشهر".'
    assert quotes_of(text) == ["الخطة جاهزة للتنفيذ الآن", "التمويل متوفر بالكامل هذا الشهر"]


def test_single_apostrophe_quotes_with_print_spacing():
    # Print-converted style: the opening mark sticks to the word before it and a space follows it.
    text = "وذكرت الصحيفة أن' الحكومة لن تتراجع عن قرارها مهما كانت الضغوط', وأضافت أن' القرار نهائي'."
    assert quotes_of(text) == ["الحكومة لن تتراجع عن قرارها مهما كانت الضغوط", "القرار نهائي"]


def test_apostrophes_inside_latin_words_are_not_marks():
    text = "وقال المحلل إن تقرير Reuters's الأخير لم يذكر don't ولا غيرها من التفاصيل."
    assert find_marked_spans(text) == []


def test_quote_split_by_attribution_gives_two_quotes_with_one_speaker():
    text = "«لن نقبل بهذا الاتفاق أبدا» قال رئيس الحزب سامي النجار «لأنه يضر بمصالح المواطنين»."
    quotes, _ = extract_quotes(text)
    assert [q.text for q in quotes] == ["لن نقبل بهذا الاتفاق أبدا", "لأنه يضر بمصالح المواطنين"]
    assert {q.speaker for q in quotes} == {"رئيس الحزب سامي النجار"}


def test_unclosed_quote_runs_to_the_paragraph_end():
    text = "وقال المتحدث: «نحن مستعدون للحوار مع جميع الأطراف دون شروط مسبقة\nوفي سياق آخر، افتتح المحافظ مستشفى."
    quotes, _ = extract_quotes(text)
    assert [q.text for q in quotes] == ["نحن مستعدون للحوار مع جميع الأطراف دون شروط مسبقة"]
    assert quotes[0].how == "unclosed"


def test_stray_closing_mark_closes_a_continued_quote():
    text = ("وقال البيان: “إن التعاون بين البلدين يتعزز كل يوم”. وهو يخدم مصالح الشعبين”، "
            "حسبما ذكرت وكالة الأنباء الرسمية.")
    quotes, _ = extract_quotes(text)
    assert [q.text for q in quotes] == ["إن التعاون بين البلدين يتعزز كل يوم", "وهو يخدم مصالح الشعبين"]
    assert quotes[1].how == "continuation"


def test_nested_marks_stay_inside_the_outer_quote():
    text = 'وقال الكاتب: "لقد قرأت كتاب "الأيام" مرات كثيرة وما زلت أتعلم منه".'
    quotes, others = extract_quotes(text)
    assert [q.text for q in quotes] == ['لقد قرأت كتاب "الأيام" مرات كثيرة وما زلت أتعلم منه']
    assert [(o.text, o.kind) for o in others] == [("الأيام", "title")]


def test_mixed_styles_in_one_article():
    text = "قال الوزير «نريد السلام للجميع» ثم أضاف: \"ولن نتنازل عن حقوقنا\". وكتب على تويتر: “المستقبل لنا”."
    assert quotes_of(text) == ["نريد السلام للجميع", "ولن نتنازل عن حقوقنا", "المستقبل لنا"]


def test_latin_script_quote_inside_arabic_text():
    text = 'وقال السفير بالإنجليزية: "We will never accept this deal under any conditions".'
    assert quotes_of(text) == ["We will never accept this deal under any conditions"]


# ----------------------------------------------------------------------------- quote or other

@pytest.mark.parametrize(
    "text, span, kind",
    [
        ("وشارك الوزير في برنامج «صباح الخير يا مصر» أمس.", "صباح الخير يا مصر", "title"),
        ("ونشر الحزب بيانه على موقع \"فيس بوك\" مساء الأحد.", "فيس بوك", "platform"),
        ("وأعلنت حركة \"شباب التغيير\" مشاركتها في المسيرة.", "شباب التغيير", "name"),
        ("وقال رئيس الوزراء لـ«الوطن» إن الحكومة ستعلن خطتها قريبا.", "الوطن", "name"),
        ("وهو ما يعرف بـ\"التمكين\" في أوساط المعارضة.", "التمكين", "term"),
        ("وانطلقت عملية \"الفجر الجديد\" صباح اليوم في الجنوب.", "الفجر الجديد", "title"),
    ],
)
def test_marked_text_that_is_not_speech(text, span, kind):
    assert quotes_of(text) == []
    assert kinds_of(text) == {span: kind}


def test_marked_name_after_a_speech_verb_is_its_subject():
    text = "وقال «النجار»: «لن نشارك في الانتخابات المقبلة تحت أي ظرف»."
    quotes, others = extract_quotes(text)
    assert [q.text for q in quotes] == ["لن نشارك في الانتخابات المقبلة تحت أي ظرف"]
    assert [(o.text, o.kind) for o in others] == [("النجار", "name")]
    assert quotes[0].speaker == "النجار"


def test_headline_speaker_before_colon_is_a_name():
    text = "«النجار»: الحكومة فشلت في إدارة الأزمة"
    assert quotes_of(text) == []
    assert kinds_of(text) == {"النجار": "name"}


def test_short_fragment_governed_by_a_speech_verb_is_a_quote():
    text = "وأكد وزير الصحة خالد الحربي أن الوضع \"مؤلم\"."
    quotes, _ = extract_quotes(text)
    assert [q.text for q in quotes] == ["مؤلم"]
    assert quotes[0].speaker == "وزير الصحة خالد الحربي"
    assert quotes[0].cue == "أكد" and quotes[0].stance == "endorsing"


def test_fragment_after_describe_verb_is_a_quote():
    text = "وانتقد المعارض سامي النجار ما وصفه بـ«الصمت الرسمي» تجاه الأزمة."
    assert quotes_of(text) == ["الصمت الرسمي"]


def test_scare_quotes_in_narration_are_not_quotes():
    text = "وتستمر \"الإصلاحات\" في القطاع منذ سنوات دون نتائج واضحة."
    assert quotes_of(text) == []
    assert kinds_of(text) == {"الإصلاحات": "scare"}


def test_text_in_parentheses_only_is_not_a_quote():
    text = "وقال الوزير (في تصريح مقتضب) إن الاجتماع انتهى دون اتفاق."
    assert extract_quotes(text) == ([], [])


# ----------------------------------------------------------------------------- seed article

def _seed_text():
    path = demo_corpus_path()
    if not path.exists():
        pytest.skip("data/demo/corpus.jsonl is not there")
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("doc_id", "").startswith("seed-"):
            return record["text"]
    pytest.skip("no seed article in the demo corpus")


def test_seed_article_gives_eleven_quotes_with_their_speakers():
    text = _seed_text()
    quotes, others = extract_quotes(text)
    check_offsets(text, quotes, others)
    assert len(quotes) == 11
    ids = [q.speaker_id for q in quotes]
    assert ids.count("kcna") == 4
    assert ids.count("kim_jong_un") == 4
    assert {"kr_government", "kr_mofa"} <= set(ids)
    assert quotes[0].text == "بسرور" and quotes[0].stance == "distancing"
    assert [o.text for o in others] == ["KCNA Watch"]


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(
    "text",
    ["", '"', "«", "»»»", '""', "''", "'", '" "', "«»", "“”", "” “", '"قال"', "«بداية بلا نهاية",
     "نهاية بلا بداية»", '"\n"\n"', "\u200f\"\u200f", "'''''", '"a" "b" "c', "ـ«»ـ", "\n\n", " ",
     "قال: «" + "كلمة " * 500, "«" * 50 + "»" * 49],
)
def test_odd_input_never_crashes_and_offsets_are_valid(text):
    quotes, others = extract_quotes(text)
    check_offsets(text, quotes, others)


def test_non_string_input_gives_nothing():
    assert extract_quotes(None) == ([], [])


def test_article_that_is_one_long_quote():
    text = "«" + "هذه جملة طويلة من كلام المتحدث. " * 40 + "»"
    quotes, others = extract_quotes(text)
    check_offsets(text, quotes, others)
    assert len(quotes) == 1 and quotes[0].start == 1 and quotes[0].end == len(text) - 2


def test_one_thousand_marks():
    """1,000 marks: every one paired, offsets valid. (Linear time is measured in bench/bench_quotes.py,
    not here: timed unit tests are flaky on shared machines.)"""
    big = 'وقال المسؤول "نعم" ثم أضاف "لا" و' * 500  # 1,000 marks
    quotes, others = extract_quotes(big)
    check_offsets(big, quotes, others)
    assert len(quotes) + len(others) == 1000


@pytest.mark.realdata
@pytest.mark.slow
def test_real_articles_never_crash_and_offsets_hold():
    """A seeded sample of real articles from both news corpora ($RHETORIC_DATA; skipped when absent)."""
    import os
    from pathlib import Path

    data = os.environ.get("RHETORIC_DATA", "").strip()
    if not data or not Path(data).is_dir():
        pytest.skip("needs $RHETORIC_DATA")
    from rhetoric import datasets

    names = [n for n in ("news-credibility-2013", "saudinewsnet") if datasets.is_available(n)]
    if not names:
        pytest.skip("no news corpus under $RHETORIC_DATA")
    for name in names:
        docs = datasets.load_dataset(name, sample_per_outlet=15, seed=1)
        for text in docs["text"]:
            quotes, others = extract_quotes(text)
            check_offsets(text, quotes, others)


# ----------------------------------------------------------------------------- generalisation (held-out classes)


def test_closing_mark_without_opener_after_a_colon_closes_a_quote():
    text = "وجاء في الرسالة التي بعثها المدير: نتمنى لكم التوفيق في العام الجديد”.\nوانتهى اللقاء."
    assert quotes_of(text) == ["نتمنى لكم التوفيق في العام الجديد"]


def test_closing_mark_without_opener_or_colon_stays_stray():
    text = "ذهب الفريق إلى الملعب مبكرا” ثم عاد.\n"
    assert quotes_of(text) == []


def test_next_item_of_a_list_of_quotes_is_a_quote():
    text = 'ورفع الطلاب لافتات منها "نريد حقنا في التعليم"،"لن نتراجع أبدا".'
    assert quotes_of(text) == ["نريد حقنا في التعليم", "لن نتراجع أبدا"]


def test_chants_after_the_noun_for_chants_are_quotes():
    text = 'وعلت الهتافات خلال الوقفة "يسقط الظلم" و"عاش الوطن".'
    assert quotes_of(text) == ["يسقط الظلم", "عاش الوطن"]


def test_marked_list_of_names_is_a_name():
    text = "وظهر في الصورة شباب يحملون صورا لـ«سامي عادل، ووليد حسن، وكريم فؤاد، وآخرين من الفريق»."
    assert quotes_of(text) == []
    assert kinds_of(text) == {"سامي عادل، ووليد حسن، وكريم فؤاد، وآخرين من الفريق": "name"}


def test_marked_name_after_a_rank_is_a_name():
    text = 'قال العقيد "سمير فؤاد"، المسؤول بإدارة المرور: إن الطرق مزدحمة اليوم.'
    assert quotes_of(text) == []
    assert kinds_of(text) == {"سمير فؤاد": "name"}


def test_short_marked_name_after_an_organisation_is_its_short_name():
    text = "ارتفعت الأرباح وفقا لنشرة مؤسسة النقد الوطني «منار» لشهر مايو."
    assert kinds_of(text) == {"منار": "name"}


def test_short_mark_inside_the_attribution_clause_before_a_colon_is_not_the_quote():
    text = "وقال سامي فؤاد، المشارك في «الحفل»، على صفحته: «سنعود أقوى في العام المقبل إن شاء الله»."
    assert quotes_of(text) == ["سنعود أقوى في العام المقبل إن شاء الله"]
    assert kinds_of(text) == {"الحفل": "name"}


def test_platform_with_the_article_is_a_platform():
    text = 'ودعت الجمعية إلى التسجيل عبر "الواتس آب" قبل الموعد.'
    assert kinds_of(text) == {"الواتس آب": "platform"}


def test_fragment_after_describing_them_as_is_a_quote():
    text = "وانتقد الوزير القوانين القديمة بوصفها “قوانين ظالمة”، ثم غادر القاعة."
    assert quotes_of(text) == ["قوانين ظالمة"]


def test_quote_across_a_line_broken_around_a_linked_word():
    # CNN Arabic style: a hyperlinked word sits on its own line inside the sentence
    text = ('وقالت الباحثة: "لم ندرس مكونات الحمية لهؤلاء الأشخاص، لكن ربما يعود ذلك إلى قلة \n'
            "الدهون المشبعة\n التي يتناولونها.\"\nوأشارت إلى نتائج أخرى.")
    quotes, _ = extract_quotes(text)
    assert [q.text for q in quotes] == [text[text.index("لم ندرس"):text.index('."') + 1]]
    check_offsets(text, quotes, [])


def test_linked_word_line_is_not_joined_when_no_mark_closes_after_it():
    text = 'وتزامن انتخاب "الحبر الأعظم، وهو \nالبابا\n الجديد، مع أحداث كثيرة في أوروبا وأفريقيا وآسيا.'
    assert quotes_of(text) == []


def test_fragments_in_reported_speech_before_a_participle_or_after_jaa_are_quotes():
    # "X" لافتا: after أنه the marked words are a fragment, not the participle's subject; جاء alone is "came"
    text = ('وأعلن الرئيس استقالته، موضحا أنه اتخذ القرار بعد "تفكير عميق" لافتا إلى أن القرار جاء '
            '"لمصلحة البلاد أولا".')
    assert quotes_of(text) == ["تفكير عميق", "لمصلحة البلاد أولا"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(list("'\"«»“”„‟″‘’ab قال\n")), max_size=60).map("".join))
def test_mark_search_finds_what_the_plain_alternation_finds(text):
    """The mark regex (character class first, for speed) and the array search both find the marks
    of the plain alternation ``''|[marks]`` ('' before ')."""
    plain = [(*m.span(), m.group()) for m in re.finditer("''|[" + re.escape("".join(k for k in _MARKS if len(k) == 1))
                                                         + "]", text)]
    assert [(*m.span(), m.group()) for m in _MARK_RE.finditer(text)] == plain
    assert _find_marks(text, text_codes(text)) == plain
