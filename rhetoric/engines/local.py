"""The streaming local engine: analyse a corpus of any size on one machine, on every core, with
bounded memory.

How it works (``rhetoric analyze INPUT --out DIR --engine local --jobs N``):

1. The main process streams the corpus in chunks (:func:`rhetoric.corpus.iter_corpus`; a folder of
   Parquet parts is read part by part), hashes it, numbers the chunks and sends each to a worker
   process (:class:`concurrent.futures.ProcessPoolExecutor`, at most ``2 x jobs`` chunks in flight).
2. The worker runs the per-document stages (:func:`rhetoric.analysis.run_stages`), writes the chunk's
   part of every table to ``DIR/<table>.parquet/part-NNNNN.parquet`` (:func:`run_chunk`; the stage
   tables have a schema fixed in code, :func:`stage_schema`; the documents table that of the first
   chunk, :func:`documents_schema`) and condenses the stages with :func:`chunk_partials`.
3. Only the partials go back to the main process, which merges them: per-article sums (tokens, hits,
   classifier units by voice and speaker type), per-article category / entry / naming-pair hit counts,
   quote rows without text, word counts per group x voice for keyness, and the top flagged units of
   each group with their text. Memory therefore grows with a few numbers per article, not with the
   text, and the main process, which shares the cores with the workers, does little more than read
   the corpus and merge.

The result is a :class:`StreamedAnalysis`: an :class:`~rhetoric.analysis.Analysis` whose comparisons
are computed from the partials — the same numbers as the in-memory :func:`rhetoric.analyze`, because
the partials are made by the in-memory code on each chunk — and whose ``spans`` / ``matches`` /
``predictions`` are read from the Parquet parts when asked for. :func:`rhetoric.report.write_outputs`
accepts it. The Dask engine (:mod:`rhetoric.engines.dask`) runs the same chunks on a cluster.

Workers are started by a fork server (as on Python 3.14's default), so a script that calls
:func:`analyze_stream` with ``jobs > 1`` must guard its entry point with
``if __name__ == "__main__":`` (notebooks and the ``rhetoric`` command need nothing).
"""
from __future__ import annotations

import functools
import gc
import hashlib
import multiprocessing
import os
import shutil
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from ..analysis import Analysis, _matcher, load_lexicon_set, resolve_model, run_stages
from ..errors import RhetoricError
from ..match import sharing_batches
from ..text import word_form_table

__all__ = ["analyze_stream", "StreamedAnalysis", "Partials", "chunk_partials", "process_chunk", "run_chunk",
           "iter_source", "stage_schema", "documents_schema", "TABLES"]

#: The partitioned tables an engine writes: ``DIR/<name>.parquet/part-NNNNN.parquet`` (a folder of
#: parts that pandas, pyarrow and Dask read as one table: ``pd.read_parquet("DIR/spans.parquet")``).
TABLES = ("documents", "spans", "matches", "predictions")
#: The per-article tables of :meth:`Analysis._doc_table`, keyed by (voice, speaker_type).
_DOC_TABLE_KINDS = ((True, False), (False, False), (True, True))
_QUOTE_COLUMNS = ["doc_id", "field", "span_id", "speaker_type", "stance", "n_tokens", "n_hits"]
_ENTRY_KEYS = ["doc_id", "entry_id", "term", "category", "voice"]


def table_dir(folder: Path | str, name: str) -> Path:
    """The folder of a partitioned table: ``folder/<name>.parquet``."""
    return Path(folder) / f"{name}.parquet"


# --------------------------------------------------------------------------- per-chunk partials


