"""A review session as a user lives it: the card on screen, skips, undo; and the browser's rows.

The store functions in :mod:`quizapp.review` answer one question each (what is due, record this
answer). A session adds what only makes sense while someone sits at the keyboard: cards skipped
until the session ends, a stack of answers that ``undo`` takes back in order, how long the card
was on screen. Keeping it here, free of any UI import, lets the terminal app stay a thin
presenter and lets tests drive a whole session without a terminal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from quizapp import review
from quizapp.cards import Card
from quizapp.clock import iso, parse_iso
from quizapp.grading import Grade, choice_order, grade
from quizapp.schedule import CardState, format_interval, preview_intervals
from quizapp.store import QUEUE_LEARNING, QUEUE_NEW, QUEUE_OFF, QUEUE_REVIEW, Store
from quizapp.terminal_text import printable

QUEUE_NAMES = {
    QUEUE_LEARNING: "learning",
    QUEUE_REVIEW: "review",
    QUEUE_NEW: "new",
    QUEUE_OFF: "off",
}
GOOD = 3


@dataclass(frozen=True)
class Remaining:
    """What is left today in the session's decks, split the way Anki shows it."""

    new: int
    learning: int
    due: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


@dataclass(frozen=True)
class Verdict:
    """What the reveal shows: the grade, the rating to preselect and each rating's next interval.

    ``scorer_error`` is set when the answer could not be scored (the scorer failed to import or
    raised); the user then rates themselves, and the message says why no score is shown.
    """

    grade: Grade
    suggested: int
    intervals: dict[int, str]
    scorer_error: str = ""


