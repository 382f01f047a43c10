"""The command line: help, ``corpus summary``, and user errors as one ``error: ...`` line with exit
code 2 (never a traceback)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rhetoric import __version__
from rhetoric.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
TEXT_A = "قالت الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة."
TEXT_B = "ارتفعت درجات الحرارة في معظم المناطق وحذرت الأرصاد من موجة حر."


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "rhetoric.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=300)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": "a1", "outlet": "OutletA", "text": TEXT_A},
            {"id": "b1", "outlet": "OutletB", "text": TEXT_B},
            {"id": "b2", "outlet": "OutletB", "text": TEXT_A + " " + TEXT_B},
            {"id": "e1", "outlet": "OutletB", "text": "   "}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_help_in_a_fresh_interpreter():
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: rhetoric")
    for command in ("corpus", "datasets"):
        assert command in result.stdout


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "usage: rhetoric" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"rhetoric {__version__}"


def test_every_command_module_registers():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    modules = sorted(p.stem for p in (ROOT / "rhetoric" / "commands").glob("*.py") if p.stem != "__init__")
    assert {"corpus", "datasets"} <= set(subcommands)
    assert len(subcommands) >= len(modules)


def test_corpus_summary(small_corpus, capsys):
    assert main(["corpus", "summary", str(small_corpus), "--json"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{small_corpus}: 4 rows in, 3 loaded, skipped (empty_text: 1), warnings (none)"
    accounting = json.loads(out[1])
    assert accounting["rows_in"] == 4 and accounting["loaded"] == 3 and accounting["skipped"] == {"empty_text": 1}
    table = "\n".join(out[2:])
    assert "OutletA" in table and "OutletB" in table
    row_b = next(line for line in out if line.startswith("OutletB"))
    assert row_b.split()[1] == "2"  # two documents loaded for OutletB


def test_corpus_summary_column_options(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(f"key,site,body\nk1,S1,{TEXT_A}\nk2,S2,{TEXT_B}\n", encoding="utf-8")
    assert main(["corpus", "summary", str(path), "--text-column", "body", "--id-column", "key",
                 "--outlet-column", "site"]) == 0
    out = capsys.readouterr().out
    assert "2 rows in, 2 loaded" in out and "S1" in out and "S2" in out


def test_user_error_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "نص"}\n{"id": \n', encoding="utf-8")
    result = _run("corpus", "summary", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}:2: malformed JSON")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_user_errors_in_process(tmp_path, small_corpus, capsys):
    assert main(["corpus", "summary", str(tmp_path / "missing.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file or folder" in err
    # Regression: a mapping to an absent column skipped every row as empty instead of saying so.
    assert main(["corpus", "summary", str(small_corpus), "--text-column", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {small_corpus}:1: no column 'nope' (given for text)") and "outlet" in err


def test_entry_point_exits_with_the_command_code(monkeypatch):
    """The executable's entry point returns main's exit code to the shell."""
    from rhetoric import cli

    monkeypatch.setattr(sys, "argv", ["rhetoric", "corpus", "summary", "/no/such/corpus.jsonl"])
    with pytest.raises(SystemExit) as exited:
        cli.entry_point()
    assert exited.value.code == 2
