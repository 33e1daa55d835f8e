"""Shared fixtures: a small codebook and a small project built inside the tests."""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "example"
DEFAULT_INSTRUMENT = ROOT / "surveys" / "instruments" / "default.yml"


def copy_example(folder: Path) -> Path:
    """Copy the example project, with the instrument library beside it, into ``folder``;
    return the copied project folder (``folder/surveys/example``)."""
    project = folder / "surveys" / "example"
    shutil.copytree(EXAMPLE, project)
    shutil.copytree(EXAMPLE.parent / "instruments", folder / "surveys" / "instruments")
    return project


def tree_sha256(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file below ``folder``, by its path relative to ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def report_sha256(folder: Path) -> dict[str, str]:
    """:func:`tree_sha256` of an output folder without its run folder and lock file."""
    return {k: v for k, v in tree_sha256(folder).items()
            if not k.startswith("_run") and not k.endswith(".lock")}


#: the formats besides HTML that :func:`example_output` writes (where Chromium is installed)
EXAMPLE_FORMATS = ("pdf", "docx")


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The example project run once per test process with real kernels and every format
    (PDF and Word where Chromium is installed), for the tests that read what a run writes."""
    import time

    from evaluation.pipeline import run_pipeline
    from evaluation.render import chromium_path

    out = tmp_path_factory.mktemp("example-output") / "example"
    formats = EXAMPLE_FORMATS if chromium_path() is not None else ()
    start = time.perf_counter()
    summary = run_pipeline(EXAMPLE, out, jobs=2, progress=False, formats=formats)
    print(f"example pipeline with {formats}: {time.perf_counter() - start:.0f} s "
          f"{summary.seconds}")
    assert summary.ok, [f.error for f in summary.failures] + [
        r["error"] for r in summary.reports if r.get("failed")]
    return out


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the example project in the test's own folder (see :func:`copy_example`)."""
    return copy_example(tmp_path)

SMALL_CODEBOOK: dict[str, Any] = {
    "codebook": "small",
    "version": "0.1",
    "title": {"de": "Kleines Instrument", "en": "Small instrument"},
    "response_scale": {"min": 1, "max": 5, "labels": {
        1: {"de": "trifft gar nicht zu", "en": "not at all"},
        2: {"de": "trifft eher nicht zu", "en": "rather not"},
        3: {"de": "teils/teils", "en": "partly"},
        4: {"de": "trifft eher zu", "en": "rather"},
        5: {"de": "trifft voll zu", "en": "fully"}}},
    "missing": {"codes": {-9: "no_answer", -1: "cannot_judge", -2: "not_shown"},
                "blank": "no_answer"},
    "answer_codes": {"A1": 1, "A2": 2, "A3": 3, "A4": 4, "A5": 5, "A6": "cannot_judge"},
    "min_valid_share": 0.667,
    "factors": {
        "trust": {"label": {"de": "Vertrauen", "en": "Trust"}, "items": {
            "trust_1": {"de": "Wir vertrauen uns.", "en": "We trust each other."},
            "trust_2": {"de": "Wir sind auf Augenhöhe.", "en": "We meet as equals."},
            "trust_3": {"de": "Einige bestimmen allein.", "en": "Some decide alone.",
                        "reverse": True}}},
        "benefit": {"label": {"de": "Nutzen", "en": "Benefit"}, "items": {
            "benefit_1": {"de": "Es lohnt sich.", "en": "It pays off."},
            "benefit_2": {"de": "Wir profitieren.", "en": "We benefit."}}},
    },
    "outcomes": {"synergy": {"label": {"de": "Synergie", "en": "Synergy"}, "items": {
        "synergy_1": {"de": "Gemeinsam erreichen wir mehr.", "en": "Together we achieve more."}}}},
    "challenges": {"challenge_funding": {"de": "Finanzierung ist unsicher.",
                                         "en": "Funding is uncertain."}},
    "attributes": {
        "respondent": {
            "actor_type": {"label": {"de": "Akteurstyp", "en": "Actor type"}, "values": {
                "administration": {"code": 1, "de": "Verwaltung / Integrationsstelle",
                                   "en": "Administration"},
                "mso": {"code": 6, "de": "Migrantenorganisation (MSO)",
                        "en": "Migrant organisation"},
                "association_volunteer": {"code": 7, "de": "Verein / Ehrenamt",
                                          "en": "Association / volunteers"}}},
            "employment": {"label": {"de": "Tätigkeit", "en": "Employment"}, "values": {
                "paid": {"code": 1, "de": "hauptamtlich", "en": "paid"},
                "volunteer": {"code": 2, "de": "ehrenamtlich", "en": "volunteer"}}}},
        "numeric": {"years_in_network": {"label": {"de": "Jahre", "en": "Years"},
                                         "min": 0, "max": 60}},
        "municipality": {
            "municipality_type": {"label": {"de": "Typ", "en": "Type"}, "values": {
                "county": {"code": 1, "de": "Landkreis", "en": "County"},
                "independent_city": {"code": 2, "de": "kreisfreie Stadt",
                                     "en": "Independent city"}}}},
    },
    "columns": {"CASE": "respondent", "token": "respondent", "TR[SQ001]": "trust_1",
                "TR[SQ002]": "trust_2", "TR[SQ003]": "trust_3"},
    "ignore": ["submitdate", "lastpage", "SERIAL", "QUESTNNR", "MODE", "STARTED"],
}


@pytest.fixture
def codebook_dict() -> dict[str, Any]:
    """A fresh deep copy of the small codebook, free to modify in a test."""
    return copy.deepcopy(SMALL_CODEBOOK)


def write_project(folder: Path, codebook: dict[str, Any], survey: list[dict[str, Any]],
                  **extra: Any) -> Path:
    """Write a small project (codebook inside the folder) and return its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "codebook.yml").write_text(yaml.safe_dump(codebook, allow_unicode=True),
                                         encoding="utf-8")
    config = {
        "project": {"name": "Testprojekt", "synthetic": True, "report_date": "2026-01-01"},
        "instrument": "codebook.yml",
        "waves": [{"key": "w1"}, {"key": "w2"}],
        "sites": [{"key": "K01", "name": "Lindenau", "municipality_type": "county",
                   "invited": {"w1": 10, "w2": 10}},
                  {"key": "K02", "name": "Birkenfeld", "municipality_type": "independent_city"}],
        "survey": survey,
    }
    config.update(extra)
    (folder / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _no_pseudonym_key_from_the_developer(monkeypatch):
    """Tests see no pseudonym key unless they set one (results must not depend on it)."""
    monkeypatch.delenv("TRANSFER_EVAL_KEY", raising=False)
    monkeypatch.delenv("TRANSFER_EVAL_KEY_FILE", raising=False)
