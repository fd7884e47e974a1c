"""Why a target is unmet: a cause for every shortfall, in words a planner accepts.

For a team minimum (women, locals, non-Party …) the cause is counted from the
pool: how many cadres with the attribute could take a post of the team at
all, how many of those a hard rule excludes (and which rule), and how many
eligible ones were placed in other teams (and where). That separates "there is
nobody" from "they are needed elsewhere". Rotation and pair targets name the
cadre and whether any other post was open to them; R-RO5–R-RO7 name the cadre,
where they ended up and how many posts that meet the rule were open to them, and
R-RO5 gives the planner's action (re-divide the portfolios of the team); R-RO8
names why each head changes. Teams, posts and cadres are named beside their ids (issue 15).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.names import Names
from placement.data.rules import RULE_NAMES
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs, pair_rule_masks, reasons
from placement.meaning import cadre_rules, reserve, term
from placement.meaning import team_rules as meaning
from placement.meaning.posts import BOTH_HEADS
from placement.roster.tables import Readings


def shortfall_causes(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs,
                     roster: pd.DataFrame, figures: pd.DataFrame,
                     readings: Readings) -> pd.DataFrame:
    """One row per (rule, place) short: rule, where, shortfall, cause_zh, cause_en.
    `readings`: the members' readings (`read_members`), read once by the pipeline."""
    short = figures[(figures["shortfall"] > 0) & (figures["mode"] == "target")]
    placed_team = pd.Series(
        pd.Index(data.teams["team_id"]).get_indexer(roster["team_id"]),
        index=pd.Index(data.cadres["cadre_id"]).get_indexer(roster["cadre_id"]))
    removed = pairs.removed.set_index(["cadre", "post"])["bits"]
    rows = []
    cover = None  # R-RS1's matching, computed once when a team falls short
    # The names beside the ids, read once: Linfen's 68 teams short of R-RS1 read them
    # 68 times (1.0 s of a 2.4 s result, issue 29's what-if run in the page).
    names = Names(data)
    look = _Lookups(data, facts, pairs, roster)
    for f in short.itertuples(index=False):
        if meaning.has_share_tier(f.rule) and f.scope == "all":
            zh, en = _teams_short(data, sc, readings, f, names)
        elif f.rule in meaning.TEAM_MINIMUMS:
            zh, en = _team_minimum(data, f, readings, placed_team, removed, names)
        elif f.rule == term.TERM_STABILITY and f.scope == "promotion":
            zh, en = _promoted_again(look, f, names)
        elif f.rule in cadre_rules.CADRE_RULES:
            zh, en = _per_cadre(data, facts, look, f, names)
        elif f.rule == BOTH_HEADS:
            zh, en = _heads(data, facts, pairs, f)
        elif f.scope == "pair":
            zh, en = _pair_rule(look, f, names)
        elif f.rule == reserve.RULE:
            if cover is None:
                cover = reserve_coverage(data, sc, facts, roster)
            zh, en = _reserves(data, sc, facts, cover, f, names)
        else:
            zh = (f"要求{f.required:g}，实现{f.achieved:g}：现有可用人选在满足其他规定和"
                  f"人岗相适后不足以达到该目标")
            en = (f"required {f.required:g}, achieved {f.achieved:g}: the eligible cadres, "
                  f"after every hard rule and the other targets, do not reach it")
        rows.append({"rule": f.rule, "where": f.where, "shortfall": f.shortfall,
                     "cause_zh": zh, "cause_en": en})
    return pd.DataFrame(rows, columns=["rule", "where", "shortfall", "cause_zh", "cause_en"])


def _positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """Each key's row positions in `keys`, ascending."""
    return pd.Series(np.arange(len(keys))).groupby(keys.to_numpy(), sort=False).indices


