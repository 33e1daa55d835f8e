"""The README of the synthetic example: how the data were made and what was planted.

:func:`_readme` documents every planted effect together with the values *realised* in the
written files (from the facts the generators return).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluation.synthetic.design import (
    BAD_REVERSE_ITEM,
    BLANK_RATE,
    CANNOT_JUDGE_CHALLENGE,
    CANNOT_JUDGE_DEFAULT,
    CANNOT_JUDGE_RATE,
    DENSE_SITE,
    DRIVER_WEIGHTS,
    DROPOUT_CHALLENGE_SHIFT,
    DROPOUTS_W1_W2,
    GENERAL,
    IGNORED_NEGATION_SHARE,
    IMPROVEMENT,
    IMPROVING_SITE,
    IMPROVING_TIE_BASE,
    ITEM_SD,
    LOADING,
    N_RANGE,
    NO_ANSWER_CODE_RATE,
    NO_WORKSHOP_SITES,
    NOT_IMPROVING,
    OPEN_EXCHANGE,
    PANEL_SHARE,
    PEER_EXCHANGES,
    SITE_SD,
    SITES,
    SMALL_N,
    SMALL_SITE,
    SMALL_WAVE,
    STABILITY,
    STAR_SITE,
    SURVEY_FILE,
    SYNERGY_SITE_SD,
    VOLUNTEER_SHIFT,
    WAVES,
)
from evaluation.synthetic.plan import _site_index, _wave_index

if TYPE_CHECKING:
    from evaluation.config import Codebook
    from evaluation.synthetic.plan import _Tables


def _readme(tables: _Tables, book: Codebook, seed: int) -> str:
    """The README of the example project, with the values realised in the files."""
    f = tables.facts
    plan, roster, events, quick_wins = tables.plan, tables.roster, tables.events, \
        tables.quick_wins
    density: dict[tuple[str, str], float] = f["density"]  # type: ignore[assignment]
    reciprocity: dict[tuple[str, str], float] = f["reciprocity"]  # type: ignore[assignment]
    hub_share: dict[tuple[str, str], float] = f["hub_share"]  # type: ignore[assignment]
    gap: dict[str, float] = f["volunteer_gap"]  # type: ignore[assignment]
    item_rest: dict[str, float] = f["item_rest"]  # type: ignore[assignment]
    k07: list[float] = f["k07_by_wave"]  # type: ignore[assignment]
    pool: list[float] = f["pool_by_wave"]  # type: ignore[assignment]
    panel: dict[str, tuple[int, int]] = f["panel"]  # type: ignore[assignment]
    cj: dict[str, float] = f["cannot_judge_by_scale"]  # type: ignore[assignment]
    straight: list[tuple[str, str, str]] = f["straight_liners"]  # type: ignore[assignment]
    waves = [w.key for w in WAVES]
    improving = [k for k in book.factors if k not in NOT_IMPROVING]

    out: list[str] = []
    add = out.append
    add("# Synthetic example project")
    add("")
    add("**ALL data in this folder are synthetic.** The municipalities, organisations, people,")
    add("answers, meetings, ideas and goals are invented by a random generator; any resemblance")
    add("to real municipalities, organisations or persons is coincidental. The place names were")
    add("made up to sound German and to be clearly fictional. Every report made from this")
    add("project is labelled as synthetic (`synthetic: true` in `project.yml`).")
    add("")
    add("## How the data were made")
    add("")
    add("Everything here is written by `evaluation.synthetic.generate_example` with seed")
    add(f"`{seed}`; regenerate the folder (and the dirty copy `../example-dirty/`) with")
    add("")
    add("```")
    add("python -m evaluation.synthetic")
    add("```")
    add("")
    add("The output is byte-identical between runs (one NumPy `default_rng` stream per part of")
    add("the project, sorted rows, integers only, `\\n` line endings).")
    add("`tests/synthetic/test_example_project.py` checks that these files equal a fresh")
    add("generation (a NumPy release that changed its random streams would change them;")
    add("regenerate then). Do not")
    add("edit them by hand: change the generator and regenerate. The numbers marked *realised*")
    add("below are computed by the generator from the written files.")
    add("")
    add("| file | content |")
    add("|---|---|")
    add("| `project.yml` | project file (`instrument: default`, 3 waves, 18 sites, `invited` "
        "per wave) |")
    for wave in WAVES:
        add(f"| `{SURVEY_FILE.format(wave=wave.key)}` | survey export of wave {wave.key}: UTF-8, "
            "comma-separated, one row per respondent |")
    add("| `data/roster.csv` | organisations per site with `joined` and `left` |")
    add("| `data/events.csv` | network meetings, steering groups, idea workshops, peer "
        "exchanges, transfer conferences |")
    add("| `data/attendance.csv` | which organisation attended which event, with how many "
        "people and decision makers |")
    add("| `data/ties.csv` | roster question per site and wave (named partners only) |")
    add("| `data/ideas.csv`, `data/idea_ratings.csv` | ideas from idea workshops and their "
        "ratings |")
    add("| `data/goals.csv` | goals per site with Wirkungstreppe stage targeted and reached "
        "per wave |")
    add("")

    # sites and waves
    add("## Sites and waves")
    add("")
    add("Waves: " + "; ".join(f"`{w.key}` {w.label_de} / {w.label_en} ({w.date.isoformat()})"
                              for w in WAVES) + ".")
    add("")
    add("18 fictional model municipalities `K01`..`K18`. Respondents per site and wave are")
    add(f"between {N_RANGE[0]} and {N_RANGE[1]}, with one planted exception: **`{SMALL_SITE}` "
        f"has only {SMALL_N} respondents in `{SMALL_WAVE}`**")
    add("(below the disclosure threshold k = 5; see planted fact 4).")
    add("")
    add("| site | name | type | size | Land | organisations | " + " | ".join(
        f"n {w} (invited)" for w in waves) + " |")
    add("|---|---|---|---|---|---|" + "---|" * len(waves))
    for site in SITES:
        counts = " | ".join(f"{plan.respondents[site.key, w]} ({plan.invited[site.key, w]})"
                            for w in waves)
        add(f"| {site.key} | {site.name} | {site.municipality_type} | {site.size_class} | "
            f"{site.land} | {plan.organisations[site.key]} | {counts} |")
    add("")
    add(f"Survey rows: {f['rows']} (from {f['persons']} distinct respondent codes).")
    add("")
    add("Learning partners: " + ", ".join(f"`{k}`" for k in sorted(OPEN_EXCHANGE))
        + " agreed to open exchange (`open_exchange: true`), so their partner reports name")
    add("each other as learning partners where one is clearly strong where the other is weak;")
    add("every other site is only counted. The project's contact person is invented.")
    add("")

    # survey model
    add("## Survey: how the answers were drawn")
    add("")
    add("Columns of each wave file: `respondent`, `site`, `wave`, `actor_type`, `employment`,")
    add("`decision_role`, `years_in_network` (keys of the codebook), then all "
        f"{len(book.items)} item keys in")
    add("codebook order. Respondent codes (`R0001`..`R9999`) are random pseudonyms.")
    add("")
    add("- **Latent model.** Every respondent has a latent value per success factor: a site")
    add(f"  effect (SD {SITE_SD} per factor; the site effects of the factors share a general "
        "site climate)")
    add(f"  plus a person part (SD 1; the factors share a general factor with loading "
        f"{GENERAL},")
    add(f"  so factors correlate moderately, r ≈ {GENERAL**2:.2f} before measurement error). "
        "The latent ICC")
    add(f"  is about {SITE_SD**2 / (1 + SITE_SD**2):.2f}; observed scale scores have a "
        "somewhat lower ICC.")
    add(f"- **Items.** item = base of the factor + item offset + {LOADING} × latent + noise "
        f"(SD {ITEM_SD}),")
    add("  rounded and clipped to 1..5. Reverse-keyed items are written reversed (6 − x), as a")
    add("  respondent would answer the negated wording.")
    add(f"- **Panel.** About {PANEL_SHARE:.0%} of a site's respondents in one wave answer "
        "again in the next wave")
    add(f"  with the same code; {STABILITY:.0%} of their latent variance persists. "
        "Realised links: " + "; ".join(
            f"{panel[w][0]} of {panel[w][1]} respondents of "
            f"{WAVES[_wave_index(w) - 1].key} reappear in {w}" for w in waves[1:]) + ".")
    add("  Attributes (actor type, employment, decision role) stay the same; years in the")
    add("  network grow by one per wave.")
    add("- **Attributes.** Volunteers are mostly `association_volunteer` and `mso` (realised "
        f"share of volunteers: {f['volunteer_share']:.1%}).")
    add("  About 1 % of `decision_role` and `years_in_network` cells and 0.5 % of `employment`")
    add("  cells are blank.")
    add("- **Missing answers.** `-1` = *kann ich nicht beurteilen* (cannot judge), blank = no")
    add("  answer, `-9` = no answer (rare). Cannot-judge rates: "
        f"{CANNOT_JUDGE_DEFAULT:.0%} per item in general, higher for")
    add("  scales people often cannot judge: " + ", ".join(
        f"`{k}` {v:.0%}" for k, v in CANNOT_JUDGE_RATE.items())
        + f", challenges {CANNOT_JUDGE_CHALLENGE:.0%};")
    add("  × 1.6 for volunteers and × 1.8 for newcomers (0 years). Blank cells "
        f"{BLANK_RATE:.0%}, `-9` {NO_ANSWER_CODE_RATE:.1%}.")
    add(f"  *Realised:* cannot judge {f['cannot_judge_share']:.1%} of all answer cells ("
        + ", ".join(f"`{k}` {v:.1%}" for k, v in cj.items()) + "); blank "
        f"{f['blank_share']:.1%}; `-9` in {f['code_9_cells']} cells.")
    add("- **Straight-liners.** Four respondents answer `4` to every item (data-quality "
        "check): " + ", ".join(f"`{c}` ({s}, {w})" for w, s, c in straight) + ".")
    add("- **Challenges** (`challenge_*`) are single items with their own site effects; "
        "`challenge_partner_dropout`")
    add(f"  is {DROPOUT_CHALLENGE_SHIFT} points higher in "
        + " and ".join(f"`{k}`" for k in DROPOUTS_W1_W2) + " from `w2` on (see fact 7).")
    add("- `satisfaction_1` follows the synergy latent (0.6) and trust (0.25).")
    add("")

    # planted facts
    add("## Planted structure")
    add("")
    add("These are the facts analyses of this project must recover.")
    add("")
    add("### 1. Two drivers of synergy")
    add("")
    add("The synergy latent is `" + " + ".join(f"{w} × {k}" for k, w in DRIVER_WEIGHTS.items())
        + f" + site part (SD {SYNERGY_SITE_SD}) + person residual (SD 0.6)`")
    add("(`shared_goals` has fewer items than `network_management`, hence its larger weight);")
    add("no other factor enters it. In a mixed model `synergy ~ all 16 factor scores` with a")
    add("random intercept per site (standardised variables), **`network_management` and")
    add("`shared_goals` have clearly the largest coefficients** (about 0.3 to 0.45 each, both")
    add("significant); all other factors are near zero (|β| < 0.1), although factors")
    add("correlate moderately with each other (shared general factor). Volunteers do not")
    add(f"differ in synergy (realised volunteer − paid gap {gap['synergy']:+.2f}).")
    add("")
    add(f"### 2. `{IMPROVING_SITE}` improves strongly")
    add("")
    add(f"`{IMPROVING_SITE}` ({SITES[_site_index(IMPROVING_SITE)].name}) starts below the pool "
        "and rises on the latent scale by "
        + ", ".join(f"+{v:.1f} scale points in `{w}`" for w, v in IMPROVEMENT.items() if v)
        + " (relative to `w1`)")
    add(f"on {len(improving)} of the 16 factors (all except "
        + ", ".join(f"`{k}`" for k in NOT_IMPROVING) + "), and therefore also")
    add("on synergy. Its network also densifies (fact 8), and its goals climb two stages per "
        "wave.")
    add("*Realised* mean of the 13 improving factor scores (clipping at 5 and missing answers "
        "make it a")
    add("little smaller than planted):")
    add("")
    add("| | " + " | ".join(waves) + " |")
    add("|---|" + "---|" * len(waves))
    add(f"| {IMPROVING_SITE} | " + " | ".join(f"{v:.2f}" for v in k07) + " |")
    add("| pool without K07 | " + " | ".join(f"{v:.2f}" for v in pool) + " |")
    add("")
    add("The other sites have no planted change between waves (their site effects are "
        "constant).")
    add("")
    add(f"### 3. A reverse-keyed item that does not work: `{BAD_REVERSE_ITEM}`")
    add("")
    add(f"`{BAD_REVERSE_ITEM}` (\"{book.items[BAD_REVERSE_ITEM].label.en}\") is reverse-keyed, "
        f"but {IGNORED_NEGATION_SHARE:.0%} of")
    add("respondents overlook the negation and answer it like a positive item. After reverse-")
    add("keying its item-rest correlation within `benefit` is near zero, while the other")
    add("reverse-keyed items behave well. *Realised* item-rest r (complete cases, after "
        "reverse-keying):")
    add("")
    add("| item | scale | item-rest r |")
    add("|---|---|---|")
    for item, r in item_rest.items():
        add(f"| `{item}` | `{book.items[item].scale}` | {r:.2f} |")
    add("")
    add(f"### 4. A site below the disclosure threshold: `{SMALL_SITE}` in `{SMALL_WAVE}`")
    add("")
    add(f"`{SMALL_SITE}` has only **{SMALL_N} respondents in `{SMALL_WAVE}`** (invited: "
        f"{plan.invited[SMALL_SITE, SMALL_WAVE]}), below k = 5:")
    add("no statistic may be shown for it in that wave. This is the only site-wave outside "
        f"{N_RANGE[0]}..{N_RANGE[1]}.")
    add("")
    add("### 5. Volunteers rate trust lower")
    add("")
    add("Respondents with `employment = volunteer` (mostly actor types `association_volunteer`")
    add("and `mso`) rate `trust` " + f"{-VOLUNTEER_SHIFT['trust']:.2f} points and `benefit` "
        f"{-VOLUNTEER_SHIFT['benefit']:.2f} points lower on each item (before rounding and "
        "clipping;")
    add(f"on `{BAD_REVERSE_ITEM}` only for those who read the negation, which weakens the "
        "`benefit` gap).")
    add("*Realised* volunteer − paid differences of scale means: " + ", ".join(
        f"`{k}` {v:+.2f}" for k, v in gap.items()) + ".")
    add("")
    add("### 6. Cannot-judge answers")
    add("")
    add("`-1` (*kann ich nicht beurteilen*) is frequent for `data_based` and `decision_makers`")
    add("items, more frequent for volunteers and newcomers (see *Missing answers* above). It is")
    add("a missing category of its own, not a low rating.")
    add("")
    add("### 7. Partners dropping out")
    add("")
    add("Organisations with a `left` date stop appearing in ties from the first survey date")
    add("after leaving, and in attendance from the day they left. Dropouts concentrate in "
        + " and ".join(f"`{k}` ({v} organisations)" for k, v in DROPOUTS_W1_W2.items())
        + ", who leave between `w1` and `w2`;")
    add("two single dropouts elsewhere leave between `w2` and `w3`.")
    add("")
    add("| organisation | site | name | actor type | joined | left |")
    add("|---|---|---|---|---|---|")
    for org in roster:
        if org.left is not None:
            add(f"| `{org.code}` | {org.site} | {org.name} | {org.actor_type} | "
                f"{org.joined.isoformat()} | {org.left.isoformat()} |")
    late = sum(1 for o in roster if o.joined > WAVES[0].date)
    add("")
    add(f"{len(roster)} organisations in all; {late} join after the `w1` survey date (they "
        "appear from the next wave on).")
    add("")
    add("### 8. Network differences between sites")
    add("")
    add("Ties come from a roster question per site and wave; `ties.csv` lists only named")
    add("partners (frequency 1..5). Organisation `<site>-O01` is always the municipal")
    add("integration office (`administration`). About 10 % of active organisations do not")
    add(f"answer the roster question in a wave (the office always answers, in `{DENSE_SITE}` "
        "everyone does, and")
    add("organisations that later leave answered while they were active). Every organisation "
        "that answers names")
    add("at least one partner (at least the integration office). Density = named")
    add("ties / (n × (n − 1)) with n = organisations active on the survey date.")
    add("")
    add(f"- **`{DENSE_SITE}` is dense and reciprocal**: expected density about 0.65, "
        "reciprocity (share of named ties")
    add("  returned) about 0.9. *Realised* density " + ", ".join(
        f"{density[DENSE_SITE, w]:.2f}" for w in waves) + "; reciprocity " + ", ".join(
        f"{reciprocity[DENSE_SITE, w]:.2f}" for w in waves) + f" ({', '.join(waves)}).")
    add(f"- **`{STAR_SITE}` is a sparse star around its integration office** "
        f"(`{STAR_SITE}-O01`): expected density")
    add("  about 0.1, most ties involve the office, other pairs rarely name each other.")
    add("  *Realised* density " + ", ".join(f"{density[STAR_SITE, w]:.2f}" for w in waves)
        + "; share of ties involving the office " + ", ".join(
            f"{hub_share[STAR_SITE, w]:.2f}" for w in waves) + ".")
    add(f"- `{IMPROVING_SITE}` densifies over the waves (base pair probability "
        + " → ".join(f"{b:.2f}" for b in IMPROVING_TIE_BASE) + "); *realised* density "
        + ", ".join(f"{density[IMPROVING_SITE, w]:.2f}" for w in waves) + ".")
    others = [k for k in (s.key for s in SITES)
              if k not in (DENSE_SITE, STAR_SITE, IMPROVING_SITE)]
    other_density = [density[k, w] for k in others for w in waves]
    other_reciprocity = [reciprocity[k, w] for k in others for w in waves]
    add("- Other sites: pair probability 0.2 to 0.32 scaled by each organisation's activity, "
        "70 % of")
    add("  relations named in each direction. *Realised* density "
        f"{min(other_density):.2f} to {max(other_density):.2f}, reciprocity "
        f"{min(other_reciprocity):.2f} to {max(other_reciprocity):.2f}.")
    add("")
    add("| site | " + " | ".join(f"density {w}" for w in waves) + " |")
    add("|---|" + "---|" * len(waves))
    for site in SITES:
        add(f"| {site.key} | " + " | ".join(f"{density[site.key, w]:.2f}" for w in waves) + " |")
    add("")
    add("### 9. Ideas and quick wins")
    add("")
    add("Sites with idea workshops (all except " + ", ".join(
        f"`{k}`" for k in NO_WORKSHOP_SITES) + ") have 6 to 12 ideas each, rated")
    add("by 5 to 8 organisations of the site on feasibility, impact and innovation (1..5),")
    add("so that every idea reaches k = 5 raters (reports hide the ratings of fewer).")
    add("Each of these sites has at least one clear **quick win** (mean impact ≥ 4 and mean")
    add("feasibility ≥ 4). All quick wins (*realised*):")
    add("")
    add("| site | quick-win ideas |")
    add("|---|---|")
    for site in SITES:
        if site.key in quick_wins:
            add(f"| {site.key} | " + ", ".join(f"`{i}`" for i in quick_wins[site.key]) + " |")
    add("")

    # participation
    counts: dict[str, int] = {}
    for e in events:
        counts[e.event_type] = counts.get(e.event_type, 0) + 1
    add("## Participation tables")
    add("")
    add("- Events: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ". Event "
        "ids read `<site>-<wave>-<type><n>`")
    add("  (NM network meeting, SG steering group, IW idea workshop, PE peer exchange); the")
    add("  transfer conference of each wave is `TC-<wave>` with a blank site.")
    add("- Peer exchanges (host ← guest): " + ", ".join(
        f"{h} ← {g} ({w})" for w, h, g in PEER_EXCHANGES) + ".")
    add("- Attendance: the integration office attends every meeting of its site; other")
    add("  organisations attend network meetings with a site-specific probability (0.45 to")
    add(f"  0.8; `{DENSE_SITE}` 0.85, `{STAR_SITE}` 0.35), steering groups are a core of 4 to 6")
    add("  organisations. The share of decision makers among attendees varies by site (0.1 to")
    add("  0.6, higher in steering groups).")
    add("- Ties: frequency 1..5, collaboration 0..5, `trust_1..3` and `value_1..3` 1..4 (3 % "
        "blank),")
    add("  resources `|`-separated.")
    add("- Goals: 2 to 4 per site; `stage_reached` climbs 0 to 2 stages per wave up to")
    add(f"  `stage_targeted` (`{IMPROVING_SITE}`: 2 stages per wave).")
    add("")
    add("## Dirty copy")
    add("")
    add("`../example-dirty/` is this project with one realistic data error of each kind")
    add("planted at a known file, row and column; see its `PLANTED_ERRORS.md`.")
    return "\n".join(out) + "\n"
