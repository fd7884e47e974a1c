"""What each rule counts, declared once; docs/rules.md is the source of that meaning.

One home per rule: `team_rules` declares, for every team-composition rule
(R-TC1 … R-TC10), which teams it covers (`scope`, `places`), whether a member
placed by a pair counts (`counts`), how many must count (`required`,
`required_figure`) and the words for what a member brings (`LABELS`). Its
readers: `models/team_composition.py` (the constraints),
`placement/explain/reasons.py` ("fills the women target of T"),
`placement/explain/shortfalls.py` (the pool that could count),
`placement/explain/infeasible.py` (count pre-checks) and
`placement/roster/tables.py` (teams.csv), with `READINGS`, the one map from a table's
column to the rule whose reading it counts. `causes` says, for every rule that moves a
sitting cadre, what becomes of the cadre and its words (reasons, the 拟免 table, the
plan report); `term` what a plan's later years ask of R-RO10 and R-TC10. `posts` says
what a post is: "a
Party post" (R-EL10), read by the pair rule and the generator. `reserve` says which
reserve cadre may cover which post and which posts the pool covers, each reserve
once (R-RS1), read by `placement/explain/shortfalls.py`.

The independent checker (`placement/checker/`) does not import this package: it
keeps its own reading of docs/rules.md, so a wrong declaration here shows up as
a disagreement between the model and the checker. This package imports only
`placement.data`, numpy, pandas and (for R-RS1's matching) scipy.
"""
