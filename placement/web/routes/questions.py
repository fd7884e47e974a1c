"""Questions answered without a solve (the locks a rule would refuse, candidates for a
post, a trial member) or of a run (why-not, alternates, the teams' structure)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from placement import api
from placement.data.rules import RULE_NAMES
from placement.data.schema import RELATIONS
from placement.web.context import Context, answers, fail, known, records
from placement.web.schemas import ValidateRequest
from placement.web.warm_worker import holders


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix="/api/v1")

    @r.post("/locks/check", responses=answers(404, 422, write=True))
    def check_locks(req: ValidateRequest) -> dict:
        """The 必须任 locks that put a cadre into a post the rules would not give them
        (a lock overrides eligibility): `{"warnings": [{cadre, name, post, title,
        excluded_by: [{code, name_zh, name_en}], why_zh, why_en}]}`, judged on the scenario
        with `set` but without the locks, so that the page asks before solving."""
        if req.scenario is None:
            raise fail(422, "请先选择数据集或方案。", "give a scenario")
        sc, data = ctx.load(req.scenario, req.set)
        names = data.cadres.set_index("cadre_id")["name"]
        titles = data.posts.set_index("post_id")["title"]
        out = []
        for lock in req.locks.must:
            known(data, lock.cadre, lock.post)
            judged = api.candidates(sc, data, lock.post)
            row = judged[judged["cadre_id"] == lock.cadre].iloc[0]
            if bool(row["eligible"]):
                continue
            out.append({"cadre": lock.cadre, "name": names[lock.cadre], "post": lock.post,
                        "title": titles[lock.post], "excluded_by": _named(row["excluded_by"],
                                                                          "code"),
                        "why_zh": row["why_zh"], "why_en": row["why_en"]})
        return {"warnings": out}

    @r.get("/candidates", responses=answers(404, 409, 422))
    def candidates(post: str, scenario: str | None = None,
                   settings: Annotated[list[str] | None, Query(alias="set")] = None,
                   run: str | None = None, max_age: int | None = None,
                   min_age: int | None = None, gender: Literal["M", "F"] | None = None,
                   education: Literal["college", "bachelor", "postgraduate"] | None = None,
                   party: Literal["cpc", "non_party"] | None = None,
                   secretary: bool | None = None, rank: str | None = None,
                   min_years_rank: int | None = None, specialty: str | None = None,
                   reserve: bool | None = None, region: str | None = None,
                   eligible_only: bool = False,
                   limit: int = Query(50, ge=1, le=1000)) -> dict:
        """The cadres who meet the conditions for `post` (任职条件: age, gender, party,
        education, rank and years at it, township party-secretary experience, specialty,
        reserve pool, region), ranked by fit with the eligible first, each with why it
        may or may not take the post there (`why_zh`/`why_en`, `excluded_by`, `breaks`).
        `run`: read the scenario and settings of that run, and its roster's holders."""
        sc, data = ctx.asked_of(run, scenario, settings)
        known(data, None, post)
        cond = api.Conditions(max_age=max_age, min_age=min_age, gender=gender,
                              education=education, party=party, secretary=secretary,
                              rank=rank, min_years_rank=min_years_rank, specialty=specialty,
                              reserve=reserve, region=region, eligible_only=eligible_only)
        roster = ctx.roster(run) if run is not None else None
        frame = api.candidates(sc, data, post, cond, roster)
        p = data.posts.set_index("post_id").loc[post]
        team = data.teams.set_index("team_id").loc[p["team_id"]]
        frame = frame.assign(years_rank=frame["years_rank"].round(1))
        return {"post": {"post_id": post, "title": p["title"], "team_id": p["team_id"],
                         "team_name": team["name"], "rank": p["rank"],
                         "incumbent_id": p["incumbent_id"]},
                "total": len(frame), "eligible": int(frame["eligible"].sum()),
                "rows": records(frame.head(limit))}

    @r.get("/try", responses=answers(404, 409, 422))
    def try_member(cadre: str, post: str, scenario: str | None = None,
                   settings: Annotated[list[str] | None, Query(alias="set")] = None,
                   run: str | None = None) -> dict:
        """Drop `cadre` into `post` (of the run's roster, else the incumbents) and see,
        without a solve, the teams touched before and after (size, women, young, locals,
        non-Party, township-head experience, average age, education, age bands) and
        their kin (R-AV1) and home-region (R-AV2) ties before and after; `rule` is what
        the rules say of the pair (as in /candidates)."""
        sc, data = ctx.asked_of(run, scenario, settings)
        known(data, cadre, post)
        roster = ctx.roster(run) if run is not None else None
        t = api.try_member(sc, data, cadre, post, roster)
        names = data.cadres.set_index("cadre_id")["name"]
        ids = data.cadres["cadre_id"]
        ties = t.ties.assign(name_a=t.ties["cadre_a"].map(names).fillna(""),
                             name_b=t.ties["cadre_b"].map(names).fillna(""),
                             relation_zh=t.ties["relation"].map(RELATIONS).fillna(""))
        judged = api.candidates(sc, data, post, roster=roster)
        row = judged[judged["cadre_id"] == cadre].iloc[0]
        displaced = ids.iat[t.displaced] if t.displaced >= 0 else ""
        return {"cadre": cadre, "name": names[cadre], "post": post,
                "displaced": displaced, "displaced_name": names.get(displaced, ""),
                "eligible": bool(row["eligible"]), "excluded_by": list(row["excluded_by"]),
                "breaks": list(row["breaks"]), "why_zh": row["why_zh"], "why_en": row["why_en"],
                "teams": records(t.teams), "ties": records(ties)}

    @r.get("/runs/{run_id}/why-not", responses=answers(404, 409, 422))
    def why_not(run_id: str, cadre: str, post: str) -> dict:
        """Why is `cadre` not in `post` in this run's roster (`placement why-not`): its
        objective before, its holder displaced (`api.why_not` of the run's roster, with
        its close-to roster; a fresh solve may hold the posts otherwise)."""
        rec = ctx.record(run_id)
        roster = ctx.roster(run_id)
        if roster is None:  # no roster to be of: the scenario's answer
            w = ctx.why_not(rec, cadre, post)
        else:
            sc, data = ctx.load(rec.scenario, rec.settings)
            known(data, cadre, post)
            close_to = ctx.close_to(run_id, data)
            # The warm worker answers from its session's proposal: kept only when that
            # proposal is the run's roster (a run solved close to another, or a tie met
            # otherwise, is answered here of the run's own roster).
            w = ctx.why_not(rec, cadre, post, holders(roster)) if close_to is None else None
            if w is None:
                w = _why_not_of(run_id, sc, data, roster, cadre, post, close_to)
        return {"cadre": w.cadre, "post": w.post, "eligible": w.eligible,
                "excluded_by": _named(w.excluded_by, "rule"),
                "objective_before": w.objective_before, "objective_after": w.objective_after,
                "status": w.status, "changed_lines": records(w.changed_lines),
                "targets": records(w.targets), "text_zh": w.render("zh"),
                "text_en": w.render("en")}

    @r.get("/runs/{run_id}/alternates", responses=answers(404, 409, 422))
    def alternates(run_id: str, post: str, k: int = Query(2, ge=1, le=5)) -> list[dict]:
        """The `k` next-best holders of `post` (差额人选) in this run's roster, each priced
        exactly against it (`api.alternates`: the run's scenario and its close-to roster,
        ties kept to the run's roster; a fresh solve may hold the post otherwise)."""
        rec = ctx.record(run_id)
        sc, data = ctx.load(rec.scenario, rec.settings)
        known(data, None, post)
        roster = ctx.roster(run_id)
        if roster is None:
            raise fail(409, f"求解 {run_id} 没有名单。", f"run {run_id} has no roster")
        close_to = ctx.close_to(run_id, data)
        # The warm worker answers from its session's proposal: kept only when that
        # proposal holds the post as the run does (a run solved close to another, or a
        # tie met otherwise, is re-solved here against the run's own roster).
        table = ctx.alternates(rec, post, k) if close_to is None else None
        held = str(roster.set_index("post_id")["cadre_id"].get(post))
        if table is None or not len(table) or set(table["holder_id"].astype(str)) != {held}:
            table = _of_roster(run_id, sc, data, roster, k, post, close_to)
        names = data.cadres.set_index("cadre_id")["name"]
        rows = records(table)
        for row in rows:  # names beside the ids: the page shows names
            row["name"] = names.get(row["cadre_id"], "")
            row["holder_name"] = names.get(row.get("holder_id", ""), "")
        return rows

    @r.get("/runs/{run_id}/structure", responses=answers(404, 409, 422))
    def structure(run_id: str, region: str | None = None, team: str | None = None,
                  lang: Literal["zh", "en"] = "zh") -> dict:
        """The teams' structure before (the incumbents) and after (the run's roster),
        compared in inline SVG charts (the report's own: no script, no network): by
        county when neither `region` nor `team` is given, by team within `region`, or
        one `team`. Figures: women, young, locals, non-Party, bachelor or above, average
        age; age pyramids of the members shown, before and after."""
        rec = ctx.record(run_id)
        roster = ctx.roster(run_id)
        if roster is None:
            raise HTTPException(409, f"run {run_id} has no roster")
        sc, data = ctx.load(rec.scenario, rec.settings)
        try:
            return api.structure(sc, data, roster, region, team, lang)
        except LookupError as err:
            raise HTTPException(404, err.args[0]) from None

    return r


