"""Values a 任免审批表 implies: rank, place, tenure and experience from 现任职务 and 简历.

The form has no rank or region field, but it names them: 现任职务
"洪洞县人民政府副县长" gives the region (洪洞县 → R07), the team kind and the
rank (the data set's post 副县长 of R07-ZF is 副处), and the 简历 says since when:

- `post_since`: the start of the 简历 line still held (open end) that names the
  current post (its place and team kind, or its rank, agree with 现任职务);
- `team_since`: the start of the unbroken run of lines, ending with that one,
  in the same county team (same region and team kind);
- `rank_since`: the start of the unbroken run of lines at the current rank,
  when the line before the run names another rank; when that line's rank
  cannot be read the start is not known and the column is left empty;
- `township_head` (乡镇党政正职经历, R-TC8): true when a line (or 现任职务) is a
  township party secretary or township head (乡/镇党委书记, 乡长, 镇长; a street's
  党工委书记 or 办事处主任 the same: streets are urban townships); false
  when every line was read and none is, and no line naming a 乡 or 镇 was left
  unplaced; otherwise empty. `secretary_exp` (乡镇党委书记经历) the same way for
  township party secretaries only;
- `region`, `system` from 现任职务; `home_region` from 出生地, else 籍贯;
- `party` from a democratic party named in 现任职务 ("（民建会员）") when
  政治面貌 does not say and 入党时间 holds only a date;
- `leaving` (退出): true when 任免理由 or 拟免职务 names a departure (退休, 到龄,
  辞职, 辞去, 免去 … 职务 with no 拟任职务) or 拟免职务 is filled while 拟任职务 is
  empty (relieved without a new post); false otherwise, because a form that
  proposes nothing says the cadre stays in the pool. Age is not read here:
  reaching R-EL7's retirement age within the term is the solve's rule (R-EL7,
  R-EL12), so a `leaving` from age would hide the rule that decides it.

Every value carries where it came from ("from 简历 line 3"); every line that
could not be read and every title that could not be placed is listed. Nothing
else is filled: what the form does not say stays empty for the planner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from placement.data.schema import PARTY_CPC
from placement.export.lrmx.resume import Entry, read_resume
from placement.export.lrmx.titles import COUNTY_KINDS_SYSTEM, Title, TitleReader
from placement.export.lrmx.values import read_party
from placement.meaning.posts import PARTY_TITLE

# Form fields the derivation reads.
SOURCE_FIELDS = ("XianRenZhiWu", "JianLi", "JiGuan", "ChuShengDi", "ZhengZhiMianMao",
                 "RuDangShiJian", "NiRenZhiWu", "NiMianZhiWu", "RenMianLiYou")
DERIVED_COLUMNS = ("region", "home_region", "system", "rank", "rank_since", "post_since",
                   "team_since", "township_head", "secretary_exp", "party", "leaving")


@dataclass
class Derived:
    values: dict[str, str] = field(default_factory=dict)  # column -> value as CSV text
    sources: dict[str, str] = field(default_factory=dict)  # column -> "from 简历 line 3"
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # field, status, detail
    team_kind: str = ""
    party_post: bool = False  # 现任职务 is a Party office (R-EL10: county party team or title)
    post: tuple[str, str] = ("", "")  # (team id, post title) of the data set 现任职务 names


def _set(d: Derived, column: str, value: str, source: str) -> None:
    if value:
        d.values[column] = value
        d.sources[column] = source


def _line(e: Entry) -> str:
    return f"简历 line {e.line}"


# A 乡, 镇 or 街道 ending a unit name (大槐树镇人大, 某乡党委, 副镇长), not 城乡建设 or 乡村振兴.
_TOWNSHIP_UNIT = re.compile(r"[乡镇](?:党委|党工委|人民政府|政府|人大|纪委|副?[长书]|$|、)"
                            r"|乡镇(?!企业)|街道(?:党工委|党委|办事处|纪工委|$|、)")


def _township_word(title: Title) -> bool:
    """A title naming a township after its place: one we must read to say "no experience"."""
    rest = title.text[title.text.find(title.place) + len(title.place):] if title.place else \
        title.text
    return bool(_TOWNSHIP_UNIT.search(rest))


def derive(texts: dict[str, str], reader: TitleReader, columns: tuple[str, ...]) -> Derived:
    """What 现任职务, 简历, 籍贯 and 出生地 say; only `columns` are filled."""
    d = Derived()
    now_text = texts.get("XianRenZhiWu", "")
    now = reader.read(now_text) if now_text else None
    if now is not None:
        _current(d, now)
    _home(d, texts, reader)
    resume = read_resume(texts.get("JianLi", ""))
    for number, line in resume.unreadable:
        d.notes.append(("JianLi", "unreadable", f"line {number}: {line[:80]}"))
    titles = [reader.read(e.text) for e in resume.entries]
    for e, t in zip(resume.entries, titles, strict=True):
        if not t.placed:
            d.notes.append(("JianLi", "unplaced", f"line {e.line}: {e.text[:80]}"))
    if resume.entries:
        _tenure(d, now, resume.entries, titles)
        _experience(d, now, resume, titles)
    elif texts.get("JianLi"):
        d.notes.append(("JianLi", "unreadable", "no line of the 简历 could be read"))
    if now is not None and now.party and not texts.get("ZhengZhiMianMao"):
        joined = texts.get("RuDangShiJian", "")
        if read_party("", joined) in (None, PARTY_CPC) and not re.search(r"[中共党]", joined):
            _set(d, "party", now.party, "from 现任职务")
    _leaving(d, texts)
    d.values = {k: v for k, v in d.values.items() if k in columns}
    d.sources = {k: v for k, v in d.sources.items() if k in d.values}
    return d


def _current(d: Derived, now: Title) -> None:
    src = "from 现任职务"
    _set(d, "region", now.region, src)
    _set(d, "rank", now.rank, src + (" (the data set's post)" if now.rank_from == "posts"
                                     else ""))
    _set(d, "system", now.system, src)
    d.team_kind = now.kind
    d.post = (now.team_id, now.post_title)
    d.party_post = now.kind == "county_party" or bool(re.search(PARTY_TITLE, now.text))
    if not now.placed:
        d.notes.append(("XianRenZhiWu", "unplaced",
                        "no title of the catalogue: rank and team kind left empty"))
    elif not now.region:
        d.notes.append(("XianRenZhiWu", "unplaced", "no region of the data set named"))


def _home(d: Derived, texts: dict[str, str], reader: TitleReader) -> None:
    for name in ("ChuShengDi", "JiGuan"):
        hit = reader.places.find(texts.get(name, "")) if texts.get(name) else None
        if hit:
            _set(d, "home_region", hit[0], f"from {'出生地' if name == 'ChuShengDi' else '籍贯'}")
            return
    if texts.get("ChuShengDi") or texts.get("JiGuan"):
        d.notes.append(("JiGuan", "unplaced", "no region of the data set named: home_region "
                        "left empty"))


def _current_index(now: Title | None, entries: list[Entry], titles: list[Title]) -> int | None:
    """The line still held that names the current post."""
    i = len(entries) - 1
    while i >= 0 and entries[i].start is None:
        i -= 1
    if i < 0 or not entries[i].open:
        return None
    t = titles[i]
    if now is None or now.text == t.text:
        return i
    same_place = now.region and now.region == t.region and (now.kind == t.kind or
                                                             now.rank == t.rank)
    return i if same_place else None


def _tenure(d: Derived, now: Title | None, entries: list[Entry], titles: list[Title]) -> None:
    i = _current_index(now, entries, titles)
    if i is None:
        d.notes.append(("JianLi", "unplaced", "no line still held names 现任职务: post_since, "
                        "team_since and rank_since left empty"))
        return
    cur = now or titles[i]
    _set(d, "post_since", entries[i].start or "", f"from {_line(entries[i])}")
    if cur.kind in COUNTY_KINDS_SYSTEM and cur.region:
        j = i
        while j > 0 and titles[j - 1].region == cur.region and titles[j - 1].kind == cur.kind \
                and entries[j - 1].start:
            j -= 1
        _set(d, "team_since", entries[j].start or "", f"from {_line(entries[j])}")
    if cur.rank:
        j = i
        while j > 0 and titles[j - 1].rank == cur.rank and entries[j - 1].start:
            j -= 1
        before = titles[j - 1].rank if j > 0 else ""
        if before and before != cur.rank and entries[j].start:
            _set(d, "rank_since", entries[j].start, f"from {_line(entries[j])}")
        else:
            d.notes.append(("rank_since", "left empty", "the rank before "
                            f"{_line(entries[j])} is not known"))


def _experience(d: Derived, now: Title | None, resume, titles: list[Title]) -> None:
    held = [(e, t) for e, t in zip(resume.entries, titles, strict=True)]
    undecided = bool(resume.unreadable) or any(
        _township_word(t) and t.kind not in ("township", "street") for _, t in held)
    for column, flag in (("township_head", "township_head"), ("secretary_exp", "secretary")):
        hit = next((e for e, t in held if getattr(t, flag)), None)
        if hit is not None:
            _set(d, column, "true", f"from {_line(hit)}")
        elif now is not None and getattr(now, flag):
            _set(d, column, "true", "from 现任职务")
        elif not undecided:
            _set(d, column, "false", "no 简历 line is one")
        else:
            d.notes.append((column, "left empty", "a 简历 line could not be read or placed"))


# A departure named in 任免理由 or 拟免职务 (not 免去 … 另有任用, a move).
_DEPARTURE = re.compile(r"退休|到龄|辞职|辞去|退出|不再担任领导职务")


def _leaving(d: Derived, texts: dict[str, str]) -> None:
    """`leaving` from the proposal fields (empty on a form never proposed: false)."""
    named = next((f for f in ("RenMianLiYou", "NiMianZhiWu")
                  if _DEPARTURE.search(texts.get(f, ""))), "")
    if named:
        _set(d, "leaving", "true", f"from {'任免理由' if named == 'RenMianLiYou' else '拟免职务'}")
    elif texts.get("NiMianZhiWu") and not texts.get("NiRenZhiWu"):
        _set(d, "leaving", "true", "from 拟免职务 (no 拟任职务)")
    else:
        _set(d, "leaving", "false", "no 拟免职务 or 任免理由 names a departure; age is R-EL7's")
