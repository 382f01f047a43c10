"""Engines: the streaming local engine (process pool) and the Dask engine (a 2-worker LocalCluster)
give the same tables, scores and intervals as the in-memory analysis of the demo corpus."""
import json
import math

import pandas as pd
import pytest

from rhetoric import load_corpus
from rhetoric.analysis import analyze, load_lexicon_set
from rhetoric.engines.local import StreamedAnalysis, analyze_stream, iter_source, read_table, stream_chunks
from rhetoric.errors import RhetoricError
from rhetoric.model_io import default_model_path
from rhetoric.report import _flagged_units, write_outputs
from rhetoric.resources import demo_corpus_path

pytestmark = pytest.mark.skipif(not demo_corpus_path().exists(), reason="demo corpus not present")

TABLES = ("spans", "matches", "predictions")
CHUNK = 7  # the demo corpus (33 articles) in 5 chunks, so merging across chunks is exercised


def _model():
    return "default" if default_model_path().exists() else None


@pytest.fixture(scope="module")
def lexicons():
    return load_lexicon_set(None)


@pytest.fixture(scope="module")
def in_memory(lexicons):
    documents, _ = load_corpus(demo_corpus_path())
    return analyze(documents, lexicons=lexicons, model=_model(), seed=3)


@pytest.fixture(scope="module")
def streamed(lexicons, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    return analyze_stream(demo_corpus_path(), out, lexicons=lexicons, model=_model(), seed=3, jobs=2, chunk_size=CHUNK)


def _comparisons(analysis):
    """Every comparison the report writes, plus the variants a researcher may ask for."""
    return {
        "scores": analysis.scores(),
        "scores_by_speaker_type": analysis.scores(by_speaker_type=True),
        "scores_all_voices": analysis.scores(voice=False),
        "category_scores": analysis.category_scores(),
        "category_scores_all_voices": analysis.category_scores(voice=False),
        "voice_gap": analysis.voice_gap(),
        "adoption": analysis.adoption(),
        "attribution": analysis.attribution(),
        "naming": analysis.naming(),
        "keyness": analysis.keyness({"voice": "quote"}, {"voice": "narration"}),
        "keyness_by_outlet": analysis.keyness({"voice": "quote"}, by="outlet", min_count=1),
        "over_time": analysis.over_time("M"),
        "subset_scores": analysis.subset(outlet=sorted(set(analysis.documents["outlet"]))[:2]).scores(),
    }


def _sorted(frame):
    keys = [c for c in ("doc_id", "field", "span_id", "unit_id", "start", "end", "entry_id") if c in frame.columns]
    return frame.sort_values(keys, kind="mergesort").reset_index(drop=True)


def _units(flagged):
    """Flagged units as comparable JSON (NaN == NaN)."""
    return json.dumps(flagged, default=lambda v: None if isinstance(v, float) and math.isnan(v) else str(v),
                      sort_keys=True, ensure_ascii=False)


def test_streamed_tables_equal_in_memory(in_memory, streamed):
    assert isinstance(streamed, StreamedAnalysis)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(streamed, name), getattr(in_memory, name), check_dtype=False, obj=name)
    pd.testing.assert_frame_equal(streamed.documents, in_memory.documents.drop(columns=["text", "title"]))
    on_disk = read_table(streamed.partials.tables_dir, "documents")  # Parquet strings read back as str dtype
    pd.testing.assert_frame_equal(on_disk, in_memory.documents, check_dtype=False)
    assert len(list((streamed.partials.tables_dir / "spans.parquet").glob("part-*.parquet"))) == math.ceil(33 / CHUNK)
    assert streamed.load_report.loaded == 33 and streamed.load_report.rows_in == 33


def test_streamed_comparisons_equal_in_memory(in_memory, streamed):
    expected, got = _comparisons(in_memory), _comparisons(streamed)
    for name, frame in expected.items():
        assert len(frame), name
        pd.testing.assert_frame_equal(got[name], frame, obj=name)
    assert _units(_flagged_units(streamed, "outlet", 5)) == _units(_flagged_units(in_memory, "outlet", 5))


