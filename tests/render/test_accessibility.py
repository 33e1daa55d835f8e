"""Every page of the example project, checked by a real accessibility checker: axe-core
(Deque's engine, installed from npm by ``scripts/test.sh`` into ``.cache/node``) run inside
headless Chromium over each report, the synthesis, the slides, the handout and the index,
with the WCAG 2.0/2.1 A and AA rules. The expectation is zero violations.

axe is injected through the DevTools protocol (``Runtime.evaluate``), not into the file, so the
page is checked exactly as written, its Content-Security-Policy included.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.browser import chromium_available, open_page
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = ("axe.run(document, {runOnly: {type: 'tag', values: " + json.dumps(WCAG_AA)
           + "}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => "
           "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => "
           "n.target.join(' ') + ': ' + n.failureSummary)}))))")

needs_tools = pytest.mark.skipif(
    not (chromium_available() and AXE.is_file()),
    reason="needs Debian's chromium and axe-core in .cache/node (scripts/test.sh installs both)")


@pytest.fixture(scope="module")
def example_pages(example_output) -> list[Path]:
    pages = sorted(p for p in example_output.rglob("*.html") if "_run" not in p.parts)
    assert len(pages) >= 41  # 36 site reports, synthesis, slides, handout, index, dictionary
    return pages


def _violations(page: Path) -> list[dict]:
    visit = open_page(page, settle=0.2, timeout=60,
                      expressions=[AXE.read_text(encoding="utf-8") + "\n;true", RUN_AXE])
    return json.loads(visit.values[1])


@needs_tools
def test_every_page_of_the_example_has_no_wcag_21_aa_violation(example_pages):
    start = time.perf_counter()
    found = {}
    for page in example_pages:
        violations = _violations(page)
        if violations:
            found[str(page.relative_to(page.parents[1]))] = violations
    print(f"axe-core over {len(example_pages)} pages: {time.perf_counter() - start:.0f} s")
    assert found == {}


@needs_tools
def test_axe_finds_a_contrast_and_a_missing_alt_text_in_a_bad_page(tmp_path):
    """The checker is live: a page with grey-on-grey text and an image without alt text."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="de"><head><meta charset="utf-8"><title>x'
                    '</title></head><body><main><p style="color:#999;background:#aaa">'
                    'kaum lesbar</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw='
                    '"></main></body></html>', encoding="utf-8")
    assert {v["id"] for v in _violations(page)} >= {"color-contrast", "image-alt"}
