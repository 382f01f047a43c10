"""``rhetoric train``: fit a framing classifier, print its CV and dev figures, save model + card.

    rhetoric train --dataset araieval23-task1 [--task binary|techniques] [--extra armpro-text] --out MODEL.skops
    rhetoric train --train-file mine.jsonl --out MODEL.skops      (or --dataset labelled:mine.jsonl)
"""
from __future__ import annotations

import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from ..errors import RhetoricError

#: Named dataset -> (split trained on, split evaluated on).
SPLITS = {"araieval23-task1": ("train", "dev"), "armpro-text": ("dev", "test")}


def _labelled_file(path: str) -> pd.DataFrame:
    """A user's labelled JSONL/CSV (text, label 0/1 or true/false; optional id, type, labels, group)."""
    from ..corpus import NonArabicTextWarning, load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonArabicTextWarning)
        frame, _ = load_corpus(path)
    if "label" not in frame.columns and "labels" not in frame.columns:
        raise RhetoricError(f"{path}: a labelled file needs a 'label' column (0/1 or true/false) or 'labels'")
    if "label" in frame.columns:
        bad = ~frame["label"].isin([0, 1, True, False, "0", "1", "true", "false"])
        if bad.any():
            raise RhetoricError(f"{path}: document {frame.loc[bad, 'doc_id'].iloc[0]!r} has label "
                                f"{frame.loc[bad, 'label'].iloc[0]!r}; labels must be 0/1 or true/false")
        frame["label"] = frame["label"].isin([1, True, "1", "true"])
    return frame


def load_labelled(source: str, split: str | None = None) -> pd.DataFrame:
    """``labelled:PATH`` or a named dataset's split, as a frame with text, label/labels (+ type, group)."""
    if source.startswith("labelled:"):
        return _labelled_file(source.split(":", 1)[1])
    from ..datasets import load_dataset

    if source not in SPLITS:
        from ..datasets import dataset_info

        dataset_info(source)  # raises for unknown names, listing the known ones
        raise RhetoricError(f"dataset {source!r} has no labels to train or evaluate on; labelled datasets: "
                            f"{', '.join(sorted(SPLITS))} (or labelled:PATH)")
    return load_dataset(source, split)


def training_data(args) -> tuple[pd.DataFrame, pd.DataFrame | None, list[dict], dict]:
    """(train, dev or None, description of the training data for the card, dedup counts)."""
    from ..classify import combine_training_data

    source = f"labelled:{args.train_file}" if args.train_file else args.dataset
    if not source:
        raise RhetoricError("name the training data with --dataset NAME or --train-file PATH")
    if source.startswith("labelled:"):
        train, dev = load_labelled(source), None
        described = [{"source": source.split(":", 1)[1], "n": int(len(train))}]
    else:
        train_split, dev_split = SPLITS.get(source, ("train", "dev"))
        train, dev = load_labelled(source, train_split), load_labelled(source, dev_split)
        described = [{"dataset": source, "split": train_split, "n": int(len(train))}]
    extras = [load_labelled(name) for name in args.extra]
    combined, stats = combine_training_data(train, extras, exclude=[dev] if dev is not None else [])
    for i, name in enumerate(args.extra):
        described.append({"dataset": name, "split": "all", "n": stats[f"extra_{i}_added"],
                          "dropped_duplicates": stats[f"extra_{i}_dropped_duplicate"]})
    if "type" in combined.columns:
        combined["type"] = combined["type"].fillna("paragraph")  # ArMPro items are news paragraphs
    return combined, dev, described, stats


def _committable(path: str) -> bool:
    """True when ``path`` lies in the project's git checkout and git would not ignore it."""
    from ..resources import PACKAGE_DIR

    root = PACKAGE_DIR.parent
    target = Path(path).resolve()
    if not (root / ".git").exists() or root not in target.parents:
        return False
    try:
        ignored = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", str(target)],
                                 capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    return not ignored