@dataclass
class Partials:
    """What aggregation needs from the per-document stages, without the text.

    ``doc_tables[(voice, speaker_type)]``: :meth:`Analysis._doc_table` with no group keys (one row per
    article x voice [x speaker type]); ``category_hits[voice]``: :meth:`Analysis._category_hits` with no
    group keys; ``entry_hits``: framing hits per article x entry x voice (column ``n``); ``quotes``:
    :meth:`Analysis._quote_hits` without text; ``naming_hits``: (``doc_id``, ``category``) per
    naming-pair hit; ``term_counts``: (group value, voice) -> word counts for keyness, each an Arrow
    table (``term`` string, ``n`` int64; :func:`rhetoric.text.word_form_table`: it pickles as
    two buffers, and the main process sums the tables with Arrow, :func:`sum_term_tables`);
    ``flagged``: group -> the top flagged units with their highlighted text (report.py format).
    ``by`` is the documents column the word counts and flagged units are grouped by.
    """

    by: str
    per_group: int
    doc_tables: dict = field(default_factory=dict)
    category_hits: dict = field(default_factory=dict)
    entry_hits: pd.DataFrame | None = None
    quotes: pd.DataFrame | None = None
    naming_hits: pd.DataFrame | None = None
    naming_pairs: pd.DataFrame | None = None
    term_counts: dict | None = field(default_factory=dict)
    flagged: dict | None = field(default_factory=dict)
    n_tokens: int = 0
    n_framing_hits: int = 0
    n_quote_spans: int = 0
    corpus_sha256: str = ""
    tables_dir: Path | None = None

    # ---- used by rhetoric.report

    def overview(self) -> tuple[int, int, int]:
        """Tokens, framing hits and quote spans of the corpus."""
        return self.n_tokens, self.n_framing_hits, self.n_quote_spans

    def flagged_units(self, by: str, per_group: int) -> dict[str, list[dict]]:
        if self.flagged is None:
            raise RhetoricError("this analysis is a subset of a streamed one: its flagged units were not kept")
        if by != self.by or per_group > self.per_group:
            raise RhetoricError(f"the flagged units were kept for by={self.by!r} and {self.per_group} per group; "
                                f"re-run the engine with by={by!r}")
        return {group: units[:per_group] for group, units in self.flagged.items()}

    def write_tables(self, out: Path) -> None:
        """The engine wrote the tables already; copy them when the report goes elsewhere."""
        if self.tables_dir is None or Path(out).resolve() == self.tables_dir.resolve():
            return
        for name in TABLES:
            target = table_dir(out, name)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(table_dir(self.tables_dir, name), target)

    # ---- building

    @classmethod
    def merge(cls, parts: Iterable["Partials"]) -> "Partials":
        """Combine the partials of consecutive chunks (in corpus order), taking them one at a time:
        word counts (every :data:`_TERM_MERGE_EVERY` chunks of a group) and top flagged units are
        merged as they come (their size does not grow with the corpus), the per-article tables are
        concatenated once at the end."""
        out, frames, pending = None, {}, {}
        for part in parts:
            if out is None:
                out = cls(by=part.by, per_group=part.per_group, naming_pairs=part.naming_pairs)
            for name in ("doc_tables", "category_hits"):
                for key, frame in getattr(part, name).items():
                    frames.setdefault((name, key), []).append(frame)
            for name in ("entry_hits", "quotes", "naming_hits"):
                frames.setdefault((name, None), []).append(getattr(part, name))
            for key, table in part.term_counts.items():
                waiting = pending.setdefault(key, [])
                waiting.append(table)
                if len(waiting) == _TERM_MERGE_EVERY:
                    out.term_counts[key] = sum_term_tables([out.term_counts.get(key), *pending.pop(key)])
            for group, units in part.flagged.items():
                merged = sorted(out.flagged.get(group, []) + units, key=lambda unit: unit["rank"])
                out.flagged[group] = merged[: out.per_group]
            out.n_tokens += part.n_tokens
            out.n_framing_hits += part.n_framing_hits
            out.n_quote_spans += part.n_quote_spans
        if out is None:
            raise RhetoricError("the corpus has no documents to analyse")
        for key, waiting in pending.items():
            out.term_counts[key] = sum_term_tables([out.term_counts.get(key), *waiting])
        for (name, key), pieces in frames.items():
            frame = pd.concat(pieces, ignore_index=True)
            if key is None:
                setattr(out, name, frame)
            else:
                getattr(out, name)[key] = frame
        return out

    def subset(self, doc_ids: set) -> "Partials":
        """The per-article partials of some articles; word counts and flagged units cannot be split."""
        pick = lambda df: df[df["doc_id"].isin(doc_ids)].reset_index(drop=True)  # noqa: E731
        return Partials(
            by=self.by, per_group=self.per_group,
            doc_tables={k: pick(v) for k, v in self.doc_tables.items()},
            category_hits={k: pick(v) for k, v in self.category_hits.items()},
            entry_hits=pick(self.entry_hits), quotes=pick(self.quotes), naming_hits=pick(self.naming_hits),
            naming_pairs=self.naming_pairs, term_counts=None, flagged=None,
            corpus_sha256="", tables_dir=self.tables_dir,
        )


