"""`placement bench`: the project's solver against HiGHS on the same model, side by side.

Why: how fast a planner gets an answer decides whether what-if planning happens at
all, and "fast" means nothing without the peer on the same machine, the same
instance and the same proven gap. Each instance comes from the project's generator
(`linfen`, `province2`, `province4`, `province8`, `province`), written once to a
cache folder so that load time counts as it does for a planner. Each solve runs in
a fresh process (so that one solver's memory and caches do not favour the next)
and the processes run one after another, not at once: two of them would share the
machine's two cores. Solvers:

- `ours`: the whole pipeline of `placement solve` (load, eligibility, model, solve:
  `run.propose`), engine and settings as shipped.
- `highs`: the same CP-SAT model (same load, eligibility and build), read as a MIP
  and handed to HiGHS with its default settings.
- `lp`: the LP relaxation of that MIP (HiGHS's interior point method, without
  crossover or presolve: 65 s on the `scale60` instance, where simplex had not
  finished in 600 s; its optimum holds to HiGHS's 1e-8 relative tolerance): the
  bound no roster can beat,
  the quality limit of the table.

Times are medians over `repeat` runs; the ratio column is ours / HiGHS on the median
total (load to solved), and on solve time alone.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing as mp
import resource
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from models.builder import build as build_model
from models.objective import set_objective, weighted
from placement.checker import check_roster
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario, scenario_text
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.generate import generate, write_dataset
from placement.pipeline.propose import propose
from placement.pipeline.run import count_vacancies
from placement.solver.highs import highs_model, mip_arrays

SOLVERS = ("ours", "highs", "lp")
LP_OPTIONS = {"solver": "ipm", "run_crossover": "off", "presolve": "off"}


@dataclass
class Run:
    instance: str
    solver: str
    vacancies: int
    pairs: int
    load: float
    build: float  # eligibility + model (+ the MIP translation for `highs`/`lp`)
    solve: float
    status: str
    objective: float | None
    bound: float | None
    peak_mib: float
    checked: bool | None = None  # `ours` only: `checked` of its roster

    @property
    def total(self) -> float:
        return self.load + self.build + self.solve


def instance_folder(profile: str, seed: int, cache: Path, time_limit: float, gap: float) -> Path:
    """The generated data set and its scenario file, written once per (profile, seed)."""

    folder = cache / f"{profile}-{seed}"
    if not (folder / "cadres.csv").is_file():
        write_dataset(generate(profile, seed), folder)
    (folder / "bench.toml").write_text(scenario_text({
        "name": f"bench {profile} (seed {seed})", "data": ".",
        "reference_date": dt.date(2026, 9, 1), "objective": "weighted",
        "solver": {"time_limit": time_limit, "relative_gap": gap}}), encoding="utf-8")
    return folder


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_seconds(times: dict) -> float:
    """A proposal's set-up before the search (`Proposal.times`): eligibility + model."""
    return times["eligibility"] + times["build"]


def checked(prop) -> bool | None:
    """The independent checker's word on a proposal (None: no roster): True when its
    roster breaks no hard rule and the checker's own objective (docs/rules.md) equals the
    solver's. Why: a faster answer counts only while it is still right, so every timed
    roster is checked, after its timing."""
    if prop.roster is None or prop.outcome is None:
        return None
    report = check_roster(prop.scenario, prop.data, prop.roster)
    objective = report.objective_terms(prop.roster.set_index("post_id")["fit"])["objective"]
    return report.ok and math.isclose(objective, prop.outcome.objective, rel_tol=1e-9,
                                      abs_tol=1e-6)


def run_one(folder: str, solver: str) -> dict:
    """One solve in this (fresh) process; see the module docstring for the solvers."""

    t0 = time.perf_counter()
    sc = load_scenario(Path(folder) / "bench.toml")
    data = load_dataset(sc.data, sc.reference_date)
    load = time.perf_counter() - t0

    vacancies = count_vacancies(data)
    if solver == "ours":
        prop = propose(sc, data, explain=False)
        o = prop.outcome
        build = build_seconds(prop.times)
        return asdict(Run(Path(folder).name, solver, vacancies, len(prop.pairs), load, build,
                          prop.times["solve"], o.status.value if o else "infeasible",
                          o.objective if o else None, o.bound if o else None, peak_mib(),
                          checked(prop)))

    t0 = time.perf_counter()
    facts = compute_facts(data, sc.reference_date)
    pairs = eligible_pairs(data, sc, facts)
    pl = build_model(data, sc, facts, pairs)
    set_objective(pl, weighted(pl))
    m = mip_arrays(pl.model.proto)
    options = {"time_limit": sc.solver.time_limit}
    if solver == "highs":
        options["mip_rel_gap"] = max(sc.solver.relative_gap, 1e-9)
    else:  # with presolve on, IPM without crossover ends "unknown" (no basis to postsolve)
        options |= LP_OPTIONS
    h = highs_model(m, options, integer=solver == "highs")
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    h.run()
    solve = time.perf_counter() - t0
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus()).lower()
    objective = m.scale * info.objective_function_value
    if solver == "highs":
        bound = m.scale * info.mip_dual_bound
    else:  # an LP stopped early holds no bound, nor a roster
        bound = objective if status == "optimal" else None
        objective = bound
    return asdict(Run(Path(folder).name, solver, vacancies, len(pairs), load, build, solve,
                      status, objective, bound, peak_mib()))


