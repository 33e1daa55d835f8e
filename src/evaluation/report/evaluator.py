"""Evaluator-only sections of a site report (cells tagged ``evaluator-only``).

Data quality, item analysis with flagged reverse-keyed items, reliability, aggregation
diagnostics, eye-level tests, the drivers model and paired change. These read the full
results; they are never part of the partner edition. All headings are ``h3`` under the
``h2`` from :func:`evaluation.report.sections.evaluator_heading`.
"""

from __future__ import annotations

import pandas as pd

from evaluation import columns as C
from evaluation.analysis import EYE_LEVEL_ATTRIBUTES
from evaluation.report.formatting import fmt_number, fmt_percent, fmt_pvalue, html_table
from evaluation.report.fragments import heading, note, paragraph
from evaluation.report.labels import Labels, labels_from_meta
from evaluation.report.readings import EYE_LEVEL_LABELS, eye_level_reading
from evaluation.report.sections import ci_text
from evaluation.report.view import SiteView
from evaluation.results import Results

VERDICTS = {
    "meaningful": ("aussagekräftig", "meaningful"),
    "usable_with_care": ("mit Vorsicht nutzbar", "usable with care"),
    "unreliable": ("unzuverlässig", "unreliable"),
    "no_site_differences": ("keine Standortunterschiede", "no site differences"),
    "not_estimable": ("nicht berechenbar", "not computable"),
}
VERDICT_NOTES = {
    "meaningful": ("Die Standorte unterscheiden sich deutlich, und ihre Mittelwerte sind "
                   "verlässlich.", "Sites differ clearly and their means are reliable."),
    "usable_with_care": ("Die Standorte unterscheiden sich, aber ein Standortmittelwert ist nur "
                         "mäßig verlässlich; immer mit dem Vertrauensintervall lesen.",
                         "Sites differ, but a site mean is only moderately reliable; always "
                         "read it with its confidence interval."),
    "unreliable": ("Die Unterschiede zwischen den Standorten sind klein im Vergleich zur "
                   "Streuung innerhalb der Standorte; Standortmittelwerte sind für Vergleiche "
                   "nicht verlässlich genug.",
                   "Differences between sites are small compared with the spread within "
                   "sites; site means are not reliable enough for comparisons."),
    "no_site_differences": ("Kein Hinweis auf Unterschiede zwischen den Standorten.",
                            "No indication of differences between sites."),
    "not_estimable": ("Die Antworten streuen nicht oder zu wenig (zum Beispiel dieselbe "
                      "Antwort von allen), daher lässt sich nicht sagen, wie sehr sich die "
                      "Standorte unterscheiden.",
                      "The answers do not vary or vary too little (for example, everyone gave "
                      "the same answer), so how much sites differ cannot be said."),
}
ATTRIBUTES = {"employment": ("haupt-/ehrenamtlich", "paid/volunteer"),
              "actor_type": ("Akteursgruppe", "actor type")}
EFFECT_SIZES = {"rank_biserial": ("Rang-biseriales r", "rank-biserial r"),
                "epsilon_squared": ("\u03b5\u00b2", "\u03b5\u00b2")}
#: Item-rest correlation below which an item is listed as weak.
WEAK_ITEM_REST_R = 0.3


def _t(de: str, en: str, language: str) -> str:
    return de if language == "de" else en


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "de" else pair[1]


def _p(p: float, language: str) -> str:
    return fmt_pvalue(p, language, prefix=False)


def _wave_rows(results: Results, name: str, wave: str) -> pd.DataFrame:
    table = results.tables.get(name)
    if table is None or table.empty or C.WAVE not in table:
        return pd.DataFrame()
    return table[table[C.WAVE] == wave]


def full_labels(results: Results) -> Labels:
    """Labels with every site name (evaluator documents may name sites)."""
    return labels_from_meta(results.meta, results.tables)


