"""Sections of the partner report, each an HTML fragment built from a :class:`SiteView`.

Every function takes the view and the language and returns HTML (empty text where the
section has nothing to show, e.g. the change section of a suppressed wave). Headings: the
title is the only ``h1``, sections are ``h2``, their parts ``h3``. Data strings are escaped;
tables come from :func:`evaluation.report.formatting.html_table` (header cells and caption);
charts are images with alt text.
"""

from __future__ import annotations

import pandas as pd

from evaluation.language import check_language
from evaluation.report.chart_store import draw
from evaluation.report.charts import challenges_chart, change_chart, chart_html, profile_chart
from evaluation.report.formatting import (
    count_word,
    fmt_ci,
    fmt_int,
    fmt_number,
    fmt_percent,
    html_table,
)
from evaluation.report.fragments import (
    Fragment,
    bullet_list,
    esc,
    heading,
    kept_together,
    note,
    paragraph,
    paragraph_with_print_note,
    paragraphs,
    print_only,
    screen_only,
    style_block,
)
from evaluation.report.labels import month_year
from evaluation.report.messages import key_messages
from evaluation.report.questions import peer_questions
from evaluation.report.texts import change_reading, methods_notes, reading_guide, text
from evaluation.report.view import SiteView


def _label(row: pd.Series, language: str) -> str:
    return str(row["label_de"] if language == "de" else row["label_en"])


def ci_text(low: float, high: float, language: str, digits: int = 2) -> str:
    """A confidence interval that does not break across lines."""
    return fmt_ci(low, high, digits, language).replace(" ", "\u00a0")


def percent_range(low: float, high: float, language: str) -> str:
    """``13–45 %`` (de) / ``13–45%`` (en) for an interval of shares."""
    if pd.isna(low) or pd.isna(high):
        return "\u2013"
    unit = "\u202f%" if language == "de" else "%"
    return f"{fmt_number(low * 100, 0, language)}\u2013{fmt_number(high * 100, 0, language)}{unit}"


def assessment(row: pd.Series, language: str) -> str:
    """The words of a factor's flag: above / below average, within the uncertainty."""
    if row["suppressed"]:
        return text("hidden", language)
    lower_is_better = not row.get("higher_is_better", True)
    if row["flag"] == "strength":
        if lower_is_better:  # ▲ marks the favourable side, here below the average
            return "\u25b2 " + text("below_good", language)
        return "\u25b2 " + text("above", language)
    if row["flag"] == "weakness":
        if lower_is_better:
            return "\u25bc " + text("above_bad", language)
        return "\u25bc " + text("below", language)
    return text("within", language)


def title(view: SiteView, language: str = "de", *, meta_facts: bool = True) -> Fragment:
    """The ``h1`` with the site name, wave, date and data basis; the synthetic-data label."""
    check_language(language)
    heading_text = text("title", language, site=view.site_name)
    wave = view.labels.wave_label(view.wave, language)
    when = month_year(view.labels.wave_date(view.wave), language)
    if len(view.labels.waves) == 1:  # one wave: its month, not a wave name
        facts = [f"{text('survey', language)}: {when}"] if when else []
    else:
        facts = [f"{text('survey', language)}: {wave}" + (f" ({when})" if when else "")]
    if not view.shown:
        facts.append(text("data_basis_hidden", language, k=view.k))
    elif view.invited:
        facts.append(text("data_basis", language, n=fmt_int(view.n, language),
                          invited=fmt_int(view.invited, language),
                          rate=fmt_percent(view.response_rate, 0, language)))
    else:
        facts.append(text("data_basis_n", language, n=fmt_int(view.n, language)))
    parts = [style_block(), heading(1, heading_text, anchor="title")]
    if meta_facts:
        parts.append(paragraph(" \u00b7 ".join(facts), css="er-facts"))
    if view.synthetic:
        parts.append(f'<p class="er-synthetic"><strong>{esc(text("synthetic", language))}'
                     f"</strong> \u2013 {esc(text('synthetic_note', language))}</p>")
    markdown_title = heading_text.replace("*", "\\*").replace("_", "\\_")
    return Fragment("\n".join(parts), markdown=f"# {markdown_title}")


def messages(view: SiteView, language: str = "de") -> str:
    """The key messages as a list."""
    items = [m.text for m in key_messages(view, language)]
    return heading(2, text("messages", language), anchor="messages") + "\n" + bullet_list(
        items, css="er-messages")


