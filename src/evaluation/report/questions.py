"""Questions a site can take into the peer exchange, generated from its own results.

Chosen from the site's weakest areas (flagged "below average" first, then the largest gaps
to the benchmark), its most agreed-with challenges and, to give something back, its
strengths. Factors of the default instrument have their own questions, other scales (custom
instruments) a general one.
"""

from __future__ import annotations

import pandas as pd

from evaluation.language import check_language
from evaluation.report.view import SiteView

N_WEAK = 3
N_CHALLENGES = 2
MIN_CHALLENGE_SHARE = 0.25

FACTOR_QUESTIONS: dict[str, tuple[str, str]] = {
    "trust": ("Wie schaffen andere Netzwerke Vertrauen und Begegnung auf Augenhöhe, gerade "
              "mit Ehrenamtlichen und Migrantenorganisationen?",
              "How do other networks build trust and meet as equals, especially with "
              "volunteers and migrant organisations?"),
    "transparency": ("Wie halten andere Netzwerke alle Partner auf dem Laufenden (Protokolle, "
                     "Verteiler, gemeinsame Ablage)?",
                     "How do other networks keep all partners informed (minutes, mailing "
                     "lists, shared files)?"),
    "commitment": ("Wie sorgen andere Netzwerke für Verbindlichkeit, etwa mit "
                   "Kooperationsvereinbarungen oder festen Ansprechpersonen?",
                   "How do other networks make cooperation binding, for example with "
                   "cooperation agreements or fixed contact persons?"),
    "flexibility": ("Wie reagieren andere Netzwerke auf neue Lagen, ohne ihre Ziele aus den "
                    "Augen zu verlieren?",
                    "How do other networks respond to new situations without losing sight of "
                    "their goals?"),
    "shared_goals": ("Wie legen andere Netzwerke gemeinsame Ziele fest, und wie oft prüfen "
                     "sie, ob sie erreicht wurden?",
                     "How do other networks agree on shared goals, and how often do they "
                     "check whether they were reached?"),
    "benefit": ("Wie machen andere Netzwerke sichtbar, was jeder Partner von der "
                "Zusammenarbeit hat?",
                "How do other networks make visible what each partner gains from working "
                "together?"),
    "quick_wins": ("Welche kleinen, schnell sichtbaren Erfolge haben anderen Netzwerken "
                   "geholfen, und wie wurden sie bekannt gemacht?",
                   "Which small, quickly visible successes helped other networks, and how "
                   "were they made known?"),
    "target_group": ("Wie beteiligen andere Netzwerke Zugewanderte und Migrantenorganisationen "
                     "an Planung und Entscheidungen?",
                     "How do other networks involve immigrants and migrant organisations in "
                     "planning and decisions?"),
    "task_structure": ("Wie verteilen andere Netzwerke Aufgaben und Rollen, zum Beispiel in "
                       "Arbeitsgruppen?",
                       "How do other networks share out tasks and roles, for example in "
                       "working groups?"),
    "network_rules": ("Welche Regeln der Zusammenarbeit haben sich anderswo bewährt, und wie "
                      "wurden sie vereinbart?",
                      "Which rules of cooperation have worked elsewhere, and how were they "
                      "agreed?"),
    "decision_makers": ("Wie gewinnen andere Netzwerke die Leitungsebene für ihre Arbeit, "
                        "etwa durch Einladungen der Verwaltungsspitze?",
                        "How do other networks win the backing of leadership, for example "
                        "through invitations from the head of administration?"),
    "autonomy": ("Wie wahren andere Netzwerke die Eigenständigkeit der Partner und stimmen "
                 "sich trotzdem eng ab?",
                 "How do other networks respect the partners' independence and still "
                 "coordinate closely?"),
    "existing_networks": ("Wie verbinden andere Netzwerke ihre Arbeit mit bestehenden Gremien "
                          "und Netzwerken vor Ort?",
                          "How do other networks link their work with existing committees and "
                          "networks in the area?"),
    "network_management": ("Wie organisieren andere Netzwerke Moderation, Dokumentation und "
                           "Beziehungspflege, und mit welchen Mitteln?",
                           "How do other networks organise facilitation, documentation and "
                           "relationship care, and with which resources?"),
    "data_based": ("Welche Daten nutzen andere Netzwerke, und wie werten sie ihre Arbeit "
                   "gemeinsam aus?",
                   "Which data do other networks use, and how do they review their work "
                   "together?"),
    "engagement": ("Wie halten andere Netzwerke das Engagement der Beteiligten lebendig und "
                   "beugen Überlastung vor?",
                   "How do other networks keep people engaged and prevent overload?"),
}

