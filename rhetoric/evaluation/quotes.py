"""Score quote extraction against a gold file: quote spans (exact and overlap P/R/F1) and speakers.

Gold format (JSONL, one line per article)::

    {"dataset": "news-credibility-2013" | "saudinewsnet" (absent for a corpus given directly),
     "doc_id": ..., "outlet": ..., "text_sha1": ..., "text_len": ...,
     "quotes": [{"start", "end", "speaker", "speaker_start", "speaker_end", "speaker_type", "cue",
                 optional "speaker_desc_start", "speaker_desc_end"}],
     "other_marked": [{"start", "end", "kind"}]}

Gold files hold ids and offsets only; the texts come from the named datasets (``$RHETORIC_DATA``)
or from a corpus file, and are checked against ``text_sha1`` / ``text_len`` before scoring.

Matching: predicted and gold quotes of a document are paired one-to-one, greedily by character
overlap (largest first). A pair counts for **exact** when start and end are equal, for **overlap**
when the shared characters are at least half of the longer span. Speaker accuracy is over the
overlap-matched pairs, see :func:`_speaker_correct`:

* named gold speaker (``speaker_start``/``speaker_end`` set): correct when the predicted speaker
  mention overlaps the gold mention, or both name the same registry id;
* unnamed gold speaker (a ``speaker`` label but null offsets, e.g. "protesters (unnamed)"): correct
  when the prediction names no one, or its mention overlaps the describing mention
  (``speaker_desc_start``/``speaker_desc_end``, e.g. the word for "the participants"), when the gold
  records one; naming anyone else is wrong;
* no attribution in the gold (``speaker`` null): correct only when the prediction has no speaker either.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Mapping

from ..errors import RhetoricError
from ..speakers import Registry, load_registry

__all__ = ["read_gold", "gold_texts", "predict", "evaluate_quotes", "format_report", "match_quotes"]


def read_gold(path: str | Path) -> list[dict]:
    """The gold records of a JSONL file (errors name the file and line)."""
    path = Path(path)
    if not path.exists():
        raise RhetoricError(f"{path}: gold file not found")
    records = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RhetoricError(f"{path}:{lineno}: malformed JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or "doc_id" not in obj or not isinstance(obj.get("quotes"), list):
                raise RhetoricError(f"{path}:{lineno}: expected an object with 'doc_id' and a 'quotes' list")
            for q in obj["quotes"]:
                if not isinstance(q, dict) or not isinstance(q.get("start"), int) or not isinstance(q.get("end"), int):
                    raise RhetoricError(f"{path}:{lineno}: every quote needs integer 'start' and 'end'")
            records.append(obj)
    return records


def gold_texts(gold: list[dict], corpus: str | Path | None = None, data_dir: str | Path | None = None) -> dict[str, str]:
    """``{doc_id: text}`` for the gold documents, from ``corpus`` or from the named datasets."""
    wanted = {g["doc_id"] for g in gold}
    texts: dict[str, str] = {}
    if corpus is not None:
        from ..corpus import load_corpus

        documents, _ = load_corpus(corpus)
        for doc_id, text in zip(documents["doc_id"], documents["text"]):
            if doc_id in wanted:
                texts[str(doc_id)] = text
        return texts
    by_dataset: dict[str, set[str]] = defaultdict(set)
    for g in gold:
        if not g.get("dataset"):
            raise RhetoricError(f"gold document {g['doc_id']!r} names no dataset; give the texts with --corpus FILE")
        by_dataset[g["dataset"]].add(g["doc_id"])
    from .. import datasets

    previous = None
    if data_dir is not None:
        previous = os.environ.get("RHETORIC_DATA")
        os.environ["RHETORIC_DATA"] = str(data_dir)
    try:
        for name, ids in sorted(by_dataset.items()):
            documents = datasets.load_dataset(name, min_chars=0)
            for doc_id, text in zip(documents["doc_id"], documents["text"]):
                if doc_id in ids:
                    texts[str(doc_id)] = text
    finally:
        if data_dir is not None:
            if previous is None:
                os.environ.pop("RHETORIC_DATA", None)
            else:
                os.environ["RHETORIC_DATA"] = previous
    return texts


def predict(gold: list[dict], texts: Mapping[str, str], registry: Registry | None = None) -> dict[str, list[dict]]:
    """``{doc_id: [quote dict, ...]}``: the extractor's quotes for every gold document with a text."""
    from ..quotes import extract_quotes

    registry = registry if registry is not None else load_registry()
    out = {}
    for g in gold:
        text = texts.get(g["doc_id"])
        if text is None:
            continue
        quotes, _ = extract_quotes(text, registry)
        out[g["doc_id"]] = [q.to_dict() for q in quotes]
    return out


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match_quotes(pred: list[dict], gold: list[dict]) -> list[tuple[int, int, int]]:
    """One-to-one pairs ``(pred_index, gold_index, overlap)``, greedy by overlap (largest first)."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            ov = _overlap(p, g)
            if ov > 0:
                pairs.append((-ov, abs(p["start"] - g["start"]) + abs(p["end"] - g["end"]), i, j))
    pairs.sort()
    used_p, used_g, out = set(), set(), []
    for neg_ov, _dist, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j, -neg_ov))
    return out


def _speaker_correct(p: dict, g: dict, registry: Registry) -> bool:
    """Whether the predicted speaker of ``p`` is right for gold quote ``g`` (rules in the module doc)."""
    ps, pe = p.get("speaker_start"), p.get("speaker_end")
    p_has = bool(p.get("speaker")) or ps is not None
    if not g.get("speaker") and g.get("speaker_start") is None:
        return not p_has
    gs, ge = g.get("speaker_start"), g.get("speaker_end")
    if gs is None:
        # Unnamed speaker: naming no one is right; pointing at the describing mention too.
        ds, de = g.get("speaker_desc_start"), g.get("speaker_desc_end")
        if not p_has:
            return True
        return None not in (ds, de, ps, pe) and min(de, pe) > max(ds, ps)
    if not p_has:
        return False
    if None not in (ps, pe) and min(ge, pe) > max(gs, ps):
        return True
    g_id = registry.lookup(g["speaker"]) if g.get("speaker") else None
    p_id = p.get("speaker_id") or (registry.lookup(p["speaker"]) if p.get("speaker") else None)
    return g_id is not None and g_id == p_id


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "tp": tp}


def evaluate_quotes(gold_path: str | Path | list[dict], predictions: Mapping[str, list[dict]],
                    texts: Mapping[str, str] | None = None, registry: Registry | None = None) -> dict[str, Any]:
    """Scores of ``predictions`` (``{doc_id: [quote dicts with start/end/speaker...]}``) on a gold file.

    Documents of the gold file missing from ``predictions`` are skipped and counted (``skipped``);
    with ``texts``, documents whose text does not match the gold ``text_sha1``/``text_len`` are too.
    Returns a dict: ``exact`` and ``overlap`` P/R/F1, ``speaker`` accuracy, counts, ``by_outlet``,
    ``other_marked_predicted_as_quote`` and per-document ``errors`` for error analysis.
    """
    gold = read_gold(gold_path) if not isinstance(gold_path, list) else gold_path
    registry = registry if registry is not None else load_registry()
    skipped: Counter = Counter()
    totals = Counter()
    by_outlet: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for g in gold:
        doc_id = g["doc_id"]
        if doc_id not in predictions:
            skipped["no_prediction_or_text"] += 1
            continue
        if texts is not None and doc_id in texts:
            text = texts[doc_id]
            sha = g.get("text_sha1")
            if (sha and hashlib.sha1(text.encode("utf-8")).hexdigest() != sha) or (
                g.get("text_len") is not None and len(text) != g["text_len"]
            ):
                skipped["text_mismatch"] += 1
                continue
        pred = predictions[doc_id]
        gq = g["quotes"]
        pairs = match_quotes(pred, gq)
        exact = overlap = spk_ok = 0
        doc_errors = []
        matched_p = {i for i, _, _ in pairs}
        matched_g = {j for _, j, _ in pairs}
        for i, j, ov in pairs:
            p, q = pred[i], gq[j]
            longer = max(p["end"] - p["start"], q["end"] - q["start"])
            is_exact = p["start"] == q["start"] and p["end"] == q["end"]
            exact += is_exact
            if 2 * ov >= longer:
                overlap += 1
                ok = _speaker_correct(p, q, registry)
                spk_ok += ok
                if not ok:
                    doc_errors.append({"type": "speaker", "gold": [q["start"], q["end"]],
                                       "gold_speaker": [q.get("speaker_start"), q.get("speaker_end")],
                                       "gold_desc": [q.get("speaker_desc_start"), q.get("speaker_desc_end")],
                                       "pred_speaker": [p.get("speaker_start"), p.get("speaker_end")]})
            else:
                doc_errors.append({"type": "weak_overlap", "gold": [q["start"], q["end"]], "pred": [p["start"], p["end"]]})
            if not is_exact and 2 * ov >= longer:
                doc_errors.append({"type": "boundary", "gold": [q["start"], q["end"]], "pred": [p["start"], p["end"]]})
        for i, p in enumerate(pred):
            if i not in matched_p:
                doc_errors.append({"type": "false_positive", "pred": [p["start"], p["end"]]})
        for j, q in enumerate(gq):
            if j not in matched_g:
                doc_errors.append({"type": "missed", "gold": [q["start"], q["end"]]})
        others = g.get("other_marked") or []
        other_fp = sum(1 for o in others if any(_overlap(p, o) * 2 >= (o["end"] - o["start"]) for p in pred))
        counts = Counter(n_docs=1, n_gold=len(gq), n_pred=len(pred), exact=exact, overlap=overlap,
                         speaker_correct=spk_ok, n_other=len(others), other_as_quote=other_fp)
        totals.update(counts)
        by_outlet[str(g.get("outlet", "unknown"))].update(counts)
        if doc_errors:
            errors.append({"doc_id": doc_id, "outlet": g.get("outlet"), "errors": doc_errors})

    def summary(c: Counter) -> dict[str, Any]:
        return {
            "n_docs": c["n_docs"],
            "n_gold": c["n_gold"],
            "n_pred": c["n_pred"],
            "exact": _prf(c["exact"], c["n_pred"], c["n_gold"]),
            "overlap": _prf(c["overlap"], c["n_pred"], c["n_gold"]),
            "speaker": {"accuracy": round(c["speaker_correct"] / c["overlap"], 4) if c["overlap"] else 0.0,
                        "correct": c["speaker_correct"], "matched": c["overlap"]},
            "other_marked": {"n": c["n_other"], "predicted_as_quote": c["other_as_quote"]},
        }

    result = summary(totals)
    result["by_outlet"] = {k: summary(v) for k, v in sorted(by_outlet.items())}
    result["skipped"] = dict(sorted(skipped.items()))
    result["errors"] = errors
    return result


def format_report(result: dict[str, Any], title: str = "quotes") -> str:
    """A plain-text table of :func:`evaluate_quotes` results (overall, then per outlet)."""
    lines = [f"{title}: {result['n_docs']} documents, {result['n_gold']} gold quotes, {result['n_pred']} predicted"]
    if result.get("skipped"):
        lines.append("skipped: " + ", ".join(f"{k}: {v}" for k, v in result["skipped"].items()))
    header = f"{'':28} {'exact P':>8} {'R':>6} {'F1':>6} {'overlap P':>10} {'R':>6} {'F1':>6} {'speaker':>8} {'gold':>5} {'pred':>5}"
    lines.append(header)

    def row(name: str, r: dict) -> str:
        e, o = r["exact"], r["overlap"]
        return (f"{name[:28]:28} {e['precision']:8.3f} {e['recall']:6.3f} {e['f1']:6.3f} {o['precision']:10.3f} "
                f"{o['recall']:6.3f} {o['f1']:6.3f} {r['speaker']['accuracy']:8.3f} {r['n_gold']:5d} {r['n_pred']:5d}")

    lines.append(row("ALL", result))
    for outlet, r in result.get("by_outlet", {}).items():
        lines.append(row("  " + outlet, r))
    om = result["other_marked"]
    lines.append(f"speaker accuracy over {result['speaker']['matched']} overlap-matched quotes; "
                 f"gold non-quote marked spans predicted as quotes: {om['predicted_as_quote']}/{om['n']}")
    return "\n".join(lines)


def run(gold_path: str | Path, corpus: str | Path | None = None, data_dir: str | Path | None = None) -> dict[str, Any]:
    """Read gold, fetch texts, run the extractor and score it (what ``rhetoric eval quotes`` does)."""
    gold = read_gold(gold_path)
    texts = gold_texts(gold, corpus=corpus, data_dir=data_dir)
    missing = [g["doc_id"] for g in gold if g["doc_id"] not in texts]
    if len(missing) == len(gold) and gold:
        raise RhetoricError(f"{gold_path}: none of the {len(gold)} gold documents has a text "
                            f"(first: {missing[0]!r}); check --corpus / --data-dir")
    predictions = predict(gold, texts)
    return evaluate_quotes(gold, predictions, texts=texts)

