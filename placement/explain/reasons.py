"""Why this person: a reason for every roster line and every move, in Chinese and English.

A planner defends each line before a standing committee, so a reason speaks the
committee's language (docs/explain.md, "Reasons in a committee's words"):

1. the binding rule first, in words ("在原职位任职满十年，按规定交流"), for a sitting cadre
   a rule moves; else what the line is (留任, 提拔任职, 平级交流任职 …);
2. the fit in words ("专业对口、熟悉政府工作、有乡镇党委书记经历、考核优秀"), read from the
   cadre's data (`reason_words.strength_words`), never a claim the data contradict;
3. every composition target the person serves in that team or county where it needs
   them ("满足洪洞县女干部配备要求");
4. for a change, the vacancy it fills ("接替到龄退休的原任", "填补职位空缺").

No number, formula or rule id appears in `reason_zh` / `reason_en`: the fit score and
its parts go to `fit_detail_zh` / `fit_detail_en`, the rule ids the reason speaks of to
`rules` (roster) beside `required_by` (moves). Target figures come from the independent
checker's report, so a reason never claims more than the roster shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.names import Names
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.fit import PARTS, fit_parts, given_scores
from placement.eligibility.pairs import Pairs, reasons
from placement.explain.reason_words import (
    UNCAUSED_RELEASE,
    Words,
    cadre_rows,
    strength_words,
    target_words,
)
from placement.meaning import causes
from placement.meaning.causes import LEAVES, cause_words
from placement.roster.tables import Readings, read_members

PART_NAMES = {"specialty": ("专业", "specialty"), "experience": ("经历", "experience"),
              "assessment": ("考核", "assessment"), "approval": ("民主推荐", "approval")}
# What a change is when no rule forced it (moves.csv `kind`), the reason's first words.
KIND_WORDS = {"promotion": ("提拔任职", "promoted"), "lateral": ("平级交流任职", "lateral move"),
              "demotion": ("降职使用", "demoted"), "appointment": ("新任职", "newly appointed")}
STAY = ("留任", "stays in post")


def _tight(figures: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """(rule, place) whose minimum is met with nothing to spare (False) or missed (True):
    every member who counts there is needed."""
    f = figures[(figures["scope"] != "pair") & (figures.get("sense", "min") == "min")]
    return {(r, w): ach < req for r, w, req, ach in zip(
        f["rule"], f["where"], f["required"], f["achieved"], strict=True) if ach <= req}


def fit_detail(data: DataSet, sc: Scenario, roster: pd.DataFrame) -> pd.DataFrame:
    """`fit_detail_zh` / `fit_detail_en`: the score and its weighted parts ("54（专业
    0.50×0.35，…）"), or the planner's own score, for those who want the numbers."""
    cpos = pd.Index(data.cadres["cadre_id"]).get_indexer(roster["cadre_id"])
    ppos = pd.Index(data.posts["post_id"]).get_indexer(roster["post_id"])
    parts = fit_parts(data, cpos, ppos)
    planner = (given_scores(data, cpos, ppos) if not data.fit.empty
               else np.full(len(roster), np.nan))
    w = {k: getattr(sc.fit, k) for k in PARTS}
    zh, en = [], []
    for i, fit in enumerate(roster["fit"]):
        if np.isnan(planner[i]):
            zh.append(f"{fit}（" + "，".join(
                f"{PART_NAMES[k][0]}{parts[k][i]:.2f}×{w[k]:g}" for k in PARTS) + "）")
            en.append(f"{fit} (" + ", ".join(
                f"{PART_NAMES[k][1]} {parts[k][i]:.2f}×{w[k]:g}" for k in PARTS) + ")")
        else:
            zh.append(f"{fit}（规划人员评分）")
            en.append(f"{fit} (planner's score)")
    return pd.DataFrame({"fit_detail_zh": zh, "fit_detail_en": en}, index=roster.index)


def _strengths(data: DataSet, sc: Scenario, roster: pd.DataFrame,
               forced: dict[str, tuple[str, ...]]) -> list[list[Words]]:
    """The holder's strengths for each roster line's post (`strength_words`)."""
    cadres, posts = data.cadres, data.posts
    cpos = pd.Index(cadres["cadre_id"]).get_indexer(roster["cadre_id"])
    ppos = pd.Index(posts["post_id"]).get_indexer(roster["post_id"])
    specialty = fit_parts(data, cpos, ppos)["specialty"]
    team_system = data.teams.set_index("team_id")["system"].reindex(
        posts["team_id"]).to_numpy(dtype=object)[ppos]
    same = cadres["system"].to_numpy(dtype=object)[cpos] == team_system
    post_spec = posts["specialty"].to_numpy(dtype=object)[ppos]
    approval = cadres["approval"].to_numpy(dtype=float)[cpos]
    rows = cadre_rows(cadres, cpos)
    ids = cadres["cadre_id"].to_numpy(dtype=object)
    return [strength_words(rows[i], sc, specialty=float(specialty[i]),
                           post_specialty=str(post_spec[i] or ""), same_system=bool(same[i]),
                           team_system=str(team_system[i] or ""),
                           approval=None if np.isnan(approval[i]) else float(approval[i]),
                           forced=forced.get(ids[c], ()))
            for i, c in enumerate(cpos)]


def _fates(data: DataSet, sc: Scenario, facts: Facts, moves: pd.DataFrame
           ) -> dict[str, Words]:
    """Per sitting cadre in moves.csv: what became of him or her, as a successor hears it
    ("接替{fate}的原任")."""
    out = {}
    rows = pd.Index(data.cadres["cadre_id"])
    for m in moves.itertuples(index=False):
        if not m.from_post:
            continue
        req = str(m.required_by or "")
        tokens = [t for t in req.split(";") if t]
        c = rows.get_loc(m.cadre_id)
        if "leaving" in tokens:
            out[m.cadre_id] = (("到龄退休", "retires")
                                if facts.c_age[c] >= causes.retirement_age(sc)
                                else LEAVES)
        elif causes.RETIREMENT in tokens:
            out[m.cadre_id] = ("到龄退休", "retires")
        elif tokens and any(causes.is_exchange(t) for t in tokens):
            out[m.cadre_id] = ("按规定交流", "is exchanged as required")
        elif tokens:
            out[m.cadre_id] = ("按规定调整", "moves as a rule requires")
        elif m.to_post:
            out[m.cadre_id] = ("另有任用", "takes another post")
        else:
            out[m.cadre_id] = ("另行安排", "is released")
    return out


def _vacancy(prev: str, fates: dict[str, Words], post: str = "") -> Words:
    """The vacancy a new holder fills, with the post's name when given (moves.csv)."""
    if not prev:
        return ((f"填补{post}空缺", f"fills the vacant post {post}") if post else
                ("填补职位空缺", "fills a vacant post"))
    fate = fates.get(prev, ("另有任用", "takes another post"))
    if post:
        return (f"接任{post}（原任{fate[0]}）", f"takes {post} (the holder {fate[1]})")
    return f"接替{fate[0]}的原任", f"succeeds a holder who {fate[1]}"


def _required(moves: pd.DataFrame | None, pairs: Pairs, data: DataSet) -> dict[str, str]:
    """cadre_id -> moves.csv's `required_by` (rule ids, "leaving"); without moves, the
    rules that removed a sitting cadre's own pair."""
    if moves is not None:
        return dict(zip(moves["cadre_id"], moves["required_by"].fillna("").astype(str),
                        strict=True))
    return {k: ";".join(v) for k, v in _forced_moves(data, pairs).items()}


def _rule_ids(required_by: str) -> tuple[str, ...]:
    return tuple(t for t in required_by.split(";") if t and t != "leaving")


def _explain_lines(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs,
                   roster: pd.DataFrame, figures: pd.DataFrame,
                   moves: pd.DataFrame | None, readings: Readings
                   ) -> tuple[list[dict], list[list[Words] | None]]:
    """Per roster line, the pieces of its reason: `head` (binding rule or what the line
    is), `strengths`, `targets`, `vacancy` (with and without the post's name), `rules`;
    and per moves.csv line, in its order, the cause in words of one that takes no roster
    line (a release, a departure; "另行安排（未列原因）" without one), else None: every
    cause read in one pass.
    `readings`: the members' readings (`read_members`)."""
    required = _required(moves, pairs, data)
    kind = ({} if moves is None else dict(zip(moves["cadre_id"], moves["kind"], strict=True)))
    attrs = readings.lines()
    tight = _tight(figures)
    names = Names(data)
    fates = {} if moves is None else _fates(data, sc, facts, moves)
    strengths = _strengths(data, sc, roster, {k: _rule_ids(v) for k, v in required.items()})
    cadre_row = pd.Index(data.cadres["cadre_id"])
    cpos = cadre_row.get_indexer(roster["cadre_id"])
    prev = roster.get("previous_holder_id", pd.Series("", index=roster.index))
    prev = prev.fillna("").astype(str).to_numpy()
    released: list[list[Words] | None] = []
    on_roster = set(roster["cadre_id"])
    for m in () if moves is None else moves.itertuples(index=False):
        c = cadre_row.get_loc(m.cadre_id)
        released.append(None if m.to_post and m.cadre_id in on_roster else
                        cause_words(str(m.required_by or ""), False, sc, data.cadres, c,
                                    int(facts.c_age[c])) or [UNCAUSED_RELEASE])
    out = []
    for i, row in enumerate(roster.itertuples(index=False)):
        req = required.get(row.cadre_id, "") if row.change == "moved_in" else ""
        head = (cause_words(req, True, sc, data.cadres, int(cpos[i]), int(facts.c_age[cpos[i]]))
                if req else [])
        if not head:
            head = ([STAY] if row.change == "stay" else
                    [KIND_WORDS.get(kind.get(row.cadre_id, ""), KIND_WORDS["appointment"])])
        served: dict[tuple[str, bool], list[str]] = {}  # (place, short) -> rules
        ids = list(_rule_ids(req))
        for rule, (has, where) in attrs.items():
            key = (rule, where[i])
            if sc.rules[rule].mode != "off" and has[i] and key in tight:
                place = names.name(where[i], "zh") or str(where[i])
                served.setdefault((place, tight[key]), []).append(rule)
                ids.append(rule)
        targets = [target_words(rules, place, short) for (place, short), rules in served.items()]
        post = f"{row.team_name}{row.title}" if hasattr(row, "team_name") else ""
        change = row.change != "stay"
        out.append({"head": head, "strengths": strengths[i], "targets": targets,
                    "vacancy": _vacancy(prev[i], fates) if change else None,
                    "vacancy_named": _vacancy(prev[i], fates, post) if change else None,
                    "rules": ";".join(dict.fromkeys(ids))})
    return out, released


def _sentence(p: dict, k: int, named: bool) -> str:
    """One reason from its pieces in language k (0 zh, 1 en)."""
    sep, comma = ("；", "、") if k == 0 else ("; ", ", ")
    parts = [w[k] for w in p["head"]]
    if p["strengths"]:
        parts.append(comma.join(w[k] for w in p["strengths"]))
    parts += [w[k] for w in p["targets"]]
    vacancy = p["vacancy_named"] if named else p["vacancy"]
    if vacancy is not None:
        parts.append(vacancy[k])
    return sep.join(parts)


def roster_reasons(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs,
                   roster: pd.DataFrame, figures: pd.DataFrame,
                   moves: pd.DataFrame | None = None) -> pd.DataFrame:
    """`reason_zh`, `reason_en`, `fit_detail_zh`, `fit_detail_en` and `rules` (the rule
    ids the reason speaks of, ';'-separated) for every roster line. `moves`: moves.csv
    (its `required_by` and `kind`); without it, the rules that removed a sitting cadre's
    own pair stand for `required_by`."""
    pieces, _ = _explain_lines(data, sc, facts, pairs, roster, figures, moves,
                               read_members(data, sc, facts, roster))
    return _roster_columns(pieces, data, sc, roster)


def _roster_columns(pieces: list[dict], data: DataSet, sc: Scenario, roster: pd.DataFrame
                    ) -> pd.DataFrame:
    out = pd.DataFrame({"reason_zh": [_sentence(p, 0, False) for p in pieces],
                        "reason_en": [_sentence(p, 1, False) for p in pieces]},
                       index=roster.index)
    out = out.join(fit_detail(data, sc, roster))
    out["rules"] = [p["rules"] for p in pieces]
    return out


def explain(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs, roster: pd.DataFrame,
            moves: pd.DataFrame, figures: pd.DataFrame, readings: Readings
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reason columns of the roster (`roster_reasons`) and of moves.csv
    (`move_reasons`), the lines explained once for both (`readings`: the lines'
    `read_members`, carried from the pipeline)."""
    pieces, released = _explain_lines(data, sc, facts, pairs, roster, figures, moves, readings)
    lines = _roster_columns(pieces, data, sc, roster)
    return lines, _move_columns(pieces, released, moves, roster, lines)


def _forced_moves(data: DataSet, pairs: Pairs) -> dict[str, tuple[str, ...]]:
    """Sitting cadres whose own pair a hard rule removed, with those rules."""
    own = pairs.removed[pairs.removed["own"]]
    ids = data.cadres["cadre_id"].to_numpy()
    return {ids[c]: reasons(b) for c, b in zip(own["cadre"], own["bits"], strict=True)}


def move_reasons(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs,
                 moves: pd.DataFrame, roster: pd.DataFrame, figures: pd.DataFrame
                 ) -> pd.DataFrame:
    """`reason_zh` / `reason_en` (and the taken line's `fit_detail_*`) for every line of
    moves.csv. A move into a post: the rule that required it (else what it is), the
    holder's strengths, the targets the new line serves, the post it takes and what
    became of its holder. A release or a departure (拟免): its cause from `required_by`
    in words; a release with none says so ("另行安排（未列原因）")."""
    pieces, released = _explain_lines(data, sc, facts, pairs, roster, figures, moves,
                                      read_members(data, sc, facts, roster))
    return _move_columns(pieces, released, moves, roster, fit_detail(data, sc, roster))


def _move_columns(pieces: list[dict], released: list[list[Words] | None],
                  moves: pd.DataFrame, roster: pd.DataFrame, detail: pd.DataFrame
                  ) -> pd.DataFrame:
    by_cadre = dict(zip(roster["cadre_id"], range(len(roster)), strict=True))
    zh, en, dzh, den = [], [], [], []
    for m, words in zip(moves.itertuples(index=False), released, strict=True):
        line = by_cadre.get(m.cadre_id) if m.to_post else None
        if line is not None:
            zh.append(_sentence(pieces[line], 0, True))
            en.append(_sentence(pieces[line], 1, True))
            dzh.append(detail["fit_detail_zh"].iat[line])
            den.append(detail["fit_detail_en"].iat[line])
            continue
        zh.append("；".join(w[0] for w in words))
        en.append("; ".join(w[1] for w in words))
        dzh.append("")
        den.append("")
    return pd.DataFrame({"reason_zh": zh, "reason_en": en, "fit_detail_zh": dzh,
                         "fit_detail_en": den}, index=moves.index)
