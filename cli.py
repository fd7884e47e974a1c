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

This file declares the commands (arguments, options, help) and nothing else: each
calls the function of its name in `placement.commands.core` (or registers from
`placement.commands.files` / `.bench`), which loads through `placement.api` (the one
loader) and does the work. An import-linter contract in pyproject.toml keeps it so:
cli.py imports only `placement.commands` modules and `placement.api`, five at most.

The modules of `placement.commands` import the package modules they need inside each
function, on purpose: the pipeline pulls in pandas, OR-Tools and HiGHS, and
`placement --help` or a typo should not wait for them (`python -c "import cli"`:
0.10 s this way, about 0.6 s with every command's modules imported at the top).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from placement.commands import core
from placement.commands.bench import register as register_bench
from placement.commands.files import register as register_files
from placement.commands.guard import GuardedTyper

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


@app.command()
def validate(scenario: Path, set_: Sets = None, lang: Lang = None) -> None:
    """Check a scenario and its data set; report every problem with file, row and column."""
    core.validate(scenario, set_, lang)


@app.command()
def generate(
    profile: Annotated[str, typer.Option(help="linfen, nanpiao or province")],
    out: Annotated[Path, typer.Option(help="folder to write the data set to")],
    seed: Annotated[int, typer.Option()] = 7,
    xlsx: Annotated[bool, typer.Option(help="one workbook instead of CSV files")] = False,
    zh_headers: Annotated[bool, typer.Option(help="Chinese column headers")] = False,
) -> None:
    """Write a synthetic data set shaped like the published figures."""
    core.generate(profile, out, seed, xlsx, zh_headers)


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
    prices: Annotated[bool, typer.Option(
        "--prices", help="what each rule costs: every team rule relaxed by one step, "
                         "re-solved and checked (规则代价): prices.csv")] = False,
    lang: Lang = None,
) -> None:
    """Propose a roster and write roster.csv, moves.csv, teams.csv, rules.csv, summary.json."""
    core.solve(scenario, out, set_, as_json, start, alternates, alternates_posts, lang,
               prices)


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
    locks: Annotated[Path | None, typer.Option(
        help="TOML of must / forbid / keep as \\[locks], each with an optional year "
             "(as 2028; without: the whole term)")] = None,
) -> None:
    """A rotation plan: one checked roster per year; plan.csv, timeline.csv, year folders."""
    core.plan(scenario, years, out, leaves, set_, as_json, lang, locks)


@app.command()
def check(scenario: Path, roster: Path, set_: Sets = None, lang: Lang = None) -> None:
    """Independently confirm a roster's hard rules and recompute every target figure."""
    core.check(scenario, roster, set_, lang)


@app.command("why-not")
def why_not(scenario: Path,
            cadre: Annotated[str, typer.Option(help="cadre id or name")],
            post: Annotated[str, typer.Option(help="post id or title")],
            set_: Sets = None, lang: Lang = None) -> None:
    """Why is this cadre not in this post? The excluding rules, or what forcing it costs.
    Cadre and post by id or by a name that matches one (several: exit 3 with the list)."""
    core.why_not(scenario, cadre, post, set_, lang)


@app.command()
def calibrate(scenario: Path, roster: Path, set_: Sets = None, lang: Lang = None,
              table: Annotated[str | None, typer.Option(
                  help="published table: linfen (seed 002) or nanpiao (seed 003); "
                       "default: from the teams' kinds")] = None) -> None:
    """Compare a roster's structure with the figures a seed publishes for a data set of
    its shape (county teams: Linfen, seed 002; section-level teams: Nanpiao, seed 003)."""
    core.calibrate(scenario, roster, set_, lang, table)


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
    core.diff(result_a, result_b, out, as_json, limit, report, lang)


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
        "--ray", help="run on Ray: 'local' or a cluster address (pip install placement\\[ray])")
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
    core.sweep(sweep_file, out, processes, workers, ray, set_, results, lang)


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
    lang: Lang = None,
) -> None:
    """The planner's workbench: the page and the HTTP API on 127.0.0.1 (docs/api.md)."""
    core.serve(data_dir, port, no_browser, ray, lang)


register_files(app)
register_bench(app)

if __name__ == "__main__":
    app()
