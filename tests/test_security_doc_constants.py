"""docs/security.md's table of constants names each where it is: `module.NAME`, with the
module's path under pastebox/ (`store/search.RANK_WINDOW` is pastebox.store.search)."""

import importlib
import re
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text()
TABLE = DOC.split("Constants, in the code", 1)[1].split("\n## ", 1)[0]
REFS = sorted(set(re.findall(r"`([\w/]+)\.(\w+)`", TABLE)))


def test_the_table_names_constants():
    assert len(REFS) > 10


@pytest.mark.parametrize("module, name", REFS, ids=[f"{m}.{n}" for m, n in REFS])
def test_every_constant_the_table_names_is_where_it_says(module, name):
    found = importlib.import_module("pastebox." + module.replace("/", "."))
    assert hasattr(found, name), f"pastebox/{module}.py has no {name}"
