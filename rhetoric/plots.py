"""Figures a researcher can put in a paper. Each function takes a result table of
:class:`rhetoric.analysis.Analysis`, returns the matplotlib Figure, and saves PNG and SVG when given
``save="path/stem"``.

Arabic: matplotlib >= 3.11 shapes Arabic and orders it right-to-left itself (through its text
layout engine), so labels are passed as plain Unicode — no arabic-reshaper / python-bidi. The
bundled Noto Sans Arabic font (SIL OFL, ``rhetoric/fonts``) is registered on import and put first
in the sans-serif family, with DejaVu Sans as the fallback for Latin and digits.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import matplotlib

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import PlaceHolderLayoutEngine  # noqa: E402

from .resources import fonts_dir  # noqa: E402

__all__ = [
    "register_fonts",
    "outlet_scores",
    "voice_gap",
    "category_heatmap",
    "keyness_scatter",
    "naming_preferences",
    "time_series",
    "calibration_curves",
    "save_figure",
]

ARABIC_FONT = "Noto Sans Arabic"
VOICE_COLORS = {"quote": "#c0392b", "narration": "#2c3e50", "all": "#7f8c8d"}


def register_fonts() -> None:
    """Register the bundled OFL Arabic font and make it the default sans-serif family."""
    for path in sorted(fonts_dir().glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))
    # A list of concrete families turns on matplotlib's per-glyph fallback: Arabic from Noto,
    # Latin letters and digits from DejaVu Sans (which ships with matplotlib).
    matplotlib.rcParams["font.family"] = [ARABIC_FONT, "DejaVu Sans"]
    matplotlib.rcParams["svg.fonttype"] = "path"  # SVGs render the same without the font installed
    matplotlib.rcParams["svg.hashsalt"] = "rhetoric"  # deterministic SVG ids
    matplotlib.rcParams["pdf.fonttype"] = 42


register_fonts()


#: Resolution of the PNGs (and of the rasterized parts of the SVGs).
DPI = 150


def save_figure(fig: Figure, save: str | Path | None, formats: Sequence[str] = ("png", "svg")) -> Figure:
    """Save ``fig`` as ``save.png`` and ``save.svg`` (byte-stable metadata), cropped to the drawn
    content; return it."""
    if save is not None:
        stem = Path(save)
        stem.parent.mkdir(parents=True, exist_ok=True)
        placeholder = fig.get_layout_engine()
        # fig.tight_layout() leaves a placeholder engine that places nothing, yet savefig draws the
        # whole figure once more for any engine before saving: with the layout final, save without it.
        if isinstance(placeholder, PlaceHolderLayoutEngine):
            with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
                fig.set_layout_engine(None)
        try:
            crop = _tight_crop(fig)
            for fmt in formats:
                meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
                fig.savefig(stem.with_suffix(f".{fmt}"), format=fmt, dpi=DPI, bbox_inches=crop, metadata=meta)
        finally:
            if isinstance(placeholder, PlaceHolderLayoutEngine):
                fig.set_layout_engine(placeholder)
    return fig


@contextmanager
def _at_png_dpi(fig: Figure):
    """Measure ``fig`` at the PNG's resolution: matplotlib keeps the text sizes it measures per
    renderer, so the layout and the crop measured at it are reused by the PNG's own drawing."""
    original = fig.dpi
    fig.dpi = DPI
    try:
        yield
    finally:
        fig.dpi = original


def _tight_layout(fig: Figure) -> None:
    """``fig.tight_layout()`` measured at the PNG's resolution (see :func:`_at_png_dpi`), so
    :func:`save_figure`'s crop reuses the text sizes instead of laying out every text again."""
    with _at_png_dpi(fig):
        fig.tight_layout()


def _tight_crop(fig: Figure):
    """The area ``savefig(bbox_inches="tight")`` keeps, measured once at the PNG's resolution and
    shared by every format: "tight" would lay out every text once more per format just to find it."""
    with _at_png_dpi(fig):
        if fig.get_layout_engine() is not None:  # a live engine (constrained, ...) places artists when drawn
            fig.draw_without_rendering()
        return fig.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])


