"""Microdata: pseudonymised, k-anonymous answers written as one tidy CSV.

:func:`export_microdata` writes tidy, pseudonymised answers in which every combination of
quasi-identifiers (wave, site, actor type, decision role) is shared by at least ``k``
respondents, generalising step by step (:func:`evaluation.privacy.generalisation.generalise_for_k`)
and refusing where that is not enough; :func:`write_csv_atomic` writes a CSV that is either
complete or untouched. Part of the privacy rules collected in :mod:`evaluation.privacy`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.atomic import atomic_open
from evaluation.errors import PrivacyError, PseudonymKeyMissing
from evaluation.privacy import (
    DEFAULT_HIERARCHY,
    DEFAULT_KEY_ENV,
    DEFAULT_QUASI_IDENTIFIERS,
    MIN_KEY_BYTES,
    GeneralisationStep,
    check_k,
    check_key,
    generalise_for_k,
    pseudonymise,
    require_columns,
)
from evaluation.spreadsheet import spreadsheet_safe

if TYPE_CHECKING:
    from evaluation.io.ingest import SurveyData

log = logging.getLogger("evaluation")


def write_csv_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a CSV (UTF-8, ``\\n``, no index) so that ``path`` is complete or untouched.

    The file is created with mode 0600 (readable by its owner only); see
    :mod:`evaluation.atomic`.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise PrivacyError(f"cannot write {path}: the folder {path.parent} does not exist")
    with atomic_open(path, mode=0o600) as handle:
        spreadsheet_safe(frame).to_csv(handle, index=False, lineterminator="\n")
    return path


def export_microdata(survey: SurveyData, path: str | Path, *, k: int, key: bytes | None,
                     quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS,
                     hierarchy: Sequence[GeneralisationStep] = DEFAULT_HIERARCHY,
                     on_failure: Literal["raise", "drop"] = "raise",
                     key_env: str = DEFAULT_KEY_ENV) -> Path:
    """Write pseudonymised, k-anonymous survey microdata as one tidy CSV.

    Columns: ``respondent`` (keyed pseudonym), ``site``, ``wave``, the other
    quasi-identifiers (generalised, see :func:`generalise_for_k`), ``item``, ``value``,
    ``status``; one row per respondent, wave and item; rows sorted by wave, site and
    pseudonym (never by the original code), items in codebook order.

    Every exported respondent attribute is a quasi-identifier: attributes not listed in
    ``quasi_identifiers`` are left out (by default ``employment``, ``years_in_network``), and
    so are ``source_file``/``source_row``, which lead back to the raw export. Wave and site
    always count as quasi-identifiers and are never generalised; classes are formed per
    wave, and a respondent's rows are generalised alike in every wave.

    Raises
    ------
    PseudonymKeyMissing
        ``key`` is ``None``.
    DisclosureError
        Some group stays below ``k`` (for instance a site with fewer than ``k`` respondents
        in a wave) and ``on_failure`` is ``"raise"``; nothing is written.
    """
    k = check_k(k)
    if key is None:
        raise PseudonymKeyMissing(key_env, min_key_bytes=MIN_KEY_BYTES,
                                  reason="microdata are exported with pseudonyms only")
    key = check_key(key)
    qis = [C.WAVE, C.SITE, *(q for q in quasi_identifiers if q not in (C.WAVE, C.SITE))]
    respondents = survey.respondents
    require_columns(respondents, [C.RESPONDENT, *qis], "the survey's respondents")
    require_columns(survey.responses, [C.RESPONDENT, C.WAVE, C.ITEM, C.VALUE, C.STATUS],
             "the survey's responses")
    twice = respondents.duplicated([C.RESPONDENT, C.WAVE])
    if twice.any():
        raise PrivacyError(f"{int(twice.sum())} respondent row(s) repeat a respondent of the "
                           "same wave; resolve the duplicates (transfer-eval validate) before "
                           "exporting")
    people = respondents[[C.RESPONDENT, *qis]].copy()
    people["_pseudonym"] = pseudonymise(people[C.RESPONDENT], key)
    people = generalise_for_k(people, qis, k=k, hierarchy=hierarchy, identity="_pseudonym",
                              on_failure=on_failure)
    answers = survey.responses[[C.RESPONDENT, C.WAVE, C.ITEM, C.VALUE, C.STATUS]].copy()
    answers["_order"] = np.arange(len(answers))
    table = people.merge(answers, on=[C.RESPONDENT, C.WAVE], how="inner")
    # waves and sites in the order of the survey (project order after load_survey)
    for column in (C.WAVE, C.SITE):
        order = {v: i for i, v in enumerate(pd.unique(respondents[column].astype(object)))}
        table[f"_{column}_rank"] = table[column].map(order)
    table[C.RESPONDENT] = table.pop("_pseudonym")
    table[C.STATUS] = table[C.STATUS].astype(str)
    table = table.sort_values([f"_{C.WAVE}_rank", f"_{C.SITE}_rank", C.RESPONDENT, "_order"],
                              kind="stable")
    others = [q for q in qis if q not in (C.WAVE, C.SITE)]
    columns = [C.RESPONDENT, C.SITE, C.WAVE, *others, C.ITEM, C.VALUE, C.STATUS]
    written = write_csv_atomic(table[columns], path)
    log.info("microdata: %d answer(s) of %d respondent row(s) written to %s", len(table),
             len(people), written)
    return written


__all__ = ["export_microdata", "write_csv_atomic"]
