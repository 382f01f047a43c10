"""Corpus loading: JSONL, CSV, Parquet, a folder of .txt files, or a DataFrame -> a documents table.

Every load accounts for every input row: rows in, loaded, skipped by reason, and warnings by kind
(:class:`LoadReport`). Bad input either raises :class:`~rhetoric.errors.CorpusError` naming the file
and line (or byte offset) or, with ``on_error="skip"``, is skipped and counted — never lost silently.

The ``documents`` columns are documented in :mod:`rhetoric.tables`; extra input columns are kept.
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

import pandas as pd

from .errors import CorpusError
from .tables import columns
from .text import has_arabic

__all__ = ["LoadReport", "LoadResult", "load_corpus", "iter_corpus", "NonArabicTextWarning", "COLUMN_ALIASES"]

OnError = Literal["raise", "skip"]

#: Input column names that are read as a documents column when that column is absent.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "doc_id": ("id", "paragraph_id", "article_id"),
    "text": ("content", "body", "paragraph", "article"),
    "outlet": ("source", "page_domain", "outlet_name", "newspaper"),
    "date": ("published", "date_extracted", "crawl_time", "page_date", "datetime", "timestamp"),
    "title": ("headline", "page_title"),
}


class NonArabicTextWarning(UserWarning):
    """Some documents contain no Arabic letter (they are kept and counted)."""


@dataclass
class LoadReport:
    """Row accounting of one load: ``rows_in == loaded + sum(skipped.values())`` always holds."""

    source: str
    rows_in: int = 0
    loaded: int = 0
    skipped: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    renamed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows_in": self.rows_in,
            "loaded": self.loaded,
            "skipped": dict(sorted(self.skipped.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "renamed": dict(sorted(self.renamed.items())),
        }

    def __str__(self) -> str:
        skipped = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped.items())) or "none"
        warned = ", ".join(f"{k}: {v}" for k, v in sorted(self.warnings.items())) or "none"
        return (
            f"{self.source}: {self.rows_in} rows in, {self.loaded} loaded, "
            f"skipped ({skipped}), warnings ({warned})"
        )


@dataclass
class LoadResult:
    """``documents, report = load_corpus(...)``."""

    documents: pd.DataFrame
    report: LoadReport

    def __iter__(self):
        return iter((self.documents, self.report))


# --------------------------------------------------------------------------- raw records


def _jsonl_records(path: Path, on_error: OnError, report: LoadReport) -> Iterator[tuple[str, dict]]:
    """Yield (location, record) from a JSONL file, reading it as bytes to locate bad UTF-8 exactly."""
    offset = 0
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line_offset = offset
            offset += len(raw)
            if not raw.strip():
                continue
            report.rows_in += 1
            where = f"{path}:{lineno}"
            bom = 3 if lineno == 1 and raw.startswith(b"\xef\xbb\xbf") else 0  # editors on Windows add one
            try:
                line = raw[bom:].decode("utf-8")
            except UnicodeDecodeError as exc:
                if on_error == "skip":
                    report.skipped["invalid_utf8"] += 1
                    continue
                raise CorpusError(
                    f"{where}: invalid UTF-8 at byte offset {line_offset + bom + exc.start} of the file "
                    f"(byte 0x{raw[bom + exc.start]:02x}); re-encode the file as UTF-8 or pass on_error='skip'"
                ) from None
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if on_error == "skip":
                    report.skipped["malformed_json"] += 1
                    continue
                raise CorpusError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno}); "
                                  "fix the line or pass on_error='skip'") from None
            if not isinstance(obj, dict):
                if on_error == "skip":
                    report.skipped["not_an_object"] += 1
                    continue
                raise CorpusError(f"{where}: expected a JSON object per line, got {type(obj).__name__}")
            yield where, obj


def _starts_with(path: Path, prefix: bytes) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(prefix)


def _json_array_records(path: Path, on_error: OnError, report: LoadReport) -> Iterator[tuple[str, dict]]:
    """A .json file holding one array of objects (SaudiNewsNet style)."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: invalid UTF-8 at byte offset {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    for position, obj in enumerate(data):
        report.rows_in += 1
        if not isinstance(obj, dict):
            if on_error == "skip":
                report.skipped["not_an_object"] += 1
                continue
            raise CorpusError(f"{path}: item {position} of the array is not an object")
        yield f"{path} item {position}", obj


