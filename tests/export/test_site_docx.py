"""The partner report as a Word document: made from the rendered page, read back with
python-docx.

The fast tests convert a small hand-written page shaped like a partner report (page header,
contents, print-only and screen-only parts, a table, three figures, lists, a glossary, the
provenance footer) with a stand-in for Chromium that returns a tiny PNG. One slow test converts
K07's real partner page with the real Chromium converter.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from evaluation.export.site_docx import DOCX_AUTHOR, docx_bytes, html_to_docx
from evaluation.render import chromium_path
from evaluation.render.htmlcheck import heading_outline

STAMP = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)


def svg(width_pt: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_pt}pt" height="100pt" '
            f'viewBox="0 0 {width_pt} 100"><rect width="{width_pt}" height="100"/></svg>')


def data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode()


PAGE = f"""<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Netzwerkbericht Musterstadt</title>
<style>body {{ color: black; }}</style></head>
<body>
<a class="skip-link" href="#main">Zum Inhalt springen</a>
<header class="report-header"><p class="report-project">Beispielprojekt</p></header>
<main id="main">
<div class="output-html"><style>.er-small {{ font-size: 90%; }}</style>
<h1 id="title">Netzwerkbericht Musterstadt</h1>
<p class="er-facts">Befragung: Abschlusserhebung · 33 Antworten</p>
</div>
<div class="output-html"><nav class="report-contents"><p>Inhalt</p>
<ol><li><a href="#messages">Das Wichtigste</a></li><li><a href="#profile">Profil</a></li></ol>
</nav>
<h2 id="messages">Das Wichtigste in Kürze</h2>
<ul><li>Vertrauen liegt <strong>über</strong> dem Durchschnitt.</li><li>Zweite Botschaft.</li></ul>
<h2 id="profile">Profil</h2>
<p>Erste  Zeile
   mit <strong>fett</strong> und <em>kursiv</em>.<span class="er-print-only"> Die Werte
   stehen in der Bildschirmfassung.</span></p>
<figure class="er-figure"><img src="{data_uri(svg(360))}" alt="Profil von 3 Skalen:
  Vertrauen 3,86."><figcaption>Erfolgsfaktoren in Musterstadt</figcaption></figure>
<p class="er-print-only er-small">Die Tabelle steht in der Bildschirmfassung.</p>
<div class="er-screen-only"><h3 id="factor-table">Alle Werte</h3>
<div class="table-wrap"><table class="report-table">
<caption>Mittelwerte in Musterstadt</caption>
<thead><tr><th scope="col">Bereich</th><th scope="col" class="num">Mittelwert</th>
<th scope="col">Einordnung</th></tr></thead>
<tbody>
<tr><th scope="row">Vertrauen</th><td class="num">3,86</td><td>▲ über dem Durchschnitt</td></tr>
<tr><th scope="row">Transparenz</th><td class="num">3,45</td><td></td></tr>
</tbody></table>
<p class="table-note">– = weniger als 5 Antworten.</p></div></div>
<h3 id="wide">Breite Abbildungen</h3>
<figure><img src="{data_uri(svg(900))}" alt="Breit"><figcaption>Zu breit</figcaption></figure>
<figure><img src="{data_uri(svg(360))}" alt="Schmal" style="max-width:20rem">
<figcaption>Begrenzt</figcaption></figure>
<h2 id="ideas">Ideen</h2>
<ol><li>Runder Tisch</li><li>Jobmesse</li></ol>
<p>Und weitere:</p>
<ol><li>Sprechstunde</li></ol>
<h2 id="glossary">Begriffe</h2>
<dl class="er-glossary"><dt>Mittelwert</dt><dd>Der Durchschnitt der Antworten.</dd></dl>
</div>
</main>
<footer class="report-footer"><section class="provenance">
<h2 id="provenance-title">Herkunft der Ergebnisse</h2>
<table class="provenance-table"><caption>Daten und Erstellung</caption>
<tbody><tr><th scope="row">Stand</th><td>01.11.2026</td></tr></tbody></table>
</section></footer>
</body>
</html>
"""


class FakeChromium:
    """Stands in for the Chromium converter: a 4 x 2 PNG for each SVG, calls recorded."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, svgs: list[str]) -> list[bytes]:
        self.calls.append(list(svgs))
        buffer = io.BytesIO()
        Image.new("RGB", (4, 2), "white").save(buffer, format="PNG")
        return [buffer.getvalue()] * len(svgs)


def read_back(page: str = PAGE, **options) -> docx.document.Document:
    data = docx_bytes(page, stamp=STAMP, svg_to_png=FakeChromium(), **options)
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def document() -> docx.document.Document:
    return read_back()


