"""Rendering executed notebooks to HTML, on a notebook built here as papermill leaves it.

No kernel runs in this file; the end-to-end path is in test_browser_render.py.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluation.atomic import write_atomic
from evaluation.errors import LanguageError, RenderError
from evaluation.render import htmlcheck
from evaluation.render.html import failure_page, normalise_notebook, render_html, short_reason

WHEN = dt.datetime(2025, 11, 21, tzinfo=dt.UTC)
BRAND = {"project_name": "Vielfalt vor Ort", "primary_colour": "#224466",
         "accent_colour": "#aa3311"}
# a 1 x 1 PNG
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
       "rkJggg==")


def _timestamps(seed: int) -> dict:
    stamp = f"2026-01-0{seed}T10:00:00.000000Z"
    return {
        "papermill": {"start_time": stamp, "end_time": stamp, "duration": seed,
                      "status": "completed", "exception": False},
        "execution": {"iopub.execute_input": stamp, "shell.execute_reply": stamp},
    }


def executed_notebook(seed: int = 1) -> nbformat.NotebookNode:
    """A notebook as papermill returns it: injected parameters, timestamps, outputs."""
    code = []

    def cell(source, outputs=(), tags=(), count=None):
        c = new_code_cell(source, metadata={"tags": list(tags), **_timestamps(seed)},
                          execution_count=count, outputs=list(outputs))
        code.append(c)
        return c

    cells = [
        new_markdown_cell("# Bericht für K02"),
        cell('site: str = "K01"  # site key', tags=["parameters"], count=1),
        cell('# Parameters\nsite = "K02"\n', tags=["injected-parameters"], count=2),
        cell("print('hallo')\nimport warnings", count=3, outputs=[
            new_output("stream", name="stdout", text="hallo\n"),
            new_output("stream", name="stderr", text="UserWarning: nur für die Begleitung\n"),
        ]),
        new_markdown_cell("## Abschnitt"),
        cell("show_png()", count=4, outputs=[new_output(
            "display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
            metadata={"image/png": {"alt": "Ein Punkt"}})]),
        cell("1/0", count=5, outputs=[new_output(
            "error", ename="ZeroDivisionError", evalue="division by zero",
            traceback=["\x1b[0;31m----> 1\x1b[0m 1/0", "ZeroDivisionError: division by zero"])]),
        cell("secret = 42\nprint(secret)", tags=["remove-cell"], count=6,
             outputs=[new_output("stream", name="stdout", text="SECRET-OUTPUT\n")]),
        cell("display_table()", tags=["remove-input"], count=7, outputs=[new_output(
            "display_data", data={"text/html": "<p>nur die Ausgabe</p>"})]),
        cell("hidden_output = 1", tags=["remove-output"], count=8,
             outputs=[new_output("stream", name="stdout", text="HIDDEN-OUTPUT\n")]),
        cell("plot_js()", count=9, outputs=[new_output(
            "display_data", data={"application/javascript": "alert('x')",
                                  "text/plain": "JS-FALLBACK"})]),
        cell("only_js()", count=10, outputs=[new_output(
            "display_data", data={"application/javascript": "alert('only')"})]),
        new_markdown_cell("### Nur für die Begleitung", metadata={"tags": ["evaluator-only"]}),
        new_markdown_cell("Für Partner: Danke!", metadata={"tags": ["partner-only"]}),
    ]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
        "papermill": {"parameters": {"site": "K02"}, "start_time": f"2026-01-0{seed}",
                      "duration": seed, "input_path": f"/tmp/run{seed}/in.ipynb"},
    })
    for i, c in enumerate(nb.cells):  # random ids as papermill gives the injected cell
        c["id"] = f"{seed}-random-{i}"
    return nb


def render(nb=None, *, edition="partner", language="de", **kw) -> str:
    return render_html(nb or executed_notebook(), edition=edition, language=language,
                       branding=kw.pop("branding", BRAND), source_date=WHEN, **kw)


@pytest.fixture(scope="module")
def partner() -> str:
    return render(edition="partner")


@pytest.fixture(scope="module")
def evaluator() -> str:
    return render(edition="evaluator")


def test_the_partner_edition_passes_every_report_check(partner):
    assert htmlcheck.check_report(partner, edition="partner", language="de") == []


def test_the_evaluator_edition_passes_the_checks_that_apply_to_it(evaluator):
    problems = htmlcheck.check_report(evaluator, edition="evaluator", language="de")
    assert problems == []


def test_the_partner_edition_shows_no_code_no_prompts_no_stderr_no_traceback(partner):
    assert "print(" not in partner
    assert "site = " not in partner  # neither parameters cell
    assert "<details" not in partner.split("</style>")[-1]
    assert "In&nbsp;[" not in partner
    assert "Out[" not in partner
    assert "nur für die Begleitung" not in partner  # stderr
    assert "ZeroDivisionError" not in partner
    assert "hallo" in partner  # stdout stays


def test_the_evaluator_edition_folds_each_code_cell_into_details(evaluator):
    # cells 3, 4, 5, 8, 9, 10: not the parameters cells, remove-cell or remove-input
    assert evaluator.count('<details class="cell-input">') == 6
    assert "<summary>Code [3]</summary>" in evaluator
    assert "UserWarning: nur für die Begleitung" in evaluator
    assert "ZeroDivisionError" in evaluator  # the evaluator sees errors
    assert "# Parameters" not in evaluator  # parameters cells are removed in every edition


def test_cell_tags_remove_cells_inputs_and_outputs(partner, evaluator):
    for page in (partner, evaluator):
        assert "SECRET-OUTPUT" not in page
        assert "secret = 42" not in page
        assert "nur die Ausgabe" in page
        assert "HIDDEN-OUTPUT" not in page
    assert "display_table()" not in evaluator  # remove-input
    assert '<span class="n">hidden_output</span>' in evaluator  # remove-output keeps code


def test_edition_only_cells_appear_in_their_edition(partner, evaluator):
    assert "Nur für die Begleitung" in evaluator
    assert "Nur für die Begleitung" not in partner
    assert "Danke!" in partner
    assert "Danke!" not in evaluator


def test_scripts_are_never_rendered_and_a_static_fallback_is_shown(partner):
    assert "<script" not in partner
    assert "alert(" not in partner
    assert "JS-FALLBACK" in partner


def test_the_page_loads_nothing_and_forbids_loading_anything(partner):
    assert htmlcheck.external_urls(partner) == []
    assert "Content-Security-Policy" in partner
    assert "default-src 'none'" in partner
    for asset in ("mathjax", "require.js", "fonts.googleapis", "cdn.", "unpkg", "jsdelivr"):
        assert asset not in partner.lower()


def test_images_are_embedded_with_the_alt_text_from_output_metadata(partner):
    assert f'src="data:image/png;base64,{PNG}" alt="Ein Punkt"' in partner


def test_an_image_without_alt_metadata_is_left_without_alt_so_the_check_finds_it():
    nb = executed_notebook()
    nb.cells[5].outputs[0].metadata = {}
    page = render(nb)
    assert htmlcheck.images_without_alt(page) == ["data:image/png;base64," + PNG[:38]]
    assert "No description has been provided" not in page


def test_lang_title_project_name_colours_and_date_come_from_the_arguments(partner):
    assert '<html lang="de">' in partner
    assert "<title>Bericht für K02</title>" in partner
    assert "Vielfalt vor Ort" in partner
    assert "--brand-primary: #224466; --brand-accent: #aa3311;" in partner
    assert "Stand 21.11.2025" in partner
    english = render(language="en")
    assert '<html lang="en">' in english
    assert "As of 2025-11-21" in english


def test_the_logo_is_embedded_as_a_data_uri_with_alt_text(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(base64.b64decode(PNG))
    page = render(branding={**BRAND, "logo": logo})
    assert f'src="data:image/png;base64,{PNG}" alt="Logo: Vielfalt vor Ort"' in page
    assert str(tmp_path) not in page


def test_branding_accepts_the_project_record():
    from evaluation.config import Branding

    page = render(branding=Branding(project_name="Aus dem Projekt"))
    assert "Aus dem Projekt" in page


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#12345g;}body{x:y"])
def test_a_colour_that_is_not_a_hex_code_is_refused(colour):
    with pytest.raises(RenderError, match="hex colour"):
        render(branding={**BRAND, "primary_colour": colour})


def test_unknown_edition_or_language_is_an_error():
    with pytest.raises(RenderError, match="edition"):
        render(edition="public")
    with pytest.raises(LanguageError, match="language"):
        render(language="fr")


def test_the_project_name_is_escaped():
    page = render(branding={**BRAND, "project_name": "<script>x</script> & Co"})
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in page
    assert "<script>" not in page


def test_provenance_with_parameters_and_versions_is_in_every_report(partner, evaluator):
    for page in (partner, evaluator):
        assert "Herkunft der Ergebnisse" in page
        # the setting in words, its technical name beside it for reproduction
        assert "Kommune (Schlüssel) <code>site</code></th><td><code>K02</code>" in page
        assert '<th scope="row">nbconvert</th>' in page


def test_an_explicit_manifest_supplies_the_data_hash_and_context():
    record = {"parameters": {"site": "K02"}, "data_sha256": "f" * 64,
              "versions": {"python": "3.11.7"}, "wave": "w1"}
    page = render(provenance=record)
    assert "f" * 64 in page
    assert '<th scope="row">Erhebungswelle</th><td>w1</td>' in page


def test_runs_that_differ_only_in_timestamps_and_ids_render_byte_identical():
    assert render(executed_notebook(seed=1)) == render(executed_notebook(seed=2))
    assert render(executed_notebook(1), edition="evaluator") == render(
        executed_notebook(2), edition="evaluator")


def test_rendering_does_not_change_the_notebook_it_is_given():
    nb = executed_notebook()
    before = copy.deepcopy(nb)
    render(nb)
    assert nb == before


def test_normalising_strips_volatile_metadata_and_numbers_the_cells():
    clean = normalise_notebook(executed_notebook(seed=3))
    assert "papermill" not in clean.metadata
    assert [c.id for c in clean.cells] == [f"cell-{i}" for i in range(len(clean.cells))]
    assert all("papermill" not in c.metadata and "execution" not in c.metadata
               for c in clean.cells)
    nbformat.validate(clean)
    partner_nb = normalise_notebook(executed_notebook(), edition="partner")
    tags = [t for c in partner_nb.cells for t in c.metadata.get("tags", [])]
    assert "injected-parameters" not in tags
    assert "parameters" not in tags


def test_write_atomic_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "reports" / "K01.html"
    write_atomic(target, "alt")
    write_atomic(target, "neu ü")
    assert target.read_text(encoding="utf-8") == "neu ü"
    assert os.listdir(target.parent) == ["K01.html"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "K01.html"
    write_atomic(target, "alt")
    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # type: ignore[arg-type]
    assert target.read_text() == "alt"
    assert os.listdir(tmp_path) == ["K01.html"]


TRACEBACK = (
    "---------------------------------------------------------------------------\n"
    "ValueError                                Traceback (most recent call last)\n"
    "Cell In[4], line 2\n"
    "----> 2 raise ValueError('<b>keine Daten</b> für K01')\n"
    "ValueError: <b>keine Daten</b> für K01\n"
)


def test_the_partner_failure_page_shows_no_exception_text():
    page = failure_page("K01", "w1", TRACEBACK, "de", branding=BRAND, source_date=WHEN)
    assert htmlcheck.check_report(page, edition="partner", language="de") == []
    assert "Der Bericht für K01 (w1) konnte nicht erstellt werden" in page
    assert "technischer Fehler" in page
    assert "ValueError" not in page
    assert "keine Daten" not in page
    assert "Cell In[" not in page
    assert "---->" not in page
    assert "Vielfalt vor Ort" in page


def test_the_evaluator_failure_page_adds_the_full_error_report():
    page = failure_page("K01", "w1", TRACEBACK, "en", edition="evaluator", source_date=WHEN)
    assert '<html lang="en">' in page
    assert "The report for K01 (w1) could not be produced" in page
    assert "ValueError: &lt;b&gt;keine Daten&lt;/b&gt; für K01" in page
    assert "<b>keine" not in page
    assert "Cell In[4], line 2" in page
    assert htmlcheck.heading_problems(page) == []
    assert htmlcheck.external_urls(page) == []


def test_the_failure_page_escapes_the_site_and_wave_and_is_deterministic():
    one = failure_page("<K01>", "w&1", "boom", "de")
    assert "&lt;K01&gt; (w&amp;1)" in one
    assert one == failure_page("<K01>", "w&1", "boom", "de")


@pytest.mark.parametrize(
    ("summary", "reason"),
    [
        (TRACEBACK, "ValueError: <b>keine Daten</b> für K01"),
        ("\x1b[0;31mKeyError\x1b[0m: 'K99'", "KeyError: 'K99'"),
        ("kernel died", "kernel died"),
        ("", ""),
    ],
)
def test_the_short_reason_is_the_error_line_of_a_summary(summary, reason):
    assert short_reason(summary) == reason


def test_a_long_reason_is_cut_short():
    assert len(short_reason("ValueError: " + "x" * 1000)) == 300