class _Lookups:
    """What the per-cadre and per-post causes look up, built once per result rather
    than once per shortfall: a later plan year has a hundred or more R-RO3/R-RO5
    shortfalls, and each rebuilt the cadres' index, scanned the roster and every pair
    (most of a plan year's explaining time, docs/plan.md "Run time")."""

    def __init__(self, data: DataSet, facts: Facts, pairs: Pairs, roster: pd.DataFrame):
        self.data, self.facts, self.pairs, self.roster = data, facts, pairs, roster
        self.cadre_index = pd.Index(data.cadres["cadre_id"])
        # key -> the roster's row positions, in roster order: a dict look-up per
        # shortfall, not a scan of the roster (the province: 4.7 s a plan, now none)
        self._by_cadre = _positions(roster["cadre_id"])
        self._by_post = _positions(roster["post_id"])
        self._open: dict[str, np.ndarray] = {}
        self._others: np.ndarray | None = None

    def _lines(self, by: dict[str, np.ndarray], key: str) -> pd.DataFrame:
        return self.roster.iloc[by.get(key, np.zeros(0, dtype=np.int64))]

    def line_of_cadre(self, cadre_id: str) -> pd.DataFrame:
        """The roster's line(s) of a cadre (none when not placed)."""
        return self._lines(self._by_cadre, cadre_id)

    def line_of_post(self, post_id: str) -> pd.DataFrame:
        """The roster's line(s) of a post."""
        return self._lines(self._by_post, post_id)

    def open_posts(self, rule: str) -> np.ndarray:
        """Per cadre: eligible pairs that meet `rule` (`cadre_rules.meets`)."""
        if rule not in self._open:
            p = self.pairs
            ok = cadre_rules.meets(rule, self.data, self.facts, p.cadre, p.post, p.own)
            self._open[rule] = np.bincount(p.cadre[ok], minlength=len(self.cadre_index))
        return self._open[rule]

    def other_posts(self) -> np.ndarray:
        """Per cadre: eligible pairs other than the cadre's own post."""
        if self._others is None:
            p = self.pairs
            self._others = np.bincount(p.cadre[~p.own], minlength=len(self.cadre_index))
        return self._others


def _team_minimum(data, f, readings, placed_team, removed, names):
    teams = data.teams
    in_place = readings.place[f.rule] == f.where
    could = readings.pool  # every structural pair: who could take a post of the team
    sel = in_place[could.team]
    cand = could.cadre[sel]
    post = could.post[sel]
    has = could.counts[f.rule][sel]
    pool = sorted(set(cand[has].tolist()))
    excluded: Counter = Counter()
    eligible = []
    for c in pool:
        posts_c = post[has & (cand == c)]
        bits = [removed.get((c, p)) for p in posts_c]
        if all(b is not None for b in bits):
            for r in sorted(set().union(*(reasons(b) for b in bits))):
                excluded[r] += 1
        else:
            eligible.append(c)
    here = [c for c in eligible if c in placed_team.index and in_place[placed_team[c]]]
    elsewhere = [c for c in eligible if c in placed_team.index and not in_place[placed_team[c]]]
    where_else = Counter(teams["team_id"].iat[placed_team[c]] for c in elsewhere)
    label = meaning.LABELS[f.rule]
    attr_zh, attr_en = label.one_zh, label.one_en
    # by the rules' names: the cause is read by a committee, not by a programmer
    ex_zh = "、".join(f"{RULE_NAMES.get(r, (r, r))[0]}（{n}人）" for r, n in excluded.most_common())
    ex_en = ", ".join(f"{RULE_NAMES.get(r, (r, r))[1]} ({n})" for r, n in excluded.most_common())
    top = where_else.most_common(3)
    rest_teams, rest = len(where_else) - len(top), len(elsewhere) - sum(n for _, n in top)
    else_txt = ", ".join(f"{n} in {names.beside(t, 'en')}" for t, n in top)
    else_zh = "、".join(f"{names.beside(t, 'zh')}{n}名" for t, n in top)
    else_zh += f"，其他{rest_teams}个班子{rest}名" if rest_teams else ""
    else_txt += f", {rest} in {rest_teams} other teams" if rest_teams else ""
    zh = (f"要求{f.required:g}名、实现{f.achieved:g}名（{RULE_NAMES[f.rule][0]}）：可任该班子职位的"
          f"{attr_zh}人选共{len(pool)}名，其中{len(eligible)}名符合条件（已配入本班子{len(here)}名，"
          f"配入其他班子{len(elsewhere)}名{('：' + else_zh) if else_txt else ''}）")
    en = (f"needs {f.required:g}, has {f.achieved:g} ({RULE_NAMES[f.rule][1]}): {len(pool)} "
          f"cadres who count ({attr_en}) could take a post of this team; {len(eligible)} are "
          f"eligible "
          f"({len(here)} placed here, {len(elsewhere)} placed in other teams"
          f"{(': ' + else_txt) if else_txt else ''})")
    if excluded:
        zh += f"；其余被排除：{ex_zh}"
        en += f"; the others are excluded by {ex_en}"
    if elsewhere:
        zh += "；将其调入本班子会使其他班子的目标或整体人岗相适损失更大"
        en += "; moving them here would cost more elsewhere (other targets or fit)"
    return zh, en


