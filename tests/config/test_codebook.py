"""Codebook loading and its checks."""

from __future__ import annotations

import pytest

from evaluation.config import load_codebook, parse_codebook
from evaluation.config.codebook import normalise_column
from evaluation.errors import CodebookError, InputFileError
from tests.conftest import DEFAULT_INSTRUMENT


def test_default_instrument_has_the_framework_of_the_design():
    book = load_codebook(DEFAULT_INSTRUMENT)
    assert len(book.factors) == 16
    assert set(book.outcomes) == {"synergy", "satisfaction"}
    assert len(book.outcomes["synergy"].items) == 4
    assert len(book.challenges) == 4
    assert len(book.items) == 55
    assert set(book.reverse_items) == {"trust_4", "commitment_3", "benefit_3", "autonomy_2"}
    expected_sizes = {"trust": 4, "transparency": 3, "commitment": 3, "flexibility": 2,
                      "shared_goals": 3, "benefit": 3, "quick_wins": 3, "target_group": 3,
                      "task_structure": 3, "network_rules": 2, "decision_makers": 3,
                      "autonomy": 2, "existing_networks": 2, "network_management": 5,
                      "data_based": 3, "engagement": 2}
    assert {k: len(s.items) for k, s in book.factors.items()} == expected_sizes


def test_default_instrument_has_german_and_english_wording_for_every_item():
    book = load_codebook(DEFAULT_INSTRUMENT)
    for item in book.items.values():
        assert item.label.de
        assert item.label.en
        assert item.label.de != item.label.en


def test_missing_categories_are_kept_apart_in_the_default_instrument():
    book = load_codebook(DEFAULT_INSTRUMENT)
    assert book.missing_codes == {"-9": "no_answer", "-1": "cannot_judge",
                                  "-2": "not_shown"}
    assert book.missing_labels["cannot_judge"].de == "kann ich nicht beurteilen"


def test_small_codebook_loads(codebook_dict):
    book = parse_codebook(codebook_dict)
    assert list(book.factors) == ["trust", "benefit"]
    assert book.items["trust_3"].reverse
    assert book.target_of("TR_SQ001") == "trust_1"
    assert book.target_of("tr[sq002]") == "trust_2"
    assert book.target_of("CASE") == "respondent"
    assert book.is_ignored("submitdate")


def test_bracket_and_underscore_column_names_are_the_same_name():
    assert normalise_column("Q1[SQ001]") == normalise_column("q1_SQ001")


def _messages(exc: CodebookError) -> str:
    return "\n".join(str(p) for p in exc.problems)


def test_an_item_in_two_factors_is_reported(codebook_dict):
    codebook_dict["factors"]["benefit"]["items"]["trust_1"] = {"de": "x", "en": "x"}
    with pytest.raises(CodebookError) as info:
        parse_codebook(codebook_dict)
    assert "item also belongs to 'trust'" in _messages(info.value)
    assert "trust_1" in _messages(info.value)


def test_a_reverse_flag_on_a_challenge_item_is_reported(codebook_dict):
    codebook_dict["challenges"]["challenge_funding"]["reverse"] = True
    with pytest.raises(CodebookError, match="reverse flag on a single challenge item"):
        parse_codebook(codebook_dict)


def test_a_reverse_flag_on_an_attribute_is_reported(codebook_dict):
    codebook_dict["attributes"]["respondent"]["employment"]["reverse"] = True
    with pytest.raises(CodebookError, match="reverse flag on an attribute"):
        parse_codebook(codebook_dict)


def test_a_reverse_flag_on_a_scale_is_reported(codebook_dict):
    codebook_dict["factors"]["benefit"]["reverse"] = True
    with pytest.raises(CodebookError, match="reverse flag on a scale"):
        parse_codebook(codebook_dict)


def test_an_empty_scale_is_reported(codebook_dict):
    codebook_dict["factors"]["benefit"]["items"] = {}
    with pytest.raises(CodebookError, match="at least one item"):
        parse_codebook(codebook_dict)


