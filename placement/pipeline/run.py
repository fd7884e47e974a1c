"""One solve from loaded inputs to a result: the work behind `placement solve`.

Steps, each timed for summary.json: facts and eligible pairs → pre-checks
(a post nobody may take, a lock that breaks a hard rule: answered before any
solve, naming the post or lock and the rules) → model → solve → roster →
independent check → explanations and tables, in memory (`solve_result`, what
`api.solve` and every sweep run return) → the result folder, each file written
atomically by `Result.write` (`run_solve`, `placement solve`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from placement.checker import check_roster
from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem, shown_place
from placement.data.scenario import Scenario
from placement.data.scenario_io import scenario_checksum, scenario_to_dict
from placement.data.words import say
from placement.eligibility.pairs import Pairs
from placement.explain.alternates import find_alternates
from placement.explain.dismissals import dismissals_table
from placement.explain.infeasible import named
from placement.explain.reasons import explain
from placement.explain.shortfalls import shortfall_causes
from placement.pipeline.prices import price_list
from placement.pipeline.progress import ProgressView
from placement.pipeline.propose import Proposal, propose
from placement.pipeline.warm import Session
from placement.roster.result_folder import SUMMARY_FILE, Result, read_csv_text, read_summary
from placement.roster.tables import moves_table, read_members, rules_display, structure_table
from placement.solver.solve import SolveOutcome
from placement.solver.warm import WarmMip


def run_solve(sc: Scenario, data: DataSet, out: Path, progress: bool = True,
              prices: bool = False, **options) -> Result:
    """`placement solve`: `solve_result` (`options` go to it; `priced` with `prices`),
    then the result folder `out` written. Stable by default: when `out` holds a roster
    of the same scenario, the one it replaces, ties between optimal rosters go to that
    roster's lines."""
    if "keep_close_to" not in options:
        options["keep_close_to"] = previous_roster(Path(out), sc)
    result = (priced if prices else solve_result)(sc, data, progress=progress, **options)
    result.write(out)
    return result


def previous_roster(out: Path, sc: Scenario) -> pd.DataFrame | None:
    """The roster (post_id, cadre_id) of the result in `out` when it was solved from
    the same scenario (file, or name when the scenario has no file); None when `out`
    holds no result, another scenario's, or one without a roster. An unreadable
    summary.json is an InputError (`read_summary`), as for any result folder read.

    Why the folder's own previous result: re-solving after an edit writes over it, and
    the planner compares the new roster with it; of the equally good rosters, the one
    closest to it changes only the lines the edit needs."""
    if not (out / SUMMARY_FILE).is_file() or not (out / "roster.csv").is_file():
        return None
    summary = read_summary(out)
    same = (summary.get("scenario") == str(sc.source) if sc.source
            else summary.get("name") == sc.name)
    if not same:
        return None
    roster = read_csv_text(out / "roster.csv")
    return roster.loc[roster["cadre_id"] != "", ["post_id", "cadre_id"]]


