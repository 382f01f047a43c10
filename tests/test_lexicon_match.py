"""Matcher tests: data-driven cases (tests/data/lexicon_cases.yaml) against a fixture lexicon, the
normaliser against the text layer, property tests, and cases against the real lexicons."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.lexicon import Lexicon, load_lexicons
from rhetoric.match import Matcher, MatchText, entry_keys, match_normalize
from rhetoric.resources import lexicons_dir
from rhetoric.tables import columns
from rhetoric.text import normalize

DATA = Path(__file__).parent / "data"
CASES = yaml.safe_load((DATA / "lexicon_cases.yaml").read_text(encoding="utf-8"))
FIXTURE = DATA / "lexicon_fixture.yaml"
OTHER = DATA / "lexicon_fixture_other.yaml"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([Lexicon.from_path(FIXTURE)])


def _forms(kind: str):
    return [pytest.param(g["entry"], form, id=f"{g['entry']}-{kind}-{i}")
            for g in CASES["groups"] for i, form in enumerate(g.get(kind, []))]


@pytest.mark.parametrize("entry_id,form", _forms("match"))
def test_form_matches(matcher, entry_id, form):
    for carrier in CASES["carriers"]:
        text = carrier.format(form)
        hits = [m for m in matcher.match(text) if m.entry_id == entry_id]
        assert len(hits) == 1, (text, matcher.match(text))
        hit = hits[0]
        assert hit.surface == form, (text, hit)
        assert text[hit.start : hit.end] == hit.surface
        assert hit.start == carrier.index("{}")


@pytest.mark.parametrize("entry_id,form", _forms("no_match"))
def test_form_does_not_match(matcher, entry_id, form):
    for carrier in CASES["carriers"]:
        text = carrier.format(form)
        assert not [m for m in matcher.match(text) if m.entry_id == entry_id], (text, matcher.match(text))


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["text"][:30] or "empty")
def test_whole_text_cases(matcher, case):
    text = case["text"]
    hits = matcher.match(text)
    assert [[m.entry_id, m.surface] for m in hits] == case["expect"]
    for m in hits:
        assert text[m.start : m.end] == m.surface


def test_case_file_is_large_enough():
    n = sum(len(g.get("match", [])) + len(g.get("no_match", [])) for g in CASES["groups"]) + len(CASES["cases"])
    assert n >= 200


def test_match_fields_and_clitic_breakdown(matcher):
    text = "وقال إن وبالإمبريالية ونضالنا المقدس للدكتاتور"
    hits = {m.entry_id: m for m in matcher.match(text)}
    imp = hits["fx.imperialism"]
    assert imp.clitics == "و+ب+ال+إمبريالية"
    assert imp.term == "الإمبريالية" and imp.category == "label" and imp.weight == 1.0
    assert imp.lexicon == "lexicon_fixture"
    assert imp.lexicon_version == Lexicon.from_path(FIXTURE).version_hash and len(imp.lexicon_version) == 12
    assert hits["fx.holy_struggle"].clitics == "و+نضال+نا"
    assert hits["fx.dictator"].clitics.endswith("دكتاتور")


def test_version_hash_changes_with_content(tmp_path):
    copy = tmp_path / "lexicon_fixture.yaml"
    copy.write_bytes(FIXTURE.read_bytes())
    before = Lexicon.from_path(copy).version_hash
    copy.write_bytes(FIXTURE.read_bytes() + b"\n# edited\n")
    assert Lexicon.from_path(copy).version_hash != before


def test_lexicons_are_resolved_separately():
    m = Matcher([FIXTURE, str(OTHER)])  # paths work as well as Lexicon objects
    assert [lx.name for lx in m.lexicons] == ["lexicon_fixture", "lexicon_fixture_other"]
    hits = [(h.lexicon, h.entry_id, h.surface) for h in m.match("ضد الإمبريالية العالمية")]
    assert ("lexicon_fixture", "fx.global_imperialism", "الإمبريالية العالمية") in hits
    # the other lexicon's hits overlap the longer phrase but are not suppressed by it
    assert ("lexicon_fixture_other", "fx2.imperialism", "الإمبريالية") in hits
    assert ("lexicon_fixture_other", "fx2.global", "العالمية") in hits
    assert len(hits) == 3


def test_match_many_equals_match(matcher):
    texts = [c["text"] for c in CASES["cases"]] + ["x\x01y الدكتاتور"]
    assert matcher.match_many(texts) == [matcher.match(t) for t in texts]


def test_match_documents_table(matcher):
    import pandas as pd

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["الدكتاتور", "", None],
                         "text": ["قال إن الإمبريالية", "لا شيء", "ونضالنا المقدس"]})
    table = matcher.match_documents(docs, progress=False)
    assert list(table.columns[: len(columns("matches"))]) == columns("matches")
    assert table[["doc_id", "field", "entry_id"]].values.tolist() == [
        ["a", "title", "fx.dictator"], ["a", "text", "fx.imperialism"], ["c", "text", "fx.holy_struggle"]]
    assert table["span_id"].isna().all() and table["voice"].isna().all()
    for row in table.itertuples():
        source = docs.set_index("doc_id").loc[row.doc_id, row.field]
        assert source[row.start : row.end] == row.surface


def test_document_categories_are_those_columns_of_the_table(matcher):
    """The streaming engine's light path gives match_documents' doc_id and category, row for row."""
    import pandas as pd

    texts = [c["text"] for c in CASES["cases"]]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts,
                         "title": ["الدكتاتور" if i % 3 == 0 else "" for i in range(len(texts))]})
    table = matcher.match_documents(docs, progress=False)
    light = matcher.document_categories(docs)
    assert len(table) > 10
    assert light.values.tolist() == table[["doc_id", "category"]].values.tolist()
    assert matcher.document_categories(docs.iloc[:0]).empty


def test_matchers_share_batches_in_a_sharing_block(matcher, monkeypatch):
    """Inside ``sharing_batches`` a second matcher reuses the batches the first normalised (and
    finds the same hits); outside, each call builds its own."""
    import pandas as pd

    from rhetoric import match as match_module
    from rhetoric.analysis import naming_matcher

    texts = [c["text"] for c in CASES["cases"]]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts,
                         "title": ["الدكتاتور" if i % 3 == 0 else "" for i in range(len(texts))]})
    naming, _ = naming_matcher(None)
    alone = (matcher.match_documents(docs, progress=False), naming.document_categories(docs))
    built = []
    original = match_module._Batch
    monkeypatch.setattr(match_module, "_Batch", lambda *args: built.append(1) or original(*args))
    for joint in ((), (matcher, naming)):  # batches shared; batches shared and scanned once for both
        built.clear()
        with match_module.sharing_batches(*joint):
            shared = (matcher.match_documents(docs, progress=False), naming.document_categories(docs))
        assert len(alone[0]) > 10 and len(alone[1]) >= 1
        assert len(built) == 1  # one batch (the texts are far below a million characters), built once
        pd.testing.assert_frame_equal(shared[0], alone[0])
        pd.testing.assert_frame_equal(shared[1], alone[1])
        assert match_module._SHARED_BATCHES is None and match_module._SHARED_SCAN is None  # nothing kept
    naming.document_categories(docs)
    assert len(built) == 2


def test_joint_scan_finds_each_tables_hits_in_its_order(matcher):
    """One automaton over the keys of two tables (some keys in both) gives each table exactly its own
    scan: the same (end, key) rows in the same order."""
    import random

    from rhetoric import match as match_module
    from rhetoric.analysis import naming_matcher

    naming, _ = naming_matcher(None)
    tables = (matcher._table, naming._table)
    shared_keys = set(dict(tables[0].automaton.items())) & set(dict(tables[1].automaton.items()))
    assert shared_keys  # the test covers keys with two owners
    keys = [k for t in tables for k, _ in t.automaton.items()]
    rng = random.Random(5)
    text = " ".join(rng.choice(keys) + rng.choice(["", "ه", "ات", " و"]) for _ in range(3000))
    text += " " + " ".join(c["text"] for c in CASES["cases"])
    mt = match_module.MatchText.of(text)
    joint = match_module._JointScan(tables).scan(mt)
    for table, (ends, found) in zip(tables, joint):
        expected_ends, expected_keys = table.scan(mt)
        assert len(expected_ends) > 100
        assert ends.tolist() == expected_ends.tolist() and found.tolist() == expected_keys.tolist()


def test_entry_keys_rules():
    keys = dict(entry_keys("النضال المقدس", allow_possessive=True))
    assert "نضال المقدس" in keys and "نضال مقدس" in keys and "نضالنا المقدس" in keys
    assert dict(entry_keys("القضية العادلة", allow_possessive=True)).get("قضيتنا العادله") is not None
    assert entry_keys("،") == [] and entry_keys("ب") == [] and entry_keys("") == []
    assert [k for k, _ in entry_keys("الله")] == ["الله"]  # a short stem keeps its ال


# --------------------------------------------------------------------------- normalisation

_ALPHABET = list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإىةؤئ") + [
    " ", " ", "\n", "\t", "\r", "\u00a0", ".", "،", "«", "»",
    "\u064b", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0640",  # diacritics, tatweel
    "\u200f", "\u200e", "\u200d", "\ufeff",  # bidi and zero-width marks
    "\ufefb", "\ufdf2", "\u0606",  # ligatures that expand
    "\U0001f600", "A", "z", "٣", "۴", "\u06cc", "\u06a9",
]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_match_text_equals_the_text_layer(text):
    fast = MatchText.of(text)
    exact = MatchText._exact(text)
    assert fast.text == exact.text
    assert np.array_equal(fast.starts, exact.starts)
    # and the text layer itself: the same characters, only white space differs
    assert fast.text.replace(" ", "") == "".join(normalize(text).split())


# --------------------------------------------------------------------------- properties

_WORDS = ["الإمبريالية", "للإمبريالية", "إمبرياليتهم", "النضال المقدس", "ونضالنا المقدس", "الدكتاتور",
          "دكتاتورهم", "الديكتاتور", "القضية العادلة", "الكيان الصهيوني", "الحرب على الإرهاب", "يزعم",
          "سيزعم", "الشهيد", "الدمى", "النظام", "النظام الغذائي", "قال", "في", "المدينة", "اليوم", "جديد",
          "المقدسة", "الدكتاتورية", "«", "»", "،", "KCNA"]
_MARKS = ["\u064e", "\u0651", "\u0640", "\u200f", "\u200e", "\u064b"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12))
def test_every_hit_slices_its_surface_and_holds_the_stem(matcher, words):
    text = " ".join(words)
    for m in matcher.match(text):
        assert text[m.start : m.end] == m.surface
        entry = next(e for _, e in matcher.entries if e.id == m.entry_id)
        stems = {k.split(" ")[0][:3] for form in entry.forms for k, _ in entry_keys(form, entry.allow_possessive)}
        norm = match_normalize(m.surface)
        assert any(s in norm for s in stems), (m, stems)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=10), st.data())
def test_marks_do_not_change_what_matches(matcher, words, data):
    text = " ".join(words)
    plain = sorted(m.entry_id for m in matcher.match(text))
    chars = list(text)
    n_marks = data.draw(st.integers(0, 8))
    for _ in range(n_marks):
        pos = data.draw(st.integers(0, len(chars)))
        chars.insert(pos, data.draw(st.sampled_from(_MARKS)))
    marked = "".join(chars)
    hits = matcher.match(marked)
    assert sorted(m.entry_id for m in hits) == plain, (marked, hits)
    for m in hits:
        assert marked[m.start : m.end] == m.surface


# --------------------------------------------------------------------------- real lexicons

_REAL = [p for p in ("state_media_framing.yaml", "counter_framing.yaml", "reporting_signals.yaml")
         if (lexicons_dir() / p).is_file()]
real = pytest.mark.skipif(not _REAL, reason="no framing lexicons in lexicons/ yet")


@pytest.fixture(scope="module")
def real_matcher():
    return Matcher(load_lexicons())


def _entry_for(matcher: Matcher, term: str):
    key = normalize(term)
    for lexicon, entry in matcher.entries:
        if normalize(entry.term) == key:
            return lexicon, entry
    pytest.skip(f"no entry for {term} in the real lexicons")


@real
@pytest.mark.parametrize("term,forms", [
    ("النضال المقدس", ["للنضال المقدس", "بالنضال المقدس", "ونضالنا المقدس", "النّضال المقدّس"]),
    ("الإمبريالية", ["الإمبريالية", "للإمبريالية", "والامبريالية", "إمبريالية"]),
    ("الدكتاتور", ["الدكتاتور", "للدكتاتور", "والدكتاتور"]),
])
def test_real_lexicon_forms(real_matcher, term, forms):
    lexicon, entry = _entry_for(real_matcher, term)
    for form in forms:
        text = f"وقال إن {form} في كل مكان"
        hits = [m for m in real_matcher.match(text) if m.lexicon == lexicon.name and m.start == 8]
        assert hits and hits[0].surface.startswith(form.split()[0]), (text, real_matcher.match(text))
        assert normalize(entry.term).split()[-1][2:] in normalize(hits[0].surface)


@real
def test_real_lexicons_load_and_validate():
    from rhetoric.lexicon import validate_paths

    errors = [i for i in validate_paths() if i.level == "error"]
    assert not errors, "\n".join(map(str, errors[:20]))
