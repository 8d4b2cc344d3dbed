"""The janitor: sweeps purge what has expired, keep the index lean, and survive failures."""

import threading
import uuid
from pathlib import Path

import pytest

from pastebox.core import pastes
from pastebox.core.context import Core
from pastebox.core.model import NewFile, NewPaste
from pastebox.server.janitor import Janitor, sweep


def create(store, cfg, clock, text, **kwargs):
    new = NewPaste(files=(NewFile("a.txt", text.encode()),), **kwargs)
    return pastes.create(Core(store, cfg, clock), new).paste


def test_sweep_deletes_expired_pastes_and_only_those(store, cfg, clock):
    short = create(store, cfg, clock, "short lived", ttl=60)
    long = create(store, cfg, clock, "long lived", ttl=3600)
    clock.advance(61)
    result = sweep(store, clock())
    assert result.expired == 1
    assert store.tombstone(short.id, clock()).reason == "expired"
    assert store.get_paste(long.id, clock()) is not None


def test_sweep_merges_the_search_index_after_deleting_indexed_words(store, cfg, clock):
    create(store, cfg, clock, "ephemeral words", ttl=60, exposure="public")
    clock.advance(61)
    assert sweep(store, clock()).fts_optimized
    assert not sweep(store, clock()).fts_optimized  # nothing new to merge


def test_sweep_truncates_the_wal(store, cfg, clock):
    create(store, cfg, clock, "something")
    assert sweep(store, clock()).checkpointed


def test_sweep_counts_burned_pastes_since_the_last_one(store, cfg, clock, core):
    paste = create(store, cfg, clock, "secret", burn=True)
    pastes.read(core, paste.id, pastes.Actor())
    assert sweep(store, clock(), views=core.views).burned == 1
    assert sweep(store, clock(), views=core.views).burned == 0


def test_sweep_writes_pending_view_counts(store, cfg, clock, core):
    paste = create(store, cfg, clock, "popular")
    pastes.read(core, paste.id, pastes.Actor())
    sweep(store, clock(), views=core.views)
    with store.read() as conn:
        assert conn.execute("SELECT views FROM pastes WHERE id = ?", (paste.id,)).fetchone()[0] == 1


class FlakyStore:
    """A store whose first sweeps fail, to show the janitor outlives errors."""

    def __init__(self, real, failures):
        self.real, self.failures = real, failures
        self.swept = threading.Event()

    def flush_views(self):
        return 0

    def purge_expired(self, now, *, tombstone_until):
        if self.failures:
            self.failures -= 1
            raise OSError("disk hiccup")
        self.swept.set()
        return self.real.purge_expired(now, tombstone_until=tombstone_until)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_janitor_survives_a_failing_sweep_and_stops_cleanly(store, monkeypatch):
    monkeypatch.setattr("pastebox.server.janitor.RETRY_SECONDS", 0.01)
    monkeypatch.setattr("pastebox.server.janitor.VIEW_FLUSH_SECONDS", 0.01)
    flaky = FlakyStore(store, failures=2)
    janitor = Janitor(flaky, interval=0.01)
    janitor.start()
    try:
        assert flaky.swept.wait(10)
    finally:
        janitor.stop()
    assert not janitor.is_alive()


# -- bounded work: batches and merge steps, each its own short transaction -----------------


def marker() -> str:
    """One search-index token that appears nowhere else."""
    return "mk" + uuid.uuid4().hex


def files_holding(db: str, word: str) -> list[str]:
    """The database files that still hold a trace of `word` (the index stores terms
    prefix-compressed, so look for its last 20 characters)."""
    names = [db, db + "-wal"]
    return [n for n in names if Path(n).exists() and word[-20:].encode() in Path(n).read_bytes()]


def filler(n: int) -> str:
    """Text of many distinct words, so the index spans many pages."""
    return " ".join(f"w{n}x{i}" for i in range(300))


