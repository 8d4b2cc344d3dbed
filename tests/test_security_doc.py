"""docs/security.md stays true to the repository: every test and script it names exists, and
every setting its limits table names is a setting with the default it states."""

import dataclasses
import re

import pytest
from helpers import ROOT

from pastebox.config import Config

DOC = (ROOT / "docs" / "security.md").read_text()


TEST_REFS = sorted(set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", DOC)))


SCRIPT_REFS = sorted(set(re.findall(r"`(bench/\w+\.py)`", DOC)))


RESULT_REFS = sorted(set(re.findall(r"`(bench/results-[\w-]+\.txt)`", DOC)))


SETTINGS = {field.name: field.default for field in dataclasses.fields(Config)}


def test_the_document_names_tests_and_scripts():
    assert len(TEST_REFS) > 30 and SCRIPT_REFS and RESULT_REFS


@pytest.mark.parametrize("path, name", TEST_REFS, ids=[f"{p}::{n}" for p, n in TEST_REFS])
def test_every_test_the_document_names_exists(path, name):
    source = (ROOT / path).read_text()
    assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"{path} has no {name}"


@pytest.mark.parametrize("path", SCRIPT_REFS + RESULT_REFS)
def test_every_script_and_result_the_document_names_exists(path):
    assert (ROOT / path).is_file()


def limit_rows() -> list[tuple[list[str], str]]:
    """(setting names, stated default) of each row of the settings table."""
    table = DOC.split("## Limits and their defaults", 1)[1].split("Constants, in the code", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`"):
            rows.append((re.findall(r"`(\w+)`", cells[1]), cells[2]))
    return rows


def shown(value: object) -> str:
    """A default as the table writes it: 10 MiB, 2 s, 1,000, nobody."""
    if value == "":
        return "nobody"
    if isinstance(value, int) and value >= 1024 * 1024 and value % (1024 * 1024) == 0:
        return f"{value // (1024 * 1024)} MiB"
    if isinstance(value, float):
        return f"{value:g} s"
    return f"{value:,}"


def test_every_setting_in_the_limits_table_exists_with_the_default_it_states():
    rows = limit_rows()
    assert len(rows) > 10
    for names, stated in rows:
        for name in names:
            assert name in SETTINGS, f"{name} is not a setting"
        defaults = [shown(SETTINGS[name]) for name in names]
        wanted = " / ".join(defaults)
        # Seconds and MiB settings whose names say so are written with their unit.
        assert stated.replace(" s", "").replace(" MiB", "") == wanted.replace(" s", "").replace(
            " MiB", ""
        ), f"{names}: the table says {stated}, the code {wanted}"
