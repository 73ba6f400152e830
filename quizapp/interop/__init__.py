"""Cards and data in and out of other tools: Anki, other markdown formats, open review formats.

What is inside:

- :mod:`.html_text` turns a stranger's HTML into our markdown (scripts dropped, never rendered)
  and our markdown into the HTML Anki shows.
- :mod:`.anki_read` reads ``.apkg``/``.colpkg`` (legacy SQLite with the stdlib; the zstd
  ``.anki21b`` format through the optional ``anki`` package) and Anki's ``.txt`` export.
- :mod:`.anki_import` turns what was read into markdown decks and reviews.
- :mod:`.anki_export` writes an ``.apkg``: with review history through the ``anki`` package
  (``quizapp[anki]``), or cards only through genanki.
- :mod:`.markdown_formats` reads hashcards, Obsidian Spaced Repetition, repeater and Logseq decks.
- :mod:`.decks_out` renders imported cards as our deck files; :mod:`.apply` writes them, syncs
  and inserts the reviews, all or nothing.
- :mod:`.reviews`: the review log as CSV or JSON lines, and the revlog CSV the FSRS optimizer
  reads (``quizapp export reviews``).

Entry points: :func:`.anki_import.import_anki`, :func:`.anki_export.export_anki`,
:func:`.markdown_formats.import_markdown` and :func:`.reviews.write`. Every failure of the Anki
and markdown converters is an :class:`InteropError` whose message is one line saying what is
wrong and how to fix it.
"""

from __future__ import annotations


class InteropError(Exception):
    """A file cannot be imported or exported; the message is one line for the user."""
