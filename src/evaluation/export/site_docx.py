"""A site's partner report as a Word document, for coordinators who edit it into their papers.

Made from the rendered HTML page, never around it: what the page says, Word gets. Taken are
``<main>`` and the footer's provenance section (small tables); left out are the page header,
styles, scripts, the contents (``nav.report-contents``: Word makes its own) and print-only
notes (``.er-print-only``); screen-only tables stay. Built-in styles, so that a house template
restyles all: ``h1`` "Title", ``h2``-``h4`` "Heading 1"-"3" (the ``h2`` are the sections, so
Word's contents list them at level 1 as the page does), "List Bullet", "List Number" (each list
from 1), "Table Grid" with repeated header rows, "Caption"; pictures carry their alt text
(``wp:docPr/@descr``). A4, 14 mm margins, 10 pt, the page's language. Same page and ``stamp``,
same bytes: no clock, and the zip entries carry a fixed time.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from lxml import html as lxml_html  # python-docx's own XML library

from evaluation.atomic import write_atomic

log = logging.getLogger("evaluation")

__all__ = ["DOCX_AUTHOR", "HEADING_STYLES", "SvgToPng", "docx_bytes", "html_to_docx"]

#: Draws SVG texts as PNG bytes, one for each, in order.
SvgToPng = Callable[[list[str]], Sequence[bytes]]
Element = Any  # an lxml.html element of the page
_Pictures = dict[Element, tuple[bytes, float]]  # image -> (PNG, JPEG or GIF; width in pt or 0)

DOCX_AUTHOR = "transfer-evaluation"
HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
LANGUAGE_TAGS = {"de": "de-DE", "en": "en-US"}
A4_WIDTH, A4_HEIGHT, PAGE_MARGIN = Mm(210), Mm(297), Mm(14)  # margins as printed
BODY_SIZE = Pt(10)
TABLE_SIZE, PROVENANCE_SIZE = Pt(8.5), Pt(7.5)
NOTE_STYLE = "Table Note"

_SKIPPED_TAGS = frozenset({"head", "style", "script", "template", "noscript", "form", "svg"})
_SKIPPED_CLASSES = frozenset({"er-print-only", "anchor-link", "skip-link"})
_INLINE = frozenset({"a", "abbr", "b", "br", "cite", "code", "data", "dfn", "em", "i", "img",
                     "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time"})
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML white space; no-break spaces stay
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"')  # as matplotlib writes it
_MAX_WIDTH = re.compile(r"max-width:\s*([\d.]+)(rem|px|pt)")
_PT_PER = {"rem": 12.0, "px": 0.75, "pt": 1.0}  # 1 rem = 16 px = 12 pt


def _classes(element: Element) -> set[str]:
    return set((element.get("class") or "").split())


def _skipped(element: Element) -> bool:
    """Comments, furniture, print-only notes and the table of contents."""
    classes = _classes(element) if isinstance(element.tag, str) else set()
    return (not isinstance(element.tag, str) or element.tag in _SKIPPED_TAGS
            or element.get("hidden") is not None or bool(classes & _SKIPPED_CLASSES)
            or (element.tag == "nav" and "report-contents" in classes))


def _elements(element: Element) -> list[Element]:
    return [child for child in element if not _skipped(child)]


def _nodes(element: Element) -> list[Element | str]:
    """Text and elements inside ``element`` in order (a skipped element's tail stays)."""
    nodes: list[Element | str] = [element.text or ""]
    for child in element:
        nodes += [child, child.tail or ""] if not _skipped(child) else [child.tail or ""]
    return nodes


def _pictures(parts: list[Element], svg_to_png: SvgToPng | None) -> _Pictures:
    """The images of the content; the SVGs go to ``svg_to_png`` in one call."""
    found: _Pictures = {}
    svgs: list[tuple[Element, str]] = []
    for image in (i for part in parts for i in part.iter("img")
                  if not any(_skipped(e) for e in (i, *i.iterancestors()))):
        src = image.get("src") or ""
        head, _, payload = src[5:].partition(",") if src.startswith("data:") else ("", "", "")
        try:
            data = base64.b64decode(payload) if ";base64" in head else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            data = b""
        media = head.split(";")[0].strip().lower()
        if media == "image/svg+xml" and data:
            svgs.append((image, data.decode("utf-8")))
        elif media in ("image/png", "image/jpeg", "image/gif") and data:
            found[image] = (data, 0.0)
        else:
            log.warning("Word export: image %.40s cannot be embedded; its alt text stands in",
                        src)
    if svgs:
        if svg_to_png is None:
            from evaluation.render import svg_images_to_png
            svg_to_png = svg_images_to_png
        pngs = list(svg_to_png([svg for _, svg in svgs]))
        for (image, svg), png in zip(svgs, pngs, strict=True):
            width = _SVG_WIDTH.search(svg)
            found[image] = (png, float(width.group(1)) if width else 0.0)
    return found


_Format = tuple[bool, bool]  # bold, italic
_BREAK = object()


class _Writer:
    """Writes page content into a document; ``box`` is the document or a table cell."""

    def __init__(self, document: Any, pictures: _Pictures) -> None:
        self.document, self.pictures = document, pictures
        section = document.sections[0]  # its sizes in whole twips
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        self.size: Length | None = None  # of every run, if set
        self.last: Any = None  # the last paragraph written

    def children(self, element: Element, box: Any) -> None:
        pending: list[Element | str] = []
        for node in _nodes(element):
            if isinstance(node, str) or node.tag in _INLINE:
                pending.append(node)
            else:
                self.paragraph(pending, box)
                pending = []
                self.block(node, box)
        self.paragraph(pending, box)

    def block(self, element: Element, box: Any) -> None:
        tag = element.tag
        if tag in HEADING_STYLES:
            self.paragraph(_nodes(element), box, HEADING_STYLES[tag])
        elif tag == "p":
            self.paragraph(_nodes(element), box,
                           NOTE_STYLE if "table-note" in _classes(element) else None)
        elif tag in ("ul", "ol"):
            self.items(element, box)
        elif tag == "dl":
            for child in _elements(element):
                if child.tag == "dt" and (term := self.paragraph(
                        _nodes(child), box, fmt=(True, False))) is not None:
                    term.paragraph_format.keep_with_next = True
                elif child.tag == "dd" and (meaning := self.paragraph(_nodes(child), box)):
                    meaning.paragraph_format.left_indent = Mm(5)
        elif tag == "table":
            self.table(element, box)
        elif tag in ("caption", "figcaption"):
            if tag == "figcaption" and self.last is not None:
                self.last.paragraph_format.keep_with_next = True  # the picture
            self.paragraph(_nodes(element), box, "Caption")
        else:  # div, section, figure, footer ...: only their content counts
            self.children(element, box)

    def items(self, element: Element, box: Any) -> None:
        """A list; a list inside an item follows the item as a list of its own."""
        ordered = element.tag == "ol"
        num_id = None
        if ordered:  # a numbering instance of "List Number" that starts at 1 (or start) again
            numbering = self.document.part.numbering_part.element
            style_num = self.document.styles["List Number"].element.pPr.numPr.numId.val
            num = numbering.add_num(numbering.num_having_numId(style_num).abstractNumId.val)
            start = element.get("start") or "1"
            num.add_lvlOverride(ilvl=0).add_startOverride(int(start) if start.isdigit() else 1)
            num_id = int(num.numId)
        for item in (e for e in _elements(element) if e.tag == "li"):
            nodes = _nodes(item)
            nested = [n for n in nodes if not isinstance(n, str) and n.tag in ("ul", "ol")]
            inline = [n for n in nodes if isinstance(n, str) or n.tag not in ("ul", "ol")]
            paragraph = self.paragraph(inline, box, "List Number" if ordered else "List Bullet",
                                       keep_empty=True)
            if num_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_numId().val = num_id
            for sub in nested:
                self.items(sub, box)

    def table(self, element: Element, box: Any) -> None:
        rows: list[tuple[Element, bool]] = []  # (tr, is a header row)
        for child in _elements(element):
            if child.tag == "caption" and (caption := self.paragraph(_nodes(child), box,
                                                                     "Caption")):
                caption.paragraph_format.keep_with_next = True
            elif child.tag == "tr":
                rows.append((child, False))
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows += [(tr, child.tag == "thead") for tr in _elements(child) if tr.tag == "tr"]
        cells = [[c for c in _elements(tr) if c.tag in ("td", "th")] for tr, _ in rows]
        if not any(cells):
            return
        if not any(head for _, head in rows):  # no thead: a first row of th is the header
            rows[0] = (rows[0][0], bool(cells[0]) and all(c.tag == "th" for c in cells[0]))
        n_columns = max(len(row) for row in cells)  # (no row or column spans in reports)
        table = box.add_table(rows=len(rows), cols=n_columns)
        table.style = self.document.styles["Table Grid"]
        for row, (_, head) in zip(table.rows, rows, strict=True):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if head:
                tr_pr.append(OxmlElement("w:tblHeader"))
        if box is self.document:  # column widths after the longest text in each (capped)
            weights = [4.0] * n_columns
            for row_cells in cells:
                for column, cell in enumerate(row_cells):
                    weights[column] = max(weights[column],
                                          min(len(cell.text_content().strip()), 40) + 2)
            widths = [Emu(int(self.text_width * w / sum(weights))) for w in weights]
            for column, width in zip(table.columns, widths, strict=True):
                column.width = width  # the grid, and each cell's preferred width
                for word_cell in column.cells:
                    word_cell.width = width
        size, self.size = self.size, (PROVENANCE_SIZE if "provenance-table" in _classes(element)
                                      else self.size)
        for row, row_cells in zip(table.rows, cells, strict=True):
            for word_cell, cell in zip(row.cells, row_cells, strict=False):
                self.cell(cell, word_cell)
        self.size, self.last = size, None

    def cell(self, element: Element, cell: Any) -> None:
        first = cell.paragraphs[0]._p
        self.children(element, cell)
        if len(cell.paragraphs) > 1 and not first.xpath("./w:r"):
            first.getparent().remove(first)
        for paragraph in cell.paragraphs:
            if "num" in _classes(element):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs if element.tag == "th" else ():
                run.bold = True

    def paragraph(self, nodes: Sequence[Element | str], box: Any, style: str | None = None,
                  *, fmt: _Format = (False, False), keep_empty: bool = False) -> Any:
        """One paragraph of the inline ``nodes``; None if they hold no text or picture."""
        pieces = _normalised(_segments(nodes, fmt))
        if not pieces and not keep_empty:
            return None
        paragraph = box.add_paragraph(style=style)
        for item, (bold, italic) in pieces:
            run = paragraph.add_run()
            if item is _BREAK:
                run.add_break()
            elif isinstance(item, str):
                run.text = item
            else:
                self.picture(item, run)
            run.bold, run.italic = bold or None, italic or None
            if self.size is not None:
                run.font.size = self.size
        self.last = paragraph
        return paragraph

    def picture(self, image: Element, run: Any) -> None:
        """The picture as wide as its SVG (else the text), at most the text width and the
        image's CSS ``max-width``; its alt text on the drawing."""
        alt = _SPACE.sub(" ", image.get("alt") or "").strip()
        if image not in self.pictures:
            run.text = f"[{alt}]" if alt else ""
            return
        data, width_pt = self.pictures[image]
        width = min(Pt(width_pt), self.text_width) if width_pt else self.text_width
        if limit := _MAX_WIDTH.search(image.get("style") or ""):
            width = min(width, Pt(float(limit.group(1)) * _PT_PER[limit.group(2)]))
        shape = run.add_picture(io.BytesIO(data), width=Emu(int(width)))
        if alt:
            shape._inline.docPr.set("descr", alt)


def _segments(nodes: Sequence[Element | str], fmt: _Format) -> list[tuple[Any, _Format]]:
    """Text, breaks and images of inline content, each with its formatting."""
    out: list[tuple[Any, _Format]] = []
    for node in nodes:
        if isinstance(node, str) or node.tag == "img":
            out.append((node, fmt))
        elif node.tag == "br":
            out.append((_BREAK, fmt))
        else:
            out += _segments(_nodes(node), (fmt[0] or node.tag in ("strong", "b"),
                                            fmt[1] or node.tag in ("em", "i", "cite", "dfn")))
    return out


def _normalised(segments: list[tuple[Any, _Format]]) -> list[tuple[Any, _Format]]:
    """White space collapsed as a browser does, the ends trimmed, equal runs merged; empty
    if nothing but white space and breaks is left."""
    pieces: list[tuple[Any, _Format]] = []
    for item, fmt in segments:
        last = pieces[-1][0] if pieces else _BREAK
        if isinstance(item, str):
            item = _SPACE.sub(" ", item)
            if last is _BREAK or (isinstance(last, str) and last.endswith(" ")):
                item = item.lstrip(" ")
            if not item:
                continue
            if isinstance(last, str) and pieces[-1][1] == fmt:
                pieces[-1] = (last + item, fmt)
                continue
        pieces.append((item, fmt))
    while pieces and isinstance(pieces[-1][0], str) and pieces[-1][0].endswith(" "):
        text = pieces[-1][0].rstrip(" ")
        pieces[-1:] = [(text, pieces[-1][1])] if text else []
    if all(item is _BREAK or (isinstance(item, str) and item.isspace()) for item, _ in pieces):
        return []
    return pieces


def _naive_utc(stamp: dt.datetime) -> dt.datetime:
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


def _new_document(language: str, title: str, stamp: dt.datetime) -> Any:
    """An empty A4 document: margins, body size, language, note style, core properties."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    section.top_margin = section.bottom_margin = section.left_margin = PAGE_MARGIN
    section.right_margin = PAGE_MARGIN
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/"
                                            f"{qn('w:rPr')}")
    for name in ("w:sz", "w:szCs"):
        defaults.find(qn(name)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    defaults.find(qn("w:lang")).set(qn("w:val"), language)
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:val"), language)
    document.styles["Table Grid"].font.size = TABLE_SIZE
    note = document.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.font.size, note.font.color.rgb = TABLE_SIZE, RGBColor(0x4D, 0x56, 0x60)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):  # the template's thumbnail is no report
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rel_id]
    core = document.core_properties
    core.title, core.language = title, language
    core.author = core.last_modified_by = DOCX_AUTHOR
    core.subject = core.keywords = core.category = core.comments = ""
    core.created = core.modified = _naive_utc(stamp)
    core.revision = 1
    return document


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The zip ``data`` again, each entry dated ``stamp``; same order and compression."""
    when = max(_naive_utc(stamp).timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # zip's first day
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = info.compress_type
            entry.create_system = 3  # as on Unix, wherever it was written
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def docx_bytes(html: str, *, stamp: dt.datetime, svg_to_png: SvgToPng | None = None,
               provenance: bool = True) -> bytes:
    """The ``.docx`` bytes of a rendered report page (see the module notes). ``svg_to_png``
    (default :func:`evaluation.render.svg_images_to_png`: Chromium, twice the size) is called
    once if the page has SVG images; ``provenance=False`` leaves the footer's section out."""
    page = lxml_html.document_fromstring(html)
    language = (page.get("lang") or "").strip()
    language = LANGUAGE_TAGS.get(language.lower(), language or "en-US")
    title = _SPACE.sub(" ", page.findtext(".//title") or "").strip()
    main = next(page.iter("main"), page.find("body"))
    parts = [main]
    footer = next((e for e in page.iter("section") if "provenance" in _classes(e)), None)
    if provenance and footer is not None and all(e is not footer for e in main.iter()):
        parts.append(footer)
    document = _new_document(language, title, stamp)
    writer = _Writer(document, _pictures(parts, svg_to_png))
    for part in parts:
        writer.children(part, document)
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue(), stamp)


def html_to_docx(html: str, path: str | Path, *, svg_to_png: SvgToPng | None = None,
                 stamp: dt.datetime, provenance: bool = True) -> Path:
    """Write a rendered report page as a Word document to ``path`` atomically; return the
    path. The same ``html`` and ``stamp`` give the same bytes (see :func:`docx_bytes`)."""
    return write_atomic(path, docx_bytes(html, stamp=stamp, svg_to_png=svg_to_png,
                                         provenance=provenance))
