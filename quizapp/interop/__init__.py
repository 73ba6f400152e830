"""Getting quizapp's data in and out in other programs' formats.

- :mod:`~quizapp.interop.reviews`: the review log as CSV or JSON lines, and the revlog CSV the
  FSRS optimizer reads (``quizapp export reviews``).
"""
