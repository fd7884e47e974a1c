"""The rule catalogue and the scenario files, as the page needs them.

Why generated here and not written into the page: the table of rules the planner edits
comes from the pydantic models of `placement.data.rules` (their fields, defaults,
bounds and descriptions), so it cannot drift from what `placement solve` accepts; a
change typed into it is validated by `scenario_io` with the very messages `--set`
prints.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

from placement.data.errors import InputError, Problem
from placement.data.rule_basis import basis
from placement.data.rules import CATALOGUE, RULE_NAMES
from placement.data.scenario_io import OVERRIDE_SOURCE, parse_override
from placement.data.schema import RANKS, TEAM_KINDS

COMMON = ("mode", "weight", "priority")
# A saved scenario's or data set's name: use NAME.fullmatch (`$` would let a name end
# in a newline, and the file made of it too).
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")

# Each parameter in the planner's words: (label zh, label en, unit zh, unit en); a rule's
# own reading of a name (R-EL3's `years` are years of assessments, R-RO1's years in
# post) under "<rule>.<name>".
_PARAMS: dict[str, tuple[str, str, str, str]] = {
    "mode": ("执行方式", "mode", "", ""),
    "weight": ("优先程度", "priority weight", "分/每缺 1 个", "points per unit short"),
    "priority": ("求解次序", "solve order", "", ""),
    "min_education": ("学历不低于", "education at least", "", ""),
    "ranks": ("适用的拟任职级", "ranks it applies to", "", ""),
    "min_years": ("任现职级满", "years at the current rank", "年", "years"),
    "R-RO10.min_years": ("调整后再调整至少间隔", "years before another move", "年", "years"),
    "years": ("任职满", "years in post", "年", "years"),
    "R-EL3.years": ("看近几年的年度考核", "years of annual grades", "年", "years"),
    "R-EL11.years": ("看近几年的年度考核", "years of annual grades", "年", "years"),
    "basic_no_promotion_years": ("基本称职后不得提拔", "no promotion after 基本称职 for", "年",
                                 "years"),
    "threshold": ("民意认可度低于此比例不得提名", "approval below which not nominated", "", ""),
    "missing_blocks_promotion": ("无民意测评结果时不得提拔", "no poll blocks a promotion", "", ""),
    "retirement_age": ("退休年龄", "retirement age", "岁", "years of age"),
    "term_years": ("任期", "term", "年", "years"),
    "retiring_in_term": ("任期内到龄者不再提名", "not nominated if retiring within the term", "",
                         ""),
    "promotion_max_age": ("各职级提拔年龄上限", "promotion age limit by rank", "岁",
                          "years of age"),
    "max_steps": ("一次晋升至多", "levels per promotion at most", "级", "levels"),
    "kinds": ("适用班子", "teams it applies to", "", ""),
    "avg_kinds": ("平均年龄计入的班子", "teams in the average age", "", ""),
    "share": ("比例不低于", "share at least", "", ""),
    "R-TC1.share": ("系统外交流干部占班子成员不低于", "members from outside the system at least",
                    "", ""),
    "R-TC7.share": ("专业干部占班子成员不低于", "professional members at least", "", ""),
    "R-TC8.share": ("有乡镇党委书记经历者不低于",
                    "members with township secretary experience at least", "", ""),
    "min_locals": ("本地干部不少于", "local members at least", "名", "people"),
    "per": ("计算单位", "counted per", "", ""),
    "max_age": ("年龄不超过", "age at most", "岁", "years of age"),
    "R-TC4.max_age": ("年龄低于", "younger than", "岁", "years of age"),
    "min_age": ("年龄不低于", "age at least", "岁", "years of age"),
    "share_of_teams": ("达到要求的班子比例不低于", "share of teams that meet it, at least", "", ""),
    "R-TC5.share_of_teams": ("达到要求的县（班子）比例超过",
                             "share of counties that meet it, above", "", ""),
    "min_count": ("至少配备", "at least", "名", "people"),
    "min_women_every": ("每个班子女干部不少于", "women in every team at least", "名", "people"),
    "every_mode": ("“每个班子”一项的执行方式", "mode of the every-team tier", "", ""),
    "min_women": ("女干部不少于", "women at least", "名", "people"),
    "min_non_party": ("党外干部不少于", "non-Party members at least", "名", "people"),
    "min_fit": ("党外新任人选人岗相适度不低于", "fit a non-Party newcomer needs", "分", "points"),
    "keep_total": ("全市党外干部总数不减少", "the city's non-Party total does not fall", "", ""),
    "basis": ("计算依据", "measured against", "", ""),
    "band_years": ("每个年龄段跨", "years per age band", "年", "years"),
    "min_bands": ("班子至少跨越的年龄段", "age bands a team spans at least", "个", "bands"),
    "avg_age_drop": ("平均年龄比调整前降低", "average age falls by", "岁", "years"),
    "avg_weight": ("平均年龄每高出目标 1 岁扣", "points per member-year above the goal", "分",
                   "points"),
    "systems": ("重点部门（系统）", "sensitive systems", "", ""),
    "adjust_below": ("优秀和称职得票率低于此比例的提请调整", "approval below which flagged", "",
                     ""),
    "remove_above": ("不称职得票率高于此比例的提请免职", "不称职 votes above which flagged", "",
                     ""),
    "votes": ("得票情况如何处理", "what the votes do", "", ""),
    "whole_term": ("正职任期内不调整", "heads stay the whole term", "", ""),
    "term_start": ("任期起始日期", "start of the term", "", ""),
    "heads": ("每个正职配后备干部", "reserves per head", "名", "people"),
    "deputies": ("每个副职配后备干部", "reserves per deputy", "名", "people"),
}
# Parameters that are shares: shown and typed as fractions ("2/3"), never 0.666….
_SHARES = {"share", "share_of_teams", "threshold", "adjust_below", "remove_above"}
# Choices in words (those `placement.data.words.VALUES` does not name).
CHOICES: dict[str, tuple[str, str]] = {
    "college": ("大专", "college"), "bachelor": ("本科", "bachelor"),
    "postgraduate": ("研究生", "postgraduate"), "team": ("按班子", "per team"),
    "county": ("按县（市、区）", "per county"), "before": ("不低于调整前", "no fewer than before"),
    "share": ("按比例", "by share"), "mark": ("只提请组织研究，不据此调整",
              "flag for the committee"),
    "act": ("据此调整", "act on them"), "hard": ("必须满足", "must hold"),
    "target": ("尽量满足", "met where possible"), "off": ("不执行", "off"),
}
# The weight in words: the level a planner picks, and the number it stands for. A
# line's fit is at most 100 points, so a weight of 1000 outweighs ten lines' fit.
PRIORITY_LEVELS: tuple[tuple[str, str, int], ...] = (
    ("很高", "very high", 2000), ("高", "high", 1000), ("中", "medium", 500),
    ("低", "low", 300), ("很低", "very low", 100), ("不计", "none", 0))


def _words(rid: str, name: str) -> tuple[str, str, str, str]:
    return _PARAMS.get(f"{rid}.{name}") or _PARAMS.get(name) or (name, name, "", "")


def _widget(name: str, annotation: object) -> str:
    """How the page asks for the value: a team-kind, rank or system picker, a fraction,
    a table by rank, or the value's own type."""
    if name in ("kinds", "avg_kinds"):
        return "kinds"
    if name == "ranks":
        return "ranks"
    if name == "systems":
        return "systems"
    if name in _SHARES:
        return "fraction"
    if name == "term_start":
        return "date"
    return _type(annotation)


