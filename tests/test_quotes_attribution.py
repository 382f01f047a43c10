"""Speaker attribution rules, one class of cases per test, on sentences we wrote ourselves."""
import pytest

from rhetoric.quotes import extract_quotes
from rhetoric.speakers import load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _speakers(text, registry):
    quotes, _ = extract_quotes(text, registry)
    return [(q.text, q.speaker, q.speaker_start) for q in quotes]


def _covers(text, start, name):
    """The predicted speaker offset lies inside the (first) occurrence of ``name``."""
    at = text.find(name)
    return start is not None and at <= start < at + len(name)


def test_definite_head_takes_no_genitive_so_a_later_name_is_another_phrase(registry):
    # وحثت المنظمة الحقوقية الأمم المتحدة: the UN is the object, not the organisation's name
    text = ("دعت منظمة النور للحقوق الحكومة إلى التحقيق في الحادث. وحثت المنظمة الحقوقية الأمم المتحدة "
            "على التدخل. وأضافت المنظمة: «هذا أمر غير مقبول على الإطلاق».")
    [(_, speaker, start)] = _speakers(text, registry)
    assert _covers(text, start, "منظمة النور"), speaker


def test_name_set_off_after_a_description_may_end_at_a_time_word(registry):
    text = 'ونقلت الوكالة عن المتحدث باسم الجماعة، سالم الهادي السبت قوله "لن نتراجع عن موقفنا".'
    [(_, speaker, start)] = _speakers(text, registry)
    assert speaker == "سالم الهادي" and _covers(text, start, "سالم الهادي")


def test_organisation_noun_points_back_to_the_phrase_that_names_it(registry):
    # الجامعة -> جامعة الزهراء (also: a long phrase's last word, الدكتوراه, is no surname to look for)
    text = ("كانت الوزيرة استقالت بعد قرار جامعة الزهراء سحب درجة الدكتوراه التي حصلت عليها.\n"
            "وكانت الجامعة ذكرت أنها ارتكبت «تضليلا متعمدا» في رسالتها لنيل درجة الدكتوراه، كما ذكرت الجامعة "
            "أنها تأكدت من أنها «نسخت أجزاء كاملة من أعمال غيرها».")
    found = _speakers(text, registry)
    assert len(found) == 2
    assert all(_covers(text, start, "جامعة الزهراء") for _, _, start in found), found


def test_statement_speaks_for_its_issuer(registry):
    text = ("أكد بلاغ إعلامي صادر عن مكتب الشيخ سالم الهادي أن الاتهامات باطلة.\n"
            'وقال البيان "سنلاحق كل من أساء إلينا أمام القضاء".')
    [(_, speaker, start)] = _speakers(text, registry)
    assert "سالم الهادي" in speaker and start < text.find("سالم الهادي") + 1


def test_epithet_repeated_after_a_name_points_back_to_the_name(registry):
    # فلان، محامي الجماعة، ... وأضاف محامي الجماعة: the epithet names an organisation, the speaker is فلان
    text = ("أكد سامي النجار، محامي جماعة الإخوان المسلمين، أن الحكم باطل.\n"
            "وأوضح النجار أنه تقدم بطعن.\n"
            'وأضاف محامي جماعة الإخوان المسلمين، قائلاً: "إن الجماعة لن تقبل هذا الحكم أبدا".')
    [(_, speaker, start)] = _speakers(text, registry)
    assert speaker == "النجار" and start == text.index("النجار أنه")


def test_epithet_without_an_earlier_name_stays_the_speaker(registry):
    text = 'وأضاف محامي جماعة الإخوان المسلمين، قائلاً: "إن الجماعة لن تقبل هذا الحكم أبدا".'
    [(_, speaker, start)] = _speakers(text, registry)
    assert speaker.startswith("محامي") and start == text.index("محامي")


def test_clause_after_comma_haith_gives_the_subject_of_a_free_relative(registry):
    # ...، حيث نددت الحركة بما وصفته بـ"...": the verb's subject, not the last speaker before
    text = ("وقال الوزير سالم إن الوضع مستقر. وتأتي هذه الاشتباكات في ظل أزمة سياسية، حيث نددت حركة "
            '"الأمل" الإسلامية بما وصفتها بـ"الحملة الإعلامية الظالمة المغرضة" ضدها.')
    quotes = _speakers(text, registry)
    assert [q[1] for q in quotes] == ['حركة "الأمل" الإسلامية']


