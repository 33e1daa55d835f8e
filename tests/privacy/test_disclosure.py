"""Disclosure control end to end: nothing suppressed can be read or differenced out.

The example project has one site-wave below k = 5: K18 (Schwalbenried) has 3 respondents in
w2. Two kinds of check:

* **Differencing** (on the computed results): every pool-level figure of w2 that a report can
  show must be the same whether K18's three w2 respondents are in the data or removed. If it
  were not, "pool with K18" next to "pool without K18" (or next to the other sites' figures)
  would give K18's sum and so its mean by subtraction.
* **Published outputs** (one pipeline run of the example): K18's w2 count, means and shares
  appear in no partner report, evaluator report, synthesis, digest or manifest; no partner
  report names another site; partner reports show no respondent subgroups.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from evaluation import columns as C
from evaluation.analysis.compute import compute_results, pool_scores
from evaluation.config import load_project
from evaluation.io import validate_project
from evaluation.pipeline import results_meta
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.slow

SMALL_SITE, SMALL_WAVE, REPORT_WAVE = "K18", "w2", "w3"
SITE_NAMES = {s["key"]: s["name"] for s in yaml.safe_load(
    (EXAMPLE / "project.yml").read_text(encoding="utf-8"))["sites"]}
WAVE_LABELS = {"w1": "Ausgangserhebung", "w2": "Zwischenerhebung", "w3": "Abschlusserhebung"}
#: bootstrap draws for the twin computation (the figures compared do not depend on it)
N_BOOT = 50
NUMBER = re.compile(r"\d")


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def twin():
    """The example's results, and the same results with K18's w2 respondents removed."""
    project = load_project(EXAMPLE)
    validation = validate_project(project)
    assert validation.ok
    survey = validation.survey
    respondents = survey.respondents
    small = (respondents[C.SITE] == SMALL_SITE) & (respondents[C.WAVE] == SMALL_WAVE)
    assert int(small.sum()) == 3
    ids = set(respondents.loc[small, C.RESPONDENT])
    answers = survey.responses
    drop = (answers[C.WAVE] == SMALL_WAVE) & answers[C.RESPONDENT].isin(ids)
    without = dataclasses.replace(survey, respondents=respondents[~small].reset_index(drop=True),
                                  responses=answers[~drop].reset_index(drop=True))
    meta = results_meta(project, {"data_sha256": "0" * 64})
    start = time.perf_counter()
    full = compute_results(project, survey, validation.participation, n_boot=N_BOOT, meta=meta)
    reduced = compute_results(project, without, validation.participation, n_boot=N_BOOT,
                              meta=meta)
    print(f"two computations: {time.perf_counter() - start:.0f} s")
    return full, reduced, validation


@pytest.fixture(scope="module")
def example_run(example_output):
    return example_output


# ------------------------------------------------------------------------ differencing


def _involves(table: pd.DataFrame, wave: str) -> pd.Series:
    mask = pd.Series(False, index=table.index)
    for column in ("wave", "wave_from", "wave_to", "term"):
        if column in table:
            mask |= table[column] == wave
    return mask


def _w2_rows(table: pd.DataFrame, *, level: str | None = None) -> pd.DataFrame:
    """Rows of w2 (or of a change from or into w2) that are not K18's own."""
    rows = table[_involves(table, SMALL_WAVE)]
    if C.SITE in rows:
        rows = rows[rows[C.SITE].astype(str) != SMALL_SITE]
    if level is not None:
        rows = rows[rows["level"] == level]
    return rows.reset_index(drop=True)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    """Columns in which two frames of the same shape differ (NaN equals NaN)."""
    assert a.shape == b.shape, (a.shape, b.shape)
    differ = []
    for column in a.columns:
        x, y = a[column], b[column]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            equal = np.allclose(x.to_numpy(float), y.to_numpy(float), rtol=0, atol=1e-12,
                                equal_nan=True)
        else:
            equal = x.astype(str).tolist() == y.astype(str).tolist()
        if not equal:
            differ.append(str(column))
    return differ