def test_dask_two_workers_equal_local(lexicons, streamed, tmp_path):
    pytest.importorskip("distributed")
    from rhetoric.engines.dask import analyze_dask

    dask = analyze_dask(demo_corpus_path(), tmp_path / "dask", lexicons=lexicons, model=_model(), seed=3,
                        workers=2, chunk_size=CHUNK)
    for name in ("documents", *TABLES):
        pd.testing.assert_frame_equal(_sorted(read_table(tmp_path / "dask", name)),
                                      _sorted(read_table(streamed.partials.tables_dir, name)), obj=name)
    expected, got = _comparisons(streamed), _comparisons(dask)
    for name in ("scores", "voice_gap", "category_scores", "naming", "keyness", "attribution"):
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def test_dask_unreachable_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("distributed")
    from rhetoric.engines.dask import analyze_dask

    with pytest.raises(RhetoricError, match="cannot reach the Dask scheduler"):
        analyze_dask(demo_corpus_path(), tmp_path, model=None, scheduler="tcp://127.0.0.1:9", timeout=2)


def test_parquet_parts_are_a_corpus(lexicons, streamed, tmp_path):
    """DIR/documents/ of a run reads back as a corpus (part by part) with the same results."""
    again = analyze_stream(streamed.partials.tables_dir / "documents.parquet", tmp_path / "again", lexicons=lexicons,
                           model=None, jobs=1, chunk_size=10)
    pd.testing.assert_frame_equal(again.spans, streamed.spans)
    pd.testing.assert_frame_equal(again.documents, streamed.documents)
    assert again.partials.corpus_sha256 == streamed.partials.corpus_sha256


def test_duplicate_ids_across_parquet_parts_raise(tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    frame = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "X"], "text": ["قال الوزير إن الوضع مستقر.", "خبر آخر هنا."]})
    frame.to_parquet(parts / "part-00000.parquet")
    frame.iloc[1:].to_parquet(parts / "part-00001.parquet")
    from rhetoric.corpus import LoadReport

    with pytest.raises(RhetoricError, match="duplicate document id 'b'"):
        list(iter_source(parts, chunk_size=10, report=LoadReport("parts")))
    report = LoadReport("parts")
    chunks = list(iter_source(parts, chunk_size=10, report=report, on_error="skip"))
    assert sum(map(len, chunks)) == 2 and report.skipped["duplicate_id"] == 1
    assert report.rows_in == report.loaded + sum(report.skipped.values())


def test_at_most_max_in_flight_chunks_are_pending(tmp_path, in_memory):
    """The driver never holds more than max_in_flight unfinished chunks, whatever the corpus size."""
    from rhetoric.engines.local import chunk_partials

    state = {"submitted": 0, "collected": 0, "peak": 0}

    class Lazy:  # a future computed when its result is collected
        def __init__(self, chunk):
            self.chunk = chunk

        def result(self):
            state["collected"] += 1
            return chunk_partials(in_memory._subset(self.chunk["doc_id"]), "outlet", 5), {}

    def submit(number, chunk, schema):
        state["submitted"] += 1
        state["peak"] = max(state["peak"], state["submitted"] - state["collected"])
        return Lazy(chunk)

    documents = in_memory.documents
    chunks = (documents.iloc[start:start + 3] for start in range(0, len(documents), 3))
    docs, partials = stream_chunks(chunks, tmp_path, submit, max_in_flight=2, by="outlet", per_group=5)
    assert state["submitted"] == math.ceil(len(documents) / 3) == state["collected"]
    assert state["peak"] == 2
    assert docs["doc_id"].tolist() == documents["doc_id"].tolist()
    assert partials.n_tokens == int(in_memory.spans["n_tokens"].sum())


def test_streamed_limits_are_clear_errors(streamed):
    with pytest.raises(RhetoricError, match="cannot select on 'speaker_type'"):
        streamed.keyness({"speaker_type": "government"})
    with pytest.raises(RhetoricError, match="subset"):
        streamed.subset(outlet=streamed.documents["outlet"].iloc[0]).keyness({"voice": "quote"})
    with pytest.raises(RhetoricError, match="documents columns only"):
        streamed.scores(by="speaker")


def test_cli_local_engine_report_equals_in_memory(in_memory, tmp_path, capsys):
    """``rhetoric analyze --engine local --jobs 2`` writes partitioned Parquet and the same CSVs and
    report body as write_outputs on the in-memory analysis."""
    from rhetoric.cli import main

    out, mem = tmp_path / "out", tmp_path / "memory"
    code = main(["analyze", str(demo_corpus_path()), "--out", str(out), "--model", str(_model() or "none"),
                 "--seed", "3", "--jobs", "2", "--chunk-size", "20"])
    assert code == 0
    assert "33 rows in, 33 loaded" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "spans.parquet").iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert pd.read_parquet(out / "spans.parquet").shape[0] > 0  # the folder reads as one table
    write_outputs(in_memory, mem, load_report=load_corpus(demo_corpus_path()).report.as_dict(), settings={"seed": 3})
    csvs = sorted(p.name for p in mem.glob("*.csv"))
    assert csvs and csvs == sorted(p.name for p in out.glob("*.csv"))
    for name in csvs:
        assert (mem / name).read_bytes() == (out / name).read_bytes(), name
    body = lambda p: p.read_text(encoding="utf-8").split("<h2>Manifest</h2>")[0]  # noqa: E731
    assert body(out / "report.html") == body(mem / "report.html")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["corpus_sha256"] == json.loads((mem / "manifest.json").read_text(encoding="utf-8"))["corpus_sha256"]
    assert "spans.parquet/part-00001.parquet" in manifest["outputs"]


