"""The data dictionary: one row per item, attribute and id, and a page that loads nothing."""

from __future__ import annotations

import pytest

from evaluation.config import load_project, parse_codebook
from evaluation.export import DICTIONARY_COLUMNS, data_dictionary, data_dictionary_html
from evaluation.render import external_urls, heading_problems, parse, tables_without_headers
from tests.conftest import EXAMPLE, ROOT

OWN = ROOT / "surveys" / "example-own"


@pytest.fixture(scope="module")
def default_book():
    return load_project(EXAMPLE).codebook


@pytest.fixture(scope="module")
def own():
    return load_project(OWN)


def test_every_item_of_the_default_instrument_is_one_row_in_codebook_order(default_book):
    table = data_dictionary(default_book)
    assert list(table.columns) == list(DICTIONARY_COLUMNS)
    items = table[table["entry"] == "item"]
    assert len(items) == len(default_book.items) == 55
    scale_items = [i for s in default_book.scales.values() for i in s.items]
    assert items["variable"].tolist() == [*scale_items, *default_book.challenges]
    trust_4 = items.set_index("variable").loc["trust_4"]
    assert trust_4["scale"] == "trust"
    assert trust_4["scale_de"] == "Vertrauen und Augenhöhe"
    assert trust_4["text_en"] == "In our network, some actors decide over the heads of the others."
    assert trust_4["reverse"] is True
    assert trust_4["higher_is_better"] is True
    assert (trust_4["min"], trust_4["max"]) == (1, 5)
    assert trust_4["values_de"].startswith("1 = trifft gar nicht zu; 2 = trifft eher nicht zu")
    assert trust_4["missing_de"] == ("keine Angabe (-9); kann ich nicht beurteilen (-1); "
                                     "nicht gezeigt (-2); keine Angabe (leer)")
    assert trust_4["answer_codes"].startswith("A1 = 1; A2 = 2")
    assert items["reverse"].sum() == len(default_book.reverse_items)
    challenge = items.set_index("variable").loc["challenge_funding"]
    assert challenge["kind"] == "challenge"
    assert challenge["scale"] is None
    assert challenge["higher_is_better"] is None


def test_attributes_are_rows_with_their_codes_and_the_ids_come_last(default_book):
    table = data_dictionary(default_book)
    attributes = table[table["entry"] == "attribute"].set_index("variable")
    assert set(attributes.index) == set(default_book.attributes)
    assert attributes.at["actor_type", "kind"] == "respondent"
    assert attributes.at["municipality_type", "kind"] == "municipality"
    assert attributes.at["actor_type", "values_de"].startswith(
        "1 = Verwaltung / Integrationsstelle (administration); ")
    numeric = table[table["entry"] == "numeric_attribute"].set_index("variable")
    assert (numeric.at["years_in_network", "min"], numeric.at["years_in_network", "max"]) == (0, 60)
    ids = table[table["entry"] == "id"]
    assert ids["variable"].tolist() == ["respondent", "site", "wave"]
    assert ids.set_index("variable").at["respondent", "source_column"] == "CASE, token"


def test_the_second_instrument_gives_its_seven_labels_direction_and_file_columns(own):
    table = data_dictionary(own.codebook, project=own).set_index("variable")
    assert table.at["aus_1", "max"] == 7
    assert table.at["aus_1", "values_en"].endswith("7 = strongly agree")
    assert table.loc[["bel_1", "bel_2", "bel_3"], "higher_is_better"].tolist() == [False] * 3
    assert table.at["aus_3", "reverse"] is True
    assert table.at["aus_1", "source_column"] == (
        "KB[SQ01] (kooperationsbarometer_limesurvey.csv), "
        "KB01_01 (kooperationsbarometer_sosci.csv)")
    assert "SD02 (kooperationsbarometer_sosci.csv)" in table.at["sektor", "source_column"]
    assert "challenge" not in set(table["kind"])
    assert data_dictionary(own.codebook).at[0, "source_column"] is None  # codebook alone


def test_codebook_column_names_and_codes_reversed_in_the_file_are_listed(codebook_dict):
    codebook_dict["factors"]["trust"]["items"]["trust_2"]["reversed_in_file"] = True
    table = data_dictionary(parse_codebook(codebook_dict)).set_index("variable")
    assert table.at["trust_1", "source_column"] == "TR[SQ001]"
    assert table.at["trust_2", "reversed_in_file"] is True
    assert table.at["trust_3", "reverse"] is True
    assert table.at["trust_1", "missing_en"] == ("no answer (-9); cannot judge (-1); "
                                                 "not shown (-2); no answer (blank)")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_page_is_standalone_accessible_and_in_its_language(own, language):
    page = data_dictionary_html(own.codebook, language, project=own)
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in page
    assert "default-src 'none'" in page
    assert external_urls(page) == []
    assert tables_without_headers(page) == []
    assert heading_problems(page) == []
    outline = parse(page)
    assert len(outline.tables) == 5  # answers, missing codes, answer codes, items, attributes
    assert page.count('<th scope="col">') >= 2 * 5
    words = {"de": ("Datenwörterbuch", "Wortlaut (deutsch)", "Wir tauschen Informationen"),
             "en": ("Data dictionary", "Wording (English)", "We share information openly.")}
    for word in words[language]:
        assert word in page


def test_wording_from_the_codebook_is_escaped_on_the_page(codebook_dict):
    codebook_dict["factors"]["trust"]["items"]["trust_1"]["de"] = "<script>alert(1)</script>"
    page = data_dictionary_html(parse_codebook(codebook_dict), "de")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
