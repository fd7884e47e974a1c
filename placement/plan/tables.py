"""The plan's tables: plan.csv (who moves in which year and why), the per-team
timeline and the per-year figures of plan.json.

Why these three: a planner preparing the 换届 asks which moves are forced this year
and which can wait (plan.csv, with the rule that forced the previous holder out),
what each team looks like each year (the timeline: its holders and the figures the
team targets count), and how hard each year was (the figures: forced moves,
retirements, the solve's status, gap and time).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from placement.data.names import beside
from placement.data.schema import TEAM_KINDS
from placement.data.words import PLAN_HEADERS, say, value
from placement.meaning.causes import RETIREMENT
from placement.plan.advance import LEFT, RETIRED, SCHEDULED
from placement.plan.rolling import Plan, Year

PLAN_COLUMNS = ["year", "post_id", "holder", "change", "reason", "team_id", "team_name", "title",
                "holder_name", "holder_from", "previous_holder", "previous_holder_name",
                "required_by", "target_due", "departure"]
FIGURES = ("size", "women", "young", "locals", "exchanged_in", "non_party", "township_head",
           "avg_age")
DEPARTED = {RETIRED: "plan_retired", LEFT: "plan_left", SCHEDULED: "plan_scheduled"}


def _reason(kind: str, to_post: str, gone: str, rules: str, due: str, lang: str) -> str:
    """Why a sitting cadre's post changed hands, in `lang`: where the cadre went (or that
    they retired, left or were released), then the hard rule behind it and the targets
    that had fallen due."""
    if kind == "leaving":
        words = say(DEPARTED.get(gone, DEPARTED[LEFT]), lang)
    elif kind == "released":
        words = say("plan_released", lang)
    else:
        words = say("plan_moved", lang, post=to_post)
    return (words + (say("plan_required", lang, rules=rules) if rules else "")
            + (say("plan_due", lang, rules=due) if due else ""))


def _hard(required_by: pd.Series, year: Year) -> pd.Series:
    """moves.csv's `required_by` without its target rules: the plan names those in
    `target_due` (a target the own pair breaks is a cause as well, docs/rules.md)."""
    rules = year.scenario.rules

    def hard(text: str) -> str:
        return ";".join(t for t in str(text or "").split(";")
                        if t and not (t in rules and rules[t].mode == "target"))
    return required_by.map(hard)


def _fate(year: Year) -> pd.DataFrame:
    """Per sitting cadre whose post changes: the post left, where to, the rules that
    removed their own pair (hard) or that staying would break (targets due), and the
    reason in words (`reason_zh`, `reason_en`)."""
    moves = year.result.moves
    out = moves[moves["from_post"] != ""].copy()
    rules = _hard(out["required_by"], year).where(out["required_by"] != "leaving", "")
    due = _lookup(out["cadre_id"], year.due.to_dict()).where(out["kind"] != "leaving", "")
    out["required_by"] = rules
    out["target_due"] = due
    departure = _lookup(out["cadre_id"], year.departures.to_dict())
    out["departure"] = departure.where(departure != "", LEFT).where(out["kind"] == "leaving", "")
    for lang in ("zh", "en"):
        out[f"reason_{lang}"] = [
            _reason(*row, lang) for row in zip(out["kind"], out["to_post"], out["departure"],
                                               rules, due, strict=True)]
    return out.set_index("from_post")


def _lookup(keys: pd.Series, table: dict) -> pd.Series:
    """`table[key]` for each key, "" where it has none (text, whatever is found)."""
    return keys.map(lambda k: table.get(k, "")).astype(object)


def year_lines(year: Year, lang: str = "en") -> pd.DataFrame:
    """plan.csv's lines for one year: every post whose holder changes, with why the
    previous holder went (a vacant post, a retirement, a move and the rule behind it),
    the reason in `lang`; names beside the ids (team, holder, previous holder).
    Built once per year and language (`Year.cache`); a copy is handed out."""
    key = ("lines", lang)
    if key not in year.cache:
        year.cache[key] = _year_lines(year, lang)
    return year.cache[key].copy()


def _year_lines(year: Year, lang: str) -> pd.DataFrame:
    roster = year.result.roster
    lines = roster[roster["change"] != "stay"]
    fate = _fate(year)
    came_from = _lookup(lines["cadre_id"], dict(zip(fate["cadre_id"], fate.index, strict=True)))
    prev = lines["previous_holder_id"]
    reason = _lookup(lines["post_id"], fate[f"reason_{lang}"].to_dict()).where(
        prev != "", say("plan_vacant", lang))
    names = year.data.cadres.set_index("cadre_id")["name"]
    teams = year.data.teams.set_index("team_id")["name"]
    return pd.DataFrame({
        "year": int(year.label),
        "post_id": lines["post_id"],
        "holder": lines["cadre_id"],
        "change": lines["change"],
        "reason": reason,
        "team_id": lines["team_id"],
        "team_name": _lookup(lines["team_id"], teams.to_dict()),
        "title": lines["title"],
        "holder_name": lines["cadre_name"],
        "holder_from": came_from,
        "previous_holder": prev,
        "previous_holder_name": _lookup(prev, names.to_dict()),
        "required_by": _lookup(lines["post_id"], fate["required_by"].to_dict()),
        "target_due": _lookup(lines["post_id"], fate["target_due"].to_dict()),
        "departure": _lookup(lines["post_id"], fate["departure"].to_dict()),
    }, columns=PLAN_COLUMNS)


def localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """plan.csv or timeline.csv as written in `lang`: in Chinese the headers
    (`words.PLAN_HEADERS`) and the coded values (change, departure, team kind) in words;
    ids, rule ids and names as they are. English is the frame as built."""
    if lang != "zh":
        return frame
    out = frame.copy()
    for col in ("change", "departure"):
        if col in out:
            out[col] = out[col].map(lambda v: value(v, "zh") if v else "")
    if "kind" in out:
        out["kind"] = out["kind"].map(lambda k: TEAM_KINDS.get(k, k))
    return out.rename(columns={c: PLAN_HEADERS[c][0] for c in out.columns})


def plan_table(plan: Plan, lang: str = "en") -> pd.DataFrame:
    """plan.csv: `year_lines` of every year solved, year by year, reasons in `lang`."""
    frames = [year_lines(y, lang) for y in plan.years if y.result.roster is not None]
    if not frames:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def timeline(plan: Plan, lang: str = "en") -> pd.DataFrame:
    """timeline.csv: per team and year, the team after that year's roster (the figures
    of teams.csv) and its holders (`post=cadre (name)`, `;`-joined, in post order, the
    name beside the id as `lang` writes it)."""
    frames = []
    for y in plan.years:
        if y.result.roster is None:
            continue
        roster, teams = y.result.roster, y.result.teams
        who = [beside(c, n, lang) for c, n in zip(roster["cadre_id"], roster["cadre_name"],
                                                  strict=True)]
        holders = (roster["post_id"] + "=" + pd.Series(who, index=roster.index, dtype=object)
                   ).groupby(roster["team_id"]).agg(";".join)
        changed = (roster["change"] != "stay").groupby(roster["team_id"]).sum()
        frame = teams[["team_id", "team_name", "kind", "region"]].copy()
        frame.insert(0, "year", int(y.label))
        for fig in FIGURES:
            frame[fig] = teams[f"{fig}_after"]
        frame["changed_posts"] = frame["team_id"].map(changed).fillna(0).astype(int)
        frame["holders"] = frame["team_id"].map(holders).fillna("")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def year_figures(year: Year) -> dict:
    """plan.json's entry for one year: the solve and what moved."""
    s = year.result.summary
    figures = {"year": int(year.label), "index": year.index,
               "reference_date": year.scenario.reference_date.isoformat(),
               "status": s.get("status"), "objective": s.get("objective"),
               "gap": s.get("gap"), "proven": s.get("proven"),
               "check_ok": year.result.ok, "times": s.get("times", {}),
               "counts": dict(s.get("counts", {})),
               "opened": list(year.opened),  # left open: the pool cannot fill them
               "open_rounds": year.rounds}
    if year.result.roster is None:
        return figures | {"conflicts": s.get("conflicts", [])}
    moves = year.result.moves.assign(required_by=lambda m: _hard(m["required_by"], year))
    sitting = moves["from_post"] != ""
    forced = sitting & ~moves["required_by"].isin(["", "leaving"])
    due = sitting & moves["cadre_id"].isin(year.due.index) & (moves["kind"] != "leaving")
    figures["moves"] = {
        "departures": {k: int((year.departures == k).sum()) for k in DEPARTED},
        "sitting_moved": int((sitting & (moves["to_post"] != "")).sum()),
        "released": int((moves["kind"] == "released").sum()),
        "forced": int(forced.sum()),
        "forced_by": moves.loc[forced, "required_by"].str.split(";").explode()
                          .value_counts().sort_index().to_dict(),
        "target_due": int(due.sum()),
        "appointed": int((~sitting).sum()),
    }
    figures["targets"] = target_shortfalls(year)
    return figures


