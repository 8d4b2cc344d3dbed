"""Running the app under waitress: CPU pinning, graceful stop on SIGTERM/SIGINT, the janitor."""

import logging
import os
import signal
import time

from waitress import wasyncore

from pastebox.config import Config
from pastebox.core import context
from pastebox.server.guard import create_server, limits_of
from pastebox.server.janitor import Janitor
from pastebox.server.proxy import waitress_settings
from pastebox.store import open_store
from pastebox.web.app import create_app, services_of

log = logging.getLogger(__name__)
RESPONSES_IN_MEMORY = 2**62  # bytes of pending reply before waitress would use a temp file

DRAIN_SECONDS = 10.0
LOOP_TICK = 1.0
# Waitress refuses bodies past this itself; below it the app reads with its own cap and answers
# oversize bodies with its JSON 413.
BODY_SLACK = 1024 * 1024


def pin_cpu(setting: str) -> int | None:
    """Pin this process (and the threads it starts later) to one CPU; returns it, or None.

    A threaded Python server whose handlers call SQLite hands the GIL back and forth on every
    call; when the scheduler spreads those threads over cores each hand-off costs a cross-core
    wake-up and throughput collapses. On one core the hand-offs are cheap.
    """
    if setting == "off" or not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2 and setting == "auto":
        return None
    cpu = allowed[0] if setting == "auto" else int(setting)
    if cpu not in allowed:
        raise ValueError(f"cpu_pin: CPU {cpu} is not available (allowed: {allowed})")
    os.sched_setaffinity(0, {cpu})
    return cpu


class Server:
    """One waitress server around a pastebox app; `stop()` may be called from a signal handler."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.store = open_store(cfg.db, synchronous=cfg.synchronous)
        self.app = create_app(cfg, self.store)
        # waitress's server with a per-client cap, request deadlines and a body memory budget.
        self.waitress = create_server(
            self.app,
            limits_of(cfg),
            host=cfg.host,
            port=cfg.port,
            threads=cfg.threads,
            ident="pastebox",
            max_request_body_size=cfg.max_body_bytes + BODY_SLACK,
            # Bodies stay in memory up to the cap: waitress would otherwise spool any body over
            # 512 KiB to a temp file, and a password paste's plaintext must never touch the disk.
            inbuf_overflow=cfg.max_body_bytes + BODY_SLACK,
            # Replies likewise: waitress would spool any reply over 1 MiB that a slow client has
            # not taken yet to a temp file, the opened text of a password paste included. The
            # app has built the whole reply in memory already; waitress keeps it there too.
            outbuf_overflow=RESPONSES_IN_MEMORY,
            expose_tracebacks=False,
            log_untrusted_proxy_headers=False,
            # Proxy headers count only from cfg.trust_proxy; waitress rewrites the client address,
            # scheme and host from them before the app runs (pastebox/server/proxy.py).
            **waitress_settings(cfg),
        )
        self.core = services_of(self.app).core
        self.janitor = Janitor(self.store, cfg.janitor_interval, views=self.core.views)
        self._stopping = False

    @property
    def port(self) -> int:
        return int(self.waitress.effective_port)

    @property
    def url(self) -> str:
        host = self.waitress.effective_host
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{self.port}"

    def stop(self, *_: object) -> None:
        self._stopping = True
        self.waitress.pull_trigger()  # wake the loop now rather than at the next tick

    def _busy(self) -> bool:
        """A request is being received, served or sent on some connection."""
        return any(
            channel.request is not None or channel.requests or channel.total_outbufs_len
            for channel in list(self.waitress.active_channels.values())
        )

    def serve_forever(self) -> None:
        """Serve until stop(); then stop accepting, finish in-flight requests, close everything."""
        self.janitor.start()
        loop_map = self.waitress._map  # waitress keeps its socket map here; we drive the loop
        try:
            while not self._stopping:
                wasyncore.loop(timeout=LOOP_TICK, map=loop_map, use_poll=True, count=1)
            log.info("stopping: no new connections; finishing requests in flight")
            # Close only the listening socket: the trigger must keep waking the loop.
            wasyncore.dispatcher.close(self.waitress)
            deadline = time.monotonic() + DRAIN_SECONDS
            # Bytes a client sent before the stop may still be unread: the stop can land between
            # two passes, and a channel does not read while it sends a response. Unread, the
            # request does not look busy; so idle means idle after a pass that could read.
            while time.monotonic() < deadline:
                was_busy = self._busy()
                wasyncore.loop(
                    timeout=0.05 if was_busy else 0, map=loop_map, use_poll=True, count=1
                )
                if not was_busy and not self._busy():
                    break
        finally:
            self.waitress.task_dispatcher.shutdown(cancel_pending=False, timeout=DRAIN_SECONDS)
            for channel in list(self.waitress.active_channels.values()):
                channel.close()
            self.waitress.trigger.close()
            self.janitor.stop()
            services_of(self.app).renderer.close()
            context.close(self.core)  # the view counts still pending are written first
            log.info("stopped")


def serve(cfg: Config) -> int:
    cpu = pin_cpu(cfg.cpu_pin)
    server = Server(cfg)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, server.stop)
    pinned = f", pinned to CPU {cpu}" if cpu is not None else ""
    log.info(
        "pastebox serving on %s with database %s%s", server.url, os.path.abspath(cfg.db), pinned
    )
    server.serve_forever()
    return 0
