"""Questions a planner asks of a scenario that take more than one solve.

The explanation modules say what to try (a trial scenario) and how to read
the answers; the solving happens here, so that explanation code never calls
back into the pipeline.
"""

from __future__ import annotations

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.explain.whynot import WhyNot, compare, excluded_by, forced_trial
from placement.pipeline.propose import propose


def why_not(sc: Scenario, data: DataSet, cadre_id: str, post_id: str) -> WhyNot:
    """Why not cadre C in post P: the rules that exclude the pair, or (when eligible) the
    scenario solved as is and with C locked into P, closest to the first roster."""
    facts = compute_facts(data, sc.reference_date)
    c = pd.Index(data.cadres["cadre_id"]).get_loc(cadre_id)
    p = pd.Index(data.posts["post_id"]).get_loc(post_id)
    why = excluded_by(sc, data, facts, eligible_pairs(data, sc, facts), c, p)
    if why is not None:
        return WhyNot(cadre_id, post_id, False, why)
    base = propose(sc, data, explain=False)
    forced = propose(forced_trial(sc, cadre_id, post_id), data, explain=False,
                     keep_close_to=base.roster)
    return compare(sc, data, cadre_id, post_id, base.roster,
                   base.outcome.objective if base.outcome else None, forced.roster,
                   forced.outcome.levels[0].value if forced.outcome else None,
                   forced.status.value)
