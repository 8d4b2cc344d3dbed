"""The store: schema, transactions, expiry filter, burn claims, search index upkeep."""

import sqlite3
import threading

import pytest

from pastebox.core import pastes
from pastebox.core.model import ANONYMOUS, FileRow, Paste
from pastebox.store import StoreError, open_store
from pastebox.store import search as store_search
from pastebox.store.migrate import MIGRATIONS

NOW = 1_800_000_000.0


def paste(
    paste_id="abcdefgh12",
    *,
    expires_at=None,
    burn=False,
    exposure="public",
    owner_id=None,
    title="t",
):
    return Paste(
        id=paste_id, title=title, created_at=NOW, updated_at=NOW, expires_at=expires_at,
        burn=burn, exposure=exposure, is_e2ee=False, owner_id=owner_id, views=0, revision=1,
    )  # fmt: skip


def text_file(text="hello world\n", name="a.txt"):
    return FileRow(name=name, language=None, content=text.encode(), text=text)


def test_new_database_is_at_the_latest_schema(store):
    with store.read() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_writer_uses_full_sync_secure_delete_and_foreign_keys(store):
    with store.write() as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_no_migration_twice(cfg, store):
    store.insert_paste(paste(), [text_file()], manage_hash=None, searchable=True)
    store.close()
    again = open_store(cfg.db)
    try:
        assert again.get_paste("abcdefgh12", NOW) is not None
    finally:
        again.close()


def test_a_newer_schema_is_refused(tmp_path):
    path = str(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(str(path))


def test_bytes_round_trip_exactly(store):
    content = b"\x00\xff binary \r\n\t"
    store.insert_paste(
        paste(), [FileRow("b.bin", None, content, None)], manage_hash=None, searchable=True
    )
    assert store.get_paste("abcdefgh12", NOW).files[0].content == content


def test_expired_pastes_are_never_returned(store):
    store.insert_paste(paste(expires_at=NOW + 10), [text_file()], manage_hash=None, searchable=True)
    assert store.get_paste("abcdefgh12", NOW + 9.9) is not None
    assert store.get_paste("abcdefgh12", NOW + 10) is None
    assert store.get_paste("abcdefgh12", NOW + 10, files=False) is None


def test_a_taken_id_is_reported_not_overwritten(store):
    assert store.insert_paste(paste(), [text_file("one")], manage_hash=None, searchable=True)
    assert not store.insert_paste(paste(), [text_file("two")], manage_hash=None, searchable=True)
    assert store.get_paste("abcdefgh12", NOW).files[0].text == "one"


def test_burn_claim_succeeds_once_under_contention(store):
    store.insert_paste(paste(burn=True), [text_file()], manage_hash=None, searchable=False)
    barrier = threading.Barrier(16)
    results = []

    def claim():
        barrier.wait()
        results.append(store.claim_burned("abcdefgh12", 1, NOW))

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is not None for r in results) == 1
    assert store.tombstone("abcdefgh12", NOW).reason == "burned"


def test_edit_keeps_the_previous_revision(store):
    store.insert_paste(paste(), [text_file("first")], manage_hash=None, searchable=True)
    number = store.update_paste(
        "abcdefgh12", title="t2", files=[text_file("second")], now=NOW + 1, searchable=True
    )
    assert number == 2
    history = store.revisions("abcdefgh12", NOW + 1)
    assert [r.files[0].text for r in history] == ["first", "second"]
    assert store.get_paste("abcdefgh12", NOW + 1).title == "t2"


def test_search_follows_edits_and_deletes(store):
    store.insert_paste(paste(), [text_file("alpha words")], manage_hash=None, searchable=True)
    assert [h.id for h in store.search('"alpha"', viewer_id=None, now=NOW, limit=10, offset=0)] == [
        "abcdefgh12"
    ]
    store.update_paste(
        "abcdefgh12", title="t", files=[text_file("beta words")], now=NOW, searchable=True
    )
    assert store.search('"alpha"', viewer_id=None, now=NOW, limit=10, offset=0) == []
    assert len(store.search('"beta"', viewer_id=None, now=NOW, limit=10, offset=0)) == 1
    store.delete_paste("abcdefgh12", NOW)
    assert store.search('"beta"', viewer_id=None, now=NOW, limit=10, offset=0) == []
    with store.write() as conn:  # the external-content index is consistent with its source
        conn.execute("INSERT INTO file_search (file_search) VALUES ('integrity-check')")


def test_search_shows_others_only_public_pastes(store):
    user = store.insert_user("alice", NOW)
    store.insert_paste(
        paste("publicpaste", exposure="public"),
        [text_file("needle")],
        manage_hash=None,
        searchable=True,
    )
    store.insert_paste(
        paste("unlistedone", exposure="unlisted"),
        [text_file("needle")],
        manage_hash=None,
        searchable=True,
    )
    store.insert_paste(
        paste("alicesprivy", exposure="private", owner_id=user.id),
        [text_file("needle")],
        manage_hash=None,
        searchable=True,
    )
    anonymous = {
        h.id for h in store.search('"needle"', viewer_id=None, now=NOW, limit=10, offset=0)
    }
    alice = {h.id for h in store.search('"needle"', viewer_id=user.id, now=NOW, limit=10, offset=0)}
    assert anonymous == {"publicpaste"}
    assert alice == {"publicpaste", "alicesprivy"}


