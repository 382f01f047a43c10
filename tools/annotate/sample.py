"""Draw the seeded, outlet-stratified sample of articles for the quotation gold set (prints ids only).

Procedure (recorded in data/gold/README.md):
  * for each chosen outlet, sort its doc_ids, shuffle them with random.Random(f"{SEED}:{outlet}"),
    and keep the first MARKED_PER_OUTLET articles that are "marked" and 300 <= len(text) <= 2000;
  * annotation proceeds round by round (round r = the r-th marked article of every outlet), so a
    prefix of rounds is still stratified; README.md says how many rounds are done;
  * for the first NO_MARK_OUTLETS outlets in the list order after shuffling the outlet list with
    random.Random(SEED), also keep the first article (same shuffled order) that has no mark at all.
  * style supplement: single apostrophes (') as quote marks are rare in the length window, and the
    rounds above drew none, so APOSTROPHE_EXTRA more articles are drawn from the pooled outlets among
    those with at least two single-apostrophe marks: ids sorted, shuffled with
    random.Random(f"{SEED}:apostrophe"), first ones not already drawn.
"marked": contains one of “ ” « » " ' ‘ ’ ‹ › „ (an article with only one apostrophe still counts as marked).
Output: tab-separated round, dataset, outlet, doc_id, kind — ordered round-robin so that any prefix
of the list is still balanced across outlets.
"""
import random

import common

SEED = 20130323
MARKED_PER_OUTLET = 9
APOSTROPHE_EXTRA = 2
NO_MARK_OUTLETS = 8
MIN_LEN, MAX_LEN = 300, 2000
OUTLETS = [
    (common.NC, "Alahram.Newspaper"), (common.NC, "almasryalyoum"), (common.NC, "Tahrir.News.Official"),
    (common.NC, "masrawy"), (common.NC, "cnnarabic"), (common.NC, "bbcarabicnews"), (common.NC, "fjp"),
    (common.NC, "elfagr"),
    (common.SNN, "aawsat"), (common.SNN, "alweeam"), (common.SNN, "was"), (common.SNN, "sabq"),
]


def draw():
    """Return the list of (round, dataset, outlet, doc_id, kind) rows."""
    order = list(OUTLETS)
    random.Random(SEED).shuffle(order)
    no_mark_outlets = set(order[:NO_MARK_OUTLETS])
    rows = []
    for dataset, outlet in OUTLETS:
        docs = sorted((d, rec[1]) for d, rec in common.load_all(dataset).items() if rec and rec[0] == outlet)
        random.Random(f"{SEED}:{outlet}").shuffle(docs)
        marked, plain = [], []
        for doc_id, text in docs:
            if not MIN_LEN <= len(text) <= MAX_LEN:
                continue
            has = any(ch in common.MARK_CHARS for ch in text)
            if has and len(marked) < MARKED_PER_OUTLET:
                marked.append(doc_id)
            elif not has and not plain and (dataset, outlet) in no_mark_outlets:
                plain.append(doc_id)
        rows += [(i, dataset, outlet, d, "marked") for i, d in enumerate(marked)]
        rows += [(0, dataset, outlet, d, "no_marks") for d in plain]
    rows += _apostrophe_rows({r[3] for r in rows})
    return sorted(rows, key=lambda r: (r[0], r[4], OUTLETS.index((r[1], r[2]))))


def _apostrophe_rows(taken):
    """The style supplement: articles whose marks include at least two single apostrophes."""
    pool = []
    for dataset, outlet in OUTLETS:
        for doc_id, rec in common.load_all(dataset).items():
            if rec and rec[0] == outlet and doc_id not in taken and MIN_LEN <= len(rec[1]) <= MAX_LEN:
                if sum(m == "'" for _, _, m in common.find_marks(rec[1])) >= 2:
                    pool.append((dataset, outlet, doc_id))
    pool.sort()
    random.Random(f"{SEED}:apostrophe").shuffle(pool)
    return [(MARKED_PER_OUTLET, ds, outlet, d, "apostrophe") for ds, outlet, d in pool[:APOSTROPHE_EXTRA]]


if __name__ == "__main__":
    for row in draw():
        print("\t".join(map(str, row)))
