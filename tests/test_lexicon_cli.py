"""Lexicon loading and validation (file:line messages), naming pairs, CSV lexicons, and the
``rhetoric lexicon`` commands end to end on small corpora we write here."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from rhetoric.cli import main
from rhetoric.commands.lexicon import hit_stats, near_misses, precision_table, read_judgements
from rhetoric.errors import LexiconError
from rhetoric.lexicon import Lexicon, load_lexicons, load_naming_pairs, validate_paths
from rhetoric.match import Matcher
from rhetoric.resources import lexicons_dir

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "lexicon_fixture.yaml"

BAD = """\
name: bad
version: "1"
kind: framing
categories:
  c: {label_en: C}
entries:
  - {id: b.one, term: الإمبريالية, category: c, gloss_en: x}
  - {id: b.two, term: الامبريالية, category: c, gloss_en: x}
  - {id: b.one, term: الطغيان, category: c, gloss_en: x}
  - {id: b.three, category: c, gloss_en: x}
  - {id: b.four, term: الاستبداد, category: nope, gloss_en: x}
  - {id: b.five, term: ب, category: c, gloss_en: x}
  - {id: b.six, term: "،", category: c, gloss_en: x}
  - {id: b.seven, term: العدوان, category: c, gloss_en: x, weight: -1}
  - {id: b.eight, term: التسلط, category: c, gloss_en: x, stance: loud}
"""

SOFT = """\
name: soft
version: "1"
kind: framing
categories:
  c: {label_en: C}
entries:
  - {id: s.one, term: الإمبريالية, category: c, gloss_en: x}
  - {id: s.two, term: إمبريالية, category: c, gloss_en: x}
  - {id: s.three, term: الطغيان, category: c, varients: [x]}
  - {id: s.four, term: الطاغية, category: c, gloss_en: x, allow_possessive: true}
"""


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_schema_errors_name_the_line(tmp_path):
    path = _write(tmp_path, "bad.yaml", BAD)
    issues = [i for i in validate_paths([path]) if i.level == "error"]
    by_line = {}
    for i in issues:
        by_line.setdefault(i.line, []).append(i.message)
    assert any("duplicate id 'b.one'" in m for m in by_line[9])
    assert any("missing or empty 'term'" in m for m in by_line[10])
    assert any("not declared" in m for m in by_line[11])
    assert any("weight" in m for m in by_line[14])
    assert any("stance" in m for m in by_line[15])
    with pytest.raises(LexiconError, match=r"bad\.yaml:9: error: duplicate id"):
        Lexicon.from_path(path)


def test_key_errors_and_warnings(tmp_path):
    bad = BAD.replace("  - {id: b.one, term: الطغيان", "  - {id: b.nine, term: الطغيان")
    bad = "\n".join(line for line in bad.splitlines() if "b.three" not in line and "nope" not in line
                    and "weight: -1" not in line and "loud" not in line) + "\n"
    issues = validate_paths([_write(tmp_path, "bad.yaml", bad)])
    messages = [(i.level, i.line, i.message) for i in issues]
    assert any(lv == "error" and ln == 8 and "duplicates b.one" in m for lv, ln, m in messages)
    assert any(lv == "error" and "single letter" in m for lv, _, m in messages)
    assert any(lv == "error" and "has no letters" in m for lv, _, m in messages)
    soft = validate_paths([_write(tmp_path, "soft.yaml", SOFT)])
    assert all(i.level == "warning" for i in soft)
    text = "\n".join(map(str, soft))
    assert "soft.yaml:8: warning: s.two: shadowed" in text
    assert "unknown key 'varients'" in text and "no gloss_en" in text
    assert "allow_possessive only applies" in text


def test_yaml_syntax_error_has_a_line(tmp_path):
    path = _write(tmp_path, "broken.yaml", "name: x\nversion: '1'\nkind: framing\nentries:\n  - {id: a, term: [\n")
    issues = validate_paths([path])
    assert issues and issues[0].level == "error" and "YAML syntax error" in issues[0].message and issues[0].line >= 5


def test_fixture_is_valid_and_cli_exit_codes(tmp_path, capsys):
    assert [i for i in validate_paths([FIXTURE]) if i.level == "error"] == []
    assert main(["lexicon", "validate", str(FIXTURE)]) == 0
    assert main(["lexicon", "validate", str(_write(tmp_path, "bad.yaml", BAD))]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml:9: error" in out and "error(s)" in out


def test_default_folder_selection():
    if not lexicons_dir().is_dir() or not any(lexicons_dir().glob("*.yaml")):
        pytest.skip("no lexicons folder")
    names = {lx.name for lx in load_lexicons()}
    assert "speakers" not in names and "naming_pairs" not in names


def test_csv_lexicon_ids_are_stable(tmp_path):
    a = _write(tmp_path, "mine.csv", "term,category,weight\nالإمبريالية,label,2\nالطغيان,label,\n")
    (tmp_path / "b").mkdir()
    b = _write(tmp_path / "b", "mine.csv", "category,term\nlabel,الطغيان\nlabel,الإمبريالية\n")
    ids_a = {e.term: e.id for e in Lexicon.from_path(a).entries}
    ids_b = {e.term: e.id for e in Lexicon.from_path(b).entries}
    assert ids_a == ids_b and all(i.startswith("mine.") for i in ids_a.values())
    lex = Lexicon.from_path(a)
    assert lex.entry(ids_a["الإمبريالية"]).weight == 2.0
    hits = Matcher([lex]).match("قال إن للإمبريالية وجها")
    assert [(h.surface, h.entry_id) for h in hits] == [("للإمبريالية", ids_a["الإمبريالية"])]
    with pytest.raises(LexiconError, match="term,category"):
        Lexicon.from_path(_write(tmp_path, "x.csv", "word,cat\na,b\n"))


def test_naming_pairs(tmp_path):
    path = _write(tmp_path, "naming_pairs.yaml", """\
