"""A proposal's structure beside the figures a seed publishes for a real cycle.

Two seeds publish a table of figures, each for one shape of data set:

- **linfen** (seed 002, 临汾 2016): the county-level teams (县委、县政府、县人大、县政协) of
  17 counties after the election: 162 promoted, 133 from the counties, 49 township heads;
  51 around 40 and 8 around 35 (59 of 42 or less, the youngest 33); 3 county party and
  government heads around 40; the party and government teams 2.9 years younger; 441 with
  a college degree (99.1 %); 62 women (13.93 %), 3 of them heads; 52 non-Party cadres,
  6 in the county governments; most party and government teams with 2 or more women;
  169 with township head experience (37.8 %), 8 of the county heads; at least 3 locals
  in every party and government team.
- **nanpiao** (seed 003, 南票区): 71 section-level teams (乡镇、街道、区直部门), 418
  leaders, five age bands, education, 111 women, 17 non-Party cadres, reserves at 1:2
  for head posts and 1:1 for deputy posts.

`choose_table` tells from the teams' kinds which table a data set is shaped like (county
teams: linfen; section-level teams: nanpiao) and refuses to guess when it holds both or
neither. Each figure is recomputed over the teams of the table's kinds for the sitting
roster (before: the incumbents) and for the proposal; a figure that cannot be computed
shows "—" and its note says why (a cycle figure has no "before"; a published figure the
data do not carry), so the table never shows NaN.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.schema import COUNTY_KINDS, RANK_LEVEL
from placement.data.words import value

COLLEGE_OR_ABOVE = ("college", "bachelor", "postgraduate")
PARTY_GOV = ("county_party", "county_gov")
SECTION_KINDS = ("township", "street", "district_dept")
NOT_SHOWN = "—"


@dataclass(frozen=True)
class Unavailable:
    """A figure that cannot be computed, and why (zh, en)."""
    zh: str
    en: str


CYCLE = Unavailable("换届变动指标：调整前名单无变动", "a figure of the cycle's changes: the "
                    "sitting roster changes nothing")
Value = int | float | Unavailable
Members = pd.DataFrame  # one row per filled post in scope (see `_members`)


@dataclass(frozen=True)
class Figure:
    key: str
    zh: str
    en: str
    published: object  # a number, or a text such as "> 0.5" or "≥ 3"
    compute: Callable[[Members], Value]
    cycle: bool = False  # counts the cycle's changes: no "before" (the sitting roster)
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    seed: str
    zh: str
    en: str
    kinds: tuple[str, ...]  # the teams the published figures count
    figures: tuple[Figure, ...]


# --- what is counted ---------------------------------------------------------------------

def _age(birth: pd.Series, ref: dt.date) -> np.ndarray:
    b = pd.to_datetime(birth)
    later = (b.dt.month > ref.month) | ((b.dt.month == ref.month) & (b.dt.day > ref.day))
    return (ref.year - b.dt.year - later.astype(int)).to_numpy()


def _members(data: DataSet, holders: pd.DataFrame, kinds: tuple[str, ...], ref: dt.date,
             before: pd.DataFrame) -> Members:
    """One row per filled post of a team of `kinds`: the holder's columns, `age`, the
    team's `kind`/`team_region`, the post's `grade`/`rank_level` (`p_level`), `promoted` (new
    in the post and the post ranks above the cadre) and `county_cadre` (works in a region
    of a county team). `holders`: post_id, cadre_id (empty = vacant); `before`: the same
    for the incumbents."""
    teams = data.teams.set_index("team_id")
    posts = data.posts.set_index("post_id")[["team_id", "grade", "rank_level"]]
    h = holders.loc[holders["cadre_id"] != "", ["post_id", "cadre_id"]]
    h = h.join(posts, on="post_id").join(
        teams[["kind", "region"]].rename(columns={"region": "team_region"}), on="team_id")
    h = h.loc[h["kind"].isin(kinds)].rename(columns={"rank_level": "p_level"})
    c = data.cadres.set_index("cadre_id").drop(columns=["_row"], errors="ignore")
    m = h.join(c, on="cadre_id").reset_index(drop=True)
    m["age"] = _age(m["birth_date"], ref)
    old = dict(zip(before["cadre_id"], before["post_id"], strict=True))
    new = np.array([old.get(cid) != pid for cid, pid in zip(m["cadre_id"], m["post_id"],
                                                             strict=True)], dtype=bool)
    m["promoted"] = new & (m["p_level"].to_numpy() > m["rank_level"].to_numpy())
    county_regions = set(data.teams.loc[data.teams["kind"].isin(COUNTY_KINDS), "region"])
    m["county_cadre"] = m["region"].isin(county_regions).to_numpy()
    m["party_gov_head"] = m["kind"].isin(PARTY_GOV).to_numpy() & (m["grade"] == "head").to_numpy()
    return m


def _count(mask) -> int:
    return int(np.asarray(mask, dtype=bool).sum())


def _share(mask, of) -> Value:
    of = np.asarray(of, dtype=bool)
    if not of.any():
        return Unavailable("范围内无人", "nobody in scope")
    return round(float(np.asarray(mask, dtype=bool)[of].mean()), 4)


def _everyone(m: Members) -> np.ndarray:
    return np.ones(len(m), dtype=bool)


def _pg(m: Members) -> np.ndarray:
    return m["kind"].isin(PARTY_GOV).to_numpy()


def _women(m: Members) -> np.ndarray:
    return (m["gender"] == "F").to_numpy()


def _college(m: Members) -> np.ndarray:
    return m["education"].isin(COLLEGE_OR_ABOVE).to_numpy()


def _youngest(m: Members) -> Value:
    return int(m["age"].min()) if len(m) else Unavailable("范围内无人", "nobody in scope")


def _counties_two_women(m: Members) -> Value:
    """Share of the counties whose party and government teams together have 2 or more
    women (seed 002: "大部分县(市、区)党政班子配备了2名以上的女干部", most of the counties:
    the unit is the county, R-TC5 (b))."""
    pg = m.loc[_pg(m)]
    if pg.empty:
        return Unavailable("无党政班子", "no party or government team")
    women = (pg["gender"] == "F").groupby(pg["team_region"]).sum()
    return round(float((women >= 2).mean()), 4)


def _min_locals(m: Members) -> Value:
    """The fewest locals among one county's party and government team members (seed 002:
    每个县党政班子成员中本地干部不少于3名, the county's two teams together, R-TC2)."""
    pg = m.loc[_pg(m)]
    if pg.empty:
        return Unavailable("无党政班子", "no party or government team")
    return int((pg["home_region"] == pg["team_region"]).groupby(pg["team_region"]).sum().min())


