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
   ``dask worker tcp://HOST:8786 --nworkers auto --nthreads 1``.
4. From any machine that can reach the scheduler and read the corpus:
   ``rhetoric analyze corpus.jsonl --out results --engine dask --scheduler tcp://HOST:8786``.

Workers never read the corpus or touch the disk — the client reads the corpus and writes the parts
the workers encoded — so no shared file system is needed; only the client's disk holds ``results/``. The client holds at most
``4 x workers`` chunks plus a few numbers per article, so its memory stays bounded too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import load_lexicon_set, resolve_model
from ..errors import RhetoricError
from .local import StreamedAnalysis, iter_source, run_chunk, stream_chunks

__all__ = ["analyze_dask"]


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
    chunk_size: int = 500,
    chunks_per_worker: int = 4,
    timeout: float = 30,
    on_error: str = "raise",
    columns_map: dict | None = None,
    progress: bool = False,
) -> StreamedAnalysis:
    """:func:`rhetoric.engines.local.analyze_stream` with the chunks run by Dask.

    ``scheduler``: address of a running scheduler (``tcp://host:8786``); without it a LocalCluster of
    ``workers`` processes (default 2) with one thread each is started and closed afterwards.
    ``timeout``: seconds to wait for the scheduler.
    """
    from distributed import Client, LocalCluster

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
            cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
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
