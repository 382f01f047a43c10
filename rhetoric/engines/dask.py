"""Run the analysis on a Dask cluster: a ``LocalCluster`` by default, or any running
``dask.distributed`` scheduler given by address.

``rhetoric analyze INPUT --out DIR --engine dask [--scheduler ADDRESS | --workers N]``

The client streams the corpus in chunks exactly as the local engine does
(:func:`rhetoric.engines.local.iter_source`: JSONL, CSV, Parquet, a folder of Parquet parts or of
.txt files) and submits each chunk to the cluster as a task running
:func:`rhetoric.engines.local.run_chunk` (at most ``4 x workers`` chunks in flight): the worker runs
the stages, encodes the chunk's part of every table as Parquet and returns those bytes with the
chunk's partials; the client writes the bytes to ``DIR/<table>.parquet/part-NNNNN.parquet`` in
corpus order and merges the partials, so it converts no table itself. The lexicons and the model are
sent to every worker once. Because the chunks, the per-chunk code and the merge order are those of
the local engine, the tables are identical and every score and interval is identical for the same seed.

Running on a real cluster
-------------------------
1. Install the same version of rhetoric (and its dependencies) on every machine.
2. Start a scheduler on one machine: ``dask scheduler`` (it listens on ``tcp://HOST:8786``).
3. Start workers on the others, one process per core and one thread each (the stages are pure
   Python, so threads would not run in parallel):
   ``dask worker tcp://HOST:8786 --nworkers auto --nthreads 1``. Dask's monitors for interactive use
   take CPU from the stages; turn them down as :data:`QUIET_CLUSTER` does, e.g. with
   ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` in the workers' environment (or
   ``~/.config/dask/distributed.yaml``).
4. From any machine that can reach the scheduler and read the corpus:
   ``rhetoric analyze corpus.jsonl --out results --engine dask --scheduler tcp://HOST:8786``.

Workers never read the corpus or touch the disk — the client reads the corpus and writes the parts
the workers encoded — so no shared file system is needed; only the client's disk holds ``results/``.
The client holds at most ``4 x workers`` chunks plus a few numbers per article, so its memory stays
bounded too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import load_lexicon_set, resolve_model
from ..errors import RhetoricError
from .local import StreamedAnalysis, iter_source, run_chunk, stream_chunks

__all__ = ["analyze_dask", "local_cluster", "QUIET_CLUSTER"]

#: Dask settings of the clusters this module starts. A task here runs the stages on a chunk for
#: seconds, so the monitors Dask runs for its dashboard — a statistical profiler sampling every task
#: every 10 ms, an event-loop tick every 20 ms, a system monitor every 0.5 s, a memory monitor every
#: 0.1 s, in every process — watch nothing useful and take CPU from the workers (on two cores, 0.11 of
#: a core with the cluster idle; 0.014 with these settings).
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


def local_cluster(workers: int = 2):
    """A ``LocalCluster`` of ``workers`` processes with one thread each (the stages are pure Python, so
    threads would not run in parallel) and the :data:`QUIET_CLUSTER` settings; close it when done."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(QUIET_CLUSTER):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                            silence_logs=40)


def analyze_dask(
    source: Any,
    out_dir: str | Path,
    lexicons: Any = None,
    model: Any = "default",
    *,
    seed: int = 0,
    explain_top: int = 5,
    by: str = "outlet",
    per_group: int = 5,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int = 1000,
    chunks_per_worker: int = 4,
    timeout: float = 30,
    on_error: str = "raise",
    columns_map: dict | None = None,
    progress: bool = False,
) -> StreamedAnalysis:
    """:func:`rhetoric.engines.local.analyze_stream` with the chunks run by Dask.

    ``scheduler``: address of a running scheduler (``tcp://host:8786``); without it a
    :func:`local_cluster` of ``workers`` processes (default 2) is started and closed afterwards.
    ``timeout``: seconds to wait for the scheduler.
    """
    from distributed import Client

    from ..corpus import LoadReport

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    loaded = load_lexicon_set(lexicons)
    classifier = resolve_model(model)
    report = LoadReport("DataFrame" if isinstance(source, pd.DataFrame) else str(source))
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=timeout)
        else:
            cluster = local_cluster(workers or 2)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise RhetoricError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    try:
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        [lexicons_future] = client.scatter([loaded], broadcast=True)
        [model_future] = client.scatter([classifier], broadcast=True)

        def submit(number, documents, schema):
            return client.submit(run_chunk, number, documents, schema, lexicons_future, model_future, explain_top,
                                 by, per_group, pure=False)

        chunks = iter_source(source, chunk_size=chunk_size, report=report, on_error=on_error, columns_map=columns_map)
        documents, partials = stream_chunks(chunks, out, submit, max_in_flight=chunks_per_worker * n_workers,
                                            by=by, per_group=per_group, progress=progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return StreamedAnalysis(documents, partials, loaded, classifier, seed, load_report=report)
