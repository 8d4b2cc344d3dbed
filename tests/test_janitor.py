"""The janitor: sweeps purge what has expired, keep the index lean, and survive failures."""

import threading

from pastebox import pastes
from pastebox.janitor import Janitor, sweep
from pastebox.limits import GuessThrottle
from pastebox.model import NewFile, NewPaste


def create(store, cfg, clock, text, **kwargs):
    new = NewPaste(files=(NewFile("a.txt", text.encode()),), **kwargs)
    return pastes.create(store, cfg, new, clock()).paste


def test_sweep_deletes_expired_pastes_and_only_those(store, cfg, clock):
    short = create(store, cfg, clock, "short lived", ttl=60)
    long = create(store, cfg, clock, "long lived", ttl=3600)
    clock.advance(61)
    result = sweep(store, clock())
    assert result.expired == 1
    assert store.gone_reason(short.id, clock()) == "expired"
    assert store.get_paste(long.id, clock()) is not None


def test_sweep_merges_the_search_index_after_deleting_indexed_words(store, cfg, clock):
    create(store, cfg, clock, "ephemeral words", ttl=60, exposure="public")
    clock.advance(61)
    assert sweep(store, clock()).fts_optimized
    assert not sweep(store, clock()).fts_optimized  # nothing new to merge


def test_sweep_truncates_the_wal(store, cfg, clock):
    create(store, cfg, clock, "something")
    assert sweep(store, clock()).checkpointed


def test_sweep_counts_burned_pastes_since_the_last_one(store, cfg, clock):
    paste = create(store, cfg, clock, "secret", burn=True)
    pastes.read(store, GuessThrottle(), paste.id, pastes.Actor(), clock())
    assert sweep(store, clock()).burned == 1
    assert sweep(store, clock()).burned == 0


def test_sweep_writes_pending_view_counts(store, cfg, clock):
    paste = create(store, cfg, clock, "popular")
    pastes.read(store, GuessThrottle(), paste.id, pastes.Actor(), clock())
    sweep(store, clock())
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
    monkeypatch.setattr("pastebox.janitor.RETRY_SECONDS", 0.01)
    monkeypatch.setattr("pastebox.janitor.VIEW_FLUSH_SECONDS", 0.01)
    flaky = FlakyStore(store, failures=2)
    janitor = Janitor(flaky, interval=0.01)
    janitor.start()
    try:
        assert flaky.swept.wait(10)
    finally:
        janitor.stop()
    assert not janitor.is_alive()
