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


# The words the page asks for by a literal key: t("key"), data-t="key", data-tp="key".
WORD_KEY = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*\)|data-tp?=["']([^"']+)["']""")


def page_word_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*scripts(), STATIC / "index.html"]:
        for m in WORD_KEY.finditer(path.read_text(encoding="utf-8")):
            keys.add(m.group(1) or m.group(2))
    return keys


def test_every_word_the_page_uses_is_in_the_catalogues_in_both_languages():
    """The page's words live on the server (placement/web/page_words.py, served by
    GET /api/v1/words/page) beside the coded values (placement/data/words.py): no
    script holds a table of its own, and every literal key it asks for is there with a
    Chinese and an English text."""
    from placement.data.words import VALUES
    from placement.web.page_words import PAGE_WORDS

    keys = page_word_keys()
    assert len(keys) > 150  # the pattern still finds the page's keys
    missing = sorted(k for k in keys if k not in PAGE_WORDS and k not in VALUES)
    assert missing == []
    for key, pair in PAGE_WORDS.items():
        assert len(pair) == 2 and all(w.strip() for w in pair), key
        assert re.search(r"[\u4e00-\u9fff]", pair[0]), key  # the Chinese text is Chinese
    tables = re.compile(r"\b(?:zh|en)\s*:\s*\{")  # a { zh: {…}, en: {…} } table in a script
    assert [p.name for p in scripts() if tables.search(p.read_text(encoding="utf-8"))] == []
