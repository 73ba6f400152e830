"""Finding and reading deck files safely: they come from strangers.

A sync runs before every command and at app start, so one hostile file must not hang or flood
everything. What is read: regular files only (a FIFO would block forever, ``/dev/zero`` would
fill memory), symlinks only when they stay inside the deck folder (no ``/etc/passwd`` as a
deck), folder loops detected, and at most :attr:`~quizapp.config.Limits.max_file_bytes` bytes.
Everything else is a :class:`DeckFileError`, which the parser turns into a ``FILE:LINE`` problem.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from quizapp.config import Limits

SKIP_NAMES = {"readme.md"}


@dataclass
class DeckFileError(Exception):
    """A deck file that is not read: what is wrong with it, and how to fix it."""

    what: str
    fix: str


def safe_resolve(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when it is a symlink loop (no exception)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError on a loop
        return path.absolute()


def is_deck_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".md") and lower not in SKIP_NAMES


def discover(root: Path) -> list[Path]:
    """Deck files under ``root`` (or ``root`` itself): ``*.md``, minus READMEs and hidden dirs.

    Symlinked folders are followed only when they lead to a folder inside ``root`` not yet
    walked, so a loop (a link to a parent) ends the walk there instead of running forever.
    Files are listed whatever they are; :func:`read_deck` decides whether they can be read.
    """
    if not _is_dir(root):
        return [root]
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    real_root = safe_resolve(root)
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue  # an unreadable sub-folder: its decks cannot be listed
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _is_dir(path):
                if not entry.is_symlink() or _inside(safe_resolve(path), real_root):
                    subfolders.append(path)
            elif is_deck_name(entry.name):
                found.append(path)
        pending.extend(reversed(subfolders))
    return sorted(found)


def read_deck(path: Path, root: Path | None, limits: Limits) -> bytes:
    """The bytes of deck file ``path``, or :class:`DeckFileError` saying why it is not read.

    The file is opened non-blocking (a FIFO cannot stall the open) and checked on the open
    descriptor, so it cannot be swapped for something else between the check and the read.
    """
    if path.is_symlink():
        target = _symlink_target(path)
        if root is not None and not _inside(target, safe_resolve(root)):
            raise DeckFileError(
                f"symlink to {target}, outside the deck folder; not read",
                "copy the file into the deck folder instead of linking to it",
            )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DeckFileError(f"cannot read file: {exc.strerror}", _fix_for(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DeckFileError(
                f"not a regular file ({_kind(info.st_mode)}); not read",
                "remove it or rename it so it does not end in .md",
            )
        if info.st_size > limits.max_file_bytes:
            raise _too_large(limits)
        chunks = []
        left = limits.max_file_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise DeckFileError(f"cannot read file: {exc.strerror}", _fix_for(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limits.max_file_bytes:  # it grew while being read
        raise _too_large(limits)
    return data


def _symlink_target(path: Path) -> Path:
    try:
        return path.resolve(strict=True)
    except RuntimeError:
        raise DeckFileError("symlink loop", "fix or remove the symlink") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise DeckFileError("symlink loop", "fix or remove the symlink") from None
        raise DeckFileError(
            f"symlink to {os.readlink(path)}, which does not exist", "fix or remove the symlink"
        ) from None


def _too_large(limits: Limits) -> DeckFileError:
    return DeckFileError(
        f"file is larger than the {limits.max_file_bytes // 1024} KB limit for a deck file",
        "split it into several files, or raise limits.max_file_kb in config.toml",
    )


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"


def _fix_for(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "check the file's permissions"
    return "check the path"
