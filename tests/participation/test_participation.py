"""Attendance, retention and concentration of participation.

Reference values: hand computations in the comments, and ``tests/reference/participation.R``
(Gini by formula as in ``ineq::Gini``) written to ``participation_expected.json``. Tolerance
1e-12 unless stated.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import EvaluationError
from evaluation.participation import attendance as P

REFERENCE = Path(__file__).parents[1] / "reference"
TOL = 1e-12
DATES = {"w1": dt.date(2024, 3, 1), "w2": dt.date(2025, 3, 1)}


@pytest.fixture
def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Site S with six organisations (E leaves in 2024, F joins in 2024), site T with one."""
    roster = pd.DataFrame({
        "organisation": [*"ABCDEF", "Z"],
        "site": ["S"] * 6 + ["T"],
        "name": [f"Name {c}" for c in "ABCDEFZ"],
        "actor_type": ["administration", "welfare_organisation", "mso", "mso", "business",
                       "education", "administration"],
        "joined": pd.to_datetime(["2020-01-01"] * 5 + ["2024-06-01", "2020-01-01"]),
        "left": pd.to_datetime([None, None, None, None, "2024-09-30", None, None]),
    })
    events = pd.DataFrame({
        "event": ["E1", "E2", "E3", "E4", "E5"],
        "site": ["S", "S", None, "S", "T"],
        "wave": ["w1", "w1", "w1", "w2", "w1"],
        "event_type": ["network_meeting", "idea_workshop", "transfer_conference",
                       "network_meeting", "network_meeting"],
        "date": pd.to_datetime(["2024-03-10", "2024-05-02", "2024-09-12", "2025-04-01",
                                "2024-03-20"]),
    })
    attendance = pd.DataFrame({
        "event": ["E1", "E1", "E1", "E2", "E2", "E3", "E3", "E4", "E4", "E4", "E5"],
        "organisation": ["A", "B", "C", "A", "D", "A", "Z", "A", "C", "F", "Z"],
        "attendees": [2, 1, 1, 3, 1, 1, 2, 2, 1, 1, 1],
        "decision_makers": [1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0],
    })
    return attendance, events, roster


def test_gini_matches_the_r_reference_and_the_mean_difference_formula() -> None:
    ref = json.loads((REFERENCE / "participation_expected.json").read_text())["gini"]
    # by hand: sorted 0,0,1,2,2,5; sum(i x_i) = 3 + 8 + 10 + 30 = 51;
    # G = 2 * 51 / (6 * 10) - 7/6 = 0.53333; corrected G * 6/5 = 0.64
    assert P.gini(ref["x"]) == pytest.approx(ref["gini"], abs=TOL)
    assert P.gini(ref["x"]) == pytest.approx(ref["gini_mad"], abs=TOL)
    assert P.gini(ref["x"], correction=True) == pytest.approx(ref["gini_corrected"], abs=TOL)
    assert P.gini(ref["x"]) == pytest.approx(8 / 15, abs=TOL)


def test_gini_is_zero_for_equal_counts_and_nan_without_attendance() -> None:
    assert P.gini([3, 3, 3]) == pytest.approx(0.0, abs=TOL)
    assert np.isnan(P.gini([0, 0]))
    assert np.isnan(P.gini([]))
    # one organisation holding all attendance among n: (n - 1)/n, corrected 1
    assert P.gini([0, 0, 0, 4]) == pytest.approx(3 / 4, abs=TOL)
    assert P.gini([0, 0, 0, 4], correction=True) == pytest.approx(1.0, abs=TOL)


def test_gini_rejects_negative_counts_naming_them() -> None:
    with pytest.raises(P.ParticipationInputError, match=r"-1\.0"):
        P.gini([1, -1])


def test_attendance_counts_for_the_organisations_site_and_the_events_wave(tables) -> None:
    records = P.attendance_records(*tables)
    z = records[records["organisation"] == "Z"]
    assert z["site"].tolist() == ["T", "T"]  # the cross-site conference counts for T
    assert z["event_site"].isna().tolist() == [False, True]
    assert records["date"].is_monotonic_increasing


def test_attendance_by_event_type_and_actor_type(tables) -> None:
    table = P.attendance_by_type(*tables)
    s_w1 = table[(table["site"] == "S") & (table["wave"] == "w1")]
    mso = s_w1[s_w1["actor_type"] == "mso"].set_index("event_type")
    # C at E1 (network meeting), D at E2 (idea workshop)
    assert mso.loc["network_meeting", "n_organisations"] == 1
    assert mso.loc["idea_workshop", "n_organisations"] == 1
    admin = s_w1[s_w1["actor_type"] == "administration"].set_index("event_type")
    assert admin.loc["idea_workshop", "attendees"] == 3
    assert admin.loc["transfer_conference", "n_events"] == 1
    assert table["n_attendances"].sum() == 11


