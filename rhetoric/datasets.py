"""Named loaders for the research corpora kept OUTSIDE the project, in a data directory.

The corpora have non-commercial or unclear licences, so the project never ships their text: it reads
them from ``data_dir()`` (``$RHETORIC_DATA``, else a per-user data folder) laid out as below, one
sub-folder per dataset, each with the upstream files unchanged::

    <data_dir>/araieval23-task1/task1{A,B}_{train,dev}.jsonl
    <data_dir>/armpro-text/V{1,2}/{binary,coarse,multilabel,span}/ArMPro_<kind>_{dev,test}[_V2].jsonl
    <data_dir>/news_credibility_2013/articles/<outlet>.jsonl
    <data_dir>/saudinewsnet/dataset/YYYY-MM-DD.zip

:func:`load_dataset` returns a documents table (:mod:`rhetoric.tables`) built by
:func:`rhetoric.corpus.load_corpus`, so the row accounting (rows in, loaded, skipped by reason) is the
same as for any corpus; it is attached as ``df.attrs["load_report"]`` (a dict, as ``load_corpus``
does). Labelled datasets add label columns:

- ``araieval23-task1``: ``type`` ('tweet'/'paragraph'), ``label`` (bool, task 1A), ``labels``
  (technique names, task 1B; ``[]`` for no technique), ``split``.
- ``armpro-text``: ``page_id`` (article), ``page_url``, ``page_date`` (raw string; ``date`` is its
  parse), ``label``, ``labels``, ``coarse_labels``, ``technique_spans`` (list of
  ``{technique, start, end}`` into ``text``), ``split``.
- ``news-credibility-2013``: ``outlet_name``, ``category``, ``source_path``; ``date`` = crawl time.
- ``saudinewsnet``: ``author``, ``url``; ``doc_id`` = ``"snn-" + sha1(url)[:16]``; ``date`` = extraction time.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from .corpus import load_corpus
from .errors import CorpusError, DatasetNotFound, RhetoricError
from .text import normalize

__all__ = [
    "DatasetInfo",
    "DatasetError",
    "UnsafeArchiveError",
    "data_dir",
    "dataset_path",
    "is_available",
    "list_datasets",
    "dataset_info",
    "citation",
    "load_dataset",
    "safe_extract",
]

#: Largest uncompressed zip member we read into memory (SaudiNewsNet members are ~13 MB).
MAX_MEMBER_BYTES = 512 * 1024 * 1024


class DatasetError(RhetoricError, ValueError):
    """A dataset request is invalid: unknown name, split, outlet or option, or inconsistent files."""


class UnsafeArchiveError(RhetoricError, ValueError):
    """A zip archive has a member that would be written outside the target folder (or is a link)."""


# --------------------------------------------------------------------------- where the data is


def data_dir() -> Path:
    """The data directory: ``$RHETORIC_DATA``, else the per-user data folder.

    The per-user folder follows the platform convention (like ``platformdirs.user_data_dir``):
    ``$XDG_DATA_HOME/rhetoric/datasets`` or ``~/.local/share/rhetoric/datasets`` on Linux,
    ``~/Library/Application Support/rhetoric/datasets`` on macOS, ``%LOCALAPPDATA%\\rhetoric\\datasets``
    on Windows.
    """
    configured = os.environ.get("RHETORIC_DATA", "").strip()
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", "").strip() or Path.home() / ".local" / "share")
    return base / "rhetoric" / "datasets"


def _data_dir_origin() -> str:
    return "from $RHETORIC_DATA" if os.environ.get("RHETORIC_DATA", "").strip() else "the default; set $RHETORIC_DATA to change it"


# --------------------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is, where it comes from, how to cite it, and how it is laid out on disk."""

    name: str
    title: str
    citation: str
    licence: str
    origin: str
    description: str
    kind: str  # "documents" or "labelled"
    folder: str = ""
    layout: str = ""
    splits: tuple[str, ...] = ()
    withheld_splits: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    min_chars: int = 0


