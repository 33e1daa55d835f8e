"""Participation tables from records indexed once equal the site-by-site implementation.

The ``_old_*`` functions below are :mod:`evaluation.participation.attendance` before it was vectorised
(the records joined again by every table, one boolean filter of the roster and the records
per site and wave, one per event). The new code must give the same tables, bit for bit
(``check_exact``), on the example project and on random tables with cross-site events,
organisations leaving and joining, waves without date, missing head counts and events
nobody attended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.network import METRIC, PREVIOUS_WAVE, active_mask
from evaluation.participation import attendance as P

from .frames import assert_same_frame

EXAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "example"
DATES = {"w1": dt.date(2024, 3, 1), "w2": dt.date(2025, 3, 1), "w3": dt.date(2026, 3, 1)}

# -- the implementation before vectorisation ------------------------------------------------


def _old_active_sets(roster: pd.DataFrame, records: pd.DataFrame,
                     wave_dates: Mapping[str, dt.date | None],
                     ) -> dict[tuple[str, str], set[str]]:
    sites = sorted(roster[C.SITE].dropna().unique())
    out: dict[tuple[str, str], set[str]] = {}
    for site in sites:
        for wave, date in wave_dates.items():
            active = roster[(roster[C.SITE] == site).to_numpy(dtype=bool)
                            & active_mask(roster, date).to_numpy(dtype=bool)]
            attended = records[(records[C.WAVE] == wave) & (records[C.SITE] == site)]
            out[(site, wave)] = set(active[C.ORGANISATION]) | set(attended[C.ORGANISATION])
    return out


def _old_attendance_concentration(attendance: pd.DataFrame, events: pd.DataFrame,
                                  roster: pd.DataFrame, *,
                                  wave_dates: Mapping[str, dt.date | None],
                                  correction: bool = False) -> pd.DataFrame:
    records = P.attendance_records(attendance, events, roster)
    active = _old_active_sets(roster, records, wave_dates)
    rows = []
    for (site, wave), orgs in active.items():
        sub = records[(records[C.SITE] == site) & (records[C.WAVE] == wave)]
        counts = sub.groupby(C.ORGANISATION)[C.EVENT].nunique()
        x = np.array([int(counts.get(o, 0)) for o in sorted(orgs)], dtype=float)
        top = int(np.ceil(x.size / 5))
        total = x.sum()
        rows.append({C.SITE: site, C.WAVE: wave, P.N_ORGANISATIONS: int(x.size),
                     "n_zero": int((x == 0).sum()),
                     C.MEAN: float(x.mean()) if x.size else float("nan"),
                     C.STATISTIC: P.gini(x, correction=correction),
                     "top_share": float(np.sort(x)[::-1][:top].sum() / total) if total
                     else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, P.N_ORGANISATIONS, "n_zero", C.MEAN,
                                       C.STATISTIC, "top_share"])


def _old_wave_retention(attendance: pd.DataFrame, events: pd.DataFrame,
                        roster: pd.DataFrame, *, waves: Iterable[str]) -> pd.DataFrame:
    records = P.attendance_records(attendance, events, roster)
    order = list(waves)
    rows = []
    for site in sorted(roster[C.SITE].dropna().unique()):
        sub = records[records[C.SITE] == site]
        sets = {w: set(sub.loc[sub[C.WAVE] == w, C.ORGANISATION]) for w in order}
        for before, after in pairwise(order):
            a, b = sets[before], sets[after]
            rows.append({C.SITE: site, C.WAVE: after, PREVIOUS_WAVE: before,
                         "n_previous": len(a), "n_retained": len(a & b),
                         "n_new": len(b - a), "n_current": len(b),
                         "retention": len(a & b) / len(a) if a else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, PREVIOUS_WAVE, "n_previous",
                                       "n_retained", "n_new", "n_current", "retention"])


def _old_event_retention(attendance: pd.DataFrame, events: pd.DataFrame,
                         roster: pd.DataFrame) -> pd.DataFrame:
    records = P.attendance_records(attendance, events, roster)
    own = records[records["event_site"].notna() & (records["event_site"] == records[C.SITE])]
    rows = []
    held = events[events[C.SITE].notna()].sort_values(["date", C.EVENT], kind="stable")
    for site, site_events in held.groupby(C.SITE, sort=True):
        seen: set[str] = set()
        previous: set[str] | None = None
        previous_key = None
        for ev in site_events.itertuples(index=False):
            key = getattr(ev, C.EVENT)
            orgs = set(own.loc[own[C.EVENT] == key, C.ORGANISATION])
            rows.append({C.SITE: site, C.EVENT: key, "date": ev.date,
                         P.EVENT_TYPE: getattr(ev, P.EVENT_TYPE), C.WAVE: getattr(ev, C.WAVE),
                         "previous_event": previous_key, P.N_ORGANISATIONS: len(orgs),
                         "n_returning": len(orgs & previous) if previous is not None else 0,
                         "n_new": len(orgs - seen),
                         "retention": (len(orgs & previous) / len(previous))
                         if previous else float("nan")})
            seen |= orgs
            previous, previous_key = orgs, key
    return pd.DataFrame(rows, columns=[C.SITE, C.EVENT, "date", P.EVENT_TYPE, C.WAVE,
                                       "previous_event", P.N_ORGANISATIONS, "n_returning",
                                       "n_new", "retention"])


def _old_participation_summary(attendance: pd.DataFrame, events: pd.DataFrame,
                               roster: pd.DataFrame, *,
                               wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    records = P.attendance_records(attendance, events, roster)
    active = _old_active_sets(roster, records, wave_dates)
    types = dict(zip(roster[C.ORGANISATION], roster[C.ACTOR_TYPE], strict=True))
    concentration = _old_attendance_concentration(
        attendance, events, roster, wave_dates=wave_dates).set_index([C.SITE, C.WAVE])
    retention = _old_wave_retention(attendance, events, roster,
                                    waves=list(wave_dates)).set_index([C.SITE, C.WAVE])
    rows = []

    def add(site: str, wave: str, metric: str, value: float, n: float) -> None:
        rows.append({C.SITE: site, C.WAVE: wave, METRIC: metric, C.VALUE: float(value),
                     C.N: n})

    def share(a: float, b: float) -> float:
        return a / b if b else float("nan")

    for (site, wave), orgs in active.items():
        sub = records[(records[C.SITE] == site) & (records[C.WAVE] == wave)]
        attending = set(sub[C.ORGANISATION])
        people = float(sub[P.ATTENDEES].sum())
        mso_att = sum(types.get(o) == P.MSO for o in attending)
        mso_act = sum(types.get(o) == P.MSO for o in orgs)
        add(site, wave, "n_events", sub[C.EVENT].nunique(), sub[C.EVENT].nunique())
        add(site, wave, "n_active", len(orgs), len(orgs))
        add(site, wave, "n_attending", len(attending), len(attending))
        add(site, wave, "attending_share", share(len(attending), len(orgs)), len(orgs))
        add(site, wave, "attendees", people, people)
        add(site, wave, "decision_maker_share",
            share(float(sub[P.DECISION_MAKERS].sum()), people), people)
        add(site, wave, "mso_share_attending", share(mso_att, len(attending)), len(attending))
        add(site, wave, "mso_share_active", share(mso_act, len(orgs)), len(orgs))
        conc = concentration.loc[(site, wave)]
        add(site, wave, "gini_attendance", conc[C.STATISTIC], conc[P.N_ORGANISATIONS])
        if (site, wave) in retention.index:
            ret = retention.loc[(site, wave)]
            add(site, wave, "wave_retention", ret["retention"], ret["n_previous"])
        else:
            add(site, wave, "wave_retention", float("nan"), 0)
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, METRIC, C.VALUE, C.N])


# -- comparison helpers and inputs ----------------------------------------------------------


def random_tables(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Attendance, events and roster of three sites drawn at random."""
    rng = np.random.default_rng(seed)
    types = ["administration", "mso", "mso", "business", "welfare_organisation", "education"]
    roster_rows = []
    for site in ("S1", "S2", "S3"):
        for k in range(int(rng.integers(2, 12))):
            joined = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 1300)))
            left = (joined + pd.Timedelta(days=int(rng.integers(1, 900)))
                    if rng.random() < 0.3 else pd.NaT)
            roster_rows.append({C.ORGANISATION: f"{site}-O{k:02d}", C.SITE: site,
                                C.ACTOR_TYPE: types[rng.integers(0, len(types))],
                                "joined": joined, "left": left})
    roster = pd.DataFrame(roster_rows).sample(frac=1.0, random_state=seed)
    roster = roster.reset_index(drop=True)
    event_rows = []
    for k in range(int(rng.integers(5, 30))):
        site = [None, "S1", "S2", "S3"][rng.integers(0, 4)]
        date = pd.Timestamp("2023-06-01") + pd.Timedelta(days=int(rng.integers(0, 1000)))
        event_rows.append({C.EVENT: f"E{k:02d}", C.SITE: site,
                           C.WAVE: ["w1", "w2", "w3"][rng.integers(0, 3)],
                           P.EVENT_TYPE: ["network_meeting", "idea_workshop"][k % 2],
                           "date": date if k % 7 else pd.Timestamp("2024-05-05")})
    events = pd.DataFrame(event_rows)
    attendance_rows = []
    for event in events[C.EVENT]:
        for org in roster[C.ORGANISATION]:
            if rng.random() < 0.3:
                attendance_rows.append({
                    C.EVENT: event, C.ORGANISATION: org,
                    P.ATTENDEES: pd.NA if rng.random() < 0.1 else int(rng.integers(1, 4)),
                    P.DECISION_MAKERS: pd.NA if rng.random() < 0.1 else int(rng.integers(0, 2))})
    attendance = pd.DataFrame(attendance_rows, columns=[C.EVENT, C.ORGANISATION, P.ATTENDEES,
                                                        P.DECISION_MAKERS])
    attendance = attendance.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    for column in (P.ATTENDEES, P.DECISION_MAKERS):
        attendance[column] = attendance[column].astype("Int64")
    return attendance, events, roster


