"""Participation in network formats: who attends what, who stays, how concentrated it is.

Inputs are the ``attendance``, ``events`` and ``roster`` tables of
:class:`~evaluation.io.participation.ParticipationData`. An attendance row counts for the site
of the *organisation* (so cross-site events without a site, such as transfer conferences,
count for each attending organisation's own site) and for the wave of the *event*.

Active organisations are those of :func:`evaluation.network.active_mask` at the wave's
reference date; organisations that attended an event of the wave count as active too, so that
no attendance is lost when a roster date is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.network import METRIC, PREVIOUS_WAVE
from evaluation.participation.records import (
    ATTENDEES,
    DECISION_MAKERS,
    EVENT_TYPE,
    MSO,
    N_ATTENDANCES,
    N_EVENTS,
    N_ORGANISATIONS,
    AttendanceIndex,
    ParticipationInputError,
    _need,
    attendance_records,
    nansum,
)

if TYPE_CHECKING:
    from evaluation.config import Project
    from evaluation.io import ParticipationData

#: Metrics of :func:`participation_summary`, in order.
PARTICIPATION_METRICS: tuple[str, ...] = (
    "n_events", "n_active", "n_attending", "attending_share", "attendees",
    "decision_maker_share", "mso_share_attending", "mso_share_active", "gini_attendance",
    "wave_retention",
)


def attendance_by_type(attendance: pd.DataFrame, events: pd.DataFrame,
                       roster: pd.DataFrame) -> pd.DataFrame:
    """Attendance per site, wave, event type and actor type.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``event_type``, ``actor_type``, ``n_events`` (events of that type
        attended by organisations of that actor type), ``n_organisations`` (distinct
        organisations), ``n_attendances`` (organisation x event), ``attendees`` (people) and
        ``decision_makers`` (people with decision-making authority).
    """
    return _by_type(attendance_records(attendance, events, roster))


def _by_type(records: pd.DataFrame) -> pd.DataFrame:
    """:func:`attendance_by_type` of the attendance records."""
    keys = [C.SITE, C.WAVE, EVENT_TYPE, C.ACTOR_TYPE]
    table = records.groupby(keys, sort=True).agg(
        n_events=(C.EVENT, "nunique"), n_organisations=(C.ORGANISATION, "nunique"),
        n_attendances=(C.EVENT, "size"), attendees=(ATTENDEES, "sum"),
        decision_makers=(DECISION_MAKERS, "sum")).reset_index()
    return table[[*keys, N_EVENTS, N_ORGANISATIONS, N_ATTENDANCES, ATTENDEES,
                  DECISION_MAKERS]]


def gini(values: Iterable[float], *, correction: bool = False) -> float:
    """Gini coefficient of non-negative values (0 equal, towards 1 concentrated).

    Notes
    -----
    For values :math:`x_1 \\le \\dots \\le x_n` with mean :math:`\\mu > 0`,

    .. math:: G = \\frac{\\sum_i \\sum_j |x_i - x_j|}{2 n^2 \\mu}
              = \\frac{2 \\sum_i i\\, x_i}{n \\sum_i x_i} - \\frac{n + 1}{n},

    as ``ineq::Gini(x, corr = FALSE)`` in R. With ``correction=True`` the value is multiplied
    by :math:`n / (n - 1)` (``corr = TRUE``), so that one organisation holding everything
    gives 1. NaN when there are no values or all are zero; negative or missing values raise.

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Cuppini. — Cowell, F. A. (2011).
    *Measuring inequality* (3rd ed.). Oxford University Press, chapter 2.
    """
    x = np.sort(np.asarray(list(values), dtype=float))
    if np.isnan(x).any() or (x < 0).any():
        raise ParticipationInputError(f"the Gini coefficient needs non-negative counts, got "
                                      f"{x.tolist()}")
    n = x.size
    if n == 0 or x.sum() == 0:
        return float("nan")
    g = 2.0 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n
    if correction:
        if n < 2:
            return float("nan")
        g *= n / (n - 1)
    return float(g)


def attendance_concentration(attendance: pd.DataFrame, events: pd.DataFrame,
                             roster: pd.DataFrame, *,
                             wave_dates: Mapping[str, dt.date | None],
                             correction: bool = False) -> pd.DataFrame:
    """How evenly attendance is spread over the active organisations of a site.

    Each active organisation's count of events attended in the wave enters the Gini
    coefficient (:func:`gini`), *including the zeros of active roster organisations that
    attended nothing*: a network where a few organisations come to everything and most never
    come is concentrated, even if the attenders come equally often.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``n_organisations`` (active, zeros included), ``n_zero``
        (active organisations without attendance), ``mean`` (events per organisation),
        ``statistic`` (the Gini coefficient), ``top_share`` (share of all attendances made by
        the most frequent fifth of organisations, rounded up).
    """
    records = attendance_records(attendance, events, roster)
    return _concentration(AttendanceIndex(records, roster, wave_dates), correction=correction)


def _concentration(attendance: AttendanceIndex, *, correction: bool = False) -> pd.DataFrame:
    """:func:`attendance_concentration` of indexed records."""
    rows = []
    for (site, wave), orgs in attendance.active.items():
        counts = attendance.events_per_organisation(site, wave)
        x = np.array([counts.get(o, 0) for o in sorted(orgs)], dtype=float)
        top = int(np.ceil(x.size / 5))
        total = x.sum()
        rows.append({C.SITE: site, C.WAVE: wave, N_ORGANISATIONS: int(x.size),
                     "n_zero": int((x == 0).sum()),
                     C.MEAN: float(x.mean()) if x.size else float("nan"),
                     C.STATISTIC: gini(x, correction=correction),
                     "top_share": float(np.sort(x)[::-1][:top].sum() / total) if total
                     else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, N_ORGANISATIONS, "n_zero", C.MEAN,
                                       C.STATISTIC, "top_share"])


def wave_retention(attendance: pd.DataFrame, events: pd.DataFrame, roster: pd.DataFrame, *,
                   waves: Iterable[str]) -> pd.DataFrame:
    """Organisations attending in one wave that attend again in the next.

    Notes
    -----
    With :math:`A_t` the organisations of a site attending at least one event of wave
    :math:`t`: ``retention`` :math:`= |A_{t-1} \\cap A_t| / |A_{t-1}|`; ``n_new``
    :math:`= |A_t \\setminus A_{t-1}|`.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``previous_wave``, ``n_previous``, ``n_retained``, ``n_new``,
        ``n_current``, ``retention``.
    """
    records = attendance_records(attendance, events, roster)
    return _wave_retention(AttendanceIndex(records, roster, {}), waves=waves)


def _wave_retention(attendance: AttendanceIndex, *, waves: Iterable[str]) -> pd.DataFrame:
    """:func:`wave_retention` of indexed records."""
    order = list(waves)
    rows = []
    for site in attendance.sites:
        sets = {w: attendance.organisations(site, w) for w in order}
        for before, after in pairwise(order):
            a, b = sets[before], sets[after]
            rows.append({C.SITE: site, C.WAVE: after, PREVIOUS_WAVE: before,
                         "n_previous": len(a), "n_retained": len(a & b),
                         "n_new": len(b - a), "n_current": len(b),
                         "retention": len(a & b) / len(a) if a else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, PREVIOUS_WAVE, "n_previous",
                                       "n_retained", "n_new", "n_current", "retention"])


def event_retention(attendance: pd.DataFrame, events: pd.DataFrame,
                    roster: pd.DataFrame) -> pd.DataFrame:
    """Organisations that come back from one event of a site to the next.

    Only events held by the site count (cross-site events have no place in a site's sequence).
    Events are ordered by date, then key.

    Returns
    -------
    DataFrame
        One row per site and event: ``site``, ``event``, ``date``, ``event_type``, ``wave``,
        ``previous_event`` (None for the first), ``n_organisations`` attending, ``n_returning``
        (attended the previous event too), ``n_new`` (never attended an earlier event of the
        site) and ``retention`` (returning / attendees of the previous event).
    """
    return _event_retention(attendance_records(attendance, events, roster), events)


def _event_retention(records: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """:func:`event_retention` of the attendance records."""
    own = records[records["event_site"].notna() & (records["event_site"] == records[C.SITE])]
    _need(events, (C.EVENT, C.SITE, "date"), "events")
    # event -> attending organisations of its own site; a missing event key equals no event
    attending: dict[object, set[object]] = {}
    for key, org in zip(own[C.EVENT], own[C.ORGANISATION], strict=True):
        if not pd.isna(key):
            attending.setdefault(key, set()).add(org)
    rows = []
    held = events[events[C.SITE].notna()].sort_values(["date", C.EVENT], kind="stable")
    for site, site_events in held.groupby(C.SITE, sort=True):
        seen: set[str] = set()
        previous: set[str] | None = None
        previous_key = None
        for ev in site_events.itertuples(index=False):
            key = getattr(ev, C.EVENT)
            orgs = set(attending.get(key, ()))
            rows.append({C.SITE: site, C.EVENT: key, "date": ev.date,
                         EVENT_TYPE: getattr(ev, EVENT_TYPE), C.WAVE: getattr(ev, C.WAVE),
                         "previous_event": previous_key, N_ORGANISATIONS: len(orgs),
                         "n_returning": len(orgs & previous) if previous is not None else 0,
                         "n_new": len(orgs - seen),
                         "retention": (len(orgs & previous) / len(previous))
                         if previous else float("nan")})
            seen |= orgs
            previous, previous_key = orgs, key
    return pd.DataFrame(rows, columns=[C.SITE, C.EVENT, "date", EVENT_TYPE, C.WAVE,
                                       "previous_event", N_ORGANISATIONS, "n_returning",
                                       "n_new", "retention"])


def participation_summary(attendance: pd.DataFrame, events: pd.DataFrame,
                          roster: pd.DataFrame, *,
                          wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Key participation figures per site and wave, one row per metric.

    Metrics (``n`` is the denominator of a share, else the count itself):

    - ``n_events``: distinct events attended by organisations of the site;
    - ``n_active``: active organisations (roster activity, or attendance in the wave);
    - ``n_attending``, ``attending_share``: organisations attending at least once, and their
      share of the active ones;
    - ``attendees``: people over all attendances;
    - ``decision_maker_share``: :math:`\\sum` decision makers / :math:`\\sum` attendees;
    - ``mso_share_attending`` / ``mso_share_active``: migrant organisations (``actor_type ==
      "mso"``) among the attending / active organisations;
    - ``gini_attendance``: :func:`attendance_concentration` (zeros included);
    - ``wave_retention``: :func:`wave_retention` from the previous wave (NaN in the first).

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``metric``, ``value``, ``n``.
    """
    prepared = AttendanceIndex(attendance_records(attendance, events, roster), roster, wave_dates)
    return _summary(prepared, roster, concentration=_concentration(prepared),
                    retention=_wave_retention(prepared, waves=list(wave_dates)))


def _summary(attendance: AttendanceIndex, roster: pd.DataFrame, *, concentration: pd.DataFrame,
             retention: pd.DataFrame) -> pd.DataFrame:
    """:func:`participation_summary` from indexed records and the two tables it quotes."""
    types = dict(zip(roster[C.ORGANISATION], roster[C.ACTOR_TYPE], strict=True))
    people_of = attendance.records[ATTENDEES].to_numpy(dtype=float)
    deciders_of = attendance.records[DECISION_MAKERS].to_numpy(dtype=float)
    # (site, wave) -> (value, n) of the quoted tables; n of the Gini as a float, as a row of
    # the numeric columns of the concentration table gives it
    gini_of = {key: (float(stat), float(n)) for key, stat, n in zip(
        zip(concentration[C.SITE], concentration[C.WAVE], strict=True),
        concentration[C.STATISTIC], concentration[N_ORGANISATIONS], strict=True)}
    retention_of = {key: (ret, n) for key, ret, n in zip(
        zip(retention[C.SITE], retention[C.WAVE], strict=True), retention["retention"],
        retention["n_previous"], strict=True)}
    rows = []

    def add(site: str, wave: str, metric: str, value: float, n: float) -> None:
        rows.append({C.SITE: site, C.WAVE: wave, METRIC: metric, C.VALUE: float(value),
                     C.N: n})

    def share(a: float, b: float) -> float:
        return a / b if b else float("nan")

    for (site, wave), orgs in attendance.active.items():
        rows_here = attendance.positions(site, wave)
        attending = set(attendance.organisation[rows_here])
        n_events = len({e for e in attendance.event[rows_here] if not pd.isna(e)})
        people = nansum(people_of[rows_here])
        mso_att = sum(types.get(o) == MSO for o in attending)
        mso_act = sum(types.get(o) == MSO for o in orgs)
        add(site, wave, "n_events", n_events, n_events)
        add(site, wave, "n_active", len(orgs), len(orgs))
        add(site, wave, "n_attending", len(attending), len(attending))
        add(site, wave, "attending_share", share(len(attending), len(orgs)), len(orgs))
        add(site, wave, "attendees", people, people)
        add(site, wave, "decision_maker_share",
            share(nansum(deciders_of[rows_here]), people), people)
        add(site, wave, "mso_share_attending", share(mso_att, len(attending)), len(attending))
        add(site, wave, "mso_share_active", share(mso_act, len(orgs)), len(orgs))
        add(site, wave, "gini_attendance", *gini_of[(site, wave)])
        if (site, wave) in retention_of:
            add(site, wave, "wave_retention", *retention_of[(site, wave)])
        else:
            add(site, wave, "wave_retention", float("nan"), 0)
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, METRIC, C.VALUE, C.N])


@dataclass(frozen=True, kw_only=True)
class ParticipationResults:
    """All participation tables of a project (see the functions of the same names)."""

    summary: pd.DataFrame
    by_type: pd.DataFrame
    concentration: pd.DataFrame
    wave_retention: pd.DataFrame
    event_retention: pd.DataFrame


def analyse_participation(data: ParticipationData, project: Project) -> ParticipationResults:
    """Run every participation analysis of this module on a project's data."""
    dates = {w.key: w.date for w in project.waves}
    attendance, events, roster = data.attendance, data.events, data.roster
    records = attendance_records(attendance, events, roster)
    prepared = AttendanceIndex(records, roster, dates)
    concentration = _concentration(prepared)
    retention = _wave_retention(prepared, waves=list(dates))
    return ParticipationResults(
        summary=_summary(prepared, roster, concentration=concentration, retention=retention),
        by_type=_by_type(records),
        concentration=concentration,
        wave_retention=retention,
        event_retention=_event_retention(records, events),
    )


__all__ = [
    "PARTICIPATION_METRICS",
    "ParticipationResults",
    "analyse_participation",
    "attendance_by_type",
    "attendance_concentration",
    "event_retention",
    "gini",
    "participation_summary",
    "wave_retention",
]