def reserve_coverage(data: DataSet, sc: Scenario, facts: Facts,
                     roster: pd.DataFrame) -> reserve.Coverage:
    """R-RS1 after the proposal: the reserves left out of `roster` (placement.meaning.reserve
    says who may cover which post), less the arcs a hard pair rule breaks, judged as the
    cadre would hold the post (staying only at their own post), matched to the posts."""
    # a hashed look-up: numpy's isin over these object arrays took 2.8 s on the province
    placed = data.cadres["cadre_id"].isin(set(roster["cadre_id"])).to_numpy()
    cadre, post = reserve.arcs(data, placed)
    masks = pair_rule_masks(data, sc, facts, cadre, post, facts.c_own_post[cadre] == post)
    broken = np.zeros(len(cadre), dtype=bool)
    for rid, m in masks.items():
        broken |= m & (sc.rules[rid].mode == "hard")
    return reserve.coverage(data, sc, cadre[~broken], post[~broken])


def _reserves(data, sc, facts, cover, f, names):
    """The reserve pool (R-RS1): the team's posts left without their reserves, each with
    its need and the reserves who could cover it, and the reserves missing (their needs
    added up: that many more reserves eligible for them would cover them)."""
    rule = sc.rules[reserve.RULE]
    ids = data.posts["post_id"].to_numpy(dtype=object)
    team = pd.Index(data.teams["team_id"]).get_loc(f.where)
    out = np.flatnonzero((facts.p_team == team) & ~cover.covered)
    missing = int(cover.need[out].sum())
    each_zh = "、".join(f"{names.beside(ids[p], 'zh')}需{cover.need[p]}名、可任后备"
                       f"{cover.eligible[p]}名" for p in out)
    each_en = "; ".join(f"{names.beside(ids[p], 'en')}: needs {cover.need[p]}, "
                        f"{cover.eligible[p]} eligible" for p in out)
    zh = (f"后备干部覆盖不足：{f.required:g}个职位中{len(out)}个未达足额后备（正职每职"
          f"{rule.heads}名、副职每职{rule.deputies}名，每名后备只计一个职位），缺后备{missing}名："
          f"{each_zh}；可任的后备不足或已计入其他职位，请补充相应职级的后备干部（后备职级）")
    en = (f"reserve pool short: {len(out)} of {f.required:g} posts lack their reserves "
          f"({rule.heads} per head post, {rule.deputies} per deputy post, each reserve "
          f"counted for one post), {missing} reserves missing: {each_en}; the eligible "
          f"reserves are too few or counted for other posts: add cadres reserved for these "
          f"ranks (reserve_rank)")
    return zh, en


def _teams_short(data, sc, readings, f, label):
    """The share of places (R-TC5 (b)): the places (counties, or teams with `per =
    "team"`) with fewer than `min_women` women, each named beside its id with the women
    it has."""
    names, of_team, each = readings.share[f.rule]
    has = readings.after.counts[f.rule]
    place = of_team[readings.after.team]
    women = np.bincount(place[has & (place >= 0)], minlength=len(names))
    short = np.flatnonzero(women < each)
    county = sc.rules[f.rule].per == "county"
    unit_zh, unit_en = ("个县（市、区）的党政班子", "counties") if county else ("个班子", "teams")
    zh = (f"要求{f.required:g}{unit_zh}配备{each}名以上女干部、实现{f.achieved:g}个；未达到的："
          + "、".join(f"{label.name(names[k], 'zh') or names[k]}（{names[k]}，{women[k]}名）"
                     for k in short))
    en = (f"needs {f.required:g} {unit_en} with {each}+ women, has {f.achieved:g}; short: "
          + ", ".join(f"{label.name(names[k], 'en') or names[k]} ({names[k]}, {women[k]})"
                      for k in short))
    return zh, en