name: naming_pairs
version: "1"
kind: naming_pairs
pairs:
  - id: p.one
    referent: a war
    a: {label: own name, gloss_en: special operation, terms: [العملية العسكرية الخاصة]}
    b: {label: other name, gloss_en: war, terms: [الحرب على أوكرانيا, الغزو الروسي]}
""")
    table = load_naming_pairs(path)
    assert list(table.columns[:4]) == ["pair_id", "side", "label", "term"]
    assert table[["pair_id", "side"]].values.tolist() == [["p.one", "a"], ["p.one", "b"], ["p.one", "b"]]
    dup = _write(tmp_path, "dup.yaml", path.read_text(encoding="utf-8").replace("الغزو الروسي", "العملية العسكرية الخاصة"))
    with pytest.raises(LexiconError, match="also listed"):
        load_naming_pairs(dup)
    if (lexicons_dir() / "naming_pairs.yaml").is_file():
        real = load_naming_pairs()
        assert set(real["side"]) == {"a", "b"} and real["term"].str.len().min() > 1


def test_speakers_validation(tmp_path):
    good = _write(tmp_path, "speakers.yaml", "speakers:\n  - {id: kcna, type: state_media, aliases: [KCNA]}\n")
    assert validate_paths([good]) == []
    (tmp_path / "x").mkdir()
    bad = _write(tmp_path / "x", "speakers.yaml",
                 "speakers:\n  - {id: kcna, type: agency, aliases: []}\n  - {id: kcna, type: state_media, aliases: [a]}\n")
    text = "\n".join(map(str, validate_paths([bad])))
    assert "type must be one of" in text and "no aliases" in text and "duplicate speaker id" in text


# --------------------------------------------------------------------------- commands on a corpus


def _corpus(tmp_path: Path) -> Path:
    docs = [
        {"id": "d1", "title": "الدكتاتور يتحدث", "text": "قال إن الإمبريالية تهدد العالم، ونضالنا المقدس مستمر."},
        {"id": "d2", "text": "لا شيء يذكر في هذا الخبر."},
        {"id": "d3", "text": "تحدث الدكتاتوريون عن النظام الغذائي وعن الإمبرياليين والدكتاتورين."},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_match_command_writes_one_object_per_document(tmp_path):
    out = tmp_path / "hits.jsonl"
    assert main(["lexicon", "match", str(_corpus(tmp_path)), "--out", str(out), "--lexicon", str(FIXTURE),
                 "--quiet"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == ["d1", "d2", "d3"]
    assert [(m["field"], m["entry_id"], m["surface"]) for m in rows[0]["matches"]] == [
        ("title", "fx.dictator", "الدكتاتور"), ("text", "fx.imperialism", "الإمبريالية"),
        ("text", "fx.holy_struggle", "ونضالنا المقدس")]
    assert rows[1]["matches"] == [] and rows[2]["matches"] == []
    for m in rows[0]["matches"]:
        assert {"start", "end", "surface", "entry_id", "category", "lexicon"} <= set(m)


def test_stats_and_near_misses(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    assert main(["lexicon", "stats", str(corpus), "--lexicon", str(FIXTURE), "--top", "50"]) == 0
    out = capsys.readouterr().out
    assert "coverage" in out and "never hit" in out and "near-misses" in out
    from rhetoric.corpus import load_corpus

    docs, _ = load_corpus(corpus)
    matcher = Matcher([Lexicon.from_path(FIXTURE)])
    matches = matcher.match_documents(docs, progress=False)
    stats = hit_stats(matcher, docs, matches)
    assert stats["coverage"]["docs_with_hit"].tolist() == [1]
    entries = stats["entries"].set_index("entry_id")
    assert entries.loc["fx.imperialism", "hits"] == 1 and entries.loc["fx.enemy", "hits"] == 0
    misses = near_misses(matcher, docs, matches, top=50)
    found = set(zip(misses["word"], misses["entry_id"]))
    assert ("والدكتاتورين", "fx.dictator") in found and ("الدكتاتوريون", "fx.dictator") in found  # plurals
    assert ("الامبرياليين", "fx.imperialism") in found
    assert not any(w == "الدكتاتور" for w, _ in found)  # words that hit are not near-misses


def test_sample_and_precision_round_trip(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    out = tmp_path / "hits.csv"
    assert main(["lexicon", "sample", str(corpus), "--n", "10", "--out", str(out), "--lexicon", str(FIXTURE),
                 "--seed", "3"]) == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert len(rows) == 3 and {r["entry_id"] for r in rows} == {"fx.dictator", "fx.imperialism", "fx.holy_struggle"}
    assert all(r["judgement"] == "" and r["hit"] for r in rows)
    for r, j in zip(rows, ["y", "0", ""]):
        r["judgement"] = j
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    judged, blanks = read_judgements(out)
    assert (len(judged), blanks) == (2, 1)
    table = precision_table(judged, [])
    assert table.loc[0, "precision"] == 0.5 and 0 < table.loc[0, "ci_low"] < 0.5 < table.loc[0, "ci_high"] < 1
    assert main(["lexicon", "precision", str(out)]) == 0
    assert "per entry" in capsys.readouterr().out
    rows[0]["judgement"] = "maybe"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["lexicon", "precision", str(out)]) == 2
    assert "hits.csv:2: judgement 'maybe'" in capsys.readouterr().err


def test_sample_is_deterministic(tmp_path):
    corpus = _corpus(tmp_path)
    outs = []
    for name in ("a.csv", "b.csv"):
        main(["lexicon", "sample", str(corpus), "--n", "2", "--out", str(tmp_path / name), "--lexicon", str(FIXTURE)])
        outs.append(pd.read_csv(tmp_path / name))
    assert outs[0].equals(outs[1]) and len(outs[0]) == 2
