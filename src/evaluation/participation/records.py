"""Attendance records of the participation tables, joined and indexed once.

:func:`attendance_records` joins the ``attendance``, ``events`` and ``roster`` tables of
:class:`~evaluation.io.participation.ParticipationData`; ``_Attendance`` indexes the records by
site (the organisation's) and wave (the event's) and holds the active organisations of every
site and wave, so that the tables of :mod:`evaluation.participation.attendance` filter by
dictionary look-ups instead of one boolean mask per site and wave. The column names of the
participation tables live here; their input error,
:class:`~evaluation.errors.ParticipationInputError`, is in :mod:`evaluation.errors`. Import the
public names from :mod:`evaluation.participation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import ParticipationInputError
from evaluation.network import active_mask

EVENT_TYPE = "event_type"
N_EVENTS = "n_events"
N_ORGANISATIONS = "n_organisations"
N_ATTENDANCES = "n_attendances"
ATTENDEES = "attendees"
DECISION_MAKERS = "decision_makers"
MSO = "mso"


def _need(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParticipationInputError(f"the {what} table lacks column(s) {missing}; it has "
                                      f"{list(frame.columns)}")


def attendance_records(attendance: pd.DataFrame, events: pd.DataFrame,
                       roster: pd.DataFrame) -> pd.DataFrame:
    """Attendance rows joined with their event and organisation.

    Returns
    -------
    DataFrame
        One row per event and organisation: ``event``, ``organisation``, ``site`` (the
        organisation's), ``event_site`` (blank for cross-site events), ``wave``,
        ``event_type``, ``date``, ``actor_type``, ``attendees``, ``decision_makers``; sorted
        by date, event and organisation.
    """
    _need(attendance, (C.EVENT, C.ORGANISATION, ATTENDEES, DECISION_MAKERS), "attendance")
    _need(events, (C.EVENT, C.SITE, C.WAVE, EVENT_TYPE, "date"), "events")
    _need(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE), "roster")
    unknown_events = sorted(set(attendance[C.EVENT].dropna()) - set(events[C.EVENT]))
    unknown_orgs = sorted(set(attendance[C.ORGANISATION].dropna())
                          - set(roster[C.ORGANISATION]))
    if unknown_events or unknown_orgs:
        raise ParticipationInputError(
            f"attendance names events {unknown_events} missing from the events table and "
            f"organisations {unknown_orgs} missing from the roster")
    ev = events[[C.EVENT, C.SITE, C.WAVE, EVENT_TYPE, "date"]].rename(
        columns={C.SITE: "event_site"})
    org = roster[[C.ORGANISATION, C.SITE, C.ACTOR_TYPE]]
    table = (attendance[[C.EVENT, C.ORGANISATION, ATTENDEES, DECISION_MAKERS]]
             .merge(ev, on=C.EVENT, how="left", validate="many_to_one")
             .merge(org, on=C.ORGANISATION, how="left", validate="many_to_one"))
    table[ATTENDEES] = pd.to_numeric(table[ATTENDEES], errors="coerce").astype(float)
    table[DECISION_MAKERS] = pd.to_numeric(table[DECISION_MAKERS],
                                           errors="coerce").astype(float)
    table = table.sort_values(["date", C.EVENT, C.ORGANISATION], kind="stable")
    return table[[C.EVENT, C.ORGANISATION, C.SITE, "event_site", C.WAVE, EVENT_TYPE, "date",
                  C.ACTOR_TYPE, ATTENDEES, DECISION_MAKERS]].reset_index(drop=True)


class AttendanceIndex:
    """Attendance records indexed once by site and wave, with the active organisations.

    Parameters
    ----------
    records
        :func:`attendance_records`.
    roster
        The ``roster`` table (sites, activity).
    wave_dates
        Reference date of every wave, in wave order (empty: no active sets are needed).

    Attributes
    ----------
    sites
        Roster sites, sorted.
    active
        ``(site, wave)`` -> active organisations: roster organisations of the site active at
        the wave's date (:func:`evaluation.network.active_mask`) and organisations of the
        site attending an event of the wave; sites first, waves in order.
    """

    def __init__(self, records: pd.DataFrame, roster: pd.DataFrame,
                 wave_dates: Mapping[str, dt.date | None]) -> None:
        self.records = records
        self.sites: list[str] = sorted(roster[C.SITE].dropna().unique())
        # the stored objects themselves, so that sets of them are those of the Series
        self.organisation = records[C.ORGANISATION].to_numpy(dtype=object)
        self.event = records[C.EVENT].to_numpy(dtype=object)
        rows: dict[tuple[object, object], list[int]] = {}
        for i, key in enumerate(zip(records[C.SITE], records[C.WAVE], strict=True)):
            rows.setdefault(key, []).append(i)
        self._rows = {key: np.asarray(value, dtype=np.intp) for key, value in rows.items()}
        self.active = self._active_sets(roster, wave_dates)

    def positions(self, site: object, wave: object) -> np.ndarray:
        """Rows of the records of ``site`` (the organisation's) and ``wave`` (the event's).

        The rows a filter ``(site == site) & (wave == wave)`` keeps, in record order.
        """
        return self._rows.get((site, wave), _NO_ROWS)

    def organisations(self, site: object, wave: object) -> set[object]:
        """Organisations of ``site`` attending an event of ``wave``."""
        return set(self.organisation[self.positions(site, wave)])

    def events_per_organisation(self, site: object, wave: object) -> dict[object, int]:
        """Distinct events of ``wave`` attended by each organisation of ``site``.

        As ``groupby(organisation)[event].nunique()``: missing keys are left out.
        """
        events: dict[object, set[object]] = {}
        for i in self.positions(site, wave):
            org, event = self.organisation[i], self.event[i]
            if not (pd.isna(org) or pd.isna(event)):
                events.setdefault(org, set()).add(event)
        return {org: len(seen) for org, seen in events.items()}

    def _active_sets(self, roster: pd.DataFrame, wave_dates: Mapping[str, dt.date | None],
                     ) -> dict[tuple[str, str], set[object]]:
        out: dict[tuple[str, str], set[object]] = {}
        if not self.sites:
            return out
        organisation = roster[C.ORGANISATION].to_numpy(dtype=object)
        active = {wave: active_mask(roster, date).to_numpy(dtype=bool)
                  for wave, date in wave_dates.items()}
        for site in self.sites:
            here = (roster[C.SITE] == site).to_numpy(dtype=bool)
            for wave in wave_dates:
                out[(site, wave)] = (set(organisation[here & active[wave]])
                                     | self.organisations(site, wave))
        return out


_NO_ROWS = np.zeros(0, dtype=np.intp)


def nansum(values: np.ndarray) -> float:
    """``Series.sum()`` of a float array: missing values count as 0 (numpy's pairwise sum)."""
    return float(np.where(np.isnan(values), 0.0, values).sum())
