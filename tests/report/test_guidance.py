"""What a coordinator does next: concrete steps from the site's own results, the learning
partner only where both sites agreed, whom to ask, the report's words explained, and a table
of contents for a long report."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re

from evaluation.render.contents import MIN_SECTIONS, add_contents
from evaluation.render.page import css_string, page_context
from evaluation.report import build_site_view, guidance

from .test_report_content import make_results


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_next_steps_follow_the_sites_own_results_and_end_with_the_contact():
    results = make_results()
    view = build_site_view(results, "K02", "w1")
    text = _text(guidance.next_steps(view, "de"))
    assert text.startswith(" Nächste Schritte Besprechen Sie die Ergebnisse im Netzwerk")
    weak = view.factors[view.factors["flag"] == "weakness"]
    for label in weak["label_de"]:
        assert f"„{label}“" in text  # every area below the average is named
    assert "beantwortet die wissenschaftliche Begleitung" in text  # no contact configured
    contact = {"name": "Dr. Jana Beispiel", "email": "jana@example.org", "phone": "0123 4"}
    with_contact = dataclasses.replace(view, contact=contact)
    html = guidance.next_steps(with_contact, "en")
    assert "jana@example.org" in html
    assert "<a " not in html  # no link out of the report
    assert "Contact for questions about this report:</strong> Dr. Jana Beispiel" in html


def test_the_glossary_explains_the_k_rule_and_only_terms_of_sections_the_report_has():
    results = make_results()
    view = build_site_view(results, "K02", "w1")
    text = _text(guidance.glossary(view, "de"))
    assert f"weniger als {view.k} Antworten" in text
    assert ("Netzwerkdichte" in text) == (view.network is not None)
    assert ("Schnelle Erfolge" in text) == (not view.ideas.empty)
    english = _text(guidance.glossary(view, "en"))
    assert "95% interval (statistical uncertainty)" in english


def test_a_site_not_shown_gets_no_next_steps():
    results = make_results()
    view = dataclasses.replace(build_site_view(results, "K02", "w1"), shown=False)
    assert guidance.next_steps(view, "de") == ""


def test_a_long_report_gets_a_table_of_contents_after_its_first_section():
    sections = "".join(f'<h2 id="s{i}">Teil {i} &amp; mehr</h2><p>x</p>'
                       for i in range(MIN_SECTIONS))
    body = f'<body><main id="main"><h1>T</h1>{sections}</main></body>'
    out = add_contents(body, "de")
    nav = re.search(r'<nav class="report-contents".*?</nav>', out).group(0)
    assert out.index(nav) > out.index('id="s0"')
    assert out.index(nav) < out.index('id="s1"')
    assert nav.count("<li>") == MIN_SECTIONS - 1
    assert '<a href="#s1">Teil 1 &amp; mehr</a>' in nav
    short = body.replace(f'<h2 id="s{MIN_SECTIONS - 1}">', "<h3>")
    assert add_contents(short, "de") == short


def test_the_printed_page_carries_title_edition_confidentiality_and_page_numbers():
    context = page_context(edition="partner", language="de", branding={},
                           source_date=dt.datetime(2026, 1, 1), title='Bericht "K03" </style>')
    css = context["print_css"]
    assert "@page { size: A4;" in css
    assert "counter(page)" in css
    assert "counter(pages)" in css
    assert "</style>" not in css
    assert '"K03"' not in css
    assert css_string("vertraulich") == '"vertraulich"'
    assert "Bericht f\u00fcr Projektpartner \\b7  vertraulich\"" in css  # · escaped


def test_open_exchange_and_contact_are_checked_in_the_project(tmp_path, codebook_dict):
    import pytest
    import yaml

    from evaluation.config import load_project
    from evaluation.errors import ConfigError
    from tests.conftest import write_project

    folder = write_project(tmp_path / "p", copy.deepcopy(codebook_dict),
                           [{"path": "data.csv", "wave": "w1"}])
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    config["project"]["contact"] = {"name": "A", "mail": "a@example.org"}
    config["sites"][0]["open_exchange"] = "ja"
    (folder / "project.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_project(folder)
    text = str(raised.value)
    assert "project.contact.mail" in text
    assert "did you mean 'email'" in text
    assert "open_exchange" in text
    assert "must be true or false" in text


def test_the_article_a_project_gives_a_site_is_used_in_the_report():
    results = make_results()
    for entry in results.meta["sites"]:
        if entry["key"] == "K01":
            entry["article"] = "die"
    view = build_site_view(results, "K01", "w1")
    assert view.names.within == f"in der {view.site_name}"
    assert build_site_view(make_results(), "K01", "w1").names.within == f"in {view.site_name}"
