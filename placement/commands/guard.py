"""The one place where a command's errors become a message and an exit code.

Every command registered on the CLI's app runs inside `guarded` (cli.py's
`GuardedTyper`), so no Python traceback reaches a planner: bad input
(`InputError`) exits 3 with every problem listed; an output path that cannot be
used or written (`OutputError`, or any operating system error: disk full,
read-only, permission, a file where a folder belongs) exits 2 naming the path;
Ctrl-C exits 130; anything else is a bug and exits 70 with one line naming the
exception type and the place in the code, never the exception's text (which may
quote a cell, and so a name or an ID number). PLACEMENT_DEBUG=1 re-raises
instead, for developers.
"""

from __future__ import annotations

import functools
import os
import traceback
from pathlib import Path

import click
import typer

from placement.data.errors import InputError, OutputError, choose_language, os_problem

EXIT_OUTPUT, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 2, 3, 70, 130


def fail(err: InputError | OutputError, lang: str) -> None:
    """Print every problem of `err` and exit (3 for input, 2 for output)."""
    typer.echo(err.render(lang), err=True)
    if isinstance(err, InputError):
        typer.echo(("输入有误，共 {n} 处。" if lang == "zh" else "{n} problem(s) in the input.")
                   .format(n=len(err.problems)), err=True)
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_OUTPUT)


def _place(err: BaseException) -> str:
    """Where in our code an exception came from: the innermost frame in this project."""
    root = Path(__file__).resolve().parents[2]
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(root)] or frames
    if not ours:
        return "?"
    path = Path(ours[-1].filename).resolve()
    shown = path.relative_to(root) if path.is_relative_to(root) else path.name
    return f"{shown}:{ours[-1].lineno}"


def guarded(func):
    """`func` (a command) with its errors mapped as the module docstring says."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        lang = choose_language(kwargs.get("lang"))
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort,
                click.ClickException):
            raise
        except (InputError, OutputError) as err:
            fail(err, lang)
        except OSError as err:
            fail(OutputError([os_problem(err, "os_error")]), lang)
        except KeyboardInterrupt:
            typer.echo("已中断" if lang == "zh" else "interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as err:
            if os.environ.get("PLACEMENT_DEBUG"):
                raise
            from placement.data.errors import Problem

            typer.echo(Problem("internal_error", params={
                "kind": type(err).__name__, "where": _place(err)}).render(lang), err=True)
            raise typer.Exit(EXIT_INTERNAL) from None

    return run


class GuardedTyper(typer.Typer):
    """A typer app whose every command runs `guarded`."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)
        return lambda func: register(guarded(func))
