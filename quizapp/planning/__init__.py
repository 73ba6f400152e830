"""Interview-date mode: what to study each day so that everything is remembered on one date.

- :mod:`.planner` — ``build_plan``: a day-by-day plan and its forecast, from the store's
  schedule, the FSRS parameters in force and a daily time budget (the public entry point).
- :mod:`.costs` — how long a review and a new card take (your own answer times when known).
- :mod:`.request` — the interview's moment and the daily budget, checked as typed (CLI, app).
- :mod:`.chart` — the forecast as a text chart and as a PNG (matplotlib, imported lazily).

A plan writes nothing: studying it makes ordinary reviews, which update FSRS as always, and the
plan is recomputed from the new state next time. After the date nothing of it remains.
"""
