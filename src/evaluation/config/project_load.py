"""Loading and checking a project file, and building its :class:`~evaluation.config.Project`.

:class:`ProjectParser` walks every section of the file (project, instrument, language, waves,
sites, survey files, participation tables, privacy, branding, outputs, analysis), collects each
problem as a :class:`~evaluation.errors.Problem` instead of stopping at the first, and
:func:`load_project` raises :class:`~evaluation.errors.ConfigError` listing them. Import the
public names from :mod:`evaluation.config`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from evaluation.config.codebook import Codebook, Label, code_key, normalise_text
from evaluation.config.codebook_load import load_codebook
from evaluation.config.project import (
    DEFAULT_FORMATS,
    EDITIONS,
    FORMATS,
    MIN_K_FLOOR,
    ONE_WAVE,
    PARTICIPATION_TABLES,
    SURVEY_FORMATS,
    Branding,
    Privacy,
    Project,
    Site,
    SurveyFile,
    Wave,
    find_project_file,
)
from evaluation.config.settings import (
    ANALYSIS_KEYS,
    BRANDING_KEYS,
    COMMON_ENVIRONMENT,
    COMMON_ENVIRONMENT_PREFIXES,
    CONTACT_KEYS,
    DEFAULT_EYE_LEVEL,
    KEY_ENV,
    OUTPUT_KEYS,
    PRIVACY_KEYS,
    PROJECT_KEYS,
    SAFE_KEY,
    SURVEY_FILE_KEYS,
    did_you_mean,
    is_image,
    survey_option_problems,
)
from evaluation.config.yamlio import load_yaml
from evaluation.errors import ConfigError, Problem
from evaluation.language import LANGUAGES

__all__ = ["ProjectParser", "load_project"]


def load_project(path: str | Path) -> Project:
    """Load a project file (or a folder holding ``project.yml``) and check it."""
    file = find_project_file(path).resolve()
    data = load_yaml(file)
    return ProjectParser(file).parse(data)


class ProjectParser:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.folder = file.parent
        self.problems: list[Problem] = []
        self.valid_codes: set[str] = set()  # answer codes of the response scale, once known

    def problem(self, where: str, message: str, *, value: object = None,
                expected: str | None = None) -> None:
        self.problems.append(Problem(file=str(self.file), column=where, message=message,
                                     value=value, expected=expected))

    def section(self, where: str, node: Any,
                known: set[str] | frozenset[str] | None) -> dict[Any, Any]:
        """``node`` as a mapping; a problem for a non-mapping and (unless ``known`` is None)
        for every unknown key, with the known key it most likely misspells."""
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(where, "expected a mapping (lines of 'key: value')", value=node)
            return {}
        for key in node if known is not None else ():
            if str(key) not in known:
                self.problem(f"{where}.{key}", f"unknown setting{did_you_mean(key, known)}",
                             value=key,
                             expected=", ".join(sorted(known)))
        return node

    def path(self, where: str, raw: Any, *, must_exist: bool = True) -> Path | None:
        if not isinstance(raw, str) or not raw.strip():
            self.problem(where, "a path must be a non-empty string", value=raw)
            return None
        candidate = Path(raw)
        if candidate.is_absolute():
            self.problem(where, "paths must be relative to the project file", value=raw,
                         expected="a path inside the project folder")
            return None
        resolved = (self.folder / candidate).resolve()
        if not resolved.is_relative_to(self.folder):
            self.problem(where, "path leaves the project folder", value=raw,
                         expected="a path inside the project folder")
            return None
        if must_exist and not resolved.exists():
            self.problem(where, "file not found", value=raw)
            return None
        return resolved

    def parse(self, data: Any) -> Project:
        if not isinstance(data, dict):
            raise ConfigError([Problem(file=str(self.file), message="a project file must be a "
                                       "YAML mapping")], what=str(self.file))
        known = {"project", "instrument", "language", "waves", "sites", "survey",
                 "participation", "privacy", "branding", "outputs", "scheduler", "analysis"}
        for key in data:
            if key not in known:
                self.problem(str(key), f"unknown section{did_you_mean(key, known)}", value=key,
                             expected=", ".join(sorted(known)))
        meta = self.section("project", data.get("project"), PROJECT_KEYS)
        name = str(meta.get("name") or self.folder.name)
        synthetic = meta.get("synthetic", False)
        if not isinstance(synthetic, bool):
            self.problem("project.synthetic", "must be true or false", value=synthetic)
            synthetic = False
        report_date = self.date("project.report_date", meta.get("report_date"))
        contact = self.section("project.contact", meta.get("contact"), CONTACT_KEYS)
        for key, value in contact.items():
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                self.problem(f"project.contact.{key}", "must be text", value=value)
        contact = {str(k): str(v) for k, v in contact.items()
                   if isinstance(v, (str, int)) and not isinstance(v, bool)}

        language = data.get("language", "de")
        if language not in LANGUAGES:
            self.problem("language", "unsupported report language", value=language,
                         expected=" or ".join(LANGUAGES))
            language = "de"

        codebook, instrument_path = self.instrument(data.get("instrument", "default"))
        if codebook is not None:
            self.valid_codes = {code_key(v) for v in range(codebook.scale_min,
                                                           codebook.scale_max + 1)}
            self.valid_codes |= {code_key(k) for k, v in codebook.answer_codes.items()
                                 if not isinstance(v, str)}
        waves = self.waves(data.get("waves"))
        sites = self.sites(data.get("sites"), codebook, {w.key for w in waves})
        survey_files = self.survey(data.get("survey"), {w.key for w in waves},
                                   {s.key for s in sites})
        participation = self.participation(data.get("participation") or {})
        privacy = self.privacy(self.section("privacy", data.get("privacy"), PRIVACY_KEYS))
        branding = self.branding(self.section("branding", data.get("branding"), BRANDING_KEYS),
                                 name)
        outputs = self.section("outputs", data.get("outputs"), OUTPUT_KEYS)
        raw_editions = outputs.get("editions", list(EDITIONS))
        if not isinstance(raw_editions, list):
            self.problem("outputs.editions", "expected a list of editions", value=raw_editions,
                         expected="e.g. [partner, evaluator]")
            raw_editions = list(EDITIONS)
        editions = tuple(raw_editions)
        for edition in editions:
            if edition not in EDITIONS:
                self.problem("outputs.editions", "unknown edition", value=edition,
                             expected=", ".join(EDITIONS))
        raw_formats = outputs.get("formats", list(DEFAULT_FORMATS))
        if not isinstance(raw_formats, list):
            self.problem("outputs.formats", "expected a list of formats", value=raw_formats,
                         expected="e.g. [pdf, xlsx, docx]")
            raw_formats = list(DEFAULT_FORMATS)
        formats = tuple(str(f).lower() for f in raw_formats if str(f).lower() != "html")
        for fmt in formats:
            if fmt not in FORMATS:
                self.problem("outputs.formats", "unknown format" + did_you_mean(fmt, set(FORMATS)),
                             value=fmt, expected=", ".join(FORMATS) + " (HTML is always written)")
        scheduler = data.get("scheduler")
        if scheduler is not None and not isinstance(scheduler, str):
            self.problem("scheduler", "must be a Dask scheduler address", value=scheduler)
        analysis = self.section("analysis", data.get("analysis"), ANALYSIS_KEYS)
        missing_items = analysis.get("missing_items", "pairwise")
        if missing_items not in ("pairwise", "listwise"):
            self.problem("analysis.missing_items", "unknown handling of missing items",
                         value=missing_items, expected="pairwise (default) or listwise")
            missing_items = "pairwise"
        compare_by = analysis.get("compare_by", [])
        known_attributes = set(codebook.respondent_attributes()) if codebook else set()
        if not isinstance(compare_by, list) or not all(isinstance(a, str) for a in compare_by):
            self.problem("analysis.compare_by", "expected a list of respondent attributes",
                         value=compare_by, expected="e.g. [actor_type, employment]")
            compare_by = []
        for attribute in compare_by:
            if codebook is not None and attribute not in known_attributes:
                self.problem("analysis.compare_by", "not a respondent attribute of the codebook"
                             + did_you_mean(attribute, known_attributes), value=attribute,
                             expected=", ".join(sorted(known_attributes)) or "none defined")

        eye_by, eye_scales = self.eye_level(analysis.get("eye_level"), codebook)

        if self.problems or codebook is None or instrument_path is None:
            raise ConfigError(self.problems, what=f"project {self.file}")
        return Project(
            path=self.file, name=name, synthetic=synthetic, report_date=report_date,
            language=language, codebook=codebook, instrument_path=instrument_path,
            waves=waves, sites=sites, survey_files=survey_files, participation=participation,
            privacy=privacy, branding=branding, editions=editions, scheduler=scheduler,
            formats=tuple(dict.fromkeys(f for f in formats if f in FORMATS)),
            missing_items=missing_items, compare_by=tuple(compare_by),
            eye_level_by=eye_by, eye_level_scales=eye_scales, contact=contact,
        )

    def eye_level(self, node: Any, codebook: Codebook | None
                  ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``analysis.eye_level``: ``{by: [attributes], scales: [scales]}``, ``false`` for
        none; unset, the default instrument's comparison where the codebook has its
        attributes and scales."""
        if codebook is None:
            return (), ()
        attributes, scales = set(codebook.respondent_attributes()), set(codebook.scales)
        if node is None:
            by, on = DEFAULT_EYE_LEVEL["by"], DEFAULT_EYE_LEVEL["scales"]
            present = tuple(s for s in on if s in scales)
            if not set(by) <= attributes or not present:
                return (), ()
            return tuple(by), present
        if node is False:
            return (), ()
        where = "analysis.eye_level"
        if not isinstance(node, dict) or set(node) - {"by", "scales"}:
            self.problem(where, "expected {by: [attributes], scales: [scales]} or false",
                         value=node, expected="e.g. {by: [actor_type], scales: [trust]}")
            return (), ()
        out = []
        for key, known, what in (("by", attributes, "respondent attribute"),
                                 ("scales", scales, "scale")):
            values = node.get(key)
            if not isinstance(values, list) or not values or \
                    not all(isinstance(v, str) for v in values):
                self.problem(f"{where}.{key}", f"expected a list of {what}s", value=values)
                values = []
            for value in values:
                if value not in known:
                    self.problem(f"{where}.{key}", f"not a {what} of the codebook"
                                 + did_you_mean(value, known), value=value,
                                 expected=", ".join(sorted(known)) or "none defined")
            out.append(tuple(v for v in values if v in known))
        return out[0], out[1]

    def date(self, where: str, raw: Any) -> dt.date | None:
        if raw is None:
            return None
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            self.problem(where, "not a date", value=raw, expected="YYYY-MM-DD")
            return None

    def instrument(self, raw: Any) -> tuple[Codebook | None, Path | None]:
        if isinstance(raw, str) and re.fullmatch(r"[A-Za-z0-9_-]+", raw):
            path = (self.folder.parent / "instruments" / f"{raw}.yml").resolve()
            if not path.is_file():
                self.problem("instrument", "no instrument of this name in the library",
                             value=raw, expected=f"a file {path}")
                return None, None
        else:
            path = self.path("instrument", raw)
            if path is None:
                return None, None
        try:
            return load_codebook(path), path
        except ConfigError:
            raise
        except Exception as exc:  # CodebookError, InputFileError
            from evaluation.errors import ProblemsError
            if isinstance(exc, ProblemsError):
                self.problems.extend(exc.problems)
            else:
                self.problem("instrument", str(exc), value=raw)
            return None, None

    def waves(self, node: Any) -> tuple[Wave, ...]:
        if node is None:  # a one-wave survey needs no wave settings
            return (ONE_WAVE,)
        if not isinstance(node, list) or not node:
            self.problem("waves", "a project needs a list of waves", value=node)
            return ()
        waves = []
        for i, spec in enumerate(node):
            where = f"waves[{i}]"
            if isinstance(spec, str):
                spec = {"key": spec}
            if not isinstance(spec, dict) or not spec.get("key"):
                self.problem(where, "a wave needs a key", value=spec)
                continue
            key = str(spec["key"])
            if key in {w.key for w in waves}:
                self.problem(where, "wave listed twice", value=key)
                continue
            raw_label = spec.get("label") or {}
            if isinstance(raw_label, str):
                raw_label = {"de": raw_label, "en": raw_label}
            raw_label = self.section(f"{where}.label", raw_label, frozenset(LANGUAGES))
            label = Label(de=str(raw_label.get("de", key)), en=str(raw_label.get("en", key)))
            waves.append(Wave(key=key, label=label, date=self.date(f"{where}.date",
                                                                    spec.get("date"))))
        return tuple(waves)

    def sites(self, node: Any, codebook: Codebook | None, waves: set[str]) -> tuple[Site, ...]:
        if not isinstance(node, list) or not node:
            self.problem("sites", "a project needs a list of sites", value=node)
            return ()
        attrs = codebook.municipality_attributes() if codebook else {}
        sites: list[Site] = []
        for i, spec in enumerate(node):
            where = f"sites[{i}]"
            if not isinstance(spec, dict) or not spec.get("key"):
                self.problem(where, "a site needs a key", value=spec)
                continue
            key = str(spec["key"])
            if not SAFE_KEY.fullmatch(key):
                self.problem(where, "a site key names the site's report files", value=key,
                             expected="letters, digits, '-' and '_', starting with a letter or "
                                      "digit, at most 64 characters")
                continue
            if key in {s.key for s in sites}:
                self.problem(where, "site listed twice", value=key)
                continue
            spelled = {normalise_text(s.key): s.key for s in sites}
            spelled.update({normalise_text(s.name): s.key for s in sites})
            for text in {key, str(spec.get("name") or key)}:
                if normalise_text(text) in spelled:  # data match sites without case/spacing
                    self.problem(where, f"site {text!r} is spelled like site "
                                 f"{spelled[normalise_text(text)]!r} (case and spacing are "
                                 "ignored when the data name a site)", value=text,
                                 expected="keys and names that differ in more than case")
            values: dict[str, str] = {}
            for attr, attribute in attrs.items():
                raw = spec.get(attr)
                if raw is None:
                    continue
                found = attribute.lookup().get(normalise_text(raw))
                if found is None:
                    self.problem(f"{where}.{attr}", "unknown value", value=raw,
                                 expected=", ".join(attribute.keys()))
                else:
                    values[attr] = found
            known = {"key", "name", "invited", "open_exchange", "article", *attrs}
            article = spec.get("article")
            if article is not None and article not in ("der", "die", "das", ""):
                self.problem(f"{where}.article", "the German article of the site's name",
                             value=article, expected='der, die, das or "" (none)')
                article = None
            open_exchange = spec.get("open_exchange", False)
            if not isinstance(open_exchange, bool):
                self.problem(f"{where}.open_exchange", "must be true or false",
                             value=open_exchange)
                open_exchange = False
            for extra in (set(spec) - known) if codebook is not None else ():
                self.problem(where, f"unknown site field{did_you_mean(extra, known)}", value=extra,
                             expected=", ".join(sorted(known)))
            invited: dict[str, int] = {}
            for wave, count in self.section(f"{where}.invited", spec.get("invited"),
                                            None).items():
                if str(wave) not in waves:
                    self.problem(f"{where}.invited", "unknown wave", value=wave,
                                 expected=", ".join(sorted(waves)))
                elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    self.problem(f"{where}.invited", "must be a count >= 0", value=count)
                else:
                    invited[str(wave)] = count
            sites.append(Site(key=key, name=str(spec.get("name") or key), attributes=values,
                              invited=invited, open_exchange=open_exchange,
                              article=article))
        return tuple(sites)

    def survey(self, node: Any, waves: set[str], sites: set[str]) -> tuple[SurveyFile, ...]:
        if isinstance(node, (str, dict)):
            node = [node]
        if not isinstance(node, list) or not node:
            self.problem("survey", "a project needs at least one survey file", value=node)
            return ()
        files = []
        for i, spec in enumerate(node):
            where = f"survey[{i}]"
            if isinstance(spec, str):
                spec = {"path": spec}
            if not isinstance(spec, dict):
                self.problem(where, "expected a path or a mapping with 'path'", value=spec)
                continue
            path = self.path(f"{where}.path", spec.get("path"))
            fmt = spec.get("format", "auto")
            if fmt not in SURVEY_FORMATS:
                self.problem(f"{where}.format", "unknown survey format", value=fmt,
                             expected=", ".join(SURVEY_FORMATS))
            wave = spec.get("wave")
            if wave is None and len(waves) == 1:
                wave = next(iter(waves))  # the one wave of the project
            if wave is not None and str(wave) not in waves:
                self.problem(f"{where}.wave", "unknown wave", value=wave,
                             expected=", ".join(sorted(waves)))
            site = spec.get("site")
            if site is not None and str(site) not in sites:
                self.problem(f"{where}.site", "unknown site", value=site)
            self.section(where, spec, SURVEY_FILE_KEYS)
            options = {k: v for k, v in spec.items()
                       if k in SURVEY_FILE_KEYS - {"path", "format", "wave", "site"}}
            self.survey_options(where, options)
            for code, key in (options.get("site_codes") or {}).items():
                if isinstance(options["site_codes"], dict) and str(key) not in sites:
                    self.problem(f"{where}.site_codes.{code}", "unknown site", value=key,
                                 expected=", ".join(sorted(sites)))
            if path is not None:
                files.append(SurveyFile(path=path, format=fmt,
                                        wave=None if wave is None else str(wave),
                                        site=None if site is None else str(site),
                                        options=options))
        return tuple(files)

    def participation(self, node: Any) -> dict[str, Path]:
        if not isinstance(node, dict):
            self.problem("participation", "must be a mapping of table -> path", value=node)
            return {}
        tables = {}
        for table, raw in node.items():
            if table not in PARTICIPATION_TABLES:
                self.problem("participation", "unknown participation table", value=table,
                             expected=", ".join(PARTICIPATION_TABLES))
                continue
            path = self.path(f"participation.{table}", raw)
            if path is not None:
                tables[table] = path
        return tables

    def survey_options(self, where: str, options: dict[str, Any]) -> None:
        for problem in survey_option_problems(where, options, self.valid_codes):
            self.problem(*problem[:2], **problem[2])

    def privacy(self, node: Any) -> Privacy:
        defaults = Privacy()
        k = node.get("min_group_size", defaults.min_group_size)
        if not isinstance(k, int) or isinstance(k, bool) or k < MIN_K_FLOOR:
            self.problem("privacy.min_group_size", "minimum group size must be an integer of "
                         f"at least {MIN_K_FLOOR}", value=k)
            k = defaults.min_group_size
        flags = {}
        for flag in ("open_benchmarking", "free_text"):
            value = node.get(flag, getattr(defaults, flag))
            if not isinstance(value, bool):
                self.problem(f"privacy.{flag}", "must be true or false", value=value)
                value = False
            flags[flag] = value
        raters = node.get("min_raters_per_organisation", defaults.min_raters_per_organisation)
        if not isinstance(raters, int) or raters < 3:
            self.problem("privacy.min_raters_per_organisation", "must be an integer >= 3",
                         value=raters)
            raters = 3
        env = str(node.get("pseudonym_key_env", defaults.pseudonym_key_env))
        if not KEY_ENV.fullmatch(env) or env in COMMON_ENVIRONMENT or env.startswith(
                COMMON_ENVIRONMENT_PREFIXES):
            self.problem("privacy.pseudonym_key_env", "must name an environment variable "
                         "that holds only the pseudonym key, not one the system sets",
                         value=env, expected="e.g. TRANSFER_EVAL_KEY")
            env = defaults.pseudonym_key_env
        return Privacy(min_group_size=k, pseudonym_key_env=env,
                       min_raters_per_organisation=raters, **flags)

    def branding(self, node: Any, name: str) -> Branding:
        logo = node.get("logo")
        logo_path = self.path("branding.logo", logo) if logo else None
        if logo_path is not None and not is_image(logo_path):
            self.problem("branding.logo", "the logo is not a PNG, JPEG, GIF or SVG image",
                         value=logo)
            logo_path = None
        colours = self.section("branding.colours", node.get("colours"), {"primary", "accent"})
        for key, value in colours.items():
            if not (isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value)):
                self.problem(f"branding.colours.{key}", "colours are hex codes", value=value,
                             expected="#rrggbb")
        ok = {k: v for k, v in colours.items()
              if isinstance(v, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", v)}
        return Branding(project_name=str(node.get("project_name") or name), logo=logo_path,
                        primary_colour=ok.get("primary", "#1f5f8b"),
                        accent_colour=ok.get("accent", "#c8553d"))