def _age_band(lo: int, hi: int) -> Callable[[Members], Value]:
    return lambda m: _count((m["age"] >= lo) & (m["age"] <= hi))


def _reserve_ratio(grade: str, rank: str) -> Callable[[Members], Value]:
    """Reserve cadres for `rank` not holding a post of that rank, per post of `grade` in
    scope (seed 003: 1:2 for heads, 1:1 for deputies)."""
    def ratio(m: Members) -> Value:
        posts = int(m.attrs["posts"][grade])
        if not posts:
            return Unavailable("范围内无此类职位", "no such posts in scope")
        pool = m.attrs["reserves"]
        placed = set(m.loc[m["p_level"] == RANK_LEVEL[rank], "cadre_id"])
        free = pool.loc[(pool["reserve_rank"] == rank) & ~pool["cadre_id"].isin(placed)]
        return round(len(free) / posts, 2)
    return ratio


def _avg_age_pg(m: Members) -> float | None:
    pg = _pg(m)
    return float(m["age"].to_numpy()[pg].mean()) if pg.any() else None


FULL_TIME_ONLY = Unavailable("数据只有全日制学历，公布数含在职教育",
                             "the data hold full-time education only; the published figure "
                             "counts every form of study")

LINFEN = Table("linfen", "002", "临汾市县级领导班子换届（2016）",
               "Linfen, county-level election cycle (2016)", COUNTY_KINDS, (
    Figure("members", "班子成员", "members", 445, lambda m: len(m)),
    Figure("promoted", "提拔", "promoted", 162, lambda m: _count(m["promoted"]), cycle=True),
    Figure("promoted_from_counties", "从县（市、区）提拔", "promoted from the counties", 133,
           lambda m: _count(m["promoted"] & m["county_cadre"]), cycle=True),
    Figure("promoted_from_counties_share", "从县（市、区）提拔比例",
           "share promoted from the counties", 0.821,
           lambda m: _share(m["county_cadre"], m["promoted"]), cycle=True),
    Figure("promoted_township_heads", "提拔的乡镇党政正职", "township heads promoted", 49,
           lambda m: _count(m["promoted"] & m["township_head_now"]), cycle=True),
    Figure("around_40", "40岁左右（38–42岁）", "around 40 (38–42)", 51,
           _age_band(38, 42)),
    Figure("around_35", "35岁左右（37岁以下）", "around 35 (37 or less)", 8,
           lambda m: _count(m["age"] <= 37),
           note_zh="51+8=59 即42岁以下人数，按37/38岁分界",
           note_en="51 + 8 = 59, the members of 42 or less: split at 37/38"),
    Figure("young_42", "42岁以下", "42 or less", 59, lambda m: _count(m["age"] <= 42)),
    Figure("youngest", "年龄最小", "youngest", 33, _youngest),
    Figure("heads_around_40", "40岁左右的县级党政正职", "party and government heads around 40",
           3, lambda m: _count(m["party_gov_head"] & (m["age"] >= 38) & (m["age"] <= 42)),
           note_zh="40岁左右按38–42岁计（R-TC11）", note_en="around 40 read as 38–42 (R-TC11)"),
    Figure("avg_age_change_party_gov", "党政班子平均年龄变化",
           "average age change, party and government teams", -2.9, lambda m: 0.0, cycle=True),
    Figure("college", "大专以上学历", "college or above", 441, lambda m: _count(_college(m))),
    Figure("college_share", "大专以上学历比例", "college or above, share", 0.991,
           lambda m: _share(_college(m), _everyone(m))),
    Figure("women", "女干部", "women", 62, lambda m: _count(_women(m))),
    Figure("women_share", "女干部比例", "women, share", 0.1393,
           lambda m: _share(_women(m), _everyone(m))),
    Figure("women_heads", "女党政正职", "women party and government heads", 3,
           lambda m: _count(_women(m) & m["party_gov_head"])),
    Figure("non_party", "党外干部", "non-Party", 52, lambda m: _count(m["party"] != "cpc")),
    Figure("non_party_county_gov", "县级政府班子党外干部", "non-Party in county governments", 6,
           lambda m: _count((m["party"] != "cpc") & (m["kind"] == "county_gov"))),
    Figure("counties_two_women_share", "党政班子有2名以上女干部的县（市、区）比例",
           "counties whose party and government teams have 2 or more women, share", "> 0.5",
           _counties_two_women, note_zh="公布为“大部分县（市、区）”",
           note_en="published as \"most counties\""),
    Figure("township_head", "乡镇党政正职经历", "township head experience", 169,
           lambda m: _count(m["township_head"])),
    Figure("township_head_share", "乡镇党政正职经历比例", "township head experience, share",
           0.378, lambda m: _share(m["township_head"], _everyone(m))),
    Figure("heads_township_head", "县级党政正职中有乡镇党政正职经历",
           "party and government heads with township head experience", 8,
           lambda m: _count(m["party_gov_head"] & m["township_head"])),
    Figure("min_locals_party_gov", "每县党政班子本地干部最少", "fewest locals, a county's party "
           "and government teams", "≥ 3", _min_locals),
))

