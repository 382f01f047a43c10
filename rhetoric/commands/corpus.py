"""``rhetoric corpus summary INPUT``: load a corpus and print its row accounting and outlets."""
from __future__ import annotations

import json

from ..corpus import load_corpus


def add_corpus_arguments(parser) -> None:
    """Arguments every command that reads a corpus shares."""
    parser.add_argument("input", help="corpus: .jsonl/.csv/.tsv/.parquet file or a folder of .txt files")
    parser.add_argument("--on-error", choices=["raise", "skip"], default="raise",
                        help="stop at the first bad row (default) or skip and count it")
    parser.add_argument("--text-column", default=None, help="column holding the article text")
    parser.add_argument("--id-column", default=None, help="column holding the document id")
    parser.add_argument("--outlet-column", default=None, help="column holding the outlet")


def read_corpus_args(args):
    """Load the corpus named by :func:`add_corpus_arguments` options -> LoadResult."""
    mapping = {k: v for k, v in (("text", args.text_column), ("doc_id", args.id_column),
                                 ("outlet", args.outlet_column)) if v}
    return load_corpus(args.input, on_error=args.on_error, columns_map=mapping)


def _summary(args) -> int:
    documents, report = read_corpus_args(args)
    print(report)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, sort_keys=True))
    by_outlet = documents.groupby("outlet", sort=True).agg(
        n_docs=("doc_id", "size"), chars=("text", lambda s: int(s.str.len().sum()))
    )
    print(by_outlet.to_string())
    return 0


def register(subparsers) -> None:
    corpus = subparsers.add_parser("corpus", help="inspect a corpus")
    sub = corpus.add_subparsers(metavar="ACTION")
    summary = sub.add_parser("summary", help="row accounting and documents per outlet")
    add_corpus_arguments(summary)
    summary.add_argument("--json", action="store_true", help="also print the accounting as JSON")
    summary.set_defaults(func=_summary)
    corpus.set_defaults(func=lambda args: corpus.print_help() or 0)
