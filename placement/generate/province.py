"""Profile `province`: a province-sized benchmark (the scale of solver-facts.md).

11 cities (C01–C11) with 100 counties in all (regions `C01R01` …), four county teams
each as in `linfen`, plus 36 municipal departments per city (`municipal_dept`,
正处 heads, 副处 deputies): about 800 teams and 4,900 posts. About 3,000 posts fall
vacant, with about three candidates each; candidates are nominated within their
city only, which keeps the possible pairs near 150,000. Built with the same steps
as the other profiles, so it too admits a roster under the default rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.generate.assemble import Generated, Recipe, assemble, channel_posts
from placement.generate.common import exact_choice, pick
from placement.generate.counties import (
    DEPT_SYSTEMS,
    TOWNSHIP,
    CountyPools,
    county_incumbents,
    county_structure,
)
from placement.generate.depts import DEPTS, KEY_SYSTEMS, LINES, DeptPools, dept_structure
from placement.generate.people import people, specialties, tenure
from placement.generate.succession import NON_PARTY_MIX, retiring

CITIES = ("太原市", "大同市", "朔州市", "忻州市", "阳泉市", "吕梁市", "晋中市", "长治市", "晋城市",
          "临汾市", "运城市")
COUNTIES_PER_CITY = (10, 9, 6, 12, 5, 11, 10, 10, 6, 11, 10)
DEPTS_PER_CITY = 36
MAX_CITIES = 80  # the county names (two syllables) run out beyond about 85 cities
VACANCY_SHARE = 0.62  # of all posts: vacant now or the holder leaving
SYLLABLES_A = tuple("安平宁清河山阳泉源城定乐永兴昌武文和丰临新长盛德广寿晋汾沁灵静岚")
SYLLABLES_B = tuple("川水原峰谷林州台池川泽亭关岭陵丘乡远顺庄坪泉石门沟")

FORCED = {"ro1": 15, "av2": 10, "el4": 5, "ro2": 12}
TENURE = {"ro3": 30, "ro4": 10, "ro5": 30}
PROBLEMS = {"low_approval": 40, "no_approval": 15, "sanction": 15, "sanction_expired": 10,
            "file": 10, "matters": 10, "basic_newest": 15, "basic_older": 10, "incompetent": 5,
            "short_rank": 40, "old": 15, "old_promotion": 15, "other_education": 20,
            "spouse_abroad": 6}


def county_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct two-character county names (synthetic)."""
    a = np.array(SYLLABLES_A, dtype=object)[rng.permutation(len(SYLLABLES_A))]
    b = np.array(SYLLABLES_B, dtype=object)[rng.permutation(len(SYLLABLES_B))]
    combos = [x + y for x in a for y in b if x != y]
    picked = rng.choice(len(combos), size=n, replace=False)
    return [combos[i] for i in picked]


def city_list(cities: int) -> list[tuple[str, int]]:
    """(name, counties) of the first `cities` cities; past the 11 of the province the
    list repeats with numbered names (太原2市 …): the scaling runs' larger sizes."""
    k = len(CITIES)
    return [(CITIES[i % k] if i < k else f"{CITIES[i % k][:-1]}{i // k + 1}市",
             COUNTIES_PER_CITY[i % k]) for i in range(cities)]


