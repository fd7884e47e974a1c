"""Why not cadre C in post P: the rules that exclude the pair, or what forcing it costs.

If the pair is not eligible, the answer lists every reason: structural ones
(leaving, not a candidate, not nominated there, a demotion) and every hard
pair rule that removed it. Otherwise the scenario is solved twice, as is and
with C locked into P, and the answer is the objective change, the roster lines
that change with it and the targets lost or gained. Cadres and posts are shown
by id with their names beside (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.checker import CheckReport, check_roster
from placement.data.dataset import DataSet
from placement.data.names import Names
from placement.data.rules import RULE_NAMES
from placement.data.scenario import Pair, Scenario
from placement.data.words import say, value
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs, reasons, structural_reasons

# Reasons outside the pair rules; their words are `whynot_<code>` in placement.data.words.
STRUCTURAL = ("LEAVING", "NOT_CANDIDATE", "NOT_NOMINATED", "DEMOTION", "FILLED_BY")


@dataclass
class WhyNot:
    cadre: str
    post: str
    eligible: bool
    excluded_by: list[str] = field(default_factory=list)
    objective_before: float | None = None
    objective_after: float | None = None
    changed_lines: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    status: str = ""
    names: Names | None = None  # the data set's names, shown beside the ids

    def named(self, names: Names) -> WhyNot:
        """This answer, rendered with names beside its ids."""
        self.names = names
        return self

    def _id(self, ident: str, lang: str) -> str:
        return self.names.beside(ident, lang) if self.names else ident

    def render(self, lang: str = "en") -> str:
        """The answer in Chinese (`zh`) or English; both from `placement.data.words`."""
        zh = lang == "zh"
        head = say("whynot_head", lang, cadre=self._id(self.cadre, lang),
                   post=self._id(self.post, lang))
        if not self.eligible:
            items = [say(f"whynot_{r}", lang) if r in STRUCTURAL else
                     f"{r} {RULE_NAMES[r][0 if zh else 1]}" for r in self.excluded_by]
            return head + say("whynot_excluded", lang,
                              reasons="; ".join(items))
        if self.objective_after is None:
            return head + say("whynot_no_roster", lang, status=value(self.status, lang))
        delta = self.objective_after - self.objective_before
        lines = [head + say("whynot_cost", lang, delta=f"{delta:+g}",
                            before=f"{self.objective_before:g}",
                            after=f"{self.objective_after:g}"),
                 say("whynot_lines", lang, n=len(self.changed_lines))]
        lines += [f"  {self._id(r.post_id, lang)}: {self._id(r.before, lang)} → "
                  f"{self._id(r.after, lang)}" for r in self.changed_lines.itertuples()]
        moved = self.targets[self.targets["change"] != 0]
        if len(moved):
            lines.append(say("whynot_targets", lang))
            lines += [f"  {r.rule}: {r.before:g} → {r.after:g}" for r in moved.itertuples()]
        return "\n".join(lines)


def _structural(data: DataSet, sc: Scenario, facts: Facts, c: int, p: int) -> list[str]:
    """The structural reasons (`structural_reasons`) the pair (c, p) is outside the
    universe."""
    flags = structural_reasons(data, sc, facts, np.array([c]), np.array([p]))
    return [name for name, mask in flags.items() if mask[0]]


def excluded_by(sc: Scenario, data: DataSet, facts: Facts, pairs: Pairs, c: int,
                p: int) -> list[str] | None:
    """Every reason cadre row `c` may not take post row `p`, or None when the pair is
    eligible."""
    if ((pairs.cadre == c) & (pairs.post == p)).any():
        return None
    why = _structural(data, sc, facts, c, p)
    hit = pairs.removed[(pairs.removed["cadre"] == c) & (pairs.removed["post"] == p)]
    if len(hit):
        why += [r for r in reasons(int(hit["bits"].iat[0])) if r not in why]
    return why


def forced_trial(sc: Scenario, cadre_id: str, post_id: str) -> Scenario:
    """The scenario with the cadre locked into the post: the trial the pipeline solves
    (closest to the base roster) to price the pair."""
    forced = sc.model_copy(deep=True)
    forced.locks.must = [*forced.locks.must, Pair(cadre=cadre_id, post=post_id)]
    return forced


def compare(sc: Scenario, data: DataSet, cadre_id: str, post_id: str,
            base_roster: pd.DataFrame | None, base_objective: float | None,
            forced_roster: pd.DataFrame | None, forced_objective: float | None,
            forced_status: str, base_report: CheckReport | None = None) -> WhyNot:
    """What forcing the pair costs: the objective change, the lines that change and the
    targets lost or gained (counted by the independent checker on both rosters).
    `forced_objective` is the forced solve's first level: agreement with the base came
    after it. `base_report`: the checker's report on `base_roster` when the caller keeps
    it (several questions on one proposal check the forced roster only)."""
    if base_roster is None or forced_roster is None:
        return WhyNot(cadre_id, post_id, True, status=forced_status)
    before = base_roster.set_index("post_id")["cadre_id"]
    after = forced_roster.set_index("post_id")["cadre_id"]
    diff = pd.DataFrame({"before": before, "after": after.reindex(before.index)})
    diff = diff[diff["before"] != diff["after"]].rename_axis("post_id").reset_index()
    if base_report is None:
        base_report = check_roster(sc, data, base_roster)
    t_before = base_report.totals.groupby("rule")["shortfall"].sum()
    t_after = check_roster(sc, data, forced_roster).totals.groupby("rule")["shortfall"].sum()
    targets = pd.DataFrame({"before": t_before, "after": t_after.reindex(t_before.index)})
    targets["change"] = targets["after"] - targets["before"]
    return WhyNot(cadre_id, post_id, True, [], base_objective, forced_objective,
                  diff, targets.rename_axis("rule").reset_index(), forced_status)
