"""Run the per-document stages on a Dask cluster: a LocalCluster by default, or any running
``dask.distributed`` scheduler given by address.

The corpus is cut into contiguous partitions in input order; each partition runs
:func:`rhetoric.analysis.run_stages` on a worker, and the partial tables are concatenated in
partition order, so the tables (and therefore every score and interval, computed with the same seed)
are identical to the local engine's.

On a real cluster: start ``dask scheduler`` on one machine and ``dask worker tcp://HOST:8786`` on
the others (each with rhetoric installed), then run
``rhetoric analyze corpus.jsonl --out out --engine dask --scheduler tcp://HOST:8786``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..analysis import Analysis, resolve_model, load_lexicon_set, run_stages
from ..errors import RhetoricError
from ..tables import check_table

__all__ = ["analyze_dask"]


def analyze_dask(
    documents: pd.DataFrame,
    lexicons: Any = None,
    model: Any = "default",
    *,
    seed: int = 0,
    explain_top: int = 5,
    scheduler: str | None = None,
    workers: int | None = None,
    partitions_per_worker: int = 4,
) -> Analysis:
    """:func:`rhetoric.analyze` with the per-document stages distributed by Dask."""
    from distributed import Client, LocalCluster

    check_table(documents, "documents")
    if documents.empty:
        raise RhetoricError("the corpus has no documents to analyse")
    documents = documents.reset_index(drop=True)
    loaded = load_lexicon_set(lexicons)
    classifier = resolve_model(model)
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
    except OSError as exc:
        raise RhetoricError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    try:
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        n_parts = min(len(documents), n_workers * partitions_per_worker)
        bounds = np.linspace(0, len(documents), n_parts + 1).astype(int)
        [lexicons_future] = client.scatter([loaded], broadcast=True)
        [model_future] = client.scatter([classifier], broadcast=True)
        futures = [
            client.submit(run_stages, documents.iloc[a:b], lexicons_future, model_future, explain_top, pure=False)
            for a, b in zip(bounds[:-1], bounds[1:])
            if b > a
        ]
        parts = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    spans, matches, predictions = (pd.concat([p[i] for p in parts], ignore_index=True) for i in range(3))
    return Analysis(documents=documents, spans=spans, matches=matches, predictions=predictions,
                    lexicons=loaded, model=classifier, seed=seed)
