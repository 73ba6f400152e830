"""Numbers about the user's studying, computed from the store; the UIs only format them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from quizapp.clock import day_start, iso, parse_iso
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_OFF, QUEUE_REVIEW, Store

LIVE_REVIEWS = "mode = 'review' AND id NOT IN (SELECT review_id FROM undos)"


@dataclass(frozen=True)
class Summary:
    cards: int
    new: int
    learning: int
    review: int
    off: int
    reviews_total: int
    reviews_today: int
    streak_days: int
    retention_30d: float | None  # share of review-state recalls (rating > 1) in the last 30 days
    next_due: datetime | None
    quiz_scores: tuple[tuple[str, float], ...]  # (finished_at, score) of the latest quizzes


def study_days(store: Store, now: datetime) -> list[datetime]:
    """Start of each study day with at least one live review, newest first."""
    days: set[datetime] = set()
    for (stamp,) in store.conn.execute(f"SELECT reviewed_at FROM reviews WHERE {LIVE_REVIEWS}"):
        days.add(day_start(parse_iso(stamp)))
    return sorted(days, reverse=True)


def streak(store: Store, now: datetime) -> int:
    """Consecutive study days with reviews, ending today (or yesterday, if today is not done)."""
    days = study_days(store, now)
    today = day_start(now)
    expected = today if days and days[0] == today else today - timedelta(days=1)
    count = 0
    for day in days:
        if abs((day - expected).total_seconds()) > 7200:  # tolerate DST shifts
            break
        count += 1
        expected = day_start(expected - timedelta(hours=12))
    return count


def summary(store: Store, now: datetime) -> Summary:
    conn = store.conn
    queues = dict(conn.execute("SELECT queue, COUNT(*) FROM schedule GROUP BY queue").fetchall())
    total = conn.execute(f"SELECT COUNT(*) FROM reviews WHERE {LIVE_REVIEWS}").fetchone()[0]
    today = conn.execute(
        f"SELECT COUNT(*) FROM reviews WHERE {LIVE_REVIEWS} AND reviewed_at >= ?",
        (iso(day_start(now)),),
    ).fetchone()[0]
    recalled, asked = conn.execute(
        f"""SELECT SUM(r.rating > 1), COUNT(*) FROM reviews r
            WHERE r.{LIVE_REVIEWS.replace("id NOT", "r.id NOT")} AND r.reviewed_at >= ?
            AND EXISTS (SELECT 1 FROM reviews p WHERE p.card_id = r.card_id
                        AND p.mode = 'review' AND p.reviewed_at < datetime(r.reviewed_at, '-1 day'))
        """,
        (iso(now - timedelta(days=30)),),
    ).fetchone()
    next_due = conn.execute(
        "SELECT MIN(due) FROM schedule WHERE queue IN (?, ?) AND due > ?",
        (QUEUE_LEARNING, QUEUE_REVIEW, iso(now)),
    ).fetchone()[0]
    quizzes = conn.execute(
        "SELECT finished_at, score FROM quizzes WHERE finished_at IS NOT NULL "
        "ORDER BY finished_at DESC LIMIT 10"
    ).fetchall()
    return Summary(
        cards=sum(queues.values()),
        new=queues.get(QUEUE_NEW, 0),
        learning=queues.get(QUEUE_LEARNING, 0),
        review=queues.get(QUEUE_REVIEW, 0),
        off=queues.get(QUEUE_OFF, 0),
        reviews_total=total,
        reviews_today=today,
        streak_days=streak(store, now),
        retention_30d=(recalled / asked) if asked else None,
        next_due=parse_iso(next_due) if next_due else None,
        quiz_scores=tuple((q[0], q[1]) for q in reversed(quizzes)),
    )


def summary_text(store: Store, now: datetime) -> str:
    s = summary(store, now)
    retention = (
        f"{s.retention_30d:.0%}" if s.retention_30d is not None else "not enough reviews yet"
    )
    next_due = (
        s.next_due.astimezone().strftime("%Y-%m-%d %H:%M") if s.next_due else "nothing scheduled"
    )
    lines = [
        f"cards        {s.cards} ({s.new} new, {s.learning} learning, {s.review} in review, "
        f"{s.off} suspended or retired)",
        f"reviews      {s.reviews_today} today, {s.reviews_total} in all",
        f"streak       {s.streak_days} day(s)",
        f"retention    {retention} (last 30 days, cards seen more than a day before)",
        f"next due     {next_due}",
    ]
    if s.quiz_scores:
        trend = "  ".join(f"{score:.0%}" for _, score in s.quiz_scores)
        lines.append(f"quiz scores  {trend} (oldest to newest)")
    return "\n".join(lines)
