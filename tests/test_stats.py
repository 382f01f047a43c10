"""The statistics are checked against hand-computed cases and simulations with a known truth."""
import functools
import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from rhetoric import stats


def test_log_odds_matches_worked_example():
    # Monroe et al. (2008) eq. 22 by hand: target a=10 b=5, reference a=5 b=10, prior = pooled counts
    # (a=15, b=15, alpha0=30). delta_a = log(25/20) - log(20/25); var_a = 1/25 + 1/20.
    target = pd.Series({"a": 10, "b": 5})
    reference = pd.Series({"a": 5, "b": 10})
    out = stats.log_odds_dirichlet(target, reference).set_index("term")
    delta = math.log(25 / 20) - math.log(20 / 25)
    assert out.loc["a", "log_odds"] == pytest.approx(delta)
    assert out.loc["a", "variance"] == pytest.approx(1 / 25 + 1 / 20)
    assert out.loc["a", "z"] == pytest.approx(delta / math.sqrt(0.09))
    assert out.loc["b", "z"] == pytest.approx(-out.loc["a", "z"])
    assert out.loc["a", "count_target"] == 10 and out.loc["a", "count_reference"] == 5
    assert list(out.index) == ["a", "b"]  # sorted by z


def test_log_odds_with_explicit_prior_size():
    target = pd.Series({"x": 3, "y": 1})
    reference = pd.Series({"x": 1, "y": 3})
    out = stats.log_odds_dirichlet(target, reference, prior_size=4).set_index("term")
    # alpha = pooled share (0.5, 0.5) * 4 = 2 each, alpha0 = 4, n = 4 each.
    delta = math.log((3 + 2) / (4 + 4 - 3 - 2)) - math.log((1 + 2) / (4 + 4 - 1 - 2))
    assert out.loc["x", "log_odds"] == pytest.approx(delta)


def test_bh_matches_statsmodels_and_textbook():
    rng = np.random.default_rng(1)
    p = np.concatenate([rng.uniform(size=15), [0.001, 0.004, 0.02, np.nan]])
    q = stats.bh_qvalues(p)
    ok = ~np.isnan(p)
    assert np.allclose(q[ok], multipletests(p[ok], method="fdr_bh")[1])
    assert np.isnan(q[~ok]).all()
    # textbook: q_(i) = min_{j>=i} p_(j) * m / j
    ps = np.sort(p[ok])
    m = ps.size
    textbook = np.minimum.accumulate((ps * m / np.arange(1, m + 1))[::-1])[::-1]
    assert np.allclose(np.sort(q[ok]), np.minimum(textbook, 1))


def test_bootstrap_ratio_covers_truth_in_simulation():
    """Articles with Poisson hits at a known rate: the 95% article bootstrap CI covers it ~95%."""
    rng = np.random.default_rng(7)
    true_rate = 4.0  # hits per 1,000 tokens
    covered = 0
    n_sim = 300
    for sim in range(n_sim):
        tokens = rng.integers(150, 900, size=40)
        # over-dispersed articles (each has its own rate), as real articles are
        article_rate = rng.gamma(shape=4.0, scale=true_rate / 4.0, size=40)
        hits = rng.poisson(article_rate * tokens / 1000.0)
        est, low, high = stats.bootstrap_ratio(hits, tokens, scale=1000.0, seed=sim, n_boot=1000)
        covered += low <= true_rate <= high
    coverage = covered / n_sim
    assert 0.88 <= coverage <= 0.99, coverage


def test_bootstrap_is_deterministic_and_estimate_is_ratio_of_sums():
    hits, tokens = [1, 0, 5, 2], [100, 200, 300, 400]
    a = stats.bootstrap_ratio(hits, tokens, scale=1000.0, seed=3)
    b = stats.bootstrap_ratio(hits, tokens, scale=1000.0, seed=3)
    assert a == b
    assert a[0] == pytest.approx(1000 * 8 / 1000)
    assert a[1] <= a[0] <= a[2]


def test_bootstrap_degenerate_inputs():
    assert all(math.isnan(x) for x in stats.bootstrap_ratio([], []))
    est, low, high = stats.bootstrap_ratio([2], [10], scale=1.0)
    assert est == 0.2 and math.isnan(low) and math.isnan(high)


def test_group_seed_is_stable_and_distinct():
    assert stats.group_seed(0, "A", "quote") == stats.group_seed(0, "A", "quote")
    assert stats.group_seed(0, "A", "quote") != stats.group_seed(0, "B", "quote")


