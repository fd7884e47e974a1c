"""What every router of the workbench shares: the workspace, the runner, the session
token, the scenarios it knows, and the loading and lookups that turn a request's
references (a scenario name, a run id, a cadre or post id) into objects or into the
HTTP error the page shows (Chinese and English words)."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import HTTPException

from placement import api
from placement.data.errors import InputError
from placement.web import names as naming
from placement.web.ray_runs import NOT_ASKED
from placement.web.run_process import problems_json
from placement.web.runner import Runner, result_folder
from placement.web.schemas import Refusal
from placement.web.warm_worker import Failed, Missing, data_files
from placement.web.workspace import DamagedRecord, Workspace

# What each refusal means, for the OpenAPI description (`answers`).
REASONS = {
    400: "a malformed request: a body that is no JSON, a Last-Event-ID or Content-Length "
         "that is no whole number, or a Host that is not this server's",
    403: "no X-CSRF-Token, or not this session's (every write carries it)",
    404: "no such scenario, run, plan, cadre, post or table",
    409: "not possible now: a name taken, a run or plan not finished (or finished), a run "
         "of another data set, a damaged history row",
    411: "a chunked body without a Content-Length",
    413: "a body over the size limit (1 MiB; an upload 64 MiB)",
    422: "the request does not fit its schema, or what it says cannot be taken: a name or "
         "file name the workspace refuses, nothing chosen to ask of (no scenario, no run), "
         "or input (a scenario, a setting, a data set) with problems, each named with "
         "file, sheet, row and column",
}


def answers(*codes: int, write: bool = False) -> dict:
    """A route's `responses` in the OpenAPI description: its own refusals `codes` and
    the guard's (`placement.web.app.create_app`): 400 on every request (the Host
    check), 403, 411 and 413 on a write. Schemathesis checks that every status code a
    route answers is listed (tests/test_hostile.py)."""
    guard = (400, 403, 411, 413) if write else (400,)
    return {c: {"model": Refusal, "description": REASONS[c]} for c in sorted({*codes, *guard})}

ASK_WAIT = 1.0  # seconds a question waits for the warm worker before it is asked here
_KIND_ZH = {"cadre": "干部", "post": "职位"}


def _told(ask):
    """`ask()`'s answer; an unknown id as a 404, input problems as a 422."""
    try:
        return ask()
    except Missing as err:
        raise fail(404, f"数据中没有{_KIND_ZH[err.kind]} {err.ident}。",
                   f"no {err.kind} {err.ident}") from None
    except Failed as err:
        if "problems" in err.event:
            raise HTTPException(422, {"problems": err.event["problems"]}) from None
        raise