def _run(args) -> int:
    from ..classify import FramingClassifier
    from ..evaluation.classifier import evaluate, format_report
    from ..model_io import save_model

    train, dev, described, stats = training_data(args)
    if train.empty:
        raise RhetoricError("no training rows left")
    column = "label" if args.task == "binary" else "labels"
    if column not in train.columns:
        raise RhetoricError(f"the training data has no {column!r} column needed for --task {args.task}")
    groups = train["group"].to_numpy() if "group" in train.columns and args.group_cv else None
    model = FramingClassifier(task=args.task, C=args.C, cv=args.cv, random_state=args.seed,
                              lexicon={"auto": "auto", "yes": True, "no": False}[args.lexicon],
                              embeddings=args.embeddings)
    started = time.perf_counter()
    model.fit(train, train[column].tolist(), groups=groups)
    seconds = time.perf_counter() - started
    parts = ", ".join(f"{d.get('dataset') or d.get('source')}: {d['n']}" for d in described)
    print(f"trained on {len(train)} texts in {seconds:.1f} s ({parts})")
    cv_kind = "grouped " if groups is not None else ""
    print(f"{cv_kind}{args.cv}-fold CV on training data (threshold picked on the same folds): "
          f"micro-F1={model.cv_metrics_['micro_f1']:.3f} macro-F1={model.cv_metrics_['macro_f1']:.3f}")
    card = {"training_data": described, "dedup": stats, "training_seconds": round(seconds, 1)}
    if dev is not None:
        report = evaluate(model, dev)
        print(format_report(report, f"dev ({args.dataset}, {SPLITS.get(args.dataset, ('', 'dev'))[1]})"))
        card["dev"] = {"dataset": args.dataset, "split": SPLITS[args.dataset][1], **report}
    names = [args.dataset] if args.dataset and not args.dataset.startswith("labelled:") else []
    names += list(args.extra)
    if names:
        from ..datasets import dataset_info

        card["data_licences"] = {n: dataset_info(n).licence for n in names}
        card["redistribution"] = "trained on non-commercial research data: do not commit or publish this model"
        if _committable(args.out):
            print(f"warning: {args.out} is inside the project checkout and not git-ignored; a model trained on "
                  f"non-commercial data must not be committed: write it to /tmp or a git-ignored folder", file=sys.stderr)
    card_file = save_model(model, args.out, card)
    print(f"wrote {args.out} and {card_file}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a framing classifier (model file + model card)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", help="araieval23-task1, armpro-text, or labelled:PATH")
    source.add_argument("--train-file", help="your own labelled JSONL/CSV: text, label (0/1); optional group, type")
    parser.add_argument("--task", choices=["binary", "techniques"], default="binary")
    parser.add_argument("--extra", action="append", default=[], metavar="DATASET",
                        help="more training data (e.g. armpro-text), deduplicated on id and normalised text; "
                        "never includes an evaluation item")
    parser.add_argument("--out", required=True, help="model file to write (.skops); the card goes beside it")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength (default 1)")
    parser.add_argument("--cv", type=int, default=5, help="folds of the internal cross-validation (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    # the names of rhetoric.embeddings.MODELS, written out: importing it (scikit-learn) would slow every command
    parser.add_argument("--embeddings", choices=["e5-small", "e5-small-l5"], default=None,
                        help="add multilingual-e5-small sentence embeddings as features (needs: pip install "
                             "\"rhetoric[embeddings]\"). e5-small-l5 runs the first 5 of its 12 layers: as "
                             "accurate in CV, ~0.8 ms of CPU per token of each new training text instead of "
                             "~2 ms (vectors cached)")
    parser.add_argument("--lexicon", choices=["auto", "yes", "no"], default="auto",
                        help="lexicon category counts as features (auto: when the lexicons exist)")
    parser.add_argument("--no-group-cv", dest="group_cv", action="store_false",
                        help="ignore a 'group' column (default: keep each group inside one CV fold)")
    parser.set_defaults(func=_run)