def test_within_article_permutation_calibrated_under_null_and_small_under_effect():
    rng = np.random.default_rng(11)
    null_p = []
    for sim in range(200):
        tq = rng.integers(20, 80, size=30)
        tn = rng.integers(100, 400, size=30)
        hq = rng.poisson(0.01 * tq)
        hn = rng.poisson(0.01 * tn)
        null_p.append(stats.within_article_permutation_pvalue(hq, tq, hn, tn))
    null_p = np.array(null_p)
    assert 0.01 <= np.mean(null_p < 0.05) <= 0.12
    tq = rng.integers(20, 80, size=30)
    tn = rng.integers(100, 400, size=30)
    p = stats.within_article_permutation_pvalue(rng.poisson(0.08 * tq), tq, rng.poisson(0.005 * tn), tn)
    assert p < 0.01


def test_signflip_pvalue_null_and_effect():
    rng = np.random.default_rng(5)
    null_p = np.array([stats.signflip_pvalue(rng.normal(size=25), seed=s, n_perm=500) for s in range(200)])
    assert 0.01 <= np.mean(null_p < 0.05) <= 0.10
    assert stats.signflip_pvalue(rng.normal(loc=1.0, size=25), seed=0) < 0.01


def test_paired_difference_ci_contains_estimate():
    est, low, high = stats.bootstrap_ratio_difference([3, 1, 4], [30, 20, 40], [1, 0, 1], [100, 80, 90], scale=1000.0)
    assert low <= est <= high
    assert est == pytest.approx(1000 * (8 / 90 - 2 / 270))


def test_wilson_interval_known_value():
    low, high = stats.wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3) and high == pytest.approx(0.9433, abs=1e-3)


def test_bootstrap_ratios_agree_with_single_ratio_estimates():
    rng = np.random.default_rng(2)
    tokens = rng.integers(100, 500, size=30)
    hits = rng.poisson(3, size=(30, 4))
    est, low, high = stats.bootstrap_ratios(hits, tokens, scale=1000.0, seed=9)
    for j in range(4):
        single = stats.bootstrap_ratio(hits[:, j], tokens, scale=1000.0, seed=9)
        assert est[j] == pytest.approx(single[0])
        # same seed, same resamples: the intervals are the same as one ratio at a time
        assert low[j] == pytest.approx(single[1]) and high[j] == pytest.approx(single[2])


def _reference_bootstrap(num, den, scale, seed, n_boot=stats.N_BOOT, level=0.95):
    """The article bootstrap written out plainly (the random stream: blocks of 250 resamples, each
    ``n`` uniform article draws from ``default_rng(seed)``, counted per article)."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    rng, n = np.random.default_rng(seed), len(num)
    draws = np.vstack([rng.integers(0, n, size=(min(250, n_boot - lo), n)) for lo in range(0, n_boot, 250)])
    counts = np.array([np.bincount(row, minlength=n) for row in draws], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(counts @ den > 0, scale * (counts @ num) / (counts @ den), np.nan)
    ratios = ratios[~np.isnan(ratios)]
    alpha = (1 - level) / 2
    return (float(scale * num.sum() / den.sum()), *map(float, np.quantile(ratios, [alpha, 1 - alpha])))


def test_shared_resamples_give_each_ratio_its_own_result():
    """bootstrap_ratio_set draws the resamples once for ratios on the same articles; each result must
    be that of the plain bootstrap with the same seed (also for undefined and one-article ratios)."""
    rng = np.random.default_rng(5)
    hits, tokens = rng.poisson(2, 40).astype(float), rng.integers(50, 400, 40).astype(float)
    units, prob = rng.integers(1, 9, 40).astype(float), rng.uniform(0, 5, 40)
    got = stats.bootstrap_ratio_set([(hits, tokens, 1000.0), (prob, units, 1.0), (hits, np.zeros(40), 1.0)], seed=7)
    assert got[0] == _reference_bootstrap(hits, tokens, 1000.0, 7)
    assert got[1] == _reference_bootstrap(prob, units, 1.0, 7)
    assert all(math.isnan(x) for x in got[2])
    assert stats.bootstrap_ratio(hits, tokens, scale=1000.0, seed=7) == got[0]
    one = stats.bootstrap_ratio_set([([3.0], [10.0], 1.0)], seed=1)[0]
    assert one[0] == 0.3 and math.isnan(one[1]) and math.isnan(one[2])
    with pytest.raises(ValueError):
        stats.bootstrap_ratio_set([(hits, tokens, 1.0), (hits[:5], tokens[:5], 1.0)])
    diffs = stats.bootstrap_ratio_difference_set([(hits, tokens, prob, units, 1000.0), (prob, units, hits, tokens, 1.0)],
                                                 seed=3)
    assert diffs[0] == stats.bootstrap_ratio_difference(hits, tokens, prob, units, scale=1000.0, seed=3)
    assert diffs[1] == stats.bootstrap_ratio_difference(prob, units, hits, tokens, seed=3)
    assert stats.ratio_of_sums(hits, tokens, scale=1000.0) == got[0][0]
    assert math.isnan(stats.ratio_of_sums([], []))


def test_run_parallel_keeps_call_order_and_results():
    calls = [lambda seed=seed: stats.bootstrap_ratio(np.arange(30.0), np.arange(1.0, 31.0), seed=seed) for seed in range(6)]
    assert stats.run_parallel(calls) == [call() for call in calls]


def test_sparse_bootstrap_matches_the_full_article_bootstrap_in_distribution():
    """Most articles name neither variant of a pair: the sparse bootstrap draws over the others only,
    and its interval must agree with the full bootstrap's up to Monte Carlo error."""
    rng = np.random.default_rng(11)
    n = 3000
    a = np.zeros(n)
    b = np.zeros(n)
    users = rng.choice(n, size=60, replace=False)
    a[users] = rng.poisson(1.5, size=60)
    b[users] = rng.poisson(1.0, size=60) + (a[users] == 0)
    full = stats.bootstrap_ratio(a, a + b, seed=1, n_boot=20000)
    sparse = stats.bootstrap_ratio_sparse(a, a + b, seed=2, n_boot=20000)
    assert sparse[0] == full[0]
    assert abs(sparse[1] - full[1]) < 0.01 and abs(sparse[2] - full[2]) < 0.01
    assert stats.bootstrap_ratio_sparse(a, a + b, seed=2) == stats.bootstrap_ratio_sparse(a, a + b, seed=2)
    assert all(math.isnan(x) for x in stats.bootstrap_ratio_sparse(np.zeros(5), np.zeros(5)))
    est, low, high = stats.bootstrap_ratio_sparse([2], [10])
    assert est == 0.2 and math.isnan(low) and math.isnan(high)


