"""Evaluation of the framing classifier: held-out metrics and nested cross-validation.

Binary figures follow ArAIEval 2023 task 1A: micro-F1 over both classes (= accuracy) and macro-F1
(mean of the F1 of 'true' and 'false'). Technique figures follow task 1B: micro- and macro-F1 over the
technique labels (macro over the techniques present in the gold labels or modelled).
Every report also splits the figures by content type (tweet / paragraph) when the data has one.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

from ..errors import RhetoricError

__all__ = ["binary_report", "techniques_report", "evaluate", "cross_validate", "format_report"]


def binary_report(y_true, prob, threshold, types=None) -> dict[str, Any]:
    """Metrics of binary predictions ``prob >= threshold`` against ``y_true`` (``threshold``: one
    number, or one per row when the model has per-content-type thresholds).

    Returns ``{"n", "micro_f1", "macro_f1", "per_class": {label: {precision, recall, f1, support}},
    "confusion": {"labels": [False, True], "matrix": [[tn, fp], [fn, tp]]}, "by_type": {type: {...}}}``.
    """
    y = np.asarray(y_true).astype(bool)
    threshold = np.broadcast_to(np.asarray(threshold, dtype=float), np.shape(prob))
    pred = np.asarray(prob) >= threshold
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=[False, True], zero_division=0)
    report: dict[str, Any] = {
        "n": int(len(y)),
        "micro_f1": float(f1_score(y, pred, average="micro")),
        "macro_f1": float(f1_score(y, pred, average="macro", labels=[False, True], zero_division=0)),
        "per_class": {str(lab).lower(): {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                                         "support": int(s[i])} for i, lab in enumerate([False, True])},
        "confusion": {"labels": ["false", "true"],
                      "matrix": confusion_matrix(y, pred, labels=[False, True]).tolist()},
    }
    if types is not None:
        types = np.asarray(types, dtype=object)
        report["by_type"] = {
            str(t): {k: v for k, v in binary_report(y[types == t], np.asarray(prob)[types == t], threshold[types == t]).items()
                     if k in ("n", "micro_f1", "macro_f1", "per_class")}
            for t in sorted(set(types))
        }
    return report


def techniques_report(labels_true, labels_pred, classes, types=None) -> dict[str, Any]:
    """Micro/macro-F1 and per-technique P/R/F1 of multi-label predictions (lists of names)."""
    names = sorted(set(classes) | {c for labels in labels_true for c in labels})
    Y = np.array([[c in set(labels) for c in names] for labels in labels_true], dtype=int).reshape(-1, len(names))
    P = np.array([[c in set(labels) for c in names] for labels in labels_pred], dtype=int).reshape(-1, len(names))
    p, r, f, s = precision_recall_fscore_support(Y, P, zero_division=0)
    present = s > 0
    report: dict[str, Any] = {
        "n": int(len(Y)),
        "micro_f1": float(f1_score(Y, P, average="micro", zero_division=0)),
        "macro_f1": float(np.mean(f[present])) if present.any() else 0.0,
        "per_class": {c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i]),
                          "modelled": c in set(classes)} for i, c in enumerate(names)},
    }
    if types is not None:
        types = np.asarray(types, dtype=object)
        report["by_type"] = {}
        for t in sorted(set(types)):
            idx = np.flatnonzero(types == t)
            sub = techniques_report([labels_true[i] for i in idx], [labels_pred[i] for i in idx], classes)
            report["by_type"][str(t)] = {k: sub[k] for k in ("n", "micro_f1", "macro_f1")}
    return report


def _labels(frame: pd.DataFrame, task: str):
    column = "label" if task == "binary" else "labels"
    if column not in frame.columns:
        raise RhetoricError(f"the evaluation data has no {column!r} column (needed for the {task} task)")
    return frame[column].tolist()


def evaluate(model, frame: pd.DataFrame) -> dict[str, Any]:
    """Metrics of a fitted model on a labelled frame (``text``, ``label`` or ``labels``, optional ``type``)."""
    if frame.empty:
        raise RhetoricError("the evaluation data is empty")
    types = frame["type"].tolist() if "type" in frame.columns else None
    y = _labels(frame, model.task)
    if model.task == "binary":
        return binary_report(y, model.predict_proba(frame)[:, 1], model.decision_thresholds(frame), types)
    return techniques_report(y, model.predict_labels(frame), list(model.classes_), types)


def cross_validate(model, frame: pd.DataFrame, cv: int = 5, groups=None, random_state: int = 0,
                   extra: pd.DataFrame | None = None) -> dict[str, Any]:
    """Nested cross-validation on training data: each outer fold fits a fresh clone of ``model``
    (which picks its own threshold by inner CV on the outer-training part) and is scored on the
    held-out fold. ``extra`` rows (already deduplicated against ``frame``) join every outer-training
    part and are never scored. Reports the pooled out-of-fold figures and the mean/std over folds."""
    if len(frame) < 2 * cv:
        raise RhetoricError(f"too few rows ({len(frame)}) for {cv}-fold cross-validation")
    y = _labels(frame, model.task)
    if groups is not None:
        splits = GroupKFold(n_splits=cv).split(frame, groups=groups)
    elif model.task == "binary":
        splits = StratifiedKFold(cv, shuffle=True, random_state=random_state).split(frame, np.asarray(y, dtype=bool))
    else:
        splits = KFold(cv, shuffle=True, random_state=random_state).split(frame)
    fold_scores, pooled_prob, pooled_thr, pooled_pred = [], np.zeros(len(frame)), np.zeros(len(frame)), [None] * len(frame)
    started = time.perf_counter()
    for train_idx, test_idx in splits:
        part, part_y = frame.iloc[train_idx], [y[i] for i in train_idx]
        if extra is not None and len(extra):
            part = pd.concat([part, extra[part.columns.intersection(extra.columns)]], ignore_index=True)
            part_y = part_y + _labels(extra, model.task)
        fitted = clone(model).fit(part, part_y, groups=None if groups is None else np.asarray(groups)[train_idx])
        held = frame.iloc[test_idx]
        fold_scores.append(evaluate(fitted, held))
        if model.task == "binary":
            pooled_prob[test_idx] = fitted.predict_proba(held)[:, 1]
            pooled_thr[test_idx] = fitted.decision_thresholds(held)
        else:
            for i, labels in zip(test_idx, fitted.predict_labels(held)):
                pooled_pred[i] = labels
    types = frame["type"].tolist() if "type" in frame.columns else None
    if model.task == "binary":
        # Each fold used its own threshold: pool the decisions, not the probabilities.
        pooled = binary_report(y, pooled_prob - pooled_thr, 0.0, types)
    else:
        pooled = techniques_report(y, pooled_pred, sorted({c for s in fold_scores for c in s["per_class"]}), types)
    pooled["folds"] = cv
    pooled["fold_macro_f1"] = [round(s["macro_f1"], 4) for s in fold_scores]
    pooled["fold_micro_f1"] = [round(s["micro_f1"], 4) for s in fold_scores]
    pooled["macro_f1_mean"], pooled["macro_f1_std"] = float(np.mean(pooled["fold_macro_f1"])), float(np.std(pooled["fold_macro_f1"]))
    pooled["seconds"] = round(time.perf_counter() - started, 1)
    return pooled


def format_report(report: dict[str, Any], title: str) -> str:
    """A plain-text rendering of :func:`binary_report` / :func:`techniques_report` output."""
    lines = [f"{title}: n={report['n']}  micro-F1={report['micro_f1']:.3f}  macro-F1={report['macro_f1']:.3f}"]
    if "fold_macro_f1" in report:
        lines.append(f"  per-fold macro-F1: {report['fold_macro_f1']} (mean {report['macro_f1_mean']:.3f} "
                     f"± {report['macro_f1_std']:.3f})")
    for t, sub in sorted(report.get("by_type", {}).items()):
        lines.append(f"  {t:<10} n={sub['n']:<5} micro-F1={sub['micro_f1']:.3f}  macro-F1={sub['macro_f1']:.3f}")
    rows = [(c, v) for c, v in report["per_class"].items() if v["support"] or v.get("modelled", True)]
    lines.append(f"  {'class':<34} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for c, v in rows:
        lines.append(f"  {c:<34} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:5d}")
    if "confusion" in report:
        (tn, fp), (fn, tp) = report["confusion"]["matrix"]
        lines.append(f"  confusion (rows gold, cols predicted) false: [{tn} {fp}]  true: [{fn} {tp}]")
    return "\n".join(lines)
