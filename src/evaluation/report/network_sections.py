"""Partner report sections on the network, participation, ideas and goals.

Organisation names never appear: the network map shows actor types (``show_names=False``)
and metrics say how many organisations answered the roster question. Ideas and goals are
the site's own.
"""

from __future__ import annotations

import pandas as pd

from evaluation import columns as C
from evaluation.participation import QUADRANTS, STAGES
from evaluation.report.chart_store import draw
from evaluation.report.charts import chart_html
from evaluation.report.formatting import fmt_int, fmt_number, fmt_percent, html_table
from evaluation.report.fragments import (
    bullet_list,
    heading,
    kept_together,
    note,
    paragraph,
    print_only,
    screen_only,
)
from evaluation.report.netplots import ChartInputError, quick_win_matrix
from evaluation.report.network_matrix import MIN_PER_TYPE, actor_type_matrix, type_ties_table
from evaluation.report.texts import IDEA_STATUS, text
from evaluation.report.view import SiteView


def _metric_rows(view: SiteView, language: str) -> list[tuple[str, str]]:
    m = view.network_metrics
    de = language == "de"
    pct = lambda key: fmt_percent(m.get(key), 0, language)  # noqa: E731
    rows = [
        ("Organisationen im Netzwerk" if de else "Organisations in the network",
         fmt_int(m.get("n_organisations"), language)),
        ("davon haben die Netzwerkfrage beantwortet" if de
         else "of which answered the network question",
         f"{fmt_int(m.get('n_respondents'), language)} ({pct('coverage')})"),
        ("genannte Kooperationsbeziehungen" if de else "cooperation ties named",
         fmt_int(m.get("n_ties"), language)),
        ("Dichte: Anteil der möglichen Beziehungen, die bestehen" if de
         else "Density: share of possible ties that exist", pct("density")),
        ("gegenseitige Beziehungen" if de else "mutual ties", pct("reciprocity")),
        ("Beziehungen zwischen verschiedenen Sektoren" if de else "ties across sectors",
         pct("cross_sector_share")),
        ("Organisationen ohne Beziehung" if de else "organisations without ties",
         fmt_int(m.get("n_isolates"), language)),
        ("Vielfalt der Akteursgruppen (0 = alle aus einer Gruppe, 1 = gleichmäßig gemischt; "
         "Blau-Index)" if de
         else "Diversity of actor types (0 = all from one group, 1 = evenly mixed; Blau index)",
         fmt_number(m.get("blau"), 2, language)),
    ]
    c = view.network_changes
    if c and view.previous_wave:
        since = view.labels.wave_label(view.previous_wave, language)
        rows.append((f"Beziehungen seit der {since}: neu / weggefallen" if de
                     else f"Ties since the {since}: new / ended",
                     f"{fmt_int(c.get('gained'), language)} / {fmt_int(c.get('lost'), language)}"))
    p = view.partner_changes
    if not p.empty and str(p[C.WAVE].iloc[-1]) == view.wave:
        last = p.iloc[-1]
        since = view.labels.wave_label(str(last["previous_wave"]), language)
        rows.append((f"Partnerorganisationen seit der {since}: ausgestiegen / neu" if de
                     else f"Partner organisations since the {since}: left / joined",
                     f"{fmt_int(last['n_left'], language)} / "
                     f"{fmt_int(last['n_joined'], language)}"))
    return rows