def _txt_records(folder: Path, on_error: OnError, report: LoadReport) -> Iterator[tuple[str, dict]]:
    """One document per .txt file; the id is the relative path, the outlet its first sub-folder."""
    files = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    for path in files:
        report.rows_in += 1
        rel = path.relative_to(folder)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if on_error == "skip":
                report.skipped["invalid_utf8"] += 1
                continue
            raise CorpusError(f"{path}: invalid UTF-8 at byte offset {exc.start}") from None
        record = {"doc_id": rel.with_suffix("").as_posix(), "text": text}
        if len(rel.parts) > 1:
            record["outlet"] = rel.parts[0]
        yield str(path), record


def _frame_records(frame: pd.DataFrame, source: str, report: LoadReport) -> Iterator[tuple[str, dict]]:
    for position, record in enumerate(frame.to_dict(orient="records")):
        report.rows_in += 1
        yield f"{source} row {position}", record


def _raw_records(source: Any, on_error: OnError, report: LoadReport, csv_kwargs: dict) -> Iterator[tuple[str, dict]]:
    if isinstance(source, pd.DataFrame):
        yield from _frame_records(source, "DataFrame", report)
        return
    path = Path(source)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        yield from _txt_records(path, on_error, report)
        return
    suffix = "".join(path.suffixes[-2:]) if path.suffix == ".gz" else path.suffix
    suffix = suffix.lower()
    if suffix == ".json" and _starts_with(path, b"["):
        yield from _json_array_records(path, on_error, report)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl_records(path, on_error, report)
    elif suffix in (".csv", ".tsv"):
        yield from _frame_records(_read_csv(path, suffix, on_error, report, csv_kwargs), str(path), report)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise CorpusError(f"{path}: not a readable Parquet file ({exc})") from None
        for batch in parquet.iter_batches(batch_size=2048):
            yield from _frame_records(batch.to_pandas(), str(path), report)
    else:
        raise CorpusError(
            f"{path}: unknown corpus format {path.suffix!r}; use .jsonl, .csv, .tsv, .parquet or a folder of .txt files"
        )


def _read_csv(path: Path, suffix: str, on_error: OnError, report: LoadReport, csv_kwargs: dict) -> pd.DataFrame:
    bad: list[list[str]] = []

    def on_bad_line(fields: list[str]) -> None:
        bad.append(fields)
        return None

    try:
        frame = pd.read_csv(
            path,
            sep="\t" if suffix == ".tsv" else ",",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
            on_bad_lines=on_bad_line if on_error == "skip" else "error",
            engine="python",
            # index_col=False: a row with extra cells is a bad line, not a silent shift into the index
            **{"index_col": False, **csv_kwargs},
        )
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: invalid UTF-8 at {_utf8_error_location(path)}; re-encode the file as UTF-8") from None
    except pd.errors.ParserError as exc:
        raise CorpusError(f"{path}: malformed CSV ({exc}); fix it or pass on_error='skip'") from None
    if bad:
        report.rows_in += len(bad)
        report.skipped["malformed_csv"] += len(bad)
    return frame


