"""A trained, explainable framing / propaganda classifier.

The model a researcher inspects is ``model.pipeline_``, a scikit-learn :class:`~sklearn.pipeline.Pipeline`::

    features  ColumnTransformer
      char      FastTfidfVectorizer(analyzer="char_wb", 2-5 grams) on rhetoric.text.normalize(text)
      word      FastTfidfVectorizer(word 1-2 grams) on normalize(text)
      lexicon   LexiconCounts: hits per lexicon category (rhetoric.lexicon + rhetoric.match), when lexicons exist
      type      OneHotEncoder of the content type ('tweet' / 'paragraph') when the data has one
    model     LogisticRegression (binary) or OneVsRestClassifier(LogisticRegression) (techniques)

:class:`FramingClassifier` wraps it. ``fit`` runs one cross-validation on the TRAINING data only and
uses its out-of-fold scores three ways: a Platt calibration per output (so ``predict_proba`` is
calibrated), the decision threshold(s) that maximise macro-F1 (binary) or each technique's F1
(techniques), and the cross-validated figures of the model card. No dev or test item is ever used to
choose anything.

Explanations (:meth:`FramingClassifier.explain`) are linear contributions ``coef x feature value`` of
one text, with the ORIGINAL offsets where each n-gram occurs (found in the normalised text, mapped back
with :meth:`rhetoric.text.NormalizedText.span`).

Inputs everywhere are a list of texts, or a DataFrame with a ``text`` column (and ``type`` when the
model uses the content type).
"""
from __future__ import annotations

import json
import re
import warnings
import weakref
from typing import Any, Iterable, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.preprocessing import normalize as l2_normalize

from .errors import ModelError, RhetoricError
from .ngrams import FastCountVectorizer, FastTfidfVectorizer
from .tables import columns
from .text import normalize, normalize_with_offsets

#: fitted feature transformer -> its feature names (kept out of the model so it is never persisted)
_FEATURE_NAMES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

__all__ = [
    "FramingClassifier",
    "LexiconCounts",
    "Contribution",
    "TECHNIQUES",
    "combine_training_data",
    "predict_units",
    "load_default_model",
    "lexicon_version",
]

#: The 23 persuasion techniques of ArAIEval 2023 / ArMPro (fine-grained taxonomy).
TECHNIQUES = (
    "Appeal_to_Authority", "Appeal_to_Fear-Prejudice", "Appeal_to_Hypocrisy", "Appeal_to_Popularity",
    "Appeal_to_Time", "Appeal_to_Values", "Causal_Oversimplification", "Consequential_Oversimplification",
    "Conversation_Killer", "Doubt", "Exaggeration-Minimisation", "False_Dilemma-No_Choice", "Flag_Waving",
    "Guilt_by_Association", "Loaded_Language", "Name_Calling-Labeling", "Obfuscation-Vagueness-Confusion",
    "Questioning_the_Reputation", "Red_Herring", "Repetition", "Slogans", "Straw_Man", "Whataboutism",
)

#: Word tokens as the word vectoriser sees them (scikit-learn's default token pattern).
WORD_PATTERN = r"(?u)\b\w\w+\b"
_WORD_RE = re.compile(WORD_PATTERN)


# --------------------------------------------------------------------------- lexicon features


def _lexicon_matcher():
    """(matcher, categories, version) of the project's lexicons, or None when they are unavailable."""
    try:
        from .lexicon import load_lexicons
        from .match import Matcher
    except ImportError:
        return None
    try:
        lexicons = [lex for lex in load_lexicons() if getattr(lex, "kind", "framing") == "framing"]
    except RhetoricError:
        return None
    if not lexicons:
        return None
    categories = sorted({entry.category for lex in lexicons for entry in lex.entries})
    version = "+".join(f"{lex.name}@{lex.version_hash}" for lex in sorted(lexicons, key=lambda x: x.name))
    return Matcher(lexicons), categories, version


_MATCHER_CACHE: dict[str, Any] = {}


def _cached_matcher():
    if "value" not in _MATCHER_CACHE:
        _MATCHER_CACHE["value"] = _lexicon_matcher()
    return _MATCHER_CACHE["value"]


def lexicon_version() -> str | None:
    """Version string (name@hash of each framing lexicon) of the lexicons on disk, or None."""
    found = _cached_matcher()
    return found[2] if found else None


