"""Merging logs between stores and machines (not "sync", which means decks -> store).

- :mod:`~quizapp.merge.log`: a store's append-only log as plain rows;
- :mod:`~quizapp.merge.union`: :func:`absorb`, the union of a log into the store, then replay;
- :mod:`~quizapp.merge.stores`: :func:`merge_store`, for ``quizapp merge OTHER.db``;
- :mod:`~quizapp.merge.folder`: :func:`exchange`, the sync folder's per-machine files.

Import the entry points from their modules; this ``__init__`` imports nothing, so that
:mod:`quizapp.review` and :mod:`quizapp.events` stay importable without the merge machinery.
"""
