"""The seven findings of the conference digest, one function each.

The digest as a whole is described in :mod:`evaluation.report.digest`. Each finding takes a
:class:`evaluation.report.digest_wording.DigestContext` and returns the finding's row
(:func:`evaluation.report.digest_wording.finding_record`), or ``None`` when the results hold too
little for it. :data:`FINDERS` lists them in the order of importance.

Evidence grades (``strong`` / ``medium`` / ``weak``; German ``stark`` / ``mittel`` /
``schwach``):

``drivers``
    strong: every named factor's CI excludes 0 in every wave with a model; medium: in the
    report wave with p < .01; else weak.
``topics``
    strong: the two lowest-rated factors are the same in every wave; else medium.
``pooled_change``
    strong: a change survives Holm's correction across factors and points the same way in
    the middle wave; medium: survives Holm; weak: only unadjusted CIs exclude 0. "No clear
    change": medium when every CI half-width is at most 0.25 scale points, else weak.
``sites_improved``
    strong: every counted site improved clearly on >= 3/4 of the factors; medium: >= 1/2;
    weak: no site counted.
``eye_level``
    strong: the (Holm-adjusted) difference holds in every wave; medium: in the report wave
    only; weak: no difference.
``network``
    by the median coverage of the roster question: >= 80 % strong, >= 60 % medium.
``reliability``
    strong: the CI of every flagged alpha lies below .70 (none flagged: every CI above .70).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.report.digest_wording import DigestContext, finding_record
from evaluation.stats import adjust_pvalues

__all__ = ["FINDERS"]

MIN_NETWORK_SITES = 3
HOLM_ALPHA = 0.05


# ----------------------------------------------------------------------------- findings

def _drivers(ctx: DigestContext) -> dict[str, Any] | None:
    table = ctx.t.get("drivers")
    if table is None or table.empty:
        return None
    wave = ctx.wave if (table[C.WAVE] == ctx.wave).any() else table[C.WAVE].iloc[-1]
    now = table[table[C.WAVE] == wave]
    rows = now[now[C.CI_LOW] > 0].sort_values(C.ESTIMATE, ascending=False)
    if rows.empty:
        return None
    rows = rows[rows[C.ESTIMATE] >= 0.5 * rows[C.ESTIMATE].max()].head(3)
    model_waves = list(table[C.WAVE].unique())
    clear = table[table[C.CI_LOW] > 0]
    everywhere = len(model_waves) > 1 and all(
        ((clear[C.WAVE] == w) & (clear["factor"] == f)).any()
        for w in model_waves for f in rows["factor"])
    converged = bool(now["converged"].all())
    evidence = ("strong" if everywhere and converged else
                "medium" if (rows[C.PVALUE] < 0.01).all() and converged else "weak")
    parts = [f"{ctx.label(r.factor)} ({ctx.num(r.estimate)}; {ctx.ci(r.ci_low, r.ci_high)})"
             for r in rows.itertuples()]
    top = rows.iloc[0]
    parts[0] = (f"{ctx.label(top['factor'])} ("
                + ctx.say("standardisierter Koeffizient {}; 95-%-Konfidenzintervall {})",
                          "standardised coefficient {}; 95% confidence interval {})").format(
                    ctx.num(top[C.ESTIMATE]), ctx.ci(top[C.CI_LOW], top[C.CI_HIGH])))
    count, m = len(rows), len(now)
    lead = ctx.say({1: "mit einem Erfolgsfaktor", 2: "mit zwei Erfolgsfaktoren",
                    3: "mit drei Erfolgsfaktoren"}[count],
                   {1: "with one success factor", 2: "with two success factors",
                    3: "with three success factors"}[count])
    text = ctx.say(
        f"Höhere wahrgenommene Synergie geht über alle Kommunen vor allem {lead} einher: "
        f"{ctx.join(parts)}. Wer diese Faktoren besser bewertet, schätzt auch die Synergie "
        f"höher ein – ein Zusammenhang, kein Beleg für eine Wirkung (Mehrebenenmodell mit "
        f"allen {m} Faktoren).",
        f"Higher perceived synergy goes together above all {lead}: {ctx.join(parts)}. "
        f"Respondents who rate these factors higher also rate synergy higher – an "
        f"association, not proof of an effect (multilevel model with all {m} factors).")
    if everywhere:
        text += ctx.say(f" Das Muster zeigt sich in allen {len(model_waves)} Erhebungswellen.",
                        f" The pattern holds in all {len(model_waves)} survey waves.")
    return finding_record(ctx, "drivers",
                          ("Was mit Synergie einhergeht", "What goes with synergy"),
                          text, evidence, int(now[C.N].min()))


def _topics(ctx: DigestContext) -> dict[str, Any] | None:
    svp = ctx.t["site_vs_pool"]
    rows = svp[svp[C.SCALE].isin(ctx.factors) & ~svp["suppressed"].astype(bool)]
    # "lowest rated" compares scales on which higher is better; the others rank the other way
    rows = rows[~rows[C.SCALE].isin(ctx.lower_better)]
    pool = rows.groupby([C.WAVE, C.SCALE])[["pool_mean", "pool_n"]].first().reset_index()
    now = pool[pool[C.WAVE] == ctx.wave].sort_values(["pool_mean", C.SCALE]).head(2)
    if now.empty:
        return None
    lowest = [set(g.nsmallest(2, "pool_mean")[C.SCALE]) for _, g in pool.groupby(C.WAVE)]
    evidence = ("strong" if len(lowest) > 1 and all(s == set(now[C.SCALE]) for s in lowest)
                else "medium")
    current = rows[rows[C.WAVE] == ctx.wave]
    weak = current[current["flag"] == "weakness"].groupby(C.SCALE)[C.SITE].nunique()
    weak = weak[weak >= 2]
    top = sorted(weak[weak == weak.max()].index)[:2] if not weak.empty else []
    parts = [f"{ctx.label(r.scale)} ({ctx.num(r.pool_mean)})" for r in now.itertuples()]
    parts[0] = (f"{ctx.label(now[C.SCALE].iloc[0])} ("
                + ctx.say("Mittelwert {} auf der Skala von {})",
                          "mean {} on the scale from {})").format(
                    ctx.num(now["pool_mean"].iloc[0]), ctx.scale_range()))
    text = ctx.say(f"Am niedrigsten bewertet werden über alle Kommunen {ctx.join(parts)}.",
                   f"The lowest-rated factors in the pool are {ctx.join(parts)}.")
    if top:
        many = len(top) > 1
        where, count = ctx.join([ctx.label(s) for s in top]), int(weak.max())
        text += ctx.say(
            f" Bei {where} liegen {'je ' if many else ''}{count} Kommunen deutlich unter dem "
            f"Durchschnitt, so viele wie bei keinem anderen Faktor: "
            + ("gemeinsame Entwicklungsthemen für Peer-Workshops" if many else
               "ein gemeinsames Entwicklungsthema für einen Peer-Workshop")
            + " mit Kommunen, die dort stark sind.",
            f" On {where}, {count} municipalities {'each ' if many else ''}lie clearly below "
            f"the average, more than on any other factor: "
            + ("shared development topics for peer workshops" if many else
               "a shared development topic for a peer workshop")
            + " with municipalities that are strong there.")
    return finding_record(ctx, "topics",
                          ("Gemeinsame Entwicklungsthemen", "Shared development topics"),
                          text, evidence, int(now["pool_n"].min()))


def _pooled_change(ctx: DigestContext) -> dict[str, Any] | None:
    model = ctx.t.get("wave_model")
    if model is None or model.empty or len(ctx.waves) < 2:
        return None
    rows = model[(model["term"] == ctx.wave) & model[C.SCALE].isin(ctx.factors)].copy()
    # a scale the model could not carry (no variance) is no test: not counted, not reported
    rows = rows[rows[C.PVALUE].notna()]
    if rows.empty:
        return None
    rows["p_holm"] = adjust_pvalues(rows[C.PVALUE].to_numpy(dtype=float), "holm")
    up = rows[rows[C.CI_LOW] > 0].sort_values(C.ESTIMATE, ascending=False)
    down = rows[rows[C.CI_HIGH] < 0].sort_values(C.ESTIMATE)
    clear = pd.concat([up, down])
    held = clear[clear["p_holm"] < HOLM_ALPHA]
    middle = model[model["term"].isin(ctx.waves[1:-1])]
    same_way = len(ctx.waves) > 2 and all(
        ((middle[C.SCALE] == r.scale) & (np.sign(middle[C.ESTIMATE]) == np.sign(r.estimate))).any()
        for r in held.itertuples())
    if not held.empty:
        evidence = "strong" if same_way else "medium"
    elif not clear.empty:
        evidence = "weak"
    else:
        evidence = "medium" if ((rows[C.CI_HIGH] - rows[C.CI_LOW]) / 2 <= 0.25).all() else "weak"
    m = len(rows)
    a, b = ctx.wave_label(ctx.waves[0]), ctx.wave_label(ctx.wave)

    def listed(frame: pd.DataFrame) -> str:
        return ctx.join([f"{ctx.label(r.scale)} {ctx.signed(r.estimate)} "
                         f"{ctx.ci(r.ci_low, r.ci_high)}" for r in frame.itertuples()])

    if clear.empty:
        lo, hi = ctx.signed(rows[C.ESTIMATE].min()), ctx.signed(rows[C.ESTIMATE].max())
        text = ctx.say(
            f"Über alle Kommunen haben sich die Bewertungen von der {a} zur {b} kaum verändert: "
            f"bei keinem der {m} Erfolgsfaktoren liegt die Veränderung über der Unsicherheit "
            f"(alle zwischen {lo} und {hi} Skalenpunkten).",
            f"Across the pool, ratings hardly changed from {a} to {b}: for none of the {m} "
            f"success factors is the change larger than the uncertainty (all between {lo} and "
            f"{hi} scale points).")
        return finding_record(ctx, "pooled_change",
                              ("Veränderung über alle Kommunen", "Change across the pool"),
                              text, evidence, int(rows[C.N].min()))
    first, other = (up, down) if not up.empty else (down, up)
    rise = first is up
    text = ctx.say(
        f"Über alle Kommunen haben sich die Bewertungen von der {a} zur {b} wenig verändert. "
        f"Bei {len(first)} von {m} Erfolgsfaktoren schließt das 95-%-Konfidenzintervall des "
        f"{'Anstiegs' if rise else 'Rückgangs'} 0 aus ({listed(first)}; Skalenpunkte, "
        f"Mehrebenenmodell)",
        f"Across the pool, ratings changed little from {a} to {b}. For {len(first)} of {m} "
        f"success factors the 95% confidence interval of the {'rise' if rise else 'fall'} "
        f"excludes 0 ({listed(first)}; scale points, multilevel model)")
    text += (ctx.say(f", bei keinem gilt das für einen {'Rückgang' if rise else 'Anstieg'}. ",
                     f"; none shows such a {'fall' if rise else 'rise'}. ") if other.empty else
             ctx.say(f"; bei {len(other)} für einen Rückgang ({listed(other)}). ",
                     f"; for {len(other)} that of a fall ({listed(other)}). "))
    one = len(held) == 1
    text += (ctx.say(f"Nach Korrektur für {m} Tests (Holm) "
                     + (f"bleibt eine gesichert: {ctx.label(held.iloc[0][C.SCALE])}." if one
                        else f"bleiben {len(held)} gesichert."),
                     f"After correcting for {m} tests (Holm), "
                     + (f"one remains secured: {ctx.label(held.iloc[0][C.SCALE])}." if one
                        else f"{len(held)} remain secured."))
             if not held.empty else
             ctx.say(f"Nach Korrektur für {m} Tests (Holm) ist keine dieser Veränderungen "
                     f"gesichert; es sind Hinweise, keine Belege.",
                     f"After correcting for {m} tests (Holm), none of these changes is "
                     f"secured; they are hints, not proof."))
    return finding_record(ctx, "pooled_change",
                          ("Veränderung über alle Kommunen", "Change across the pool"),
                          text, evidence, int(rows[C.N].min()))


def _sites_improved(ctx: DigestContext) -> dict[str, Any] | None:
    change = ctx.t.get("change")
    if change is None or change.empty or len(ctx.waves) < 2:
        return None
    rows = change[(change["level"] == "site") & (change["wave_from"] == ctx.waves[0])
                  & (change["wave_to"] == ctx.wave) & change[C.SCALE].isin(ctx.factors)
                  & ~change["suppressed"].astype(bool)
                  & (change["n_from"] >= ctx.k) & (change["n_to"] >= ctx.k)]
    if rows.empty:
        return None
    # "up" is a clear change for the better: a rise, or a fall where lower is better
    lower = rows[C.SCALE].isin(ctx.lower_better)
    rows = rows.assign(better=((rows[C.CI_LOW] > 0) & ~lower) | ((rows[C.CI_HIGH] < 0) & lower),
                       worse=((rows[C.CI_HIGH] < 0) & ~lower) | ((rows[C.CI_LOW] > 0) & lower))
    per_site = rows.groupby(C.SITE).agg(
        factors=(C.SCALE, "nunique"), up=("better", "sum"), down=("worse", "sum"),
        n=("n_to", "max"), n0=("n_from", "max"))
    share_up = per_site["up"] / per_site["factors"]
    share_down = per_site["down"] / per_site["factors"]
    improved = per_site[(share_up >= 0.5) & (per_site["down"] == 0)]
    declined = int(((share_down >= 0.5) & (per_site["up"] == 0)).sum())
    total, count, m = len(per_site), len(improved), int(per_site["factors"].max())
    evidence = ("weak" if count == 0 else
                "strong" if (share_up[improved.index] >= 0.75).all() else "medium")
    a, b = ctx.wave_label(ctx.waves[0]), ctx.wave_label(ctx.wave)
    who = ctx.say({0: "Keine", 1: "Eine"}.get(count, str(count)),
                  {0: "No", 1: "One"}.get(count, str(count)))
    text = ctx.say(
        f"{who} von {total} Kommunen mit Daten in "
        f"beiden Wellen {'hat' if count <= 1 else 'haben'} sich von der {a} zur {b} klar "
        f"verbessert (bei mindestens der Hälfte der {m} Erfolgsfaktoren ein Anstieg, dessen "
        f"95-%-Konfidenzintervall 0 ausschließt, und bei keinem ein Rückgang).",
        f"{who} of {total} municipalities with data "
        f"in both waves improved clearly from {a} to {b} (a rise whose 95% confidence interval "
        f"excludes 0 on at least half of the {m} success factors, and no fall).")
    if set(ctx.factors) & ctx.lower_better:
        text += ctx.say(" Bei Faktoren, auf denen niedrigere Werte günstiger sind, zählt ein "
                        "Rückgang als Verbesserung.",
                        " On factors where lower values are better, a fall counts as an "
                        "improvement.")
    if declined:
        text += ctx.say(f" {declined} haben sich ebenso klar verschlechtert.",
                        f" {declined} declined just as clearly.")
    text += ctx.say(" Bei den übrigen zeigen sich höchstens vereinzelte klare Veränderungen, "
                    "wie sie bei so vielen Vergleichen auch zufällig auftreten.",
                    " The others show at most isolated clear changes, as many comparisons "
                    "also produce by chance.")
    return finding_record(ctx, "sites_improved",
                          ("Kommunen mit klarer Verbesserung",
                           "Municipalities that improved clearly"),
                          text, evidence, int((per_site["n"] + per_site["n0"]).sum()),
                          value=count)


def _eye_level(ctx: DigestContext) -> dict[str, Any] | None:
    table = ctx.t.get("eye_level")
    if table is None or table.empty:
        return None
    configured = (ctx.results.meta.get("eye_level") or {}).get("by") or ["employment"]
    main = str(configured[0])  # the project's first eye-level attribute leads the finding
    by_main = table[table["attribute"] == main]
    rows = by_main[by_main[C.WAVE] == ctx.wave]
    if rows.empty:
        return None
    diff = rows[rows["different"].astype(bool)].sort_values(C.EFFECT_SIZE, ascending=False)
    low = diff["lowest_group"].iloc[0] if not diff.empty else None
    high = diff["highest_group"].iloc[0] if not diff.empty else None
    diff = diff[diff["lowest_group"] == low]
    n_waves = by_main[C.WAVE].nunique()
    always = all(by_main[(by_main[C.SCALE] == s) & by_main["different"].astype(bool)]
                 [C.WAVE].nunique() == n_waves for s in diff[C.SCALE])
    evidence = "weak" if diff.empty else "strong" if always and n_waves > 1 else "medium"
    now = table[table[C.WAVE] == ctx.wave]
    tests = int(now["pvalue_adj"].notna().sum())
    kruskal = bool(len(diff)) and str(diff["effect_size_kind"].iloc[0]) != "rank_biserial"
    symbol = "\u03b5\u00b2" if kruskal else "r"  # epsilon squared of Kruskal-Wallis
    parts = [f"{ctx.label(r.scale)} ({symbol} = {ctx.num(abs(r.effect_size))})"
             for r in diff.itertuples()]
    groups = {"volunteer": ctx.say("Ehrenamtliche", "volunteers"),
              "paid": ctx.say("Hauptamtliche", "paid staff")} if main == "employment" else {}
    if diff.empty:
        scales = ctx.join([ctx.label(s) for s in dict.fromkeys(rows[C.SCALE])])
        name = (ctx.results.meta.get("attribute_names") or {}).get(main, {}).get(
            ctx.language, main)
        text = (ctx.say("Haupt- und Ehrenamtliche bewerten Vertrauen und Nutzen über alle "
                        "Kommunen ähnlich: kein Unterschied über den Zufall hinaus.",
                        "Paid staff and volunteers rate trust and benefit alike across the "
                        "pool: no difference beyond chance.") if main == "employment" else
                ctx.say(f"Die Gruppen nach „{name}“ bewerten {scales} über alle Kommunen "
                        "ähnlich: kein Unterschied über den Zufall hinaus.",
                        f"The groups by “{name}” rate {scales} alike across the pool: no "
                        "difference beyond chance."))
    else:
        low_text = groups.get(low) or ctx.attr(main, low)
        high_text = groups.get(high) or ctx.attr(main, high)
        measure = (("Epsilon-Quadrat", "epsilon squared") if kruskal else
                   ("rang-biseriales r", "rank-biserial r"))
        text = ctx.say(
            f"Eine Lücke bei der Augenhöhe: {low_text} bewerten {ctx.join(parts)} niedriger als "
            f"{high_text} ({measure[0]}; über den Zufall hinaus nach Korrektur für {tests} "
            f"Tests)",
            f"A gap in equal footing: {low_text} rate {ctx.join(parts)} lower than {high_text} "
            f"({measure[1]}; beyond chance after correcting for {tests} tests)")
        text += (ctx.say(f", in allen {n_waves} Erhebungswellen.", f", in all {n_waves} survey "
                         "waves.") if evidence == "strong" else ".")
    names = ctx.results.meta.get("attribute_names") or {}
    for other in [a for a in configured[1:] if a != main] or (
            ["actor_type"] if main == "employment" else []):
        by_other = now[now["attribute"] == other]
        other_diff = by_other[by_other["different"].astype(bool)]
        name = ("Akteursgruppe", "actor group") if other == "actor_type" else tuple(
            names.get(other, {}).get(lang, other) for lang in ("de", "en"))
        if not other_diff.empty:
            lowest = ctx.attr(other, other_diff["lowest_group"].iloc[0])
            text += ctx.say(f" Nach {name[0]} am niedrigsten: {lowest}.",
                            f" By {name[1]} lowest: {lowest}.")
        elif not by_other.empty and other == "actor_type":
            text += ctx.say(" Zwischen Akteursgruppen (etwa Migrantenorganisationen und "
                            "Verwaltung) zeigt sich in dieser Welle kein Unterschied über den "
                            "Zufall hinaus.",
                            " Between actor groups (such as migrant organisations and "
                            "administration) this wave shows no difference beyond chance.")
        elif not by_other.empty:
            text += ctx.say(f" Nach „{name[0]}“ zeigt sich in dieser Welle kein Unterschied "
                            "über den Zufall hinaus.",
                            f" By “{name[1]}” this wave shows no difference beyond chance.")
    return finding_record(ctx, "eye_level", ("Augenhöhe", "Equal footing"), text, evidence,
                          int(rows[C.N].min()))


def _network(ctx: DigestContext) -> dict[str, Any] | None:
    table = ctx.t.get("network_metrics")
    if table is None or table.empty:
        return None
    ok = table[table["n_respondents"] >= ctx.k]
    current = ok[ok[C.WAVE] == ctx.wave]
    now = current.pivot(index=C.SITE, columns="metric", values="value")
    if len(now) < MIN_NETWORK_SITES or "density" not in now:
        return None
    coverage = float(current.groupby(C.SITE)["coverage"].first().median())
    q1, med, q3 = now["density"].quantile([0.25, 0.5, 0.75])
    recip = float(now["reciprocity"].median()) if "reciprocity" in now else np.nan
    first = ok[(ok[C.WAVE] == ctx.waves[0]) & (ok["metric"] == "density")
               & ok[C.SITE].isin(now.index)]["value"]
    evidence = "strong" if coverage >= 0.8 else "medium" if coverage >= 0.6 else "weak"
    knit = ctx.say(*(("eher locker", "rather loosely") if med < 0.25 else
                     ("mittelstark", "moderately") if med < 0.5 else ("dicht", "densely")))
    text = ctx.say(
        f"Die Kooperationsnetze sind {knit} geknüpft: Im Median sind {ctx.pct(med)} aller "
        f"möglichen Verbindungen genannt (mittlere Hälfte der {len(now)} Kommunen: "
        f"{ctx.pct(q1)} bis {ctx.pct(q3)})",
        f"The cooperation networks are {knit} knit: the median network names {ctx.pct(med)} "
        f"of all possible ties (middle half of the {len(now)} municipalities: {ctx.pct(q1)} "
        f"to {ctx.pct(q3)})")
    text += (ctx.say(f"; {ctx.pct(recip)} der genannten Verbindungen werden erwidert.",
                     f"; {ctx.pct(recip)} of named ties are returned.")
             if np.isfinite(recip) else ".")
    if len(first) >= MIN_NETWORK_SITES and ctx.waves[0] != ctx.wave:
        before = ctx.wave_label(ctx.waves[0])
        text += ctx.say(f" In der {before} lag der Median bei {ctx.pct(first.median())}.",
                        f" At {before} the median was {ctx.pct(first.median())}.")
    text += ctx.say(f" Grundlage: im Median {ctx.pct(coverage)} der Organisationen haben die "
                    f"Netzwerkfrage beantwortet.",
                    f" Basis: a median {ctx.pct(coverage)} of organisations answered the "
                    f"network question.")
    n = int(current.groupby(C.SITE)["n_respondents"].first().sum())
    return finding_record(ctx, "network", ("Netzwerke", "Networks"), text, evidence, n)


def _reliability(ctx: DigestContext) -> dict[str, Any] | None:
    rel, agg = ctx.t.get("reliability"), ctx.t.get("aggregation")
    if rel is None or rel.empty:
        return None
    pool = rel[(rel["level"] == "pool") & (rel[C.WAVE] == ctx.wave) & rel["alpha"].notna()]
    if pool.empty:
        return None
    flagged, good = pool[pool["alpha"] < 0.7], pool[pool["alpha"] >= 0.7]
    evidence = ("strong" if ((flagged["alpha_ci_high"] < 0.7).all() if not flagged.empty
                             else (good["alpha_ci_low"] >= 0.7).all()) else "medium")
    lo, hi = ctx.num(good["alpha"].min()), ctx.num(good["alpha"].max())
    flags = ctx.join([f"{ctx.label(r.scale)} (α = {ctx.num(r.alpha)})"
                      for r in flagged.itertuples()])
    text = ctx.say(f"Zur Lesart: Die Skalen messen überwiegend zuverlässig (Cronbachs α über "
                   f"alle Kommunen {lo} bis {hi})",
                   f"How to read: the scales mostly measure reliably (Cronbach's α in the "
                   f"pool {lo} to {hi})")
    text += (ctx.say(f", außer {flags} – Ergebnisse dazu bitte vorsichtig lesen.",
                     f", except {flags} – read results on it with care.") if flags else ".")
    if agg is not None and not agg.empty:
        verdicts = agg[agg[C.WAVE] == ctx.wave]["verdict"].value_counts()
        total, good_n = int(verdicts.sum()), int(verdicts.get("meaningful", 0))
        care = int(verdicts.get("usable_with_care", 0))
        rest = total - good_n - care
        text += ctx.say(
            f" Mittelwerte einzelner Kommunen sind für {good_n} von {total} Skalen "
            f"aussagekräftig, für {care} nur mit Vorsicht und für {rest} nicht verlässlich "
            f"vergleichbar (ICC); Unterschiede zwischen Kommunen sind meist klein gegenüber "
            f"den Unterschieden innerhalb einer Kommune.",
            f" Single municipalities' means are meaningful for {good_n} of {total} scales, "
            f"usable with care for {care} and not reliably comparable for {rest} (ICC); "
            f"differences between municipalities are mostly small against differences "
            f"within one.")
    return finding_record(ctx, "reliability",
                          ("Lesehilfe: Messqualität", "Reading aid: measurement"),
                          text, evidence, int(pool[C.N].min()))


FINDERS: tuple[Callable[[DigestContext], dict[str, Any] | None], ...] = (
    _drivers, _topics, _pooled_change, _sites_improved, _eye_level, _network, _reliability)