def _utf8_error_location(path: Path) -> str:
    """'byte offset N (line L)' of the first invalid UTF-8 byte of a file (only read on the error path)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"byte offset {exc.start} (line {line})"
    return "an unknown position"


# --------------------------------------------------------------------------- documents


def _stable_id(text: str, title: str, outlet: str) -> str:
    digest = hashlib.sha1(f"{outlet}\x1f{title}\x1f{text}".encode("utf-8")).hexdigest()
    return "h" + digest[:16]


def _resolve_columns(keys: Iterable[str], mapping: dict[str, str], report: LoadReport) -> dict[str, str]:
    """Documents column -> input column, from the explicit mapping, then the column itself, then aliases."""
    keys = list(keys)
    resolved = {}
    for column in ("doc_id", "outlet", "date", "title", "text"):
        if column in mapping:
            resolved[column] = mapping[column]
        elif column in keys:
            resolved[column] = column
        else:
            for alias in COLUMN_ALIASES[column]:
                if alias in keys:
                    resolved[column] = alias
                    report.renamed[alias] = column
                    break
    return resolved


def _clean_str(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _LONE_SURROGATE.sub("\ufffd", value if isinstance(value, str) else str(value))


#: A surrogate code point on its own (JSON allows "\ud800"); it cannot be written as UTF-8, so it
#: becomes U+FFFD — one character for one, so offsets into the text stay valid.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def iter_corpus(
    source: Any,
    *,
    chunk_size: int = 2000,
    on_error: OnError = "raise",
    columns_map: dict[str, str] | None = None,
    outlet: str | None = None,
    report: LoadReport | None = None,
    csv_kwargs: dict | None = None,
) -> Iterator[pd.DataFrame]:
    """Stream a corpus as documents DataFrames of at most ``chunk_size`` rows (bounded memory).

    ``report`` (a :class:`LoadReport` you pass in) is updated as the chunks are read. See
    :func:`load_corpus` for the arguments.
    """
    if on_error not in ("raise", "skip"):
        raise CorpusError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
    name = "DataFrame" if isinstance(source, pd.DataFrame) else str(source)
    report = report if report is not None else LoadReport(name)
    mapping = dict(columns_map or {})
    unknown = sorted(set(mapping) - set(COLUMN_ALIASES))
    if unknown:
        raise CorpusError(f"columns_map keys must be documents columns ({', '.join(COLUMN_ALIASES)}), "
                          f"not {', '.join(map(repr, unknown))}")
    seen_ids: dict[str, str] = {}
    resolved: dict[str, str] | None = None
    rows: list[dict] = []
    for where, record in _raw_records(source, on_error, report, csv_kwargs or {}):
        if resolved is None or any(c not in record for c in resolved.values()):
            resolved = _resolve_columns(record.keys(), mapping, report)
            absent = [f"{column!r} (given for {target})" for target, column in mapping.items() if column not in record]
            if absent:  # an explicit mapping to a missing column would silently skip or blank every row
                raise CorpusError(f"{where}: no column {', '.join(absent)}; columns: "
                                  f"{', '.join(map(str, record.keys())) or 'none'}")
        if "text" not in resolved:
            raise CorpusError(
                f"{where}: no 'text' column (columns: {', '.join(map(str, record.keys())) or 'none'}); "
                "name the text column with columns_map={'text': '<column>'} (CLI: --text-column)"
            )
        text = record.get(resolved["text"])
        if text is not None and not isinstance(text, str):
            if isinstance(text, float) and pd.isna(text):
                text = None
            else:
                text = str(text)
        if not text or not text.strip():
            report.skipped["empty_text"] += 1
            continue
        if "\x00" in text:
            text = text.replace("\x00", "")
            report.warnings["nul_bytes_removed"] += 1
        if _LONE_SURROGATE.search(text):
            text = _LONE_SURROGATE.sub("\ufffd", text)
            report.warnings["lone_surrogates_replaced"] += 1
        if not has_arabic(text):
            report.warnings["no_arabic_text"] += 1
        title = _clean_str(record.get(resolved.get("title", ""), "")).replace("\x00", "")
        doc_outlet = _clean_str(record.get(resolved.get("outlet", ""), "")) or outlet or "unknown"
        doc_id = _clean_str(record.get(resolved.get("doc_id", ""), ""))
        generated = not doc_id
        if generated:
            doc_id = _stable_id(text, title, doc_outlet)
            report.warnings["generated_id"] += 1
        if doc_id in seen_ids:
            if on_error == "skip":
                report.skipped["duplicate_id"] += 1
                continue
            what = ("the same outlet, title and text (a duplicate article; its id is generated from them)"
                    if generated else f"duplicate document id {doc_id!r}")
            raise CorpusError(
                f"{where}: {what}, first seen at {seen_ids[doc_id]}; "
                "ids must be unique — fix them or pass on_error='skip' to keep the first"
            )
        seen_ids[doc_id] = where
        used = {resolved.get(c) for c in ("doc_id", "outlet", "date", "title", "text")}
        extras = {k: v for k, v in record.items() if k not in used and k not in ("doc_id", "outlet", "date", "title", "text")}
        rows.append(
            {
                "doc_id": doc_id,
                "outlet": doc_outlet,
                "date": record.get(resolved["date"]) if "date" in resolved else None,
                "title": title,
                "text": text,
                **extras,
            }
        )
        report.loaded += 1
        if len(rows) >= chunk_size:
            yield _to_frame(rows, report)
            rows = []
    if rows or report.loaded == 0:
        yield _to_frame(rows, report)


_TEXT_COLUMNS = ("doc_id", "outlet", "title", "text")


def _to_frame(rows: list[dict], report: LoadReport) -> pd.DataFrame:
    """The documents DataFrame of ``rows``. The text columns are built as Python-object columns
    directly (pandas would infer Arrow strings, converted back at a cost of ~0.5 CPU s per 30,000
    articles); the extra columns keep pandas' own inference."""
    known = set(columns("documents"))
    extras = [{k: v for k, v in row.items() if k not in known} for row in rows]
    frame = pd.DataFrame(extras) if any(extras) else pd.DataFrame(index=pd.RangeIndex(len(rows)))
    for column in _TEXT_COLUMNS:
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    raw_dates = pd.Series([row["date"] for row in rows], dtype=object).infer_objects()
    dates = pd.to_datetime(raw_dates, errors="coerce", utc=True, format="mixed").dt.tz_localize(None)
    unparsed = int((raw_dates.notna() & (raw_dates.astype(str).str.strip() != "") & dates.isna()).sum())
    if unparsed:
        report.warnings["unparsed_date"] += unparsed
    frame["date"] = dates.astype("datetime64[ns]")
    ordered = columns("documents") + [c for c in frame.columns if c not in columns("documents")]
    return frame[ordered]


