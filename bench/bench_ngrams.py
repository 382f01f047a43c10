"""Benchmark of rhetoric.ngrams: scikit-learn's vectorizers vs the fast drop-ins, same texts, same run.

    python bench/bench_ngrams.py [--mb 1.0] [--repeat 3]

The classifier's exact TF-IDF configurations (taken from ``FramingClassifier._build_pipeline``) plus
the raw-count CountVectorizer its cross-validation uses (``_base_blocks``). ``fit_transform`` runs on
the first ``--mb`` MB of SaudiNewsNet article text (UTF-8), ``transform`` on the NEXT ``--mb`` MB
(text the vocabulary never saw), with the vocabulary fitted by that implementation. Times are CPU
seconds of this process (``time.process_time``, best of ``--repeat``), which other users of a shared
machine disturb less than wall-clock time; peak memory of one transform is measured apart (untimed). Every pair of matrices is checked to be identical.
The last row is the shipped default classifier's ``predict_proba`` on the unseen text with its two
fitted vectorizers as scikit-learn's classes and as the fast ones (same vocabularies and idf).
Prints one markdown table (rows for bench/README.md); corpus text never leaves memory.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer  # noqa: E402

from _common import machine, machine_cell  # noqa: E402
from rhetoric.classify import FramingClassifier  # noqa: E402
from rhetoric.datasets import load_dataset  # noqa: E402
from rhetoric.model_io import default_model_path, load_model  # noqa: E402
from rhetoric.ngrams import FastCountVectorizer, FastTfidfVectorizer, to_fast  # noqa: E402


def read_texts(megabytes: float) -> tuple[list[str], list[str]]:
    """Two consecutive, disjoint runs of SaudiNewsNet articles of ``megabytes`` MB each (file order)."""
    os.environ.setdefault("RHETORIC_DATA", str(ROOT.parent / "shared" / "datasets"))
    texts = load_dataset("saudinewsnet", limit=int(megabytes * 2e6 / 1500) + 400)["text"].tolist()
    runs, current, size = [], [], 0
    for text in texts:
        current.append(text)
        size += len(text.encode("utf-8"))
        if size >= megabytes * 1e6:
            runs.append(current)
            current, size = [], 0
            if len(runs) == 2:
                return runs[0], runs[1]
    raise SystemExit("not enough SaudiNewsNet text for two runs; lower --mb")


def configurations() -> list[tuple[str, type, type, dict]]:
    """(name, scikit-learn class, fast class, parameters) as the classifier uses them."""
    features = FramingClassifier()._build_pipeline(use_type=False, use_lexicon=False).named_steps["features"]
    out = []
    for name, transformer, _ in features.transformers:
        params = transformer.get_params()
        out.append((f"{name} TF-IDF ({params['analyzer']} {params['ngram_range']})", TfidfVectorizer,
                    FastTfidfVectorizer, params))
        counts = {k: v for k, v in params.items()
                  if k in CountVectorizer().get_params() and k not in ("min_df", "max_df", "dtype")}
        out.append((f"{name} counts for CV", CountVectorizer, FastCountVectorizer,
                    dict(counts, dtype=np.float32)))
    return out


def best_cpu(fn, repeat: int):
    """(best CPU seconds, result of the last call)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return best, result


