"""What the ties say beyond structure, and how the networks change between waves.

Trust in and value of each rated organisation (:func:`tie_ratings`, with the rater threshold),
the distribution of collaboration levels (:func:`collaboration_levels`), ties gained and lost
between consecutive waves (:func:`tie_changes`), and the partners who left or stayed
(:func:`departed_partners`, :func:`partner_retention`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.columns import LEVEL
from evaluation.network.graphs import (
    COVERAGE,
    METRIC,
    N_ORGANISATIONS,
    N_RESPONDENTS,
    PREVIOUS_WAVE,
    SHARE,
    SUPPRESSED,
    NetworkInputError,
    SiteNetwork,
    _check_columns,
    active_mask,
    active_positions,
)

#: Levels of the Levels of Collaboration Scale (Frey et al. 2006), as used by ``collaboration``.
COLLABORATION_LEVELS: Mapping[int, tuple[str, str]] = {
    0: ("keine Zusammenarbeit", "no interaction"),
    1: ("Vernetzung (Information austauschen)", "networking"),
    2: ("Kooperation (punktuell abstimmen)", "cooperation"),
    3: ("Koordination (gemeinsam planen)", "coordination"),
    4: ("Koalition (Ressourcen teilen)", "coalition"),
    5: ("Kollaboration (gemeinsame Einheit)", "collaboration"),
}

TRUST_ITEMS = ("trust_1", "trust_2", "trust_3")
VALUE_ITEMS = ("value_1", "value_2", "value_3")


def _active_ties(ties: pd.DataFrame, roster: pd.DataFrame,
                 wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Tie rows whose ego and alter were active organisations of the tie's site at its wave."""
    _check_columns(ties, (C.SITE, C.WAVE, "ego", "alter", "collaboration"), "ties")
    unknown = sorted(set(ties[C.WAVE].dropna()) - set(wave_dates))
    if unknown:
        raise NetworkInputError(f"ties name wave(s) {unknown} that are not among the waves "
                                f"{list(wave_dates)}")
    keep = pd.Series(False, index=ties.index)
    for wave, date in wave_dates.items():
        active = roster[active_mask(roster, date).to_numpy(dtype=bool)]
        home = dict(zip(active[C.ORGANISATION], active[C.SITE], strict=True))
        in_wave = ties[C.WAVE] == wave
        ego_ok = ties["ego"].map(home) == ties[C.SITE]
        alter_ok = ties["alter"].map(home) == ties[C.SITE]
        keep |= (in_wave & ego_ok & alter_ok).fillna(False).astype(bool)
    return ties[keep.to_numpy(dtype=bool)]


def _egos_by_site_wave(ties: pd.DataFrame) -> dict[tuple[object, object], set[object]]:
    """The ``ego`` values of the tie rows of every site and wave (any level)."""
    egos: dict[tuple[object, object], set[object]] = {}
    for site, wave, ego in zip(ties[C.SITE], ties[C.WAVE], ties["ego"], strict=True):
        egos.setdefault((site, wave), set()).add(ego)
    return egos


def _active_sets(roster: pd.DataFrame, wave_dates: Mapping[str, dt.date | None],
                 sites: Sequence[str]) -> dict[tuple[str, str], set[object]]:
    """Active organisations per site and wave, as sets.

    The organisations are those of :func:`~evaluation.network.graphs.active_organisations`.
    """
    if not sites or not wave_dates:
        return {}
    organisation = roster[C.ORGANISATION].to_numpy(dtype=object)
    return {key: set(organisation[rows]) for key, rows in
            active_positions(roster, wave_dates=wave_dates, sites=sites).items()}


