"""``rhetoric datasets list|info NAME|cite NAME|export NAME --out FILE.jsonl``: the named research corpora.

``export`` writes a corpus JSONL (one documents row per line) that every other command reads. The
text stays under the dataset's licence: keep exports local and never commit them.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .. import datasets
from ..errors import RhetoricError
from ..resources import PACKAGE_DIR


def _list(args) -> int:
    root = datasets.data_dir()
    print(f"data directory: {root}")
    for name in datasets.list_datasets():
        info = datasets.dataset_info(name)
        state = "available" if datasets.is_available(name) else "missing"
        print(f"{name:24} {info.kind:10} {state:10} {info.title}")
    return 0


def _info(args) -> int:
    info = datasets.dataset_info(args.name)
    path = datasets.dataset_path(args.name)
    print(f"name:        {info.name}")
    print(f"title:       {info.title}")
    print(f"kind:        {info.kind}")
    print(f"splits:      {', '.join(info.splits) or '-'}"
          + (f" (withheld: {', '.join(info.withheld_splits)})" if info.withheld_splits else ""))
    print(f"options:     {', '.join(info.options) or '-'}")
    print(f"licence:     {info.licence}")
    print(f"origin:      {info.origin}")
    print(f"layout:      {path}/{info.layout}")
    print(f"available:   {'yes' if path.is_dir() else 'no'}")
    print(f"description: {info.description}")
    print("citation:")
    print(info.citation)
    return 0


def _cite(args) -> int:
    print(datasets.citation(args.name))
    return 0


def _json_value(value):
    """A cell as a JSON value: dates as ISO strings, missing values as null, numpy scalars unboxed."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _export(args) -> int:
    out = Path(args.out)
    if out.exists() and not args.force:
        raise RhetoricError(f"{out} exists; pass --force to overwrite it")
    options = {"version": args.version} if args.version else {}
    documents = datasets.load_dataset(
        args.name, split=args.split, outlets=args.outlet, limit=args.limit,
        sample_per_outlet=args.sample_per_outlet, seed=args.seed, **options,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        for record in documents.to_dict(orient="records"):
            fh.write(json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
    tmp.replace(out)
    report = documents.attrs["load_report"]
    skipped = ", ".join(f"{k}: {v}" for k, v in report["skipped"].items()) or "none"
    print(f"wrote {len(documents)} documents to {out} ({report['rows_in']} rows read, skipped: {skipped})")
    info = datasets.dataset_info(args.name)
    print(f"note: this text is under the dataset's licence ({info.licence}); keep the export local and do not "
          f"commit it. Cite: rhetoric datasets cite {args.name}", file=sys.stderr)
    checkout = PACKAGE_DIR.parent
    if (checkout / ".git").exists() and checkout in out.resolve().parents:
        print(f"warning: {out} is inside the rhetoric source checkout; move it out before you commit",
              file=sys.stderr)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("datasets", help="named research corpora in $RHETORIC_DATA")
    sub = parser.add_subparsers(metavar="ACTION")

    sub.add_parser("list", help="known datasets and whether they are in the data directory").set_defaults(func=_list)

    info = sub.add_parser("info", help="licence, origin, layout and citation of a dataset")
    info.add_argument("name")
    info.set_defaults(func=_info)

    cite = sub.add_parser("cite", help="the BibTeX entry of a dataset")
    cite.add_argument("name")
    cite.set_defaults(func=_cite)

    export = sub.add_parser("export", help="write a dataset as a corpus JSONL (for local use; do not commit it)")
    export.add_argument("name")
    export.add_argument("--out", required=True, help="output .jsonl file")
    export.add_argument("--split", action="append", default=None, help="split to export (repeatable; default all)")
    export.add_argument("--outlet", action="append", default=None, help="keep only this outlet (repeatable)")
    export.add_argument("--limit", type=int, default=None, help="the first N documents in file order")
    export.add_argument("--sample-per-outlet", type=int, default=None, help="a seeded sample of N documents per outlet")
    export.add_argument("--seed", type=int, default=0, help="seed for --sample-per-outlet (default 0)")
    export.add_argument("--version", default=None, help="label version for armpro-text: V1 (default) or V2")
    export.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    export.set_defaults(func=_export)

    parser.set_defaults(func=lambda args: parser.print_help() or 0)
