"""County leadership: the four county teams and their sitting members (seed 002).

Each county (县/区/县级市) has a party standing committee (县委常委), a government
(县政府), a people's congress standing committee (县人大常委会) and a CPPCC
committee (县政协). Titles follow the county's own word: 县长, 区长 or 市长.
Sitting members are drawn so that the county-level figures of seed 002 come out:
women, non-Party cadres, township head experience and education are chosen as
exact counts; ages are drawn by post type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.generate.common import SPECIALTIES, exact_choice, pick
from placement.generate.people import people, specialties, tenure
from placement.generate.succession import NON_PARTY_MIX

SPECIALTIES_SET = list(SPECIALTIES)
KIND_CODE = {"county_party": "DW", "county_gov": "ZF", "county_npc": "RD", "county_cppcc": "ZX"}
SYSTEM = {"county_party": "党委", "county_gov": "政府", "county_npc": "人大",
          "county_cppcc": "政协"}
GOV_PORTFOLIOS = ("工业", "教育卫生", "城建", "文旅", "应急", "商务", "自然资源", "民政")
NPC_PORTFOLIOS = ("法制", "财经", "农业农村", "教科文卫", "代表工作")
CPPCC_PORTFOLIOS = ("提案", "文史", "经济", "社会法制", "联络")
PARTY_EXTRAS = (("{s}委常委、经济开发区党工委书记", "开发区"), ("{s}委常委、副{s}长", "工业"),
                ("{s}委常委、城区党工委书记", "城市管理"))
# Portfolio -> the specialty a member in charge of it usually has.
PORTFOLIO_SPECIALTY = {
    "党群": "党建", "纪检监察": "纪检监察", "组织": "组织", "宣传": "宣传", "政法": "法律",
    "统战": "统战", "办公室": "党建", "人武": "应急", "开发区": "经济", "城市管理": "城建",
    "常务": "财政", "公安": "公安", "农业农村": "农业", "工业": "工业", "教育卫生": "教育",
    "城建": "城建", "文旅": "文旅", "应急": "应急", "商务": "商务", "自然资源": "自然资源",
    "民政": "民政", "法制": "法律", "财经": "财政", "教科文卫": "教育", "代表工作": "党建",
    "提案": "党建", "文史": "文旅", "经济": "经济", "社会法制": "法律", "联络": "统战",
}


def county_structure(rng: np.random.Generator, region: str, name: str, *, poverty: bool,
                     gov_non_party: bool) -> tuple[list[dict], list[dict]]:
    """The four teams of one county and their posts."""
    s = name[-1]  # 县, 区 or 市
    teams, posts = [], []

    def team(kind: str, team_name: str, **flags) -> str:
        tid = f"{region}-{KIND_CODE[kind]}"
        teams.append({"team_id": tid, "name": team_name, "kind": kind, "region": region,
                      "system": SYSTEM[kind], "needs_non_party": False, "professional": False,
                      "needs_specialty": ""} | flags)
        return tid

    def post(tid: str, title: str, grade: str, portfolio: str = "", key: bool = False,
             specialty: str = "") -> None:
        k = sum(p["team_id"] == tid for p in posts) + 1
        posts.append({"post_id": f"{tid}-{k:02d}", "team_id": tid, "title": title.format(s=s),
                      "grade": grade, "rank": "正处" if grade == "head" else "副处",
                      "portfolio": portfolio, "specialty": specialty, "key_post": key,
                      "dispatched": False})

    t = team("county_party", f"中共{name}委员会")
    post(t, "{s}委书记", "head", key=True)
    post(t, "{s}委副书记", "deputy", "党群")
    post(t, "{s}委常委、纪委书记、监委主任", "deputy", "纪检监察", key=True)
    post(t, "{s}委常委、组织部部长", "deputy", "组织", key=True)
    post(t, "{s}委常委、宣传部部长", "deputy", "宣传")
    post(t, "{s}委常委、政法委书记", "deputy", "政法")
    post(t, "{s}委常委、统战部部长", "deputy", "统战")
    post(t, "{s}委常委、{s}委办公室主任", "deputy", "办公室")
    post(t, "{s}委常委、人武部部长", "deputy", "人武")
    for i in sorted(rng.choice(len(PARTY_EXTRAS), size=rng.integers(1, 3), replace=False)):
        post(t, PARTY_EXTRAS[i][0], "deputy", PARTY_EXTRAS[i][1])

    t = team("county_gov", f"{name}人民政府", needs_non_party=gov_non_party,
             needs_specialty="三农" if poverty else "")
    post(t, "{s}长", "head", key=True)
    post(t, "常务副{s}长", "deputy", "常务")
    post(t, "副{s}长、公安局局长", "deputy", "公安", key=True, specialty="公安")
    post(t, "副{s}长", "deputy", "农业农村", specialty="三农" if poverty else "")
    for i in sorted(rng.choice(len(GOV_PORTFOLIOS), size=rng.integers(2, 5), replace=False)):
        post(t, "副{s}长", "deputy", GOV_PORTFOLIOS[i])

    t = team("county_npc", f"{name}人大常委会")
    post(t, "人大常委会主任", "head")
    for i in sorted(rng.choice(len(NPC_PORTFOLIOS), size=rng.integers(3, 5), replace=False)):
        post(t, "人大常委会副主任", "deputy", NPC_PORTFOLIOS[i])

    t = team("county_cppcc", f"政协{name}委员会", needs_non_party=True)
    post(t, "政协主席", "head")
    for i in sorted(rng.choice(len(CPPCC_PORTFOLIOS), size=rng.integers(3, 5), replace=False)):
        post(t, "政协副主席", "deputy", CPPCC_PORTFOLIOS[i])
    return teams, posts


@dataclass(frozen=True)
class CountyFigures:
    """Shares and counts the sitting county leaders are drawn to (seed 002)."""
    women_share: float = 62 / 445
    non_party_share: float = 52 / 445
    gov_non_party_share: float = 6 / 445  # non-Party deputy county heads
    township_share: float = 169 / 445
    other_education_share: float = 4 / 445  # 441 of 445 have a college degree or above


def county_incumbents(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
                      rows: np.ndarray, home_pool: dict[str, list[str]],
                      figures: CountyFigures = CountyFigures()) -> pd.DataFrame:
    """One sitting cadre per post in `rows` (county teams). `home_pool[region]` lists the
    places a non-local member of that county's teams grew up in."""
    n = len(rows)
    team = posts["team"].to_numpy()[rows]
    kind = teams["kind"].to_numpy(dtype=object)[team]
    region = teams["region"].to_numpy(dtype=object)[team]
    head = posts["grade"].to_numpy(dtype=object)[rows] == "head"
    key = posts["key_post"].to_numpy(bool)[rows]
    partygov = np.isin(kind, ("county_party", "county_gov"))
    # Ages: heads ~52, party/government deputies ~48, congress/CPPCC members older (the
    # oldest leave, so the cycle lowers the party and government teams' age, seed 002).
    mean = np.select([head & partygov, head, partygov], [52.0, 56.0, 48.0], 54.0)
    sd = np.select([head & partygov, head, partygov], [3.5, 2.5, 5.0], 4.0)
    low = np.select([head, partygov], [44, 33], 40)
    age = np.clip(np.rint(rng.normal(mean, sd)), low, 59).astype(np.int64)
    female = exact_choice(rng, np.select([head, partygov], [0.3, 1.0], 1.5),
                          round(figures.women_share * n))
    local_p = np.where(partygov, 0.6, 0.85)
    local = ~key & (rng.random(n) < local_p)
    home = np.array([r if loc else home_pool[r][rng.integers(len(home_pool[r]))]
                     for r, loc in zip(region, local, strict=True)], dtype=object)
    young = age < 40
    edu_p = np.where(young, 0.3, 0.12)
    education = np.where(rng.random(n) < edu_p, "postgraduate",
                         np.where(rng.random(n) < 0.72, "bachelor", "college")).astype(object)
    other = exact_choice(rng, np.where(~partygov & ~head, (age - 40.0).clip(1), 0),
                         round(figures.other_education_share * n))
    education[other] = "other"
    frame = people(rng, rank=posts["rank"].to_numpy(dtype=object)[rows], age=age, region=region,
                   home_region=home, system=teams["system"].to_numpy(dtype=object)[team],
                   female=female, education=education,
                   rank_years=(np.where(head, 1.0, 0.5), np.where(head, 12.0, 13.0)))
    frame["post"] = rows
    gov_deputy = (kind == "county_gov") & ~head & ~key
    flagged = teams["needs_non_party"].to_numpy(bool)[team]
    n_np = round(figures.non_party_share * n)
    n_gov = round(figures.gov_non_party_share * n)
    np_gov = exact_choice(rng, np.where(gov_deputy & flagged, 1.0, 0.0), n_gov)
    rest = np.select([np_gov, (kind == "county_cppcc") & ~head, (kind == "county_npc") & ~head],
                     [0.0, 2.4, 1.0], 0.0)
    non_party = np_gov | exact_choice(rng, rest, n_np - np_gov.sum())
    frame.loc[non_party, "party"] = pick(rng, NON_PARTY_MIX, int(non_party.sum()))
    frame["township_head"] = exact_choice(
        rng, np.select([non_party, partygov], [0.15, 1.5], 0.7), round(figures.township_share * n))
    portfolio = posts["portfolio"].to_numpy(dtype=object)[rows]
    primary = pd.Series(portfolio).map(PORTFOLIO_SPECIALTY).fillna("").to_numpy(dtype=object)
    frame["specialties"] = specialties(rng, primary)
    tenure(rng, frame, np.arange(n), has_portfolio=portfolio != "")
    return frame


