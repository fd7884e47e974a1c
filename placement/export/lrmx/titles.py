"""Reading a post title (现任职务, a 简历 line): place, team kind, grade, rank, system.

"洪洞县人民政府副县长" names a place (洪洞县 → the data set's region R07), a team
(人民政府 → county_gov), a post (副县长: a deputy) and so a rank (副处). Two
catalogues say what a title means, the data set's own first:

1. **The data set's posts.** A title held by a post of the region's team of
   that kind ("洪洞县委常委、组织部部长" → post 县委常委、组织部部长 of R07-DW) gives
   that post's team kind, grade, rank and the team's system.
2. **The built-in catalogue** (`RULES`) for titles the data set has no post
   for: county party, government, congress and CPPCC titles, township titles
   (乡党委书记, 镇长, 副镇长 …), street titles (街道党工委书记, 街道办事处主任 …:
   heads of the urban township, 乡镇党政正职 for R-TC8) and bureau heads (局长,
   副局长). Ranks follow the place's level: a county-level place (one with county
   teams in the data set, or a name ending in 县 or 区) makes 县委书记 正处 and 局长 正科; the city
   (a region without county teams, such as 临汾市) makes 局长 正处.

An explicit rank in the text ("（副处级）", "正县级") wins over both. A title
neither catalogue knows gets no kind and no rank, and the caller lists it:
nothing is guessed.

Regions have ids (R07), not names; `placement.data.regions` names them (the
place their teams are named after, `regions.csv` over it). A name ending in
县/市/区 is also known by its stem when that is at least two characters
(洪洞县 → 洪洞, for 籍贯 "山西洪洞"; 古县 stays 古县).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from placement.data.regions import team_region_names
from placement.data.schema import NON_PARTY_VALUES, PARTY_ALIASES, PARTY_CPC, RANK_ALIASES, RANKS
from placement.meaning.posts import MILITARY_TITLE

COUNTY_KINDS_SYSTEM = {"county_party": "党委", "county_gov": "政府", "county_npc": "人大",
                       "county_cppcc": "政协"}
TOWNSHIP_SYSTEM = "乡镇"
# Section-level teams ranked alike everywhere: a township, or a street (街道, the urban
# township: its 党工委书记 and 办事处主任 are 乡镇党政正职 for R-TC8, see `RULES`).
SECTION_SYSTEM = {"township": TOWNSHIP_SYSTEM, "street": "街道"}

_PLACE_SUFFIX = ("县", "市", "区", "旗")


@dataclass(frozen=True)
class Places:
    """Place names of a data set's regions."""
    names: dict[str, str]  # place name (and stem) -> region id
    county_level: frozenset[str]  # regions with county teams
    unnamed: tuple[str, ...] = ()  # regions whose teams do not agree on a place

    def find(self, text: str) -> tuple[str, str, int] | None:
        """(region, place name, end position) of the innermost place named in `text`:
        the one ending last ("临汾市洪洞县财政局" → 洪洞县), the longest at a tie."""
        best = None
        for name, region in self.names.items():
            at = text.rfind(name)
            if at >= 0:
                key = (at + len(name), len(name))
                if best is None or key > best[0]:
                    best = (key, region, name)
        return None if best is None else (best[1], best[2], best[0][0])

    def level(self, region: str, name: str) -> str:
        """"county" or "city": the level whose ranks a title in this place carries."""
        if region in self.county_level or name.endswith(("县", "区", "旗")):
            return "county"
        return "city"


def places_of(teams: pd.DataFrame, named: dict[str, str] | None = None) -> Places:
    """Region names from the teams' names, then `named` (regions.csv) over them."""
    agreed, unnamed = team_region_names(teams, named)
    names: dict[str, str] = {}
    for region, name in agreed.items():
        names[name] = region
        stem = name[:-1]
        if name.endswith(_PLACE_SUFFIX) and len(stem) >= 2:
            names.setdefault(stem, region)
    county = frozenset(teams.loc[teams["kind"].isin(COUNTY_KINDS_SYSTEM), "region"].astype(str))
    return Places(names, county, unnamed)


