"""The schema history: pastebox/migrations/NNNN_<name>.sql, applied in order and recorded in
PRAGMA user_version (Db._migrate). Each file's first line is a `-- ` comment saying what it does.

Append-only: never edit a migration that has shipped, add the next number.
"""

import importlib.resources
import re
import sqlite3

MIGRATION_FILE = re.compile(r"(\d{4})_(\w+)\.sql")


def statements(sql: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement knows the grammar,
    a CREATE TRIGGER's BEGIN … END with its inner semicolons included)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def load(package: str = "pastebox.migrations") -> tuple[tuple[str, str], ...]:
    """(what it does, SQL) of every migration in `package`, in order; numbered 0001 on without
    a gap or a repeat, or ValueError (a missing file would skip a schema change)."""
    found = []
    for entry in importlib.resources.files(package).iterdir():
        match = MIGRATION_FILE.fullmatch(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
        elif entry.name.endswith(".sql"):
            raise ValueError(f"{package}: {entry.name} is not named NNNN_<name>.sql")
    if not found:  # an install without its package data: never make a schema-less file
        raise ValueError(f"{package}: no migration files found")
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ValueError(f"{package}: migrations must be numbered 1..{len(found)}: {numbers}")
    return tuple((_summary(name, sql), sql) for _, name, sql in found)


def _summary(name: str, sql: str) -> str:
    first = sql.split("\n", 1)[0]
    return first[3:].strip() if first.startswith("-- ") else name


MIGRATIONS = load()
