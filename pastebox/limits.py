"""Bounds on what a client may cost: a capped body reader, a write-rate limiter, a guess throttle,
a growing lockout for PINs, the write gate and bounded slots for costly work (searches)."""

import contextlib
import functools
import ipaddress
import itertools
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pastebox.core.errors import Invalid, RateLimited, TooLarge, Unavailable

READ_CHUNK = 64 * 1024
MAX_TRACKED_CLIENTS = 100_000  # beyond this the oldest buckets are forgotten (bounded memory)
BUSY_RETRY_SECONDS = 1  # Retry-After of a request refused because the server is busy
SEARCH_BUSY = "the server is busy with other searches; try again shortly"
MAX_CLIENT_CHARS = 64  # of an address that does not parse, kept as a client key
DAY_SECONDS = 86400.0
# How long a PIN guesser's failures are remembered: longer than any room lives (config caps
# room_max_ttl at this), so waiting for the count to be forgotten never buys fresh tries.
LOCKOUT_MEMORY_SECONDS = 30 * DAY_SECONDS
EVICTION_SCAN = 64  # targets a Lockout looks at to choose the one it forgets
IPV6_HOST_BITS = 64  # an IPv6 host is given a /64 at least, and may use any address in it


def client_key(address: str) -> str:
    """The client an address belongs to, for every per-client limit: an IPv6 address's /64,
    an IPv4-mapped IPv6 address's IPv4 address, an IPv4 address itself; text that is no
    address, as it is (at most MAX_CLIENT_CHARS)."""
    if ":" not in address:  # IPv4 (or no address): itself; parsing it costs every request ~20 us
        return address[:MAX_CLIENT_CHARS]
    return _ipv6_client(address[:MAX_CLIENT_CHARS])


@functools.lru_cache(maxsize=4096)  # keys are at most MAX_CLIENT_CHARS long
def _ipv6_client(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:MAX_CLIENT_CHARS]
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    network = int(ip) >> IPV6_HOST_BITS << IPV6_HOST_BITS  # drops any %zone too
    return f"{ipaddress.IPv6Address(network)}/{128 - IPV6_HOST_BITS}"


