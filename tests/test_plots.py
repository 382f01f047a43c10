"""PNG smoke test of every plot type, with Arabic labels and no missing-glyph warnings (the bundled
OFL font must cover Arabic; DejaVu Sans the Latin text)."""
import warnings

import numpy as np
import pandas as pd
import pytest

from rhetoric import plots, stats

OUTLETS = ["وكالة الفجر", "Meridian Wire"]


def _scores():
    rows = []
    for i, outlet in enumerate(OUTLETS):
        for voice, rate in (("quote", 8.0 + i), ("narration", 3.0 + i)):
            rows.append(dict(outlet=outlet, voice=voice, speaker_type="all", n_docs=5, rate_per_1k=rate,
                             rate_ci_low=rate - 1, rate_ci_high=rate + 1, mean_prob=0.5, prob_ci_low=0.4,
                             prob_ci_high=0.6, period=pd.Timestamp(f"2024-0{i + 1}-01")))
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def no_missing_glyphs():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*Glyph .* missing.*")
        yield


def _check(fig, tmp_path, name):
    plots.save_figure(fig, tmp_path / name)
    png = (tmp_path / f"{name}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    assert (tmp_path / f"{name}.svg").stat().st_size > 1000
    plots.plt.close(fig)


def test_every_plot_type_renders(tmp_path):
    scores = _scores()
    _check(plots.outlet_scores(scores), tmp_path, "scores")
    gap = pd.DataFrame([dict(outlet=o, measure="rate_per_1k", quote=8.0, narration=3.0, gap=5.0, gap_ci_low=2.0,
                             gap_ci_high=8.0, q_value=0.01) for o in OUTLETS])
    _check(plots.voice_gap(gap), tmp_path, "gap")
    cats = pd.DataFrame([dict(outlet=o, voice="narration", category=c, rate_per_1k=r)
                         for o in OUTLETS for c, r in (("anti_imperialism", 2.0), ("sacralisation", 1.0))])
    _check(plots.category_heatmap(cats), tmp_path, "heatmap")
    keyness = stats.log_odds_dirichlet(pd.Series({"الإمبريالية": 30, "النضال": 20, "قال": 5}),
                                       pd.Series({"الإمبريالية": 2, "النضال": 1, "قال": 40}))
    _check(plots.keyness_scatter(keyness), tmp_path, "keyness")
    naming = pd.DataFrame([dict(outlet=o, pair_id="np.x", label_a="الشهداء", label_b="القتلى", n_hits=4,
                                share_a=0.7, share_ci_low=0.5, share_ci_high=0.9) for o in OUTLETS])
    _check(plots.naming_preferences(naming), tmp_path, "naming")
    _check(plots.time_series(scores, voice="quote"), tmp_path, "time")
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    _check(plots.calibration_curves(y, np.clip(0.3 * y + rng.uniform(0, 0.7, 200), 0, 1)), tmp_path, "calibration")


def test_svg_output_is_deterministic(tmp_path):
    plots.save_figure(plots.outlet_scores(_scores()), tmp_path / "a")
    plots.save_figure(plots.outlet_scores(_scores()), tmp_path / "b")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
