"""What the planner reports say, as plain frames: one builder per section.

The workbook and the HTML page show the same sections (roster, moves, team
structure, rules, alternates, about); building them once here keeps the two
in step, and the writers only lay them out. Frames use the keys of
`placement.export.report.labels.WORDS` as column names; values are already in the
report's language.

Reasons: a `reason` column in roster.csv or moves.csv (or `reason_zh` /
`reason_en`, written by the explanation step when it runs) is shown as it is;
without one a short reason is composed from what the result folder says: the
cause of a move in words (`meaning.causes.cause_words`), else its kind, and what became
of the previous holder. Scores and rule ids keep their own columns, never the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from placement.checker.report import REPORT_ONLY
from placement.data.names import Names
from placement.eligibility.facts import whole_years
from placement.explain.reason_words import UNCAUSED_RELEASE
from placement.export.report.labels import rule_name, rules_text, team_kind, value, word
from placement.export.report.planner import change_lines, rule_rows, rule_sentence
from placement.meaning import reserve, team_rules
from placement.meaning.causes import cause_words
from placement.roster.result_folder import Result

# Team rules whose per-team figure belongs to one structure column (`READINGS`).
RULE_COLUMN = {r.rule: r.column for r in team_rules.READINGS if r.rule in team_rules.TEAM_MINIMUMS}
METRICS = ("size", "women", "young", "locals", "exchanged_in", "non_party", "township_head",
           "avg_age")
# Report-only figures that would mark every team short: not a structure target.
NOT_STRUCTURE = (reserve.RULE,)
AGE_BANDS = ((0, 34, "≤34"), (35, 39, "35–39"), (40, 44, "40–44"), (45, 49, "45–49"),
             (50, 54, "50–54"), (55, 59, "55–59"), (60, 200, "≥60"))


def optional_column(frame: pd.DataFrame, name: str, lang: str) -> pd.Series | None:
    """`name_<lang>` or `name` when the frame has it (e.g. reasons from the explainer)."""
    for col in (f"{name}_{lang}", name):
        if col in frame.columns:
            return frame[col].fillna("").astype(str)
    return None


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _posts(res: Result) -> pd.DataFrame:
    """post_id -> team name and title, for display."""
    posts = res.data.posts.set_index("post_id")
    names = res.data.teams.set_index("team_id")["name"]
    return pd.DataFrame({"team": posts["team_id"].map(names).fillna(""),
                         "title": posts["title"]})


def _names(res: Result) -> pd.Series:
    return res.data.cadres.set_index("cadre_id")["name"]


def _cause(res: Result, cadre_id: str, required_by: str, moves_on: bool, lang: str) -> str:
    """`required_by` in a committee's words (`meaning.causes.cause_words`), read against the
    cadre's own data; "" when it names nothing."""
    cadres = res.data.cadres
    rows = pd.Index(cadres["cadre_id"])
    if cadre_id not in rows:
        return ""
    c = rows.get_loc(cadre_id)
    age = int(whole_years(cadres["birth_date"].iloc[[c]], res.scenario.reference_date)[0])
    words = cause_words(required_by, moves_on, res.scenario, cadres, c, age)
    return _sep(lang).join(w[0 if lang == "zh" else 1] for w in words)


def move_reason(row: pd.Series, lang: str, res: Result) -> str:
    """A move's reason from moves.csv when the result carries none: the cause that
    required it in words, else what the move is; a release without a cause says so."""
    req = str(row.get("required_by", "") or "")
    to_post = str(row.get("to_post", "") or "")
    said = _cause(res, str(row.get("cadre_id", "")), req, bool(to_post), lang) if req else ""
    if said:
        return said
    if not to_post and str(row.get("kind", "")) == "released":
        return UNCAUSED_RELEASE[0 if lang == "zh" else 1]
    return value(str(row.get("kind", "")), lang)


# What a form's 任免理由 never carries (results written before reasons were in words):
# a fit score with its formula, a rule id in brackets or alone.
_SCORE = re.compile(r"(人岗相适|fit) \d+ ?[（(][^）)]*[）)]")
_RULE_ID = re.compile(r" ?[（(]R-[A-Z]+\d+[）)]|R-[A-Z]+\d+ ?")


