"""Dask engine scaling: the same corpus on a LocalCluster of 1 and of 2 workers.

Efficiency = t1 / (2 x t2), where t is the wall time of :func:`rhetoric.engines.dask.analyze_dask`
(stream, stages on the workers, Parquet) on an already running cluster
(:func:`rhetoric.engines.dask.local_cluster`, the one ``analyze_dask`` starts) whose workers have done
one warm-up chunk (imports, lexicons, model), so start-up costs are not counted. The corpus is the first
``--limit`` SaudiNewsNet articles (default 1,500). The client process runs on the same machine and
competes with the workers for the cores. Goal: efficiency >= 0.8.

Besides the row it appends to bench/README.md, it prints the CPU seconds of the client process (client,
scheduler and nannies of the LocalCluster) apart from the workers'.

Usage: python bench/bench_dask.py [--limit N] [--model default|none] [--chunk-size N]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import append_row, cache_dir, machine, machine_cell, saudinewsnet_jsonl  # noqa: E402

SECTION = "Dask: 1 vs 2 workers (bench_dask.py)"
INTRO = """`python bench/bench_dask.py`: `analyze_dask` on a running LocalCluster (processes, one thread each)
of 1 and then 2 workers, each warmed up on one small chunk first (start-up not timed); t = wall time of
the analysis (stream, stages on the workers, partitioned Parquet). Efficiency = t1 / (2 x t2). The
client runs on the same machine. `CPU s k` = CPU seconds (user + system) of the client, scheduler and
workers during the run with k workers; `cores busy k` = CPU s k / t_k. CPU s 2 close to CPU s 1 means
distributing the work cost nothing extra; cores busy 2 well below 2 means the workers waited — on a
shared machine (see the load), for cores other users held. Goal: efficiency >= 0.8."""
HEADER = ["date", "corpus", "articles", "MB", "model", "chunk", "t1 s", "t2 s", "MB/s 1 worker", "MB/s 2 workers",
          "efficiency", "CPU s 1", "CPU s 2", "cores busy 1", "cores busy 2", "machine"]


def tree_cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds so far of this process, and of it with its descendants (the cluster)."""
    import psutil

    def seconds(proc) -> float:
        try:
            times = proc.cpu_times()
            return times.user + times.system
        except psutil.Error:  # a process that ended meanwhile
            return 0.0

    me = psutil.Process()
    own = seconds(me)
    return own, own + sum(seconds(child) for child in me.children(recursive=True))


def timed_run(corpus: Path, workers: int, model: str, chunk_size: int) -> tuple[float, float, int]:
    from rhetoric.analysis import load_lexicon_set, resolve_model
    from rhetoric.corpus import iter_corpus
    from rhetoric.engines.dask import analyze_dask, local_cluster

    lexicons = load_lexicon_set(None)
    classifier = resolve_model(None if model == "none" else model)
    out = cache_dir() / f"out-dask-{workers}"
    with local_cluster(workers) as cluster:  # the cluster analyze_dask starts, with its settings
        warmup = next(iter_corpus(corpus, chunk_size=4 * workers))  # one small chunk per worker
        analyze_dask(warmup, out, lexicons, classifier, scheduler=cluster.scheduler_address, chunk_size=4)
        (own, cpu), start = tree_cpu_seconds(), time.perf_counter()
        analysis = analyze_dask(str(corpus), out, lexicons, classifier, scheduler=cluster.scheduler_address,
                                chunk_size=chunk_size)
        elapsed = time.perf_counter() - start
        own, cpu = (after - before for after, before in zip(tree_cpu_seconds(), (own, cpu)))
    shutil.rmtree(out, ignore_errors=True)
    print(f"{workers} worker(s): {elapsed:.1f} s, CPU s {cpu:.1f} = client process {own:.1f} + workers {cpu - own:.1f}")
    return elapsed, cpu, len(analysis.documents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--model", default="default")
    parser.add_argument("--chunk-size", type=int, default=100)
    args = parser.parse_args(argv)
    corpus, facts = saudinewsnet_jsonl(1, args.limit or None)
    info = machine()
    t1, cpu1, n_docs = timed_run(corpus, 1, args.model, args.chunk_size)
    t2, cpu2, _ = timed_run(corpus, 2, args.model, args.chunk_size)
    append_row(SECTION, INTRO, HEADER, [
        info["date"], facts["source"], n_docs, facts["text_mb"], args.model, args.chunk_size, round(t1, 1), round(t2, 1),
        round(facts["text_mb"] / t1, 3), round(facts["text_mb"] / t2, 3), f"{t1 / (2 * t2):.2f}", round(cpu1, 1), round(cpu2, 1),
        f"{cpu1 / t1:.2f}", f"{cpu2 / t2:.2f}", machine_cell(info),
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
