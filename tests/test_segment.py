"""The spans table (voices), the quotes command, the quote evaluation, and the offset invariants
checked with hypothesis on generated text full of quote marks."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric.cli import main
from rhetoric.errors import RhetoricError
from rhetoric.evaluation.quotes import evaluate_quotes, match_quotes
from rhetoric.quotes import extract_quotes
from rhetoric.segment import QUOTE_COLUMNS, _token_counts_many, quotes_table, segment_documents
from rhetoric.tables import columns
from rhetoric.text import count_words

ROOT = Path(__file__).resolve().parent.parent

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c"],
        "outlet": ["x", "x", "y"],
        "date": [None, None, None],
        "title": ["وزير: «لا تراجع»", "", "عنوان"],
        "text": [
            "وقال الوزير سامي النجار إن «الحكومة لن تتراجع عن خطتها». وأضاف: «سنبدأ غدا».",
            "خبر بلا اقتباس عن افتتاح مدرسة جديدة.",
            "«بداية» و«نهاية»",
        ],
    }
)


def check_spans(spans: pd.DataFrame, documents: pd.DataFrame) -> None:
    assert list(spans.columns) == columns("spans")
    for (doc_id, field), group in spans.groupby(["doc_id", "field"], sort=False):
        text = documents.set_index("doc_id").loc[doc_id, field]
        group = group.sort_values("span_id")
        assert list(group["span_id"]) == list(range(len(group)))
        assert group["start"].iloc[0] == 0 and group["end"].iloc[-1] == len(text)
        assert (group["start"].iloc[1:].values == group["end"].iloc[:-1].values).all()  # no gap, no overlap
        assert (group["end"] > group["start"]).all()
        if field == "title":
            assert set(group["voice"]) == {"narration"}


def test_spans_cover_every_text_and_title_exactly():
    spans = segment_documents(DOCS)
    check_spans(spans, DOCS)
    a = spans[(spans.doc_id == "a") & (spans.field == "text")]
    quotes = a[a.voice == "quote"]
    assert [DOCS.text[0][s:e] for s, e in zip(quotes.start, quotes.end)] == ["الحكومة لن تتراجع عن خطتها", "سنبدأ غدا"]
    assert list(quotes.speaker) == ["الوزير سامي النجار"] * 2
    assert list(quotes.n_tokens) == [5, 2]
    assert a[a.voice == "narration"].speaker.isna().all()
    # quote marks are narration
    for s, e in zip(a[a.voice == "narration"].start, a[a.voice == "narration"].end):
        assert "«" in DOCS.text[0][s:e] or "»" in DOCS.text[0][s:e] or s == 0
    assert spans[spans.doc_id == "b"].voice.tolist() == ["narration"]
    assert len(spans[(spans.doc_id == "b") & (spans.field == "title")]) == 0  # empty title: no span


def test_n_tokens_counts_word_tokens():
    spans = segment_documents(DOCS)
    b = spans[(spans.doc_id == "b") & (spans.field == "text")]
    assert b.n_tokens.tolist() == [7]


STRETCH_TEXT = st.lists(st.sampled_from(list("قال الوزير«»\"':،.\u200f\u064e\u0640 5٣abc\n") + ["\U0001F600", "\ud800"]),
                        max_size=300).map("".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(STRETCH_TEXT, st.lists(st.integers(0, 300), max_size=6)), max_size=5))
def test_token_counts_count_like_count_words(texts_and_cuts):
    """The counts of one array pass over several texts are count_words of every stretch of each text,
    whatever cuts it (inside words too), also for texts outside the BMP or with a lone surrogate."""
    texts, stretches = [], []
    for text, cuts in texts_and_cuts:
        bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
        texts.append(text)
        stretches.append(list(zip(bounds, bounds[1:])))
    expected = [[count_words(text[a:b]) for a, b in spans] for text, spans in zip(texts, stretches)]
    assert _token_counts_many(texts, stretches) == expected


def test_token_counts_in_several_batches(monkeypatch):
    """Texts past the batch size are counted in further passes, with the same counts."""
    import rhetoric.segment as segment

    texts = ["قال الوزير «لا» 5 كتب", "abc ٣ def.", "", "وزير\U0001F600 قال"] * 3
    stretches = [[(0, len(t))] if t else [] for t in texts]
    whole = _token_counts_many(texts, stretches)
    monkeypatch.setattr(segment, "_BATCH_CHARS", 12)
    assert _token_counts_many(texts, stretches) == whole == [[count_words(t)] if t else [] for t in texts]


def test_quotes_table_columns_and_rows():
    table = quotes_table(DOCS)
    assert list(table.columns) == QUOTE_COLUMNS
    assert table[table.doc_id == "a"].quote_id.tolist() == [0, 1]


def test_segment_rejects_a_table_without_text():
    with pytest.raises(RhetoricError, match="text"):
        segment_documents(pd.DataFrame({"doc_id": ["a"]}))


MARK_TEXT = st.lists(
    st.sampled_from(list("قال إن و الوزير سامي:،. \n\"'«»“”„″‘’ـلبKCNA") + ["''", "\u200f", "وقال ", "إن "]),
    max_size=200,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARK_TEXT)
def test_offset_invariants_on_generated_text(text):
    quotes, others = extract_quotes(text)
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert q.text == text[q.start:q.end]
        if q.speaker_start is not None:
            assert q.speaker == text[q.speaker_start:q.speaker_end]
    for o in others:
        assert 0 <= o.start < o.end <= len(text) and o.text == text[o.start:o.end]
    docs = pd.DataFrame({"doc_id": ["g"], "title": [""], "text": [text]})
    spans = segment_documents(docs)
    if text:
        check_spans(spans, docs)
        assert spans.voice.eq("quote").sum() == len(quotes)
    else:
        assert spans.empty


# ----------------------------------------------------------------------------- evaluation

def test_matching_is_one_to_one_and_greedy_by_overlap():
    pred = [{"start": 0, "end": 10}, {"start": 5, "end": 30}]
    gold = [{"start": 4, "end": 30}]
    assert match_quotes(pred, gold) == [(1, 0, 25)]


def test_evaluate_exact_overlap_and_speaker():
    gold = [{"doc_id": "d", "outlet": "o", "quotes": [
        {"start": 10, "end": 20, "speaker": "x", "speaker_start": 0, "speaker_end": 5},
        {"start": 30, "end": 50, "speaker": "y", "speaker_start": 22, "speaker_end": 25},
        {"start": 60, "end": 70, "speaker": None, "speaker_start": None, "speaker_end": None}]}]
    pred = {"d": [
        {"start": 10, "end": 20, "speaker": "x", "speaker_start": 2, "speaker_end": 4},   # exact, speaker ok
        {"start": 31, "end": 50, "speaker": "z", "speaker_start": 100, "speaker_end": 104},  # overlap, speaker wrong
        {"start": 80, "end": 90, "speaker": None, "speaker_start": None, "speaker_end": None}]}  # false positive
    r = evaluate_quotes(gold, pred)
    assert r["exact"]["tp"] == 1 and r["overlap"]["tp"] == 2
    assert r["overlap"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert r["overlap"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert r["speaker"] == {"accuracy": 0.5, "correct": 1, "matched": 2}


def test_speaker_counts_as_correct_by_registry_id():
    gold = [{"doc_id": "d", "quotes": [{"start": 0, "end": 5, "speaker": "KCNA", "speaker_start": 50, "speaker_end": 54}]}]
    pred = {"d": [{"start": 0, "end": 5, "speaker": "الوكالة الكورية", "speaker_start": 10, "speaker_end": 25,
                   "speaker_id": "kcna"}]}
    assert evaluate_quotes(gold, pred)["speaker"]["accuracy"] == 1.0


# ----------------------------------------------------------------------------- commands

def write_corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": r.doc_id, "title": r.title, "text": r.text} for r in DOCS.itertuples()]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_quotes_command_output_contract(tmp_path, capsys):
    corpus = write_corpus(tmp_path)
    out = tmp_path / "quotes.jsonl"
    assert main(["quotes", str(corpus), "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == ["a", "b", "c"]
    q = records[0]["quotes"][0]
    assert set(q) == {"start", "end", "text", "speaker", "speaker_start", "speaker_end", "speaker_id",
                      "speaker_type", "cue", "stance"}
    assert DOCS.text[0][q["start"]:q["end"]] == q["text"]
    for r in records:
        for o in r["other_marked"]:
            assert set(o) == {"start", "end", "text", "kind"}


def test_quotes_command_bad_input_is_an_error_message(tmp_path, capsys):
    assert main(["quotes", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "error:" in capsys.readouterr().err


def test_eval_quotes_on_a_corpus_file(tmp_path, capsys):
    corpus = write_corpus(tmp_path)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "a", "quotes": [{"start": 26, "end": 52, "speaker": "x",
                                                            "speaker_start": 5, "speaker_end": 11}]}) + "\n",
                    encoding="utf-8")
    assert main(["eval", "quotes", "--gold", str(gold), "--corpus", str(corpus), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_gold"] == 1 and result["overlap"]["recall"] == 1.0 and result["speaker"]["accuracy"] == 1.0


def test_eval_quotes_demo_gold(capsys):
    gold, corpus = ROOT / "data/demo/quotes_gold.jsonl", ROOT / "data/demo/corpus.jsonl"
    if not gold.exists() or not corpus.exists():
        pytest.skip("demo gold not there")
    assert main(["eval", "quotes", "--gold", str(gold), "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "exact P" in out and "ALL" in out


def _data_dir():
    value = os.environ.get("RHETORIC_DATA", "").strip()
    return Path(value) if value and Path(value).is_dir() else None


@pytest.mark.realdata
@pytest.mark.slow
def test_real_dev_gold_scores_do_not_regress():
    """Regression floor a little under the figures measured when this stage was written."""
    data, gold = _data_dir(), ROOT / "data/gold/quotes_dev.jsonl"
    needed = ("news_credibility_2013", "saudinewsnet")
    if data is None or not gold.exists() or not all((data / name).is_dir() for name in needed):
        pytest.skip("needs news_credibility_2013 and saudinewsnet in $RHETORIC_DATA, and data/gold/quotes_dev.jsonl")
    from rhetoric.evaluation.quotes import run

    result = run(gold, data_dir=data)
    assert result["skipped"].get("text_mismatch", 0) == 0
    assert result["exact"]["f1"] >= 0.90
    assert result["overlap"]["f1"] >= 0.92
    assert result["speaker"]["accuracy"] >= 0.90  # the target (0.914 measured)
