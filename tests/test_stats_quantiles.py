"""``stats._quantiles`` replaces ``np.quantile`` (method "linear") in every bootstrap interval: it must
give numpy's bits for any replicate array, so the intervals do not change."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rhetoric import stats

_VALUES = st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
                   | st.sampled_from([0.0, -0.0, 1.0, 2.5]), min_size=1, max_size=300)
_LEVELS = st.sampled_from([0.95, 0.9, 0.5, 0.99, 0.0, 1.0]) | st.floats(0.0, 1.0)


@given(values=_VALUES, level=_LEVELS)
def test_quantiles_are_numpys_bits(values, level):
    values = np.array(values)
    alpha = (1.0 - level) / 2.0
    q = np.array([alpha, 1.0 - alpha])
    got = stats._quantiles(values.copy(), q)
    want = np.quantile(values, q)
    assert np.array_equal(got.view(np.int64), want.view(np.int64))


def test_quantiles_of_bootstrap_sized_replicates():
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 1999, 2000, 2001):
        for values in (rng.normal(size=n), rng.integers(0, 5, n).astype(float), np.full(n, 0.1)):
            for q in ([0.025, 0.975], [0.5, 0.5], [0.0, 1.0]):
                q = np.array(q)
                assert np.array_equal(stats._quantiles(values, q).view(np.int64), np.quantile(values, q).view(np.int64))
