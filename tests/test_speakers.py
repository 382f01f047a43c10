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


# ----------------------------------------------------------------------------- pronoun and participle cues

def test_participle_refers_to_the_subject_of_the_sentences_first_verb():
    # جدد is no speech verb, but its subject is who speaks in the participle clause; the object
    # (الحكومة) is not.
    q = only_quote("وجدد النائب سامي النجار انتقاده للحكومة، متهما إياها بـ«إهدار المال العام في مشاريع فاشلة».")
    assert "سامي النجار" in q.speaker


def test_participle_after_an_object_verb_of_a_named_group():
    reg = Registry([RegistryEntry("amal", "party", "XX", "Amal", ("حزب الأمل",))])
    text = ("انتقد الكاتب سامي النجار، في مقال، أداء حزب الأمل في البرلمان.\n"
            "وتساءل، في حسابه على تويتر، عن «مصير الوعود الانتخابية كلها»، مخاطبا أعضاء حزب الأمل بقوله: "
            "«لقد خذلتم ناخبيكم جميعا».")
    quotes, _ = extract_quotes(text, reg)
    assert [q.speaker for q in quotes] == ["الكاتب سامي النجار"] * 2


def test_the_more_recent_of_last_speaker_and_earlier_subject():
    # The last quote's speaker was named after the earlier speech verb: a bare cue refers to him.
    text = ("ذكر تقرير للجنة أن الأسعار ارتفعت.\n"
            "وجدد الخبير خالد الحربي تحذيره، مؤكدا أن «الأزمة ستطول».\n"
            "وأضاف: «على الحكومة أن تتحرك الآن».")
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["الخبير خالد الحربي"] * 2


def test_source_phrase_in_the_sentence_names_the_speaker_of_an_uncued_quote():
    text = ("وقال الوزير خالد الحربي إن «الاجتماع مهم للغاية».\n"
            "وسيبحث الوزيران بحسب سامي النجار «التعاون الاقتصادي» في الجلسة، ومناقشة التوصل إلى "
            "«حل سريع للأزمة».")
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes][1:] == ["سامي النجار", "سامي النجار"]


def test_source_inside_the_reported_words_is_not_the_speaker():
    text = ("وأوضح المدير خالد الحربي للصحيفة أن إنارة المقابر ممنوعة حسب فتوى المفتي، "
            "مشيرا إلى أن «الشوارع المحيطة بها مضاءة بالكامل».")
    assert only_quote(text).speaker == "المدير خالد الحربي"


def test_unnamed_plural_or_indefinite_description_is_its_own_speaker():
    text = ("وقال الوزير خالد الحربي إن «الوضع تحت السيطرة».\n"
            "لكن شهود عيان قالوا إن «الاشتباكات استمرت حتى الصباح».\n"
            "ورفع المتظاهرون لافتات كتب عليها «لا للغلاء».")
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["الوزير خالد الحربي", "شهود عيان", "المتظاهرون"]


def test_feminine_circumstantial_is_not_the_speaker():
    text = ("وقالت الطالبة سلمى حسن إنها تريد السفر.\n"
            "وأضافت ضاحكة: «لكن أولا علينا الحصول على التأشيرات».")
    quotes, _ = extract_quotes(text)
    assert quotes[0].speaker == "الطالبة سلمى حسن"


def test_topic_before_a_verb_with_fa():
    # أما فلان ... فقال: the topic is the subject of the verb.
    text = ("وقال الوزير خالد الحربي إن «الموازنة الجديدة جاهزة».\n"
            "أما سلمى حسن، مديرة إحدى الجمعيات الخيرية، فقالت «هذه الخطة لا تكفي أحدا».")
    quotes, _ = extract_quotes(text)
    assert quotes[1].speaker == "سلمى حسن"


def test_kinship_noun_with_a_pronoun_can_be_the_subject():
    text = ("تقول سلمى، وهي موظفة: «راتبي لا يكفي».\n"
            "ويقول زوجها كمال، الذي يعمل سائقا: «لم نعد نشتري اللحم».")
    quotes, _ = extract_quotes(text)
    assert quotes[1].speaker == "زوجها كمال"


def test_partitive_subject_of_an_object_verb():
    q = only_quote("ويصف بعض السكان الوجود العسكري بأنه «احتلال» لأراضيهم.")
    assert q.speaker.startswith("بعض السكان")


def test_family_name_nisba_names_but_a_nationality_describes():
    text = ("وقال الوزير خالد الحربي إن «الموازنة الجديدة جاهزة».\n"
            "وقال الرئيس الوردي: «نحن ندعم الخطة بالكامل».\n"
            "وقال المسؤول البريطاني: «نتابع الوضع عن قرب».")
    quotes, _ = extract_quotes(text)
    assert quotes[1].speaker == "الرئيس الوردي"
    assert quotes[2].speaker == "الرئيس الوردي"  # an unnamed description points back to the last speaker