@pytest.mark.skipif(not default_model_path().exists(), reason="default model not trained yet")
def test_batched_explanations_equal_explain_per_text(in_memory):
    """The analysis explains flagged units in one batch; each equals model.explain on that unit alone."""
    from rhetoric.analysis import _explanations

    model = in_memory.model
    flagged = in_memory.predictions[in_memory.predictions["label"]].head(40)
    assert len(flagged)
    texts = {(d, "text"): t for d, t in zip(in_memory.documents["doc_id"], in_memory.documents["text"])}
    texts |= {(d, "title"): t for d, t in zip(in_memory.documents["doc_id"], in_memory.documents["title"])}
    units = [texts[(r.doc_id, r.field)][r.start:r.end] for r in flagged.itertuples()]
    one_by_one = [json.dumps([[n, round(float(w), 6)] for n, w, *_ in model.explain(u, top=5)], ensure_ascii=False)
                  for u in units]
    assert _explanations(model, units, 5) == one_by_one
    assert flagged["top_features"].tolist() == one_by_one


def test_empty_corpus_is_a_clear_error(tmp_path):
    corpus = tmp_path / "empty.jsonl"
    corpus.write_text(json.dumps({"id": "x", "text": "   "}) + "\n", encoding="utf-8")
    with pytest.raises(RhetoricError, match="no documents"):
        analyze_stream(corpus, tmp_path / "out", model=None, jobs=1)


def test_a_failing_chunk_names_its_documents(tmp_path, monkeypatch):
    import rhetoric.engines.local as local

    def broken(documents, *args):
        raise ValueError("boom")

    monkeypatch.setattr(local, "process_chunk", broken)
    with pytest.raises(RhetoricError, match=r"chunk 0 \(documents 'seed-.*' \.\. '.*'\) failed: ValueError: boom"):
        local.analyze_stream(demo_corpus_path(), tmp_path, model=None, jobs=1, chunk_size=10)


def test_every_part_has_the_schema_in_code_and_the_folder_reads_as_one_table(streamed):
    """The workers write the parts; each stage table's parts have exactly stage_schema's types, and the
    folder reads back (pandas' dataset reader) as the parts one after the other."""
    import pyarrow.parquet as pq

    from rhetoric.engines.local import stage_schema

    folder = streamed.partials.tables_dir
    for name in TABLES:
        parts = sorted((folder / f"{name}.parquet").glob("part-*.parquet"))
        assert len(parts) == math.ceil(33 / CHUNK)
        for part in parts:
            assert pq.read_schema(part).remove_metadata().equals(stage_schema(name)), part
        pd.testing.assert_frame_equal(pd.read_parquet(folder / f"{name}.parquet"), read_table(folder, name), obj=name)


def _two_chunk_corpus(**extra):
    """Two articles we wrote: the first has no lexicon hit and no quote, the second both."""
    return pd.DataFrame({"doc_id": ["calm", "framed"], "outlet": ["X", "Y"],
                         "text": ["خبر عن الطقس اليوم.", 'قال الوزير إن "الإمبريالية" تهدد النضال المقدس.'], **extra})


def test_a_first_chunk_without_hits_does_not_fix_the_types(tmp_path, lexicons):
    """With the schema of the first chunk, a chunk with no match and no known speaker wrote those
    columns as Arrow ``string`` and every later chunk as ``large_string``; the schema in code gives
    every part the same types whatever the first chunk holds."""
    import pyarrow.parquet as pq

    from rhetoric.engines.local import stage_schema

    result = analyze_stream(_two_chunk_corpus(), tmp_path, lexicons=lexicons, model=None, jobs=1, chunk_size=1)
    for name in TABLES:
        for part in sorted((tmp_path / f"{name}.parquet").glob("part-*.parquet")):
            assert pq.read_schema(part).remove_metadata().equals(stage_schema(name)), part
    matches = pd.read_parquet(tmp_path / "matches.parquet")
    assert matches["doc_id"].unique().tolist() == ["framed"] and matches["weight"].dtype == "float64"
    spans = pd.read_parquet(tmp_path / "spans.parquet")
    assert spans["speaker_start"].dtype == "Int64" and spans["speaker"].notna().sum() == 1
    pd.testing.assert_frame_equal(matches, result.matches)