def network(view: SiteView, language: str = "de") -> str:
    """Network map (actor types only), network measures and participation in events."""
    if not view.shown or not view.labels.has_participation("ties", "events", "attendance"):
        return ""
    de = language == "de"
    parts = [heading(2, text("network", language), anchor="network"),
             heading(3, text("network_map", language), anchor="network-map")]
    if view.network is None or not view.network_metrics.get("n_respondents"):
        # no ties table, or nobody answered the network question: no data, not "no ties"
        parts.append(note(text("no_data", language)))
    else:
        parts.append(paragraph(
            "Die Abbildung zeigt, wie viele Paare von Organisationen zusammenarbeiten, zwischen "
            "den Akteursgruppen (Zeile und Spalte) und innerhalb einer Gruppe (Diagonale). Je "
            "dunkler ein Feld, desto größer der Anteil der möglichen Paare. In Klammern: die "
            f"Zahl der Organisationen; Gruppen mit weniger als {MIN_PER_TYPE} Organisationen "
            "sind als „weitere Akteure“ zusammengefasst." if de else
            "The chart shows how many pairs of organisations work together, between the actor "
            "groups (row and column) and within a group (diagonal). The darker a cell, the "
            "larger the share of possible pairs. In brackets: the number of organisations; "
            f"groups of fewer than {MIN_PER_TYPE} organisations are merged as “other "
            "actors”."))
        chart = draw(view.chart_store, actor_type_matrix, view.network, language=language)
        caption = (f"Zusammenarbeit zwischen Akteursgruppen {view.names.within}" if de else
                   f"Cooperation between actor groups in {view.site_name}")
        parts = [kept_together(*parts, chart_html(chart, language, caption=caption,
                                                  max_width="40rem"))]
        matrix = type_ties_table(view.network, language=language)
        first = matrix.columns[0]
        parts.append(screen_only(html_table(
            matrix, caption=("Zusammenarbeit zwischen Akteursgruppen als Tabelle: Paare von "
                             "Organisationen (Anteil der möglichen Paare)" if de else
                             "Cooperation between actor groups as a table: pairs of "
                             "organisations (share of possible pairs)"),
            language=language, index=False, row_header=first)))
        parts.append(print_only("Die Zahlen stehen auch als Tabelle in der Bildschirmfassung."
                                if de else
                                "The figures are also given as a table in the screen version."))
        measures = pd.DataFrame(_metric_rows(view, language),
                                columns=[text("metric", language), text("value", language)])
        parts.append(html_table(measures, caption=("Kennzahlen des Netzwerks" if de
                                                   else "Network measures"),
                                language=language, index=False,
                                row_header=text("metric", language)))
    parts.append(heading(3, text("participation", language), anchor="participation"))
    p = view.participation
    events = view.participation_by_event
    if not p or events.empty:
        parts.append(note(text("no_data", language)))
        return "\n".join(parts)
    sentence = (f"{fmt_int(p.get('n_attending'), language)} von "
                f"{fmt_int(p.get('n_active'), language)} aktiven Organisationen haben an "
                f"mindestens einer der {fmt_int(p.get('n_events'), language)} Veranstaltungen "
                "dieser Welle teilgenommen." if de else
                f"{fmt_int(p.get('n_attending'), language)} of "
                f"{fmt_int(p.get('n_active'), language)} active organisations attended at "
                f"least one of the {fmt_int(p.get('n_events'), language)} events of this wave.")
    if "decision_maker_share" in p:
        sentence += (f" Unter den Teilnehmenden kamen "
                     f"{fmt_percent(p['decision_maker_share'], 0, language)} aus der "
                     "Leitungsebene." if de else
                     f" {fmt_percent(p['decision_maker_share'], 0, language)} of the attendees "
                     "were decision makers.")
    if "mso_share_attending" in p:
        sentence += (f" Migrantenorganisationen machen "
                     f"{fmt_percent(p['mso_share_attending'], 0, language)} der teilnehmenden "
                     "Organisationen aus." if de else
                     f" Migrant organisations make up "
                     f"{fmt_percent(p['mso_share_attending'], 0, language)} of the attending "
                     "organisations.")
    parts.append(paragraph(sentence))
    table = pd.DataFrame({
        text("event_type", language): [view.labels.event_type(e, language)
                                       for e in events["event_type"]],
        text("n_events", language): events["n_events"].astype(int).to_numpy(),
        text("n_attendances", language): events["n_attendances"].astype(int).to_numpy(),
        text("attendees", language): events["attendees"].astype(int).to_numpy(),
        text("decision_share", language): [fmt_percent(s, 0, language)
                                           for s in events["decision_maker_share"]],
    })
    parts.append(html_table(table, caption=("Teilnahme nach Format" if de
                                            else "Attendance by format"),
                            language=language, index=False,
                            row_header=text("event_type", language),
                            note=(f"– = Anteil von weniger als {view.k} Personen, nicht "
                                  "gezeigt." if de else
                                  f"– = share of fewer than {view.k} people, not shown.")))
    return "\n".join(parts)


def _status(value: object, language: str) -> str:
    pair = IDEA_STATUS.get(str(value))
    return pair[0 if language == "de" else 1] if pair else str(value)


