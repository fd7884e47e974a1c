"""Issue 18's measure: forms exported from the bundled Linfen data set read back.

The Linfen scenario is solved; `placement export-lrmx --drafts` writes a form for
every cadre who moves (none has an imported form, so every one is a draft,
placement/export/lrmx/draft.py); each form is stripped to the form's own fields
(the three export fields 拟任/拟免/任免理由 removed) and imported into a data set
that holds only Linfen's teams and posts (no cadres, no incumbents) and
regions.csv naming R00 临汾市 (the city has no team to name it). The imported
rank, region, post_since (to the month) and township experience must match the
data set for at least 90 % of the cadres (issue 18); the other derived columns
are measured too.

The drafts are written by this project, so this measures that the writer and
the reader agree on every post, place and date the data set holds, not how
well hand-written forms are read (tests/test_lrmx_read.py does that).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.export.lrmx.import_ import import_folder
from placement.export.lrmx.read import EXPORT_FIELDS
from placement.pipeline.run import run_solve

LINFEN = Path(__file__).parent.parent / "scenarios" / "data" / "linfen"
# column -> characters compared (dates to the month: a form gives no day)
MEASURED = {"rank": 10, "region": 10, "post_since": 7, "township_head": 10, "rank_since": 7,
            "team_since": 7, "home_region": 10, "system": 10, "party": 10}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("measure")
    data_dir = base / "linfen"
    shutil.copytree(LINFEN, data_dir)
    (data_dir / "regions.csv").write_text("region,name\nR00,临汾市\n", "utf-8")
    scenario = base / "linfen.toml"
    scenario.write_text(f'data = "{data_dir.as_posix()}"\nreference_date = "2026-09-01"\n'
                        '[solver]\ntime_limit = 60\n', "utf-8")
    sc = load_scenario(scenario)
    result = run_solve(sc, load_dataset(sc.data, reference_date=sc.reference_date),
                       base / "result", progress=False)
    assert result.exit_code == 0
    forms = base / "forms"
    res = CliRunner().invoke(app, ["export-lrmx", str(base / "result"), "--out", str(forms),
                                   "--drafts", "--lang", "en"])
    assert res.exit_code == 0, res.output
    stripped = base / "stripped"
    stripped.mkdir()
    export_field = re.compile(rf"[ \t]*<({'|'.join(EXPORT_FIELDS)})>.*?</\1>\r?\n", re.S)
    for form in forms.glob("*.lrmx"):
        (stripped / form.name).write_text(export_field.sub("", form.read_text("utf-8")),
                                          "utf-8")
    target = base / "target"
    target.mkdir()
    shutil.copy(data_dir / "teams.csv", target)
    shutil.copy(data_dir / "regions.csv", target)
    posts = _csv(data_dir / "posts.csv").assign(incumbent_id="")
    posts.to_csv(target / "posts.csv", index=False)
    report = import_folder(stripped, target)
    got = _csv(target / "cadres.csv").set_index("cadre_id")
    want = _csv(data_dir / "cadres.csv").set_index("cadre_id").loc[got.index]
    shares = {c: float((got[c].str[:n] == want[c].str[:n]).mean())
              for c, n in MEASURED.items()}
    return {"n": len(got), "shares": shares, "report": report, "moves": _csv(
        base / "result" / "moves.csv"), "stripped": stripped}


def test_every_moving_cadre_gets_a_stripped_draft(measured):
    assert measured["n"] == measured["moves"]["cadre_id"].nunique() > 100
    text = next(measured["stripped"].glob("*.lrmx")).read_text("utf-8")
    assert "NiRenZhiWu" not in text and "<JianLi>" in text


def test_rank_region_post_since_and_township_experience_come_back(measured):
    shares = measured["shares"]
    print({k: round(v, 4) for k, v in shares.items()}, measured["n"])
    for column in ("rank", "region", "post_since", "township_head"):
        assert shares[column] >= 0.9, (column, shares[column])
    # drafts hold every date the data set has: the other tenures come back too
    assert shares["rank_since"] >= 0.9 and shares["team_since"] >= 0.9


def test_only_the_planners_columns_are_left(measured):
    # leaving (退出) is false on a form that proposes nothing (stripped of 拟免职务 and 任免理由)
    assert measured["report"].to_fill == ["file_ok", "matters_ok", "candidate"]
