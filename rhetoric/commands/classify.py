"""``rhetoric classify [--model MODEL] INPUT --out OUT.jsonl [--explain]``: one JSON object per input
document, in input order.

Binary models write ``{"doc_id", "prob", "label"}`` (label = prob >= the model's threshold, per
content type when the model has one per type and the corpus a ``type`` column); technique
models write ``{"doc_id", "labels", "probs"}``. ``--explain`` adds ``"explanation": [{"feature",
"weight", "spans": [[start, end], ...]}]`` with offsets into the ORIGINAL text.
"""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

from ..errors import RhetoricError
from .corpus import add_corpus_arguments, read_corpus_args


def load_model_for_cli(path: str | None):
    """Load MODEL (default: the shipped model), printing load warnings as one ``warning:`` line each."""
    from ..model_io import default_model_path, load_model

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = load_model(path or default_model_path())
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    return model


def _run(args) -> int:
    from ..corpus import NonArabicTextWarning

    model = load_model_for_cli(args.model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonArabicTextWarning)
        documents, report = read_corpus_args(args)
    if documents.empty:
        raise RhetoricError(f"{args.input}: no documents to classify ({report})")
    no_arabic = report.warnings.get("no_arabic_text", 0)
    if no_arabic:
        print(f"warning: {no_arabic} document(s) contain no Arabic text; their scores are not meaningful",
              file=sys.stderr)
    if args.content_type:
        current = documents["type"] if "type" in documents.columns else None
        documents["type"] = args.content_type if current is None else current.fillna(args.content_type)
    prob = model.predict_proba(documents)
    thresholds = model.decision_thresholds(documents) if model.task == "binary" else None
    types = documents["type"] if "type" in documents.columns else [None] * len(documents)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    flagged = 0
    with open(out, "w", encoding="utf-8") as fh:
        for i, (doc_id, text, content_type) in enumerate(zip(documents["doc_id"], documents["text"], types)):
            if model.task == "binary":
                label = bool(prob[i, 1] >= thresholds[i])
                row = {"doc_id": doc_id, "prob": round(float(prob[i, 1]), 6), "label": label}
            else:
                on = prob[i] >= model.thresholds_
                label = bool(on.any())
                row = {"doc_id": doc_id, "labels": [str(c) for c, x in zip(model.classes_, on) if x],
                       "probs": {str(c): round(float(p), 6) for c, p in zip(model.classes_, prob[i])}}
            flagged += label
            if args.explain:
                technique = None
                if model.task != "binary":
                    technique = str(model.classes_[int(prob[i].argmax())])
                    row["explained_technique"] = technique
                row["explanation"] = [
                    {"feature": c.feature, "weight": round(c.weight, 6), "spans": [list(s) for s in c.spans]}
                    for c in model.explain(text, top=args.top, technique=technique, content_type=content_type)
                ]
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    what = "flagged as framing" if model.task == "binary" else "with at least one technique"
    print(f"{report}\nclassified {len(documents)} documents, {flagged} {what}; wrote {out}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("classify", help="score documents with a framing classifier")
    add_corpus_arguments(parser)
    parser.add_argument("--model", default=None,
                        help="model file (.skops); default: the shipped default model")
    parser.add_argument("--out", required=True, help="output JSONL, one object per input document, in order")
    parser.add_argument("--explain", action="store_true", help="add the top features with their offsets")
    parser.add_argument("--top", type=int, default=5, help="features per explanation (default 5)")
    parser.add_argument("--content-type", default=None, metavar="TYPE",
                        help="content type (e.g. paragraph, tweet) of documents without a 'type' column; "
                        "models trained with types use its threshold")
    parser.set_defaults(func=_run)
