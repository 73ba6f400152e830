"""First sync of 10,000 cards against Anki's CSV import of the same cards, side by side.

Anki is not a dependency of quizapp: the script makes its own venv (``--venv``, default
``/tmp/quizapp-anki/venv``) and installs ``anki`` from PyPI into it once, as the peers' harness
does. Both sides get the same 10,000 question/answer pairs: quizapp as markdown deck files
(20 files of 500 cards, the synthetic deck of bench_startup), Anki as one CSV of Basic notes.
Each side runs in a fresh process on a fresh store; the time is the operation alone (quizapp:
``sync`` into a migrated empty store; Anki: ``import_csv`` into a new collection), with each
side's library loaded before the clock starts (Anki's when the collection opens; quizapp's
parser, which ``sync`` imports lazily, by an import) and its bytecode compiled (see
``bytecode_cache``), the median of ``--runs``, interleaved so a busy machine slows both alike.
Prints the ratio (quizapp / Anki), and a floor: the least a Python markdown importer does
(read, split at the headings, hash, insert; no validation), so the ratio can be told apart
from what Python itself costs.
``--baseline DIR`` also times the sync of another quizapp checkout (e.g. a worktree of main) in
the same interleaved loop, so a before/after comparison shares one machine state.
Run: ``python benchmarks/bench_anki.py [--runs 3] [--cards 100000] [--baseline /work/main]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

QUIZAPP_CHILD = r"""
import json, sys, time
from datetime import datetime, UTC
from pathlib import Path
from quizapp.store import Store
from quizapp.sync import sync
import quizapp.parser  # loaded before the clock starts, as Anki's library is
store = Store.open(sys.argv[1])
start = time.perf_counter()
report = sync(store, [Path(sys.argv[2])], datetime.now(UTC), write_ids=False)
elapsed = time.perf_counter() - start
assert report.ok, report.problems[:3]
print(json.dumps({"seconds": elapsed, "cards": report.added}))
"""

# The least any Python markdown importer does, as a floor under quizapp's parser: read each file,
# split it at its "## " headings, take the id, hash the block, insert one row per card.
FLOOR_CHILD = r"""
import hashlib, json, re, sqlite3, sys, time
from pathlib import Path
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode = WAL")
db.execute("CREATE TABLE cards (id TEXT PRIMARY KEY, prompt TEXT, answer TEXT, hash TEXT)")
start = time.perf_counter()
rows = []
for path in sorted(Path(sys.argv[2]).glob("*.md")):
    for block in path.read_text("utf-8").split("\n## ")[1:]:
        heading, _, body = block.partition("\n")
        found = re.search(r"id: (\S+)", body)
        digest = hashlib.sha1(block.encode()).hexdigest()
        rows.append((found.group(1) if found else heading, heading, body, digest))
with db:
    db.executemany("INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?)", rows)
print(json.dumps({"seconds": time.perf_counter() - start, "cards": len(rows)}))
"""

ANKI_CHILD = r"""
import json, sys, time
from anki.collection import Collection
from anki.import_export_pb2 import ImportCsvRequest, CsvMetadata
col = Collection(sys.argv[1])
metadata = col.get_csv_metadata(sys.argv[2], CsvMetadata.Delimiter.COMMA)
start = time.perf_counter()
log = col.import_csv(ImportCsvRequest(path=sys.argv[2], metadata=metadata))
elapsed = time.perf_counter() - start
col.close()
print(json.dumps({"seconds": elapsed, "cards": len(log.log.new)}))
"""


def ensure_anki(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import anki"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "anki"], check=True)
    return python


def write_decks(folder: Path, cards: int) -> Path:
    """The markdown decks (bench_startup's mix of card types) and a CSV of the same pairs."""
    import bench_startup

    bench_startup.CARDS = cards
    bench_startup.write_big_deck(folder)
    rows = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text("utf-8")
        for block in re.split(r"\n(?=## )", text)[1:]:
            heading, _, body = block.partition("\n")
            body = re.sub(r"<!--.*?-->\n", "", body, flags=re.S).strip()
            rows.append((heading[3:].strip(), body))
    out = folder.parent / f"{folder.name}.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return out


def run(argv: list[str], checkout: Path = ROOT) -> dict:
    """Run a child in ``checkout``, whose ``quizapp`` package it imports."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    result = subprocess.run(argv, capture_output=True, text=True, cwd=checkout, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--venv", type=Path, default=Path("/tmp/quizapp-anki/venv"))
    parser.add_argument("--baseline", type=Path, help="another quizapp checkout to time too")
    args = parser.parse_args()
    anki_python = ensure_anki(args.venv)
    from bytecode_cache import ensure_bytecode

    for checkout in (ROOT, args.baseline):
        if checkout:
            ensure_bytecode(checkout)
    base = Path(tempfile.gettempdir()) / "quizapp-bench-anki"
    folder = base / f"decks-{args.cards}"
    csv_path = write_decks(folder, args.cards)
    ours, theirs, base, floor = [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            q = run([sys.executable, "-c", QUIZAPP_CHILD, f"{tmp}/q.db", str(folder)])
            a = run([str(anki_python), "-c", ANKI_CHILD, f"{tmp}/c.anki2", str(csv_path)])
            floor.append(run([sys.executable, "-c", FLOOR_CHILD, f"{tmp}/f.db", str(folder)]))
            if args.baseline:
                b = run(
                    [sys.executable, "-c", QUIZAPP_CHILD, f"{tmp}/b.db", str(folder)], args.baseline
                )
                base.append(b["seconds"])
        ours.append(q["seconds"])
        theirs.append(a["seconds"])
        counts = (q["cards"], a["cards"])
    q_med, a_med = statistics.median(ours), statistics.median(theirs)
    print(f"first sync of {args.cards:,} cards vs Anki's CSV import, median of {args.runs}")
    print(f"quizapp sync     {q_med:.3f} s  ({counts[0]:,} cards added)")
    print(f"anki import_csv  {a_med:.3f} s  ({counts[1]:,} notes added)")
    f_med = statistics.median(f["seconds"] for f in floor)
    print(
        f"python floor     {f_med:.3f} s  (read, split at headings, hash, insert: "
        f"{floor[-1]['cards']:,} cards; ratio to anki {f_med / a_med:.2f})"
    )
    if base:
        b_med = statistics.median(base)
        print(
            f"baseline sync    {b_med:.3f} s  ({args.baseline}; ratio to anki {b_med / a_med:.2f})"
        )
    print(f"ratio quizapp / anki: {q_med / a_med:.2f} (target <= 1.0)")
    print(
        f"per card: quizapp {q_med / counts[0] * 1e6:.1f} us, anki {a_med / counts[1] * 1e6:.1f} us"
    )


if __name__ == "__main__":
    main()