CHALLENGE_QUESTIONS: dict[str, tuple[str, str]] = {
    "challenge_competition": ("Wie gehen andere Netzwerke mit Konkurrenz zwischen Trägern um, "
                              "zum Beispiel durch gemeinsame Öffentlichkeitsarbeit?",
                              "How do other networks handle competition between providers, "
                              "for example through joint public relations?"),
    "challenge_partner_dropout": ("Wie fangen andere Netzwerke den Ausstieg wichtiger Partner "
                                  "auf (Vertretungen, mehrere Ansprechpersonen)?",
                                  "How do other networks cope when important partners leave "
                                  "(deputies, several contact persons)?"),
    "challenge_funding": ("Welche Wege der Finanzierung haben andere Netzwerke gefunden "
                          "(Förderprogramme, Stiftungen, kommunale Mittel)?",
                          "Which ways of funding have other networks found (funding "
                          "programmes, foundations, municipal budgets)?"),
    "challenge_turnover": ("Wie sichern andere Netzwerke Wissen und Kontakte, wenn Personal "
                           "wechselt?",
                           "How do other networks keep knowledge and contacts when staff "
                           "change?"),
}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "de" else pair[1]


def weakest_factors(view: SiteView, n: int = N_WEAK) -> pd.DataFrame:
    """Success factors (not outcomes) with ``weakness`` first, then the largest gaps."""
    rows = view.factors[(view.factors["kind"] == "factor") & ~view.factors["suppressed"]].copy()
    if rows.empty:
        return rows
    rows["_weak"] = rows["flag"] != "weakness"
    if view.pool_shown:
        gap = rows["difference"].astype(float)
        mirrored = -gap
    else:  # no comparison: the own mean, mirrored on the scale where lower is better
        gap = rows["mean"].astype(float)
        mirrored = view.labels.scale_min + view.labels.scale_max - gap
    if "higher_is_better" in rows:
        gap = gap.where(rows["higher_is_better"].astype(bool), mirrored)
    rows["_gap"] = gap
    rows = rows.sort_values(["_weak", "_gap", "scale"], kind="stable")
    if view.pool_shown:  # only areas at or below the benchmark count as weak
        rows = rows[(rows["flag"] == "weakness") | (rows["_gap"] <= 0)]
    return rows.head(n).drop(columns=["_weak", "_gap"])


def peer_questions(view: SiteView, language: str = "de") -> list[str]:
    """Questions for the peer exchange (plain text; at most six), in a fixed order."""
    de = check_language(language) == "de"
    if not view.shown:
        return [
            "Wie gewinnen andere Netzwerke viele Akteure für die Teilnahme an der Befragung?"
            if de else "How do other networks get many actors to take part in the survey?",
        ]
    questions: list[str] = []
    for _, row in weakest_factors(view).iterrows():
        pair = FACTOR_QUESTIONS.get(str(row["scale"]))
        if pair is None:
            label = row["label_de"] if de else row["label_en"]
            if row.get("higher_is_better", True):
                pair = (f"Was hat anderen Netzwerken geholfen, „{label}“ zu stärken?",
                        f"What helped other networks strengthen \u201c{label}\u201d?")
            else:
                pair = (f"Was hat anderen Netzwerken geholfen, „{label}“ zu verringern?",
                        f"What helped other networks reduce \u201c{label}\u201d?")
        questions.append(_pick(pair, language))
    challenges = view.challenges.sort_values(["share_agree", "item"], ascending=[False, True],
                                             kind="stable")
    for _, row in challenges.head(N_CHALLENGES).iterrows():
        if row["share_agree"] < MIN_CHALLENGE_SHARE:
            continue
        pair = CHALLENGE_QUESTIONS.get(str(row["item"]))
        if pair is None:
            label = row["label_de"] if de else row["label_en"]
            pair = (f"Wie gehen andere Netzwerke damit um: „{label}“?",
                    f"How do other networks deal with this: \u201c{label}\u201d?")
        questions.append(_pick(pair, language))
    strengths = view.factors[view.factors["flag"] == "strength"].sort_values(
        "difference", ascending=False, kind="stable")
    if not strengths.empty:
        label = strengths.iloc[0]["label_de" if de else "label_en"]
        questions.append(f"Was können Sie selbst zu „{label}“ an andere Netzwerke weitergeben?"
                         if de else
                         f"What can you pass on to other networks about \u201c{label}\u201d?")
    return questions[:6]
