"""A rotation plan over a term: who moves in which year (docs/plan.md).

A layer above the pipeline (beside `whatif` and `export`): each year is one ordinary
solve of the existing pipeline on that year's state, so every rule, the independent
checker and the explanations apply to every year exactly as `placement solve` applies
them. `rolling` runs the years, `advance` carries a roster one year on, `dataset_files`
and `scenario_file` write a year's state so that `placement check` confirms it on its
own, `tables` builds plan.csv and the per-team timeline, `folder` writes the plan.
"""