def _errors(values: pd.Series, low: pd.Series, high: pd.Series) -> np.ndarray:
    lower = np.clip((values - low).to_numpy(dtype=float), 0, None)
    upper = np.clip((high - values).to_numpy(dtype=float), 0, None)
    return np.nan_to_num(np.vstack([lower, upper]))


def outlet_scores(scores: pd.DataFrame, *, by: str = "outlet", measure: str = "rate_per_1k",
                  title: str | None = None, save=None) -> Figure:
    """Horizontal dot-and-interval plot of one measure per outlet, one colour per voice, outlets
    sorted by their narration value (or overall value)."""
    ci = {"rate_per_1k": ("rate_ci_low", "rate_ci_high"), "mean_prob": ("prob_ci_low", "prob_ci_high"),
          "weighted_rate_per_1k": ("weighted_ci_low", "weighted_ci_high"),
          "flagged_share": ("flagged_ci_low", "flagged_ci_high")}[measure]
    data = scores[scores.get("speaker_type", "all") == "all"] if "speaker_type" in scores else scores
    voices = [v for v in ("narration", "quote", "all") if v in set(data["voice"])]
    order_voice = "narration" if "narration" in voices else voices[0]
    order = (data[data["voice"] == order_voice].sort_values(measure, na_position="first")[by].tolist())
    order += [o for o in sorted(data[by].unique()) if o not in order]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(order) + 1.6))
    offsets = np.linspace(-0.18, 0.18, len(voices)) if len(voices) > 1 else [0.0]
    for off, voice in zip(offsets, voices):
        sub = data[data["voice"] == voice].set_index(by).reindex(order)
        y = np.arange(len(order)) + off
        ax.errorbar(sub[measure], y, xerr=_errors(sub[measure], sub[ci[0]], sub[ci[1]]), fmt="o",
                    color=VOICE_COLORS.get(voice, "gray"), label=voice, capsize=3, markersize=5)
    ax.set_yticks(np.arange(len(order)), order)
    ax.set_xlabel({"rate_per_1k": "framing hits per 1,000 tokens", "mean_prob": "mean classifier probability",
                   "weighted_rate_per_1k": "weighted hits per 1,000 tokens",
                   "flagged_share": "share of flagged sentences"}[measure])
    ax.grid(axis="x", alpha=0.3)
    ax.legend(title="voice", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(title or "Framing by outlet and voice (95% article-bootstrap CI)")
    _tight_layout(fig)
    return save_figure(fig, save)


def voice_gap(gap: pd.DataFrame, *, by: str = "outlet", measure: str = "rate_per_1k", save=None) -> Figure:
    """Dumbbell per outlet: narration value to quote value, with the gap's CI and q-value noted."""
    data = gap[gap["measure"] == measure].sort_values("gap", na_position="first")
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(data) + 1.6))
    y = np.arange(len(data))
    ax.hlines(y, data["narration"], data["quote"], color="#bdc3c7", linewidth=3, zorder=1)
    ax.scatter(data["narration"], y, color=VOICE_COLORS["narration"], label="narration", zorder=2)
    ax.scatter(data["quote"], y, color=VOICE_COLORS["quote"], label="quote", zorder=2)
    for yi, (_, row) in zip(y, data.iterrows()):
        if pd.notna(row.get("q_value")):
            ci = (f"[{row['gap_ci_low']:.2f}, {row['gap_ci_high']:.2f}]" if pd.notna(row["gap_ci_low"])
                  else "[CI n/a: 1 article]")
            ax.annotate(f"gap {row['gap']:.2f} {ci} q={row['q_value']:.3f}",
                        (max(row["quote"], row["narration"]), yi), xytext=(6, -3), textcoords="offset points", fontsize=7)
    ax.set_yticks(y, data[by].tolist())
    ax.set_xlabel("framing hits per 1,000 tokens" if measure == "rate_per_1k" else "mean classifier probability")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title("Quoted voices vs the outlet's own narration")
    ax.margins(x=0.35)
    _tight_layout(fig)
    return save_figure(fig, save)


