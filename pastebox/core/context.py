"""Core: the one bundle every domain call takes first (store, settings, clock, throttle, gate,
view counts, rooms' presence and PIN lockout).

Frozen and built once per app (web/app.py) or command (cli.py); the clock is a parameter, so a
test moves time by handing in its own.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pastebox.config import Config
from pastebox.core.crypto import KdfGate
from pastebox.core.presence import Presence
from pastebox.core.views import ViewCounts
from pastebox.limits import GuessThrottle, Lockout
from pastebox.store import DATABASE_ERRORS, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Core:
    store: Store
    cfg: Config
    now: Callable[[], float] = time.time
    # Wrong guesses at any secret (manage token, paste password, log-in), per target and client.
    throttle: GuessThrottle = field(default_factory=GuessThrottle)
    # Bounds concurrent argon2 runs (paste passwords and account passwords) server-wide.
    kdf_gate: KdfGate = field(default_factory=KdfGate)
    # Views not yet written and burns since the last sweep: the janitor writes and takes them.
    views: ViewCounts = field(default_factory=ViewCounts)
    # Devices seen in each room lately (deviceCount), in memory: polls never write.
    presence: Presence = field(default_factory=Presence)
    # Wrong room PINs, per room and per client: a lock that grows after a few (core/rooms.py).
    room_lockout: Lockout = field(default_factory=Lockout)


def healthy(core: Core) -> bool:
    """Whether the database answers a read (what /api/health reports)."""
    return core.store.healthy()


def close(core: Core) -> None:
    """Write the pending view counts, then close the store (a server stopping, a command done)."""
    try:
        core.views.flush(core.store)
    except DATABASE_ERRORS:
        log.exception("could not flush view counts at close")
    core.store.close()
