"""Check data/gold/quotes_dev.jsonl against the texts and print every annotated span for eyeballing.

Usage: python tools/annotate/verify.py [GOLD_FILE] [--quiet]
Texts are re-read from $RHETORIC_DATA (default /work/shared/datasets); the printed spans go to your
terminal only. Checks: text_sha1 and text_len match, offsets in range, quotes do not overlap, speaker
mention lies outside every quote, field values come from the allowed sets. Exit code 1 on any problem.
"""
import json
import sys

import common
from build import OTHER_KINDS, SPEAKER_TYPES

QUOTE_KEYS = {"start", "end", "speaker", "speaker_start", "speaker_end", "speaker_type", "cue"}
# Optional: the mention describing an UNNAMED speaker (data/gold/add_speaker_descriptions.py).
DESC_KEYS = {"speaker_desc_start", "speaker_desc_end"}


def check_doc(doc):
    """Return (problems, printable lines) for one gold record."""
    problems, lines = [], []
    where = f"{doc.get('dataset')}:{doc.get('doc_id')}"
    try:
        outlet, text = common.get_text(doc["dataset"], doc["doc_id"])
    except KeyError as exc:
        return [f"{where}: {exc.args[0]}"], lines
    if common.text_sha1(text) != doc["text_sha1"] or len(text) != doc["text_len"]:
        return [f"{where}: text changed (sha1/len mismatch)"], lines
    if outlet != doc["outlet"]:
        problems.append(f"{where}: outlet {doc['outlet']} != {outlet}")
    quotes = doc["quotes"]
    for q in quotes:
        if set(q) - DESC_KEYS != QUOTE_KEYS or len(set(q) & DESC_KEYS) == 1:
            problems.append(f"{where}: quote keys {sorted(q)}")
            continue
        if "speaker_desc_start" in q and (q["speaker_start"] is not None or not q["speaker"]):
            problems.append(f"{where}: describing mention on a quote whose speaker is named or absent")
        if not 0 <= q["start"] < q["end"] <= len(text):
            problems.append(f"{where}: quote span {q['start']}-{q['end']} out of range")
        if q["speaker_type"] not in SPEAKER_TYPES:
            problems.append(f"{where}: speaker_type {q['speaker_type']}")
        if (q["speaker_start"] is None) != (q["speaker_end"] is None):
            problems.append(f"{where}: half-open speaker span")
        if q["speaker_start"] is not None:
            ss, se = q["speaker_start"], q["speaker_end"]
            if any(o["start"] <= ss and se <= o["end"] for o in quotes):
                problems.append(f"{where}: speaker mention {ss}-{se} lies inside a quote")
        sp = text[q["speaker_start"]:q["speaker_end"]] if q["speaker_start"] is not None else "-"
        lines.append(f"  Q {q['start']}-{q['end']} [{q['speaker']} | {q['speaker_type']} | {q['cue']} | {sp}]"
                     f"\n     «{text[q['start']:q['end']]}»")
    for a, b in zip(quotes, quotes[1:]):
        if b["start"] < a["end"]:
            problems.append(f"{where}: quotes overlap at {b['start']}")
    for o in doc["other_marked"]:
        if o["kind"] not in OTHER_KINDS or not 0 <= o["start"] < o["end"] <= len(text):
            problems.append(f"{where}: bad other_marked {o}")
        lines.append(f"  O {o['start']}-{o['end']} {o['kind']}: «{text[o['start']:o['end']]}»")
    return problems, lines


def main(argv):
    quiet = "--quiet" in argv
    args = [a for a in argv[1:] if a != "--quiet"]
    path = args[0] if args else "data/gold/quotes_dev.jsonl"
    problems = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{lineno}: bad JSON ({exc})")
                continue
            probs, lines = check_doc(doc)
            problems += probs
            if not quiet:
                print(f"== {doc['dataset']} {doc['doc_id']} {doc['outlet']}")
                print("\n".join(lines))
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
