"""The Python API: everything the CLI does, as plain function calls.

Why it exists: analysts explore what-ifs in notebooks and scripts. They should get
the very rosters, checks and tables `placement solve` writes, as pandas frames,
without shelling out or parsing files. `solve` runs the steps of `placement solve`
(`pipeline.run.solve_result`) and keeps the result in memory; the CLI's `diff` and
`sweep` commands are thin layers over these functions, so the two cannot drift
apart. Nothing inside `placement` imports this module: it is the top of the
pipeline, beside `cli.py`.

    from placement import api
    sc, data = api.load("scenarios/linfen.toml", ["solver.time_limit=30"])
    a = api.solve(sc, data)
    b = api.solve(api.override(sc, "rules.R-TC5.min_women=3"), data)
    d = api.diff(a, b)          # d.posts, d.moves, d.structure, d.rules (DataFrames)
    a.write("results/a")        # the files `placement solve` writes

`candidates`, `try_member`, `team_profiles` and `structure_charts` answer the
workbench's quick questions (who fits this post, the team with this cadre in it, the
teams' structure side by side) without a solve; `import_lrmx` / `export_lrmx` are
`placement import-lrmx` / `export-lrmx`.

`plan` answers `placement plan` (a rotation plan over several years, docs/plan.md).
`why_not` answers `placement why-not`; explanations (reasons, shortfall causes,
alternates) come with every `Result`. `session` keeps one scenario's proposal, model
and HiGHS instances warm for the next question (`placement.pipeline.warm.Session`:
what-ifs, why-nots and alternates, each the cold answer, often sooner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from placement.checker import CheckReport, check_roster, read_roster
from placement.data.dataset import DataSet
from placement.data.errors import Problem
from placement.data.loader import load_dataset
from placement.data.locks import validate_locks
from placement.data.regions import region_id, region_names
from placement.data.scenario import Scenario
from placement.data.scenario_io import load_scenario, override_scenario
from placement.eligibility.facts import compute_facts
from placement.explain.alternates import AlternatesError, NotReproduced
from placement.explain.candidates import Conditions, select
from placement.explain.candidates import candidates as rank_candidates
from placement.explain.trial import AGE_BANDS, Trial
from placement.explain.trial import team_profiles as profiles
from placement.explain.trial import try_member as trial
from placement.explain.whynot import WhyNot
from placement.export.lrmx.build import FormsReport, build_from_forms
from placement.export.lrmx.export import ExportReport
from placement.export.lrmx.export import export_lrmx as write_lrmx
from placement.export.lrmx.import_ import ImportReport, import_folder
from placement.export.report.data import load_result
from placement.export.report.files import write_plan_report, write_report
from placement.export.report.html import county_section, plan_years_table
from placement.export.report.plan import (
    counties,
    head_table,
    is_plan_folder,
    read_plan_folder,
    team_table,
    year_table,
)
from placement.export.report.svg import paired_bars, pyramid
from placement.meaning.posts import with_rule_warnings
from placement.pipeline.prices import price_list
from placement.pipeline.propose import propose
from placement.pipeline.questions import alternates_of, why_not_of
from placement.pipeline.questions import why_not as explain_why_not
from placement.pipeline.run import solve_in as run_in_session
from placement.pipeline.run import solve_result, validate_baseline
from placement.pipeline.warm import Session
from placement.plan.folder import check_plan_out, write_plan
from placement.plan.locks import PlanLock, plan_locks
from placement.plan.rolling import Plan, Year
from placement.plan.rolling import plan as plan_years
from placement.plan.tables import stability, year_figures
from placement.roster.result_folder import Result, read_result
from placement.solver.warm import WarmMip
from placement.whatif.diff import Diff, diff_results
from placement.whatif.sweep.local import SweepOutcome, run_sweep
from placement.whatif.sweep.spec import Sweep, read_sweep

__all__ = ["Result", "load", "load_data", "load_checked", "read_scenario", "read_dataset",
           "read_baseline", "override", "solve", "check", "read_result", "diff", "why_not",
           "alternates", "AlternatesError", "NotReproduced", "solve_in", "prices",
           "sweep", "report", "plan", "plan_year", "plan_view", "plan_locks", "PlanLock",
           "session", "Conditions",
           "candidates", "try_member", "team_profiles", "structure_charts", "structure",
           "import_lrmx", "import_forms", "export_lrmx"]


def load(scenario: Path | str, overrides: Sequence[str] = ()) -> tuple[Scenario, DataSet]:
    """Read and validate a scenario (with `--set`-style overrides) and its data set: the
    one loader of the command line, this API and the workbench.

    Raises `InputError` listing every problem found."""
    sc = read_scenario(scenario, overrides)
    return sc, load_data(sc)


def load_data(sc: Scenario) -> DataSet:
    """The scenario's data set, read and validated as `load` reads it (a caller that
    keeps data sets between scenarios reads the scenario alone, then this)."""
    return with_rule_warnings(read_dataset(sc.data, sc.reference_date))


def load_checked(scenario: Path | str, overrides: Sequence[str] = ()
                 ) -> tuple[Scenario, DataSet, list[Problem]]:
    """`load`, and the locks checked against the data set (`placement validate` and every
    command that loads a scenario): the scenario with locks given twice merged (a copy),
    the data set, and every warning: the data set's (columns not read) then the locks'.

    Raises `InputError` listing every problem found (unknown ids, contradictory locks)."""
    sc, data = load(scenario, overrides)
    sc, merged = validate_locks(sc, data)
    return sc, data, [*data.warnings, *merged]


def read_scenario(scenario: Path | str, overrides: Sequence[str] = ()) -> Scenario:
    """The scenario file alone, read and validated (its data set not read)."""
    return load_scenario(Path(scenario), list(overrides))


def read_dataset(path: Path | str, reference_date=None) -> DataSet:
    """A data set (a folder of CSV files or one workbook) alone, read and validated."""
    return load_dataset(Path(path), reference_date=reference_date)


def read_baseline(roster: Path | str, data: DataSet, label: str = "") -> pd.DataFrame:
    """A published roster (`placement solve --from`) read and checked against the data
    set: what `solve(..., start_from=...)` stays close to."""
    table = read_roster(Path(roster))
    validate_baseline(table, data, label or str(roster))
    return table


def override(sc: Scenario, *settings: str) -> Scenario:
    """A copy of `sc` with `dotted.key=value` settings applied and validated again,
    read exactly like `--set` (docs/scenario.md). `sc` itself is not changed.

    Raises `InputError` (source `--set`) for a bad key or value."""
    return override_scenario(sc, settings)


def solve(sc: Scenario, data: DataSet, progress: bool = False, **options) -> Result:
    """Propose a roster, check it independently and build the result tables.

    The very steps of `placement solve` (`run.solve_result`), kept in memory:
    `result.write(folder)` gives the files `placement solve` writes. `options` go to
    `solve_result` (e.g. `start_from`, a published roster whose every changed line
    costs `weights.change`; `alternates`; `cancel`, a `threading.Event` that stops the
    search from another thread). Safe to call from any thread."""
    return solve_result(sc, data, progress=progress, **options)


def solve_in(session: Session, **options) -> Result:
    """`solve` of a session's scenario and data: the same result; the proposal behind it
    becomes the session's (a `lazy` session's first question is a run's solve)."""
    return run_in_session(session, **options)