WAVE_DATES = [DATES, {"w1": DATES["w1"], "w2": None, "w3": DATES["w3"]}]


# -- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dates", WAVE_DATES, ids=["dated", "undated_w2"])
def test_participation_tables_equal_the_site_by_site_tables_on_random_tables(seed,
                                                                             dates) -> None:
    args = random_tables(seed)
    assert_same_frame(P.participation_summary(*args, wave_dates=dates),
                      _old_participation_summary(*args, wave_dates=dates))
    for correction in (False, True):
        assert_same_frame(P.attendance_concentration(*args, wave_dates=dates,
                                                     correction=correction),
                          _old_attendance_concentration(*args, wave_dates=dates,
                                                        correction=correction))
    assert_same_frame(P.wave_retention(*args, waves=list(dates)),
                      _old_wave_retention(*args, waves=list(dates)))
    assert_same_frame(P.event_retention(*args), _old_event_retention(*args))


def test_tables_without_any_attendance_equal_the_old_ones() -> None:
    attendance, events, roster = random_tables(3)
    none = attendance.iloc[:0]
    args = (none, events, roster)
    assert_same_frame(P.participation_summary(*args, wave_dates=DATES),
                      _old_participation_summary(*args, wave_dates=DATES))
    assert_same_frame(P.attendance_concentration(*args, wave_dates=DATES),
                      _old_attendance_concentration(*args, wave_dates=DATES))
    assert_same_frame(P.event_retention(*args), _old_event_retention(*args))


@pytest.mark.skipif(not (EXAMPLE / "project.yml").is_file(),
                    reason="synthetic example project not generated")
def test_analyse_participation_equals_the_site_by_site_analysis_on_the_example() -> None:
    from evaluation.config.project import load_project
    from evaluation.io.participation import load_participation

    project = load_project(EXAMPLE)
    data = load_participation(project)
    dates = {w.key: w.date for w in project.waves}
    args = (data.attendance, data.events, data.roster)
    result = P.analyse_participation(data, project)
    assert_same_frame(result.summary, _old_participation_summary(*args, wave_dates=dates))
    assert_same_frame(result.by_type, P.attendance_by_type(*args))
    assert_same_frame(result.concentration,
                      _old_attendance_concentration(*args, wave_dates=dates))
    assert_same_frame(result.wave_retention, _old_wave_retention(*args, waves=list(dates)))
    assert_same_frame(result.event_retention, _old_event_retention(*args))