def body_length(environ: Mapping[str, Any], cap: int) -> int | None:
    """How many bytes to read: the declared Content-Length (TooLarge at once when it is over
    `cap`), cap + 1 for a chunked body (to see it pass the cap), None when there is no body."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared:
        if not (declared.isascii() and declared.isdigit()):
            raise Invalid("Content-Length is not a number", code="bad_content_length")
        length = int(declared)
        if length > cap:
            raise TooLarge(f"body of {length} bytes is over the limit of {cap} bytes")
        return length
    if environ.get("wsgi.input_terminated"):
        return cap + 1
    return None


def read_body_into(environ: Mapping[str, Any], cap: int) -> bytearray:
    """The request body in one buffer, refused with TooLarge as soon as it is known to exceed
    `cap` bytes. A declared length is read into a buffer of that size (the body is held once,
    never as chunks and their join); a chunked one grows its buffer up to the cap."""
    length = body_length(environ, cap)
    stream = environ.get("wsgi.input")
    if not length or stream is None:
        return bytearray()
    if environ.get("CONTENT_LENGTH"):
        return _fill(stream, bytearray(length))
    body = bytearray()  # chunked: read no further than one byte past the cap
    while chunk := stream.read(min(READ_CHUNK, length - len(body))):
        body += chunk
        if len(body) > cap:
            raise TooLarge(f"body is over the limit of {cap} bytes")
    return body


def _fill(stream: Any, body: bytearray) -> bytearray:
    """Read into `body` until it is full or the stream ends (then cut to what came)."""
    filled = 0
    readinto = getattr(stream, "readinto", None)
    with memoryview(body) as view:
        while filled < len(body):
            if readinto is not None:
                got = readinto(view[filled : filled + READ_CHUNK * 16]) or 0
            else:  # a wrapped stream (wsgiref, a test's lint) may only read
                chunk = stream.read(min(READ_CHUNK, len(body) - filled))
                got = len(chunk)
                view[filled : filled + got] = chunk
            if not got:
                break
            filled += got
    if filled < len(body):
        del body[filled:]
    return body


def read_body(environ: Mapping[str, Any], cap: int) -> bytes:
    """The request body as bytes, refused with TooLarge as soon as it is known to exceed `cap`
    bytes. A declared length is read in one call when the stream gives it whole (one bytes
    object: no chunks to join)."""
    length = body_length(environ, cap)
    stream = environ.get("wsgi.input")
    if not length or stream is None:
        return b""
    if environ.get("CONTENT_LENGTH"):
        first = stream.read(length)
        if len(first) == length or not first:
            return first
        rest = _fill(stream, bytearray(length - len(first)))
        return first + rest
    return bytes(read_body_into(environ, cap))


class TokenBucket:
    """Per-client limiter: `rate` tokens a minute, bursts up to `rate`; rate 0 = off. `what`
    names what is counted in the refusal ("writes", "searches")."""

    def __init__(self, rate_per_minute: int, what: str = "writes"):
        self.rate = rate_per_minute
        self.what = what
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float) -> None:
        """Spend one token or raise RateLimited with the seconds until one is available."""
        if self.rate <= 0:
            return
        per_second = self.rate / 60.0
        with self._lock:
            tokens, stamp = self._buckets.pop(client, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + max(0.0, now - stamp) * per_second)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                raise RateLimited(
                    f"too many {self.what}; slow down",
                    retry_after=int((1.0 - tokens) / per_second) + 1,
                )
            self._buckets[client] = (tokens - 1.0, now)
            while len(self._buckets) > MAX_TRACKED_CLIENTS:
                self._buckets.popitem(last=False)


class GuessThrottle:
    """Caps failed secret guesses per target (a paste, a room, an account) in a sliding window.

    Two rules, by the entropy of the secret. A low-entropy one (a paste or account password)
    can be guessed, so while its target is locked even the right guess is refused (`begin`).
    A high-entropy one (a manage token) cannot be: the right one is checked first and always
    works, and only wrong ones are counted and refused (`refuse_wrong`), or any stranger could
    lock its holder out. (API keys and sessions, high-entropy too, are not throttled at all.)"""

    def __init__(self, max_failures: int = 10, window: float = 15 * 60):
        self.max_failures = max_failures
        self.window = window
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, target: str, now: float) -> list[float]:
        stamps = [t for t in self._failures.get(target, ()) if t > now - self.window]
        if stamps:
            self._failures[target] = stamps
        else:
            self._failures.pop(target, None)
        return stamps

    def _refuse_when_spent(self, target: str, now: float) -> list[float]:
        stamps = self._recent(target, now)
        if len(stamps) >= self.max_failures:
            raise RateLimited(
                "too many wrong guesses for this item; try again later",
                retry_after=int(stamps[0] + self.window - now) + 1,
                code="too_many_attempts",
            )
        return stamps

    def begin(self, target: str, now: float) -> float:
        """Check and count one guess in one step, before it is tried: concurrent guesses cannot
        all pass the check while the first ones are still being tried (argon2 takes ~70 ms).
        Returns the stamp to `forgive` when the guess was right."""
        with self._lock:
            stamps = self._refuse_when_spent(target, now)
            stamps.append(now)
            self._remember(target, stamps)
        return now

    def forgive(self, target: str, stamp: float) -> None:
        """Take back a guess counted by `begin` that turned out right."""
        with self._lock:
            stamps = self._failures.get(target)
            if stamps and stamp in stamps:
                stamps.remove(stamp)
                if not stamps:
                    del self._failures[target]

    def _remember(self, target: str, stamps: list[float]) -> None:
        self._failures[target] = stamps
        self._failures.move_to_end(target)
        while len(self._failures) > MAX_TRACKED_CLIENTS:
            self._failures.popitem(last=False)

    def refuse_wrong(self, targets: tuple[str, ...], now: float) -> None:
        """Count a wrong guess of a high-entropy secret against each target (the item guessed
        at, the guessing client); RateLimited, uncounted, once any of them is spent."""
        with self._lock:
            for target in targets:
                self._refuse_when_spent(target, now)
            for target in targets:
                stamps = self._recent(target, now)
                stamps.append(now)
                self._remember(target, stamps)


class Lockout:
    """Failed guesses of a low-entropy secret (a room's 4-digit PIN), per target (the room, the
    guessing client): `free` failures, then every further one locks its target for
    `base` x 2^(n - free) seconds, n the failures so far (no cap: the 12th locks for ~2 days).
    A target's count is forgotten after `forget` seconds without a failure; at most
    `max_targets` targets are remembered (the least recently failed go first, unlocked ones
    before locked ones).

    A guess is counted before it is checked (`begin`), so guesses sent at once get no extra
    tries; a right one is taken back (`forgive`). While any target is locked every guess,
    the right one too, is refused uncounted."""

    def __init__(
        self, free: int = 5, base: float = 60.0, forget: float = LOCKOUT_MEMORY_SECONDS,
        max_targets: int = MAX_TRACKED_CLIENTS,
    ):  # fmt: skip
        self.free = free
        self.base = base
        self.forget = forget
        self.max_targets = max_targets
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # (n, last failure)
        self._lock = threading.Lock()

    def _count(self, target: str, now: float) -> tuple[int, float]:
        n, last = self._failures.get(target, (0, now))
        if now - last >= self.forget:
            self._failures.pop(target, None)
            return 0, now
        return n, last

    def locked_for(self, target: str, now: float) -> float:
        """Seconds until `target` may be guessed again (0: now)."""
        with self._lock:
            return self._locked_for(target, now)

    def _locked_for(self, target: str, now: float) -> float:
        return self._locked_for_state(self._count(target, now), now)

    def _locked_for_state(self, state: tuple[int, float], now: float) -> float:
        n, last = state
        if n < self.free:
            return 0.0
        return max(0.0, last + self.base * 2.0 ** (n - self.free) - now)

    def begin(self, targets: tuple[str, ...], now: float) -> "LockoutTicket":
        """Count one guess against every target before it is tried; RateLimited, uncounted,
        while any of them is locked. Returns what to `forgive` if the guess was right."""
        with self._lock:
            wait = max((self._locked_for(t, now) for t in targets), default=0.0)
            if wait > 0:
                raise RateLimited(
                    "too many wrong guesses; try again later",
                    retry_after=math.ceil(wait),
                    code="too_many_attempts",
                )
            before = []
            for target in targets:
                n, last = self._count(target, now)
                before.append((target, n, last))
                self._failures[target] = (n + 1, now)
                self._failures.move_to_end(target)
            self._evict(now)
        return LockoutTicket(now, tuple(before))

    def _evict(self, now: float) -> None:
        """Forget targets past max_targets: of the EVICTION_SCAN least recently failed, the one
        with the fewest failures (then the one whose lock ends soonest), so failures sent only
        to crowd a count out of memory do not reset it: a target whose lock has just ended
        still has its count, and loses it only to targets that failed as often."""
        while len(self._failures) > self.max_targets:
            oldest = itertools.islice(self._failures.items(), EVICTION_SCAN)
            target, _ = min(
                oldest, key=lambda item: (item[1][0], self._locked_for_state(item[1], now))
            )
            del self._failures[target]

    def forgive(self, ticket: "LockoutTicket") -> None:
        """Take back a guess counted by `begin` that turned out right: its targets are as they
        were before it (less one failure, if others failed meanwhile)."""
        with self._lock:
            for target, n, last in ticket.before:
                now_n, now_last = self._failures.get(target, (0, 0.0))
                if (now_n, now_last) == (n + 1, ticket.at):  # nobody else failed meanwhile
                    now_n, now_last = n, last
                else:
                    now_n -= 1
                if now_n <= 0:
                    self._failures.pop(target, None)
                else:
                    self._failures[target] = (now_n, now_last)


@dataclass(frozen=True)
class LockoutTicket:
    """A guess counted by Lockout.begin: when, and each target's (name, failures, last failure)
    before it."""

    at: float
    before: tuple[tuple[str, int, float], ...]


class Slots:
    """At most `slots` holders at once; at most `queue` more wait, each for at most `wait`
    seconds; the rest are told at once to come back (Unavailable: 503 + Retry-After). Waiting
    requests hold server threads, so the queue stays short."""

    def __init__(
        self, slots: int, queue: int, wait: float, busy: str,
        *, retry_after: int = BUSY_RETRY_SECONDS,
    ):  # fmt: skip
        self.queue = queue
        self.wait = wait
        self.busy = busy
        self.retry_after = retry_after
        self._semaphore = threading.BoundedSemaphore(slots)
        self._waiting = 0
        self._waiting_lock = threading.Lock()

    def acquire(self) -> None:
        if self._semaphore.acquire(blocking=False):
            return
        with self._waiting_lock:
            if self._waiting >= self.queue:
                raise self.refusal()
            self._waiting += 1
        try:
            acquired = self._semaphore.acquire(timeout=self.wait)
        finally:
            with self._waiting_lock:
                self._waiting -= 1
        if not acquired:
            raise self.refusal()

    def release(self) -> None:
        self._semaphore.release()

    def refusal(self) -> Unavailable:
        return Unavailable(self.busy, retry_after=self.retry_after, code="busy")

    def __enter__(self) -> "Slots":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class WriteGate:
    """Runs write requests one at a time (see Services.write_gate), and lets the thread holding
    it step out for slow work that needs no one else to wait (`paused()`), such as argon2.

    A write waits for its turn at most `wait` seconds, then gets Unavailable (503 +
    Retry-After); while the holder has held the gate longer than that (a stall), newcomers are
    refused at once instead of joining the wait. Either way writers cannot keep every server
    thread waiting here for long, and reads keep being served."""

    def __init__(self, wait: float = 2.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.wait = wait
        self._clock = clock
        self._lock = threading.Lock()
        self._local = threading.local()
        self._held_since: float | None = None

    def _stalled(self) -> bool:
        since = self._held_since
        return since is not None and self._clock() - since > self.wait

    def __enter__(self) -> "WriteGate":
        # The stall check comes before the wait: a newcomer behind a stalled holder would only
        # wait its whole time out.
        if not self._lock.acquire(blocking=False) and (
            self._stalled() or not self._lock.acquire(timeout=self.wait)
        ):
            raise Unavailable(
                "the server is busy with other writes; try again shortly",
                retry_after=BUSY_RETRY_SECONDS,
                code="busy",
            )
        self._enter_held()
        return self

    def _enter_held(self) -> None:
        self._held_since = self._clock()
        self._local.held = True

    def __exit__(self, *exc: object) -> None:
        self._local.held = False
        self._held_since = None
        self._lock.release()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Release the gate for the block when this thread holds it; take it back after (with
        no time limit: the write it belongs to is half done and has waited its turn once)."""
        if not getattr(self._local, "held", False):
            yield
            return
        self.__exit__()
        try:
            yield
        finally:
            self._lock.acquire()
            self._enter_held()