@dataclass
class ReviewSession:
    """One sitting of reviews over ``deck`` (all decks when ``None``).

    ``clock`` gives the scheduling time (tests pass a fixed one); ``timer`` measures how long a
    card was on screen, which is wall time whatever the scheduling clock says.
    """

    store: Store
    clock: Callable[[], datetime]
    deck: str | None = None
    timer: Callable[[], float] = time.monotonic
    skipped: set[str] = field(default_factory=set)
    answers: list[review.Answered] = field(default_factory=list)
    current: Card | None = None
    state: CardState | None = None
    shown_at: float = 0.0

    def next(self) -> Card | None:
        """Load and return the next card to show, or ``None`` when the day's work is done."""
        card_id = review.next_card(self.store, self.clock(), deck=self.deck, exclude=self.skipped)
        if card_id is None:
            self.current = self.state = None
            return None
        return self.show(card_id)

    def peek(self, count: int = 1) -> list[Card]:
        """The next ``count`` cards after the current one, if it does not come straight back
        (it will not unless it is the last due): the app prepares their inputs ahead."""
        exclude = self.skipped | ({self.current.id} if self.current else set())
        cards: list[Card] = []
        now = self.clock()
        while len(cards) < count:
            card_id = review.next_card(self.store, now, deck=self.deck, exclude=exclude)
            if card_id is None:
                break
            cards.append(review.get_card(self.store, card_id))
            exclude = exclude | {card_id}
        return cards

    def show(self, card_id: str) -> Card:
        """Make ``card_id`` the current card (re-read from the store, so edits show)."""
        self.current = review.get_card(self.store, card_id)
        self.state = review.get_state(self.store, card_id)
        self.shown_at = self.timer()
        return self.current

    def choice_order(self) -> list[int]:
        """The order the current choice card's options are shown in: shuffled per review (by
        its review count), the same again after an undo or an edit of this review."""
        card, state = self._require()
        return choice_order(card, state.reps)

    def reload(self) -> Card | None:
        """Re-read the current card after its deck was edited; ``None`` if it left the deck."""
        if self.current is None:
            return None
        card_id = self.current.id
        row = self.store.conn.execute(
            "SELECT c.retired, c.suspended FROM cards c WHERE c.id = ?", (card_id,)
        ).fetchone()
        if row is None or row["retired"] or row["suspended"]:
            self.current = self.state = None
            return None
        return self.show(card_id)

    def remaining(self) -> Remaining:
        counts = [
            c
            for c in review.deck_counts(self.store, self.clock())
            if review.in_deck(c.deck, self.deck)
        ]
        return Remaining(
            new=sum(c.new for c in counts),
            learning=sum(c.learning for c in counts),
            due=sum(c.due for c in counts),
        )

    def judge(self, typed: str) -> Verdict:
        """Grade the typed answer and preview each rating's interval for the current card."""
        card, _ = self._require()
        verdict, scorer_error = safe_grade(card, typed)
        return self.verdict(verdict, scorer_error, self.intervals())

    def intervals(self) -> dict[int, str]:
        """Each rating's next interval for the current card (reads the store: main thread)."""
        card, state = self._require()
        now = self.clock()
        settings = review.settings_of(self.store, card.deck, now)
        return {
            rating: format_interval(delta)
            for rating, delta in preview_intervals(
                state, now, settings.retention, settings.parameters
            ).items()
        }

    @staticmethod
    def verdict(verdict: Grade, scorer_error: str, intervals: dict[int, str]) -> Verdict:
        """What the reveal shows, from a grade (perhaps computed in another thread)."""
        return Verdict(verdict, verdict.suggested_rating or GOOD, intervals, scorer_error)

    def rate(
        self,
        rating: int,
        typed: str = "",
        score: float | None = None,
        grading: Grade | None = None,
        confidence: int | None = None,
    ) -> review.Answered:
        """Record the answer to the current card; it is durable when this returns.

        ``grading`` (the verdict shown, with any points the user corrected) is stored with the
        review, and its value is the score unless ``score`` is given. ``confidence`` is how sure
        the user said they were before the reveal (1-3), if they did.
        """
        if grading is not None and score is None:
            score = grading.value
        card, _ = self._require()
        duration_ms = max(int((self.timer() - self.shown_at) * 1000), 0)
        answered = review.answer(
            self.store,
            card.id,
            rating,
            self.clock(),
            typed=typed,
            score=score,
            duration_ms=duration_ms,
            grading=grading.record() if grading is not None and grading.points else None,
            confidence=confidence,
        )
        self.answers.append(answered)
        self.current = self.state = None
        return answered

    def can_undo(self) -> bool:
        return bool(self.answers)

    def undo(self) -> Card | None:
        """Take back the latest answer of this session and make its card current again."""
        if not self.answers:
            return None
        last = self.answers.pop()
        review.undo(self.store, last.review_id, self.clock())
        self.skipped.discard(last.card_id)
        return self.show(last.card_id)

    def skip(self) -> None:
        """Leave the current card for the rest of this session; its schedule is unchanged."""
        card, _ = self._require()
        self.skipped.add(card.id)
        self.current = self.state = None

    def bury(self) -> None:
        """Hide the current card until the next study day."""
        card, _ = self._require()
        review.bury(self.store, card.id, self.clock())
        self.current = self.state = None

    def suspend(self) -> None:
        """Take the current card off every queue until it is unsuspended in the browser."""
        card, _ = self._require()
        review.set_suspended(self.store, card.id, True)
        self.current = self.state = None

    def reviews_of_current(self) -> int:
        """Live reviews the current card has (shown after an edit: the history survived)."""
        card, _ = self._require()
        reviews = review.history(self.store, card.id)
        return sum(1 for r in reviews if r["mode"] == "review" and not r["undone"])

    def _require(self) -> tuple[Card, CardState]:
        if self.current is None or self.state is None:
            raise RuntimeError("no card is being shown")
        return self.current, self.state


def safe_grade(card: Card, typed: str) -> tuple[Grade, str]:
    """:func:`quizapp.grading.grade`, with a scorer failure turned into a message.

    Pure (no store), so the terminal app runs it in a thread worker: the sentence model the
    scorer may load takes longer than a frame. A broken scorer must not end the review: the
    user then rates by hand, and the message says why no score is shown.
    """
    try:
        return grade(card, typed), ""
    except Exception as exc:
        return Grade(None, None), f"no score: the scorer failed ({type(exc).__name__}: {exc})"


@dataclass(frozen=True)
class CardRow:
    """One line of the card browser: a card with its schedule and its latest score."""

    id: str
    deck: str
    type: str
    prompt: str
    queue: int
    due: datetime | None
    stability: float | None
    difficulty: float | None
    lapses: int
    reps: int
    last_score: float | None
    suspended: bool
    tags: str
    buried: bool = False
    #: Lower-cased deck, prompt, answer, id and tags: what a search word is looked for in.
    search_text: str = ""

    @property
    def status(self) -> str:
        if self.suspended:
            return "suspended"
        if self.buried:
            return "buried"
        return QUEUE_NAMES.get(self.queue, "")


