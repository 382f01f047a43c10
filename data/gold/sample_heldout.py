"""Draw the held-out quotation gold set (prints ids only): ``python data/gold/sample_heldout.py``.

Procedure (recorded in README.md, "Held-out split"):
  * every outlet of news_credibility_2013 and SaudiNewsNet (27), not only the 12 of the dev split;
  * the outlet list, sorted, is shuffled with random.Random(SEED); per outlet the doc_ids are sorted and
    shuffled with random.Random(f"{seed}:{outlet}"), and the first PER_OUTLET articles that contain a quote
    mark, have 300 <= len(text) <= 2000 (the dev window) and are not in quotes_dev.jsonl are kept;
  * the output is ordered round by round (round r = the r-th article of every outlet, outlets in the
    shuffled order); articles are annotated in that order, none skipped, until the set holds at least
    15 articles with a quote and 45 quotes.
Output: tab-separated position, round, dataset, outlet, doc_id.

Second held-out split (quotes_heldout2.jsonl): ``python data/gold/sample_heldout.py --seed 20261128
--exclude data/gold/quotes_heldout.jsonl`` -- same procedure with another seed, also skipping every article
of the files named with --exclude (quotes_dev.jsonl is always skipped).
"""
import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools" / "annotate"))

import common  # noqa: E402

SEED = 20261127
PER_OUTLET = 3
MIN_LEN, MAX_LEN = 300, 2000


def draw(seed=SEED, exclude=()):
    """Rows (round, dataset, outlet, doc_id) in annotation order; articles of quotes_dev.jsonl and of the
    gold files in exclude are never drawn."""
    dev = set()
    for path in (HERE / "quotes_dev.jsonl", *exclude):
        dev |= {json.loads(line)["doc_id"] for line in open(path, encoding="utf-8")}
    outlets = sorted({(ds, rec[0]) for ds in (common.NC, common.SNN) for rec in common.load_all(ds).values() if rec})
    random.Random(seed).shuffle(outlets)
    per_outlet = []
    for dataset, outlet in outlets:
        docs = sorted((d, rec[1]) for d, rec in common.load_all(dataset).items() if rec and rec[0] == outlet)
        random.Random(f"{seed}:{outlet}").shuffle(docs)
        picked = [d for d, text in docs if d not in dev and MIN_LEN <= len(text) <= MAX_LEN
                  and any(ch in common.MARK_CHARS for ch in text)][:PER_OUTLET]
        per_outlet.append([(dataset, outlet, d) for d in picked])
    rows = []
    for r in range(PER_OUTLET):
        rows += [(r, *items[r]) for items in per_outlet if r < len(items)]
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--exclude", action="append", default=[], help="gold JSONL whose articles are not drawn")
    args = ap.parse_args()
    for pos, row in enumerate(draw(args.seed, args.exclude)):
        print("\t".join(map(str, (pos, *row))))
