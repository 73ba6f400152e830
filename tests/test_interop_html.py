"""Strangers' HTML read as text: nothing active survives, and what a card says stays readable."""

from __future__ import annotations

from quizapp.interop.html_text import html_to_markdown, markdown_to_html


def media(name: str) -> str | None:
    return f"media/{name}" if name in {"my pic.png", "a.mp3"} else None


def test_scripts_styles_frames_and_event_handlers_are_dropped():
    html = (
        "<script>steal()</script><style>p{}</style><iframe src='x'>in</iframe>"
        '<p onclick="steal()">Kept <a href="javascript:steal()">text</a></p>'
    )
    assert html_to_markdown(html, media) == "Kept text"


def test_markup_becomes_markdown_and_media_links_point_beside_the_decks():
    html = (
        "<div><b>Bold</b> and <i>it</i>, x<sup>2</sup></div><ul><li>one</li><li>two</li></ul>"
        '<img src="my pic.png"><img src="http://tracker.example/p.gif"> [sound:a.mp3]'
        '<pre>def f():\n    return 1</pre><a href="https://example.org">site</a>'
    )
    assert html_to_markdown(html, media) == (
        "**Bold** and *it*, x^2\n\n- one\n- two\n"
        "![](<media/my pic.png>)[image: http://tracker.example/p.gif] [sound: a.mp3](media/a.mp3)\n"
        "```\ndef f():\n    return 1\n```\n[site](https://example.org)"
    )


def test_markdown_to_html_keeps_mathjax_and_escapes_raw_html():
    html = markdown_to_html("Loss \\(\\lambda \\|w\\|_1\\) <script>x</script>\n\n```\ncode\n```")
    assert "\\(\\lambda \\|w\\|_1\\)" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<pre><code>code\n</code></pre>" in html
