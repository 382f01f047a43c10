"""Benchmark of the framing classifier: training time and classification throughput.

    python bench/bench_classify.py [--json bench/results/classify.json] [--repeat 3] [--embeddings e5-small-l5]

``--embeddings e5-small-l5`` (or ``e5-small``) benchmarks models with sentence-embedding features instead: each model is
trained twice, with an empty embedding cache (a temporary ``$RHETORIC_CACHE``: every training text is
embedded) and again with the vectors cached; throughput is measured on the first 100 texts only (the
encoder runs at a few kB/s).

Training: the shipped default model's recipe (authored sentences, grouped CV) and, when
$RHETORIC_DATA holds ArAIEval 2023, the news model (train split + deduplicated ArMPro paragraphs).
Throughput (MB/s of UTF-8 text): the full model (features + linear model + calibration), its feature
step alone, the bare character-n-gram vectoriser (the model's FastTfidfVectorizer and scikit-learn's
TfidfVectorizer with the same settings), and the lexicon matcher alone, all on the same
texts in the same run, so the ratios hold even when the machine is busy. Best of ``--repeat`` runs.
Times are CPU seconds of this process (``time.process_time``; everything runs in this one process),
which other users of a shared machine disturb less than wall-clock time; wall seconds are recorded too.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from rhetoric.classify import FramingClassifier, _cached_matcher, combine_training_data  # noqa: E402
from rhetoric.ngrams import FastTfidfVectorizer  # noqa: E402
from rhetoric.text import normalize  # noqa: E402


def _timed(fn) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _best(fn, repeat: int) -> tuple[float, float]:
    return min(_timed(fn) for _ in range(repeat))


def _train(name: str, frame: pd.DataFrame, labels, groups=None, embeddings: str | None = None
           ) -> tuple[FramingClassifier, dict]:
    fitted = []
    fit = lambda: fitted.append(FramingClassifier(embeddings=embeddings).fit(frame, labels, groups=groups))  # noqa: E731
    cpu, wall = _timed(fit)  # CPU of this process; the embedding engine's threads count too
    print(f"train {name}: {len(frame)} texts, {cpu:.1f} CPU s, {wall:.1f} wall s (5-fold CV + final fit)")
    info = {"name": name, "n": int(len(frame)), "cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 2)}
    if embeddings:
        cpu, wall = _timed(fit)
        print(f"  again, training texts' vectors cached: {cpu:.1f} CPU s, {wall:.1f} wall s")
        info.update(embeddings=embeddings, cached_cpu_seconds=round(cpu, 2), cached_wall_seconds=round(wall, 2))
    return fitted[0], info


def _throughput(model: FramingClassifier, texts: list[str], repeat: int) -> dict:
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    frame = pd.DataFrame({"text": texts, "type": "paragraph"})
    frame = frame if model.use_type_ else frame[["text"]]
    settings = dict(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalize, sublinear_tf=True, min_df=2,
                    dtype=np.float32)
    bare = FastTfidfVectorizer(**settings).fit(texts)
    sklearn_bare = TfidfVectorizer(**settings).fit(texts)
    features = model.pipeline_.named_steps["features"]
    runs = {
        "model_predict_proba": lambda: model.predict_proba(frame),
        "model_features_only": lambda: features.transform(frame),
        "bare_char_tfidf": lambda: bare.transform(texts),
        "sklearn_char_tfidf": lambda: sklearn_bare.transform(texts),
        "normalize_only": lambda: [normalize(t) for t in texts],
    }
    found = _cached_matcher()
    if found is not None:
        runs["lexicon_matcher_only"] = lambda: [found[0].match(t) for t in texts]
    result = {"mb": round(mb, 3), "n_texts": len(texts)}
    for name, fn in runs.items():
        cpu, wall = _best(fn, repeat)
        result[name] = {"cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3), "mb_per_s": round(mb / cpu, 3)}
        print(f"  {name:<22} {mb / cpu:7.3f} MB/s ({cpu:.2f} CPU s, {wall:.2f} wall s)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", default=None, help="write the results here as JSON")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--embeddings", default=None, help="benchmark models with this sentence-embedding block")
    args = parser.parse_args(argv)
    if args.embeddings:
        import tempfile

        os.environ["RHETORIC_CACHE"] = tempfile.mkdtemp(prefix="rhetoric-bench-cache-")  # start cold
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "load_avg_1min": round(os.getloadavg()[0], 2)}, "training": [], "throughput": {}}

    sentences = pd.read_json(ROOT / "data" / "labelled" / "framing_sentences.jsonl", lines=True, dtype={"id": str})
    model, info = _train("default (authored sentences)", sentences[["text"]], sentences["label"], sentences["group"],
                         args.embeddings)
    results["training"].append(info)

    texts = sentences["text"].tolist()
    from rhetoric.datasets import is_available, load_dataset

    if is_available("araieval23-task1"):
        train = load_dataset("araieval23-task1", "train")
        dev = load_dataset("araieval23-task1", "dev")
        extra = load_dataset("armpro-text") if is_available("armpro-text") else None
        combined, _ = combine_training_data(train, [extra] if extra is not None else [], exclude=[dev])
        combined["type"] = combined["type"].fillna("paragraph")
        model, info = _train("araieval23-task1 train + armpro-text", combined, combined["label"].tolist(),
                             embeddings=args.embeddings)
        results["training"].append(info)
    if is_available("news-credibility-2013"):
        news = load_dataset("news-credibility-2013", sample_per_outlet=40, seed=0)
        texts = news["text"].tolist()
        results["throughput_corpus"] = f"news-credibility-2013, 40 articles per outlet ({len(texts)} articles)"
    else:
        results["throughput_corpus"] = f"authored sentences ({len(texts)})"
    if args.embeddings:
        texts = texts[:100]
        results["throughput_corpus"] += ", first 100"
    print(f"throughput on {results['throughput_corpus']}, model: {results['training'][-1]['name']}")
    results["throughput"] = _throughput(model, texts, args.repeat)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
