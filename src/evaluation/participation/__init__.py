"""Participation in network formats: attendance, ideas and goals.

``records``      attendance records joined and indexed once
``attendance``   who attends what, who stays, how concentrated participation is
``ideas``        idea matrix, quick wins, rater agreement and the implementation funnel
``goals``        goals on the Wirkungstreppe: stage targeted against stage reached

Layer: above ``network``.
"""

from __future__ import annotations

from evaluation.participation.attendance import (
    PARTICIPATION_METRICS,
    ParticipationResults,
    analyse_participation,
    attendance_by_type,
    attendance_concentration,
    event_retention,
    gini,
    participation_summary,
    wave_retention,
)
from evaluation.participation.goals import (
    STAGES,
    goal_progress,
    goal_summary,
)
from evaluation.participation.ideas import (
    CRITERIA,
    CRITERION,
    IDEA,
    N_RATERS,
    QUADRANT,
    QUADRANTS,
    RANK,
    RATER,
    STAGE,
    STATUSES,
    IdeaResults,
    analyse_ideas,
    classify,
    idea_matrix,
    implementation_funnel,
    quick_wins,
    rater_agreement,
)

__all__ = [
    "CRITERIA",
    "CRITERION",
    "IDEA",
    "N_RATERS",
    "PARTICIPATION_METRICS",
    "QUADRANT",
    "QUADRANTS",
    "RANK",
    "RATER",
    "STAGE",
    "STAGES",
    "STATUSES",
    "IdeaResults",
    "ParticipationResults",
    "analyse_ideas",
    "analyse_participation",
    "attendance_by_type",
    "attendance_concentration",
    "classify",
    "event_retention",
    "gini",
    "goal_progress",
    "goal_summary",
    "idea_matrix",
    "implementation_funnel",
    "participation_summary",
    "quick_wins",
    "rater_agreement",
    "wave_retention",
]