# ------------------------------------------------------------------ titles

# An explicit rank: 副处级, 正县级, (正科) …
_RANK_MARK = re.compile(r"(正|副)(处|县|科|厅|局)级")
_RANK_NOTE = re.compile(r"^(正|副)(处|县|科|厅|局)级?$")
_MARK_RANK = {"处": "处", "县": "处", "科": "科", "厅": "厅", "局": "厅"}
_PAREN = re.compile(r"[（(]([^（）()]*)[）)]")

# Unit words -> team kind, when the text names the team.
_UNIT_KIND = (("人大常委会", "county_npc"), ("人大", "county_npc"), ("政协", "county_cppcc"),
              ("人民政府", "county_gov"), ("委员会", "county_party"))


@dataclass(frozen=True)
class Rule:
    """One built-in title: a pattern on the post part, what it means, the rank by level."""
    pattern: str
    kind: str
    grade: str
    county: str  # rank in a county-level place
    city: str  # rank in the city
    township_head: bool = False  # 乡镇党政正职 (R-TC8)
    secretary: bool = False  # 乡镇党委书记


# Checked in order on each 、-separated part of the title; the first hit counts.
RULES: tuple[Rule, ...] = (
    Rule(r"(乡|镇|乡镇)党委书记$", "township", "head", "正科", "正科", True, True),
    Rule(r"(乡|镇|乡镇)党委副书记$", "township", "deputy", "副科", "副科"),
    Rule(r"(?<!副)(乡|镇)长$", "township", "head", "正科", "正科", True),
    Rule(r"副(乡|镇)长$", "township", "deputy", "副科", "副科"),
    # Streets count as townships (seed 004: "乡镇(街道)党(工)委书记经历"; docs/rules.md R-RO8).
    Rule(r"街道(党工委|党委)书记$", "street", "head", "正科", "正科", True, True),
    Rule(r"街道(党工委|党委)副书记$", "street", "deputy", "副科", "副科"),
    Rule(r"街道(办事处)?主任$", "street", "head", "正科", "正科", True),
    Rule(r"街道(办事处)?副主任$", "street", "deputy", "副科", "副科"),
    Rule(r"(县|市|区|旗)委书记$", "county_party", "head", "正处", "正厅"),
    Rule(r"(县|市|区|旗)委副书记$", "county_party", "deputy", "副处", "副厅"),
    Rule(r"(县|市|区|旗)委常委$", "county_party", "deputy", "副处", "副厅"),
    Rule(r"人大常委会主任$", "county_npc", "head", "正处", "正厅"),
    Rule(r"人大常委会副主任$", "county_npc", "deputy", "副处", "副厅"),
    Rule(r"政协(\S*委员会)?主席$", "county_cppcc", "head", "正处", "正厅"),
    Rule(r"政协(\S*委员会)?副主席$", "county_cppcc", "deputy", "副处", "副厅"),
    Rule(r"副(县|市|区|旗)长$", "county_gov", "deputy", "副处", "副厅"),
    Rule(r"(?<![副镇乡局])(县|市|区|旗)长$", "county_gov", "head", "正处", "正厅"),
    Rule(r"(?<!副)局长$", "dept", "head", "正科", "正处"),
    Rule(r"副局长$", "dept", "deputy", "副科", "副处"),
)

