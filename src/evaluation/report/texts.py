"""Fixed texts of the reports in German and English: titles, reading aid, methods notes.

Texts are plain language for a municipal coordinator. Placeholders in braces are filled by
:func:`text`; every value put into them must already be safe for HTML or is escaped by the
caller (sections escape data strings with :func:`html.escape`).
"""

from __future__ import annotations

from typing import Any

from evaluation.language import check_language

TEXTS: dict[str, tuple[str, str]] = {
    # titles
    "title": ("Netzwerkbericht {site}", "Network report {site}"),
    "synthesis_title": ("Standortübergreifende Synthese", "Cross-site synthesis"),
    "messages": ("Das Wichtigste in Kürze", "Key messages"),
    "profile": ("Erfolgsfaktoren im Vergleich mit den anderen Kommunen",
                "Success factors compared with the other municipalities"),
    "factor_table": ("Alle Werte im Überblick", "All values at a glance"),
    "change": ("Veränderung seit der {wave}", "Change since the {wave}"),
    "change_none": ("Veränderung über die Erhebungswellen", "Change across the survey waves"),
    "challenges": ("Herausforderungen", "Challenges"),
    "network": ("Netzwerk und Beteiligung", "Network and participation"),
    "network_map": ("Kooperationsnetzwerk", "Cooperation network"),
    "participation": ("Beteiligung an Veranstaltungen", "Participation in events"),
    "ideas": ("Ideen und schnelle Erfolge", "Ideas and quick wins"),
    "goals": ("Ziele auf der Wirkungstreppe", "Goals on the impact ladder"),
    "questions": ("Fragen für den Peer-Austausch", "Questions for the peer exchange"),
    "reading": ("So lesen Sie diesen Bericht", "How to read this report"),
    "methods": ("Methoden und Hinweise zu den Daten", "Methods and notes on the data"),
    "evaluator": ("Auswertungen für die wissenschaftliche Begleitung",
                  "Analyses for the evaluation team"),
    # facts line under the title
    "data_basis": ("Datenbasis: {n} Antworten von {invited} eingeladenen Personen "
                   "(Rücklauf {rate})",
                   "Data: {n} answers from {invited} people invited (response rate {rate})"),
    "data_basis_n": ("Datenbasis: {n} Antworten", "Data: {n} answers"),
    "data_basis_hidden": ("Datenbasis: weniger als {k} Antworten",
                          "Data: fewer than {k} answers"),
    "as_of": ("Stand", "As of"),
    "survey": ("Befragung", "Survey"),
    "synthetic": ("Synthetische Daten", "Synthetic data"),
    "synthetic_note": ("Dieser Bericht beruht auf erfundenen Beispieldaten. Er zeigt, wie ein "
                       "Bericht aussieht; die Zahlen beschreiben keine echte Kommune.",
                       "This report is based on invented example data. It shows what a report "
                       "looks like; the numbers describe no real municipality."),
    "suppressed": ("In dieser Erhebungswelle haben weniger als {k} Personen geantwortet. Zum "
                   "Schutz der Befragten zeigt der Bericht hierzu keine Ergebnisse.",
                   "Fewer than {k} people answered in this wave. To protect the respondents, "
                   "the report shows no results here."),
    "no_data": ("Für diesen Teil liegen keine Daten vor.", "There are no data for this part."),
    "first_wave": ("Dies ist die erste Erhebung. Veränderungen zeigt der Bericht ab der "
                   "nächsten Welle.",
                   "This is the first survey. The report shows changes from the next wave on."),
    "no_pool": ("Zu wenige andere Kommunen haben in dieser Welle genug Antworten für einen "
                "Vergleich; gezeigt werden nur Ihre eigenen Werte.",
                "Too few other municipalities have enough answers in this wave for a "
                "comparison; only your own values are shown."),
    # short labels
    "factor": ("Bereich", "Area"),
    "mean": ("Mittelwert", "Mean"),
    "ci": ("95-%-Intervall", "95% interval"),
    "benchmark": ("andere Kommunen", "other municipalities"),
    "assessment": ("Einordnung", "Assessment"),
    "above": ("über dem Durchschnitt", "above average"),
    "below_good": ("unter dem Durchschnitt (hier günstig)", "below average (good here)"),
    "above_bad": ("über dem Durchschnitt (hier ungünstig)", "above average (unfavourable here)"),
    "below": ("unter dem Durchschnitt", "below average"),
    "within": ("kein deutlicher Unterschied", "no clear difference"),
    "no_clear_change": ("keine deutliche Veränderung", "no clear change"),
    "hidden": ("zu wenige Antworten", "too few answers"),
    "answers": ("Antworten", "Answers"),
    "higher": ("deutlich gestiegen", "clearly higher"),
    "lower": ("deutlich gesunken", "clearly lower"),
    "worse_here": ("hier ungünstig", "unfavourable here"),
    "better_here": ("hier günstig", "good here"),
    "difference": ("Veränderung", "Change"),
    "agree": ("Zustimmung", "Agreement"),
    "agree_others": ("Zustimmung andere Kommunen", "Agreement other municipalities"),
    "challenge": ("Aussage", "Statement"),
    "metric": ("Kennzahl", "Measure"),
    "value": ("Wert", "Value"),
    "idea": ("Idee", "Idea"),
    "status": ("Stand", "Status"),
    "feasibility": ("Umsetzbarkeit", "Feasibility"),
    "impact": ("Wirkung", "Impact"),
    "raters": ("Bewertende", "Raters"),
    "group": ("Einordnung", "Group"),
    "goal": ("Ziel", "Goal"),
    "stage_targeted": ("angestrebte Stufe", "stage targeted"),
    "stage_reached": ("erreichte Stufe", "stage reached"),
    "reached": ("erreicht", "reached"),
    "event_type": ("Format", "Format"),
    "n_events": ("Veranstaltungen", "Events"),
    "n_attendances": ("Teilnahmen von Organisationen", "Attendances of organisations"),
    "attendees": ("Personen", "People"),
    "decision_share": ("Anteil Leitungsebene", "Share of decision makers"),
}

