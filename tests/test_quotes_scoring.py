"""Speaker scoring rules of ``rhetoric eval quotes`` (named, unnamed and absent speakers)."""
from rhetoric.evaluation.quotes import evaluate_quotes


def _acc(gold_quote, pred_quote):
    gold = [{"doc_id": "d", "quotes": [{"start": 100, "end": 120, **gold_quote}]}]
    pred = {"d": [{"start": 100, "end": 120, **pred_quote}]}
    return evaluate_quotes(gold, pred)["speaker"]["accuracy"]


NAMED = {"speaker": "The minister", "speaker_start": 10, "speaker_end": 20}
UNNAMED = {"speaker": "protesters (unnamed)", "speaker_start": None, "speaker_end": None,
           "speaker_desc_start": 40, "speaker_desc_end": 49}
NOBODY = {"speaker": None, "speaker_start": None, "speaker_end": None}


def test_named_speaker_needs_an_overlapping_mention():
    assert _acc(NAMED, {"speaker": "x", "speaker_start": 15, "speaker_end": 25}) == 1.0
    assert _acc(NAMED, {"speaker": "x", "speaker_start": 40, "speaker_end": 49}) == 0.0
    assert _acc(NAMED, NOBODY) == 0.0  # naming no one is wrong when the gold names someone


def test_unnamed_speaker_is_right_when_nobody_or_the_describing_mention_is_predicted():
    assert _acc(UNNAMED, NOBODY) == 1.0
    assert _acc(UNNAMED, {"speaker": "x", "speaker_start": 45, "speaker_end": 55}) == 1.0
    assert _acc(UNNAMED, {"speaker": "x", "speaker_start": 10, "speaker_end": 20}) == 0.0  # someone else


def test_unnamed_speaker_without_describing_mention_accepts_only_nobody():
    gold = {k: v for k, v in UNNAMED.items() if not k.startswith("speaker_desc")}
    assert _acc(gold, NOBODY) == 1.0
    assert _acc(gold, {"speaker": "x", "speaker_start": 40, "speaker_end": 49}) == 0.0


def test_no_attribution_is_right_only_without_a_predicted_speaker():
    assert _acc(NOBODY, NOBODY) == 1.0
    assert _acc(NOBODY, {"speaker": "x", "speaker_start": 40, "speaker_end": 49}) == 0.0
