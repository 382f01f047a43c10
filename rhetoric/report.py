"""The last stage: write an analysis to a folder — the tables (Parquet), the comparison tables (CSV),
the plots (PNG + SVG), a self-contained ``report.html`` and a ``manifest.json``.

Every string that comes from the corpus is HTML-escaped (:func:`html.escape`) before it reaches the
page; the page has no scripts. Outputs are byte-identical for the same input and settings: no
timestamps, sorted keys, fixed seeds, stable plot metadata.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import os
import platform
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .analysis import Analysis

__all__ = ["write_outputs", "render_html", "highlight"]

_PACKAGES = ("rhetoric", "camel-tools", "scikit-learn", "pandas", "numpy", "scipy", "statsmodels", "matplotlib",
             "pyahocorasick", "skops", "pyarrow")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def corpus_hash(documents: pd.DataFrame) -> str:
    """sha256 over (doc_id, outlet, title, text) of every document, in order."""
    digest = hashlib.sha256()
    update_corpus_hash(digest, documents)
    return digest.hexdigest()


def update_corpus_hash(digest, documents: pd.DataFrame) -> None:
    """Feed ``documents`` to a running :func:`corpus_hash` digest (a streaming engine hashes chunk by chunk)."""
    for row in documents[["doc_id", "outlet", "title", "text"]].itertuples(index=False):
        digest.update("\x1f".join(map(str, row)).encode("utf-8"))
        digest.update(b"\x1e")


def highlight(text: str, start: int, end: int, hits: pd.DataFrame) -> str:
    """``text[start:end]`` as escaped HTML with each lexicon hit wrapped in ``<mark>`` (its entry
    and category in the title attribute). ``hits`` has original ``start``/``end`` offsets."""
    columns = ["start", "end", "entry_id", "category", "lexicon"]
    return _highlight_rows(text, start, end, hits[columns].itertuples(index=False, name=None))


def _highlight_rows(text: str, start: int, end: int, hits) -> str:
    """:func:`highlight` of ``(start, end, entry_id, category, lexicon)`` tuples, in any order."""
    pieces, cursor = [], start
    for hit_start, hit_end, entry_id, category, lexicon in sorted(hits, key=lambda hit: hit[:2]):
        if hit_start < cursor or hit_end > end:
            continue
        pieces.append(html.escape(text[cursor:hit_start]))
        label = f"{entry_id} · {category} · {lexicon}"
        pieces.append(f'<mark title="{html.escape(label, quote=True)}">{html.escape(text[hit_start:hit_end])}</mark>')
        cursor = hit_end
    pieces.append(html.escape(text[cursor:end]))
    return "".join(pieces)


def _table_html(frame: pd.DataFrame, float_format: str = "{:.3f}") -> str:
    """An escaped HTML table (pandas' to_html escapes cell text by default; we keep that on)."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else float_format.format(v))
    return "<div class='scroll'>" + shown.to_html(index=False, escape=True, border=0, classes="tbl", na_rep="") + "</div>"


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _flagged_units(analysis: Analysis, by: str, per_group: int) -> dict[str, list[dict]]:
    """The most-flagged units of each group: most framing hits first, then classifier probability.
    ``rank`` is the sort key, so top lists of corpus chunks can be merged (a streamed analysis does)."""
    partials = getattr(analysis, "partials", None)
    if partials is not None:
        return partials.flagged_units(by, per_group)
    preds = analysis.predictions
    fm = analysis.framing_matches()
    docs = analysis.documents
    texts = dict(zip(docs["doc_id"].tolist(), docs["text"].tolist()))  # (tolist: Arrow columns convert in bulk)
    titles = dict(zip(docs["doc_id"].tolist(), docs["title"].tolist()))
    group_of = dict(zip(docs["doc_id"].tolist(), docs[by].tolist()))
    sp = analysis.spans
    speakers = dict(zip(zip(*(sp[c].tolist() for c in ("doc_id", "field", "span_id"))),
                        zip(sp["speaker"].tolist(), sp["speaker_type"].tolist())))
    hit_rows = fm.groupby(["doc_id", "field"], sort=False).indices
    hit_starts = fm["start"].to_numpy()
    hit_tuples = list(zip(*(fm[c].tolist() for c in ("start", "end", "entry_id", "category", "lexicon"))))
    n_hits = _hits_per_unit(preds, fm)
    keep = np.flatnonzero((n_hits > 0) | preds["label"].fillna(False).astype(bool).to_numpy())
    # Sorted by (group, most hits, highest probability, doc_id, field, start); only the first
    # ``per_group`` of each group are turned into HTML.
    candidates = preds.iloc[keep].assign(
        rank_group=preds["doc_id"].iloc[keep].map(group_of), rank_hits=-n_hits[keep],
        rank_prob=-preds["prob"].iloc[keep].fillna(0.0).astype(np.float64))
    candidates = candidates.sort_values(["rank_group", "rank_hits", "rank_prob", "doc_id", "field", "start"], kind="stable")
    top = candidates.groupby("rank_group", sort=False, dropna=False).head(per_group)
    out: dict[str, list[dict]] = {}
    for group, doc_id, field, start, end, span_id, voice, prob in zip(
            top["rank_group"], top["doc_id"], top["field"], top["start"], top["end"], top["span_id"], top["voice"],
            top["prob"]):
        rows = hit_rows.get((doc_id, field), np.zeros(0, dtype=np.int64))
        unit_hits = [hit_tuples[i] for i in rows[(hit_starts[rows] >= start) & (hit_starts[rows] < end)]]
        speaker, speaker_type = speakers[(doc_id, field, span_id)]
        source = texts[doc_id] if field == "text" else titles[doc_id]
        out.setdefault(group, []).append({
            "doc_id": doc_id, "voice": voice, "prob": prob, "speaker": speaker, "speaker_type": speaker_type,
            "html": _highlight_rows(source, start, end, unit_hits),
            "entries": sorted({f"{entry_id} ({category})" for _, _, entry_id, category, _ in unit_hits}),
            "rank": (-len(unit_hits), -(0.0 if pd.isna(prob) else float(prob)), doc_id, field, int(start)),
        })
    return out


def _hits_per_unit(units: pd.DataFrame, hits: pd.DataFrame) -> np.ndarray:
    """For each unit, the number of hits of the same (doc_id, field) that start inside it (vectorised:
    one sorted key per hit, two binary searches per unit)."""
    if units.empty or hits.empty:
        return np.zeros(len(units), dtype=np.int64)
    codes, _ = pd.factorize(pd.concat([units["doc_id"] + "\x1f" + units["field"], hits["doc_id"] + "\x1f" + hits["field"]]))
    width = int(max(units["end"].max(), hits["start"].max())) + 1
    unit_code, hit_code = codes[: len(units)].astype(np.int64), codes[len(units):].astype(np.int64)
    keys = np.sort(hit_code * width + hits["start"].to_numpy(dtype=np.int64))
    lo = np.searchsorted(keys, unit_code * width + units["start"].to_numpy(dtype=np.int64), side="left")
    hi = np.searchsorted(keys, unit_code * width + units["end"].to_numpy(dtype=np.int64), side="left")
    return hi - lo


_CSS = """
body{font-family:'Noto Sans Arabic','DejaVu Sans',sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1,h2,h3{font-weight:600} .tbl{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}
.tbl td,.tbl th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}
.unit{direction:rtl;text-align:right;border-right:4px solid #c0392b;padding:.4em .8em;margin:.5em 0;background:#fafafa}
.unit.narration{border-right-color:#2c3e50} .meta{direction:ltr;text-align:left;font-size:12px;color:#555}
mark{background:#f9d6d5;padding:0 2px} .scroll{overflow-x:auto} img{max-width:100%} .note{color:#555;font-size:13px}
"""


def render_html(analysis: Analysis, tables: dict[str, pd.DataFrame], plot_paths: dict[str, Path],
                manifest: dict[str, Any], by: str = "outlet", per_group: int = 5) -> str:
    """One self-contained page: summary with row accounting, tables, plots, flagged sentences."""
    esc = html.escape
    accounting = manifest.get("row_accounting", {})
    partials = getattr(analysis, "partials", None)  # a streamed analysis keeps the totals, not the tables
    n_tokens, n_hits, n_quotes = (
        partials.overview() if partials is not None else
        (int(analysis.spans["n_tokens"].sum()), len(analysis.framing_matches()), int((analysis.spans["voice"] == "quote").sum()))
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>rhetoric report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>rhetoric — framing report</h1>",
        "<h2>Corpus</h2>",
        f"<p>{len(analysis.documents)} documents from {analysis.documents[by].nunique()} {esc(by)} groups; "
        f"{n_tokens} tokens; {n_hits} framing hits; {n_quotes} quote spans.</p>",
        "<table class='tbl'><tr><th>rows in</th><th>loaded</th><th>skipped</th><th>warnings</th></tr>",
        f"<tr><td>{esc(str(accounting.get('rows_in', '')))}</td><td>{esc(str(accounting.get('loaded', '')))}</td>"
        f"<td>{esc(json.dumps(accounting.get('skipped', {}), ensure_ascii=False, sort_keys=True))}</td>"
        f"<td>{esc(json.dumps(accounting.get('warnings', {}), ensure_ascii=False, sort_keys=True))}</td></tr></table>",
        "<p class='note'>Rates are framing-lexicon hits (framing + counter-framing lexicons) per 1,000 tokens. "
        "Intervals are 95% percentile bootstraps over articles. The voice gap is quote minus narration; "
        "q-values are Benjamini–Hochberg adjusted across groups.</p>",
    ]
    sections = [
        ("Scores by outlet and voice", "scores", ["outlet_scores", "outlet_prob"]),
        ("Voice gap: quotes vs the outlet's own narration", "voice_gap", ["voice_gap"]),
        ("Framing categories", None, ["category_heatmap"]),
        ("Attribution stance", "attribution", []),
        ("Naming choices", "naming", ["naming"]),
        ("Distinctive words of quotes vs narration", "keyness", ["keyness"]),
        ("Over time", None, ["over_time"]),
    ]
    for title, table_name, plot_names in sections:
        parts.append(f"<h2>{esc(title)}</h2>")
        for name in plot_names:
            if name in plot_paths:
                parts.append(_img(plot_paths[name]))
        if table_name and table_name in tables and not tables[table_name].empty:
            frame = tables[table_name]
            if table_name == "keyness":
                frame = frame.head(40)
            parts.append(_table_html(frame))
    parts.append("<h2>Most-flagged sentences per group</h2>")
    for group, units in sorted(_flagged_units(analysis, by, per_group).items()):
        parts.append(f"<h3>{esc(str(group))}</h3>")
        for unit in units:
            speaker = f" — speaker: {esc(str(unit['speaker']))} ({esc(str(unit['speaker_type']))})" if unit["voice"] == "quote" and unit["speaker"] else ""
            prob = "" if pd.isna(unit["prob"]) else f" — classifier p={unit['prob']:.2f}"
            parts.append(
                f"<div class='unit {esc(unit['voice'])}'><div>{unit['html']}</div>"
                f"<div class='meta'>{esc(str(unit['doc_id']))} — {esc(unit['voice'])}{speaker}{prob}"
                f"<br>{esc('; '.join(unit['entries']))}</div></div>"
            )
    parts.append("<h2>Manifest</h2><pre class='meta'>")
    parts.append(esc(json.dumps({k: v for k, v in manifest.items() if k != "model_card"}, ensure_ascii=False, indent=2, sort_keys=True)))
    parts.append("</pre></body></html>")
    return "\n".join(parts)


def _draw(out: Path, name: str, function: str, table: pd.DataFrame, kwargs: dict) -> str | None:
    """Draw one plot to ``out/plots/<name>.png|svg``; returns ``name``, or None (and a
    ``<name>.skipped.txt`` saying why) when the table has nothing to draw. Runs in a plotting process."""
    from . import plots

    try:
        fig = getattr(plots, function)(table, save=out / "plots" / name, **kwargs)
    except (KeyError, ValueError) as exc:  # an empty table has nothing to draw
        (out / "plots" / f"{name}.skipped.txt").write_text(f"not drawn: {exc}\n", encoding="utf-8")
        return None
    plots.plt.close(fig)
    return name


def _warm_up() -> None:
    """Import the plotting module (matplotlib) in a plotting process before its first figure arrives."""
    from . import plots  # noqa: F401


#: Plotting processes: two figures render at once, so the slowest one (the category heatmap) does not
#: hold up the others while the tables are still being computed.
_PLOT_PROCESSES = 2


def _plot_pool():
    """Processes that draw the plots while this one computes the tables (None on one core).
    They start at once and import matplotlib while the first tables are computed. Each figure is
    drawn by one process from its table alone, so which process draws it does not change the file."""
    if (os.cpu_count() or 1) < 2:
        return None
    from .engines.local import _context

    pool = ProcessPoolExecutor(max_workers=_PLOT_PROCESSES, mp_context=_context())
    for _ in range(_PLOT_PROCESSES):  # a process is started per task submitted while none is idle
        pool.submit(_warm_up)
    return pool


def _done(result) -> Future:
    future: Future = Future()
    future.set_result(result)
    return future


#: Characters that make the csv module (pandas writes through it) quote a field: text holding any of
#: them is left to pandas. (An empty field is quoted only when it is a row's only field.)
_QUOTED = (",", '"', "\n", "\r")


def _float_strings(column: pd.Series) -> list[str]:
    """A float column as pandas' ``to_csv(float_format="%.6g")`` writes it ("" for NaN), formatted in
    one pass (pandas formats each value through several calls)."""
    return ["" if v != v else "%.6g" % v for v in column.tolist()]


def _csv_column(column: pd.Series) -> tuple[str, list] | None:
    """``(printf field, values)`` that write ``column`` as pandas' ``to_csv(float_format="%.6g")``
    writes it, or None when only pandas knows (dates, missing text, text it would quote)."""
    kind = column.dtype.kind
    if kind == "f":
        return ("%s", _float_strings(column)) if column.isna().any() else ("%.6g", column.tolist())
    if kind in "iu":
        return "%d", column.tolist()
    if kind == "b":
        return "%s", column.tolist()  # True / False
    if pd.api.types.is_string_dtype(column.dtype):
        values = column.tolist()
        if all(type(v) is str for v in values) and not any(c in "".join(values) for c in _QUOTED):
            return "%s", values
    return None


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame.to_csv(path, index=False, float_format="%.6g")``, the same bytes, each row written by one
    printf-style template: the 119,000 keyness rows take ~0.3 s CPU instead of ~0.5 s (floats
    formatted by us, the rest by pandas) or ~1.5 s (pandas alone). Frames with a value the template
    cannot write as pandas would (see :func:`_csv_column`) go through pandas, floats formatted by us."""
    plain = len(frame) > 0 and len(frame.columns) > 1 and frame.columns.is_unique and all(
        type(name) is str for name in frame.columns)
    columns = [_csv_column(frame.iloc[:, i]) for i in range(len(frame.columns))] if plain else [None]
    if any(column is None for column in columns):
        shown = frame.copy(deep=False)
        for name in shown.columns:
            if pd.api.types.is_float_dtype(shown[name].dtype):
                shown[name] = np.array(_float_strings(shown[name]), dtype=object)
        shown.to_csv(path, index=False)
        return
    header = io.StringIO()
    csv.writer(header, lineterminator=os.linesep).writerow(frame.columns)  # quoted as pandas quotes it
    row = ",".join(field for field, _ in columns) + os.linesep
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(header.getvalue())
        handle.write("".join(map(row.__mod__, zip(*(values for _, values in columns)))))


def write_outputs(analysis: Analysis, out_dir: str | Path, *, by: str = "outlet", load_report: dict | None = None,
                  settings: dict | None = None) -> Path:
    """Write every output of ``rhetoric analyze`` to ``out_dir``; return the path of report.html."""
    out = Path(out_dir)
    (out / "plots").mkdir(parents=True, exist_ok=True)
    pool = _plot_pool()  # first: its processes import matplotlib while the tables are written and computed
    try:
        partials = getattr(analysis, "partials", None)
        if partials is not None:  # a streamed analysis: partitioned tables, out/<name>.parquet/part-*.parquet
            partials.write_tables(out)
        else:
            for name in ("documents", "spans", "matches", "predictions"):
                target = out / f"{name}.parquet"
                if target.is_dir():  # a streamed run's partitioned table of the same name
                    shutil.rmtree(target)
                getattr(analysis, name).to_parquet(target, index=False)
        # Tables in the order their plots are drawn, the slowest figures first; each table's plots go to
        # the plotting processes as soon as it is ready, so figures render while the next tables are computed.
        makers = {
            "category_scores": lambda: analysis.category_scores(by=by),
            "naming": lambda: analysis.naming(by=by),
            "keyness": lambda: analysis.keyness({"voice": "quote"}, {"voice": "narration"}),
            "scores": lambda: analysis.scores(by=by),
            "voice_gap": lambda: analysis.voice_gap(by=by),
            "over_time": lambda: analysis.over_time("M", by=by),
            # = analysis.scores(by=by, by_speaker_type=True), without computing the voice rows twice
            "scores_by_speaker_type": lambda: pd.concat([tables["scores"], analysis._score_rows([by], True, True)],
                                                        ignore_index=True),
            "attribution": lambda: analysis.attribution(by=by),
            "adoption": lambda: analysis.adoption(by=by),
        }
        figures = {  # table -> [(plot name, plots function, keyword arguments)]
            "scores": [("outlet_scores", "outlet_scores", {"by": by}),
                       ("outlet_prob", "outlet_scores", {"by": by, "measure": "mean_prob",
                                                         "title": "Mean classifier probability by outlet and voice (95% CI)"})],
            "voice_gap": [("voice_gap", "voice_gap", {"by": by})],
            "category_scores": [("category_heatmap", "category_heatmap", {"by": by, "voice": None})],
            "keyness": [("keyness", "keyness_scatter", {"title": "Quotes (target) vs narration (reference)"})],
            "naming": [("naming", "naming_preferences", {"by": by})],
            "over_time": [("over_time", "time_series", {"by": by})],
        }
        tables: dict[str, pd.DataFrame] = {}
        drawn: list[Future] = []
        for table_name, make in makers.items():
            frame = tables[table_name] = make()
            _write_csv(frame, out / f"{table_name}.csv")
            for name, function, kwargs in figures.get(table_name, []):
                if name == "outlet_prob" and not frame["mean_prob"].notna().any():
                    continue  # no classifier: nothing to draw
                args = (out, name, function, frame, kwargs)
                drawn.append(pool.submit(_draw, *args) if pool is not None else _done(_draw(*args)))
        plot_paths = {name: out / "plots" / f"{name}.png" for name in (f.result() for f in drawn) if name}
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    model_card = getattr(analysis.model, "card_", None)  # set by rhetoric.model_io.load_model
    versions = _versions()
    manifest = {
        "rhetoric_version": versions["rhetoric"],
        "versions": versions,
        "settings": dict(sorted((settings or {}).items())),
        "seed": analysis.seed,
        "corpus_sha256": partials.corpus_sha256 if partials is not None else corpus_hash(analysis.documents),
        "row_accounting": load_report or {},
        "lexicons": [
            {"name": lex.name, "version": lex.version, "kind": lex.kind, "hash": lex.version_hash,
             "entries": len(lex.entries)} for lex in analysis.lexicons
        ],
        "model_card": model_card,
        "outputs": sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"),
    }
    page = render_html(analysis, tables, plot_paths, manifest, by=by)
    (out / "report.html").write_text(page, encoding="utf-8")
    manifest["outputs"] = sorted(set(manifest["outputs"]) | {"report.html"})
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
                                       encoding="utf-8")
    return out / "report.html"
