"""What a committee asks of a roster, in its own terms: the cards, the what-if's
changes against its base, and rule rows whose figures read one way.

The summary cards count promotions, exchanges across counties, newcomers,
leavers and the targets still short, and show women, young and non-Party
members before and after; the solver's figures (status, gap, seconds) go to
a technical note at the foot of the page, where the about sheet repeats them.

A what-if is a scenario that `extends` another, or one solved with `--set`:
its report says so in the title and lists each changed setting against its
base (the file it extends, else the scenario file itself), so two reports of
the same data are never mistaken for one another.

Rule rows: a figure summed over many places (34 teams' requirements against
their members) reads as a contradiction ("要求 156 / 实际 155 / 差额 2", one
team above its minimum hides another below it), so a row over many places says
how many places meet the rule and the summed shortfall; a row over one place
gives the requirement with its sense (≥ for a minimum, ≤ for a maximum), the
figure and the shortfall, which then agree. Report-only rules (R-RS1,
`placement.checker.report.REPORT_ONLY`) are information, never a failure.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd

from placement.checker.report import REPORT_ONLY
from placement.data.errors import InputError
from placement.data.names import Names
from placement.data.rule_words import CHOICES, SHARES, param_words, priority_word
from placement.data.rules import share_fraction
from placement.data.scenario_io import load_scenario, scenario_to_dict
from placement.export.report.labels import VALUES, WORDS, rule_name, team_kind, value, word
from placement.roster.result_folder import Result

CARD_METRICS = ("women", "young", "non_party")
TITLE_CHANGES = 2  # settings named in the title; the first page lists all of them


def _regions(res: Result) -> pd.Series:
    """post_id -> the region (county) of its team."""
    posts = res.data.posts.set_index("post_id")["team_id"]
    return posts.map(res.data.teams.set_index("team_id")["region"])


def unmet_targets(res: Result) -> int:
    """Places where a priced rule is short after the roster (report-only rules aside)."""
    f = res.figures
    return int(((f["shortfall"] > 0) & ~f["rule"].isin(REPORT_ONLY)
                & (f["mode"] != "off")).sum())


def planner_cards(res: Result, lang: str) -> list[tuple[str, str]]:
    """(label, figure) for the summary: the roster in the committee's terms."""
    m = res.moves
    region = _regions(res)
    moving = m[(m["from_post"].fillna("") != "") & (m["to_post"].fillna("") != "")]
    across = int((moving["from_post"].map(region) != moving["to_post"].map(region)).sum())
    kinds = m["kind"].value_counts()
    cards = [(word("card_promotions", lang), str(int(kinds.get("promotion", 0)))),
             (word("card_across", lang), str(across)),
             (word("card_appointments", lang), str(int(kinds.get("appointment", 0)))),
             (word("card_leaving", lang), str(int(kinds.get("leaving", 0)))),
             (word("card_unmet", lang), str(unmet_targets(res)))]
    t = res.teams
    for metric in CARD_METRICS:
        before, after = int(t[f"{metric}_before"].sum()), int(t[f"{metric}_after"].sum())
        cards.append((word(metric, lang), f"{before} → {after}"))
    check = res.summary.get("check", {})
    cards.append((word("card_check", lang), word("passed" if check.get("ok") else "failed",
                                                 lang)))
    return cards


def technical_note(res: Result, lang: str) -> str:
    """The solver's figures in one line, for the foot of the page."""
    s = res.summary
    gap = s.get("gap")
    parts = [f"{word('tech_status', lang)} {value(str(s.get('status', '')), lang)}",
             f"{word('tech_objective', lang)} {s.get('objective')}",
             f"{word('tech_gap', lang)} {'—' if gap is None else f'{gap:.2%}'}",
             f"{word('tech_seconds', lang)} {s.get('times', {}).get('solve', 0):.1f}"]
    return ("；" if lang == "zh" else "; ").join(parts)


# --- the what-if's changes ------------------------------------------------------------
def flat(d: dict, prefix: str = "") -> dict[str, object]:
    """Nested settings as {"rules.R-TC5.min_women": 2, …}."""
    out: dict[str, object] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flat(v, key + "."))
        else:
            out[key] = v
    return out


def base_scenario(res: Result):
    """The scenario this result is a what-if of: the file its scenario extends, else the
    scenario file itself (a `--set` solve); None when no file can be read."""
    source = res.scenario.source
    if source is None or not Path(source).is_file():
        return None
    try:
        parent = tomllib.loads(Path(source).read_text("utf-8")).get("extends")
        return load_scenario(Path(source).parent / parent if isinstance(parent, str)
                             else Path(source))
    except (InputError, OSError, tomllib.TOMLDecodeError):
        return None  # the report still says what was solved; only the comparison is lost


