"""How long Browse and Stats take to open on a big store: key press to the screen painted.

The store is bench_stats' synthetic year (10,000 cards, ~50,000 reviews). The app runs headless
(Textual's ``run_test``, 100x30); each measurement presses the key on Home and waits for the
screen's first refresh after it is mounted (its numbers may still be on their way from a
worker: that is the point), then goes back. Times are medians over ``--runs``.
Run: ``python -m benchmarks.bench_screens [--runs 5]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_stats import NOW, build_store
from benchmarks.bytecode_cache import ensure_bytecode
from quizapp.store import Store

TARGET_MS = 150


async def measure(db: Path, runs: int) -> dict[str, list[float]]:
    from quizapp.tui.app import make_app
    from quizapp.tui.browse_screen import BrowseScreen
    from quizapp.tui.stats_screen import StatsScreen

    app = make_app(db, now=lambda: NOW, roots=[], cursor_blink=False)
    times: dict[str, list[float]] = {"browse": [], "stats": []}
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.store_ready and not app.syncing:
                break
        for _ in range(runs):
            for name, action, kind in (
                ("browse", app.action_browse, BrowseScreen),
                ("stats", app.action_stats, StatsScreen),
            ):
                painted = asyncio.Event()
                start = time.perf_counter()
                action()  # what the key runs (Pilot's press would also wait for the workers)
                while not isinstance(app.screen, kind):
                    await asyncio.sleep(0)
                app.screen.call_after_refresh(painted.set)
                await painted.wait()
                times[name].append((time.perf_counter() - start) * 1000)
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ensure_bytecode(Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory(prefix="quizapp-screens-") as tmp:
        db = Path(tmp) / "store.db"
        with Store.open(db) as store:
            reviews = build_store(store)
        times = asyncio.run(measure(db, args.runs))
    print(f"Browse and Stats opening on 10,000 cards and {reviews:,} reviews (headless, 100x30)")
    for name, values in times.items():
        print(
            f"{name:<7} median {statistics.median(values):6.0f} ms  max {max(values):6.0f} ms"
            f"  (target {TARGET_MS} ms, {len(values)} runs: {' '.join(f'{v:.0f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
