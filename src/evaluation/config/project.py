"""Project configuration: one YAML file per transfer project.

A project file names the instrument, the waves, the sites with their attributes, the data
files, the privacy settings, the report language and the outputs. Paths in it are relative to
the file and may not leave the project folder; the instrument may also be named (``default``),
in which case it is taken from the instrument library ``../instruments/<name>.yml`` beside the
project folder. The format is described in ``docs/project.md``. Loading and checking a file is
in :mod:`evaluation.config.project_load`; import the public names from :mod:`evaluation.config`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.config.codebook import Codebook, Label

__all__ = [
    "DEFAULT_FORMATS",
    "EDITIONS",
    "FORMATS",
    "MIN_K_FLOOR",
    "ONE_WAVE",
    "PARTICIPATION_TABLES",
    "PROJECT_FILE",
    "SURVEY_FORMATS",
    "Branding",
    "Privacy",
    "Project",
    "Site",
    "SurveyFile",
    "Wave",
    "find_project_file",
]

PROJECT_FILE = "project.yml"
SURVEY_FORMATS = ("auto", "csv", "xlsx", "sav", "limesurvey", "sosci")
PARTICIPATION_TABLES = ("roster", "events", "attendance", "ties", "ideas", "idea_ratings",
                        "goals")
EDITIONS = ("partner", "evaluator")
#: formats written beside the HTML reports: tagged PDF (Chromium), Excel workbooks, Word
FORMATS = ("pdf", "xlsx", "docx")
#: the formats a project gets when it names none (the cheap ones; PDF and Word on request)
DEFAULT_FORMATS = ("xlsx",)
MIN_K_FLOOR = 3


@dataclass(frozen=True, kw_only=True)
class Wave:
    key: str
    label: Label
    date: dt.date | None = None


#: The wave of a project file without ``waves:`` (a survey of one wave).
ONE_WAVE = Wave(key="w1", label=Label(de="Befragung", en="Survey"))


@dataclass(frozen=True, kw_only=True)
class Site:
    key: str
    name: str
    attributes: dict[str, str]
    invited: dict[str, int]  # wave -> number of people invited to the survey
    #: the site agreed that other sites that agreed too may learn its name as a learning
    #: partner (``open_exchange: true``)
    open_exchange: bool = False
    #: the article of the name in German sentences (``der``, ``die``, ``das``; ``""`` for
    #: none), where the name's first word does not give it ("die Hansestadt" is found alone)
    article: str | None = None


@dataclass(frozen=True, kw_only=True)
class SurveyFile:
    path: Path
    format: str = "auto"
    wave: str | None = None  # fixed wave for the whole file, else a wave column
    site: str | None = None  # fixed site for the whole file, else a site column
    options: dict[str, Any] = field(default_factory=dict)  # delimiter, encoding, sheet...


@dataclass(frozen=True, kw_only=True)
class Privacy:
    min_group_size: int = 5
    open_benchmarking: bool = False
    free_text: bool = False
    pseudonym_key_env: str = "TRANSFER_EVAL_KEY"
    min_raters_per_organisation: int = 3


@dataclass(frozen=True, kw_only=True)
class Branding:
    project_name: str
    logo: Path | None = None
    primary_colour: str = "#1f5f8b"
    accent_colour: str = "#c8553d"


@dataclass(frozen=True, kw_only=True)
class Project:
    """A loaded and checked project configuration."""

    path: Path
    name: str
    synthetic: bool
    report_date: dt.date | None
    language: str
    codebook: Codebook
    instrument_path: Path
    waves: tuple[Wave, ...]
    sites: tuple[Site, ...]
    survey_files: tuple[SurveyFile, ...]
    participation: dict[str, Path]
    privacy: Privacy
    branding: Branding
    editions: tuple[str, ...]
    #: formats besides HTML (:data:`FORMATS`): ``outputs.formats`` in project.yml
    formats: tuple[str, ...] = DEFAULT_FORMATS
    scheduler: str | None = None
    #: how item nonresponse enters omega's factor model: ``pairwise`` (default) or
    #: ``listwise`` (only respondents who answered every item of the scale)
    missing_items: str = "pairwise"
    #: respondent attributes whose groups are compared on every scale (evaluator edition)
    compare_by: tuple[str, ...] = ()
    #: the eye-level (Augenhöhe) comparison: respondent attributes whose groups are compared
    #: on ``eye_level_scales``; empty where the instrument has nothing to compare
    eye_level_by: tuple[str, ...] = ()
    eye_level_scales: tuple[str, ...] = ()
    #: who answers the partners' questions about the reports (``name``, ``organisation``,
    #: ``email``, ``phone``; any of them)
    contact: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def wave_keys(self) -> tuple[str, ...]:
        return tuple(w.key for w in self.waves)

    @property
    def site_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sites)

    def site(self, key: str) -> Site:
        for s in self.sites:
            if s.key == key:
                return s
        raise KeyError(key)

    def previous_wave(self, wave: str) -> str | None:
        keys = self.wave_keys
        i = keys.index(wave)
        return keys[i - 1] if i > 0 else None


def find_project_file(path: str | Path) -> Path:
    """Accept a project folder or file and return the project file."""
    path = Path(path)
    return path / PROJECT_FILE if path.is_dir() else path
