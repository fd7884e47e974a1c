"""A live line on the terminal while the engine searches: elapsed, best, bound, gap.

Written to stderr so that `--json` output on stdout stays clean, and only
when stderr is a terminal. CP-SAT reports each improving roster; HiGHS (run
through OR-Tools) reports nothing until it ends, so its line shows the
elapsed time of the level being solved.
"""

from __future__ import annotations

import math
import time

from rich.console import Console
from rich.live import Live
from rich.text import Text


class _Line:
    """Rendered on every refresh, so the elapsed time moves even between reports."""

    def __init__(self) -> None:
        self.label = "solving"
        self.started = time.monotonic()
        self.objective = self.bound = math.nan

    def __rich__(self) -> Text:
        elapsed = time.monotonic() - self.started
        text = f"[{self.label}] {elapsed:7.1f}s"
        if not math.isnan(self.objective):
            gap = abs(self.bound - self.objective) / max(1.0, abs(self.objective))
            text += f"  best {self.objective:,.0f}  bound {self.bound:,.0f}  gap {gap:.3%}"
        return Text(text + "   (Ctrl-C keeps the best roster found)")


class ProgressView:
    def __init__(self, enabled: bool = True):
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._line = _Line()
        self._live: Live | None = None

    def __enter__(self) -> ProgressView:
        if self.enabled:
            self._live = Live(self._line, console=self.console, refresh_per_second=4,
                              transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)

    def show(self, label: str, elapsed: float, objective: float, bound: float) -> None:
        if label != self._line.label:
            self._line.label, self._line.started = label, time.monotonic() - elapsed
        self._line.objective, self._line.bound = objective, bound
