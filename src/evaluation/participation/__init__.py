"""Participation in network formats: attendance, ideas and goals.

``records``      attendance records joined and indexed once
``attendance``   who attends what, who stays, how concentrated participation is
``ideas``        idea matrix, quick wins, rater agreement and the implementation funnel
``goals``        goals on the Wirkungstreppe: stage targeted against stage reached

Layer: above ``network``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "attendance": [
            "PARTICIPATION_METRICS", "ParticipationResults", "analyse_participation",
            "attendance_by_type", "attendance_concentration", "event_retention", "gini",
            "participation_summary", "wave_retention",
        ],
        "goals": [
            "STAGES", "goal_progress", "goal_summary",
        ],
        "ideas": [
            "CRITERIA", "CRITERION", "IDEA", "N_RATERS", "QUADRANT", "QUADRANTS", "RANK", "RATER",
            "STAGE", "STATUSES", "IdeaResults", "analyse_ideas", "classify", "idea_matrix",
            "implementation_funnel", "quick_wins", "rater_agreement",
        ],
        "records": [
            "attendance_records",
        ],
    },
)