def _reference_permutation_pvalue(ha, ta, hb, tb, n_perm, seed):
    """The within-article permutation test written out plainly: every article's hits in part a drawn."""
    ha, ta, hb, tb = (np.asarray(x, dtype=np.int64) for x in (ha, ta, hb, tb))
    total, hits = ta + tb, np.minimum(ha + hb, ta + tb)
    rng = np.random.default_rng(seed)
    perm_a = rng.hypergeometric(np.tile(hits, (n_perm, 1)), np.tile(total - hits, (n_perm, 1)),
                                np.tile(ta, (n_perm, 1))).sum(axis=1)
    perm = perm_a / ta.sum() - (hits.sum() - perm_a) / tb.sum()
    observed = ha.sum() / ta.sum() - hb.sum() / tb.sum()
    return (1 + np.sum(np.abs(perm) >= abs(observed) - 1e-12)) / (1 + n_perm)


def test_permutation_pvalue_is_the_limit_of_drawing_every_article():
    """The exact p-value (fixed articles as constants, the others' laws convolved) agrees with the
    Monte Carlo test that draws every article's hits, up to that test's Monte Carlo error."""
    rng = np.random.default_rng(3)
    n = 400
    ta = np.where(rng.random(n) < 0.6, 0, rng.integers(5, 60, n))  # most articles quote no one
    tb = rng.integers(50, 300, n)
    tb[:10] = 0  # a few articles that are all quote
    ha, hb = rng.poisson(0.015 * ta), rng.poisson(0.012 * tb)
    ha[10:15], ta[10:15], tb[10:15] = 3, 3, 0  # quotes that are all hits
    p_exact = stats.within_article_permutation_pvalue(ha, ta, hb, tb)
    p_plain = _reference_permutation_pvalue(ha, ta, hb, tb, 20000, 2)
    assert 0.001 < p_plain < 0.999
    assert abs(p_exact - p_plain) < 0.01  # the reference's standard error is below 0.0036


