"""SoSci Survey's R import script as a draft source: the variables' labels, the value labels
of choice questions and scales, the ``[NA]`` missing codes and items SoSci stored reversed.

The fixture ``fixtures/sosci_netzwerk_import.r`` follows the layout of the scripts SoSci
Survey's data download writes for GNU R (``read.table`` with ``col.names``, ``factor(...)``
for choice questions, ``attr(ds$X, "code")`` for scale ends, ``comment(ds$X)`` for the
variable label "Question: item", "(umgepolt)" after an item whose codes SoSci inverted);
``fixtures/sosci_netzwerk_data.csv`` is its data file (tab-separated, UTF-8, 24 respondents in
three municipalities). The "-1" residual-option lines are this fixture's assumption.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from evaluation import columns as C
from evaluation.cli import main
from evaluation.config import load_project, parse_codebook
from evaluation.errors import InputFileError
from evaluation.io.ingest import read_project_survey
from evaluation.io.instrument_draft import draft_codebook
from evaluation.io.sosci_script import read_sosci_script

from .test_drafts import drafted_project

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = FIXTURES / "sosci_netzwerk_import.r"
DATA = FIXTURES / "sosci_netzwerk_data.csv"


def test_the_script_gives_wording_value_labels_missing_codes_and_reversed_items():
    variables = {v.column: v for v in read_sosci_script(SCRIPT)}
    assert list(variables)[:8] == ["CASE", "SERIAL", "REF", "QUESTNNR", "MODE", "STARTED",
                                   "SD01", "SD02"]
    item = variables["NW01_02"]
    assert item.text == {"de": "Ich kann mich auf Zusagen der anderen verlassen."}
    assert (item.group, item.group_text) == ("NW01", "Vertrauen")
    assert item.labels == {1: {"de": "trifft gar nicht zu"}, 5: {"de": "trifft voll zu"}}
    assert item.missing == {-1: "kann ich nicht beurteilen"}
    assert not item.reversed_in_file
    assert not item.nominal
    reversed_item = variables["NW01_03"]
    assert reversed_item.reversed_in_file
    assert reversed_item.text["de"].endswith("geredet.")  # the mark is not wording
    sector = variables["SD02"]
    assert sector.nominal
    assert sector.labels[5] == {"de": "Migrantenorganisation"}
    assert sector.missing == {-9: "nicht beantwortet"}
    assert variables["NW03_03"].text["de"] == 'Die Abstimmungen sind "zäh" und langwierig.'
    assert variables["FINISHED"].labels == {}  # T/F are no answer codes


def test_the_draft_from_the_script_keeps_the_scale_the_site_and_the_tools_reversal():
    text = draft_codebook(SCRIPT)
    book = parse_codebook(yaml.safe_load(text), source="draft")
    assert (book.scale_min, book.scale_max) == (1, 5)
    assert book.scale_labels[1].de == "trifft gar nicht zu"  # not the sectors' categories
    assert list(book.scales) == ["nw01", "nw02", "nw03"]
    assert book.scales["nw01"].label.de == "Vertrauen"
    assert book.items["nw01_03"].reversed_in_file  # inverted by SoSci: read as labelled
    assert book.items["nw01_03"].reverse  # and counted reversed, a negatively worded item
    assert book.missing_codes == {"-1": "cannot_judge", "-9": "no_answer"}
    assert book.target_of("SD01") == "site"
    assert book.target_of("SD02") == "bereich"
    assert [v.key for v in book.attributes["bereich"].values][:2] == ["kommunalverwaltung",
                                                                      "jobcenter"]
    assert "1 = Stadt Ahrstein, 2 = Gemeinde Buchfeld" in text  # the site codes' names
    assert book.is_ignored("TIME_SUM")
    assert book.is_ignored("MISSREL")


def test_a_new_user_goes_from_the_sosci_script_and_data_to_a_validated_project(tmp_path,
                                                                              capsys):
    project, config = drafted_project(tmp_path, SCRIPT, DATA)
    (entry,) = config["survey"]
    assert (entry["format"], entry["delimiter"]) == ("sosci", "\t")
    assert entry["site_codes"] == {"1": "K01", "2": "K02", "3": "K03"}  # SD01, by the codebook
    capsys.readouterr()
    assert main(["validate", str(project)]) == 0
    assert "No errors found." in capsys.readouterr().out
    data = read_project_survey(load_project(project))
    first = data.responses[(data.responses[C.RESPONDENT] == "31")].set_index(C.ITEM)[C.VALUE]
    raw = pd.read_csv(DATA, sep="\t")
    assert first["nw01_03"] == 6 - raw.loc[0, "NW01_03"]  # inverted code read as its answer


def test_a_file_that_is_no_sosci_script_is_refused_with_what_to_give(tmp_path):
    path = tmp_path / "analysis.r"
    path.write_text("library(lme4)\nfit <- lmer(y ~ 1 + (1 | site), data = d)\n")
    with pytest.raises(InputFileError, match="not a SoSci Survey R import script"):
        draft_codebook(path)


def test_an_spss_item_labelled_the_other_way_round_is_drafted_as_reversed_in_file(tmp_path):
    """SoSci's SPSS export (and other tools') label an inverted item 1 = 'trifft voll zu'."""
    frame = pd.DataFrame({f"v{i}": [1.0, 4.0, 5.0, 2.0] for i in range(1, 5)})
    ends = {1.0: "trifft gar nicht zu", 5.0: "trifft voll zu"}
    labels = {f"v{i}": dict(ends) for i in range(1, 5)}
    labels["v3"] = {1.0: "trifft voll zu", 5.0: "trifft gar nicht zu"}
    path = tmp_path / "inverted.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    book = parse_codebook(yaml.safe_load(draft_codebook(path)), source="draft")
    assert [k for k, item in book.items.items() if item.reversed_in_file] == ["v3"]
    assert book.scale_labels[1].de == "trifft gar nicht zu"