#: table -> rows compared; the pool figures of w2 a report can show (pool rows, benchmarks
#: of the other sites, models fitted on the pool, diagnostics of the pool)
POOL_FIGURES = {
    "site_vs_pool": lambda t: _w2_rows(t),  # benchmarks, pool and others' means per site
    "challenges": lambda t: _w2_rows(t),  # the pool rows and the other sites
    "change": lambda t: _w2_rows(t),  # pool rows and other sites, into and out of w2
    "paired_change": lambda t: _w2_rows(t),
    "drivers": lambda t: _w2_rows(t),
    "eye_level": lambda t: _w2_rows(t),
    "wave_model": lambda t: t.reset_index(drop=True),
    "aggregation": lambda t: _w2_rows(t),
    "reliability": lambda t: _w2_rows(t, level="pool"),
    "items": lambda t: _w2_rows(t),
    "item_quality": lambda t: t.reset_index(drop=True),  # all sites and waves together
}
#: pool figures still computed from every respondent, K18's three of w2 included: the fix
#: belongs in evaluation/analysis.py (see the notes of each); strict, so that the fix shows
ANALYSIS_LEAKS: dict[str, str] = {}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=ANALYSIS_LEAKS[name]))
    if name in ANALYSIS_LEAKS else name for name in POOL_FIGURES])
def test_no_pool_figure_of_w2_changes_when_the_small_site_is_removed(twin, name):
    full, reduced, _ = twin
    select = POOL_FIGURES[name]
    assert name in full.tables, name
    a, b = select(full.tables[name]), select(reduced.tables[name])
    assert len(a) > 0
    assert _same(a, b) == []


def test_the_digest_of_w2_is_the_same_without_the_small_site(twin):
    from evaluation.report.digest import findings

    full, reduced, _ = twin
    assert findings(full, "de", wave=SMALL_WAVE).equals(findings(reduced, "de", wave=SMALL_WAVE))


def test_the_small_site_has_no_statistic_of_w2_in_the_results_reports_read(twin):
    full, _, _ = twin
    svp = full.tables["site_vs_pool"]
    own = svp[(svp[C.SITE] == SMALL_SITE) & (svp[C.WAVE] == SMALL_WAVE)]
    assert len(own) > 0
    assert own["suppressed"].all()
    assert (own[C.N] == 0).all()
    values = own.drop(columns=[C.WAVE, C.SCALE, C.SITE, C.N, "suppressed"])
    assert values.isna().all().all()
    ch = full.tables["challenges"]
    own = ch[(ch[C.SITE] == SMALL_SITE) & (ch[C.WAVE] == SMALL_WAVE)]
    assert len(own) > 0
    assert own[["mean", "share_agree"]].isna().all().all()
    change = full.tables["change"]
    own = change[(change[C.SITE] == SMALL_SITE) & _involves(change, SMALL_WAVE)]
    assert len(own) > 0
    assert own["suppressed"].all()
    assert own[["mean_from", "mean_to", "difference"]].isna().all().all()


def test_groups_compared_for_eye_level_have_at_least_k_respondents(twin):
    full, _, validation = twin
    k = 5
    pooled = pool_scores(full.tables["scores"], full.tables["shown"], k=k)
    people = validation.survey.respondents
    for row in full.tables["eye_level"].to_dict("records"):
        part = pooled[(pooled[C.WAVE] == row[C.WAVE]) & (pooled[C.SCALE] == row[C.SCALE])
                      & pooled[C.SCORE].notna()]
        part = part.merge(people[[C.RESPONDENT, C.WAVE, row["attribute"]]],
                          on=[C.RESPONDENT, C.WAVE])
        sizes = part.groupby(row["attribute"]).size()
        for group in filter(None, str(row["groups"]).split(", ")):
            assert sizes[group] >= k, (row[C.WAVE], row[C.SCALE], group, sizes[group])