def test_permutation_pvalue_equals_enumerating_every_placement():
    """On a few small articles, the p-value is the probability of the placements of hits (every
    article's hypergeometric outcomes, enumerated) whose statistic is at least as extreme."""
    import itertools

    from scipy.stats import hypergeom

    cases = [([1, 0, 2, 0], [3, 2, 4, 0], [0, 2, 1, 1], [5, 4, 2, 3]),
             ([2, 1, 0], [4, 1, 2], [0, 0, 3], [3, 6, 5]),
             ([0, 0], [2, 3], [1, 2], [4, 5])]
    for ha, ta, hb, tb in cases:
        ha, ta, hb, tb = map(np.array, (ha, ta, hb, tb))
        hits, total = ha + hb, ta + tb
        observed = ha.sum() / ta.sum() - hb.sum() / tb.sum()
        p = 0.0
        for outcome in itertools.product(*[range(0, min(h, t) + 1) for h, t in zip(hits, ta)]):
            k = np.array(outcome)
            prob = float(np.prod(hypergeom.pmf(k, total, hits, ta)))
            if prob and abs(k.sum() / ta.sum() - (hits.sum() - k.sum()) / tb.sum()) >= abs(observed) - 1e-12:
                p += prob
        assert stats.within_article_permutation_pvalue(ha, ta, hb, tb) == pytest.approx(p, rel=1e-9, abs=1e-12)


def test_run_parallel_gives_the_loop_results_with_one_blas_thread():
    """run_parallel runs BLAS single-threaded: the bootstrap intervals must be those of plain calls."""
    rng = np.random.default_rng(3)
    groups = [(rng.random(n) * 3, rng.integers(1, 50, n).astype(float)) for n in (40, 400, 1500)]
    calls = [functools.partial(stats.bootstrap_ratio_set, [(num, den, 1000.0), (num * 0.37, den, 1.0)], seed=i)
             for i, (num, den) in enumerate(groups)]
    assert stats.run_parallel(calls) == [call() for call in calls]


def _reference_log_odds(target, reference, prior=None, prior_size=None, min_count=0):
    """log_odds_dirichlet written plainly with pandas (union, reindex, sort all, then drop rare rows)."""
    vocab = target.index.union(reference.index)
    y_t = target.reindex(vocab, fill_value=0).astype(float)
    y_r = reference.reindex(vocab, fill_value=0).astype(float)
    base = (y_t + y_r) if prior is None else prior.reindex(vocab, fill_value=0).astype(float)
    size = float(base.sum() if prior_size is None else prior_size)
    alpha = base / base.sum() * size
    alpha = alpha.where(alpha > 0, 0.01)
    alpha0, n_t, n_r = float(alpha.sum()), float(y_t.sum()), float(y_r.sum())
    delta = np.log((y_t + alpha) / (n_t + alpha0 - y_t - alpha)) - np.log((y_r + alpha) / (n_r + alpha0 - y_r - alpha))
    variance = 1.0 / (y_t + alpha) + 1.0 / (y_r + alpha)
    out = pd.DataFrame({"term": vocab, "count_target": y_t.to_numpy(dtype=np.int64),
                        "count_reference": y_r.to_numpy(dtype=np.int64),
                        "freq_target": (y_t / n_t if n_t else y_t * 0).to_numpy(),
                        "freq_reference": (y_r / n_r if n_r else y_r * 0).to_numpy(), "log_odds": delta.to_numpy(),
                        "variance": variance.to_numpy(), "z": (delta / np.sqrt(variance)).to_numpy()})
    out = out.sort_values(["z", "term"], ascending=[False, True], kind="mergesort")
    return out[(out["count_target"] + out["count_reference"]) >= min_count].reset_index(drop=True)


def _zipf_counts(rng, n_terms):
    """Two word -> count Series in first-seen (unsorted) order, Zipf-like counts, partly shared words;
    words mix Arabic letters, tatweel, digits and Latin so the term order is not trivial."""
    letters = [chr(c) for c in range(0x0621, 0x064B)] + list("ـ019aZ")
    words = {"".join(rng.choice(letters, size=rng.integers(1, 7))) for _ in range(n_terms)}
    words = sorted(words)
    rng.shuffle(words)
    total = 2000.0 / np.arange(1, len(words) + 1)
    share = rng.beta(2, 5, len(words))
    t, r = rng.poisson(total * share), rng.poisson(total * (1 - share))
    in_t = (t > 0) | (rng.random(len(words)) < 0.2)
    in_r = (r > 0) | ~in_t
    pick = lambda keep, counts: pd.Series(dict(zip(np.array(words)[keep].tolist(), counts[keep].tolist())), dtype="float64")
    return pick(in_t, t), pick(in_r, r)