def target_shortfalls(year: Year) -> dict[str, dict]:
    """Per target rule and scope of the year (the checker's figures, as rules.csv: a
    team, a county, "all" …), summed over the places: what the year's scenario
    required, what the roster achieved, the shortfall.
    Why in plan.json: the targets read over the term (R-TC4's count so far, R-TC10's
    drop held, `placement.meaning.term`) ask each year for a different figure, and the
    planner reads year by year whether the term is on its path."""
    f = year.result.figures
    if f is None or not len(f):
        return {}
    f = f[f["mode"] == "target"]
    sums = f.groupby(["rule", "scope"], sort=True)[["required", "achieved", "shortfall"]].sum()
    out: dict[str, dict] = {}
    for (rule, scope), row in sums.iterrows():
        out.setdefault(rule, {})[scope] = {k: float(v) if float(v) % 1 else int(v)
                                           for k, v in row.items()}
    return out


def forced_cause(lines: pd.DataFrame) -> pd.Series:
    """Per plan.csv line whose previous holder had to go, why: `R-EL7` (retired),
    `leaving` (the data's `leaving` or the schedule), else the first hard rule that
    removed the previous holder's own pair (`R-RO1`, `R-AV2` …); "" for the rest."""
    hard = lines["required_by"].str.split(";").str[0].fillna("")
    out = hard.where(lines["departure"] == "", "leaving")
    return out.where(lines["departure"] != RETIRED, RETIREMENT)