# The system of a post filled through the military (a title naming 人武部): its holder is
# an active-duty officer, whatever the team's own system (the generator's word).
MILITARY_LINE = "人武"
# Department words -> system, for units the data set has no team for.
DEPT_SYSTEMS: dict[str, str] = {
    "财政": "财政", "发展和改革": "经济", "发改": "经济", "农业农村": "农业", "农业": "农业",
    "工业和信息化": "工业", "工信": "工业", "住房和城乡建设": "城建", "住建": "城建",
    "交通运输": "交通", "交通": "交通", "水利": "水利", "教育": "教育", "卫生健康": "卫生",
    "卫健": "卫生", "司法": "法律", "法院": "法律", "检察院": "法律", "组织部": "组织",
    "宣传部": "宣传", "统战部": "统战", "审计": "审计", "自然资源": "自然资源",
    "生态环境": "生态环境", "商务": "商务", "文化和旅游": "文旅", "文旅": "文旅",
    "应急管理": "应急", "民政": "民政", "人力资源和社会保障": "人社", "人社": "人社",
    "市场监督管理": "市场监管", "市场监管": "市场监管", "纪委": "纪检监察", "监委": "纪检监察",
    "公安": "公安",
}
_NON_PARTY_WORDS = sorted({**{v: v for v in NON_PARTY_VALUES if v not in ("群众", "无党派")},
                           **{k: v for k, v in PARTY_ALIASES.items()
                              if v != PARTY_CPC and v not in ("群众", "无党派")
                              and not k.isascii()}}.items(), key=lambda kv: -len(kv[0]))


@dataclass(frozen=True)
class Title:
    """What a title says; empty strings where it does not say."""
    text: str  # as read, parenthesised notes removed
    region: str = ""
    place: str = ""
    kind: str = ""  # a team kind, or "dept" (a bureau: no team kind of the data set)
    grade: str = ""  # head | deputy
    rank: str = ""
    system: str = ""
    team_id: str = ""  # the data set's team, when the title is one of its posts
    post_title: str = ""  # the data set's post title matched
    township_head: bool = False
    secretary: bool = False
    party: str = ""  # a democratic party named in a note: "（民建会员）" -> 民建
    rank_from: str = ""  # "posts" | "catalogue" | "explicit" | ""

    @property
    def placed(self) -> bool:
        return bool(self.kind or self.rank)


def _notes(text: str) -> tuple[str, list[str]]:
    notes = _PAREN.findall(text)
    return _PAREN.sub("", text).strip(), notes


def _explicit_rank(notes: list[str], bare: str) -> str:
    """A rank written out: a note "（副处级）" or "（正科）", or "副县级" in the text."""
    for m in [_RANK_NOTE.match(n.strip()) for n in notes] + [_RANK_MARK.search(bare)]:
        if m:
            rank = m.group(1) + _MARK_RANK[m.group(2)]
            if rank in RANKS:
                return RANK_ALIASES.get(rank, rank)
    return ""


def note_party(notes: list[str]) -> str:
    """A democratic party named in a note of the title ("民建会员", "九三学社社员")."""
    for note in notes:
        hit = next((code for word, code in _NON_PARTY_WORDS if word in note), "")
        if hit:
            return hit
    return ""


