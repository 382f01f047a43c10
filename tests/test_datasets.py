"""Named dataset loaders: the catalogue, errors, row accounting and safe zip handling on small datasets
built here from authored text, plus real-corpus checks (marked ``realdata``) against the counts in
each dataset's SOURCE.md. Real-data tests assert counts only and never write corpus text anywhere."""
from __future__ import annotations

import hashlib
import json
import stat
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from rhetoric import datasets
from rhetoric.cli import main
from rhetoric.corpus import load_corpus
from rhetoric.datasets import DatasetError, UnsafeArchiveError, load_dataset, safe_extract
from rhetoric.errors import CorpusError, DatasetNotFound, RhetoricError

# Authored sentences (not from any corpus).
ARTICLE_A = "أعلنت وزارة التعليم اليوم خطة جديدة لتطوير المدارس الحكومية في المدن والقرى."
ARTICLE_B = "قال المتحدث باسم البلدية إن أعمال الصيانة ستنتهي قبل نهاية الشهر المقبل."
ARTICLE_C = "شهدت الأسواق المحلية ارتفاعا ملحوظا في أسعار الخضروات خلال الأسبوع الماضي."


def _snn_id(url: str) -> str:
    return "snn-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _article(source: str, n: int, content: str, url: str | None = None) -> dict:
    return {"source": source, "url": url or f"http://example.org/{source}/{n}",
            "date_extracted": "2015-07-21 10:00:00", "title": f"عنوان {n}", "author": "", "content": content}


def _make_snn(root: Path, files: dict[str, list[dict]]) -> Path:
    folder = root / "saudinewsnet" / "dataset"
    folder.mkdir(parents=True)
    for day, items in files.items():
        with zipfile.ZipFile(folder / f"{day}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{day}.json", json.dumps(items, ensure_ascii=False))
    return folder


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _make_araieval(root: Path, split: str, items: list[tuple[str, str, str, list[str]]]) -> None:
    """items: (id, text, label 'true'/'false', labels)."""
    folder = root / "araieval23-task1"
    _write_jsonl(folder / f"task1A_{split}.jsonl",
                 [{"id": i, "text": t, "label": lab, "type": "paragraph"} for i, t, lab, _ in items])
    _write_jsonl(folder / f"task1B_{split}.jsonl",
                 [{"id": i, "text": t, "labels": labs, "type": "paragraph"} for i, t, _, labs in items])


def _make_armpro(root: Path, version: str, split: str, items: list[dict]) -> None:
    suffix = "_V2" if version == "V2" else ""
    none = [] if version == "V2" else ["no_technique"]
    for kind in ("binary", "multilabel", "coarse", "span"):
        records = []
        for item in items:
            record = {"page_id": item["id"].rsplit("_", 1)[0], "paragraph_id": item["id"], "paragraph": item["text"],
                      "page_domain": item["domain"], "page_url": "http://example.org/a", "page_title": "عنوان",
                      "page_date": item["date"]}
            if kind == "binary":
                record["label"] = "true" if item["labels"] else "false"
            elif kind == "multilabel":
                record["labels"] = item["labels"] or none
            elif kind == "coarse":
                record["labels"] = ["Manipulative_Wording"] if item["labels"] else none
            else:
                record["labels"] = [{"technique": t, "text": item["text"][:4], "start": 0, "end": 4} for t in item["labels"]]
            records.append(record)
        _write_jsonl(root / "armpro-text" / version / kind / f"ArMPro_{kind}_{split}{suffix}.jsonl", records)


@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    monkeypatch.setenv("RHETORIC_DATA", str(tmp_path))
    return tmp_path


# --------------------------------------------------------------------------- catalogue and data dir


def test_catalogue_names_and_info():
    assert datasets.list_datasets() == ["araieval23-task1", "armpro-text", "news-credibility-2013", "saudinewsnet"]
    for name in datasets.list_datasets():
        info = datasets.dataset_info(name)
        assert info.name == name
        assert info.kind in ("documents", "labelled")
        assert info.origin.startswith("https://")
        assert info.citation.startswith("@") and "title" in info.citation and info.citation.rstrip().endswith("}")
        assert info.citation.count("{") == info.citation.count("}")
        assert datasets.citation(name) == info.citation
        assert info.licence and info.description and info.title


