"""`placement report`'s two files, report.xlsx and report.html, written together.

Why together: the planner opens the workbook and the page side by side and takes them
as one report; on a full disk (or any write that fails) the folder keeps both files
as they were, old or absent, never a new workbook beside no page
(`placement.data.atomic.write_files`)."""

from __future__ import annotations

from pathlib import Path

from placement.data import atomic
from placement.export.report.html import build_plan_html, build_report_html
from placement.export.report.plan import PlanFolder
from placement.export.report.xlsx import build_plan_book, build_report_book
from placement.export.xlsx_sheet import book_bytes
from placement.roster.result_folder import Result


def write_report(res: Result, folder: Path, lang: str = "zh") -> tuple[Path, Path]:
    """report.xlsx and report.html of the result `res` in `folder`; their paths."""
    return _write(Path(folder), book_bytes(build_report_book(res, lang)),
                  build_report_html(res, lang))


def write_plan_report(plan: PlanFolder, folder: Path, lang: str = "zh") -> tuple[Path, Path]:
    """The plan's report.xlsx and report.html in `folder`; their paths."""
    return _write(Path(folder), book_bytes(build_plan_book(plan, lang)),
                  build_plan_html(plan, lang))


def _write(folder: Path, xlsx: bytes, html: str) -> tuple[Path, Path]:
    paths = folder / "report.xlsx", folder / "report.html"
    atomic.write_files({paths[0]: xlsx, paths[1]: html.encode("utf-8")})
    return paths
