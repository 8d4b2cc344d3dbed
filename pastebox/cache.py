"""A bounded, thread-safe LRU cache of rendered pages' parts, sized in characters."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    """Least recently used entries leave first once the total size passes `max_size`.

    `size_of` measures an entry (characters of HTML, say); an entry larger than the whole cache
    is never stored. An entry may carry a lifetime, after which it is a miss.
    """

    def __init__(
        self,
        max_size: int,
        size_of: Callable[[V], int],
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_size = max_size
        self._size_of = size_of
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[V, int, float | None]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[2] is not None and entry[2] <= self._clock():
                self._drop(key)
                entry = None
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: V, *, lifetime: float | None = None) -> None:
        size = self._size_of(value)
        if size > self.max_size:
            return
        expires = None if lifetime is None else self._clock() + lifetime
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (value, size, expires)
            self._size += size
            while self._size > self.max_size:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        _, size, _ = self._entries.pop(key)
        self._size -= size

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._entries)