def check(sc: Scenario, data: DataSet, roster: Result | pd.DataFrame | Path | str) -> CheckReport:
    """The independent checker (`placement check`) on a result, a roster frame or a
    roster file: a `CheckReport` (`.ok`, `.violations`, `.figures`, `.totals`)."""
    if isinstance(roster, Result):
        roster = roster.roster
    elif not isinstance(roster, pd.DataFrame):
        roster = read_roster(Path(roster))
    return check_roster(sc, data, roster)


def diff(a: Result | Path | str, b: Result | Path | str,
         labels: tuple[str, str] | None = None) -> Diff:
    """What changes from result `a` to result `b` (results or result folders): see
    `placement.whatif.diff.Diff`."""
    names = labels or (_label(a, "A"), _label(b, "B"))
    ra = a if isinstance(a, Result) else read_result(a)
    rb = b if isinstance(b, Result) else read_result(b)
    return diff_results(ra, rb, names)


def why_not(sc: Scenario, data: DataSet, cadre: str, post: str,
            roster: pd.DataFrame | None = None,
            start_from: pd.DataFrame | None = None) -> WhyNot:
    """Why is `cadre` not in `post` (`placement why-not`): the excluding rules, or the
    objective change, the lines that change and the targets that move when forced.
    `roster`: a result's roster of `sc` (solved with `start_from` when it was), the one
    the answer is of (else a fresh solve's); raises `NotReproduced` when the scenario no
    longer gives that roster (a run stopped early)."""
    if roster is None:
        return explain_why_not(sc, data, cadre, post)
    return why_not_of(sc, data, roster, cadre, post, start_from)