def form_words(text: str, lang: str) -> str:
    """A reason as a form carries it: no score, formula or rule id (older results said
    "人岗相适 54（专业0.50×0.35…）" and "（R-TC5）")."""
    sep = _sep(lang)
    text = _RULE_ID.sub("", _SCORE.sub("", text))
    return sep.join(p for p in (q.strip() for q in text.split(sep.strip())) if p)


def form_reason(res: Result, lang: str) -> pd.Series:
    """任免理由 per moves.csv line, for the 任免审批表: the move's own reason (the cause that
    required it, the holder's strengths, the targets the new line serves, the post taken
    and what became of its holder), in words only (`form_words`)."""
    m = res.moves.reset_index(drop=True)
    given = optional_column(m, "reason", lang)
    own = [given.iat[i] if given is not None and given.iat[i] else move_reason(row, lang, res)
           for i, (_, row) in enumerate(m.iterrows())]
    return pd.Series([form_words(o, lang) for o in own], index=m.index)


def _previous_note(prev: str, moves_by_cadre: pd.DataFrame, lang: str) -> str:
    if not prev:
        return "填补职位空缺" if lang == "zh" else "fills a vacant post"
    if prev not in moves_by_cadre.index:
        return ""
    row = moves_by_cadre.loc[prev]
    req = str(row.get("required_by", "") or "")
    if req == "leaving":
        return "接替本届退出的原任" if lang == "zh" else "succeeds a holder who leaves"
    if req:
        return "接替按规定调整的原任" if lang == "zh" else "succeeds a holder a rule moves"
    return "接替另有任用的原任" if lang == "zh" else "succeeds a holder who moves on"


def roster_frame(res: Result, lang: str) -> pd.DataFrame:
    """Roster by team in post order (the data set's post order)."""
    r = res.roster.copy()
    order = pd.Index(res.data.posts["post_id"])
    r = r.iloc[np.argsort(order.get_indexer(r["post_id"]), kind="stable")].reset_index(drop=True)
    posts, names = _posts(res), _names(res)
    born = res.data.cadres.set_index("cadre_id")["birth_date"]
    moves = res.moves.drop_duplicates("cadre_id").set_index("cadre_id")
    given = optional_column(r, "reason", lang)
    fit = pd.to_numeric(r.get("fit", pd.Series("", index=r.index)), errors="coerce")
    prev = r.get("previous_holder_id", pd.Series("", index=r.index)).fillna("")
    reasons = []
    for i, row in r.iterrows():
        if given is not None and given.iat[i]:
            reasons.append(given.iat[i])
            continue
        parts = [value(row["change"], lang)]
        if row["change"] != "stay" and row["cadre_id"] in moves.index:
            parts = [value(str(moves.loc[row["cadre_id"], "kind"]), lang)]
        if row["change"] != "stay":
            parts.append(_previous_note(prev.iat[i], moves, lang))
        reasons.append(_sep(lang).join(p for p in parts if p))
    return pd.DataFrame({
        "team": r["post_id"].map(posts["team"]).fillna(r.get("team_name", "")),
        "post_id": r["post_id"],
        "post": r["post_id"].map(posts["title"]).fillna(""),
        "post_rank": r.get("post_rank", ""),
        "proposed_id": r["cadre_id"],
        "proposed": r["cadre_id"].map(names).fillna(""),
        "birth": r["cadre_id"].map(born).map(_date),
        "current_id": prev,
        "current": prev.map(names).fillna(""),
        "change": r["change"].map(lambda c: value(c, lang)),
        "fit": fit,
        "reason": reasons,
    })


def _date(v) -> dt.date | None:
    return None if pd.isna(v) else pd.Timestamp(v).date()


def dismissals_frame(res: Result, lang: str) -> pd.DataFrame:
    """The 拟免 table for a committee: who leaves which post, why and where to
    (dismissals.csv, `placement.explain.dismissals`), in words; rule ids stay in 依据."""
    d = res.dismissals
    suffix = "zh" if lang == "zh" else "en"
    return pd.DataFrame({
        "cadre_id": d["cadre_id"], "name": d["cadre_name"],
        "from_team": d["from_team_name"], "from_post_title": d["from_title"],
        "leave_cause": d[f"reason_{suffix}"], "destination": d[f"destination_{suffix}"],
        "required_by": d["required_by"]})