def test_a_column_mapped_to_an_unknown_item_is_reported(codebook_dict):
    codebook_dict["columns"]["TR[SQ009]"] = "trust_9"
    with pytest.raises(CodebookError) as info:
        parse_codebook(codebook_dict)
    assert "maps to an unknown key" in _messages(info.value)
    assert "trust_9" in _messages(info.value)


def test_two_columns_mapped_to_one_item_are_reported(codebook_dict):
    codebook_dict["columns"]["VT1"] = "trust_1"
    with pytest.raises(CodebookError, match="both map to 'trust_1'"):
        parse_codebook(codebook_dict)


def test_attribute_values_that_share_a_label_are_reported(codebook_dict):
    values = codebook_dict["attributes"]["respondent"]["employment"]["values"]
    values["volunteer"]["de"] = "hauptamtlich"
    with pytest.raises(CodebookError, match="share a key, code or label"):
        parse_codebook(codebook_dict)


def test_a_missing_code_inside_the_response_scale_is_reported(codebook_dict):
    codebook_dict["missing"]["codes"][3] = "cannot_judge"
    with pytest.raises(CodebookError, match="collides with a valid answer"):
        parse_codebook(codebook_dict)


def test_an_unknown_missing_category_is_reported(codebook_dict):
    codebook_dict["missing"]["codes"][-7] = "refused"
    with pytest.raises(CodebookError, match="unknown missing category"):
        parse_codebook(codebook_dict)


def test_a_label_without_english_is_reported(codebook_dict):
    del codebook_dict["factors"]["trust"]["items"]["trust_2"]["en"]
    with pytest.raises(CodebookError, match="missing or empty 'en' text"):
        parse_codebook(codebook_dict)


def test_all_problems_of_a_codebook_are_reported_at_once(codebook_dict):
    codebook_dict["challenges"]["challenge_funding"]["reverse"] = True
    codebook_dict["columns"]["X"] = "nothing"
    codebook_dict["min_valid_share"] = 1.5
    with pytest.raises(CodebookError) as info:
        parse_codebook(codebook_dict)
    assert len(info.value.problems) == 3


def test_a_duplicate_item_key_in_the_yaml_file_is_reported(tmp_path):
    text = DEFAULT_INSTRUMENT.read_text(encoding="utf-8")
    broken = text.replace("      trust_2:", "      trust_1:", 1)
    assert broken != text
    path = tmp_path / "dup.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputFileError, match="duplicate key 'trust_1'"):
        load_codebook(path)


def test_yaml_tags_that_run_code_are_refused(tmp_path):
    path = tmp_path / "evil.yml"
    path.write_text("codebook: !!python/object/apply:os.system ['echo hacked']\n",
                    encoding="utf-8")
    with pytest.raises(InputFileError, match="invalid YAML"):
        load_codebook(path)


def test_item_keys_may_be_upper_case_as_survey_tools_name_their_variables(codebook_dict):
    scale = codebook_dict["factors"]["trust"]["items"]
    scale["TR01_01"] = scale.pop("trust_1")
    codebook_dict["columns"]["TR[SQ001]"] = "TR01_01"
    book = parse_codebook(codebook_dict)
    assert book.items["TR01_01"].scale == "trust"
    assert book.target_of("tr01_01") == "TR01_01"


def test_item_keys_that_differ_only_in_case_are_refused(codebook_dict):
    codebook_dict["factors"]["benefit"]["items"]["TRUST_1"] = {"de": "x", "en": "x"}
    with pytest.raises(CodebookError, match="'trust_1' and 'TRUST_1' differ only in case"):
        parse_codebook(codebook_dict)


def test_a_scale_direction_is_read_and_a_misspelt_one_refused(codebook_dict):
    codebook_dict["factors"]["benefit"]["direction"] = "lower_is_better"
    book = parse_codebook(codebook_dict)
    assert not book.scales["benefit"].higher_is_better
    assert book.scales["trust"].higher_is_better
    codebook_dict["factors"]["benefit"]["direction"] = "lower"
    with pytest.raises(CodebookError, match="unknown direction"):
        parse_codebook(codebook_dict)
