"""`placement diff` and `placement sweep`: thin typer commands over `placement.api`.

Why a module of its own: the commands only parse options, call the API
(`api.diff`, `api.sweep`) and print; the work and its tests live in
`placement.whatif.diff` and `placement.whatif.sweep.local`. `cli.py` calls `register(app)`.

Exit codes: 0 done; 1 a sweep run failed or a roster failed the checker; 2 usage
error (e.g. Ray not installed); 3 invalid input; 130 a sweep interrupted by Ctrl-C
(the finished rows are written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from placement.data.errors import InputError, choose_language

Lang = Annotated[str | None, typer.Option("--lang", help="zh or en (default: from the locale)")]


def _fail_input(err: InputError, lang: str) -> None:
    typer.echo(err.render(lang), err=True)
    typer.echo(("输入有误，共 {n} 处。" if lang == "zh" else "{n} problem(s) in the input.")
               .format(n=len(err.problems)), err=True)
    raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
    app.command("sweep")(sweep)


def diff(
    result_a: Annotated[Path, typer.Argument(help="result folder A (from placement solve)")],
    result_b: Annotated[Path, typer.Argument(help="result folder B")],
    out: Annotated[Path | None, typer.Option(
        help="also write summary/posts/moves/structure/rules CSV files and diff.json here")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print diff.json, not tables")] = False,
    limit: Annotated[int, typer.Option(help="rows shown per long table")] = 40,
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
    if as_json:
        typer.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(d.render(lg, limit=limit), nl=False)


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
                            progress=True, keep_results=results)
    except InputError as err:
        _fail_input(err, lg)
    except RayNotInstalled as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(_report(outcome, spec))
    raise typer.Exit(outcome.exit_code)


def _report(outcome, spec) -> str:
    """A short table of the rows and where the files are."""
    rows, chart, meta = outcome.rows, spec.chart, outcome.meta
    cols = [c for c in ("run", "name", "status", chart.x, chart.y, "objective", "penalty",
                        "pareto", "seconds") if c in rows]
    lines = [rows[cols].to_string(index=False)] if len(rows) else []
    state = "interrupted: " if outcome.interrupted else ""
    where = "Ray" if meta["backend"] == "ray" else f"{meta['processes']} process(es)"
    lines.append(
        f"{state}{meta.get('finished', 0)} of {meta['runs']} runs in "
        f"{meta.get('wall_seconds', 0):.1f}s ({where}); rows in {outcome.out / 'rows.csv'}, "
        f"chart in {outcome.out / 'chart.html'}")
    return "\n".join(lines)
