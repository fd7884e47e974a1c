"""Departments, townships and streets: section-level teams (seed 003) and municipal
departments (seed 000).

`DEPTS` lists the departments of a district or city; `{L}` stands for 区 or 市.
Each entry: name, system (line of work), team size, head title, deputy title,
professional department (R-TC7), needs a non-Party cadre (R-TC6), head is a key
post (R-AV2: discipline inspection, organisation, public security, court,
procuratorate), needed specialty (R-TC9).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.schema import RANK_LEVEL, RANKS
from placement.generate.common import SPECIALTIES, pick
from placement.generate.people import specialties

KEY_SYSTEMS = ("纪检监察", "组织", "公安", "法院", "检察")
SENSITIVE_HEAD = {"{L}纪委监委", "{L}委组织部", "公安{B}局", "{L}人民法院", "{L}人民检察院"}


@dataclass(frozen=True)
class Dept:
    name: str
    system: str
    size: int
    head: str
    deputy: str
    professional: bool = False
    non_party: bool = False
    needs: str = ""


D = Dept
DEPTS: tuple[Dept, ...] = (
    D("{L}纪委监委", "纪检监察", 9, "纪委书记、监委主任", "纪委副书记"),
    D("{L}委组织部", "组织", 7, "部长", "副部长"),
    D("{L}委宣传部", "宣传", 6, "部长", "副部长"),
    D("{L}委统战部", "统战", 5, "部长", "副部长"),
    D("{L}委政法委员会", "政法", 5, "常务副书记", "副书记"),
    D("{L}委办公室", "综合", 7, "主任", "副主任"),
    D("{L}政府办公室", "综合", 7, "主任", "副主任"),
    D("公安{B}局", "公安", 9, "局长", "副局长"),
    D("{L}人民检察院", "检察", 7, "检察长", "副检察长"),
    D("{L}人民法院", "法院", 8, "院长", "副院长"),
    D("财政局", "财政", 7, "局长", "副局长", professional=True),
    D("发展和改革局", "经济", 6, "局长", "副局长", professional=True),
    D("农业农村局", "农业", 7, "局长", "副局长", professional=True, needs="三农"),
    D("教育局", "教育", 7, "局长", "副局长", professional=True, non_party=True),
    D("卫生健康局", "卫生", 6, "局长", "副局长", professional=True, non_party=True),
    D("自然资源局", "自然资源", 6, "局长", "副局长", professional=True),
    D("住房和城乡建设局", "城建", 6, "局长", "副局长", professional=True),
    D("交通运输局", "交通", 5, "局长", "副局长", professional=True),
    D("水利局", "水利", 5, "局长", "副局长", professional=True),
    D("审计局", "审计", 5, "局长", "副局长", professional=True),
    D("统计局", "统计", 4, "局长", "副局长", professional=True, non_party=True),
    D("市场监督管理局", "市场监管", 7, "局长", "副局长"),
    D("应急管理局", "应急", 5, "局长", "副局长", professional=True),
    D("生态环境{B}局", "生态环境", 5, "局长", "副局长", professional=True),
    D("司法局", "法律", 5, "局长", "副局长"),
    D("商务局", "商务", 5, "局长", "副局长"),
    D("民政局", "民政", 5, "局长", "副局长"),
    D("人力资源和社会保障局", "人社", 6, "局长", "副局长"),
    D("文化旅游和广播电视局", "文旅", 5, "局长", "副局长"),
    D("科技和工业信息化局", "工业", 5, "局长", "副局长", non_party=True),
    D("退役军人事务局", "民政", 4, "局长", "副局长"),
    D("医疗保障局", "卫生", 4, "局长", "副局长"),
    D("信访局", "信访", 4, "局长", "副局长"),
    D("乡村振兴局", "农业", 4, "局长", "副局长"),
    D("营商环境建设局", "经济", 5, "局长", "副局长"),
    D("城市管理综合行政执法局", "城建", 5, "局长", "副局长"),
    D("{L}人大常委会办公室", "综合", 4, "主任", "副主任"),
    D("{L}政协办公室", "综合", 4, "主任", "副主任"),
    D("{L}委机构编制委员会办公室", "组织", 4, "主任", "副主任"),
    D("{L}委巡察工作领导小组办公室", "纪检监察", 4, "主任", "副主任"),
    D("{L}直机关工作委员会", "党建", 4, "书记", "副书记"),
    D("{L}委党校", "教育", 5, "常务副校长", "副校长"),
    D("国有资产服务中心", "财政", 4, "主任", "副主任"),
    D("机关事务服务中心", "综合", 4, "主任", "副主任"),
    D("融媒体中心", "宣传", 4, "主任", "副主任"),
    D("档案史志馆", "综合", 4, "馆长", "副馆长"),
    D("总工会", "群团", 5, "常务副主席", "副主席"),
    D("共青团{L}委", "群团", 4, "书记", "副书记"),
    D("妇女联合会", "群团", 4, "主席", "副主席"),
    D("工商业联合会", "统战", 4, "主席", "副主席", non_party=True),
    D("科学技术协会", "群团", 4, "主席", "副主席", non_party=True),
    D("残疾人联合会", "群团", 4, "理事长", "副理事长"),
    D("供销合作社", "商务", 4, "主任", "副主任"),
    D("{L}委老干部局", "组织", 4, "局长", "副局长"),
)
DEPT_PORTFOLIOS = ("综合", "业务", "党建", "财务", "执法", "项目")
TOWN_PORTFOLIOS = ("农业", "安全生产", "社会事业", "城建", "经济", "综治")
LINES = tuple(sorted({d.system for d in DEPTS} | {"乡镇", "街道"}))


def dept_structure(region: str, level: str, depts: tuple[Dept, ...], head_rank: str,
                   deputy_rank: str, id_prefix: str, kind: str, rng: np.random.Generator
                   ) -> tuple[list[dict], list[dict]]:
    """Department teams and posts; `level` is 区 or 市. Deputies carry a portfolio; the
    discipline commission also has four dispatched inspection group leaders (R-RO4)."""
    teams, posts = [], []
    for i, d in enumerate(depts, start=1):
        tid = f"{id_prefix}{i:02d}"
        name = d.name.format(L=level, B="分" if level == "区" else "")
        teams.append({"team_id": tid, "name": (name if name.startswith(level) else level + name)
                      if not name.startswith(("公安", "共青团")) else name,
                      "kind": kind, "region": region, "system": d.system,
                      "needs_non_party": d.non_party, "professional": d.professional,
                      "needs_specialty": d.needs})
        key = d.name in SENSITIVE_HEAD
        rows = [(d.head, "head", head_rank, "", key, False)]
        dispatched = 4 if d.system == "纪检监察" and d.size >= 6 else 0
        n_dep = d.size - 1 - dispatched
        folios = rng.permutation(DEPT_PORTFOLIOS)
        rows += [(d.deputy, "deputy", deputy_rank, folios[k % len(folios)], False, False)
                 for k in range(n_dep)]
        rows += [(f"派驻第{'一二三四'[k]}纪检监察组组长", "deputy", deputy_rank, "派驻监督",
                  False, True) for k in range(dispatched)]
        for k, (title, grade, rank, folio, is_key, dispatched) in enumerate(rows, start=1):
            posts.append({"post_id": f"{tid}-{k:02d}", "team_id": tid, "title": title,
                          "grade": grade, "rank": rank, "portfolio": folio,
                          "specialty": d.system if d.professional and grade == "head" else "",
                          "key_post": is_key, "dispatched": dispatched})
    return teams, posts


def township_structure(region: str, names: tuple[str, ...], kind: str, id_prefix: str,
                       rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """Township (乡/镇) or street (街道) teams: two heads (党委书记 and 乡镇长 / 主任) and
    deputies, ranks 正科 / 副科."""
    teams, posts = [], []
    for i, name in enumerate(names, start=1):
        tid = f"{id_prefix}{i:02d}"
        teams.append({"team_id": tid, "name": name, "kind": kind, "region": region,
                      "system": "乡镇" if kind == "township" else "街道",
                      "needs_non_party": False, "professional": False, "needs_specialty": ""})
        if kind == "township":
            chief = name[-1] + "长"
            rows = [("党委书记", "head", ""), (chief, "head", ""), ("党委副书记", "deputy", "党建"),
                    ("人大主席", "deputy", "人大"), ("纪委书记", "deputy", "纪检"),
                    ("组织委员", "deputy", "组织"), ("宣传委员", "deputy", "宣传"),
                    ("武装部长", "deputy", "武装")]
            extra, deputy = int(rng.integers(2, 4)), "副" + chief
        else:
            rows = [("党工委书记", "head", ""), ("办事处主任", "head", ""),
                    ("党工委副书记", "deputy", "党建"), ("纪工委书记", "deputy", "纪检"),
                    ("武装部长", "deputy", "武装")]
            extra, deputy = int(rng.integers(2, 4)), "办事处副主任"
        folios = rng.permutation(TOWN_PORTFOLIOS)
        rows += [(deputy, "deputy", folios[k]) for k in range(extra)]
        for k, (title, grade, folio) in enumerate(rows, start=1):
            posts.append({"post_id": f"{tid}-{k:02d}", "team_id": tid, "title": title,
                          "grade": grade, "rank": "正科" if grade == "head" else "副科",
                          "portfolio": folio, "specialty": "", "key_post": False,
                          "dispatched": False})
    return teams, posts


@dataclass
class DeptPools:
    """Candidates for department and township posts: cadres of the same place one rank
    below (or, with `p_lateral`, at the post's rank), from other lines of work mostly,
    nominated for the vacancy's team and a few other teams of the place (team ids)."""
    teams_of: dict[str, list[str]]  # region -> team ids candidates may be nominated for
    post_team: np.ndarray  # team id of every post row (for sitting cadres' own team)
    regions: list[str]  # where non-locals grew up
    low_rank: str  # lowest rank of a candidate (副科: also candidates for 副科 posts)
    p_lateral: float = 0.0
    p_local: float = 0.75
    other_teams: tuple[int, int] = (2, 4)
    education_p: tuple[float, float, float, float] = (0.05, 0.30, 0.35, 0.30)
    age: tuple[float, float, int, int] = (38.0, 6.0, 28, 50)

    def origins(self, rng: np.random.Generator, req: pd.DataFrame) -> dict:
        n = len(req)
        region = req["region"].to_numpy(dtype=object)
        high = req["grade"].to_numpy(dtype=object) == "head"
        level = pd.Series(req["p_rank"].to_numpy(dtype=object)).map(RANK_LEVEL).to_numpy()
        level = np.where(rng.random(n) < self.p_lateral, level, level - 1)
        rank = np.array(RANKS, dtype=object)[np.maximum(level, RANK_LEVEL[self.low_rank]) - 1]
        mean, sd, lo, hi = self.age
        age = np.clip(np.rint(rng.normal(mean + 3 * high, sd)), lo, hi)
        local = rng.random(n) < self.p_local
        home = np.where(local, region, pick(rng, self.regions, n)).astype(object)
        system = pick(rng, LINES, n)
        team_sys = req["team_system"].to_numpy(dtype=object)
        system = np.where(rng.random(n) < 0.15, team_sys, system).astype(object)
        primary = np.where(np.isin(system, list(SPECIALTIES)), system, "")
        needs = req["team_needs"].to_numpy(dtype=object)
        primary = np.where((needs != "") & (rng.random(n) < 0.3), needs, primary)
        team_id = req["team_id"].to_numpy(dtype=object)
        nominated = [[t, *self._others(rng, r, t, self.other_teams)]
                     for r, t in zip(region, team_id, strict=True)]
        return {"rank": rank, "age": age, "region": region, "home_region": home,
                "system": system, "female": rng.random(n) < 0.3,
                "non_party": rng.random(n) < 0.04,
                "education": pick(rng, ("postgraduate", "bachelor", "college", "other"), n,
                                  p=self.education_p),
                "specialties": specialties(rng, primary.astype(object), 0.4),
                "nominated_for": nominated, "township_head": rng.random(n) < 0.15,
                "township_head_now": np.zeros(n, bool), "county_pick": np.zeros(n, bool)}

    def _others(self, rng, region: str, own: str, count: tuple[int, int]) -> list[str]:
        pool = [t for t in self.teams_of[region] if t != own]
        k = min(int(rng.integers(count[0], count[1] + 1)), len(pool))
        return [pool[j] for j in sorted(rng.choice(len(pool), size=k, replace=False))]

    def nominate_sitting(self, rng: np.random.Generator, cad: pd.DataFrame, rows: np.ndarray
                         ) -> list[list[str]]:
        """Sitting cadres who may move: a few other teams of their place."""
        own = self.post_team[cad["post"].to_numpy()[rows]]
        region = cad["region"].to_numpy(dtype=object)[rows]
        more = (self.other_teams[0] + 1, self.other_teams[1] + 1)
        return [self._others(rng, r, t, more) for r, t in zip(region, own, strict=True)]
