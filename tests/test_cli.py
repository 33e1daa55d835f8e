"""The transfer-eval command: validate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.cli import main
from tests.conftest import EXAMPLE, ROOT

DIRTY = ROOT / "surveys" / "example-dirty"


def test_validate_prints_the_summary_of_the_example_and_exits_zero(capsys):
    assert main(["validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Respondents per site and wave" in out
    assert "K18           39 (65%)        3 (5%)" in out
    assert "below the minimum group size 5" in out
    assert "cannot judge" in out
    assert "Straight-lining:" in out
    assert "No errors found." in out


def test_validate_lists_every_planted_error_of_the_dirty_copy_and_exits_nonzero(capsys):
    assert main(["validate", str(DIRTY)]) == 1
    out = capsys.readouterr().out
    assert "ERRORS (14):" in out
    for fragment in ("survey_w1.csv, row 4, column 'trust_2'",
                     "survey_w1.csv, row 12, column 'site'",
                     "survey_w3.csv, row 6: text is not valid utf-8",
                     "goals.csv: the file is empty",
                     "ties.csv, row 6, column 'alter': organisation missing from the roster"):
        assert fragment in out


def test_a_missing_project_is_a_message_not_a_traceback():
    result = subprocess.run([sys.executable, "-m", "evaluation.cli", "validate",
                             "/nonexistent/project"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: /nonexistent/project: file not found")
    assert "Traceback" not in result.stderr


def test_export_refuses_without_a_pseudonym_key(tmp_path, capsys):
    assert main(["export", str(EXAMPLE), "--out", str(tmp_path / "micro.csv")]) == 1
    assert "TRANSFER_EVAL_KEY" in capsys.readouterr().err
    assert not (tmp_path / "micro.csv").exists()


def test_export_writes_k_anonymous_pseudonymised_microdata_with_a_key(tmp_path, capsys,
                                                                      monkeypatch):
    monkeypatch.setenv("TRANSFER_EVAL_KEY", "x" * 32)
    out = tmp_path / "micro.csv"
    assert main(["export", str(EXAMPLE), "--out", str(out), "--drop-small"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "R0001" not in text  # original codes never leave
    header = text.splitlines()[0]
    assert header.startswith("respondent,")
    assert "x" * 32 not in text


def test_a_full_disk_ends_in_one_line_naming_the_file_and_a_log_with_the_traceback(
        monkeypatch, capsys):
    import errno

    import evaluation.cli as cli

    def full(args):
        raise OSError(errno.ENOSPC, "No space left on device", "/reports/partner/K01.html")

    monkeypatch.setattr(cli, "cmd_validate", full)
    assert cli.main(["validate", "surveys/example"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "cannot read or write /reports/partner/K01.html: No space left on device" in err
    log = Path(err.rsplit("details in ", 1)[1].rstrip(")"))
    assert "Traceback" in log.read_text(encoding="utf-8")
    log.unlink()


def test_an_unexpected_error_is_one_line_that_says_bug_and_where_the_traceback_is(
        monkeypatch, capsys):
    import evaluation.cli as cli

    def bug(args):
        raise KeyError("surprise\nsecond line")

    monkeypatch.setattr(cli, "cmd_validate", bug)
    assert cli.main(["validate", "surveys/example"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("error: unexpected KeyError:")
    assert "This is a bug in transfer-evaluation" in err
    log = Path(err.split("the traceback is in ", 1)[1].split(" (or run", 1)[0])
    assert "KeyError" in log.read_text(encoding="utf-8")
    log.unlink()
    with pytest.raises(KeyError):
        cli.main(["--debug", "validate", "surveys/example"])