def solve_result(
    sc: Scenario,
    data: DataSet,
    progress: bool = True,
    load_seconds: float = 0.0,
    start_from: pd.DataFrame | None = None,
    start_label: str = "",
    keep_close_to: pd.DataFrame | None = None,
    alternates: int = 0,
    alternates_scope: str | list[str] = "changed",
    cancel: threading.Event | None = None,
    lang: str = "en",
    on_progress: Callable[[str, float, float, float], None] | None = None,
    warm: WarmMip | None = None,
    on_proposal: Callable[[Proposal], None] | None = None,
    explain_none: bool = True,
    eligible: tuple | None = None,
    built: object | None = None,
) -> Result:
    """Propose, check independently, explain and build the result tables, in memory.
    `start_from`: a published roster whose every changed line costs `weights.change`.
    `keep_close_to`: a roster (the previous result) that settles ties between optimal
    rosters; the summary's `previous` says how many lines differ from it.
    `alternates` > 0: that many alternates for each post in `alternates_scope`
    (`explain.alternates`), as `Result.alternates`. `cancel`: an event that stops the
    search from another thread as Ctrl-C does on the main one (a web server's worker).
    `lang`: the language of the progress lines. `on_progress(label, elapsed, best, bound)`:
    told what the terminal line shows (the workbench streams it to the page).
    `warm`: the HiGHS instances kept by a session (`propose`'s `warm`); `on_proposal`:
    handed the proposal behind the result (a session keeps it; `priced` prices on it).
    `explain_none=False`: a scenario with no roster is not explained (no conflict core, no
    relaxations: a plan first opens the posts its pool cannot fill, `placement.plan`).
    `eligible`, `built`: `propose`'s, the stages an earlier proposal leaves as they are
    (`Session.inherited`)."""
    with ProgressView(progress, lang) as view:
        show = view.show if on_progress is None else _both(view.show, on_progress)
        prop = propose(sc, data, show=show, start_from=start_from,
                       keep_close_to=keep_close_to, cancel=cancel, warm=warm,
                       explain=explain_none, eligible=eligible, built=built)
    if on_proposal is not None:
        on_proposal(prop)
    times = {"load": round(load_seconds, 3)} | prop.times
    summary = _base_summary(sc, data, prop.pairs)
    if prop.outcome is not None:
        summary |= _outcome_summary(prop.outcome)
    roster = prop.roster
    if roster is None:  # no roster: the conflicts found, the relaxations that restore one
        said = {"conflicts": named(prop.conflicts, data), "relaxations": prop.relaxations}
        if prop.explain_cut_short:  # the analysis stopped at its budget (propose)
            said["explain_cut_short"] = {"seconds": sc.solver.time_limit}
        summary |= ({"status": "infeasible"} | said | {"times": times} if prop.outcome is None
                    else {"times": times} | said)  # the keys in summary.json's order
        return Result(summary, scenario=sc, data=data)
    t0 = time.perf_counter()
    chosen = prop.outcome.chosen
    report = check_roster(sc, data, roster)
    summary["check"] = {"ok": report.ok, "violations": len(report.violations)}
    moves = moves_table(data, prop.facts, prop.pairs, chosen)
    readings = read_members(data, sc, prop.facts, roster)  # read once, carried
    lines, moved = explain(data, sc, prop.facts, prop.pairs, roster, moves, report.figures,
                           readings)
    roster, moves = roster.join(lines), moves.join(moved)
    dismissals = dismissals_table(data, moves)
    causes = shortfall_causes(data, sc, prop.facts, prop.pairs, roster, report.figures,
                              readings)
    teams = structure_table(data, prop.facts, readings)
    rules = rules_display(rules_table(report), data)
    summary["counts"]["changed_posts"] = int((roster["change"] != "stay").sum())
    if start_from is not None:
        summary["from"] = changed_against(start_from, roster, start_label)
    elif keep_close_to is not None:
        summary["previous"] = changed_against(keep_close_to, roster, "previous")
    # "write": checking, explaining and building the tables (the name predates results
    # built in memory; summary.json keeps its keys).
    times["write"] = round(time.perf_counter() - t0, 3)
    shortlist = None
    if alternates:
        began = time.perf_counter()
        with ProgressView(progress, lang) as view:
            alt = find_alternates(prop, alternates, alternates_scope,
                                  on_post=lambda done, total: view.show(
                                      say("alternates_progress", lang, done=done, total=total),
                                      time.perf_counter() - began, float("nan"), float("nan")))
        shortlist = alt.table
        summary["alternates"] = {"k": alternates} | alt.summary()
        times["alternates"] = round(alt.seconds, 3)
    summary["times"] = times
    return Result(summary, roster=roster, moves=moves, dismissals=dismissals, teams=teams,
                  rules=rules, shortfalls=causes, alternates=shortlist, scenario=sc, data=data,
                  figures=report.figures, facts=prop.facts,
                  pairs=prop.pairs)


def priced(sc: Scenario, data: DataSet, progress: bool = False, lang: str = "en",
           **options) -> Result:
    """`solve_result`, then the price list of every rule (`placement.pipeline.prices`)
    solved on the proposal's own HiGHS instances, as `Result.prices` (prices.csv).
    A stage of its own after the result, not inside `solve_result`: a proposal that is
    not priced never passes through the pricing code."""
    mip, told = WarmMip(), []
    result = solve_result(sc, data, progress=progress, lang=lang, warm=mip,
                          on_proposal=told.append, **options)
    if result.roster is None or not told:
        return result
    with ProgressView(progress, lang) as view:
        view.show(say("prices_progress", lang), 0.0, float("nan"), float("nan"))
        listed = price_list(Session(sc, data, base=told[0], mip=mip), figures=result.figures)
    times = result.summary["times"] | {"prices": round(listed.seconds, 3)}
    summary = ({k: v for k, v in result.summary.items() if k != "times"}
               | {"prices": listed.summary(), "times": times})
    return replace(result, summary=summary, prices=listed.table)


def _both(first: Callable, second: Callable) -> Callable:
    def show(*args) -> None:
        first(*args)
        second(*args)
    return show


