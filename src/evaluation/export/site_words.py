"""The words of the site workbook in German and English: sheet names, headers, what each
column means, assessments and the explanation sheet.

Assessments, changes and every fixed phrase of the partner report come from the report
itself (``evaluation.report.assessment``, ``change_reading``, ``text``), so that the workbook
and the page say the same; only what the page does not say is worded here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from evaluation.language import check_language
from evaluation.participation import STAGES
from evaluation.report import (
    MIN_POOL_SITES,
    SiteView,
    change_reading,
    fmt_date,
    fmt_int,
    fmt_percent,
    text,
)
from evaluation.report import assessment as report_assessment

__all__ = ["CHALLENGE_WORDS", "IDEA_STATUS", "PARTICIPATION_METRICS", "WORDS",
           "assessment", "change_words", "explanation", "word"]


WORDS: Mapping[str, tuple[str, str]] = {
    "title": ("Netzwerkbericht {site}: Tabellen", "Network report {site}: tables"),
    # sheets
    "explanation_sheet": ("Erläuterungen", "Explanations"),
    "profile_sheet": ("Profil", "Profile"),
    "change_sheet": ("Veränderung", "Change"),
    "baseline_sheet": ("Veränderung seit Beginn", "Change since baseline"),
    "trend_sheet": ("Verlauf", "Trend"),
    "challenges_sheet": ("Herausforderungen", "Challenges"),
    "participation_sheet": ("Beteiligung", "Participation"),
    "events_sheet": ("Beteiligung nach Format", "Participation by format"),
    "ideas_sheet": ("Ideen", "Ideas"),
    "goals_sheet": ("Ziele", "Goals"),
    # what each sheet shows
    "profile_about": ("Jeder Bereich des Fragebogens: Ihr Mittelwert und, wo möglich, der "
                      "Vergleich mit den anderen Kommunen.",
                      "Every area of the questionnaire: your mean and, where possible, the "
                      "comparison with the other municipalities."),
    "change_about": ("Veränderung von der {since} zur {now}.",
                     "Change from the {since} to the {now}."),
    "baseline_about": ("Veränderung seit der ersten Erhebung, von der {since} zur {now}.",
                       "Change since the first survey, from the {since} to the {now}."),
    "trend_about": ("Ihr Mittelwert in jeder Welle bisher; leer: weniger als {k} Antworten in "
                    "dieser Welle.",
                    "Your mean in every wave so far; empty: fewer than {k} answers in that "
                    "wave."),
    "challenges_about": ("Wie viele Befragte den Aussagen über Herausforderungen eher oder voll "
                         "zustimmen; hier ist ein niedriger Anteil günstig.",
                         "How many respondents rather or fully agree with the statements on "
                         "challenges; here a low share is good."),
    "participation_about": ("Beteiligung an den Veranstaltungen dieser Welle.",
                            "Participation in the events of this wave."),
    "events_about": ("Beteiligung nach Format der Veranstaltung.",
                     "Participation by format of the event."),
    "ideas_about": ("Ideen aus den Ideenwerkstätten mit ihrer Bewertung; Bewertungen von "
                    "weniger als {k} Personen werden nicht gezeigt.",
                    "Ideas from the idea workshops with their ratings; ratings by fewer than "
                    "{k} people are not shown."),
    "goals_about": ("Ihre Ziele auf der Wirkungstreppe (Stufen oben erklärt).",
                    "Your goals on the impact ladder (stages explained above)."),
    # headers and what they mean
    "area": ("Bereich", "Area"),
    "area_means": ("Erfolgsfaktor oder Wirkung, wie der Fragebogen sie misst.",
                   "Success factor or outcome as the questionnaire measures it."),
    "kind": ("Art", "Kind"),
    "kind_means": ("Erfolgsfaktor oder Wirkung.", "Success factor or outcome."),
    "kind_factor": ("Erfolgsfaktor", "success factor"),
    "kind_outcome": ("Wirkung", "outcome"),
    "answers": ("Antworten", "Answers"),
    "answers_means": ("Zahl der Befragten Ihrer Kommune, die dazu geantwortet haben.",
                      "Number of respondents in your municipality who answered it."),
    "answers_in": ("Antworten {wave}", "Answers {wave}"),
    "answers_in_means": ("Zahl der Antworten in der {wave}.", "Number of answers in the {wave}."),
    "mean": ("Mittelwert", "Mean"),
    "mean_means": ("Mittelwert Ihrer Kommune ({scale}).", "Mean of your municipality ({scale})."),
    "mean_in": ("Mittelwert {wave}", "Mean {wave}"),
    "mean_in_means": ("Mittelwert Ihrer Kommune in der {wave}.",
                      "Mean of your municipality in the {wave}."),
    "ci_low": ("95-%-Intervall von", "95% interval from"),
    "ci_low_means": ("Untere Grenze des 95-%-Intervalls.", "Lower end of the 95% interval."),
    "ci_high": ("95-%-Intervall bis", "95% interval to"),
    "ci_high_means": ("Obere Grenze des 95-%-Intervalls.", "Upper end of the 95% interval."),
    "benchmark": ("andere Kommunen", "other municipalities"),
    "benchmark_means": ("Mittelwert aller Befragten der anderen Kommunen; leer, wenn weniger "
                        "als {pool} andere Kommunen genug Antworten haben.",
                        "Mean of all respondents of the other municipalities; empty where "
                        "fewer than {pool} other municipalities have enough answers."),
    "difference": ("Unterschied", "Difference"),
    "difference_means": ("Ihr Mittelwert minus der Wert der anderen Kommunen.",
                         "Your mean minus the value of the other municipalities."),
    "assessment": ("Einordnung", "Assessment"),
    "assessment_means": ("Ob der Unterschied größer ist als die statistische Unsicherheit, "
                         "in Worten.",
                         "Whether the difference is larger than the statistical uncertainty, "
                         "in words."),
    "change": ("Veränderung", "Change"),
    "change_means": ("Neuerer Mittelwert minus früherer Mittelwert.",
                     "Later mean minus earlier mean."),
    "statement": ("Aussage", "Statement"),
    "statement_means": ("Die Aussage des Fragebogens.", "The statement of the questionnaire."),
    "agree": ("Zustimmung", "Agreement"),
    "agree_means": ("Anteil der Befragten, die {agree} geantwortet haben.",
                    "Share of respondents who answered {agree}."),
    "agree_others": ("Zustimmung andere Kommunen", "Agreement other municipalities"),
    "agree_others_means": ("Anteil der Zustimmung bei den anderen Kommunen.",
                           "Share agreeing in the other municipalities."),
    "measure": ("Kennzahl", "Measure"),
    "measure_means": ("Was gezählt wird.", "What is counted."),
    "count": ("Anzahl", "Number"),
    "count_means": ("Die Zahl, wo die Kennzahl eine Anzahl ist.",
                    "The number, where the measure is a count."),
    "share": ("Anteil", "Share"),
    "share_means": ("Der Anteil, wo die Kennzahl ein Anteil ist.",
                    "The share, where the measure is a share."),
    "event_type": ("Format", "Format"),
    "event_type_means": ("Art der Veranstaltung.", "Kind of event."),
    "n_events": ("Veranstaltungen", "Events"),
    "n_events_means": ("Zahl der Veranstaltungen.", "Number of events."),
    "n_attendances": ("Teilnahmen von Organisationen", "Attendances of organisations"),
    "n_attendances_means": ("Teilnahmen von Organisationen, über alle Veranstaltungen gezählt.",
                            "Attendances of organisations, counted over all events."),
    "attendees": ("Personen", "People"),
    "attendees_means": ("Teilnehmende Personen, über alle Veranstaltungen gezählt.",
                        "People attending, counted over all events."),
    "decision_share": ("Anteil Leitungsebene", "Share of decision makers"),
    "decision_share_means": ("Anteil der Teilnehmenden aus der Leitungsebene; leer bei weniger "
                             "als {k} Personen.",
                             "Share of attendees who are decision makers; empty for fewer "
                             "than {k} people."),
    "idea": ("Idee", "Idea"),
    "idea_means": ("Titel der Idee.", "Title of the idea."),
    "idea_id": ("Kennung", "Id"),
    "idea_id_means": ("Kennung der Idee.", "Id of the idea."),
    "status": ("Stand", "Status"),
    "status_means": ("Idee, geplant oder umgesetzt.", "Idea, planned or implemented."),
    "raters": ("Bewertende", "Raters"),
    "raters_means": ("Zahl der Personen, die die Idee bewertet haben.",
                     "Number of people who rated the idea."),
    "feasibility": ("Umsetzbarkeit", "Feasibility"),
    "feasibility_means": ("Mittlere Bewertung der Umsetzbarkeit (1 bis 5).",
                          "Mean rating of feasibility (1 to 5)."),
    "impact": ("Wirkung", "Impact"),
    "impact_means": ("Mittlere Bewertung der Wirkung (1 bis 5).",
                     "Mean rating of impact (1 to 5)."),
    "group": ("Einordnung", "Group"),
    "group_means": ("Schnelle Erfolge haben in beiden Bewertungen mindestens 3,5.",
                    "Quick wins have at least 3.5 on both ratings."),
    "goal": ("Ziel", "Goal"),
    "goal_means": ("Das Ziel, wie Ihr Netzwerk es formuliert hat.",
                   "The goal as your network put it."),
    "stage_targeted": ("angestrebte Stufe", "stage targeted"),
    "stage_targeted_means": ("Stufe der Wirkungstreppe, die das Ziel erreichen will.",
                             "Stage of the impact ladder the goal aims at."),
    "stage_reached": ("erreichte Stufe", "stage reached"),
    "stage_reached_means": ("Stufe, die in dieser Welle erreicht ist.",
                            "Stage reached in this wave."),
    "reached": ("erreicht", "reached"),
    "reached_means": ("Ob die angestrebte Stufe erreicht ist.",
                      "Whether the stage targeted is reached."),
    # words in cells (as the partner report says them)
    "no_pool": ("kein Vergleich möglich", "no comparison possible"),
    "challenge_higher": ("\u25b2 deutlich häufiger als anderswo",
                         "\u25b2 clearly more often than elsewhere"),
    "status_idea": ("Idee", "idea"), "status_planned": ("geplant", "planned"),
    "status_implemented": ("umgesetzt", "implemented"),
    "rated_by_few": ("von weniger als {k} Personen bewertet", "rated by fewer than {k} people"),
    "not_rated": ("nicht bewertet", "not rated"),
    "yes": ("ja", "yes"), "no": ("nein", "no"),
    "metric_n_events": ("Veranstaltungen in dieser Welle", "Events in this wave"),
    "metric_n_active": ("aktive Organisationen", "Active organisations"),
    "metric_n_attending": ("Organisationen, die teilgenommen haben", "Organisations that attended"),
    "metric_attending_share": ("Anteil der aktiven Organisationen, die teilgenommen haben",
                               "Share of active organisations that attended"),
    "metric_attendees": ("teilnehmende Personen (über alle Veranstaltungen)",
                         "People attending (over all events)"),
    "metric_decision_maker_share": ("Anteil der Teilnehmenden aus der Leitungsebene",
                                    "Share of attendees who are decision makers"),
    "metric_mso_share_attending": ("Anteil der Migrantenorganisationen an den teilnehmenden "
                                   "Organisationen",
                                   "Share of migrant organisations among attending "
                                   "organisations"),
    # explanation sheet
    "project": ("Projekt", "Project"), "site": ("Kommune", "Municipality"),
    "wave": ("Erhebungswelle", "Survey wave"), "date": ("Stand", "As of"),
    "basis": ("Datenbasis", "Data"), "pool": ("Vergleichsgruppe", "Comparison group"),
    "basis_invited": ("{n} Antworten von {invited} eingeladenen Personen (Rücklauf {rate})",
                      "{n} answers from {invited} people invited (response rate {rate})"),
    "basis_n": ("{n} Antworten", "{n} answers"),
    "basis_hidden": ("weniger als {k} Antworten", "fewer than {k} answers"),
    "pool_n": ("{n} andere Kommunen mit mindestens {k} Antworten in dieser Welle",
               "{n} other municipalities with at least {k} answers in this wave"),
    "pool_none": ("Zu wenige andere Kommunen haben in dieser Welle genug Antworten für einen "
                  "Vergleich; gezeigt werden nur Ihre eigenen Werte.",
                  "Too few other municipalities have enough answers in this wave for a "
                  "comparison; only your own values are shown."),
    "suppressed_label": ("Keine Ergebnisse", "No results"),
    "suppressed": ("In dieser Erhebungswelle haben weniger als {k} Personen geantwortet. Zum "
                   "Schutz der Befragten zeigt der Bericht hierzu keine Ergebnisse.",
                   "Fewer than {k} people answered in this wave. To protect the respondents, "
                   "the report shows no results here."),
    "rules": ("So lesen Sie die Tabellen", "How to read the tables"),
    "rule_k": ("Weniger als {k} Antworten: keine Zahl", "Fewer than {k} answers: no figure"),
    "rule_k_text": ("Wo weniger als {k} Personen geantwortet haben, steht keine Zahl: die Zelle "
                    "bleibt leer, oder die Zeile oder das Tabellenblatt fehlt. So lässt sich "
                    "keine Antwort einer einzelnen Person zuordnen. Kommunen unter dieser Grenze "
                    "gehen auch nicht in die Vergleichswerte ein.",
                    "Where fewer than {k} people answered, there is no figure: the cell stays "
                    "empty, or the row or the sheet is missing. So no answer can be traced to "
                    "a single person. Municipalities below this limit do not enter the "
                    "benchmark either."),
    "rule_pool": ("Vergleichsgruppe: die anderen Kommunen", "Comparison group: the others"),
    "rule_pool_text": ("Verglichen wird mit allen Befragten der anderen Kommunen des Projekts "
                       "in derselben Welle, ohne Ihre eigene Kommune. Welche Kommune welchen "
                       "Wert hat, zeigen die Tabellen nicht; es gibt keine Rangliste. Haben "
                       "weniger als {pool} andere Kommunen genug Antworten, wird nicht "
                       "verglichen.",
                       "The comparison is with all respondents of the other municipalities of "
                       "the project in the same wave, without your own municipality. The "
                       "tables do not show which municipality has which value; there is no "
                       "ranking. Where fewer than {pool} other municipalities have enough "
                       "answers, there is no comparison."),
    "rule_ci": ("95-%-Intervall", "95% interval"),
    "rule_ci_text": ("Der Bereich, in dem der wahre Wert mit hoher Sicherheit liegt; je weniger "
                     "Antworten, desto breiter ist er. Als deutlich gilt ein Unterschied oder "
                     "eine Veränderung nur, wenn er größer ist als die statistische "
                     "Unsicherheit. Alle anderen Unterschiede können auch zufällig entstanden "
                     "sein.",
                     "The range in which the true value lies with high certainty; the fewer "
                     "the answers, the wider it is. A difference or change counts as clear "
                     "only where it is larger than the statistical uncertainty. All other "
                     "differences may have arisen by chance."),
    "rule_scale": ("Antwortskala", "Response scale"),
    "rule_scale_text": ("Die Antworten reichen von {answers}; höhere Werte sind günstiger"
                        "{exceptions}.",
                        "Answers range from {answers}; higher values are better{exceptions}."),
    "rule_scale_except": (", außer bei {names}: dort sind niedrigere Werte günstiger",
                          ", except for {names}, where lower values are better"),
    "rule_numbers": ("Zahlen und leere Zellen", "Numbers and empty cells"),
    "rule_numbers_text": ("Die Zellen enthalten die ungerundeten Werte; Mittelwerte werden mit "
                          "zwei Nachkommastellen angezeigt, Anteile in Prozent. Eine leere "
                          "Zelle heißt: weniger als {k} Antworten, kein Vergleich möglich oder "
                          "keine Angabe.",
                          "The cells hold the unrounded values; means are shown with two "
                          "decimals, shares in percent. An empty cell means: fewer than {k} "
                          "answers, no comparison possible, or no data."),
    "rule_cause": ("Keine Ursachen", "No causes"),
    "rule_cause_text": ("Die Zahlen beschreiben Einschätzungen und Zusammenhänge. Sie sind kein "
                        "Nachweis dafür, was welche Wirkung hat.",
                        "The numbers describe assessments and associations. They do not prove "
                        "what brings about what."),
    "synthetic": ("Synthetische Daten", "Synthetic data"),
    "synthetic_text": ("Diese Tabellen beruhen auf erfundenen Beispieldaten; die Zahlen "
                       "beschreiben keine echte Kommune.",
                       "These tables are based on invented example data; the numbers describe "
                       "no real municipality."),
    "stages": ("Stufen der Wirkungstreppe", "Stages of the impact ladder"),
    "stage": ("Stufe {n}", "Stage {n}"),
    "sheets": ("Tabellenblätter und Spalten", "Sheets and columns"),
    "sheet_column": ("Tabellenblatt / Spalte", "Sheet / column"),
    "meaning": ("Bedeutung", "Meaning"),
}
CHALLENGE_WORDS = {"higher": "challenge_higher", "no_pool": "no_pool"}
IDEA_STATUS = {"idea": "status_idea", "planned": "status_planned",
               "implemented": "status_implemented"}
#: The participation measures the partner report states, each with whether it is a share.
PARTICIPATION_METRICS: Mapping[str, bool] = {
    "n_events": False, "n_active": False, "n_attending": False, "attending_share": True,
    "attendees": False, "decision_maker_share": True, "mso_share_attending": True}


def word(key: str, language: str, **values: Any) -> str:
    """The words ``key`` in ``language`` with their placeholders filled: the workbook's own,
    else the partner report's (:func:`evaluation.report.text`)."""
    pair = WORDS.get(key)
    if pair is None:
        return text(key, language, **values)
    chosen = pair[0] if check_language(language) == "de" else pair[1]
    return chosen.format(**values) if values else chosen