def _named(codes, key: str) -> list[dict]:
    """Rule codes with their Chinese and English names (the code itself when unnamed)."""
    return [{key: c, "name_zh": RULE_NAMES.get(c, (c, c))[0],
             "name_en": RULE_NAMES.get(c, (c, c))[1]} for c in codes]


def _why_not_of(run_id, sc, data, roster, cadre, post, close_to):
    """`api.why_not` of the run's own roster (its scenario, its close-to roster, ties
    kept to it), or 409 in words when the re-solve cannot give that roster back."""
    try:
        return api.why_not(sc, data, cadre, post, roster=roster, start_from=close_to)
    except api.NotReproduced as err:  # the whole roster is compared: name a few posts
        shown = "、".join(err.posts[:5]) + (f" 等 {len(err.posts)} 个职位" if len(err.posts) > 5
                                            else "")
        raise fail(409, f"求解 {run_id} 未达最优，重新求解给出的 {shown} "
                   "任职人与该次名单不同，无法按该次名单回答“为何不是此人”；请重新求解至最优。",
                   f"no why-not of run {run_id}'s roster: {len(err.posts)} posts differ, "
                   f"{', '.join(err.posts[:5])} first") from None
    except api.AlternatesError as err:
        raise fail(409, "此方案现已无可行名单，无法回答“为何不是此人”。",
                   f"no why-not for run {run_id}: {err}") from None


def _of_roster(run_id, sc, data, roster, k, post, close_to):
    """`api.alternates` of the run's own roster (its scenario, its close-to roster, ties
    kept to it), or 409 in words when the re-solve cannot give that roster back."""
    try:
        return api.alternates(sc, data, roster, k, [post], close_to)
    except api.NotReproduced as err:
        raise fail(409, f"求解 {run_id} 未达最优，重新求解给出的 {'、'.join(err.posts)} "
                   "任职人与该次名单不同，无法按该次名单计算差额人选；请重新求解至最优。",
                   f"no alternates of run {run_id}'s roster: {err}") from None
    except api.AlternatesError as err:
        raise fail(409, "此方案无法计算差额人选（差额人选按加权目标计算）。",
                   f"no alternates for run {run_id}: {err}") from None
