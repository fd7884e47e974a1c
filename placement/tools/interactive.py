"""`placement bench --suite interactive`: the questions a planner clicks, warm against
cold, side by side in one process (issue 16).

Why: on the workbench the time that matters is the answer to the next question, not the
first proposal. Each question is answered twice on the same instance:
- cold, today's path with nothing kept: the scenario proposed again (`propose`), then
  the question (a what-if is a new proposal; why-not is `questions.why_not` without a
  proposal, as `api.why_not` calls it; alternates are `find_alternates` on a new
  proposal);
- warm, on a `placement.pipeline.warm.Session` opened beforehand (not timed): the kept
  proposal, its re-solve set-up and its HiGHS instances.
Both answers are compared (`same`: equal objectives, exactly) so that a gain never
hides a different answer, and every warm roster of a proposal or a what-if is handed to
the independent checker after its timing (`checked`: `bench.checked`).

Questions, each a row with medians over its samples:
- first proposal: `propose` (cold) and a new `Session` (warm), `repeat` times;
- what-if: each of `WHAT_IFS` asked once in each of `repeat` sessions (the median over
  settings and repeats), and asked again in the same session (`what-if again`: the
  kept answer); then a row per setting (`what-if: …`, medians over the repeats), with
  the issue's lock what-ifs (`lock_what_ifs`: a forbid, a must lock) asked after them;
- why-not: `pairs` eligible pairs not in the proposal, seeded;
- alternates: K=2 for each of `posts` changed posts, seeded;
- alternates for the whole roster (`whole`): K=2 for every changed post, once (on the
  province it is long, so it can be left out; then it has no row).
Each row also carries its warm median against the instance's cold first proposal
(`vs_proposal`: the issue's "ratios against the cold solve") and the process's peak
memory after the instance (`peak_mib`: a process-wide high-water mark, so an instance
run after a larger one shows the larger one's peak). The first-proposal row carries the
warm proposals' set-up (`build`: eligibility + model, as the solvers suite counts it)
and its share of their whole time (`build_share`; the issue's province target: ≤ 10 %).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario, override_scenario
from placement.explain.alternates import find_alternates
from placement.pipeline.propose import propose
from placement.pipeline.questions import why_not
from placement.pipeline.warm import Session
from placement.tools.bench import build_seconds, checked, instance_folder, peak_mib
from placement.tools.web_bench import through_web

# The one-rule what-ifs: a target's size, a rule switched off, a weight, a rule
# made hard, a one-figure rule switched off.
WHAT_IFS = ("rules.R-TC5.min_women=3", "rules.R-TC8.mode=off", "weights.move=200",
            "rules.R-TC5.mode=hard", "rules.R-TC10.mode=off")
K = 2  # alternates per post


@dataclass
class Row:
    instance: str
    question: str
    samples: int
    cold: float | None  # median seconds
    warm: float | None
    ratio: float | None  # warm / cold
    same: bool  # every warm answer's objective equals the cold one's
    checked: bool | None = None  # every warm roster passed the checker (`bench.checked`)
    vs_proposal: float | None = None  # warm / the instance's cold first proposal
    peak_mib: float | None = None  # the process's peak resident memory after the instance
    build: float | None = None  # first proposal only: median warm set-up seconds
    build_share: float | None = None  # build / warm
    note: str = ""
    web: float | None = None  # median seconds through the workbench's HTTP API
    web_samples: int = 0


def _timed(f: Callable):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _row(instance: str, question: str, cold: list[float], warm: list[float], same: bool,
         note: str = "", checked: list[bool | None] = ()) -> Row:
    """Medians of the samples; `vs_proposal` and `peak_mib` are set once the instance
    is done (`_finish`). `checked`: the checker's word on each warm roster, if asked."""
    c = statistics.median(cold) if cold else None
    w = statistics.median(warm) if warm else None
    said = [k for k in checked if k is not None]
    return Row(instance, question, max(len(cold), len(warm)), c, w, _ratio(w, c), same,
               all(said) if said else None, note=note)


def _finish(rows: list[Row]) -> list[Row]:
    """Every row of one instance against its cold first proposal (the first row), and
    the process's peak memory now that the instance is done."""
    proposal, peak = rows[0].cold, peak_mib()
    for r in rows:
        r.vs_proposal, r.peak_mib = _ratio(r.warm, proposal), peak
    return rows