def test_subject_pronoun_before_a_verb_makes_the_noun_after_it_an_object(registry):
    text = "وقال الوزير سالم إن الوضع مستقر. وأضاف وهو يخاطب الصحفيين: «لن نتراجع عن قراراتنا أبدا»."
    [(_, speaker, _)] = _speakers(text, registry)
    assert speaker == "الوزير سالم"


def test_relative_set_off_by_commas_refers_past_the_epithets_to_the_name(registry):
    text = ("وكان من بينهم سالم الهادي، وزير الخارجية، وهدى النجار، وزيرة الخارجية السابقة، والتي قالت، "
            "في فيديو قصير، وهي تخاطب المذيع: «ستفتقدك البلاد كثيرا يا صديقي».")
    [(_, speaker, _)] = _speakers(text, registry)
    assert speaker.endswith("هدى النجار"), speaker  # (a leading و may stay: names can start with it)


def test_feminine_pronoun_cue_skips_a_masculine_last_speaker(registry):
    text = ("قالت الوزيرة هدى النجار إن الخطة جاهزة. ثم قال الرئيس سالم الهادي إن العجز تراجع.\n"
            "وأضافت: «سنبدأ التنفيذ الشهر المقبل».")
    [(_, speaker, start)] = _speakers(text, registry)
    assert _covers(text, start, "الوزيرة هدى النجار"), speaker


def test_masculine_pronoun_cue_never_takes_a_feminine_speaker(registry):
    text = ("قالت الوزيرة هدى النجار إن الخطة جاهزة. ثم قال الرئيس سالم الهادي إن العجز تراجع.\n"
            "وأضاف: «سنبدأ التنفيذ الشهر المقبل».")
    [(_, speaker, start)] = _speakers(text, registry)
    assert _covers(text, start, "الرئيس سالم الهادي"), speaker


def test_unit_of_an_organisation_keeps_the_organisation_it_names(registry):
    # نقل تقرير عن قسم الإعلام في القوات البحرية: the phrase runs on through في to the organisation
    text = ('ونقل تقرير نشرته وكالة أنباء محلية عن قسم الإعلام والعلاقات العامة في القوات البحرية، الاثنين، '
            '"لقد نجحنا في إنقاذ السفينة وطاقمها بالكامل".')
    [(_, speaker, _)] = _speakers(text, registry)
    assert speaker.endswith("في القوات البحرية"), speaker


def test_person_description_still_stops_before_a_time_phrase(registry):
    text = 'وقال مسؤول في الوزارة في وقت لاحق "لن نسمح بتكرار ما حدث أبدا".'
    [(_, speaker, _)] = _speakers(text, registry)
    assert "وقت" not in (speaker or ""), speaker


def test_later_mention_by_a_nisba_surname_is_the_nearest_naming_mention(registry):
    # the speaker first named with a long title is named again by his nisba surname before the quote
    text = ("وجه القائد العظيم الرئيس قاسم الوردي مساء الأحد خطابا إلى الشعب.\n"
            "وأضاف الرئيس الوردي أن العام كان صعبا.\n"
            "وخص القائد بالتحية أرواح الشهداء، مؤكدا أن تضحياتهم «نور يضيء طريق الأجيال».")
    [(_, speaker, start)] = _speakers(text, registry)
    assert start is not None and start >= text.index("الرئيس الوردي أن"), speaker


def test_participle_in_a_relative_clause_with_its_own_subject(registry):
    # ...، الذي قدمه X بوصفه "...": the relative clause's subject speaks, not the noun it describes
    text = "بعد عام على توقيع الاتفاق مع الجيران، الذي قدمه التلفزيون الرسمي بوصفه \"انتصارا تاريخيا\"، لم يتغير شيء."
    [(quote, speaker, start)] = _speakers(text, registry)
    assert quote == "انتصارا تاريخيا"
    assert _covers(text, start, "التلفزيون الرسمي"), speaker


def test_name_after_a_long_title_and_its_prepositional_complement(registry):
    # عضو المكتب السياسي للحركة فلان: the name after the للـ complement is the speaker, not the title
    text = "وأكد عضو المكتب السياسي للحركة سامر الخطيب، في تصريح صحفي، «أنه لا صحة لهذه الأخبار على الإطلاق»."
    [(_, speaker, start)] = _speakers(text, registry)
    assert speaker == "سامر الخطيب" and _covers(text, start, "سامر الخطيب")


def test_name_after_a_place_title_and_a_committee_title(registry):
    text = ("أوضح أمين منطقة الواحة رئيس اللجنة المحلية للانتخابات البلدية بالمنطقة سالم بن علي الحربي أنه "
            "تم افتتاح مراكز جديدة.\nوأشار إلى أن المراحل هي \"التسجيل والاقتراع وإعلان النتائج\".")
    [(_, speaker, start)] = _speakers(text, registry)
    assert _covers(text, start, "سالم بن علي الحربي"), speaker