def peak_mb(fn) -> float:
    """Peak memory allocated during one call (tracemalloc; numpy reports its buffers), in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def same(a, b) -> bool:
    a, b = a.tocsr().sorted_indices(), b.tocsr().sorted_indices()
    return (a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.allclose(a.data, b.data, rtol=1e-6, atol=0))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="MB of text for fit and for transform (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    args = parser.parse_args(argv)
    train, unseen = read_texts(args.mb)
    mb_train = sum(len(t.encode("utf-8")) for t in train) / 1e6
    mb_unseen = sum(len(t.encode("utf-8")) for t in unseen) / 1e6
    print(f"SaudiNewsNet: fit on {len(train)} articles ({mb_train:.2f} MB), "
          f"transform {len(unseen)} unseen ones ({mb_unseen:.2f} MB); best of {args.repeat}, CPU seconds")
    print(f"machine: {machine_cell(machine())}\n")
    print("| vectorizer | step | MB | scikit-learn CPU s | rhetoric.ngrams CPU s | speed-up | fast MB/s | identical |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for name, slow_cls, fast_cls, params in configurations():
        slow, fast = slow_cls(**params), fast_cls(**params)
        t_slow, x_slow = best_cpu(lambda: slow.fit_transform(train), args.repeat)
        t_fast, x_fast = best_cpu(lambda: fast.fit_transform(train), args.repeat)
        ok = same(x_slow, x_fast) and slow.vocabulary_ == fast.vocabulary_
        print(f"| {name} | fit_transform | {mb_train:.2f} | {t_slow:.2f} | {t_fast:.2f} | "
              f"{t_slow / t_fast:.1f}x | {mb_train / t_fast:.1f} | {'yes' if ok else 'NO'} |")
        # The lookup tables are built once per fitted (or loaded) vectorizer: timed apart.
        t_tables, _ = best_cpu(lambda: fast.transform(unseen[:1]), 1)
        t_slow, x_slow = best_cpu(lambda: slow.transform(unseen), args.repeat)
        t_fast, x_fast = best_cpu(lambda: fast.transform(unseen), args.repeat)
        ok = same(x_slow, x_fast)
        print(f"| {name} | transform | {mb_unseen:.2f} | {t_slow:.2f} | {t_fast:.2f} | "
              f"{t_slow / t_fast:.1f}x | {mb_unseen / t_fast:.1f} | {'yes' if ok else 'NO'} |")
        notes.append(f"{name}: lookup tables built in {t_tables:.2f} CPU s on the first transform "
                     f"({len(fast.vocabulary_)} terms); transform peak memory (tracemalloc) "
                     f"scikit-learn {peak_mb(lambda: slow.transform(unseen)):.0f} MB, "
                     f"rhetoric.ngrams {peak_mb(lambda: fast.transform(unseen)):.0f} MB")
    print(classifier_row(unseen, mb_unseen, args.repeat))
    print("\n" + "\n".join(notes))
    return 0


def as_sklearn(vectorizer):
    """The scikit-learn class of a fast vectorizer with the same fitted state (the 'before' side)."""
    for cls in (TfidfVectorizer, CountVectorizer):
        if isinstance(vectorizer, cls):
            slow = cls.__new__(cls)
            slow.__dict__.update({k: v for k, v in vars(vectorizer).items() if not k.startswith("_fast")})
            return slow
    return vectorizer


def classifier_row(texts: list[str], megabytes: float, repeat: int) -> str:
    """The default model's predict_proba with scikit-learn's vectorizers vs the fast ones (same
    fitted vocabularies and idf, whichever class the model was saved with)."""
    model = load_model(default_model_path())
    features = model.pipeline_.named_steps["features"]
    saved = sorted({type(t).__name__ for _, t, _ in features.transformers_ if "Vectorizer" in type(t).__name__})
    timings = []
    for convert in (as_sklearn, to_fast):
        features.transformers_ = [(name, convert(t), cols) for name, t, cols in features.transformers_]
        model.predict_proba(texts[:1])  # builds the lookup tables of the fast classes
        timings.append(best_cpu(lambda: model.predict_proba(texts), repeat))
    (t_before, p_before), (t_after, p_after) = timings
    ok = np.allclose(p_before, p_after, rtol=1e-6, atol=1e-9)
    return (f"| default classifier predict_proba (saved with {', '.join(saved)}) | predict | {megabytes:.2f} | "
            f"{t_before:.2f} | {t_after:.2f} | {t_before / t_after:.1f}x | {megabytes / t_after:.1f} | "
            f"{'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    sys.exit(main())