def _objective(prop) -> float | None:
    return prop.outcome.objective if prop.outcome is not None else None


def interactive(profile: str, cache: Path, seed: int = 7, repeat: int = 3, pairs: int = 10,
                posts: int = 10, whole: bool = True, time_limit: float = 600.0,
                on_step: Callable[[str], None] | None = None) -> list[Row]:
    """Every question of the module docstring on one generated instance, in this process."""
    say = on_step or (lambda _: None)
    folder = instance_folder(profile, seed, cache, time_limit, 0.0)
    sc = load_scenario(folder / "bench.toml")
    data = load_dataset(sc.data, sc.reference_date)
    name = folder.name
    rows = []

    cold, warm, same, sessions, ok = [], [], True, [], []
    for _ in range(repeat):
        t, prop = _timed(lambda: propose(sc, data, explain=False))
        cold.append(t)
        t, session = _timed(lambda: Session(sc, data))
        warm.append(t)
        sessions.append(session)
        same &= _objective(prop) == _objective(session.base)
        ok.append(checked(session.base))
    proposal = _row(name, "first proposal", cold, warm, same, checked=ok)
    proposal.build = statistics.median(build_seconds(s.base.times) for s in sessions)
    proposal.build_share = proposal.build / proposal.warm
    proposal.note = (f"warm: a new Session; its build (eligibility + model) "
                     f"{proposal.build:.2f} s = {proposal.build_share:.0%} of it")
    rows.append(proposal)
    say(f"{name}: first proposal")

    locks = lock_what_ifs(sessions[0].base, seed)
    cold, warm, again, cold_first, same, same_again, kinds = [], [], [], [], True, True, {}
    each = {setting: ([], [], True, []) for setting in (*WHAT_IFS, *locks)}
    ok = []
    for session in sessions:
        first = None
        for setting in (*WHAT_IFS, *locks):
            before = dict(session.mip.counts)
            t_warm, w = _timed(lambda s=setting, ses=session: ses.what_if(s))
            for k, v in session.mip.counts.items():
                kinds[k] = kinds.get(k, 0) + v - before[k]
            t_cold, c = _timed(lambda s=setting: propose(override_scenario(sc, [s]), data,
                                                         explain=False))
            alike = _objective(w) == _objective(c)
            cs, ws, both, said = each[setting]
            each[setting] = (cs + [t_cold], ws + [t_warm], both and alike, said + [checked(w)])
            if setting not in WHAT_IFS:
                continue
            ok.append(each[setting][3][-1])
            warm.append(t_warm)
            cold.append(t_cold)
            same &= alike
            if first is None:
                first = _objective(c)
                cold_first.append(t_cold)
        t, w = _timed(lambda s=session: s.what_if(WHAT_IFS[0]))
        again.append(t)
        same_again &= _objective(w) == first
    note = "block solves: " + ", ".join(f"{k} {v}" for k, v in kinds.items())
    rows.append(_row(name, f"what-if ({len(WHAT_IFS)} settings)", cold, warm, same, note, ok))
    rows.append(_row(name, "what-if asked again", cold_first, again, same_again,
                     "the kept proven answer, no search"))
    for setting, (cs, ws, both, said) in each.items():
        label = locks.get(setting, setting)
        rows.append(_row(name, f"what-if: {label}", cs, ws, both,
                         setting if setting in locks else "", said))
    say(f"{name}: what-ifs")

    session = sessions[0]
    base = session.base
    chosen = np.zeros(len(base.pairs), dtype=bool)
    chosen[base.outcome.chosen] = True
    free = np.flatnonzero(~chosen)
    picked = np.random.default_rng(seed).choice(free, min(pairs, len(free)), replace=False)
    cadre_ids, post_ids = data.cadres["cadre_id"].to_numpy(), data.posts["post_id"].to_numpy()
    cold, warm, same = [], [], True
    for i in picked.tolist():
        asked = (cadre_ids[base.pairs.cadre[i]], post_ids[base.pairs.post[i]])
        t, w = _timed(lambda a=asked: session.why_nots([a])[0])
        warm.append(t)
        t, c = _timed(lambda a=asked: why_not(sc, data, *a))
        cold.append(t)
        same &= w.objective_after == c.objective_after
    rows.append(_row(name, "why-not (one pair)", cold, warm, same,
                     "cold: proposal solved again, as api.why_not"))
    say(f"{name}: why-not")

    changed = base.roster[base.roster["change"] != "stay"]["post_id"].to_numpy()
    wanted = np.random.default_rng(seed).choice(changed, min(posts, len(changed)),
                                                replace=False)
    cold, warm, same = [], [], True
    for post in wanted.tolist():
        t, w = _timed(lambda p=post: session.alternates(K, [p]))
        warm.append(t)
        t, c = _timed(lambda p=post: find_alternates(propose(sc, data, explain=False), K, [p]))
        cold.append(t)
        same &= w.table["objective"].tolist() == c.table["objective"].tolist()
    rows.append(_row(name, f"alternates (one post, K={K})", cold, warm, same,
                     "cold: proposal solved again"))
    say(f"{name}: alternates")

    if whole:
        t, w = _timed(lambda: session.alternates(K, "changed"))
        t_cold, c = _timed(lambda: find_alternates(propose(sc, data, explain=False), K,
                                                   "changed"))
        summary = w.summary()
        routes = ", ".join(f"{k} {v}" for k, v in summary["routes"].items())
        rows.append(_row(name, f"alternates (whole roster, K={K})", [t_cold], [t],
                         w.table["objective"].tolist() == c.table["objective"].tolist(),
                         f"{summary['posts']} posts, {summary['alternates']} alternates; "
                         f"routes: {routes}; cold: proposal solved again"))
        say(f"{name}: whole-roster alternates")
    return _finish(rows)


