"""Lexicon matching throughput on real news text, next to a bare pyahocorasick scan.

Reads SaudiNewsNet (zips, through zipfile + json) or news_credibility_2013 JSONL from $RHETORIC_DATA,
repeats it up to ``--mb`` megabytes of UTF-8 text, and times, in the same run:

* full: ``Matcher.match_many`` over ~1M-character batches (as ``iter_document_matches`` runs it):
  normalisation with the offset map, the automaton scan, clitic and boundary checks, context/exclude
  checks, leftmost-longest resolution, original offsets, clitic breakdowns and Match objects;
* bare: ``for _ in automaton.iter(text)`` over the SAME normalised texts (normalised beforehand, not
  timed) with the SAME automaton (the matcher's own) — once per document and once per batch; the
  faster of the two is the baseline.

Each is run ``--repeat`` times alternately and timed in CPU seconds of this process
(``time.process_time``: the machine is shared, and wall time there measures the other users too);
the best time of each is reported. Both sides consume every automaton hit.
``--stages`` adds ``--repeat`` instrumented runs of the full matcher that say where its CPU time goes
(normalisation, automaton scan, clitic checks, context/exclude checks with the sentence splitting
they need, and the rest: resolution, offsets, clitic breakdowns, Match objects).
Prints a markdown row and appends it to bench/README.md. Usage: python bench/bench_lexicon.py [--mb 50]
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rhetoric.match as match_module  # noqa: E402
from rhetoric.lexicon import load_lexicons  # noqa: E402
from rhetoric.match import Matcher, MatchText, _Batch  # noqa: E402

BATCH_CHARS = 1_000_000


def read_texts(data: Path, limit_bytes: int) -> tuple[list[str], str]:
    """Article bodies from the first dataset found, at most ``limit_bytes`` of UTF-8 (not repeated)."""
    texts, size = [], 0
    saudi = sorted((data / "saudinewsnet" / "dataset").glob("*.zip"))
    if saudi:
        for path in saudi:
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    for article in json.loads(zf.read(name)):
                        text = article.get("content") or ""
                        if text.strip():
                            texts.append(text)
                            size += len(text.encode("utf-8"))
                            if size >= limit_bytes:
                                return texts, "saudinewsnet"
        return texts, "saudinewsnet"
    for path in sorted((data / "news_credibility_2013" / "articles").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") or json.loads(line).get("content") or ""
            if text.strip():
                texts.append(text)
                size += len(text.encode("utf-8"))
                if size >= limit_bytes:
                    return texts, "news_credibility_2013"
    return texts, "news_credibility_2013"


def batches(texts: list[str]) -> list[list[str]]:
    out, current, size = [], [], 0
    for text in texts:
        current.append(text)
        size += len(text)
        if size >= BATCH_CHARS:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


@contextlib.contextmanager
def _timing(spent: dict[str, float], owner, name: str, label: str):
    """Add the CPU time of every call of ``owner.name`` (a class's, an instance's or a module's
    function) to ``spent[label]`` while the block runs."""
    original = getattr(owner, name)
    own = name in vars(owner)  # else a method looked up on the class: shadowed, then unshadowed

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    setattr(owner, name, timed)
    try:
        yield
    finally:
        if own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


def stage_times(matcher: Matcher, run) -> dict[str, float]:
    """CPU seconds of the full matcher's stages in one instrumented ``run()`` (the wrappers add a little)."""
    spent = {k: 0.0 for k in ("normalisation", "scan", "clitic checks", "context/exclude", "sentence splits")}
    table = matcher._table
    with contextlib.ExitStack() as stack:
        stack.enter_context(_timing(spent, match_module._Batch, "__init__", "normalisation"))
        stack.enter_context(_timing(spent, table, "scan", "scan"))
        stack.enter_context(_timing(spent, table, "verify", "clitic checks"))
        stack.enter_context(_timing(spent, matcher, "_allowed", "context/exclude"))
        stack.enter_context(_timing(spent, match_module, "split_sentences", "sentence splits"))
        start = time.process_time()
        run()
        total = time.process_time() - start
    spent["context/exclude"] -= spent["sentence splits"]
    spent["resolution, offsets, clitic breakdowns, Match objects"] = total - sum(spent.values())
    spent["total"] = total
    return spent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of UTF-8 text to match (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (best is kept)")
    parser.add_argument("--lexicon", action="append", help="lexicon files (default: the project's lexicons)")
    parser.add_argument("--no-readme", action="store_true", help="do not append the row to bench/README.md")
    parser.add_argument("--stages", action="store_true", help="also print where the full matcher's CPU time goes")
    args = parser.parse_args()

    data = Path(os.environ.get("RHETORIC_DATA", ROOT.parent / "shared" / "datasets"))
    if not data.is_dir():
        print(f"bench_lexicon: data directory {data} not found (set RHETORIC_DATA); nothing to do")
        return 0
    target = int(args.mb * 1e6)
    texts, source = read_texts(data, target)
    if not texts:
        print(f"bench_lexicon: no SaudiNewsNet or news_credibility_2013 text under {data}; nothing to do")
        return 0
    unique_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    corpus = list(texts)
    while sum(len(t.encode("utf-8")) for t in corpus) < target:  # repeat the corpus up to the target
        corpus += texts
    mb = sum(len(t.encode("utf-8")) for t in corpus) / 1e6
    matcher = Matcher(load_lexicons(args.lexicon))
    groups = batches(corpus)
    normalised_docs = [MatchText.of(t).text for t in corpus]
    normalised_batches = [_Batch(g).mt.text for g in groups]
    automaton = matcher.automaton

    def full():
        n = 0
        for g in groups:
            n += sum(map(len, matcher.match_many(g)))
        return n

    def bare_docs():
        for s in normalised_docs:
            for _ in automaton.iter(s):
                pass

    def bare_batches():
        for s in normalised_batches:
            for _ in automaton.iter(s):
                pass

    n_hits = full()  # warm-up (caches) and the hit count
    t_full = t_docs = t_batches = float("inf")
    for _ in range(args.repeat):  # alternate, so load from elsewhere hits every side alike
        t_full = min(t_full, best_of(full, 1))
        t_docs = min(t_docs, best_of(bare_docs, 1))
        t_batches = min(t_batches, best_of(bare_batches, 1))
    t_bare = min(t_docs, t_batches)
    ratio = t_bare / t_full
    lexicons = ", ".join(lx.name for lx in matcher.lexicons)
    row = (f"| {dt.date.today().isoformat()} | {source} ({unique_mb:.1f} MB unique) | {mb:.1f} | "
           f"{len(matcher.keys)} | {n_hits} | {mb / t_full:.1f} | {mb / t_bare:.1f} | {ratio:.2f} | "
           f"{os.cpu_count()} × {cpu_model()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f} |")
    print(f"lexicons: {lexicons}; {len(corpus)} documents, {len(groups)} batches")
    print(f"full matcher {t_full:.2f} s ({mb / t_full:.1f} MB/s); bare scan per document {t_docs:.2f} s, "
          f"per batch {t_batches:.2f} s ({mb / t_bare:.1f} MB/s best); ratio {ratio:.2f} (goal >= 0.5)")
    print(HEADER + row)
    if args.stages:
        runs = [stage_times(matcher, full) for _ in range(args.repeat)]
        spent = {k: min(r[k] for r in runs) for k in runs[0]}
        shares = "; ".join(f"{k} {v:.2f} ({v / spent['total']:.0%})" for k, v in spent.items() if k != "total")
        print(f"stages (CPU s, best of {args.repeat} instrumented runs): {shares}; total {spent['total']:.2f}")
    if not args.no_readme:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
        if SECTION not in text:
            text = text.rstrip("\n") + "\n\n" + SECTION + "\n" + INTRO + HEADER
        readme.write_text(_append_row(text, row), encoding="utf-8")
    return 0


SECTION = "## bench_lexicon.py — lexicon matching throughput"
INTRO = (
    "`python bench/bench_lexicon.py [--mb 50] [--stages]`: the full matcher (`Matcher.match_many`:\n"
    "normalisation with offsets, automaton scan, clitic/boundary checks, context/exclude, leftmost-longest,\n"
    "Match objects) next to a bare `pyahocorasick` scan of the same normalised text with the same automaton,\n"
    "same run, best of `--repeat` alternating runs, in CPU seconds of the process (`time.process_time`).\n"
    "Goal: ratio (full MB/s ÷ bare MB/s) ≥ 0.5. MB = UTF-8 bytes of article text.\n\n"
)
HEADER = ("| date | text | MB | keys | hits | full MB/s | bare MB/s | ratio | machine |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---|\n")


def _append_row(text: str, row: str) -> str:
    """Add ``row`` at the end of this benchmark's table (other sections are left alone)."""
    start = text.index(SECTION)
    nxt = text.find("\n## ", start + len(SECTION))
    end = len(text) if nxt < 0 else nxt
    section = text[start:end].rstrip("\n") + "\n" + row + "\n"
    return text[:start] + section + ("\n" + text[end:].lstrip("\n") if nxt >= 0 else "")


if __name__ == "__main__":
    sys.exit(main())
