"""PNG smoke test of every plot type, with Arabic labels and no missing-glyph warnings (the bundled
OFL font must cover Arabic; DejaVu Sans the Latin text)."""
import re
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


def _tight_png(fig, path):
    """What a plain ``savefig(bbox_inches="tight")`` writes, for comparison with save_figure."""
    fig.savefig(path, format="png", dpi=plots.DPI, bbox_inches="tight", metadata={"Software": None})
    return path.read_bytes()


def _svg_size(path):
    head = path.read_text(encoding="utf-8")[:2000]
    width, height = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', head).groups()
    return float(width), float(height)


def test_save_figure_crops_like_savefig_tight(tmp_path):
    """The crop measured once and shared by both formats is the one "tight" finds: the PNG is the
    same bytes, the SVG's size is within 2 pt (its "tight" crop is measured at 72 dpi)."""
    fig = plots.outlet_scores(_scores())
    engine, dpi = fig.get_layout_engine(), fig.dpi
    plots.save_figure(fig, tmp_path / "shared")
    assert fig.get_layout_engine() is engine and fig.dpi == dpi  # the returned figure is left as it was
    assert (tmp_path / "shared.png").read_bytes() == _tight_png(fig, tmp_path / "tight.png")
    fig.savefig(tmp_path / "tight.svg", format="svg", dpi=plots.DPI, bbox_inches="tight")
    shared, tight = _svg_size(tmp_path / "shared.svg"), _svg_size(tmp_path / "tight.svg")
    assert all(abs(a - b) <= 2 for a, b in zip(shared, tight)), (shared, tight)
    plots.plt.close(fig)


def test_save_figure_runs_a_live_layout_engine(tmp_path):
    """A figure of the user's with constrained layout is laid out before the crop is measured."""
    fig, ax = plots.plt.subplots(figsize=(5, 3), layout="constrained")
    ax.plot([0, 1], [0, 1])
    ax.set_title("وكالة الفجر")
    ax.set_ylabel("a rather long label on the y axis")
    plots.save_figure(fig, tmp_path / "shared")
    assert (tmp_path / "shared.png").read_bytes() == _tight_png(fig, tmp_path / "tight.png")
    plots.plt.close(fig)


def _keyness_table(n=3000):
    rng = np.random.default_rng(1)
    target = pd.Series(rng.integers(1, 400, n), index=[f"w{i}" for i in range(n)])
    reference = pd.Series(rng.integers(1, 400, n), index=target.index)
    target.iloc[:40] *= 20  # distinctive on the target side
    reference.iloc[40:80] *= 20  # and on the reference side
    return stats.log_odds_dirichlet(target, reference)


def test_keyness_draws_every_point_in_its_colour(tmp_path):
    table = _keyness_table()
    fig = plots.keyness_scatter(table, save=tmp_path / "k")
    drawn = {line.get_color(): line.get_ydata() for line in fig.axes[0].get_lines() if line.get_marker() == "o"}
    z = table["z"].to_numpy()
    assert sorted(drawn[plots.VOICE_COLORS["quote"]]) == sorted(z[z > 1.96])
    assert sorted(drawn[plots.VOICE_COLORS["narration"]]) == sorted(z[z < -1.96])
    assert sum(len(v) for v in drawn.values()) == len(z)
    assert (tmp_path / "k.svg").read_text(encoding="utf-8").count("<image") == 1  # the points are one bitmap
    plots.plt.close(fig)


def test_heatmap_svg_embeds_the_cells_not_a_resampled_bitmap(tmp_path):
    cats = pd.DataFrame([dict(outlet=o, voice="narration", category=c, rate_per_1k=r)
                         for o in OUTLETS for c, r in (("anti_imperialism", 2.0), ("sacralisation", 1.0),
                                                       ("regime_labelling", 0.5))])
    plots.plt.close(plots.category_heatmap(cats, save=tmp_path / "h"))
    svg = (tmp_path / "h.svg").read_text(encoding="utf-8")
    assert re.search(r'<image[^>]*width="2" height="3"[^>]*image-rendering:pixelated', svg)


def test_large_figures_are_deterministic(tmp_path):
    table = _keyness_table()
    for stem in ("a", "b"):
        plots.plt.close(plots.keyness_scatter(table, save=tmp_path / stem))
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
