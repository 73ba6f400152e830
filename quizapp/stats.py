"""Numbers about the user's studying, computed from the store; the UIs only format them.

Everything is read from the review log and the schedule, never from the UIs, so the terminal screen,
the PNG export and ``quizapp stats`` show the same numbers. Days are *study days*: local days that
start at 04:00 (see :func:`quizapp.clock.day_start`), so a late-night session counts for the evening
it began. Only live review-mode answers count as reviews: undone answers (listed in ``undos``) are
history, not studying, and quiz answers leave the schedule alone, so they have their own trend.

Timestamps are fixed-width ISO text, so day boundaries are turned into the same text once and the
counting is done by comparing strings (``bisect`` over sorted stamps), not by parsing every row.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from quizapp.clock import day_start, iso, parse_iso, study_date, study_day_start
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_OFF, QUEUE_REVIEW, Store
from quizapp.wording import plural

if TYPE_CHECKING:
    from quizapp.forecast import Forecast

LIVE_REVIEWS = "mode = 'review' AND id NOT IN (SELECT review_id FROM undos)"

# Elapsed-day ranges for true retention, inclusive; ``None`` means open-ended.
INTERVALS: tuple[tuple[str, int, int | None], ...] = (
    ("1d", 1, 1),
    ("2-3d", 2, 3),
    ("4-7d", 4, 7),
    ("8-14d", 8, 14),
    ("15-30d", 15, 30),
    ("31-90d", 31, 90),
    (">90d", 91, None),
)
MS_PER_DAY = 86_400_000
RECENT_DAYS = 90  # windows up to this long use the per-review lookup in retention_by_interval


@dataclass(frozen=True)
class Bucket:
    """Recall of review-state cards last reviewed ``lo_days`` to ``hi_days`` days before."""

    label: str
    lo_days: int
    hi_days: int | None  # None: no upper bound
    recalled: int  # answers rated Hard, Good or Easy
    total: int

    @property
    def rate(self) -> float | None:
        return self.recalled / self.total if self.total else None


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
    retention_30d: float | None  # true retention (see retention_by_interval), last 30 days
    next_due: datetime | None
    quiz_scores: tuple[tuple[str, float], ...]  # (finished_at, score) of the latest quizzes


@dataclass(frozen=True)
class StatsSnapshot:
    """Every series the stats screen and the PNG export draw, read at one ``now``.

    Plain values only: a snapshot is read on the thread that owns the store and can then be handed
    to a worker thread for the slow matplotlib work, which never sees the database.
    """

    now: datetime
    reviews_per_day: tuple[tuple[date, int], ...]
    workload: Forecast  # expected answers per day, next 30 days (quizapp.forecast)
    retention: tuple[Bucket, ...]
    quiz_trend: tuple[tuple[datetime, float], ...]
    streak_days: int

    @property
    def reviews_today(self) -> int:
        return self.reviews_per_day[-1][1] if self.reviews_per_day else 0

    @property
    def true_retention(self) -> float | None:
        return pooled_rate(self.retention)


def _bounds(first: date, days: int) -> list[str]:
    """ISO starts of ``days`` consecutive study days from ``first``, plus the end of the last."""
    return [iso(study_day_start(first + timedelta(days=i))) for i in range(days + 1)]


def _count_by_day(stamps: Sequence[str], first: date, bounds: list[str]) -> list[tuple[date, int]]:
    """How many of the sorted ``stamps`` fall in each day delimited by ``bounds``."""
    edges = [bisect_left(stamps, bound) for bound in bounds]
    return [(first + timedelta(days=i), edges[i + 1] - edges[i]) for i in range(len(bounds) - 1)]


def _live_reviews_by_day(store: Store, first: date, days: int) -> list[tuple[date, int]]:
    """Live reviews on each of ``days`` study days from ``first``.

    Counting every review of a day is an index-only range count; the few that do not count
    (quiz answers, undone answers) are then found and subtracted. Reading every stamp into
    Python instead costs several times more with a year of reviews.
    """
    bounds = _bounds(first, days)
    conn = store.conn
    totals = [
        conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?",
            (bounds[i], bounds[i + 1]),
        ).fetchone()[0]
        for i in range(days)
    ]
    # Over a long range most of the log is in it, and one scan of the table beats a lookup per
    # review through the time index; ``+reviewed_at`` keeps the planner off that index.
    scan = "+" if days > 62 else ""
    excluded = sorted(
        row[0]
        for row in conn.execute(
            f"SELECT reviewed_at FROM reviews WHERE mode != 'review'"
            f" AND {scan}reviewed_at >= ? AND {scan}reviewed_at < ?"
            " UNION ALL "
            "SELECT r.reviewed_at FROM undos u CROSS JOIN reviews r ON r.id = u.review_id"
            " WHERE r.mode = 'review' AND r.reviewed_at >= ? AND r.reviewed_at < ?",
            (bounds[0], bounds[-1], bounds[0], bounds[-1]),
        )
    )
    return [
        (day, total - skipped)
        for total, (day, skipped) in zip(
            totals, _count_by_day(excluded, first, bounds), strict=True
        )
    ]


def reviews_per_day(store: Store, now: datetime, days: int = 365) -> list[tuple[date, int]]:
    """Live reviews on each of the last ``days`` study days, oldest first, ending with today.

    Days without reviews are included with a count of 0, so the list is ready for a calendar.
    """
    today = study_date(now)
    return _live_reviews_by_day(store, today - timedelta(days=days - 1), days)


def due_forecast(store: Store, now: datetime, days: int = 30) -> list[tuple[date, int]]:
    """Review and learning cards falling due on each of the next ``days`` study days.

    Day 0 is today and also holds everything overdue, which is what today's session will face.
    A buried card counts on the day it comes back; new, suspended and retired cards never count.
    """
    today = study_date(now)
    bounds = _bounds(today, days)
    stamps = [
        row[0]
        for row in store.conn.execute(
            "SELECT shown FROM (SELECT MAX(due, COALESCE(buried_until, due)) AS shown"
            " FROM schedule WHERE queue IN (?, ?)) WHERE shown < ? ORDER BY shown",
            (QUEUE_LEARNING, QUEUE_REVIEW, bounds[-1]),
        )
    ]
    bounds[0] = ""  # every stamp sorts after "", so overdue cards land on day 0
    return _count_by_day(stamps, today, bounds)


def retention_by_interval(store: Store, now: datetime, *, days: int | None = None) -> list[Bucket]:
    """True retention: the share of review-state answers that were recalled, by elapsed interval.

    A review is in the Review state when the card was last seen at least a day before. The log
    does not record the fsrs state a card was in, and replaying fsrs for every card is too slow
    for a stats screen, so the state is derived from the log:

    - a card's first live review is of a new card and never counts;
    - a review less than a day after the previous live one is a (re)learning step and does not
      count;
    - every other review counts, bucketed by the whole days since the previous live review, and is
      recalled when rated above Again.

    The approximation errs in one case: a learning card whose short step was left waiting for a
    day or more counts as a review (it was a real test of recall after a day, so the figure is
    still meaningful). Quiz answers and undone answers are ignored. With ``days``, only reviews in
    the last ``days`` days before ``now`` count; reviews after ``now`` never do. Answers with equal
    timestamps (a clock reset) are ordered by insertion, in both query plans below.
    """
    low = iso(now - timedelta(days=days)) if days is not None else ""
    if days is not None and days <= RECENT_DAYS:
        # A recent window holds few reviews: find each one's predecessor through the
        # (card_id, reviewed_at) index instead of ordering the whole log.
        gaps = f"""
            SELECT r.reviewed_at, r.rating,
                   (SELECT MAX(p.reviewed_at) FROM reviews p
                    WHERE p.card_id = r.card_id AND (p.reviewed_at < r.reviewed_at
                         OR (p.reviewed_at = r.reviewed_at AND p.rowid < r.rowid))
                    AND p.{LIVE_REVIEWS.replace("id NOT", "p.id NOT")}) AS prev
            FROM reviews r
            WHERE r.reviewed_at >= :low AND r.reviewed_at <= :high
            AND r.{LIVE_REVIEWS.replace("id NOT", "r.id NOT")}
        """
    else:
        # The whole log: one pass in (card_id, reviewed_at) index order.
        gaps = f"""
            SELECT * FROM (
                SELECT reviewed_at, rating,
                       LAG(reviewed_at) OVER (
                           PARTITION BY card_id ORDER BY reviewed_at, rowid) AS prev
                FROM reviews WHERE {LIVE_REVIEWS}
            ) WHERE reviewed_at >= :low AND reviewed_at <= :high
        """
    rows = store.conn.execute(
        f"""
        WITH gaps AS ({gaps}),
        elapsed AS (
            SELECT CAST((julianday(reviewed_at) - julianday(prev)) * {MS_PER_DAY} + 0.5
                        AS INTEGER) / {MS_PER_DAY} AS days, rating
            FROM gaps WHERE prev IS NOT NULL
        )
        SELECT days, SUM(rating > 1), COUNT(*) FROM elapsed WHERE days >= 1 GROUP BY days
        """,
        {"low": low, "high": iso(now)},
    ).fetchall()
    recalled = [0] * len(INTERVALS)
    total = [0] * len(INTERVALS)
    for elapsed, ok, count in rows:
        index = _bucket_index(elapsed)
        recalled[index] += ok
        total[index] += count
    return [
        Bucket(label, lo, hi, recalled[i], total[i]) for i, (label, lo, hi) in enumerate(INTERVALS)
    ]


def _bucket_index(elapsed_days: int) -> int:
    for index, (_, lo, hi) in enumerate(INTERVALS):
        if elapsed_days >= lo and (hi is None or elapsed_days <= hi):
            return index
    raise ValueError(f"no interval bucket for {elapsed_days} day(s)")


def pooled_rate(buckets: Sequence[Bucket]) -> float | None:
    """Retention over all the buckets together (recalled / total), or None with no reviews."""
    total = sum(b.total for b in buckets)
    return sum(b.recalled for b in buckets) / total if total else None


def quiz_trend(store: Store, deck: str | None = None) -> list[tuple[datetime, float]]:
    """(finished_at, score) of every finished quiz, oldest first.

    With ``deck``, only quizzes on that deck or a deck nested under it (``ml`` covers
    ``ml/basics``); quizzes drawn from all decks are left out then.
    """
    sql = (
        "SELECT finished_at, score FROM quizzes WHERE finished_at IS NOT NULL AND score IS NOT NULL"
    )
    args: list[object] = []
    if deck is not None:
        prefix = deck.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
        sql += " AND (deck = ? OR deck LIKE ? ESCAPE '\\')"
        args += [deck, prefix]
    rows = store.conn.execute(sql + " ORDER BY finished_at, id", args)
    return [(parse_iso(finished), float(score)) for finished, score in rows]


def snapshot(store: Store, now: datetime) -> StatsSnapshot:
    """Read every chart's data at once, for a screen or an export: a few indexed queries, and
    the workload forecast, which plays the cards due within 30 days forward with FSRS."""
    from quizapp.forecast import workload_forecast

    per_day = reviews_per_day(store, now)
    return StatsSnapshot(
        now=now,
        reviews_per_day=tuple(per_day),
        workload=workload_forecast(store, now),
        retention=tuple(retention_by_interval(store, now)),
        quiz_trend=tuple(quiz_trend(store)),
        streak_days=_streak(store, now, per_day),
    )


def streak(store: Store, now: datetime) -> int:
    """Consecutive study days with reviews, ending today (or yesterday, if today is not done)."""
    return _streak(
        store, now, _live_reviews_by_day(store, study_date(now) - timedelta(days=31), 32)
    )


def _streak(store: Store, now: datetime, recent: Sequence[tuple[date, int]]) -> int:
    """The streak, given the review counts of the last few days (a snapshot already has a year).

    Older days are read only while the streak goes on, a year at a time.
    """
    days = list(recent)
    if days and days[-1][0] == study_date(now) and days[-1][1] == 0:
        days.pop()  # today is not studied yet: the streak may still end yesterday
    count = 0
    while days:
        for _, reviews in reversed(days):
            if not reviews:
                return count
            count += 1
        first = days[0][0]
        if not store.conn.execute(
            f"SELECT 1 FROM reviews WHERE {LIVE_REVIEWS} AND reviewed_at < ? LIMIT 1",
            (iso(study_day_start(first)),),
        ).fetchone():
            break
        days = _live_reviews_by_day(store, first - timedelta(days=366), 366)
    return count


@dataclass(frozen=True)
class Today:
    """The home screen's line: answers today, the streak, and when the next card falls due."""

    reviews_today: int
    streak_days: int
    next_due: datetime | None


