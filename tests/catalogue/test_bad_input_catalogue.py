"""The bad-input catalogue: every case ends in a clear message, never in a traceback, a
wrong result or a changed input.

Each case copies the example project, plants one fault (a setting, a cell, a byte, an output
folder) and runs the command as a user would (``transfer-eval validate`` or ``run``/``export``
with a refused output). It checks the exit code, that the message names what to fix, that no
traceback is shown, and that every input file keeps its SHA-256 (the planted one included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.cli import main
from tests.conftest import copy_example, tree_sha256

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    name: str
    plant: Callable[[Path], None]
    expected: str  # a part of the message
    code: int = 1
    command: str = "validate"  # validate | run | export


def _project(project: Path, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        path = folder / "project.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    return plant


def _set(*keys: str, value: object) -> Callable[[Path], None]:
    def change(data: dict) -> None:
        node = data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return _project(Path(), change)


def _survey_option(**options: object) -> Callable[[Path], None]:
    return _project(Path(), lambda data: data["survey"][0].update(options))


def _site(index: int, **values: object) -> Callable[[Path], None]:
    return _project(Path(), lambda data: data["sites"][index].update(values))


def _text(text: str) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        (folder / "project.yml").write_text(text, encoding="utf-8")
    return plant


def _cell(file: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell; ``row`` as a spreadsheet shows it (the header is row 1)."""
    def plant(folder: Path) -> None:
        path = folder / "data" / file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[row - 2, column] = value
        frame.to_csv(path, index=False, lineterminator="\n")
    return plant


def _together(*plants: Callable[[Path], None]) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        for one in plants:
            one(folder)
    return plant


def _mixed_encoding(data: bytes, *, utf8_rows: tuple[int, ...], cp1252_row: int) -> bytes:
    """Put a 'ü' into the respondent of some rows in UTF-8 and of one in Windows-1252."""
    lines = data.split(b"\n")
    for row in utf8_rows:
        lines[row - 1] = lines[row - 1].replace(b"R", "Rü".encode(), 1)
    lines[cp1252_row - 1] = lines[cp1252_row - 1].replace(b"R", "Rü".encode("cp1252"), 1)
    return b"\n".join(lines)