# ------------------------------------------------------------------ published outputs


class _Tables(HTMLParser):
    """Tables (caption, rows of cell texts) and the prose outside tables of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.prose: list[str] = []
        self._table: dict | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "details"):
            self._skip += 1
        elif tag == "table":
            self._table = {"caption": "", "rows": []}
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script", "details"):
            self._skip -= 1
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "caption" and self._caption is not None and self._table is not None:
            self._table["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table["rows"].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)
        elif self._table is None:
            self.prose.append(data)


def _read(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    parser.close()
    return parser


def _everything(page: str) -> str:
    """Page text with attributes, SVG charts decoded and entities resolved (no scripts)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = re.sub(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)",
                  lambda m: base64.b64decode(m.group(1)).decode("utf-8"), page)
    page = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(page)


def _pages(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*.html")) if "_run" not in p.parts}


def _numeric(cell: str) -> bool:
    return bool(NUMBER.search(cell))


def small_site_wave_leaks(name: str, page: str) -> list[str]:
    """Numbers shown for K18 in w2: in K18's own reports, or in a K18 row or column of a
    table about w2 elsewhere."""
    w2 = WAVE_LABELS[SMALL_WAVE]
    own_page = Path(name).stem == SMALL_SITE
    found = []
    parsed = _read(page)
    for table in parsed.tables:
        rows = table["rows"]
        if not rows:
            continue
        header = rows[0]
        about_w2 = w2 in table["caption"] or any(w2 in cell for cell in header)
        for r, row in enumerate(rows[1:], start=1):
            row_is_w2 = row[0] == w2 or (own_page and w2 in row[0])  # "seit der ..."
            row_is_site = row[0] == SMALL_SITE or row[0].startswith(
                (f"{SMALL_SITE} ", SITE_NAMES[SMALL_SITE]))
            for c, cell in enumerate(row[1:], start=1):
                column = header[c] if c < len(header) else ""
                if column in ("eingeladen", "invited"):  # invitations, not answers
                    continue
                column_is_w2 = column == w2
                column_is_site = column in (SMALL_SITE, SITE_NAMES[SMALL_SITE])
                hit = (own_page and (row_is_w2 or column_is_w2)) or (
                    about_w2 and (row_is_site or column_is_site)) or (
                    (row_is_site and column_is_w2) or (column_is_site and row_is_w2))
                if hit and _numeric(cell):
                    found.append(f"{table['caption']!r} row {r} ({row[0]}), "
                                 f"column {column!r}: {cell}")
    if own_page:
        prose = " ".join(" ".join(parsed.prose).split())
        for sentence in re.split(r"(?<=[.!?])\s", prose):
            if w2 in sentence and _numeric(sentence):
                found.append(f"sentence: {sentence}")
    return found


def test_the_small_site_wave_shows_no_number_in_any_report(example_run):
    pages = _pages(example_run)
    assert len(pages) == 41  # 36 site reports, synthesis, slides, handout, index, dictionary
    found = {name: leaks for name, page in pages.items()
             if (leaks := small_site_wave_leaks(name, page))}
    assert found == {}


def _sheets(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as rows of cell texts (empty cells as "")."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {sheet.title: [["" if v is None else str(v) for v in row]
                          for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def workbook_leaks(path: Path) -> list[str]:
    """Numbers for K18 in w2 in a workbook: a row naming K18 (key or name) and w2 (key or
    label) with a number beside the key columns, or, in K18's own workbook, a w2 row or
    column with a number."""
    w2 = (SMALL_WAVE, WAVE_LABELS[SMALL_WAVE])
    own = path.stem == SMALL_SITE
    found = []
    for title, rows in _sheets(path).items():
        header = rows[0] if rows else []
        w2_columns = {c for c, h in enumerate(header) if any(w in h for w in w2)}
        for r, row in enumerate(rows[1:], start=2):
            names_site = any(cell in (SMALL_SITE, SITE_NAMES[SMALL_SITE]) for cell in row)
            names_w2 = any(cell in w2 for cell in row)
            keys = {c for c, cell in enumerate(row)
                    if cell in (SMALL_SITE, SITE_NAMES[SMALL_SITE], *w2)}
            numbers = [cell for c, cell in enumerate(row) if c not in keys and _numeric(cell)]
            if (names_site or own) and names_w2 and numbers:
                found.append(f"{path.name} {title!r} row {r}: {row}")
            if own and any(_numeric(row[c]) for c in w2_columns if c < len(row)):
                found.append(f"{path.name} {title!r} row {r} in a w2 column: {row}")
    return found


def test_no_workbook_shows_a_number_of_the_small_site_wave(example_run):
    books = sorted(example_run.rglob("*.xlsx"))
    assert {str(p.relative_to(example_run)) for p in books} >= {
        f"partner/{SMALL_SITE}.xlsx", "evaluator/tables.xlsx"}
    found = {p.name: leaks for p in books if (leaks := workbook_leaks(p))}
    assert found == {}


def test_the_workbook_leak_finder_finds_the_small_site_wave_in_the_run_tables(
        example_run, tmp_path):
    from evaluation.export import write_evaluator_workbook
    from evaluation.results import load_results

    results = load_results(example_run / "_run")
    planted = write_evaluator_workbook(results, load_project(EXAMPLE).codebook,
                                       tmp_path / "all.xlsx", tables=["counts"])
    assert workbook_leaks(planted)  # the unfiltered counts hold K18's w2 count


def _docx_as_html(path: Path) -> str:
    """A Word file's paragraphs and tables as a bare HTML page, for the leak finder."""
    from docx import Document
    from docx.oxml.ns import qn

    def text(element) -> str:
        return html.escape("".join(t.text or "" for t in element.iter(qn("w:t"))))

    parts = []
    for child in Document(path).element.body.iterchildren():
        if child.tag == qn("w:p"):
            parts.append(f"<p>{text(child)}</p>")
        elif child.tag == qn("w:tbl"):
            rows = "".join("<tr>" + "".join(f"<td>{text(cell)}</td>"
                                            for cell in row.iter(qn("w:tc"))) + "</tr>"
                           for row in child.iter(qn("w:tr")))
            parts.append(f"<table>{rows}</table>")
    return "\n".join(parts)


def test_no_word_file_shows_a_number_of_the_small_site_wave(example_run):
    files = sorted((example_run / "partner").glob("*.docx"))
    if not files:
        pytest.skip("no Word files: Chromium is not installed (scripts/test.sh installs it)")
    assert len(files) == 18
    pages = {f"partner/{p.stem}.docx": _docx_as_html(p) for p in files}
    assert "Zwischenerhebung" in pages[f"partner/{SMALL_SITE}.docx"]  # the finder has text
    found = {name: leaks for name, page in pages.items()
             if (leaks := small_site_wave_leaks(name, page))}
    assert found == {}


def test_the_evaluator_report_of_the_small_site_hides_its_w2_count(example_run):
    page = (example_run / "evaluator" / f"{SMALL_SITE}.html").read_text(encoding="utf-8")
    table = next(t for t in _read(page).tables if t["caption"].startswith("Rücklauf in"))
    header = table["rows"][0]
    row = next(r for r in table["rows"] if r[0] == WAVE_LABELS[SMALL_WAVE])
    cells = dict(zip(header, row, strict=True))
    assert cells["n"] == "\u2013"
    assert cells["Rücklauf"] == "\u2013"
    assert cells["alle Aussagen gleich beantwortet"] == "\u2013"
    assert cells["gezeigt (k = 5)"] == "nein"


def test_the_leak_finder_finds_a_planted_number(example_run):
    page = (example_run / "evaluator" / f"{SMALL_SITE}.html").read_text(encoding="utf-8")
    planted = re.sub(r"(Zwischenerhebung</th>\s*<td[^>]*>)\u2013(</td>)", r"\g<1>3\2", page,
                     count=1)
    assert planted != page
    assert small_site_wave_leaks(f"evaluator/{SMALL_SITE}.html", planted)


def test_the_manifest_describes_the_report_wave_pool_only(example_run):
    manifest = json.loads((example_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pool"] == {"wave": REPORT_WAVE, "sites": 18, "respondents": 584}
    text = json.dumps({k: v for k, v in manifest.items() if k != "outputs"})
    assert SMALL_WAVE not in text
    assert SMALL_SITE not in text
    for key, output in manifest["outputs"].items():
        assert set(output) == {"path", "format", "sha256", "failed"}, key


#: sites of the example that agreed to open exchange (surveys/example/README.md)
OPEN_EXCHANGE = {"K03", "K07", "K08", "K12", "K14"}


@pytest.mark.parametrize("site", sorted(SITE_NAMES))
def test_a_partner_report_names_no_other_site_but_learning_partners_who_both_agreed(
        example_run, site):
    text = _everything((example_run / "partner" / f"{site}.html").read_text(encoding="utf-8"))
    assert SITE_NAMES[site] in text
    others = {key for key in re.findall(r"\bK\d\d\b", text)} - {site}
    assert others == set()  # keys never
    allowed = OPEN_EXCHANGE - {site} if site in OPEN_EXCHANGE else set()
    named = {key for key, name in SITE_NAMES.items() if key != site and name in text}
    assert named <= allowed


@pytest.mark.parametrize("name", ["digest/slides.html", "digest/handout.html"])
def test_the_digest_names_no_site(example_run, name):
    text = _everything((example_run / name).read_text(encoding="utf-8"))
    assert re.findall(r"\bK\d\d\b", text) == []
    assert [n for n in SITE_NAMES.values() if n in text] == []


#: respondent attributes (codebook labels): a partner table or chart about them would show
#: respondent subgroups, which would need merging below k ("Sonstige")
SUBGROUP_WORDS = ("Akteurstyp", "Haupt- oder ehrenamtlich", "hauptamtlich", "ehrenamtlich",
                  "Entscheidungsbefugnis", "Jahre im Netzwerk")


@pytest.mark.parametrize("site", sorted(SITE_NAMES))
def test_a_partner_report_shows_no_respondent_subgroups(example_run, site):
    page = (example_run / "partner" / f"{site}.html").read_text(encoding="utf-8")
    parsed = _read(page)
    headers = [t["caption"] for t in parsed.tables] + [
        cell for t in parsed.tables for cell in (t["rows"][0] if t["rows"] else [])]
    alt = " ".join(html.unescape(a) for a in re.findall(r'alt="([^"]*)"', page))
    for word in SUBGROUP_WORDS:
        assert not any(word in h for h in headers), word
        assert word not in alt, word


def test_a_challenge_item_answered_by_fewer_than_k_is_not_shown(twin):
    from evaluation.report import build_site_view

    full, _, _ = twin
    tables = dict(full.tables)
    challenges = tables["challenges"].copy()
    few = ((challenges[C.SITE] == "K01") & (challenges[C.WAVE] == REPORT_WAVE)
           & (challenges[C.ITEM] == "challenge_funding"))
    assert few.sum() == 1
    challenges.loc[few, C.N] = 2
    tables["challenges"] = challenges
    results = dataclasses.replace(full, tables=tables)
    own = build_site_view(results, "K01", REPORT_WAVE).challenges
    assert "challenge_funding" not in set(own["item"])
    assert len(own) == 3
    other = build_site_view(results, "K02", REPORT_WAVE).challenges.set_index("item")
    assert other.loc["challenge_funding", "n_other_sites"] == 16
    assert other.loc["challenge_turnover", "n_other_sites"] == 17
