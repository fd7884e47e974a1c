"""A live line on the terminal while the engine searches: elapsed, best, bound, gap.

Written to stderr so that `--json` output on stdout stays clean, and only
when stderr is a terminal. CP-SAT reports each improving roster; HiGHS (run
through OR-Tools) reports nothing until it ends, so its line shows the
elapsed time of the level being solved. In the user's language
(`placement.data.words`): a level's name (`weighted`, `fit` …) in words, engine
names as written.
"""

from __future__ import annotations

import math
import time

from rich.console import Console
from rich.live import Live
from rich.text import Text

from placement.data.words import say, value


class _Line:
    """Rendered on every refresh, so the elapsed time moves even between reports."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.label = say("solving", lang)
        self.started = time.monotonic()
        self.objective = self.bound = math.nan

    def text(self) -> str:
        elapsed = time.monotonic() - self.started
        label = " ".join(":".join(value(part, self.lang) for part in w.split(":"))
                         for w in self.label.split(" "))  # "targets:1 (HiGHS)"
        text = say("progress", self.lang, label=label, elapsed=elapsed)
        if not math.isnan(self.objective):
            gap = abs(self.bound - self.objective) / max(1.0, abs(self.objective))
            text += say("progress_best", self.lang, best=self.objective, bound=self.bound,
                        gap=gap)
        return text + say("progress_stop", self.lang)

    def __rich__(self) -> Text:
        return Text(self.text())


class _LiveLine:
    """A line redrawn four times a second on stderr while a `with` block runs, only when
    stderr is a terminal; `renderable` is what it redraws."""

    def __init__(self, enabled: bool) -> None:
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._live: Live | None = None

    def renderable(self):
        raise NotImplementedError

    def __enter__(self):
        if self.enabled:
            self._live = Live(self.renderable(), console=self.console, refresh_per_second=4,
                              transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)


class ProgressView(_LiveLine):
    def __init__(self, enabled: bool = True, lang: str = "en"):
        super().__init__(enabled)
        self._line = _Line(lang)

    def renderable(self) -> _Line:
        return self._line

    def show(self, label: str, elapsed: float, objective: float, bound: float) -> None:
        if label != self._line.label:
            self._line.label, self._line.started = label, time.monotonic() - elapsed
        self._line.objective, self._line.bound = objective, bound


class StepView(_LiveLine):
    """A live "[label] 12.3 s" line on stderr for a long step that reports nothing as it
    goes (a why-not's re-solve, building the reports): issue 15 asks for progress on
    every step over 2 s. `label` is already in the user's language; a terminal only."""

    def __init__(self, label: str, lang: str = "en", enabled: bool = True):
        super().__init__(enabled)
        self.label, self.lang = label, lang
        self.started = time.monotonic()

    def text(self) -> str:
        return say("progress", self.lang, label=self.label,
                   elapsed=time.monotonic() - self.started)

    def __rich__(self) -> Text:
        return Text(self.text())

    def renderable(self) -> StepView:
        self.started = time.monotonic()  # the step starts when the `with` block does
        return self
