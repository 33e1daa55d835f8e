"""k-anonymity of quasi-identifiers, and generalising them step by step until it holds.

:func:`k_anonymity` lists the combinations of quasi-identifiers (wave, site, actor type,
decision role) shared by fewer than ``k`` respondents; :func:`generalise_for_k` coarsens or
drops attributes along a hierarchy (:data:`DEFAULT_HIERARCHY`) until every combination has
``k``. :func:`evaluation.io.microdata.export_microdata` relies on both. Part of the privacy rules
collected in :mod:`evaluation.privacy`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import ACTOR_TYPE_SECTORS
from evaluation.errors import DisclosureError
from evaluation.privacy.checks import PrivacyError, check_k, require_columns

log = logging.getLogger("evaluation")

DECISION_ROLE = "decision_role"
DEFAULT_QUASI_IDENTIFIERS = (C.SITE, C.ACTOR_TYPE, DECISION_ROLE)


@dataclass(frozen=True, kw_only=True)
class GeneralisationStep:
    """One step of a generalisation hierarchy.

    ``mapping`` recodes the column's values (values it does not list and that are not
    among its results become ``fallback``); ``mapping=None`` drops the value (missing).
    """

    column: str
    mapping: Mapping[Any, Any] | None = None
    fallback: Any = "other"
    description: str = ""

    def apply(self, values: np.ndarray, missing: object) -> np.ndarray:
        if self.mapping is None:
            return np.full(len(values), missing, dtype=object)
        mapping = self.mapping
        targets = set(mapping.values())

        def recode(value: Any) -> Any:
            if value is missing:
                return missing
            if value in mapping:
                return mapping[value]
            return value if value in targets else self.fallback

        return np.array([recode(v) for v in values], dtype=object)


DEFAULT_HIERARCHY: tuple[GeneralisationStep, ...] = (
    GeneralisationStep(column=DECISION_ROLE, mapping=None,
                       description="decision role dropped"),
    GeneralisationStep(column=C.ACTOR_TYPE, mapping=ACTOR_TYPE_SECTORS, fallback="other",
                       description="actor type generalised to its sector (public, "
                                   "civil_society, business, other)"),
    GeneralisationStep(column=C.ACTOR_TYPE, mapping=None, description="actor type dropped"),
)
"""The default order of generalisation, finest and least used attribute first.

1. ``decision_role`` is dropped: a binary attribute used in few analyses, yet "the head of
   the Jobcenter in X" is often a single known person;
2. ``actor_type`` is coarsened to its sector (:data:`evaluation.config.ACTOR_TYPE_SECTORS`),
   which keeps the public / civil-society comparison behind the "Augenhöhe" check;
3. ``actor_type`` is dropped.

The site (and the wave) are never generalised: a class still below ``k`` after step 3 is a
site with fewer than ``k`` respondents in a wave, and :func:`generalise_for_k` refuses or
drops it.
"""


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def k_anonymity(frame: pd.DataFrame,
                quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS, *,
                k: int) -> pd.DataFrame:
    """Equivalence classes with fewer than ``k`` rows.

    Rows are counted, so give one row per person (for panel data include ``wave`` among the
    quasi-identifiers). A missing value is a value of its own.

    Returns
    -------
    pandas.DataFrame
        The quasi-identifier columns and ``n``, one row per class below ``k``, sorted by the
        quasi-identifiers; empty when the frame is k-anonymous.
    """
    k = check_k(k)
    qis = list(quasi_identifiers)
    require_columns(frame, qis, "the frame")
    codes = _encode(frame, qis)
    ids, sizes = _classes(codes)
    small = np.flatnonzero(sizes < k)
    return _class_table(codes, ids, sizes, small, qis)


def _encode(frame: pd.DataFrame, qis: list[str]) -> np.ndarray:
    """Quasi-identifiers as an object array (columns x rows) with one missing marker."""
    out = np.empty((len(qis), len(frame)), dtype=object)
    for q, column in enumerate(qis):
        values = frame[column].to_numpy(dtype=object)
        out[q] = [_MISSING if _is_missing(v) else v for v in values]
    return out


def _is_missing(value: Any) -> bool:
    return value is None or value is _MISSING or (not isinstance(value, str)
                                                  and bool(pd.isna(value)))


def _classes(codes: np.ndarray, active: np.ndarray | None = None) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Class id per row (-1 for inactive rows) and the size of each class."""
    n = codes.shape[1]
    ids = np.full(n, -1, dtype=int)
    index: dict[tuple[Any, ...], int] = {}
    for i in range(n):
        if active is not None and not active[i]:
            continue
        ids[i] = index.setdefault(tuple(codes[:, i]), len(index))
    sizes = np.bincount(ids[ids >= 0], minlength=len(index))
    return ids, sizes


