"""Progress on long steps in the user's language (issue 15, item 6): a why-not's
re-solve, building the reports, and the infeasibility analysis each get a line."""

from __future__ import annotations

import math
import re

from placement.data.words import say
from placement.pipeline.progress import StepView, _Line

LATIN = re.compile(r"[A-Za-z]{2,}")


def test_step_line_in_chinese_names_the_step_and_the_seconds():
    view = StepView(say("whynot_progress", "zh", cadre="LF00001", post="R01-DW-01"), "zh",
                    enabled=False)
    text = view.text()
    assert text.startswith("[分析 LF00001 → R01-DW-01]") and text.endswith("秒")
    assert not LATIN.findall(text.replace("LF00001", "").replace("R01-DW-01", ""))


def test_report_step_in_both_languages():
    assert StepView(say("report_progress", "zh"), "zh", enabled=False).text().startswith(
        "[生成报告]")
    assert StepView(say("report_progress", "en"), "en", enabled=False).text().startswith(
        "[writing the reports]")


def test_infeasibility_analysis_has_its_own_label():
    """propose() shows "infeasibility" before explaining a model with no roster."""
    line = _Line("zh")
    line.label, line.objective = "infeasibility", math.nan
    text = line.text()
    assert "分析无解原因并验证放宽办法" in text
    assert not LATIN.findall(text.replace("Ctrl-C", ""))  # a key name stays as written
