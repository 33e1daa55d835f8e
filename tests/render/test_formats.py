"""The formats beside the HTML reports, on the example project run once with every format:
tagged PDF (Chromium) that passes the tag checks, workbooks that equal the report's figures,
and an index and a manifest that list and hash every file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.render import PdfJob, chromium_path, print_pdfs, source_date, tag_problems
from evaluation.report import build_site_view
from evaluation.results import load_results
from tests.conftest import EXAMPLE_FORMATS

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                    reason="needs Debian's chromium (scripts/test.sh)")
PRINTED = ["synthesis", "digest/handout"] + [f"{e}/K{i:02d}" for e in ("partner", "evaluator")
                                             for i in range(1, 19)]


@needs_chromium
def test_every_report_has_a_tagged_pdf_with_language_title_bookmarks_and_alt_texts(
        example_output):
    assert "pdf" in EXAMPLE_FORMATS
    problems = {key: found for key in PRINTED
                if (found := tag_problems(example_output / f"{key}.pdf"))}
    assert problems == {}
    assert not (example_output / "digest" / "slides.pdf").exists()  # the handout is the print


@needs_chromium
def test_the_partner_pdf_of_k07_has_the_report_s_headings_as_bookmarks_and_ten_pages(
        example_output):
    import pikepdf

    with pikepdf.open(example_output / "partner" / "K07.pdf") as pdf:
        assert str(pdf.Root.Lang) == "de"
        assert str(pdf.docinfo["/Title"]) == "Netzwerkbericht Landkreis Mühlengrund"
        assert str(pdf.docinfo["/CreationDate"]) == "D:20261101000000Z"  # the report date
        with pdf.open_outline() as outline:
            top = outline.root[0]
            chapters = [item.title for item in top.children]
        assert top.title == "Netzwerkbericht Landkreis Mühlengrund"
        assert chapters[:3] == ["Das Wichtigste in Kürze",
                                "Erfolgsfaktoren im Vergleich mit den anderen Kommunen",
                                "Veränderung seit der Zwischenerhebung"]
        assert chapters[-1] == "Herkunft der Ergebnisse"
        assert len(pdf.pages) <= 10  # measured: 10 A4 pages


@needs_chromium
def test_printing_the_same_page_again_gives_the_same_bytes(example_output, tmp_path):
    page = example_output / "partner" / "K18.html"
    jobs = [PdfJob(page, tmp_path / "a.pdf"), PdfJob(page, tmp_path / "b.pdf")]
    outcomes = print_pdfs(jobs, date=source_date(None), workers=2)
    assert [o.error for o in outcomes] == [None, None]
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_a_page_that_cannot_be_printed_fails_alone(example_output, tmp_path):
    if chromium_path() is None:
        pytest.skip("needs Debian's chromium (scripts/test.sh)")
    jobs = [PdfJob(tmp_path / "missing.html", tmp_path / "missing.pdf"),
            PdfJob(example_output / "digest" / "handout.html", tmp_path / "handout.pdf")]
    outcomes = print_pdfs(jobs, date=source_date(None))
    assert outcomes[0].error is not None
    assert not (tmp_path / "missing.pdf").exists()
    assert outcomes[1].error is None
    assert outcomes[1].pages >= 1


def test_the_workbook_of_k07_reads_back_as_the_report_s_profile(example_output):
    view = build_site_view(load_results(example_output / "_run"), "K07", "w3")
    profile = pd.read_excel(example_output / "partner" / "K07.xlsx", sheet_name="Profil")
    means = profile.set_index("Bereich")["Mittelwert"]
    expected = view.factors.set_index("label_de")["mean"]
    assert list(means.index) == list(expected.index)
    assert means.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)


def test_the_index_links_and_the_manifest_hashes_every_format(example_output):
    manifest = json.loads((example_output / "manifest.json").read_text(encoding="utf-8"))
    outputs = manifest["outputs"]
    index = (example_output / "index.html").read_text(encoding="utf-8")
    formats = {record["format"] for record in outputs.values()}
    assert formats >= {"html", "xlsx"}
    for key, record in outputs.items():
        path = example_output / record["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"], key
        if record["format"] != "html" or key == "data_dictionary":
            assert f'href="{Path(record["path"]).as_posix()}"' in index, key


def test_without_a_browser_every_pdf_and_word_file_fails_alone_and_the_rest_is_written(
        example_output, tmp_path, monkeypatch):
    from evaluation.config import load_project
    from evaluation.formats import write_formats
    from tests.conftest import EXAMPLE

    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-browser"))
    (tmp_path / "partner").mkdir()
    page = tmp_path / "partner" / "K07.html"
    page.write_bytes((example_output / "partner" / "K07.html").read_bytes())
    records = write_formats(load_project(EXAMPLE), load_results(example_output / "_run"),
                            tmp_path, [{"key": "partner/K07", "path": str(page)}], wave="w3",
                            date=source_date(None), formats=("pdf", "docx"))
    by_key = {r["key"]: r for r in records}
    assert by_key["data_dictionary"].get("failed") is None
    for key in ("partner/K07.pdf", "partner/K07.docx"):
        assert by_key[key]["failed"] is True
        assert "Chromium was not found" in by_key[key]["error"]
    assert not (tmp_path / "partner" / "K07.pdf").exists()