@dataclass
class Context:
    ws: Workspace
    runner: Runner
    token: str
    bundled: Path | None

    # --- scenarios ----------------------------------------------------------------
    def scenarios(self) -> dict[str, tuple[Path, str]]:
        found = {}
        if self.bundled is not None and self.bundled.is_dir():
            found |= {p.stem: (p, "bundled") for p in sorted(self.bundled.glob("*.toml"))}
        found |= {p.stem: (p, "saved")
                  for p in sorted((self.ws.root / "scenarios").glob("*.toml"))
                  if p.stem not in found}
        return found

    def scenario_path(self, ref: str) -> Path:
        known = self.scenarios()
        if ref in known:
            return known[ref][0]
        by_label = {naming.label(p): p for p, _ in known.values()}
        if ref in by_label:  # the name the planner typed (a Chinese one is stored mapped)
            return by_label[ref]
        path = Path(ref)
        if path.suffix == ".toml" and path.is_file():
            return path.resolve()
        raise fail(404, f"没有名为“{ref}”的数据集或方案。", f"no scenario {ref!r}")

    def taken(self, stem: str, shown: str) -> bool:
        """A scenario is stored as `stem` or shown as `shown` already."""
        known = self.scenarios()
        return stem in known or shown in {naming.label(p) for p, _ in known.values()}

    def new_name(self, typed: str) -> tuple[str, str]:
        """The stored (safe) name and the cleaned typed name of a new data set or
        scenario; 422 with Chinese and English words when it is empty or unsafe, 409 when
        it is taken."""
        try:
            shown, stem = naming.clean(typed), naming.stored_name(typed)
        except naming.NameError_ as err:
            raise HTTPException(422, err.detail()) from None
        if self.taken(stem, shown):
            raise HTTPException(409, naming.taken(shown).detail())
        return stem, shown

    def load(self, ref: str, settings: list[str]):
        """Scenario and data set (`api.load`, cached), 422 with the problems."""
        try:
            return cached_load(str(self.scenario_path(ref)), tuple(settings))
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None

    def read_scenario(self, path: Path):
        try:
            return api.read_scenario(path)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None

    # --- questions that re-solve a run's proposal --------------------------------
    def why_not(self, rec, cadre: str, post: str, held: dict[str, str] | None = None):
        """`api.why_not` of the run's scenario, answered by the warm worker. `held`
        (`holders` of the run's roster): the answer only when the worker's proposal is
        that roster, else None (and None when the worker is busy or absent): the caller
        answers of the run's own roster."""
        def cold(sc, data):
            known(data, cadre, post)
            return api.why_not(sc, data, cadre, post) if held is None else None

        return self._asked(rec, "why_not", (cadre, post, held), cold)

    def alternates(self, rec, post: str, k: int):
        """The `k` alternates of `post` in the run's scenario (a table), answered by the
        warm worker."""
        def cold(sc, data):
            known(data, None, post)
            return api.solve(sc, data, alternates=k, alternates_scope=[post]).alternates

        return self._asked(rec, "alternates", (k, post), cold)

    def _asked(self, rec, kind: str, args: tuple, cold):
        """Asked of the warm worker when it is free within `ASK_WAIT` seconds, or on Ray
        of the session's actor when it solves no run (`RayRuns.ask`); else (busy, or the
        server keeps none) `cold(sc, data)` here, as before."""
        warm, ray = self.runner.warm, self.runner.ray
        path = str(self.scenario_path(rec.scenario))
        if ray is not None:
            got = _told(lambda: ray.ask(kind, path, rec.settings, *args))
            if got is not NOT_ASKED:
                return got
        elif warm is not None and warm.lock.acquire(timeout=ASK_WAIT):
            try:
                return _told(lambda: warm.ask(kind, path, rec.settings, *args))
            finally:
                warm.lock.release()
        return cold(*self.load(rec.scenario, rec.settings))

    # --- runs ---------------------------------------------------------------------
    def record(self, run_id: str):
        try:
            rec = self.ws.get(run_id)
        except DamagedRecord:
            raise HTTPException(409, f"the history row of run {run_id} is damaged") from None
        if rec is None:
            raise fail(404, f"没有编号为 {run_id} 的求解记录。", f"no run {run_id}")
        return rec

    def finished(self, run_id: str) -> Path:
        self.record(run_id)
        folder = result_folder(self.ws, run_id)
        if folder is None:
            raise fail(409, f"求解 {run_id} 还没有结果。", f"run {run_id} has no result yet")
        return folder

    def roster(self, run_id: str):
        """The run's roster (post_id, cadre_id …) when it has one, else None."""
        folder = result_folder(self.ws, run_id)
        if folder is None or not (folder / "roster.csv").is_file():
            return None
        seen = (folder / "roster.csv").stat()
        return cached_roster(str(folder), seen.st_mtime_ns, seen.st_size).copy()

    def close_to(self, run_id: str, data):
        """The roster run `run_id` was solved close to (summary.json's `from`, the page's
        "close to" run), read as `--from`; None when it was solved fresh. A question
        priced on the run's roster needs it: its changes against it are in the
        objective."""
        folder = result_folder(self.ws, run_id)
        summary = folder / "summary.json" if folder is not None else None
        if summary is None or not summary.is_file():
            return None
        base = (json.loads(summary.read_text("utf-8")).get("from") or {}).get("roster")
        if not base:
            return None
        base_folder = result_folder(self.ws, base)
        if base_folder is None or not (base_folder / "roster.csv").is_file():
            raise fail(409, f"求解 {run_id} 是在求解 {base} 的基础上做的，"
                            f"但求解 {base} 的名单已不在。",
                       f"run {run_id} was solved close to run {base}, whose roster is gone")
        return api.read_baseline(base_folder / "roster.csv", data, base)

    def run_view(self, run_id: str) -> dict:
        rec = self.record(run_id)
        out = rec.to_dict()
        out["error"] = json.loads(rec.error) if rec.error else None
        folder = result_folder(self.ws, run_id)
        out["summary"] = (json.loads((folder / "summary.json").read_text("utf-8"))
                          if folder is not None else None)
        return out

    def asked_of(self, run: str | None, scenario: str | None, settings: list[str] | None):
        """The scenario and data set a question is asked of: the run's when `run` is
        given, else `scenario` with `settings`; 422 when neither is."""
        if run is not None:
            rec = self.record(run)
            scenario, settings = rec.scenario, rec.settings
        if scenario is None:
            raise fail(422, "请先选择数据集或方案，或打开一次求解结果。",
                       "Pick a data set or scenario, or open a run, first.")
        return self.load(scenario, settings or [])


@lru_cache(maxsize=16)
def cached_load(path: str, settings: tuple[str, ...]):
    """Scenario and data set, read once for the questions asked of a run (search,
    why-not, alternates); a data set is never changed by the pipeline. The data set is
    kept apart from the scenario (`cached_data`): the runs of one data set differ in
    their settings only, and reading Linfen's takes 0.7 s."""
    sc = api.read_scenario(path, list(settings))
    return sc, cached_data(sc)


@lru_cache(maxsize=8)
def cached_roster(folder: str, mtime_ns: int, size: int):
    """A run's roster, read once (by its file's time and size) for the questions asked
    of the run: reading the result folder took 0.1 s of each candidates or try click on
    Linfen. A run's folder is written whole once; callers get a copy."""
    return api.read_result(folder).roster


_DATA: OrderedDict[tuple, object] = OrderedDict()
_DATA_LOCK = threading.Lock()


def cached_data(sc):
    """The data set of `sc` (`api.load_data`), kept by its path, reference date and
    files' times and sizes; the three last used."""
    key = (str(Path(sc.data).resolve()), sc.reference_date, data_files(Path(sc.data)))
    with _DATA_LOCK:
        if key in _DATA:
            _DATA.move_to_end(key)
            return _DATA[key]
    data = api.load_data(sc)
    with _DATA_LOCK:
        _DATA[key] = data
        while len(_DATA) > 3:
            _DATA.popitem(last=False)
    return data


def fail(status: int, zh: str, en: str) -> HTTPException:
    """An error the page shows beside what caused it, in the planner's language."""
    return HTTPException(status, {"message_zh": zh, "message_en": en})


def known(data, cadre: str | None, post: str) -> None:
    if cadre is not None and cadre not in set(data.cadres["cadre_id"]):
        raise fail(404, f"数据中没有干部 {cadre}。", f"no cadre {cadre}")
    if post not in set(data.posts["post_id"]):
        raise fail(404, f"数据中没有职位 {post}。", f"no post {post}")


def records(frame) -> list[dict]:
    return [] if frame is None else json.loads(frame.to_json(orient="records",
                                                             force_ascii=False))


def counts(data) -> dict:
    return {t: len(data.table(t)) for t in ("teams", "posts", "cadres", "relations", "fit")}
