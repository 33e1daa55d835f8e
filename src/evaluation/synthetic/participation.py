"""The participation tables of the synthetic example.

Roster (organisations with join and leave dates), events, attendance, roster-question ties,
ideas with their ratings, and goals, with the planted dropouts, the dense site, the star-shaped
site, the densifying improving site and one clear quick win per site with idea workshops.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from scipy.special import ndtr

from evaluation.synthetic.design import (
    ACTOR_TYPES,
    DENSE_SITE,
    DROPOUTS_W1_W2,
    DROPOUTS_W2_W3,
    GOAL_TITLES,
    HUB_NAME,
    IDEA_TITLES,
    IMPROVING_SITE,
    IMPROVING_TIE_BASE,
    NO_WORKSHOP_SITES,
    ORGANISATION_ACTOR_P,
    ORGANISATION_NAMES,
    PEER_EXCHANGES,
    PROJECT_START,
    RESOURCE_P,
    SITES,
    STAR_SITE,
    WAVES,
)
from evaluation.synthetic.plan import (
    _Event,
    _Organisation,
    _Plan,
    _random_date,
    _rng,
    _wave_index,
    _weekday,
)


def _roster(plan: _Plan, seed: int) -> list[_Organisation]:
    """Organisations per site with join and leave dates."""
    rng = _rng(seed, "roster")
    roster: list[_Organisation] = []
    for site in SITES:
        n = plan.organisations[site.key]
        used: set[str] = set()
        orgs = [_Organisation(code=f"{site.key}-O01", site=site.key,
                              name=HUB_NAME.format(o=site.short), actor_type="administration",
                              joined=PROJECT_START)]
        for i in range(2, n + 1):
            actor = ACTOR_TYPES[int(rng.choice(len(ACTOR_TYPES), p=ORGANISATION_ACTOR_P))]
            templates = [t for t in ORGANISATION_NAMES[actor]
                         if t.format(o=site.short) not in used]
            if templates:
                name = templates[int(rng.integers(len(templates)))].format(o=site.short)
            else:
                name = f"{ORGANISATION_NAMES[actor][0].format(o=site.short)} ({i})"
            used.add(name)
            if rng.random() < 0.1:  # joins later
                w = int(rng.integers(1, len(WAVES)))
                joined = _random_date(rng, WAVES[w - 1].date + dt.timedelta(days=30),
                                      WAVES[w].date - dt.timedelta(days=30))
            else:
                joined = _random_date(rng, PROJECT_START, WAVES[0].start)
            orgs.append(_Organisation(code=f"{site.key}-O{i:02d}", site=site.key, name=name,
                                      actor_type=actor, joined=joined))
        for table, start, end in ((DROPOUTS_W1_W2, dt.date(2024, 5, 1), dt.date(2024, 12, 31)),
                                  (DROPOUTS_W2_W3, dt.date(2025, 5, 1), dt.date(2025, 12, 31))):
            count = table.get(site.key, 0)
            if count:
                candidates = [o for o in orgs[1:] if o.joined < WAVES[0].date]
                for i in sorted(int(i) for i in rng.choice(len(candidates), size=count,
                                                           replace=False)):
                    candidates[i].left = _random_date(rng, start, end)
        roster.extend(orgs)
    return roster


def _events(seed: int) -> list[_Event]:
    """Network meetings, steering groups, idea workshops, peer exchanges, conferences."""
    rng = _rng(seed, "events")
    events: list[_Event] = []
    for site in SITES:
        for wave in WAVES:
            kinds = [("network_meeting", "NM", 2 if site.key == STAR_SITE
                      else int(rng.integers(2, 5))),
                     ("steering_group", "SG", int(rng.integers(1, 4)))]
            if site.key not in NO_WORKSHOP_SITES:
                workshops = 1 if wave.key != "w3" or rng.random() < 0.6 else 0
                kinds.append(("idea_workshop", "IW", workshops))
            for event_type, abbr, count in kinds:
                days = sorted(_weekday(_random_date(rng, wave.start, wave.end))
                              for _ in range(count))
                for k, day in enumerate(days, start=1):
                    events.append(_Event(event=f"{site.key}-{wave.key}-{abbr}{k}",
                                         site=site.key, wave=wave.key, event_type=event_type,
                                         date=day))
    for wave in WAVES:
        hosted = [(h, g) for wk, h, g in PEER_EXCHANGES if wk == wave.key]
        for host, guest in hosted:
            k = sum(1 for e in events if e.site == host and e.wave == wave.key
                    and e.event_type == "peer_exchange") + 1
            events.append(_Event(event=f"{host}-{wave.key}-PE{k}", site=host, wave=wave.key,
                                 event_type="peer_exchange", guest=guest,
                                 date=_weekday(_random_date(rng, wave.start, wave.end))))
        day = _weekday(dt.date(wave.date.year, 6, 20))
        events.append(_Event(event=f"TC-{wave.key}", site="", wave=wave.key,
                             event_type="transfer_conference", date=day))
    return sorted(events, key=lambda e: e.event)


def _attendance(plan: _Plan, roster: list[_Organisation], events: list[_Event],
                seed: int) -> list[list[str]]:
    """Attendance rows: event, organisation, attendees, decision makers."""
    rng = _rng(seed, "attendance")
    by_site: dict[str, list[_Organisation]] = {}
    for org in roster:
        by_site.setdefault(org.site, []).append(org)
    core: dict[str, set[str]] = {}
    for site in SITES:
        others = by_site[site.key][1:]
        k = int(rng.integers(3, 6))
        picked = rng.choice(len(others), size=min(k, len(others)), replace=False)
        core[site.key] = {by_site[site.key][0].code, *(others[int(i)].code for i in picked)}
    rows: list[list[str]] = []

    def attend(event: _Event, org: _Organisation, *, steering: bool = False) -> None:
        hub = org.code.endswith("-O01")
        attendees = 1 + min(int(rng.poisson(0.8 if hub else 0.4)), 3)
        share = plan.decision_share.get(org.site, 0.3) + (0.25 if steering else 0.0)
        deciders = int(rng.binomial(attendees, min(share, 1.0)))
        rows.append([event.event, org.code, str(attendees), str(deciders)])

    for event in events:
        if event.event_type == "transfer_conference":
            for site in SITES:
                for i, org in enumerate(by_site[site.key]):
                    if not org.active(event.date):
                        continue
                    if (i == 0 and rng.random() < 0.9) or (i > 0 and rng.random() < 0.06):
                        attend(event, org)
            continue
        orgs = [o for o in by_site[event.site] if o.active(event.date)]
        if event.event_type == "peer_exchange":
            guests = [o for o in by_site[event.guest] if o.active(event.date)]
            for group, extra in ((orgs, 3), (guests, 2)):
                attend(event, group[0])
                picked = rng.choice(len(group) - 1, size=int(rng.integers(1, extra + 1)),
                                    replace=False)
                for i in sorted(int(i) for i in picked):
                    attend(event, group[1 + i])
            continue
        p = {"network_meeting": plan.attendance_p[event.site], "idea_workshop": 0.55,
             "steering_group": 0.85}[event.event_type]
        for org in orgs:
            draw = rng.random()
            if org.code.endswith("-O01"):
                attend(event, org, steering=event.event_type == "steering_group")
            elif event.event_type == "steering_group":
                if org.code in core[event.site] and draw < p:
                    attend(event, org, steering=True)
            elif draw < p:
                attend(event, org)
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _ties(plan: _Plan, roster: list[_Organisation], seed: int) -> tuple[
        list[list[str]], dict[str, object]]:
    """Roster-question ties per site and wave, plus density facts."""
    rng = _rng(seed, "ties")
    rows: list[list[str]] = []
    density: dict[tuple[str, str], float] = {}
    reciprocity: dict[tuple[str, str], float] = {}
    hub_share: dict[tuple[str, str], float] = {}
    rho = 0.85
    for site in SITES:
        orgs = [o for o in roster if o.site == site.key]
        n = len(orgs)
        activity = rng.lognormal(0.0, 0.35, size=n)
        activity = activity / (np.sum(activity) / n)
        activity[0] = 1.8
        z = rng.normal(size=(n, n))
        z = np.triu(z, 1) + np.triu(z, 1).T
        strength = rng.normal(size=(n, n))
        strength = np.triu(strength, 1) + np.triu(strength, 1).T
        for w, wave in enumerate(WAVES):
            if w > 0:
                step = rng.normal(size=(n, n))
                step = np.triu(step, 1) + np.triu(step, 1).T
                z = rho * z + math.sqrt(1 - rho**2) * step
            if site.key == DENSE_SITE:
                p = np.full((n, n), 0.7)
                q = np.full((n, n), 0.92)
            elif site.key == STAR_SITE:
                p = np.full((n, n), 0.025)
                p[0, :] = p[:, 0] = 0.95
                q = np.full((n, n), 0.5)
                q[0, :] = q[:, 0] = 0.85
            else:
                base = plan.tie_base[site.key]
                if site.key == IMPROVING_SITE:
                    base = IMPROVING_TIE_BASE[w]
                p = np.minimum(0.9, base * np.outer(activity, activity))
                q = np.full((n, n), 0.7)
            related = ndtr(z) < p
            active = np.array([o.active(wave.date) for o in orgs])
            answer_p = 1.0 if site.key == DENSE_SITE else 0.9  # everyone answers in K05
            responding = active & (rng.random(n) < answer_p)
            responding[0] = active[0]
            leaving = np.array([o.left is not None for o in orgs])
            responding |= active & leaving  # later dropouts answered while still active
            named = (related & (rng.random((n, n)) < q) & responding[:, None]
                     & active[None, :] & ~np.eye(n, dtype=bool))
            # everyone who answers knows at least the integration office
            isolated = responding & ~named.any(axis=1)
            isolated[0] = False
            named[isolated, 0] = active[0]
            noise = rng.normal(size=(n, n, 8))
            blanks = rng.random(size=(n, n, 6))
            resources = rng.random(size=(n, n, len(RESOURCE_P)))
            bonus = 0.5 if site.key == DENSE_SITE else 0.0
            for i, j in zip(*np.nonzero(named), strict=True):
                s = strength[i, j]
                e = noise[i, j]
                frequency = int(np.clip(np.rint(2.6 + bonus + 0.8 * s + 0.6 * e[0]), 1, 5))
                collaboration = int(np.clip(np.rint(frequency - 0.8 + 0.9 * e[1]), 0, 5))
                ratings = []
                for k in range(6):
                    mean = (2.8 if k < 3 else 2.7) + 0.45 * s + 0.2 * bonus
                    value = int(np.clip(np.rint(mean + 0.55 * e[2 + k]), 1, 4))
                    ratings.append("" if blanks[i, j, k] < 0.03 else str(value))
                given = [r for k, r in enumerate(RESOURCE_P)
                         if resources[i, j, k] < RESOURCE_P[r]]
                rows.append([site.key, wave.key, orgs[i].code, orgs[j].code, str(frequency),
                             str(collaboration), *ratings, "|".join(given)])
            count = int(np.sum(named))
            n_active = int(np.sum(active))
            density[site.key, wave.key] = count / (n_active * (n_active - 1))
            mutual = int(np.sum(named & named.T))
            reciprocity[site.key, wave.key] = mutual / count if count else float("nan")
            hub = int(np.sum(named[0, :]) + np.sum(named[:, 0]))
            hub_share[site.key, wave.key] = hub / count if count else float("nan")
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return rows, {"density": density, "reciprocity": reciprocity, "hub_share": hub_share}


def _ideas(roster: list[_Organisation], events: list[_Event], seed: int) -> tuple[
        list[list[str]], list[list[str]], dict[str, list[str]]]:
    """Ideas from idea workshops, their ratings, and the quick wins per site."""
    rng = _rng(seed, "ideas")
    ideas: list[list[str]] = []
    ratings: list[list[str]] = []
    quick_wins: dict[str, list[str]] = {}
    for site in SITES:
        workshops = sorted((e for e in events if e.site == site.key
                            and e.event_type == "idea_workshop"), key=lambda e: e.date)
        if not workshops:
            continue
        orgs = [o for o in roster if o.site == site.key]
        n = int(rng.integers(6, 13))
        titles = rng.choice(len(IDEA_TITLES), size=n, replace=False)
        weights = np.array([{"w1": 0.45, "w2": 0.35, "w3": 0.25}[e.wave] for e in workshops])
        at = sorted(int(i) for i in rng.choice(len(workshops), size=n,
                                                p=weights / np.sum(weights)))
        designated = int(rng.integers(n))
        site_quick: list[str] = []
        for k in range(n):
            idea = f"{site.key}-I{k + 1:02d}"
            workshop = workshops[at[k]]
            quick = k == designated
            if quick:
                truth = [rng.uniform(4.4, 4.9), rng.uniform(4.4, 4.9), rng.uniform(2.0, 4.0)]
            else:
                truth = [rng.uniform(1.5, 4.6), rng.uniform(1.5, 4.6), rng.uniform(1.5, 4.5)]
            active = [o for o in orgs if o.active(workshop.date)]
            # 5 to 8 raters where enough organisations were active: the reports show an
            # idea's ratings from k = 5 raters on (smaller workshops demonstrate the rule)
            size = min(int(rng.integers(5, 9)), len(active))
            raters = sorted(int(i) for i in rng.choice(len(active), size=size, replace=False))
            scores = np.clip(np.rint(np.array(truth)[None, :]
                                     + rng.normal(0.0, 0.6, size=(len(raters), 3))), 1, 5)
            if quick:  # a clear quick win: both means at least 4
                for c in (0, 1):
                    while np.sum(scores[:, c]) < 4 * len(raters):
                        scores[int(np.argmin(scores[:, c])), c] += 1
            feasible = np.sum(scores[:, 0]) / len(raters) >= 4
            impactful = np.sum(scores[:, 1]) / len(raters) >= 4
            if feasible and impactful:
                site_quick.append(idea)
            age = _wave_index(workshop.wave)
            p_status = [(0.25, 0.30, 0.45), (0.35, 0.40, 0.25), (0.60, 0.35, 0.05)][age]
            if feasible and impactful:
                p_status = (0.0, 0.3, 0.7) if age < 2 else (0.2, 0.5, 0.3)
            status = ("idea", "planned", "implemented")[int(rng.choice(3, p=p_status))]
            ideas.append([idea, site.key, workshop.event, IDEA_TITLES[int(titles[k])], status])
            for r, i in enumerate(raters):
                ratings.append([idea, active[i].code, *(str(int(v)) for v in scores[r])])
        quick_wins[site.key] = site_quick
    ratings.sort(key=lambda r: (r[0], r[1]))
    return ideas, ratings, quick_wins


def _goals(seed: int) -> list[list[str]]:
    """Goals (Wirkungstreppe) per site with the stage targeted and reached per wave."""
    rng = _rng(seed, "goals")
    rows: list[list[str]] = []
    for site in SITES:
        n = int(rng.integers(2, 5))
        titles = rng.choice(len(GOAL_TITLES), size=n, replace=False)
        for k in range(n):
            target = int(rng.integers(4, 8))
            reached = int(rng.integers(1, 4))
            for w, wave in enumerate(WAVES):
                if w > 0:
                    step = 2 if site.key == IMPROVING_SITE else int(rng.integers(0, 3))
                    reached = min(target, reached + step)
                rows.append([f"{site.key}-Z{k + 1}", site.key, wave.key,
                             GOAL_TITLES[int(titles[k])], str(target), str(reached)])
    return rows
