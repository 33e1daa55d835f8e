"""What the printed partner report keeps and leaves out: each chart stays on one page with
its heading and lead-in, tables that repeat a chart's figures are left to the screen (the
chart says where they are), and the challenge chart itself marks the flagged challenges."""

from __future__ import annotations

import re

from evaluation.report import build_site_view, sections
from evaluation.report.charts import challenges_chart

from .test_report_content import make_results

KEEP = re.compile(r'<div class="er-keep"><h2 id="(\w+)">.*?</div>', re.DOTALL)


def test_every_chart_section_starts_with_its_heading_kept_with_its_chart():
    view = build_site_view(make_results(), "K01", "w2")
    for make, anchor in ((sections.profile, "profile"), (sections.change, "change"),
                         (sections.challenges, "challenges")):
        html = make(view, "de")
        block = KEEP.match(html)
        assert block is not None
        assert block.group(1) == anchor
        assert "<figure" in block.group(0)  # heading, lead-in and chart in one block


def test_tables_that_repeat_a_chart_are_screen_only_and_the_print_says_where_they_are():
    view = build_site_view(make_results(), "K01", "w2")
    table = sections.factor_table(view, "de")
    assert table.startswith('<div class="er-screen-only"><h3 id="factor-table">')
    profile = sections.profile(view, "de")
    assert ('<span class="er-print-only"> Die Werte stehen als Tabelle in der '
            "Bildschirmfassung dieses Berichts.</span>") in profile
    challenges = sections.challenges(view, "de")
    assert '<div class="er-screen-only"><div class="table-wrap"' in challenges
    assert '<p class="er-print-only er-small">Die Anteile mit Intervallen' in challenges


def test_the_challenge_chart_marks_and_explains_a_flagged_challenge():
    view = build_site_view(make_results(), "K01", "w2")
    flagged = view.challenges.assign(flag=["higher"] + ["none"] * (len(view.challenges) - 1))
    view = view.__class__(**{**view.__dict__, "challenges": flagged})
    chart = challenges_chart(view, language="de")
    assert "deutlich häufiger als anderswo" in chart.alt_de
    assert "\u25b2 deutlich häufiger als anderswo" in chart.svg


def test_the_table_of_contents_goes_before_a_kept_block_never_into_it():
    from evaluation.render.contents import MIN_SECTIONS, add_contents

    sections = "".join(f'<h2 id="s{i}">Teil {i}</h2><p>Text</p>'
                       for i in range(2, MIN_SECTIONS + 1))
    body = ('<main><h2 id="s0">Kurz</h2><ul><li>x</li></ul>'
            '<div class="er-keep"><h2 id="s1">Profil</h2><figure></figure></div>'
            + sections + "</main>")
    out = add_contents(body, "de")
    assert '</ul><nav class="report-contents"' in out
    assert '</nav>\n<div class="er-keep"><h2 id="s1">' in out