def moves_frame(res: Result, lang: str) -> pd.DataFrame:
    m = res.moves
    posts, names = _posts(res), _names(res)
    given = optional_column(m, "reason", lang)
    reasons = [given.iat[i] if given is not None and given.iat[i] else move_reason(row, lang, res)
               for i, (_, row) in enumerate(m.iterrows())]
    return pd.DataFrame({
        "cadre_id": m["cadre_id"],
        "name": m["cadre_id"].map(names).fillna(""),
        "from_team": m["from_post"].map(posts["team"]).fillna(""),
        "from_post": m["from_post"].map(posts["title"]).fillna(""),
        "to_team": m["to_post"].map(posts["team"]).fillna(""),
        "to_post": m["to_post"].map(posts["title"]).fillna(""),
        "kind": m["kind"].map(lambda k: value(k, lang)),
        "required_by": m["required_by"].map(lambda r: rules_text(r, lang)),
        "reason": reasons,
    }).reset_index(drop=True)


def team_targets(res: Result) -> pd.DataFrame:
    """Per (team, structure column): the checker's requirement and shortfall after."""
    f = res.figures
    f = f[(f["scope"] == "team") & f["rule"].isin(list(RULE_COLUMN)) & (f["mode"] != "off")]
    return pd.DataFrame({"team_id": f["where"], "column": f["rule"].map(RULE_COLUMN),
                         "rule": f["rule"], "required": f["required"],
                         "shortfall": f["shortfall"]}).reset_index(drop=True)


def structure_frame(res: Result, lang: str) -> tuple[pd.DataFrame, dict]:
    """Teams before/after, and marks {(row, column key): "met"/"unmet"} for targets.

    The "after" mark is the checker's figure for the roster; the "before" mark
    compares the current members with the same requirement."""
    t = res.teams.reset_index(drop=True)
    out = pd.DataFrame({"team_id": t["team_id"], "team": t["team_name"],
                        "team_kind": t["kind"].map(lambda k: team_kind(k, lang)),
                        "region": t["region"], "posts": t["posts"]})
    for m in METRICS:
        for when in ("before", "after"):
            out[f"{m}_{when}"] = t[f"{m}_{when}"]
    row_of = {tid: i for i, tid in enumerate(t["team_id"])}
    marks: dict = {}
    for _, g in team_targets(res).iterrows():
        i = row_of.get(g["team_id"])
        if i is None:
            continue
        col = g["column"]
        marks[(i, f"{col}_after")] = "unmet" if g["shortfall"] > 0 else "met"
        marks[(i, f"{col}_before")] = ("met" if t[f"{col}_before"].iat[i] >= g["required"]
                                       else "unmet")
    f = res.figures
    other = f[(f["scope"] == "team") & (f["shortfall"] > 0)
              & ~f["rule"].isin([*RULE_COLUMN, *NOT_STRUCTURE])]
    short = other.groupby("where")["rule"].agg(
        lambda rs: _sep(lang).join(rule_name(r, lang) for r in dict.fromkeys(rs)))
    out["other_short"] = out["team_id"].map(short.to_dict()).astype(object).fillna("")
    return out, marks


def _places_short(where: str, names: Names, lang: str) -> str:
    """rules.csv's "R05-RD-03:1; R06-DW:2" with names beside the ids:
    "R05-RD-03（霍州市人大常委会副主任）:1；…"."""
    out = []
    for part in filter(None, where.split("; ")):
        place, colon, short = part.rpartition(":")
        out.append(f"{names.beside(place, lang)}:{short}" if colon else part)
    return _sep(lang).join(out)


RULE_KEYS = ("rule", "rule_name", "mode", "scope", "required_text", "achieved_text",
             "shortfall", "places_met", "verdict", "where")


