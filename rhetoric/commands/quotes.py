"""``rhetoric quotes INPUT --out OUT.jsonl``: quotes with speakers and other marked spans per document.

Output contract (other tools read it): one JSON object per loaded document, in input order::

    {"doc_id": ..., "quotes": [{"start", "end", "text", "speaker", "speaker_start", "speaker_end",
      "speaker_id", "speaker_type", "cue", "stance"}], "other_marked": [{"start", "end", "text", "kind"}]}

Offsets are Python string indices into the document's ``text``; quote spans exclude the marks;
null where unknown. Documents the corpus loader skips (empty text ...) are counted, not written.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from ..errors import RhetoricError
from .corpus import add_corpus_arguments, read_corpus_args


def _quotes(args) -> int:
    from ..quotes import extract_quotes
    from ..speakers import load_registry

    documents, report = read_corpus_args(args)
    print(report, file=sys.stderr)
    registry = load_registry(args.registry)
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        raise RhetoricError(f"{out}: the folder {out.parent} does not exist")
    counts: Counter = Counter()
    with open(out, "w", encoding="utf-8") as fh:
        for doc_id, text in zip(documents["doc_id"], documents["text"]):
            quotes, others = extract_quotes(text, registry)
            counts["documents"] += 1
            counts["quotes"] += len(quotes)
            counts["attributed"] += sum(1 for q in quotes if q.speaker)
            counts["other_marked"] += len(others)
            record = {"doc_id": doc_id, "quotes": [q.to_dict() for q in quotes],
                      "other_marked": [o.to_dict() for o in others]}
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {out}: {counts['documents']} documents, {counts['quotes']} quotes "
          f"({counts['attributed']} with a speaker), {counts['other_marked']} other marked spans")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("quotes", help="extract quotes with speakers (and other marked spans) as JSONL")
    add_corpus_arguments(parser)
    parser.add_argument("--out", required=True, help="output JSONL file (one object per document)")
    parser.add_argument("--registry", default=None, type=Path,
                        help="speaker registry YAML (default: the shipped lexicons/speakers.yaml)")
    parser.set_defaults(func=_quotes)
