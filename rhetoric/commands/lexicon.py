"""``rhetoric lexicon validate|match|stats|sample|precision``: check, apply and curate lexicons.

The curation loop: ``stats`` shows which entries hit, which never do and which words are one edit
or one clitic away from an entry (candidates for new variants); ``sample`` draws hits in context for
a person to judge; ``precision`` turns the judged file into precision per entry and category with
Wilson 95% intervals. The functions behind the commands are importable for notebooks.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LexiconError
from ..lexicon import load_lexicons, validate_paths
from ..match import Matcher, MatchText, entry_keys
from ..resources import lexicons_dir
from ..stats import wilson_interval
from ..text import analyze_clitics, normalize
from .corpus import add_corpus_arguments, read_corpus_args

__all__ = ["hit_stats", "near_misses", "sample_hits", "read_judgements", "precision_table", "register"]

SAMPLE_COLUMNS = ["doc_id", "field", "start", "end", "lexicon", "category", "entry_id", "left", "hit", "right",
                  "judgement"]
_YES = {"1", "y", "yes", "correct", "true", "t", "+"}
_NO = {"0", "n", "no", "incorrect", "false", "f", "-"}


# --------------------------------------------------------------------------- library functions


def hit_stats(matcher: Matcher, documents: pd.DataFrame, matches: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Hits per entry and per category, coverage and never-hit entries.

    Returns ``{"entries": ..., "categories": ..., "coverage": ...}``: ``entries`` has one row per
    entry (lexicon, entry_id, category, term, hits, docs) including entries with no hit;
    ``coverage`` one row per lexicon with the share of documents with at least one hit.
    """
    rows = [{"lexicon": lx.name, "entry_id": e.id, "category": e.category, "term": e.term}
            for lx, e in matcher.entries]
    entries = pd.DataFrame(rows)
    counts = matches.groupby(["lexicon", "entry_id"]).agg(hits=("start", "size"), docs=("doc_id", "nunique"))
    entries = entries.join(counts, on=["lexicon", "entry_id"]).fillna({"hits": 0, "docs": 0})
    entries = entries.astype({"hits": "int64", "docs": "int64"}).sort_values(
        ["hits", "lexicon", "entry_id"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    categories = entries.groupby(["lexicon", "category"], sort=True).agg(
        entries=("entry_id", "size"), entries_hit=("hits", lambda h: int((h > 0).sum())), hits=("hits", "sum"))
    categories["docs"] = matches.groupby(["lexicon", "category"])["doc_id"].nunique()
    categories = categories.fillna({"docs": 0}).astype({"docs": "int64"}).reset_index()
    n_docs = len(documents)
    coverage = pd.DataFrame([
        {"lexicon": lx.name, "docs": n_docs,
         "docs_with_hit": int(matches.loc[matches["lexicon"] == lx.name, "doc_id"].nunique()),
         "version": lx.version_hash}
        for lx in matcher.lexicons
    ])
    coverage["coverage"] = coverage["docs_with_hit"] / max(n_docs, 1)
    return {"entries": entries, "categories": categories, "coverage": coverage}


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of ``a`` and ``b`` is at most one."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def near_misses(matcher: Matcher, documents: pd.DataFrame, matches: pd.DataFrame, top: int = 30,
                min_stem: int = 4) -> pd.DataFrame:
    """Corpus words that never hit but are one clitic, one inflection or one edit away from a
    single-word entry: candidates for new variants (or evidence that an exclusion works).

    ``kind`` is ``clitic`` when a clitic reading of the word IS an entry stem (a form the matcher's
    rules reject, e.g. the article plus an enclitic, or an excluded use), ``inflection`` when it is
    the stem plus a plural, dual, feminine or nisba ending (الدكتاتورين), and ``edit`` when a reading
    is one letter away (spelling variants, typos). Columns: word (normalised), count, kind,
    entry_id, lexicon, stem. Stems shorter than ``min_stem`` letters are skipped (too many lookalikes).
    """
    stems: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lexicon, entry in matcher.entries:
        for form in entry.forms:
            for key, kf in entry_keys(form, entry.allow_possessive):
                if " " not in key and len(key) >= min_stem and kf.suffix != 2:
                    stems[key].append((lexicon.name, entry.id))
    deletions: dict[str, set[str]] = defaultdict(set)
    for stem in stems:
        for i in range(len(stem)):
            deletions[stem[:i] + stem[i + 1 :]].add(stem)
    hit_words = {w for s in matches["surface"] for w in normalize(s).split()}
    vocabulary: Counter = Counter()
    for field in ("title", "text"):
        if field in documents.columns:
            for text in documents[field]:
                if isinstance(text, str) and text:
                    vocabulary.update(_WORD.findall(MatchText.of(text).text))
    rows = []
    for word, count in vocabulary.items():
        if word in hit_words or len(word) < min_stem - 1:
            continue
        readings = {word} | {a.stem for a in analyze_clitics(word)}
        found: dict[str, str] = {}
        for r in readings:
            if r in stems:
                found.setdefault(r, "clitic")
            for probe in [r] + [r[:i] + r[i + 1 :] for i in range(len(r))]:
                for stem in deletions.get(probe, set()) | ({probe} if probe in stems else set()):
                    if stem != r and _within_one_edit(r, stem):
                        found.setdefault(stem, "edit")
            for ending in _INFLECTIONS:
                base = r[: -len(ending)]
                if r.endswith(ending) and len(base) >= min_stem - 1:
                    for stem in (base, base + "ه"):
                        if stem in stems:
                            found.setdefault(stem, "inflection")
        for stem, kind in found.items():
            for lexicon_name, entry_id in stems[stem]:
                rows.append({"word": word, "count": count, "kind": kind, "entry_id": entry_id,
                             "lexicon": lexicon_name, "stem": stem})
    out = pd.DataFrame(rows, columns=["word", "count", "kind", "entry_id", "lexicon", "stem"])
    out = out.sort_values(["count", "word", "entry_id"], ascending=[False, True, True], kind="stable")
    return out.head(top).reset_index(drop=True)


_WORD = re.compile(r"\w+")
#: Plural, dual, feminine and nisba endings (normalised) that make a different word of an entry stem.
_INFLECTIONS = ("يين", "يون", "يتين", "يتان", "ين", "ون", "ان", "ات", "يه", "ي", "ه")


def _kwic(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    clean = lambda s: " ".join(s.split())  # noqa: E731  one line per hit in a spreadsheet
    return clean(text[max(0, start - width) : start]), text[start:end], clean(text[end : end + width])


def sample_hits(documents: pd.DataFrame, matches: pd.DataFrame, n: int = 200, seed: int = 0,
                width: int = 60) -> pd.DataFrame:
    """A sample of ``n`` hits stratified by (category, entry), in keyword-in-context form.

    Strata are visited round-robin in sorted order, each shuffled with ``seed``, so rare entries are
    represented as well as frequent ones (precision per entry needs judged hits of every entry).
    Columns: see ``SAMPLE_COLUMNS``; ``judgement`` is left empty for the annotator (1/0, y/n, ...).
    """
    if matches.empty:
        return pd.DataFrame(columns=SAMPLE_COLUMNS)
    rng = np.random.default_rng(seed)
    ordered = matches.sort_values(["doc_id", "field", "start", "lexicon", "entry_id"], kind="stable")
    strata = [g.index.to_numpy() for _, g in ordered.groupby(["category", "lexicon", "entry_id"], sort=True)]
    queues = [list(rng.permutation(idx)) for idx in strata]
    picked: list = []
    while len(picked) < n and any(queues):
        for q in queues:
            if q and len(picked) < n:
                picked.append(q.pop())
    texts = {(d, f): documents.loc[i, f] for i, d in zip(documents.index, documents["doc_id"])
             for f in ("title", "text") if f in documents.columns}
    rows = []
    for idx in picked:
        m = matches.loc[idx]
        left, hit, right = _kwic(texts[(m["doc_id"], m["field"])], int(m["start"]), int(m["end"]), width)
        rows.append({"doc_id": m["doc_id"], "field": m["field"], "start": int(m["start"]), "end": int(m["end"]),
                     "lexicon": m["lexicon"], "category": m["category"], "entry_id": m["entry_id"],
                     "left": left, "hit": hit, "right": right, "judgement": ""})
    return pd.DataFrame(rows, columns=SAMPLE_COLUMNS)


def read_judgements(path: str | Path) -> tuple[pd.DataFrame, int]:
    """Read a judged sample CSV -> (judged rows with a boolean ``correct`` column, number of blanks).

    Accepted judgements: 1/0, y/n, yes/no, correct/incorrect, true/false (any case). Anything else
    is an error naming the line, so a typo never silently changes a precision figure.
    """
    path = Path(path)
    if not path.is_file():
        raise LexiconError(f"{path}: no such file")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"entry_id", "category", "judgement"} - set(reader.fieldnames or [])
        if missing:
            raise LexiconError(f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                               "use the file written by `rhetoric lexicon sample`")
        rows, blanks = [], 0
        for row in reader:
            value = (row.get("judgement") or "").strip().lower()
            if not value:
                blanks += 1
                continue
            if value not in _YES | _NO:
                raise LexiconError(f"{path}:{reader.line_num}: judgement {row['judgement']!r} is not one of "
                                   "1/0, y/n, yes/no, correct/incorrect, true/false")
            rows.append({**row, "correct": value in _YES})
    return pd.DataFrame(rows, columns=list(reader.fieldnames or []) + ["correct"]), blanks


def precision_table(judged: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Precision with a Wilson 95% interval per group: by, n_judged, n_correct, precision, ci_low, ci_high."""
    rows = []
    groups = judged.groupby(by, sort=True) if by else [((), judged)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        n, k = len(g), int(g["correct"].sum())
        low, high = wilson_interval(k, n)
        rows.append({**dict(zip(by, key)), "n_judged": n, "n_correct": k, "precision": k / n if n else float("nan"),
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=by + ["n_judged", "n_correct", "precision", "ci_low", "ci_high"])


# --------------------------------------------------------------------------- commands


def _matcher(args) -> Matcher:
    return Matcher(load_lexicons(args.lexicon or None))


def _validate(args) -> int:
    paths = args.paths or [lexicons_dir()]
    issues = validate_paths(paths)
    for issue in issues:
        print(issue)
    errors = sum(i.level == "error" for i in issues)
    warnings = len(issues) - errors
    print(f"{', '.join(map(str, paths))}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def _match(args) -> int:
    documents, report = read_corpus_args(args)
    matcher = _matcher(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    found: dict[int, list] = defaultdict(list)
    for pos, field, hits in matcher.iter_document_matches(documents, progress=None if not args.quiet else False):
        found[pos] += [{"field": field, "start": m.start, "end": m.end, "surface": m.surface,
                        "entry_id": m.entry_id, "term": m.term, "category": m.category, "lexicon": m.lexicon,
                        "lexicon_version": m.lexicon_version, "weight": m.weight, "clitics": m.clitics}
                       for m in hits]
    n_hits = 0
    with open(out, "w", encoding="utf-8") as fh:
        for pos, doc_id in enumerate(documents["doc_id"]):
            n_hits += len(found[pos])
            fh.write(json.dumps({"doc_id": doc_id, "matches": found[pos]}, ensure_ascii=False, sort_keys=True) + "\n")
    print(report)
    print(f"{out}: {len(documents)} documents, {n_hits} hits ({matcher!r})")
    return 0


def _stats(args) -> int:
    documents, report = read_corpus_args(args)
    matcher = _matcher(args)
    matches = matcher.match_documents(documents)
    stats = hit_stats(matcher, documents, matches)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 40):
        print(report)
        print("\n== coverage (share of documents with at least one hit)")
        print(stats["coverage"].to_string(index=False))
        print("\n== hits per category")
        print(stats["categories"].to_string(index=False))
        entries = stats["entries"]
        print(f"\n== hits per entry (top {args.top})")
        hit = entries[entries["hits"] > 0]
        print(hit.head(args.top).to_string(index=False) if len(hit) else "none")
        never = entries[entries["hits"] == 0]
        print(f"\n== entries never hit: {len(never)} of {len(entries)}")
        if len(never):
            print(never[["lexicon", "entry_id", "term"]].to_string(index=False))
        print(f"\n== near-misses (words one clitic or one edit away from an entry; top {args.top})")
        misses = near_misses(matcher, documents, matches, top=args.top)
        print(misses.to_string(index=False) if len(misses) else "none")
    if args.json:
        Path(args.json).write_text(json.dumps({k: v.to_dict(orient="records") for k, v in stats.items()},
                                              ensure_ascii=False, sort_keys=True, default=str), encoding="utf-8")
    return 0


def _sample(args) -> int:
    documents, _ = read_corpus_args(args)
    matcher = _matcher(args)
    sample = sample_hits(documents, matcher.match_documents(documents), n=args.n, seed=args.seed, width=args.width)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sample.to_csv(out, index=False, encoding="utf-8")
    strata = sample.groupby(["category", "entry_id"]).ngroups if len(sample) else 0
    print(f"{out}: {len(sample)} hits from {strata} entries; fill the judgement column (1/0) and run "
          f"`rhetoric lexicon precision {out}`")
    return 0


def _precision(args) -> int:
    judged, blanks = read_judgements(args.judged)
    print(f"{args.judged}: {len(judged)} judged, {blanks} blank (ignored)")
    if judged.empty:
        return 0
    with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
        print("\n== overall")
        print(precision_table(judged, []).to_string(index=False))
        print("\n== per category")
        print(precision_table(judged, ["category"]).to_string(index=False))
        print("\n== per entry")
        print(precision_table(judged, ["category", "entry_id"]).to_string(index=False))
    return 0


def register(subparsers) -> None:
    lexicon = subparsers.add_parser("lexicon", help="validate, apply and curate framing lexicons")
    sub = lexicon.add_subparsers(metavar="ACTION")

    validate = sub.add_parser("validate", help="check lexicon files (schema with line numbers, duplicates, "
                                               "shadowed and unmatchable entries)")
    validate.add_argument("paths", nargs="*", help="lexicon files or folders (default: the project's lexicons/)")
    validate.set_defaults(func=_validate)

    def with_lexicons(p):
        add_corpus_arguments(p)
        p.add_argument("--lexicon", action="append", metavar="PATH",
                       help="lexicon file or folder (repeatable; default: the project's framing lexicons)")
        return p

    match = with_lexicons(sub.add_parser("match", help="lexicon hits of every document, as JSONL"))
    match.add_argument("--out", required=True, help="output .jsonl: one {doc_id, matches} object per document")
    match.add_argument("--quiet", action="store_true", help="no progress bar")
    match.set_defaults(func=_match)

    stats = with_lexicons(sub.add_parser("stats", help="hits per entry/category, coverage, never-hit entries, "
                                                       "near-misses"))
    stats.add_argument("--top", type=int, default=30, help="rows to show per table (default 30)")
    stats.add_argument("--json", metavar="PATH", help="also write the tables as JSON")
    stats.set_defaults(func=_stats)

    sample = with_lexicons(sub.add_parser("sample", help="stratified sample of hits in context, to judge"))
    sample.add_argument("--n", type=int, default=200, help="hits to sample (default 200)")
    sample.add_argument("--out", required=True, help="output .csv with an empty judgement column")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--width", type=int, default=60, help="characters of context on each side")
    sample.set_defaults(func=_sample)

    precision = sub.add_parser("precision", help="precision per entry/category from a judged sample")
    precision.add_argument("judged", help="the CSV written by `rhetoric lexicon sample`, with judgements")
    precision.set_defaults(func=_precision)
    lexicon.set_defaults(func=lambda args: lexicon.print_help() or 0)
