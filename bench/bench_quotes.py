"""Benchmark of the quotes stage (marks, classification, attribution) and of the spans table.

    python bench/bench_quotes.py [--docs 2000] [--repeat 3] [--no-readme]

Texts: a seeded sample of real articles (news_credibility_2013 and SaudiNewsNet, read through
``rhetoric.datasets`` from $RHETORIC_DATA; the script says so and exits 0 when they are absent).
Measures MB/s of UTF-8 text for ``extract_quotes`` alone and for ``segment_documents`` (quotes +
spans + token counts) in CPU seconds (``time.process_time``), best of ``--repeat`` runs, plus one adversarial article with 1,000 marks.
Appends one row to the table in bench/README.md (``--no-readme`` to skip).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from rhetoric import datasets  # noqa: E402
from rhetoric.quotes import extract_quotes  # noqa: E402
from rhetoric.segment import segment_documents  # noqa: E402
from rhetoric.speakers import load_registry  # noqa: E402

README = ROOT / "bench" / "README.md"
SECTION = "## Quotes stage (bench_quotes.py)"
HEADER = ("| date | docs | MB | extract_quotes MB/s | segment_documents MB/s | quotes/doc | 1,000-mark article s "
          "| cpus | load |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()  # CPU seconds: the machine is shared, wall time is noisy
        fn()
        times.append(time.process_time() - start)
    return min(times)


def _sample(n_docs: int) -> pd.DataFrame | None:
    frames = []
    for name in ("news-credibility-2013", "saudinewsnet"):
        if not datasets.is_available(name):
            continue
        docs = datasets.load_dataset(name)
        frames.append(docs.sample(n=min(n_docs // 2, len(docs)), random_state=0))
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True)


def _append_row(row: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if SECTION not in text:
        text = text.rstrip("\n") + (
            f"\n\n{SECTION}\n\nThroughput of quote extraction (marks, quote/other classification, speaker "
            "attribution) and of the spans table on a seeded sample of real articles (half "
            "news_credibility_2013, half SaudiNewsNet), CPU seconds, best of 3 runs, one process. The last column but two "
            "is one authored article with 1,000 quote marks (linear-time check). Run "
            "`python bench/bench_quotes.py`.\n\n" + HEADER + "\n")
    lines = text.rstrip("\n").split("\n")
    # after the last row of this table (the section may hold other tables after it)
    header = HEADER.split("\n")[0]
    insert_at = lines.index(header, lines.index(SECTION))
    while insert_at < len(lines) and lines[insert_at].startswith("|"):
        insert_at += 1
    lines.insert(insert_at, row)
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000, help="articles in the sample (half per corpus)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-readme", action="store_true", help="do not append a row to bench/README.md")
    args = parser.parse_args(argv)
    docs = _sample(args.docs)
    if docs is None:
        print(f"skipped: no news corpora under {datasets.data_dir()} (set $RHETORIC_DATA)")
        return 0
    texts = docs["text"].tolist()
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    registry = load_registry()
    extract_quotes("تسخين: «قال»", registry)  # build caches outside the timing
    n_quotes = sum(len(extract_quotes(t, registry)[0]) for t in texts)
    t_extract = _best(lambda: [extract_quotes(t, registry) for t in texts], args.repeat)
    t_segment = _best(lambda: segment_documents(docs, registry), args.repeat)
    adversarial = 'وقال المسؤول "نعم" ثم أضاف "لا" و' * 500
    t_adv = _best(lambda: extract_quotes(adversarial, registry), args.repeat)
    print(f"{len(texts)} articles, {mb:.2f} MB, {n_quotes / len(texts):.2f} quotes per article")
    print(f"extract_quotes     {mb / t_extract:7.3f} MB/s ({t_extract:.2f} s)")
    print(f"segment_documents  {mb / t_segment:7.3f} MB/s ({t_segment:.2f} s)")
    print(f"1,000-mark article {t_adv:.3f} s")
    row = (f"| {dt.date.today().isoformat()} | {len(texts)} | {mb:.2f} | {mb / t_extract:.2f} | {mb / t_segment:.2f} "
           f"| {n_quotes / len(texts):.2f} | {t_adv:.3f} | {os.cpu_count()} | {os.getloadavg()[0]:.2f} |")
    if not args.no_readme:
        _append_row(row)
        print(f"appended a row to {README.relative_to(ROOT)} (python {platform.python_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
