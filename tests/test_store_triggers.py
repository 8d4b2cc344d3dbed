"""The search index is kept by triggers (migration 0005): it follows creates, edits, deletes,
burns, purges and removed users by itself; burn, password and E2EE pastes never enter it,
whatever a caller writes; and a database indexed the old way (by hand, schema 4) migrates
forward with its index intact."""

import sqlite3

import pytest

from pastebox.core.model import FileRow, Paste
from pastebox.store import open_store
from pastebox.store.migrate import MIGRATIONS, statements

NOW = 1_800_000_000.0
OLD_VERSION = 4  # the schema before the triggers


def paste(paste_id: str, **fields) -> Paste:
    defaults = dict(
        title="t", created_at=NOW, updated_at=NOW, expires_at=None, burn=False,
        exposure="public", is_e2ee=False, owner_id=None, views=0, revision=1,
    )  # fmt: skip
    return Paste(id=paste_id, **{**defaults, **fields})


def text(content: str, name: str = "a.txt") -> FileRow:
    return FileRow(name=name, language=None, content=content.encode(), text=content)


def found(store, words: str, viewer_id: int | None = None) -> set[str]:
    hits = store.search(f'"{words}"', viewer_id=viewer_id, now=NOW, limit=50, offset=0)
    return {hit.id for hit in hits}


def indexed_rows(store) -> set[int]:
    """File ids in the index (its docsize table has one row per indexed file)."""
    with store.read() as conn:
        return {row[0] for row in conn.execute("SELECT id FROM file_search_docsize")}


def current_searchable_files(store) -> set[int]:
    """File ids that should be indexed: current files of pastes that may be, asked to be."""
    with store.read() as conn:
        return {
            row[0]
            for row in conn.execute(
                "SELECT f.id FROM files f JOIN pastes p ON p.id = f.paste_id"
                " AND f.revision = p.revision WHERE p.indexed AND NOT p.burn"
                " AND p.seal IS NULL AND NOT p.is_e2ee"
            )
        }


def assert_index_consistent(store) -> None:
    """FTS5's integrity check, against its source too (rank 1), and the rows it holds."""
    with store.write() as conn:
        conn.execute("INSERT INTO file_search (file_search) VALUES ('integrity-check')")
        conn.execute("INSERT INTO file_search (file_search, rank) VALUES ('integrity-check', 1)")
    assert indexed_rows(store) == current_searchable_files(store)


def unindexed(store) -> int:
    return store.pending_unindexed()


# -- a database made by the old code -------------------------------------------------------


