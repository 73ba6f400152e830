"""quizapp: spaced-repetition interview prep in the terminal.

The package splits into a core that knows nothing of any user interface (cards, parser, store,
sync, schedule, review, scoring, proofs) and two faces on top of it: the Textual app in
``quizapp.tui`` and the command line in ``quizapp.cli``. Importing this package imports nothing
heavy on purpose: start-up time is a feature of a tool people open every day.
"""

__version__ = "0.1.0"
