"""Shared helpers for the hand-annotation tools: load an article text by (dataset, doc_id) and find quote marks.

The texts are read from $RHETORIC_DATA (default /work/shared/datasets) and never written anywhere.
Document ids follow the project rule: news_credibility_2013 uses the record's ``id``; SaudiNewsNet uses
``"snn-" + sha1(url)[:16]``.
"""
import glob
import hashlib
import json
import os
import zipfile

DATA_ROOT = os.environ.get("RHETORIC_DATA", "/work/shared/datasets")
NC = "news-credibility-2013"
SNN = "saudinewsnet"

# Characters that may open or close a marked span. Two ASCII apostrophes in a row ('') count as one mark.
# U+2033 (double prime) closes quotes in some Al-Weeam articles.
MARK_CHARS = "\u201c\u201d\u00ab\u00bb\"'\u2018\u2019\u2039\u203a\u201e\u2033"
STRIP_CHARS = " \t\r\n\u200f\u200e\u00a0"


def snn_doc_id(url):
    """Stable id for a SaudiNewsNet article (the record has none)."""
    return "snn-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def iter_nc():
    """Yield (doc_id, outlet, text) for every news_credibility_2013 article, files in sorted order."""
    for path in sorted(glob.glob(os.path.join(DATA_ROOT, "news_credibility_2013", "articles", "*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                yield rec["id"], rec["outlet"], rec["text"]


def iter_snn():
    """Yield (doc_id, outlet, text) for every SaudiNewsNet article, zips in sorted order."""
    for path in sorted(glob.glob(os.path.join(DATA_ROOT, "saudinewsnet", "dataset", "*.zip"))):
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                for rec in json.load(zf.open(name)):
                    yield snn_doc_id(rec["url"]), rec["source"], rec["content"]


_CACHE = {}


def load_all(dataset):
    """Map doc_id -> (outlet, text). Ids seen with two different texts map to None (ambiguous)."""
    if dataset not in _CACHE:
        out = {}
        for doc_id, outlet, text in (iter_nc() if dataset == NC else iter_snn()):
            if doc_id in out and (out[doc_id] is None or out[doc_id][1] != text):
                out[doc_id] = None
            elif doc_id not in out:
                out[doc_id] = (outlet, text)
        _CACHE[dataset] = out
    return _CACHE[dataset]


def get_text(dataset, doc_id):
    """Return (outlet, text) or raise KeyError with a readable message."""
    rec = load_all(dataset).get(doc_id)
    if rec is None:
        raise KeyError(f"{dataset}:{doc_id} not found or ambiguous")
    return rec


def find_marks(text):
    """List of (start, end, mark) for every quote-mark token in text, in order."""
    marks, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "'" and text[i + 1:i + 2] == "'":
            marks.append((i, i + 2, "''"))
            i += 2
            continue
        if ch in MARK_CHARS:
            marks.append((i, i + 1, ch))
        i += 1
    return marks


def trim(text, start, end):
    """Shrink [start, end) so it neither starts nor ends with whitespace or bidi marks."""
    while start < end and text[start] in STRIP_CHARS:
        start += 1
    while end > start and text[end - 1] in STRIP_CHARS:
        end -= 1
    return start, end


def text_sha1(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