def rules_frame(res: Result, lang: str) -> pd.DataFrame:
    """One row per rules.csv row, figures as `planner.rule_rows` reads them (`RULE_KEYS`,
    then `cause` when the explanation wrote one); `places` and `places_short` stay for
    the HTML bars. A report-only rule (R-RS1) shows its figure as "covered/required"
    with no shortfall: it is information. Places short are named only on a row that is
    short (rules.csv repeats R-TC10's team places on its met overall row)."""
    r = res.rules.reset_index(drop=True)
    names = Names(res.data)
    cause = optional_column(r, "cause", lang)
    shown = rule_rows(res, lang)
    info = r["rule"].isin(REPORT_ONLY)
    achieved = shown["achieved_text"].where(
        ~info, r["achieved"].astype(str) + "/" + r["required"].astype(str))
    out = pd.DataFrame({
        "rule": r["rule"], "rule_name": r["rule"].map(lambda x: rule_name(x, lang)),
        "mode": r["mode"].map(lambda x: value(x, lang)),
        "scope": r["scope"].map(lambda x: value(x, lang) if x != "team" else word("team", lang)),
        "required_text": shown["required_text"], "achieved_text": achieved,
        "shortfall": r["shortfall"].astype(object).where(~info, None),
        "places_met": shown["places_met"].where(~info, "—"), "verdict": shown["verdict"],
        "where": (r["where"].fillna("").map(lambda w: _places_short(w, names, lang))
                  .where(shown["verdict"] == word("unmet", lang), "") if "where" in r else ""),
        "places": r["places"], "places_short": r["places_short"].where(~info, 0),
    })
    if cause is not None:
        out["cause"] = cause
    return out


def alternates_frame(res: Result, lang: str) -> pd.DataFrame | None:
    a = res.alternates
    if a is None:
        return None
    posts, names = _posts(res), _names(res)
    col = lambda c: a[c] if c in a else pd.Series("", index=a.index)  # noqa: E731
    reason = optional_column(a, "reason", lang)
    return pd.DataFrame({
        "team": col("post_id").map(posts["team"]).fillna(""),
        "post_id": col("post_id"), "post": col("post_id").map(posts["title"]).fillna(""),
        "rank": pd.to_numeric(col("rank"), errors="coerce"),
        "cadre_id": col("cadre_id"), "name": col("cadre_id").map(names).fillna(""),
        "objective_change": pd.to_numeric(col("objective_change"), errors="coerce"),
        "lines_changed": pd.to_numeric(col("lines_changed"), errors="coerce"),
        "breaks": col("breaks").map(lambda r: rules_text(r, lang) if r else ""),
        "reason": "" if reason is None else reason,
    })


PRICE_KEYS = ("rule", "rule_name", "price_where", "price_step", "price_cost", "price_estimate",
              "price_fit", "price_stayed", "price_lines", "price_targets", "price_words",
              "price_note", "price_settings")


def prices_frame(res: Result, lang: str) -> pd.DataFrame | None:
    """The price list (prices.csv) as the reader reads it: each rule's effect on the
    objective, fit and cadres staying (what relaxing it by one step would gain, with the
    sign turned: the words' reading, "人岗相适 −41"), the LP estimate beside it, its place
    named, the line in words; None without prices.csv."""
    p = res.prices
    if p is None:
        return None
    names = Names(res.data) if res.data is not None else None
    where = p["where"].map(lambda w: word("price_all", lang) if w == "all" else
                           (names.beside(w, lang) if names is not None else w))
    cost = lambda c: 0 - pd.to_numeric(p[c], errors="coerce")  # noqa: E731 (0 - 0 is 0, not -0)
    return pd.DataFrame({
        "rule": p["rule"], "rule_name": p["rule"].map(lambda r: rule_name(r, lang)),
        "price_where": where, "price_step": p["step_zh" if lang == "zh" else "step_en"],
        "price_cost": cost("price"), "price_estimate": cost("estimate"),
        "price_fit": cost("fit"), "price_stayed": cost("stayed"),
        "price_lines": pd.to_numeric(p["lines_changed"], errors="coerce"),
        "price_targets": pd.to_numeric(p["targets_moved"], errors="coerce"),
        "price_words": p["words_zh" if lang == "zh" else "words_en"],
        "price_note": p["note_zh" if lang == "zh" else "note_en"],
        "price_settings": p["settings"],
    })


def notes(res: Result, lang: str) -> list[str]:
    """Warnings for the reader: the inputs changed since the solve."""
    zh, out = lang == "zh", []
    if res.scenario_changed:
        out.append("场景设置与求解时不同（已修改或求解时使用了 --set），请重新求解" if zh else
                   "the scenario differs from the one solved (edited, or --set used): "
                   "solve again")
    if res.data_changed:
        out.append("数据文件在求解后已修改，请重新求解" if zh else
                   "the data files changed since the solve: solve again")
    return out


