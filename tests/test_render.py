"""Syntax highlighting: choosing a language (explicit, file name, shebang, modeline, guess), the
line-anchored markup, escaping, and the time-bounded worker processes that render it."""

import logging
import os
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pastebox.core import pastes
from pastebox.core.model import NewFile, NewPaste
from pastebox.render import (
    PLAIN,
    Renderer,
    highlight_plain,
    language_for,
    normalize_language,
    stylesheet,
)

# -- helpers -------------------------------------------------------------------------------


class _Lines(HTMLParser):
    """Each `span.line` of a render: its id, its link target and its visible text (the line
    number link excluded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[dict] = []
        self._depth = 0  # open spans inside the current line; 0 outside every line
        self._in_number = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "span" and self._depth:
            self._depth += 1
        elif tag == "span" and attributes.get("class") == "line":
            self.lines.append({"id": attributes.get("id"), "href": None, "text": ""})
            self._depth = 1
        elif tag == "a" and attributes.get("class") == "ln" and self._depth:
            self.lines[-1]["href"] = attributes.get("href")
            self._in_number = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_number = False
        elif tag == "span" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth and not self._in_number:
            self.lines[-1]["text"] += data


def rendered_lines(markup: str) -> list[dict]:
    parser = _Lines()
    parser.feed(markup)
    parser.close()
    return parser.lines


def visible_text(markup: str) -> list[str]:
    """What a reader sees, line by line: tags removed, entities decoded."""
    return [line["text"] for line in rendered_lines(markup)]


def render_worker_pids() -> set[int]:
    """Render processes that are children of this test process (from /proc)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == os.getpid() and b"worker_entry" in cmdline:
            pids.add(int(entry.name))
    return pids


# -- normalize_language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("py", "python"), ("python", "python"), ("python3", "python"), ("js", "javascript"),
     ("javascript", "javascript"), ("sh", "bash"), ("bash", "bash"), ("shell", "bash"),
     ("c++", "cpp")],
)  # fmt: skip
def test_aliases_normalize_to_the_canonical_language_name(name, canonical):
    assert normalize_language(name) == canonical


@pytest.mark.parametrize("name", ["PY", "Python", "JavaScript", "BASH", "  py  "])
def test_language_names_are_case_and_space_insensitive(name):
    assert normalize_language(name) == normalize_language(name.strip().lower())
    assert normalize_language(name) is not None


@pytest.mark.parametrize(("extension", "canonical"), [(".py", "python"), ("rb", "ruby")])
def test_a_file_extension_names_its_language(extension, canonical):
    assert normalize_language(extension) == canonical


@pytest.mark.parametrize("name", ["text", "plain", "TXT", "plaintext", "none", "raw"])
def test_plain_text_names_normalize_to_text(name):
    assert normalize_language(name) == PLAIN == "text"


@pytest.mark.parametrize("name", ["klingon-script", "", "   ", "auto", "py" * 40])
def test_unknown_empty_or_overlong_names_normalize_to_none(name):
    assert normalize_language(name) is None


# -- language_for: explicit > file name > shebang > modeline > guess > plain ------------------


def test_an_explicit_language_beats_the_file_name_and_the_shebang(core):
    content = b"#!/usr/bin/env python3\nputs 1\n"
    explicit = NewPaste(files=(NewFile("run.sh", content, "rb"),))
    undecided = NewPaste(files=(NewFile("run.sh", content),))
    assert pastes.create(core, explicit).paste.files[0].language == "ruby"
    assert pastes.create(core, undecided).paste.files[0].language == "bash"


def test_an_explicit_language_is_rendered_as_given_whatever_the_content(renderer):
    assert renderer.highlight("#!/bin/bash\necho hi\n", "python").language == "python"


@pytest.mark.parametrize(
    ("filename", "language"),
    [("script.py", "python"), ("app.js", "javascript"), ("Makefile", "make"), ("x.rb", "ruby")],
)
def test_the_file_name_decides_the_language(filename, language):
    assert language_for(filename, "nothing telling here\n") == language


