"""``rhetoric analyze INPUT --out DIR``: the main job — every table, score, plot and the HTML report."""
from __future__ import annotations

from pathlib import Path

from .corpus import add_corpus_arguments


def _analyze(args) -> int:
    from ..report import write_outputs

    model = None if args.model in ("none", "") else args.model
    mapping = {k: v for k, v in (("text", args.text_column), ("doc_id", args.id_column),
                                 ("outlet", args.outlet_column)) if v}
    common = dict(lexicons=args.lexicon or None, model=model, seed=args.seed, by=args.by, chunk_size=args.chunk_size,
                  on_error=args.on_error, columns_map=mapping, progress=True)
    if args.engine == "dask":
        from ..engines.dask import analyze_dask

        analysis = analyze_dask(args.input, args.out, scheduler=args.scheduler, workers=args.workers, **common)
    else:
        from ..engines.local import analyze_stream

        analysis = analyze_stream(args.input, args.out, jobs=args.jobs, **common)
    report = analysis.load_report
    print(report)
    settings = {"by": args.by, "seed": args.seed, "model": str(args.model), "engine": args.engine,
                "lexicons": [str(p) for p in args.lexicon] if args.lexicon else "shipped"}
    path = write_outputs(analysis, Path(args.out), by=args.by, load_report=report.as_dict(), settings=settings)
    if args.engine == "local":
        from ..engines.local import stop_worker_server

        stop_worker_server()  # the command is done: a caller reading its output need not wait for the server
    print(f"wrote {args.out}/ (tables, CSVs, plots/, manifest.json)")
    print(f"report: {path.resolve()}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("analyze", help="analyse a corpus: voices, flags, per-outlet scores, plots, report")
    add_corpus_arguments(parser)
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--lexicon", action="append", type=Path, default=None,
                        help="lexicon file (YAML or CSV term,category); repeat for several (default: shipped lexicons)")
    parser.add_argument("--model", default="default",
                        help="classifier: 'default' (shipped), a .skops model path, or 'none'")
    parser.add_argument("--by", default="outlet", help="documents column to compare groups by (default: outlet)")
    parser.add_argument("--seed", type=int, default=0, help="seed of bootstraps and permutation tests")
    parser.add_argument("--engine", choices=["local", "dask"], default="local", help="execution engine")
    parser.add_argument("--scheduler", default=None, help="dask: address of a running scheduler")
    parser.add_argument("--workers", type=int, default=None, help="dask: workers of the local cluster")
    parser.add_argument("--jobs", type=int, default=None, help="local: worker processes (default: every core)")
    parser.add_argument("--chunk-size", type=int, default=1000, help="documents per chunk sent to a worker (default 1000)")
    parser.set_defaults(func=_analyze)
