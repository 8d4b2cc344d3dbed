"""The store's shape: small table-group modules mixed into one Store, only Db holding state,
and the schema history as numbered SQL files that a normal install ships."""

import configparser
import fnmatch
import inspect
import uuid
from pathlib import Path

import pytest

import pastebox.store
from pastebox.store import Store, StoreError, open_store  # noqa: F401 - the public names
from pastebox.store.db import Db
from pastebox.store.migrate import MIGRATIONS, load

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "pastebox" / "store"
MIGRATION_DIR = ROOT / "pastebox" / "migrations"
GROUPS = [base for base in Store.__mro__ if base not in (Store, Db, object)]


@pytest.mark.parametrize("module", sorted(p.name for p in STORE.glob("*.py")))
def test_no_store_module_is_over_300_lines(module):
    assert len((STORE / module).read_text().splitlines()) <= 300


def test_the_package_file_only_assembles_the_store():
    assert len((STORE / "__init__.py").read_text().splitlines()) <= 40


def test_table_groups_hold_no_state_and_shadow_no_name():
    names: dict[str, str] = {}
    for group in GROUPS:
        assert issubclass(group, Db)
        assert "__init__" not in vars(group), f"{group.__name__} has state of its own"
        for name, member in vars(group).items():
            if name.startswith("__") or not inspect.isfunction(member):
                continue
            assert name not in names, f"{group.__name__}.{name} shadows {names[name]}.{name}"
            assert not hasattr(Db, name), f"{group.__name__}.{name} shadows Db.{name}"
            names[name] = group.__name__


def test_table_groups_call_no_other_groups_methods():
    owned = {
        name: group
        for group in GROUPS
        for name, member in vars(group).items()
        if inspect.isfunction(member) and not name.startswith("__")
    }
    for group in GROUPS:
        source = inspect.getsource(inspect.getmodule(group))
        for name, owner in owned.items():
            if owner is not group:
                assert f"self.{name}(" not in source, (
                    f"{group.__name__} calls {owner.__name__}.{name}"
                )


def test_migrations_are_the_numbered_files_in_order():
    files = sorted(p.name for p in MIGRATION_DIR.glob("*.sql"))
    assert [name[:4] for name in files] == [f"{n:04d}" for n in range(1, len(files) + 1)]
    assert len(MIGRATIONS) == len(files)
    for (summary, sql), name in zip(MIGRATIONS, files, strict=True):
        assert sql == (MIGRATION_DIR / name).read_text()
        assert sql.startswith(f"-- {summary}\n")


def make_package(tmp_path, monkeypatch, names: list[str]) -> str:
    """A package of migration files, under a name of its own (imports are cached by name)."""
    name = f"migrations_{uuid.uuid4().hex}"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for file_name in names:
        (package / file_name).write_text(f"-- {file_name}\nCREATE TABLE t (x);\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


@pytest.mark.parametrize(
    "names",
    [["0001_a.sql", "0003_c.sql"], ["0001_a.sql", "0001_b.sql"], ["0002_b.sql"], ["1_a.sql"]],
    ids=["gap", "repeat", "no first", "badly named"],
)
def test_a_gap_a_repeat_or_a_badly_named_migration_is_refused(tmp_path, monkeypatch, names):
    with pytest.raises(ValueError, match="numbered|named"):
        load(make_package(tmp_path, monkeypatch, names))


def test_numbered_migrations_load_in_order_with_their_summaries(tmp_path, monkeypatch):
    loaded = load(make_package(tmp_path, monkeypatch, ["0002_b.sql", "0001_a.sql"]))
    assert [summary for summary, _ in loaded] == ["0001_a.sql", "0002_b.sql"]


def test_a_normal_install_ships_the_migrations():
    """setup.cfg's package data takes every migration file (an editable install would not
    notice a miss: it reads them from the tree)."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    data = parser["options.package_data"]
    patterns = [p.strip() for p in data.get("pastebox.migrations", "").split(",") if p.strip()]
    for path in MIGRATION_DIR.glob("*.sql"):
        assert any(fnmatch.fnmatch(path.name, p) for p in patterns), path.name


def test_the_store_package_exports_what_callers_import():
    assert set(pastebox.store.__all__) == {
        "Store",
        "StoreError",
        "open_store",
        "UNAVAILABLE",
        "DATABASE_ERRORS",
    }