def test_the_file_name_beats_a_shebang():
    assert language_for("app.js", "#!/bin/bash\necho hi\n") == "javascript"


def test_a_txt_file_name_does_not_hide_a_shebang():
    assert language_for("notes.txt", "#!/bin/bash\necho hi\n") == "bash"


def test_an_unknown_extension_leaves_the_decision_to_the_content():
    assert language_for("a.unknownext", "#!/usr/bin/env ruby\nputs 1\n") == "ruby"


@pytest.mark.parametrize(
    ("first_line", "language"),
    [("#!/usr/bin/env python3", "python"), ("#!/usr/bin/python3.11 -u", "python"),
     ("#!/bin/bash", "bash"), ("#!/bin/sh", "bash"), ("#! /usr/bin/env -S node --flag", "javascript"),
     ("#!/usr/bin/env ruby", "ruby")],
)  # fmt: skip
def test_a_shebang_decides_the_language(first_line, language):
    assert language_for(None, f"{first_line}\nrest of the file\n") == language


def test_a_shebang_beats_a_modeline():
    assert language_for(None, "#!/bin/bash\n# vim: ft=ruby\necho hi\n") == "bash"


def test_an_unknown_interpreter_falls_through_to_the_modeline():
    assert language_for(None, "#!/usr/bin/env frobnicate\n# vim: ft=ruby\n") == "ruby"


@pytest.mark.parametrize(
    "modeline",
    ["# vim: ft=ruby", "# vim: set filetype=ruby :", "# vi: syntax=ruby", "# -*- mode: ruby -*-",
     "# -*- coding: utf-8; mode: ruby -*-", "# -*- ruby -*-", "# -*- Mode: Ruby -*-"],
)  # fmt: skip
def test_a_modeline_at_the_top_decides_the_language(modeline):
    assert language_for(None, f"{modeline}\nputs 1\n") == "ruby"


def test_a_modeline_at_the_end_decides_the_language():
    text = "x = 1\n" * 30 + "-- vim: set ft=lua :\n"
    assert language_for(None, text) == "lua"


def test_a_modeline_in_the_middle_of_a_long_file_is_ignored():
    lines = ["x = 1"] * 30
    lines[12] = "# vim: ft=ruby"
    assert language_for(None, "\n".join(lines) + "\n") is None


@pytest.mark.parametrize(
    "text", ["", "x = 1\n", "Just some plain English prose.\n", "#!/usr/bin/env frobnicate\n"]
)
def test_without_name_shebang_or_modeline_the_choice_is_left_to_the_renderer(text):
    assert language_for(None, text) is None


DIFF = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n"


PROSE = "Just some plain English prose here.\nIt has two sentences, and nothing else.\n"


# Every lexer scores this C snippet at 0.1 or less: a weak guess.
WEAKLY_GUESSED = "#include <stdio.h>\nint main(void) { return 0; }\n"


def test_an_undecided_language_is_guessed_from_the_content_at_render_time(renderer):
    assert renderer.highlight(DIFF, None).language == "diff"
    assert renderer.highlight("#!/usr/bin/env python\nprint(1)\n", None).language == "python"


def test_plain_prose_is_shown_as_plain_text_not_as_a_guessed_language(renderer):
    result = renderer.highlight(PROSE, None)
    assert result.language == PLAIN
    assert result == highlight_plain(PROSE)


def test_a_guess_below_the_confidence_floor_is_shown_as_plain_text(renderer):
    assert renderer.highlight(WEAKLY_GUESSED, None).language == PLAIN
    credulous = Renderer(timeout=5.0, guess_floor=0.05)
    try:
        # The same content passes a lower floor: the floor, not a failed guess, decided.
        assert credulous.highlight(WEAKLY_GUESSED, None).language != PLAIN
    finally:
        credulous.close()


