"""How fast the app opens: launch to first screen, launch to first card, and peak memory.

Each run starts a fresh Python process on a pseudo-terminal (100x30), exactly as a terminal would
start ``quizapp``, and compares it with a bare Textual app (a label and a footer) started the
same way. Scenarios:

- bare Textual app: the baseline.
- bundled deck, warm: the store already holds the bundled decks and the files are unchanged
  (the everyday case: sync skips every file by size and mtime).
- bundled deck, cold: a fresh store, every file parsed and inserted.
- 10,000 cards, warm and cold: a synthetic deck folder (generated in /tmp) registered next to the
  bundled decks; in the warm store 2,000 cards have been answered three days earlier, so the due
  query has real work to do.

"First screen" is Textual's ``Ready`` event (the first frame has been written); "first card" is
the review screen's ``CardShown`` message plus the refresh that paints it, with the review opened
directly (``start_review``, as ``quizapp review`` does); "table" (the home scenario) is the end
of the first sync plus the refresh that paints Home's deck table. Times are medians over
``--runs`` runs, with the process's CPU time at each mark (all threads: steadier than wall
time on a shared machine); memory is the child's peak RSS. It also checks that numpy and
matplotlib were not imported by the time the first card was on screen.

Run: ``python benchmarks/bench_startup.py [--runs 5]``. Nothing here touches the user's store or
config: every run gets its own ``QUIZAPP_DB`` and ``QUIZAPP_CONFIG``.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (100, 30)
BENCH_DIR = Path(tempfile.gettempdir()) / "quizapp-bench"
BIG_DECK = BENCH_DIR / "decks-10k"
CARDS = 10_000
FILES = 20
ANSWERED = 2_000

CHILD = r"""
import json, os, resource, sys, time
t0, out, kind = float(sys.argv[1]), sys.argv[2], sys.argv[3]
events = {}

def mark(name):
    if name not in events:
        events[name] = time.monotonic() - t0
        events[name + "_cpu"] = time.process_time()  # every thread's, since the process began
        events[name + "_numpy"] = "numpy" in sys.modules
        events[name + "_matplotlib"] = "matplotlib" in sys.modules

# Textual posts Ready right after writing the first frame; mark it there, not when the app gets
# round to handling it (the app may have other messages queued by then).
from textual import events as textual_events
from textual.app import App

post_message = App.post_message

def post_message_marking_ready(self, message):
    if isinstance(message, textual_events.Ready):
        mark("first_screen")
    return post_message(self, message)

App.post_message = post_message_marking_ready

if kind == "bare":
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bench(App):
        BINDINGS = [("ctrl+q", "quit", "Quit")]

        def compose(self):
            yield Static("A bare Textual app")
            yield Footer()

        def on_ready(self):
            self.exit()

    app = Bench()
else:
    from pathlib import Path
    import quizapp.tui.app
    from quizapp.tui.app import QuizApp

    styles = Path(quizapp.tui.app.__file__).parent

    class Bench(QuizApp):
        CSS_PATH = [str(styles / path) for path in QuizApp.CSS_PATH]  # this class has no file

        def on_store_opened(self, message):
            mark("store_opened")

        def on_sync_finished(self, message):
            mark("sync_finished")

        def on_card_shown(self, message):
            def painted():
                mark("first_card")
                self.exit()

            self.call_after_refresh(painted)

    from quizapp.tui.home_screen import HomeScreen

    class MarkingHome(HomeScreen):
        # No super() call: Textual calls each class's handler in the MRO, so HomeScreen's fills
        # the table right after this one, before the refresh that paints it. The app-level hook
        # this replaces called super() and so ran QuizApp's handler twice (two table rebuilds).
        def on_sync_finished(self, message):
            def painted():
                mark("deck_table")
                events["deck_rows"] = self.query_one("#decks").row_count
                self.app.exit()

            self.call_after_refresh(painted)

    class Home(QuizApp):
        CSS_PATH = Bench.CSS_PATH

        def get_default_screen(self):
            return MarkingHome()

    if kind == "home":
        app = Home(Path(os.environ["QUIZAPP_DB"]))
    else:
        app = Bench(Path(os.environ["QUIZAPP_DB"]), start_review=True)

