"""The seed article: every النضال المقدس and الإمبريالية, and the narration's الدكتاتور, is a hit at the
right offsets. Expected counts come from a simple independent count on the normalised text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rhetoric.lexicon import load_lexicons
from rhetoric.match import Matcher
from rhetoric.resources import demo_corpus_path, lexicons_dir
from rhetoric.text import normalize, normalize_with_offsets

SEED_ID = "seed-000_60ec432cf999c6a6"
SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_60ec432cf999c6a6.txt"


def _seed_text() -> str | None:
    demo = demo_corpus_path()
    if demo.is_file():
        for line in demo.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record.get("doc_id", record.get("id")) == SEED_ID:
                    return record["text"]
    for path in (SEED_FILE, Path("/work/shared/seed/000_60ec432cf999c6a6.txt")):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


@pytest.fixture(scope="module")
def seed():
    text = _seed_text()
    if text is None:
        pytest.skip("the seed article is not available (no data/demo corpus and no shared/seed)")
    if not (lexicons_dir() / "state_media_framing.yaml").is_file():
        pytest.skip("no state_media_framing lexicon yet")
    return text, Matcher(load_lexicons()).match(text)


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Original spans of ``needle`` (normalised) found with str.find on the normalised text."""
    nt = normalize_with_offsets(text)
    key, out, pos = normalize(needle), [], 0
    while (pos := nt.text.find(key, pos)) >= 0:
        out.append(nt.span(pos, pos + len(key)))
        pos += len(key)
    return out


@pytest.mark.parametrize("needle,expected_min", [("نضال المقدس", 2), ("امبرياليه", 2), ("دكتاتور", 1)])
def test_every_occurrence_is_hit(seed, needle, expected_min):
    text, hits = seed
    occurrences = _occurrences(text, needle)
    assert len(occurrences) >= expected_min  # the article really contains them
    for m in hits:
        assert text[m.start : m.end] == m.surface
    for start, end in occurrences:
        covering = [m for m in hits if m.start <= start and end <= m.end]
        assert covering, f"{text[start:end]!r} at {start} is not covered by a hit"
        assert any(needle in normalize(m.surface) for m in covering)


def test_seed_hit_counts(seed):
    text, hits = seed
    holy = [m for m in hits if "نضال المقدس" in normalize(m.surface)]
    assert len(holy) == len(_occurrences(text, "نضال المقدس"))
    assert {m.surface for m in holy} >= {"للنضال المقدس", "النضال المقدس"}
    imperialism = [m for m in hits if "امبرياليه" in normalize(m.surface)]
    assert len(imperialism) == len(_occurrences(text, "امبرياليه"))
    if (lexicons_dir() / "counter_framing.yaml").is_file():
        dictator = [m for m in hits if "دكتاتور" in normalize(m.surface)]
        assert [(m.surface, m.lexicon) for m in dictator] == [("الدكتاتور", "counter_framing")]
        assert dictator[0].start == text.index("الدكتاتور")