def profile(view: SiteView, language: str = "de") -> str:
    """The success-factor profile against the pool (or the note that the wave is hidden)."""
    parts = [heading(2, text("profile", language), anchor="profile")]
    if not view.shown:
        parts.append(note(text("suppressed", language, k=view.k)))
        return "\n".join(parts)
    de = language == "de"
    intro = ("Das Profil zeigt für jeden Bereich den Mittelwert Ihrer Kommune mit seinem "
             "95-%-Intervall, den Durchschnitt der anderen Kommunen (schwarzer Strich) und "
             "die Spannweite ihrer Mittelwerte (grauer Balken)." if de else
             "The profile shows, for each area, your municipality's mean with its 95% "
             "interval, the average of the other municipalities (black tick) and the spread "
             "of their means (grey bar).")
    n_outcomes = len(view.labels.outcome_keys)
    if n_outcomes and len(view.labels.factor_keys):
        intro += " " + (
            ("Die Wirkungsskala steht" if n_outcomes == 1 else
             f"Die {count_word(n_outcomes, 'de')} Wirkungsskalen stehen")
            + " unten, unter der gepunkteten Linie." if de else
            ("The impact scale is" if n_outcomes == 1 else
             f"The {count_word(n_outcomes, 'en')} impact scales are")
            + " at the bottom, below the dotted line.")
    parts.append(paragraph_with_print_note(
        intro, "Die Werte stehen als Tabelle in der Bildschirmfassung dieses Berichts." if de
        else "The figures are given as a table in this report's screen version."))
    if not view.pool_shown:
        parts.append(note(text("no_pool", language)))
    caption = (f"Erfolgsfaktoren und Wirkung {view.names.within} im Vergleich mit "
               f"{view.n_pool_sites} anderen Kommunen" if de else
               f"Success factors and impact in {view.site_name} compared with "
               f"{view.n_pool_sites} other municipalities")
    chart = draw(view.chart_store, profile_chart, view, language=language)
    parts.append(chart_html(chart, language, caption=caption))
    return kept_together(*parts)


def factor_table(view: SiteView, language: str = "de") -> str:
    """All scale values as an accessible table (h3)."""
    if not view.shown or view.factors.empty:
        return ""
    rows = view.factors
    table = pd.DataFrame({
        text("factor", language): [_label(r, language) for _, r in rows.iterrows()],
        text("answers", language): [None if r["suppressed"] else int(r["n"])
                                    for _, r in rows.iterrows()],
        text("mean", language): rows["mean"].astype(float).to_numpy(),
        text("ci", language): [ci_text(r["ci_low"], r["ci_high"], language)
                               for _, r in rows.iterrows()],
        text("benchmark", language): (rows["benchmark"].astype(float).to_numpy()
                                      if view.pool_shown else [None] * len(rows)),
        text("assessment", language): [assessment(r, language) for _, r in rows.iterrows()],
    })
    scale = view.labels.range_text(language)
    caption = (f"Mittelwerte ({scale}) {view.names.within} und bei allen Befragten der anderen "
               "Kommunen" if language == "de" else
               f"Means ({scale}) in {view.site_name} and among all respondents of the other "
               "municipalities")
    table_note = (f"– = weniger als {view.k} Antworten oder kein Vergleich möglich." if
                  language == "de" else
                  f"– = fewer than {view.k} answers or no comparison possible.")
    return screen_only(heading(3, text("factor_table", language), anchor="factor-table")
                       + "\n" + html_table(table, caption=caption, language=language,
                                           index=False, row_header=text("factor", language),
                                           digits=2, note=table_note))


