"""Print the counts reported in data/gold/README.md (per outlet, per mark style, per kind).

Usage: python tools/annotate/stats.py [GOLD_FILE]
The mark style of a span is the quote-mark token just before its start (whitespace and bidi marks
skipped); texts are re-read from $RHETORIC_DATA and nothing is printed from them except mark characters.
"""
import collections
import json
import sys

import common


def opening_mark(text, start):
    """The mark token that opens the span starting at start, or 'none'."""
    i = start
    while i > 0 and text[i - 1] in common.STRIP_CHARS:
        i -= 1
    if text[max(0, i - 2):i] == "''":
        return "''"
    return text[i - 1] if i > 0 and text[i - 1] in common.MARK_CHARS else "none"


def main(argv):
    path = argv[1] if len(argv) > 1 else "data/gold/quotes_dev.jsonl"
    docs = [json.loads(line) for line in open(path, encoding="utf-8")]
    per_outlet = collections.defaultdict(lambda: collections.Counter())
    q_style, o_style, kinds, stypes = (collections.Counter() for _ in range(4))
    no_marks = 0
    for d in docs:
        _, text = common.get_text(d["dataset"], d["doc_id"])
        c = per_outlet[(d["dataset"], d["outlet"])]
        c["articles"] += 1
        c["quotes"] += len(d["quotes"])
        c["other_marked"] += len(d["other_marked"])
        c["marks"] += len(common.find_marks(text))
        if not common.find_marks(text):
            no_marks += 1
            c["no_marks"] += 1
        for q in d["quotes"]:
            q_style[opening_mark(text, q["start"])] += 1
            stypes[q["speaker_type"]] += 1
            c["speaker_null"] += q["speaker_start"] is None
        for o in d["other_marked"]:
            o_style[opening_mark(text, o["start"])] += 1
            kinds[o["kind"]] += 1
    print("| dataset | outlet | articles | no marks | marks | quotes | quotes w/o speaker mention | other_marked |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (ds, outlet), c in sorted(per_outlet.items()):
        print(f"| {ds} | {outlet} | {c['articles']} | {c['no_marks']} | {c['marks']} | {c['quotes']} | "
              f"{c['speaker_null']} | {c['other_marked']} |")
    tot = sum(per_outlet.values(), collections.Counter())
    print(f"| **total** | {len(per_outlet)} outlets | {tot['articles']} | {no_marks} | {tot['marks']} | "
          f"{tot['quotes']} | {tot['speaker_null']} | {tot['other_marked']} |")
    print("\nopening mark of quotes:", dict(sorted(q_style.items())))
    print("opening mark of other_marked:", dict(sorted(o_style.items())))
    print("other_marked kinds:", dict(sorted(kinds.items())))
    print("speaker types:", dict(sorted(stypes.items())))
    print("articles with >=1 quote:", sum(1 for d in docs if d["quotes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