IDEA_STATUS = {"idea": ("Idee", "idea"), "planned": ("geplant", "planned"),
               "implemented": ("umgesetzt", "implemented")}


def change_judgement(difference: float, higher_is_better: bool, language: str) -> str:
    """On a scale where lower is better, whether a change is good ("hier günstig") or not
    ("hier ungünstig"); empty where higher is better (the arrow says it)."""
    if higher_is_better:
        return ""
    return text("worse_here" if difference > 0 else "better_here", language)


def change_reading(difference: float, higher_is_better: bool, language: str) -> str:
    """The words of a clear change: "▲ deutlich gestiegen", on a scale where lower is better
    with whether that is good ("▲ deutlich gestiegen (hier ungünstig)")."""
    words = ("\u25b2 " + text("higher", language)) if difference > 0 else (
        "\u25bc " + text("lower", language))
    judgement = change_judgement(difference, higher_is_better, language)
    return f"{words} ({judgement})" if judgement else words


def text(key: str, language: str, **values: Any) -> str:
    """The fixed text ``key`` in ``language`` with its placeholders filled."""
    pair = TEXTS[key]
    template = pair[0] if check_language(language) == "de" else pair[1]
    return template.format(**values) if values else template


def reading_guide(*, k: int, language: str, answers: str = "1 to 5",
                  lower_better: tuple[str, ...] = (), challenges: bool = True) -> list[str]:
    """Paragraphs of "how to read this report" (plain text, to be escaped by the caller);
    ``answers`` says how the answers range (see ``Labels.range_with_labels``),
    ``lower_better`` names the scales on which lower values are the better ones."""
    de = check_language(language) == "de"
    guide = _reading_guide(k=k, language=language, answers=answers)
    if not challenges:  # no challenge statements in the instrument: not a word about them
        guide[0] = guide[0].split(" Bei den Herausforderungen" if de else " For the challenges")[0]
    if lower_better:
        names = ", ".join(("\u201e{}\u201c" if de else "\u201c{}\u201d").format(n)
                          for n in lower_better)
        guide = [_favourable_marks(paragraph, de) for paragraph in guide]
        guide[0] = guide[0].replace(
            "höhere Werte sind günstiger." if de else "higher values are better.",
            f"höhere Werte sind günstiger, außer bei {names}: dort sind niedrigere Werte "
            "günstiger." if de else
            f"higher values are better, except for {names}, where lower values are better.")
    return guide


