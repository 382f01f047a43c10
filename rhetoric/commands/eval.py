"""``rhetoric eval ...``: score a stage against annotated gold data.

One sub-command per stage; add yours as a ``_register_<stage>(sub)`` function called from
:func:`register`.
"""
from __future__ import annotations

import json
from pathlib import Path


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


def register(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="evaluate a stage against gold annotations")
    sub = parser.add_subparsers(metavar="STAGE")
    _register_quotes(sub)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