def change(view: SiteView, language: str = "de") -> str:
    """Change since the earlier wave: chart and table, or why there is none."""
    if not view.shown or len(view.labels.waves) == 1:  # one wave: nothing to compare
        return ""
    de = language == "de"
    if view.change_from is None:
        title_text = text("change_none", language)
        reason = (text("first_wave", language) if view.previous_wave is None
                  else text("no_data", language))
        return heading(2, title_text, anchor="change") + "\n" + note(reason)
    since = view.labels.wave_label(view.change_from, language)
    now = view.labels.wave_label(view.wave, language)
    parts = [heading(2, text("change", language, wave=since), anchor="change")]
    intro = (f"Die Abbildung vergleicht die Mittelwerte der {since} (leerer Kreis) mit denen "
             f"der {now}. Markiert sind nur Veränderungen, die größer sind als die "
             "statistische Unsicherheit." if de else
             f"The figure compares the means of the {since} (open circle) with those of the "
             f"{now}. Only changes larger than the statistical uncertainty are marked.")
    if view.previous_wave and view.change_from != view.previous_wave:
        skipped = view.labels.wave_label(view.previous_wave, language)
        intro += (f" Für die {skipped} liegen zu wenige Antworten vor; verglichen wird daher "
                  f"mit der {since}." if de else
                  f" The {skipped} has too few answers; the comparison is therefore with the "
                  f"{since}.")
    parts.append(paragraph(intro))
    caption = (f"Veränderung von der {since} zur {now} {view.names.within}" if de else
               f"Change from the {since} to the {now} in {view.site_name}")
    chart = draw(view.chart_store, change_chart, view, language=language)
    parts = [kept_together(*parts, chart_html(chart, language, caption=caption))]
    rows = view.change[view.change["clear"]]
    if rows.empty:
        parts.append(paragraph(
            "Keine Veränderung ist größer als die statistische Unsicherheit." if de else
            "No change is larger than the statistical uncertainty."))
        parts.append(trend(view, language))
        return "\n".join(p for p in parts if p)
    table = pd.DataFrame({
        text("factor", language): [_label(r, language) for _, r in rows.iterrows()],
        since: rows["mean_from"].astype(float).to_numpy(),
        now: rows["mean_to"].astype(float).to_numpy(),
        text("difference", language): rows["difference"].astype(float).to_numpy(),
        text("ci", language): [ci_text(r["ci_low"], r["ci_high"], language)
                               for _, r in rows.iterrows()],
        text("assessment", language): [
            change_reading(r["difference"], view.labels.scale(r["scale"]).higher_is_better,
                           language) for _, r in rows.iterrows()],
    })
    caption = (f"Deutliche Veränderungen {view.names.within} von der {since} zur {now}" if de
               else f"Clear changes in {view.site_name} from the {since} to the {now}")
    parts_after = [trend(view, language)]
    parts.append(html_table(table, caption=caption, language=language, index=False,
                            row_header=text("factor", language), digits=2,
                            note=("Bei allen übrigen Bereichen liegt die Veränderung im Bereich "
                                  "der statistischen Unsicherheit." if de else
                                  "For all other areas the change lies within the statistical "
                                  "uncertainty.")))
    parts.extend(p for p in parts_after if p)
    return "\n".join(parts)


def trend(view: SiteView, language: str = "de") -> str:
    """The site's means over all waves so far (three or more waves): the course, not only
    the last step; a wave below k shows a dash."""
    waves = [c for c in view.trend.columns if c not in ("scale", "kind", "label_de", "label_en")]
    if len(waves) < 3 or view.trend.empty:
        return ""
    de = language == "de"
    table = pd.DataFrame({text("factor", language): [_label(r, language) for _, r in
                                                     view.trend.iterrows()]})
    for w in waves:
        table[view.labels.wave_label(w, language)] = view.trend[w].astype(float).to_numpy()
    return html_table(table, caption=(f"Verlauf über alle Wellen {view.names.within}" if de
                                      else f"Course over all waves in {view.site_name}"),
                      language=language, index=False, row_header=text("factor", language),
                      digits=2, note=(f"Mittelwerte je Welle; – = weniger als {view.k} "
                                      "Antworten. Ob eine Veränderung deutlich ist, zeigt die "
                                      "Tabelle darüber." if de else
                                      f"Means per wave; – = fewer than {view.k} answers. "
                                      "Whether a change is clear, the table above shows."))


def challenges(view: SiteView, language: str = "de") -> str:
    """Agreement with the challenge statements, against the other municipalities."""
    if not view.shown or not view.labels.has_challenges:
        return ""
    parts = [heading(2, text("challenges", language), anchor="challenges")]
    if view.challenges.empty:
        return parts[0] + "\n" + note(text("no_data", language))
    de = language == "de"
    parts.append(paragraph(
        "Wie viele Befragte den folgenden Aussagen eher oder voll zustimmen. Hier ist ein "
        "niedriger Anteil günstig. Die Raute zeigt den Anteil bei den anderen Kommunen." if de
        else "How many respondents rather or fully agree with the following statements. Here "
        "a low share is good. The diamond shows the share in the other municipalities."))
    caption = (f"Herausforderungen {view.names.within}" if de else
               f"Challenges in {view.site_name}")
    chart = draw(view.chart_store, challenges_chart, view, language=language)
    parts = [kept_together(*parts, chart_html(chart, language, caption=caption), print_only(
        "Die Anteile mit Intervallen stehen als Tabelle in der Bildschirmfassung." if de else
        "The shares with intervals are given as a table in the screen version."))]
    rows = view.challenges
    table = pd.DataFrame({
        text("challenge", language): [_label(r, language) for _, r in rows.iterrows()],
        text("answers", language): rows["n"].astype(int).to_numpy(),
        text("agree", language): [fmt_percent(s, 0, language) for s in rows["share_agree"]],
        text("ci", language): [percent_range(lo, hi, language) for lo, hi in
                               zip(rows["share_ci_low"], rows["share_ci_high"], strict=True)],
        text("agree_others", language): [fmt_percent(s, 0, language) if view.pool_shown
                                         else None for s in rows["others_share_agree"]],
        text("assessment", language): [
            ("\u25b2 deutlich häufiger als anderswo" if de else "\u25b2 clearly more often "
             "than elsewhere") if flag == "higher" else "" for flag in rows["flag"]],
    })
    agree = view.labels.agree_text(language)
    caption = (f"Anteil der Zustimmung ({agree}) in Prozent" if de
               else f"Share agreeing ({agree}), in percent")
    parts.append(screen_only(html_table(table, caption=caption, language=language, index=False,
                                        row_header=text("challenge", language))))
    return "\n".join(parts)


