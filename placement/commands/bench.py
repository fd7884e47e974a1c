"""`placement bench`: a thin typer command over `placement.tools.bench` (`--suite
solvers`, the default) and `placement.tools.interactive` (`--suite interactive`).

`--suite interactive` prints one table (instance, question, samples, cold and warm
medians, warm/cold, warm against the instance's cold first proposal, whether the answers
are the same, whether the independent checker passed every warm roster, peak memory,
with `--through web` the median through the workbench's HTTP API and its samples, a
note; the first proposal's note gives the warm build's share) and writes it to `--out`
as interactive.csv and interactive.json.
`--suite solvers` prints one table (instance, vacancies, pairs, solver, build, solve,
total, status, objective, bound, gap, gap to the LP bound, ours/HiGHS ratios, peak
memory, whether the independent checker passed `ours`'s rosters) and writes it to
`--out` as bench.csv and bench.json, atomically. The modules it uses are imported inside
the command so `placement --help` stays fast (cli.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("bench")(bench)


def _num(v, fmt: str) -> str:
    return "–" if v is None else format(v, fmt)


def _said(checked: bool | None) -> str:
    """The checker's word in a table cell: – where no roster was checked."""
    return "–" if checked is None else "yes" if checked else "NO"


def bench(
    sizes: Annotated[str, typer.Option(
        help="comma-separated generator profiles: linfen, province2, province4, province8, "
             "province, scale60")] = "linfen,province2",
    repeat: Annotated[int, typer.Option(min=1, help="solves per solver and size (medians)")] = 3,
    gap: Annotated[float, typer.Option(help="relative gap at which both solvers stop")] = 0.0,
    time_limit: Annotated[float, typer.Option(help="seconds per solve")] = 600.0,
    seed: Annotated[int, typer.Option()] = 7,
    solvers: Annotated[str, typer.Option(help="ours, highs, lp")] = "ours,highs,lp",
    cache: Annotated[Path, typer.Option(help="where generated instances are kept")] = Path(
        "bench/instances"),
    out: Annotated[Path, typer.Option(help="folder for the result tables")] = Path(
        "bench/results"),
    suite: Annotated[str, typer.Option(
        help="solvers: ours against HiGHS and the LP; interactive: a planner's questions, "
             "warm against cold")] = "solvers",
    pairs: Annotated[int, typer.Option(min=1, help="interactive: why-not pairs")] = 10,
    posts: Annotated[int, typer.Option(min=1, help="interactive: posts asked for "
                                                   "alternates")] = 10,
    whole: Annotated[bool, typer.Option("--whole/--no-whole", help=(
        "interactive: also the whole roster's alternates (long on the province)"))] = True,
    through: Annotated[str, typer.Option(help=(
        "interactive: process (in this process), or web: also through the HTTP API of a "
        "placement serve started for it, beside"))] = "process",
    web_samples: Annotated[int, typer.Option(min=1, help="interactive --through web: "
                                                         "samples per question")] = 5,
) -> None:
    """Benchmark the project's solver against HiGHS on the same model, side by side; or
    (`--suite interactive`) a planner's questions answered warm and cold."""
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from placement.data import atomic
    from placement.generate import PROFILES
    from placement.tools.bench import SOLVERS
    from placement.tools.bench import bench as run_bench

    profiles = [p.strip() for p in sizes.split(",") if p.strip()]
    chosen = tuple(s.strip() for s in solvers.split(",") if s.strip())
    bad = [p for p in profiles if p not in PROFILES] + [s for s in chosen if s not in SOLVERS]
    if suite not in ("solvers", "interactive"):
        bad.append(suite)
    if through not in ("process", "web"):
        bad.append(through)
    if bad:
        typer.echo(f"unknown size, solver or suite: {', '.join(bad)}", err=True)
        raise typer.Exit(2)
    console = Console(stderr=True)
    if suite == "interactive":
        _interactive(profiles, cache, out, seed, repeat, pairs, posts, whole, time_limit,
                     console, web_samples if through == "web" else 0)
        return

    def on_run(r) -> None:
        console.print(f"{r.instance} {r.solver}: {r.status} {_num(r.objective, '.1f')} "
                      f"in {r.total:.2f} s (solve {r.solve:.2f} s)")

    rows = run_bench(profiles, cache, seed=seed, repeat=repeat, time_limit=time_limit,
                     gap=gap, solvers=chosen, on_run=on_run)
    frame = pd.DataFrame([r.__dict__ for r in rows])
    atomic.write_csv(out / "bench.csv", frame)
    atomic.write_json(out / "bench.json", {"gap": gap, "repeat": repeat, "seed": seed,
                                           "rows": frame.to_dict("records")})
    table = Table(title=f"placement bench (medians of {repeat}; gap {gap:g})")
    for col in ("instance", "vacancies", "pairs", "solver", "build s", "solve s", "total s",
                "status", "objective", "bound", "gap", "gap to LP", "ratio total",
                "ratio solve", "peak MiB", "checked"):
        table.add_column(col, justify="left" if col in ("instance", "solver", "status",
                                                        "checked") else "right")
    killed = {r.instance for r in rows if r.solver == "highs" and r.status == "killed"}
    for r in rows:
        # Against a HiGHS run killed at its cap, the ratio is an upper bound.
        bound = "<" if r.instance in killed else ""
        table.add_row(r.instance, str(r.vacancies), str(r.pairs), r.solver,
                      f"{r.build:.2f}", f"{r.solve:.2f}", f"{r.total:.2f}", r.status,
                      _num(r.objective, ".0f"), _num(r.bound, ".0f"), _num(r.gap, ".4%"),
                      _num(r.gap_to_lp, ".4%"),
                      bound * (r.ratio_total is not None) + _num(r.ratio_total, ".2f"),
                      bound * (r.ratio_solve is not None) + _num(r.ratio_solve, ".2f"),
                      f"{r.peak_mib:.0f}", _said(r.checked))
    Console(width=200).print(table)


