"""How fast the commands that do not open the app start: ``--help``, ``due``, ``stats``.

Each command runs as a fresh process (as from a shell) on a warm store holding the bundled decks,
``--runs`` times; the minimum and the median wall time are printed next to a bare ``python -c
pass`` and ``python -c 'import click'``, so a busy machine can be told apart from a slow command.
The target is 0.3 s. Run: ``python benchmarks/bench_cli.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.3
COMMANDS = [
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("python -c 'import click'", [sys.executable, "-c", "import click"]),
    ("quizapp --help", [sys.executable, "-m", "quizapp", "--help"]),
    ("quizapp due", [sys.executable, "-m", "quizapp", "due"]),
    ("quizapp stats", [sys.executable, "-m", "quizapp", "stats"]),
]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bytecode_cache import ensure_bytecode

    ensure_bytecode(ROOT)
    with tempfile.TemporaryDirectory(prefix="quizapp-cli-") as tmp:
        env = {
            **os.environ,
            "QUIZAPP_DB": str(Path(tmp) / "store.db"),
            "QUIZAPP_CONFIG": str(Path(tmp) / "config.toml"),
            "PYTHONPATH": str(ROOT),
        }
        timed([sys.executable, "-m", "quizapp", "due"], env)  # the first sync fills the store
        times: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
        for _ in range(args.runs):  # interleaved: a busy moment slows every command alike
            for name, argv in COMMANDS:
                times[name].append(timed(argv, env))
    print(f"command start-up, {args.runs} runs each (min / median wall time; target {TARGET} s)")
    for name, values in times.items():
        print(f"{name:<26} {min(values):6.3f} s  {statistics.median(values):6.3f} s")


if __name__ == "__main__":
    main()
