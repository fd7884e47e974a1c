"""The 拟免 table (placement.explain.dismissals): one line per sitting cadre whose post
changes, the cause in words and where the cadre goes."""

from __future__ import annotations

import pandas as pd
from builders import make_dataset
from solving import REF

from placement.explain.dismissals import dismissals_table


def test_every_leaving_line_says_where_to():
    teams = [{"team_id": "T1", "name": "甲县人民政府"}, {"team_id": "T2", "name": "乙县人民政府"}]
    posts = [{"post_id": f"P{i}", "team_id": "T1", "title": f"副县长{i}"} for i in range(1, 7)]
    posts.append({"post_id": "Q1", "team_id": "T2", "title": "县长"})
    data = make_dataset(teams, posts, [{"cadre_id": "C"}], reference_date=REF)
    rows = [("A", "P1", "", "leaving"), ("B", "P2", "", "R-EL7"), ("C", "P3", "", "R-RO1"),
            ("D", "P4", "", "R-RO9"), ("E", "P5", "Q1", "R-AV2"), ("F", "P6", "", ""),
            ("G", "", "Q1", "")]
    moves = pd.DataFrame([{"cadre_id": c, "cadre_name": c, "from_post": f,
                           "from_team": "T1" if f else "", "to_post": t,
                           "to_team": "T2" if t else "", "kind": "", "required_by": r,
                           "reason_zh": "", "reason_en": ""} for c, f, t, r in rows])
    out = dismissals_table(data, moves).set_index("cadre_id")
    assert list(out.index) == ["A", "B", "C", "D", "E", "F"]  # G sat nowhere: no 拟免 line
    assert out.loc["A", "destination_zh"] == "本届退出"
    assert out.loc["B", "destination_zh"] == "退休"
    assert out.loc["C", "destination_zh"] == "交流出本范围，另行安排"
    assert out.loc["D", "destination_zh"] == "免职"
    assert out.loc["E", "destination_zh"] == "任乙县人民政府县长"
    assert out.loc["F", "destination_zh"] == "另行安排（未列原因）"
    assert out.loc["B", "from_team_name"] == "甲县人民政府"
    assert out.loc["B", "from_title"] == "副县长2"
    assert out.loc["C", "destination_en"].startswith("exchanged out of this scope")


def test_a_destination_names_the_body_once():
    from placement.explain.dismissals import _post_name

    assert _post_name("中共洪洞县委员会", "县委副书记") == "中共洪洞县委员会副书记"
    assert _post_name("乡宁县人大常委会", "人大常委会副主任") == "乡宁县人大常委会副主任"
    assert _post_name("政协霍州市委员会", "政协主席") == "政协霍州市委员会主席"
    assert _post_name("乙县人民政府", "县长") == "乙县人民政府县长"
