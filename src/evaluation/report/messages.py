"""Three to five key messages of a site report, generated from the numbers.

Wording rules (tested in ``tests/report/test_report_content.py``):

- a scale is called above or below "the average of the other municipalities" only where the
  comparison flag says the 95 % interval of the difference excludes the benchmark;
- a change since an earlier wave is called clear only where its 95 % interval excludes 0;
- every comparison says that it is larger than the statistical uncertainty, and the
  association of success factors with the outcome is called an association, never a cause
  (no "verursacht", "führt zu", "causes", "effect");
- the pool is described, never named: no other site appears.

Order is fixed: comparison with the others (at most two messages), challenges many more
respondents name here than elsewhere, partner organisations that left the network (where
at least :data:`PARTNER_LOSS_SHARE` of a wave's partners were gone by the next wave, both
waves shown), change since the first wave (where the report also
compares with a later one), change since the last wave, quick wins, network and
participation, then the pool-level association, until five are reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaluation.language import check_language
from evaluation.report.formatting import fmt_int, fmt_number, fmt_percent, join_words, quoted
from evaluation.report.view import SiteView

MAX_MESSAGES = 5
MAX_NAMED = 3  # scales named in one message; more are counted
#: share of a wave's partner organisations gone by the next wave that makes a key message
PARTNER_LOSS_SHARE = 0.10


@dataclass(frozen=True, kw_only=True)
class Message:
    """One key message: a kind (for styling and tests) and its text in one language."""

    kind: str
    text: str


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _names(rows: pd.DataFrame, language: str) -> str:
    column = "label_de" if language == "de" else "label_en"
    names = [quoted(str(x), language) for x in rows[column].head(MAX_NAMED)]
    rest = len(rows) - len(names)
    if rest > 0:
        names.append((f"{rest} weiteren Bereichen" if rest > 1 else "einem weiteren Bereich")
                     if language == "de" else
                     (f"{rest} further areas" if rest > 1 else "one further area"))
    return join_words(names, language)


def _num(x: float, language: str) -> str:
    return fmt_number(x, 2, language)


def comparison_messages(view: SiteView, language: str) -> list[Message]:
    """Strengths and weaknesses where the flag says so, or that no clear difference exists."""
    de = language == "de"
    if not view.pool_shown:
        return [Message(kind="no_pool", text=(
            "Für einen Vergleich mit anderen Kommunen haben in dieser Erhebungswelle zu wenige "
            "Kommunen genug Antworten; der Bericht zeigt deshalb nur die eigenen Werte."
            if de else
            "Too few municipalities have enough answers in this wave for a comparison; the "
            "report therefore shows your own values only."))]
    rows = view.factors[~view.factors["suppressed"]].copy()
    if rows.empty:  # answers came back, but no scale has k valid scores: nothing to compare
        return [Message(kind="no_values", text=(
            f"Für keinen Bereich liegen mindestens {view.k} gültige Antworten vor; der Bericht "
            "zeigt deshalb keine Mittelwerte und keinen Vergleich mit anderen Kommunen." if de
            else f"No area has at least {view.k} valid answers; the report therefore shows no "
            "means and no comparison with other municipalities."))]
    out = []
    if "higher_is_better" not in rows:
        rows["higher_is_better"] = True
    # the favourable side first: most above the average, or (lower is better) most below
    rows["_gain"] = rows["difference"].where(rows["higher_is_better"].astype(bool),
                                             -rows["difference"])
    strengths = rows[rows["flag"] == "strength"].sort_values("_gain", ascending=False,
                                                             kind="stable")
    weaknesses = rows[rows["flag"] == "weakness"].sort_values("_gain", kind="stable")
    for kind, sub in (("strength", strengths), ("weakness", weaknesses)):
        if sub.empty:
            continue
        higher = sub[sub["higher_is_better"].astype(bool)]
        lower = sub[~sub["higher_is_better"].astype(bool)]
        sentences = []
        for part, reversed_scale in ((higher, False), (lower, True)):
            if part.empty:
                continue
            first = part.iloc[0]
            example = (f"{_num(first['mean'], language)} gegenüber "
                       f"{_num(first['benchmark'], language)}" if de else
                       f"{_num(first['mean'], language)} against "
                       f"{_num(first['benchmark'], language)}")
            above = (kind == "strength") != reversed_scale
            if de:
                sentence = (f"Bei {_names(part, 'de')} liegt {view.names.nominative} "
                            f"{'über' if above else 'unter'} dem Durchschnitt der anderen "
                            f"Kommunen (zum Beispiel {example}).")
                if reversed_scale:
                    verdict = "gut" if kind == "strength" else "ungünstig"
                    sentence += f" Hier sind niedrigere Werte günstiger; das ist {verdict}."
            else:
                sentence = (f"On {_names(part, 'en')}, {view.site_name} lies "
                            f"{'above' if above else 'below'} the average of the other "
                            f"municipalities (for example {example}).")
                if reversed_scale:
                    sentence += (" Here lower values are better; this is "
                                 f"{'good' if kind == 'strength' else 'unfavourable'}.")
            sentences.append(sentence)
        text = " ".join(sentences) + (
            " Der Unterschied ist größer als die statistische Unsicherheit." if de else
            " The difference is larger than the statistical uncertainty.")
        if kind == "weakness":
            text += (" Hier kann sich der Austausch mit anderen Kommunen besonders lohnen."
                     if de else
                     " An exchange with other municipalities may be especially useful here.")
        out.append(Message(kind=kind, text=text))
    if not out:
        out.append(Message(kind="no_difference", text=(
            f"In keinem Bereich unterscheidet sich {view.names.nominative} deutlich vom "
            "Durchschnitt der anderen Kommunen: Alle Unterschiede liegen im Bereich der "
            "statistischen Unsicherheit." if de else
            f"In no area does {view.site_name} differ clearly from the average of the other "
            "municipalities: all differences lie within the statistical uncertainty.")))
    return out


def change_message(view: SiteView, language: str) -> Message | None:
    """Clear changes since the earlier wave (interval excludes 0), or that there were none."""
    de = language == "de"
    if view.change_from is None or view.change.empty:
        return None
    since = view.labels.wave_label(view.change_from, language)
    table = view.change
    up = table[table["clear"] & (table["difference"] > 0)].sort_values(
        "difference", ascending=False, kind="stable")
    down = table[table["clear"] & (table["difference"] < 0)].sort_values(
        "difference", kind="stable")
    if up.empty and down.empty:
        return Message(kind="no_change", text=(
            f"Seit der {since} haben sich die Werte nicht deutlich verändert; kleine "
            "Verschiebungen liegen im Bereich der statistischen Unsicherheit." if de else
            f"Since the {since}, the values have not changed clearly; small shifts lie within "
            "the statistical uncertainty."))
    parts = []
    for sub, de_word, en_word in ((up, "gestiegen", "risen"), (down, "gesunken", "fallen")):
        if sub.empty:
            continue
        first = sub.iloc[0]
        example = f"{_num(first['mean_from'], language)} \u2192 {_num(first['mean_to'], language)}"
        if len(sub) > 1:  # which area the figures belong to
            label = quoted(str(first["label_de" if de else "label_en"]), language)
            example = (f"am stärksten {label} {example}" if de else
                       f"most of all {label} {example}")
        parts.append(f"bei {_names(sub, 'de')} deutlich {de_word} ({example})" if de else
                     f"clearly {en_word} on {_names(sub, 'en')} ({example})")
    one = len(up) + len(down) == 1
    if de:
        text = (f"Seit der {since} sind die Werte {' und '.join(parts)}. "
                + ("Diese Veränderung ist" if one else "Diese Veränderungen sind")
                + " größer als die statistische Unsicherheit.")
    else:
        text = (f"Since the {since}, the values have {' and '.join(parts)}. "
                + ("This change is" if one else "These changes are")
                + " larger than the statistical uncertainty.")
    return Message(kind="change", text=text + _lower_is_better_note(view, up, down, language))


def _lower_is_better_note(view: SiteView, up: pd.DataFrame, down: pd.DataFrame,
                          language: str) -> str:
    """" Bei „Belastung“ sind niedrigere Werte günstiger: der Anstieg ist ungünstig." for
    clear changes on scales where lower is better."""
    notes = []
    for sub, rose in ((up, True), (down, False)):
        lower = sub[[not view.labels.scale(str(k)).higher_is_better for k in sub["scale"]]]
        if lower.empty:
            continue
        if language == "de":
            notes.append(f" Bei {_names(lower, 'de')} sind niedrigere Werte günstiger: "
                         f"{'der Anstieg ist ungünstig' if rose else 'der Rückgang ist gut'}.")
        else:
            notes.append(f" On {_names(lower, 'en')}, lower values are better: "
                         f"{'the rise is unfavourable' if rose else 'the fall is good'}.")
    return "".join(notes)


def baseline_message(view: SiteView, language: str) -> Message | None:
    """Clear changes since the first wave, where the report compares with a later one too
    (the main result of a final report can be the change since baseline)."""
    table = view.since_baseline
    if table.empty or "clear" not in table:
        return None
    de = language == "de"
    clear = table[table["clear"].astype(bool)]
    since = view.labels.wave_label(str(table["wave_from"].iloc[0]), language)
    up = clear[clear["difference"] > 0]
    down = clear[clear["difference"] < 0]
    if up.empty and down.empty:
        return Message(kind="baseline", text=(
            f"Seit der {since} haben sich die Werte nicht deutlich verändert." if de else
            f"Since the {since}, the values have not changed clearly."))
    parts = []
    for sub, de_word, en_word in ((up, "gestiegen", "risen"), (down, "gesunken", "fallen")):
        if not sub.empty:
            parts.append(f"bei {len(sub)} von {len(table)} Bereichen deutlich {de_word}" if de
                         else f"clearly {en_word} on {len(sub)} of {len(table)} areas")
    first = (up if not up.empty else down).sort_values("difference", key=abs,
                                                       ascending=False).iloc[0]
    example = (f"{quoted(str(first['label_de' if de else 'label_en']), language)} "
               f"{_num(first['mean_from'], language)} \u2192 {_num(first['mean_to'], language)}")
    one = len(clear) == 1
    if de:
        return Message(kind="baseline", text=(
            f"Seit der {since} sind die Werte {' und '.join(parts)} "
            f"({'' if one else 'am stärksten '}{example}). "
            + ("Diese Veränderung ist" if one else "Diese Veränderungen sind")
            + " größer als die statistische Unsicherheit."
            + _lower_is_better_note(view, up, down, language)))
    return Message(kind="baseline", text=(
        f"Since the {since}, the values have {' and '.join(parts)} "
        f"({'' if one else 'most of all '}{example}). "
        + ("This change is" if one else "These changes are")
        + " larger than the statistical uncertainty."
        + _lower_is_better_note(view, up, down, language)))


def quick_win_message(view: SiteView, language: str) -> Message | None:
    """How many ideas are quick wins, the first of them by name, and how many are done."""
    de = language == "de"
    ideas = view.ideas
    if ideas.empty or "quadrant" not in ideas:
        return None
    wins = ideas[ideas["quadrant"] == "quick_win"]
    if wins.empty:
        return None
    first = quoted(str(wins.iloc[0].get("title") or wins.iloc[0]["idea"]), language)
    done = int((wins.get("status") == "implemented").sum()) if "status" in wins else 0
    n = len(wins)
    if n == 1:  # one idea: named, not "first among them"
        done_text = ((" Sie ist bereits umgesetzt." if de else " It is already implemented.")
                     if done else "")
        return Message(kind="quick_win", text=(
            f"Eine Idee aus der Ideenwerkstatt gilt als schneller Erfolg (hohe Wirkung, gut "
            f"umsetzbar): {first}.{done_text}" if de else
            f"One idea from the idea workshop counts as a quick win (high impact, easy to "
            f"implement): {first}.{done_text}"))
    if de:
        text = (f"{fmt_int(n, 'de')} {'Idee' if n == 1 else 'Ideen'} aus der Ideenwerkstatt "
                f"{'gilt als schneller Erfolg' if n == 1 else 'gelten als schnelle Erfolge'} "
                f"(hohe Wirkung, gut umsetzbar), an erster Stelle {first}.")
        if done:
            verb = "ist" if done == 1 else "sind"
            text += f" Davon {verb} {fmt_int(done, 'de')} bereits umgesetzt."
    else:
        text = (f"{fmt_int(n, 'en')} {'idea' if n == 1 else 'ideas'} from the idea workshop "
                f"{'counts as a quick win' if n == 1 else 'count as quick wins'} (high impact, "
                f"easy to implement), first among them {first}.")
        if done:
            verb = "is" if done == 1 else "are"
            text += f" {fmt_int(done, 'en')} of them {verb} already implemented."
    return Message(kind="quick_win", text=text)


def network_message(view: SiteView, language: str) -> Message | None:
    """Size, ties and mutuality of the network with the coverage of the roster question."""
    de = language == "de"
    m = view.network_metrics
    if not m or "n_ties" not in m:
        return None
    orgs = int(m.get("n_organisations", 0))
    ties = int(m["n_ties"])
    mutual = fmt_percent(m.get("reciprocity"), 0, language)
    cover = fmt_percent(m.get("coverage"), 0, language)
    if de:
        text = (f"Das Kooperationsnetzwerk umfasst {fmt_int(orgs, 'de')} Organisationen mit "
                f"{fmt_int(ties, 'de')} genannten Kooperationsbeziehungen; {mutual} davon sind "
                f"gegenseitig. Die Netzwerkfrage haben {cover} der Organisationen beantwortet.")
    else:
        text = (f"The cooperation network comprises {fmt_int(orgs, 'en')} organisations with "
                f"{fmt_int(ties, 'en')} named cooperation ties; {mutual} of them are mutual. "
                f"{cover} of the organisations answered the network question.")
    c = view.network_changes
    # only where the last wave is shown for this site (a wave below k is never named with a
    # number, not even the network's)
    if c and view.previous_wave and view.change_from == view.previous_wave \
            and {"gained", "lost"} <= set(c):
        since = view.labels.wave_label(view.previous_wave, language)
        gained, lost = int(c["gained"]), int(c["lost"])
        text += (f" Seit der {since} sind {fmt_int(gained, 'de')} "
                 f"{'Beziehung' if gained == 1 else 'Beziehungen'} neu hinzugekommen und "
                 f"{fmt_int(lost, 'de')} weggefallen." if de else
                 f" Since the {since}, {fmt_int(gained, 'en')} "
                 f"{'tie was' if gained == 1 else 'ties were'} added and "
                 f"{fmt_int(lost, 'en')} lost.")
    p = view.participation
    if p.get("n_active") and "n_attending" in p:
        text += (f" {fmt_int(p['n_attending'], 'de')} von {fmt_int(p['n_active'], 'de')} "
                 "aktiven Organisationen haben an mindestens einer Veranstaltung teilgenommen."
                 if de else
                 f" {fmt_int(p['n_attending'], 'en')} of {fmt_int(p['n_active'], 'en')} active "
                 "organisations attended at least one event.")
    return Message(kind="network", text=text)


def drivers_message(view: SiteView, language: str) -> Message | None:
    """Which factors go with the outcome across all sites: an association, not a cause."""
    de = language == "de"
    d = view.drivers
    if d.empty or "ci_excludes_zero" not in d:
        return None
    if "converged" in d and not bool(d["converged"].all()):
        return None
    clear = d[d["ci_excludes_zero"].astype(bool) & (d["estimate"] > 0)].sort_values(
        "estimate", ascending=False, kind="stable").head(2)
    if clear.empty:
        return None
    keys = [str(k) for k in clear["factor"]]
    names = join_words([quoted(view.labels.scale_label(k, language), language) for k in keys],
                  language)
    outcome = str(d["outcome"].iloc[0]) if "outcome" in d else "synergy"
    outcome_label = quoted(view.labels.scale_label(outcome, language), language)
    own = view.factors.set_index("scale")
    values = [_num(own.loc[k, "mean"], language) for k in keys
              if k in own.index and not pd.isna(own.loc[k, "mean"])]
    if de:
        text = (f"Über alle Kommunen hinweg gehen höhere Werte bei {names} mit einer höheren "
                f"Einschätzung von {outcome_label} einher. Das ist ein Zusammenhang, kein "
                "Nachweis einer Ursache.")
        if len(values) == len(keys):
            here = _capital(view.names.within)
            text += (f" {here} liegt dieser Wert bei {values[0]}." if len(values) == 1
                     else f" {here} liegen diese Werte bei {join_words(values, 'de')}.")
    else:
        text = (f"Across all municipalities, higher values on {names} go together with a "
                f"higher rating of {outcome_label}. This is an association, not proof of a "
                "cause.")
        if len(values) == len(keys):
            text += (f" In {view.site_name} this value is {values[0]}." if len(values) == 1
                     else f" In {view.site_name} these values are {join_words(values, 'en')}.")
    return Message(kind="drivers", text=text)


def challenge_message(view: SiteView, language: str) -> Message | None:
    """Challenges that many more respondents here name than elsewhere (the flag's rule:
    the lower end of the site's interval above the others' share by 10 points)."""
    de = language == "de"
    rows = view.challenges
    if rows.empty or "flag" not in rows:
        return None
    flagged = rows[rows["flag"] == "higher"].sort_values(
        "share_agree", ascending=False, kind="stable")
    if flagged.empty:
        return None
    first = flagged.iloc[0]
    example = (f"{fmt_percent(first['share_agree'], 0, language)} "
               f"{'gegenüber' if de else 'against'} "
               f"{fmt_percent(first['others_share_agree'], 0, language)}")
    names = join_words([quoted(str(r["label_de" if de else "label_en"]), language)
                   for _, r in flagged.head(2).iterrows()], language)
    several = len(flagged.head(2)) > 1
    return Message(kind="challenge", text=(
        f"{'Den Aussagen' if several else 'Der Aussage'} {names} stimmen {view.names.within} "
        "deutlich mehr Befragte zu "
        f"als in den anderen Kommunen ({example}). Der Unterschied ist größer als die "
        "statistische Unsicherheit; hier lohnt ein Gespräch über die Ursachen." if de else
        f"Many more respondents in {view.site_name} than in the other municipalities agree "
        f"with the {'statements' if several else 'statement'} {names} ({example}). The "
        "difference is larger than the statistical uncertainty; the reasons are worth a "
        "conversation."))


def partners_left_message(view: SiteView, language: str) -> Message | None:
    """Partner organisations that left the network between two waves up to this one, where
    at least :data:`PARTNER_LOSS_SHARE` of the earlier wave's partners left."""
    rows = view.partner_changes
    if rows.empty:
        return None
    heavy = rows[(rows["n_left"] > 0)
                 & (rows["n_left"] >= PARTNER_LOSS_SHARE * rows["n_before"])]
    if heavy.empty:
        return None
    de = language == "de"
    sentences = []
    for _, r in heavy.iterrows():
        w1 = view.labels.wave_label(str(r["previous_wave"]), language)
        w2 = view.labels.wave_label(str(r["wave"]), language)
        left, before, joined = int(r["n_left"]), int(r["n_before"]), int(r["n_joined"])
        if de:
            text = (f"Zwischen der {w1} und der {w2} {'hat' if left == 1 else 'haben'} "
                    f"{fmt_int(left, 'de')} von {fmt_int(before, 'de')} Partnerorganisationen "
                    "das Netzwerk verlassen")
            text += (f"; {fmt_int(joined, 'de')} {'ist' if joined == 1 else 'sind'} "
                     "hinzugekommen." if joined else "; keine ist hinzugekommen.")
        else:
            text = (f"Between the {w1} and the {w2}, {fmt_int(left, 'en')} of "
                    f"{fmt_int(before, 'en')} partner organisations left the network")
            text += (f"; {fmt_int(joined, 'en')} joined." if joined else "; none joined.")
        sentences.append(text)
    sentences.append("Es lohnt sich zu klären, welche Aufgaben diese Partner hatten und wer sie "
                     "heute übernimmt." if de else
                     "It is worth clarifying which tasks these partners had and who takes "
                     "them on today.")
    return Message(kind="partners_left", text=" ".join(sentences))


def key_messages(view: SiteView, language: str = "de") -> list[Message]:
    """The key messages of a site report, in a fixed order (see the module notes)."""
    check_language(language)
    if not view.shown:
        return [Message(kind="suppressed", text=(
            f"In dieser Erhebungswelle haben aus {view.site_name} weniger als {view.k} Personen "
            "geantwortet. Zum Schutz der Befragten zeigt dieser Bericht für diese Welle keine "
            "Ergebnisse." if language == "de" else
            f"Fewer than {view.k} people from {view.site_name} answered in this wave. To "
            "protect the respondents, this report shows no results for this wave."))]
    messages = comparison_messages(view, language)
    for make in (challenge_message, partners_left_message, baseline_message, change_message,
                 quick_win_message, network_message, drivers_message):
        if len(messages) >= MAX_MESSAGES:
            break
        message = make(view, language)
        if message is not None:
            messages.append(message)
    return messages[:MAX_MESSAGES]
