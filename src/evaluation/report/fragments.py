"""Small HTML building blocks of the reports and the one way notebooks show them.

Every text that comes from data goes through :func:`esc`. :func:`show` emits an HTML output
(the report template copies it unchanged) whose plain-text form is the text without tags, so
a report never shows a Python repr.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Styles of the report content (prefix ``er-``); the page furniture comes from the template.
CSS = """
.er-facts { color: #4d5660; margin: -0.25rem 0 1rem; }
.er-synthetic { border: 2px solid #D55E00; background: #fff4ec; padding: 0.6rem 0.9rem;
  margin: 0 0 1.25rem; border-radius: 0.3rem; }
.er-synthetic strong { color: #8a3300; text-transform: uppercase; letter-spacing: 0.03em; }
.er-messages { padding-left: 1.3rem; }
.er-messages li { margin: 0 0 0.55rem; }
.er-note { background: #f4f6f8; border-left: 4px solid #8c959f; padding: 0.5rem 0.9rem; }
.er-figure { margin: 0.75rem 0 1.25rem; }
.er-figure img { display: block; width: 100%; max-width: 48rem; height: auto; }
.er-lead { font-size: 1.05rem; }
.er-small { color: #4d5660; font-size: 0.92rem; }
.er-questions li { margin: 0 0 0.45rem; }
.er-glossary dt { font-weight: 600; margin-top: 0.45rem; }
.er-glossary dd { margin: 0 0 0 1.2rem; }
.er-print-only { display: none; }
@media print {
  .er-figure, .er-note, .er-synthetic, .er-keep { break-inside: avoid; page-break-inside: avoid; }
  /* charts print at their drawn size (1:1, text >= 9 pt), never wider than the page */
  .er-figure img { width: auto !important; max-width: 100% !important; }
  .er-screen-only { display: none; }
  p.er-print-only { display: block; }
  span.er-print-only { display: inline; }
}
"""

_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Fragment:
    """An HTML fragment, optionally with a Markdown twin (used for the document title)."""

    html: str
    markdown: str | None = None


def esc(value: object) -> str:
    """Escape a data value for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def heading(level: int, text: str, *, anchor: str | None = None) -> str:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{esc(text)}</h{level}>"


def paragraph(text: str, *, css: str | None = None) -> str:
    cls = f' class="{esc(css)}"' if css else ""
    return f"<p{cls}>{esc(text)}</p>"


def paragraphs(texts: Iterable[str], *, css: str | None = None) -> str:
    return "\n".join(paragraph(t, css=css) for t in texts)


def bullet_list(items: Iterable[str], *, ordered: bool = False, css: str | None = None) -> str:
    tag = "ol" if ordered else "ul"
    cls = f' class="{esc(css)}"' if css else ""
    body = "".join(f"<li>{esc(item)}</li>" for item in items)
    return f"<{tag}{cls}>{body}</{tag}>"


def note(text: str) -> str:
    return f'<p class="er-note">{esc(text)}</p>'


def kept_together(*parts: str) -> str:
    """``parts`` printed on one page: a heading and its lead-in with the figure they introduce,
    so that no heading is left at the bottom of a page without what it heads."""
    return '<div class="er-keep">' + "\n".join(p for p in parts if p) + "</div>"


def screen_only(fragment: str) -> str:
    """``fragment`` on screen only (a table that repeats a chart's figures, left out on paper
    so that the printed report stays short; the chart says so with :func:`print_only`)."""
    return f'<div class="er-screen-only">{fragment}</div>' if fragment else ""


def print_only(text: str) -> str:
    """A small note shown on paper only."""
    return f'<p class="er-print-only er-small">{esc(text)}</p>'


def paragraph_with_print_note(text: str, print_note: str) -> str:
    """A paragraph whose printed form ends with ``print_note`` (screen: ``text`` alone)."""
    return f'<p>{esc(text)}<span class="er-print-only"> {esc(print_note)}</span></p>'


def style_block() -> str:
    return f"<style>{CSS}</style>"


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment without tags (its plain-text twin in a notebook)."""
    text = _TAGS.sub(" ", re.sub(r"<style>.*?</style>", " ", fragment, flags=re.DOTALL))
    return " ".join(html.unescape(text).split())


def show(fragment: str | Fragment) -> None:
    """Display a fragment in a notebook as HTML (nothing for an empty fragment)."""
    from IPython.display import display

    if isinstance(fragment, Fragment):
        html_text, markdown = fragment.html, fragment.markdown
    else:
        html_text, markdown = fragment, None
    if not html_text.strip():
        return
    bundle = {"text/html": html_text, "text/plain": plain_text(html_text)}
    if markdown:
        bundle["text/markdown"] = markdown
    display(bundle, raw=True)