class LexiconCounts(BaseEstimator, TransformerMixin):
    """Lexicon hits per category, as ``log1p(count)``: one feature per category seen at fit time.

    The matcher is the project's (:func:`rhetoric.lexicon.load_lexicons`); it is looked up when needed,
    never stored in the model, and ``version_`` records which lexicon files the model was trained with.
    """

    def fit(self, X, y=None):
        found = _cached_matcher()
        if found is None:
            raise ModelError("lexicon features need the lexicons (rhetoric.lexicon); none were found")
        _, categories, version = found
        self.categories_ = np.array(categories, dtype=object)
        self.version_ = version
        return self

    def _hits(self, text: str) -> list:
        found = _cached_matcher()
        if found is None:
            raise ModelError("this model uses lexicon features, but the lexicons (rhetoric.lexicon) are missing")
        known = set(self.categories_)
        return [h for h in found[0].match(text) if h.category in known]

    def transform(self, X):
        texts = _as_text_list(X)
        index = {c: i for i, c in enumerate(self.categories_)}
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            counts: dict[int, int] = {}
            for hit in self._hits(text):
                counts[index[hit.category]] = counts.get(index[hit.category], 0) + 1
            for c, n in sorted(counts.items()):
                rows.append(r)
                cols.append(c)
                vals.append(np.log1p(n))
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(self.categories_)))

    def get_feature_names_out(self, input_features=None):
        return np.array(self.categories_, dtype=object)

    def offsets(self, text: str, category: str) -> list[tuple[int, int]]:
        """Original offsets of this category's hits in ``text``."""
        return sorted({(int(h.start), int(h.end)) for h in self._hits(text) if h.category == category})


def _as_text_list(X) -> list[str]:
    if isinstance(X, pd.DataFrame):
        X = X.iloc[:, 0]
    return ["" if t is None else str(t) for t in X]


# --------------------------------------------------------------------------- explanations


class Contribution(NamedTuple):
    """One feature's share of a prediction: ``feature`` is ``"<kind>__<value>"`` (kind: char, word,
    lexicon, type), ``weight`` is coef x feature value (positive pushes towards framing), ``spans`` the
    ORIGINAL offsets where the n-gram / lexicon hit occurs in the text."""

    feature: str
    weight: float
    spans: list[tuple[int, int]]

    @property
    def kind(self) -> str:
        return self.feature.split("__", 1)[0]

    @property
    def value(self) -> str:
        return self.feature.split("__", 1)[1]


def _char_ngram_spans(norm, ngram: str) -> list[tuple[int, int]]:
    """Where a ``char_wb`` n-gram occurs: a leading / trailing space means a word edge."""
    core = ngram.strip(" ")
    if not core:
        return []
    pattern = ("(?<!\\S)" if ngram.startswith(" ") else "") + re.escape(core) + ("(?!\\S)" if ngram.endswith(" ") else "")
    return [norm.span(m.start(), m.end()) for m in re.finditer(pattern, norm.text)]


def _word_ngram_spans(norm, ngram: str) -> list[tuple[int, int]]:
    """Where a word n-gram (tokens joined by one space) occurs, token by token as the vectoriser saw it."""
    wanted = ngram.split(" ")
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(norm.text)]
    n = len(wanted)
    spans = []
    for i in range(len(tokens) - n + 1):
        if [t[0] for t in tokens[i:i + n]] == wanted:
            spans.append(norm.span(tokens[i][1], tokens[i + n - 1][2]))
    return spans


# --------------------------------------------------------------------------- the estimator