def test_registry_alias_used_as_an_adjective_is_no_speaker():
    text = ("وقالت الفنانة ليلى سلمان إن المسرح تغير.\n"
            "وحول قدرات الفتاة السعودية على التمثيل قالت: «الفتيات أثبتن جدارتهن».")
    quotes, _ = extract_quotes(text)
    assert quotes[0].speaker == "الفنانة ليلى سلمان"


def test_definite_title_after_a_name_is_not_the_speaker():
    q = only_quote("وأكد الدكتور رفعت البدري، المستشار الإعلامي للجامعة، أن «الطلاب ينتظرون القرار منذ شهور».")
    assert q.speaker == "الدكتور رفعت البدري"


def test_uncued_quote_uses_the_speaker_before_it_not_the_articles_last():
    text = ('وقال المدير خالد الحربي: "نعمل على الخطة". وأضاف: "حيث أن "المشروع" و"البرنامج" '
            'يمثلان الجيل الجديد من خدماتنا".\n'
            'من جهتها أبدت الفنانة سلمى حسن إعجابها وقالت: "هذا رائع".')
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes if "يمثلان" in q.text] == ["المدير خالد الحربي"]


def test_title_inside_a_marked_headline_is_not_a_naming_mention():
    text = ('وحمل البيان عنوان "وزيرة الصحة: الخطة تبدأ غدا في كل المحافظات" على مواقع التواصل.\n'
            "وكانت الوزيرة الدكتورة سلمى حسن قد زارت المستشفى.\n"
            "وقالت الوزيرة: «سنفتتح مستشفيات جديدة».")
    quotes, _ = extract_quotes(text)
    assert quotes[-1].speaker == "الوزيرة الدكتورة سلمى حسن"


def test_headline_lines_with_a_colon_do_not_join_the_sentence_below():
    text = ("فلان: «الحكومة فشلت في كل شيء»\n"
            "جدد الفريق خالد الحربي، قائد الشرطة، انتقاده الحكومة، متهما إياها بـ«التقصير الكبير».")
    quotes, _ = extract_quotes(text)
    assert "خالد الحربي" in quotes[-1].speaker


# ----------------------------------------------------------------------------- relayed, listed and written quotes

def test_trailing_source_names_the_speaker_of_a_subjectless_cue():
    # اعتبر without a subject (passive) before the quote; the trailing source names who said it.
    text = "وفي العاصمة، اعتبر الإطلاق «انتصارا مشتركا لكل الشعوب الصديقة»، حسبما ذكرت وكالة الأنباء الرسمية."
    assert only_quote(text).speaker == "وكالة الأنباء الرسمية"


def test_listed_quotes_share_their_speaker():
    text = 'وردد المحتجون هتافات من قبيل "الخبز قبل الصواريخ" و"ارحل يا وزير"، بحسب مقاطع فيديو نشرت أمس.'
    quotes, _ = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["المحتجون", "المحتجون"]


def test_relayed_statement_is_attributed_to_the_original_source():
    text = "«قواتنا ردت على الهجوم بقوة»، حسبما ذكرت وكالة الأنباء الرسمية نقلا عن بيان لوزارة الدفاع."
    assert "وزارة الدفاع" in only_quote(text).speaker


def test_report_from_him_points_to_the_subject_of_the_reported_clause():
    text = ("وذكرت وكالة الأنباء الرسمية أن الرئيس سامي النجار زار المنطقة، ونقلت عنه قوله إن "
            "«الدولة لن تترك أحدا دون مأوى».")
    assert only_quote(text).speaker.startswith("الرئيس سامي النجار")


def test_words_written_on_a_banner_with_no_bearer_have_no_speaker():
    text = ("وقال المحافظ خالد الحربي إن «الوضع تحت السيطرة».\n"
            "وكتب على إحدى اللافتات: «كرامتنا ليست للبيع».")
    quotes, _ = extract_quotes(text)
    assert quotes[1].speaker is None


def test_relative_clause_with_its_own_subject_after_the_verb():
    # الذين (plural) + أشار (singular): the relative is not the subject, بيان الوزارة is.
    text = ("اعتقلت الشرطة خمسة أشخاص قرب الحدود، الذين أشار بيان وزارة الداخلية إلى أنهم "
            "«تلقوا تدريبات مكثفة في الخارج».")
    assert "وزارة الداخلية" in only_quote(text).speaker


def test_coordinated_clause_after_a_comma_is_nearer_than_the_first_verb():
    text = ("وسقط في المواجهات أربعة جنود، وقد نعاهم الرئيس سامي النجار في برقية أكد فيها أن دماءهم "
            "«أمانة في أعناقنا جميعا».")
    assert only_quote(text).speaker == "الرئيس سامي النجار"
