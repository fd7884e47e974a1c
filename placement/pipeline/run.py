"""One solve from loaded inputs to a result folder: the work behind `placement solve`.

Steps, each timed for summary.json: facts and eligible pairs → pre-checks
(a post nobody may take, a lock that breaks a hard rule: answered before any
solve, naming the post or lock and the rules) → model → CP-SAT → roster →
independent check → files, written atomically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.scenario import Scenario
from placement.eligibility.pairs import Pairs
from placement.explain.reasons import move_reasons, roster_reasons
from placement.explain.shortfalls import shortfall_causes
from placement.pipeline.progress import ProgressView
from placement.pipeline.propose import propose
from placement.roster.tables import holders_after, moves_table, structure_table
from placement.solver.solve import SolveOutcome, Status

EXIT = {Status.OPTIMAL: 0, Status.FEASIBLE: 0, Status.INFEASIBLE: 4, Status.UNKNOWN: 5}


@dataclass
class RunResult:
    status: Status
    summary: dict
    roster: pd.DataFrame | None = None
    conflicts: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]

    def headline(self, lang: str = "en") -> str:
        s = self.summary
        if self.status in (Status.INFEASIBLE,) and self.conflicts:
            zh = lang == "zh"
            lines = ["无可行名单，冲突：" if zh else "infeasible; conflicts:"]
            lines += [f"  {c['rule']} @ {c['where']}: "
                      f"{c.get('detail_zh', c['detail']) if zh else c['detail']}"
                      for c in self.conflicts]
            relax = s.get("relaxations") or []
            if relax:
                lines.append("可行的放宽办法（已求解验证）：" if zh else
                             "relaxations that restore a roster (verified by solving):")
                lines += [f"  {r['change_zh'] if zh else r['change']}: {r['status']}, "
                          f"objective {r['objective']}" for r in relax]
            return "\n".join(lines)
        gap = s.get("gap")
        gap_text = "" if gap is None else f", gap {gap:.4%}"
        check = s.get("check", {})
        return (
            f"{s['status']}: objective {s.get('objective')}{gap_text}, "
            f"{s['times']['solve']:.1f}s solve; "
            f"check {'passed' if check.get('ok') else 'FAILED'}; "
            f"{s['counts']['changed_posts']} posts change"
            + (f" ({s['from']['changed_lines']} lines differ from {s['from']['roster']})"
               if s.get("from") else "")
            + (_alternates_headline(s["alternates"]) if s.get("alternates") else "")
            + f"; results in {s['out']}"
        )


def _alternates_headline(a: dict) -> str:
    if a.get("interrupted"):
        return (f"; {a['alternates']} alternates for {a['posts_done']} of {a['posts']} posts "
                f"(interrupted)")
    return f"; {a['alternates']} alternates for {a['posts']} posts"


RESULT_FILES = ("roster.csv", "moves.csv", "teams.csv", "rules.csv", "shortfalls.csv",
                "alternates.csv")


def _clear_stale(out: Path) -> None:
    """A result folder must not show an older roster beside a new summary."""
    for name in RESULT_FILES:
        (out / name).unlink(missing_ok=True)


def run_solve(
    sc: Scenario,
    data: DataSet,
    out: Path,
    lang: str = "en",
    progress: bool = True,
    load_seconds: float = 0.0,
    start_from: pd.DataFrame | None = None,
    start_label: str = "",
    alternates: int = 0,
    alternates_scope: str | list[str] = "changed",
) -> RunResult:
    """`placement solve`: propose, check independently, write the result folder.
    `alternates` > 0: that many alternates for each post in `alternates_scope`
    (`explain.alternates`), written to alternates.csv."""
    with ProgressView(progress) as view:
        prop = propose(sc, data, show=view.show, start_from=start_from)
    times = {"load": round(load_seconds, 3)} | prop.times
    summary = _base_summary(sc, data, prop.pairs, out)
    _clear_stale(out)
    if prop.outcome is None:
        summary |= {"status": "infeasible", "conflicts": prop.conflicts,
                    "relaxations": prop.relaxations, "times": times}
        atomic.write_json(out / "summary.json", summary)
        return RunResult(Status.INFEASIBLE, summary, conflicts=prop.conflicts)
    summary |= _outcome_summary(prop.outcome)
    roster = prop.roster
    if roster is None:
        summary |= {"times": times, "conflicts": prop.conflicts,
                    "relaxations": prop.relaxations}
        atomic.write_json(out / "summary.json", summary)
        return RunResult(prop.status, summary, conflicts=prop.conflicts)
    t0 = time.perf_counter()
    chosen = prop.outcome.chosen
    from placement.checker import check_roster

    report = check_roster(sc, data, roster)
    summary["check"] = {"ok": report.ok, "violations": len(report.violations)}
    roster = roster.join(roster_reasons(data, sc, prop.facts, prop.pairs, roster, report.figures))
    moves = moves_table(data, prop.facts, prop.pairs, chosen)
    moves = moves.join(move_reasons(data, prop.pairs, moves))
    causes = shortfall_causes(data, sc, prop.facts, prop.pairs, roster, report.figures)
    atomic.write_csv(out / "roster.csv", roster)
    atomic.write_csv(out / "moves.csv", moves)
    atomic.write_csv(out / "shortfalls.csv", causes)
    atomic.write_csv(
        out / "teams.csv",
        structure_table(data, sc, prop.facts, holders_after(data, prop.pairs, chosen)),
    )
    atomic.write_csv(out / "rules.csv", rules_table(report))
    summary["counts"]["changed_posts"] = int((roster["change"] != "stay").sum())
    if start_from is not None:
        summary["from"] = changed_against(start_from, roster, start_label)
    times["write"] = round(time.perf_counter() - t0, 3)
    if alternates:
        from placement.explain.alternates import find_alternates

        began = time.perf_counter()
        with ProgressView(progress) as view:
            alt = find_alternates(prop, alternates, alternates_scope,
                                  on_post=lambda done, total: view.show(
                                      f"alternates: {done}/{total} posts",
                                      time.perf_counter() - began, float("nan"), float("nan")))
        atomic.write_csv(out / "alternates.csv", alt.table)
        summary["alternates"] = {"k": alternates} | alt.summary()
        times["alternates"] = round(alt.seconds, 3)
    summary["times"] = times
    atomic.write_json(out / "summary.json", summary)
    return RunResult(prop.status, summary, roster)


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
    totals["where"] = totals["rule"].map(where).fillna("")
    return totals


def count_vacancies(data: DataSet) -> int:
    """Posts with no holder, or whose holder leaves."""
    leaving = data.cadres.set_index("cadre_id")["leaving"]
    inc = data.posts["incumbent_id"]
    return int((inc == "").sum() + leaving.reindex(inc[inc != ""]).fillna(False).sum())


def _base_summary(sc: Scenario, data: DataSet, pairs: Pairs, out: Path) -> dict:
    from placement.data.scenario_io import scenario_checksum, scenario_to_dict

    vacancies = count_vacancies(data)
    return {
        "scenario": str(sc.source) if sc.source else "",
        "name": sc.name,
        "out": str(out),
        "reference_date": sc.reference_date.isoformat(),
        "objective_mode": sc.objective,
        "seed": sc.solver.seed,
        "input_checksums": dict(sorted(data.checksums.items())),
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
