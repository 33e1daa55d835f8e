"""Plain-language readings of statistical results, in German and English.

The statistics (:mod:`evaluation.analysis`) give numbers and verdict keys; the sentences a
reader sees are written here, with the rest of the report's words:

:func:`aggregation_reading`
    may site means be compared? (from the aggregation verdict and rwg(j))
:func:`describe_association`, :func:`driver_reading`
    how a success factor goes with an outcome, never claiming a cause
:func:`eye_level_reading`
    whether actor groups rate trust and benefit alike

Each sentence states a direction only where the interval or the adjusted test supports one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from evaluation import columns as C
from evaluation.analysis import (
    ATTRIBUTE,
    DIFFERENT,
    HIGHEST_GROUP,
    LOWEST_GROUP,
    MEANINGFUL,
    N_TESTS,
    NO_SITE_DIFFERENCES,
    NOT_ESTIMABLE,
    PADJUST,
    RWG_MODERATE,
    RWG_STRONG,
    TEST,
    UNRELIABLE,
    USABLE_WITH_CARE,
)
from evaluation.language import check_language
from evaluation.stats import MANN_WHITNEY

__all__ = [
    "AGGREGATION_READINGS",
    "AGREEMENT_READINGS",
    "DRIVER_LABELS",
    "EYE_LEVEL_LABELS",
    "aggregation_reading",
    "describe_association",
    "driver_reading",
    "eye_level_reading",
]

#: The order of the (English, German) pairs below.
LANGUAGES_ORDER = ("en", "de")


#: (English, German) reading of each aggregation verdict (keys of
#: :func:`evaluation.analysis.aggregation_verdict`).
AGGREGATION_READINGS: dict[str, tuple[str, str]] = {
    MEANINGFUL: (
        "Site means are meaningful: sites differ clearly and their means are reliable.",
        "Standortmittelwerte sind aussagekräftig: Die Standorte unterscheiden sich deutlich, "
        "und ihre Mittelwerte sind verlässlich.",
    ),
    USABLE_WITH_CARE: (
        "Site means can be used with care: sites differ, but a site mean is only moderately "
        "reliable; read it together with its confidence interval.",
        "Standortmittelwerte sind mit Vorsicht nutzbar: Die Standorte unterscheiden sich, "
        "aber ein Standortmittelwert ist nur mäßig verlässlich; bitte immer mit dem "
        "Vertrauensintervall lesen.",
    ),
    UNRELIABLE: (
        "Site means are not reliable enough to compare sites: the differences between sites "
        "are small compared with the spread within sites at this number of respondents.",
        "Standortmittelwerte sind für Vergleiche zwischen Standorten nicht verlässlich "
        "genug: Die Unterschiede zwischen den Standorten sind klein im Vergleich zur Streuung "
        "innerhalb der Standorte bei dieser Zahl von Befragten.",
    ),
    NO_SITE_DIFFERENCES: (
        "Sites hardly differ: almost all variation lies between respondents within a site, "
        "so the pool says more than site comparisons.",
        "Die Standorte unterscheiden sich kaum: Fast die gesamte Streuung liegt zwischen den "
        "Befragten innerhalb eines Standorts; der Durchschnitt aller Kommunen sagt hier mehr als "
        "Standortvergleiche.",
    ),
    NOT_ESTIMABLE: (
        "Not enough data to judge whether site means are meaningful.",
        "Zu wenige Daten, um zu beurteilen, ob Standortmittelwerte aussagekräftig sind.",
    ),
}

#: (English, German) sentence on the agreement within sites, by the median rwg(j).
AGREEMENT_READINGS: dict[str, tuple[str, str]] = {
    "strong": (
        "Respondents within a site largely agree.",
        "Innerhalb der Standorte sind sich die Befragten weitgehend einig.",
    ),
    "moderate": (
        "Agreement within sites is moderate.",
        "Die Übereinstimmung innerhalb der Standorte ist mäßig.",
    ),
    "weak": (
        "Respondents within a site often disagree, so a site mean hides different views.",
        "Innerhalb der Standorte gehen die Einschätzungen oft auseinander; ein Mittelwert "
        "verdeckt unterschiedliche Sichtweisen.",
    ),
}


def aggregation_reading(verdict: str, rwg_median: float, language: str) -> str:
    """The reading of an aggregation verdict, with the agreement within sites where known.

    ``verdict`` is the key :func:`evaluation.analysis.aggregation_verdict` gives; ``rwg_median``
    the median rwg(j) of the sites (strong from .70, moderate from .50).
    """
    i = LANGUAGES_ORDER.index(check_language(language))
    text = AGGREGATION_READINGS[verdict][i]
    if np.isfinite(rwg_median) and verdict != NOT_ESTIMABLE:
        level = ("strong" if rwg_median >= RWG_STRONG
                 else "moderate" if rwg_median >= RWG_MODERATE else "weak")
        text = f"{text} {AGREEMENT_READINGS[level][i]}"
    return text


# English and German labels of the default instrument's factors; German with the article
# (nominative), as the sentences need it
DRIVER_LABELS: dict[str, tuple[str, str]] = {
    "trust": ("trust", "das Vertrauen"),
    "transparency": ("transparency and communication", "die Transparenz"),
    "commitment": ("commitment and reliability", "die Verbindlichkeit"),
    "flexibility": ("flexibility", "die Flexibilität"),
    "shared_goals": ("work on shared goals", "die gemeinsame Zielarbeit"),
    "benefit": ("the benefit for each actor", "der Nutzen für die Akteure"),
    "quick_wins": ("concrete products", "das Erreichen konkreter Produkte"),
    "target_group": ("the focus on target groups", "der Zielgruppenfokus"),
    "task_structure": ("the clarity of tasks and roles", "die Klarheit der Aufgaben"),
    "network_rules": ("the network rules", "die Akzeptanz der Netzwerkregeln"),
    "decision_makers": ("the involvement of decision makers",
                        "die Einbindung der Leitungsebene"),
    "autonomy": ("the actors' autonomy", "die Autonomie der Akteure"),
    "existing_networks": ("the link to existing networks",
                          "der Anschluss an bestehende Netzwerke"),
    "network_management": ("network management", "das Netzwerkmanagement"),
    "data_based": ("data-based work", "das datenbasierte Arbeiten"),
    "engagement": ("personal engagement", "das persönliche Engagement"),
    "synergy": ("synergy", "die Synergie"),
    "satisfaction": ("overall satisfaction", "die Gesamtzufriedenheit"),
}


def _labels_for(key: str, labels: Mapping[str, tuple[str, str]] | None) -> tuple[str, str]:
    if labels and key in labels:
        return labels[key]
    if key in DRIVER_LABELS:
        return DRIVER_LABELS[key]
    text = key.replace("_", " ")
    return text, text


def describe_association(
    factor: str,
    outcome: str,
    *,
    estimate: float,
    ci_low: float,
    ci_high: float,
    language: Literal["en", "de"] = "de",
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """One sentence on how a factor goes with an outcome, never claiming a cause.

    A direction is stated only when the interval excludes zero; otherwise the sentence says
    that no clear association shows.

    Parameters
    ----------
    factor, outcome : str
        Keys of the factor and the outcome (looked up in ``labels``, then in the built-in
        labels, else the key with spaces for underscores).
    estimate, ci_low, ci_high : float
        Coefficient and its interval.
    language : {"en", "de"}
        Language of the sentence.
    labels : mapping, optional
        ``key -> (English, German)``; German with the article in the nominative.

    Examples
    --------
    >>> print(describe_association("network_management", "synergy", estimate=0.4,
    ...                            ci_low=0.2, ci_high=0.6))  # doctest: +NORMALIZE_WHITESPACE
    Wo das Netzwerkmanagement besser bewertet wird, wird auch die Synergie höher
    eingeschätzt (Zusammenhang, kein Nachweis einer Ursache).
    """
    check_language(language)
    i = 0 if language == "en" else 1
    f = _labels_for(factor, labels)[i]
    o = _labels_for(outcome, labels)[i]
    clear = bool(np.isfinite(ci_low) and np.isfinite(ci_high) and (ci_low > 0 or ci_high < 0))
    if language == "en":
        if not clear:
            return f"How {f} is rated shows no clear association with how {o} is rated."
        if estimate > 0:
            return (f"Where {f} is rated better, {o} is also rated higher (an association, "
                    "not proof of a cause).")
        return (f"Where {f} is rated better, {o} tends to be rated lower (an association, "
                "not proof of a cause).")
    if not clear:
        return (f"Wie {f} bewertet wird, hängt nicht erkennbar damit zusammen, wie {o} "
                "eingeschätzt wird (kein klarer Zusammenhang).")
    if estimate > 0:
        return (f"Wo {f} besser bewertet wird, wird auch {o} höher eingeschätzt "
                "(Zusammenhang, kein Nachweis einer Ursache).")
    return (f"Wo {f} besser bewertet wird, wird {o} eher niedriger eingeschätzt "
            "(Zusammenhang, kein Nachweis einer Ursache).")


EYE_LEVEL_LABELS: dict[str, tuple[str, str]] = {
    # scales
    "trust": ("trust and equal footing", "Vertrauen und Augenhöhe"),
    "benefit": ("recognisable benefit", "erkennbarer Nutzen"),
    # attributes
    "employment": ("employment (paid or volunteer)", "Haupt- oder Ehrenamt"),
    "actor_type": ("actor type", "Akteursgruppe"),
    "decision_role": ("decision-making role", "Entscheidungsbefugnis"),
    # attribute values; the German labels are dative forms, read after "bei"
    "paid": ("paid staff", "Hauptamtlichen"),
    "volunteer": ("volunteers", "Ehrenamtlichen"),
    "administration": ("the administration / integration office",
                       "der Verwaltung / Integrationsstelle"),
    "immigration_office": ("the immigration office", "der Ausländerbehörde"),
    "social_welfare_office": ("the social welfare office", "dem Sozialamt"),
    "jobcenter": ("the Jobcenter / employment agency", "Jobcenter / Arbeitsagentur"),
    "welfare_organisation": ("welfare organisations", "Wohlfahrtsverbänden"),
    "mso": ("migrant organisations (MSO)", "Migrantenorganisationen (MSO)"),
    "association_volunteer": ("associations / volunteering", "Vereinen / im Ehrenamt"),
    "education": ("education", "Bildungseinrichtungen"),
    "business": ("business / chambers", "Unternehmen / Kammern"),
    "politics": ("politics", "der Politik"),
    "other": ("other actors", "sonstigen Akteuren"),
}


def _label(key: object, labels: Mapping[str, tuple[str, str]], language: int) -> str:
    text = str(key)
    pair = labels.get(text) or EYE_LEVEL_LABELS.get(text)
    return pair[language] if pair else text


def _number(value: float, german: bool) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if german else text


def _eye_level_readings(row: Mapping[str, Any], *, scale: str,
                        labels: Mapping[str, tuple[str, str]], m: int,
                        padjust: str) -> tuple[str, str]:
    scale_en, scale_de = (_label(row[scale], labels, i) for i in (0, 1))
    attr_en, attr_de = (_label(row[ATTRIBUTE], labels, i) for i in (0, 1))
    if row[TEST] is None:
        return (
            f"Ratings of “{scale_en}” by {attr_en} were not tested: fewer than two groups "
            "with enough respondents.",
            f"Die Bewertungen von „{scale_de}“ nach {attr_de} wurden nicht geprüft: weniger "
            "als zwei Gruppen mit genügend Befragten.",
        )
    adjusted_en = (f"after adjusting for {m} tests" if padjust != "none" and m > 1
                   else "")
    adjusted_de = (f"nach Korrektur für {m} Tests" if padjust != "none" and m > 1 else "")
    low_en, low_de = (_label(row[LOWEST_GROUP], labels, i) for i in (0, 1))
    high_en, high_de = (_label(row[HIGHEST_GROUP], labels, i) for i in (0, 1))
    if not row[DIFFERENT]:
        tail_en = f" ({adjusted_en})" if adjusted_en else ""
        tail_de = f" ({adjusted_de})" if adjusted_de else ""
        return (
            f"Ratings of “{scale_en}” show no difference by {attr_en} beyond chance{tail_en}; "
            "this does not prove that all groups see it the same way.",
            f"Die Bewertungen von „{scale_de}“ unterscheiden sich nach {attr_de} nicht über "
            f"den Zufall hinaus{tail_de}; gleich sehen es deshalb nicht zwingend alle "
            "Gruppen.",
        )
    effect = float(row[C.EFFECT_SIZE])
    if row[TEST] == MANN_WHITNEY:
        size_en = f"rank-biserial r = {_number(abs(effect), False)}"
        size_de = f"Rang-biseriales r = {_number(abs(effect), True)}"
        return (
            f"Ratings of “{scale_en}” are lower among {low_en} than among {high_en} "
            f"({size_en}; a difference beyond chance{', ' + adjusted_en if adjusted_en else ''}).",
            f"Die Bewertungen von „{scale_de}“ sind bei {low_de} niedriger als bei {high_de} "
            f"({size_de}; ein Unterschied über den Zufall hinaus"
            f"{', ' + adjusted_de if adjusted_de else ''}).",
        )
    return (
        f"Ratings of “{scale_en}” differ by {attr_en} (epsilon squared = "
        f"{_number(effect, False)}; beyond chance{', ' + adjusted_en if adjusted_en else ''}): "
        f"lowest among {low_en}, highest among {high_en}.",
        f"Die Bewertungen von „{scale_de}“ unterscheiden sich je nach {attr_de} "
        f"(Epsilon-Quadrat = {_number(effect, True)}; über den Zufall hinaus"
        f"{', ' + adjusted_de if adjusted_de else ''}): am niedrigsten bei {low_de}, am "
        f"höchsten bei {high_de}.",
    )


def driver_reading(row: Mapping[str, Any], language: str, *,
                   labels: Mapping[str, tuple[str, str]] | None = None) -> str:
    """:func:`describe_association` of one row of the ``drivers`` table."""
    return describe_association(str(row[C.FACTOR]), str(row["outcome"]),
                                estimate=float(row[C.ESTIMATE]), ci_low=float(row[C.CI_LOW]),
                                ci_high=float(row[C.CI_HIGH]), language=language,
                                labels=labels)


def eye_level_reading(row: Mapping[str, Any], language: str, *,
                      labels: Mapping[str, tuple[str, str]] | None = None) -> str:
    """The sentence on one row of the ``eye_level`` table.

    ``labels`` (``key -> (English, German)``) override the built-in labels of scales,
    attributes and attribute values; German attribute values are dative forms, read after
    "bei".
    """
    i = LANGUAGES_ORDER.index(check_language(language))
    return _eye_level_readings(row, scale=C.SCALE, labels=dict(labels or {}),
                               m=int(row[N_TESTS]), padjust=str(row[PADJUST]))[i]