def changed_against(baseline: pd.DataFrame, roster: pd.DataFrame, label: str = "") -> dict:
    """How many lines differ from the `--from` roster, and which."""
    before = baseline.set_index("post_id")["cadre_id"].astype(str)
    after = roster.set_index("post_id")["cadre_id"].astype(str)
    differ = sorted(p for p in after.index if before.get(p) != after[p])
    return {"roster": label, "changed_lines": len(differ), "posts": differ}


def validate_baseline(baseline: pd.DataFrame, data: DataSet, source: str) -> None:
    """A `--from` roster names posts and cadres of the data set."""
    problems = []
    for col, known, target in (("post_id", set(data.posts["post_id"]), "posts.post_id"),
                               ("cadre_id", set(data.cadres["cadre_id"]), "cadres.cadre_id")):
        for row, value in zip(baseline["_row"], baseline[col].astype(str), strict=True):
            if value and value not in known:
                problems.append(Problem("unknown_ref", source, int(row), col,
                                        {"value": value, "target": target}))
    if problems:
        raise InputError(problems)


def rules_table(report) -> pd.DataFrame:
    """Per rule: mode, required, achieved, shortfall and where it falls short."""
    fig = report.figures
    short = fig[fig["shortfall"] > 0]
    where = (
        short.groupby("rule").apply(
            lambda g: "; ".join(
                f"{w}:{s:g}" for w, s in zip(g["where"], g["shortfall"], strict=True)
            ),
            include_groups=False,
        )
        if len(short)
        else pd.Series(dtype=object)
    )
    totals = report.totals.copy()
    totals["where"] = totals["rule"].map(where).astype(object).fillna("")
    return totals


def count_vacancies(data: DataSet) -> int:
    """Posts with no holder, or whose holder leaves."""
    leaving = data.cadres.set_index("cadre_id")["leaving"]
    inc = data.posts["incumbent_id"]
    return int((inc == "").sum() + leaving.reindex(inc[inc != ""]).fillna(False).sum())


def _base_summary(sc: Scenario, data: DataSet, pairs: Pairs) -> dict:
    """The summary's head; "out" is filled in when the result folder is written."""
    vacancies = count_vacancies(data)
    return {
        "scenario": str(sc.source) if sc.source else "",
        "name": sc.name,
        "out": "",
        "reference_date": sc.reference_date.isoformat(),
        "objective_mode": sc.objective,
        "seed": sc.solver.seed,
        "input_checksums": dict(sorted(data.checksums.items())),
        # what validation let through with a warning (a column not read), in both
        # languages; the place as messages show it (a 50 MB header by its length)
        "input_warnings": [{"code": w.code, "file": shown_place(w.source or ""),
                            "column": shown_place(w.column or ""),
                            "zh": w.render("zh"), "en": w.render("en")}
                           for w in data.warnings],
        "scenario_checksum": scenario_checksum(sc),
        "settings": scenario_to_dict(sc),
        "counts": {
            "teams": len(data.teams),
            "posts": len(data.posts),
            "cadres": len(data.cadres),
            "vacancies": vacancies,
            "eligible_pairs": len(pairs),
            "removed_pairs": len(pairs.removed),
            "changed_posts": 0,
        },
    }


def _outcome_summary(o: SolveOutcome) -> dict:
    return {
        "status": o.status.value,
        "objective": o.objective,
        "bound": o.bound,
        "gap": o.gap,
        "proven": o.proven,
        "interrupted": o.interrupted,
        "parameters": o.parameters,
        "levels": [
            {
                "name": lv.name,
                "status": lv.status.value,
                "value": lv.value,
                "bound": lv.bound,
                "seconds": round(lv.seconds, 3),
            }
            for lv in o.levels
        ],
    }


def solve_in(session: Session, **options) -> Result:
    """`solve_result` of the session's scenario (`options` as its), solved as cold: the
    roster `placement solve` writes; the proposal behind it becomes the session's when it
    has none yet. Why not on the kept HiGHS instances: a warm search ends on the cold
    optimum but, among equally good rosters, perhaps on another one (measured on Linfen:
    R-TC8 off and weights.move=200 after the plain scenario), and a run's result folder
    is the command line's; on Linfen the warm search saves a fraction of a second of a
    run (checking and the tables take about a second). The stages the session took
    from another proposal (`Session.inherit`) are the cold ones: the same model."""
    told: list[Proposal] = []
    eligible, built = session.inherited()
    res = solve_result(session.sc, session.data, on_proposal=told.append,
                       **{"progress": False, "eligible": eligible, "built": built} | options)
    own = not any(options.get(k) is not None for k in ("start_from", "keep_close_to"))
    if own and told and told[0].outcome is not None and not told[0].outcome.interrupted:
        session.adopt(told[0])
    return res