def base_changes(res: Result) -> list[tuple[str, object, object]]:
    """(setting, base value, this value) for every setting that differs from the base;
    empty for a baseline. The scenario's name is not a setting."""
    base = base_scenario(res)
    if base is None:
        return []
    before, after = flat(scenario_to_dict(base)), flat(scenario_to_dict(res.scenario))
    return [(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
            if k != "name" and before.get(k) != after.get(k)]


def setting_label(key: str, lang: str) -> str:
    """`rules.R-TC5.min_women` -> "R-TC5 女干部配备 女干部最少人数"; other keys part by
    part in words where the catalogue has them (`weights.change` -> "权重.change")."""
    parts = key.split(".")
    if parts[0] == "rules" and len(parts) >= 3:
        head, parts = f"{parts[1]} {rule_name(parts[1], lang)} ".lstrip(), parts[2:]
    else:
        head = ""
    return head + ".".join(_part(p, lang) for p in parts)


def _part(part: str, lang: str) -> str:
    if part in VALUES:
        return value(part, lang)
    return word(part, lang) if part in WORDS else part


def change_value(v: object, lang: str) -> str:
    """A setting's value as the change list shows it (coded words translated)."""
    if v is None:
        return "—"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(value(v, lang)) if isinstance(v, str) else str(v)


def change_lines(res: Result, lang: str) -> list[str]:
    """Each change against the base in a committee's words: a rule's parameter as
    "女干部配备：女干部不少于 2 名 → 3 名", each lock added as "锁定：张三 任 某职，理由：…",
    any other setting as "setting: before → after"."""
    lines = []
    for k, a, b in base_changes(res):
        parts = k.split(".")
        if parts[0] == "locks":
            continue
        if parts[0] == "rules" and len(parts) == 3:
            lines.append(rule_setting(parts[1], parts[2], a, b, lang))
        else:
            lines.append(f"{setting_label(k, lang)}: {change_value(a, lang)} → "
                         f"{change_value(b, lang)}")
    return lines + lock_lines(res, lang)


def param_value(rule_id: str, name: str, v: object, lang: str) -> str:
    """A rule parameter's value as a planner reads it: shares as fractions (2/3), team
    kinds and coded choices in words, lists joined with 、, yes/no for a switch."""
    zh = lang == "zh"
    if v is None:
        return "—"
    if isinstance(v, bool):
        return ("是" if v else "否") if zh else ("yes" if v else "no")
    if name in SHARES:
        try:
            f = share_fraction(v)
            return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)
        except (ValueError, ZeroDivisionError, TypeError):
            return str(v)
    if isinstance(v, (list, tuple)):
        return ("、" if zh else ", ").join(team_kind(str(x), lang) if name in ("kinds", "avg_kinds")
                                          else str(x) for x in v)
    if isinstance(v, dict):
        return ("、" if zh else ", ").join(f"{k} {x}" for k, x in v.items())
    if isinstance(v, str) and v in CHOICES:
        return CHOICES[v][0 if zh else 1]
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _with_unit(rule_id: str, name: str, v: object, lang: str) -> str:
    unit = param_words(rule_id, name)[2 if lang == "zh" else 3]
    shown = param_value(rule_id, name, v, lang)
    return f"{shown} {unit}" if unit and v is not None else shown


def rule_setting(rule_id: str, name: str, before: object, after: object, lang: str) -> str:
    """One changed parameter: "女干部配备：女干部不少于 2 名 → 3 名"."""
    sep = "：" if lang == "zh" else ": "
    if name == "weight":
        label = param_words(rule_id, name)[0 if lang == "zh" else 1]
        return (f"{rule_name(rule_id, lang)}{sep}{label} {priority_word(int(before or 0), lang)}"
                f" → {priority_word(int(after or 0), lang)}")
    label = param_words(rule_id, name)[0 if lang == "zh" else 1]
    return (f"{rule_name(rule_id, lang)}{sep}{label} {_with_unit(rule_id, name, before, lang)}"
            f" → {_with_unit(rule_id, name, after, lang)}")


