"""What the running server holds for every request, passed explicitly (no globals): the domain
bundle and the web layer's own state. Nothing here reads a request (web/requests.py does)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from pastebox.cache import LruCache
from pastebox.config import Config
from pastebox.core.context import Core
from pastebox.limits import SEARCH_BUSY, Slots, TokenBucket, WriteGate
from pastebox.render import Highlighted, Renderer

# Where the app keeps its Services (bottle app config).
SERVICES_KEY = "pastebox.services"


@dataclass(frozen=True)
class Services:
    core: Core
    limiter: TokenBucket  # each client's write rate (web/gates.py)
    renderer: Renderer
    started_at: float
    render_cache: LruCache[Highlighted]
    # Write requests run one at a time. The store serialises writes anyway; doing it for the
    # whole request keeps a second writer from waking on every GIL release of the first (each
    # SQLite call releases it): bench/FINDINGS.md measured 1,397 creates/s with the gate and
    # 1,318/s without it (p99 38 vs 52 ms), reads unaffected.
    write_gate: WriteGate = field(default_factory=WriteGate)
    # Searches run a few at a time (config search_slots/queue/wait), so that costly ones cannot
    # take every server thread; past the queue they get 503 with Retry-After.
    search_gate: Slots = field(default_factory=lambda: Slots(2, 1, 1.0, SEARCH_BUSY))
    # And each client searches at most search_rate_limit times a minute, so that one client
    # cannot keep the gate's few slots to itself.
    search_limiter: TokenBucket = field(default_factory=lambda: TokenBucket(0, "searches"))

    @property
    def cfg(self) -> Config:
        return self.core.cfg

    @property
    def now(self) -> Callable[[], float]:
        return self.core.now
