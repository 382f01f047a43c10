"""Run every benchmark, one after the other, each appending its rows to bench/README.md.

``python bench/run_all.py`` (``make bench``). Stage benchmarks written by the owners of the stages
(lexicon, quotes, classifier) run when present; then end-to-end analyze on SaudiNewsNet, peak memory
as the corpus grows 4x, and Dask 1 vs 2 workers. ``--quick`` runs smaller corpora (a smoke test of
the scripts, not numbers to record against the goals). Needs the corpora under $RHETORIC_DATA
(default ../shared/datasets); benchmarks that cannot find them stop with a message.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, arguments for a full run, arguments for --quick: small and without a README row)
BENCHES = [
    ("bench_lexicon.py", [], ["--mb", "2", "--repeat", "1", "--no-readme"]),
    ("bench_quotes.py", [], ["--docs", "100", "--repeat", "1", "--no-readme"]),
    ("bench_classify.py", [], ["--repeat", "1"]),
    ("bench_end_to_end.py", [], ["--limit", "200"]),
    ("bench_memory.py", [], ["--limit", "100"]),
    ("bench_dask.py", [], ["--limit", "100", "--chunk-size", "10"]),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small corpora: check the scripts run")
    parser.add_argument("--only", nargs="*", default=None, help="run only these scripts (e.g. bench_dask.py)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.quick:  # rows of the engine benchmarks go to a scratch file (see bench/_common.py)
        env["RHETORIC_BENCH_README"] = str(Path(tempfile.gettempdir()) / "rhetoric-bench-quick.md")
    failed = []
    for script, full, quick in BENCHES:
        path = HERE / script
        if args.only and script not in args.only:
            continue
        if not path.exists():
            print(f"-- {script}: not present, skipped")
            continue
        print(f"-- {script}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(path), *(quick if args.quick else full)], cwd=HERE.parent, env=env)
        print(f"-- {script}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