STATUSES = ("new", "learning", "review", "suspended", "buried")
TYPES = ("open", "basic", "cloze", "choice")
FILTERS = ("is", "type", "deck", "tag")


def card_rows(store: Store, now: datetime | None = None) -> list[CardRow]:
    """Every live (not retired) card with its schedule, for the browser; one query.

    A card buried until after ``now`` has the status ``buried`` (without ``now``, none is).
    """
    buried_after = iso(now) if now is not None else "9999"
    rows = store.conn.execute(
        """
        SELECT c.id, c.deck, c.type, c.prompt, c.answer, c.suspended, c.tags,
               s.queue, s.due, s.stability, s.difficulty, s.lapses, s.reps,
               s.buried_until > ? AS buried,
               (SELECT r.score FROM reviews r
                 WHERE r.card_id = c.id AND r.mode = 'review'
                   AND r.id NOT IN (SELECT review_id FROM undos)
                 ORDER BY r.reviewed_at DESC, r.id DESC LIMIT 1) AS last_score
        FROM cards c JOIN schedule s ON s.card_id = c.id
        WHERE c.retired = 0
        ORDER BY c.deck, s.position
        """,
        (buried_after,),
    ).fetchall()
    out = []
    for r in rows:
        tags = printable(" ".join(_json_list(r["tags"])))
        out.append(
            CardRow(
                id=r["id"],
                deck=printable(r["deck"]),
                type=r["type"],
                prompt=printable(r["prompt"]),
                queue=r["queue"],
                due=parse_iso(r["due"]) if r["reps"] else None,
                stability=r["stability"],
                difficulty=r["difficulty"],
                lapses=r["lapses"],
                reps=r["reps"],
                last_score=r["last_score"],
                suspended=bool(r["suspended"]),
                tags=tags,
                buried=bool(r["buried"]),
                search_text=f"{r['deck']} {r['prompt']} {r['answer']} {r['id']} {tags}".lower(),
            )
        )
    return out


def _json_list(text: str) -> list[str]:
    value = json.loads(text or "[]")
    return [str(v) for v in value] if isinstance(value, list) else []


def search_problems(query: str) -> list[str]:
    """What in a browser search cannot match anything, said so instead of showing 0 rows."""
    problems = []
    for word in query.lower().split():
        name, colon, value = word.partition(":")
        if not colon or not name.isalpha():
            continue
        if name not in FILTERS:
            problems.append(f"unknown filter '{name}:' (use {', '.join(f + ':' for f in FILTERS)})")
        elif name == "is" and value not in STATUSES:
            problems.append(f"unknown 'is:{value}' (use is:{'|'.join(STATUSES)})")
        elif name == "type" and value not in TYPES:
            problems.append(f"unknown 'type:{value}' (use type:{'|'.join(TYPES)})")
    return problems


def matches(row: CardRow, query: str) -> bool:
    """Whether a browser row fits the search: every word must appear in the deck, prompt,
    answer, id or tags.

    ``is:new|learning|review|suspended|buried``, ``type:open`` (etc.), ``deck:NAME`` and
    ``tag:NAME`` filter on state, type, deck and tags, as in Anki's browser.
    """
    haystack = row.search_text or f"{row.deck} {row.prompt} {row.id} {row.tags}".lower()
    for word in query.lower().split():
        if word.startswith("is:"):
            if row.status != word[3:]:
                return False
        elif word.startswith("type:"):
            if row.type != word[5:]:
                return False
        elif word.startswith("deck:"):
            name = word[5:]
            if row.deck.lower() != name and not row.deck.lower().startswith(name + "/"):
                return False
        elif word.startswith("tag:"):
            if word[4:] not in row.tags.lower().split():
                return False
        elif word not in haystack:
            return False
    return True


def due_label(row: CardRow, now: datetime) -> str:
    """``new``, ``now`` or how far away the card's due time is (``3d``)."""
    if row.due is None:
        return "new"
    if row.due <= now:
        return "now"
    return format_interval(row.due - now)
