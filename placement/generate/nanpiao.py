"""Profile `nanpiao`: the section-level teams of Nanpiao district (seed 003).

71 teams (10 townships, 7 streets, 54 district departments), heads 正科 and
deputies 副科. The 418 sitting leaders follow the published figures exactly:
ages 36–40: 64, 41–45: 91, 46–50: 111, 51–55: 92, 56+: 35 (the other 25 younger);
111 women; 17 non-Party cadres; full-time education 6 postgraduate, 56 bachelor,
115 college, the rest below. Departments of the discipline commission carry
dispatched inspection group leaders (R-RO4); some sitting cadres came from outside
their system (`exchanged_in`, R-TC1). Candidates are 副科 cadres (科员 modelled as
副科): lateral moves to deputy posts, promotion to head posts; many are in the
reserve pool (后备干部, R-RS1: two per head post and one per deputy post is the
goal, partly met). Every sitting cadre carries a democratic evaluation taken in the
reference year; five fall below R-RO9's thresholds and three of those carry an
organisational finding (2 不胜任现职, 1 不称职). Nobody leaves for age.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.generate.assemble import Generated, Recipe, assemble
from placement.generate.common import exact_choice, pick
from placement.generate.depts import (
    DEPTS,
    KEY_SYSTEMS,
    LINES,
    DeptPools,
    dept_structure,
    township_structure,
)
from placement.generate.people import people, specialties, tenure
from placement.generate.succession import NON_PARTY_MIX, retiring
from placement.meaning.posts import party_post_default

REGION = "NP"  # 南票区
NEIGHBOURS = ("LS", "LG", "XC", "SZ", "JC")  # 连山区, 龙港区, 兴城市, 绥中县, 建昌县
TOWNSHIPS = ("暖池塘镇", "高桥镇", "虹螺岘镇", "缸窑岭镇", "金星镇", "台集屯镇", "女儿河乡",
             "黄土坎乡", "张相公屯乡", "大兴乡")
STREETS = ("赵屯街道", "沙锅屯街道", "三家子街道", "邱皮沟街道", "苇子沟街道", "九龙街道",
           "小凌河街道")
LEADERS = 418
WOMEN = 111
NON_PARTY = 17
AGE_BANDS = ((29, 35, 25), (36, 40, 64), (41, 45, 91), (46, 50, 111), (51, 55, 92),
             (56, 59, 35))
EDUCATION = (("postgraduate", 6, 6.0), ("bachelor", 56, 8.0), ("college", 115, 12.0))
VACANCIES = 70

FORCED = {"ro1": 3, "ro2": 5, "av2": 1, "el4": 1}
TENURE = {"ro3": 5, "ro4": 2, "ro5": 5}
PROBLEMS = {"low_approval": 4, "no_approval": 2, "sanction": 2, "sanction_expired": 1,
            "file": 1, "matters": 1, "basic_newest": 2, "basic_older": 2, "incompetent": 1,
            "short_rank": 4, "old": 2, "old_promotion": 2, "other_education": 0,
            "spouse_abroad": 1}
RATINGS = {"ro9_adjust": 3, "ro9_remove": 2,  # 5 of 418 sitting cadres (1.2 %) ...
           "unfit_post": 2, "incompetent": 1}  # ... 3 of them with a finding (seed 003)


def structure(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = [township_structure(REGION, TOWNSHIPS, "township", f"{REGION}-T", rng),
             township_structure(REGION, STREETS, "street", f"{REGION}-S", rng),
             dept_structure(REGION, "区", DEPTS, "正科", "副科", f"{REGION}-D", "district_dept",
                            rng)]
    teams = pd.DataFrame([t for p in parts for t in p[0]])
    teams["name"] = [n if n.endswith(("镇", "乡", "街道")) or n.startswith("南票") else "南票" + n
                     for n in teams["name"]]
    posts = pd.DataFrame([x for p in parts for x in p[1]])
    posts["team"] = pd.Index(teams["team_id"]).get_indexer(posts["team_id"])
    return teams, posts


def leader_ages(rng: np.random.Generator) -> np.ndarray:
    return np.concatenate([rng.integers(lo, hi + 1, n) for lo, hi, n in AGE_BANDS])


def sitting_leaders(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame
                    ) -> pd.DataFrame:
    head = posts["grade"].to_numpy(dtype=object) == "head"
    vacant = exact_choice(rng, np.where(head, 0.3, 1.0), len(posts) - LEADERS)
    rows = np.flatnonzero(~vacant)
    n = len(rows)
    team = posts["team"].to_numpy()[rows]
    kind = teams["kind"].to_numpy(dtype=object)[team]
    system = teams["system"].to_numpy(dtype=object)[team]
    head = head[rows]
    key = posts["key_post"].to_numpy(bool)[rows]
    # Older in heads and departments, younger in townships (seed 003).
    score = 4.0 * head - 3.0 * (kind == "township") - 1.5 * (kind == "street") + rng.normal(0, 6, n)
    age = np.empty(n, dtype=np.int64)
    age[np.argsort(score, kind="stable")] = np.sort(leader_ages(rng))
    women = exact_choice(rng, np.where(teams["name"].str.endswith("妇女联合会").to_numpy()[team],
                                       20.0, np.where(head, 0.6, 1.2)), WOMEN)
    education = np.full(n, "other", dtype=object)
    for level, k, scale in EDUCATION:
        free = education == "other"
        education[exact_choice(rng, np.where(free, np.exp(-(age - 29) / scale), 0.0), k)] = level
    local = ~key & (rng.random(n) < 0.78)
    home = np.where(local, REGION, pick(rng, NEIGHBOURS, n)).astype(object)
    frame = people(rng, rank=posts["rank"].to_numpy(dtype=object)[rows], age=age, region=REGION,
                   home_region=home, system=system, female=women, education=education,
                   rank_years=(np.where(head, 1.0, 0.5), 12.0))
    frame["post"] = rows
    flagged = teams["needs_non_party"].to_numpy(bool)[team]
    party_organ = np.isin(system, (*KEY_SYSTEMS, "宣传", "统战", "党建", "政法"))
    party_post = party_post_default(kind, posts["title"].to_numpy(dtype=object)[rows])  # R-EL10
    weight = np.select([flagged & ~party_post, party_organ | party_post, kind == "district_dept"],
                       [6.0, 0.0, 0.8], 0.3)
    non_party = exact_choice(rng, weight * np.where(head, 0.3, 1.0), NON_PARTY)
    frame.loc[non_party, "party"] = pick(rng, NON_PARTY_MIX, NON_PARTY)
    town_head = head & np.isin(kind, ("township", "street"))
    frame["township_head"] = town_head | (rng.random(n) < np.where(head, 0.35, 0.12))
    dept = kind == "district_dept"
    frame["exchanged_in"] = dept & (rng.random(n) < np.where(head, 0.4, 0.3))
    professional = teams["professional"].to_numpy(bool)[team]
    primary = np.where(professional & (rng.random(n) < 0.55), system,
                       np.where(np.isin(kind, ("township", "street")), "农业", ""))
    frame["specialties"] = specialties(rng, primary.astype(object), 0.6)
    tenure(rng, frame, np.arange(n), has_portfolio=posts["portfolio"].to_numpy(dtype=object)[rows]
           != "")
    # Nobody is at the retirement age (R-EL7), so nobody leaves for age: the 35 of 56 or
    # more (seed 003) stay unless a rule moves them. Others leave (other posts outside the
    # district's teams, removal) until the cycle has VACANCIES, whatever their age.
    leaving = retiring(frame["age"].to_numpy())
    more = VACANCIES - (len(posts) - LEADERS) - leaving.sum()
    frame["leaving"] = leaving | exact_choice(rng, np.where(leaving, 0.0, 1.0), more)
    return frame


def reserves(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
             cad: pd.DataFrame) -> None:
    """The reserve pool (后备干部), marked with the post level each is reserved for: about
    60 % of the 1:2 (heads) / 1:1 (deputies) goal of seed 003, which itself reports the
    pool short ("后备人才储备不足"). The designated successors promoted to non-key head
    posts are in the 正科 pool (so the witness pays no R-RS2 penalty there); the other
    head reserves are local and a single non-local one, so the key posts (R-AV2) stay
    uncovered."""
    goal_heads = 2 * int((posts["grade"] == "head").sum())
    goal_deputies = int((posts["grade"] == "deputy").sum())
    ok = ~cad["leaving"].to_numpy(bool) & (cad["rank"].to_numpy(dtype=object) == "副科")
    local = cad["home_region"].to_numpy(dtype=object) == REGION
    young = cad["age"].to_numpy() <= 45
    target = cad["target"].to_numpy()
    t = np.maximum(target, 0)
    for_head = ((target >= 0) & ok & (posts["grade"].to_numpy(dtype=object)[t] == "head")
                & ~posts["key_post"].to_numpy(bool)[t])
    for_head |= exact_choice(rng, np.where(ok & young & local & ~for_head, 1.0, 0.0),
                             round(0.6 * goal_heads) - for_head.sum())
    for_head |= exact_choice(rng, np.where(ok & young & ~local & ~for_head, 1.0, 0.0), 1)
    outside = cad["post"].to_numpy() < 0
    for_deputy = exact_choice(rng, np.where(ok & outside & ~for_head, 1.0, 0.0),
                              round(0.6 * goal_deputies))
    cad.loc[for_head, "reserve_rank"] = "正科"
    cad.loc[for_deputy, "reserve_rank"] = "副科"


def build(seed: int) -> Generated:
    rng = np.random.default_rng(seed)
    teams, posts = structure(rng)
    sitting = sitting_leaders(rng, teams, posts)
    pools = DeptPools(teams_of={REGION: teams["team_id"].tolist()},
                      post_team=posts["team_id"].to_numpy(dtype=object),
                      regions=list(NEIGHBOURS), low_rank="副科")
    recipe = Recipe(prefix="NP", regions=[REGION, *NEIGHBOURS], systems=list(LINES),
                    origins=pools.origins, nominate_sitting=pools.nominate_sitting,
                    sitting_candidate_share=0.15, forced=FORCED, tenure=TENURE,
                    problems=PROBLEMS, ratings=RATINGS, kin_near=6, kin_far=4, finish=reserves)
    return assemble(rng, teams, posts, sitting, recipe)