class TitleReader:
    """Reads titles against one data set's regions, teams and posts."""

    def __init__(self, places: Places, teams: pd.DataFrame, posts: pd.DataFrame,
                 systems: tuple[str, ...] = ()):
        self.places = places
        self.teams = teams.set_index("team_id") if len(teams) else teams
        self.posts = posts
        self.systems = tuple(sorted({s for s in systems if s}, key=len, reverse=True))
        # (region, kind) -> team id, and team id -> {normalised title: (title, grade, rank)}
        self.team_of = {(str(r), str(k)): str(t) for t, r, k in
                        zip(teams["team_id"], teams["region"], teams["kind"], strict=True)}
        self.titles: dict[str, dict[str, tuple[str, str, str]]] = {}
        for team, title, grade, rank in zip(posts["team_id"], posts["title"], posts["grade"],
                                            posts["rank"], strict=True):
            self.titles.setdefault(str(team), {}).setdefault(
                norm_title(str(title)), (str(title), str(grade), str(rank)))

    def read(self, text: str) -> Title:
        bare, notes = _notes(text)
        party = note_party(notes)
        explicit = _explicit_rank(notes, bare)
        found = self.places.find(bare)
        region, place, end = found if found else ("", "", 0)
        rest = bare[end:] if found else bare
        level = self.places.level(region, place) if found else ""
        unit_kind = ("county_cppcc" if bare.startswith("政协") else
                     next((k for w, k in _UNIT_KIND if rest.startswith(w)), ""))
        parts = [p for p in re.split(r"[、，,]", bare) if p]
        if "街道" in bare:  # 某街道党工委副书记、办事处主任: the second part is the street's too
            parts = [p if "街道" in p else "街道" + p for p in parts]
        hits = [r for p in parts for r in RULES if re.search(r.pattern, p)]
        # 镇党委副书记、镇长: the head post of a township or street is what the title is
        rule = next((r for r in hits if r.township_head), hits[0] if hits else None)
        kind = unit_kind or (rule.kind if rule else "")
        hit = self._catalogue(region, kind, rest, rule)
        if hit:
            team, (post_title, grade, rank) = hit
            system = str(self.teams.at[team, "system"]) if team in self.teams.index else ""
            if MILITARY_TITLE in post_title:  # 人武部部长: an officer, not the team's line
                system = MILITARY_LINE
            return _with_rank(Title(bare, region, place, self.teams.at[team, "kind"], grade,
                                    rank, system, team, post_title, party=party,
                                    rank_from="posts"), explicit)
        if rule is None:
            system = COUNTY_KINDS_SYSTEM.get(kind) or self._system(bare)
            return _with_rank(Title(bare, region, place, kind, system=system, party=party),
                              explicit)
        rank = (rule.county if level == "county" else rule.city) if level else ""
        kind = rule.kind if rule.kind in ("township", "street", "dept") else kind
        system = (SECTION_SYSTEM.get(kind) or COUNTY_KINDS_SYSTEM.get(kind)
                  or self._system(bare))
        rank_from = "catalogue" if rank else ""
        if kind in SECTION_SYSTEM:  # the same rank in every place
            rank, rank_from = rule.county, "catalogue"
        return _with_rank(Title(bare, region, place, kind, rule.grade, rank, system,
                                township_head=rule.township_head, secretary=rule.secretary,
                                party=party, rank_from=rank_from), explicit)

    def _catalogue(self, region: str, kind: str, rest: str, rule: Rule | None):
        """The data set's post this title names, if its region's team of that kind has one."""
        if not region:
            return None
        kinds = [kind] if kind else [k for k in COUNTY_KINDS_SYSTEM]
        want = norm_title(rest)
        hits = []
        for k in kinds:
            team = self.team_of.get((region, k))
            if team and want in self.titles.get(team, {}):
                hits.append((team, self.titles[team][want]))
        return hits[0] if len(hits) == 1 else None

    def _system(self, text: str) -> str:
        """A system word of the data set, else a department word, in the text."""
        text = text.replace("人民政府", "")  # 人民政府 holds 民政
        hit = next((s for s in self.systems if s in text), "")
        if hit:
            return hit
        words = sorted(DEPT_SYSTEMS, key=len, reverse=True)
        return next((DEPT_SYSTEMS[w] for w in words if w in text), "")


def _with_rank(title: Title, explicit: str) -> Title:
    if not explicit:
        return title
    return replace(title, rank=explicit, rank_from="explicit")


def norm_title(title: str) -> str:
    """A title without the words that repeat its team: 县委常委、组织部部长 → 常委、组织部部长,
    人大常委会副主任 → 副主任, 政协副主席 → 副主席; the place's suffix is dropped
    (县委书记, 区委书记, 市委书记 → 委书记; 副县长 → 副长)."""
    t = re.sub(r"^(中共)?", "", title)
    t = re.sub(r"^(人民政府|人大常委会|人大|政协\S*?委员会|政协|委员会)", "", t)
    t = re.sub(r"(县|市|区|旗)(?=委|长)", "", t)
    return t