def shortfalls_frame(res: Result, lang: str) -> pd.DataFrame | None:
    """Each shortfall and its cause (shortfalls.csv, written by the explanation step)."""
    s = res.shortfalls
    if s is None:
        return None
    cause = optional_column(s, "cause", lang)
    names = Names(res.data)
    return pd.DataFrame({
        "rule": s["rule"], "rule_name": s["rule"].map(lambda x: rule_name(x, lang)),
        "where": (s["where"].fillna("").map(lambda w: names.beside(str(w), lang))
                  if "where" in s else ""),
        "shortfall": pd.to_numeric(s.get("shortfall", ""), errors="coerce"),
        "cause": cause if cause is not None else "",
    })


def about_rows(res: Result, lang: str) -> list[tuple[str, object]]:
    """Scenario, parameters, solver status, gap, time and input checksums."""
    s, sc = res.summary, res.scenario
    zh = lang == "zh"
    times = s.get("times", {})
    params = s.get("parameters", {})
    counts = s.get("counts", {})
    check = s.get("check", {})
    gap = s.get("gap")
    rows: list[tuple[str, object]] = [
        ("方案名称" if zh else "scenario name", s.get("name", "")),
        *((word("changes_head", lang), line) for line in change_lines(res, lang)),
        # file names, not the server's folders
        ("场景文件" if zh else "scenario file", Path(str(sc.source or s.get("scenario", ""))).name),
        ("数据" if zh else "data set", Path(str(sc.data)).name),
        ("参照日期" if zh else "reference date", sc.reference_date),
        ("目标方式" if zh else "objective", value(str(s.get("objective_mode", "")), lang)),
        ("求解状态" if zh else "solver status", value(str(s.get("status", "")), lang)),
        ("目标值" if zh else "objective value", s.get("objective")),
        ("界" if zh else "bound", s.get("bound")),
        ("相对差距" if zh else "gap", "" if gap is None else f"{gap:.4%}"),
        ("求解用时（秒）" if zh else "solve time (s)", times.get("solve")),
        ("总用时（秒）" if zh else "total time (s)", round(sum(times.values()), 3)),
        ("求解器" if zh else "engine", params.get("engine", sc.solver.engine)),
        ("时间上限（秒）" if zh else "time limit (s)", params.get("time_limit")),
        ("随机种子" if zh else "seed", s.get("seed")),
        ("独立核查" if zh else "independent check",
         ("通过" if zh else "passed") if check.get("ok") else ("未通过" if zh else "FAILED")),
    ]
    labels = {"teams": ("班子数", "teams"), "posts": ("职位数", "posts"),
              "cadres": ("干部数", "cadres"), "vacancies": ("空缺职位", "vacancies"),
              "changed_posts": ("变动职位", "posts changing")}
    rows += [(labels[k][0] if zh else labels[k][1], counts[k]) for k in labels if k in counts]
    for note in notes(res, lang):
        rows.append(("注意" if zh else "note", note))
    for rid, rule in sc.rules.items():  # each rule's settings as a sentence
        rows.append((f"{rid} {rule_name(rid, lang)}", rule_sentence(rid, rule.model_dump(), lang)))
    rows.append(("场景校验和" if zh else "scenario checksum", s.get("scenario_checksum", "")))
    for path, digest in s.get("input_checksums", {}).items():
        rows.append((("输入校验和 " if zh else "input sha256 ") + Path(path).name, digest))
    return rows


def age_bands(res: Result) -> pd.DataFrame:
    """Members per age band and gender, before (incumbents) and after (the roster)."""
    c = res.data.cadres.set_index("cadre_id")
    ages = pd.Series(whole_years(c["birth_date"], res.scenario.reference_date), index=c.index)
    inc = res.data.posts["incumbent_id"]
    holders = {"before": inc[inc != ""], "after": res.roster["cadre_id"]}
    rows = []
    for when, ids in holders.items():
        ids = ids[ids.isin(c.index)]
        a, g = ages.loc[ids].to_numpy(), c.loc[ids, "gender"].to_numpy()
        for low, high, label in AGE_BANDS:
            inside = (a >= low) & (a <= high)
            rows.append({"when": when, "band": label, "men": int((inside & (g == "M")).sum()),
                         "women": int((inside & (g == "F")).sum())})
    return pd.DataFrame(rows)
