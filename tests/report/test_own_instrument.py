"""Reports come from the instrument and the data present: an evaluator's own questionnaire on a
7-point scale, one wave, no challenges and no participation data."""

from __future__ import annotations

import copy
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from evaluation.analysis import compute_results
from evaluation.config import load_project
from evaluation.io import validate_project
from evaluation.pipeline import results_meta
from evaluation.report import build_site_view, network_sections, sections
from evaluation.report.chart_text import profile_alt_text
from evaluation.report.charts import profile_chart
from tests.conftest import SMALL_CODEBOOK, write_project

SEVEN = {1: ("stimme überhaupt nicht zu", "strongly disagree"), 2: ("stimme nicht zu", "disagree"),
         3: ("stimme eher nicht zu", "rather disagree"), 4: ("weder noch", "neither"),
         5: ("stimme eher zu", "rather agree"), 6: ("stimme zu", "agree"),
         7: ("stimme voll und ganz zu", "strongly agree")}
SITES = {"K01": "Lindenau", "K02": "Birkenfeld", "K03": "Ahornstadt", "K04": "Eschweiler"}
ITEMS = ("trust_1", "trust_2", "trust_3", "benefit_1", "benefit_2", "synergy_1")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    book = copy.deepcopy(SMALL_CODEBOOK)
    book["response_scale"] = {"min": 1, "max": 7, "labels": {
        code: {"de": de, "en": en} for code, (de, en) in SEVEN.items()}}
    book["answer_codes"] = {}
    book.pop("challenges")
    book["factors"]["strain"] = {
        "label": {"de": "Belastung", "en": "Strain"}, "direction": "lower_is_better",
        "items": {"strain_1": {"de": "Die Netzwerkarbeit belastet mich.",
                               "en": "Network work is a strain on me."},
                  "strain_2": {"de": "Es gibt zu viele Termine.", "en": "There are too many "
                               "meetings."}}}
    folder = tmp_path_factory.mktemp("own") / "project"
    rng = np.random.default_rng(7)
    rows = []
    for site in SITES:
        for i in range(12):
            rows.append({"respondent": f"{site}-{i:02d}", "site": site, "actor_type": "mso",
                         "employment": "paid", "years_in_network": 2,
                         **{item: int(rng.integers(3, 8)) for item in ITEMS},
                         # K01 is clearly more strained than K02: above average, unfavourable
                         **{item: int(rng.integers(6, 8) if site == "K01" else
                                      rng.integers(1, 3)) for item in ("strain_1", "strain_2")}})
    (folder / "data").mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "data" / "survey.csv", index=False)
    write_project(folder, book, [{"path": "data/survey.csv"}])
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    del config["waves"]  # one wave: no wave settings
    config["sites"] = [{"key": key, "name": name} for key, name in SITES.items()]
    (folder / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")
    project = load_project(folder)
    assert [w.key for w in project.waves] == ["w1"]
    validation = validate_project(project)
    computed = compute_results(project, validation.survey, validation.participation, n_boot=0)
    computed.meta.update(results_meta(project, {"data_sha256": "x" * 64}))
    return computed


@pytest.fixture(scope="module")
def view(results):
    return build_site_view(results, "K01", "w1")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(html)))


def test_captions_axes_and_reading_guide_give_the_instruments_own_scale(view):
    assert "Mittelwerte (1 bis 7)" in _text(sections.factor_table(view, "de"))
    assert "Means (1 to 7)" in _text(sections.factor_table(view, "en"))
    guide = _text(sections.reading(view, "de"))
    assert "von 1 („stimme überhaupt nicht zu“) bis 7 („stimme voll und ganz zu“)" in guide
    assert "Skala 1 bis 7" in profile_alt_text(view, "de")
    svg = profile_chart(view, language="de").svg
    assert "1 = stimme überhaupt nicht zu, 7 = stimme voll und ganz zu" in svg
    for language in ("de", "en"):
        page = " ".join(_text(part(view, language)) for part in (
            sections.factor_table, sections.reading, sections.profile))
        assert "1 bis 5" not in page
        assert "1 to 5" not in page
        assert "trifft voll zu" not in page