def _bytes(file: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        path = folder / "data" / file
        path.write_bytes(change(path.read_bytes()))
    return plant


def _drop_column(file: str, column: str) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        path = folder / "data" / file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.drop(columns=[column]).to_csv(path, index=False, lineterminator="\n")
    return plant


def _rename(file: str, old: str, new: str) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        path = folder / "data" / file
        text = path.read_text(encoding="utf-8")
        head, rest = text.split("\n", 1)
        path.write_text(head.replace(old, new, 1) + "\n" + rest, encoding="utf-8")
    return plant


def _nothing(folder: Path) -> None:
    pass


CASES: list[Case] = []

# -- project file: misspelt settings, each with its hint --------------------------------------
for keys, hint in [(("privacy", "min_group_sise"), "min_group_size"),
                   (("privacy", "open_benchmarkin"), "open_benchmarking"),
                   (("privacy", "pseudonym_key_envv"), "pseudonym_key_env"),
                   (("privacy", "free_texts"), "free_text"),
                   (("branding", "project_nam"), "project_name"),
                   (("branding", "colour"), "colours"),
                   (("outputs", "edition"), "editions"),
                   (("project", "report_dat"), "report_date"),
                   (("project", "synthetc"), "synthetic")]:
    CASES.append(Case(f"misspelt {'.'.join(keys)}", _set(*keys, value=1),
                      f"did you mean {hint!r}?"))
for option, hint in [("encodng", "encoding"), ("delimeter", "delimiter"), ("shet", "sheet"),
                     ("missing_code", "missing_codes"), ("blanks", "blank"),
                     ("formt", "format")]:
    CASES.append(Case(f"misspelt survey option {option}", _survey_option(**{option: "x"}),
                      f"did you mean {hint!r}?"))
CASES.append(Case("unknown section", _set("privcy", value={}), "unknown section"))

# -- project file: wrong types and values ------------------------------------------------------
for keys, value, text in [
        (("privacy",), 5, "expected a mapping"),
        (("branding",), "blue", "expected a mapping"),
        (("outputs",), ["partner"], "expected a mapping"),
        (("project",), "Projekt", "expected a mapping"),
        (("privacy", "min_group_size"), 2, "minimum group size must be an integer of at least"),
        (("privacy", "min_group_size"), "5", "minimum group size must be an integer of at least"),
        (("privacy", "min_group_size"), True, "minimum group size must be an integer of at least"),
        (("privacy", "min_group_size"), 2.5, "minimum group size must be an integer of at least"),
        (("privacy", "open_benchmarking"), "yes", "must be true or false"),
        (("privacy", "free_text"), 1, "must be true or false"),
        (("privacy", "min_raters_per_organisation"), 2, "must be an integer >= 3"),
        (("privacy", "pseudonym_key_env"), "PATH", "not one the system sets"),
        (("privacy", "pseudonym_key_env"), "HOME", "not one the system sets"),
        (("privacy", "pseudonym_key_env"), "LC_ALL", "not one the system sets"),
        (("privacy", "pseudonym_key_env"), "key", "not one the system sets"),
        (("outputs", "editions"), "partner", "expected a list of editions"),
        (("outputs", "editions"), ["public"], "unknown edition"),
        (("branding", "colours", "primary"), "blue", "colours are hex codes"),
        (("branding", "colours", "accent"), "#12345", "colours are hex codes"),
        (("branding", "colours", "secondary"), "#123456", "unknown setting"),
        (("branding", "logo"), "data/roster.csv", "is not a PNG, JPEG, GIF or SVG image"),
        (("branding", "logo"), "nowhere.png", "file not found"),
        (("language",), "fr", "unsupported report language"),
        (("language",), 7, "unsupported report language"),
        (("scheduler",), 8786, "must be a Dask scheduler address"),
        (("project", "synthetic"), "ja", "must be true or false"),
        (("project", "report_date"), "2026-13-45", "not a date"),
        (("project", "report_date"), "gestern", "not a date"),
        (("instrument",), "no_such_instrument", "no instrument of this name"),
        (("instrument",), "../../etc/passwd", "path leaves the project folder"),
        (("sites",), "K01", "a project needs a list of sites"),
        (("waves",), 3, "a project needs a list of waves"),
        (("survey",), 5, "a project needs at least one survey file"),
]:
    CASES.append(Case(f"{'.'.join(keys)} = {value!r}", _set(*keys, value=value), text))

# -- project file: sites and survey options ----------------------------------------------------
for key in ["../../ESCAPED/K01", "a/b", ".hidden", "K 01", "x" * 70, "K01;rm"]:
    CASES.append(Case(f"site key {key[:20]!r}", _site(0, key=key),
                      "a site key names the site's report files"))
CASES.append(Case("site listed twice", _site(1, key="K01"), "site listed twice"))
for options, text in [
        ({"encoding": "utf-9"}, "unknown text encoding"),
        ({"delimiter": "x"}, "unusual delimiter"),
        ({"delimiter": ";;"}, "unusual delimiter"),
        ({"delimiter": ";"}, "seems to use ',' as delimiter"),
        ({"delimiter": "\t"}, "seems to use ',' as delimiter"),
        ({"blank": "valid"}, "an empty cell must mean a missing category"),
        ({"blank": "zero"}, "an empty cell must mean a missing category"),
        ({"sheet": 1.5}, "a sheet is a name or a number"),
        ({"missing_codes": "-9"}, "expected a mapping 'code: category'"),
        ({"missing_codes": {-9: "nothing"}}, "unknown missing category"),
        ({"format": "stata"}, "unknown survey format"),
        ({"wave": "w9"}, "unknown wave"),
        ({"site": "K99"}, "unknown site"),
        ({"path": "data/missing.csv"}, "file not found"),
        ({"path": "../outside.csv"}, "path leaves the project folder"),
]:
    CASES.append(Case(f"survey option {options}", _survey_option(**options), text))
for code in (1, 2, 3, 4, 5, "3"):
    CASES.append(Case(f"missing code {code!r} is a valid answer",
                      _survey_option(missing_codes={code: "no_answer"}),
                      "this code is a valid answer of the response scale"))

# -- project file: YAML itself ---------------------------------------------------------------
BOMB = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
    f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi",
                                                                         strict=True))