def _interactive(profiles, cache: Path, out: Path, seed: int, repeat: int, pairs: int,
                 posts: int, whole: bool, time_limit: float, console, web: int) -> None:
    """`web`: samples per question through the HTTP API (0: not asked there)."""
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from placement.data import atomic
    from placement.tools.interactive import interactive, interactive_web

    rows = []
    for p in profiles:
        mine = interactive(p, cache, seed=seed, repeat=repeat, pairs=pairs, posts=posts,
                           whole=whole, time_limit=time_limit, on_step=console.print)
        if web:
            mine = interactive_web(p, cache, seed, web, time_limit, mine, console.print)
        rows += mine
    frame = pd.DataFrame([r.__dict__ for r in rows])
    atomic.write_csv(out / "interactive.csv", frame)
    atomic.write_json(out / "interactive.json", {"repeat": repeat, "seed": seed,
                                                 "pairs": pairs, "posts": posts,
                                                 "whole": whole, "web_samples": web,
                                                 "rows": frame.to_dict("records")})
    table = Table(title=f"placement bench --suite interactive (medians; repeat {repeat})")
    for col in ("instance", "question", "samples", "cold s", "warm s", "warm/cold",
                "÷ cold proposal", "same", "checked", "peak MiB", "web s", "note"):
        table.add_column(col, justify="left" if col in ("instance", "question", "same",
                                                        "checked", "note") else "right")
    for r in rows:
        table.add_row(r.instance, r.question, str(r.samples), _num(r.cold, ".2f"),
                      _num(r.warm, ".2f"), _num(r.ratio, ".2f"), _num(r.vs_proposal, ".2f"),
                      "–" if r.cold is None else "yes" if r.same else "NO",
                      _said(r.checked), _num(r.peak_mib, ".0f"),
                      _num(r.web, ".2f") + (f" ({r.web_samples})" if r.web_samples else ""),
                      r.note)
    Console(width=200).print(table)
