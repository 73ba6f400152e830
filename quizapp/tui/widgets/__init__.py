"""Widgets of the review screen and the browser; each owns its bindings and its messages."""
