"""Statistics behind the scores: article-level bootstrap intervals, paired permutation tests,
Benjamini–Hochberg q-values, and the log-odds ratio with an informative Dirichlet prior.

Why resample ARTICLES: hits inside one article are not independent (one quote repeats a phrase), so
token-level intervals would be far too narrow. Every function is deterministic given its ``seed``;
seeds are derived from group names (:func:`group_seed`), so a group's interval does not depend on
which other groups are in the table.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "group_seed",
    "run_parallel",
    "ratio_of_sums",
    "bootstrap_ratio",
    "bootstrap_ratio_sparse",
    "bootstrap_ratio_set",
    "bootstrap_ratios",
    "bootstrap_ratio_difference",
    "bootstrap_ratio_difference_set",
    "within_article_permutation_pvalue",
    "signflip_pvalue",
    "bh_qvalues",
    "log_odds_dirichlet",
    "wilson_interval",
]

N_BOOT = 2000
N_PERM = 2000


def group_seed(seed: int, *keys) -> int:
    """A seed for one group, stable across runs and independent of the other groups."""
    text = "\x1f".join([str(seed), *map(str, keys)])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


#: Replicates drawn at a time: memory is O(block x articles), not O(n_boot x articles) (the random
#: stream, hence every result, is the same as drawing all replicates at once).
_BLOCK = 250


def _blocks(n_rep: int) -> list[int]:
    return [min(_BLOCK, n_rep - lo) for lo in range(0, n_rep, _BLOCK)]


#: Random draws handled at a time (~2 MB of int64): they and what is computed from them stay in the
#: CPU cache, ~1.2-1.5x faster for thousands of articles (the same random stream however split).
_CACHE_CELLS = 1 << 18


def _resample_counts(rng: np.random.Generator, n: int, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` (``size x n`` float64) with the multiplicities of ``size`` with-replacement
    resamples of ``n`` articles: ``n`` uniform article draws per resample, counted (the multinomial
    law, ~3x faster than ``rng.multinomial`` because it needs no binomial draw per article)."""
    size = out.shape[0]
    rows = max(1, min(size, _CACHE_CELLS // n))
    offsets = (np.arange(rows, dtype=np.int64) * n)[:, None]  # one bincount counts several resamples
    for lo in range(0, size, rows):
        hi = min(size, lo + rows)
        draws = rng.integers(0, n, size=(hi - lo, n))
        draws += offsets[:hi - lo]
        out[lo:hi] = np.bincount(draws.ravel(), minlength=(hi - lo) * n).reshape(hi - lo, n)
    return out


def _exact_rows(values: np.ndarray) -> np.ndarray | None:
    """The rows (articles) of ``values`` (``articles x k``) with a non-zero value, when fewer than all
    and every product of a resample's sums is exact; None otherwise (multiply every row).

    Why it gives the same bits: counts and integer values (hit counts) multiply and add exactly in
    float64 while every partial sum is below 2**53 (|a sum| <= n * max|value|, the counts summing to
    n), so leaving out zero terms cannot change a sum, whatever order BLAS adds them in. Most articles
    have no hit of any category: the category sums multiply ~1/4 of the articles on SaudiNewsNet."""
    n = values.shape[0]
    rows = np.flatnonzero((values != 0).any(axis=1))
    kept = values[rows]
    if rows.size == n or not (np.array_equal(kept, np.trunc(kept)) and n * float(np.abs(kept).max(initial=0)) < 2.0**53):
        return None
    return rows


def _resampled_sums(vectors: list[np.ndarray], n_boot: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Each vector's sum over each of ``n_boot`` with-replacement resamples of its ``n`` articles."""
    n = vectors[0].size
    unique = list({id(v): v for v in vectors}.values())  # ratios often share a denominator array
    counts = np.empty((min(_BLOCK, n_boot), n))  # reused by every block
    parts = []
    for size in _blocks(n_boot):
        block = _resample_counts(rng, n, counts[:size])
        parts.append([block @ v for v in unique])  # one product per vector: sums as from separate calls
    sums = {id(v): np.concatenate(column) for v, column in zip(unique, zip(*parts))}
    return [sums[id(v)] for v in vectors]


def _ratio(num: np.ndarray, den: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, scale * num / np.where(den > 0, den, 1), np.nan)


def run_parallel(calls: Sequence[Callable[[], Any]]) -> list:
    """Run independent computations on threads, one per core; results in call order.

    For bootstraps of many groups: each call draws from its own seeded generator, so results are
    those of a loop, and numpy's random draws and matrix products release the GIL, so the groups
    use every core. Give the calls numpy arrays (not pandas objects).

    The BLAS library runs single-threaded meanwhile: the groups already occupy the cores, and the
    resample products are small matrix-vector products for which BLAS threads spin more than they
    compute (~6 ms instead of ~0.1 ms of CPU per product on two cores; the sums are the same)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        if len(calls) < 2:
            return [call() for call in calls]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(calls), os.cpu_count() or 1)) as pool:
            return list(pool.map(lambda call: call(), calls))


def ratio_of_sums(numerators, denominators, *, scale: float = 1.0) -> float:
    """``scale * sum(num) / sum(den)`` (the estimate of :func:`bootstrap_ratio`, without its interval);
    NaN when there are no articles or ``sum(den) <= 0``."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if num.size == 0 or den.sum() <= 0:
        return float("nan")
    return float(scale * num.sum() / den.sum())


def _quantiles(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``np.quantile(values, q)`` (method "linear") of a 1-D float64 array without NaN, bit for bit:
    numpy's own steps without its general machinery (axes, methods, weights), ~5x less CPU for the
    thousands of intervals of one report."""
    n = values.size
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1  # the last value (q in [0, 1]: never below the first)
    previous[above] = -1
    following[above] = -1
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    ordered = np.partition(values, np.unique(np.concatenate(([0, -1], previous, following))))
    a, b, gamma = ordered[previous], ordered[following], virtual - previous
    diff = b - a  # numpy's _lerp: from the nearer end, exact at both ends
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def _percentile_interval(estimate: float, replicates: np.ndarray, level: float) -> tuple[float, float, float]:
    """``(estimate, low, high)``: the percentile interval of the defined (non-NaN) replicates."""
    replicates = replicates[~np.isnan(replicates)]
    if replicates.size == 0:
        return estimate, float("nan"), float("nan")
    alpha = (1.0 - level) / 2.0
    low, high = _quantiles(replicates, np.array([alpha, 1.0 - alpha]))
    return estimate, float(low), float(high)


def bootstrap_ratio(
    numerators, denominators, *, scale: float = 1.0, n_boot: int = N_BOOT, level: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """Ratio of sums ``scale * sum(num) / sum(den)`` over articles, with a percentile bootstrap CI
    from resampling articles. Returns ``(estimate, ci_low, ci_high)``; NaN where undefined."""
    return bootstrap_ratio_set([(numerators, denominators, scale)], n_boot=n_boot, level=level, seed=seed)[0]


def bootstrap_ratio_sparse(
    numerators, denominators, *, scale: float = 1.0, n_boot: int = N_BOOT, level: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """:func:`bootstrap_ratio` for a ratio most articles contribute nothing to (numerator and
    denominator 0, e.g. the share of one naming variant): the same article bootstrap in distribution,
    drawn over the m contributing articles only, so it costs O(n_boot x m) instead of O(n_boot x n).

    Why it is the same bootstrap: restricted to m of the n articles, a with-replacement resample of
    all n puts K ~ Binomial(n, m/n) draws on them, spread uniformly (multinomial). The random draws
    differ from :func:`bootstrap_ratio`'s, so intervals agree within Monte Carlo error, not exactly."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    n = num.size
    if n == 0 or den.sum() <= 0:
        return (float("nan"),) * 3
    estimate = float(scale * num.sum() / den.sum())
    if n == 1:
        return estimate, float("nan"), float("nan")
    keep = (num != 0) | (den != 0)
    num, den = num[keep], den[keep]
    m = num.size
    rng = np.random.default_rng(seed)
    drawn = rng.binomial(n, m / n, size=n_boot)
    matrix = np.column_stack([num, den])
    # Many blocks of resamples drawn and counted at once, ~_CACHE_CELLS counts (the same random stream
    # however split; few calls where m is small, as it mostly is); the products stay per block of
    # _BLOCK resamples, as in bootstrap_ratio_set (BLAS's sums may depend on the matrix's shape).
    step = _BLOCK * max(1, _CACHE_CELLS // (_BLOCK * m))
    sums = []
    for lo in range(0, n_boot, step):
        per_resample = drawn[lo:lo + step]
        size = per_resample.size
        draws = rng.integers(0, m, size=int(per_resample.sum()))
        draws += np.repeat(np.arange(size, dtype=np.int64) * m, per_resample)
        counts = np.bincount(draws, minlength=size * m).reshape(size, m)
        sums.extend(counts[k:k + _BLOCK] @ matrix for k in range(0, size, _BLOCK))
    sums = np.vstack(sums)
    replicates = _ratio(sums[:, 0], sums[:, 1], scale)
    return _percentile_interval(estimate, replicates, level)


def bootstrap_ratio_set(
    ratios: Sequence[tuple], *, n_boot: int = N_BOOT, level: float = 0.95, seed: int = 0
) -> list[tuple[float, float, float]]:
    """:func:`bootstrap_ratio` of several ``(numerators, denominators, scale)`` measured on the SAME
    articles with the same ``seed`` (e.g. the hit rate and the mean probability of one outlet).

    Each result is exactly that of its own :func:`bootstrap_ratio` call — every call would draw the
    same resamples from the same seed — but the resamples (most of the cost) are drawn once."""
    arrays = [(np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64), scale) for num, den, scale in ratios]
    results: list = [None] * len(arrays)
    resampled = []
    for i, (num, den, scale) in enumerate(arrays):
        if num.size == 0 or den.sum() <= 0:
            results[i] = (float("nan"),) * 3
        elif num.size == 1:
            results[i] = (float(scale * num.sum() / den.sum()), float("nan"), float("nan"))
        else:
            resampled.append(i)
    if resampled:
        if len({arrays[i][0].size for i in resampled}) > 1:
            raise ValueError("bootstrap_ratio_set: every ratio must be measured on the same articles")
        sums = _resampled_sums([v for i in resampled for v in arrays[i][:2]], n_boot, np.random.default_rng(seed))
        for k, i in enumerate(resampled):
            num, den, scale = arrays[i]
            estimate = float(scale * num.sum() / den.sum())
            results[i] = _percentile_interval(estimate, _ratio(sums[2 * k], sums[2 * k + 1], scale), level)
    return results


def bootstrap_ratios(
    numerators, denominators, *, scale: float = 1.0, n_boot: int = N_BOOT, level: float = 0.95, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`bootstrap_ratio` for many numerators over the same articles at once (e.g. every lexicon
    category of one outlet): ``numerators`` is ``articles x k``; one resample of the articles serves
    all k ratios. Returns ``(estimates, ci_low, ci_high)``, each of length k."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    k = num.shape[1] if num.ndim == 2 else 0
    nan = np.full(k, np.nan)
    if num.shape[0] == 0 or den.sum() <= 0:
        return nan, nan.copy(), nan.copy()
    estimates = scale * num.sum(axis=0) / den.sum()
    if num.shape[0] == 1 or k == 0:
        return estimates, nan, nan.copy()
    rng = np.random.default_rng(seed)
    n = den.size
    rows = _exact_rows(num)  # the articles with hits, when leaving the others out changes no bit
    num_rows = num if rows is None else num[rows]
    counts = np.empty((min(_BLOCK, n_boot), n))  # reused by every block
    sums_num, sums_den = [], []
    for size in _blocks(n_boot):
        block = _resample_counts(rng, n, counts[:size])
        sums_num.append((block if rows is None else block[:, rows]) @ num_rows)
        sums_den.append(block @ den)
    ratios = _ratio(np.vstack(sums_num), np.concatenate(sums_den)[:, None], scale)
    alpha = (1.0 - level) / 2.0
    with np.errstate(all="ignore"):
        low, high = np.nanquantile(ratios, [alpha, 1.0 - alpha], axis=0)
    return estimates, low, high


def bootstrap_ratio_difference(
    num_a, den_a, num_b, den_b, *, scale: float = 1.0, n_boot: int = N_BOOT, level: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """``ratio(a) - ratio(b)`` where a and b are measured on the SAME articles (paired: one resample
    of articles serves both). Returns ``(estimate, ci_low, ci_high)``."""
    return bootstrap_ratio_difference_set([(num_a, den_a, num_b, den_b, scale)], n_boot=n_boot, level=level,
                                          seed=seed)[0]


def bootstrap_ratio_difference_set(
    differences: Sequence[tuple], *, n_boot: int = N_BOOT, level: float = 0.95, seed: int = 0
) -> list[tuple[float, float, float]]:
    """:func:`bootstrap_ratio_difference` of several ``(num_a, den_a, num_b, den_b, scale)`` on the
    SAME articles with the same ``seed``: results as from separate calls, resamples drawn once."""
    arrays = [([np.asarray(x, dtype=np.float64) for x in quad[:4]], quad[4]) for quad in differences]
    results: list = [None] * len(arrays)
    resampled = []
    for i, ((na, da, nb, db), scale) in enumerate(arrays):
        if na.size == 0 or da.sum() <= 0 or db.sum() <= 0:
            results[i] = (float("nan"),) * 3
        elif na.size == 1:
            results[i] = (float(scale * (na.sum() / da.sum() - nb.sum() / db.sum())), float("nan"), float("nan"))
        else:
            resampled.append(i)
    if resampled:
        if len({arrays[i][0][0].size for i in resampled}) > 1:
            raise ValueError("bootstrap_ratio_difference_set: every difference must be on the same articles")
        sums = _resampled_sums([v for i in resampled for v in arrays[i][0]], n_boot, np.random.default_rng(seed))
        for k, i in enumerate(resampled):
            (na, da, nb, db), scale = arrays[i]
            sna, sda, snb, sdb = sums[4 * k: 4 * k + 4]
            estimate = float(scale * (na.sum() / da.sum() - nb.sum() / db.sum()))
            results[i] = _percentile_interval(estimate, _ratio(sna, sda, scale) - _ratio(snb, sdb, scale), level)
    return results


def within_article_permutation_pvalue(hits_a, tokens_a, hits_b, tokens_b) -> float:
    """Two-sided p-value for ``rate(a) != rate(b)`` when a and b are two parts (voices) of the same articles.

    Null: within each article the voice label of a token says nothing about whether it is a hit, so
    the article's hits fall on its tokens at random: the hits landing in part a follow a
    hypergeometric law given the article's totals (a permutation of token labels within articles).
    The test statistic moves with the total in part a, whose null law — the articles' laws convolved
    — is computed exactly, so ``p = P(|T*| >= |T|)`` has no Monte Carlo error and no 1/(n+1) floor.
    """
    ha, ta, hb, tb = (np.asarray(x, dtype=np.int64) for x in (hits_a, tokens_a, hits_b, tokens_b))
    if ha.size == 0 or ta.sum() <= 0 or tb.sum() <= 0:
        return float("nan")
    observed = ha.sum() / ta.sum() - hb.sum() / tb.sum()
    total_tokens = ta + tb
    total_hits = np.minimum(ha + hb, total_tokens)
    # Articles without hits, or with tokens in one part only, place their hits the same way in every
    # permutation: their share of part a is a constant; only the others have a law to convolve.
    random = (total_hits > 0) & (total_hits < total_tokens) & (ta > 0) & (tb > 0)
    fixed_a = int(np.where(tb == 0, total_hits, np.where(total_hits == total_tokens, ta, 0))[~random].sum())
    low, law = _hypergeometric_sum_law(total_hits[random], (total_tokens - total_hits)[random], ta[random])
    in_a = fixed_a + low + np.arange(len(law))
    statistic = in_a / ta.sum() - (total_hits.sum() - in_a) / tb.sum()
    return float(min(1.0, law[np.abs(statistic) >= abs(observed) - 1e-12].sum()))


def _hypergeometric_sum_law(good: np.ndarray, bad: np.ndarray, drawn: np.ndarray) -> tuple[int, np.ndarray]:
    """(smallest value, probability of each value from there) of the sum of independent
    hypergeometric draws (``drawn`` of ``good + bad`` items, ``good`` of them marked). Articles with
    the same totals share one law, raised to their number by repeated squaring of the convolution."""
    from scipy.special import gammaln

    if good.size == 0:
        return 0, np.ones(1)
    triples, counts = np.unique(np.stack([good, bad, drawn], axis=1), axis=0, return_counts=True)
    g, b, n = triples.T
    first, last = np.maximum(0, n - b), np.minimum(g, n)
    # every law's probabilities at once: C(g, k) C(b, n - k) / C(g + b, n) through log-gamma
    size = last - first + 1
    row = np.repeat(np.arange(len(triples)), size)
    k = np.repeat(first, size) + np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    g, b, n = g[row], b[row], n[row]
    log_pmf = (gammaln(g + 1) - gammaln(k + 1) - gammaln(g - k + 1) + gammaln(b + 1) - gammaln(n - k + 1)
               - gammaln(b - n + k + 1) - gammaln(g + b + 1) + gammaln(n + 1) + gammaln(g + b - n + 1))
    laws = np.split(np.exp(log_pmf), np.cumsum(size)[:-1])
    low, law = int((first * counts).sum()), np.ones(1)
    for base, m in zip(laws, counts.tolist()):
        while m:
            if m & 1:
                law = np.convolve(law, base)
            m >>= 1
            if m:
                base = np.convolve(base, base)
    return low, law


def _signflip_means(values: np.ndarray, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``values`` under ``n_perm`` random sign flips: exactly
    ``(rng.choice([-1.0, 1.0], size=(n_perm, n)) * values).mean(axis=1)``, drawn a few rows at a time.

    Why bits: ``rng.choice`` draws an index 0 or 1 per value; multiplying by -1.0 only flips a
    float's sign bit, so XOR-ing the sign bit where the index is 0 gives the same products without
    the float sign matrix (~2.5x less CPU)."""
    bits = values.view(np.int64)
    rows = max(1, _CACHE_CELLS // values.size)
    means = []
    for lo in range(0, n_perm, rows):
        flipped = rng.integers(0, 2, size=(min(rows, n_perm - lo), values.size))
        flipped ^= 1
        flipped <<= 63
        flipped ^= bits
        means.append(flipped.view(np.float64).mean(axis=1))
    return np.concatenate(means)


def signflip_pvalue(differences, *, n_perm: int = N_PERM, seed: int = 0) -> float:
    """Two-sided sign-flip test that per-article differences (e.g. mean classifier probability of
    quotes minus narration in the same article) are centred on zero. NaNs are dropped."""
    d = np.asarray(differences, dtype=np.float64)
    d = d[~np.isnan(d)]
    if d.size == 0:
        return float("nan")
    observed = d.mean()
    perm = _signflip_means(d, n_perm, np.random.default_rng(seed))
    extreme = np.sum(np.abs(perm) >= abs(observed) - 1e-12)
    return float((1 + extreme) / (1 + n_perm))


def bh_qvalues(pvalues) -> np.ndarray:
    """Benjamini–Hochberg adjusted q-values (statsmodels), NaN p-values passed through."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(pvalues, dtype=np.float64)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q


def _aligned_counts(target: pd.Series, reference: pd.Series) -> tuple[pd.Index, np.ndarray, np.ndarray, bool]:
    """``vocab = target.index.union(reference.index)``, both Series' counts over it (0 where absent)
    and whether ``vocab`` is known to be sorted.

    One sorted factorization of both label lists instead of a union and two reindexings (~2.5x less
    CPU on 400k terms). The union's order matters beyond display (the prior's total is summed in
    it), so where pandas returns one side unsorted (an empty side, equal sides) and where a label
    is NaN or given twice, pandas' own union and reindexing are used (the latter raises)."""
    if len(target) and len(reference) and not target.index.equals(reference.index):
        codes, vocab = pd.factorize(target.index.append(reference.index), sort=True)
        in_target, in_reference = codes[:len(target)], codes[len(target):]
        if codes.min() >= 0 and np.bincount(in_target).max() == 1 and np.bincount(in_reference).max() == 1:
            y_t, y_r = np.zeros(len(vocab)), np.zeros(len(vocab))
            y_t[in_target] = target.to_numpy(dtype=np.float64)
            y_r[in_reference] = reference.to_numpy(dtype=np.float64)
            return vocab, y_t, y_r, True
    vocab = target.index.union(reference.index)
    return (vocab, target.reindex(vocab, fill_value=0).to_numpy(dtype=np.float64),
            reference.reindex(vocab, fill_value=0).to_numpy(dtype=np.float64), False)


def log_odds_dirichlet(
    target: pd.Series, reference: pd.Series, *, prior: pd.Series | None = None, prior_size: float | None = None,
    min_count: int = 0,
) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 22).

    ``target`` and ``reference`` are word -> count. The prior is ``prior`` (word -> count, default
    target + reference) scaled to ``prior_size`` pseudo-counts (default: the prior's own total, as in
    Scattertext). Returns one row per word with at least ``min_count`` occurrences in target and
    reference together, sorted by z descending (ties by term), with columns ``term, count_target,
    count_reference, freq_target, freq_reference, log_odds, variance, z``. Every word counts in the
    prior and the totals; ``min_count`` only drops rows, before they are sorted and built.
    """
    vocab, y_t, y_r, vocab_sorted = _aligned_counts(target, reference)
    # sums as pandas' Series.sum took them (NaN skipped), in vocabulary order: the same bits
    base = (y_t + y_r) if prior is None else prior.reindex(vocab, fill_value=0).to_numpy(dtype=np.float64)
    if np.nansum(base) <= 0:
        base = np.ones(len(vocab))
    size = float(np.nansum(base) if prior_size is None else prior_size)
    alpha = base / np.nansum(base) * size
    alpha = np.where(alpha > 0, alpha, 0.01)  # a word absent from the prior still gets a tiny pseudo-count
    alpha0 = float(np.nansum(alpha))
    n_t, n_r = float(np.nansum(y_t)), float(np.nansum(y_r))
    delta = np.log((y_t + alpha) / (n_t + alpha0 - y_t - alpha)) - np.log((y_r + alpha) / (n_r + alpha0 - y_r - alpha))
    variance = 1.0 / (y_t + alpha) + 1.0 / (y_r + alpha)
    z = delta / np.sqrt(variance)
    count_t, count_r = y_t.astype(np.int64), y_r.astype(np.int64)
    kept = np.flatnonzero(count_t + count_r >= min_count)
    if not vocab_sorted:
        kept = kept[vocab.take(kept).argsort(kind="stable")]
    # the kept rows are in term order, so a stable sort on -z orders them by (z descending, term)
    order = kept[np.argsort(-z[kept], kind="stable")]
    return pd.DataFrame(
        {
            "term": vocab.take(order),
            "count_target": count_t[order],
            "count_reference": count_r[order],
            "freq_target": (y_t / n_t if n_t else y_t * 0)[order],
            "freq_reference": (y_r / n_r if n_r else y_r * 0)[order],
            "log_odds": delta[order],
            "variance": variance[order],
            "z": z[order],
        }
    )


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (NaN when ``n == 0``)."""
    from scipy.stats import norm

    if n <= 0:
        return float("nan"), float("nan")
    z = float(norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)
