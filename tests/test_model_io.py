"""Model persistence (skops + model card), refusal of foreign / corrupt / untrusted files, the shipped
default model, and the train / classify / eval CLI contract on authored data."""
from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from rhetoric.classify import FramingClassifier, load_default_model
from rhetoric.cli import main
from rhetoric.errors import ModelError
from rhetoric.model_io import card_path, default_model_path, load_card, load_model, save_model
from rhetoric.resources import project_path

SENTENCES = project_path("data", "labelled", "framing_sentences.jsonl")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_json(SENTENCES, lines=True, dtype={"id": str}).head(80).reset_index(drop=True)


@pytest.fixture(scope="module")
def saved(data, tmp_path_factory):
    model = FramingClassifier(cv=3).fit(data["text"], data["label"], groups=data["group"])
    path = tmp_path_factory.mktemp("model") / "m.skops"
    save_model(model, path, {"training_data": [{"source": "test slice", "n": len(data)}]})
    return model, path


class Stranger:
    """A type rhetoric does not trust."""

    def __init__(self):
        self.x = 1


def test_saving_the_same_model_twice_gives_the_same_bytes(saved, tmp_path):
    """skops alone names objects by id() and stamps the time: the saved file would differ each time."""
    model, path = saved
    again = tmp_path / "again.skops"
    save_model(model, again)
    assert again.read_bytes() == path.read_bytes()
    assert load_card(again)["model_sha256"] == load_card(path)["model_sha256"]


def test_round_trip_gives_identical_probabilities(saved, data):
    model, path = saved
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict_proba(data["text"]), model.predict_proba(data["text"]))
    assert loaded.threshold_ == model.threshold_
    assert loaded.explain(data["text"][0]) == model.explain(data["text"][0])


def test_file_is_compressed_skops_with_a_card(saved):
    model, path = saved
    with zipfile.ZipFile(path) as archive:
        assert "schema.json" in archive.namelist()
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    card = load_card(path)
    assert card_path(path).name == "m.card.json"
    for key in ("task", "threshold", "cv", "features", "library_versions", "lexicon_version", "settings",
                "seed", "training_data", "model_sha256"):
        assert key in card, key
    assert card["threshold"] == model.threshold_
    assert card["cv"]["macro_f1"] == pytest.approx(model.cv_metrics_["macro_f1"])


def test_loaded_model_carries_its_card_but_never_saves_it(saved, tmp_path):
    import shutil

    _, path = saved
    loaded = load_model(path)
    assert loaded.card_ == load_card(path) and loaded.card_["training_data"][0]["source"] == "test slice"
    again = tmp_path / "again.skops"
    save_model(loaded, again)
    card_path(again).unlink()  # without a card file, nothing inside the model brings the old card back
    assert load_model(again).card_ is None
    lonely = tmp_path / "lonely.skops"
    shutil.copy(path, lonely)
    card_path(lonely).write_text("{not json", encoding="utf-8")
    with pytest.warns(UserWarning, match="without its card"):
        assert load_model(lonely).card_ is None


def test_refuses_files_that_are_not_skops(tmp_path, saved):
    text_file = tmp_path / "notes.skops"
    text_file.write_text("hello", encoding="utf-8")
    with pytest.raises(ModelError, match="not a skops model file"):
        load_model(text_file)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(saved[0]))
    with pytest.raises(ModelError, match="not a skops model file"):
        load_model(pickled)
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "missing.skops")


def test_refuses_corrupt_files(tmp_path, saved):
    broken = tmp_path / "broken.skops"
    data = saved[1].read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        load_model(broken)
    # a valid zip that is not a skops file
    other = tmp_path / "other.skops"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "not a model")
    with pytest.raises(ModelError):
        load_model(other)


def test_refuses_untrusted_types_and_foreign_models(tmp_path):
    untrusted = tmp_path / "untrusted.skops"
    sio.dump({"payload": Stranger()}, untrusted)
    with pytest.raises(ModelError, match="does not trust.*Stranger"):
        load_model(untrusted)
    foreign = tmp_path / "foreign.skops"
    sio.dump(LogisticRegression(), foreign)
    with pytest.raises(ModelError, match="not a fitted rhetoric FramingClassifier"):
        load_model(foreign)


