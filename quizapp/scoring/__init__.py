"""Scoring typed answers (temporary shim while the package is built)."""
from quizapp.scoring.lexical import *  # noqa: F403
from quizapp.scoring.lexical import (  # noqa: F401
    EASY, RATING_THRESHOLDS, KeyPointResult, Score, key_points_from_answer, score, suggest_rating,
)
