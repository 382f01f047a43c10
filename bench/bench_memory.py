"""Peak memory of ``rhetoric analyze`` as the corpus grows 4x: it must stay flat (and < 2 GB).

The base corpus is the first ``--limit`` articles of SaudiNewsNet (default 3,000; ``--limit 0`` for
all ~30k); the 4x corpus repeats it four times with new ids (``<id>~r1`` ...), so every stage does 4x
the work on 4x the articles. Both run the same end-to-end job as bench_end_to_end.py (stream,
stages on every core, Parquet, comparisons, plots, report) with the peak RSS of the whole process
tree sampled every 0.1 s. Growth = peak(4x) / peak(1x); flat means close to 1.

Usage: python bench/bench_memory.py [--limit N] [--jobs N] [--model default|none]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_row, saudinewsnet_jsonl  # noqa: E402
from bench_end_to_end import measure  # noqa: E402

SECTION = "Memory: peak RSS as the corpus grows 4x (bench_memory.py)"
INTRO = """`python bench/bench_memory.py`: the end-to-end job of bench_end_to_end.py on a base corpus (the first
`--limit` SaudiNewsNet articles) and on the same corpus repeated 4 times with new ids. Peak RSS = the
largest sampled sum of RSS over the analysing process and all its workers (an upper bound). The
streaming engine keeps a few numbers per article plus at most 2 x jobs chunks in memory; the
bootstrap draws replicates in blocks (memory O(250 x articles of a group)). Goal: peak < 2 GB and
flat (growth close to 1)."""
HEADER = ["date", "base corpus", "model", "jobs", "articles 1x", "MB 1x", "peak RSS 1x MB", "wall 1x s",
          "articles 4x", "MB 4x", "peak RSS 4x MB", "wall 4x s", "growth 4x/1x", "machine"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=3000, help="base corpus: first N articles (0 = all)")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--model", default="default")
    parser.add_argument("--chunk-size", type=int, default=1000)
    args = parser.parse_args(argv)
    limit = args.limit or None
    base_path, base = saudinewsnet_jsonl(1, limit)
    big_path, big = saudinewsnet_jsonl(4, limit)
    one = measure(base_path, base, args.jobs, args.model, args.chunk_size)
    four = measure(big_path, big, args.jobs, args.model, args.chunk_size)
    growth = four["peak RSS MB"] / one["peak RSS MB"]
    append_row(SECTION, INTRO, HEADER, [
        one["date"], base["source"], args.model, one["jobs"], one["articles"], one["MB"], one["peak RSS MB"],
        one["wall s"], four["articles"], four["MB"], four["peak RSS MB"], four["wall s"], f"{growth:.2f}",
        four["machine"],
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