def data_quality(results: Results, view: SiteView, language: str = "de") -> str:
    """Counts and response rates of the site per wave, straight-lining, item missingness."""
    labels = full_labels(results)
    counts = results.table("counts")
    own = counts[counts[C.SITE] == view.site]
    sl = results.tables.get("straightlining", pd.DataFrame())
    sl = sl[sl[C.SITE] == view.site].set_index(C.WAVE) if not sl.empty else sl
    shown = results.table("shown").set_index([C.SITE, C.WAVE])["shown"]
    # a wave below k shows neither its count nor anything that gives it away (rate, counts)
    visible = [bool(shown.get((view.site, w), False)) for w in own[C.WAVE]]
    table = pd.DataFrame({
        _t("Welle", "Wave", language): [labels.wave_label(w, language) for w in own[C.WAVE]],
        "n": pd.Series([int(n) if ok else None for n, ok in zip(own[C.N], visible, strict=True)],
                       dtype=object),
        _t("eingeladen", "invited", language): own["invited"].to_numpy(),
        _t("Rücklauf", "response rate", language): [
            fmt_percent(x, 0, language) if ok else None
            for x, ok in zip(own["response_rate"], visible, strict=True)],
        _t("alle Aussagen gleich beantwortet", "same answer to every item", language): pd.Series([
            int(sl.loc[w, "n_straightlining"]) if ok and w in getattr(sl, "index", []) else None
            for w, ok in zip(own[C.WAVE], visible, strict=True)], dtype=object),
        _t(f"gezeigt (k = {view.k})", f"shown (k = {view.k})", language): visible,
    })
    parts = [heading(3, _t("Datenqualität", "Data quality", language), anchor="quality"),
             html_table(table, caption=_t(f"Rücklauf {view.names.within} je Welle",
                                          f"Responses in {view.site_name} per wave", language),
                        language=language, index=False,
                        row_header=_t("Welle", "Wave", language),
                        note=None if all(visible) else _t(
                            f"– = unterdrückt (weniger als {view.k} Antworten).",
                            f"– = suppressed (fewer than {view.k} answers).", language))]
    quality = results.table("item_quality")
    if quality is not None and not quality.empty:
        worst = quality.assign(missing=1 - quality["share_valid"]).sort_values(
            ["missing", "item"], ascending=[False, True], kind="stable").head(10)
        items = pd.DataFrame({
            "Item": worst["item"].astype(str).to_numpy(),
            _t("gültig", "valid", language): [fmt_percent(x, 1, language)
                                              for x in worst["share_valid"]],
            _t("keine Antwort", "no answer", language): [fmt_percent(x, 1, language)
                                                         for x in worst["share_no_answer"]],
            _t("kann ich nicht beurteilen", "cannot judge", language): [
                fmt_percent(x, 1, language) for x in worst["share_cannot_judge"]],
        })
        parts.append(html_table(items, caption=_t(
            "Die zehn Items mit den meisten fehlenden Antworten (alle Standorte und Wellen)",
            "The ten items with the most missing answers (all sites and waves)", language),
            language=language, index=False, row_header="Item"))
    return "\n".join(parts)


def item_analysis(results: Results, wave: str, language: str = "de", *, level: int = 3) -> str:
    """Reverse-keyed and weak items of the pool in this wave; flagged reversals named."""
    items = _wave_rows(results, "items", wave)
    labels = full_labels(results)
    parts = [heading(level, _t("Itemanalyse", "Item analysis", language), anchor="items")]
    if items.empty:
        return parts[0] + note(_t("Keine Itemanalyse vorhanden.", "No item analysis.", language))
    show = items[items["reverse"].astype(bool) | (items["item_rest_r"] < WEAK_ITEM_REST_R)
                 | items["reverse_problem"].astype(bool)]
    flagged = items[items["reverse_problem"].astype(bool)]["item"].astype(str).tolist()
    if flagged:
        parts.append(paragraph(_t(
            f"Umgepolte Items, die nicht wie erwartet funktionieren (Trennschärfe nach Umpolung "
            f"nahe null oder negativ): {', '.join(flagged)}. Vermutlich wurde die Verneinung "
            "überlesen; Item vor der nächsten Welle umformulieren oder aus der Skala nehmen.",
            f"Reverse-keyed items that do not work as expected (item-rest r after reversal near "
            f"zero or negative): {', '.join(flagged)}. Respondents probably overlooked the "
            "negation; reword the item before the next wave or drop it from the scale.",
            language)))
    table = pd.DataFrame({
        "Item": show["item"].astype(str).to_numpy(),
        _t("Skala", "Scale", language): [labels.scale_label(s, language) for s in show["scale"]],
        _t("umgepolt", "reversed", language): show["reverse"].astype(bool).to_numpy(),
        _t("Trennschärfe (r it)", "item-rest r", language): show["item_rest_r"].to_numpy(float),
        _t("α ohne Item", "α if dropped", language): show["alpha_if_dropped"].to_numpy(float),
        _t("Boden", "floor", language): [fmt_percent(x, 0, language) for x in show["floor"]],
        _t("Decke", "ceiling", language): [fmt_percent(x, 0, language) for x in show["ceiling"]],
        _t("Umpolung prüfen", "check reversal", language):
            show["reverse_problem"].astype(bool).to_numpy(),
    })
    parts.append(html_table(table, caption=_t(
        f"Umgepolte Items und Items mit Trennschärfe unter "
        f"{fmt_number(WEAK_ITEM_REST_R, 1, language)} (alle Kommunen, "
        f"{labels.wave_label(wave, language)})",
        f"Reverse-keyed items and items with item-rest r below {WEAK_ITEM_REST_R} (pool, "
        f"{labels.wave_label(wave, language)})", language),
        language=language, index=False, row_header="Item"))
    return "\n".join(parts)


