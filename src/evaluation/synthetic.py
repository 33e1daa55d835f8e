"""Synthetic example project: invented data with a documented, planted structure.

``python -m evaluation.synthetic`` regenerates two folders under ``surveys/``:

``example/``
    a complete project (``project.yml``, one survey export per wave, the seven participation
    tables and a ``README.md`` documenting every planted effect with the values realised in
    the files). Every name, answer and organisation is invented.
``example-dirty/``
    the same project with one realistic data error of each kind planted at a known file, row
    and column, listed in ``PLANTED_ERRORS.md`` and returned by :func:`generate_dirty`.

The output is byte-identical between runs: every random draw comes from
:func:`numpy.random.default_rng` seeded with ``[seed, part]`` (one independent stream per part
of the project, so a change in one table does not reshuffle the others), rows are written in
sorted order, numbers are written as integers or with fixed formatting, and lines end in
``'\\n'``. A change of NumPy's random streams would change the files; the test
``tests/test_example_project.py`` then says so, and the example is regenerated.

Nothing happens at import time; see :func:`generate_example`, :func:`generate_dirty` and
:func:`main`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import logging
import math
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import ndtr

from .instrument import Codebook, load_codebook

log = logging.getLogger("evaluation")

__all__ = ["DEFAULT_SEED", "SITES", "WAVES", "PlantedError", "SiteSpec", "WaveSpec",
           "generate_dirty", "generate_example", "main"]

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


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlantedError:
    """One data error planted in the dirty copy.

    ``row`` is the spreadsheet row (header = row 1); ``None`` for an error concerning a whole
    column or file. ``column`` is ``None`` for an error concerning a whole file.
    """

    file: str  # path relative to the project folder, e.g. "data/survey_w1.csv"
    row: int | None
    column: str | None
    kind: str
    value: str
    description: str


@dataclass(kw_only=True)
class _Organisation:
    code: str
    site: str
    name: str
    actor_type: str
    joined: dt.date
    left: dt.date | None = None

    def active(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


@dataclass(frozen=True, kw_only=True)
class _Event:
    event: str
    site: str  # "" for a cross-site event
    wave: str
    event_type: str
    date: dt.date
    guest: str = ""  # visiting site of a peer exchange


@dataclass(kw_only=True)
class _Plan:
    """Counts and site parameters shared by survey and participation data."""

    respondents: dict[tuple[str, str], int]
    invited: dict[tuple[str, str], int]
    organisations: dict[str, int]
    attendance_p: dict[str, float]
    decision_share: dict[str, float]
    tie_base: dict[str, float]


@dataclass(kw_only=True)
class _Tables:
    """Everything one generation writes, plus the facts the README reports."""

    survey: dict[str, tuple[list[str], list[list[str]]]]
    participation: dict[str, tuple[list[str], list[list[str]]]]
    plan: _Plan
    roster: list[_Organisation]
    events: list[_Event]
    quick_wins: dict[str, list[str]]
    facts: dict[str, object] = field(default_factory=dict)


# -- small helpers ---------------------------------------------------------------------


def _rng(seed: int, part: str) -> np.random.Generator:
    """An independent random stream for one part of the project.

    Parameters
    ----------
    seed : int
        The project seed.
    part : str
        One of the part names in ``_PARTS``.

    Returns
    -------
    numpy.random.Generator
    """
    return np.random.default_rng([seed, _PARTS.index(part)])


def _site_index(key: str) -> int:
    """Position of a site key in :data:`SITES`."""
    return [s.key for s in SITES].index(key)


def _wave_index(key: str) -> int:
    """Position of a wave key in :data:`WAVES`."""
    return [w.key for w in WAVES].index(key)


def _random_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    """A uniformly drawn day from ``start`` to ``end`` (both included)."""
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _weekday(day: dt.date) -> dt.date:
    """Move a Saturday or Sunday to the following Monday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Comma-separated text with a header row and ``'\\n'`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _parse_csv(text: str) -> list[list[str]]:
    """The rows of CSV text (header included)."""
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write text with ``'\\n'`` line endings, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="\n") as handle:
        handle.write(text)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation over pairs where both values are present (no BLAS, no warnings)."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) < 3:
        return float("nan")
    xd, yd = x - np.sum(x) / len(x), y - np.sum(y) / len(y)
    denominator = math.sqrt(float(np.sum(xd * xd)) * float(np.sum(yd * yd)))
    return float(np.sum(xd * yd)) / denominator if denominator > 0 else float("nan")


def _mean(x: np.ndarray) -> float:
    """Mean of the present values (NaN if none), without a RuntimeWarning."""
    x = x[~np.isnan(x)]
    return float(np.sum(x) / len(x)) if len(x) else float("nan")


def _instrument_path(folder: Path) -> Path:
    """The default instrument the project will use: the library beside the folder if it
    exists there, else the library of this source tree."""
    beside = folder.parent / "instruments" / f"{INSTRUMENT}.yml"
    if beside.is_file():
        return beside
    return Path(__file__).resolve().parents[2] / "surveys" / "instruments" / f"{INSTRUMENT}.yml"


# -- plan ------------------------------------------------------------------------------


def _plan(seed: int) -> _Plan:
    """Respondent counts, invitations and site parameters."""
    rng = _rng(seed, "plan")
    respondents: dict[tuple[str, str], int] = {}
    invited: dict[tuple[str, str], int] = {}
    organisations: dict[str, int] = {}
    attendance_p: dict[str, float] = {}
    decision_share: dict[str, float] = {}
    tie_base: dict[str, float] = {}
    lo, hi = N_RANGE
    for site in SITES:
        base = int(rng.integers(18, 53))
        rate = float(rng.uniform(0.45, 0.8))
        for wave in WAVES:
            n = int(np.clip(np.rint(base * rng.uniform(0.85, 1.15)), lo, hi))
            respondents[site.key, wave.key] = n
            invited[site.key, wave.key] = math.ceil(n / rate)
        organisations[site.key] = int(rng.integers(10, 31))
        attendance_p[site.key] = round(float(rng.uniform(0.45, 0.8)), 3)
        decision_share[site.key] = round(float(rng.uniform(0.1, 0.6)), 3)
        tie_base[site.key] = round(float(rng.uniform(0.2, 0.32)), 3)
    respondents[SMALL_SITE, SMALL_WAVE] = SMALL_N
    invited[SMALL_SITE, SMALL_WAVE] = invited[SMALL_SITE, WAVES[0].key]
    organisations[DENSE_SITE] = 16
    organisations[STAR_SITE] = 22
    for site in DROPOUTS_W1_W2:
        organisations[site] = max(organisations[site], 20)
    attendance_p[DENSE_SITE] = 0.85
    attendance_p[STAR_SITE] = 0.35
    return _Plan(respondents=respondents, invited=invited, organisations=organisations,
                 attendance_p=attendance_p, decision_share=decision_share, tie_base=tie_base)


# -- survey ----------------------------------------------------------------------------


@dataclass(kw_only=True)
class _Person:
    code: str
    site: int
    actor_type: str
    employment: str
    decision_role: str
    years: int  # years in the network at the first wave answered
    first_wave: int
    latent: np.ndarray  # persistent part: factors..., synergy residual, satisfaction residual


def _latent_draw(rng: np.random.Generator, n_factors: int, size: int) -> np.ndarray:
    """Person-level latent values: factors sharing a general factor, plus two residuals."""
    general = rng.normal(size=(size, 1))
    specific = rng.normal(size=(size, n_factors))
    factors = GENERAL * general + math.sqrt(1 - GENERAL**2) * specific
    return np.hstack([factors, rng.normal(size=(size, 2))])


def _new_person(rng: np.random.Generator, site: int, wave: int, code: str,
                n_factors: int) -> _Person:
    """Draw the attributes and persistent latent values of a new respondent."""
    actor = ACTOR_TYPES[int(rng.choice(len(ACTOR_TYPES), p=RESPONDENT_ACTOR_P))]
    volunteer = rng.random() < VOLUNTEER_P.get(actor, VOLUNTEER_P_DEFAULT)
    decision = rng.random() < DECISION_P.get(actor, DECISION_P_DEFAULT)
    years = int(min(30, rng.geometric(0.22) - 1))
    return _Person(code=code, site=site, actor_type=actor,
                   employment="volunteer" if volunteer else "paid",
                   decision_role="yes" if decision else "no", years=years, first_wave=wave,
                   latent=_latent_draw(rng, n_factors, 1)[0])


def _survey(book: Codebook, plan: _Plan, seed: int) -> tuple[
        dict[str, tuple[list[str], list[list[str]]]], dict[str, object]]:
    """Survey exports per wave (header, rows) and the realised facts for the README."""
    rng = _rng(seed, "survey")
    factors = list(book.factors)
    for key in (*DRIVERS, *VOLUNTEER_SHIFT, *NOT_IMPROVING, "synergy", "satisfaction"):
        if key not in book.scales:
            raise ValueError(f"the synthetic example needs scale {key!r} in the codebook "
                             f"{book.source}")
    if BAD_REVERSE_ITEM not in book.items or not book.items[BAD_REVERSE_ITEM].reverse:
        raise ValueError(f"the synthetic example needs reverse-keyed item {BAD_REVERSE_ITEM!r}")
    n_factors = len(factors)
    n_sites = len(SITES)

    # site level: a general site climate plus factor-specific parts
    site_general = rng.normal(size=n_sites)
    site_general[_site_index(IMPROVING_SITE)] = -1.5  # K07 starts clearly below the pool
    site_specific = rng.normal(size=(n_sites, n_factors))
    site_effect = SITE_SD * (GENERAL * site_general[:, None]
                             + math.sqrt(1 - GENERAL**2) * site_specific)
    synergy_site = rng.normal(0.0, SYNERGY_SITE_SD, size=n_sites)
    challenges = list(book.challenges)
    challenge_site = rng.normal(0.0, 0.4, size=(n_sites, len(challenges)))

    # respondents and panel links
    codes = [f"R{c:04d}" for c in rng.permutation(np.arange(1, 10000))]
    next_code = 0
    rows: list[tuple[_Person, int]] = []
    members: dict[int, list[_Person]] = {}
    for w, wave in enumerate(WAVES):
        for s, site in enumerate(SITES):
            n = plan.respondents[site.key, wave.key]
            keep: list[_Person] = []
            previous = members.get(s, [])
            if previous:
                k = min(round(PANEL_SHARE * len(previous)), n)
                picked = sorted(int(i) for i in rng.choice(len(previous), size=k,
                                                           replace=False))
                keep = [previous[i] for i in picked]
            new = []
            for _ in range(n - len(keep)):
                new.append(_new_person(rng, s, w, codes[next_code], n_factors))
                next_code += 1
            members[s] = keep + new
            rows.extend((p, w) for p in members[s])
    straight = set()
    for site_key, wave_key in STRAIGHT_LINERS:
        s, w = _site_index(site_key), _wave_index(wave_key)
        first_new = next(p for p, pw in rows if p.site == s and pw == w and p.first_wave == w)
        straight.add((first_new.code, w))

    n_rows = len(rows)
    site_idx = np.array([p.site for p, _ in rows])
    wave_idx = np.array([w for _, w in rows])
    persistent = np.vstack([p.latent for p, _ in rows])
    fresh = _latent_draw(rng, n_factors, n_rows)
    latent = math.sqrt(STABILITY) * persistent + math.sqrt(1 - STABILITY) * fresh
    eta = site_effect[site_idx] + latent[:, :n_factors]
    improving = np.array([f not in NOT_IMPROVING for f in factors])
    k07 = site_idx == _site_index(IMPROVING_SITE)
    for w, wave in enumerate(WAVES):
        eta[np.ix_(k07 & (wave_idx == w), improving)] += IMPROVEMENT[wave.key] / LOADING
    col = {f: j for j, f in enumerate(factors)}
    synergy = (sum(weight * eta[:, col[key]] for key, weight in DRIVER_WEIGHTS.items())
               + synergy_site[site_idx] + 0.6 * latent[:, n_factors])
    satisfaction = (0.6 * synergy + 0.25 * eta[:, col["trust"]]
                    + 0.6 * latent[:, n_factors + 1])
    volunteer = np.array([p.employment == "volunteer" for p, _ in rows])

    # item answers (positively keyed value, then reverse-keying as written)
    items = list(book.items)
    answers = np.zeros((n_rows, len(items)))
    scale_latent = {**{f: eta[:, j] for j, f in enumerate(factors)},
                    "synergy": synergy, "satisfaction": satisfaction}
    dropout_rows = np.isin(site_idx, [_site_index(k) for k in DROPOUTS_W1_W2]) & (wave_idx >= 1)
    for j, item in enumerate(items):
        spec = book.items[item]
        offset = rng.normal(0.0, 0.15)
        noise = rng.normal(0.0, ITEM_SD, size=n_rows)
        if spec.scale is None:  # challenge: single item with its own site effect
            c = challenges.index(item)
            mean = CHALLENGE_BASE.get(item, 3.0) + challenge_site[site_idx, c]
            if item == "challenge_partner_dropout":
                mean = mean + DROPOUT_CHALLENGE_SHIFT * dropout_rows
            value = np.clip(np.rint(mean + offset + 1.5 * noise), 1, 5)
        else:
            mean = FACTOR_BASE.get(spec.scale, 3.3) + offset + LOADING * scale_latent[spec.scale]
            if spec.scale in VOLUNTEER_SHIFT:
                mean = mean + VOLUNTEER_SHIFT[spec.scale] * volunteer
            value = np.clip(np.rint(mean + noise), 1, 5)
        if spec.reverse:
            written = 6 - value
            if item == BAD_REVERSE_ITEM:
                ignored = rng.random(n_rows) < IGNORED_NEGATION_SHARE
                written = np.where(ignored, value, written)
            value = written
        answers[:, j] = value

    # missing answers
    cannot = np.array([CANNOT_JUDGE_CHALLENGE if book.items[i].scale is None
                       else CANNOT_JUDGE_RATE.get(book.items[i].scale or "",
                                                  CANNOT_JUDGE_DEFAULT) for i in items])
    years_now = np.array([p.years + (w - p.first_wave) for p, w in rows])
    multiplier = np.where(volunteer, 1.6, 1.0) * np.where(years_now == 0, 1.8, 1.0)
    p_cannot = cannot[None, :] * multiplier[:, None]
    draw = rng.random(size=(n_rows, len(items)))
    cells = answers.astype(int).astype(str).astype(object)
    cells[draw < p_cannot] = "-1"
    cells[(draw >= p_cannot) & (draw < p_cannot + BLANK_RATE)] = ""
    cells[(draw >= p_cannot + BLANK_RATE)
          & (draw < p_cannot + BLANK_RATE + NO_ANSWER_CODE_RATE)] = "-9"
    for r, (person, w) in enumerate(rows):
        if (person.code, w) in straight:
            cells[r, :] = "4"
    attribute_blank = rng.random(size=(n_rows, 3))

    # write per wave, sorted by site and respondent
    header = ["respondent", "site", "wave", "actor_type", "employment", "decision_role",
              "years_in_network", *items]
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    for w, wave in enumerate(WAVES):
        wave_rows = []
        for r in np.flatnonzero(wave_idx == w):
            person, _ = rows[r]
            blank = attribute_blank[r]
            wave_rows.append([
                person.code, SITES[person.site].key, wave.key, person.actor_type,
                "" if blank[0] < 0.005 else person.employment,
                "" if blank[1] < 0.01 else person.decision_role,
                "" if blank[2] < 0.01 else str(int(years_now[r])),
                *cells[r].tolist(),
            ])
        wave_rows.sort(key=lambda row: (row[1], row[0]))
        out[wave.key] = (header, wave_rows)

    facts = _survey_facts(book, rows, cells, items, site_idx, wave_idx, volunteer, straight)
    return out, facts


def _survey_facts(book: Codebook, rows: list[tuple[_Person, int]], cells: np.ndarray,
                  items: list[str], site_idx: np.ndarray, wave_idx: np.ndarray,
                  volunteer: np.ndarray, straight: set[tuple[str, int]]) -> dict[str, object]:
    """Descriptive facts of the written survey, as an analyst would compute them."""
    flat = cells.astype(str)
    numeric = np.full(flat.shape, np.nan)
    valid = np.isin(flat, ["1", "2", "3", "4", "5"])
    numeric[valid] = flat[valid].astype(float)
    for j, item in enumerate(items):
        if book.items[item].reverse:
            numeric[:, j] = 6 - numeric[:, j]
    col = {item: j for j, item in enumerate(items)}

    def score(scale: str) -> np.ndarray:
        idx = [col[i] for i in book.scales[scale].items]
        block = numeric[:, idx]
        count = np.sum(~np.isnan(block), axis=1)
        total = np.sum(np.where(np.isnan(block), 0.0, block), axis=1)
        # min_valid_share 0.667 stands for two thirds: 2 of 3 items are enough
        enough = count / len(idx) >= book.min_valid_share - 0.005
        return np.where(enough, total / np.maximum(count, 1), np.nan)

    scores = {s: score(s) for s in book.scales}
    facts: dict[str, object] = {}
    improving = [f for f in book.factors if f not in NOT_IMPROVING]
    k07 = site_idx == _site_index(IMPROVING_SITE)
    improving_mean = np.vstack([scores[f] for f in improving])
    count = np.sum(~np.isnan(improving_mean), axis=0)
    per_person = np.where(count > 0, np.sum(np.where(np.isnan(improving_mean), 0.0,
                                                     improving_mean), axis=0)
                          / np.maximum(count, 1), np.nan)
    facts["k07_by_wave"] = [_mean(per_person[k07 & (wave_idx == w)]) for w in range(len(WAVES))]
    facts["pool_by_wave"] = [_mean(per_person[~k07 & (wave_idx == w)])
                             for w in range(len(WAVES))]
    facts["volunteer_gap"] = {
        s: _mean(scores[s][volunteer]) - _mean(scores[s][~volunteer])
        for s in (*VOLUNTEER_SHIFT, *DRIVERS, "synergy")}
    facts["volunteer_share"] = float(np.sum(volunteer) / len(volunteer))
    item_rest = {}
    for item in book.reverse_items:
        scale = book.items[item].scale or ""
        idx = [col[i] for i in book.scales[scale].items]
        block = numeric[:, idx]
        complete = ~np.any(np.isnan(block), axis=1)
        block = block[complete]
        j = book.scales[scale].items.index(item)
        rest = np.sum(np.delete(block, j, axis=1), axis=1)
        item_rest[item] = _pearson(block[:, j], rest)
    facts["item_rest"] = item_rest
    facts["cannot_judge_share"] = float(np.mean(flat == "-1"))
    facts["blank_share"] = float(np.mean(flat == ""))
    facts["code_9_cells"] = int(np.sum(flat == "-9"))
    facts["cannot_judge_by_scale"] = {
        s: float(np.mean(flat[:, [col[i] for i in book.scales[s].items]] == "-1"))
        for s in ("data_based", "decision_makers", "network_rules", "trust")}
    panel = {}
    for w in range(1, len(WAVES)):
        before = {p.code for p, pw in rows if pw == w - 1}
        now = {p.code for p, pw in rows if pw == w}
        panel[WAVES[w].key] = (len(before & now), len(before))
    facts["panel"] = panel
    facts["persons"] = len({p.code for p, _ in rows})
    facts["rows"] = len(rows)
    facts["straight_liners"] = sorted((WAVES[w].key, SITES[p.site].key, p.code)
                                      for p, w in rows if (p.code, w) in straight)
    return facts


# -- participation ---------------------------------------------------------------------


def _roster(plan: _Plan, seed: int) -> list[_Organisation]:
    """Organisations per site with join and leave dates."""
    rng = _rng(seed, "roster")
    roster: list[_Organisation] = []
    for site in SITES:
        n = plan.organisations[site.key]
        used: set[str] = set()
        orgs = [_Organisation(code=f"{site.key}-O01", site=site.key,
                              name=HUB_NAME.format(o=site.short), actor_type="administration",
                              joined=PROJECT_START)]
        for i in range(2, n + 1):
            actor = ACTOR_TYPES[int(rng.choice(len(ACTOR_TYPES), p=ORGANISATION_ACTOR_P))]
            templates = [t for t in ORGANISATION_NAMES[actor]
                         if t.format(o=site.short) not in used]
            if templates:
                name = templates[int(rng.integers(len(templates)))].format(o=site.short)
            else:
                name = f"{ORGANISATION_NAMES[actor][0].format(o=site.short)} ({i})"
            used.add(name)
            if rng.random() < 0.1:  # joins later
                w = int(rng.integers(1, len(WAVES)))
                joined = _random_date(rng, WAVES[w - 1].date + dt.timedelta(days=30),
                                      WAVES[w].date - dt.timedelta(days=30))
            else:
                joined = _random_date(rng, PROJECT_START, WAVES[0].start)
            orgs.append(_Organisation(code=f"{site.key}-O{i:02d}", site=site.key, name=name,
                                      actor_type=actor, joined=joined))
        for table, start, end in ((DROPOUTS_W1_W2, dt.date(2024, 5, 1), dt.date(2024, 12, 31)),
                                  (DROPOUTS_W2_W3, dt.date(2025, 5, 1), dt.date(2025, 12, 31))):
            count = table.get(site.key, 0)
            if count:
                candidates = [o for o in orgs[1:] if o.joined < WAVES[0].date]
                for i in sorted(int(i) for i in rng.choice(len(candidates), size=count,
                                                           replace=False)):
                    candidates[i].left = _random_date(rng, start, end)
        roster.extend(orgs)
    return roster


def _events(seed: int) -> list[_Event]:
    """Network meetings, steering groups, idea workshops, peer exchanges, conferences."""
    rng = _rng(seed, "events")
    events: list[_Event] = []
    for site in SITES:
        for wave in WAVES:
            kinds = [("network_meeting", "NM", 2 if site.key == STAR_SITE
                      else int(rng.integers(2, 5))),
                     ("steering_group", "SG", int(rng.integers(1, 4)))]
            if site.key not in NO_WORKSHOP_SITES:
                workshops = 1 if wave.key != "w3" or rng.random() < 0.6 else 0
                kinds.append(("idea_workshop", "IW", workshops))
            for event_type, abbr, count in kinds:
                days = sorted(_weekday(_random_date(rng, wave.start, wave.end))
                              for _ in range(count))
                for k, day in enumerate(days, start=1):
                    events.append(_Event(event=f"{site.key}-{wave.key}-{abbr}{k}",
                                         site=site.key, wave=wave.key, event_type=event_type,
                                         date=day))
    for wave in WAVES:
        hosted = [(h, g) for wk, h, g in PEER_EXCHANGES if wk == wave.key]
        for host, guest in hosted:
            k = sum(1 for e in events if e.site == host and e.wave == wave.key
                    and e.event_type == "peer_exchange") + 1
            events.append(_Event(event=f"{host}-{wave.key}-PE{k}", site=host, wave=wave.key,
                                 event_type="peer_exchange", guest=guest,
                                 date=_weekday(_random_date(rng, wave.start, wave.end))))
        day = _weekday(dt.date(wave.date.year, 6, 20))
        events.append(_Event(event=f"TC-{wave.key}", site="", wave=wave.key,
                             event_type="transfer_conference", date=day))
    return sorted(events, key=lambda e: e.event)


def _attendance(plan: _Plan, roster: list[_Organisation], events: list[_Event],
                seed: int) -> list[list[str]]:
    """Attendance rows: event, organisation, attendees, decision makers."""
    rng = _rng(seed, "attendance")
    by_site: dict[str, list[_Organisation]] = {}
    for org in roster:
        by_site.setdefault(org.site, []).append(org)
    core: dict[str, set[str]] = {}
    for site in SITES:
        others = by_site[site.key][1:]
        k = int(rng.integers(3, 6))
        picked = rng.choice(len(others), size=min(k, len(others)), replace=False)
        core[site.key] = {by_site[site.key][0].code, *(others[int(i)].code for i in picked)}
    rows: list[list[str]] = []

    def attend(event: _Event, org: _Organisation, *, steering: bool = False) -> None:
        hub = org.code.endswith("-O01")
        attendees = 1 + min(int(rng.poisson(0.8 if hub else 0.4)), 3)
        share = plan.decision_share.get(org.site, 0.3) + (0.25 if steering else 0.0)
        deciders = int(rng.binomial(attendees, min(share, 1.0)))
        rows.append([event.event, org.code, str(attendees), str(deciders)])

    for event in events:
        if event.event_type == "transfer_conference":
            for site in SITES:
                for i, org in enumerate(by_site[site.key]):
                    if not org.active(event.date):
                        continue
                    if (i == 0 and rng.random() < 0.9) or (i > 0 and rng.random() < 0.06):
                        attend(event, org)
            continue
        orgs = [o for o in by_site[event.site] if o.active(event.date)]
        if event.event_type == "peer_exchange":
            guests = [o for o in by_site[event.guest] if o.active(event.date)]
            for group, extra in ((orgs, 3), (guests, 2)):
                attend(event, group[0])
                picked = rng.choice(len(group) - 1, size=int(rng.integers(1, extra + 1)),
                                    replace=False)
                for i in sorted(int(i) for i in picked):
                    attend(event, group[1 + i])
            continue
        p = {"network_meeting": plan.attendance_p[event.site], "idea_workshop": 0.55,
             "steering_group": 0.85}[event.event_type]
        for org in orgs:
            draw = rng.random()
            if org.code.endswith("-O01"):
                attend(event, org, steering=event.event_type == "steering_group")
            elif event.event_type == "steering_group":
                if org.code in core[event.site] and draw < p:
                    attend(event, org, steering=True)
            elif draw < p:
                attend(event, org)
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _ties(plan: _Plan, roster: list[_Organisation], seed: int) -> tuple[
        list[list[str]], dict[str, object]]:
    """Roster-question ties per site and wave, plus density facts."""
    rng = _rng(seed, "ties")
    rows: list[list[str]] = []
    density: dict[tuple[str, str], float] = {}
    reciprocity: dict[tuple[str, str], float] = {}
    hub_share: dict[tuple[str, str], float] = {}
    rho = 0.85
    for site in SITES:
        orgs = [o for o in roster if o.site == site.key]
        n = len(orgs)
        activity = rng.lognormal(0.0, 0.35, size=n)
        activity = activity / (np.sum(activity) / n)
        activity[0] = 1.8
        z = rng.normal(size=(n, n))
        z = np.triu(z, 1) + np.triu(z, 1).T
        strength = rng.normal(size=(n, n))
        strength = np.triu(strength, 1) + np.triu(strength, 1).T
        for w, wave in enumerate(WAVES):
            if w > 0:
                step = rng.normal(size=(n, n))
                step = np.triu(step, 1) + np.triu(step, 1).T
                z = rho * z + math.sqrt(1 - rho**2) * step
            if site.key == DENSE_SITE:
                p = np.full((n, n), 0.7)
                q = np.full((n, n), 0.92)
            elif site.key == STAR_SITE:
                p = np.full((n, n), 0.025)
                p[0, :] = p[:, 0] = 0.95
                q = np.full((n, n), 0.5)
                q[0, :] = q[:, 0] = 0.85
            else:
                base = plan.tie_base[site.key]
                if site.key == IMPROVING_SITE:
                    base = IMPROVING_TIE_BASE[w]
                p = np.minimum(0.9, base * np.outer(activity, activity))
                q = np.full((n, n), 0.7)
            related = ndtr(z) < p
            active = np.array([o.active(wave.date) for o in orgs])
            answer_p = 1.0 if site.key == DENSE_SITE else 0.9  # everyone answers in K05
            responding = active & (rng.random(n) < answer_p)
            responding[0] = active[0]
            leaving = np.array([o.left is not None for o in orgs])
            responding |= active & leaving  # later dropouts answered while still active
            named = (related & (rng.random((n, n)) < q) & responding[:, None]
                     & active[None, :] & ~np.eye(n, dtype=bool))
            # everyone who answers knows at least the integration office
            isolated = responding & ~named.any(axis=1)
            isolated[0] = False
            named[isolated, 0] = active[0]
            noise = rng.normal(size=(n, n, 8))
            blanks = rng.random(size=(n, n, 6))
            resources = rng.random(size=(n, n, len(RESOURCE_P)))
            bonus = 0.5 if site.key == DENSE_SITE else 0.0
            for i, j in zip(*np.nonzero(named), strict=True):
                s = strength[i, j]
                e = noise[i, j]
                frequency = int(np.clip(np.rint(2.6 + bonus + 0.8 * s + 0.6 * e[0]), 1, 5))
                collaboration = int(np.clip(np.rint(frequency - 0.8 + 0.9 * e[1]), 0, 5))
                ratings = []
                for k in range(6):
                    mean = (2.8 if k < 3 else 2.7) + 0.45 * s + 0.2 * bonus
                    value = int(np.clip(np.rint(mean + 0.55 * e[2 + k]), 1, 4))
                    ratings.append("" if blanks[i, j, k] < 0.03 else str(value))
                given = [r for k, r in enumerate(RESOURCE_P)
                         if resources[i, j, k] < RESOURCE_P[r]]
                rows.append([site.key, wave.key, orgs[i].code, orgs[j].code, str(frequency),
                             str(collaboration), *ratings, "|".join(given)])
            count = int(np.sum(named))
            n_active = int(np.sum(active))
            density[site.key, wave.key] = count / (n_active * (n_active - 1))
            mutual = int(np.sum(named & named.T))
            reciprocity[site.key, wave.key] = mutual / count if count else float("nan")
            hub = int(np.sum(named[0, :]) + np.sum(named[:, 0]))
            hub_share[site.key, wave.key] = hub / count if count else float("nan")
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return rows, {"density": density, "reciprocity": reciprocity, "hub_share": hub_share}


def _ideas(roster: list[_Organisation], events: list[_Event], seed: int) -> tuple[
        list[list[str]], list[list[str]], dict[str, list[str]]]:
    """Ideas from idea workshops, their ratings, and the quick wins per site."""
    rng = _rng(seed, "ideas")
    ideas: list[list[str]] = []
    ratings: list[list[str]] = []
    quick_wins: dict[str, list[str]] = {}
    for site in SITES:
        workshops = sorted((e for e in events if e.site == site.key
                            and e.event_type == "idea_workshop"), key=lambda e: e.date)
        if not workshops:
            continue
        orgs = [o for o in roster if o.site == site.key]
        n = int(rng.integers(6, 13))
        titles = rng.choice(len(IDEA_TITLES), size=n, replace=False)
        weights = np.array([{"w1": 0.45, "w2": 0.35, "w3": 0.25}[e.wave] for e in workshops])
        at = sorted(int(i) for i in rng.choice(len(workshops), size=n,
                                                p=weights / np.sum(weights)))
        designated = int(rng.integers(n))
        site_quick: list[str] = []
        for k in range(n):
            idea = f"{site.key}-I{k + 1:02d}"
            workshop = workshops[at[k]]
            quick = k == designated
            if quick:
                truth = [rng.uniform(4.4, 4.9), rng.uniform(4.4, 4.9), rng.uniform(2.0, 4.0)]
            else:
                truth = [rng.uniform(1.5, 4.6), rng.uniform(1.5, 4.6), rng.uniform(1.5, 4.5)]
            active = [o for o in orgs if o.active(workshop.date)]
            size = min(int(rng.integers(3, 7)), len(active))
            raters = sorted(int(i) for i in rng.choice(len(active), size=size, replace=False))
            scores = np.clip(np.rint(np.array(truth)[None, :]
                                     + rng.normal(0.0, 0.6, size=(len(raters), 3))), 1, 5)
            if quick:  # a clear quick win: both means at least 4
                for c in (0, 1):
                    while np.sum(scores[:, c]) < 4 * len(raters):
                        scores[int(np.argmin(scores[:, c])), c] += 1
            feasible = np.sum(scores[:, 0]) / len(raters) >= 4
            impactful = np.sum(scores[:, 1]) / len(raters) >= 4
            if feasible and impactful:
                site_quick.append(idea)
            age = _wave_index(workshop.wave)
            p_status = [(0.25, 0.30, 0.45), (0.35, 0.40, 0.25), (0.60, 0.35, 0.05)][age]
            if feasible and impactful:
                p_status = (0.0, 0.3, 0.7) if age < 2 else (0.2, 0.5, 0.3)
            status = ("idea", "planned", "implemented")[int(rng.choice(3, p=p_status))]
            ideas.append([idea, site.key, workshop.event, IDEA_TITLES[int(titles[k])], status])
            for r, i in enumerate(raters):
                ratings.append([idea, active[i].code, *(str(int(v)) for v in scores[r])])
        quick_wins[site.key] = site_quick
    ratings.sort(key=lambda r: (r[0], r[1]))
    return ideas, ratings, quick_wins


def _goals(seed: int) -> list[list[str]]:
    """Goals (Wirkungstreppe) per site with the stage targeted and reached per wave."""
    rng = _rng(seed, "goals")
    rows: list[list[str]] = []
    for site in SITES:
        n = int(rng.integers(2, 5))
        titles = rng.choice(len(GOAL_TITLES), size=n, replace=False)
        for k in range(n):
            target = int(rng.integers(4, 8))
            reached = int(rng.integers(1, 4))
            for w, wave in enumerate(WAVES):
                if w > 0:
                    step = 2 if site.key == IMPROVING_SITE else int(rng.integers(0, 3))
                    reached = min(target, reached + step)
                rows.append([f"{site.key}-Z{k + 1}", site.key, wave.key,
                             GOAL_TITLES[int(titles[k])], str(target), str(reached)])
    return rows


# -- assembling the project ------------------------------------------------------------


def _tables(book: Codebook, seed: int) -> _Tables:
    """Generate every table of the example project."""
    plan = _plan(seed)
    survey, survey_facts = _survey(book, plan, seed)
    roster = _roster(plan, seed)
    events = _events(seed)
    attendance = _attendance(plan, roster, events, seed)
    ties, tie_facts = _ties(plan, roster, seed)
    ideas, ratings, quick_wins = _ideas(roster, events, seed)
    goals = _goals(seed)
    participation = {
        "roster": (["organisation", "site", "name", "actor_type", "joined", "left"],
                   [[o.code, o.site, o.name, o.actor_type, o.joined.isoformat(),
                     o.left.isoformat() if o.left else ""] for o in roster]),
        "events": (["event", "site", "wave", "event_type", "date"],
                   [[e.event, e.site, e.wave, e.event_type, e.date.isoformat()]
                    for e in events]),
        "attendance": (["event", "organisation", "attendees", "decision_makers"], attendance),
        "ties": (["site", "wave", "ego", "alter", "frequency", "collaboration",
                  "trust_1", "trust_2", "trust_3", "value_1", "value_2", "value_3",
                  "resources"], ties),
        "ideas": (["idea", "site", "event", "title", "status"], ideas),
        "idea_ratings": (["idea", "rater", "feasibility", "impact", "innovation"], ratings),
        "goals": (["goal", "site", "wave", "title", "stage_targeted", "stage_reached"], goals),
    }
    return _Tables(survey=survey, participation=participation, plan=plan, roster=roster,
                   events=events, quick_wins=quick_wins, facts={**survey_facts, **tie_facts})


def _project_yaml(plan: _Plan, *, name: str, comment: str) -> str:
    """The project file, formatted by hand so that it stays readable and stable."""
    lines = [
        f"# {comment}",
        "project:",
        f'  name: "{name}"',
        "  synthetic: true",
        f"  report_date: {REPORT_DATE.isoformat()}",
        f"instrument: {INSTRUMENT}",
        "language: de",
        "waves:",
    ]
    for wave in WAVES:
        lines.append(f"  - {{key: {wave.key}, label: {{de: {wave.label_de}, "
                     f"en: {wave.label_en}}}, date: {wave.date.isoformat()}}}")
    lines.append("sites:")
    for site in SITES:
        invited = ", ".join(f"{w.key}: {plan.invited[site.key, w.key]}" for w in WAVES)
        lines.append(f'  - {{key: {site.key}, name: "{site.name}", '
                     f"municipality_type: {site.municipality_type}, "
                     f"size_class: {site.size_class}, land: {site.land},")
        lines.append(f"     invited: {{{invited}}}}}")
    lines.append("survey:")
    for wave in WAVES:
        lines.append(f"  - {{path: {SURVEY_FILE.format(wave=wave.key)}, format: csv, "
                     'encoding: utf-8, delimiter: ","}')
    lines.append("participation:")
    for table, path in PARTICIPATION_FILES.items():
        lines.append(f"  {table}: {path}")
    lines += [
        "privacy:",
        "  min_group_size: 5",
        "  open_benchmarking: false",
        "  free_text: false",
        "  pseudonym_key_env: TRANSFER_EVAL_KEY",
        "  min_raters_per_organisation: 3",
        "branding:",
        "  project_name: Beispielprojekt Integrationsnetzwerke",
        '  colours: {primary: "#1f5f8b", accent: "#c8553d"}',
        "outputs: {editions: [partner, evaluator]}",
    ]
    return "\n".join(lines) + "\n"


def generate_example(folder: Path, *, seed: int = DEFAULT_SEED,
                     instrument: Path | None = None) -> None:
    """Write the synthetic example project into ``folder``.

    Writes ``project.yml``, ``README.md`` and ``data/*.csv`` (one survey export per wave and
    the seven participation tables). Existing files of the same names are overwritten; other
    files in ``folder`` are left alone. The same seed gives byte-identical files.

    Parameters
    ----------
    folder : pathlib.Path
        The project folder, e.g. ``surveys/example``. The project names its instrument
        (``default``), so it loads where an instrument library ``../instruments/`` sits
        beside the folder.
    seed : int, optional
        Seed of every random stream (default 20261121).
    instrument : pathlib.Path, optional
        The default codebook to generate answers for; by default the library beside
        ``folder`` if present, else the one of this source tree.

    Raises
    ------
    ValueError
        If the codebook lacks a scale or item the planted structure refers to.

    Examples
    --------
    >>> from pathlib import Path
    >>> generate_example(Path("surveys/example"))  # doctest: +SKIP
    """
    folder = Path(folder)
    book = load_codebook(instrument or _instrument_path(folder))
    tables = _tables(book, seed)
    plan = tables.plan
    for wave, (header, rows) in tables.survey.items():
        _write_text(folder / SURVEY_FILE.format(wave=wave), _csv_text(header, rows))
    for table, (header, rows) in tables.participation.items():
        _write_text(folder / PARTICIPATION_FILES[table], _csv_text(header, rows))
    _write_text(folder / "project.yml", _project_yaml(
        plan, name="Beispielprojekt Integrationsnetzwerke (synthetische Daten)",
        comment="Synthetic example project: ALL data are invented. Generated by "
        "`python -m evaluation.synthetic`; do not edit by hand."))
    _write_text(folder / "README.md", _readme(tables, book, seed))
    log.info("synthetic example project written to %s (%d survey rows)", folder,
             sum(len(rows) for _, rows in tables.survey.values()))


# -- the dirty copy --------------------------------------------------------------------


def generate_dirty(clean_folder: Path, dirty_folder: Path) -> list[PlantedError]:
    """Copy the clean example into ``dirty_folder`` and plant one data error of each kind.

    The copy gets its own ``project.yml`` (same settings, another name) and a
    ``PLANTED_ERRORS.md`` table listing every planted error. All planted errors are reported
    in one pass by :func:`evaluation.ingest.read_project_survey` and
    :func:`evaluation.participation_io.read_participation`; loading the project itself
    succeeds.

    Parameters
    ----------
    clean_folder : pathlib.Path
        A folder written by :func:`generate_example`.
    dirty_folder : pathlib.Path
        The folder to write; its ``data/*.csv`` files are replaced.

    Returns
    -------
    list of PlantedError
        File (relative to the project folder), spreadsheet row (header = row 1; ``None`` for
        a whole column or file), column, kind, planted value and description of each error.
    """
    clean_folder, dirty_folder = Path(clean_folder), Path(dirty_folder)
    data = dirty_folder / "data"
    if data.is_dir():
        for stale in sorted(data.glob("*.csv")):
            stale.unlink()
    data.mkdir(parents=True, exist_ok=True)
    for source in sorted((clean_folder / "data").glob("*.csv")):
        shutil.copyfile(source, data / source.name)
    project = (clean_folder / "project.yml").read_text(encoding="utf-8")
    project = project.replace(
        "Beispielprojekt Integrationsnetzwerke (synthetische Daten)",
        "Beispielprojekt Integrationsnetzwerke (synthetisch, mit eingebauten Datenfehlern)")
    project = project.replace(
        "# Synthetic example project: ALL data are invented.",
        "# Dirty copy of the synthetic example project: ALL data are invented, and data "
        "errors are\n# planted on purpose (see PLANTED_ERRORS.md).")
    _write_text(dirty_folder / "project.yml", project)

    book = load_codebook(_instrument_path(clean_folder))
    planted: list[PlantedError] = []

    def edit(relative: str, change: Callable[[list[list[str]]], None]) -> None:
        path = dirty_folder / relative
        rows = _parse_csv(path.read_text(encoding="utf-8"))
        change(rows)
        _write_text(path, _csv_text(rows[0], rows[1:]))

    def set_cell(rows: list[list[str]], relative: str, row: int, column: str, value: str,
                 kind: str, description: str) -> None:
        j = rows[0].index(column)
        rows[row - 1][j] = value
        planted.append(PlantedError(file=relative, row=row, column=column, kind=kind,
                                    value=value, description=description))

    w1 = SURVEY_FILE.format(wave="w1")

    def dirty_w1(rows: list[list[str]]) -> None:
        set_cell(rows, w1, 4, "trust_2", "7", "out_of_range",
                 "answer 7 outside the response scale 1-5")
        set_cell(rows, w1, 9, "synergy_3", "0", "out_of_range",
                 "answer 0 outside the response scale 1-5")
        set_cell(rows, w1, 12, "site", "K99", "unknown_site", "site code not in the project")
        set_cell(rows, w1, 15, "wave", "w4", "unknown_wave", "wave not in the project")
        first = rows[20 - 1][rows[0].index("respondent")]
        set_cell(rows, w1, 21, "respondent", first, "duplicate_respondent",
                 "respondent code of row 20 repeated in the same wave")
        set_cell(rows, w1, 25, "actor_type", "Feuerwehr", "unknown_attribute_value",
                 "actor type not in the codebook's list")
        set_cell(rows, w1, 30, "shared_goals_2", "3.5", "decimal_answer",
                 "decimal number where a whole-number answer is expected")
        set_cell(rows, w1, 33, "years_in_network", "99", "numeric_out_of_range",
                 "years in the network above the codebook maximum (60)")
        # an extra column after trust_4, filled with plausible answers
        j = rows[0].index("trust_4") + 1
        rows[0].insert(j, "trust_5")
        for r, row in enumerate(rows[1:]):
            row.insert(j, str(1 + (r * 7) % 5))
        planted.append(PlantedError(file=w1, row=None, column="trust_5", kind="extra_column",
                                    value="trust_5",
                                    description="column not in the codebook (an item "
                                    "added to the export by hand)"))

    edit(w1, dirty_w1)

    w2 = SURVEY_FILE.format(wave="w2")

    def dirty_w2(rows: list[list[str]]) -> None:
        j = rows[0].index("data_based_2")
        for row in rows:
            del row[j]
        planted.append(PlantedError(file=w2, row=None, column="data_based_2",
                                    kind="missing_column", value="",
                                    description="codebook item missing from this wave's "
                                    "export (column dropped)"))

    edit(w2, dirty_w2)

    # w3: exported with German labels and saved as Windows-1252, declared as UTF-8
    w3 = SURVEY_FILE.format(wave="w3")
    rows = _parse_csv((dirty_folder / w3).read_text(encoding="utf-8"))
    for column in ("actor_type", "employment", "decision_role"):
        j = rows[0].index(column)
        attribute = book.attributes[column]
        for row in rows[1:]:
            if row[j]:
                row[j] = attribute.label_of(row[j], "de")
    raw = _csv_text(rows[0], rows[1:]).encode("cp1252")
    offset = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:offset].count(b"\n") + 1
    (dirty_folder / w3).write_bytes(raw)
    planted.append(PlantedError(file=w3, row=line, column=None, kind="undecodable_text",
                                value=f"byte 0x{raw[offset]:02x}",
                                description="file saved as Windows-1252 (German labels "
                                "such as 'Ausländerbehörde') but declared 'encoding: utf-8' "
                                "in project.yml; the first undecodable byte is in this row"))

    ties = PARTICIPATION_FILES["ties"]

    def dirty_ties(rows: list[list[str]]) -> None:
        site = rows[6 - 1][rows[0].index("site")]
        set_cell(rows, ties, 6, "alter", f"{site}-O99", "unknown_organisation",
                 "tie names an organisation missing from the roster")

    edit(ties, dirty_ties)

    attendance = PARTICIPATION_FILES["attendance"]

    def dirty_attendance(rows: list[list[str]]) -> None:
        set_cell(rows, attendance, 8, "event", "K02-w1-NM9", "unknown_event",
                 "attendance at an event missing from the events table")

    edit(attendance, dirty_attendance)

    goals = PARTICIPATION_FILES["goals"]
    (dirty_folder / goals).write_bytes(b"")
    planted.append(PlantedError(file=goals, row=None, column=None, kind="empty_file",
                                value="", description="file is empty (0 bytes)"))

    planted.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    _write_text(dirty_folder / PLANTED_ERRORS_FILE, _planted_markdown(planted))
    log.info("dirty copy written to %s (%d planted errors)", dirty_folder, len(planted))
    return planted


def _planted_markdown(planted: list[PlantedError]) -> str:
    """The table of planted errors."""
    lines = [
        "# Planted data errors",
        "",
        "This folder is a copy of the synthetic example project (`../example/`; ALL data are",
        "invented) with one realistic data error of each kind planted on purpose, to test that",
        "the readers report each one with the right file, row and column. It is written by",
        "`evaluation.synthetic.generate_dirty` (`python -m evaluation.synthetic`); do not edit",
        "by hand.",
        "",
        "Rows are spreadsheet rows (the header is row 1, the first respondent row 2). A dash",
        "means the error concerns a whole column or a whole file. For the undecodable file the",
        "row is the line of the first byte that is not UTF-8; the reader names it in its",
        "message.",
        "",
        "| # | file | row | column | kind | planted value | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, p in enumerate(planted, start=1):
        row = "—" if p.row is None else str(p.row)
        column = "—" if p.column is None else f"`{p.column}`"
        value = f"`{p.value}`" if p.value else "—"
        lines.append(f"| {k} | `{p.file}` | {row} | {column} | {p.kind} | {value} | "
                     f"{p.description} |")
    return "\n".join(lines) + "\n"


# -- README ----------------------------------------------------------------------------


def _readme(tables: _Tables, book: Codebook, seed: int) -> str:
    """The README of the example project, with the values realised in the files."""
    f = tables.facts
    plan, roster, events, quick_wins = tables.plan, tables.roster, tables.events, \
        tables.quick_wins
    density: dict[tuple[str, str], float] = f["density"]  # type: ignore[assignment]
    reciprocity: dict[tuple[str, str], float] = f["reciprocity"]  # type: ignore[assignment]
    hub_share: dict[tuple[str, str], float] = f["hub_share"]  # type: ignore[assignment]
    gap: dict[str, float] = f["volunteer_gap"]  # type: ignore[assignment]
    item_rest: dict[str, float] = f["item_rest"]  # type: ignore[assignment]
    k07: list[float] = f["k07_by_wave"]  # type: ignore[assignment]
    pool: list[float] = f["pool_by_wave"]  # type: ignore[assignment]
    panel: dict[str, tuple[int, int]] = f["panel"]  # type: ignore[assignment]
    cj: dict[str, float] = f["cannot_judge_by_scale"]  # type: ignore[assignment]
    straight: list[tuple[str, str, str]] = f["straight_liners"]  # type: ignore[assignment]
    waves = [w.key for w in WAVES]
    improving = [k for k in book.factors if k not in NOT_IMPROVING]

    out: list[str] = []
    add = out.append
    add("# Synthetic example project")
    add("")
    add("**ALL data in this folder are synthetic.** The municipalities, organisations, people,")
    add("answers, meetings, ideas and goals are invented by a random generator; any resemblance")
    add("to real municipalities, organisations or persons is coincidental. The place names were")
    add("made up to sound German and to be clearly fictional. Every report made from this")
    add("project is labelled as synthetic (`synthetic: true` in `project.yml`).")
    add("")
    add("## How the data were made")
    add("")
    add("Everything here is written by `evaluation.synthetic.generate_example` with seed")
    add(f"`{seed}`; regenerate the folder (and the dirty copy `../example-dirty/`) with")
    add("")
    add("```")
    add("python -m evaluation.synthetic")
    add("```")
    add("")
    add("The output is byte-identical between runs (one NumPy `default_rng` stream per part of")
    add("the project, sorted rows, integers only, `\\n` line endings).")
    add("`tests/test_example_project.py` checks that these files equal a fresh generation (a")
    add("NumPy release that changed its random streams would change them; regenerate then). Do not")
    add("edit them by hand: change the generator and regenerate. The numbers marked *realised*")
    add("below are computed by the generator from the written files.")
    add("")
    add("| file | content |")
    add("|---|---|")
    add("| `project.yml` | project file (`instrument: default`, 3 waves, 18 sites, `invited` "
        "per wave) |")
    for wave in WAVES:
        add(f"| `{SURVEY_FILE.format(wave=wave.key)}` | survey export of wave {wave.key}: UTF-8, "
            "comma-separated, one row per respondent |")
    add("| `data/roster.csv` | organisations per site with `joined` and `left` |")
    add("| `data/events.csv` | network meetings, steering groups, idea workshops, peer "
        "exchanges, transfer conferences |")
    add("| `data/attendance.csv` | which organisation attended which event, with how many "
        "people and decision makers |")
    add("| `data/ties.csv` | roster question per site and wave (named partners only) |")
    add("| `data/ideas.csv`, `data/idea_ratings.csv` | ideas from idea workshops and their "
        "ratings |")
    add("| `data/goals.csv` | goals per site with Wirkungstreppe stage targeted and reached "
        "per wave |")
    add("")

    # sites and waves
    add("## Sites and waves")
    add("")
    add("Waves: " + "; ".join(f"`{w.key}` {w.label_de} / {w.label_en} ({w.date.isoformat()})"
                              for w in WAVES) + ".")
    add("")
    add("18 fictional model municipalities `K01`..`K18`. Respondents per site and wave are")
    add(f"between {N_RANGE[0]} and {N_RANGE[1]}, with one planted exception: **`{SMALL_SITE}` "
        f"has only {SMALL_N} respondents in `{SMALL_WAVE}`**")
    add("(below the disclosure threshold k = 5; see planted fact 4).")
    add("")
    add("| site | name | type | size | Land | organisations | " + " | ".join(
        f"n {w} (invited)" for w in waves) + " |")
    add("|---|---|---|---|---|---|" + "---|" * len(waves))
    for site in SITES:
        counts = " | ".join(f"{plan.respondents[site.key, w]} ({plan.invited[site.key, w]})"
                            for w in waves)
        add(f"| {site.key} | {site.name} | {site.municipality_type} | {site.size_class} | "
            f"{site.land} | {plan.organisations[site.key]} | {counts} |")
    add("")
    add(f"Survey rows: {f['rows']} (from {f['persons']} distinct respondent codes).")
    add("")

    # survey model
    add("## Survey: how the answers were drawn")
    add("")
    add("Columns of each wave file: `respondent`, `site`, `wave`, `actor_type`, `employment`,")
    add("`decision_role`, `years_in_network` (keys of the codebook), then all "
        f"{len(book.items)} item keys in")
    add("codebook order. Respondent codes (`R0001`..`R9999`) are random pseudonyms.")
    add("")
    add("- **Latent model.** Every respondent has a latent value per success factor: a site")
    add(f"  effect (SD {SITE_SD} per factor; the site effects of the factors share a general "
        "site climate)")
    add(f"  plus a person part (SD 1; the factors share a general factor with loading "
        f"{GENERAL},")
    add(f"  so factors correlate moderately, r ≈ {GENERAL**2:.2f} before measurement error). "
        "The latent ICC")
    add(f"  is about {SITE_SD**2 / (1 + SITE_SD**2):.2f}; observed scale scores have a "
        "somewhat lower ICC.")
    add(f"- **Items.** item = base of the factor + item offset + {LOADING} × latent + noise "
        f"(SD {ITEM_SD}),")
    add("  rounded and clipped to 1..5. Reverse-keyed items are written reversed (6 − x), as a")
    add("  respondent would answer the negated wording.")
    add(f"- **Panel.** About {PANEL_SHARE:.0%} of a site's respondents in one wave answer "
        "again in the next wave")
    add(f"  with the same code; {STABILITY:.0%} of their latent variance persists. "
        "Realised links: " + "; ".join(
            f"{panel[w][0]} of {panel[w][1]} respondents of "
            f"{WAVES[_wave_index(w) - 1].key} reappear in {w}" for w in waves[1:]) + ".")
    add("  Attributes (actor type, employment, decision role) stay the same; years in the")
    add("  network grow by one per wave.")
    add("- **Attributes.** Volunteers are mostly `association_volunteer` and `mso` (realised "
        f"share of volunteers: {f['volunteer_share']:.1%}).")
    add("  About 1 % of `decision_role` and `years_in_network` cells and 0.5 % of `employment`")
    add("  cells are blank.")
    add("- **Missing answers.** `-1` = *kann ich nicht beurteilen* (cannot judge), blank = no")
    add("  answer, `-9` = no answer (rare). Cannot-judge rates: "
        f"{CANNOT_JUDGE_DEFAULT:.0%} per item in general, higher for")
    add("  scales people often cannot judge: " + ", ".join(
        f"`{k}` {v:.0%}" for k, v in CANNOT_JUDGE_RATE.items())
        + f", challenges {CANNOT_JUDGE_CHALLENGE:.0%};")
    add("  × 1.6 for volunteers and × 1.8 for newcomers (0 years). Blank cells "
        f"{BLANK_RATE:.0%}, `-9` {NO_ANSWER_CODE_RATE:.1%}.")
    add(f"  *Realised:* cannot judge {f['cannot_judge_share']:.1%} of all answer cells ("
        + ", ".join(f"`{k}` {v:.1%}" for k, v in cj.items()) + "); blank "
        f"{f['blank_share']:.1%}; `-9` in {f['code_9_cells']} cells.")
    add("- **Straight-liners.** Four respondents answer `4` to every item (data-quality "
        "check): " + ", ".join(f"`{c}` ({s}, {w})" for w, s, c in straight) + ".")
    add("- **Challenges** (`challenge_*`) are single items with their own site effects; "
        "`challenge_partner_dropout`")
    add(f"  is {DROPOUT_CHALLENGE_SHIFT} points higher in "
        + " and ".join(f"`{k}`" for k in DROPOUTS_W1_W2) + " from `w2` on (see fact 7).")
    add("- `satisfaction_1` follows the synergy latent (0.6) and trust (0.25).")
    add("")

    # planted facts
    add("## Planted structure")
    add("")
    add("These are the facts analyses of this project must recover.")
    add("")
    add("### 1. Two drivers of synergy")
    add("")
    add("The synergy latent is `" + " + ".join(f"{w} × {k}" for k, w in DRIVER_WEIGHTS.items())
        + f" + site part (SD {SYNERGY_SITE_SD}) + person residual (SD 0.6)`")
    add("(`shared_goals` has fewer items than `network_management`, hence its larger weight);")
    add("no other factor enters it. In a mixed model `synergy ~ all 16 factor scores` with a")
    add("random intercept per site (standardised variables), **`network_management` and")
    add("`shared_goals` have clearly the largest coefficients** (about 0.3 to 0.45 each, both")
    add("significant); all other factors are near zero (|β| < 0.1), although factors")
    add("correlate moderately with each other (shared general factor). Volunteers do not")
    add(f"differ in synergy (realised volunteer − paid gap {gap['synergy']:+.2f}).")
    add("")
    add(f"### 2. `{IMPROVING_SITE}` improves strongly")
    add("")
    add(f"`{IMPROVING_SITE}` ({SITES[_site_index(IMPROVING_SITE)].name}) starts below the pool "
        "and rises on the latent scale by "
        + ", ".join(f"+{v:.1f} scale points in `{w}`" for w, v in IMPROVEMENT.items() if v)
        + " (relative to `w1`)")
    add(f"on {len(improving)} of the 16 factors (all except "
        + ", ".join(f"`{k}`" for k in NOT_IMPROVING) + "), and therefore also")
    add("on synergy. Its network also densifies (fact 8), and its goals climb two stages per "
        "wave.")
    add("*Realised* mean of the 13 improving factor scores (clipping at 5 and missing answers "
        "make it a")
    add("little smaller than planted):")
    add("")
    add("| | " + " | ".join(waves) + " |")
    add("|---|" + "---|" * len(waves))
    add(f"| {IMPROVING_SITE} | " + " | ".join(f"{v:.2f}" for v in k07) + " |")
    add("| pool without K07 | " + " | ".join(f"{v:.2f}" for v in pool) + " |")
    add("")
    add("The other sites have no planted change between waves (their site effects are "
        "constant).")
    add("")
    add(f"### 3. A reverse-keyed item that does not work: `{BAD_REVERSE_ITEM}`")
    add("")
    add(f"`{BAD_REVERSE_ITEM}` (\"{book.items[BAD_REVERSE_ITEM].label.en}\") is reverse-keyed, "
        f"but {IGNORED_NEGATION_SHARE:.0%} of")
    add("respondents overlook the negation and answer it like a positive item. After reverse-")
    add("keying its item-rest correlation within `benefit` is near zero, while the other")
    add("reverse-keyed items behave well. *Realised* item-rest r (complete cases, after "
        "reverse-keying):")
    add("")
    add("| item | scale | item-rest r |")
    add("|---|---|---|")
    for item, r in item_rest.items():
        add(f"| `{item}` | `{book.items[item].scale}` | {r:.2f} |")
    add("")
    add(f"### 4. A site below the disclosure threshold: `{SMALL_SITE}` in `{SMALL_WAVE}`")
    add("")
    add(f"`{SMALL_SITE}` has only **{SMALL_N} respondents in `{SMALL_WAVE}`** (invited: "
        f"{plan.invited[SMALL_SITE, SMALL_WAVE]}), below k = 5:")
    add("no statistic may be shown for it in that wave. This is the only site-wave outside "
        f"{N_RANGE[0]}..{N_RANGE[1]}.")
    add("")
    add("### 5. Volunteers rate trust lower")
    add("")
    add("Respondents with `employment = volunteer` (mostly actor types `association_volunteer`")
    add("and `mso`) rate `trust` " + f"{-VOLUNTEER_SHIFT['trust']:.2f} points and `benefit` "
        f"{-VOLUNTEER_SHIFT['benefit']:.2f} points lower on each item (before rounding and "
        "clipping;")
    add(f"on `{BAD_REVERSE_ITEM}` only for those who read the negation, which weakens the "
        "`benefit` gap).")
    add("*Realised* volunteer − paid differences of scale means: " + ", ".join(
        f"`{k}` {v:+.2f}" for k, v in gap.items()) + ".")
    add("")
    add("### 6. Cannot-judge answers")
    add("")
    add("`-1` (*kann ich nicht beurteilen*) is frequent for `data_based` and `decision_makers`")
    add("items, more frequent for volunteers and newcomers (see *Missing answers* above). It is")
    add("a missing category of its own, not a low rating.")
    add("")
    add("### 7. Partners dropping out")
    add("")
    add("Organisations with a `left` date stop appearing in ties from the first survey date")
    add("after leaving, and in attendance from the day they left. Dropouts concentrate in "
        + " and ".join(f"`{k}` ({v} organisations)" for k, v in DROPOUTS_W1_W2.items())
        + ", who leave between `w1` and `w2`;")
    add("two single dropouts elsewhere leave between `w2` and `w3`.")
    add("")
    add("| organisation | site | name | actor type | joined | left |")
    add("|---|---|---|---|---|---|")
    for org in roster:
        if org.left is not None:
            add(f"| `{org.code}` | {org.site} | {org.name} | {org.actor_type} | "
                f"{org.joined.isoformat()} | {org.left.isoformat()} |")
    late = sum(1 for o in roster if o.joined > WAVES[0].date)
    add("")
    add(f"{len(roster)} organisations in all; {late} join after the `w1` survey date (they "
        "appear from the next wave on).")
    add("")
    add("### 8. Network differences between sites")
    add("")
    add("Ties come from a roster question per site and wave; `ties.csv` lists only named")
    add("partners (frequency 1..5). Organisation `<site>-O01` is always the municipal")
    add("integration office (`administration`). About 10 % of active organisations do not")
    add(f"answer the roster question in a wave (the office always answers, in `{DENSE_SITE}` "
        "everyone does, and")
    add("organisations that later leave answered while they were active). Every organisation "
        "that answers names")
    add("at least one partner (at least the integration office). Density = named")
    add("ties / (n × (n − 1)) with n = organisations active on the survey date.")
    add("")
    add(f"- **`{DENSE_SITE}` is dense and reciprocal**: expected density about 0.65, "
        "reciprocity (share of named ties")
    add("  returned) about 0.9. *Realised* density " + ", ".join(
        f"{density[DENSE_SITE, w]:.2f}" for w in waves) + "; reciprocity " + ", ".join(
        f"{reciprocity[DENSE_SITE, w]:.2f}" for w in waves) + f" ({', '.join(waves)}).")
    add(f"- **`{STAR_SITE}` is a sparse star around its integration office** "
        f"(`{STAR_SITE}-O01`): expected density")
    add("  about 0.1, most ties involve the office, other pairs rarely name each other.")
    add("  *Realised* density " + ", ".join(f"{density[STAR_SITE, w]:.2f}" for w in waves)
        + "; share of ties involving the office " + ", ".join(
            f"{hub_share[STAR_SITE, w]:.2f}" for w in waves) + ".")
    add(f"- `{IMPROVING_SITE}` densifies over the waves (base pair probability "
        + " → ".join(f"{b:.2f}" for b in IMPROVING_TIE_BASE) + "); *realised* density "
        + ", ".join(f"{density[IMPROVING_SITE, w]:.2f}" for w in waves) + ".")
    others = [k for k in (s.key for s in SITES)
              if k not in (DENSE_SITE, STAR_SITE, IMPROVING_SITE)]
    other_density = [density[k, w] for k in others for w in waves]
    other_reciprocity = [reciprocity[k, w] for k in others for w in waves]
    add("- Other sites: pair probability 0.2 to 0.32 scaled by each organisation's activity, "
        "70 % of")
    add("  relations named in each direction. *Realised* density "
        f"{min(other_density):.2f} to {max(other_density):.2f}, reciprocity "
        f"{min(other_reciprocity):.2f} to {max(other_reciprocity):.2f}.")
    add("")
    add("| site | " + " | ".join(f"density {w}" for w in waves) + " |")
    add("|---|" + "---|" * len(waves))
    for site in SITES:
        add(f"| {site.key} | " + " | ".join(f"{density[site.key, w]:.2f}" for w in waves) + " |")
    add("")
    add("### 9. Ideas and quick wins")
    add("")
    add("Sites with idea workshops (all except " + ", ".join(
        f"`{k}`" for k in NO_WORKSHOP_SITES) + ") have 6 to 12 ideas each, rated")
    add("by 3 to 6 organisations of the site on feasibility, impact and innovation (1..5).")
    add("Each of these sites has at least one clear **quick win** (mean impact ≥ 4 and mean")
    add("feasibility ≥ 4). All quick wins (*realised*):")
    add("")
    add("| site | quick-win ideas |")
    add("|---|---|")
    for site in SITES:
        if site.key in quick_wins:
            add(f"| {site.key} | " + ", ".join(f"`{i}`" for i in quick_wins[site.key]) + " |")
    add("")

    # participation
    counts: dict[str, int] = {}
    for e in events:
        counts[e.event_type] = counts.get(e.event_type, 0) + 1
    add("## Participation tables")
    add("")
    add("- Events: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ". Event "
        "ids read `<site>-<wave>-<type><n>`")
    add("  (NM network meeting, SG steering group, IW idea workshop, PE peer exchange); the")
    add("  transfer conference of each wave is `TC-<wave>` with a blank site.")
    add("- Peer exchanges (host ← guest): " + ", ".join(
        f"{h} ← {g} ({w})" for w, h, g in PEER_EXCHANGES) + ".")
    add("- Attendance: the integration office attends every meeting of its site; other")
    add("  organisations attend network meetings with a site-specific probability (0.45 to")
    add(f"  0.8; `{DENSE_SITE}` 0.85, `{STAR_SITE}` 0.35), steering groups are a core of 4 to 6")
    add("  organisations. The share of decision makers among attendees varies by site (0.1 to")
    add("  0.6, higher in steering groups).")
    add("- Ties: frequency 1..5, collaboration 0..5, `trust_1..3` and `value_1..3` 1..4 (3 % "
        "blank),")
    add("  resources `|`-separated.")
    add("- Goals: 2 to 4 per site; `stage_reached` climbs 0 to 2 stages per wave up to")
    add(f"  `stage_targeted` (`{IMPROVING_SITE}`: 2 stages per wave).")
    add("")
    add("## Dirty copy")
    add("")
    add("`../example-dirty/` is this project with one realistic data error of each kind")
    add("planted at a known file, row and column; see its `PLANTED_ERRORS.md`.")
    return "\n".join(out) + "\n"


# -- command line ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate ``surveys/example`` and ``surveys/example-dirty``.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status 0.
    """
    parser = argparse.ArgumentParser(prog="python -m evaluation.synthetic",
                                     description=__doc__.split("\n\n")[0])
    default = Path(__file__).resolve().parents[2] / "surveys"
    parser.add_argument("--out", type=Path, default=default,
                        help=f"folder holding example/ and example-dirty/ (default {default})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate_example(args.out / "example", seed=args.seed)
    generate_dirty(args.out / "example", args.out / "example-dirty")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