_CATALOGUE: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        DatasetInfo(
            name="araieval23-task1",
            title="ArAIEval 2023 Task 1: persuasion techniques in Arabic tweets and news paragraphs",
            citation="""@inproceedings{hasanain2023araieval,
  title = {{ArAIEval} Shared Task: Persuasion Techniques and Disinformation Detection in {A}rabic Text},
  author = {Hasanain, Maram and Alam, Firoj and Mubarak, Hamdy and Abdaljalil, Samir and Zaghouani, Wajdi and Nakov, Preslav and Da San Martino, Giovanni and Freihat, Abed Alhakim},
  booktitle = {Proceedings of the First Arabic Natural Language Processing Conference (ArabicNLP 2023)},
  address = {Singapore},
  year = {2023},
  eprint = {2311.03179},
  archivePrefix = {arXiv}
}""",
            licence="CC BY-NC-SA 4.0 assumed (non-commercial research use; the source repository has no "
            "licence file; tweets are also subject to the platform's terms)",
            origin="https://github.com/nouman-10/ArAIEval-Shared-Task (commit 9a5e7c1500150cd9ea95ccab3e20f753909cb8e1, "
            "path data/task1/); organisers: https://araieval.gitlab.io/",
            description="2,427 train and 259 dev items (tweets and news paragraphs), each with a binary "
            "persuasion label (1A) and persuasion-technique labels (1B). The test split is withheld.",
            kind="labelled",
            folder="araieval23-task1",
            layout="task1A_train.jsonl, task1A_dev.jsonl, task1B_train.jsonl, task1B_dev.jsonl",
            splits=("train", "dev"),
            withheld_splits=("test",),
        ),
        DatasetInfo(
            name="armpro-text",
            title="ArMPro / ArPro: Arabic news paragraphs annotated with propaganda techniques and spans",
            citation="""@inproceedings{hasanain2024gpt4propaganda,
  title = {Can {GPT}-4 Identify Propaganda? Annotation and Detection of Propaganda Spans in News Articles},
  author = {Hasanain, Maram and Ahmad, Fatema and Alam, Firoj},
  booktitle = {Proceedings of the 2024 Joint International Conference on Computational Linguistics, Language Resources and Evaluation (LREC-COLING 2024)},
  pages = {2724--2744},
  address = {Torino, Italia},
  year = {2024},
  url = {https://aclanthology.org/2024.lrec-main.244}
}""",
            licence="CC BY-NC-SA 4.0 (attribution, non-commercial, share-alike)",
            origin="https://github.com/MaramHasanain/ArMPro (commit 4caa4d3b9f45bc749e7865a88a61d1024b090eac, path dataset/text/)",
            description="News paragraphs with outlet domain, binary, coarse and fine-grained technique labels and "
            "technique spans; dev (640) and test (1,278) splits; label versions V1 (paper) and V2 (cleaned). "
            "No train split in this copy.",
            kind="labelled",
            folder="armpro-text",
            layout="V1/{binary,coarse,multilabel,span}/ArMPro_<kind>_{dev,test}.jsonl and the same under V2/ "
            "with a _V2 suffix",
            splits=("dev", "test"),
            options=("version",),
        ),
        DatasetInfo(
            name="news-credibility-2013",
            title="news_credibility_2013: Egyptian and international Arabic news articles by outlet (Jan-Mar 2013)",
            citation="""@inproceedings{hammad2013automating,
  title = {Automating Credibility Assessment of Arabic News},
  author = {Hammad, Mohamed and Hemayed, Elsayed},
  booktitle = {International Conference on Social Informatics (SocInfo)},
  pages = {139--152},
  year = {2013},
  organization = {Springer}
}""",
            licence="unclear: the repository's Apache-2.0 licence covers the repository; the article texts remain "
            "the outlets' copyright (research use only, do not redistribute)",
            origin="https://github.com/ibraaaa/news-credibility (commit cae1009d9def17c058342c3dee969f2babcd0c9e, "
            "path src/python/data/rss/txt/), converted to one JSONL file per outlet",
            description="17,197 articles from 13 outlets (state-owned, ruling-party, private Egyptian, BBC and CNN "
            "Arabic); date is the crawler's timestamp.",
            kind="documents",
            folder="news_credibility_2013",
            layout="articles/<outlet>.jsonl (fields id, outlet, outlet_name, category, crawl_time, title, text, source_path)",
            min_chars=20,
        ),
        DatasetInfo(
            name="saudinewsnet",
            title="SaudiNewsNet: Saudi newspapers Arabic corpus (Jul-Aug 2015)",
            citation="""@misc{hagrima2015,
  author = {M. Alhagri},
  title = {Saudi Newspapers Arabic Corpus (SaudiNewsNet)},
  year = {2015},
  url = {http://github.com/ParallelMazen/SaudiNewsNet}
}""",
            licence="CC BY-NC-SA 4.0 (for open scientific research; articles remain the newspapers' property)",
            origin="https://github.com/inparallel/SaudiNewsNet (commit 4e39239966c2ae8a3faa591201acb9cd1f51199d, "
            "files dataset/YYYY-MM-DD.zip)",
            description="31,030 records from 14 Saudi outlets, 2015-07-21 to 2015-08-11, read straight from the "
            "zip files. Empty and very short contents are skipped and counted.",
            kind="documents",
            folder="saudinewsnet",
            layout="dataset/YYYY-MM-DD.zip (each holds one JSON array of articles)",
            min_chars=20,
        ),
    ]
}


