"""Speaker attribution, the speaker registry and cue stance (authored examples, no corpus text)."""
from __future__ import annotations

import pytest

from rhetoric.errors import LexiconError
from rhetoric.quotes import extract_quotes
from rhetoric.speakers import SPEAKER_TYPES, Registry, RegistryEntry, load_registry, lookup_cue, speaker_type_from_rules


def only_quote(text):
    quotes, _ = extract_quotes(text)
    assert len(quotes) == 1, [q.text for q in quotes]
    return quotes[0]


def test_registry_file_is_valid_and_complete():
    reg = load_registry()
    assert len(reg) >= 60
    for entry in reg.entries.values():
        assert entry.type in SPEAKER_TYPES and entry.aliases
    for sid in ("kcna", "kim_jong_un", "putin", "kremlin", "ru_mofa", "kr_mofa", "cn_mofa", "us_state_department",
                "sana", "spa", "mena", "xinhua", "rt", "tass", "irna", "un", "eg_presidency", "morsi", "mubarak",
                "muslim_brotherhood", "fjp", "houthis", "reuters", "ap", "afp", "washington_post"):
        assert sid in reg.entries, sid


@pytest.mark.parametrize(
    "surface", ["وكالة الأنباء المركزية الكورية", "KCNA", "KCNA Watch", "KNCA Watch", "الوكالة الكورية",
                "وبحسب وكالة الأنباء المركزية الكورية", "لوكالة الأنباء المركزية الكورية"])
def test_kcna_aliases_map_to_one_id(surface):
    assert load_registry().lookup(surface) == "kcna"


def test_registry_matches_whole_words_only():
    reg = load_registry()
    assert reg.lookup("روسيا") == "ru_government"
    assert reg.lookup("الروسيات") is None  # no alias inside a longer word
    assert reg.lookup("للكرملين") == "kremlin"  # ل + ال written لل


