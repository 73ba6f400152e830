"""How long each "prove it" experiment takes: median of a few runs, and the total.

Targets: each proof < 300 ms, all of them < 2 s, on a 2-core machine. Imports (numpy,
matplotlib) are timed separately, once, because the app pays them once per session; the figure
is timed separately too, because it is only drawn when asked for.

    python -m benchmarks.bench_proofs [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PROOF_BUDGET_MS = 300.0
TOTAL_BUDGET_MS = 2000.0


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per proof")
    args = parser.parse_args()

    start = time.perf_counter()
    from quizapp import proofs

    registry_ms = _ms(time.perf_counter() - start)
    start = time.perf_counter()
    import numpy  # noqa: F401

    numpy_ms = _ms(time.perf_counter() - start)
    start = time.perf_counter()
    from quizapp.proofs.figure import figure_bytes

    figure_bytes(proofs.run("bias-term"))  # first figure: imports matplotlib, loads fonts
    first_figure_ms = _ms(time.perf_counter() - start)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cpus: {os.cpu_count()}, load average (1 min): {load:.2f}")
    print(f"import quizapp.proofs: {registry_ms:.1f} ms; numpy: {numpy_ms:.1f} ms")
    print(f"first figure (matplotlib import + render): {first_figure_ms:.0f} ms\n")
    print(f"{'proof':<28} {'median ms':>10} {'min ms':>8} {'figure ms':>10}  holds")

    total = 0.0
    over = []
    for name in proofs.names():
        proofs.run(name)  # warm up: first-call costs (module import, numpy dispatch caches)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            proof = proofs.run(name)
            times.append(_ms(time.perf_counter() - start))
        start = time.perf_counter()
        figure_bytes(proof)
        figure_ms = _ms(time.perf_counter() - start)
        median = statistics.median(times)
        total += median
        if median > PROOF_BUDGET_MS:
            over.append(name)
        print(f"{name:<28} {median:>10.1f} {min(times):>8.1f} {figure_ms:>10.0f}  {proof.holds}")

    print(f"\n{'total (sum of medians)':<28} {total:>10.1f}")
    print(f"budget: each < {PROOF_BUDGET_MS:.0f} ms, total < {TOTAL_BUDGET_MS:.0f} ms")
    print(
        "over budget: "
        + (", ".join(over) if over else "none")
        + ("; total" * (total > TOTAL_BUDGET_MS))
    )


if __name__ == "__main__":
    main()