#: Word-count tables of a group wait until this many chunks have come, then are summed in one go.
_TERM_MERGE_EVERY = 16


def sum_term_tables(tables: Iterable[pa.Table | None]) -> pa.Table:
    """One (``term``, ``n``) table with the counts of ``tables`` summed per term (None entries are
    skipped); single-threaded, so the row order is the same in every run (first-seen terms first)."""
    table = pa.concat_tables([t for t in tables if t is not None])
    summed = table.group_by("term", use_threads=False).aggregate([("n", "sum")])
    return pa.table({"term": summed.column("term"), "n": summed.column("n_sum")})


def chunk_partials(analysis: Analysis, by: str = "outlet", per_group: int = 5) -> Partials:
    """Condense an in-memory :class:`Analysis` of one chunk into :class:`Partials`.

    Each partial is produced by the in-memory method itself (with no group keys), which is why a
    streamed analysis gives the same numbers as :func:`rhetoric.analyze`.
    """
    from ..report import _flagged_units

    if by not in analysis.documents.columns:
        raise RhetoricError(f"documents have no column {by!r} to group by")
    fm = analysis.framing_matches()
    entry_hits = fm.groupby(_ENTRY_KEYS, sort=True).size().rename("n").reset_index()
    matcher, naming_pairs = _shipped_naming_matcher()
    naming_hits = matcher.document_categories(analysis.documents)  # of Analysis._naming_hits(None), built once
    spans = analysis.spans.merge(analysis.documents[["doc_id", by]], on="doc_id", how="left")
    span_texts = list(analysis._span_texts(np.arange(len(spans))))  # sliced once, not once per group
    term_counts = {key: word_form_table([span_texts[i] for i in rows])  # Analysis._token_counts of each group, as Arrow
                   for key, rows in spans.groupby([by, "voice"], sort=True, dropna=False).indices.items()}
    return Partials(
        by=by, per_group=per_group,
        doc_tables={(v, s): _compact(analysis._doc_table([], v, s)) for v, s in _DOC_TABLE_KINDS},
        category_hits={v: analysis._category_hits([], v) for v in (True, False)},
        entry_hits=entry_hits,
        quotes=analysis._quote_hits()[_QUOTE_COLUMNS].reset_index(drop=True),
        naming_hits=naming_hits,
        naming_pairs=naming_pairs,
        term_counts=term_counts,
        flagged=_flagged_units(analysis, by, per_group),
        n_tokens=int(analysis.spans["n_tokens"].sum()),
        n_framing_hits=len(fm),
        n_quote_spans=int((analysis.spans["voice"] == "quote").sum()),
    )


def _shipped_naming_matcher():
    """:func:`rhetoric.analysis.naming_matcher` of the shipped pairs, cached until the file changes."""
    from ..resources import lexicons_dir

    path = lexicons_dir() / "naming_pairs.yaml"
    return _naming_matcher_cached(str(path), path.stat().st_mtime if path.exists() else None)


@functools.lru_cache(maxsize=1)
def _naming_matcher_cached(path: str, mtime):
    from ..analysis import naming_matcher

    return naming_matcher(None)


def _compact(table: pd.DataFrame) -> pd.DataFrame:
    """One dtype per column whatever the chunk (sums of floats stay floats; counts of tokens ints)."""
    for column in ("n_hits", "weighted", "n_units", "sum_prob", "n_flagged"):
        if column in table.columns:
            table[column] = table[column].astype("float64")
    if "n_tokens" in table.columns:
        table["n_tokens"] = table["n_tokens"].astype("int64")
    return table


def process_chunk(documents: pd.DataFrame, lexicons: list, model: Any, explain_top: int, by: str,
                  per_group: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Partials]:
    """One chunk, start to finish: the stage tables and their partials (a worker runs it through
    :func:`run_chunk`)."""
    documents = documents.reset_index(drop=True)
    # the framing lexicons' and the naming pairs' matchers normalise and scan each batch of text once
    with sharing_batches(_matcher(lexicons), _shipped_naming_matcher()[0]):
        spans, matches, predictions = run_stages(documents, lexicons, model, explain_top)
        chunk = Analysis(documents=documents, spans=spans, matches=matches, predictions=predictions,
                         lexicons=lexicons, model=model)
        return spans, matches, predictions, chunk_partials(chunk, by, per_group)