def _favourable_marks(paragraph: str, de: bool) -> str:
    """The marks' paragraph worded by favourable/unfavourable (a lower-is-better scale is
    marked ▲ where it lies below the others)."""
    if de:
        return paragraph.replace("Mit ▲ „über dem Durchschnitt“ oder ▼ „unter dem Durchschnitt“ "
                                 "ist ein Bereich nur markiert",
                                 "Mit ▲ (günstiger als der Durchschnitt) oder ▼ (ungünstiger) "
                                 "ist ein Bereich nur markiert")
    return paragraph.replace("\u25b2 \u201cabove average\u201d or \u25bc \u201cbelow "
                             "average\u201d", "\u25b2 (better than average) or \u25bc (worse)")


def _reading_guide(*, k: int, language: str, answers: str) -> list[str]:
    if check_language(language) == "de":
        return [
            "Die Ergebnisse stammen aus der Befragung der Akteure in Ihrem Netzwerk. Die "
            f"Antworten reichen von {answers}; höhere Werte sind günstiger. Bei den "
            "Herausforderungen zeigt der Bericht, wie viele Befragte einer Aussage eher oder "
            "voll zustimmen; dort ist weniger besser.",
            "Im Profil zeigt der Punkt den Mittelwert Ihrer Kommune, die Linie durch den Punkt "
            "das 95-%-Intervall: den Bereich, in dem der wahre Wert mit hoher Sicherheit liegt. "
            "Je weniger Antworten, desto breiter ist das Intervall.",
            "Der schwarze Strich zeigt den Durchschnitt aller Befragten der anderen Kommunen. "
            "Der graue Balken zeigt, wo die Mittelwerte der anderen Kommunen liegen: hell die "
            "mittleren 80 %, dunkel die mittlere Hälfte. Welche Kommune wo liegt, zeigt das "
            "Profil nicht; es gibt keine Rangliste.",
            "Mit ▲ „über dem Durchschnitt“ oder ▼ „unter dem Durchschnitt“ ist ein Bereich nur "
            "markiert, wenn der Unterschied größer ist als die statistische Unsicherheit. Alle "
            "anderen Unterschiede können auch zufällig entstanden sein.",
            f"Ergebnisse werden nur gezeigt, wenn mindestens {k} Personen geantwortet haben. "
            "So lässt sich keine Antwort einer einzelnen Person zuordnen.",
            "Die Zahlen beschreiben Einschätzungen und Zusammenhänge. Sie sind kein Nachweis "
            "dafür, was welche Wirkung hat. Am meisten sagen sie im Gespräch mit den "
            "Beteiligten vor Ort.",
        ]
    return [
        "The results come from the survey of the actors in your network. Answers range from "
        f"{answers}; higher values are "
        "better. For the challenges, the report shows how many respondents rather or fully "
        "agree with a statement; there, less is better.",
        "In the profile, the point shows your municipality's mean and the line through it the "
        "95% interval: the range in which the true value lies with high certainty. The fewer "
        "the answers, the wider the interval.",
        "The black tick shows the average of all respondents of the other municipalities. The "
        "grey bar shows where the means of the other municipalities lie: light the middle "
        "80%, dark the middle half. The profile does not show which municipality lies where; "
        "there is no ranking.",
        "An area is marked ▲ \u201cabove average\u201d or ▼ \u201cbelow average\u201d only "
        "where the difference is larger than the statistical uncertainty. All other "
        "differences may have arisen by chance.",
        f"Results are shown only where at least {k} people answered, so that no answer can be "
        "traced to a single person.",
        "The numbers describe assessments and associations. They do not prove what brings "
        "about what. They say most when discussed with the people involved locally.",
    ]


