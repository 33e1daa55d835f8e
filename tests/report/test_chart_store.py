"""The chart store: a chart drawn once per run is shared by a site's editions, never mixed up."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pandas as pd
import pytest

from evaluation.report.chart_store import draw
from evaluation.report.netplots import Chart


@dataclasses.dataclass(frozen=True)
class View:
    site: str
    table: pd.DataFrame
    members: frozenset[str]
    chart_store: object = None


calls: list[tuple[str, str]] = []


def fake_chart(view: View, *, language: str = "de") -> Chart:
    calls.append((view.site, language))
    total = view.table["x"].sum()
    return Chart(svg=f"<svg>{view.site} {total} {sorted(view.members)}</svg>",
                 alt_de=f"Summe {total}", alt_en=f"sum {total}")


@pytest.fixture(autouse=True)
def no_calls():
    calls.clear()


def view(site="K01", x=(1, 2), members=("a", "b"), store=None) -> View:
    return View(site=site, table=pd.DataFrame({"x": list(x)}), members=frozenset(members),
                chart_store=store)


def test_a_chart_drawn_once_is_taken_from_the_store_the_second_time(tmp_path):
    first = draw(tmp_path, fake_chart, view(store="a"), language="de")
    second = draw(tmp_path, fake_chart, view(store="b"), language="de")
    assert second == first
    assert calls == [("K01", "de")]  # the view's own store path is not part of the key
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_other_data_another_site_or_language_give_another_chart(tmp_path):
    draw(tmp_path, fake_chart, view(), language="de")
    assert draw(tmp_path, fake_chart, view(x=(1, 3)), language="de").alt_de == "Summe 4"
    assert "K02" in draw(tmp_path, fake_chart, view(site="K02"), language="de").svg
    assert draw(tmp_path, fake_chart, view(), language="en").alt_en == "sum 3"
    assert len(calls) == 4
    assert len(list(tmp_path.glob("*.json"))) == 4


def test_without_a_store_every_chart_is_drawn(tmp_path):
    draw(None, fake_chart, view(), language="de")
    draw(None, fake_chart, view(), language="de")
    assert len(calls) == 2


def test_a_damaged_entry_is_drawn_again_and_replaced(tmp_path):
    chart = draw(tmp_path, fake_chart, view(), language="de")
    (entry,) = tmp_path.glob("*.json")
    entry.write_text("{not json")
    assert draw(tmp_path, fake_chart, view(), language="de") == chart
    assert len(calls) == 2
    assert json.loads(entry.read_text())["svg"] == chart.svg


def test_the_key_of_a_view_with_sets_is_the_same_in_another_process(tmp_path):
    # sets iterate in the order of string hashes, which are salted per process
    code = (
        "import sys; sys.path.insert(0, '.')\n"
        "from tests.report.test_chart_store import view, fake_chart\n"
        "from evaluation.report.chart_store import _key\n"
        "print(_key(fake_chart, (view(members=[f'org{i}' for i in range(30)]),), "
        "{'language': 'de'}))\n"
    )
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": str(seed), "PATH": ""},
                           cwd=str(_root())).stdout.strip() for seed in (1, 2, 3)}
    assert len(keys) == 1
    assert len(next(iter(keys))) == 64


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_lambdas_and_local_functions_are_never_taken_from_the_store(tmp_path):
    def maker(colour):
        return lambda view, language="de": Chart(svg=colour, alt_de=colour, alt_en=colour)

    assert draw(tmp_path, maker("red"), view()).svg == "red"
    assert draw(tmp_path, maker("blue"), view()).svg == "blue"
    assert not list(tmp_path.glob("*.json"))


def test_charts_do_not_depend_on_the_process_matplotlib_settings():
    import matplotlib

    from evaluation.report.netplots import chart_style, new_figure, svg_text

    def drawn() -> str:
        with chart_style():
            figure = new_figure(3, 2)
            figure.add_subplot().plot([1, 2], [3, 4])
            return svg_text(figure)

    plain = drawn()
    with matplotlib.rc_context({"axes.edgecolor": "#ff0000", "xtick.major.size": 9.0,
                                "lines.linewidth": 4.0}):
        assert drawn() == plain