def alternates(sc: Scenario, data: DataSet, roster: pd.DataFrame, k: int = 2,
               posts: str | Sequence[str] = "changed",
               start_from: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `k` alternates (差额人选) of each post in `posts` of `roster`, a result's roster
    of `sc` (solved with `start_from` when it was): alternates.csv's table, priced
    against that roster and never listing its holder. Raises `AlternatesError` when the
    scenario no longer gives `roster`'s holder of an asked post (a run stopped early)."""
    return alternates_of(sc, data, roster, k, posts, start_from).table


def prices(result: Result | Path | str, rules: Sequence[str] | None = None,
           places: int = 3) -> pd.DataFrame:
    """What each rule costs in `result` (a result, or a result folder read with its
    scenario and data set): `placement solve --prices`'s prices.csv, the table of
    `placement.explain.prices.COLUMNS`, one line per rule relaxed by one step and per
    dear team or county, each re-solved warm and checked. The result's own table when
    it has one; else its scenario proposed again, ties kept to its roster."""
    if not isinstance(result, Result):
        result = load_result(Path(result))
    if result.prices is not None and rules is None:
        return result.prices
    if result.roster is None or result.scenario is None or result.data is None:
        raise ValueError("prices need a result with a roster, its scenario and data set")
    mip = WarmMip()
    base = propose(result.scenario, result.data, explain=False, warm=mip,
                   keep_close_to=result.roster[["post_id", "cadre_id"]])
    listed = price_list(Session(result.scenario, result.data, base, mip=mip),
                        tuple(rules) if rules is not None else None, places)
    return listed.table


def session(sc: Scenario, data: DataSet, lazy: bool = False) -> Session:
    """The scenario proposed once and kept warm: `s.what_if("rules.R-TC5.min_women=3")`
    (a proposal: `.roster`, `.outcome.objective`; `check` it like any roster),
    `s.why_nots([(cadre, post), …])`, `s.alternates(k, posts)`; `solve_in(s, **options)`
    (`solve`'s result, its proposal kept as the session's) (docs/solver.md). `lazy`: propose on the
    first question."""
    return Session(sc, data, lazy=lazy)


def sweep(spec: Sweep | Path | str, out: Path | str | None = None, **options) -> SweepOutcome:
    """Solve every scenario of a sweep (a sweep file or a `placement.whatif.sweep.spec.Sweep`)
    and return its `SweepOutcome` (`.rows` is the table). Options: see `run_sweep`."""
    spec = spec if isinstance(spec, Sweep) else read_sweep(Path(spec))
    return run_sweep(spec, Path(out) if out is not None else None, **options)


def report(folder: Path | str, lang: str = "zh") -> tuple[Path, Path]:
    """`placement report`: report.xlsx and report.html written into the result folder
    `folder` (the scenario and data set reloaded, the roster checked again), or the plan
    report into a plan folder (docs/plan.md); returns their paths. Raises `InputError`
    when the folder holds no roster."""
    folder = Path(folder)
    if is_plan_folder(folder):  # a plan folder (`placement plan`): the plan report
        plan_folder = read_plan_folder(folder)
        return write_plan_report(plan_folder, folder, lang)
    return write_report(load_result(folder), folder, lang)  # both files or neither


def plan(sc: Scenario, data: DataSet, years: int = 5, out: Path | str | None = None,
         leaves: dict[str, int] | None = None, progress: bool = False, lang: str = "en",
         locks: dict | list[PlanLock] | None = None, **options) -> Plan:
    """A rotation plan over `years` years (`placement plan`): each year's roster solved on
    the state the previous year left, every one checked independently (`Plan.years`,
    each with its `result`; `Plan.ok`). `leaves`: cadre id -> the year (1 …) the cadre
    leaves in. With `out`, the plan folder is written (checked before any solve), its
    plan.csv and timeline.csv in `lang`. `locks`: the plan's locks as the scenario's
    `[locks]` table, each item optionally with the calendar `year` it holds in (else the
    whole term): `{"must": [{"cadre": "C", "post": "P", "year": 2028}], "keep": ["T"]}`
    (`placement.plan.locks`; `InputError` naming each bad item), or the locks
    `read_plan_locks` read from a file. `options` go to
    `placement.plan.rolling.plan` (`cancel`, `on_year`)."""
    given = (plan_locks(locks, data, sc.reference_date.year, years)
             if isinstance(locks, dict) else locks)
    if out is not None:
        check_plan_out(Path(out), [sc.data])
    result = plan_years(sc, data, years, leaves=leaves, progress=progress, locks=given,
                        **options)
    if out is not None:
        write_plan(result, out, lang)
    return result


def plan_year(year: Year, earlier: Sequence[Year] = ()) -> dict:
    """One solved year of a plan as plan.json holds it (status, gap, times, moves and
    forced moves, and with a roster its `stability` counted over the `earlier` years and
    this one): what `on_year` callers report as the plan goes on."""
    figures = year_figures(year)
    if year.result.roster is not None:
        figures["stability"] = stability([*earlier, year])[-1]
    return figures


def plan_view(folder: Path | str, lang: str = "zh") -> dict:
    """A plan folder for a page: `years` (per year the solve and the posts changing by
    cause, the report's 换届规划 rows; `causes` the same as the report's HTML table) and
    `counties` (per county its region, name and the report's section: the head posts'
    timeline as inline SVG and the teams' figures).
    Raises `InputError` when the folder is not a whole plan folder."""
    p = read_plan_folder(folder)
    heads, teams = head_table(p, lang), team_table(p)
    years = year_table(p, lang)
    return {"years": years.to_dict("records"), "causes": plan_years_table(years, lang),
            "counties": [{"region": region, "name": name,
                          "html": county_section(p, region, heads[heads["region"] == region],
                                                 teams, lang)}
                         for region, name in counties(p).items()]}


def candidates(sc: Scenario, data: DataSet, post: str, conditions: Conditions | None = None,
               roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every cadre against `post` that meets `conditions`, ranked (eligible first, fewer
    target rules broken, higher fit): `excluded_by` (structural reasons and hard rules,
    as `why_not` names them), `breaks` (target rules), the members' readings (woman,
    young, local, non_party, secretary) in the post's team. With `roster` (a result's),
    `holder_now` says who holds each cadre's post in it. No solve: milliseconds."""
    facts = compute_facts(data, sc.reference_date)
    p = _row(data.posts["post_id"], post, "post")
    named = region_names(data)
    conditions = conditions or Conditions()
    if conditions.region:  # a region asked for by name (洪洞县) as well as by id
        conditions = replace(conditions, region=region_id(named, conditions.region))
    frame = select(rank_candidates(data, sc, facts, p), conditions)
    frame["region_name"] = frame["region"].map(lambda r: named.get(r, r))
    frame["home_region_name"] = frame["home_region"].map(lambda r: named.get(r, r))
    if roster is not None:
        held = roster.loc[roster["cadre_id"] != ""].set_index("cadre_id")["post_id"]
        frame["post_after"] = frame["cadre_id"].map(held).fillna("")
    return frame