def _fold_block(kind: str, matrix, min_df: int, train_idx, test_idx):
    """(train, test) features of one block for one CV fold. A ``tfidf`` block turns raw counts into
    what ``TfidfVectorizer(min_df, sublinear_tf=True)`` fitted on the fold's training rows gives:
    vocabulary = n-grams in >= min_df training texts, smooth idf from the training rows, 1 + log(tf),
    L2 rows."""
    train, test = matrix[train_idx], matrix[test_idx]
    if kind != "tfidf":
        return train, test
    df = np.bincount(train.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero(df >= min_df)
    idf = np.log((1 + train.shape[0]) / (1 + df[keep])) + 1
    out = []
    for part in (train, test):
        part = part[:, keep].astype(np.float64)
        part.data = 1 + np.log(part.data)
        out.append(l2_normalize(part @ sparse.diags(idf)).astype(np.float32))
    return out[0], out[1]



def _threshold_for(y: np.ndarray, prob: np.ndarray, average: str) -> float:
    """Threshold on a 0.01 grid that maximises F1 (``average='macro'``: the mean F1 of both classes;
    ``'binary'``: the positive class's F1); ties go to the threshold nearest 0.5."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    y = np.asarray(y).astype(bool)
    pred = np.asarray(prob)[None, :] >= grid[:, None]
    tp, fp = (pred & y).sum(1), (pred & ~y).sum(1)
    fn, tn = (~pred & y).sum(1), (~pred & ~y).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1_pos = np.nan_to_num(2 * tp / (2 * tp + fp + fn))
        f1_neg = np.nan_to_num(2 * tn / (2 * tn + fn + fp))
    scores = (f1_pos + f1_neg) / 2 if average == "macro" else f1_pos
    best = np.flatnonzero(scores >= scores.max() - 1e-12)
    return float(grid[best[np.argmin(np.abs(grid[best] - 0.5))]])


class FramingClassifier(ClassifierMixin, BaseEstimator):
    """Framing / propaganda classifier: features + linear model + CV calibration and thresholds.

    Parameters
    ----------
    task: ``"binary"`` (y is 0/1) or ``"techniques"`` (y is a list of technique names per text).
    char_ngrams, word_ngrams: n-gram ranges of the two vectorisers (``None`` drops one).
    lexicon: ``"auto"`` uses lexicon category counts when the lexicons exist, ``True`` requires them,
        ``False`` leaves them out.
    content_type: use the ``type`` column (tweet / paragraph) when the training data has one.
    C: inverse regularisation of the logistic regression; ``class_weight``: as in scikit-learn.
    cv: number of folds of the internal cross-validation (calibration, thresholds, CV figures).
    min_examples: techniques with fewer positive training texts are not modelled (listed in
        ``skipped_classes_``).
    random_state: seed of the fold assignment.

    Fitted attributes: ``pipeline_`` (the inspectable Pipeline), ``classes_``, ``threshold_`` and
    ``type_thresholds_`` (binary; per content type when the data has types) / ``thresholds_`` (techniques), ``calibrators_`` (one Platt scaler per output),
    ``cv_predictions_`` (out-of-fold calibrated probabilities of the training texts), ``cv_metrics_``.
    A model read by :func:`rhetoric.model_io.load_model` also has ``card_``: its model card (the JSON
    beside the file, or None), which reports copy into their manifest; it is never saved inside a model.
    """

    def __init__(self, task: str = "binary", char_ngrams=(2, 5), word_ngrams=(1, 2), lexicon="auto",
                 content_type: bool = True, C: float = 1.0, class_weight="balanced", cv: int = 5,
                 min_examples: int = 8, random_state: int = 0, embeddings: str | None = None,
                 embedding_scale: float = 2.0):
        self.task = task
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.lexicon = lexicon
        self.content_type = content_type
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.min_examples = min_examples
        self.random_state = random_state
        self.embeddings = embeddings
        self.embedding_scale = embedding_scale

    def __setstate__(self, state):
        # models saved before the embedding settings existed have none
        super().__setstate__({"embeddings": None, "embedding_scale": 2.0, **state})

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("card_", None)  # the card lives beside the model file, never inside it
        return state

    # ------------------------------------------------------------------ inputs

    def _frame(self, X, need_type: bool) -> pd.DataFrame:
        """Inputs -> DataFrame(text, type); a list of texts has no type ('unknown')."""
        if isinstance(X, str):
            raise RhetoricError("expected a list of texts or a DataFrame with a 'text' column, got one string")
        if isinstance(X, pd.DataFrame):
            if "text" not in X.columns:
                raise RhetoricError(f"the input DataFrame has no 'text' column (columns: {', '.join(map(str, X.columns))})")
            texts = X["text"]
            types = X["type"] if "type" in X.columns else pd.Series(["unknown"] * len(X), index=X.index)
        else:
            texts = list(X)
            types = ["unknown"] * len(texts)
        # ``object`` dtype: the vectorisers read the texts once each, and a pandas string column would
        # make new Python strings on every read
        frame = pd.DataFrame({"text": pd.Series(["" if t is None else str(t) for t in texts], dtype=object)})
        if need_type:
            frame["type"] = ["unknown" if t is None or t != t else str(t) for t in types]
        return frame

    def _build_pipeline(self, use_type: bool, use_lexicon: bool) -> Pipeline:
        parts = []
        if self.char_ngrams:
            parts.append(("char", FastTfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                                      preprocessor=normalize, sublinear_tf=True, min_df=2,
                                                      dtype=np.float32), "text"))
        if self.word_ngrams:
            parts.append(("word", FastTfidfVectorizer(analyzer="word", ngram_range=tuple(self.word_ngrams),
                                                      preprocessor=normalize, token_pattern=WORD_PATTERN,
                                                      sublinear_tf=True, dtype=np.float32), "text"))
        if use_lexicon:
            parts.append(("lexicon", LexiconCounts(), ["text"]))
        if self.embeddings:
            from .embeddings import SentenceEmbeddings

            parts.append(("embedding", SentenceEmbeddings(self.embeddings, self.embedding_scale), "text"))
        if use_type:
            parts.append(("type", OneHotEncoder(handle_unknown="ignore"), ["type"]))
        if not parts:
            raise RhetoricError("the classifier needs at least one feature set (char_ngrams or word_ngrams)")
        linear = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear",
                                    max_iter=1000, random_state=self.random_state)
        model = linear if self.task == "binary" else OneVsRestClassifier(linear)
        return Pipeline([("features", ColumnTransformer(parts, sparse_threshold=1.0)), ("model", model)])

    def _targets(self, y) -> np.ndarray:
        """0/1 matrix (n, n_outputs): one column (binary) or one per modelled technique."""
        if self.task == "binary":
            y = np.asarray(y)
            if y.dtype == object:
                y = np.array([v in (True, 1, "1", "true", "True") for v in y])
            return y.astype(int).reshape(-1, 1)
        return np.array([[int(c in set(labels)) for c in self.classes_] for labels in y], dtype=int)

    # ------------------------------------------------------------------ fit

    def fit(self, X, y, groups=None):
        """Fit on training texts. ``groups`` (e.g. minimal-pair ids) keeps each group inside one CV fold."""
        if self.task not in ("binary", "techniques"):
            raise RhetoricError(f"task must be 'binary' or 'techniques', not {self.task!r}")
        frame = self._frame(X, need_type=True)
        if len(frame) < 2 * self.cv:
            raise RhetoricError(f"too few training texts ({len(frame)}) for {self.cv}-fold cross-validation")
        types = sorted(set(frame["type"]) - {"unknown"})
        self.use_type_ = bool(self.content_type and len(types) > 1)
        self.content_types_ = types if self.use_type_ else []
        found = _cached_matcher() if self.lexicon else None
        if self.lexicon is True and found is None:
            raise ModelError("lexicon=True but the lexicons (rhetoric.lexicon) are not available")
        self.use_lexicon_ = found is not None
        self.lexicon_version_ = found[2] if found else None
        if self.task == "binary":
            self.classes_ = np.array([False, True])
            Y = self._targets(y)
            if len(np.unique(Y)) < 2:
                raise RhetoricError("the training labels contain one class only; binary training needs both")
        else:
            counts = pd.Series([c for labels in y for c in set(labels)]).value_counts()
            keep = sorted(c for c, n in counts.items() if n >= self.min_examples)
            if not keep:
                raise RhetoricError(f"no technique has {self.min_examples} or more training examples")
            self.classes_ = np.array(keep, dtype=object)
            self.skipped_classes_ = {c: int(n) for c, n in sorted(counts.items()) if c not in keep}
            Y = self._targets(y)
        X_in = frame if self.use_type_ else frame[["text"]]
        scores = self._out_of_fold_scores(X_in, Y, groups)
        self.calibrators_ = [self._platt(scores[:, k], Y[:, k]) for k in range(Y.shape[1])]
        prob = np.column_stack([self._calibrate(k, scores[:, k]) for k in range(Y.shape[1])])
        if self.task == "binary":
            self.threshold_ = _threshold_for(Y[:, 0], prob[:, 0], "macro")
            self.thresholds_ = np.array([self.threshold_])
            self.type_thresholds_ = self._type_thresholds(frame["type"].to_numpy(), Y[:, 0], prob[:, 0])
        else:
            self.thresholds_ = np.array([_threshold_for(Y[:, k], prob[:, k], "binary") for k in range(Y.shape[1])])
        self.cv_predictions_ = prob
        self.cv_metrics_ = self._metrics(Y, prob, frame)
        self.pipeline_ = self._build_pipeline(self.use_type_, self.use_lexicon_)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.pipeline_.fit(X_in, Y[:, 0] if self.task == "binary" else Y)
        self.n_train_ = int(len(frame))
        self.cv_grouped_ = groups is not None
        return self

    def _splits(self, n: int, Y: np.ndarray, groups):
        if groups is not None:
            return list(GroupKFold(n_splits=self.cv).split(np.zeros(n), Y[:, 0], groups))
        if Y.shape[1] == 1:
            return list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(np.zeros(n), Y[:, 0]))
        return list(KFold(self.cv, shuffle=True, random_state=self.random_state).split(np.zeros(n)))

    def _base_blocks(self, X_in: pd.DataFrame) -> list[tuple[str, sparse.spmatrix, int]]:
        """Each feature block computed ONCE for all training texts: raw n-gram counts for the two
        TF-IDF blocks (vocabulary and idf are label-free but fold-dependent, so they are finished per
        fold by :func:`_fold_block`), final values for the lexicon and type blocks."""
        blocks = []
        features = self._build_pipeline(self.use_type_, self.use_lexicon_).named_steps["features"]
        for name, transformer, column in features.transformers:
            if isinstance(transformer, FastTfidfVectorizer):
                params = {k: v for k, v in transformer.get_params().items()
                          if k in FastCountVectorizer().get_params() and k not in ("min_df", "max_df", "dtype")}
                counts = FastCountVectorizer(**params, dtype=np.float32).fit_transform(X_in[column])
                blocks.append(("tfidf", counts.tocsr(), transformer.min_df))
            else:
                blocks.append(("fixed", sparse.csr_matrix(transformer.fit_transform(X_in[column])), 0))
        return blocks

    def _fold_scores(self, blocks, Y: np.ndarray, train_idx, test_idx) -> np.ndarray:
        """Fit the linear model on one fold's features and score the held-out texts."""
        pairs = [_fold_block(kind, matrix, min_df, train_idx, test_idx) for kind, matrix, min_df in blocks]
        X_train = sparse.hstack([a for a, _ in pairs]).tocsr()
        X_test = sparse.hstack([b for _, b in pairs]).tocsr()
        model = self._build_pipeline(self.use_type_, self.use_lexicon_).named_steps["model"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # constant folds of rare techniques, convergence
            model.fit(X_train, Y[train_idx, 0] if self.task == "binary" else Y[train_idx])
        return model.decision_function(X_test).reshape(len(test_idx), -1)

    def _out_of_fold_scores(self, X_in: pd.DataFrame, Y: np.ndarray, groups) -> np.ndarray:
        """Decision scores of each training text from a model that never saw it (or its group).

        Equivalent to refitting the whole Pipeline per fold (vocabulary, idf, model), but the texts
        are analysed into n-grams once instead of once per fold."""
        blocks = self._base_blocks(X_in)
        scores = np.zeros(Y.shape, dtype=float)
        for train_idx, test_idx in self._splits(len(X_in), Y, groups):
            scores[test_idx] = self._fold_scores(blocks, Y, train_idx, test_idx)
        return scores

    def _type_thresholds(self, types: np.ndarray, y: np.ndarray, prob: np.ndarray) -> dict[str, float]:
        """One threshold per content type (tweets and paragraphs differ in base rate and length),
        from the same out-of-fold predictions; a type with < 30 texts or one class keeps ``threshold_``."""
        out = {}
        for t in self.content_types_:
            mask = types == t
            if mask.sum() >= 30 and len(np.unique(y[mask])) == 2:
                out[str(t)] = _threshold_for(y[mask], prob[mask], "macro")
        return out

    def decision_thresholds(self, X) -> np.ndarray:
        """Binary: the threshold each input is labelled with: its content type's threshold
        (``type_thresholds_``), else the global ``threshold_`` (plain lists of texts have no type)."""
        self._check_fitted()
        frame = self._frame(X, need_type=True)
        return frame["type"].map(self.type_thresholds_).fillna(self.threshold_).to_numpy(dtype=float)

    @staticmethod
    def _platt(score: np.ndarray, y: np.ndarray) -> LogisticRegression:
        """Platt scaling: a 1-D logistic regression from decision score to probability."""
        return LogisticRegression(C=1e4, solver="lbfgs").fit(score.reshape(-1, 1), y)

    def _calibrate(self, k: int, score: np.ndarray) -> np.ndarray:
        return self.calibrators_[k].predict_proba(np.asarray(score, dtype=float).reshape(-1, 1))[:, 1]

    def _metrics(self, Y: np.ndarray, prob: np.ndarray, frame: pd.DataFrame) -> dict:
        pred = prob >= self.thresholds_
        if self.task == "binary":
            pred = prob >= self.decision_thresholds(frame).reshape(-1, 1)
            return {"micro_f1": float(f1_score(Y[:, 0], pred[:, 0], average="micro")),
                    "macro_f1": float(f1_score(Y[:, 0], pred[:, 0], average="macro")), "n": int(len(Y))}
        return {"micro_f1": float(f1_score(Y, pred, average="micro", zero_division=0)),
                "macro_f1": float(f1_score(Y, pred, average="macro", zero_division=0)), "n": int(len(Y))}

    # ------------------------------------------------------------------ predict

    def _check_fitted(self) -> None:
        if not hasattr(self, "calibrators_"):
            raise ModelError("this FramingClassifier is not fitted yet; call fit() or load a trained model")

    def _inputs(self, X) -> pd.DataFrame:
        self._check_fitted()
        return self._frame(X, need_type=self.use_type_)

    def decision_function(self, X) -> np.ndarray:
        """Raw linear scores, (n,) for binary, (n, n_classes) for techniques."""
        inputs = self._inputs(X)
        return self.pipeline_.decision_function(inputs)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities: (n, 2) ``[P(no framing), P(framing)]`` for binary (scikit-learn
        convention: use ``[:, 1]``), (n, n_classes) one column per technique in ``classes_``."""
        return self.predict_proba_with_features(X)[0]

    def predict_proba_with_features(self, X) -> tuple[np.ndarray, sparse.csr_matrix]:
        """:meth:`predict_proba` and the feature matrix (CSR, one row per text) behind it, so that
        explanations of the same texts need no second transform."""
        inputs = self._inputs(X)  # checks that the model is fitted
        features = sparse.csr_matrix(self.pipeline_.named_steps["features"].transform(inputs))
        scores = np.asarray(self.pipeline_.named_steps["model"].decision_function(features), dtype=float)
        scores = scores.reshape(-1, len(self.calibrators_))
        prob = np.column_stack([self._calibrate(k, scores[:, k]) for k in range(scores.shape[1])])
        if self.task == "binary":
            return np.column_stack([1 - prob[:, 0], prob[:, 0]]), features
        return prob, features

    def predict(self, X) -> np.ndarray:
        """Binary: bool array (prob >= :meth:`decision_thresholds`). Techniques: 0/1 matrix (prob >= ``thresholds_``)."""
        prob = self.predict_proba(X)
        if self.task == "binary":
            return prob[:, 1] >= self.decision_thresholds(X)
        return (prob >= self.thresholds_).astype(int)

    def predict_labels(self, X) -> list[list[str]]:
        """Techniques task: the list of technique names predicted for each text."""
        pred = self.predict(X)
        return [[str(c) for c, on in zip(self.classes_, row) if on] for row in pred]

    # ------------------------------------------------------------------ explain

    def feature_names(self) -> np.ndarray:
        """``"<kind>__<value>"`` names of the model's features, in column order."""
        self._check_fitted()
        features = self.pipeline_.named_steps["features"]
        names = _FEATURE_NAMES.get(features)
        if names is None:  # building the names costs ~0.5 s: once per fitted transformer, not per call
            names = _FEATURE_NAMES[features] = features.get_feature_names_out()
        return names

    def _explained(self, contrib) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Contributions (CSR, one row per text) and their feature names as explanations show them: the
        dimensions of a sentence-embedding block summed into one feature ``embedding__<model>`` (one
        dimension alone means nothing to a reader; their sum is the embedding's share of the score)."""
        names = self.feature_names()
        if not self.embeddings:
            return contrib, names
        embedded = np.char.startswith(names.astype(str), "embedding__")
        first = int(np.flatnonzero(embedded)[0])
        kept = np.flatnonzero(~embedded | (np.arange(len(names)) == first))
        target = np.searchsorted(kept, np.where(embedded, first, np.arange(len(names))))
        summing = sparse.csr_matrix((np.ones(len(names)), (np.arange(len(names)), target)), shape=(len(names), len(kept)))
        grouped = names[kept].copy()
        grouped[np.searchsorted(kept, first)] = f"embedding__{self.embeddings}"
        return sparse.csr_matrix(contrib @ summing), grouped

    def coefficients(self, technique: str | None = None) -> np.ndarray:
        """Linear weights over :meth:`feature_names` (binary, or the given technique's classifier)."""
        model = self.pipeline_.named_steps["model"]
        if self.task == "binary":
            return model.coef_.ravel()
        if technique not in set(self.classes_):
            raise RhetoricError(f"technique {technique!r} is not modelled; modelled: {', '.join(self.classes_)}")
        return model.estimators_[list(self.classes_).index(technique)].coef_.ravel()

    def top_features(self, n: int = 20, technique: str | None = None) -> pd.DataFrame:
        """The model's strongest features overall: columns feature, kind, weight (positive = framing)."""
        coef = self.coefficients(technique)
        names = self.feature_names()
        order = np.argsort(-np.abs(coef), kind="stable")[:n]
        return pd.DataFrame({"feature": names[order], "kind": [x.split("__", 1)[0] for x in names[order]],
                             "weight": coef[order]})

    def explain(self, text: str, top: int = 5, technique: str | None = None,
                content_type: str | None = None) -> list[Contribution]:
        """Top ``top`` features of this text by |coef x value|, each with its ORIGINAL offsets.

        Positive weights push towards framing (or towards ``technique``). The spans of a char n-gram
        are every place it occurs at the word edges it was seen at; of a word n-gram, every token
        sequence; of a lexicon category, its hits; the content type has none.
        """
        self._check_fitted()
        frame = self._frame(pd.DataFrame({"text": [text], "type": [content_type or "unknown"]}), self.use_type_)
        row = self.pipeline_.named_steps["features"].transform(frame)
        row = sparse.csr_matrix(row)
        contrib, names = self._explained(row.multiply(self.coefficients(technique)).tocsr())
        order = np.argsort(-np.abs(contrib.data), kind="stable")[:top]
        norm = normalize_with_offsets(text)
        out = []
        for i in order:
            name = str(names[contrib.indices[i]])
            out.append(Contribution(name, float(contrib.data[i]), self._feature_spans(name, text, norm)))
        return out

    def _feature_spans(self, name: str, text: str, norm) -> list[tuple[int, int]]:
        kind, value = name.split("__", 1)
        if kind == "char":
            return _char_ngram_spans(norm, value)
        if kind == "word":
            return _word_ngram_spans(norm, value)
        if kind == "lexicon":
            return self.pipeline_.named_steps["features"].named_transformers_["lexicon"].offsets(text, value)
        if kind == "embedding":  # the embedding reads the whole text
            return [(0, len(text))]
        return []

    def _row_top_features(self, X_features, n: int, digits: int = 4) -> list[str]:
        """JSON ``[[feature, weight], ...]`` per row (binary): the ``n`` largest |contributions|, ties in
        feature order, weights rounded to ``digits`` places (as ``json.dumps`` writes them)."""
        contrib, names = self._explained(sparse.csr_matrix(X_features).multiply(self.coefficients()).tocsr())
        keep = _top_entries(contrib, n)
        columns, weights = contrib.indices[keep].tolist(), contrib.data[keep].tolist()
        # json.dumps of each row written out (weights are finite), with one dumps per feature name
        quoted = {i: json.dumps(str(names[i]), ensure_ascii=False) for i in set(columns)}
        pairs = [f"[{quoted[i]}, {round(w, digits)!r}]" for i, w in zip(columns, weights)]
        out, start = [], 0
        for k in np.minimum(np.diff(contrib.indptr), n).tolist():
            out.append("[" + ", ".join(pairs[start:start + k]) + "]")
            start += k
        return out


def _top_entries(matrix, top: int) -> np.ndarray:
    """Positions in ``matrix.data`` (CSR) of each row's ``top`` largest |values|, row after row, largest
    first, ties in stored order: what a stable argsort of every row picks, without sorting every entry.

    First a cheap bound drops most entries: cut a row of at least ``top`` entries into ``top`` blocks;
    their maxima are ``top`` of its entries, so the smallest of them is at most its ``top``-th largest
    value, and every entry below it can be left out. Then, on what is left, a floor per row — its
    ``top``-th largest distinct |value|, found by taking the row maxima off ``top`` times — leaves a
    few candidates per row; only those are sorted."""
    per_row = np.diff(matrix.indptr)
    if matrix.nnz == 0:
        return np.zeros(0, dtype=np.int64)
    row = np.repeat(np.arange(len(per_row)), per_row)
    size = np.abs(matrix.data)
    kept = np.flatnonzero(size >= _lower_bounds(matrix.indptr, per_row, size, top)[row])
    size, row = size[kept], row[kept]
    per_row = np.bincount(row, minlength=len(per_row))
    rest, floor = size.copy(), np.full(len(per_row), -np.inf)
    nonempty = per_row > 0
    starts = (np.cumsum(per_row) - per_row)[nonempty]
    for _ in range(top):
        floor[nonempty] = np.maximum.reduceat(rest, starts)
        rest[rest >= floor[row]] = -np.inf
    candidates = np.flatnonzero(size >= floor[row])
    order = candidates[np.lexsort((-size[candidates], row[candidates]))]
    rank = np.arange(len(order)) - np.searchsorted(row[order], row[order])
    return kept[order[rank < top]]


def _lower_bounds(indptr: np.ndarray, per_row: np.ndarray, size: np.ndarray, top: int) -> np.ndarray:
    """Per row, a value at most its ``top``-th largest ``size``: the smallest maximum of ``top``
    consecutive blocks of the row (-inf for a row of fewer entries, which keeps them all)."""
    bounds = np.full(len(per_row), -np.inf)
    long = np.flatnonzero(per_row >= top)
    if len(long) == 0:
        return bounds
    # segment starts for reduceat: ``top`` blocks per long row, the whole row for a short non-empty one
    # (empty rows have no segment: their start is the next row's)
    short = np.flatnonzero((per_row > 0) & (per_row < top))
    block_starts = (indptr[long][:, None] + (per_row[long][:, None] * np.arange(top)) // top).ravel()
    segment_starts = np.concatenate((block_starts, indptr[short]))
    order = np.argsort(segment_starts, kind="stable")
    maxima = np.empty(len(order))
    maxima[order] = np.maximum.reduceat(size, segment_starts[order])
    bounds[long] = maxima[: len(block_starts)].reshape(len(long), top).min(axis=1)
    return bounds


# --------------------------------------------------------------------------- training data


def combine_training_data(train: pd.DataFrame, extra: Iterable[pd.DataFrame] = (),
                          exclude: Iterable[pd.DataFrame] = ()) -> tuple[pd.DataFrame, dict]:
    """Training rows = ``train`` + each ``extra`` frame, deduplicated on ``doc_id`` AND normalised text.

    Rows of ``extra`` whose id or normalised text is already in the training data, or in any
    ``exclude`` frame (dev / evaluation items), are dropped: an evaluation item can never reach
    training. Rows of ``train`` itself that collide with ``exclude`` are dropped too. Returns the
    combined frame and the counts ``{"train": n, "<extra i>": added, "dropped_*": ...}``.
    """
    banned_ids, banned_texts = set(), set()
    for frame in exclude:
        banned_ids.update(frame["doc_id"].astype(str))
        banned_texts.update(frame["text"].map(normalize).str.strip())
    norm = train["text"].map(normalize).str.strip()
    clash = train["doc_id"].astype(str).isin(banned_ids) | norm.isin(banned_texts)
    kept = [train[~clash]]
    stats = {"train": int((~clash).sum()), "dropped_train_in_eval": int(clash.sum())}
    seen_ids = set(train.loc[~clash, "doc_id"].astype(str))
    seen_texts = set(norm[~clash])
    for i, frame in enumerate(extra):
        ids = frame["doc_id"].astype(str)
        texts = frame["text"].map(normalize).str.strip()
        keep = []
        for doc_id, text in zip(ids, texts):
            ok = doc_id not in seen_ids and doc_id not in banned_ids and text not in seen_texts and text not in banned_texts
            keep.append(ok)
            if ok:
                seen_ids.add(doc_id)
                seen_texts.add(text)
        keep = np.array(keep, dtype=bool)
        kept.append(frame[keep])
        stats[f"extra_{i}_added"] = int(keep.sum())
        stats[f"extra_{i}_dropped_duplicate"] = int((~keep).sum())
    return pd.concat(kept, ignore_index=True), stats


# --------------------------------------------------------------------------- analysis stage API


def predict_units(model: FramingClassifier, documents: pd.DataFrame, units: pd.DataFrame,
                  top: int = 3) -> pd.DataFrame:
    """Classify text units (sentences, spans) of documents -> a ``predictions`` table.

    ``units`` needs ``doc_id``, ``start``, ``end`` (ORIGINAL offsets) and optionally ``field``
    ('text' default, or 'title'), ``unit_id``, ``span_id``, ``voice``; every other column is kept.
    Output columns: those of :data:`rhetoric.tables.TABLES` ``["predictions"]`` — ``prob`` (framing
    probability), ``label`` (prob >= the model's threshold for paragraphs when it has per-type
    thresholds, else ``threshold_``), ``top_features`` (JSON list of
    [feature, weight]) — for a binary model.
    """
    if model.task != "binary":
        raise RhetoricError("predict_units needs a binary framing model (task='binary')")
    missing = [c for c in ("doc_id", "start", "end") if c not in units.columns]
    if missing:
        raise RhetoricError(f"units table lacks column(s) {', '.join(missing)}")
    out = units.reset_index(drop=True).copy()
    if "field" not in out.columns:
        out["field"] = "text"
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    unknown = sorted(set(out["doc_id"]) - set(docs.index))
    if unknown:
        raise RhetoricError(f"units refer to {len(unknown)} document(s) not in documents, e.g. {unknown[0]!r}")
    texts = [str(docs.at[d, f])[int(s):int(e)] for d, f, s, e in zip(out["doc_id"], out["field"], out["start"], out["end"])]
    if "unit_id" not in out.columns:
        out["unit_id"] = out.groupby(["doc_id", "field"], sort=False).cumcount()
    for column, default in (("span_id", 0), ("voice", "narration")):
        if column not in out.columns:
            out[column] = default
    if out.empty:
        for column in ("prob", "label", "top_features"):
            out[column] = pd.Series(dtype=object)
        return out[columns("predictions") + [c for c in out.columns if c not in columns("predictions")]]
    frame = model._frame(texts, need_type=model.use_type_)
    if model.use_type_:
        frame["type"] = "paragraph"  # units of news articles are closest to the paragraphs it saw
    features = model.pipeline_.named_steps["features"].transform(frame)
    prob = model.predict_proba(frame)[:, 1]
    out["prob"] = prob
    out["label"] = prob >= model.decision_thresholds(frame)
    out["top_features"] = model._row_top_features(features, top)
    return out[columns("predictions") + [c for c in out.columns if c not in columns("predictions")]]


def load_default_model() -> FramingClassifier:
    """The shipped default binary model (``data/models/default.skops``), trained ONLY on the
    sentences the project wrote itself (``data/labelled/framing_sentences.jsonl``); its model card
    (``default.card.json``) gives its cross-validated figures and limits."""
    from .model_io import default_model_path, load_model

    return load_model(default_model_path())
