"""Hostile strings from the data end up as text in every report, never as markup or code.

A copy of the example project carries HTML, Markdown, LaTeX and Jinja injections in every
text field that comes from data (site, organisation and project names, idea and goal titles,
wave labels, codebook wording, attribute labels; see ``tests/hostile.py``). The pipeline runs
once; every HTML output is then read as HTML (standard library parser) and opened in headless
Chromium. Expected: no script, event handler, frame or remote load comes from the data; the
payloads are shown escaped, as the text they are; ``{{7*7}}`` is not evaluated.
"""

from __future__ import annotations

import base64
import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evaluation.pipeline import run_pipeline
from tests.browser import chromium_available, open_page
from tests.hostile import hostile_project

pytestmark = pytest.mark.slow

SITES = [f"K{i:02d}" for i in range(1, 19)]
PAGES = ["index.html", "synthesis.html", "digest/slides.html", "digest/handout.html",
         *(f"partner/{s}.html" for s in SITES), *(f"evaluator/{s}.html" for s in SITES)]
#: the deck runs reveal.js: these two inline scripts are its own, and the only ones allowed
DECK = "digest/slides.html"
DECK_SCRIPTS = 2
#: elements that must never come out of data (an <img> is fine with a data: URI)
FORBIDDEN_TAGS = {"script", "iframe", "frame", "object", "embed", "svg", "math", "base",
                  "form", "input", "button", "meta", "link"}
ALLOWED_IN_HEAD = {"meta", "link"}
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "xlink:href", "data",
                  "poster", "background", "ping"}
SVG_URI = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
TEMPLATE_MARK = "«{{7*7}}»"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    project = hostile_project(tmp_path_factory.mktemp("hostile"))
    out = project.parent / "reports"
    start = time.perf_counter()
    summary = run_pipeline(project, out, jobs=2, progress=False)
    print(f"hostile pipeline: {time.perf_counter() - start:.0f} s {summary.seconds}")
    return out, summary


