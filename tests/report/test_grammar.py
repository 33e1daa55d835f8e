"""German forms of municipality names: the article of the kind of municipality, bare place
names without one."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.report import build_site_view
from evaluation.report.grammar import german_forms
from evaluation.report.messages import comparison_messages
from evaluation.results import Results
from tests.report.test_report_content import make_results


@pytest.mark.parametrize(("name", "nominative", "within", "for_"), [
    ("Landkreis Mühlengrund", "der Landkreis Mühlengrund", "im Landkreis Mühlengrund",
     "für den Landkreis Mühlengrund"),
    ("Verbandsgemeinde Eichwald", "die Verbandsgemeinde Eichwald",
     "in der Verbandsgemeinde Eichwald", "für die Verbandsgemeinde Eichwald"),
    ("Stadt Auenfeld", "die Stadt Auenfeld", "in der Stadt Auenfeld", "für die Stadt Auenfeld"),
    ("Amt Neuhaus", "das Amt Neuhaus", "im Amt Neuhaus", "für das Amt Neuhaus"),
    ("Erlenbrück", "Erlenbrück", "in Erlenbrück", "für Erlenbrück"),
    ("Stadtallendorf", "Stadtallendorf", "in Stadtallendorf", "für Stadtallendorf"),
])
def test_a_name_takes_the_article_of_its_kind_of_municipality(name, nominative, within, for_):
    forms = german_forms(name)
    assert (forms.nominative, forms.within, forms.for_) == (nominative, within, for_)


def test_a_key_message_names_a_landkreis_with_its_article():
    base = make_results()
    meta = {**base.meta, "sites": [{**s, "name": "Landkreis Mühlengrund"} if s["key"] == "K01"
                                   else s for s in base.meta["sites"]]}
    view = build_site_view(Results(tables=base.tables, meta=meta), "K01", "w1")
    text = " ".join(m.text for m in comparison_messages(view, "de"))
    assert "liegt der Landkreis Mühlengrund" in text or \
        "unterscheidet sich der Landkreis Mühlengrund" in text
    assert "liegt Landkreis" not in text


def test_a_challenge_many_more_name_here_than_elsewhere_is_a_key_message():
    from evaluation.report.messages import key_messages

    base = make_results()
    challenges = base.tables["challenges"].copy()
    item = challenges["item"].iloc[0]
    mine = (challenges["site"] == "K01") & (challenges["wave"] == "w2") & \
        (challenges["item"] == item)
    others = (challenges["site"] != "K01") & (challenges["site"] != "pool") & \
        (challenges["wave"] == "w2") & (challenges["item"] == item)
    challenges.loc[mine, ["share_agree", "n"]] = [0.8, 20]
    challenges.loc[others, "share_agree"] = 0.1
    view = build_site_view(Results(tables={**base.tables, "challenges": challenges},
                                   meta=base.meta), "K01", "w2")
    assert view.challenges.set_index("item").loc[item, "flag"] == "higher"
    kinds = [m.kind for m in key_messages(view, "de")]
    assert "challenge" in kinds
    text = next(m.text for m in key_messages(view, "de") if m.kind == "challenge")
    assert "deutlich mehr Befragte zu als in den anderen Kommunen " \
        "(80\u202f% gegenüber 10\u202f%)" in text


def test_a_final_report_gives_the_change_since_baseline_beside_the_change_since_midline():
    from evaluation.report.messages import key_messages

    base = make_results()
    change = base.tables["change"]
    baseline = change[change["wave_to"] == "w2"].assign(wave_to="w3")
    midline = baseline.assign(wave_from="w2", ci_low=-0.5, ci_high=0.5, difference=0.0)
    tables = {**base.tables, "change": pd.concat([change, baseline, midline],
                                                 ignore_index=True),
              "counts": pd.concat([base.tables["counts"],
                                   base.tables["counts"].query("wave == 'w2'").assign(
                                       wave="w3")], ignore_index=True),
              "shown": pd.concat([base.tables["shown"],
                                  base.tables["shown"].query("wave == 'w2'").assign(
                                      wave="w3")], ignore_index=True)}
    meta = {**base.meta, "waves": [*base.meta["waves"], {"key": "w3", "label_de":
                                                          "Abschlusserhebung 2",
                                                          "label_en": "Final 2"}]}
    view = build_site_view(Results(tables=tables, meta=meta), "K03", "w3")
    assert view.change_from == "w2"
    assert not view.since_baseline.empty
    kinds = [m.kind for m in key_messages(view, "de")]
    assert "baseline" in kinds
    text = next(m.text for m in key_messages(view, "de") if m.kind == "baseline")
    assert text.startswith("Seit der Ausgangserhebung")


def test_a_project_given_article_wins_over_the_first_word():
    from evaluation.report.grammar import german_forms

    assert german_forms("Erlenbrück", "die").within == "in der Erlenbrück"
    assert german_forms("Kreis Wesel", "").nominative == "Kreis Wesel"  # none wanted
    assert german_forms("Amt Neuhaus", "das").of == "vom Amt Neuhaus"
    assert german_forms("Eifelkreis Bitburg-Prüm", "der").for_ == "für den Eifelkreis " \
        "Bitburg-Prüm"
