"""Key press to screen: how long the review takes to repaint after reveal, next card, undo, skip.

Each measurement writes a key to a pseudo-terminal (100x30) running the real app, exactly as a
terminal would, and times until the text the new frame must show (the model answer after a
reveal, the next card's question after a rating...) comes back out of the terminal. The baseline
is a bare Textual app echoing a typed key into an ``Input``, measured the same way in the same
run. Both include the terminal round trip, so the ratio is what a user feels.

Actions (20 presses each by default; median and max printed):

- reveal: ctrl+s / enter / space on an open, cloze, choice or basic card until the model answer
  is on screen (and, for open cards, "score" until the score is too);
- next: a rating key until the next question is on screen;
- undo: ``u`` until the card just rated is back;
- skip: ``s`` until the card after it is on screen.

The deck is generated (prompts ``Q0001``..., answers ``A0001``...) into a fresh store per run;
nothing touches the user's store or config. Run: ``python benchmarks/bench_keys.py [--presses 20]``.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
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
TARGET = 1.5  # the bar: within 1.5x of the bare app's echo
ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
KINDS = ("open", "cloze", "choice", "basic")

CHILD = r"""
import os, sys
from pathlib import Path
kind = sys.argv[1]
if kind == "bare":
    from textual.app import App
    from textual.widgets import Footer, Input

    class Bare(App):
        def compose(self):
            yield Input(placeholder="type here")
            yield Footer()

    Bare().run()
elif kind == "bare-swap":
    # The least a Textual app can do to change a card: replace a screenful of text (n) or
    # show a hidden block under it (r), with no markdown, no store and no scoring.
    from textual.app import App
    from textual.widgets import Footer, Static

    WIDE = "of the card, long enough to span the width " * 2
    FILLER = "\n".join(f"line {i} {WIDE}" for i in range(8))

    class BareSwap(App):
        BINDINGS = [("n", "next", "Next"), ("r", "reveal", "Reveal")]

        def compose(self):
            yield Static("B0000 question\n" + FILLER, id="q")
            yield Static("", id="a")
            yield Footer()

        def on_mount(self):
            self.count = 0
            self.query_one("#a").display = False

        def action_next(self):
            self.count += 1
            self.query_one("#q", Static).update(f"B{self.count:04d} question\n" + FILLER)
            self.query_one("#a").display = False

        def action_reveal(self):
            answer = self.query_one("#a", Static)
            answer.update(f"R{self.count:04d} answer\n" + FILLER)
            answer.display = True

    BareSwap().run()
else:
    import quizapp.tui.app
    from quizapp.tui.app import QuizApp

    styles = Path(quizapp.tui.app.__file__).parent

    class Bench(QuizApp):
        CSS_PATH = [str(styles / path) for path in QuizApp.CSS_PATH]

    Bench(Path(os.environ["QUIZAPP_DB"]), start_review=True, cursor_blink=False).run()