NANPIAO = Table("nanpiao", "003", "南票区科级领导班子", "Nanpiao, section-level teams",
                SECTION_KINDS, (
    Figure("teams", "科级领导班子", "section-level teams", 71,
           lambda m: int(m.attrs["teams"])),
    Figure("members", "科级领导干部", "section-level leaders", 418, lambda m: len(m)),
    Figure("age_35_or_less", "35岁以下", "35 or less", 25, _age_band(0, 35),
           note_zh="推算：418−各年龄段合计393", note_en="derived: 418 less the 393 in the bands"),
    Figure("age_36_40", "36–40岁", "36–40", 64, _age_band(36, 40)),
    Figure("age_41_45", "41–45岁", "41–45", 91, _age_band(41, 45)),
    Figure("age_46_50", "46–50岁", "46–50", 111, _age_band(46, 50)),
    Figure("age_51_55", "51–55岁", "51–55", 92, _age_band(51, 55)),
    Figure("age_56_plus", "56岁以上", "56 or more", 35, _age_band(56, 200)),
    Figure("postgraduate", "研究生学历", "postgraduate", 30, lambda m: FULL_TIME_ONLY),
    Figure("postgraduate_full_time", "全日制研究生", "postgraduate, full-time", 6,
           lambda m: _count(m["education"] == "postgraduate")),
    Figure("university", "大学学历", "university", 173, lambda m: FULL_TIME_ONLY),
    Figure("bachelor_full_time", "全日制大学", "university, full-time", 56,
           lambda m: _count(m["education"] == "bachelor")),
    Figure("college", "专科学历", "college", 115,
           lambda m: _count(m["education"] == "college"),
           note_zh="数据为全日制专科，公布数含在职教育",
           note_en="full-time in the data; the published figure counts every form"),
    Figure("university_or_above_share", "大学以上学历比例", "university or above, share", 0.487,
           lambda m: FULL_TIME_ONLY),
    Figure("women", "妇女干部", "women", 111, lambda m: _count(_women(m))),
    Figure("non_party", "非党干部", "non-Party", 17, lambda m: _count(m["party"] != "cpc")),
    Figure("reserve_heads_ratio", "正职后备干部比例（每职位）", "reserves per head post", 2.0,
           _reserve_ratio("head", "正科"),
           note_zh="1:2；未任该职级职位的正科后备人数÷正职数",
           note_en="1:2; 正科 reserves not holding a 正科 post, per head post"),
    Figure("reserve_deputies_ratio", "副职后备干部比例（每职位）", "reserves per deputy post",
           1.0, _reserve_ratio("deputy", "副科"),
           note_zh="1:1；未任该职级职位的副科后备人数÷副职数",
           note_en="1:1; 副科 reserves not holding a 副科 post, per deputy post"),
))

