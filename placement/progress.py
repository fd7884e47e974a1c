"""A live line on the terminal while CP-SAT searches: elapsed, best, bound, gap.

Written to stderr so that `--json` output on stdout stays clean; silent when
stderr is not a terminal, except for a final line.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.text import Text


class ProgressView:
    def __init__(self, enabled: bool = True):
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._live: Live | None = None
        self._last = 0.0

    def __enter__(self) -> ProgressView:
        if self.enabled:
            self._live = Live(
                Text("solving …"), console=self.console, refresh_per_second=4, transient=True
            )
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)

    def show(self, label: str, elapsed: float, objective: float, bound: float) -> None:
        if self._live is None or time.monotonic() - self._last < 0.2:
            return
        self._last = time.monotonic()
        gap = abs(bound - objective) / max(1.0, abs(objective))
        self._live.update(
            Text(
                f"[{label}] {elapsed:7.1f}s  best {objective:,.0f}  "
                f"bound {bound:,.0f}  gap {gap:.3%}   (Ctrl-C keeps the best)"
            )
        )
