"""What the checker hands back: violations, figures, totals, the objective, a report.

A `Figure` is one rule at one place (a roster line, a team, a county, or all
teams): what is required, what the roster achieves and the shortfall. `sense`
says which way the rule points: "min" (achieved ≥ required; shortfall is
required − achieved) or "max" (achieved ≤ required, for R-AV1 kin pairs per
team, R-RO8 heads changed per county and R-TC10's total member age; shortfall
is achieved − required). Pair rules have one figure per roster line:
required 1, achieved 1 when the line keeps the rule, 0 when it breaks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.data.i18n import MESSAGES
from placement.data.rules import CATALOGUE, RULE_NAMES

FIGURE_COLUMNS = ["rule", "mode", "scope", "where", "sense", "required", "achieved",
                  "shortfall"]
TOTAL_COLUMNS = ["rule", "mode", "scope", "required", "achieved", "shortfall", "places",
                 "places_short", "weight", "penalty"]
COUNTS = ("required", "achieved", "shortfall")
# The totals' sums over a rule's figures in one scope.
SUMMED = ["required", "achieved", "shortfall", "places", "places_short"]
# "Leaving the roster": each sitting cadre with no post after, and why (a rule id,
# "leaving", "lock", "allowed" by `allow_release`, or "" for a release without cause).
DEPARTURE_COLUMNS = ["cadre_id", "post_id", "cause"]
# R-RO9 with votes = "mark": cadres the evaluation marks for the committee.
MARKED_COLUMNS = ["cadre_id", "post_id", "vote", "rating_good", "rating_bad"]
# Rules that are reported but never priced: docs/rules.md, "R-RS1: report only".
REPORT_ONLY = ("R-RS1",)


def _text(code: str, params: dict, lang: str) -> str:
    zh, en = MESSAGES[code]
    chosen = {k: (v[0] if lang == "zh" else v[1]) if isinstance(v, tuple) else v
              for k, v in params.items()}
    return (zh if lang == "zh" else en).format(**chosen)


@dataclass(frozen=True)
class Violation:
    """A hard rule (or a structural requirement) the roster breaks, and where.

    `params` values that are (Chinese, English) tuples are rendered in the chosen
    language."""
    rule: str
    where: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        return _text(self.code, self.params, lang)

    def render(self, lang: str = "en") -> str:
        return f"[{self.rule}] {self.where}: {self.text(lang)}"


@dataclass(frozen=True)
class Figure:
    rule: str
    mode: str
    scope: str  # "pair", "team", "county", "cadre" (R-RO5–R-RO7, R-RO10), "promotion"
    # (R-RO10's second part) or "all"
    where: str  # post id (pair), team id, region or "all"
    required: int
    achieved: int
    sense: str = "min"
    # (message code, params) for the violation when the rule is hard and falls short
    detail: tuple[str, dict] | None = None

    @property
    def shortfall(self) -> int:
        gap = self.required - self.achieved if self.sense == "min" \
            else self.achieved - self.required
        return max(0, int(gap))

    def violation(self) -> Violation:
        code, params = self.detail or (
            "chk_at_least" if self.sense == "min" else "chk_at_most",
            {"rule": self.rule, "where": self.where, "required": self.required,
             "achieved": self.achieved})
        return Violation(self.rule, self.where, code, params)


class FigureTable:
    """The figures' columns, filled rule by rule in catalogue order: a team rule adds its
    `Figure`s, a pair rule adds one row per roster line at once (no object per line)."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {name: [] for name in FIGURE_COLUMNS}

    def add(self, figures: list[Figure]) -> None:
        for f in figures:
            for name, value in zip(FIGURE_COLUMNS, (
                    f.rule, f.mode, f.scope, f.where, f.sense, int(f.required),
                    int(f.achieved), f.shortfall), strict=True):
                self.columns[name].append(value)

    def add_pairs(self, rule: str, mode: str, posts: list[str], kept: list[bool]) -> None:
        """Pair rule `rule` on the lines of `posts`: required 1, achieved 1 where `kept`."""
        n = len(posts)
        for name, values in (("rule", [rule] * n), ("mode", [mode] * n),
                             ("scope", ["pair"] * n), ("where", posts), ("sense", ["min"] * n),
                             ("required", [1] * n), ("achieved", [int(k) for k in kept]),
                             ("shortfall", [int(not k) for k in kept])):
            self.columns[name] += values

    def frame(self) -> pd.DataFrame:
        """The figures, text columns as pandas infers them, counts as int64 arrays."""
        if not self.columns["rule"]:
            return pd.DataFrame(columns=FIGURE_COLUMNS).astype(dict.fromkeys(COUNTS, "int64"))
        return pd.DataFrame({name: np.array(values, dtype=np.int64) if name in COUNTS
                             else values for name, values in self.columns.items()})


def rule_weight(scenario, rule_id: str, scope: str) -> int:
    """Penalty per unit: R-TC10's average part uses `avg_weight`, R-RO10's promotion part
    `promotion_weight`; report-only rules 0."""
    rule = scenario.rules[rule_id]
    if rule_id in REPORT_ONLY:
        return 0
    if rule_id == "R-TC10" and scope == "all":
        return rule.avg_weight
    if rule_id == "R-RO10" and scope == "promotion":
        return rule.promotion_weight
    return rule.weight