def list_datasets() -> list[str]:
    """Names of the known datasets, sorted."""
    return sorted(_CATALOGUE)


def dataset_info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of ``name`` (raises :class:`DatasetError` listing the known names)."""
    try:
        return _CATALOGUE[name]
    except (KeyError, TypeError):
        raise DatasetError(f"unknown dataset {name!r}; known datasets: {', '.join(list_datasets())}") from None


def citation(name: str) -> str:
    """The BibTeX entry to cite when you use dataset ``name``."""
    return dataset_info(name).citation


def dataset_path(name: str) -> Path:
    """Where dataset ``name`` is expected (it may not exist)."""
    return data_dir() / dataset_info(name).folder


def is_available(name: str) -> bool:
    """True when the dataset's folder exists in the data directory."""
    return dataset_path(name).is_dir()


def _not_found(info: DatasetInfo, missing: Path) -> DatasetNotFound:
    root = data_dir()
    return DatasetNotFound(
        f"dataset {info.name!r} not found: looked for {missing} (data directory {root}, {_data_dir_origin()}). "
        f"Obtain it from {info.origin} and lay it out as {root / info.folder}/{info.layout}; "
        f"the SOURCE.md of the project's shared copy describes the files. Licence: {info.licence}."
    )


def _require_file(info: DatasetInfo, path: Path) -> Path:
    if not path.is_file():
        raise _not_found(info, path)
    return path


# --------------------------------------------------------------------------- reading raw files


def _read_jsonl(path: Path) -> list[dict]:
    """All objects of a JSONL file; a bad line raises :class:`CorpusError` naming the file and line."""
    records = []
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CorpusError(f"{path}:{lineno}: cannot read line ({exc})") from None
            if not isinstance(obj, dict):
                raise CorpusError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
            records.append(obj)
    return records


def _as_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise CorpusError(f"{where}: label must be 'true' or 'false', got {value!r}")