def questions(view: SiteView, language: str = "de") -> str:
    """Questions to take into the peer exchange."""
    intro = ("Diese Fragen ergeben sich aus Ihren Ergebnissen. Sie können sie in den "
             "Peer-Austausch mit anderen Kommunen mitnehmen." if language == "de" else
             "These questions follow from your results. You can take them into the peer "
             "exchange with other municipalities.")
    return "\n".join([heading(2, text("questions", language), anchor="questions"),
                      paragraph(intro),
                      bullet_list(peer_questions(view, language), css="er-questions")])


def reading(view: SiteView, language: str = "de") -> str:
    """How to read this report."""
    return heading(2, text("reading", language), anchor="reading") + "\n" + paragraphs(
        reading_guide(k=view.k, language=language,
                      answers=view.labels.range_with_labels(language),
                      lower_better=tuple(s.label(language) for s in view.labels.scales
                                         if not s.higher_is_better),
                      challenges=view.labels.has_challenges))


def methods(view: SiteView, language: str = "de", *, instrument: str = "",
            min_valid_share: float | None = None) -> str:
    """Methods and data notes (scales, CI, k rule, pool without the site, synthetic data)."""
    sizes = [len(s.items) for s in view.labels.scales if s.items] or [1, 5]
    notes = methods_notes(k=view.k, language=language, synthetic=view.synthetic,
                          instrument=instrument, min_valid_share=min_valid_share,
                          items=(min(sizes), max(sizes)), waves=len(view.labels.waves) > 1,
                          network=view.labels.has_participation("ties"),
                          ideas=view.labels.has_participation("ideas", "idea_ratings"),
                          drivers=not view.drivers.empty)
    if view.shown and view.n is not None:
        wave = view.labels.wave_label(view.wave, language)
        pool = (f"Vergleichsgruppe in der {wave}: {view.n_pool_sites} andere Kommunen."
                if language == "de" else
                f"Comparison group in the {wave}: {view.n_pool_sites} other municipalities.")
        notes.insert(0, pool)
    return heading(2, text("methods", language), anchor="methods") + "\n" + paragraphs(
        notes, css="er-small")


#: The one multiple-testing policy of every edition, stated where the evaluator part starts.
TESTING_POLICY = (
    "Umgang mit Mehrfachtests: Markierungen (▲/▼), Intervalle und p-Werte sind einzelne "
    "Tests ohne Korrektur für die Zahl der Vergleiche, wo nicht „p (korrigiert)“ oder "
    "„Holm“ dabeisteht; sie dienen dem Gespräch und als Hinweise. Nach Holm korrigiert sind "
    "die Gruppenvergleiche (Augenhöhe, Vergleiche nach Merkmalen) innerhalb ihrer Tabelle und "
    "der Befund der Tagungsfassung zum Wellenvergleich über alle Kommunen.",
    "Multiple testing: marks (▲/▼), intervals and p-values are single tests without a "
    "correction for the number of comparisons, unless \u201cp (adjusted)\u201d or "
    "\u201cHolm\u201d is written beside them; they serve the conversation and as pointers. "
    "Holm-adjusted are the group comparisons (eye level, comparisons by attributes) within "
    "their table and the digest's finding on change across all municipalities.")


def evaluator_heading(language: str = "de") -> str:
    """The ``h2`` above the evaluator-only sections and the multiple-testing policy."""
    return "\n".join([heading(2, text("evaluator", language), anchor="evaluator"),
                      paragraph(TESTING_POLICY[0 if language == "de" else 1])])