# --- candidates for county posts ---------------------------------------------------------
DEPT_SYSTEMS = ("财政", "经济", "农业", "工业", "城建", "交通", "水利", "教育", "卫生", "法律",
                "组织", "宣传", "统战", "审计", "自然资源", "生态环境", "商务", "文旅", "应急",
                "民政", "人社", "市场监管", "纪检监察", "公安")
TOWNSHIP = "乡镇"


@dataclass(frozen=True)
class CountyPools:
    """Where candidates for county posts come from: their own county (township and
    county department heads), the municipal organs of the city, or another county
    (cadres already picked at county level, 县级班子初步人选, seed 002)."""
    city_of: dict[str, str]  # county region -> city region
    counties_of: dict[str, list[str]]  # city region -> its county regions
    p_municipal: float = 0.18
    p_pick: float = 0.08
    extra_counties: tuple[int, int] = (1, 2)  # own-county candidates: other counties named
    municipal_counties: tuple[int, int] = (3, 5)
    by_team: bool = False  # nominate team ids of the county instead of the region

    def others(self, rng, region: str, k: int) -> list[str]:
        pool = [c for c in self.counties_of[self.city_of[region]] if c != region]
        return [pool[i] for i in sorted(rng.choice(len(pool), size=min(k, len(pool)),
                                                   replace=False))]

    def origins(self, rng: np.random.Generator, req: pd.DataFrame) -> dict:
        n = len(req)
        region = req["region"].to_numpy(dtype=object)
        high = req["p_rank"].to_numpy(dtype=object) == "正处"
        # township heads just elected (R-RO6): the designated successors of the open
        # government deputy posts that need no non-Party or non-local member
        gov = req["kind"].to_numpy(dtype=object) == "county_gov"
        now = (gov & req["designated"].to_numpy(bool) & (req["grade"] == "deputy").to_numpy()
               & ~req["key"].to_numpy(bool) & ~req["need_nonparty"].to_numpy(bool)
               & ~req["need_nonlocal"].to_numpy(bool))
        u = rng.random(n)
        p_mun = np.where(high, 0.45, self.p_municipal)
        p_pick = np.where(high, 0.35, self.p_pick)
        mun = ~now & (u < p_mun)
        pick_ = ~now & ~mun & (u < p_mun + p_pick)
        lateral = ~now & (rng.random(n) < np.where(high, 0.12, 0.07))
        rank = np.where(high, np.where(lateral, "正处", "副处"),
                        np.where(lateral, "副处", "正科")).astype(object)
        # seed 002: 59 members of 42 or less after the cycle, about as many as before, so
        # most of those promoted are in their mid-forties
        mean = np.select([rank == "正科", rank == "副处"], [44.5, 47.0], 49.0)
        age = np.clip(np.rint(rng.normal(mean, np.where(rank == "正科", 4.0, 3.5))), 30, 54)
        city = np.array([self.city_of[r] for r in region], dtype=object)
        work = np.where(mun, city, region).astype(object)
        for i in np.flatnonzero(pick_):
            work[i] = self.others(rng, region[i], 1)[0]
        home_other = np.array([self._home(rng, w) for w in work], dtype=object)
        home = np.where(mun, np.where(rng.random(n) < 0.35, city, home_other),
                        np.where(rng.random(n) < 0.85, work, home_other)).astype(object)
        township = now | (~mun & (rng.random(n) < 0.3) & (rank == "正科"))
        system = np.where(township, TOWNSHIP, pick(rng, DEPT_SYSTEMS, n)).astype(object)
        needs = req["team_needs"].to_numpy(dtype=object)
        sannong = mun & (needs == "三农") & (rng.random(n) < 0.5)
        system[sannong] = "农业"
        senior = rank != "正科"  # candidates for 正处 posts and lateral moves: fewer places
        primary = np.where(township, np.where(rng.random(n) < 0.5, "三农", "农业"),
                           np.where(np.isin(system, SPECIALTIES_SET), system, "党建"))
        primary = np.where(sannong, "三农;农业", primary).astype(object)
        nominated = []
        for i in range(n):
            if now[i]:
                names = [region[i]]
            elif pick_[i]:
                names = [work[i], region[i]]
            elif senior[i]:
                names = [region[i], *self.others(rng, region[i], int(rng.integers(0, 2)))]
            elif mun[i]:
                k = int(rng.integers(self.municipal_counties[0], self.municipal_counties[1] + 1))
                names = [region[i], *self.others(rng, region[i], k - 1)]
            else:
                k = int(rng.integers(self.extra_counties[0], self.extra_counties[1] + 1))
                names = [region[i], *self.others(rng, region[i], k)]
            nominated.append(self._names(names, region[i], req["team_id"].iat[i]))
        return {"rank": rank, "age": age, "region": work, "home_region": home, "system": system,
                "female": rng.random(n) < 0.12, "non_party": rng.random(n) < 0.05,
                "education": pick(rng, ("postgraduate", "bachelor", "college", "other"), n,
                                  p=(0.18, 0.62, 0.19, 0.01)),
                "specialties": specialties(rng, primary, 0.4), "nominated_for": nominated,
                "township_head": township | (rng.random(n) < 0.12), "township_head_now": now,
                "county_pick": pick_}

    def _home(self, rng, region: str) -> str:
        city = self.city_of.get(region, region)
        pool = [city, *self.counties_of[city]]
        pool = [p for p in pool if p != region]
        return pool[int(rng.integers(len(pool)))]

    def _names(self, regions: list[str], region: str, team_id: str) -> list[str]:
        if not self.by_team:
            return regions
        # the vacancy's own team, and the party and government teams of the counties named
        return [team_id, *[f"{r}-{KIND_CODE[k]}" for r in regions
                           for k in ("county_party", "county_gov")]]

    def nominate_sitting(self, rng: np.random.Generator, cad: pd.DataFrame, rows: np.ndarray
                         ) -> list[list[str]]:
        out = []
        for r in cad["region"].to_numpy(dtype=object)[rows]:
            k = int(rng.integers(self.extra_counties[0], self.extra_counties[1] + 1))
            out.append([r, *self.others(rng, r, k)])
        return out