def structure(rng: np.random.Generator, cities: int
              ) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    chosen = city_list(cities)
    names = iter(county_names(rng, sum(n for _, n in chosen)))
    teams, posts, city_of, counties_of = [], [], {}, {}
    for c, (city, n) in enumerate(chosen, start=1):
        cid = f"C{c:02d}"
        counties_of[cid] = []
        poverty = exact_choice(rng, np.ones(n), max(1, n // 4))
        flagged = exact_choice(rng, np.ones(n), round(0.75 * n))
        for k in range(n):
            region = f"{cid}R{k + 1:02d}"
            suffix = "区" if k == 0 else "市" if k == n - 1 else "县"
            t, p = county_structure(rng, region, next(names) + suffix, poverty=bool(poverty[k]),
                                    gov_non_party=bool(flagged[k]))
            teams += t
            posts += p
            city_of[region] = cid
            counties_of[cid].append(region)
        t, p = dept_structure(cid, "市", DEPTS[:DEPTS_PER_CITY], "正处", "副处", f"{cid}-D",
                              "municipal_dept", rng)
        for team in t:
            team["name"] = city + team["name"].removeprefix("市")
        teams += t
        posts += p
    teams, posts = pd.DataFrame(teams), pd.DataFrame(posts)
    posts["team"] = pd.Index(teams["team_id"]).get_indexer(posts["team_id"])
    return teams, posts, city_of, counties_of


def municipal_incumbents(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
                         rows: np.ndarray, counties_of: dict[str, list[str]]) -> pd.DataFrame:
    n = len(rows)
    team = posts["team"].to_numpy()[rows]
    city = teams["region"].to_numpy(dtype=object)[team]
    system = teams["system"].to_numpy(dtype=object)[team]
    head = posts["grade"].to_numpy(dtype=object)[rows] == "head"
    key = posts["key_post"].to_numpy(bool)[rows]
    age = np.clip(np.rint(rng.normal(np.where(head, 51.0, 46.0), 5.5)), 33, 59).astype(np.int64)
    county_home = np.array([counties_of[c][rng.integers(len(counties_of[c]))] for c in city],
                           dtype=object)
    home = np.where(~key & (rng.random(n) < 0.5), city, county_home).astype(object)
    frame = people(rng, rank=posts["rank"].to_numpy(dtype=object)[rows], age=age, region=city,
                   home_region=home, system=system, p_female=0.2,
                   education_p=(0.22, 0.6, 0.17, 0.01),
                   rank_years=(np.where(head, 1.0, 0.5), 12.0))
    frame["post"] = rows
    flagged = teams["needs_non_party"].to_numpy(bool)[team]
    weight = np.where(np.isin(system, (*KEY_SYSTEMS, "宣传", "统战", "党建", "政法")), 0.0,
                      np.where(flagged, 5.0, 0.5)) * np.where(head, 0.3, 1.0)
    non_party = exact_choice(rng, weight, round(0.05 * n))
    frame.loc[non_party, "party"] = pick(rng, NON_PARTY_MIX, int(non_party.sum()))
    frame["exchanged_in"] = rng.random(n) < 0.3
    professional = teams["professional"].to_numpy(bool)[team]
    primary = np.where(professional & (rng.random(n) < 0.55), system, "")
    frame["specialties"] = specialties(rng, primary.astype(object), 0.6)
    frame["township_head"] = rng.random(n) < 0.2
    tenure(rng, frame, np.arange(n),
           has_portfolio=posts["portfolio"].to_numpy(dtype=object)[rows] != "")
    return frame


class _Split:
    """Candidates for county posts from `CountyPools`, for departments from `DeptPools`."""

    def __init__(self, county: CountyPools, dept: DeptPools):
        self.county, self.dept = county, dept

    def origins(self, rng: np.random.Generator, req: pd.DataFrame) -> dict:
        is_dept = (req["kind"] == "municipal_dept").to_numpy()
        out: dict = {}
        for rows, origins in ((np.flatnonzero(~is_dept), self.county.origins),
                              (np.flatnonzero(is_dept), self.dept.origins)):
            if not len(rows):
                continue
            for key, values in origins(rng, req.iloc[rows]).items():
                column = out.setdefault(key, np.empty(len(req), dtype=object))
                part = np.empty(len(rows), dtype=object)
                part[:] = list(values)
                column[rows] = part
        return out

    def nominate(self, rng: np.random.Generator, cad: pd.DataFrame, rows: np.ndarray) -> list:
        municipal = np.array([len(r) == 3 for r in cad["region"].to_numpy(dtype=object)[rows]])
        out: list = [None] * len(rows)
        for mask, nominate in ((~municipal, self.county.nominate_sitting),
                               (municipal, self.dept.nominate_sitting)):
            idx = np.flatnonzero(mask)
            for i, names in zip(idx, nominate(rng, cad, rows[idx]), strict=True):
                out[i] = names
        return out


def build(seed: int, cities: int = len(CITIES)) -> Generated:
    """The first `cities` cities (all 11 by default): the benchmark's intermediate sizes
    (`province2`, `province4`, `province8`) and the scaling run (`scale60`: 60 cities,
    about 27,000 posts, the Marine Corps scale of issue 7) come from the same recipe."""
    if not 1 <= cities <= MAX_CITIES:
        raise ValueError(f"cities must be 1..{MAX_CITIES}, got {cities}")
    rng = np.random.default_rng(seed)
    teams, posts, city_of, counties_of = structure(rng, cities)
    kind = teams["kind"].to_numpy(dtype=object)[posts["team"].to_numpy()]
    head = posts["grade"].to_numpy(dtype=object) == "head"
    channel = channel_posts(posts)  # 人武部: never vacant, the officer stays
    n_vacant = round(0.12 * len(posts))
    vacant = exact_choice(rng, np.where(channel, 0.0, np.where(head, 0.4, 1.0)), n_vacant)
    county_rows = np.flatnonzero(~vacant & (kind != "municipal_dept"))
    dept_rows = np.flatnonzero(~vacant & (kind == "municipal_dept"))
    home_pool = {r: [c, *[x for x in counties_of[c] if x != r]] for r, c in city_of.items()}
    sitting = pd.concat([county_incumbents(rng, teams, posts, county_rows, home_pool),
                         municipal_incumbents(rng, teams, posts, dept_rows, counties_of)],
                        ignore_index=True)
    leaving = retiring(sitting["age"].to_numpy())  # R-EL7: nobody leaves for age
    more = round(VACANCY_SHARE * len(posts)) - n_vacant - leaving.sum()
    on = sitting["post"].to_numpy()
    weight = np.where(channel[on], 0.0, np.where(head[on], 0.3, 1.0))
    sitting["leaving"] = leaving | exact_choice(rng, np.where(leaving, 0.0, weight), more)
    regions = sorted({*city_of, *counties_of})
    county = CountyPools(city_of=city_of | {c: c for c in counties_of}, counties_of=counties_of,
                         extra_counties=(0, 0), municipal_counties=(1, 1), by_team=True)
    dept_teams = teams[teams["kind"] == "municipal_dept"]
    dept = DeptPools(teams_of={c: g["team_id"].tolist() for c, g in dept_teams.groupby("region")},
                     post_team=posts["team_id"].to_numpy(dtype=object), regions=regions,
                     low_rank="正科", p_lateral=0.1, other_teams=(1, 2),
                     education_p=(0.2, 0.62, 0.17, 0.01), age=(42.0, 5.0, 31, 54))
    split = _Split(county, dept)
    recipe = Recipe(prefix="P", regions=regions, systems=[TOWNSHIP, *DEPT_SYSTEMS, *LINES],
                    origins=split.origins, nominate_sitting=split.nominate,
                    sitting_candidate_share=0.08, forced=FORCED, tenure=TENURE,
                    problems=PROBLEMS, kin_near=60, kin_far=40)
    return assemble(rng, teams, posts, sitting, recipe)