def _technique_list(value: Any, where: str) -> list[str]:
    """Technique names without the ``no_technique`` placeholder (V1 writes it, V2 writes [])."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CorpusError(f"{where}: labels must be a list of technique names, got {value!r}")
    return [v for v in value if v != "no_technique"]


def _check_label_agreement(label: bool, labels: list[str], where: str) -> None:
    if label != bool(labels):
        raise CorpusError(
            f"{where}: binary label {label} disagrees with technique labels {labels or ['no_technique']}"
        )


def _merge_by_id(files: dict[str, Path], id_field: str, info: DatasetInfo) -> list[dict[str, dict]]:
    """Read parallel JSONL files (same items) and return, per item, {file key: record}."""
    tables = {key: _read_jsonl(_require_file(info, path)) for key, path in files.items()}
    first_key = next(iter(tables))
    merged: dict[str, dict[str, dict]] = {}
    for key, records in tables.items():
        for lineno, record in enumerate(records, start=1):
            item_id = record.get(id_field)
            if not isinstance(item_id, str) or not item_id:
                raise CorpusError(f"{files[key]}:{lineno}: missing {id_field!r}")
            slot = merged.setdefault(item_id, {})
            if key in slot:
                raise CorpusError(f"{files[key]}:{lineno}: duplicate {id_field} {item_id!r}")
            if key != first_key and first_key not in slot:
                raise CorpusError(f"{files[key]}:{lineno}: id {item_id!r} is not in {files[first_key].name}")
            slot[key] = record
    for item_id, slot in merged.items():
        missing = [files[k].name for k in files if k not in slot]
        if missing:
            raise CorpusError(f"id {item_id!r} of {files[first_key].name} is missing from {', '.join(missing)}")
    return list(merged.values())


def _read_araieval(root: Path, splits: list[str], info: DatasetInfo) -> Iterator[pd.DataFrame]:
    for split in splits:
        files = {"A": root / f"task1A_{split}.jsonl", "B": root / f"task1B_{split}.jsonl"}
        rows = []
        for item in _merge_by_id(files, "id", info):
            a, b = item["A"], item["B"]
            where = f"{files['A'].name}/{files['B'].name} id {a['id']!r}"
            if a.get("text") != b.get("text") or a.get("type") != b.get("type"):
                raise CorpusError(f"{where}: text or type differs between task 1A and 1B")
            label = _as_bool(a.get("label"), where)
            labels = _technique_list(b.get("labels"), where)
            _check_label_agreement(label, labels, where)
            rows.append({"doc_id": a["id"], "outlet": None, "date": None, "title": "", "text": a.get("text"),
                         "type": a.get("type"), "label": label, "labels": labels, "split": split})
        yield pd.DataFrame(rows)


_ARMPRO_KINDS = ("binary", "multilabel", "coarse", "span")


def _read_armpro(root: Path, splits: list[str], info: DatasetInfo, version: str = "V1") -> Iterator[pd.DataFrame]:
    version = str(version).upper()
    if version not in ("V1", "V2"):
        raise DatasetError(f"armpro-text: version must be 'V1' or 'V2', not {version!r}")
    suffix = "_V2" if version == "V2" else ""
    for split in splits:
        files = {k: root / version / k / f"ArMPro_{k}_{split}{suffix}.jsonl" for k in _ARMPRO_KINDS}
        rows = []
        for item in _merge_by_id(files, "paragraph_id", info):
            b = item["binary"]
            where = f"armpro-text {version} {split} paragraph {b['paragraph_id']!r}"
            if any(item[k].get("paragraph") != b.get("paragraph") for k in _ARMPRO_KINDS):
                raise CorpusError(f"{where}: paragraph text differs between the granularity files")
            label = _as_bool(b.get("label"), where)
            labels = _technique_list(item["multilabel"].get("labels"), where)
            coarse = _technique_list(item["coarse"].get("labels"), where)
            _check_label_agreement(label, labels, where)
            spans = [{"technique": s.get("technique"), "start": s.get("start"), "end": s.get("end")}
                     for s in item["span"].get("labels") or []]
            rows.append({
                "doc_id": b["paragraph_id"], "outlet": b.get("page_domain"),
                "date": _parse_page_date(b.get("page_date")), "title": b.get("page_title") or "",
                "text": b.get("paragraph"), "page_id": b.get("page_id"), "page_url": b.get("page_url"),
                "page_date": b.get("page_date"), "label": label, "labels": labels, "coarse_labels": coarse,
                "technique_spans": spans, "split": split,
            })
        yield pd.DataFrame(rows)


def _read_news_credibility(root: Path, splits: list[str], info: DatasetInfo,
                           outlets: set[str] | None = None) -> Iterator[pd.DataFrame]:
    folder = root / "articles"
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    if not files:
        raise _not_found(info, folder / "<outlet>.jsonl")
    _check_outlets(outlets, {p.stem for p in files}, info)
    for path in files:
        if outlets and path.stem not in outlets:
            continue
        frame = pd.DataFrame(_read_jsonl(path), dtype=object)  # object: no costly Arrow string round trip
        yield frame.rename(columns={"id": "doc_id", "crawl_time": "date"})


def _read_saudinewsnet(root: Path, splits: list[str], info: DatasetInfo) -> Iterator[pd.DataFrame]:
    folder = root / "dataset"
    zips = sorted(folder.glob("*.zip")) if folder.is_dir() else []
    if not zips:
        raise _not_found(info, folder / "YYYY-MM-DD.zip")
    for path in zips:
        rows = []
        for where, item in _zip_json_items(path):
            url = item.get("url") or ""
            rows.append({
                # The id rule is shared with annotation sets built elsewhere: keep it exactly.
                "doc_id": "snn-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16] if url else None,
                "outlet": item.get("source"), "date": item.get("date_extracted"), "title": item.get("title") or "",
                "text": item.get("content"), "author": item.get("author") or "", "url": url,
            })
        yield pd.DataFrame(rows, dtype=object)


def _zip_json_items(path: Path) -> Iterator[tuple[str, dict]]:
    """The objects of every ``*.json`` array member of a zip, read in memory (nothing is extracted)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorpusError(f"{path}: not a readable zip file ({exc})") from None
    with archive:
        for member in sorted(archive.infolist(), key=lambda m: m.filename):
            if member.is_dir() or not member.filename.endswith(".json"):
                continue
            where = f"{path}!{member.filename}"
            if member.file_size > MAX_MEMBER_BYTES:
                raise CorpusError(f"{where}: {member.file_size} bytes uncompressed, more than the "
                                  f"{MAX_MEMBER_BYTES} bytes allowed")
            try:
                data = json.loads(archive.read(member).decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile) as exc:
                raise CorpusError(f"{where}: cannot read JSON ({exc})") from None
            if not isinstance(data, list):
                raise CorpusError(f"{where}: expected a JSON array of articles")
            for position, item in enumerate(data):
                if not isinstance(item, dict):
                    raise CorpusError(f"{where} item {position}: expected an object")
                yield f"{where} item {position}", item


