"""Fitting FSRS to the user's history: thresholds, the held-out judgement, events and replay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp import review
from quizapp.fitting import events as parameter_events
from quizapp.fitting import history
from quizapp.fitting.fit import (
    CONSTANT,
    DEFAULT,
    FITTED,
    default_parameters,
    optimize,
    predict,
    refits_due,
    thresholds,
)
from quizapp.fitting.metrics import auc, log_loss, rmse_bins
from quizapp.schedule import Settings
from quizapp.store import Store

from .conftest import NOW
from .synthetic_history import TRUE_PARAMETERS, simulate

START = NOW - timedelta(days=200)


def _schedule(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute("SELECT * FROM schedule ORDER BY card_id")]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Store:
    """2,000+ reviews from a learner with known FSRS-6 parameters (see synthetic_history)."""
    store = Store.memory()
    answers = simulate(store, tmp_path_factory.mktemp("deck"), START, days=150, cards=300, seed=1)
    assert answers >= 2000
    return store


def test_fit_on_synthetic_history_beats_defaults_and_matches_the_truth(synthetic):
    report = optimize(synthetic, NOW, adopt=False)
    assert report.better and not report.adopted and not report.partial
    held_out = report.scores
    assert held_out[FITTED].log_loss < held_out[DEFAULT].log_loss
    assert held_out[FITTED].log_loss < held_out[CONSTANT].log_loss
    # As good as the parameters that generated the data, on the same held-out reviews.
    data = history.load(synthetic)
    _, test = history.time_split(data.items, thresholds()["test_fraction"])
    test = [item for item in test if item.long_term]
    truth = log_loss(predict(TRUE_PARAMETERS, test), [i.recalled for i in test])
    assert abs(held_out[FITTED].log_loss - truth) < 0.005
    assert report.parameters != default_parameters()


def test_thirty_reviews_keep_the_defaults_and_say_why(tmp_path):
    store = Store.memory()
    simulate(store, tmp_path, START, days=30, cards=20, max_reviews=30)
    report = optimize(store, NOW)
    assert not report.adopted and report.parameters is None
    assert "30 review(s) is too few" in report.message
    assert "20 more review(s) needed" in report.message
    assert parameter_events.load(store) == []


def test_a_small_history_fits_only_the_first_four_parameters(tmp_path):
    store = Store.memory()
    simulate(store, tmp_path, START, days=25, cards=15, new_per_day=5, seed=3)
    data = history.load(store)
    assert data.reviews >= thresholds()["min_reviews"]
    assert data.long_term_items < thresholds()["min_items_full_fit"]
    report = optimize(store, NOW, adopt=False)
    assert report.partial
    if report.parameters is not None:
        assert report.parameters[4:] == default_parameters()[4:]
    assert report.scores  # judged on the held-out tail either way


def test_rebuild_after_optimize_reproduces_the_same_due_dates(tmp_path):
    store = Store.memory()
    folder = tmp_path / "deck"
    simulate(store, folder, START, days=150, cards=300, seed=1)
    fit_at = START + timedelta(days=150)
    report = optimize(store, fit_at)
    assert report.adopted
    # Study on with the fitted parameters, then rebuild from the log.
    moment = fit_at + timedelta(days=1)
    for _ in range(30):
        card = review.next_card(store, moment)
        if card is None:
            moment += timedelta(days=1)
            continue
        review.answer(store, card, 3, moment)
        moment += timedelta(minutes=1)
    live = _schedule(store)
    review.rebuild(store)
    assert _schedule(store) == live
    # ... and the event mattered: without it the same log schedules differently.
    store.conn.execute("DELETE FROM parameter_events")
    review.rebuild(store)
    assert _schedule(store) != live


def test_a_merged_store_replays_the_parameter_events(tmp_path):
    """Union of reviews and events (by id), then rebuild: both machines agree."""
    a = Store.open(tmp_path / "a.db")
    simulate(a, tmp_path / "deck", START, days=100, cards=150, seed=5)
    fitted = parameter_events.ParameterEvent(
        at=START + timedelta(days=50), parameters=TRUE_PARAMETERS
    )
    parameter_events.record(a, fitted)
    review.rebuild(a)
    review.answer(a, "f1", 3, START + timedelta(days=101))
    review.answer(a, "f2", 1, START + timedelta(days=101, minutes=1))
    b = Store.memory()
    from quizapp.sync import sync

    assert sync(b, [tmp_path / "deck"], START).ok
    for table in ("reviews", "undos", "parameter_events"):
        rows = [dict(r) for r in a.conn.execute(f"SELECT * FROM {table}")]
        for row in rows:
            cols = ", ".join(row)
            marks = ", ".join(f":{c}" for c in row)
            b.conn.execute(f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})", row)
    review.rebuild(b)
    columns = "card_id, state, step, stability, difficulty, due, last_review, reps, lapses"
    query = f"SELECT {columns} FROM schedule ORDER BY card_id"
    assert [tuple(r) for r in b.conn.execute(query)] == [tuple(r) for r in a.conn.execute(query)]


def test_settings_follow_the_latest_event_at_or_before_each_review():
    t0 = NOW
    fit = (1.0,) * 21
    other = (2.0,) * 21
    events = [
        parameter_events.ParameterEvent(at=t0, deck=None, parameters=fit),
        parameter_events.ParameterEvent(at=t0 + timedelta(days=2), deck="ml", retention=0.8),
        parameter_events.ParameterEvent(
            at=t0 + timedelta(days=3), deck="ml/deep", parameters=other
        ),
    ]
    lookup = parameter_events.settings_at(events, "ml/deep", 0.9)
    assert lookup(t0 - timedelta(seconds=1)) == Settings(0.9, None)
    assert lookup(t0) == Settings(0.9, fit)  # "at or before"
    assert lookup(t0 + timedelta(days=2)) == Settings(0.8, fit)  # retention alone changes
    assert lookup(t0 + timedelta(days=4)) == Settings(0.8, other)
    assert parameter_events.settings_at(events, "nlp", 0.85)(t0 + timedelta(days=9)) == Settings(
        0.85, fit
    )
    assert parameter_events.settings_at(events, "ml/deeper", 0.9)(t0 + timedelta(days=9)) == (
        Settings(0.8, fit)
    )


def test_refit_is_due_when_the_review_count_has_doubled(tmp_path):
    store = Store.memory()
    simulate(store, tmp_path, START, days=60, cards=100, seed=2)
    count = history.count_reviews(store)
    event = parameter_events.ParameterEvent(
        at=START, parameters=default_parameters(), reviews=count // 2 + 1
    )
    parameter_events.record(store, event)
    assert refits_due(store) == []
    review.answer(store, "f0", 3, NOW)
    review.answer(store, "f1", 3, NOW)
    assert refits_due(store) == [(None, count // 2 + 1, count + 2)]


def test_metrics_on_known_values():
    assert log_loss([0.5, 0.5], [True, False]) == pytest.approx(0.693147, abs=1e-6)
    assert auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    assert auc([0.3, 0.3], [True, False]) == 0.5
    assert rmse_bins([0.9, 0.9, 0.1], [True, False, False]) == pytest.approx(
        ((2 * 0.4**2 + 0.1**2) / 3) ** 0.5
    )


def test_a_fit_that_predicts_worse_is_not_adopted(synthetic, monkeypatch):
    """Whatever the optimiser returns, it must beat the defaults on the held-out tail."""
    from quizapp.fitting import fit

    worse = (5.0, 5.0, 5.0, 5.0, *default_parameters()[4:])  # forgets far too slowly at first
    monkeypatch.setattr(fit, "fit_parameters", lambda items, partial: worse)
    before = parameter_events.load(synthetic)
    report = optimize(synthetic, NOW)
    assert not report.adopted and not report.better
    assert "did not predict the latest" in report.message
    assert report.scores[FITTED].log_loss > report.scores[DEFAULT].log_loss
    assert parameter_events.load(synthetic) == before


def test_a_partial_fit_changes_only_the_first_four_parameters(synthetic):
    from quizapp.fitting.fit import fit_parameters

    items = list(history.load(synthetic).items)
    defaults = default_parameters()
    partial = fit_parameters(items, partial=True)
    full = fit_parameters(items, partial=False)
    assert partial[4:] == defaults[4:] and partial[:4] == full[:4]
    assert full[4:] != defaults[4:]


def test_a_due_refit_fits_without_writing_then_records_once(tmp_path):
    """The app fits in a worker (fit_due) and records on its own thread (record)."""
    from quizapp.fitting import refit

    store = Store.memory()
    simulate(store, tmp_path, START, days=150, cards=300, seed=1)
    count = history.count_reviews(store)
    first = parameter_events.ParameterEvent(
        at=START, parameters=default_parameters(), reviews=count // 2
    )
    parameter_events.record(store, first)
    (due,) = refit.fit_due(store, NOW)
    assert parameter_events.load(store) == [first]  # fitting wrote nothing
    assert (due.deck, due.then, due.count) == (None, count // 2, count)
    assert due.reason == f"all decks has {count} reviews, twice the {count // 2} of its last fit"
    assert due.report.better and due.outcome.startswith("Adopted parameters fitted on")
    assert refit.record(store, due, NOW)
    assert parameter_events.load(store)[-1] == due.report.event
    assert not refit.record(store, due, NOW)  # no longer due: nothing written twice
    assert len(parameter_events.load(store)) == 2
    assert refit.fit_due(store, NOW) == []