TABLES: dict[str, Table] = {t.name: t for t in (LINFEN, NANPIAO)}


class TableChoiceError(ValueError):
    """The data set's shape does not say which published table to compare with."""


def choose_table(data: DataSet, name: str | None = None) -> Table:
    """`name` if given; otherwise the table whose team kinds the data set holds: county
    teams (linfen) or section-level teams (nanpiao). Holding both or neither is an
    error that asks for `--table`: no silent guess."""
    if name is not None:
        if name not in TABLES:
            raise TableChoiceError(f"unknown table {name!r}; expected one of {sorted(TABLES)}")
        return TABLES[name]
    kinds = set(data.teams["kind"])
    shaped = [t for t in TABLES.values() if kinds & set(t.kinds)]
    if len(shaped) != 1:
        found = ", ".join(sorted(kinds))
        raise TableChoiceError(
            f"cannot tell which published table the data set is shaped like (team kinds: "
            f"{found}); pass --table {'|'.join(TABLES)}"
            " / 无法判断对照哪份公布数据，请用 --table 指定")
    return shaped[0]


def calibration_table(data: DataSet, roster: pd.DataFrame, ref: dt.date,
                      table: Table | None = None) -> pd.DataFrame:
    """figure, published, before (the incumbents), proposal (`roster`), note_zh, note_en;
    "—" where a figure cannot be computed (its note says why)."""
    table = table or choose_table(data)
    inc = data.posts.loc[data.posts["incumbent_id"] != "", ["post_id", "incumbent_id"]]
    inc = inc.rename(columns={"incumbent_id": "cadre_id"})
    proposal = roster[["post_id", "cadre_id"]].astype(str)
    frames = {which: _members(data, h, table.kinds, ref, inc)
              for which, h in (("before", inc), ("proposal", proposal))}
    in_scope = data.teams["kind"].isin(table.kinds)
    grades = data.posts.loc[data.posts["team_id"].isin(data.teams.loc[in_scope, "team_id"]),
                            "grade"]
    for m in frames.values():  # what figures over the whole scope read besides the members
        m.attrs.update(teams=int(in_scope.sum()),
                       posts={g: int((grades == g).sum()) for g in ("head", "deputy")},
                       reserves=data.cadres[["cadre_id", "reserve_rank"]])
    rows = []
    for f in table.figures:
        before = CYCLE if f.cycle else f.compute(frames["before"])
        after = f.compute(frames["proposal"])
        if f.key == "avg_age_change_party_gov":
            a, b = _avg_age_pg(frames["proposal"]), _avg_age_pg(frames["before"])
            after = (round(a - b, 2) if a is not None and b is not None
                     else Unavailable("无党政班子", "no party or government team"))
        notes = [(f.note_zh, f.note_en)] if f.note_zh else []
        notes += [(v.zh, v.en) for v in dict.fromkeys((before, after))
                  if isinstance(v, Unavailable)]
        rows.append({"figure": f.key, "label_zh": f.zh, "label_en": f.en,
                     "published": f.published, "before": _cell(before),
                     "proposal": _cell(after),
                     "note_zh": "；".join(z for z, _ in notes),
                     "note_en": "; ".join(e for _, e in notes)})
    out = pd.DataFrame(rows, dtype=object)
    out.attrs["table"] = table.name
    return out


def _cell(v: Value) -> object:
    if isinstance(v, Unavailable):
        return NOT_SHOWN
    if isinstance(v, float) and math.isnan(v):
        raise ValueError("a calibration figure came out NaN")  # every gap has a reason
    return v


def render(table: pd.DataFrame, lang: str) -> str:
    """`calibration_table` as `placement calibrate` prints it: the table's seed, figure
    labels, headers and notes in the user's language."""
    zh = lang == "zh"
    t = TABLES[table.attrs["table"]]
    head = (f"对照公布数据：{t.zh}（资料 {t.seed}）" if zh
            else f"published figures: {t.en} (seed {t.seed})")
    shown = pd.DataFrame({
        value("figure", lang): table["label_zh" if zh else "label_en"],
        value("published", lang): table["published"],
        value("before", lang): table["before"],
        value("proposal", lang): table["proposal"],
        value("note", lang): table["note_zh" if zh else "note_en"],
    })
    return f"{head}\n{shown.to_string(index=False)}"