_READERS: dict[str, Callable[..., Iterator[pd.DataFrame]]] = {
    "araieval23-task1": _read_araieval,
    "armpro-text": _read_armpro,
    "news-credibility-2013": _read_news_credibility,
    "saudinewsnet": _read_saudinewsnet,
}
#: Readers that filter outlets themselves (cheaper: whole files are skipped).
_READER_FILTERS_OUTLETS = {"news-credibility-2013"}


# --------------------------------------------------------------------------- dates

# Gregorian month names as written in Arabic news (Egyptian/Gulf and Levantine forms), NORMALISED.
_MONTHS = {
    normalize(name): number
    for number, names in enumerate(
        [
            ("يناير", "كانون الثاني"), ("فبراير", "شباط"), ("مارس", "آذار"), ("أبريل", "إبريل", "نيسان"),
            ("مايو", "أيار"), ("يونيو", "يونيه", "حزيران"), ("يوليو", "يوليه", "تموز"), ("أغسطس", "آب"),
            ("سبتمبر", "أيلول"), ("أكتوبر", "تشرين الأول"), ("نوفمبر", "تشرين الثاني"), ("ديسمبر", "كانون الأول"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = re.compile("|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)))
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_DAY_RE = re.compile(r"(?<![\d:])(\d{1,2})(?![\d:])")


def _parse_page_date(raw: Any) -> Any:
    """ArMPro ``page_date`` -> ISO date string when it names an Arabic month ("12 مايو/ أيار 2020").

    Other strings (mostly ISO timestamps) are returned unchanged for :func:`load_corpus` to parse;
    what neither can parse is counted there as ``unparsed_date``.
    """
    if not isinstance(raw, str):
        return raw
    norm = normalize(raw)
    month = _MONTH_RE.search(norm)
    year = _YEAR_RE.search(norm)
    if not month or not year:
        return raw
    rest = norm[: year.start()] + " " + norm[year.end():]
    day = _DAY_RE.search(rest)
    if not day or not 1 <= int(day.group(1)) <= 31:
        return raw
    return f"{year.group(1)}-{_MONTHS[month.group()]:02d}-{int(day.group(1)):02d}"


# --------------------------------------------------------------------------- the loader


def _check_outlets(outlets: set[str] | None, known: Iterable[str], info: DatasetInfo) -> None:
    known = sorted(set(known))
    unknown = sorted(set(outlets or ()) - set(known))
    if unknown:
        listing = f"known outlets: {', '.join(known)}" if known else "this dataset has no outlet column"
        raise DatasetError(f"{info.name}: unknown outlet(s) {', '.join(unknown)}; {listing}")


def _check_splits(info: DatasetInfo, split: str | Iterable[str] | None) -> list[str]:
    if split is None:
        return list(info.splits)
    requested = [split] if isinstance(split, str) else list(split)
    for name in requested:
        if name in info.withheld_splits:
            raise DatasetError(
                f"{info.name}: the {name!r} split is withheld for blind evaluation and is not distributed; "
                f"available splits: {', '.join(info.splits)}"
            )
        if name not in info.splits:
            available = ", ".join(info.splits) if info.splits else "none (pass split=None)"
            raise DatasetError(f"{info.name}: unknown split {name!r}; available splits: {available}")
    return requested


def _positive_int(value: Any, option: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise DatasetError(f"{option} must be a non-negative integer, not {value!r}")
    return int(value)


def load_dataset(
    name: str,
    split: str | Iterable[str] | None = None,
    *,
    outlets: Iterable[str] | None = None,
    limit: int | None = None,
    sample_per_outlet: int | None = None,
    seed: int = 0,
    min_chars: int | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Load a named dataset from :func:`data_dir` as a documents DataFrame (see the module doc).

    Parameters
    ----------
    split:
        a split name or a list of them (labelled datasets); ``None`` loads every available split.
        ``araieval23-task1``'s test split is withheld and raises :class:`DatasetError`.
    outlets:
        keep only these outlets (``outlet`` column values); unknown names raise, listing the known ones.
    limit:
        the FIRST ``limit`` documents in file order (files sorted by name, records in file order, splits
        in the order given), counted after skips. Deterministic; reading stops early when it can.
    sample_per_outlet, seed:
        a seeded random sample of that many documents per outlet (all of an outlet's documents when it
        has fewer), returned in file order. Cannot be combined with ``limit``.
    min_chars:
        texts shorter than this (after stripping white space) are skipped and counted as
        ``short_text``; default 20 for the news corpora, 0 for the labelled ones (never drop a label).
    options:
        dataset-specific: ``version='V1'|'V2'`` for ``armpro-text`` (default V1).

    Rows not returned are accounted for in ``df.attrs["load_report"]``: ``rows_in == loaded +
    sum(skipped)``, with ``short_text``, ``empty_text``, ``duplicate_id`` (the first is kept),
    ``beyond_limit`` and ``not_sampled`` as reasons.
    """
    info = dataset_info(name)
    unknown_options = sorted(set(options) - set(info.options))
    if unknown_options:
        allowed = ", ".join(info.options) or "none"
        raise DatasetError(f"{name}: unknown option(s) {', '.join(unknown_options)}; options: {allowed}")
    limit = _positive_int(limit, "limit")
    sample_per_outlet = _positive_int(sample_per_outlet, "sample_per_outlet")
    if limit is not None and sample_per_outlet is not None:
        raise DatasetError("pass either limit or sample_per_outlet, not both")
    min_chars = info.min_chars if min_chars is None else _positive_int(min_chars, "min_chars")
    splits = _check_splits(info, split)
    if isinstance(outlets, str):
        outlets = [outlets]
    wanted = set(outlets) if outlets is not None else None
    if wanted is not None and not wanted:
        raise DatasetError("outlets is empty; pass None for all outlets")
    root = data_dir() / info.folder
    if not root.is_dir():
        raise _not_found(info, root)

    reader_options = dict(options)
    if name in _READER_FILTERS_OUTLETS:
        reader_options["outlets"] = wanted
    frames: list[pd.DataFrame] = []
    seen_outlets: set[str] = set()
    candidate_ids: set[str] = set()
    n_short = 0
    stopped_early = False
    for chunk in _READERS[name](root, splits, info, **reader_options):
        if chunk.empty:
            continue
        seen_outlets.update(chunk["outlet"].dropna().astype(str))
        if wanted is not None:
            chunk = chunk[chunk["outlet"].isin(wanted)]
        text = chunk["text"].where(chunk["text"].map(lambda t: isinstance(t, str)), "").str.strip()
        short = (text.str.len() > 0) & (text.str.len() < min_chars)
        n_short += int(short.sum())
        chunk = chunk[~short]
        frames.append(chunk)
        if limit is not None:
            usable = chunk["doc_id"][text[~short].str.len() > 0]
            candidate_ids.update(usable.dropna())
            if len(candidate_ids) >= limit:
                stopped_early = True
                break
    if wanted is not None and not stopped_early and name not in _READER_FILTERS_OUTLETS:
        _check_outlets(wanted, seen_outlets, info)

    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["doc_id", "text"])
    documents, report = load_corpus(raw, on_error="skip")
    report.source = f"{name} ({root})"
    if n_short:
        report.rows_in += n_short
        report.skipped["short_text"] += n_short
    if limit is not None and len(documents) > limit:
        report.skipped["beyond_limit"] += len(documents) - limit
        report.loaded = limit
        documents = documents.iloc[:limit]
    if sample_per_outlet is not None:
        documents = _sample_per_outlet(documents, sample_per_outlet, seed)
        report.skipped["not_sampled"] += report.loaded - len(documents)
        report.loaded = len(documents)
    documents = documents.reset_index(drop=True)
    documents.attrs = {
        "load_report": report.as_dict(),
        "dataset": {"name": name, "splits": splits, "options": {k: str(v) for k, v in sorted(options.items())},
                    "limit": limit, "sample_per_outlet": sample_per_outlet, "seed": seed},
    }
    return documents


def _sample_per_outlet(documents: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Seeded sample of ``n`` rows per outlet, in file order (outlets drawn in sorted order)."""
    rng = np.random.default_rng(seed)
    keep: list[int] = []
    for _, positions in sorted(documents.groupby("outlet", sort=True).indices.items()):
        if len(positions) <= n:
            keep.extend(positions)
        else:
            keep.extend(rng.choice(positions, size=n, replace=False))
    return documents.iloc[sorted(int(p) for p in keep)]


# --------------------------------------------------------------------------- safe extraction


def safe_extract(zip_path: str | os.PathLike, target_dir: str | os.PathLike) -> list[Path]:
    """Extract ``zip_path`` into ``target_dir`` after checking EVERY member first.

    Refuses (raising :class:`UnsafeArchiveError`, nothing written) any member with an absolute path,
    a drive letter, a ``..`` that leaves the target, a symbolic link, or a path that resolves outside
    the target through an existing link. Returns the extracted file paths. The dataset loaders never
    extract (they read zips in memory); this is for users who want the files on disk.
    """
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchiveError(f"{zip_path}: not a readable zip file ({exc})") from None
    with archive:
        plan: list[tuple[zipfile.ZipInfo, Path]] = []
        for member in archive.infolist():
            name = member.filename
            where = f"{zip_path}: member {name!r}"
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UnsafeArchiveError(f"{where} is a symbolic link; refusing to extract")
            posix = name.replace("\\", "/")
            if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix) or PurePosixPath(posix).is_absolute():
                raise UnsafeArchiveError(f"{where} has an absolute path; refusing to extract")
            destination = (root / posix).resolve()
            if destination != root and root not in destination.parents:
                raise UnsafeArchiveError(f"{where} would be written outside {root}; refusing to extract")
            plan.append((member, destination))
        written = []
        for member, destination in plan:
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, open(destination, "wb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(destination)
    return written