def today(store: Store, now: datetime) -> Today:
    """Only what the home screen shows, a few indexed queries; no retention pass over the log."""
    conn = store.conn
    answered = conn.execute(
        f"SELECT COUNT(*) FROM reviews WHERE {LIVE_REVIEWS} AND reviewed_at >= ?"
        " AND reviewed_at <= ?",  # rows from a clock that ran ahead are not today's
        (iso(day_start(now)), iso(now)),
    ).fetchone()[0]
    next_due = conn.execute(
        "SELECT MIN(due) FROM schedule WHERE queue IN (?, ?) AND due > ?",
        (QUEUE_LEARNING, QUEUE_REVIEW, iso(now)),
    ).fetchone()[0]
    return Today(answered, streak(store, now), parse_iso(next_due) if next_due else None)


def summary(store: Store, now: datetime) -> Summary:
    conn = store.conn
    queues = dict(conn.execute("SELECT queue, COUNT(*) FROM schedule GROUP BY queue").fetchall())
    total = conn.execute(f"SELECT COUNT(*) FROM reviews WHERE {LIVE_REVIEWS}").fetchone()[0]
    line = today(store, now)
    quizzes = conn.execute(
        "SELECT finished_at, score FROM quizzes WHERE finished_at IS NOT NULL "
        "AND score IS NOT NULL ORDER BY finished_at DESC LIMIT 10"
    ).fetchall()
    return Summary(
        cards=sum(queues.values()),
        new=queues.get(QUEUE_NEW, 0),
        learning=queues.get(QUEUE_LEARNING, 0),
        review=queues.get(QUEUE_REVIEW, 0),
        off=queues.get(QUEUE_OFF, 0),
        reviews_total=total,
        reviews_today=line.reviews_today,
        streak_days=line.streak_days,
        retention_30d=pooled_rate(retention_by_interval(store, now, days=30)),
        next_due=line.next_due,
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
        f"streak       {plural(s.streak_days, 'day')}",
        f"retention    {retention} (last 30 days, cards last seen a day or more before)",
        f"next due     {next_due}",
    ]
    if s.quiz_scores:
        trend = "  ".join(f"{score:.0%}" for _, score in s.quiz_scores)
        lines.append(f"quiz scores  {trend} (oldest to newest)")
    lines.append(f"scorer       {scorer_agreement_text(store, now)}")
    return "\n".join(lines)


def scorer_agreement_text(store: Store, now: datetime) -> str:
    """How often the scorer's key-point verdicts stood after the user's corrections (30 days)."""
    from quizapp.corrections import agreement

    agreed = agreement(store, now)
    if agreed.rate is None:
        return "no scored answers in the last 30 days"
    return (
        f"you kept {agreed.rate:.0%} of its {agreed.points} key-point verdicts "
        f"(corrected {agreed.corrected} of {agreed.reviews} answers, last 30 days)"
    )
