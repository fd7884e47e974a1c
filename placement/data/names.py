"""Names beside ids, and ids from names: what a person reads and types.

Planners think in names (卢广, 洪洞县人大常委会副主任, 尧都区); the files and the
tests need ids. Every text a person reads shows both, "R05-RD-03（霍州市人大常委会
副主任）" in Chinese and "R05-RD-03 (霍州市人大常委会 副主任)" in English, built here
once: a cadre by name, a post by team and title, a team by name and a region by
the place its teams are named after (`placement.data.regions`).

`resolve_pair` reads a question's `--cadre` and `--post` (issue 15): an id, or a
name that matches exactly one cadre (post: its title, or team name and title).
A name that matches several is refused with the list to choose from, never
guessed.
"""

from __future__ import annotations

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.regions import region_names


def beside(ident: str, name: str, lang: str) -> str:
    """"id（name）" (zh) or "id (name)" (en); the bare id when there is no other name."""
    if not name or name == ident:
        return ident
    return f"{ident}（{name}）" if lang == "zh" else f"{ident} ({name})"


class Names:
    """The display names of one data set's cadres, posts, teams and regions."""

    def __init__(self, data: DataSet):
        teams = data.teams.set_index("team_id")["name"]
        posts = data.posts
        self.team = teams.to_dict()
        self.region = region_names(data)
        self.cadre = dict(zip(data.cadres["cadre_id"], data.cadres["name"], strict=True))
        self.post_team = dict(zip(posts["post_id"], posts["team_id"].map(teams), strict=True))
        self.post_title = dict(zip(posts["post_id"], posts["title"], strict=True))

    def post(self, post_id: str, lang: str) -> str:
        """The post's team name and title: 洪洞县人民政府副县长 (en: a space between)."""
        team, title = self.post_team.get(post_id, ""), self.post_title.get(post_id, "")
        return (team + ("" if lang == "zh" else " ") + title).strip() if team else title

    def name(self, ident: str, lang: str) -> str:
        """The name of whatever `ident` is (post, team, region, cadre), or ""."""
        if ident in self.post_title:
            return self.post(ident, lang)
        for table in (self.team, self.region, self.cadre):
            if ident in table:
                return str(table[ident])
        return ""

    def beside(self, ident: str, lang: str) -> str:
        """`ident` with its name beside it."""
        return beside(ident, self.name(ident, lang), lang)


def resolve_pair(data: DataSet, cadre: str, post: str) -> tuple[str, str]:
    """(cadre id, post id) of a question's `--cadre` and `--post`, each an id or an
    unambiguous name; `InputError` lists every unknown or ambiguous one."""
    problems: list[Problem] = []
    cadres = data.cadres.set_index("cadre_id", drop=False)
    posts = data.posts.set_index("post_id", drop=False)
    posts = posts.assign(place=posts["team_id"].map(data.teams.set_index("team_id")["name"]))
    held = posts[posts["incumbent_id"] != ""].set_index("incumbent_id")

    def cadre_line(c: str) -> str:
        now = (f" {held.at[c, 'post_id']} {held.at[c, 'place']}{held.at[c, 'title']}"
               if c in held.index else "")
        return f"{c} {cadres.at[c, 'name']}{now}"

    def post_line(p: str) -> str:
        return f"{p} {posts.at[p, 'place']}{posts.at[p, 'title']}"

    named = cadres["cadre_id"][cadres["name"] == cadre.strip()]
    cadre_id = _one(problems, "cadre", cadre, cadres.index, named, cadre_line)
    titled = (posts["title"] == post.strip()) | (posts["place"] + posts["title"] == post.strip())
    post_id = _one(problems, "post", post, posts.index, posts["post_id"][titled], post_line)
    if problems:
        raise InputError(problems)
    return cadre_id, post_id


def _one(problems: list[Problem], part: str, value: str, ids: pd.Index, by_name: pd.Series,
         line) -> str:
    """The id `value` names: itself when it is an id, else the one id its name matches."""
    if value in ids:
        return value
    if len(by_name) == 1:
        return str(by_name.iat[0])
    if len(by_name) == 0:
        problems.append(Problem("unknown_ref", f"--{part}", params={
            "value": value, "target": f"{part}s.{part}_id"}))
    else:
        problems.append(Problem(f"ambiguous_{part}", f"--{part}", params={
            "value": value, "n": len(by_name),
            "choices": "".join(f"\n  {line(i)}" for i in by_name)}))
    return value
