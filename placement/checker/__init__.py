"""The independent checker: reads a roster and the input tables and, without the
CP-SAT model or the solver's pair computation, confirms every hard rule and
recomputes every target figure and the objective (docs/rules.md).

It imports no OR-Tools, nothing from `models` and nothing from
`placement.eligibility.pairs`, `placement.eligibility.facts`, `placement.solver.solve*` or
`placement.pipeline.run`: every term and rule is written again here, one plain
function per rule, one roster line or team at a time.

Modules: `terms` (ages, tenures, member definitions, roster lines),
`structure` (shape, availability, locks), `pair_rules` (R-EL*, R-AV2,
R-RO1–R-RO4, R-RO9, R-RS2), `team_rules` (R-TC*, R-AV1, R-RO5–R-RO8, R-RS1), `report`
(violations, figures, totals, objective, rendering), `roster_io` (roster.csv).

Reading notes (where docs/rules.md leaves room, the most literal reading):
1. The `kinds` scope of R-RO2 and R-RO3 applies (to the team of the post),
   although their table rows do not mention it; R-RO1's and R-RO5's rows do.
2. R-RO3's "team system not in R-RO2's systems" uses R-RO2's `systems`
   parameter even when R-RO2 is off.
3. R-EL4 with an empty `assessment_year`: the 基本称职 grade is not known to be
   recent, so it does not block a promotion. R-EL4 on a staying line only
   judges the 不称职 part (its promotion part needs a new placement).
4. R-EL6 compares approval with the threshold with a 1e-9 tolerance, so an
   approval equal to the threshold up to float noise reaches it.
5. A `must` lock waives candidate, nominated_for, demotion and R-EL9 in both
   modes (a target-mode R-EL9 is not counted on a must pair either); it does
   not waive `leaving`: a must lock on a leaving cadre cannot be kept.
6. R-TC10: (a) required is min(min_bands, size) per team and the shortfall
   max(0, required − bands), as the figure column says (the shortfall list's
   "min_bands − bands" would charge every one-post team); (b) the goal in
   member-years is floor((average age before − avg_age_drop) × posts), which
   makes "member-years above the goal, rounded up" an integer; the "before"
   average is over the posts' current incumbents, leaving ones included, and
   without any incumbent there is no (b) figure. (b) is over the teams of
   `avg_kinds`, (a) over `kinds`; "posts" are the posts held after (open posts
   of another channel left out). R-TC10's totals have two
   rows, scope "team" (bands) and scope "all" (member-years, `avg_weight`).
7. `per = "county"` (R-TC2, R-TC5 (b), R-TC8): one place per region over the
   teams in scope (kind in `kinds`) of that region together.
8. R-TC3 counts every team in scope, including teams without posts.
9. R-RO8: a vacant head post counts as changed ("its incumbent (if any) does
   not stay"); a region needs a head post in both a county_party and a
   county_gov team; a side with several head posts changes when any does.
10. R-AV1 counts one unit per `relations` row whose two cadres serve in the
    same team; figures are per team (at most 0 such rows).
11. R-RS1 (report only, never priced in the objective): a reserve may cover a
    post when its `reserve_rank` equals the post's rank, it is not leaving, holds
    no post in the roster and breaks no hard pair rule there (candidate and
    nominated_for do not matter for the pool). Each reserve counts for one post:
    head posts first, then deputy posts, in data order, a post is covered when it
    and the posts covered before it can all have their reserves at once (a
    bipartite matching, scipy). Per team: covered posts ≥ posts.
12. Pair rules have one figure per roster line (required 1, achieved 1 when the
    line keeps the rule); team and county figures use `sense` "min" or "max".
13. "Allowed to stay": the cadre holds a post now, is not leaving, no `forbid`
    lock names the own pair and no hard pair rule breaks the staying line. A
    `must` lock elsewhere or a `keep` lock does not change it. A move costs
    `weights.move` for each such cadre who does not stay.
14. A roster `team_id` cell must equal the post's team; an empty cell differs.
15. R-EL12 judges only staying lines, on R-EL5's sanction, file and personal
    matters (a new placement is R-EL5's); it has no age part (R-EL7 judges staying
    at the retirement age).
16. R-RO9: a `finding` binds; `unfit_post`: staying, any promotion and a step of
    −2 or lower (possible only by a `must` lock) break it; `incompetent`: any
    step ≥ 0 breaks it (staying included). Evaluation votes break nothing with
    `votes = "mark"` (the report's `marked` lists them); with `votes = "act"` an
    empty `rating_good` or `rating_bad` is "not evaluated" and keeps that part,
    and shares compare with a 1e-9 tolerance (as R-EL6). `evaluation_year` is a
    term plan's business, not read here.
17. R-RS2: "outside the pool" is `reserve_rank` different from the post's rank
    (empty included); a data set where no cadre has a `reserve_rank` keeps no pool,
    and no line breaks the rule there.
18. Tenure ("满N年") is by calendar anniversary: completed anniversary years plus
    the elapsed share of the current anniversary year (days since the last
    anniversary / days from it to the next); 29 February falls on 28 February in
    a common year, for ages too.
19. R-TC6: a non-Party member counts when they stay in their own post, or when
    the line's fit is ≥ `min_fit`: the `fit` given to `check_roster`, else the
    roster's `fit` column, else the data's `fit` table; a line with no known fit
    counts (a hand-made roster without scores is not judged weak). The city
    figure (`keep_total`): non-Party holders after ≥ non-Party incumbents before
    (leaving ones included), scope "all", where "city".
20. R-TC8 `basis = "before"`: required ceil(before × size after / size before),
    before and size before counted over the current incumbents of the place's
    posts (leaving ones included); no incumbent: required 0.
21. Posts of another channel (`filled_by`): an open one (no incumbent, or a
    leaving one) may have no roster line and is not counted in team sizes; its
    incumbent, not leaving, keeps it (else FILLED_BY) and no pair rule judges
    that line. A channel incumbent who holds no post is FILLED_BY's case, listed
    in `departures` with an empty cause but not a RELEASE.
22. Release without cause (RELEASE): a sitting cadre with no post after, not
    `leaving`, no forbid lock on the own pair, no pair rule breaking the staying
    line (hard, or a target: a rule made a target still gives the cause) and no
    relative in the same team with R-AV1 not off, unless `allow_release`.
    `departures` lists every sitting cadre with no post after and the cause (rule
    id, the hard one first, "leaving", "lock", "allowed").
23. Objective, stability: "released" counts sitting cadres with no post after,
    not leaving and not barred from every post (newest grade 不称职 with R-EL4
    not off; sanction in force, file or matters with R-EL5 not off; age ≥
    retirement age with R-EL7 not off), whatever removed them from their own post.
    "moved" counts sitting cadres held to stay (no such cause, no lock) who do not.
"""

from placement.checker.check import check_roster
from placement.checker.report import CheckReport, Figure, Violation
from placement.checker.roster_io import read_roster

__all__ = ["CheckReport", "Figure", "Violation", "check_roster", "read_roster"]
