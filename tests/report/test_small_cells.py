"""Participation shares of fewer than k people are not shown (a share of one or two attendees
tells what each of them is)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.report import build_site_view, network_sections
from evaluation.results import Results
from tests.report.test_report_content import make_results


def _with_participation(attendees: dict[str, int], total: int) -> Results:
    base = make_results()
    by_type = pd.DataFrame([
        {"site": "K01", "wave": "w2", "event_type": event, "actor_type": "administration",
         "n_events": 1, "n_organisations": 1, "n_attendances": 1, "attendees": n,
         "decision_makers": n} for event, n in attendees.items()])
    summary = pd.DataFrame([
        {"site": "K01", "wave": "w2", "metric": metric, "value": value, "n": 1}
        for metric, value in (("n_events", 2), ("n_active", 6), ("n_attending", 4),
                              ("attendees", total), ("decision_maker_share", 1.0),
                              ("mso_share_attending", 0.25))])
    tables = {**base.tables, "participation_by_type": by_type,
              "participation_summary": summary}
    meta = {**base.meta, "participation_tables": ["events", "attendance"]}
    return Results(tables=tables, meta=meta)


def test_a_share_of_fewer_than_k_attendees_is_not_shown():
    view = build_site_view(_with_participation({"network_meeting": 1, "steering_group": 7},
                                               total=8), "K01", "w2")
    shares = view.participation_by_event.set_index("event_type")["decision_maker_share"]
    assert np.isnan(shares["network_meeting"])
    assert shares["steering_group"] == 1.0
    assert "decision_maker_share" in view.participation
    assert "mso_share_attending" not in view.participation  # 4 attending organisations < k
    text = network_sections.network(view, "de")
    assert "Migrantenorganisationen machen" not in text
    assert "Anteil von weniger als 5 Personen, nicht gezeigt" in text


def test_no_decision_maker_share_of_a_site_with_fewer_than_k_attendees():
    view = build_site_view(_with_participation({"network_meeting": 1}, total=1), "K01", "w2")
    assert "decision_maker_share" not in view.participation
    assert "aus der Leitungsebene" not in network_sections.network(view, "de")


def _with_ideas(raters: dict[str, int]) -> Results:
    base = make_results()
    matrix = pd.DataFrame([
        {"site": "K01", "idea": idea, "title": f"Idee {idea}", "status": "idea",
         "n_raters": n, "feasibility": 4.6, "impact": 4.4, "innovation": 3.0,
         "quadrant": "quick_win", "rank": rank}
        for rank, (idea, n) in enumerate(raters.items(), start=1)])
    meta = {**base.meta, "participation_tables": ["ideas", "idea_ratings"]}
    return Results(tables={**base.tables, "idea_matrix": matrix}, meta=meta)


def test_an_idea_rated_by_fewer_than_k_people_shows_no_ratings_and_is_no_quick_win():
    view = build_site_view(_with_ideas({"K01-I01": 6, "K01-I02": 3}), "K01", "w2")
    ideas = view.ideas.set_index("idea")
    assert ideas.loc["K01-I01", "quadrant"] == "quick_win"
    assert pd.isna(ideas.loc["K01-I02", "quadrant"])
    assert np.isnan(ideas.loc["K01-I02", "feasibility"])
    text = network_sections.ideas(view, "de")
    assert "Eine weitere Idee wurde von weniger als 5 Personen bewertet" in text
    assert "Idee K01-I02 (K01-I02)." in text
    from evaluation.report.messages import quick_win_message

    message = quick_win_message(view, "de").text
    assert message == ("Eine Idee aus der Ideenwerkstatt gilt als schneller Erfolg (hohe "
                       "Wirkung, gut umsetzbar): „Idee K01-I01“.")


def test_a_site_whose_ideas_all_have_too_few_raters_says_so():
    view = build_site_view(_with_ideas({"K01-I01": 4, "K01-I02": 2}), "K01", "w2")
    text = network_sections.ideas(view, "en")
    assert "No idea was rated by at least 5 people." in text
    assert "rated by fewer than 5 people" in text


def _with_mso_share(share: float) -> Results:
    base = _with_participation({"steering_group": 7}, total=40)
    summary = base.tables["participation_summary"].copy()
    summary.loc[summary["metric"] == "n_attending", "value"] = 15
    summary.loc[summary["metric"] == "mso_share_attending", "value"] = share
    return Results(tables={**base.tables, "participation_summary": summary}, meta=base.meta)


def test_the_share_of_one_or_two_migrant_organisations_is_not_shown():
    """One MSO among 15 attending organisations would be singled out by "7 %"; the network
    picture merges groups of fewer than 3 organisations for the same reason."""
    one = build_site_view(_with_mso_share(1 / 15), "K01", "w2")
    assert "mso_share_attending" not in one.participation
    three = build_site_view(_with_mso_share(3 / 15), "K01", "w2")
    assert three.participation["mso_share_attending"] == 3 / 15
    none = build_site_view(_with_mso_share(0.0), "K01", "w2")
    assert none.participation["mso_share_attending"] == 0.0
