"""The design of the synthetic example: files, model municipalities, waves and the planted
structure.

Everything here is a constant: the file names of the project, the invented sites and waves
(:class:`SiteSpec` and :class:`WaveSpec` records), the effects planted into the data
(documented in the example's ``README.md``), the parameters of the latent model the answers
are drawn from, and the names and titles organisations, ideas and goals are given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_SEED = 20261121
INSTRUMENT = "default"
SURVEY_FILE = "data/survey_{wave}.csv"
PARTICIPATION_FILES = {
    "roster": "data/roster.csv",
    "events": "data/events.csv",
    "attendance": "data/attendance.csv",
    "ties": "data/ties.csv",
    "ideas": "data/ideas.csv",
    "idea_ratings": "data/idea_ratings.csv",
    "goals": "data/goals.csv",
}
PLANTED_ERRORS_FILE = "PLANTED_ERRORS.md"

# One independent random stream per part of the project (index = stream id).
_PARTS = ("plan", "survey", "roster", "events", "attendance", "ties", "ideas", "goals")


# -- the model municipalities and waves ------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SiteSpec:
    """One invented model municipality."""

    key: str
    name: str
    short: str  # place name used in organisation names
    municipality_type: str
    size_class: str
    land: str


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(key="K01", name="Lindwarden", short="Lindwarden",
             municipality_type="independent_city", size_class="large", land="nw"),
    SiteSpec(key="K02", name="Landkreis Auental", short="Auental",
             municipality_type="county", size_class="large", land="by"),
    SiteSpec(key="K03", name="Erlenbrück", short="Erlenbrück",
             municipality_type="municipality", size_class="medium", land="he"),
    SiteSpec(key="K04", name="Verbandsgemeinde Hohenmoor", short="Hohenmoor",
             municipality_type="verbandsgemeinde", size_class="small", land="rp"),
    SiteSpec(key="K05", name="Kranichsfelde", short="Kranichsfelde",
             municipality_type="municipality", size_class="small", land="bb"),
    SiteSpec(key="K06", name="Rabenquell", short="Rabenquell",
             municipality_type="independent_city", size_class="medium", land="ni"),
    SiteSpec(key="K07", name="Landkreis Mühlengrund", short="Mühlengrund",
             municipality_type="county", size_class="large", land="sn"),
    SiteSpec(key="K08", name="Tannweiler", short="Tannweiler",
             municipality_type="municipality", size_class="medium", land="bw"),
    SiteSpec(key="K09", name="Verbandsgemeinde Dornwiesen", short="Dornwiesen",
             municipality_type="verbandsgemeinde", size_class="small", land="st"),
    SiteSpec(key="K10", name="Möwenhafen", short="Möwenhafen",
             municipality_type="independent_city", size_class="large", land="sh"),
    SiteSpec(key="K11", name="Landkreis Kiefernheide", short="Kiefernheide",
             municipality_type="county", size_class="large", land="mv"),
    SiteSpec(key="K12", name="Bergquell", short="Bergquell",
             municipality_type="municipality", size_class="medium", land="th"),
    SiteSpec(key="K13", name="Rosenhag", short="Rosenhag",
             municipality_type="independent_city", size_class="medium", land="he"),
    SiteSpec(key="K14", name="Landkreis Heidemarsch", short="Heidemarsch",
             municipality_type="county", size_class="large", land="ni"),
    SiteSpec(key="K15", name="Fuchsbergen", short="Fuchsbergen",
             municipality_type="municipality", size_class="small", land="by"),
    SiteSpec(key="K16", name="Verbandsgemeinde Wingertshöhe", short="Wingertshöhe",
             municipality_type="verbandsgemeinde", size_class="small", land="rp"),
    SiteSpec(key="K17", name="Glockenau", short="Glockenau",
             municipality_type="independent_city", size_class="large", land="bw"),
    SiteSpec(key="K18", name="Schwalbenried", short="Schwalbenried",
             municipality_type="municipality", size_class="small", land="sn"),
)


@dataclass(frozen=True, kw_only=True)
class WaveSpec:
    """One survey wave and the period of participation data that belongs to it."""

    key: str
    label_de: str
    label_en: str
    date: dt.date  # survey date
    start: dt.date  # participation period (events) of the wave
    end: dt.date


WAVES: tuple[WaveSpec, ...] = (
    WaveSpec(key="w1", label_de="Ausgangserhebung", label_en="Baseline",
             date=dt.date(2024, 3, 1), start=dt.date(2023, 9, 1), end=dt.date(2024, 8, 31)),
    WaveSpec(key="w2", label_de="Zwischenerhebung", label_en="Midline",
             date=dt.date(2025, 3, 1), start=dt.date(2024, 9, 1), end=dt.date(2025, 8, 31)),
    WaveSpec(key="w3", label_de="Abschlusserhebung", label_en="Final survey",
             date=dt.date(2026, 3, 1), start=dt.date(2025, 9, 1), end=dt.date(2026, 8, 31)),
)
PROJECT_START = dt.date(2023, 6, 1)
REPORT_DATE = dt.date(2026, 11, 1)

# -- the planted structure (documented in the README) ----------------------------------

# the two factors that drive synergy, with their latent weights (shared_goals has 3 items,
# network_management 5, so shared_goals gets a larger weight to survive its lower reliability)
DRIVER_WEIGHTS = {"network_management": 0.40, "shared_goals": 0.60}
DRIVERS = tuple(DRIVER_WEIGHTS)
IMPROVING_SITE = "K07"
IMPROVEMENT = {"w1": 0.0, "w2": 0.4, "w3": 0.8}  # planted rise in scale points
NOT_IMPROVING = ("autonomy", "existing_networks", "engagement")
BAD_REVERSE_ITEM = "benefit_3"
IGNORED_NEGATION_SHARE = 0.55  # share of respondents answering benefit_3 as if positive
SMALL_SITE, SMALL_WAVE, SMALL_N = "K18", "w2", 3
VOLUNTEER_SHIFT = {"trust": -0.60, "benefit": -0.40}  # scale points, volunteers vs paid
DROPOUTS_W1_W2 = {"K03": 5, "K11": 4}  # organisations leaving between w1 and w2
DROPOUTS_W2_W3 = {"K09": 1, "K16": 1}  # single dropouts elsewhere (background noise)
DENSE_SITE = "K05"
IMPROVING_TIE_BASE = (0.16, 0.28, 0.40)  # K07's pair probability per wave
STAR_SITE = "K14"
NO_WORKSHOP_SITES = ("K04", "K13", "K18")
PANEL_SHARE = 0.6
N_RANGE = (15, 60)
STRAIGHT_LINERS = (("K02", "w1"), ("K09", "w1"), ("K12", "w2"), ("K15", "w3"))
PEER_EXCHANGES = (  # (wave, host, guest)
    ("w1", "K05", "K07"), ("w2", "K05", "K07"), ("w2", "K01", "K12"),
    ("w3", "K07", "K18"), ("w3", "K10", "K03"),
)

# latent model
SITE_SD = 0.35  # SD of the site effect per factor (latent units; person SD is 1)
GENERAL = 0.7  # loading of every factor on a general factor (person and site level)
STABILITY = 0.7  # share of a panel member's latent variance that persists between waves
LOADING = 0.75  # scale points per latent unit
ITEM_SD = 0.6  # item-specific noise in scale points
SYNERGY_SITE_SD = 0.15  # site part of synergy not explained by the drivers
FACTOR_BASE = {
    "trust": 3.5, "transparency": 3.3, "commitment": 3.4, "flexibility": 3.4,
    "shared_goals": 3.3, "benefit": 3.5, "quick_wins": 3.2, "target_group": 3.0,
    "task_structure": 3.2, "network_rules": 3.3, "decision_makers": 3.2, "autonomy": 3.6,
    "existing_networks": 3.5, "network_management": 3.4, "data_based": 2.8,
    "engagement": 3.9, "synergy": 3.4, "satisfaction": 3.5,
}
CHALLENGE_BASE = {"challenge_competition": 2.8, "challenge_partner_dropout": 2.2,
                  "challenge_funding": 3.4, "challenge_turnover": 3.1}
DROPOUT_CHALLENGE_SHIFT = 1.5  # challenge_partner_dropout in K03 and K11 from w2 on
CANNOT_JUDGE_RATE = {"data_based": 0.12, "decision_makers": 0.10, "network_rules": 0.05,
                     "target_group": 0.04}
CANNOT_JUDGE_DEFAULT = 0.02
CANNOT_JUDGE_CHALLENGE = 0.05
BLANK_RATE = 0.02
NO_ANSWER_CODE_RATE = 0.003

ACTOR_TYPES = ("administration", "immigration_office", "social_welfare_office", "jobcenter",
               "welfare_organisation", "mso", "association_volunteer", "education",
               "business", "politics", "other")
RESPONDENT_ACTOR_P = (0.18, 0.05, 0.06, 0.07, 0.17, 0.10, 0.16, 0.10, 0.04, 0.04, 0.03)
ORGANISATION_ACTOR_P = (0.10, 0.05, 0.05, 0.06, 0.16, 0.14, 0.18, 0.12, 0.05, 0.04, 0.05)
VOLUNTEER_P = {"association_volunteer": 0.85, "mso": 0.60, "politics": 0.50, "other": 0.15,
               "welfare_organisation": 0.05, "education": 0.05}
VOLUNTEER_P_DEFAULT = 0.01
DECISION_P = {"administration": 0.40, "politics": 0.60, "business": 0.50}
DECISION_P_DEFAULT = 0.30

RESOURCE_P = {"information": 0.70, "contacts": 0.50, "staff": 0.12, "rooms": 0.15,
              "money": 0.05, "expertise": 0.35, "materials": 0.20}

ORGANISATION_NAMES: dict[str, tuple[str, ...]] = {
    "administration": ("Stabsstelle Integration {o}", "Fachbereich Jugend und Familie {o}",
                       "Amt für Schule und Bildung {o}", "Bürgeramt {o}",
                       "Quartiersmanagement {o}-Mitte", "Gleichstellungsstelle {o}"),
    "immigration_office": ("Ausländerbehörde {o}", "Einbürgerungsstelle {o}"),
    "social_welfare_office": ("Sozialamt {o}", "Amt für Soziales und Wohnen {o}"),
    "jobcenter": ("Jobcenter {o}", "Agentur für Arbeit, Geschäftsstelle {o}"),
    "welfare_organisation": ("Migrationsberatung Sozialwerk Nordstern",
                             "Jugendmigrationsdienst {o}", "Flüchtlingsberatung {o}",
                             "Familienhilfe Sonnenweg e. V.", "Sozialdienst Brückenbogen e. V.",
                             "Beratungsstelle Lotsenhaus {o}"),
    "mso": ("Verein Neue Nachbarn {o} e. V.", "Afrikanisches Kulturforum {o} e. V.",
            "Ukrainische Gemeinde {o} e. V.", "Elternverein Mehrsprachigkeit e. V.",
            "Syrisch-Deutscher Freundeskreis {o} e. V.",
            "Bildungsverein Brücke der Kulturen e. V.", "Kurdisches Kulturzentrum {o} e. V.",
            "Frauenverein Zeytun e. V."),
    "association_volunteer": ("Willkommensinitiative {o}", "Sportverein Blau-Weiß {o} e. V.",
                              "Freundeskreis Asyl {o}", "Patenschaftsprojekt Zusammen {o}",
                              "Lesepaten {o}", "Nachbarschaftshilfe {o} e. V.",
                              "Fahrradwerkstatt Offene Speiche e. V.",
                              "Heimatverein {o} e. V."),
    "education": ("Volkshochschule {o}", "Grundschule am Lindenplatz",
                  "Berufsbildende Schule {o}", "Kita Regenbogen {o}", "Sprachschule Wortwerk",
                  "Familienzentrum Sonnenhof"),
    "business": ("Wirtschaftsförderung {o}", "Unternehmensverband {o} e. V.",
                 "Regionalbüro der Handwerkskammer {o}", "Pflegedienst Lebensbaum GmbH"),
    "politics": ("Integrationsrat {o}", "Ausschuss für Soziales und Integration {o}",
                 "Ortsbeirat {o}-Mitte"),
    "other": ("Kirchengemeinde St. Anna {o}", "Wohnungsbaugesellschaft {o}",
              "Polizeiinspektion {o}", "Stadtbibliothek {o}"),
}
HUB_NAME = "Integrationsbüro {o}"

IDEA_TITLES = (
    "Mehrsprachiger Wegweiser für Neuzugewanderte",
    "Sprechstunde der Ausländerbehörde im Stadtteilzentrum",
    "Gemeinsamer Veranstaltungskalender aller Netzwerkpartner",
    "Sprachcafé in der Bibliothek",
    "Patenschaftsprogramm für Ausbildungssuchende",
    "Online-Terminbuchung mit Übersetzungshilfe",
    "Begrüßungsmappe für neue Netzwerkpartner",
    "Dolmetscherpool für Beratungsgespräche",
    "Elterncafé an Grundschulen",
    "Jobmesse mit Betrieben aus der Region",
    "Fahrdienst zu Beratungsstellen im Umland",
    "Frauentreff mit Kinderbetreuung",
    "Gemeinsame Fortbildung interkulturelle Kompetenz",
    "Kurzvideos zu Behördengängen in mehreren Sprachen",
    "Mentoring durch Migrantenorganisationen",
    "Sportangebote für geflüchtete Jugendliche",
    "Runder Tisch Wohnen",
    "Lotsendienst im Jobcenter",
    "Digitale Sprechstunde für Ehrenamtliche",
    "Netzwerkkarte aller Beratungsangebote",
    "Fest der Nachbarschaft",
    "Ausbildungsbörse für Zugewanderte",
    "Leitfaden für die Zusammenarbeit mit Ehrenamtlichen",
    "Schulungsreihe Vereinsgründung für Migrantenorganisationen",
    "Kita-Einstiegsgruppen für zugewanderte Familien",
    "Sprachkurs mit Kinderbetreuung",
    "Jährlicher Integrationsbericht mit Daten vor Ort",
    "Tandemprogramm Verwaltung und Migrantenorganisationen",
    "Offene Werkstatt für Berufsorientierung",
    "Infoabende zur Anerkennung ausländischer Abschlüsse",
    "Mehrsprachige Beschilderung im Rathaus",
    "Mobile Beratung auf dem Wochenmarkt",
)
GOAL_TITLES = (
    "Mehr Zugewanderte in Ausbildung und Arbeit vermitteln",
    "Wartezeiten bei der Ausländerbehörde verkürzen",
    "Migrantenorganisationen dauerhaft im Netzwerk beteiligen",
    "Mehrsprachige Erstinformation für Neuzugewanderte aufbauen",
    "Übergang Kita–Schule für zugewanderte Familien begleiten",
    "Ehrenamtliche Sprachpatenschaften verstetigen",
    "Gemeinsames Integrationsmonitoring einführen",
    "Wohnraumvermittlung für Geflüchtete verbessern",
    "Beratungsangebote im ländlichen Raum erreichbar machen",
    "Interkulturelle Öffnung der Verwaltung voranbringen",
)


#: sites that agreed to be named to each other as learning partners (planted so that the
#: demo shows named partners: K03-K07 on benefit, K07-K14 on engagement, K08-K12 on quick wins)
OPEN_EXCHANGE = frozenset({"K03", "K07", "K08", "K12", "K14"})
