"""The analysis stage: run segment -> match -> classify on a documents table and compare outlets.

``analyze(documents)`` returns an :class:`Analysis` holding the stage tables (documents, spans,
matches, predictions; columns in :mod:`rhetoric.tables`) and the comparison methods researchers
use: :meth:`Analysis.scores`, :meth:`Analysis.voice_gap`, :meth:`Analysis.attribution`,
:meth:`Analysis.keyness`, :meth:`Analysis.naming`, :meth:`Analysis.over_time`.

Every interval is a 95% percentile bootstrap over ARTICLES with a seed derived from the group
(see :mod:`rhetoric.stats`); every group row carries ``n_docs``, ``n_tokens`` and ``n_hits``.
"""
from __future__ import annotations

import copy
import functools
import json
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import stats
from .errors import RhetoricError
from .tables import check_table
from .text import count_word_forms, normalize, split_sentences

__all__ = ["analyze", "run_stages", "load_lexicon_set", "resolve_model", "Analysis", "FRAMING_KINDS"]

#: Lexicon kinds whose hits count as framing in the scores (reporting signals do not).
FRAMING_KINDS = ("framing", "counter_framing")
VOICES = ("quote", "narration")
#: Content type given to classification units when a model was trained with types (tweet / paragraph).
UNIT_CONTENT_TYPE = "paragraph"


def _progress(iterable, total: int | None, desc: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="doc", leave=False)


# --------------------------------------------------------------------------- running the stages


def resolve_model(model: Any):
    """``"default"`` -> the shipped model, a path -> loaded with skops, None -> no classifier."""
    if model is None:
        return None
    if isinstance(model, str) and model == "default":
        from .classify import load_default_model

        return load_default_model()
    if isinstance(model, (str, bytes)) or hasattr(model, "__fspath__"):
        from .model_io import load_model

        return load_model(model)
    return model


