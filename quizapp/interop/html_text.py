"""HTML to markdown for imports, markdown to HTML for Anki exports.

Imported HTML comes from strangers, so it is only ever read as text: ``<script>``, ``<style>`` and
similar elements are dropped with their content, attributes other than a link's ``href`` and an
image's ``src``/``alt`` are ignored, and nothing is rendered or fetched. Images and sounds become
links to the media files the importer copies beside the decks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser

DROPPED = {"script", "style", "template", "head", "title", "iframe", "object", "embed", "svg"}
BLOCKS = {"div", "p", "tr", "table", "blockquote", "section", "article", "h1", "h2", "h3"}
BLOCKS |= {"h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "figure", "center"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}  # bold lines: a heading would split the card
INLINE_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "del": "~~"}
SOUND = re.compile(r"\[sound:([^\]]+)\]")
MATH_SPAN = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)

MediaRef = Callable[[str], str | None]


class _ToMarkdown(HTMLParser):
    def __init__(self, media_ref: MediaRef | None) -> None:
        super().__init__(convert_charrefs=True)
        self.media_ref = media_ref
        self.out: list[str] = []
        self.dropped = 0
        self.pre = 0
        self.lists: list[str] = []
        self.links: list[str | None] = []

    def _newline(self, count: int = 1) -> None:
        self.out.append("\n" * count)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.dropped += 1
            return
        if self.dropped:
            return
        attr = dict(attrs)
        if tag == "br":
            self._newline()
        elif tag == "hr":
            self._newline(2)
            self.out.append("---")
            self._newline(2)
        elif tag == "pre":
            self.pre += 1
            self._newline()
            self.out.append("```\n")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in INLINE_MARKS:
            self.out.append(INLINE_MARKS[tag])
        elif tag == "sup":
            self.out.append("^")
        elif tag == "sub":
            self.out.append("_")
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self._newline()
        elif tag == "li":
            depth = max(len(self.lists) - 1, 0)
            bullet = "1." if self.lists and self.lists[-1] == "ol" else "-"
            self._newline()
            self.out.append("  " * depth + bullet + " ")
        elif tag in ("td", "th"):
            self.out.append(" | ")
        elif tag == "a":
            href = attr.get("href") or ""
            keep = href if re.match(r"^https?://", href) else None
            self.links.append(keep)
            if keep:
                self.out.append("[")
        elif tag == "img":
            src = attr.get("src") or ""
            alt = (attr.get("alt") or "").replace("]", "")
            ref = self.media_ref(src) if self.media_ref else None
            self.out.append(f"![{alt}]({_link(ref)})" if ref else f"[image: {alt or src}]")
        elif tag in BLOCKS:
            self._newline()
            if tag in HEADINGS:
                self.out.append("**")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropped = max(self.dropped - 1, 0)
            return
        if self.dropped:
            return
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self.out.append("\n```\n")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in INLINE_MARKS:
            self.out.append(INLINE_MARKS[tag])
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline()
        elif tag == "a":
            keep = self.links.pop() if self.links else None
            if keep:
                self.out.append(f"]({keep})")
        elif tag in BLOCKS:
            if tag in HEADINGS:
                self.out.append("**")
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.dropped:
            return
        data = data.replace("\xa0", " ")
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        self.out.append(data)


def html_to_markdown(field: str, media_ref: MediaRef | None = None) -> str:
    """Readable markdown from an Anki field's HTML; ``media_ref`` maps a media name to a link."""
    parser = _ToMarkdown(media_ref)
    parser.feed(field)
    parser.close()
    text = "".join(parser.out)
    if media_ref is not None:
        text = SOUND.sub(lambda m: _sound(m.group(1), media_ref), text)
    return tidy(text)


def plain_to_markdown(text: str, media_ref: MediaRef | None = None) -> str:
    """A field exported without HTML (``#html:false``): only sounds are rewritten."""
    if media_ref is not None:
        text = SOUND.sub(lambda m: _sound(m.group(1), media_ref), text)
    return tidy(text)


def _sound(name: str, media_ref: MediaRef) -> str:
    ref = media_ref(name)
    return f"[sound: {name}]({_link(ref)})" if ref else f"[sound: {name}]"


def _link(target: str) -> str:
    """A link destination; one with spaces or brackets goes in ``<...>`` as CommonMark allows."""
    return f"<{target}>" if re.search(r"[\s()<>]", target) else target


def tidy(text: str) -> str:
    """Trim each line, squeeze blank runs to one blank line, strip the ends."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    fence = False
    for line in lines:
        if line.strip().startswith("```"):
            fence = not fence
        if not fence and not line.strip().startswith("```"):
            line = line.strip() if not re.match(r"^ *(?:[-*+]|\d+\.) ", line) else line
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


@lru_cache(maxsize=1)
def _renderer():
    """One CommonMark renderer, built on first use (building one costs more than a render)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_to_html(text: str) -> str:
    """Our markdown as HTML for an Anki field: CommonMark, raw HTML escaped, MathJax kept.

    CommonMark would read the backslashes inside ``\\(...\\)`` and ``\\[...\\]`` as escapes
    and eat them, so each math span is set aside before rendering and put back after, escaped
    for HTML but otherwise exactly as written.
    """
    spans: list[str] = []

    def shield(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\ue000{len(spans) - 1}\ue001"

    shielded = MATH_SPAN.sub(shield, text)
    rendered = _renderer().render(shielded)
    restored = re.sub(
        "\ue000(\\d+)\ue001", lambda m: html.escape(spans[int(m.group(1))], quote=False), rendered
    )
    return restored.strip()
