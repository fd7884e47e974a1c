"""What a post is, read once for the proposing side: "a Party post" (R-EL10).

docs/rules.md ("Terms", R-EL10) is the source. The `party_post` column says it
outright where a planner filled it in; an empty cell (or an absent column) takes
the default of the data contract: every post of a county party committee
(`county_party`), and every post whose title names a Party office. The checker
keeps its own reading of the same text (`placement.checker.terms`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet

# Titles naming a Party office (docs/rules.md, R-EL10): 书记 but not 书记员 (a court
# clerk), 常委 but not 常委会 (the people's congress standing committee, 人大常委会),
# Party groups and committee members (党组, 党委委员, 党工委委员, and the township
# committee's 组织委员 / 宣传委员), and the discipline commissions (纪委, 纪工委).
PARTY_TITLE = r"书记(?!员)|常委(?!会)|党组|党委委员|党工委委员|组织委员|宣传委员|纪委|纪工委"


def party_post_default(kind: np.ndarray, title: np.ndarray) -> np.ndarray:
    """Bool per post: the default reading of an empty `party_post` cell, from the team
    kind and the title of each post (the generator asks it before a DataSet exists)."""
    by_title = pd.Series(title, dtype=object).astype(str).str.contains(PARTY_TITLE, regex=True)
    return (np.asarray(kind, dtype=object) == "county_party") | by_title.to_numpy(bool)


def party_post(data: DataSet) -> np.ndarray:
    """Bool per post row: the post is a Party office held only by a CPC member."""
    posts = data.posts
    given = posts["party_post"].to_numpy(dtype=object)
    kind = data.teams.set_index("team_id")["kind"].reindex(posts["team_id"]).to_numpy(object)
    default = party_post_default(kind, posts["title"].to_numpy(dtype=object))
    return np.where(given == "", default, given == "true")