def test_unknown_dataset_lists_known_names():
    with pytest.raises(DatasetError) as err:
        load_dataset("saudi-news")
    for name in datasets.list_datasets():
        assert name in str(err.value)


def test_data_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RHETORIC_DATA", str(tmp_path))
    assert datasets.data_dir() == tmp_path


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG layout is the Linux default")
def test_data_dir_default_is_per_user(monkeypatch, tmp_path):
    monkeypatch.delenv("RHETORIC_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert datasets.data_dir() == tmp_path / "rhetoric" / "datasets"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert datasets.data_dir() == Path.home() / ".local" / "share" / "rhetoric" / "datasets"


def test_missing_dataset_says_where_it_looked_and_how_to_get_it(fake_data):
    with pytest.raises(DatasetNotFound) as err:
        load_dataset("saudinewsnet")
    message = str(err.value)
    assert str(fake_data / "saudinewsnet") in message
    assert "github.com/inparallel/SaudiNewsNet" in message
    assert "RHETORIC_DATA" in message
    assert isinstance(err.value, RhetoricError)


def test_missing_file_of_a_present_dataset_is_named(fake_data):
    _make_araieval(fake_data, "train", [("1", ARTICLE_A, "true", ["Loaded_Language"])])
    (fake_data / "araieval23-task1" / "task1B_train.jsonl").unlink()
    with pytest.raises(DatasetNotFound, match="task1B_train.jsonl"):
        load_dataset("araieval23-task1", split="train")


# --------------------------------------------------------------------------- splits and options


def test_withheld_test_split_is_a_clear_error(fake_data):
    with pytest.raises(DatasetError, match="withheld"):
        load_dataset("araieval23-task1", split="test")


def test_unknown_split_and_splitless_dataset(fake_data):
    with pytest.raises(DatasetError, match="unknown split 'validation'.*train, dev"):
        load_dataset("araieval23-task1", split="validation")
    with pytest.raises(DatasetError, match="unknown split"):
        load_dataset("saudinewsnet", split="train")


def test_unknown_option_and_conflicting_options(fake_data):
    with pytest.raises(DatasetError, match="unknown option.*version"):
        load_dataset("araieval23-task1", version="V2")
    with pytest.raises(DatasetError, match="either limit or sample_per_outlet"):
        load_dataset("saudinewsnet", limit=3, sample_per_outlet=2)
    with pytest.raises(DatasetError, match="limit must be"):
        load_dataset("saudinewsnet", limit=-1)


# --------------------------------------------------------------------------- araieval (authored stand-in)


def test_araieval_merges_1a_and_1b(fake_data):
    _make_araieval(fake_data, "train", [("p1", ARTICLE_A, "true", ["Loaded_Language", "Doubt"]),
                                        ("p2", ARTICLE_B, "false", ["no_technique"])])
    _make_araieval(fake_data, "dev", [("p3", ARTICLE_C, "true", ["Slogans"])])
    df = load_dataset("araieval23-task1")
    assert list(df["doc_id"]) == ["p1", "p2", "p3"]
    assert list(df["split"]) == ["train", "train", "dev"]
    assert df["label"].tolist() == [True, False, True]
    assert df["labels"].tolist() == [["Loaded_Language", "Doubt"], [], ["Slogans"]]
    assert set(df.columns) >= {"doc_id", "text", "type", "label", "labels", "split", "outlet", "date", "title"}
    assert load_dataset("araieval23-task1", split="dev")["doc_id"].tolist() == ["p3"]
    with pytest.raises(DatasetError, match="has no outlet column"):
        load_dataset("araieval23-task1", outlets=["bbc.com"])


def test_araieval_inconsistent_labels_are_refused(fake_data):
    _make_araieval(fake_data, "train", [("p1", ARTICLE_A, "false", ["Loaded_Language"])])
    with pytest.raises(CorpusError, match="'p1'.*disagrees"):
        load_dataset("araieval23-task1", split="train")


def test_araieval_id_missing_from_1b_is_refused(fake_data):
    _make_araieval(fake_data, "train", [("p1", ARTICLE_A, "true", ["Doubt"]), ("p2", ARTICLE_B, "true", ["Doubt"])])
    path = fake_data / "araieval23-task1" / "task1B_train.jsonl"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="'p2'.*missing from task1B_train.jsonl"):
        load_dataset("araieval23-task1", split="train")


