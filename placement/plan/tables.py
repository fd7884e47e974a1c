"""The plan's tables: plan.csv (who moves in which year and why), the per-team
timeline and the per-year figures of plan.json.

Why these three: a planner preparing the 换届 asks which moves are forced this year
and which can wait (plan.csv, with the rule that forced the previous holder out),
what each team looks like each year (the timeline: its holders and the figures the
team targets count), and how hard each year was (the figures: forced moves,
retirements, the solve's status, gap and time).
"""

from __future__ import annotations

import pandas as pd

from placement.plan.advance import LEFT, RETIRED, SCHEDULED
from placement.plan.rolling import Plan, Year

PLAN_COLUMNS = ["year", "post_id", "holder", "change", "reason", "team_id", "title",
                "holder_name", "holder_from", "previous_holder", "required_by", "target_due",
                "departure"]
FIGURES = ("size", "women", "young", "locals", "exchanged_in", "non_party", "township_head",
           "avg_age")
DEPARTED = {RETIRED: "retired (R-EL7 retirement age)", LEFT: "leaves (data: leaving)",
            SCHEDULED: "leaves (plan schedule)"}


def _fate(year: Year) -> pd.DataFrame:
    """Per sitting cadre whose post changes: the post left, where to, the rules that
    removed their own pair (hard) or that staying would break (targets due), and the
    reason in words."""
    moves = year.result.moves
    out = moves[moves["from_post"] != ""].copy()
    rules = out["required_by"].where(out["required_by"] != "leaving", "")
    gone = out["cadre_id"].map(year.departures).map(DEPARTED)
    moved = "moved to " + out["to_post"]
    words = (out["kind"].map({"leaving": "", "released": "released"}).fillna(moved)
             .where(out["kind"] != "leaving", gone.fillna(DEPARTED[LEFT])))
    due = _lookup(out["cadre_id"], year.due.to_dict()).where(out["kind"] != "leaving", "")
    out["required_by"] = rules
    out["target_due"] = due
    departure = _lookup(out["cadre_id"], year.departures.to_dict())
    out["departure"] = departure.where(departure != "", LEFT).where(out["kind"] == "leaving", "")
    out["reason"] = (words + rules.map(lambda r: f" (required by {r})" if r else "")
                     + due.map(lambda r: f" (target due: {r})" if r else ""))
    return out.set_index("from_post")


def _lookup(keys: pd.Series, table: dict) -> pd.Series:
    """`table[key]` for each key, "" where it has none (text, whatever is found)."""
    return keys.map(lambda k: table.get(k, "")).astype(object)


def year_lines(year: Year) -> pd.DataFrame:
    """plan.csv's lines for one year: every post whose holder changes, with why the
    previous holder went (a vacant post, a retirement, a move and the rule behind it)."""
    roster = year.result.roster
    lines = roster[roster["change"] != "stay"]
    fate = _fate(year)
    came_from = _lookup(lines["cadre_id"], dict(zip(fate["cadre_id"], fate.index, strict=True)))
    prev = lines["previous_holder_id"]
    reason = _lookup(lines["post_id"], fate["reason"].to_dict()).where(prev != "", "vacant post")
    return pd.DataFrame({
        "year": int(year.label),
        "post_id": lines["post_id"],
        "holder": lines["cadre_id"],
        "change": lines["change"],
        "reason": reason,
        "team_id": lines["team_id"],
        "title": lines["title"],
        "holder_name": lines["cadre_name"],
        "holder_from": came_from,
        "previous_holder": prev,
        "required_by": _lookup(lines["post_id"], fate["required_by"].to_dict()),
        "target_due": _lookup(lines["post_id"], fate["target_due"].to_dict()),
        "departure": _lookup(lines["post_id"], fate["departure"].to_dict()),
    }, columns=PLAN_COLUMNS)


def plan_table(plan: Plan) -> pd.DataFrame:
    """plan.csv: `year_lines` of every year solved, year by year."""
    frames = [year_lines(y) for y in plan.years if y.result.roster is not None]
    if not frames:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def timeline(plan: Plan) -> pd.DataFrame:
    """timeline.csv: per team and year, the team after that year's roster (the figures
    of teams.csv) and its holders (`post=cadre`, `;`-joined, in post order)."""
    frames = []
    for y in plan.years:
        if y.result.roster is None:
            continue
        roster, teams = y.result.roster, y.result.teams
        holders = (roster["post_id"] + "=" + roster["cadre_id"]).groupby(
            roster["team_id"]).agg(";".join)
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
               "counts": dict(s.get("counts", {}))}
    if year.result.roster is None:
        return figures | {"conflicts": s.get("conflicts", [])}
    moves = year.result.moves
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
    return figures


def year_line(year: Year) -> str:
    """One line per year as `placement plan` prints it."""
    f = year_figures(year)
    if year.result.roster is None:
        return f"{f['year']}: {f['status']}, no roster"
    gap = "" if f["gap"] is None else f", gap {f['gap']:.4%}"
    m = f["moves"]
    return (f"{f['year']}: {f['status']}, objective {f['objective']}{gap}, "
            f"{f['times'].get('solve', 0):.1f}s solve; check "
            f"{'passed' if f['check_ok'] else 'FAILED'}; {f['counts']['changed_posts']} posts "
            f"change; {m['forced']} sitting cadres moved by a hard rule, {m['target_due']} "
            f"with a target due; {m['departures'][RETIRED]} retire")


def plan_summary(plan: Plan) -> dict:
    """plan.json: the plan's status and every year's figures."""
    return {"scenario": str(plan.scenario.source or ""), "name": plan.scenario.name,
            "years_requested": plan.requested, "years_solved": len(plan.years),
            "ok": plan.ok, "exit_code": plan.exit_code, "seconds": plan.seconds,
            "years": [year_figures(y) for y in plan.years]}
