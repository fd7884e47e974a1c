"""The workbench's request and state bodies (pydantic models: the OpenAPI schema's)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Pair(BaseModel):
    cadre: str
    post: str
    reason: str = ""


class Locks(BaseModel):
    must: list[Pair] = Field(default_factory=list)
    forbid: list[Pair] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list, description="post or team ids")
    keep_reasons: dict[str, str] = Field(default_factory=dict,
                                         description="keep id -> the planner's reason")


class PlanPair(Pair):
    year: int | None = Field(None, description="the calendar year it holds in (the year "
                             "folder's name, 2028); none: every year of the plan")


class PlanKeep(BaseModel):
    id: str = Field(description="a post or team id")
    year: int | None = Field(None, description="the calendar year it holds in; none: every "
                             "year of the plan")


class PlanLocks(BaseModel):
    """A plan's locks: the page's (`Locks`), each item for one year or the whole term."""
    must: list[PlanPair] = Field(default_factory=list, max_length=500)
    forbid: list[PlanPair] = Field(default_factory=list, max_length=500)
    keep: list[str | PlanKeep] = Field(default_factory=list, max_length=500)
    keep_reasons: dict[str, str] = Field(default_factory=dict,
                                         description="keep id -> the planner's reason")


class RunRequest(BaseModel):
    scenario: str = Field(description="a listed scenario name (GET /scenarios) or a path")
    set: list[str] = Field(default_factory=list, examples=[["rules.R-TC5.min_women=3"]])
    locks: Locks = Field(default_factory=Locks)
    close_to: str | None = Field(
        None, description="a finished run on the same data set to stay close to (a small "
        "re-solve, `placement solve --from`): every roster line that differs from its "
        "roster costs `weights.change`, which is CLOSE_WEIGHT unless `set` gives it")


class ValidateRequest(BaseModel):
    scenario: str | None = None
    set: list[str] = Field(default_factory=list)
    locks: Locks = Field(default_factory=Locks)
    dataset: str | None = Field(None, description="a data set folder or workbook path")


class UploadFile(BaseModel):
    name: str
    content: str = Field(description="the file's bytes, base64")


class DatasetUpload(BaseModel):
    name: str
    reference_date: str
    files: list[UploadFile]


class SaveScenario(BaseModel):
    name: str
    base: str
    title: str = ""
    set: list[str] = Field(default_factory=list)


class Note(BaseModel):
    note: str


class Edits(BaseModel):
    """The rule edits and locks at one moment, as the page's undo restores them."""
    changes: dict[str, str] = Field(default_factory=dict)
    locks: list[dict] = Field(default_factory=list)


class WorkState(BaseModel):
    """The planner's working state, kept in the workspace so that a reload (or another
    browser on the same machine) finds the work where it was left."""
    scenario: str | None = Field(None, description="the chosen data set / scenario")
    changes: dict[str, str] = Field(default_factory=dict,
                                    description="rule edits: --set key -> value as typed")
    locks: list[dict] = Field(default_factory=list,
                              description="the page's locks: kind, cadre, post, reason")
    run: str | None = Field(None, description="the open run")
    plan: str | None = Field(None, description="the plan open on the Plan tab")
    undo: list[Edits] = Field(default_factory=list, max_length=20,
                              description="the rule edits and locks before each of the last "
                              "edits, oldest first (the page's undo)")


# --- answers other than success (the OpenAPI description's `responses`) -------------


class Message(BaseModel):
    """A refusal in the planner's words, shown beside what caused it."""
    message_zh: str
    message_en: str


class ProblemRow(BaseModel):
    """One problem found in the input: where it is and what was expected."""
    code: str
    file: str
    sheet: str
    row: int | None
    column: str
    message_zh: str
    message_en: str


class Problems(BaseModel):
    problems: list[ProblemRow]


class Refusal(BaseModel):
    """Every 4xx answer but an upload's problems: `detail` is the planner's words, the
    problems found in the input, the fields that do not fit the request's schema
    (FastAPI's list), or a short English text."""
    detail: Message | Problems | list[dict[str, Any]] | str


class Rejected(BaseModel):
    """An upload the import or the loader refused: nothing kept, every problem named."""
    ok: bool
    problems: list[ProblemRow]