def test_araieval_malformed_line_names_file_and_line(fake_data):
    _make_araieval(fake_data, "dev", [("p1", ARTICLE_A, "true", ["Doubt"])])
    path = fake_data / "araieval23-task1" / "task1A_dev.jsonl"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"id": "p2", "text": \n')
    with pytest.raises(CorpusError, match=r"task1A_dev.jsonl:2"):
        load_dataset("araieval23-task1", split="dev")


# --------------------------------------------------------------------------- armpro (authored stand-in)


def test_armpro_versions_labels_and_dates(fake_data):
    items = [
        {"id": "MIS_1-x_01_001", "text": ARTICLE_A, "domain": "example.com", "date": "12 مايو/ أيار 2020",
         "labels": ["Loaded_Language"]},
        {"id": "MIS_1-x_01_002", "text": ARTICLE_B, "domain": "example.net", "date": "2021-03-04T10:00:00Z",
         "labels": []},
        {"id": "MIS_1-x_01_003", "text": ARTICLE_C, "domain": "example.net", "date": "الأحد 7 تشرين الثاني 2019",
         "labels": []},
        {"id": "MIS_1-x_01_004", "text": ARTICLE_C + " ثم", "domain": "example.net", "date": "قبل ساعتين",
         "labels": []},
    ]
    _make_armpro(fake_data, "V1", "dev", items)
    _make_armpro(fake_data, "V2", "dev", items[:2])
    df = load_dataset("armpro-text", split="dev")
    assert df["outlet"].tolist() == ["example.com", "example.net", "example.net", "example.net"]
    assert df["label"].tolist() == [True, False, False, False]
    assert df["labels"].tolist() == [["Loaded_Language"], [], [], []]  # V1's no_technique -> []
    assert df["coarse_labels"].tolist() == [["Manipulative_Wording"], [], [], []]
    assert df["technique_spans"][0] == [{"technique": "Loaded_Language", "start": 0, "end": 4}]
    assert df["page_date"][0] == "12 مايو/ أيار 2020"  # raw string kept
    assert df["date"][0] == pd.Timestamp("2020-05-12")
    assert df["date"][1] == pd.Timestamp("2021-03-04 10:00:00")
    assert df["date"][2] == pd.Timestamp("2019-11-07")
    assert pd.isna(df["date"][3])
    assert df.attrs["load_report"]["warnings"].get("unparsed_date") == 1
    assert load_dataset("armpro-text", split="dev", version="V2")["doc_id"].tolist() == ["MIS_1-x_01_001", "MIS_1-x_01_002"]
    with pytest.raises(DatasetError, match="version must be"):
        load_dataset("armpro-text", split="dev", version="V3")
    with pytest.raises(DatasetNotFound, match="ArMPro_binary_test.jsonl"):
        load_dataset("armpro-text", split="test")


# --------------------------------------------------------------------------- saudinewsnet (authored stand-in)


def _snn_fixture(root: Path) -> None:
    _make_snn(root, {
        "2015-07-21": [
            _article("alpha", 1, ARTICLE_A),
            _article("beta", 2, ARTICLE_B),
            _article("alpha", 3, "   "),  # empty
            _article("beta", 4, "قصير جدا"),  # short (< 20 chars)
            _article("alpha", 5, ARTICLE_C),
        ],
        "2015-07-22": [
            _article("alpha", 1, ARTICLE_A + " تحديث"),  # same url as the first: duplicate id
            _article("gamma", 6, ARTICLE_B + " ثانية"),
            _article("beta", 7, ARTICLE_C + " ثالثة"),
        ],
    })