def scope_mode(scenario, rule_id: str, scope: str) -> str:
    """The mode of a rule's figures in one scope: R-TC5's per-team tier (a) has its own
    `every_mode`; every other figure has the rule's mode."""
    rule = scenario.rules[rule_id]
    if rule_id == "R-TC5" and scope == "team" and rule.mode != "off":
        return rule.every_mode
    return rule.mode


def totals_frame(scenario, figures: pd.DataFrame, scopes: dict[str, list[str]]) -> pd.DataFrame:
    """One row per active rule (R-TC10: one per part, the team bands and the overall
    average), in catalogue order, including rules with no place to count; the sums of
    all rules come from one groupby over the figures."""
    sums = figures.assign(places=1, places_short=figures["shortfall"] > 0) \
        .groupby(["rule", "scope"], sort=False)[SUMMED].sum()
    found = dict(zip(sums.index, sums.itertuples(index=False), strict=True))
    rows = []
    for rid in CATALOGUE:
        if scenario.rules[rid].mode == "off":
            continue
        for scope in scopes[rid]:
            mode = scope_mode(scenario, rid, scope)
            sums_here = found.get((rid, scope), [0] * len(SUMMED))
            part = {name: int(n) for name, n in zip(SUMMED, sums_here, strict=True)}
            weight = rule_weight(scenario, rid, scope)
            rows.append({
                "rule": rid, "mode": mode, "scope": scope, **part, "weight": weight,
                "penalty": weight * part["shortfall"] if mode == "target" else 0,
            })
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS)


@dataclass
class CheckReport:
    """The independent check of one roster.

    `ok` is True when no hard rule and no structural requirement is broken.
    `figures` has one row per (rule, place) for every rule not off, in both
    modes; `totals` sums them per rule. `objective_terms` recomputes the objective.
    """
    ok: bool
    violations: list[Violation]
    figures: pd.DataFrame
    totals: pd.DataFrame
    # For the objective: scenario, fit per line, and the stability counts.
    scenario: object = field(repr=False, default=None)
    roster_posts: list[str] = field(repr=False, default_factory=list)
    moved: list[str] = field(default_factory=list)  # sitting cadres allowed to stay who don't
    # sitting cadres with no post after, not leaving, not barred from every post
    released: list[str] = field(default_factory=list)
    departures: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=DEPARTURE_COLUMNS))
    marked: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MARKED_COLUMNS))

    def objective_terms(self, fit: pd.Series | None = None) -> dict:
        """The objective of docs/rules.md ("Objective") for this roster.

        `fit`: a score per roster line, indexed by post_id (lines whose post is not in
        it count 0; None counts every line 0). Returns fit (weighted), penalties per
        target rule, moves, releases, the objective and the lexicographic levels."""
        sc = self.scenario
        w = sc.weights
        scores = pd.Series(dtype=float) if fit is None else fit
        raw_fit = float(sum(float(scores.get(p, 0.0)) for p in self.roster_posts))
        fit_term = w.fit * raw_fit
        penalties: dict[str, float] = {}
        by_priority: dict[int, float] = {}
        for row in self.totals.itertuples(index=False):
            if row.mode != "target" or row.rule in REPORT_ONLY:
                continue
            penalties[row.rule] = penalties.get(row.rule, 0) + row.penalty
            prio = sc.rules[row.rule].priority
            by_priority[prio] = by_priority.get(prio, 0) + row.penalty
        moves, releases = len(self.moved), len(self.released)
        stability = -(w.move * moves + w.release * releases)
        objective = fit_term - sum(penalties.values()) + stability
        levels = {f"targets:{p}": -v for p, v in sorted(by_priority.items())}
        levels |= {"fit": fit_term, "stability": stability}
        return {"fit": fit_term, "penalties": penalties, "moves": moves,
                "releases": releases, "objective": objective, "levels": levels}

    def render(self, lang: str = "en") -> str:
        head = _text("chk_ok", {}, lang) if self.ok \
            else _text("chk_fail", {"n": len(self.violations)}, lang)
        lines = [head]
        lines += ["  " + v.render(lang) for v in self.violations]
        lines.append("")
        lines.append(_text("chk_totals", {}, lang))
        lines.append(_table(self.totals, lang))
        return "\n".join(lines)


def _table(totals: pd.DataFrame, lang: str) -> str:
    header = MESSAGES["chk_columns"][0 if lang == "zh" else 1].split("|")
    rows = [header]
    for r in totals.itertuples(index=False):
        name = RULE_NAMES[r.rule][0 if lang == "zh" else 1]
        rows.append([r.rule, _text(f"chk_mode_{r.mode}", {}, lang), r.scope, str(r.required),
                     str(r.achieved), str(r.shortfall), str(r.places_short), name])
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header) - 1)]
    out = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:-1])]
        out.append("  " + "  ".join(cells + [row[-1]]))
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
