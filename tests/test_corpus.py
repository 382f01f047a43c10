"""Corpus loading on bad input: every row is accounted for, every error names the file and line (or
byte offset), and the same records load the same way from JSONL, CSV, Parquet, .txt folders and
DataFrames. All texts here are authored for the tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.corpus import LoadReport, NonArabicTextWarning, iter_corpus, load_corpus
from rhetoric.errors import CorpusError, RhetoricError
from rhetoric.text import normalize, normalize_with_offsets, split_sentences, tokenize

TEXT_A = "قالت الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة."
TEXT_B = "ارتفعت درجات الحرارة في معظم المناطق وحذرت الأرصاد من موجة حر."
TEXT_C = "افتتح المعرض الدولي للكتاب أبوابه أمام الزوار صباح اليوم."

RECORDS = [
    {"id": "a1", "outlet": "OutletA", "date": "2023-09-13", "title": "عنوان أول", "text": TEXT_A},
    {"id": "b1", "outlet": "OutletB", "date": "2023-09-14 08:30:00", "title": "عنوان ثان", "text": TEXT_B},
    {"id": "b2", "outlet": "OutletB", "date": "", "title": "", "text": TEXT_C},
]


def _lines(path: Path, lines: list[bytes | str]) -> Path:
    with open(path, "wb") as fh:
        for line in lines:
            fh.write((line.encode("utf-8") if isinstance(line, str) else line) + b"\n")
    return path


def _json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def _assert_accounting(report: LoadReport) -> None:
    assert report.rows_in == report.loaded + sum(report.skipped.values())


# --------------------------------------------------------------------------- malformed input


def test_malformed_jsonl_line_names_file_and_line(tmp_path):
    path = _lines(tmp_path / "c.jsonl", [_json(RECORDS[0]), '{"id": "x", "text": "نص', _json(RECORDS[1])])
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    assert f"{path}:2" in str(err.value) and "malformed JSON" in str(err.value)
    docs, report = load_corpus(path, on_error="skip")
    assert docs["doc_id"].tolist() == ["a1", "b1"]
    assert report.skipped == {"malformed_json": 1}
    _assert_accounting(report)


def test_line_that_is_not_an_object(tmp_path):
    path = _lines(tmp_path / "c.jsonl", [_json(RECORDS[0]), "[1, 2]"])
    with pytest.raises(CorpusError, match=r"c.jsonl:2: expected a JSON object per line, got list"):
        load_corpus(path)
    assert load_corpus(path, on_error="skip").report.skipped == {"not_an_object": 1}


def test_missing_text_column(tmp_path):
    path = _lines(tmp_path / "c.jsonl", [_json({"id": "1", "body_html": TEXT_A})])
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    message = str(err.value)
    assert f"{path}:1" in message and "no 'text' column" in message and "body_html" in message
    assert "columns_map" in message
    docs, _ = load_corpus(path, columns_map={"text": "body_html"})
    assert docs["text"].tolist() == [TEXT_A]
    with pytest.raises(CorpusError, match=r"c.jsonl:1: no column 'body' \(given for text\)"):
        load_corpus(path, columns_map={"text": "body"})
    with pytest.raises(CorpusError, match="columns_map keys must be documents columns"):
        load_corpus(path, columns_map={"body_html": "text"})
    csv = tmp_path / "c.csv"
    pd.DataFrame({"id": ["1"], "headline": ["عنوان"]}).to_csv(csv, index=False)
    with pytest.raises(CorpusError, match="no 'text' column"):
        load_corpus(csv)


def test_empty_and_whitespace_texts_are_skipped_and_counted(tmp_path):
    path = _lines(tmp_path / "c.jsonl", [
        _json(RECORDS[0]),
        _json({"id": "e1", "text": ""}),
        _json({"id": "e2", "text": "  \n\t \u00a0"}),
        _json({"id": "e3", "text": None}),
        "",  # a blank line is not a row
        _json(RECORDS[1]),
    ])
    docs, report = load_corpus(path)
    assert docs["doc_id"].tolist() == ["a1", "b1"]
    assert report.rows_in == 5 and report.skipped == {"empty_text": 3}
    _assert_accounting(report)


def test_non_arabic_text_is_kept_with_a_warning(tmp_path):
    path = _lines(tmp_path / "c.jsonl", [_json(RECORDS[0]), _json({"id": "en", "text": "An English wire story."})])
    with pytest.warns(NonArabicTextWarning, match="1 document"):
        docs, report = load_corpus(path)
    assert docs["doc_id"].tolist() == ["a1", "en"]
    assert report.warnings["no_arabic_text"] == 1


def test_invalid_utf8_names_file_and_byte_offset(tmp_path):
    first = _json(RECORDS[0]).encode("utf-8") + b"\n"
    second = '{"id": "bad", "text": "نص '.encode("utf-8")
    path = tmp_path / "c.jsonl"
    path.write_bytes(first + second + b"\xff\xfe" + '"}\n'.encode() + _json(RECORDS[1]).encode("utf-8") + b"\n")
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    offset = len(first) + len(second)
    assert f"{path}:2" in str(err.value) and f"byte offset {offset}" in str(err.value) and "0xff" in str(err.value)
    docs, report = load_corpus(path, on_error="skip")
    assert docs["doc_id"].tolist() == ["a1", "b1"] and report.skipped == {"invalid_utf8": 1}


def test_invalid_utf8_in_csv_gives_the_exact_file_offset(tmp_path):
    # Regression: the offset was relative to pandas' read buffer, not to the file.
    head = "id,text\n" + "".join(f"r{i},نص رقم {i}\n" for i in range(5000))
    path = tmp_path / "c.csv"
    path.write_bytes(head.encode("utf-8") + b"bad,\xff\n")
    with pytest.raises(CorpusError, match=rf"byte offset {len(head.encode('utf-8')) + 4} \(line 5002\)"):
        load_corpus(path)


def test_invalid_utf8_in_txt_folder(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "docs" / "bad.txt").write_bytes("نص".encode("utf-8") + b"\xc3")
    with pytest.raises(CorpusError, match=r"bad.txt: invalid UTF-8 at byte offset 4"):
        load_corpus(tmp_path / "docs")
    docs, report = load_corpus(tmp_path / "docs", on_error="skip")
    assert docs["doc_id"].tolist() == ["good"] and report.skipped == {"invalid_utf8": 1}


def test_utf8_bom_on_first_jsonl_line(tmp_path):
    # Regression: files saved by Windows editors start with a BOM; line 1 was reported as malformed.
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (_json(RECORDS[0]) + "\n" + _json(RECORDS[1]) + "\n").encode("utf-8"))
    assert load_corpus(path).documents["doc_id"].tolist() == ["a1", "b1"]


def test_lone_surrogates_become_replacement_characters(tmp_path):
    """JSON may escape a lone surrogate; it cannot be written as UTF-8 (Parquet, CSV), so it becomes
    U+FFFD one for one: offsets stay valid, the row is kept and the warning counted."""
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s\\ud800", "text": "نص \\udc00 عربي", "title": "\\ud83d"}\n', encoding="utf-8")
    docs, report = load_corpus(path)
    assert docs["text"][0] == "نص \ufffd عربي" and len(docs["text"][0]) == len("نص x عربي")
    assert docs["title"][0] == "\ufffd" and docs["doc_id"][0] == "s\ufffd"
    assert report.warnings["lone_surrogates_replaced"] == 1
    docs.to_parquet(tmp_path / "s.parquet")  # writable now


def test_nul_bytes(tmp_path):
    escaped = _lines(tmp_path / "esc.jsonl", [_json({"id": "n", "text": "نص\u0000عربي", "title": "عن\u0000وان"})])
    docs, report = load_corpus(escaped)
    assert docs["text"][0] == "نصعربي" and docs["title"][0] == "عنوان"
    assert report.warnings["nul_bytes_removed"] == 1
    raw = _lines(tmp_path / "raw.jsonl", [_json(RECORDS[0]), b'{"id": "n", "text": "x\x00y"}'])
    with pytest.raises(CorpusError, match=r"raw.jsonl:2: malformed JSON"):
        load_corpus(raw)
    csv = tmp_path / "c.csv"
    csv.write_bytes("id,text\nn,نص\x00عربي\n".encode("utf-8"))
    docs, report = load_corpus(csv)
    assert docs["text"][0] == "نصعربي" and report.warnings["nul_bytes_removed"] == 1


def test_duplicate_ids(tmp_path):
    dup = dict(RECORDS[1], id="a1")
    path = _lines(tmp_path / "c.jsonl", [_json(RECORDS[0]), _json(dup), _json(RECORDS[2])])
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    assert f"{path}:2" in str(err.value) and "'a1'" in str(err.value) and f"{path}:1" in str(err.value)
    docs, report = load_corpus(path, on_error="skip")
    assert docs["doc_id"].tolist() == ["a1", "b2"] and docs["text"][0] == TEXT_A  # first kept
    assert report.skipped == {"duplicate_id": 1}
    _assert_accounting(report)


def test_duplicate_article_without_ids_is_explained():
    frame = pd.DataFrame({"text": [TEXT_A, TEXT_B, TEXT_A]})
    with pytest.raises(CorpusError, match="row 2: the same outlet, title and text.*first seen at DataFrame row 0"):
        load_corpus(frame)
    docs, report = load_corpus(frame, on_error="skip")
    assert len(docs) == 2 and report.skipped == {"duplicate_id": 1} and report.warnings["generated_id"] == 3


def test_malformed_csv_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f"id,text\na,{TEXT_A}\nb,{TEXT_B},extra,cells\nc,{TEXT_C}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="malformed CSV"):
        load_corpus(path)
    docs, report = load_corpus(path, on_error="skip")
    assert docs["doc_id"].tolist() == ["a", "c"] and report.skipped == {"malformed_csv": 1}
    _assert_accounting(report)


def test_unreadable_sources(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        load_corpus(tmp_path / "missing.jsonl")
    (tmp_path / "c.xlsx").write_bytes(b"PK")
    with pytest.raises(CorpusError, match="unknown corpus format '.xlsx'"):
        load_corpus(tmp_path / "c.xlsx")
    (tmp_path / "c.parquet").write_bytes(b"not parquet")
    with pytest.raises(CorpusError, match="not a readable Parquet file"):
        load_corpus(tmp_path / "c.parquet")
    with pytest.raises(CorpusError, match="on_error must be"):
        load_corpus(pd.DataFrame({"text": [TEXT_A]}), on_error="ignore")
    assert issubclass(CorpusError, RhetoricError)


# --------------------------------------------------------------------------- formats and columns


def _same_corpus(docs: pd.DataFrame) -> None:
    assert docs["doc_id"].tolist() == ["a1", "b1", "b2"]
    assert docs["outlet"].tolist() == ["OutletA", "OutletB", "OutletB"]
    assert docs["text"].tolist() == [TEXT_A, TEXT_B, TEXT_C]
    assert docs["title"].tolist() == ["عنوان أول", "عنوان ثان", ""]
    assert docs["date"].tolist()[:2] == [pd.Timestamp("2023-09-13"), pd.Timestamp("2023-09-14 08:30")]
    assert pd.isna(docs["date"][2])
    assert list(docs.columns[:5]) == ["doc_id", "outlet", "date", "title", "text"]


def test_jsonl_csv_tsv_parquet_dataframe_load_the_same(tmp_path):
    frame = pd.DataFrame(RECORDS)
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_csv(tmp_path / "c.tsv", index=False, sep="\t")
    frame.to_parquet(tmp_path / "c.parquet")
    _lines(tmp_path / "c.jsonl", [_json(r) for r in RECORDS])
    for source in [tmp_path / "c.jsonl", tmp_path / "c.csv", tmp_path / "c.tsv", tmp_path / "c.parquet", frame]:
        docs, report = load_corpus(source)
        _same_corpus(docs)
        assert report.rows_in == report.loaded == 3 and not report.skipped


def test_json_array_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(RECORDS + [7], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CorpusError, match="item 3 of the array is not an object"):
        load_corpus(path)
    docs, report = load_corpus(path, on_error="skip")
    _same_corpus(docs)
    assert report.skipped == {"not_an_object": 1}


def test_folder_of_txt_files(tmp_path):
    root = tmp_path / "articles"
    (root / "OutletA").mkdir(parents=True)
    (root / "OutletA" / "one.txt").write_text(TEXT_A, encoding="utf-8")
    (root / "OutletA" / "two.txt").write_text("\ufeff" + TEXT_B, encoding="utf-8")  # BOM is dropped
    (root / "loose.txt").write_text(TEXT_C, encoding="utf-8")
    (root / "notes.md").write_text("ignored", encoding="utf-8")
    docs, report = load_corpus(root)
    assert docs["doc_id"].tolist() == ["OutletA/one", "OutletA/two", "loose"]
    assert docs["outlet"].tolist() == ["OutletA", "OutletA", "unknown"]
    assert docs["text"].tolist() == [TEXT_A, TEXT_B, TEXT_C]
    assert report.rows_in == 3


def test_id_and_column_aliases(tmp_path):
    aliased = [{"id": "x1", "content": TEXT_A, "source": "S", "published": "2020-01-02", "headline": "ع"},
               {"id": "x2", "content": TEXT_B, "source": "S", "published": "2020-01-03", "headline": "ع"}]
    docs, report = load_corpus(_lines(tmp_path / "a.jsonl", [_json(r) for r in aliased]))
    assert docs["doc_id"].tolist() == ["x1", "x2"] and docs["outlet"].tolist() == ["S", "S"]
    assert docs["text"].tolist() == [TEXT_A, TEXT_B] and docs["date"][0] == pd.Timestamp("2020-01-02")
    assert report.renamed == {"id": "doc_id", "content": "text", "source": "outlet", "published": "date",
                              "headline": "title"}
    # doc_id wins over the id alias; the unused id column is kept as an extra.
    docs, report = load_corpus(pd.DataFrame([{"doc_id": "d1", "id": "ignored", "text": TEXT_A}]))
    assert docs["doc_id"].tolist() == ["d1"] and docs["id"].tolist() == ["ignored"] and report.renamed == {}
    # An explicit mapping wins over everything; a fixed outlet fills missing ones.
    docs, _ = load_corpus(pd.DataFrame([{"key": "k", "body": TEXT_A, "text": "ignored"}]),
                          columns_map={"doc_id": "key", "text": "body"}, outlet="Fixed")
    assert docs["doc_id"].tolist() == ["k"] and docs["text"].tolist() == [TEXT_A]
    assert docs["outlet"].tolist() == ["Fixed"]


def test_extra_columns_are_kept(tmp_path):
    docs, _ = load_corpus(pd.DataFrame([{"id": "1", "text": TEXT_A, "section": "سياسة", "words": 9}]))
    assert docs["section"].tolist() == ["سياسة"] and docs["words"].tolist() == [9]


def test_unparsed_dates_are_counted():
    docs, report = load_corpus(pd.DataFrame({"id": ["1", "2"], "text": [TEXT_A, TEXT_B],
                                             "date": ["2021-05-06", "أمس"]}))
    assert docs["date"][0] == pd.Timestamp("2021-05-06") and pd.isna(docs["date"][1])
    assert report.warnings["unparsed_date"] == 1


_ID_SCRIPT = (
    "import pandas as pd; from rhetoric.corpus import load_corpus; "
    "print(load_corpus(pd.DataFrame({'text': [%r], 'title': ['t']})).documents['doc_id'][0])"
)


def test_generated_ids_are_stable_across_runs():
    docs, report = load_corpus(pd.DataFrame({"text": [TEXT_A, TEXT_B], "title": ["t", "t"]}))
    assert report.warnings["generated_id"] == 2
    ids = docs["doc_id"].tolist()
    assert ids[0] != ids[1] and all(i.startswith("h") and len(i) == 17 for i in ids)
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", _ID_SCRIPT % TEXT_A], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == ids[0]
    # The id follows the content: another title or outlet gives another id.
    other = load_corpus(pd.DataFrame({"text": [TEXT_A], "title": ["u"]})).documents["doc_id"][0]
    assert other != ids[0]


# --------------------------------------------------------------------------- accounting


LINE_KINDS = {
    "good": lambda i: _json({"id": f"g{i}", "text": TEXT_A + f" {i}"}).encode("utf-8"),
    "malformed_json": lambda i: b'{"id": "m", "text": ',
    "empty_text": lambda i: _json({"id": f"e{i}", "text": "   "}).encode("utf-8"),
    "invalid_utf8": lambda i: b'{"id": "u", "text": "\xff"}',
    "not_an_object": lambda i: b'"just a string"',
    "duplicate_id": lambda i: _json({"id": "g0", "text": TEXT_B}).encode("utf-8"),
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(LINE_KINDS)), max_size=25))
def test_row_accounting_invariant(kinds):
    kinds = ["good"] + kinds  # g0 first, so every "duplicate_id" line duplicates it
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.jsonl"
        path.write_bytes(b"".join(LINE_KINDS[k](i) + b"\n" for i, k in enumerate(kinds)))
        docs, report = load_corpus(path, on_error="skip")
    assert report.rows_in == len(kinds)
    _assert_accounting(report)
    assert report.loaded == len(docs) == kinds.count("good")
    for kind in LINE_KINDS:
        if kind != "good":
            assert report.skipped.get(kind, 0) == kinds.count(kind)
    assert docs.attrs["load_report"] == report.as_dict()


def test_iter_corpus_streams_bounded_chunks(tmp_path):
    path = _lines(tmp_path / "c.jsonl", [_json({"id": str(i), "text": f"{TEXT_A} {i}"}) for i in range(25)])
    report = LoadReport(str(path))
    chunks = list(iter_corpus(path, chunk_size=10, report=report))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert pd.concat(chunks, ignore_index=True).equals(load_corpus(path).documents)
    assert report.rows_in == report.loaded == 25


def test_report_str_and_dict():
    docs, report = load_corpus(pd.DataFrame({"id": ["1", "2"], "text": [TEXT_A, ""]}))
    assert str(report) == "DataFrame: 2 rows in, 1 loaded, skipped (empty_text: 1), warnings (none)"
    assert report.as_dict()["skipped"] == {"empty_text": 1}


# --------------------------------------------------------------------------- a 5 MB article


@pytest.mark.slow
def test_five_megabyte_article(tmp_path):
    """Loads, normalises, splits and tokenises one 5 MB article; loading and normalising stay within
    20x the text size (tracemalloc peak). Sentence splitting and tokenising run untraced because
    tracemalloc slows their per-character work tenfold; their outputs are checked instead."""
    paragraph = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد غدا في العاصمة، وأضاف: «سنناقش خطة التعليم». "
    text = paragraph * (5 * 1024 * 1024 // len(paragraph.encode("utf-8")) + 1)
    size = len(text.encode("utf-8"))
    path = _lines(tmp_path / "big.jsonl", [_json({"id": "big", "outlet": "O", "text": text})])

    tracemalloc.start()
    try:
        docs, report = load_corpus(path)
        norm = normalize_with_offsets(docs["text"][0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.loaded == 1 and docs["text"][0] == text
    assert peak < 20 * size, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB article"
    assert norm.text == normalize(text) and norm.starts[-1] == len(text)

    spans = split_sentences(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:]))
    assert len(spans) == text.count("». ")  # one sentence per paragraph: the quoted dot does not split
    tokens = tokenize(text)
    assert len(tokens) == len(tokenize(paragraph)) * text.count(paragraph)
    for token in tokens[:: max(1, len(tokens) // 1000)]:
        assert text[token.start:token.end] == token.text
