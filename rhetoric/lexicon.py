"""Framing lexicons: loading, schema validation (with file and line), and naming pairs.

A lexicon is one reviewed YAML file in ``lexicons/`` (or a simple CSV a user brings). Loading turns it
into a :class:`Lexicon` of :class:`Entry` objects; :func:`validate_paths` reports schema errors and soft
issues (shadowed entries, terms that can never match) with the file and line of each entry, so a
curator can fix them. Matching lives in :mod:`rhetoric.match`.

YAML schema (``kind: framing | counter_framing | reporting``)::

    name, version, description, author, licence, kind
    categories: {category: {label_en, description}}
    entries:
      - {id, term, category, gloss_en, weight=1, note, example, variants=[], allow_possessive=false,
         requires_context=[], exclude=[], stance (reporting only: neutral | endorsing | distancing)}

``naming_pairs.yaml`` (``kind: naming_pairs``) and ``speakers.yaml`` have their own loaders.
CSV lexicons have the columns ``term,category[,weight,gloss_en,id]``.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import yaml

from .errors import LexiconError
from .resources import lexicons_dir
from .text import normalize

__all__ = [
    "Entry",
    "Lexicon",
    "LexiconIssue",
    "LEXICON_KINDS",
    "STANCES",
    "load_lexicons",
    "load_naming_pairs",
    "lexicon_files",
    "validate_paths",
]

#: Kinds of framing lexicon the matcher loads by default.
LEXICON_KINDS = ("framing", "counter_framing", "reporting")
#: Stance of a reporting signal (an attribution verb or cue).
STANCES = ("neutral", "endorsing", "distancing")
#: Files in the lexicons folder that are not framing lexicons (they have their own loaders).
SPECIAL_FILES = ("speakers.yaml", "naming_pairs.yaml")
SPEAKER_TYPES = (
    "state_media", "government", "military", "party", "opposition", "international_org",
    "independent_media", "expert", "citizen", "unknown",
)

_ENTRY_KEYS = {
    "id", "term", "category", "gloss_en", "weight", "note", "example", "variants", "allow_possessive",
    "requires_context", "exclude", "stance",
}
_TOP_KEYS = {"name", "version", "description", "author", "licence", "license", "kind", "categories", "entries"}


@dataclass(frozen=True)
class Entry:
    """One lexicon entry. ``forms`` is the term followed by its variants (all matched as this entry)."""

    id: str
    term: str
    category: str
    weight: float = 1.0
    gloss_en: str = ""
    note: str = ""
    example: str = ""
    variants: tuple[str, ...] = ()
    allow_possessive: bool = False
    requires_context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    stance: str | None = None
    line: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.variants)


@dataclass
class Lexicon:
    """One lexicon file. ``version_hash`` is a short sha256 of the file bytes: it changes with any edit,
    so every match can be traced to the exact lexicon that produced it."""

    name: str
    version: str
    kind: str
    version_hash: str
    entries: list[Entry]
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None

    @classmethod
    def from_path(cls, path: str | Path) -> "Lexicon":
        """Load a YAML or CSV lexicon; raise :class:`LexiconError` listing its schema errors (file:line)."""
        lexicon, issues = _parse_lexicon(Path(path))
        errors = [i for i in issues if i.level == "error"]
        if errors or lexicon is None:
            shown = "\n  ".join(str(e) for e in errors[:20])
            more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
            raise LexiconError(f"{path}: invalid lexicon ({len(errors)} error(s)); run "
                               f"`rhetoric lexicon validate {path}`:\n  {shown}{more}")
        return lexicon

    def entry(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)

    def __repr__(self) -> str:
        return f"Lexicon({self.name!r}, kind={self.kind!r}, {len(self.entries)} entries, version={self.version_hash})"


@dataclass(frozen=True)
class LexiconIssue:
    """A problem found by validation: ``level`` is 'error' (the file must be fixed) or 'warning'."""

    level: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


# --------------------------------------------------------------------------- YAML with line numbers


class _LineDict(dict):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's C parser when PyYAML has it: ~5x faster) keeping line numbers."""

    duplicate_keys: list


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    mapping = _LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(path: Path, issues: list[LexiconIssue]) -> Any:
    """Parse YAML keeping line numbers; a syntax error becomes an issue (with its line), not a crash."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        issues.append(LexiconIssue("error", str(path), 1, f"invalid UTF-8 at byte offset {exc.start}"))
        return None
    loader = _LineLoader(raw)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        issues.append(LexiconIssue("error", str(path), line, f"YAML syntax error: {problem}"))
        return None
    finally:
        loader.dispose()
    for line, key in loader.duplicate_keys:
        issues.append(LexiconIssue("error", str(path), line, f"duplicate key {key!r} (the later value would silently win)"))
    return data


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


# --------------------------------------------------------------------------- lexicon parsing


def _str_list(value: Any, what: str, where: tuple[str, int], issues: list[LexiconIssue]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        issues.append(LexiconIssue("error", where[0], where[1], f"{what} must be a list of non-empty strings"))
        return ()
    return tuple(v.strip() for v in value)


def _parse_entry(item: Any, index: int, kind: str, categories: dict, path: str,
                 issues: list[LexiconIssue]) -> Entry | None:
    line = getattr(item, "line", 0)
    if not isinstance(item, dict):
        issues.append(LexiconIssue("error", path, line, f"entry {index} is not a mapping"))
        return None
    n_errors = sum(i.level == "error" for i in issues)

    def err(key: str, message: str) -> None:
        issues.append(LexiconIssue("error", path, item.line_of(key), message))

    def warn(key: str, message: str) -> None:
        issues.append(LexiconIssue("warning", path, item.line_of(key), message))

    label = item.get("id") or f"entry {index}"
    for key in sorted(set(item) - _ENTRY_KEYS, key=str):
        warn(key, f"{label}: unknown key {key!r} (ignored; known: {', '.join(sorted(_ENTRY_KEYS))})")
    for key in ("id", "term", "category"):
        if not isinstance(item.get(key), str) or not item.get(key).strip():
            err(key, f"{label}: missing or empty {key!r}")
    category = item.get("category")
    if isinstance(category, str) and categories and category not in categories:
        err("category", f"{label}: category {category!r} is not declared under categories:")
    weight = item.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0:
        err("weight", f"{label}: weight must be a positive number, not {weight!r}")
        weight = 1.0
    allow_possessive = item.get("allow_possessive", False)
    if not isinstance(allow_possessive, bool):
        err("allow_possessive", f"{label}: allow_possessive must be true or false")
        allow_possessive = False
    stance = item.get("stance")
    if stance is not None and stance not in STANCES:
        err("stance", f"{label}: stance must be one of {', '.join(STANCES)}, not {stance!r}")
    if kind == "reporting" and stance is None:
        warn("id", f"{label}: reporting signals should have a stance ({', '.join(STANCES)})")
    if kind != "reporting" and stance is not None:
        warn("stance", f"{label}: stance is only used in reporting lexicons")
    for key in ("gloss_en", "note", "example"):
        if key in item and not isinstance(item[key], str):
            err(key, f"{label}: {key} must be a string")
    if not item.get("gloss_en"):
        warn("id", f"{label}: no gloss_en (every entry should say what it means)")
    variants = _str_list(item.get("variants"), f"{label}: variants", (path, item.line_of("variants")), issues)
    context = _str_list(item.get("requires_context"), f"{label}: requires_context",
                        (path, item.line_of("requires_context")), issues)
    exclude = _str_list(item.get("exclude"), f"{label}: exclude", (path, item.line_of("exclude")), issues)
    if sum(i.level == "error" for i in issues) > n_errors:
        return None
    return Entry(
        id=item["id"].strip(), term=item["term"].strip(), category=category.strip(), weight=float(weight),
        gloss_en=str(item.get("gloss_en") or ""), note=str(item.get("note") or ""),
        example=str(item.get("example") or ""), variants=variants, allow_possessive=allow_possessive,
        requires_context=context, exclude=exclude, stance=stance, line=line,
    )


def _parse_yaml_lexicon(path: Path, issues: list[LexiconIssue]) -> Lexicon | None:
    data = _load_yaml(path, issues)
    if data is None:
        if not issues:
            issues.append(LexiconIssue("error", str(path), 1, "empty file"))
        return None
    p = str(path)
    if not isinstance(data, dict):
        issues.append(LexiconIssue("error", p, 1, "top level must be a mapping with name, version, kind, entries"))
        return None
    for key in sorted(set(data) - _TOP_KEYS, key=str):
        issues.append(LexiconIssue("warning", p, data.line_of(key), f"unknown top-level key {key!r} (ignored)"))
    for key in ("name", "version", "kind"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            issues.append(LexiconIssue("error", p, data.line_of(key), f"missing or empty {key!r} (must be a string; "
                                                                        "quote versions: version: \"1.0.0\")"))
    kind = data.get("kind")
    if isinstance(kind, str) and kind not in LEXICON_KINDS:
        issues.append(LexiconIssue("error", p, data.line_of("kind"),
                                   f"kind must be one of {', '.join(LEXICON_KINDS)}, not {kind!r}"))
    if isinstance(data.get("name"), str) and data["name"] != path.stem:
        issues.append(LexiconIssue("warning", p, data.line_of("name"),
                                   f"name {data['name']!r} differs from the file name {path.stem!r}"))
    categories = data.get("categories") or {}
    if not isinstance(categories, dict):
        issues.append(LexiconIssue("error", p, data.line_of("categories"), "categories must be a mapping"))
        categories = {}
    for cat, info in categories.items():
        if not isinstance(info, dict) or not info.get("label_en"):
            issues.append(LexiconIssue("warning", p, categories.line_of(cat), f"category {cat!r} has no label_en"))
    items = data.get("entries")
    if not isinstance(items, list) or not items:
        issues.append(LexiconIssue("error", p, data.line_of("entries"), "entries must be a non-empty list"))
        return None
    entries = [_parse_entry(item, i, kind, categories, p, issues) for i, item in enumerate(items)]
    first_line: dict[str, int] = {}
    for item in items:
        entry_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(entry_id, str) and entry_id in first_line:
            issues.append(LexiconIssue("error", p, item.line_of("id"),
                                       f"duplicate id {entry_id!r} (first at line {first_line[entry_id]})"))
        elif isinstance(entry_id, str):
            first_line[entry_id] = item.line_of("id")
    if any(i.level == "error" for i in issues):
        return None
    return Lexicon(
        name=data["name"], version=data["version"], kind=kind, version_hash=_short_hash(path.read_bytes()),
        entries=[e for e in entries if e is not None], categories={k: dict(v or {}) for k, v in categories.items()},
        description=str(data.get("description") or ""), path=path,
    )


def _csv_entry_id(name: str, term: str, category: str) -> str:
    """Stable id for a CSV row without one: depends only on the normalised term and the category."""
    digest = hashlib.sha1(f"{normalize(term).strip()}\x1f{category}".encode("utf-8")).hexdigest()[:10]
    return f"{name}.{digest}"


def _parse_csv_lexicon(path: Path, issues: list[LexiconIssue]) -> Lexicon | None:
    p = str(path)
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        issues.append(LexiconIssue("error", p, 1, f"invalid UTF-8 at byte offset {exc.start}"))
        return None
    reader = csv.DictReader(io.StringIO(content), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "term" not in header or "category" not in header:
        issues.append(LexiconIssue("error", p, 1, f"a CSV lexicon needs the columns term,category"
                                                  f"[,weight,gloss_en,id]; found {', '.join(header) or 'none'}"))
        return None
    entries = []
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        term, category = row.get("term", ""), row.get("category", "")
        if not term or not category:
            issues.append(LexiconIssue("error", p, line, "empty term or category"))
            continue
        try:
            weight = float(row.get("weight") or 1.0)
        except ValueError:
            issues.append(LexiconIssue("error", p, line, f"weight {row.get('weight')!r} is not a number"))
            continue
        if not weight > 0:
            issues.append(LexiconIssue("error", p, line, f"weight must be positive, not {weight}"))
            continue
        entry_id = row.get("id") or _csv_entry_id(path.stem, term, category)
        entries.append(Entry(id=entry_id, term=term, category=category, weight=weight,
                             gloss_en=row.get("gloss_en", ""), line=line))
    if not entries and not any(i.level == "error" for i in issues):
        issues.append(LexiconIssue("error", p, 1, "no entries"))
    if any(i.level == "error" for i in issues):
        return None
    return Lexicon(name=path.stem, version="csv", kind="framing", version_hash=_short_hash(raw), entries=entries,
                   categories={c: {} for c in sorted({e.category for e in entries})}, path=path)


def _parse_lexicon(path: Path) -> tuple[Lexicon | None, list[LexiconIssue]]:
    issues: list[LexiconIssue] = []
    if not path.is_file():
        return None, [LexiconIssue("error", str(path), 0, "no such file")]
    if path.suffix.lower() in (".csv", ".tsv"):
        lexicon = _parse_csv_lexicon(path, issues)
    elif path.suffix.lower() in (".yaml", ".yml"):
        lexicon = _parse_yaml_lexicon(path, issues)
    else:
        return None, [LexiconIssue("error", str(path), 0, "unknown lexicon format (use .yaml, .yml, .csv or .tsv)")]
    if lexicon is not None and path.suffix.lower() in (".csv", ".tsv"):
        seen: dict[str, int] = {}
        for e in lexicon.entries:
            if e.id in seen:
                issues.append(LexiconIssue("error", str(path), e.line, f"duplicate id {e.id!r} (first at line {seen[e.id]})"))
            seen.setdefault(e.id, e.line)
        if any(i.level == "error" for i in issues):
            lexicon = None
    return lexicon, issues


# --------------------------------------------------------------------------- public loaders


def _yaml_kind(path: Path) -> str | None:
    """The ``kind:`` of a YAML file without parsing all of it (None when absent/unreadable)."""
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("kind:"):
                    return line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"")
    except (OSError, UnicodeDecodeError):
        return None
    return None


def lexicon_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """Framing lexicon files named by ``paths`` (files or folders; default: the project's lexicons/).

    Folders contribute their ``*.yaml``/``*.yml``/``*.csv`` files except speakers.yaml, naming_pairs.yaml and
    any YAML whose ``kind`` is not a framing-lexicon kind. Files named explicitly are always returned.
    """
    out: list[Path] = []
    for p in [lexicons_dir()] if paths is None else [Path(p) for p in paths]:
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.suffix.lower() not in (".yaml", ".yml", ".csv") or f.name in SPECIAL_FILES:
                    continue
                if f.suffix.lower() != ".csv" and _yaml_kind(f) not in LEXICON_KINDS:
                    continue
                out.append(f)
        elif p.exists():
            out.append(p)
        else:
            raise LexiconError(f"{p}: no such lexicon file or folder")
    return out


def load_lexicons(paths: Iterable[str | Path] | str | Path | None = None) -> list[Lexicon]:
    """Load framing lexicons (see :func:`lexicon_files` for which files); raise on invalid files."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = lexicon_files(paths)
    if not files:
        raise LexiconError(f"no lexicon files found in {', '.join(map(str, paths or [lexicons_dir()]))}")
    lexicons = [Lexicon.from_path(f) for f in files]
    names = [lx.name for lx in lexicons]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise LexiconError(f"two lexicons share the name {', '.join(dup)}; lexicon names must be unique")
    return lexicons


NAMING_COLUMNS = ["pair_id", "side", "label", "term", "gloss_en", "referent"]


def _parse_naming_pairs(path: Path) -> tuple[pd.DataFrame | None, list[LexiconIssue]]:
    issues: list[LexiconIssue] = []
    p = str(path)
    data = _load_yaml(path, issues)
    if data is None:
        return None, issues or [LexiconIssue("error", p, 1, "empty file")]
    if not isinstance(data, dict) or not isinstance(data.get("pairs"), list) or not data["pairs"]:
        issues.append(LexiconIssue("error", p, 1, "naming pairs need a top-level mapping with a non-empty 'pairs' list"))
        return None, issues
    if data.get("kind") != "naming_pairs":
        issues.append(LexiconIssue("warning", p, data.line_of("kind"), "kind should be naming_pairs"))
    rows, ids, term_owner = [], {}, {}
    for i, pair in enumerate(data["pairs"]):
        if not isinstance(pair, dict):
            issues.append(LexiconIssue("error", p, 1, f"pair {i} is not a mapping"))
            continue
        pid = pair.get("id")
        if not isinstance(pid, str) or not pid:
            issues.append(LexiconIssue("error", p, pair.line, f"pair {i}: missing id"))
            continue
        if pid in ids:
            issues.append(LexiconIssue("error", p, pair.line, f"duplicate pair id {pid!r} (first at line {ids[pid]})"))
        ids.setdefault(pid, pair.line)
        for side in ("a", "b"):
            info = pair.get(side)
            if not isinstance(info, dict) or not isinstance(info.get("label"), str):
                issues.append(LexiconIssue("error", p, pair.line_of(side), f"{pid}: side {side!r} needs a label and terms"))
                continue
            terms = _str_list(info.get("terms"), f"{pid}.{side}: terms", (p, info.line_of("terms")), issues)
            if not terms:
                issues.append(LexiconIssue("error", p, info.line_of("terms"), f"{pid}.{side}: no terms"))
            for term in terms:
                key = normalize(term).strip()
                if len(key.replace(" ", "")) < 2:
                    issues.append(LexiconIssue("error", p, info.line_of("terms"), f"{pid}.{side}: term {term!r} can never match"))
                owner = term_owner.setdefault(key, (pid, side))
                if owner != (pid, side):
                    level = "error" if owner[0] == pid else "warning"
                    issues.append(LexiconIssue(level, p, info.line_of("terms"),
                                               f"{pid}.{side}: term {term!r} is also listed under {owner[0]}.{owner[1]}"))
                rows.append({"pair_id": pid, "side": side, "label": info["label"], "term": term,
                             "gloss_en": str(info.get("gloss_en") or ""), "referent": str(pair.get("referent") or "")})
    if any(i.level == "error" for i in issues):
        return None, issues
    return pd.DataFrame(rows, columns=NAMING_COLUMNS), issues


def load_naming_pairs(path: str | Path | None = None) -> pd.DataFrame:
    """Naming pairs as a tidy DataFrame: pair_id, side ('a'/'b'), label, term, gloss_en, referent.

    A naming pair is two ways to name one referent (e.g. a regime's own name for a war vs its
    opponents'); the comparison stage counts which side an outlet uses.
    """
    path = Path(path) if path is not None else lexicons_dir() / "naming_pairs.yaml"
    if not path.is_file():
        raise LexiconError(f"{path}: no such naming-pairs file")
    frame, issues = _parse_naming_pairs(path)
    if frame is None:
        errors = "\n  ".join(str(i) for i in issues if i.level == "error")
        raise LexiconError(f"{path}: invalid naming pairs:\n  {errors}")
    return frame


def _validate_speakers(path: Path) -> list[LexiconIssue]:
    issues: list[LexiconIssue] = []
    p = str(path)
    data = _load_yaml(path, issues)
    if data is None:
        return issues or [LexiconIssue("error", p, 1, "empty file")]
    items = data.get("speakers", data.get("entries")) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return issues + [LexiconIssue("error", p, 1, "speakers.yaml needs a non-empty 'speakers' (or 'entries') list")]
    ids: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            issues.append(LexiconIssue("error", p, 1, f"speaker {i} is not a mapping"))
            continue
        sid = item.get("id")
        if not isinstance(sid, str) or not sid:
            issues.append(LexiconIssue("error", p, item.line, f"speaker {i}: missing id"))
            continue
        if sid in ids:
            issues.append(LexiconIssue("error", p, item.line, f"duplicate speaker id {sid!r} (first at line {ids[sid]})"))
        ids.setdefault(sid, item.line)
        if item.get("type") not in SPEAKER_TYPES:
            issues.append(LexiconIssue("error", p, item.line_of("type"),
                                       f"{sid}: type must be one of {', '.join(SPEAKER_TYPES)}, not {item.get('type')!r}"))
        aliases = _str_list(item.get("aliases"), f"{sid}: aliases", (p, item.line_of("aliases")), issues)
        if not aliases:
            issues.append(LexiconIssue("error", p, item.line_of("aliases"), f"{sid}: no aliases"))
    return issues


def validate_paths(paths: Iterable[str | Path] | None = None) -> list[LexiconIssue]:
    """Validate lexicon files and folders (default: the project's lexicons/): every issue, sorted by file/line.

    Framing lexicons get the schema check plus the matcher's checks (duplicate normalised terms,
    shadowed entries, terms that can never match); naming_pairs.yaml and speakers.yaml a structural check.
    """
    from .match import lexicon_key_issues  # the key checks need the matcher's key rules

    targets: list[Path] = []
    for p in [lexicons_dir()] if paths is None else [Path(p) for p in paths]:
        if p.is_dir():
            targets += sorted(f for f in p.iterdir() if f.suffix.lower() in (".yaml", ".yml", ".csv"))
        else:
            targets.append(p)
    issues: list[LexiconIssue] = []
    for path in targets:
        if not path.exists():
            issues.append(LexiconIssue("error", str(path), 0, "no such file or folder"))
        elif path.name == "speakers.yaml":
            issues += _validate_speakers(path)
        elif path.name == "naming_pairs.yaml" or (path.suffix != ".csv" and _yaml_kind(path) == "naming_pairs"):
            issues += _parse_naming_pairs(path)[1]
        else:
            lexicon, found = _parse_lexicon(path)
            issues += found
            if lexicon is not None:
                issues += lexicon_key_issues(lexicon)
    return sorted(issues, key=lambda i: (i.path, i.line, i.level, i.message))