def category_heatmap(category_scores: pd.DataFrame, *, by: str = "outlet", voice: str | None = "narration",
                     save=None) -> Figure:
    """Category x outlet heatmap of hits per 1,000 tokens (one voice, or all when ``voice=None``)."""
    data = category_scores if voice is None or "voice" not in category_scores else category_scores[category_scores["voice"] == voice]
    table = data.pivot_table(index="category", columns=by, values="rate_per_1k", aggfunc="sum").fillna(0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(1.0 * max(4, table.shape[1]) + 3, 0.4 * max(3, table.shape[0]) + 1.8))
    image = ax.imshow(table.to_numpy(), aspect="auto", cmap="Reds", interpolation="none")
    ax.set_xticks(np.arange(table.shape[1]), table.columns.tolist(), rotation=35, ha="right")
    ax.set_yticks(np.arange(table.shape[0]), table.index.tolist())
    # The cell labels sit inside their cells, so the layout and the crop need not measure them.
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        if value > 0:
            ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=7, in_layout=False,
                    color="white" if value > table.to_numpy().max() * 0.6 else "black")
    fig.colorbar(image, ax=ax, label="hits per 1,000 tokens")
    ax.set_title(f"Framing categories by outlet ({voice or 'all voices'})")
    _tight_layout(fig)
    return save_figure(fig, save)


