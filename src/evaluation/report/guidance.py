"""What a coordinator does with the report: next steps, the learning partner, whom to ask, and
the words of the report explained.

:func:`next_steps` turns the site's own results into a short list of concrete steps (talk the
results through in the network, pick one area below the average, raise a challenge flagged
here, contact a learning partner where the evaluation team offers one) and ends with the
project's contact person. :func:`glossary` explains the terms the report uses, only those of
sections the report has. Both are partner-safe: they use the site view only.
"""

from __future__ import annotations

from evaluation.language import check_language
from evaluation.report.formatting import join_words, quoted
from evaluation.report.fragments import bullet_list, esc, heading, paragraph
from evaluation.report.questions import weakest_factors
from evaluation.report.view import SiteView

__all__ = ["glossary", "next_steps"]

MAX_AREAS = 3


def _t(de: str, en: str, language: str) -> str:
    return de if language == "de" else en


def _names(labels: list[str], language: str) -> str:
    return join_words([quoted(x, language) for x in labels], language)


def next_steps(view: SiteView, language: str = "de") -> str:
    """Concrete next steps from the site's results, the learning partner, the contact."""
    check_language(language)
    if not view.shown:
        return ""
    de = language == "de"
    steps = [_t("Besprechen Sie die Ergebnisse im Netzwerk, zum Beispiel beim nächsten "
                "Netzwerktreffen: Wie erklären sich die Partner die Werte, und was überrascht "
                "sie?",
                "Talk the results through in the network, for example at the next network "
                "meeting: how do the partners explain the values, and what surprises them?",
                language)]
    weak = weakest_factors(view)
    weak = weak[weak["flag"] == "weakness"] if "flag" in weak else weak.iloc[0:0]
    if not weak.empty:
        below = view.factors[(view.factors["flag"] == "weakness")
                             & (view.factors["kind"] == "factor")]
        labels = [str(r["label_de" if de else "label_en"]) for _, r in below.iterrows()]
        one = len(labels) == 1
        steps.append(_t(
            f"Wählen Sie einen Bereich, an dem Sie bis zur nächsten Befragung gezielt arbeiten "
            f"wollen, und vereinbaren Sie eine konkrete Maßnahme mit Verantwortlichen. Unter "
            f"dem Durchschnitt {'liegt' if one else 'liegen'}: {_names(labels, language)}.",
            f"Choose one area to work on until the next survey and agree on a concrete measure "
            f"with people responsible. Below the average: {_names(labels, language)}.",
            language))
    strong = view.factors[(view.factors["flag"] == "strength")] if "flag" in view.factors \
        else view.factors.iloc[0:0]
    if not strong.empty:  # the clearest strength, as the peer questions name it
        strong = strong.sort_values("difference", ascending=False, kind="stable")
        label = str(strong.iloc[0]["label_de" if de else "label_en"])
        steps.append(_t(
            f"Halten Sie fest, was zu Ihrer Stärke bei {_names([label], language)} geführt "
            "hat, damit es bei Personalwechseln nicht verloren geht.",
            f"Write down what led to your strength in {_names([label], language)}, so that it "
            "is not lost when staff change.", language))
    challenges = view.challenges
    if not challenges.empty and "flag" in challenges:
        flagged = challenges[challenges["flag"] == "higher"]
        if not flagged.empty:
            label = str(flagged.iloc[0]["label_de" if de else "label_en"])
            steps.append(_t(
                f"Sprechen Sie die Herausforderung {_names([label], language)} im Netzwerk an: "
                "Hier stimmen deutlich mehr Befragte zu als in den anderen Kommunen.",
                f"Raise the challenge {_names([label], language)} in the network: many more "
                "respondents agree here than in the other municipalities.", language))
    steps.extend(view.peer_hints.get(language, []))
    parts = [heading(2, _t("Nächste Schritte", "Next steps", language), anchor="next-steps"),
             bullet_list(steps, css="er-questions"), _contact(view, language)]
    return "\n".join(parts)


def _contact(view: SiteView, language: str) -> str:
    """Whom to ask: the project's contact, else the evaluation team."""
    contact = view.contact
    if not contact:
        return paragraph(_t("Fragen zu diesem Bericht beantwortet die wissenschaftliche "
                            "Begleitung des Projekts.",
                            "The project's evaluation team answers questions about this "
                            "report.", language))
    who = ", ".join(contact[k] for k in ("name", "organisation") if contact.get(k))
    ways = []
    if contact.get("email"):  # as text: a report carries no links out of itself
        ways.append(esc(contact["email"]))
    if contact.get("phone"):
        ways.append(_t("Telefon ", "phone ", language) + esc(contact["phone"]))
    lead = _t("Ansprechperson für Fragen zu diesem Bericht", "Contact for questions about this "
              "report", language)
    return (f'<p class="er-contact"><strong>{esc(lead)}:</strong> {esc(who)}'
            + (f" ({', '.join(ways)})" if ways else "") + "</p>")