def _heads(data, facts, pairs, f):
    teams = data.teams
    out_zh, out_en = [], []
    for kind, zh_name in (("county_party", "党委正职"), ("county_gov", "政府正职")):
        t = np.flatnonzero((teams["kind"].to_numpy() == kind) & (teams["region"].to_numpy()
                                                                 == f.where))
        posts = np.flatnonzero(np.isin(facts.p_team, t) & (data.posts["grade"].to_numpy()
                                                           == "head"))
        for p in posts:
            inc = facts.p_incumbent[p]
            if inc < 0:
                why_zh, why_en = "职位空缺", "the post is vacant"
            elif data.cadres["leaving"].iat[inc]:
                why_zh, why_en = "现任退出", "the incumbent leaves"
            else:
                own = pairs.removed[(pairs.removed["cadre"] == inc) & pairs.removed["own"]]
                rules = reasons(int(own["bits"].iat[0])) if len(own) else ()
                why_zh = ("现任须调整：" + "、".join(rules)) if rules else "现任交流"
                why_en = ("the incumbent must move: " + ", ".join(rules)) if rules else \
                    "the incumbent moves"
            out_zh.append(f"{zh_name}{why_zh}")
            out_en.append(f"{kind} head: {why_en}")
    return "党政正职同时调整：" + "；".join(out_zh), "both heads change: " + "; ".join(out_en)


def _per_cadre(data, facts, look, f, names):
    """R-RO5–R-RO7 at one cadre (`f.where`): where the cadre is in the roster, and how
    many posts that meet the rule were open to them (eligible pairs, `cadre_rules.meets`).
    R-RO5's shortfall is the planner's action: re-divide the portfolios of the team."""
    c = look.cadre_index.get_loc(f.where)
    open_posts = int(look.open_posts(f.rule)[c])
    line = look.line_of_cadre(f.where)
    who_zh, who_en = names.beside(f.where, "zh"), names.beside(f.where, "en")
    if not len(line):
        at_zh, at_en = "未安排职位", "holds no post"
    elif line["change"].iat[0] == "stay":
        at_zh, at_en = "留任原职", "stays in post"
    else:
        team = line["team_id"].iat[0]
        at_zh, at_en = f"任{names.beside(team, 'zh')}职位", f"placed in {names.beside(team, 'en')}"
    name_zh, name_en = RULE_NAMES[f.rule]
    zh = f"{who_zh}{at_zh}，未达“{name_zh}”（可任的符合职位{open_posts}个）"
    en = f"{who_en} {at_en}, short of '{name_en}' ({open_posts} posts that meet it were open)"
    if f.rule == cadre_rules.PORTFOLIO:
        team = data.teams["team_id"].iat[facts.p_team[facts.c_own_post[c]]]
        zh = f"调整班子{names.beside(team, 'zh')}分工：" + zh
        en = f"re-divide portfolios in team {names.beside(team, 'en')}: " + en
    return zh, en


def _promoted_again(look, f, names):
    """The promotion part of term stability (R-RO10) at one cadre (`f.where` is
    "cadre_id:promotion"): moved within the term, promoted again to the post the roster
    names."""
    cadre = f.where.removesuffix(":promotion")
    line = look.line_of_cadre(cadre)
    at = line["post_id"].iat[0] if len(line) else ""
    return (f"{names.beside(cadre, 'zh')}任期内已调整，又提拔任{names.beside(at, 'zh')}",
            f"{names.beside(cadre, 'en')} was moved within the term and is promoted again "
            f"to {names.beside(at, 'en')}")


def _pair_rule(look, f, names):
    line = look.line_of_post(f.where)
    cadre_id = line["cadre_id"].iat[0] if len(line) else ""
    c = look.cadre_index.get_loc(cadre_id) if cadre_id else -1
    others = int(look.other_posts()[c]) if c >= 0 else 0
    name_zh, name_en = RULE_NAMES[f.rule]
    who_zh = f"{names.beside(cadre_id, 'zh')}（{names.beside(f.where, 'zh')}）"
    who_en = f"{names.beside(cadre_id, 'en')} at {names.beside(f.where, 'en')}"
    if others == 0:
        return (f"{who_zh}未达“{name_zh}”：没有其他符合条件的职位可供调整",
                f"{who_en} breaks '{name_en}': no other post is open to "
                f"this cadre")
    return (f"{who_zh}未达“{name_zh}”：有{others}个可调职位，但调整的代价"
            f"高于该目标的权重",
            f"{who_en} breaks '{name_en}': {others} other posts are open, "
            f"but every arrangement that moves the cadre costs more than the target's weight")
