"""Charts: byte-identical SVG for the same input, alt texts from the data, privacy of names."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from evaluation import network as N
from evaluation.errors import LanguageError
from evaluation.participation import attendance as P
from evaluation.participation import ideas as I
from evaluation.report import netplots as NP

W1 = dt.date(2024, 3, 1)
ROOT = Path(__file__).resolve().parents[2]


def site_network() -> N.SiteNetwork:
    """Six organisations: the administration A is the hub; F is isolated."""
    roster = pd.DataFrame({
        "organisation": list("ABCDEF"), "site": "S",
        "name": ["Stadt Musterstadt", "AWO Ortsverein", "Verein Brücke", "Kulturverein Anka",
                 "Sportverein", "IHK Bezirk"],
        "actor_type": ["administration", "welfare_organisation", "mso", "mso",
                       "association_volunteer", "business"],
        "joined": pd.Timestamp("2020-01-01"), "left": pd.NaT})
    ties = pd.DataFrame({
        "site": "S", "wave": "w1",
        "ego": ["A", "B", "A", "C", "A", "E", "B"],
        "alter": ["B", "A", "C", "A", "D", "A", "C"],
        "frequency": 3, "collaboration": 2})
    return N.build_network(ties, roster, site="S", wave="w1", date=W1)


def idea_matrix() -> pd.DataFrame:
    ideas = pd.DataFrame({"idea": ["I1", "I2", "I3"], "site": "S", "event": None,
                          "title": ["Sprachcafé", "Lotsen", "Website"],
                          "status": ["implemented", "idea", "planned"]})
    ratings = pd.DataFrame({"idea": ["I1", "I1", "I2", "I2", "I3", "I3"],
                            "rater": ["r1", "r2"] * 3,
                            "feasibility": [4, 5, 2, 2, 5, 4], "impact": [5, 4, 5, 4, 2, 2],
                            "innovation": 3})
    return I.idea_matrix(ideas, ratings)


def records() -> pd.DataFrame:
    roster = pd.DataFrame({"organisation": list("ABC"), "site": "S", "name": list("ABC"),
                           "actor_type": ["administration", "mso", "mso"],
                           "joined": pd.Timestamp("2020-01-01"), "left": pd.NaT})
    events = pd.DataFrame({"event": ["E1", "E2", "E3"], "site": "S",
                           "wave": ["w1", "w1", "w2"],
                           "event_type": ["network_meeting", "idea_workshop",
                                          "network_meeting"],
                           "date": pd.to_datetime(["2024-03-10", "2024-06-05", "2025-04-01"])})
    attendance = pd.DataFrame({"event": ["E1", "E1", "E1", "E2", "E3", "E3"],
                               "organisation": ["A", "B", "C", "A", "A", "C"],
                               "attendees": 1, "decision_makers": 0})
    return P.attendance_records(attendance, events, roster)


@pytest.mark.parametrize("draw", [
    lambda: NP.network_map(site_network()),
    lambda: NP.network_map(site_network(), layout="spring", seed=7, show_names=True),
    lambda: NP.quick_win_matrix(idea_matrix(), language="en"),
    lambda: NP.participation_over_time(records()),
], ids=["network-circle", "network-spring", "quick-win-matrix", "participation"])
def test_the_same_input_gives_byte_identical_svg(draw) -> None:
    first, second = draw(), draw()
    assert first.svg.startswith("<?xml")
    assert first.svg == second.svg
    assert first.alt_de == second.alt_de


def test_svg_is_identical_in_a_fresh_interpreter() -> None:
    # svg.hashsalt fixes the ids that matplotlib would otherwise draw at random per process
    code = textwrap.dedent("""
        import hashlib
        from tests.report.test_netplots import site_network
        from evaluation.report import netplots
        print(hashlib.sha256(netplots.network_map(site_network()).svg.encode()).hexdigest())
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    here = hashlib.sha256(NP.network_map(site_network()).svg.encode()).hexdigest()
    assert out.stdout.strip() == here


def test_svg_keeps_text_as_text_and_carries_no_date() -> None:
    svg = NP.network_map(site_network()).svg
    assert "<dc:date>" not in svg
    assert "Verwaltung / Integrationsstelle" in svg  # svg.fonttype = none: real text