def _coverage_frame(ties: pd.DataFrame, roster: pd.DataFrame,
                    wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    sites = sorted(roster[C.SITE].dropna().unique())
    active_sets = _active_sets(roster, wave_dates, sites)
    egos_of = _egos_by_site_wave(ties)
    rows = []
    for site in sites:
        for wave in wave_dates:
            active = active_sets[(site, wave)]
            egos = egos_of.get((site, wave), set()) & active
            rows.append({C.SITE: site, C.WAVE: wave, N_ORGANISATIONS: len(active),
                         N_RESPONDENTS: len(egos),
                         COVERAGE: len(egos) / len(active) if active else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, N_ORGANISATIONS, N_RESPONDENTS,
                                       COVERAGE])


def tie_ratings(ties: pd.DataFrame, roster: pd.DataFrame, *,
                wave_dates: Mapping[str, dt.date | None], min_raters: int = 3,
                min_items: int = 2) -> pd.DataFrame:
    """Trust in and value of each rated organisation, shown only with enough raters.

    Each tie row gives a trust score and a value score: the mean of the answered items
    ``trust_1..3`` / ``value_1..3`` (1-4), provided at least ``min_items`` of the three are
    answered (two thirds, as for survey scales). Per site, wave and rated organisation
    (``alter``) the scores of the distinct raters (``ego``) are averaged.

    Parameters
    ----------
    min_raters
        An organisation's mean is reported only if at least this many partners rated it
        (privacy rule in docs/privacy.md, default 3); otherwise ``mean`` and ``sd`` are NaN and
        ``suppressed`` is True. The count ``n`` stays visible.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``organisation``, ``actor_type``, ``metric`` (``trust`` or
        ``value``), ``n`` (raters), ``mean``, ``sd``, ``suppressed``.
    """
    _check_rating_rules(min_raters, min_items)
    return _tie_ratings(_active_ties(ties, roster, wave_dates), roster, min_raters=min_raters,
                        min_items=min_items)


def _check_rating_rules(min_raters: int, min_items: int) -> None:
    if min_raters < 1:
        raise NetworkInputError(f"min_raters must be at least 1, got {min_raters!r}")
    if not 1 <= min_items <= 3:
        raise NetworkInputError(f"min_items must be 1, 2 or 3, got {min_items!r}")


def _tie_ratings(rows: pd.DataFrame, roster: pd.DataFrame, *, min_raters: int,
                 min_items: int) -> pd.DataFrame:
    """:func:`tie_ratings` of the tie rows between active organisations (``_active_ties``)."""
    columns = [C.SITE, C.WAVE, C.ORGANISATION, C.ACTOR_TYPE, METRIC, C.N, C.MEAN, C.SD,
               SUPPRESSED]
    types = dict(zip(roster[C.ORGANISATION], roster[C.ACTOR_TYPE], strict=True))
    parts = []
    for metric, items in (("trust", TRUST_ITEMS), ("value", VALUE_ITEMS)):
        present = [i for i in items if i in rows]
        if not present:
            continue
        values = rows[present].apply(pd.to_numeric, errors="coerce").astype(float)
        score = values.mean(axis=1).where(values.notna().sum(axis=1) >= min_items)
        frame = pd.DataFrame({C.SITE: rows[C.SITE], C.WAVE: rows[C.WAVE],
                              C.ORGANISATION: rows["alter"], "ego": rows["ego"],
                              "score": score}).dropna(subset=["score"])
        grouped = frame.groupby([C.SITE, C.WAVE, C.ORGANISATION], sort=True)["score"]
        summary = grouped.agg(n="count", mean="mean", sd="std").reset_index()
        summary[METRIC] = metric
        parts.append(summary)
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table[C.ACTOR_TYPE] = table[C.ORGANISATION].map(types)
    table[SUPPRESSED] = table[C.N] < min_raters
    table.loc[table[SUPPRESSED], [C.MEAN, C.SD]] = np.nan
    table = table.sort_values([C.SITE, C.WAVE, METRIC, C.ORGANISATION], kind="stable")
    return table[columns].reset_index(drop=True)


def collaboration_levels(ties: pd.DataFrame, roster: pd.DataFrame, *,
                         wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Distribution of the collaboration levels 0-5 per site and wave.

    All answered rows between active organisations count, level 0 ("no interaction")
    included. Levels follow the Levels of Collaboration Scale (Frey et al. 2006): 0 none,
    1 networking, 2 cooperation, 3 coordination, 4 coalition, 5 collaboration.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``level`` (0-5, every level listed), ``n``, ``share`` (of the
        answered rows of that site and wave), ``n_organisations``, ``n_respondents``,
        ``coverage``.

    References
    ----------
    Frey, B. B., Lohmeier, J. H., Lee, S. W., & Tollefson, N. (2006). Measuring collaboration
    among grant partners. *American Journal of Evaluation*, 27(3), 383-392.
    """
    return _collaboration_levels(_active_ties(ties, roster, wave_dates),
                                 _coverage_frame(ties, roster, wave_dates))


def _collaboration_levels(rows: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """:func:`collaboration_levels` of the tie rows between active organisations."""
    level = pd.to_numeric(rows["collaboration"], errors="coerce")
    counts = (pd.DataFrame({C.SITE: rows[C.SITE], C.WAVE: rows[C.WAVE], LEVEL: level})
              .dropna().astype({LEVEL: int})
              .groupby([C.SITE, C.WAVE, LEVEL]).size().to_dict())
    out = []
    for cov in coverage.itertuples(index=False):
        site, wave = getattr(cov, C.SITE), getattr(cov, C.WAVE)
        total = sum(int(counts.get((site, wave, lv), 0)) for lv in COLLABORATION_LEVELS)
        for lv in COLLABORATION_LEVELS:
            n = int(counts.get((site, wave, lv), 0))
            out.append({C.SITE: site, C.WAVE: wave, LEVEL: lv, C.N: n,
                        SHARE: n / total if total else float("nan"),
                        N_ORGANISATIONS: getattr(cov, N_ORGANISATIONS),
                        N_RESPONDENTS: getattr(cov, N_RESPONDENTS),
                        COVERAGE: getattr(cov, COVERAGE)})
    return pd.DataFrame(out, columns=[C.SITE, C.WAVE, LEVEL, C.N, SHARE, N_ORGANISATIONS,
                                      N_RESPONDENTS, COVERAGE])


def tie_changes(networks: Mapping[tuple[str, str], SiteNetwork], *,
                waves: Sequence[str]) -> pd.DataFrame:
    """Ties gained and lost between consecutive waves, per site.

    A directed tie is *gained* when it exists in the later wave only and *lost* when it
    existed in the earlier wave only. Lost ties are split by why they may have gone:
    ``lost_departed`` (an end is no longer an active organisation), ``lost_silent`` (both
    ends still active, but the ego did not answer the roster question in the later wave, so
    the tie could not be reported) and ``lost_continuing`` (the rest: ties really given up).
    ``gained_new`` counts gained ties with an end that was not active in the earlier wave.

    Returns
    -------
    DataFrame
        One row per site and later wave: ``site``, ``wave``, ``previous_wave``,
        ``ties_before``, ``ties_after``, ``stable``, ``gained``, ``gained_new``, ``lost``,
        ``lost_departed``, ``lost_silent``, ``lost_continuing``, ``jaccard`` (stable ties /
        ties in either wave) and ``coverage`` of the later wave.
    """
    columns = [C.SITE, C.WAVE, PREVIOUS_WAVE, "ties_before", "ties_after", "stable", "gained",
               "gained_new", "lost", "lost_departed", "lost_silent", "lost_continuing",
               "jaccard", COVERAGE]
    sites = sorted({site for site, _ in networks})
    rows = []
    for site in sites:
        for before, after in pairwise(waves):
            if (site, before) not in networks or (site, after) not in networks:
                continue
            old, new = networks[(site, before)], networks[(site, after)]
            e_old, e_new = set(old.graph.edges()), set(new.graph.edges())
            gained, lost = e_new - e_old, e_old - e_new
            departed = {e for e in lost if e[0] not in new.graph or e[1] not in new.graph}
            silent = {e for e in lost - departed if e[0] not in new.respondents}
            union = e_old | e_new
            rows.append({
                C.SITE: site, C.WAVE: after, PREVIOUS_WAVE: before,
                "ties_before": len(e_old), "ties_after": len(e_new),
                "stable": len(e_old & e_new), "gained": len(gained),
                "gained_new": sum(1 for u, v in gained
                                  if u not in old.graph or v not in old.graph),
                "lost": len(lost), "lost_departed": len(departed), "lost_silent": len(silent),
                "lost_continuing": len(lost) - len(departed) - len(silent),
                "jaccard": len(e_old & e_new) / len(union) if union else float("nan"),
                COVERAGE: new.coverage,
            })
    return pd.DataFrame(rows, columns=columns)


def _ordered_dates(wave_dates: Mapping[str, dt.date | None]) -> list[tuple[str, dt.date]]:
    dated = [(w, d) for w, d in wave_dates.items() if d is not None]
    for (w1, d1), (w2, d2) in pairwise(dated):
        if d2 <= d1:
            raise NetworkInputError(f"wave dates must increase in wave order; wave {w2!r} "
                                    f"({d2}) is not after wave {w1!r} ({d1})")
    return dated


def departed_partners(roster: pd.DataFrame, *,
                      wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Organisations that left between two consecutive (dated) waves.

    An organisation departs between waves ``a`` and ``b`` when it was active at ``a`` and its
    ``left`` date lies in ``(date_a, date_b]``.

    Returns
    -------
    DataFrame
        ``site``, ``organisation``, ``actor_type``, ``left``, ``previous_wave``, ``wave``
        (the first wave it is missing from).
    """
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined", "left"), "roster")
    dated = _ordered_dates(wave_dates)
    rows = []
    left = pd.to_datetime(roster["left"])
    for (w1, d1), (w2, d2) in pairwise(dated):
        was_active = active_mask(roster, d1)
        gone = was_active & (left > pd.Timestamp(d1)) & (left <= pd.Timestamp(d2))
        for row in roster[gone.fillna(False).to_numpy(dtype=bool)].itertuples(index=False):
            rows.append({C.SITE: getattr(row, C.SITE),
                         C.ORGANISATION: getattr(row, C.ORGANISATION),
                         C.ACTOR_TYPE: getattr(row, C.ACTOR_TYPE), "left": row.left,
                         PREVIOUS_WAVE: w1, C.WAVE: w2})
    table = pd.DataFrame(rows, columns=[C.SITE, C.ORGANISATION, C.ACTOR_TYPE, "left",
                                        PREVIOUS_WAVE, C.WAVE])
    return table.sort_values([C.SITE, "left", C.ORGANISATION], kind="stable").reset_index(
        drop=True)


def partner_retention(roster: pd.DataFrame, *,
                      wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Partners retained, lost and gained per site between consecutive (dated) waves.

    Notes
    -----
    With :math:`A_a` the organisations active at wave :math:`a` and :math:`A_b` those active
    at the next wave :math:`b`: ``n_left`` :math:`= |A_a \\setminus A_b|`, ``n_retained``
    :math:`= |A_a \\cap A_b|`, ``n_joined`` :math:`= |A_b \\setminus A_a|`, and
    ``retention`` :math:`= |A_a \\cap A_b| / |A_a|`.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``previous_wave``, ``n_before``, ``n_retained``, ``n_left``,
        ``n_joined``, ``n_after``, ``retention``.
    """
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined"), "roster")
    dated = _ordered_dates(wave_dates)
    rows = []
    sites = sorted(roster[C.SITE].dropna().unique())
    active = _active_sets(roster, dict(dated), sites) if len(dated) > 1 else {}
    for site in sites:
        for (w1, _), (w2, _) in pairwise(dated):
            a, b = active[(site, w1)], active[(site, w2)]
            rows.append({C.SITE: site, C.WAVE: w2, PREVIOUS_WAVE: w1, "n_before": len(a),
                         "n_retained": len(a & b), "n_left": len(a - b),
                         "n_joined": len(b - a), "n_after": len(b),
                         "retention": len(a & b) / len(a) if a else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, PREVIOUS_WAVE, "n_before",
                                       "n_retained", "n_left", "n_joined", "n_after",
                                       "retention"])