def _child(folder: str, solver: str, conn) -> None:
    conn.send(run_one(folder, solver))
    conn.close()


def wall_cap(time_limit: float) -> float:
    """Seconds after which a solve's process is killed: its time limit plus room for
    loading and building. Why: HiGHS checks its time limit only once its set-up is done,
    and that set-up alone ran past 600 s on the `scale60` instance (docs/solver.md)."""
    return time_limit + max(60.0, 0.25 * time_limit)


def in_fresh_process(folder: Path, solver: str, cap: float) -> Run:
    """One solve in a spawned process, killed after `cap` seconds: a solver that does
    not stop in time is reported as `killed`, with the seconds it was given."""
    ctx = mp.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(folder), solver, send))
    started = time.perf_counter()
    proc.start()
    send.close()
    answer, status = None, "killed"
    if receive.poll(cap):
        try:
            answer = receive.recv()
        except EOFError:  # the process died without an answer
            status = "failed"
    if answer is None:
        proc.kill()
        proc.join()
        return Run(folder.name, solver, 0, 0, 0.0, 0.0, time.perf_counter() - started,
                   status, None, None, 0.0)
    proc.join()
    return Run(**answer)


@dataclass
class Row:
    """One instance and solver: medians over the repeats."""

    instance: str
    solver: str
    vacancies: int
    pairs: int
    build: float
    solve: float
    total: float
    status: str
    objective: float | None
    bound: float | None
    gap: float | None  # against the solver's own bound
    lp_bound: float | None
    gap_to_lp: float | None  # against the LP bound: a certificate independent of the solver
    ratio_total: float | None  # ours / highs
    ratio_solve: float | None
    peak_mib: float
    runs: int
    checked: bool | None = None  # every run's roster passed `checked` (None: not checked)


def _all_checked(runs: list[Run]) -> bool | None:
    """False when any run's roster failed the checker, None when none was checked."""
    said = [r.checked for r in runs if r.checked is not None]
    return all(said) if said else None


def _gap(objective, bound) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))


def summarise(runs: list[Run]) -> list[Row]:
    """Medians per (instance, solver), with the LP bound and the ours/HiGHS ratios."""
    rows: list[Row] = []
    for inst in dict.fromkeys(r.instance for r in runs):
        mine = [r for r in runs if r.instance == inst]
        lp = [r.objective for r in mine if r.solver == "lp" and r.status == "optimal"]
        lp_bound = lp[0] if lp else None
        med: dict[str, dict] = {}
        for solver in SOLVERS:
            rs = [r for r in mine if r.solver == solver]
            if rs:
                med[solver] = {k: statistics.median(getattr(r, k) for r in rs)
                               for k in ("build", "solve", "total", "peak_mib")} | {"runs": rs}
        for solver, m in med.items():
            last = m["runs"][-1]
            ratio = solver == "ours" and "highs" in med
            rows.append(Row(
                inst, solver, max(r.vacancies for r in mine), max(r.pairs for r in mine),
                m["build"], m["solve"], m["total"],
                last.status, last.objective, last.bound, _gap(last.objective, last.bound),
                lp_bound, _gap(last.objective, lp_bound) if solver != "lp" else None,
                m["total"] / med["highs"]["total"] if ratio else None,
                m["solve"] / med["highs"]["solve"] if ratio else None,
                m["peak_mib"], len(m["runs"]), _all_checked(m["runs"])))
    return rows


def bench(profiles: list[str], cache: Path, seed: int = 7, repeat: int = 3,
          time_limit: float = 600.0, gap: float = 0.0, solvers=SOLVERS,
          on_run=None) -> list[Row]:
    """Run every solver `repeat` times on every profile's instance, one process per
    solve, alternating the solvers within each repeat (so that a slow spell of the
    machine hits them alike). `on_run(run)` after each solve."""
    runs: list[Run] = []
    for profile in profiles:
        folder = instance_folder(profile, seed, cache, time_limit, gap)
        for _ in range(repeat):
            for solver in solvers:
                run = in_fresh_process(folder, solver, wall_cap(time_limit))
                runs.append(run)
                if on_run:
                    on_run(run)
    return summarise(runs)
