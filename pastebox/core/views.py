"""Views counted in memory and written in batches (so a read never waits on a write), and the
burn pastes claimed since the janitor last asked. One per Core; the janitor flushes it, and
core.context.close flushes it a last time before the store closes."""

import threading
from collections import Counter
from typing import Protocol


class ViewSink(Protocol):
    def add_views(self, counts: dict[str, int]) -> None: ...


class ViewCounts:
    """Thread-safe counters: views pending per paste, and burns since the last take_burned()."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[str] = Counter()
        self._burned = 0

    def count(self, paste_id: str) -> None:
        with self._lock:
            self._pending[paste_id] += 1

    def pending(self, paste_id: str) -> int:
        """Views of this paste not written yet (a read adds them to the stored count)."""
        return self._pending.get(paste_id, 0)

    def forget(self, paste_id: str) -> None:
        """Drop the pending views of a paste that is gone."""
        with self._lock:
            self._pending.pop(paste_id, None)

    def flush(self, store: ViewSink) -> int:
        """Write the pending views; returns how many pastes had some. Counts a failed write
        loses, as it always has: a view count is not worth holding a request for."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if pending:
            store.add_views(dict(pending))
        return len(pending)

    def burned(self) -> None:
        """Note a burn paste claimed (read once, and so deleted)."""
        with self._lock:
            self._burned += 1

    def take_burned(self) -> int:
        """Burns since the last call (the janitor's log line)."""
        with self._lock:
            count, self._burned = self._burned, 0
        return count