"""


def card_text(n: int) -> str:
    """Card ``n`` of the generated deck: the four types in turn, each prompt and answer unique."""
    kind = KINDS[n % 4]
    head = f"## Q{n:04d} {kind} question\n<!--\nid: card-{n}\n"
    if kind == "open":
        return (
            f"{head}-->\nA{n:04d} gradients stay well scaled and variance falls.\n\n"
            "### Key points\n- Gradients stay well scaled\n- Variance falls\n"
        )
    if kind == "cloze":
        return f"## Q{n:04d} cloze: the value is {{{{c1::{n % 97}}}}}.\n<!--\nid: card-{n}\n-->\n"
    if kind == "choice":
        return f"{head}-->\n- [x] First\n- [ ] Second\n\nA{n:04d} the first is right.\n"
    return f"{head}type: basic\n-->\nA{n:04d} it is {n}.\n"


def prepare(folder: Path, cards: int) -> dict[str, str]:
    """A deck of ``cards`` cards synced into a fresh store; the environment pointing at both."""
    deck = folder / "decks" / "bench.md"
    deck.parent.mkdir(parents=True, exist_ok=True)
    body = "\n".join(card_text(n) for n in range(1, cards + 1))
    deck.write_text(f"---\nnew_per_day: 1000\n---\n# Bench\n\n{body}", encoding="utf-8")
    config = folder / "config.toml"
    config.write_text(f'decks = ["{deck.parent}"]\n', encoding="utf-8")
    db = folder / "store.db"
    env = {"QUIZAPP_DB": str(db), "QUIZAPP_CONFIG": str(config)}
    code = (
        "from quizapp.store import Store\nfrom quizapp.library import sync_all\n"
        "from quizapp.clock import utc_now\nimport os\n"
        "with Store.open(os.environ['QUIZAPP_DB']) as s:\n"
        "    r = sync_all(s, utc_now())\n    assert r.ok, r.problems[:3]\n"
        # Only the generated deck is studied: the bundled cards would come first otherwise.
        "    s.conn.execute(\"UPDATE schedule SET queue = 3 WHERE deck != 'bench'\")\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, **env})
    return env


class Terminal:
    """One child process on a pty, with key writes and waits for text in its output."""

    def __init__(self, kind: str, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, kind],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env={**os.environ, **env, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )
        os.close(slave)
        self.seen = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.master, 1 << 16)
        except OSError:
            raise RuntimeError("the app exited") from None

    def wait_for(self, marker: str, timeout: float = 10.0) -> float:
        """Seconds until ``marker`` appears in the (ANSI-stripped) output since the last call."""
        start = time.monotonic()
        wanted = marker.encode()
        raw = b""
        while time.monotonic() - start < timeout:
            chunk = self.read(0.01)
            raw += chunk
            self.seen = (self.seen + chunk)[-400000:]
            if wanted in ANSI.sub(b"", raw):
                return time.monotonic() - start
        tail = ANSI.sub(b"", raw)[-300:]
        raise RuntimeError(f"{marker!r} did not appear within {timeout} s; saw {tail!r}")

    def press(self, keys: bytes, marker: str) -> float:
        """Write ``keys`` and time until ``marker`` is on screen."""
        self.settle()
        start = time.monotonic()
        os.write(self.master, keys)
        self.wait_for(marker)
        return time.monotonic() - start

    def send(self, keys: bytes, marker: str | None = None) -> None:
        os.write(self.master, keys)
        if marker:
            self.wait_for(marker)

    def settle(self, quiet: float = 0.15) -> None:
        """Read until the app has written nothing for ``quiet`` seconds."""
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            chunk = self.read(0.02)
            if chunk:
                self.seen = (self.seen + chunk)[-400000:]
                last = time.monotonic()

    def close(self) -> None:
        os.write(self.master, b"\x11")  # ctrl+q
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.master)


def bare_echo(presses: int) -> list[float]:
    term = Terminal("bare", {})
    try:
        term.wait_for("type here", timeout=30)
        times = []
        typed = ""
        for n in range(presses):
            char = "abcdefghijklmnopqrstuvwxyz"[n % 26]
            typed += char
            times.append(term.press(char.encode(), typed))
        return times
    finally:
        term.close()


def bare_swap(presses: int) -> dict[str, list[float]]:
    """A bare Textual app replacing a screenful of text, and showing a hidden block: the
    floor under any card change, measured the same way as the echo."""
    term = Terminal("bare-swap", {})
    times: dict[str, list[float]] = {"bare swap": [], "bare show": []}
    try:
        term.wait_for("B0000", timeout=30)
        for n in range(1, presses + 1):
            times["bare show"].append(term.press(b"r", f"R{n - 1:04d}"))
            times["bare swap"].append(term.press(b"n", f"B{n:04d}"))
        return times
    finally:
        term.close()


ANSWER_KEYS = {"open": b"gradients stay scaled", "cloze": b"5", "choice": b"1", "basic": b""}
REVEAL_KEYS = {"open": b"\x13", "cloze": b"\r", "choice": b"\r", "basic": b" "}
ESC_FIRST = {"open", "cloze"}  # their inputs take letters: escape leaves them first


def app_keys(presses: int, env: dict[str, str]) -> dict[str, list[float]]:
    term = Terminal("app", env)
    results: dict[str, list[float]] = {"next": [], "undo": [], "skip": [], "score": []}
    results.update({f"reveal {kind}": [] for kind in KINDS})
    try:
        term.wait_for("Q0001", timeout=60)
        n = 1

        def leave_input() -> None:
            """Out of a text input so letters are commands: 'a' makes sure it is focused
            (after a skip the app is in command mode), escape leaves it."""
            term.settle()
            term.send(b"a")
            term.settle()
            term.send(b"\x1b")

        for _ in range(presses):
            kind = KINDS[n % 4]

            def answer(n: int = n, kind: str = kind, measure: bool = True) -> None:
                term.settle()
                if kind != "basic":
                    # After undo or skip the app stays in command mode, where 'a' goes back to
                    # the answer; with the answer already focused it just types an 'a'.
                    term.send(b"a")
                    term.settle()
                if ANSWER_KEYS[kind]:
                    term.send(ANSWER_KEYS[kind])
                # A cloze card's model answer is its own text: the rating bar shows the reveal.
                shown = "1 Again" if kind == "cloze" else f"A{n:04d}"
                if measure:
                    results[f"reveal {kind}"].append(term.press(REVEAL_KEYS[kind], shown))
                    if kind == "open":
                        results["score"].append(term.wait_for("Score") + results["reveal open"][-1])
                else:
                    term.settle()
                    term.send(REVEAL_KEYS[kind], shown)

            answer()
            results["next"].append(term.press(b"4", f"Q{n + 1:04d}"))
            if KINDS[(n + 1) % 4] in ESC_FIRST:
                leave_input()
            results["undo"].append(term.press(b"u", f"Q{n:04d}"))
            answer(measure=False)
            term.settle()
            term.send(b"4", f"Q{n + 1:04d}")
            if KINDS[(n + 1) % 4] in ESC_FIRST:
                leave_input()
            results["skip"].append(term.press(b"s", f"Q{n + 2:04d}"))
            # Skip once more, so the next round starts on the next card type (n + 3).
            if KINDS[(n + 2) % 4] in ESC_FIRST:
                leave_input()
            results["skip"].append(term.press(b"s", f"Q{n + 3:04d}"))
            n += 3
        return results
    finally:
        term.close()


def line(name: str, times: list[float], bare: float) -> str:
    if not times:
        return f"{name:<16} -"
    median, worst = statistics.median(times), max(times)
    return (
        f"{name:<16} {median * 1000:7.0f} ms {worst * 1000:7.0f} ms "
        f"{median / bare:6.2f}x {worst / bare:6.2f}x  ({len(times)} presses)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=20, help="presses per action")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bytecode_cache import ensure_bytecode

    ensure_bytecode(ROOT)
    with tempfile.TemporaryDirectory(prefix="quizapp-keys-") as tmp:
        env = prepare(Path(tmp), cards=args.presses * 3 + 8)
        echo = bare_echo(args.presses)
        app = app_keys(args.presses, env)
        echo += bare_echo(args.presses)  # before and after: a busy machine slows both alike
        floor = bare_swap(args.presses)
    bare = statistics.median(echo)
    print(f"quizapp key to screen, {SIZE[0]}x{SIZE[1]} pty, python {sys.version.split()[0]}, ")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    print(f"{'action':<16} {'median':>10} {'max':>10} {'median':>7} {'max':>7}  vs bare echo")
    print(line("bare echo", echo, bare))
    for name, times in floor.items():
        print(line(name, times, bare))
    for name, times in app.items():
        print(line(name, times, bare))
    print(
        f"\ntarget: reveal/next/undo/skip medians within {TARGET}x of the bare echo, "
        "no press over 3x ('score' is when the open card's score appears; it may come later)"
    )


if __name__ == "__main__":
    main()
