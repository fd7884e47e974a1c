"""The data contract: tables, columns, Chinese aliases, types and value sets.

This is the single place that says what an input data set looks like
(`../shared/spec/data.md`). The loader validates against it, the generator
writes it and the checker reads through it, so a column added here is added
everywhere at once.

Column types:
    id       non-empty text, unique within the table when `unique`
    ref      text naming a row of another table (may be empty when optional)
    text     free text
    enum     one of a closed set; aliases map to the canonical value
    bool     true/false, 1/0, 是/否, yes/no, y/n
    date     YYYY-MM-DD, YYYY-MM, YYYYMM (day defaults to 1)
    int      whole number
    float    decimal number (range checked where given)
    list     `;`-separated items (also accepts `；`, `、` and `,`)
    grades   `;`-separated assessment grades, newest first
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Ranks, lowest to highest; a promotion is one step up (R-EL9).
RANKS: tuple[str, ...] = ("副科", "正科", "副处", "正处", "副厅", "正厅")
RANK_LEVEL: dict[str, int] = {r: i + 1 for i, r in enumerate(RANKS)}
RANK_ALIASES: dict[str, str] = {
    "副科级": "副科", "正科级": "正科", "副处级": "副处", "正处级": "正处",
    "副厅级": "副厅", "正厅级": "正厅", "副县级": "副处", "正县级": "正处",
}

TEAM_KINDS: dict[str, str] = {
    "county_party": "县委",
    "county_gov": "县政府",
    "county_npc": "县人大",
    "county_cppcc": "县政协",
    "municipal_dept": "市直部门",
    "district_dept": "区直部门",
    "township": "乡镇",
    "street": "街道",
}
KIND_ALIASES: dict[str, str] = {zh: en for en, zh in TEAM_KINDS.items()} | {
    "县委常委": "county_party", "县人民政府": "county_gov", "县人大常委会": "county_npc",
    "市直单位": "municipal_dept", "区直单位": "district_dept", "镇": "township",
}
COUNTY_KINDS = ("county_party", "county_gov", "county_npc", "county_cppcc")

# The ranks a post of each team kind may carry, (lowest, highest), inclusive. The spec
# names the ranks and the kinds but no table between them, so only clear contradictions
# are refused (docs/data.md, "Post ranks by team kind"): county teams are 县处级 (副处 …
# 正处, a 副厅 secretary where the post is 高配, a 正科 member of a county government's
# Party group); township, street and district-department teams are 乡科级 (副科 … 正科, a
# 副处 secretary where 高配); a city's departments are 处级 with 正科 members and a 副厅
# head where 高配. A 正处 post in a township team or a 副科 post in a county party team
# is a typing error, not a placement problem.
KIND_RANKS: dict[str, tuple[str, str]] = {
    "county_party": ("正科", "副厅"),
    "county_gov": ("正科", "副厅"),
    "county_npc": ("正科", "副厅"),
    "county_cppcc": ("正科", "副厅"),
    "municipal_dept": ("正科", "副厅"),
    "district_dept": ("副科", "副处"),
    "township": ("副科", "副处"),
    "street": ("副科", "副处"),
}

GRADES: dict[str, str] = {"head": "正职", "deputy": "副职"}
GRADE_ALIASES: dict[str, str] = {"正职": "head", "副职": "deputy"}

GENDER_ALIASES: dict[str, str] = {
    "男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F",
}

# Party: `cpc` for members of the Communist Party of China; every other value
# is a non-Party cadre (党外干部): a democratic party, 无党派人士 or 群众.
PARTY_CPC = "cpc"
NON_PARTY_VALUES: tuple[str, ...] = (
    "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟", "无党派", "群众",
)
PARTY_ALIASES: dict[str, str] = {
    "cpc": "cpc", "中共党员": "cpc", "中共": "cpc", "党员": "cpc", "中国共产党": "cpc",
    "中共预备党员": "cpc", "无党派人士": "无党派", "non_party": "无党派", "independent": "无党派",
    "masses": "群众", "中国国民党革命委员会": "民革", "中国民主同盟": "民盟",
    "中国民主建国会": "民建", "中国民主促进会": "民进", "中国农工民主党": "农工党",
    "中国致公党": "致公党", "台湾民主自治同盟": "台盟",
}

EDUCATION_LEVEL: dict[str, int] = {"other": 0, "college": 1, "bachelor": 2, "postgraduate": 3}
EDUCATION_ALIASES: dict[str, str] = {
    "研究生": "postgraduate", "硕士": "postgraduate", "博士": "postgraduate",
    "本科": "bachelor", "大学": "bachelor", "大学本科": "bachelor",
    "大专": "college", "专科": "college", "大学专科": "college",
    "中专": "other", "高中": "other", "其他": "other", "其它": "other",
}

# Annual assessment grades (年度考核), best first, with their order value.
ASSESSMENT_LEVEL: dict[str, int] = {"优秀": 3, "称职": 2, "基本称职": 1, "不称职": 0}
ASSESSMENT_ALIASES: dict[str, str] = {
    "excellent": "优秀", "competent": "称职", "basically_competent": "基本称职",
    "incompetent": "不称职", "合格": "称职", "基本合格": "基本称职", "不合格": "不称职",
}

RELATIONS: dict[str, str] = {
    "spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姐妹",
    "grandparent": "祖父母", "grandchild": "孙子女", "cousin": "堂表兄弟姐妹",
    "uncle_aunt": "叔伯姑舅姨", "nephew_niece": "侄甥", "in_law": "姻亲",
}
RELATION_ALIASES: dict[str, str] = {zh: en for en, zh in RELATIONS.items()} | {
    "夫妻": "spouse", "父子": "parent", "母子": "parent", "兄弟": "sibling", "姐妹": "sibling",
    "岳父母": "in_law", "公婆": "in_law", "儿媳": "in_law", "女婿": "in_law",
}


# Flags whose empty cell means "the rule's documented default" rather than false
# (`posts.party_post`, `cadres.secretary_exp`): read as the enum "true" / "false" / "".
FLAG_VALUES: tuple[str, ...] = ("true", "false")
FLAG_ALIASES: dict[str, str] = {
    "1": "true", "是": "true", "yes": "true", "y": "true", "真": "true", "√": "true",
    "0": "false", "否": "false", "no": "false", "n": "false", "假": "false", "×": "false",
}


# Who fills a post (`posts.filled_by`): the proposal, the military, or the level above.
FILLED_BY: tuple[str, ...] = ("scope", "military", "above")
FILLED_BY_ALIASES: dict[str, str] = {
    "本范围": "scope", "组织部门": "scope", "军事机关": "military", "军队": "military",
    "人武": "military", "上级": "above", "上级任命": "above"}
# R-RO9's organisational findings (`cadres.finding`).
FINDINGS: tuple[str, ...] = ("unfit_post", "incompetent")
FINDING_ALIASES: dict[str, str] = {
    "不胜任现职": "unfit_post", "不胜任": "unfit_post", "不胜任现职岗位": "unfit_post",
    "不称职": "incompetent"}


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str  # id, ref, text, enum, bool, date, int, float, list, grades
    required: bool = True  # the column must be present
    allow_empty: bool = False  # a present column may have empty cells
    default: object = None  # value for an absent optional column / empty cell
    values: tuple[str, ...] = ()  # canonical values for enum
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical, for enum
    ref: str = ""  # "table.column" for ref
    low: float | None = None
    high: float | None = None
    unique: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    key: str | None
    columns: tuple[Column, ...]
    required: bool = True

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _enum(name, zh, values, aliases, **kw) -> Column:
    return Column(name, zh, "enum", values=tuple(values), aliases=dict(aliases), **kw)


TEAMS = Table("teams", "班子", "team_id", (
    Column("team_id", "班子编号", "id", unique=True),
    Column("name", "班子名称", "text"),
    _enum("kind", "班子类型", TEAM_KINDS, KIND_ALIASES),
    Column("region", "所属地区", "text"),
    Column("system", "系统", "text"),
    Column("needs_non_party", "党外必配", "bool", required=False, allow_empty=True, default=False),
    Column("professional", "专业部门", "bool", required=False, allow_empty=True, default=False),
    Column("needs_specialty", "急需专长", "text", required=False, allow_empty=True, default=""),
))

POSTS = Table("posts", "职位", "post_id", (
    Column("post_id", "职位编号", "id", unique=True),
    Column("team_id", "班子编号", "ref", ref="teams.team_id"),
    Column("title", "职务", "text"),
    _enum("grade", "正副职", GRADES, GRADE_ALIASES),
    _enum("rank", "职级", RANKS, RANK_ALIASES),
    Column("portfolio", "分管工作", "text", required=False, allow_empty=True, default=""),
    Column("specialty", "专业要求", "text", required=False, allow_empty=True, default=""),
    Column("key_post", "回避职位", "bool", required=False, allow_empty=True, default=False),
    Column("incumbent_id", "现任人员", "ref", ref="cadres.cadre_id",
           required=False, allow_empty=True, default=""),
    # Extension: a dispatched discipline-inspection team leader post (派驻纪检监察组组长, R-RO4).
    Column("dispatched", "派驻纪检组长", "bool", required=False, allow_empty=True, default=False),
    # R-EL10: the post is a Party office; empty: the default of docs/data.md.
    _enum("party_post", "党内职务", FLAG_VALUES, FLAG_ALIASES, required=False,
          allow_empty=True, default=""),
    # Posts filled through another channel (docs/rules.md): `military` (人武部, an
    # active-duty officer) or `above` (the level above); empty: `military` where the title
    # names 人武部, else `scope` (the proposal fills it).
    _enum("filled_by", "任命渠道", FILLED_BY, FILLED_BY_ALIASES, required=False,
          allow_empty=True, default=""),
))

CADRES = Table("cadres", "干部", "cadre_id", (
    Column("cadre_id", "人员编号", "id", unique=True),
    Column("name", "姓名", "text"),
    _enum("gender", "性别", ("M", "F"), GENDER_ALIASES),
    Column("birth_date", "出生年月", "date"),
    _enum("party", "政治面貌", (PARTY_CPC, *NON_PARTY_VALUES), PARTY_ALIASES),
    _enum("education", "全日制学历", EDUCATION_LEVEL, EDUCATION_ALIASES),
    Column("home_region", "成长地", "text"),
    Column("region", "工作地区", "text"),
    Column("system", "系统", "text"),
    _enum("rank", "现职级", RANKS, RANK_ALIASES),
    Column("rank_since", "任现职级时间", "date"),
    Column("post_since", "任现职时间", "date", allow_empty=True),
    Column("team_since", "进入班子时间", "date", allow_empty=True),
    Column("portfolio_since", "分管起始时间", "date", allow_empty=True),
    Column("township_head", "乡镇党政正职经历", "bool"),
    Column("specialties", "专长", "list", allow_empty=True, default=()),
    Column("assessments", "近三年考核", "grades", allow_empty=True, default=()),
    Column("assessment_year", "考核年度", "int", allow_empty=True, low=1950, high=2100),
    Column("sanction_until", "处分影响期至", "date", allow_empty=True),
    Column("file_ok", "档案审核通过", "bool"),
    Column("matters_ok", "个人事项如实报告", "bool"),
    Column("approval", "民主推荐得票率", "float", allow_empty=True, low=0.0, high=1.0),
    Column("candidate", "纳入考察", "bool"),
    Column("leaving", "退出", "bool"),
    # Extensions (optional columns; see docs/data.md).
    Column("exchanged_in", "系统外交流", "bool", required=False, allow_empty=True, default=False),
    Column("township_head_now", "现任乡镇党政正职", "bool", required=False, allow_empty=True,
           default=False),
    Column("county_pick", "县级班子初步人选", "bool", required=False, allow_empty=True,
           default=False),
    Column("spouse_abroad", "配偶已移居国(境)外", "bool", required=False, allow_empty=True,
           default=False),
    _enum("reserve_rank", "后备职级", RANKS, RANK_ALIASES, required=False, allow_empty=True,
          default=""),
    Column("nominated_for", "推荐范围", "list", required=False, allow_empty=True, default=()),
    # R-TC8: has been a township party secretary; empty: `township_head`.
    _enum("secretary_exp", "乡镇党委书记经历", FLAG_VALUES, FLAG_ALIASES, required=False,
          allow_empty=True, default=""),
    # R-RO9: shares of the latest democratic evaluation (民主测评); empty: not evaluated.
    Column("rating_good", "民主测评优秀称职率", "float", required=False, allow_empty=True,
           low=0.0, high=1.0),
    Column("rating_bad", "民主测评不称职率", "float", required=False, allow_empty=True,
           low=0.0, high=1.0),
    # R-RO9: the organisation's finding (组织考核认定) that binds; empty: none.
    _enum("finding", "组织考核认定", FINDINGS, FINDING_ALIASES, required=False,
          allow_empty=True, default=""),
    # R-RO9: the year of rating_good / rating_bad (a term plan uses it in that year only).
    Column("evaluation_year", "民主测评年度", "int", required=False, allow_empty=True,
           low=1950, high=2100),
))

RELATIONS_TABLE = Table("relations", "关系", None, (
    Column("cadre_a", "人员编号甲", "ref", ref="cadres.cadre_id"),
    Column("cadre_b", "人员编号乙", "ref", ref="cadres.cadre_id"),
    _enum("relation", "关系", RELATIONS, RELATION_ALIASES),
), required=False)

FIT = Table("fit", "匹配度", None, (
    Column("cadre_id", "人员编号", "ref", ref="cadres.cadre_id"),
    Column("post_id", "职位编号", "ref", ref="posts.post_id"),
    Column("score", "匹配度", "float", low=0.0, high=100.0),
), required=False)

TABLES: tuple[Table, ...] = (TEAMS, POSTS, CADRES, RELATIONS_TABLE, FIT)
TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
TABLE_ALIASES: dict[str, str] = {t.zh: t.name for t in TABLES} | {t.name: t.name for t in TABLES}


def header_aliases(table: Table) -> dict[str, str]:
    """Every accepted header (English name or Chinese alias) -> canonical column name."""
    out: dict[str, str] = {}
    for col in table.columns:
        out[col.name] = col.name
        out[col.zh] = col.name
    return out
