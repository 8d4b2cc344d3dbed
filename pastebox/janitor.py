"""The janitor: a thread that flushes view counts and sweeps out expired and burned content."""

import logging
import threading
import time
from collections.abc import Callable

from pastebox import pastes
from pastebox.model import SweepResult
from pastebox.store import Store

log = logging.getLogger(__name__)

VIEW_FLUSH_SECONDS = 5.0
RETRY_SECONDS = 5.0


def sweep(store: Store, now: float) -> SweepResult:
    """One pass: delete expired pastes, merge the search index if words were deleted, and fold
    the WAL back into the database so deleted bytes leave the WAL file too."""
    store.flush_views()
    expired, _ = store.purge_expired(now, tombstone_until=pastes.sweep_cutoff(now))
    unindexed = store.take_unindexed()
    if unindexed:
        store.optimize_search()
    checkpointed = store.checkpoint()
    return SweepResult(
        expired=expired, burned=store.take_burned(), fts_optimized=bool(unindexed),
        checkpointed=checkpointed,
    )  # fmt: skip


class Janitor(threading.Thread):
    """Sweeps every `interval` seconds until stop(); an error is logged and retried, never fatal."""

    def __init__(self, store: Store, interval: float, *, now: Callable[[], float] = time.time):
        super().__init__(name="pastebox-janitor", daemon=True)
        self.store = store
        self.interval = interval
        self.now = now
        self._stop_event = threading.Event()

    def run(self) -> None:
        next_sweep = time.monotonic() + self.interval
        while not self._stop_event.wait(min(VIEW_FLUSH_SECONDS, self.interval)):
            try:
                if time.monotonic() >= next_sweep:
                    result = sweep(self.store, self.now())
                    next_sweep = time.monotonic() + self.interval
                    if result.expired or result.burned:
                        log.info(
                            "janitor: purged %d expired, %d burned since last sweep",
                            result.expired, result.burned,
                        )  # fmt: skip
                else:
                    self.store.flush_views()
            except Exception:  # noqa: BLE001 - the janitor must outlive any one failure
                log.exception("janitor sweep failed; retrying in %.0f s", RETRY_SECONDS)
                next_sweep = time.monotonic() + RETRY_SECONDS

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)