def lock_what_ifs(base, seed: int) -> dict[str, str]:
    """The issue's lock what-ifs on the proposal `base`, {setting: label}: a forbid of
    its first changed line, and a must lock on a seeded eligible pair it did not
    propose, on a vacant post."""
    data, pairs = base.data, base.pairs
    cadre_ids, post_ids = data.cadres["cadre_id"].to_numpy(), data.posts["post_id"].to_numpy()
    line = base.roster[base.roster["change"] != "stay"].iloc[0]
    chosen = np.zeros(len(pairs), dtype=bool)
    chosen[base.outcome.chosen] = True
    free = np.flatnonzero(~chosen & ~pairs.own & (base.facts.p_incumbent[pairs.post] < 0))
    i = int(np.random.default_rng(seed).choice(free))
    return {f'locks.forbid=[{{cadre="{line.cadre_id}", post="{line.post_id}"}}]': "a forbid",
            f'locks.must=[{{cadre="{cadre_ids[pairs.cadre[i]]}", '
            f'post="{post_ids[pairs.post[i]]}"}}]': "a lock"}


# The web suite's questions (`placement.tools.web_bench`) beside the rows asking the same
# in this process; the others get rows of their own.
WEB_BESIDE = {"first run": "first proposal", "what-if run": f"what-if ({len(WHAT_IFS)} settings)",
              "why-not": "why-not (one pair)", "alternates": f"alternates (one post, K={K})"}
WEB_NOTES = {"first run": "web: the server's first run (the worker starts and reads the data)",
             "what-if run": "web: POST /runs to the end of its events, result folder written",
             "candidates": "web only: GET /candidates of a run (no solve)",
             "try": "web only: GET /try of a run (no solve)"}


def interactive_web(profile: str, cache: Path, seed: int = 7, samples: int = 5,
                    time_limit: float = 600.0, rows: list[Row] | None = None,
                    on_step: Callable[[str], None] | None = None) -> list[Row]:
    """The questions through a running `placement serve` (`web_bench.through_web`) on
    the instance, each median set beside its in-process row of `rows` (`web`)."""
    folder = instance_folder(profile, seed, cache, time_limit, 0.0)
    times = through_web(folder / "bench.toml", WHAT_IFS, seed, samples, on_step)
    rows = list(rows or [])
    by_question = {r.question: r for r in rows if r.instance == folder.name}
    for asked, seconds in times.items():
        row = by_question.get(WEB_BESIDE.get(asked, asked))
        if row is None:
            row = Row(folder.name, asked, 0, None, None, None, True)
            rows.append(row)
        row.web, row.web_samples = statistics.median(seconds), len(seconds)
        if asked in WEB_NOTES:
            row.note = "; ".join(x for x in (row.note, WEB_NOTES[asked]) if x)
    return rows