class _Page(HTMLParser):
    """Elements, attributes, text and style contents of a page, with where they occur."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, list[tuple[str, str | None]], tuple[str, ...]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs, tuple(self.stack)))
        if tag not in {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs, tuple(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        where = self.stack[-1] if self.stack else ""
        if where == "script":
            self.scripts.append(data)
        elif where == "style":
            self.styles.append(data)
        else:
            self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def markup_problems(page: str, *, deck: bool = False) -> list[str]:
    """Elements and attributes in a page that could only have come from an injection."""
    parsed = _parse(page)
    problems = []
    scripts = 0
    for tag, attrs, ancestors in parsed.elements:
        if tag == "script":
            scripts += 1
        elif tag in FORBIDDEN_TAGS and not (tag in ALLOWED_IN_HEAD and "head" in ancestors):
            problems.append(f"<{tag}> in the body: {attrs}")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "style" and re.search(r"url\(|expression|javascript:|@import", value):
                problems.append(f"<{tag} style={value[:60]!r}>")
            if name in URL_ATTRIBUTES:  # text attributes (alt, title) may hold any text
                # the index links the run's own files: relative paths, no scheme
                local = tag == "a" and (value.startswith("#") or bool(
                    re.fullmatch(r"[\w./-]+\.(html|pdf|xlsx|docx)", value)))
                if not (local or value.startswith("data:")) or "javascript:" in value.lower():
                    problems.append(f"<{tag} {name}={value[:60]!r}>")
    allowed = DECK_SCRIPTS if deck else 0
    if scripts != allowed:
        problems.append(f"{scripts} <script> element(s), expected {allowed}")
    for code in parsed.scripts:
        if "alert(" in code:
            problems.append("alert( inside a <script>")
    for css in parsed.styles:
        if "alert(" in css or "<" in css:
            problems.append("markup inside a <style>")
    return problems


def svg_problems(page: str) -> list[str]:
    """Scripts, handlers, foreign objects or links inside the SVG charts (data URIs)."""
    problems = []
    for number, match in enumerate(SVG_URI.finditer(page)):
        svg = base64.b64decode(match.group(1)).decode("utf-8")
        try:
            root = ET.fromstring(svg)
        except ET.ParseError as exc:
            problems.append(f"chart {number}: not well-formed XML ({exc})")
            continue
        for element in root.iter():
            name = element.tag.rsplit("}", 1)[-1].lower()
            if name in {"script", "foreignobject", "iframe", "a", "image"}:
                problems.append(f"chart {number}: <{name}>")
            if name == "style" and re.search(r"url\(|@import|expression|<",
                                             element.text or ""):
                problems.append(f"chart {number}: <style> loads or holds markup")
            for attribute, value in element.attrib.items():
                local = attribute.rsplit("}", 1)[-1].lower()
                if local.startswith("on"):
                    problems.append(f"chart {number}: {local}= on <{name}>")
                if local == "href" and not value.startswith("#"):
                    problems.append(f"chart {number}: href={value[:60]!r}")
    return problems


def _page(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def test_the_hostile_project_renders_every_report(hostile_run):
    out, summary = hostile_run
    assert summary.validation is not None
    assert summary.validation.ok
    assert [f.key for f in summary.failures] == [], [f.error for f in summary.failures]
    for name in PAGES:
        assert (out / name).is_file(), name
    assert not list(out.rglob("*.tmp"))


@pytest.mark.parametrize("name", PAGES)
def test_payloads_stay_text_in_the_html(hostile_run, name):
    out, _ = hostile_run
    page = _page(out, name)
    assert markup_problems(page, deck=name == DECK) == []
    lowered = page.lower()
    for raw in ("<script>alert", "<img src=x", '<iframe src="https', "<svg onload",
                "</style><script>"):
        assert raw not in lowered, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, escaped
    text = "".join(_parse(page).text)
    assert "<script>alert(1)</script>" in text
    assert '"><img src=x onerror=alert(2)>' in text
    assert "[click](javascript:alert(3))" in text  # Markdown is not rendered
    assert "$\\href{javascript:alert(4)}{x}$" in text  # nor LaTeX
    assert TEMPLATE_MARK in text  # nor Jinja
    assert "«49»" not in text
    assert "{% raw %}" in text


@pytest.mark.parametrize("name", PAGES)
def test_charts_carry_the_payloads_as_svg_text_only(hostile_run, name):
    out, _ = hostile_run
    page = _page(out, name)
    assert svg_problems(page) == []


def test_the_charts_show_hostile_labels_as_text(hostile_run):
    out, _ = hostile_run
    svgs = [base64.b64decode(m.group(1)).decode("utf-8")
            for m in SVG_URI.finditer(_page(out, "partner/K01.html"))]
    assert svgs
    labels = "".join("".join(ET.fromstring(svg).itertext()) for svg in svgs)
    assert "&lt;script&gt;" in "".join(svgs)  # escaped in the SVG source
    assert "<script>alert(1)</script>" in labels  # and shown as the text it is
    assert "$\\href{javascript:alert(4)}{x}$" in labels  # no mathtext


@pytest.mark.skipif(not chromium_available(), reason="Debian's /usr/bin/chromium is missing")
@pytest.mark.parametrize("name", PAGES)
def test_chromium_opens_each_page_without_dialog_request_or_error(hostile_run, name):
    out, _ = hostile_run
    visit = open_page(out / name, settle=0.3)
    assert visit.dialogs == []
    assert visit.requests_outside(("file", "data")) == []
    assert visit.console_errors == []
    assert visit.blocked == []


def test_the_checks_find_planted_markup():
    page = ('<html><head><meta charset="utf-8"></head><body><p>x"><img src=x '
            'onerror=alert(2)><iframe src="https://example.org"></iframe>'
            '<a href="javascript:alert(3)">c</a><script>alert(1)</script></p></body></html>')
    found = markup_problems(page)
    assert "event handler onerror='alert(2)' on <img>" in found
    assert "<img src='x'>" in found
    assert "<a href='javascript:alert(3)'>" in found
    assert "1 <script> element(s), expected 0" in found
    assert any(f.startswith("<iframe>") for f in found)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)'
           "</script></svg>")
    uri = base64.b64encode(svg.encode()).decode()
    assert svg_problems(f'<img src="data:image/svg+xml;base64,{uri}">') == [
        "chart 0: onload= on <svg>", "chart 0: <script>"]