def text_width(document) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def styled(document, *names: str) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name in names]


def all_text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_headings_come_back_in_order_with_title_and_heading_styles(document):
    assert styled(document, "Title", "Heading 1", "Heading 2") == [
        ("Title", "Netzwerkbericht Musterstadt"),
        ("Heading 1", "Das Wichtigste in Kürze"),
        ("Heading 1", "Profil"),
        ("Heading 2", "Alle Werte"),
        ("Heading 2", "Breite Abbildungen"),
        ("Heading 1", "Ideen"),
        ("Heading 1", "Begriffe"),
        ("Heading 1", "Herkunft der Ergebnisse"),
    ]


def test_a_paragraph_keeps_bold_and_italic_runs_and_white_space_collapses_as_in_a_browser(
        document):
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Erste"))
    assert paragraph.style.name == "Normal"
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs] == [
        ("Erste Zeile mit ", False, False), ("fett", True, False), (" und ", False, False),
        ("kursiv", False, True), (".", False, False)]


def test_lists_become_bullet_and_number_paragraphs_and_each_numbered_list_counts_from_one(
        document):
    assert styled(document, "List Bullet", "List Number") == [
        ("List Bullet", "Vertrauen liegt über dem Durchschnitt."),
        ("List Bullet", "Zweite Botschaft."),
        ("List Number", "Runder Tisch"), ("List Number", "Jobmesse"),
        ("List Number", "Sprechstunde")]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]  # two lists, two numberings
    numbering = document.part.numbering_part.element
    for num_id in {num_ids[0], num_ids[2]}:
        start = numbering.num_having_numId(num_id).xpath("./w:lvlOverride/w:startOverride")
        assert [s.get(qn("w:val")) for s in start] == ["1"]


def test_the_glossary_gives_a_bold_term_and_its_indented_definition(document):
    index = next(i for i, p in enumerate(document.paragraphs) if p.text == "Mittelwert")
    term, definition = document.paragraphs[index:index + 2]
    assert [bool(r.bold) for r in term.runs] == [True]
    assert term.paragraph_format.keep_with_next
    assert definition.text == "Der Durchschnitt der Antworten."
    assert round(definition.paragraph_format.left_indent.mm, 1) == 5.0


def test_a_table_becomes_a_word_table_with_its_cells_its_caption_above_and_its_note_after(
        document):
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Bereich", "Mittelwert", "Einordnung"],
        ["Vertrauen", "3,86", "▲ über dem Durchschnitt"],
        ["Transparenz", "3,45", ""]]
    assert table.style.name == "Table Grid"
    body = list(document.element.body)
    before, after = body[body.index(table._tbl) - 1], body[body.index(table._tbl) + 1]
    assert (before.style, before.xpath("string(.)")) == ("Caption", "Mittelwerte in Musterstadt")
    assert (after.style, after.xpath("string(.)")) == ("TableNote", "– = weniger als 5 Antworten.")


def test_the_header_row_repeats_on_each_page_and_header_cells_are_bold(document):
    table = document.tables[0]
    repeated = [bool(row._tr.xpath("./w:trPr/w:tblHeader")) for row in table.rows]
    assert repeated == [True, False, False]
    bold = [[all(r.bold for r in c.paragraphs[0].runs) for c in row.cells[:2]]
            for row in table.rows[:2]]
    assert bold == [[True, True], [True, False]]  # column headers and the row header
    assert table.cell(1, 1).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # class num


def test_each_figure_is_a_picture_with_its_alt_text_and_its_caption_below():
    chromium = FakeChromium()
    document = docx.Document(io.BytesIO(docx_bytes(PAGE, stamp=STAMP, svg_to_png=chromium)))
    assert len(chromium.calls) == 1  # one browser for all pictures
    assert [re.search(r'width="(\d+)pt"', s).group(1) for s in chromium.calls[0]] == [
        "360", "900", "360"]
    shapes = document.inline_shapes
    assert [s._inline.docPr.get("descr") for s in shapes] == [
        "Profil von 3 Skalen: Vertrauen 3,86.", "Breit", "Schmal"]
    # as wide as the SVG, at most the text width, at most the CSS max-width (20 rem = 240 pt)
    assert [s.width for s in shapes] == [Pt(360), text_width(document), Pt(240)]
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p._p.xpath(".//wp:docPr"))
    assert paragraphs[index].paragraph_format.keep_with_next
    assert (paragraphs[index + 1].style.name, paragraphs[index + 1].text) == (
        "Caption", "Erfolgsfaktoren in Musterstadt")


