"""The layers of docs/architecture.md hold: web over core over store, each importing only
downwards, and the document names every module as built (and none that is not)."""

import ast
import re
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "pastebox"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
# What a layer may not import (a module, or any module under a package).
FORBIDDEN = {
    "core": ("bottle", "waitress", "sqlite3", "pastebox.web", "pastebox.server", "pastebox.dialects"),
    "store": (
        "bottle", "waitress", "pastebox.web", "pastebox.server", "pastebox.dialects",
        "pastebox.core.pastes", "pastebox.core.accounts", "pastebox.core.context",
    ),
    "web": ("sqlite3", "waitress", "pastebox.server"),
    "dialects": ("sqlite3", "waitress", "pastebox.server", "pastebox.store"),
}  # fmt: skip
MODULE_PATH_RE = re.compile(r"`((?:[a-z_]+/)*[a-z_]+\.py)`")


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def breaks(name: str, rule: str) -> bool:
    return name == rule or name.startswith(rule + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_lies_below_it(layer):
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in modules(layer)
        for name in sorted(imported(path))
        if any(breaks(name, rule) for rule in FORBIDDEN[layer])
    ]
    assert wrong == []


def test_the_store_returns_records_only_from_the_core_model():
    from_core = {
        name
        for path in modules("store")
        for name in imported(path)
        if breaks(name, "pastebox.core")
    }
    assert {name.rsplit(".", 1)[0] for name in from_core} <= {
        "pastebox.core",
        "pastebox.core.model",
    }


def test_the_web_takes_from_the_store_only_its_type_and_its_failures():
    """create_app is given a Store (its type), and a database that cannot answer is a 503
    (UNAVAILABLE); everything else the web needs of the store goes through the core."""
    taken = {
        name
        for path in modules("web")
        for name in imported(path)
        if breaks(name, "pastebox.store") and name != "pastebox.store"
    }
    assert taken <= {"pastebox.store.Store", "pastebox.store.UNAVAILABLE"}


def test_no_surface_reaches_the_store_past_the_core():
    """A handler calls pastebox.core; `core.store` or `services.core.store` in the web would be
    a surface running a query of its own."""
    reaching = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for layer in ("web", "dialects")
        for path in modules(layer)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]
    assert reaching == []


def test_the_document_names_every_module_of_the_package():
    named = set(MODULE_PATH_RE.findall(DOC))
    missing = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "__init__.py" or path.parent.name in ("store",)
        if str(path.relative_to(PACKAGE)) not in named
    ]
    assert missing == []


def test_every_module_the_document_names_exists():
    named = set(MODULE_PATH_RE.findall(DOC))
    absent = [
        name
        for name in sorted(named)
        if not (PACKAGE / name).exists() and not (ROOT / name).exists()
    ]
    assert absent == []


def test_every_migration_the_document_names_exists():
    for name in re.findall(r"migrations/(\d{4}_[a-z_]+\.sql)", DOC):
        assert (PACKAGE / "migrations" / name).exists(), name
