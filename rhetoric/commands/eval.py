"""``rhetoric eval TARGET``: evaluate a stage against labelled data.

Each target is one function below that adds its sub-parser; add a target by appending its
registration function to :data:`TARGETS`.

    rhetoric eval classifier --model MODEL --dataset araieval23-task1 --split dev [--cv 5] [--json]
    rhetoric eval quotes --gold GOLD.jsonl [--corpus FILE] [--json]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import RhetoricError


def _classifier(args) -> int:
    from ..evaluation.classifier import cross_validate, evaluate, format_report
    from ..model_io import default_model_path, load_card
    from .classify import load_model_for_cli
    from .train import SPLITS, load_labelled

    model = load_model_for_cli(args.model)
    results = {}
    if args.dataset.startswith("labelled:"):
        trained_on = {Path(d["source"]).resolve() for d in load_card(args.model or default_model_path())
                      .get("training_data", []) if "source" in d}
        if Path(args.dataset.split(":", 1)[1]).resolve() in trained_on:
            print("warning: this file is the model's own training data: the figures below are NOT held out "
                  "(use --cv for cross-validated figures)", file=sys.stderr)
    frame = load_labelled(args.dataset, None if args.dataset.startswith("labelled:") else args.split)
    if frame.empty:
        raise RhetoricError(f"{args.dataset} {args.split}: no rows to evaluate")
    results["heldout"] = evaluate(model, frame)
    show = (lambda text: None) if args.json else print
    show(format_report(results["heldout"], f"{args.dataset} {args.split if args.dataset in SPLITS else ''}".strip()))
    if args.cv:
        if args.dataset.startswith("labelled:"):
            train = frame
        else:
            train = load_labelled(args.dataset, SPLITS[args.dataset][0])
        column = "label" if model.task == "binary" else "labels"
        show(f"nested {args.cv}-fold cross-validation on {args.dataset} "
              f"{'' if args.dataset.startswith('labelled:') else SPLITS[args.dataset][0]} "
              f"(settings of {args.model or 'the default model'}, refitted per fold) ...")
        groups = train["group"].to_numpy() if "group" in train.columns and not args.extra else None
        keep = ["doc_id", "text"] + [c for c in ("type",) if c in train] + [column]
        extra = None
        if args.extra:
            from ..classify import combine_training_data

            heldout = [] if train is frame else [frame]
            combined, stats = combine_training_data(train[keep], [load_labelled(n) for n in args.extra], exclude=heldout)
            extra = combined.iloc[stats["train"]:].copy()
            if "type" in extra.columns:
                extra["type"] = extra["type"].fillna("paragraph")
            show(f"  + {len(extra)} deduplicated rows of {', '.join(args.extra)} in every outer-training part")
        results["cv"] = cross_validate(model, train[keep], cv=args.cv, groups=groups, extra=extra)
        show(format_report(results["cv"], f"{args.cv}-fold CV ({results['cv']['seconds']} s)"))
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    return 0


def _register_classifier(sub) -> None:
    parser = sub.add_parser("classifier", help="micro/macro-F1, per-class P/R/F1, confusion, by content type")
    parser.add_argument("--model", default=None, help="model file (.skops); default: the shipped default model")
    parser.add_argument("--dataset", required=True, help="araieval23-task1, armpro-text, or labelled:PATH")
    parser.add_argument("--split", default="dev", help="split to evaluate on (default dev)")
    parser.add_argument("--cv", type=int, default=0,
                        help="also run K-fold nested cross-validation on the training split (e.g. --cv 5)")
    parser.add_argument("--extra", action="append", default=[], metavar="DATASET",
                        help="with --cv: extra training data added to every outer fold (as in `rhetoric train --extra`)")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.set_defaults(func=_classifier)


def _eval_quotes(args) -> int:
    from ..evaluation.quotes import format_report, run

    result = run(args.gold, corpus=args.corpus, data_dir=args.data_dir)
    if args.json:
        shown = result if args.errors else {k: v for k, v in result.items() if k != "errors"}
        print(json.dumps(shown, ensure_ascii=False, sort_keys=True, indent=2))
    else:
        print(format_report(result, title=str(args.gold)))
    return 0


def _register_quotes(sub) -> None:
    parser = sub.add_parser("quotes", help="quote spans (exact / overlap P, R, F1) and speaker accuracy")
    parser.add_argument("--gold", required=True, type=Path, help="gold JSONL (ids + offsets, see rhetoric.evaluation.quotes)")
    parser.add_argument("--data-dir", default=None, type=Path,
                        help="data directory with the named datasets (default: $RHETORIC_DATA)")
    parser.add_argument("--corpus", default=None, type=Path,
                        help="corpus file that holds the gold documents' texts (e.g. data/demo/corpus.jsonl)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--errors", action="store_true", help="with --json: include per-document errors")
    parser.set_defaults(func=_eval_quotes)


#: One registration function per ``rhetoric eval`` target.
TARGETS = [_register_classifier, _register_quotes]


def register(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="evaluate a stage against labelled / gold data")
    sub = parser.add_subparsers(metavar="STAGE")
    for add in TARGETS:
        add(sub)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