def test_print_only_notes_the_contents_and_the_page_furniture_are_left_out(document):
    text = all_text(document)
    assert "Bildschirmfassung" not in text  # .er-print-only, a span and a paragraph
    assert "Inhalt" not in text  # nav.report-contents
    assert "Zum Inhalt springen" not in text
    assert "Beispielprojekt" not in text
    assert "font-size" not in text  # styles
    assert "color: black" not in text


def test_screen_only_tables_are_kept(document):
    assert any(p.text == "Alle Werte" for p in document.paragraphs)
    assert document.tables[0].cell(1, 0).text == "Vertrauen"


def test_the_provenance_section_of_the_footer_is_kept_in_small_print_unless_left_out(document):
    provenance = document.tables[-1]
    assert [[c.text for c in row.cells] for row in provenance.rows] == [["Stand", "01.11.2026"]]
    assert {r.font.size for c in provenance.rows[0].cells for r in c.paragraphs[0].runs} == {
        Pt(7.5)}
    without = read_back(provenance=False)
    assert "Herkunft der Ergebnisse" not in all_text(without)
    assert len(without.tables) == 1


def test_the_same_page_gives_the_same_bytes_and_each_zip_entry_carries_the_stamp(tmp_path):
    first = html_to_docx(PAGE, tmp_path / "a.docx", svg_to_png=FakeChromium(), stamp=STAMP)
    second = html_to_docx(PAGE, tmp_path / "b.docx", svg_to_png=FakeChromium(), stamp=STAMP)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 1, 9, 30, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in archive.namelist()
    later = docx_bytes(PAGE, stamp=STAMP + dt.timedelta(days=1), svg_to_png=FakeChromium())
    assert later != first.read_bytes()


def test_core_properties_carry_title_language_author_and_the_stamp_not_the_clock(document):
    core = document.core_properties
    assert core.title == "Netzwerkbericht Musterstadt"
    assert core.language == "de-DE"
    assert core.author == core.last_modified_by == DOCX_AUTHOR
    assert core.created == core.modified == STAMP
    assert core.revision == 1
    assert core.last_printed is None
    assert core.comments == ""  # not the template's "generated by python-docx"


def test_the_page_is_a4_with_14_mm_margins_10_pt_text_and_the_page_s_language(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert {round(section.top_margin.mm, 1), round(section.bottom_margin.mm, 1),
            round(section.left_margin.mm, 1), round(section.right_margin.mm, 1)} == {14.0}
    defaults = "./w:docDefaults/w:rPrDefault/w:rPr"
    assert document.styles.element.xpath(f"{defaults}/w:sz/@w:val") == ["20"]  # half-points
    assert document.styles.element.xpath(f"{defaults}/w:lang/@w:val") == ["de-DE"]
    english = read_back(PAGE.replace('<html lang="de">', '<html lang="en">'))
    assert english.core_properties.language == "en-US"
    assert english.styles.element.xpath(f"{defaults}/w:lang/@w:val") == ["en-US"]


def test_a_page_without_svg_images_never_starts_the_converter():
    def no_browser(svgs):
        raise AssertionError("the converter was called")

    page = re.sub(r"<figure>.*?</figure>|<figure class.*?</figure>", "", PAGE, flags=re.S)
    document = docx.Document(io.BytesIO(docx_bytes(page, stamp=STAMP, svg_to_png=no_browser)))
    assert len(document.inline_shapes) == 0
    assert document.paragraphs[0].text == "Netzwerkbericht Musterstadt"


@pytest.mark.slow
@pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium (scripts/test.sh)")
def test_k07_s_partner_page_converts_end_to_end_with_chromium(example_output, tmp_path):
    page = (example_output / "partner" / "K07.html").read_text(encoding="utf-8")
    path = html_to_docx(page, tmp_path / "K07.docx", stamp=STAMP)
    document = docx.Document(str(path))
    sections = [text for level, text in heading_outline(page) if level == 2]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == sections
    assert sections[0] == "Das Wichtigste in Kürze"
    figure_alts = [re.sub(r"[ \t\n\r\f]+", " ", html.unescape(alt)).strip() for alt in re.findall(
        r'<figure\b[^>]*>\s*<img\b[^>]*?\balt="([^"]+)"', page)]  # no-break spaces stay
    assert len(figure_alts) >= 4
    assert [s._inline.docPr.get("descr") for s in document.inline_shapes] == figure_alts
    assert all(s.width <= text_width(document) for s in document.inline_shapes)
