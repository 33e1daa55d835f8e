"""The clean synthetic example project: generate every table and write the folder.

:func:`generate_example` writes ``project.yml``, ``README.md`` and ``data/*.csv``; the same
seed gives byte-identical files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from evaluation.config import Codebook, load_codebook
from evaluation.synthetic.design import (
    DEFAULT_SEED,
    INSTRUMENT,
    OPEN_EXCHANGE,
    PARTICIPATION_FILES,
    REPORT_DATE,
    SITES,
    SURVEY_FILE,
    WAVES,
)
from evaluation.synthetic.files import _csv_text, _instrument_path, _write_text
from evaluation.synthetic.participation import _attendance, _events, _goals, _ideas, _roster, _ties
from evaluation.synthetic.plan import _Plan, _plan, _Tables
from evaluation.synthetic.readme import _readme
from evaluation.synthetic.survey import _survey

log = logging.getLogger("evaluation")


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
        "  contact: {name: Dr. Jana Beispiel, organisation: Wissenschaftliche Begleitung "
        "(erfunden), email: begleitung@example.org, phone: 0123 456789}",
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
        opted = ", open_exchange: true" if site.key in OPEN_EXCHANGE else ""
        lines.append(f"     invited: {{{invited}}}{opted}}}")
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