def test_sections_without_data_in_the_project_are_left_out_not_shown_empty(view):
    for language in ("de", "en"):
        assert sections.change(view, language) == ""
        assert sections.challenges(view, language) == ""
        assert network_sections.network(view, language) == ""
        assert network_sections.ideas(view, language) == ""


def test_the_methods_describe_only_what_the_report_has(view):
    methods = _text(sections.methods(view, "de"))
    assert "mit einer bis drei Aussagen" in methods
    for absent in ("Netzwerk:", "Ideen wurden", "Veränderungen vergleichen"):
        assert absent not in methods


def test_a_one_wave_report_names_no_wave_in_its_title(view):
    title = _text(sections.title(view, "de"))
    assert "Befragung: Befragung" not in title
    assert "Datenbasis" in title or "Antworten" in title


def test_the_profile_names_one_impact_scale_in_the_singular(view):
    assert "Die Wirkungsskala steht unten" in _text(sections.profile(view, "de"))


def test_a_scale_on_which_lower_is_better_is_flagged_read_and_asked_about_that_way(results,
                                                                                 view):
    row = results.tables["site_vs_pool"].query("scale == 'strain' and site == 'K01'").iloc[0]
    assert row["difference"] > 0
    assert row["flag"] == "weakness"
    table = _text(sections.factor_table(view, "de"))
    assert "Belastung 12" in table
    assert "▼ über dem Durchschnitt (hier ungünstig)" in table
    messages = _text(sections.messages(view, "de"))
    assert "Bei „Belastung“ liegt" in messages
    assert "über dem Durchschnitt der anderen Kommunen" in messages
    assert "Hier sind niedrigere Werte günstiger; das ist ungünstig." in messages
    assert "außer bei „Belastung“: dort sind niedrigere Werte günstiger" in _text(
        sections.reading(view, "de"))
    assert "„Belastung“ zu verringern" in _text(sections.questions(view, "de"))
    svg = profile_chart(view, language="de").svg
    assert "niedriger = besser" in svg
    assert "ungünstiger als der Durchschnitt der anderen" in svg
    alt = profile_alt_text(view, "de")
    assert "Über dem Durchschnitt der anderen Kommunen, hier ungünstig: Belastung" in alt
    guide = _text(sections.reading(view, "de"))
    assert "Mit ▲ (günstiger als der Durchschnitt) oder ▼ (ungünstiger)" in guide
    other = build_site_view(results, "K02", "w1")  # among the less strained sites
    assert "▲ unter dem Durchschnitt (hier günstig)" in _text(sections.factor_table(other, "de"))


def test_a_clear_rise_on_a_scale_where_lower_is_better_is_read_as_unfavourable(view):
    import dataclasses

    from evaluation.report.chart_text import change_alt_text

    change = pd.DataFrame([
        {"scale": "strain", "kind": "factor", "label_de": "Belastung", "label_en": "Strain",
         "wave_from": "w0", "n_from": 12, "n_to": 12, "mean_from": 3.0, "mean_to": 4.5,
         "difference": 1.5, "ci_low": 0.8, "ci_high": 2.2, "clear": True},
        {"scale": "trust", "kind": "factor", "label_de": "Vertrauen", "label_en": "Trust",
         "wave_from": "w0", "n_from": 12, "n_to": 12, "mean_from": 4.0, "mean_to": 3.0,
         "difference": -1.0, "ci_low": -1.6, "ci_high": -0.4, "clear": True}])
    w0 = {**view.labels.waves[0], "key": "w0"}  # an earlier wave to compare with
    labels = dataclasses.replace(view.labels, waves=(w0, *view.labels.waves))
    changed = dataclasses.replace(view, change=change, change_from="w0", labels=labels)
    section = _text(sections.change(changed, "de"))
    assert "▲ deutlich gestiegen (hier ungünstig)" in section
    assert "▼ deutlich gesunken" in section
    assert "gesunken (hier" not in section
    from evaluation.report.messages import change_message

    assert change_message(changed, "de").text.endswith(
        "Bei „Belastung“ sind niedrigere Werte günstiger: der Anstieg ist ungünstig.")
    alt = change_alt_text(changed, "de")
    assert "Belastung (3,00 → 4,50, hier ungünstig)" in alt
    assert "(high" not in change_alt_text(changed, "en")
    assert "Strain (3.00 → 4.50, unfavourable here)" in change_alt_text(changed, "en")
