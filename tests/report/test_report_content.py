"""Report content (evaluation.report): wording rules, privacy of the site view, charts.

The results are small and built here: scores of six sites in two waves drawn with a fixed
seed and compared with the package's own ``compare_sites`` and ``wave_change``, plus
hand-made challenge, idea and driver tables. Site ``K06`` has 3 respondents in ``w2``
(below k = 5).
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis.compute import Results, compare_sites, pool_scores, shown_sites
from evaluation.analysis.waves import wave_change
from evaluation.errors import ReportError
from evaluation.report import (
    build_site_view,
    chart_html,
    key_messages,
    network_sections,
    questions,
    sections,
)
from evaluation.report.charts import challenges_chart, change_chart, profile_chart
from evaluation.report.labels import labels_from_meta
from evaluation.report.view import MIN_POOL_SITES
from evaluation.stats import wilson_interval
from tests.conftest import DEFAULT_INSTRUMENT

SITES = {"K01": "Ahornstadt", "K02": "Buchenau", "K03": "Landkreis Eichenfeld",
         "K04": "Erlenbach", "K05": "Fichtenhain", "K06": "Ginsterheide"}
SCALES = [("trust", "factor", "Vertrauen und Augenhöhe", "Trust and equal footing"),
          ("shared_goals", "factor", "Gemeinsame Ziele", "Shared goals"),
          ("benefit", "factor", "Erkennbarer Nutzen", "Visible benefit"),
          ("synergy", "outcome", "Wahrgenommene Wirkung", "Perceived impact")]
CHALLENGES = ["challenge_funding", "challenge_turnover"]
#: site effects per scale; K01 is clearly higher on trust, K02 clearly lower on benefit,
#: K03 rises strongly from w1 to w2 on shared_goals
EFFECTS = {("K01", "trust"): 0.9, ("K02", "benefit"): -0.9, ("K03", "shared_goals", "w2"): 1.2}
#: causal wording; "kein Nachweis einer Ursache" / "not proof of a cause" is the disclaimer
FORBIDDEN = re.compile(r"verursach|führt zu|führen zu|\bcauses\b|\bcaused\b|effect|bewirkt",
                       re.IGNORECASE)


def _scores() -> pd.DataFrame:
    rng = np.random.default_rng(20260101)
    rows = []
    for wave in ("w1", "w2"):
        for site in SITES:
            n = 3 if (site, wave) == ("K06", "w2") else 30
            for i in range(n):
                respondent = f"{site}-{wave}-{i:02d}"
                for scale, *_ in SCALES:
                    shift = EFFECTS.get((site, scale), 0.0) + EFFECTS.get((site, scale, wave), 0.0)
                    value = float(np.clip(3.2 + shift + rng.normal(0, 0.6), 1, 5))
                    rows.append({C.RESPONDENT: respondent, C.SITE: site, C.WAVE: wave,
                                 C.SCALE: scale, C.SCORE: value})
    return pd.DataFrame(rows)


def _challenges(scores: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (site, wave), part in shown.groupby([C.SITE, C.WAVE]):
        for j, item in enumerate(CHALLENGES):
            visible = bool(part["shown"].iloc[0])
            share = 0.2 + 0.1 * j + (0.3 if site == "K01" and item == "challenge_funding" else 0)
            rows.append({C.WAVE: wave, C.SITE: site, C.ITEM: item,
                         C.N: 28 if visible else 0, C.MEAN: 2.5 + j if visible else np.nan,
                         "share_agree": share if visible else np.nan,
                         "suppressed": not visible})
    return pd.DataFrame(rows)


def make_results(*, synthetic: bool = True) -> Results:
    scores = _scores()
    counts = (scores.groupby([C.SITE, C.WAVE])[C.RESPONDENT].nunique().rename(C.N)
              .reset_index())
    counts["invited"] = 40
    counts["response_rate"] = counts[C.N] / 40
    shown = shown_sites(counts, 5)
    pooled = pool_scores(scores, shown, k=5)
    ideas = pd.DataFrame({
        C.SITE: ["K01", "K01", "K01"], "idea": ["K01-I01", "K01-I02", "K01-I03"],
        "title": ["Sprachcafé im Rathaus", "Runder Tisch Wohnen", "Begrüßungsmappe"],
        "status": ["implemented", "planned", "idea"], "n_raters": [4, 3, 5],
        "feasibility": [4.5, 2.0, 4.0], "impact": [4.4, 4.2, 2.0],
        "innovation": [3.0, 3.0, 3.0], "quadrant": ["quick_win", "major_project", "fill_in"],
        "rank": [1, 2, 3]})
    drivers = pd.DataFrame({
        "factor": ["shared_goals", "trust", "benefit"], C.ESTIMATE: [0.4, 0.05, -0.02],
        C.CI_LOW: [0.25, -0.1, -0.2], C.CI_HIGH: [0.55, 0.2, 0.16],
        "ci_excludes_zero": [True, False, False], "rank": [1, 2, 3], C.WAVE: "w2",
        C.N: 150, "outcome": "synergy", "converged": True})
    meta = {"project": "Testprojekt", "synthetic": synthetic, "min_group_size": 5,
            "report_date": "2026-01-15",
            "waves": [{"key": "w1", "label_de": "Ausgangserhebung", "label_en": "Baseline",
                       "date": "2025-03-01"},
                      {"key": "w2", "label_de": "Abschlusserhebung", "label_en": "Final survey",
                       "date": "2026-03-01"}],
            "sites": [{"key": k, "name": v, "land": "he"} for k, v in SITES.items()],
            "scales": [{"key": k, "kind": kind, "label_de": de, "label_en": en, "items": []}
                       for k, kind, de, en in SCALES],
            "items": {c: {"de": f"Aussage {c}", "en": f"Statement {c}", "kind": "challenge",
                          "scale": None, "reverse": False} for c in CHALLENGES}}
    tables = {"scores": scores, "counts": counts, "shown": shown,
              "site_vs_pool": compare_sites(scores, pooled, k=5),
              "change": wave_change(pooled, waves=("w1", "w2"), min_n=5),
              "challenges": _challenges(scores, shown), "idea_matrix": ideas,
              "drivers": drivers}
    return Results(meta=meta, tables=tables)


@pytest.fixture(scope="module")
def results() -> Results:
    return make_results()


def partner_html(results: Results, site: str, wave: str, language: str) -> str:
    view = build_site_view(results, site, wave)
    parts = [sections.title(view, language).html, sections.messages(view, language),
             sections.profile(view, language), sections.factor_table(view, language),
             sections.change(view, language), sections.challenges(view, language),
             network_sections.network(view, language), network_sections.ideas(view, language),
             sections.questions(view, language), sections.reading(view, language),
             sections.methods(view, language)]
    return "\n".join(parts)


def decoded(html_text: str) -> str:
    """The HTML with every base64 SVG image replaced by its decoded SVG text."""
    return re.sub(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)",
                  lambda m: base64.b64decode(m.group(1)).decode("utf-8"), html_text)


# ------------------------------------------------------------------------------ messages


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("site", list(SITES))
@pytest.mark.parametrize("wave", ["w1", "w2"])
def test_messages_never_use_causal_wording(results, site, wave, language):
    for message in key_messages(build_site_view(results, site, wave), language):
        assert not FORBIDDEN.search(message.text), message.text


@pytest.mark.parametrize("language", ["de", "en"])
def test_strengths_and_weaknesses_are_named_only_where_the_interval_excludes_the_benchmark(
        results, language):
    found = set()
    for site in SITES:
        view = build_site_view(results, site, "w1")
        factors = view.factors.set_index("label_de" if language == "de" else "label_en")
        for message in key_messages(view, language):
            if message.kind not in ("strength", "weakness"):
                continue
            for label in factors.index:
                if f"{label}" in message.text:
                    row = factors.loc[label]
                    assert row["flag"] == message.kind
                    if message.kind == "strength":
                        assert row["difference_ci_low"] > 0
                    else:
                        assert row["difference_ci_high"] < 0
                    found.add((site, row.name, message.kind))
    labels = {"de": ("Vertrauen und Augenhöhe", "Erkennbarer Nutzen"),
              "en": ("Trust and equal footing", "Visible benefit")}[language]
    assert ("K01", labels[0], "strength") in found  # planted
    assert ("K02", labels[1], "weakness") in found  # planted


def test_a_site_without_flags_is_told_that_no_difference_is_clear(results):
    view = build_site_view(results, "K04", "w1")
    view = type(view)(**{**view.__dict__, "factors": view.factors.assign(flag="none")})
    kinds = [m.kind for m in key_messages(view, "de")]
    assert kinds[0] == "no_difference"
    assert "statistischen Unsicherheit" in key_messages(view, "de")[0].text


def test_change_is_called_clear_only_where_its_interval_excludes_zero(results):
    view = build_site_view(results, "K03", "w2")
    clear = view.change[view.change["clear"]]
    assert "shared_goals" in set(clear["scale"])  # planted rise
    assert ((clear["ci_low"] > 0) | (clear["ci_high"] < 0)).all()
    unclear = view.change[~view.change["clear"]]
    assert ((unclear["ci_low"] <= 0) & (unclear["ci_high"] >= 0)).all()
    message = next(m for m in key_messages(view, "de") if m.kind in ("change", "no_change"))
    assert "Gemeinsame Ziele" in message.text
    assert "gestiegen" in message.text
    for label in unclear["label_de"]:
        assert label not in message.text


@pytest.mark.parametrize("site", [s for s in SITES if s != "K06"])
def test_there_are_three_to_five_messages_in_a_fixed_order(results, site):
    view = build_site_view(results, site, "w2")
    first = key_messages(view, "de")
    assert 3 <= len(first) <= 5
    assert [m.text for m in first] == [m.text for m in key_messages(view, "de")]
    order = ["strength", "weakness", "no_difference", "no_pool", "challenge", "baseline",
             "change", "no_change", "quick_win", "network", "drivers"]
    ranks = [order.index(m.kind) for m in first]
    assert ranks == sorted(ranks)


def test_the_association_with_the_outcome_is_called_an_association(results):
    view = build_site_view(results, "K01", "w2")
    text = next(m.text for m in key_messages(view, "de") if m.kind == "drivers")
    assert "Zusammenhang, kein Nachweis einer Ursache" in text
    assert "Gemeinsame Ziele" in text
    assert "Vertrauen" not in text  # only CI excluding zero


# ------------------------------------------------------------------------------ privacy


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("site", ["K01", "K03"])
def test_partner_content_never_names_or_keys_another_site(results, site, language):
    view = build_site_view(results, site, "w2")
    assert dict(view.labels.sites) == {site: SITES[site]}
    page = decoded(partner_html(results, site, "w2", language))
    for other, name in SITES.items():
        if other == site:
            continue
        assert other not in page
        assert name not in page
    assert SITES[site] in page


def test_the_pool_excludes_the_site_and_suppressed_sites(results):
    view = build_site_view(results, "K01", "w2")
    assert view.n_pool_sites == 4  # K02..K05; K06 has 3 respondents in w2
    svp = results.tables["site_vs_pool"]
    others = svp[(svp[C.WAVE] == "w2") & (svp[C.SCALE] == "trust")
                 & svp[C.SITE].isin(["K02", "K03", "K04", "K05"])]
    row = view.factors.set_index("scale").loc["trust"]
    assert row["n_other_sites"] == 4
    assert sorted(row["others"]) == pytest.approx(sorted(others[C.MEAN]))
    assert view.pool_shown == (view.n_pool_sites >= MIN_POOL_SITES)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_suppressed_site_wave_shows_no_numbers(results, language):
    view = build_site_view(results, "K06", "w2")
    assert not view.shown
    assert view.n is None
    assert view.factors.empty
    assert [m.kind for m in key_messages(view, language)] == ["suppressed"]
    page = decoded(partner_html(results, "K06", "w2", language))
    body = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", page.split("</h1>", 1)[1],
                                flags=re.DOTALL))
    numbers = re.findall(r"\d+(?:[.,]\d+)?", body)
    # k, scale ends, 95 % intervals, the 80 % band, the 3.5 idea threshold, the survey date
    assert set(numbers) <= {"5", "1", "95", "80", "3,5", "3.5", "2026"}, numbers
    assert "<table" not in page
    assert "<img" not in page


def test_unknown_sites_and_waves_are_refused_with_the_known_ones(results):
    with pytest.raises(ReportError, match="K01, K02"):
        build_site_view(results, "K99", "w1")
    with pytest.raises(ReportError, match="w1, w2"):
        build_site_view(results, "K01", "w9")


def test_data_strings_are_escaped(results):
    meta = dict(results.meta)
    meta["sites"] = [{"key": "K01", "name": "<script>alert(1)</script> & Co"}]
    hostile = Results(meta=meta, tables=results.tables)
    page = partner_html(hostile, "K01", "w2", "de")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page


# ------------------------------------------------------------------------------ charts


@pytest.mark.parametrize("make", [profile_chart, change_chart, challenges_chart])
def test_charts_are_byte_identical_and_carry_alt_text_in_both_languages(results, make):
    view = build_site_view(results, "K01", "w2")
    first, second = make(view, language="de"), make(view, language="de")
    assert first.svg == second.svg
    assert "<dc:date>" not in first.svg
    assert 'font-family' in first.svg or "font:" in first.svg  # text kept as text
    assert "Ahornstadt" in first.alt_de
    assert "Ahornstadt" in first.alt_en
    assert first.alt_de != first.alt_en


def test_profile_alt_text_names_flagged_scales_with_their_values(results):
    chart = profile_chart(build_site_view(results, "K01", "w1"), language="de")
    assert "Über dem Durchschnitt der anderen Kommunen: Vertrauen und Augenhöhe" in chart.alt_de
    assert "Above the average of the other municipalities: Trust" in chart.alt_en


def test_chart_html_is_an_image_with_escaped_alt_text_and_caption(results):
    chart = profile_chart(build_site_view(results, "K01", "w1"), language="en")
    fragment = chart_html(chart, "en", caption="Profile <1>")
    assert fragment.startswith('<figure class="er-figure"><img src="data:image/svg+xml;base64,')
    assert 'alt="Profile of 4 scales for Ahornstadt' in fragment
    assert "<figcaption>Profile &lt;1&gt;</figcaption>" in fragment


# ------------------------------------------------------------------------------ texts


def test_peer_questions_start_with_the_weakest_factor(results):
    view = build_site_view(results, "K02", "w1")
    assert questions.weakest_factors(view).iloc[0]["scale"] == "benefit"
    label = view.labels.scale_label("benefit", "de")
    asked = questions.peer_questions(view, "de")
    assert asked[0] == f"Was hat anderen Netzwerken geholfen, „{label}“ zu stärken?"


def test_a_scale_with_its_own_question_in_the_codebook_asks_that(results):
    import dataclasses

    view = build_site_view(results, "K02", "w1")
    own = {"de": "Wie zeigen andere, was die Arbeit bringt?", "en": "How do others show it?"}
    scales = tuple(dataclasses.replace(s, question=own) if s.key == "benefit" else s
                   for s in view.labels.scales)
    asking = dataclasses.replace(view, labels=dataclasses.replace(view.labels, scales=scales))
    assert questions.peer_questions(asking, "de")[0] == own["de"]
    assert questions.peer_questions(asking, "en")[0] == own["en"]


def test_the_default_instrument_has_a_question_for_every_factor_and_challenge():
    from evaluation.config import load_codebook

    book = load_codebook(Path(__file__).parents[2] / "surveys" / "instruments" / "default.yml")
    assert all(s.question for s in book.scales.values() if s.kind == "factor")
    assert all(book.items[k].question for k in book.challenges)
    assert book.scales["benefit"].question.de.startswith("Wie machen andere Netzwerke sichtbar")


def test_methods_state_the_k_rule_and_the_synthetic_label(results):
    view = build_site_view(results, "K01", "w2")
    text = sections.methods(view, "de")
    assert "weniger als 5 Antworten" in text
    assert "Synthetische Daten" in text
    assert "ohne Ihre eigene Kommune" in text
    title = sections.title(view, "de")
    assert "Synthetische Daten" in title.html
    assert title.markdown == "# Netzwerkbericht Ahornstadt"
    plain = make_results(synthetic=False)
    assert "Synthetische" not in sections.title(build_site_view(plain, "K01", "w2"), "de").html


def test_labels_come_from_the_codebook_when_meta_lacks_them():
    labels = labels_from_meta({"instrument_path": str(DEFAULT_INSTRUMENT)})
    assert labels.scale_label("trust", "de") == "Vertrauen und Augenhöhe"
    assert "challenge_funding" in labels.challenge_keys
    bare = labels_from_meta({})
    assert bare.scale_label("trust", "de") == "trust"


def test_wilson_interval_matches_r_prop_test():
    # R: prop.test(0, 10, correct = FALSE)$conf.int -> 0.0000000000 0.2775327999
    assert wilson_interval(0.0, 10) == pytest.approx((0.0, 0.2775327999), abs=1e-9)
    # R: prop.test(13, 30, correct = FALSE)$conf.int -> 0.2737748558 0.6080269300
    assert wilson_interval(13 / 30, 30) == pytest.approx((0.2737748558, 0.6080269300),
                                                         abs=1e-9)


def test_synthesis_keeps_suppressed_site_waves_hidden(results):
    from evaluation.report import synthesis

    overview = synthesis.overview(results, "w2", "de")
    row = overview.split("K06 Ginsterheide</th>", 1)[1].split("</tr>", 1)[0]
    assert row.count("\u2013") == 2  # n and response rate hidden
    assert ">3<" not in row
    means = synthesis.site_means(results, "w2", "de")
    header = means.split("<thead>", 2)[-1].split("</thead>", 1)[0]
    assert "K06" in header
    with pytest.raises(ReportError, match="w1, w2"):
        synthesis.title(results, "w9", "de")


@pytest.mark.parametrize(("language", "words"), [("de", "Heywood-Fall"), ("en", "Heywood case")])
def test_an_omega_from_a_heywood_case_is_marked_in_the_evaluator_edition(language, words):
    from evaluation.report import evaluator

    results = make_results()
    rows = [{"level": "pool", C.SCALE: scale, C.SITE: None, C.WAVE: "w2", "n_items": 3,
             C.N: 120, "alpha": 0.8, "alpha_ci_low": 0.75, "alpha_ci_high": 0.84,
             "omega": 0.6, "omega_ci_low": 0.52, "omega_ci_high": 0.64,
             "omega_heywood": scale == "benefit"} for scale in ("trust", "benefit")]
    results.tables["reliability"] = pd.DataFrame(rows)
    html_text = evaluator.reliability(results, build_site_view(results, "K01", "w2"), language)
    label = "Erkennbarer Nutzen *" if language == "de" else "Visible benefit *"
    assert label in html_text
    assert words in html_text
    results.tables["reliability"] = pd.DataFrame(rows).assign(omega_heywood=False)
    plain = evaluator.reliability(results, build_site_view(results, "K01", "w2"), language)
    assert words not in plain
    assert " *" not in plain


def test_every_sites_profile_runs_over_the_whole_response_scale():
    """One axis for every site: a zoomed axis would make a difference look larger at one
    site than at another."""
    results = make_results()
    ticks = set()
    for site in ("K01", "K02", "K03"):
        svg = profile_chart(build_site_view(results, site, "w1"), language="de").svg
        ticks.add(tuple(re.findall(r">\s*([0-9],[0-9])\s*<", svg)))
    assert ticks == {("1,0", "1,5", "2,0", "2,5", "3,0", "3,5", "4,0", "4,5", "5,0")}


def test_a_negative_site_alpha_is_flagged_as_implausible_in_the_evaluator_edition():
    from evaluation.report import evaluator

    results = make_results()
    rows = [{"level": level, C.SCALE: "trust", C.SITE: site, C.WAVE: "w2", "n_items": 3,
             C.N: n, "alpha": alpha, "alpha_ci_low": None, "alpha_ci_high": None,
             "omega": None, "omega_ci_low": None, "omega_ci_high": None,
             "omega_heywood": False}
            for level, site, n, alpha in (("pool", None, 120, 0.8), ("site", "K01", 12, -0.38))]
    results.tables["reliability"] = pd.DataFrame(rows)
    text = evaluator.reliability(results, build_site_view(results, "K01", "w2"), "de")
    assert "-0,38 (unplausibel)" in text
    assert "ein negatives α" in text


def test_the_evaluator_part_states_the_one_multiple_testing_policy():
    text = sections.evaluator_heading("de")
    assert "ohne Korrektur" in text
    assert "Nach Holm korrigiert" in text
    assert "without a correction" in sections.evaluator_heading("en")
    methods = sections.methods(build_site_view(make_results(), "K01", "w2"), "de")
    assert "ohne Korrektur für die Zahl der Bereiche" in methods
