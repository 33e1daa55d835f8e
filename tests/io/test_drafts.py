"""From what an evaluator already has to a validated project: a draft codebook from a LimeSurvey
structure, an SPSS file or a response export, and a scaffolded project file.

The fixtures in ``tests/io/fixtures`` are a LimeSurvey 6 survey structure (``.lss``, German and
English, two 6-point arrays with text answer codes A1..A6, a list question for the site, one for
the organisation, a free-text question) and an anonymous response export of it as LimeSurvey
writes it (semicolons, UTF-8 with byte order mark, answer codes, ``id`` as the only key).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from evaluation.cli import main
from evaluation.config import parse_codebook
from evaluation.errors import InputFileError
from evaluation.io.instrument_draft import draft_codebook
from evaluation.io.project_draft import draft_project
from tests.formats import write_sav

from .test_ingest import ITEMS, wide_survey

FIXTURES = Path(__file__).parent / "fixtures"
LSS = FIXTURES / "limesurvey_6point.lss"
RESPONSES = FIXTURES / "limesurvey_6point_responses.csv"


def test_a_limesurvey_structure_gives_a_codebook_with_its_scale_wording_and_codes():
    text = draft_codebook(LSS)
    book = parse_codebook(yaml.safe_load(text), source="draft")
    assert (book.scale_min, book.scale_max) == (1, 6)
    assert book.scale_labels[6].de == "trifft voll und ganz zu"
    assert book.scale_labels[1].en == "does not apply at all"
    assert book.answer_codes == {f"a{i}": float(i) for i in range(1, 7)}
    assert list(book.scales) == ["zus", "bel"]
    assert book.items["zus_sq004"].label.de == "Einige Akteure entscheiden allein."
    assert book.items["zus_sq004"].label.en == "Some actors decide alone."
    assert book.target_of("ZUS[SQ001]") == "zus_sq001"
    assert book.target_of("ORT") == "site"
    rolle = book.attributes["rolle"]
    assert [(v.code, v.label.de) for v in rolle.values][:2] == [("A1", "Kommunalverwaltung"),
                                                               ("A2", "Jobcenter")]
    assert book.is_ignored("KOMM")
    assert "TODO" in text  # what a person must decide is marked


def test_an_spss_file_gives_its_labels_missing_codes_and_attributes(tmp_path):
    path = write_sav(wide_survey(), tmp_path / "survey.sav", item_columns=ITEMS,
                     attribute_codes={"actor_type": {"administration": 1, "mso": 6,
                                                     "association_volunteer": 7}},
                     attribute_labels={"actor_type": {1: "Verwaltung", 6: "MSO",
                                                      7: "Verein"}})
    text = draft_codebook(path)
    book = parse_codebook(yaml.safe_load(text), source="draft")
    assert (book.scale_min, book.scale_max) == (1, 5)
    assert book.scale_labels[5].de == "trifft voll zu"
    assert book.missing_codes == {"-9": "no_answer", "-1": "cannot_judge", "-2": "not_shown"}
    assert set(book.items) == set(ITEMS)
    assert [(v.code, v.label.de) for v in book.attributes["actor_type"].values] == [
        (1, "Verwaltung"), (6, "MSO"), (7, "Verein")]


def test_a_response_export_alone_gives_a_draft_that_loads(tmp_path):
    path = tmp_path / "export.csv"
    wide_survey().to_csv(path, index=False)
    book = parse_codebook(yaml.safe_load(draft_codebook(path)), source="draft")
    assert set(ITEMS) <= set(book.items)
    assert book.missing_codes["-9"] == "no_answer"
    assert "actor_type" in book.attributes


def drafted_project(tmp_path: Path, source: Path, export: Path) -> tuple[Path, dict]:
    """What a new user types: the export into PROJECT/data, `codebook draft SOURCE`, `init`;
    the project folder and the project file written."""
    project = tmp_path / "netz"
    (project / "data").mkdir(parents=True)
    shutil.copy(export, project / "data")
    assert main(["codebook", "draft", str(source), "--out", str(project / "codebook.yml")]) == 0
    assert main(["init", str(project)]) == 0
    return project, yaml.safe_load((project / "project.yml").read_text(encoding="utf-8"))


def test_a_new_user_goes_from_a_structure_and_an_export_to_a_validated_project(tmp_path,
                                                                               capsys):
    project, config = drafted_project(tmp_path, LSS, RESPONSES)
    assert config["instrument"] == "codebook.yml"
    assert [s["key"] for s in config["sites"]] == ["A1", "A2", "A3"]
    (entry,) = config["survey"]
    assert entry["format"] == "limesurvey"
    assert (entry["delimiter"], entry["encoding"]) == (";", "utf-8")
    assert entry["columns"] == {"id": "respondent"}  # ORT -> site is in the codebook
    capsys.readouterr()
    assert main(["validate", str(project)]) == 0
    assert "No errors found." in capsys.readouterr().out


def test_numeric_site_codes_get_keys_and_the_file_its_site_codes(tmp_path):
    project = tmp_path / "p"
    (project / "data").mkdir(parents=True)
    frame = wide_survey().assign(site=[1, 2, 3, 1])
    frame.to_csv(project / "data" / "w1.csv", index=False)
    config = yaml.safe_load(draft_project(project))
    assert [s["key"] for s in config["sites"]] == ["K01", "K02", "K03"]
    assert config["survey"][0]["site_codes"] == {"1": "K01", "2": "K02", "3": "K03"}
    assert [w["key"] for w in config["waves"]] == ["w1", "w2"]


def test_drafts_never_overwrite_a_file_and_refuse_hostile_xml(tmp_path, capsys):
    out = tmp_path / "codebook.yml"
    out.write_text("mine", encoding="utf-8")
    assert main(["codebook", "draft", str(LSS), "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "mine"
    assert "exists" in capsys.readouterr().err
    copy = tmp_path / "s.lss"
    shutil.copy(LSS, copy)
    assert main(["codebook", "draft", str(copy), "--out", str(copy), "--force"]) == 2
    assert copy.read_bytes() == LSS.read_bytes()
    bomb = tmp_path / "bomb.lss"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><document>&b;</document>',
                    encoding="utf-8")
    with pytest.raises(InputFileError, match="not a readable LimeSurvey structure"):
        draft_codebook(bomb)
    with pytest.raises(InputFileError, match="no survey files"):
        draft_project(tmp_path / "empty")


def test_items_labelled_at_the_ends_win_over_a_fully_labelled_attribute(tmp_path):
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({f"v{i}": [1.0, 4.0, 7.0, 5.0] for i in range(1, 7)})
    frame["geschl"] = [1.0, 2.0, 3.0, 1.0]
    labels = {f"v{i}": {1.0: "gar nicht", 7.0: "voll und ganz", -9.0: "keine Angabe"}
              for i in range(1, 7)}
    labels["geschl"] = {1.0: "weiblich", 2.0: "männlich", 3.0: "divers"}
    path = tmp_path / "ends.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels,
                         missing_ranges={f"v{i}": [{"lo": -99.0, "hi": -1.0}]
                                         for i in range(1, 7)})
    book = parse_codebook(yaml.safe_load(draft_codebook(path)), source="draft")
    assert (book.scale_min, book.scale_max) == (1, 7)
    assert set(book.items) == {f"v{i}" for i in range(1, 7)}
    assert list(book.attributes) == ["geschl"]
    assert book.missing_codes == {"-9": "no_answer"}  # labelled inside the missing range


def test_a_limesurvey_response_export_with_answer_codes_gives_items_and_answer_codes():
    book = parse_codebook(yaml.safe_load(draft_codebook(RESPONSES)), source="draft")
    assert (book.scale_min, book.scale_max) == (1, 6)
    assert {book.target_of(f"ZUS[SQ00{i}]") for i in range(1, 5)} <= set(book.items)
    assert book.answer_codes["a6"] == 6.0


def test_columns_that_are_one_name_to_the_reader_are_refused_with_both_names(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("respondent,TR1,tr1\nR1,1,2\nR2,3,4\nR3,5,1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="columns 'TR1' and 'tr1' have the same name"):
        draft_codebook(path)


def test_init_tells_sosci_from_limesurvey_and_keeps_one_wave_column_and_spss_site_names(
        tmp_path):
    import pyreadstat

    from evaluation.io import inspect_data_file

    sosci = Path(__file__).parents[2] / "surveys" / "example-own" / "data" / \
        "kooperationsbarometer_sosci.csv"
    assert inspect_data_file(sosci).format == "sosci"
    project = tmp_path / "p"
    (project / "data").mkdir(parents=True)
    frame = wide_survey().assign(wave="2023", site=[1.0, 2.0, 2.0, 1.0])
    frame = frame.drop(columns=["actor_type", "employment"])
    pyreadstat.write_sav(frame, str(project / "data" / "s.sav"),
                         variable_value_labels={"site": {1.0: "Bad Homburg", 2.0: "Neu-Isenburg"}})
    config = yaml.safe_load(draft_project(project))
    assert [w["key"] for w in config["waves"]] == ["2023"]
    assert [(s["key"], s["name"]) for s in config["sites"]] == [("K01", "Bad Homburg"),
                                                                ("K02", "Neu-Isenburg")]
    assert config["survey"][0]["site_codes"] == {"1": "K01", "2": "K02"}


def test_a_question_whose_answers_run_the_other_way_is_drafted_as_reversed_in_file(tmp_path):
    """A LimeSurvey array listing its answers from 'agree' down (A1 = 'trifft voll und ganz
    zu') among arrays listed the usual way: the scale keeps the usual wording, and that
    question's items are marked as coded the other way round."""
    import xml.etree.ElementTree as ET  # our own fixture, not untrusted input

    tree = ET.parse(LSS)
    root = tree.getroot()
    bel = next(r.findtext("qid") for r in root.find("questions").iter("row")
               if r.findtext("title") == "BEL")
    aids = [r.findtext("aid") for r in sorted(
        (r for r in root.find("answers").iter("row") if r.findtext("qid") == bel),
        key=lambda r: int(r.findtext("sortorder")))]
    texts = {}
    for row in root.find("answer_l10ns").iter("row"):
        texts.setdefault(row.findtext("aid"), {})[row.findtext("language")] = row
    originals = {aid: {lang: row.find("answer").text for lang, row in texts[aid].items()}
                 for aid in aids}
    for aid, mirror in zip(aids, reversed(aids), strict=True):
        for language, row in texts[aid].items():
            row.find("answer").text = originals[mirror][language]
    path = tmp_path / "mirrored.lss"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    book = parse_codebook(yaml.safe_load(draft_codebook(path)), source="draft")
    assert book.scale_labels[1].de == "trifft überhaupt nicht zu"
    flagged = sorted(k for k, item in book.items.items() if item.reversed_in_file)
    assert flagged
    assert all(k.startswith("bel_") for k in flagged)
    assert not any(book.items[k].reverse for k in flagged)  # wording decides: a TODO