def run_chunk(number: int, documents: pd.DataFrame, documents_schema, lexicons: list, model: Any,
              explain_top: int, by: str, per_group: int, out: Path | None = None) -> tuple[Partials, dict[str, bytes]]:
    """What a worker does with chunk ``number``: :func:`process_chunk`, then the chunk's part of every
    table (:data:`TABLES`) written to ``out`` — or, without ``out``, returned as Parquet bytes for the
    driver to write (a cluster without a shared file system). Only the partials and those bytes go
    back to the driver, so it never converts or writes a table itself."""
    spans, matches, predictions, partials = process_chunk(documents, lexicons, model, explain_top, by, per_group)
    tables = {"documents": documents, "spans": spans, "matches": matches, "predictions": predictions}
    return partials, write_chunk_parts(number, tables, documents_schema, out)


# --------------------------------------------------------------------------- the streamed analysis


class StreamedAnalysis(Analysis):
    """An :class:`Analysis` computed from :class:`Partials` instead of the full tables.

    ``documents`` has no ``text`` or ``title`` (they are in ``DIR/documents/``); ``spans``,
    ``matches`` and ``predictions`` are read from the Parquet parts each time they are asked for.
    Keyness can select on ``voice`` and the ``by`` column given to the engine; naming uses the shipped
    naming pairs. Everything else works as on an in-memory analysis, with the same numbers.
    """

    def __init__(self, documents: pd.DataFrame, partials: Partials, lexicons: list, model: Any = None,
                 seed: int = 0, load_report: Any = None):
        self.documents = documents
        self.partials = partials
        self.lexicons = lexicons
        self.model = model
        self.seed = seed
        self.load_report = load_report

    def __repr__(self) -> str:
        return (f"StreamedAnalysis({len(self.documents)} documents, tables in {self.partials.tables_dir}, "
                f"by={self.partials.by!r}, seed={self.seed})")

    # ---- the stage tables, from disk

    def _table(self, name: str) -> pd.DataFrame:
        if self.partials.tables_dir is None:
            raise RhetoricError("this streamed analysis has no tables on disk")
        frame = read_table(self.partials.tables_dir, name)
        if len(frame) and not frame["doc_id"].isin(self.documents["doc_id"]).all():
            frame = frame[frame["doc_id"].isin(set(self.documents["doc_id"]))].reset_index(drop=True)
        return frame

    spans = property(lambda self: self._table("spans"), doc="The spans table, read from the Parquet parts.")
    matches = property(lambda self: self._table("matches"), doc="The matches table, read from the Parquet parts.")
    predictions = property(lambda self: self._table("predictions"),
                           doc="The predictions table, read from the Parquet parts.")

    # ---- the seams of Analysis, answered from the partials

    def _group_docs(self, by: list[str]) -> pd.DataFrame:
        missing = [b for b in by if b not in self.documents.columns]
        if missing:
            raise RhetoricError(f"a streamed analysis groups by documents columns only; {missing} is not one "
                                f"(documents columns: {', '.join(map(str, self.documents.columns))})")
        return self.documents[["doc_id", *by]]

    def _doc_table(self, by: Sequence[str], voice: bool, speaker_type: bool = False) -> pd.DataFrame:
        by = list(by)
        table = self.partials.doc_tables[(voice, speaker_type)]
        keys = ["doc_id", *(["voice"] if voice else []), *(["speaker_type"] if speaker_type else [])]
        values = [c for c in table.columns if c not in keys]
        table = table.merge(self._group_docs(by), on="doc_id", how="left")
        # The in-memory table is sorted by (doc_id, *by, voice, ...); by is constant within an article.
        table = table.sort_values(keys, kind="mergesort")
        return table[["doc_id", *by, *keys[1:], *values]].reset_index(drop=True)

    def _category_hits(self, by: list[str], voice: bool) -> pd.DataFrame:
        table = self.partials.category_hits[voice].merge(self._group_docs(by), on="doc_id")
        keys = ["doc_id", *by, *(["voice"] if voice else []), "lexicon", "category"]
        return table.sort_values(keys, kind="mergesort")[[*keys, "n_hits"]].reset_index(drop=True)

    def _quote_hits(self) -> pd.DataFrame:
        return self.partials.quotes

    def _naming_hits(self, pairs: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
        if pairs is not None:
            raise RhetoricError("a streamed analysis counted the shipped naming pairs only; "
                                "use rhetoric.analyze in memory for other pairs")
        return self.partials.naming_hits, self.partials.naming_pairs

    def _doc_tokens(self) -> pd.Series:
        return self.partials.doc_tables[(False, False)].set_index("doc_id")["n_tokens"].sort_index()

    def adoption(self, by: str | Sequence[str] = "outlet") -> pd.DataFrame:
        by = [by] if isinstance(by, str) else list(by)
        columns = [*by, "entry_id", "term", "category", "n_quote", "n_narration", "adopted"]
        hits = self.partials.entry_hits.merge(self._group_docs(by), on="doc_id")
        if hits.empty:
            return pd.DataFrame(columns=columns)
        counts = hits.pivot_table(index=[*by, "entry_id", "term", "category"], columns="voice", values="n",
                                  aggfunc="sum", fill_value=0)
        for v in ("quote", "narration"):
            if v not in counts.columns:
                counts[v] = 0
        counts = counts.rename(columns={"quote": "n_quote", "narration": "n_narration"}).reset_index()
        counts.columns.name = None
        counts["adopted"] = (counts["n_quote"] > 0) & (counts["n_narration"] > 0)
        return counts[columns]

    # ---- keyness from the word counts per group x voice

    def _term_cells(self) -> pd.DataFrame:
        if self.partials.term_counts is None:
            raise RhetoricError("keyness needs the word counts of the whole streamed corpus; "
                                "a subset of a streamed analysis does not have them")
        keys = sorted(self.partials.term_counts, key=lambda k: (str(k[0]), k[1]))
        return pd.DataFrame(keys, columns=[self.partials.by, "voice"])

    def _span_mask(self, selector: dict | None) -> pd.Series:
        cells = self._term_cells()
        mask = pd.Series(True, index=cells.index)
        for column, value in (selector or {}).items():
            if column not in cells.columns:
                raise RhetoricError(f"a streamed analysis keeps word counts per {self.partials.by} x voice; "
                                    f"keyness cannot select on {column!r}")
            values = value if isinstance(value, (list, tuple, set)) else [value]
            mask &= cells[column].isin(values)
        return mask

    def _token_counts(self, mask: pd.Series) -> pd.Series:
        """Word form -> count over the selected group x voice cells (a Series; keyness takes any mapping)."""
        cells = self._term_cells()
        tables = [self.partials.term_counts[key] for key in cells[mask.to_numpy()].itertuples(index=False, name=None)]
        if not tables:
            return pd.Series(dtype="int64")
        summed = sum_term_tables(tables)
        return pd.Series(summed.column("n").to_numpy(), index=summed.column("term").to_pylist())

    def keyness(self, target: dict | None = None, reference: dict | None = None, *, by: str | None = None,
                min_count: int = 3, top: int | None = None) -> pd.DataFrame:
        if by is None:
            return super().keyness(target, reference, min_count=min_count, top=top)
        cells = self._term_cells()
        if by not in cells.columns:
            raise RhetoricError(f"a streamed analysis keeps word counts per {self.partials.by} x voice, not {by!r}")
        frames = []
        for group in sorted(cells[by].dropna().unique()):
            frame = self.keyness({**(target or {}), by: group}, reference, min_count=min_count, top=top)
            frames.append(frame.assign(group=group))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _subset(self, doc_ids) -> "StreamedAnalysis":
        keep = set(doc_ids)
        documents = self.documents[self.documents["doc_id"].isin(keep)].reset_index(drop=True)
        return StreamedAnalysis(documents, self.partials.subset(keep), self.lexicons, self.model, self.seed)


# --------------------------------------------------------------------------- reading and writing parts


def read_table(folder: str | Path, name: str) -> pd.DataFrame:
    """A partitioned table ``folder/<name>.parquet/part-*.parquet`` as one DataFrame (parts in order)."""
    parts = sorted(table_dir(folder, name).glob("part-*.parquet"))
    if not parts:
        raise RhetoricError(f"{table_dir(folder, name)}: no Parquet parts (part-*.parquet)")
    frames = [pd.read_parquet(p) for p in parts]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def part_path(folder: str | Path, name: str, number: int) -> Path:
    """Where chunk ``number`` of table ``name`` goes: ``folder/<name>.parquet/part-NNNNN.parquet``
    (zero-padded, so the parts sort in corpus order)."""
    return table_dir(folder, name) / f"part-{number:05d}.parquet"


def prepare_table_dirs(out: Path) -> None:
    """Empty (or create) ``out/<table>.parquet/`` for every table, so no part of an earlier run is
    read back with this one's."""
    for name in TABLES:
        folder = table_dir(out, name)
        if folder.is_file():  # an in-memory run's single-file table of the same name
            folder.unlink()
        elif folder.exists():
            for stale in folder.glob("part-*.parquet"):
                stale.unlink()
        folder.mkdir(parents=True, exist_ok=True)


#: Arrow type of each column of the stage tables, by column name (one meaning per name whatever the
#: table, see :mod:`rhetoric.tables`); every other column is a string. ``speaker_start`` /
#: ``speaker_end`` are pandas ``Int64`` (nullable) and stored as int64 with nulls.
_STAGE_TYPES = {"span_id": "int64", "unit_id": "int64", "start": "int64", "end": "int64", "n_tokens": "int64",
                "speaker_start": "int64", "speaker_end": "int64", "weight": "float64", "prob": "float64",
                "label": "bool"}


@functools.lru_cache(maxsize=None)
def stage_schema(name: str):
    """The Arrow schema of every part of stage table ``name`` (spans, matches, predictions): the
    documented columns of :mod:`rhetoric.tables`, in the order the stages make them (matches also carry
    ``stance``, see :meth:`rhetoric.match.LexiconMatcher.match_documents`), with the types of
    ``_STAGE_TYPES``. Fixed in code rather than taken from the first chunk, so a chunk whose optional
    columns are all empty (no quote has a known speaker, no lexicon hit at all) cannot give a part a
    type the others do not share. Strings are ``large_string``, what pandas' ``str`` columns become."""
    import pyarrow as pa

    from ..tables import columns

    names = columns(name) + (["stance"] if name == "matches" else [])
    return pa.schema([(column, pa.type_for_alias(_STAGE_TYPES.get(column, "large_string"))) for column in names])


def documents_schema(documents: pd.DataFrame):
    """The Arrow schema of every documents part, taken from the first chunk: the documents' metadata
    columns depend on the corpus, so the first chunk decides. Columns with no value there are strings."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(documents, preserve_index=False)
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in schema])


def encode_part(name: str, number: int, frame: pd.DataFrame, schema):
    """``frame`` as an Arrow table of ``schema``, or a :class:`RhetoricError` naming the chunk when it
    does not fit (a column missing or of another type; a stage table must have exactly the schema's
    columns, a documents chunk at least them)."""
    import pyarrow as pa

    if name != "documents" and list(frame.columns) != schema.names:
        raise RhetoricError(f"chunk {number} of the {name} table has columns {list(frame.columns)}, not "
                            f"{schema.names} (rhetoric.engines.local.stage_schema)")
    try:
        return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError) as exc:
        where = "the schema of the first chunk" if name == "documents" else "its schema"
        raise RhetoricError(f"chunk {number} of the {name} table does not fit {where} ({exc}); "
                            "give every document the same columns and types") from None


def write_chunk_parts(number: int, tables: dict[str, pd.DataFrame], documents_schema, out: Path | None = None
                      ) -> dict[str, bytes]:
    """Chunk ``number``'s part of each table: written to ``out`` when given (a folder this process
    can write), else returned as Parquet file bytes for the caller to write (:func:`write_part_bytes`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    encoded = {name: encode_part(name, number, frame, documents_schema if name == "documents" else stage_schema(name))
               for name, frame in tables.items()}
    if out is not None:
        for name, table in encoded.items():
            pq.write_table(table, part_path(out, name, number))
        return {}
    blobs = {}
    for name, table in encoded.items():
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        blobs[name] = sink.getvalue().to_pybytes()
    return blobs


def write_part_bytes(out: Path, number: int, blobs: dict[str, bytes]) -> None:
    """Write the parts a worker returned as bytes (:func:`write_chunk_parts` without ``out``)."""
    for name, blob in blobs.items():
        part_path(out, name, number).write_bytes(blob)


# --------------------------------------------------------------------------- the driver


def iter_source(source: Any, *, chunk_size: int, report, on_error: str = "raise",
                columns_map: dict | None = None) -> Iterator[pd.DataFrame]:
    """Documents chunks of a corpus: anything :func:`rhetoric.corpus.iter_corpus` reads, or a folder of
    Parquet parts (e.g. ``DIR/documents/`` of an earlier run), read part by part. Ids must be unique
    across the whole corpus."""
    from ..corpus import iter_corpus

    kwargs = dict(chunk_size=chunk_size, on_error=on_error, columns_map=columns_map, report=report)
    path = Path(source) if isinstance(source, (str, os.PathLike)) else None
    parts = sorted(path.rglob("*.parquet")) if path is not None and path.is_dir() else []
    if not parts or any(path.rglob("*.txt")):
        yield from iter_corpus(source, **kwargs)
        return
    seen: set = set()
    for part in parts:
        for chunk in iter_corpus(part, **kwargs):
            if chunk.empty:
                continue
            repeated = chunk["doc_id"].isin(seen) | chunk["doc_id"].duplicated()
            if repeated.any():
                if on_error != "skip":
                    raise RhetoricError(f"{part}: duplicate document id {chunk.loc[repeated, 'doc_id'].iloc[0]!r} "
                                        "(seen in an earlier part); ids must be unique across parts")
                report.skipped["duplicate_id"] += int(repeated.sum())
                report.loaded -= int(repeated.sum())
                chunk = chunk[~repeated].reset_index(drop=True)
            seen.update(chunk["doc_id"])
            yield chunk


def stream_chunks(
    chunks: Iterator[pd.DataFrame],
    out: Path,
    submit: Callable[[int, pd.DataFrame, Any], Future],
    *,
    max_in_flight: int,
    by: str,
    per_group: int,
    progress: bool = False,
) -> tuple[pd.DataFrame, Partials]:
    """Number the chunks and send each to ``submit(number, documents, documents_schema)``, which
    returns a future of :func:`run_chunk`'s result; keep at most ``max_in_flight`` pending, write the
    parts a worker returned as bytes, and merge the partials in corpus order. The workers convert and
    write the tables, so this loop only reads, hashes and sends the corpus. Returns the documents table
    without text and title, and the merged partials."""
    from ..report import update_corpus_hash

    prepare_table_dirs(out)
    digest = hashlib.sha256()
    documents: list[pd.DataFrame] = []
    pending: deque = deque()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="analysing", unit="doc", leave=False)

    def collect() -> Partials:
        number, ids, future = pending.popleft()
        try:
            part, blobs = future.result()
        except RhetoricError:
            raise
        except Exception as exc:  # a stage failed on some document of this chunk: say which chunk
            raise RhetoricError(f"chunk {number} (documents {ids[0]!r} .. {ids[1]!r}) failed: "
                                f"{type(exc).__name__}: {exc}") from exc
        write_part_bytes(out, number, blobs)
        if bar is not None:
            bar.update(ids[2])
        return part

    def results() -> Iterator[Partials]:
        """Chunk partials in corpus order, with at most max_in_flight chunks submitted and unfinished."""
        schema = None
        for number, chunk in enumerate(c for c in chunks if len(c)):
            chunk = chunk.reset_index(drop=True)
            if by not in chunk.columns:
                raise RhetoricError(f"documents have no column {by!r} to group by")
            update_corpus_hash(digest, chunk)
            schema = documents_schema(chunk) if schema is None else schema
            documents.append(chunk.drop(columns=["text", "title"]))
            ids = (chunk["doc_id"].iloc[0], chunk["doc_id"].iloc[-1], len(chunk))
            pending.append((number, ids, submit(number, chunk, schema)))
            while len(pending) >= max_in_flight:
                yield collect()
        while pending:
            yield collect()

    try:
        merged = Partials.merge(results())
    finally:
        if bar is not None:
            bar.close()
    merged.corpus_sha256 = digest.hexdigest()
    merged.tables_dir = out
    return pd.concat(documents, ignore_index=True), merged