def keyness_scatter(keyness: pd.DataFrame, *, n_labels: int = 12, title: str | None = None, save=None) -> Figure:
    """"Fightin' words" plot: word frequency (log) against the log-odds z-score, the most
    distinctive words of each side labelled in Arabic."""
    data = keyness.copy()
    total = (data["count_target"] + data["count_reference"]).clip(lower=1)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    x, z = np.log10(total).to_numpy(), data["z"].to_numpy()
    # Tens of thousands of points: one marker line per colour (a scatter would convert a colour
    # per point and draw them one by one), drawn as one image inside the SVG (labels and axes stay
    # vector), which keeps the file small and the save fast. Grey first: the distinctive words on top.
    for group, color in ((np.abs(z) <= 1.96, "#bdc3c7"), (z > 1.96, VOICE_COLORS["quote"]),
                         (z < -1.96, VOICE_COLORS["narration"])):
        ax.plot(x[group], z[group], linestyle="none", marker="o", markersize=np.sqrt(10), markeredgewidth=0,
                color=color, alpha=0.7, rasterized=True)
    top = pd.concat([data.nlargest(n_labels, "z"), data.nsmallest(n_labels // 2, "z")])
    for _, row in top.iterrows():
        ax.annotate(row["term"], (np.log10(max(1, row["count_target"] + row["count_reference"])), row["z"]),
                    fontsize=9, xytext=(3, 2), textcoords="offset points")
    ax.axhline(1.96, color="gray", linestyle=":", linewidth=0.8)
    ax.axhline(-1.96, color="gray", linestyle=":", linewidth=0.8)
    ax.set_xlabel("log10 frequency (target + reference)")
    ax.set_ylabel("z-score of log-odds (target vs reference)")
    ax.set_title(title or "Distinctive words (log-odds, informative Dirichlet prior)")
    _tight_layout(fig)
    return save_figure(fig, save)


def naming_preferences(naming: pd.DataFrame, *, by: str = "outlet", min_hits: int = 1, max_pairs: int | None = 12,
                       save=None) -> Figure:
    """Share of variant A per naming pair and outlet, with CI (pairs with too few hits hidden).

    One panel per pair: only the ``max_pairs`` pairs with the most hits are drawn (None: all), since
    dozens of panels are neither readable nor quick to render; the table keeps every pair."""
    data = naming[naming["n_hits"] >= min_hits]
    pairs = sorted(data["pair_id"].unique())
    if max_pairs is not None and len(pairs) > max_pairs:
        totals = data.groupby("pair_id")["n_hits"].sum()
        pairs = sorted(sorted(pairs, key=lambda pair: (-totals[pair], pair))[:max_pairs])
    outlets = sorted(data[by].unique())
    ncols = max(1, min(6, len(pairs)))  # rows of up to six panels: a figure that fits a page
    nrows = max(1, -(-len(pairs) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 1.5, nrows * (0.4 * len(outlets) + 1.6) + 0.6),
                             sharey=True, squeeze=False)
    for ax in axes.flat[len(pairs):]:
        ax.set_visible(False)
    for ax, pair in zip(axes.flat, pairs):
        sub = data[data["pair_id"] == pair].set_index(by).reindex(outlets)
        y = np.arange(len(outlets))
        ax.errorbar(sub["share_a"], y, xerr=_errors(sub["share_a"], sub["share_ci_low"], sub["share_ci_high"]),
                    fmt="o", color="#8e44ad", capsize=3)
        ax.axvline(0.5, color="gray", linestyle=":", linewidth=0.8)
        ax.set_xlim(-0.05, 1.05)
        first = sub["label_a"].dropna()
        second = sub["label_b"].dropna()
        ax.set_title(f"A: {first.iloc[0] if len(first) else pair}\nB: {second.iloc[0] if len(second) else ''}", fontsize=9)
        ax.set_xlabel("share of A")
    axes[0][0].set_yticks(np.arange(len(outlets)), outlets)  # shared by every panel
    shown = f" — the {len(pairs)} most-used pairs" if len(pairs) < data["pair_id"].nunique() else ""
    fig.suptitle(f"Naming choices by outlet (95% CI){shown}")
    _tight_layout(fig)
    return save_figure(fig, save)


def time_series(over_time: pd.DataFrame, *, by: str = "outlet", measure: str = "rate_per_1k",
                voice: str = "narration", min_docs: int = 5, save=None) -> Figure:
    """One line per outlet over periods, with its CI band; periods with fewer than ``min_docs``
    articles are left out (their intervals are too wide to read)."""
    data = over_time[over_time["voice"] == voice] if "voice" in over_time else over_time
    data = data[data["n_docs"] >= min_docs]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    colors = plt.get_cmap("tab20").colors
    for i, (name, sub) in enumerate(data.sort_values("period").groupby(by, sort=True)):
        color = colors[i % len(colors)]
        ax.plot(sub["period"], sub[measure], marker="o", markersize=3, label=str(name), color=color)
        if measure == "rate_per_1k":
            ax.fill_between(sub["period"], sub["rate_ci_low"], sub["rate_ci_high"], alpha=0.08, color=color)
    ax.set_ylabel("framing hits per 1,000 tokens" if measure == "rate_per_1k" else measure)
    ax.set_title(f"Framing over time ({voice}; periods with ≥ {min_docs} articles)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        ax.text(0.5, 0.5, f"no period with ≥ {min_docs} articles", transform=ax.transAxes, ha="center")
    fig.autofmt_xdate()
    _tight_layout(fig)
    return save_figure(fig, save)


def calibration_curves(y_true, prob, *, n_bins: int = 10, save=None) -> Figure:
    """Reliability diagram and precision-recall curve of a binary classifier."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y_true = np.asarray(y_true).astype(int)
    prob = np.asarray(prob, dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    frac, mean = calibration_curve(y_true, prob, n_bins=n_bins, strategy="quantile")
    left.plot([0, 1], [0, 1], linestyle=":", color="gray")
    left.plot(mean, frac, marker="o")
    left.set_xlabel("predicted probability")
    left.set_ylabel("observed share positive")
    left.set_title("Calibration")
    precision, recall, _ = precision_recall_curve(y_true, prob)
    right.plot(recall, precision)
    right.set_xlabel("recall")
    right.set_ylabel("precision")
    right.set_title(f"Precision-recall (AP {average_precision_score(y_true, prob):.3f})")
    _tight_layout(fig)
    return save_figure(fig, save)