def methods_notes(*, k: int, language: str, synthetic: bool, instrument: str = "",
                  min_valid_share: float | None = None, items: tuple[int, int] = (1, 5),
                  waves: bool = True, network: bool = True, ideas: bool = True,
                  drivers: bool = True) -> list[str]:
    """Paragraphs of the methods and data notes (plain text, escaped by the caller).

    ``items`` is the fewest and most statements of a scale; ``waves``, ``network``, ``ideas``
    and ``drivers`` say whether the report has change across waves, a network map, rated
    ideas and the driver model, whose notes are left out otherwise.
    """
    notes = _methods_notes(k=k, language=language, min_valid_share=min_valid_share,
                           items=items)
    keep = {"waves": waves, "network": network, "ideas": ideas, "drivers": drivers}
    notes = [note for topic, note in notes if keep.get(topic, True)]
    de = check_language(language) == "de"
    if instrument:
        notes.append(f"Fragebogen: {instrument}." if de else f"Questionnaire: {instrument}.")
    if synthetic:
        notes.append("Synthetische Daten: Alle Angaben in diesem Bericht sind mit einem "
                     "Zufallsgenerator erzeugt. Ähnlichkeiten mit echten Kommunen, "
                     "Organisationen oder Personen sind zufällig." if de else
                     "Synthetic data: everything in this report was produced by a random "
                     "generator. Any resemblance to real municipalities, organisations or "
                     "persons is coincidental.")
    return notes


def _statements(items: tuple[int, int], language: str) -> str:
    low, high = items
    words = {"de": ("einer", "einer", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht",
                    "neun", "zehn"),
             "en": ("one", "one", "two", "three", "four", "five", "six", "seven", "eight",
                    "nine", "ten")}[language]

    def word(n: int) -> str:
        return words[n] if 0 < n < len(words) else str(n)

    if language == "de":
        if low == high:
            return f"mit {word(low)} Aussage" if low == 1 else f"mit {word(low)} Aussagen"
        return f"mit {word(low)} bis {word(high)} Aussagen"
    if low == high:
        return f"with {word(low)} statement" + ("" if low == 1 else "s")
    return f"with {word(low)} to {word(high)} statements"


