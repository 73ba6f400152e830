"""FSRS fitted to the user: parameter events, the review log as training data, fit and evaluation.

- :mod:`.events` — parameter events (the log of adopted parameters / desired retentions) and the
  lookup replay uses: which settings were in force at a review's time.
- :mod:`.history` — the review log turned into fsrs-rs training items, with a time-based split.
- :mod:`.metrics` — log loss, RMSE(bins) and AUC, the same definitions for every model compared.
- :mod:`.fit` — ``optimize``: the public entry point behind ``quizapp optimize``.
- :mod:`.refit` — re-fitting once a fit's review count has doubled: fit (read-only), then
  record, so the app can fit in a worker and write on its own thread.
- :mod:`.workload` — reviews per day a desired retention implies, by simulation.

fsrs-rs-python (Rust) is imported only inside :mod:`.fit` and :mod:`.workload`, never on the
review path.
"""