def chosen_serves(lines: pd.DataFrame, meets: Mapping[str, str] | None = None) -> list[dict]:
    """Per chosen change of a year (the previous holder moved without a hard rule, a
    retirement or leaving), what it serves: the target rules whose deadline the previous
    holder had reached (`target_due`: R-RO3, R-RO5), else `succession`: the previous
    holder moved on to a post that changed for a forced cause or was vacant (`via`, its
    `cause`), followed along the chain of posts (a promoted successor's post is filled
    by another's promotion …); else the targets the new holder meets there (`meets`:
    post -> the rules the roster line's reason cites, `;`-joined; cause `target_met`);
    `none` when it serves none of these.
    Why: issue 25 asks that the changes after year 1 be at most the forced ones plus
    what the targets require; a chosen change is either one of those or a free one."""
    meets = meets or {}
    forced = forced_cause(lines)
    posts = lines["post_id"].tolist()
    went_to = dict(zip(lines["holder_from"], posts, strict=True))  # old post -> new post
    row = {p: i for i, p in enumerate(posts)}
    due, prev = lines["target_due"].tolist(), lines["previous_holder"].tolist()
    causes_ = forced.tolist()
    out = []
    for i in np.flatnonzero((forced == "").to_numpy() & (lines["previous_holder"] != "")
                            .to_numpy()):
        serves, via, cause, seen, j = "none", "", "", set(), int(i)
        while j not in seen:
            seen.add(j)
            if due[j]:
                serves, via, cause = due[j], posts[j], "target_due"
                break
            if causes_[j] or not prev[j]:
                serves, via = "succession", posts[j]
                cause = causes_[j] or "vacant"
                break
            nxt = went_to.get(posts[j])  # where this post's previous holder went
            if nxt is None:
                break
            j = row[nxt]
        if serves == "none" and meets.get(posts[i]):
            serves, via, cause = meets[posts[i]], posts[i], "target_met"
        out.append({"post_id": posts[i], "serves": serves, "via": via, "cause": cause})
    return out


