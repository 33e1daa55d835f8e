"""What the generators share: the plan, the records they pass on, random streams and dates.

:func:`_plan` draws respondent counts, invitations and site parameters used by both the survey
and the participation tables; :class:`_Tables` holds everything one generation writes. Every
random draw comes from :func:`_rng`, one independent stream per part of the project.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from evaluation.synthetic.design import (
    _PARTS,
    DENSE_SITE,
    DROPOUTS_W1_W2,
    N_RANGE,
    SITES,
    SMALL_N,
    SMALL_SITE,
    SMALL_WAVE,
    STAR_SITE,
    WAVES,
)

# -- records passed between the generators ---------------------------------------------


@dataclass(kw_only=True)
class _Organisation:
    code: str
    site: str
    name: str
    actor_type: str
    joined: dt.date
    left: dt.date | None = None

    def active(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


@dataclass(frozen=True, kw_only=True)
class _Event:
    event: str
    site: str  # "" for a cross-site event
    wave: str
    event_type: str
    date: dt.date
    guest: str = ""  # visiting site of a peer exchange


@dataclass(kw_only=True)
class _Plan:
    """Counts and site parameters shared by survey and participation data."""

    respondents: dict[tuple[str, str], int]
    invited: dict[tuple[str, str], int]
    organisations: dict[str, int]
    attendance_p: dict[str, float]
    decision_share: dict[str, float]
    tie_base: dict[str, float]


@dataclass(kw_only=True)
class _Tables:
    """Everything one generation writes, plus the facts the README reports."""

    survey: dict[str, tuple[list[str], list[list[str]]]]
    participation: dict[str, tuple[list[str], list[list[str]]]]
    plan: _Plan
    roster: list[_Organisation]
    events: list[_Event]
    quick_wins: dict[str, list[str]]
    facts: dict[str, object] = field(default_factory=dict)


# -- small helpers ---------------------------------------------------------------------


def _rng(seed: int, part: str) -> np.random.Generator:
    """An independent random stream for one part of the project.

    Parameters
    ----------
    seed : int
        The project seed.
    part : str
        One of the part names in ``_PARTS``.

    Returns
    -------
    numpy.random.Generator
    """
    return np.random.default_rng([seed, _PARTS.index(part)])


def _site_index(key: str) -> int:
    """Position of a site key in :data:`SITES`."""
    return [s.key for s in SITES].index(key)


def _wave_index(key: str) -> int:
    """Position of a wave key in :data:`WAVES`."""
    return [w.key for w in WAVES].index(key)


def _random_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    """A uniformly drawn day from ``start`` to ``end`` (both included)."""
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _weekday(day: dt.date) -> dt.date:
    """Move a Saturday or Sunday to the following Monday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


# -- plan ------------------------------------------------------------------------------


def _plan(seed: int) -> _Plan:
    """Respondent counts, invitations and site parameters."""
    rng = _rng(seed, "plan")
    respondents: dict[tuple[str, str], int] = {}
    invited: dict[tuple[str, str], int] = {}
    organisations: dict[str, int] = {}
    attendance_p: dict[str, float] = {}
    decision_share: dict[str, float] = {}
    tie_base: dict[str, float] = {}
    lo, hi = N_RANGE
    for site in SITES:
        base = int(rng.integers(18, 53))
        rate = float(rng.uniform(0.45, 0.8))
        for wave in WAVES:
            n = int(np.clip(np.rint(base * rng.uniform(0.85, 1.15)), lo, hi))
            respondents[site.key, wave.key] = n
            invited[site.key, wave.key] = math.ceil(n / rate)
        organisations[site.key] = int(rng.integers(10, 31))
        attendance_p[site.key] = round(float(rng.uniform(0.45, 0.8)), 3)
        decision_share[site.key] = round(float(rng.uniform(0.1, 0.6)), 3)
        tie_base[site.key] = round(float(rng.uniform(0.2, 0.32)), 3)
    respondents[SMALL_SITE, SMALL_WAVE] = SMALL_N
    invited[SMALL_SITE, SMALL_WAVE] = invited[SMALL_SITE, WAVES[0].key]
    organisations[DENSE_SITE] = 16
    organisations[STAR_SITE] = 22
    for site in DROPOUTS_W1_W2:
        organisations[site] = max(organisations[site], 20)
    attendance_p[DENSE_SITE] = 0.85
    attendance_p[STAR_SITE] = 0.35
    return _Plan(respondents=respondents, invited=invited, organisations=organisations,
                 attendance_p=attendance_p, decision_share=decision_share, tie_base=tie_base)
