"""Goals on the Wirkungstreppe (staircase of effects): stage targeted against stage reached.

The ``goals`` table of :class:`~evaluation.io.participation.ParticipationData` gives, per goal,
site and wave, the stage of the Wirkungstreppe the goal aims at and the stage reached so far
(1-7). Stages 1-3 are outputs, 4-6 outcomes, 7 impact (PHINEO 2013).

References
----------
PHINEO (2013). *Kursbuch Wirkung: Das Praxishandbuch für alle, die Gutes noch besser tun
wollen*. Berlin: PHINEO gAG.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import GoalInputError

if TYPE_CHECKING:
    from evaluation.io import ParticipationData

GOAL = "goal"
STAGE_TARGETED = "stage_targeted"
STAGE_REACHED = "stage_reached"
REACHED = "reached"
GAP = "gap"
LEVEL_TARGETED = "level_targeted"
LEVEL_REACHED = "level_reached"

#: Stages of the Wirkungstreppe (German, English), paraphrased.
STAGES: Mapping[int, tuple[str, str]] = {
    1: ("Aktivitäten finden wie geplant statt", "activities take place as planned"),
    2: ("Zielgruppen werden erreicht", "target groups are reached"),
    3: ("Zielgruppen nehmen die Angebote an", "target groups accept the offers"),
    4: ("Bewusstsein und Fähigkeiten ändern sich", "awareness and skills change"),
    5: ("Handeln ändert sich", "behaviour changes"),
    6: ("Lebenslage ändert sich", "living conditions change"),
    7: ("Gesellschaft verändert sich", "society changes"),
}


def stage_level(stage: float) -> str | None:
    """``output`` (stages 1-3), ``outcome`` (4-6) or ``impact`` (7); None when missing."""
    if stage is None or pd.isna(stage):
        return None
    return "output" if stage <= 3 else ("outcome" if stage <= 6 else "impact")


def goal_progress(goals: pd.DataFrame) -> pd.DataFrame:
    """Stage targeted against stage reached for every goal, site and wave.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``goal``, ``title``, ``stage_targeted``, ``stage_reached``,
        ``reached`` (``stage_reached >= stage_targeted``), ``gap`` (stages still to go, 0
        when reached), ``level_targeted``, ``level_reached`` (output / outcome / impact).
    """
    needed = (GOAL, C.SITE, C.WAVE, STAGE_TARGETED, STAGE_REACHED)
    missing = [c for c in needed if c not in goals.columns]
    if missing:
        raise GoalInputError(f"the goals table lacks column(s) {missing}; it has "
                             f"{list(goals.columns)}")
    table = goals[[c for c in (C.SITE, C.WAVE, GOAL, "title", STAGE_TARGETED, STAGE_REACHED)
                   if c in goals]].copy()
    for column in (STAGE_TARGETED, STAGE_REACHED):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype(float)
        bad = table[column].notna() & ~table[column].isin(list(STAGES))
        if bad.any():
            raise GoalInputError(f"{column} must be a stage from 1 to 7; goals "
                                 f"{table.loc[bad, GOAL].tolist()} have "
                                 f"{table.loc[bad, column].tolist()}")
    complete = table[STAGE_TARGETED].notna() & table[STAGE_REACHED].notna()
    table[REACHED] = (table[STAGE_REACHED] >= table[STAGE_TARGETED]).where(complete)
    table[GAP] = np.clip(table[STAGE_TARGETED] - table[STAGE_REACHED], 0, None)
    table[LEVEL_TARGETED] = table[STAGE_TARGETED].map(stage_level)
    table[LEVEL_REACHED] = table[STAGE_REACHED].map(stage_level)
    return table.sort_values([C.SITE, C.WAVE, GOAL], kind="stable").reset_index(drop=True)


def goal_summary(goals: pd.DataFrame) -> pd.DataFrame:
    """Share of goals reached per site and wave.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``n`` (goals with both stages), ``n_reached``, ``share_reached``,
        ``mean_stage_targeted``, ``mean_stage_reached``, ``mean_gap``.
    """
    progress = goal_progress(goals)
    progress = progress[progress[REACHED].notna()].copy()
    progress[REACHED] = progress[REACHED].astype(bool)
    table = progress.groupby([C.SITE, C.WAVE], sort=True).agg(
        n=(GOAL, "size"), n_reached=(REACHED, "sum"),
        mean_stage_targeted=(STAGE_TARGETED, "mean"),
        mean_stage_reached=(STAGE_REACHED, "mean"), mean_gap=(GAP, "mean")).reset_index()
    table["n_reached"] = table["n_reached"].astype(int)
    table["share_reached"] = table["n_reached"] / table[C.N]
    return table[[C.SITE, C.WAVE, C.N, "n_reached", "share_reached", "mean_stage_targeted",
                  "mean_stage_reached", "mean_gap"]]


def analyse_goals(data: ParticipationData) -> pd.DataFrame:
    """:func:`goal_summary` of a project's goals table."""
    return goal_summary(data.goals)
