"""The `placement` command: a thin typer layer over the `placement` package.

Exit codes (data contract): 0 a roster was found, 2 usage error or an output
path that cannot be used or written (a file where a folder belongs, an input
folder, a folder another solve is writing, disk full, read-only), 3 invalid
input, 4 proven infeasible, 5 nothing found within the time limit; the
checker exits 1 when a roster breaks a hard rule; `sweep` exits 1 when a run
failed or a roster failed the checker; 130 when stopped by Ctrl-C (a sweep's
finished rows are written); 70 an internal error (a bug: one line naming the
exception type and place, never a traceback). Every command runs inside
`placement.commands.guard.guarded`, the one place where errors become messages.

`diff` and `sweep` are thin layers over `placement.api` (`api.diff`,
`api.sweep`); the work and its tests live in `placement.whatif`.

Each command imports the package modules it needs inside its body, on purpose:
the pipeline pulls in pandas, OR-Tools and HiGHS, and `placement --help` or a
typo should not wait for them (`python -c "import cli"`: 0.10 s this way, about
0.6 s with every command's modules imported at the top). The modules of
`placement.commands` follow the same rule for the same reason.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from placement.commands.bench import register as register_bench
from placement.commands.files import register as register_files
from placement.commands.guard import GuardedTyper, fail
from placement.data.errors import InputError, choose_language

app = GuardedTyper(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Propose rosters for leadership teams (领导班子).",
)

Lang = Annotated[str | None, typer.Option("--lang", help="zh or en (default: from the locale)")]
Sets = Annotated[
    list[str] | None,
    typer.Option("--set", help="override a scenario value, e.g. rules.R-TC5.min_women=3"),
]


def _fail_input(err: InputError, lang: str) -> None:
    fail(err, lang)


def _load(scenario: Path, sets: list[str] | None, lang: str):
    """Scenario, data set and the locks' ids, checked together; the data set's warnings
    (columns not read) and the locks' (merged duplicates) printed once, to stderr."""
    from placement.data.loader import load_dataset
    from placement.data.locks import validate_locks
    from placement.data.scenario_io import load_scenario
    from placement.meaning.posts import with_rule_warnings

    try:
        sc = load_scenario(scenario, sets or [])
        data = with_rule_warnings(load_dataset(sc.data, reference_date=sc.reference_date))
        for warning in (*data.warnings, *validate_locks(sc, data)):
            typer.echo(("警告：" if lang == "zh" else "warning: ") + warning.render(lang),
                       err=True)
    except InputError as err:
        _fail_input(err, lang)
    return sc, data


@app.command()
def validate(scenario: Path, set_: Sets = None, lang: Lang = None) -> None:
    """Check a scenario and its data set; report every problem with file, row and column."""
    from placement.data.schema import TABLES

    lg = choose_language(lang)
    sc, data = _load(scenario, set_, lg)
    counts = ("，" if lg == "zh" else ", ").join(
        f"{t.zh if lg == 'zh' else t.name} {len(data.table(t.name))}" for t in TABLES)
    n = len(data.warnings)
    note = "" if not n else (f"（{n} 条警告，见上）" if lg == "zh" else
                             f" ({n} warning{'s' if n > 1 else ''} above)")
    typer.echo(("数据有效" + note + "：" if lg == "zh" else "valid" + note + ": ") + counts)


@app.command()
def generate(
    profile: Annotated[str, typer.Option(help="linfen, nanpiao or province")],
    out: Annotated[Path, typer.Option(help="folder to write the data set to")],
    seed: Annotated[int, typer.Option()] = 7,
    xlsx: Annotated[bool, typer.Option(help="one workbook instead of CSV files")] = False,
    zh_headers: Annotated[bool, typer.Option(help="Chinese column headers")] = False,
) -> None:
    """Write a synthetic data set shaped like the published figures."""
    from placement.generate import PROFILES, write_dataset
    from placement.generate import generate as gen

    if profile not in PROFILES:
        typer.echo(f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}", err=True)
        raise typer.Exit(2)
    tables = gen(profile, seed)
    write_dataset(tables, out, xlsx=xlsx, zh_headers=zh_headers)
    typer.echo(f"wrote {out}: " + ", ".join(f"{k} {len(v)}" for k, v in tables.items()))


