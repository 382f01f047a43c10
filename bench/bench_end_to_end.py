"""End-to-end ``rhetoric analyze`` on SaudiNewsNet (~30k articles): articles/s, MB/s, peak RSS.

The corpus is written once as JSONL in the bench cache (not timed). A child process then does what
``rhetoric analyze corpus.jsonl --out DIR --engine local`` does — stream, segment, match, classify on
every core, write the partitioned Parquet tables, the comparison CSVs, the plots and the report — and
the parent samples the peak RSS of the child's whole process tree. MB = UTF-8 bytes of article text.
Goals: >= 2 MB/s end to end on a 2-core machine; peak RSS < 2 GB.

Usage: python bench/bench_end_to_end.py [--jobs N] [--limit N] [--model default|none] [--profile]
``--profile`` runs the child on one process under cProfile and prints the functions with the most
cumulative time (the numbers are then not recorded).
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_row, cache_dir, machine, machine_cell, run_measured, saudinewsnet_jsonl  # noqa: E402

SECTION = "End to end: rhetoric analyze on SaudiNewsNet (bench_end_to_end.py)"
INTRO = """`python bench/bench_end_to_end.py`: the whole `rhetoric analyze --engine local` job (stream the JSONL,
segment, match, classify on every core, partitioned Parquet, comparison CSVs, plots, report) in a
child process; wall time from process start to exit; peak RSS = the largest sampled sum of RSS over
the child and all its worker processes (an upper bound: pages shared after fork count once per
process). `analyze s` is the streaming stage alone, `report s` the comparisons, plots and HTML.
`CPU s` = user + system seconds of the whole process tree: on a shared machine (see the load in the
last column) `MB/CPU-s x cores` estimates what the cores alone would give. MB = UTF-8 bytes of
article text. Goals: >= 2 MB/s; peak RSS < 2 GB."""
HEADER = ["date", "corpus", "articles", "MB", "model", "jobs", "wall s", "analyze s", "report s", "articles/s",
          "MB/s", "CPU s", "MB/CPU-s", "peak RSS MB", "machine"]


def child(corpus: str, out: str, jobs: int, model: str, chunk_size: int) -> None:
    """The measured job; prints its stage timings as JSON on the last line."""
    from rhetoric.engines.local import analyze_stream, stop_worker_server
    from rhetoric.report import write_outputs

    start = time.perf_counter()
    analysis = analyze_stream(corpus, out, model=None if model == "none" else model, jobs=jobs, chunk_size=chunk_size)
    analyzed = time.perf_counter()
    write_outputs(analysis, out, load_report=analysis.load_report.as_dict(), settings={"engine": "local"})
    done = time.perf_counter()
    print(json.dumps({"analyze_s": analyzed - start, "report_s": done - analyzed, "docs": len(analysis.documents)}))
    # and end as `rhetoric analyze` ends (rhetoric.commands.analyze, rhetoric.cli.entry_point)
    stop_worker_server()
    gc.freeze()


def measure(corpus: Path, facts: dict, jobs: int | None, model: str, chunk_size: int, label: str | None = None) -> dict:
    """Run the child on ``corpus`` and return the row values as a dict."""
    import os

    jobs = jobs or os.cpu_count() or 1
    out = cache_dir() / f"out-{corpus.stem}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", str(corpus), str(out), "--jobs", str(jobs), "--model", model,
           "--chunk-size", str(chunk_size)]
    info = machine()
    result, wall, peak_mb, cpu = run_measured(cmd)
    shutil.rmtree(out, ignore_errors=True)
    return {"date": info["date"], "corpus": label or facts["source"], "articles": result["docs"], "MB": facts["text_mb"],
            "model": model, "jobs": jobs, "wall s": round(wall, 1), "analyze s": round(result["analyze_s"], 1),
            "report s": round(result["report_s"], 1), "articles/s": round(result["docs"] / wall, 1),
            "MB/s": round(facts["text_mb"] / wall, 3), "CPU s": round(cpu), "MB/CPU-s": round(facts["text_mb"] / cpu, 3),
            "peak RSS MB": round(peak_mb), "machine": f"{machine_cell(info)}, chunks of {chunk_size}"}


def profile(corpus: Path, model: str, chunk_size: int) -> None:
    import cProfile
    import pstats

    out = cache_dir() / "out-profile"
    shutil.rmtree(out, ignore_errors=True)
    stats_path = cache_dir() / "end_to_end.prof"
    cProfile.runctx("child(str(corpus), str(out), 1, model, chunk_size)", globals(), locals(), str(stats_path))
    pstats.Stats(str(stats_path)).sort_stats("cumulative").print_stats(45)
    pstats.Stats(str(stats_path)).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--model", default="default", help="'default' or 'none'")
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile one process instead of measuring")
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, args.jobs, args.model, args.chunk_size)
        return 0
    corpus, facts = saudinewsnet_jsonl(1, args.limit)
    if args.profile:
        profile(corpus, args.model, args.chunk_size)
        return 0
    row = measure(corpus, facts, args.jobs, args.model, args.chunk_size)
    append_row(SECTION, INTRO, HEADER, [row[h] for h in HEADER])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
