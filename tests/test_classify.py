"""FramingClassifier: fitting, calibration/thresholds from CV, explanations at real offsets, training
data deduplication, predict_units. Trained on a slice of the project's own authored sentences."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from rhetoric.classify import WORD_PATTERN, FramingClassifier, combine_training_data, predict_units
from rhetoric.errors import ModelError, RhetoricError
from rhetoric.resources import project_path
from rhetoric.text import normalize


def authored(n: int = 120) -> pd.DataFrame:
    """The first ``n`` authored framing sentences (ours, no corpus text)."""
    frame = pd.read_json(project_path("data", "labelled", "framing_sentences.jsonl"), lines=True, dtype={"id": str})
    return frame.head(n).reset_index(drop=True)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return authored()


@pytest.fixture(scope="module")
def model(data) -> FramingClassifier:
    return FramingClassifier(cv=4).fit(data["text"], data["label"], groups=data["group"])


def test_fit_sets_calibrated_threshold_from_cv(model, data):
    assert model.classes_.tolist() == [False, True]
    assert 0.05 <= model.threshold_ <= 0.95
    assert model.cv_predictions_.shape == (len(data), 1)
    prob = model.predict_proba(data["text"].tolist()[:5])
    assert prob.shape == (5, 2)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)
    assert model.predict(data["text"].tolist()[:5]).dtype == bool
    # the CV figures come from out-of-fold predictions, so they are not the (perfect) training fit
    assert model.cv_metrics_["n"] == len(data)
    assert 0.5 < model.cv_metrics_["macro_f1"] <= 1.0


def test_grouped_cv_never_splits_a_group(data):
    """With groups, each minimal pair is scored by a model that saw neither of its sentences: the
    out-of-fold probabilities differ from a model trained on everything."""
    grouped = FramingClassifier(cv=4, lexicon=False).fit(data["text"], data["label"], groups=data["group"])
    full = grouped.predict_proba(data["text"])[:, 1]
    assert np.abs(full - grouped.cv_predictions_[:, 0]).mean() > 0.05


def test_explanations_point_at_real_offsets(model, data):
    checked = 0
    for text in data["text"].head(20):
        for contribution in model.explain(text, top=8):
            kind, value = contribution.kind, contribution.value
            if kind in ("char", "word"):
                assert contribution.spans, contribution
            for start, end in contribution.spans:
                assert 0 <= start < end <= len(text)
                piece = normalize(text[start:end])
                if kind == "char":
                    assert value.strip(" ") in piece
                elif kind == "word":  # the tokens the vectoriser saw (punctuation between them is not a token)
                    assert re.findall(WORD_PATTERN, piece) == value.split(" ")
                checked += 1
    assert checked > 50


def test_explanation_weights_add_up_to_the_decision_score(model, data):
    text = data["text"][0]
    parts = model.explain(text, top=100_000)
    intercept = float(model.pipeline_.named_steps["model"].intercept_[0])
    assert sum(c.weight for c in parts) + intercept == pytest.approx(float(model.decision_function([text])[0]), rel=1e-4)
    weights = [abs(c.weight) for c in parts]
    assert weights == sorted(weights, reverse=True)


def test_explain_maps_through_diacritics_to_original_offsets(model):
    text = "وحقّقت قواتُنا الباسلةُ نصرًا تاريخيًّا على المرتزقة"
    for contribution in model.explain(text, top=10):
        for start, end in contribution.spans:
            if contribution.kind == "word":
                assert normalize(text[start:end]) == contribution.value
                assert not text[end:end + 1] or text[end] in " "  # diacritics stay with their word


def test_top_features_table(model):
    table = model.top_features(10)
    assert list(table.columns) == ["feature", "kind", "weight"]
    assert len(table) == 10
    assert set(table["kind"]) <= {"char", "word", "lexicon", "type"}


def test_content_type_feature_used_only_when_data_has_types(data):
    typed = data.assign(type=np.where(np.arange(len(data)) % 2, "tweet", "paragraph"))
    model = FramingClassifier(cv=3, lexicon=False).fit(typed, typed["label"])
    assert model.use_type_ and model.content_types_ == ["paragraph", "tweet"]
    assert any(name.startswith("type__") for name in model.feature_names())
    # a plain list of texts has no type: it still scores (the type feature is simply off)
    assert model.predict_proba(["نص"]).shape == (1, 2)
    plain = FramingClassifier(cv=3, lexicon=False).fit(data["text"], data["label"])
    assert not plain.use_type_


def test_techniques_task_thresholds_per_class(data):
    labels = [[row.category] if row.label else [] for row in data.itertuples()]
    model = FramingClassifier(task="techniques", cv=3, lexicon=False, min_examples=4).fit(data["text"], labels)
    counts = pd.Series([c for ls in labels for c in ls]).value_counts()
    assert sorted(model.classes_) == sorted(counts[counts >= 4].index)
    assert set(model.skipped_classes_) == set(counts[counts < 4].index)
    assert model.thresholds_.shape == (len(model.classes_),)
    prob = model.predict_proba(data["text"][:4])
    assert prob.shape == (4, len(model.classes_))
    assert all(set(ls) <= set(model.classes_) for ls in model.predict_labels(data["text"][:4]))
    technique = str(model.classes_[0])
    assert model.explain(data["text"][0], technique=technique)


def test_bad_inputs_raise_clear_errors(data):
    with pytest.raises(RhetoricError, match="one class"):
        FramingClassifier(cv=3).fit(data["text"], [1] * len(data))
    with pytest.raises(RhetoricError, match="too few"):
        FramingClassifier(cv=5).fit(data["text"][:6], [0, 1] * 3)
    with pytest.raises(RhetoricError, match="task"):
        FramingClassifier(task="sentiment").fit(data["text"], data["label"])
    with pytest.raises(ModelError, match="not fitted"):
        FramingClassifier().predict_proba(["نص"])
    with pytest.raises(RhetoricError, match="one string"):
        FramingClassifier().fit("نص", [1])


def test_combine_training_data_dedups_on_id_and_normalised_text():
    train = pd.DataFrame({"doc_id": ["a", "b"], "text": ["قال الوزير", "الحرب"], "label": [0, 1]})
    dev = pd.DataFrame({"doc_id": ["d"], "text": ["هذا نص التقييم"], "label": [1]})
    extra = pd.DataFrame({
        "doc_id": ["a", "x", "y", "z", "w", "w"],
        "text": ["غير ذلك", "قَالَ الوزير", "هذا نصّ التقييم", "جديد", "اخر", "مكرر"],
        "label": [1, 1, 1, 0, 1, 0],
    })
    combined, stats = combine_training_data(train, [extra], exclude=[dev])
    # a: same id as train; x: same normalised text as train; y: a dev text; second w: same id again
    assert combined["doc_id"].tolist() == ["a", "b", "z", "w"]
    assert stats["extra_0_added"] == 2 and stats["extra_0_dropped_duplicate"] == 4
    leaked = pd.DataFrame({"doc_id": ["d"], "text": ["x"], "label": [0]})
    combined, stats = combine_training_data(pd.concat([train, leaked]), [], exclude=[dev])
    assert "d" not in set(combined["doc_id"]) and stats["dropped_train_in_eval"] == 1


def test_predict_units_returns_a_predictions_table(model):
    from rhetoric.tables import check_table

    text = "قالت الوزارة إن الاجتماع انتهى. وسحقت قواتنا الباسلة فلول المرتزقة الخونة."
    documents = pd.DataFrame({"doc_id": ["d1"], "text": [text], "title": [""]})
    units = pd.DataFrame({"doc_id": ["d1", "d1"], "start": [0, 32], "end": [31, len(text)], "voice": ["narration"] * 2})
    table = check_table(predict_units(model, documents, units), "predictions")
    assert table["unit_id"].tolist() == [0, 1]
    np.testing.assert_allclose(table["prob"], model.predict_proba([text[0:31], text[32:]])[:, 1])
    assert table["label"].tolist() == (table["prob"] >= model.threshold_).tolist()
    assert all(isinstance(json.loads(s), list) for s in table["top_features"])
    with pytest.raises(RhetoricError, match="not in documents"):
        predict_units(model, documents, units.assign(doc_id="nope"))


def test_fold_features_equal_a_pipeline_fitted_on_the_fold(data):
    """The CV shortcut (texts analysed once, vocabulary and idf finished per fold) gives exactly the
    features a Pipeline fitted on the fold's training rows would."""
    model = FramingClassifier(cv=3)
    model.use_type_, model.use_lexicon_ = True, True
    typed = pd.DataFrame({"text": data["text"], "type": np.where(np.arange(len(data)) % 3, "tweet", "paragraph")})
    train_idx, test_idx = np.arange(0, 90), np.arange(90, len(data))
    blocks = model._base_blocks(typed)
    from rhetoric.classify import _fold_block
    from scipy import sparse

    pairs = [_fold_block(kind, matrix, min_df, train_idx, test_idx) for kind, matrix, min_df in blocks]
    fast_train = sparse.hstack([a for a, _ in pairs]).toarray()
    fast_test = sparse.hstack([b for _, b in pairs]).toarray()
    features = model._build_pipeline(True, True).named_steps["features"]
    np.testing.assert_allclose(fast_train, features.fit_transform(typed.iloc[train_idx]).toarray(), atol=1e-6)
    np.testing.assert_allclose(fast_test, features.transform(typed.iloc[test_idx]).toarray(), atol=1e-6)