@pytest.mark.parametrize("change", ["unlisted", "private", "expired", "edited"])
def test_a_search_pages_hits_are_filtered_again_for_visibility(store, change):
    """The page's hits (snippets, or previews without words) come from a second statement: it
    shows only files still visible, whatever file ids it is given."""
    user = store.insert_user("alice", NOW)
    exposure = change if change in ("unlisted", "private") else "public"
    expires_at = NOW + 1 if change == "expired" else None
    store.insert_paste(
        paste(exposure=exposure, owner_id=user.id, expires_at=expires_at),
        [text_file("needle")],
        manage_hash=None,
        searchable=True,
    )
    if change == "edited":
        store.update_paste(
            "abcdefgh12", title="t2", files=[text_file("other")], now=NOW, searchable=True
        )
    params = {"match": '"needle"', "lang": None, "now": NOW + 5, "viewer": None}
    with store.read() as conn:
        first = conn.execute("SELECT min(id) FROM files").fetchone()[0]
        assert store_search.snippets(conn, [first], params) == []
        assert store_search.previews(conn, [first], params) == []


def test_a_search_reads_one_snapshot_while_a_paste_is_edited_between_its_statements(store):
    store.insert_paste(paste(), [text_file("needle")], manage_hash=None, searchable=True)
    edits = []

    def edit_before_the_hits_are_read(sql: str) -> None:
        if "snippet(" in sql and not edits:
            edit = dict(title="t2", files=[text_file("other")], now=NOW, searchable=True)
            edits.append(store.update_paste("abcdefgh12", **edit))

    conn = store._reader()  # this thread's read connection: the one the search runs on
    conn.set_trace_callback(edit_before_the_hits_are_read)
    try:
        hits = store.search('"needle"', viewer_id=None, now=NOW, limit=10, offset=0)
    finally:
        conn.set_trace_callback(None)
    assert edits == [2]
    assert [(h.title, h.snippet) for h in hits] == [("t", "\x02needle\x03")]  # as it was
    assert store.search('"needle"', viewer_id=None, now=NOW, limit=10, offset=0) == []


def test_pastes_marked_unsearchable_are_not_indexed(store):
    store.insert_paste(paste(burn=True), [text_file("hidden")], manage_hash=None, searchable=False)
    with store.read() as conn:
        # count(*) of an external-content table reads its source; MATCH reads the index.
        assert (
            conn.execute(
                "SELECT count(*) FROM file_search WHERE file_search MATCH 'hidden'"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT count(*) FROM file_search_docsize").fetchone()[0] == 0


def test_view_counts_are_batched_then_written(store, core):
    store.insert_paste(paste(), [text_file()], manage_hash=None, searchable=True)
    for _ in range(3):
        core.views.count("abcdefgh12")
    assert pastes.peek(core, "abcdefgh12", ANONYMOUS).views == 3  # pending counts are visible
    core.views.flush(store)
    with store.read() as conn:
        assert conn.execute("SELECT views FROM pastes").fetchone()[0] == 3


def test_purge_deletes_expired_pastes_and_leaves_tombstones(store):
    store.insert_paste(
        paste("expiresnow1", expires_at=NOW + 1), [text_file()], manage_hash=None, searchable=True
    )
    store.insert_paste(paste("staysalive1"), [text_file()], manage_hash=None, searchable=True)
    purged = store.purge_expired(NOW + 5, tombstone_until=NOW - 100)
    assert (purged.pastes, purged.unindexed) == (1, 1)
    assert store.tombstone("expiresnow1", NOW + 5).reason == "expired"
    assert store.get_paste("staysalive1", NOW + 5) is not None
    with store.read() as conn:
        assert (
            conn.execute("SELECT count(*) FROM files WHERE paste_id = 'expiresnow1'").fetchone()[0]
            == 0
        )


def test_old_tombstones_are_forgotten(store):
    store.insert_paste(paste(), [text_file()], manage_hash=None, searchable=True)
    store.delete_paste("abcdefgh12", NOW)
    store.purge_expired(NOW + 10, tombstone_until=NOW + 1)
    assert store.tombstone("abcdefgh12", NOW + 10) is None


def test_deleting_a_user_deletes_their_pastes_and_keys(store):
    user = store.insert_user("bob", NOW)
    store.insert_api_key(user.id, b"h" * 32, "", NOW)
    store.insert_paste(paste(owner_id=user.id), [text_file()], manage_hash=None, searchable=True)
    assert store.delete_user(user.id)
    assert store.get_paste("abcdefgh12", NOW) is None
    assert store.user_for_key_hash(b"h" * 32) is None


def test_user_names_are_unique_ignoring_case(store):
    assert store.insert_user("Carol", NOW) is not None
    assert store.insert_user("carol", NOW) is None


def test_close_is_idempotent_and_final(cfg):
    s = open_store(cfg.db)
    s.close()
    s.close()
    with pytest.raises(StoreError), s.write():
        pass
