"""The whole batch on awkward but valid data: every report is written and says what is missing.

Each case is a small copy of the example (sites K01-K04, all three waves; the CSV files are
filtered with pandas) with one defect. The pipeline must write every output (a correct
report, never a failure page), no raw traceback in any output, no half-written file (no
``*.tmp`` left in the output folder), and the reports must say what they cannot show.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.pipeline import run_pipeline
from evaluation.render import htmlcheck
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.slow

INSTRUMENTS = EXAMPLE.parent / "instruments"
KEEP = ("K01", "K02", "K03", "K04")
ITEM_START = "trust_1"  # first item column of the example's survey files
OUTPUTS = ["index.html", "manifest.json", "synthesis.html", "digest/slides.html",
           "digest/handout.html", *(f"{e}/{s}.html" for e in ("partner", "evaluator")
                                    for s in KEEP)]
TEXT = {
    "suppressed": "In dieser Erhebungswelle haben weniger als 5 Personen geantwortet.",
    "hidden": "Datenbasis: weniger als 5 Antworten",
    "no_pool": "Zu wenige andere Kommunen haben in dieser Welle genug Antworten",
    "no_data": "Für diesen Teil liegen keine Daten vor.",
}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def small_project(folder: Path) -> Path:
    """The example with four sites (K01-K04), instrument library beside it."""
    project = folder / "project"
    shutil.copytree(EXAMPLE, project)
    shutil.copytree(INSTRUMENTS, folder / "instruments")
    config = yaml.safe_load((project / "project.yml").read_text(encoding="utf-8"))
    config["sites"] = [s for s in config["sites"] if s["key"] in KEEP]
    (project / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True,
                                                        sort_keys=False), encoding="utf-8")
    data = project / "data"
    for wave in ("w1", "w2", "w3"):
        path = data / f"survey_{wave}.csv"
        frame = _csv(path)
        _write(frame[frame["site"].isin(KEEP)], path)
    for name in ("roster", "events", "ties", "ideas", "goals"):
        frame = _csv(data / f"{name}.csv")  # an event without site is a cross-site event
        keep = frame["site"].isin(KEEP) | ((name == "events") & (frame["site"] == ""))
        _write(frame[keep], data / f"{name}.csv")
    events = set(_csv(data / "events.csv")["event"])
    organisations = set(_csv(data / "roster.csv")["organisation"])
    attendance = _csv(data / "attendance.csv")  # cross-site events: keep the four sites only
    _write(attendance[attendance["event"].isin(events)
                      & attendance["organisation"].isin(organisations)], data / "attendance.csv")
    ideas = set(_csv(data / "ideas.csv")["idea"])
    ratings = _csv(data / "idea_ratings.csv")
    _write(ratings[ratings["idea"].isin(ideas)], data / "idea_ratings.csv")
    return project


def _edit_survey(project: Path, wave: str, change: Callable[[pd.DataFrame], pd.DataFrame]
                 ) -> None:
    path = project / "data" / f"survey_{wave}.csv"
    _write(change(_csv(path)), path)


def all_answers_missing(project: Path) -> None:
    """K02 answered in w3, but left every item blank."""
    def blank(frame: pd.DataFrame) -> pd.DataFrame:
        items = list(frame.columns[frame.columns.get_loc(ITEM_START):])
        frame.loc[frame["site"] == "K02", items] = ""
        return frame
    _edit_survey(project, "w3", blank)


def one_respondent(project: Path) -> None:
    """K03 has a single respondent in w3."""
    def keep_one(frame: pd.DataFrame) -> pd.DataFrame:
        k03 = frame.index[frame["site"] == "K03"]
        return frame.drop(index=k03[1:])
    _edit_survey(project, "w3", keep_one)


def no_respondents(project: Path) -> None:
    """K04 has no respondent in w3."""
    _edit_survey(project, "w3", lambda f: f[f["site"] != "K04"])


def one_site_in_wave(project: Path) -> None:
    """Only K01 answered in w3."""
    _edit_survey(project, "w3", lambda f: f[f["site"] == "K01"])


def no_ties_table(project: Path) -> None:
    """The project has no ties table (no network question was asked)."""
    config = yaml.safe_load((project / "project.yml").read_text(encoding="utf-8"))
    del config["participation"]["ties"]
    (project / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True,
                                                        sort_keys=False), encoding="utf-8")
    (project / "data" / "ties.csv").unlink()


def no_participation(project: Path) -> None:
    """The project has survey data only."""
    config = yaml.safe_load((project / "project.yml").read_text(encoding="utf-8"))
    del config["participation"]
    (project / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True,
                                                        sort_keys=False), encoding="utf-8")


CASES: dict[str, Callable[[Path], None]] = {
    "all_answers_missing": all_answers_missing,
    "one_respondent": one_respondent,
    "no_respondents": no_respondents,
    "one_site_in_wave": one_site_in_wave,
    "no_ties_table": no_ties_table,
    "no_participation": no_participation,
}


#: cases that fail for a reason outside the report code; strict, so that the fix shows
KNOWN: dict[str, pytest.MarkDecorator] = {}


@pytest.fixture(scope="module", params=[pytest.param(name, marks=KNOWN.get(name, ()))
                                        for name in CASES])
def case(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    project = small_project(folder)
    CASES[request.param](project)
    out = folder / "reports"
    start = time.perf_counter()
    summary = run_pipeline(project, out, jobs=2, progress=False)
    print(f"{request.param}: {time.perf_counter() - start:.0f} s")
    return request.param, out, summary


def _text(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def _visible(out: Path, name: str) -> str:
    import html
    import re

    page = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", _text(out, name), flags=re.DOTALL)
    return " ".join(html.unescape(page).split())


def test_every_output_is_written_and_none_is_a_failure_page(case):
    name, out, summary = case
    assert summary.validation is not None, name
    assert summary.validation.ok, name
    assert [(f.key, f.error) for f in summary.failures] == []
    for output in OUTPUTS:
        assert (out / output).is_file(), output
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_no_output_holds_a_traceback(case):
    _, out, _ = case
    for path in sorted(out.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in page, path
        assert not htmlcheck.traceback_present(page), path
        assert "konnte nicht erstellt werden" not in page, path


def test_the_reports_say_what_they_cannot_show(case):
    name, out, _ = case
    if name == "all_answers_missing":
        text = _visible(out, "partner/K02.html")
        assert "Für keinen Bereich liegen mindestens 5 gültige Antworten vor" in text
        assert "In keinem Bereich unterscheidet sich" not in text  # no "no difference" claim
        assert "zu wenige Antworten" in text
        assert TEXT["no_data"] in text  # challenges
    elif name == "one_respondent":
        text = _visible(out, "partner/K03.html")
        assert TEXT["suppressed"] in text
        assert TEXT["hidden"] in text
    elif name == "no_respondents":
        text = _visible(out, "partner/K04.html")
        assert TEXT["suppressed"] in text
        assert TEXT["hidden"] in text
    elif name == "one_site_in_wave":
        assert TEXT["no_pool"] in _visible(out, "partner/K01.html")
        for site in ("K02", "K03", "K04"):
            assert TEXT["suppressed"] in _visible(out, f"partner/{site}.html")
    elif name == "no_ties_table":  # other participation tables: the section says what lacks
        text = _visible(out, "partner/K01.html")
        assert "Kooperationsnetzwerk" not in text or TEXT["no_data"] in text
        assert TEXT["no_data"] in text
    elif name == "no_participation":  # survey data only: no empty network or ideas sections
        text = _visible(out, "partner/K01.html")
        for absent in ("Kooperationsnetzwerk", "Netzwerk und Beteiligung",
                       "Ideen und schnelle Erfolge", "Netzwerk: Die Karte"):
            assert absent not in text


HIDDEN_SITE = {"one_respondent": "K03", "no_respondents": "K04"}


@pytest.mark.parametrize("case", list(HIDDEN_SITE), indirect=True)
def test_a_site_without_statistics_shows_no_numbers_of_its_own(case):
    name, out, _ = case
    hidden = HIDDEN_SITE[name]
    import re

    page = _text(out, f"partner/{hidden}.html")
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<img" not in main
    words = re.sub(r"<style>.*?</style>|<[^>]+>", " ", main, flags=re.DOTALL)
    assert not re.search(r"\d,\d", words.replace("3,5", ""))  # no mean, share or interval
