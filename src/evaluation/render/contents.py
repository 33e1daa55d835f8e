"""A table of contents for a long report, built from the report's own section headings.

The report content writes its sections as ``<h2 id="...">`` (see
:func:`evaluation.report.fragments.heading`); a report with at least :data:`MIN_SECTIONS` such
sections gets a short numbered list of links to them, placed after the first section (the key
messages), so a reader on screen and on paper sees what follows and where. Only the rendered
text is read: the list follows whatever sections a report has.
"""

from __future__ import annotations

import html
import re

__all__ = ["MIN_SECTIONS", "add_contents"]

#: reports with fewer sections than this get no table of contents
MIN_SECTIONS = 6
LABELS = {"de": "Inhalt", "en": "Contents"}
_SECTION = re.compile(r'<h2 id="([A-Za-z][\w-]*)">(.*?)</h2>', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def add_contents(body: str, language: str) -> str:
    """``body`` with a table of contents before its second section heading, where it has at
    least :data:`MIN_SECTIONS` sections with an ``id``; else unchanged."""
    main = body.find('<main')
    found = [m for m in _SECTION.finditer(body) if m.start() > main >= 0]
    if len(found) < MIN_SECTIONS:
        return body
    title = LABELS.get(language, LABELS["en"])
    items = "".join(
        f'<li><a href="#{m.group(1)}">{html.escape(html.unescape(_TAGS.sub("", m.group(2))))}'
        "</a></li>" for m in found[1:])
    nav = (f'<nav class="report-contents" aria-labelledby="contents-title">'
           f'<p class="report-contents-title" id="contents-title">{title}</p>'
           f"<ol>{items}</ol></nav>\n")
    at = found[1].start()
    keep = '<div class="er-keep">'
    if body[:at].endswith(keep):  # the section is kept on one page with its chart: the list
        at -= len(keep)            # goes before that block, not into it
    return body[:at] + nav + body[at:]