def _type(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "number"
    if origin in (tuple, list):
        return "list"
    if origin is dict:
        return "table"
    return "text"


def rule_catalogue() -> list[dict]:
    """Every rule: id, names, docstring, the source sentence it stands on (`basis`),
    allowed modes and each parameter with its type, the widget the page asks with, its
    label and unit in both languages, default, bounds and choices (the pickers' words:
    `editor_words`)."""
    out = []
    for rid, cls in CATALOGUE.items():
        default = cls().model_dump(mode="json")
        params = []
        for name, f in cls.model_fields.items():
            bounds = {type(m).__name__.lower(): getattr(m, type(m).__name__.lower())
                      for m in f.metadata if type(m).__name__ in ("Ge", "Le", "Gt", "Lt")}
            choices = (list(typing.get_args(f.annotation))
                       if typing.get_origin(f.annotation) is typing.Literal else None)
            label_zh, label_en, unit_zh, unit_en = _words(rid, name)
            params.append({"name": name, "type": _type(f.annotation),
                           "widget": _widget(name, f.annotation), "default": default[name],
                           "choices": choices, "bounds": bounds, "label_zh": label_zh,
                           "label_en": label_en, "unit_zh": unit_zh, "unit_en": unit_en,
                           "description": f.description or ""})
        out.append({"id": rid, "name_zh": RULE_NAMES[rid][0], "name_en": RULE_NAMES[rid][1],
                    "doc": " ".join((cls.__doc__ or "").split()), "basis": basis(rid),
                    "modes": params[0]["choices"], "params": params})
    return out


def editor_words() -> dict:
    """What the rules editor's pickers offer, in words: team kinds, ranks, the systems
    rules name by default, choices, and the weight's priority levels."""
    systems = dict.fromkeys(s for cls in CATALOGUE.values() if "systems" in cls.model_fields
                            for s in cls.model_fields["systems"].default)
    return {"kinds": [[k, zh] for k, zh in TEAM_KINDS.items()], "ranks": list(RANKS),
            "systems": list(systems), "choices": {k: list(v) for k, v in CHOICES.items()},
            "priority": [list(x) for x in PRIORITY_LEVELS]}


def scenario_doc(base: Path, title: str, settings: list[str]) -> dict:
    """A scenario document that `extends` `base` and names only the changes (`--set`
    strings), as `docs/scenario.md` describes; written by the program's one scenario
    writer (`scenario_io.scenario_text`, through `workspace.save_scenario`). Raises
    `InputError` for a setting that is not `key=value` or that puts a key inside a plain
    value."""
    doc: dict = {"extends": str(base.resolve())}
    if title:
        doc["name"] = title
    problems = []
    for text in settings:
        parts, value = parse_override(text)
        node = doc
        for i, part in enumerate(parts[:-1]):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                where = ".".join(parts[:i + 1])
                problems.append(Problem("override_not_table", source=OVERRIDE_SOURCE,
                                        column=where, params={"text": text, "key": where}))
                break
        else:
            node[parts[-1]] = value
    if problems:
        raise InputError(problems)
    return doc


def find(data, text: str, limit: int = 20) -> dict:
    """Cadres and posts whose id, name, title, team or current post contains `text`
    (case-insensitive), for locks by name: `{"cadres": [...], "posts": [...]}`."""
    posts = data.posts.merge(data.teams[["team_id", "name"]].rename(columns={"name": "team"}),
                             on="team_id", how="left")
    holder = posts[posts["incumbent_id"] != ""].set_index("incumbent_id")
    cad = data.cadres[["cadre_id", "name", "gender", "rank", "region"]].copy()
    cad["post_id"] = cad["cadre_id"].map(holder["post_id"]).fillna("")
    cad["title"] = cad["cadre_id"].map(holder["title"]).fillna("")
    cad["team"] = cad["cadre_id"].map(holder["team"]).fillna("")
    hit_c = _contains(cad, ("cadre_id", "name", "title", "team"), text)
    pst = posts[["post_id", "team_id", "team", "title", "rank", "incumbent_id"]]
    hit_p = _contains(pst, ("post_id", "team_id", "team", "title"), text)
    return {"cadres": cad[hit_c].head(limit).to_dict("records"),
            "posts": pst[hit_p].head(limit).to_dict("records")}


def _contains(frame, columns: tuple[str, ...], text: str):
    hit = None
    for col in columns:
        m = frame[col].astype(str).str.contains(text, case=False, regex=False)
        hit = m if hit is None else hit | m
    return hit