def stability(years: list[Year]) -> list[dict]:
    """Per year solved, how stable the plan is (R-RO10, docs/plan.md): the posts that
    change hands, of them `forced` (the previous holder had to go: a hard rule, a
    retirement, leaving; `forced_by` per cause, `forced_cause`), `vacant` (no previous
    holder) and `chosen` (the rest; `chosen_serves` counts what each serves and
    `chosen_lines` lists them, `chosen_serves`); and the cadres placed in a new post in
    more than one year of the plan so far (`twice`), of them those whose later placement
    is not a promotion (`twice_lateral`)."""
    out, placed_in = [], {}
    for y in years:
        if y.result.roster is None:
            break
        lines = year_lines(y)
        forced = (lines["required_by"] != "") | (lines["departure"] != "")
        vacant = lines["previous_holder"] == ""
        by_cause = forced_cause(lines)[forced & ~vacant].value_counts().sort_index()
        roster = y.result.roster
        served = chosen_serves(lines, dict(zip(roster["post_id"], roster["rules"], strict=True))
                               if "rules" in roster else None)
        serves = pd.Series([s["serves"] for s in served], dtype=object).value_counts()
        moves = y.result.moves
        new = moves[moves["to_post"] != ""]
        for cadre, kind in zip(new["cadre_id"], new["kind"], strict=True):
            placed_in.setdefault(cadre, []).append(kind)
        again = [kinds for kinds in placed_in.values() if len(kinds) > 1]
        out.append({"year": int(y.label), "posts_changed": len(lines),
                    "forced": int((forced & ~vacant).sum()), "vacant": int(vacant.sum()),
                    "chosen": int((~forced & ~vacant).sum()), "twice": len(again),
                    "twice_lateral": sum(1 for kinds in again
                                         if any(k != "promotion" for k in kinds[1:])),
                    "forced_by": {k: int(v) for k, v in by_cause.items()},
                    "chosen_serves": {k: int(v) for k, v in serves.sort_index().items()},
                    "chosen_lines": served})
    return out


def year_line(year: Year, lang: str = "en", stable: dict | None = None) -> str:
    """One line per year as `placement plan` prints it, in `lang`; `stable` is the
    year's `stability` entry (computed on this year alone when not given)."""
    f = year_figures(year)
    status = value(f["status"], lang)
    if year.result.roster is None:
        return say("plan_year_none", lang, year=f["year"], status=status)
    stable = stable or stability([year])[0]
    gap = "" if f["gap"] is None else say("plan_gap", lang, gap=f["gap"])
    return say("plan_year", lang, year=f["year"], status=status, objective=f["objective"],
               gap=gap, seconds=f["times"].get("solve", 0),
               checked=say("plan_checked" if f["check_ok"] else "plan_check_failed", lang),
               changed=stable["posts_changed"], forced=stable["forced"],
               vacant=stable["vacant"], chosen=stable["chosen"],
               retired=f["moves"]["departures"][RETIRED], twice=stable["twice"],
               twice_lateral=stable["twice_lateral"])


def plan_summary(plan: Plan) -> dict:
    """plan.json: the plan's status and every year's figures, with its `stability`."""
    years = [year_figures(y) for y in plan.years]
    for figures, stable in zip(years, stability(plan.years), strict=False):
        figures["stability"] = stable
    return {"scenario": str(plan.scenario.source or ""), "name": plan.scenario.name,
            "years_requested": plan.requested, "years_solved": len(plan.years),
            "ok": plan.ok, "exit_code": plan.exit_code, "seconds": plan.seconds,
            "years": years}