def test_concentration_includes_active_organisations_that_never_attended(tables) -> None:
    table = P.attendance_concentration(*tables, wave_dates=DATES).set_index(["site", "wave"])
    s1 = table.loc[("S", "w1")]
    # active at 2024-03-01: A-E (F joins later); events attended in w1:
    # A 3 (E1, E2, E3), B 1, C 1, D 1, E 0 -> x = 0,1,1,1,3, sum 6, sum(i x) = 2+3+4+15 = 24
    # G = 2*24/(5*6) - 6/5 = 1.6 - 1.2 = 0.4
    assert s1["n_organisations"] == 5
    assert s1["n_zero"] == 1
    assert s1["statistic"] == pytest.approx(0.4, abs=TOL)
    assert s1["top_share"] == pytest.approx(3 / 6)  # top fifth = 1 organisation (A)
    s2 = table.loc[("S", "w2")]
    # active at 2025-03-01: A, B, C, D, F; attended E4: A, C, F -> x = 0,0,1,1,1
    # sum(i x) = 3+4+5 = 12, G = 24/15 - 6/5 = 0.4
    assert s2["statistic"] == pytest.approx(0.4, abs=TOL)


def test_wave_retention_counts_organisations_coming_back(tables) -> None:
    row = P.wave_retention(*tables, waves=["w1", "w2"]).set_index("site").loc["S"]
    # w1 attenders A, B, C, D; w2 attenders A, C, F -> retained 2 of 4, 1 new
    assert (row["n_previous"], row["n_retained"], row["n_new"]) == (4, 2, 1)
    assert row["retention"] == pytest.approx(0.5)


def test_event_retention_follows_the_sites_own_events_in_date_order(tables) -> None:
    table = P.event_retention(*tables)
    s = table[table["site"] == "S"].set_index("event")
    assert s.index.tolist() == ["E1", "E2", "E4"]  # cross-site E3 is not in the sequence
    # E1: A, B, C; E2: A, D -> 1 of 3 returned; E4: A, C, F -> 1 of 2 (A) returned
    assert s.loc["E2", "retention"] == pytest.approx(1 / 3)
    assert s.loc["E4", "retention"] == pytest.approx(1 / 2)
    assert s.loc["E4", "n_new"] == 1  # F; C came back from E1
    assert np.isnan(s.loc["E1", "retention"])


def test_summary_shares_of_decision_makers_and_migrant_organisations(tables) -> None:
    table = P.participation_summary(*tables, wave_dates=DATES)
    s1 = table[(table["site"] == "S") & (table["wave"] == "w1")].set_index("metric")
    assert s1.index.tolist() == list(P.PARTICIPATION_METRICS)
    # people at S's w1 attendances: E1 2+1+1, E2 3+1, E3 1 -> 9; decision makers 1+1+1 = 3
    assert s1.loc["attendees", "value"] == 9
    assert s1.loc["decision_maker_share", "value"] == pytest.approx(3 / 9)
    assert s1.loc["decision_maker_share", "n"] == 9
    # attending A, B, C, D: MSO C, D -> 2/4; active A-E: 2/5
    assert s1.loc["mso_share_attending", "value"] == pytest.approx(0.5)
    assert s1.loc["mso_share_active", "value"] == pytest.approx(0.4)
    assert s1.loc["attending_share", "value"] == pytest.approx(4 / 5)
    assert s1.loc["gini_attendance", "value"] == pytest.approx(0.4)
    assert np.isnan(s1.loc["wave_retention", "value"])
    s2 = table[(table["site"] == "S") & (table["wave"] == "w2")].set_index("metric")
    assert s2.loc["wave_retention", "value"] == pytest.approx(0.5)


def test_attendance_at_unknown_events_or_organisations_is_named(tables) -> None:
    attendance, events, roster = tables
    bad = pd.concat([attendance, pd.DataFrame({"event": ["E9"], "organisation": ["Q"],
                                               "attendees": [1], "decision_makers": [0]})])
    with pytest.raises(EvaluationError, match=r"\['E9'\].*\['Q'\]"):
        P.attendance_records(bad, events, roster)
    with pytest.raises(ValueError, match="attendees"):
        P.attendance_records(attendance.drop(columns="attendees"), events, roster)