def test_loading_trusts_no_estimator_beyond_the_list(tmp_path):
    """rhetoric imports skops without its walk over every scikit-learn estimator (slow, and skops would
    trust them all by default): a file with an estimator outside TRUSTED_TYPES is refused as untrusted.
    A fresh interpreter, since this test module imports skops.io the ordinary way."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rhetoric.model_io import _import_skops, load_model, default_model_path\n"
        "from rhetoric.errors import ModelError\n"
        "load_model(default_model_path())\n"
        "assert not {'torch', 'sklearn.neural_network', 'sklearn.gaussian_process'} & set(sys.modules), 'the estimator walk ran'\n"
        "from sklearn.svm import LinearSVC\n"
        f"_import_skops().dump(LinearSVC(), {str(tmp_path / 'svc.skops')!r})\n"
        "try:\n"
        f"    load_model({str(tmp_path / 'svc.skops')!r})\n"
        "except ModelError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "does not trust: sklearn.svm._classes.LinearSVC" in result.stdout


def test_save_refuses_unfitted_models(tmp_path):
    with pytest.raises(ModelError, match="fitted"):
        save_model(FramingClassifier(), tmp_path / "x.skops")


def test_default_model_is_shipped_small_and_trained_only_on_our_sentences():
    path = default_model_path()
    assert path.is_file(), "data/models/default.skops is missing: run scripts/train_default_model.py"
    assert path.stat().st_size < 5 * 1024 * 1024
    card = load_card(path)
    assert [d["source"] for d in card["training_data"]] == ["data/labelled/framing_sentences.jsonl"]
    assert card["cv"]["grouped"] is True and card["cv_nested"]["grouped"] is True
    assert card["limits"]
    model = load_default_model()
    prob = model.predict_proba(["وحققت قواتنا الباسلة نصرا تاريخيا على فلول المرتزقة",
                                "وقالت الوزارة إن الاجتماع سيعقد يوم الثلاثاء"])[:, 1]
    assert prob[0] > prob[1]


# --------------------------------------------------------------------------- CLI contract


@pytest.fixture(scope="module")
def cli_model(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    train_file = folder / "train.jsonl"
    data[["id", "text", "label", "group"]].to_json(train_file, orient="records", lines=True, force_ascii=False)
    out = folder / "model.skops"
    assert main(["train", "--train-file", str(train_file), "--out", str(out), "--cv", "3"]) == 0
    return out


def test_train_writes_model_and_card(cli_model, capsys):
    card = json.loads(card_path(cli_model).read_text(encoding="utf-8"))
    assert card["task"] == "binary" and card["cv"]["grouped"] is True
    assert card["training_data"][0]["n"] == 80


def test_classify_writes_one_row_per_input_in_order(cli_model, write_jsonl, tmp_path):
    texts = ["سحقت قواتنا الباسلة فلول الإرهاب", "انعقد الاجتماع يوم الثلاثاء", "نص ثالث عن الانتخابات"]
    ids = ["z9", "a1", "m5"]  # not sorted: order must follow the input
    corpus = write_jsonl([{"id": i, "text": t} for i, t in zip(ids, texts)])
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--model", str(cli_model), str(corpus), "--out", str(out), "--explain", "--top", "3"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == ids
    model = load_model(cli_model)
    expected = model.predict_proba(texts)[:, 1]
    for row, p, text in zip(rows, expected, texts):
        assert set(row) == {"doc_id", "prob", "label", "explanation"}
        assert row["prob"] == pytest.approx(p, abs=1e-6)
        assert row["label"] == bool(p >= model.threshold_)
        assert len(row["explanation"]) <= 3
        for item in row["explanation"]:
            for start, end in item["spans"]:
                assert 0 <= start < end <= len(text)


def test_classify_defaults_to_the_shipped_model(write_jsonl, tmp_path):
    corpus = write_jsonl([{"id": "1", "text": "سحقت قواتنا الباسلة فلول الإرهاب"}])
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(corpus), "--out", str(out)]) == 0
    assert set(json.loads(out.read_text(encoding="utf-8"))) == {"doc_id", "prob", "label"}


def test_cli_bad_input_is_a_message_not_a_traceback(cli_model, write_jsonl, tmp_path, capsys):
    out = str(tmp_path / "o.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["classify", "--model", str(cli_model), str(empty), "--out", out]) == 2
    assert "no documents" in capsys.readouterr().err
    not_model = tmp_path / "model.skops"
    not_model.write_text("{}", encoding="utf-8")
    corpus = write_jsonl([{"id": "1", "text": "hello world only latin"}])
    assert main(["classify", "--model", str(not_model), str(corpus), "--out", out]) == 2
    assert "not a skops model file" in capsys.readouterr().err
    assert main(["classify", "--model", str(cli_model), str(corpus), "--out", out]) == 0
    assert "no Arabic text" in capsys.readouterr().err
    assert main(["train", "--dataset", "no-such-dataset", "--out", out]) == 2
    assert "unknown dataset" in capsys.readouterr().err
    assert main(["eval", "classifier", "--model", str(cli_model), "--dataset", "saudinewsnet"]) == 2
    assert "no labels" in capsys.readouterr().err
    bad_labels = write_jsonl([{"id": str(i), "text": "نص", "label": "maybe"} for i in range(12)], "bad.jsonl")
    assert main(["train", "--train-file", str(bad_labels), "--out", out]) == 2
    assert "labels must be 0/1" in capsys.readouterr().err


def test_eval_classifier_reports_heldout_and_cv(cli_model, data, write_jsonl, capsys):
    heldout = write_jsonl([{"id": f"h{i}", "text": t, "label": int(l)}
                           for i, (t, l) in enumerate(zip(data["text"][:20], data["label"][:20]))], "h.jsonl")
    assert main(["eval", "classifier", "--model", str(cli_model), "--dataset", f"labelled:{heldout}",
                 "--cv", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["heldout"]["n"] == 20 and set(result["heldout"]["per_class"]) == {"false", "true"}
    assert len(result["cv"]["fold_macro_f1"]) == 3
    assert sum(map(sum, result["heldout"]["confusion"]["matrix"])) == 20


def test_classify_uses_the_content_type_threshold(data, write_jsonl, tmp_path):
    typed = data.assign(type=np.where(np.arange(len(data)) % 2, "tweet", "paragraph"))
    model = FramingClassifier(cv=3, lexicon=False).fit(typed, typed["label"])
    model.type_thresholds_ = {"paragraph": 0.05, "tweet": 0.95}  # extreme, so the effect is visible
    path = tmp_path / "typed.skops"
    save_model(model, path)
    corpus = write_jsonl([{"id": str(i), "text": t} for i, t in enumerate(data["text"][:6])])
    for content_type, expected in (("paragraph", 0.05), ("tweet", 0.95)):
        out = tmp_path / f"{content_type}.jsonl"
        assert main(["classify", "--model", str(path), str(corpus), "--out", str(out), "--content-type", content_type]) == 0
        for row in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
            assert row["label"] == (row["prob"] >= expected)