def ideas(view: SiteView, language: str = "de") -> str:
    """Quick wins named first, the feasibility x impact matrix, all ideas, and goals."""
    if not view.shown or not view.labels.has_participation("ideas", "idea_ratings", "goals"):
        return ""
    de = language == "de"
    k = 0 if de else 1
    parts = [heading(2, text("ideas", language), anchor="ideas")]
    rated = view.ideas[view.ideas["quadrant"].notna()] if not view.ideas.empty else view.ideas
    if rated.empty and len(_rated_by_few(view)):
        parts.append(note(f"Keine Idee wurde von mindestens {view.k} Personen bewertet." if de
                          else f"No idea was rated by at least {view.k} people."))
    elif rated.empty:
        parts.append(note("In Ihrer Kommune wurden keine Ideen aus einer Ideenwerkstatt "
                          "bewertet." if de else
                          "No ideas from an idea workshop were rated in your municipality."))
    else:
        wins = rated[rated["quadrant"] == "quick_win"]
        if wins.empty:
            parts.append(paragraph("Keine Idee erreicht bei Wirkung und Umsetzbarkeit beide "
                                   "Schwellen von 3,5." if de else "No idea reaches both "
                                   "thresholds of 3.5 for impact and feasibility."))
        else:
            parts.append(paragraph("Schnelle Erfolge zuerst: Diese Ideen wurden als wirksam "
                                   "und gut umsetzbar bewertet." if de else
                                   "Quick wins first: these ideas were rated as effective "
                                   "and easy to implement."))
            parts.append(bullet_list(
                [f"{row['title']} ({row['idea']}; {_status(row['status'], language)})"
                 for _, row in wins.iterrows()], ordered=True))
        try:
            chart = draw(view.chart_store, quick_win_matrix, view.ideas, site=view.site,
                         language=language)
        except ChartInputError:
            chart = None
        if chart is not None:
            caption = (f"Ideen nach Umsetzbarkeit und Wirkung {view.names.within}"
                       if de else
                       f"Ideas by feasibility and impact in {view.site_name}")
            parts = [kept_together(*parts, chart_html(chart, language, caption=caption,
                                                      max_width="40rem"))]
        table = pd.DataFrame({
            text("idea", language): [f"{t} ({i})" for t, i in
                                     zip(rated["title"], rated["idea"], strict=True)],
            text("feasibility", language): rated["feasibility"].astype(float).to_numpy(),
            text("impact", language): rated["impact"].astype(float).to_numpy(),
            text("group", language): [QUADRANTS[q][k] for q in rated["quadrant"]],
            text("status", language): [_status(s, language) for s in rated["status"]],
            text("raters", language): rated["n_raters"].astype(int).to_numpy(),
        })
        parts.append(html_table(table, caption=("Bewertete Ideen, schnelle Erfolge zuerst"
                                                if de else "Rated ideas, quick wins first"),
                                language=language, index=False,
                                row_header=text("idea", language), digits=1))
    few = _rated_by_few(view)
    if len(few):
        listed = ", ".join(f"{t} ({i})" for t, i in zip(few["title"], few["idea"], strict=True))
        one = len(few) == 1
        parts.append(note(
            f"{'Eine weitere Idee wurde' if one else f'{len(few)} weitere Ideen wurden'} von "
            f"weniger als {view.k} Personen bewertet; die Bewertung wird nicht gezeigt: "
            f"{listed}." if de else
            f"{'One further idea was' if one else f'{len(few)} further ideas were'} rated by "
            f"fewer than {view.k} people; the ratings are not shown: {listed}."))
    parts.append(goals(view, language))
    return "\n".join(p for p in parts if p)


def _rated_by_few(view: SiteView) -> pd.DataFrame:
    """Ideas rated, but by fewer than k people (their means are hidden in the view)."""
    ideas = view.ideas
    if ideas.empty or "n_raters" not in ideas:
        return ideas.iloc[0:0]
    return ideas[ideas["quadrant"].isna() & ideas["n_raters"].fillna(0).gt(0)]


def goals(view: SiteView, language: str = "de") -> str:
    """Goals with the Wirkungstreppe stage targeted and reached in this wave (h3)."""
    if view.goals.empty:
        return ""
    de = language == "de"
    rows = view.goals
    k = 0 if de else 1

    def stage(value: object) -> str | None:
        if pd.isna(value):
            return None
        number = int(float(value))  # type: ignore[arg-type]
        return f"{number} \u2013 {STAGES[number][k]}" if number in STAGES else str(number)

    table = pd.DataFrame({
        text("goal", language): [str(t) for t in rows["title"]],
        text("stage_targeted", language): [stage(v) for v in rows["stage_targeted"]],
        text("stage_reached", language): [stage(v) for v in rows["stage_reached"]],
        text("reached", language): rows["reached"].astype(bool).to_numpy(),
    })
    intro = ("Die Wirkungstreppe hat sieben Stufen: Stufen 1 bis 3 beschreiben Leistungen "
             "(Aktivitäten, erreichte Zielgruppen), 4 bis 6 Veränderungen bei den Zielgruppen, "
             "Stufe 7 Veränderungen in der Gesellschaft." if de else
             "The impact ladder has seven stages: stages 1 to 3 describe outputs (activities, "
             "target groups reached), 4 to 6 changes among the target groups, stage 7 changes "
             "in society.")
    return "\n".join([
        heading(3, text("goals", language), anchor="goals"), paragraph(intro),
        html_table(table, caption=(f"Ziele {view.names.of} und ihr Stand" if de else
                                   f"Goals of {view.site_name} and their status"),
                   language=language, index=False, row_header=text("goal", language),
                   digits=0)])