def test_network_alt_text_is_written_from_the_data_in_both_languages() -> None:
    chart = NP.network_map(site_network())
    # 6 organisations, 7 ties; density 7 / 30 = 0.23; mutual A-B, A-C: 4 of 7 = 57 %;
    # F isolated; A has the highest betweenness
    assert chart.alt_de == (
        "Netzwerk mit 6 Organisationen und 7 Kooperationsbeziehungen; Dichte 0,23; 57 % der "
        "Beziehungen sind gegenseitig; 1 Organisation ohne Beziehung; wichtigste "
        "Vermittlungsposition: Verwaltung / Integrationsstelle (Rücklauf der Netzwerkfrage: "
        "67 %).")
    assert chart.alt_en.startswith("Network of 6 organisations and 7 cooperation ties; "
                                   "density 0.23; 57% of ties are mutual")
    assert chart.alt("en") == chart.alt_en


def test_organisation_names_appear_only_when_allowed() -> None:
    hidden = NP.network_map(site_network())
    shown = NP.network_map(site_network(), show_names=True)
    assert "Stadt Musterstadt" not in hidden.svg
    assert "Stadt Musterstadt" not in hidden.alt_de
    assert "Stadt Musterstadt" in shown.svg
    assert "Stadt Musterstadt (Verwaltung / Integrationsstelle)" in shown.alt_de


def test_quick_win_matrix_names_quick_wins_in_order_and_its_legend_the_quadrants_shown(
) -> None:
    chart = NP.quick_win_matrix(idea_matrix())
    # means (feasibility, impact): I1 (4.5, 4.5) quick win, I2 (2, 4.5) major project,
    # I3 (4.5, 2) fill-in
    assert "Schnelle Erfolge in dieser Reihenfolge: I1." in chart.alt_de
    assert ("Quick wins: 1; Major projects: 1; Easy, low impact: 1; Hard, low impact: 0"
            in chart.alt_en)
    for key, (label, _) in I.QUADRANTS.items():
        # the legend names the quadrants that hold an idea, and only those
        assert (label in chart.svg) == (key != "low_priority")
    assert "Sprachcafé" not in chart.svg
    assert "Sprachcafé" in NP.quick_win_matrix(idea_matrix(), show_titles=True).svg


def test_quick_win_matrix_ticks_use_the_decimal_comma_in_german() -> None:
    german = NP.quick_win_matrix(idea_matrix(), language="de").svg
    english = NP.quick_win_matrix(idea_matrix(), language="en").svg
    assert ">1,5</text>" in german
    assert ">4,5</text>" in german
    assert ">1.5</text>" not in german
    assert ">1.5</text>" in english


def test_labels_of_ideas_close_together_do_not_overlap() -> None:
    scale = (5.6 * 72 * 0.78 / 4.0, 5.4 * 72 * 0.7 / 4.0)
    ideas = [(4.33, 4.33, "K01-I06"), (4.17, 4.33, "K01-I12"), (4.2, 4.2, "K01-I03"),
             (4.33, 2.0, "K01-I01"), (4.33, 2.0, "K01-I02"), (1.8, 4.0, "K01-I04")]
    points = [(x, y) for x, y, _ in ideas]
    boxes = []
    for x, y, text in ideas:
        slot = NP._label_slot(x, y, text, boxes, points, scale)
        boxes.append(NP._label_box(x, y, slot, text, scale))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not NP._overlap(a, b)
    # the lone idea keeps the first place, to the upper right of its point
    assert boxes[-1] == NP._label_box(1.8, 4.0, 0, "K01-I04", scale)


def test_participation_alt_text_summarises_attendance_over_time() -> None:
    chart = NP.participation_over_time(records())
    # events: E1 3 organisations, E2 1, E3 2 -> 1 to 3, mean 2.0, last 2
    assert chart.alt_de == ("Teilnahme an 3 Veranstaltungen von März 2024 bis April 2025: "
                            "1 bis 3 Organisationen je Veranstaltung (Mittelwert 2,0); bei "
                            "der letzten 2.")
    assert chart.alt_en.endswith("(mean 2.0); 2 at the latest.")


def test_bad_chart_parameters_raise_package_errors() -> None:
    with pytest.raises(LanguageError, match="'fr'"):
        NP.network_map(site_network(), language="fr")
    with pytest.raises(ValueError, match="'grid'"):
        NP.network_map(site_network(), layout="grid")
    two_sites = pd.concat([idea_matrix(), idea_matrix().assign(site="T")])
    with pytest.raises(NP.ChartInputError, match="site="):
        NP.quick_win_matrix(two_sites)
    assert NP.quick_win_matrix(two_sites, site="T").alt_de
