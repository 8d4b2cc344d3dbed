"""Core: the one bundle every domain call takes first (store, settings, clock, throttle, gate).

Frozen and built once per app (web/app.py) or command (cli.py); the clock is a parameter, so a
test moves time by handing in its own.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pastebox.config import Config
from pastebox.core.crypto import KdfGate
from pastebox.limits import GuessThrottle
from pastebox.store import Store


@dataclass(frozen=True)
class Core:
    store: Store
    cfg: Config
    now: Callable[[], float] = time.time
    # Wrong guesses at any secret (manage token, paste password, log-in), per target and client.
    throttle: GuessThrottle = field(default_factory=GuessThrottle)
    # Bounds concurrent argon2 runs (paste passwords and account passwords) server-wide.
    kdf_gate: KdfGate = field(default_factory=KdfGate)


def healthy(core: Core) -> bool:
    """Whether the database answers a read (what /api/health reports)."""
    return core.store.healthy()
