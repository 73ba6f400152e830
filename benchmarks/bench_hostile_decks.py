"""Hostile deck files: how long the parser takes on each adversarial input, and peak memory.

Run: ``python -m benchmarks.bench_hostile_decks [--size 100000]``. Each input is parsed in a
fresh process (so one that blows up cannot hide another) with a 60 s limit; the target is < 1 s
each, a FILE:LINE problem where the input is wrong, and < 200 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n"
    for i in range(8)
)


def inputs(size: int) -> dict[str, str]:
    """name -> deck text; ``size`` is the length of each run."""
    return {
        "heading + spaces": "## a" + " " * size + "\nanswer\n",
        "heading + spaces + x": "## a" + " " * size + "x\nanswer\n",
        "heading + trailing #": "## a" + " " * size + "b #\nanswer\n",
        "key points + spaces": "## q\na\n### Key points" + " " * size + "x\n- p\n",
        "misconceptions + spaces": "## q\na\n### Misconceptions" + " " * size + "x\n- p\n",
        "nested bullet spaces": "## q\na\n### Misconceptions\n- c\n" + " " * size + "x\n",
        "unclosed {{": "## q\n" + "{{" * (size // 2) + "\n",
        "unclosed {{c1::": "## q\n" + "{{c1::" * (size // 6) + "\n",
        "backticks": "## q\n" + "`" * size + "\n",
        "fences": "## q\n" + "```\n" * (size // 4),
        "unclosed <!--": ("## q\n<!--\n" + "x\n" * 10) * (size // 30),
        "<!-- runs": "## q\n" + "<!--" * (size // 4) + "\n",
        "comment + spaces": "## q\n<!--" + " " * size + "\n-->\n",
        "task + spaces": "## q\n- [x]" + " " * size + "\n",
        "many headings": "## q\n" * (size // 5),
        "billion laughs (id)": "## q\n<!--\n" + LAUGHS + "id: *i\n-->\nanswer\n",
        "billion laughs (front matter)": "---\n" + LAUGHS + "retention: *i\n---\n## q\na\n",
        "huge id": "## q\n<!--\nid: " + "a" * size + "\n-->\na\n",
        "type: [open]": "## q\n<!--\ntype: [open]\n-->\na\n",
        "type: {a: 1}": "## q\n<!--\ntype: {a: 1}\n-->\na\n",
        "escapes in prompt": "## \x1b]0;TITLE\x07q\x1b[2J\nanswer \x1b]52;c;aGk=\x07\n",
    }


CHILD = """
import json, resource, sys, time
from pathlib import Path
from quizapp.config import Limits
from quizapp.parser import parse_file
path = Path(sys.argv[1])
limits = Limits() if sys.argv[2] == "default" else Limits(1 << 30, 1 << 30)
started = time.perf_counter()
deck = parse_file(path, path.parent, limits)
elapsed = time.perf_counter() - started
first = str(deck.problems[0]) if deck.problems else ""
print(json.dumps({"s": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "problems": len(deck.problems), "first": first[:150], "cards": len(deck.cards)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument(
        "--limits",
        choices=["default", "off"],
        default="default",
        help="'off' raises the size caps to 1 GB, so the parser's own speed shows",
    )
    args = parser.parse_args()
    print(f"limits: {args.limits}, runs of {args.size:,} characters")
    print(f"{'input':<32} {'seconds':>8} {'MB':>6}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in inputs(args.size).items():
            path = Path(tmp) / "deck.md"
            path.write_text(text, "utf-8")
            try:
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, str(path), args.limits],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                )
            except subprocess.TimeoutExpired:
                print(f"{name:<32} {'>' + str(int(args.timeout)):>8} {'?':>6}  TIMEOUT")
                continue
            if out.returncode:
                print(f"{name:<32} {'-':>8} {'-':>6}  CRASH {out.stderr.strip().splitlines()[-1]}")
                continue
            r = json.loads(out.stdout)
            result = (r["first"] or f"{r['cards']} card(s)").encode("unicode_escape").decode()
            print(f"{name:<32} {r['s']:>8.3f} {r['rss_mb']:>6.0f}  {result[:90]}")


if __name__ == "__main__":
    main()
