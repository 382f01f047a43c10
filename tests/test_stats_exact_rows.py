"""``stats.bootstrap_ratios`` multiplies only the articles with hits when the numerators are integer
counts (``stats._exact_rows``): its intervals must stay bit-identical to the plain product of every
article's resample counts, and it must multiply every article when that could change a bit."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rhetoric import stats


def _reference_bootstrap_ratios(num, den, *, scale, n_boot, seed, level=0.95):
    """bootstrap_ratios as first written: every article's counts times the numerators."""
    rng, n = np.random.default_rng(seed), den.size
    sums_num, sums_den = [], []
    for lo in range(0, n_boot, 250):
        size = min(250, n_boot - lo)
        draws = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        counts = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)
        sums_num.append(counts @ num)
        sums_den.append(counts @ den)
    alpha = (1.0 - level) / 2.0
    with np.errstate(all="ignore"):
        ratios = np.where(np.concatenate(sums_den)[:, None] > 0,
                          scale * np.vstack(sums_num) / np.concatenate(sums_den)[:, None], np.nan)
        low, high = np.nanquantile(ratios, [alpha, 1.0 - alpha], axis=0)
    return scale * num.sum(axis=0) / den.sum(), low, high


def _same_bits(a, b) -> bool:
    return np.array_equal(np.asarray(a).view(np.int64), np.asarray(b).view(np.int64))


@given(n=st.integers(2, 400), k=st.integers(1, 6), share=st.sampled_from([0.0, 0.05, 0.3, 1.0]),
       big=st.booleans(), seed=st.integers(0, 2**32), n_boot=st.sampled_from([1, 37, 251]))
def test_category_sums_over_the_articles_with_hits_are_bit_identical(n, k, share, big, seed, n_boot):
    rng = np.random.default_rng(seed)
    hit = rng.random((n, k)) < share
    num = np.where(hit, rng.integers(1, 10**6 if big else 5, (n, k)), 0).astype(np.float64)
    den = rng.integers(1, 3000, n).astype(np.float64)
    got = stats.bootstrap_ratios(num, den, scale=1000.0, n_boot=n_boot, seed=seed)
    want = _reference_bootstrap_ratios(num, den, scale=1000.0, n_boot=n_boot, seed=seed)
    assert all(_same_bits(g, w) for g, w in zip(got, want))


def test_rows_are_left_out_only_where_no_bit_can_change():
    counts = np.zeros((6, 2))
    counts[1, 0], counts[4, 1] = 3, 1
    assert stats._exact_rows(counts).tolist() == [1, 4]
    assert stats._exact_rows(counts + 1) is None  # every article has a hit: nothing to leave out
    for not_exact in (0.5, np.nan, np.inf, 2.0**52):  # fractions, undefined, sums past 2**53
        values = counts.copy()
        values[1, 0] = not_exact
        assert stats._exact_rows(values) is None
    # non-integer numerators still give the plain product's bits (every row multiplied)
    rng = np.random.default_rng(2)
    num = np.where(rng.random((300, 3)) < 0.2, rng.uniform(0, 3, (300, 3)), 0.0)
    den = rng.integers(1, 900, 300).astype(np.float64)
    got = stats.bootstrap_ratios(num, den, scale=1.0, n_boot=300, seed=5)
    want = _reference_bootstrap_ratios(num, den, scale=1.0, n_boot=300, seed=5)
    assert all(_same_bits(g, w) for g, w in zip(got, want))