def reliability(results: Results, view: SiteView, language: str = "de") -> str:
    """Cronbach's alpha and McDonald's omega with CIs (pool) and the site's alpha."""
    rel = _wave_rows(results, "reliability", view.wave)
    parts = [heading(3, _t("Reliabilität", "Reliability", language), anchor="reliability")]
    if rel.empty:
        return parts[0] + note(_t("Keine Angaben.", "No data.", language))
    pool = rel[rel["level"] == "pool"].set_index(C.SCALE)
    own = rel[(rel["level"] == "site") & (rel[C.SITE] == view.site)].set_index(C.SCALE)
    keys = view.labels.scale_order(k for k in pool.index if pool.loc[k, "n_items"] > 1)
    heywood = {k for k in keys if bool(pool.loc[k].get("omega_heywood", False))}
    table = pd.DataFrame({
        _t("Skala", "Scale", language): [view.labels.scale_label(k, language)
                                          + (" *" if k in heywood else "") for k in keys],
        "Items": [int(pool.loc[k, "n_items"]) for k in keys],
        "n": [int(pool.loc[k, C.N]) for k in keys],
        "α": [pool.loc[k, "alpha"] for k in keys],
        _t("95-%-KI α", "95% CI α", language): [
            ci_text(pool.loc[k, "alpha_ci_low"], pool.loc[k, "alpha_ci_high"], language)
            for k in keys],
        "ω": [pool.loc[k, "omega"] for k in keys],
        _t("95-%-KI ω", "95% CI ω", language): [
            ci_text(pool.loc[k, "omega_ci_low"], pool.loc[k, "omega_ci_high"], language)
            for k in keys],
        f"α {view.site_name}": [_alpha_text(own.loc[k, "alpha"] if k in own.index else None,
                                            language) for k in keys],
    })
    parts.append(html_table(table, caption=_t(
        "Reliabilität der Skalen über alle Kommunen und in der Kommune (α mit Feldt-Intervall, "
        "ω mit "
        "Bootstrap-Intervall)",
        "Reliability of the scales in the pool and at the site (α with Feldt interval, ω with "
        "bootstrap interval)", language),
        language=language, index=False, row_header=_t("Skala", "Scale", language),
        note=_t("– = nicht berechenbar (zu wenige vollständige Fälle, keine Streuung der "
                "Antworten oder Modell nicht konvergiert).", "– = not computable (too few "
                "complete cases, no spread in the answers, or model did not converge).",
                language)
        + (_t(" „unplausibel“: ein negatives α (die Items hängen in dieser Kommune negativ "
              "zusammen, etwa durch eine falsch gepolte Antwort oder sehr wenige Fälle); der "
              "Skalenwert der Kommune ist dann mit Vorsicht zu lesen.",
              " “implausible”: a negative α (the items correlate negatively at this site, e.g. "
              "through a wrongly keyed answer or very few cases); read the site's scale score "
              "with care.", language)
           if any(k in own.index and pd.notna(own.loc[k, "alpha"]) and own.loc[k, "alpha"] < 0
                  for k in keys) else "")
        + (_t(" * Heywood-Fall: ein Item hat im Ein-Faktor-Modell eine Einzigartigkeit an der "
              "Untergrenze 0,005 (wie psych::fa); ω zusammen mit α lesen.",
              " * Heywood case: one item's uniqueness in the one-factor model is at the lower "
              "bound 0.005 (as in psych::fa); read ω together with α.", language)
           if heywood else "")))
    return "\n".join(parts)


