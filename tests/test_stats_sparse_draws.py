"""``stats.bootstrap_ratio_sparse`` draws every resample's articles in one call and counts them with
one bincount: its intervals must stay bit-identical to drawing and counting block by block."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rhetoric import stats


def _reference_sparse(num, den, *, n_boot, seed, scale=1.0, level=0.95):
    """bootstrap_ratio_sparse as first written: draws and counts per block of 250 resamples."""
    n = num.size
    estimate = float(scale * num.sum() / den.sum())
    keep = (num != 0) | (den != 0)
    num, den = num[keep], den[keep]
    m = num.size
    rng = np.random.default_rng(seed)
    drawn = rng.binomial(n, m / n, size=n_boot)
    matrix = np.column_stack([num, den])
    sums = []
    for lo in range(0, n_boot, 250):
        size = min(250, n_boot - lo)
        per_resample = drawn[lo:lo + size]
        draws = rng.integers(0, m, size=int(per_resample.sum()))
        draws += np.repeat(np.arange(size, dtype=np.int64) * m, per_resample)
        sums.append(np.bincount(draws, minlength=size * m).reshape(size, m) @ matrix)
    sums = np.vstack(sums)
    with np.errstate(divide="ignore", invalid="ignore"):
        replicates = np.where(sums[:, 1] > 0, scale * sums[:, 0] / np.where(sums[:, 1] > 0, sums[:, 1], 1), np.nan)
    replicates = replicates[~np.isnan(replicates)]
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(replicates, [alpha, 1.0 - alpha]) if replicates.size else (np.nan, np.nan)
    return estimate, float(low), float(high)


@given(n=st.integers(2, 500), share=st.sampled_from([0.002, 0.02, 0.2, 1.0]), seed=st.integers(0, 2**32),
       n_boot=st.sampled_from([1, 7, 250, 251, 2000]), fractional=st.booleans())
def test_sparse_bootstrap_draws_at_once_are_bit_identical(n, share, seed, n_boot, fractional):
    rng = np.random.default_rng(seed)
    used = rng.random(n) < share
    used[rng.integers(0, n)] = True  # at least one article uses the pair
    a = np.where(used, rng.integers(0, 4, n), 0).astype(np.float64)
    b = np.where(used, rng.integers(0, 4, n), 0).astype(np.float64)
    if fractional:
        a = a * 0.37
    den = a + b
    if den.sum() <= 0:
        return
    got = stats.bootstrap_ratio_sparse(a, den, n_boot=n_boot, seed=seed)
    want = _reference_sparse(a, den, n_boot=n_boot, seed=seed)
    assert np.array_equal(np.array(got).view(np.int64), np.array(want).view(np.int64))


def test_sparse_bootstrap_drawn_a_few_blocks_at_a_time_is_bit_identical(monkeypatch):
    """Many contributing articles: blocks of 250 resamples drawn one or two at a time (memory bound)."""
    rng = np.random.default_rng(3)
    for cells in (1, 600, stats._CACHE_CELLS):
        monkeypatch.setattr(stats, "_CACHE_CELLS", cells)
        for n, n_boot in ((40, 2000), (900, 777)):
            a = rng.integers(0, 3, n).astype(np.float64) * 0.5
            den = a + rng.integers(0, 3, n)
            den[0] += 1
            got = stats.bootstrap_ratio_sparse(a, den, n_boot=n_boot, seed=n)
            want = _reference_sparse(a, den, n_boot=n_boot, seed=n)
            assert np.array_equal(np.array(got).view(np.int64), np.array(want).view(np.int64))