def test_saudinewsnet_ids_skips_and_accounting(fake_data):
    _snn_fixture(fake_data)
    before = sorted(p.relative_to(fake_data) for p in fake_data.rglob("*"))
    df = load_dataset("saudinewsnet")
    report = df.attrs["load_report"]
    assert report["rows_in"] == 8
    assert report["skipped"] == {"duplicate_id": 1, "empty_text": 1, "short_text": 1}
    assert report["rows_in"] == report["loaded"] + sum(report["skipped"].values()) == len(df) + 3
    assert df["doc_id"].tolist() == [_snn_id(f"http://example.org/{s}/{n}")
                                     for s, n in [("alpha", 1), ("beta", 2), ("alpha", 5), ("gamma", 6), ("beta", 7)]]
    assert df["text"][0] == ARTICLE_A  # the first of the duplicates is kept
    assert df["outlet"].tolist() == ["alpha", "beta", "alpha", "gamma", "beta"]
    assert df["date"][0] == pd.Timestamp("2015-07-21 10:00:00")
    assert {"author", "url", "title"} <= set(df.columns)
    # Read in memory: nothing was extracted next to the zips.
    assert sorted(p.relative_to(fake_data) for p in fake_data.rglob("*")) == before


def test_saudinewsnet_outlets_limit_and_sample(fake_data):
    _snn_fixture(fake_data)
    only = load_dataset("saudinewsnet", outlets=["beta"])
    assert only["outlet"].unique().tolist() == ["beta"] and len(only) == 2
    with pytest.raises(DatasetError, match="unknown outlet.*delta.*known outlets: alpha, beta, gamma"):
        load_dataset("saudinewsnet", outlets=["alpha", "delta"])
    first = load_dataset("saudinewsnet", limit=2)
    assert first["doc_id"].tolist() == load_dataset("saudinewsnet")["doc_id"].tolist()[:2]
    assert first.attrs["load_report"]["skipped"]["beyond_limit"] == 1  # first zip: 3 usable rows read
    report = first.attrs["load_report"]
    assert report["rows_in"] == report["loaded"] + sum(report["skipped"].values())
    sample = load_dataset("saudinewsnet", sample_per_outlet=1, seed=3)
    assert sample["outlet"].value_counts().to_dict() == {"alpha": 1, "beta": 1, "gamma": 1}
    assert sample["doc_id"].tolist() == load_dataset("saudinewsnet", sample_per_outlet=1, seed=3)["doc_id"].tolist()
    draws = {tuple(load_dataset("saudinewsnet", sample_per_outlet=1, seed=s)["doc_id"]) for s in range(8)}
    assert len(draws) > 1  # the seed matters
    assert sample.attrs["load_report"]["skipped"]["not_sampled"] == 2


def test_saudinewsnet_damaged_zip_names_the_file(fake_data):
    folder = _make_snn(fake_data, {"2015-07-21": [_article("alpha", 1, ARTICLE_A)]})
    (folder / "2015-07-22.zip").write_bytes(b"not a zip at all")
    with pytest.raises(CorpusError, match="2015-07-22.zip: not a readable zip"):
        load_dataset("saudinewsnet")


# --------------------------------------------------------------------------- news-credibility (authored stand-in)


def test_news_credibility_outlet_files(fake_data):
    folder = fake_data / "news_credibility_2013" / "articles"
    for outlet, texts in {"outletA": [ARTICLE_A, ARTICLE_B], "outletB": [ARTICLE_C]}.items():
        _write_jsonl(folder / f"{outlet}.jsonl", [
            {"id": f"{outlet}{i}", "outlet": outlet, "outlet_name": outlet.upper(), "category": None,
             "crawl_time": "2013-02-01 08:30:00", "title": "عنوان", "text": t, "source_path": f"x/{i}.txt"}
            for i, t in enumerate(texts)])
    df = load_dataset("news-credibility-2013")
    assert df["doc_id"].tolist() == ["outletA0", "outletA1", "outletB0"]
    assert df["date"].tolist() == [pd.Timestamp("2013-02-01 08:30:00")] * 3
    assert {"outlet_name", "category", "source_path"} <= set(df.columns)
    assert load_dataset("news-credibility-2013", outlets=["outletB"])["doc_id"].tolist() == ["outletB0"]
    with pytest.raises(DatasetError, match="known outlets: outletA, outletB"):
        load_dataset("news-credibility-2013", outlets=["outletC"])


# --------------------------------------------------------------------------- safe_extract


