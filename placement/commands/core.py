"""The work of `validate`, `generate`, `solve`, `plan`, `check`, `why-not`, `calibrate`,
`diff`, `sweep` and `serve`: `cli.py` declares each command's arguments and help and
calls the function of the same name here, with the language flag as given.

Scenarios and data sets are loaded by `placement.api.load_checked`, the one loader of
the command line, the API and the workbench; the data set's and the locks' warnings
are printed once, to stderr. Each function imports what it needs inside its body, as
`cli.py` explains (`placement --help` should not wait for pandas, OR-Tools and HiGHS),
and ends with `typer.Exit` where the command's exit code says more than 0.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from placement.commands.guard import fail
from placement.data.errors import InputError, OutputError, choose_language


def load(scenario: Path, sets: list[str] | None, lang: str):
    """Scenario, data set and the locks' ids, checked together; the data set's warnings
    (columns not read) and the locks' (merged duplicates) printed once, to stderr."""
    from placement import api

    try:
        sc, data, warnings = api.load_checked(scenario, sets or [])
    except InputError as err:
        fail(err, lang)
    for warning in warnings:
        typer.echo(("警告：" if lang == "zh" else "warning: ") + warning.render(lang), err=True)
    return sc, data


def validate(scenario: Path, sets: list[str] | None, lang: str | None) -> None:
    from placement.data.schema import TABLES

    lg = choose_language(lang)
    _, data = load(scenario, sets, lg)
    counts = ("，" if lg == "zh" else ", ").join(
        f"{t.zh if lg == 'zh' else t.name} {len(data.table(t.name))}" for t in TABLES)
    n = len(data.warnings)
    note = "" if not n else (f"（{n} 条警告，见上）" if lg == "zh" else
                             f" ({n} warning{'s' if n > 1 else ''} above)")
    typer.echo(("数据有效" + note + "：" if lg == "zh" else "valid" + note + ": ") + counts)


def generate(profile: str, out: Path, seed: int, xlsx: bool, zh_headers: bool) -> None:
    from placement.generate import PROFILES, write_dataset
    from placement.generate import generate as gen

    if profile not in PROFILES:
        typer.echo(f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}", err=True)
        raise typer.Exit(2)
    tables = gen(profile, seed)
    write_dataset(tables, out, xlsx=xlsx, zh_headers=zh_headers)
    typer.echo(f"wrote {out}: " + ", ".join(f"{k} {len(v)}" for k, v in tables.items()))


def solve(scenario: Path, out: Path, sets: list[str] | None, as_json: bool,
          start: Path | None, alternates: int, alternates_posts: str,
          lang: str | None, prices: bool = False) -> None:
    from placement.roster.result_folder import check_out, lock_folder

    lg = choose_language(lang)
    started = time.perf_counter()
    sc, data = load(scenario, sets, lg)
    # Before any work: an --out that cannot become a result folder, or another solve
    # writing it (the lock is held until the folder is in place).
    check_out(out, [sc.data, scenario, *([start] if start else [])])
    with lock_folder(out):
        _solve(sc, data, out, start, alternates, alternates_posts, as_json, started, lg,
               prices)


