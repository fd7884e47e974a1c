"""A draft 任免审批表 for a cadre who has no imported form, written from the data set.

`export-lrmx --drafts` writes one for every moving cadre without a recorded
form, so the planner has a form to complete instead of none. A draft holds
only what the data set knows, in the form's own wording:

- 姓名, 性别, 出生年月, 政治面貌, 全日制教育学历, 年度考核结果 from the cadre's row;
- 籍贯 and 出生地: the name of `home_region` (山西 + 洪洞县's stem → 山西洪洞);
- 现任职务: the post the cadre holds (`posts.incumbent_id`) as the team writes
  it (洪洞县人民政府副县长, 洪洞县委常委、组织部部长, 政协洪洞县委员会副主席), else,
  for a cadre holding no post of the data set, the place, the system's unit and
  the rank (洪洞县财政局局长, 临汾市财政局副局长, 洪洞县××镇党委书记,
  洪洞县审计局负责人（正科级）);
- 简历: one line per period the data set dates — from `rank_since`,
  `team_since` and `post_since`, with the rank held in each — a line before
  them at the rank below, and a township line for `township_head`. What the
  data set does not know is written as the form's placeholder ××: the
  township's name, the earlier posts' titles, the dates of the township post
  and of the first line (××××.××). The planner replaces them.

A draft read back by `import-lrmx` gives the same rank, region, post_since,
team_since, rank_since (to the month) and township experience: the measure
in tests/test_lrmx_measure.py.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.schema import PARTY_CPC, RANK_LEVEL, RANKS
from placement.export.lrmx.titles import Places, places_of

PLACEHOLDER = "××"
UNKNOWN_MONTH = "××××.××"
EDUCATION_WORD = {"postgraduate": "研究生", "bachelor": "大学本科", "college": "大专",
                  "other": "中专"}
# system -> the unit a county or the city has for it
SYSTEM_UNIT = {
    "财政": "财政局", "经济": "发展和改革局", "农业": "农业农村局", "工业": "工业和信息化局",
    "城建": "住房和城乡建设局", "交通": "交通运输局", "水利": "水利局", "教育": "教育局",
    "卫生": "卫生健康局", "法律": "司法局", "审计": "审计局", "自然资源": "自然资源局",
    "生态环境": "生态环境局", "商务": "商务局", "文旅": "文化和旅游局", "应急": "应急管理局",
    "民政": "民政局", "人社": "人力资源和社会保障局", "市场监管": "市场监督管理局",
    "公安": "公安局",
    "组织": "委组织部", "宣传": "委宣传部", "统战": "委统战部", "纪检监察": "纪委监委",
}
# The rank a bureau head (局长) holds, and its deputy, by level (titles.RULES).
BUREAU_RANKS = {"county": ("正科", "副科"), "city": ("正处", "副处")}


def region_names(places: Places) -> dict[str, str]:
    """Region id -> its full place name (the longest name naming it)."""
    out: dict[str, str] = {}
    for name, region in places.names.items():
        if len(name) > len(out.get(region, "")):
            out[region] = name
    return out


def _month(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y.%m")


def post_wording(team_name: str, kind: str, place: str, title: str) -> str:
    """How a county team's post is written on a form."""
    if kind == "county_party" and title[:1] in "县市区旗" and title[1:2] == "委":
        return place + title[1:]
    if kind == "county_npc" and title.startswith("人大常委会"):
        return team_name + title[len("人大常委会"):]
    if kind == "county_cppcc" and title.startswith("政协"):
        return team_name + title[len("政协"):]
    return team_name + title


