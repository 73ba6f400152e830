"""Shared fixtures: a throwaway store, a fixed clock, and small decks written to a temp folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizapp.store import Store

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

if os.environ.get("PYTEST_XDIST_WORKER"):
    # One worker per core: the sentence model's two spinning threads would fight the other
    # worker's (see quizapp/scoring/semantic.py, "Memory and threads"). Scores do not change.
    os.environ.setdefault("QUIZAPP_MODEL_THREADS", "1")


@pytest.fixture(autouse=True)
def isolated_user_files(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch a real user's store or config, whatever a test runs."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("QUIZAPP_DB", str(home / "store.db"))
    monkeypatch.setenv("QUIZAPP_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return home


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def store() -> Store:
    s = Store.memory()
    yield s
    s.close()


@pytest.fixture
def file_store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "quiz.db")
    yield s
    s.close()


def write_deck(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


SAMPLE = """---
deck: sample
new_per_day: 20
---
# Sample deck

## What does ReLU stand for?
<!--
id: relu-name
-->
Rectified linear unit.

## The sigmoid derivative is at most {{c1::0.25}}.
<!--
id: sigmoid-max
-->

## Which penalties can set weights to exactly zero?
<!--
id: zero-penalties
-->
- [x] L1 (lasso)
- [ ] L2 (ridge)
- [x] Elastic net
Only penalties with an L1 part have a corner at zero.

## How does L1 regularization create a sparse model?
<!--
id: l1-open
-->
The L1 penalty's subgradient has constant magnitude, so small weights are pushed to exactly zero.

### Key points
- L1 sets some weights to exactly zero
- The L1 subgradient has constant magnitude lambda
"""


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    write_deck(folder, "sample.md", SAMPLE)
    return folder
