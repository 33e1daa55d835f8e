"""The conference digest on the example project: planted facts found, nothing disclosed.

The example plants (surveys/example/README.md): synergy goes with network_management and
shared_goals only; K07 improves strongly from w1 to w3 and no other site has a planted
change; volunteers rate trust lower. The digest must say so at pool level, without a site
key or name, without causal verbs, every number on at least k respondents.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis import compute_results
from evaluation.config import load_project
from evaluation.io import validate_project
from evaluation.peers import partners as peers
from evaluation.pipeline import results_meta
from evaluation.report import digest
from evaluation.results import Results

EXAMPLE = Path(__file__).resolve().parents[2] / "surveys" / "example"
#: verbs that claim an effect; the digest may only speak of associations
CAUSAL = {
    "de": ["bewirk", "verursach", "führt zu", "führen zu", "sorgt für", "sorgen für", "löst",
           "beeinfluss", "Einfluss", "Wirkung von", "steigert", "steigern", "erhöht", "erhöhen",
           "weil", "deshalb", "dadurch", "Treiber"],
    "en": ["cause", "lead to", "leads to", "result in", "drive", "driver", "effect of",
           "influence", "increases", "raises", "because", "therefore", "impact of"],
}


@pytest.fixture(scope="module")
def example():
    project = load_project(EXAMPLE)
    validation = validate_project(project)
    results = compute_results(project, validation.survey, validation.participation, n_boot=0)
    results.meta.update(results_meta(project, {"data_sha256": "x" * 64}))
    return results


@pytest.fixture(scope="module", params=["de", "en"])
def table(request, example):
    return digest.findings(example, request.param)


def _sites(results, only: set[str] | None = None) -> set[str]:
    """Keys and names of the sites (of ``only`` where given)."""
    sites = [s for s in results.meta["sites"] if only is None or s["key"] in only]
    return {s["key"] for s in sites} | {s["name"] for s in sites}


def test_the_digest_has_five_to_eight_findings_each_with_evidence(table):
    assert 5 <= len(table) <= 8
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert set(table["evidence"]) <= {"strong", "medium", "weak"}
    assert table["text"].str.len().gt(80).all()
    assert list(table.columns) == ["rank", "finding_key", "title", "text", "evidence",
                                   "evidence_label", "n", "unit", "wave", "value"]


def test_the_digest_names_the_planted_drivers_of_synergy_and_no_other(example):
    table = digest.findings(example, "de")
    drivers = table.set_index("finding_key").at["drivers", "text"]
    # the German labels: "Professionelles Netzwerkmanagement", "Gemeinsame, regelmäßig
    # überprüfte Ziele"
    assert "Netzwerkmanagement" in drivers
    assert "Ziele" in drivers
    assert "mit zwei Erfolgsfaktoren" in drivers
    for other in ("Vertrauen", "Transparenz", "Netzwerkregeln", "Flexibilität"):
        assert other not in drivers
    assert "kein Beleg für eine Wirkung" in drivers
    assert table.set_index("finding_key").at["drivers", "evidence"] == "strong"


def test_the_planted_improvement_of_one_site_shows_as_a_count_without_its_name(example):
    # K07 improves on 13 of 16 factors (README, fact 2); the digest says "one of 18" and
    # names no site
    for language, start in (("de", "Eine von 18 Kommunen"), ("en", "One of 18 municipalities")):
        row = digest.findings(example, language).set_index("finding_key").loc["sites_improved"]
        assert row["value"] == 1
        assert row["text"].startswith(start)
        assert "K07" not in row["text"]
        assert "Mühlengrund" not in row["text"]


def test_the_volunteer_trust_gap_is_reported_as_consistent(example):
    row = digest.findings(example, "de").set_index("finding_key").loc["eye_level"]
    assert row["text"].startswith("Eine Lücke bei der Augenhöhe: Ehrenamtliche bewerten "
                                  "„Vertrauen und Augenhöhe“")
    assert row["evidence"] == "strong"  # different in all three waves


def test_the_eye_level_finding_follows_the_attributes_the_project_configures(example):
    """An instrument whose eye-level comparison is by actor type only: the finding names
    actor-type groups, never paid staff and volunteers."""
    results = copy.copy(example)
    results.meta = {**example.meta, "eye_level": {"by": ["actor_type"],
                                                  "scales": ["trust", "benefit"]}}
    text = digest.findings(results, "de").set_index("finding_key").loc["eye_level", "text"]
    assert "Ehrenamtliche" not in text
    assert "Hauptamtliche" not in text
    # in the example the actor types do not differ beyond chance in the last wave
    assert text.startswith("Die Gruppen nach „Akteurstyp“ bewerten „Erkennbarer Nutzen für "
                           "jeden Akteur“ und „Vertrauen und Augenhöhe“ über alle Kommunen "
                           "ähnlich")


def test_a_pooled_change_that_survives_the_correction_is_named_and_graded_strong(example):
    # only K07 changes (planted), by enough to lift the pool's mean of commitment; with the
    # panel members' respondent intercept the wave model compares them within person, and
    # commitment's rise (p = .003) survives Holm across 16 factors; the midline rose too
    row = digest.findings(example, "de").set_index("finding_key").loc["pooled_change"]
    assert row["evidence"] == "strong"
    assert row["text"].endswith("Nach Korrektur für 16 Tests (Holm) bleibt eine gesichert: "
                                "„Verbindlichkeit und Verlässlichkeit“.")


def test_no_text_names_a_site(example, table):
    text = " ".join(table["text"]) + " ".join(table["title"])
    for word in _sites(example):
        assert re.search(rf"\b{re.escape(word)}\b", text) is None, word


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_text_uses_a_causal_verb(example, language):
    text = " ".join(digest.findings(example, language)["text"]).lower()
    for verb in CAUSAL[language]:
        assert verb.lower() not in text, verb


def test_every_finding_rests_on_at_least_k(example, table):
    assert (table["n"] >= example.meta["min_group_size"]).all()
    assert set(table["unit"]) <= {"respondents", "responses", "organisations"}


def test_a_finding_below_k_is_dropped(example):
    strict = copy.copy(example)
    strict.meta = {**example.meta, "min_group_size": 300}
    table = digest.findings(strict, "de")
    assert (table["n"] >= 300).all()
    assert "drivers" not in set(table["finding_key"])  # rests on 271 complete cases


def test_the_digest_is_the_same_every_time(example):
    pd.testing.assert_frame_equal(digest.findings(example, "de"), digest.findings(example, "de"))


def test_a_scale_the_wave_model_could_not_carry_is_not_counted_as_a_test(example):
    model = example.tables["wave_model"].copy()
    first = model[C.SCALE].iloc[0]
    model.loc[model[C.SCALE] == first, [C.PVALUE, C.CI_LOW, C.CI_HIGH, C.ESTIMATE]] = np.nan
    changed = Results(tables={**example.tables, "wave_model": model}, meta=example.meta,
                      objects=example.objects)

    def tests_counted(results: Results) -> int:
        table = digest.findings(results, "de")
        text = " ".join(table.loc[table["finding_key"] == "pooled_change", "text"])
        return int(re.search(r"(?:für|keinem der) (\d+) (?:Tests|Erfolgsfaktoren)", text)[1])

    assert tests_counted(changed) == tests_counted(example) - 1


def test_an_unknown_language_is_refused(example):
    with pytest.raises(ValueError, match="unknown report language 'fr'"):
        digest.findings(example, "fr")


# --------------------------------------------------- peer learning on the example project

def test_partner_hints_on_the_example_name_only_sites_that_both_agreed(example):
    """Five sites of the example agreed to open exchange (README): a hint names another
    site only where both did; every other hint names none."""
    opted = {s["key"] for s in example.meta["sites"] if s.get("open_exchange")}
    assert opted == {"K03", "K07", "K08", "K12", "K14"}
    named_somewhere = False
    for site in [s["key"] for s in example.meta["sites"]]:
        allowed = _sites(example, only=opted - {site}) if site in opted else set()
        for language in ("de", "en"):
            for hint in peers.partner_peer_hint(site, example, language=language):
                found = {w for w in _sites(example)
                         if re.search(rf"\b{re.escape(w)}\b", hint)}
                assert found <= allowed, (site, hint)
                named_somewhere |= bool(found)
    assert named_somewhere  # the demo shows a named learning partner


def test_the_suppressed_site_wave_of_the_example_is_never_used_for_peers(example):
    # K18 has 3 respondents in w2 (README, fact 4)
    tables = peers.peer_tables(example, wave="w2")
    assert "K18" not in set(tables["peer_suggestions"][["site", "peer"]].stack())
    assert "K18" not in set(tables["tandems"][["site_a", "site_b", "site_c"]].stack().dropna())
    assert "K18" not in set(tables["peer_groups"]["site"])
    assert peers.partner_peer_hint("K18", example, wave="w2") == []
    members = tables["tandems"][["site_a", "site_b", "site_c"]].stack().dropna()
    assert sorted(members) == [f"K{i:02d}" for i in range(1, 18)]  # the 17 others, once each


def test_slides_say_findings_in_plain_words_and_keep_the_figures_for_the_notes():
    from evaluation.report.slide_cells import plain_words

    text = ("Bei 2 von 16 Erfolgsfaktoren schließt das 95-%-Konfidenzintervall des Anstiegs 0 "
            "aus („Verbindlichkeit“ +0,12 [0,03; 0,22]; Skalenpunkte, Mehrebenenmodell), bei "
            "keinem gilt das für einen Rückgang.")
    assert plain_words(text, "de") == ("Bei 2 von 16 Erfolgsfaktoren ist der Anstieg für sich "
                                       "genommen größer als die statistische Unsicherheit, bei "
                                       "keinem gilt das für einen Rückgang.")
    english = "Paid staff rate trust higher (r = 0.34; beyond chance)."
    assert plain_words(english, "en") == "Paid staff rate trust higher."
    assert plain_words("Zwischen Gruppen (etwa Vereinen) kein Unterschied.", "de") == \
        "Zwischen Gruppen (etwa Vereinen) kein Unterschied."  # words in brackets stay


def test_a_final_report_shows_the_course_over_all_waves_with_dashes_below_k(example):
    """Deliver 1 of the report-content issue: a trend over all waves. K18 had 3 respondents in
    w2 (README, fact 4): its midline is a dash, never a number."""
    import numpy as np

    from evaluation.report import build_site_view, sections

    view = build_site_view(example, "K18", "w3")
    assert list(view.trend.columns[-3:]) == ["w1", "w2", "w3"]
    assert view.trend["w2"].isna().all()
    assert np.isfinite(view.trend["w3"]).all()
    text = sections.change(view, "de")
    assert "Verlauf über alle Wellen in Schwalbenried" in text
    k07 = build_site_view(example, "K07", "w3").trend.set_index("scale")
    assert k07.loc["commitment", "w1"] < k07.loc["commitment", "w3"]  # planted rise (fact 2)
    assert sections.trend(build_site_view(example, "K07", "w2"), "de") == ""  # two waves only


def test_the_network_message_says_how_the_network_changed_since_the_last_wave(example):
    from evaluation.report import build_site_view
    from evaluation.report.messages import network_message

    view = build_site_view(example, "K07", "w3")
    changes = view.network_changes
    text = network_message(view, "de").text
    assert (f"Seit der Zwischenerhebung sind {int(changes['gained'])} Beziehungen neu "
            f"hinzugekommen und {int(changes['lost'])} weggefallen.") in text
    assert "Seit der" not in network_message(build_site_view(example, "K07", "w1"), "de").text
    # K18's midline is below k (README fact 4): no number is tied to that wave
    assert "Zwischenerhebung" not in network_message(build_site_view(example, "K18", "w3"),
                                                     "de").text
