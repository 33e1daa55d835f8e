"""Checks of a rendered report, on its HTML text, with the standard library's parser.

The batch runs :func:`check_report` on every report it writes and the tests run the single
checks; each returns a list of findings (empty is good) so that a report can be judged
whole. What is checked:

* nothing is loaded from, or linked to, the network: every ``src``, ``href``, ``srcset``,
  ``poster``, ``data``, ``action`` and CSS ``url()`` / ``@import`` is a ``data:`` URI, a
  ``#fragment`` or a relative file link (``mailto:`` links are allowed too: they load nothing);
* one ``h1`` and no skipped heading levels on the way down (h2 -> h4);
* every image has alt text (``<img alt>``, an ``<svg>`` with ``aria-label``/``<title>``,
  ``role="img"`` with a label); ``alt=""`` marks an image as decorative and is accepted only
  when asked;
* every table has header cells (``<th>``) and a caption;
* the partner edition shows no code input, no ``In [n]:`` prompts and no traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = [
    "ReportOutline",
    "check_report",
    "external_urls",
    "heading_outline",
    "heading_problems",
    "images_without_alt",
    "input_cells_present",
    "parse",
    "prompts_present",
    "tables_without_headers",
    "traceback_present",
]

_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background",
              "xlink:href", "cite", "longdesc", "manifest", "ping", "icon", "codebase",
              "archive", "imagesrcset"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INPUT_CLASSES = {"cell-input", "jp-InputArea", "input_area", "jp-InputArea-editor",
                  "jp-CodeMirrorEditor"}
_PROMPT_CLASSES = {"jp-InputPrompt", "jp-OutputPrompt", "prompt", "input_prompt",
                   "output_prompt"}
_PROMPT_TEXT = re.compile(r"\b(In|Out)\s*\[\s*\d*\s*\]:")
_TRACEBACK_TEXT = re.compile(
    r"Traceback \(most recent call last\)|^\s*Cell In\s*\[\d+\], line \d+|^-{3,}>\s*\d+",
    re.MULTILINE,
)
_TRACEBACK_CLASSES = {"output-error", "output_error", "ansi-red-fg"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}


@dataclass
class _Table:
    index: int
    caption: bool = False
    th: int = 0


@dataclass
class _Svg:
    ok: bool
    depth: int = 0  # elements open inside this <svg>


@dataclass
class ReportOutline:
    """What the parser found in one HTML document."""

    urls: list[tuple[str, str]] = field(default_factory=list)  # (where, url)
    headings: list[tuple[int, str]] = field(default_factory=list)
    images_missing_alt: list[str] = field(default_factory=list)
    images_empty_alt: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    input_elements: int = 0
    prompt_elements: int = 0
    traceback_elements: int = 0
    lang: str | None = None
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = ReportOutline()
        self._heading: tuple[int, list[str]] | None = None
        self._tables: list[_Table] = []
        self._svg: list[_Svg] = []  # open <svg> elements
        self._in_style = False
        self._in_svg_title = False
        self._images = 0

    # ------------------------------------------------------------------ tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        classes = set(a.get("class", "").split())
        for name, value in a.items():
            if name in _URL_ATTRS:
                if name in ("srcset", "imagesrcset"):
                    for part in value.split(","):
                        url = part.strip().split(" ")[0]
                        if url:
                            self.out.urls.append((f"<{tag} {name}>", url))
                else:
                    self.out.urls.append((f"<{tag} {name}>", value.strip()))
            elif name == "style":
                self._css(value, f"<{tag} style>")
        if tag == "html":
            self.out.lang = a.get("lang")
        if tag == "style":
            self._in_style = True
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag == "img" or (tag == "input" and a.get("type", "").lower() == "image"):
            self._images += 1
            label = a.get("src", "")[:60] or f"image {self._images}"
            if "alt" not in a:
                self.out.images_missing_alt.append(label)
            elif not a["alt"].strip():
                self.out.images_empty_alt.append(label)
        if tag == "svg":
            hidden = a.get("aria-hidden", "").lower() == "true"
            labelled = bool(a.get("aria-label", "").strip() or a.get("aria-labelledby"))
            self._svg.append(_Svg(ok=hidden or labelled))
        elif self._svg and tag not in _VOID:
            if tag == "title" and self._svg[-1].depth == 0:
                self._in_svg_title = True
            self._svg[-1].depth += 1
        if a.get("role") == "img" and tag != "svg" and not (
            a.get("aria-label", "").strip() or a.get("aria-labelledby")
        ):
            self.out.images_missing_alt.append(f"<{tag} role=img>")
        if tag == "table":
            table = _Table(index=len(self.out.tables) + 1)
            self.out.tables.append(table)
            self._tables.append(table)
        elif tag == "caption" and self._tables:
            self._tables[-1].caption = True
        elif tag == "th" and self._tables:
            self._tables[-1].th += 1
        if classes & _INPUT_CLASSES:
            self.out.input_elements += 1
        if classes & _PROMPT_CLASSES:
            self.out.prompt_elements += 1
        if classes & _TRACEBACK_CLASSES:
            self.out.traceback_elements += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if self._heading is not None and tag == f"h{self._heading[0]}":
            level, parts = self._heading
            self.out.headings.append((level, " ".join("".join(parts).split())))
            self._heading = None
        if tag == "table" and self._tables:
            self._tables.pop()
        if self._svg:
            svg = self._svg[-1]
            if tag == "svg" and svg.depth == 0:
                self._svg.pop()
                if not svg.ok:
                    self.out.images_missing_alt.append("<svg>")
            elif tag not in _VOID:
                if tag == "title":
                    self._in_svg_title = False
                svg.depth = max(0, svg.depth - 1)

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "<style>")
            return
        if self._in_svg_title and data.strip() and self._svg:
            self._svg[-1].ok = True
        if self._heading is not None:
            self._heading[1].append(data)
        self.out.text.append(data)

    def _css(self, css: str, where: str) -> None:
        for match in _CSS_URL.finditer(css):
            self.out.urls.append((where + " url()", match.group(2).strip()))
        for match in _CSS_IMPORT.finditer(css):
            self.out.urls.append((where + " @import", match.group(1).strip()))


def parse(html_text: str) -> ReportOutline:
    """Parse a document once; the check functions accept this result or the HTML text."""
    parser = _Parser()
    parser.feed(html_text)
    parser.close()
    return parser.out


def _outline(doc: str | ReportOutline) -> ReportOutline:
    return doc if isinstance(doc, ReportOutline) else parse(doc)


def _is_local(url: str) -> bool:
    if url == "" or url.startswith("#"):
        return True
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme.group(1).lower() in ("data", "mailto")
    return not url.startswith("//") and not url.startswith("\\\\")  # relative file link


def external_urls(doc: str | ReportOutline) -> list[str]:
    """URLs that would make a browser (or a click) reach beyond the file.

    Each finding reads ``"<img src>: http://..."`` (where it was found, then the URL).
    """
    return [f"{where}: {url}" for where, url in _outline(doc).urls if not _is_local(url)]


def heading_outline(doc: str | ReportOutline) -> list[tuple[int, str]]:
    """``[(level, text), ...]`` in document order."""
    return list(_outline(doc).headings)


def heading_problems(doc: str | ReportOutline) -> list[str]:
    """Exactly one h1, coming first, and no level skipped on the way down."""
    headings = heading_outline(doc)
    problems: list[str] = []
    h1 = [text for level, text in headings if level == 1]
    if len(h1) != 1:
        problems.append(f"expected exactly one h1, found {len(h1)}: {h1!r}")
    if headings and headings[0][0] != 1:
        problems.append(f"the first heading is h{headings[0][0]} {headings[0][1]!r}, not h1")
    previous = 0
    for level, text in headings:
        if previous and level > previous + 1:
            problems.append(f"h{level} {text!r} follows h{previous}: level h{previous + 1} "
                            "skipped")
        previous = level
    return problems


def images_without_alt(doc: str | ReportOutline, *, allow_decorative: bool = False) -> list[str]:
    """Images without a text alternative (``alt=""`` counts unless ``allow_decorative``)."""
    outline = _outline(doc)
    found = list(outline.images_missing_alt)
    if not allow_decorative:
        found += [f"{src} (empty alt)" for src in outline.images_empty_alt]
    return found


def tables_without_headers(doc: str | ReportOutline, *, require_caption: bool = True
                           ) -> list[str]:
    """Tables without ``<th>`` cells (or, by default, without a caption)."""
    problems = []
    for table in _outline(doc).tables:
        if table.th == 0:
            problems.append(f"table {table.index} has no header cells (<th>)")
        if require_caption and not table.caption:
            problems.append(f"table {table.index} has no <caption>")
    return problems


def input_cells_present(doc: str | ReportOutline) -> int:
    """Number of elements that show notebook code (input areas, highlighted code)."""
    return _outline(doc).input_elements


def prompts_present(doc: str | ReportOutline) -> int:
    """Number of ``In [n]:`` / ``Out[n]:`` prompts (elements or text)."""
    outline = _outline(doc)
    return outline.prompt_elements + len(_PROMPT_TEXT.findall("".join(outline.text)))


def traceback_present(doc: str | ReportOutline) -> bool:
    """Whether the page shows a Python traceback or an error output."""
    outline = _outline(doc)
    return bool(outline.traceback_elements or _TRACEBACK_TEXT.search("".join(outline.text)))


def check_report(html_text: str, *, edition: str, language: str | None = None) -> list[str]:
    """All findings for one report; an empty list means it passes.

    ``edition="partner"`` adds: no code, no prompts, no traceback, no parameters cell.
    ``language`` checks ``<html lang>``.
    """
    outline = parse(html_text)
    problems: list[str] = []
    problems += [f"external URL {u}" for u in external_urls(outline)]
    problems += heading_problems(outline)
    problems += [f"image without alt text: {i}" for i in images_without_alt(outline)]
    problems += tables_without_headers(outline)
    if not outline.lang:
        problems.append("<html> has no lang attribute")
    elif language is not None and outline.lang != language:
        problems.append(f'<html lang="{outline.lang}">, expected {language!r}')
    if edition == "partner":
        if input_cells_present(outline):
            problems.append(f"{input_cells_present(outline)} code input element(s) shown")
        if prompts_present(outline):
            problems.append(f"{prompts_present(outline)} prompt(s) shown")
        if traceback_present(outline):
            problems.append("a traceback is shown")
        if "injected-parameters" in html_text or "celltag_parameters" in html_text:
            problems.append("the parameters cell is shown")
    return problems
