"""The janitor: a thread that flushes view counts and sweeps out expired and burned content."""

import logging
import threading
import time
from collections.abc import Callable

from pastebox.core import pastes
from pastebox.core.model import SweepResult
from pastebox.core.views import ViewCounts
from pastebox.store import Store
from pastebox.store.upkeep import ROOM_PURGE_BATCH

log = logging.getLogger(__name__)

VIEW_FLUSH_SECONDS = 5.0
RETRY_SECONDS = 5.0
# FTS5 pages written per merge step (one transaction each; ~4 KB a page): ~20-40 ms of work.
MERGE_PAGES = 200
MERGE_ROUNDS = 2
VACUUM_PAGES = 500  # free pages given back to the file system per transaction (2 MB)
# Backstops: a merge cannot run forever while others keep writing; what is left waits for
# the next sweep. Reclaiming 500 pages a step, 10,000 steps give back 20 GB.
MAX_MERGE_STEPS = 100_000
MAX_RECLAIM_STEPS = 10_000
# Between two batches (or merge steps) the janitor sleeps as long as it just worked (within
# these bounds), so writers waiting for the store's lock get it at least half the time: Python
# locks are not fair, and the janitor would otherwise take it back before a waiter wakes up.
BREATHE_SECONDS = 0.01
MAX_BREATHE_SECONDS = 0.5


class Breather:
    """The janitor's default pause: sleeps as long as it worked since the last pause."""

    def __init__(self) -> None:
        self._since = time.monotonic()

    def __call__(self) -> None:
        worked = time.monotonic() - self._since
        time.sleep(min(MAX_BREATHE_SECONDS, max(BREATHE_SECONDS, worked)))
        self._since = time.monotonic()


def sweep(
    store: Store,
    now: float,
    *,
    views: ViewCounts | None = None,
    merge_pages: int = MERGE_PAGES,
    pause: Callable[[], None] | None = None,
) -> SweepResult:
    """One pass: write the view counts pending in `views` (the core's, whose burns since the
    last sweep are reported), delete expired pastes and old tombstones in batches of the store's
    purge_batch and expired rooms a few at a time, merge the search index in steps of `merge_pages` if words were deleted, give free pages back
    to the file system, and fold the WAL back into the database so deleted bytes leave the WAL
    file too. Every batch and step is its own short write transaction, with `pause()` between
    them (by default a Breather)."""
    pause = pause or Breather()
    if views is not None:
        views.flush(store)
    expired = purge(store, now, pause)
    rooms = purge_rooms(store, now, pause)
    unindexed = store.pending_unindexed()
    merged = bool(unindexed) and merge(store, merge_pages, pause)
    if merged:  # a merge cut short leaves the words in the index: the next sweep merges again
        store.settle_unindexed(unindexed)
    reclaim(store, pause)
    checkpointed = store.checkpoint()
    burned = views.take_burned() if views is not None else 0
    return SweepResult(
        expired=expired,
        burned=burned,
        fts_optimized=merged,
        checkpointed=checkpointed,
        rooms=rooms,
    )


def in_steps(
    store: Store, step: Callable[[int], bool], pause: Callable[[], None], limit: int | None = None
) -> tuple[int, bool]:
    """Call step(i) (one short write transaction; True while there is more to do) until it is
    done or has run `limit` times, with a passive checkpoint (the WAL is reused rather than
    grown by every step) and `pause()` between two calls; returns (calls made, whether done)."""
    calls = 0
    while limit is None or calls < limit:
        if calls:
            store.checkpoint(truncate=False)
            pause()
        calls += 1
        if not step(calls - 1):
            return calls, True
    return calls, False


def purge(store: Store, now: float, pause: Callable[[], None]) -> int:
    """Delete every expired paste and every tombstone past its time, one batch per transaction,
    as long as either fills a batch (deletes and burns leave tombstones, expiry or not); returns
    how many pastes."""
    cutoff = pastes.sweep_cutoff(now)
    expired = []

    def batch(_: int) -> bool:
        purged = store.purge_expired(now, tombstone_until=cutoff)
        expired.append(purged.pastes)
        return store.purge_batch in (purged.pastes, purged.tombstones)

    in_steps(store, batch, pause)
    return sum(expired)


def purge_rooms(store: Store, now: float, pause: Callable[[], None]) -> int:
    """Delete every expired room with its items and keys, a few rooms per transaction (each
    may hold megabytes of files to zero); returns how many."""
    purged = []

    def batch(_: int) -> bool:
        purged.append(store.purge_rooms(now, limit=ROOM_PURGE_BATCH))
        return purged[-1] == ROOM_PURGE_BATCH

    in_steps(store, batch, pause)
    return sum(purged)


def reclaim(store: Store, pause: Callable[[], None]) -> bool:
    """Shrink the file by its free pages, VACUUM_PAGES per transaction (new files only); True
    when none are left (else the next sweep goes on)."""
    return in_steps(
        store, lambda _: store.reclaim_space(VACUUM_PAGES) > 0, pause, MAX_RECLAIM_STEPS
    )[1]


def merge(store: Store, pages: int, pause: Callable[[], None]) -> bool:
    """Merge every segment of the search index into one, in bounded steps; True when it
    finished within MAX_MERGE_STEPS (else deleted words may still be in the index).

    A merge FTS5 has under way (inserts start them: automerge) is finished first: begun while
    one is under way, a full merge only goes on with it, and a segment outside it keeps its
    deleted words. Twice, so that a merge begun by an insert between the two still ends up
    inside a full one."""
    budget = MAX_MERGE_STEPS
    for _ in range(MERGE_ROUNDS):
        for start in (False, True):

            def step(i: int, start: bool = start) -> bool:
                return store.merge_search(pages, start=start and i == 0)

            calls, done = in_steps(store, step, pause, budget)
            budget -= calls
            if not done:
                return False
    return True


class Janitor(threading.Thread):
    """Sweeps every `interval` seconds until stop(), and writes the view counts pending in
    `views` every few seconds; an error is logged and retried, never fatal."""

    def __init__(
        self,
        store: Store,
        interval: float,
        *,
        views: ViewCounts | None = None,
        now: Callable[[], float] = time.time,
    ):
        super().__init__(name="pastebox-janitor", daemon=True)
        self.store = store
        self.views = views
        self.interval = interval
        self.now = now
        self._stop_event = threading.Event()

    def run(self) -> None:
        next_sweep = time.monotonic() + self.interval
        while not self._stop_event.wait(min(VIEW_FLUSH_SECONDS, self.interval)):
            try:
                if time.monotonic() >= next_sweep:
                    result = sweep(self.store, self.now(), views=self.views)
                    next_sweep = time.monotonic() + self.interval
                    if result.expired or result.burned or result.rooms:
                        log.info(
                            "janitor: purged %d expired, %d burned since last sweep, %d rooms",
                            result.expired, result.burned, result.rooms,
                        )  # fmt: skip
                elif self.views is not None:
                    self.views.flush(self.store)
            except Exception:  # noqa: BLE001 - the janitor must outlive any one failure
                log.exception("janitor sweep failed; retrying in %.0f s", RETRY_SECONDS)
                next_sweep = time.monotonic() + RETRY_SECONDS

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)