def write_elsewhere(store, cfg, clock) -> bool:
    """Whether another thread can write (create a paste) now, within 10 s."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (create(store, cfg, clock, "meanwhile"), done.set()))
    thread.start()
    thread.join(10)
    return done.is_set()


def test_a_sweep_purges_in_batches_and_other_writers_get_the_store_between_them(store, cfg, clock):
    store.purge_batch = 4
    for n in range(10):
        create(store, cfg, clock, f"short lived {n}", ttl=60)
    clock.advance(61)
    left, wrote = [], []

    def between_batches() -> None:
        with store.read() as conn:
            left.append(conn.execute("SELECT count(*) FROM pastes WHERE expires_at").fetchone()[0])
        wrote.append(write_elsewhere(store, cfg, clock))

    result = sweep(store, clock(), pause=between_batches)
    assert result.expired == 10
    assert left[:2] == [6, 2]  # each batch committed on its own
    assert wrote[:2] == [True, True]


def test_a_sweep_forgets_every_old_tombstone_in_batches_however_few_pastes_expire(
    store, cfg, clock
):
    store.purge_batch = 4
    for n in range(10):  # deletes (and burns) leave tombstones without any paste expiring
        store.delete_paste(create(store, cfg, clock, f"deleted {n}").id, clock())
    clock.advance(pastes.TOMBSTONE_SECONDS + 1)
    left = []

    def between_batches() -> None:
        with store.read() as conn:
            left.append(conn.execute("SELECT count(*) FROM tombstones").fetchone()[0])

    sweep(store, clock(), pause=between_batches)
    assert left[:2] == [6, 2]  # each batch committed on its own
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 0


def test_a_sweep_merges_the_index_in_bounded_steps_and_deleted_words_leave_the_file(
    store, cfg, clock
):
    gone, kept = marker(), marker()
    for n in range(30):
        create(store, cfg, clock, filler(n), exposure="public")
    create(store, cfg, clock, f"keep {kept}", exposure="public")
    doomed = create(store, cfg, clock, f"drop {gone}", exposure="public")
    sweep(store, clock())
    store.delete_paste(doomed.id, clock())
    steps = []

    def between_steps() -> None:
        steps.append(write_elsewhere(store, cfg, clock))  # others write between merge steps

    result = sweep(store, clock(), merge_pages=2, pause=between_steps)
    assert result.fts_optimized
    assert len(steps) >= 2 and all(steps)
    assert files_holding(store.path, gone) == []
    assert files_holding(store.path, kept), "the search for traces cannot find anything"


def test_a_merge_cut_short_is_finished_by_the_next_sweep(store, cfg, clock, monkeypatch):
    gone = marker()
    for n in range(30):
        create(store, cfg, clock, filler(n), exposure="public")
    doomed = create(store, cfg, clock, f"drop {gone}", exposure="public")
    sweep(store, clock())
    store.delete_paste(doomed.id, clock())

    def stop_the_server() -> None:
        raise SystemExit("stopped mid-merge")

    with pytest.raises(SystemExit):
        sweep(store, clock(), merge_pages=2, pause=stop_the_server)
    assert sweep(store, clock()).fts_optimized
    assert files_holding(store.path, gone) == []


def test_a_merge_stopped_at_its_step_limit_is_finished_by_the_next_sweep(
    store, cfg, clock, monkeypatch
):
    gone = marker()
    doomed = create(store, cfg, clock, f"drop {gone}", exposure="public")
    for n in range(30):
        create(store, cfg, clock, filler(n), exposure="public")
    store.delete_paste(create(store, cfg, clock, "a first delete").id, clock())
    sweep(store, clock())  # one segment holds every word
    store.delete_paste(doomed.id, clock())
    with monkeypatch.context() as limited:
        limited.setattr("pastebox.server.janitor.MAX_MERGE_STEPS", 1)
        assert not sweep(store, clock(), merge_pages=2, pause=lambda: None).fts_optimized
    assert files_holding(store.path, gone), "the merge was not cut short"
    assert sweep(store, clock()).fts_optimized
    assert files_holding(store.path, gone) == []


def test_a_sweep_gives_the_space_of_purged_pastes_back_to_the_file_system(store, cfg, clock):
    for n in range(20):
        create(store, cfg, clock, f"{n} " + "bulky text " * 20_000, ttl=60)
    create(store, cfg, clock, "stays")
    sweep(store, clock())
    full = Path(store.path).stat().st_size
    clock.advance(61)
    assert sweep(store, clock()).expired == 20
    assert Path(store.path).stat().st_size < full / 2