@pytest.mark.parametrize("seed", range(4))
def test_log_odds_is_the_plain_computation_bit_for_bit(seed):
    """The factorized union, the min_count filter before the sort and the stable sort on -z must give
    exactly (every bit, every row in order) the plain union / reindex / sort / filter."""
    rng = np.random.default_rng(seed)
    target, reference = _zipf_counts(rng, 3000)
    cases = [dict(), dict(min_count=3), dict(min_count=1), dict(prior_size=345.5, min_count=2),
             dict(prior=(target * 0.3).iloc[::2], prior_size=1000.0)]
    for kwargs in cases:
        got = stats.log_odds_dirichlet(target, reference, **kwargs)
        want = _reference_log_odds(target, reference, **kwargs)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert np.array_equal(got["z"].to_numpy().view(np.int64), want["z"].to_numpy().view(np.int64))
    assert 0 < len(stats.log_odds_dirichlet(target, reference, min_count=3)) < len(target)
    # pandas' union keeps an empty or an equal side unsorted (the prior total is summed in that order)
    for t, r in [(target, reference.iloc[:0]), (target.iloc[:0], reference), (target, target * 2),
                 (target.astype("int64"), reference.astype("int64"))]:
        pd.testing.assert_frame_equal(stats.log_odds_dirichlet(t, r, min_count=2), _reference_log_odds(t, r, min_count=2),
                                      check_exact=True)


def test_log_odds_rejects_a_word_counted_twice():
    twice = pd.Series([1.0, 2.0], index=["a", "a"])
    with pytest.raises(ValueError):
        stats.log_odds_dirichlet(twice, pd.Series({"b": 1.0}))


def _reference_resampled_sums(vectors, n_boot, seed):
    """The resample sums as first written: blocks of 250 resamples, all of a block's draws counted by
    one bincount, the counts as a fresh float matrix times each vector."""
    rng, n, parts = np.random.default_rng(seed), len(vectors[0]), []
    for lo in range(0, n_boot, 250):
        size = min(250, n_boot - lo)
        draws = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        counts = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)
        parts.append([counts @ v for v in vectors])
    return [np.concatenate(column) for column in zip(*parts)]


@pytest.mark.parametrize("cells", [stats._CACHE_CELLS, 1000, 1])
def test_resample_counting_in_cache_sized_pieces_gives_the_same_sums(monkeypatch, cells):
    """Counting a block's draws a few resamples at a time into a reused buffer must give bit-identical
    sums (also of non-integer vectors, whose products are not exact) and the same random stream."""
    monkeypatch.setattr(stats, "_CACHE_CELLS", cells)
    rng = np.random.default_rng(4)
    for n, n_boot in [(2, 7), (37, 2000), (300, 333), (1500, 600)]:
        vectors = [rng.poisson(2, n).astype(float), rng.uniform(0, 5, n), rng.integers(1, 900, n).astype(float)]
        got = stats._resampled_sums(vectors, n_boot, np.random.default_rng(n))
        want = _reference_resampled_sums(vectors, n_boot, n)
        assert all(np.array_equal(g, w) for g, w in zip(got, want))
        matrix = np.column_stack([vectors[0], vectors[1], vectors[0] * 0.3])
        est, low, high = stats.bootstrap_ratios(matrix, vectors[2], n_boot=n_boot, seed=n)
        sums_num = _reference_resampled_sums([matrix, vectors[2]], n_boot, n)
        with np.errstate(all="ignore"):
            alpha = (1 - 0.95) / 2  # as bootstrap_ratios computes it (not exactly 0.025)
            want_low, want_high = np.nanquantile(sums_num[0] / sums_num[1][:, None], [alpha, 1 - alpha], axis=0)
        assert np.array_equal(low, want_low) and np.array_equal(high, want_high)


@pytest.mark.parametrize("n", [1, 2, 25, 3000])
@pytest.mark.parametrize("cells", [stats._CACHE_CELLS, 100])
def test_signflip_bit_flips_are_the_plain_random_signs(monkeypatch, n, cells):
    """The sign-bit flips, drawn a few rows at a time, must give exactly the means of random ±1.0
    signs (rng.choice, blocks of 250) times the values, bit for bit (zeros and negative zeros
    included), hence the same p-values."""
    monkeypatch.setattr(stats, "_CACHE_CELLS", cells)
    rng = np.random.default_rng(n)
    d = rng.normal(0.02, 0.3, n)
    d[::5] = 0.0
    d[2::7] = -0.0
    for values in (d, -d, d + 0.05):
        draw = np.random.default_rng(17)
        want = np.concatenate([(draw.choice([-1.0, 1.0], size=(size, n)) * values).mean(axis=1)
                               for size in (250,) * 8 + (7,)])
        got = stats._signflip_means(values, 2007, np.random.default_rng(17))
        assert np.array_equal(got.view(np.int64), want.view(np.int64))
        p = (1 + np.sum(np.abs(want) >= abs(values.mean()) - 1e-12)) / (1 + 2007)
        assert stats.signflip_pvalue(np.append(values, np.nan), n_perm=2007, seed=17) == p
