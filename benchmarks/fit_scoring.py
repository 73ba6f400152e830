"""Fit the scorer's combination weights on the tuning answers, and report leave-one-card-out.

    python -m benchmarks.fit_scoring            # fit, print tune and leave-one-card-out figures
    python -m benchmarks.fit_scoring --write    # ... and write quizapp/scoring/data/weights.json

Only ``split == "tune"`` rows are read (answers.jsonl's tune split, answers_dev*.jsonl). The test
sets (answers_test.jsonl, the out-of-domain deck, answers.jsonl's held-out split and
answers_fresh.jsonl) are never read here; ``bench_scoring`` measures them.

Leave-one-card-out: for each card, the weights are fitted on the other cards' answers and the
held-out card's answers are scored with them; the pooled Spearman of those out-of-card scores
is the honest estimate of how the scorer does on a card written tomorrow.

The fit minimises the squared error between value and label with a bounded pattern search
(each weight stepped up and down, steps halved when nothing improves): the objective has steps
(thresholds), which gradient methods handle badly, and there are only a dozen weights.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp import scoring  # noqa: E402
from quizapp.scoring import combine, semantic  # noqa: E402
from tests.labelled_answers import TUNE_FILES, load_cards, spearman, tune_rows  # noqa: E402

WEIGHTS_PATH = ROOT / "quizapp" / "scoring" / "data" / "weights.json"

#: (low, high, first step) per weight.
BOUNDS = {
    "bias": (-8.0, 2.0, 0.5),
    "semantic": (0.0, 30.0, 2.0),
    "semantic_centre": (0.3, 0.8, 0.05),
    "lexical": (0.0, 10.0, 0.5),
    "list_scale": (0.0, 1.0, 0.1),
    "reversal_margin": (0.0, 0.2, 0.02),
    "reversal_floor": (0.4, 0.95, 0.05),
    "misconception_margin": (-0.1, 0.2, 0.02),
    "misconception_floor": (0.4, 0.95, 0.05),
    "contradiction_penalty": (0.0, 0.8, 0.05),
    "misconception_penalty": (0.0, 0.8, 0.05),
    "exponent": (0.3, 2.0, 0.1),
    "wrong_cap": (0.1, 1.0, 0.1),
}


def _measured(encoder, text: str, card) -> scoring.Measured:
    wrong = [m.claim for m in card.misconceptions]
    return scoring.measure(text, card.key_points, card.prompt, card.synonyms, wrong, encoder)


def features(rows: list[dict], cards: dict) -> list[tuple]:
    """Per row ``(card id, Measured)``, and each card's model answer under the key
    ``("reference", card id)``: measured once, then combined under every candidate weight set."""
    encoder = semantic.encoder()
    if encoder is None:
        raise SystemExit(f"the sentence model is not available: {semantic.status().reason}")
    out = []
    for card_id in sorted({row["card_id"] for row in rows}):
        out.append(
            (("reference", card_id), _measured(encoder, cards[card_id].answer, cards[card_id]))
        )
    for row in rows:
        out.append((row["card_id"], _measured(encoder, row["answer"], cards[row["card_id"]])))
    return out


def values(feats: list[tuple], weights: combine.Weights) -> np.ndarray:
    """Values of the answer rows (reference rows are used, not returned)."""
    reference = {key[1]: m.combine(weights) for key, m in feats if isinstance(key, tuple)}
    return np.array(
        [
            m.combine(weights, reference.get(key)).value
            for key, m in feats
            if not isinstance(key, tuple)
        ]
    )


def loss(feats: list[tuple], labels: np.ndarray, weights: combine.Weights) -> float:
    return float(np.mean((values(feats, weights) - labels) ** 2))


def fit(
    feats: list[tuple], labels: np.ndarray, start: combine.Weights, halvings: int = 5
) -> combine.Weights:
    """Bounded pattern search on the squared error, from ``start``."""
    best = start
    best_loss = loss(feats, labels, best)
    steps = {name: BOUNDS[name][2] * 2.0 ** -(5 - halvings) for name in BOUNDS}
    for _ in range(halvings):
        improved = True
        while improved:
            improved = False
            for field in fields(combine.Weights):
                low, high, _ = BOUNDS[field.name]
                for sign in (1, -1):
                    value = getattr(best, field.name) + sign * steps[field.name]
                    if not low <= value <= high:
                        continue
                    candidate = replace(best, **{field.name: value})
                    candidate_loss = loss(feats, labels, candidate)
                    if candidate_loss < best_loss - 1e-7:
                        best, best_loss, improved = candidate, candidate_loss, True
                        break
        steps = {k: v / 2 for k, v in steps.items()}
    return best


def per_card(rows: list[dict], scores: np.ndarray) -> dict[str, float]:
    result = {}
    for card_id in sorted({r["card_id"] for r in rows}):
        index = [i for i, r in enumerate(rows) if r["card_id"] == card_id]
        result[card_id] = spearman([scores[i] for i in index], [rows[i]["label"] for i in index])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="write the fitted weights")
    parser.add_argument("--no-loco", action="store_true", help="skip leave-one-card-out")
    parser.add_argument(
        "--cache", type=Path, default=None, help="keep sentence embeddings in this file (pickle)"
    )
    args = parser.parse_args()
    if args.cache is not None and args.cache.exists():
        import pickle

        encoder = semantic.encoder()
        if encoder is not None:
            semantic.CACHE_SIZE = 10**7
            encoder._cache.update(pickle.loads(args.cache.read_bytes()))
    cards = load_cards()
    rows = tune_rows()
    labels = np.array([r["label"] for r in rows])
    started = time.perf_counter()
    feats = features(rows, cards)
    print(f"{len(rows)} tune answers, signals in {time.perf_counter() - started:.1f} s")
    if args.cache is not None:
        import pickle

        args.cache.write_bytes(pickle.dumps(dict(semantic.encoder()._cache)))
    before = values(feats, combine.fitted())
    print(f"shipped weights: tune Spearman {spearman(list(before), list(labels)):.3f}")
    weights = fit(feats, labels, combine.fitted())
    fitted_values = values(feats, weights)
    tune_rho = spearman(list(fitted_values), list(labels))
    print(f"fitted: tune Spearman {tune_rho:.3f}, MSE {loss(feats, labels, weights):.4f}")
    print(json.dumps(weights.to_dict(), indent=1))
    loco_rho = None
    if not args.no_loco:
        out = np.zeros(len(rows))
        for card_id in sorted({r["card_id"] for r in rows}):
            inside = [i for i, r in enumerate(rows) if r["card_id"] != card_id]
            left = [i for i, r in enumerate(rows) if r["card_id"] == card_id]
            refs = [f for f in feats if isinstance(f[0], tuple)]
            rows_feats = [f for f in feats if not isinstance(f[0], tuple)]
            # Refit from the pooled optimum with small steps: the held-out card's answers move
            # the weights only locally, and a full search per card would take many minutes.
            w = fit(refs + [rows_feats[i] for i in inside], labels[inside], weights, halvings=3)
            out[left] = values(refs + [rows_feats[i] for i in left], w)
        loco_rho = spearman(list(out), list(labels))
        print(f"leave-one-card-out: pooled Spearman {loco_rho:.3f}")
        for card_id, rho in per_card(rows, out).items():
            print(f"  {card_id:28s} {rho:.3f}")
    if args.write:
        payload = {
            "made_by": "python -m benchmarks.fit_scoring --write",
            "date": date.today().isoformat(),
            "tune_answers": len(rows),
            "tune_files": [path.name for path in TUNE_FILES],
            "tune_spearman": round(tune_rho, 4),
            "leave_one_card_out_spearman": None if loco_rho is None else round(loco_rho, 4),
            "weights": {k: round(v, 5) for k, v in weights.to_dict().items()},
        }
        WEIGHTS_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
