"""Reading a roster file (roster.csv) into a frame of text cells.

Columns: `post_id` and `cadre_id` (required), `team_id`, `change` and `fit`
(optional; R-TC6 reads a line's fit); English names or the Chinese aliases below;
other (display) columns are ignored. An empty `cadre_id` reads as a post left unfilled,
which the check reports; a row without a `post_id` is an input error.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from placement.data.errors import InputError, Problem

ROSTER_COLUMNS: dict[str, str] = {  # name -> Chinese alias
    "post_id": "职位编号", "cadre_id": "人员编号", "team_id": "班子编号", "change": "变动",
    "fit": "匹配度",
}
REQUIRED = ("post_id", "cadre_id")
CHANGES = ("stay", "new", "moved_in")
ROW = "_row"


def read_roster(path: Path) -> pd.DataFrame:
    """The roster's post_id, cadre_id (team_id, change, fit when present) and `_row`, the
    spreadsheet row (header row 1). Raises `InputError` naming file, row and column."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError([Problem("file_missing", params={"path": source})])
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as err:
        raise InputError([Problem("bad_roster", source=source,
                                  params={"reason": str(err).strip()})]) from None
    return normalise_roster(raw, source)


def normalise_roster(raw: pd.DataFrame, source: str = "roster", strict: bool = True
                     ) -> pd.DataFrame:
    """Canonical column names, stripped text cells and `_row`; every problem at once.

    Missing required columns are always an error; `strict` also refuses rows without
    a post id and unknown `change` values (the check reports those otherwise)."""
    problems: list[Problem] = []
    header = {alias: name for name, alias in ROSTER_COLUMNS.items()} | {
        name: name for name in ROSTER_COLUMNS}
    renamed: dict[str, str] = {}
    for col in raw.columns:
        name = header.get(str(col).strip())
        if name is None:
            continue  # a display column
        if name in renamed.values():
            problems.append(Problem("bad_roster", source=source, column=str(col),
                                    params={"reason": f"column {name} appears twice"}))
            continue
        renamed[col] = name
    for name in REQUIRED:
        if name not in renamed.values():
            problems.append(Problem("missing_column", source=source,
                                    params={"column": name, "zh": ROSTER_COLUMNS[name]}))
    if problems:
        raise InputError(problems)
    cells = {name: [_cell(v) for v in raw[col].tolist()] for col, name in renamed.items()}
    frame = pd.DataFrame(cells, columns=list(renamed.values()), dtype=object)
    rows = raw[ROW].tolist() if ROW in raw.columns else list(range(2, len(raw) + 2))
    frame[ROW] = [int(r) for r in rows]
    changes = cells.get("change", [""] * len(frame))
    for post, cadre, change, row in zip(cells["post_id"], cells["cadre_id"], changes,
                                        frame[ROW].tolist(), strict=True):
        if not post:
            problems.append(Problem("empty_value", source=source, row=row,
                                    column="post_id", params={"expected": "post id"}))
        if "change" in cells and cadre and change not in CHANGES:
            problems.append(Problem("bad_enum", source=source, row=row, column="change",
                                    params={"value": change,
                                            "expected": ", ".join(CHANGES)}))
    if problems and strict:
        raise InputError(problems)
    return frame


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()