def test_yudaa_with_alef_maqsura_names_someone_and_is_no_cue(registry):
    # ويدعى = "is called": the man so named is not the one who speaks
    text = ('وقالت سلمى حداد، المتحدثة باسم الحملة، إن أحد المشاركين ويدعى خالد منصور '
            '"أصيب إصابة بالغة في الاشتباكات التي وقعت صباح اليوم".')
    [(_, speaker, start)] = _speakers(text, registry)
    assert _covers(text, start, "سلمى حداد"), speaker


def test_trailing_source_with_a_marked_name(registry):
    text = ("وبعد موجة من الانتقادات، قام «الراوي» بحذف المقطع، «لأنه حقق الهدف من نشره ولا داعي لبقائه على "
            "الصفحة»، حسبما ذكر «الراوي» على صفحته.")
    [(_, speaker, start)] = _speakers(text, registry)
    assert start is not None and start > text.find("حسبما") and text[start:].startswith("الراوي"), speaker


def test_wa_radda_alayhi_is_a_reply_cue(registry):
    # ورد عليه رئيس اللجنة "...": the committee chair named earlier replies, not the one who spoke before
    text = ("شهد الاجتماع مشادة بين النائب سامي فؤاد ورئيس اللجنة الدكتور عادل منصور بسبب القانون.\n"
            "قال فؤاد إن القانون سيواجه الطعن ورد عليه رئيس اللجنة \"أنا أعرف عملي جيدا ولا أحتاج إلى تنبيه\".")
    [(_, speaker, start)] = _speakers(text, registry)
    assert start is not None and start > text.find("سامي فؤاد") and "عادل منصور" in speaker, speaker


def test_banners_without_speech_verb_belong_to_the_subject_that_raised_them(registry):
    text = ('وردد المشاركون في المسيرة هتافات كثيرة ضد الوزير. ورفع الطلاب العديد من اللافتات منها '
            '"نريد حقنا في التعليم"،"لن نتراجع أبدا".')
    pairs = _speakers(text, registry)
    assert [q for q, _, _ in pairs] == ["نريد حقنا في التعليم", "لن نتراجع أبدا"]
    assert all(_covers(text, start, "الطلاب") for _, _, start in pairs), pairs


def test_chants_with_no_one_named_have_no_speaker(registry):
    text = ('وقالت سلمى حداد إن الوقفة سلمية تماما. وعلت الهتافات خلال الوقفة "يسقط الظلم" و"عاش الوطن".')
    pairs = _speakers(text, registry)
    assert [q for q, _, _ in pairs] == ["يسقط الظلم", "عاش الوطن"]
    assert [s for _, s, _ in pairs] == [None, None]


def test_wished_is_a_speech_verb_for_a_following_pronoun_cue(registry):
    text = ("وتمنى سعيد أن تظهر المباراة بصورة تعكس ما يتمتع به شباب المملكة العربية السعودية من روح رياضية.\n"
            "وأضاف: \"أشكر إدارة الناديين على جهودهم الكبيرة في الإعداد لهذه المباراة\".")
    [(_, speaker, start)] = _speakers(text, registry)
    assert speaker == "سعيد" and _covers(text, start, "سعيد")


def test_cable_sent_by_someone_speaks_for_its_sender(registry):
    text = ("وصل وزير الخارجية سامي فؤاد إلى العاصمة أمس.\n"
            "وجاء في البرقية التي بعثها الدكتور عادل منصور: \"نتمنى لكم التوفيق في مهمتكم الجديدة\".")
    [(_, speaker, start)] = _speakers(text, registry)
    assert start is not None and "عادل منصور" in speaker, speaker


def test_unnamed_indefinite_person_does_not_name_a_later_definite_description(registry):
    # نقلا عن محامي الأسر ... وقال فلان ... وأضاف المحامي: the named lawyer, not the earlier unnamed one
    text = ("ذكرت صحيفة محلية أن الأسر سترفع دعاوى نقلا عن محامي هؤلاء الأشخاص.\n"
            "وقال سامر الخطيب الذي يمثل عشرين أسرة: \"نحن نجهز الدعاوى الآن\".\n"
            "وأضاف المحامي أنه \"من الممكن كسب هذه القضايا خلال عام واحد فقط\".")
    pairs = _speakers(text, registry)
    assert len(pairs) == 2
    assert _covers(text, pairs[1][2], "سامر الخطيب"), pairs