app.run()
events["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open(out, "w") as handle:
    json.dump(events, handle)
"""


def run_child(kind: str, env: dict[str, str], timeout: float = 120.0, root: Path = ROOT) -> dict:
    """Start one app process on a pty of SIZE and return the events it recorded.

    ``root`` is the checkout whose quizapp is timed (``--baseline`` times another one).
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(start), out, kind],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=root,
        env={**os.environ, **env, "TERM": "xterm-256color", "PYTHONPATH": str(root)},
        start_new_session=True,
    )
    os.close(slave)
    deadline = start + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)  # drain the screen so the child never blocks
                except OSError:  # the child closed the terminal: it is exiting
                    break
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 1.0))
        except subprocess.TimeoutExpired:
            proc.kill()
            raise RuntimeError(f"{kind}: did not finish within {timeout:.0f} s") from None
    finally:
        os.close(master)
        proc.wait()
    try:
        text = Path(out).read_text()
        if not text:
            raise RuntimeError(f"{kind}: the app exited without timings (exit {proc.returncode})")
        return json.loads(text)
    finally:
        os.unlink(out)


def write_big_deck(folder: Path) -> None:
    """CARDS cards over FILES files, a mix of the four card types (skipped if already there)."""
    if folder.exists() and len(list(folder.glob("*.md"))) == FILES:
        return
    folder.mkdir(parents=True, exist_ok=True)
    per_file = CARDS // FILES
    for f in range(FILES):
        parts = [f"---\nnew_per_day: 20\n---\n# Synthetic deck {f}\n"]
        for i in range(per_file):
            n = f * per_file + i
            kind = n % 4
            if kind == 0:
                parts.append(
                    f"## Why does technique {n} help training?\n<!--\nid: open-{n}\n-->\n"
                    f"Technique {n} keeps gradients well scaled and reduces variance.\n\n"
                    "### Key points\n- It keeps gradients well scaled\n- It reduces variance\n"
                )
            elif kind == 1:
                parts.append(
                    f"## What is constant {n}?\n<!--\nid: basic-{n}\ntype: basic\n-->\nIt is {n}.\n"
                )
            elif kind == 2:
                parts.append(
                    f"## Fact {n}\n<!--\nid: cloze-{n}\n-->\n"
                    f"The value of item {n} is {{{{c1::{n % 97}}}}}.\n"
                )
            else:
                parts.append(
                    f"## Which options are right for question {n}?\n<!--\nid: choice-{n}\n-->\n"
                    "- [x] The first option\n- [ ] The second option\n- [x] The third option\n\n"
                    "The first and third are right.\n"
                )
        (folder / f"deck{f:02d}.md").write_text("\n".join(parts), encoding="utf-8")


def prepare_store(db: Path, config: Path, answered: int, root: Path = ROOT) -> None:
    """Sync the configured decks into ``db`` and answer ``answered`` cards three days ago."""
    code = (
        "import sys\n"
        "from datetime import datetime, timedelta, UTC\n"
        "from quizapp.store import Store\n"
        "from quizapp.library import sync_all\n"
        "from quizapp import review\n"
        "now = datetime.now(UTC)\n"
        "with Store.open(sys.argv[1]) as store:\n"
        "    report = sync_all(store, now - timedelta(days=4))\n"
        "    assert report.ok, report.problems[:3]\n"
        "    ids = [r[0] for r in store.conn.execute("
        "'SELECT card_id FROM schedule ORDER BY position LIMIT ?', (int(sys.argv[2]),))]\n"
        "    for n, card_id in enumerate(ids):\n"
        "        review.answer(store, card_id, 3 if n % 5 else 1, now - timedelta(days=3))\n"
    )
    env = {**os.environ, "QUIZAPP_DB": str(db), "QUIZAPP_CONFIG": str(config)}
    subprocess.run(
        [sys.executable, "-c", code, str(db), str(answered)],
        check=True,
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
    )


def scenario_env(name: str, *, big: bool, warm: bool, root: Path = ROOT) -> dict[str, str]:
    folder = BENCH_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "store.db"
    config = folder / "config.toml"
    config.write_text(f'decks = ["{BIG_DECK}"]\n' if big else "", encoding="utf-8")
    for stale in folder.glob("store.db*"):
        stale.unlink()
    if warm:
        prepare_store(db, config, ANSWERED if big else 0, root)
    return {"QUIZAPP_DB": str(db), "QUIZAPP_CONFIG": str(config)}


SCENARIOS = [
    # (name, kind, big deck, warm store)
    ("bare Textual app", "bare", False, True),
    ("bundled deck, warm store", "app", False, True),
    ("bundled deck, cold store", "app", False, False),
    ("home, cold store", "home", False, False),
    (f"{CARDS:,} cards, warm store", "app", True, True),
    (f"{CARDS:,} cards, cold store", "app", True, False),
]


