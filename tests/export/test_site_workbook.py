"""The partner workbook of one site: the view's figures and nothing else, safe, reproducible.

Figures are read back with pandas and compared with the :class:`SiteView` they came from, on
K07 of the example (w3) and on the small six-site results of tests/report (K06 has fewer
than k answers in w2; two of K01's ideas have fewer than k raters), and on the second
example instrument (surveys/example-own: seven answers, a scale on which lower is better).
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis import compute_results
from evaluation.config import load_project
from evaluation.errors import LanguageError
from evaluation.export import SHEET_NAME_LIMIT, write_site_workbook
from evaluation.export.site_words import WORDS, assessment, change_words, word
from evaluation.io import validate_project
from evaluation.pipeline import results_meta
from evaluation.report import MIN_POOL_SITES, build_site_view
from evaluation.report.sections import assessment as report_assessment
from evaluation.report.texts import TEXTS, change_reading
from tests.conftest import ROOT

OWN = ROOT / "surveys" / "example-own"
DE_SHEETS = ["Erläuterungen", "Profil", "Veränderung", "Veränderung seit Beginn", "Verlauf",
             "Herausforderungen", "Beteiligung", "Beteiligung nach Format", "Ideen", "Ziele"]


@pytest.fixture(scope="module")
def k07(example, tmp_path_factory) -> tuple[object, Path]:
    _, results = example
    view = build_site_view(results, "K07", "w3")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        path = write_site_workbook(view, tmp_path_factory.mktemp("k07") / "K07.xlsx")
    return view, path


def same(workbook_values, view_values) -> None:
    """The workbook holds the view's figures: equal to 16 significant digits (openpyxl writes
    numbers with ``%.16g``; Excel itself computes with 15), empty where the view has none."""
    np.testing.assert_allclose(pd.Series(workbook_values).to_numpy(float),
                               pd.Series(view_values).to_numpy(float), rtol=1e-15, atol=0)


def _sheet(path: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name)


def _cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def test_the_workbook_has_the_explanation_first_and_one_sheet_per_part_of_the_report(k07):
    _, path = k07
    assert openpyxl.load_workbook(path).sheetnames == DE_SHEETS


def test_the_profile_holds_the_views_figures_and_its_words(k07):
    view, path = k07
    sheet = _sheet(path, "Profil")
    factors = view.factors
    assert sheet["Bereich"].tolist() == factors["label_de"].tolist()
    assert sheet["Antworten"].tolist() == factors["n"].tolist()
    for header, column in [("Mittelwert", "mean"), ("95-%-Intervall von", "ci_low"),
                           ("95-%-Intervall bis", "ci_high"), ("andere Kommunen", "benchmark"),
                           ("Unterschied", "difference")]:
        same(sheet[header], factors[column])
    flags = dict(zip(sheet["Bereich"], sheet["Einordnung"], strict=True))
    assert flags["Vertrauen und Augenhöhe"] == "▲ über dem Durchschnitt"
    assert flags["Persönliches Engagement"] == "▼ unter dem Durchschnitt"
    assert flags["Autonomie der Akteure"] == "kein deutlicher Unterschied"


def test_change_trend_and_change_since_baseline_hold_the_views_figures(k07):
    view, path = k07
    for name, table in [("Veränderung", view.change), ("Veränderung seit Beginn",
                                                       view.since_baseline)]:
        sheet = _sheet(path, name)
        since = view.labels.wave_label(table["wave_from"].iloc[0], "de")
        assert sheet[f"Antworten {since}"].tolist() == table["n_from"].tolist()
        same(sheet[f"Mittelwert {since}"], table["mean_from"])
        same(sheet["Veränderung"], table["difference"])
        clear = sheet["Einordnung"].str.contains("deutlich gestiegen").to_numpy()
        assert (clear == table["clear"].to_numpy(bool)).all()
    trend = _sheet(path, "Verlauf")
    assert list(trend.columns[2:]) == ["Mittelwert Ausgangserhebung",
                                       "Mittelwert Zwischenerhebung",
                                       "Mittelwert Abschlusserhebung"]
    same(trend.iloc[:, 2:].to_numpy().ravel(), view.trend[["w1", "w2", "w3"]].to_numpy().ravel())


def test_challenges_participation_ideas_and_goals_hold_the_views_figures(k07):
    view, path = k07
    challenges = _sheet(path, "Herausforderungen")
    same(challenges["Zustimmung"], view.challenges["share_agree"])
    same(challenges["Zustimmung andere Kommunen"], view.challenges["others_share_agree"])
    participation = _sheet(path, "Beteiligung")
    assert participation["Anzahl"].iloc[0] == view.participation["n_events"]
    same(participation["Anteil"].dropna(), [view.participation["attending_share"],
                                            view.participation["decision_maker_share"]])
    events = _sheet(path, "Beteiligung nach Format")
    assert events["Personen"].tolist() == view.participation_by_event["attendees"].tolist()
    same(events["Anteil Leitungsebene"], view.participation_by_event["decision_maker_share"])
    ideas = _sheet(path, "Ideen")
    assert ideas["Idee"].tolist() == view.ideas["title"].tolist()
    same(ideas["Wirkung"], view.ideas["impact"])
    goals = _sheet(path, "Ziele")
    assert goals["angestrebte Stufe"].tolist() == view.goals["stage_targeted"].tolist()
    assert goals["erreicht"].tolist() == ["ja" if r else "nein" for r in view.goals["reached"]]


def test_figures_the_partner_report_leaves_out_stay_out_of_the_workbook(k07):
    view, path = k07
    events = _sheet(path, "Beteiligung nach Format")
    assert "decision_makers" in view.participation_by_event  # the view holds the count ...
    assert "Leitungsebene" not in " ".join(events.columns[:-1])  # ... the workbook the share
    assert {"mso_share_active", "gini_attendance"} <= set(view.participation)
    assert _sheet(path, "Beteiligung")["Kennzahl"].tolist() == [
        "Veranstaltungen in dieser Welle", "aktive Organisationen",
        "Organisationen, die teilgenommen haben",
        "Anteil der aktiven Organisationen, die teilgenommen haben",
        "teilnehmende Personen (über alle Veranstaltungen)",
        "Anteil der Teilnehmenden aus der Leitungsebene"]  # K07 has too few MSOs to show
    assert "innovation" in view.ideas
    assert list(_sheet(path, "Ideen").columns) == [
        "Idee", "Kennung", "Stand", "Bewertende", "Umsetzbarkeit", "Wirkung", "Einordnung"]


def test_the_explanation_states_the_site_wave_date_k_rule_pool_and_every_column(k07):
    _, path = k07
    text = _sheet(path, "Erläuterungen").to_string()
    for fact in ["Landkreis Mühlengrund", "Abschlusserhebung", "01.11.2026",
                 "Beispielprojekt Integrationsnetzwerke", "33 Antworten von 47",
                 "17 andere Kommunen", "Weniger als 5 Antworten: keine Zahl",
                 "ohne Ihre eigene Kommune", "Synthetische Daten", "Stufe 7"]:
        assert fact in text, fact
    for name in DE_SHEETS[1:]:
        assert name in text
        for header in _sheet(path, name).columns:
            assert header in text, (name, header)


def test_numbers_are_formatted_headers_frozen_and_sheet_names_short(k07):
    _, path = k07
    book = openpyxl.load_workbook(path)
    assert all(len(name) <= SHEET_NAME_LIMIT for name in book.sheetnames)
    profile = book["Profil"]
    assert profile.freeze_panes == "A2"
    assert profile["A1"].font.bold
    assert [c.number_format for c in profile[2]][2:8] == ["0", "0.00", "0.00", "0.00", "0.00",
                                                         "0.00"]
    assert book["Herausforderungen"]["C2"].number_format == "0%"
    assert profile.column_dimensions["A"].width > profile.column_dimensions["C"].width
    assert book.properties.creator == "transfer-evaluation"


def test_the_same_view_gives_the_same_bytes_stamped_with_the_report_date(k07, tmp_path,
                                                                         monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    view, path = k07
    again = write_site_workbook(view, tmp_path / "again.xlsx")
    assert again.read_bytes() == path.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 1, 0, 0, 0)}
        assert b"2026-11-01T00:00:00Z" in archive.read("docProps/core.xml")
    assert not [p for p in tmp_path.iterdir() if p.name != "again.xlsx"]  # no temporary file


def test_source_date_epoch_stamps_the_workbook_as_it_stamps_every_page(k07, tmp_path,
                                                                       monkeypatch):
    view, _ = k07
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    path = write_site_workbook(view, tmp_path / "epoch.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert openpyxl.load_workbook(path).properties.created.isoformat() == "2023-11-14T22:13:20"


def test_english_gives_english_sheets_headers_and_words(k07, tmp_path):
    view, _ = k07
    path = write_site_workbook(view, tmp_path / "en.xlsx", language="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["Explanations", "Profile", "Change"]
    profile = _sheet(path, "Profile")
    assert list(profile.columns[:4]) == ["Area", "Kind", "Answers", "Mean"]
    assert "▲ above average" in set(profile["Assessment"])
    with pytest.raises(LanguageError):
        write_site_workbook(view, tmp_path / "fr.xlsx", language="fr")


def test_a_site_wave_below_k_gives_only_the_explanation_without_a_figure(small, tmp_path):
    view = build_site_view(small, "K06", "w2")
    assert not view.shown
    path = write_site_workbook(view, tmp_path / "K06.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["Erläuterungen"]
    cells = _cells(path)
    assert not [c.value for c in cells if c.data_type == "n" and c.value is not None]
    text = " ".join(str(c.value) for c in cells if c.value is not None)
    assert "weniger als 5 Personen geantwortet" in text
    assert "weniger als 5 Antworten" in text
    assert not re.search(r"(?<![\d.])3(?![\d.])", text)  # K06's 3 answers appear nowhere


def test_a_scale_below_k_in_a_shown_wave_shows_no_number(small, tmp_path):
    table = small.tables["site_vs_pool"]
    row = (table[C.SITE] == "K01") & (table[C.WAVE] == "w2") & (table[C.SCALE] == "trust")
    small.tables["site_vs_pool"] = table.assign(suppressed=table["suppressed"].mask(row, True))
    view = build_site_view(small, "K01", "w2")
    assert view.factors.set_index("scale").at["trust", "suppressed"]
    path = write_site_workbook(view, tmp_path / "K01.xlsx")
    profile = _sheet(path, "Profil").set_index("Bereich")
    hidden = profile.loc["Vertrauen und Augenhöhe"]
    assert hidden.drop(["Art", "Einordnung"]).isna().all()
    assert hidden["Einordnung"] == "zu wenige Antworten"
    assert profile.drop(index="Vertrauen und Augenhöhe")["Mittelwert"].notna().all()


def test_ideas_rated_by_fewer_than_k_people_show_no_rating(small, tmp_path):
    view = build_site_view(small, "K01", "w2")
    ideas = _sheet(write_site_workbook(view, tmp_path / "K01.xlsx"), "Ideen").set_index("Idee")
    few = ideas.loc[["Sprachcafé im Rathaus", "Runder Tisch Wohnen"]]  # 4 and 3 raters
    assert few[["Bewertende", "Umsetzbarkeit", "Wirkung"]].isna().all().all()
    assert set(few["Einordnung"]) == {"von weniger als 5 Personen bewertet"}
    assert ideas.at["Begrüßungsmappe", "Bewertende"] == 5


def test_without_enough_other_sites_no_comparison_value_is_shown(small, tmp_path):
    view = build_site_view(small, "K01", "w2")
    view = dataclasses.replace(view, n_pool_sites=MIN_POOL_SITES - 1)
    profile = _sheet(write_site_workbook(view, tmp_path / "K01.xlsx"), "Profil")
    assert profile["andere Kommunen"].isna().all()
    assert profile["Unterschied"].isna().all()
    assert set(profile["Einordnung"]) == {"kein Vergleich möglich"}
    challenges = _sheet(tmp_path / "K01.xlsx", "Herausforderungen")
    assert challenges["Zustimmung andere Kommunen"].isna().all()


def test_a_formula_in_an_idea_title_or_a_site_name_is_stored_as_text(small, tmp_path):
    ideas = small.tables["idea_matrix"]
    small.tables["idea_matrix"] = ideas.assign(
        title=['=HYPERLINK("http://evil.example","x")', "+1+1", "@SUM(A1)"])
    small.meta["sites"] = [dict(s, name="=cmd|'/C calc'!A0") if s["key"] == "K01" else s
                           for s in small.meta["sites"]]
    path = write_site_workbook(build_site_view(small, "K01", "w2"), tmp_path / "K01.xlsx")
    cells = _cells(path)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    titles = _sheet(path, "Ideen")["Idee"].tolist()
    assert titles == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+1", "'@SUM(A1)"]
    texts = [str(c.value) for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "@"))]
    assert "Netzwerkbericht =cmd" in " ".join(texts)  # inside a sentence it is harmless


def test_control_characters_in_the_data_do_not_break_the_workbook(small, tmp_path):
    small.meta["sites"] = [dict(s, name="Linden\x00au\x1b") if s["key"] == "K01" else s
                           for s in small.meta["sites"]]
    path = write_site_workbook(build_site_view(small, "K01", "w2"), tmp_path / "K01.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.properties.title == "Netzwerkbericht Linden\ufffdau\ufffd: Tabellen"
    assert book["Erläuterungen"]["A1"].value == book.properties.title


def test_the_second_instrument_names_its_seven_answers_and_its_lower_is_better_scale(
        tmp_path):
    project = load_project(OWN)
    validation = validate_project(project)
    results = compute_results(project, validation.survey, validation.participation, n_boot=0)
    results.meta.update(results_meta(project, {"data_sha256": "x" * 64}))
    view = build_site_view(results, "K01", project.wave_keys[0])
    path = write_site_workbook(view, tmp_path / "own.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["Erläuterungen", "Profil"]  # one wave
    text = _sheet(path, "Erläuterungen").to_string()
    assert "bis 7 („stimme voll und ganz zu“)" in text
    assert "außer bei „Belastung durch die Netzwerkarbeit“" in text
    same(_sheet(path, "Profil")["Mittelwert"], view.factors["mean"])


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("higher_is_better", [True, False])
def test_assessments_are_worded_as_in_the_partner_report(language, higher_is_better):
    for flag in ("strength", "weakness", "none"):
        row = {"suppressed": False, "flag": flag, "higher_is_better": higher_is_better}
        assert assessment(row, pool_shown=True, language=language) == report_assessment(
            pd.Series(row), language)
    for difference in (0.4, -0.4):
        assert change_words(difference, True, higher_is_better, language) == change_reading(
            difference, higher_is_better, language)


def test_the_workbook_says_what_the_partner_report_says():
    for key in ("above", "below", "below_good", "above_bad", "within", "hidden", "higher",
                "lower", "worse_here", "better_here"):
        assert key not in WORDS  # the report's own words, not a copy
        assert word(key, "de") == TEXTS[key][0]
    assert word("suppressed", "de", k=5) == TEXTS["suppressed"][0].format(k=5)


def test_anything_but_a_site_view_is_refused(small, tmp_path):
    with pytest.raises(TypeError, match="SiteView"):
        write_site_workbook(small, tmp_path / "x.xlsx")  # type: ignore[arg-type]