def test_a_documents_chunk_of_other_types_is_a_clear_error(tmp_path):
    corpus = _two_chunk_corpus(pages=[3, "three"])
    with pytest.raises(RhetoricError, match="chunk 1 of the documents table does not fit the schema of the first chunk"):
        analyze_stream(corpus, tmp_path, model=None, jobs=1, chunk_size=1)


def test_a_stage_table_with_other_columns_is_a_clear_error(in_memory):
    from rhetoric.engines.local import encode_part, stage_schema

    spans = in_memory.spans.head(3)
    with pytest.raises(RhetoricError, match="chunk 4 of the spans table has columns"):
        encode_part("spans", 4, spans.assign(extra=1), stage_schema("spans"))
    with pytest.raises(RhetoricError, match="chunk 4 of the spans table does not fit its schema"):
        encode_part("spans", 4, spans.assign(start="x"), stage_schema("spans"))


def test_local_cluster_workers_run_without_dask_monitors():
    """The settings reach the worker processes (the nanny passes its config on), not only this one."""
    pytest.importorskip("distributed")
    import dask
    from distributed import Client

    from rhetoric.engines.dask import QUIET_CLUSTER, local_cluster

    here = {key: dask.config.get(key) for key in QUIET_CLUSTER}
    with local_cluster(1) as cluster, Client(cluster) as client:
        seen = client.run(lambda: {key: dask.config.get(key) for key in QUIET_CLUSTER})
    assert list(seen.values()) == [QUIET_CLUSTER]
    assert {key: dask.config.get(key) for key in QUIET_CLUSTER} == here  # this process's settings untouched


def test_word_count_tables_sum_like_counters():
    """Workers send word counts as Arrow tables; summing them in batches (as Partials.merge does)
    gives the counts of Counter.update, in the same order in every run."""
    import random
    from collections import Counter

    from rhetoric.engines.local import _TERM_MERGE_EVERY, sum_term_tables
    from rhetoric.text import count_word_forms, word_form_table

    rng = random.Random(0)
    words = [f"w{i}" for i in range(300)] + ["الحرب", "الإمبريالية", "حرب،", "(الحرب)"]
    chunks = [[" ".join(rng.choices(words, k=rng.randrange(0, 200)))] for _ in range(2 * _TERM_MERGE_EVERY + 3)]
    expected = sum(map(count_word_forms, chunks), Counter())
    total = None
    for start in range(0, len(chunks), _TERM_MERGE_EVERY):
        total = sum_term_tables([total, *map(word_form_table, chunks[start:start + _TERM_MERGE_EVERY])])
    assert dict(zip(total.column("term").to_pylist(), total.column("n").to_pylist())) == dict(expected)
    again = None
    for start in range(0, len(chunks), _TERM_MERGE_EVERY):
        again = sum_term_tables([again, *map(word_form_table, chunks[start:start + _TERM_MERGE_EVERY])])
    assert again.equals(total)
    assert sum_term_tables([word_form_table([])]).num_rows == 0


def test_stopping_the_worker_server_ends_it_and_a_later_run_starts_another(tmp_path, lexicons):
    """``rhetoric analyze`` stops the worker server when it is done (so a caller reading its output
    does not wait for the server's own shutdown); the process is gone at once, and the next run in
    the same process starts a new server."""
    import os
    from multiprocessing import forkserver

    from rhetoric.engines.local import stop_worker_server

    docs = load_corpus(demo_corpus_path()).documents.head(6)
    first = analyze_stream(docs, tmp_path / "a", lexicons=lexicons, model=None, jobs=2, chunk_size=3)
    pid = forkserver._forkserver._forkserver_pid
    assert pid is not None
    stop_worker_server()
    assert forkserver._forkserver._forkserver_pid is None
    with pytest.raises(ChildProcessError):  # reaped: no longer a child of this process
        os.waitpid(pid, os.WNOHANG)
    stop_worker_server()  # nothing running: nothing to do
    second = analyze_stream(docs, tmp_path / "b", lexicons=lexicons, model=None, jobs=2, chunk_size=3)
    assert forkserver._forkserver._forkserver_pid not in (None, pid)
    pd.testing.assert_frame_equal(first.documents, second.documents)
