"""Profile `linfen`: the 2016 county-level election cycle of Linfen city (seed 002).

17 counties (R01–R17; R00 is the city itself, home of the municipal organs), four
teams each, about 450 posts. Sitting leaders are drawn to the published figures
(445 leaders, 62 women = 13.93 %, 52 non-Party cadres, 169 = 37.8 % with township
head experience, 441 with a college degree); about 160 posts fall vacant in the
cycle (vacant now or the holder leaving), with about three candidates each: mostly
正科 cadres of the counties, about a fifth from the municipal organs, a few 副处
cadres for 正处 posts. About 50 of the vacancies are county government deputy posts,
each with a township head just elected in the township election as its designated
successor (seed 002: 49 township heads promoted, all kept in their own county's
government, R-RO6). Six county governments need a non-Party cadre (seed 002: 6 placed)
and the five national poverty counties' governments a "三农" expert. Every sitting
cadre carries a democratic evaluation (R-RO9, taken in the reference year), six of them
below its thresholds, and three of those an organisational finding (2 不胜任现职, 1 不称职,
seed 003's shape). Nobody leaves for age: sitting cadres are 59 at most, and those
who reach 60 within the term stay (R-EL7 retires at the age on the reference date). Each
county party committee's 人武部部长 is an active-duty officer (system 人武) who stays: his
post is filled through the military (`filled_by` by title), never vacant here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.generate.assemble import Generated, Recipe, assemble, channel_posts
from placement.generate.common import exact_choice
from placement.generate.counties import (
    DEPT_SYSTEMS,
    TOWNSHIP,
    CountyPools,
    county_incumbents,
    county_structure,
)
from placement.generate.succession import retiring

CITY = ("R00", "临汾市")
COUNTIES = ("尧都区", "侯马市", "霍州市", "曲沃县", "翼城县", "襄汾县", "洪洞县", "古县", "安泽县",
            "浮山县", "吉县", "乡宁县", "大宁县", "隰县", "永和县", "蒲县", "汾西县")
POVERTY = ("吉县", "大宁县", "隰县", "永和县", "汾西县")  # 国定贫困县
REGIONS = tuple(f"R{i:02d}" for i in range(1, len(COUNTIES) + 1))
VACANCIES = 160  # vacant posts + leaving holders in the cycle (seed 002: 162 promoted)
# Deputy posts of the county governments open in the cycle: the township heads just
# elected in the township election are all placed in their own county's government
# (R-RO6, "均留在本县政府班子任职") and seed 002 promotes 49 township heads, so about 50
# non-key government deputy posts open (of about 83).
GOV_DEPUTY_VACANCIES = 54
GOV_NON_PARTY_TEAMS = 6  # county governments flagged 党外干部必配 (seed 002: "县级政府班子
# 配备党外干部6名", and "不硬性配备": not every government)

FORCED = {"ro1": 3, "av2": 2, "el4": 1}
TENURE = {"ro3": 6, "ro5": 6}
PROBLEMS = {"low_approval": 6, "no_approval": 2, "sanction": 3, "sanction_expired": 2,
            "file": 2, "matters": 2, "basic_newest": 3, "basic_older": 2, "incompetent": 1,
            "short_rank": 6, "old": 3, "old_promotion": 3, "other_education": 4,
            "spouse_abroad": 2}
RATINGS = {"ro9_adjust": 4, "ro9_remove": 2,  # 6 of about 430 sitting cadres (1.4 %) ...
           "unfit_post": 2, "incompetent": 1}  # ... 3 of them with a finding (seed 003)


def structure(rng: np.random.Generator, regions=REGIONS, names=COUNTIES, poverty=POVERTY,
              gov_non_party: int = GOV_NON_PARTY_TEAMS) -> tuple[pd.DataFrame, pd.DataFrame]:
    flagged = exact_choice(rng, np.ones(len(regions)), gov_non_party)
    teams, posts = [], []
    for region, name, flag in zip(regions, names, flagged, strict=True):
        t, p = county_structure(rng, region, name, poverty=name in poverty, gov_non_party=flag)
        teams += t
        posts += p
    teams, posts = pd.DataFrame(teams), pd.DataFrame(posts)
    posts["team"] = pd.Index(teams["team_id"]).get_indexer(posts["team_id"])
    return teams, posts


def sitting_leaders(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
                    home_pool: dict[str, list[str]], n_vacant: int, vacancies: int
                    ) -> pd.DataFrame:
    """Sitting leaders of the filled posts. Non-key government deputies leave until
    `GOV_DEPUTY_VACANCIES` of their posts are open (moved on or up: their posts go to the
    township heads, R-RO6), and more of the other members leave (other posts outside the
    city's county teams, removal), heads less often, until the cycle has `vacancies`
    vacancies. None leaves for age (R-EL7: nobody sitting is at the retirement age) and
    the draws do not weigh it;
    the 人武部 posts (filled through the military) are never vacant and their officers
    never leave."""
    head = posts["grade"].to_numpy(dtype=object) == "head"
    gov_deputy = ((teams["kind"].to_numpy(dtype=object)[posts["team"].to_numpy()] == "county_gov")
                  & ~head & ~posts["key_post"].to_numpy(bool))
    channel = channel_posts(posts)
    vacant = exact_choice(rng, np.where(channel, 0.0, np.where(head, 0.4, 1.0)), n_vacant)
    sitting = county_incumbents(rng, teams, posts, np.flatnonzero(~vacant), home_pool)
    age = sitting["age"].to_numpy()
    leaving = retiring(age)
    on = sitting["post"].to_numpy()
    open_gov = (gov_deputy & vacant).sum() + (leaving & gov_deputy[on]).sum()
    leaving |= exact_choice(rng, np.where(gov_deputy[on] & ~leaving, 1.0, 0.0),
                            GOV_DEPUTY_VACANCIES - open_gov)
    more = vacancies - n_vacant - leaving.sum()
    # heads are mostly re-elected: their weight is lowered; the open government deputy
    # posts are counted above already
    weight = np.where(leaving | channel[on] | gov_deputy[on], 0.0, np.where(head[on], 0.3, 1.0))
    leaving |= exact_choice(rng, weight, more)
    sitting["leaving"] = leaving
    return sitting


def build(seed: int) -> Generated:
    rng = np.random.default_rng(seed)
    teams, posts = structure(rng)
    city, regions = CITY[0], list(REGIONS)
    home_pool = {r: [city, *[x for x in regions if x != r]] for r in regions}
    sitting = sitting_leaders(rng, teams, posts, home_pool, int(rng.integers(12, 19)), VACANCIES)
    pools = CountyPools(city_of=dict.fromkeys(regions, city), counties_of={city: regions})
    recipe = Recipe(prefix="LF", regions=[city, *regions],
                    systems=[TOWNSHIP, *DEPT_SYSTEMS], origins=pools.origins,
                    nominate_sitting=pools.nominate_sitting, forced=FORCED, tenure=TENURE,
                    problems=PROBLEMS, ratings=RATINGS, kin_near=7, kin_far=5, head_alternates=1,
                    sitting_candidate_share=0.15)
    return assemble(rng, teams, posts, sitting, recipe)