def _assign_spans(matches: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Give each match the span (and voice) its start falls in.

    Spans come grouped by (doc_id, field) and in text order within a group (as
    :func:`rhetoric.segment.segment_documents` makes them), so one sorted key per span — the group's
    number, then its start — finds every match's span with one binary search."""
    if matches.empty:
        return matches.assign(span_id=pd.Series(dtype="int64"), voice=pd.Series(dtype="object"))
    codes, _ = pd.factorize(pd.concat([spans["doc_id"] + "\x1f" + spans["field"],
                                       matches["doc_id"] + "\x1f" + matches["field"]], ignore_index=True))
    width = int(max(spans["end"].max(), matches["start"].max())) + 1
    span_keys = codes[: len(spans)].astype(np.int64) * width + spans["start"].to_numpy(dtype=np.int64)
    match_keys = codes[len(spans):].astype(np.int64) * width + matches["start"].to_numpy(dtype=np.int64)
    if np.any(np.diff(span_keys) <= 0):
        raise RhetoricError("spans must be grouped by (doc_id, field) and in text order")
    pos = np.searchsorted(span_keys, match_keys, side="right") - 1
    return matches.assign(span_id=spans["span_id"].to_numpy()[pos], voice=spans["voice"].to_numpy()[pos])


def _span_positions(spans: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Position in ``spans`` of each row's (doc_id, field, span_id); -1 when ``spans`` lacks it.
    The key is packed into one integer: a hash look-up of numbers, not of string tuples."""
    if spans.empty or rows.empty:
        return np.full(len(rows), -1, dtype=np.intp)
    doc, _ = pd.factorize(pd.concat([spans["doc_id"], rows["doc_id"]], ignore_index=True))
    fld, fields = pd.factorize(pd.concat([spans["field"], rows["field"]], ignore_index=True))
    span_id = np.concatenate([spans["span_id"].to_numpy(dtype=np.int64), rows["span_id"].to_numpy(dtype=np.int64)])
    key = (doc.astype(np.int64) * len(fields) + fld) * (int(span_id.max()) + 1) + span_id
    return pd.Index(key[: len(spans)]).get_indexer(key[len(spans):])


def _rows_in_table(spans: pd.DataFrame, rows: pd.DataFrame, row_of_span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which ``rows`` have their span in ``spans`` (an inner merge on the span key keeps those), and
    the table row of that span (``row_of_span``: one per span)."""
    positions = _span_positions(spans, rows)
    found = positions >= 0
    return found, row_of_span[positions[found]]


def _sums(values: pd.Series, table_row: np.ndarray) -> pd.Series:
    """``values`` summed per table row (rows that have values only, in order): pandas' own grouped
    sum, so floats add up in the same order and with the same compensation as a groupby on the keys."""
    return values.reset_index(drop=True).groupby(table_row, sort=True).sum()


def _units(documents: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Classification units: sentences cut at span borders, so each unit has one voice."""
    rows = []
    texts = {
        (d, "text"): t for d, t in zip(documents["doc_id"], documents["text"])
    } | {(d, "title"): t for d, t in zip(documents["doc_id"], documents["title"]) if t}
    span_ids, voices = spans["span_id"].tolist(), spans["voice"].tolist()
    starts, ends = spans["start"].tolist(), spans["end"].tolist()
    for (doc_id, fld), index in spans.groupby(["doc_id", "field"], sort=False).indices.items():
        text = texts[(doc_id, fld)]
        sentence_ends = [end for _, end in split_sentences(text)]
        unit_id = 0
        for i in index:
            start, end = starts[i], ends[i]
            inside = sentence_ends[bisect_right(sentence_ends, start):bisect_left(sentence_ends, end)]
            cuts = [start, *inside, end]
            for a, b in zip(cuts[:-1], cuts[1:]):
                piece = text[a:b]
                if any(ch.isalpha() for ch in piece):
                    rows.append((doc_id, fld, unit_id, span_ids[i], voices[i], a, b, piece))
                    unit_id += 1
    names = ["doc_id", "field", "unit_id", "span_id", "voice", "start", "end", "unit_text"]
    if not rows:
        return pd.DataFrame(rows, columns=names)
    columns_ = dict(zip(names, map(list, zip(*rows))))
    # the texts only go back to Python (the classifier): an object column, not Arrow strings made and undone
    columns_["unit_text"] = pd.Series(columns_["unit_text"], dtype=object)
    return pd.DataFrame(columns_)


def _predict(model, units: pd.DataFrame, explain_top: int) -> pd.DataFrame:
    columns = ["doc_id", "field", "unit_id", "span_id", "voice", "start", "end"]
    out = units[columns].copy()
    if model is None or units.empty:
        out["prob"] = np.nan
        out["label"] = False
        out["top_features"] = "[]"
        return out
    texts = units["unit_text"].tolist()
    if getattr(model, "use_type_", False):
        # a model that knows content types: news units are closest to the paragraphs it saw
        inputs = pd.DataFrame({"text": texts, "type": [UNIT_CONTENT_TYPE] * len(texts)})
    else:
        inputs = texts
    probs, features = _probabilities(model, inputs)
    if hasattr(model, "decision_thresholds"):
        threshold = np.asarray(model.decision_thresholds(inputs), dtype=float)
    else:
        threshold = float(getattr(model, "threshold_", 0.5))
    out["prob"] = probs
    out["label"] = probs >= threshold
    explanations = np.full(len(out), "[]", dtype=object)
    flagged = np.flatnonzero(out["label"].to_numpy()) if explain_top else []
    if len(flagged):
        rows = features[flagged] if features is not None else None
        explanations[flagged] = _explanations(model, units["unit_text"].iloc[flagged].tolist(), explain_top, rows)
    out["top_features"] = explanations
    return out


def _probabilities(model, inputs) -> tuple[np.ndarray, Any]:
    """P(framing) of each unit, and the feature matrix behind it when the model can keep it
    (:meth:`FramingClassifier.predict_proba_with_features`): the explanations of flagged units (about
    half of all units) then need no second transform."""
    if hasattr(model, "predict_proba_with_features"):
        probs, features = model.predict_proba_with_features(inputs)
        return np.asarray(probs)[:, 1], features
    return np.asarray(model.predict_proba(inputs))[:, 1], None


def _explanations(model, texts: list[str], top: int, features=None) -> list[str]:
    """JSON ``[[feature, weight], ...]`` of each text's ``top`` contributions, as ``model.explain``
    ranks them (|coef x value|, weights rounded to 6 places). A FramingClassifier's features are
    those the prediction kept (``features``, one row per text) or computed for all texts in one
    transform (one call per text was most of the analysis time)."""
    step = getattr(getattr(model, "pipeline_", None), "named_steps", {}).get("features")
    if step is None or not hasattr(model, "_frame") or not hasattr(model, "coefficients"):
        return [json.dumps([[name, round(float(weight), 6)] for name, weight, *_ in model.explain(text, top=top)],
                           ensure_ascii=False) for text in texts]
    if features is None:
        frame = model._frame(pd.DataFrame({"text": texts, "type": [UNIT_CONTENT_TYPE] * len(texts)}), model.use_type_)
        features = step.transform(frame)
    return model._row_top_features(features, top, digits=6)


#: The last lexicon set's Matcher: an engine's worker runs chunk after chunk with the same lexicons,
#: and building the automaton takes ~0.7 s.
_MATCHER_CACHE: list = []


def _matcher(lexicons: list):
    """A :class:`~rhetoric.match.Matcher` of ``lexicons``, reused while lexicons with the same content
    come back: the same objects, or equal copies (a Dask worker receives a new copy with every task).
    The key is a snapshot (entries as a tuple), so a lexicon edited in place is not taken for the old one."""
    from .match import Matcher

    if not lexicons or not all(hasattr(lx, "entries") for lx in lexicons):  # paths: loaded by the Matcher itself
        return Matcher(lexicons)
    key = [(lx.name, lx.version, lx.kind, lx.version_hash, tuple(lx.entries)) for lx in lexicons]
    if _MATCHER_CACHE and _MATCHER_CACHE[0] == key:
        return _MATCHER_CACHE[1]
    matcher = Matcher(lexicons)
    _MATCHER_CACHE[:] = [key, matcher]
    return matcher


def run_stages(documents: pd.DataFrame, lexicons: list, model: Any, explain_top: int = 5,
               progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The per-document stages (segment -> match -> classify) on a documents table.

    Returns ``(spans, matches, predictions)``. Documents are independent here, so an engine can run
    this on chunks of a corpus in parallel and concatenate the results (see :mod:`rhetoric.engines`).
    """
    from .segment import segment_documents

    spans = segment_documents(documents)
    matches = _assign_spans(_matcher(lexicons).match_documents(documents), spans)
    predictions = _predict(model, _units(documents, spans), explain_top)
    return spans, matches.reset_index(drop=True), predictions.reset_index(drop=True)


def analyze(
    documents: pd.DataFrame,
    lexicons: Any = None,
    model: Any = "default",
    *,
    seed: int = 0,
    explain_top: int = 5,
    progress: bool = False,
) -> "Analysis":
    """Segment, match and classify ``documents``; return an :class:`Analysis`.

    Parameters
    ----------
    documents: a documents table (see :func:`rhetoric.load_corpus`).
    lexicons: lexicon file paths, loaded lexicons, or None for the shipped ones.
    model: ``"default"`` (the shipped classifier), a model path, a fitted model, or None.
    seed: seed of every bootstrap and permutation (results are identical for the same seed).
    explain_top: number of top features stored for each flagged unit (0 to skip explanations).
    progress: show a progress bar over chunks of documents.
    """
    check_table(documents, "documents")
    if documents.empty:
        raise RhetoricError("the corpus has no documents to analyse")
    documents = documents.reset_index(drop=True)
    loaded = load_lexicon_set(lexicons)
    classifier = resolve_model(model)
    chunk = 200
    parts = []
    starts = range(0, len(documents), chunk)
    for start in _progress(starts, len(starts), "analysing (x200 docs)", progress):
        parts.append(run_stages(documents.iloc[start:start + chunk], loaded, classifier, explain_top))
    spans, matches, predictions = (pd.concat([p[i] for p in parts], ignore_index=True) for i in range(3))
    return Analysis(documents=documents, spans=spans, matches=matches, predictions=predictions,
                    lexicons=loaded, model=classifier, seed=seed)


def load_lexicon_set(lexicons: Any) -> list:
    """Lexicon paths, loaded lexicons, or None (the shipped lexicons) -> a list of loaded lexicons."""
    from .lexicon import load_lexicons

    if lexicons is None:
        return load_lexicons()
    if isinstance(lexicons, (str, bytes)) or hasattr(lexicons, "__fspath__"):
        return load_lexicons([lexicons])
    items = list(lexicons)
    if items and all(isinstance(x, (str, bytes)) or hasattr(x, "__fspath__") for x in items):
        return load_lexicons(items)
    return items


def naming_matcher(pairs: Any = None):
    """A Matcher whose entries are the terms of the naming pairs (category ``"<pair_id>:<side>"``),
    and the tidy pairs table (:func:`rhetoric.lexicon.load_naming_pairs`)."""
    import hashlib

    from .lexicon import Entry, Lexicon, load_naming_pairs
    from .match import Matcher

    table = pairs if isinstance(pairs, pd.DataFrame) else load_naming_pairs(pairs)
    entries, seen = [], set()
    for row in table.sort_values(["pair_id", "side", "term"]).itertuples(index=False):
        key = (row.pair_id, row.side, normalize(row.term))
        if key in seen:
            continue
        seen.add(key)
        entries.append(Entry(id=f"{row.pair_id}:{row.side}:{len(entries)}", term=row.term,
                             category=f"{row.pair_id}:{row.side}"))
    digest = hashlib.sha256(table.to_csv(index=False).encode("utf-8")).hexdigest()[:12]
    lexicon = Lexicon(name="naming_pairs", version="1", kind="naming_pairs", version_hash=digest, entries=entries)
    return Matcher([lexicon]), table


# --------------------------------------------------------------------------- comparisons


def _gap_resampling(hits_quote: np.ndarray, hits_total: np.ndarray, paired: dict, scales: dict,
                    seed: int) -> tuple:
    """The resampling of one :meth:`Analysis.voice_gap` group, as one :func:`rhetoric.stats.run_parallel`
    call: the laundering ratio's CI, each measure's paired gap CI and its p-value (the within-article
    permutation test for the hit rate, the sign-flip test of per-article differences otherwise).
    ``paired[measure]`` is (num_quote, den_quote, num_narration, den_narration) over the articles with both voices."""
    launder = stats.bootstrap_ratio(hits_quote, hits_total, seed=seed)
    gaps = dict(zip(paired, stats.bootstrap_ratio_difference_set(
        [(*args, scales[measure]) for measure, args in paired.items()], seed=seed)))
    pvalues = {}
    for measure, args in paired.items():
        if measure == "rate_per_1k":
            pvalues[measure] = stats.within_article_permutation_pvalue(*args)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                per_doc = args[0] / args[1] - args[2] / args[3]
            pvalues[measure] = stats.signflip_pvalue(np.where(np.isinf(per_doc), np.nan, per_doc), seed=seed)
    return launder, gaps, pvalues


@dataclass
class Analysis:
    """The stage tables of one analysis and the comparisons computed from them."""

    documents: pd.DataFrame
    spans: pd.DataFrame
    matches: pd.DataFrame
    predictions: pd.DataFrame
    lexicons: list = field(default_factory=list)
    model: Any = None
    seed: int = 0

    # ---- helpers

    def _kind_of(self) -> dict[str, str]:
        return {lex.name: lex.kind for lex in self.lexicons}

    def framing_matches(self) -> pd.DataFrame:
        """Matches from framing and counter-framing lexicons (reporting signals excluded)."""
        framing = [name for name, kind in self._kind_of().items() if kind in FRAMING_KINDS]
        return self.matches[self.matches["lexicon"].isin(framing)]

    def _doc_table(self, by: Sequence[str], voice: bool, speaker_type: bool = False) -> pd.DataFrame:
        """One row per article x group x voice with the sums every measure is a ratio of."""
        keys = ["doc_id", *by]
        docs = self.documents[["doc_id", *[b for b in by if b in self.documents.columns]]]
        spans = self.spans.merge(docs, on="doc_id", how="left") if len(docs.columns) > 1 else self.spans
        span_keys = keys + (["voice"] if voice else []) + (["speaker_type"] if speaker_type else [])
        if speaker_type:
            spans = spans[spans["voice"] == "quote"].assign(speaker_type=lambda d: d["speaker_type"].fillna("unknown"))
        grouped = spans.groupby(span_keys, sort=True, dropna=False)
        tokens = grouped["n_tokens"].sum().rename("n_tokens")
        row_of_span = grouped.ngroup().to_numpy()  # each span's row of the table
        fm, preds = self.framing_matches(), self.predictions
        found, row = _rows_in_table(spans, fm, row_of_span)
        weighted = _sums(fm["weight"][found], row)
        hits = pd.DataFrame({"n_hits": np.bincount(row)[weighted.index], "weighted": weighted.to_numpy()},
                            index=tokens.index[weighted.index])
        found, row = _rows_in_table(spans, preds, row_of_span)
        prob, label = preds["prob"].to_numpy()[found], preds["label"].to_numpy()[found]
        sum_prob = _sums(pd.Series(prob), row)
        pred = pd.DataFrame({"n_units": np.bincount(row[~np.isnan(prob)], minlength=len(tokens))[sum_prob.index],
                             "sum_prob": sum_prob.to_numpy(),
                             "n_flagged": np.bincount(row[label.astype(bool)], minlength=len(tokens))[sum_prob.index]},
                            index=tokens.index[sum_prob.index])
        return pd.concat([tokens, hits, pred], axis=1).fillna(0).reset_index()

    # ---- public comparisons

    def scores(self, by: str | Sequence[str] = ("outlet",), voice: bool = True, by_speaker_type: bool = False) -> pd.DataFrame:
        """Framing scores per group x voice, each with a 95% article-bootstrap CI.

        Columns: group keys, ``voice`` ('quote'/'narration', or 'all' with ``voice=False``),
        ``speaker_type`` ('all', or each type of quoted speaker with ``by_speaker_type=True``),
        ``n_docs`` (articles with tokens in that voice), ``n_tokens``, ``n_hits`` (framing +
        counter-framing hits), ``rate_per_1k`` with ``rate_ci_low/high``, ``weighted_rate_per_1k``
        (+ CI), ``mean_prob`` (mean classifier probability over units, + CI) and
        ``flagged_share`` (share of units at or above the model threshold, + CI).
        """
        by = [by] if isinstance(by, str) else list(by)
        frames = [self._score_rows(by, voice, False)]
        if by_speaker_type:
            frames.append(self._score_rows(by, True, True))
        return pd.concat(frames, ignore_index=True)

    def _score_rows(self, by: list[str], voice: bool, speaker_type: bool) -> pd.DataFrame:
        table = self._doc_table(by, voice, speaker_type)
        group_cols = by + (["voice"] if voice else []) + (["speaker_type"] if speaker_type else [])
        # the sums as arrays over the table's rows, a group is a position index (no sub-DataFrames)
        values = {c: table[c].to_numpy(dtype=np.float64) for c in ("n_hits", "weighted", "sum_prob", "n_flagged",
                                                                   "n_tokens", "n_units")}
        tokens, doc_ids = table["n_tokens"].to_numpy(), table["doc_id"].to_numpy()
        groups, calls = [], []
        for key, index in table.groupby(group_cols, sort=True, dropna=False).indices.items():
            key = key if isinstance(key, tuple) else (key,)
            index = index[tokens[index] > 0]
            col = {c: v[index] for c, v in values.items()}
            ratios = [(col["n_hits"], col["n_tokens"], 1000.0), (col["weighted"], col["n_tokens"], 1000.0),
                      (col["sum_prob"], col["n_units"], 1.0), (col["n_flagged"], col["n_units"], 1.0)]
            groups.append((key, index, col["n_hits"]))
            calls.append(functools.partial(stats.bootstrap_ratio_set, ratios, seed=stats.group_seed(self.seed, *key)))
        rows = []
        for (key, index, hits), (rate, weighted, prob, flagged) in zip(groups, stats.run_parallel(calls)):
            row = dict(zip(group_cols, key))
            row.setdefault("voice", "all")
            row.setdefault("speaker_type", "all")
            row.update(
                n_docs=len(pd.unique(doc_ids[index])),
                n_tokens=int(tokens[index].sum()),
                n_hits=int(hits.sum()),
                rate_per_1k=rate[0], rate_ci_low=rate[1], rate_ci_high=rate[2],
                weighted_rate_per_1k=weighted[0], weighted_ci_low=weighted[1], weighted_ci_high=weighted[2],
                mean_prob=prob[0], prob_ci_low=prob[1], prob_ci_high=prob[2],
                flagged_share=flagged[0], flagged_ci_low=flagged[1], flagged_ci_high=flagged[2],
            )
            rows.append(row)
        return pd.DataFrame(rows)

    def category_scores(self, by: str | Sequence[str] = ("outlet",), voice: bool = True) -> pd.DataFrame:
        """Rate per 1,000 tokens for each lexicon category x group (x voice), with article-bootstrap CI.
        Columns: group keys, ``voice``, ``lexicon``, ``category``, ``n_docs``, ``n_tokens``, ``n_hits``,
        ``rate_per_1k``, ``rate_ci_low``, ``rate_ci_high``."""
        by = [by] if isinstance(by, str) else list(by)
        tokens = self._doc_table(by, voice)
        group_cols = by + (["voice"] if voice else [])
        per_doc = self._category_hits(by, voice)
        categories = per_doc[["lexicon", "category"]].drop_duplicates().sort_values(["lexicon", "category"])
        cat_keys = list(categories.itertuples(index=False, name=None))
        # articles x categories hit counts of every row of ``tokens`` at once (a hit row whose article x
        # group has no tokens row is left out); one article resample serves every category of a group
        row_of_hit = pd.MultiIndex.from_frame(tokens[["doc_id", *group_cols]]).get_indexer(
            pd.MultiIndex.from_frame(per_doc[["doc_id", *group_cols]]))
        col_of_hit = pd.MultiIndex.from_frame(categories).get_indexer(pd.MultiIndex.from_frame(per_doc[["lexicon", "category"]]))
        found = row_of_hit >= 0
        hits_all = np.zeros((len(tokens), len(cat_keys)), dtype=np.float64)
        np.add.at(hits_all, (row_of_hit[found], col_of_hit[found]), per_doc["n_hits"].to_numpy(dtype=np.float64)[found])
        n_tokens = tokens["n_tokens"].to_numpy(dtype=np.float64)
        doc_ids = tokens["doc_id"].to_numpy()
        rows, calls = [], []
        for key, index in tokens.groupby(group_cols, sort=True).indices.items():
            key = key if isinstance(key, tuple) else (key,)
            index = index[n_tokens[index] > 0]
            hits = hits_all[index]
            calls.append(functools.partial(stats.bootstrap_ratios, hits, n_tokens[index],
                                           scale=1000.0, seed=stats.group_seed(self.seed, *key, "categories")))
            common = dict(n_docs=len(pd.unique(doc_ids[index])), n_tokens=int(n_tokens[index].sum()))
            for (lexicon, category), n_hits in zip(cat_keys, hits.sum(axis=0)):
                row = dict(zip(group_cols, key))
                row.update(lexicon=lexicon, category=category, **common, n_hits=int(n_hits))
                rows.append(row)
        cells = iter(rows)
        for est, low, high in stats.run_parallel(calls):  # one call per group, its categories in order
            for j in range(len(cat_keys)):
                next(cells).update(rate_per_1k=est[j], rate_ci_low=low[j], rate_ci_high=high[j])
        return pd.DataFrame(rows)

    def _category_hits(self, by: list[str], voice: bool) -> pd.DataFrame:
        """Framing hits per article x group (x voice) x lexicon x category (column ``n_hits``)."""
        spans = self.spans.merge(self.documents[["doc_id", *[b for b in by if b in self.documents.columns]]], on="doc_id")
        fm = self.framing_matches()
        positions = _span_positions(spans, fm)  # the group keys of a hit are its span's (an inner merge)
        found = positions >= 0
        group_cols = by + (["voice"] if voice else [])
        keyed = pd.DataFrame({
            "doc_id": fm["doc_id"][found].reset_index(drop=True),
            **{col: spans[col].take(positions[found]).reset_index(drop=True) for col in group_cols},
            "lexicon": fm["lexicon"][found].reset_index(drop=True),
            "category": fm["category"][found].reset_index(drop=True),
        })
        return keyed.groupby(list(keyed.columns), sort=True).size().rename("n_hits").reset_index()

    def voice_gap(self, by: str | Sequence[str] = "outlet") -> pd.DataFrame:
        """Quote minus narration per group, for the lexicon rate and the classifier probability.

        Columns: group keys, ``measure`` ('rate_per_1k' or 'mean_prob'), ``n_docs`` (articles with
        both voices), ``n_tokens``, ``n_hits``, ``quote``, ``narration``, ``gap`` with ``gap_ci_low/high``
        (paired article bootstrap), ``p_value`` (rate: tokens' voice labels permuted within articles;
        mean_prob: sign-flip test of per-article differences) and ``q_value``
        (Benjamini–Hochberg across the groups of one measure); plus ``laundering_ratio`` (share of the
        group's framing hits inside quotes, with CI) and ``n_adopted`` / ``adoption_share`` (framing
        entries the group quotes that it ALSO uses in narration; see :meth:`adoption`).
        """
        by = [by] if isinstance(by, str) else list(by)
        table = self._doc_table(by, True)
        wide = table.pivot_table(index=["doc_id", *by], columns="voice",
                                 values=["n_tokens", "n_hits", "n_units", "sum_prob"], fill_value=0, aggfunc="sum")
        wide.columns = [f"{a}_{b}" for a, b in wide.columns]
        for col in ("n_tokens", "n_hits", "n_units", "sum_prob"):
            for v in VOICES:
                if f"{col}_{v}" not in wide.columns:
                    wide[f"{col}_{v}"] = 0.0
        wide = wide.reset_index()
        adoption = self.adoption(by)
        rows, calls, adopted_entries = [], [], []
        measures = {"rate_per_1k": ("n_hits", "n_tokens", 1000.0), "mean_prob": ("sum_prob", "n_units", 1.0)}
        for key, grp in wide.groupby(by, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            both = grp[(grp["n_tokens_quote"] > 0) & (grp["n_tokens_narration"] > 0)]
            total_hits = grp["n_hits_quote"] + grp["n_hits_narration"]
            adopted = adoption[np.logical_and.reduce([adoption[c] == v for c, v in zip(by, key)])] if len(adoption) else adoption
            n_quoted = int((adopted["n_quote"] > 0).sum()) if len(adopted) else 0
            n_adopted = int(adopted["adopted"].sum()) if len(adopted) else 0
            adopted_entries.append(dict(n_quoted_entries=n_quoted, n_adopted=n_adopted,
                                        adoption_share=(n_adopted / n_quoted) if n_quoted else float("nan")))
            paired = {measure: tuple(both[column].to_numpy() for column in (f"{num}_quote", f"{den}_quote",
                                                                            f"{num}_narration", f"{den}_narration"))
                      for measure, (num, den, _) in measures.items()}
            calls.append(functools.partial(_gap_resampling, grp["n_hits_quote"].to_numpy(), total_hits.to_numpy(),
                                           paired, {m: scale for m, (_, _, scale) in measures.items()},
                                           stats.group_seed(self.seed, *key, "gap")))
            for measure, (num, den, scale) in measures.items():
                row = dict(zip(by, key))
                row.update(
                    measure=measure,
                    n_docs=int(len(both)),
                    n_tokens=int(grp["n_tokens_quote"].sum() + grp["n_tokens_narration"].sum()),
                    n_hits=int(total_hits.sum()),
                    quote=stats.ratio_of_sums(grp[f"{num}_quote"], grp[f"{den}_quote"], scale=scale),
                    narration=stats.ratio_of_sums(grp[f"{num}_narration"], grp[f"{den}_narration"], scale=scale),
                )
                rows.append(row)
        cells = iter(rows)
        for (launder, gaps, pvalues), adopted in zip(stats.run_parallel(calls), adopted_entries):  # one call per group
            for measure in measures:  # its rows, in order
                gap = gaps[measure]
                next(cells).update(
                    gap=gap[0], gap_ci_low=gap[1], gap_ci_high=gap[2], p_value=pvalues[measure],
                    laundering_ratio=launder[0], laundering_ci_low=launder[1], laundering_ci_high=launder[2],
                    **adopted)
        out = pd.DataFrame(rows)
        if not out.empty:
            out["q_value"] = np.nan
            for measure, idx in out.groupby("measure").groups.items():
                out.loc[idx, "q_value"] = stats.bh_qvalues(out.loc[idx, "p_value"])
        return out

    def adoption(self, by: str | Sequence[str] = "outlet") -> pd.DataFrame:
        """Per group and framing entry: hits in quotes, hits in narration, and ``adopted`` (both > 0).
        Columns: group keys, ``entry_id``, ``term``, ``category``, ``n_quote``, ``n_narration``, ``adopted``."""
        by = [by] if isinstance(by, str) else list(by)
        fm = self.framing_matches().merge(self.documents[["doc_id", *by]], on="doc_id")
        if fm.empty:
            return pd.DataFrame(columns=[*by, "entry_id", "term", "category", "n_quote", "n_narration", "adopted"])
        counts = fm.pivot_table(index=[*by, "entry_id", "term", "category"], columns="voice", values="start",
                                aggfunc="size", fill_value=0)
        for v in VOICES:
            if v not in counts.columns:
                counts[v] = 0
        counts = counts.rename(columns={"quote": "n_quote", "narration": "n_narration"}).reset_index()
        counts.columns.name = None
        counts["adopted"] = (counts["n_quote"] > 0) & (counts["n_narration"] > 0)
        return counts[[*by, "entry_id", "term", "category", "n_quote", "n_narration", "adopted"]]

    def attribution(self, by: str | Sequence[str] = "outlet") -> pd.DataFrame:
        """Stance of attribution cues (neutral / endorsing / distancing / none) per group and speaker type.
        Columns: group keys, ``speaker_type``, ``stance``, ``n_quotes``, ``n_docs``, ``share`` (of the
        group x speaker type's quotes), ``n_tokens``, ``n_hits`` (framing hits inside those quotes)."""
        by = [by] if isinstance(by, str) else list(by)
        quotes = self._quote_hits().merge(self.documents[["doc_id", *by]], on="doc_id")
        out = quotes.groupby([*by, "speaker_type", "stance"], sort=True).agg(
            n_quotes=("span_id", "size"), n_docs=("doc_id", "nunique"), n_tokens=("n_tokens", "sum"), n_hits=("n_hits", "sum")
        ).reset_index()
        totals = out.groupby([*by, "speaker_type"])["n_quotes"].transform("sum")
        out["share"] = out["n_quotes"] / totals
        return out

    def _quote_hits(self) -> pd.DataFrame:
        """Quote spans with ``speaker_type`` / ``stance`` filled ('unknown' / 'none') and their framing ``n_hits``."""
        quotes = self.spans[self.spans["voice"] == "quote"]
        quotes = quotes.assign(
            speaker_type=quotes["speaker_type"].fillna("unknown"), stance=quotes["stance"].fillna("none")
        )
        hits = self.framing_matches().groupby(["doc_id", "field", "span_id"]).size().rename("n_hits")
        quotes = quotes.merge(hits, left_on=["doc_id", "field", "span_id"], right_index=True, how="left")
        quotes["n_hits"] = quotes["n_hits"].fillna(0).astype(int)
        return quotes

    def _token_counts(self, mask: pd.Series) -> Counter:
        """Normalised word -> count over the selected spans (word tokens of :func:`rhetoric.text.tokenize`)."""
        return count_word_forms(self._span_texts(np.flatnonzero(np.asarray(mask))))

    def _span_texts(self, rows: np.ndarray) -> Iterable[str]:
        """The text of the spans at positions ``rows``."""
        doc_ids = self.documents["doc_id"].tolist()  # (lists: iterating Arrow-backed columns is slow)
        texts = dict(zip(doc_ids, self.documents["text"].tolist()))
        titles = dict(zip(doc_ids, self.documents["title"].tolist()))
        spans = self.spans[["doc_id", "field", "start", "end"]].take(rows)
        return ((texts[doc_id] if fld == "text" else titles[doc_id])[start:end] for doc_id, fld, start, end
                in zip(spans["doc_id"].tolist(), spans["field"].tolist(), spans["start"].tolist(), spans["end"].tolist()))

    def _span_mask(self, selector: dict | None) -> pd.Series:
        spans = self.spans.merge(self.documents.drop(columns=["text", "title"]), on="doc_id", how="left")
        mask = pd.Series(True, index=self.spans.index)
        for column, value in (selector or {}).items():
            if column not in spans.columns:
                raise RhetoricError(f"keyness selector column {column!r} is not in the spans or documents tables")
            values = value if isinstance(value, (list, tuple, set)) else [value]
            mask &= spans[column].isin(values).to_numpy()
        return mask

    def keyness(self, target: dict | None = None, reference: dict | None = None, *, by: str | None = None,
                min_count: int = 3, top: int | None = None) -> pd.DataFrame:
        """Words that distinguish ``target`` from ``reference`` (log-odds, informative Dirichlet prior).

        ``target`` / ``reference`` select spans by column value, e.g. ``target={"outlet": "X",
        "voice": "quote"}, reference={"voice": "narration"}`` (reference default: everything not in the
        target). With ``by="outlet"`` each group is compared one-vs-rest and a ``group`` column is added.
        Tokens are normalised words. Columns: ``term, count_target, count_reference, freq_target,
        freq_reference, log_odds, variance, z`` (sorted by z), rows with fewer than ``min_count``
        occurrences in both groups together dropped.
        """
        if by is not None:
            spans = self.spans.merge(self.documents[["doc_id", by]], on="doc_id", how="left") if by in self.documents else self.spans
            frames = []
            for group in sorted(spans[by].dropna().unique()):
                sel = dict(target or {})
                sel[by] = group
                frame = self.keyness(sel, reference, min_count=min_count, top=top)
                frames.append(frame.assign(group=group))
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        t_mask = self._span_mask(target)
        r_mask = self._span_mask(reference) & ~t_mask if reference is not None else ~t_mask
        t_counts = pd.Series(self._token_counts(t_mask), dtype="float64")
        r_counts = pd.Series(self._token_counts(r_mask), dtype="float64")
        out = stats.log_odds_dirichlet(t_counts, r_counts, min_count=min_count)
        return out.head(top) if top else out

    def _naming_hits(self, pairs: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Naming-pair hits (``doc_id``, ``category`` = ``"<pair_id>:<side>"``, ...) and the pairs table."""
        matcher, pair_table = naming_matcher(pairs)
        return matcher.match_documents(self.documents), pair_table

    def _doc_tokens(self) -> pd.Series:
        """Word tokens per article (index ``doc_id``)."""
        return self.spans.groupby("doc_id")["n_tokens"].sum()

    def naming(self, by: str | Sequence[str] = "outlet", pairs: Any = None) -> pd.DataFrame:
        """For each naming pair (lexicons/naming_pairs.yaml), each group's preference for variant A.
        Columns: group keys, ``pair_id``, ``label_a``, ``label_b``, ``n_a``, ``n_b``, ``n_docs``,
        ``n_tokens``, ``n_hits`` (= n_a + n_b), ``share_a`` with ``share_ci_low/high`` (article bootstrap,
        drawn over the articles that use the pair: :func:`rhetoric.stats.bootstrap_ratio_sparse`)."""
        by = [by] if isinstance(by, str) else list(by)
        hits, pair_table = self._naming_hits(pairs)
        docs = self.documents[["doc_id", *by]]
        # every count as an array over the documents' rows, so a group's articles are a position index
        position = pd.Index(docs["doc_id"])
        tokens = self._doc_tokens().reindex(position, fill_value=0).to_numpy()
        hit_rows = position.get_indexer(hits["doc_id"])
        category = hits["category"].to_numpy(dtype=object)[hit_rows >= 0]
        hit_rows = hit_rows[hit_rows >= 0]
        labels = pair_table.drop_duplicates(["pair_id", "side"]).set_index(["pair_id", "side"])["label"]
        pair_ids = sorted(pair_table["pair_id"].unique())
        per_doc = {(pair_id, side): np.bincount(hit_rows[category == f"{pair_id}:{side}"], minlength=len(docs))
                   for pair_id in pair_ids for side in ("a", "b")}
        rows, calls = [], []
        for key, index in docs.groupby(by, sort=True).indices.items():
            key = key if isinstance(key, tuple) else (key,)
            for pair_id in pair_ids:
                a, b = per_doc[(pair_id, "a")][index], per_doc[(pair_id, "b")][index]
                calls.append(functools.partial(stats.bootstrap_ratio_sparse, a, a + b,
                                               seed=stats.group_seed(self.seed, *key, pair_id)))
                row = dict(zip(by, key))
                row.update(pair_id=pair_id, label_a=labels.get((pair_id, "a")), label_b=labels.get((pair_id, "b")),
                           n_a=int(a.sum()), n_b=int(b.sum()), n_docs=int(((a + b) > 0).sum()),
                           n_tokens=int(tokens[index].sum()), n_hits=int(a.sum() + b.sum()))
                rows.append(row)
        for row, share in zip(rows, stats.run_parallel(calls)):
            row.update(share_a=share[0], share_ci_low=share[1], share_ci_high=share[2])
        return pd.DataFrame(rows)

    def over_time(self, freq: str = "M", by: str | Sequence[str] = ("outlet",), voice: bool = True) -> pd.DataFrame:
        """:meth:`scores` per period (``freq`` is a pandas period alias: 'D', 'W', 'M', 'Q', 'Y').
        Adds a ``period`` column (period start as a timestamp); documents without a date are left out
        and counted in ``attrs['undated_docs']``."""
        by = [by] if isinstance(by, str) else list(by)
        dated = self.documents["date"].notna()
        periods = self.documents.loc[dated, "date"].dt.to_period(freq).dt.start_time
        # every article dated (the usual case): no subset to build, a shallow copy gets the periods
        sub = copy.copy(self) if dated.all() else self._subset(self.documents.loc[dated, "doc_id"])
        sub.documents = sub.documents.assign(period=periods.to_numpy())
        out = sub.scores(by=[*by, "period"], voice=voice)
        out.attrs["undated_docs"] = int((~dated).sum())
        return out

    def _subset(self, doc_ids: Iterable[str]) -> "Analysis":
        keep = set(doc_ids)
        pick = lambda df: df[df["doc_id"].isin(keep)].reset_index(drop=True)  # noqa: E731
        return Analysis(pick(self.documents), pick(self.spans), pick(self.matches), pick(self.predictions),
                        self.lexicons, self.model, self.seed)

    def subset(self, **selector) -> "Analysis":
        """An Analysis restricted to documents whose columns match, e.g. ``a.subset(outlet=["X", "Y"])``."""
        mask = pd.Series(True, index=self.documents.index)
        for column, value in selector.items():
            values = value if isinstance(value, (list, tuple, set)) else [value]
            mask &= self.documents[column].isin(values)
        return self._subset(self.documents.loc[mask, "doc_id"])