def measure_all(runs: int, scenarios: list[tuple], baseline: Path | None = None) -> list[dict]:
    """Every scenario once per round, ``runs`` rounds: a busy machine slows all of them alike.

    With ``baseline`` (another checkout, e.g. a worktree of main), each app scenario is also run
    on that code right after this one's, so before and after share the machine's load.
    """
    plan = []
    for name, kind, big, warm in scenarios:
        plan.append((name, kind, big, warm, ROOT))
        if baseline is not None and kind != "bare":
            plan.append((f"{name} [baseline]", kind, big, warm, baseline))
    results: dict[str, list[dict]] = {name: [] for name, *_ in plan}
    for _ in range(runs):
        for name, kind, big, warm, root in plan:
            env = scenario_env(name, big=big, warm=warm, root=root) if kind != "bare" else {}
            results[name].append(run_child(kind, env, root=root))
    return [summarise(name, results[name]) for name, *_ in plan]


def summarise(name: str, results: list[dict]) -> dict:
    summary: dict = {"name": name}
    marks = ("first_screen", "first_card", "deck_table")
    for key in (*marks, "peak_rss_mb", *(f"{mark}_cpu" for mark in marks)):
        values = [r[key] for r in results if key in r]
        if values:
            summary[key] = statistics.median(values)
            summary[key + "_range"] = (min(values), max(values))
    summary["numpy"] = any(
        r.get("first_card_numpy") or r.get("first_screen_numpy") for r in results
    )
    summary["matplotlib"] = any(
        r.get("first_card_matplotlib") or r.get("first_screen_matplotlib") for r in results
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario (median shown)")
    parser.add_argument(
        "--only",
        choices=sorted({kind for _, kind, _, _ in SCENARIOS} - {"bare"}),
        help="only the scenarios of this kind (with the bare app), e.g. home",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. a worktree of main) to time interleaved with this one",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bytecode_cache import ensure_bytecode

    for checkout in (ROOT, args.baseline):
        if checkout:
            ensure_bytecode(checkout)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    scenarios = [s for s in SCENARIOS if args.only is None or s[1] in ("bare", args.only)]
    if any(big for _, _, big, _ in scenarios):
        write_big_deck(BIG_DECK)

    load_before = os.getloadavg()
    rows = measure_all(args.runs, scenarios, args.baseline)
    load_after = os.getloadavg()
    bare = rows[0]["first_screen"]
    print(f"quizapp start-up, {SIZE[0]}x{SIZE[1]} pty, median of {args.runs} run(s)")
    print(f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    header = (
        f"{'scenario':<39} {'first screen':>16} {'first card':>11} {'(min-max)':>13} "
        f"{'peak RSS':>9}  imports"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        screen = f"{row['first_screen']:.3f} s"
        if row is not rows[0]:
            screen += f" ({row['first_screen'] / bare:.2f}x)"
        card = f"{row['first_card']:.3f} s" if "first_card" in row else "-"
        if "deck_table" in row:  # the home scenario: when the deck table is on screen
            card = f"table {row['deck_table']:.3f} s ({row['deck_table'] / bare:.2f}x)"
        spread = "-"
        for key in ("first_card_range", "deck_table_range"):
            if key in row:
                spread = "{:.2f}-{:.2f} s".format(*row[key])
        heavy = [m for m in ("numpy", "matplotlib") if row[m]]
        imports = ("loaded " + ", ".join(heavy)) if heavy else "no numpy/matplotlib"
        print(
            f"{row['name']:<39} {screen:>16} {card:>11} {spread:>13} "
            f"{row['peak_rss_mb']:>6.0f} MB  {imports}"
        )
    # CPU time moves less than wall time when other work shares the machine's cores.
    print("\nprocess CPU time at the mark (all threads, median):")
    bare_cpu = rows[0]["first_screen_cpu"]
    for row in rows:
        marks = [("first screen", "first_screen_cpu")]
        marks += [
            (label, key)
            for label, key in (("card", "first_card_cpu"), ("table", "deck_table_cpu"))
            if key in row
        ]
        text = ", ".join(
            f"{label} {row[key]:.3f} s ({row[key] / bare_cpu:.2f}x)" for label, key in marks
        )
        print(f"  {row['name']:<37} {text}")
    print(
        "\ntargets: first screen within 1.5x of the bare app; first card at "
        f"{CARDS:,} cards under 1 s (warm store)"
    )


if __name__ == "__main__":
    main()
