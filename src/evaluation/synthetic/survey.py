"""The survey exports of the synthetic example: respondents, panel links and item answers.

Answers follow a latent model (site effects, a general factor, panel stability, the planted
drivers of synergy, the improving site, the volunteer gap and the misread reverse-keyed item;
see :mod:`evaluation.synthetic.design`). :func:`_survey_facts` computes from the written
cells the *realised* values the README reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evaluation.config import Codebook
from evaluation.synthetic.design import (
    ACTOR_TYPES,
    BAD_REVERSE_ITEM,
    BLANK_RATE,
    CANNOT_JUDGE_CHALLENGE,
    CANNOT_JUDGE_DEFAULT,
    CANNOT_JUDGE_RATE,
    CHALLENGE_BASE,
    DECISION_P,
    DECISION_P_DEFAULT,
    DRIVER_WEIGHTS,
    DRIVERS,
    DROPOUT_CHALLENGE_SHIFT,
    DROPOUTS_W1_W2,
    FACTOR_BASE,
    GENERAL,
    IGNORED_NEGATION_SHARE,
    IMPROVEMENT,
    IMPROVING_SITE,
    ITEM_SD,
    LOADING,
    NO_ANSWER_CODE_RATE,
    NOT_IMPROVING,
    PANEL_SHARE,
    RESPONDENT_ACTOR_P,
    SITE_SD,
    SITES,
    STABILITY,
    STRAIGHT_LINERS,
    SYNERGY_SITE_SD,
    VOLUNTEER_P,
    VOLUNTEER_P_DEFAULT,
    VOLUNTEER_SHIFT,
    WAVES,
)
from evaluation.synthetic.plan import _Plan, _rng, _site_index, _wave_index


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation over pairs where both values are present (no BLAS, no warnings)."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) < 3:
        return float("nan")
    xd, yd = x - np.sum(x) / len(x), y - np.sum(y) / len(y)
    denominator = math.sqrt(float(np.sum(xd * xd)) * float(np.sum(yd * yd)))
    return float(np.sum(xd * yd)) / denominator if denominator > 0 else float("nan")


def _mean(x: np.ndarray) -> float:
    """Mean of the present values (NaN if none), without a RuntimeWarning."""
    x = x[~np.isnan(x)]
    return float(np.sum(x) / len(x)) if len(x) else float("nan")


@dataclass(kw_only=True)
class _Person:
    code: str
    site: int
    actor_type: str
    employment: str
    decision_role: str
    years: int  # years in the network at the first wave answered
    first_wave: int
    latent: np.ndarray  # persistent part: factors..., synergy residual, satisfaction residual


def _latent_draw(rng: np.random.Generator, n_factors: int, size: int) -> np.ndarray:
    """Person-level latent values: factors sharing a general factor, plus two residuals."""
    general = rng.normal(size=(size, 1))
    specific = rng.normal(size=(size, n_factors))
    factors = GENERAL * general + math.sqrt(1 - GENERAL**2) * specific
    return np.hstack([factors, rng.normal(size=(size, 2))])


def _new_person(rng: np.random.Generator, site: int, wave: int, code: str,
                n_factors: int) -> _Person:
    """Draw the attributes and persistent latent values of a new respondent."""
    actor = ACTOR_TYPES[int(rng.choice(len(ACTOR_TYPES), p=RESPONDENT_ACTOR_P))]
    volunteer = rng.random() < VOLUNTEER_P.get(actor, VOLUNTEER_P_DEFAULT)
    decision = rng.random() < DECISION_P.get(actor, DECISION_P_DEFAULT)
    years = int(min(30, rng.geometric(0.22) - 1))
    return _Person(code=code, site=site, actor_type=actor,
                   employment="volunteer" if volunteer else "paid",
                   decision_role="yes" if decision else "no", years=years, first_wave=wave,
                   latent=_latent_draw(rng, n_factors, 1)[0])


def _survey(book: Codebook, plan: _Plan, seed: int) -> tuple[
        dict[str, tuple[list[str], list[list[str]]]], dict[str, object]]:
    """Survey exports per wave (header, rows) and the realised facts for the README."""
    rng = _rng(seed, "survey")
    factors = list(book.factors)
    for key in (*DRIVERS, *VOLUNTEER_SHIFT, *NOT_IMPROVING, "synergy", "satisfaction"):
        if key not in book.scales:
            raise ValueError(f"the synthetic example needs scale {key!r} in the codebook "
                             f"{book.source}")
    if BAD_REVERSE_ITEM not in book.items or not book.items[BAD_REVERSE_ITEM].reverse:
        raise ValueError(f"the synthetic example needs reverse-keyed item {BAD_REVERSE_ITEM!r}")
    n_factors = len(factors)
    n_sites = len(SITES)

    # site level: a general site climate plus factor-specific parts
    site_general = rng.normal(size=n_sites)
    site_general[_site_index(IMPROVING_SITE)] = -1.5  # K07 starts clearly below the pool
    site_specific = rng.normal(size=(n_sites, n_factors))
    site_effect = SITE_SD * (GENERAL * site_general[:, None]
                             + math.sqrt(1 - GENERAL**2) * site_specific)
    synergy_site = rng.normal(0.0, SYNERGY_SITE_SD, size=n_sites)
    challenges = list(book.challenges)
    challenge_site = rng.normal(0.0, 0.4, size=(n_sites, len(challenges)))

    # respondents and panel links
    codes = [f"R{c:04d}" for c in rng.permutation(np.arange(1, 10000))]
    next_code = 0
    rows: list[tuple[_Person, int]] = []
    members: dict[int, list[_Person]] = {}
    for w, wave in enumerate(WAVES):
        for s, site in enumerate(SITES):
            n = plan.respondents[site.key, wave.key]
            keep: list[_Person] = []
            previous = members.get(s, [])
            if previous:
                k = min(round(PANEL_SHARE * len(previous)), n)
                picked = sorted(int(i) for i in rng.choice(len(previous), size=k,
                                                           replace=False))
                keep = [previous[i] for i in picked]
            new = []
            for _ in range(n - len(keep)):
                new.append(_new_person(rng, s, w, codes[next_code], n_factors))
                next_code += 1
            members[s] = keep + new
            rows.extend((p, w) for p in members[s])
    straight = set()
    for site_key, wave_key in STRAIGHT_LINERS:
        s, w = _site_index(site_key), _wave_index(wave_key)
        first_new = next(p for p, pw in rows if p.site == s and pw == w and p.first_wave == w)
        straight.add((first_new.code, w))

    n_rows = len(rows)
    site_idx = np.array([p.site for p, _ in rows])
    wave_idx = np.array([w for _, w in rows])
    persistent = np.vstack([p.latent for p, _ in rows])
    fresh = _latent_draw(rng, n_factors, n_rows)
    latent = math.sqrt(STABILITY) * persistent + math.sqrt(1 - STABILITY) * fresh
    eta = site_effect[site_idx] + latent[:, :n_factors]
    improving = np.array([f not in NOT_IMPROVING for f in factors])
    k07 = site_idx == _site_index(IMPROVING_SITE)
    for w, wave in enumerate(WAVES):
        eta[np.ix_(k07 & (wave_idx == w), improving)] += IMPROVEMENT[wave.key] / LOADING
    col = {f: j for j, f in enumerate(factors)}
    synergy = (sum(weight * eta[:, col[key]] for key, weight in DRIVER_WEIGHTS.items())
               + synergy_site[site_idx] + 0.6 * latent[:, n_factors])
    satisfaction = (0.6 * synergy + 0.25 * eta[:, col["trust"]]
                    + 0.6 * latent[:, n_factors + 1])
    volunteer = np.array([p.employment == "volunteer" for p, _ in rows])

    # item answers (positively keyed value, then reverse-keying as written)
    items = list(book.items)
    answers = np.zeros((n_rows, len(items)))
    scale_latent = {**{f: eta[:, j] for j, f in enumerate(factors)},
                    "synergy": synergy, "satisfaction": satisfaction}
    dropout_rows = np.isin(site_idx, [_site_index(k) for k in DROPOUTS_W1_W2]) & (wave_idx >= 1)
    for j, item in enumerate(items):
        spec = book.items[item]
        offset = rng.normal(0.0, 0.15)
        noise = rng.normal(0.0, ITEM_SD, size=n_rows)
        if spec.scale is None:  # challenge: single item with its own site effect
            c = challenges.index(item)
            mean = CHALLENGE_BASE.get(item, 3.0) + challenge_site[site_idx, c]
            if item == "challenge_partner_dropout":
                mean = mean + DROPOUT_CHALLENGE_SHIFT * dropout_rows
            value = np.clip(np.rint(mean + offset + 1.5 * noise), 1, 5)
        else:
            mean = FACTOR_BASE.get(spec.scale, 3.3) + offset + LOADING * scale_latent[spec.scale]
            if spec.scale in VOLUNTEER_SHIFT:
                mean = mean + VOLUNTEER_SHIFT[spec.scale] * volunteer
            value = np.clip(np.rint(mean + noise), 1, 5)
        if spec.reverse:
            written = 6 - value
            if item == BAD_REVERSE_ITEM:
                ignored = rng.random(n_rows) < IGNORED_NEGATION_SHARE
                written = np.where(ignored, value, written)
            value = written
        answers[:, j] = value

    # missing answers
    cannot = np.array([CANNOT_JUDGE_CHALLENGE if book.items[i].scale is None
                       else CANNOT_JUDGE_RATE.get(book.items[i].scale or "",
                                                  CANNOT_JUDGE_DEFAULT) for i in items])
    years_now = np.array([p.years + (w - p.first_wave) for p, w in rows])
    multiplier = np.where(volunteer, 1.6, 1.0) * np.where(years_now == 0, 1.8, 1.0)
    p_cannot = cannot[None, :] * multiplier[:, None]
    draw = rng.random(size=(n_rows, len(items)))
    cells = answers.astype(int).astype(str).astype(object)
    cells[draw < p_cannot] = "-1"
    cells[(draw >= p_cannot) & (draw < p_cannot + BLANK_RATE)] = ""
    cells[(draw >= p_cannot + BLANK_RATE)
          & (draw < p_cannot + BLANK_RATE + NO_ANSWER_CODE_RATE)] = "-9"
    for r, (person, w) in enumerate(rows):
        if (person.code, w) in straight:
            cells[r, :] = "4"
    attribute_blank = rng.random(size=(n_rows, 3))

    # write per wave, sorted by site and respondent
    header = ["respondent", "site", "wave", "actor_type", "employment", "decision_role",
              "years_in_network", *items]
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    for w, wave in enumerate(WAVES):
        wave_rows = []
        for r in np.flatnonzero(wave_idx == w):
            person, _ = rows[r]
            blank = attribute_blank[r]
            wave_rows.append([
                person.code, SITES[person.site].key, wave.key, person.actor_type,
                "" if blank[0] < 0.005 else person.employment,
                "" if blank[1] < 0.01 else person.decision_role,
                "" if blank[2] < 0.01 else str(int(years_now[r])),
                *cells[r].tolist(),
            ])
        wave_rows.sort(key=lambda row: (row[1], row[0]))
        out[wave.key] = (header, wave_rows)

    facts = _survey_facts(book, rows, cells, items, site_idx, wave_idx, volunteer, straight)
    return out, facts


def _survey_facts(book: Codebook, rows: list[tuple[_Person, int]], cells: np.ndarray,
                  items: list[str], site_idx: np.ndarray, wave_idx: np.ndarray,
                  volunteer: np.ndarray, straight: set[tuple[str, int]]) -> dict[str, object]:
    """Descriptive facts of the written survey, as an analyst would compute them."""
    flat = cells.astype(str)
    numeric = np.full(flat.shape, np.nan)
    valid = np.isin(flat, ["1", "2", "3", "4", "5"])
    numeric[valid] = flat[valid].astype(float)
    for j, item in enumerate(items):
        if book.items[item].reverse:
            numeric[:, j] = 6 - numeric[:, j]
    col = {item: j for j, item in enumerate(items)}

    def score(scale: str) -> np.ndarray:
        idx = [col[i] for i in book.scales[scale].items]
        block = numeric[:, idx]
        count = np.sum(~np.isnan(block), axis=1)
        total = np.sum(np.where(np.isnan(block), 0.0, block), axis=1)
        # min_valid_share 0.667 stands for two thirds: 2 of 3 items are enough
        enough = count / len(idx) >= book.min_valid_share - 0.005
        return np.where(enough, total / np.maximum(count, 1), np.nan)

    scores = {s: score(s) for s in book.scales}
    facts: dict[str, object] = {}
    improving = [f for f in book.factors if f not in NOT_IMPROVING]
    k07 = site_idx == _site_index(IMPROVING_SITE)
    improving_mean = np.vstack([scores[f] for f in improving])
    count = np.sum(~np.isnan(improving_mean), axis=0)
    per_person = np.where(count > 0, np.sum(np.where(np.isnan(improving_mean), 0.0,
                                                     improving_mean), axis=0)
                          / np.maximum(count, 1), np.nan)
    facts["k07_by_wave"] = [_mean(per_person[k07 & (wave_idx == w)]) for w in range(len(WAVES))]
    facts["pool_by_wave"] = [_mean(per_person[~k07 & (wave_idx == w)])
                             for w in range(len(WAVES))]
    facts["volunteer_gap"] = {
        s: _mean(scores[s][volunteer]) - _mean(scores[s][~volunteer])
        for s in (*VOLUNTEER_SHIFT, *DRIVERS, "synergy")}
    facts["volunteer_share"] = float(np.sum(volunteer) / len(volunteer))
    item_rest = {}
    for item in book.reverse_items:
        scale = book.items[item].scale or ""
        idx = [col[i] for i in book.scales[scale].items]
        block = numeric[:, idx]
        complete = ~np.any(np.isnan(block), axis=1)
        block = block[complete]
        j = book.scales[scale].items.index(item)
        rest = np.sum(np.delete(block, j, axis=1), axis=1)
        item_rest[item] = _pearson(block[:, j], rest)
    facts["item_rest"] = item_rest
    facts["cannot_judge_share"] = float(np.mean(flat == "-1"))
    facts["blank_share"] = float(np.mean(flat == ""))
    facts["code_9_cells"] = int(np.sum(flat == "-9"))
    facts["cannot_judge_by_scale"] = {
        s: float(np.mean(flat[:, [col[i] for i in book.scales[s].items]] == "-1"))
        for s in ("data_based", "decision_makers", "network_rules", "trust")}
    panel = {}
    for w in range(1, len(WAVES)):
        before = {p.code for p, pw in rows if pw == w - 1}
        now = {p.code for p, pw in rows if pw == w}
        panel[WAVES[w].key] = (len(before & now), len(before))
    facts["panel"] = panel
    facts["persons"] = len({p.code for p, _ in rows})
    facts["rows"] = len(rows)
    facts["straight_liners"] = sorted((WAVES[w].key, SITES[p.site].key, p.code)
                                      for p, w in rows if (p.code, w) in straight)
    return facts