def test_registry_errors_name_the_file(tmp_path):
    bad = tmp_path / "speakers.yaml"
    bad.write_text("speakers:\n  - id: x\n    type: alien\n    aliases: [a]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="speakers.yaml.*alien"):
        load_registry(bad)
    bad.write_text("speakers: [\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="invalid YAML"):
        load_registry(bad)


def test_verb_subject_order():
    q = only_quote("وقال وزير الخارجية الروسي سيرغي لافروف للصحفيين إن «موسكو لن تقبل أي شروط مسبقة للحوار».")
    assert q.speaker == "وزير الخارجية الروسي سيرغي لافروف"
    assert q.speaker_id == "ru_mofa" and q.speaker_type == "government" and q.cue == "قال"


def test_subject_verb_order_in_a_headline():
    q = only_quote("كوريا الجنوبية تعرب عن «قلقها البالغ» من التجربة الصاروخية")
    assert q.speaker == "كوريا الجنوبية" and q.speaker_id == "kr_government" and q.cue == "تعرب"


def test_trailing_agency_attribution():
    text = "«سنواصل تطوير قدراتنا الدفاعية دون توقف»، حسبما ذكرت وكالة الأنباء المركزية الكورية."
    q = only_quote(text)
    assert q.speaker == "وكالة الأنباء المركزية الكورية"
    assert q.cue == "حسبما ذكرت" and q.speaker_id == "kcna" and q.speaker_type == "state_media"


def test_pronoun_cue_resolves_to_the_last_named_speaker():
    text = ("وقال المتحدث باسم الحكومة علي الشمري إن «الحكومة ملتزمة بتنفيذ كل وعودها».\n"
            "وأضاف أن «الميزانية الجديدة تخصص مبالغ كبيرة للتعليم».")
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["المتحدث باسم الحكومة علي الشمري"] * 2
    assert quotes[1].cue == "أضاف"
    assert quotes[1].speaker_start == quotes[0].speaker_start  # the mention that names him


def test_description_resolves_to_the_naming_mention():
    text = ("وقالت منظمة العدالة الدولية في تقرير إن «الانتهاكات مستمرة في السجون».\n"
            "وأضافت المنظمة الحقوقية أن «المعتقلين يعانون من ظروف صعبة».")
    quotes, _ = extract_quotes(text)
    assert quotes[1].speaker == "منظمة العدالة الدولية"


def test_apposition_names_the_speaker():
    q = only_quote("وقال المتحدث باسم الحركة، سامي النجار، إن «المسيرة ستنطلق غدا».")
    assert q.speaker == "سامي النجار"


def test_colon_headline_speaker():
    q = only_quote("سامي النجار: «لن نشارك في الانتخابات»")
    assert q.speaker == "سامي النجار" and q.cue == ":"


def test_split_quote_shares_the_speaker():
    text = "«الوضع صعب للغاية» قال محافظ المدينة خالد الحربي «لكننا سنتجاوزه قريبا»."
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["محافظ المدينة خالد الحربي"] * 2


@pytest.mark.parametrize(
    "word, lemma, stance",
    [("زعمت", "زعم", "distancing"), ("وادعى", "ادعى", "distancing"), ("أكدت", "أكد", "endorsing"),
     ("وقال", "قال", "neutral"), ("مضيفا", "أضاف", "neutral"), ("وصفتها", "وصف", "neutral")],
)
def test_cue_forms_and_stance(word, lemma, stance):
    from rhetoric.text import normalize

    entry = lookup_cue(normalize(word))
    assert entry is not None and entry.lemma == lemma and entry.stance == stance


def test_distancing_cue_is_tagged():
    q = only_quote("وزعم المتحدث العسكري أن قواته «حققت انتصارا كبيرا» في المعركة.")
    assert q.stance == "distancing" and q.cue == "زعم"


@pytest.mark.parametrize(
    "surface, stype",
    [("وزير المالية", "government"), ("المتحدث باسم الحكومة", "government"), ("العميد أحمد سالم", "military"),
     ("أستاذ العلوم السياسية", "expert"), ("حزب الأمل", "party"), ("سامي النجار", "unknown"), (None, "unknown")],
)
def test_speaker_type_rules(surface, stype):
    assert speaker_type_from_rules(surface) == stype


def test_custom_registry():
    reg = Registry([RegistryEntry("x", "expert", "EG", "X", ("سامي النجار",))])
    quotes, _ = extract_quotes("وقال سامي النجار: «الأسعار سترتفع في الربع الأخير من العام».", reg)
    assert quotes[0].speaker_id == "x" and quotes[0].speaker_type == "expert"


# ----------------------------------------------------------------------------- which mention names the speaker

def test_title_set_off_after_a_name_does_not_replace_it():
    # فلان، رئيس الحزب،: the construct title after the name describes him; the name stays the speaker.
    q = only_quote("اعتبر الدكتور سامي النجار، رئيس حزب الأمل، القرار «خطوة إلى الوراء في مسار الإصلاح».")
    assert q.speaker == "الدكتور سامي النجار"


def test_registry_title_in_the_same_sentence_is_not_a_nearer_mention():
    reg = Registry([RegistryEntry("amal", "party", "XX", "Amal", ("حزب الأمل", "سامي النجار"))])
    quotes, _ = extract_quotes("اعتبر سامي النجار، رئيس حزب الأمل، القرار «خطوة إلى الوراء في مسار الإصلاح».", reg)
    assert quotes[0].speaker == "سامي النجار" and quotes[0].speaker_id == "amal"


def test_apposition_closed_by_the_cue_that_follows_it():
    q = only_quote("ونقل التقرير على لسان المتحدث باسم الشرطة، خالد الحربي قوله: «تم القبض على المتهمين الثلاثة فجر اليوم».")
    assert q.speaker == "خالد الحربي"


def test_description_resolves_to_an_earlier_title_with_the_name():
    text = ("ووصلت الوزيرة الدكتورة سلمى الخطيب إلى المدينة صباح اليوم.\n"
            "وقالت الوزيرة: «الخطة تبدأ الشهر المقبل في كل المدارس».")
    assert only_quote(text).speaker == "الوزيرة الدكتورة سلمى الخطيب"


@pytest.mark.parametrize("text", [
    "وانتشرت تعليقات ساخرة كثيرة.. منها:   سلمى حسن: «هذا قرار غريب جدا ولا أفهمه»",
    "موقع الأخبار – متابعات\nسلمى حسن: «لن نقبل بهذا القرار أبدا»",
])
def test_colon_speaker_is_the_name_on_the_colons_own_line(text):
    q = only_quote(text)
    assert q.speaker == "سلمى حسن" and q.cue == ":"
