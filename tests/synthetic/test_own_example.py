"""The second example project (``surveys/example-own``): an own instrument on a 7-point scale,
one wave, no participation data, delivered by LimeSurvey and SoSci Survey. It is current, it
validates, and its reports read right for their instrument."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.config import load_project
from evaluation.io.ingest import read_project_survey
from evaluation.synthetic import generate_own_example
from tests.conftest import tree_sha256

OWN = Path(__file__).resolve().parents[2] / "surveys" / "example-own"
BIN = Path(sys.executable).parent


def test_the_second_example_is_current(tmp_path):
    written = generate_own_example(tmp_path / "example-own")
    assert tree_sha256(written) == tree_sha256(OWN), (
        "surveys/example-own is out of date; regenerate with `python -m evaluation.synthetic`")


def test_both_exports_read_without_a_problem_into_one_wave():
    data = read_project_survey(load_project(OWN))
    assert not data.problems
    people = data.respondents
    assert set(people["wave"]) == {"w1"}
    assert people.groupby("site").size().to_dict() == {
        "K01": 24, "K02": 21, "K03": 27, "K04": 19, "K05": 23, "K06": 4}
    assert set(people["source_file"]) == {"kooperationsbarometer_limesurvey.csv",
                                          "kooperationsbarometer_sosci.csv"}


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = page.split('<footer class="report-footer">')[0]  # the body, without provenance
    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.slow
def test_the_reports_of_the_second_example_read_right_for_their_instrument(tmp_path):
    project = tmp_path / "example-own"
    shutil.copytree(OWN, project)
    out = tmp_path / "out"
    done = subprocess.run([str(BIN / "transfer-eval"), "run", str(project), "--out", str(out)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "15 of 15 reports written" in done.stdout
    assert "WARNING" not in done.stderr
    k02 = _text(out / "partner" / "K02.html")
    assert "Mittelwerte (1 bis 7)" in k02
    assert "von 1 („stimme überhaupt nicht zu“) bis 7 („stimme voll und ganz zu“)" in k02
    assert "▼ über dem Durchschnitt (hier ungünstig)" in k02  # planted: strain at K02
    assert "„Belastung durch die Netzwerkarbeit“ zu verringern" in k02
    assert "Die Wirkungsskala steht unten" in k02
    k05 = _text(out / "partner" / "K05.html")
    assert "▲ über dem Durchschnitt" in k05  # planted: exchange at K05
    for site in ("K01", "K02", "K03", "K04", "K05", "K06"):
        for edition in ("partner", "evaluator"):
            body = _text(out / edition / f"{site}.html")
            for wrong in ("1 bis 5", "trifft voll zu", "keine Daten vor", "Herausforderungen",
                          "Netzwerk und Beteiligung", "Ideen und schnelle Erfolge",
                          "Veränderung", "not_estimable"):
                assert wrong not in body, (site, edition, wrong)
            for key in ("K01", "K02", "K03", "K04", "K05", "K06"):
                assert key not in body, (site, edition, key)  # names, never keys
    assert "weniger als 5" in _text(out / "partner" / "K06.html")
    evaluator = _text(out / "evaluator" / "K01.html")
    assert "Gruppenvergleiche" in evaluator
    assert "Sektor der Organisation" in evaluator
    assert "Gruppenvergleiche" not in k02  # evaluator edition only
