"""How long each "prove it" experiment takes, and on how many seeds each of its checks holds.

Timing: median of a few runs per proof and the figure render (targets: a run <= 300 ms, a figure
<= 1 s on 2 cores). The first figure of a process is timed apart from the warm ones (matplotlib's
import and the first render's font loading, paid once), against the same proof drawn again.

Seed sweep (--sweep N, default 1000): every proof on seeds START..START+N-1, and per check the
share of seeds on which it holds. A deterministic check (rate 1.0) must hold on all of them; a
statistical check states its rate (Check.rate) and must hold on at least that share, less three
binomial standard errors. The last column says whether each check meets its target.

    python -m benchmarks.bench_proofs [--repeat 5] [--sweep 1000] [--start 0] [--jobs 2]
    python -m benchmarks.bench_proofs --sweep 0            # timings only
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

PROOF_BUDGET_MS = 300.0
FIGURE_BUDGET_MS = 1000.0


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _sweep_one(job: tuple[str, int, int]) -> tuple[str, list[str], list[float], list[int]]:
    """Run proof `name` on seeds start..start+count-1; count how often each check holds."""
    from quizapp import proofs

    name, start, count = job
    first = proofs.run(name, seed=start)
    statements = [check.statement for check in first.checks]
    rates = [check.rate for check in first.checks]
    held = [0] * len(statements)
    for seed in range(start, start + count):
        proof = first if seed == start else proofs.run(name, seed=seed)
        for i, check in enumerate(proof.checks):
            held[i] += check.holds
    return name, statements, rates, held


def sweep(names: list[str], start: int, count: int, jobs: int) -> bool:
    """Print the hold-rate table; return whether every check met its target."""
    chunks = max(1, jobs)
    size = math.ceil(count / chunks)
    work = [
        (name, start + k * size, min(size, count - k * size))
        for name in names
        for k in range(chunks)
        if count - k * size > 0
    ]
    totals: dict[str, tuple[list[str], list[float], list[int]]] = {}
    began = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for name, statements, rates, held in pool.map(_sweep_one, work):
            if name in totals:
                summed = [a + b for a, b in zip(totals[name][2], held, strict=True)]
                totals[name] = (statements, rates, summed)
            else:
                totals[name] = (statements, rates, held)
    print(
        f"\nseed sweep: seeds {start}..{start + count - 1} ({count} per proof), "
        f"{time.perf_counter() - began:.0f} s with {jobs} processes"
    )
    print(f"{'proof / check':<66} {'holds':>7} {'target':>7}  ok")
    all_ok = True
    for name in names:
        statements, rates, held = totals[name]
        print(name)
        for statement, rate, n in zip(statements, rates, held, strict=True):
            measured = n / count
            floor = rate - 3.0 * math.sqrt(rate * (1.0 - rate) / count)
            ok = measured == 1.0 if rate == 1.0 else measured >= floor
            all_ok &= ok
            text = statement if len(statement) <= 62 else statement[:61] + "…"
            print(f"  {text:<64} {measured:>7.1%} {rate:>7.0%}  {'yes' if ok else 'NO'}")
    print("every check meets its target" if all_ok else "SOME CHECKS MISS THEIR TARGET")
    return all_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per proof")
    parser.add_argument("--sweep", type=int, default=1000, help="seeds per proof (0: none)")
    parser.add_argument("--start", type=int, default=0, help="first seed of the sweep")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the sweep")
    parser.add_argument("names", nargs="*", help="proofs to measure (default: all)")
    args = parser.parse_args()

    start = time.perf_counter()
    from quizapp import proofs

    registry_ms = _ms(time.perf_counter() - start)
    start = time.perf_counter()
    import numpy  # noqa: F401

    numpy_ms = _ms(time.perf_counter() - start)
    # The first figure of a process, split into what it pays once (importing matplotlib, then
    # the first render's font loading and caches) and what every figure pays (a warm render of
    # the same proof, just after). CPU time beside wall time: a busy machine inflates it less.
    sample = proofs.run("bias-term")
    start, start_cpu = time.perf_counter(), time.process_time()
    import matplotlib.figure  # noqa: F401
    from matplotlib.backends import backend_agg  # noqa: F401

    from quizapp.proofs.figure import figure_bytes

    import_ms, import_cpu = _ms(time.perf_counter() - start), _ms(time.process_time() - start_cpu)
    start, start_cpu = time.perf_counter(), time.process_time()
    figure_bytes(sample)
    render_ms, render_cpu = _ms(time.perf_counter() - start), _ms(time.process_time() - start_cpu)
    start, start_cpu = time.perf_counter(), time.process_time()
    figure_bytes(sample)
    warm_ms, warm_cpu = _ms(time.perf_counter() - start), _ms(time.process_time() - start_cpu)

    names = args.names or proofs.names()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cpus: {os.cpu_count()}, load average (1 min): {load:.2f}")
    print(f"threads: OMP/OPENBLAS/MKL = {os.environ.get('OPENBLAS_NUM_THREADS')}")
    print(f"import quizapp.proofs: {registry_ms:.1f} ms; numpy: {numpy_ms:.1f} ms")
    first_ms, first_cpu = import_ms + render_ms, import_cpu + render_cpu
    print(
        f"first figure of the process (bias-term): {first_ms:.0f} ms wall, {first_cpu:.0f} ms CPU "
        f"(target {FIGURE_BUDGET_MS:.0f} ms): import matplotlib {import_ms:.0f} ms "
        f"({import_cpu:.0f} CPU), first render {render_ms:.0f} ms ({render_cpu:.0f} CPU)"
    )
    print(f"warm figure, the same proof again: {warm_ms:.0f} ms wall, {warm_cpu:.0f} ms CPU\n")
    print(
        "run: median and min wall time of the runs, and CPU time (process_time) of the fastest, "
        "which a busy machine inflates less; figure: median of up to 3 warm PNG renders"
    )
    header = (
        f"{'proof':<27} {'run ms':>7} {'min':>6} {'cpu':>6} {'target':>7}  "
        f"{'figure ms':>9} {'target':>7}  ok"
    )
    print(header)

    over = []
    for name in names:
        proofs.run(name)  # warm up: first-call costs (module import, numpy dispatch caches)
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            proof = proofs.run(name)
            times.append(_ms(time.perf_counter() - start))
            cpu.append(_ms(time.process_time() - start_cpu))
        renders = []
        for _ in range(min(3, args.repeat)):
            start = time.perf_counter()
            figure_bytes(proof)
            renders.append(_ms(time.perf_counter() - start))
        figure_ms = statistics.median(renders)
        median = statistics.median(times)
        ok = median <= PROOF_BUDGET_MS and figure_ms <= FIGURE_BUDGET_MS
        if not ok:
            over.append(name)
        fastest_cpu = cpu[times.index(min(times))]
        print(
            f"{name:<27} {median:>7.0f} {min(times):>6.0f} {fastest_cpu:>6.0f} "
            f"{PROOF_BUDGET_MS:>7.0f}  {figure_ms:>9.0f} {FIGURE_BUDGET_MS:>7.0f}  "
            f"{'yes' if ok else 'NO'}{'' if proof.holds else '  (claim fails on seed 0)'}"
        )
    print("over a target: " + (", ".join(over) if over else "none"))
    if args.sweep > 0:
        sweep(names, args.start, args.sweep, args.jobs)


if __name__ == "__main__":
    main()
