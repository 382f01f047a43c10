"""Print one article with character offsets, to help hand-annotate quotes (output goes to YOUR terminal only).

Usage: python tools/annotate/show.py DATASET DOC_ID
Each paragraph line is prefixed with its start offset; every quote mark is preceded by [Mk] (k = mark
number, the same numbering build.py uses), and a table of marks with their offsets follows.
"""
import sys

import common


def render(text):
    """Return the annotated view of text as a string."""
    marks = common.find_marks(text)
    by_start = {s: k for k, (s, _, _) in enumerate(marks)}
    out, line_start, buf = [], 0, []
    for i, ch in enumerate(text):
        if i in by_start:
            buf.append(f"[M{by_start[i]}]")
        if ch == "\n":
            out.append(f"@{line_start:5d}: {''.join(buf)}")
            buf, line_start = [], i + 1
        else:
            buf.append(ch)
    out.append(f"@{line_start:5d}: {''.join(buf)}")
    out.append("marks: " + "  ".join(f"M{k}={m!r}@{s}" for k, (s, _, m) in enumerate(marks)))
    return "\n".join(out)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        outlet, text = common.get_text(argv[1], argv[2])
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    print(f"{argv[1]} {argv[2]} outlet={outlet} len={len(text)}")
    print(render(text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
