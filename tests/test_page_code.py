"""The page's code, read as text (issue 26 item 11): markup is written only by
static/html.js (its `html` template escapes every value by construction), so no other
script assigns `innerHTML`, inserts HTML or escapes by hand."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "placement" / "web" / "static"
HELPER = "html.js"
# Ways to turn a string into markup, and the hand escape the helper replaced.
MARKUP_SINKS = re.compile(r"\.(?:inner|outer)HTML\b|insertAdjacentHTML|document\.write|\besc\(")


def scripts() -> list[Path]:
    return sorted(STATIC.glob("**/*.js"))


def test_only_the_helper_writes_markup():
    found = {
        f"{p.relative_to(STATIC)}:{n}": line.strip()
        for p in scripts() if p.name != HELPER
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if MARKUP_SINKS.search(line)
    }
    assert found == {}


def test_the_helper_is_the_one_sink_and_every_script_is_loaded():
    helper = (STATIC / HELPER).read_text(encoding="utf-8")
    assert len(re.findall(r"\.innerHTML\s*=", helper)) == 1
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    loaded = re.findall(r'<script[^>]*src="/static/([^"]+)"', page)
    assert loaded[0] == HELPER  # before any script that renders
    assert sorted(loaded) == sorted(str(p.relative_to(STATIC)) for p in scripts())
