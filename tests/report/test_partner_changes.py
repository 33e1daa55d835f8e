"""Partner organisations that left a network are a key message of their own where at least a
tenth of a wave's partners were gone by the next wave, and never for a wave below k."""

from __future__ import annotations

import dataclasses

import pandas as pd

from evaluation.report import build_site_view
from evaluation.report.messages import PARTNER_LOSS_SHARE, key_messages
from evaluation.report.network_sections import _metric_rows

from .test_report_content import make_results


def _with_retention():
    results = make_results()
    retention = pd.DataFrame({
        "site": ["K02", "K03", "K06"], "wave": ["w2", "w2", "w2"],
        "previous_wave": ["w1", "w1", "w1"], "n_before": [20, 20, 20],
        "n_retained": [17, 19, 14], "n_left": [3, 1, 6], "n_joined": [1, 0, 0],
        "n_after": [18, 19, 14], "retention": [0.85, 0.95, 0.7]})
    tables = {**results.tables, "network_partner_retention": retention}
    return dataclasses.replace(results, tables=tables)


def test_partners_leaving_make_a_key_message_with_counts_and_a_question_to_clarify():
    view = build_site_view(_with_retention(), "K02", "w2")
    texts = {m.kind: m.text for m in key_messages(view, "de")}
    assert texts["partners_left"] == (
        "Zwischen der Ausgangserhebung und der Abschlusserhebung haben 3 von 20 "
        "Partnerorganisationen das Netzwerk verlassen; 1 ist hinzugekommen. Es lohnt sich zu "
        "klären, welche Aufgaben diese Partner hatten und wer sie heute übernimmt.")
    english = {m.kind: m.text for m in key_messages(view, "en")}["partners_left"]
    assert english.startswith("Between the Baseline and the Final survey, 3 of 20 partner "
                              "organisations left the network; 1 joined.")
    rows = dict(_metric_rows(dataclasses.replace(view, network_metrics={"n_ties": 3}), "de"))
    assert rows["Partnerorganisationen seit der Ausgangserhebung: ausgestiegen / neu"] == "3 / 1"


def test_a_loss_below_a_tenth_of_the_partners_is_no_key_message():
    view = build_site_view(_with_retention(), "K03", "w2")
    assert PARTNER_LOSS_SHARE * 20 > 1  # one of 20 is below the share
    assert "partners_left" not in {m.kind for m in key_messages(view, "de")}


def test_a_wave_below_k_carries_no_partner_count():
    # K06 has 3 answers in w2 (below k): its report shows nothing, not even partners who left
    view = build_site_view(_with_retention(), "K06", "w2")
    assert not view.shown
    assert view.partner_changes.empty
    assert [m.kind for m in key_messages(view, "de")] == ["suppressed"]
