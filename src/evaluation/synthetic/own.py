"""A second example project on another instrument: ``surveys/example-own``.

It stands for what an evaluator brings: an own questionnaire ("Kooperationsbarometer") on a
7-point scale with a scale on which lower is better, one wave, no participation data, and the
survey delivered by two tools: an anonymous LimeSurvey export (sites K01-K03, semicolons,
answer codes ``A1``..``A7``, ``A8`` = cannot judge, site as answer codes) and a SoSci Survey
export (sites K04-K06, tab-separated UTF-16, residual codes ``-1``/``-9``, site as numeric
codes). Each file maps its own columns and site codes in ``project.yml``.

Planted structure (documented in the folder's ``README.md`` with the realised values):

* K02 reports a clearly higher strain ("Belastung", lower is better) than the others;
* K05 rates exchange ("Austausch") clearly higher than the others;
* K06 has 4 respondents, fewer than k = 5: its report shows no figures, and it is left out of
  every comparison;
* the item ``aus_3`` is worded negatively (reverse-keyed).

Every draw comes from ``numpy.random.default_rng([seed, part])``; the files are byte-identical
between runs. :func:`generate_own_example` writes the folder.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["OWN_SEED", "generate_own_example"]

OWN_SEED = 20261207
LIMESURVEY_FILE = "data/kooperationsbarometer_limesurvey.csv"
SOSCI_FILE = "data/kooperationsbarometer_sosci.csv"

SCALE = ("stimme überhaupt nicht zu", "stimme nicht zu", "stimme eher nicht zu", "teils/teils",
         "stimme eher zu", "stimme zu", "stimme voll und ganz zu")
SCALE_EN = ("strongly disagree", "disagree", "somewhat disagree", "neither", "somewhat agree",
            "agree", "strongly agree")


@dataclass(frozen=True)
class _Scale:
    key: str
    kind: str
    de: str
    en: str
    items: tuple[tuple[str, str, str, bool], ...]  # key, German, English, reverse
    lower_is_better: bool = False


SCALES = (
    _Scale("austausch", "factor", "Austausch im Netzwerk", "Exchange in the network", (
        ("aus_1", "Wir tauschen Informationen offen aus.", "We share information openly.", False),
        ("aus_2", "Ich erfahre rechtzeitig, was andere planen.",
         "I learn in time what others plan.", False),
        ("aus_3", "Wichtiges erfahre ich oft erst im Nachhinein.",
         "I often learn important things only afterwards.", True))),
    _Scale("rollen", "factor", "Klare Rollen", "Clear roles", (
        ("rol_1", "Jeder weiß, wofür er im Netzwerk zuständig ist.",
         "Everyone knows what they are responsible for in the network.", False),
        ("rol_2", "Aufgaben werden verbindlich verteilt.", "Tasks are assigned bindingly.",
         False),
        ("rol_3", "Es ist klar, wer Entscheidungen trifft.", "It is clear who decides.", False))),
    _Scale("rueckhalt", "factor", "Rückhalt der Leitung", "Backing from management", (
        ("rue_1", "Meine Leitung unterstützt die Netzwerkarbeit.",
         "My management supports the network work.", False),
        ("rue_2", "Für die Netzwerkarbeit habe ich ausreichend Zeit.",
         "I have enough time for the network work.", False))),
    _Scale("belastung", "factor", "Belastung durch die Netzwerkarbeit",
           "Strain from the network work", (
               ("bel_1", "Die Netzwerkarbeit kommt zu meinen Aufgaben oben drauf.",
                "The network work comes on top of my tasks.", False),
               ("bel_2", "Es gibt zu viele Termine.", "There are too many meetings.", False),
               ("bel_3", "Die Abstimmung kostet mehr Zeit, als sie bringt.",
                "Coordination costs more time than it brings.", False)),
           lower_is_better=True),
    _Scale("wirkung", "outcome", "Wahrgenommene Wirkung", "Perceived impact", (
        ("wir_1", "Durch das Netzwerk erreichen wir Zugewanderte besser.",
         "Through the network we reach immigrants better.", False),
        ("wir_2", "Das Netzwerk hat konkrete Verbesserungen bewirkt.",
         "The network has brought concrete improvements.", False),
        ("wir_3", "Die Zusammenarbeit lohnt den Aufwand.", "The cooperation is worth the effort.",
         False))),
)
SECTORS = (("verwaltung", 1, "Verwaltung", "Administration"),
           ("zivilgesellschaft", 2, "Zivilgesellschaft", "Civil society"),
           ("wirtschaft", 3, "Wirtschaft und Bildung", "Business and education"))
#: key, name, tool, site code in the tool, respondents, planted shifts (exchange, strain)
SITES = (("K01", "Stadt Auenfeld", "limesurvey", "A1", 24, 0.0, 0.0),
         ("K02", "Gemeinde Birkental", "limesurvey", "A2", 21, 0.0, 1.3),
         ("K03", "Landkreis Caldern", "limesurvey", "A3", 27, 0.0, 0.0),
         ("K04", "Stadt Dornstedt", "sosci", "1", 19, 0.0, 0.0),
         ("K05", "Verbandsgemeinde Eichwald", "sosci", "2", 23, 1.2, 0.0),
         ("K06", "Gemeinde Falkenhain", "sosci", "3", 4, 0.0, 0.0))


def _items() -> list[tuple[str, _Scale, bool]]:
    return [(key, scale, reverse) for scale in SCALES for key, _, _, reverse in scale.items]


def _answers(seed: int) -> list[dict[str, object]]:
    """One record per respondent: site, sector and the 1..7 answer (None = no answer,
    0 = cannot judge) of every item."""
    people = []
    for number, (site, _, _, _, n, exchange, strain) in enumerate(SITES):
        rng = np.random.default_rng([seed, number])
        for i in range(n):
            general = rng.normal(0, 0.8)
            person: dict[str, object] = {"site": site, "number": i + 1,
                                         "sector": int(rng.integers(1, 4))}
            for key, scale, reverse in _items():
                shift = (exchange if scale.key == "austausch" else
                         strain if scale.key == "belastung" else 0.0)
                latent = (4.6 + (general if scale.key != "belastung" else -0.4 * general)
                          + shift + rng.normal(0, 0.9))
                if scale.key == "belastung":
                    latent -= 1.0
                value = int(np.clip(np.rint(latent), 1, 7))
                if reverse:
                    value = 8 - value
                draw = rng.random()
                person[key] = None if draw < 0.03 else 0 if draw < 0.05 else value
            people.append(person)
    return people


def _csv(header: list[str], rows: list[list[str]], *, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _limesurvey(people: list[dict[str, object]]) -> str:
    """LimeSurvey, anonymous: ``id`` only, items as ``KB[SQ01]``.., answer codes A1..A8, the
    sector as its answer codes A1..A3."""
    items = [key for key, _, _ in _items()]
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "ORT", "SEKTOR",
              *[f"KB[SQ{j:02d}]" for j in range(1, len(items) + 1)], "interviewtime"]
    codes = {site: code for site, _, tool, code, *_ in SITES if tool == "limesurvey"}
    rows = []
    for n, p in enumerate((p for p in people if p["site"] in codes), start=1):
        answers = ["" if p[k] is None else "A8" if p[k] == 0 else f"A{p[k]}" for k in items]
        rows.append([str(n), f"2026-03-{1 + n % 27:02d} 09:{n % 60:02d}:00", "3", "de",
                     str(1_000_000 + 7919 * n), codes[str(p["site"])], f"A{p['sector']}",
                     *answers, f"{240 + 13 * n}.25"])
    return _csv(header, rows, delimiter=";")


def _sosci(people: list[dict[str, object]]) -> str:
    """SoSci Survey: CASE, system variables, items as ``KB01_01``.., -1 = cannot judge,
    -9 = no answer."""
    items = [key for key, _, _ in _items()]
    header = ["CASE", "SERIAL", "REF", "QUESTNNR", "MODE", "STARTED", "SD01", "SD02",
              *[f"KB01_{j:02d}" for j in range(1, len(items) + 1)], "TIME001", "TIME002",
              "TIME_SUM", "MAILSENT", "LASTDATA", "FINISHED", "Q_VIEWER", "LASTPAGE",
              "MAXPAGE", "MISSING", "MISSREL", "TIME_RSI", "DEG_TIME"]
    codes = {site: code for site, _, tool, code, *_ in SITES if tool == "sosci"}
    rows = []
    for n, p in enumerate((p for p in people if p["site"] in codes), start=1):
        answers = ["-9" if p[k] is None else "-1" if p[k] == 0 else str(p[k]) for k in items]
        rows.append([str(100 + n), "", "", "kb2026", "interview",
                     f"2026-03-{1 + n % 27:02d} 10:{n % 60:02d}:00", codes[str(p["site"])],
                     str(p["sector"]), *answers, str(60 + n), str(90 + n), str(150 + 2 * n), "",
                     "", "1", "0", "3", "3", "0", "0", "1.0", "0"])
    return _csv(header, rows, delimiter="\t")


def _yaml_label(de: str, en: str) -> str:
    return f"{{de: {_quoted(de)}, en: {_quoted(en)}}}"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _codebook() -> str:
    lines = ["# Codebook of the second example instrument (invented): a 7-point agreement scale,",
             "# a scale on which lower is better, one reverse-keyed item, no challenge items.",
             "codebook: kooperationsbarometer", 'version: "1.0"',
             "title: " + _yaml_label("Kooperationsbarometer (Beispiel)",
                                     "Cooperation barometer (example)"),
             "response_scale:", "  min: 1", "  max: 7", "  labels:"]
    lines += [f"    {i}: {_yaml_label(de, en)}" for i, (de, en)
              in enumerate(zip(SCALE, SCALE_EN, strict=True), start=1)]
    lines += ["missing:", "  codes: {-9: no_answer, -1: cannot_judge}", "  blank: no_answer",
              "answer_codes:                      # LimeSurvey's answer codes"]
    lines += [f"  A{i}: {i}" for i in range(1, 8)] + ["  A8: cannot_judge"]
    for kind in ("factors", "outcomes"):
        lines.append(f"{kind}:")
        for scale in (s for s in SCALES if s.kind == kind.removesuffix("s")):
            lines += [f"  {scale.key}:", f"    label: {_yaml_label(scale.de, scale.en)}"]
            if scale.lower_is_better:
                lines.append("    direction: lower_is_better")
            lines.append("    items:")
            for key, de, en, reverse in scale.items:
                flag = ", reverse: true" if reverse else ""
                lines.append(f"      {key}: {{de: {_quoted(de)}, en: {_quoted(en)}{flag}}}")
    lines += ["attributes:", "  respondent:", "    sektor:",
              "      label: " + _yaml_label("Sektor der Organisation",
                                     "Sector of the organisation"),
              "      values:"]
    lines += [f"        {key}: {{code: {code}, de: {_quoted(de)}, en: {_quoted(en)}}}"
              for key, code, de, en in SECTORS]
    return "\n".join(lines) + "\n"


def _project() -> str:
    items = [key for key, _, _ in _items()]
    lime = ", ".join(f"'KB[SQ{j:02d}]': {k}" for j, k in enumerate(items, start=1))
    sosci = ", ".join(f"KB01_{j:02d}: {k}" for j, k in enumerate(items, start=1))
    lime_codes = ", ".join(f"{code}: {site}" for site, _, tool, code, *_ in SITES
                           if tool == "limesurvey")
    sosci_codes = ", ".join(f"{code}: {site}" for site, _, tool, code, *_ in SITES
                            if tool == "sosci")
    lime_sectors = ", ".join(f"A{code}: {key}" for key, code, *_ in SECTORS)
    lines = ["# Second example project (invented data): see README.md.",
             "project:", "  name: Kooperationsbarometer Beispielregion", "  synthetic: true",
             "  report_date: 2026-06-01", "instrument: codebook.yml", "language: de",
             "# one wave: no waves settings", "sites:"]
    lines += [f"  - {{key: {key}, name: {_quoted(name)}}}" for key, name, *_ in SITES]
    lines += ["survey:",
              f"  - path: {LIMESURVEY_FILE}", "    format: limesurvey", '    delimiter: ";"',
              f"    columns: {{id: respondent, ORT: site, SEKTOR: sektor, {lime}}}",
              f"    site_codes: {{{lime_codes}}}",
              "    # LimeSurvey's answer codes of the sector question; SoSci's are the "
              "codebook's 1..3",
              f"    attribute_codes: {{sektor: {{{lime_sectors}}}}}",
              f"  - path: {SOSCI_FILE}", "    format: sosci", "    encoding: utf-16",
              '    delimiter: "\\t"',
              f"    columns: {{CASE: respondent, SD01: site, SD02: sektor, {sosci}}}",
              f"    site_codes: {{{sosci_codes}}}",
              "privacy:", "  min_group_size: 5",
              "analysis:", "  compare_by: [sektor]          # groups compared on every scale"]
    return "\n".join(lines) + "\n"


def _readme(people: list[dict[str, object]]) -> str:
    def mean(site: str, scale: _Scale) -> float:
        values = []
        for p in people:
            if p["site"] != site:
                continue
            for key, _, reverse in ((k, s, r) for k, s, r in _items() if s is scale):
                v = p[key]
                if isinstance(v, int) and v > 0:
                    values.append(8 - v if reverse else v)
        return float(np.mean(values)) if values else float("nan")

    exchange, strain = SCALES[0], SCALES[3]
    rows = [f"| {key} | {name} | {tool} | {n} | {mean(key, exchange):.2f} | "
            f"{mean(key, strain):.2f} |" for key, name, tool, _, n, *_ in SITES]
    return "\n".join([
        "# Second example project: an own instrument",
        "",
        "Invented data. Written by `python -m evaluation.synthetic` "
        "(`evaluation.synthetic.own`); byte-identical between runs.",
        "",
        "What it stands for: an evaluator's own questionnaire on a 7-point scale, one wave, no",
        "participation data, delivered by two survey tools. `codebook.yml` is the instrument;",
        "`project.yml` maps each file's own columns and site codes.",
        "",
        f"- `{LIMESURVEY_FILE}`: anonymous LimeSurvey export (`id` only), semicolons, UTF-8,",
        "  items `KB[SQ01]`..`KB[SQ14]`, answer codes `A1`..`A7`, `A8` = cannot judge, blank =",
        "  no answer; the site as answer codes `A1`..`A3` (K01-K03); timing column.",
        f"- `{SOSCI_FILE}`: SoSci Survey export, tab-separated UTF-16, items `KB01_01`..,",
        "  `-1` = cannot judge, `-9` = no answer, the site as `SD01` codes 1-3 (K04-K06), the",
        "  usual system variables (`SERIAL`, `TIME001`, `TIME_SUM`, ...).",
        "",
        "Planted structure, with the realised means of the scored scales (reverse keys "
        "applied):",
        "",
        "| site | name | tool | respondents | Austausch | Belastung (lower is better) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "- K02 reports a clearly higher strain (planted +1.3): its report marks Belastung",
        "  \"über dem Durchschnitt (hier ungünstig)\".",
        "- K05 rates exchange clearly higher (planted +1.2).",
        "- K06 has 4 respondents, fewer than k = 5: no figures in its report, and it is left",
        "  out of every comparison.",
        "- `aus_3` is worded negatively and reverse-keyed in the codebook.",
        "",
    ])


def generate_own_example(folder: str | Path, *, seed: int = OWN_SEED) -> Path:
    """Write the second example project into ``folder`` (see the module notes)."""
    folder = Path(folder)
    people = _answers(seed)
    files = {"codebook.yml": (_codebook(), "utf-8"), "project.yml": (_project(), "utf-8"),
             LIMESURVEY_FILE: (_limesurvey(people), "utf-8"),
             SOSCI_FILE: (_sosci(people), "utf-16"), "README.md": (_readme(people), "utf-8")}
    for name, (text, encoding) in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding=encoding, newline="\n") as handle:
            handle.write(text)
    return folder
