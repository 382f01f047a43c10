"""Turn a hand-written annotation spec into data/gold/quotes_dev.jsonl (offsets only, never text).

The spec lives OUTSIDE the repository because its speaker anchors are corpus text. Usage:
    python tools/annotate/build.py SPEC_FILE [OUT_FILE]
Spec lines (shell-quoted, '#' starts a comment):
    doc DATASET DOC_ID                        start an article block
    q START END key=value ...                 a direct quote
    o START END KIND                          a marked span that is not speech (KIND as in ANNOTATION.md)
    skip Mk REASON                            a mark that delimits nothing (stray or typo), with a reason
START/END: Mk = just after/before mark k (numbering of show.py), @N = raw offset, EOP = end of the
paragraph START lies in. Quote keys: sp (English label or null), type (speaker_type), cue, at (speaker
anchor string; the occurrence nearest the quote and outside every quote is used), nth (take the nth
occurrence instead), dir (before = last occurrence ending before the quote, the default, for
verb-first and pronoun-only attributions; after = first occurrence after the quote, for trailing
attributions), same (copy sp/type/cue/at from the previous quote).
Every mark of the article must be used exactly once (as a start, an end or a skip), so no marked span
is silently left out.
"""
import json
import shlex
import sys

import common

SPEAKER_TYPES = {"state_media", "government", "military", "party", "opposition", "international_org",
                 "independent_media", "expert", "citizen", "unknown"}
OTHER_KINDS = {"name", "title", "scare", "term", "platform", "other"}


class SpecError(Exception):
    pass


def _pos(token, text, marks, side, para_from=None):
    """Resolve a START/END token to an offset; returns (offset, mark index or None)."""
    if token == "EOP":
        nl = text.find("\n", para_from)
        return (len(text) if nl < 0 else nl), None
    if token.startswith("@"):
        return int(token[1:]), None
    if token.startswith("M"):
        k = int(token[1:])
        if k >= len(marks):
            raise SpecError(f"mark {token} does not exist (article has {len(marks)})")
        s, e, _ = marks[k]
        return (e if side == "start" else s), k
    raise SpecError(f"bad position {token!r}")


def _speaker_span(text, anchor, quotes, start, end, nth, direction):
    """Offsets of the chosen occurrence of anchor: nth if given, else the closest one outside quotes
    on the requested side of the quote."""
    occ, i = [], text.find(anchor)
    while i >= 0:
        occ.append((i, i + len(anchor)))
        i = text.find(anchor, i + 1)
    if not occ:
        raise SpecError(f"speaker anchor not found (quote at {start})")
    if nth is not None:
        return occ[nth]
    inside = lambda s, e: any(qs <= s and e <= qe for qs, qe in quotes)
    cands = [o for o in occ if not inside(*o)]
    if not cands:
        raise SpecError(f"speaker anchor only occurs inside quotes (quote at {start})")
    if direction == "before":
        cands = [o for o in cands if o[1] <= start]
    elif direction == "after":
        cands = [o for o in cands if o[0] >= end]
    elif direction != "near":
        raise SpecError(f"bad dir {direction!r}")
    if not cands:
        raise SpecError(f"no speaker anchor {direction} the quote at {start}")
    return min(cands, key=lambda o: (max(start - o[1], o[0] - end, 0), o[0]))


def build_doc(dataset, doc_id, lines):
    outlet, text = common.get_text(dataset, doc_id)
    marks = common.find_marks(text)
    used = {}
    quotes_raw, other = [], []
    prev = None

    def use(k, what):
        if k is None:
            return
        if k in used:
            raise SpecError(f"mark M{k} used twice ({used[k]} and {what})")
        used[k] = what

    for lineno, words in lines:
        try:
            if words[0] == "skip":
                use(int(words[1][1:]), f"skip line {lineno}")
                continue
            s, ks = _pos(words[1], text, marks, "start")
            e, ke = _pos(words[2], text, marks, "end", para_from=s)
            use(ks, f"line {lineno}")
            use(ke, f"line {lineno}")
            s, e = common.trim(text, s, e)
            if not 0 <= s < e <= len(text):
                raise SpecError(f"empty or bad span {s}-{e}")
            if words[0] == "o":
                if words[3] not in OTHER_KINDS:
                    raise SpecError(f"bad kind {words[3]!r}")
                other.append({"start": s, "end": e, "kind": words[3]})
            elif words[0] == "q":
                kv = dict(w.split("=", 1) if "=" in w else (w, "") for w in words[3:])
                if "same" in kv:
                    if prev is None:
                        raise SpecError("'same' without a previous quote")
                    kv = {**prev, **{k: v for k, v in kv.items() if k != "same"}}
                kv.setdefault("type", "unknown")
                if kv["type"] not in SPEAKER_TYPES:
                    raise SpecError(f"bad speaker type {kv['type']!r}")
                prev = {k: v for k, v in kv.items() if k in ("sp", "type", "cue", "at")}
                quotes_raw.append((s, e, kv))
            else:
                raise SpecError(f"unknown directive {words[0]!r}")
        except (SpecError, IndexError, ValueError) as exc:
            raise SpecError(f"{dataset}:{doc_id} spec line {lineno}: {exc}") from None
    missing = [f"M{k}@{marks[k][0]}" for k in range(len(marks)) if k not in used]
    if missing:
        raise SpecError(f"{dataset}:{doc_id}: marks not annotated: {' '.join(missing)}")
    spans = [(s, e) for s, e, _ in quotes_raw]
    quotes = []
    for s, e, kv in quotes_raw:
        null = lambda v: None if v in (None, "", "null") else v
        sp_s = sp_e = None
        if null(kv.get("at")):
            nth = int(kv["nth"]) if "nth" in kv else None
            sp_s, sp_e = _speaker_span(text, kv["at"], spans, s, e, nth, kv.get("dir", "before"))
        quotes.append({"start": s, "end": e, "speaker": null(kv.get("sp")), "speaker_start": sp_s,
                       "speaker_end": sp_e, "speaker_type": kv["type"], "cue": null(kv.get("cue"))})
    return {"dataset": dataset, "doc_id": doc_id, "outlet": outlet, "text_sha1": common.text_sha1(text),
            "text_len": len(text), "quotes": sorted(quotes, key=lambda q: q["start"]),
            "other_marked": sorted(other, key=lambda o: o["start"])}


def parse_spec(path):
    """Yield (dataset, doc_id, [(lineno, words)]) blocks."""
    block = None
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            words = shlex.split(line, comments=True)
            if not words:
                continue
            if words[0] == "doc":
                if block:
                    yield block
                block = (words[1], words[2], [])
            elif block is None:
                raise SpecError(f"{path}:{lineno}: line before the first 'doc'")
            else:
                block[2].append((lineno, words))
    if block:
        yield block


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    out_path = argv[2] if len(argv) == 3 else "data/gold/quotes_dev.jsonl"
    try:
        docs = [build_doc(*b) for b in parse_spec(argv[1])]
    except (SpecError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seen = set()
    for d in docs:
        if (d["dataset"], d["doc_id"]) in seen:
            print(f"error: duplicate doc {d['doc_id']}", file=sys.stderr)
            return 1
        seen.add((d["dataset"], d["doc_id"]))
    with open(out_path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(docs)} docs, {sum(len(d['quotes']) for d in docs)} quotes, "
          f"{sum(len(d['other_marked']) for d in docs)} other_marked to {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