# Worker state of the process pool: set once per worker by _init_worker.
_WORKER: dict = {}


def _init_worker(out: Path, *settings) -> None:
    """Keep the settings for every chunk, then move them and the imported modules out of the garbage
    collector's sight (:func:`gc.freeze`): they live as long as the worker, and otherwise every full
    collection walks the ~200,000 objects of the model, the lexicons and the imports again (~3% of a
    worker's CPU on SaudiNewsNet)."""
    _WORKER.update(out=out, settings=settings)
    gc.freeze()


def _run_in_worker(number: int, documents: pd.DataFrame, schema) -> tuple[Partials, dict]:
    return run_chunk(number, documents, schema, *_WORKER["settings"], out=_WORKER["out"])


def _context():
    """Fresh worker processes from a fork server that has the package imported (importing the quote
    stage also builds the normalisation table): no fork of a process that already runs threads
    (pyarrow, tqdm), and no per-worker import cost. The server is started at once, so it imports
    while this process loads the lexicons and the model. The report's plotting processes fork from
    it too, so it imports matplotlib (:mod:`rhetoric.plots`) once for them (~0.65 CPU s each)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["rhetoric.engines.local", "rhetoric.segment", "rhetoric.match", "rhetoric.classify",
                                    "rhetoric.plots"])
    forkserver.ensure_running()
    return context


def stop_worker_server() -> None:
    """Stop the worker server now, for a process about to exit (the ``rhetoric analyze`` command).

    Left alone it stops only after this process has exited, then spends ~0.45 s tearing down the
    modules it preloaded, all the while holding this process's stdout: a caller that reads the
    command's output (a script, ``subprocess.run``, a notebook's ``!rhetoric``) waits for it. It
    holds no state, so SIGTERM ends it at once. Call it only when no pool of this process is running."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None or not hasattr(server, "_stop"):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    server._stop()  # closes its pipe, reaps it, removes its socket


