"""What a run does in its worker process: load, solve, write the result folder, and
report its stages on a queue (`solve_in_process`), with the events it puts there.

Why a module of its own: the three places a run can go (a spawned process,
`placement.web.runner`; the warm worker, `placement.web.warm_worker`; a Ray actor,
`placement.web.ray_runs`) all run this, and the runner dispatches to the other two: kept
here, none of them imports another that imports it back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace

from placement.data.errors import InputError, Problem, shown_place

POLL = 0.25  # seconds between looks at a worker's queue


# Lock kind -> how its reason reads on a roster line, Chinese and English.
_LOCK_WORDS = {"must": ("锁定任职理由：{reason}", "locked in: {reason}"),
               "forbid": ("不得任（{cadre}）理由：{reason}", "{cadre} locked out: {reason}"),
               "keep": ("保持不变理由：{reason}", "kept as is: {reason}")}


def with_lock_reasons(roster, locks: dict):
    """The roster with each lock's reason appended to the reason columns of the lines it
    concerns: a must or forbid lock's post, a keep lock's post or every post of its team.

    Why here: a scenario's locks carry no reason (the CLI's TOML has none), the page's
    do (`locks` as the workspace keeps them); the planner reads them where the roster
    says why each line is as it is. Lines without a lock reason are left as they are, so
    a run without reasons writes the very roster `placement solve` writes."""
    notes: dict[int, list[tuple[str, str]]] = {}
    post_pos = {p: i for i, p in enumerate(roster["post_id"])}
    team_of = roster["team_id"].to_numpy()
    for kind in ("must", "forbid"):
        for lock in locks.get(kind) or []:
            if lock.get("reason") and lock["post"] in post_pos:
                zh, en = _LOCK_WORDS[kind]
                notes.setdefault(post_pos[lock["post"]], []).append(
                    (zh.format(**lock), en.format(**lock)))
    for ident, reason in (locks.get("keep_reasons") or {}).items():
        lines = ([post_pos[ident]] if ident in post_pos else
                 [i for i, t in enumerate(team_of) if t == ident])
        for i in lines:
            zh, en = _LOCK_WORDS["keep"]
            notes.setdefault(i, []).append((zh.format(reason=reason), en.format(reason=reason)))
    if not notes:
        return roster
    out = roster.copy()
    for i, said in notes.items():
        out.iat[i, out.columns.get_loc("reason_zh")] += "".join("；" + z for z, _ in said)
        out.iat[i, out.columns.get_loc("reason_en")] += "".join("; " + e for _, e in said)
    return out


def problems_json(problems: Iterable[Problem]) -> list[dict]:
    """Each problem (or warning) with where it is (file, sheet, row, column) and its
    message in both languages, as the CLI prints them; the place as messages show it
    (`shown_place`: an ID number in a file name hidden, a 50 MB header by its length)."""
    rows = []
    for p in problems:
        source, _, sheet = (p.source or "").partition("#")
        rows.append({"code": p.code, "file": shown_place(source), "sheet": shown_place(sheet),
                     "row": p.row, "column": shown_place(p.column or ""),
                     "message_zh": p.render("zh"), "message_en": p.render("en")})
    return rows


def failed_event(err: Exception) -> dict:
    """The `failed` event of a worker (a run's or a plan's) that raised: an input error's
    problems with where they are, else the error's type and message."""
    if isinstance(err, InputError):
        return {"stage": "failed", "problems": problems_json(err.problems)}
    return {"stage": "failed", "error": f"{type(err).__name__}: {err}"}


def progress_event(label: str, elapsed: float, best: float, bound: float) -> dict:
    """An engine report as a JSON-safe event: NaN (no roster yet) and an infinite bound
    (HiGHS before its first bound) become null; the gap as the terminal line computes it,
    |bound - best| / max(1, |best|)."""
    best_ = best if math.isfinite(best) else None
    bound_ = bound if math.isfinite(bound) else None
    gap = (abs(bound_ - best_) / max(1.0, abs(best_))
           if best_ is not None and bound_ is not None else None)
    return {"stage": "progress", "level": label, "solve_elapsed": round(elapsed, 2),
            "best": best_, "bound": bound_, "gap": gap}


def solve_in_process(scenario: str, settings: list[str], folder: str, events, cancel,
                     locks: dict | None = None,
                     close_to: tuple[str, str] | None = None,
                     session: Callable | None = None) -> None:
    """The worker process: load, solve, write the result folder; report on `events`.
    `locks`: the page's locks, whose reasons go into the roster's reason columns.
    `close_to`: (roster.csv of an earlier run, its id): the roster to stay close to, as
    `placement solve --from` does (every line changed against it costs `weights.change`);
    summary.json's `from` counts the lines that differ from it. `session(scenario,
    settings)`: the warm worker's kept session, solved in place of a fresh load
    (`placement.web.warm_worker`; the same result)."""
    from placement import api

    try:
        events.put({"stage": "loading"})
        if session is None:
            sc, data = api.load(scenario, settings)
            solve = lambda **options: api.solve(sc, data, **options)  # noqa: E731
        else:
            kept = session(scenario, settings)
            data = kept.data
            solve = lambda **options: api.solve_in(kept, **options)  # noqa: E731
        baseline, label = None, ""
        if close_to is not None:
            label = close_to[1]
            baseline = api.read_baseline(close_to[0], data, label)
        events.put({"stage": "solving"})
        res = solve(cancel=cancel, start_from=baseline, start_label=label,
                    on_progress=lambda *told: events.put(progress_event(*told)))
        events.put({"stage": "writing"})
        if res.roster is not None and locks:
            res = replace(res, roster=with_lock_reasons(res.roster, locks))
        res.write(folder)
        s = res.summary
        events.put({"stage": "finished", "status": res.status.value,
                    "objective": s.get("objective"), "bound": s.get("bound"),
                    "gap": s.get("gap"), "ok": res.ok,
                    "interrupted": res.interrupted})
    except Exception as err:  # reported to the page; the run is marked failed
        events.put(failed_event(err))
