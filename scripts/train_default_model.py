"""Build the shipped default model: data/models/default.skops + default.card.json.

Trained ONLY on the sentences the project wrote itself (data/labelled/framing_sentences.jsonl), never
on the non-commercial research corpora. Its figures are grouped cross-validation (GroupKFold on
"group", so both sentences of a minimal pair are always in the same fold), nested: each outer fold
refits the whole model, threshold included. With $RHETORIC_DATA set, it also reports how the model
transfers to ArAIEval 2023 dev (figures only; no corpus text is stored).

    python scripts/train_default_model.py [--out data/models/default.skops] [--lexicon auto|no]

Re-run it after editing the sentences or the lexicons (a lexicon change makes loading warn).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rhetoric.classify import FramingClassifier  # noqa: E402
from rhetoric.evaluation.classifier import cross_validate, evaluate, format_report  # noqa: E402
from rhetoric.model_io import save_model  # noqa: E402

SOURCE = "data/labelled/framing_sentences.jsonl"
SEED = 0

LIMITS = [
    "Trained on about a thousand short sentences written by the project's authors to illustrate state-media "
    "framing (glorification, enemy labelling, sacralisation, conspiracy, ...) next to neutral wire-style "
    "sentences on the same topics; it has never seen real outlets' text.",
    "The grouped CV figures measure how well it separates OUR sentences (same authors, same styles); they "
    "are an upper bound for real news, where framing is subtler and topics differ.",
    "The lexicon categories (when used as features) were written by the same team as the sentences, so "
    "lexicon features look stronger here than they will on real text.",
    "Binary only: framing vs neutral wording. It does not identify persuasion techniques, quoted voices or "
    "who frames; combine it with rhetoric's quote attribution for that.",
    "Scores sentences best; long paragraphs mix framed and neutral clauses and get intermediate scores.",
    "For research figures on real news, train on labelled news (rhetoric train --dataset araieval23-task1 "
    "--extra armpro-text) and report that model's dev figures.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "data" / "models" / "default.skops"))
    parser.add_argument("--lexicon", choices=["auto", "no"], default="no",
                        help="lexicon category counts as features (default no: see docs/classifier.md)")
    parser.add_argument("--cv", type=int, default=5)
    args = parser.parse_args(argv)

    path = ROOT / SOURCE
    frame = pd.read_json(path, lines=True, dtype={"id": str})
    frame = frame[["id", "text", "label", "group"]]
    settings = dict(lexicon="auto" if args.lexicon == "auto" else False, cv=args.cv, random_state=SEED)
    model = FramingClassifier(**settings)

    started = time.perf_counter()
    nested = cross_validate(model, frame, cv=args.cv, groups=frame["group"].to_numpy())
    print(format_report(nested, f"nested grouped {args.cv}-fold CV"))
    model.fit(frame["text"], frame["label"], groups=frame["group"].to_numpy())
    seconds = time.perf_counter() - started

    card = {
        "name": "rhetoric default framing classifier",
        "training_data": [{
            "source": SOURCE, "n": int(len(frame)), "n_positive": int(frame["label"].sum()),
            "n_groups": int(frame["group"].nunique()),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "licence": "authored by the rhetoric project (same licence as the code)",
        }],
        "trained_only_on": SOURCE,
        "cv_nested": {
            "grouped": True, "grouped_by": "group", "folds": args.cv,
            "micro_f1": nested["micro_f1"], "macro_f1": nested["macro_f1"],
            "macro_f1_mean": nested["macro_f1_mean"], "macro_f1_std": nested["macro_f1_std"],
            "fold_macro_f1": nested["fold_macro_f1"], "per_class": nested["per_class"],
            "confusion": nested["confusion"],
            "note": "each outer fold refits the whole model (threshold by inner grouped CV) on the other folds",
        },
        "intended_use": "flag framing-laden sentences in Arabic news for a researcher to read; a starting point, "
        "not a measurement instrument for real corpora without validation",
        "limits": LIMITS,
        "training_seconds": round(seconds, 1),
        "script": "scripts/train_default_model.py",
    }
    external = _external_eval(model)
    if external:
        card["external_eval"] = external
    save_model(model, args.out, card)
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) in {seconds:.0f} s; threshold {model.threshold_:.2f}")
    return 0


def _external_eval(model) -> dict | None:
    """Transfer figures on ArAIEval 2023 dev when the data directory has it (figures only)."""
    try:
        from rhetoric.datasets import is_available, load_dataset

        if not is_available("araieval23-task1"):
            return None
        dev = load_dataset("araieval23-task1", "dev")
    except Exception as exc:  # the data directory is optional here
        print(f"(no external evaluation: {exc})")
        return None
    report = evaluate(model, dev)
    print(format_report(report, "transfer to araieval23-task1 dev (never trained on it)"))
    return {"dataset": "araieval23-task1", "split": "dev", "micro_f1": report["micro_f1"],
            "macro_f1": report["macro_f1"],
            "by_type": {t: {k: v[k] for k in ("n", "micro_f1", "macro_f1")} for t, v in report["by_type"].items()},
            "note": "out-of-domain: tweets and news paragraphs labelled for any persuasion technique"}


if __name__ == "__main__":
    sys.exit(main())
