"""Commands for planner-facing files: `report`, `export-data`, `import-lrmx`, `export-lrmx`.

Registered on the main typer app by `cli.py` (`register(app)`); the work is
done in `placement.export.report.*`, `placement.export.export_data` and
`placement.export.lrmx.*`, imported inside each command so `placement --help`
stays fast (cli.py). Terminal
output names cadres by id only: never a name, an ID number or a file name
(form files are often named after the person). Bad input exits 3 with every
problem listed (file, field, what was expected), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from placement.commands.guard import fail
from placement.data.errors import InputError, OutputError, Problem, choose_language

Lang = Annotated[str | None, typer.Option(
    "--lang", help="zh or en: report language (default zh) and messages (default: locale)")]
ScenarioOpt = Annotated[Path | None, typer.Option(
    "--scenario", help="scenario file, when the one named in summary.json has moved")]


def _fail(err: InputError, lang: str) -> None:
    fail(err, lang)


def _content_lang(flag: str | None) -> str:
    """Reports are Chinese unless English is asked for."""
    return "en" if flag and flag.lower().startswith("en") else "zh"


def _output_file(out: Path, inputs: list[Path]) -> None:
    """Before any work: `out` (a file to write) is not a folder nor an input."""
    problems = []
    if out.is_dir():
        problems.append(Problem("out_is_folder", params={"path": str(out)}))
    for given in inputs:
        if Path(out).resolve() == Path(given).resolve():
            problems.append(Problem("out_in_input", params={"path": str(out),
                                                             "input": str(given)}))
    if problems:
        raise OutputError(problems)


def _output_folder(out: Path, inputs: list[Path]) -> None:
    """Before any work: `out` (a folder to write into) is not a file, and no input file
    lies in it (writing there would overwrite an original form)."""
    if out.exists() and not out.is_dir():
        raise OutputError([Problem("out_is_file", params={"path": str(out)})])
    where = Path(out).resolve()
    clash = sorted({str(p.parent) for p in inputs if Path(p).resolve().parent == where})
    if clash:
        raise OutputError([Problem("out_in_input", params={"path": str(out),
                                                            "input": clash[0]})])


def _size(path: Path) -> str:
    return f"{path} ({path.stat().st_size / 1024:.0f} KiB)"


def report(result: Path, lang: Lang = None, scenario: ScenarioOpt = None) -> None:
    """Write report.xlsx and report.html into the result folder RESULT (or the plan
    report into a plan folder written by `placement plan`)."""
    from placement.export.report.data import load_result
    from placement.export.report.files import write_plan_report, write_report
    from placement.export.report.plan import is_plan_folder, read_plan_folder
    from placement.roster.result_folder import lock_folder

    msg, content = choose_language(lang), _content_lang(lang)
    plan = is_plan_folder(result)
    try:
        res = read_plan_folder(result) if plan else load_result(result, scenario)
    except InputError as err:
        _fail(err, msg)
    from placement.data.words import say
    from placement.pipeline.progress import StepView

    # not while a solve or a plan replaces the folder; both files or neither
    with lock_folder(result), StepView(say("report_progress", msg), msg):
        xlsx, html = (write_plan_report if plan else write_report)(res, Path(result), content)
    typer.echo(("已写入 " if msg == "zh" else "wrote ") + _size(xlsx) + ", " + _size(html))


def export_data(source: Annotated[Path, typer.Argument(help="scenario (.toml) or data set")],
                out: Annotated[Path, typer.Option(help="workbook to write (.xlsx)")],
                lang: Lang = None) -> None:
    """Write a data set as one workbook (same sheets and headers the loader reads).

    A data set (CSV folder or workbook) that does not load yet (cells still empty, e.g.
    after import-lrmx) is written too, its problem cells marked and listed in a sheet 待填."""
    from placement.data.loader import load_dataset
    from placement.data.scenario_io import load_scenario
    from placement.export.export_data import export_data as write
    from placement.export.export_data import export_incomplete

    msg = choose_language(lang)
    _output_file(out, [source])
    try:
        if source.suffix.lower() == ".toml":
            sc = load_scenario(source)
            data = load_dataset(sc.data, reference_date=sc.reference_date)
        else:
            data = load_dataset(source)
    except InputError as err:
        try:
            n = export_incomplete(source, err.problems, out, _content_lang(lang))
        except InputError as unreadable:
            _fail(unreadable, msg)
        typer.echo(f"已写入 {_size(out)}；数据尚不完整，{n} 处待补（已标红，见“待填”表）"
                    if msg == "zh" else f"wrote {_size(out)}; the data set is incomplete: "
                    f"{n} cells to fill (marked red, listed in sheet to_fill)")
        return
    _output_file(out, [Path(f) for f in data.checksums])
    write(data, out, _content_lang(lang))
    counts = ", ".join(f"{t} {len(data.table(t))}" for t in ("teams", "posts", "cadres"))
    typer.echo(("已写入 " if msg == "zh" else "wrote ") + f"{_size(out)}: {counts}")


def import_lrmx(folder: Annotated[Path, typer.Argument(help="folder of .lrmx files")],
                out: Annotated[Path, typer.Option(help="data set folder to write or update")],
                lang: Lang = None,
                posts: Annotated[Path | None, typer.Option(
                    help="a workbook of teams and posts, or a data set whose teams, posts "
                    "and cadres the forms join: OUT is then a new data set, forms matched "
                    "to cadres by name and birth date")] = None) -> None:
    """Read a folder of 干部任免审批表 (.lrmx) into the cadres (and relations) table."""
    from placement.export.lrmx.import_ import REPORT_FILE, import_folder

    msg = choose_language(lang)
    if posts is not None:
        _import_forms(folder, posts, out, msg)
        return
    try:
        rep = import_folder(folder, out)
    except InputError as err:
        if (Path(out) / REPORT_FILE).is_file():
            typer.echo(("逐个文件的情况见 " if msg == "zh" else "per file: ")
                       + str(Path(out) / REPORT_FILE), err=True)
        _fail(err, msg)
    for w in rep.warnings:
        typer.echo(w.render(msg), err=True)
    zh = msg == "zh"
    new, updated = len(rep.new), len(rep.updated)
    typer.echo(f"已导入 {rep.files} 个文件：新增干部 {new} 名，更新 {updated} 名，"
               f"新增亲属关系 {rep.relations} 条，按现任职务填入现任者 {rep.incumbents} 个职位；"
               f"写入 {rep.out}" if zh else
               f"imported {rep.files} files: {new} new cadres, {updated} updated, "
               f"{rep.relations} new relations, {rep.incumbents} posts' incumbent filled from "
               f"现任职务; wrote {rep.out}")
    if rep.to_fill:
        typer.echo(("新增干部的以下列需补充后方可求解：" if zh else
                    "fill in these columns for the new cadres before solving: ")
                   + ", ".join(rep.to_fill))
    if rep.kept:
        typer.echo(("仅保留在原文件中的字段：" if zh else "fields kept only in the forms: ")
                   + ", ".join(sorted(rep.kept)) + f" ({rep.out / REPORT_FILE})")


def _import_forms(folder: Path, posts: Path, out: Path, msg: str) -> None:
    """`import-lrmx --posts`: a new data set; prints what was added, what changed (ids and
    columns) and every default given, for the planner to confirm."""
    from placement.export.lrmx.build import build_from_forms

    try:
        rep = build_from_forms(folder, posts, out)
    except InputError as err:
        _fail(err, msg)
    for w in rep.warnings:
        typer.echo(w.render(msg), err=True)
    zh = msg == "zh"
    typer.echo(f"已由 {rep.files} 份任免审批表建成数据集 {rep.out}：新增干部 {len(rep.added)} 名，"
               f"更新 {len(rep.changed)} 名，无变化 {len(rep.unchanged)} 名" if zh else
               f"built {rep.out} from {rep.files} forms: {len(rep.added)} cadres added, "
               f"{len(rep.changed)} changed, {len(rep.unchanged)} unchanged")
    if rep.added:
        typer.echo(("新增：" if zh else "added: ") + ", ".join(rep.added))
    for cid, cols in rep.changed.items():
        typer.echo(("更新 " if zh else "changed ") + f"{cid}: " + ", ".join(cols))
    for d, ids in rep.defaults:
        typer.echo(("默认值（请核对）" if zh else "default (please confirm) ")
                   + f"{d.column} = {d.shown_zh if zh else d.value}: "
                   + (d.why_zh if zh else d.why_en) + " — " + ", ".join(ids))


def export_lrmx(result: Path,
                out: Annotated[Path, typer.Option(help="folder for the filled-in forms")],
                lang: Lang = None, scenario: ScenarioOpt = None,
                sources: Annotated[Path | None, typer.Option(
                    help="lrmx_sources.csv (default: beside the data set)")] = None,
                drafts: Annotated[bool, typer.Option(
                    help="draft a form from the data set for a cadre without one")] = False
                ) -> None:
    """Write a 任免审批表 for every cadre whose post changes, with 拟任/拟免/任免理由 filled."""
    from placement.export.lrmx.export import export_lrmx as write
    from placement.export.lrmx.export import source_files
    from placement.export.report.data import load_result

    msg = choose_language(lang)
    _output_folder(out, [])
    try:
        res = load_result(result, scenario)
        _output_folder(out, source_files(res, sources))
        # The form is a Chinese document: its fields are written in Chinese whatever --lang.
        rep = write(res, out, sources, "zh", drafts)
    except InputError as err:
        _fail(err, msg)
    for w in rep.warnings:
        typer.echo(w.render(msg), err=True)
    zh = msg == "zh"
    typer.echo(f"已写入 {len(rep.written)} 份任免审批表到 {out}" if zh else
               f"wrote {len(rep.written)} forms to {out}")
    if rep.drafted:
        typer.echo(f"其中 {len(rep.drafted)} 份为按数据集起草的草稿（×× 处待补）" if zh else
                   f"{len(rep.drafted)} of them drafted from the data set (×× to be filled)")
    if rep.without_form:
        shown = ", ".join(rep.without_form[:20]) + (" …" if len(rep.without_form) > 20 else "")
        typer.echo((f"{len(rep.without_form)} 名调整干部没有导入的任免审批表：" if zh else
                    f"{len(rep.without_form)} moving cadres have no imported form: ") + shown)


def register(app: typer.Typer) -> None:
    """Add the four commands to `app`."""
    app.command("report")(report)
    app.command("export-data")(export_data)
    app.command("import-lrmx")(import_lrmx)
    app.command("export-lrmx")(export_lrmx)