def _solve(sc, data, out, start, alternates, alternates_posts, as_json, started, lg,
           prices=False):
    from placement import api
    from placement.explain.alternates import AlternatesError, check_alternates
    from placement.pipeline.run import run_solve

    try:
        baseline = None if start is None else api.read_baseline(start, data)
        scope = (alternates_posts if alternates_posts in ("changed", "all")
                 else [p.strip() for p in alternates_posts.split(",") if p.strip()])
        if alternates:
            check_alternates(sc, scope, data)
        result = run_solve(sc, data, out, progress=not as_json,
                           load_seconds=time.perf_counter() - started, start_from=baseline,
                           start_label=str(start or ""), alternates=alternates,
                           alternates_scope=scope, lang=lg, prices=prices)
    except InputError as err:
        fail(err, lg)
    except AlternatesError as err:
        typer.echo(f"--alternates: {err}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result.summary, ensure_ascii=False, indent=2))
    else:
        typer.echo(result.headline(lg))
    raise typer.Exit(result.exit_code)


def plan(scenario: Path, years: int, out: Path, leaves: Path | None,
         sets: list[str] | None, as_json: bool, lang: str | None,
         locks: Path | None = None) -> None:
    from placement import api
    from placement.data.words import say
    from placement.plan.leaves import read_leaves
    from placement.plan.locks import read_plan_locks
    from placement.plan.tables import plan_summary, stability, year_line

    lg = choose_language(lang)
    sc, data = load(scenario, sets, lg)
    try:
        known = (None if leaves is None else
                 read_leaves(leaves, data, sc.reference_date.year, years))
        given = (None if locks is None else
                 read_plan_locks(locks, data, sc.reference_date.year, years))
    except InputError as err:
        fail(err, lg)

    seen: list = []

    def told(year) -> None:
        seen.append(year)
        if not as_json:
            typer.echo(year_line(year, lg, stability(seen)[-1]
                                 if year.result.roster is not None else None))

    try:
        result = api.plan(sc, data, years, out, leaves=known, on_year=told, lang=lg,
                          locks=given)
    except InputError as err:
        fail(err, lg)
    if as_json:
        typer.echo(json.dumps(plan_summary(result), ensure_ascii=False, indent=2))
    else:
        typer.echo(say("plan_done", lg, years=years, solved=len(result.years),
                       seconds=result.seconds, out=out,
                       stopped="" if result.ok else say("plan_stopped", lg)))
    raise typer.Exit(result.exit_code)


def _load_with_roster(scenario: Path, roster: Path, sets: list[str] | None, lang: str):
    from placement.checker import read_roster

    sc, data = load(scenario, sets, lang)
    try:
        return sc, data, read_roster(roster)
    except InputError as err:
        fail(err, lang)


def check(scenario: Path, roster: Path, sets: list[str] | None, lang: str | None) -> None:
    from placement import api

    lg = choose_language(lang)
    sc, data, table = _load_with_roster(scenario, roster, sets, lg)
    report = api.check(sc, data, table)
    typer.echo(report.render(lg))
    raise typer.Exit(0 if report.ok else 1)


def why_not(scenario: Path, cadre: str, post: str, sets: list[str] | None,
            lang: str | None) -> None:
    from placement import api
    from placement.data.names import resolve_pair
    from placement.data.words import say
    from placement.pipeline.progress import StepView

    lg = choose_language(lang)
    sc, data = load(scenario, sets, lg)
    try:
        cadre, post = resolve_pair(data, cadre, post)
    except InputError as err:
        fail(err, lg)
    with StepView(say("whynot_progress", lg, cadre=cadre, post=post), lg):
        answer = api.why_not(sc, data, cadre, post)
    typer.echo(answer.render(lg))


def calibrate(scenario: Path, roster: Path, sets: list[str] | None, lang: str | None,
              table: str | None) -> None:
    from placement.tools.calibration import TableChoiceError, calibration_table, choose_table
    from placement.tools.calibration import render as render_calibration

    lg = choose_language(lang)
    sc, data, roster_table = _load_with_roster(scenario, roster, sets, lg)
    try:
        published = choose_table(data, table)
    except TableChoiceError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(render_calibration(calibration_table(data, roster_table, sc.reference_date,
                                                    published), lg))


def diff(result_a: Path, result_b: Path, out: Path | None, as_json: bool, limit: int,
         report: bool, lang: str | None) -> None:
    from placement import api

    lg = choose_language(lang)
    try:
        d = api.diff(result_a, result_b)
    except InputError as err:
        fail(err, lg)
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
    from placement import api
    from placement.export.report.diff_report import write_diff_report

    results = [api.read_result(r) for r in (result_a, result_b)]
    names = {p: f"{t}{ti}" for r in results if r.roster is not None
             for p, t, ti in zip(r.roster["post_id"], r.roster["team_name"], r.roster["title"],
                                 strict=True)}
    content = "en" if lang and lang.lower().startswith("en") else "zh"
    paths = write_diff_report(d, folder, content, names,
                              tuple(r.summary.get("settings") for r in results))
    typer.echo(("已写入 " if lg == "zh" else "wrote ") + ", ".join(str(p) for p in paths),
               err=True)


def sweep(sweep_file: Path, out: Path | None, processes: int | None, workers: int | None,
          ray: str | None, sets: list[str] | None, results: bool, lang: str | None) -> None:
    from placement import api
    from placement.whatif.sweep.ray_backend import RayNotInstalled
    from placement.whatif.sweep.spec import read_sweep

    lg = choose_language(lang)
    try:
        spec = read_sweep(sweep_file)
        for run in spec.runs:
            run.overrides += list(sets or [])
        folder = out or Path(f"sweep-{sweep_file.stem}")
        outcome = api.sweep(spec, folder, processes=processes, workers=workers, ray=ray,
                            progress=True, keep_results=results, lang=lg)
    except InputError as err:
        fail(err, lg)
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


def serve(data_dir: Path, port: int, no_browser: bool, ray: str | None,
          lang: str | None = None) -> None:
    from placement.web.ray_runs import RayNotInstalled
    from placement.web.serve import serve as run_server

    try:
        run_server(data_dir, port, browser=not no_browser, ray=ray)
    except RayNotInstalled as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    except OutputError as err:  # the port is in use: said before any address is printed
        fail(err, choose_language(lang))
