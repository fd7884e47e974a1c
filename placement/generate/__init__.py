"""Synthetic data sets shaped like the published figures (`placement generate`).

    tables = generate("linfen", seed=7)            # dict: teams, posts, cadres, relations, fit
    write_dataset(tables, "data/linfen")           # CSV files; xlsx=True for one workbook
    summary_figures(tables)                        # the calibration figures

Profiles: `linfen` (seed 002: 17 counties, about 445 county leaders), `nanpiao`
(seed 003: 71 section-level teams, 418 leaders), `province` (a benchmark of about
800 teams and 3,000 vacancies in 11 cities) and `province2`, `province4`,
`province8` (its first 2, 4 or 8 cities: the benchmark's intermediate sizes), and
`scale60` (60 such cities, about 27,000 posts: the scaling run).
The same seed gives byte-identical files: every random draw comes from
`numpy.random.default_rng(seed)`, and every date is relative to `REFERENCE_DATE`
(2026-09-01; no birth or start date lies after it, only the end of a sanction
still in force does). Each data set admits a roster under the default rules:
`build` also returns that roster (the witness).

    python -m placement.generate linfen nanpiao    # print the figures
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from placement.generate import linfen, nanpiao, province
from placement.generate.assemble import Generated
from placement.generate.common import REFERENCE_DATE
from placement.generate.figures import format_figures, summary_figures
from placement.generate.output import write_dataset

PROFILES: dict[str, Callable[[int], Generated]] = {
    "linfen": linfen.build,
    "nanpiao": nanpiao.build,
    "province": province.build,
    **{f"province{k}": partial(province.build, cities=k) for k in (2, 4, 8)},
    "scale60": partial(province.build, cities=60),
}


def build(profile: str, seed: int = 7) -> Generated:
    """The tables of `profile` together with a witness roster and the planted cases."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}")
    return PROFILES[profile](int(seed))


def generate(profile: str, seed: int = 7) -> dict[str, pd.DataFrame]:
    """The five tables of `profile` (all text, canonical English column names)."""
    return build(profile, seed).tables


__all__ = ["PROFILES", "REFERENCE_DATE", "Generated", "build", "format_figures", "generate",
           "summary_figures", "write_dataset"]