@app.command()
def solve(
    scenario: Path,
    out: Annotated[Path, typer.Option(help="result folder")] = Path("result"),
    set_: Sets = None,
    as_json: Annotated[bool, typer.Option("--json", help="print summary.json")] = False,
    start: Annotated[Path | None, typer.Option(
        "--from", help="a published roster to stay close to: every changed line costs "
                       "weights.change")] = None,
    alternates: Annotated[int, typer.Option(
        min=0, help="for each post in --alternates-posts, up to this many alternates "
                    "(差额人选) ranked by exact objective loss: alternates.csv")] = 0,
    alternates_posts: Annotated[str, typer.Option(
        help="'changed' (posts whose holder changes), 'all', or comma-separated post, "
             "team or region ids")] = "changed",
    lang: Lang = None,
) -> None:
    """Propose a roster and write roster.csv, moves.csv, teams.csv, rules.csv, summary.json."""
    from placement.roster.result_folder import check_out, lock_folder

    lg = choose_language(lang)
    started = time.perf_counter()
    sc, data = _load(scenario, set_, lg)
    # Before any work: an --out that cannot become a result folder, or another solve
    # writing it (the lock is held until the folder is in place).
    check_out(out, [sc.data, scenario, *([start] if start else [])])
    with lock_folder(out):
        _solve(sc, data, out, start, alternates, alternates_posts, as_json, started, lg)


