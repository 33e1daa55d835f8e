"""The one vocabulary of column names used by every tidy table in the package.

Import the constants rather than spelling the strings, so that a rename happens in one place.
"""

from __future__ import annotations

# identifiers
RESPONDENT = "respondent"
SITE = "site"
WAVE = "wave"
ITEM = "item"
SCALE = "scale"
FACTOR = "factor"
ORGANISATION = "organisation"
EVENT = "event"
ACTOR_TYPE = "actor_type"

# survey values
VALUE = "value"
STATUS = "status"
SCORE = "score"
SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"

# statuses of one answer; "valid" plus the missing categories kept apart
VALID = "valid"
NO_ANSWER = "no_answer"
CANNOT_JUDGE = "cannot_judge"
NOT_SHOWN = "not_shown"
FAULTY = "faulty"
MISSING_CATEGORIES = (NO_ANSWER, CANNOT_JUDGE, NOT_SHOWN, FAULTY)
STATUSES = (VALID, *MISSING_CATEGORIES)

# statistics
N = "n"
MEAN = "mean"
SD = "sd"
SE = "se"
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
STATISTIC = "statistic"
PVALUE = "pvalue"
PVALUE_ADJ = "pvalue_adj"
EFFECT_SIZE = "effect_size"
DF = "df"
ESTIMATE = "estimate"
N_GROUPS = "n_groups"
LEVEL = "level"
DIFFERENCE = "difference"
TERM = "term"
METHOD = "method"

# plain-language readings of a result row, and the verdict key they are written from
VERDICT = "verdict"
READING_EN = "reading_en"
READING_DE = "reading_de"
