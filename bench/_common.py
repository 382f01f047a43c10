"""Shared benchmark helpers: machine description, the SaudiNewsNet corpus as a JSONL file (outside
the repository: its text must never be committed), peak memory of a process tree, and appending a
row to a section of bench/README.md."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = Path(os.environ.get("RHETORIC_BENCH_README", ROOT / "bench" / "README.md"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_INTRO = """# Benchmarks

Run them all with `python bench/run_all.py` (or `make bench`); each script also runs alone and
appends one row per run to its section below, with the machine it ran on. Corpora are read from
`$RHETORIC_DATA` (default `../shared/datasets`); their text never enters the repository.
"""


def cache_dir() -> Path:
    """Where prepared corpora live between runs (outside the repository)."""
    path = Path(os.environ.get("RHETORIC_BENCH_CACHE", Path(tempfile.gettempdir()) / "rhetoric-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def machine() -> dict:
    """CPU model and count, memory, Python, load average, and the commit measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        ram_gb = psutil.virtual_memory().total / 2**30
    except ImportError:
        ram_gb = float("nan")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"cpu": cpu, "cpus": os.cpu_count(), "ram_gb": round(ram_gb, 1), "python": platform.python_version(),
            "load": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else float("nan"), "commit": commit,
            "date": dt.date.today().isoformat()}


def machine_cell(info: dict) -> str:
    return (f"{info['cpus']} × {info['cpu']}, {info['ram_gb']} GB, Python {info['python']}, "
            f"load {info['load']}, {info['commit']}")


def saudinewsnet_jsonl(repeat: int = 1, limit: int | None = None) -> tuple[Path, dict]:
    """SaudiNewsNet (via :func:`rhetoric.datasets.load_dataset`) written once as JSONL in the cache,
    ``repeat`` times with new ids (``<id>~r<k>``) for the scaling runs. Returns the path and its size
    facts (articles, UTF-8 MB of article text)."""
    name = f"saudinewsnet-x{repeat}" + (f"-first{limit}" if limit else "")
    path, facts_path = cache_dir() / f"{name}.jsonl", cache_dir() / f"{name}.json"
    if path.exists() and facts_path.exists():
        return path, json.loads(facts_path.read_text())
    from rhetoric.datasets import load_dataset
    from rhetoric.errors import RhetoricError

    try:
        documents = load_dataset("saudinewsnet", limit=limit)
    except RhetoricError as exc:  # no data directory: say so, no traceback
        raise SystemExit(f"bench: {exc}") from None
    tmp = path.with_suffix(".tmp")
    n_bytes = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for k in range(repeat):
            for row in documents.itertuples(index=False):
                record = {"id": row.doc_id if k == 0 else f"{row.doc_id}~r{k}", "outlet": row.outlet,
                          "date": None if row.date is None or str(row.date) == "NaT" else str(row.date),
                          "title": row.title, "text": row.text}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                n_bytes += len(row.text.encode("utf-8"))
    tmp.rename(path)
    facts = {"articles": len(documents) * repeat, "text_mb": round(n_bytes / 1e6, 2), "repeat": repeat,
             "source": "saudinewsnet" + (f" (first {limit})" if limit else "")}
    facts_path.write_text(json.dumps(facts))
    return path, facts


class TreeMemory:
    """Peak summed RSS of a process and all its descendants, sampled every ``interval`` seconds
    (RSS counts pages shared after fork once per process: an upper bound), and the CPU seconds
    (user + system) they used, as last seen for each process."""

    def __init__(self, pid: int, interval: float = 0.1):
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    with proc.oneshot():
                        total += proc.memory_info().rss
                        times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(cmd: list[str], timeout: float | None = None) -> tuple[dict, float, float, float]:
    """Run ``cmd`` (which prints one JSON object as its last stdout line); return that object, the
    wall time in seconds, the peak RSS of its process tree in MB and the tree's CPU seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    with TreeMemory(proc.pid) as memory:
        out, _ = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    return result, wall, memory.peak / 2**20, memory.cpu_seconds


def append_row(section: str, intro: str, header: list[str], row: list) -> None:
    """Append ``row`` to the table of ``## section`` in bench/README.md (creating the file, the section
    with its ``intro`` and the table header when absent). Other sections are left as they are."""
    text = README.read_text(encoding="utf-8") if README.exists() else _INTRO
    line = "| " + " | ".join(str(v) for v in row) + " |"
    heading = f"## {section}"
    lines = text.rstrip("\n").split("\n")
    if heading not in lines:
        table = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["", heading, "", *intro.strip().split("\n"), "", *table, line]
    else:
        start = lines.index(heading)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        last_row = max((i for i in range(start, end) if lines[i].startswith("|")), default=end - 1)
        lines.insert(last_row + 1, line)
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(line)
