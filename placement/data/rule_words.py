"""The rule parameters in a planner's words: each parameter's label and unit, the words
of coded choices, and the weight's priority levels, in Chinese and English.

Why here and not in the page or the report: the rules editor (`placement.web`), the
report's list of a what-if's changes and its 说明 sheet (`placement.export.report`) say
the same setting the same way, so the words have one home, beside the catalogue
(`placement.data.rules`) whose fields they name.
"""

from __future__ import annotations

# Each parameter in the planner's words: (label zh, label en, unit zh, unit en); a rule's
# own reading of a name (R-EL3's `years` are years of assessments, R-RO1's years in
# post) under "<rule>.<name>".
PARAMS: dict[str, tuple[str, str, str, str]] = {
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
    "promotion_weight": ("任期内已调整者再提拔，每人扣分", "points per cadre promoted again "
                         "within the term", "分", "points"),
    "heads": ("每个正职配后备干部", "reserves per head", "名", "people"),
    "deputies": ("每个副职配后备干部", "reserves per deputy", "名", "people"),
}
# Parameters that are shares: shown and typed as fractions ("2/3"), never 0.666….
SHARES = {"share", "share_of_teams", "threshold", "adjust_below", "remove_above"}
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



def param_words(rule_id: str, name: str) -> tuple[str, str, str, str]:
    """(label zh, label en, unit zh, unit en) of a rule's parameter; the name itself when
    the table has no words for it."""
    return PARAMS.get(f"{rule_id}.{name}") or PARAMS.get(name) or (name, name, "", "")


def priority_word(weight: int, lang: str) -> str:
    """The weight as a priority: "高（每缺 1 个扣 1000 分）"; a weight between levels
    takes the level below it."""
    zh, en, _ = next((lv for lv in PRIORITY_LEVELS if weight >= lv[2]), PRIORITY_LEVELS[-1])
    if lang == "zh":
        return f"{zh}（每缺 1 个扣 {weight} 分）"
    return f"{en} ({weight} points per unit short)"