def _zip_with(path: Path, members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


@pytest.mark.parametrize(
    "members, symlinks, reason",
    [
        ({"ok.json": b"[]", "../escape.txt": b"x"}, None, "outside"),
        ({"ok.json": b"[]", "a/../../escape.txt": b"x"}, None, "outside"),
        ({"ok.json": b"[]", "/tmp/absolute.txt": b"x"}, None, "absolute"),
        ({"ok.json": b"[]", "C:/windows.txt": b"x"}, None, "absolute"),
        ({"ok.json": b"[]"}, {"link": "/etc"}, "symbolic link"),
    ],
)
def test_safe_extract_refuses_escaping_members(tmp_path, members, symlinks, reason):
    archive = _zip_with(tmp_path / "evil.zip", members, symlinks)
    target = tmp_path / "out"
    with pytest.raises(UnsafeArchiveError, match=reason):
        safe_extract(archive, target)
    assert list(target.rglob("*")) == []  # nothing written, not even the harmless member
    assert not (tmp_path / "escape.txt").exists()


def test_safe_extract_refuses_path_through_existing_symlink(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (target / "link").symlink_to(outside, target_is_directory=True)
    archive = _zip_with(tmp_path / "evil.zip", {"link/file.txt": b"x"})
    with pytest.raises(UnsafeArchiveError, match="outside"):
        safe_extract(archive, target)
    assert list(outside.iterdir()) == []


def test_safe_extract_writes_benign_members(tmp_path):
    archive = _zip_with(tmp_path / "good.zip", {"a.json": b"[1]", "sub/b.txt": "نص".encode("utf-8")})
    written = safe_extract(archive, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == ["a.json", "sub/b.txt"]
    assert (tmp_path / "out" / "sub" / "b.txt").read_text(encoding="utf-8") == "نص"


# --------------------------------------------------------------------------- CLI


def test_cli_list_info_cite(fake_data, capsys):
    _snn_fixture(fake_data)
    assert main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    assert str(fake_data) in out
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "available" in lines["saudinewsnet"] and "missing" in lines["armpro-text"]
    assert main(["datasets", "info", "armpro-text"]) == 0
    assert "CC BY-NC-SA" in capsys.readouterr().out
    assert main(["datasets", "cite", "news-credibility-2013"]) == 0
    assert capsys.readouterr().out.startswith("@inproceedings{hammad2013automating")


def test_cli_export_round_trips_through_load_corpus(fake_data, tmp_path, capsys):
    _snn_fixture(fake_data)
    out = tmp_path / "export" / "snn.jsonl"
    assert main(["datasets", "export", "saudinewsnet", "--out", str(out), "--limit", "3"]) == 0
    captured = capsys.readouterr()
    assert "wrote 3 documents" in captured.out and "do not commit" in captured.err
    docs, report = load_corpus(out)
    expected = load_dataset("saudinewsnet", limit=3)
    assert docs["doc_id"].tolist() == expected["doc_id"].tolist()
    assert docs["text"].tolist() == expected["text"].tolist()
    assert docs["date"].tolist() == expected["date"].tolist()
    assert report.loaded == 3
    # Refuses to overwrite without --force.
    assert main(["datasets", "export", "saudinewsnet", "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["datasets", "export", "saudinewsnet", "--out", str(out), "--force"]) == 0


def test_cli_export_errors_exit_2_without_traceback(fake_data, tmp_path, capsys):
    assert main(["datasets", "export", "armpro-text", "--out", str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: dataset 'armpro-text' not found") and "Traceback" not in err
    assert main(["datasets", "export", "araieval23-task1", "--split", "test", "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "withheld" in capsys.readouterr().err


# --------------------------------------------------------------------------- real corpora (SOURCE.md counts)


@pytest.fixture(scope="module")
def saudinewsnet(require_dataset):
    require_dataset("saudinewsnet")
    return load_dataset("saudinewsnet")


@pytest.fixture(scope="module")
def news_credibility(require_dataset):
    require_dataset("news-credibility-2013")
    return load_dataset("news-credibility-2013")


@pytest.mark.realdata
def test_real_news_credibility_counts(news_credibility):
    df = news_credibility
    assert len(df) == 17197
    counts = df["outlet"].value_counts().to_dict()
    assert len(counts) == 13
    assert counts["Alahram.Newspaper"] == 454 and counts["bbcarabicnews"] == 1671 and counts["cnnarabic"] == 1572
    assert all(counts[o] == 1350 for o in counts if o not in ("Alahram.Newspaper", "bbcarabicnews", "cnnarabic"))
    assert df["doc_id"].is_unique
    assert df["date"].notna().all()
    assert df["date"].min() >= pd.Timestamp("2012-12-01") and df["date"].max() < pd.Timestamp("2013-04-01")
    report = df.attrs["load_report"]
    assert report["rows_in"] == report["loaded"] == 17197


@pytest.mark.realdata
def test_real_saudinewsnet_counts(saudinewsnet):
    df = saudinewsnet
    report = df.attrs["load_report"]
    assert report["rows_in"] == 31030
    # SOURCE.md: 548 contents under 20 characters (empty ones included); no duplicate urls.
    assert report["skipped"].get("empty_text", 0) + report["skipped"].get("short_text", 0) == 548
    assert report["rows_in"] == report["loaded"] + sum(report["skipped"].values()) == len(df) + 548
    assert df["outlet"].nunique() == 14
    assert df["doc_id"].is_unique and df["doc_id"].str.fullmatch(r"snn-[0-9a-f]{16}").all()
    assert (df["doc_id"] == df["url"].map(_snn_id)).all()
    assert df["date"].min() >= pd.Timestamp("2015-07-21") and df["date"].max() < pd.Timestamp("2015-08-12")


@pytest.mark.realdata
def test_real_saudinewsnet_outlet_and_limit_are_cheap_subsets(require_dataset, saudinewsnet):
    require_dataset("saudinewsnet")
    spa = load_dataset("saudinewsnet", outlets=["was"])
    assert len(spa) == 369  # SOURCE.md: 369 SPA articles, none under 20 chars
    assert spa["doc_id"].tolist() == saudinewsnet.loc[saudinewsnet["outlet"] == "was", "doc_id"].tolist()
    head = load_dataset("saudinewsnet", limit=25)
    assert head["doc_id"].tolist() == saudinewsnet["doc_id"].tolist()[:25]


@pytest.mark.realdata
def test_real_araieval_counts(require_dataset):
    require_dataset("araieval23-task1")
    df = load_dataset("araieval23-task1")
    by_split = df.groupby("split")
    assert by_split.size().to_dict() == {"train": 2427, "dev": 259}
    assert by_split["label"].sum().to_dict() == {"train": 1918, "dev": 202}
    assert df[df["type"] == "tweet"].groupby("split").size().to_dict() == {"train": 852, "dev": 77}
    assert (df["labels"].map(len) > 0).tolist() == df["label"].tolist()
    loaded = df["labels"].explode().value_counts()
    assert loaded["Loaded_Language"] == 1574 + 176
    assert df["doc_id"].is_unique


@pytest.mark.realdata
def test_real_armpro_counts_and_overlap_with_araieval(require_dataset):
    require_dataset("armpro-text")
    v1 = load_dataset("armpro-text")
    assert v1.groupby("split").size().to_dict() == {"dev": 640, "test": 1278}
    assert v1.groupby("split")["label"].sum().to_dict() == {"dev": 409, "test": 808}
    v2_dev = load_dataset("armpro-text", split="dev", version="V2")
    assert len(v2_dev) == 640 and int(v2_dev["label"].sum()) == 402
    assert v1["outlet"].value_counts().index[0] == "bbc.com"
    assert v1["date"].notna().mean() > 0.95  # ISO and Arabic month-name dates parse
    require_dataset("araieval23-task1")
    ara = load_dataset("araieval23-task1").set_index("doc_id")
    shared = v1[v1["doc_id"].isin(ara.index)]
    assert shared.groupby("split").size().to_dict() == {"dev": 154, "test": 268}
    assert (shared["text"].to_numpy() == ara.loc[shared["doc_id"], "text"].to_numpy()).all()
    assert (shared["label"].to_numpy() == ara.loc[shared["doc_id"], "label"].to_numpy()).all()
