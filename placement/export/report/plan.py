"""What the plan report says (`placement report PLAN_DIR`), as plain frames.

A plan folder (`placement plan`, docs/plan.md) is read from its files, not from the
planner's objects: the report sits beside `placement.plan` in the pipeline, and a
report of a plan written last week must say what that folder says. The frames:
- `year_table`: per year, the solve (status, gap, time, check) and what moved: posts
  changing, and the previous holders forced out by a deadline rule (R-RO1–R-RO5, hard
  or a target due), a retirement (R-EL7), leaving (the data's `leaving` or the plan's
  schedule) or another hard rule, and newcomers; beside them plan.json's stability
  figure (of the posts changing those forced by a hard rule or leaving, and the cadres
  placed new in more than one year);
- `head_table`: per head post (正职) and year, who holds it and why it changed hands;
- `team_table`: per team and year, the figures the team targets count (timeline.csv).
Every word is in Chinese and English (`WORDS`), Chinese first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from placement.data.errors import InputError, Problem
from placement.data.schema import KIND_ALIASES
from placement.data.words import PLAN_HEADERS, value
from placement.export.report.labels import rule_name
from placement.meaning import causes
from placement.roster.result_folder import read_csv_text

PLAN_JSON = "plan.json"
DEADLINES = causes.DEADLINES  # the tenure deadlines a plan's year reaches (R-RO1–R-RO5)
RETIRED = causes.RETIREMENT  # a "retired" departure: the age limit's rule
# Why a post changed hands, from the previous holder's fate (plan.csv), in this order.
CAUSES = (*DEADLINES, RETIRED, "leaving", "other_rule", "chosen", "vacant")
FIGURES = ("size", "women", "young", "locals", "exchanged_in", "non_party", "avg_age")

WORDS = {
    "plan_title": ("换届规划", "Rotation plan"),
    "sheet_years": ("换届规划", "Plan by year"),
    "sheet_heads": ("正职逐年", "Heads by year"),
    "sheet_teams": ("班子逐年", "Teams by year"),
    "sheet_lines": ("逐年调整", "Changes by year"),
    "year": ("年度", "year"), "reference_date": ("参照日期", "reference date"),
    "status": ("求解状态", "status"), "gap": ("相对差距", "gap"),
    "solve_s": ("求解用时（秒）", "solve time (s)"), "check": ("独立核查", "check"),
    "changed": ("变动职位", "posts changing"), "forced": ("被动调整", "forced"),
    "forced_hard": ("其中因规定必须调整", "of them forced by a hard rule or leaving"),
    RETIRED: (f"{RETIRED} 退休", f"{RETIRED} retirement"),
    "leaving": ("退出（离任）", "leaving"), "other_rule": ("其他硬性规则", "other hard rule"),
    "chosen": ("择优调整", "chosen move"), "vacant": ("空缺补充", "vacancy filled"),
    "county": ("县（市、区）", "county"), "team": ("班子", "team"), "team_name": ("班子", "team"),
    "team_id": ("班子编号", "team id"), "post_id": ("职位编号", "post id"),
    "title": ("职务", "title"), "changed_posts": ("变动职位", "posts changing"),
    "post": ("职位", "post"), "holder_id": ("人员编号", "cadre id"),
    "holder": ("任职人", "holder"), "holder_name": ("任职人", "holder"),
    "cause_words": ("原因", "cause"), "region": ("地区", "region"),
    "holder_from": ("原任职位", "came from"), "required_by": ("硬性规则", "hard rule"),
    "target_due": ("到期目标规则", "target due"), "departure": ("离任", "departure"),
    "change": ("变动", "change"), "cause": ("原因", "cause"), "reason": ("说明", "reason"),
    "previous_holder": ("原任", "previous holder"), "moves": ("调整", "moves"),
    "size": ("职数", "posts"), "women": ("女干部", "women"), "young": ("年轻干部", "young"),
    "locals": ("本地干部", "locals"), "exchanged_in": ("交流干部", "exchanged in"),
    "non_party": ("党外干部", "non-Party"), "avg_age": ("平均年龄", "average age"),
    "passed": ("通过", "passed"), "failed": ("未通过", "FAILED"),
    "twice": ("任期内多次调整（人）", "placed new in more than one year"),
    "twice_lateral": ("其中非提拔（人）", "of them not promoted"),
    "years": ("年数", "years"), "total_s": ("总用时（秒）", "total time (s)"),
    "heads": ("正职任职（逐年）", "Head posts year by year"),
    "figures": ("班子结构（逐年）", "Team figures year by year"),
}


def say(key: str, lang: str) -> str:
    """A plan report word (`WORDS`; a rule id with its catalogue name, R-EL7 as the
    retirement it stands for here); an unknown key is a KeyError."""
    if key in DEADLINES:
        return f"{key} {rule_name(key, lang)}"
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class PlanFolder:
    """A plan folder's tables: plan.json, plan.csv (with each line's `cause`),
    timeline.csv, every year's roster, and the posts and teams of year 1's data."""

    folder: Path
    summary: dict
    lines: pd.DataFrame
    timeline: pd.DataFrame
    rosters: dict[int, pd.DataFrame]
    posts: pd.DataFrame
    teams: pd.DataFrame

    @property
    def years(self) -> list[int]:
        return [int(y["year"]) for y in self.summary["years"]]


def is_plan_folder(folder: Path | str) -> bool:
    return (Path(folder) / PLAN_JSON).is_file()


def cause(lines: pd.DataFrame) -> pd.Series:
    """Per plan.csv line, why the post changed hands (`CAUSES`): the previous holder
    retired (R-EL7) or left; a deadline rule moved them (the first R-RO rule among the
    hard rule that removed their pair and the targets due); another hard rule; moved
    without one (chosen); or the post was vacant."""
    rules = (lines["required_by"] + ";" + lines["target_due"]).str.split(";")
    deadline = rules.map(lambda ids: next((r for r in DEADLINES if r in ids), ""))
    out = pd.Series("chosen", index=lines.index, dtype=object)
    out[lines["required_by"] != ""] = "other_rule"
    out[deadline != ""] = deadline[deadline != ""]
    out[lines["departure"].isin(["left", "scheduled"])] = "leaving"
    out[lines["departure"] == "retired"] = RETIRED
    out[lines["previous_holder"] == ""] = "vacant"
    return out


def read_back(frame: pd.DataFrame) -> pd.DataFrame:
    """plan.csv or timeline.csv as read (text cells), with the Chinese headers and coded
    values `placement plan --lang zh` writes (`words.PLAN_HEADERS`) turned back into the
    English codes, so the report reads a plan folder written in either language."""
    if PLAN_HEADERS["year"][0] not in frame:
        return frame
    out = frame.rename(columns={zh: key for key, (zh, _) in PLAN_HEADERS.items()})
    back = {value(k, "zh"): k for k in ("new", "moved_in", "retired", "left", "scheduled")}
    for col in ("change", "departure"):
        if col in out:
            out[col] = out[col].map(lambda v: back.get(v, v))
    if "kind" in out:
        out["kind"] = out["kind"].map(lambda k: KIND_ALIASES.get(k, k))
    return out


def _checked(folder: Path, summary: dict) -> None:
    """Every file plan.json's `files` lists is there, byte for byte (the plan folder is
    written whole, `placement.plan.folder`)."""
    listed = summary.get("files")
    if not isinstance(listed, dict):
        raise InputError([Problem("result_bad_summary", source=str(folder / PLAN_JSON),
                                  params={"reason": "files is not a table"})])
    for name, digest in listed.items():
        path = folder / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise InputError([Problem("result_incomplete", source=str(folder / PLAN_JSON),
                                      params={"file": name, "what": "changed since written"})])


def read_plan_folder(folder: Path | str) -> PlanFolder:
    """The plan folder `folder`; `InputError` naming the file when one is missing,
    unreadable or changed since the plan wrote it."""
    folder = Path(folder)
    try:
        summary = json.loads((folder / PLAN_JSON).read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise InputError([Problem("result_bad_summary", source=str(folder / PLAN_JSON),
                                  params={"reason": str(err)})]) from None
    _checked(folder, summary)
    lines = read_back(read_csv_text(folder / "plan.csv"))
    lines["year"] = lines["year"].astype(int)
    lines["cause"] = cause(lines)
    timeline = read_back(read_csv_text(folder / "timeline.csv"))
    years = [int(y["year"]) for y in summary["years"]]
    rosters = {y: read_csv_text(folder / str(y) / "roster.csv") for y in years
               if (folder / str(y) / "roster.csv").is_file()}
    first = folder / str(years[0]) / "data"
    return PlanFolder(folder, summary, lines, timeline, rosters,
                      read_csv_text(first / "posts.csv"), read_csv_text(first / "teams.csv"))


def counties(plan: PlanFolder) -> pd.Series:
    """region -> the county's name: its government team's name without "人民政府"
    (尧都区), else the region as written."""
    teams = plan.teams
    gov = teams[teams["kind"] == "county_gov"]
    named = dict(zip(gov["region"], gov["name"].str.replace("人民政府", "", regex=False),
                     strict=True))
    regions = sorted(teams["region"].unique())
    return pd.Series([named.get(r, r) for r in regions], index=regions, dtype=object)


def year_table(plan: PlanFolder, lang: str, region: str | None = None) -> pd.DataFrame:
    """Per year: the solve and the posts changing by cause (`CAUSES`); with `region`,
    that county's posts only (the solve's columns then left out)."""
    lines = plan.lines
    if region is not None:
        lines = lines[lines["team_id"].map(plan.teams.set_index("team_id")["region"]) == region]
    by = pd.crosstab(lines["year"], lines["cause"]).reindex(
        index=plan.years, columns=list(CAUSES), fill_value=0)
    out = pd.DataFrame({"year": plan.years})
    if region is None:
        info = {int(y["year"]): y for y in plan.summary["years"]}
        out["reference_date"] = [info[y]["reference_date"] for y in plan.years]
        out["status"] = [value(info[y]["status"], lang) for y in plan.years]
        out["gap"] = ["—" if info[y]["gap"] is None else f"{info[y]['gap']:.2%}"
                      for y in plan.years]
        out["solve_s"] = [round(float(info[y]["times"].get("solve", 0)), 1) for y in plan.years]
        out["check"] = [say("passed" if info[y]["check_ok"] else "failed", lang)
                        for y in plan.years]
        # R-RO10's stability figure (plan.json): cadres placed new in more than one year
        # of the plan so far, and of them those whose later placement is not a promotion.
        for key in ("twice", "twice_lateral"):
            out[key] = [int(info[y].get("stability", {}).get(key, 0)) for y in plan.years]
    out["changed"] = by.sum(axis=1).to_numpy()
    if region is None:
        # plan.json's stability figure beside it (as the page's plan table and the CLI
        # line give it): of the posts changing, those whose holder had to go (a hard
        # rule, a retirement, leaving); `forced` below also counts a deadline target due.
        out["forced_hard"] = [int(info[y].get("stability", {}).get("forced", 0))
                              for y in plan.years]
    out["forced"] = by[[*DEADLINES, RETIRED, "leaving", "other_rule"]].sum(axis=1).to_numpy()
    for c in CAUSES:
        out[c] = by[c].to_numpy()
    return out


def head_table(plan: PlanFolder, lang: str) -> pd.DataFrame:
    """Per head post and year: county, team, title, holder (name and id), whether it
    changed hands that year and the cause (`cause`), with plan.csv's reason."""
    heads = plan.posts[plan.posts["grade"] == "head"][["post_id", "team_id", "title"]]
    team = plan.teams.set_index("team_id")
    frames = []
    for year, roster in plan.rosters.items():
        held = roster.set_index("post_id")
        frame = heads.assign(year=year, holder=heads["post_id"].map(held["cadre_name"]).fillna(""),
                             holder_id=heads["post_id"].map(held["cadre_id"]).fillna(""))
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    key = plan.lines.set_index(["year", "post_id"])
    idx = pd.MultiIndex.from_arrays([out["year"], out["post_id"]])
    out["cause"] = pd.Series(key["cause"].reindex(idx).to_numpy(), index=out.index).fillna("")
    out["reason"] = pd.Series(key["reason"].reindex(idx).to_numpy(), index=out.index).fillna("")
    out["region"] = out["team_id"].map(team["region"])
    out["county"] = out["region"].map(counties(plan))
    out["team"] = out["team_id"].map(team["name"])
    out["cause_words"] = out["cause"].map(lambda c: say(c, lang) if c else "")
    return out.sort_values(["region", "team_id", "post_id", "year"], ignore_index=True)


def team_table(plan: PlanFolder) -> pd.DataFrame:
    """Per team and year: county, team, the figures of timeline.csv and the posts
    that changed hands."""
    t = plan.timeline.copy()
    t["year"] = t["year"].astype(int)
    for fig in (*FIGURES, "changed_posts"):
        t[fig] = pd.to_numeric(t[fig])
    t["county"] = t["region"].map(counties(plan))
    return t[["region", "county", "team_id", "team_name", "year", *FIGURES, "changed_posts"]
             ].sort_values(["region", "team_id", "year"], ignore_index=True)
