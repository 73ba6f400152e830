"""Mock interviews: N questions drawn regardless of the schedule, answered, scored, reported.

A quiz is stored as a ``quizzes`` row plus one ``reviews`` row per answer with ``mode='quiz'``.
Documented choice: quiz answers do **not** change the schedule. A mock interview asks cards out of
their spacing on purpose; letting those answers reschedule cards would push reviews early or late
for reasons that have nothing to do with memory. The report is computed from the stored rows, so
what the user sees is what was saved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from quizapp.cards import Card, CardType
from quizapp.clock import iso, parse_iso
from quizapp.grading import Grade
from quizapp.review import answer, deck_clause, get_card
from quizapp.schedule import new_review_id
from quizapp.store import Store

GRADABLE = tuple(t.value for t in CardType if t is not CardType.BASIC)  # typed answers


@dataclass(frozen=True)
class QuestionResult:
    card_id: str
    prompt: str
    answered: bool
    score: float
    missed: tuple[str, ...]
    seconds: float
    typed: str


@dataclass(frozen=True)
class QuizReport:
    quiz_id: str
    deck: str | None
    started_at: datetime
    finished_at: datetime | None
    results: tuple[QuestionResult, ...]
    score: float  # mean over all questions asked; an unanswered question counts 0
    previous: float | None  # the score of the previous finished quiz of the same deck

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.score - self.previous


def draw_questions(
    store: Store, n: int, *, deck: str | None = None, seed: int | None = None
) -> list[str]:
    """Pick ``n`` live cards at random: open questions first, then cloze and choice to fill up.

    Basic cards are left out: they are self-graded and a mock interview needs a score.
    """
    deck_sql, deck_args = deck_clause(deck)
    rows = store.conn.execute(
        f"SELECT id, type FROM cards WHERE retired = 0 AND suspended = 0"
        f" AND type IN ({','.join('?' * len(GRADABLE))}){deck_sql} ORDER BY id",
        [*GRADABLE, *deck_args],
    ).fetchall()
    rng = random.Random(seed)
    open_ids = [r["id"] for r in rows if r["type"] == CardType.OPEN.value]
    others = [r["id"] for r in rows if r["type"] != CardType.OPEN.value]
    rng.shuffle(open_ids)
    rng.shuffle(others)
    return (open_ids + others)[:n]


def start(store: Store, card_ids: list[str], now: datetime, *, deck: str | None = None) -> str:
    """Open a quiz over ``card_ids``; returns its id."""
    quiz_id = new_review_id()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO quizzes (id, deck, started_at, questions) VALUES (?, ?, ?, ?)",
            (quiz_id, deck, iso(now), len(card_ids)),
        )
    return quiz_id


def record(
    store: Store,
    quiz_id: str,
    card: Card,
    typed: str,
    verdict: Grade,
    now: datetime,
    *,
    seconds: float,
) -> None:
    """Save one quiz answer (committed before the next question is asked)."""
    value = verdict.value if verdict.value is not None else 0.0
    answer(
        store,
        card.id,
        verdict.suggested_rating or 1,
        now,
        typed=typed,
        score=value,
        duration_ms=int(seconds * 1000),
        mode="quiz",
        quiz_id=quiz_id,
    )


def finish(store: Store, quiz_id: str, now: datetime, card_ids: list[str]) -> QuizReport:
    """Close the quiz, store its total, and return the report built from the stored rows."""
    report = build_report(store, quiz_id, card_ids)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE quizzes SET finished_at = ?, score = ? WHERE id = ?",
            (iso(now), report.score, quiz_id),
        )
    return build_report(store, quiz_id, card_ids)


def build_report(store: Store, quiz_id: str, card_ids: list[str]) -> QuizReport:
    """The report of a quiz from its stored rows; ``card_ids`` gives the order and the misses."""
    from quizapp.grading import grade

    quiz = store.conn.execute("SELECT * FROM quizzes WHERE id = ?", (quiz_id,)).fetchone()
    if quiz is None:
        raise KeyError(quiz_id)
    rows = {
        r["card_id"]: r
        for r in store.conn.execute(
            "SELECT card_id, answer, score, duration_ms FROM reviews WHERE quiz_id = ?",
            (quiz_id,),
        )
    }
    results = []
    for card_id in card_ids:
        card = get_card(store, card_id)
        row = rows.get(card_id)
        if row is None:  # time ran out or the user stopped before this question
            results.append(QuestionResult(card_id, card.prompt, False, 0.0, (), 0.0, ""))
            continue
        missed = tuple(p.text for p in grade(card, row["answer"]).missed)
        results.append(
            QuestionResult(
                card_id,
                card.prompt,
                True,
                float(row["score"] or 0.0),
                missed,
                (row["duration_ms"] or 0) / 1000,
                row["answer"],
            )
        )
    total = sum(r.score for r in results) / len(results) if results else 0.0
    previous = store.conn.execute(
        "SELECT score FROM quizzes WHERE deck IS ? AND finished_at IS NOT NULL AND id != ?"
        " AND started_at < ? ORDER BY started_at DESC LIMIT 1",
        (quiz["deck"], quiz_id, quiz["started_at"]),
    ).fetchone()
    return QuizReport(
        quiz_id=quiz_id,
        deck=quiz["deck"],
        started_at=parse_iso(quiz["started_at"]),
        finished_at=parse_iso(quiz["finished_at"]) if quiz["finished_at"] else None,
        results=tuple(results),
        score=total,
        previous=float(previous[0]) if previous and previous[0] is not None else None,
    )