def test_an_unknown_language_name_renders_as_plain_text(renderer):
    result = renderer.highlight("<b>x</b>\n", "klingon-script")
    assert result == highlight_plain("<b>x</b>\n")


# -- markup --------------------------------------------------------------------------------

SOURCE = "def f(x):\n    return x * 2\n\nprint(f(21))\n"


@pytest.mark.parametrize("language", ["python", PLAIN])
def test_every_line_has_an_anchor_and_a_link_to_itself(renderer, language):
    result = renderer.highlight(SOURCE, language)
    lines = rendered_lines(result.html)
    assert result.lines == 4
    assert [line["id"] for line in lines] == ["L1", "L2", "L3", "L4"]
    assert [line["href"] for line in lines] == ["#L1", "#L2", "#L3", "#L4"]
    assert result.html.startswith('<pre class="code">') and result.html.endswith("</pre>")


def test_highlighting_keeps_the_text_and_adds_token_classes(renderer):
    result = renderer.highlight(SOURCE, "python")
    assert visible_text(result.html) == SOURCE.splitlines()
    assert '<span class="k">def</span>' in result.html


@pytest.mark.parametrize("language", ["html", "javascript", "python", PLAIN, None])
def test_html_in_the_content_is_escaped(renderer, language):
    text = '<script>alert("x")</script>\n<img src=x onerror=alert(1)> & &amp;\n'
    result = renderer.highlight(text, language)
    assert "<script" not in result.html
    assert "<img" not in result.html
    assert visible_text(result.html) == text.splitlines()


def test_empty_content_renders_as_an_empty_code_block(renderer):
    result = renderer.highlight("", "python")
    assert (result.html, result.lines) == ('<pre class="code"></pre>', 0)


def test_content_without_a_final_newline_keeps_its_last_line(renderer):
    result = renderer.highlight("a = 1\nb = 2", "python")
    assert result.lines == 2
    assert visible_text(result.html) == ["a = 1", "b = 2"]


def test_a_final_newline_does_not_add_an_empty_line_but_blank_lines_count(renderer):
    assert renderer.highlight("a = 1\n", "python").lines == 1
    assert visible_text(renderer.highlight("a = 1\n\n\n", "python").html) == ["a = 1", "", ""]


@pytest.mark.parametrize("language", ["python", PLAIN])
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_end_lines_like_lf(renderer, language, newline):
    text = newline.join(["a = 1", "b = 2", ""])
    result = renderer.highlight(text, language)
    assert result.lines == 2
    assert visible_text(result.html) == ["a = 1", "b = 2"]
    assert "\r" not in result.html


def test_a_very_long_single_line_is_one_line(renderer):
    text = "x = [" + ", ".join(str(i) for i in range(20_000)) + "]"  # about 110 KB
    result = renderer.highlight(text, "python")
    assert result.language == "python"
    assert result.lines == 1
    assert visible_text(result.html) == [text]


def test_plain_fallback_uses_the_same_markup_as_a_highlight(renderer):
    plain = highlight_plain(SOURCE)
    highlighted = renderer.highlight(SOURCE, "python")
    assert plain.language == PLAIN
    assert [(line["id"], line["href"]) for line in rendered_lines(plain.html)] == [
        (line["id"], line["href"]) for line in rendered_lines(highlighted.html)
    ]
    assert visible_text(plain.html) == visible_text(highlighted.html)


# -- the time bound ------------------------------------------------------------------------

# The Maple lexer's string rule backtracks exponentially on an unterminated string of backslashes
# (about 6.7 times longer per 4 more): 40 take tens of seconds here, hundreds of times the limit.
PATHOLOGICAL = '"' + "\\" * 40


PATHOLOGICAL_LANGUAGE = "maple"


TINY_TIMEOUT = 0.2


KILL_MARGIN = 2.0  # killing and reaping a process, and the plain fallback, on a loaded machine


