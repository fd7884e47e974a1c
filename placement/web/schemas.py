"""The workbench's request and state bodies (pydantic models: the OpenAPI schema's)."""

from __future__ import annotations

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
    undo: list[Edits] = Field(default_factory=list, max_length=20,
                              description="the rule edits and locks before each of the last "
                              "edits, oldest first (the page's undo)")