def rule_sentence(rule_id: str, settings: dict, lang: str) -> str:
    """A rule's settings as one sentence for the 说明 sheet: how it is applied, its
    priority where it is a target, then each parameter with its label and unit."""
    zh = lang == "zh"
    mode = settings.get("mode", "hard")
    parts = [param_value(rule_id, "mode", mode, lang)]
    if mode == "target":
        parts.append(f"{param_words(rule_id, 'weight')[0 if zh else 1]} "
                     f"{priority_word(int(settings.get('weight', 0)), lang)}")
    for name, v in settings.items():
        if name in ("mode", "weight", "priority"):
            continue
        label = param_words(rule_id, name)[0 if zh else 1]
        parts.append(f"{label} {_with_unit(rule_id, name, v, lang)}")
    return ("；" if zh else "; ").join(parts)


_LOCK_REASON = {"must": r"锁定任职理由：([^；]*)", "forbid": r"不得任（[^）]*）理由：([^；]*)"}


def lock_lines(res: Result, lang: str) -> list[str]:
    """Each lock the what-if adds to its base, by name: "锁定：张三 任 某县委书记，理由：…"
    (the reason as the roster line of the post states it)."""
    zh = lang == "zh"
    base = base_scenario(res)
    had = base.locks if base is not None else None
    names = Names(res.data)
    reasons = dict(zip(res.roster["post_id"], res.roster.get("reason_zh", ""), strict=False)) \
        if "reason_zh" in res.roster else {}
    out = []
    for kind in ("must", "forbid"):
        for pair in getattr(res.scenario.locks, kind):
            if had is not None and any(p.cadre == pair.cadre and p.post == pair.post
                                       for p in getattr(had, kind)):
                continue
            who = names.cadre.get(pair.cadre, pair.cadre)
            found = re.search(_LOCK_REASON[kind], str(reasons.get(pair.post, "")))
            if zh:
                head = "锁定" if kind == "must" else "不得任"
                verb = "任" if kind == "must" else "不任"
                why = f"，理由：{found.group(1)}" if found else ""
                out.append(f"{head}：{who} {verb} {names.post(pair.post, lang)}{why}")
            else:
                verb = "holds" if kind == "must" else "does not hold"
                why = f", reason: {found.group(1)}" if found else ""
                out.append(f"locked: {who} {verb} {names.post(pair.post, lang)}{why}")
    for ident in res.scenario.locks.keep:
        if had is not None and ident in had.keep:
            continue
        shown = names.name(ident, lang) or ident
        out.append(f"保持不变：{shown}" if zh else f"kept as is: {shown}")
    return out


def report_title(res: Result, lang: str) -> str:
    """The scenario's name, with the what-if's first changes when it is one."""
    name = res.summary.get("name") or word("title_default", lang)
    lines = change_lines(res, lang)
    if not lines:
        return name
    shown = ("；" if lang == "zh" else "; ").join(lines[:TITLE_CHANGES])
    more = (word("title_more", lang).format(n=len(lines) - TITLE_CHANGES)
            if len(lines) > TITLE_CHANGES else "")
    return f"{name}（{word('whatif', lang)}：{shown}{more}）" if lang == "zh" else \
        f"{name} ({word('whatif', lang)}: {shown}{more})"


# --- rule rows ------------------------------------------------------------------------
def rule_rows(res: Result, lang: str) -> pd.DataFrame:
    """Per rules.csv row: the requirement with its sense, the figure, the shortfall, the
    places meeting it and a verdict that agrees with them."""
    r = res.rules.reset_index(drop=True)
    f = res.figures
    sense = f.drop_duplicates(["rule", "scope"]).set_index(["rule", "scope"])["sense"]
    req, ach, met, verdict = [], [], [], []
    for row in r.itertuples(index=False):
        places, short = int(row.places or 0), int(row.places_short or 0)
        is_max = sense.get((row.rule, row.scope), "min") == "max"
        if places == 1:
            req.append(("≤ " if is_max else "≥ ") + f"{row.required:g}")
            ach.append(f"{row.achieved:g}")
        else:  # summed over places: no single requirement to compare with
            req.append("")
            ach.append("")
        met.append("—" if places == 0 else f"{places - short}/{places}")
        if row.rule in REPORT_ONLY:
            verdict.append(word("info", lang))
        elif places == 0 or row.mode == "off":
            verdict.append(word("not_applicable", lang))
        elif short:
            verdict.append(word("unmet", lang))
        else:
            verdict.append(word("met", lang))
    return pd.DataFrame({"required_text": req, "achieved_text": ach, "places_met": met,
                         "verdict": verdict})