@pytest.fixture
def hasty_renderer():
    """A renderer with a tiny time limit, its worker already started (starting is not timed)."""
    r = Renderer(timeout=TINY_TIMEOUT)
    assert r.highlight("x = 1\n", "python").language == "python"
    yield r
    r.close()


def test_a_render_that_overruns_falls_back_to_escaped_plain_text_within_the_time_limit(
    hasty_renderer, caplog
):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="pastebox.render"):
        result = hasty_renderer.highlight(PATHOLOGICAL, PATHOLOGICAL_LANGUAGE)
    elapsed = time.monotonic() - started
    assert result == highlight_plain(PATHOLOGICAL)
    assert result.language == PLAIN
    assert elapsed < TINY_TIMEOUT + KILL_MARGIN
    assert any("overran" in record.getMessage() for record in caplog.records)


def test_an_overrunning_worker_is_killed_and_a_new_one_serves_the_next_render(hasty_renderer):
    before = render_worker_pids()
    assert hasty_renderer.highlight(PATHOLOGICAL, PATHOLOGICAL_LANGUAGE).language == PLAIN
    after_kill = render_worker_pids()
    assert len(before - after_kill) == 1  # the worker that overran is gone
    result = hasty_renderer.highlight("x = 1\n", "python")
    assert result.language == "python"
    assert visible_text(result.html) == ["x = 1"]
    assert len(render_worker_pids() - after_kill) == 1  # and a new one answered


# -- threads and closing -------------------------------------------------------------------

CONCURRENT = 8


SAMPLES = [
    ("python", "value_{n} = {n}\n"),
    ("javascript", "const value_{n} = {n};\n"),
    ("bash", 'echo "value_{n}"\n'),
    ("ruby", "value_{n} = {n}\n"),
]


def test_concurrent_renders_each_get_their_own_correct_result(renderer):
    renderer.highlight("warm = 1\n", "python")  # start the worker before the clock matters
    jobs = [
        (SAMPLES[n % len(SAMPLES)][0], SAMPLES[n % len(SAMPLES)][1].format(n=n) * (n + 1))
        for n in range(CONCURRENT)
    ]
    barrier = threading.Barrier(CONCURRENT)
    results: list = [None] * CONCURRENT

    def render(i: int) -> None:
        barrier.wait(timeout=10)
        results[i] = renderer.highlight(jobs[i][1], jobs[i][0])

    threads = [threading.Thread(target=render, args=(i,)) for i in range(CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for (language, text), result in zip(jobs, results, strict=True):
        assert result is not None
        assert result.language == language
        assert visible_text(result.html) == text.splitlines()


def test_close_is_idempotent_and_stops_the_worker():
    r = Renderer(timeout=5.0)
    before = render_worker_pids()
    assert r.highlight("x = 1\n", "python").language == "python"
    started = render_worker_pids() - before
    assert len(started) == 1
    r.close()
    r.close()
    assert render_worker_pids() & started == set()


def test_a_render_after_close_falls_back_to_plain_text_at_once_without_a_worker():
    r = Renderer(timeout=30.0)
    assert r.highlight("x = 1\n", "python").language == "python"
    r.close()
    before = render_worker_pids()
    started = time.monotonic()
    assert r.highlight(SOURCE, "python") == highlight_plain(SOURCE)
    assert time.monotonic() - started < 5.0  # not after waiting out the timeout for a worker
    assert render_worker_pids() == before


# -- stylesheet ----------------------------------------------------------------------------


def test_stylesheet_has_light_rules_and_dark_rules_for_a_dark_system_theme():
    css = stylesheet()
    light, media, dark = css.partition("@media (prefers-color-scheme: dark)")
    assert media
    keyword = re.compile(r"\.code \.k \{[^}]*\}")
    assert keyword.search(light) and keyword.search(dark)
    assert keyword.search(light).group() != keyword.search(dark).group()
    assert dark.count("{") == dark.count("}")
