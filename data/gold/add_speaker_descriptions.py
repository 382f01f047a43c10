"""Add the offsets of the describing mention of UNNAMED speakers to a gold file (ids and offsets only).

    python data/gold/add_speaker_descriptions.py SPEC GOLD_FILE

Why: a quote whose speaker is described but not named (``المشاركون``, ``الباحثون``, ``شركة``) has
``speaker_start``/``speaker_end`` = null (ANNOTATION.md). The scorer needs to know which mention
describes the speaker so that pointing at it counts as correct; these offsets go in two extra fields,
``speaker_desc_start``/``speaker_desc_end``, never in the named-speaker fields.
The SPEC lives outside the repository (its anchors are corpus text). One line per quote, shell-quoted:
    DATASET DOC_ID QUOTE_START ANCHOR
ANCHOR is located like build.py's default: the occurrence ending closest before the quote and outside
every quote. The script refuses a quote that has a named speaker mention or no speaker label.
Texts are read from $RHETORIC_DATA (default /work/shared/datasets) and checked against text_sha1.
"""
import json
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "annotate"))

import common  # noqa: E402


def describe(gold_path, spec_path):
    docs = [json.loads(line) for line in open(gold_path, encoding="utf-8") if line.strip()]
    by_key = {(d["dataset"], d["doc_id"]): d for d in docs}
    n = 0
    for lineno, line in enumerate(open(spec_path, encoding="utf-8"), 1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        dataset, doc_id, q_start, anchor = words[0], words[1], int(words[2]), words[3]
        where = f"{spec_path}:{lineno}"
        doc = by_key.get((dataset, doc_id))
        if doc is None:
            raise SystemExit(f"{where}: {dataset}:{doc_id} not in {gold_path}")
        _, text = common.get_text(dataset, doc_id)
        if common.text_sha1(text) != doc["text_sha1"]:
            raise SystemExit(f"{where}: text of {doc_id} changed")
        quote = next((q for q in doc["quotes"] if q["start"] == q_start), None)
        if quote is None or quote["speaker_start"] is not None or not quote["speaker"]:
            raise SystemExit(f"{where}: no unnamed-speaker quote starting at {q_start}")
        spans = [(q["start"], q["end"]) for q in doc["quotes"]]
        occ, i = [], text.find(anchor)
        while i >= 0:
            if i + len(anchor) <= q_start and not any(s <= i and i + len(anchor) <= e for s, e in spans):
                occ.append(i)
            i = text.find(anchor, i + 1)
        if not occ:
            raise SystemExit(f"{where}: anchor not found before the quote outside quotes")
        quote["speaker_desc_start"], quote["speaker_desc_end"] = occ[-1], occ[-1] + len(anchor)
        n += 1
    with open(gold_path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{gold_path}: describing mention added to {n} quotes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    describe(sys.argv[2], sys.argv[1])
