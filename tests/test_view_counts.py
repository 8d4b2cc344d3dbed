"""View counts live in memory (core/views.py, one per Core), are added to what a read shows,
and reach the database in batches: by the janitor, and once more when a server stops."""

import sqlite3
import threading

from helpers import fetch

from pastebox.core import pastes
from pastebox.core.context import Core, close
from pastebox.core.model import ANONYMOUS, Actor, NewFile, NewPaste
from pastebox.server.janitor import Janitor


def stored_views(db: str, paste_id: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT views FROM pastes WHERE id = ?", (paste_id,)).fetchone()[0]


def make(core: Core, **fields) -> str:
    return pastes.create(core, NewPaste(files=(NewFile("a.txt", b"x\n"),), **fields)).paste.id


def test_a_read_counts_in_memory_and_shows_the_pending_views(core, store, cfg):
    paste_id = make(core)
    for _ in range(3):
        pastes.read(core, paste_id, ANONYMOUS)
    assert stored_views(cfg.db, paste_id) == 0  # no write on a read
    assert pastes.peek(core, paste_id, ANONYMOUS).views == 3
    assert core.views.flush(store) == 1
    assert stored_views(cfg.db, paste_id) == 3
    assert pastes.peek(core, paste_id, ANONYMOUS).views == 3  # not counted twice


def test_a_deleted_pastes_pending_views_are_dropped(core):
    created = pastes.create(core, NewPaste(files=(NewFile("a.txt", b"x\n"),)))
    pastes.read(core, created.paste.id, ANONYMOUS)
    owner = Actor(manage_token=created.manage_token)
    pastes.delete(core, created.paste.id, owner)
    assert core.views.pending(created.paste.id) == 0


def test_each_core_counts_its_own_views(store, cfg, clock):
    one, other = Core(store, cfg, clock), Core(store, cfg, clock)
    paste_id = make(one)
    pastes.read(one, paste_id, ANONYMOUS)
    assert pastes.peek(other, paste_id, ANONYMOUS).views == 0


def test_the_janitor_writes_the_cores_view_counts_between_sweeps(core, store, cfg, monkeypatch):
    monkeypatch.setattr("pastebox.server.janitor.VIEW_FLUSH_SECONDS", 0.01)
    paste_id = make(core)
    pastes.read(core, paste_id, ANONYMOUS)
    janitor = Janitor(store, interval=3600, views=core.views)
    janitor.start()
    try:
        flushed = threading.Event()
        for _ in range(500):
            if stored_views(cfg.db, paste_id) == 1:
                flushed.set()
                break
            flushed.wait(0.01)
    finally:
        janitor.stop()
    assert flushed.is_set()


def test_closing_the_core_writes_pending_views_then_closes_the_store(core, store, cfg):
    paste_id = make(core)
    pastes.read(core, paste_id, ANONYMOUS)
    close(core)
    assert stored_views(cfg.db, paste_id) == 1
    close(core)  # idempotent


def test_a_stopping_server_writes_the_views_it_counted(live_server):
    reply = fetch(f"{live_server.url}/api/v1/pastes", "POST", {"content": "counted\n"})
    paste_id = reply.json()["publicId"]
    for _ in range(3):
        assert fetch(f"{live_server.url}/raw/{paste_id}").status == 200
    assert live_server.stop() == 0
    assert stored_views(live_server.db, paste_id) == 3
