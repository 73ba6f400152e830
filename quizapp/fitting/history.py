"""The review log as fsrs-rs training data: one item per review after a card's first.

fsrs-rs learns from *items*: a card's reviews up to and including one review, each with the
number of days since the previous one (``delta_t``). The last review of an item is the one to
predict. Only live review-mode answers count: quiz and cram answers did not follow the schedule,
and undone answers never happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizapp.clock import day_start, parse_iso
from quizapp.store import Store


@dataclass(frozen=True)
class Item:
    """A card's history up to one review: ``(rating, delta_t days)`` pairs, oldest first."""

    card_id: str
    reviews: tuple[tuple[int, int], ...]
    at: datetime  # when the last review happened, for the time-based split

    @property
    def recalled(self) -> bool:
        return self.reviews[-1][0] > 1

    @property
    def elapsed_days(self) -> int:
        return self.reviews[-1][1]

    @property
    def long_term(self) -> bool:
        """Whether the predicted review came a day or more after the one before it."""
        return len(self.reviews) > 1 and self.elapsed_days > 0


@dataclass(frozen=True)
class History:
    """The training data of one deck (or every deck)."""

    items: tuple[Item, ...]
    reviews: int  # live review-mode answers
    cards: int  # cards with at least one such answer

    @property
    def long_term_items(self) -> int:
        return sum(item.long_term for item in self.items)


def load(store: Store, deck: str | None = None) -> History:
    """Every live review-mode answer of ``deck`` (and decks under it), as training items."""
    sql = (
        "SELECT r.card_id, r.reviewed_at, r.rating FROM reviews r JOIN schedule s"
        " ON s.card_id = r.card_id WHERE r.mode = 'review'"
        " AND r.id NOT IN (SELECT review_id FROM undos)"
    )
    args: list[object] = []
    if deck is not None:
        sql += " AND (s.deck = ? OR substr(s.deck, 1, ?) = ?)"
        args += [deck, len(deck) + 1, deck + "/"]
    sql += " ORDER BY r.card_id, r.reviewed_at, r.id"
    per_card: dict[str, list[tuple[datetime, int]]] = {}
    for card_id, at, rating in store.conn.execute(sql, args):
        per_card.setdefault(card_id, []).append((parse_iso(at), rating))
    items: list[Item] = []
    for card_id, reviews in per_card.items():
        items.extend(items_of(card_id, reviews))
    total = sum(len(r) for r in per_card.values())
    return History(tuple(items), total, len(per_card))


def items_of(card_id: str, reviews: list[tuple[datetime, int]]) -> list[Item]:
    """One item per review after the first, delta_t counted in study days (as Anki does)."""
    pairs: list[tuple[int, int]] = []
    previous: datetime | None = None
    out = []
    for at, rating in reviews:
        start = day_start(at)
        delta = 0 if previous is None else round((start - previous).total_seconds() / 86400)
        previous = start
        pairs.append((rating, delta))
        if len(pairs) > 1:
            out.append(Item(card_id, tuple(pairs), at))
    return out


def time_split(items: tuple[Item, ...], test_fraction: float) -> tuple[list[Item], list[Item]]:
    """Train on the earlier reviews, test on the latest ``test_fraction`` of them by time.

    A random split would let the model see a card's future while predicting its past.
    """
    ordered = sorted(items, key=lambda item: (item.at, item.card_id))
    cut = round(len(ordered) * (1 - test_fraction))
    return ordered[:cut], ordered[cut:]


def count_reviews(store: Store, deck: str | None = None) -> int:
    """Live review-mode answers of ``deck`` (all decks when None), without building items."""
    sql = (
        "SELECT COUNT(*) FROM reviews r JOIN schedule s ON s.card_id = r.card_id"
        " WHERE r.mode = 'review' AND r.id NOT IN (SELECT review_id FROM undos)"
    )
    args: list[object] = []
    if deck is not None:
        sql += " AND (s.deck = ? OR substr(s.deck, 1, ?) = ?)"
        args += [deck, len(deck) + 1, deck + "/"]
    return store.conn.execute(sql, args).fetchone()[0]
