"""The ``rhetoric`` command line. Each sub-command lives in a module of :mod:`rhetoric.commands`
that defines ``register(subparsers)``; this file only discovers them and turns errors into messages."""
from __future__ import annotations

import argparse
import gc
import importlib
import pkgutil
import sys

from . import __version__, commands
from .errors import RhetoricError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rhetoric",
        description="Propaganda and framing analysis of Arabic news: quoted voices vs narration, "
        "lexicon and classifier flags, per-outlet scores with uncertainty.",
    )
    parser.add_argument("--version", action="version", version=f"rhetoric {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except RhetoricError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry_point() -> None:
    """The ``rhetoric`` executable: :func:`main`, then exit. ``gc.freeze`` first: the objects left
    (every imported module's) then skip the cyclic collections of interpreter shutdown, which
    otherwise walk them all once more (~0.3 s after ``rhetoric analyze``)."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
