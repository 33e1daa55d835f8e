"""Alternative texts of the site-report charts, written from the data (German and English).

Each says what the chart shows in words: the site, the wave, which scales are above or below
the other municipalities (only where the interval of the difference excludes the benchmark),
the clear changes, the agreement with each challenge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.language import check_language
from evaluation.report.formatting import fmt_number, fmt_percent
from evaluation.report.texts import change_judgement
from evaluation.report.view import SiteView


def _n(x: float, language: str, digits: int = 2) -> str:
    return fmt_number(x, digits, language)


def _label(row: pd.Series, language: str) -> str:
    return str(row["label_de"] if language == "de" else row["label_en"])


def profile_alt_text(view: SiteView, language: str) -> str:
    """Alternative text of the success-factor profile, written from the data."""
    de = check_language(language) == "de"
    rows = view.factors[~view.factors["suppressed"]]
    head = (f"Profil von {len(view.factors)} Skalen {view.names.for_} "
            f"({view.labels.wave_label(view.wave, language)}), Mittelwerte auf der Skala "
            f"{view.labels.range_text(language)}"
            if de else
            f"Profile of {len(view.factors)} scales for {view.site_name} "
            f"({view.labels.wave_label(view.wave, language)}), means on the scale from "
            f"{view.labels.range_text(language)}")
    parts = [head + (f", verglichen mit {view.n_pool_sites} anderen Kommunen."
                     if de else f", compared with {view.n_pool_sites} other municipalities.")
             if view.pool_shown else head + "."]
    # by position (above/below), with the flag's meaning where lower is better
    higher = (rows["higher_is_better"].astype(bool) if "higher_is_better" in rows
              else pd.Series(True, index=rows.index))
    above = rows["difference"].astype(float) > 0
    for mask, de_text, en_text in (
            ((rows["flag"] == "strength") & higher, "Über dem Durchschnitt der anderen Kommunen",
             "Above the average of the other municipalities"),
            ((rows["flag"] == "weakness") & higher, "Unter dem Durchschnitt der anderen Kommunen",
             "Below the average of the other municipalities"),
            ((rows["flag"] == "strength") & ~higher & ~above,
             "Unter dem Durchschnitt der anderen Kommunen, hier günstig",
             "Below the average of the other municipalities, good here"),
            ((rows["flag"] == "weakness") & ~higher & above,
             "Über dem Durchschnitt der anderen Kommunen, hier ungünstig",
             "Above the average of the other municipalities, unfavourable here")):
        sub = rows[mask]
        items = [f"{_label(r, language)} ({_n(r['mean'], language)} "
                 f"{'gegenüber' if de else 'against'} {_n(r['benchmark'], language)})"
                 for _, r in sub.iterrows()]
        if items:
            parts.append(f"{de_text if de else en_text}: {'; '.join(items)}.")
    if view.pool_shown:
        parts.append("Bei den übrigen Skalen liegt der Unterschied im Bereich der statistischen "
                     "Unsicherheit." if de else "For the other scales the difference lies "
                     "within the statistical uncertainty.")
    if len(rows):
        top = rows.loc[rows["mean"].idxmax()]
        low = rows.loc[rows["mean"].idxmin()]
        parts.append((f"Höchster Wert: {_label(top, language)} ({_n(top['mean'], language)}); "
                      f"niedrigster: {_label(low, language)} ({_n(low['mean'], language)}).")
                     if de else
                     (f"Highest: {_label(top, language)} ({_n(top['mean'], language)}); "
                      f"lowest: {_label(low, language)} ({_n(low['mean'], language)})."))
    hidden = int(view.factors["suppressed"].sum())
    if hidden:
        parts.append(f"{hidden} Skalen ohne Wert (weniger als {view.k} Antworten)." if de else
                     f"{hidden} scales without a value (fewer than {view.k} answers).")
    return " ".join(parts)


def change_alt_text(view: SiteView, language: str) -> str:
    """Alternative text of the change chart."""
    de = check_language(language) == "de"
    table = view.change
    if table.empty or view.change_from is None:
        return ("Keine Veränderung darstellbar." if de else "No change can be shown.")
    w_from = view.labels.wave_label(view.change_from, language)
    w_to = view.labels.wave_label(view.wave, language)
    parts = [(f"Mittelwerte {view.names.of} in der {w_from} und der {w_to} für "
              f"{len(table)} Skalen." if de else
              f"Means of {view.site_name} in the {w_from} and the {w_to} for {len(table)} "
              "scales.")]
    for sign, de_text, en_text in ((1, "Deutlich gestiegen", "Clearly higher"),
                                   (-1, "Deutlich gesunken", "Clearly lower")):
        sub = table[table["clear"] & (np.sign(table["difference"]) == sign)]
        items = [f"{_label(r, language)} ({_n(r['mean_from'], language)} \u2192 "
                 f"{_n(r['mean_to'], language)}{_good_or_bad(view, r, language)})"
                 for _, r in sub.iterrows()]
        if items:
            parts.append(f"{de_text if de else en_text}: {'; '.join(items)}.")
    if not table["clear"].any():
        parts.append("Keine Veränderung ist größer als die statistische Unsicherheit." if de
                     else "No change is larger than the statistical uncertainty.")
    else:
        parts.append("Die übrigen Veränderungen liegen im Bereich der statistischen "
                     "Unsicherheit." if de else
                     "The other changes lie within the statistical uncertainty.")
    return " ".join(parts)


def _good_or_bad(view: SiteView, row: pd.Series, language: str) -> str:
    """", hier ungünstig" after a change on a scale where lower is better."""
    judgement = change_judgement(row["difference"],
                                 view.labels.scale(row["scale"]).higher_is_better, language)
    return f", {judgement}" if judgement else ""


def challenges_alt_text(view: SiteView, language: str) -> str:
    """Alternative text of the challenges chart."""
    de = check_language(language) == "de"
    table = view.challenges
    if table.empty:
        return "Keine Angaben zu Herausforderungen." if de else "No data on challenges."
    parts = []
    for _, r in table.iterrows():
        text = f"{_label(r, language)}: {fmt_percent(r['share_agree'], 0, language)}"
        if view.pool_shown and not pd.isna(r["others_share_agree"]):
            text += (f" (andere Kommunen {fmt_percent(r['others_share_agree'], 0, language)})"
                     if de else
                     f" (other municipalities {fmt_percent(r['others_share_agree'], 0, language)})")
        if r.get("flag") == "higher":
            text += (", deutlich häufiger als anderswo" if de
                     else ", clearly more often than elsewhere")
        parts.append(text)
    head = (f"Anteil der Befragten {view.names.within}, die der Aussage eher oder voll "
            f"zustimmen, für {len(table)} Herausforderungen: " if de else
            f"Share of respondents in {view.site_name} who rather or fully agree, for "
            f"{len(table)} challenges: ")
    return head + "; ".join(parts) + "."