def _solve(sc, data, out, start, alternates, alternates_posts, as_json, started, lg):
    from placement.checker import read_roster
    from placement.explain.alternates import AlternatesError, check_alternates
    from placement.pipeline.run import run_solve, validate_baseline

    try:
        baseline = None
        if start is not None:
            baseline = read_roster(start)
            validate_baseline(baseline, data, str(start))
        scope = (alternates_posts if alternates_posts in ("changed", "all")
                 else [p.strip() for p in alternates_posts.split(",") if p.strip()])
        if alternates:
            check_alternates(sc, scope, data)
        result = run_solve(sc, data, out, progress=not as_json,
                           load_seconds=time.perf_counter() - started, start_from=baseline,
                           start_label=str(start or ""), alternates=alternates,
                           alternates_scope=scope, lang=lg)
    except InputError as err:
        _fail_input(err, lg)
    except AlternatesError as err:
        typer.echo(f"--alternates: {err}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result.summary, ensure_ascii=False, indent=2))
    else:
        typer.echo(result.headline(lg))
    raise typer.Exit(result.exit_code)


@app.command()
def plan(
    scenario: Path,
    years: Annotated[int, typer.Option(min=1, max=10, help="years in the plan")] = 5,
    out: Annotated[Path, typer.Option(help="plan folder")] = Path("plan"),
    leaves: Annotated[Path | None, typer.Option(
        help="CSV of cadre_id, year: departures known beforehand (year as 2028)")] = None,
    set_: Sets = None,
    as_json: Annotated[bool, typer.Option("--json", help="print plan.json")] = False,
    lang: Lang = None,
) -> None:
    """A rotation plan: one checked roster per year; plan.csv, timeline.csv, year folders."""
    from placement.api import plan as make_plan
    from placement.data.words import say
    from placement.plan.leaves import read_leaves
    from placement.plan.tables import plan_summary, stability, year_line

    lg = choose_language(lang)
    sc, data = _load(scenario, set_, lg)
    try:
        known = (None if leaves is None else
                 read_leaves(leaves, data, sc.reference_date.year, years))
    except InputError as err:
        _fail_input(err, lg)

    seen: list = []

    def told(year) -> None:
        seen.append(year)
        if not as_json:
            typer.echo(year_line(year, lg, stability(seen)[-1]
                                 if year.result.roster is not None else None))

    try:
        result = make_plan(sc, data, years, out, leaves=known, on_year=told)
    except InputError as err:
        _fail_input(err, lg)
    if as_json:
        typer.echo(json.dumps(plan_summary(result), ensure_ascii=False, indent=2))
    else:
        typer.echo(say("plan_done", lg, years=years, solved=len(result.years),
                       seconds=result.seconds, out=out,
                       stopped="" if result.ok else say("plan_stopped", lg)))
    raise typer.Exit(result.exit_code)


def _load_with_roster(scenario: Path, roster: Path, sets: list[str] | None, lang: str):
    from placement.checker import read_roster

    sc, data = _load(scenario, sets, lang)
    try:
        return sc, data, read_roster(roster)
    except InputError as err:
        _fail_input(err, lang)


@app.command()
def check(scenario: Path, roster: Path, set_: Sets = None, lang: Lang = None) -> None:
    """Independently confirm a roster's hard rules and recompute every target figure."""
    from placement.checker import check_roster

    lg = choose_language(lang)
    sc, data, table = _load_with_roster(scenario, roster, set_, lg)
    report = check_roster(sc, data, table)
    typer.echo(report.render(lg))
    raise typer.Exit(0 if report.ok else 1)


@app.command("why-not")
def why_not(scenario: Path,
            cadre: Annotated[str, typer.Option(help="cadre id or name")],
            post: Annotated[str, typer.Option(help="post id or title")],
            set_: Sets = None, lang: Lang = None) -> None:
    """Why is this cadre not in this post? The excluding rules, or what forcing it costs.
    Cadre and post by id or by a name that matches one (several: exit 3 with the list)."""
    from placement.data.names import resolve_pair
    from placement.pipeline.questions import why_not as explain_why_not

    lg = choose_language(lang)
    sc, data = _load(scenario, set_, lg)
    from placement.data.words import say
    from placement.pipeline.progress import StepView

    try:
        cadre, post = resolve_pair(data, cadre, post)
    except InputError as err:
        _fail_input(err, lg)
    with StepView(say("whynot_progress", lg, cadre=cadre, post=post), lg):
        answer = explain_why_not(sc, data, cadre, post)
    typer.echo(answer.render(lg))


@app.command()
def calibrate(scenario: Path, roster: Path, set_: Sets = None, lang: Lang = None,
              table: Annotated[str | None, typer.Option(
                  help="published table: linfen (seed 002) or nanpiao (seed 003); "
                       "default: from the teams' kinds")] = None) -> None:
    """Compare a roster's structure with the figures a seed publishes for a data set of
    its shape (county teams: Linfen, seed 002; section-level teams: Nanpiao, seed 003)."""
    from placement.tools.calibration import TableChoiceError, calibration_table, choose_table
    from placement.tools.calibration import render as render_calibration

    lg = choose_language(lang)
    sc, data, roster_table = _load_with_roster(scenario, roster, set_, lg)
    try:
        published = choose_table(data, table)
    except TableChoiceError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(render_calibration(calibration_table(data, roster_table, sc.reference_date,
                                                    published), lg))


@app.command()
def diff(
    result_a: Annotated[Path, typer.Argument(help="result folder A (from placement solve)")],
    result_b: Annotated[Path, typer.Argument(help="result folder B")],
    out: Annotated[Path | None, typer.Option(
        help="also write summary/posts/moves/structure/rules CSV files and diff.json here")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print diff.json, not tables")] = False,
    limit: Annotated[int, typer.Option(help="rows shown per long table")] = 40,
    report: Annotated[bool, typer.Option(
        "--report", help="also write diff.xlsx and diff.html (into --out, else here)")] = False,
    lang: Lang = None,
) -> None:
    """Compare two results: different holders and moves, figures and shortfalls.

    Posts whose holder differs, moves that differ, and every structure figure and
    rule shortfall side by side with its change."""
    from placement import api

    lg = choose_language(lang)
    try:
        d = api.diff(result_a, result_b)
    except InputError as err:
        _fail_input(err, lg)
    if out is not None:
        d.write(out)
    if report:
        _diff_report(d, result_a, result_b, out or Path.cwd(), lang, lg)
    if as_json:
        typer.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(d.render(lg, limit=limit), nl=False)


def _diff_report(d, result_a: Path, result_b: Path, folder: Path, lang: str | None,
                 lg: str) -> None:
    """diff.xlsx and diff.html (Chinese unless English is asked for), posts named from
    both rosters and the settings compared from both summary.json files."""
    from placement.export.report.diff_report import write_diff_report
    from placement.roster.result_folder import read_result

    results = [read_result(r) for r in (result_a, result_b)]
    names = {p: f"{t}{ti}" for r in results if r.roster is not None
             for p, t, ti in zip(r.roster["post_id"], r.roster["team_name"], r.roster["title"],
                                 strict=True)}
    content = "en" if lang and lang.lower().startswith("en") else "zh"
    paths = write_diff_report(d, folder, content, names,
                              tuple(r.summary.get("settings") for r in results))
    typer.echo(("已写入 " if lg == "zh" else "wrote ") + ", ".join(str(p) for p in paths),
               err=True)


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="sweep file (docs/sweep.md)")],
    out: Annotated[Path | None, typer.Option(
        help="result folder (default: sweep-<file name>)")] = None,
    processes: Annotated[int | None, typer.Option(
        min=1, help="parallel processes (default: the cores; 1 = in this process)")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="CP-SAT workers per run (engine cpsat; default cores // processes)")
    ] = None,
    ray: Annotated[str | None, typer.Option(
        "--ray", help="run on Ray: 'local' or a cluster address (pip install placement[ray])")
    ] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="override a value in every run, e.g. solver.time_limit=20")] = None,
    results: Annotated[bool, typer.Option(
        help="write each run's result folder under OUT/runs/")] = True,
    lang: Lang = None,
) -> None:
    """Solve a grid of scenario variants; one row each, and a trade-off chart.

    Writes rows.csv (and rows.parquet with pyarrow), chart.html with the Pareto
    front, sweep.json, and each run's result folder under runs/."""
    from placement import api
    from placement.whatif.sweep.ray_backend import RayNotInstalled
    from placement.whatif.sweep.spec import read_sweep

    lg = choose_language(lang)
    try:
        spec = read_sweep(sweep_file)
        for run in spec.runs:
            run.overrides += list(set_ or [])
        folder = out or Path(f"sweep-{sweep_file.stem}")
        outcome = api.sweep(spec, folder, processes=processes, workers=workers, ray=ray,
                            progress=True, keep_results=results, lang=lg)
    except InputError as err:
        _fail_input(err, lg)
    except RayNotInstalled as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(_sweep_report(outcome, spec, lg))
    raise typer.Exit(outcome.exit_code)