def _class_table(codes: np.ndarray, ids: np.ndarray, sizes: np.ndarray,
                 which: Iterable[int], qis: list[str]) -> pd.DataFrame:
    rows = []
    for c in which:
        first = int(np.flatnonzero(ids == c)[0])
        row = {q: (pd.NA if codes[j, first] is _MISSING else codes[j, first])
               for j, q in enumerate(qis)}
        row[C.N] = int(sizes[c])
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*qis, C.N])
    if len(table):
        table = table.sort_values(qis, kind="stable", na_position="last",
                                  key=lambda s: s.astype(str)).reset_index(drop=True)
    return table.astype({C.N: int})


def generalise_for_k(frame: pd.DataFrame,
                     quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS, *,
                     k: int,
                     hierarchy: Sequence[GeneralisationStep] = DEFAULT_HIERARCHY,
                     identity: str | None = None,
                     on_failure: Literal["raise", "drop"] = "raise") -> pd.DataFrame:
    """Generalise quasi-identifiers step by step until every class has ``k`` rows.

    Parameters
    ----------
    frame
        One row per person (and wave); the quasi-identifier columns are recoded.
    quasi_identifiers
        Columns that together could single someone out. Steps may only touch these.
    k
        Minimum class size.
    hierarchy
        Generalisation steps in order (:data:`DEFAULT_HIERARCHY`); a row at level ``j``
        shows its values after steps ``1..j``.
    identity
        Column identifying a person across rows (the pseudonym, with one row per wave):
        all rows of a person end at the same level, so linking waves cannot undo a
        generalisation.
    on_failure
        ``"raise"`` (default): raise :class:`DisclosureError` naming the classes still
        below ``k`` after the last step. ``"drop"``: leave their rows out (logged).

    Returns
    -------
    pandas.DataFrame
        A copy with recoded quasi-identifiers (missing where dropped); without the dropped
        rows under ``on_failure="drop"``.

    Notes
    -----
    *Local recoding, as few rows as possible.* Only classes below ``k`` are generalised.
    For each such class the routine looks, from its current level up, for the lowest level
    at which it reaches ``k`` together with other classes below ``k`` that show the same
    values there (smallest first), and moves them there together. Where no level is enough,
    the class goes one level up and takes along the smallest larger classes that show the
    same values there (e.g. the site's other public-sector respondents) until it reaches
    ``k`` (at the class's own level where that is enough). Large classes thus keep their
    detail wherever the small ones can be pooled among themselves. Repeat until no class
    below ``k`` can move; the classes left (all at the last level) are refused or dropped.
    With ``identity`` each person's rows are then raised to that person's highest level, and
    the loop starts again. Levels only grow and rows are only dropped, so the loop ends.
    """
    k = check_k(k)
    qis = list(quasi_identifiers)
    if on_failure not in ("raise", "drop"):
        raise PrivacyError(f"on_failure must be 'raise' or 'drop', got {on_failure!r}")
    require_columns(frame, [*qis, *([identity] if identity else [])], "the frame")
    for step in hierarchy:
        if step.column not in qis:
            raise PrivacyError(f"generalisation step on {step.column!r}, which is not a "
                               f"quasi-identifier ({', '.join(qis)})")
    n = len(frame)
    depth = len(hierarchy)
    levels_codes = [_encode(frame, qis)]
    for step in hierarchy:
        nxt = levels_codes[-1].copy()
        q = qis.index(step.column)
        nxt[q] = step.apply(nxt[q], _MISSING)
        levels_codes.append(nxt)
    stacked = np.stack(levels_codes)  # level x qi x row
    level = np.zeros(n, dtype=int)
    active = np.ones(n, dtype=bool)
    people = None
    if identity is not None:
        people, _ = pd.factorize(frame[identity].astype(object))
        unknown = people < 0  # rows without an identity are people of their own
        people[unknown] = people.max(initial=-1) + 1 + np.arange(int(unknown.sum()))
    unresolved: list[pd.DataFrame] = []

    def current() -> np.ndarray:
        return stacked[level, :, np.arange(n)].T

    def matches(codes: np.ndarray, target: np.ndarray) -> np.ndarray:
        return np.all(codes == target[:, None], axis=0)

    def take_along(candidates: np.ndarray, ids: np.ndarray, sizes: np.ndarray,
                   count: int) -> tuple[np.ndarray, int]:
        """Whole classes among ``candidates``, smallest first, until ``count`` reaches k."""
        chosen = np.zeros(n, dtype=bool)
        for other in sorted(set(ids[candidates].tolist()), key=lambda o: (sizes[o], o)):
            if count >= k:
                break
            rows = candidates & (ids == other)
            chosen |= rows
            count += int(rows.sum())
        return chosen, count

    while True:
        codes = current()
        ids, sizes = _classes(codes, active)
        small = [int(c) for c in np.flatnonzero(sizes < k)]
        touched = np.zeros(n, dtype=bool)
        raised = False
        in_small = active & np.isin(ids, small)
        for c in small:
            members = ids == c
            if touched[members].any():
                continue  # changed by another class of this sweep; look again next sweep
            first = int(np.flatnonzero(members)[0])
            top = int(level[members].max())
            now = current()
            choice = None
            # the lowest level at which the class reaches k together with other small classes
            for target_level in range(top, depth + 1):
                target = stacked[target_level, :, first]
                existing = active & ~members & matches(now, target)
                family = (active & ~members & ~existing & ~touched & (level < target_level)
                          & matches(stacked[target_level], target))
                chosen, count = take_along(family & in_small, ids, sizes,
                                           int(members.sum() + existing.sum()))
                if count >= k:
                    choice = target_level, chosen
                    break
            # otherwise take along the smallest larger classes, at the class's own level if
            # that is enough, else one level further
            for target_level in range(top, min(top + 1, depth) + 1):
                if choice is not None:
                    break
                target = stacked[target_level, :, first]
                existing = active & ~members & matches(now, target)
                family = (active & ~members & ~existing & ~touched & (level < target_level)
                          & matches(stacked[target_level], target))
                chosen, count = take_along(family, ids, sizes,
                                           int(members.sum() + existing.sum()))
                if count >= k:
                    choice = target_level, chosen
                elif target_level > top:
                    choice = target_level, family
            if choice is None:
                continue  # at the last level: unresolved unless others join it later
            target_level, chosen = choice
            moved = members | chosen
            before = level[moved]
            level[moved] = np.maximum(before, target_level)
            touched |= moved
            raised = raised or bool((level[moved] != before).any())
        if raised:
            continue
        if small:
            unresolved.append(_class_table(codes, ids, sizes, small, qis))
            for c in small:
                active[ids == c] = False
        if people is not None:
            highest = pd.Series(np.where(active, level, -1)).groupby(people).transform("max")
            propagated = np.where(active, np.maximum(level, highest.to_numpy()), level)
            if (propagated != level).any():
                level = propagated
                continue
        break

    if unresolved:
        table = pd.concat(unresolved, ignore_index=True)
        names = "; ".join(_describe_class(row, qis) for row in table.head(20).to_dict("records"))
        more = f" and {len(table) - 20} more" if len(table) > 20 else ""
        if on_failure == "raise":
            raise DisclosureError(
                f"{len(table)} group(s) stay below k={k} after every generalisation step: "
                f"{names}{more}. Leave these respondents out of the export "
                "(on_failure='drop'), merge sites, or publish aggregates only.", classes=table)
        log.warning("microdata: %d row(s) in %d group(s) below k=%d left out: %s%s",
                    int(table[C.N].sum()), len(table), k, names, more)

    out = frame.copy()
    codes = current()
    for q, column in enumerate(qis):
        out[column] = pd.Series([pd.NA if v is _MISSING else v for v in codes[q]],
                                index=frame.index, dtype=object)
    for j, step in enumerate(hierarchy, start=1):
        count = int(((level >= j) & active).sum())
        if count:
            log.info("microdata: %s for %d row(s)", step.description or step.column, count)
    return out[active]


def _describe_class(row: Mapping[str, Any], qis: list[str]) -> str:
    parts = [f"{q}={'(hidden)' if pd.isna(row[q]) else row[q]}" for q in qis]
    return f"{', '.join(parts)} (n={row[C.N]})"


__all__ = ["DECISION_ROLE", "DEFAULT_HIERARCHY", "DEFAULT_QUASI_IDENTIFIERS",
           "GeneralisationStep", "generalise_for_k", "k_anonymity"]