def assessment(row: Mapping[str, Any], *, pool_shown: bool, language: str) -> str:
    """A profile row's flag in words, as the partner report's table says it."""
    if not row["suppressed"] and not pool_shown:
        return word("no_pool", language)
    return report_assessment(row, language)  # type: ignore[arg-type]


def change_words(difference: Any, clear: bool, higher_is_better: bool, language: str) -> str:
    """A change in words: "▲ deutlich gestiegen (hier ungünstig)", or no clear change."""
    value = float(difference) if difference is not None else math.nan
    if not clear or math.isnan(value):
        return word("no_clear_change", language)
    return change_reading(value, higher_is_better, language)


def _facts(view: SiteView, language: str) -> list[list[str]]:
    wave = view.labels.wave_label(view.wave, language)
    when = view.labels.wave_date(view.wave)
    rows = [[word("project", language), view.project]] if view.project else []
    rows += [[word("site", language), view.site_name],
             [word("wave", language), wave + (f" ({fmt_date(when, language)})" if when else "")]]
    if view.report_date is not None:
        rows.append([word("date", language), fmt_date(view.report_date, language)])
    if not view.shown:
        basis = word("basis_hidden", language, k=view.k)
    elif view.invited:
        basis = word("basis_invited", language, n=fmt_int(view.n, language),
                     invited=fmt_int(view.invited, language),
                     rate=fmt_percent(view.response_rate, 0, language))
    else:
        basis = word("basis_n", language, n=fmt_int(view.n, language))
    rows.append([word("basis", language), basis])
    if view.shown:
        rows.append([word("pool", language),
                     word("pool_n", language, n=view.n_pool_sites, k=view.k)
                     if view.pool_shown else word("pool_none", language)])
    if view.synthetic:
        rows.append([word("synthetic", language), word("synthetic_text", language)])
    return rows