for name, text, expected in [
        ("duplicate key", "project: {name: a}\nproject: {name: b}\n", "duplicate key"),
        ("billion laughs", BOMB, "expands to more than"),
        ("deep nesting", "a: " + "[" * 200 + "]" * 200 + "\n", "nested deeper than"),
        ("list as key", "? [1, 2]\n: x\n", "cannot be a key"),
        ("python tag", "a: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
        ("broken syntax", "project: [unclosed\n", "invalid YAML"),
        ("not a mapping", "- a\n- b\n", "must be a YAML mapping"),
        ("empty file", "", "must be a YAML mapping"),
]:
    CASES.append(Case(f"yaml: {name}", _text(text), expected))

# -- survey export cells ----------------------------------------------------------------------
for value in ["0", "6", "99", "-5", "\u0664", "\uff14", "0_4", "4e0", "+4", "vier", "4.5", "inf"]:
    CASES.append(Case(f"trust_1 = {value!r}", _cell("survey_w1.csv", 2, "trust_1", value),
                      "survey_w1.csv, row 2, column 'trust_1'"))
for column, value, text in [
        ("site", "K99", "unknown site"),
        ("site", "", "unknown site"),
        ("wave", "w9", "unknown wave"),
        ("respondent", "", "respondent identifier is empty"),
        ("actor_type", "Feuerwehr", "unknown attribute value"),
        ("employment", "maybe", "unknown attribute value"),
        ("years_in_network", "-3", "not a number in the valid range"),
        ("years_in_network", "\u0663", "not a number in the valid range"),
]:
    CASES.append(Case(f"survey {column} = {value!r}", _cell("survey_w1.csv", 3, column, value),
                      text))
CASES += [
    Case("respondent twice in a file", _cell("survey_w1.csv", 3, "respondent", "R0116"),
         "appears twice"),
    Case("missing item column", _drop_column("survey_w1.csv", "trust_2"),
         "codebook item not found in the data"),
    Case("unknown column", _rename("survey_w1.csv", "trust_2", "trust_9"),
         "column not in the codebook"),
    Case("header twice with spaces", _rename("survey_w1.csv", "trust_2", " trust_1"),
         "appears twice in the header"),
    Case("NUL byte in a cell", _bytes("survey_w1.csv", lambda b: b.replace(b",4,", b",4\x00,", 1)),
         "a NUL byte in column"),
    Case("binary file", _bytes("survey_w1.csv", lambda b: bytes(range(256)) * 40),
         "binary data"),
    Case("empty file", _bytes("survey_w1.csv", lambda b: b""), "the file is empty"),
    Case("only spaces", _bytes("survey_w1.csv", lambda b: b"   \n  \n"), "has no content"),
    Case("truncated row", _bytes("survey_w1.csv", lambda b: b[: b.rindex(b",", 0, -5)] + b"\n"),
         "different number of fields"),
    Case("wrong declared encoding", _bytes("survey_w1.csv",
                                           lambda b: b.replace(b"R0116", "R\xe4116".encode(
                                               "latin-1"), 1)), "not valid"),
    Case("mixed encodings, UTF-8 declared",
         _bytes("survey_w1.csv", lambda b: _mixed_encoding(b, utf8_rows=(2, 3), cp1252_row=7)),
         "row 7: text is not valid utf-8 (byte 0xfc"),
    Case("mixed encodings, none declared",
         _together(_survey_option(encoding=None),
                   _bytes("survey_w1.csv",
                          lambda b: _mixed_encoding(b, utf8_rows=(2, 3), cp1252_row=7))),
         "2 row(s) with non-ASCII characters are UTF-8, but row(s) 7 (byte 0xfc at position"),
]

# -- participation tables ---------------------------------------------------------------------
for file, row, column, value, text in [
        ("roster.csv", 2, "left", "2020-01-01", "organisation left before it joined"),
        ("roster.csv", 2, "actor_type", "Feuerwehr", "unknown actor type"),
        ("roster.csv", 2, "site", "K99", "unknown site"),
        ("roster.csv", 2, "joined", "2023-02-30", "a date YYYY-MM-DD"),
        ("roster.csv", 2, "joined", "2023-06-01 oder später", "a date YYYY-MM-DD"),
        ("roster.csv", 2, "joined", "", "required"),
        ("events.csv", 2, "event_type", "party", "event_type"),
        ("events.csv", 2, "wave", "w9", "unknown wave"),
        ("events.csv", 2, "date", "morgen", "a date YYYY-MM-DD"),
        ("attendance.csv", 2, "attendees", "0", "a whole number from 1 to 100"),
        ("attendance.csv", 2, "attendees", "101", "a whole number from 1 to 100"),
        ("attendance.csv", 2, "attendees", "2.5", "a whole number from 1 to 100"),
        ("attendance.csv", 2, "attendees", "\uff12", "a whole number from 1 to 100"),
        ("attendance.csv", 2, "decision_makers", "50", "more decision makers than attendees"),
        ("attendance.csv", 2, "event", "NO-EVENT", "unknown event"),
        ("attendance.csv", 2, "organisation", "K01-O99", "organisation missing from the roster"),
        ("ties.csv", 2, "alter", "K01-O01", "an organisation names itself as partner"),
        ("ties.csv", 2, "alter", "K02-O01", "organisation belongs to site 'K02'"),
        ("ties.csv", 2, "frequency", "6", "a whole number from 0 to 5"),
        ("ties.csv", 2, "collaboration", "-1", "a whole number from 0 to 5"),
        ("ties.csv", 2, "trust_1", "5", "a whole number from 1 to 4"),
        ("ties.csv", 2, "resources", "gold", "resources"),
        ("ideas.csv", 2, "status", "done", "status"),
        ("ideas.csv", 2, "event", "K02-w1-IW1", "the event belongs to site 'K02'"),
        ("ideas.csv", 2, "site", "K99", "unknown site"),
        ("idea_ratings.csv", 2, "feasibility", "0", "a whole number from 1 to 5"),
        ("idea_ratings.csv", 2, "impact", "6", "a whole number from 1 to 5"),
        ("idea_ratings.csv", 2, "idea", "NO-IDEA", "unknown idea"),
        ("idea_ratings.csv", 2, "rater", "K05-O01", "the rater belongs to site 'K05'"),
        ("goals.csv", 2, "stage_targeted", "8", "a whole number from 1 to 7"),
        ("goals.csv", 2, "stage_reached", "0", "a whole number from 1 to 7"),
        ("goals.csv", 2, "wave", "w9", "unknown wave"),
]:
    CASES.append(Case(f"{file} {column} = {value!r}", _cell(file, row, column, value), text))

# -- output folders and files -----------------------------------------------------------------
CASES += [
    Case("run --out /", _nothing, "the root of the file system", 2, "run:/"),
    Case("run --out home", _nothing, "your home folder", 2, "run:~"),
    Case("run --out the project", _nothing, "inside the project folder", 2, "run:."),
    Case("run --out the data folder", _nothing, "inside the project folder", 2, "run:data"),
    Case("run --out the folder above the project", _nothing, "holds the input file", 2,
         "run:.."),
    Case("run --out a foreign folder", _nothing, "was not written by transfer-evaluation", 2,
         "run:foreign"),
    Case("run --out a file", _nothing, "is a file, not a folder", 2, "run:afile"),
    Case("export over a raw survey", _nothing, "inside the project folder", 2,
         "export:data/survey_w1.csv"),
    Case("export into the project", _nothing, "inside the project folder", 2,
         "export:export.csv"),
    Case("export into a missing folder", _nothing, "does not exist", 2, "export:nowhere"),
    Case("export over an existing file", _nothing, "the file exists (pass --force", 2,
         "export:afile"),
]




def _args(case: Case, project: Path, tmp_path: Path) -> list[str]:
    if case.command == "validate":
        return ["validate", str(project)]
    kind, _, where = case.command.partition(":")
    targets = {"/": Path("/"), "~": Path.home(), ".": project, "data": project / "data",
               "..": project.parent, "foreign": tmp_path / "foreign",
               "afile": tmp_path / "afile", "nowhere": tmp_path / "nowhere" / "x.csv"}
    target = targets.get(where, project / where)
    if kind == "export":
        return ["export", str(project), "--out", str(target)]
    return ["run", str(project), "--out", str(target)]


def test_the_catalogue_has_at_least_150_cases() -> None:
    assert len(CASES) >= 150
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_input_ends_in_a_clear_message_and_changes_nothing(
        case: Case, tmp_path: Path, capsys, monkeypatch) -> None:
    project = copy_example(tmp_path)
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "index.html").write_text("mine")
    (tmp_path / "afile").write_text("mine")
    monkeypatch.setenv("TRANSFER_EVAL_KEY", "catalogue-key-0123456789abcdef")
    case.plant(project)
    before = tree_sha256(tmp_path / "surveys")
    foreign = tree_sha256(tmp_path / "foreign")
    code = main(_args(case, project, tmp_path))
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == case.code, text[-2000:]
    assert case.expected in text, text[-2000:]
    assert "Traceback" not in text
    assert tree_sha256(tmp_path / "surveys") == before  # raw inputs and project files unchanged
    assert tree_sha256(tmp_path / "foreign") == foreign
    assert (tmp_path / "afile").read_text() == "mine"