#: term -> (German term, German explanation, English term, English explanation, needed by)
_TERMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Bereich (Erfolgsfaktor)",
     "Ein Thema der Netzwerkarbeit, zu dem mehrere Aussagen gefragt wurden, etwa Vertrauen "
     "oder Transparenz. Sein Wert ist der Mittelwert dieser Aussagen.",
     "Area (success factor)",
     "A topic of network work asked about with several statements, such as trust or "
     "transparency. Its value is the mean of these statements.", "always"),
    ("Mittelwert",
     "Der Durchschnitt der Antworten aller Befragten Ihrer Kommune auf der Antwortskala.",
     "Mean", "The average of all your respondents' answers on the response scale.", "always"),
    ("Durchschnitt der anderen Kommunen",
     "Der Mittelwert aller anderen Kommunen des Projekts zusammen, ohne Ihre eigene.",
     "Average of the other municipalities",
     "The mean of all other municipalities of the project together, without your own.",
     "always"),
    ("95-%-Intervall (statistische Unsicherheit)",
     "Der Bereich, in dem der Wert mit hoher Wahrscheinlichkeit läge, wenn alle Akteure "
     "geantwortet hätten. Je weniger Antworten, desto breiter.",
     "95% interval (statistical uncertainty)",
     "The range in which the value would very likely lie had all actors answered. The fewer "
     "the answers, the wider.", "always"),
    ("deutlich",
     "Ein Unterschied oder eine Veränderung ist deutlich, wenn sie größer ist als die "
     "statistische Unsicherheit.",
     "clearly", "A difference or change is clear when it is larger than the statistical "
     "uncertainty.", "waves"),
    ("deutlich",
     "Ein Unterschied ist deutlich, wenn er größer ist als die statistische Unsicherheit.",
     "clearly", "A difference is clear when it is larger than the statistical uncertainty.",
     "one_wave"),
    ("Mindestzahl von Antworten",
     "Ergebnisse aus weniger als {k} Antworten werden nicht gezeigt, damit niemand erkennbar "
     "wird.",
     "Minimum number of answers",
     "Results from fewer than {k} answers are not shown, so that no one can be recognised.",
     "always"),
    ("Wirkungsskala",
     "Ein Bereich, der nicht die Zusammenarbeit selbst, sondern ihre Wirkung beschreibt, etwa "
     "wahrgenommene Erfolge.",
     "Impact scale", "An area that describes the effect of the cooperation rather than the "
     "cooperation itself, such as perceived success.", "outcomes"),
    ("Herausforderung",
     "Eine Aussage über eine Schwierigkeit des Netzwerks; gezeigt wird, wie viele Befragte "
     "ihr zustimmen.",
     "Challenge", "A statement about a difficulty of the network; shown is how many "
     "respondents agree with it.", "challenges"),
    ("Netzwerkdichte",
     "Anteil der möglichen Kooperationsbeziehungen zwischen den Organisationen, die "
     "tatsächlich genannt wurden.",
     "Network density", "The share of possible cooperation ties between the organisations "
     "that were actually named.", "network"),
    ("Schnelle Erfolge",
     "Ideen, die als gut umsetzbar und wirksam bewertet wurden: ein guter erster Schritt.",
     "Quick wins", "Ideas rated as easy to implement and effective: a good first step.",
     "ideas"),
    ("Peer-Austausch",
     "Gespräch mit anderen Kommunen des Projekts, um voneinander zu lernen.",
     "Peer exchange", "A conversation with other municipalities of the project to learn "
     "from each other.", "always"),
)


def glossary(view: SiteView, language: str = "de") -> str:
    """The report's terms, explained in a sentence each (only those its sections use)."""
    check_language(language)
    several = len(view.labels.waves) > 1
    has = {"always": True, "waves": several, "one_wave": not several,
           "outcomes": any(s.kind == "outcome" for s in view.labels.scales),
           "challenges": view.labels.has_challenges and not view.challenges.empty,
           "network": view.network is not None,
           "ideas": not view.ideas.empty}
    rows = []
    for de_term, de_text, en_term, en_text, needed in _TERMS:
        if not has[needed]:
            continue
        term, explanation = (de_term, de_text) if language == "de" else (en_term, en_text)
        rows.append(f"<dt>{esc(term)}</dt><dd>{esc(explanation.format(k=view.k))}</dd>")
    return "\n".join([heading(2, _t("Begriffe", "Terms", language), anchor="glossary"),
                      f'<dl class="er-glossary">{"".join(rows)}</dl>'])