def load_corpus(
    source: Any,
    *,
    on_error: OnError = "raise",
    columns_map: dict[str, str] | None = None,
    outlet: str | None = None,
    csv_kwargs: dict | None = None,
) -> LoadResult:
    """Load a corpus into a documents DataFrame and its row accounting.

    Parameters
    ----------
    source:
        a ``.jsonl`` / ``.csv`` / ``.tsv`` / ``.parquet`` file, a folder of ``.txt`` files (one article
        each; a first-level sub-folder names the outlet), or a pandas DataFrame.
    on_error:
        ``"raise"`` (default) stops at the first malformed line with its file and line number;
        ``"skip"`` skips it and counts the reason in ``report.skipped``.
    columns_map:
        documents column -> input column, e.g. ``{"text": "body", "outlet": "site"}``. Without it the
        column itself or a common alias is used (``id`` for ``doc_id``, ``content`` for ``text`` ...).
    outlet:
        outlet name for documents that have none.

    Returns ``LoadResult(documents, report)``; unpack it as ``docs, report = load_corpus(path)``.
    Empty texts are skipped and counted; texts without Arabic are kept with a warning.
    """
    name = "DataFrame" if isinstance(source, pd.DataFrame) else str(source)
    report = LoadReport(name)
    chunks = list(
        iter_corpus(source, chunk_size=50_000, on_error=on_error, columns_map=columns_map, outlet=outlet,
                    report=report, csv_kwargs=csv_kwargs)
    )
    documents = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)
    if report.warnings.get("no_arabic_text"):
        warnings.warn(
            f"{name}: {report.warnings['no_arabic_text']} document(s) contain no Arabic text (kept)",
            NonArabicTextWarning,
            stacklevel=2,
        )
    documents.attrs["load_report"] = report.as_dict()
    return LoadResult(documents, report)