def _run_here(number: int, documents: pd.DataFrame, schema, settings: tuple, out: Path) -> Future:
    """:func:`run_chunk` in this process, as a finished future (jobs=1)."""
    future: Future = Future()
    try:
        future.set_result(run_chunk(number, documents, schema, *settings, out=out))
    except Exception as exc:  # reported by the driver with the chunk's documents
        future.set_exception(exc)
    return future


def analyze_stream(
    source: Any,
    out_dir: str | Path,
    lexicons: Any = None,
    model: Any = "default",
    *,
    seed: int = 0,
    explain_top: int = 5,
    by: str = "outlet",
    per_group: int = 5,
    jobs: int | None = None,
    chunk_size: int = 1000,
    on_error: str = "raise",
    columns_map: dict | None = None,
    progress: bool = False,
) -> StreamedAnalysis:
    """Analyse a corpus file, folder or DataFrame chunk by chunk on ``jobs`` processes (default: every
    core), writing ``out_dir/<table>.parquet/part-NNNNN.parquet``; return a :class:`StreamedAnalysis`.

    ``by`` is the documents column whose groups get keyness word counts and flagged units (the report's
    grouping); ``chunk_size`` documents go to a worker at a time. Memory holds at most ``2 x jobs``
    chunks plus a few numbers per article. ``jobs=1`` runs in this process. The row accounting is in
    ``.load_report``.
    """
    from ..corpus import LoadReport

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    context = _context() if jobs > 1 else None  # first: the workers' server starts while the model loads
    loaded = load_lexicon_set(lexicons)
    classifier = resolve_model(model)
    report = LoadReport("DataFrame" if isinstance(source, pd.DataFrame) else str(source))
    chunks = iter_source(source, chunk_size=chunk_size, report=report, on_error=on_error, columns_map=columns_map)
    settings = (loaded, classifier, explain_top, by, per_group)
    if jobs == 1:
        documents, partials = stream_chunks(chunks, out, lambda *chunk: _run_here(*chunk, settings, out),
                                            max_in_flight=1, by=by, per_group=per_group, progress=progress)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                   initargs=(out, *settings))
        try:
            documents, partials = stream_chunks(chunks, out, lambda *chunk: pool.submit(_run_in_worker, *chunk),
                                                max_in_flight=2 * jobs, by=by, per_group=per_group,
                                                progress=progress)
        finally:  # on an error or Ctrl-C, drop the chunks not started yet instead of finishing them
            pool.shutdown(wait=True, cancel_futures=True)
    return StreamedAnalysis(documents, partials, loaded, classifier, seed, load_report=report)