def old_database(path: str) -> None:
    """A database at schema 4 with pastes stored and indexed as the store did before the
    triggers (Store._index / _unindex): a public, a private (owned), an edited one (its first
    revision unindexed), a burn paste and a binary one (not indexed), one about to expire."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    for _, sql in MIGRATIONS[:OLD_VERSION]:
        for statement in statements(sql):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {OLD_VERSION}")
    conn.execute("INSERT INTO users (id, name, created_at) VALUES (1, 'olduser', ?)", (NOW,))

    def put(paste_id, revisions, *, indexed=True, burn=False, exposure="public", owner=None,
            expires=None):  # fmt: skip
        conn.execute(
            "INSERT INTO pastes (id, title, created_at, updated_at, expires_at, burn, exposure,"
            " owner_id, revision, indexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (paste_id, revisions[-1][0], NOW, NOW, expires, burn, exposure, owner,
             len(revisions), indexed),
        )  # fmt: skip
        for number, (title, content) in enumerate(revisions, start=1):
            conn.execute(
                "INSERT INTO revisions (paste_id, number, title, created_at) VALUES (?, ?, ?, ?)",
                (paste_id, number, title, NOW),
            )
            conn.execute(
                "INSERT INTO files (paste_id, revision, position, name, content)"
                " VALUES (?, ?, 0, 'a.txt', ?)",
                (paste_id, number, content),
            )
        if indexed:  # exactly as Store._index fed it: the current revision only
            conn.execute(
                "INSERT INTO file_search (rowid, title, name, content)"
                " SELECT id, ?, name, CAST(content AS TEXT) FROM files"
                " WHERE paste_id = ? AND revision = ?",
                (revisions[-1][0], paste_id, len(revisions)),
            )

    put("oldpublic1", [("pub", b"ancient walrus")])
    put("oldprivat1", [("priv", b"ancient otter")], exposure="private", owner=1)
    put("oldedited1", [("v1", b"bygone heron"), ("v2", b"ancient heron")])
    put("oldburned1", [("burn", b"ancient secret")], indexed=False, burn=True)
    put("oldbinary1", [("bin", b"\xff\xfe ancient")], indexed=False)
    put("oldexpire1", [("exp", b"ancient mayfly")], expires=NOW + 10)
    conn.close()


@pytest.fixture
def old_store(tmp_path):
    path = str(tmp_path / "old.db")
    old_database(path)
    store = open_store(path)
    yield store
    store.close()


def test_an_old_database_migrates_forward_with_its_index_intact(old_store):
    with old_store.read() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert_index_consistent(old_store)
    assert found(old_store, "ancient") == {"oldpublic1", "oldedited1", "oldexpire1"}
    assert found(old_store, "ancient", viewer_id=1) >= {"oldprivat1"}
    assert found(old_store, "bygone") == set()  # an old revision stays out


def test_an_old_pastes_edit_moves_its_rows(old_store):
    before = unindexed(old_store)
    old_store.update_paste("oldpublic1", title="pub", files=[text("modern walrus")], now=NOW,
                           searchable=True)  # fmt: skip
    assert found(old_store, "ancient walrus") == set()
    assert found(old_store, "modern walrus") == {"oldpublic1"}
    assert unindexed(old_store) == before + 1
    assert_index_consistent(old_store)


@pytest.mark.parametrize("how", ["delete", "purge", "remove user"])
def test_an_old_paste_that_goes_takes_its_rows_with_it(old_store, how):
    gone = {"delete": "oldedited1", "purge": "oldexpire1", "remove user": "oldprivat1"}[how]
    before = unindexed(old_store)
    if how == "delete":
        assert old_store.delete_paste(gone, NOW)
    elif how == "purge":
        assert old_store.purge_expired(NOW + 20, tombstone_until=0).unindexed == 1
    else:
        assert old_store.delete_user(1)
    assert gone not in found(old_store, "ancient", viewer_id=1)
    assert unindexed(old_store) == before + 1
    assert_index_consistent(old_store)


def test_an_old_burn_paste_is_claimed_without_touching_the_index(old_store):
    rows = indexed_rows(old_store)
    assert old_store.claim_burned("oldburned1", 1, NOW) == 0
    assert indexed_rows(old_store) == rows
    assert_index_consistent(old_store)


def test_new_pastes_in_an_old_database_are_indexed_by_the_triggers(old_store):
    assert old_store.insert_paste(paste("newpaste01"), [text("ancient newcomer")],
                                  manage_hash=None, searchable=True)  # fmt: skip
    assert "newpaste01" in found(old_store, "ancient newcomer")
    assert_index_consistent(old_store)


# -- what never enters the index ------------------------------------------------------------


NEVER = {
    "burn": dict(burn=True),
    "password": dict(seal='{"v":1}'),
    "e2ee": dict(is_e2ee=True),
}


@pytest.mark.parametrize("kind", NEVER)
def test_burn_password_and_e2ee_pastes_never_get_index_rows_whatever_the_caller_asks(store, kind):
    fields = NEVER[kind]
    seal = fields.get("seal")
    shape = {k: v for k, v in fields.items() if k != "seal"}
    store.insert_paste(paste("viastore01", **shape), [text("forbidden words")],
                       manage_hash=None, searchable=True, seal=seal)  # fmt: skip
    with store.write() as conn:  # straight into the tables, indexed=1
        conn.execute(
            "INSERT INTO pastes (id, title, created_at, updated_at, burn, exposure, is_e2ee,"
            " revision, indexed, seal) VALUES ('viasql0001', 't', ?, ?, ?, 'public', ?, 1, 1, ?)",
            (NOW, NOW, bool(fields.get("burn")), bool(fields.get("is_e2ee")), seal),
        )
        conn.execute("INSERT INTO revisions VALUES ('viasql0001', 1, 't', ?)", (NOW,))
        conn.execute(
            "INSERT INTO files (paste_id, revision, position, name, language, content)"
            " VALUES ('viasql0001', 1, 0, 'a.py', 'python', CAST('forbidden words' AS BLOB))"
        )
    store.update_paste("viastore01", title="t2", files=[text("forbidden edit")], now=NOW,
                       searchable=True)  # fmt: skip
    assert indexed_rows(store) == set()
    assert found(store, "forbidden") == set()
    listed = store.search(None, language="python", viewer_id=None, now=NOW, limit=10, offset=0)
    assert listed == []  # a language listing reads no index, and shows them neither
    assert_index_consistent(store)


def test_a_paste_with_a_file_that_is_not_utf8_is_not_indexed(store):
    binary = FileRow(name="b.bin", language=None, content=b"\xff words", text=None)
    store.insert_paste(paste("binarypast"), [text("words here"), binary], manage_hash=None,
                       searchable=True)  # fmt: skip
    assert indexed_rows(store) == set()
    store.update_paste("binarypast", title="t", files=[text("words here")], now=NOW,
                       searchable=True)  # fmt: skip
    assert found(store, "words here") == {"binarypast"}
    assert_index_consistent(store)


def test_unlisted_and_private_pastes_are_indexed_for_their_owners_search(store):
    """Not left out by the WHEN clause: the owner's search finds them (store/search.py)."""
    user = store.insert_user("owner", NOW)
    for exposure in ("unlisted", "private"):
        store.insert_paste(paste(f"{exposure:0<10}", exposure=exposure, owner_id=user.id),
                           [text("own words")], manage_hash=None, searchable=True)  # fmt: skip
    assert found(store, "own words") == set()
    assert found(store, "own words", viewer_id=user.id) == {"unlisted00", "private000"}
    assert_index_consistent(store)


def test_every_change_counts_the_rows_it_removes_for_the_janitors_merge(store):
    two = [text("one file", "a.txt"), text("two file", "b.txt")]
    store.insert_paste(paste("countsrows"), two, manage_hash=None, searchable=True)
    assert unindexed(store) == 0
    store.update_paste("countsrows", title="t2", files=two[:1], now=NOW, searchable=True)
    assert unindexed(store) == 2
    store.delete_paste("countsrows", NOW)
    assert unindexed(store) == 3
    assert_index_consistent(store)


# -- the migration files ----------------------------------------------------------------------


def test_the_splitter_keeps_a_trigger_body_in_one_statement():
    sql = """
    -- a comment; with a semicolon
    CREATE TABLE a (x);
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        INSERT INTO a VALUES (1);
        UPDATE a SET x = 2 WHERE x = ';';
    END;
    CREATE INDEX ax ON a(x);
    """
    parts = statements(sql)
    assert len(parts) == 3
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")