def try_member(sc: Scenario, data: DataSet, cadre: str, post: str,
               roster: pd.DataFrame | None = None) -> Trial:
    """`cadre` dropped into `post` of `roster` (the incumbents when None), nothing
    solved: the teams touched before and after (`team_profiles` rows) and their kin
    (R-AV1) and home-region (R-AV2) ties before and after."""
    facts = compute_facts(data, sc.reference_date)
    c = _row(data.cadres["cadre_id"], cadre, "cadre")
    p = _row(data.posts["post_id"], post, "post")
    return trial(data, sc, facts, _holders(data, facts, roster), c, p)


def team_profiles(sc: Scenario, data: DataSet, roster: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """Per team, the members of `roster` (the incumbents when None): size, the team
    table's counts, average age, members per education level and per age band and
    gender (`placement.explain.trial.team_profiles`)."""
    facts = compute_facts(data, sc.reference_date)
    return profiles(data, sc, facts, _holders(data, facts, roster))


# Chart figure -> (Chinese, English) title; `bachelor_plus` = postgraduate + bachelor.
CHART_FIGURES = {"women": ("女干部", "women"), "young": ("年轻干部", "young"),
                 "locals": ("本地干部", "locals"), "non_party": ("党外干部", "non-Party"),
                 "bachelor_plus": ("本科及以上", "bachelor or above"),
                 "avg_age": ("平均年龄", "average age")}


def structure_charts(before: pd.DataFrame, after: pd.DataFrame, labels: Sequence[str],
                     lang: str = "zh") -> dict[str, str]:
    """Inline SVG charts (the report's own, `export.report.svg`: no script, no network)
    comparing the rows of two `team_profiles` frames, aligned with `labels` (teams or
    counties): one paired-bar chart per figure of `CHART_FIGURES` (its title is the
    caller's caption), and the age pyramid
    of all the rows before (`ages_before`) and after (`ages_after`)."""
    zh = lang == "zh"
    legend = ("调整前", "调整后") if zh else ("before", "after")
    out = {}
    for fig in CHART_FIGURES:
        b, a = (_figure(f, fig) for f in (before, after))
        out[fig] = paired_bars([str(label) for label in labels], b, a, legend)
    bands = {when: pd.DataFrame([{"band": label,
                                  "men": int(f[f"band:{label}:M"].sum()),
                                  "women": int(f[f"band:{label}:F"].sum())}
                                 for _, _, label in AGE_BANDS])
             for when, f in (("before", before), ("after", after))}
    vmax = max(int(b[["men", "women"]].to_numpy().max()) for b in bands.values())
    sexes = ("男", "女") if zh else ("men", "women")
    for k, when in enumerate(("before", "after")):
        out[f"ages_{when}"] = pyramid(bands[when], legend[k], sexes, vmax)
    return out


def structure(sc: Scenario, data: DataSet, roster: pd.DataFrame, region: str | None = None,
              team: str | None = None, lang: str = "zh") -> dict:
    """The teams' structure before (the incumbents) and after (`roster`), for a page: by
    county when neither `region` nor `team` is given, by team within `region`, or one
    `team`; `{"level", "rows": [{key, label, before, after}], "charts"}`
    (`structure_charts`). Raises `LookupError` naming an unknown team or region."""
    before = team_profiles(sc, data)
    after = team_profiles(sc, data, roster)
    named = region_names(data)
    regions = data.teams["region"].to_numpy()
    if team is not None:
        keep = (data.teams["team_id"] == team).to_numpy()
        if not keep.any():
            raise LookupError(f"no team {team}")
    else:
        keep = regions == region if region is not None else np.ones(len(regions), bool)
        if not keep.any():
            raise LookupError(f"no region {region}")
    by_county = team is None and region is None
    key = regions if by_county else data.teams["team_id"].to_numpy()
    b, a = (_grouped(f[keep], key[keep]) for f in (before, after))
    if by_county:
        labels = [named.get(r, r) for r in b.index]
    else:
        labels = list(data.teams.set_index("team_id").loc[b.index, "name"])
    rows = [{"key": k, "label": label, "before": _plain(b.loc[k]), "after": _plain(a.loc[k])}
            for k, label in zip(b.index, labels, strict=True)]
    level = "team" if team is not None else "region" if region is not None else "county"
    shown = region if region is not None else (
        str(regions[keep][0]) if team is not None else None)
    return {"level": level, "rows": rows, "charts": structure_charts(b, a, labels, lang),
            "region": shown, "region_name": named.get(shown, shown) if shown else None}


def _grouped(profiles: pd.DataFrame, key) -> pd.DataFrame:
    """Team profiles summed by `key` (county or team), the average age weighted by size."""
    counts = profiles.drop(columns=["team_id", "team_name", "avg_age"])
    ages = (profiles["avg_age"].fillna(0) * profiles["size"]).groupby(key).sum()
    out = counts.groupby(key, sort=False).sum()
    out["avg_age"] = (ages / out["size"].where(out["size"] > 0)).round(1).reindex(out.index)
    return out


def _plain(row) -> dict:
    return {k: (None if v != v else float(v) if k == "avg_age" else int(v))
            for k, v in row.items()}


def import_lrmx(folder: Path | str, out: Path | str) -> ImportReport:
    """`placement import-lrmx`: a folder of 任免审批表 into the data set folder `out`
    (cadres and relations written or updated, lrmx_sources.csv beside them)."""
    return import_folder(Path(folder), Path(out))


def import_forms(forms: Path | str, posts: Path | str, out: Path | str) -> FormsReport:
    """`placement import-forms`: a new data set `out` from a folder of 任免审批表 and a
    workbook of teams and posts (or a data set whose teams, posts and cadres the forms
    are matched to by name and birth month); the report lists what was added, what
    changed and the defaults given for the planner to confirm."""
    return build_from_forms(Path(forms), Path(posts), Path(out))


def export_lrmx(result: Result | Path | str, out: Path | str, drafts: bool = False
                ) -> ExportReport:
    """`placement export-lrmx`: a 任免审批表 for every cadre whose post changes, with
    拟任/拟免/任免理由 filled, written into `out`; `drafts`: a form drafted from the data
    set for a cadre without an imported one. The forms are Chinese documents."""
    res = result if isinstance(result, Result) else load_result(Path(result))
    return write_lrmx(res, Path(out), None, "zh", drafts)


def _figure(frame: pd.DataFrame, fig: str) -> list[float]:
    if fig == "bachelor_plus":
        return (frame["edu_postgraduate"] + frame["edu_bachelor"]).astype(float).tolist()
    return frame[fig].astype(float).fillna(0).tolist()


def _row(ids: pd.Series, ident: str, what: str) -> int:
    where = np.flatnonzero(ids.to_numpy() == ident)
    if not len(where):
        raise KeyError(f"no {what} {ident}")
    return int(where[0])


def _holders(data: DataSet, facts, roster: pd.DataFrame | None) -> np.ndarray:
    """Cadre row per post row: the roster's holders, or the incumbents."""
    if roster is None:
        return facts.p_incumbent.copy()
    held = roster[roster["cadre_id"] != ""]
    out = np.full(len(data.posts), -1, dtype=np.int64)
    out[pd.Index(data.posts["post_id"]).get_indexer(held["post_id"])] = pd.Index(
        data.cadres["cadre_id"]).get_indexer(held["cadre_id"])
    return out


def _label(x: object, default: str) -> str:
    if isinstance(x, Result):
        return x.summary.get("name") or default
    return str(x)
