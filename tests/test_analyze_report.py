"""End-to-end: analyze + write_outputs on small corpora; determinism; the HTML report's escaping in
a real browser; the seed article's framing lands in quotes with the right speakers."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rhetoric import load_corpus
from rhetoric.analysis import analyze
from rhetoric.report import write_outputs
from rhetoric.resources import demo_corpus_path

SEED_ID = "seed-000_60ec432cf999c6a6"
PLANTED = '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">'


def _corpus(tmp_path: Path) -> Path:
    rows = [
        {"id": "a1", "outlet": "وكالة تجريبية", "date": "2024-01-05", "title": "عنوان",
         "text": "وقال الوزير: «إن النضال المقدس ضد الإمبريالية مستمر». وأضاف أن الوضع مستقر. " + PLANTED},
        {"id": "a2", "outlet": "وكالة تجريبية", "date": "2024-02-05", "title": "",
         "text": "أكد المتحدث أن \"الهيمنة الأمريكية\" إلى زوال. وذكرت الوكالة أن الاجتماع حدث تاريخي."},
        {"id": "b1", "outlet": "Test Wire", "date": "2024-01-09", "title": "خبر",
         "text": "قال مسؤول إن المحادثات جرت في أجواء هادئة، ولم يتسن التحقق من ذلك."},
        {"id": "b2", "outlet": "Test Wire", "date": "2024-03-01", "title": "",
         "text": "وصف الدكتاتور خصومه بأنهم \"المرتزقة\" و\"الدمى\" في خطاب طويل."},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _run(corpus: Path, out: Path) -> Path:
    documents, report = load_corpus(corpus)
    analysis = analyze(documents, model="default", seed=0)
    return write_outputs(analysis, out, load_report=report.as_dict(), settings={"seed": 0})


def test_outputs_exist_and_contract_columns(tmp_path):
    report = _run(_corpus(tmp_path), tmp_path / "out")
    out = report.parent
    for name in ("documents", "spans", "matches", "predictions"):
        assert (out / f"{name}.parquet").exists()
    for name in ("scores", "voice_gap", "keyness", "naming", "attribution"):
        assert (out / f"{name}.csv").exists()
    scores = pd.read_csv(out / "scores.csv")
    for column in ("outlet", "voice", "n_docs", "n_tokens", "n_hits", "rate_per_1k", "rate_ci_low", "rate_ci_high", "mean_prob"):
        assert column in scores.columns
    assert set(scores["voice"]) <= {"quote", "narration"}
    assert list((out / "plots").glob("*.png"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["row_accounting"]["loaded"] == 4
    assert manifest["corpus_sha256"] and manifest["lexicons"]


def test_outputs_are_byte_identical_on_rerun(tmp_path):
    corpus = _corpus(tmp_path)
    first = _run(corpus, tmp_path / "one").parent
    second = _run(corpus, tmp_path / "two").parent
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_report_escapes_corpus_strings(tmp_path):
    page = _run(_corpus(tmp_path), tmp_path / "out").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.browser
def test_planted_script_is_shown_as_text_in_chromium(tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("RHETORIC_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (RHETORIC_REQUIRE_BROWSER) but was not found")
        pytest.skip("chromium not installed (make browser installs it)")
    report = _run(_corpus(tmp_path), tmp_path / "out")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom", report.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    assert "rhetoric report" in dom  # the title set by the page, not by the planted script
    assert "PWNED" not in dom.split("</title>")[0]
    assert "&lt;script&gt;document.title" in dom  # the planted text is visible as text


@pytest.mark.skipif(not demo_corpus_path().exists(), reason="demo corpus not present")
def test_seed_framing_lands_in_quotes_with_state_speakers():
    documents, _ = load_corpus(demo_corpus_path())
    seed = documents[documents["doc_id"] == SEED_ID]
    assert len(seed) == 1
    analysis = analyze(seed, model=None)
    fm = analysis.framing_matches()
    text = seed["text"].iloc[0]
    key = fm[fm["surface"].map(lambda s: "النضال المقدس" in s or "الإمبريالية" in s or "للنضال المقدس" in s)]
    assert len(key) >= 4
    assert (key["voice"] == "quote").all(), key[["surface", "voice"]]
    spans = analysis.spans.set_index(["doc_id", "field", "span_id"])
    speakers = {spans.loc[(r.doc_id, r.field, r.span_id), "speaker_id"] for r in key.itertuples()}
    types = {spans.loc[(r.doc_id, r.field, r.span_id), "speaker_type"] for r in key.itertuples()}
    assert types <= {"state_media", "government"}, types
    assert speakers & {"kcna", "kim_jong_un"}, speakers
    narration = fm[fm["voice"] == "narration"]
    assert not narration["surface"].str.contains("النضال المقدس|الإمبريالية").any()
    assert "الدكتاتور" in set(narration["surface"])
    assert all(text[r.start:r.end] == r.surface for r in fm.itertuples())


def test_unit_probabilities_and_explanations_are_the_models(tmp_path):
    """The analysis keeps the prediction's feature matrix for the explanations
    (predict_proba_with_features): probabilities must equal predict_proba exactly, and the explanations
    must equal those computed from a fresh transform of the flagged units."""
    import numpy as np

    from rhetoric.analysis import UNIT_CONTENT_TYPE, _explanations, _predict, _units, resolve_model
    from rhetoric.segment import segment_documents

    documents, _ = load_corpus(demo_corpus_path())
    model = resolve_model("default")
    units = _units(documents, segment_documents(documents))
    predictions = _predict(model, units, explain_top=5)
    texts = units["unit_text"].tolist()
    inputs = pd.DataFrame({"text": texts, "type": [UNIT_CONTENT_TYPE] * len(texts)}) if model.use_type_ else texts
    assert np.array_equal(predictions["prob"].to_numpy(), model.predict_proba(inputs)[:, 1])
    flagged = np.flatnonzero(predictions["label"].to_numpy())
    assert len(flagged) > 0
    fresh = _explanations(model, units["unit_text"].iloc[flagged].tolist(), 5)
    assert predictions["top_features"].iloc[flagged].tolist() == fresh


def test_top_entries_pick_what_a_stable_argsort_of_each_row_picks():
    """_explanations ranks all flagged units' features at once: the same entries, in the same order,
    as a stable argsort of each row by -|value| (ties, explicit zeros, short and empty rows included)."""
    import numpy as np
    from scipy import sparse

    from rhetoric.classify import _top_entries

    rng = np.random.default_rng(0)
    for trial in range(200):
        dense = rng.choice([0.0, 1.0, -1.0, 0.5, -0.5, 2.0], size=(rng.integers(1, 10), rng.integers(1, 12)),
                           p=[0.45, 0.15, 0.15, 0.1, 0.1, 0.05])
        matrix = sparse.csr_matrix(dense)
        if trial % 3 == 0:
            matrix.data[rng.random(matrix.nnz) < 0.3] = 0.0  # stored zeros stay candidates
        for top in (1, 3, 5, 20):
            expected = [lo + np.argsort(-np.abs(matrix.data[lo:hi]), kind="stable")[:top]
                        for lo, hi in zip(matrix.indptr[:-1], matrix.indptr[1:])]
            assert _top_entries(matrix, top).tolist() == np.concatenate(expected).tolist()


def test_top_entries_of_long_rows_with_many_ties():
    """Rows of hundreds of entries (as flagged units have), values with many ties, empty and short
    rows between them: the block bound that drops most entries must not change what is picked."""
    import numpy as np
    from scipy import sparse

    from rhetoric.classify import _top_entries

    rng = np.random.default_rng(1)
    for trial in range(20):
        lengths = rng.choice([0, 1, 3, 5, 40, 400], size=60)
        n = lengths.sum()
        values = rng.choice([0.1, -0.1, 0.2, 0.3, -0.3, 1.5], size=n) * rng.choice([1, 1, 1, 0], size=n)  # stored zeros too
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        indices = np.concatenate([np.sort(rng.choice(1000, size=n, replace=False)) for n in lengths])
        matrix = sparse.csr_matrix((values, indices, indptr), shape=(len(lengths), 1000))
        for top in (1, 5, 7):
            expected = [lo + np.argsort(-np.abs(matrix.data[lo:hi]), kind="stable")[:top]
                        for lo, hi in zip(matrix.indptr[:-1], matrix.indptr[1:])]
            assert _top_entries(matrix, top).tolist() == np.concatenate(expected).tolist()


def _doc_table_by_merges(analysis, by, voice, speaker_type=False):
    """The per-article table as it was computed before (pandas merges on the span key): the oracle."""
    keys = ["doc_id", *by]
    docs = analysis.documents[["doc_id", *[b for b in by if b in analysis.documents.columns]]]
    spans = analysis.spans.merge(docs, on="doc_id", how="left")
    span_keys = keys + (["voice"] if voice else []) + (["speaker_type"] if speaker_type else [])
    if speaker_type:
        spans = spans[spans["voice"] == "quote"].assign(speaker_type=lambda d: d["speaker_type"].fillna("unknown"))
    tokens = spans.groupby(span_keys, sort=True, dropna=False)["n_tokens"].sum().rename("n_tokens")
    span_cols = spans[["doc_id", "field", "span_id", *[k for k in span_keys if k != "doc_id"]]].drop_duplicates()
    fm = analysis.framing_matches().merge(span_cols, on=["doc_id", "field", "span_id"], suffixes=("_m", ""))
    hits = fm.groupby(span_keys, sort=True, dropna=False).agg(n_hits=("entry_id", "size"), weighted=("weight", "sum"))
    preds = analysis.predictions.merge(span_cols, on=["doc_id", "field", "span_id"], suffixes=("_p", ""))
    pred = preds.groupby(span_keys, sort=True, dropna=False).agg(
        n_units=("prob", "count"), sum_prob=("prob", "sum"), n_flagged=("label", "sum"))
    return pd.concat([tokens, hits, pred], axis=1).fillna(0).reset_index()


def test_doc_table_equals_the_merge_computation():
    """Analysis._doc_table finds each hit's and unit's span by position instead of merging: the same
    table (values, dtypes, row order) for group keys with missing values, with and without matches."""
    import numpy as np

    from rhetoric.analysis import Analysis

    documents, _ = load_corpus(demo_corpus_path())
    analysis = analyze(documents, model="default")
    groups = np.where(np.arange(len(analysis.documents)) % 4 == 0, None, analysis.documents["outlet"].str[:3])
    documents = analysis.documents.assign(part=groups)
    variants = {
        "all": analysis.matches,
        "none": analysis.matches.iloc[:0],
        "some": analysis.matches.iloc[::3],
    }
    for name, matches in variants.items():
        a = Analysis(documents, analysis.spans, matches, analysis.predictions, analysis.lexicons, analysis.model)
        for by in ([], ["outlet"], ["part"], ["outlet", "part"]):
            for voice, speaker_type in ((True, False), (False, False), (True, True), (False, True)):
                expected = _doc_table_by_merges(a, by, voice, speaker_type)
                pd.testing.assert_frame_equal(a._doc_table(by, voice, speaker_type), expected, check_exact=True)


def test_csv_writer_writes_what_pandas_float_format_writes(tmp_path):
    """The report's CSV writer formats floats itself; the bytes must be those of
    ``to_csv(index=False, float_format="%.6g")`` for every kind of value a table holds."""
    import numpy as np

    from rhetoric.report import _write_csv

    frame = pd.DataFrame({
        "term": ["a,b", 'say "x"', "", "نص", "line\nbreak", None],
        "count": np.array([1, 0, -3, 10**12, 7, 2], dtype=np.int64),
        "value": [0.1234567891, float("nan"), -0.0, float("inf"), 1e-12, 123456789.0],
        "share": np.array([0.5, 1.0 / 3.0, 2.5e30, -float("inf"), 3.0, float("nan")], dtype=np.float32),
        "flag": [True, False, True, False, True, False],
    })
    for table in (frame, frame.iloc[:0], frame[["value"]], pd.DataFrame()):
        _write_csv(table, tmp_path / "fast.csv")
        table.to_csv(tmp_path / "pandas.csv", index=False, float_format="%.6g")
        assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_category_scores_count_each_groups_hits(tmp_path):
    """category_scores' hit counts, article counts and rates, against a plain groupby of the matches."""
    documents, _ = load_corpus(_corpus(tmp_path))
    analysis = analyze(documents, model=None, seed=0)
    table = analysis.category_scores(by="outlet")
    keys = ["outlet", "voice", "lexicon", "category"]
    hits = analysis.framing_matches().merge(analysis.documents[["doc_id", "outlet"]], on="doc_id")
    assert len(hits) > 0
    counted = table.set_index(keys)["n_hits"]
    expected = hits.groupby(keys).size()
    assert counted[counted > 0].sort_index().to_dict() == expected.sort_index().to_dict()
    spans = analysis.spans.merge(analysis.documents[["doc_id", "outlet"]], on="doc_id")
    spans = spans[spans["n_tokens"] > 0]
    tokens = spans.groupby(["outlet", "voice"])["n_tokens"].sum()
    n_docs = spans.groupby(["outlet", "voice"])["doc_id"].nunique()
    for row in table.itertuples(index=False):
        assert row.n_tokens == tokens[(row.outlet, row.voice)]
        assert row.n_docs == n_docs[(row.outlet, row.voice)]
        assert row.rate_per_1k == pytest.approx(1000.0 * row.n_hits / row.n_tokens)