def _rules(view: SiteView, language: str) -> list[list[str]]:
    de = language == "de"
    quote = ("\u201e{}\u201c" if de else "\u201c{}\u201d").format
    lower = [quote(s.label(language)) for s in view.labels.scales if not s.higher_is_better]
    exceptions = word("rule_scale_except", language, names=", ".join(lower)) if lower else ""
    return [
        [word("rule_k", language, k=view.k), word("rule_k_text", language, k=view.k)],
        [word("rule_pool", language), word("rule_pool_text", language, pool=MIN_POOL_SITES)],
        [word("rule_ci", language), word("rule_ci_text", language)],
        [word("rule_scale", language), word("rule_scale_text", language,
                                            answers=view.labels.range_with_labels(language),
                                            exceptions=exceptions)],
        [word("rule_numbers", language), word("rule_numbers_text", language, k=view.k)],
        [word("rule_cause", language), word("rule_cause_text", language)],
    ]


def explanation(view: SiteView, language: str,
                sheets: Sequence[tuple[str, str, str, Mapping[str, str]]]
                ) -> tuple[list[list[str]], list[int], list[int]]:
    """The rows of the explanation sheet, the rows to set in bold and the title rows.

    ``sheets`` are ``(key, sheet name, what it shows, {column header: meaning})``.
    """
    rows: list[list[str]] = [[word("title", language, site=view.site_name)], []]
    rows += _facts(view, language)
    bold: list[int] = []
    if not view.shown:
        rows += [[], [word("suppressed_label", language),
                      word("suppressed", language, k=view.k)],
                 [word("rule_k", language, k=view.k), word("rule_k_text", language, k=view.k)]]
        return rows, [len(rows) - 2], [0]
    rows.append([])
    bold.append(len(rows))
    rows.append([word("rules", language)])
    rows += _rules(view, language)
    if any(key == "goals" for key, *_ in sheets):
        rows.append([])
        bold.append(len(rows))
        rows.append([word("stages", language)])
        rows += [[word("stage", language, n=n), pair[0 if language == "de" else 1]]
                 for n, pair in sorted(STAGES.items())]
    rows.append([])
    bold.append(len(rows))
    rows.append([word("sheets", language)])
    bold.append(len(rows))
    rows.append([word("sheet_column", language), word("meaning", language)])
    for _, name, about, columns in sheets:
        bold.append(len(rows))
        rows.append([name, about])
        rows += [[f"  {header}", meaning] for header, meaning in columns.items()]
    return rows, bold, [0]