def _current_post(data: DataSet, cadre: pd.Series, names: dict[str, str],
                  places: Places) -> tuple[str, str]:
    """(现任职务, the team's name for earlier lines in the same team, or "")."""
    region = cadre["region"]
    place = names.get(region, PLACEHOLDER)
    held = data.posts[data.posts["incumbent_id"] == cadre["cadre_id"]]
    if len(held):
        post = held.iloc[0]
        team = data.teams.set_index("team_id").loc[post["team_id"]]
        return post_wording(team["name"], team["kind"], place, post["title"]), team["name"]
    if cadre["system"] == "乡镇":
        return f"{place}{PLACEHOLDER}镇{_town_head(cadre)}", ""
    unit = place + SYSTEM_UNIT.get(cadre["system"], f"{cadre['system']}部门")
    head, deputy = BUREAU_RANKS[places.level(region, place)]
    if unit.endswith("局") and cadre["rank"] in (head, deputy):
        return unit + ("局长" if cadre["rank"] == head else "副局长"), ""
    return f"{unit}负责人（{cadre['rank']}级）", ""


def _town_head(cadre: pd.Series) -> str:
    """党委书记 unless the data set says the cadre was no township party secretary."""
    return "镇长" if not bool(cadre.get("secretary_exp", True)) else "党委书记"


def resume_lines(cadre: pd.Series, current: str, team: str, township: str) -> list[str]:
    """The 简历 lines the data set supports (module docstring)."""
    rank = cadre["rank"]
    level = RANK_LEVEL[rank]
    lower = RANKS[level - 2] if level > 1 else ""
    rank_since, post_since = cadre["rank_since"], cadre["post_since"]
    team_since = cadre["team_since"] if team else pd.NaT
    post_since = rank_since if pd.isna(post_since) else post_since
    points = sorted({d for d in (rank_since, team_since, post_since) if not pd.isna(d)})
    lines = []
    if township:
        lines.append(f"{UNKNOWN_MONTH}--{UNKNOWN_MONTH}  {township}")
    if lower:
        lines.append(f"{UNKNOWN_MONTH}--{_month(points[0])}  {PLACEHOLDER}（{lower}级）")
    for a, b in zip(points, points[1:], strict=False):
        held = rank if a >= rank_since else lower
        unit = team if (team and not pd.isna(team_since) and a >= team_since) else ""
        lines.append(f"{_month(a)}--{_month(b)}  {unit}{PLACEHOLDER}（{held}级）")
    lines.append(f"{_month(post_since)}--  {current}")
    return lines


def _assessments(cadre: pd.Series) -> str:
    year = cadre["assessment_year"]
    if pd.isna(year):
        return ""
    return "；".join(f"{int(year) - i}年度考核{g}" for i, g in enumerate(cadre["assessments"]))


def draft_form(data: DataSet, cadre_id: str, named: dict[str, str] | None = None,
               places: Places | None = None) -> str:
    """The XML text of a draft form for `cadre_id`."""
    places = places or places_of(data.teams, named)
    names = region_names(places)
    cadre = data.cadres.set_index("cadre_id", drop=False).loc[cadre_id]
    current, team = _current_post(data, cadre, names, places)
    home = names.get(cadre["home_region"], "")
    home = "山西" + (home[:-1] if len(home) > 2 and home[-1] in "县市区" else home) if home else ""
    township = ""
    if bool(cadre["township_head"]) and cadre["system"] != "乡镇":
        county = names.get(cadre["region"], "")
        county = county if places.level(cadre["region"], county) == "county" else "××县"
        township = f"{county}{PLACEHOLDER}镇{_town_head(cadre)}"
    party = "中共党员" if cadre["party"] == PARTY_CPC else cadre["party"]
    fields = {
        "XingMing": cadre["name"], "XingBie": "男" if cadre["gender"] == "M" else "女",
        "ChuShengNianYue": pd.Timestamp(cadre["birth_date"]).strftime("%Y%m"),
        "JiGuan": home, "ChuShengDi": home, "ZhengZhiMianMao": party,
        "QuanRiZhiJiaoYu_XueLi": EDUCATION_WORD.get(cadre["education"], ""),
        "XianRenZhiWu": current, "NiRenZhiWu": "", "NiMianZhiWu": "",
        "JianLi": "\n".join(resume_lines(cadre, current, team, township)),
        "NianDuKaoHeJieGuo": _assessments(cadre), "RenMianLiYou": "",
    }
    body = "".join(f"  <{k}>{escape(str(v))}</{k}>\n" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Person>\n{body}</Person>\n'