def _statistic_text(row: dict, language: str) -> str:
    """The rank test and its statistic: "Mann-Whitney U = 34 505", "Kruskal-Wallis H = 16,06
    (df = 10)"."""
    if pd.isna(row.get("statistic")):
        return "\u2013"
    if row.get("test") == "mann_whitney":
        return f"Mann-Whitney U = {fmt_number(float(row['statistic']), 0, language)}"
    groups = int(row.get("n_groups") or 0)
    df = f" (df = {groups - 1})" if groups > 1 else ""
    return f"Kruskal-Wallis H = {fmt_number(float(row['statistic']), 2, language)}{df}"


def _alpha_text(alpha: object, language: str) -> str:
    """A site's alpha; a negative one (no internal consistency at all) is flagged."""
    if alpha is None or pd.isna(alpha):
        return "\u2013"
    text = fmt_number(float(alpha), 2, language)
    return text + _t(" (unplausibel)", " (implausible)", language) if float(alpha) < 0 else text


def _df_text(between: float, within: float) -> str:
    if pd.isna(between) or pd.isna(within):
        return "\u2013"
    return f"{int(between)}/{int(within)}"


def aggregation(results: Results, wave: str, language: str = "de", *, level: int = 3) -> str:
    """ICC(1), ICC(2), rwg(j) per scale with a verdict and its reading."""
    agg = _wave_rows(results, "aggregation", wave)
    labels = full_labels(results)
    parts = [heading(level, _t("Aggregation auf Standortebene", "Aggregation to the site level",
                           language), anchor="aggregation")]
    if agg.empty:
        return parts[0] + note(_t("Keine Angaben.", "No data.", language))
    agg = agg.set_index(C.SCALE)
    keys = labels.scale_order(agg.index)
    table = pd.DataFrame({
        _t("Skala", "Scale", language): [labels.scale_label(k, language) for k in keys],
        "ICC(1) ANOVA": [agg.loc[k, "icc1"] for k in keys],
        "ICC(2)": [agg.loc[k, "icc2"] for k in keys],
        "F": [agg.loc[k, C.STATISTIC] for k in keys],
        "df": [_df_text(agg.loc[k, "df_between"], agg.loc[k, "df_within"]) for k in keys],
        "p": [fmt_pvalue(agg.loc[k, C.PVALUE], language, prefix=False) for k in keys],
        "ICC REML": [agg.loc[k, "icc_reml"] for k in keys],
        "rwg(j)": [agg.loc[k, "rwg_mean"] for k in keys],
        _t("Urteil", "Verdict", language): [_pick(VERDICTS.get(str(agg.loc[k, "verdict"]),
                                                               (str(agg.loc[k, "verdict"]),) * 2),
                                                  language) for k in keys],
    })
    parts.append(html_table(table, caption=_t(
        "Übereinstimmung innerhalb und Unterschiede zwischen Standorten",
        "Agreement within and differences between sites", language), language=language,
        index=False, row_header=_t("Skala", "Scale", language), note=_t(
            "ICC(1) und ICC(2) aus der einfaktoriellen Varianzanalyse (F-Test mit df zwischen/"
            "innerhalb), ICC REML aus dem Mehrebenenmodell mit zufälligem Achsenabschnitt. "
            "Urteil: keine Standortunterschiede nur bei ICC(1) < 0,01 und p ≥ 0,05; "
            "aussagekräftig ab ICC(1) ≥ 0,05 und ICC(2) ≥ 0,70; mit Vorsicht nutzbar ab "
            "ICC(2) ≥ 0,50; sonst unzuverlässig.",
            "ICC(1) and ICC(2) from the one-way analysis of variance (F test with df between/"
            "within), ICC REML from the random-intercept multilevel model. Verdict: no site "
            "differences only where ICC(1) < 0.01 and p ≥ 0.05; meaningful from ICC(1) ≥ 0.05 "
            "and ICC(2) ≥ 0.70; usable with care from ICC(2) ≥ 0.50; otherwise unreliable.",
            language)))
    items = []
    for verdict in VERDICTS:
        scales = [labels.scale_label(k, language) for k in keys
                  if str(agg.loc[k, "verdict"]) == verdict]
        if scales:
            items.append(f"<li><strong>{_esc(_pick(VERDICTS[verdict], language))}</strong> "
                         f"({_esc(', '.join(scales))}): "
                         f"{_esc(_pick(VERDICT_NOTES[verdict], language))}</li>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(parts)


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def eye_level(results: Results, wave: str, language: str = "de", *, level: int = 3) -> str:
    """Augenhöhe: differences by paid/volunteer and actor type, Holm-adjusted."""
    eye = _wave_rows(results, "eye_level", wave)
    labels = full_labels(results)
    configured = (results.meta.get("eye_level") or {}).get(
        "by", [a for a in EYE_LEVEL_ATTRIBUTES if a in labels.attributes])  # an older run
    if eye.empty and not configured:
        return ""  # no eye-level comparison for this instrument
    parts = [heading(level, _t("Augenhöhe: Unterschiede zwischen Gruppen",
                           "Eye level: differences between groups", language), anchor="eye")]
    if eye.empty:
        return parts[0] + note(_t("Keine Angaben.", "No data.", language))
    parts.append(_group_table(eye, results, language))
    own = _eye_level_labels(results)
    readings = [eye_level_reading(row, language, labels=own) for row in eye.to_dict("records")]
    parts.append("<ul>" + "".join(f"<li>{_esc(r)}</li>" for r in readings) + "</ul>")
    return "\n".join(parts)


def _eye_level_labels(results: Results) -> dict[str, tuple[str, str]]:
    """Names of the instrument's scales, attributes and groups for the eye-level sentences
    (``key -> (English, German)``), where the readings have no wording of their own (an
    evaluator's own instrument)."""
    meta = results.meta
    out: dict[str, tuple[str, str]] = {}
    for scale in meta.get("scales") or ():
        out[str(scale["key"])] = (str(scale.get("label_en") or scale["key"]),
                                  str(scale.get("label_de") or scale["key"]))
    for key, name in (meta.get("attribute_names") or {}).items():
        out[str(key)] = (str(name.get("en") or key), str(name.get("de") or key))
    for values in (meta.get("attribute_labels") or {}).values():
        for key, name in values.items():
            out.setdefault(str(key), (str(name.get("en") or key), str(name.get("de") or key)))
    return {k: v for k, v in out.items() if k not in EYE_LEVEL_LABELS}


def _group_table(rows: pd.DataFrame, results: Results, language: str) -> str:
    """The rank tests of a group comparison as a table (scale, attribute, groups, effect)."""
    labels = full_labels(results)
    names = results.meta.get("attribute_names") or {}

    def attribute(key: str) -> str:
        if key in names:
            return str(names[key].get(language) or key)
        return _pick(ATTRIBUTES.get(key, (key, key)), language)

    def group(attr: str, key: object) -> str:
        return "\u2013" if pd.isna(key) else labels.attribute_value(attr, str(key), language)

    table = pd.DataFrame({
        _t("Skala", "Scale", language): [labels.scale_label(s, language)
                                         for s in rows[C.SCALE]],
        _t("Merkmal", "Attribute", language): [attribute(a) for a in rows["attribute"]],
        "n": rows[C.N].astype(int).to_numpy(),
        _t("Test", "Test", language): [_statistic_text(r, language)
                                       for r in rows.to_dict("records")],
        _t("niedrigste; höchste Gruppe", "lowest; highest group", language): [
            _t("niedrigste: ", "lowest: ", language) + group(r["attribute"], r["lowest_group"])
            + _t("; höchste: ", "; highest: ", language)
            + group(r["attribute"], r["highest_group"]) for r in rows.to_dict("records")],
        _t("Effektstärke", "Effect size", language): rows["effect_size"].to_numpy(float),
        _t("Maß", "Measure", language): [_pick(EFFECT_SIZES.get(k, (k, k)), language)
                                         for k in rows["effect_size_kind"]],
        _t("p (korrigiert)", "p (adjusted)", language): [_p(p, language)
                                                         for p in rows[C.PVALUE_ADJ]],
    })
    return html_table(table, caption=_t(
        "Gruppenunterschiede über alle Kommunen (Mann-Whitney, Kruskal-Wallis; Holm-Korrektur)",
        "Group differences in the pool (Mann-Whitney, Kruskal-Wallis; Holm adjustment)",
        language), language=language, index=False, row_header=_t("Skala", "Scale", language))


def group_differences(results: Results, wave: str, language: str = "de", *,
                      level: int = 3) -> str:
    """Groups of the project's ``compare_by`` attributes compared on every scale (rank tests,
    one Holm family); groups below k are left out and named."""
    rows = _wave_rows(results, "group_differences", wave)
    if rows.empty:
        return ""
    parts = [heading(level, _t("Gruppenvergleiche", "Group comparisons", language),
                     anchor="groups"),
             _group_table(rows, results, language)]
    labels = full_labels(results)
    dropped = sorted({labels.attribute_value(r["attribute"], g.strip(), language)
                      for r in rows.to_dict("records") if isinstance(r["dropped_groups"], str)
                      for g in r["dropped_groups"].split(", ") if g.strip()})
    parts.append(note(_t(
        f"Gruppen mit weniger als {results.meta.get('min_group_size', 5)} Personen sind nicht "
        "getestet" + (f": {', '.join(dropped)}." if dropped else "."),
        f"Groups of fewer than {results.meta.get('min_group_size', 5)} people are not tested"
        + (f": {', '.join(dropped)}." if dropped else "."), language)))
    return "\n".join(parts)


def drivers(results: Results, wave: str, language: str = "de", *, level: int = 3) -> str:
    """Standardised coefficients of the mixed model of the outcome on all factors."""
    d = _wave_rows(results, "drivers", wave)
    labels = full_labels(results)
    parts = [heading(level, _t("Zusammenhänge mit der wahrgenommenen Wirkung",
                           "Associations with the perceived impact", language),
                     anchor="drivers")]
    if d.empty:
        return parts[0] + note(_t("Kein Modell.", "No model.", language))
    outcome = labels.scale_label(str(d["outcome"].iloc[0]), language)
    d = d.sort_values("rank", kind="stable")
    table = pd.DataFrame({
        _t("Faktor", "Factor", language): [labels.scale_label(f, language)
                                           for f in d["factor"]],
        "β": d["estimate"].to_numpy(float),
        _t("Standardfehler", "SE", language): d["se"].to_numpy(float),
        _t("95-%-KI", "95% CI", language): [ci_text(lo, hi, language) for lo, hi in
                                           zip(d["ci_low"], d["ci_high"], strict=True)],
        "p": [_p(p, language) for p in d[C.PVALUE]],
        "VIF": d["vif"].to_numpy(float),
    })
    n, converged = int(d[C.N].iloc[0]), bool(d["converged"].all())
    parts.append(paragraph(_t(
        f"Mehrebenenmodell „{outcome}“ auf alle Erfolgsfaktoren (standardisiert, zufälliger "
        f"Achsenabschnitt je Standort, REML), n = {n} vollständige Fälle"
        f"{'' if converged else '; Modell nicht sauber konvergiert'}. Die Koeffizienten "
        "beschreiben Zusammenhänge, keine Ursachen.",
        f"Multilevel model of \u201c{outcome}\u201d on all success factors (standardised, "
        f"random intercept per site, REML), n = {n} complete cases"
        f"{'' if converged else '; model did not converge cleanly'}. The coefficients "
        "describe associations, not causes.", language)))
    parts.append(_model_fit(d.iloc[0], language))
    parts.append(html_table(table, caption=_t(f"Standardisierte Koeffizienten für „{outcome}“",
                                              f"Standardised coefficients for "
                                              f"\u201c{outcome}\u201d", language),
                            language=language, index=False,
                            row_header=_t("Faktor", "Factor", language)))
    return "\n".join(parts)


def _model_fit(row: pd.Series, language: str) -> str:
    """The driver model's fit: cases used and dropped, intercept, variance components, R²."""
    def num(x: object, digits: int = 2) -> str:
        return fmt_number(float(x), digits, language) if pd.notna(x) else "\u2013"

    if "n_rows" not in row or pd.isna(row.get("n_rows")):
        return ""  # a run from before these columns
    n, n_rows = int(row[C.N]), int(row["n_rows"])
    dropped = n_rows - n
    share = fmt_percent(dropped / n_rows, 0, language) if n_rows else "\u2013"
    tau2, sigma2 = float(row["site_variance"]), float(row["residual_variance"])
    icc = tau2 / (tau2 + sigma2) if tau2 + sigma2 > 0 else float("nan")
    facts = [
        (_t("Fälle im Modell", "Cases in the model", language),
         _t(f"{n} von {n_rows} Befragten; {dropped} ({share}) ohne vollständige Angaben zu "
            "Wirkung und allen Faktoren ausgeschlossen (vollständige Fälle, keine Imputation)",
            f"{n} of {n_rows} respondents; {dropped} ({share}) without complete answers on the "
            "outcome and every factor left out (complete cases, no imputation)", language)),
        (_t("Standorte", "Sites", language), str(int(row["n_groups"]))),
        (_t("Achsenabschnitt (Standardfehler)", "Intercept (SE)", language),
         f"{num(row['intercept'])} ({num(row['intercept_se'])})"),
        (_t("Varianz zwischen Standorten τ²", "Variance between sites τ²", language),
         num(tau2, 3)),
        (_t("Residualvarianz σ²", "Residual variance σ²", language), num(sigma2, 3)),
        (_t("ICC adjustiert (τ² / (τ² + σ²))", "Adjusted ICC (τ² / (τ² + σ²))", language),
         num(icc, 3)),
        (_t("R² marginal / bedingt (Nakagawa)", "R² marginal / conditional (Nakagawa)",
            language), f"{num(row['r2_marginal'])} / {num(row['r2_conditional'])}"),
    ]
    table = pd.DataFrame(facts, columns=[_t("Kennzahl", "Statistic", language),
                                         _t("Wert", "Value", language)])
    return html_table(table, caption=_t("Modellgüte und Varianzkomponenten",
                                        "Model fit and variance components", language),
                      language=language, index=False,
                      row_header=_t("Kennzahl", "Statistic", language))


def paired_change(results: Results, wave: str, language: str = "de", *, level: int = 3
                  ) -> str:
    """Wilcoxon signed-rank change of respondents who answered in both waves (pool)."""
    if len(full_labels(results).waves) == 1:  # a one-wave project: nothing to compare
        return ""
    pc = results.tables.get("paired_change", pd.DataFrame())
    pc = pc[pc["wave_to"] == wave] if not pc.empty else pc
    parts = [heading(level, _t("Veränderung bei denselben Personen", "Change among the same people",
                           language), anchor="paired")]
    if pc.empty:
        return parts[0] + note(_t("Für diese Welle gibt es keine frühere Welle.",
                                  "This wave has no earlier wave.", language))
    labels = full_labels(results)
    order = {k: i for i, k in enumerate(labels.scale_order(pc[C.SCALE].unique()))}
    waves = {w: i for i, w in enumerate(labels.wave_keys)}
    pc = pc.assign(_w=pc["wave_from"].map(waves), _s=pc[C.SCALE].map(order)).sort_values(
        ["_w", "_s"], kind="stable")
    table = pd.DataFrame({
        _t("Skala", "Scale", language): [labels.scale_label(s, language) for s in pc[C.SCALE]],
        _t("von", "from", language): [labels.wave_label(w, language) for w in pc["wave_from"]],
        _t("verknüpft", "linked", language): pc["n_linked"].astype(int).to_numpy(),
        _t("vorher", "before", language): pc["mean_from"].to_numpy(float),
        _t("nachher", "after", language): pc["mean_to"].to_numpy(float),
        _t("Differenz", "Difference", language): pc["difference"].to_numpy(float),
        "p": [_p(p, language) for p in pc[C.PVALUE]],
        "r": pc["effect_size"].to_numpy(float),
    })
    parts.append(html_table(table, caption=_t(
        "Gepaarte Veränderung über alle Kommunen (Wilcoxon-Vorzeichen-Rang-Test; r = "
        "rang-biseriale Korrelation für verbundene Stichproben)",
        "Paired change in the pool (Wilcoxon signed-rank test; r = matched-pairs rank-biserial "
        "correlation)", language),
        language=language, index=False, row_header=_t("Skala", "Scale", language)))
    return "\n".join(parts)