def _methods_notes(*, k: int, language: str, min_valid_share: float | None,
                   items: tuple[int, int]) -> list[tuple[str, str]]:
    """Every note with its topic (``scales``, ``waves``, ``network``, ...)."""
    share = min_valid_share if min_valid_share is not None else 2 / 3
    de = check_language(language) == "de"
    share_text = ("zwei Drittel" if abs(share - 2 / 3) < 0.01 else f"{round(share * 100)} %") \
        if de else ("two thirds" if abs(share - 2 / 3) < 0.01 else f"{round(share * 100)}%")
    if de:
        return [
            ("scales",
             f"Skalen: Jeder Bereich wird {_statements(items, 'de')} gemessen; verneinte "
             "Aussagen werden vor der Auswertung umgepolt. Ein Wert wird für eine Person "
             f"berechnet, wenn sie mindestens {share_text} der Aussagen beantwortet hat. „Kann "
             "ich nicht beurteilen“ zählt als fehlende Antwort, nicht als niedrige Bewertung."),
            ("comparison",
             "Vergleich: Verglichen wird mit allen Befragten der anderen Kommunen in derselben "
            "Welle, ohne Ihre eigene Kommune. Das 95-%-Intervall des Unterschieds stammt aus "
             "einem t-Test nach Welch; schließt es null aus, ist der Bereich markiert. Jeder "
             "Bereich wird für sich geprüft, ohne Korrektur für die Zahl der Bereiche: Bei "
             "vielen Bereichen kann eine Markierung auch zufällig entstehen; sie ist ein "
             "Hinweis für das Gespräch, kein Beweis."),
            ("privacy",
             f"Schutz der Befragten: Für weniger als {k} Antworten wird kein Ergebnis gezeigt. "
            "Kommunen unter dieser Grenze gehen auch nicht in die Vergleichswerte ein. Andere "
             "Kommunen werden nur als Lernpartner genannt, und nur wenn beide Kommunen dem "
             "offenen Austausch zugestimmt haben."),
            ("waves",
             "Veränderungen vergleichen die Mittelwerte zweier Wellen; es haben nicht unbedingt "
            "dieselben Personen geantwortet. Als deutlich gilt eine Veränderung, deren "
             "95-%-Intervall null ausschließt."),
            ("network",
             "Netzwerk: Die Übersicht beruht auf der Frage, mit welchen Organisationen man "
            "zusammenarbeitet; die Übersicht zählt Paare von Organisationen, die sich "
            "(einseitig oder gegenseitig) genannt haben, die Kennzahlen Nennungen. "
            "Organisationen ohne eigene Antwort erscheinen nur durch die Nennungen anderer; "
            "wie viele geantwortet haben, steht jeweils dabei. Namen von Organisationen zeigt "
            "der Bericht nicht."),
            ("ideas",
             "Ideen wurden in Ideenwerkstätten von mehreren Organisationen nach Umsetzbarkeit "
            "und Wirkung (1 bis 5) bewertet. Schnelle Erfolge haben in beiden Bewertungen "
             "einen Mittelwert von mindestens 3,5."),
            ("drivers",
             "Zusammenhänge zwischen Erfolgsfaktoren und der wahrgenommenen Wirkung stammen aus "
            "einem Mehrebenenmodell über alle Kommunen. Sie beschreiben Zusammenhänge, keine "
             "Ursachen."),
        ]
    return [
        ("scales",
         f"Scales: each area is measured {_statements(items, 'en')}; negatively worded "
        "statements are reversed before the analysis. A person's value is computed when they "
        f"answered at least {share_text} of the statements. \u201cCannot judge\u201d counts as "
         "a missing answer, not as a low rating."),
        ("comparison",
         "Comparison: the benchmark is all respondents of the other municipalities in the same "
        "wave, without your own municipality. The 95% interval of the difference comes from "
         "Welch's t test; where it excludes zero, the area is marked. Each area is tested on "
         "its own, without a correction for the number of areas: with many areas a mark can "
         "also arise by chance; it is a pointer for the conversation, not a proof."),
        ("privacy",
         f"Protection of respondents: no result is shown for fewer than {k} answers. "
        "Municipalities below this limit do not enter the benchmark either. Other "
         "municipalities are named only as learning partners, and only where both agreed to "
         "open exchange."),
        ("waves",
         "Changes compare the means of two waves; the respondents need not be the same people. "
         "A change counts as clear where its 95% interval excludes zero."),
        ("network",
         "Network: the overview is based on the question which organisations one works "
         "with; it counts pairs of organisations that named each other (one way or both), the "
         "measures count nominations. "
        "Organisations that did not answer appear only through others naming them; how many "
         "answered is given each time. The report shows no organisation names."),
        ("ideas",
         "Ideas were rated in idea workshops by several organisations for feasibility and "
         "impact (1 to 5). Quick wins have a mean of at least 3.5 on both."),
        ("drivers",
         "Associations between success factors and the perceived impact come from a multilevel "
         "model across all municipalities. They describe associations, not causes."),
    ]