def _sweep_report(outcome, spec, lang: str) -> str:
    """A short table of the rows and where the files are, in the user's language."""
    from placement.data.words import say, setting, shown

    rows, chart, meta = outcome.rows, spec.chart, outcome.meta
    cols = [c for c in ("run", "name", "status", chart.x, chart.y, "objective", "penalty",
                        "pareto", "seconds") if c in rows]
    table = rows[cols].apply(lambda col: col.map(lambda v: shown(v, lang)))
    table.columns = [setting("name_" if c == "name" else c, lang) for c in cols]
    lines = [table.to_string(index=False)] if len(rows) else []
    where = ("Ray" if meta["backend"] == "ray"
             else say("processes", lang, n=meta["processes"]))
    lines.append(say("sweep_done", lang,
                     state=say("interrupted", lang) if outcome.interrupted else "",
                     done=meta.get("finished", 0), runs=meta["runs"],
                     seconds=meta.get("wall_seconds", 0), where=where,
                     rows=outcome.out / "rows.csv", chart=outcome.out / "chart.html"))
    return "\n".join(lines)


@app.command()
def serve(
    data_dir: Annotated[Path, typer.Option(
        help="workspace folder: runs, uploaded data sets, saved scenarios, index.sqlite")
    ] = Path("placement-workspace"),
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="do not open the browser")
                          ] = False,
    ray: Annotated[str | None, typer.Option(
        "--ray", help="solve runs on Ray: 'local' or a cluster address (the ray extra)")
    ] = None,
) -> None:
    """The planner's workbench: the page and the HTTP API on 127.0.0.1 (docs/api.md)."""
    from placement.web.ray_runs import RayNotInstalled
    from placement.web.serve import serve as run_server

    try:
        run_server(data_dir, port, browser=not no_browser, ray=ray)
    except RayNotInstalled as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None


register_files(app)
register_bench(app)

if __name__ == "__main__":
    app()
